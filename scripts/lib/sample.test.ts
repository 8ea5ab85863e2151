/**
 * The shipped sample's fingerprint covers the whole builder: every module the extract builder
 * imports, followed from scripts/build-extracts.ts, so a change to the start-up summary's code
 * (analytics/overview, the Map's first layers in analytics/explore) or to the harm model rebuilds
 * the sample as a change to the ingest code does. Checked on a folder of hand-written modules and
 * on the real builder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builderSources } from './sample';
import { tempDirs } from './extract-test-utils';

const temp = tempDirs('clearsight-sample-');

describe('builderSources', () => {
	it('follows static, re-exported, type-only and dynamic relative imports, JSON included, and nothing else', () => {
		const dir = relative('.', temp());
		const write = (path: string, text: string) => {
			mkdirSync(join(dir, path, '..'), { recursive: true });
			writeFileSync(join(dir, path), text);
		};
		write('entry.ts', "import { a } from './lib/a';\nimport type { T } from './lib/types';\nexport * from './lib';\nconst m = import('./lazy');\nimport { x } from 'node:fs';\nimport w from '../../nowhere/missing';\n");
		write('lib/a.ts', "import model from '../models/model.json';\nimport { a } from './a';\nexport const a = 1;\n");
		write('lib/types.ts', 'export type T = number;\n');
		write('lib/index.ts', "export { b } from \"./b\";\n");
		write('lib/b.ts', 'export const b = 2;\n');
		write('lib/unused.ts', 'export const u = 3;\n');
		write('lazy.ts', 'export {};\n');
		write('models/model.json', '{}\n');
		expect(builderSources(join(dir, 'entry.ts'))).toEqual(
			['entry.ts', 'lazy.ts', 'lib/a.ts', 'lib/b.ts', 'lib/index.ts', 'lib/types.ts', 'models/model.json'].map((f) => join(dir, f)).sort()
		);
	});

	it("holds the start-up summary's code, the Map's first layers and the harm model beside the ingest code", () => {
		const files = builderSources();
		for (const f of [
			'scripts/build-extracts.ts',
			'scripts/lib/extracts.ts',
			'scripts/lib/summary-file.ts',
			'analytics/ingest/index.ts',
			'analytics/overview/summary.ts',
			'analytics/overview/queries.ts',
			'analytics/explore/cell-values.ts',
			'analytics/explore/study-region.ts',
			'analytics/explore/classes.ts',
			'models/harm-weights/cchi-police-uk-v2.json'
		])
			expect(files).toContain(f);
		expect(files.filter((f) => f.endsWith('.test.ts'))).toEqual([]);
		expect(files.some((f) => f.startsWith('web/'))).toBe(false);
	});
});
