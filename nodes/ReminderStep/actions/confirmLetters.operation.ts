import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { confirmLetters, type Ledger } from '../../../core';
import { bilingual, messageJson } from '../../shared/errors';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Place this step after the one that writes or prints the letters of Render Letters (Write Files to Disk, a print service): each letter it receives is recorded as sent. A letter never confirmed is rendered again by the next run, after the lease.',
		name: 'confirmNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Letter',
		name: 'letter',
		type: 'string',
		default: '={{ $json.letter }}',
		required: true,
		description: 'The letter reference given by Render Letters (field "letter")',
	},
	{
		displayName: 'Destination',
		name: 'destination',
		type: 'string',
		default: '={{ $json.fileName }}',
		description: 'Where it went (file path, print job), kept in the customer history',
	},
];

const displayOptions = { show: { operation: ['confirmLetters'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{ name: 'Confirmed', meaning: 'A letter recorded as sent (or already confirmed)' },
		{
			name: 'Not Confirmed',
			meaning:
				'An item that is not a letter of Render Letters, or a letter unknown to the ledger (what is wrong, how to fix it)',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger) {
		const letter = String(this.getNodeParameter('letter', i, '') ?? '').trim();
		const destination =
			String(this.getNodeParameter('destination', i, '') ?? '').trim() || undefined;
		if (!letter) {
			const message = messageJson({
				code: 'DUNNING_NO_LETTER_REFERENCE',
				message: bilingual(
					'This item has no letter reference.',
					"Cet élément n'a pas de référence de lettre.",
				),
				hint: bilingual(
					'Connect Confirm Letters after the step that writes the letters of Render Letters.',
					"Branchez Confirm Letters après l'étape qui écrit les lettres de Render Letters.",
				),
			});
			return { output: 'Not Confirmed', json: { status: 'unknown', ...message, input: item.json } };
		}
		const [result] = await confirmLetters(ledger, [{ letter, destination }]);
		return {
			json: { ...result, destination } as unknown as IDataObject,
			output: result.status === 'unknown' ? 'Not Confirmed' : 'Confirmed',
		};
	},
});
