/**
 * Merging the review logs of a panel: every chain verified, nothing dropped, duplicates kept once
 * and listed, conflicting decisions on an area and month kept side by side, and a combined hash
 * recomputed here by hand (node:crypto over the construction written in merge.ts).
 *
 * Logs (areas are City of London LSOAs, the shipped sample's force area):
 * - A: Insp. Okafor, 3 entries, exported by the first version of exportReviewLog (commit 0fd2f11)
 *   and kept as fixtures/legacy-v1-okafor.json: the backwards-compatibility case.
 * - B: PS Rahman, 2 entries; #0 lowers E01000001 for 2019-06, which A raised (a conflict).
 * - C: Okafor's browser exported later: A's 3 entries plus one (duplicates of A).
 * - T: B with entry #1's decision edited in the JSON (agree → raise), hash left (tampered).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from './hash';
import { appendReview, entryHash, exportReviewLog, importReviewLog, type ReviewEntry, type ReviewHead } from './log';
import {
	COMBINED_HASH_CONSTRUCTION,
	combinedReviewHash,
	exportReviewPanelLog,
	mergeReviewLogs,
	readReviewFile,
	verifyReviewPanelFile,
	type ReviewLogSource,
	type ReviewMerge
} from './merge';

const LEGACY = readFileSync(new URL('./fixtures/legacy-v1-okafor.json', import.meta.url), 'utf8');
const clock = (iso: string) => () => new Date(iso);
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const headOf = (entries: readonly ReviewEntry[]): ReviewHead => ({ seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash });
/** The chain record written out key by key (keys in sorted order), not through canonicalJson. */
const record = (entries: readonly unknown[], head: ReviewHead, reviewers: string[]) =>
	`{"entries_sha256":${JSON.stringify(sha(canonicalJson(entries)))},"head_hash":${JSON.stringify(head.hash)},"head_seq":${head.seq},"reviewers":${JSON.stringify(reviewers)}}`;

let A: ReviewEntry[];
let B: ReviewEntry[];
let C: ReviewEntry[];
let T: ReviewEntry[];
let sources: ReviewLogSource[];
let merge: ReviewMerge;

beforeAll(async () => {
	A = (await importReviewLog(LEGACY)).entries;
	B = [];
	B = await appendReview(B, { area_id: 'E01000001', month: '2019-06', decision: 'lower', reason: 'Festival weekend: a one-off spike.', reviewer: 'PS Rahman', model_id: 'thr', model_version: '3.0.0' }, { now: clock('2019-07-02T14:00:00Z') });
	B = await appendReview(B, { area_id: 'E01000002', month: '2019-06', decision: 'agree', reason: 'Consistent with calls for service.', reviewer: 'PS Rahman', model_id: 'thr', model_version: '3.0.0' }, { now: clock('2019-07-02T14:05:00Z') });
	C = await appendReview(A, { area_id: 'E01000005', month: '2019-07', decision: 'agree', reason: 'Still high; patrol plan in place.', reviewer: 'Insp. Okafor', model_id: 'thr', model_version: '3.0.0' }, { now: clock('2019-08-01T09:30:00Z') });
	T = B.map((e) => ({ ...e }));
	T[1].decision = 'raise';
	sources = [
		{ label: 'okafor-july.json', entries: A, head: headOf(A) },
		{ label: 'rahman.json', entries: B, head: headOf(B) },
		{ label: 'okafor-august.json', entries: C, head: headOf(C) },
		{ label: 'rahman-edited.json', entries: T, head: headOf(B) }
	];
	merge = await mergeReviewLogs(sources);
});

describe('a log exported by the first version still reads', () => {
	it('imports and verifies; each hash is SHA-256 of the canonical entry, recomputed with node:crypto', async () => {
		const read = await importReviewLog(LEGACY);
		expect(read.verification.ok).toBe(true);
		expect(read.entries).toHaveLength(3);
		for (const e of read.entries) {
			const { hash, ...body } = e;
			expect(sha(canonicalJson(body))).toBe(hash);
		}
		const forMerge = await readReviewFile(LEGACY, 'okafor-july.json');
		expect(forMerge.kind).toBe('log');
		expect(forMerge.hashCheck).toBeNull();
		expect(forMerge.sources).toEqual([{ label: 'okafor-july.json', entries: read.entries, head: { seq: 2, hash: '13954f12a4012832a5a89f410fb7bb53c96733f9b467a8671b8d033b4cd58326' } }]);
		// A single log still exports and imports as before.
		const again = await importReviewLog(exportReviewLog(read.entries, { now: clock('2019-07-05T17:00:00Z') }));
		expect(again.entries).toEqual(read.entries);
		expect(exportReviewLog(read.entries, { now: clock('2019-07-05T17:00:00Z') })).toBe(LEGACY);
	});

	it('a panel file given to the single-log import is named as such', async () => {
		await expect(importReviewLog(exportReviewPanelLog(merge))).rejects.toThrow(/merged panel log/);
	});
});

describe('merging four logs, one tampered', () => {
	it('verifies every chain on its own and reports the tampered one with the entry and the reason', () => {
		expect(merge.sources.map((s) => [s.label, s.reviewers, s.entries, s.verification.ok])).toEqual([
			['okafor-july.json', ['Insp. Okafor'], 3, true],
			['rahman.json', ['PS Rahman'], 2, true],
			['okafor-august.json', ['Insp. Okafor'], 4, true],
			['rahman-edited.json', ['PS Rahman'], 2, false]
		]);
		expect(merge.sources[3].verification.problems.map((p) => [p.kind, p.index, p.seq, p.message])).toEqual([
			['edited', 1, 1, 'entry #1 (position 2) was changed after it was recorded: its content no longer matches its hash']
		]);
	});

	it('drops nothing: 3 + 2 + 4 + 2 = 11 read = 7 distinct + 4 copies kept once', () => {
		expect(merge.counts).toEqual({ read: 11, distinct: 7, duplicateCopies: 4, unverified: 1 });
		expect(merge.sources.reduce((n, s) => n + s.entries, 0)).toBe(merge.counts.read);
		expect(merge.entries.reduce((n, e) => n + e.occurrences.length, 0)).toBe(merge.counts.read);
		// Every entry of every log is in the merged view.
		for (const [s, source] of sources.entries())
			for (const [position, e] of source.entries.entries()) {
				const m = merge.entries.find((x) => x.key === canonicalJson(e));
				expect(m?.occurrences).toContainEqual({ source: s, position, chainVerified: s !== 3 });
			}
	});

	it('lists duplicates: A’s 3 entries again in C, and B’s #0 again in T', () => {
		expect(merge.duplicates.map((d) => [d.entry.area_id, d.entry.reviewer, d.occurrences.map((o) => [o.source, o.position])])).toEqual([
			['E01000001', 'Insp. Okafor', [[0, 0], [2, 0]]],
			['E01000001', 'PS Rahman', [[1, 0], [3, 0]]],
			['E01000005', 'Insp. Okafor', [[0, 2], [2, 2]]],
			['E01032739', 'Insp. Okafor', [[0, 1], [2, 1]]]
		]);
		expect(merge.sources.map((s) => s.sharedEntries)).toEqual([3, 1, 3, 1]);
	});

	it('marks the tampered entry unverified and keeps it; T’s untouched #0 is verified through B', () => {
		const unverified = merge.entries.filter((e) => !e.verified);
		expect(unverified).toHaveLength(1);
		expect(unverified[0].entry).toEqual(T[1]);
		expect(unverified[0].hashMatches).toBe(false);
		expect(unverified[0].problems.map((p) => [p.source, p.kind])).toEqual([[3, 'edited']]);
		const tFirst = merge.entries.find((e) => e.key === canonicalJson(T[0]))!;
		expect(tFirst.verified).toBe(true);
		expect(tFirst.occurrences.map((o) => o.chainVerified)).toEqual([true, false]);
	});

	it('shows conflicting decisions on the same area and month side by side, all kept', () => {
		expect(merge.conflicts.map((c) => [c.month, c.area_id, c.kind, c.decisions, c.reviewers, c.entries.map((e) => e.entry.decision)])).toEqual([
			// A raised E01000001 on 1 July, B lowered it on 2 July.
			['2019-06', 'E01000001', 'decisions-differ', ['raise', 'lower'], ['Insp. Okafor', 'PS Rahman'], ['raise', 'lower']],
			// B agreed; the tampered copy says raise (same reviewer, same time).
			['2019-06', 'E01000002', 'decisions-differ', ['agree', 'raise'], ['PS Rahman'], ['agree', 'raise']]
		]);
	});

	it('lists the two copies of B’s #1 that share a hash but not a content, and which one matches it', () => {
		expect(merge.divergent).toHaveLength(1);
		const d = merge.divergent[0];
		expect(d.seq).toBe(1);
		expect(d.fields).toEqual(['decision']);
		expect(d.copies.map((c) => [c.entry.decision, c.hashMatches, c.verified, c.occurrences.map((o) => o.source)])).toEqual([
			['agree', true, true, [1]],
			['raise', false, false, [3]]
		]);
	});

	it('orders the merged view by month, area, time', () => {
		expect(merge.entries.map((e) => `${e.entry.month} ${e.entry.area_id} ${e.entry.decision}`)).toEqual([
			'2019-06 E01000001 raise',
			'2019-06 E01000001 lower',
			'2019-06 E01000002 agree',
			'2019-06 E01000002 raise',
			'2019-06 E01000005 agree',
			'2019-06 E01032739 data_problem',
			'2019-07 E01000005 agree'
		]);
	});
});

describe('the combined hash', () => {
	it('is SHA-256 over the sorted chain records, recomputed here by hand', async () => {
		const records = [
			record(A, headOf(A), ['Insp. Okafor']),
			record(B, headOf(B), ['PS Rahman']),
			record(C, headOf(C), ['Insp. Okafor']),
			record(T, headOf(B), ['PS Rahman'])
		].sort();
		expect(merge.combinedHash).toBe(sha(`[${records.join(',')}]`));
		expect(merge.combinedHash).toMatch(/^[0-9a-f]{64}$/);
		expect(await combinedReviewHash([])).toBe(sha('[]'));
	});

	it('does not depend on the order of the logs or their labels; changes when anything a chain holds changes', async () => {
		const shuffled = [sources[3], sources[1], { ...sources[0], label: 'renamed.json' }, sources[2]];
		expect(await combinedReviewHash(shuffled)).toBe(merge.combinedHash);
		expect(await combinedReviewHash(sources.slice(0, 3))).not.toBe(merge.combinedHash);
		const edited = sources.map((s, i) => (i === 0 ? { ...s, entries: A.map((e, j) => (j === 2 ? { ...e, reason: 'changed' } : e)) } : s));
		expect(await combinedReviewHash(edited)).not.toBe(merge.combinedHash);
		const otherHead = sources.map((s, i) => (i === 2 ? { ...s, head: headOf(A) } : s));
		expect(await combinedReviewHash(otherHead)).not.toBe(merge.combinedHash);
	});

	it('exports with the hash and its construction, and verifies on import; an edited panel file fails', async () => {
		const text = exportReviewPanelLog(merge, { now: clock('2019-08-02T10:00:00Z') });
		const file = JSON.parse(text);
		expect(file.format).toBe('clearsight-review-panel-log');
		expect(file.combined_hash).toEqual({ algorithm: 'SHA-256', construction: COMBINED_HASH_CONSTRUCTION, value: merge.combinedHash });
		expect(file.summary).toEqual({ logs: 4, entries_read: 11, distinct_entries: 7, duplicate_copies: 4, unverified_logs: 1, conflicts: 2, divergent: 1 });
		expect(file.logs.map((l: { entries: unknown[] }) => l.entries)).toEqual([A, B, C, T]);

		expect(await verifyReviewPanelFile(text)).toEqual({ stated: merge.combinedHash, computed: merge.combinedHash, ok: true, problems: [] });

		file.logs[1].entries[0].decision = 'agree';
		const check = await verifyReviewPanelFile(JSON.stringify(file));
		expect(check.ok).toBe(false);
		expect(check.stated).toBe(merge.combinedHash);
		expect(check.problems).toEqual([
			`the combined hash written in the file (${merge.combinedHash.slice(0, 12)}…) does not match the one recomputed from its logs (${check.computed.slice(0, 12)}…): a log was changed, added or removed after the merged log was exported`,
			'panel log › rahman.json: the file says its chain verified, but it does not verify now'
		]);

		const dropped = JSON.parse(text);
		dropped.logs.pop();
		expect((await verifyReviewPanelFile(JSON.stringify(dropped))).problems[0]).toMatch(/does not match the one recomputed/);
		await expect(verifyReviewPanelFile(LEGACY)).rejects.toThrow(/not a panel log/);
		await expect(readReviewFile('{"format":"other"}', 'x.json')).rejects.toThrow(/not a review log/);
	});

	it('merging an exported panel log with more logs gives the same hash as merging all the logs at once', async () => {
		const panel = await readReviewFile(exportReviewPanelLog(await mergeReviewLogs(sources.slice(0, 2))), 'panel.json');
		expect(panel.kind).toBe('panel');
		expect(panel.hashCheck?.ok).toBe(true);
		expect(panel.sources.map((s) => s.label)).toEqual(['panel.json › okafor-july.json', 'panel.json › rahman.json']);
		const again = await mergeReviewLogs([...panel.sources, ...sources.slice(2)]);
		expect(again.combinedHash).toBe(merge.combinedHash);
		expect(again.counts).toEqual(merge.counts);
	});
});

describe('other cases', () => {
	it('the same decision by two reviewers is listed as reviewers differing, not as decisions differing', async () => {
		const patel = await appendReview([], { area_id: 'E01000005', month: '2019-06', decision: 'agree', reason: 'Agree: night-time economy.', reviewer: 'Sgt. Patel', model_id: 'thr', model_version: '3.0.0' }, { now: clock('2019-07-04T10:00:00Z') });
		const m = await mergeReviewLogs([sources[0], { label: 'patel.json', entries: patel, head: headOf(patel) }]);
		expect(m.conflicts.map((c) => [c.area_id, c.kind, c.decisions, c.reviewers])).toEqual([['E01000005', 'reviewers-differ', ['agree'], ['Insp. Okafor', 'Sgt. Patel']]]);
		expect(m.counts).toEqual({ read: 4, distinct: 4, duplicateCopies: 0, unverified: 0 });
	});

	it('a chain continued in two browsers: both valid, both kept, listed as two entries claiming one place', async () => {
		const one = await appendReview(B, { area_id: 'E01000003', month: '2019-06', decision: 'agree', reason: 'Fine.', reviewer: 'PS Rahman', model_id: 'thr', model_version: '3.0.0' }, { now: clock('2019-07-03T09:00:00Z') });
		const two = await appendReview(B, { area_id: 'E01000003', month: '2019-06', decision: 'data_problem', reason: 'Geocoding error.', reviewer: 'DC Lee', model_id: 'thr', model_version: '3.0.0' }, { now: clock('2019-07-03T11:00:00Z') });
		const m = await mergeReviewLogs([
			{ label: 'one.json', entries: one, head: headOf(one) },
			{ label: 'two.json', entries: two, head: headOf(two) }
		]);
		expect(m.sources.every((s) => s.verification.ok)).toBe(true);
		expect(m.counts).toEqual({ read: 6, distinct: 4, duplicateCopies: 2, unverified: 0 });
		expect(m.divergent.map((d) => [d.seq, d.fields, d.copies.map((c) => c.hashMatches)])).toEqual([
			[2, ['decision', 'reason', 'reviewer', 'at', 'hash'], [true, true]]
		]);
		expect(m.conflicts.map((c) => [c.area_id, c.kind])).toEqual([['E01000003', 'decisions-differ']]);
	});

	it('an entry edited and re-hashed is caught by the head the log was exported with, and kept', async () => {
		const body = { ...B[1], decision: 'lower' as const, reason: 'Changed my mind.' };
		const { hash: _, ...rest } = body;
		const rehashed = [B[0], { ...rest, hash: await entryHash(rest) }];
		const m = await mergeReviewLogs([sources[1], { label: 'rehashed.json', entries: rehashed, head: headOf(B) }]);
		expect(m.sources[1].verification.problems.map((p) => p.kind)).toEqual(['edited']);
		expect(m.sources[1].verification.problems[0].message).toBe('entry #1 is not the one recorded: its hash differs from the stored head');
		expect(m.counts).toEqual({ read: 4, distinct: 3, duplicateCopies: 1, unverified: 1 });
		expect(m.divergent.map((d) => d.copies.map((c) => c.entry.decision))).toEqual([['agree', 'lower']]);
	});

	it('a malformed entry and a truncated log: kept and counted, unverified where no verified log holds them', async () => {
		const malformed = [A[0], { ...A[1], extra: 'x' }, A[2]];
		const truncated = C.slice(0, 3);
		const m = await mergeReviewLogs([
			{ label: 'malformed.json', entries: malformed, head: headOf(A) },
			{ label: 'truncated.json', entries: truncated, head: headOf(C) }
		]);
		expect(m.sources.map((s) => s.verification.problems.map((p) => p.kind))).toEqual([['malformed'], ['truncated']]);
		expect(m.counts).toEqual({ read: 6, distinct: 4, duplicateCopies: 2, unverified: 4 });
		const bad = m.entries.find((e) => !e.wellFormed)!;
		expect(bad.entry).toEqual(malformed[1]);
		expect(m.conflicts).toEqual([]);
	});
});
