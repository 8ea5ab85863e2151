/**
 * Minimal command-line parsing shared by the scripts: `--name value`, `--name v1 v2 …` for
 * list options, `--flag` for booleans. Unknown options are an error naming the option.
 */
export interface ArgSpec {
	lists?: readonly string[];
	values?: readonly string[];
	flags?: readonly string[];
}

export interface ParsedArgs {
	lists: Record<string, string[]>;
	values: Record<string, string>;
	flags: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
	const out: ParsedArgs = { lists: {}, values: {}, flags: new Set() };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}": options start with --`);
		const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
		if (spec.flags?.includes(name)) out.flags.add(name);
		else if (spec.values?.includes(name)) {
			const value = inline ?? argv[++i];
			if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new Error(`--${name} needs a value`);
			out.values[name] = value;
		} else if (spec.lists?.includes(name)) {
			const list = (out.lists[name] ??= []);
			if (inline !== undefined) list.push(inline);
			while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) list.push(argv[++i]);
			if (list.length === 0) throw new Error(`--${name} needs at least one value`);
		} else {
			const known = [...(spec.lists ?? []), ...(spec.values ?? []), ...(spec.flags ?? [])].map((n) => `--${n}`);
			throw new Error(`unknown option --${name}; expected one of ${known.join(', ')}`);
		}
	}
	return out;
}

/**
 * `timestamp=Created,category=Call Type` → { timestamp: 'Created', category: 'Call Type' }.
 * Also reads `--constant category=Anti-social behaviour` (field=value pairs).
 */
export function parseColumnMapping(text: string, option = '--columns', pairName = 'field=header'): Record<string, string> {
	const mapping: Record<string, string> = {};
	for (const pair of text.split(',')) {
		const at = pair.indexOf('=');
		if (at <= 0 || at === pair.length - 1) throw new Error(`${option}: expected ${pairName} pairs separated by commas, got "${pair}"`);
		mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
	}
	return mapping;
}
