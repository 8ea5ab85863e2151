/**
 * Windowed hot-spot forecast timings (never asserted): hotspotForecast (every method's ranking of
 * the next window plus the 12-origin evaluation at the budget, what the page calls) on the sample
 * extracts in extracts/sample (`npm run extracts:sample`), and the self-exciting model's EM fit
 * alone. Medians of BENCH_HOTSPOT_REPEATS runs (default 3) after a warm-up. Call benchHotspotWindows()
 * from `npm run bench`, or run alone: `tsx scripts/bench/hotspots.ts`.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createNodeRunner } from '../lib/node-runner';
import { loadInput } from '../lib/load-input';
import { hotspotForecast, parseBudget, parseWindow, WINDOW_METHODS, type WindowLevel, type WindowMethodName } from '../../analytics/hotspots/windows';
import type { MonthlyTable } from '../../analytics/forecast/series';

const REPEATS = Number(process.env.BENCH_HOTSPOT_REPEATS ?? 3);
const NO_HAWKES = WINDOW_METHODS.filter((m) => m !== 'hawkes');
const CASES: Array<{ source: string; table: MonthlyTable; level: WindowLevel; window: string; budget: string; methods?: readonly WindowMethodName[]; once?: boolean }> = [
	{ source: 'city-of-london', table: 'incidents', level: 'h3_r10', window: '1m', budget: '5%' },
	{ source: 'city-of-london', table: 'incidents', level: 'h3_r9', window: '1m', budget: '10%' },
	{ source: 'city-of-london', table: 'incidents', level: 'lsoa', window: '3m', budget: '0.5km2' },
	{ source: 'lancashire-asb', table: 'incidents', level: 'lsoa', window: '1m', budget: '5%' },
	{ source: 'lancashire-asb', table: 'incidents', level: 'h3_r8', window: '1m', budget: '5%' },
	{ source: 'chicago-assaults', table: 'events', level: 'h3_r8', window: '7d', budget: '5%', methods: NO_HAWKES },
	// The self-exciting model's EM fits (13: 12 origins and the forecast) dominate: timed once.
	{ source: 'chicago-assaults', table: 'events', level: 'h3_r8', window: '7d', budget: '5%', once: true }
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchHotspotWindows({ log }: { log: (line: string) => void }) {
	log(`Windowed hot-spot forecasts (hotspotForecast: next window's rankings + 12-origin evaluation; median of ${REPEATS} after a warm-up)`);
	for (const c of CASES) {
		const folder = `extracts/sample/${c.source}`;
		if (!existsSync(folder)) {
			log(`  ${c.source}: no extract (run npm run extracts:sample)`);
			continue;
		}
		const runner = await createNodeRunner();
		try {
			await loadInput(runner, [folder]);
			const options = { table: c.table, level: c.level, window: parseWindow(c.window), budget: parseBudget(c.budget), methods: c.methods };
			const first = await hotspotForecast(runner, options);
			const times: number[] = [first.ms];
			if (!c.once) {
				times.length = 0;
				for (let i = 0; i < REPEATS; i++) times.push((await hotspotForecast(runner, options)).ms);
			}
			const eb = first.evaluation.rows.find((r) => r.method === 'eb-blend')!;
			log(
				`  ${`${c.source} ${c.level} ${c.window} ${c.budget}${c.methods ? ' (no hawkes)' : ''}${c.once ? ' (once)' : ''}`.padEnd(52)} ${String(first.evaluation.region.areas).padStart(6)} areas  ${(median(times) / 1000).toFixed(2)} s  (first run: evaluation part ${(first.evaluation.ms / 1000).toFixed(2)} s; eb-blend PAI ${eb.pai?.toFixed(3)})`
			);
		} finally {
			runner.close();
		}
	}
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
	benchHotspotWindows({ log: (l) => console.log(l) }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
