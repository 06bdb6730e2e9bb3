// The shipped e-invoicing statuses workflow: its Receivables Page Trigger (the signed page, in-process as n8n's
// webhook server calls it) checks and applies a platform's delivery, then the workflow runs on the item it hands
// over (n8n-core's engine), against a real ledger.
import path from 'node:path';
import {
	createIntegrationKey,
	installDefaultPolicies,
	planReminders,
	signWebhookRequest,
} from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import { callPageTrigger } from '../helpers/pageTrigger';

const WORKFLOW = loadWorkflow(
	path.join(PACKAGE_ROOT, 'workflows', 'einvoicing-platform-statuses.json'),
);

describe('workflow: E-invoicing platform → signed lifecycle statuses → disputes, holds, reception dates', () => {
	const t = engineLedger();
	let key: { keyId: string; secret: string };

	beforeAll(async () => {
		await installDefaultPolicies(t.ledger);
		await seedStaff(t.ledger);
		const customer = await addCustomer(t.ledger, { externalId: 'PF1', name: 'Client Plateforme' });
		for (const n of ['PF-207', 'PF-213', 'PF-203'])
			await addInvoice(t.ledger, { customerId: customer, number: n, dueDate: '2026-10-14' });
		key = await createIntegrationKey(t.ledger, { sender: 'pa-demo', purposes: ['lifecycle'] });
	});
	afterAll(() => closeLedgers());

	const post = (body: unknown, delivery: string, secret = key.secret) => {
		const raw = JSON.stringify(body);
		return callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			rawBody: Buffer.from(raw),
			headers: {
				'content-type': 'application/json',
				'x-receivables-key': key.keyId,
				'x-receivables-delivery': delivery,
				'x-receivables-signature': signWebhookRequest({
					rawBody: raw,
					secret,
					deliveryId: delivery,
					purpose: 'lifecycle',
				}),
			},
		});
	};

	test('applies the statuses, answers {"stored": true} once and the same answer to a retry; the next plan holds the disputed and rejected invoices', async () => {
		const body = {
			events: [
				{
					messageId: 'E1',
					invoiceNumber: 'PF-207',
					statusCode: '207',
					timestamp: '2026-10-16T09:00:00Z',
					reasonCode: 'QTE_ERR',
					reasonText: '2 palettes manquantes',
				},
				{
					messageId: 'E2',
					invoiceNumber: 'PF-213',
					statusCode: '213',
					timestamp: '2026-10-16T09:00:00Z',
					reasonCode: 'SIRET_ERR',
				},
				{
					messageId: 'E3',
					invoiceNumber: 'PF-203',
					statusCode: '203',
					timestamp: '2026-10-15T09:00:00Z',
				},
				{ messageId: 'E4', invoiceNumber: 'PF-203' },
			],
		};
		const answer = await post(body, 'pf-1');
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({
			stored: true,
			delivery: 'pf-1',
			statuses: { applied: 3 },
			rejected: [{ index: 3, code: 'LIFECYCLE_UNKNOWN_STATUS' }],
		});
		expect(answer.workflowData).toHaveLength(1);
		const result = await runWorkflow(WORKFLOW, {
			triggerItems: answer.workflowData![0],
			credentials: t.credentials,
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.json('Statuses applied or kept')[0].statuses).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ invoiceNumber: 'PF-207', effect: 'dispute' }),
				expect.objectContaining({ invoiceNumber: 'PF-213', effect: 'rejected' }),
			]),
		);
		expect(result.json('Unreadable statuses (see errorFr)')).toEqual([
			expect.objectContaining({
				rejected: [expect.objectContaining({ index: 3, errorFr: expect.any(String) })],
			}),
		]);
		const plan = await planReminders(t.ledger, { stage: 'level1', asOf: '2026-10-20' });
		expect(plan.held.map((h) => h.number).sort()).toEqual(['PF-207', 'PF-213']);
		expect(plan.due.flatMap((m) => m.invoices.map((i) => i.number))).toEqual(['PF-203']);
		const [{ reception_date }] = await t.ledger.query<{ reception_date: string }>(
			"SELECT reception_date::text FROM invoices WHERE number = 'PF-203'",
		);
		expect(reception_date).toBe('2026-10-15');
		const retry = await post(body, 'pf-1');
		expect(retry.status).toBe(200);
		expect(retry.json).toMatchObject({ stored: true, repeated: true, statuses: { applied: 3 } });
		expect(retry.workflowData).toBeUndefined();
	});

	test('answers 401 to a request not signed with the platform key: nothing changes, no execution starts', async () => {
		const before = await t.ledger.query('SELECT count(*)::text AS n FROM lifecycle_statuses');
		const answer = await post(
			[
				{
					messageId: 'X',
					invoiceNumber: 'PF-203',
					statusCode: '210',
					timestamp: '2026-10-20T09:00:00Z',
				},
			],
			'pf-2',
			'not-the-platform-secret-000000',
		);
		expect(answer.status).toBe(401);
		expect(answer.json).toMatchObject({ stored: false, errorFr: expect.any(String) });
		expect(answer.workflowData).toBeUndefined();
		expect(await t.ledger.query('SELECT count(*)::text AS n FROM lifecycle_statuses')).toEqual(
			before,
		);
	});
});
