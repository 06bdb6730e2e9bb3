import path from 'node:path';
import type { Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { closeEngine, PACKAGE_ROOT, runWorkflow, webhookItem } from '../helpers/engine';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'foundation-invoices-webhook.json');

const good = [
	{ number: 'FA-2026-001', customerId: 'CL-LYON', customerName: 'Boulangerie Martin', currency: 'EUR', totalExcl: '1 000,00', totalTax: '200,00', totalIncl: '1 200,00', issueDate: '2026-03-01', dueDate: '2026-03-31' },
	{ number: 'FA-2026-002', customerId: 'CL-CASA', customerName: 'Atlas Distribution', currency: 'MAD', totalExcl: '5000.00', totalTax: '1000.00', totalIncl: '6000.00', issueDate: '01/03/2026', termsDays: 60 },
	{ number: 'FA-2026-004', customerId: 'CL-LYON', currency: 'EUR', totalExcl: '50.00', totalTax: '10.00', totalIncl: '60.00', issueDate: '2026-03-02', dueDate: '2026-04-01' },
];
const credit = { number: 'AV-2026-001', docType: 'credit_note', creditedNumber: 'FA-2026-001', customerId: 'CL-LYON', currency: 'EUR', totalExcl: '100.00', totalTax: '20.00', totalIncl: '120.00', issueDate: '2026-03-05', dueDate: '2026-03-05' };
const bad = { number: 'FA-2026-003', customerId: 'CL-LYON', currency: 'EUR', totalExcl: '10.00', totalTax: '2.00', totalIncl: '12.00', issueDate: '2026-02-30', dueDate: '2026-03-30' };

interface Answer {
	accepted: number;
	rejected: number;
	invoices: Array<{ number: string; customerId: string; status: string; ledgerId: string }>;
	rejectedInvoices: Array<{ number: string | null; code: string | null; error: string; errorFr: string | null; hint: string | null }>;
}

describe('workflow: Invoices from accounting software (webhook)', () => {
	let ledger: Ledger;
	let credentials: { receivablesLedgerApi: Record<string, string | number> };

	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
	});

	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const post = (body: unknown) => runWorkflow(WORKFLOW, { triggerItems: [webhookItem({ body })], credentials });

	test('stores the good invoices, answers with the accepted and the rejected ones, in English and French', async () => {
		const result = await post({ invoices: [...good, bad] });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		const accepted = result.json('Invoice Intake', 0);
		expect(accepted.map((j) => [j.number, j.status])).toEqual([
			['FA-2026-001', 'created'],
			['FA-2026-002', 'created'],
			['FA-2026-004', 'created'],
		]);
		const rejected = result.nodeOutputs('Invoice Intake', 1);
		expect(rejected).toHaveLength(1);
		expect(rejected[0].json.input).toEqual(bad);
		expect(rejected[0].pairedItem).toEqual({ item: 3 });
		expect(result.nodeOutputs('One item per invoice')[3].json).toEqual(bad);

		expect(result.responses).toHaveLength(1);
		const response = result.responses[0] as { body: Answer; statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(response.body.accepted).toBe(3);
		expect(response.body.rejected).toBe(1);
		expect(response.body.invoices.map((i) => [i.number, i.customerId, i.status])).toEqual([
			['FA-2026-001', 'CL-LYON', 'created'],
			['FA-2026-002', 'CL-CASA', 'created'],
			['FA-2026-004', 'CL-LYON', 'created'],
		]);
		const [refused] = response.body.rejectedInvoices;
		expect(refused.number).toBe('FA-2026-003');
		expect(refused.code).toBeTruthy();
		expect(refused.error).toMatch(/date/i);
		expect(refused.errorFr).toMatch(/date/i);

		const rows = await ledger.query<{ number: string; doc_type: string; currency: string; payable_minor: string; open_minor: string; status: string; due_date: string; customer: string }>(
			`SELECT i.number, i.doc_type, i.currency, i.payable_minor::text, i.open_minor::text, i.status, i.due_date::text, c.external_id AS customer
			 FROM invoices i JOIN customers c ON c.id = i.customer_id ORDER BY i.number`,
		);
		expect(rows).toEqual([
			{ number: 'FA-2026-001', doc_type: 'invoice', currency: 'EUR', payable_minor: '120000', open_minor: '120000', status: 'open', due_date: '2026-03-31', customer: 'CL-LYON' },
			{ number: 'FA-2026-002', doc_type: 'invoice', currency: 'MAD', payable_minor: '600000', open_minor: '600000', status: 'open', due_date: '2026-04-30', customer: 'CL-CASA' },
			{ number: 'FA-2026-004', doc_type: 'invoice', currency: 'EUR', payable_minor: '6000', open_minor: '6000', status: 'open', due_date: '2026-04-01', customer: 'CL-LYON' },
		]);
		const customers = await ledger.query<{ external_id: string; name: string }>('SELECT external_id, name FROM customers ORDER BY external_id');
		expect(customers).toEqual([
			{ external_id: 'CL-CASA', name: 'Atlas Distribution' },
			{ external_id: 'CL-LYON', name: 'Boulangerie Martin' },
		]);
	});

	test('a credit note sent later reduces the balance of the invoice it references', async () => {
		const result = await post(credit);
		expect((result.responses[0] as { body: Answer }).body).toMatchObject({ accepted: 1, rejected: 0 });
		const rows = await ledger.query<{ number: string; open_minor: string; status: string }>(
			"SELECT number, open_minor::text, status FROM invoices WHERE number IN ('FA-2026-001', 'AV-2026-001') ORDER BY number",
		);
		expect(rows).toEqual([
			{ number: 'AV-2026-001', open_minor: '0', status: 'credited' },
			{ number: 'FA-2026-001', open_minor: '108000', status: 'open' },
		]);
	});

	test('the same invoices sent again change nothing; a single invoice body is accepted too', async () => {
		const result = await post({ invoices: good });
		expect(result.json('Invoice Intake', 0).map((j) => j.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		const single = await post({ ...good[1], totalExcl: '5500.00', totalTax: '1100.00', totalIncl: '6600.00' });
		const answer = (single.responses[0] as { body: Answer }).body;
		expect(answer).toMatchObject({ accepted: 1, rejected: 0 });
		expect(answer.invoices[0]).toMatchObject({ number: 'FA-2026-002', status: 'revised' });

		const rows = await ledger.query<{ number: string; payable_minor: string; revision: number }>(
			'SELECT number, payable_minor::text, revision FROM invoices ORDER BY number',
		);
		expect(rows).toEqual([
			{ number: 'AV-2026-001', payable_minor: '12000', revision: 1 },
			{ number: 'FA-2026-001', payable_minor: '120000', revision: 1 },
			{ number: 'FA-2026-002', payable_minor: '660000', revision: 2 },
			{ number: 'FA-2026-004', payable_minor: '6000', revision: 1 },
		]);
		const history = await ledger.query<{ kind: string }>("SELECT kind FROM history WHERE kind = 'invoice_revised'");
		expect(history).toHaveLength(1);
	});

	test('an empty or malformed body is answered, nothing is written', async () => {
		const before = await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices');
		const result = await post({ invoices: [{ hello: 'world' }] });
		expect(result.status).toBe('success');
		const answer = (result.responses[0] as { body: Answer }).body;
		expect(answer.accepted).toBe(0);
		expect(answer.rejected).toBe(1);
		expect(answer.rejectedInvoices[0].code).toBe('FIELD_REQUIRED');
		const after = await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices');
		expect(after).toEqual(before);
	});
});
