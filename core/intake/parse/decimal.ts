import { roundHalfAwayFromZero } from '../../money';

/** "12.345" → 12345 / 1000, exactly. */
export function decimalParts(text: string): { num: bigint; den: bigint } {
	const t = text.trim().replace(/^\+/, '');
	const negative = t.startsWith('-');
	const [i, f = ''] = t.replace(/^-/, '').split('.');
	const num = BigInt(`${i || '0'}${f}`);
	return { num: negative ? -num : num, den: 10n ** BigInt(f.length) };
}

/**
 * The product of decimal texts, divided by other decimal texts, in minor units of a currency with `exponent`
 * decimals, rounded half away from zero once at the end (quantity × price / base quantity, taxable × rate / 100).
 */
export function productToMinor(factors: string[], divisors: string[], exponent: number): bigint {
	let num = 10n ** BigInt(exponent);
	let den = 1n;
	for (const f of factors) {
		const p = decimalParts(f);
		num *= p.num;
		den *= p.den;
	}
	for (const d of divisors) {
		const p = decimalParts(d);
		num *= p.den;
		den *= p.num;
	}
	return roundHalfAwayFromZero(num, den);
}

/** Minor units × a decimal rate in percent, rounded: 7250 × "19.00" % → 1378. */
export function percentOf(minor: bigint, ratePercent: string): bigint {
	const p = decimalParts(ratePercent);
	return roundHalfAwayFromZero(minor * p.num, p.den * 100n);
}
