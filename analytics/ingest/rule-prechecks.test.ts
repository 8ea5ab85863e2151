/**
 * The row rules' pre-checks (Rule.clear in rules.ts) change no verdict. A pre-check tests the
 * common well-formed value without trim, cast of trimmed text or regular expression over it, and
 * a row that passes every pre-check is tested only against the rules that have none; so each
 * pre-check must hold only where its rule is not broken.
 *
 * Checked two ways on a native DuckDB:
 * - values where a pre-check and its rule could part (rule-prechecks.test-setup.ts: spaces that
 *   trim removes and those it keeps, no-break and ideographic spaces, tabs, bytes past ASCII, NaN,
 *   the box's edges, each start of a formula), each in one real sample row, against the rule number
 *   worked out by hand;
 * - every real row of the four shipped sample sources, staged as the builder stages them: the rule
 *   found with the pre-checks equals the rule found without, and no pre-check holds on a row that
 *   breaks its rule.
 * Typing's shortcuts likewise (pipeline.ts typedSelectSql): sql.ts trimSql against trim(), and a
 * cast of the untrimmed text against the cast of the trimmed text, on the same edge values and on
 * every text cell of the real rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeRunner, type NodeRunner } from '../../scripts/lib/node-runner';
import { SAMPLE_SOURCES } from '../../scripts/lib/sample';
import { stageInputs } from '../../scripts/lib/staging';
import { displayNames, listInputs } from '../../scripts/lib/input-files';
import { resetIngest } from './pipeline';
import { caseVerdicts, expectedVerdicts, RULE_CASES, TRIM_CASES } from './rule-prechecks.test-setup';
import { RULES, ruleCaseSql } from './rules';
import { POLICE_UK_CATEGORIES, SOURCE_FORMATS, type SourceKind } from './sources';
import { ident, literalList, trimSql } from './sql';

/** SQL true where the cast of the untrimmed text succeeds and differs from the cast of the trimmed text. */
const castDiffers = (x: string) => `(try_cast(${x} AS DOUBLE) IS NOT NULL AND try_cast(${x} AS DOUBLE) IS DISTINCT FROM try_cast(trim(${x}) AS DOUBLE))`;

let db: NodeRunner;
beforeAll(async () => {
	db = await createNodeRunner();
});
afterAll(() => db.close());

describe('rule pre-checks: values where a pre-check and its rule could part', () => {
	it('the street rules are in the order the cases number them', () => {
		expect(RULES.street.map((r) => r.key)).toEqual([
			'month', 'month', 'crime_type', 'crime_type', 'crime_id', 'latitude', 'longitude', 'longitude', 'latitude', 'longitude', 'latitude', 'longitude', 'lsoa_code',
			'crime_id', 'reported_by', 'falls_within', 'location', 'lsoa_name', 'last_outcome_category', 'context'
		]);
	});

	for (const group of RULE_CASES) {
		it(group.title, async () => {
			expect(await caseVerdicts(db, group)).toEqual(expectedVerdicts(group));
		});
	}

	it('the crime type rule reads the list as the IN list did', async () => {
		const values = [...POLICE_UK_CATEGORIES, ...POLICE_UK_CATEGORIES.map((c) => ` ${c}\u00a0`), 'burglary', 'Burglary\t', '', '\u00a0'];
		const [row] = await db.rows<{ differ: number; n: number }>(
			`SELECT count(*) FILTER (WHERE (${RULES.street[3].broken}) IS DISTINCT FROM (trim(crime_type) NOT IN ${literalList(POLICE_UK_CATEGORIES)}))::INTEGER AS differ, count(*)::INTEGER AS n
			 FROM (VALUES ${values.map(() => '(?)').join(', ')}) t(crime_type)`,
			values
		);
		expect(row).toEqual({ differ: 0, n: values.length });
	});
});

describe('trim and casts without trim, where typing reads every cell', () => {
	it('trimSql gives what trim gives, NULL included; a cast of the untrimmed text, when it succeeds, what the cast of the trimmed text gives', async () => {
		const [row] = await db.rows<{ trims: number; casts: number; read: number; n: number }>(
			`SELECT count(*) FILTER (WHERE ${trimSql('x')} IS DISTINCT FROM trim(x))::INTEGER AS trims, count(*) FILTER (WHERE ${castDiffers('x')})::INTEGER AS casts,
			   count(try_cast(x AS DOUBLE))::INTEGER AS read, count(*)::INTEGER AS n
			 FROM (VALUES ${TRIM_CASES.map(() => '(?)').join(', ')}) t(x)`,
			TRIM_CASES
		);
		// read: the numbers among the cases (' 1.5', '1.5 ', '\t-0.1', '-0.1\t', '1e3', 'NaN') are cast without trim.
		expect(row).toEqual({ trims: 0, casts: 0, read: 6, n: TRIM_CASES.length });
	});
});

describe('rule pre-checks on every real row of the sample sources', () => {
	it('give the same rule for every staged row, and none holds where its rule is broken', async () => {
		const checked: Record<string, { rows: number; cleared: number }> = {};
		for (const source of SAMPLE_SOURCES) {
			await resetIngest(db);
			const paths = listInputs(source.build.inputs);
			const build = source.build as { format?: SourceKind; constants?: Record<string, string> };
			await stageInputs(db, paths, displayNames(paths), { format: build.format, constants: build.constants, log: () => {} });
			for (const format of SOURCE_FORMATS) {
				const table = ident(`ingest_stage_${format.kind.replace('-', '_')}`);
				const rules = RULES[format.kind];
				const clears = [...new Set(rules.flatMap((r) => (r.clear ? [r.clear] : [])))];
				const unsound = rules.flatMap((r, i) => (r.clear ? [`count(*) FILTER (WHERE (${r.clear}) AND (${r.broken}))::INTEGER AS r${i + 1}`] : []));
				// Every text column: trimSql equals trim, and a cast of the untrimmed text that succeeds equals the cast of the trimmed text.
				const trims = format.columns.map((c) => `${trimSql(ident(c.key))} IS DISTINCT FROM trim(${ident(c.key)})`).join(' OR ');
				const casts = format.columns.map((c) => castDiffers(ident(c.key))).join(' OR ');
				const [row] = await db.rows(
					`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE _rule IS DISTINCT FROM (${ruleCaseSql(format.kind, { preChecks: false }).rule}) OR ${trims} OR ${casts})::INTEGER AS differ,
					   count(*) FILTER (WHERE ${clears.join(' AND ')})::INTEGER AS cleared, ${unsound.join(', ')}
					 FROM ${table}`
				);
				if (row.n === 0) continue;
				const { n, differ, cleared, ...perRule } = row as Record<string, number>;
				expect({ source: source.id, kind: format.kind, differ, perRule }).toEqual({
					source: source.id,
					kind: format.kind,
					differ: 0,
					perRule: Object.fromEntries(Object.keys(perRule).map((k) => [k, 0]))
				});
				checked[`${source.id} ${format.kind}`] = { rows: n, cleared };
			}
		}
		// Every source's rows were checked. Police.uk street rows nearly all pass the pre-checks
		// (months YYYY-MM); Lancashire's months are dates, so the rules decide each of its rows.
		expect(Object.keys(checked).sort()).toEqual(['chicago-assaults events', 'city-of-london stop-search', 'city-of-london street', 'lancashire-asb month-incidents']);
		expect(checked['city-of-london street'].cleared / checked['city-of-london street'].rows).toBeGreaterThan(0.99);
		expect(checked['lancashire-asb month-incidents'].cleared).toBe(0);
	}, 120_000);
});
