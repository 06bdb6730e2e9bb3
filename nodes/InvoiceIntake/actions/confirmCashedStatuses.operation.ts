import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { confirmCashedStatusesSent } from '../../../core';
import { bilingual, itemError } from '../../shared/errors';
import { batch, type Failure, type Result } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName:
			'Put this after the HTTP Request node that sent the "Encaissée" statuses to the platform, on its success output only: each status confirmed here is never given again by Cashed Status; one not confirmed (the platform did not answer) is given again, with the same message ID, on the next run.',
		name: 'confirmCashedNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Cashed Status ID',
		name: 'cashedStatusId',
		type: 'string',
		default: "={{ $('Cashed Statuses Owed').item.json.cashedStatusId }}",
		required: true,
		description:
			'The cashedStatusId given by Cashed Status (Receipts Owed by the Ledger); the HTTP Request node replaces the item, so read it from that node by name',
	},
	{
		displayName: 'Platform Name',
		name: 'platform',
		type: 'string',
		default: 'the e-invoicing platform',
		description: "Written in each customer's history",
	},
];

const displayOptions = { show: { operation: ['confirmCashedStatuses'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{
			name: 'Confirmed',
			meaning:
				'A status recorded as received by the platform (confirmed: false when it already was)',
		},
	],
	batch: async function (items) {
		const out: Array<Result | Failure> = [];
		const ids: Array<{ id: string; item: number }> = [];
		for (let i = 0; i < items.length; i++) {
			const id = String(this.getNodeParameter('cashedStatusId', i, '') ?? '').trim();
			if (!/^\d{1,18}$/.test(id)) {
				out.push({
					item: i,
					error: itemError(
						this.getNode(),
						bilingual(
							`"${id}" is not a cashed status id.`,
							`« ${id} » n'est pas un identifiant de statut encaissé.`,
						),
						bilingual(
							'Give the cashedStatusId of the Cashed Status node (Receipts Owed by the Ledger), read from that node by name.',
							'Indiquez le cashedStatusId du nœud Cashed Status (Receipts Owed by the Ledger), lu dans ce nœud par son nom.',
						),
						i,
					),
				});
				continue;
			}
			ids.push({ id, item: i });
		}
		if (ids.length) {
			const platform =
				(this.getNodeParameter('platform', 0, '') as string) || 'the e-invoicing platform';
			const confirmed = new Set(
				await confirmCashedStatusesSent(
					await getLedger(this),
					ids.map((x) => x.id),
					{ platform, actor: `n8n:${this.getWorkflow().id ?? 'workflow'}` },
				),
			);
			for (const { id, item } of ids)
				out.push({ item, json: { cashedStatusId: id, confirmed: confirmed.has(id) } });
		}
		// in the order of the input items
		return out.sort((a, b) => (a.item as number) - (b.item as number));
	},
});
