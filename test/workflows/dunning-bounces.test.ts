import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { planReminders, sendReminderEmails } from '../../core';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, daysFromToday, dunningTestLedger } from './dunning-helpers';

function dsn(recipient: string, messageId: string, status: string, diagnostic: string): string {
	return [
		'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
		'To: relances@example.com',
		'Subject: Undelivered Mail Returned to Sender',
		'Auto-Submitted: auto-replied',
		'MIME-Version: 1.0',
		'Content-Type: multipart/report; report-type=delivery-status; boundary="XYZ"',
		'',
		'--XYZ',
		'Content-Type: text/plain; charset=us-ascii',
		'',
		`<${recipient}>: host mx.example said: ${diagnostic} (in reply to RCPT TO command)`,
		'',
		'--XYZ',
		'Content-Type: message/delivery-status',
		'',
		'Reporting-MTA: dns; mx.example',
		'',
		`Final-Recipient: rfc822; ${recipient}`,
		'Action: failed',
		`Status: ${status}`,
		`Diagnostic-Code: smtp; ${diagnostic}`,
		'',
		'--XYZ',
		'Content-Type: text/rfc822-headers',
		'',
		`Message-ID: ${messageId}`,
		'Subject: Relance',
		'',
		'--XYZ--',
		'',
	].join('\r\n');
}

/** What n8n's Email Trigger (IMAP) outputs for a message in its "Resolved" format with attachments downloaded. */
async function resolvedItem(raw: string): Promise<INodeExecutionData> {
	const parsed = await simpleParser(raw);
	const headers: Record<string, string> = {};
	for (const h of parsed.headerLines) headers[h.key] = h.line;
	const binary: Record<string, IBinaryData> = {};
	parsed.attachments.forEach((a, i) => {
		binary[`attachment_${i}`] = {
			data: a.content.toString('base64'),
			mimeType: a.contentType,
			fileName: a.filename ?? `part${i}`,
		};
	});
	return { json: { subject: parsed.subject, text: parsed.text, headers } as IDataObject, binary };
}

describe('workflow: bounced reminders (mailbox)', () => {
	const t = dunningTestLedger({ smtp: true });

	test('a hard bounce marks the address bad; a soft bounce and an auto-reply only go to the history', async () => {
		const dead = await addCustomer(t.ledger, {
			externalId: 'BNC-1',
			emails: ['nobody@gone.example'],
			salesRep: null,
		});
		await addInvoice(t.ledger, { customerId: dead, number: 'B-1', dueDate: daysFromToday(-5) });
		const full = await addCustomer(t.ledger, {
			externalId: 'BNC-2',
			emails: ['full@busy.example'],
			salesRep: null,
		});
		await addInvoice(t.ledger, { customerId: full, number: 'B-2', dueDate: daysFromToday(-5) });
		const plan = await planReminders(t.ledger, { stage: 'level1' });
		const sent = await sendReminderEmails(t.ledger, plan.due, {
			smtp: t.sink.config,
			from: { address: 'relances@example.com' },
		});
		const id = (code: string) =>
			sent.outcomes.find((o) => o.customerExternalId === code)?.messageId as string;
		const items = [
			await resolvedItem(
				dsn(
					'nobody@gone.example',
					id('BNC-1'),
					'5.1.1',
					'550 5.1.1 <nobody@gone.example>: Recipient address rejected: User unknown in virtual mailbox table',
				),
			),
			await resolvedItem(dsn('full@busy.example', id('BNC-2'), '5.2.2', '552 5.2.2 Mailbox full')),
			{
				json: {
					subject: 'Réponse automatique : absent',
					text: 'Je suis absent jusqu’au 5 mai.',
					headers: {
						from: 'From: full@busy.example',
						subject: 'Subject: Réponse automatique : absent',
						'auto-submitted': 'Auto-Submitted: auto-replied',
					},
				},
			},
		];
		const result = await runWorkflow(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-bounces.json')),
			{ credentials: credentialsFor(t.ledger), triggerItems: items },
		);
		expect(result.error).toBeUndefined();
		expect(
			result
				.json('Address marked bad: letters from now on')
				.map((j) => [
					(j.recipients as IDataObject[])[0].reason,
					(j.customersMarked as IDataObject[])[0]?.externalId,
				]),
		).toEqual([['user_unknown', 'BNC-1']]);
		expect(
			result
				.json('Soft bounce: kept in the history')
				.map((j) => (j.recipients as IDataObject[])[0].reason),
		).toEqual(['mailbox_full']);
		expect(result.json('Auto-replies and other messages').map((j) => j.kind)).toEqual([
			'auto_reply',
		]);
		const customers = await t.ledger.query<{ external_id: string; email_status: string }>(
			'SELECT external_id, email_status FROM customers ORDER BY external_id',
		);
		expect(customers).toEqual([
			{ external_id: 'BNC-1', email_status: 'bounced' },
			{ external_id: 'BNC-2', email_status: 'ok' },
		]);
	});
});
