/**
 * The boundary step's state (BoundaryStep.svelte) as pure functions, so the order of a user's
 * choices and the worker's answers can be tested without a browser.
 *
 * The file is read again (in the import worker) after every choice, and reading a large shapefile
 * takes seconds. A choice made while an earlier one is still being read must not be lost: each
 * choice is recorded at once, and every later request carries every field the user has chosen
 * (not the fields of the last answer, which may still be the detected ones). The latest request's
 * answer wins (BoundaryStep counts them); and nothing is imported while a request is pending.
 */
import type { BoundaryChoice, BoundaryInspection } from './boundary-file';

/** A field of the choice the user can set. */
export type BoundaryField = 'idField' | 'nameField' | 'crs';

export interface BoundaryState {
	/** The boundary file's parts as chosen (one file, or a shapefile's .shp, .dbf, .prj …). */
	files: File[];
	inspection: BoundaryInspection | null;
	choice: BoundaryChoice;
	/** True while the worker reads the file. */
	reading: boolean;
	/** The fields the user has chosen (absent or empty: all as detected). */
	chosen?: BoundaryField[];
}

export const EMPTY_BOUNDARY: BoundaryState = { files: [], inspection: null, choice: { idField: '', nameField: '', crs: '', label: '' }, reading: false, chosen: [] };

/**
 * The user chooses `change` (one or more fields): the state with it recorded at once and marked as
 * being read, and the request to read the file with (every field the user has chosen so far).
 */
export function chooseBoundaryField(state: BoundaryState, change: Partial<Pick<BoundaryChoice, BoundaryField>>): { state: BoundaryState; request: Partial<BoundaryChoice> } {
	const changed = (Object.keys(change) as BoundaryField[]).filter((k) => change[k] !== undefined);
	const chosen = [...new Set([...(state.chosen ?? []), ...changed])];
	const choice = { ...state.choice, ...change };
	const request: Partial<BoundaryChoice> = {};
	for (const k of chosen) request[k] = choice[k];
	return { state: { ...state, choice, chosen, reading: true }, request };
}

/**
 * The worker's answer to `request`: the fields as the file was read (the user's own where
 * chosen: the request carried them), the label kept when the user typed one.
 */
export function applyBoundaryInspection(state: BoundaryState, inspection: BoundaryInspection, request: Partial<BoundaryChoice>): BoundaryState {
	const label = state.choice.label.trim() !== '' ? state.choice.label : inspection.ok ? inspection.label : '';
	return {
		...state,
		reading: false,
		inspection,
		choice: inspection.ok
			? { idField: inspection.idField, nameField: inspection.nameField ?? inspection.idField, crs: request.crs ?? '', label }
			: { ...state.choice, crs: request.crs ?? '', label }
	};
}

/** The areas to import with, or null when no boundary file is ready (none, unreadable, or still being read). */
export function boundaryForImport(state: BoundaryState): { files: File[]; choice: BoundaryChoice } | null {
	if (state.files.length === 0 || state.reading || !state.inspection?.ok) return null;
	const i = state.inspection;
	return {
		files: state.files,
		// A system is passed only when the file does not declare one (a .prj's own WKT is read from the file).
		// The label as suggested by the file is recorded as the file's (label_from), a typed one as given.
		choice: { idField: i.idField, nameField: i.nameField ?? i.idField, crs: state.choice.crs || (i.crsAsked ? i.crs : ''), label: state.choice.label.trim() === i.label ? '' : state.choice.label.trim() }
	};
}
