/**
 * The study region of the Map view at one cell level: the cells of the force area the source
 * declares (analytics/force-area), so the hot spots, the THR layer and the "outside" marks of
 * the count and harm layers all read the areas the force polices, never a region padded with
 * empty neighbours (PRODUCT.md, "The force area").
 *
 * Per level:
 * - LSOA: the force area's LSOAs (force_area with unit 'lsoa');
 * - district: the force area's districts (unit 'district'), or, when the force area is a list of
 *   LSOAs, the districts that are its local authorities (district id = LAD code, as in the
 *   Lancashire sample);
 * - H3 (resolution 7, 8, 9): the force_cells of that resolution (centre inside the force area);
 *   resolutions 5 and 6 (the H3 parents of r7 cells, filters.ts PARENT_LEVELS): the parents of
 *   the r7 force_cells;
 * and at every level, any other cell holding a record located inside the force area
 * (in_force_area true), so no such record is left out of the region. An H3 level whose
 * force_cells are empty (no polygons known) pads those cells with the ring around them, as the
 * map did before force areas.
 *
 * No force area declared (readForceArea null): no region (`ids` null); callers keep the old
 * behaviour (the areas with records) and say so.
 */
import { cellToParent, gridDisk, isValidCell } from 'h3-js';
import { readForceArea, type ForceArea } from '../force-area';
import type { QueryRunner } from '../runner';
import { hasColumn, tableExists } from '../shared/catalog';
import { areaSetNoun, DEFAULT_AREA_SET_LABEL } from './area-set';
import { PARENT_LEVELS, type CellLevel, type ExploreDataset } from './filters';
import { levelSql } from './queries';

export interface StudyRegion {
	level: CellLevel;
	/** The declared force area; null when the source declares none. */
	forceArea: ForceArea | null;
	/** Cell ids of the region at this level, or null when no force area is declared (no restriction). */
	ids: ReadonlySet<string> | null;
	/** Cells of the region that are declared units (force_area rows, force_cells), before records are added. */
	declared: number;
	/** True when an H3 level had no force cells and was padded with a ring of empty cells instead. */
	padded: boolean;
	/** How the region was made, in plain words, for the page (the district level named "districts": see {@link regionBasis}). */
	basis: string;
	/**
	 * District level only: how its areas were chosen, so the page can name them with the area
	 * set's own label ({@link regionBasis}): the force area's own areas, the districts that are
	 * its local authorities, or those holding records; `added` areas with records besides.
	 */
	districts?: { kind: 'force-area' | 'local-authorities' | 'records'; count: number; added: number };
}

/**
 * {@link StudyRegion.basis} with the district level named by the area set's own label
 * (analytics/explore/area-set.ts: "the force area's 983 neighbourhoods", "the wards holding
 * records located in the force area"); other levels as they are.
 */
export function regionBasis(region: Pick<StudyRegion, 'basis' | 'districts'>, areaSet: string = DEFAULT_AREA_SET_LABEL): string {
	const d = region.districts;
	if (!d) return region.basis;
	const count = d.count.toLocaleString('en-GB');
	const text =
		d.kind === 'force-area'
			? `the force area's ${count} ${areaSetNoun(areaSet, d.count)}`
			: d.kind === 'local-authorities'
				? `the ${count} ${areaSetNoun(areaSet, d.count)} that are the force area's local authorities`
				: `the ${areaSetNoun(areaSet)} holding records located in the force area`;
	return d.added > 0 ? `${text}, and ${d.added.toLocaleString('en-GB')} more holding records located in it` : text;
}

const H3_RES: Partial<Record<CellLevel, number>> = { h3_5: 5, h3_6: 6, h3_7: 7, h3_8: 8, h3_9: 9 };

const cache = new WeakMap<QueryRunner, Map<string, Promise<StudyRegion>>>();

/**
 * The study region of `level` for `dataset` (see the module comment), read once per runner,
 * dataset and level (the tables of a runner do not change). Never throws for a source without a
 * force area: it returns `ids: null`.
 */
export function studyRegion(runner: QueryRunner, dataset: ExploreDataset, level: CellLevel): Promise<StudyRegion> {
	let byKey = cache.get(runner);
	if (!byKey) cache.set(runner, (byKey = new Map()));
	const key = `${dataset}|${level}`;
	let p = byKey.get(key);
	if (!p) {
		p = readStudyRegion(runner, dataset, level);
		p.catch(() => byKey.delete(key));
		byKey.set(key, p);
	}
	return p;
}

/** Forget the regions read for a runner (after its force_area, force_cells or records were replaced). */
export function forgetStudyRegions(runner: QueryRunner): void {
	cache.delete(runner);
}

async function readStudyRegion(runner: QueryRunner, dataset: ExploreDataset, level: CellLevel): Promise<StudyRegion> {
	const forceArea = await readForceArea(runner);
	if (!forceArea) {
		return {
			level,
			forceArea: null,
			ids: null,
			declared: 0,
			padded: false,
			basis: 'This source declares no force area, so the areas with records are used (and, for hexagons, the ring of empty cells around them).'
		};
	}
	const declared = new Set<string>();
	let basis: string;
	let districts: StudyRegion['districts'];
	const res = H3_RES[level];
	if (res !== undefined) {
		// A coarse level's cells are the parents of r7 cells: those of the r7 force cells.
		const parent = PARENT_LEVELS[level] !== undefined;
		if (await tableExists(runner, 'force_cells')) {
			const rows = await runner.rows<{ h3: string }>('SELECT DISTINCT h3 FROM force_cells WHERE resolution = ? AND h3 IS NOT NULL', [parent ? 7 : res]);
			for (const r of rows) declared.add(parent ? cellToParent(String(r.h3), res) : String(r.h3));
		}
		basis = parent
			? `the ${declared.size.toLocaleString('en-GB')} resolution-${res} hexagons holding a resolution-7 hexagon whose centre lies in the force area`
			: `the ${declared.size.toLocaleString('en-GB')} resolution-${res} hexagons whose centre lies in the force area`;
	} else if (level === 'lsoa') {
		if (forceArea.unit === 'lsoa') for (const c of forceArea.areaCodes) declared.add(c);
		basis = forceArea.unit === 'lsoa' ? `the force area's ${declared.size.toLocaleString('en-GB')} LSOAs` : 'the LSOAs holding records located in the force area';
	} else {
		if (forceArea.unit === 'district') {
			for (const c of forceArea.areaCodes) declared.add(c);
			districts = { kind: 'force-area', count: declared.size, added: 0 };
		} else {
			// Districts that are the force area's local authorities (their id is the LAD code).
			if (await tableExists(runner, 'districts')) {
				const rows = await runner.rows<{ id: string }>(
					'SELECT DISTINCT district_id AS id FROM districts WHERE district_id IN (SELECT lad_code FROM force_area WHERE lad_code IS NOT NULL)'
				);
				for (const r of rows) declared.add(String(r.id));
			}
			districts = { kind: declared.size > 0 ? 'local-authorities' : 'records', count: declared.size, added: 0 };
		}
		basis = '';
	}
	// Cells holding records located inside the force area.
	const withRecords = new Set<string>();
	if ((await tableExists(runner, 'explore_points')) && (await hasColumn(runner, 'explore_points', 'in_force_area'))) {
		const col = levelSql(level);
		const rows = await runner.rows<{ id: string }>(
			`SELECT DISTINCT ${col} AS id FROM explore_points WHERE dataset = ? AND in_force_area AND ${col} IS NOT NULL`,
			[dataset]
		);
		for (const r of rows) withRecords.add(String(r.id));
	}
	const ids = new Set<string>(declared);
	let added = 0;
	for (const id of withRecords) {
		if (!ids.has(id)) {
			ids.add(id);
			added++;
		}
	}
	let padded = false;
	if (res !== undefined && declared.size === 0) {
		// No polygons known: the cells with records inside the force area and the ring around them.
		padded = true;
		for (const c of withRecords) if (isValidCell(c)) for (const d of gridDisk(c, 1)) ids.add(d);
		basis = 'the hexagons holding records located in the force area and the ring of hexagons around them (the force area has no polygons to place hexagons by)';
	} else if (districts) {
		districts.added = added;
		basis = regionBasis({ basis, districts });
	} else if (added > 0) {
		basis += `, and ${added.toLocaleString('en-GB')} more holding records located in it`;
	}
	return { level, forceArea, ids, declared: declared.size, padded, basis, ...(districts ? { districts } : {}) };
}
