/**
 * Reading a THR model file for the commands (npm run score, npm run hotspots --method thr): JSON
 * Schema validation (Ajv, Node only) listing every error, the harm weight table it references,
 * and the engine's own checks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import type { HarmWeightsModel } from '../analytics/models/harm-weights';
import { thrModelProblems, type ThrModel } from '../analytics/thr';

/** The published model the commands use by default. */
export const DEFAULT_THR_MODEL = 'models/thr/thr-v3.json';

const SCHEMA_FILE = 'models/schema/thr-model.schema.json';
/** The repository root: model files name other files from here. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function readJson(path: string, what: string): unknown {
	if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch (e) {
		throw new Error(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
	}
}

/**
 * The table beside `table` that declares it refines it (models/harm-weights: cchi-police-uk 2.0.0
 * refines 1.0.0 with offence-subgroup weights), as the app loads it (web/lib/db/duckdb.ts
 * HARM_MODEL): the same category weights and exclusions, so police.uk data scores identically,
 * and a force's records carrying offence subgroups are weighed by them. Null when none does.
 */
function refinementOf(table: HarmWeightsModel, dir: string): HarmWeightsModel | null {
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
		const other = readJson(join(dir, file), 'harm weight table') as HarmWeightsModel;
		if (other.refines && other.id === table.id && other.refines.id === table.id && other.refines.version === table.version) return other;
	}
	return null;
}

/** The model file, validated by its JSON Schema and the engine's checks; throws listing every problem. */
export function readModel(path: string): { model: ThrModel; weights: HarmWeightsModel } {
	const model = readJson(path, 'model file') as ThrModel;
	const schemaPath = join(ROOT, SCHEMA_FILE);
	const validate = new Ajv2020({ allErrors: true, strict: true }).compile(readJson(schemaPath, 'schema') as object);
	if (!validate(model)) {
		const all = validate.errors ?? [];
		// A failed kind-specific branch also reports "must match then" and its fields as
		// unevaluated: noise once the real error below that path is listed.
		const errors = all.filter(
			(e) => e.keyword !== 'if' && !(e.keyword === 'unevaluatedProperties' && all.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`)))
		);
		const lines = errors.map((e) => {
			const name = (e.params as { additionalProperty?: string; unevaluatedProperty?: string }).additionalProperty ?? (e.params as { unevaluatedProperty?: string }).unevaluatedProperty;
			return `${e.instancePath || '(top level)'} ${e.message}${name ? `: "${name}"` : ''}`;
		});
		throw new Error(`${path} does not pass ${SCHEMA_FILE}:\n  - ${[...new Set(lines)].join('\n  - ')}`);
	}
	// The weight table's path is from the repository root, like every path in model files; one
	// from the working directory or beside the model file is accepted too.
	const candidates = [join(ROOT, model.harm_weights.file), resolve(model.harm_weights.file), resolve(dirname(path), model.harm_weights.file)];
	const weightsPath = candidates.find((p) => existsSync(p));
	if (!weightsPath) throw new Error(`${path}: harm weight table ${model.harm_weights.file} not found`);
	const referenced = readJson(weightsPath, 'harm weight table') as HarmWeightsModel;
	const weights = refinementOf(referenced, dirname(weightsPath)) ?? referenced;
	const problems = thrModelProblems(model, weights);
	if (problems.length) throw new Error(`${path} is not usable:\n  - ${problems.join('\n  - ')}`);
	return { model, weights };
}
