/**
 * The Map view's downloads: the layer as GeoJSON (with its filters, classes and the force
 * area's outline), the cells table and the hot spots as CSV, and the map as PNG with its legend.
 * File names: `clearsight-map-<level>-<measure or hotspots>-<dataset>[-from-…][-to-…]`.
 */
import { toCsv, type ColumnFormats } from '$analytics/export/csv';
import { formatCount } from '$lib/charts/format';
import type { CellLevel, ExploreFilters, Measure } from '$analytics/explore/filters';
import type { Classes } from '$analytics/explore/classes';
import { CELL_TABLE_COLUMNS, layerGeoJson, type CellLayer, type CellTableRow, type ForceAreaShape, type GiStarResult } from '$analytics/explore/map';
import { downloadBlob, downloadCsv } from '$lib/app/download';
import { exportStem } from '../export-name';
import type { MapMode } from './layer-query';
import type { MapApi } from './types';

/** The file name stem of the map's downloads. */
export function mapFileStem(level: CellLevel | null, mode: MapMode, filters: ExploreFilters | null): string {
	const what = `map-${level ?? 'none'}-${mode === 'hotspots' ? 'hotspots' : (filters?.measure ?? 'count')}`;
	return exportStem(what, filters?.dataset ?? 'incidents', filters?.from ?? null, filters?.to ?? null);
}

/** What the GeoJSON export says about the layer besides its cells. */
export interface GeoJsonExport {
	stem: string;
	layer: CellLayer;
	level: CellLevel;
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
}

export function downloadLayerGeoJson(e: GeoJsonExport): void {
	const text = layerGeoJson(e.layer, {
		level: e.level,
		forceArea: e.forceShape ? { name: e.forceShape.name, outline: e.forceShape.outline } : null,
		measure: e.measure,
		measureLabel:
			e.mode === 'hotspots'
				? `Gi* z over the last ${e.hotMonths} months (class = Gi* bin −3…3; records = window total of ${e.measure === 'harm' ? 'harm, CCHI days' : 'records'})`
				: e.measureLabel,
		filters: e.filters,
		source: e.source,
		breaks: e.classes?.breaks ?? [],
		colours: e.classes?.colours ?? []
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

/** The cells table as shown (CELL_TABLE_COLUMNS), numbers rounded as on screen (toCsv formats). */
export function downloadCellsCsv(stem: string, rows: readonly CellTableRow[], formatValue: (v: number) => string = formatCount): void {
	downloadCsv(`${stem}.csv`, toCsv(rows, CELL_TABLE_COLUMNS, cellFormats(formatValue)));
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

/** The map as drawn, with the legend's title and items (and their cell counts) below it. */
export async function downloadMapPng(stem: string, api: MapApi, title: string, items: ReadonlyArray<{ label: string; colour: string; cells: number }>): Promise<void> {
	const blob = await api.toPng((ctx, y, width) => {
		const scale = window.devicePixelRatio || 1;
		ctx.save();
		ctx.scale(scale, scale);
		let yy = y / scale + 20;
		ctx.fillStyle = '#1b1f24';
		ctx.font = '600 14px system-ui, sans-serif';
		ctx.fillText(title, 12, yy);
		ctx.font = '13px system-ui, sans-serif';
		let x = 12;
		yy += 20;
		for (const item of items) {
			const text = `${item.label} (${item.cells})`;
			const w = 22 + ctx.measureText(text).width + 16;
			if (x + w > width / scale - 12) {
				x = 12;
				yy += 20;
			}
			ctx.fillStyle = item.colour;
			ctx.fillRect(x, yy - 11, 16, 12);
			ctx.strokeStyle = '#8c959f';
			ctx.strokeRect(x, yy - 11, 16, 12);
			ctx.fillStyle = '#1b1f24';
			ctx.fillText(text, x + 22, yy);
			x += w;
		}
		ctx.restore();
		return (yy + 14) * scale;
	});
	downloadBlob(`${stem}.png`, blob);
}
