// Quality calls and disputes end to end in a real n8n 2.40.7: the packed package installed as a community package,
// the shipped workflows imported with the fixed credentials (ledger in a fresh schema, SMTP pointing at a real SMTP
// server on loopback), n8n started. Each workflow is run as the editor's "Execute workflow" runs it: the daily call
// plan and the weekly analysis from their schedule trigger, the dispute inbox with customer e-mails pinned on its
// IMAP trigger (what the trigger outputs for them; no IMAP server is needed). The ledger effects are then checked:
// calls planned, disputes opened and the reminder plan holding their invoices, promises recorded, unsure replies
// in the review queue, each action e-mailed, the analysis files written.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { installDefaultPolicies, openLedger, planReminders, type Ledger } from '../../core';
import { addDays, todayIn } from '../../core/time';
import { testDatabaseUrl } from '../helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { prepareInstance, type N8nProcess, type TestInstance } from '../helpers/n8n';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';

const CALLS = 'rcvContactsDailyCalls';
const INBOX = 'rcvDisputesInbox';
const ANALYSIS = 'rcvDisputesWeekly';

interface WorkflowData {
	id: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
	[key: string]: unknown;
}

describe('quality calls and disputes in a real n8n', () => {
	let instance: TestInstance | undefined;
	let n8n: N8nProcess;
	let session: Record<string, string>;
	let sink: SmtpSink;
	let ledger: Ledger;
	let files: string;
	const today = todayIn('Europe/Paris');

	beforeAll(async () => {
		sink = await startSmtpSink();
		// nothing published: each workflow is run on demand, as its trigger would run it
		instance = await prepareInstance('disputes', { smtpPort: sink.config.port, publish: [] });
		files = path.join(instance.userFolder, 'files');
		mkdirSync(files, { recursive: true });
		ledger = openLedger({ connectionString: testDatabaseUrl(), schema: instance.ledgerSchema });
		await ledger.ensureReady();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		const atlas = await addCustomer(ledger, {
			externalId: 'E2E-ATLAS',
			name: 'Atlas Froid SARL',
			salesRep: 'REP1',
			collector: 'COL1',
			emails: ['compta@atlas.example'],
		});
		const sahel = await addCustomer(ledger, {
			externalId: 'E2E-SAHEL',
			name: 'Sahel Distribution',
			salesRep: null,
			collector: 'COL2',
			emails: ['ap@sahel.example'],
		});
		// overdue: the replies below are about these
		await addInvoice(ledger, {
			customerId: atlas,
			number: 'E2E-FV-0101',
			dueDate: addDays(today, -6),
			issueDate: addDays(today, -36),
			amount: 240000n,
		});
		await addInvoice(ledger, {
			customerId: atlas,
			number: 'E2E-FV-0102',
			dueDate: addDays(today, -6),
			issueDate: addDays(today, -36),
			amount: 60000n,
		});
		// due in 5 days: the daily call plan calls about them
		await addInvoice(ledger, {
			customerId: sahel,
			number: 'E2E-FV-0201',
			dueDate: addDays(today, 5),
			issueDate: addDays(today, -25),
			amount: 500000n,
		});
		await addInvoice(ledger, {
			customerId: sahel,
			number: 'E2E-FV-0202',
			dueDate: addDays(today, 5),
			issueDate: addDays(today, -25),
			amount: 80000n,
		});
		n8n = await instance.start('main', await instance.env({ N8N_RESTRICT_FILE_ACCESS_TO: files }));
		const browserId = randomBytes(8).toString('hex');
		const setup = await fetch(`${n8n.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify({
				email: 'owner@receivables.example',
				firstName: 'Finance',
				lastName: 'Owner',
				password: `Owner-${randomBytes(6).toString('hex')}1`,
			}),
		});
		if (!setup.ok) throw new Error(`owner setup answered ${setup.status}: ${await setup.text()}`);
		const cookie = (
			setup.headers.getSetCookie().find((c) => c.startsWith('n8n-auth=')) ?? ''
		).split(';')[0];
		session = { Cookie: cookie, 'browser-id': browserId };
	}, 20 * 60_000);

	afterAll(async () => {
		await ledger?.close();
		await instance?.cleanup();
		await sink?.close();
	}, 120_000);

	async function workflowOf(id: string): Promise<WorkflowData> {
		const got = await fetch(`${n8n.url}/rest/workflows/${id}`, { headers: session });
		if (!got.ok) throw new Error(`GET workflow answered ${got.status}: ${await got.text()}`);
		return ((await got.json()) as { data: WorkflowData }).data;
	}

	/** The shipped workflow as it is: its nodes give the paths of its files, in this n8n's N8N_RESTRICT_FILE_ACCESS_TO. */
	function filesHere(workflow: WorkflowData): WorkflowData {
		expect(JSON.stringify(workflow.nodes)).not.toContain('.n8n-files');
		return workflow;
	}

	/** Saves the workflow (n8n runs the stored version), with data pinned on its trigger when given. */
	async function save(
		workflow: WorkflowData,
		trigger: string,
		pinned?: Array<Record<string, unknown>>,
	): Promise<void> {
		const body = {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: workflow.settings,
			versionId: workflow.versionId,
			pinData: pinned ? { [trigger]: pinned.map((json) => ({ json })) } : {},
		};
		const saved = await fetch(`${n8n.url}/rest/workflows/${workflow.id}`, {
			method: 'PATCH',
			headers: { ...session, 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (!saved.ok)
			throw new Error(`PATCH workflow answered ${saved.status}: ${await saved.text()}`);
	}

	/** Runs the stored workflow from its trigger as "Execute workflow" in the editor does (its pinned data, if any, stands for the trigger's output) and waits for the end. */
	async function run(
		workflow: WorkflowData,
		trigger: string,
		pinned?: Array<Record<string, unknown>>,
	): Promise<string> {
		await save(workflow, trigger, pinned);
		const started = await fetch(`${n8n.url}/rest/workflows/${workflow.id}/run`, {
			method: 'POST',
			headers: { ...session, 'Content-Type': 'application/json' },
			body: JSON.stringify({ triggerToStartFrom: { name: trigger } }),
		});
		if (started.status !== 200)
			throw new Error(`run answered ${started.status}: ${await started.text()}`);
		const executionId = ((await started.json()) as { data: { executionId: string } }).data
			.executionId;
		let execution: { status?: string } = {};
		for (
			let i = 0;
			i < 240 && !['success', 'error', 'crashed'].includes(execution.status ?? '');
			i++
		) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			execution = (
				(await (
					await fetch(`${n8n.url}/rest/executions/${executionId}`, { headers: session })
				).json()) as { data: { status: string } }
			).data;
		}
		if (execution.status !== 'success')
			process.stderr.write(
				`execution ${executionId}: ${JSON.stringify(execution).slice(0, 6000)}\n`,
			);
		return execution.status ?? 'unknown';
	}

	test('the daily call plan plans one call per customer due in 5 days, with its call list as PDF and CSV', async () => {
		expect(await run(filesHere(await workflowOf(CALLS)), 'Weekdays at 07:00')).toBe('success');
		const tasks = await ledger.query<{
			external_id: string;
			assignee_code: string;
			status: string;
			invoices: string[];
		}>(
			`SELECT c.external_id, t.assignee_code, t.status,
				(SELECT array_agg(i.number ORDER BY i.number) FROM invoices i WHERE i.id = ANY(t.invoice_ids)) AS invoices
			FROM contact_tasks t JOIN customers c ON c.id = t.customer_id ORDER BY c.external_id`,
		);
		expect(tasks).toEqual([
			{
				external_id: 'E2E-SAHEL',
				assignee_code: 'COL2',
				status: 'open',
				invoices: ['E2E-FV-0201', 'E2E-FV-0202'],
			},
		]);
		const written = readdirSync(path.join(files, 'call-lists')).sort();
		expect(written.some((f) => f.endsWith('.pdf'))).toBe(true);
		const csv = written.find((f) => f.endsWith('.csv')) as string;
		expect(readFileSync(path.join(files, 'call-lists', csv), 'utf8')).toContain('E2E-FV-0201');
	}, 180_000);

	test('the dispute inbox opens the dispute (the reminder plan holds the invoice), records the promise, queues the unsure reply, e-mails each', async () => {
		const promised = addDays(today, 10);
		const mail = (id: string, subject: string, text: string) => ({
			textPlain: text,
			textHtml: '',
			subject,
			date: new Date().toUTCString(),
			from: 'compta@atlas.example',
			metadata: { 'message-id': id },
			attributes: { uid: 1 },
		});
		const replies = [
			mail(
				'<e2e-d1@atlas>',
				'RE: Relance facture E2E-FV-0101',
				"Bonjour,\nCe n'est pas la livraison le problème, c'est le prix de la facture E2E-FV-0101 : 14,50 € au lieu de 12,90 € du devis. Merci de corriger.\nCordialement",
			),
			mail(
				'<e2e-p1@atlas>',
				'RE: Relance',
				`Bonjour, la facture E2E-FV-0102 est validée, elle sera payée le ${promised.slice(8, 10).replace(/^0/, '')}.\nCordialement`,
			),
			mail(
				'<e2e-r1@atlas>',
				'RE: Relance',
				"Bonjour, serait-il possible d'étaler le paiement en trois mensualités ? Notre trésorerie est tendue.",
			),
		];
		const before = await planReminders(ledger, { stage: 'level1', asOf: today });
		expect(before.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('E2E-FV-0101');

		expect(await run(await workflowOf(INBOX), 'Customer replies mailbox', replies)).toBe('success');

		const disputes = await ledger.query<{
			category: string;
			owner: string;
			source_ref: string;
			invoices: string[];
		}>(
			`SELECT d.category, d.owner, d.source_ref, array_agg(i.number) AS invoices FROM disputes d
			JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id GROUP BY d.id`,
		);
		expect(disputes).toEqual([
			{
				category: 'commercial',
				owner: 'REP1',
				source_ref: '<e2e-d1@atlas>',
				invoices: ['E2E-FV-0101'],
			},
		]);
		// the dispute pauses the Reminder Step's plan for that invoice; the promise holds the other one until its date
		const plan = await planReminders(ledger, { stage: 'level1', asOf: today });
		expect(plan.held.find((h) => h.number === 'E2E-FV-0101')?.reason).toBe('dispute');
		expect(plan.held.find((h) => h.number === 'E2E-FV-0102')?.reason).toBe('promise');
		expect(plan.due.flatMap((m) => m.invoices.map((i) => i.number))).not.toContain('E2E-FV-0101');
		expect(await ledger.query('SELECT promised_on::text, status FROM promises')).toEqual([
			{ promised_on: promised, status: 'pending' },
		]);
		expect(
			await ledger.query('SELECT source_ref, status, predicted_category FROM dispute_reviews'),
		).toEqual([
			{ source_ref: '<e2e-r1@atlas>', status: 'pending', predicted_category: 'delay_request' },
		]);

		const mails: ParsedMail[] = await Promise.all(sink.received.map((m) => simpleParser(m.raw)));
		const sent = mails.map((m) => `${(m.to as { text: string }).text} | ${m.subject}`).sort();
		expect(sent).toEqual([
			'credit-management@example.com | Réponse client à vérifier / Customer reply to review',
			'karim.benali@vendor.example | Promesse de paiement enregistrée / Payment promise recorded — E2E-ATLAS — E2E-FV-0102',
			'sophie.martin@vendor.example | Litige ouvert / Dispute opened — E2E-ATLAS — E2E-FV-0101',
		]);

		// the mailbox read again (a retried execution): no second dispute, promise, review or e-mail about a new dispute
		expect(await run(await workflowOf(INBOX), 'Customer replies mailbox', replies)).toBe('success');
		expect(await ledger.query('SELECT count(*)::int AS n FROM disputes')).toEqual([{ n: 1 }]);
		expect(await ledger.query('SELECT count(*)::int AS n FROM dispute_reviews')).toEqual([
			{ n: 1 },
		]);
	}, 180_000);

	test('the weekly analysis writes the disputes by category and the top root causes as CSV', async () => {
		expect(await run(filesHere(await workflowOf(ANALYSIS)), 'Mondays at 08:00')).toBe('success');
		const folder = path.join(files, 'reports');
		expect(existsSync(folder)).toBe(true);
		const categories = readdirSync(folder).find((f) =>
			f.startsWith('litiges-categories-'),
		) as string;
		expect(readFileSync(path.join(folder, categories), 'utf8')).toMatch(/commercial;1;/);
	}, 180_000);
});
