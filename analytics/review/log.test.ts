/**
 * The review log is append-only and tamper-evident: every edited, removed, reordered or
 * duplicated entry is reported with its position and kind, through export and import too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, sha256Fallback, sha256Hex } from './hash';
import {
	GENESIS_HASH,
	ReviewLogError,
	appendReview,
	entryHash,
	exportReviewLog,
	importReviewLog,
	latestDecisions,
	verifyReviewLog,
	type ReviewEntry,
	type ReviewInput
} from './log';

const clock = (iso: string) => () => new Date(iso);

const INPUTS: ReviewInput[] = [
	{ area_id: 'E01000005', month: '2019-06', decision: 'agree', reason: 'Matches the neighbourhood team’s view.', reviewer: 'Insp. A', model_id: 'thr', model_version: '1.0.0' },
	{ area_id: 'E01000001', month: '2019-06', decision: 'lower', reason: 'Event-driven spike (one-off festival).', reviewer: 'PS 1234', model_id: 'thr', model_version: '1.0.0' },
	{ area_id: 'E01032739', month: '2019-06', decision: 'data_problem', reason: 'Snap point shared with the station: "On or near Liverpool Street".', reviewer: 'Analyst B', model_id: 'thr', model_version: '1.0.0' },
	{ area_id: 'E01000002', month: '2019-06', decision: 'raise', reason: 'Repeat victim not visible in street data.', reviewer: 'Insp. A', model_id: 'thr', model_version: '1.0.0' },
	{ area_id: 'E01000005', month: '2019-07', decision: 'agree', reason: 'Still high; patrol plan in place.', reviewer: 'Insp. A', model_id: 'thr', model_version: '1.0.0' }
];

describe('hashing', () => {
	it('canonical JSON sorts keys at every level and drops undefined', () => {
		expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }], e: undefined })).toBe('{"a":[{"c":null,"d":"x"}],"b":1}');
		expect(() => canonicalJson({ x: NaN })).toThrow(/no JSON form/);
	});

	it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'a'.repeat(1000), 'Ünïcödé ✓ 𝄞 "quotes"'])(
		'the fallback SHA-256 equals Web Crypto and node:crypto for %j',
		async (text) => {
			const expected = createHash('sha256').update(text, 'utf8').digest('hex');
			expect(await sha256Hex(text)).toBe(expected);
			expect(Buffer.from(sha256Fallback(new TextEncoder().encode(text))).toString('hex')).toBe(expected);
		}
	);

	it('matches the FIPS 180-2 example "abc"', () => {
		expect(Buffer.from(sha256Fallback(new TextEncoder().encode('abc'))).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
	});
});

describe('review log', () => {
	let log: ReviewEntry[];
	beforeAll(async () => {
		log = [];
		for (const [i, input] of INPUTS.entries()) log = await appendReview(log, input, { now: clock(`2019-07-0${i + 1}T09:00:00Z`) });
	});

	it('appends a chain: seq 0…n, each linked to the previous hash, hash = SHA-256 of the canonical entry', async () => {
		expect(log.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
		expect(log[0].prev_hash).toBe(GENESIS_HASH);
		for (let i = 1; i < log.length; i++) expect(log[i].prev_hash).toBe(log[i - 1].hash);
		const { hash, ...body } = log[2];
		expect(hash).toBe(createHash('sha256').update(canonicalJson(body)).digest('hex'));
		expect(await entryHash(body)).toBe(hash);
		expect(log[1].at).toBe('2019-07-02T09:00:00.000Z');
		expect(await verifyReviewLog(log)).toEqual({ ok: true, entries: 5, head: { seq: 4, hash: log[4].hash }, problems: [] });
	});

	it('is append-only: entries are frozen and appending returns a new list', async () => {
		expect(Object.isFrozen(log[0])).toBe(true);
		expect(() => ((log[0] as { reason: string }).reason = 'x')).toThrow();
		const longer = await appendReview(log, { ...INPUTS[0], month: '2019-08' });
		expect(longer).toHaveLength(6);
		expect(log).toHaveLength(5);
	});

	it.each([
		['no reason', { reason: '  ' }, /a reason is required/],
		['an unknown decision', { decision: 'ignore' }, /decision must be one of agree, raise, lower, data_problem/],
		['a bad month', { month: '2019-6' }, /month must be YYYY-MM/],
		['no reviewer', { reviewer: '' }, /reviewer is required/],
		['a bad time', { at: 'yesterday' }, /at must be an ISO 8601/]
	])('refuses a review with %s', async (_, change, message) => {
		await expect(appendReview(log, { ...INPUTS[0], ...change } as ReviewInput)).rejects.toThrow(message);
	});

	const tamper = (f: (entries: ReviewEntry[]) => ReviewEntry[]) => f(log.map((e) => ({ ...e })));
	const kinds = async (entries: unknown[], head?: { seq: number; hash: string }) =>
		(await verifyReviewLog(entries, head)).problems.map((p) => [p.kind, p.index, p.seq]);

	it('detects an edited entry (content changed, hash left)', async () => {
		const edited = tamper((e) => ((e[2].decision = 'agree'), e));
		expect(await kinds(edited)).toEqual([['edited', 2, 2]]);
		const r = await verifyReviewLog(edited);
		expect(r.ok).toBe(false);
		expect(r.problems[0].message).toBe('entry #2 (position 3) was changed after it was recorded: its content no longer matches its hash');
	});

	it('detects an edited and re-hashed entry (the next link breaks)', async () => {
		const rehashed = log.map((e) => ({ ...e }));
		const { hash: _, ...body } = { ...rehashed[1], reason: 'Nothing to see.' };
		rehashed[1] = { ...body, hash: await entryHash(body) };
		expect(await kinds(rehashed)).toEqual([['edited', 1, 1]]);
		expect((await verifyReviewLog(rehashed)).problems[0].message).toMatch(/entry #1 \(position 2\) was changed and re-hashed: entry #2 no longer links to it/);
	});

	it('detects removed entries: in the middle, at the start, and at the end against a head kept apart', async () => {
		expect(await kinds(tamper((e) => [e[0], e[1], e[3], e[4]]))).toEqual([['removed', 2, 3]]);
		expect((await verifyReviewLog(tamper((e) => [e[0], e[3], e[4]]))).problems[0].message).toBe(
			'entries #1–#2 are missing between #0 (position 1) and #3 (position 2)'
		);
		expect(await kinds(tamper((e) => e.slice(1)))).toEqual([['removed', 0, 1]]);
		// Dropping the last entries leaves a valid chain: only the head stored elsewhere shows it.
		const head = { seq: 4, hash: log[4].hash };
		expect((await verifyReviewLog(log.slice(0, 3))).ok).toBe(true);
		expect(await kinds(log.slice(0, 3), head)).toEqual([['truncated', -1, 4]]);
		expect((await verifyReviewLog(log.slice(0, 3), head)).problems[0].message).toBe('entries after #2 are missing: the log should end with entry #4');
	});

	it('detects reordered entries: a swap, and the last moved to the front', async () => {
		expect(await kinds(tamper((e) => [e[0], e[2], e[1], e[3], e[4]]))).toEqual([
			['reordered', 1, 2],
			['reordered', 2, 1],
			['reordered', 3, 3]
		]);
		expect((await verifyReviewLog(tamper((e) => [e[0], e[2], e[1], e[3], e[4]]))).problems[0].message).toBe(
			'entry #2 (position 2) is out of order: it was recorded after entry #1, which is at position 3'
		);
		expect(await kinds(tamper((e) => [e[4], e[0], e[1], e[2], e[3]]))).toEqual([
			['reordered', 0, 4],
			['reordered', 1, 0]
		]);
	});

	it('detects a duplicated entry and a malformed one', async () => {
		expect(await kinds(tamper((e) => [e[0], e[1], e[1], e[2], e[3], e[4]]))).toEqual([['duplicated', 2, 1]]);
		expect(await kinds(tamper((e) => [e[0], { ...e[1], extra: 1 } as ReviewEntry, e[2]]))).toEqual([['malformed', 1, 1]]);
	});

	it('refuses to append to a broken log', async () => {
		const broken = tamper((e) => ((e[3].reason = 'changed'), e));
		const error = await appendReview(broken, INPUTS[0]).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ReviewLogError);
		expect((error as ReviewLogError).verification?.problems[0].kind).toBe('edited');
	});

	it('exports and imports with verification; a tampered file says where it breaks', async () => {
		const text = exportReviewLog(log, { now: clock('2019-07-10T12:00:00Z') });
		const back = await importReviewLog(text);
		expect(back.verification.ok).toBe(true);
		expect(back.entries).toEqual(log);
		expect(back.fileHead).toEqual({ seq: 4, hash: log[4].hash });

		const file = JSON.parse(text);
		file.entries[1].reviewer = 'Someone else';
		const edited = await importReviewLog(JSON.stringify(file));
		expect(edited.verification.problems.map((p) => [p.kind, p.seq])).toEqual([['edited', 1]]);
		expect(edited.entries).toHaveLength(5); // reported, never silently dropped

		const cut = JSON.parse(text);
		cut.entries = cut.entries.slice(0, 4); // last entry removed, head left as exported
		expect((await importReviewLog(JSON.stringify(cut))).verification.problems.map((p) => p.kind)).toEqual(['truncated']);

		const rewritten = JSON.parse(text);
		rewritten.entries = rewritten.entries.slice(0, 4);
		rewritten.head = { seq: 3, hash: log[3].hash }; // head rewritten too: only a head kept locally shows it
		expect((await importReviewLog(JSON.stringify(rewritten))).verification.ok).toBe(true);
		const checked = await importReviewLog(JSON.stringify(rewritten), { seq: 4, hash: log[4].hash });
		expect(checked.verification.ok).toBe(false);
		expect(checked.verification.problems[0].message).toMatch(/compared with the head stored before/);

		await expect(importReviewLog('not json')).rejects.toThrow(/not valid JSON/);
		await expect(importReviewLog('{"format":"other"}')).rejects.toThrow(/not a review log/);
		await expect(importReviewLog(JSON.stringify({ ...file, version: 2 }))).rejects.toThrow(/unsupported review log version 2/);
	});

	it('latest decision per area for a month (later entries win)', async () => {
		const more = await appendReview(log, { ...INPUTS[1], decision: 'agree', reason: 'Spike confirmed as ongoing.' }, { now: clock('2019-07-20T09:00:00Z') });
		const june = latestDecisions(more, '2019-06');
		expect(june.size).toBe(4);
		expect(june.get('E01000001')?.decision).toBe('agree');
		expect(latestDecisions(more, '2019-07').get('E01000005')?.seq).toBe(4);
	});
});
