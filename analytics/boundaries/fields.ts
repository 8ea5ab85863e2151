/**
 * Which property of a boundary file holds each area's identifier and which its name: detected
 * from the property names (ONS codes such as LAD23CD / WD23CD, beats, sectors, neighbourhoods)
 * and values, or named by the caller. Every property is also returned as a candidate, so a user
 * interface can offer the choice.
 */

/**
 * Property names tried, in order, for the identifier (compared case-insensitively). A pattern
 * `nn` stands for any two digits (an ONS vintage: LAD23CD, WD22CD …).
 */
export const ID_PROPERTIES = [
	'district_id', 'id', 'code', 'objectid', 'lad19cd', 'lad21cd', 'lad22cd', 'lad23cd', 'lad11cd', 'dist_num', 'district_no',
	'wdnncd', 'ladnncd', 'lsoanncd', 'msoanncd', 'lsoann_cd', 'msoann_cd', 'ward_code', 'ward_id', 'wardcode',
	'beat', 'beat_num', 'beat_id', 'beat_code', 'beat_no', 'sector', 'sector_id', 'sector_code',
	'neighbourhood_id', 'neighbourhood_code', 'nbhd_id', 'nbhd_code', 'area_id', 'area_code', 'fid'
];
/** Property names tried, in order, for the name (after the name paired with the identifier: WD23CD → WD23NM). */
export const NAME_PROPERTIES = [
	'name', 'district_name', 'district', 'lad19nm', 'lad21nm', 'lad22nm', 'lad23nm', 'lad11nm', 'label',
	'wdnnnm', 'ladnnnm', 'lsoannnm', 'msoannnm', 'ward_name', 'ward', 'wardname', 'beat_name', 'sector_name',
	'neighbourhood', 'neighbourhood_name', 'nbhd_name', 'area_name'
];

/** `nn` in a candidate matches any two digits; everything else literally, case-insensitively. */
function matcher(candidate: string): RegExp {
	return new RegExp(`^${candidate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/nn/g, '\\d{2}')}$`, 'i');
}

/** One property of the features, as a candidate for the identifier or the name. */
export interface FieldCandidate {
	field: string;
	/** Features with a non-empty value. */
	present: number;
	/** Distinct non-empty values. */
	distinct: number;
	/** The first non-empty value, to show beside the choice. */
	example: string | null;
}

/** The trimmed text of a property value, or null when missing or empty. */
export function valueOf(properties: Record<string, unknown> | null | undefined, key: string): string | null {
	const value = properties?.[key];
	if (value === null || value === undefined) return null;
	const text = String(value).trim();
	return text === '' ? null : text;
}

/** Every property of the features (in order of first appearance) with how many have it and its distinct values. */
export function fieldCandidates(props: ReadonlyArray<Record<string, unknown> | null>): FieldCandidate[] {
	const keys: string[] = [];
	const seen = new Set<string>();
	for (const p of props) for (const k of Object.keys(p ?? {})) if (!seen.has(k)) (seen.add(k), keys.push(k));
	return keys.map((field) => {
		const values = props.map((p) => valueOf(p, field)).filter((v): v is string => v !== null);
		return { field, present: values.length, distinct: new Set(values).size, example: values[0] ?? null };
	});
}

/**
 * The identifier property: the first of ID_PROPERTIES present in every feature with a different
 * value in each; else the first present in every feature (features sharing a value are then one
 * area, drawn in several parts). Null when none fits.
 */
export function detectIdField(candidates: readonly FieldCandidate[], features: number): string | null {
	const full = candidates.filter((c) => c.present === features && features > 0);
	for (const unique of [true, false]) {
		for (const name of ID_PROPERTIES) {
			const re = matcher(name);
			const hit = full.find((c) => re.test(c.field) && (!unique || c.distinct === features));
			if (hit) return hit.field;
		}
	}
	return null;
}

/**
 * The name property for an identifier: the ONS pair of a code (LSOA11CD → LSOA11NM, WD23CD →
 * WD23NM) when present, else the first of NAME_PROPERTIES present in every feature. Null when none.
 */
export function detectNameField(candidates: readonly FieldCandidate[], features: number, idField: string): string | null {
	const full = candidates.filter((c) => c.present === features && c.field !== idField);
	const pair = /^(.*)cd$/i.exec(idField);
	if (pair) {
		const hit = full.find((c) => c.field.toLowerCase() === `${pair[1]}nm`.toLowerCase());
		if (hit) return hit.field;
	}
	for (const name of NAME_PROPERTIES) {
		const re = matcher(name);
		const hit = full.find((c) => re.test(c.field));
		if (hit) return hit.field;
	}
	return null;
}

/** What the areas are called, guessed from the identifier property: "Wards" for WD23CD …; null when it says nothing. */
export function labelFromField(field: string): string | null {
	const f = field.toLowerCase();
	if (/^wd\d{2}cd$|^ward/.test(f)) return 'Wards';
	if (/^lad\d{2}cd$/.test(f)) return 'Districts';
	if (/^msoa\d{2}_?cd$/.test(f)) return 'MSOAs';
	if (/^lsoa\d{2}_?cd$/.test(f)) return 'LSOAs';
	if (/^beat/.test(f)) return 'Beats';
	if (/^sector/.test(f)) return 'Sectors';
	if (/^(neighbourhood|nbhd)/.test(f)) return 'Neighbourhoods';
	return null;
}
