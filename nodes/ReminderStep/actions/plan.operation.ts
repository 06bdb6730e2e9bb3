import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { planReminders } from '../../../core';
import { batch } from '../../shared/operation';
import { getLedger } from '../../shared/transport/ledger';
import { heldJson, messageJson, planProperties, readPlanOptions } from './common';

const properties: INodeProperties[] = [
	{
		displayName:
			'Lists the reminders of a stage that are due on the date (one item per message: per customer, or per invoice if the stage says so) and, on the second output, the invoices held back with the reason: open dispute, payment promise, delay agreement, customer on hold, paid, already sent, below the minimum. Runs once per execution. Sends nothing.',
		name: 'planNotice',
		type: 'notice',
		default: '',
	},
	...planProperties,
];

const displayOptions = { show: { operation: ['plan'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{
			name: 'Due',
			meaning: 'One reminder to send: per customer, or per invoice if the stage says so',
		},
		{
			name: 'Held',
			meaning:
				'An invoice held back, with the reason (dispute, promise, delay, on hold, paid, already sent, below the minimum)',
		},
	],
	async batch() {
		const ledger = await getLedger(this);
		const plan = await planReminders(ledger, readPlanOptions(this, 0));
		return [
			...plan.due.map((message) => ({ json: messageJson(message) })),
			...plan.held.map((held) => ({ json: heldJson(held), output: 'Held' })),
		];
	},
});
