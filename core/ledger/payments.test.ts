import {
	allocatePayments,
	invoiceNumberKey,
	looseInvoiceNumberKey,
	paidEventJson,
	referenceCandidates,
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
	type PaymentInput,
} from '.';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';

let ledger: Ledger;
let seq = 0;

/** A customer of its own for each test, so that tests do not see each other's invoices. */
async function customer(
	name = `Client ${++seq}`,
	extra: Record<string, unknown> = {},
): Promise<string> {
	const code = `C${String(++seq).padStart(4, '0')}`;
	await upsertCustomers(ledger, [
		{ externalId: code, name, language: 'fr', emails: ['compta@example.fr'], ...extra },
	]);
	return code;
}

async function invoices(
	customerCode: string,
	list: Array<[number: string, payableMinor: bigint, dueDate: string]>,
	overrides: Partial<LedgerInvoice> = {},
): Promise<void> {
	const outcomes = await storeInvoices(
		ledger,
		list.map(([number, payable, dueDate]) => ({
			docType: 'invoice',
			number,
			customerExternalId: customerCode,
			currency: 'EUR',
			totalExclMinor: payable,
			totalTaxMinor: 0n,
			totalInclMinor: payable,
			payableMinor: payable,
			issueDate: '2026-09-01',
			dueDate,
			...overrides,
		})),
	);
	expect(outcomes.every((o) => o.status === 'created')).toBe(true);
}

function payment(
	externalRef: string,
	amountMinor: bigint,
	overrides: Partial<PaymentInput> = {},
): PaymentInput {
	return { externalRef, amountMinor, currency: 'EUR', receivedOn: '2026-10-05', ...overrides };
}

async function invoice(
	number: string,
): Promise<{ open_minor: string; status: string; paid_at: string | null }> {
	const [row] = await ledger.query<{ open_minor: string; status: string; paid_at: string | null }>(
		'SELECT open_minor, status, paid_at::text FROM invoices WHERE number = $1',
		[number],
	);
	return row;
}

beforeAll(async () => {
	ledger = await createTestLedger();
});
afterAll(async () => dropTestLedger(ledger));

describe('invoice numbers in transfer references', () => {
	it('finds numbers the way banks rewrite them', () => {
		const { keys } = referenceCandidates(
			'VIR SEPA MARTIN FAC 2026 0012 ET FAC-2026-0013 / F2026/12',
		);
		expect(keys).toEqual(expect.arrayContaining(['FAC20260012', 'FAC20260013', 'F202612']));
		expect(invoiceNumberKey('fac-2026/0012')).toBe('FAC20260012');
		expect(looseInvoiceNumberKey('FAC-2026-0012')).toBe(looseInvoiceNumberKey('FAC 2026 12'));
		expect(looseInvoiceNumberKey('F2026/12')).not.toBe(looseInvoiceNumberKey('FAC-2026-12'));
	});

	it('does not read amounts and dates as invoice numbers', () => {
		const { keys } = referenceCandidates(
			'REGLEMENT 1 234,50 EUR DU 05/10/2026 ET 2026-10-05 MONTANT 980.00',
		);
		expect(keys).toEqual([]);
	});

	it('joins digit-only runs across dashes and slashes only', () => {
		expect(referenceCandidates('facture 2026-0012').keys).toContain('20260012');
		expect(referenceCandidates('facture 2026 0012').keys).not.toContain('20260012');
		expect(referenceCandidates('facture 2026-0012').weakKeys).toContain('20260012');
	});
});

describe('storePayments', () => {
	it('stores a payment once: the same bank line twice changes nothing', async () => {
		const code = await customer();
		await invoices(code, [['IDEM-1', 50000n, '2026-10-31']]);
		const p = payment('BANK-IDEM-1', 20000n, { referenceText: 'VIR IDEM-1' });
		const [first] = await storePayments(ledger, [p]);
		expect(first).toMatchObject({ status: 'created', allocation: { status: 'applied' } });
		const [second] = await storePayments(ledger, [p]);
		expect(second).toMatchObject({
			status: 'unchanged',
			paymentId: first.paymentId,
			allocation: { status: 'applied', changed: false, allocations: [] },
		});
		expect(await invoice('IDEM-1')).toMatchObject({ open_minor: '30000', status: 'open' });
		const [count] = await ledger.query<{ n: string }>(
			'SELECT count(*) AS n FROM allocations WHERE payment_id = $1',
			[first.paymentId],
		);
		expect(count.n).toBe('1');
	});

	it('rejects the same reference with different content instead of rewriting a payment', async () => {
		const [a, b] = await storePayments(ledger, [
			payment('BANK-CONFLICT', 1000n),
			payment('BANK-CONFLICT', 2000n),
		]);
		expect(a.status).toBe('created');
		expect(b).toMatchObject({ status: 'rejected', error: { code: 'PAYMENT_CONFLICT' } });
	});

	it('pays an invoice named in the reference and returns a paid event for the thank-you stage', async () => {
		const code = await customer('Boulangerie Dupré', { language: 'en' });
		await invoices(code, [['FAC-2026-0012', 120000n, '2026-10-31']]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-REF-1', 120000n, {
				referenceText: 'VIR SEPA DUPRE FAC 2026 0012',
				receivedOn: '2026-10-06',
			}),
		]);
		expect(outcome.allocation).toMatchObject({
			status: 'applied',
			unappliedMinor: 0n,
			customerExternalId: code,
		});
		expect(outcome.allocation?.allocations).toEqual([
			expect.objectContaining({
				invoiceNumber: 'FAC-2026-0012',
				amountMinor: 120000n,
				method: 'reference',
				invoiceOpenMinor: 0n,
				invoiceStatus: 'paid',
			}),
		]);
		expect(outcome.allocation?.paid).toHaveLength(1);
		expect(paidEventJson(outcome.allocation!.paid[0])).toEqual({
			type: 'invoice.paid',
			invoiceId: expect.any(String),
			invoiceNumber: 'FAC-2026-0012',
			issuer: 'default',
			customerId: code,
			customerName: 'Boulangerie Dupré',
			language: 'en',
			currency: 'EUR',
			amount: '1200.00',
			amountPaid: '1200.00',
			paidOn: '2026-10-06',
			paymentIds: [outcome.paymentId],
		});
		expect(await invoice('FAC-2026-0012')).toEqual({
			open_minor: '0',
			status: 'paid',
			paid_at: '2026-10-06',
		});
		const history = await ledger.query<{ kind: string }>(
			"SELECT kind FROM history WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'FAC-2026-0012') ORDER BY id",
		);
		expect(history.map((h) => h.kind)).toEqual(['payment_allocated', 'invoice_paid']);
	});

	it('leaves an invoice open with a reduced balance on a partial payment, and pays it with the next one', async () => {
		const code = await customer();
		await invoices(code, [['PART-1', 120000n, '2026-10-31']]);
		const [first] = await storePayments(ledger, [
			payment('BANK-PART-1', 50000n, { invoiceNumbers: ['PART-1'] }),
		]);
		expect(first.allocation).toMatchObject({ status: 'applied', paid: [] });
		expect(first.allocation?.allocations[0]).toMatchObject({
			method: 'explicit',
			invoiceOpenMinor: 70000n,
			invoiceStatus: 'open',
		});
		expect(await invoice('PART-1')).toMatchObject({
			open_minor: '70000',
			status: 'open',
			paid_at: null,
		});
		const [second] = await storePayments(ledger, [
			payment('BANK-PART-2', 70000n, { referenceText: 'solde PART-1', receivedOn: '2026-10-20' }),
		]);
		expect(second.allocation?.paid).toEqual([
			expect.objectContaining({
				invoiceNumber: 'PART-1',
				paidMinor: 120000n,
				paidOn: '2026-10-20',
				paymentIds: [first.paymentId, second.paymentId],
			}),
		]);
	});

	it('pays the invoices a grouped transfer lists, oldest first, the last one in part when short', async () => {
		const code = await customer();
		await invoices(code, [
			['GRP-2', 30000n, '2026-11-15'],
			['GRP-1', 20000n, '2026-10-15'],
			['GRP-3', 10000n, '2026-12-15'],
		]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-GRP', 40000n, { referenceText: 'FACTURES GRP-3 GRP-1 GRP-2' }),
		]);
		expect(outcome.allocation?.allocations.map((a) => [a.invoiceNumber, a.amountMinor])).toEqual([
			['GRP-1', 20000n],
			['GRP-2', 20000n],
		]);
		expect(outcome.allocation?.paid.map((e) => e.invoiceNumber)).toEqual(['GRP-1']);
		expect(await invoice('GRP-2')).toMatchObject({ open_minor: '10000', status: 'open' });
		expect(await invoice('GRP-3')).toMatchObject({ open_minor: '10000', status: 'open' });
	});

	it('pays the oldest invoices by amount only when they add up exactly', async () => {
		const code = await customer();
		await invoices(code, [
			['SUM-1', 10000n, '2026-10-01'],
			['SUM-2', 25000n, '2026-10-15'],
			['SUM-3', 40000n, '2026-11-01'],
		]);
		const [exact] = await storePayments(ledger, [
			payment('BANK-SUM-1', 35000n, { customerExternalId: code }),
		]);
		expect(exact.allocation).toMatchObject({ status: 'applied' });
		expect(exact.allocation?.allocations.map((a) => [a.invoiceNumber, a.method])).toEqual([
			['SUM-1', 'oldest_first'],
			['SUM-2', 'oldest_first'],
		]);
		const [short] = await storePayments(ledger, [
			payment('BANK-SUM-2', 30000n, { customerExternalId: code }),
		]);
		expect(short.allocation).toMatchObject({
			status: 'unapplied',
			allocations: [],
			flag: { code: 'NO_MATCHING_AMOUNT', candidates: ['SUM-3 (400.00 EUR)'] },
		});
		expect(await invoice('SUM-3')).toMatchObject({ open_minor: '40000' });
	});

	it('matches one open invoice by its exact amount', async () => {
		const code = await customer();
		await invoices(code, [
			['AMT-1', 10000n, '2026-10-01'],
			['AMT-2', 25000n, '2026-10-15'],
		]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-AMT', 25000n, { customerExternalId: code, referenceText: 'VIREMENT' }),
		]);
		expect(outcome.allocation?.allocations).toEqual([
			expect.objectContaining({ invoiceNumber: 'AMT-2', method: 'amount' }),
		]);
	});

	it('keeps a payment ambiguous when two open invoices have its amount and no reference decides', async () => {
		const code = await customer();
		await invoices(code, [
			['AMB-1', 50000n, '2026-10-01'],
			['AMB-2', 50000n, '2026-11-01'],
		]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-AMB', 50000n, { customerExternalId: code }),
		]);
		expect(outcome.allocation).toMatchObject({
			status: 'ambiguous',
			unappliedMinor: 50000n,
			allocations: [],
			flag: {
				code: 'SEVERAL_INVOICES_MATCH_AMOUNT',
				candidates: ['AMB-1 (500.00 EUR)', 'AMB-2 (500.00 EUR)'],
			},
		});
		expect(await invoice('AMB-1')).toMatchObject({ open_minor: '50000', status: 'open' });
		expect(await invoice('AMB-2')).toMatchObject({ open_minor: '50000', status: 'open' });
		const [row] = await ledger.query<{
			status: string;
			flag_reason: string;
			flag_details: { message: { fr: string } };
		}>('SELECT status, flag_reason, flag_details FROM payments WHERE id = $1', [outcome.paymentId]);
		expect(row).toMatchObject({
			status: 'ambiguous',
			flag_reason: 'SEVERAL_INVOICES_MATCH_AMOUNT',
		});
		expect(row.flag_details.message.fr).toMatch(/Plusieurs factures ouvertes/);
	});

	it('does not guess between one invoice of the amount and older invoices adding up to it', async () => {
		const code = await customer();
		await invoices(code, [
			['MIX-1', 5000n, '2026-10-01'],
			['MIX-2', 5000n, '2026-10-02'],
			['MIX-3', 10000n, '2026-10-03'],
		]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-MIX', 10000n, { customerExternalId: code }),
		]);
		expect(outcome.allocation).toMatchObject({
			status: 'ambiguous',
			flag: { code: 'SEVERAL_INVOICES_MATCH_AMOUNT' },
		});
	});

	it('keeps payments of unknown customers and references unapplied, with the reason', async () => {
		const outcomes = await storePayments(ledger, [
			payment('BANK-UNK-1', 10000n, { customerExternalId: 'NOBODY', referenceText: 'PAIEMENT' }),
			payment('BANK-UNK-2', 10000n, { payerName: 'Inconnu SA', referenceText: 'FAC-9999-0001' }),
			payment('BANK-UNK-3', 10000n, { invoiceNumbers: ['FAC-9999-0002'] }),
		]);
		expect(outcomes.map((o) => [o.status, o.allocation?.status, o.allocation?.flag?.code])).toEqual(
			[
				['created', 'unapplied', 'UNKNOWN_CUSTOMER'],
				['created', 'unapplied', 'UNKNOWN_PAYER'],
				['created', 'unapplied', 'INVOICE_NOT_FOUND'],
			],
		);
		const [row] = await ledger.query<{
			status: string;
			unapplied_minor: string;
			flag_reason: string;
		}>(
			"SELECT status, unapplied_minor, flag_reason FROM payments WHERE external_ref = 'BANK-UNK-1'",
		);
		expect(row).toEqual({
			status: 'unapplied',
			unapplied_minor: '10000',
			flag_reason: 'UNKNOWN_CUSTOMER',
		});
	});

	it('finds the customer by the payer name (accents and case aside) but not among homonyms', async () => {
		const code = await customer('Épicerie Benali');
		await invoices(code, [['PAYER-1', 15000n, '2026-10-01']]);
		const [found] = await storePayments(ledger, [
			payment('BANK-PAYER-1', 15000n, { payerName: 'EPICERIE BENALI' }),
		]);
		expect(found.allocation).toMatchObject({ status: 'applied', customerExternalId: code });
		const twin1 = await customer('Garage Central');
		const twin2 = await customer('GARAGE CENTRAL');
		await invoices(twin1, [['TWIN-1', 15000n, '2026-10-01']]);
		await invoices(twin2, [['TWIN-2', 15000n, '2026-10-01']]);
		const [twins] = await storePayments(ledger, [
			payment('BANK-PAYER-2', 15000n, { payerName: 'garage central' }),
		]);
		expect(twins.allocation).toMatchObject({
			status: 'ambiguous',
			flag: { code: 'PAYER_SEVERAL_CUSTOMERS' },
		});
	});

	it('leaves the remainder of an overpayment unapplied', async () => {
		const code = await customer();
		await invoices(code, [['OVER-1', 100000n, '2026-10-31']]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-OVER', 150000n, { referenceText: 'OVER-1' }),
		]);
		expect(outcome.allocation).toMatchObject({
			status: 'partially_applied',
			unappliedMinor: 50000n,
			flag: { code: 'OVERPAYMENT' },
		});
		expect(outcome.allocation?.paid.map((e) => e.invoiceNumber)).toEqual(['OVER-1']);
		const [row] = await ledger.query<{ status: string; unapplied_minor: string }>(
			"SELECT status, unapplied_minor FROM payments WHERE external_ref = 'BANK-OVER'",
		);
		expect(row).toEqual({ status: 'partially_applied', unapplied_minor: '50000' });
	});

	it('flags a payment for invoices already paid (possible double payment) instead of applying it elsewhere', async () => {
		const code = await customer();
		await invoices(code, [
			['DBL-1', 10000n, '2026-10-01'],
			['DBL-2', 10000n, '2026-10-02'],
		]);
		await storePayments(ledger, [payment('BANK-DBL-1', 10000n, { referenceText: 'DBL-1' })]);
		const [again] = await storePayments(ledger, [
			payment('BANK-DBL-2', 10000n, { referenceText: 'DBL-1' }),
		]);
		expect(again.allocation).toMatchObject({
			status: 'unapplied',
			flag: { code: 'REFERENCED_INVOICES_SETTLED' },
		});
		expect(await invoice('DBL-2')).toMatchObject({ open_minor: '10000' });
	});

	it("flags a reference to another customer's invoice when the payment names its customer", async () => {
		const mine = await customer();
		const other = await customer();
		await invoices(other, [['OTHER-1', 10000n, '2026-10-01']]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-OTHER', 10000n, { customerExternalId: mine, referenceText: 'OTHER-1' }),
		]);
		expect(outcome.allocation).toMatchObject({
			status: 'ambiguous',
			flag: { code: 'REFERENCE_OTHER_CUSTOMER' },
		});
	});

	it('reads a number written without leading zeros among the customer\u2019s own invoices', async () => {
		const code = await customer();
		await invoices(code, [
			['LZ-2026-0042', 10000n, '2026-10-01'],
			['LZ-2026-0043', 10000n, '2026-10-01'],
		]);
		const [outcome] = await storePayments(ledger, [
			payment('BANK-LZ', 10000n, { customerExternalId: code, referenceText: 'FACT LZ 2026 42' }),
		]);
		expect(outcome.allocation?.allocations).toEqual([
			expect.objectContaining({ invoiceNumber: 'LZ-2026-0042', method: 'reference' }),
		]);
	});

	it('counts a digits-only number in free text only when the customer or the amount confirms it', async () => {
		const code = await customer();
		await invoices(code, [['774411', 30000n, '2026-10-01']]);
		const [weak] = await storePayments(ledger, [
			payment('BANK-WEAK-1', 12000n, { referenceText: 'COMMANDE 774411' }),
		]);
		expect(weak.allocation).toMatchObject({ status: 'unapplied', flag: { code: 'UNKNOWN_PAYER' } });
		const [confirmed] = await storePayments(ledger, [
			payment('BANK-WEAK-2', 12000n, { referenceText: 'FACTURE 774411', customerExternalId: code }),
		]);
		expect(confirmed.allocation?.allocations).toEqual([
			expect.objectContaining({ invoiceNumber: '774411', amountMinor: 12000n }),
		]);
	});

	it('matches only invoices in the currency of the payment', async () => {
		const code = await customer();
		await invoices(code, [['MAD-1', 500000n, '2026-10-01']], { currency: 'MAD' });
		const [outcome] = await storePayments(ledger, [
			payment('BANK-CUR', 500000n, { referenceText: 'MAD-1' }),
		]);
		expect(outcome.allocation).toMatchObject({
			status: 'unapplied',
			flag: { code: 'CURRENCY_MISMATCH' },
		});
	});

	it('pays what a credit note left open', async () => {
		const code = await customer();
		await invoices(code, [['CN-INV-1', 120000n, '2026-10-31']]);
		await storeInvoices(ledger, [
			{
				docType: 'credit_note',
				number: 'AV-CN-1',
				creditedNumber: 'CN-INV-1',
				customerExternalId: code,
				currency: 'EUR',
				totalExclMinor: 20000n,
				totalTaxMinor: 0n,
				totalInclMinor: 20000n,
				payableMinor: 20000n,
				issueDate: '2026-09-10',
				dueDate: '2026-09-10',
			},
		]);
		expect(await invoice('CN-INV-1')).toMatchObject({ open_minor: '100000', status: 'open' });
		const [outcome] = await storePayments(ledger, [
			payment('BANK-CN-1', 100000n, { customerExternalId: code }),
		]);
		expect(outcome.allocation?.allocations).toEqual([
			expect.objectContaining({
				invoiceNumber: 'CN-INV-1',
				method: 'amount',
				amountMinor: 100000n,
			}),
		]);
		expect(outcome.allocation?.paid).toEqual([
			expect.objectContaining({ payableMinor: 120000n, paidMinor: 100000n }),
		]);
		// The full amount of the invoice, paid after the credit note, leaves the credit as an overpayment.
		await invoices(code, [['CN-INV-2', 50000n, '2026-10-31']]);
		await storeInvoices(ledger, [
			{
				docType: 'credit_note',
				number: 'AV-CN-2',
				creditedNumber: 'CN-INV-2',
				customerExternalId: code,
				currency: 'EUR',
				totalExclMinor: 10000n,
				totalTaxMinor: 0n,
				totalInclMinor: 10000n,
				payableMinor: 10000n,
				issueDate: '2026-09-10',
				dueDate: '2026-09-10',
			},
		]);
		const [over] = await storePayments(ledger, [
			payment('BANK-CN-2', 50000n, { referenceText: 'CN-INV-2' }),
		]);
		expect(over.allocation).toMatchObject({
			status: 'partially_applied',
			unappliedMinor: 10000n,
			flag: { code: 'OVERPAYMENT' },
		});
		// A fully credited invoice is not open: a payment naming it is flagged.
		await invoices(code, [['CN-INV-3', 30000n, '2026-10-31']]);
		await storeInvoices(ledger, [
			{
				docType: 'credit_note',
				number: 'AV-CN-3',
				creditedNumber: 'CN-INV-3',
				customerExternalId: code,
				currency: 'EUR',
				totalExclMinor: 30000n,
				totalTaxMinor: 0n,
				totalInclMinor: 30000n,
				payableMinor: 30000n,
				issueDate: '2026-09-10',
				dueDate: '2026-09-10',
			},
		]);
		const [credited] = await storePayments(ledger, [
			payment('BANK-CN-3', 30000n, { referenceText: 'CN-INV-3' }),
		]);
		expect(credited.allocation).toMatchObject({
			status: 'unapplied',
			flag: { code: 'REFERENCED_INVOICES_SETTLED' },
		});
	});

	it('rejects a faulty payment and stores the others of the batch', async () => {
		const outcomes = await storePayments(ledger, [
			payment('BANK-BATCH-1', 1000n),
			payment('BANK-BATCH-2', 1000n, { receivedOn: '2026-02-30' }),
			payment('BANK-BATCH-3', 0n),
			payment('BANK-BATCH-4', 1000n),
		]);
		expect(outcomes.map((o) => [o.externalRef, o.status, o.error?.code])).toEqual([
			['BANK-BATCH-1', 'created', undefined],
			['BANK-BATCH-2', 'rejected', 'PAYMENT_BAD_DATE'],
			['BANK-BATCH-3', 'rejected', 'PAYMENT_NOT_POSITIVE'],
			['BANK-BATCH-4', 'created', undefined],
		]);
	});
});

describe('allocatePayments', () => {
	it('allocates a kept payment once its invoice arrives', async () => {
		const code = await customer();
		const [kept] = await storePayments(ledger, [
			payment('BANK-LATE', 42000n, { referenceText: 'FAC LATE-2026-7' }),
		]);
		expect(kept.allocation?.status).toBe('unapplied');
		await invoices(code, [['LATE-2026-7', 42000n, '2026-10-31']]);
		const results = await allocatePayments(ledger, { paymentIds: [kept.paymentId!] });
		expect(results).toEqual([
			expect.objectContaining({
				status: 'applied',
				changed: true,
				paid: [expect.objectContaining({ invoiceNumber: 'LATE-2026-7' })],
			}),
		]);
		const again = await allocatePayments(ledger, { paymentIds: [kept.paymentId!] });
		expect(again).toEqual([]);
	});

	it('allocates a payment once when two allocations run at the same time', async () => {
		const code = await customer();
		await invoices(code, [['RACE-1', 80000n, '2026-10-31']]);
		const [kept] = await storePayments(
			ledger,
			[payment('BANK-RACE', 80000n, { referenceText: 'RACE-1' })],
			{ allocate: false },
		);
		expect(kept.allocation?.status).toBe('unapplied');
		const runs = await Promise.all(
			[0, 1, 2].map(() => allocatePayments(ledger, { paymentIds: [kept.paymentId!] })),
		);
		const results = runs.flat();
		expect(results.filter((r) => r.changed)).toHaveLength(1);
		expect(results.flatMap((r) => r.paid).map((e) => e.invoiceNumber)).toEqual(['RACE-1']);
		const [alloc] = await ledger.query<{ n: string; total: string }>(
			'SELECT count(*) AS n, sum(amount_minor)::text AS total FROM allocations WHERE payment_id = $1',
			[kept.paymentId],
		);
		expect(alloc).toEqual({ n: '1', total: '80000' });
		expect(await invoice('RACE-1')).toMatchObject({ open_minor: '0', status: 'paid' });
	});

	it('stores the same payment sent twice at once a single time', async () => {
		const code = await customer();
		await invoices(code, [['RACE-2', 60000n, '2026-10-31']]);
		const p = payment('BANK-RACE-2', 30000n, { referenceText: 'RACE-2' });
		const runs = await Promise.all([storePayments(ledger, [p]), storePayments(ledger, [p])]);
		expect(runs.map(([o]) => o.status).sort()).toEqual(['created', 'unchanged']);
		expect(await invoice('RACE-2')).toMatchObject({ open_minor: '30000' });
	});

	it('never pays more than an invoice owes when two payments for it arrive at once', async () => {
		const code = await customer();
		await invoices(code, [['RACE-3', 50000n, '2026-10-31']]);
		await Promise.all([
			storePayments(ledger, [payment('BANK-RACE-3A', 50000n, { referenceText: 'RACE-3' })]),
			storePayments(ledger, [payment('BANK-RACE-3B', 50000n, { referenceText: 'RACE-3' })]),
		]);
		expect(await invoice('RACE-3')).toMatchObject({ open_minor: '0', status: 'paid' });
		const rows = await ledger.query<{ status: string; flag_reason: string | null }>(
			"SELECT status, flag_reason FROM payments WHERE external_ref LIKE 'BANK-RACE-3%' ORDER BY status",
		);
		expect(rows).toEqual([
			{ status: 'applied', flag_reason: null },
			{ status: 'unapplied', flag_reason: 'REFERENCED_INVOICES_SETTLED' },
		]);
	});
});
