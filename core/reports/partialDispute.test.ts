// A dispute of some lines of an invoice holds only that part in the aged balance, as of each date: the rest is
// undisputed (and may be promised). Figures worked out by hand in the comments.
import { storeInvoices, upsertCustomers, type Ledger, type LedgerInvoice } from '../ledger';
import { openDispute, resolveDispute } from '../disputes/ledger';
import { recordCallOutcome } from '../contacts';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { agedBalance, balanceCleaning } from '.';

jest.setTimeout(120_000);

const ZONE = 'Europe/Paris';

function invoice(
	number: string,
	payable: bigint,
	issueDate: string,
	dueDate: string,
): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: 'PD',
		currency: 'EUR',
		totalExclMinor: payable,
		totalTaxMinor: 0n,
		totalInclMinor: payable,
		payableMinor: payable,
		issueDate,
		dueDate,
	};
}

describe('aged balance with a dispute of some lines', () => {
	let ledger: Ledger;
	const aged = (asOf: string, promised?: 'open' | 'promised') =>
		agedBalance(ledger, {
			asOf,
			zone: ZONE,
			groupBy: 'none',
			...(promised ? { promised } : {}),
		}).then((r) =>
			r.totals.map((t) => ({
				open: t.open.amount,
				buckets: t.buckets.map((b) => b.amount),
				disputed: t.disputed.amount,
				promised: t.promised.amount,
			})),
		);
	const cleaningDisputes = (asOf: string) =>
		balanceCleaning(ledger, { asOf, zone: ZONE }).then((r) =>
			r.sections
				.find((s) => s.key === 'disputes')!
				.items.map((i) => [i.invoiceNumber, i.amount?.amount]),
		);

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'PD', name: 'Partiel SA' }]);
		await storeInvoices(ledger, [
			invoice('PD-1', 51000n, '2026-02-01', '2026-03-02'), // 510,00 due 2 March
			invoice('PD-2', 20000n, '2026-03-01', '2026-04-30'), // 200,00 not due before 30 April
		]);
		// 10 March: 150,00 of PD-1 disputed (some lines); 15 March: the payer promises PD-1 for 15 April; 25 March: resolved.
		const { disputeId } = await openDispute(ledger, {
			invoices: ['PD-1'],
			category: 'commercial',
			disputedMinor: 15000n,
			asOf: '2026-03-10',
			zone: ZONE,
		});
		await recordCallOutcome(ledger, {
			customer: 'PD',
			outcome: 'promise',
			promiseDate: '2026-04-15',
			invoices: ['PD-1'],
			asOf: '2026-03-15',
			zone: ZONE,
		});
		await resolveDispute(ledger, {
			disputeId,
			resolution: 'unjustified',
			rootCause: 'prix conforme',
			asOf: '2026-03-25',
			zone: ZONE,
		});
	});
	afterAll(async () => dropTestLedger(ledger));

	it('before the dispute: the whole 510,00 undisputed in its bucket', async () => {
		// 5 March: PD-1 3 days overdue (1–30) 510,00; PD-2 not due 200,00; no dispute, no promise yet.
		expect(await aged('2026-03-05')).toEqual([
			{
				open: '710.00',
				buckets: ['200.00', '510.00', '0.00', '0.00', '0.00'],
				disputed: '0.00',
				promised: '0.00',
			},
		]);
		expect(await cleaningDisputes('2026-03-05')).toEqual([]);
	});

	it('while it is open: 150,00 disputed, the 360,00 rest undisputed in its bucket and promised', async () => {
		// 20 March: PD-1 18 days overdue, 510,00 in 1–30 of which 150,00 disputed (the part) and 360,00 undisputed;
		// the promise (made 15 March, no amount: all the invoice owes) covers the undisputed 360,00 only.
		expect(await aged('2026-03-20')).toEqual([
			{
				open: '710.00',
				buckets: ['200.00', '510.00', '0.00', '0.00', '0.00'],
				disputed: '150.00',
				promised: '360.00',
			},
		]);
		expect(await aged('2026-03-20', 'promised')).toEqual([
			{
				open: '710.00',
				buckets: ['200.00', '510.00', '0.00', '0.00', '0.00'],
				disputed: '150.00',
				promised: '360.00',
			},
		]);
		expect(await cleaningDisputes('2026-03-20')).toEqual([['PD-1', '150.00']]);
	});

	it('after the resolution: 510,00 undisputed again, wholly promised', async () => {
		// 31 March: resolved on the 25th; PD-1 29 days overdue (1–30), 510,00 undisputed and promised.
		expect(await aged('2026-03-31')).toEqual([
			{
				open: '710.00',
				buckets: ['200.00', '510.00', '0.00', '0.00', '0.00'],
				disputed: '0.00',
				promised: '510.00',
			},
		]);
		expect(await cleaningDisputes('2026-03-31')).toEqual([]);
	});
});
