/**
 * Boxes that scroll sideways on their own (a wide table in its `.table-wrap`, a wide chart in its
 * `.plot`) must be reachable from the keyboard, or keyboard users cannot see what is cut off
 * (WCAG 2.1.1; axe `scrollable-region-focusable`). Rather than mark each one, this attachment on
 * the page's `<main>` watches them all, the new pages' included: a box whose content is wider
 * than it becomes a named region in the tab order (`tabindex="0"`, `role="region"`, named after
 * its table's caption), and stops being one when it fits again. Boxes that hold something
 * focusable already are left alone.
 *
 * Use: `<main {@attach scrollRegions}>`.
 */
const SELECTOR = '.table-wrap, .plot, table';
const MARK = 'data-scroll-region';

function update(box: HTMLElement): void {
	const scrolls = box.scrollWidth > box.clientWidth + 1;
	const marked = box.hasAttribute(MARK);
	if (scrolls && !marked) {
		if (box.hasAttribute('tabindex') || box.querySelector('a[href], button, input, select, textarea, [tabindex]')) return;
		const caption = box.querySelector('caption')?.textContent?.trim();
		box.setAttribute(MARK, box.tagName === 'TABLE' ? 'table' : 'region');
		box.setAttribute('tabindex', '0');
		// A table that scrolls itself (narrow screens, app.css) keeps its table role and caption.
		if (box.tagName === 'TABLE') return;
		if (!box.hasAttribute('role')) box.setAttribute('role', 'region');
		if (!box.hasAttribute('aria-label')) box.setAttribute('aria-label', `${caption || 'Wide content'} (scrolls sideways)`);
	} else if (!scrolls && marked) {
		const kind = box.getAttribute(MARK);
		box.removeAttribute(MARK);
		box.removeAttribute('tabindex');
		if (kind === 'table') return;
		box.removeAttribute('role');
		box.removeAttribute('aria-label');
	}
}

export function scrollRegions(root: HTMLElement): () => void {
	const watched = new Set<HTMLElement>();
	const sizes = new ResizeObserver((entries) => {
		for (const e of entries) update(e.target as HTMLElement);
	});
	let frame = 0;
	const scan = () => {
		frame = 0;
		const boxes = new Set(root.querySelectorAll<HTMLElement>(SELECTOR));
		for (const box of watched) {
			if (!boxes.has(box)) {
				sizes.unobserve(box);
				watched.delete(box);
			}
		}
		for (const box of boxes) {
			if (!watched.has(box)) {
				watched.add(box);
				sizes.observe(box);
			}
			update(box);
		}
	};
	const changes = new MutationObserver(() => {
		if (!frame) frame = requestAnimationFrame(scan);
	});
	changes.observe(root, { childList: true, subtree: true });
	scan();
	return () => {
		if (frame) cancelAnimationFrame(frame);
		changes.disconnect();
		sizes.disconnect();
	};
}
