import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { withSource } from './source-url';
import { describeHoldings, unmetRequirement } from './requirements';
import type { ExtractManifest } from '$analytics/ingest/extract-schema';

describe('withSource', () => {
	it.each([
		['/', 'lancashire-asb', '/?source=lancashire-asb'],
		['/data', null, '/data'],
		['/area?id=E01000001&month=2019-06', 'city-of-london', '/area?id=E01000001&month=2019-06&source=city-of-london'],
		['/data?source=old#quarantine', 'chicago-assaults', '/data?source=chicago-assaults#quarantine'],
		['/x', 'local:a b', '/x?source=local%3Aa+b']
	])('%s with %s → %s', (href, source, expected) => {
		expect(withSource(href, source)).toBe(expected);
	});
});

/** A manifest with these row counts per dataset (the rest of it is not read). */
function manifest(rows: Record<string, number>): ExtractManifest {
	return { datasets: Object.entries(rows).map(([name, n]) => ({ name, rows: n })) } as unknown as ExtractManifest;
}

describe('page requirements', () => {
	const chicago = manifest({ incidents: 0, stop_search: 0, events: 117_875, districts: 23 });
	const lancashire = manifest({ incidents: 56_434, stop_search: 0, events: 0, districts: 14 });

	it('Overview and the THR pages need month-resolution incidents; Forecast needs incidents of either kind; Stop and search its records', () => {
		expect(unmetRequirement('/', chicago)?.page).toBe('Overview');
		expect(unmetRequirement('/priorities', chicago)?.page).toBe('Threat, harm and risk scoring');
		expect(unmetRequirement('/model/', chicago)?.page).toBe('Threat, harm and risk scoring');
		expect(unmetRequirement('/forecast', chicago)).toBeNull();
		expect(unmetRequirement('/', lancashire)).toBeNull();
		// Month-resolution incidents only: the Forecast page shows the monthly forecast by area.
		expect(unmetRequirement('/forecast', lancashire)).toBeNull();
		expect(unmetRequirement('/forecast', manifest({ districts: 14 }))?.page).toBe('Forecast');
		expect(unmetRequirement('/stop-search', lancashire)?.page).toBe('Stop and search');
		expect(unmetRequirement('/data', manifest({}))).toBeNull();
		expect(unmetRequirement('/base/stop-search', lancashire, '/base')?.page).toBe('Stop and search');
	});

	it('says what a source holds', () => {
		expect(describeHoldings(chicago)).toBe('117,875 timestamped incidents, 23 districts');
		expect(describeHoldings(manifest({}))).toBe('no records');
	});

	it('the built City of London sample meets every requirement, when built', () => {
		let m: ExtractManifest;
		try {
			m = JSON.parse(readFileSync('extracts/sample/city-of-london/manifest.json', 'utf8'));
		} catch {
			return; // not built: the browser tests cover it
		}
		for (const path of ['/', '/priorities', '/area', '/compare', '/model', '/forecast', '/accuracy']) expect(unmetRequirement(path, m), path).toBeNull();
	});
});
