/** Types shared by the Map view's components. */
export type BBox = [number, number, number, number];

/** What the map component offers its page once loaded. */
export interface MapApi {
	/** The map as a PNG (what is drawn now; `decorate` may draw a caption/legend below it and returns the bottom y). */
	toPng(decorate?: (ctx: CanvasRenderingContext2D, y: number, width: number) => number): Promise<Blob>;
	/** The current view W,S,E,N. */
	viewBounds(): BBox;
	zoomBy(delta: number): void;
}
