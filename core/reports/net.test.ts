// Net receivables (what the customer accounts show: invoices less credit notes and unapplied cash) and the
// promised amount, as options of the reports; every figure worked out by hand in the comments.
import {
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '../ledger';
import { recordCallOutcome } from '../contacts';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { agedBalance, balanceCleaning, cei, dso, netReceivables } from '.';

jest.setTimeout(120_000);

const ZONE = 'Europe/Paris';
const MARCH = '2026-03-31';

function doc(
	number: string,
	customer: string,
	payable: bigint,
	issueDate: string,
	dueDate: string,
	extra: Partial<LedgerInvoice> = {},
): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: customer,
		currency: 'EUR',
		totalExclMinor: payable,
		totalTaxMinor: 0n,
		totalInclMinor: payable,
		payableMinor: payable,
		issueDate,
		dueDate,
		...extra,
	};
}

describe('net receivables and promised amounts', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'N1', name: 'Nord Un' },
			{ externalId: 'N2', name: 'Nord Deux' },
			{ externalId: 'N3', name: 'Casa Trois', currency: 'MAD', country: 'MA' },
		]);
		await storeInvoices(ledger, [
			doc('FN-1', 'N1', 100000n, '2026-03-02', '2026-04-01'), // 1 000,00
			doc('AV-N1', 'N1', 20000n, '2026-03-10', '2026-03-10', { docType: 'credit_note' }), // 200,00, credits no invoice
			doc('FN-2', 'N2', 30000n, '2026-03-05', '2026-03-20'), // 300,00
			doc('FN-3A', 'N3', 10000n, '2026-02-01', '2026-03-10', { currency: 'MAD' }), // 100,00 MAD
			doc('FN-3B', 'N3', 25000n, '2026-02-20', '2026-03-25', { currency: 'MAD' }), // 250,00 MAD
		]);
		const paid = await storePayments(ledger, [
			{
				externalRef: 'P-N1',
				amountMinor: 15000n,
				currency: 'EUR',
				receivedOn: '2026-03-12',
				customerExternalId: 'N1',
				referenceText: 'ACOMPTE',
			}, // 150,00 matches nothing
			{
				externalRef: 'P-N2',
				amountMinor: 50000n,
				currency: 'EUR',
				receivedOn: '2026-03-25',
				customerExternalId: 'N2',
				referenceText: 'FN-2',
			}, // 300 on FN-2, 200 over
			{
				externalRef: 'P-X',
				amountMinor: 7000n,
				currency: 'EUR',
				receivedOn: '2026-03-26',
				payerName: 'INCONNU',
				referenceText: 'VIR',
			}, // 70,00, payer unknown
		]);
		expect(paid.map((p) => p.allocation?.status)).toEqual([
			'unapplied',
			'partially_applied',
			'unapplied',
		]);
		// N1 promises 400,00 of FN-1 on a call of 20 March; N3 promises 150,00 MAD on its account (no invoice named) on 21 March.
		await recordCallOutcome(ledger, {
			customer: 'N1',
			outcome: 'promise',
			promiseDate: '2026-04-05',
			promiseAmount: '400',
			invoices: ['FN-1'],
			asOf: '2026-03-20',
			zone: ZONE,
		});
		await ledger.query(`INSERT INTO promises (customer_id, promised_on, amount_minor, currency, status, source, created_at)
			SELECT id, '2026-04-10', 15000, 'MAD', 'pending', 'call', '2026-03-21 10:00+01' FROM customers WHERE external_id = 'N3'`);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('lists invoices, unlinked credit notes, unapplied cash and the net per customer and in total', async () => {
		const report = await netReceivables(ledger, { asOf: MARCH, zone: ZONE, currency: 'EUR' });
		const flat = (r: {
			key: string;
			invoices: { amount: string };
			creditNotes: { amount: string };
			unappliedCash: { amount: string };
			net: { amount: string };
			creditBalance: { amount: string };
		}) => [
			r.key,
			r.invoices.amount,
			r.creditNotes.amount,
			r.unappliedCash.amount,
			r.net.amount,
			r.creditBalance.amount,
		];
		// N1: 1 000 − 200 − 150 = 650. N2: FN-2 paid, 200 over → −200 (credit balance 200). Unknown payer: −70.
		expect(report.rows.map(flat)).toEqual([
			['', '0.00', '0.00', '70.00', '-70.00', '70.00'],
			['N1', '1000.00', '200.00', '150.00', '650.00', '0.00'],
			['N2', '0.00', '0.00', '200.00', '-200.00', '200.00'],
		]);
		// Total EUR: 1 000 − 200 − 420 = 380.
		expect(report.totals.map(flat)).toEqual([
			['EUR', '1000.00', '200.00', '420.00', '380.00', '0.00'],
		]);
		// 11 March: no payment yet; FN-2 still open 300: 1 000 + 300 − 200 = 1 100.
		const early = await netReceivables(ledger, {
			asOf: '2026-03-11',
			zone: ZONE,
			currency: 'EUR',
			groupBy: 'none',
		});
		expect(early.rows).toEqual([]);
		expect(early.totals.map(flat)).toEqual([
			['EUR', '1300.00', '200.00', '0.00', '1100.00', '0.00'],
		]);
	});

	it('gives the aged balance, DSO and CEI net of credits as an option, gross by default', async () => {
		const gross = await agedBalance(ledger, { asOf: MARCH, zone: ZONE, currency: 'EUR' });
		expect(gross.rows.map((r) => [r.key, r.open.amount, r.net])).toEqual([
			['N1', '1000.00', undefined],
		]);
		const net = await agedBalance(ledger, { asOf: MARCH, zone: ZONE, currency: 'EUR', net: true });
		expect(
			net.rows.map((r) => [
				r.key,
				r.open.amount,
				r.creditNotes?.amount,
				r.unappliedCash?.amount,
				r.net?.amount,
			]),
		).toEqual([
			['N1', '1000.00', '200.00', '150.00', '650.00'],
			['', '0.00', '0.00', '70.00', '-70.00'],
			['N2', '0.00', '0.00', '200.00', '-200.00'],
		]);
		expect(
			net.totals.map((r) => [
				r.open.amount,
				r.creditNotes?.amount,
				r.unappliedCash?.amount,
				r.net?.amount,
			]),
		).toEqual([['1000.00', '200.00', '420.00', '380.00']]);
		// March net sales 1 000 + 300 − 200 = 1 100. Gross R = 1 000 → 31 × 1 000 / 1 100 = 28,2; net R = 380 → 31 × 380 / 1 100 = 10,7.
		const [g] = (await dso(ledger, { asOf: MARCH, zone: ZONE, currency: 'EUR', months: 1 })).points;
		const [n] = (
			await dso(ledger, { asOf: MARCH, zone: ZONE, currency: 'EUR', months: 1, net: true })
		).points;
		expect([g.receivables.amount, g.dso, n.receivables.amount, n.dso]).toEqual([
			'1000.00',
			28.2,
			'380.00',
			10.7,
		]);
		// Every grouping gives the same net total.
		for (const groupBy of ['profile', 'sales_rep', 'currency', 'none'] as const) {
			const other = await agedBalance(ledger, {
				asOf: MARCH,
				zone: ZONE,
				currency: 'EUR',
				net: true,
				groupBy,
			});
			expect(other.totals.map((r) => r.net?.amount)).toEqual(['380.00']);
		}
		// CEI net: B (28 Feb) nothing; S = 1 100; E = 380; not due: FN-1 1 000, at most the net → 380: (1 100 − 380) / (1 100 − 380) = 100 %,
		// as the gross CEI: (1 100 − 1 000) / (1 100 − 1 000) = 100 % (everything due in March was collected).
		const [c] = (
			await cei(ledger, { asOf: MARCH, zone: ZONE, currency: 'EUR', months: 1, net: true })
		).points;
		expect([
			c.beginning.amount,
			c.sales.amount,
			c.ending.amount,
			c.endingCurrent.amount,
			c.cei,
		]).toEqual(['0.00', '1100.00', '380.00', '380.00', 100]);
	});

	it('counts the amount promised when asked, the same amount balance cleaning lists', async () => {
		const byOpen = await agedBalance(ledger, { asOf: MARCH, zone: ZONE, groupBy: 'none' });
		// Default: the open amount of promised invoices: EUR FN-1 1 000; MAD the account promise covers FN-3A and FN-3B, 350.
		expect(byOpen.totals.map((t) => [t.currency, t.promised.amount])).toEqual([
			['EUR', '1000.00'],
			['MAD', '350.00'],
		]);
		const byAmount = await agedBalance(ledger, {
			asOf: MARCH,
			zone: ZONE,
			groupBy: 'none',
			promised: 'promised',
		});
		// Promised amounts: EUR 400 on FN-1; MAD 150 spread oldest due first (FN-3A 100, FN-3B 50).
		expect(byAmount.totals.map((t) => [t.currency, t.promised.amount])).toEqual([
			['EUR', '400.00'],
			['MAD', '150.00'],
		]);
		const cleaning = await balanceCleaning(ledger, { asOf: MARCH, zone: ZONE });
		expect(
			cleaning.sections
				.find((s) => s.key === 'promises')
				?.totals.map((t) => [t.currency, t.amount]),
		).toEqual([
			['EUR', '400.00'],
			['MAD', '150.00'],
		]);
	});
});

describe('an invoice credited beyond what it still owed', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'K1', name: 'Kappa' }]);
		await storeInvoices(ledger, [
			doc('FK-1', 'K1', 40000n, '2026-03-02', '2026-04-01'),
			doc('FK-2', 'K1', 30000n, '2026-03-02', '2026-04-01'),
		]); // 400,00 and 300,00
		// FK-1 paid in full on 5 March, then credited 100,00 on 15 March: the customer has 100,00 to its credit.
		const [paid] = await storePayments(ledger, [
			{
				externalRef: 'P-K1',
				amountMinor: 40000n,
				currency: 'EUR',
				receivedOn: '2026-03-05',
				customerExternalId: 'K1',
				referenceText: 'FK-1',
			},
		]);
		expect(paid.allocation?.status).toBe('applied');
		// FK-2 credited 350,00 on 20 March, 50,00 more than it owed.
		await storeInvoices(ledger, [
			doc('AV-K1', 'K1', 10000n, '2026-03-15', '2026-03-15', {
				docType: 'credit_note',
				creditedNumber: 'FK-1',
			}),
			doc('AV-K2', 'K1', 35000n, '2026-03-20', '2026-03-20', {
				docType: 'credit_note',
				creditedNumber: 'FK-2',
			}),
		]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('counts what was credited beyond each invoice as a credit, so the net is the account 411 balance', async () => {
		const flat = (r: {
			key: string;
			invoices: { amount: string };
			creditNotes: { amount: string };
			unappliedCash: { amount: string };
			net: { amount: string };
		}) => [r.key, r.invoices.amount, r.creditNotes.amount, r.unappliedCash.amount, r.net.amount];
		// 10 March: FK-1 paid (0), FK-2 300 open, no credit yet: 300.
		expect(
			(await netReceivables(ledger, { asOf: '2026-03-10', zone: ZONE })).rows.map(flat),
		).toEqual([['K1', '300.00', '0.00', '0.00', '300.00']]);
		// 16 March: FK-1 400 − 400 − 100 = −100 (a credit of 100); FK-2 300 open: 300 − 100 = 200.
		expect(
			(await netReceivables(ledger, { asOf: '2026-03-16', zone: ZONE })).rows.map(flat),
		).toEqual([['K1', '300.00', '100.00', '0.00', '200.00']]);
		// 31 March: FK-2 300 − 350 = −50: credits 100 + 50 = 150, net −150.
		// Account 411: debits 400 + 300 = 700; credits 400 (payment) + 100 + 350 = 850; 700 − 850 = −150.
		const march = await netReceivables(ledger, { asOf: MARCH, zone: ZONE });
		expect(march.rows.map(flat)).toEqual([['K1', '0.00', '150.00', '0.00', '-150.00']]);
		expect(march.totals.map((r) => r.creditBalance.amount)).toEqual(['150.00']);
		// The aged balance net of credits gives the same net; gross, nothing is open.
		const aged = await agedBalance(ledger, { asOf: MARCH, zone: ZONE, net: true });
		expect(
			aged.rows.map((r) => [r.key, r.open.amount, r.creditNotes?.amount, r.net?.amount]),
		).toEqual([['K1', '0.00', '150.00', '-150.00']]);
	});
});
