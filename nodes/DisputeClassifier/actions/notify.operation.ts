import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { composeMail, notificationRecipients, replyNotification, sendMails, type ReplyNotificationInput } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from '../../shared/transport/smtp';
import { text } from '../helpers/items';

const properties: INodeProperties[] = [
	{
		displayName: 'Event',
		name: 'event',
		type: 'options',
		options: [
			{ name: 'Dispute Opened', value: 'dispute_opened' },
			{ name: 'Needs Review', value: 'needs_review' },
			{ name: 'Payment Announced', value: 'payment_announced' },
			{ name: 'Promise Recorded', value: 'promise_recorded' },
		],
		default: 'dispute_opened',
	},
	{ displayName: 'Sender E-Mail', name: 'sender', type: 'string', default: '', required: true, placeholder: 'relances@example.com' },
	{
		displayName: 'Team E-Mail',
		name: 'fallbackRecipient',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'credit-management@example.com',
		description: 'Who is told when neither the owner nor the customer\'s collector has an e-mail address in the ledger (staff)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Link', name: 'link', type: 'string', default: '', description: 'A link written at the end of the e-mail (the review workflow, a portal page)' },
		],
	},
];

const displayOptions = { show: { operation: ['notify'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** The e-mail the reply came in, wherever the item carries it: itself, or its input (Rejected outputs). */
function messageOf(json: IDataObject): IDataObject {
	const nested = json.input as IDataObject | undefined;
	return json.subject || json.from ? json : nested ?? {};
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const ledger = await getLedger(this);
	const smtp = smtpConfigFromCredential(await this.getCredentials(SMTP_CREDENTIAL));
	const sender = text(this, 'sender', 0);
	if (!sender) throw new NodeOperationError(this.getNode(), 'No sender e-mail for the notifications', { description: 'Fill in Sender E-Mail.' });
	const prepared = [];
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		const message = messageOf(json);
		const classification = (json.classification ?? message.classification ?? {}) as ReplyNotificationInput['classification'];
		const customer = (json.customerExternalId ?? json.customer ?? null) as string | null;
		const owner = (json.owner ?? null) as string | null;
		const to = await notificationRecipients(ledger, { owner, customer, invoiceNumbers: classification.invoiceNumbers ?? [] }, text(this, 'fallbackRecipient', i));
		if (!to.length) throw new NodeOperationError(this.getNode(), 'Nobody to notify', { description: 'Fill in Team E-Mail, or give the owner or the collector an e-mail address in the staff list.', itemIndex: i });
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const n = replyNotification({
			event: text(this, 'event', i) as ReplyNotificationInput['event'],
			classification,
			message: { from: message.from as string, subject: message.subject as string, date: message.date as string },
			result: { disputeId: json.disputeId as string, owner, dueOn: json.dueOn as string, reviewId: json.reviewId as string, customer, reason: (json.reason ?? json.code) as string },
			link: options.link ? String(options.link) : null,
		});
		const mail = await composeMail({ from: { address: sender }, to: to.map((address) => ({ address })), subject: n.subject, text: n.text, headers: { 'Auto-Submitted': 'auto-generated' } });
		prepared.push({ i, to, n, mail });
	}
	const results = await sendMails(smtp, prepared.map((p) => p.mail));
	return [
		prepared.map((p, k) => ({
			json: { ...items[p.i].json, notification: { sent: results[k].verdict === 'sent', to: p.to, subject: p.n.subject, messageId: p.mail.messageId, error: results[k].error ?? null } } as IDataObject,
			pairedItem: { item: p.i },
		})),
	];
}
