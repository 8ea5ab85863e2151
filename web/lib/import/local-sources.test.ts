/**
 * meta.json is the one file of an imported source rewritten after the import (local-sources.ts): a
 * rename and a start-up summary stored at the same moment must both be kept, not the later write
 * over the earlier's read. Over one real month of the City of London's street records built by the
 * command-line builder and saved as the Data page saves an import, in an in-memory stand-in for the
 * Origin Private File System whose every step waits a turn of the event loop, so two changes
 * interleave as they do in the browser. Node has no Web Locks: this is the promise-chain path
 * (the browser's Web Locks path runs in web/tests/imported-summary.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExtractManifest } from '$analytics/ingest/extract-schema';
import { buildExtracts } from '../../../scripts/lib/extracts';
import { tempDirs } from '../../../scripts/lib/extract-test-utils';

const FILE = 'sample-data/police-uk/city-of-london/street/2019-04-city-of-london-street.csv';
const temp = tempDirs('clearsight-local-sources-');

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));
const notFound = () => new DOMException('not found', 'NotFoundError');

/** A folder of the stand-in file system: files are committed when their writable closes, as OPFS does. */
class Folder {
	readonly kind = 'directory';
	readonly folders = new Map<string, Folder>();
	readonly files = new Map<string, Uint8Array>();

	async getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<Folder> {
		await turn();
		if (!this.folders.has(name)) {
			if (!options?.create) throw notFound();
			this.folders.set(name, new Folder());
		}
		return this.folders.get(name)!;
	}

	async getFileHandle(name: string, options?: { create?: boolean }) {
		await turn();
		if (!this.files.has(name)) {
			if (!options?.create) throw notFound();
			this.files.set(name, new Uint8Array());
		}
		const files = this.files;
		return {
			kind: 'file',
			async getFile() {
				await turn();
				const bytes = files.get(name);
				if (!bytes) throw notFound();
				return { size: bytes.byteLength, arrayBuffer: async () => bytes.slice().buffer };
			},
			async createWritable() {
				let pending = new Uint8Array();
				return {
					async write(bytes: Uint8Array) {
						await turn();
						pending = bytes.slice();
					},
					async close() {
						await turn();
						files.set(name, pending);
					},
					async abort() {}
				};
			}
		};
	}

	async removeEntry(name: string) {
		await turn();
		if (!this.folders.delete(name) && !this.files.delete(name)) throw notFound();
	}

	async *entries(): AsyncIterable<[string, { kind: string }]> {
		for (const [name, f] of this.folders) yield [name, f];
		for (const name of this.files.keys()) yield [name, { kind: 'file' }];
	}
}

let sources: typeof import('./local-sources');
let manifest: ExtractManifest;
let files: Map<string, Uint8Array>;
let summary: Uint8Array;

beforeAll(async () => {
	const out = temp();
	({ manifest } = await buildExtracts({ inputs: [FILE], out, areas: null }));
	files = new Map(manifest.datasets.map((d) => [d.file, new Uint8Array(readFileSync(join(out, d.file)))]));
	summary = new Uint8Array(readFileSync(join(out, manifest.summary!.file)));
	const root = new Folder();
	vi.stubGlobal('navigator', { storage: { getDirectory: async () => root } });
	sources = await import('./local-sources');
}, 120_000);

afterAll(() => {
	vi.unstubAllGlobals();
});

describe("an imported source's meta.json changed twice at the same moment", () => {
	it('keeps the new name and the stored summary, in either order', async () => {
		for (const [i, order] of (['rename first', 'summary first'] as const).entries()) {
			const saved = await sources.saveImportedSource(`City April 2019 (${i})`, manifest, files);
			const label = `City, April 2019 (${order})`;
			const rename = () => sources.renameImportedSource(saved.id, label);
			const store = () => sources.storeImportedSummary(saved.id, summary);
			const [, entry] = order === 'rename first' ? await Promise.all([rename(), store()]) : (await Promise.all([store(), rename()])).reverse();
			const listed = (await sources.listImportedSources()).find((s) => s.id === saved.id)!;
			expect(listed).toMatchObject({ label, problem: null, rows: manifest.totals.accepted });
			const opened = await sources.openImportedSource(saved.id);
			expect(entry).toMatchObject({ file: expect.stringMatching(/^summary-[0-9a-f]{16}\.json$/), bytes: summary.byteLength });
			expect(opened.manifest.summary).toEqual(entry);
			expect(await opened.read((entry as { file: string }).file)).toEqual(summary);
		}
	});

	it('keeps every change of many at once, applied in the order asked', async () => {
		const saved = await sources.saveImportedSource('City April 2019', manifest, files);
		const other = new TextEncoder().encode(JSON.stringify({ not: 'a summary, bytes alike' }));
		const results = await Promise.allSettled([
			sources.storeImportedSummary(saved.id, other),
			sources.renameImportedSource(saved.id, 'first'),
			sources.storeImportedSummary(saved.id, summary),
			sources.renameImportedSource(saved.id, 'last')
		]);
		expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
		const listed = (await sources.listImportedSources()).find((s) => s.id === saved.id)!;
		expect(listed).toMatchObject({ label: 'last', problem: null });
		const opened = await sources.openImportedSource(saved.id);
		expect(await opened.read(opened.manifest.summary!.file)).toEqual(summary);
	});
});
