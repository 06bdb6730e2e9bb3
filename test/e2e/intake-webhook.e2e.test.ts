// The signed webhook in a real n8n 2.40.7, over HTTP: the package packed and installed as n8n installs community
// packages, the shipped workflows imported and published, the webhook secret imported as the Receivables Webhook
// credential. Unsigned, badly signed and stale requests get 401, change nothing and start no execution (the
// Receivables Page Trigger answers them itself); a genuine one is committed before its 2xx answer and starts one.
import path from 'node:path';
import { signWebhookRequest } from '../../core';
import { testLedgerConfig } from '../helpers/db';
import {
	eventually,
	FIXED_CREDENTIALS,
	prepareInstance,
	runtimeLibrary,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';
import type { SignedIntakeAnswer } from '../workflows/intake-signed-helpers';

const WEBHOOK = 'receivables/signed';
const WORKFLOW_ID = 'rcvSignedHook001';
const SECRET = 'whsec_e2e_0123456789abcdefghij';

type Answer = SignedIntakeAnswer;

const body = {
	invoices: [
		{
			number: 'E2E-2026-001',
			customerId: 'CL-TOULOUSE',
			customerName: 'Garage du Capitole',
			currency: 'EUR',
			totalExcl: '500,00',
			totalTax: '100,00',
			totalIncl: '600,00',
			issueDate: '2026-03-02',
			dueDate: '2026-04-01',
		},
		{
			number: 'E2E-2026-002',
			customerId: 'CL-TOULOUSE',
			currency: 'EUR',
			totalIncl: '240,00',
			issueDate: '2026-03-03',
			dueDate: '2026-04-02',
		},
		{
			number: 'E2E-2026-003',
			customerId: 'CL-TOULOUSE',
			currency: 'EUR',
			totalIncl: '10,00',
			issueDate: '2026-02-30',
			dueDate: '2026-04-02',
		},
	],
	payments: [
		{
			externalRef: 'VIR-E2E-1',
			amount: '240,00',
			date: '2026-03-20',
			reference: 'VIR GARAGE DU CAPITOLE E2E 2026 002',
		},
	],
};

describe('real n8n: signed webhook from accounting software', () => {
	let instance: TestInstance | undefined;
	let n8n: N8nProcess;

	const ledger = (table: string): string => `"${instance?.ledgerSchema}".${table}`;
	const footprint = async () =>
		(
			await (instance as TestInstance).query<Record<string, string>>(`SELECT
			(SELECT count(*) FROM ${ledger('invoices')})::text AS invoices, (SELECT count(*) FROM ${ledger('payments')})::text AS payments,
			(SELECT count(*) FROM ${ledger('allocations')})::text AS allocations, (SELECT count(*) FROM ${ledger('history')})::text AS history,
			(SELECT count(*) FROM ${ledger('webhook_deliveries')})::text AS deliveries, (SELECT count(*) FROM ${ledger('customers')})::text AS customers`)
		)[0];

	const send = async (
		raw: string,
		headers: Record<string, string>,
	): Promise<{ status: number; answer: Answer }> => {
		const response = await fetch(`${n8n.url}/webhook/${WEBHOOK}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body: raw,
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		try {
			return { status: response.status, answer: JSON.parse(text) as Answer };
		} catch {
			throw new Error(
				`webhook answered ${response.status} with ${text}\n--- n8n output ---\n${n8n.output().slice(-4000)}`,
			);
		}
	};
	const signedHeaders = (
		raw: string,
		delivery: string,
		options: { timestamp?: number; secret?: string } = {},
	) => ({
		'x-receivables-delivery': delivery,
		'x-receivables-signature': signWebhookRequest({
			rawBody: raw,
			secret: options.secret ?? SECRET,
			deliveryId: delivery,
			timestamp: options.timestamp,
			purpose: 'intake',
		}),
	});

	beforeAll(async () => {
		instance = await prepareInstance('intakewh');
		// The ledger schema is created on the first use of a ledger node; create it now, with the installed package's
		// own migrations, so that "nothing changed" can be counted from the first request on.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const installed = require(
			path.join(instance.packageDir, 'dist', 'core', 'index.js'),
		) as typeof import('../../core');
		const ledgerHandle = installed.openLedger(testLedgerConfig(instance.ledgerSchema));
		await ledgerHandle.ensureReady();
		await ledgerHandle.close();
		const env = await instance.env();
		await runtimeLibrary.importCredentials(instance.runtime, env, [
			{
				...FIXED_CREDENTIALS.receivablesWebhookApi,
				type: 'receivablesWebhookApi',
				data: { secret: SECRET, previousSecret: '' },
			},
		]);
		n8n = await instance.start('main', env);
		await runtimeLibrary.waitForWebhook(n8n.url, WEBHOOK, { method: 'POST', timeoutMs: 180_000 });
	}, 15 * 60_000);

	afterAll(async () => {
		await instance?.cleanup();
	}, 120_000);

	test('the workflow is published with its webhook', () => {
		expect(instance?.published).toContain(WORKFLOW_ID);
	});

	const executions = (inst: TestInstance) =>
		inst.query<{ status: string; n: string }>(
			`SELECT status, count(*)::text AS n FROM "${inst.n8nSchema}".execution_entity WHERE "workflowId" = $1 GROUP BY status`,
			[WORKFLOW_ID],
		);

	test('unsigned, badly signed, stale, future-dated and malformed requests get 401, change nothing and start no execution', async () => {
		const before = await footprint();
		const raw = JSON.stringify(body);
		const now = Math.floor(Date.now() / 1000);
		const cases: Array<[string, Record<string, string>]> = [
			['SIGNATURE_MISSING', { 'x-receivables-delivery': 'e2e-1' }],
			['SIGNATURE_MISMATCH', signedHeaders(raw, 'e2e-1', { secret: 'whsec_somebody_else_000000' })],
			[
				'SIGNATURE_MISMATCH',
				{ ...signedHeaders(raw, 'e2e-1'), 'x-receivables-delivery': 'e2e-other' },
			],
			['SIGNATURE_STALE', signedHeaders(raw, 'e2e-1', { timestamp: now - 3600 })],
			['SIGNATURE_FUTURE', signedHeaders(raw, 'e2e-1', { timestamp: now + 3600 })],
			[
				'SIGNATURE_MALFORMED',
				{ 'x-receivables-delivery': 'e2e-1', 'x-receivables-signature': 'sha256=0123' },
			],
		];
		for (const [code, headers] of cases) {
			const { status, answer } = await send(raw, headers);
			expect({ code, status, answer }).toMatchObject({
				code,
				status: 401,
				answer: { received: false, code },
			});
			expect(answer.errorFr).toBeTruthy();
		}
		// The body changed after signing: the signature covers the exact bytes.
		const tampered = await send(raw.replace('600,00', '6,00'), signedHeaders(raw, 'e2e-1'));
		expect(tampered).toMatchObject({ status: 401, answer: { code: 'SIGNATURE_MISMATCH' } });
		expect(await footprint()).toEqual(before);
		expect(await executions(instance as TestInstance)).toEqual([]);
	}, 180_000);

	test('a genuine request is committed before its 200 answer; the same request sent again gets the same answer and changes nothing', async () => {
		const inst = instance as TestInstance;
		const raw = JSON.stringify(body);
		const headers = signedHeaders(raw, 'e2e-1');
		const first = await send(raw, headers);
		expect(first.status).toBe(200);
		expect(first.answer).toMatchObject({
			received: true,
			deliveryId: 'e2e-1',
			invoices: { created: 2, revised: 0, unchanged: 0 },
			payments: { created: 1, unchanged: 0 },
		});
		expect(first.answer.rejected).toEqual([
			expect.objectContaining({ kind: 'invoice', ref: 'E2E-2026-003', code: 'DATE_INVALID' }),
		]);

		// Read right after the answer, without waiting: the data was committed before n8n answered.
		const rows = await inst.query<Record<string, string>>(
			`SELECT i.number, i.open_minor::text AS open, i.status, c.external_id AS customer
			 FROM ${ledger('invoices')} i JOIN ${ledger('customers')} c ON c.id = i.customer_id ORDER BY i.number`,
		);
		expect(rows).toEqual([
			{ number: 'E2E-2026-001', open: '60000', status: 'open', customer: 'CL-TOULOUSE' },
			{ number: 'E2E-2026-002', open: '0', status: 'paid', customer: 'CL-TOULOUSE' },
		]);
		expect(
			await inst.query(`SELECT source, delivery_id FROM ${ledger('webhook_deliveries')}`),
		).toEqual([{ source: 'accounting', delivery_id: 'e2e-1' }]);

		const after = await footprint();
		const replay = await send(raw, headers);
		// A retry of the same delivery (the answer was lost) gets the first answer again, and changes nothing.
		expect(replay).toMatchObject({ status: 200, answer: { ...first.answer, repeated: true } });
		expect(await footprint()).toEqual(after);

		// A signed body that is not JSON: the trigger reads the body itself (n8n does not parse it first) and answers 400.
		const notJson = '{"invoices": [';
		expect(await send(notJson, signedHeaders(notJson, 'e2e-2'))).toMatchObject({
			status: 400,
			answer: { code: 'BODY_NOT_JSON' },
		});
		expect(await footprint()).toEqual(after);

		// One execution in all: the stored delivery's, which went through the (disabled) e-mail node and ended well. The
		// refused requests (earlier test), the retry and the body that is not JSON started none.
		const settled = await eventually(
			() => executions(inst),
			(list) =>
				list.length > 0 && list.every((row) => row.status !== 'running' && row.status !== 'new'),
		);
		expect(settled).toEqual([{ status: 'success', n: '1' }]);
	}, 180_000);
});
