import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { processBounce } from './bounce';
import { confirmLetters, produceLetters } from './letters';
import { installDefaultPolicies } from './policy';
import { planReminders } from './plan';
import { sendReminderEmails } from './send';

export function dsn(
	recipient: string,
	originalMessageId: string,
	status: string,
	diagnostic: string,
	action = 'failed',
): string {
	return [
		'From: MAILER-DAEMON@mx.customer.example',
		'To: relances@acme.example',
		'Subject: Undelivered Mail Returned to Sender',
		'MIME-Version: 1.0',
		'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
		'',
		'--B',
		'Content-Type: text/plain',
		'',
		`<${recipient}>: host mx.customer.example said: ${diagnostic} (in reply to RCPT TO command)`,
		'',
		'--B',
		'Content-Type: message/delivery-status',
		'',
		'Reporting-MTA: dns; mx.customer.example',
		'',
		`Final-Recipient: rfc822; ${recipient}`,
		`Action: ${action}`,
		`Status: ${status}`,
		`Diagnostic-Code: smtp; ${diagnostic}`,
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

describe('processBounce', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		sink = await startSmtpSink();
	});

	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('marks the address bad on a hard bounce and re-routes the stage to a letter', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'B1',
			emails: ['gone@customer.example'],
			salesRep: null,
		});
		const inv = await addInvoice(ledger, { customerId: c, number: 'B-1', dueDate: '2025-10-14' });
		const soft = await addCustomer(ledger, {
			externalId: 'B2',
			emails: ['full@customer.example'],
			salesRep: null,
		});
		const inv2 = await addInvoice(ledger, {
			customerId: soft,
			number: 'B-2',
			dueDate: '2025-10-14',
		});
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' });
		const sent = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: { address: 'relances@acme.example' },
		});
		const [hardId, softId] = ['B1', 'B2'].map(
			(code) => sent.outcomes.find((o) => o.customerExternalId === code)?.messageId as string,
		);

		const hard = await processBounce(
			ledger,
			dsn(
				'gone@customer.example',
				hardId,
				'5.1.1',
				'550 5.1.1 <gone@customer.example>: Recipient address rejected: User unknown',
			),
		);
		expect(hard.report.recipients[0]).toMatchObject({ reason: 'user_unknown', hard: true });
		expect(hard.remindersBounced).toBe(1);
		expect(hard.customersMarked).toEqual([
			{ id: c, externalId: 'B1', address: 'gone@customer.example' },
		]);
		const softOutcome = await processBounce(
			ledger,
			dsn('full@customer.example', softId, '4.2.2', '452 4.2.2 Mailbox full'),
		);
		expect(softOutcome.report.recipients[0]).toMatchObject({ reason: 'mailbox_full', hard: false });
		expect(softOutcome.customersMarked).toEqual([]);

		const status = await ledger.query<{
			external_id: string;
			email_status: string;
			reminder: string;
		}>(
			'SELECT c.external_id, c.email_status, r.status AS reminder FROM customers c JOIN reminders r ON r.customer_id = c.id WHERE r.invoice_id = ANY($1::bigint[]) ORDER BY c.external_id',
			[[inv, inv2]],
		);
		expect(status).toEqual([
			{ external_id: 'B1', email_status: 'bounced', reminder: 'bounced' },
			{ external_id: 'B2', email_status: 'ok', reminder: 'sent' },
		]);
		const history = await ledger.query<{ kind: string; summary: string }>(
			"SELECT kind, summary FROM history WHERE kind = 'email_bounce' ORDER BY id",
		);
		expect(history.map((h) => h.summary)).toEqual([
			'Hard bounce for gone@customer.example: user_unknown (5.1.1)',
			'Soft bounce for full@customer.example: mailbox_full (4.2.2)',
		]);

		// the next run of the stage prints a letter for the customer whose address died
		const again = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-21' });
		const b1 = again.due.find((m) => m.customer.externalId === 'B1');
		expect(b1).toMatchObject({ channel: 'letter' });
		expect(b1?.channelReason).toMatch(/^email_bounced/);
		const letters = [];
		for await (const letter of produceLetters(ledger, again.due, { company: { name: 'ACME' } }))
			letters.push(letter);
		expect(letters.map((l) => [l.message.customer.externalId, l.outcome.status])).toEqual([
			['B1', 'sent'],
		]);
		const final = await ledger.query<{ channel: string; status: string; attempts: number }>(
			'SELECT channel, status, attempts FROM reminders WHERE invoice_id = $1',
			[inv],
		);
		expect(final[0]).toEqual({ channel: 'letter', status: 'rendered', attempts: 2 });
		await confirmLetters(ledger, [{ letter: letters[0].outcome.messageId as string }]);
		const confirmed = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE invoice_id = $1',
			[inv],
		);
		expect(confirmed[0].status).toBe('sent');
	});
});
