import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { handleCourierRequest, handlePortalRequest, type Ledger } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { eachItem } from '../../shared/operation';
import { WEBHOOK_CREDENTIAL } from './recordEvent.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Put this after a Webhook node (GET and POST, Respond: Using \'Respond to Webhook\' Node) and answer with Respond to Webhook: Respond With Text, body {{ $json.body }}, code {{ $json.httpStatus }}, header Content-Type {{ $json.headers["Content-Type"] }} and Referrer-Policy no-referrer. Sessions are signed with the secret of the Receivables Webhook credential (the same one signs the manifests\' QR codes).',
		name: 'pageNotice',
		type: 'notice',
		default: '',
	},
	{ displayName: 'Form Action URL', name: 'actionUrl', type: 'string', default: '', description: 'Where the page\'s forms post; empty: the page\'s own address' },
	{ displayName: 'Session Minutes', name: 'sessionMinutes', type: 'number', typeOptions: { minValue: 1 }, default: 30, description: 'How long a session lasts without activity' },
];

export const description = updateDisplayOptions({ show: { operation: ['portalPage', 'courierPage'] } }, properties);

export const operation = eachItem({
	outputs: [{ name: 'Done', meaning: 'The HTTP answer for Respond to Webhook: httpStatus, headers, body' }],
	setup: async function () {
		const credential = await this.getCredentials(WEBHOOK_CREDENTIAL);
		return { ledger: await getLedger(this), secret: String(credential.secret ?? ''), operation: this.getNodeParameter('operation', 0) as string };
	},
	async item(i, item, { ledger, secret, operation }: { ledger: Ledger; secret: string; operation: string }) {
		const request = { body: (item.json.body ?? {}) as Record<string, unknown>, query: (item.json.query ?? {}) as Record<string, unknown> };
		const options = { tokenSecret: secret, actionUrl: String(this.getNodeParameter('actionUrl', i, '') ?? ''), sessionSeconds: Math.round(Number(this.getNodeParameter('sessionMinutes', i, 30)) * 60) };
		const r = operation === 'courierPage'
			? await handleCourierRequest(ledger, request, { ...options, qrSecret: secret })
			: await handlePortalRequest(ledger, request, options);
		return { json: { httpStatus: r.status, headers: r.headers as IDataObject, body: r.body } };
	},
});
