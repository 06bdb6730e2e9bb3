import type { IBinaryData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { composeMail, sendMails, splitAddresses, type MailAttachment } from '../../../core';
import { bilingual, itemError } from '../../shared/errors';
import { batch } from '../../shared/operation';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from '../../shared/transport/smtp';
import { text } from './common';

const OPERATION = 'emailReport';

const properties: INodeProperties[] = [
	{
		displayName:
			'Sends one e-mail with the files of all the input items attached (the PDF report, CSV or XLSX files…) through the Receivables SMTP credential.',
		name: 'emailNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'From',
		name: 'fromEmail',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'reports@example.com',
	},
	{ displayName: 'Sender Name', name: 'fromName', type: 'string', default: '' },
	{
		displayName: 'To',
		name: 'toEmail',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'finance.manager@example.com',
		description: 'One or more addresses separated by commas',
	},
	{ displayName: 'Cc', name: 'ccEmail', type: 'string', default: '' },
	{ displayName: 'Subject', name: 'subject', type: 'string', default: '', required: true },
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 6 },
		default: '',
		description: 'Plain text body',
	},
	{
		displayName: 'Attach Fields',
		name: 'attachFields',
		type: 'string',
		default: '',
		placeholder: 'data, csv',
		description: 'Binary fields to attach; empty: every binary field of every input item',
	},
];

export const description = updateDisplayOptions({ show: { operation: [OPERATION] } }, properties);

/** One e-mail per execution with every input item's files: the output says whether the mail server accepted it. */
export const operation = batch({
	outputs: [
		{
			name: 'Sent',
			meaning:
				'One item for the e-mail sent, paired with every input item whose files are attached',
		},
	],
	async batch(items) {
		if (!items.length) return [];
		const wanted = text(this, 'attachFields', 0)
			.split(/[,;\s]+/)
			.filter(Boolean);
		const attachments: MailAttachment[] = [];
		for (let i = 0; i < items.length; i++) {
			for (const [field, data] of Object.entries(items[i].binary ?? {}) as Array<
				[string, IBinaryData]
			>) {
				if (wanted.length && !wanted.includes(field)) continue;
				const content = await this.helpers.getBinaryDataBuffer(i, field);
				attachments.push({
					filename: data.fileName || `${field}.${data.fileExtension ?? 'bin'}`,
					content,
					contentType: data.mimeType,
				});
			}
		}
		if (wanted.length && !attachments.length) {
			throw itemError(
				this.getNode(),
				bilingual(
					`No input item has a binary field named ${wanted.join(' or ')}.`,
					`Aucun élément d'entrée n'a de champ binaire nommé ${wanted.join(' ou ')}.`,
				),
				bilingual(
					'Check Attach Fields against the fields the previous nodes output (for example "data" for a PDF report).',
					'Comparez Attach Fields aux champs produits par les nœuds précédents (par exemple « data » pour un rapport PDF).',
				),
				0,
			);
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
		if (result.verdict !== 'sent') {
			const uncertain = result.verdict === 'uncertain';
			throw itemError(
				this.getNode(),
				bilingual(
					`The report e-mail was not accepted by the mail server (${result.verdict}): ${result.error ?? 'no reason given'}`,
					`Le serveur de messagerie n'a pas accepté l'e-mail du rapport (${result.verdict}) : ${result.error ?? 'sans raison donnée'}`,
				),
				uncertain
					? bilingual(
							'The connection broke after the message was sent: check the mailbox before sending again.',
							"La connexion a été coupée après l'envoi : vérifiez la boîte aux lettres avant de renvoyer.",
						)
					: bilingual(
							'Check the Receivables SMTP credential and the addresses.',
							"Vérifiez l'identifiant Receivables SMTP et les adresses.",
						),
				0,
			);
		}
		const json = {
			sent: true,
			verdict: result.verdict,
			messageId: mail.messageId,
			to,
			subject: text(this, 'subject', 0),
			attachments: attachments.map((a) => a.filename),
			bytes: mail.raw.length,
		};
		return [{ json, item: items.map((_, item) => item) }];
	},
});
