/**
 * A Node DuckDB runner over one of the built extracts the browser tests serve, so a test can work
 * a figure by SQL over the same rows the page reads.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { loadExtract } from '../../scripts/lib/load-input';

/** A runner over the extract folder `id` of the served data root; the caller closes it. */
export async function openExtract(id: string): Promise<NodeRunner> {
	const runner = await createNodeRunner();
	try {
		await loadExtract(runner, join(inject('dataRoot'), id));
	} catch (e) {
		runner.close();
		throw e;
	}
	return runner;
}

/** One runner over the extract `id` for a whole test file: opened before its tests, closed after them. */
export function sharedExtract(id: string): { readonly runner: NodeRunner } {
	let runner: NodeRunner | undefined;
	beforeAll(async () => {
		runner = await openExtract(id);
	}, 120_000);
	afterAll(() => runner?.close());
	return {
		get runner(): NodeRunner {
			if (!runner) throw new Error(`The ${id} extract is not open: use its runner inside a test.`);
			return runner;
		}
	};
}
