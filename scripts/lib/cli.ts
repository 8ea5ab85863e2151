/**
 * The shared shape of a command: parse (a usage error exits 2 with the usage text), run
 * (its result is the exit status), and any other error exits 1 with one clear line
 * (the stack trace too with DEBUG=1). Runs only when the file is the entry point.
 */
import { pathToFileURL } from 'node:url';

/** A problem with the command line: thrown by a command's parse, it exits 2 with the usage text. */
export class UsageError extends Error {}

export interface CliOptions<T> {
	/** import.meta.url of the command's module. */
	module: string;
	usage: string;
	/** Throws (any error, usually a UsageError) on a bad command line; 'help' prints the usage. */
	parse: (argv: readonly string[]) => T | 'help';
	/** Resolves to the exit status; a thrown error exits 1. */
	run: (options: T) => Promise<number>;
}

export function runCli<T>({ module, usage, parse, run }: CliOptions<T>): void {
	if (module !== pathToFileURL(process.argv[1] ?? '').href) return;
	const main = async (): Promise<number> => {
		let options: T | 'help';
		try {
			options = parse(process.argv.slice(2));
		} catch (e) {
			console.error(`error: ${(e as Error).message}\n${usage}`);
			return 2;
		}
		if (options === 'help') {
			console.log(usage);
			return 0;
		}
		return run(options);
	};
	main().then(
		(code) => process.exit(code),
		(e) => {
			console.error(`error: ${(e as Error).message}`);
			if (process.env.DEBUG) console.error(e);
			process.exit(1);
		}
	);
}
