import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	createReminderCallTasks,
	DEFAULT_LEASE_MINUTES,
	releaseExpiredClaims,
	sendReminderEmails,
	type MailAttachment,
	type SendOutcome,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from '../../shared/transport/smtp';
import {
	companyFor,
	heldJson,
	messageJson,
	payerPageUrlOf,
	payerPageUrlProperty,
	planProperties,
	plannedFromSource,
	sourceProperty,
} from './common';
import { messageJson as errorMessageJson } from '../../shared/errors';
import { batch, type Result } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"Each reminder is claimed in the ledger before it is sent and confirmed after: a reminder is never sent twice, even when executions overlap. Customers without a usable e-mail go to the Letters output (with the reason); stages whose channel is a call create a call task for the customer's collector (Call Tasks output, ready for Quality Contact's Export Call List). A temporary refusal (4xx) is retried by the next run; only a message whose connection was lost between handing it over and the server's answer is marked uncertain: never resent by itself, decided by Reconcile Reminders or by a person.",
		name: 'sendNotice',
		type: 'notice',
		default: '',
	},
	sourceProperty,
	...updateDisplayOptions({ show: { source: ['plan'] } }, planProperties),
	{
		displayName: 'Sender E-Mail',
		name: 'senderEmail',
		type: 'string',
		placeholder: 'relances@example.com',
		default: '',
		description:
			'From address when the dunning stage does not name one. Empty: the sender e-mail of the company settings (Receivables Report › Company Settings).',
	},
	{
		displayName: 'Sender Name',
		name: 'senderName',
		type: 'string',
		default: '',
		placeholder: 'Service recouvrement',
		description: 'Empty: the sender name of the company settings, else the company name',
	},
	{
		displayName: 'Company Name',
		name: 'companyName',
		type: 'string',
		default: '',
		description:
			'Name used in the templates ({{company.name}}); empty: the "company" setting of the ledger',
	},
	payerPageUrlProperty,
	{
		displayName: 'Options',
		name: 'sendOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Attach Input Files',
				name: 'attachInputFiles',
				type: 'boolean',
				default: true,
				description:
					'Whether the files of the first input item (binary properties) are offered as the constant attachments the stages name (by file name, e.g. CGV.pdf)',
			},
			{
				displayName: 'Parallel Connections',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description: 'SMTP connections used at once',
			},
			{
				displayName: 'Lease (Minutes)',
				name: 'leaseMinutes',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 10,
				description:
					'How long a run may hold a reminder. A reminder claimed longer ago by a run that stopped before handing it to the mail server is sent again; one that stopped while handing it over is marked uncertain (see Reconcile Reminders).',
			},
		],
	},
];

const displayOptions = { show: { operation: ['sendEmail'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function outcomeJson(outcome: SendOutcome): IDataObject {
	return { ...outcome } as unknown as IDataObject;
}

async function inputAttachments(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<Record<string, MailAttachment>> {
	const out: Record<string, MailAttachment> = {};
	const binary = items[0]?.binary ?? {};
	for (const [property, data] of Object.entries(binary) as Array<[string, IBinaryData]>) {
		const content = await ctx.helpers.getBinaryDataBuffer(0, property);
		const filename = data.fileName || property;
		out[filename] = { filename, content, contentType: data.mimeType };
		out[property] = out[property] ?? out[filename];
	}
	return out;
}

export const operation = batch({
	outputs: [
		{ name: 'Sent', meaning: 'A reminder e-mail accepted by the mail server, sent exactly once' },
		{ name: 'Letters', meaning: 'A reminder due by letter (connect Render Letters)' },
		{
			name: 'Not Sent',
			meaning:
				'A reminder not sent (no address, refused, uncertain, already sent), a held invoice with the reason, or an input item that is not a reminder',
		},
		{ name: 'Call Tasks', meaning: 'A call task created for a stage whose channel is a call' },
	],
	async batch(items) {
		const ledger = await getLedger(this);
		const options = this.getNodeParameter('sendOptions', 0, {}) as IDataObject;
		const leaseMinutes = (options.leaseMinutes as number) || DEFAULT_LEASE_MINUTES;
		const payerPageUrl = payerPageUrlOf(this);
		// reminders held by runs that stopped are released (or marked uncertain) before planning, so the plan sees them
		await releaseExpiredClaims(ledger, leaseMinutes);
		const planned = await plannedFromSource(this, ledger, items);
		const smtp = smtpConfigFromCredential(await this.getCredentials(SMTP_CREDENTIAL));
		const senderEmail = String(this.getNodeParameter('senderEmail', 0, '')).trim();
		const senderName = String(this.getNodeParameter('senderName', 0, '') ?? '').trim();
		const company = await companyFor(this, ledger);
		const result = await sendReminderEmails(ledger, planned.messages, {
			smtp,
			from: senderEmail ? { address: senderEmail, name: senderName || undefined } : undefined,
			company,
			attachments: options.attachInputFiles === false ? {} : await inputAttachments(this, items),
			concurrency: (options.concurrency as number) || 5,
			leaseMinutes,
			payerPageUrl,
		});
		const tasks = await createReminderCallTasks(ledger, planned.messages, {
			company: company.name || null,
		});
		const byKey = new Map(planned.messages.map((m) => [m.key, m]));
		const itemOfKey = (key: string): number => {
			const message = byKey.get(key);
			return message ? (planned.itemOf.get(message) ?? 0) : 0;
		};
		const out: Result[] = [];
		for (const outcome of result.outcomes)
			out.push({
				json: outcomeJson(outcome),
				item: itemOfKey(outcome.key),
				output: outcome.status === 'sent' ? 'Sent' : 'Not Sent',
			});
		for (const message of planned.messages) {
			if (message.channel === 'letter')
				out.push({
					json: messageJson(message),
					item: planned.itemOf.get(message) ?? 0,
					output: 'Letters',
				});
		}
		for (const task of tasks) {
			if (task.call)
				out.push({
					output: 'Call Tasks',
					json: {
						...task.call,
						stage: task.stage,
						reminderStatus: task.status,
						skippedInvoiceIds: task.skippedInvoiceIds,
					} as unknown as IDataObject,
					item: itemOfKey(task.key),
				});
			else
				out.push({
					output: 'Not Sent',
					json: {
						...task,
						status: 'skipped',
						channel: 'call',
						error: 'already done by another run, or paid meanwhile',
					} as unknown as IDataObject,
					item: itemOfKey(task.key),
				});
		}
		for (const held of planned.held) out.push({ output: 'Not Sent', json: heldJson(held) });
		for (const bad of planned.invalid)
			out.push({
				output: 'Not Sent',
				json: { status: 'invalid', ...errorMessageJson(bad.message), input: items[bad.item].json },
				item: bad.item,
			});
		return out;
	},
});
