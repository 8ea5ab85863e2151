/**
 * Scale outside the browser, measured (never asserted): the SYNTHETIC national set (national.ts)
 * as month-partitioned Parquet read by native DuckDB on this machine — the route the README's
 * scale section describes for a national multi-year build.
 *
 *   npx tsx scripts/bench/national-parquet.ts [--input <national set folder>] [--years 5]
 *
 * 1. The set's CSVs → Parquet partitioned by month (`COPY … (FORMAT parquet, PARTITION_BY (month))`):
 *    time, bytes.
 * 2. More years by copying that year with its months shifted back a year at a time (Crime IDs
 *    suffixed so they stay distinct): `--years` in all (default BENCH_PARQUET_YEARS or 5).
 * 3. Queries over all of it (read_parquet with hive partitioning): month × force × type;
 *    LSOA × month × type; COUNT(DISTINCT Crime ID); one month by LSOA (partition pruning). Time each,
 *    with DuckDB's memory_limit 4GB and the process's peak resident memory.
 * Everything is written under bench-out/national-parquet/ (removed first).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeRunner } from '../lib/node-runner';
import { nationalSize } from './explore';
import { writeNationalSet } from './national';

export interface ParquetFigures {
	rows: number;
	years: number;
	bytes: number;
	convertMs: number;
	replicateMs: number;
	queries: Array<{ name: string; ms: number; groups: number }>;
	peakRssBytes: number;
}

function folderBytes(dir: string): number {
	let total = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) total += e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
	return total;
}

export async function benchNationalParquet(options: { log: (line: string) => void; input?: string; years?: number }): Promise<ParquetFigures> {
	const { log } = options;
	const years = options.years ?? Number(process.env.BENCH_PARQUET_YEARS ?? 5);
	let input = options.input;
	if (!input) {
		const size = nationalSize();
		await writeNationalSet({ out: size.dir, rowsPerYear: size.rowsPerYear, years: size.years, seed: 1 });
		input = size.dir;
	}
	const out = join('bench-out', 'national-parquet');
	rmSync(out, { recursive: true, force: true });
	const runner = await createNodeRunner();
	try {
		await runner.exec(`SET memory_limit = '4GB'`);
		await runner.exec(`SET preserve_insertion_order = false`);
		const csv = join(input, '*', '*-street.csv*');
		let t = performance.now();
		await runner.exec(
			`COPY (
			   SELECT "Crime ID" AS crime_id, "Month" AS month, "Falls within" AS force, "Longitude" AS longitude, "Latitude" AS latitude,
			          "LSOA code" AS lsoa_code, "Crime type" AS crime_type, "Last outcome category" AS outcome
			   FROM read_csv(?, header = true, delim = ',', quote = '"', escape = '"',
			        columns = {'Crime ID': 'VARCHAR', 'Month': 'VARCHAR', 'Reported by': 'VARCHAR', 'Falls within': 'VARCHAR', 'Longitude': 'DOUBLE', 'Latitude': 'DOUBLE',
			                   'Location': 'VARCHAR', 'LSOA code': 'VARCHAR', 'LSOA name': 'VARCHAR', 'Crime type': 'VARCHAR', 'Last outcome category': 'VARCHAR', 'Context': 'VARCHAR'})
			 ) TO '${out}' (FORMAT parquet, PARTITION_BY (month))`,
			[csv]
		);
		const convertMs = performance.now() - t;
		const oneYear = folderBytes(out);
		const [{ n: baseRows }] = await runner.rows<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM read_parquet('${out}/*/*.parquet', hive_partitioning = true)`);
		log(`  CSV → month-partitioned Parquet: ${Number(baseRows).toLocaleString('en-GB')} rows in ${(convertMs / 1000).toFixed(1)} s, ${(oneYear / 1e6).toFixed(0)} MB`);
		t = performance.now();
		for (let k = 1; k < years; k++) {
			await runner.exec(
				`COPY (
				   SELECT * REPLACE (CASE WHEN crime_id IS NULL THEN NULL ELSE crime_id || '-' || ${k} END AS crime_id,
				                     strftime(strptime(month || '-01', '%Y-%m-%d') - INTERVAL ${k} YEAR, '%Y-%m') AS month)
				   FROM read_parquet('${out}/*/*.parquet', hive_partitioning = true)
				   WHERE month >= (SELECT max(month) FROM read_parquet('${out}/*/*.parquet', hive_partitioning = true)) [1:4] || '-01'
				 ) TO '${out}' (FORMAT parquet, PARTITION_BY (month), APPEND)`
			);
		}
		const replicateMs = performance.now() - t;
		const bytes = folderBytes(out);
		const src = `read_parquet('${out}/*/*.parquet', hive_partitioning = true)`;
		const [{ n, months }] = await runner.rows<{ n: number; months: number }>(`SELECT count(*)::BIGINT AS n, count(DISTINCT month)::INTEGER AS months FROM ${src}`);
		const rows = Number(n);
		log(`  ${years} year(s) (each further year a copy with months shifted): ${rows.toLocaleString('en-GB')} rows, ${months} months, ${(bytes / 1e6).toFixed(0)} MB of Parquet (copies ${(replicateMs / 1000).toFixed(1)} s)`);
		const lastMonth = (await runner.rows<{ m: string }>(`SELECT max(month) AS m FROM ${src}`))[0].m;
		const queries: ParquetFigures['queries'] = [];
		// Each query's rows are counted by an outer count(*), except a one-row aggregate, which is fetched
		// itself (the optimiser drops an aggregate whose value an outer count(*) does not use).
		const time = async (name: string, sql: string, params: unknown[] = [], oneRow = false) => {
			const q = performance.now();
			const [{ g }] = oneRow
				? ((await runner.rows<{ v: number }>(sql, params as never)).map((r) => ({ g: Number(r.v) })) as Array<{ g: number }>)
				: await runner.rows<{ g: number }>(`SELECT count(*)::BIGINT AS g FROM (${sql})`, params as never);
			const ms = performance.now() - q;
			queries.push({ name, ms, groups: Number(g) });
			log(`  ${name.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(7)} s  (${Number(g).toLocaleString('en-GB')}${oneRow ? '' : ' groups'})`);
		};
		await time('month × force × type', `SELECT month, force, crime_type, count(*) FROM ${src} GROUP BY ALL`);
		await time('LSOA × month × type', `SELECT lsoa_code, month, crime_type, count(*) FROM ${src} GROUP BY ALL`);
		await time('COUNT(DISTINCT crime_id)', `SELECT count(DISTINCT crime_id)::BIGINT AS v FROM ${src}`, [], true);
		await time(`one month (${lastMonth}) by LSOA × type`, `SELECT lsoa_code, crime_type, count(*) FROM ${src} WHERE month = ? GROUP BY ALL`, [lastMonth]);
		const peakRssBytes = process.resourceUsage().maxRSS * 1024;
		log(`  peak resident memory of this process ${(peakRssBytes / 1024 ** 3).toFixed(2)} GB (DuckDB memory_limit 4GB)`);
		return { rows, years, bytes, convertMs, replicateMs, queries, peakRssBytes };
	} finally {
		runner.close();
	}
}

if (process.argv[1]?.endsWith('national-parquet.ts')) {
	const argv = process.argv.slice(2);
	const value = (name: string) => {
		const i = argv.indexOf(name);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const years = value('--years');
	console.log('National set as month-partitioned Parquet, native DuckDB (SYNTHETIC data)');
	benchNationalParquet({ log: (l) => console.log(l), input: value('--input'), years: years ? Number(years) : undefined }).catch((e) => {
		console.error(e);
		process.exit(1);
	});
}
