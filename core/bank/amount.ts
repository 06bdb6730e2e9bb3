import { currencyExponent } from '../money';
import { statementError } from './errors';

/**
 * A decimal amount as banks write it ("1234.56", "79,7", "0,") → minor units of the currency. No sign, no
 * thousands separator: statements carry the sign apart (CdtDbtInd, C/D, sign code).
 */
export function decimalToMinor(text: string, currency: string, where: string): bigint {
	const match = /^(\d{1,18})(?:[.,](\d*))?$/.exec(text.trim());
	if (!match) {
		throw statementError(
			'BANK_STATEMENT_BAD_AMOUNT',
			`${where}: "${text}" is not an amount.`,
			`${where} : « ${text} » n'est pas un montant.`,
			{ where, value: text },
		);
	}
	const exponent = safeExponent(currency);
	const decimals = (match[2] ?? '').replace(/0+$/, '');
	if (decimals.length > exponent) {
		throw statementError(
			'BANK_STATEMENT_BAD_AMOUNT',
			`${where}: "${text}" has more decimals than ${currency} allows (${exponent}).`,
			`${where} : « ${text} » a plus de décimales que la devise ${currency} n'en permet (${exponent}).`,
			{ where, value: text },
		);
	}
	return (
		BigInt(match[1]) * 10n ** BigInt(exponent) +
		(decimals ? BigInt(decimals.padEnd(exponent, '0')) : 0n)
	);
}

/** The minor-unit exponent of a currency; 2 for an empty or unknown code (a statement that states none). */
export function safeExponent(currency: string): number {
	try {
		return currencyExponent(currency);
	} catch {
		return 2;
	}
}
