import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	DEFAULT_PAYMENT_SENT_HOLD_DAYS,
	lifecycleSettingsInEffect,
	updateLifecycleSettings,
	type Ledger,
} from '../../../core';
import { eachItem, ledgerSetup, type Result } from '../../shared/operation';

const OPERATION = 'lifecycleSettings';

/** The fields of the settings, as the input item (a form) names them. */
const ITEM_FIELDS = ['effectsOff', 'paymentSentHoldDays', 'sellerIds'] as const;

const properties: INodeProperties[] = [
	{
		displayName:
			"What the e-invoicing platforms' lifecycle statuses do for this company, read by every way statuses come in (Lifecycle Statuses, Receive Signed Statuses, the signed page, the AFNOR flows, the mailbox, kept statuses). A status whose effect is turned off is still written to the customer's timeline and changes nothing else. Every save keeps the value it replaces in the ledger.",
		name: 'lifecycleSettingsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Action',
		name: 'lifecycleSettingsAction',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Read',
				value: 'read',
				description: 'Output the settings as they apply (effects on and off, hold, SIRENs)',
				action: 'Read the lifecycle settings',
			},
			{
				name: 'Save',
				value: 'save',
				description: 'Check and save the settings; what is wrong goes to Rejected, nothing saved',
				action: 'Save the lifecycle settings',
			},
		],
		default: 'read',
	},
	{
		displayName: 'Fields From',
		name: 'lifecycleSettingsSource',
		type: 'options',
		options: [
			{
				name: 'Input Item',
				value: 'item',
				description:
					'Fields of the input item: effectsOff (a list, or names separated by commas), paymentSentHoldDays, sellerIds (SIRENs, a list or separated by commas)',
			},
			{ name: 'Parameters Below', value: 'parameters' },
		],
		default: 'item',
		displayOptions: { show: { lifecycleSettingsAction: ['save'] } },
	},
	{
		displayName: 'Settings',
		name: 'lifecycleSettingsFields',
		type: 'collection',
		placeholder: 'Add Setting',
		default: {},
		displayOptions: {
			show: { lifecycleSettingsAction: ['save'], lifecycleSettingsSource: ['parameters'] },
		},
		options: [
			{
				displayName: 'Company SIREN',
				name: 'sellerIds',
				type: 'string',
				default: '',
				placeholder: '552 100 554',
				description:
					"The company's SIREN (comma-separated if several), checked: a status naming another seller is kept and reported, never applied",
			},
			{
				displayName: 'Effects Turned Off',
				name: 'effectsOff',
				type: 'multiOptions',
				options: [
					{ name: '203 Reception Date', value: 'reception' },
					{ name: '205/206 Approval Answers the Quality Call', value: 'approved' },
					{ name: '207/208 Dispute Opened, Dunning Paused', value: 'dispute' },
					{ name: '209 Dispute Resolved', value: 'resolve' },
					{ name: '210 Refused: Dispute, Dunning Stopped', value: 'refused' },
					{ name: '211 Payment Sent: Held', value: 'payment_sent' },
					{ name: '213/501 Rejected: Not Due, Anomaly', value: 'rejected' },
					{ name: '225 Factored: Out of Dunning', value: 'factored' },
				],
				default: [],
				description:
					'The effects this company does not want; none chosen: every effect applies. The status is still in the timeline.',
			},
			{
				displayName: 'Payment Sent Hold (Days)',
				name: 'paymentSentHoldDays',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 365 },
				default: DEFAULT_PAYMENT_SENT_HOLD_DAYS,
				description: 'How long a "payment sent" (211) status holds dunning while the money travels',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'lifecycleSettingsOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { lifecycleSettingsAction: ['save'] } },
		options: [
			{
				displayName: 'Clear Empty Fields',
				name: 'replace',
				type: 'boolean',
				default: false,
				description:
					'Whether fields not given are cleared back to their default (by default they keep their saved value, so a form can change only the hold)',
			},
			{
				displayName: 'Saved By',
				name: 'actor',
				type: 'string',
				default: '',
				placeholder: '={{ $json.user?.email }}',
				description: 'Who saves, kept with the replaced value in the ledger',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: [OPERATION] } }, properties);

/** Lifecycle Settings: Read outputs the company's settings as they apply; Save checks and saves them. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Settings',
			meaning:
				'The settings as they apply (Read), or as saved with status created / updated / unchanged and the fields changed (Save)',
		},
		{
			name: 'Rejected',
			meaning:
				'Save only: nothing was saved; error/errorFr name every wrong value (unknown effect, hold out of range, malformed SIREN) and how to fix it',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger): Promise<Result> {
		const action = this.getNodeParameter('lifecycleSettingsAction', i, 'read') as string;
		if (action === 'save') {
			const source = this.getNodeParameter('lifecycleSettingsSource', i, 'item') as string;
			const o = (this.getNodeParameter('lifecycleSettingsOptions', i, {}) ?? {}) as IDataObject;
			const input: Record<string, unknown> = {};
			if (source === 'parameters')
				Object.assign(
					input,
					this.getNodeParameter('lifecycleSettingsFields', i, {}) as IDataObject,
				);
			else
				for (const field of ITEM_FIELDS)
					if (item.json[field] !== undefined) input[field] = item.json[field];
			const saved = await updateLifecycleSettings(ledger, input, {
				mode: o.replace === true ? 'replace' : 'merge',
				actor: String(o.actor ?? '').trim() || undefined,
			});
			const changed = saved.changed.join(', ');
			return {
				json: {
					status: saved.status,
					changed: saved.changed,
					message:
						saved.status === 'unchanged'
							? 'The e-invoicing lifecycle settings are unchanged.'
							: `The e-invoicing lifecycle settings were ${saved.status === 'created' ? 'saved' : `updated (${changed})`}.`,
					messageFr:
						saved.status === 'unchanged'
							? 'Les paramètres du cycle de vie des factures électroniques sont inchangés.'
							: `Les paramètres du cycle de vie des factures électroniques ont été ${saved.status === 'created' ? 'enregistrés' : `mis à jour (${changed})`}.`,
					settings: (await lifecycleSettingsInEffect(ledger)) as unknown as IDataObject,
				},
			};
		}
		return { json: (await lifecycleSettingsInEffect(ledger)) as unknown as IDataObject };
	},
});
