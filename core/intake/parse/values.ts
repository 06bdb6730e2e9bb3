import { currencyExponent, MAX_MINOR, parseAmount } from '../../money';
import { parseCalendarDate } from '../../time';
import type { Anomaly } from '../anomaly';
import { ruleAnomaly } from '../checks/rules';
import { memoize } from './memo';
import { attr, textOf, type XmlValue } from './xml';

const calendarDate = memoize((text: string) => parseCalendarDate(text));

/** Currency used to scale amounts when the document gives none or an unusable one (ISO 4217 "no currency"). */
export const NO_CURRENCY = 'XXX';

/** Why a text is not an amount, in both languages. */
export function amountProblem(
	value: string,
	currency: string,
): { reasonEn: string; reasonFr: string } {
	const compact = value.replace(/[\s\u00a0\u202f']/g, '');
	if (!/^[-+(]?\d[\d.,]*\)?$/.test(compact) && !/^[-+]?[.,]\d+$/.test(compact)) {
		return { reasonEn: 'not a number', reasonFr: "ce n'est pas un nombre" };
	}
	const digits = compact.replace(/\D/g, '');
	if (digits.length > MAX_MINOR.toString().length + 3)
		return { reasonEn: 'too large', reasonFr: 'trop grand' };
	let exponent = 2;
	try {
		exponent = currencyExponent(currency);
	} catch {
		// keep 2
	}
	return {
		reasonEn: `too large, or more than ${exponent} decimal(s) or separators`,
		reasonFr: `trop grand, ou plus de ${exponent} décimale(s) ou de séparateurs`,
	};
}

/**
 * Reads values of one document: amounts in minor units of the document currency, dates, with every fault
 * recorded as an anomaly of the invoice instead of an exception.
 */
export class ValueReader {
	readonly anomalies: Anomaly[] = [];
	/**
	 * Optional dates given but unreadable, or not written as the syntax says (`dateFormat`): the French rule BR-FR-03
	 * reports them, as the official Schematron does.
	 */
	readonly badDates: Array<{ field: string; value: string }> = [];
	/** How the syntax writes a date (UBL YYYY-MM-DD, CII format 102 YYYYMMDD); unset: any date the reader can read. */
	dateFormat?: RegExp;
	/** Currency used to scale amounts. */
	scale = NO_CURRENCY;
	currency?: string;
	taxCurrency?: string;

	setCurrency(currency: string | undefined): void {
		this.currency = currency;
		this.scale = currency && /^[A-Z]{3}$/.test(currency) ? currency : NO_CURRENCY;
	}

	/** An amount element: its text, and its currencyID checked against the document currency. */
	amount(
		node: XmlValue | undefined,
		field: string,
		options: { taxTotal?: boolean } = {},
	): bigint | undefined {
		const value = textOf(node);
		if (value === undefined) return undefined;
		const currency = attr(node, 'currencyID');
		if (currency && this.currency && currency !== this.currency && !options.taxTotal) {
			this.anomalies.push(
				ruleAnomaly('MIXED_CURRENCIES', field, { currency, documentCurrency: this.currency }),
			);
		}
		return this.amountText(value, field);
	}

	amountText(value: string | undefined, field: string): bigint | undefined {
		if (value === undefined || value.trim() === '') return undefined;
		try {
			return parseAmount(value.trim(), this.scale);
		} catch {
			this.anomalies.push(
				ruleAnomaly('AMOUNT_INVALID', field, { value, ...amountProblem(value, this.scale) }),
			);
			return undefined;
		}
	}

	date(value: string | undefined, field: string): string | undefined {
		if (value === undefined || value.trim() === '') return undefined;
		const parsed = calendarDate(value.trim());
		if (!parsed) this.anomalies.push(ruleAnomaly('DATE_INVALID', field, { value }));
		return parsed;
	}

	/**
	 * A date the checks look at but the ledger does not need (BT-7, BT-26, periods, line dates): an unreadable one is
	 * left out of the invoice; it, or a readable one not written as the syntax says, is kept in `badDates` under
	 * `field`, for the French rules to report.
	 */
	optionalDate(value: string | undefined, field: string): string | undefined {
		if (value === undefined || value.trim() === '') return undefined;
		const parsed = calendarDate(value.trim());
		if (!parsed || (this.dateFormat && !this.dateFormat.test(value.trim())))
			this.badDates.push({ field, value });
		return parsed ?? undefined;
	}

	/** A decimal text (quantity, price, rate) kept as text; anything else is reported and dropped. */
	decimal(value: string | undefined, field: string): string | undefined {
		if (value === undefined) return undefined;
		const t = value.trim();
		if (/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return t;
		this.anomalies.push(
			ruleAnomaly('AMOUNT_INVALID', field, {
				value,
				reasonEn: 'not a number',
				reasonFr: "ce n'est pas un nombre",
			}),
		);
		return undefined;
	}
}

/** Sum of amounts, undefined when the list is empty or one of them is unknown. */
export function sumMinor(values: Array<bigint | undefined>): bigint | undefined {
	if (values.length === 0) return undefined;
	let total = 0n;
	for (const v of values) {
		if (v === undefined) return undefined;
		total += v;
	}
	return total;
}
