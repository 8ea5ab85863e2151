/**
 * The API contract of the stop-and-search analytics (disproportionality, find and arrest rates,
 * ethnicity agreement, splits, drug possession, community impact). See README.md in this folder
 * for the method, the denominators and every caveat.
 */

/** Which ethnicity a search is counted under: the person's own (self-defined) or the officer's. */
export type EthnicityBasis = 'self' | 'officer';

/** The five broad ethnic groups of Census 2021 table TS021, in the Home Office's order. */
export type EthnicGroup = 'Asian' | 'Black' | 'Mixed' | 'White' | 'Other';

/** A search's group: one of the five, or no recorded (or no mappable) ethnicity. */
export type GroupOrUnknown = EthnicGroup | 'Not recorded';

export const ETHNIC_GROUPS: readonly EthnicGroup[] = ['Asian', 'Black', 'Mixed', 'White', 'Other'];
export const NOT_RECORDED = 'Not recorded' as const;

/** Map selection levels: LSOA 2011 codes (as on the map) or H3 cells. */
export type CellLevel = 'lsoa' | 'h3_7' | 'h3_8' | 'h3_9';

/**
 * The area the figures are for.
 * - `force`: every search in the force's files that is not located outside the force area
 *   (`in_force_area` true, or null: no location, which police.uk still attributes to the force
 *   whose file it is in). Denominator: residents of the force's local authorities.
 * - `lad`: searches whose LSOA 2011 lies in that local authority (so searches with no location
 *   are not counted). Denominator: that authority's residents.
 * - `cells`: searches located in the selected LSOAs 2011 or H3 cells (no location: not counted).
 *   Denominator: residents of the selected LSOAs whose 2011 code is unchanged in 2021; H3 cells
 *   have no resident denominator (residents null).
 */
export type StopSearchArea =
	| {
			kind: 'force';
			/**
			 * Also count searches located outside the force area (by default they are not: records
			 * located outside are never counted for the force area). The Home Office counts every search
			 * a force made, wherever it was; set this to reproduce that count.
			 */
			includeOutside?: boolean;
	  }
	| { kind: 'lad'; code: string }
	| { kind: 'cells'; level: CellLevel; ids: string[] };

export interface StopSearchScope {
	/** First month, YYYY-MM (inclusive); default: the first month with searches. */
	from?: string;
	/** Last month, YYYY-MM (inclusive); default: the last month with searches. */
	to?: string;
	basis: EthnicityBasis;
	area: StopSearchArea;
}

/** A plain-language warning the analytics computes from the data (never hard-coded). */
export interface Caveat {
	code:
		| 'poor-denominator'
		| 'small-counts'
		| 'unknown-ethnicity'
		| 'geography-mismatch'
		| 'no-denominator'
		| 'unlocated-excluded'
		| 'zero-white'
		| 'outside-excluded'
		| 'denominator-date'
		| 'officer-no-mixed'
		| 'unplaced-counted'
		| 'vehicle-only';
	severity: 'info' | 'warning' | 'serious';
	/** Plain English for a non-statistician. */
	text: string;
}

/** A proportion with its Wilson score 95% interval (null when the denominator is 0). */
export interface Proportion {
	numerator: number;
	denominator: number;
	rate: number | null;
	lo95: number | null;
	hi95: number | null;
}

export interface DisproportionalityRow {
	group: EthnicGroup;
	searches: number;
	/** Census 2021 usual residents of the group in the denominator area; null when none is known. */
	residents: number | null;
	/** Searches per 1,000 residents of the group; null without residents. */
	ratePer1000: number | null;
	/** This group's rate divided by White's; 1 for White; null when either rate is missing or zero. */
	ratioVsWhite: number | null;
	/** Katz log risk-ratio 95% interval; null when the ratio is null or a count is 0. */
	ratioLo95: number | null;
	ratioHi95: number | null;
	/** Why the ratio or its interval is missing, in words; null when present. */
	ratioNote: string | null;
	/** Searches whose outcome was linked to the object of search (`outcome_linked` true). */
	finds: number;
	/** finds / searches, with Wilson 95% interval. */
	findRate: number | null;
	findLo95: number | null;
	findHi95: number | null;
	/** Searches with the outcome "Arrest". */
	arrests: number;
	arrestRate: number | null;
	arrestLo95: number | null;
	arrestHi95: number | null;
	/** Searches whose outcome was no further action (NO_FURTHER_ACTION_OUTCOMES), with their share of the group's searches and its Wilson 95% interval. */
	noFurtherAction: number;
	nfaRate: number | null;
	nfaLo95: number | null;
	nfaHi95: number | null;
}

export interface DenominatorInfo {
	/** Where the residents come from, in words (table, geography, date). */
	source: string;
	/** All usual residents of the denominator area (five groups summed); null when none. */
	residents: number | null;
	/** LSOAs 2021 summed. */
	lsoa21Count: number;
	/** Local authorities (LAD 2023 codes) summed; empty for a cell selection. */
	ladCodes: string[];
	/** How the area was matched to Census geography, in words. */
	note: string;
}

export interface DisproportionalityResult {
	scope: StopSearchScope;
	/**
	 * The months the figures cover: the period asked, within the months the data holds (its first
	 * to last month with any search, whatever the area), so an area with no search in the first or
	 * last month of the period still covers it; null when the period holds no month of the data.
	 */
	period: { from: string; to: string } | null;
	/** The area's name in words, e.g. "City of London (force area)". */
	areaLabel: string;
	rows: DisproportionalityRow[];
	/** Searches with no recorded ethnicity on the chosen basis, and their share of all searches. */
	notRecorded: { searches: number; share: number | null; finds: number; arrests: number; noFurtherAction: number };
	/** All searches of people in the scope (the five groups plus not recorded). */
	totalSearches: number;
	/**
	 * Searches of a vehicle only (police.uk type "Vehicle search") in the scope: no person was
	 * searched, so they are in no figure by ethnic group (nor "Not recorded") and are counted here.
	 */
	vehicleOnly: number;
	/**
	 * Why no ratio against White should be offered as a headline here, in plain English: the
	 * residents are an unfit denominator (README "Caveats", `poor-denominator`); null when they
	 * are fit. The ratios stay in `rows` (tables, CSV) with this caveat beside them.
	 */
	ratioWithheld: string | null;
	denominator: DenominatorInfo;
	caveats: Caveat[];
}

export interface AgreementCell {
	self: GroupOrUnknown;
	officer: GroupOrUnknown;
	searches: number;
}

export interface EthnicityAgreement {
	cells: AgreementCell[];
	/** Searches with both ethnicities recorded (and mappable). */
	bothRecorded: number;
	/** Of those, the self-defined group differs from the officer's. */
	disagree: number;
	/** disagree / bothRecorded with Wilson interval. */
	disagreeShare: Proportion;
	/** Missing ethnicities (agreement is measured only where both are recorded) and small counts. */
	caveats: Caveat[];
}

export type SplitBy = 'legislation' | 'object_of_search' | 'age_range' | 'gender' | 'month';

export interface SplitRow {
	/** The split's value as recorded ("Not recorded" for empty). */
	value: string;
	group: GroupOrUnknown;
	searches: number;
	finds: number;
	findRate: number | null;
	findLo95: number | null;
	findHi95: number | null;
	arrests: number;
}

export interface SplitResult {
	by: SplitBy;
	rows: SplitRow[];
	caveats: Caveat[];
}

export interface DrugPossessionRow {
	group: GroupOrUnknown | 'All';
	/** Drug searches (Misuse of Drugs Act s23 or object "Controlled drugs"). */
	drugSearches: number;
	/** Of those, found (outcome linked) … */
	finds: number;
	/** … with a possession-level disposal (see POSSESSION_OUTCOMES). */
	possessionOnly: number;
	/** possessionOnly / drugSearches, Wilson interval. */
	share: Proportion;
	/** possessionOnly / finds, Wilson interval. */
	shareOfFinds: Proportion;
}

export interface DrugPossessionResult {
	rows: DrugPossessionRow[];
	/** The rule, in words, and its limits. */
	rule: string;
	caveats: Caveat[];
}

export interface RecordQuery {
	group?: GroupOrUnknown;
	/** Only records with this value of a split (e.g. { by: 'legislation', value: '…' }). */
	split?: { by: SplitBy; value: string };
	/** Only finds (outcome linked) or arrests. */
	only?: 'finds' | 'arrests' | 'drug-possession';
	limit: number;
	offset: number;
}

export interface StopSearchRecord {
	source_file: string;
	source_line: number;
	occurred_at: string;
	month: string;
	group: GroupOrUnknown;
	self_defined_ethnicity: string | null;
	officer_defined_ethnicity: string | null;
	gender: string | null;
	age_range: string | null;
	legislation: string | null;
	object_of_search: string | null;
	outcome: string | null;
	outcome_linked: boolean | null;
	lsoa_code: string | null;
	in_force_area: boolean | null;
}

export interface RecordPage {
	total: number;
	rows: StopSearchRecord[];
}

export interface CompositionRow {
	group: EthnicGroup;
	/** Residents of the group in the flagged LSOAs (2011 codes unchanged in 2021). */
	flaggedResidents: number;
	flaggedShare: number | null;
	/** Residents of the group in the whole force area. */
	forceResidents: number;
	forceShare: number | null;
	/** Searches (selected basis) located in flagged LSOAs, and elsewhere in the force area. */
	searchesInFlagged: number;
	ratePer1000InFlagged: number | null;
	searchesElsewhere: number;
	ratePer1000Elsewhere: number | null;
}

export interface FlaggedComposition {
	rows: CompositionRow[];
	flaggedLsoa11: number;
	/** Flagged LSOA 2011 codes found unchanged among the Census LSOAs 2021. */
	matchedLsoa: number;
	/** Flagged codes split or merged in 2021 (no residents counted for them). */
	unmatchedLsoa: string[];
	flaggedResidents: number;
	forceResidents: number | null;
	caveats: Caveat[];
}

/** What the data offers the stop-and-search views: months, authorities, whether denominators exist. */
export interface StopSearchCoverage {
	/** First and last month with searches, null when there are none. */
	first: string | null;
	last: string | null;
	searches: number;
	/** The force area's name, or null when the extract declares none. */
	forceName: string | null;
	/** Local authorities with Census residents (LAD 2023 codes), for an area picker. */
	authorities: Array<{ code: string; name: string; residents: number }>;
	/** Whether Census 2021 residents by ethnic group are present (population_ethnicity rows). */
	hasPopulation: boolean;
	/** Whether searches carry an LSOA (boundaries were given to the builder): needed for authority and LSOA selections. */
	hasLsoa: boolean;
}
