import { describe, expect, it } from 'vitest';
import type { ExtractManifest } from '$analytics/ingest/extract-schema';
import type { HarmWeightsModel } from '$analytics/models/harm-weights';
import { SUMMARY_VERSION, datasetDigests, type StartSummary } from '$analytics/overview/summary';
import harmWeightsFile from '../../../models/harm-weights/cchi-police-uk-v2.json';
import { harmModelTag, summaryAnswersFor } from './start-answers';
import type { StartView } from './start-summary';

const MODEL = harmWeightsFile as HarmWeightsModel;

/** The parts of a manifest the check reads: its datasets (two Arrow files, one table of base.duckdb) and its summary entry. */
function manifest(summarySha = 'c'.repeat(64), pointsSha = 'a'.repeat(64)): ExtractManifest {
	return {
		datasets: [
			{ name: 'explore_points', file: 'explore_points.arrow', format: 'arrow-ipc-stream', sha256: pointsSha },
			{ name: 'areas', file: 'areas.arrow', format: 'arrow-ipc-stream', sha256: 'b'.repeat(64) },
			{ name: 'incidents', file: 'base.duckdb', format: 'duckdb-table', table: 'incidents' }
		],
		summary: { file: 'summary.json', bytes: 1000, sha256: summarySha }
	} as unknown as ExtractManifest;
}

function view(m: ExtractManifest, harmModel = harmModelTag(MODEL)): StartView {
	const summary = { summary_version: SUMMARY_VERSION, datasets: datasetDigests(m.datasets as never), harm_model: harmModel } as StartSummary;
	return { sourceId: 'city-of-london', manifest: m, summary };
}

const db = (m: ExtractManifest, id = 'city-of-london', harmModel = MODEL) => ({ source: { id, label: 'City of London', kind: 'sample' as const }, manifest: m, harmModel });

describe('summaryAnswersFor', () => {
	it('holds for the database of the same source, summary file, datasets and harm model', () => {
		expect(harmModelTag(MODEL)).toBe('cchi-police-uk@2.0.0');
		expect(summaryAnswersFor(view(manifest()), db(manifest()))).toBe(true);
	});

	it.each([
		['another source', view(manifest()), db(manifest(), 'lancashire-asb')],
		['another summary file (sha256 in the database manifest)', view(manifest()), db(manifest('d'.repeat(64)))],
		['a summary of other datasets', view(manifest('c'.repeat(64), 'e'.repeat(64))), db(manifest())],
		['another harm model version', view(manifest(), 'cchi-police-uk@1.0.0'), db(manifest())],
		['a database manifest without a summary', view(manifest()), db({ ...manifest(), summary: undefined })]
	])('does not hold for %s', (_, v, d) => {
		expect(summaryAnswersFor(v, d)).toBe(false);
	});
});
