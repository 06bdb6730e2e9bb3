import { ReceivablesError } from '../errors';
import {
	allocatePayments,
	applyPayment,
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type PaymentInput,
} from '.';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';

let ledger: Ledger;
let seq = 0;

async function customer(): Promise<string> {
	const code = `S${String(++seq).padStart(4, '0')}`;
	await upsertCustomers(ledger, [
		{
			externalId: code,
			name: `Client réglé ${seq}`,
			language: 'fr',
			emails: ['compta@example.fr'],
		},
	]);
	return code;
}

async function invoices(
	code: string,
	list: Array<[string, bigint, string?]>,
	currency = 'EUR',
): Promise<void> {
	const outcomes = await storeInvoices(
		ledger,
		list.map(([number, payable, docType]) => ({
			docType: (docType ?? 'invoice') as 'invoice' | 'credit_note',
			number,
			customerExternalId: code,
			currency,
			totalExclMinor: payable,
			totalTaxMinor: 0n,
			totalInclMinor: payable,
			payableMinor: payable,
			issueDate: '2026-09-01',
			dueDate: '2026-10-01',
		})),
	);
	expect(outcomes.every((o) => o.status === 'created')).toBe(true);
}

async function kept(
	ref: string,
	amountMinor: bigint,
	extra: Partial<PaymentInput> = {},
): Promise<string> {
	const [outcome] = await storePayments(ledger, [
		{ externalRef: ref, amountMinor, currency: 'EUR', receivedOn: '2026-10-05', ...extra },
	]);
	expect(outcome.status).toBe('created');
	return outcome.paymentId!;
}

async function state(number: string): Promise<{ open_minor: string; status: string }> {
	const [row] = await ledger.query<{ open_minor: string; status: string }>(
		'SELECT open_minor, status FROM invoices WHERE number = $1',
		[number],
	);
	return row;
}

async function paymentRow(
	id: string,
): Promise<{ status: string; unapplied_minor: string; flag_reason: string | null }> {
	const [row] = await ledger.query<{
		status: string;
		unapplied_minor: string;
		flag_reason: string | null;
	}>('SELECT status, unapplied_minor, flag_reason FROM payments WHERE id = $1', [id]);
	return row;
}

async function refusal(work: Promise<unknown>): Promise<ReceivablesError> {
	const error = await work.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(ReceivablesError);
	return error as ReceivablesError;
}

beforeAll(async () => {
	ledger = await createTestLedger();
});
afterAll(async () => dropTestLedger(ledger));

describe('retrying kept payments', () => {
	it('allocates an unapplied payment of a known customer once an invoice of its amount arrives, and keeps the others', async () => {
		const code = await customer();
		const early = await kept('RETRY-1', 42000n, { customerExternalId: code });
		const stranger = await kept('RETRY-2', 1000n, { payerName: 'Personne Inconnue' });
		expect((await paymentRow(early)).flag_reason).toBe('NO_OPEN_INVOICE');
		await invoices(code, [['RT-2026-1', 42000n]]);
		const results = await allocatePayments(ledger, { paymentIds: [early, stranger] });
		expect(results.map((r) => [r.paymentId, r.status, r.changed])).toEqual([
			[early, 'applied', true],
			[stranger, 'unapplied', false],
		]);
		expect(results[0].paid.map((p) => p.invoiceNumber)).toEqual(['RT-2026-1']);
		expect(await allocatePayments(ledger, { paymentIds: [early] })).toEqual([]);
	});
});

describe('applyPayment: a person settles a kept payment', () => {
	it('applies an ambiguous payment to the invoices chosen, pays them and records the decision once', async () => {
		const code = await customer();
		await invoices(code, [
			['AP-1', 30000n],
			['AP-2', 30000n],
		]);
		const id = await kept('APPLY-1', 30000n, { customerExternalId: code });
		expect((await paymentRow(id)).status).toBe('ambiguous');
		const result = await applyPayment(ledger, {
			paymentId: id,
			allocations: [{ invoiceNumber: 'AP-2' }],
			actor: 'claire',
			note: 'Le client a confirmé par téléphone',
		});
		expect(result).toMatchObject({
			status: 'applied',
			unappliedMinor: 0n,
			alreadyApplied: false,
			customerExternalId: code,
		});
		expect(result.allocations).toEqual([
			expect.objectContaining({
				invoiceNumber: 'AP-2',
				amountMinor: 30000n,
				method: 'manual',
				invoiceStatus: 'paid',
			}),
		]);
		expect(result.paid).toEqual([
			expect.objectContaining({ invoiceNumber: 'AP-2', paidMinor: 30000n }),
		]);
		expect(await state('AP-1')).toEqual({ open_minor: '30000', status: 'open' });
		expect(await paymentRow(id)).toEqual({
			status: 'applied',
			unapplied_minor: '0',
			flag_reason: null,
		});
		const [history] = await ledger.query<{ actor: string; summary: string }>(
			"SELECT actor, summary FROM history WHERE kind = 'payment_settled' AND payload->>'paymentId' = $1",
			[id],
		);
		expect(history).toEqual({
			actor: 'claire',
			summary: expect.stringContaining('Le client a confirmé'),
		});

		const again = await applyPayment(ledger, {
			paymentId: id,
			allocations: [{ invoiceNumber: 'AP-2' }],
		});
		expect(again).toMatchObject({ alreadyApplied: true, changed: false, status: 'applied' });
		const [count] = await ledger.query<{ n: string }>(
			'SELECT count(*) AS n FROM allocations WHERE payment_id = $1',
			[id],
		);
		expect(count.n).toBe('1');
	});

	it('splits a payment between invoices with the amounts given, finds it by source and reference, and leaves the rest unapplied', async () => {
		const code = await customer();
		await invoices(code, [
			['SPLIT-1', 50000n],
			['SPLIT-2', 50000n],
		]);
		const id = await kept('APPLY-2', 70000n, { payerName: 'Quelqu’un d’autre' });
		const result = await applyPayment(ledger, {
			source: 'bank',
			externalRef: 'APPLY-2',
			allocations: [
				{ invoiceNumber: 'SPLIT-1', amountMinor: 50000n },
				{ invoiceNumber: 'SPLIT-2', amountMinor: 15000n },
			],
		});
		expect(result).toMatchObject({
			paymentId: id,
			status: 'partially_applied',
			unappliedMinor: 5000n,
			customerExternalId: code,
			flag: expect.objectContaining({ code: 'PARTIALLY_SETTLED' }),
		});
		expect(await state('SPLIT-1')).toEqual({ open_minor: '0', status: 'paid' });
		expect(await state('SPLIT-2')).toEqual({ open_minor: '35000', status: 'open' });
		// The remainder can be settled later, by another decision.
		const rest = await applyPayment(ledger, {
			paymentId: id,
			allocations: [{ invoiceNumber: 'SPLIT-2' }],
		});
		expect(rest).toMatchObject({ status: 'applied', unappliedMinor: 0n });
		expect(await state('SPLIT-2')).toEqual({ open_minor: '30000', status: 'open' });
	});

	it('refuses over-allocation, other currencies, settled invoices, credit notes, unknown invoices and other customers, writing nothing', async () => {
		const code = await customer();
		const other = await customer();
		await invoices(code, [
			['REF-1', 20000n],
			['REF-CN', 5000n, 'credit_note'],
		]);
		await invoices(code, [['REF-USD', 20000n]], 'USD');
		await invoices(code, [['REF-PAID', 10000n]]);
		await invoices(other, [['REF-OTHER', 20000n]]);
		await storePayments(ledger, [
			{
				externalRef: 'PAYS-REF-PAID',
				amountMinor: 10000n,
				currency: 'EUR',
				receivedOn: '2026-10-02',
				invoiceNumbers: ['REF-PAID'],
			},
		]);
		expect(await state('REF-PAID')).toMatchObject({ status: 'paid' });
		const id = await kept('APPLY-3', 10000n, {
			customerExternalId: code,
			referenceText: 'virement',
		});
		const before = await paymentRow(id);

		const cases: Array<
			[
				string,
				Parameters<typeof applyPayment>[1]['allocations'],
				Partial<Parameters<typeof applyPayment>[1]>?,
			]
		> = [
			['PAYMENT_OVER_ALLOCATION', [{ invoiceNumber: 'REF-1', amountMinor: 12000n }]],
			['INVOICE_OVER_ALLOCATION', [{ invoiceNumber: 'REF-1', amountMinor: 25000n }]],
			['CURRENCY_MISMATCH', [{ invoiceNumber: 'REF-USD' }]],
			['INVOICE_NOT_FOUND', [{ invoiceNumber: 'REF-CN' }]],
			['INVOICE_NOT_FOUND', [{ invoiceNumber: 'NOPE-404' }]],
			['INVOICE_OTHER_CUSTOMER', [{ invoiceNumber: 'REF-OTHER' }]],
			['AMOUNT_NOT_POSITIVE', [{ invoiceNumber: 'REF-1', amountMinor: 0n }]],
			[
				'ALLOCATION_INVALID',
				[
					{ invoiceNumber: 'REF-1', amountMinor: 100n },
					{ invoiceNumber: 'REF-1', amountMinor: 100n },
				],
			],
			['ALLOCATION_EMPTY', []],
			[
				'PAYMENT_OVER_ALLOCATION',
				[
					{ invoiceNumber: 'REF-1', amountMinor: 6000n },
					{ invoiceNumber: 'REF-OTHER', amountMinor: 6000n },
				],
				{ allowOtherCustomer: true },
			],
		];
		for (const [code_, allocations, extra] of cases) {
			const error = await refusal(applyPayment(ledger, { paymentId: id, allocations, ...extra }));
			expect(error.code).toBe(code_);
			expect(error.hint).toBeTruthy();
			expect((error.details as { messageFr?: string }).messageFr).toBeTruthy();
		}
		// The settled invoice is refused as such (not as over-allocation) when no amount is given.
		expect(
			(
				await refusal(
					applyPayment(ledger, { paymentId: id, allocations: [{ invoiceNumber: 'REF-PAID' }] }),
				)
			).code,
		).toBe('INVOICE_NOT_OPEN');
		expect(
			(
				await refusal(
					applyPayment(ledger, {
						externalRef: 'NO-SUCH-PAYMENT',
						allocations: [{ invoiceNumber: 'REF-1' }],
					}),
				)
			).code,
		).toBe('PAYMENT_NOT_FOUND');
		expect(await paymentRow(id)).toEqual(before);
		expect(await state('REF-1')).toEqual({ open_minor: '20000', status: 'open' });
		expect(await state('REF-OTHER')).toEqual({ open_minor: '20000', status: 'open' });

		// A group paying for its subsidiary: allowed when the person says so.
		const group = await applyPayment(ledger, {
			paymentId: id,
			allocations: [{ invoiceNumber: 'REF-OTHER' }],
			allowOtherCustomer: true,
		});
		expect(group).toMatchObject({ status: 'applied', unappliedMinor: 0n });
		expect(
			(
				await refusal(
					applyPayment(ledger, { paymentId: id, allocations: [{ invoiceNumber: 'REF-1' }] }),
				)
			).code,
		).toBe('PAYMENT_FULLY_APPLIED');
	});

	it('two people settling the same payment at once: one wins, the other is refused, the ledger is consistent', async () => {
		const code = await customer();
		await invoices(code, [
			['RACE-A', 40000n],
			['RACE-B', 40000n],
		]);
		const id = await kept('APPLY-RACE', 40000n, { customerExternalId: code });
		const attempts = await Promise.allSettled([
			applyPayment(ledger, {
				paymentId: id,
				allocations: [{ invoiceNumber: 'RACE-A' }],
				actor: 'anne',
			}),
			applyPayment(ledger, {
				paymentId: id,
				allocations: [{ invoiceNumber: 'RACE-B' }],
				actor: 'bruno',
			}),
		]);
		const won = attempts.filter((a) => a.status === 'fulfilled');
		const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
		expect(won).toHaveLength(1);
		expect(lost.map((l) => (l.reason as ReceivablesError).code)).toEqual(['PAYMENT_FULLY_APPLIED']);
		const rows = await ledger.query<{ number: string; open_minor: string }>(
			"SELECT number, open_minor FROM invoices WHERE number IN ('RACE-A', 'RACE-B') ORDER BY number",
		);
		expect(rows.map((r) => r.open_minor).sort()).toEqual(['0', '40000']);
		const [alloc] = await ledger.query<{ n: string; total: string }>(
			'SELECT count(*) AS n, sum(amount_minor)::text AS total FROM allocations WHERE payment_id = $1',
			[id],
		);
		expect(alloc).toEqual({ n: '1', total: '40000' });
	});

	it('the same decision sent twice at once is applied once', async () => {
		const code = await customer();
		await invoices(code, [
			['TWICE-1', 25000n],
			['TWICE-2', 25000n],
		]);
		const id = await kept('APPLY-TWICE', 20000n, { customerExternalId: code });
		const decision = {
			paymentId: id,
			allocations: [{ invoiceNumber: 'TWICE-1', amountMinor: 10000n }],
			decisionId: 'form-7731',
		};
		const results = await Promise.all([
			applyPayment(ledger, decision),
			applyPayment(ledger, decision),
			applyPayment(ledger, decision),
		]);
		expect(results.map((r) => r.alreadyApplied).sort()).toEqual([false, true, true]);
		expect(await state('TWICE-1')).toEqual({ open_minor: '15000', status: 'open' });
		expect(await paymentRow(id)).toMatchObject({
			status: 'partially_applied',
			unapplied_minor: '10000',
		});
	});
});
