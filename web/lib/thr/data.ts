/**
 * The THR data the pages share, each computed once per database and month and kept in the
 * database's cache (least recently used dropped first): the
 * published model, the months with incidents, area names, one scoreMonth per month and one
 * scoreTrend (the 12 months before it plus the month) for the sparklines. Browser pages only
 * present what analytics/thr computes.
 */
import { modelAtUnit, scoreMonth, scoreTrend, monthIndex, monthLabel, type ScoreResult, type ScoreTrend, type ThrModel } from '$analytics/thr';
import thrModelFile from '$models/thr/thr-v3.json';
import type { Database } from '$lib/db/duckdb';
import { cached } from '$lib/db/query.svelte';
import { THR_AREA_MONTHS } from '$analytics/thr/area-months';
import { tableExists } from '$analytics/shared/catalog';
import { recordAreaLevels } from '$analytics/explore/area-set';

/** The published model (models/thr/thr-v3.json); never modified (what-if works on copies). */
export const THR_MODEL = thrModelFile as unknown as ThrModel;

/**
 * The areas the pages score (`?unit=` in the URL, carried by links): LSOAs, as published, or the
 * extract's own area set (its `districts`: local authorities, police districts, a force's wards
 * or beats), named by the manifest's label (analytics/explore/area-set.ts).
 */
export type ThrUnit = 'lsoa' | 'district';

/** The published model scoring `unit` (the same components, windows, weights and bands). */
export function modelFor(unit: ThrUnit): ThrModel {
	return modelAtUnit(THR_MODEL, unit);
}

/**
 * The units this source can be scored over: LSOAs when its street records carry LSOAs, the area
 * set when it has areas and its street records were placed in them; and the default: the area
 * set when the force area is listed in it (a boundary file declared as the force area), else LSOAs.
 */
export function thrUnits(db: Database): Promise<{ units: ThrUnit[]; preferred: ThrUnit }> {
	return memo(db, 'units', async () => {
		const carried = await recordAreaLevels(db.runner);
		const units: ThrUnit[] = [];
		if (carried.lsoa) units.push('lsoa');
		if (carried.district) units.push('district');
		const forceUnit = db.manifest.force_area?.unit;
		const preferred: ThrUnit = units.includes('district') && (forceUnit === 'district' || !units.includes('lsoa')) ? 'district' : 'lsoa';
		return { units, preferred };
	});
}

/** True when the records carry the source's own areas but no LSOAs (a force's export located by coordinates only): LSOAs are not offered. */
export function onlyOwnAreas(offer: { units: readonly ThrUnit[] } | null | undefined): boolean {
	return !!offer && offer.units.includes('district') && !offer.units.includes('lsoa');
}

/** The unit in the URL when this source has it, else the preferred one. */
export function pickUnit(requested: string | null, offer: { units: readonly ThrUnit[]; preferred: ThrUnit }): ThrUnit {
	return offer.units.includes(requested as ThrUnit) ? (requested as ThrUnit) : offer.preferred;
}

/** Months shown in a sparkline before the assessment month. */
export const TREND_MONTHS = 12;

/** Kept in the database's one cache (web/lib/db/query.svelte.ts), under a `thr:` key. */
function memo<T>(db: Database, key: string, make: () => Promise<T>): Promise<T> {
	return cached(db, `thr:${key}`, make);
}

/**
 * Months (YYYY-MM) that have incidents, oldest first: from the pre-aggregate `thr_area_months`
 * when the extract has it (a few thousand rows per month instead of every base row), else from
 * `incidents`.
 */
export function incidentMonths(db: Database): Promise<string[]> {
	return memo(db, 'months', async () => {
		if (await tableExists(db.runner, THR_AREA_MONTHS)) {
			const rows = await db.runner.rows<{ m: number }>('SELECT DISTINCT month_index AS m FROM thr_area_months WHERE month_index IS NOT NULL ORDER BY 1');
			return rows.map((r) => monthLabel(Number(r.m)));
		}
		const rows = await db.runner.rows<{ month: string }>('SELECT DISTINCT month FROM incidents WHERE month IS NOT NULL ORDER BY month');
		return rows.map((r) => String(r.month));
	});
}

/** LSOA code → name from the `areas` table (empty when the extract has none); with unit 'district', the area set's names. */
export function areaNames(db: Database, unit: ThrUnit = 'lsoa'): Promise<Map<string, string>> {
	if (unit === 'district')
		return memo(db, 'names:district', async () => {
			if (!(await tableExists(db.runner, 'districts'))) return new Map<string, string>();
			const rows = await db.runner.rows<{ code: string; name: string | null }>('SELECT district_id AS code, name FROM districts');
			return new Map(rows.filter((r) => r.name).map((r) => [String(r.code), String(r.name)]));
		});
	return memo(db, 'names', async () => {
		const rows = await db.runner.rows<{ code: string; name: string | null }>('SELECT lsoa_code AS code, lsoa_name AS name FROM areas');
		return new Map(rows.filter((r) => r.name).map((r) => [String(r.code), String(r.name)]));
	});
}

/** The published scores of one month (one scoreMonth per month and unit, shared by every page). */
export function monthScores(db: Database, month: string, unit: ThrUnit = 'lsoa'): Promise<ScoreResult> {
	return memo(db, unit === 'lsoa' ? `score:${month}` : `score:${unit}:${month}`, () => scoreMonth(db.runner, { model: modelFor(unit), weights: db.harmModel, month }));
}

/** Scores of the TREND_MONTHS months before `month` and the month itself, as columns. */
export function monthTrend(db: Database, month: string, unit: ThrUnit = 'lsoa'): Promise<ScoreTrend> {
	return memo(db, unit === 'lsoa' ? `trend:${month}` : `trend:${unit}:${month}`, () => {
		const end = monthIndex(month);
		const months = Array.from({ length: TREND_MONTHS + 1 }, (_, i) => monthLabel(end - TREND_MONTHS + i));
		return scoreTrend(db.runner, { model: modelFor(unit), weights: db.harmModel, months });
	});
}

