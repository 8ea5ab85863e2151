/**
 * The hotspots command end to end, in process (runHotspots), on the real City of London street
 * files. The key guarantee: files for months after --train-end cannot change the output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isValidCell } from 'h3-js';
import { createNodeRunner } from './lib/node-runner';
import { HOTSPOT_COLUMNS, parseHotspotsArgs, runHotspots, type HotspotsCliOptions } from './hotspots';
import { DEFAULT_THR_MODEL, readModel } from './thr-model-file';
import { loadInput } from './lib/load-input';
import { scoreMonth } from '../analytics/thr';

const STREET = 'sample-data/police-uk/city-of-london/street';
let dir: string;

/** A folder holding the street files of the given months. */
function monthsFolder(name: string, months: string[]): string {
	const folder = join(dir, name);
	mkdirSync(folder, { recursive: true });
	for (const m of months) copyFileSync(join(STREET, `${m}-city-of-london-street.csv`), join(folder, `${m}-city-of-london-street.csv`));
	return folder;
}

function options(over: Partial<HotspotsCliOptions>): HotspotsCliOptions {
	return {
		inputs: [],
		trainEnd: '2019-03',
		out: join(dir, 'out.csv'),
		method: 'last-period',
		level: 'lsoa',
		dataset: 'incidents',
		kde: { lookbackMonths: 12 },
		model: DEFAULT_THR_MODEL,
		evaluateMonths: 0,
		areaShares: [0.05, 0.2],
		...over
	};
}

const read = (path: string) => readFileSync(path, 'utf8').trim().split('\r\n');

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'hotspots-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseHotspotsArgs', () => {
	it('reads the documented options; h3-8 is the resolution-8 H3 level', () => {
		const o = parseHotspotsArgs(['--input', 'x', '--train-end', '2019-03', '--method', 'kde', '--level', 'h3-8', '--out', 'o.csv']);
		expect(o).toMatchObject({ inputs: ['x'], trainEnd: '2019-03', method: 'kde', level: 'h3_r8', out: 'o.csv', evaluateMonths: 0 });
	});

	it.each([
		[['--train-end', '2019-03', '--out', 'o'], '--input is required'],
		[['--input', 'x', '--train-end', '2019-3', '--out', 'o'], '--train-end must be a month YYYY-MM, got "2019-3"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--method', 'nearest'], '--method must be one of last-period, kde, thr, got "nearest"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--method', 'thr', '--dataset', 'events'], '--method thr scores street records: use --dataset incidents, not "events"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--method', 'thr', '--level', 'area'], '--method thr needs --level lsoa or an H3 level'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--model', 'm.json'], '--model only applies to --method thr'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--level', 'msoa'], '--level must be one of lsoa, h3-7, h3-8, h3-9, area, got "msoa"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--bandwidth', '-5'], '--bandwidth must be a distance in metres > 0, got "-5"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--area-shares', '0,0.1'], '--area-shares must be numbers in (0, 1]']
	])('%j → %s', (argv, message) => expect(() => parseHotspotsArgs(argv)).toThrow(message));
});

describe('runHotspots', () => {
	it('one row per area with a record up to --train-end, ranked by last period counts', async () => {
		const input = monthsFolder('jan-mar', ['2019-01', '2019-02', '2019-03']);
		expect(await runHotspots(options({ inputs: [input] }), () => {})).toBe(0);
		const out = read(join(dir, 'out.csv'));
		expect(out[0]).toBe(HOTSPOT_COLUMNS.join(','));
		// Independent check with DuckDB's own CSV reader: distinct LSOAs and March counts.
		const runner = await createNodeRunner();
		const expected = await runner.rows<{ lsoa: string; n: number }>(
			`SELECT "LSOA code" AS lsoa, count(*) FILTER (WHERE "Month" = '2019-03') AS n FROM read_csv(?, all_varchar = true)
			 WHERE "LSOA code" IS NOT NULL GROUP BY 1 ORDER BY n DESC, lsoa`,
			[`${input}/*.csv`]
		);
		runner.close();
		expect(out.slice(1).map((l) => l.split(','))).toEqual(expected.map((e, i) => [e.lsoa, String(i + 1), String(e.n), 'last-period']));
	});

	it('files for later months do not change the output (lsoa/last-period, h3-8/kde, lsoa/thr and h3-8/thr)', async () => {
		const upTo = monthsFolder('upto', ['2018-01', '2018-06', '2018-12', '2019-01', '2019-02', '2019-03']);
		const more = monthsFolder('more', ['2018-01', '2018-06', '2018-12', '2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-11']);
		for (const [method, level] of [
			['last-period', 'lsoa'],
			['kde', 'h3_r8'],
			['thr', 'lsoa'],
			['thr', 'h3_r8']
		] as const) {
			const a = join(dir, `a-${method}-${level}.csv`);
			const b = join(dir, `b-${method}-${level}.csv`);
			await runHotspots(options({ inputs: [upTo], method, level, out: a }), () => {});
			await runHotspots(options({ inputs: [more], method, level, out: b }), () => {});
			expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
			if (level === 'h3_r8') expect(read(b).slice(1).every((l) => isValidCell(l.split(',')[0]))).toBe(true);
		}
	});

	it('--method thr ranks by the THR score of --train-end from the model file; areas outside its scope score 0', async () => {
		const input = monthsFolder('thr-2019', ['2018-10', '2018-11', '2018-12', '2019-01', '2019-02', '2019-03', '2019-06']);
		const out = join(dir, 'thr.csv');
		const log: string[] = [];
		expect(await runHotspots(options({ inputs: [input], method: 'thr', out }), (l) => log.push(l))).toBe(0);
		expect(log.join('\n')).toMatch(/Prediction for 2019-04 by thr: THR thr 2\.0\.0 scores for 2019-03/);
		const rows = read(out).slice(1).map((l) => l.split(','));
		// Independently: the engine's scores for 2019-03 over the same files.
		const runner = await createNodeRunner();
		const { model, weights } = readModel(DEFAULT_THR_MODEL);
		await loadInput(runner, [input], { datasets: ['incidents'] });
		const result = await scoreMonth(runner, { model, weights, month: '2019-03' });
		const [{ n }] = await runner.rows<{ n: number }>(`SELECT count(DISTINCT lsoa_code) AS n FROM incidents WHERE month <= '2019-03'`);
		runner.close();
		expect(rows).toHaveLength(Number(n));
		const thr = new Map(result.areas.map((a) => [a.areaId, a.score]));
		for (const [area, rank, score, method] of rows) {
			expect(method).toBe('thr');
			expect(Number(score)).toBe(Number((thr.get(area) ?? 0).toPrecision(8)));
			expect(Number(rank)).toBeGreaterThan(0);
		}
		// Hottest first: the top rows are the THR top areas (equal scores by area id).
		const top = result.areas.slice().sort((x, y) => y.score - x.score || (x.areaId < y.areaId ? -1 : 1)).slice(0, 5);
		expect(rows.slice(0, 5).map((r) => r[0])).toEqual(top.map((a) => a.areaId));
	});

	it('--evaluate-months prints hit rate, PAI and PEI* for every method', async () => {
		const log: string[] = [];
		const input = monthsFolder('jan-mar-2', ['2019-01', '2019-02', '2019-03']);
		expect(await runHotspots(options({ inputs: [input], evaluateMonths: 2 }), (l) => log.push(l))).toBe(0);
		const text = log.join('\n');
		expect(text).toMatch(/Evaluation on 2019-02 … 2019-03/);
		expect(text).toMatch(/last-period\s+\d+\.\d% \/ \d+\.\d\d \/ \d\.\d\d/);
		expect(text).toMatch(/kde\s+\d+\.\d% \/ \d+\.\d\d \/ \d\.\d\d/);
		expect(text).toMatch(/thr\s+\d+\.\d% \/ \d+\.\d\d \/ \d\.\d\d/);
	});

	it('no records up to --train-end: exit 1 with the reason', async () => {
		const log: string[] = [];
		const input = monthsFolder('jan', ['2019-01']);
		expect(await runHotspots(options({ inputs: [input], trainEnd: '2018-12' }), (l) => log.push(l))).toBe(1);
		expect(log).toEqual(['error: no incidents records with a lsoa area on or before 2018-12']);
	});
});
