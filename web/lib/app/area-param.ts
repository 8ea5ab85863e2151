/**
 * The area an `/area` URL names, under any of the names a user would try: `?id=` (what the app
 * writes), `?lsoa=`, `?lsoa21cd=`, `?lsoa11cd=`, `?code=`, or `?area=` (a bare code, or the
 * Map's selection form `lsoa:<code>`). Parameter names and values are read case-insensitively
 * and trimmed; the code is upper-cased (ONS codes are). Pure except `areaKnown`, which asks the
 * database whether the source has the code at all.
 */
import type { QueryRunner } from '$analytics/runner';
import { tableExists } from '$analytics/shared/catalog';
import { num } from '$analytics/shared/numbers';

/** The names tried, first match wins. */
export const AREA_PARAM_NAMES = ['id', 'lsoa', 'lsoa21cd', 'lsoa11cd', 'code', 'area'] as const;

export interface AreaParam {
	/** The LSOA code, upper-cased; null when the URL names none usable. */
	code: string | null;
	/** The parameter it came from. */
	from: (typeof AREA_PARAM_NAMES)[number] | null;
	/** Why a value given could not be used, or what was assumed (one plain sentence). */
	note: string | null;
}

function shown(v: string): string {
	return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}

export function areaFromParams(params: URLSearchParams): AreaParam {
	const byName = new Map<string, string>();
	for (const [k, v] of params) {
		const name = k.trim().toLowerCase();
		if (!byName.has(name) && v.trim() !== '') byName.set(name, v.trim());
	}
	for (const name of AREA_PARAM_NAMES) {
		const raw = byName.get(name);
		if (raw === undefined) continue;
		if (name !== 'area') return { code: raw.toUpperCase(), from: name, note: null };
		// `area` is also the Map's selection: `<level>:<id>,<id>…`.
		const colon = raw.indexOf(':');
		if (colon < 0) return { code: raw.toUpperCase(), from: name, note: null };
		const level = raw.slice(0, colon).toLowerCase();
		const ids = raw
			.slice(colon + 1)
			.split(',')
			.map((s) => {
				try {
					return decodeURIComponent(s).trim();
				} catch {
					return '';
				}
			})
			.filter((s) => s !== '');
		if (level !== 'lsoa') {
			return { code: null, from: name, note: `The area ${shown(raw)} is a map selection of ${level === 'district' ? 'districts' : 'H3 cells'}, not an LSOA; an area profile is for one LSOA.` };
		}
		if (ids.length === 0) return { code: null, from: name, note: `The area ${shown(raw)} names no LSOA.` };
		return {
			code: ids[0].toUpperCase(),
			from: name,
			note: ids.length > 1 ? `The selection holds ${ids.length} LSOAs; this is the profile of the first, ${ids[0].toUpperCase()}.` : null
		};
	}
	return { code: null, from: null, note: null };
}

/** Whether the loaded source has the LSOA at all: a boundary in `areas` or records in `thr_area_months` (both loaded whole) or, for sources without those, `explore_points`. */
export async function areaKnown(runner: QueryRunner, code: string): Promise<boolean> {
	const has = async (table: string) => {
		const [r] = await runner.rows<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE lsoa_code = ? LIMIT 1)`, [code]);
		return num(r?.n) > 0;
	};
	let looked = false;
	for (const table of ['areas', 'thr_area_months'] as const) {
		if (!(await tableExists(runner, table))) continue;
		looked = true;
		if (await has(table)) return true;
	}
	// explore_points may be read on demand from base.duckdb: only when nothing smaller can say.
	if (!looked && (await tableExists(runner, 'explore_points'))) return has('explore_points');
	return !looked;
}

/**
 * The area of the source's own area set an `/area?unit=district` URL names: `?id=` as written
 * (ids of a force's wards or beats need not be upper case), or the Map's selection
 * `?area=district:<id>`. Null when none is given.
 */
export function districtFromParams(params: URLSearchParams): string | null {
	const id = params.get('id')?.trim();
	if (id) return id;
	const area = params.get('area')?.trim() ?? '';
	if (!area.toLowerCase().startsWith('district:')) return null;
	const first = area.slice('district:'.length).split(',')[0];
	try {
		return decodeURIComponent(first).trim() || null;
	} catch {
		return null;
	}
}

/** Whether the source's area set (`districts`) has the area. */
export async function districtKnown(runner: QueryRunner, id: string): Promise<boolean> {
	if (!(await tableExists(runner, 'districts'))) return false;
	const [r] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM districts WHERE district_id = ?', [id]);
	return num(r?.n) > 0;
}
