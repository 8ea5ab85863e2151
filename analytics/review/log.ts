/**
 * The human review log: a reviewer's decision on an area for a month (agree, raise, lower,
 * data problem) with a reason. Append-only and hash-chained: each entry's hash is SHA-256 over
 * the canonical JSON of the entry (every field but `hash`, including `prev_hash`), so changing,
 * removing or reordering any entry breaks the chain where it happened, and verification says
 * where and how. Decisions annotate scores; nothing here reads or changes a score.
 */
import { canonicalJson, sha256Hex } from './hash';

export const REVIEW_DECISIONS = ['agree', 'raise', 'lower', 'data_problem'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** `format` field of an exported log. */
export const REVIEW_LOG_FORMAT = 'clearsight-review-log';

/** What a reviewer records. */
export interface ReviewInput {
	/** LSOA code or H3 cell reviewed. */
	area_id: string;
	/** Assessment month reviewed, YYYY-MM. */
	month: string;
	decision: ReviewDecision;
	/** Why, in the reviewer's words (required). */
	reason: string;
	/** Who (name or collar number, as the force decides). */
	reviewer: string;
	/** Model id and version of the score reviewed. */
	model_id: string;
	model_version: string;
	/** When, ISO 8601; default now. */
	at?: string;
}

/** One entry of the log. */
export interface ReviewEntry {
	/** Position in the chain: 0, 1, 2 … */
	seq: number;
	area_id: string;
	month: string;
	decision: ReviewDecision;
	reason: string;
	reviewer: string;
	/** When the decision was recorded, ISO 8601 (UTC). */
	at: string;
	model_id: string;
	model_version: string;
	/** hash of the previous entry; GENESIS_HASH for the first. */
	prev_hash: string;
	/** SHA-256 (hex) of the canonical JSON of every other field. */
	hash: string;
}

/** The last entry of a chain, kept apart from the log (e.g. in local storage) to detect removal at the end. */
export interface ReviewHead {
	seq: number;
	hash: string;
}

export type ReviewProblemKind = 'malformed' | 'edited' | 'removed' | 'reordered' | 'duplicated' | 'truncated';

export interface ReviewProblem {
	/** Position in the list checked (0-based); -1 for a problem with the end of the log. */
	index: number;
	/** The entry's seq, when it has one. */
	seq: number | null;
	kind: ReviewProblemKind;
	message: string;
}

export interface ReviewVerification {
	ok: boolean;
	entries: number;
	/** Last entry's seq and hash; null for an empty log. */
	head: ReviewHead | null;
	/** In list order; empty when ok. */
	problems: ReviewProblem[];
}

/** Thrown when a log cannot be read or appended to; carries the verification when there is one. */
export class ReviewLogError extends Error {
	constructor(
		message: string,
		readonly verification: ReviewVerification | null = null
	) {
		super(message);
		this.name = 'ReviewLogError';
	}
}

const HEX64 = /^[0-9a-f]{64}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const FIELDS = ['seq', 'area_id', 'month', 'decision', 'reason', 'reviewer', 'at', 'model_id', 'model_version', 'prev_hash', 'hash'] as const;

/** The hash an entry should carry: SHA-256 of the canonical JSON of all its fields but `hash`. */
export async function entryHash(entry: Omit<ReviewEntry, 'hash'>): Promise<string> {
	const { seq, area_id, month, decision, reason, reviewer, at, model_id, model_version, prev_hash } = entry;
	return sha256Hex(canonicalJson({ seq, area_id, month, decision, reason, reviewer, at, model_id, model_version, prev_hash }));
}

/** Problems with a reviewer's input, in words; empty when it can be recorded. */
export function reviewInputProblems(input: ReviewInput): string[] {
	const problems: string[] = [];
	if (typeof input.area_id !== 'string' || input.area_id.trim() === '') problems.push('area_id is required');
	if (typeof input.month !== 'string' || !MONTH.test(input.month)) problems.push(`month must be YYYY-MM, got ${JSON.stringify(input.month)}`);
	if (!(REVIEW_DECISIONS as readonly string[]).includes(input.decision)) problems.push(`decision must be one of ${REVIEW_DECISIONS.join(', ')}, got ${JSON.stringify(input.decision)}`);
	if (typeof input.reason !== 'string' || input.reason.trim().length < 3) problems.push('a reason is required (at least 3 characters)');
	if (typeof input.reviewer !== 'string' || input.reviewer.trim() === '') problems.push('reviewer is required');
	if (typeof input.model_id !== 'string' || input.model_id === '') problems.push('model_id is required');
	if (typeof input.model_version !== 'string' || input.model_version === '') problems.push('model_version is required');
	if (input.at !== undefined && (typeof input.at !== 'string' || Number.isNaN(Date.parse(input.at)))) problems.push(`at must be an ISO 8601 date-time, got ${JSON.stringify(input.at)}`);
	return problems;
}

/**
 * A new log with `input` appended (the given array is not modified; entries are frozen). The
 * existing log is verified first: appending to a broken chain would bury the break, so that
 * throws a ReviewLogError carrying the verification. Also throws for invalid input.
 * `options.now` supplies the time when input.at is absent (default: the clock).
 */
export async function appendReview(log: readonly ReviewEntry[], input: ReviewInput, { now = () => new Date() }: { now?: () => Date } = {}): Promise<ReviewEntry[]> {
	const problems = reviewInputProblems(input);
	if (problems.length) throw new ReviewLogError(`review not recorded: ${problems.join('; ')}`);
	const check = await verifyReviewLog(log);
	if (!check.ok) throw new ReviewLogError(`review not recorded: the log is broken (${check.problems[0].message})`, check);
	const last = log[log.length - 1];
	const body: Omit<ReviewEntry, 'hash'> = {
		seq: last ? last.seq + 1 : 0,
		area_id: input.area_id,
		month: input.month,
		decision: input.decision,
		reason: input.reason,
		reviewer: input.reviewer,
		at: new Date(input.at ?? now().toISOString()).toISOString(),
		model_id: input.model_id,
		model_version: input.model_version,
		prev_hash: last ? last.hash : GENESIS_HASH
	};
	const entry = Object.freeze({ ...body, hash: await entryHash(body) });
	return [...log, entry];
}

function malformed(value: unknown): string | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
	const e = value as Record<string, unknown>;
	for (const f of FIELDS) if (!(f in e)) return `missing field "${f}"`;
	for (const k of Object.keys(e)) if (!(FIELDS as readonly string[]).includes(k)) return `unexpected field "${k}"`;
	if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) return 'seq is not a whole number ≥ 0';
	for (const f of FIELDS) if (f !== 'seq' && typeof e[f] !== 'string') return `${f} is not a string`;
	if (!HEX64.test(e.hash as string)) return 'hash is not 64 hex digits';
	if (!HEX64.test(e.prev_hash as string)) return 'prev_hash is not 64 hex digits';
	if (!(REVIEW_DECISIONS as readonly string[]).includes(e.decision as string)) return `unknown decision ${JSON.stringify(e.decision)}`;
	return null;
}

/**
 * Check a chain and report every break with its position and kind:
 * - 'edited': an entry's content no longer matches its hash, or it was changed and re-hashed
 *   (then the next entry's link to it is what breaks; the problem names the changed entry);
 * - 'removed': entries are missing (a gap in seq, or the chain does not start at seq 0);
 * - 'reordered': an entry links to an entry other than the one before it;
 * - 'duplicated': the same entry appears twice;
 * - 'truncated': `head` (kept elsewhere) names a later entry than the log ends with — entries
 *   removed from the end leave no gap in the chain, so only a head kept apart can show them;
 * - 'malformed': an entry lacks fields or has wrong types (its hash is not checked).
 * Pure apart from hashing; never throws for a bad log.
 */
export async function verifyReviewLog(entries: readonly unknown[], head?: ReviewHead | null): Promise<ReviewVerification> {
	const problems: ReviewProblem[] = [];
	const ok: (ReviewEntry | null)[] = entries.map((e, i) => {
		const why = malformed(e);
		if (why) {
			problems.push({ index: i, seq: typeof (e as ReviewEntry)?.seq === 'number' ? (e as ReviewEntry).seq : null, kind: 'malformed', message: `entry at position ${i + 1} is malformed: ${why}` });
			return null;
		}
		return e as ReviewEntry;
	});
	const byHash = new Map<string, number>();
	for (const [i, e] of ok.entries()) {
		if (!e) continue;
		if (byHash.has(e.hash)) {
			problems.push({ index: i, seq: e.seq, kind: 'duplicated', message: `entry #${e.seq} at position ${i + 1} repeats the entry at position ${byHash.get(e.hash)! + 1}` });
		} else byHash.set(e.hash, i);
		const expected = await entryHash(e);
		if (expected !== e.hash) {
			problems.push({ index: i, seq: e.seq, kind: 'edited', message: `entry #${e.seq} (position ${i + 1}) was changed after it was recorded: its content no longer matches its hash` });
		}
	}
	for (const [i, e] of ok.entries()) {
		if (!e) continue;
		const prev = i > 0 ? ok[i - 1] : null;
		if (i > 0 && !prev) continue; // already reported as malformed
		const expectedPrev = prev ? prev.hash : GENESIS_HASH;
		if (e.prev_hash === expectedPrev) continue;
		if (problems.some((p) => p.index === i && p.kind === 'duplicated')) continue;
		const linked = byHash.get(e.prev_hash);
		if (linked !== undefined && linked !== i - 1) {
			problems.push({
				index: i,
				seq: e.seq,
				kind: 'reordered',
				message: `entry #${e.seq} (position ${i + 1}) is out of order: it was recorded after entry #${ok[linked]!.seq}, which is at position ${linked + 1}`
			});
		} else if (e.prev_hash === GENESIS_HASH) {
			problems.push({ index: i, seq: e.seq, kind: 'reordered', message: `entry #${e.seq} (position ${i + 1}) is out of order: it was recorded first` });
		} else if (!prev && e.seq > 0) {
			problems.push({ index: i, seq: e.seq, kind: 'removed', message: `the log starts at entry #${e.seq}: ${e.seq === 1 ? 'entry #0 is' : `entries #0–#${e.seq - 1} are`} missing` });
		} else if (prev && e.seq > prev.seq + 1) {
			problems.push({
				index: i,
				seq: e.seq,
				kind: 'removed',
				message: `${e.seq - prev.seq - 1 === 1 ? `entry #${prev.seq + 1} is` : `entries #${prev.seq + 1}–#${e.seq - 1} are`} missing between #${prev.seq} (position ${i}) and #${e.seq} (position ${i + 1})`
			});
		} else if (prev) {
			if (!problems.some((p) => p.index === i - 1 && p.kind === 'edited')) {
				problems.push({
					index: i - 1,
					seq: prev.seq,
					kind: 'edited',
					message: `entry #${prev.seq} (position ${i}) was changed and re-hashed: entry #${e.seq} no longer links to it`
				});
			}
		} else {
			problems.push({ index: i, seq: e.seq, kind: 'edited', message: `entry #${e.seq} (position 1) does not start the chain: its prev_hash was changed` });
		}
	}
	const last = [...ok].reverse().find((e) => e !== null) ?? null;
	const logHead = last ? { seq: last.seq, hash: last.hash } : null;
	if (head) {
		if (!logHead || logHead.seq < head.seq) {
			problems.push({
				index: -1,
				seq: head.seq,
				kind: 'truncated',
				message: `entries after ${logHead ? `#${logHead.seq}` : 'the start'} are missing: the log should end with entry #${head.seq}`
			});
		} else if (!(entries.length > 0 && (ok.findIndex((e) => e?.hash === head.hash) >= 0))) {
			problems.push({ index: -1, seq: head.seq, kind: 'edited', message: `entry #${head.seq} is not the one recorded: its hash differs from the stored head` });
		}
	}
	problems.sort((a, b) => (a.index === -1 ? Infinity : a.index) - (b.index === -1 ? Infinity : b.index));
	return { ok: problems.length === 0, entries: entries.length, head: logHead, problems };
}

/** The exported file. */
export interface ReviewLogFile {
	format: typeof REVIEW_LOG_FORMAT;
	version: 1;
	exported_at: string;
	/** The last entry at export, so a copy that lost its last entries is detected on import. */
	head: ReviewHead | null;
	entries: ReviewEntry[];
}

/** The log as a JSON file (pretty-printed, entries in chain order); `options.now` stamps exported_at. An empty log exports with head null. */
export function exportReviewLog(entries: readonly ReviewEntry[], { now = () => new Date() }: { now?: () => Date } = {}): string {
	const last = entries[entries.length - 1];
	const file: ReviewLogFile = {
		format: REVIEW_LOG_FORMAT,
		version: 1,
		exported_at: now().toISOString(),
		head: last ? { seq: last.seq, hash: last.hash } : null,
		entries: [...entries]
	};
	return JSON.stringify(file, null, '\t') + '\n';
}

/** What an import found. */
export interface ReviewImport {
	/** The entries as read, in file order; use them only when verification.ok. */
	entries: ReviewEntry[];
	verification: ReviewVerification;
	/** The head written in the file. */
	fileHead: ReviewHead | null;
}

/**
 * Read an exported log and verify it: the chain itself, against the head written in the file,
 * and against `knownHead` (e.g. the head stored locally before) when given. A tampered file is
 * not an exception: the result says exactly where the chain breaks, and the caller decides;
 * nothing is silently dropped. Throws a ReviewLogError only when the text is not a review log
 * at all (not JSON, wrong format or version, no entries array).
 */
export async function importReviewLog(text: string, knownHead?: ReviewHead | null): Promise<ReviewImport> {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new ReviewLogError(`not a review log: the file is not valid JSON (${(e as Error).message})`);
	}
	const file = data as Partial<ReviewLogFile>;
	if (file && typeof file === 'object' && (file as { format?: unknown }).format === 'clearsight-review-panel-log')
		throw new ReviewLogError('this is a merged panel log, not a single review log: open it with "Merge review logs"');
	if (!file || typeof file !== 'object' || file.format !== REVIEW_LOG_FORMAT) throw new ReviewLogError(`not a review log: expected "format": "${REVIEW_LOG_FORMAT}"`);
	if (file.version !== 1) throw new ReviewLogError(`unsupported review log version ${JSON.stringify(file.version)}; this build reads version 1`);
	if (!Array.isArray(file.entries)) throw new ReviewLogError('not a review log: "entries" is not a list');
	const fileHead = file.head && typeof file.head === 'object' ? (file.head as ReviewHead) : null;
	const verification = await verifyReviewLog(file.entries, fileHead);
	if (knownHead) {
		const againstKnown = await verifyReviewLog(file.entries, knownHead);
		for (const p of againstKnown.problems) {
			if (p.index === -1) verification.problems.push({ ...p, message: `${p.message} (compared with the head stored before)` });
		}
		verification.ok = verification.problems.length === 0;
	}
	return { entries: file.entries as ReviewEntry[], verification, fileHead };
}

/**
 * The latest decision per area for one month (entries in chain order; later ones win), for
 * showing beside a ranking. Scores are not touched: this is only a lookup.
 */
export function latestDecisions(entries: readonly ReviewEntry[], month: string): Map<string, ReviewEntry> {
	const out = new Map<string, ReviewEntry>();
	for (const e of entries) if (e.month === month) out.set(e.area_id, e);
	return out;
}
