/**
 * What each page needs from a data source, decided from the manifest alone (no query), so a
 * page whose data the source lacks shows why instead of empty charts or errors. A source may
 * hold month-resolution incidents (police.uk street records, generic month incidents),
 * timestamped records (stop and search, generic events), or both.
 */
import type { ExtractManifest, DatasetName } from '$analytics/ingest/extract-schema';

export interface PageRequirement {
	/** Pathnames (after the base path) the requirement applies to. */
	paths: readonly string[];
	/** The page's name, for the message. */
	page: string;
	/** True when the source has what the page needs. */
	met(rows: (name: DatasetName) => number): boolean;
	/** What the page needs, completing "This page needs …". */
	needs: string;
}

export const PAGE_REQUIREMENTS: readonly PageRequirement[] = [
	{
		paths: ['/'],
		page: 'Overview',
		met: (rows) => rows('incidents') > 0,
		needs: 'month-resolution incidents (street crime, anti-social behaviour)'
	},
	{
		paths: ['/priorities', '/area', '/compare', '/model'],
		page: 'Threat, harm and risk scoring',
		met: (rows) => rows('incidents') > 0,
		needs: 'month-resolution incidents placed in areas (LSOAs, or the source’s own areas from a boundary file), which the THR model scores area by area'
	},
	{
		paths: ['/stop-search'],
		page: 'Stop and search',
		met: (rows) => rows('stop_search') > 0,
		needs: 'police.uk stop and search records, to compare search, find and arrest rates across ethnic groups'
	},
	{
		paths: ['/forecast'],
		page: 'Forecast',
		// Timestamped incidents give the hourly demand forecast; month-resolution incidents alone
		// give the monthly forecast by area (the page says there is no hourly demand).
		met: (rows) => rows('events') + rows('stop_search') + rows('incidents') > 0,
		needs: 'timestamped incidents (calls for service) to forecast demand hour by hour, or month-resolution incidents to forecast them by area'
	},
	{
		paths: ['/accuracy'],
		page: 'Accuracy',
		met: (rows) => rows('events') + rows('stop_search') + rows('incidents') > 0,
		needs: 'incidents or timestamped records to backtest the forecasts and hot-spot predictions on'
	}
];

/** What the source holds, in words: "117,875 timestamped incidents (events)". */
export function describeHoldings(manifest: ExtractManifest): string {
	const rows = rowCounter(manifest);
	const parts: string[] = [];
	const n = (x: number) => x.toLocaleString('en-GB');
	if (rows('incidents') > 0) parts.push(`${n(rows('incidents'))} month-resolution incidents`);
	if (rows('stop_search') > 0) parts.push(`${n(rows('stop_search'))} stop and search records`);
	if (rows('events') > 0) parts.push(`${n(rows('events'))} timestamped incidents`);
	if (rows('districts') > 0) parts.push(`${n(rows('districts'))} districts`);
	if (rows('areas') > 0) parts.push(`${n(rows('areas'))} LSOA boundaries`);
	return parts.length > 0 ? parts.join(', ') : 'no records';
}

export function rowCounter(manifest: ExtractManifest): (name: DatasetName) => number {
	return (name) => manifest.datasets.find((d) => d.name === name)?.rows ?? 0;
}

/** The requirement of `pathname` the manifest does not meet, or null when the page can show. */
export function unmetRequirement(pathname: string, manifest: ExtractManifest, base = ''): PageRequirement | null {
	const path = pathname.startsWith(base) ? pathname.slice(base.length) || '/' : pathname;
	const normalised = path.length > 1 ? path.replace(/\/$/, '') : path;
	const requirement = PAGE_REQUIREMENTS.find((r) => r.paths.includes(normalised));
	if (!requirement) return null;
	return requirement.met(rowCounter(manifest)) ? null : requirement;
}
