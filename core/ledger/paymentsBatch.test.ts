import { storeInvoices, upsertCustomers, type Ledger, type LedgerInvoice } from './index';
import {
	PayerNameIndex,
	storePaymentsWith,
	type PaymentInput,
	type StorePaymentsOptions,
} from './payments';
import { OpenInvoiceIndex, storePaymentsBatched } from './paymentsBatch';
import { creditorReference } from '../bank/rf';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';

// The batched way stores and allocates a statement's payments exactly as the per-payment way does: the same outcomes
// and the same rows in every table, in the same order, on two ledgers built alike (same ids).

const doc = (
	number: string,
	code: string,
	minor: bigint,
	extra: Partial<LedgerInvoice> = {},
): LedgerInvoice => ({
	docType: 'invoice',
	number,
	customerExternalId: code,
	currency: 'EUR',
	totalExclMinor: minor,
	totalTaxMinor: 0n,
	totalInclMinor: minor,
	payableMinor: minor,
	issueDate: '2026-09-01',
	dueDate: '2026-10-01',
	...extra,
});

async function seed(ledger: Ledger): Promise<void> {
	await upsertCustomers(ledger, [
		{ externalId: 'HDA', name: 'Hôtel des Alpes SAS', language: 'fr', emails: ['a@example.fr'] },
		{
			externalId: 'TDF',
			name: 'Transports Diallo et Fils',
			language: 'fr',
			emails: ['b@example.fr'],
		},
		{ externalId: 'GM1', name: 'Garage Martin', language: 'fr', emails: ['c@example.fr'] },
		{ externalId: 'GM2', name: 'Garage Martini', language: 'fr', emails: ['d@example.fr'] },
		{ externalId: 'WO', name: 'Wolof Optique', language: 'fr', emails: ['e@example.fr'] },
		{ externalId: 'ZE', name: 'Zeta Conseil SARL', language: 'fr', emails: ['f@example.fr'] },
	]);
	await storeInvoices(ledger, [
		doc('HDA-1', 'HDA', 250000n, { dueDate: '2026-09-15' }),
		doc('HDA-2', 'HDA', 120000n),
		doc('HDA-3', 'HDA', 80050n),
		doc('HDA-4', 'HDA', 45000n),
		doc('TDF-1', 'TDF', 99900n),
		doc('TDF-2', 'TDF', 30000n),
		doc('TDF-3', 'TDF', 30000n),
		doc('GM1-1', 'GM1', 10000n),
		doc('WO-1', 'WO', 100000n),
		doc('WO-2', 'WO', 100000n),
		doc('ZE-1', 'ZE', 50000n),
		doc('ZE-2', 'ZE', 70000n),
		doc('AV-ZE-1', 'ZE', 20000n, { docType: 'credit_note' }),
		doc('ZE-3', 'ZE', 40000n),
		doc('AV-ZE-2', 'ZE', 5000n, { docType: 'credit_note' }),
	]);
}

const day = '2026-11-02';
const pay = (
	ref: string,
	minor: bigint,
	payerName: string | null,
	referenceText: string | null,
	extra: Record<string, unknown> = {},
	more: Partial<PaymentInput> = {},
): PaymentInput => ({
	source: 'bank',
	externalRef: ref ? `ACC:${ref}` : '',
	amountMinor: minor,
	currency: 'EUR',
	receivedOn: day,
	payerName,
	referenceText,
	extra,
	...more,
});

/** Lines of every kind: reference, RF, name, typo, close names, grouped, learned account, overpayment, credit notes, write-off. */
const statement: PaymentInput[] = [
	pay('1', 80050n, 'SOCIETE GENERALE FACTOR', `PAIEMENT ${creditorReference('HDA-3')}`),
	pay('2', 370000n, 'HOTEL DES ALPES', 'REGLEMENT NOVEMBRE', {
		counterpartyAccount: 'FR76 1111 1111 1111 1111 1111 111',
	}),
	pay('3', 45000n, 'H.D.A. CHAMONIX', 'VIREMENT', {
		counterpartyAccount: 'FR7611111111111111111111111',
	}),
	pay('4', 99900n, 'TRANSPORTS DIALO ET FILS', 'PAIEMENT'),
	pay('5', 10000n, 'GARAGE MARTN', 'VIR'),
	pay('6', 30000n, 'TRANSPORTS DIALLO', 'VIR'),
	pay('7', 99950n, 'WOLOF OPTIQUE', 'FACTURE WO-1'),
	pay('8', 99950n, 'WOLOF OPTIQUE', 'FACTURE WO-2'),
	pay('9', 30000n, 'ZETA CONSEIL', 'VIR ZE-1 MOINS AV-ZE-1'),
	pay('10', 35000n, 'ZETA CONSEIL', 'VIREMENT'),
	pay('11', 1234n, 'PARTICULIER', 'DON'),
	pay('12', 60000n, 'GARAGE MARTIN', 'FACTURE GM1-1', {
		counterpartyAccount: 'FR7611111111111111111111111',
	}),
	pay('13', 10000n, null, 'FAC-404', {}, { invoiceNumbers: ['NOPE-1'] }),
	pay('', 100n, 'X', null),
	pay('14', 0n, 'X', null),
];

async function tables(ledger: Ledger): Promise<Record<string, unknown[]>> {
	const q = (sql: string) => ledger.query<Record<string, unknown>>(sql);
	return {
		payments: await q(
			'SELECT id, source, external_ref, customer_id, amount_minor, unapplied_minor, status, flag_reason, flag_details, extra, (allocated_at IS NOT NULL) AS allocated FROM payments ORDER BY id',
		),
		allocations: await q(
			'SELECT payment_id, invoice_id, amount_minor, method, applied_on::text FROM allocations ORDER BY id',
		),
		invoices: await q(
			'SELECT id, number, open_minor, status, paid_at::text, credited_invoice_id, credited_on::text FROM invoices ORDER BY id',
		),
		history: await q(
			'SELECT id, customer_id, invoice_id, kind, actor, summary, content_hash, payload FROM history ORDER BY id',
		),
		states: await q(
			'SELECT payment_id, effective_on::text, status, customer_id, flag_reason FROM payment_states ORDER BY payment_id, id',
		),
		accounts: await q(
			'SELECT account, customer_id, shared, learned_from, learned_by FROM customer_bank_accounts ORDER BY account',
		),
		writeOffs: await q(
			'SELECT invoice_id, payment_id, amount_minor, effective_on::text FROM write_offs ORDER BY id',
		),
	};
}

describe('storePaymentsBatched', () => {
	const ledgers: Ledger[] = [];
	afterAll(async () => Promise.all(ledgers.map((l) => dropTestLedger(l))));

	async function run(
		batched: boolean,
		batches: PaymentInput[][],
		options: StorePaymentsOptions = {},
	) {
		const ledger = await createTestLedger();
		ledgers.push(ledger);
		await seed(ledger);
		const outcomes = [];
		for (const payments of batches) {
			outcomes.push(
				await ledger.transaction((client) =>
					(batched ? storePaymentsBatched : storePaymentsWith)(client, payments, {
						actor: 'bank-statement',
						names: new PayerNameIndex(),
						zone: 'Europe/Paris',
						...options,
					}),
				),
			);
		}
		return { outcomes, tables: await tables(ledger) };
	}

	it('gives the outcomes and writes the rows of the per-payment way, a second import included', async () => {
		const options = { writeOffUpTo: { EUR: '1.00' } };
		const slow = await run(false, [statement, statement], options);
		const fast = await run(true, [statement, statement], options);
		expect(fast.outcomes).toEqual(slow.outcomes);
		expect(fast.tables).toEqual(slow.tables);
		// The scenario does reach the rules it is meant to compare.
		const codes = slow.outcomes[0].map(
			(o) => o.allocation?.flag?.code ?? o.error?.code ?? o.allocation?.status,
		);
		expect(codes).toEqual(
			expect.arrayContaining([
				'applied',
				'PAYER_NAME_UNSURE',
				'SEVERAL_INVOICES_MATCH_AMOUNT',
				'UNKNOWN_PAYER',
				'OVERPAYMENT',
				'INVOICE_NOT_FOUND',
				'PAYMENT_NO_REFERENCE',
				'PAYMENT_NOT_POSITIVE',
			]),
		);
		expect(slow.tables.writeOffs).toHaveLength(2);
		// ZE-1 less AV-ZE-1 (cited), ZE-3 less AV-ZE-2 (deducted unasked): both credit notes linked.
		expect(
			slow.tables.invoices.filter(
				(i) => (i as { credited_invoice_id: string | null }).credited_invoice_id !== null,
			),
		).toHaveLength(2);
		expect(slow.tables.accounts).toEqual([
			expect.objectContaining({ account: 'FR7611111111111111111111111', shared: true }),
		]);
		expect(slow.outcomes[1].every((o) => o.status !== 'created')).toBe(true);
	});

	it('in chunks of a few payments (state carried from one chunk to the next)', async () => {
		const options = { writeOffUpTo: { EUR: '1.00' } };
		const slow = await run(false, [statement], options);
		const fast = await run(true, [statement], { ...options, chunkSize: 4 } as StorePaymentsOptions);
		expect(fast.outcomes).toEqual(slow.outcomes);
		expect(fast.tables).toEqual(slow.tables);
	});

	it('without write-offs, and with payments not allocated', async () => {
		expect((await run(true, [statement])).tables).toEqual((await run(false, [statement])).tables);
		const slow = await run(false, [statement], { allocate: false });
		const fast = await run(true, [statement], { allocate: false });
		expect(fast.outcomes).toEqual(slow.outcomes);
		expect(fast.tables).toEqual(slow.tables);
	});

	it('rejects a faulty line alone (a date that does not exist, the same line twice), as the per-payment way does', async () => {
		const faulty = [
			...statement.slice(0, 4),
			pay('15', 1000n, 'X', null, {}, { receivedOn: '2026-02-30' }),
			statement[3],
			...statement.slice(4, 6),
		];
		const slow = await run(false, [faulty]);
		const fast = await run(true, [faulty]);
		expect(fast.outcomes).toEqual(slow.outcomes);
		expect(fast.tables).toEqual(slow.tables);
		expect(slow.outcomes[0][4].error?.code).toBe('PAYMENT_BAD_DATE');
	});
});

describe('OpenInvoiceIndex', () => {
	const row = (id: string, open: string, due = '2026-10-01') => ({
		id,
		number: `N${id}`,
		issuer: 'x',
		customer_id: '1',
		currency: 'EUR',
		open_minor: open,
		status: 'open',
		due_date: due,
		issue_date: '2026-09-01',
	});

	it('reads open invoices oldest first and by amount, following allocations', () => {
		const rows = [row('3', '500'), row('1', '500', '2026-11-01'), row('2', '700')];
		const index = new OpenInvoiceIndex(rows);
		expect(index.count()).toBe(3);
		expect(index.all().map((r) => r.id)).toEqual(['2', '3', '1']);
		expect(index.withAmount(500n).map((r) => r.id)).toEqual(['3', '1']);
		const two = rows.find((r) => r.id === '2')!;
		two.open_minor = '200';
		index.changed(two, 700n);
		expect(index.withAmount(700n)).toEqual([]);
		expect(index.withAmount(200n).map((r) => r.id)).toEqual(['2']);
		two.open_minor = '0';
		two.status = 'paid';
		index.changed(two, 200n);
		expect(index.count()).toBe(2);
		expect([...index.oldestFirst()].map((r) => r.id)).toEqual(['3', '1']);
		expect(index.withAmount(200n)).toEqual([]);
	});
});
