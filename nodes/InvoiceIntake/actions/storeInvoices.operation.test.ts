import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { upsertCustomers } from '../../../core';
import { PACKAGE_NAME, runWorkflow, type WorkflowJson } from '../../../test/helpers/engine';
import { engineLedger } from '../../../test/helpers/engineLedger';

function workflow(parameters: INodeParameters, typeVersion: number): WorkflowJson {
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
				typeVersion,
				position: [200, 0],
				parameters,
				credentials: { receivablesLedgerApi: { id: 'ledger', name: 'Ledger' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Invoice Intake', type: 'main', index: 0 }]] } },
	};
}

const invoice = (number: string, overrides: IDataObject = {}): IDataObject => ({
	number,
	customerId: 'C-OUT',
	currency: 'EUR',
	totalExcl: '100,00',
	totalTax: '20,00',
	totalIncl: '120,00',
	issueDate: '2026-03-02',
	dueDate: '2026-04-01',
	...overrides,
});

describe('Invoice Intake: Store Invoices output mode', () => {
	const t = engineLedger();

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{ externalId: 'C-OUT', name: 'Boulangerie Martin', emails: ['compta@martin.fr'] },
		]);
	});

	test('version 2 answers with one summary item by default; rejected items stay one each', async () => {
		const items = [
			invoice('SUM-1'),
			invoice('SUM-2'),
			invoice('SUM-3', { issueDate: '31/02/2026' }),
			invoice('SUM-4', { customerId: 'NOBODY' }),
		];
		const run = await runWorkflow(workflow({ operation: 'storeInvoices', options: {} }, 2), {
			triggerItems: items,
			credentials: t.credentials,
		});
		expect(run.error).toBeUndefined();
		const accepted = run.nodeOutputs('Invoice Intake', 0);
		expect(accepted).toHaveLength(1);
		expect(accepted[0].json).toEqual({
			items: 4,
			created: 2,
			revised: 0,
			unchanged: 0,
			rejected: 2,
			withWarnings: 0,
			anomalies: { DATE_INVALID: 1, INVOICE_UNKNOWN_CUSTOMER: 1 },
		});
		expect(accepted[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		const rejected = run.nodeOutputs('Invoice Intake', 1);
		expect(rejected.map((r) => [r.json.code, r.pairedItem])).toEqual([
			['DATE_INVALID', { item: 2 }],
			['INVOICE_UNKNOWN_CUSTOMER', { item: 3 }],
		]);

		const again = await runWorkflow(workflow({ operation: 'storeInvoices', options: {} }, 2), {
			triggerItems: [
				invoice('SUM-1'),
				invoice('SUM-2', { totalIncl: '130,00', totalTax: '30,00' }),
			],
			credentials: t.credentials,
		});
		expect(again.nodeOutputs('Invoice Intake', 0)[0].json).toMatchObject({
			items: 2,
			created: 0,
			revised: 1,
			unchanged: 1,
			rejected: 0,
		});
		const rows = await t.ledger.query<{ number: string; revision: number }>(
			"SELECT number, revision FROM invoices WHERE number LIKE 'SUM-%' ORDER BY number",
		);
		expect(rows).toEqual([
			{ number: 'SUM-1', revision: 1 },
			{ number: 'SUM-2', revision: 2 },
		]);
	});

	test('one item per invoice when asked for, and always for version 1 nodes (existing workflows)', async () => {
		for (const [version, parameters] of [
			[2, { operation: 'storeInvoices', outputMode: 'invoices', options: {} }],
			[1, { operation: 'storeInvoices', options: {} }],
		] as const) {
			const run = await runWorkflow(workflow(parameters, version), {
				triggerItems: [invoice(`PER-${version}-1`), invoice(`PER-${version}-2`)],
				credentials: t.credentials,
			});
			expect(run.error).toBeUndefined();
			expect(
				run
					.nodeOutputs('Invoice Intake', 0)
					.map((i) => [i.json.number, i.json.status, i.pairedItem]),
			).toEqual([
				[`PER-${version}-1`, 'created', { item: 0 }],
				[`PER-${version}-2`, 'created', { item: 1 }],
			]);
		}
	});

	test('several batches: same outcomes as one, in input order, each paired with its item', async () => {
		// 2,400 items in batches of 400: item k is MB-k; every 97th has an unknown customer; items 2,000+ repeat
		// MB-0.. with another amount (revisions of documents written by earlier batches of the same execution).
		const items = Array.from({ length: 2400 }, (_v, k) =>
			k >= 2000
				? invoice(`MB-${k - 2000}`, { totalTax: '30,00', totalIncl: '130,00' })
				: invoice(`MB-${k}`, k % 97 === 5 ? { customerId: 'NOBODY' } : {}),
		);
		const run = await runWorkflow(
			workflow(
				{ operation: 'storeInvoices', outputMode: 'invoices', options: { batchSize: 400 } },
				2,
			),
			{ triggerItems: items, credentials: t.credentials },
		);
		expect(run.error).toBeUndefined();
		const rejectedAt = items.flatMap((_v, k) => (k < 2000 && k % 97 === 5 ? [k] : []));
		const accepted = run.nodeOutputs('Invoice Intake', 0);
		expect(accepted.map((i) => i.pairedItem)).toEqual(
			items.flatMap((_v, k) => (rejectedAt.includes(k) ? [] : [{ item: k }])),
		);
		expect(accepted.map((i) => [i.json.number, i.json.status])).toEqual(
			items.flatMap((v, k) =>
				rejectedAt.includes(k)
					? []
					: [
							[
								v.number,
								k < 2000 ? 'created' : rejectedAt.includes(k - 2000) ? 'created' : 'revised',
							],
						],
			),
		);
		const rejected = run.nodeOutputs('Invoice Intake', 1);
		expect(rejected.map((r) => [r.json.code, r.pairedItem])).toEqual(
			rejectedAt.map((k) => ['INVOICE_UNKNOWN_CUSTOMER', { item: k }]),
		);
		const [{ n }] = await t.ledger.query<{ n: string }>(
			"SELECT count(*)::text AS n FROM invoices WHERE number LIKE 'MB-%'",
		);
		// The rejected MB-k below 400 come again at item 2,000 + k with a known customer: created then.
		expect(Number(n)).toBe(2000 - rejectedAt.filter((k) => k >= 400).length);
	});
});
