/**
 * The two ways text reaches SQL in this project besides bound parameters: identifiers from a
 * known list, and literals of constants defined in code. Neither ever carries a user value.
 */

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Quote an identifier that comes from a list defined in code. Throws on anything else. */
export function ident(name: string): string {
	if (!IDENT.test(name)) throw new Error(`not a known identifier: ${JSON.stringify(name)}`);
	return `"${name}"`;
}

/** A SQL string literal of a constant defined in code (category names, reasons). */
export function literal(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

/** `(a, b, c)` list of literals, for `IN` tests against constant sets. */
export function literalList(values: readonly string[]): string {
	return `(${values.map(literal).join(', ')})`;
}

const STRPTIME_SENTINEL = '|';

/**
 * `try_strptime` of a text over one or more formats (the first that parses wins), with a sentinel
 * character appended to the text and to every format. DuckDB's parser compares a format's literal
 * characters (the `:` before `%S`) without checking the end of the text, so a text shorter than its
 * format is read past its last byte; when those bytes end a memory page the process crashes (seen
 * with `2019-04-01 12:00` against `%Y-%m-%d %H:%M:%S`). With the sentinel every comparison stops at
 * it. What parses is unchanged: the sentinel is the last character of both, and text after a
 * complete match was already refused.
 */
export function tryStrptimeSql(text: string, formats: readonly string[]): string {
	const marked = formats.map((f) => literal(`${f}${STRPTIME_SENTINEL}`));
	return `try_strptime((${text}) || ${literal(STRPTIME_SENTINEL)}, ${marked.length === 1 ? marked[0] : `[${marked.join(', ')}]`})`;
}

/**
 * `trim(column)` (DuckDB's: Unicode space separators off both ends) with a cheaper path for the
 * usual value. trim() decodes every character of the text and copies it; a text whose bytes are
 * all ASCII (as many bytes as characters) and that neither starts nor ends with a space is its
 * own trim, since the space is the only ASCII space separator. Same result for every text and
 * for NULL (tested in rule-prechecks.test.ts). `column` is an identifier: it is read several times.
 */
export function trimSql(column: string): string {
	return `CASE WHEN strlen(${column}) = length(${column}) AND NOT starts_with(${column}, ' ') AND NOT ends_with(${column}, ' ') THEN ${column} ELSE trim(${column}) END`;
}
