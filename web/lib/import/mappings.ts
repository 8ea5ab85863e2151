/**
 * Saved column mappings (localStorage `clearsight:import-mappings:v1`): a name, the format, the
 * mapping of canonical fields to header names and any constants — exactly what the builder's
 * `--format`, `--columns` and `--constant` take, so a mapping can be carried to the command line.
 */
import { PROJECTED_HEADERS, SOURCE_FORMATS, exportKindOfHeaders, normaliseHeader, type ColumnConstants, type ColumnMapping } from '$analytics/ingest';
import { MAPPINGS_KEY } from './local-data';

/** The generic formats a file can be mapped to. */
export type MappedFormat = 'events' | 'month-incidents';

export interface SavedMapping {
	name: string;
	/** Absent in mappings saved before formats could be chosen: timestamped incidents. */
	format?: MappedFormat;
	mapping: ColumnMapping;
	constants?: ColumnConstants;
	savedAt: string;
}

/** Friendly names of the generic formats' fields; any other field shows its key. */
const FIELD_LABELS: Record<string, string> = {
	timestamp: 'Timestamp (date and time)',
	month: 'Month (YYYY-MM), or the date or date-time committed',
	category: 'Category or call type',
	longitude: 'Longitude',
	latitude: 'Latitude',
	area_code: 'Area code (LSOA, beat, district …)',
	priority: 'Priority or response grade',
	time_on_task: 'Time on task (minutes)',
	incident_id: 'Incident ID',
	location: 'Location description',
	lsoa_code: 'LSOA code',
	lsoa_name: 'LSOA name',
	reported_by: 'Reported by (force)',
	falls_within: 'Falls within (force area)',
	offence_code: 'Offence code (e.g. Home Office 28E): gives the offence subgroup, and the category when there is none'
};

/** The fields of a generic format a user can map, required first. */
export function mappableFields(format: MappedFormat): Array<{ key: string; label: string; required: boolean }> {
	const columns = SOURCE_FORMATS.find((f) => f.kind === format)?.columns ?? [];
	return [...columns]
		.sort((a, b) => Number(b.required) - Number(a.required))
		.map((c) => ({ key: c.key, label: FIELD_LABELS[c.key] ?? c.key, required: c.required }));
}

/**
 * The format a file the detection did not recognise is offered as first: recorded crimes (RMS,
 * 'month-incidents') when it looks like a crime extract — an offence-code column (HO Code …), a
 * header naming a crime (Crime Reference, Crime Number …) or a committed date — and has no
 * call-type or grade column (analytics/ingest exportKindOfHeaders); else calls (CAD, 'events').
 * The user can still change it.
 */
export function suggestFormat(fileColumns: readonly string[]): MappedFormat {
	return exportKindOfHeaders(fileColumns) === 'rms' ? 'month-incidents' : 'events';
}

/** The file columns a format's fields already match by name or alias (as detection matches them), to start the mapping from. */
export function prefillMapping(format: MappedFormat, fileColumns: readonly string[]): Record<string, string> {
	const normalised = fileColumns.map(normaliseHeader);
	const out: Record<string, string> = {};
	for (const column of SOURCE_FORMATS.find((f) => f.kind === format)?.columns ?? []) {
		const names = [column.key, ...(column.aliases ?? [])].map(normaliseHeader);
		// Eastings/northings stand for longitude/latitude when the file has no longitude/latitude column.
		const grid = PROJECTED_HEADERS[column.key] ?? [];
		const own = normalised.findIndex((n) => names.includes(n));
		const i = own >= 0 ? own : normalised.findIndex((n) => grid.includes(n));
		if (i >= 0 && !Object.values(out).includes(fileColumns[i])) out[column.key] = fileColumns[i];
	}
	return out;
}

/** The command-line arguments for a mapping: `--format … --columns … --constant …`. */
export function mappingToArgs(format: MappedFormat, mapping: ColumnMapping, constants: ColumnConstants = {}): string {
	const list = (m: Readonly<Record<string, string>>) =>
		Object.entries(m)
			.map(([k, v]) => `${k}=${v}`)
			.join(',');
	const parts = [`--format ${format}`];
	if (Object.keys(mapping).length > 0) parts.push(`--columns ${list(mapping)}`);
	if (Object.keys(constants).length > 0) parts.push(`--constant ${list(constants)}`);
	return parts.join(' ');
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

export function saveMapping(name: string, format: MappedFormat, mapping: ColumnMapping, constants: ColumnConstants = {}): SavedMapping[] {
	const { mappings } = loadMappings();
	const entry: SavedMapping = { name: name.trim(), format, mapping: { ...mapping }, constants: { ...constants }, savedAt: new Date().toISOString() };
	const next = [...mappings.filter((m) => m.name !== entry.name), entry];
	localStorage.setItem(MAPPINGS_KEY, JSON.stringify(next));
	return next;
}

export function deleteMapping(name: string): SavedMapping[] {
	const next = loadMappings().mappings.filter((m) => m.name !== name);
	localStorage.setItem(MAPPINGS_KEY, JSON.stringify(next));
	return next;
}
