/**
 * Size checks made before an import reads anything, and recognition of out-of-memory errors.
 * The error texts are the ones DuckDB-wasm and Chromium raise.
 */
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { MAX_FILE_TEXT_BYTES, MAX_TOTAL_TEXT_BYTES, checkImportSize, gzipTextBytes, isOutOfMemory, outOfMemoryMessage } from './limits';

const MB = 1024 * 1024;

describe('checkImportSize', () => {
	it('lets ordinary imports through', () => {
		expect(checkImportSize([{ name: 'a.csv', bytes: 5 * MB, textBytes: 5 * MB }], 100 * MB)).toBeNull();
		expect(checkImportSize([{ name: 'a.csv', bytes: MAX_FILE_TEXT_BYTES, textBytes: MAX_FILE_TEXT_BYTES }], null)).toBeNull();
	});

	it('refuses one file too large, naming it and saying what to do', () => {
		const m = checkImportSize([{ name: 'big.csv', bytes: 2048 * MB, textBytes: 2048 * MB }], null)!;
		expect(m).toContain('big.csv is 2.0 GB of text');
		expect(m).toContain('npm run extracts');
		expect(m).toContain('split the data by period');
		expect(m).toContain('earlier data are unchanged');
	});

	it('refuses an import whose files together are too large', () => {
		const n = Math.ceil(MAX_TOTAL_TEXT_BYTES / (500 * MB)) + 1;
		const files = Array.from({ length: n }, (_, i) => ({ name: `m${i}.csv`, bytes: 500 * MB, textBytes: 500 * MB }));
		expect(checkImportSize(files, null)).toContain(`These ${n} files hold`);
	});

	it('refuses when the storage quota left cannot hold the result', () => {
		const m = checkImportSize([{ name: 'a.csv', bytes: 50 * MB, textBytes: 50 * MB }], 10 * MB)!;
		expect(m).toContain('Not enough local storage');
		expect(m).toContain('Remove imported sources');
	});
});

describe('gzipTextBytes', () => {
	it('reads the uncompressed size from the gzip trailer', () => {
		const text = Buffer.from('Crime ID,Month\n'.repeat(10_000));
		const gz = gzipSync(text);
		expect(gzipTextBytes(new Uint8Array(gz.subarray(gz.length - 4)), gz.length)).toBe(text.length);
	});
});

describe('isOutOfMemory', () => {
	it.each([
		'Out of Memory Error: could not allocate block of size 256.0 KiB (1.9 GiB/1.9 GiB used)',
		'RangeError: Array buffer allocation failed',
		'RangeError: WebAssembly.Memory.grow(): Maximum memory size exceeded; Cannot enlarge memory',
		'RuntimeError: memory access out of bounds',
		'malloc of size 268435456 failed' // DuckDB-wasm, a 688 MB street file in Chromium
	])('recognises %s', (text) => expect(isOutOfMemory(text)).toBe(true));

	it('leaves other errors alone', () => {
		expect(isOutOfMemory('Binder Error: Referenced column "x" not found')).toBe(false);
		expect(outOfMemoryMessage('Out of Memory Error')).toContain('npm run extracts');
	});
});
