import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startImapServer } from '../../test/helpers/imapServer';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { processBounce } from './bounce';
import { checkImapMailbox, imapMailboxName, imapMailboxSource } from './imapRecord';
import { installDefaultPolicies } from './policy';
import { planReminders } from './plan';
import {
	decideUncertainReminder,
	listUncertainReminders,
	mailCatcherSource,
	reconcileReminders,
} from './reconcile';
import { sendReminderEmails } from './send';

const AS_OF = '2025-10-20';
const FROM = { address: 'relances@acme.example' };

function deliveredReport(recipient: string, originalMessageId: string): string {
	return [
		'From: MAILER-DAEMON@mx.customer.example',
		'To: relances@acme.example',
		'Subject: Successful Mail Delivery Report',
		'MIME-Version: 1.0',
		'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
		'',
		'--B',
		'Content-Type: text/plain',
		'',
		`<${recipient}>: delivery via mx.customer.example: 250 2.0.0 Ok: queued`,
		'',
		'--B',
		'Content-Type: message/delivery-status',
		'',
		'Reporting-MTA: dns; mx.customer.example',
		'',
		`Final-Recipient: rfc822; ${recipient}`,
		'Action: delivered',
		'Status: 2.0.0',
		'',
		'--B',
		'Content-Type: text/rfc822-headers',
		'',
		`Message-ID: ${originalMessageId}`,
		'Subject: Relance',
		'',
		'--B--',
		'',
	].join('\r\n');
}

describe('reconciling uncertain reminders', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	const ids: Record<string, string> = {};
	const messageIds: Record<string, string> = {};

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		sink = await startSmtpSink({ api: true });
		// four reminders whose connection is cut once the server has the message: all uncertain
		for (const key of ['DSN', 'CATCHER', 'SENT', 'RESEND']) {
			const c = await addCustomer(ledger, {
				externalId: `U-${key}`,
				emails: [`drop-${key.toLowerCase()}@u.example`],
				salesRep: null,
			});
			ids[key] = await addInvoice(ledger, {
				customerId: c,
				number: `U-${key}-1`,
				dueDate: '2025-10-14',
			});
		}
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: Object.values(ids),
		});
		const result = await sendReminderEmails(ledger, plan.due, { smtp: sink.config, from: FROM });
		expect(result.outcomes.map((o) => o.status)).toEqual([
			'uncertain',
			'uncertain',
			'uncertain',
			'uncertain',
		]);
		for (const o of result.outcomes)
			messageIds[o.customerExternalId.slice(2)] = o.messageId as string;
	});

	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('settles from a delivery report, from the server record, and lists the rest; a person decides the rest', async () => {
		expect((await listUncertainReminders(ledger)).map((u) => u.customerExternalId).sort()).toEqual([
			'U-CATCHER',
			'U-DSN',
			'U-RESEND',
			'U-SENT',
		]);
		// a success report read by Process Bounce settles its reminder at once
		const report = await processBounce(
			ledger,
			deliveredReport('drop-dsn@u.example', messageIds.DSN),
		);
		expect(report.report.kind).toBe('delivered');
		expect(report.remindersDelivered).toBe(1);

		// the server's record: only the CATCHER message is in it (a read API shaped like the mail catcher's)
		const record = await startSmtpSink({ api: true });
		try {
			const kept = sink.received.find((m) => m.envelope.to.includes('drop-catcher@u.example'))!;
			const { SmtpSessionPool } = await import('../mail/pool');
			const pool = new SmtpSessionPool(record.config, 1);
			// (this sink too cuts "drop" addresses after keeping the message: kept is what matters)
			await pool.deliver(kept.envelope, kept.raw);
			pool.close();
			expect(record.received).toHaveLength(1);
			const outcomes = await reconcileReminders(ledger, {
				sources: [mailCatcherSource(record.apiUrl as string)],
			});
			expect(outcomes.map((o) => [o.customerExternalId, o.decision]).sort()).toEqual([
				['U-CATCHER', 'sent'],
				['U-RESEND', 'review'],
				['U-SENT', 'review'],
			]);
			expect(outcomes.find((o) => o.decision === 'sent')?.evidence).toContain('mail catcher');
			expect(outcomes.find((o) => o.customerExternalId === 'U-SENT')?.evidence).toContain(
				messageIds.SENT,
			);
		} finally {
			await record.close();
		}
		// an unreadable record: nothing decided, the reason given
		const unreadable = await reconcileReminders(ledger, {
			sources: [mailCatcherSource('http://127.0.0.1:9')],
			missingMeansNotSent: true,
			settleMinutes: 0,
		});
		expect(unreadable.map((o) => o.decision)).toEqual(['review', 'review']);
		expect(unreadable[0].evidence).toContain('could not read mail catcher');

		expect(
			await decideUncertainReminder(ledger, {
				messageId: messageIds.SENT,
				decision: 'sent',
				actor: 'Karim Benali',
				note: 'in the relay log',
			}),
		).toBe(1);
		expect(
			await decideUncertainReminder(ledger, {
				messageId: messageIds.RESEND,
				decision: 'resend',
				actor: 'Karim Benali',
			}),
		).toBe(1);
		expect(
			await decideUncertainReminder(ledger, {
				messageId: messageIds.RESEND,
				decision: 'sent',
				actor: 'Karim Benali',
			}),
		).toBe(0);
		const rows = await ledger.query<{ number: string; status: string; decided_by: string }>(
			"SELECT i.number, r.status, r.decided_by FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number LIKE 'U-%' ORDER BY i.number",
		);
		expect(rows.map((r) => [r.number, r.status, r.decided_by])).toEqual([
			['U-CATCHER-1', 'sent', 'reconcile-reminders'],
			['U-DSN-1', 'sent', 'bounce-processing'],
			['U-RESEND-1', 'retry', 'Karim Benali'],
			['U-SENT-1', 'sent', 'Karim Benali'],
		]);
		// the one to resend goes out again with a new Message-ID, once
		await ledger.query(
			"UPDATE customers SET emails = '{again@u.example}' WHERE external_id = 'U-RESEND'",
		);
		const replan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: Object.values(ids),
		});
		expect(replan.due.map((m) => m.customer.externalId)).toEqual(['U-RESEND']);
		const resent = await sendReminderEmails(ledger, replan.due, { smtp: sink.config, from: FROM });
		expect(resent.outcomes.map((o) => o.status)).toEqual(['sent']);
		expect(resent.outcomes[0].messageId).not.toBe(messageIds.RESEND);
		expect(await listUncertainReminders(ledger)).toEqual([]);
	});

	it('marks to resend what a complete record does not hold, once the settle time has passed', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'U-GONE',
			emails: ['drop-gone@u.example'],
			salesRep: null,
		});
		const inv = await addInvoice(ledger, {
			customerId: c,
			number: 'U-GONE-1',
			dueDate: '2025-10-14',
		});
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF, invoiceIds: [inv] });
		await sendReminderEmails(ledger, plan.due, { smtp: sink.config, from: FROM });
		const empty = await startSmtpSink({ api: true });
		try {
			const early = await reconcileReminders(ledger, {
				sources: [mailCatcherSource(empty.apiUrl as string)],
				missingMeansNotSent: true,
				settleMinutes: 10,
			});
			expect(early.map((o) => o.decision)).toEqual(['review']);
			await ledger.query(
				"UPDATE reminders SET handed_over_at = now() - interval '11 minutes' WHERE invoice_id = $1",
				[inv],
			);
			const late = await reconcileReminders(ledger, {
				sources: [mailCatcherSource(empty.apiUrl as string)],
				missingMeansNotSent: true,
				settleMinutes: 10,
			});
			expect(late.map((o) => [o.customerExternalId, o.decision])).toEqual([['U-GONE', 'resend']]);
		} finally {
			await empty.close();
		}
		const row = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE invoice_id = $1',
			[inv],
		);
		expect(row[0].status).toBe('retry');
	});
	it('settles from the copy the mail server filed in an IMAP mailbox (Sent or BCC archive), and reads nothing else', async () => {
		const keys = ['IMAP-KEPT', 'IMAP-GONE'];
		const invoices: string[] = [];
		for (const key of keys) {
			const c = await addCustomer(ledger, {
				externalId: `U-${key}`,
				emails: [`drop-${key.toLowerCase()}@u.example`],
				salesRep: null,
			});
			invoices.push(
				await addInvoice(ledger, { customerId: c, number: `U-${key}-1`, dueDate: '2025-10-14' }),
			);
		}
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: invoices,
		});
		const sent = await sendReminderEmails(ledger, plan.due, { smtp: sink.config, from: FROM });
		expect(sent.outcomes.map((o) => o.status)).toEqual(['uncertain', 'uncertain']);
		const kept = sent.outcomes.find((o) => o.customerExternalId === 'U-IMAP-KEPT')!;
		const gone = sent.outcomes.find((o) => o.customerExternalId === 'U-IMAP-GONE')!;

		// a password with a quote and a backslash (sent as a literal), a French Outlook-style Sent folder
		// (its name in modified UTF-7 on the wire)
		const password = 'mot de "passe" \\ x';
		const sentBox = 'Éléments envoyés';
		expect(imapMailboxName(sentBox)).toBe('&AMk-l&AOk-ments envoy&AOk-s');
		const imap = await startImapServer({
			user: 'relances@acme.example',
			password,
			mailboxes: [imapMailboxName(sentBox), 'Archive'],
		});
		try {
			// the server filed the KEPT message (as accepted) in Sent; Archive holds a message whose id only contains GONE's
			imap.append(
				imapMailboxName(sentBox),
				sink.received.find((m) => m.envelope.to.includes('drop-imap-kept@u.example'))!.raw,
			);
			imap.append(
				'Archive',
				`Message-ID: <x${gone.messageId!.replace(/^<|>$/g, '')}>\r\nSubject: other\r\n\r\nnot the reminder\r\n`,
			);
			const account = {
				host: imap.host,
				port: imap.port,
				secure: false,
				user: 'relances@acme.example',
				password,
				mailboxes: [sentBox, 'Archive'],
			};
			expect(await checkImapMailbox(account)).toEqual({
				ok: true,
				message: `Connected to ${imap.host}: "${sentBox}" (1 messages), "Archive" (1 messages)`,
			});
			expect((await checkImapMailbox({ ...account, password: 'wrong' })).message).toContain(
				'refused the login of relances@acme.example',
			);
			expect((await checkImapMailbox({ ...account, mailboxes: ['Relances'] })).message).toContain(
				'"Relances" cannot be opened',
			);

			// a wrong password: nothing decided, and nothing marked to resend although the record is "complete"
			const refused = await reconcileReminders(ledger, {
				sources: [imapMailboxSource({ ...account, password: 'wrong' })],
				missingMeansNotSent: true,
				settleMinutes: 0,
			});
			expect(refused.map((o) => [o.customerExternalId, o.decision]).sort()).toEqual([
				['U-IMAP-GONE', 'review'],
				['U-IMAP-KEPT', 'review'],
			]);
			expect(refused[0].evidence).toContain(
				`could not read IMAP ${sentBox}, Archive of relances@acme.example`,
			);

			const outcomes = await reconcileReminders(ledger, {
				sources: [imapMailboxSource(account)],
				missingMeansNotSent: true,
				settleMinutes: 0,
			});
			expect(outcomes.map((o) => [o.customerExternalId, o.decision]).sort()).toEqual([
				['U-IMAP-GONE', 'resend'],
				['U-IMAP-KEPT', 'sent'],
			]);
			expect(outcomes.find((o) => o.decision === 'sent')!.evidence).toBe(
				`IMAP mailbox "${sentBox}" of relances@acme.example@${imap.host}: message UID 1`,
			);
			expect(outcomes.find((o) => o.decision === 'sent')!.messageId).toBe(kept.messageId);
		} finally {
			await imap.close();
		}
		const rows = await ledger.query<{ number: string; status: string }>(
			"SELECT i.number, r.status FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number LIKE 'U-IMAP-%' ORDER BY i.number",
		);
		expect(rows).toEqual([
			{ number: 'U-IMAP-GONE-1', status: 'retry' },
			{ number: 'U-IMAP-KEPT-1', status: 'sent' },
		]);
		const history = await ledger.query<{ summary: string }>(
			"SELECT summary FROM history WHERE kind = 'reminder_reconciled' AND summary LIKE '%U-IMAP-KEPT-1%'",
		);
		expect(history[0].summary).toContain(`IMAP mailbox "${sentBox}"`);
	});
	it('reads the mailbox over STARTTLS when the server offers it, checking its certificate unless told otherwise', async () => {
		const imap = await startImapServer({
			user: 'relances@acme.example',
			password: 'secret',
			mailboxes: ['Sent'],
			startTls: true,
		});
		try {
			const account = {
				host: imap.host,
				port: imap.port,
				secure: false,
				user: 'relances@acme.example',
				password: 'secret',
				mailboxes: ['Sent'],
			};
			// hoodiecrow's certificate is self-signed: refused before the password is sent, unless accepted
			const refused = await checkImapMailbox(account);
			expect(refused.ok).toBe(false);
			expect(refused.message).toMatch(/certificate/i);
			expect(await checkImapMailbox({ ...account, allowUnauthorizedCerts: true })).toEqual({
				ok: true,
				message: `Connected to ${imap.host}: "Sent" (0 messages)`,
			});
		} finally {
			await imap.close();
		}
	});
});
