export {
	INTAKE_RULES,
	intakeRule,
	type IntakeRule,
	type RuleSetting,
	type RuleSeverity,
} from './rules';
export {
	checkInvoice,
	checkRecordInvoice,
	applyRuleSettings,
	isFrenchSeller,
	validateRuleSettings,
	type CheckOptions,
	type CompanyProfile,
} from './check';
export { prepareInvoice, type PrepareOptions, type PreparedInvoice } from './prepare';
export {
	checkAgainstLedger,
	checkCustomers,
	checkDuplicates,
	loadIntakeSettings,
	mergeIntakeSettings,
	resolveCustomerIds,
	saveIntakeSettings,
	INTAKE_SETTINGS_KEY,
	type IntakeSettings,
} from './ledger';
export { parsePaymentTerms, dueDatesFor, latestLegalDueDate, type StatedTerms } from './terms';
export { isValidSiren, isValidSiret, checkVatId } from './identifiers';
export {
	prepareParsedInvoices,
	storeParsedInvoices,
	storePreparedInvoices,
	type ParsedOutcome,
	type StoreParsedOptions,
} from './store';
