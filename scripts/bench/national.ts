/**
 * A seeded SYNTHETIC national street-crime set for scale benchmarks: by default 6,000,000 records a
 * year over the 43 police forces of England and Wales, in the police.uk street format and layout
 * (`<out>/YYYY-MM/YYYY-MM-<force>-street.csv`, header `Crime ID,Month,Reported by,Falls within,
 * Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context`).
 * Not real records: the folder's README.md and source.json say so (README.md rather than .txt,
 * because the extract builder reads every .txt file of a folder as an input). source.json also
 * tells `npm start -- --data <out>` to build the extract without LSOA boundaries and with no force
 * area (the set spans every force).
 *
 *   npx tsx scripts/bench/national.ts --out <dir> [--years 1] [--seed 1] [--rows-per-year 6000000]
 *                                     [--last-year 2024] [--gzip]
 *
 * What is real and what is drawn:
 * - Forces and areas: every LSOA 2021 of England and Wales with its real code and name (ONS
 *   LSOA21 → LAD23 lookup), in the force of its local authority (ONS LAD16 → PFA16 lookup and
 *   models/geography/lad-changes.json for the authorities created since 2016).
 * - Volumes: each force's records are in proportion to its Census 2021 usual residents (TS021
 *   totals summed over its LSOAs; no per-force crime count is shipped), each LSOA's share of its
 *   force likewise.
 * - Crime type, outcome and "No Location": each record copies those of a real City of London
 *   street record drawn uniformly (so the category mix, the outcomes within each type and the share
 *   without a location are the City's).
 * - Month pattern: per calendar month, from the real rows: anti-social behaviour follows
 *   Lancashire's ASB in 2022, other crime the City's (2017-12 … 2019-11, each calendar month twice).
 * - Points: an LSOA's snap points are the real ones where the shipped rows have them (City of
 *   London rows, then Lancashire's ASB points, with their real location names). Elsewhere a real
 *   Lancashire LSOA's snap points (offsets from its mean point, record shares and street names)
 *   are placed around the LSOA's point: the geometric centroid of its polygon in the shipped London
 *   LSOA 2011 boundaries, else (no centroid file for the rest of the country is shipped) a SYNTHETIC
 *   point on a spiral around an approximate centre of the force typed in FORCES below.
 * - Crime IDs: 64 hex digits, the SHA-256 of seed, force, month and row (empty for anti-social
 *   behaviour), so no two records share one.
 * Every file is generated from its own seed (seed, force, month), so a file's contents do not
 * depend on which other months or forces are written.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { geoCentroid } from 'd3';
import { splitCsvLine } from '../../analytics/ingest/detect';
import { readLsoaBoundaries } from '../lib/areas';
import { readLadChanges } from '../lib/force-area';

export const NATIONAL_HEADER = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';

/**
 * The 43 forces: ONS PFA16NM → police.uk file slug and force name, and an approximate centre
 * (longitude, latitude; typed for this generator, not from a shipped file) for placing LSOAs that
 * have no shipped geometry.
 */
export const FORCES: Record<string, { slug: string; name: string; centre: [number, number] }> = {
	'Avon and Somerset': { slug: 'avon-and-somerset', name: 'Avon and Somerset Constabulary', centre: [-2.75, 51.2] },
	Bedfordshire: { slug: 'bedfordshire', name: 'Bedfordshire Police', centre: [-0.45, 52.05] },
	Cambridgeshire: { slug: 'cambridgeshire', name: 'Cambridgeshire Constabulary', centre: [0.05, 52.35] },
	Cheshire: { slug: 'cheshire', name: 'Cheshire Constabulary', centre: [-2.55, 53.2] },
	Cleveland: { slug: 'cleveland', name: 'Cleveland Police', centre: [-1.2, 54.57] },
	Cumbria: { slug: 'cumbria', name: 'Cumbria Constabulary', centre: [-3.0, 54.5] },
	Derbyshire: { slug: 'derbyshire', name: 'Derbyshire Constabulary', centre: [-1.6, 53.0] },
	'Devon & Cornwall': { slug: 'devon-and-cornwall', name: 'Devon & Cornwall Police', centre: [-4.2, 50.6] },
	Dorset: { slug: 'dorset', name: 'Dorset Police', centre: [-2.2, 50.8] },
	Durham: { slug: 'durham', name: 'Durham Constabulary', centre: [-1.7, 54.7] },
	'Dyfed-Powys': { slug: 'dyfed-powys', name: 'Dyfed-Powys Police', centre: [-3.9, 52.2] },
	Essex: { slug: 'essex', name: 'Essex Police', centre: [0.6, 51.8] },
	Gloucestershire: { slug: 'gloucestershire', name: 'Gloucestershire Constabulary', centre: [-2.2, 51.85] },
	'Greater Manchester': { slug: 'greater-manchester', name: 'Greater Manchester Police', centre: [-2.3, 53.5] },
	Gwent: { slug: 'gwent', name: 'Gwent Police', centre: [-3.0, 51.7] },
	Hampshire: { slug: 'hampshire', name: 'Hampshire Constabulary', centre: [-1.3, 51.0] },
	Hertfordshire: { slug: 'hertfordshire', name: 'Hertfordshire Constabulary', centre: [-0.25, 51.8] },
	Humberside: { slug: 'humberside', name: 'Humberside Police', centre: [-0.5, 53.75] },
	Kent: { slug: 'kent', name: 'Kent Police', centre: [0.75, 51.2] },
	Lancashire: { slug: 'lancashire', name: 'Lancashire Constabulary', centre: [-2.6, 53.85] },
	Leicestershire: { slug: 'leicestershire', name: 'Leicestershire Police', centre: [-1.1, 52.65] },
	Lincolnshire: { slug: 'lincolnshire', name: 'Lincolnshire Police', centre: [-0.3, 53.1] },
	'London, City of': { slug: 'city-of-london', name: 'City of London Police', centre: [-0.09, 51.515] },
	Merseyside: { slug: 'merseyside', name: 'Merseyside Police', centre: [-2.95, 53.42] },
	'Metropolitan Police': { slug: 'metropolitan', name: 'Metropolitan Police Service', centre: [-0.12, 51.5] },
	Norfolk: { slug: 'norfolk', name: 'Norfolk Constabulary', centre: [1.0, 52.65] },
	'North Wales': { slug: 'north-wales', name: 'North Wales Police', centre: [-3.6, 53.05] },
	'North Yorkshire': { slug: 'north-yorkshire', name: 'North Yorkshire Police', centre: [-1.3, 54.1] },
	Northamptonshire: { slug: 'northamptonshire', name: 'Northamptonshire Police', centre: [-0.9, 52.3] },
	Northumbria: { slug: 'northumbria', name: 'Northumbria Police', centre: [-1.7, 55.0] },
	Nottinghamshire: { slug: 'nottinghamshire', name: 'Nottinghamshire Police', centre: [-1.05, 53.1] },
	'South Wales': { slug: 'south-wales', name: 'South Wales Police', centre: [-3.5, 51.6] },
	'South Yorkshire': { slug: 'south-yorkshire', name: 'South Yorkshire Police', centre: [-1.35, 53.5] },
	Staffordshire: { slug: 'staffordshire', name: 'Staffordshire Police', centre: [-2.05, 52.85] },
	Suffolk: { slug: 'suffolk', name: 'Suffolk Constabulary', centre: [1.0, 52.2] },
	Surrey: { slug: 'surrey', name: 'Surrey Police', centre: [-0.4, 51.25] },
	Sussex: { slug: 'sussex', name: 'Sussex Police', centre: [-0.2, 50.95] },
	'Thames Valley': { slug: 'thames-valley', name: 'Thames Valley Police', centre: [-1.0, 51.65] },
	Warwickshire: { slug: 'warwickshire', name: 'Warwickshire Police', centre: [-1.55, 52.3] },
	'West Mercia': { slug: 'west-mercia', name: 'West Mercia Police', centre: [-2.6, 52.35] },
	'West Midlands': { slug: 'west-midlands', name: 'West Midlands Police', centre: [-1.9, 52.48] },
	'West Yorkshire': { slug: 'west-yorkshire', name: 'West Yorkshire Police', centre: [-1.65, 53.8] },
	Wiltshire: { slug: 'wiltshire', name: 'Wiltshire Police', centre: [-1.95, 51.35] }
};

/** The shipped real files the set is drawn from (all in sample-data). */
export const NATIONAL_INPUTS = {
	cityStreet: 'sample-data/police-uk/city-of-london/street',
	lancashireAsb: 'sample-data/police-uk/lancashire-asb-2022/lancashire_asb.tab',
	lsoaLad: 'sample-data/context/census2021/LSOA21_LAD23_lookup.csv.gz',
	population: 'sample-data/context/census2021/TS021_ethnic_group_5_lsoa21.csv.gz',
	pfaLookup: 'sample-data/context/geography/LAD16_CSP16_PFA16_lookup.csv',
	ladChanges: 'models/geography/lad-changes.json',
	londonLsoas: 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20.shp'
};

export interface NationalOptions {
	out: string;
	/** Calendar years, ending with `lastYear` (default 1). */
	years?: number;
	seed?: number;
	/** Records a year over all forces (default 6,000,000). */
	rowsPerYear?: number;
	lastYear?: number;
	/** Write .csv.gz instead of .csv. */
	gzip?: boolean;
	log?: (line: string) => void;
}

export interface NationalResult {
	files: string[];
	rows: number;
	forces: number;
	bytes: number;
	elapsedMs: number;
	/** True when an identical set was already there and nothing was written. */
	reused: boolean;
}

/** One real street record's drawn fields. */
interface RealRow {
	type: string;
	outcome: string;
	located: boolean;
}

/** A snap point: position (degrees, or metres from the LSOA's point for templates), quoted location, weight. */
interface SnapSet {
	xs: Float64Array;
	ys: Float64Array;
	names: string[];
	/** Cumulative record shares, last = 1. */
	cum: Float64Array;
}

export interface NationalLsoa {
	code: string;
	name: string;
	lad: string;
	population: number;
	/** Where its point comes from. */
	pointFrom: 'city rows' | 'lancashire rows' | 'london boundary centroid' | 'synthetic';
	lon: number;
	lat: number;
}

export interface NationalForce {
	pfa: string;
	slug: string;
	name: string;
	population: number;
	lsoas: NationalLsoa[];
}

export interface NationalModel {
	forces: NationalForce[];
	/** Real City street rows, anti-social behaviour apart. */
	asbRows: RealRow[];
	otherRows: RealRow[];
	/** Calendar-month shares (Jan … Dec, each summing to 1) of ASB (Lancashire) and other crime (City). */
	asbMonths: number[];
	otherMonths: number[];
	/** Snap points per LSOA code where real rows give them (absolute degrees). */
	realPoints: Map<string, SnapSet>;
	/** Lancashire LSOAs' snap points as offsets in metres from their mean, for LSOAs without real points. */
	templates: SnapSet[];
}

function csvRows(path: string): string[][] {
	const raw = readFileSync(path);
	const text = (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('utf8').replace(/^\uFEFF/, '');
	return text
		.split(/\r?\n/)
		.filter((l) => l.trim() !== '')
		.map((l) => splitCsvLine(l, ','));
}

function quote(cell: string): string {
	return /[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * A seeded generator for one file: sfc32 (public domain) with its 128-bit state from the SHA-256
 * of `key`, so the files' streams are independent (a counter-based generator such as mulberry32
 * seeded per file would give overlapping, shifted streams).
 */
function seededRandom(key: string): () => number {
	const h = createHash('sha256').update(key).digest();
	let a = h.readUInt32LE(0);
	let b = h.readUInt32LE(4);
	let c = h.readUInt32LE(8);
	let d = h.readUInt32LE(12);
	const next = () => {
		const t = (((a + b) >>> 0) + d) >>> 0;
		d = (d + 1) >>> 0;
		a = b ^ (b >>> 9);
		b = (c + (c << 3)) >>> 0;
		c = ((c << 21) | (c >>> 11)) >>> 0;
		c = (c + t) >>> 0;
		return t;
	};
	for (let i = 0; i < 12; i++) next();
	return () => next() / 4294967296;
}

/** FNV-1a of a string, for choosing a template per LSOA. */
function hash32(s: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
	return h >>> 0;
}

/** Integer shares of `total` in proportion to `weights`, summing exactly to `total` (largest remainder, ties by index). */
export function apportion(total: number, weights: readonly number[]): number[] {
	const sum = weights.reduce((s, w) => s + w, 0);
	const exact = weights.map((w) => (total * w) / sum);
	const out = exact.map(Math.floor);
	let left = total - out.reduce((s, n) => s + n, 0);
	const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
	for (let k = 0; left > 0; k++, left--) out[order[k % order.length][1]]++;
	return out;
}

function snapSet(points: Array<{ x: number; y: number; name: string; n: number }>): SnapSet {
	points.sort((a, b) => b.n - a.n || a.name.localeCompare(b.name) || a.x - b.x || a.y - b.y);
	const total = points.reduce((s, p) => s + p.n, 0);
	const cum = new Float64Array(points.length);
	let acc = 0;
	points.forEach((p, i) => ((acc += p.n), (cum[i] = acc / total)));
	cum[points.length - 1] = 1;
	return { xs: Float64Array.from(points.map((p) => p.x)), ys: Float64Array.from(points.map((p) => p.y)), names: points.map((p) => quote(p.name)), cum };
}

function pick(cum: Float64Array | number[], r: number): number {
	let lo = 0;
	let hi = cum.length - 1;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (cum[mid] > r) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

const M_PER_DEG_LAT = 111_320;

const models = new Map<string, Promise<NationalModel>>();

/** Read the shipped real files into what the generator draws from (once per process and set of inputs). */
export function loadNationalModel(inputs = NATIONAL_INPUTS): Promise<NationalModel> {
	const key = JSON.stringify(inputs);
	if (!models.has(key)) models.set(key, readNationalModel(inputs));
	return models.get(key)!;
}

async function readNationalModel(inputs: typeof NATIONAL_INPUTS): Promise<NationalModel> {
	// Real City of London street rows: types, outcomes, months, snap points.
	const asbRows: RealRow[] = [];
	const otherRows: RealRow[] = [];
	const otherByMonth = new Array(12).fill(0);
	const cityPoints = new Map<string, Map<string, { x: number; y: number; name: string; n: number }>>();
	for (const f of readdirSync(inputs.cityStreet).filter((f) => f.endsWith('.csv')).sort()) {
		const rows = csvRows(join(inputs.cityStreet, f));
		const h = rows[0];
		const col = (name: string) => h.indexOf(name);
		const [cMonth, cLon, cLat, cLoc, cLsoa, cType, cOut] = ['Month', 'Longitude', 'Latitude', 'Location', 'LSOA code', 'Crime type', 'Last outcome category'].map(col);
		for (const r of rows.slice(1)) {
			const located = r[cLon] !== '' && r[cLsoa] !== '';
			const row = { type: r[cType], outcome: r[cOut] ?? '', located };
			if (row.type === 'Anti-social behaviour') asbRows.push(row);
			else {
				otherRows.push(row);
				otherByMonth[Number(r[cMonth].slice(5, 7)) - 1]++;
			}
			if (located) {
				const byPoint = cityPoints.get(r[cLsoa]) ?? new Map();
				cityPoints.set(r[cLsoa], byPoint);
				const key = `${r[cLon]},${r[cLat]},${r[cLoc]}`;
				const p = byPoint.get(key) ?? { x: Number(r[cLon]), y: Number(r[cLat]), name: r[cLoc], n: 0 };
				p.n++;
				byPoint.set(key, p);
			}
		}
	}
	// Real Lancashire ASB rows: the ASB month pattern, snap points per LSOA (and templates).
	const lanRows = readFileSync(inputs.lancashireAsb, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split('\t'));
	const lh = lanRows[0];
	const [lMonth, lLon, lLat, lLoc, lLsoa] = ['month', 'longitude', 'latitude', 'location', 'lsoa_code'].map((c) => lh.indexOf(c));
	const asbByMonth = new Array(12).fill(0);
	const lanPoints = new Map<string, Map<string, { x: number; y: number; name: string; n: number }>>();
	for (const r of lanRows.slice(1)) {
		asbByMonth[Number(r[lMonth].slice(5, 7)) - 1]++;
		if (r[lLsoa] === '' || r[lLon] === '') continue;
		const byPoint = lanPoints.get(r[lLsoa]) ?? new Map();
		lanPoints.set(r[lLsoa], byPoint);
		const key = `${r[lLon]},${r[lLat]},${r[lLoc]}`;
		const p = byPoint.get(key) ?? { x: Number(r[lLon]), y: Number(r[lLat]), name: `On or near ${r[lLoc]}`, n: 0 };
		p.n++;
		byPoint.set(key, p);
	}
	const realPoints = new Map<string, SnapSet>();
	for (const [code, ps] of lanPoints) realPoints.set(code, snapSet([...ps.values()]));
	for (const [code, ps] of cityPoints) realPoints.set(code, snapSet([...ps.values()]));
	const templates: SnapSet[] = [...lanPoints.keys()].sort().map((code) => {
		const ps = [...lanPoints.get(code)!.values()];
		const total = ps.reduce((s, p) => s + p.n, 0);
		const mx = ps.reduce((s, p) => s + p.x * p.n, 0) / total;
		const my = ps.reduce((s, p) => s + p.y * p.n, 0) / total;
		const k = M_PER_DEG_LAT * Math.cos((my * Math.PI) / 180);
		return snapSet(ps.map((p) => ({ ...p, x: (p.x - mx) * k, y: (p.y - my) * M_PER_DEG_LAT })));
	});

	// Geography: LSOA 2021 → LAD 2023 → police force area; Census 2021 residents.
	const pfaRows = csvRows(inputs.pfaLookup);
	const pfaOf = new Map(pfaRows.slice(1).map((r) => [r[pfaRows[0].indexOf('LAD16CD')].trim(), r[pfaRows[0].indexOf('PFA16NM')].trim()]));
	for (const c of readLadChanges(inputs.ladChanges)) if (!pfaOf.has(c.code)) pfaOf.set(c.code, c.force);
	const population = new Map<string, number>();
	for (const r of csvRows(inputs.population)) {
		const m = /^([EW]0\d{7}) : /.exec(r[0] ?? '');
		if (m) population.set(m[1], Number(r[1]));
	}
	const london = new Map<string, [number, number]>();
	for (const f of await readLsoaBoundaries(inputs.londonLsoas)) london.set(f.code, geoCentroid(f.geometry as never) as [number, number]);

	const lookup = csvRows(inputs.lsoaLad);
	const [iCode, iName, iLad] = ['LSOA21CD', 'LSOA21NM', 'LAD23CD'].map((c) => lookup[0].indexOf(c));
	const forces = new Map<string, NationalForce>();
	for (const r of lookup.slice(1)) {
		const lad = r[iLad].trim();
		const pfa = pfaOf.get(lad);
		if (!pfa || !FORCES[pfa]) throw new Error(`${inputs.lsoaLad}: local authority ${lad} has no police force area in ${inputs.pfaLookup} or ${inputs.ladChanges}`);
		const code = r[iCode].trim();
		const f = forces.get(pfa) ?? { pfa, slug: FORCES[pfa].slug, name: FORCES[pfa].name, population: 0, lsoas: [] };
		forces.set(pfa, f);
		const pop = population.get(code);
		if (pop === undefined) throw new Error(`${inputs.population}: no residents for LSOA ${code}`);
		f.population += pop;
		f.lsoas.push({ code, name: r[iName].trim(), lad, population: pop, pointFrom: 'synthetic', lon: NaN, lat: NaN });
	}
	for (const f of forces.values()) {
		f.lsoas.sort((a, b) => a.lad.localeCompare(b.lad) || a.code.localeCompare(b.code));
		// A Fermat spiral around the force's approximate centre, about 1 km between points, for LSOAs without shipped geometry.
		const [cx, cy] = FORCES[f.pfa].centre;
		let k = 0;
		for (const a of f.lsoas) {
			const real = realPoints.get(a.code);
			if (real) {
				a.lon = real.xs.reduce((s, x) => s + x, 0) / real.xs.length;
				a.lat = real.ys.reduce((s, y) => s + y, 0) / real.ys.length;
				a.pointFrom = cityPoints.has(a.code) ? 'city rows' : 'lancashire rows';
			} else if (london.has(a.code)) {
				[a.lon, a.lat] = london.get(a.code)!;
				a.pointFrom = 'london boundary centroid';
			} else {
				const r = 560 * Math.sqrt(k + 0.5);
				const theta = k * 2.399963229728653;
				a.lat = cy + (r * Math.sin(theta)) / M_PER_DEG_LAT;
				a.lon = cx + (r * Math.cos(theta)) / (M_PER_DEG_LAT * Math.cos((cy * Math.PI) / 180));
				k++;
			}
		}
	}
	const share = (xs: number[]) => xs.map((x) => x / xs.reduce((s, y) => s + y, 0));
	return {
		forces: [...forces.values()].sort((a, b) => a.slug.localeCompare(b.slug)),
		asbRows,
		otherRows,
		asbMonths: share(asbByMonth),
		otherMonths: share(otherByMonth),
		realPoints,
		templates
	};
}

function monthsOf(years: number, lastYear: number): string[] {
	const out: string[] = [];
	for (let y = lastYear - years + 1; y <= lastYear; y++) for (let m = 1; m <= 12; m++) out.push(`${y}-${String(m).padStart(2, '0')}`);
	return out;
}

/** An LSOA's points as "lon,lat" strings with quoted names, ready to write. */
interface LsoaPoints {
	coords: string[];
	names: string[];
	cum: Float64Array;
	suffix: string;
}

function lsoaPoints(model: NationalModel, a: NationalLsoa, seed: number): LsoaPoints {
	const real = model.realPoints.get(a.code);
	const set = real ?? model.templates[hash32(`${seed}:${a.code}`) % model.templates.length];
	const k = M_PER_DEG_LAT * Math.cos((a.lat * Math.PI) / 180);
	const coords = Array.from(set.xs, (x, i) =>
		real ? `${x.toFixed(6)},${set.ys[i].toFixed(6)}` : `${(a.lon + x / k).toFixed(6)},${(a.lat + set.ys[i] / M_PER_DEG_LAT).toFixed(6)}`
	);
	return { coords, names: set.names, cum: set.cum, suffix: `${quote(a.code)},${quote(a.name)}` };
}

/** Records per force and calendar month (Jan … Dec) in one year. */
export function nationalCounts(model: NationalModel, rowsPerYear: number): Map<string, number[]> {
	const perForce = apportion(rowsPerYear, model.forces.map((f) => f.population));
	const asbShare = model.asbRows.length / (model.asbRows.length + model.otherRows.length);
	const monthWeights = model.asbMonths.map((a, m) => asbShare * a + (1 - asbShare) * model.otherMonths[m]);
	return new Map(model.forces.map((f, i) => [f.slug, apportion(perForce[i], monthWeights)]));
}

/**
 * Write the set under `out` (or reuse an identical one: same options and generator, every file
 * present). Streams one file at a time.
 */
export async function writeNationalSet(options: NationalOptions): Promise<NationalResult> {
	const started = performance.now();
	const years = options.years ?? 1;
	const seed = options.seed ?? 1;
	const rowsPerYear = options.rowsPerYear ?? 6_000_000;
	const lastYear = options.lastYear ?? 2024;
	const gzip = options.gzip ?? false;
	const log = options.log ?? (() => {});
	const months = monthsOf(years, lastYear);
	const generator = createHash('sha256').update(readFileSync(new URL(import.meta.url))).digest('hex').slice(0, 16);
	const stampFile = join(options.out, 'source.json');
	const stampKey = { years, seed, rowsPerYear, lastYear, gzip, generator };

	const model = await loadNationalModel();
	const counts = nationalCounts(model, rowsPerYear);
	const files: string[] = [];
	for (const month of months) for (const f of model.forces) files.push(join(options.out, month, `${month}-${f.slug}-street.csv${gzip ? '.gz' : ''}`));
	if (existsSync(stampFile)) {
		const old = JSON.parse(readFileSync(stampFile, 'utf8')) as { options?: unknown; rows?: number; bytes?: number };
		if (JSON.stringify(old.options) === JSON.stringify(stampKey) && files.every((f) => existsSync(f))) {
			return { files, rows: old.rows ?? 0, forces: model.forces.length, bytes: old.bytes ?? 0, elapsedMs: performance.now() - started, reused: true };
		}
	}

	const asbShare = model.asbRows.length / (model.asbRows.length + model.otherRows.length);
	const points = new Map<string, LsoaPoints>();
	let rows = 0;
	let bytes = 0;
	let fileIndex = 0;
	for (const month of months) {
		const mi = Number(month.slice(5, 7)) - 1;
		const pAsb = (asbShare * model.asbMonths[mi]) / (asbShare * model.asbMonths[mi] + (1 - asbShare) * model.otherMonths[mi]);
		mkdirSync(join(options.out, month), { recursive: true });
		for (const f of model.forces) {
			const n = counts.get(f.slug)![mi];
			const random = seededRandom(`${seed}:${f.slug}:${month}`);
			// Crime IDs: SHA-256 of the file's key and the row, so they are unique across every file.
			const idKey = `${seed}:${f.slug}:${month}:`;
			const cum = new Float64Array(f.lsoas.length);
			let acc = 0;
			f.lsoas.forEach((a, i) => ((acc += a.population), (cum[i] = acc / f.population)));
			cum[cum.length - 1] = 1;
			const force = quote(f.name);
			const lines: string[] = [NATIONAL_HEADER];
			for (let i = 0; i < n; i++) {
				const asb = random() < pAsb;
				const pool = asb ? model.asbRows : model.otherRows;
				const row = pool[Math.floor(random() * pool.length)];
				let id = '';
				if (!asb) id = createHash('sha256').update(idKey + i).digest('hex');
				let where = ',,No Location,,';
				if (row.located) {
					const a = f.lsoas[pick(cum, random())];
					let p = points.get(a.code);
					if (!p) points.set(a.code, (p = lsoaPoints(model, a, seed)));
					const j = pick(p.cum, random());
					where = `${p.coords[j]},${p.names[j]},${p.suffix}`;
				}
				lines.push(`${id},${month},${force},${force},${where},${quote(row.type)},${quote(row.outcome)},`);
			}
			const text = lines.join('\n') + '\n';
			const data = gzip ? gzipSync(text, { level: 6 }) : Buffer.from(text);
			writeFileSync(files[fileIndex++], data);
			rows += n;
			bytes += data.byteLength;
		}
		log(`  ${month}: ${rows.toLocaleString('en-GB')} records so far, ${(bytes / 1e6).toFixed(0)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s`);
	}
	const label = `National street crime, SYNTHETIC (${years} year${years === 1 ? '' : 's'}, ${model.forces.length} forces, seed ${seed})`;
	const description =
		`SYNTHETIC data for benchmarks, not real records: ${rows.toLocaleString('en-GB')} street-crime records over ${months[0]} … ${months.at(-1)} ` +
		`in the ${model.forces.length} forces of England and Wales, made by scripts/bench/national.ts (seed ${seed}) from real rows ` +
		`(City of London street crime and Lancashire ASB: types, outcomes, month pattern, snap points) and real ONS geography (LSOA 2021 codes and names in their forces, Census 2021 residents).`;
	writeFileSync(stampFile, JSON.stringify({ label, description, synthetic: true, areas: false, force_area: 'none', options: stampKey, rows, bytes }, null, '\t') + '\n');
	const pointFrom = new Map<string, number>();
	for (const f of model.forces) for (const a of f.lsoas) pointFrom.set(a.pointFrom, (pointFrom.get(a.pointFrom) ?? 0) + 1);
	writeFileSync(
		join(options.out, 'README.md'),
		`# ${label}\n\n${description}\n\n` +
			`Not a record of any real crime: do not use it for anything but measuring the software.\n\n` +
			`- Layout: police.uk street format, one file per force and month: YYYY-MM/YYYY-MM-<force>-street.csv.\n` +
			`- Forces: each force's records in proportion to its Census 2021 usual residents; each LSOA's share of its force likewise.\n` +
			`- Crime type, outcome and "No Location": copied from real City of London street records drawn uniformly.\n` +
			`- Month pattern: anti-social behaviour as Lancashire's ASB in 2022, other crime as the City's 2017-12 … 2019-11, per calendar month.\n` +
			`- LSOA points: ${[...pointFrom].map(([k, v]) => `${k} ${v.toLocaleString('en-GB')}`).join(', ')}. ` +
			`Synthetic points lie on a spiral around an approximate centre of the force (typed in national.ts): the map of those forces is not their real geography.\n` +
			`- Snap points: real ones (and their location names) where the City's or Lancashire's rows have them; elsewhere a real Lancashire LSOA's points, moved to the LSOA's point.\n` +
			`- Crime IDs: SHA-256 of seed, force, month and row; none for anti-social behaviour.\n\n` +
			`Made from data.police.uk and ONS data, Open Government Licence v3.0.\n`
	);
	return { files, rows, forces: model.forces.length, bytes, elapsedMs: performance.now() - started, reused: false };
}

function parseArgs(argv: string[]): NationalOptions {
	const o: NationalOptions = { out: '' };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const v = () => {
			const x = argv[++i];
			if (x === undefined) throw new Error(`${a} needs a value`);
			return x;
		};
		if (a === '--out') o.out = v();
		else if (a === '--years') o.years = Number(v());
		else if (a === '--seed') o.seed = Number(v());
		else if (a === '--rows-per-year') o.rowsPerYear = Number(v());
		else if (a === '--last-year') o.lastYear = Number(v());
		else if (a === '--gzip') o.gzip = true;
		else throw new Error(`unknown option ${a}`);
	}
	if (!o.out) throw new Error('usage: npx tsx scripts/bench/national.ts --out <dir> [--years 1] [--seed 1] [--rows-per-year 6000000] [--last-year 2024] [--gzip]');
	for (const [k, x] of Object.entries(o)) if (typeof x === 'number' && !(Number.isInteger(x) && x > 0)) throw new Error(`--${k}: expected a positive whole number`);
	return o;
}

if (process.argv[1]?.endsWith('national.ts')) {
	(async () => {
		const options = parseArgs(process.argv.slice(2));
		const r = await writeNationalSet({ ...options, log: (l) => console.log(l) });
		console.log(
			`${r.reused ? 'Reused' : 'Wrote'} ${r.rows.toLocaleString('en-GB')} SYNTHETIC records in ${r.files.length} files (${r.forces} forces), ${(r.bytes / 1e6).toFixed(0)} MB, in ${(r.elapsedMs / 1000).toFixed(1)} s → ${options.out}`
		);
	})().catch((e) => {
		console.error(`error: ${(e as Error).message}`);
		process.exit(1);
	});
}
