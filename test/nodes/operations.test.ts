/**
 * Operations run as nodes, one table: each row runs one operation through n8n-core's engine against a real ledger
 * (happy path) and checks the output its items go to. Operations run by the shipped workflows' tests are covered
 * there too; this table covers those no workflow runs, and more.
 */
import type { IDataObject } from 'n8n-workflow';
import type { Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { closeEngine } from '../helpers/engine';
import { NODE, outputCounts, runNode, type NodeName } from '../helpers/nodes';
import { credentialsFor, dunningLedger } from '../workflows/dunning-helpers';

interface Row {
	node: NodeName;
	operation: string;
	parameters?: IDataObject;
	items?: IDataObject[];
	/** The output (index) that must receive items, and at least how many. */
	output?: number;
	atLeast?: number;
	check?: (json: IDataObject[]) => void;
}

const rows: Row[] = [
	{ node: 'reminderStep', operation: 'plan', parameters: { stage: 'level1', asOf: '2026-03-31' }, atLeast: 1 },
	{ node: 'reminderStep', operation: 'lateCharges', parameters: { amount: '1000.00', currency: 'EUR', dueDate: '2026-01-31', chargesAsOf: '2026-03-31' }, check: ([j]) => expect((j.charges as IDataObject).daysLate).toBe(59) },
	{ node: 'reminderStep', operation: 'recordOutcome', parameters: { customerExternalId: 'OP-1', kind: 'note', summary: 'called, will pay' }, check: ([j]) => expect(j.customerLedgerId).toBeTruthy() },
	{ node: 'reminderStep', operation: 'timeline', parameters: { timelineCustomer: 'OP-1' }, atLeast: 1 },
	{ node: 'reminderStep', operation: 'digest', parameters: { digestAsOf: '2026-03-31' }, atLeast: 0 },
	{ node: 'reminderStep', operation: 'reconcile', atLeast: 0 },
	{ node: 'reminderStep', operation: 'statementOfCharges', parameters: { statementCustomer: 'OP-1', statementAsOf: '2026-03-31' }, atLeast: 0 },
	{ node: 'qualityContact', operation: 'planCalls', parameters: { daysBeforeDue: 5, options: { asOf: '2026-03-26' } }, atLeast: 0 },
	{ node: 'qualityContact', operation: 'settlePromises', parameters: { options: { asOf: '2026-03-31' } }, atLeast: 0 },
	{ node: 'qualityContact', operation: 'promiseStats', atLeast: 0 },
	{ node: 'disputeClassifier', operation: 'classify', parameters: { text: 'Le prix de la facture OP-INV-1 ne correspond pas au devis.' }, check: ([j]) => expect((j.classification as IDataObject).category).toBe('commercial') },
	{ node: 'disputeClassifier', operation: 'openDispute', parameters: { invoiceNumbers: 'OP-INV-1', category: 'commercial' }, check: ([j]) => expect(j.disputeId).toBeTruthy() },
	{ node: 'disputeClassifier', operation: 'analyse', parameters: { groupBy: 'category' }, atLeast: 1 },
	{ node: 'disputeClassifier', operation: 'reviewQueue', atLeast: 0 },
	{ node: 'wavePlanner', operation: 'retroplanning', parameters: { targetDate: '2026-05-15', country: 'MA' }, check: ([j]) => expect(j.targetDate).toBe('2026-05-15') },
	{ node: 'wavePlanner', operation: 'waveCosts', atLeast: 0 },
	{ node: 'wavePlanner', operation: 'cycleInvoices', parameters: { runDate: '2026-03-31', onlyRunDay: false }, atLeast: 0 },
	{ node: 'courierTracking', operation: 'savePortalUser', parameters: { login: 'op.portal', name: 'Portal User', level: 1, secret: 'a long enough portal secret 123' }, check: ([j]) => expect(j.login).toBe('op.portal') },
	// No invoice of this ledger is in a wave yet: the query runs for the user found in the ledger and lists nothing.
	{ node: 'courierTracking', operation: 'statusQuery', parameters: { portalLogin: 'op.portal' }, atLeast: 0 },
	{ node: 'receivablesReport', operation: 'agedBalance', parameters: { asOf: '2026-03-31' }, atLeast: 1 },
	{ node: 'receivablesReport', operation: 'dsoCei', parameters: { asOf: '2026-03-31' }, atLeast: 1 },
	{ node: 'receivablesReport', operation: 'daysLate', parameters: { asOf: '2026-03-31' }, atLeast: 0 },
	{ node: 'receivablesReport', operation: 'balanceCleaning', parameters: { asOf: '2026-03-31' }, atLeast: 0 },
	{ node: 'receivablesReport', operation: 'reminderResults', parameters: { asOf: '2026-03-31' }, atLeast: 0 },
	{ node: 'receivablesReport', operation: 'disputeAnalysis', parameters: { asOf: '2026-03-31' }, atLeast: 0 },
	{ node: 'receivablesReport', operation: 'distribution', parameters: { asOf: '2026-03-31' }, atLeast: 0 },
	{ node: 'invoiceIntake', operation: 'storeCustomers', parameters: { source: 'item' }, items: [{ externalId: 'OP-2', name: 'Second Customer SARL' }], check: ([j]) => expect(j.status).toBe('created') },
	{ node: 'invoiceIntake', operation: 'retryUnappliedPayments', atLeast: 0 },
	{ node: 'invoiceIntake', operation: 'storeInvoices', parameters: { source: 'item' }, items: [{ number: 'OP-INV-2', customerId: 'OP-1', issueDate: '2026-03-01', dueDate: '2026-03-31', totalIncl: '10.00', currency: 'EUR' }], check: ([j]) => expect(j.status).toBe('created') },
	{ node: 'invoiceIntake', operation: 'storePayments', parameters: { paymentSource: 'item' }, items: [{ externalRef: 'OP-P1', amount: '10.00', currency: 'EUR', receivedOn: '2026-03-02', reference: 'OP-INV-2' }], atLeast: 1 },
	{ node: 'disputeClassifier', operation: 'queueReview', parameters: { reviewText: 'Bonjour, merci.' }, items: [{ classification: { category: 'other', confidence: 0.2 } }], atLeast: 1 },
	{ node: 'receivablesReport', operation: 'pdfReport', parameters: { asOf: '2026-03-31' }, check: ([j]) => expect(j.fileName).toMatch(/2026-03-31/) },
	{ node: 'receivablesReport', operation: 'filesFolder', parameters: { kind: 'reports' }, check: ([j]) => expect(j.kind).toBe('reports') },
];

describe('every operation as a node, against a real ledger', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await dunningLedger();
		const customer = await addCustomer(ledger, { externalId: 'OP-1', name: 'Operations & Co', emails: ['ap@operations.example'] });
		await addInvoice(ledger, { customerId: customer, number: 'OP-INV-1', dueDate: '2026-03-24', amount: 120000n });
	}, 60_000);

	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test.each(rows.map((row) => [`${row.node} › ${row.operation}`, row] as const))('%s', async (_title, row) => {
		const run = await runNode(row.node, { operation: row.operation, ...(row.parameters ?? {}) }, { credentials: credentialsFor(ledger), triggerItems: row.items });
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		const counts = outputCounts(run);
		const output = row.output ?? 0;
		expect(counts[output]).toBeGreaterThanOrEqual(row.check ? 1 : row.atLeast ?? 1);
		for (const item of run.nodeOutputs(NODE, output)) expect(item.pairedItem).toBeDefined();
		row.check?.(run.json(NODE, output));
	}, 60_000);
});
