/**
 * Keyboard movement in a grid of cells (the WAI-ARIA APG grid pattern, roving tabindex): the
 * grid is one tab stop and these keys move the active cell. Pure, unit-tested; used by the
 * category × month matrix and the hour-of-week heatmap.
 */

export interface GridCell {
	row: number;
	col: number;
}

/**
 * The cell `key` moves to from `at` in a grid of `rows` × `cols`, or null when the key is not a
 * grid key (the caller then lets it through). Arrows move one cell and stop at the edges; Home /
 * End go to the row's first / last cell, with Ctrl (or ⌘) to the grid's first / last cell;
 * PageUp / PageDown move `page` rows. An empty grid moves nowhere (null).
 */
export function moveInGrid(key: string, at: GridCell, rows: number, cols: number, options: { ctrl?: boolean; page?: number } = {}): GridCell | null {
	if (rows <= 0 || cols <= 0) return null;
	const clampRow = (r: number) => Math.max(0, Math.min(rows - 1, r));
	const clampCol = (c: number) => Math.max(0, Math.min(cols - 1, c));
	const row = clampRow(at.row);
	const col = clampCol(at.col);
	const page = Math.max(1, options.page ?? 5);
	switch (key) {
		case 'ArrowRight':
			return { row, col: clampCol(col + 1) };
		case 'ArrowLeft':
			return { row, col: clampCol(col - 1) };
		case 'ArrowDown':
			return { row: clampRow(row + 1), col };
		case 'ArrowUp':
			return { row: clampRow(row - 1), col };
		case 'Home':
			return options.ctrl ? { row: 0, col: 0 } : { row, col: 0 };
		case 'End':
			return options.ctrl ? { row: rows - 1, col: cols - 1 } : { row, col: cols - 1 };
		case 'PageDown':
			return { row: clampRow(row + page), col };
		case 'PageUp':
			return { row: clampRow(row - page), col };
		default:
			return null;
	}
}
