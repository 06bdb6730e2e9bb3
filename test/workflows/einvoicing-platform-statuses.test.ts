import path from 'node:path';
import { createIntegrationKey, installDefaultPolicies, planReminders, signWebhookRequest, type Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { closeEngine, loadWorkflow, PACKAGE_ROOT, rawWebhookItem, runWorkflow } from '../helpers/engine';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'einvoicing-platform-statuses.json'));

describe('workflow: E-invoicing platform → signed lifecycle statuses → disputes, holds, reception dates', () => {
	let ledger: Ledger;
	let credentials: Record<string, Record<string, string | number>>;
	let key: { keyId: string; secret: string };

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema), receivablesWebhookApi: { secret: '', previousSecret: '' } };
		const customer = await addCustomer(ledger, { externalId: 'PF1', name: 'Client Plateforme' });
		for (const n of ['PF-207', 'PF-213', 'PF-203']) await addInvoice(ledger, { customerId: customer, number: n, dueDate: '2026-10-14' });
		key = await createIntegrationKey(ledger, { sender: 'pa-demo', purposes: ['lifecycle'] });
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const signed = (body: unknown, delivery: string, secret = key.secret) => {
		const raw = JSON.stringify(body);
		return rawWebhookItem(raw, { headers: { 'x-receivables-key': key.keyId, 'x-receivables-delivery': delivery, 'x-receivables-signature': signWebhookRequest({ rawBody: raw, secret, deliveryId: delivery, purpose: 'lifecycle' }) } });
	};

	test('applies the statuses, answers {"stored": true} once and the same answer to a retry; the next plan holds the disputed and rejected invoices', async () => {
		const body = { events: [
			{ messageId: 'E1', invoiceNumber: 'PF-207', statusCode: '207', timestamp: '2026-10-16T09:00:00Z', reasonCode: 'QTE_ERR', reasonText: '2 palettes manquantes' },
			{ messageId: 'E2', invoiceNumber: 'PF-213', statusCode: '213', timestamp: '2026-10-16T09:00:00Z', reasonCode: 'SIRET_ERR' },
			{ messageId: 'E3', invoiceNumber: 'PF-203', statusCode: '203', timestamp: '2026-10-15T09:00:00Z' },
			{ messageId: 'E4', invoiceNumber: 'PF-203' },
		] };
		const result = await runWorkflow(WORKFLOW, { triggerItems: [signed(body, 'pf-1')], credentials });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.responses[0]).toMatchObject({ statusCode: 200, body: { stored: true, delivery: 'pf-1', statuses: { applied: 3 }, rejected: [{ index: 3, code: 'LIFECYCLE_UNKNOWN_STATUS' }] } });
		expect(result.json('Statuses applied or kept')[0].statuses).toEqual(expect.arrayContaining([expect.objectContaining({ invoiceNumber: 'PF-207', effect: 'dispute' }), expect.objectContaining({ invoiceNumber: 'PF-213', effect: 'rejected' })]));
		expect(result.json('Unreadable statuses (see errorFr)')).toEqual([expect.objectContaining({ refused: false, index: 3, errorFr: expect.any(String) })]);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2026-10-20' });
		expect(plan.held.map((h) => h.number).sort()).toEqual(['PF-207', 'PF-213']);
		expect(plan.due.flatMap((m) => m.invoices.map((i) => i.number))).toEqual(['PF-203']);
		const [{ reception_date }] = await ledger.query<{ reception_date: string }>("SELECT reception_date::text FROM invoices WHERE number = 'PF-203'");
		expect(reception_date).toBe('2026-10-15');
		const retry = await runWorkflow(WORKFLOW, { triggerItems: [signed(body, 'pf-1')], credentials });
		expect(retry.responses[0]).toMatchObject({ statusCode: 200, body: { stored: true, repeated: true, statuses: { applied: 3 } } });
	});

	test('answers 401 to a request not signed with the platform key, and nothing changes', async () => {
		const before = await ledger.query('SELECT count(*)::text AS n FROM lifecycle_statuses');
		const result = await runWorkflow(WORKFLOW, { triggerItems: [signed([{ messageId: 'X', invoiceNumber: 'PF-203', statusCode: '210', timestamp: '2026-10-20T09:00:00Z' }], 'pf-2', 'not-the-platform-secret-000000')], credentials });
		expect(result.status).toBe('success');
		expect(result.responses[0]).toMatchObject({ statusCode: 401, body: { stored: false, errorFr: expect.any(String) } });
		expect(result.executed).not.toContain('Answer: received (200)');
		expect(await ledger.query('SELECT count(*)::text AS n FROM lifecycle_statuses')).toEqual(before);
	});
});
