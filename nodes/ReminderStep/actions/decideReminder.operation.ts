import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { decideUncertainReminder, reminderStatusOf, type Ledger } from '../../../core';
import { bilingual, itemError, messageJson } from '../../shared/errors';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Message-ID',
		name: 'messageId',
		type: 'string',
		default: '={{ $json.messageId }}',
		required: true,
		placeholder: '<…@example.com>',
		description:
			'Message-ID of the uncertain reminder (the To Review output of Reconcile Reminders carries it)',
	},
	{
		displayName: 'Decision',
		name: 'decision',
		type: 'options',
		options: [
			{
				name: 'Sent',
				value: 'sent',
				description:
					'The customer received it (found in the mail server log or confirmed by the customer)',
			},
			{
				name: 'Resend',
				value: 'resend',
				description: 'It did not leave: the next run of the stage sends it again',
			},
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

export const operation = eachItem({
	outputs: [
		{
			name: 'Decided',
			meaning:
				'The uncertain reminders of the Message-ID marked sent, or released to be sent again',
		},
		{
			name: 'Not Decided',
			meaning:
				'Nothing changed: the reminders are not uncertain, the Message-ID is unknown, or the decision is incomplete (what is wrong, how to fix it)',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const messageId = String(this.getNodeParameter('messageId', i, '') ?? '').trim();
		const decision = this.getNodeParameter('decision', i) as 'sent' | 'resend';
		const actor = String(this.getNodeParameter('decidedBy', i, '') ?? '').trim();
		if (!messageId) {
			throw itemError(
				this.getNode(),
				bilingual('No Message-ID is given.', "Aucun Message-ID n'est indiqué."),
				bilingual(
					'Map the messageId field of the To Review output of Reconcile Reminders.',
					'Reprenez le champ messageId de la sortie To Review de Reconcile Reminders.',
				),
				i,
			);
		}
		if (!actor) {
			throw itemError(
				this.getNode(),
				bilingual('Who decided is not given.', "L'auteur de la décision n'est pas indiqué."),
				bilingual(
					'Fill in Decided By: the decision is kept in the customer history with that name.',
					"Renseignez Decided By : la décision est gardée dans l'historique du client sous ce nom.",
				),
				i,
			);
		}
		const changed = await decideUncertainReminder(ledger, {
			messageId,
			decision,
			actor,
			note: String(this.getNodeParameter('note', i, '') ?? ''),
		});
		if (changed > 0) return { json: { messageId, decision, reminders: changed, decidedBy: actor } };
		const statuses = await reminderStatusOf(ledger, messageId);
		return {
			output: 'Not Decided',
			json: {
				messageId,
				decision,
				status: statuses.join(', ') || 'unknown',
				...messageJson({
					code: statuses.length ? 'DUNNING_NOT_UNCERTAIN' : 'DUNNING_UNKNOWN_MESSAGE_ID',
					message: statuses.length
						? bilingual(
								`The reminders of ${messageId} are ${statuses.join(', ')}, not uncertain: nothing was changed.`,
								`Les relances de ${messageId} sont ${statuses.join(', ')}, pas incertaines : rien n'a changé.`,
							)
						: bilingual(
								`No reminder has the Message-ID ${messageId}.`,
								`Aucune relance n'a le Message-ID ${messageId}.`,
							),
				}),
			},
		};
	},
});
