/**
 * Whether the records carry offence subgroups, written at build time: each dataset entry with the
 * `offence_subgroup` column says so in `offence_subgroups`, and harm queries read it there
 * (declareRecordSubgroups, recordsCarrySubgroups) instead of scanning the column on every scoring.
 * Both ways on real rows: City of London street records with Home Office offence codes added
 * (offence-codes-fixture.ts: they carry subgroups) and the police.uk street files as downloaded
 * (they carry none). The expected answer is counted from the loaded base rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtracts } from './extracts';
import { createNodeRunner, type NodeRunner } from './node-runner';
import { loadExtract } from './load-input';
import { tempDirs } from './extract-test-utils';
import { writeOffenceCodeFiles } from './offence-codes-fixture';
import { declareRecordSubgroups, recordsCarrySubgroups } from '../../analytics/models/harm-weights';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import type { QueryRunner } from '../../analytics/runner';

const tempDir = tempDirs('clearsight-subgroup-flag-');
const runners: NodeRunner[] = [];
afterAll(() => runners.forEach((r) => r.close()));

/** A runner over `runner`'s database that records every query it is asked (a separate object: nothing declared for it yet). */
function counting(runner: NodeRunner): QueryRunner & { asked: string[] } {
	const asked: string[] = [];
	return {
		asked,
		exec: (sql, params) => runner.exec(sql, params),
		rows: (sql, params) => (asked.push(sql), runner.rows(sql, params)),
		columns: (sql, params) => (asked.push(sql), runner.columns(sql, params))
	};
}

const scans = (asked: readonly string[]) => asked.filter((sql) => /FROM incidents WHERE offence_subgroup IS NOT NULL/.test(sql));

describe.each([
	{
		label: 'records with offence codes (subgroups carried)',
		carried: true,
		inputs: async (runner: NodeRunner, dir: string) => {
			const { codesOnly, withCategory } = await writeOffenceCodeFiles(runner, dir);
			return [codesOnly, withCategory];
		}
	},
	{ label: 'police.uk street files (no subgroups)', carried: false, inputs: async () => ['sample-data/police-uk/city-of-london/street'] }
])('$label', ({ carried, inputs }) => {
	let runner: NodeRunner;
	let manifest: ExtractManifest;
	let truth: boolean;
	beforeAll(async () => {
		runner = await createNodeRunner();
		runners.push(runner);
		const dir = tempDir();
		const out = join(dir, 'extract');
		await buildExtracts({ inputs: await inputs(runner, dir), out, areas: null });
		manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		await loadExtract(runner, out);
		const [{ n }] = await runner.rows<{ n: number }>('SELECT count(offence_subgroup) AS n FROM incidents');
		truth = Number(n) > 0;
	}, 180_000);

	it('the manifest says what the base rows hold, for each dataset with the column', () => {
		expect(truth).toBe(carried);
		const incidents = manifest.datasets.find((d) => d.name === 'incidents')!;
		expect(incidents.offence_subgroups).toBe(carried);
		for (const d of manifest.datasets) {
			const hasColumn = d.columns.some((c) => c.name === 'offence_subgroup');
			expect(d.offence_subgroups === undefined, d.name).toBe(!hasColumn);
		}
	});

	it('declared from the manifest, the answer is the rows\' without scanning them', async () => {
		const r = counting(runner);
		declareRecordSubgroups(r, manifest);
		expect(await recordsCarrySubgroups(r, 'incidents')).toBe(truth);
		expect(scans(r.asked)).toEqual([]);
	});

	it('an extract built before the field (or an import without it) is scanned, with the same answer', async () => {
		const older = { ...manifest, datasets: manifest.datasets.map(({ offence_subgroups: _dropped, ...d }) => d) };
		const declaredOld = counting(runner);
		declareRecordSubgroups(declaredOld, older);
		expect(await recordsCarrySubgroups(declaredOld, 'incidents')).toBe(truth);
		expect(scans(declaredOld.asked)).toHaveLength(1);
		const undeclared = counting(runner);
		expect(await recordsCarrySubgroups(undeclared, 'incidents')).toBe(truth);
		expect(scans(undeclared.asked)).toHaveLength(1);
	});
});
