import path from 'node:path';
import { ledgerCredentialData } from '../helpers/db';
import { rawWebhookItem, runWorkflow, testCredential, webhookItem } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

const invoices = [
	{
		number: 'F-1',
		customerId: 'C1',
		customerName: 'Alpha SARL',
		totalExcl: '100.00',
		totalTax: '20.00',
		totalIncl: '120.00',
		payable: '120.00',
		issueDate: '2026-01-10',
		dueDate: '2026-02-09',
		poNumber: 'PO-1',
	},
	{
		customerId: 'C1',
		totalExcl: '10.00',
		totalTax: '2.00',
		totalIncl: '12.00',
		payable: '12.00',
		issueDate: '2026-01-10',
		dueDate: '2026-02-09',
		poNumber: 'PO-2',
	},
	{
		number: 'F-3',
		customerId: 'C2',
		customerName: 'Dakar Distribution',
		currency: 'XOF',
		totalExcl: '150000',
		totalTax: '0',
		totalIncl: '150000',
		payable: '150000',
		issueDate: '2026-01-12',
		dueDate: '2026-02-11',
		poNumber: 'PO-3',
	},
	{
		number: 'F-4',
		customerId: 'C1',
		totalExcl: 'abc',
		totalTax: '0',
		totalIncl: 'abc',
		payable: 'abc',
		issueDate: '2026-01-10',
		dueDate: '2026-02-09',
		poNumber: 'PO-4',
	},
	{
		customerId: 'C3',
		currency: 'MAD',
		totalExcl: '50.00',
		totalTax: '10.00',
		totalIncl: '60.00',
		payable: '60.00',
		issueDate: '2026-01-10',
		dueDate: '2026-02-09',
		poNumber: 'PO-5',
	},
];

describe('in-process engine', () => {
	const t = engineLedger();

	test('runs a webhook workflow through Split Out, Set, Invoice Intake, Aggregate, Merge, If, Switch and Respond to Webhook', async () => {
		const result = await runWorkflow(fixture('intake-routing.json'), {
			triggerItems: [webhookItem({ body: { invoices } })],
			credentials: t.credentials,
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.nodeOutputs('Split Out')).toHaveLength(5);
		expect(result.json('Normalise').map((j) => j.receivedVia)).toEqual(Array(5).fill('webhook'));

		const accepted = result.json('Invoice Intake', 0);
		expect(accepted.map((j) => [j.number, j.currency, j.payable, j.status])).toEqual([
			['F-1', 'EUR', '120.00', 'created'],
			['F-3', 'XOF', '150000', 'created'],
		]);
		const rejected = result.json('Invoice Intake', 1);
		expect(rejected.map((j) => (j.input as { poNumber: string }).poNumber)).toEqual([
			'PO-2',
			'PO-4',
			'PO-5',
		]);
		expect(rejected[0]).toMatchObject({ code: 'FIELD_REQUIRED' });
		expect(String(rejected[0].errorFr)).toContain('numéro');

		// If → Switch → Set: the Euro invoice without a number, its reference read back through pairedItem.
		expect(result.json('Ask Sender')).toEqual([{ reference: 'PO-2', code: 'FIELD_REQUIRED' }]);
		expect(
			result.json('Other Fault').map((j) => (j.input as { poNumber: string }).poNumber),
		).toEqual(['PO-4']);
		expect(result.executed).not.toContain('Sticky Note');

		expect(result.responses).toHaveLength(1);
		expect(result.responses[0]).toMatchObject({
			body: { accepted: 2, rejected: ['FIELD_REQUIRED', rejected[1].code, 'FIELD_REQUIRED'] },
			statusCode: 200,
		});

		const rows = await t.ledger.query<{
			number: string;
			currency: string;
			payable_minor: string;
			customer: string;
			status: string;
		}>(
			`SELECT i.number, i.currency, i.payable_minor::text, c.external_id AS customer, i.status
			 FROM invoices i JOIN customers c ON c.id = i.customer_id ORDER BY i.number`,
		);
		expect(rows).toEqual([
			{ number: 'F-1', currency: 'EUR', payable_minor: '12000', customer: 'C1', status: 'open' },
			{ number: 'F-3', currency: 'XOF', payable_minor: '150000', customer: 'C2', status: 'open' },
		]);
	});

	test('a Rejected item keeps pairedItem back to the input item it came from', async () => {
		const result = await runWorkflow(fixture('intake-routing.json'), {
			triggerItems: [webhookItem({ body: { invoices } })],
			credentials: t.credentials,
		});
		const inputs = result.nodeOutputs('Normalise');
		const rejected = result.nodeOutputs('Invoice Intake', 1);
		expect(rejected).toHaveLength(3);
		for (const item of rejected) {
			expect(item.pairedItem).toEqual({ item: expect.any(Number) });
			const source = inputs[(item.pairedItem as { item: number }).item];
			expect(source.json).toEqual(item.json.input);
		}
		expect(rejected.map((item) => (item.pairedItem as { item: number }).item)).toEqual([1, 3, 4]);
	});

	test('the same webhook twice changes nothing in the ledger', async () => {
		const before = await t.ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices');
		const result = await runWorkflow(fixture('intake-routing.json'), {
			triggerItems: [webhookItem({ body: { invoices } })],
			credentials: t.credentials,
		});
		expect(result.json('Invoice Intake', 0).map((j) => j.status)).toEqual([
			'unchanged',
			'unchanged',
		]);
		const after = await t.ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices');
		expect(after[0].n).toBe(before[0].n);
	});

	test('runs the Code node in both modes, with continueOnFail', async () => {
		const result = await runWorkflow(fixture('code.json'), {
			triggerItems: [{ n: 1 }, { n: 2 }, { n: 3 }],
		});
		expect(result.status).toBe('success');
		expect(result.json('Sum All')).toEqual([{ total: 6, count: 3 }]);
		expect(result.json('Each Item')).toEqual([
			{ n: 1, double: 2, first: 1 },
			{ n: 2, double: 4, first: 1 },
			{ n: 3, double: 6, first: 1 },
		]);
		expect(result.nodeOutputs('Each Item').map((i) => i.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		expect(result.json('Throws')).toEqual([{ error: expect.stringContaining('boom') }]);
	});

	test('a node error ends the execution with the error, naming the node', async () => {
		const result = await runWorkflow(fixture('intake-routing.json'), {
			triggerItems: [webhookItem({ body: { invoices } })],
		});
		expect(result.status).toBe('error');
		expect(result.nodeError('Invoice Intake')?.message).toContain('receivablesLedgerApi');
		expect(result.executed).not.toContain('Respond to Webhook');
	});

	test("runs n8n's own versioned nodes with their credentials (Postgres v2)", async () => {
		const url = new URL(process.env.TEST_DATABASE_URL as string);
		const result = await runWorkflow(
			{
				nodes: [
					{
						id: 'p1',
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'p2',
						name: 'Count',
						type: 'n8n-nodes-base.postgres',
						typeVersion: 2.6,
						position: [200, 0],
						parameters: {
							operation: 'executeQuery',
							query: `SELECT count(*)::int AS invoices FROM "${t.ledger.schema}".invoices`,
							options: {},
						},
						credentials: { postgres: { id: 'pg', name: 'Postgres' } },
					},
				],
				connections: { Start: { main: [[{ node: 'Count', type: 'main', index: 0 }]] } },
			},
			{
				credentials: {
					postgres: {
						host: url.hostname,
						port: Number(url.port || 5432),
						database: url.pathname.slice(1),
						user: decodeURIComponent(url.username),
						password: decodeURIComponent(url.password),
					},
				},
			},
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Count')).toEqual([{ invoices: 2 }]);
	});

	test('hands a raw webhook body to nodes as binary data', async () => {
		const raw = '{"invoices":[{"number":"F-9","note":"accentué"}]}';
		const result = await runWorkflow(
			{
				nodes: [
					{
						id: 'w1',
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2.1,
						position: [0, 0],
						parameters: { httpMethod: 'POST', path: 'raw', options: { rawBody: true } },
					},
					{
						id: 'w2',
						name: 'Read Body',
						type: 'n8n-nodes-base.extractFromFile',
						typeVersion: 1.1,
						position: [200, 0],
						parameters: { operation: 'fromJson', binaryPropertyName: 'data', options: {} },
					},
				],
				connections: { Webhook: { main: [[{ node: 'Read Body', type: 'main', index: 0 }]] } },
			},
			{ triggerItems: [rawWebhookItem(raw, { headers: { 'x-signature': 'abc' } })] },
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Webhook')[0]).toMatchObject({
			headers: { 'x-signature': 'abc' },
			body: { invoices: [{ number: 'F-9' }] },
		});
		expect(result.json('Read Body')).toEqual([
			{ data: { invoices: [{ number: 'F-9', note: 'accentué' }] } },
		]);
	});

	test('runs the credential test of the ledger credential', async () => {
		await expect(
			testCredential('receivablesLedgerApi', ledgerCredentialData(t.ledger.schema)),
		).resolves.toMatchObject({ status: 'OK' });
		const wrong = await testCredential('receivablesLedgerApi', {
			...ledgerCredentialData(t.ledger.schema),
			port: 1,
		});
		expect(wrong.status).toBe('Error');
		expect(wrong.message).toBeTruthy();
	});
});
