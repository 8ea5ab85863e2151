/**
 * Deciding the force area of an extract, in SQL over any QueryRunner, so the command-line
 * builder and the browser import apply the same rules (see analytics/force-area/README.md).
 *
 * Inputs it reads:
 * - `force_lookup (lsoa_code, lad_code, lad_name, pfa_name)`: every LSOA 2011 of England with
 *   its local authority (LAD 2019 code and name, IMD 2019 File 1) and police force area (ONS
 *   PFA16NM, from the LAD16 → PFA16 lookup, or the declared table of authorities created since:
 *   models/geography/lad-changes.json); plus one row with a null lsoa_code for each authority of
 *   the PFA lookup that IMD 2019 does not list (Wales), so every force's name is known. Node builds it from the CSVs (`createForceLookup`); the
 *   browser loads the compact Arrow extract written by `npm run extracts:sample`.
 * - `typed_street`, `typed_outcomes` (their `falls_within`), and `district_ids` for a boundary file.
 *
 * It writes `force_area_rows` with the columns of the `force_area` dataset.
 */
import { polygonToCells } from 'h3-js';
import type { QueryRunner } from '../runner';
import type { ForceAreaReport } from './extract-schema';
import type { AreaGeometry } from '../shared/geojson';
import { ident } from './sql';
import { TEXT_CSV_SOURCE, csvColumns } from './csv-columns';

/** One local authority district created after the ONS LAD16 → PFA16 lookup (models/geography/lad-changes.json). */
export interface LadChange {
	code: string;
	name: string;
	year: number;
	/** Police force area, spelt as PFA16NM. */
	force: string;
	predecessors: string[];
	order: string;
}

/** What the user (or the sample declaration) named; `auto` = the records' "Falls within", else none. */
export type ForceAreaRequest =
	| { kind: 'auto' }
	| { kind: 'force'; force: string; name?: string }
	| { kind: 'lads'; ladCodes: readonly string[]; name?: string }
	| { kind: 'districts'; name?: string }
	| { kind: 'none' };

/** The force area decided: the report for the manifest (without record counts) and how to flag records. */
export interface DecidedForceArea {
	report: Omit<ForceAreaReport, 'records'>;
	/** Local authority codes (LAD 2019, as in force_lookup) the LSOAs belong to; empty for districts or none. */
	lookupLads: string[];
}

/**
 * The compact lookup the browser import loads as `force_lookup` (written by `npm run
 * extracts:sample` to `<extracts>/lookups/lsoa-lad-pfa.arrow`, served beside the sample).
 */
export const FORCE_LOOKUP_FILE = 'lookups/lsoa-lad-pfa.arrow';
/** The force names the Data page offers (same folder), from the same lookup. */
export const FORCE_LIST_FILE = 'lookups/forces.json';

export const FORCE_LOOKUP_COLUMNS = [
	{ name: 'lsoa_code', type: 'VARCHAR', description: 'LSOA 2011 code; null for an authority whose LSOAs IMD 2019 does not list (Wales)' },
	{ name: 'lad_code', type: 'VARCHAR', description: 'Local authority district code (2019), as in IMD 2019 File 1' },
	{ name: 'lad_name', type: 'VARCHAR', description: 'Local authority district name (2019)' },
	{ name: 'pfa_name', type: 'VARCHAR', description: 'Police force area (ONS PFA16NM)' }
] as const;

/** One entry of forces.json: a police force area the import can take as the force area. */
export interface ForceListEntry {
	/** Shown name, e.g. "City of London". */
	name: string;
	/** ONS PFA16NM, e.g. "London, City of". */
	pfa: string;
	/** LSOAs 2011 in IMD 2019 (0 for the forces of Wales). */
	lsoas: number;
	lad_codes: string[];
}

/** The police force areas of `force_lookup`, by shown name, for a picker. */
export async function forceList(runner: QueryRunner): Promise<ForceListEntry[]> {
	const rows = await runner.rows<{ pfa: string; lsoas: number; lads: string }>(
		`SELECT pfa_name AS pfa, count(lsoa_code)::INTEGER AS lsoas, string_agg(DISTINCT lad_code, ',' ORDER BY lad_code) AS lads
		 FROM force_lookup WHERE pfa_name IS NOT NULL GROUP BY ALL`
	);
	return rows
		.map((r) => ({ name: forceDisplayName(r.pfa), pfa: r.pfa, lsoas: r.lsoas, lad_codes: r.lads.split(',') }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** An error in what was named (unknown force or local authority code): the message says what to give instead. */
export class ForceAreaError extends Error {}

/** A local authority district code: E06/E07/E08/E09 (England) or W06 (Wales) and six digits. */
const LAD_CODE = /^[EW]0[6-9][0-9]{6}$/;

/**
 * A force name reduced for comparison: lower case, "&" as "and", punctuation as spaces, "City of
 * London" for ONS's "London, City of", and the words that only say it is a police force
 * ("Police", "Constabulary", "Police Service", "Police Force") dropped at either end.
 * "Metropolitan Police Service" and ONS's "Metropolitan Police" both give "metropolitan".
 */
export function forceKey(name: string): string {
	let s = name.trim().toLowerCase().replace(/&/g, ' and ');
	const inverted = /^(.*),\s*(city of|county of)$/.exec(s);
	if (inverted) s = `${inverted[2]} ${inverted[1]}`;
	s = s.replace(/[^a-z0-9]+/g, ' ').trim();
	const filler = new Set(['police', 'constabulary', 'service', 'force', 'the', 'of']);
	const words = s.split(' ');
	while (words.length > 1 && filler.has(words[words.length - 1])) words.pop();
	// "Police Service of Northern Ireland": leading filler too (but keep "City of London").
	while (words.length > 1 && (words[0] === 'police' || words[0] === 'service' || words[0] === 'the' || (words[0] === 'of' && words.length > 1))) words.shift();
	return words.join(' ');
}

/** How a police force area is shown: ONS's "London, City of" as "City of London"; others unchanged. */
export function forceDisplayName(pfaName: string): string {
	const inverted = /^(.*),\s*(City of|County of)$/.exec(pfaName.trim());
	return inverted ? `${inverted[2]} ${inverted[1]}` : pfaName.trim();
}

/**
 * Create `force_lookup` from IMD 2019 File 1 (LSOA → LAD 2019) and the ONS LAD16 → PFA16
 * lookup, both read with read_csv (paths or registered file names, bound as parameters), plus
 * the declared post-2016 authorities. LSOAs whose authority has no force in either (none in
 * England) keep a null pfa_name. Authorities of the PFA lookup absent from IMD 2019 and not
 * replaced since (those of Wales) get a row with a null lsoa_code.
 * @returns the number of LSOAs.
 */
export async function createForceLookup(
	runner: QueryRunner,
	files: { imdFile: string; pfaFile: string },
	ladChanges: readonly LadChange[]
): Promise<number> {
	const imd = await csvColumns(runner, files.imdFile, ['LSOA code (2011)', 'Local Authority District code (2019)', 'Local Authority District name (2019)']);
	const [pfaCode, pfaForce, pfaLadName] = await csvColumns(runner, files.pfaFile, ['LAD16CD', 'PFA16NM', 'LAD16NM']);
	const pfa = [pfaCode, pfaForce];
	const pfaName = [pfaLadName];
	await runner.exec(`CREATE OR REPLACE TEMP TABLE force_lad_changes (code VARCHAR, name VARCHAR, force VARCHAR)`);
	await runner.exec(`CREATE OR REPLACE TEMP TABLE force_lad_replaced (code VARCHAR)`);
	// Each table's rows in one statement (values bound): a statement per row cost a round trip each.
	if (ladChanges.length > 0) {
		await runner.exec(`INSERT INTO force_lad_changes VALUES ${ladChanges.map(() => '(?, ?, ?)').join(', ')}`, ladChanges.flatMap((c) => [c.code, c.name, c.force]));
	}
	const replaced = ladChanges.flatMap((c) => c.predecessors);
	if (replaced.length > 0) await runner.exec(`INSERT INTO force_lad_replaced VALUES ${replaced.map(() => '(?)').join(', ')}`, replaced);
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE force_lookup AS
		 WITH imd AS (SELECT trim(${imd[0]}) AS lsoa_code, trim(${imd[1]}) AS lad_code, trim(${imd[2]}) AS lad_name FROM ${TEXT_CSV_SOURCE}),
		      pfa AS (SELECT DISTINCT trim(${pfa[0]}) AS lad_code, trim(${pfaName[0]}) AS lad_name, trim(${pfa[1]}) AS pfa_name FROM ${TEXT_CSV_SOURCE})
		 SELECT imd.lsoa_code, imd.lad_code, imd.lad_name, coalesce(pfa.pfa_name, c.force) AS pfa_name
		 FROM imd LEFT JOIN pfa USING (lad_code) LEFT JOIN force_lad_changes c ON c.code = imd.lad_code
		 UNION ALL
		 SELECT NULL, lad_code, lad_name, pfa_name FROM pfa
		 WHERE lad_code NOT IN (SELECT lad_code FROM imd) AND lad_code NOT IN (SELECT code FROM force_lad_replaced)
		 ORDER BY lsoa_code NULLS LAST, lad_code`,
		[files.imdFile, files.pfaFile]
	);
	const [{ n, dup }] = await runner.rows<{ n: number; dup: number }>(
		`SELECT count(lsoa_code) AS n, count(lsoa_code) - count(DISTINCT lsoa_code) AS dup FROM force_lookup`
	);
	if (dup > 0) throw new Error(`${files.imdFile}: ${dup} LSOA codes appear more than once; expected one row per LSOA (IMD 2019 File 1)`);
	return n;
}

/** Police force areas in the lookup, sorted (display names), e.g. for a picker. */
export async function forceNames(runner: QueryRunner): Promise<string[]> {
	const rows = await runner.rows<{ pfa_name: string }>(`SELECT DISTINCT pfa_name FROM force_lookup WHERE pfa_name IS NOT NULL`);
	return rows.map((r) => forceDisplayName(r.pfa_name)).sort((a, b) => a.localeCompare(b));
}

/**
 * The ONS police force area (PFA16NM) a force name means, compared by `forceKey`
 * ("City of London Police" → "London, City of"; "Lancashire Constabulary" → "Lancashire").
 * @throws ForceAreaError naming the value and the closest names, followed by `hint`.
 */
export async function resolveForce(runner: QueryRunner, force: string, hint: string): Promise<string> {
	const rows = await runner.rows<{ pfa_name: string }>(`SELECT DISTINCT pfa_name FROM force_lookup WHERE pfa_name IS NOT NULL ORDER BY pfa_name`);
	const key = forceKey(force);
	const match = rows.find((r) => forceKey(r.pfa_name) === key);
	if (match) return match.pfa_name;
	const similar = rows.filter((r) => {
		const k = forceKey(r.pfa_name);
		return key.split(' ').some((w) => w.length > 2 && k.split(' ').includes(w));
	});
	const suggestion = similar.length > 0 ? ` (similar: ${similar.map((r) => forceDisplayName(r.pfa_name)).join(', ')})` : '';
	throw new ForceAreaError(
		`unknown police force "${force}": no police force area of England of that name in the ONS lookup${suggestion}. ${hint}`
	);
}

/** Typed tables with a `falls_within` column, as the command-line builder names them. */
export const FALLS_WITHIN_TABLES = ['typed_street', 'typed_outcomes'] as const;

/**
 * Records per non-empty "Falls within" over the typed tables named (street records, generic
 * month-resolution incidents, outcomes), most first (ties by name).
 */
export async function fallsWithinCounts(runner: QueryRunner, tables: readonly string[] = FALLS_WITHIN_TABLES): Promise<Array<{ name: string; records: number }>> {
	const union = tables.map((t) => `SELECT falls_within FROM ${ident(t)}`).join(' UNION ALL ');
	return runner.rows<{ name: string; records: number }>(
		`SELECT falls_within AS name, count(*)::BIGINT AS records FROM (${union}) WHERE falls_within IS NOT NULL GROUP BY ALL ORDER BY records DESC, name`
	);
}

/**
 * The LAD 2019 codes (as in force_lookup) that named local authority codes cover: a code of
 * IMD 2019 stands for itself; a district created since stands for its predecessors.
 * @throws ForceAreaError listing every code that is malformed or unknown, followed by `hint`.
 */
export async function expandLadCodes(runner: QueryRunner, codes: readonly string[], ladChanges: readonly LadChange[], hint: string): Promise<string[]> {
	const wanted = [...new Set(codes.map((c) => c.trim().toUpperCase()).filter((c) => c !== ''))];
	if (wanted.length === 0) throw new ForceAreaError(`no local authority code given. ${hint}`);
	const known = new Set((await runner.rows<{ lad_code: string }>(`SELECT DISTINCT lad_code FROM force_lookup WHERE lsoa_code IS NOT NULL`)).map((r) => r.lad_code));
	const out = new Set<string>();
	const bad: string[] = [];
	for (const code of wanted) {
		const change = ladChanges.find((c) => c.code === code);
		if (known.has(code)) out.add(code);
		else if (change) {
			// A 2023 authority may be made of a 2019 one (Somerset West and Taunton): expand until known.
			const queue = [...change.predecessors];
			while (queue.length > 0) {
				const p = queue.shift()!;
				if (known.has(p)) out.add(p);
				else queue.push(...(ladChanges.find((c) => c.code === p)?.predecessors ?? []));
			}
		} else bad.push(code);
	}
	if (bad.length > 0) {
		const malformed = bad.filter((c) => !LAD_CODE.test(c));
		const what = malformed.length === bad.length ? 'not local authority codes' : 'unknown local authority codes';
		throw new ForceAreaError(
			`${what}: ${bad.map((c) => `"${c}"`).join(', ')}; expected codes of local authority districts in England such as E07000117 (Burnley), ` +
				`as in IMD 2019 File 1 or a district created since (models/geography/lad-changes.json). ${hint}`
		);
	}
	return [...out].sort();
}

/**
 * Decide the force area and write `force_area_rows`. Order of precedence: what was named
 * (districts, local authorities, a force), then the records' most common "Falls within", then
 * none. `hint` ends error messages (the command line names its flags; the browser its form).
 * @throws ForceAreaError for an unknown force or local authority code.
 */
export async function decideForceArea(
	runner: QueryRunner,
	request: ForceAreaRequest,
	options: {
		ladChanges: readonly LadChange[];
		hint: string;
		lookupSource: string;
		boundarySource?: string;
		districtsAreLads?: boolean;
		/** Typed tables holding `falls_within` (default FALLS_WITHIN_TABLES). */
		fallsWithinTables?: readonly string[];
	}
): Promise<DecidedForceArea> {
	await runner.exec(
		`CREATE OR REPLACE TEMP TABLE force_area_rows (area_code VARCHAR, area_unit VARCHAR, lad_code VARCHAR, lad_name VARCHAR, force_name VARCHAR)`
	);
	if (request.kind === 'districts') {
		const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM district_ids`);
		if (n === 0) throw new ForceAreaError(`the force area is the districts, but no districts were given. ${options.hint}`);
		const name = request.name?.trim() || 'the districts';
		const lad = options.districtsAreLads ? 'l.lad_code' : 'NULL';
		const ladName = options.districtsAreLads ? 'l.lad_name' : 'NULL';
		await runner.exec(
			`INSERT INTO force_area_rows
			 SELECT DISTINCT d.district_id, 'district', ${lad}, ${ladName}, ? FROM district_ids d
			 LEFT JOIN (SELECT DISTINCT lad_code, lad_name FROM force_lookup) l ON l.lad_code = d.district_id`,
			[name]
		);
		return {
			report: { name, unit: 'district', method: 'boundary-file', lad_codes: [], areas: n, source: options.boundarySource ?? 'the district boundary file' },
			lookupLads: []
		};
	}
	let method: ForceAreaReport['method'];
	let lads: string[];
	let name: string;
	let fallsWithin: Array<{ name: string; records: number }> | undefined;
	if (request.kind === 'lads') {
		lads = await expandLadCodes(runner, request.ladCodes, options.ladChanges, options.hint);
		method = 'named-authorities';
		name = request.name?.trim() || (await ladsName(runner, lads));
	} else if (request.kind === 'force') {
		const pfa = await resolveForce(runner, request.force, options.hint);
		lads = await pfaLads(runner, pfa);
		method = 'named-authorities';
		name = request.name?.trim() || forceDisplayName(pfa);
	} else {
		fallsWithin = request.kind === 'auto' ? await fallsWithinCounts(runner, options.fallsWithinTables) : [];
		if (fallsWithin.length === 0) {
			return {
				report: { name: null, unit: null, method: 'none', lad_codes: [], areas: 0, source: 'nothing named, and no record says which force it falls within' },
				lookupLads: []
			};
		}
		const pfa = await resolveForce(runner, fallsWithin[0].name, options.hint);
		lads = await pfaLads(runner, pfa);
		method = 'falls-within';
		name = forceDisplayName(pfa);
	}
	await runner.exec(`CREATE OR REPLACE TEMP TABLE force_lads (lad_code VARCHAR)`);
	for (const lad of lads) await runner.exec(`INSERT INTO force_lads VALUES (?)`, [lad]);
	await runner.exec(
		`INSERT INTO force_area_rows SELECT lsoa_code, 'lsoa', lad_code, lad_name, ? FROM force_lookup
		 WHERE lsoa_code IS NOT NULL AND lad_code IN (SELECT lad_code FROM force_lads) ORDER BY lsoa_code`,
		[name]
	);
	const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM force_area_rows`);
	if (n === 0 && method === 'falls-within') {
		// A force of Wales: IMD 2019 lists England's LSOAs only, so its area is not known here.
		return {
			report: {
				name: null,
				unit: null,
				method: 'none',
				lad_codes: [],
				areas: 0,
				source: `the records fall within ${fallsWithin![0].name}, whose LSOAs are not in IMD 2019 File 1 (England only); name the area to use one`,
				falls_within: fallsWithin
			},
			lookupLads: []
		};
	}
	if (n === 0) throw new ForceAreaError(`the force area "${name}" has no LSOAs in IMD 2019 File 1 (it covers England only). ${options.hint}`);
	return {
		report: { name, unit: 'lsoa', method, lad_codes: lads, areas: n, source: options.lookupSource, ...(fallsWithin ? { falls_within: fallsWithin } : {}) },
		lookupLads: lads
	};
}

async function pfaLads(runner: QueryRunner, pfa: string): Promise<string[]> {
	const rows = await runner.rows<{ lad_code: string }>(`SELECT DISTINCT lad_code FROM force_lookup WHERE pfa_name = ? ORDER BY lad_code`, [pfa]);
	return rows.map((r) => r.lad_code);
}

/** A name for named local authorities: the force's when they are exactly one force's, else their own names. */
async function ladsName(runner: QueryRunner, lads: readonly string[]): Promise<string> {
	const rows = await runner.rows<{ lad_code: string; lad_name: string; pfa_name: string | null }>(
		`SELECT DISTINCT lad_code, lad_name, pfa_name FROM force_lookup WHERE lsoa_code IS NOT NULL ORDER BY lad_code`
	);
	const chosen = rows.filter((r) => lads.includes(r.lad_code));
	const pfas = new Set(chosen.map((r) => r.pfa_name));
	if (pfas.size === 1) {
		const pfa = [...pfas][0];
		const all = rows.filter((r) => r.pfa_name === pfa);
		if (pfa && all.length === chosen.length) return forceDisplayName(pfa);
	}
	const names = chosen.map((r) => r.lad_name);
	return names.length <= 3 ? names.join(', ') : `${names[0]} and ${names.length - 1} other local authorities`;
}

/**
 * SQL for a record's `in_force_area`, from expressions over the record's row: `located` (it
 * has a place), `lsoa` (its LSOA code, null if unknown), `district` (its district id, null if
 * none contains it) and `pointInForce` (true/false by point in the force's polygons, null when
 * they are not known). Reads `force_area_rows`. For an extract with no force area: null.
 */
export function inForceAreaSql(unit: 'lsoa' | 'district' | null, e: { located: string; lsoa: string; district: string; pointInForce: string }): string {
	if (unit === null) return 'CAST(NULL AS BOOLEAN)';
	if (unit === 'district') return `CASE WHEN NOT (${e.located}) THEN NULL ELSE (${e.district}) IS NOT NULL END`;
	return `CASE WHEN NOT (${e.located}) THEN NULL
		WHEN (${e.lsoa}) IN (SELECT area_code FROM force_area_rows) THEN true
		WHEN (${e.lsoa}) IS NOT NULL THEN false
		ELSE ${e.pointInForce} END`;
}

/** Inside / outside / unplaced counts of a query's `in_force_area`. */
export async function placementOf(runner: QueryRunner, from: string): Promise<{ inside: number; outside: number; unplaced: number }> {
	const [r] = await runner.rows<{ inside: number; outside: number; unplaced: number }>(
		`SELECT count(*) FILTER (WHERE in_force_area)::BIGINT AS inside, count(*) FILTER (WHERE NOT in_force_area)::BIGINT AS outside,
		        count(*) FILTER (WHERE in_force_area IS NULL)::BIGINT AS unplaced FROM ${from}`
	);
	return r;
}

/** The record datasets flagged with `in_force_area`, each as a query or table to count from. */
export type FlaggedRecords = Record<'incidents' | 'stop_search' | 'events', string>;

/**
 * The manifest's force-area report: the area decided (`decideForceArea`) with, per flagged
 * dataset, its records inside, outside and without a location (`placementOf`, in the order
 * incidents, stop_search, events). The command-line builder and the browser import both use it.
 */
export async function forceAreaReport(runner: QueryRunner, force: Omit<ForceAreaReport, 'records'>, records: FlaggedRecords): Promise<ForceAreaReport> {
	return {
		...force,
		records: {
			incidents: await placementOf(runner, records.incidents),
			stop_search: await placementOf(runner, records.stop_search),
			events: await placementOf(runner, records.events)
		}
	};
}

/** One line per flagged dataset for a build log: "incidents 17,001 inside, 1,000 outside, 1,205 unplaced". */
export function placementLines(report: ForceAreaReport): string[] {
	const f = (n: number) => n.toLocaleString('en-GB');
	return Object.entries(report.records)
		.filter(([, r]) => r && r.inside + r.outside + r.unplaced > 0)
		.map(([name, r]) => `${name} ${f(r!.inside)} inside, ${f(r!.outside)} outside, ${f(r!.unplaced)} unplaced`);
}

/** A polygon or multipolygon of the force area: the shared GeoJSON type (analytics/shared/geojson.ts). */
export type ForceGeometry = AreaGeometry;

/**
 * The H3 cells whose centre lies inside any of `geometries` (h3-js polygonToCells, centre
 * containment; holes excluded), per resolution, sorted. Ring winding does not matter. A small
 * force area is coarsely served at r7 (cells ≈ 5 km²): the City of London's 2.9 km² holds 2 r7
 * centres, whose cells cover 9.2 km²; an area smaller still may hold none. Records inside the force
 * area can lie in a border cell whose centre is outside it (not listed here).
 */
export function forceCells(geometries: readonly ForceGeometry[], resolutions: readonly number[]): Map<number, string[]> {
	const out = new Map<number, string[]>();
	for (const res of resolutions) {
		const cells = new Set<string>();
		for (const g of geometries) {
			const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
			for (const rings of polygons) for (const c of polygonToCells(rings, res, true)) cells.add(c);
		}
		out.set(res, [...cells].sort());
	}
	return out;
}
