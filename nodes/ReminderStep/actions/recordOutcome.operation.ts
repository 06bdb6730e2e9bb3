import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { recordOutcome, type Ledger, type OutcomeKind } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer Code',
		name: 'customerExternalId',
		type: 'string',
		default: '={{ $json.customerId }}',
		required: true,
	},
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		options: [
			{ name: 'Call', value: 'call' },
			{ name: 'E-Mail Received', value: 'email_in' },
			{ name: 'Letter Received', value: 'letter_in' },
			{ name: 'Meeting', value: 'meeting' },
			{ name: 'Note', value: 'note' },
			{ name: 'Promise to Pay', value: 'promise' },
			{ name: 'Visit', value: 'visit' },
		],
		default: 'call',
	},
	{
		displayName: 'Summary',
		name: 'summary',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'What was said or done, in one or two sentences',
	},
	{
		displayName: 'Invoice Numbers',
		name: 'invoiceNumbers',
		type: 'string',
		default: '',
		description: 'Comma-separated invoice numbers the exchange is about; empty: the whole account',
	},
	{
		displayName: 'By',
		name: 'actor',
		type: 'string',
		default: '',
		description: 'Who (collector code or name)',
	},
	{
		displayName: 'When',
		name: 'outcomeAt',
		type: 'string',
		default: '',
		placeholder: '2026-03-31 or 2026-03-31T14:30:00+02:00',
		description:
			'When it happened, to record past exchanges: a day (YYYY-MM-DD, in the workflow time zone) or a date and time; never in the future. Empty: now.',
	},
];

const displayOptions = { show: { operation: ['recordOutcome'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [{ name: 'Done', meaning: 'The history rows recorded for the customer' }],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const numbers = String(this.getNodeParameter('invoiceNumbers', i, '') ?? '')
			.split(',')
			.map((n) => n.trim())
			.filter(Boolean);
		const result = await recordOutcome(ledger, {
			customerExternalId: String(this.getNodeParameter('customerExternalId', i, '')).trim(),
			kind: this.getNodeParameter('kind', i) as OutcomeKind,
			summary: String(this.getNodeParameter('summary', i, '')),
			invoiceNumbers: numbers.length ? numbers : undefined,
			actor: String(this.getNodeParameter('actor', i, '') ?? '') || undefined,
			at: String(this.getNodeParameter('outcomeAt', i, '') ?? '').trim() || undefined,
			zone: this.getTimezone(),
		});
		return { json: { recorded: result.rows, customerLedgerId: result.customerId } };
	},
});
