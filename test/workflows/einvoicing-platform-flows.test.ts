// The shipped AFNOR platform callback workflow: the approved platform (its standard XP Z12-013 API) notifies a new
// flow, signed with its webhook signing key; the Receivables Page Trigger (in-process, as n8n's webhook server calls
// it) checks it before any execution; the workflow (n8n-core's engine) reads the notification, fetches the flow's
// CDAR from the platform and applies its statuses to a real ledger. The platform is a remote third party: here a
// local HTTP server serving test/fixtures/einvoicing/cdar-207-en-litige.xml (checked below against the official CDAR
// D22B XSD and BR-FR-CDV Schematron).
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createIntegrationKey, installDefaultPolicies, planReminders } from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { itValidatesCdar, validateCdar } from '../helpers/einvoice';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow, type WorkflowJson } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import { callPageTrigger } from '../helpers/pageTrigger';

const FILE = 'einvoicing-platform-flows.json';
const CDAR = readFileSync(
	path.join(PACKAGE_ROOT, 'test', 'fixtures', 'einvoicing', 'cdar-207-en-litige.xml'),
);
const { unsignedWritePaths, executionsBeforeSignature } =
	require('../../scripts/lib/signed-paths.cjs') as {
		unsignedWritePaths: (workflow: unknown) => string[];
		executionsBeforeSignature: (workflow: unknown) => string[];
	};

describe('workflow: E-invoicing platform (AFNOR API) → signed flow notification → CDAR fetched → statuses applied', () => {
	const t = engineLedger();
	const SIGNING_KEY = Buffer.alloc(32, 0x5a);
	const TOKEN = 'Bearer platform-api-token-1f3c';
	let server: Server;
	const asked: Array<{ url: string; authorization?: string }> = [];

	function workflow(): WorkflowJson {
		const wf = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', FILE));
		const fetch = wf.nodes.find((n) => n.name === 'Fetch the lifecycle file')!;
		const url = String(fetch.parameters.url);
		expect(url).toMatch(/^=https:\/\/your-platform\.example\/flow-service\{\{ \$json\.path \}\}$/);
		fetch.parameters = {
			...fetch.parameters,
			url: url.replace(
				'https://your-platform.example',
				`http://127.0.0.1:${(server.address() as AddressInfo).port}`,
			),
		};
		return wf;
	}
	const credentials = () => ({
		...t.credentials,
		httpHeaderAuth: { name: 'Authorization', value: TOKEN },
	});

	beforeAll(async () => {
		// The platform's Flow Service: GET /v1/flows/{flowId}?docType=Original with its bearer token gives the CDAR.
		server = createServer((req: IncomingMessage, res) => {
			asked.push({ url: req.url ?? '', authorization: req.headers.authorization });
			const url = new URL(req.url ?? '/', 'http://platform');
			if (req.headers.authorization !== TOKEN)
				return void res
					.writeHead(401, { 'content-type': 'application/json' })
					.end('{"errorCode":"401"}');
			if (
				url.pathname !== '/flow-service/v1/flows/f-cdv-0042' ||
				url.searchParams.get('docType') !== 'Original'
			)
				return void res.writeHead(404).end();
			res
				.writeHead(200, {
					'content-type': 'application/xml',
					'content-disposition': 'attachment; filename="CDV-PA-20261207-0042.xml"',
				})
				.end(CDAR);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		await installDefaultPolicies(t.ledger);
		await seedStaff(t.ledger);
		const customer = await addCustomer(t.ledger, {
			externalId: 'PF-AFNOR',
			name: 'Client Plateforme SAS',
		});
		await addInvoice(t.ledger, {
			customerId: customer,
			number: 'FA-2026-0042',
			issueDate: '2026-11-16',
			dueDate: '2026-12-01',
		});
		await addInvoice(t.ledger, {
			customerId: customer,
			number: 'FA-2026-0043',
			issueDate: '2026-11-16',
			dueDate: '2026-12-01',
		});
		await createIntegrationKey(t.ledger, {
			sender: 'pa-afnor',
			purposes: ['platform-flows'],
			secret: SIGNING_KEY.toString('base64'),
		});
	});
	afterAll(async () => {
		await new Promise((resolve) => server.close(resolve));
		await closeLedgers();
	});

	const flow = (over: Record<string, unknown> = {}) => ({
		flowId: 'f-cdv-0042',
		name: 'CDV-PA-20261207-0042.xml',
		processingRule: 'B2B',
		flowSyntax: 'CDAR',
		flowProfile: 'CIUS',
		submittedAt: '2026-12-07T09:15:00Z',
		updatedAt: '2026-12-07T09:15:02Z',
		flowType: 'CustomerInvoiceLC',
		flowDirection: 'In',
		acknowledgement: { status: 'Ok' },
		...over,
	});
	/** The headers the platform signs a call with: SHA-256 of body@timestamp, HMAC-SHA-256 with the signing key, base64. */
	const signatureOf = (raw: Buffer, key: Buffer, timestamp: string) =>
		createHmac('sha256', key)
			.update(
				createHash('sha256')
					.update(Buffer.concat([raw, Buffer.from(`@${timestamp}`)]))
					.digest(),
			)
			.digest('base64');
	const call = (
		body: unknown,
		options: { key?: Buffer; timestamp?: string; headers?: Record<string, string> } = {},
	) => {
		const raw = Buffer.from(JSON.stringify(body));
		const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
		const headers = options.headers ?? {
			'afnor-signature': signatureOf(raw, options.key ?? SIGNING_KEY, timestamp),
			'afnor-signature-timestamp': timestamp,
		};
		return callPageTrigger(workflow(), t.credentials, {
			method: 'POST',
			rawBody: raw,
			headers: { 'content-type': 'application/json', ...headers },
		});
	};
	const statuses = async () =>
		(await t.ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM lifecycle_statuses'))[0]
			.n;

	test('ships as a signed page: no Webhook node, no execution before the signature check, the platform API credential by reference', () => {
		const wf = workflow();
		expect(wf.nodes.some((n) => n.type === 'n8n-nodes-base.webhook')).toBe(false);
		expect(unsignedWritePaths(wf)).toEqual([]);
		expect(executionsBeforeSignature(wf)).toEqual([]);
		expect(wf.nodes.find((n) => n.name === 'Fetch the lifecycle file')?.credentials).toEqual({
			httpHeaderAuth: { id: 'rcvPlatformApi01', name: 'E-invoicing Platform API' },
		});
	});

	itValidatesCdar()(
		'the fixture the fake platform serves is a valid CDAR message (official XSD and BR-FR-CDV Schematron)',
		() => {
			expect(validateCdar(CDAR.toString('utf8'))).toEqual({ xsd: 'valid', failed: [] });
		},
	);

	test('a signed lifecycle notification: answered 200, the CDAR fetched with the platform credential, 207 applied (dispute, dunning held); the same call again starts nothing', async () => {
		const before = await planReminders(t.ledger, { stage: 'level1', asOf: '2026-12-10' });
		expect(before.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('FA-2026-0042');
		const timestamp = String(Math.floor(Date.now() / 1000));
		const answer = await call(flow(), { timestamp });
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ received: true, flowId: 'f-cdv-0042', action: 'fetch_status' });
		const items = answer.workflowData?.[0] ?? [];
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			platform: 'pa-afnor',
			flowId: 'f-cdv-0042',
			action: 'fetch_status',
			path: '/v1/flows/f-cdv-0042',
		});
		// No signature, timestamp header or key in the execution's item.
		expect(JSON.stringify(items)).not.toMatch(
			new RegExp(`afnor-signature|${SIGNING_KEY.toString('base64').replace(/[+/=]/g, '.')}`, 'i'),
		);

		const run = await runWorkflow(workflow(), { triggerItems: items, credentials: credentials() });
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(asked).toEqual([
			{ url: '/flow-service/v1/flows/f-cdv-0042?docType=Original', authorization: TOKEN },
		]);
		expect(run.json('Statuses applied')).toEqual([
			expect.objectContaining({
				invoiceNumber: 'FA-2026-0042',
				statusCode: '207',
				effect: 'dispute',
			}),
		]);
		expect(run.executed).not.toContain('Platform did not give the file');
		const [row] = await t.ledger.query<Record<string, string>>(
			"SELECT status_code, reason_code, outcome, seller_id, source FROM lifecycle_statuses WHERE invoice_number = 'FA-2026-0042'",
		);
		expect(row).toMatchObject({
			status_code: '207',
			reason_code: 'QTE_ERR',
			outcome: 'applied',
			seller_id: '732829320',
		});
		const [dispute] = await t.ledger.query<{ n: string }>(
			"SELECT count(*)::text AS n FROM dispute_invoices di JOIN invoices i ON i.id = di.invoice_id WHERE i.number = 'FA-2026-0042'",
		);
		expect(dispute.n).toBe('1');
		const after = await planReminders(t.ledger, { stage: 'level1', asOf: '2026-12-10' });
		expect(after.held.map((h) => h.number)).toContain('FA-2026-0042');
		expect(after.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('FA-2026-0043');

		// The same signed call again (a retry, or a replay within the tolerance): the first answer, no execution.
		const again = await call(flow(), { timestamp });
		expect(again.status).toBe(200);
		expect(again.json).toEqual({
			received: true,
			flowId: 'f-cdv-0042',
			action: 'fetch_status',
			repeated: true,
		});
		expect(again.workflowData).toBeUndefined();
	});

	test('unsigned, forged, stale or oversized calls are refused before any execution, and change nothing', async () => {
		const before = await statuses();
		const fetched = asked.length;
		const cases: Array<[Awaited<ReturnType<typeof call>>, number, string]> = [
			[await call(flow(), { headers: {} }), 401, 'AFNOR_SIGNATURE_MISSING'],
			[await call(flow(), { key: Buffer.alloc(32, 0x11) }), 401, 'AFNOR_SIGNATURE_INVALID'],
			[
				await call(flow(), { timestamp: String(Math.floor(Date.now() / 1000) - 3600) }),
				401,
				'AFNOR_SIGNATURE_STALE',
			],
			[await call({ flowId: 'x'.repeat(2 * 1024 * 1024) }), 413, 'BODY_TOO_LARGE'],
			// Announced above n8n's own 16 MB: refused from Content-Length, before a byte is read (n8n itself would answer 500).
			[
				await call(flow(), { headers: { 'content-length': String(20 * 1024 * 1024) } }),
				413,
				'BODY_TOO_LARGE',
			],
			[await call({ hello: 'world' }), 400, 'AFNOR_FLOW_SHAPE'],
		];
		for (const [answer, status, code] of cases) {
			expect({ status: answer.status, code: (answer.json as { code?: string }).code }).toEqual({
				status,
				code,
			});
			expect((answer.json as { errorFr?: string }).errorFr).toEqual(expect.any(String));
			expect(answer.workflowData).toBeUndefined();
		}
		expect(await statuses()).toBe(before);
		expect(asked).toHaveLength(fetched);
	});

	test('another kind of flow (an invoice, not a status) is acknowledged and left aside with the reason; nothing is fetched', async () => {
		const fetched = asked.length;
		const answer = await call(
			flow({ flowId: 'f-inv-0007', flowType: 'CustomerInvoice', flowSyntax: 'CII' }),
		);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ received: true, flowId: 'f-inv-0007', action: 'ignore' });
		const run = await runWorkflow(workflow(), {
			triggerItems: answer.workflowData![0],
			credentials: credentials(),
		});
		expect(run.error).toBeUndefined();
		expect(run.json('Other flows (ignored, see reasonFr)')).toEqual([
			expect.objectContaining({
				flowId: 'f-inv-0007',
				reasonFr: expect.stringMatching(/cycle de vie/),
			}),
		]);
		expect(asked).toHaveLength(fetched);
	});

	test('the platform refusing the download (a wrong API credential): the notification lands on "Platform did not give the file", nothing is applied', async () => {
		const before = await statuses();
		const answer = await call(flow({ updatedAt: '2026-12-07T10:00:00Z' }));
		expect(answer.status).toBe(200);
		const wf = workflow();
		// No retries here: the refusal is the same each time.
		wf.nodes.find((n) => n.name === 'Fetch the lifecycle file')!.retryOnFail = false;
		const run = await runWorkflow(wf, {
			triggerItems: answer.workflowData![0],
			credentials: {
				...t.credentials,
				httpHeaderAuth: { name: 'Authorization', value: 'Bearer wrong' },
			},
		});
		expect(run.error).toBeUndefined();
		expect(run.json('Platform did not give the file')).toHaveLength(1);
		expect(await statuses()).toBe(before);
	});
});
