import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { DEFAULT_LEASE_MINUTES, preparedFilePath, produceLetters } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import {
	companyFor,
	heldJson,
	payerPageUrlOf,
	payerPageUrlProperty,
	planProperties,
	plannedFromSource,
	sourceProperty,
} from './common';
import { messageJson } from '../../shared/errors';
import { batch, type Result } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'One PDF letter per reminder (binary property "data"), ready for Write Files to Disk (at {{ $json.filePath }}, in the letters folder n8n allows) or a print service: customers without e-mail and formal notices. A letter stays "rendered" in the ledger until Confirm Letters, placed after the step that writes or prints it, confirms it; a letter never confirmed is rendered again by the next run after the lease.',
		name: 'letterNotice',
		type: 'notice',
		default: '',
	},
	sourceProperty,
	...updateDisplayOptions({ show: { source: ['plan'] } }, planProperties),
	{
		displayName: 'Company Name',
		name: 'companyName',
		type: 'string',
		default: '',
		description:
			'Letterhead name; empty: the "company" setting of the ledger (name, address, SIREN, IBAN)',
	},
	{
		displayName: 'Place',
		name: 'place',
		type: 'string',
		default: '',
		placeholder: 'Paris',
		description: 'City printed before the date ("Paris, le 20 octobre 2025")',
	},
	payerPageUrlProperty,
	{
		displayName: 'Lease (Minutes)',
		name: 'letterLeaseMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_LEASE_MINUTES,
		description:
			'A letter rendered longer ago and never confirmed by Confirm Letters is rendered again by the next run (same file name: the new file replaces the old one)',
	},
];

const displayOptions = { show: { operation: ['renderLetter'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{
			name: 'Letters',
			meaning: 'One PDF letter to print, rendered once (sent once Confirm Letters confirms it)',
		},
		{
			name: 'Not Produced',
			meaning:
				'A reminder not printed: not a letter, already produced, held (with the reason), or an input item that is not a reminder',
		},
	],
	async batch(items) {
		const ledger = await getLedger(this);
		const payerPageUrl = payerPageUrlOf(this);
		const planned = await plannedFromSource(this, ledger, items);
		const place = String(this.getNodeParameter('place', 0, '') ?? '').trim();
		const out: Result[] = [];
		const letters = planned.messages.filter((m) => m.channel === 'letter');
		const leaseMinutes =
			Number(this.getNodeParameter('letterLeaseMinutes', 0, DEFAULT_LEASE_MINUTES)) ||
			DEFAULT_LEASE_MINUTES;
		for await (const letter of produceLetters(ledger, letters, {
			company: await companyFor(this, ledger),
			place: place || undefined,
			leaseMinutes,
			payerPageUrl,
		})) {
			const item =
				planned.itemOf.get(
					planned.messages.find((m) => m.key === letter.message.key) ?? letter.message,
				) ?? 0;
			// "rendered": the ledger says sent once Confirm Letters confirms this letter (by its "letter" reference)
			const json = {
				...letter.outcome,
				status: letter.pdf ? 'rendered' : letter.outcome.status,
				letter: letter.outcome.messageId,
				fileName: letter.fileName,
				filePath: await preparedFilePath('letters', letter.fileName),
			} as unknown as IDataObject;
			if (letter.pdf) {
				const data = await this.helpers.prepareBinaryData(
					Buffer.from(letter.pdf),
					letter.fileName,
					'application/pdf',
				);
				out.push({ json, binary: { data }, item });
			} else {
				out.push({ json, item, output: 'Not Produced' });
			}
		}
		for (const message of planned.messages) {
			if (message.channel !== 'letter')
				out.push({
					output: 'Not Produced',
					json: {
						status: 'not_a_letter',
						key: message.key,
						channel: message.channel,
						customerExternalId: message.customer.externalId,
					},
					item: planned.itemOf.get(message) ?? 0,
				});
		}
		for (const held of planned.held) out.push({ output: 'Not Produced', json: heldJson(held) });
		for (const bad of planned.invalid)
			out.push({
				output: 'Not Produced',
				json: { status: 'invalid', ...messageJson(bad.message), input: items[bad.item].json },
				item: bad.item,
			});
		return out;
	},
});
