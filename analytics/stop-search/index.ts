/**
 * Stop and search: disproportionality by ethnic group (searches per 1,000 Census 2021 residents,
 * ratios against White with Katz intervals), find and arrest rates (Wilson intervals), self- vs
 * officer-defined agreement, splits, possession-only drug searches, and the community impact of
 * the THR ranking. See README.md. (Stubs: implementation follows.)
 */
import type { QueryRunner } from '../runner';
import type {
	DisproportionalityResult,
	DrugPossessionResult,
	EthnicityAgreement,
	FlaggedComposition,
	RecordPage,
	RecordQuery,
	SplitBy,
	SplitResult,
	StopSearchScope
} from './types';
export * from './types';

const todo = (): never => {
	throw new Error('not implemented yet');
};

export async function disproportionality(_runner: QueryRunner, _scope: StopSearchScope): Promise<DisproportionalityResult> {
	return todo();
}
export async function ethnicityAgreement(_runner: QueryRunner, _scope: Omit<StopSearchScope, 'basis'>): Promise<EthnicityAgreement> {
	return todo();
}
export async function stopSearchSplits(_runner: QueryRunner, _scope: StopSearchScope, _by: SplitBy): Promise<SplitResult> {
	return todo();
}
export async function drugPossessionOnly(_runner: QueryRunner, _scope: StopSearchScope): Promise<DrugPossessionResult> {
	return todo();
}
export async function stopSearchRecords(_runner: QueryRunner, _scope: StopSearchScope, _query: RecordQuery): Promise<RecordPage> {
	return todo();
}
export async function flaggedAreaComposition(
	_runner: QueryRunner,
	_flaggedLsoa11: readonly string[],
	_scope: Pick<StopSearchScope, 'from' | 'to' | 'basis'>
): Promise<FlaggedComposition> {
	return todo();
}
