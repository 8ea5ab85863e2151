import { describe, expect, it } from 'vitest';
import { centreLatitude, distanceLabel, latitudeOfMercatorY, metresPerPixel, scaleBar } from './scale-bar';
import { fitView, mercator, toPixel } from '../explore/map/snapshot';

describe('metresPerPixel (Web Mercator, 512-px tiles)', () => {
	// Worked by hand: the equator's length 2π × 6,378,137 m = 40,075,016.686 m over 512 px.
	it.each([
		{ lat: 0, zoom: 0, want: 78_271.517 },
		// cos 60° = 0.5, and one zoom level halves it again.
		{ lat: 60, zoom: 1, want: 19_567.879 },
		// 78,271.517 / 16,384 × cos 51.515° (0.622310) = 2.972965 m.
		{ lat: 51.515, zoom: 14, want: 2.972965 }
	])('latitude $lat, zoom $zoom: $want m', ({ lat, zoom, want }) => {
		expect(metresPerPixel(lat, zoom)).toBeCloseTo(want, 3);
	});

	it('refuses a latitude at or beyond a pole', () => {
		expect(() => metresPerPixel(90, 3)).toThrow(RangeError);
		expect(() => metresPerPixel(Number.NaN, 3)).toThrow(RangeError);
	});
});

describe('scaleBar', () => {
	it('the City of London at zoom 14: at most 140 px holds 416 m, so the bar is 200 m over 67.3 px', () => {
		const bar = scaleBar(51.515, 14, 140)!;
		expect(bar.metres).toBe(200);
		expect(bar.label).toBe('200 m');
		expect(bar.pixels).toBeCloseTo(200 / 2.972965, 2);
	});

	it('Lancashire at zoom 10: 140 px hold 6.66 km, so the bar is 5 km', () => {
		// 78,271.517 / 1,024 × cos 51.5° (0.622515) = 47.584 m per pixel.
		const bar = scaleBar(51.5, 10, 140)!;
		expect(bar.metres).toBe(5000);
		expect(bar.label).toBe('5 km');
		expect(bar.pixels).toBeCloseTo(5000 / 47.584, 1);
	});

	it('picks 1, 2 or 5 × 10ⁿ, never longer than allowed', () => {
		for (const zoom of [8, 9.3, 11.7, 13, 15.2]) {
			const bar = scaleBar(53.8, zoom, 120)!;
			expect(bar.pixels).toBeLessThanOrEqual(120);
			expect(bar.pixels).toBeGreaterThan(120 / 5 - 1e-9); // the next round length up would not fit
			const lead = bar.metres / 10 ** Math.floor(Math.log10(bar.metres));
			expect([1, 2, 5]).toContain(Math.round(lead * 1e9) / 1e9);
		}
	});

	it('no bar when not even a metre fits', () => {
		expect(scaleBar(51.5, 22, 5)).toBeNull();
		expect(scaleBar(51.5, 14, 0)).toBeNull();
	});

	it('agrees with the projection the map is drawn in and with the ground distance on the WGS84 ellipsoid (within 0.3%)', () => {
		// The City of London's bounds, drawn as the briefing draws them (680 × 440 px).
		const view = fitView([-0.1145, 51.5065, -0.0725, 51.5235], 680, 440)!;
		const lat = 51.515;
		const bar = scaleBar(lat, view.zoom, 140)!;
		// Two points on the parallel 0.01° of longitude apart, placed by the map's own projection.
		const [x0] = toPixel(view, [-0.1, lat]);
		const [x1] = toPixel(view, [-0.09, lat]);
		// Their distance on the ellipsoid: N(φ) cos φ Δλ, N = a / √(1 − e² sin² φ).
		const a = 6_378_137;
		const e2 = 0.00669437999014;
		const phi = (lat * Math.PI) / 180;
		const ground = (a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2)) * Math.cos(phi) * ((0.01 * Math.PI) / 180);
		const metresPerPixelOnMap = ground / (x1 - x0);
		const barMetresOnGround = bar.pixels * metresPerPixelOnMap;
		expect(Math.abs(barMetresOnGround / bar.metres - 1)).toBeLessThan(0.003);
	});
});

describe('distanceLabel', () => {
	it.each([
		[50, '50 m'],
		[500, '500 m'],
		[1000, '1 km'],
		[2000, '2 km'],
		[20_000, '20 km']
	])('%d m → %s', (m, want) => expect(distanceLabel(m)).toBe(want));
});

describe('centre latitude of a Web Mercator view', () => {
	it('inverts the projection', () => {
		for (const lat of [-60, 0, 51.515, 53.8]) expect(latitudeOfMercatorY(mercator(0, lat)[1])).toBeCloseTo(lat, 9);
	});
	it('is the Mercator middle, a little north of the mean latitude', () => {
		expect(centreLatitude(-10, 10)).toBeCloseTo(0, 9);
		// 50°–60° N: y(50) = 0.339145, y(60) = 0.290400 (y = (180 − ln tan(45° + φ/2)·180/π)/360, worked in Python);
		// middle 0.314772 → atan(sinh(π(1 − 2y))) = 55.314° N.
		expect(centreLatitude(50, 60)).toBeCloseTo(55.314, 3);
		expect(centreLatitude(50, 60)).toBeGreaterThan(55);
	});
});
