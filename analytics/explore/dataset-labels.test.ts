/**
 * Datasets are labelled by what the source's files are: a file's header says whether it is a
 * force's CAD export (calls for service) or RMS export (recorded crimes) (exportKindOfHeaders),
 * and the labels follow (datasetLabels). Headers are the real ones: police.uk's street download,
 * the Chicago open-data extract in ../shared/data, the Lancashire derived table of the sample, and
 * the CAD and RMS layouts the calls-and-crimes fixture writes (scripts/lib/cad-rms-fixture.ts).
 */
import { describe, expect, it } from 'vitest';
import { exportKindOfHeaders } from '../ingest/sources';
import { DATASET_LABELS, datasetLabels } from './filters';

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
