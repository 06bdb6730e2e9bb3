// Attacks on the intake webhook of a real n8n 2.40.7, over HTTP (the package packed and installed as n8n installs
// community packages, the shipped workflows published): no unsigned path, keys per sender from the ledger,
// purpose binding, retries, malformed and oversized bodies. The Receivables Page Trigger answers refused requests
// itself: they start no execution, so nothing of them is in n8n's execution history.
import path from 'node:path';
import { signWebhookRequest } from '../../core';
import { testLedgerConfig } from '../helpers/db';
import {
	eventually,
	prepareInstance,
	runtimeLibrary,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';

const WEBHOOK = 'receivables/signed';
const WORKFLOW_ID = 'rcvSignedHook001';
const SECRET = 'whsec_security_e2e_0123456789abcdef';

describe('real n8n: intake webhook under attack', () => {
	let instance: TestInstance | undefined;
	let n8n: N8nProcess;
	let installed: typeof import('../../core');
	let erpKey: { keyId: string; secret: string };

	const table = (name: string): string => `"${instance?.ledgerSchema}".${name}`;
	const footprint = async () =>
		(
			await (instance as TestInstance).query<
				Record<string, string>
			>(`SELECT (SELECT count(*) FROM ${table('invoices')})::text AS invoices,
			(SELECT count(*) FROM ${table('webhook_deliveries')})::text AS deliveries, (SELECT count(*) FROM ${table('history')})::text AS history`)
		)[0];

	const send = async (
		urlPath: string,
		raw: string | Buffer,
		headers: Record<string, string>,
	): Promise<{ status: number; answer: Record<string, unknown> | undefined }> => {
		const response = await fetch(`${n8n.url}/webhook/${urlPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: raw,
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		let answer: Record<string, unknown> | undefined;
		try {
			answer = JSON.parse(text) as Record<string, unknown>;
		} catch {
			answer = undefined;
		}
		return { status: response.status, answer };
	};
	const signed = (
		raw: string | Buffer,
		delivery: string,
		options: { secret?: string; keyId?: string; purpose?: string } = {},
	) => ({
		'x-receivables-delivery': delivery,
		'x-receivables-signature': signWebhookRequest({
			rawBody: raw,
			secret: options.secret ?? SECRET,
			deliveryId: delivery,
			purpose: options.purpose ?? 'intake',
		}),
		...(options.keyId ? { 'x-receivables-key': options.keyId } : {}),
	});
	const body = (number: string, customerId = 'SEC-E2E-A', extra: Record<string, string> = {}) =>
		JSON.stringify({
			invoices: [
				{
					number,
					customerId,
					customerName: `Client ${customerId}`,
					currency: 'MAD',
					totalIncl: '92900.40',
					issueDate: '2026-03-02',
					dueDate: '2026-04-01',
					...extra,
				},
			],
		});

	beforeAll(async () => {
		instance = await prepareInstance('secintake', { webhookSecret: SECRET });
		// The ledger is migrated with the installed package's own core, which also makes the sender's key.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		installed = require(
			path.join(instance.packageDir, 'dist', 'core', 'index.js'),
		) as typeof import('../../core');
		const ledger = installed.openLedger(testLedgerConfig(instance.ledgerSchema));
		await ledger.ensureReady();
		erpKey = await installed.createIntegrationKey(ledger, { sender: 'erp', keyId: 'erp-2026' });
		await ledger.close();
		n8n = await instance.start('main', await instance.env());
		await runtimeLibrary.waitForWebhook(n8n.url, WEBHOOK, { method: 'POST', timeoutMs: 180_000 });
	}, 15 * 60_000);

	afterAll(async () => {
		await instance?.cleanup();
	}, 120_000);

	const executions = async () => {
		const inst = instance as TestInstance;
		return await inst.query<{ id: string; status: string }>(
			`SELECT id::text, status FROM "${inst.n8nSchema}".execution_entity WHERE "workflowId" = $1 ORDER BY id`,
			[WORKFLOW_ID],
		);
	};
	const historyText = async () => {
		const inst = instance as TestInstance;
		return (
			await inst.query<{ t: string }>(
				`SELECT d.data::text AS t FROM "${inst.n8nSchema}".execution_data d JOIN "${inst.n8nSchema}".execution_entity e ON e.id = d."executionId" WHERE e."workflowId" = $1`,
				[WORKFLOW_ID],
			)
		)
			.map((r) => r.t)
			.join('\n');
	};

	test('unsigned, forged and oversized requests to the shipped path get 401/413 with FR/EN words and start no execution; a signed one is applied once; its retry gets the original answer', async () => {
		const before = await footprint();
		const startedBefore = (await executions()).length;
		const raw = body('SEC-E2E-100');
		const forgedSignature = signed(raw, 'x-1', { secret: 'whsec_attacker_guess_0123456789' });
		const refused: Array<[string, string | Buffer, Record<string, string>, number, string]> = [
			['unsigned', raw, { 'x-receivables-delivery': 'x-1' }, 401, 'SIGNATURE_MISSING'],
			['forged', raw, forgedSignature, 401, 'SIGNATURE_MISMATCH'],
			['unknown key', raw, signed(raw, 'x-1', { keyId: 'nobody-1' }), 401, 'KEY_UNKNOWN'],
			// Above the trigger's 5 MB and under n8n's own 16 MB: refused by the trigger before its signature is read.
			[
				'oversized',
				Buffer.alloc(6 * 1024 * 1024, 0x20),
				{ 'x-receivables-delivery': 'x-2' },
				413,
				'BODY_TOO_LARGE',
			],
			// Above n8n's own 16 MB (N8N_PAYLOAD_SIZE_MAX), which answers 500 when it reads the body itself: the trigger
			// reads the body, so the sender gets the same 413.
			[
				"over n8n's limit",
				Buffer.alloc(20 * 1024 * 1024, 0x20),
				{ 'x-receivables-delivery': 'x-2' },
				413,
				'BODY_TOO_LARGE',
			],
			// Not JSON, unsigned: refused for its signature before anything parses it (n8n would answer 422 itself).
			[
				'unsigned, not JSON',
				'{"invoices": [',
				{ 'x-receivables-delivery': 'x-2' },
				401,
				'SIGNATURE_MISSING',
			],
		];
		for (const [what, bytes, headers, status, code] of refused) {
			const answer = await send(WEBHOOK, bytes, headers);
			expect({ what, ...answer }).toMatchObject({
				what,
				status,
				answer: { stored: false, code, error: expect.any(String), errorFr: expect.any(String) },
			});
			expect(String(answer.answer?.errorFr)).not.toEqual(String(answer.answer?.error));
		}
		expect(await footprint()).toEqual(before);

		const first = await send(WEBHOOK, raw, signed(raw, 'x-3'));
		expect(first).toMatchObject({
			status: 200,
			answer: { stored: true, delivery: 'x-3', invoices: { created: 1 } },
		});
		const applied = await footprint();
		const retry = await send(WEBHOOK, raw, signed(raw, 'x-3'));
		expect(retry).toEqual({ status: 200, answer: { ...first.answer, repeated: true } });
		expect(await footprint()).toEqual(applied);
		expect(Number(applied.invoices)).toBe(Number(before.invoices) + 1);

		// Executions are created in the order the requests came: once the stored delivery's has finished, the refused
		// requests and the retry would have theirs too. There is exactly one new one, and it holds no signature.
		const started = await eventually(
			executions,
			(list) =>
				list.length > startedBefore &&
				list.every((e) => e.status !== 'running' && e.status !== 'new'),
		);
		expect(started.slice(startedBefore).map((e) => e.status)).toEqual(['success']);
		const saved = await historyText();
		expect(saved).toContain('SEC-E2E-100');
		expect(saved).not.toContain(forgedSignature['x-receivables-signature'].split('v2=')[1]);
		expect(saved).not.toMatch(/x-receivables-signature|v2=[0-9a-f]{64}/i);
	}, 180_000);

	test('there is no unsigned intake path, and an unsigned request to the signed one changes nothing', async () => {
		const before = await footprint();
		const raw = body('SEC-E2E-001');
		expect((await send('receivables/invoices', raw, {})).status).toBe(404);
		expect(await send(WEBHOOK, raw, { 'x-receivables-delivery': 'u-1' })).toMatchObject({
			status: 401,
			answer: { stored: false, code: 'SIGNATURE_MISSING' },
		});
		expect(await footprint()).toEqual(before);
	}, 120_000);

	test('a sender signs with its own key from the ledger; a retry gets the first answer; a revoked key is refused', async () => {
		const raw = body('SEC-E2E-010');
		const first = await send(
			WEBHOOK,
			raw,
			signed(raw, 'k-1', { secret: erpKey.secret, keyId: erpKey.keyId }),
		);
		expect(first).toMatchObject({
			status: 200,
			answer: { stored: true, delivery: 'k-1', invoices: { created: 1 } },
		});
		const after = await footprint();
		const retry = await send(
			WEBHOOK,
			raw,
			signed(raw, 'k-1', { secret: erpKey.secret, keyId: erpKey.keyId }),
		);
		expect(retry).toEqual({ status: 200, answer: { ...first.answer, repeated: true } });
		const other = body('SEC-E2E-011');
		expect(
			await send(
				WEBHOOK,
				other,
				signed(other, 'k-1', { secret: erpKey.secret, keyId: erpKey.keyId }),
			),
		).toMatchObject({ status: 409, answer: { code: 'DELIVERY_CONFLICT' } });
		expect(await footprint()).toEqual(after);
		const [row] = await (instance as TestInstance).query<{ source: string; key_id: string }>(
			`SELECT source, key_id FROM ${table('webhook_deliveries')} WHERE delivery_id = 'k-1'`,
		);
		expect(row).toEqual({ source: 'erp', key_id: 'erp-2026' });

		const ledger = installed.openLedger(testLedgerConfig((instance as TestInstance).ledgerSchema));
		await installed.revokeIntegrationKey(ledger, erpKey.keyId, 'test');
		await ledger.close();
		const late = body('SEC-E2E-012');
		expect(
			await send(
				WEBHOOK,
				late,
				signed(late, 'k-2', { secret: erpKey.secret, keyId: erpKey.keyId }),
			),
		).toMatchObject({ status: 401, answer: { code: 'KEY_REVOKED' } });
	}, 120_000);

	test("a request signed for another webhook, a NUL character, invalid UTF-8 and another customer's revision are refused with clear answers", async () => {
		const raw = body('SEC-E2E-020');
		expect(
			await send(WEBHOOK, raw, signed(raw, 'p-1', { purpose: 'courier-events' })),
		).toMatchObject({ status: 401, answer: { code: 'SIGNATURE_MISMATCH' } });
		const nul = body('SEC-E2E-021', 'SEC-E2E-A', { customerName: 'Atlas\u0000' });
		expect(await send(WEBHOOK, nul, signed(nul, 'n-1'))).toMatchObject({
			status: 400,
			answer: { code: 'BODY_NUL' },
		});
		const latin1 = Buffer.from(
			body('SEC-E2E-022', 'SEC-E2E-A', { customerName: 'Société' }),
			'latin1',
		);
		expect(await send(WEBHOOK, latin1, signed(latin1, 'n-2'))).toMatchObject({
			status: 400,
			answer: { code: 'BODY_NOT_UTF8' },
		});

		const original = body('SEC-E2E-030', 'SEC-E2E-A');
		expect(await send(WEBHOOK, original, signed(original, 'c-1'))).toMatchObject({
			status: 200,
			answer: { invoices: { created: 1 } },
		});
		const forged = body('SEC-E2E-030', 'SEC-E2E-B', { totalIncl: '1.00', dueDate: '2028-12-31' });
		const answer = await send(WEBHOOK, forged, signed(forged, 'c-2'));
		expect(answer).toMatchObject({
			status: 200,
			answer: {
				stored: true,
				rejected: [
					expect.objectContaining({ ref: 'SEC-E2E-030', code: 'INVOICE_CUSTOMER_MISMATCH' }),
				],
			},
		});
		const [invoice] = await (instance as TestInstance).query<{ payable: string; due: string }>(
			`SELECT payable_minor::text AS payable, due_date::text AS due FROM ${table('invoices')} WHERE number = 'SEC-E2E-030'`,
		);
		expect(invoice).toEqual({ payable: '9290040', due: '2026-04-01' });
	}, 120_000);

	// The courier events page reads the body itself too (hidden options.binaryData): n8n 2.40.7 would read and parse a
	// body up to its own 16 MB and answer 500 above it; the page answers 413 from Content-Length and starts nothing.
	test("a courier events request announced above n8n's 16 MB gets the page's 413 (not n8n's 500) and starts no execution", async () => {
		const inst = instance as TestInstance;
		const courierExecutions = async () =>
			(
				await inst.query<{ n: string }>(
					`SELECT count(*)::text AS n FROM "${inst.n8nSchema}".execution_entity WHERE "workflowId" = 'rcvTrackEvents01'`,
				)
			)[0].n;
		const before = await courierExecutions();
		const answer = await send('receivables/courier-events', Buffer.alloc(20 * 1024 * 1024, 0x20), {
			'x-receivables-device': 'nobody',
			'x-receivables-delivery': 'big-1',
		});
		expect(answer).toMatchObject({
			status: 413,
			answer: { code: 'BODY_TOO_LARGE', error: expect.any(String), errorFr: expect.any(String) },
		});
		// The next request is served as usual (the refused one held nothing): its unknown device gets 401.
		expect(
			await send('receivables/courier-events', '{"events":[]}', {
				'x-receivables-device': 'nobody',
				'x-receivables-delivery': 'big-2',
			}),
		).toMatchObject({ status: 401, answer: { code: 'DEVICE_UNKNOWN' } });
		expect(await courierExecutions()).toBe(before);
	}, 120_000);
});
