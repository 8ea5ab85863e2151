/**
 * The Stop and search page's state and its URL form, so every view can be shared as a link,
 * survives a reload and works with back/forward. Pure (no SvelteKit imports) so it is unit-tested.
 *
 * URL parameters:
 *   from, to  period, YYYY-MM inclusive (absent: the first / last month with searches)
 *   eth       ethnicity basis: self (default, the person's own) | officer
 *   area      absent: the force area; `lad:<code>` a local authority; or the Map's selection
 *             `<level>:<id>,<id>…` with level lsoa | h3_7 | h3_8 | h3_9 (ids URI-encoded), as the
 *             Map writes it (analytics/explore/filters.ts), so a map selection opens here as is
 *   out       1: for the force area, also count searches located outside it (the Home Office
 *             counts every search a force made); absent: they are not counted
 *   rg        records shown: an ethnic group (or "Not recorded")
 *   rs        records shown: a split value, `<by>:<value>` (value URI-encoded)
 *   ro        records shown: only finds | arrests | drug-possession
 *   rp        records page (1 when absent)
 * An unusable value never throws: it falls back to the default and a message says so.
 */
import { isMonthKey } from '$analytics/shared/months';
import { ETHNIC_GROUPS, NOT_RECORDED, type CellLevel, type EthnicityBasis, type GroupOrUnknown, type RecordQuery, type SplitBy, type StopSearchArea, type StopSearchScope } from '$analytics/stop-search/types';

export const STOP_SEARCH_PARAMS = ['from', 'to', 'eth', 'area', 'out', 'rg', 'rs', 'ro', 'rp'] as const;
export const CELL_LEVELS: readonly CellLevel[] = ['lsoa', 'h3_7', 'h3_8', 'h3_9'];
export const SPLITS: readonly SplitBy[] = ['legislation', 'object_of_search', 'age_range', 'gender', 'month'];
export const ONLY: readonly NonNullable<RecordQuery['only']>[] = ['finds', 'arrests', 'drug-possession'];
export const GROUPS: readonly GroupOrUnknown[] = [...ETHNIC_GROUPS, NOT_RECORDED];

export const BASIS_LABELS: Record<EthnicityBasis, string> = {
	self: 'Self-defined (the person’s own answer)',
	officer: 'Officer-defined (the officer’s view)'
};

export const SPLIT_LABELS: Record<SplitBy, string> = {
	legislation: 'Legislation (power used)',
	object_of_search: 'Object of search',
	age_range: 'Age group',
	gender: 'Gender',
	month: 'Month'
};

export const ONLY_LABELS: Record<NonNullable<RecordQuery['only']>, string> = {
	finds: 'finds (outcome linked to the object of search)',
	arrests: 'arrests',
	'drug-possession': 'drug searches that found only possession'
};

/** Which records the records table lists (null: none chosen yet). */
export interface RecordChoice {
	group: GroupOrUnknown | null;
	split: { by: SplitBy; value: string } | null;
	only: NonNullable<RecordQuery['only']> | null;
}

export interface StopSearchState {
	from: string | null;
	to: string | null;
	basis: EthnicityBasis;
	area: StopSearchArea;
	records: RecordChoice | null;
	page: number;
}

export function defaultState(): StopSearchState {
	return { from: null, to: null, basis: 'self', area: { kind: 'force' }, records: null, page: 1 };
}

/** What the loaded source offers; values outside it are dropped with a message. */
export interface StopSearchOptions {
	/** Months with searches, oldest first. */
	months?: readonly string[];
	/** Local authority codes of the force area. */
	lads?: readonly string[];
}

function shown(v: string): string {
	return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
}

function isOneOf<T extends string>(list: readonly T[], v: string | null): v is T {
	return v !== null && (list as readonly string[]).includes(v);
}

/** Parse the page's parameters. Never throws; one plain sentence per value ignored. */
export function parseStopSearchUrl(params: URLSearchParams, options: StopSearchOptions = {}): { state: StopSearchState; messages: string[] } {
	const messages: string[] = [];
	const s = defaultState();
	for (const key of ['from', 'to'] as const) {
		const v = params.get(key);
		if (v === null || v === '') continue;
		if (!isMonthKey(v)) messages.push(`Period ${key} ${shown(v)} is not a month (expected YYYY-MM); ignored.`);
		else if (options.months && options.months.length > 0 && !options.months.includes(v)) {
			messages.push(`There are no searches in ${v}; period ${key} ignored.`);
		} else s[key] = v;
	}
	if (s.from && s.to && s.from > s.to) {
		messages.push(`Period from ${s.from} is after to ${s.to}; the two were swapped.`);
		[s.from, s.to] = [s.to, s.from];
	}
	const eth = params.get('eth');
	if (eth !== null) {
		if (eth === 'self' || eth === 'officer') s.basis = eth;
		else messages.push(`Ethnicity basis ${shown(eth)} is not self or officer; showing self-defined.`);
	}
	const area = params.get('area');
	if (area !== null && area !== '' && area !== 'force') {
		const colon = area.indexOf(':');
		const level = colon < 0 ? area : area.slice(0, colon);
		const rest = colon < 0 ? '' : area.slice(colon + 1);
		if (level === 'lad') {
			if (rest === '' || (options.lads && !options.lads.includes(rest))) messages.push(`Local authority ${shown(rest)} is not in this force area; showing the force area.`);
			else s.area = { kind: 'lad', code: rest };
		} else if (isOneOf(CELL_LEVELS, level)) {
			const ids: string[] = [];
			let bad = false;
			for (const part of rest.split(',')) {
				if (part === '') continue;
				try {
					const id = decodeURIComponent(part);
					if (id !== '' && !ids.includes(id)) ids.push(id);
				} catch {
					bad = true;
				}
			}
			if (bad) messages.push('Part of the area selection could not be read; that part was ignored.');
			if (ids.length > 0) s.area = { kind: 'cells', level, ids };
			else messages.push('The area selection names no cells; showing the force area.');
		} else {
			messages.push(`Area ${shown(area)} is not a local authority or a selection of LSOAs or H3 cells; showing the force area.`);
		}
	}
	const out = params.get('out');
	if (out !== null) {
		if (out === '1' && s.area.kind === 'force') s.area = { kind: 'force', includeOutside: true };
		else if (out !== '0') messages.push(`Searches outside the force area are counted only for the force area (out=1); ${shown(out)} ignored.`);
	}
	const rg = params.get('rg');
	const rs = params.get('rs');
	const ro = params.get('ro');
	const choice: RecordChoice = { group: null, split: null, only: null };
	if (rg !== null) {
		if (isOneOf(GROUPS, rg)) choice.group = rg;
		else messages.push(`Group ${shown(rg)} is not one of ${GROUPS.join(', ')}; ignored.`);
	}
	if (rs !== null) {
		const colon = rs.indexOf(':');
		const by = colon < 0 ? rs : rs.slice(0, colon);
		let value: string | null = null;
		try {
			value = colon < 0 ? null : decodeURIComponent(rs.slice(colon + 1));
		} catch {
			value = null;
		}
		if (isOneOf(SPLITS, by) && value !== null) choice.split = { by, value };
		else messages.push(`Records split ${shown(rs)} could not be read; ignored.`);
	}
	if (ro !== null) {
		if (isOneOf(ONLY, ro)) choice.only = ro;
		else messages.push(`Records filter ${shown(ro)} is not one of ${ONLY.join(', ')}; ignored.`);
	}
	if (choice.group || choice.split || choice.only) s.records = choice;
	s.page = Math.max(1, Math.floor(Number(params.get('rp')) || 1));
	return { state: s, messages };
}

/** The URL value of an area: null for the force area. */
export function areaParam(area: StopSearchArea): string | null {
	if (area.kind === 'force') return null;
	if (area.kind === 'lad') return `lad:${area.code}`;
	return `${area.level}:${area.ids.map(encodeURIComponent).join(',')}`;
}

/** The page's parameters for `state` (null: remove the parameter). Round-trips with parseStopSearchUrl. */
export function stopSearchParams(state: StopSearchState): Record<(typeof STOP_SEARCH_PARAMS)[number], string | null> {
	const r = state.records;
	return {
		from: state.from,
		to: state.to,
		eth: state.basis === 'self' ? null : state.basis,
		area: areaParam(state.area),
		out: state.area.kind === 'force' && state.area.includeOutside ? '1' : null,
		rg: r?.group ?? null,
		rs: r?.split ? `${r.split.by}:${encodeURIComponent(r.split.value)}` : null,
		ro: r?.only ?? null,
		rp: r && state.page > 1 ? String(state.page) : null
	};
}

/** `url` with the page's parameters replaced by those of `state`; other parameters (source …) kept. */
export function urlWithState(url: URL, state: StopSearchState): URL {
	const next = new URL(url);
	for (const [k, v] of Object.entries(stopSearchParams(state))) {
		if (v === null) next.searchParams.delete(k);
		else next.searchParams.set(k, v);
	}
	return next;
}

/** The analytics' scope of a state (absent months: the analytics' defaults). */
export function scopeOf(state: StopSearchState): StopSearchScope {
	return { ...(state.from ? { from: state.from } : {}), ...(state.to ? { to: state.to } : {}), basis: state.basis, area: state.area };
}

/** A key naming the scope's question, for the cache. */
export function scopeKey(scope: StopSearchScope): string {
	return JSON.stringify([scope.from ?? null, scope.to ?? null, scope.basis, scope.area]);
}

/** File-name part of a scope: period, basis, area. */
export function scopeStem(state: StopSearchState): string {
	const area = state.area.kind === 'force' ? (state.area.includeOutside ? 'force-area-with-outside' : 'force-area') : state.area.kind === 'lad' ? `lad-${state.area.code}` : `${state.area.ids.length}-${state.area.level}-cells`;
	return `clearsight-stop-search-${area}-${state.basis}${state.from ? `-from-${state.from}` : ''}${state.to ? `-to-${state.to}` : ''}`.replace(/[^A-Za-z0-9_-]+/g, '-');
}

/** Records choice in words: "Black people's searches, Misuse of Drugs Act… , finds only". */
export function recordChoiceText(c: RecordChoice): string {
	const parts: string[] = [];
	parts.push(c.group === null ? 'All searches' : c.group === NOT_RECORDED ? 'Searches with no recorded ethnicity' : `Searches of people in the ${c.group} group`);
	if (c.split) parts.push(`${SPLIT_LABELS[c.split.by].toLowerCase()}: ${c.split.value}`);
	if (c.only) parts.push(`only ${ONLY_LABELS[c.only]}`);
	return parts.join('; ');
}
