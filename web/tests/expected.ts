/**
 * Figures worked out independently from the raw police.uk CSVs the sample extract is built
 * from (sample-data/police-uk/city-of-london), with the test's own CSV reader. The one rule
 * applied is the documented one: a Crime ID repeated within a monthly file is a duplicate and
 * only its first row counts (shared/data/README.md; the quarantine says "the first is kept").
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExtractManifest } from '../../analytics/ingest/extract-schema';
import { readCsvRows } from './csv';

export const RAW_DIR = resolve('sample-data/police-uk/city-of-london');

export interface StreetFile {
	file: string;
	month: string;
	rowsIn: number;
	accepted: number;
	/** Record numbers (header = 1) of the repeated Crime IDs. */
	duplicateLines: number[];
}

export interface StreetFigures {
	files: StreetFile[];
	rowsIn: number;
	records: number;
	antiSocialBehaviour: number;
	noLocation: number;
	lsoas: number;
	byCategory: Map<string, number>;
	/** `${month}|${category}` → records. */
	byMonthCategory: Map<string, number>;
	months: string[];
}

export function streetFigures(): StreetFigures {
	const dir = join(RAW_DIR, 'street');
	const files: StreetFile[] = [];
	const byCategory = new Map<string, number>();
	const byMonthCategory = new Map<string, number>();
	const lsoas = new Set<string>();
	let antiSocialBehaviour = 0;
	let noLocation = 0;
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
		const rows = readCsvRows(join(dir, file));
		const seen = new Set<string>();
		const duplicateLines: number[] = [];
		rows.forEach((row, i) => {
			const id = row['Crime ID'];
			if (id && seen.has(id)) {
				duplicateLines.push(i + 2);
				return;
			}
			if (id) seen.add(id);
			const category = row['Crime type'];
			byCategory.set(category, (byCategory.get(category) ?? 0) + 1);
			const key = `${row.Month}|${category}`;
			byMonthCategory.set(key, (byMonthCategory.get(key) ?? 0) + 1);
			if (category === 'Anti-social behaviour') antiSocialBehaviour++;
			if (row.Longitude === '' || row.Latitude === '') noLocation++;
			if (row['LSOA code']) lsoas.add(row['LSOA code']);
		});
		files.push({ file, month: file.slice(0, 7), rowsIn: rows.length, accepted: rows.length - duplicateLines.length, duplicateLines });
	}
	return {
		files,
		rowsIn: files.reduce((a, f) => a + f.rowsIn, 0),
		records: files.reduce((a, f) => a + f.accepted, 0),
		antiSocialBehaviour,
		noLocation,
		lsoas: lsoas.size,
		byCategory,
		byMonthCategory,
		months: files.map((f) => f.month)
	};
}

/**
 * The raw street rows that count, file by file in name order: a row whose Crime ID already
 * appeared in the same monthly file is left out (the rule above); rows without a Crime ID all count.
 */
export function countedStreetRows(): Array<Record<string, string>> {
	const dir = join(RAW_DIR, 'street');
	const out: Array<Record<string, string>> = [];
	for (const file of readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
		const seen = new Set<string>();
		for (const row of readCsvRows(join(dir, file))) {
			const id = row['Crime ID'];
			if (id && seen.has(id)) continue;
			if (id) seen.add(id);
			out.push(row);
		}
	}
	return out;
}

/** Data rows per stop-and-search file. */
export function stopSearchRows(): Map<string, number> {
	const dir = join(RAW_DIR, 'stop-and-search');
	return new Map(
		readdirSync(dir)
			.filter((f) => f.endsWith('.csv'))
			.sort()
			.map((f) => [f, readCsvRows(join(dir, f)).length])
	);
}

export function readManifest(dataDir: string): ExtractManifest {
	const path = join(dataDir, 'manifest.json');
	if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run extracts:sample\` before the browser tests`);
	return JSON.parse(readFileSync(path, 'utf8')) as ExtractManifest;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2019-03" → "Mar 2019", written out here rather than imported from the app. */
export function monthName(month: string): string {
	return `${MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}
