/**
 * The area set's own name. An extract's `districts` dataset is whatever areas the force brought
 * (local authority districts, police districts, wards, beats, neighbourhood areas); the builder
 * records the set's label in the manifest (`districts_info.label`, e.g. "Wards", "Beats"). Every
 * place the interface names that level reads it through this one helper, so a force that imports
 * its beats sees "Beats", never "Districts". Without a label: "Districts".
 */
import { LEVEL_LABELS, type CellLevel } from './filters';
import type { QueryRunner } from '../runner';
import { tableExists } from '../shared/catalog';

/** The label shown when the manifest records none. */
export const DEFAULT_AREA_SET_LABEL = 'Districts';


/**
 * The area set's label from a manifest ("Wards", "Police beats"), trimmed, capitalised as
 * written; "Districts" when the manifest has none (older extracts, the police.uk samples).
 */
export function areaSetLabel(manifest: object | null | undefined): string {
	// Any manifest object: only `districts_info.label` is read, and only when it is a string.
	const info = (manifest as { districts_info?: { label?: unknown } | null } | null | undefined)?.districts_info;
	const raw = info && typeof info === 'object' ? info.label : undefined;
	const label = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
	if (!label) return DEFAULT_AREA_SET_LABEL;
	return label.charAt(0).toUpperCase() + label.slice(1);
}

/** First letter in lower case, unless the word is written in capitals (an acronym: "PCSO beats"). */
function lowerFirst(label: string): string {
	const word = label.split(' ')[0];
	return word.length > 1 && word === word.toUpperCase() ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/**
 * The label as a noun in a sentence: plural ("wards", "police districts") or, for `count` 1,
 * singular ("ward", "police district": a final "s" dropped, "ies" → "y", "ches/shes/xes" → …).
 * A label that is not a plural in "s" is used as it is ("Policing area" → "policing area").
 */
export function areaSetNoun(label: string, count = 2): string {
	const text = lowerFirst(label);
	if (count !== 1) return text;
	if (/ies$/i.test(text)) return text.replace(/ies$/i, 'y');
	if (/(ches|shes|xes|sses)$/i.test(text)) return text.slice(0, -2);
	if (/[^s]s$/i.test(text)) return text.slice(0, -1);
	return text;
}

/** A map layer's label with the area set's own name for the district level. */
export function levelLabel(level: CellLevel | 'auto', areaSet: string = DEFAULT_AREA_SET_LABEL): string {
	return level === 'district' ? areaSet : LEVEL_LABELS[level];
}

/** The area levels a source's crime records (`incidents`) carry: LSOAs, its own area set, or neither (H3 cells only). */
export interface RecordAreaLevels {
	/** Some record has an LSOA code. */
	lsoa: boolean;
	/** Some record is in an area of the source's own area set (and the set has areas). */
	district: boolean;
}

/**
 * Which area levels the crime records carry, for the pages that score or forecast by area
 * (Priorities, the area profile, Compare, the briefing, Forecast by area, the exceptions): a level
 * is offered only when some record is placed in it. A force's own export located by coordinates
 * only and placed in its own areas carries no LSOA codes: offer its areas (or H3 cells), not LSOAs.
 */
export async function recordAreaLevels(runner: QueryRunner): Promise<RecordAreaLevels> {
	const [r] = await runner.rows<{ lsoa: boolean; district: boolean }>(`SELECT count(lsoa_code) > 0 AS lsoa, count(district_id) > 0 AS district FROM incidents`);
	const areas = (await tableExists(runner, 'districts')) ? Number((await runner.rows<{ n: number }>('SELECT count(*) AS n FROM districts'))[0]?.n ?? 0) : 0;
	return { lsoa: Boolean(r?.lsoa), district: Boolean(r?.district) && areas > 0 };
}

/**
 * Why LSOAs are not offered, in one sentence, when the records carry no LSOA code; `label` is the
 * area set's label when the records are placed in one (null without).
 */
export function noLsoaReason(label: string | null): string {
	const instead = label ? `the ${areaSetNoun(label)} of the source's boundary file or the Map's H3 hexagons` : "the Map's H3 hexagons";
	return `LSOAs are not offered: no record carries an LSOA code (the files gave none, and no LSOA boundaries were given to place the records by their coordinates), so the areas here are ${instead}.`;
}
