/**
 * Sentences that say what the stop and search figures can and cannot tell a reader, written once
 * and used wherever the figures are shown (the Stop and search page, the model card on the page
 * and in its Markdown), so every place reads them the same way.
 */

/** What a disparity ratio (a group's searches per resident ÷ White people's) shows, and what it does not. */
export const RATIO_READING =
	'A ratio above 1 means a group was searched more often per resident than White people; its 95% interval is the range of ratios these counts are consistent with, allowing for chance in the counts and nothing else. A ratio does not show why the rates differ: it compares searches with the people who live in the area, not with the people who were where the searches happened (visitors, commuters, people out at night), and it does not say whether any search was justified. It is a reason to ask questions, not proof of unfair treatment on its own.';

/** What comparing find rates between groups can suggest, and why it is not proof either. */
export const FIND_RATE_READING =
	'If a group is searched more often per resident and its searches find what was looked for less often, the bar for searching that group may have been lower; find rates alone cannot prove it, since groups can differ in what officers were looking for, and where.';
