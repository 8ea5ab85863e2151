/**
 * Time on task per category and the hourly service time from the forecast category mix, worked by
 * hand on a small events table (the hand-worked example is the point here: the shipped samples
 * record no time on task), and on the real City of London stop-and-search records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadInput } from '../../scripts/lib/load-input';
import { EXTRACT_DATASETS } from '../ingest/extract-schema';
import { categoryProfile, minutesByHourOfWeek, resolveTimeOnTask, UNCATEGORISED } from './time-on-task';
import { officersNeededPerHour, type StaffingAssumptions } from './officers';
import defaults from '../../models/staffing/default.json';

const assumptions: StaffingAssumptions = {
	id: 'test',
	version: '1.0.0',
	kind: 'staffing',
	title: 'test',
	source: { basis: 'illustrative', note: 'test' },
	method: 'erlang-c',
	time_on_task_minutes: {
		default: 30,
		default_note: 'test default',
		by_category: [
			{ category: 'Burglary', minutes: 120, note: 'declared burglary' },
			{ category: 'Theft', minutes: 60, note: 'declared theft' }
		],
		from_data: { use: true, min_records: 3, note: 'three recorded times are enough here' }
	},
	category_mix: { weeks: 2, note: 'test' },
	service_target: { within_minutes: 15, share: 0.8 },
	shift: { length_hours: 10, productive_hours: 7 },
	shrinkage: 0.3,
	minimum_on_duty: 0,
	caveats: ['test']
};

/*
 * Events, local time; 2024-01-01 is a Monday (hour of week 0 = Monday 00:00).
 *   Mon 2024-01-08 09:xx (hour 9): Burglary ×1 (time 100), Theft ×3 (times 40, 50, 60)
 *   Mon 2024-01-15 09:xx (hour 9): Theft ×1 (no time)
 *   Tue 2024-01-16 22:xx (hour 24 + 22 = 46): ASB ×2 (times 10, 20), one uncategorised (time 5)
 *   Mon 2023-12-25 09:xx: Burglary ×1 (time 200) — before the 2-week window (mix), but its time counts
 *   Mon 2024-01-22 09:xx: Burglary ×1 (time 1000) — after the end (2024-01-21): never read
 * Window for end 2024-01-21, 2 weeks: local dates 2024-01-08 … 2024-01-21.
 * Mix: hour 9 → Burglary 1, Theft 4; hour 46 → ASB 2, (no category) 1. Totals: Theft 4, ASB 2, Burglary 1, (no category) 1.
 * Recorded times up to the end: Burglary 100 and 200 → 2 times, mean 150 (below min_records 3: declared 120 is used);
 *   Theft 40, 50, 60 → 3 times, mean 50 (≥ 3: the data's 50 is used instead of the declared 60);
 *   ASB 10, 20 → 2 times (not enough, no declared value: default 30); (no category) 5 → 1 time → default 30.
 * Hour 9: (1 × 120 + 4 × 50) / 5 = 320/5 = 64 minutes. Hour 46: (2 × 30 + 1 × 30) / 3 = 30.
 * Other hours: the all-hours mix, (120 + 4 × 50 + 2 × 30 + 30) / 8 = 410/8 = 51.25.
 */
const EVENTS: Array<[string, string | null, number | null]> = [
	['2024-01-08 09:05:00', 'Burglary', 100],
	['2024-01-08 09:10:00', 'Theft', 40],
	['2024-01-08 09:20:00', 'Theft', 50],
	['2024-01-08 09:40:00', 'Theft', 60],
	['2024-01-15 09:15:00', 'Theft', null],
	['2024-01-16 22:01:00', 'ASB', 10],
	['2024-01-16 22:31:00', 'ASB', 20],
	['2024-01-16 22:45:00', null, 5],
	['2023-12-25 09:00:00', 'Burglary', 200],
	['2024-01-22 09:00:00', 'Burglary', 1000]
];

describe('time on task per category (hand-worked)', () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
		const dataset = EXTRACT_DATASETS.find((d) => d.name === 'events')!;
		await runner.exec(`CREATE TABLE events (${dataset.columns.map((c) => `"${c.name}" ${c.type}`).join(', ')})`);
		for (const [at, category, minutes] of EVENTS) {
			await runner.exec(
				`INSERT INTO events (occurred_at, local_date, hour_of_week, category, time_on_task_min)
				 VALUES (CAST(? AS TIMESTAMP), strftime(CAST(? AS TIMESTAMP), '%Y-%m-%d'), (isodow(CAST(? AS TIMESTAMP)) - 1) * 24 + hour(CAST(? AS TIMESTAMP)), ?, ?)`,
				[at, at, at, at, category, minutes]
			);
		}
	});
	afterAll(() => runner.close());

	it('profile: records per category in the window, per hour of week, and recorded times up to the end', async () => {
		const p = await categoryProfile(runner, { table: 'events', end: '2024-01-21', weeks: 2 });
		expect([p.from, p.to]).toEqual(['2024-01-08', '2024-01-21']);
		expect(p.categories).toEqual([
			{ category: 'Theft', records: 4, timedRecords: 3, recordedMeanMinutes: 50 },
			{ category: 'ASB', records: 2, timedRecords: 2, recordedMeanMinutes: 15 },
			{ category: UNCATEGORISED, records: 1, timedRecords: 1, recordedMeanMinutes: 5 },
			{ category: 'Burglary', records: 1, timedRecords: 2, recordedMeanMinutes: 150 }
		]);
		expect(p.byHourOfWeek[9]).toEqual({ Burglary: 1, Theft: 4 });
		expect(p.byHourOfWeek[46]).toEqual({ ASB: 2, [UNCATEGORISED]: 1 });
		expect(p.byHourOfWeek.filter((h) => Object.keys(h).length > 0)).toHaveLength(2);
	});

	it('profile without some categories: the rest kept, records with no category among them', async () => {
		const p = await categoryProfile(runner, { table: 'events', end: '2024-01-21', weeks: 2, excludeCategories: ['Theft', 'ASB'] });
		expect(p.categories).toEqual([
			{ category: UNCATEGORISED, records: 1, timedRecords: 1, recordedMeanMinutes: 5 },
			{ category: 'Burglary', records: 1, timedRecords: 2, recordedMeanMinutes: 150 }
		]);
		expect(p.byHourOfWeek[9]).toEqual({ Burglary: 1 });
		expect(p.byHourOfWeek[46]).toEqual({ [UNCATEGORISED]: 1 });
		// An empty list leaves nothing out.
		expect(await categoryProfile(runner, { table: 'events', end: '2024-01-21', weeks: 2, excludeCategories: [] })).toEqual(await categoryProfile(runner, { table: 'events', end: '2024-01-21', weeks: 2 }));
	});

	it('minutes per category: edits, then the data where enough, then declared, then default — each with its reason', async () => {
		const p = await categoryProfile(runner, { table: 'events', end: '2024-01-21', weeks: 2 });
		const times = resolveTimeOnTask(assumptions, p);
		expect(times.map((t) => [t.category, t.share, t.minutes, t.source, t.reason])).toEqual([
			['Theft', 0.5, 50, 'data', 'mean of 3 recorded times in the data'],
			['ASB', 0.25, 30, 'default', 'test default'],
			[UNCATEGORISED, 0.125, 30, 'default', 'test default'],
			['Burglary', 0.125, 120, 'declared', 'declared burglary']
		]);
		const edited = resolveTimeOnTask(assumptions, p, { ASB: 25 });
		expect(edited[1]).toMatchObject({ category: 'ASB', minutes: 25, source: 'edited' });
		expect(() => resolveTimeOnTask(assumptions, p, { ASB: 0 })).toThrow('time on task for "ASB" must be a number of minutes > 0, got 0');
		const noData = resolveTimeOnTask({ ...assumptions, time_on_task_minutes: { ...assumptions.time_on_task_minutes, from_data: { use: false, min_records: 3, note: 'off' } } }, p);
		expect(noData[0]).toMatchObject({ category: 'Theft', minutes: 60, source: 'declared' });
	});

	it('service time per hour of week from the mix, and the officers it needs (Erlang C)', async () => {
		const p = await categoryProfile(runner, { table: 'events', end: '2024-01-21', weeks: 2 });
		const perHour = minutesByHourOfWeek(p, resolveTimeOnTask(assumptions, p), assumptions.time_on_task_minutes.default);
		expect(perHour).toHaveLength(168);
		expect([perHour[9], perHour[46], perHour[0], perHour[167]]).toEqual([64, 30, 51.25, 51.25]);
		// 1.5 incidents in hour 9 at 64 minutes = 1.6 erlangs, against 1.5 at 30 minutes = 0.75 erlangs.
		const plan = officersNeededPerHour({ timestamps: ['h9', 'h46'], arrivals: [1.5, 1.5] }, assumptions, { minutesByHour: [perHour[9], perHour[46]] });
		expect(plan.hours.map((h) => h.load)).toEqual([1.6, 0.75]);
		expect(plan.hours[0].available).toBeGreaterThan(plan.hours[1].available);
	});
});

describe('category profile of the real stop-and-search records', () => {
	let runner: NodeRunner;
	beforeAll(async () => {
		runner = await createNodeRunner();
		await loadInput(runner, ['sample-data/police-uk/city-of-london/stop-and-search'], { datasets: ['stop_search'] });
	});
	afterAll(() => runner.close());

	it('objects of search in the last 12 weeks, no recorded times; the shipped defaults give each a declared value or the default', async () => {
		const [{ last }] = await runner.rows<{ last: string }>('SELECT max(local_date) AS last FROM stop_search');
		const p = await categoryProfile(runner, { table: 'stop_search', end: String(last), weeks: 12 });
		const [{ n }] = await runner.rows<{ n: number }>('SELECT count(*) AS n FROM stop_search WHERE local_date >= ? AND local_date <= ?', [p.from, String(last)]);
		expect(p.categories.reduce((s, c) => s + c.records, 0)).toBe(Number(n));
		expect(p.byHourOfWeek.reduce((s, h) => s + Object.values(h).reduce((a, b) => a + b, 0), 0)).toBe(Number(n));
		expect(p.categories.every((c) => c.timedRecords === 0)).toBe(true);
		const times = resolveTimeOnTask(defaults as StaffingAssumptions, p);
		expect(times.find((t) => t.category === 'Controlled drugs')).toMatchObject({ minutes: 45, source: 'declared' });
		expect(times.every((t) => t.source === 'declared' || t.source === 'default')).toBe(true);
		expect(times.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 12);
	});
});
