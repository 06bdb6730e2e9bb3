import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	buildCashedStatus,
	collectCashedStatuses,
	formatAmount,
	loadCompany,
	parseAmount,
} from '../../../core';
import { eachItem, type Result } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName:
			'Writes the mandatory "Encaissée" (212) lifecycle status of payments received: a CDAR message with the amount received and its VAT rate, as a file for an HTTP Request node to the company\'s platform. From the ledger, every receipt not yet confirmed is given (again, with the same message ID, until Confirm Cashed Statuses Sent records that the platform took it).',
		name: 'cashedNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Statuses For',
		name: 'cashedInput',
		type: 'options',
		options: [
			{
				name: 'Receipts Owed by the Ledger',
				value: 'ledger',
				description:
					'Every payment received on an invoice and not yet confirmed as reported: run daily, then send and confirm',
			},
			{
				name: 'Paid Invoices in the Input',
				value: 'items',
				description: "The items of Store Payments' or Import Bank Statement's Paid Invoices output",
			},
		],
		default: 'items',
	},
	{
		displayName: 'Company SIREN',
		name: 'sellerSiren',
		type: 'string',
		default: '',
		placeholder: '552100554',
		description:
			"The company's SIREN (9 digits), the seller of the invoices. Empty: the SIREN of the company settings.",
	},
	{
		displayName: 'VAT Rate (%)',
		name: 'vatRate',
		type: 'string',
		default: '20',
		description:
			"The VAT rate of the amounts received when neither the item nor the invoice's own amounts show one (e.g. 20, 10, 5.5, 0)",
	},
	{
		displayName: 'Invoices',
		name: 'cashedScope',
		type: 'options',
		options: [
			{
				name: 'Known to the Platform',
				value: 'platform',
				description: 'Only invoices the platform sent a lifecycle status for',
			},
			{ name: 'All Invoices', value: 'all' },
		],
		default: 'platform',
		displayOptions: { show: { cashedInput: ['ledger'] } },
	},
	{
		displayName: 'Receipts From',
		name: 'paidFrom',
		type: 'string',
		default: '',
		placeholder: '2026-09-01',
		description: 'First day of receipts to report (YYYY-MM-DD); empty: all',
		displayOptions: { show: { cashedInput: ['ledger'] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Binary property that receives the CDAR message',
	},
];

const displayOptions = { show: { operation: ['cashedStatus'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Statuses',
			meaning:
				'One 212 "Encaissée" CDAR message per receipt (or paid invoice), as a file, with its invoice, amount and, from the ledger, cashedStatusId',
		},
	],
	item: async function (i, item) {
		if ((this.getNodeParameter('cashedInput', 0, 'items') as string) !== 'ledger')
			return await cashedItem.call(this, i, item);
		// From the ledger: once per run (the input item only starts it)
		if (i > 0) return [];
		return await owedStatuses.call(this);
	},
});

async function owedStatuses(this: IExecuteFunctions): Promise<Result[]> {
	const property = (this.getNodeParameter('binaryPropertyName', 0, 'data') as string) || 'data';
	const owed = await collectCashedStatuses(await getLedger(this), {
		sellerSiren: this.getNodeParameter('sellerSiren', 0, '') as string,
		scope: this.getNodeParameter('cashedScope', 0, 'platform') as 'platform' | 'all',
		paidFrom: ((this.getNodeParameter('paidFrom', 0, '') as string) || '').trim() || undefined,
		defaultVatRate: (this.getNodeParameter('vatRate', 0, '20') as string).trim() || '20',
	});
	const out: Result[] = [];
	for (const o of owed) {
		const binary = await this.helpers.prepareBinaryData(
			Buffer.from(o.xml, 'utf8'),
			`CDAR-212-${o.invoiceNumber.replace(/[^A-Za-z0-9._-]/g, '_')}-${o.id}.xml`,
			'application/xml',
		);
		out.push({
			item: 0,
			json: {
				cashedStatusId: o.id,
				messageId: o.messageId,
				invoiceNumber: o.invoiceNumber,
				customerId: o.customerExternalId,
				statusCode: '212',
				status: 'Encaissée',
				receivedOn: o.receivedOn,
				amount: formatAmount(o.amountMinor, o.currency),
				currency: o.currency,
				vatRate: o.vatRate,
			},
			binary: { [property]: binary },
		});
	}
	return out;
}

async function cashedItem(
	this: IExecuteFunctions,
	i: number,
	item: INodeExecutionData,
): Promise<Result> {
	const json = item.json as IDataObject;
	const siren =
		(this.getNodeParameter('sellerSiren', i, '') as string).replace(/\s/g, '') ||
		((await loadCompany(await getLedger(this))).siren ?? '').replace(/\s/g, '');
	const rate = (this.getNodeParameter('vatRate', i, '20') as string).trim() || '20';
	const property = (this.getNodeParameter('binaryPropertyName', i, 'data') as string) || 'data';
	const currency = String(json.currency ?? 'EUR');
	const amountMinor = parseAmount(String(json.amountPaid ?? json.amount ?? ''), currency);
	const invoiceNumber = String(json.invoiceNumber ?? '');
	const receivedOn = String(json.paidOn ?? '').slice(0, 10);
	// The invoice's issue date, which the status must state: from the item, else from the ledger.
	let issueDate = String(json.issueDate ?? json.invoiceIssueDate ?? '').slice(0, 10);
	if (!issueDate && json.invoiceId) {
		const ledger = await getLedger(this);
		const [row] = await ledger.query<{ issue_date: string }>(
			'SELECT issue_date::text FROM invoices WHERE id = $1',
			[String(json.invoiceId)],
		);
		issueDate = row?.issue_date ?? '';
	}
	const xml = buildCashedStatus({
		messageId: `ENC-${invoiceNumber}-${receivedOn}`,
		issuedAt: new Date().toISOString(),
		sellerSiren: siren,
		invoiceNumber,
		invoiceIssueDate: issueDate,
		receivedOn,
		currency,
		received: [{ amountMinor, vatRate: String(json.vatRate ?? rate) }],
	});
	const binary = await this.helpers.prepareBinaryData(
		Buffer.from(xml, 'utf8'),
		`CDAR-212-${invoiceNumber.replace(/[^A-Za-z0-9._-]/g, '_')}.xml`,
		'application/xml',
	);
	return {
		json: { invoiceNumber, statusCode: '212', status: 'Encaissée', receivedOn, currency },
		binary: { [property]: binary },
	};
}
