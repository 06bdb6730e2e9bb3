import type { IBinaryData, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { composeMail, isReceivablesError, sendMails, splitAddresses, type MailAttachment } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from '../../shared/transport/smtp';
import { text } from './common';

const OPERATION = 'emailReport';

const properties: INodeProperties[] = [
	{
		displayName: 'Sends one e-mail with the files of all the input items attached (the PDF report, CSV or XLSX files…) through the Receivables SMTP credential.',
		name: 'emailNotice',
		type: 'notice',
		default: '',
	},
	{ displayName: 'From', name: 'fromEmail', type: 'string', default: '', required: true, placeholder: 'reports@example.com' },
	{ displayName: 'Sender Name', name: 'fromName', type: 'string', default: '' },
	{ displayName: 'To', name: 'toEmail', type: 'string', default: '', required: true, placeholder: 'finance.manager@example.com', description: 'One or more addresses separated by commas' },
	{ displayName: 'Cc', name: 'ccEmail', type: 'string', default: '' },
	{ displayName: 'Subject', name: 'subject', type: 'string', default: '', required: true },
	{ displayName: 'Message', name: 'message', type: 'string', typeOptions: { rows: 6 }, default: '', description: 'Plain text body' },
	{ displayName: 'Attach Fields', name: 'attachFields', type: 'string', default: '', placeholder: 'data, csv', description: 'Binary fields to attach; empty: every binary field of every input item' },
];

export const description = updateDisplayOptions({ show: { operation: [OPERATION] } }, properties);

/** One e-mail per execution with every input item's files: the output says whether the mail server accepted it. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (!items.length) return [[]];
	const pairedItem = items.map((_, item) => ({ item }));
	try {
		const wanted = text(this, 'attachFields', 0).split(/[,;\s]+/).filter(Boolean);
		const attachments: MailAttachment[] = [];
		for (let i = 0; i < items.length; i++) {
			for (const [field, data] of Object.entries(items[i].binary ?? {}) as Array<[string, IBinaryData]>) {
				if (wanted.length && !wanted.includes(field)) continue;
				const content = await this.helpers.getBinaryDataBuffer(i, field);
				attachments.push({ filename: data.fileName || `${field}.${data.fileExtension ?? 'bin'}`, content, contentType: data.mimeType });
			}
		}
		if (wanted.length && !attachments.length) {
			throw new NodeOperationError(this.getNode(), `No input item has a binary field named ${wanted.join(' or ')}.`, { description: 'Check Attach Fields against the fields the previous nodes output (for example "data" for a PDF report).' });
		}
		const to = splitAddresses([text(this, 'toEmail', 0)]);
		const mail = await composeMail({
			from: { address: text(this, 'fromEmail', 0), name: text(this, 'fromName', 0) || undefined },
			to: to.map((address) => ({ address })),
			cc: splitAddresses([text(this, 'ccEmail', 0)]),
			subject: text(this, 'subject', 0),
			text: String(this.getNodeParameter('message', 0, '') ?? ''),
			attachments,
			headers: { 'Auto-Submitted': 'auto-generated' },
		});
		const smtp = smtpConfigFromCredential(await this.getCredentials(SMTP_CREDENTIAL));
		const [result] = await sendMails(smtp, [mail]);
		const json = { sent: result.verdict === 'sent', verdict: result.verdict, messageId: mail.messageId, to, subject: text(this, 'subject', 0), attachments: attachments.map((a) => a.filename), bytes: mail.raw.length };
		if (result.verdict !== 'sent') {
			const failure = new NodeOperationError(this.getNode(), `The report e-mail was not accepted by the mail server (${result.verdict}): ${result.error ?? 'no reason given'}`, {
				description: result.verdict === 'uncertain' ? 'The connection broke after the message was sent: check the mailbox before sending again.' : 'Check the Receivables SMTP credential and the addresses.',
			});
			if (!this.continueOnFail()) throw failure;
			return [[{ json: { ...json, error: failure.message }, pairedItem }]];
		}
		return [[{ json, pairedItem }]];
	} catch (error) {
		if (this.continueOnFail() && isReceivablesError(error)) return [[{ json: { sent: false, ...errorJson(error) }, pairedItem }]];
		throw toNodeError(this.getNode(), error, 0);
	}
}
