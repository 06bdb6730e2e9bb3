import { ReceivablesError } from '../errors';

/**
 * Money is an exact integer count of the currency's minor unit (bigint), never a float.
 * Decimal strings ("1234.56", "1 234,56", "-12") are parsed and formatted here, once.
 */
export interface Money {
	minor: bigint;
	currency: string;
}

/** ISO 4217 minor-unit exponents that differ from 2, for the currencies our users meet. */
const EXPONENTS: Record<string, number> = {
	XOF: 0,
	XAF: 0,
	JPY: 0,
	KRW: 0,
	GNF: 0,
	KMF: 0,
	RWF: 0,
	VND: 0,
	CLP: 0,
	ISK: 0,
	UGX: 0,
	VUV: 0,
	XPF: 0,
	DJF: 0,
	BHD: 3,
	IQD: 3,
	JOD: 3,
	KWD: 3,
	LYD: 3,
	OMR: 3,
	TND: 3,
	MRU: 2,
	MAD: 2,
	EUR: 2,
	USD: 2,
	GBP: 2,
	CHF: 2,
	CAD: 2,
	NGN: 2,
	GHS: 2,
	DZD: 2,
	CDF: 2,
};

const CURRENCY = /^[A-Z]{3}$/;

export function assertCurrency(currency: string): string {
	const code = (currency ?? '').trim().toUpperCase();
	if (!CURRENCY.test(code)) {
		throw new ReceivablesError(
			'MONEY_BAD_CURRENCY',
			`"${currency}" is not an ISO 4217 currency code.`,
			{
				hint: 'Use a three-letter code such as EUR, MAD, XOF or USD.',
			},
		);
	}
	return code;
}

export function currencyExponent(currency: string): number {
	return EXPONENTS[assertCurrency(currency)] ?? 2;
}

/** Largest amount accepted: 10^15 minor units (ten trillion euros), far below bigint and Postgres limits. */
export const MAX_MINOR = 10n ** 15n;

/** "-1234.56" or "1234,56": an optional minus, at most 13 digits without leading zeros, one separator, two decimals. */
const PLAIN_TWO_DECIMALS = /^-?(?:0|[1-9]\d{0,12})[.,]\d{2}$/;

/**
 * Parses a decimal amount written the way accounting exports write them: "1234.56", "1 234,56", "1.234,56",
 * "1,234.56", "-12", "12.5". Numbers (JS) are accepted only when they are safe integers or have at most the
 * currency's decimals once printed. Throws MONEY_BAD_AMOUNT with the reason otherwise.
 */
export function parseAmount(input: unknown, currency: string): bigint {
	const exponent = currencyExponent(currency);
	let text: string;
	if (typeof input === 'bigint') return input * 10n ** BigInt(exponent);
	// The shape files and exports mostly send ("-1234.56", "1234,56" in a two-decimal currency) read without the
	// general reader's replacements, splits and bigint arithmetic: same result (at most 13 digits before the
	// separator, so below MAX_MINOR).
	if (typeof input === 'string' && exponent === 2 && PLAIN_TWO_DECIMALS.test(input))
		return BigInt(input.slice(0, -3) + input.slice(-2));
	if (typeof input === 'number') {
		if (!Number.isFinite(input)) throw badAmount(input, 'it is not a finite number');
		text = String(input);
		if (/e/i.test(text)) throw badAmount(input, 'it is too large or too small to be an amount');
	} else if (typeof input === 'string') {
		text = input;
	} else {
		throw badAmount(input, 'it is empty or not a number');
	}
	text = text.replace(/[\s\u00a0\u202f']/g, '').replace(/^\+/, '');
	if (text === '') throw badAmount(input, 'it is empty');
	let negative = false;
	if (text.startsWith('-')) {
		negative = true;
		text = text.slice(1);
	} else if (/^\(.*\)$/.test(text)) {
		negative = true;
		text = text.slice(1, -1);
	}
	const lastComma = text.lastIndexOf(',');
	const lastDot = text.lastIndexOf('.');
	let integer: string;
	let fraction = '';
	if (lastComma >= 0 && lastDot >= 0) {
		const decimalSep = lastComma > lastDot ? ',' : '.';
		const groupSep = decimalSep === ',' ? '.' : ',';
		const [i, f = ''] = text.split(decimalSep);
		if (text.split(decimalSep).length > 2)
			throw badAmount(input, `it has more than one "${decimalSep}"`);
		integer = i.split(groupSep).join('');
		fraction = f;
	} else if (lastComma >= 0 || lastDot >= 0) {
		const sep = lastComma >= 0 ? ',' : '.';
		const parts = text.split(sep);
		if (parts.length > 2) {
			// "1.234.567" or "1,234,567": grouping only
			if (!parts.slice(1).every((p) => p.length === 3))
				throw badAmount(input, `it has more than one "${sep}"`);
			integer = parts.join('');
		} else {
			integer = parts[0];
			fraction = parts[1];
		}
	} else {
		integer = text;
	}
	if (integer === '') integer = '0';
	if (!/^\d+$/.test(integer) || !/^\d*$/.test(fraction))
		throw badAmount(input, 'it contains characters that are not digits');
	const trimmed = fraction.replace(/0+$/, '');
	if (trimmed.length > exponent) {
		throw badAmount(input, `${currency} amounts have ${exponent} decimal(s) at most`);
	}
	const minor =
		BigInt(integer) * 10n ** BigInt(exponent) +
		BigInt((trimmed + '0'.repeat(exponent)).slice(0, exponent) || '0');
	if (minor > MAX_MINOR)
		throw badAmount(input, 'it is larger than any invoice amount this ledger accepts');
	return negative ? -minor : minor;
}

function badAmount(input: unknown, why: string): ReceivablesError {
	return new ReceivablesError(
		'MONEY_BAD_AMOUNT',
		`"${String(input)}" is not a valid amount: ${why}.`,
		{
			hint: 'Write amounts with digits and at most one decimal separator, for example 1234.56 or 1 234,56.',
		},
	);
}

/** Formats minor units as a plain decimal string ("1234.56", "-0.50", "1500" for XOF). */
export function formatAmount(minor: bigint, currency: string): string {
	const exponent = currencyExponent(currency);
	const negative = minor < 0n;
	const abs = negative ? -minor : minor;
	if (exponent === 0) return `${negative ? '-' : ''}${abs}`;
	const scale = 10n ** BigInt(exponent);
	const integer = abs / scale;
	const fraction = (abs % scale).toString().padStart(exponent, '0');
	return `${negative ? '-' : ''}${integer}.${fraction}`;
}

/** Formats for people: "1 234,56 €" in French, "€1,234.56" in English. */
export function formatMoney(minor: bigint, currency: string, language: 'fr' | 'en' = 'fr'): string {
	const exponent = currencyExponent(currency);
	const value = formatAmount(minor, currency);
	const [integerPart, fraction] = value.replace('-', '').split('.');
	const sign = minor < 0n ? '-' : '';
	const grouped = integerPart.replace(/\B(?=(\d{3})+(?!\d))/g, language === 'fr' ? '\u202f' : ',');
	const number = exponent === 0 ? grouped : `${grouped}${language === 'fr' ? ',' : '.'}${fraction}`;
	const symbol: Record<string, string> = { EUR: '€', USD: '$', GBP: '£' };
	if (language === 'fr') return `${sign}${number}\u00a0${symbol[currency] ?? currency}`;
	return symbol[currency] ? `${sign}${symbol[currency]}${number}` : `${sign}${number} ${currency}`;
}

/** Rounds a rational amount num/den (both bigint) half away from zero to whole minor units. */
export function roundHalfAwayFromZero(num: bigint, den: bigint): bigint {
	if (den === 0n)
		throw new ReceivablesError(
			'MONEY_DIVISION_BY_ZERO',
			'Division by zero in an amount calculation.',
		);
	const negative = num < 0n !== den < 0n;
	const n = num < 0n ? -num : num;
	const d = den < 0n ? -den : den;
	const q = n / d;
	const r = n % d;
	const rounded = r * 2n >= d ? q + 1n : q;
	return negative ? -rounded : rounded;
}

export function money(minor: bigint, currency: string): Money {
	return { minor, currency: assertCurrency(currency) };
}
