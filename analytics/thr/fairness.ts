/**
 * Fairness checks of a ranking: how scores and flagged areas (the model's flag band) spread
 * across IMD 2019 deciles and across area population, from the `areas` table (imd_decile,
 * population). Descriptive figures with their counts, for an ethics panel to read; no test here
 * declares a ranking fair or unfair.
 */
import type { QueryRunner } from '../runner';
import type { ScoreResult } from './score';

/** IMD decile and population of one area (null where unknown). */
export interface AreaContext {
	imdDecile: number | null;
	population: number | null;
}

/** One group of areas (a decile, a population band, or "unknown"). */
export interface FairnessGroup {
	/** Stable key: '1'…'10', 'q1'…'q5', 'unknown'. */
	group: string;
	label: string;
	/** Scored areas in the group. */
	areas: number;
	/** Of which in the flag band. */
	flagged: number;
	/** flagged ÷ areas; null for an empty group. */
	flaggedShare: number | null;
	/** areas × the overall flagged share: what an even spread would give. */
	expectedFlagged: number;
	/** flaggedShare ÷ overall flagged share; null when either is undefined or the overall share is 0. */
	ratio: number | null;
	/** Mean and median score of the group's areas; null when empty. */
	meanScore: number | null;
	medianScore: number | null;
	/** Residents of the group's areas with a known population (mid-2015). */
	population: number;
	/** Residents of its flagged areas. */
	flaggedPopulation: number;
}

export interface FairnessReport {
	month: string;
	model: { id: string; version: string };
	flagBand: string;
	areas: number;
	flagged: number;
	/** flagged ÷ areas; null with no areas. */
	flaggedShare: number | null;
	/** IMD deciles 1 (most deprived) … 10, then 'unknown' when any area has no decile. */
	byDecile: FairnessGroup[];
	/** Population quintiles of the scored areas with a known population (q1 = smallest), then 'unknown'. */
	byPopulation: FairnessGroup[];
	/** Flagged share in deciles 1–3 against 8–10, with the ratio (null when undefined). */
	deprivationGap: { mostDeprived: number | null; leastDeprived: number | null; ratio: number | null };
	/** Cautions about reading the figures (small groups, unknown context). */
	notes: string[];
}

/** Groups smaller than this get a caution: one area moves their share by more than 5 points. */
const SMALL_GROUP = 20;

/**
 * Read IMD decile and population per LSOA from the `areas` table. An empty or missing table
 * gives an empty map (every area then counts as 'unknown').
 */
export async function areaContext(runner: QueryRunner): Promise<Map<string, AreaContext>> {
	const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'areas'`);
	const [{ v }] = await runner.rows<{ v: number }>(`SELECT count(*) AS v FROM duckdb_views() WHERE view_name = 'areas'`);
	if (n + v === 0) return new Map();
	const cols = await runner.columns('SELECT lsoa_code, imd_decile, population FROM areas WHERE lsoa_code IS NOT NULL');
	const out = new Map<string, AreaContext>();
	(cols.lsoa_code as string[]).forEach((code, i) => {
		out.set(code, { imdDecile: cols.imd_decile[i] as number | null, population: cols.population[i] as number | null });
	});
	return out;
}

/**
 * The fairness report of a ranking (pure). Areas missing from `context`, or with a null
 * decile/population, are counted under 'unknown', never dropped. Population quintiles split the
 * areas with a known population into five groups as equal in size as possible, by population
 * (ties by area id). Shares and ratios are null where they would divide by zero.
 */
export function fairnessSummary(result: ScoreResult, context: ReadonlyMap<string, AreaContext>): FairnessReport {
	const flagBand = result.model.flag_band;
	const areas = result.areas;
	const flagged = areas.filter((a) => a.band === flagBand).length;
	const overall = areas.length ? flagged / areas.length : null;
	const ctx = (id: string) => context.get(id) ?? { imdDecile: null, population: null };

	const group = (key: string, label: string, members: typeof areas): FairnessGroup => {
		const scores = members.map((a) => a.score).sort((x, y) => x - y);
		const f = members.filter((a) => a.band === flagBand);
		const share = members.length ? f.length / members.length : null;
		const pop = (list: typeof areas) => list.reduce((s, a) => s + (ctx(a.areaId).population ?? 0), 0);
		return {
			group: key,
			label,
			areas: members.length,
			flagged: f.length,
			flaggedShare: share,
			expectedFlagged: overall === null ? 0 : members.length * overall,
			ratio: share !== null && overall ? share / overall : null,
			meanScore: members.length ? scores.reduce((s, x) => s + x, 0) / members.length : null,
			medianScore: members.length ? (scores[(members.length - 1) >> 1] + scores[members.length >> 1]) / 2 : null,
			population: pop(members),
			flaggedPopulation: pop(f)
		};
	};

	const byDecile: FairnessGroup[] = [];
	for (let d = 1; d <= 10; d++) {
		const label = d === 1 ? '1 (most deprived)' : d === 10 ? '10 (least deprived)' : String(d);
		byDecile.push(group(String(d), label, areas.filter((a) => ctx(a.areaId).imdDecile === d)));
	}
	const noDecile = areas.filter((a) => {
		const d = ctx(a.areaId).imdDecile;
		return d === null || d < 1 || d > 10;
	});
	if (noDecile.length) byDecile.push(group('unknown', 'unknown decile', noDecile));

	const known = areas
		.filter((a) => ctx(a.areaId).population !== null)
		.sort((a, b) => ctx(a.areaId).population! - ctx(b.areaId).population! || (a.areaId < b.areaId ? -1 : 1));
	const byPopulation: FairnessGroup[] = [];
	for (let q = 0; q < 5; q++) {
		const members = known.slice(Math.round((q * known.length) / 5), Math.round(((q + 1) * known.length) / 5));
		const lo = members.length ? ctx(members[0].areaId).population : null;
		const hi = members.length ? ctx(members[members.length - 1].areaId).population : null;
		const name = q === 0 ? 'smallest' : q === 4 ? 'largest' : null;
		// "Q3: 1,121 to 1,156 residents"; one value when the quintile's areas are all the same size.
		const count = (n: number) => n.toLocaleString('en-GB');
		const range = lo === null || hi === null ? '' : lo === hi ? `: ${count(lo)} residents` : `: ${count(lo)} to ${count(hi)} residents`;
		byPopulation.push(group(`q${q + 1}`, `Q${q + 1}${name ? ` (${name})` : ''}${range}`, members));
	}
	const noPopulation = areas.filter((a) => ctx(a.areaId).population === null);
	if (noPopulation.length) byPopulation.push(group('unknown', 'unknown population', noPopulation));

	const shareOf = (deciles: number[]) => {
		const members = areas.filter((a) => deciles.includes(ctx(a.areaId).imdDecile ?? -1));
		return members.length ? members.filter((a) => a.band === flagBand).length / members.length : null;
	};
	const mostDeprived = shareOf([1, 2, 3]);
	const leastDeprived = shareOf([8, 9, 10]);

	const notes: string[] = [];
	const small = byDecile.filter((g) => g.areas > 0 && g.areas < SMALL_GROUP).map((g) => g.group);
	if (small.length) notes.push(`Groups with fewer than ${SMALL_GROUP} areas (deciles ${small.join(', ')}): one area moves their share by more than 5 points; read counts, not shares.`);
	if (noDecile.length) notes.push(`${noDecile.length} scored ${noDecile.length === 1 ? 'area has' : 'areas have'} no IMD decile (outside England or not in the areas table).`);
	if (result.areaUnit !== 'lsoa') notes.push(`Areas are ${result.areaUnit} cells, not LSOAs: IMD and population are known for LSOAs only.`);
	notes.push('IMD 2019 deciles rank LSOAs nationally; a force area may contain few LSOAs of some deciles. Population is mid-2015 residents, not the daytime or visiting population that many City and town-centre incidents involve.');

	return {
		month: result.month,
		model: { id: result.model.id, version: result.model.version },
		flagBand,
		areas: areas.length,
		flagged,
		flaggedShare: overall,
		byDecile,
		byPopulation,
		deprivationGap: {
			mostDeprived,
			leastDeprived,
			ratio: mostDeprived !== null && leastDeprived ? mostDeprived / leastDeprived : null
		},
		notes
	};
}

/** {@link fairnessSummary} with the context read from the `areas` table. */
export async function fairnessByImd(runner: QueryRunner, result: ScoreResult): Promise<FairnessReport> {
	return fairnessSummary(result, result.areaUnit === 'lsoa' ? await areaContext(runner) : new Map());
}
