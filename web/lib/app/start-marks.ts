/**
 * The start-up marks the bench reads (scripts/bench/start-up.ts), each recorded once per page
 * load, after the frame that shows it has been painted:
 * - `clearsight:first-view`: the first view is drawn (from the start-up summary, or live when
 *   there is none);
 * - `clearsight:interactive`: the database is ready and the live view is drawn.
 */
export const FIRST_VIEW_MARK = 'clearsight:first-view';
export const INTERACTIVE_MARK = 'clearsight:interactive';

function markOnce(name: string): void {
	if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}

/** After the next paint (two animation frames: the frame with the change, then the one after). */
function afterPaint(then: () => void): void {
	requestAnimationFrame(() => requestAnimationFrame(then));
}

export function markFirstView(): void {
	afterPaint(() => markOnce(FIRST_VIEW_MARK));
}

/** The live view is drawn (a first view too, when none came before). */
export function markInteractive(): void {
	afterPaint(() => {
		markOnce(FIRST_VIEW_MARK);
		markOnce(INTERACTIVE_MARK);
	});
}
