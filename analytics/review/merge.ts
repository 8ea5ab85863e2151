/**
 * A panel's review log: the logs of several reviewers merged without losing or hiding an entry.
 *
 * Each log is kept whole, as its own hash chain (never re-chained or re-hashed), so every entry
 * keeps its reviewer, its chain and its place in it, and every chain can still be checked on its
 * own. Merging verifies every chain; builds one view of the distinct entries (an entry found in
 * two logs is shown once and listed as a duplicate); lists the areas and months on which the
 * entries differ in decision or reviewer, every entry kept, side by side; lists entries that claim
 * the same place in the same chain with different content (a copy changed, or a chain continued
 * in two places); and computes one combined hash over all chains ({@link COMBINED_HASH_CONSTRUCTION}).
 * A chain that fails verification is reported with its problems (entry and reason) and its entries
 * are kept, marked unverified. Pure apart from hashing.
 */
import { canonicalJson, sha256Hex } from './hash';
import {
	GENESIS_HASH,
	REVIEW_DECISIONS,
	REVIEW_LOG_FORMAT,
	ReviewLogError,
	entryHash,
	importReviewLog,
	verifyReviewLog,
	type ReviewDecision,
	type ReviewEntry,
	type ReviewHead,
	type ReviewProblem,
	type ReviewVerification
} from './log';

/** `format` field of an exported panel (merged) log. */
export const REVIEW_PANEL_FORMAT = 'clearsight-review-panel-log';

/** How the combined hash is built, written into every exported panel log. */
export const COMBINED_HASH_CONSTRUCTION =
	'SHA-256 (hex) of the canonical JSON (object keys sorted, no whitespace) of the list of chain records, one per log, ' +
	'the list sorted by each record’s own canonical JSON. A chain record is {"entries_sha256", "head_hash", "head_seq", "reviewers"}: ' +
	'SHA-256 of the canonical JSON of the log’s entries exactly as written, in file order; the hash and seq of the head the log was ' +
	'exported with (its last entry when it carried no head; null for an empty log); and the distinct reviewer names in the log, sorted. ' +
	'Labels (file names) are not covered.';

/** One log to merge: its entries exactly as read (they may be tampered or malformed) and the head written with it. */
export interface ReviewLogSource {
	/** What the report calls it: the file name, or "panel file › log" for a log read from a panel file. */
	label: string;
	entries: readonly unknown[];
	/** The head the log was exported with (file head or the browser's stored head); null when none. Checked against. */
	head: ReviewHead | null;
}

/** What the combined hash covers for one log. */
export interface ChainRecord {
	/** SHA-256 (hex) of the canonical JSON of the entries as written, in file order. */
	entries_sha256: string;
	/** The head's hash: the head exported with the log, else its last entry's; null for an empty log. */
	head_hash: string | null;
	head_seq: number | null;
	/** Distinct reviewer names in the log, sorted (UTF-16 code units). */
	reviewers: string[];
}

/** One log in the merge report. */
export interface MergedSource {
	label: string;
	/** The log as given (its entries exactly as read), for export. */
	source: ReviewLogSource;
	/** Distinct reviewer names in order of first appearance. */
	reviewers: string[];
	/** Entries read from the log (none dropped). */
	entries: number;
	head: ReviewHead | null;
	/** Its chain checked on its own (against its head when it carried one). */
	verification: ReviewVerification;
	record: ChainRecord;
	/** How many of its entries are also in another log, or twice in this one. */
	sharedEntries: number;
}

/** Where an entry was read. */
export interface EntryOccurrence {
	/** Index into ReviewMerge.sources. */
	source: number;
	/** 0-based position in that log. */
	position: number;
	/** Whether that log's chain verified whole. */
	chainVerified: boolean;
}

/** A distinct entry of the merged view. */
export interface MergedEntry {
	/** Canonical JSON of the entry as written: two entries are the same entry when these are equal. */
	key: string;
	/** The entry as written; when !wellFormed some fields may be missing or of the wrong type. */
	entry: ReviewEntry;
	wellFormed: boolean;
	/** Every log and position it was read at, in merge order; more than one makes it a duplicate. */
	occurrences: EntryOccurrence[];
	/** True when at least one log holding it verified whole. */
	verified: boolean;
	/** Whether its content still matches its own hash (false when malformed). */
	hashMatches: boolean;
	/** Problems verification named at this entry, in any log, each with the log's label. */
	problems: Array<ReviewProblem & { source: number }>;
}

/** Entries on the same area and month that differ in decision or reviewer: all kept, shown side by side. */
export interface ReviewConflict {
	area_id: string;
	month: string;
	/** 'decisions-differ' when the entries hold more than one decision; else 'reviewers-differ'. */
	kind: 'decisions-differ' | 'reviewers-differ';
	decisions: ReviewDecision[];
	reviewers: string[];
	/** Oldest first (by `at`). */
	entries: MergedEntry[];
}

/**
 * Entries that claim the same place in the same chain (same hash, or same seq after the same
 * previous entry) but differ in content: one copy was changed, or the chain was continued in
 * two places (a log imported into two browsers). Every copy is kept.
 */
export interface DivergentEntries {
	seq: number;
	/** The fields whose values differ between the copies. */
	fields: string[];
	copies: MergedEntry[];
}

export interface ReviewMerge {
	sources: MergedSource[];
	/** Distinct entries, by month, area, time recorded, then merge order. */
	entries: MergedEntry[];
	/** The distinct entries read more than once. */
	duplicates: MergedEntry[];
	conflicts: ReviewConflict[];
	divergent: DivergentEntries[];
	counts: {
		/** Entries read, over all logs. */
		read: number;
		distinct: number;
		/** read − distinct: copies of an entry already in the merge, each shown once. */
		duplicateCopies: number;
		/** Distinct entries no verified log holds. */
		unverified: number;
	};
	/** See COMBINED_HASH_CONSTRUCTION. */
	combinedHash: string;
}

const FIELDS = ['seq', 'area_id', 'month', 'decision', 'reason', 'reviewer', 'at', 'model_id', 'model_version', 'prev_hash', 'hash'] as const;

function field(value: unknown, name: string): unknown {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function text(value: unknown, name: string): string {
	const v = field(value, name);
	return typeof v === 'string' ? v : '';
}

/** Distinct reviewer names of a log in order of first appearance (entries without a string reviewer are skipped). */
export function logReviewers(entries: readonly unknown[]): string[] {
	const seen = new Set<string>();
	for (const e of entries) {
		const r = field(e, 'reviewer');
		if (typeof r === 'string') seen.add(r);
	}
	return [...seen];
}

function headOf(source: ReviewLogSource): { head_hash: string | null; head_seq: number | null } {
	if (source.head) return { head_hash: source.head.hash, head_seq: source.head.seq };
	const last = source.entries[source.entries.length - 1];
	const hash = field(last, 'hash');
	const seq = field(last, 'seq');
	return { head_hash: typeof hash === 'string' ? hash : null, head_seq: typeof seq === 'number' ? seq : null };
}

/** The chain record of one log (what the combined hash covers for it). */
export async function chainRecord(source: ReviewLogSource): Promise<ChainRecord> {
	return {
		entries_sha256: await sha256Hex(canonicalJson(source.entries)),
		...headOf(source),
		reviewers: logReviewers(source.entries).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
	};
}

/**
 * The combined hash over all chains (see COMBINED_HASH_CONSTRUCTION): independent of the order
 * of the logs and of their labels; changes when any entry, head or reviewer of any log changes,
 * or a log is added or removed. An empty list hashes the canonical JSON `[]`.
 */
export async function combinedReviewHash(sources: readonly ReviewLogSource[]): Promise<string> {
	return combine(await Promise.all(sources.map(chainRecord)));
}

async function combine(records: readonly ChainRecord[]): Promise<string> {
	const sorted = records.map(canonicalJson).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return sha256Hex(`[${sorted.join(',')}]`);
}

function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Merge review logs. Nothing is dropped: every entry of every log is in `entries` (identical
 * entries once, with every place they were read), every log is verified on its own (against the
 * head it carried), and a log that fails keeps its entries, marked unverified unless another log
 * that verifies holds the identical entry. Logs are taken in the order given (the report's
 * order); the combined hash does not depend on it. Never throws for a bad log.
 */
export async function mergeReviewLogs(sources: readonly ReviewLogSource[]): Promise<ReviewMerge> {
	const merged: MergedSource[] = [];
	const byKey = new Map<string, MergedEntry>();
	let read = 0;
	for (const [s, source] of sources.entries()) {
		const verification = await verifyReviewLog(source.entries, source.head);
		const problemsAt = new Map<number, ReviewProblem[]>();
		for (const p of verification.problems) if (p.index >= 0) problemsAt.set(p.index, [...(problemsAt.get(p.index) ?? []), p]);
		for (const [position, raw] of source.entries.entries()) {
			read++;
			const key = canonicalJson(raw);
			let m = byKey.get(key);
			if (!m) {
				const wellFormed = !verification.problems.some((p) => p.index === position && p.kind === 'malformed');
				const hashMatches = wellFormed && (await entryHash(raw as ReviewEntry)) === (raw as ReviewEntry).hash;
				m = { key, entry: raw as ReviewEntry, wellFormed, occurrences: [], verified: false, hashMatches, problems: [] };
				byKey.set(key, m);
			}
			m.occurrences.push({ source: s, position, chainVerified: verification.ok });
			m.verified ||= verification.ok;
			for (const p of problemsAt.get(position) ?? []) m.problems.push({ ...p, source: s });
		}
		merged.push({
			label: source.label,
			source,
			reviewers: logReviewers(source.entries),
			entries: source.entries.length,
			head: source.head,
			verification,
			record: await chainRecord(source),
			sharedEntries: 0
		});
	}
	const entries = [...byKey.values()].sort(
		(a, b) =>
			compareText(text(a.entry, 'month'), text(b.entry, 'month')) ||
			compareText(text(a.entry, 'area_id'), text(b.entry, 'area_id')) ||
			compareText(text(a.entry, 'at'), text(b.entry, 'at')) ||
			a.occurrences[0].source - b.occurrences[0].source ||
			a.occurrences[0].position - b.occurrences[0].position
	);
	const duplicates = entries.filter((e) => e.occurrences.length > 1);
	for (const d of duplicates) for (const o of d.occurrences) merged[o.source].sharedEntries++;

	return {
		sources: merged,
		entries,
		duplicates,
		conflicts: findConflicts(entries),
		divergent: findDivergent(entries),
		counts: { read, distinct: entries.length, duplicateCopies: read - entries.length, unverified: entries.filter((e) => !e.verified).length },
		combinedHash: await combine(merged.map((m) => m.record))
	};
}

function findConflicts(entries: readonly MergedEntry[]): ReviewConflict[] {
	const groups = new Map<string, MergedEntry[]>();
	for (const e of entries) {
		if (!e.wellFormed) continue;
		const k = `${e.entry.month}\u0000${e.entry.area_id}`;
		groups.set(k, [...(groups.get(k) ?? []), e]);
	}
	const out: ReviewConflict[] = [];
	for (const group of groups.values()) {
		const decisions = REVIEW_DECISIONS.filter((d) => group.some((e) => e.entry.decision === d));
		const reviewers = [...new Set(group.map((e) => e.entry.reviewer))];
		if (decisions.length < 2 && reviewers.length < 2) continue;
		out.push({
			area_id: group[0].entry.area_id,
			month: group[0].entry.month,
			kind: decisions.length > 1 ? 'decisions-differ' : 'reviewers-differ',
			decisions,
			reviewers,
			entries: [...group].sort((a, b) => compareText(a.entry.at, b.entry.at))
		});
	}
	return out;
}

function findDivergent(entries: readonly MergedEntry[]): DivergentEntries[] {
	// Union-find over two claims to a place in a chain: the same recorded hash, and the same seq
	// after the same previous entry (every chain starts after GENESIS_HASH, so that claim is
	// ignored for first entries: independent logs all start there).
	const parent = entries.map((_, i) => i);
	const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
	const claimed = new Map<string, number>();
	for (const [i, e] of entries.entries()) {
		if (!e.wellFormed) continue;
		const claims = [`hash:${e.entry.hash}`];
		if (e.entry.prev_hash !== GENESIS_HASH) claims.push(`after:${e.entry.prev_hash}:${e.entry.seq}`);
		for (const c of claims) {
			const j = claimed.get(c);
			if (j === undefined) claimed.set(c, i);
			else parent[find(i)] = find(j);
		}
	}
	const groups = new Map<number, MergedEntry[]>();
	for (const [i, e] of entries.entries()) if (e.wellFormed) groups.set(find(i), [...(groups.get(find(i)) ?? []), e]);
	const out: DivergentEntries[] = [];
	for (const copies of groups.values()) {
		if (copies.length < 2) continue;
		const fields = FIELDS.filter((f) => new Set(copies.map((c) => canonicalJson(c.entry[f]))).size > 1);
		out.push({ seq: copies[0].entry.seq, fields, copies });
	}
	return out;
}

/** One log as written into a panel file. */
export interface ReviewPanelLog {
	label: string;
	reviewers: string[];
	head: ReviewHead | null;
	/** Whether the chain verified when the panel log was exported (recomputed on import, never trusted). */
	verified: boolean;
	entries: unknown[];
}

/** The exported panel (merged) log. */
export interface ReviewPanelFile {
	format: typeof REVIEW_PANEL_FORMAT;
	version: 1;
	exported_at: string;
	combined_hash: { algorithm: 'SHA-256'; construction: string; value: string };
	/** For a person reading the file; recomputed on import. */
	summary: { logs: number; entries_read: number; distinct_entries: number; duplicate_copies: number; unverified_logs: number; conflicts: number; divergent: number };
	logs: ReviewPanelLog[];
}

/**
 * The merged log as a JSON file: every log whole (entries exactly as read, its head and
 * reviewers), the combined hash with its construction, and a summary. `options.now` stamps
 * exported_at.
 */
export function exportReviewPanelLog(merge: ReviewMerge, { now = () => new Date() }: { now?: () => Date } = {}): string {
	const file: ReviewPanelFile = {
		format: REVIEW_PANEL_FORMAT,
		version: 1,
		exported_at: now().toISOString(),
		combined_hash: { algorithm: 'SHA-256', construction: COMBINED_HASH_CONSTRUCTION, value: merge.combinedHash },
		summary: {
			logs: merge.sources.length,
			entries_read: merge.counts.read,
			distinct_entries: merge.counts.distinct,
			duplicate_copies: merge.counts.duplicateCopies,
			unverified_logs: merge.sources.filter((s) => !s.verification.ok).length,
			conflicts: merge.conflicts.length,
			divergent: merge.divergent.length
		},
		logs: merge.sources.map((m) => ({ label: m.label, reviewers: m.reviewers, head: m.head, verified: m.verification.ok, entries: [...m.source.entries] }))
	};
	return JSON.stringify(file, null, '\t') + '\n';
}

/** What checking a panel file's combined hash found. */
export interface PanelHashCheck {
	/** The hash written in the file (null when missing). */
	stated: string | null;
	/** Recomputed from the logs in the file. */
	computed: string;
	/** stated === computed and every log's `verified` claim agrees with a fresh verification. */
	ok: boolean;
	/** In words; empty when ok. */
	problems: string[];
}

/** A file read for merging: its logs, and for a panel file the check of its combined hash. */
export interface ReviewFileRead {
	kind: 'log' | 'panel';
	sources: ReviewLogSource[];
	/** Only for a panel file. */
	hashCheck: PanelHashCheck | null;
}

function isHead(value: unknown): value is ReviewHead {
	return !!value && typeof value === 'object' && typeof (value as ReviewHead).seq === 'number' && typeof (value as ReviewHead).hash === 'string';
}

/**
 * Read a single review log (format clearsight-review-log, as exported since version 1) or a
 * panel log (clearsight-review-panel-log) for merging. A panel file's combined hash is
 * recomputed from its logs and compared with the one written in it, and each log's `verified`
 * claim with a fresh verification; a mismatch is reported in `hashCheck`, and the logs are still
 * returned (nothing dropped). Throws a ReviewLogError only when the text is neither kind of file.
 * `label` names the file in the report.
 */
export async function readReviewFile(text: string, label: string): Promise<ReviewFileRead> {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (e) {
		throw new ReviewLogError(`not a review log: the file is not valid JSON (${(e as Error).message})`);
	}
	if (field(data, 'format') !== REVIEW_PANEL_FORMAT) {
		if (field(data, 'format') !== REVIEW_LOG_FORMAT) throw new ReviewLogError(`not a review log: expected "format": "${REVIEW_LOG_FORMAT}" or "${REVIEW_PANEL_FORMAT}"`);
		const single = await importReviewLog(text);
		return { kind: 'log', sources: [{ label, entries: single.entries, head: single.fileHead }], hashCheck: null };
	}
	const file = data as Partial<ReviewPanelFile>;
	if (file.version !== 1) throw new ReviewLogError(`unsupported panel log version ${JSON.stringify(file.version)}; this build reads version 1`);
	if (!Array.isArray(file.logs)) throw new ReviewLogError('not a panel log: "logs" is not a list');
	const problems: string[] = [];
	const sources: ReviewLogSource[] = file.logs.map((log, i) => {
		const name = typeof field(log, 'label') === 'string' ? (log.label as string) : `log ${i + 1}`;
		let entries = field(log, 'entries');
		if (!Array.isArray(entries)) {
			problems.push(`${name}: "entries" is not a list; read as an empty log`);
			entries = [];
		}
		return { label: `${label} › ${name}`, entries: entries as unknown[], head: isHead(field(log, 'head')) ? (log.head as ReviewHead) : null };
	});
	const check = await verifyReviewPanel(file, sources);
	return { kind: 'panel', sources, hashCheck: { ...check, problems: [...problems, ...check.problems], ok: check.ok && problems.length === 0 } };
}

async function verifyReviewPanel(file: Partial<ReviewPanelFile>, sources: readonly ReviewLogSource[]): Promise<PanelHashCheck> {
	const stated = typeof file.combined_hash?.value === 'string' ? file.combined_hash.value : null;
	const computed = await combinedReviewHash(sources);
	const problems: string[] = [];
	if (stated === null) problems.push('the file carries no combined hash');
	else if (stated !== computed)
		problems.push(
			`the combined hash written in the file (${stated.slice(0, 12)}…) does not match the one recomputed from its logs (${computed.slice(0, 12)}…): ` +
				'a log was changed, added or removed after the merged log was exported'
		);
	for (const [i, s] of sources.entries()) {
		const claimed = field(file.logs?.[i], 'verified');
		const actual = (await verifyReviewLog(s.entries, s.head)).ok;
		if (typeof claimed === 'boolean' && claimed !== actual)
			problems.push(`${s.label}: the file says its chain ${claimed ? 'verified' : 'failed verification'}, but it ${actual ? 'verifies' : 'does not verify'} now`);
	}
	return { stated, computed, ok: problems.length === 0, problems };
}

/**
 * Check an exported panel log on its own: recompute the combined hash from the logs in the file
 * and compare it with the one written there (and each log's `verified` claim with a fresh
 * verification). Throws a ReviewLogError when the text is not a panel log.
 */
export async function verifyReviewPanelFile(text: string): Promise<PanelHashCheck> {
	const read = await readReviewFile(text, 'panel log');
	if (read.kind !== 'panel' || !read.hashCheck) throw new ReviewLogError(`not a panel log: expected "format": "${REVIEW_PANEL_FORMAT}"`);
	return read.hashCheck;
}
