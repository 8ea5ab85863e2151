/**
 * The Mosaic side of the linked-filter bench (npm run bench, scripts/bench/mosaic.ts): the Map
 * and Time views' questions as `@uwdata/mosaic-core` clients over the same pre-aggregate tables
 * our views read (`explore_points`, `explore_hours`), cross-filtered by one Selection that the
 * filter bar's two inputs (period, categories) publish clauses to, as vgplot inputs do. Used by
 * the browser page (page.ts) and the Node check (mosaic.test.ts). Bench only: never imported
 * by the app.
 *
 * Views (what our pages ask on every filter change):
 * - `monthCategory`: records per month and category (our trend and matrix share this question);
 * - `hours`: records per hour of week (timestamped datasets only, like ours);
 * - `cells`: records per map cell at one level (our map layer also computes harm, the records
 *   outside the force area and population; this client counts only).
 *
 * Clauses: the period is an interval clause on `month_index` with an identity scale (Mosaic's
 * PreAggregator bins it to `active0 = floor(month_index - first)`, exact for whole months);
 * the categories are a point clause (`category IN …`; none chosen = no clause = every category,
 * as ours).
 */
import {
	MosaicClient,
	Selection,
	clauseInterval,
	clausePoints,
	type ArrowQueryRequest,
	type Connector,
	type ConnectorQueryRequest,
	type Coordinator,
	type ExecQueryRequest,
	type SelectionClause
} from '@uwdata/mosaic-core';
import { Query, column, eq, isNotNull, literal, sum, type FilterExpr } from '@uwdata/mosaic-sql';

/**
 * A Mosaic connector over a DuckDB-wasm connection we already hold: `run(sql)` gives the
 * result as Arrow IPC bytes (DuckDB-wasm's `runQuery`, as mosaic's own wasm connector calls it).
 * `onExec` hears every statement run for no result (the PreAggregator's CREATE TABLEs) and its time.
 */
export function ipcConnector(run: (sql: string) => Uint8Array | Promise<Uint8Array>, onExec?: (sql: string, ms: number) => void): Connector {
	function query(request: ArrowQueryRequest): Promise<Uint8Array>;
	function query(request: ExecQueryRequest): Promise<void>;
	async function query({ type, sql }: ConnectorQueryRequest): Promise<Uint8Array | void> {
		const started = performance.now();
		const bytes = await run(sql);
		if (type !== 'exec') return bytes;
		onExec?.(sql, performance.now() - started);
	}
	return { query };
}

export type ViewName = 'monthCategory' | 'hours' | 'cells';

interface ViewSpec {
	table: 'explore_points' | 'explore_hours';
	/** Output name → source column (group-by dimensions). */
	dims: Record<string, string>;
	/** A column that must not be null (the cell of the map layer, the hour of week). */
	notNull?: string;
}

/** The aggregate column holding each map level (the same map as analytics/explore LEVEL_COLUMN). */
const LEVEL: Record<string, string> = { h3_7: 'h3_r7', h3_8: 'h3_r8', h3_9: 'h3_r9', lsoa: 'lsoa_code', district: 'district_id' };

export function viewSpec(view: ViewName, level: string): ViewSpec {
	switch (view) {
		case 'monthCategory':
			return { table: 'explore_points', dims: { month_index: 'month_index', category: 'category' } };
		case 'hours':
			return { table: 'explore_hours', dims: { hour_of_week: 'hour_of_week' }, notNull: 'hour_of_week' };
		case 'cells': {
			const col = LEVEL[level];
			if (!col) throw new Error(`unknown level ${level}`);
			return { table: 'explore_points', dims: { cell_id: col }, notNull: col };
		}
	}
}

/** An answer as a map from the group key (JSON of the dimension values) to its count. */
export type Answer = Map<string, number>;

interface ArrowLike {
	numRows: number;
	getChild(name: string): { at(i: number): unknown } | null;
}

/** A client counting records by its view's dimensions, keeping its latest answer. */
export class CountClient extends MosaicClient {
	answers = 0;
	errors: string[] = [];
	data: Answer = new Map();
	private waiters: Array<() => void> = [];
	readonly spec: ViewSpec;

	constructor(
		selection: Selection,
		readonly view: ViewName,
		readonly dataset: string,
		level: string
	) {
		super(selection);
		this.spec = viewSpec(view, level);
	}

	query(filter?: FilterExpr | null): Query {
		const { table, dims, notNull } = this.spec;
		const select: Record<string, unknown> = {};
		for (const [name, col] of Object.entries(dims)) select[name] = column(col);
		const q = Query.from(table)
			.select({ ...select, n: sum('n') } as Parameters<ReturnType<typeof Query.from>['select']>[0])
			.where(eq(column('dataset'), literal(this.dataset)));
		if (notNull) q.where(isNotNull(column(notNull)));
		if (filter) q.where(filter);
		return q.groupby(...Object.keys(dims));
	}

	queryResult(data: unknown): this {
		const t = data as ArrowLike;
		const names = Object.keys(this.spec.dims);
		const cols = names.map((n) => t.getChild(n)!);
		const ns = t.getChild('n')!;
		const out: Answer = new Map();
		for (let i = 0; i < t.numRows; i++) out.set(JSON.stringify(cols.map((c) => plain(c.at(i)))), Number(ns.at(i)));
		this.data = out;
		return this.answered();
	}

	queryError(error: Error): this {
		this.errors.push(error.message);
		return this.answered();
	}

	/** Resolves at this client's next answer (or error). */
	nextAnswer(): Promise<void> {
		return new Promise((ok) => this.waiters.push(ok));
	}

	private answered(): this {
		this.answers++;
		const w = this.waiters;
		this.waiters = [];
		for (const ok of w) ok();
		return this;
	}
}

/** Dimension values as plain JSON values (BigInt and decimals as numbers). */
function plain(v: unknown): unknown {
	if (typeof v === 'bigint') return Number(v);
	return v ?? null;
}

/** The filter bar's two inputs: each publishes its own clause to the shared Selection. */
export interface FilterInputs {
	selection: Selection;
	period: { id: 'period' };
	categories: { id: 'categories' };
	/** First and last month index of the dataset (the period input's domain). */
	first: number;
	last: number;
}

export function filterInputs(first: number, last: number): FilterInputs {
	return { selection: Selection.crossfilter(), period: { id: 'period' }, categories: { id: 'categories' }, first, last };
}

/** The period input's clause: `from` (a month index) to the dataset's last month, or none. */
export function periodClause(inputs: FilterInputs, from: number | null): SelectionClause {
	return clauseInterval('month_index', from === null ? null : [from, inputs.last], {
		source: inputs.period,
		scale: { type: 'identity', domain: [inputs.first, inputs.last] }
	});
}

/** The category input's clause: the chosen categories, or none (= every category). */
export function categoryClause(inputs: FilterInputs, categories: readonly string[]): SelectionClause {
	return clausePoints(['category'], categories.length > 0 ? categories.map((c) => [c]) : null, { source: inputs.categories });
}

/** The clause of the one input whose value differs between two states (null: none differs). */
export function changeClause(
	inputs: FilterInputs,
	prev: { from: number | null; categories: readonly string[] },
	next: { from: number | null; categories: readonly string[] }
): SelectionClause | null {
	if (prev.from !== next.from) return periodClause(inputs, next.from);
	if (prev.categories.join('\u0000') !== next.categories.join('\u0000')) return categoryClause(inputs, next.categories);
	return null;
}

/** Publish a clause and wait until every client has its answer. */
export async function publish(inputs: FilterInputs, clients: readonly CountClient[], clause: SelectionClause): Promise<void> {
	const answered = Promise.all(clients.map((c) => c.nextAnswer()));
	inputs.selection.update(clause);
	await answered;
}

/**
 * Mosaic's activation, as its inputs do on pointer-enter or focus: the PreAggregator builds the
 * tables for the input about to change; resolves when they are made.
 */
export async function activate(coordinator: Coordinator, inputs: FilterInputs, clause: SelectionClause): Promise<void> {
	inputs.selection.activate(clause);
	const made = [...coordinator.preaggregator.entries.values()].map((e) => (e && 'result' in e && e.result ? Promise.resolve(e.result).catch(() => {}) : null));
	await Promise.all(made);
}

/** Publish one filter change (the input whose value changed); false when nothing changed. */
export async function applyChange(
	inputs: FilterInputs,
	clients: readonly CountClient[],
	prev: { from: number | null; categories: readonly string[] },
	next: { from: number | null; categories: readonly string[] }
): Promise<boolean> {
	const clause = changeClause(inputs, prev, next);
	if (!clause) return false;
	await publish(inputs, clients, clause);
	return true;
}

/** Connect the clients and wait for every first answer. */
export async function connectAll(coordinator: Coordinator, clients: readonly CountClient[]): Promise<void> {
	const first = Promise.all(clients.map((c) => c.nextAnswer()));
	for (const c of clients) coordinator.connect(c);
	await first;
}

/** Our views' answers in the same form (zero counts left out, as a GROUP BY has none). */
export const ours = {
	monthCategory(c: { months: string[]; categories: Array<string | null>; counts: number[][] }, monthIndex: (m: string) => number): Answer {
		const out: Answer = new Map();
		c.categories.forEach((cat, ci) => c.months.forEach((m, mi) => c.counts[ci][mi] > 0 && out.set(JSON.stringify([monthIndex(m), cat]), c.counts[ci][mi])));
		return out;
	},
	hours(h: { available: boolean; counts: number[] }): Answer {
		const out: Answer = new Map();
		if (h.available) h.counts.forEach((n, i) => n > 0 && out.set(JSON.stringify([i]), n));
		return out;
	},
	cells(rows: ReadonlyArray<{ cell_id: string; n: number }>): Answer {
		return new Map(rows.filter((r) => r.n > 0).map((r) => [JSON.stringify([r.cell_id]), r.n]));
	}
};

/** Differences between two answers (at most `max`, each as one line); empty when equal. */
export function differences(a: Answer, b: Answer, max = 3): string[] {
	const out: string[] = [];
	for (const [k, v] of a) if (b.get(k) !== v && out.length < max) out.push(`${k}: ours ${v}, Mosaic ${b.get(k) ?? 'none'}`);
	for (const [k, v] of b) if (!a.has(k) && out.length < max) out.push(`${k}: ours none, Mosaic ${v}`);
	if (a.size !== b.size && out.length < max) out.push(`groups: ours ${a.size}, Mosaic ${b.size}`);
	return out;
}
