import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { processBounce, rawFromResolved, type Ledger } from '../../../core';
import { bilingual, messageJson } from '../../shared/errors';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Connect the Email Trigger (IMAP) of the mailbox that receives the bounces, Format "Resolved" with Download Attachments on — or give .eml files. A hard bounce marks the address bad: the next run of the stage prints a letter instead.',
		name: 'bounceNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Message Source',
		name: 'rawSource',
		type: 'options',
		options: [
			{
				name: 'Email Trigger (Resolved)',
				value: 'resolved',
				description: 'Headers, text and downloaded attachments of the Email Trigger (IMAP)',
			},
			{ name: 'Binary Property (.eml)', value: 'binary' },
			{ name: 'JSON Field (Raw Source)', value: 'field' },
		],
		default: 'resolved',
	},
	{
		displayName: 'Field',
		name: 'rawField',
		type: 'string',
		default: 'raw',
		displayOptions: { show: { rawSource: ['field'] } },
		description: 'Field holding the raw message (plain text or base64)',
	},
	{
		displayName: 'Binary Property',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		displayOptions: { show: { rawSource: ['binary'] } },
	},
];

const displayOptions = { show: { operation: ['processBounce'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function decodeRaw(value: unknown): Buffer | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	if (/^[A-Za-z0-9+/_=\r\n-]+$/.test(value) && !/\s[A-Za-z-]+:/.test(value)) {
		const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
		if (/^[\x20-\x7e\r\n\t]{20}/.test(bytes.subarray(0, 20).toString('latin1'))) return bytes;
	}
	return Buffer.from(value, 'utf8');
}

export const operation = eachItem({
	outputs: [
		{
			name: 'Bounces',
			meaning:
				'A bounce or complaint: recipients, hard or soft, reminders marked bounced, customers switched to letters',
		},
		{
			name: 'Other Messages',
			meaning: 'Any other message (auto-reply, delay notice), or an item that is not an e-mail',
		},
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger) {
		const mode = this.getNodeParameter('rawSource', i, 'field') as string;
		let raw: Buffer | undefined;
		if (mode === 'resolved') {
			const headers = item.json.headers;
			if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
				const attachments = [];
				for (const [property, data] of Object.entries(item.binary ?? {})) {
					attachments.push({
						contentType: data.mimeType || 'application/octet-stream',
						content: await this.helpers.getBinaryDataBuffer(i, property),
					});
				}
				raw = rawFromResolved({
					headers: headers as Record<string, string>,
					text: typeof item.json.text === 'string' ? (item.json.text as string) : '',
					attachments,
				});
			}
		} else if (mode === 'binary') {
			const property = String(this.getNodeParameter('binaryProperty', i, 'data'));
			raw = item.binary?.[property]
				? await this.helpers.getBinaryDataBuffer(i, property)
				: undefined;
		} else {
			raw = decodeRaw(item.json[String(this.getNodeParameter('rawField', i, 'raw'))]);
		}
		if (!raw) {
			return {
				output: 'Other Messages',
				json: {
					kind: 'invalid',
					...messageJson({
						code: 'NOT_AN_EMAIL',
						message: bilingual('This item is not an e-mail.', "Cet élément n'est pas un e-mail."),
						hint: bilingual(
							'Use the Email Trigger (IMAP) with Format "Resolved", or give the .eml file.',
							'Utilisez le déclencheur Email Trigger (IMAP) au format « Resolved », ou donnez le fichier .eml.',
						),
					}),
				},
			};
		}
		const outcome = await processBounce(ledger, raw);
		const json = {
			kind: outcome.report.kind,
			subject: outcome.report.subject,
			from: outcome.report.from,
			originalMessageId: outcome.report.originalMessageId,
			feedbackType: outcome.report.feedbackType ?? null,
			recipients: outcome.report.recipients.map((r) => ({ ...r })),
			hard: outcome.report.recipients.some((r) => r.hard),
			remindersBounced: outcome.remindersBounced,
			customersMarked: outcome.customersMarked.map((c) => ({ ...c })),
		} as unknown as IDataObject;
		return {
			json,
			output:
				outcome.report.kind === 'bounce' || outcome.report.kind === 'complaint'
					? 'Bounces'
					: 'Other Messages',
		};
	},
});
