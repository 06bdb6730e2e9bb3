import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	composeMail,
	notificationRecipients,
	replyNotification,
	sendMails,
	type Ledger,
	type ReplyNotificationInput,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from '../../shared/transport/smtp';
import { text } from '../helpers/items';
import { bilingual, itemError } from '../../shared/errors';
import { eachItem } from '../../shared/operation';

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
	{
		displayName: 'Sender E-Mail',
		name: 'sender',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'relances@example.com',
	},
	{
		displayName: 'Team E-Mail',
		name: 'fallbackRecipient',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'credit-management@example.com',
		description:
			"Who is told when neither the owner nor the customer's collector has an e-mail address in the ledger (staff)",
	},
	{
		displayName: 'Classification',
		name: 'notifyClassification',
		type: 'json',
		default: '={{ $json.classification }}',
		description:
			"The result of Classify for this reply (the classification field of the Classify node's item)",
	},
	{
		displayName: 'Reply From',
		name: 'replyFrom',
		type: 'string',
		default: '={{ $json.from || $json.sender }}',
	},
	{
		displayName: 'Reply Subject',
		name: 'replySubject',
		type: 'string',
		default: '={{ $json.subject }}',
	},
	{
		displayName: 'Reply Date',
		name: 'replyDate',
		type: 'string',
		default: '={{ $json.date || $json.receivedAt }}',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Link',
				name: 'link',
				type: 'string',
				default: '',
				description: 'A link written at the end of the e-mail (the review workflow, a portal page)',
			},
		],
	},
];

const displayOptions = { show: { operation: ['notify'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function classificationOf(value: unknown): ReplyNotificationInput['classification'] {
	if (typeof value === 'string' && value.trim()) {
		try {
			return JSON.parse(value) as ReplyNotificationInput['classification'];
		} catch {
			return {};
		}
	}
	return value && typeof value === 'object'
		? (value as ReplyNotificationInput['classification'])
		: {};
}

export const operation = eachItem({
	outputs: [
		{
			name: 'Notified',
			meaning: 'The input item with the notification sent (to, subject, message id, error)',
		},
	],
	setup: async function () {
		const sender = text(this, 'sender', 0);
		if (!sender)
			throw itemError(
				this.getNode(),
				bilingual(
					'No sender e-mail for the notifications',
					"Pas d'adresse d'expéditeur pour les notifications",
				),
				bilingual('Fill in Sender E-Mail.', 'Renseignez Sender E-Mail.'),
				0,
			);
		return {
			ledger: await getLedger(this),
			smtp: smtpConfigFromCredential(await this.getCredentials(SMTP_CREDENTIAL)),
			sender,
		};
	},
	async item(
		i,
		item,
		{
			ledger,
			smtp,
			sender,
		}: { ledger: Ledger; smtp: ReturnType<typeof smtpConfigFromCredential>; sender: string },
	) {
		const json = item.json;
		const classification = classificationOf(this.getNodeParameter('notifyClassification', i, {}));
		const customerField = json.customerExternalId ?? json.customer ?? null;
		// Record Outcome gives the customer as an object, Open Dispute and the review queue as its code.
		const customer =
			customerField && typeof customerField === 'object'
				? String(
						(customerField as IDataObject).externalId ?? (customerField as IDataObject).code ?? '',
					) || null
				: (customerField as string | null);
		const owner = (json.owner ?? null) as string | null;
		const to = await notificationRecipients(
			ledger,
			{ owner, customer, invoiceNumbers: classification.invoiceNumbers ?? [] },
			text(this, 'fallbackRecipient', i),
		);
		if (!to.length) {
			throw itemError(
				this.getNode(),
				bilingual('Nobody to notify', 'Personne à prévenir'),
				bilingual(
					'Fill in Team E-Mail, or give the owner or the collector an e-mail address in the staff list.',
					'Renseignez Team E-Mail, ou donnez une adresse e-mail au responsable ou au chargé de recouvrement dans la liste du personnel.',
				),
				i,
			);
		}
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const n = replyNotification({
			event: text(this, 'event', i) as ReplyNotificationInput['event'],
			classification,
			message: {
				from: text(this, 'replyFrom', i),
				subject: text(this, 'replySubject', i),
				date: text(this, 'replyDate', i),
			},
			result: {
				disputeId: json.disputeId as string,
				owner,
				dueOn: json.dueOn as string,
				reviewId: json.reviewId as string,
				customer,
				reason: (json.reason ?? json.code) as string,
			},
			link: options.link ? String(options.link) : null,
		});
		const mail = await composeMail({
			from: { address: sender },
			to: to.map((address) => ({ address })),
			subject: n.subject,
			text: n.text,
			headers: { 'Auto-Submitted': 'auto-generated' },
		});
		const [result] = await sendMails(smtp, [mail]);
		return {
			json: {
				...json,
				notification: {
					sent: result.verdict === 'sent',
					to,
					subject: n.subject,
					messageId: mail.messageId,
					error: result.error ?? null,
				},
			} as IDataObject,
		};
	},
});
