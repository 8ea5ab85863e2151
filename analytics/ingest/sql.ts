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
