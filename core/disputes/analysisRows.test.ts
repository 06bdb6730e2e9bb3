import { disputeAnalysisRows, type DisputeAnalysis } from './analysis';

const analysis: DisputeAnalysis = {
	from: null,
	to: null,
	asOf: '2026-03-31',
	groupBy: 'customer',
	status: 'all',
	totals: { count: 3, open: 1, resolved: 2, amounts: [] },
	groups: [
		{
			key: '=HYPERLINK("http://evil.example","x")',
			label: '@Atlas',
			count: 2,
			open: 1,
			resolved: 1,
			justified: 1,
			unjustified: 0,
			amounts: [
				{ currency: 'EUR', amount: '1200.00' },
				{ currency: 'MAD', amount: '300.00' },
			],
			averageOpenAgeDays: 4.5,
			oldestOpenAgeDays: 6,
			averageResolutionDays: -1,
		},
		{
			key: 'K2',
			label: 'Baobab',
			count: 1,
			open: 0,
			resolved: 1,
			justified: 0,
			unjustified: 1,
			amounts: [],
			averageOpenAgeDays: null,
			oldestOpenAgeDays: null,
			averageResolutionDays: 3,
		},
	],
	rootCauses: [
		{
			rootCause: "+1+cmd|' /C calc'!A0",
			count: 2,
			share: 0.5,
			categories: ['commercial', 'logistics'],
			justified: 1,
			examples: [
				{
					disputeId: '7',
					customer: '-2+3',
					customerName: 'X',
					category: 'commercial',
					subcategory: null,
					resolution: 'credit_note',
					evidence: '=1+1',
					openedOn: '2026-03-01',
					resolvedOn: '2026-03-05',
				},
			],
		},
	],
};

describe('disputeAnalysisRows: the dispute analysis as spreadsheet rows', () => {
	test('one flat row per group, the column named after the dimension, amounts per currency never summed, formulas neutralised', () => {
		expect(disputeAnalysisRows(analysis, 'groups')).toEqual([
			{
				customer: '\'=HYPERLINK("http://evil.example","x")',
				disputes: 2,
				open: 1,
				resolved: 1,
				justified: 1,
				amounts: '1200.00 EUR + 300.00 MAD',
				averageOpenAgeDays: 4.5,
				averageResolutionDays: -1,
				label: "'@Atlas",
			},
			{
				customer: 'K2',
				disputes: 1,
				open: 0,
				resolved: 1,
				justified: 0,
				amounts: '',
				averageOpenAgeDays: null,
				averageResolutionDays: 3,
				label: 'Baobab',
			},
		]);
	});

	test('one flat row per root cause with its examples as text; a cell starting with + = - @ becomes text', () => {
		expect(disputeAnalysisRows(analysis, 'rootCauses')).toEqual([
			{
				rootCause: "'+1+cmd|' /C calc'!A0",
				disputes: 2,
				share: 0.5,
				categories: 'commercial, logistics',
				justified: 1,
				examples: "'-2+3 (#7): =1+1",
			},
		]);
	});

	test('with a language, categories and subcategories are named in it; the key column keeps the code', () => {
		const bySub: DisputeAnalysis = {
			...analysis,
			groupBy: 'subcategory',
			groups: [{ ...analysis.groups[1], key: 'logistics/damaged', label: null }],
		};
		expect(disputeAnalysisRows(bySub, 'groups', 'fr')[0]).toMatchObject({
			subcategory: 'logistics/damaged',
			label: 'Logistique / Marchandise abîmée',
		});
		expect(disputeAnalysisRows(bySub, 'groups', 'en')[0]).toMatchObject({
			subcategory: 'logistics/damaged',
			label: 'Logistics / Damaged goods',
		});
		expect(disputeAnalysisRows(analysis, 'rootCauses', 'fr')[0]).toMatchObject({
			categories: 'Commercial, Logistique',
		});
		// grouped by customer, the label stays the customer's name
		expect(disputeAnalysisRows(analysis, 'groups', 'fr')[1]).toMatchObject({
			customer: 'K2',
			label: 'Baobab',
		});
	});
});
