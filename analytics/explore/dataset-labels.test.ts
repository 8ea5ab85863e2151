/**
 * Datasets are labelled by what the source's files are: a file's header says whether it is a
 * force's CAD export (calls for service) or RMS export (recorded crimes) (exportKindOfHeaders),
 * and the labels follow (datasetLabels). Headers are the real ones: police.uk's street download,
 * the Chicago open-data extract in ../shared/data, the Lancashire derived table of the sample, and
 * the CAD and RMS layouts the calls-and-crimes fixture writes (scripts/lib/cad-rms-fixture.ts).
 */
import { describe, expect, it } from 'vitest';
import { exportKindOfHeaders } from '../ingest/sources';
import { DATASET_LABELS, datasetLabels, streetHeldOf, type LabelledSource } from './filters';
import { exploreDatasets } from './datasets';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadSampleSource } from '../../scripts/lib/sample';
import { sampleRunner } from '../thr/fixtures.test-setup';

const POLICE_UK_STREET = ['Crime ID', 'Month', 'Reported by', 'Falls within', 'Longitude', 'Latitude', 'Location', 'LSOA code', 'LSOA name', 'Crime type', 'Last outcome category', 'Context'];
const CHICAGO = ['date', 'loc_cat', 'longitude', 'latitude', 'district'];
const LANCASHIRE = ['month', 'longitude', 'latitude', 'location', 'lsoa_code'];
const CAD = ['Incident Number', 'Created', 'Call Type', 'Grade', 'X Coord', 'Y Coord'];
const RMS = ['Crime Reference', 'Committed', 'Offence', 'Lon', 'Lat', 'Location', 'LSOA'];

describe('exportKindOfHeaders', () => {
	it.each([
		// police.uk's "Crime ID" reads as a crime's reference; its files are recognised as police.uk first, and only generic files are asked.
		['police.uk street', POLICE_UK_STREET, 'rms'],
		['Chicago open data', CHICAGO, null],
		['Lancashire derived table', LANCASHIRE, null],
		['CAD export (call type, grade)', CAD, 'cad'],
		['RMS export (crime reference, committed)', RMS, 'rms'],
		['HO code alone', ['Ref', 'Reported', 'HOC'], 'rms'],
		['a call type wins over a crime-like header', ['Crime Reference', 'Call Type', 'When'], 'cad']
	])('%s', (_, headers, expected) => {
		expect(exportKindOfHeaders(headers)).toBe(expected);
	});
});

describe('datasetLabels', () => {
	const street = { kind: 'street', accepted: 10 };
	const stop = { kind: 'stop-search', accepted: 5 };
	const rms = { kind: 'month-incidents', export: 'rms' as const, accepted: 7 };
	const cad = { kind: 'events', export: 'cad' as const, accepted: 3 };
	const feed = { kind: 'events', accepted: 4 };
	it.each([
		['no sources (an older extract)', undefined, DATASET_LABELS],
		['police.uk downloads', [street, stop], DATASET_LABELS],
		['an open-data feed of timestamped records', [feed], DATASET_LABELS],
		['CAD and RMS exports', [cad, rms], { incidents: 'Recorded crimes (RMS export)', stop_search: 'Stop and search', events: 'Calls for service (CAD export)' }],
		[
			'an RMS export beside police.uk street files, a CAD export beside a feed',
			[street, rms, cad, feed],
			{ incidents: 'Street crime and ASB, and recorded crimes (RMS export)', stop_search: 'Stop and search', events: 'Calls for service (CAD export) and timestamped incidents' }
		],
		['a street file that gave no records does not count', [{ ...street, accepted: 0 }, rms], { ...DATASET_LABELS, incidents: 'Recorded crimes (RMS export)' }]
	])('%s', (_, sources, expected) => {
		expect(datasetLabels(sources)).toEqual(expected);
	});
});

/**
 * The street records' label follows what they hold, read from their categories with counts (the
 * datasets' summary, no query of its own: streetHeldOf). Real rows: Lancashire's sample is
 * anti-social behaviour only (56,434 records, 2022); the City's holds both; the City's without
 * its anti-social behaviour rows holds crimes only.
 */
describe('datasetLabels by what the street records hold', () => {
	const labelOf = async (runner: NodeRunner, sources: readonly LabelledSource[]) => {
		const [incidents] = (await exploreDatasets(runner)).filter((d) => d.dataset === 'incidents');
		return { records: incidents.records, held: streetHeldOf(incidents.categories), label: datasetLabels(sources, streetHeldOf(incidents.categories)).incidents };
	};

	it('Lancashire: anti-social behaviour only is "Anti-social behaviour"', async () => {
		const runner = await createNodeRunner();
		const done = await loadSampleSource(runner, 'lancashire-asb');
		try {
			const [raw] = await runner.rows<{ n: number; asb: number }>(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE category = 'Anti-social behaviour')::INTEGER AS asb FROM incidents`);
			expect(raw).toEqual({ n: 56_434, asb: 56_434 });
			expect(await labelOf(runner, [{ kind: 'month-incidents', accepted: 56_434 }])).toEqual({ records: 56_434, held: { crimes: 0, antiSocialBehaviour: 56_434 }, label: 'Anti-social behaviour' });
		} finally {
			runner.close();
			done();
		}
	}, 300_000);

	it('the City: crimes and anti-social behaviour are "Street crime and ASB"; without its ASB rows, "Street crime"', async () => {
		const runner = await sampleRunner();
		try {
			const [raw] = await runner.rows<{ n: number; asb: number }>(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE category = 'Anti-social behaviour')::INTEGER AS asb FROM incidents`);
			const both = await labelOf(runner, [{ kind: 'street', accepted: raw.n }]);
			expect(both).toEqual({ records: raw.n, held: { crimes: raw.n - raw.asb, antiSocialBehaviour: raw.asb }, label: 'Street crime and ASB' });
			expect(raw.asb).toBeGreaterThan(0);
			// The records and their pre-aggregates without anti-social behaviour.
			await runner.exec(`DELETE FROM incidents WHERE category = 'Anti-social behaviour'`);
			await runner.exec(`DELETE FROM explore_points WHERE dataset = 'incidents' AND category = 'Anti-social behaviour'`);
			const crimes = await labelOf(runner, [{ kind: 'street', accepted: raw.n - raw.asb }]);
			expect(crimes).toEqual({ records: raw.n - raw.asb, held: { crimes: raw.n - raw.asb, antiSocialBehaviour: 0 }, label: 'Street crime' });
			// An RMS export keeps its own label whatever its categories.
			expect(datasetLabels([{ kind: 'month-incidents', export: 'rms' }], crimes.held).incidents).toBe('Recorded crimes (RMS export)');
		} finally {
			runner.close();
		}
	}, 300_000);

	it('nothing known (no categories given) keeps "Street crime and ASB"', () => {
		expect(streetHeldOf([])).toBeNull();
		expect(datasetLabels([{ kind: 'street' }], null).incidents).toBe('Street crime and ASB');
	});
});
