import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { handleCourierRequest, handlePortalRequest, type Ledger } from '../../../core';
import {
	lockoutNotifier,
	lockoutSenderProperty,
	pageItem,
	pageRequestOf,
} from '../../shared/pages';
import { getLedger } from '../../shared/transport/ledger';
import { eachItem } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"Put this after a Webhook node (GET and POST, Respond: Using 'Respond to Webhook' Node) and answer with Respond to Webhook: Respond With Text, body {{ $json.body }}, code {{ $json.httpStatus }} and the headers of {{ $json.headers }} (Content-Type, X-Frame-Options, Content-Security-Policy, Referrer-Policy, Cache-Control). Sessions are signed with a key the server keeps in the ledger (never shared with any sender or phone). Set the workflow not to save successful or failed executions: the Webhook node's output holds the logins and sessions.",
		name: 'pageNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Form Action URL',
		name: 'actionUrl',
		type: 'string',
		default: '',
		description: "Where the page's forms post; empty: the page's own address",
	},
	{
		displayName: 'Session Minutes',
		name: 'sessionMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		description:
			'How long a session lasts without activity (a session ends 10 hours after login on the portal, 14 on the courier page, whatever this says)',
	},
	lockoutSenderProperty,
];

export const description = updateDisplayOptions(
	{ show: { operation: ['portalPage', 'courierPage'] } },
	properties,
);

export const operation = eachItem({
	outputs: [
		{ name: 'Done', meaning: 'The HTTP answer for Respond to Webhook: httpStatus, headers, body' },
	],
	setup: async function () {
		return {
			ledger: await getLedger(this),
			operation: this.getNodeParameter('operation', 0) as string,
		};
	},
	async item(i, item, { ledger, operation }: { ledger: Ledger; operation: string }) {
		const request = pageRequestOf(item.json);
		const options = {
			actionUrl: String(this.getNodeParameter('actionUrl', i, '') ?? ''),
			sessionSeconds: Math.round(Number(this.getNodeParameter('sessionMinutes', i, 30)) * 60),
			notify: await lockoutNotifier(this, this.getNodeParameter('lockoutSender', i, '')),
		};
		const r =
			operation === 'courierPage'
				? await handleCourierRequest(ledger, request, options)
				: await handlePortalRequest(ledger, request, options);
		return { json: pageItem(this, r) };
	},
});
