import type { IBinaryKeyData, IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { callListCsv, callListPdf, preparedFilePath, type PlannedCall } from '../../../core';
import { text } from '../helpers/items';
import { bilingual, itemError } from '../../shared/errors';
import { batch } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Takes the calls of a Plan Calls node (one item per call) and makes one file of them.',
		name: 'exportNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'CSV (Spreadsheet)', value: 'csv' },
			{ name: 'PDF (To Print)', value: 'pdf' },
			{ name: 'CSV and PDF', value: 'both' },
		],
		default: 'pdf',
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
		description: "Headings of the list; each call's questions stay in its customer's language",
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: 'call-list',
		description: 'Without extension',
	},
	{
		displayName: 'Company Name',
		name: 'company',
		type: 'string',
		default: '',
		description: 'Printed in the PDF title',
	},
];

const displayOptions = { show: { operation: ['exportCallList'] } };

export const description = updateDisplayOptions(displayOptions, properties);

function isPlannedCall(json: IDataObject): boolean {
	return (
		typeof json.taskId === 'string' &&
		!!json.customer &&
		Array.isArray(json.invoices) &&
		Array.isArray(json.checklist)
	);
}

export const operation = batch({
	outputs: [
		{
			name: 'File',
			meaning:
				'One item with the call list as a PDF and/or CSV file (and where it is written), paired with every call',
		},
	],
	async batch(items) {
		const calls: PlannedCall[] = [];
		for (let i = 0; i < items.length; i++) {
			const json = items[i].json;
			if (Object.keys(json).length === 0) continue; // an empty item (no call planned)
			if (!isPlannedCall(json)) {
				throw itemError(
					this.getNode(),
					bilingual(
						`Item ${i} is not a planned call.`,
						`L'élément ${i} n'est pas un appel planifié.`,
					),
					bilingual(
						'Connect this node to the output of a Quality Contact node set to Plan Calls.',
						"Branchez ce nœud sur la sortie d'un nœud Quality Contact réglé sur Plan Calls.",
					),
					i,
				);
			}
			calls.push(json as unknown as PlannedCall);
		}
		const format = text(this, 'format', 0, 'pdf');
		const language = text(this, 'language', 0, 'fr') === 'en' ? 'en' : 'fr';
		const base = (text(this, 'fileName', 0, 'call-list') || 'call-list').replace(/[^\w.-]+/g, '-');
		const day = calls[0]?.dueOn;
		const binary: IBinaryKeyData = {};
		if (format === 'csv' || format === 'both') {
			binary.csv = await this.helpers.prepareBinaryData(
				Buffer.from(callListCsv(calls, { language }), 'utf8'),
				`${base}.csv`,
				'text/csv',
			);
		}
		if (format === 'pdf' || format === 'both') {
			const pdf = await callListPdf(calls, {
				language,
				day,
				company: text(this, 'company', 0) || undefined,
			});
			binary.pdf = await this.helpers.prepareBinaryData(
				Buffer.from(pdf),
				`${base}.pdf`,
				'application/pdf',
			);
		}
		const paths = {
			...(binary.pdf
				? { pdfPath: await preparedFilePath('call-lists', binary.pdf.fileName ?? `${base}.pdf`) }
				: {}),
			...(binary.csv
				? { csvPath: await preparedFilePath('call-lists', binary.csv.fileName ?? `${base}.csv`) }
				: {}),
		};
		return [
			{
				json: { calls: calls.length, day: day ?? null, format, ...paths },
				binary,
				item: items.map((_, item) => item),
			},
		];
	},
});
