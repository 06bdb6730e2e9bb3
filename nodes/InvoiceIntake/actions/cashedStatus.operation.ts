import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { buildCashedStatus, parseAmount } from '../../../core';
import { eachItem, type Result } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName:
			'Writes the mandatory "Encaissée" (212) lifecycle status for each paid invoice (the items of Store Payments\' or Import Bank Statement\'s Paid Invoices output): a CDAR message with the amount received per VAT rate, as a file for an HTTP Request node to the company\'s platform.',
		name: 'cashedNotice',
		type: 'notice',
		default: '',
	},
	{ displayName: 'Company SIREN', name: 'sellerSiren', type: 'string', default: '', required: true, placeholder: '552100554', description: 'The company\'s SIREN (9 digits), the seller of the invoices' },
	{ displayName: 'VAT Rate (%)', name: 'vatRate', type: 'string', default: '20', description: 'The VAT rate of the amounts received when the item states none (e.g. 20, 10, 5.5, 0)' },
	{ displayName: 'Put Output File in Field', name: 'binaryPropertyName', type: 'string', default: 'data', description: 'Binary property that receives the CDAR message' },
];

const displayOptions = { show: { operation: ['cashedStatus'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [{ name: 'Statuses', meaning: 'One 212 "Encaissée" CDAR message per paid invoice, as a file, with its invoice and amount' }],
	item: cashedItem,
});

async function cashedItem(this: IExecuteFunctions, i: number, item: INodeExecutionData): Promise<Result> {
	const json = item.json as IDataObject;
	const siren = (this.getNodeParameter('sellerSiren', i, '') as string).replace(/\s/g, '');
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
		const [row] = await ledger.query<{ issue_date: string }>('SELECT issue_date::text FROM invoices WHERE id = $1', [String(json.invoiceId)]);
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
	const binary = await this.helpers.prepareBinaryData(Buffer.from(xml, 'utf8'), `CDAR-212-${invoiceNumber.replace(/[^A-Za-z0-9._-]/g, '_')}.xml`, 'application/xml');
	return { json: { invoiceNumber, statusCode: '212', status: 'Encaissée', receivedOn, currency }, binary: { [property]: binary } };
}
