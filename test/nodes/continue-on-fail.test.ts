/**
 * Continue On Fail, per node, with the ledger unreachable (a closed port): the error items go to the item's error
 * route — the only output of a single-output operation, the Error output (last) of an operation with several —
 * never to a business output such as Held, Call Tasks, Broken or Rejected. Without Continue On Fail the node stops
 * with an error that names the item.
 */
import type { IDataObject } from 'n8n-workflow';
import { closeEngine } from '../helpers/engine';
import {
	NODE,
	outputCounts,
	runNode,
	unreachableCredentials,
	type NodeName,
} from '../helpers/nodes';
import { operationsOfNodes } from './coverage';

interface Case {
	title: string;
	node: NodeName;
	parameters: IDataObject;
	/** Names of the outputs in order; the error route is the last one. */
	outputs: string[];
	items?: IDataObject[];
}

const invoice = {
	number: 'COF-1',
	customerId: 'C-COF',
	issueDate: '2026-03-01',
	dueDate: '2026-03-31',
	totalIncl: '120.00',
	currency: 'EUR',
};

const cases: Case[] = [
	{
		title: 'Reminder Step › Plan Reminders',
		node: 'reminderStep',
		parameters: { operation: 'plan', stage: 'level1', asOf: '2026-03-31' },
		outputs: ['Due', 'Held', 'Error'],
	},
	{
		title: 'Reminder Step › Send Reminder E-Mails',
		node: 'reminderStep',
		parameters: {
			operation: 'sendEmail',
			stage: 'level1',
			asOf: '2026-03-31',
			senderEmail: 'ar@example.com',
		},
		outputs: ['Sent', 'Letters', 'Not Sent', 'Call Tasks', 'Error'],
	},
	{
		title: 'Reminder Step › Get Customer Timeline',
		node: 'reminderStep',
		parameters: { operation: 'timeline', timelineCustomer: 'C-1' },
		outputs: ['Done'],
	},
	{
		title: 'Quality Contact › Settle Promises',
		node: 'qualityContact',
		parameters: { operation: 'settlePromises' },
		outputs: ['Kept', 'Broken', 'Error'],
	},
	{
		title: 'Quality Contact › Record Outcome',
		node: 'qualityContact',
		parameters: { operation: 'recordOutcome', taskId: '', customer: 'C-1', outcome: 'confirmed' },
		outputs: [
			'Confirmed',
			'Invoice Issue',
			'Dispute',
			'Promise',
			'Payment Sent',
			'No Contact',
			'Rejected',
			'Error',
		],
	},
	{
		title: 'Quality Contact › Plan Calls',
		node: 'qualityContact',
		parameters: { operation: 'planCalls' },
		outputs: ['Calls'],
	},
	{
		title: 'Dispute Classifier › Open Dispute',
		node: 'disputeClassifier',
		parameters: { operation: 'openDispute', invoiceNumbers: 'F-1', category: 'logistics' },
		outputs: ['Opened', 'Rejected', 'Error'],
	},
	{
		title: 'Dispute Classifier › Review Queue',
		node: 'disputeClassifier',
		parameters: { operation: 'reviewQueue' },
		outputs: ['Reviews'],
	},
	{
		title: 'Invoice Intake › Store Invoices',
		node: 'invoiceIntake',
		parameters: { operation: 'storeInvoices', source: 'item' },
		outputs: ['Accepted', 'Rejected', 'Error'],
		items: [invoice],
	},
	{
		title: 'Invoice Intake › Store Payments',
		node: 'invoiceIntake',
		parameters: { operation: 'storePayments', paymentSource: 'item' },
		outputs: ['Accepted', 'Rejected', 'Paid Invoices', 'Error'],
		items: [
			{
				externalRef: 'COF-P1',
				amount: '10.00',
				currency: 'EUR',
				receivedOn: '2026-03-02',
				reference: 'COF-1',
			},
		],
	},
	{
		title: 'Wave Planner › Release Wave',
		node: 'wavePlanner',
		parameters: { operation: 'releaseWave', waveCode: 'W-1' },
		outputs: ['Released', 'Not Released', 'Error'],
	},
	{
		title: 'Wave Planner › Wave Costs',
		node: 'wavePlanner',
		parameters: { operation: 'waveCosts' },
		outputs: ['Done'],
	},
	{
		title: 'Courier Tracking › Status Query',
		node: 'courierTracking',
		parameters: { operation: 'statusQuery', portalLogin: 'someone' },
		outputs: ['Done'],
	},
	{
		title: 'Receivables Report › Aged Balance',
		node: 'receivablesReport',
		parameters: { operation: 'agedBalance', asOf: '2026-03-31' },
		outputs: ['Rows'],
	},
];

jest.setTimeout(60_000);

afterAll(async () => {
	await closeEngine();
});

describe.each(cases)(
	'$title with the ledger unreachable',
	({ node, parameters, outputs, items }) => {
		const triggerItems = items ?? [{ run: 1 }, { run: 2 }];
		const errorOutput = outputs.length - 1;

		it('Continue On Fail: one error item per input item, on the error route only, in English and French', async () => {
			const run = await runNode(node, parameters, {
				onError: 'continueRegularOutput',
				credentials: unreachableCredentials(),
				triggerItems,
			});
			expect(run.status).toBe('success');
			const counts = outputCounts(run);
			expect(counts).toHaveLength(outputs.length);
			expect(counts[errorOutput]).toBe(triggerItems.length);
			counts
				.slice(0, errorOutput)
				.forEach((count, k) => expect([outputs[k], count]).toEqual([outputs[k], 0]));
			const errors = run.nodeOutputs(NODE, errorOutput);
			errors.forEach((item, k) => {
				expect(item.pairedItem).toEqual({ item: k });
				expect(Object.keys(item.json).sort()).toEqual(['details', 'error']);
				expect(item.json.error).toMatch(/No Postgres server answers at 127\.0\.0\.1:1/);
				const details = item.json.details as IDataObject;
				expect(details.code).toBe('LEDGER_UNREACHABLE');
				expect(details.errorFr).toMatch(/Aucun serveur Postgres ne répond/);
				expect(details.hint).toMatch(/host and port of the ledger credential/);
				expect(details.hintFr).toMatch(/port de l'identifiant du grand livre/);
				expect(details.input).toEqual(triggerItems[k]);
			});
		});

		it('without Continue On Fail: the node stops with an error naming the item', async () => {
			const run = await runNode(node, parameters, {
				credentials: unreachableCredentials(),
				triggerItems,
			});
			expect(run.status).toBe('error');
			const error = run.nodeError(NODE);
			expect(error?.message).toMatch(/No Postgres server answers/);
			expect((error as unknown as { context: IDataObject }).context.itemIndex).toBe(0);
			expect((error as unknown as { description?: string }).description).toMatch(
				/FR : Aucun serveur Postgres ne répond/,
			);
		});
	},
);

test('every node that processes items has a Continue On Fail case above (the page trigger starts executions, it has no input items)', () => {
	const nodes = new Set(operationsOfNodes().map((op) => op.split('.')[0]));
	nodes.delete('receivablesPageTrigger');
	expect([...new Set(cases.map((c) => c.node))].sort()).toEqual([...nodes].sort());
});

describe('On Error: Continue (using error output)', () => {
	it("n8n moves the error items to its own error output, after the node's outputs", async () => {
		const run = await runNode(
			'qualityContact',
			{ operation: 'settlePromises' },
			{ onError: 'continueErrorOutput', credentials: unreachableCredentials() },
		);
		expect(run.status).toBe('success');
		// Kept, Broken, Error (this node's, emptied by n8n), then n8n's error output.
		expect(outputCounts(run)).toEqual([0, 0, 0, 1]);
		expect((run.json(NODE, 3)[0].details as IDataObject).code).toBe('LEDGER_UNREACHABLE');
	});

	it('single output: the error item goes to the error output', async () => {
		const run = await runNode(
			'receivablesReport',
			{ operation: 'agedBalance' },
			{ onError: 'continueErrorOutput', credentials: unreachableCredentials() },
		);
		expect(outputCounts(run)).toEqual([0, 1]);
		expect((run.json(NODE, 1)[0].details as IDataObject).errorFr).toMatch(/Aucun serveur Postgres/);
	});
});
