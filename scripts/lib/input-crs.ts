/**
 * The coordinate system of each input file for the extract builder: the one given with
 * `--crs` (an EPSG code such as EPSG:27700, or a `.prj` file), else the `.prj` beside the file
 * (`crimes.csv` → `crimes.prj`; `crimes.csv.gz` → `crimes.prj` or `crimes.csv.prj`), else WGS84
 * longitude/latitude. Resolution itself is analytics/ingest/crs.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { defaultFileCrs, resolveCrs, type FileCrs } from '../../analytics/ingest/crs';

/** `.prj` files that may sit beside an input file, most specific first. */
export function prjCandidates(path: string): string[] {
	const stem = path.replace(/\.gz$/i, '');
	const bare = stem.replace(/\.(csv|tsv|txt)$/i, '');
	return [...new Set([`${bare}.prj`, `${stem}.prj`])];
}

/**
 * Resolve `--crs`: an EPSG code among the systems offered, or the path of a `.prj` (WKT) file.
 *
 * @throws naming `--crs` (or the file) when the system is not offered or cannot be read.
 */
export function resolveDeclaredCrs(value: string): FileCrs {
	if (/\.prj$/i.test(value.trim()) || (existsSync(value) && !/^\s*(epsg\s*:\s*)?\d+\s*$/i.test(value))) {
		if (!existsSync(value)) throw new Error(`--crs ${value}: file not found; expected an EPSG code such as EPSG:27700 or a .prj file`);
		return { crs: resolveCrs(readFileSync(value, 'utf8'), value), origin: 'declared', prj: basename(value) };
	}
	return { crs: resolveCrs(value, '--crs'), origin: 'declared' };
}

/**
 * Each input's coordinate system, in the order of `paths`: `declared` for every file when
 * given, else the file's `.prj`, else WGS84.
 *
 * @throws naming the `.prj` when it cannot be read as a coordinate system proj4 can use.
 */
export function inputCrs(paths: readonly string[], declared?: FileCrs | null): FileCrs[] {
	return paths.map((path) => {
		if (declared) return declared;
		const prj = prjCandidates(path).find((p) => existsSync(p));
		if (!prj) return defaultFileCrs();
		return { crs: resolveCrs(readFileSync(prj, 'utf8'), prj), origin: 'prj', prj: basename(prj) };
	});
}
