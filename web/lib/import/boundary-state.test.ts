/**
 * The boundary step's choices against the worker's answers (boundary-state.ts), on the shipped
 * London LSOA shapefile read by inspectBoundary as the import worker reads it: a field chosen
 * while an earlier choice is still being read is kept (the walk-through chose the identifier
 * MSOA11CD, then the name MSOA11NM before the first answer came back, and imported 4,835 LSOAs
 * instead of 983 MSOAs), and nothing is imported while a read is pending.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectBoundary, type BoundaryChoice, type BoundaryInspection } from './boundary-file';
import { EMPTY_BOUNDARY, applyBoundaryInspection, boundaryForImport, chooseBoundaryField, type BoundaryState } from './boundary-state';

const LSOA = 'sample-data/boundaries/london-lsoa-2011/london-2011-lsoa-gen20';
const parts = ['shp', 'dbf', 'prj'].map((ext) => ({ name: `london-2011-lsoa-gen20.${ext}`, bytes: new Uint8Array(readFileSync(`${LSOA}.${ext}`)) }));
const files = parts.map((p) => new File([p.bytes], p.name));
const inspect = (request: Partial<BoundaryChoice>) => inspectBoundary(parts, request);

describe('choosing the fields of a boundary file while it is being read', () => {
	it('the identifier chosen, then the name before the first answer: both kept, and the file read as 983 MSOAs', async () => {
		let state: BoundaryState = { ...EMPTY_BOUNDARY, files, reading: true };
		const detected = await inspect({});
		state = applyBoundaryInspection(state, detected, {});
		expect(state.choice).toMatchObject({ idField: 'LSOA11CD', nameField: 'LSOA11NM' });
		expect(detected.ok && detected.areas).toBe(4835);
		expect(boundaryForImport(state)!.choice.idField).toBe('LSOA11CD');

		// The identifier: recorded at once; the file is being read again.
		const first = chooseBoundaryField(state, { idField: 'MSOA11CD' });
		state = first.state;
		expect(state.choice.idField).toBe('MSOA11CD');
		expect(first.request).toEqual({ idField: 'MSOA11CD' });
		// Import pressed now: not with the detected LSOAs of the last answer.
		expect(boundaryForImport(state)).toBeNull();

		// The name, before the first answer: the request carries the identifier chosen, not the detected one.
		const second = chooseBoundaryField(state, { nameField: 'MSOA11NM' });
		state = second.state;
		expect(second.request).toEqual({ idField: 'MSOA11CD', nameField: 'MSOA11NM' });

		// The latest request's answer is the one applied (BoundaryStep drops the earlier one).
		const answer: BoundaryInspection = await inspect(second.request);
		state = applyBoundaryInspection(state, answer, second.request);
		expect(answer).toMatchObject({ ok: true, idField: 'MSOA11CD', nameField: 'MSOA11NM', areas: 983, features: 4835 });
		expect(state.reading).toBe(false);
		expect(boundaryForImport(state)!.choice).toMatchObject({ idField: 'MSOA11CD', nameField: 'MSOA11NM' });
		// The 983 is the file's own count of distinct MSOA codes.
		const distinct = answer.ok ? answer.fields.find((f) => f.field === 'MSOA11CD')!.distinct : 0;
		expect(distinct).toBe(983);
	}, 120_000);

	it('a typed label survives the answers; a chosen coordinate system goes with every later request', () => {
		const { state } = chooseBoundaryField({ ...EMPTY_BOUNDARY, files, choice: { ...EMPTY_BOUNDARY.choice, label: 'Neighbourhoods' } }, { crs: 'EPSG:27700' });
		const next = chooseBoundaryField(state, { idField: 'MSOA11CD' });
		expect(next.request).toEqual({ crs: 'EPSG:27700', idField: 'MSOA11CD' });
		const failed = applyBoundaryInspection(next.state, { ok: false, file: 'x', message: 'm', crsAsked: true }, next.request);
		expect(failed.choice).toMatchObject({ label: 'Neighbourhoods', crs: 'EPSG:27700', idField: 'MSOA11CD' });
		expect(boundaryForImport(failed)).toBeNull();
	});
});
