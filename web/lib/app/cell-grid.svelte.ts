/**
 * The keyboard and hover behaviour of a grid of cells drawn in SVG (the category × month matrix,
 * the hour-of-week heatmap), one implementation for both: the WAI-ARIA APG grid pattern with a
 * roving tabindex (the grid is one tab stop; keys of `grid-keys.ts` move the active cell; Enter
 * or Space does what a click does), a focus ring for keyboard focus, and the cell whose figure
 * the shared `Tooltip` shows, beside the pointer or beside the focused cell.
 *
 * Cells are elements with `data-row` and `data-col` inside an element with role="grid"; the
 * focus handlers go on the grid, the key handler on the grid or on each cell.
 */
import { moveInGrid, type GridCell } from './grid-keys';
import { elementAnchor, type TooltipAnchor } from './tooltip';

export interface CellGridOptions {
	/** The grid's current size (rows × columns). */
	size: () => { rows: number; cols: number };
	/** What Enter or Space on a cell does (the same as a click); none: nothing. */
	activate?: (cell: GridCell) => void;
}

export class CellGrid {
	/** The grid's one tab stop. */
	active = $state<GridCell>({ row: 0, col: 0 });
	/** The cell with keyboard focus, for its ring (drawn last, over its neighbours). */
	ring = $state<GridCell | null>(null);
	/** The cell whose figure is shown, and where. */
	shown = $state<(GridCell & { anchor: TooltipAnchor }) | null>(null);

	#options: CellGridOptions;

	constructor(options: CellGridOptions) {
		this.#options = options;
	}

	/** 0 for the active cell (kept inside the grid when it shrinks), -1 for the others. */
	tabindex(row: number, col: number): 0 | -1 {
		const { rows, cols } = this.#options.size();
		const r = Math.min(this.active.row, Math.max(0, rows - 1));
		const c = Math.min(this.active.col, Math.max(0, cols - 1));
		return row === r && col === c ? 0 : -1;
	}

	/** Where the figure goes, or null (nothing shown, or the cell is no longer in the grid). */
	get anchor(): TooltipAnchor | null {
		const s = this.shown;
		if (!s) return null;
		const { rows, cols } = this.#options.size();
		return s.row < rows && s.col < cols ? s.anchor : null;
	}

	/** The cell an event happened on, or null. */
	static cellOf(target: EventTarget | null): GridCell | null {
		if (!(target instanceof Element)) return null;
		const el = target.closest('[data-row][data-col]');
		if (!(el instanceof Element)) return null;
		const row = Number(el.getAttribute('data-row'));
		const col = Number(el.getAttribute('data-col'));
		return Number.isInteger(row) && Number.isInteger(col) ? { row, col } : null;
	}

	onkeydown = (event: KeyboardEvent) => {
		const at = CellGrid.cellOf(event.target);
		if (!at) return;
		if (event.key === 'Enter' || event.key === ' ') {
			event.preventDefault();
			this.#options.activate?.(at);
			return;
		}
		if (event.key === 'Escape') {
			this.shown = null;
			return;
		}
		const { rows, cols } = this.#options.size();
		const next = moveInGrid(event.key, at, rows, cols, { ctrl: event.ctrlKey || event.metaKey });
		if (!next) return;
		event.preventDefault();
		this.active = next;
		const grid = (event.target as Element).closest('[role="grid"]') ?? (event.currentTarget as Element);
		grid.querySelector<SVGElement | HTMLElement>(`[data-row="${next.row}"][data-col="${next.col}"]`)?.focus();
	};

	onfocusin = (event: FocusEvent) => {
		const at = CellGrid.cellOf(event.target);
		if (!at) return;
		const el = event.target as Element;
		this.active = at;
		this.ring = el.matches(':focus-visible') ? at : null;
		this.shown = { ...at, anchor: elementAnchor(el) };
	};

	onfocusout = () => {
		this.ring = null;
		this.shown = null;
	};

	/** A pointer over a cell: its figure beside the pointer. */
	hover(cell: GridCell, event: PointerEvent): void {
		this.shown = { ...cell, anchor: { x: event.clientX, y: event.clientY } };
	}

	/** The pointer left a cell. */
	leave = () => {
		this.shown = null;
	};

	/** A click on a cell makes it the tab stop, then does what Enter does. */
	click(cell: GridCell): void {
		this.active = cell;
		this.#options.activate?.(cell);
	}
}
