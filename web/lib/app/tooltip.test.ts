import { describe, expect, it } from 'vitest';
import { placeTooltip, TOOLTIP_GAP as G, TOOLTIP_MARGIN as M } from './tooltip';

const viewport = { width: 390, height: 800 };
const size = { width: 200, height: 60 };

describe('placeTooltip', () => {
	it('goes below and to the right of the pointer when there is room', () => {
		expect(placeTooltip({ x: 50, y: 100 }, size, viewport)).toEqual({ left: 50 + G, top: 100 + G });
	});

	it('flips to the left of the pointer near the right edge, and above it near the bottom', () => {
		// 300 + 12 + 200 = 512 > 386: left of the pointer, 300 - 12 - 200 = 88.
		expect(placeTooltip({ x: 300, y: 100 }, size, viewport)).toEqual({ left: 88, top: 100 + G });
		// 780 + 12 + 60 > 796: above, 780 - 12 - 60 = 708.
		expect(placeTooltip({ x: 50, y: 780 }, size, viewport)).toEqual({ left: 62, top: 708 });
	});

	it('is clamped inside the viewport when neither side has room', () => {
		// 300 px wide at x = 150: right of it ends at 462 > 386, left of it starts at -162; clamped to the margin.
		expect(placeTooltip({ x: 150, y: 10 }, { width: 300, height: 60 }, viewport).left).toBe(M);
		// Wider than the viewport: the top-left corner stays inside.
		expect(placeTooltip({ x: 10, y: 10 }, { width: 500, height: 60 }, viewport)).toEqual({ left: M, top: 10 + G });
	});

	it('puts a focused mark\'s figure beside its box, level with its top, or ending at its bottom near the foot', () => {
		const box = { left: 100, top: 200, right: 120, bottom: 220 };
		expect(placeTooltip(box, size, viewport)).toEqual({ left: 120 + G, top: 200 });
		expect(placeTooltip({ left: 300, top: 760, right: 320, bottom: 780 }, size, viewport)).toEqual({ left: 300 - G - 200, top: 780 - 60 });
	});

	it('never leaves the viewport (every anchor on a coarse grid)', () => {
		for (let x = 0; x <= viewport.width; x += 13) {
			for (let y = 0; y <= viewport.height; y += 29) {
				const at = placeTooltip({ x, y }, size, viewport);
				expect(at.left).toBeGreaterThanOrEqual(M);
				expect(at.top).toBeGreaterThanOrEqual(M);
				expect(at.left + size.width).toBeLessThanOrEqual(viewport.width - M);
				expect(at.top + size.height).toBeLessThanOrEqual(viewport.height - M);
			}
		}
	});
});
