import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import path from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { storePayments, upsertCustomers } from '../../../core';
import { PACKAGE_NAME, runWorkflow, type WorkflowJson } from '../../../test/helpers/engine';
import { engineLedger } from '../../../test/helpers/engineLedger';

const PRESETS = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'intake-presets');
const sample = (id: string) =>
	JSON.parse(readFileSync(path.join(PRESETS, `${id}.json`), 'utf8')) as Record<string, IDataObject>;

function workflow(parameters: INodeParameters): WorkflowJson {
	return {
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
				parameters,
				credentials: { receivablesLedgerApi: { id: 'ledger', name: 'Ledger' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Invoice Intake', type: 'main', index: 0 }]] } },
	};
}

describe('Invoice Intake: source formats and kept payments', () => {
	const t = engineLedger();

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{
				externalId: '45',
				name: 'Société Ivoirienne de Négoce',
				emails: ['compta@sin.ci'],
				country: 'CI',
				currency: 'XOF',
			},
			{
				externalId: 'ABBOTT01',
				name: 'Abbott Export Ltd',
				emails: ['ap@abbott.example'],
				country: 'GB',
			},
		]);
	});

	test('Store Invoices with Source Format Odoo stores invoices and credit notes, and rejects a supplier bill with the field named', async () => {
		const odoo = sample('odoo');
		const run = await runWorkflow(
			workflow({ operation: 'storeInvoices', sourceFormat: 'odoo', source: 'item', options: {} }),
			{ triggerItems: [odoo.invoice, odoo.creditNote, odoo.notSales], credentials: t.credentials },
		);
		expect(run.error).toBeUndefined();
		const accepted = run.nodeOutputs('Invoice Intake', 0);
		expect(
			accepted.map((i) => [
				i.json.number,
				i.json.docType,
				i.json.customerId,
				i.json.payable,
				i.json.status,
				i.pairedItem,
			]),
		).toEqual([
			['INV/2026/00031', 'invoice', '45', '1770000', 'created', { item: 0 }],
			['RINV/2026/00004', 'credit_note', '45', '118000', 'created', { item: 1 }],
		]);
		expect((accepted[0].json.warnings as IDataObject[]).map((w) => w.code)).toContain(
			'SOURCE_SHOWS_PAYMENTS',
		);
		const rejected = run.nodeOutputs('Invoice Intake', 1);
		expect(rejected).toEqual([
			expect.objectContaining({
				pairedItem: { item: 2 },
				json: expect.objectContaining({
					code: 'NOT_A_SALES_INVOICE',
					error: expect.stringContaining('move_type'),
					errorFr: expect.stringContaining('fournisseur'),
				}),
			}),
		]);
		const [row] = await t.ledger.query<{ open_minor: string }>(
			"SELECT open_minor FROM invoices WHERE number = 'INV/2026/00031'",
		);
		expect(row.open_minor).toBe('1652000');
	});

	test('Store Invoices with Source Format Xero: an item of another shape is rejected, not guessed', async () => {
		const xero = sample('xero');
		const run = await runWorkflow(
			workflow({ operation: 'storeInvoices', sourceFormat: 'xero', source: 'item', options: {} }),
			{
				triggerItems: [xero.invoice, { number: 'F-1', customerId: 'ABBOTT01', totalIncl: '10' }],
				credentials: t.credentials,
			},
		);
		expect(run.nodeOutputs('Invoice Intake', 0).map((i) => i.json.number)).toEqual(['INV-0042']);
		expect(run.nodeOutputs('Invoice Intake', 1).map((i) => [i.json.code, i.pairedItem])).toEqual([
			['PRESET_SHAPE_UNKNOWN', { item: 1 }],
		]);
	});

	test('Retry Unapplied Payments allocates kept payments once their invoices are in, and emits the paid invoices', async () => {
		const [kept] = await storePayments(t.ledger, [
			{
				externalRef: 'VIR-ABB-77',
				amountMinor: 35000n,
				currency: 'GBP',
				receivedOn: '2026-04-01',
				referenceText: 'ABBOTT INV-0099',
			},
		]);
		expect(kept.allocation?.status).toBe('unapplied');
		const later = { ...sample('xero').invoice, InvoiceNumber: 'INV-0099', InvoiceID: 'b1' };
		const stored = await runWorkflow(
			workflow({ operation: 'storeInvoices', sourceFormat: 'xero', options: {} }),
			{ triggerItems: [later], credentials: t.credentials },
		);
		expect(stored.nodeOutputs('Invoice Intake', 0).map((i) => i.json.status)).toEqual(['created']);
		const run = await runWorkflow(
			workflow({ operation: 'retryUnappliedPayments', retryOptions: { onlyChanged: true } }),
			{ triggerItems: [{}], credentials: t.credentials },
		);
		expect(run.error).toBeUndefined();
		expect(
			run
				.nodeOutputs('Invoice Intake', 0)
				.map((i) => [i.json.paymentId, i.json.allocationStatus, i.json.paidInvoices]),
		).toEqual([[kept.paymentId, 'applied', ['INV-0099']]]);
		expect(
			run
				.nodeOutputs('Invoice Intake', 2)
				.map((i) => [i.json.type, i.json.invoiceNumber, i.json.amountPaid]),
		).toEqual([['invoice.paid', 'INV-0099', '350.00']]);
	});

	test('Apply Payment settles an ambiguous payment by hand, once; a refused decision goes to Rejected with the reason', async () => {
		await upsertCustomers(t.ledger, [
			{
				externalId: 'CI-77',
				name: 'Abidjan Matériaux',
				emails: ['compta@am.ci'],
				country: 'CI',
				currency: 'XOF',
			},
		]);
		const invoice = (number: string) => ({
			number,
			customerId: 'CI-77',
			currency: 'XOF',
			totalIncl: '590000',
			issueDate: '2026-03-01',
			dueDate: '2026-03-31',
		});
		await runWorkflow(
			workflow({ operation: 'storeInvoices', sourceFormat: 'fields', options: {} }),
			{ triggerItems: [invoice('AM-1'), invoice('AM-2')], credentials: t.credentials },
		);
		const [kept] = await storePayments(t.ledger, [
			{
				externalRef: 'ECOBANK-991',
				amountMinor: 590000n,
				currency: 'XOF',
				receivedOn: '2026-03-20',
				customerExternalId: 'CI-77',
			},
		]);
		expect(kept.allocation?.status).toBe('ambiguous');
		const parameters = {
			operation: 'applyPayment',
			paymentRef: '={{ $json.ref }}',
			invoices: {
				invoice: [{ invoiceNumber: '={{ $json.invoice }}', amount: '={{ $json.amount }}' }],
			},
			applyOptions: { actor: 'aminata', note: 'Confirmé par le client' },
		};
		const run = await runWorkflow(workflow(parameters), {
			triggerItems: [
				{ ref: 'ECOBANK-991', invoice: 'AM-2', amount: '590 000' },
				{ ref: 'ECOBANK-991', invoice: 'AM-2', amount: '590 000' },
				{ ref: 'ECOBANK-991', invoice: 'AM-1', amount: '1' },
				{ ref: 'NO-SUCH', invoice: 'AM-1', amount: '' },
			],
			credentials: t.credentials,
		});
		expect(run.error).toBeUndefined();
		expect(
			run
				.nodeOutputs('Invoice Intake', 0)
				.map((i) => [i.json.allocationStatus, i.json.alreadyApplied, i.pairedItem]),
		).toEqual([
			['applied', false, { item: 0 }],
			['applied', true, { item: 1 }],
		]);
		expect(
			run
				.nodeOutputs('Invoice Intake', 1)
				.map((i) => [i.json.code, i.pairedItem, typeof i.json.errorFr]),
		).toEqual([
			['PAYMENT_FULLY_APPLIED', { item: 2 }, 'string'],
			['PAYMENT_NOT_FOUND', { item: 3 }, 'string'],
		]);
		expect(run.nodeOutputs('Invoice Intake', 2).map((i) => i.json.invoiceNumber)).toEqual(['AM-2']);
		const rows = await t.ledger.query<{ number: string; status: string }>(
			"SELECT number, status FROM invoices WHERE number IN ('AM-1', 'AM-2') ORDER BY number",
		);
		expect(rows).toEqual([
			{ number: 'AM-1', status: 'open' },
			{ number: 'AM-2', status: 'paid' },
		]);
	});

	test('Store Payments with Payment Format Xero: the payment of a sales invoice is stored and pays it by its number; a credit-note refund is rejected', async () => {
		// Xero's own Payments example (test/fixtures/accounting-api, NOTICE.md), the first one made to pay INV-0042 of the sample.
		const spec = parseYaml(
			readFileSync(
				path.join(
					__dirname,
					'..',
					'..',
					'..',
					'test',
					'fixtures',
					'accounting-api',
					'xero-openapi_xero_accounting.yaml',
				),
				'utf8',
			),
			{ maxAliasCount: -1 },
		);
		const [payment, refund] = spec.paths['/Payments'].get.responses['200'].content[
			'application/json'
		].example.Payments as IDataObject[];
		const invoice = sample('xero').invoice;
		const ours = {
			...payment,
			PaymentID: 'pay-0042',
			Amount: 350,
			Reference: 'Abbott remittance',
			Invoice: {
				...(payment.Invoice as IDataObject),
				InvoiceNumber: 'INV-0042',
				Contact: invoice.Contact,
				CurrencyCode: 'GBP',
			},
		};
		const run = await runWorkflow(
			workflow({ operation: 'storePayments', paymentFormat: 'xero', paymentOptions: {} }),
			{ triggerItems: [ours, refund], credentials: t.credentials },
		);
		expect(run.error).toBeUndefined();
		expect(
			run
				.nodeOutputs('Invoice Intake', 0)
				.map((i) => [
					i.json.externalRef,
					i.json.source,
					i.json.receivedOn,
					i.json.allocationStatus,
					i.json.paidInvoices,
				]),
		).toEqual([['pay-0042', 'xero', '2018-11-29', 'applied', ['INV-0042']]]);
		expect(run.nodeOutputs('Invoice Intake', 1).map((i) => [i.json.code, i.pairedItem])).toEqual([
			['PAYMENT_NOT_INCOMING', { item: 1 }],
		]);
		expect(run.nodeOutputs('Invoice Intake', 1)[0].json.errorFr).toContain(
			"remboursement d'avoir client",
		);
		expect(run.nodeOutputs('Invoice Intake', 2).map((i) => i.json.invoiceNumber)).toEqual([
			'INV-0042',
		]);
	});
});
