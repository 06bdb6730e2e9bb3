import {
	ecbRateOn,
	latePaymentCharges,
	legalInterestRateFor,
	legalRateFor,
	rateTablesInfo,
} from './charges';

describe('late-payment charges', () => {
	it('uses the ECB rate in force on 1 January / 1 July plus 10 points', () => {
		expect(ecbRateOn('2024-06-11')).toBe('4.50');
		expect(ecbRateOn('2024-06-12')).toBe('4.25');
		expect(legalRateFor('2024-03-15')).toEqual({
			ratePercent: '14.50',
			ecbRatePercent: '4.50',
			reference: '2024-01-01',
			known: true,
		});
		// 1 July 2024: the 4.25 % of 12 June, not the later cuts
		expect(legalRateFor('2024-11-30').ratePercent).toBe('14.25');
		expect(legalRateFor('2025-01-10').ratePercent).toBe('13.15');
		expect(legalRateFor('2025-07-01').ratePercent).toBe('12.15');
		expect(legalRateFor('2016-07-01').ratePercent).toBe('10.00');
		expect(legalRateFor('2012-01-01').ratePercent).toBe('11.00');
		// H1 2026: the 2.15 % decided on 18 December 2025 held on 1 January 2026; H2 2026 is not in the table yet
		expect(legalRateFor('2026-03-01')).toMatchObject({ ratePercent: '12.15', known: true });
		expect(legalRateFor('2026-08-01')).toMatchObject({ known: false });
	});

	it('ships the French legal interest rate for professionals per half-year, with the dates of both tables', () => {
		expect(legalInterestRateFor('2015-03-01')).toMatchObject({
			ratePercent: '0.93',
			semester: '2015-S1',
			known: true,
		});
		expect(legalInterestRateFor('2023-07-01')).toMatchObject({ ratePercent: '4.22', known: true });
		expect(legalInterestRateFor('2024-06-30')).toMatchObject({ ratePercent: '5.07', known: true });
		expect(legalInterestRateFor('2025-12-31')).toMatchObject({ ratePercent: '2.76', known: true });
		expect(legalInterestRateFor('2014-12-31')).toBeUndefined();
		const info = rateTablesInfo();
		expect(info.ecb.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(info.ecb.checkedThrough >= info.ecb.lastChange).toBe(true);
		expect(info.legalInterest.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(info.legalInterest.source).toContain('Journal officiel');
	});

	it('computes interest pro rata temporis with exact rounding and the EUR 40 indemnity', () => {
		// 10 000.00 EUR, 30 days in the second half of 2025 at 12.15 %: 10000 × 0.1215 × 30/365 = 99.863… → 99.86
		const charges = latePaymentCharges({
			amount: '10000.00',
			currency: 'EUR',
			dueDate: '2025-09-01',
			asOf: '2025-10-01',
		});
		expect(charges.daysLate).toBe(30);
		expect(charges.annualRatePercent).toBe('12.15');
		expect(charges.interest).toBe('99.86');
		expect(charges.interestMinor).toBe(9986n);
		expect(charges.fixedIndemnity).toBe('40.00');
		expect(charges.rateSource).toBe('legal');
		expect(charges.warnings).toEqual([]);
	});

	it('splits a period across half-years, each at its own rate', () => {
		// 1 000.00 EUR due 2024-12-21: 10 days in H2 2024 at 14.25 %, 20 days in H1 2025 at 13.15 %
		const charges = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: '2024-12-21',
			asOf: '2025-01-20',
		});
		expect(charges.daysLate).toBe(30);
		expect(charges.periods).toEqual([
			{ from: '2024-12-22', to: '2024-12-31', days: 10, ratePercent: '14.25' },
			{ from: '2025-01-01', to: '2025-01-20', days: 20, ratePercent: '13.15' },
		]);
		// 1000 × (10 × 0.1425 + 20 × 0.1315) / 365 = 11.1096 → 11.11
		expect(charges.interest).toBe('11.11');
		expect(charges.annualRatePercent).toBe('13.15');
	});

	it('charges each amount for its own period: a part paid late earns interest up to its payment date', () => {
		// 10 000.00 EUR due 2025-09-01; 4 000.00 paid on 2025-09-21 (20 days late), 6 000.00 still open on 2025-10-01 (30 days)
		// 4000 × 0.1215 × 20/365 = 26.630… → 26.63 ; 6000 × 0.1215 × 30/365 = 59.917… → 59.92 ; total 86.55
		const charges = latePaymentCharges({
			amount: '10000.00',
			currency: 'EUR',
			dueDate: '2025-09-01',
			asOf: '2025-10-01',
			settlements: [{ date: '2025-09-21', amountMinor: 400000n }],
		});
		expect(charges.portions.map((p) => [p.amount, p.status, p.days, p.interest])).toEqual([
			['4000.00', 'paid', 20, '26.63'],
			['6000.00', 'open', 30, '59.92'],
		]);
		expect(charges.interest).toBe('86.55');
		expect(charges.fixedIndemnity).toBe('40.00');
	});

	it('keeps the charges of an invoice paid late in full; nothing for one paid on time', () => {
		// 1 000.00 EUR due 2025-09-01, paid in full on 2025-10-01: 1000 × 0.1215 × 30/365 = 9.986… → 9.99, + 40.00
		const late = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: '2025-09-01',
			asOf: '2025-12-15',
			settlements: [{ date: '2025-10-01', amountMinor: 100000n }],
		});
		expect(late).toMatchObject({ daysLate: 30, interest: '9.99', fixedIndemnity: '40.00' });
		expect(late.portions).toHaveLength(1);
		const onTime = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: '2025-09-01',
			asOf: '2025-12-15',
			settlements: [{ date: '2025-09-01', amountMinor: 100000n }],
		});
		expect(onTime).toMatchObject({
			daysLate: 0,
			interest: '0.00',
			fixedIndemnity: '0.00',
			periods: [],
		});
		// a written-off difference earns no interest, but the late payment before it does
		const writtenOff = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: '2025-09-01',
			asOf: '2025-12-15',
			settlements: [
				{ date: '2025-10-01', amountMinor: 99950n },
				{ date: '2025-10-01', amountMinor: 50n, kind: 'write_off' },
			],
		});
		// 999.50 × 0.1215 × 30/365 = 9.9813… → 9.98
		expect(writtenOff.interest).toBe('9.98');
	});

	it('lets a contract rate at or above 3 × the legal interest rate replace the legal rate', () => {
		// H1 2025: floor 3 × 3.71 % = 11.13 %; 12 % stays. 5000 × 0.12 × 30 / 365 = 49.315… → 49.32
		const charges = latePaymentCharges({
			amount: '5000.00',
			currency: 'EUR',
			dueDate: '2025-01-31',
			asOf: '2025-03-02',
			contractRatePercent: '12',
		});
		expect(charges.rateSource).toBe('contract');
		expect(charges.annualRatePercent).toBe('12.00');
		expect(charges.interest).toBe('49.32');
		expect(charges.warnings).toEqual([]);
	});

	it('raises a contract rate below 3 × the legal interest rate to that floor, with a warning', () => {
		// H1 2024: legal interest 5.07 % → floor 15.21 %. 1000 × 0.1521 × 30 / 365 = 12.501… → 12.50
		const charges = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: '2024-01-31',
			asOf: '2024-03-01',
			contractRatePercent: '5',
		});
		expect(charges.annualRatePercent).toBe('15.21');
		expect(charges.interest).toBe('12.50');
		expect(charges.rateSource).toBe('contract_floor');
		expect(charges.warnings.map((w) => [w.code, w.semester])).toEqual([
			['CONTRACT_RATE_RAISED', '2024-S1'],
		]);
		expect(charges.warnings[0].messageFr).toContain('L441-10');
	});

	it('warns, per half-year, when a rate is not in the shipped tables instead of reusing the last one silently', () => {
		const info = rateTablesInfo();
		// a semester after the ECB table's checked date
		const year = Number(info.ecb.checkedThrough.slice(0, 4)) + 1;
		const legal = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: `${year}-01-10`,
			asOf: `${year}-02-09`,
		});
		expect(legal.warnings.map((w) => [w.code, w.semester])).toEqual([
			['RATE_UNKNOWN', `${year}-S1`],
		]);
		expect(legal.periods[0].rateKnown).toBe(false);
		const later = Number(info.legalInterest.lastSemester.slice(0, 4)) + 1;
		const contract = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: `${later}-01-10`,
			asOf: `${later}-02-09`,
			contractRatePercent: '20',
		});
		expect(contract.warnings.map((w) => w.code)).toEqual(['LEGAL_INTEREST_UNKNOWN']);
	});

	it('follows the governing law, not the currency: a French-law XOF or USD invoice gets the EUR 40 indemnity', () => {
		const xof = latePaymentCharges({
			amount: '1000000',
			currency: 'XOF',
			dueDate: '2025-01-01',
			asOf: '2025-02-01',
		});
		// 1 000 000 × 13.15 % × 31 / 365 = 11 168.49 → 11 168 (XOF has no decimals)
		expect(xof.interest).toBe('11168');
		// 40 EUR × 655.957 (fixed parity) = 26 238.28 → 26 238 XOF
		expect(xof).toMatchObject({
			fixedIndemnity: '26238',
			fixedIndemnityCurrency: 'XOF',
			fixedIndemnityConversion: { fromEur: '40.00', rate: '655.957' },
		});
		const usd = latePaymentCharges({
			amount: '1000',
			currency: 'USD',
			dueDate: '2025-01-01',
			asOf: '2025-02-01',
		});
		expect(usd).toMatchObject({
			fixedIndemnity: '40.00',
			fixedIndemnityCurrency: 'EUR',
			currency: 'USD',
		});
		const configured = latePaymentCharges({
			amount: '1000000',
			currency: 'XOF',
			dueDate: '2025-01-01',
			asOf: '2025-02-01',
			fixedIndemnity: { XOF: '26000' },
		});
		expect(configured.fixedIndemnity).toBe('26000');
		// Moroccan law: no statutory rate known; interest only at a contract rate, no floor
		const ma = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: '2025-01-01',
			asOf: '2025-02-01',
			governingLaw: 'MA',
		});
		expect(ma).toMatchObject({
			interest: '0.00',
			fixedIndemnity: '0.00',
			rateSource: 'none',
			governingLaw: 'MA',
		});
		expect(ma.warnings.map((w) => w.code)).toEqual(['NO_STATUTORY_RATE']);
		// 1000 × 0.05 × 31 / 365 = 4.246… → 4.25
		const maContract = latePaymentCharges({
			amount: '1000',
			currency: 'EUR',
			dueDate: '2025-01-01',
			asOf: '2025-02-01',
			governingLaw: 'MA',
			contractRatePercent: '5',
		});
		expect(maContract).toMatchObject({ interest: '4.25', rateSource: 'contract', warnings: [] });
	});

	it('charges nothing before or on the due date', () => {
		const charges = latePaymentCharges({
			amount: '100',
			currency: 'EUR',
			dueDate: '2025-03-10',
			asOf: '2025-03-10',
		});
		expect(charges).toMatchObject({
			daysLate: 0,
			interest: '0.00',
			fixedIndemnity: '0.00',
			periods: [],
		});
	});

	describe('a revised invoice: each day follows the content in force that day and the current one', () => {
		// 2026, first half-year: ECB 2.15 % + 10 points = 12.15 %.
		it('charges an amount added by a correction only from the day it was invoiced', () => {
			// 1 000,00 due 1 February, corrected to 1 200,00 on 1 March; as of 31 March, nothing paid.
			// 1 000 late from 2 February to 31 March (27 + 31 = 58 d): 100 000 × 58 × 12.15 / 36 500 = 1 930,68 → 19,31
			// 200 from 1 March to 31 March (31 d): 20 000 × 31 × 12.15 / 36 500 = 206,38 → 2,06; total 21,37
			// (the current content alone would give 1 200 × 58 d = 23,17)
			const c = latePaymentCharges({
				amount: '1200',
				currency: 'EUR',
				dueDate: '2026-02-01',
				asOf: '2026-03-31',
				settlements: [],
				revisions: [{ until: '2026-03-01', amountMinor: 100000n, dueDate: '2026-02-01' }],
			});
			expect(c.portions.map((p) => [p.amount, p.status, p.from, p.to, p.days, p.interest])).toEqual(
				[
					['1000.00', 'open', '2026-02-02', '2026-03-31', 58, '19.31'],
					['200.00', 'open', '2026-03-01', '2026-03-31', 31, '2.06'],
				],
			);
			expect([c.interest, c.daysLate, c.fixedIndemnity]).toEqual(['21.37', 58, '40.00']);
		});

		it('charges neither an amount a correction took off nor the days before a due date it moved later', () => {
			// 1 000,00 due 1 February, corrected on 1 March to 800,00 due 15 February; 300,00 paid on 10 March.
			// Late only when both contents say so: from 16 February, on the lesser amount, 800.
			// 300 from 16 February to 10 March (13 + 10 = 23 d): 30 000 × 23 × 12.15 / 36 500 = 229,68 → 2,30
			// 500 from 16 February to 31 March (13 + 31 = 44 d): 50 000 × 44 × 12.15 / 36 500 = 732,33 → 7,32; total 9,62
			const c = latePaymentCharges({
				amount: '800',
				currency: 'EUR',
				dueDate: '2026-02-15',
				asOf: '2026-03-31',
				settlements: [{ date: '2026-03-10', amountMinor: 30000n, kind: 'payment' }],
				revisions: [{ until: '2026-03-01', amountMinor: 100000n, dueDate: '2026-02-01' }],
			});
			expect(c.portions.map((p) => [p.amount, p.status, p.from, p.to, p.days, p.interest])).toEqual(
				[
					['300.00', 'paid', '2026-02-16', '2026-03-10', 23, '2.30'],
					['500.00', 'open', '2026-02-16', '2026-03-31', 44, '7.32'],
				],
			);
			expect([c.interest, c.daysLate]).toEqual(['9.62', 44]);
		});

		it('as of a date before the correction, charges the content then in force', () => {
			// As of 20 February the 1 000,00 due 1 February held: 19 d, 100 000 × 19 × 12.15 / 36 500 = 632,47 → 6,32.
			const c = latePaymentCharges({
				amount: '1200',
				currency: 'EUR',
				dueDate: '2026-01-15',
				asOf: '2026-02-20',
				revisions: [{ until: '2026-03-01', amountMinor: 100000n, dueDate: '2026-02-01' }],
			});
			expect(c.portions.map((p) => [p.amount, p.from, p.to, p.interest])).toEqual([
				['1000.00', '2026-02-02', '2026-02-20', '6.32'],
			]);
		});

		it('gives the same charges as without revisions when a revision changed neither amount nor due date', () => {
			const settlements = [
				{ date: '2025-09-21', amountMinor: 400000n, kind: 'payment' as const },
				{ date: '2025-09-25', amountMinor: 50n, kind: 'write_off' as const },
			];
			const plain = latePaymentCharges({
				amount: '10000',
				currency: 'EUR',
				dueDate: '2025-09-01',
				asOf: '2025-10-01',
				settlements,
			});
			const revised = latePaymentCharges({
				amount: '10000',
				currency: 'EUR',
				dueDate: '2025-09-01',
				asOf: '2025-10-01',
				settlements,
				revisions: [{ until: '2025-09-10', amountMinor: 1000000n, dueDate: '2025-09-01' }],
			});
			expect(revised).toEqual(plain);
		});
	});
});
