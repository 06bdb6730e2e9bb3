// Attacks on the e-invoicing platform's statuses page (a write path: disputes, holds, rejections), through the
// shipped workflow's Receivables Page Trigger (in-process, real ledger), held to the same rules as the intake
// webhook: nothing unsigned, forged or signed for another webhook, 413 before the signature, NUL and invalid UTF-8 as
// clear 400s, a retried delivery answered as the first time and another body under its id 409, a database fault never
// told in the database's words — and none of them starts an execution (n8n stores nothing of the body).
import path from 'node:path';
import { createIntegrationKey, installDefaultPolicies, signWebhookRequest } from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import { callPageTrigger } from '../helpers/pageTrigger';

const WORKFLOW = loadWorkflow(
	path.join(PACKAGE_ROOT, 'workflows', 'einvoicing-platform-statuses.json'),
);
const { unsignedWritePaths, executionsBeforeSignature } =
	require('../../scripts/lib/signed-paths.cjs') as {
		unsignedWritePaths: (workflow: unknown) => string[];
		executionsBeforeSignature: (workflow: unknown) => string[];
	};

interface Answer {
	stored: boolean;
	code?: string;
	error?: string;
	errorFr?: string;
	reference?: string;
	repeated?: boolean;
	statuses?: { applied: number };
}

describe('security: e-invoicing statuses page', () => {
	const t = engineLedger();
	let key: { keyId: string; secret: string };
	let intakeKey: { keyId: string; secret: string };

	beforeAll(async () => {
		await installDefaultPolicies(t.ledger);
		await seedStaff(t.ledger);
		const customer = await addCustomer(t.ledger, {
			externalId: 'SEC-PF',
			name: 'Client Plateforme',
		});
		for (const n of ['SP-1', 'SP-2', 'SP-3'])
			await addInvoice(t.ledger, { customerId: customer, number: n, dueDate: '2026-10-14' });
		key = await createIntegrationKey(t.ledger, { sender: 'pa-sec', purposes: ['lifecycle'] });
		intakeKey = await createIntegrationKey(t.ledger, { sender: 'erp-sec', purposes: ['intake'] });
	});
	// The page trigger's ledger pools, before engineLedger drops the schema.
	afterAll(() => closeLedgers());

	const post = async (raw: string | Buffer, headers: Record<string, string>) => {
		const answer = await callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			rawBody: Buffer.from(raw),
			headers: { 'content-type': 'application/json', ...headers },
		});
		return {
			answer: { statusCode: answer.status, body: answer.json as Answer },
			started: answer.workflowData !== undefined,
			logged: answer.logged,
			workflowData: answer.workflowData,
		};
	};
	const signedHeaders = (
		raw: string | Buffer,
		delivery: string,
		options: { with?: { keyId: string; secret: string }; purpose?: string; secret?: string } = {},
	) => {
		const k = options.with ?? key;
		return {
			'x-receivables-key': k.keyId,
			'x-receivables-delivery': delivery,
			'x-receivables-signature': signWebhookRequest({
				rawBody: raw,
				secret: options.secret ?? k.secret,
				deliveryId: delivery,
				purpose: options.purpose ?? 'lifecycle',
			}),
		};
	};
	const signed = (
		raw: string | Buffer,
		delivery: string,
		options: Parameters<typeof signedHeaders>[2] = {},
	) => post(raw, signedHeaders(raw, delivery, options));
	const footprint = async () =>
		(
			await t.ledger.query<
				Record<string, string>
			>(`SELECT (SELECT count(*) FROM lifecycle_statuses)::text AS statuses, (SELECT count(*) FROM disputes)::text AS disputes,
			(SELECT count(*) FROM webhook_deliveries)::text AS deliveries`)
		)[0];
	const events = (number: string, messageId: string, statusCode = '207') =>
		JSON.stringify({
			events: [
				{
					messageId,
					invoiceNumber: number,
					statusCode,
					timestamp: '2026-10-16T09:00:00Z',
					reasonCode: 'QTE_ERR',
					reasonText: 'Palettes manquantes',
				},
			],
		});

	test('the shipped workflow is served by the signed page: no Webhook node stores a body before its signature is checked', () => {
		expect(WORKFLOW.nodes.some((n) => n.type === 'n8n-nodes-base.webhook')).toBe(false);
		expect(unsignedWritePaths(WORKFLOW)).toEqual([]);
		expect(executionsBeforeSignature(WORKFLOW)).toEqual([]);
	});

	test('unsigned, forged, signed for the intake webhook or with a key of the intake purpose: refused, nothing changes, nothing starts', async () => {
		const before = await footprint();
		const cases: Array<[Promise<Awaited<ReturnType<typeof post>>>, number, string]> = [
			[signed(events('SP-1', 'S-X1'), 'sx-1', { purpose: 'intake' }), 401, 'SIGNATURE_MISMATCH'],
			[signed(events('SP-1', 'S-X2'), 'sx-2', { with: intakeKey }), 401, 'KEY_PURPOSE'],
			[
				signed(events('SP-1', 'S-X5'), 'sx-5', { secret: 'not-the-platform-secret-000000' }),
				401,
				'SIGNATURE_MISMATCH',
			],
			[
				post(events('SP-1', 'S-X3'), {
					'x-receivables-delivery': 'sx-3',
					'x-receivables-key': key.keyId,
				}),
				401,
				'SIGNATURE_MISSING',
			],
			// Without a key id: the shared secret of the Receivables Webhook credential is not a way in on this page.
			[
				post(events('SP-1', 'S-X4'), {
					'x-receivables-delivery': 'sx-4',
					'x-receivables-signature': signWebhookRequest({
						rawBody: events('SP-1', 'S-X4'),
						secret: 'a-shared-secret-of-some-length',
						deliveryId: 'sx-4',
						purpose: 'lifecycle',
					}),
				}),
				401,
				'',
			],
		];
		for (const [call, status, code] of cases) {
			const { answer, started } = await call;
			expect(answer).toMatchObject({
				statusCode: status,
				body: { stored: false, ...(code ? { code } : {}), errorFr: expect.any(String) },
			});
			expect(started).toBe(false);
		}
		expect(await footprint()).toEqual(before);
	});

	test('an oversized body gets 413 before its signature is read, and starts nothing', async () => {
		const before = await footprint();
		const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
		const { answer, started } = await post(big, { 'x-receivables-delivery': 'big-1' });
		expect(answer).toMatchObject({
			statusCode: 413,
			body: { stored: false, code: 'BODY_TOO_LARGE' },
		});
		expect(started).toBe(false);
		// The page reads the body itself: announced above n8n's own 16 MB, it is refused from Content-Length before a
		// byte is read; sent above it without announcing it, n8n's reader stops and the page answers the same 413.
		const announced = await post('{}', {
			'x-receivables-delivery': 'big-2',
			'content-length': String(20 * 1024 * 1024),
		});
		expect(announced.answer).toMatchObject({
			statusCode: 413,
			body: {
				stored: false,
				code: 'BODY_TOO_LARGE',
				error: expect.any(String),
				errorFr: expect.any(String),
			},
		});
		expect(announced.started).toBe(false);
		const read = await callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			rawBody: Buffer.alloc(17 * 1024 * 1024, 0x20),
			headers: {
				'content-type': 'application/json',
				'content-length': '10',
				'x-receivables-delivery': 'big-3',
			},
		});
		expect({ status: read.status, json: read.json }).toMatchObject({
			status: 413,
			json: { stored: false, code: 'BODY_TOO_LARGE', errorFr: expect.any(String) },
		});
		expect(read.workflowData).toBeUndefined();
		expect(await footprint()).toEqual(before);
	});

	test('NUL characters and invalid UTF-8 get a clear 400 in English and French', async () => {
		const before = await footprint();
		const escaped = JSON.stringify({
			events: [
				{
					messageId: 'S-N1',
					invoiceNumber: 'SP-1\u0000',
					statusCode: '207',
					timestamp: '2026-10-16T09:00:00Z',
				},
			],
		});
		expect(escaped).toContain('\\u0000');
		expect((await signed(escaped, 'nul-1')).answer).toMatchObject({
			statusCode: 400,
			body: { stored: false, code: 'BODY_NUL', errorFr: expect.stringContaining('NUL') },
		});
		const raw = Buffer.concat([
			Buffer.from('<Invoice>'),
			Buffer.from([0]),
			Buffer.from('</Invoice>'),
		]);
		expect((await signed(raw, 'nul-2')).answer).toMatchObject({
			statusCode: 400,
			body: { code: 'BODY_NUL' },
		});
		const latin1 = Buffer.from(
			JSON.stringify({
				events: [
					{
						messageId: 'S-L1',
						invoiceNumber: 'SP-1',
						statusCode: '207',
						timestamp: '2026-10-16T09:00:00Z',
						reasonText: 'Reçu abîmé',
					},
				],
			}),
			'latin1',
		);
		const answer = await signed(latin1, 'utf8-1');
		expect(answer.answer).toMatchObject({
			statusCode: 400,
			body: { code: 'BODY_NOT_UTF8', error: expect.stringContaining('UTF-8') },
		});
		expect(answer.started).toBe(false);
		expect(await footprint()).toEqual(before);
	});

	test('a retried delivery gets the first answer (200, repeated) and starts nothing; another body under the same id gets 409 and changes nothing', async () => {
		const first = await signed(events('SP-2', 'S-R1'), 'retry-1');
		expect(first.answer).toMatchObject({
			statusCode: 200,
			body: { stored: true, statuses: { applied: 1 } },
		});
		expect(first.started).toBe(true);
		// The execution's item: the outcomes, never the request's headers, signature or key secret.
		const item = JSON.stringify(first.workflowData);
		expect(item).toContain('SP-2');
		for (const secretish of [key.secret, 'x-receivables', 'v2='])
			expect(item).not.toContain(secretish);
		const after = await footprint();
		const again = await signed(events('SP-2', 'S-R1'), 'retry-1');
		expect(again.answer.statusCode).toBe(200);
		expect(again.answer.body).toEqual({ ...first.answer.body, repeated: true });
		expect(again.started).toBe(false);
		const conflict = await signed(events('SP-3', 'S-R2', '210'), 'retry-1');
		expect(conflict.answer).toMatchObject({
			statusCode: 409,
			body: { stored: false, code: 'DELIVERY_CONFLICT' },
		});
		expect(conflict.started).toBe(false);
		expect(await footprint()).toEqual(after);
	});

	test('a database fault reaches the platform as a generic message with a reference, never the database text', async () => {
		await t.ledger
			.query(`CREATE FUNCTION lifecycle_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
			RAISE EXCEPTION 'relation "secret_lifecycle_table" violates constraint chk_lifecycle_42'; END $$`);
		await t.ledger.query(
			'CREATE TRIGGER lifecycle_fault BEFORE INSERT ON lifecycle_statuses FOR EACH ROW EXECUTE FUNCTION lifecycle_fault()',
		);
		try {
			const before = await footprint();
			const { answer, started, logged } = await signed(events('SP-3', 'S-F1'), 'fault-1');
			expect(answer).toMatchObject({
				statusCode: 500,
				body: { stored: false, code: 'INTERNAL_ERROR', reference: expect.stringMatching(/^ERR-/) },
			});
			expect(JSON.stringify(answer.body)).not.toMatch(
				/secret_lifecycle_table|chk_lifecycle_42|violates|relation/,
			);
			expect(started).toBe(false);
			// The detail is kept for the people who run n8n: n8n's log, under the reference given to the platform.
			expect(logged).toEqual([
				expect.objectContaining({
					meta: expect.objectContaining({
						reference: answer.body.reference,
						detail: expect.stringContaining('chk_lifecycle_42'),
					}),
				}),
			]);
			// Nothing of the delivery's statuses was applied; the delivery may be sent again once the ledger is fixed.
			expect((await footprint()).statuses).toBe(before.statuses);
		} finally {
			await t.ledger.query('DROP TRIGGER lifecycle_fault ON lifecycle_statuses');
		}
		const retried = await signed(events('SP-3', 'S-F1'), 'fault-1');
		expect(retried.answer).toMatchObject({
			statusCode: 200,
			body: { stored: true, statuses: { applied: 1 } },
		});
	});

	test('a GET gets 405 and starts nothing', async () => {
		const answer = await callPageTrigger(WORKFLOW, t.credentials, { method: 'GET' });
		expect(answer.status).toBe(405);
		expect(answer.workflowData).toBeUndefined();
	});
});
