import {
	describeConnectionError,
	storeInvoices,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '.';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';

function invoice(number: string, overrides: Partial<LedgerInvoice> = {}): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: 'C001',
		currency: 'EUR',
		totalExclMinor: 100000n,
		totalTaxMinor: 20000n,
		totalInclMinor: 120000n,
		payableMinor: 120000n,
		issueDate: '2026-10-01',
		dueDate: '2026-10-31',
		...overrides,
	};
}

// COPY is what a superuser ledger role gets (these tests run as one); INSERT what roles under row-level security get.
describe.each(['auto', 'insert'] as const)(
	'storeInvoices (new documents written by %s)',
	(writeMode) => {
		let ledger: Ledger;
		const store = (list: LedgerInvoice[], options: Parameters<typeof storeInvoices>[2] = {}) =>
			storeInvoices(ledger, list, { ...options, writeMode });
		beforeAll(async () => {
			ledger = await createTestLedger();
			await upsertCustomers(ledger, [
				{ externalId: 'C001', name: 'Boulangerie Martin', emails: ['compta@martin.fr'] },
			]);
		});
		afterAll(async () => dropTestLedger(ledger));

		it('stores new invoices and changes nothing when they come again', async () => {
			const first = await store([invoice('F-1'), invoice('F-2')]);
			expect(first.map((o) => o.status)).toEqual(['created', 'created']);
			const again = await store([invoice('F-1'), invoice('F-2')]);
			expect(again.map((o) => o.status)).toEqual(['unchanged', 'unchanged']);
			const rows = await ledger.query<{ n: string }>(
				"SELECT count(*) AS n FROM invoices WHERE number IN ('F-1', 'F-2')",
			);
			expect(rows[0].n).toBe('2');
		});

		it('records a changed invoice as a new revision, keeping what was already paid', async () => {
			await store([invoice('F-3')]);
			await ledger.query(
				"UPDATE invoices SET open_minor = open_minor - 20000 WHERE number = 'F-3'",
			);
			const [revised] = await store([
				invoice('F-3', {
					totalInclMinor: 150000n,
					payableMinor: 150000n,
					totalExclMinor: 125000n,
					totalTaxMinor: 25000n,
				}),
			]);
			expect(revised).toMatchObject({ status: 'revised', revision: 2 });
			const [row] = await ledger.query<{ open_minor: string; revision: number }>(
				"SELECT open_minor, revision FROM invoices WHERE number = 'F-3'",
			);
			expect(row).toEqual({ open_minor: '130000', revision: 2 });
			const history = await ledger.query<{ kind: string; summary: string }>(
				'SELECT kind, summary FROM history WHERE invoice_id = $1',
				[revised.id],
			);
			expect(history).toEqual([
				{ kind: 'invoice_revised', summary: 'Invoice F-3 revised to revision 2' },
			]);
		});

		it('reduces the referenced invoice by a credit note, once', async () => {
			await store([invoice('F-4')]);
			const credit = invoice('AV-1', {
				docType: 'credit_note',
				creditedNumber: 'F-4',
				totalExclMinor: 25000n,
				totalTaxMinor: 5000n,
				totalInclMinor: 30000n,
				payableMinor: 30000n,
			});
			await store([credit]);
			await store([credit]);
			const [row] = await ledger.query<{ open_minor: string; status: string }>(
				"SELECT open_minor, status FROM invoices WHERE number = 'F-4'",
			);
			expect(row).toEqual({ open_minor: '90000', status: 'open' });
			const full = invoice('AV-2', {
				docType: 'credit_note',
				creditedNumber: 'F-4',
				payableMinor: 90000n,
				totalInclMinor: 90000n,
			});
			await store([full]);
			const [after] = await ledger.query<{ open_minor: string; status: string }>(
				"SELECT open_minor, status FROM invoices WHERE number = 'F-4'",
			);
			expect(after).toEqual({ open_minor: '0', status: 'credited' });
		});

		it('links a credit note sent in the same batch as its invoice, or before it', async () => {
			const sameBatch = await store([
				invoice('AV-5', {
					docType: 'credit_note',
					creditedNumber: 'F-5',
					payableMinor: 20000n,
					totalInclMinor: 20000n,
				}),
				invoice('F-5'),
			]);
			expect(sameBatch.map((o) => o.status)).toEqual(['created', 'created']);
			const [f5] = await ledger.query<{ open_minor: string }>(
				"SELECT open_minor FROM invoices WHERE number = 'F-5'",
			);
			expect(f5.open_minor).toBe('100000');
			await store([
				invoice('AV-6', {
					docType: 'credit_note',
					creditedNumber: 'F-6',
					payableMinor: 120000n,
					totalInclMinor: 120000n,
				}),
			]);
			const [waiting] = await ledger.query<{
				open_minor: string;
				credited_invoice_id: string | null;
			}>("SELECT open_minor, credited_invoice_id FROM invoices WHERE number = 'AV-6'");
			expect(waiting).toEqual({ open_minor: '-120000', credited_invoice_id: null });
			await store([invoice('F-6')]);
			const rows = await ledger.query<{ number: string; open_minor: string; status: string }>(
				"SELECT number, open_minor, status FROM invoices WHERE number IN ('F-6', 'AV-6') ORDER BY number",
			);
			expect(rows).toEqual([
				{ number: 'AV-6', open_minor: '0', status: 'credited' },
				{ number: 'F-6', open_minor: '0', status: 'credited' },
			]);
			await store([
				invoice('F-6'),
				invoice('AV-6', {
					docType: 'credit_note',
					creditedNumber: 'F-6',
					payableMinor: 120000n,
					totalInclMinor: 120000n,
				}),
			]);
			const [again] = await ledger.query<{ open_minor: string }>(
				"SELECT open_minor FROM invoices WHERE number = 'F-6'",
			);
			expect(again.open_minor).toBe('0');
		});

		it('stores empty lines and anomalies as JSON arrays', async () => {
			await store([invoice('F-7', { lines: [], anomalies: [] })]);
			const [row] = await ledger.query<{ lines: unknown; anomalies: unknown; extra: unknown }>(
				"SELECT lines, anomalies, extra FROM invoices WHERE number = 'F-7'",
			);
			expect(row).toEqual({ lines: [], anomalies: [], extra: {} });
		});

		it('rejects the faulty rows of a batch one by one and stores the good ones', async () => {
			const outcomes = await store(
				[
					invoice('F-10'),
					invoice('F-11', { customerExternalId: 'NOBODY' }),
					invoice('F-12', { dueDate: '2026-02-30' }),
					invoice('F-13'),
				],
				{ batchSize: 10 },
			);
			expect(outcomes.map((o) => [o.number, o.status, o.error?.code])).toEqual([
				['F-10', 'created', undefined],
				['F-11', 'rejected', 'INVOICE_UNKNOWN_CUSTOMER'],
				['F-12', 'rejected', 'INVOICE_BAD_DATE'],
				['F-13', 'created', undefined],
			]);
		});

		it('creates missing customers when asked', async () => {
			const [outcome] = await store(
				[invoice('F-20', { customerExternalId: 'C999', customerName: 'Atlas Négoce SARL' })],
				{ createMissingCustomers: true },
			);
			expect(outcome.status).toBe('created');
			const [customer] = await ledger.query<{ name: string }>(
				"SELECT name FROM customers WHERE external_id = 'C999'",
			);
			expect(customer.name).toBe('Atlas Négoce SARL');
		});

		it('finds the documents already stored whether the batch numbers sort after them or not', async () => {
			// S-5 is the highest invoice number of its issuer: a batch starting at it is probed row by row, a batch
			// after it (S-6…) is known new without that, a credit note S-5 is another document, and another issuer's
			// numbers do not hide this one's.
			await store([invoice('S-3'), invoice('S-5')]);
			const ids = async (numbers: string[]) =>
				(
					await ledger.query<{ id: string; number: string }>(
						'SELECT id::text, number FROM invoices WHERE number = ANY($1::text[]) ORDER BY id',
						[numbers],
					)
				).map((r) => r.number);
			const mixed = await store([invoice('S-6'), invoice('S-5'), invoice('S-4')]);
			expect(mixed.map((o) => [o.number, o.status])).toEqual([
				['S-6', 'created'],
				['S-5', 'unchanged'],
				['S-4', 'created'],
			]);
			const after = await store([
				invoice('S-7'),
				invoice('S-8'),
				invoice('S-5', { docType: 'credit_note', creditedNumber: 'S-5' }),
				invoice('S-3', { issuer: 'other' }),
			]);
			expect(after.map((o) => o.status)).toEqual(['created', 'created', 'created', 'created']);
			const again = await store([
				invoice('S-9'),
				invoice('S-8'),
				invoice('S-3', { issuer: 'other' }),
			]);
			expect(again.map((o) => o.status)).toEqual(['created', 'unchanged', 'unchanged']);
			expect(await ids(['S-3', 'S-4', 'S-5', 'S-6', 'S-7', 'S-8', 'S-9'])).toHaveLength(9);
			// Each created document got its own id, as its outcome says.
			const created = [...mixed, ...after, ...again].filter((o) => o.status === 'created');
			expect(new Set(created.map((o) => o.id)).size).toBe(created.length);
		});

		it('gives each new document of a batch one id when rows repeat or name unknown customers', async () => {
			const outcomes = await store([
				invoice('U-1'),
				invoice('U-2', { customerExternalId: 'NOPE' }),
				invoice('U-1', { customerExternalId: 'NOPE' }),
				invoice('U-3'),
				invoice('U-3', { totalExclMinor: 200000n, totalInclMinor: 220000n, payableMinor: 220000n }),
			]);
			expect(outcomes.map((o) => [o.number, o.status, o.error?.code])).toEqual([
				['U-1', 'created', undefined],
				['U-2', 'rejected', 'INVOICE_UNKNOWN_CUSTOMER'],
				['U-1', 'rejected', 'INVOICE_UNKNOWN_CUSTOMER'],
				['U-3', 'unchanged', 'INVOICE_SUPERSEDED_IN_BATCH'],
				['U-3', 'created', undefined],
			]);
			const rows = await ledger.query<{ id: string; number: string; payable_minor: string }>(
				"SELECT id::text, number, payable_minor::text FROM invoices WHERE number LIKE 'U-%' ORDER BY number",
			);
			expect(rows.map((r) => [r.number, r.payable_minor])).toEqual([
				['U-1', '120000'],
				['U-3', '220000'],
			]);
			expect(rows.map((r) => r.id)).toEqual([outcomes[0].id, outcomes[4].id]);
		});

		it('finds documents whose numbers hold control characters', async () => {
			const odd = ['V\u001f1', 'V\u001f', '\u001fV'];
			const first = await store(odd.map((n) => invoice(n)));
			expect(first.map((o) => o.status)).toEqual(['created', 'created', 'created']);
			const again = await store(odd.map((n) => invoice(n)));
			expect(again.map((o) => [o.number, o.status])).toEqual(odd.map((n) => [n, 'unchanged']));
		});

		it('stores the same new invoice once when two processes send it at the same time', async () => {
			const outcomes = await Promise.all([store([invoice('F-30')]), store([invoice('F-30')])]);
			expect(
				outcomes
					.flat()
					.map((o) => o.status)
					.sort(),
			).toEqual(['created', 'unchanged']);
		});
	},
);

describe('upsertCustomers', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
	});
	afterAll(async () => dropTestLedger(ledger));

	it('creates, updates only the given fields, and leaves identical records alone', async () => {
		const created = await upsertCustomers(ledger, [
			{
				externalId: 'C1',
				name: 'Sahel Distribution',
				language: 'fr',
				emails: ['a@sahel.sn'],
				country: 'SN',
				currency: 'XOF',
			},
		]);
		expect(created[0].status).toBe('created');
		const updated = await upsertCustomers(ledger, [{ externalId: 'C1', emails: ['ap@sahel.sn'] }]);
		expect(updated[0].status).toBe('updated');
		const same = await upsertCustomers(ledger, [{ externalId: 'C1', emails: ['ap@sahel.sn'] }]);
		expect(same[0].status).toBe('unchanged');
		const [row] = await ledger.query(
			'SELECT name, emails, country, currency FROM customers WHERE external_id = $1',
			['C1'],
		);
		expect(row).toEqual({
			name: 'Sahel Distribution',
			emails: ['ap@sahel.sn'],
			country: 'SN',
			currency: 'XOF',
		});
	});

	it('rejects a customer with an unknown profile and keeps the others', async () => {
		const outcomes = await upsertCustomers(ledger, [
			{ externalId: 'C2', name: 'A', profile: 'no_such_profile' },
			{ externalId: 'C3', name: 'B' },
		]);
		expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'created']);
		expect(outcomes[0].error?.code).toBe('CUSTOMER_UNKNOWN_REFERENCE');
	});
});

describe('describeConnectionError', () => {
	it('says a wrong password is a wrong password', () => {
		const error = describeConnectionError(
			{ code: '28P01', message: 'password authentication failed for user "ar"' },
			{ host: 'db', port: 5432, database: 'ledger', user: 'ar' },
		);
		expect(error.code).toBe('LEDGER_AUTH_FAILED');
		expect(error.message).toContain('Postgres refused the user "ar" on db:5432/ledger');
		expect(error.hint).toContain('password');
	});
});
