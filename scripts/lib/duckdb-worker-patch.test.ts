/**
 * The start-up change to DuckDB-wasm's worker (duckdb-worker-patch.ts): it applies to the installed
 * workers exactly once, refuses a worker it does not recognise, and the engine it gives answers as
 * the unchanged one does. The browser workers cannot run in Node, but DuckDB-wasm's Node bundle
 * carries the same Emscripten start-up code (once per build, mvp and eh), so the same change is made
 * to it and both engines run the same SQL over the City of London's real street records, checked
 * against native DuckDB.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeRunner } from './node-runner';
import { patchDuckDBWorker } from './duckdb-worker-patch';

const require = createRequire(import.meta.url);
const DIST = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs'));
// The shipped copy of the real police.uk download (sample-data/README.md), as in a fresh clone.
const CSV = join(import.meta.dirname, '../../sample-data/police-uk/city-of-london/street/2019-06-city-of-london-street.csv');
const EAGER = 'new WebAssembly.Global({value:"i32",mutable:!0})),(';

type Bindings = typeof import('@duckdb/duckdb-wasm/blocking');

/** DuckDB-wasm's Node bundle, from `source`, loaded as a CommonJS module beside the original (so its own requires resolve). */
function loadBundle(source: string): Bindings {
	const file = join(DIST, 'duckdb-node-blocking.cjs');
	const module = { exports: {} as Bindings };
	new Function('require', 'module', 'exports', '__filename', '__dirname', source)(createRequire(file), module, module.exports, file, DIST);
	return module.exports;
}

/** The answers of one engine to queries that go through the module's function table (sorts with lambdas, regex, windows, string aggregation). */
async function answers(duckdb: Bindings): Promise<string[]> {
	const db = await duckdb.createDuckDB(
		{
			mvp: { mainModule: join(DIST, 'duckdb-mvp.wasm'), mainWorker: join(DIST, 'duckdb-node-mvp.worker.cjs') },
			eh: { mainModule: join(DIST, 'duckdb-eh.wasm'), mainWorker: join(DIST, 'duckdb-node-eh.worker.cjs') }
		},
		new duckdb.VoidLogger(),
		duckdb.NODE_RUNTIME
	);
	await db.instantiate();
	db.open({});
	db.registerFileText('street.csv', readFileSync(CSV, 'utf8'));
	const c = db.connect();
	const rows = (sql: string) => c.query(sql).toArray().map((r) => JSON.stringify(r.toJSON(), (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
	const out = [
		...rows(`SELECT "Crime type" AS category, count(*) AS n FROM read_csv('street.csv') GROUP BY ALL ORDER BY n DESC, category`),
		...rows(`SELECT count(*) FILTER (WHERE regexp_matches("Location", '^On or near (Parking|Supermarket)')) AS parking_or_shop FROM read_csv('street.csv')`),
		...rows(`SELECT list_sort(list_transform(list(DISTINCT "LSOA code"), x -> lower(x)))[1:3] AS first_lsoas FROM read_csv('street.csv') WHERE "LSOA code" IS NOT NULL`),
		...rows(`SELECT category, n, rank() OVER (ORDER BY n DESC, category) AS place FROM (SELECT "Crime type" AS category, count(*) AS n FROM read_csv('street.csv') GROUP BY ALL) ORDER BY place LIMIT 3`),
		...rows(`SELECT string_agg(DISTINCT "Last outcome category", '|' ORDER BY "Last outcome category") AS outcomes FROM read_csv('street.csv')`)
	];
	c.close();
	db.reset();
	return out;
}

describe("DuckDB-wasm's worker with the GOT filled only for imported symbols", () => {
	it('applies once to each installed browser worker, and removes the eager GOT entries', () => {
		for (const name of ['duckdb-browser-eh.worker.js', 'duckdb-browser-mvp.worker.js']) {
			const file = join(DIST, name);
			const source = readFileSync(file, 'utf8');
			expect(source.split(EAGER).length - 1, name).toBe(1);
			const patched = patchDuckDBWorker(source, file);
			expect(patched.includes(EAGER), name).toBe(false);
			expect(patched).not.toMatch(/sourceMappingURL/);
			// Only that expression changed (and the source-map comment went): the rest is byte for byte the same.
			const byHand = source.replace('GOT[r]||(GOT[r]=new WebAssembly.Global({value:"i32",mutable:!0})),(t||', 'GOT[r]&&(t||').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
			expect(byHand).not.toBe(source);
			expect(patched === byHand, name).toBe(true);
		}
	});

	it('refuses a worker whose start-up code it does not recognise, naming the file', () => {
		const file = join(DIST, 'duckdb-browser-eh.worker.js');
		const changed = readFileSync(file, 'utf8').replace(EAGER, 'new WebAssembly.Global({value:"i64",mutable:!0})),(');
		expect(() => patchDuckDBWorker(changed, file)).toThrow(/duckdb-browser-eh\.worker\.js: expected Emscripten's updateGOT start-up code 1 time\(s\), found it 0 time\(s\)/);
	});

	it('gives an engine that answers as the unchanged one, and as native DuckDB, over real street records', async () => {
		const source = readFileSync(join(DIST, 'duckdb-node-blocking.cjs'), 'utf8');
		const patched = patchDuckDBWorker(source, 'duckdb-node-blocking.cjs', 2);
		const [before, after] = [await answers(loadBundle(source)), await answers(loadBundle(patched))];
		expect(after).toEqual(before);

		const native = await createNodeRunner();
		try {
			const counts = await native.rows<{ category: string; n: number }>(
				`SELECT "Crime type" AS category, count(*)::INTEGER AS n FROM read_csv(?) GROUP BY ALL ORDER BY n DESC, category`,
				[CSV]
			);
			expect(after.slice(0, counts.length).map((r) => JSON.parse(r))).toEqual(counts);
		} finally {
			native.close();
		}
		// June 2019 in the City: 14 crime types recorded, every row counted once.
		expect(after.slice(0, 14).reduce((s, r) => s + JSON.parse(r).n, 0)).toBe(readFileSync(CSV, 'utf8').trim().split('\n').length - 1);
	}, 120_000);
});
