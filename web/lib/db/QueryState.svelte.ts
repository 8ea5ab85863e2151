/**
 * The state of one query a component declares (mosaic style: components say what data they
 * need). Re-run with `run()` when its inputs change. Results are kept as raw (non-proxied)
 * state: they are replaced, never mutated.
 */
export class QueryState<T> {
	data = $state.raw<T | null>(null);
	error = $state<string | null>(null);
	loading = $state(true);
	#latest = 0;
	readonly #query: () => Promise<T>;

	constructor(query: () => Promise<T>) {
		this.#query = query;
		void this.run();
	}

	/** Run the query again; a slower earlier run can never overwrite a later one. */
	async run(): Promise<void> {
		const ticket = ++this.#latest;
		this.loading = true;
		try {
			const data = await this.#query();
			if (ticket !== this.#latest) return;
			this.data = data;
			this.error = null;
		} catch (error) {
			if (ticket !== this.#latest) return;
			this.error = error instanceof Error ? error.message : String(error);
		} finally {
			if (ticket === this.#latest) this.loading = false;
		}
	}
}
