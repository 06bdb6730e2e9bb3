import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { previewReminder, STAGE_CHOICES, validatePolicy, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';
import { policyInputOf } from './savePolicy.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"Shows a reminder as the customer would get it, before saving the policy: the stage rendered for one invoice, the e-mail in the customer's language (subject, text, HTML file) and the letter as a PDF with the company's letterhead. Nothing is written or sent.",
		name: 'previewNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Invoice Number',
		name: 'previewInvoice',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'FA-2026-0042',
	},
	{
		displayName: 'Stage',
		name: 'previewStage',
		type: 'options',
		options: STAGE_CHOICES.map((c) => ({ name: `${c.en} (${c.fr})`, value: c.code })),
		default: 'level1',
	},
	{
		displayName: 'Date of the Message',
		name: 'previewAsOf',
		type: 'string',
		default: '',
		placeholder: '2026-03-31',
		description:
			"Empty: the day this stage goes for the invoice (its due date plus the stage's days)",
	},
	{
		displayName: 'Place',
		name: 'previewPlace',
		type: 'string',
		default: '',
		placeholder: 'Paris',
		description: "City printed before the letter's date",
	},
];

const displayOptions = { show: { operation: ['previewReminder'] } };

/** The policy fields (Policy To Preview) come from Save Dunning Policy's description, shown for this operation too. */
export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Preview',
			meaning:
				'The message as the customer would get it: subject, text, the e-mail as HTML and the letter as PDF files',
		},
		{
			name: 'Rejected',
			meaning:
				'No preview: unknown invoice, a stage the policy does not have, an invalid policy (what to fix)',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const raw = policyInputOf(this, i);
		const preview = await previewReminder(ledger, {
			invoiceNumber: String(this.getNodeParameter('previewInvoice', i, '') ?? ''),
			stage: String(this.getNodeParameter('previewStage', i, 'level1') ?? ''),
			asOf: String(this.getNodeParameter('previewAsOf', i, '') ?? '').trim() || undefined,
			place: String(this.getNodeParameter('previewPlace', i, '') ?? '').trim() || undefined,
			policy: raw === undefined ? undefined : validatePolicy(raw),
		});
		const { letterPdf, html, ...json } = preview;
		const base = preview.letterFileName.replace(/\.pdf$/, '');
		return {
			json: { ...json, emailFileName: `${base}.html` } as unknown as IDataObject,
			binary: {
				email: await this.helpers.prepareBinaryData(
					Buffer.from(html, 'utf8'),
					`${base}.html`,
					'text/html',
				),
				letter: await this.helpers.prepareBinaryData(
					Buffer.from(letterPdf),
					preview.letterFileName,
					'application/pdf',
				),
			},
		};
	},
});
