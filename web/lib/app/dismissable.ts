/**
 * One behaviour for every dropdown in the app (a `<details>` whose panel lies over the page):
 * it closes on Escape (focus goes back to its `<summary>`, the button that opened it), on a
 * pointer press anywhere outside it, and when keyboard focus moves outside it; its `<summary>`
 * carries `aria-expanded`. The press outside is not swallowed: the control under the pointer
 * gets its click as well, so an open dropdown never blocks what lies under it.
 *
 * Use as a Svelte attachment: `<details {@attach dismissable}>`.
 */
export function dismissable(details: HTMLDetailsElement): () => void {
	const summary = () => details.querySelector<HTMLElement>(':scope > summary');
	const close = () => {
		if (details.open) details.open = false;
	};
	const outside = (target: EventTarget | null) => target instanceof Node && !details.contains(target);

	const onkeydown = (event: KeyboardEvent) => {
		if (event.key !== 'Escape' || !details.open) return;
		event.preventDefault();
		event.stopPropagation();
		close();
		summary()?.focus();
	};
	const onpointerdown = (event: PointerEvent) => {
		if (details.open && outside(event.target)) close();
	};
	const onfocusin = (event: FocusEvent) => {
		if (details.open && outside(event.target)) close();
	};
	// `aria-expanded` follows the `open` attribute through a MutationObserver, whose callback
	// runs before the next task; the `toggle` event is queued as a task of its own, so a page
	// that is busy (or a reader that asks at once) could see the old state after a close.
	const expanded = () => summary()?.setAttribute('aria-expanded', String(details.open));
	const observer = new MutationObserver(expanded);

	expanded();
	observer.observe(details, { attributes: true, attributeFilter: ['open'] });
	details.addEventListener('keydown', onkeydown);
	document.addEventListener('pointerdown', onpointerdown, true);
	document.addEventListener('focusin', onfocusin);
	return () => {
		details.removeEventListener('keydown', onkeydown);
		observer.disconnect();
		document.removeEventListener('pointerdown', onpointerdown, true);
		document.removeEventListener('focusin', onfocusin);
	};
}
