// Money is never netted across currencies nor moved across customers: credit notes naming an invoice of another
// currency or customer are refused at intake, the ledger refuses such links whatever writes them, and a ledger that
// already holds some (written before the rule) is migrated without changing them, each one listed for a person.
import { Client } from 'pg';
import { runner } from 'node-pg-migrate';
import type { IDataObject } from 'n8n-workflow';
import {
	knownMigrations,
	listLedgerFindings,
	MIGRATIONS_TABLE,
	settleLedgerFinding,
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '.';
import { coreAssetPath } from '../assets';
import {
	createTestLedger,
	dropTestLedger,
	ledgerCredentialData,
	testDatabaseUrl,
} from '../../test/helpers/db';
import { closeEngine, PACKAGE_NAME, runWorkflow } from '../../test/helpers/engine';

jest.setTimeout(120_000);

function doc(
	number: string,
	customer: string,
	currency: string,
	payable: bigint,
	extra: Partial<LedgerInvoice> = {},
): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: customer,
		currency,
		totalExclMinor: payable,
		totalTaxMinor: 0n,
		totalInclMinor: payable,
		payableMinor: payable,
		issueDate: '2026-03-02',
		dueDate: '2026-04-01',
		...extra,
	};
}
const credit = (
	number: string,
	customer: string,
	currency: string,
	payable: bigint,
	credited: string,
): LedgerInvoice =>
	doc(number, customer, currency, payable, { docType: 'credit_note', creditedNumber: credited });

describe('credit notes and payments stay within one currency and one customer', () => {
	let ledger: Ledger;
	const open = async (number: string) =>
		(
			await ledger.query<{ open_minor: string; status: string }>(
				'SELECT open_minor, status FROM invoices WHERE number = $1',
				[number],
			)
		)[0];
	const link = async (number: string) =>
		(
			await ledger.query<{ credited_invoice_id: string | null }>(
				'SELECT credited_invoice_id FROM invoices WHERE number = $1',
				[number],
			)
		)[0].credited_invoice_id;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'A', name: 'Alpha SA', emails: ['a@alpha.fr'] },
			{ externalId: 'B', name: 'Beta SARL', emails: ['b@beta.fr'] },
			{
				externalId: 'CI',
				name: 'Abidjan Négoce',
				emails: ['c@an.ci'],
				currency: 'XOF',
				country: 'CI',
			},
		]);
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	it('refuses a credit note in XOF naming an EUR invoice: 30 000 XOF never takes 300,00 EUR off', async () => {
		await storeInvoices(ledger, [doc('FA-1', 'A', 'EUR', 100000n)]); // 1 000,00 EUR
		const [out] = await storeInvoices(ledger, [credit('AV-1', 'A', 'XOF', 30000n, 'FA-1')]);
		expect(out).toMatchObject({
			status: 'rejected',
			error: {
				code: 'CREDIT_NOTE_OTHER_CURRENCY',
				messageFr: expect.stringContaining('deux devises'),
			},
		});
		expect(out.error?.message).toContain('in XOF but the invoice it credits, FA-1, is in EUR');
		// FA-1 still owes 1 000,00 EUR; AV-1 is not in the ledger.
		expect(await open('FA-1')).toEqual({ open_minor: '100000', status: 'open' });
		expect(await ledger.query("SELECT 1 FROM invoices WHERE number = 'AV-1'")).toHaveLength(0);
	});

	it("refuses customer B's credit note citing customer A's invoice, also when both arrive in one batch", async () => {
		await storeInvoices(ledger, [doc('FA-2', 'A', 'EUR', 50000n)]);
		const [out] = await storeInvoices(ledger, [credit('AV-2', 'B', 'EUR', 20000n, 'FA-2')]);
		expect(out).toMatchObject({
			status: 'rejected',
			error: {
				code: 'CREDIT_NOTE_OTHER_CUSTOMER',
				messageFr: expect.stringContaining("d'un autre client"),
			},
		});
		expect(await open('FA-2')).toEqual({ open_minor: '50000', status: 'open' });
		const batch = await storeInvoices(ledger, [
			doc('FA-3', 'A', 'EUR', 40000n),
			credit('AV-3', 'B', 'EUR', 10000n, 'FA-3'),
			credit('AV-4', 'A', 'EUR', 10000n, 'FA-3'),
		]);
		expect(batch.map((o) => [o.number, o.status, o.error?.code])).toEqual([
			['FA-3', 'created', undefined],
			['AV-3', 'rejected', 'CREDIT_NOTE_OTHER_CUSTOMER'],
			['AV-4', 'created', undefined],
		]);
		// 400,00 − AV-4 100,00 = 300,00; AV-3 is not applied.
		expect(await open('FA-3')).toEqual({ open_minor: '30000', status: 'open' });
	});

	it('leaves a credit note stored before its invoice unlinked when the invoice turns out to be of another currency, and lists it', async () => {
		const [cn] = await storeInvoices(ledger, [credit('AV-5', 'CI', 'XOF', 30000n, 'FA-5')]);
		expect(cn.status).toBe('created');
		await storeInvoices(ledger, [doc('FA-5', 'CI', 'EUR', 30000n)]); // 300,00 EUR
		expect(await open('FA-5')).toEqual({ open_minor: '30000', status: 'open' });
		expect(await link('AV-5')).toBeNull();
		const findings = await listLedgerFindings(ledger);
		expect(findings.map((f) => [f.kind, f.creditNote, f.invoice, f.details.reason])).toEqual([
			['credit_note_link_refused', 'AV-5', 'FA-5', 'currency'],
		]);
		expect(findings[0].message.fr).toContain('la facture reste ouverte');
		// Storing the invoice again does not list it twice.
		await storeInvoices(ledger, [doc('FA-5', 'CI', 'EUR', 30000n)]);
		expect(await listLedgerFindings(ledger)).toHaveLength(1);
		const settled = await settleLedgerFinding(ledger, {
			id: findings[0].id,
			resolution: 'AV-5 annulé, avoir refait en EUR',
			actor: 'aminata',
		});
		expect(settled).toMatchObject({
			resolvedBy: 'aminata',
			resolution: 'AV-5 annulé, avoir refait en EUR',
		});
		expect(await listLedgerFindings(ledger)).toHaveLength(0);
	});

	it('the ledger itself refuses a cross-currency or cross-customer link and a cross-currency allocation', async () => {
		await storeInvoices(ledger, [
			doc('FA-6', 'A', 'EUR', 10000n),
			doc('FX-6', 'CI', 'XOF', 10000n),
			credit('AV-6', 'B', 'EUR', 1000n, 'NONE'),
		]);
		const fx = (
			await ledger.query<{ id: string }>("SELECT id FROM invoices WHERE number = 'FX-6'")
		)[0].id;
		const fa = (
			await ledger.query<{ id: string }>("SELECT id FROM invoices WHERE number = 'FA-6'")
		)[0].id;
		await expect(
			ledger.query("UPDATE invoices SET credited_invoice_id = $1 WHERE number = 'AV-6'", [fx]),
		).rejects.toMatchObject({ constraint: 'credit_note_same_currency' });
		await expect(
			ledger.query("UPDATE invoices SET credited_invoice_id = $1 WHERE number = 'AV-6'", [fa]),
		).rejects.toMatchObject({ constraint: 'credit_note_same_customer' });
		const [p] = await storePayments(
			ledger,
			[
				{
					externalRef: 'P-EUR',
					amountMinor: 500n,
					currency: 'EUR',
					receivedOn: '2026-03-10',
					customerExternalId: 'A',
					referenceText: 'AVANCE',
				},
			],
			{ allocate: false },
		);
		await expect(
			ledger.query(
				'INSERT INTO allocations (payment_id, invoice_id, amount_minor) VALUES ($1, $2, 500)',
				[p.paymentId, fx],
			),
		).rejects.toMatchObject({ constraint: 'allocation_same_currency' });
		// A revision moving a credited invoice to another currency is refused with the reason; nothing changes.
		await storeInvoices(ledger, [credit('AV-7', 'A', 'EUR', 1000n, 'FA-6')]);
		const [moved] = await storeInvoices(ledger, [doc('FA-6', 'A', 'XOF', 10000n)]);
		expect(moved).toMatchObject({
			status: 'rejected',
			error: { code: 'CREDIT_NOTE_OTHER_CURRENCY' },
		});
		expect(
			await ledger.query("SELECT currency, open_minor FROM invoices WHERE number = 'FA-6'"),
		).toEqual([{ currency: 'EUR', open_minor: '9000' }]);
	});

	it('Invoice Intake sends the refused credit note to Rejected with the reason in English and French', async () => {
		const credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
		const run = await runWorkflow(
			{
				nodes: [
					{
						id: 't',
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'i',
						name: 'Invoice Intake',
						type: `${PACKAGE_NAME}.invoiceIntake`,
						typeVersion: 1,
						position: [200, 0],
						parameters: { operation: 'storeInvoices', sourceFormat: 'fields', options: {} },
						credentials: { receivablesLedgerApi: { id: 'ledger', name: 'Ledger' } },
					},
				],
				connections: { Start: { main: [[{ node: 'Invoice Intake', type: 'main', index: 0 }]] } },
			},
			{
				triggerItems: [
					{
						number: 'FA-8',
						customerId: 'A',
						currency: 'EUR',
						totalIncl: '300.00',
						issueDate: '2026-03-02',
						dueDate: '2026-04-01',
					},
					{
						docType: 'credit_note',
						number: 'AV-8',
						customerId: 'CI',
						currency: 'XOF',
						totalIncl: '30000',
						issueDate: '2026-03-05',
						dueDate: '2026-03-05',
						creditedNumber: 'FA-8',
					},
				],
				credentials,
			},
		);
		expect(run.error).toBeUndefined();
		expect(run.nodeOutputs('Invoice Intake', 0).map((i) => i.json.number)).toEqual(['FA-8']);
		const rejected = run.nodeOutputs('Invoice Intake', 1);
		expect(rejected.map((i) => [i.json.code, i.pairedItem])).toEqual([
			['CREDIT_NOTE_OTHER_CURRENCY', { item: 1 }],
		]);
		expect(rejected[0].json.errorFr).toEqual(expect.stringContaining('deux devises'));
		expect((rejected[0].json.input as IDataObject).number).toBe('AV-8');
	});
});

describe('a grouped payment that deducts a credit note in its label', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'G', name: 'Groupe Gamma' }]);
		await storeInvoices(ledger, [
			doc('FG-1', 'G', 'EUR', 60000n, { issueDate: '2026-03-01', dueDate: '2026-03-31' }), // 600,00
			doc('FG-2', 'G', 'EUR', 40000n, { issueDate: '2026-03-05', dueDate: '2026-04-04' }), // 400,00
			doc('FG-3', 'G', 'EUR', 100000n, { issueDate: '2026-03-06', dueDate: '2026-04-05' }), // 1 000,00
			doc('AV-2026-0007', 'G', 'EUR', 25000n, {
				docType: 'credit_note',
				issueDate: '2026-03-10',
				dueDate: '2026-03-10',
			}), // 250,00, no invoice named
			doc('AV-2026-0008', 'G', 'EUR', 25000n, {
				docType: 'credit_note',
				issueDate: '2026-03-10',
				dueDate: '2026-03-10',
			}),
		]);
	});
	afterAll(async () => dropTestLedger(ledger));
	const state = async (number: string) =>
		(
			await ledger.query<{ open_minor: string; status: string; credited: string | null }>(
				'SELECT i.open_minor, i.status, t.number AS credited FROM invoices i LEFT JOIN invoices t ON t.id = i.credited_invoice_id WHERE i.number = $1',
				[number],
			)
		)[0];

	it('links the credit note to the invoices it pays when the sums agree, so nothing is left open and dunned', async () => {
		// 750,00 + AV-2026-0007 250,00 = FG-1 600,00 + FG-2 400,00.
		const [p] = await storePayments(ledger, [
			{
				externalRef: 'P-G1',
				amountMinor: 75000n,
				currency: 'EUR',
				receivedOn: '2026-03-20',
				customerExternalId: 'G',
				referenceText: 'VIR GROUPE GAMMA FG-1 FG-2 MOINS AV-2026-0007',
			},
		]);
		expect(p.allocation?.status).toBe('applied');
		// AV-2026-0007 credits FG-1 (oldest, owes at least 250): FG-1 600 − 250 = 350 paid, FG-2 400 paid.
		expect(
			p.allocation?.allocations.map((a) => [a.invoiceNumber, a.amountMinor, a.invoiceStatus]),
		).toEqual([
			['FG-1', 35000n, 'paid'],
			['FG-2', 40000n, 'paid'],
		]);
		expect(await state('AV-2026-0007')).toEqual({
			open_minor: '0',
			status: 'credited',
			credited: 'FG-1',
		});
		expect(await state('FG-1')).toMatchObject({ open_minor: '0', status: 'paid' });
	});

	it('flags the payment for a person when the payment and the credit note do not make what the invoices owe', async () => {
		// 700,00 + 250,00 = 950,00 ≠ FG-3 1 000,00.
		const [p] = await storePayments(ledger, [
			{
				externalRef: 'P-G2',
				amountMinor: 70000n,
				currency: 'EUR',
				receivedOn: '2026-03-21',
				customerExternalId: 'G',
				referenceText: 'FG-3 MOINS AV-2026-0008',
			},
		]);
		expect(p.allocation).toMatchObject({
			status: 'unapplied',
			flag: { code: 'CREDIT_NOTE_IN_REFERENCE_MISMATCH', candidates: ['FG-3', 'AV-2026-0008'] },
		});
		expect(p.allocation?.flag?.message.fr).toContain('à régler à la main');
		expect(await state('FG-3')).toMatchObject({ open_minor: '100000', status: 'open' });
		expect(await state('AV-2026-0008')).toMatchObject({ credited: null });
	});
});

describe('a payment that is invoices less an open credit note, the label naming neither', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'D', name: 'Delta SAS' },
			{ externalId: 'E', name: 'Epsilon SARL' },
		]);
		await storeInvoices(ledger, [
			doc('FD-1', 'D', 'EUR', 100000n, { issueDate: '2026-03-01', dueDate: '2026-03-31' }), // 1 000,00
			doc('FD-2', 'D', 'EUR', 70000n, { issueDate: '2026-03-05', dueDate: '2026-04-04' }), // 700,00
			doc('AVD-1', 'D', 'EUR', 24000n, {
				docType: 'credit_note',
				issueDate: '2026-03-10',
				dueDate: '2026-03-10',
			}), // 240,00, no invoice named
			doc('FE-1', 'E', 'EUR', 50000n, { issueDate: '2026-03-01', dueDate: '2026-03-31' }),
			doc('FE-2', 'E', 'EUR', 50000n, { issueDate: '2026-03-02', dueDate: '2026-04-01' }),
			doc('AVE-1', 'E', 'EUR', 10000n, {
				docType: 'credit_note',
				issueDate: '2026-03-10',
				dueDate: '2026-03-10',
			}),
		]);
	});
	afterAll(async () => dropTestLedger(ledger));
	const state = async (number: string) =>
		(
			await ledger.query<{ open_minor: string; status: string; credited: string | null }>(
				'SELECT i.open_minor, i.status, t.number AS credited FROM invoices i LEFT JOIN invoices t ON t.id = i.credited_invoice_id WHERE i.number = $1',
				[number],
			)
		)[0];

	it('applies the credit note when exactly one credit note and one set of invoices fit', async () => {
		// 1 460,00 + AVD-1 240,00 = FD-1 1 000,00 + FD-2 700,00
		const [p] = await storePayments(ledger, [
			{
				externalRef: 'P-D1',
				amountMinor: 146000n,
				currency: 'EUR',
				receivedOn: '2026-03-20',
				customerExternalId: 'D',
				referenceText: 'VIR DELTA SAS REGLEMENT MARS',
			},
		]);
		expect(p.allocation?.status).toBe('applied');
		expect(
			p.allocation?.allocations.map((a) => [a.invoiceNumber, a.amountMinor, a.invoiceStatus]),
		).toEqual([
			['FD-1', 76000n, 'paid'],
			['FD-2', 70000n, 'paid'],
		]);
		expect(await state('AVD-1')).toEqual({ open_minor: '0', status: 'credited', credited: 'FD-1' });
	});

	it('keeps the payment for a person with the candidates when several deductions fit, and writes nothing', async () => {
		// 400,00 + AVE-1 100,00 = FE-1 or FE-2
		const [p] = await storePayments(ledger, [
			{
				externalRef: 'P-E1',
				amountMinor: 40000n,
				currency: 'EUR',
				receivedOn: '2026-03-20',
				customerExternalId: 'E',
				referenceText: 'VIR EPSILON',
			},
		]);
		expect(p.allocation).toMatchObject({
			status: 'ambiguous',
			flag: {
				code: 'SEVERAL_DEDUCTIONS_MATCH_AMOUNT',
				candidates: expect.arrayContaining(['FE-1', 'FE-2', 'AVE-1']),
			},
		});
		expect(p.allocation?.flag?.message.fr).toContain('avoir');
		expect(await state('AVE-1')).toMatchObject({ credited: null });
		expect(await state('FE-1')).toMatchObject({ open_minor: '50000', status: 'open' });
	});

	it('an amount no deduction explains stays unapplied as before', async () => {
		const [p] = await storePayments(ledger, [
			{
				externalRef: 'P-E2',
				amountMinor: 12345n,
				currency: 'EUR',
				receivedOn: '2026-03-21',
				customerExternalId: 'E',
				referenceText: 'VIR EPSILON',
			},
		]);
		expect(p.allocation).toMatchObject({
			status: 'unapplied',
			flag: { code: 'NO_MATCHING_AMOUNT' },
		});
	});
});

describe('migrating a ledger that already holds cross links', () => {
	let ledger: Ledger;
	afterAll(async () => dropTestLedger(ledger));

	it('keeps every amount as it is and lists each cross link', async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'A', name: 'Alpha SA' },
			{ externalId: 'B', name: 'Beta SARL' },
		]);
		await storeInvoices(ledger, [
			doc('FA-1', 'A', 'EUR', 100000n),
			doc('FA-2', 'A', 'EUR', 50000n),
			credit('AV-1', 'A', 'XOF', 30000n, 'NONE'),
			credit('AV-2', 'B', 'EUR', 20000n, 'NONE'),
		]);
		await storePayments(ledger, [
			{
				externalRef: 'P-OLD',
				amountMinor: 10000n,
				currency: 'EUR',
				receivedOn: '2026-03-10',
				customerExternalId: 'A',
				referenceText: 'FA-2',
			},
		]);
		// Back to the schema before the rule, and links written the way earlier versions wrote them.
		const later = knownMigrations().filter((m) => m >= '0016');
		const client = new Client({ connectionString: testDatabaseUrl() });
		await client.connect();
		try {
			await runner({
				dbClient: client,
				dir: coreAssetPath('ledger', 'migrations'),
				migrationsTable: MIGRATIONS_TABLE,
				schema: ledger.schema,
				migrationsSchema: ledger.schema,
				direction: 'down',
				count: later.length,
				singleTransaction: true,
				noLock: true,
				log: () => undefined,
			});
			await client.query(`SET search_path TO "${ledger.schema}"`);
			await client.query(
				`UPDATE invoices cn SET credited_invoice_id = i.id, open_minor = 0, status = 'credited' FROM invoices i WHERE i.number = 'FA-1' AND cn.number = 'AV-1'`,
			);
			await client.query(
				`UPDATE invoices cn SET credited_invoice_id = i.id, open_minor = 0, status = 'credited' FROM invoices i WHERE i.number = 'FA-2' AND cn.number = 'AV-2'`,
			);
			await client.query(
				`UPDATE invoices SET open_minor = open_minor - 30000 WHERE number = 'FA-1'`,
			); // 1 000,00 − "300,00" = 700,00
			await client.query(
				`UPDATE invoices SET open_minor = open_minor - 20000 WHERE number = 'FA-2'`,
			); // 500,00 − 100,00 paid − 200,00 = 200,00
			const notices: string[] = [];
			client.on('notice', (n) => notices.push(n.message ?? ''));
			await runner({
				dbClient: client,
				dir: coreAssetPath('ledger', 'migrations'),
				migrationsTable: MIGRATIONS_TABLE,
				schema: ledger.schema,
				migrationsSchema: ledger.schema,
				direction: 'up',
				singleTransaction: true,
				noLock: true,
				log: () => undefined,
			});
			expect(notices.join('\n')).toContain('2 link(s) across currencies or customers');
		} finally {
			await client.end();
		}
		// Nothing was silently changed...
		expect(
			await ledger.query(
				'SELECT number, open_minor, credited_invoice_id IS NOT NULL AS linked FROM invoices ORDER BY number',
			),
		).toEqual([
			{ number: 'AV-1', open_minor: '0', linked: true },
			{ number: 'AV-2', open_minor: '0', linked: true },
			{ number: 'FA-1', open_minor: '70000', linked: false },
			{ number: 'FA-2', open_minor: '20000', linked: false },
		]);
		// The payment and its allocation are as they were; its state is kept from the day it was received.
		expect(
			await ledger.query(
				"SELECT p.status, p.unapplied_minor, a.amount_minor, a.applied_on::text FROM payments p JOIN allocations a ON a.payment_id = p.id WHERE p.external_ref = 'P-OLD'",
			),
		).toEqual([
			{ status: 'applied', unapplied_minor: '0', amount_minor: '10000', applied_on: '2026-03-10' },
		]);
		expect(
			await ledger.query(
				"SELECT s.effective_on::text, s.status FROM payment_states s JOIN payments p ON p.id = s.payment_id WHERE p.external_ref = 'P-OLD'",
			),
		).toEqual([{ effective_on: '2026-03-10', status: 'applied' }]);
		// ...and each cross link is listed for a person.
		const findings = await listLedgerFindings(ledger);
		expect(findings.map((f) => [f.kind, f.creditNote, f.invoice, f.details.amountMinor])).toEqual([
			['credit_note_other_currency', 'AV-1', 'FA-1', '30000'],
			['credit_note_other_customer', 'AV-2', 'FA-2', '20000'],
		]);
		expect(findings[0].message.en).toBe(
			'Credit note AV-1 (XOF) reduces invoice FA-1 (EUR): two currencies netted.',
		);
	});
});
