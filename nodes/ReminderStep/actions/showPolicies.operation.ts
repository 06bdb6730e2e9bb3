import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { placeholderHelp, storedPolicyViews, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"Lists the dunning policies stored in the ledger: one item per stage with when it goes, its channels, copies, minimum amounts and the wording of each language (the company's own or the shipped one). Copy a wording into Save Dunning Policy to change it.",
		name: 'showPoliciesNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Customer Profile',
		name: 'showPolicyCode',
		type: 'string',
		default: '',
		placeholder: 'standard',
		description: 'Only the policy of this customer profile; empty: every policy',
	},
];

const displayOptions = { show: { operation: ['showPolicies'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Stages',
			meaning: 'One stage of a stored policy with its wording in French and English',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const views = await storedPolicyViews(
			ledger,
			String(this.getNodeParameter('showPolicyCode', i, '') ?? ''),
		);
		const placeholders = placeholderHelp();
		return views.map((view) => ({ json: { ...view, placeholders } }));
	},
});
