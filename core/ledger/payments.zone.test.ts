// The day a money fact takes effect is the company's day, never the database server's: a payment applied at 01:30
// in Paris on 1 April (23:30 UTC on 31 March) is dated 1 April, so the month-end report as of 31 March still shows
// the invoice open. Allocations (automatic and by hand), credit notes linked from a payment's label and small
// differences written off are all dated so.
import {
	allocatePayments,
	applyPayment,
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '.';
import { agedBalance } from '../reports';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { allocationDay } from './payments';

jest.setTimeout(120_000);

const PARIS = 'Europe/Paris';
/** 23:30 UTC on 31 March 2026 = 01:30 on 1 April in Paris (summer time, UTC+2). */
const NIGHT = new Date('2026-03-31T23:30:00Z');

function doc(number: string, payable: bigint, extra: Partial<LedgerInvoice> = {}): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: 'Z',
		currency: 'EUR',
		totalExclMinor: payable,
		totalTaxMinor: 0n,
		totalInclMinor: payable,
		payableMinor: payable,
		issueDate: '2026-03-02',
		dueDate: '2026-03-31',
		...extra,
	};
}

describe('allocationDay', () => {
	const recorded = { received_on: '2026-03-31', created_at: new Date('2026-03-31T10:00:00Z') };
	it("is the company's day, not UTC's", () => {
		expect(allocationDay(recorded, PARIS, NIGHT)).toBe('2026-04-01');
		expect(allocationDay(recorded, 'UTC', NIGHT)).toBe('2026-03-31');
	});
	it('is the value date when the payment is allocated the day it is recorded (in the zone), never before it', () => {
		expect(
			allocationDay(
				{ received_on: '2026-03-30', created_at: new Date('2026-03-31T23:10:00Z') },
				PARIS,
				NIGHT,
			),
		).toBe('2026-03-30');
		expect(
			allocationDay(
				{ received_on: '2026-04-03', created_at: new Date('2026-03-30T10:00:00Z') },
				PARIS,
				NIGHT,
			),
		).toBe('2026-04-03');
	});
});

describe('money facts made at 23:30 UTC on 31 March are dated 1 April in Europe/Paris', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'Z', name: 'Zeta SAS' }]);
		await storeInvoices(ledger, [
			doc('FZ-1', 100000n), // 1 000,00
			doc('FZ-2', 50000n), // 500,00
			doc('FZ-3', 30000n), // 300,00
			doc('AV-Z-1', 20000n, {
				docType: 'credit_note',
				issueDate: '2026-03-10',
				dueDate: '2026-03-10',
			}), // 200,00, no invoice named
		]);
		// Three payments received on 31 March, recorded that morning, left unapplied (allocated that night).
		const stored = await storePayments(
			ledger,
			[
				{
					externalRef: 'P-Z1',
					amountMinor: 80000n,
					currency: 'EUR',
					receivedOn: '2026-03-31',
					customerExternalId: 'Z',
					referenceText: 'VIR ZETA FZ-1 MOINS AV-Z-1',
				},
				{
					externalRef: 'P-Z2',
					amountMinor: 50000n,
					currency: 'EUR',
					receivedOn: '2026-03-31',
					customerExternalId: 'Z',
					referenceText: 'VIREMENT ZETA',
				},
				{
					externalRef: 'P-Z3',
					amountMinor: 29950n,
					currency: 'EUR',
					receivedOn: '2026-03-31',
					customerExternalId: 'Z',
					referenceText: 'FZ-3',
				},
			],
			{ allocate: false },
		);
		expect(stored.map((s) => s.status)).toEqual(['created', 'created', 'created']);
		await ledger.query("UPDATE payments SET created_at = '2026-03-31T10:00:00Z'");
	});
	afterAll(async () => dropTestLedger(ledger));

	const open = (asOf: string) =>
		agedBalance(ledger, { asOf, zone: PARIS, groupBy: 'none' }).then((r) =>
			r.totals.map((t) => [t.currency, t.open.amount, t.invoices]),
		);

	it('dates the allocation and the credit note a label deducts on 1 April, and the payment status too', async () => {
		const [r] = await allocatePayments(ledger, {
			paymentIds: [
				(
					await ledger.query<{ id: string }>("SELECT id FROM payments WHERE external_ref = 'P-Z1'")
				)[0].id,
			],
			zone: PARIS,
			now: NIGHT,
		});
		// 800,00 + AV-Z-1 200,00 = FZ-1 1 000,00
		expect(r).toMatchObject({ status: 'applied' });
		expect(r.allocations.map((a) => [a.invoiceNumber, a.amountMinor, a.invoiceStatus])).toEqual([
			['FZ-1', 80000n, 'paid'],
		]);
		expect(
			await ledger.query(
				"SELECT a.applied_on::text FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.external_ref = 'P-Z1'",
			),
		).toEqual([{ applied_on: '2026-04-01' }]);
		expect(
			await ledger.query("SELECT credited_on::text, status FROM invoices WHERE number = 'AV-Z-1'"),
		).toEqual([{ credited_on: '2026-04-01', status: 'credited' }]);
		expect(
			await ledger.query(`SELECT s.effective_on::text, s.status FROM payment_states s JOIN payments p ON p.id = s.payment_id
			WHERE p.external_ref = 'P-Z1' ORDER BY s.id`),
		).toEqual([
			{ effective_on: '2026-03-31', status: 'unapplied' },
			{ effective_on: '2026-04-01', status: 'applied' },
		]);
	});

	it('dates a decision by hand with no date given on 1 April', async () => {
		const r = await applyPayment(ledger, {
			externalRef: 'P-Z2',
			allocations: [{ invoiceNumber: 'FZ-2' }],
			zone: PARIS,
			now: NIGHT,
		});
		expect(r.status).toBe('applied');
		expect(
			await ledger.query(
				"SELECT a.applied_on::text FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.external_ref = 'P-Z2'",
			),
		).toEqual([{ applied_on: '2026-04-01' }]);
	});

	it('dates a small difference written off with its allocation on 1 April', async () => {
		const [r] = await allocatePayments(ledger, {
			zone: PARIS,
			now: NIGHT,
			writeOffUpTo: { EUR: '1.00' },
		});
		// 299,50 for FZ-3 300,00: 0,50 written off
		expect(r.writeOffs?.map((w) => [w.invoiceNumber, w.amountMinor, w.effectiveOn])).toEqual([
			['FZ-3', 50n, '2026-04-01'],
		]);
		expect(
			await ledger.query('SELECT effective_on::text, amount_minor::text FROM write_offs'),
		).toEqual([{ effective_on: '2026-04-01', amount_minor: '50' }]);
	});

	it('the aged balance as of 31 March still shows every invoice open, the one of 1 April none', async () => {
		// 1 000,00 + 500,00 + 300,00 open at the end of March; the credit note, unlinked on 31 March, takes nothing off.
		expect(await open('2026-03-31')).toEqual([['EUR', '1800.00', 3]]);
		expect(await open('2026-04-01')).toEqual([]);
	});
});
