// Reports as of a past date never change: a revision recorded later, a payment applied by hand later, a dispute
// resolved later leave the figures as of an earlier date as they were; facts backfilled with their own dates
// (a dispute opened, a call's promise, a settlement) are seen by the reports as of those dates. Every figure is
// worked out by hand in the comments.
import {
	applyPayment,
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '../ledger';
import { openDispute, resolveDispute } from '../disputes/ledger';
import { promiseStats, recordCallOutcome, settlePromises } from '../contacts';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { agedBalance, balanceCleaning, countbackDso, daysLate, dso } from '.';

jest.setTimeout(120_000);

const ZONE = 'Europe/Paris';

function invoice(
	number: string,
	customer: string,
	payable: bigint,
	issueDate: string,
	dueDate: string,
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
	};
}

describe('reports as of a past date', () => {
	let ledger: Ledger;
	const aged = (asOf: string) =>
		agedBalance(ledger, { asOf, zone: ZONE, groupBy: 'none' }).then((r) =>
			r.totals.map((t) => ({
				open: t.open.amount,
				buckets: t.buckets.map((b) => b.amount),
				disputed: t.disputed.amount,
				promised: t.promised.amount,
			})),
		);
	const payments = (asOf: string) =>
		balanceCleaning(ledger, { asOf, zone: ZONE }).then((r) =>
			r.sections
				.filter((s) => s.key.endsWith('_payments'))
				.map((s) => [
					s.key,
					s.items.map((i) => [i.customer, i.customerName, i.amount?.amount, i.detail]),
				]),
		);
	const trend = (asOf: string) =>
		dso(ledger, { asOf, zone: ZONE, months: 2, currency: 'EUR' }).then((r) =>
			r.points.map((p) => [p.month, p.receivables.amount, p.sales.amount, p.dso]),
		);
	let disputeId: string;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'A', name: 'Martin', legalName: 'Martin Alpha SA' },
			{ externalId: 'B', name: 'Martin', legalName: 'Martin Beta SARL' },
		]);
		await storeInvoices(ledger, [
			invoice('FA-11', 'A', 50000n, '2026-02-02', '2026-03-04'), // 500,00
			invoice('FA-10', 'A', 100000n, '2026-03-02', '2026-04-01'), // 1 000,00
		]);
		// 300,00 from "MARTIN" on 16 March: two customers bear that name and the label names no invoice → ambiguous.
		const [p] = await storePayments(ledger, [
			{
				externalRef: 'P-AMB',
				amountMinor: 30000n,
				currency: 'EUR',
				receivedOn: '2026-03-16',
				payerName: 'MARTIN',
				referenceText: 'VIREMENT',
			},
		]);
		expect(p.allocation).toMatchObject({ status: 'ambiguous', customerId: null });
		// Backfilled: a dispute on FA-11 raised on 10 March, a call on 25 March promising FA-10 for 10 April.
		disputeId = (
			await openDispute(ledger, {
				invoices: ['FA-11'],
				category: 'commercial',
				asOf: '2026-03-10',
				zone: ZONE,
			})
		).disputeId;
		await recordCallOutcome(ledger, {
			customer: 'A',
			outcome: 'promise',
			promiseDate: '2026-04-10',
			invoices: ['FA-10'],
			asOf: '2026-03-25',
			zone: ZONE,
		});
	});
	afterAll(async () => dropTestLedger(ledger));

	it('sees backfilled facts on their own dates, and never changes a past report when later facts arrive', async () => {
		// 9 March: FA-11 500 (5 days late: 1–30), FA-10 1 000 not due; the dispute (10 March) and the promise (25 March) are not there yet.
		expect(await aged('2026-03-09')).toEqual([
			{
				open: '1500.00',
				buckets: ['1000.00', '500.00', '0.00', '0.00', '0.00'],
				disputed: '0.00',
				promised: '0.00',
			},
		]);
		// 31 March: FA-11 500 disputed (27 days: 1–30), FA-10 1 000 not due (due 1 April) and promised.
		const march = {
			aged: await aged('2026-03-31'),
			payments: await payments('2026-03-31'),
			dso: await trend('2026-03-31'),
		};
		expect(march.aged).toEqual([
			{
				open: '1500.00',
				buckets: ['1000.00', '500.00', '0.00', '0.00', '0.00'],
				disputed: '500.00',
				promised: '1000.00',
			},
		]);
		// The payment of 16 March is ambiguous at 31 March, payer only (no customer yet).
		expect(march.payments).toEqual([
			['unapplied_payments', []],
			['ambiguous_payments', [['', 'MARTIN', '300.00', 'PAYER_SEVERAL_CUSTOMERS']]],
		]);
		// DSO 31 March: R = 1 500; March sales 1 000 < 1 500 → 31 d, 500 left; Feb 500 ≥ 500 → + 28 × 500/500 = 59,0.
		expect(march.dso).toEqual([
			['2026-02', '500.00', '500.00', 28],
			['2026-03', '1500.00', '1000.00', 59],
		]);

		// April: the payment is applied by hand to FA-11 with effect on 2 April, the dispute resolved on 5 April,
		// FA-10 corrected (1 200,00, due 20 March) with effect on 15 April.
		await applyPayment(ledger, {
			externalRef: 'P-AMB',
			allocations: [{ invoiceNumber: 'FA-11' }],
			appliedOn: '2026-04-02',
			zone: ZONE,
			actor: 'aminata',
		});
		await resolveDispute(ledger, {
			disputeId,
			resolution: 'unjustified',
			rootCause: 'prix conforme au devis',
			asOf: '2026-04-05',
			zone: ZONE,
		});
		const [revised] = await storeInvoices(
			ledger,
			[invoice('FA-10', 'A', 120000n, '2026-03-02', '2026-03-20')],
			{ effectiveOn: '2026-04-15', zone: ZONE },
		);
		expect(revised).toMatchObject({ status: 'revised', revision: 2 });

		// Every figure as of 31 March is unchanged.
		expect({
			aged: await aged('2026-03-31'),
			payments: await payments('2026-03-31'),
			dso: await trend('2026-03-31'),
		}).toEqual(march);
		// 1 April: still 500 open on FA-11 (applied on the 2nd), still disputed (resolved on the 5th), payment still ambiguous.
		expect(await aged('2026-04-01')).toEqual([
			{
				open: '1500.00',
				buckets: ['1000.00', '500.00', '0.00', '0.00', '0.00'],
				disputed: '500.00',
				promised: '1000.00',
			},
		]);
		expect((await payments('2026-04-01'))[1]).toEqual([
			'ambiguous_payments',
			[['', 'MARTIN', '300.00', 'PAYER_SEVERAL_CUSTOMERS']],
		]);
		expect(await payments('2026-04-02')).toEqual([
			['unapplied_payments', []],
			['ambiguous_payments', []],
		]);
		// 10 April: FA-10 as it stood then, 1 000 due 1 April (9 days: 1–30); FA-11 500 − 300 = 200 (37 days: 31–60); no dispute.
		expect(await aged('2026-04-10')).toEqual([
			{
				open: '1200.00',
				buckets: ['0.00', '1000.00', '200.00', '0.00', '0.00'],
				disputed: '0.00',
				promised: '1000.00',
			},
		]);
		// 30 April: FA-10 revised, 1 200 due 20 March (41 days: 31–60); FA-11 200 (57 days: 31–60).
		expect(await aged('2026-04-30')).toEqual([
			{
				open: '1400.00',
				buckets: ['0.00', '0.00', '1400.00', '0.00', '0.00'],
				disputed: '0.00',
				promised: '1200.00',
			},
		]);
		// DSO 30 April, each point as of its date: March as it stood on 31 March (sales 1 000, 59,0); April: R = 1 400,
		// April no sales → 30 d; March now 1 200 < 1 400 → 61 d, 200 left; Feb 500 ≥ 200 → + 28 × 200/500 = 11,2 → 72,2.
		expect(await trend('2026-04-30')).toEqual([
			['2026-03', '1500.00', '1000.00', 59],
			['2026-04', '1400.00', '0.00', 72.2],
		]);
	});

	it('refuses effective dates in the future, before the fact they follow, or out of order', async () => {
		await expect(
			openDispute(ledger, { customer: 'B', category: 'other', asOf: '2999-01-01', zone: ZONE }),
		).rejects.toMatchObject({ code: 'DISPUTE_BAD_DATE' });
		await expect(
			recordCallOutcome(ledger, {
				customer: 'B',
				outcome: 'confirmed',
				asOf: '2999-01-01',
				zone: ZONE,
			}),
		).rejects.toMatchObject({ code: 'CALL_BAD_DATE' });
		const late = await openDispute(ledger, {
			customer: 'B',
			category: 'other',
			asOf: '2026-05-04',
			zone: ZONE,
		});
		await expect(
			resolveDispute(ledger, {
				disputeId: late.disputeId,
				resolution: 'withdrawn',
				rootCause: 'erreur',
				asOf: '2026-05-03',
				zone: ZONE,
			}),
		).rejects.toMatchObject({ code: 'DISPUTE_BAD_DATE' });
		await storePayments(ledger, [
			{
				externalRef: 'P-B',
				amountMinor: 1000n,
				currency: 'EUR',
				receivedOn: '2026-05-10',
				customerExternalId: 'B',
				referenceText: 'ACOMPTE',
			},
		]);
		await storeInvoices(ledger, [invoice('FB-1', 'B', 5000n, '2026-05-01', '2026-05-31')]);
		await expect(
			applyPayment(ledger, {
				externalRef: 'P-B',
				allocations: [{ invoiceNumber: 'FB-1' }],
				appliedOn: '2026-05-09',
				zone: ZONE,
			}),
		).rejects.toMatchObject({ code: 'APPLIED_ON_INVALID' });
		// FA-10's revision took effect on 15 April: another one cannot take effect before it.
		const [early] = await storeInvoices(
			ledger,
			[invoice('FA-10', 'A', 110000n, '2026-03-02', '2026-03-20')],
			{ effectiveOn: '2026-04-14', zone: ZONE },
		);
		expect(early).toMatchObject({
			status: 'rejected',
			error: { code: 'INVOICE_REVISION_BEFORE_PREVIOUS' },
		});
		await expect(
			storeInvoices(ledger, [invoice('FA-10', 'A', 110000n, '2026-03-02', '2026-03-20')], {
				effectiveOn: '2999-01-01',
			}),
		).rejects.toMatchObject({ code: 'INVOICE_BAD_EFFECTIVE_DATE' });
	});

	it('measures days late against the due date an invoice had when it was paid', async () => {
		// FA-11's due date is moved from 4 to 20 March on 20 April, after its 300,00 took effect on 2 April.
		await storeInvoices(ledger, [invoice('FA-11', 'A', 50000n, '2026-02-02', '2026-03-20')], {
			effectiveOn: '2026-04-20',
			zone: ZONE,
		});
		const report = await daysLate(ledger, { asOf: '2026-04-30', from: '2026-03-01', zone: ZONE });
		// 2 April − 4 March = 29 days late (not 13 against the new due date); 2 April − 2 February = 59 days to pay.
		expect(
			report.rows.map((r) => [
				r.customer,
				r.paid.amount,
				r.averageDaysLate,
				r.averageDaysToPay,
				r.lateShare,
			]),
		).toEqual([['A', '300.00', 29, 59, 1]]);
	});
});

describe('promises settled with an effective date', () => {
	let ledger: Ledger;
	const aged = (asOf: string) =>
		agedBalance(ledger, { asOf, zone: ZONE, groupBy: 'none' }).then((r) =>
			r.totals.map((t) => ({ open: t.open.amount, promised: t.promised.amount })),
		);
	const promised = (asOf: string) =>
		balanceCleaning(ledger, { asOf, zone: ZONE }).then((r) =>
			r.sections
				.find((s) => s.key === 'promises')!
				.items.map((i) => [i.invoiceNumber, i.amount?.amount, i.date]),
		);
	const state = async (number: string) =>
		(
			await ledger.query<{ status: string; settled_on: string | null }>(
				`SELECT p.status, (p.settled_at AT TIME ZONE '${ZONE}')::date::text AS settled_on FROM promises p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = $1`,
				[number],
			)
		)[0];

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'P', name: 'Promesses SARL' }]);
		await storeInvoices(ledger, [
			invoice('FP-1', 'P', 120000n, '2026-02-02', '2026-03-04'), // 1 200,00
			invoice('FP-2', 'P', 80000n, '2026-02-02', '2026-03-04'), // 800,00
			invoice('FP-3', 'P', 50000n, '2026-02-02', '2026-03-04'), // 500,00
		]);
		// Backfilled calls: on 5 March FP-1 and FP-2 promised for 20 March, on 6 March FP-3 for 31 March.
		await recordCallOutcome(ledger, {
			customer: 'P',
			outcome: 'promise',
			promiseDate: '2026-03-20',
			invoices: ['FP-1', 'FP-2'],
			asOf: '2026-03-05',
			zone: ZONE,
		});
		await recordCallOutcome(ledger, {
			customer: 'P',
			outcome: 'promise',
			promiseDate: '2026-03-31',
			invoices: ['FP-3'],
			asOf: '2026-03-06',
			zone: ZONE,
		});
		// FP-2 paid on 18 March (in time); FP-1 and FP-3 only on 10 April (both late on their promise).
		await storePayments(ledger, [
			{
				externalRef: 'P-2',
				amountMinor: 80000n,
				currency: 'EUR',
				receivedOn: '2026-03-18',
				customerExternalId: 'P',
				referenceText: 'FP-2',
			},
			{
				externalRef: 'P-1',
				amountMinor: 120000n,
				currency: 'EUR',
				receivedOn: '2026-04-10',
				customerExternalId: 'P',
				referenceText: 'FP-1',
			},
			{
				externalRef: 'P-3',
				amountMinor: 50000n,
				currency: 'EUR',
				receivedOn: '2026-04-10',
				customerExternalId: 'P',
				referenceText: 'FP-3',
			},
		]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('settles as the ledger stood on the date, and reports see the settlement from that date', async () => {
		// Backfilling the settlement of 21 March: FP-2 kept (paid 18 ≤ 20 March); FP-1 broken (20 March passed, paid
		// only on 10 April); FP-3 still pending (promised for 31 March; its payment of 10 April was not there on 21 March).
		const march = await settlePromises(ledger, { asOf: '2026-03-21', zone: ZONE });
		expect([march.kept.map((p) => p.invoice), march.broken.map((p) => p.invoice)]).toEqual([
			['FP-2'],
			['FP-1'],
		]);
		expect([await state('FP-1'), await state('FP-2'), await state('FP-3')]).toEqual([
			{ status: 'broken', settled_on: '2026-03-21' },
			{ status: 'kept', settled_on: '2026-03-21' },
			{ status: 'pending', settled_on: null },
		]);
		const [broken] = await ledger.query<{ day: string }>(
			`SELECT (h.at AT TIME ZONE '${ZONE}')::date::text AS day FROM history h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'FP-1' AND h.kind = 'promise_broken'`,
		);
		expect(broken.day).toBe('2026-03-21');

		// 17 March: 1 200 + 800 + 500 = 2 500 open, all of it promised.
		expect(await aged('2026-03-17')).toEqual([{ open: '2500.00', promised: '2500.00' }]);
		expect(await promised('2026-03-17')).toEqual([
			['FP-1', '1200.00', '2026-03-20'],
			['FP-2', '800.00', '2026-03-20'],
			['FP-3', '500.00', '2026-03-31'],
		]);
		// 25 March: FP-2 paid; FP-1 1 200 + FP-3 500 = 1 700 open; FP-1's promise was broken on the 21st, only FP-3's 500 is promised.
		expect(await aged('2026-03-25')).toEqual([{ open: '1700.00', promised: '500.00' }]);
		expect(await promised('2026-03-25')).toEqual([['FP-3', '500.00', '2026-03-31']]);

		// Backfilling the settlement of 1 April: FP-3 broken (31 March passed, paid on 10 April).
		const april = await settlePromises(ledger, { asOf: '2026-04-01', zone: ZONE });
		expect([april.kept, april.broken.map((p) => p.invoice)]).toEqual([[], ['FP-3']]);
		expect(await state('FP-3')).toEqual({ status: 'broken', settled_on: '2026-04-01' });
		// 31 March still sees FP-3 promised (1 700 open, 500 promised); 1 April none of the 1 700 is.
		expect(await aged('2026-03-31')).toEqual([{ open: '1700.00', promised: '500.00' }]);
		expect(await aged('2026-04-01')).toEqual([{ open: '1700.00', promised: '0.00' }]);
		// Today's settlement finds nothing left; one kept, two broken.
		expect(await settlePromises(ledger, { zone: ZONE })).toMatchObject({ kept: [], broken: [] });
		expect((await promiseStats(ledger)).find((s) => s.customer === 'P')).toMatchObject({
			kept: 1,
			broken: 2,
			pending: 0,
		});
	});

	it('keeps a promise on the account only with a payment in its currency', async () => {
		await upsertCustomers(ledger, [
			{ externalId: 'Q', name: 'Dakar Deux Devises', currency: 'XOF', country: 'SN' },
		]);
		// On 5 March Q promises 150 000 XOF on its account for 20 March, and 100 000 XOF for 25 March.
		await ledger.query(`INSERT INTO promises (customer_id, promised_on, amount_minor, currency, status, source, created_at)
			SELECT id, d::date, a, 'XOF', 'pending', 'call', '2026-03-05 10:00+01' FROM customers, (VALUES ('2026-03-20', 150000), ('2026-03-25', 100000)) v(d, a)
			WHERE external_id = 'Q'`);
		// 10 March: 1 500,00 EUR (150 000 in minor units, as many as the first promise's XOF); 24 March: 100 000 XOF.
		await storePayments(
			ledger,
			[
				{
					externalRef: 'P-Q1',
					amountMinor: 150000n,
					currency: 'EUR',
					receivedOn: '2026-03-10',
					customerExternalId: 'Q',
					referenceText: 'ACOMPTE',
				},
				{
					externalRef: 'P-Q2',
					amountMinor: 100000n,
					currency: 'XOF',
					receivedOn: '2026-03-24',
					customerExternalId: 'Q',
					referenceText: 'ACOMPTE',
				},
			],
			{ allocate: false },
		);
		// 26 March: no XOF came by 20 March (1 500,00 EUR is not 150 000 XOF) → broken; 100 000 XOF ≥ 100 000 by 25 March → kept.
		const settled = await settlePromises(ledger, { asOf: '2026-03-26', zone: ZONE });
		expect(
			settled.broken
				.filter((p) => p.customer === 'Q')
				.map((p) => [p.promisedOn, p.amount, p.currency]),
		).toEqual([['2026-03-20', '150000', 'XOF']]);
		expect(
			settled.kept
				.filter((p) => p.customer === 'Q')
				.map((p) => [p.promisedOn, p.amount, p.currency]),
		).toEqual([['2026-03-25', '100000', 'XOF']]);
	});

	it('refuses a settlement date in the future', async () => {
		await expect(settlePromises(ledger, { asOf: '2999-01-01', zone: ZONE })).rejects.toMatchObject({
			code: 'PROMISE_BAD_DATE',
		});
	});
});

describe('countback DSO', () => {
	it('walks through a month of negative net sales as the definition reads: R − S grows by what the month credited', () => {
		// R = 1 000 at 31 March. March S = −200 (more credited than invoiced): 1 000 > −200 → 31 d, R = 1 000 + 200 = 1 200.
		// February S = 1 500 ≥ 1 200 → + 28 × 1 200 / 1 500 = 22,4 → 53,4.
		const sales = new Map([
			['2026-03', -20000n],
			['2026-02', 150000n],
		]);
		expect(countbackDso(100000n, '2026-03-31', (m) => sales.get(m) ?? 0n)).toBe(53.4);
	});

	it('walks through a month of negative net sales on the ledger, gross and net of credits', async () => {
		const ledger = await createTestLedger();
		try {
			await upsertCustomers(ledger, [{ externalId: 'N', name: 'Négatif SA' }]);
			await storeInvoices(ledger, [
				invoice('FN-1', 'N', 100000n, '2026-01-15', '2026-02-14'), // January: 1 000,00, paid on 1 February
				invoice('FN-2', 'N', 150000n, '2026-02-10', '2026-03-12'), // February: 1 500,00
				invoice('FN-3', 'N', 30000n, '2026-03-05', '2026-04-04'), // March: 300,00
				{ ...invoice('AVN-1', 'N', 50000n, '2026-03-20', '2026-03-20'), docType: 'credit_note' }, // March: credit note 500,00, no invoice named
			]);
			await storePayments(ledger, [
				{
					externalRef: 'P-N1',
					amountMinor: 100000n,
					currency: 'EUR',
					receivedOn: '2026-02-01',
					customerExternalId: 'N',
					referenceText: 'FN-1',
				},
			]);
			const march = (net: boolean) =>
				dso(ledger, { asOf: '2026-03-31', zone: ZONE, months: 1, currency: 'EUR', net }).then((r) =>
					r.points.map((p) => [p.month, p.receivables.amount, p.sales.amount, p.dso]),
				);
			// Gross: R = FN-2 1 500 + FN-3 300 = 1 800; March S = 300 − 500 = −200: 1 800 > −200 → 31 d, R = 2 000;
			// February S = 1 500 < 2 000 → + 28 d, R = 500; January S = 1 000 ≥ 500 → + 31 × 500 / 1 000 = 15,5 → 74,5.
			expect(await march(false)).toEqual([['2026-03', '1800.00', '-200.00', 74.5]]);
			// Net of credits: R = 1 800 − AVN-1 500 = 1 300; March → 31 d, R = 1 500; February S = 1 500 ≥ 1 500 → + 28 → 59.
			expect(await march(true)).toEqual([['2026-03', '1300.00', '-200.00', 59]]);
		} finally {
			await dropTestLedger(ledger);
		}
	});

	it('stops after 36 months: receivables no sales cover count as those 36 months', () => {
		// April 2023 – March 2026: 366 (with February 2024) + 365 + 365 = 1 096 days.
		expect(countbackDso(100000n, '2026-03-31', () => 0n)).toBe(1096);
	});
});
