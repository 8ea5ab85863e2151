/**
 * npm start [-- --data <extracts folder>] [--port <n>]
 *
 * Builds the sample extracts (each stale source) and the app when missing or stale, then serves
 * the dashboard on 127.0.0.1 and prints its URL. With --data, serves that folder instead: one
 * extract (manifest.json at its top, made by `npm run extracts`) or a folder of sources
 * (sources.json listing extract folders, as extracts/sample).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from './lib/args';
import { startServer } from './lib/server';
import { SAMPLE_OUT, SOURCES_FILE } from './lib/sample';
import { ensureAppBuild, ensureSampleExtracts } from './ensure';

async function main() {
	const args = parseArgs(process.argv.slice(2), { values: ['data', 'port'] });
	const data = args.values.data;
	if (data) {
		if (!existsSync(join(data, 'manifest.json')) && !existsSync(join(data, SOURCES_FILE))) {
			throw new Error(
				`${data} has no manifest.json (nor a ${SOURCES_FILE} listing sources): make extracts there first with \`npm run extracts -- --input <files> --out ${data}\``
			);
		}
	} else {
		await ensureSampleExtracts();
	}
	ensureAppBuild();
	const port = Number(args.values.port ?? process.env.PORT ?? 4173);
	const server = await startServer({ dataDir: data ?? SAMPLE_OUT, port });
	console.log(`\nClearsight is running at ${server.url}/  (data: ${resolve(data ?? SAMPLE_OUT)})\nPress Ctrl+C to stop.`);
}

main().catch((e) => {
	const err = e as NodeJS.ErrnoException;
	if (err.code === 'EADDRINUSE') console.error(`error: port in use; choose another with \`npm start -- --port 4180\``);
	else console.error(`error: ${err.message}`);
	process.exit(1);
});
