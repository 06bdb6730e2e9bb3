// Attacks on the intake webhook, through the shipped workflow's Receivables Page Trigger (page Signed Intake, called
// as n8n's webhook server calls it; real ledger): unsigned or cross-webhook requests, retries, oversized and malformed
// bodies, database faults, and records under another customer's code. A refused request starts no execution.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
	createIntegrationKey,
	signWebhookRequest,
	storeInvoices,
	upsertCustomers,
} from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { loadWorkflow, PACKAGE_ROOT, type WorkflowJson } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import { callPageTrigger } from '../helpers/pageTrigger';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unsignedWritePaths, executionsBeforeSignature } =
	require('../../scripts/lib/signed-paths.cjs') as {
		unsignedWritePaths: (workflow: unknown) => string[];
		executionsBeforeSignature: (workflow: unknown) => string[];
	};

const WORKFLOWS = path.join(PACKAGE_ROOT, 'workflows');
const SECRET = 'whsec_security_0123456789abcdef';

/** The shipped signed webhook: its Receivables Page Trigger answers the sender. */
function signedWorkflow(): WorkflowJson {
	return loadWorkflow(path.join(WORKFLOWS, 'intake-signed-webhook.json'));
}

interface Request {
	raw: Buffer;
	headers: Record<string, string>;
}

function request(raw: string | Buffer, headers: Record<string, string>): Request {
	return {
		raw: typeof raw === 'string' ? Buffer.from(raw) : raw,
		headers: { 'content-type': 'application/json', ...headers },
	};
}

interface Answer {
	stored: boolean;
	delivery?: string;
	code?: string;
	error?: string;
	errorFr?: string;
	reference?: string;
	repeated?: boolean;
	invoices?: { created: number; revised: number; unchanged: number };
	rejected?: Array<{ ref: string | null; code: string; error: string; errorFr: string }>;
}

describe('security: intake webhook', () => {
	const t = engineLedger({ receivablesWebhookApi: { secret: SECRET, previousSecret: '' } });
	const workflow = signedWorkflow();

	// The trigger's ledger pools, before engineLedger drops the schema.
	afterAll(() => closeLedgers());

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{ externalId: 'CUST-A', name: 'Atlas Distribution', language: 'fr' },
			{ externalId: 'CUST-B', name: 'Baobab Négoce', language: 'fr' },
		]);
	});

	/** Sends the request; a refused one must start no execution. */
	const post = async (
		call: Request,
	): Promise<{
		statusCode: number;
		body: Answer;
		logged: Array<{ message: string; meta?: unknown }>;
	}> => {
		const answer = await callPageTrigger(workflow, t.credentials, {
			method: 'POST',
			rawBody: call.raw,
			headers: call.headers,
		});
		if (answer.status !== 200 || (answer.json as Answer).repeated)
			expect(answer.workflowData).toBeUndefined();
		return { statusCode: answer.status, body: answer.json as Answer, logged: answer.logged };
	};
	const signed = (
		raw: string | Buffer,
		delivery: string,
		options: { secret?: string; purpose?: string; keyId?: string; v1?: boolean } = {},
	): Request =>
		request(raw, {
			'x-receivables-delivery': delivery,
			'x-receivables-signature': signWebhookRequest({
				rawBody: raw,
				secret: options.secret ?? SECRET,
				deliveryId: delivery,
				...(options.v1 ? {} : { purpose: options.purpose ?? 'intake' }),
			}),
			...(options.keyId ? { 'x-receivables-key': options.keyId } : {}),
		});
	const footprint = async () =>
		(
			await t.ledger.query<
				Record<string, string>
			>(`SELECT (SELECT count(*) FROM invoices)::text AS invoices, (SELECT coalesce(sum(open_minor), 0)::text FROM invoices) AS open,
			(SELECT count(*) FROM webhook_deliveries)::text AS deliveries, (SELECT count(*) FROM history)::text AS history`)
		)[0];
	const invoice = (
		number: string,
		customerId: string,
		totalIncl: string,
		extra: Record<string, string> = {},
	) => ({
		number,
		customerId,
		currency: 'MAD',
		totalIncl,
		issueDate: '2026-03-02',
		dueDate: '2026-04-01',
		...extra,
	});

	test('no shipped workflow has an unsigned write path, and the unsigned intake workflow is gone', () => {
		const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.json'));
		const unsigned = files
			.map((f) => [
				f,
				unsignedWritePaths(JSON.parse(readFileSync(path.join(WORKFLOWS, f), 'utf8'))),
			])
			.filter(([, paths]) => paths.length);
		expect(unsigned).toEqual([]);
		expect(files).not.toContain('foundation-invoices-webhook.json');
		// The check itself finds an unsigned write path: a Webhook feeding Store Invoices directly.
		expect(
			unsignedWritePaths({
				nodes: [
					{
						name: 'Hook',
						type: 'n8n-nodes-base.webhook',
						parameters: { httpMethod: 'POST', path: 'open', options: {} },
					},
					{
						name: 'Store',
						type: 'n8n-nodes-receivables.invoiceIntake',
						parameters: { operation: 'storeInvoices' },
					},
				],
				connections: { Hook: { main: [[{ node: 'Store', type: 'main', index: 0 }]] } },
			}),
		).toEqual(['open']);
		// The shipped intake path is the page trigger's signed page; a page trigger serving a page that is neither signed
		// nor behind its own login would be an unsigned path.
		const shipped = JSON.parse(
			readFileSync(path.join(WORKFLOWS, 'intake-signed-webhook.json'), 'utf8'),
		) as WorkflowJson;
		expect(shipped.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook')).toEqual([]);
		expect(executionsBeforeSignature(shipped)).toEqual([]);
		expect(
			shipped.nodes.find((n) => n.type === 'n8n-nodes-receivables.receivablesPageTrigger')
				?.parameters,
		).toMatchObject({ page: 'signedIntake', path: 'receivables/signed' });
		expect(
			unsignedWritePaths({
				nodes: [
					{
						name: 'Page',
						type: 'n8n-nodes-receivables.receivablesPageTrigger',
						parameters: { page: 'somethingNew', path: 'new' },
					},
				],
				connections: {},
			}),
		).toEqual(['new']);
	});

	test('an unsigned request is refused with 401 and changes nothing', async () => {
		const before = await footprint();
		const raw = JSON.stringify({ invoices: [invoice('FA-ATTACK-1', 'CUST-A', '250000.00')] });
		const answer = await post(request(raw, { 'x-receivables-delivery': 'attack-1' }));
		expect(answer).toMatchObject({
			statusCode: 401,
			body: { stored: false, code: 'SIGNATURE_MISSING' },
		});
		expect(await footprint()).toEqual(before);
	});

	test('a request signed for another webhook, or with the purpose-less v1 form, is refused', async () => {
		const before = await footprint();
		const raw = JSON.stringify({ invoices: [invoice('FA-REPLAY-1', 'CUST-A', '100.00')] });
		expect(await post(signed(raw, 'cross-1', { purpose: 'courier-events' }))).toMatchObject({
			statusCode: 401,
			body: { code: 'SIGNATURE_MISMATCH' },
		});
		expect(await post(signed(raw, 'cross-2', { v1: true }))).toMatchObject({
			statusCode: 401,
			body: { code: 'SIGNATURE_MISMATCH' },
		});
		// An integration key limited to another purpose is refused here even when its signature is for intake.
		const phone = await createIntegrationKey(t.ledger, {
			sender: 'phone-7',
			keyId: 'phone-7',
			purposes: ['courier-events'],
		});
		expect(
			await post(signed(raw, 'cross-3', { secret: phone.secret, keyId: 'phone-7' })),
		).toMatchObject({ statusCode: 401, body: { code: 'KEY_PURPOSE' } });
		expect(await footprint()).toEqual(before);
	});

	test('a retried delivery gets the first answer (200, stored: true); another body under the same id gets 409', async () => {
		const raw = JSON.stringify({ invoices: [invoice('FA-RETRY-1', 'CUST-A', '1200.00')] });
		const first = await post(signed(raw, 'retry-1'));
		expect(first).toMatchObject({
			statusCode: 200,
			body: { stored: true, delivery: 'retry-1', invoices: { created: 1 } },
		});
		const after = await footprint();
		const again = await post(signed(raw, 'retry-1'));
		expect(again.statusCode).toBe(200);
		expect(again.body).toEqual({ ...first.body, repeated: true });
		expect(await footprint()).toEqual(after);
		const other = JSON.stringify({ invoices: [invoice('FA-RETRY-1', 'CUST-A', '1.00')] });
		expect(await post(signed(other, 'retry-1'))).toMatchObject({
			statusCode: 409,
			body: { stored: false, code: 'DELIVERY_CONFLICT' },
		});
		expect(await footprint()).toEqual(after);
	});

	test('an oversized body gets 413 before its signature is even read', async () => {
		const before = await footprint();
		const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
		expect(await post(request(big, { 'x-receivables-delivery': 'big-1' }))).toMatchObject({
			statusCode: 413,
			body: { stored: false, code: 'BODY_TOO_LARGE' },
		});
		// Announced too large by its Content-Length: refused before its bytes are looked at.
		expect(
			await post(
				request('{}', {
					'x-receivables-delivery': 'big-2',
					'content-length': String(64 * 1024 * 1024),
				}),
			),
		).toMatchObject({ statusCode: 413, body: { stored: false, code: 'BODY_TOO_LARGE' } });
		expect(await footprint()).toEqual(before);
	});

	test('NUL characters and invalid UTF-8 get a clear 400', async () => {
		const before = await footprint();
		const escaped = JSON.stringify({
			invoices: [invoice('FA-NUL-1', 'CUST-A', '10.00', { customerName: 'Atlas\u0000' })],
		});
		expect(escaped).toContain('\\u0000');
		expect(await post(signed(escaped, 'nul-1'))).toMatchObject({
			statusCode: 400,
			body: { code: 'BODY_NUL', errorFr: expect.stringContaining('NUL') },
		});
		const raw = Buffer.concat([
			Buffer.from('{"invoices":[{"number":"FA-NUL-2","customerId":"CUST-A"'),
			Buffer.from([0]),
			Buffer.from('}]}'),
		]);
		expect(await post(signed(raw, 'nul-2'))).toMatchObject({
			statusCode: 400,
			body: { code: 'BODY_NUL' },
		});
		const latin1 = Buffer.from(
			JSON.stringify({
				invoices: [invoice('FA-LAT-1', 'CUST-A', '10.00', { customerName: 'Société' })],
			}),
			'latin1',
		);
		expect(await post(signed(latin1, 'utf8-1'))).toMatchObject({
			statusCode: 400,
			body: { code: 'BODY_NOT_UTF8', error: expect.stringContaining('UTF-8') },
		});
		expect(await footprint()).toEqual(before);
	});

	test('a database fault reaches the sender as a generic message with a reference, never the database text', async () => {
		await t.ledger
			.query(`CREATE FUNCTION security_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
			RAISE EXCEPTION 'relation "secret_internal_table" violates constraint chk_internal_42'; END $$`);
		await t.ledger.query(
			'CREATE TRIGGER security_fault BEFORE INSERT ON history FOR EACH ROW EXECUTE FUNCTION security_fault()',
		);
		try {
			const before = await footprint();
			const raw = JSON.stringify({ invoices: [invoice('FA-FAULT-1', 'CUST-A', '10.00')] });
			const answer = await post(signed(raw, 'fault-1'));
			expect(answer).toMatchObject({
				statusCode: 500,
				body: { stored: false, code: 'INTERNAL_ERROR', reference: expect.stringMatching(/^ERR-/) },
			});
			expect(JSON.stringify(answer.body)).not.toMatch(
				/secret_internal_table|chk_internal_42|violates|relation/,
			);
			// The detail is kept for the people who run n8n: n8n's log, under the reference the sender got.
			expect(answer.logged).toContainEqual({
				message: expect.stringContaining(answer.body.reference as string),
				meta: expect.objectContaining({
					reference: answer.body.reference,
					detail: expect.stringContaining('chk_internal_42'),
				}),
			});
			expect(await footprint()).toEqual(before);
		} finally {
			await t.ledger.query('DROP TRIGGER security_fault ON history');
		}
		// A record the ledger refuses with database words is answered with fixed words and a reference; the others land.
		await t.ledger
			.query(`CREATE FUNCTION security_row_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
			IF NEW.number = 'FA-FAULT-3' THEN RAISE EXCEPTION 'row rejected by chk_internal_43'; END IF; RETURN NEW; END $$`);
		await t.ledger.query(
			'CREATE TRIGGER security_row_fault BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION security_row_fault()',
		);
		try {
			const raw = JSON.stringify({
				invoices: [
					invoice('FA-FAULT-2', 'CUST-A', '10.00'),
					invoice('FA-FAULT-3', 'CUST-A', '10.00'),
				],
			});
			const answer = await post(signed(raw, 'fault-2'));
			expect(answer).toMatchObject({
				statusCode: 200,
				body: { stored: true, invoices: { created: 1 } },
			});
			expect(answer.body.rejected).toEqual([
				expect.objectContaining({
					ref: 'FA-FAULT-3',
					code: 'INVOICE_STORE_FAILED',
					error: expect.stringMatching(/could not be stored \(reference ERR-[0-9A-F]{10}\)/),
				}),
			]);
			expect(JSON.stringify(answer.body)).not.toContain('chk_internal_43');
		} finally {
			await t.ledger.query('DROP TRIGGER security_row_fault ON invoices');
		}
	});

	test("a record under customer B's code never rewrites customer A's invoice (signed path)", async () => {
		const original = JSON.stringify({ invoices: [invoice('FA-A-0001', 'CUST-A', '92900.40')] });
		expect(await post(signed(original, 'a-1'))).toMatchObject({
			statusCode: 200,
			body: { invoices: { created: 1 } },
		});
		const before = await t.ledger.query<Record<string, string>>(
			"SELECT i.payable_minor::text, i.due_date::text, c.external_id FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.number = 'FA-A-0001'",
		);

		const forged = JSON.stringify({
			invoices: [invoice('FA-A-0001', 'CUST-B', '1.00', { dueDate: '2028-12-31' })],
			creditNotes: [
				{
					number: 'AV-B-0001',
					customerId: 'CUST-B',
					currency: 'MAD',
					totalIncl: '92900.40',
					issueDate: '2026-03-05',
					dueDate: '2026-03-05',
					creditedNumber: 'FA-A-0001',
				},
			],
		});
		const answer = await post(signed(forged, 'b-1'));
		expect(answer.statusCode).toBe(200);
		expect(answer.body.rejected).toEqual([
			expect.objectContaining({
				ref: 'FA-A-0001',
				code: 'INVOICE_CUSTOMER_MISMATCH',
				errorFr: expect.stringContaining('autre client'),
			}),
			expect.objectContaining({
				ref: 'AV-B-0001',
				code: 'CREDIT_NOTE_OTHER_CUSTOMER',
				errorFr: expect.stringContaining('autre client'),
			}),
		]);
		const after = await t.ledger.query<Record<string, string>>(
			"SELECT i.payable_minor::text, i.due_date::text, c.external_id FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.number = 'FA-A-0001'",
		);
		expect(after).toEqual(before);
		const [open] = await t.ledger.query<{ open_minor: string; status: string }>(
			"SELECT open_minor::text, status FROM invoices WHERE number = 'FA-A-0001'",
		);
		expect(open).toEqual({ open_minor: '9290040', status: 'open' });
	});

	test("a record naming another issuer never revises the issuer's invoice of the same number: it is another document", async () => {
		const original = JSON.stringify({ invoices: [invoice('FA-I-0001', 'CUST-A', '5000.00')] });
		expect(await post(signed(original, 'i-1'))).toMatchObject({
			statusCode: 200,
			body: { invoices: { created: 1 } },
		});
		const other = JSON.stringify({
			invoices: [
				invoice('FA-I-0001', 'CUST-A', '1.00', {
					issuer: 'another-company',
					dueDate: '2028-12-31',
				}),
			],
		});
		expect(await post(signed(other, 'i-2'))).toMatchObject({
			statusCode: 200,
			body: { invoices: { created: 1, revised: 0 } },
		});
		const rows = await t.ledger.query<Record<string, string>>(
			"SELECT issuer, payable_minor::text AS payable, due_date::text AS due, revision::text FROM invoices WHERE number = 'FA-I-0001' ORDER BY issuer",
		);
		expect(rows).toEqual([
			{ issuer: 'another-company', payable: '100', due: '2028-12-31', revision: '1' },
			{ issuer: 'default', payable: '500000', due: '2026-04-01', revision: '1' },
		]);
	});

	test("the same rule on every intake path: Store Invoices (fields, files, mailbox) refuses another customer's revision with FR/EN words", async () => {
		const original = {
			docType: 'invoice' as const,
			number: 'FA-A-0100',
			customerExternalId: 'CUST-A',
			currency: 'MAD',
			totalExclMinor: 1000000n,
			totalTaxMinor: 200000n,
			totalInclMinor: 1200000n,
			payableMinor: 1200000n,
			issueDate: '2026-03-01',
			dueDate: '2026-03-31',
		};
		expect((await storeInvoices(t.ledger, [original]))[0].status).toBe('created');
		const [outcome] = await storeInvoices(t.ledger, [
			{
				...original,
				customerExternalId: 'CUST-B',
				totalInclMinor: 100n,
				payableMinor: 100n,
				totalExclMinor: 100n,
				totalTaxMinor: 0n,
				dueDate: '2028-12-31',
			},
		]);
		expect(outcome).toMatchObject({
			status: 'rejected',
			error: {
				code: 'INVOICE_CUSTOMER_MISMATCH',
				message: expect.stringContaining('another customer'),
				messageFr: expect.stringContaining('autre client'),
			},
		});
		const [row] = await t.ledger.query<Record<string, string>>(
			"SELECT payable_minor::text AS payable, due_date::text AS due, revision::text FROM invoices WHERE number = 'FA-A-0100'",
		);
		expect(row).toEqual({ payable: '1200000', due: '2026-03-31', revision: '1' });
	});
});
