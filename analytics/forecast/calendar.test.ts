/**
 * The holiday calendar a timestamped series is forecast with (chooseHolidayCalendar): the
 * Chicago sample's first records (longitudes as published, about −87.6°) choose US federal
 * holidays; the City of London's stop and search, and events without coordinates, the bank
 * holidays of England and Wales.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { chooseHolidayCalendar } from './calendar';

let runner: NodeRunner;

beforeAll(async () => {
	runner = await createNodeRunner();
});

afterAll(async () => {
	await runner.close();
});

describe('chooseHolidayCalendar', () => {
	it('US federal holidays for records in the Americas (the first Chicago sample rows)', async () => {
		// sample-data/chicago/chicago_aggravated_assaults_2010-2017.csv.gz, lines 2–3.
		await runner.exec(`CREATE OR REPLACE TABLE events AS SELECT * FROM (VALUES (-87.6277, 41.7922), (-87.6683, 41.7513)) t(longitude, latitude)`);
		const chosen = await chooseHolidayCalendar(runner, 'events');
		expect(chosen.key).toBe('US');
		// median of −87.6277 and −87.6683 = −87.648
		expect(chosen.why).toBe('records in the Americas (median longitude -87.6)');
	});

	it('England and Wales for records in the UK, for events without coordinates, and for stop and search', async () => {
		await runner.exec(`CREATE OR REPLACE TABLE events AS SELECT * FROM (VALUES (-0.0921, 51.5155)) t(longitude, latitude)`);
		expect(await chooseHolidayCalendar(runner, 'events')).toEqual({ key: 'GB-EAW', why: 'median longitude -0.1' });
		await runner.exec(`CREATE OR REPLACE TABLE events AS SELECT CAST(NULL AS DOUBLE) AS longitude`);
		expect(await chooseHolidayCalendar(runner, 'events')).toEqual({ key: 'GB-EAW', why: 'no coordinates; the UK default' });
		await runner.exec(`CREATE OR REPLACE TABLE events AS SELECT 1 AS id`);
		expect((await chooseHolidayCalendar(runner, 'events')).key).toBe('GB-EAW');
		expect(await chooseHolidayCalendar(runner, 'stop_search')).toEqual({ key: 'GB-EAW', why: 'police.uk / UK data' });
	});
});
