import path from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';
import { signWebhookRequest, upsertCustomers } from '../../core';
import {
	loadWorkflow,
	PACKAGE_ROOT,
	rawWebhookItem,
	runWorkflow,
	testCredential,
	type WorkflowJson,
} from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import {
	dakarDelivery,
	intakeFootprint,
	SIGNED_INTAKE_SECRET,
	signedIntakeHeaders,
	type SignedIntakeAnswer,
} from './intake-signed-helpers';

/**
 * A workflow as users built it before the Receivables Page Trigger's Signed Intake page (and as the package shipped
 * it): n8n's Webhook (Raw Body) → Invoice Intake › Receive Signed Request → Respond to Webhook. The operation keeps
 * working for them; the shipped workflow now uses the trigger (test/workflows/intake-signed-webhook.test.ts).
 */
const WORKFLOW: WorkflowJson = loadWorkflow(
	path.join(PACKAGE_ROOT, 'test', 'fixtures', 'workflows', 'webhook-receive-signed-request.json'),
);
const SECRET = SIGNED_INTAKE_SECRET;

type Answer = SignedIntakeAnswer;

/** The item the Webhook node (Raw Body on) outputs for a request: headers and parsed body as JSON, the bytes as binary. */
function request(body: string, headers: Record<string, string>): INodeExecutionData {
	return rawWebhookItem(body, { headers });
}

function signed(
	body: unknown,
	delivery: string,
	options: { timestamp?: number; secret?: string } = {},
): INodeExecutionData {
	const raw = JSON.stringify(body);
	return request(raw, signedIntakeHeaders(raw, delivery, options));
}

describe('Invoice Intake › Receive Signed Request after a Webhook node (workflows built before the Signed Intake page)', () => {
	const t = engineLedger({ receivablesWebhookApi: { secret: SECRET, previousSecret: '' } });

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{ externalId: 'CL-DKR', name: 'Sénégal Distribution', language: 'fr' },
		]);
	});

	const post = (item: INodeExecutionData) =>
		runWorkflow(WORKFLOW, { triggerItems: [item], credentials: t.credentials });
	const footprint = () => intakeFootprint(t.ledger);

	test('stores a signed request, answers 200, summarises the rejected records for finance and hands paid invoices on', async () => {
		const body = dakarDelivery();
		const result = await post(signed(body, 'dlv-100'));
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.responses).toHaveLength(1);
		const response = result.responses[0] as { body: Answer; statusCode: number };
		expect(response.statusCode).toBe(200);
		expect(response.body).toMatchObject({
			stored: true,
			delivery: 'dlv-100',
			received: true,
			deliveryId: 'dlv-100',
			invoices: { created: 2, revised: 0, unchanged: 0 },
			payments: { created: 1, unchanged: 0 },
		});
		expect(response.body.rejected).toEqual([
			expect.objectContaining({ kind: 'invoice', ref: 'DK-2026-103', code: 'DATE_INVALID' }),
		]);

		const [message] = result.json('Message for finance');
		expect(message.subject).toBe('Factures refusées / Rejected records: 1 (dlv-100)');
		expect(message.text).toMatch(
			/DK-2026-103 \[DATE_INVALID\]\n {2}FR : .*date valide.*\n {2}EN: .*not a real date/,
		);
		expect(result.json('Thank-you hand-off (Reminder Step)')).toEqual([
			expect.objectContaining({
				invoiceNumber: 'DK-2026-102',
				customerId: 'CL-NEW',
				currency: 'XOF',
				amount: '100000',
			}),
		]);
		expect(result.executed).not.toContain('Answer: refused');

		const rows = await t.ledger.query<{ number: string; payable_minor: string; status: string }>(
			'SELECT number, payable_minor::text, status FROM invoices ORDER BY number',
		);
		expect(rows).toEqual([
			{ number: 'DK-2026-101', payable_minor: '590000', status: 'open' },
			{ number: 'DK-2026-102', payable_minor: '100000', status: 'paid' },
		]);
	});

	test('answers 401 to unsigned, badly signed and stale requests, 409 to another body under a used delivery id, and changes nothing', async () => {
		const body = {
			invoices: [
				{
					number: 'DK-2026-200',
					customerId: 'CL-DKR',
					currency: 'XOF',
					totalIncl: '5000',
					issueDate: '2026-04-01',
					dueDate: '2026-05-01',
				},
			],
		};
		const before = await footprint();
		const raw = JSON.stringify(body);
		const cases: Array<[string, INodeExecutionData]> = [
			['SIGNATURE_MISSING', request(raw, { 'x-receivables-delivery': 'dlv-200' })],
			['SIGNATURE_MISMATCH', signed(body, 'dlv-200', { secret: 'whsec_not_the_right_one_00' })],
			[
				'SIGNATURE_STALE',
				signed(body, 'dlv-200', { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
			],
			[
				'SIGNATURE_MALFORMED',
				request(raw, {
					'x-receivables-delivery': 'dlv-200',
					'x-receivables-signature': 'sha256=abc',
				}),
			],
		];
		for (const [code, item] of cases) {
			const result = await post(item);
			expect(result.status).toBe('success');
			const response = result.responses[0] as { body: Answer; statusCode: number };
			expect({ code, statusCode: response.statusCode, body: response.body }).toMatchObject({
				code,
				statusCode: 401,
				body: { received: false, code },
			});
			expect(response.body.errorFr).toBeTruthy();
			expect(result.executed).not.toContain('Answer: stored (200)');
			expect(result.executed).not.toContain('Message for finance');
		}
		const conflict = await post(signed({ invoices: [] }, 'dlv-100'));
		expect(conflict.responses[0]).toMatchObject({
			statusCode: 409,
			body: { stored: false, code: 'DELIVERY_CONFLICT' },
		});
		expect(await footprint()).toEqual(before);
	});

	// In real n8n a body sent as application/json that does not parse is refused by n8n itself (422); sent as another
	// content type, it reaches the node, which answers 400.
	test('answers 400 to a signed body that is not JSON', async () => {
		const raw = '{"invoices": [';
		const signature = signWebhookRequest({
			rawBody: raw,
			secret: SECRET,
			deliveryId: 'dlv-300',
			purpose: 'intake',
		});
		const result = await post(
			request(raw, { 'x-receivables-signature': signature, 'x-receivables-delivery': 'dlv-300' }),
		);
		expect(result.responses[0]).toMatchObject({
			statusCode: 400,
			body: { received: false, code: 'BODY_NOT_JSON' },
		});
	});

	test('the credential test checks the secret locally', async () => {
		expect(await testCredential('receivablesWebhookApi', { secret: SECRET })).toMatchObject({
			status: 'OK',
		});
		expect(await testCredential('receivablesWebhookApi', { secret: 'short' })).toMatchObject({
			status: 'Error',
		});
	});
});
