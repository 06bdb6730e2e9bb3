import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { produceLetters } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { companyFor, heldJson, planProperties, plannedFromSource, sourceProperty } from './common';
import { messageJson } from '../../shared/errors';
import { batch, type Result } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'One PDF letter per reminder (binary property "data"), ready for Write Files to Disk or a print service: customers without e-mail and formal notices. Each letter is recorded in the ledger and produced once.',
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
		description: 'Letterhead name; empty: the "company" setting of the ledger (name, address, SIREN, IBAN)',
	},
	{
		displayName: 'Place',
		name: 'place',
		type: 'string',
		default: '',
		placeholder: 'Paris',
		description: 'City printed before the date ("Paris, le 20 octobre 2025")',
	},
];

const displayOptions = { show: { operation: ['renderLetter'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{ name: 'Letters', meaning: 'One PDF letter to print, produced once' },
		{ name: 'Not Produced', meaning: 'A reminder not printed: not a letter, already produced, held (with the reason), or an input item that is not a reminder' },
	],
	async batch(items) {
		const ledger = await getLedger(this);
		const planned = await plannedFromSource(this, ledger, items);
		const place = String(this.getNodeParameter('place', 0, '') ?? '').trim();
		const out: Result[] = [];
		const letters = planned.messages.filter((m) => m.channel === 'letter');
		for await (const letter of produceLetters(ledger, letters, { company: await companyFor(this, ledger), place: place || undefined })) {
			const item = planned.itemOf.get(planned.messages.find((m) => m.key === letter.message.key) ?? letter.message) ?? 0;
			const json = { ...letter.outcome, fileName: letter.fileName } as unknown as IDataObject;
			if (letter.pdf) {
				const data = await this.helpers.prepareBinaryData(Buffer.from(letter.pdf), letter.fileName, 'application/pdf');
				out.push({ json, binary: { data }, item });
			} else {
				out.push({ json, item, output: 'Not Produced' });
			}
		}
		for (const message of planned.messages) {
			if (message.channel !== 'letter') out.push({ output: 'Not Produced', json: { status: 'not_a_letter', key: message.key, channel: message.channel, customerExternalId: message.customer.externalId }, item: planned.itemOf.get(message) ?? 0 });
		}
		for (const held of planned.held) out.push({ output: 'Not Produced', json: heldJson(held) });
		for (const bad of planned.invalid) out.push({ output: 'Not Produced', json: { status: 'invalid', ...messageJson(bad.message), input: items[bad.item].json }, item: bad.item });
		return out;
	},
});
