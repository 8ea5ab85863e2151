/**
 * Files generated in the browser and saved by the user (nothing is uploaded, no external request):
 * any Blob, CSV or JSON text, and a PNG of a chart drawn by rendering its SVG onto a canvas. The
 * SVG is cloned with the computed styles of every element written inline, so the picture matches
 * the screen without the page's style sheets; it is then loaded from a blob: URL (allowed by the
 * Content-Security-Policy). Export file names for explore views: web/lib/explore/export-name.ts.
 */
import { wrapText } from '$lib/briefing/captions';

/** Save `blob` as `filename` (a temporary object URL on a clicked link, revoked a second later). */
export function downloadBlob(filename: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Save CSV text (UTF-8) as `filename`. */
export function downloadCsv(filename: string, csv: string): void {
	downloadBlob(filename, new Blob([csv], { type: 'text/csv;charset=utf-8' }));
}

/** Save text as `filename` with the given media type (JSON unless told). */
export function downloadText(filename: string, text: string, type = 'application/json'): void {
	downloadBlob(filename, new Blob([text], { type }));
}

const STYLE_PROPS = [
	'fill',
	'fill-opacity',
	'stroke',
	'stroke-width',
	'stroke-dasharray',
	'stroke-opacity',
	'opacity',
	'font-family',
	'font-size',
	'font-weight',
	'text-anchor',
	'dominant-baseline',
	'visibility',
	'display'
] as const;

/** A standalone SVG string of `svg`, computed styles inlined. */
export function standaloneSvg(svg: SVGSVGElement): { text: string; width: number; height: number } {
	const rect = svg.getBoundingClientRect();
	const width = Math.max(1, Math.round(rect.width));
	const height = Math.max(1, Math.round(rect.height));
	const clone = svg.cloneNode(true) as SVGSVGElement;
	const source = [svg, ...svg.querySelectorAll('*')];
	const target = [clone, ...clone.querySelectorAll('*')];
	source.forEach((el, i) => {
		const computed = getComputedStyle(el);
		const out = target[i] as SVGElement;
		const style = STYLE_PROPS.map((p) => `${p}:${computed.getPropertyValue(p)}`).join(';');
		out.setAttribute('style', style);
	});
	clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	clone.setAttribute('width', String(width));
	clone.setAttribute('height', String(height));
	// A white background, so the PNG reads the same on any viewer.
	const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
	bg.setAttribute('width', '100%');
	bg.setAttribute('height', '100%');
	bg.setAttribute('fill', '#ffffff');
	clone.insertBefore(bg, clone.firstChild);
	return { text: new XMLSerializer().serializeToString(clone), width, height };
}

/**
 * Caption lines drawn above a chart's picture, wrapped to its width: the first (the title) bold,
 * the last (sources and licences) small and muted, the others (period, categories) plain.
 * Returns the height used, CSS pixels; draws only when `draw`.
 */
function drawCaption(ctx: CanvasRenderingContext2D, lines: readonly string[], width: number, draw: boolean): number {
	const measure = (s: string) => ctx.measureText(s).width;
	let y = 0;
	lines.forEach((line, i) => {
		const title = i === 0;
		const small = i === lines.length - 1 && lines.length > 1;
		ctx.font = `${title ? '600 15px' : small ? '11px' : '13px'} system-ui, sans-serif`;
		ctx.fillStyle = small ? '#4f5863' : '#1b1f24';
		const step = title ? 20 : small ? 15 : 18;
		for (const l of wrapText(line, width - 16, measure)) {
			y += step;
			if (draw) ctx.fillText(l, 8, y - 5);
		}
	});
	return lines.length > 0 ? y + 8 : 0;
}

/**
 * PNG bytes of an SVG element, at device pixel ratio 2 for sharp text, with `caption` lines
 * (title, period, categories, sources: web/lib/briefing/captions.ts) above it when given.
 */
export async function svgToPng(svg: SVGSVGElement, scale = 2, caption: readonly string[] = []): Promise<Blob> {
	const { text, width, height } = standaloneSvg(svg);
	const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml;charset=utf-8' }));
	try {
		const image = new Image();
		image.decoding = 'sync';
		await new Promise<void>((resolve, reject) => {
			image.onload = () => resolve();
			image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
			image.src = url;
		});
		const probe = document.createElement('canvas').getContext('2d');
		if (!probe) throw new Error('this browser cannot draw on a canvas');
		const top = drawCaption(probe, caption, width, false);
		const canvas = document.createElement('canvas');
		canvas.width = width * scale;
		canvas.height = (height + top) * scale;
		const ctx = canvas.getContext('2d');
		if (!ctx) throw new Error('this browser cannot draw on a canvas');
		ctx.scale(scale, scale);
		ctx.fillStyle = '#ffffff';
		ctx.fillRect(0, 0, width, height + top);
		drawCaption(ctx, caption, width, true);
		ctx.drawImage(image, 0, top, width, height);
		return await new Promise<Blob>((resolve, reject) =>
			canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png')
		);
	} finally {
		URL.revokeObjectURL(url);
	}
}

/** Download the first SVG inside `container` as a PNG. */
export async function downloadPng(filename: string, container: HTMLElement | null | undefined, caption: readonly string[] = []): Promise<void> {
	// A chart is an image, or a grid of cells operable from the keyboard (matrix, heatmap).
	const svg = container?.querySelector('svg[role="img"], svg[role="grid"]') as SVGSVGElement | null;
	if (!svg) throw new Error('there is no chart to export');
	downloadBlob(filename, await svgToPng(svg, 2, caption));
}
