import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	AfnorFlowError,
	readAfnorFlowNotification,
	verifyAfnorSignature,
	type AfnorFlowNotification,
} from '../../../core';
import { eachItem } from '../../shared/operation';
import { rawBodyProperty, signedRequestOf } from './receiveSignedRequest.operation';

const fromWebhook = { show: { notificationFrom: ['webhook'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Notification From',
		name: 'notificationFrom',
		type: 'options',
		options: [
			{
				name: 'A Webhook Node (Checked Here)',
				value: 'webhook',
				description:
					"The raw request of a Webhook node: the signature is checked here with the Receivables Webhook credential's key (n8n has already stored the request and started the execution)",
			},
			{
				name: 'The Receivables Page Trigger (Already Checked)',
				value: 'pageTrigger',
				description:
					"The item of the trigger's page E-Invoicing Platform Flows, which checked the signature with the platform's key before starting the execution",
			},
		],
		default: 'webhook',
	},
	{
		displayName:
			'Put this after a Webhook node (POST, option Raw Body on) that your approved platform calls through the standard AFNOR XP Z12-013 API (a webhook subscribed with POST /v1/webhooks). The Receivables Webhook credential holds the signing key the platform gave at subscription. Nothing is stored here: an incoming lifecycle flow comes out on Fetch with the request that downloads its CDAR (HTTP Request node, then Lifecycle Statuses › CDAR File).',
		name: 'afnorNotice',
		type: 'notice',
		default: '',
		displayOptions: fromWebhook,
	},
	{ ...rawBodyProperty, displayOptions: fromWebhook },
	{
		displayName: 'Signing Key Written As',
		name: 'signingKeyEncoding',
		type: 'options',
		options: [
			{ name: 'Base64', value: 'base64' },
			{ name: 'Hexadecimal', value: 'hex' },
			{ name: 'Text', value: 'utf8' },
		],
		default: 'base64',
		description: "How the signing key the platform returned is written in the credential's Secret",
		displayOptions: fromWebhook,
	},
	{
		displayName: 'Time Tolerance (Seconds)',
		name: 'afnorToleranceSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 300,
		description: "How far Afnor-Signature-Timestamp may be from this server's clock",
		displayOptions: fromWebhook,
	},
	{
		displayName: 'Flow Property',
		name: 'flowProperty',
		type: 'string',
		default: 'flow',
		description: "The field of the trigger's item holding the Flow JSON as the platform sent it",
		displayOptions: { show: { notificationFrom: ['pageTrigger'] } },
	},
];

const displayOptions = { show: { operation: ['afnorFlowNotification'] } };

export const description = updateDisplayOptions(displayOptions, properties);

const header = (headers: Record<string, unknown>, name: string): string | undefined => {
	const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
	const value = Array.isArray(entry?.[1]) ? entry?.[1][0] : entry?.[1];
	return value === undefined || value === null ? undefined : String(value);
};

/** Outputs: Fetch (a lifecycle flow to download as CDAR), Ignored (another flow, with why), Rejected (signature or body refused). */
export const operation = eachItem({
	outputs: [
		{
			name: 'Fetch',
			meaning:
				'An incoming lifecycle flow (CustomerInvoiceLC, CDAR, acknowledged Ok): download it with method, path and query, then apply it as a CDAR file; answer the platform 200',
		},
		{
			name: 'Ignored',
			meaning:
				'A signed notification of another flow (invoice, e-reporting, outgoing, pending or in error), with the reason FR/EN; answer 200',
		},
		{
			name: 'Rejected',
			meaning:
				'A call refused: signature missing, stale or wrong (401), or a body that is not a Flow (400), FR/EN',
			rejects: true,
		},
	],
	async setup(this: IExecuteFunctions): Promise<{ keys: string[] }> {
		try {
			const credential = await this.getCredentials('receivablesWebhookApi');
			return {
				keys: [credential.secret, credential.previousSecret].filter(
					(s): s is string => typeof s === 'string' && s.length > 0,
				),
			};
		} catch {
			return { keys: [] };
		}
	},
	async item(i, item, { keys }: { keys: string[] }) {
		if (this.getNodeParameter('notificationFrom', i, 'webhook') === 'pageTrigger') {
			const property = String(this.getNodeParameter('flowProperty', i, 'flow') || 'flow');
			try {
				return sorted(readAfnorFlowNotification(item.json[property]));
			} catch (error) {
				const said =
					error instanceof AfnorFlowError
						? error.said
						: {
								en: 'The item holds no Flow object.',
								fr: "L'élément ne contient pas d'objet Flow.",
							};
				return {
					output: 'Rejected',
					json: {
						refused: true,
						httpStatus: 400,
						code: error instanceof AfnorFlowError ? error.code : 'AFNOR_FLOW_SHAPE',
						error: said.en,
						errorFr: said.fr,
					},
				};
			}
		}
		const { rawBody, headers } = await signedRequestOf(this, i, item);
		const encoding = this.getNodeParameter('signingKeyEncoding', i, 'base64') as BufferEncoding;
		const toleranceSeconds =
			(this.getNodeParameter('afnorToleranceSeconds', i, 300) as number) || 300;
		const given = {
			signature: header(headers, 'afnor-signature'),
			timestamp: header(headers, 'afnor-signature-timestamp'),
		};
		const checks = keys.map((key) =>
			verifyAfnorSignature(rawBody, given, Buffer.from(key.trim(), encoding), { toleranceSeconds }),
		);
		const passed = checks.some((c) => c.ok);
		if (!passed) {
			const failed = checks.find((c) => !c.ok && c.code !== 'AFNOR_SIGNATURE_INVALID') ?? checks[0];
			const refusal =
				failed && !failed.ok
					? { code: failed.code, en: failed.said.en, fr: failed.said.fr }
					: {
							code: 'AFNOR_SIGNATURE_NO_KEY',
							en: 'No signing key: choose the Receivables Webhook credential holding the key the platform gave.',
							fr: "Pas de clé de signature : choisissez l'identifiant Receivables Webhook qui contient la clé donnée par la plateforme.",
						};
			return {
				output: 'Rejected',
				json: {
					refused: true,
					httpStatus: 401,
					code: refusal.code,
					error: refusal.en,
					errorFr: refusal.fr,
				},
			};
		}
		let notification;
		try {
			notification = readAfnorFlowNotification(JSON.parse(rawBody.toString('utf8')));
		} catch (error) {
			const said =
				error instanceof AfnorFlowError
					? error.said
					: { en: 'The body is not JSON.', fr: "Le corps n'est pas du JSON." };
			return {
				output: 'Rejected',
				json: {
					refused: true,
					httpStatus: 400,
					code: error instanceof AfnorFlowError ? error.code : 'AFNOR_FLOW_SHAPE',
					error: said.en,
					errorFr: said.fr,
				},
			};
		}
		return sorted(notification);
	},
});

/** A read notification on its output: Fetch (with the request that downloads its CDAR) or Ignored (with why). */
function sorted(notification: AfnorFlowNotification): {
	output: 'Fetch' | 'Ignored';
	json: IDataObject;
} {
	const json: IDataObject = {
		httpStatus: 200,
		flowId: notification.flowId,
		flowType: notification.flowType,
		flowSyntax: notification.flowSyntax,
		flowDirection: notification.flowDirection,
		ackStatus: notification.ackStatus,
		updatedAt: notification.updatedAt,
		processingRule: notification.processingRule ?? null,
		trackingId: notification.trackingId ?? null,
		name: notification.name ?? null,
	};
	if (notification.action === 'fetch_status' && notification.fetch)
		return {
			output: 'Fetch',
			json: {
				...json,
				method: notification.fetch.method,
				path: notification.fetch.path,
				query: notification.fetch.query,
			},
		};
	return {
		output: 'Ignored',
		json: {
			...json,
			reason: notification.reason?.en ?? null,
			reasonFr: notification.reason?.fr ?? null,
			ackDetails: notification.ackDetails as unknown as IDataObject[],
		},
	};
}
