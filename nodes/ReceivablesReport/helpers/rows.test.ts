import type { AgedBalance, CeiReport, DisputeReport, DsoReport, ReportAmount } from '../../../core';
import { dayList, scopeOf } from '../actions/common';
import {
	agedBalanceRows,
	balanceCleaningRows,
	disputeRows,
	dsoCeiRows,
	localiseRows,
} from './rows';
import { sampleOverview } from '../../../core/reports/charts/sample';

const eur = (amount: string): ReportAmount => ({
	currency: 'EUR',
	minor: amount.replace('.', ''),
	amount,
});
const mad = (amount: string): ReportAmount => ({
	currency: 'MAD',
	minor: amount.replace('.', ''),
	amount,
});

const aged: AgedBalance = {
	asOf: '2026-03-31',
	zone: 'Europe/Paris',
	groupBy: 'customer',
	buckets: [
		{ key: 'not_due', fromDays: null, toDays: 0 },
		{ key: '1-30', fromDays: 1, toDays: 30 },
		{ key: '>30', fromDays: 31, toDays: null },
	],
	rows: [
		{
			key: 'C1',
			label: 'Alpha',
			currency: 'EUR',
			invoices: 2,
			open: eur('300.00'),
			buckets: [eur('100.00'), eur('200.00'), eur('0.00')],
			overdue: eur('200.00'),
			disputed: eur('0.00'),
			promised: eur('50.00'),
		},
		{
			key: 'C2',
			label: 'Casa',
			currency: 'MAD',
			invoices: 1,
			open: mad('10.00'),
			buckets: [mad('0.00'), mad('0.00'), mad('10.00')],
			overdue: mad('10.00'),
			disputed: mad('10.00'),
			promised: mad('0.00'),
		},
	],
	totals: [
		{
			key: 'EUR',
			label: null,
			currency: 'EUR',
			invoices: 2,
			open: eur('300.00'),
			buckets: [eur('100.00'), eur('200.00'), eur('0.00')],
			overdue: eur('200.00'),
			disputed: eur('0.00'),
			promised: eur('50.00'),
		},
		{
			key: 'MAD',
			label: null,
			currency: 'MAD',
			invoices: 1,
			open: mad('10.00'),
			buckets: [mad('0.00'), mad('0.00'), mad('10.00')],
			overdue: mad('10.00'),
			disputed: mad('10.00'),
			promised: mad('0.00'),
		},
	],
};

describe('report rows for spreadsheets', () => {
	test('aged balance: one flat row per group, a column per bucket, then the totals per currency', () => {
		const rows = agedBalanceRows(aged);
		expect(rows).toHaveLength(4);
		expect(rows[0]).toEqual({
			asOf: '2026-03-31',
			groupBy: 'customer',
			line: 'group',
			key: 'C1',
			label: 'Alpha',
			currency: 'EUR',
			invoices: 2,
			open: '300.00',
			not_due: '100.00',
			'1-30': '200.00',
			'>30': '0.00',
			overdue: '200.00',
			disputed: '0.00',
			promised: '50.00',
		});
		expect(rows.map((r) => [r.line, r.key])).toEqual([
			['group', 'C1'],
			['group', 'C2'],
			['total', 'EUR'],
			['total', 'MAD'],
		]);
		for (const row of rows) expect(Object.keys(row)).toEqual(Object.keys(rows[0]));
		expect(agedBalanceRows(aged, false)).toHaveLength(2);
		expect(agedBalanceRows({ ...aged, groupBy: 'currency' })).toHaveLength(2);
	});

	test('French headings rename the keys and keep the values', () => {
		const [row] = localiseRows(agedBalanceRows(aged), 'fr');
		expect(Object.keys(row)).toEqual([
			'date_arrete',
			'regroupement',
			'ligne',
			'cle',
			'libelle',
			'devise',
			'factures',
			'encours',
			'non_echu',
			'1-30',
			'>30',
			'echu',
			'en_litige',
			'promis',
		]);
		expect(row.encours).toBe('300.00');
		expect(
			localiseRows([{ paidWithin7Days: 1, paidWithin7DaysShare: 0.5, amountXOF: '12' }], 'fr'),
		).toEqual([{ payees_sous_7_jours: 1, part_payees_sous_7_jours: 0.5, montant_XOF: '12' }]);
		expect(localiseRows(agedBalanceRows(aged), 'en')[0].open).toBe('300.00');
	});

	test('DSO and CEI: one row per month and currency joining both methods and the index', () => {
		const point = (month: string, dso: number | null, receivables: string) => ({
			month,
			date: `${month}-28`,
			currency: 'EUR',
			receivables: eur(receivables),
			sales: eur('100.00'),
			dso,
		});
		const countback: DsoReport = {
			asOf: '2026-02-28',
			zone: 'Europe/Paris',
			method: 'countback',
			points: [point('2026-01', 30.5, '90.00'), point('2026-02', 31, '95.00')],
		};
		const simple: DsoReport = {
			...countback,
			method: 'simple',
			points: [point('2026-01', 27, '90.00'), point('2026-02', null, '95.00')],
		};
		const cei: CeiReport = {
			asOf: '2026-02-28',
			zone: 'Europe/Paris',
			points: [
				{
					month: '2026-02',
					from: '2026-02-01',
					to: '2026-02-28',
					currency: 'EUR',
					beginning: eur('90.00'),
					sales: eur('100.00'),
					ending: eur('95.00'),
					endingCurrent: eur('40.00'),
					cei: 63.6,
				},
			],
		};
		expect(dsoCeiRows(countback, simple, cei)).toEqual([
			{
				month: '2026-01',
				date: '2026-01-28',
				currency: 'EUR',
				receivables: '90.00',
				sales: '100.00',
				dsoCountback: 30.5,
				dsoSimple: 27,
				cei: null,
				ceiBeginning: null,
				ceiEnding: null,
				ceiEndingCurrent: null,
			},
			{
				month: '2026-02',
				date: '2026-02-28',
				currency: 'EUR',
				receivables: '95.00',
				sales: '100.00',
				dsoCountback: 31,
				dsoSimple: null,
				cei: 63.6,
				ceiBeginning: '90.00',
				ceiEnding: '95.00',
				ceiEndingCurrent: '40.00',
			},
		]);
	});

	test('disputes: an amount column per currency on every row, root causes with their examples as text', () => {
		const report: DisputeReport = {
			from: null,
			to: null,
			asOf: '2026-03-31',
			groupBy: 'category',
			status: 'all',
			totals: {
				count: 3,
				open: 2,
				resolved: 1,
				amounts: [
					{ currency: 'EUR', amount: '10.00' },
					{ currency: 'MAD', amount: '5.00' },
				],
			},
			groups: [
				{
					key: 'price',
					label: null,
					count: 2,
					open: 1,
					resolved: 1,
					justified: 1,
					unjustified: 0,
					amounts: [{ currency: 'EUR', amount: '10.00' }],
					averageOpenAgeDays: 3,
					oldestOpenAgeDays: 3,
					averageResolutionDays: 4,
				},
				{
					key: 'quality',
					label: null,
					count: 1,
					open: 1,
					resolved: 0,
					justified: 0,
					unjustified: 0,
					amounts: [{ currency: 'MAD', amount: '5.00' }],
					averageOpenAgeDays: 1,
					oldestOpenAgeDays: 1,
					averageResolutionDays: null,
				},
			],
			rootCauses: [
				{
					rootCause: 'wrong price list',
					count: 1,
					share: 1,
					categories: ['price'],
					justified: 1,
					examples: [
						{
							disputeId: '7',
							customer: 'C1',
							customerName: 'Alpha',
							category: 'price',
							subcategory: null,
							resolution: 'credit note',
							evidence: null,
							openedOn: '2026-03-01',
							resolvedOn: '2026-03-05',
						},
					],
				},
			],
		};
		const groups = disputeRows(report, 'groups');
		expect(groups.map((g) => [g.key, g.amountEUR, g.amountMAD])).toEqual([
			['price', '10.00', '0'],
			['quality', '0', '5.00'],
		]);
		expect(disputeRows(report, 'rootCauses')).toEqual([
			{
				rootCause: 'wrong price list',
				count: 1,
				share: 1,
				justified: 1,
				categories: 'price',
				examples: 'Alpha (C1, #7): credit note',
			},
		]);
	});

	test("disputes and balance cleaning name dispute categories and subcategories in the rows' language (the key keeps the code)", () => {
		const report: DisputeReport = {
			from: null,
			to: null,
			asOf: '2026-03-31',
			groupBy: 'subcategory',
			status: 'all',
			totals: { count: 1, open: 1, resolved: 0, amounts: [] },
			groups: [
				{
					key: 'commercial/discount_not_applied',
					label: null,
					count: 1,
					open: 1,
					resolved: 0,
					justified: 0,
					unjustified: 0,
					amounts: [],
					averageOpenAgeDays: 1,
					oldestOpenAgeDays: 1,
					averageResolutionDays: null,
				},
			],
			rootCauses: [
				{
					rootCause: 'old tariff',
					count: 1,
					share: 1,
					categories: ['commercial', 'technical'],
					justified: 0,
					examples: [],
				},
			],
		};
		expect(disputeRows(report, 'groups', 'fr')[0]).toMatchObject({
			key: 'commercial/discount_not_applied',
			label: 'Commercial / Remise non appliquée',
		});
		expect(disputeRows(report, 'groups', 'en')[0]).toMatchObject({
			label: 'Commercial / Discount not applied',
		});
		expect(disputeRows(report, 'rootCauses', 'fr')[0]).toMatchObject({
			categories: 'Commercial, Technique',
		});
		const cleaning = sampleOverview().cleaning;
		cleaning.sections.find((s) => s.key === 'disputes')!.items[0].detail =
			'logistics/late_delivery';
		const rows = balanceCleaningRows(cleaning, 'items', 'fr').filter(
			(r) => r.section === 'disputes',
		);
		expect(rows.map((r) => r.detail)).toEqual(['Logistique / Livraison en retard']);
		expect(
			balanceCleaningRows(cleaning, 'items', 'en')
				.filter((r) => r.section === 'disputes')
				.map((r) => r.detail),
		).toEqual(['Logistics / Late delivery']);
	});
});

describe('report options', () => {
	test('bucket and day lists', () => {
		expect(dayList('30, 60, 90', 'Buckets')).toEqual([30, 60, 90]);
		expect(dayList([7, 14], 'Paid Within')).toEqual([7, 14]);
		expect(dayList(' ', 'Buckets')).toBeUndefined();
		expect(() => dayList('30, soixante', 'Buckets')).toThrow(
			/Buckets: "30, soixante" is not a list of whole numbers of days/,
		);
		expect(() => dayList('0', 'Buckets')).toThrow(/REPORT_OPTION_INVALID|whole numbers/);
	});

	test('scope: level 1 is everything; levels 2 and 3 carry the staff code (the core refuses one without)', () => {
		expect(scopeOf(1, 'REP1')).toBeUndefined();
		expect(scopeOf(undefined, '')).toBeUndefined();
		expect(scopeOf(2, ' REP1 ')).toEqual({ level: 2, staffCode: 'REP1' });
		expect(scopeOf('3', 'GH1')).toEqual({ level: 3, staffCode: 'GH1' });
		expect(scopeOf(2, '')).toEqual({ level: 2, staffCode: null });
	});
});
