/**
 * The local review log: the hash-chained entries of analytics/review kept in localStorage, with
 * the head (last seq and hash) under a separate key so entries removed from the end are
 * detected too. Loaded and verified once per page load. Corrupt stored state is reported with
 * what verification found and is never dropped: the reviewer can export it as it is, and only
 * starting a new log (an explicit action) sets it aside, under a backup key.
 *
 * Keys: `clearsight:review-log:v1` (JSON array of entries), `clearsight:review-head:v1`
 * (JSON { seq, hash } or absent), `clearsight:review-log:v1:set-aside:<ISO time>` (backups).
 */
import { appendReview, exportReviewLog, verifyReviewLog, type ReviewEntry, type ReviewHead, type ReviewInput, type ReviewVerification } from '$analytics/review';

export const REVIEW_LOG_KEY = 'clearsight:review-log:v1';
export const REVIEW_HEAD_KEY = 'clearsight:review-head:v1';
export const REVIEW_SET_ASIDE_PREFIX = `${REVIEW_LOG_KEY}:set-aside:`;

export type ReviewLogStatus = 'loading' | 'ok' | 'corrupt';

class ReviewLogStore {
	status = $state<ReviewLogStatus>('loading');
	entries = $state.raw<ReviewEntry[]>([]);
	verification = $state.raw<ReviewVerification | null>(null);
	/** Why the stored text could not be read at all (not JSON, not a list). */
	readError = $state<string | null>(null);
	/** The stored text as found, kept for export when it is corrupt. */
	rawText = $state<string | null>(null);
	#loading: Promise<void> | null = null;

	/** Load and verify the stored log (once). */
	load(): Promise<void> {
		this.#loading ??= this.#read();
		return this.#loading;
	}

	async #read(): Promise<void> {
		const text = localStorage.getItem(REVIEW_LOG_KEY);
		const headText = localStorage.getItem(REVIEW_HEAD_KEY);
		this.rawText = text;
		this.readError = null;
		if (text === null) {
			this.entries = [];
			this.verification = await verifyReviewLog([], parseHead(headText));
			this.status = this.verification.ok ? 'ok' : 'corrupt';
			return;
		}
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch (e) {
			this.readError = `the stored review log is not valid JSON (${(e as Error).message})`;
			this.status = 'corrupt';
			return;
		}
		if (!Array.isArray(parsed)) {
			this.readError = 'the stored review log is not a list of entries';
			this.status = 'corrupt';
			return;
		}
		this.verification = await verifyReviewLog(parsed, parseHead(headText));
		this.entries = parsed as ReviewEntry[];
		this.status = this.verification.ok ? 'ok' : 'corrupt';
	}

	/** Append a decision (only to a verified log) and store it with its head. */
	async append(input: ReviewInput): Promise<ReviewEntry> {
		await this.load();
		if (this.status !== 'ok') throw new Error('the stored review log failed verification; export it or start a new log first');
		const next = await appendReview(this.entries, input);
		this.#store(next);
		return next[next.length - 1];
	}

	/** Replace the local log with a verified one (e.g. an import). */
	async replace(entries: ReviewEntry[]): Promise<void> {
		const v = await verifyReviewLog(entries);
		if (!v.ok) throw new Error(`not replaced: ${v.problems[0]?.message ?? 'verification failed'}`);
		if (this.rawText !== null && this.status === 'corrupt') this.#setAside();
		this.#store(entries);
	}

	/** Set the stored (corrupt) log aside under a backup key and start an empty one. */
	startNew(): void {
		if (this.rawText !== null) this.#setAside();
		localStorage.removeItem(REVIEW_LOG_KEY);
		localStorage.removeItem(REVIEW_HEAD_KEY);
		this.rawText = null;
		this.readError = null;
		this.entries = [];
		this.verification = { ok: true, entries: 0, head: null, problems: [] };
		this.status = 'ok';
	}

	/** The export file of the log (a verified log) or, when corrupt, the stored text as found. */
	exportText(): string {
		if (this.status === 'ok') return exportReviewLog(this.entries);
		return this.rawText ?? '';
	}

	#setAside() {
		localStorage.setItem(`${REVIEW_SET_ASIDE_PREFIX}${new Date().toISOString()}`, JSON.stringify({ log: this.rawText, head: localStorage.getItem(REVIEW_HEAD_KEY) }));
	}

	#store(entries: ReviewEntry[]) {
		const text = JSON.stringify(entries);
		localStorage.setItem(REVIEW_LOG_KEY, text);
		const last = entries[entries.length - 1];
		if (last) localStorage.setItem(REVIEW_HEAD_KEY, JSON.stringify({ seq: last.seq, hash: last.hash } satisfies ReviewHead));
		else localStorage.removeItem(REVIEW_HEAD_KEY);
		this.rawText = text;
		this.entries = entries;
		this.verification = { ok: true, entries: entries.length, head: last ? { seq: last.seq, hash: last.hash } : null, problems: [] };
		this.status = 'ok';
	}
}

function parseHead(text: string | null): ReviewHead | null {
	if (!text) return null;
	try {
		const h = JSON.parse(text) as ReviewHead;
		return h && typeof h.seq === 'number' && typeof h.hash === 'string' ? h : null;
	} catch {
		return null;
	}
}

/** The one review log of this browser. */
export const reviewLog = new ReviewLogStore();

/** Labels of the decisions. */
export const DECISION_LABELS: Record<ReviewEntry['decision'], string> = {
	agree: 'Agree',
	raise: 'Raise priority',
	lower: 'Lower priority',
	data_problem: 'Data problem'
};
