import { ecbRateOn, latePaymentCharges, legalRateFor } from './charges';

describe('late-payment charges', () => {
	it('uses the ECB rate in force on 1 January / 1 July plus 10 points', () => {
		expect(ecbRateOn('2024-06-11')).toBe('4.50');
		expect(ecbRateOn('2024-06-12')).toBe('4.25');
		expect(legalRateFor('2024-03-15')).toEqual({ ratePercent: '14.50', ecbRatePercent: '4.50', reference: '2024-01-01' });
		// 1 July 2024: the 4.25 % of 12 June, not the later cuts
		expect(legalRateFor('2024-11-30').ratePercent).toBe('14.25');
		expect(legalRateFor('2025-01-10').ratePercent).toBe('13.15');
		expect(legalRateFor('2025-07-01').ratePercent).toBe('12.15');
		expect(legalRateFor('2016-07-01').ratePercent).toBe('10.00');
		expect(legalRateFor('2012-01-01').ratePercent).toBe('11.00');
	});

	it('computes interest pro rata temporis with exact rounding and the EUR 40 indemnity', () => {
		// 10 000.00 EUR, 30 days in the second half of 2025 at 12.15 %: 10000 × 0.1215 × 30/365 = 99.863… → 99.86
		const charges = latePaymentCharges({ amount: '10000.00', currency: 'EUR', dueDate: '2025-09-01', asOf: '2025-10-01' });
		expect(charges.daysLate).toBe(30);
		expect(charges.annualRatePercent).toBe('12.15');
		expect(charges.interest).toBe('99.86');
		expect(charges.interestMinor).toBe(9986n);
		expect(charges.fixedIndemnity).toBe('40.00');
		expect(charges.rateSource).toBe('legal');
	});

	it('splits a period across half-years, each at its own rate', () => {
		// 1 000.00 EUR due 2024-12-21: 10 days in H2 2024 at 14.25 %, 20 days in H1 2025 at 13.15 %
		const charges = latePaymentCharges({ amount: '1000', currency: 'EUR', dueDate: '2024-12-21', asOf: '2025-01-20' });
		expect(charges.daysLate).toBe(30);
		expect(charges.periods).toEqual([
			{ from: '2024-12-22', to: '2024-12-31', days: 10, ratePercent: '14.25' },
			{ from: '2025-01-01', to: '2025-01-20', days: 20, ratePercent: '13.15' },
		]);
		// 1000 × (10 × 0.1425 + 20 × 0.1315) / 365 = 11.1096 → 11.11
		expect(charges.interest).toBe('11.11');
		expect(charges.annualRatePercent).toBe('13.15');
	});

	it('lets a contract rate override the legal rate', () => {
		const charges = latePaymentCharges({ amount: '5000.00', currency: 'EUR', dueDate: '2025-01-31', asOf: '2025-03-02', contractRatePercent: '9.5' });
		expect(charges.rateSource).toBe('contract');
		expect(charges.annualRatePercent).toBe('9.50');
		// 5000 × 0.095 × 30 / 365 = 39.041 → 39.04
		expect(charges.interest).toBe('39.04');
	});

	it('charges nothing before or on the due date', () => {
		const charges = latePaymentCharges({ amount: '100', currency: 'EUR', dueDate: '2025-03-10', asOf: '2025-03-10' });
		expect(charges).toMatchObject({ daysLate: 0, interest: '0.00', fixedIndemnity: '0.00', periods: [] });
	});

	it('keeps the EUR 40 indemnity for EUR only unless configured for the currency', () => {
		const xof = latePaymentCharges({ amount: '1000000', currency: 'XOF', dueDate: '2025-01-01', asOf: '2025-02-01' });
		expect(xof.fixedIndemnity).toBe('0');
		// 1 000 000 × 13.15 % × 31 / 365 = 11 168.49 → 11 168 (XOF has no decimals)
		expect(xof.interest).toBe('11168');
		const configured = latePaymentCharges({ amount: '1000000', currency: 'XOF', dueDate: '2025-01-01', asOf: '2025-02-01', fixedIndemnity: { XOF: '26000' } });
		expect(configured.fixedIndemnity).toBe('26000');
	});
});
