import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { composeMail, dailyDigest, sendMails, type Language } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { SMTP_CREDENTIAL, smtpConfigFromCredential } from '../../shared/transport/smtp';
import { bilingual, itemError } from '../../shared/errors';
import { batch, type Result } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'As Of',
		name: 'digestAsOf',
		type: 'string',
		default: '',
		placeholder: '2026-03-31',
		description: 'Day of the digest (YYYY-MM-DD). Empty: today in the company time zone.',
	},
	{
		displayName: 'Stages',
		name: 'digestStages',
		type: 'string',
		default: '',
		placeholder: 'level1, level2, formal_notice',
		description: 'Comma-separated stages to look at. Empty: every stage of every policy.',
	},
	{
		displayName: 'Payments Since',
		name: 'digestPaymentsSince',
		type: 'string',
		default: '',
		placeholder: '2026-03-27',
		description:
			'First day (YYYY-MM-DD) of the payments kept for a person that the digest lists. Empty: the previous working day.',
	},
	{
		displayName: 'Language',
		name: 'digestLanguage',
		type: 'options',
		options: [
			{ name: 'French', value: 'fr' },
			{ name: 'English', value: 'en' },
		],
		default: 'fr',
	},
	{
		displayName: 'Send to Collectors',
		name: 'sendDigest',
		type: 'boolean',
		default: false,
		description:
			'Whether each collector with an e-mail address receives the digest through the SMTP credential',
	},
	{
		displayName: 'Sender E-Mail',
		name: 'digestSender',
		type: 'string',
		default: '',
		placeholder: 'relances@example.com',
		displayOptions: { show: { sendDigest: [true] } },
	},
	{
		displayName: 'Unassigned List To',
		name: 'digestUnassignedTo',
		type: 'string',
		default: '',
		placeholder: 'comptabilite@example.com',
		description:
			'Who receives the digest of the customers without a collector and of the payments no customer was found for. Empty: not e-mailed (still in the output).',
		displayOptions: { show: { sendDigest: [true] } },
	},
];

const displayOptions = { show: { operation: ['digest'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{
			name: 'Done',
			meaning:
				'One digest per collector, and one for what has none (sent: true once e-mailed); each lists the reminders due, recent failures and the payments kept for a person',
		},
	],
	async batch() {
		const ledger = await getLedger(this);
		const stages = String(this.getNodeParameter('digestStages', 0, '') ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
		const digests = await dailyDigest(ledger, {
			asOf: String(this.getNodeParameter('digestAsOf', 0, '') ?? '').trim() || undefined,
			stages: stages.length ? stages : undefined,
			language: this.getNodeParameter('digestLanguage', 0, 'fr') as Language,
			paymentsSince:
				String(this.getNodeParameter('digestPaymentsSince', 0, '') ?? '').trim() || undefined,
		});
		const out: Result[] = digests.map((d) => ({ json: { ...d, sent: false } as never }));
		if (this.getNodeParameter('sendDigest', 0, false) as boolean) {
			const sender = String(this.getNodeParameter('digestSender', 0, '')).trim();
			if (!sender)
				throw itemError(
					this.getNode(),
					bilingual(
						'No sender e-mail for the digest',
						"Pas d'adresse d'expéditeur pour le récapitulatif",
					),
					bilingual('Fill in Sender E-Mail.', 'Renseignez Sender E-Mail.'),
					0,
				);
			const smtp = smtpConfigFromCredential(await this.getCredentials(SMTP_CREDENTIAL));
			const unassignedTo = String(this.getNodeParameter('digestUnassignedTo', 0, '') ?? '').trim();
			const recipient = (d: (typeof digests)[number]) =>
				d.collector ? d.collector.email : unassignedTo || null;
			const targets = digests.map((d, index) => ({ d, index })).filter(({ d }) => recipient(d));
			const composed = await Promise.all(
				targets.map(({ d }) =>
					composeMail({
						from: { address: sender },
						to: [{ name: d.collector?.name, address: recipient(d) as string }],
						subject: d.subject,
						text: d.text,
						html: d.html,
						headers: { 'Auto-Submitted': 'auto-generated' },
					}),
				),
			);
			const results = await sendMails(smtp, composed);
			targets.forEach(({ index }, k) => {
				out[index].json.sent = results[k].verdict === 'sent';
				if (results[k].error) out[index].json.error = results[k].error;
			});
		}
		return out;
	},
});
