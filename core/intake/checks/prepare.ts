import type { LedgerInvoice } from '../../ledger/types';
import { hasBlocking, type Anomaly } from '../anomaly';
import { toLedgerInvoice, type ToLedgerOptions } from '../parse/ledger';
import type { ParsedInvoice } from '../parse/types';
import { applyRuleSettings, checkInvoice, isFrenchSeller, type CheckOptions } from './check';

const REPEATED = new Set([
	'FIELD_REQUIRED',
	'FIELD_INVALID',
	'DATE_INVALID',
	'AMOUNT_INVALID',
	'CURRENCY_MISSING',
]);

export interface PrepareOptions extends CheckOptions, ToLedgerOptions {}

export interface PreparedInvoice {
	parsed: ParsedInvoice;
	/** The ledger invoice, when no blocking anomaly remains; its `anomalies` are the warnings. */
	invoice?: LedgerInvoice;
	anomalies: Anomaly[];
}

/**
 * Checks a parsed invoice and converts it for the ledger in one step: the anomalies of both (TERMS_DEFAULTED,
 * NEGATIVE_INVOICE…) go through the company's rule settings; the invoice is kept only if none blocks.
 */
export function prepareInvoice(
	parsed: ParsedInvoice,
	options: PrepareOptions = {},
): PreparedInvoice {
	const checked = checkInvoice(parsed, options);
	const converted = toLedgerInvoice(parsed, options);
	// Most rows of a bulk file have nothing to report: no filtering, merging or settings to apply.
	if (checked.length === 0 && converted.anomalies.length === 0) {
		const none: Anomaly[] = [];
		if (!converted.invoice) return { parsed, anomalies: none };
		converted.invoice.anomalies = none;
		return { parsed, invoice: converted.invoice, anomalies: none };
	}
	// The record normaliser repeats, in its own words, faults the checks already named (missing number, bad date…).
	const named = checked
		.filter((a) => a.severity === 'block')
		.map((a) => (a.field ?? '').toLowerCase());
	const repeated = (a: Anomaly): boolean =>
		REPEATED.has(a.code) &&
		!!a.field &&
		named.some((f) => f.endsWith(a.field?.toLowerCase() as string));
	const anomalies = applyRuleSettings(
		[...checked, ...converted.anomalies.filter((a) => !repeated(a))],
		parsed,
		{ ...options, french: isFrenchSeller(parsed, options) },
	);
	if (!converted.invoice || hasBlocking(anomalies)) return { parsed, anomalies };
	converted.invoice.anomalies = anomalies;
	return { parsed, invoice: converted.invoice, anomalies };
}
