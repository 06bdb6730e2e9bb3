// Dunning end to end in a real n8n 2.40.7: the packed package installed as a community package, the shipped
// workflows imported with the fixed credentials (ledger in a fresh schema, SMTP pointing at a real SMTP server on
// loopback), n8n started, the level-1 daily workflow run from its schedule trigger as the editor's "Execute
// workflow" runs it (`n8n execute` only starts workflows that have a manual or Execute Workflow trigger), the
// e-mails received and parsed, the ledger checked; a second run sends nothing again.
import { simpleParser, type ParsedMail } from 'mailparser';
import { installDefaultPolicies, openLedger, recordCourierEvents, type Ledger } from '../../core';
import { addDays, todayIn } from '../../core/time';
import { testDatabaseUrl } from '../helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { randomBytes } from 'node:crypto';
import { prepareInstance, type N8nProcess, type TestInstance } from '../helpers/n8n';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';

const LEVEL1 = 'rcvDunningLevel1';

describe('dunning in a real n8n: level 1 reminders', () => {
	let instance: TestInstance | undefined;
	let n8n: N8nProcess;
	/** The owner's session: n8n ties the auth cookie to the browser id it was issued for. */
	let session: Record<string, string>;
	let sink: SmtpSink;
	let ledger: Ledger;
	const today = todayIn('Europe/Paris');

	beforeAll(async () => {
		sink = await startSmtpSink();
		// nothing published: the workflow is run on demand with `n8n execute`, as its schedule would run it
		instance = await prepareInstance('dunning', { smtpPort: sink.config.port, publish: [] });
		ledger = openLedger({ connectionString: testDatabaseUrl(), schema: instance.ledgerSchema });
		await ledger.ensureReady();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		await ledger.query(`INSERT INTO settings (key, value) VALUES ('company', $1)`, [
			JSON.stringify({ name: 'ACME SAS', addressLines: ['1 place du Commerce', '69002 Lyon'] }),
		]);
		const fr = await addCustomer(ledger, {
			externalId: 'E2E-FR',
			name: 'Boulangerie Martin',
			language: 'fr',
			emails: ['compta@boulangerie-martin.example'],
		});
		const en = await addCustomer(ledger, {
			externalId: 'E2E-EN',
			name: 'Atlas Trading Ltd',
			language: 'en',
			emails: ['ap@atlas.example'],
			salesRep: null,
		});
		await addInvoice(ledger, {
			customerId: fr,
			number: 'E2E-F-1',
			dueDate: addDays(today, -5),
			issueDate: addDays(today, -35),
			amount: 150000n,
		});
		await addInvoice(ledger, {
			customerId: en,
			number: 'E2E-I-1',
			dueDate: addDays(today, -6),
			issueDate: addDays(today, -36),
			amount: 98000n,
		});
		// the French invoice was handed over by courier: the reminder carries the proof of delivery
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('E2E-CR', 'Moussa Courier', '{courier}')`,
		);
		const [wave] = await ledger.query<{ id: string }>(
			`INSERT INTO waves (code, billing_cycle, courier_code, planned_on) VALUES ('W-E2E', 'monthly', 'E2E-CR', $1) RETURNING id`,
			[addDays(today, -33)],
		);
		await ledger.query(
			`INSERT INTO deliveries (wave_id, invoice_id, customer_id, status) SELECT $1, id, customer_id, 'entered' FROM invoices WHERE number = 'E2E-F-1'`,
			[wave.id],
		);
		await ledger.query(`UPDATE waves SET status = 'released' WHERE id = $1`, [wave.id]);
		const recorded = await recordCourierEvents(ledger, [
			{
				eventId: 'e2e-delivery-1',
				type: 'delivered',
				courierCode: 'E2E-CR',
				invoiceNumber: 'E2E-F-1',
				occurredAt: `${addDays(today, -33)}T10:30:00Z`,
				recipientName: 'Paul Martin',
			},
		]);
		expect(recorded.map((r) => r.ok)).toEqual([true]);
		n8n = await instance.start('main', await instance.env());
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

	/** Runs the workflow from its schedule trigger, as "Execute workflow" in the editor does, and waits for the end. */
	async function runFromSchedule(id: string): Promise<string> {
		const got = await fetch(`${n8n.url}/rest/workflows/${id}`, { headers: session });
		if (!got.ok) throw new Error(`GET workflow answered ${got.status}: ${await got.text()}`);
		const workflow = (
			(await got.json()) as { data: { nodes: Array<{ name: string; type: string }> } }
		).data;
		const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
		const run = await fetch(`${n8n.url}/rest/workflows/${id}/run`, {
			method: 'POST',
			headers: { ...session, 'Content-Type': 'application/json' },
			body: JSON.stringify({ workflowData: workflow, triggerToStartFrom: { name: trigger?.name } }),
		});
		if (run.status !== 200) throw new Error(`run answered ${run.status}: ${await run.text()}`);
		const executionId = ((await run.json()) as { data: { executionId: string } }).data.executionId;
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
		return execution.status ?? 'unknown';
	}

	afterAll(async () => {
		await ledger?.close();
		await instance?.cleanup();
		await sink?.close();
	}, 120_000);

	test('the level-1 workflow runs in n8n: each customer gets its reminder once, in its language, with the proof of delivery', async () => {
		expect(await runFromSchedule(LEVEL1)).toBe('success');
		const mails: ParsedMail[] = await Promise.all(sink.received.map((m) => simpleParser(m.raw)));
		expect(mails).toHaveLength(2);
		const fr = mails.find((m) => m.text?.includes('E2E-F-1')) as ParsedMail;
		const en = mails.find((m) => m.text?.includes('E2E-I-1')) as ParsedMail;
		expect(fr.subject).toMatch(/^Relance/);
		expect(en.subject).toMatch(/^Reminder/);
		expect(fr.text).toContain('reçue par Paul Martin');
		expect(fr.attachments.map((a) => a.filename)).toEqual(['preuve-de-livraison-E2E-F-1.pdf']);
		expect(en.attachments).toHaveLength(0);
		const rows = await ledger.query<{
			number: string;
			status: string;
			channel: string;
			message_id: string;
		}>(
			`SELECT i.number, r.status, r.channel, r.message_id FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE r.stage = 'level1' ORDER BY i.number`,
		);
		expect(rows.map(({ message_id: _, ...r }) => r)).toEqual([
			{ number: 'E2E-F-1', status: 'sent', channel: 'email' },
			{ number: 'E2E-I-1', status: 'sent', channel: 'email' },
		]);
		expect(fr.messageId?.replace(/^<|>$/g, '')).toBe(rows[0].message_id.replace(/^<|>$/g, ''));

		// the schedule fires again (or a retry runs): nothing is sent twice
		expect(await runFromSchedule(LEVEL1)).toBe('success');
		expect(sink.received).toHaveLength(2);
	}, 180_000);
});
