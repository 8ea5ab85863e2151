/**
 * npm run csp-header [-- --build <folder>]
 *
 * Prints the Content-Security-Policy header to send with a built app (default build/) from a
 * static web server: the policy of csp.js plus the hashes of the built pages' inline scripts, the
 * header `npm start` sends. Run it again after every build (the hashes change).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from './lib/args';
import { runCli } from './lib/cli';
import { buildCspHeader } from './lib/csp-header';

const USAGE = 'usage: npm run csp-header [-- --build <folder of the built app, default build>]';

runCli({
	module: import.meta.url,
	usage: USAGE,
	parse(argv) {
		if (argv.includes('--help')) return 'help';
		return resolve(parseArgs(argv, { values: ['build'] }).values.build ?? 'build');
	},
	async run(buildDir) {
		if (!existsSync(join(buildDir, 'index.html'))) throw new Error(`No built app in ${buildDir}: run \`npm run build\` first.`);
		console.log(buildCspHeader(buildDir));
		return 0;
	}
});
