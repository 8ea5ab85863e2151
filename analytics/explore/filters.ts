/**
 * Explore filters: the state shared by the Map and Time views, and its URL form.
 *
 * Every linked view reads its filters from the URL, so a view is shareable, survives a reload
 * and works with back/forward. `filtersToUrl` and `filtersFromUrl` round-trip exactly for every
 * valid state; an invalid or unknown URL value never throws: it falls back to the default and
 * a message says what was ignored and why. Parameters other than the explore ones (`source` …)
 * are left alone by `mergeFiltersIntoUrl`.
 *
 * URL parameters:
 *   ds       dataset: incidents | stop_search | events
 *   from,to  period, YYYY-MM, inclusive (either may be absent: open-ended)
 *   cat      a category (repeated); none = all categories
 *   area     selected cells: `<level>:<id>,<id>…` (ids URI-encoded, so an id may hold a comma)
 *   bbox     drawn box `W,S,E,N` in WGS84 degrees
 *   measure  count | harm | rate | thr (default count)
 *   layer    h3_5 | h3_6 | h3_7 | h3_8 | h3_9 | lsoa | district | auto (default auto)
 *   compare  previous | last-year | seasonal-3y: the period comparison (absent: none;
 *            analytics/compare/periods.ts)
 */
import { isMonthKey, monthIndex, monthKey } from '../shared/months';
import { COMPARE_BASES, type CompareBasis } from '../compare/periods';
import { ANTI_SOCIAL_BEHAVIOUR } from '../overview/queries';

export type ExploreDataset = 'incidents' | 'stop_search' | 'events';
export type CellLevel = 'h3_5' | 'h3_6' | 'h3_7' | 'h3_8' | 'h3_9' | 'lsoa' | 'district';
export type Measure = 'count' | 'harm' | 'rate' | 'thr' | 'change';

export interface ExploreFilters {
	dataset: ExploreDataset; // URL: ds
	from: string | null; // YYYY-MM inclusive, URL: from
	to: string | null; // YYYY-MM inclusive, URL: to
	categories: string[]; // empty = all, URL: cat (repeated)
	area: { level: CellLevel; ids: string[] } | null; // clicked/selected cells, URL: area
	bbox: [number, number, number, number] | null; // drawn box W,S,E,N, URL: bbox
	measure: Measure; // URL: measure
	level: CellLevel | 'auto'; // map layer, URL: layer
	/** The period comparison; absent: none. URL: compare */
	compare?: CompareBasis;
}

export const EXPLORE_DATASETS: readonly ExploreDataset[] = ['incidents', 'stop_search', 'events'];
export const CELL_LEVELS: readonly CellLevel[] = ['h3_5', 'h3_6', 'h3_7', 'h3_8', 'h3_9', 'lsoa', 'district'];

/**
 * The coarse hexagon levels, H3 resolutions 5 and 6: not stored, each is the H3 parent of the
 * record's resolution-7 cell (an r5 cell holds the records whose r7 cell lies in it), so a source
 * offers them wherever it offers H3 r7 (query-base.ts levelSql is the one definition in SQL).
 */
export const PARENT_LEVELS: Readonly<Partial<Record<CellLevel, 5 | 6>>> = { h3_5: 5, h3_6: 6 };

/**
 * The levels a source offers given the levels its records carry: the coarse hexagon levels
 * (PARENT_LEVELS) first when H3 r7 is among them, then the rest in their order.
 */
export function withParentLevels(levels: readonly CellLevel[]): CellLevel[] {
	const rest = levels.filter((l) => PARENT_LEVELS[l] === undefined);
	return rest.includes('h3_7') ? ['h3_5', 'h3_6', ...rest] : rest;
}
export const MEASURES: readonly Measure[] = ['count', 'harm', 'rate', 'thr', 'change'];

/** The URL parameter names this module reads and writes; everything else is left alone. */
export const EXPLORE_PARAMS = ['ds', 'from', 'to', 'cat', 'area', 'bbox', 'measure', 'layer', 'compare'] as const;

/** The datasets' labels for police.uk data (and any source whose files do not say what they are): see datasetLabels. */
export const DATASET_LABELS: Readonly<Record<ExploreDataset, string>> = {
	incidents: 'Street crime and ASB',
	stop_search: 'Stop and search',
	events: 'Timestamped incidents'
};

/** What a source's file says it is (manifest sources[]: its kind and, for a force's own export, `export`). */
export interface LabelledSource {
	kind: string;
	export?: 'cad' | 'rms';
	accepted?: number;
}

/** What a street dataset holds: its crime records and its anti-social behaviour records. */
export interface StreetHeld {
	crimes: number;
	antiSocialBehaviour: number;
}

/**
 * What the street records hold, from their categories with counts (a dataset summary's
 * `categories`, the start-up summary's or exploreDatasets'); records without a category count
 * as crimes' neither. Null when there are no categories to go by.
 */
export function streetHeldOf(categories: readonly { category: string | null; n: number }[] | null | undefined): StreetHeld | null {
	if (!categories || categories.length === 0) return null;
	let crimes = 0;
	let antiSocialBehaviour = 0;
	for (const c of categories) {
		if (c.category === ANTI_SOCIAL_BEHAVIOUR) antiSocialBehaviour += c.n;
		else if (c.category !== null) crimes += c.n;
	}
	return { crimes, antiSocialBehaviour };
}

/** The street records' label by what they hold: see datasetLabels. */
function streetLabel(held: StreetHeld | null | undefined): string {
	if (held && held.crimes === 0 && held.antiSocialBehaviour > 0) return 'Anti-social behaviour';
	if (held && held.antiSocialBehaviour === 0 && held.crimes > 0) return 'Street crime';
	return DATASET_LABELS.incidents;
}

/**
 * The datasets' labels for a source, by what its files say they are (manifest `sources[].export`,
 * from the file's header: analytics/ingest exportKindOfHeaders): `incidents` fed only by RMS
 * exports are "Recorded crimes (RMS export)", `events` fed only by CAD exports "Calls for service
 * (CAD export)"; fed by both an export and other files, both are named. Otherwise (police.uk
 * downloads, open-data feeds, a source without `sources`) DATASET_LABELS, except that street
 * records follow what they hold when `held` says it (streetHeldOf: the categories the source's
 * summary or datasets list, no query): only anti-social behaviour is "Anti-social behaviour"
 * (Lancashire's sample), only crimes "Street crime", both (or not known) "Street crime and ASB".
 * Files that gave no records (`accepted` 0) do not count.
 */
export function datasetLabels(sources?: readonly LabelledSource[] | null, held?: StreetHeld | null): Record<ExploreDataset, string> {
	const feeding = (kinds: readonly string[]) => (sources ?? []).filter((s) => kinds.includes(s.kind) && (s.accepted ?? 1) > 0);
	const label = (files: LabelledSource[], role: 'cad' | 'rms', own: string, mixed: string, other: string) => {
		const said = files.filter((f) => f.export === role).length;
		return said === 0 ? other : said === files.length ? own : mixed;
	};
	return {
		incidents: label(feeding(['street', 'month-incidents']), 'rms', 'Recorded crimes (RMS export)', 'Street crime and ASB, and recorded crimes (RMS export)', streetLabel(held)),
		stop_search: DATASET_LABELS.stop_search,
		events: label(feeding(['events']), 'cad', 'Calls for service (CAD export)', 'Calls for service (CAD export) and timestamped incidents', DATASET_LABELS.events)
	};
}

export const LEVEL_LABELS: Record<CellLevel | 'auto', string> = {
	h3_5: 'H3 hexagons, resolution 5 (≈250 km²)',
	h3_6: 'H3 hexagons, resolution 6 (≈36 km²)',
	h3_7: 'H3 hexagons, resolution 7 (≈5 km²)',
	h3_8: 'H3 hexagons, resolution 8 (≈0.7 km²)',
	h3_9: 'H3 hexagons, resolution 9 (≈0.1 km²)',
	lsoa: 'LSOAs',
	district: 'Districts',
	auto: 'Automatic (by zoom)'
};

/** The drawn hexagons' size in plain words, rounded as LEVEL_LABELS rounds H3's average cell areas. */
const HEXAGON_SIZES: Partial<Record<CellLevel, string>> = { h3_5: '250 km²', h3_6: '36 km²', h3_7: '5 km²', h3_8: '0.7 km²', h3_9: '0.1 km²' };

/** "hexagons of about 250 km²" for a hexagon level; null for LSOAs and districts. */
export function hexagonSize(level: CellLevel): string | null {
	const size = HEXAGON_SIZES[level];
	return size ? `hexagons of about ${size}` : null;
}

export const MEASURE_LABELS: Record<Measure, string> = {
	count: 'Count',
	harm: 'Harm (CCHI days)',
	rate: 'Rate per 1,000 residents',
	thr: 'THR score',
	change: 'Change in count against the comparison'
};

/**
 * What the loaded source offers. Anything not given is not checked (any value of the right
 * form is accepted).
 */
export interface ExploreAvailable {
	/** Datasets with rows, in preference order: the first is the default. */
	datasets: readonly ExploreDataset[];
	/** Known categories per dataset; a URL category not listed is dropped with a message. */
	categories?: Partial<Record<ExploreDataset, readonly string[]>>;
	/** Cell levels the source has (e.g. no `district` without district boundaries). */
	levels?: readonly CellLevel[];
}

export function defaultFilters(available?: Pick<ExploreAvailable, 'datasets'>): ExploreFilters {
	return {
		dataset: available?.datasets[0] ?? 'incidents',
		from: null,
		to: null,
		categories: [],
		area: null,
		bbox: null,
		measure: 'count',
		level: 'auto'
	};
}

export { isMonthKey };

function isOneOf<T extends string>(list: readonly T[], v: string): v is T {
	return (list as readonly string[]).includes(v);
}

function shown(v: string): string {
	const s = v.length > 60 ? `${v.slice(0, 60)}…` : v;
	return JSON.stringify(s);
}

export interface ParsedFilters {
	filters: ExploreFilters;
	/** One plain sentence per URL value that was ignored, saying why. */
	messages: string[];
}

/** Parse the explore parameters of a URL. Never throws; invalid values fall back to defaults. */
export function parseFilters(params: URLSearchParams, available: ExploreAvailable): ParsedFilters {
	const messages: string[] = [];
	const f = defaultFilters(available);

	const ds = params.get('ds');
	if (ds !== null) {
		if (isOneOf(EXPLORE_DATASETS, ds) && (available.datasets.length === 0 || available.datasets.includes(ds))) {
			f.dataset = ds;
		} else {
			messages.push(
				`Dataset ${shown(ds)} is not available in this source; showing ${DATASET_LABELS[f.dataset].toLowerCase()} instead.`
			);
		}
	}

	for (const key of ['from', 'to'] as const) {
		const v = params.get(key);
		if (v === null) continue;
		if (isMonthKey(v)) f[key] = v;
		else messages.push(`Period ${key} ${shown(v)} is not a month (expected YYYY-MM); ignored.`);
	}
	if (f.from !== null && f.to !== null && f.from > f.to) {
		messages.push(`Period from ${f.from} is after to ${f.to}; the two were swapped.`);
		[f.from, f.to] = [f.to, f.from];
	}

	const known = available.categories?.[f.dataset];
	const seen = new Set<string>();
	const dropped: string[] = [];
	for (const c of params.getAll('cat')) {
		if (c === '' || seen.has(c)) continue;
		if (known && !known.includes(c)) {
			dropped.push(c);
			continue;
		}
		seen.add(c);
		f.categories.push(c);
	}
	if (dropped.length > 0) {
		messages.push(
			`Categor${dropped.length === 1 ? 'y' : 'ies'} ${dropped.map(shown).join(', ')} not found in this dataset; ignored.`
		);
	}

	const levelOk = (l: string): l is CellLevel => isOneOf(CELL_LEVELS, l) && (!available.levels || available.levels.includes(l));

	const area = params.get('area');
	if (area !== null) {
		const colon = area.indexOf(':');
		const level = colon < 0 ? area : area.slice(0, colon);
		const rest = colon < 0 ? '' : area.slice(colon + 1);
		if (!levelOk(level)) {
			messages.push(`Area selection level ${shown(level)} is not available; selection cleared.`);
		} else {
			const ids: string[] = [];
			let bad = false;
			for (const part of rest.split(',')) {
				if (part === '') continue;
				let id: string;
				try {
					id = decodeURIComponent(part);
				} catch {
					bad = true;
					continue;
				}
				if (id !== '' && !ids.includes(id)) ids.push(id);
			}
			if (bad) messages.push('Part of the area selection could not be read; that part was ignored.');
			if (ids.length > 0) f.area = { level, ids };
			else messages.push('The area selection names no cells; selection cleared.');
		}
	}

	const bbox = params.get('bbox');
	if (bbox !== null) {
		const parts = bbox.split(',');
		const n = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
		const [w, s, e, no] = n;
		if (
			n.length === 4 &&
			n.every(Number.isFinite) &&
			w >= -180 && e <= 180 && s >= -90 && no <= 90 &&
			w < e && s < no
		) {
			f.bbox = [w, s, e, no];
		} else {
			messages.push(`Box ${shown(bbox)} is not W,S,E,N in degrees with W < E and S < N; ignored.`);
		}
	}

	const measure = params.get('measure');
	if (measure !== null) {
		if (isOneOf(MEASURES, measure)) f.measure = measure;
		else messages.push(`Measure ${shown(measure)} is not one of ${MEASURES.join(', ')}; showing count.`);
	}

	const layer = params.get('layer');
	if (layer !== null) {
		if (layer === 'auto' || levelOk(layer)) f.level = layer;
		else messages.push(`Map layer ${shown(layer)} is not available; choosing by zoom.`);
	}

	const compare = params.get('compare');
	if (compare !== null && compare !== '') {
		if (isOneOf(COMPARE_BASES, compare)) f.compare = compare;
		else messages.push(`Comparison ${shown(compare)} is not one of ${COMPARE_BASES.join(', ')}; no comparison shown.`);
	}

	return { filters: f, messages };
}

/**
 * The filters in a URL. Invalid values fall back to defaults; pass `messages` to collect
 * what was ignored (or use `parseFilters`).
 */
export function filtersFromUrl(params: URLSearchParams, available: ExploreAvailable, messages?: string[]): ExploreFilters {
	const parsed = parseFilters(params, available);
	messages?.push(...parsed.messages);
	return parsed.filters;
}

/** The explore parameters for a filter state (defaults of measure and layer are omitted). */
export function filtersToUrl(f: ExploreFilters): URLSearchParams {
	const p = new URLSearchParams();
	p.set('ds', f.dataset);
	if (f.from !== null) p.set('from', f.from);
	if (f.to !== null) p.set('to', f.to);
	for (const c of f.categories) p.append('cat', c);
	if (f.area && f.area.ids.length > 0) p.set('area', `${f.area.level}:${f.area.ids.map(encodeURIComponent).join(',')}`);
	if (f.bbox) p.set('bbox', f.bbox.map((v) => String(v)).join(','));
	if (f.measure !== 'count') p.set('measure', f.measure);
	if (f.level !== 'auto') p.set('layer', f.level);
	if (f.compare) p.set('compare', f.compare);
	return p;
}

/**
 * `existing` with its explore parameters replaced by those of `f`; every other parameter
 * (`source` …) is kept as it was, in its place.
 */
export function mergeFiltersIntoUrl(existing: URLSearchParams, f: ExploreFilters): URLSearchParams {
	const out = new URLSearchParams();
	for (const [k, v] of existing) if (!(EXPLORE_PARAMS as readonly string[]).includes(k)) out.append(k, v);
	for (const [k, v] of filtersToUrl(f)) out.append(k, v);
	return out;
}

/** Whether two filter states are the same (same URL form). */
export function sameFilters(a: ExploreFilters, b: ExploreFilters): boolean {
	return filtersToUrl(a).toString() === filtersToUrl(b).toString();
}

/** Month key 'YYYY-MM' ↔ the extracts' `month_index`: the one copy in analytics/shared/months.ts. */
export { monthIndex, monthKey };
