import path from 'node:path';
import { applyLifecycleStatuses, installDefaultPolicies, type Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import {
	closeEngine,
	loadWorkflow,
	PACKAGE_ROOT,
	runWorkflow,
	type WorkflowJson,
} from '../helpers/engine';

const EMAIL_NODE = 'E-mail the billing team';

/** The shipped workflow less n8n's Send Email node (shipped disabled; it cannot load under jest: an ES module dependency). */
function workflowWithoutEmail(): WorkflowJson {
	const workflow = loadWorkflow(
		path.join(PACKAGE_ROOT, 'workflows', 'einvoicing-refused-daily.json'),
	);
	const email = workflow.nodes.find((n) => n.name === EMAIL_NODE);
	if (!email?.disabled)
		throw new Error(
			`"${EMAIL_NODE}" must be shipped disabled: it needs the user's SMTP credential`,
		);
	workflow.nodes = workflow.nodes.filter((n) => n.name !== EMAIL_NODE);
	delete workflow.connections['List for the billing team'];
	return workflow;
}

describe('workflow: E-invoicing — refused and rejected invoices, daily list for the billing team', () => {
	let ledger: Ledger;
	let credentials: Record<string, Record<string, string | number>>;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test('with nothing refused or rejected, nothing is sent', async () => {
		const result = await runWorkflow(workflowWithoutEmail(), { credentials });
		expect(result.status).toBe('success');
		expect(result.json('Refused and rejected invoices')).toEqual([]);
		expect(result.executed).not.toContain('List for the billing team');
	});

	test('one message listing each invoice with its reason, since when, the amount and what to do, in French and English', async () => {
		const customer = await addCustomer(ledger, { externalId: 'RF1', name: 'Client Refus' });
		await addInvoice(ledger, { customerId: customer, number: 'RF-210', dueDate: '2026-10-14' });
		await addInvoice(ledger, { customerId: customer, number: 'RF-213', dueDate: '2026-10-14' });
		await applyLifecycleStatuses(ledger, [
			{
				messageId: 'a',
				issuedAt: '2026-10-20T09:00:00Z',
				statusCode: '210',
				invoiceNumber: 'RF-210',
				reasonCode: 'PU_ERR',
				reasonText: 'Prix non conforme',
				amounts: [],
			},
			{
				messageId: 'b',
				issuedAt: '2026-10-21T09:00:00Z',
				statusCode: '213',
				invoiceNumber: 'RF-213',
				reasonCode: 'SIRET_ERR',
				amounts: [],
			},
		]);
		const result = await runWorkflow(workflowWithoutEmail(), { credentials });
		expect(result.status).toBe('success');
		const [message] = result.json('List for the billing team');
		expect(message.subject).toBe('Factures refusées ou rejetées / Refused or rejected invoices: 2');
		expect(message.text).toMatch(
			/- RF-210 — Client Refus \(RF1\) — [\d.,\s]+ EUR\n {2}210 Refusée \/ Refused depuis le \/ since 2026-10-20 .*\n {2}Motif \/ reason: PU_ERR — Prix non conforme\n {2}FR : .*avoir.*\n {2}EN: .*credit note/,
		);
		expect(message.text).toMatch(/- RF-213 .*\n {2}213 Rejetée \/ Rejected/);
	});
});
