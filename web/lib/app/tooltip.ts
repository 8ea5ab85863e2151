/**
 * Where a hover figure goes: beside the pointer, or beside a focused mark, always inside the
 * viewport. Pure (sizes in CSS pixels, client coordinates), so it is unit-tested; the one
 * component that draws hover figures is `Tooltip.svelte`.
 */

/** A point (the pointer) or a box (a focused mark), in client coordinates. */
export type TooltipAnchor = { x: number; y: number } | { left: number; top: number; right: number; bottom: number };

export interface TooltipSize {
	width: number;
	height: number;
}

/** Gap between the anchor and the figure, and the margin kept from the viewport's edges, px. */
export const TOOLTIP_GAP = 12;
export const TOOLTIP_MARGIN = 4;

/**
 * Top-left corner of a figure of `size` shown at `anchor` within a `viewport`: below and to the
 * right of a point (to the right of a box, level with its top), flipped to the left or above
 * when it would cross the right or bottom edge, then clamped inside the viewport (a figure
 * larger than the viewport keeps its top-left corner inside).
 */
export function placeTooltip(anchor: TooltipAnchor, size: TooltipSize, viewport: TooltipSize, gap = TOOLTIP_GAP): { left: number; top: number } {
	const box = 'x' in anchor ? { left: anchor.x, right: anchor.x, top: anchor.y, bottom: anchor.y } : anchor;
	const point = 'x' in anchor;
	let left = box.right + gap;
	if (left + size.width > viewport.width - TOOLTIP_MARGIN) left = box.left - gap - size.width;
	let top = point ? box.bottom + gap : box.top;
	if (top + size.height > viewport.height - TOOLTIP_MARGIN) top = point ? box.top - gap - size.height : box.bottom - size.height;
	left = Math.max(TOOLTIP_MARGIN, Math.min(left, viewport.width - TOOLTIP_MARGIN - size.width));
	top = Math.max(TOOLTIP_MARGIN, Math.min(top, viewport.height - TOOLTIP_MARGIN - size.height));
	return { left: Math.round(left), top: Math.round(top) };
}

/** The anchor of an element (a focused cell or mark): its box on screen. */
export function elementAnchor(element: Element): TooltipAnchor {
	const r = element.getBoundingClientRect();
	return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
}
