import { formatAmount, formatMoney, parseAmount, roundHalfAwayFromZero } from './money';

describe('parseAmount', () => {
	it.each([
		['1234.56', 'EUR', 123456n],
		['1 234,56', 'EUR', 123456n],
		['1.234,56', 'EUR', 123456n],
		['1,234.56', 'EUR', 123456n],
		['1\u202f234,5', 'EUR', 123450n],
		['-12', 'EUR', -1200n],
		['(12.00)', 'EUR', -1200n],
		['1.234.567', 'EUR', 123456700n],
		['150000', 'XOF', 150000n],
		['12.345', 'TND', 12345n],
		[12.5, 'EUR', 1250n],
		['0.10', 'EUR', 10n],
		['1234,56', 'EUR', 123456n],
		['-1234,56', 'EUR', -123456n],
		['-0.00', 'EUR', 0n],
		['0,05', 'MAD', 5n],
		['9999999999999.99', 'EUR', 999999999999999n],
		['-9999999999999,99', 'EUR', -999999999999999n],
		['0012.34', 'EUR', 1234n],
	])('reads %p %s as %p minor units', (input, currency, expected) => {
		expect(parseAmount(input, currency)).toBe(expected);
	});

	it.each([
		['abc', 'digits'],
		['12.345', 'decimal'],
		['', 'empty'],
		['1.2.3', 'more than one'],
		[Number.NaN, 'finite'],
		[1e21, 'too large'],
		['9999999999999999', 'larger than'],
		['10000000000000.01', 'larger than'],
		['-10000000000000,01', 'larger than'],
		['1,234', 'decimal'],
		['12.34', 'decimal', 'XOF'],
		['12,34', 'decimal', 'JPY'],
	])('refuses %p with a reason', (input, reason, currency = 'EUR') => {
		expect(() => parseAmount(input as string, currency as string)).toThrow(reason);
	});

	it('refuses decimals a zero-decimal currency cannot have', () => {
		expect(() => parseAmount('100.50', 'XOF')).toThrow('0 decimal');
	});
});

describe('formatting', () => {
	it('prints plain decimals by the currency exponent', () => {
		expect(formatAmount(123456n, 'EUR')).toBe('1234.56');
		expect(formatAmount(-50n, 'EUR')).toBe('-0.50');
		expect(formatAmount(150000n, 'XOF')).toBe('150000');
	});
	it('prints for people in French and English', () => {
		expect(formatMoney(123456n, 'EUR', 'fr')).toBe('1\u202f234,56\u00a0€');
		expect(formatMoney(123456n, 'EUR', 'en')).toBe('€1,234.56');
		expect(formatMoney(1500000n, 'XOF', 'fr')).toBe('1\u202f500\u202f000\u00a0XOF');
	});
	it('rounds half away from zero', () => {
		expect(roundHalfAwayFromZero(5n, 2n)).toBe(3n);
		expect(roundHalfAwayFromZero(-5n, 2n)).toBe(-3n);
		expect(roundHalfAwayFromZero(4n, 3n)).toBe(1n);
	});
});
