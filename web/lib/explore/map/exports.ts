/**
 * The Map view's downloads: the layer as GeoJSON (with its filters, classes and the force
 * area's outline), the cells table and the hot spots as CSV, and the map as PNG with its title,
 * period, categories, legend, north arrow, scale bar and the data's sources and licences.
 * File names: `clearsight-map-<level>-<measure or hotspots>-<dataset>[-from-…][-to-…]`.
 */
import { asShown, toCsv, type ColumnFormats } from '$analytics/export/csv';
import type { Row } from '$analytics/runner';
import { formatCount } from '$lib/charts/format';
import type { CellLevel, ExploreFilters, Measure } from '$analytics/explore/filters';
import type { Classes } from '$analytics/explore/classes';
import { CELL_TABLE_COLUMNS, cellTableRows, layerGeoJson, type CellLayer, type CellTableRow, type ForceAreaShape, type GiStarResult } from '$analytics/explore/map';
import { downloadBlob, downloadCsv } from '$lib/app/download';
import { exportStem } from '../export-name';
import type { MapMode } from './layer-query';
import type { MapApi } from './types';
import { wrapText } from '$lib/briefing/captions';
import { withCellComparison } from '$analytics/compare/cells';
import type { Comparison } from '$analytics/compare/periods';
import { formatAmount, formatDifference } from '$lib/compare/format';
import type { ScaleBar } from '$lib/briefing/scale-bar';

/** The file name stem of the map's downloads. */
export function mapFileStem(level: CellLevel | null, mode: MapMode, filters: ExploreFilters | null, areaSet?: string): string {
	// The source's own area set by its label ("map-wards-count"), when it has one of its own.
	const named = level === 'district' && areaSet ? areaSet.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') : '';
	const what = `map-${named || (level ?? 'none')}-${mode === 'hotspots' ? 'hotspots' : (filters?.measure ?? 'count')}`;
	return exportStem(what, filters?.dataset ?? 'incidents', filters?.from ?? null, filters?.to ?? null);
}

/** What the GeoJSON export says about the layer besides its cells. */
export interface GeoJsonExport {
	stem: string;
	layer: CellLayer;
	level: CellLevel;
	/** The level in words (the area set's own label for districts). */
	levelLabel?: string;
	mode: MapMode;
	measure: Measure;
	measureLabel: string;
	/** Hot spots: months of the window. */
	hotMonths: number;
	forceShape: ForceAreaShape | null;
	/** The filters as URL parameters (shareable form). */
	filters: string;
	source: string;
	classes: Classes | null;
	/** The period comparison chosen (values mode): its columns are added to each cell's properties. */
	comparison?: CellsComparison | null;
	/** Whether the cells carry harm (harmApplies: street crime and ASB on a value layer). */
	harm: boolean;
}

/** A period comparison of the cells: each cell's records in the comparison period, and the periods compared. */
export interface CellsComparison {
	values: ReadonlyMap<string, number | null>;
	periods: Comparison;
}

/**
 * The comparison's formats, the ones the table and the comparison panel show: the comparison's
 * records as formatAmount (whole, or a seasonal mean to one decimal), the difference as
 * formatDifference (the change measure's value), each written as a plain number by toCsv.
 */
function comparisonFormats(names: { comparison: string; difference: string }): ColumnFormats {
	return { [names.comparison]: (v) => formatAmount(v), [names.difference]: (v) => formatDifference(v) };
}

/**
 * The cells table's rows and columns, with the comparison's two columns after `records` when one
 * is chosen; without `harm` (a dataset CCHI does not weigh: stop and search, other incidents) and
 * without its column, as the table on screen.
 */
export function cellsTable(
	rows: readonly CellTableRow[],
	formatValue: (v: number) => string,
	comparison?: CellsComparison | null,
	harm = true
): { rows: readonly Row[]; columns: readonly string[]; formats: ColumnFormats } {
	const base = harm ? CELL_TABLE_COLUMNS : CELL_TABLE_COLUMNS.filter((c) => c !== 'harm');
	if (!comparison) return { rows, columns: base, formats: cellFormats(formatValue) };
	const c = withCellComparison(rows, base, comparison.values, comparison.periods);
	return { rows: c.rows, columns: c.columns, formats: { ...cellFormats(formatValue), ...comparisonFormats(c.names) } };
}

export function downloadLayerGeoJson(e: GeoJsonExport): void {
	const text = layerGeoJson(e.layer, {
		level: e.level,
		levelLabel: e.levelLabel,
		forceArea: e.forceShape ? { name: e.forceShape.name, outline: e.forceShape.outline } : null,
		measure: e.measure,
		measureLabel:
			e.mode === 'hotspots'
				? `Gi* z over the last ${e.hotMonths} months (class = Gi* bin −3…3; records = window total of ${e.measure === 'harm' ? 'harm, CCHI days' : 'records'})`
				: e.measureLabel,
		filters: e.filters,
		source: e.source,
		breaks: e.classes?.breaks ?? [],
		colours: e.classes?.colours ?? [],
		comparison: e.comparison && e.mode === 'values' ? geoJsonComparison(e.layer, e.comparison) : null,
		harm: e.harm
	});
	downloadBlob(`${e.stem}.geojson`, new Blob([text], { type: 'application/geo+json' }));
}

/**
 * The cells table's number formats, the ones CellTable.svelte shows: whole records, harm and
 * residents (formatCount), and the measure's own format for the value (MapExplorer's
 * formatValue, the very function the table is given).
 */
export function cellFormats(formatValue: (v: number) => string): ColumnFormats {
	return { records: formatCount, records_outside: formatCount, harm: formatCount, population: formatCount, value: formatValue };
}

/**
 * The comparison's properties of each cell for the GeoJSON, rounded as the table shows them
 * (asShown, read back as numbers), and the periods in words.
 */
function geoJsonComparison(layer: CellLayer, comparison: CellsComparison) {
	const c = withCellComparison(cellTableRows(layer), [], comparison.values, comparison.periods);
	const formats = comparisonFormats(c.names);
	const shown = (v: number | null, name: string) => (v === null ? null : Number(asShown(v, formats[name])));
	const properties = new Map(
		c.rows.map((r) => [r.cell_id, { [c.names.comparison]: shown(r[c.names.comparison], c.names.comparison), [c.names.difference]: shown(r[c.names.difference], c.names.difference) }])
	);
	return { words: comparison.periods.words, basis: comparison.periods.basis, properties };
}

/**
 * The cells table as shown (CELL_TABLE_COLUMNS), numbers rounded as on screen (toCsv formats);
 * with a comparison, its records and the difference after `records`, named with the periods.
 */
export function cellsCsvText(rows: readonly CellTableRow[], formatValue: (v: number) => string = formatCount, comparison?: CellsComparison | null, harm = true): string {
	const t = cellsTable(rows, formatValue, comparison, harm);
	return toCsv(t.rows, t.columns, t.formats);
}

export function downloadCellsCsv(stem: string, rows: readonly CellTableRow[], formatValue: (v: number) => string = formatCount, comparison?: CellsComparison | null, harm = true): void {
	downloadCsv(`${stem}.csv`, cellsCsvText(rows, formatValue, comparison, harm));
}

const HOT_SPOT_COLUMNS = ['cell_id', 'total', 'z', 'p', 'q', 'bin', 'class', 'confidence', 'trend', 'trend_s', 'trend_p'] as const;

/** Every tested cell of a hot-spot result, with its Gi* z, p, FDR q, bin, class and Mann–Kendall trend. */
export function downloadGiStarsCsv(stem: string, hot: GiStarResult): void {
	const out = hot.cells.map((c) => ({
		cell_id: c.id,
		total: c.total,
		z: c.z,
		p: c.p,
		q: c.q,
		bin: c.bin,
		class: c.class,
		confidence: c.confidence,
		trend: c.trend,
		trend_s: c.trendS,
		trend_p: c.trendP
	}));
	downloadCsv(`${stem}.csv`, toCsv(out, [...HOT_SPOT_COLUMNS]));
}

/** What a map PNG carries besides the map: caption lines (captions.ts captionLines), legend, scale. */
export interface MapPicture {
	/** Title, what and when, categories, attribution: drawn in that order, wrapped to the width. */
	lines: string[];
	legendTitle: string;
	items: ReadonlyArray<{ label: string; colour: string; cells: number }>;
	/** The scale bar for the map's centre latitude and zoom (scale-bar.ts), in CSS pixels; null: none drawn. */
	scale: ScaleBar | null;
}

const TEXT = '#1b1f24';
const FONT = 'system-ui, sans-serif';
const MARGIN = 12;

/** The north arrow (north is up: no bearing) with its N, at (x, y) its top centre, CSS pixels. */
function drawNorthArrow(ctx: CanvasRenderingContext2D, x: number, y: number): void {
	ctx.fillStyle = 'rgba(255,255,255,0.85)';
	ctx.fillRect(x - 14, y - 4, 28, 50);
	ctx.fillStyle = TEXT;
	ctx.beginPath();
	ctx.moveTo(x, y);
	ctx.lineTo(x + 9, y + 24);
	ctx.lineTo(x, y + 18);
	ctx.lineTo(x - 9, y + 24);
	ctx.closePath();
	ctx.fill();
	ctx.font = `700 13px ${FONT}`;
	ctx.textAlign = 'center';
	ctx.fillText('N', x, y + 40);
	ctx.textAlign = 'left';
}

/** The scale bar with "0" and its length, bottom left at (x, y), CSS pixels. */
function drawScaleBar(ctx: CanvasRenderingContext2D, bar: ScaleBar, x: number, y: number): void {
	ctx.fillStyle = 'rgba(255,255,255,0.85)';
	ctx.fillRect(x - 6, y - 22, bar.pixels + 60, 30);
	ctx.strokeStyle = TEXT;
	ctx.lineWidth = 2;
	ctx.beginPath();
	ctx.moveTo(x, y - 6);
	ctx.lineTo(x, y + 2);
	ctx.lineTo(x + bar.pixels, y + 2);
	ctx.lineTo(x + bar.pixels, y - 6);
	ctx.stroke();
	ctx.fillStyle = TEXT;
	ctx.font = `12px ${FONT}`;
	ctx.fillText('0', x - 3, y - 9);
	ctx.textAlign = 'center';
	ctx.fillText(bar.label, x + bar.pixels, y - 9);
	ctx.textAlign = 'left';
}

/**
 * Lay out (and with `draw`, draw) the caption, legend and attribution below the map, from `top`
 * (CSS pixels) on a canvas `width` CSS pixels wide; returns the bottom.
 */
function layoutCaption(ctx: CanvasRenderingContext2D, p: MapPicture, top: number, width: number, draw: boolean): number {
	const measure = (s: string) => ctx.measureText(s).width;
	const [title, ...rest] = p.lines;
	const attribution = rest.pop() ?? '';
	let y = top + 22;
	const text = (line: string, font: string, step: number) => {
		ctx.font = font;
		for (const l of wrapText(line, width - 2 * MARGIN, measure)) {
			if (draw) ctx.fillText(l, MARGIN, y);
			y += step;
		}
	};
	ctx.fillStyle = TEXT;
	if (title) text(title, `600 15px ${FONT}`, 20);
	for (const line of rest) text(line, `13px ${FONT}`, 18);
	y += 4;
	text(p.legendTitle, `600 13px ${FONT}`, 20);
	ctx.font = `13px ${FONT}`;
	let x = MARGIN;
	for (const item of p.items) {
		const label = `${item.label} (${item.cells})`;
		const w = 22 + measure(label) + 16;
		if (x + w > width - MARGIN && x > MARGIN) {
			x = MARGIN;
			y += 20;
		}
		if (draw) {
			ctx.fillStyle = item.colour;
			ctx.fillRect(x, y - 11, 16, 12);
			ctx.strokeStyle = '#8c959f';
			ctx.lineWidth = 1;
			ctx.strokeRect(x, y - 11, 16, 12);
			ctx.fillStyle = TEXT;
			ctx.fillText(label, x + 22, y);
		}
		x += w;
	}
	y += 24;
	ctx.fillStyle = '#4f5863';
	text(attribution, `11px ${FONT}`, 15);
	ctx.fillStyle = TEXT;
	return y;
}

/**
 * The map as drawn, with a north arrow and scale bar over it and below it the title, what and
 * when, the categories, the legend (with each class's cell count) and the sources and licences.
 */
export async function downloadMapPng(stem: string, api: MapApi, picture: MapPicture): Promise<void> {
	const map = await createImageBitmap(await api.toPng());
	const scale = window.devicePixelRatio || 1;
	const width = map.width / scale;
	const probe = document.createElement('canvas').getContext('2d');
	if (!probe) throw new Error('this browser cannot draw on a canvas');
	const mapHeight = map.height / scale;
	const bottom = layoutCaption(probe, picture, mapHeight, width, false);
	const canvas = document.createElement('canvas');
	canvas.width = map.width;
	canvas.height = Math.ceil((bottom + 8) * scale);
	const ctx = canvas.getContext('2d')!;
	ctx.fillStyle = '#ffffff';
	ctx.fillRect(0, 0, canvas.width, canvas.height);
	ctx.drawImage(map, 0, 0);
	ctx.scale(scale, scale);
	drawNorthArrow(ctx, width - 30, 14);
	if (picture.scale && picture.scale.pixels < width - 80) drawScaleBar(ctx, picture.scale, MARGIN + 6, mapHeight - 14);
	layoutCaption(ctx, picture, mapHeight, width, true);
	const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
	downloadBlob(`${stem}.png`, blob);
}
