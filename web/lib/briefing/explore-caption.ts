/**
 * The caption lines of a Map/Time chart's PNG (title, dataset and period, categories named, the
 * data's sources and licences), from the page's ExploreState and the database's manifest.
 */
import { monthsIn } from '$analytics/compare/periods';
import type { Database } from '$lib/db/duckdb';
import type { ExploreState } from '$lib/explore/state.svelte';
import { attributionText, captionLines, categoriesText, periodOf, periodText } from './captions';

export function exploreCaption(db: Database, explore: ExploreState, title: string): string[] {
	const place = db.manifest.force_area?.name ?? db.source.label;
	const attribution = attributionText(db.manifest.attribution);
	const f = explore.filters;
	const s = explore.summary;
	if (!f || !s) return captionLines({ title: `${title}: ${place}`, period: '', categories: '', attribution });
	const period = periodOf(f.from, f.to, s);
	const area = f.area ? `cells ${f.area.ids.slice(0, 3).join(', ')}${f.area.ids.length > 3 ? ` and ${f.area.ids.length - 3} more` : ''}` : f.bbox ? 'a drawn box' : '';
	return captionLines({
		title: `${title}: ${place}`,
		subject: [s.label, area].filter(Boolean).join(', '),
		period: periodText(period, monthsIn(period), f.from === null && f.to === null),
		categories: categoriesText(f.dataset, f.categories, s.categories.filter((c) => c.category !== null).length),
		attribution
	});
}
