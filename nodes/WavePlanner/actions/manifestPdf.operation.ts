import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	ledgerInvoiceCopies,
	loadCompany,
	loadManifest,
	preparedFilePath,
	renderManifestPdf,
	serverKeys,
	type CompanyInfo,
	type Ledger,
} from '../../../core';
import { eachItem } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName:
			'The QR codes are signed with the secret of the Receivables Webhook credential: use the same credential in Courier Tracking so the courier page can read them.',
		name: 'manifestNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Wave Code',
		name: 'waveCode',
		type: 'string',
		default: '={{ $json.waveCode }}',
		required: true,
	},
	{
		displayName: 'Language',
		name: 'language',
		type: 'options',
		options: [
			{ name: 'French', value: 'fr' },
			{ name: 'English', value: 'en' },
		],
		default: 'fr',
	},
	{
		displayName: 'Cover Sheets',
		name: 'coverSheets',
		type: 'boolean',
		default: true,
		description: 'Whether to add one cover/address sheet per customer',
	},
	{
		displayName: 'Invoice Copies',
		name: 'invoiceCopies',
		type: 'boolean',
		default: true,
		description:
			"Whether to print, after each customer's cover sheet, a copy of each of its invoices in the wave (rendered from the ledger, sender from the ledger's company settings)",
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['manifestPdf'] } },
	properties,
);

/** One item per wave with the PDF as binary data; items are produced one after the other (one PDF in memory at a time). */
export const operation = eachItem({
	outputs: [
		{
			name: 'Done',
			meaning:
				"The wave's manifest as a PDF (cover sheets, invoice copies, signed QR codes) and where it is written",
		},
	],
	setup: async function () {
		const ledger = await getLedger(this);
		// The QR codes are signed with the ledger's own QR key: no sender's or phone's key, and rotating those leaves printed codes valid.
		const [qrKey] = await serverKeys(ledger, 'qr');
		// the company of the ledger's settings heads the manifest and signs the invoice copies
		const company = await loadCompany(ledger);
		return { ledger, qrKey, company };
	},
	async item(
		i,
		_item,
		{ ledger, qrKey, company }: { ledger: Ledger; qrKey: Buffer; company: CompanyInfo },
	) {
		const waveCode = String(this.getNodeParameter('waveCode', i));
		const data = await loadManifest(ledger, waveCode);
		const pdf = await renderManifestPdf(data, {
			qrSecret: qrKey,
			language: this.getNodeParameter('language', i, 'fr') as 'fr' | 'en',
			coverSheets: this.getNodeParameter('coverSheets', i, true) as boolean,
			company,
			invoiceCopies: this.getNodeParameter('invoiceCopies', i, true)
				? ledgerInvoiceCopies(ledger, company)
				: undefined,
		});
		const property = String(this.getNodeParameter('binaryProperty', i, 'data'));
		const binary = await this.helpers.prepareBinaryData(
			Buffer.from(pdf),
			`manifest-${waveCode}.pdf`,
			'application/pdf',
		);
		return {
			json: {
				waveCode,
				courierCode: data.courierCode,
				invoices: data.lines.length,
				plannedOn: data.plannedOn,
				fileName: binary.fileName,
				filePath: await preparedFilePath(
					'manifests',
					binary.fileName ?? `manifest-${waveCode}.pdf`,
				),
			},
			binary: { [property]: binary },
		};
	},
});
