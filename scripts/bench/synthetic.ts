/**
 * A seeded SYNTHETIC street-crime set derived from the real sample, for scale benchmarks only:
 * every row is a real sample row (category, location, LSOA, outcome) drawn with replacement by
 * a seeded generator, given a fresh Crime ID and spread over 36 months. It is written in the
 * police.uk street format, one file per month, under a folder named `synthetic-…` with a README.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { splitCsvLine } from '../../analytics/ingest/detect';
import { mulberry32 } from '../../analytics/shared/random';

export { mulberry32 };

export interface SyntheticOptions {
	sourceDir: string;
	outDir: string;
	rows: number;
	seed?: number;
	months?: number;
}

function quote(cell: string): string {
	return /[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** Write the set unless an identical one (same rows, seed, months) is already there. Returns its files. */
export function writeSyntheticStreet(options: SyntheticOptions): string[] {
	const seed = options.seed ?? 20261123;
	const months = options.months ?? 36;
	const stamp = join(options.outDir, 'README.md');
	const description = `SYNTHETIC data for benchmarks, not real records: ${options.rows} rows drawn with replacement (seed ${seed}) from the real City of London street sample, with fresh Crime IDs, over ${months} months from 2017-01.\n`;
	const files = Array.from({ length: months }, (_, m) => {
		const y = 2017 + Math.floor(m / 12);
		return join(options.outDir, `${y}-${String((m % 12) + 1).padStart(2, '0')}-synthetic-street.csv`);
	});
	if (existsSync(stamp) && readFileSync(stamp, 'utf8') === description && files.every((f) => existsSync(f))) return files;

	const lines: string[][] = [];
	let header = '';
	for (const f of readdirSync(options.sourceDir).filter((f) => f.endsWith('.csv')).sort()) {
		const text = readFileSync(join(options.sourceDir, f), 'utf8').split(/\r?\n/);
		header = text[0];
		for (const line of text.slice(1)) if (line.trim() !== '') lines.push(splitCsvLine(line, ','));
	}
	const random = mulberry32(seed);
	mkdirSync(options.outDir, { recursive: true });
	const perMonth = Math.ceil(options.rows / months);
	let written = 0;
	files.forEach((file, m) => {
		const month = file.split('/').pop()!.slice(0, 7);
		const out: string[] = [header];
		for (let i = 0; i < perMonth && written < options.rows; i++, written++) {
			const row = [...lines[Math.floor(random() * lines.length)]];
			const asb = row[9] === 'Anti-social behaviour';
			row[0] = asb ? '' : createHash('sha256').update(`${seed}:${written}`).digest('hex');
			row[1] = month;
			out.push(row.map(quote).join(','));
		}
		writeFileSync(file, out.join('\n') + '\n');
	});
	writeFileSync(stamp, description);
	return files;
}
