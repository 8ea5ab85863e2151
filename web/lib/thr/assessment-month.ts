/**
 * The THR assessment month a page shows (Priorities, the area profile, Compare, the Model page,
 * the briefing), from its URL: one rule, so a link from the Map or Time with a period lands every
 * THR page on the same month.
 */

/**
 * The URL's `month` when it is a month with data; else, when a period is carried (`to`,
 * `YYYY-MM`), the last month with data up to its end; else the latest month with data.
 * `months` is ascending. A `to` before every month with data, or not a month, is not used
 * (the latest month is shown). Null when there is no month with data.
 */
export function assessmentMonth(params: URLSearchParams, months: readonly string[]): string | null {
	const asked = params.get('month');
	if (asked && months.includes(asked)) return asked;
	const to = params.get('to');
	if (to && /^\d{4}-(0[1-9]|1[0-2])$/.test(to)) {
		const within = months.filter((m) => m <= to);
		if (within.length > 0) return within[within.length - 1];
	}
	return months.at(-1) ?? null;
}

/**
 * What a THR page does not apply of the filters carried from the Map or Time, in words, or null
 * when nothing is carried that it ignores: a score reads every harm-counting category of every
 * area in the force area, so chosen crime types (`cat`) and a selected area or drawn box
 * (`area`, `bbox`) stay in the URL for the next page but do not change the ranking.
 */
export function ignoredFiltersNote(params: URLSearchParams): string | null {
	const cats = params.getAll('cat').filter((c) => c.trim() !== '');
	const parts: string[] = [];
	if (cats.length > 0) parts.push(`the crime ${cats.length === 1 ? 'type' : 'types'} chosen (${cats.join(', ')})`);
	if (params.get('area') || params.get('bbox')) parts.push('the selected area');
	if (parts.length === 0) return null;
	const verb = parts.length > 1 || cats.length > 1 ? 'are' : 'is';
	return `The score reads every harm-counting crime type in every area of the force area: ${parts.join(' and ')}, kept from the Map or Time, ${verb} not applied here.`;
}
