import { readFileSync } from 'node:fs';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';
import { assertCurrency, formatAmount, parseAmount, roundHalfAwayFromZero } from '../money';
import { daysBetween, addDays, parseCalendarDate } from '../time';

/**
 * French / EU late-payment charges (Code de commerce L441-10 and D441-5): interest at the ECB main refinancing
 * rate in force on 1 January (for the first half-year) or 1 July (for the second) plus 10 points, pro rata
 * temporis (days / 365), and a fixed recovery indemnity of EUR 40 per late invoice (B2B, outside VAT). A contract
 * rate replaces the legal rate. Rates are exact: percentages are scaled to integers and amounts are bigint.
 */

/** A rate as an integer number of 1/10 000 of a percent (12.15 % → 121 500). */
const RATE_SCALE = 10_000n;
const LEGAL_MARGIN = 10n * RATE_SCALE;
const EUR_INDEMNITY_MINOR = 4000n;

export interface EcbRate {
	from: string;
	ratePercent: string;
}

let table: EcbRate[] | undefined;

/** The shipped table of historical ECB MRO rates (core/dunning/ecb-rates.json), oldest first. */
export function ecbRates(): EcbRate[] {
	if (!table) {
		const doc = JSON.parse(readFileSync(coreAssetPath('dunning', 'ecb-rates.json'), 'utf8')) as { rates: EcbRate[] };
		table = [...doc.rates].sort((a, b) => a.from.localeCompare(b.from));
	}
	return table;
}

function parseRate(text: string | number, what: string): bigint {
	const value = String(text).trim().replace(',', '.');
	const m = value.match(/^(-?)(\d{1,3})(?:\.(\d{1,4}))?$/);
	if (!m) {
		throw new ReceivablesError('CHARGES_BAD_RATE', `${what} "${text}" is not a percentage.`, { hint: 'Write a percentage with a dot, for example 12.15.' });
	}
	const scaled = BigInt(m[2]) * RATE_SCALE + BigInt((m[3] ?? '').padEnd(4, '0'));
	return m[1] ? -scaled : scaled;
}

function formatRate(scaled: bigint): string {
	const negative = scaled < 0n;
	const abs = negative ? -scaled : scaled;
	const fraction = (abs % RATE_SCALE).toString().padStart(4, '0').replace(/0+$/, '').padEnd(2, '0');
	return `${negative ? '-' : ''}${abs / RATE_SCALE}.${fraction}`;
}

/** The ECB MRO rate in force on a date (the last change on or before it). */
export function ecbRateOn(date: string): string {
	const rates = ecbRates();
	let found: EcbRate | undefined;
	for (const rate of rates) {
		if (rate.from <= date) found = rate;
		else break;
	}
	if (!found) {
		throw new ReceivablesError('CHARGES_NO_RATE', `The ECB rate table starts on ${rates[0]?.from}: no rate for ${date}.`, {
			hint: 'Give a contract rate for invoices that old, or extend core/dunning/ecb-rates.json.',
		});
	}
	return found.ratePercent;
}

/** The legal late-payment rate of the half-year containing `date`: ECB rate on 1 January / 1 July + 10 points. */
export function legalRateFor(date: string): { ratePercent: string; ecbRatePercent: string; reference: string } {
	const reference = `${date.slice(0, 4)}-${Number(date.slice(5, 7)) <= 6 ? '01' : '07'}-01`;
	const ecb = ecbRateOn(reference);
	return { ratePercent: formatRate(parseRate(ecb, 'ECB rate') + LEGAL_MARGIN), ecbRatePercent: ecb, reference };
}

export interface LatePaymentInput {
	/** Amount owed: a decimal string or number in `currency` ("1234.56"), or `amountMinor`. */
	amount?: string | number;
	amountMinor?: bigint;
	currency: string;
	dueDate: string;
	asOf: string;
	/** Annual contract rate (percent) that replaces the legal rate. */
	contractRatePercent?: string | number;
	/** Fixed indemnity per currency (decimal); EUR is 40 unless given. Other currencies: 0 unless given. */
	fixedIndemnity?: Record<string, string>;
}

export interface LatePaymentPeriod {
	from: string;
	to: string;
	days: number;
	ratePercent: string;
}

export interface LatePaymentCharges {
	daysLate: number;
	/** The rate of the last half-year of the period (the one shown to the customer). */
	annualRatePercent: string;
	/** Interest, decimal string in the invoice currency. */
	interest: string;
	interestMinor: bigint;
	/** Fixed recovery indemnity, decimal string in `fixedIndemnityCurrency`. */
	fixedIndemnity: string;
	fixedIndemnityMinor: bigint;
	fixedIndemnityCurrency: string;
	currency: string;
	rateSource: 'legal' | 'contract';
	periods: LatePaymentPeriod[];
}

/**
 * Interest runs from the day after the due date to `asOf` included. Each half-year of that period uses its
 * own legal rate; the total is rounded once, half away from zero, to the currency's minor unit.
 */
export function latePaymentCharges(input: LatePaymentInput): LatePaymentCharges {
	const currency = assertCurrency(input.currency);
	const dueDate = parseCalendarDate(input.dueDate);
	const asOf = parseCalendarDate(input.asOf);
	if (!dueDate || !asOf) {
		throw new ReceivablesError('CHARGES_BAD_DATE', `The due date "${input.dueDate}" or the date "${input.asOf}" is not a calendar date.`, {
			hint: 'Use YYYY-MM-DD dates.',
		});
	}
	const amountMinor = input.amountMinor ?? parseAmount(input.amount ?? '', currency);
	const daysLate = Math.max(0, daysBetween(dueDate, asOf));
	const contract = input.contractRatePercent !== undefined && input.contractRatePercent !== '' ? parseRate(input.contractRatePercent, 'The contract rate') : undefined;
	const periods: LatePaymentPeriod[] = [];
	let weighted = 0n;
	let cursor = addDays(dueDate, 1);
	let remaining = daysLate;
	let lastRate = contract ?? (daysLate > 0 ? 0n : parseRate(legalRateFor(asOf).ratePercent, 'rate'));
	while (remaining > 0) {
		const halfEnd = Number(cursor.slice(5, 7)) <= 6 ? `${cursor.slice(0, 4)}-06-30` : `${cursor.slice(0, 4)}-12-31`;
		const end = halfEnd < asOf ? halfEnd : asOf;
		const days = daysBetween(cursor, end) + 1;
		const rate = contract ?? parseRate(legalRateFor(cursor).ratePercent, 'rate');
		periods.push({ from: cursor, to: end, days, ratePercent: formatRate(rate) });
		weighted += BigInt(days) * rate;
		lastRate = rate;
		remaining -= days;
		cursor = addDays(end, 1);
	}
	const interestMinor = amountMinor > 0n ? roundHalfAwayFromZero(amountMinor * weighted, 365n * 100n * RATE_SCALE) : 0n;
	const configured = input.fixedIndemnity?.[currency];
	let indemnityMinor = 0n;
	if (daysLate > 0 && amountMinor > 0n) {
		if (configured !== undefined) indemnityMinor = parseAmount(configured, currency);
		else if (currency === 'EUR') indemnityMinor = EUR_INDEMNITY_MINOR;
	}
	return {
		daysLate,
		annualRatePercent: formatRate(lastRate),
		interest: formatAmount(interestMinor, currency),
		interestMinor,
		fixedIndemnity: formatAmount(indemnityMinor, currency),
		fixedIndemnityMinor: indemnityMinor,
		fixedIndemnityCurrency: currency,
		currency,
		rateSource: contract === undefined ? 'legal' : 'contract',
		periods,
	};
}
