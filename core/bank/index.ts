// Bank statements: reading camt.053/054, CFONB 120 and MT940 files, and importing their credits as payments.
export type * from './types';
export { statementError } from './errors';
export {
	checkBalance,
	detectBankStatementFormat,
	parseBankStatement,
	parseBankStatementSync,
} from './parse';
export { statementPayments, importBankStatement } from './import';
export type {
	StatementOtherLine,
	StatementPayments,
	StatementPaymentsOptions,
	ImportBankStatementOptions,
	ImportedStatement,
	BankStatementImport,
} from './import';
export {
	creditorReference,
	creditorReferenceBody,
	creditorReferencesIn,
	formatCreditorReference,
	isCreditorReference,
} from './rf';
export { matchCompanyName, nameSimilarity, normaliseCompanyName } from './names';
