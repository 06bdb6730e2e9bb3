import path from 'node:path';
import { upsertCustomers } from '../../core';
import { ReceivablesPageTrigger } from '../../nodes/ReceivablesPageTrigger/ReceivablesPageTrigger.node';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import {
	loadWorkflow,
	PACKAGE_ROOT,
	runWorkflow,
	testCredential,
	type WorkflowJson,
} from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import { callPageTrigger, type PageAnswer } from '../helpers/pageTrigger';
import {
	dakarDelivery,
	intakeFootprint,
	SIGNED_INTAKE_SECRET,
	signedIntakeHeaders,
	type SignedIntakeAnswer,
} from './intake-signed-helpers';

const EMAIL_NODE = 'E-mail finance';
const TRIGGER = 'Signed request received';

/**
 * The shipped workflow, less its last node: n8n's Send Email node (shipped disabled, waiting for the user's SMTP
 * credential) cannot be loaded under jest (its sanitize-html dependency is an ES module). The real-n8n tests
 * (test/e2e/intake-webhook.e2e.test.ts, test/e2e/security-intake.e2e.test.ts) run the workflow with it.
 */
function workflowWithoutEmail(): WorkflowJson {
	const workflow = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'intake-signed-webhook.json'));
	const email = workflow.nodes.find((n) => n.name === EMAIL_NODE);
	if (!email?.disabled)
		throw new Error(
			`"${EMAIL_NODE}" must be shipped disabled: it needs the user's SMTP credential`,
		);
	workflow.nodes = workflow.nodes.filter((n) => n.name !== EMAIL_NODE);
	delete workflow.connections['Message for finance'];
	return workflow;
}

const WORKFLOW = workflowWithoutEmail();
const SECRET = SIGNED_INTAKE_SECRET;
const signedHeaders = signedIntakeHeaders;
type Answer = SignedIntakeAnswer;

describe('workflow: Signed webhook from accounting software → intake → rejected items notified', () => {
	const t = engineLedger({ receivablesWebhookApi: { secret: SECRET, previousSecret: '' } });

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{ externalId: 'CL-DKR', name: 'Sénégal Distribution', language: 'fr' },
		]);
	});
	// The trigger's ledger pools, before engineLedger drops the schema.
	afterAll(() => closeLedgers());

	/** The request as n8n hands it to the trigger (raw bytes and headers), then the rest of the workflow if it started one. */
	const post = async (raw: string | Buffer, headers: Record<string, string>) => {
		const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
		const answer: PageAnswer = await callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			rawBody: bytes,
			headers: { 'content-type': 'application/json', ...headers },
		});
		const run = answer.workflowData
			? await runWorkflow(WORKFLOW, {
					triggerItems: answer.workflowData[0],
					credentials: t.credentials,
				})
			: undefined;
		return {
			status: answer.status,
			body: answer.json as Answer,
			workflowData: answer.workflowData,
			run,
		};
	};
	const footprint = () => intakeFootprint(t.ledger);

	test('stores a signed request, answers 200, then starts the workflow: rejected records summarised for finance, paid invoices handed on', async () => {
		const body = dakarDelivery();
		const raw = JSON.stringify(body);
		const headers = signedHeaders(raw, 'dlv-100');
		const result = await post(raw, headers);
		expect(result.status).toBe(200);
		expect(result.body).toMatchObject({
			stored: true,
			delivery: 'dlv-100',
			received: true,
			deliveryId: 'dlv-100',
			invoices: { created: 2, revised: 0, unchanged: 0 },
			payments: { created: 1, unchanged: 0 },
		});
		expect(result.body.rejected).toEqual([
			expect.objectContaining({ kind: 'invoice', ref: 'DK-2026-103', code: 'DATE_INVALID' }),
		]);

		// One item per stored delivery: what was stored, refused and paid, nothing of the request (headers, signature, body).
		const items = result.workflowData?.[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			deliveryId: 'dlv-100',
			source: 'accounting',
			counts: { invoicesCreated: 2, paymentsCreated: 1, rejected: 1, paid: 1 },
		});
		expect(items[0].binary).toBeUndefined();
		const itemText = JSON.stringify(items);
		expect(itemText).not.toContain(headers['x-receivables-signature'].split('v2=')[1]);
		expect(itemText).not.toMatch(/x-receivables|headers|590 000/);

		const run = result.run;
		expect(run?.error).toBeUndefined();
		expect(run?.status).toBe('success');
		const [message] = run?.json('Message for finance') ?? [];
		expect(message.subject).toBe('Factures refusées / Rejected records: 1 (dlv-100)');
		expect(message.text).toMatch(
			/DK-2026-103 \[DATE_INVALID\]\n {2}FR : .*date valide.*\n {2}EN: .*not a real date/,
		);
		expect(run?.json('Thank-you hand-off (Reminder Step)')).toEqual([
			expect.objectContaining({
				invoiceNumber: 'DK-2026-102',
				customerId: 'CL-NEW',
				currency: 'XOF',
				amount: '100000',
			}),
		]);

		const rows = await t.ledger.query<{ number: string; payable_minor: string; status: string }>(
			'SELECT number, payable_minor::text, status FROM invoices ORDER BY number',
		);
		expect(rows).toEqual([
			{ number: 'DK-2026-101', payable_minor: '590000', status: 'open' },
			{ number: 'DK-2026-102', payable_minor: '100000', status: 'paid' },
		]);

		// The same delivery again (the sender lost the answer): the first answer, marked repeated; nothing changes, no execution.
		const before = await footprint();
		const again = await post(raw, signedHeaders(raw, 'dlv-100'));
		expect(again.status).toBe(200);
		expect(again.body).toEqual({ ...result.body, repeated: true });
		expect(again.workflowData).toBeUndefined();
		expect(await footprint()).toEqual(before);
	});

	test('a request with no record to refuse starts the workflow without a message for finance', async () => {
		const raw = JSON.stringify({
			invoices: [
				{
					number: 'DK-2026-150',
					customerId: 'CL-DKR',
					currency: 'XOF',
					totalIncl: '2000',
					issueDate: '2026-04-01',
					dueDate: '2026-05-01',
				},
			],
		});
		const result = await post(raw, signedHeaders(raw, 'dlv-150'));
		expect(result.status).toBe(200);
		expect(result.run?.status).toBe('success');
		expect(result.run?.executed).not.toContain('Message for finance');
		expect(result.run?.json('Thank-you hand-off (Reminder Step)') ?? []).toEqual([]);
	});

	test('answers 401 to unsigned, badly signed and stale requests, 409 to another body under a used delivery id: nothing changes, no execution starts', async () => {
		const raw = JSON.stringify({
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
		});
		const before = await footprint();
		const cases: Array<[string, Record<string, string>]> = [
			['SIGNATURE_MISSING', { 'x-receivables-delivery': 'dlv-200' }],
			[
				'SIGNATURE_MISMATCH',
				signedHeaders(raw, 'dlv-200', { secret: 'whsec_not_the_right_one_00' }),
			],
			[
				'SIGNATURE_STALE',
				signedHeaders(raw, 'dlv-200', { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
			],
			[
				'SIGNATURE_MALFORMED',
				{ 'x-receivables-delivery': 'dlv-200', 'x-receivables-signature': 'sha256=abc' },
			],
		];
		for (const [code, headers] of cases) {
			const result = await post(raw, headers);
			expect({ code, status: result.status, body: result.body }).toMatchObject({
				code,
				status: 401,
				body: { received: false, stored: false, code },
			});
			expect(result.body.errorFr).toBeTruthy();
			expect(result.workflowData).toBeUndefined();
		}
		const other = JSON.stringify({ invoices: [] });
		const conflict = await post(other, signedHeaders(other, 'dlv-100'));
		expect(conflict).toMatchObject({
			status: 409,
			body: { stored: false, code: 'DELIVERY_CONFLICT' },
		});
		expect(conflict.workflowData).toBeUndefined();
		expect(await footprint()).toEqual(before);
	});

	test('answers 413 to a body above the maximum size, from its declared length or its bytes, before reading its signature', async () => {
		const before = await footprint();
		const declared = await callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			rawBody: Buffer.from('{}'),
			headers: { 'content-type': 'application/json', 'content-length': String(6 * 1024 * 1024) },
		});
		expect(declared).toMatchObject({
			status: 413,
			json: {
				stored: false,
				code: 'BODY_TOO_LARGE',
				errorFr: expect.stringContaining('volumineux'),
			},
		});
		expect(declared.workflowData).toBeUndefined();
		const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
		const bytes = await post(big, signedHeaders(big.toString(), 'dlv-big'));
		expect(bytes).toMatchObject({ status: 413, body: { code: 'BODY_TOO_LARGE' } });
		expect(bytes.workflowData).toBeUndefined();
		expect(await footprint()).toEqual(before);
	});

	// The page reads the body itself (its hidden option binaryData tells n8n not to parse it first), whatever its
	// content type: real n8n answers the same (test/e2e/intake-webhook.e2e.test.ts).
	test('answers 400 to a signed body that is not JSON, and 405 to a GET', async () => {
		const trigger = new ReceivablesPageTrigger().description.properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.page?.includes('signedIntake'),
		);
		expect(trigger?.default).toEqual({ binaryData: true });
		const raw = '{"invoices": [';
		const result = await post(raw, {
			...signedHeaders(raw, 'dlv-300'),
			'content-type': 'text/plain',
		});
		expect(result).toMatchObject({ status: 400, body: { received: false, code: 'BODY_NOT_JSON' } });
		expect(result.workflowData).toBeUndefined();
		const get = await callPageTrigger(WORKFLOW, t.credentials, { method: 'GET' });
		expect(get).toMatchObject({
			status: 405,
			json: { code: 'METHOD_NOT_ALLOWED', errorFr: expect.stringContaining('POST') },
		});
		expect(get.workflowData).toBeUndefined();
		expect(WORKFLOW.nodes.find((n) => n.name === TRIGGER)?.type).toBe(
			'n8n-nodes-receivables.receivablesPageTrigger',
		);
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
