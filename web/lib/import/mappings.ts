/**
 * Saved column mappings (localStorage `clearsight:import-mappings:v1`): a name and the mapping
 * of canonical fields to header names, exactly what the builder's `--columns` takes
 * (`timestamp=Created,category=Call Type`), so a mapping can be carried to the command line.
 */
import type { ColumnMapping } from '../../../analytics/ingest';
import { MAPPINGS_KEY } from './local-data';

export interface SavedMapping {
	name: string;
	mapping: ColumnMapping;
	savedAt: string;
}

/** The fields of the generic timestamped-incident format a user can map, in display order. */
export const MAPPABLE_FIELDS = [
	{ key: 'timestamp', label: 'Timestamp (date and time)', required: true },
	{ key: 'category', label: 'Category or call type', required: false },
	{ key: 'longitude', label: 'Longitude', required: false },
	{ key: 'latitude', label: 'Latitude', required: false },
	{ key: 'area_code', label: 'Area code (LSOA, beat, district …)', required: false },
	{ key: 'priority', label: 'Priority or response grade', required: false },
	{ key: 'time_on_task', label: 'Time on task (minutes)', required: false },
	{ key: 'incident_id', label: 'Incident ID', required: false }
] as const;

/** `timestamp=Created,category=Call Type` — the command line's `--columns` value for a mapping. */
export function mappingToColumnsArg(mapping: ColumnMapping): string {
	return Object.entries(mapping)
		.map(([k, v]) => `${k}=${v}`)
		.join(',');
}

export function loadMappings(): { mappings: SavedMapping[]; problem: string | null } {
	let text: string | null;
	try {
		text = localStorage.getItem(MAPPINGS_KEY);
	} catch {
		return { mappings: [], problem: null };
	}
	if (text === null) return { mappings: [], problem: null };
	try {
		const parsed = JSON.parse(text) as unknown;
		if (!Array.isArray(parsed)) throw new Error('not a list');
		const mappings = parsed.filter(
			(m): m is SavedMapping =>
				typeof m?.name === 'string' &&
				typeof m?.mapping === 'object' &&
				m.mapping !== null &&
				Object.values(m.mapping as object).every((v) => typeof v === 'string')
		);
		const dropped = parsed.length - mappings.length;
		return {
			mappings,
			problem: dropped > 0 ? `${dropped} saved mapping${dropped === 1 ? '' : 's'} could not be read and ${dropped === 1 ? 'is' : 'are'} not shown (localStorage ${MAPPINGS_KEY}).` : null
		};
	} catch {
		return { mappings: [], problem: `The saved column mappings (localStorage ${MAPPINGS_KEY}) are damaged and cannot be read; saving a mapping will replace them.` };
	}
}

export function saveMapping(name: string, mapping: ColumnMapping): SavedMapping[] {
	const { mappings } = loadMappings();
	const entry: SavedMapping = { name: name.trim(), mapping: { ...mapping }, savedAt: new Date().toISOString() };
	const next = [...mappings.filter((m) => m.name !== entry.name), entry];
	localStorage.setItem(MAPPINGS_KEY, JSON.stringify(next));
	return next;
}

export function deleteMapping(name: string): SavedMapping[] {
	const next = loadMappings().mappings.filter((m) => m.name !== name);
	localStorage.setItem(MAPPINGS_KEY, JSON.stringify(next));
	return next;
}
