import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { planReminders, sendReminderEmails, SmtpSessionPool, type Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import {
	closeEngine,
	loadWorkflow,
	PACKAGE_ROOT,
	runWorkflow,
	setNodeParameters,
	testCredential,
} from '../helpers/engine';
import { startImapServer } from '../helpers/imapServer';
import { REPO_ROOT } from '../helpers/scripts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { credentialsFor, daysFromToday, dunningLedger } from './dunning-helpers';

/** The mail catcher of `npm start`, as its own process. */
function startCatcher(): Promise<{ url: string; smtpPort: number; child: ChildProcess }> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				path.join(REPO_ROOT, 'scripts', 'lib', 'mail-catcher.mjs'),
				'--quiet',
				'--smtp-port',
				'0',
				'--http-port',
				'0',
			],
			{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
		);
		let out = '';
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			out += chunk;
			if (out.includes('\n')) {
				const info = JSON.parse(out.split('\n')[0]) as { url: string; smtpPort: number };
				resolve({ ...info, child });
			}
		});
		child.on('exit', (code) => reject(new Error(`the mail catcher exited (${code})`)));
	});
}

describe('workflow: reminders in doubt, reconciled daily', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	let catcher: Awaited<ReturnType<typeof startCatcher>>;
	const messageIds: Record<string, string> = {};

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		catcher = await startCatcher();
		// two reminders whose connection is cut after the message was received: both end uncertain
		const ids: string[] = [];
		for (const key of ['KEPT', 'LOST']) {
			const c = await addCustomer(ledger, {
				externalId: `REC-${key}`,
				emails: [`drop-${key.toLowerCase()}@rec.example`],
				salesRep: null,
			});
			ids.push(
				await addInvoice(ledger, {
					customerId: c,
					number: `REC-${key}-1`,
					dueDate: daysFromToday(-10),
				}),
			);
		}
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: daysFromToday(0),
			invoiceIds: ids,
			zone: 'Europe/Paris',
		});
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: { address: 'relances@acme.example' },
			attachments: { 'CGV.pdf': { filename: 'CGV.pdf', content: Buffer.from('%PDF-1.4') } },
		});
		expect(result.outcomes.map((o) => o.status)).toEqual(['uncertain', 'uncertain']);
		for (const o of result.outcomes) messageIds[o.customerExternalId] = o.messageId as string;
		// the mail server's record has the first one: the catcher received the very bytes
		const kept = sink.received.find((m) => m.envelope.to.includes('drop-kept@rec.example'));
		const pool = new SmtpSessionPool(
			{ host: '127.0.0.1', port: catcher.smtpPort, secure: false, disableStartTls: true },
			1,
		);
		try {
			const delivered = await pool.deliver(kept!.envelope, kept!.raw);
			expect(delivered.ok).toBe(true);
		} finally {
			pool.close();
		}
	}, 60_000);

	afterAll(async () => {
		catcher?.child.kill('SIGTERM');
		await sink?.close();
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test('settles what the mail server record holds, lists the rest, and a person decides the rest', async () => {
		const workflow = setNodeParameters(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-reconcile-daily.json')),
			'Reconcile reminders',
			{ mailCatcherUrl: catcher.url },
		);
		expect(workflow.settings).toMatchObject({ timezone: 'Europe/Paris' });
		const run = await runWorkflow(workflow, {
			startNode: 'Every day at 07:30',
			credentials: credentialsFor(ledger),
		});
		expect(run.error).toBeUndefined();
		expect(
			run
				.json('Reconcile reminders', 0)
				.map((j) => [j.customerExternalId, j.decision, j.messageId]),
		).toEqual([['REC-KEPT', 'sent', messageIds['REC-KEPT']]]);
		expect(String(run.json('Reconcile reminders', 0)[0].evidence)).toContain('mail catcher');
		const review = run.json('Reconcile reminders', 1);
		expect(review.map((j) => [j.customerExternalId, j.decision, j.messageId])).toEqual([
			['REC-LOST', 'review', messageIds['REC-LOST']],
		]);
		expect(String(review[0].evidence)).toContain(messageIds['REC-LOST']);

		// the person's decision: it did not leave, send it again
		const decide = await runWorkflow(workflow, {
			startNode: 'Your decision',
			triggerItems: [
				{
					messageId: messageIds['REC-LOST'],
					decision: 'resend',
					decidedBy: 'Karim Benali',
					note: 'not in the relay log',
				},
			],
			credentials: credentialsFor(ledger),
		});
		expect(decide.error).toBeUndefined();
		expect(decide.json('Record the decision', 0)).toEqual([
			{
				messageId: messageIds['REC-LOST'],
				decision: 'resend',
				reminders: 1,
				decidedBy: 'Karim Benali',
			},
		]);
		const rows = await ledger.query<{ number: string; status: string; decided_by: string }>(
			"SELECT i.number, r.status, r.decided_by FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number LIKE 'REC-%' ORDER BY i.number",
		);
		expect(rows).toEqual([
			{ number: 'REC-KEPT-1', status: 'sent', decided_by: 'reconcile-reminders' },
			{ number: 'REC-LOST-1', status: 'retry', decided_by: 'Karim Benali' },
		]);
		// nothing left in doubt: the next run decides nothing; deciding again changes nothing
		const again = await runWorkflow(workflow, {
			startNode: 'Every day at 07:30',
			credentials: credentialsFor(ledger),
		});
		expect(again.json('Reconcile reminders', 0)).toEqual([]);
		expect(again.json('Reconcile reminders', 1)).toEqual([]);
		const twice = await runWorkflow(workflow, {
			startNode: 'Your decision',
			triggerItems: [
				{
					messageId: messageIds['REC-LOST'],
					decision: 'sent',
					decidedBy: 'Karim Benali',
					note: '',
				},
			],
			credentials: credentialsFor(ledger),
		});
		expect(twice.json('Record the decision', 1).map((j) => j.status)).toEqual(['retry']);
		const history = await ledger.query<{ kind: string; actor: string }>(
			"SELECT h.kind, h.actor FROM history h JOIN invoices i ON i.id = h.invoice_id WHERE i.number LIKE 'REC-%' AND h.kind = 'reminder_reconciled' ORDER BY i.number",
		);
		expect(history).toEqual([
			{ kind: 'reminder_reconciled', actor: 'reconcile-reminders' },
			{ kind: 'reminder_reconciled', actor: 'Karim Benali' },
		]);
	}, 120_000);
	test('with Read the Sent Mailbox on, settles what the mail server filed in its Sent folder (Receivables IMAP credential)', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'REC-SENTBOX',
			emails: ['drop-sentbox@rec.example'],
			salesRep: null,
		});
		const invoice = await addInvoice(ledger, {
			customerId: c,
			number: 'REC-SENTBOX-1',
			dueDate: daysFromToday(-10),
		});
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: daysFromToday(0),
			invoiceIds: [invoice],
			zone: 'Europe/Paris',
		});
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: { address: 'relances@acme.example' },
		});
		expect(result.outcomes.map((o) => o.status)).toEqual(['uncertain']);
		const imap = await startImapServer({
			user: 'relances@acme.example',
			password: 'secret imap',
			mailboxes: ['Sent'],
		});
		try {
			imap.append(
				'Sent',
				sink.received.find((m) => m.envelope.to.includes('drop-sentbox@rec.example'))!.raw,
			);
			const imapCredential = {
				host: imap.host,
				port: imap.port,
				secure: false,
				user: 'relances@acme.example',
				password: 'secret imap',
				mailboxes: 'Sent',
			};
			await expect(testCredential('receivablesImapApi', imapCredential)).resolves.toEqual({
				status: 'OK',
				message: `Connected to ${imap.host}: "Sent" (1 messages)`,
			});
			expect(
				(await testCredential('receivablesImapApi', { ...imapCredential, password: 'wrong' }))
					.status,
			).toBe('Error');

			const workflow = setNodeParameters(
				loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-reconcile-daily.json')),
				'Reconcile reminders',
				{ readSentMailbox: true },
			);
			const node = workflow.nodes.find((n) => n.name === 'Reconcile reminders')!;
			node.credentials = {
				...node.credentials,
				receivablesImapApi: { id: 'rcvImapCred00001', name: 'Receivables IMAP' },
			};
			const run = await runWorkflow(workflow, {
				startNode: 'Every day at 07:30',
				credentials: { ...credentialsFor(ledger), receivablesImapApi: imapCredential },
			});
			expect(run.error).toBeUndefined();
			expect(
				run
					.json('Reconcile reminders', 0)
					.map((j) => [j.customerExternalId, j.decision, j.evidence]),
			).toEqual([
				[
					'REC-SENTBOX',
					'sent',
					`IMAP mailbox "Sent" of relances@acme.example@${imap.host}: message UID 1`,
				],
			]);
			expect(run.json('Reconcile reminders', 1)).toEqual([]);
		} finally {
			await imap.close();
		}
		const rows = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE invoice_id = $1',
			[invoice],
		);
		expect(rows).toEqual([{ status: 'sent' }]);
	}, 120_000);
});
