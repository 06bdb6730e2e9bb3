import { formatAmount } from '../../money';
import type { AgedBalanceRow, ReceivablesOverview, ReportAmount } from '../types';

/**
 * A hand-built overview with the shape and orders of magnitude of a mid-size company's receivables (two
 * currencies, twelve months of trend), for the renderers' tests. Not exported from the package index.
 */
const amount = (currency: string, minor: bigint | number): ReportAmount => ({ currency, minor: String(minor), amount: formatAmount(BigInt(minor), currency) });

function agedRow(key: string, label: string | null, currency: string, invoices: number, buckets: number[], disputed: number, promised: number): AgedBalanceRow {
	const open = buckets.reduce((a, b) => a + BigInt(b), 0n);
	const overdue = buckets.slice(1).reduce((a, b) => a + BigInt(b), 0n);
	return { key, label, currency, invoices, open: amount(currency, open), buckets: buckets.map((b) => amount(currency, b)), overdue: amount(currency, overdue), disputed: amount(currency, disputed), promised: amount(currency, promised) };
}

export function sampleOverview(asOf = '2026-11-20'): ReceivablesOverview {
	const zone = 'Europe/Paris';
	const eur = [
		agedRow('C0012', 'Carrefour Proxi Lyon', 'EUR', 14, [4_520_000, 1_230_000, 640_000, 0, 0], 0, 640_000),
		agedRow('C0007', 'Société Générale des Travaux <Sud> & Fils', 'EUR', 9, [1_800_000, 950_000, 1_210_000, 480_000, 2_350_000], 2_350_000, 0),
		agedRow('C0031', 'Boulangeries Dupont', 'EUR', 22, [2_100_000, 410_000, 0, 120_000, 0], 0, 0),
		agedRow('C0044', 'Hôtel des Arts', 'EUR', 6, [650_000, 0, 380_000, 0, 910_000], 380_000, 910_000),
		agedRow('C0050', 'Export Nordic AB', 'EUR', 3, [3_400_000, 0, 0, 0, 0], 0, 0),
		agedRow('C0058', 'Clinique Saint-Roch', 'EUR', 11, [1_250_000, 870_000, 220_000, 0, 65_000], 0, 0),
	];
	const totalOf = (rows: AgedBalanceRow[], currency: string): AgedBalanceRow => {
		const sum = (pick: (r: AgedBalanceRow) => ReportAmount) => amount(currency, rows.reduce((a, r) => a + BigInt(pick(r).minor), 0n));
		return { key: currency, label: null, currency, invoices: rows.reduce((a, r) => a + r.invoices, 0), open: sum((r) => r.open), buckets: rows[0].buckets.map((_, i) => sum((r) => r.buckets[i])), overdue: sum((r) => r.overdue), disputed: sum((r) => r.disputed), promised: sum((r) => r.promised) };
	};
	const mad = [agedRow('M0003', 'Atlas Négoce SARL', 'MAD', 5, [18_000_000, 4_500_000, 0, 0, 7_200_000], 0, 4_500_000)];
	const months = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
	const dsoValues = [52.4, 55.1, 58.3, 54.9, 51.2, 49.8, 53.5, 57.2, 60.1, 56.4, 50.7, 47.9];
	const simpleValues = [49.0, 51.8, 56.2, 55.0, 50.3, 48.1, 51.9, 55.5, 58.7, 55.2, 49.9, 46.3];
	const ceiValues = [78.5, 74.2, 71.9, 76.8, 81.3, 83.0, 79.4, 72.8, 70.5, 75.9, 82.6, 85.1];
	const monthEnd = (m: string) => (m === '2026-11' ? asOf : `${m}-28`);
	return {
		asOf, zone, scope: null,
		aged: { asOf, zone, groupBy: 'customer', buckets: [
			{ key: 'not_due', fromDays: null, toDays: 0 }, { key: '1-30', fromDays: 1, toDays: 30 }, { key: '31-60', fromDays: 31, toDays: 60 }, { key: '61-90', fromDays: 61, toDays: 90 }, { key: '>90', fromDays: 91, toDays: null },
		], rows: [...eur, ...mad], totals: [totalOf(eur, 'EUR'), totalOf(mad, 'MAD')] },
		dso: { asOf, zone, method: 'countback', points: months.map((m, i) => ({ month: m, date: monthEnd(m), currency: 'EUR', receivables: amount('EUR', 21_000_000 + i * 350_000), sales: amount('EUR', 12_500_000 - (i % 4) * 600_000), dso: i === 3 ? null : dsoValues[i] })) },
		dsoSimple: { asOf, zone, method: 'simple', points: months.map((m, i) => ({ month: m, date: monthEnd(m), currency: 'EUR', receivables: amount('EUR', 21_000_000 + i * 350_000), sales: amount('EUR', 12_500_000 - (i % 4) * 600_000), dso: simpleValues[i] })) },
		cei: { asOf, zone, points: months.map((m, i) => ({ month: m, from: `${m}-01`, to: monthEnd(m), currency: 'EUR', beginning: amount('EUR', 20_000_000), sales: amount('EUR', 12_000_000), ending: amount('EUR', 21_000_000), endingCurrent: amount('EUR', 13_500_000), cei: ceiValues[i] })) },
		daysLate: { from: '2025-11-21', to: asOf, zone, weighting: 'amount', rows: [
			{ customer: 'C0007', customerName: 'Société Générale des Travaux <Sud> & Fils', currency: 'EUR', invoices: 31, paid: amount('EUR', 18_400_000), averageDaysLate: 38.6, averageDaysToPay: 84.2, lateShare: 0.812 },
			{ customer: 'C0044', customerName: 'Hôtel des Arts', currency: 'EUR', invoices: 12, paid: amount('EUR', 4_100_000), averageDaysLate: 21.3, averageDaysToPay: 62.0, lateShare: 0.604 },
			{ customer: 'C0012', customerName: 'Carrefour Proxi Lyon', currency: 'EUR', invoices: 58, paid: amount('EUR', 52_300_000), averageDaysLate: 4.1, averageDaysToPay: 47.5, lateShare: 0.215 },
			{ customer: 'C0031', customerName: 'Boulangeries Dupont', currency: 'EUR', invoices: 96, paid: amount('EUR', 21_700_000), averageDaysLate: 2.7, averageDaysToPay: 33.1, lateShare: 0.118 },
			{ customer: 'M0003', customerName: 'Atlas Négoce SARL', currency: 'MAD', invoices: 14, paid: amount('MAD', 96_000_000), averageDaysLate: 17.9, averageDaysToPay: 77.4, lateShare: 0.5 },
		] },
		cleaning: { asOf, zone, sections: [
			{ key: 'promises', count: 3, totals: [amount('EUR', 1_550_000), amount('MAD', 4_500_000)], items: [
				{ customer: 'C0044', customerName: 'Hôtel des Arts', salesRep: 'R01', invoiceNumber: 'FAC-2026-0412', amount: amount('EUR', 910_000), dueDate: '2026-07-31', daysOverdue: 112, date: '2026-11-28', detail: 'pending', ref: '17' },
				{ customer: 'C0012', customerName: 'Carrefour Proxi Lyon', salesRep: 'R02', invoiceNumber: 'FAC-2026-0977', amount: amount('EUR', 640_000), dueDate: '2026-10-10', daysOverdue: 41, date: '2026-11-25', detail: 'pending', ref: '19' },
			] },
			{ key: 'delay_requests', count: 1, totals: [], items: [{ customer: 'C0058', customerName: 'Clinique Saint-Roch', salesRep: 'R01', invoiceNumber: 'FAC-2026-1003', amount: amount('EUR', 220_000), dueDate: '2026-10-01', daysOverdue: 50, date: '2026-12-15', detail: 'delay agreement', ref: '4' }] },
			{ key: 'disputes', count: 2, totals: [amount('EUR', 2_730_000)], items: [{ customer: 'C0007', customerName: 'Société Générale des Travaux <Sud> & Fils', salesRep: 'R02', invoiceNumber: 'FAC-2026-0301', amount: amount('EUR', 2_350_000), dueDate: '2026-06-30', daysOverdue: 143, date: '2026-11-30', detail: 'quantity', ref: '8' }] },
			{ key: 'doubtful', count: 1, totals: [amount('EUR', 2_350_000)], items: [{ customer: 'C0007', customerName: 'Société Générale des Travaux <Sud> & Fils', salesRep: 'R02', invoiceNumber: 'FAC-2026-0301', amount: amount('EUR', 2_350_000), dueDate: '2026-04-30', daysOverdue: 204, date: null, detail: null, ref: null }] },
			{ key: 'unapplied_payments', count: 2, totals: [amount('EUR', 48_500)], items: [{ customer: 'C0031', customerName: 'Boulangeries Dupont', salesRep: null, invoiceNumber: null, amount: amount('EUR', 48_500), dueDate: null, daysOverdue: null, date: '2026-11-14', detail: 'VIR DUPONT NOV', ref: 'P-88' }] },
			{ key: 'ambiguous_payments', count: 0, totals: [], items: [] },
		] },
		reminders: {
			from: '2026-10-22', to: asOf, zone,
			volumes: Array.from({ length: 20 }, (_, i) => ({ day: `2026-11-${String(i + 1).padStart(2, '0')}`, stage: i % 2 ? 'level1' : 'pre_due', channel: 'email', sent: [12, 8, 15, 3, 0, 0, 22, 17, 9, 11, 6, 0, 0, 25, 14, 10, 8, 7, 0, 19][i], bounced: i % 7 === 0 ? 1 : 0, failed: 0 })),
			stages: [
				{ stage: 'pre_due', sent: 96, bounced: 3, bounceRate: 0.031, paidWithin: [{ days: 7, count: 61, share: 0.635 }, { days: 14, count: 78, share: 0.813 }] },
				{ stage: 'level1', sent: 84, bounced: 2, bounceRate: 0.024, paidWithin: [{ days: 7, count: 35, share: 0.417 }, { days: 14, count: 49, share: 0.583 }] },
				{ stage: 'level2', sent: 31, bounced: 1, bounceRate: 0.032, paidWithin: [{ days: 7, count: 9, share: 0.29 }, { days: 14, count: 14, share: 0.452 }] },
				{ stage: 'formal_notice', sent: 7, bounced: 0, bounceRate: 0, paidWithin: [{ days: 7, count: 2, share: 0.286 }, { days: 14, count: 3, share: 0.429 }] },
			],
			paidInvoices: 118, remindersPerPaidInvoice: 1.6,
		},
		disputes: {
			from: '2026-10-22', to: asOf, asOf, groupBy: 'category', status: 'all',
			totals: { count: 24, open: 9, resolved: 15, amounts: [{ currency: 'EUR', amount: '48210.50' }] },
			groups: [
				{ key: 'price', label: 'Prix', count: 8, open: 2, resolved: 6, justified: 4, unjustified: 2, amounts: [{ currency: 'EUR', amount: '15300.00' }], averageOpenAgeDays: 12.5, oldestOpenAgeDays: 19, averageResolutionDays: 8.2 },
				{ key: 'quantity', label: 'Quantité', count: 6, open: 3, resolved: 3, justified: 2, unjustified: 1, amounts: [{ currency: 'EUR', amount: '23504.00' }], averageOpenAgeDays: 21.0, oldestOpenAgeDays: 44, averageResolutionDays: 11.7 },
				{ key: 'quality', label: 'Qualité', count: 5, open: 2, resolved: 3, justified: 3, unjustified: 0, amounts: [{ currency: 'EUR', amount: '6100.50' }], averageOpenAgeDays: 6.0, oldestOpenAgeDays: 9, averageResolutionDays: 14.3 },
				{ key: 'delivery', label: 'Livraison', count: 3, open: 1, resolved: 2, justified: 1, unjustified: 1, amounts: [{ currency: 'EUR', amount: '2306.00' }], averageOpenAgeDays: 3.0, oldestOpenAgeDays: 3, averageResolutionDays: 5.0 },
				{ key: 'billing', label: 'Facturation', count: 2, open: 1, resolved: 1, justified: 1, unjustified: 0, amounts: [{ currency: 'EUR', amount: '1000.00' }], averageOpenAgeDays: 30.0, oldestOpenAgeDays: 30, averageResolutionDays: 2.0 },
			],
			rootCauses: [
				{ rootCause: 'Tarif non mis à jour', count: 5, share: 0.333, categories: ['price'], justified: 4, examples: [] },
				{ rootCause: 'Bon de livraison incomplet', count: 4, share: 0.267, categories: ['quantity', 'delivery'], justified: 2, examples: [] },
				{ rootCause: 'Produit endommagé au transport', count: 3, share: 0.2, categories: ['quality'], justified: 3, examples: [] },
				{ rootCause: 'Adresse de facturation erronée', count: 3, share: 0.2, categories: ['billing'], justified: 1, examples: [] },
			],
		},
		distribution: { from: '2026-10-22', to: asOf, zone, rows: [
			{ zone: 'CASA-N', courier: 'C01', currency: 'MAD', waves: 4, deliveries: 212, delivered: 198, onTime: 181, onTimeRate: 0.914, averageDelayDays: 0.6, failed: 14, cost: amount('MAD', 594_000), costPerDelivered: amount('MAD', 3_000) },
			{ zone: 'CASA-S', courier: 'C02', currency: 'MAD', waves: 4, deliveries: 180, delivered: 151, onTime: 118, onTimeRate: 0.781, averageDelayDays: 1.4, failed: 29, cost: amount('MAD', 540_000), costPerDelivered: amount('MAD', 3_576) },
			{ zone: 'RABAT', courier: 'C03', currency: 'MAD', waves: 3, deliveries: 96, delivered: 90, onTime: 86, onTimeRate: 0.956, averageDelayDays: 0.2, failed: 6, cost: amount('MAD', 249_600), costPerDelivered: amount('MAD', 2_773) },
			{ zone: 'DAKAR', courier: 'C04', currency: 'XOF', waves: 2, deliveries: 64, delivered: 52, onTime: 39, onTimeRate: 0.75, averageDelayDays: 2.1, failed: 12, cost: amount('XOF', 320_000), costPerDelivered: amount('XOF', 6_154) },
		] },
	};
}
