/**
 * THR figures worked out independently of the app, from the raw files the City of London sample
 * is built from: the police.uk street CSVs (sample-data/police-uk/city-of-london/street), IMD
 * 2019 File_1 (which local authority each LSOA 2011 lies in) and the declared model files. It
 * shares no code with the extract builder or analytics/thr: the test's own CSV reader, the
 * documented duplicate rule (a Crime ID repeated within a monthly file: only its first row
 * counts, see expected.ts), and the definitions written out here:
 *
 * - The City of London Police area = the LSOAs 2011 of local authority E09000001 (City of London).
 * - A record is located outside the force area when it has an LSOA code that is not one of those.
 * - Harm of an area over a window = Σ records × CCHI weight of their category, for the categories
 *   neither the weight table nor the model excludes, over the window's months.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseCsv } from './csv';
import { countedStreetRows } from './expected';

const IMD_FILE_1 = 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz';
export const CITY_OF_LONDON_LAD = 'E09000001';

/** LSOA 2011 codes of a local authority, from IMD 2019 File_1, sorted. */
export function lsoasOfAuthority(ladCode: string): string[] {
	const [header, ...rows] = parseCsv(gunzipSync(readFileSync(IMD_FILE_1)).toString('utf8'));
	const code = header.findIndex((h) => h.startsWith('LSOA code'));
	const lad = header.findIndex((h) => h.startsWith('Local Authority District code'));
	if (code < 0 || lad < 0) throw new Error(`${IMD_FILE_1}: no LSOA or local authority code column in ${header.join(', ')}`);
	return rows
		.filter((r) => r[lad] === ladCode)
		.map((r) => r[code])
		.sort();
}

interface StreetRecord {
	month: string;
	category: string;
	/** '' when the record has no location. */
	lsoa: string;
}

/** Every street record of the City sample that counts (duplicates dropped), in file order. */
function streetRecords(): StreetRecord[] {
	return countedStreetRows().map((row) => ({ month: row.Month, category: row['Crime type'], lsoa: row['LSOA code'] }));
}

export interface PlacementFigures {
	/** Records whose LSOA is one of the force area's. */
	inside: number;
	/** Records with an LSOA code outside the force area. */
	outside: number;
	/** Records with no location (no LSOA code). */
	unplaced: number;
}

/**
 * Street records inside, outside and without a location, for a force area given as LSOA codes;
 * only the months from `from` to `to` (YYYY-MM, inclusive) when given.
 */
export function streetPlacement(forceLsoas: readonly string[], months?: { from: string; to: string }): PlacementFigures {
	const inForce = new Set(forceLsoas);
	const figures = { inside: 0, outside: 0, unplaced: 0 };
	for (const r of streetRecords()) {
		if (months && (r.month < months.from || r.month > months.to)) continue;
		if (!r.lsoa) figures.unplaced++;
		else if (inForce.has(r.lsoa)) figures.inside++;
		else figures.outside++;
	}
	return figures;
}

export interface AreaHarm {
	lsoa: string;
	/** CCHI days over the window. */
	harm: number;
	/** harm ÷ the force area's total harm over the window (0 when the total is 0). */
	share: number;
	/** 1 = most harm; equal harm shares a rank position by LSOA code order. */
	rank: number;
}

export interface HarmWindowOptions {
	forceLsoas: readonly string[];
	/** Last month of the window, YYYY-MM. */
	month: string;
	windowMonths: number;
	/** Category → CCHI days per record. */
	weights: ReadonlyMap<string, number>;
	/** Categories that add no harm. */
	excluded: ReadonlySet<string>;
}

function monthNumber(month: string): number {
	return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

/** Harm of every force-area LSOA over the window ending with `month`, most harm first. */
export function harmByArea({ forceLsoas, month, windowMonths, weights, excluded }: HarmWindowOptions): AreaHarm[] {
	const end = monthNumber(month);
	const harm = new Map(forceLsoas.map((l) => [l, 0]));
	for (const r of streetRecords()) {
		const t = monthNumber(r.month);
		if (t > end || t <= end - windowMonths || !harm.has(r.lsoa) || excluded.has(r.category)) continue;
		harm.set(r.lsoa, harm.get(r.lsoa)! + (weights.get(r.category) ?? 0));
	}
	const total = [...harm.values()].reduce((a, b) => a + b, 0);
	return [...harm.entries()]
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
		.map(([lsoa, h], i) => ({ lsoa, harm: h, share: total > 0 ? h / total : 0, rank: i + 1 }));
}

export interface ChangeFigures {
	lsoa: string;
	/** Harm-counting records and their harm in the recent months. */
	recentCount: number;
	recentHarm: number;
	/** The same over the baseline months before them. */
	baselineCount: number;
	baselineHarm: number;
	/** (recent harm ÷ (baseline harm × recent ÷ baseline months) − 1) × 100; null with no baseline harm. */
	changePct: number | null;
	/** P(X ≥ recentCount), X ~ Binomial(recentCount + baselineCount, R ÷ (R + B)): the exact one-sided test for a rise. */
	pOneSided: number;
}

export interface ChangeOptions extends Omit<HarmWindowOptions, 'windowMonths'> {
	recentMonths: number;
	baselineMonths: number;
}

/**
 * Recent harm against the area's usual level, per force-area LSOA: the last `recentMonths`
 * months to `month` against the `baselineMonths` before them, with the exact conditional test of
 * two Poisson rates on the counts (given the total, the recent count is binomial with p = R ÷ (R +
 * B) when the rate has not changed: Przyborowski & Wilenski 1940; the one-sided p for a rise is
 * its upper tail).
 */
export function changeByArea({ forceLsoas, month, recentMonths, baselineMonths, weights, excluded }: ChangeOptions): ChangeFigures[] {
	const end = monthNumber(month);
	const acc = new Map(forceLsoas.map((l) => [l, { rc: 0, rh: 0, bc: 0, bh: 0 }]));
	for (const r of streetRecords()) {
		const a = acc.get(r.lsoa);
		const t = monthNumber(r.month);
		if (!a || excluded.has(r.category) || !weights.has(r.category) || t > end || t <= end - recentMonths - baselineMonths) continue;
		const w = weights.get(r.category)!;
		if (t > end - recentMonths) {
			a.rc++;
			a.rh += w;
		} else {
			a.bc++;
			a.bh += w;
		}
	}
	return [...acc.entries()].map(([lsoa, a]) => {
		const expected = (a.bh * recentMonths) / baselineMonths;
		return {
			lsoa,
			recentCount: a.rc,
			recentHarm: a.rh,
			baselineCount: a.bc,
			baselineHarm: a.bh,
			changePct: expected > 0 ? (a.rh / expected - 1) * 100 : null,
			pOneSided: binomialUpperTail(a.rc, a.rc + a.bc, recentMonths / (recentMonths + baselineMonths))
		};
	});
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed term by term in log space (n up to a few thousand). */
export function binomialUpperTail(k: number, n: number, p: number): number {
	if (k <= 0) return 1;
	if (k > n) return 0;
	const logFactorial = (m: number) => {
		let s = 0;
		for (let i = 2; i <= m; i++) s += Math.log(i);
		return s;
	};
	const ln = logFactorial(n);
	let total = 0;
	for (let x = k; x <= n; x++) total += Math.exp(ln - logFactorial(x) - logFactorial(n - x) + x * Math.log(p) + (n - x) * Math.log(1 - p));
	return Math.min(1, total);
}
