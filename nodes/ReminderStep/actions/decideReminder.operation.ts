import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { decideUncertainReminder, isReceivablesError, ReceivablesError, reminderStatusOf } from '../../../core';
import { errorJson, toNodeError } from '../../shared/errors';
import { getLedger } from '../../shared/transport/ledger';

const properties: INodeProperties[] = [
	{
		displayName: 'Message-ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.messageId }}',
		required: true,
		placeholder: '<…@example.com>',
		description: 'Message-ID of the uncertain reminder (the To Review output of Reconcile Reminders carries it)',
	},
	{
		displayName: 'Decision',
		name: 'decision',
		type: 'options',
		options: [
			{ name: 'Sent', value: 'sent', description: 'The customer received it (found in the mail server log or confirmed by the customer)' },
			{ name: 'Resend', value: 'resend', description: 'It did not leave: the next run of the stage sends it again' },
		],
		default: 'sent',
	},
	{
		displayName: 'Decided By',
		name: 'decidedBy',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Karim Benali',
		description: 'Who decided (kept in the customer history)',
	},
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		default: '',
		placeholder: 'Found in the Postfix log: status=sent (250 2.0.0 Ok)',
		description: 'What the decision rests on',
	},
];

const displayOptions = { show: { operation: ['decideReminder'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const ledger = await getLedger(this);
	const decided: INodeExecutionData[] = [];
	const notDecided: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const messageId = String(this.getNodeParameter('messageId', i, '') ?? '').trim();
			const decision = this.getNodeParameter('decision', i) as 'sent' | 'resend';
			const actor = String(this.getNodeParameter('decidedBy', i, '') ?? '').trim();
			if (!messageId) throw new ReceivablesError('DUNNING_NO_MESSAGE_ID', 'No Message-ID is given.', { hint: 'Map the messageId field of the To Review output of Reconcile Reminders.' });
			if (!actor) throw new ReceivablesError('DUNNING_NO_DECIDER', 'Who decided is not given.', { hint: 'Fill in Decided By: the decision is kept in the customer history with that name.' });
			const changed = await decideUncertainReminder(ledger, { messageId, decision, actor, note: String(this.getNodeParameter('note', i, '') ?? '') });
			if (changed > 0) {
				decided.push({ json: { messageId, decision, reminders: changed, decidedBy: actor }, pairedItem: { item: i } });
				continue;
			}
			const statuses = await reminderStatusOf(ledger, messageId);
			notDecided.push({
				json: {
					messageId,
					decision,
					status: statuses.join(', ') || 'unknown',
					error: statuses.length ? `The reminders of ${messageId} are ${statuses.join(', ')}, not uncertain: nothing was changed.` : `No reminder has the Message-ID ${messageId}.`,
				},
				pairedItem: { item: i },
			});
		} catch (error) {
			if (!isReceivablesError(error) || !this.continueOnFail()) throw toNodeError(this.getNode(), error, i);
			notDecided.push({ json: { ...errorJson(error), input: items[i].json } as IDataObject, pairedItem: { item: i } });
		}
	}
	return [decided, notDecided];
}
