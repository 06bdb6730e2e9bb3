import { ReceivablesError } from '../../errors';
import { currencyExponent, formatMoney, roundHalfAwayFromZero } from '../../money';
import type { ChartValue, Lang, ValueUnit } from './model';

/**
 * Chart values are handled as integers ("units"): money in minor units, other values (counts, days, percents) in
 * thousandths. Axes, stacks and totals are computed on these integers; only a pixel coordinate becomes a float.
 */
export const THOUSANDTHS = 1000n;

/** A chart value as units, or null for a gap. A money value that is not a whole number of minor units is refused. */
export function toUnits(value: ChartValue, unit: ValueUnit): bigint | null {
	if (value === null || value === undefined || value === '') return null;
	if (unit.kind === 'money') {
		if (typeof value === 'bigint') return value;
		if (typeof value === 'string' && /^-?\d{1,19}$/.test(value.trim())) return BigInt(value.trim());
		if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
		throw new ReceivablesError(
			'REPORT_CHART_BAD_VALUE',
			`Chart amount "${String(value)}" is not a whole number of minor units.`,
			{
				hint: 'Pass money to charts as minor units (bigint or an integer string such as "123456" for 1 234,56).',
			},
		);
	}
	const n = typeof value === 'number' ? value : Number(value);
	if (!Number.isFinite(n)) {
		throw new ReceivablesError(
			'REPORT_CHART_BAD_VALUE',
			`Chart value "${String(value)}" is not a number.`,
			{ hint: 'Pass counts, days and percentages as numbers.' },
		);
	}
	return BigInt(Math.round(n * 1000));
}

/** The smallest axis step worth labelling: one major currency unit, or one whole count/day/percent. */
export function minimumStep(unit: ValueUnit): bigint {
	return unit.kind === 'money' ? 10n ** BigInt(currencyExponent(unit.currency)) : THOUSANDTHS;
}

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£' };

function decimalText(value: bigint, decimals: number, lang: Lang): string {
	const negative = value < 0n;
	const abs = negative ? -value : value;
	const scale = 10n ** BigInt(decimals);
	const integer = (abs / scale)
		.toString()
		.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'fr' ? '\u202f' : ',');
	let fraction = decimals
		? (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '')
		: '';
	if (fraction) fraction = (lang === 'fr' ? ',' : '.') + fraction;
	return `${negative ? '-' : ''}${integer}${fraction}`;
}

/**
 * Money in a few characters for axes and bar ends: "1,2 M€" / "€1.2M", "350 k€" / "€350k", "85 MAD";
 * exact amounts use core/money formatMoney.
 */
export function formatCompactMoney(minor: bigint, currency: string, lang: Lang): string {
	const major = 10n ** BigInt(currencyExponent(currency));
	const abs = minor < 0n ? -minor : minor;
	let number: string;
	let suffix = '';
	if (abs >= major * 1_000_000n) {
		const decimals = abs >= major * 10_000_000n ? 0 : 1;
		number = decimalText(
			roundHalfAwayFromZero(minor * 10n ** BigInt(decimals), major * 1_000_000n),
			decimals,
			lang,
		);
		suffix = 'M';
	} else if (abs >= major * 1_000n) {
		const decimals = abs >= major * 10_000n ? 0 : 1;
		number = decimalText(
			roundHalfAwayFromZero(minor * 10n ** BigInt(decimals), major * 1_000n),
			decimals,
			lang,
		);
		suffix = 'k';
	} else {
		number = decimalText(roundHalfAwayFromZero(minor, major), 0, lang);
	}
	const symbol = SYMBOLS[currency];
	if (lang === 'fr')
		return `${number}\u00a0${suffix}${symbol ?? (suffix ? `\u00a0${currency}` : currency)}`;
	if (symbol)
		return number.startsWith('-')
			? `-${symbol}${number.slice(1)}${suffix}`
			: `${symbol}${number}${suffix}`;
	return `${number}${suffix} ${currency}`;
}

/** A value in units, formatted for people: exact money, counts, days ("45,5 j" / "45.5 d"), percents. */
export function formatUnits(units: bigint, unit: ValueUnit, lang: Lang, compact = false): string {
	switch (unit.kind) {
		case 'money':
			return compact
				? formatCompactMoney(units, unit.currency, lang)
				: formatMoney(units, unit.currency, lang);
		case 'count':
			return decimalText(roundHalfAwayFromZero(units, THOUSANDTHS), 0, lang);
		case 'days':
			return `${decimalText(roundHalfAwayFromZero(units, 100n), 1, lang)}\u00a0${lang === 'fr' ? 'j' : 'd'}`;
		case 'percent':
			return `${decimalText(roundHalfAwayFromZero(units, 100n), 1, lang)}${lang === 'fr' ? '\u00a0%' : '%'}`;
	}
}

/** A plain number with at most `decimals` decimals ("1,8" / "1.8"). */
export function formatDecimal(value: number, lang: Lang, decimals = 1): string {
	const scale = 10 ** decimals;
	return decimalText(BigInt(Math.round(value * scale)), decimals, lang);
}

/** The exact value carried by a mark's data (minor units for money, the number otherwise). */
export function rawValue(units: bigint, unit: ValueUnit): string {
	return unit.kind === 'money' ? units.toString() : decimalText(units, 3, 'en').replace(/,/g, '');
}
