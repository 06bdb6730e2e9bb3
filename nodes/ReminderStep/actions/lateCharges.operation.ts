import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { chargesJson, invoiceLateCharges, latePaymentCharges } from '../../../core';
import { eachItem } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const GOVERNING_LAW =
	'Country whose law governs the contract (two letters). FR: ECB rate + 10 points, 3 × legal interest floor, €40 indemnity whatever the currency. Other: interest only at a contract rate.';

const fromFields = { show: { chargesFrom: ['fields'] } };
const fromLedger = { show: { chargesFrom: ['ledger'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Compute From',
		name: 'chargesFrom',
		type: 'options',
		options: [
			{
				name: 'Item Fields',
				value: 'fields',
				description:
					'One amount and one due date per item: no payment history, no revision of the invoice',
			},
			{
				name: 'Ledger Invoice',
				value: 'ledger',
				description:
					'The invoice as the ledger keeps it, exactly as reminders and the statement charge it: each payment, credit note and write-off, each revision of its amount or due date, the customer’s policy and law',
			},
		],
		default: 'fields',
	},
	{
		displayName: 'Invoice Number',
		name: 'chargesInvoiceNumber',
		type: 'string',
		default: '={{ $json.number }}',
		displayOptions: fromLedger,
		description: 'Number of the invoice in the ledger',
	},
	{
		displayName: 'Customer Code',
		name: 'chargesCustomer',
		type: 'string',
		default: '',
		displayOptions: fromLedger,
		description: 'The customer’s code, when the same number exists for several issuers; empty: any',
	},
	{
		displayName: 'Amount',
		name: 'amount',
		type: 'string',
		default: '={{ $json.open }}',
		description: 'Amount owed, in the currency below (e.g. 1234.56)',
		displayOptions: fromFields,
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		default: '={{ $json.currency }}',
		displayOptions: fromFields,
	},
	{
		displayName: 'Due Date',
		name: 'dueDate',
		type: 'string',
		default: '={{ $json.dueDate }}',
		displayOptions: fromFields,
	},
	{
		displayName: 'As Of',
		name: 'chargesAsOf',
		type: 'string',
		default: '={{ $today.toFormat("yyyy-MM-dd") }}',
		description: 'Date up to which interest runs',
	},
	{
		displayName: 'Contract Rate (%)',
		name: 'contractRatePercent',
		type: 'string',
		default: '',
		description:
			'Annual rate of the contract (raised to 3 × the legal interest rate under French law); empty: the legal rate (ECB rate + 10 points), or for a ledger invoice the customer’s policy rate',
	},
	{
		displayName: 'Governing Law',
		name: 'governingLaw',
		type: 'string',
		default: 'FR',
		displayOptions: fromFields,
		description: GOVERNING_LAW,
	},
	{
		displayName: 'Governing Law',
		name: 'chargesGoverningLaw',
		type: 'string',
		default: '',
		displayOptions: fromLedger,
		description: `${GOVERNING_LAW} Empty: the customer’s, else its policy’s, else the company’s country`,
	},
];

const displayOptions = { show: { operation: ['lateCharges'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Done',
			meaning: 'The input item with its late-payment charges (interest, fixed indemnity, periods)',
		},
	],
	async item(i, item) {
		const contract = String(this.getNodeParameter('contractRatePercent', i, '') ?? '').trim();
		if (this.getNodeParameter('chargesFrom', i, 'fields') === 'ledger') {
			const line = await invoiceLateCharges(await getLedger(this), {
				invoiceNumber: String(this.getNodeParameter('chargesInvoiceNumber', i, '') ?? ''),
				customerExternalId: String(this.getNodeParameter('chargesCustomer', i, '') ?? ''),
				asOf: String(this.getNodeParameter('chargesAsOf', i, '') ?? '').trim() || undefined,
				contractRatePercent: contract,
				governingLaw: String(this.getNodeParameter('chargesGoverningLaw', i, '') ?? ''),
				zone: this.getTimezone(),
			});
			return {
				json: {
					...item.json,
					charges: {
						invoiceNumber: line.number,
						customerExternalId: line.customerExternalId,
						dueDate: line.dueDate,
						status: line.status,
						...chargesJson(line.charges),
					},
				},
			};
		}
		const c = latePaymentCharges({
			amount: String(this.getNodeParameter('amount', i, '')),
			currency: String(this.getNodeParameter('currency', i, 'EUR')),
			dueDate: String(this.getNodeParameter('dueDate', i, '')),
			asOf: String(this.getNodeParameter('chargesAsOf', i, '')),
			contractRatePercent: contract || undefined,
			governingLaw:
				String(this.getNodeParameter('governingLaw', i, 'FR') ?? '').trim() || undefined,
		});
		return { json: { ...item.json, charges: chargesJson(c) } };
	},
});
