/**
 * Schema lint shared by the model tests: every property of a JSON Schema (nested properties,
 * items, $defs, combinators) must carry a description a reviewer can read (STYLE.md §11).
 */

/** Paths of properties without a description of at least five characters. */
export function undescribedProperties(schema: unknown): string[] {
	const out: string[] = [];
	undescribed(schema, '$', out);
	return out;
}

function undescribed(node: unknown, path: string, out: string[]) {
	if (Array.isArray(node)) {
		node.forEach((n, i) => undescribed(n, `${path}[${i}]`, out));
		return;
	}
	if (!node || typeof node !== 'object') return;
	const n = node as Record<string, unknown>;
	for (const [key, child] of Object.entries(n)) {
		if (key === 'properties' && child && typeof child === 'object') {
			for (const [name, prop] of Object.entries(child as Record<string, Record<string, unknown>>)) {
				if (typeof prop.description !== 'string' || prop.description.length < 5) out.push(`${path}.properties.${name}`);
				undescribed(prop, `${path}.properties.${name}`, out);
			}
		} else if (key === '$defs' && child && typeof child === 'object') {
			for (const [name, def] of Object.entries(child as Record<string, Record<string, unknown>>)) {
				if (typeof def.description !== 'string' || def.description.length < 5) out.push(`${path}.$defs.${name}`);
				undescribed(def, `${path}.$defs.${name}`, out);
			}
		} else if (typeof child === 'object') undescribed(child, `${path}.${key}`, out);
	}
}
