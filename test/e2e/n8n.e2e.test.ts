// End to end in a real n8n 2.40.7 (Node 24, Postgres as n8n's database): the package is packed and installed the
// way n8n installs community packages, every shipped workflow is imported, the ones with triggers are published,
// a webhook workflow is called over HTTP and a manual one is run with `n8n execute`, and the ledger is checked.
// The first run installs n8n into .runtime/n8n (about 6 minutes); later runs reuse it.
import { randomBytes } from 'node:crypto';
import { signWebhookRequest } from '../../core';
import {
	eventually,
	ownerCookie,
	packageCredentialTypes,
	packageManifest,
	packageNodeTypes,
	prepareInstance,
	runtimeLibrary,
	shippedWorkflows,
	webhookEndpoints,
	type N8nEnv,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';

const WEBHOOK = 'receivables/signed';
const INVOICES_WORKFLOW = 'rcvSignedHook001';
const SECRET = `whsec_e2e_${randomBytes(12).toString('hex')}`;
const CUSTOMERS_WORKFLOW = 'rcvDemoCustomer1';

const good = {
	number: 'FA-2026-0101',
	customerId: 'CL-NANTES',
	customerName: 'Menuiserie Dupont',
	currency: 'EUR',
	totalExcl: '1 000,00',
	totalTax: '200,00',
	totalIncl: '1 200,00',
	issueDate: '2026-03-02',
	dueDate: '2026-04-01',
};
const bad = { ...good, number: 'FA-2026-0102', issueDate: '31/02/2026' };
const single = {
	number: 'FA-2026-0103',
	customerId: 'CL-RABAT',
	customerName: 'Rabat Logistique',
	currency: 'MAD',
	totalIncl: '6000.00',
	totalTax: '1000.00',
	issueDate: '15/03/2026',
	termsDays: 60,
};

interface Answer {
	stored: boolean;
	delivery: string;
	invoices: { created: number; revised: number; unchanged: number };
	rejected: Array<{ ref: string | null; code: string; error: string; errorFr: string }>;
}

describe('real n8n 2.40.7 with the packed package', () => {
	let instance: TestInstance | undefined;
	let env: N8nEnv;
	let n8n: N8nProcess;

	let deliveries = 0;
	const post = async (body: unknown): Promise<{ status: number; answer: Answer }> => {
		const raw = JSON.stringify(body);
		const delivery = `e2e-${++deliveries}`;
		const response = await fetch(`${n8n.url}/webhook/${WEBHOOK}`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-receivables-delivery': delivery,
				'x-receivables-signature': signWebhookRequest({
					rawBody: raw,
					secret: SECRET,
					deliveryId: delivery,
					purpose: 'intake',
				}),
			},
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
	const ledger = (table: string): string => `"${instance?.ledgerSchema}".${table}`;

	beforeAll(async () => {
		instance = await prepareInstance('e2e', { webhookSecret: SECRET });
		env = await instance.env();
		n8n = await instance.start('main', env);
	}, 25 * 60_000);

	afterAll(async () => {
		await instance?.cleanup();
	}, 120_000);

	test('publishes the workflows that have triggers, and n8n serves their webhooks', async () => {
		const inst = instance as TestInstance;
		expect(inst.published).toContain(INVOICES_WORKFLOW);
		expect(inst.published).not.toContain(CUSTOMERS_WORKFLOW);
		for (const { workflow } of shippedWorkflows().filter(({ workflow }) =>
			inst.published.includes(workflow.id),
		)) {
			for (const endpoint of webhookEndpoints(workflow)) {
				await runtimeLibrary.waitForWebhook(n8n.url, endpoint.path, {
					method: endpoint.method,
					timeoutMs: 120_000,
					endpoint: endpoint.endpoint,
				});
			}
		}
	}, 240_000);

	test('n8n loads every node and credential the package declares, under the production type names', async () => {
		const inst = instance as TestInstance;
		const cookie = await ownerCookie(n8n.url);
		const nodes = (await (
			await fetch(`${n8n.url}/types/nodes.json`, { headers: { cookie } })
		).json()) as Array<{ name: string }>;
		const credentials = (await (
			await fetch(`${n8n.url}/types/credentials.json`, { headers: { cookie } })
		).json()) as Array<{ name: string }>;
		const loadedNodes = new Set(nodes.map((n) => n.name));
		const loadedCredentials = new Set(credentials.map((c) => c.name));

		const declared = [...packageNodeTypes('dist', inst.packageDir).keys()];
		expect(declared).toHaveLength(packageManifest(inst.packageDir).n8n.nodes.length);
		expect(declared).toContain('n8n-nodes-receivables.invoiceIntake');
		expect(declared.filter((type) => !loadedNodes.has(type))).toEqual([]);
		expect([...loadedNodes].filter((type) => type.startsWith('CUSTOM.'))).toEqual([]);
		expect(loadedNodes.has('n8n-nodes-base.webhook')).toBe(true);

		const declaredCredentials = packageCredentialTypes(inst.packageDir);
		expect(declaredCredentials).toEqual(
			expect.arrayContaining(['receivablesLedgerApi', 'receivablesSmtpApi']),
		);
		expect(declaredCredentials.filter((name) => !loadedCredentials.has(name))).toEqual([]);
	}, 60_000);

	test('the signed invoices webhook stores the good invoices and answers with the rejected ones, in English and French', async () => {
		const inst = instance as TestInstance;
		await runtimeLibrary.waitForWebhook(n8n.url, WEBHOOK);

		const first = await post({ invoices: [good, bad] });
		expect(first.status).toBe(200);
		expect(first.answer).toMatchObject({
			stored: true,
			delivery: 'e2e-1',
			invoices: { created: 1, revised: 0, unchanged: 0 },
		});
		expect(first.answer.rejected).toEqual([
			expect.objectContaining({ ref: 'FA-2026-0102', code: 'DATE_INVALID' }),
		]);
		expect(first.answer.rejected[0].error).toContain('31/02/2026');
		expect(first.answer.rejected[0].errorFr).toContain("n'est pas une date valide");

		const second = await post(single);
		expect(second.status).toBe(200);
		expect(second.answer).toMatchObject({ stored: true, invoices: { created: 1 }, rejected: [] });

		const again = await post({ invoices: [good] });
		expect(again.answer).toMatchObject({
			stored: true,
			invoices: { created: 0, unchanged: 1 },
			rejected: [],
		});

		const rows = await inst.query<Record<string, string>>(
			`SELECT i.number, i.currency, i.total_incl_minor::text AS total, i.open_minor::text AS open, i.status, i.due_date::text AS due,
			        c.external_id AS customer, c.name AS customer_name
			 FROM ${ledger('invoices')} i JOIN ${ledger('customers')} c ON c.id = i.customer_id ORDER BY i.number`,
		);
		expect(rows).toEqual([
			{
				number: 'FA-2026-0101',
				currency: 'EUR',
				total: '120000',
				open: '120000',
				status: 'open',
				due: '2026-04-01',
				customer: 'CL-NANTES',
				customer_name: 'Menuiserie Dupont',
			},
			{
				number: 'FA-2026-0103',
				currency: 'MAD',
				total: '600000',
				open: '600000',
				status: 'open',
				due: '2026-05-14',
				customer: 'CL-RABAT',
				customer_name: 'Rabat Logistique',
			},
		]);

		// The trigger answers each stored delivery before n8n creates its execution: wait for the three deliveries'
		// executions to exist and to have ended.
		const executions = await eventually(
			() =>
				inst.query<{ mode: string; status: string; n: string }>(
					`SELECT mode, status, count(*)::text AS n FROM "${inst.n8nSchema}".execution_entity WHERE "workflowId" = $1 GROUP BY mode, status`,
					[INVOICES_WORKFLOW],
				),
			(rows) =>
				rows.reduce((sum, row) => sum + Number(row.n), 0) >= 3 &&
				rows.every((row) => row.status !== 'running' && row.status !== 'new'),
		);
		expect(executions).toEqual([{ mode: 'webhook', status: 'success', n: '3' }]);
	}, 180_000);

	test('`n8n execute --id` runs the sample customers workflow into the ledger', async () => {
		const inst = instance as TestInstance;
		await n8n.stop();
		const result = await inst.cli(env, ['execute', `--id=${CUSTOMERS_WORKFLOW}`, '--rawOutput']);
		expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
			code: 0,
			stderr: '',
		});
		// --rawOutput prints the run as indented JSON (other output lines may come before or after it).
		const printed = /^\{\n[\s\S]*?\n\}$/m.exec(result.stdout);
		expect(printed).not.toBeNull();
		const run = JSON.parse(printed![0]) as {
			status: string;
			data: { resultData: { lastNodeExecuted: string } };
		};
		expect(run.status).toBe('success');
		expect(run.data.resultData.lastNodeExecuted).toBe('Invoice Intake');

		const customers = await inst.query<Record<string, string>>(
			`SELECT external_id, language, currency, country FROM ${ledger('customers')} WHERE external_id LIKE 'DEMO-%' ORDER BY external_id`,
		);
		expect(customers).toEqual([
			{ external_id: 'DEMO-FR-001', language: 'fr', currency: 'EUR', country: 'FR' },
			{ external_id: 'DEMO-MA-001', language: 'fr', currency: 'MAD', country: 'MA' },
			{ external_id: 'DEMO-SN-001', language: 'en', currency: 'XOF', country: 'SN' },
		]);
	}, 180_000);
});
