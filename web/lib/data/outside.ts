/**
 * Records located outside the force area, for the Data page's "Records outside the force area"
 * section (id `outside`, linked from the other pages with {@link outsideHref}): the force area
 * and how it was decided, records inside / outside / without a location per dataset
 * (analytics/force-area recordPlacement), and the outside records themselves, a page at a time
 * or all of them for the CSV download. Paging values are bound parameters; table and column
 * names come from the fixed lists below.
 */
// Relative imports (as web/lib/db/manifest.ts): the unit tests run this module without the app's aliases.
import { readForceArea, recordPlacement, type FlaggedTable, type ForceArea, type RecordPlacement } from '$analytics/force-area';
import type { ExtractManifest, ForceAreaReport } from '$analytics/ingest/extract-schema';
import { ident } from '$analytics/ingest/sql';
import { baseColumn } from '$analytics/explore/aggregates';
import { datasetLabels } from '$analytics/explore/filters';
import type { QueryRunner } from '$analytics/runner';
import { withSource } from '../app/source-url';

export const FLAGGED_TABLES: readonly FlaggedTable[] = ['incidents', 'stop_search', 'events'];


/** How the force area was decided, in words (manifest.force_area.method). */
export const METHOD_LABELS: Record<ForceAreaReport['method'], string> = {
	'falls-within':
		'the force the police.uk records "fall within", its local authorities (ONS lookup of local authorities to police force areas) and their LSOAs (IMD 2019)',
	'named-authorities': 'the local authorities named when the extract was built, and their LSOAs (IMD 2019)',
	'boundary-file': 'the boundary file given as the force area when the extract was built',
	none: 'none was declared, so analyses use the areas that have records'
};

export interface PlacementRow extends RecordPlacement {
	dataset: FlaggedTable;
	label: string;
	/** inside + outside + unplaced: every record of the dataset. */
	total: number;
}

export interface OutsideSummary {
	/** The declared force area, or null when none is declared. */
	forceArea: ForceArea | null;
	/** The manifest's account (method, source, local authorities), when the extract has one. */
	report: ForceAreaReport | null;
	/** Datasets with records, each with its placement. */
	placement: PlacementRow[];
}

/** The force area and where each dataset's records lie (datasets without records are left out). */
export async function outsideSummary(runner: QueryRunner, manifest: ExtractManifest): Promise<OutsideSummary> {
	const forceArea = await readForceArea(runner);
	const labels = datasetLabels(manifest.sources);
	const placement: PlacementRow[] = [];
	for (const dataset of FLAGGED_TABLES) {
		const p = await recordPlacement(runner, dataset);
		const total = p.inside + p.outside + p.unplaced;
		if (total > 0) placement.push({ dataset, label: labels[dataset], ...p, total });
	}
	return { forceArea, report: manifest.force_area ?? null, placement };
}

/** Columns of the outside-records table and its CSV, in order. */
export const OUTSIDE_COLUMNS = ['month', 'category', 'area_code', 'location', 'longitude', 'latitude', 'source_file', 'source_line'] as const;
export type OutsideRow = Record<(typeof OUTSIDE_COLUMNS)[number], string | number | null>;

/** Each column of the outside table per dataset (a column the dataset lacks is a typed NULL). */
function selectList(dataset: FlaggedTable): string {
	const c = (name: string, type?: string) => baseColumn(dataset, name, type);
	const category = dataset === 'stop_search' ? c('object_of_search') : c('category');
	const area = dataset === 'events' ? c('area_code') : c('lsoa_code');
	return [
		`${c('month')} AS month`,
		`${category} AS category`,
		`${area} AS area_code`,
		`${c('location')} AS location`,
		`${c('longitude', 'DOUBLE')} AS longitude`,
		`${c('latitude', 'DOUBLE')} AS latitude`,
		`${c('source_file')} AS source_file`,
		`${c('source_line', 'INTEGER')} AS source_line`
	].join(', ');
}

const ORDER = 'ORDER BY month, source_file, source_line';

/**
 * One page of the records of `dataset` located outside the force area (in_force_area false), in
 * month then file and line order, and how many there are in all. Limit 1…1000.
 */
export async function outsidePage(
	runner: QueryRunner,
	dataset: FlaggedTable,
	page: { limit: number; offset: number }
): Promise<{ rows: OutsideRow[]; matching: number }> {
	const table = ident(dataset);
	const limit = Math.max(1, Math.min(1000, Math.floor(page.limit)));
	const offset = Math.max(0, Math.floor(page.offset));
	const [rows, [count]] = await Promise.all([
		runner.rows<OutsideRow>(`SELECT ${selectList(dataset)} FROM ${table} WHERE in_force_area = false ${ORDER} LIMIT ? OFFSET ?`, [limit, offset]),
		runner.rows<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM ${table} WHERE in_force_area = false`)
	]);
	return { rows, matching: Number(count?.n ?? 0) };
}

/** Every record of `dataset` located outside the force area (for the CSV download), in the table's order. */
export async function outsideRows(runner: QueryRunner, dataset: FlaggedTable): Promise<OutsideRow[]> {
	return runner.rows<OutsideRow>(`SELECT ${selectList(dataset)} FROM ${ident(dataset)} WHERE in_force_area = false ${ORDER}`);
}

/** The link to the Data page's list of records outside the force area, keeping the data source. */
export function outsideHref(dataPath: string, source: string | null): string {
	return withSource(`${dataPath}#outside`, source);
}
