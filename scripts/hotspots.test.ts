/**
 * The hotspots command end to end, in process (runHotspots), on the real City of London street
 * files (as CSVs and as an extract folder). The key guarantee: files for months after
 * --train-end cannot change the output. The study region is the force area the builder derives
 * (City of London Police → local authority E09000001 → its 6 LSOAs).
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
import { buildExtracts } from './lib/extracts';
import { scoreMonth } from '../analytics/thr';
import type { HarmAccuracy } from '../analytics/hotspots';
import { monthIndex } from '../analytics/shared/months';

const STREET = 'sample-data/police-uk/city-of-london/street';
const IMD_FILE_1 = 'sample-data/context/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz';
const CITY_LSOAS = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01032739', 'E01032740'];
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
		models: [DEFAULT_THR_MODEL],
		evaluateMonths: 0,
		measure: 'count',
		areaShares: [0.05, 0.2],
		evaluationOut: null,
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
		expect(o).toMatchObject({ inputs: ['x'], trainEnd: '2019-03', method: 'kde', level: 'h3_r8', out: 'o.csv', evaluateMonths: 0, measure: 'count' });
	});

	it('the harm evaluation needs no --train-end or --out; --model takes several files, the published one first by default', () => {
		const o = parseHotspotsArgs(['--input', 'x', '--method', 'thr', '--measure', 'harm', '--evaluate-months', '12']);
		expect(o).toMatchObject({ trainEnd: null, out: null, measure: 'harm', evaluateMonths: 12, evaluationOut: null });
		expect((o as HotspotsCliOptions).models[0]).toBe(DEFAULT_THR_MODEL);
		const two = parseHotspotsArgs(['--input', 'x', '--measure', 'harm', '--evaluate-months', '2', '--model', 'a.json', 'b.json', '--evaluation-out', 'e.json']);
		expect(two).toMatchObject({ models: ['a.json', 'b.json'], evaluationOut: 'e.json' });
	});

	it.each([
		[['--train-end', '2019-03', '--out', 'o'], '--input is required'],
		[['--input', 'x', '--train-end', '2019-3', '--out', 'o'], '--train-end must be a month YYYY-MM, got "2019-3"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--method', 'nearest'], '--method must be one of last-period, kde, last-harm, harm-12, thr, got "nearest"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--method', 'thr', '--dataset', 'events'], '--method thr scores street records: use --dataset incidents, not "events"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--method', 'thr', '--level', 'area'], '--method thr needs --level lsoa or an H3 level'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--model', 'm.json'], '--model only applies to --method thr'],
		[['--input', 'x', '--measure', 'harm'], '--measure harm applies to the evaluation: give --evaluate-months <n>'],
		[['--input', 'x', '--measure', 'harm', '--evaluate-months', '3', '--dataset', 'events'], '--measure harm scores street records: use --dataset incidents, not "events"'],
		[['--input', 'x', '--measure', 'harm', '--evaluate-months', '3', '--level', 'area'], '--measure harm needs --level lsoa or an H3 level'],
		[['--input', 'x', '--measure', 'records', '--evaluate-months', '3'], '--measure must be one of count, harm, got "records"'],
		[['--input', 'x', '--evaluate-months', '3', '--evaluation-out', 'e.txt'], '--evaluation-out must end in .csv or .json, got "e.txt"'],
		[['--input', 'x', '--evaluation-out', 'e.csv'], '--evaluation-out needs --evaluate-months <n>'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--level', 'msoa'], '--level must be one of lsoa, h3-7, h3-8, h3-9, area, got "msoa"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--bandwidth', '-5'], '--bandwidth must be a distance in metres > 0, got "-5"'],
		[['--input', 'x', '--train-end', '2019-03', '--out', 'o', '--area-shares', '0,0.1'], '--area-shares must be numbers in (0, 1]']
	])('%j → %s', (argv, message) => expect(() => parseHotspotsArgs(argv)).toThrow(message));
});

describe('runHotspots', () => {
	it('one row per force-area LSOA (with or without records), ranked by last period counts, none from outside', async () => {
		const input = monthsFolder('jan-mar', ['2019-01', '2019-02', '2019-03']);
		const log: string[] = [];
		expect(await runHotspots(options({ inputs: [input] }), (l) => log.push(l))).toBe(0);
		expect(log[0]).toMatch(/^Region: the force area \(City of London\), 6 lsoa areas \(force area;/);
		const out = read(join(dir, 'out.csv'));
		expect(out[0]).toBe(HOTSPOT_COLUMNS.join(','));
		// Independently, with DuckDB's own CSV readers: the City's LSOAs from IMD 2019 File_1
		// (local authority E09000001) and their March records in the raw street files.
		const runner = await createNodeRunner();
		const expected = await runner.rows<{ lsoa: string; n: number }>(
			`SELECT f.lsoa, count(s."LSOA code") AS n
			 FROM (SELECT "LSOA code (2011)" AS lsoa FROM read_csv(?, header = true, all_varchar = true) WHERE "Local Authority District code (2019)" = 'E09000001') f
			 LEFT JOIN (SELECT * FROM read_csv(?, all_varchar = true) WHERE "Month" = '2019-03') s ON s."LSOA code" = f.lsoa
			 GROUP BY 1 ORDER BY n DESC, lsoa`,
			[IMD_FILE_1, `${input}/*.csv`]
		);
		runner.close();
		expect(expected).toHaveLength(6);
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
	}, 300_000);

	it('--method thr ranks by the THR score of --train-end from the model file; areas outside its scope score 0', async () => {
		const input = monthsFolder('thr-2019', ['2018-10', '2018-11', '2018-12', '2019-01', '2019-02', '2019-03', '2019-06']);
		const out = join(dir, 'thr.csv');
		const log: string[] = [];
		expect(await runHotspots(options({ inputs: [input], method: 'thr', out }), (l) => log.push(l))).toBe(0);
		const published = readModel(DEFAULT_THR_MODEL).model;
		expect(log.join('\n')).toContain(`Prediction for 2019-04 by thr: THR ${published.id} ${published.version} scores for 2019-03`);
		const rows = read(out).slice(1).map((l) => l.split(','));
		// Independently: the engine's scores for 2019-03 over the same files.
		const runner = await createNodeRunner();
		const { model, weights } = readModel(DEFAULT_THR_MODEL);
		await loadInput(runner, [input], { datasets: ['incidents'] });
		const result = await scoreMonth(runner, { model, weights, month: '2019-03' });
		runner.close();
		// The force area's 6 LSOAs (City of London, E09000001), whatever THR's scope.
		expect(rows.map((r) => r[0]).sort()).toEqual(CITY_LSOAS);
		const thr = new Map(result.areas.map((a) => [a.areaId, a.score]));
		for (const [area, rank, score, method] of rows) {
			expect(method).toBe('thr');
			expect(Number(score)).toBe(Number((thr.get(area) ?? 0).toPrecision(8)));
			expect(Number(rank)).toBeGreaterThan(0);
		}
		// Hottest first: the rows in THR score order (equal scores by area id).
		const ordered = CITY_LSOAS.map((id) => ({ id, score: thr.get(id) ?? 0 })).sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
		expect(rows.map((r) => r[0])).toEqual(ordered.map((a) => a.id));
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

	it('--measure harm prints the harm share and harm-PAI of every model and baseline, and verdicts that agree with the figures (extract folder)', async () => {
		const input = monthsFolder('harm-2019', ['2018-11', '2018-12', '2019-01', '2019-02', '2019-03', '2019-04']);
		const extract = join(dir, 'harm-extract');
		await buildExtracts({ inputs: [input], out: extract, areas: null });
		const log: string[] = [];
		const json = join(dir, 'harm.json');
		const csv = join(dir, 'harm.csv');
		const models = ['models/thr/thr-v2.json', 'models/thr/thr-v1.json'];
		const o = options({ inputs: [extract], trainEnd: null, out: null, method: 'thr', measure: 'harm', evaluateMonths: 3, models, areaShares: [0.1, 0.5], evaluationOut: json });
		expect(await runHotspots(o, (l) => log.push(l))).toBe(0);
		expect(await runHotspots({ ...o, evaluationOut: csv }, () => {})).toBe(0);
		const text = log.join('\n');
		const acc = JSON.parse(readFileSync(json, 'utf8')) as HarmAccuracy;
		expect(acc.testMonths).toEqual(['2019-02', '2019-03', '2019-04']);
		expect(acc.region).toMatchObject({ areas: 6, forceArea: 'City of London' });
		expect(acc.evaluations.map((e) => e.method)).toEqual(['thr-v2', 'thr-v1', 'last-harm', 'harm-12', 'last-period', 'kde']);
		expect(text).toMatch(/^Harm accuracy over the force area \(City of London, 6 lsoa areas\)\. Street records outside it, never counted: [\d,]+; inside: [\d,]+; without a location: [\d,]+\.$/m);
		expect(text).toContain('3 rolling origins: each month from 2019-02 to 2019-04 ranked from the months before it only.');
		// Each method's row shows its mean harm share and harm-PAI at each share, as in the JSON.
		for (const e of acc.evaluations) {
			const cells = e.mean.map((m) => `${(100 * m.hitRate!).toFixed(1)}% / ${m.pai!.toFixed(2)}`);
			expect(text).toMatch(new RegExp(`^  ${e.label.replace(/[()]/g, '\\$&')} \\(${e.method}\\)\\s+${cells.map((c) => c.replace('.', '\\.')).join('\\s+')}\\s*$`, 'm'));
			for (const m of e.mean) expect(m.pai!).toBeCloseTo(m.hitRate! / m.areaShare, 12);
		}
		// The verdict at each share names exactly the baselines whose mean share is ≥ thr-v2's.
		const [v2] = acc.evaluations;
		acc.verdicts.forEach((v, s) => {
			const notBeaten = acc.evaluations.filter((e) => e.baseline && e.mean[s].hitRate! >= v2.mean[s].hitRate!).map((e) => e.method);
			expect(v.notBeaten).toEqual(notBeaten);
			expect(text).toContain(v.sentence);
			expect(v.sentence.includes('does not beat')).toBe(notBeaten.length > 0);
		});
		expect(text).toContain(acc.statement);
		// Per origin: one CSV row per method, month and share; the means are their averages.
		const rows = read(csv).slice(1).map((l) => l.split(','));
		expect(rows).toHaveLength(6 * 3 * 2);
		const v2At10 = rows.filter((r) => r[0] === 'thr-v2' && r[3] === '0.1').map((r) => Number(r[6]));
		expect(v2At10.reduce((a, b) => a + b, 0) / 3).toBeCloseTo(v2.mean[0].hitRate!, 9);
	});

	it('--measure harm on CSVs: the same figures as on the extract built from them', async () => {
		const input = monthsFolder('harm-2019', []);
		const json = join(dir, 'harm-csv.json');
		const o = options({ inputs: [input], trainEnd: null, out: null, measure: 'harm', evaluateMonths: 3, models: ['models/thr/thr-v2.json', 'models/thr/thr-v1.json'], areaShares: [0.1, 0.5], evaluationOut: json });
		expect(await runHotspots(o, () => {})).toBe(0);
		const fromCsv = JSON.parse(readFileSync(json, 'utf8')) as HarmAccuracy;
		const fromExtract = JSON.parse(readFileSync(join(dir, 'harm.json'), 'utf8')) as HarmAccuracy;
		expect(fromCsv.evaluations).toEqual(fromExtract.evaluations);
	});

	it('no records up to --train-end: exit 1 with the reason', async () => {
		const log: string[] = [];
		const input = monthsFolder('jan', ['2019-01']);
		expect(await runHotspots(options({ inputs: [input], trainEnd: '2018-12' }), (l) => log.push(l))).toBe(1);
		expect(log).toEqual(['error: no incidents records with a lsoa area on or before 2018-12']);
	});
});

describe('windowed forecast (--window / --budget)', () => {
	it('parses the window, budget, origins and h3-10; refuses options of the monthly ranking and bad windows', () => {
		const o = parseHotspotsArgs(['--input', 'x', '--window', '14d', '--budget', '2km2', '--level', 'h3-10', '--origins', '4', '--tune-origins', '2']);
		expect((o as HotspotsCliOptions).windowed).toEqual({ window: { unit: 'day', length: 14 }, budget: { km2: 2 }, level: 'h3_r10', origins: 4, tuneOrigins: 2 });
		expect((parseHotspotsArgs(['--input', 'x', '--budget', '10%']) as HotspotsCliOptions).windowed).toMatchObject({ window: { unit: 'month', length: 1 }, budget: { share: 0.1 }, level: 'lsoa', origins: 12, tuneOrigins: 6 });
		expect(() => parseHotspotsArgs(['--input', 'x', '--window', '1m', '--method', 'kde'])).toThrow('--method does not apply to the windowed forecast');
		expect(() => parseHotspotsArgs(['--input', 'x', '--window', '5d'])).toThrow(/7, 14 or 28/);
		expect(() => parseHotspotsArgs(['--input', 'x', '--window', '1m', '--level', 'h3-11'])).toThrow(/--level must be one of/);
	});

	it('prints the evaluation at the budget for every method and baseline, writes the eb-blend ranking; later files change nothing', async () => {
		const upTo = monthsFolder('w-upto', ['2018-09', '2018-10', '2018-11', '2018-12', '2019-01', '2019-02', '2019-03']);
		const more = monthsFolder('w-more', ['2018-09', '2018-10', '2018-11', '2018-12', '2019-01', '2019-02', '2019-03', '2019-04', '2019-05']);
		const windowed = { window: { unit: 'month' as const, length: 1 }, budget: { share: 0.1 }, level: 'h3_r9' as const, origins: 2, tuneOrigins: 2 };
		const log: string[] = [];
		const a = join(dir, 'w-a.csv');
		expect(await runHotspots(options({ inputs: [upTo], out: a, windowed }), (l) => log.push(l))).toBe(0);
		const text = log.join('\n');
		expect(text).toMatch(/Evaluation: 2 rolling windows starting 2019-02 … 2019-03/);
		for (const m of ['eb-blend', 'last-period', 'last-year', 'kde']) expect(text).toMatch(new RegExp(`^  ${m} +\\d+\\.\\d%`, 'm'));
		expect(text).toMatch(/eb-blend PAI vs last-year: [+-]\d/);
		expect(read(a)[0]).toBe('area_id,rank,score,method');
		expect(read(a).slice(1).every((l) => isValidCell(l.split(',')[0]) && l.endsWith(',eb-blend'))).toBe(true);
		// The command forecasts the window after the data's end (2019-04 here); with two later
		// months in the input, eb-blend's ranking for 2019-04 (through the API, end 2019-04) is
		// the same file: the later months are not read.
		const runner = await createNodeRunner();
		try {
			await loadInput(runner, [more]);
			const { hotspotForecast } = await import('../analytics/hotspots');
			const f = await hotspotForecast(runner, { level: 'h3_r9', window: windowed.window, budget: windowed.budget, origins: 2, tuneOrigins: 2, end: monthIndex('2019-04') });
			const eb = f.rankings.find((r) => r.method === 'eb-blend')!;
			expect(f.from).toBe('2019-04');
			expect(eb.rows.map((r) => r.areaId)).toEqual(read(a).slice(1).map((l) => l.split(',')[0]));
		} finally {
			runner.close();
		}
	}, 120_000);

	it('a day window on month-resolution street records: exit 1 with the reason', async () => {
		const log: string[] = [];
		const input = monthsFolder('w-day', ['2019-01', '2019-02']);
		const windowed = { window: { unit: 'day' as const, length: 7 }, budget: { share: 0.05 }, level: 'h3_r9' as const, origins: 2, tuneOrigins: 2 };
		expect(await runHotspots(options({ inputs: [input], windowed }), (l) => log.push(l))).toBe(1);
		expect(log.join('\n')).toMatch(/no dates and times: use a window in months/);
	}, 60_000);
});
