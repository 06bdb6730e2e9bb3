import type {
	IDataObject,
	INodeProperties,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import {
	afnorCallResponse,
	DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	LIFECYCLE_PURPOSE,
	lifecycleStatus,
	PLATFORM_FLOWS_PURPOSE,
	receiveAfnorNotification,
	receiveSignedStatuses,
	signedStatusesResponse,
} from '../../core';
import {
	paymentSentHoldDaysOption,
	sellerIdsOption,
	toleranceSecondsOption,
} from '../shared/signedOptions';
import { getLedger } from '../shared/transport/ledger';
import { readRequestBody } from './requestBody';

/**
 * The e-invoicing platform's signed pages of the Receivables Page Trigger: the request is checked here (size, the
 * platform's own key, replay) before any execution starts, so an unsigned or forged body is never stored by n8n and
 * never becomes an item. Only a request that was accepted starts an execution, with the outcomes (no header, no
 * signature, no key).
 */

export const EINVOICING_PAGE_OPTIONS = [
	{
		name: 'E-Invoicing Platform Flows (AFNOR, Signed)',
		value: 'platformFlows',
		description:
			"POST from an approved platform's standard API (AFNOR XP Z12-013): a flow notification signed with the platform's webhook signing key (Afnor-Signature)",
	},
	{
		name: 'E-Invoicing Statuses (Signed, From the Platform)',
		value: 'einvoicingStatuses',
		description:
			"POST from the e-invoicing platform: lifecycle statuses (CDAR or JSON events) signed with the platform's integration key (purpose lifecycle)",
	},
];

export const einvoicingProperties: INodeProperties[] = [
	{
		displayName: `The platform's signing key (given when the webhook was subscribed, POST /v1/webhooks) is kept in the ledger, not in n8n: npm run keys -- create <platform> --purpose ${PLATFORM_FLOWS_PURPOSE} --secret-stdin. A call is checked here before any execution starts; a lifecycle flow comes out with the request that fetches its CDAR (Invoice Intake › Read Platform Flow Notification, From the Receivables Page Trigger).`,
		name: 'platformFlowsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { page: ['platformFlows'] } },
	},
	{
		displayName: 'Flow Options',
		name: 'flowOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { page: ['platformFlows'] } },
		options: [
			{
				displayName: 'Signing Key Written As',
				name: 'keyEncoding',
				type: 'options',
				options: [
					{ name: 'Base64', value: 'base64' },
					{ name: 'Hexadecimal', value: 'hex' },
					{ name: 'Text', value: 'utf8' },
				],
				default: 'base64',
				description: 'How the signing key the platform gave is written in the ledger',
			},
			{
				displayName: 'Time Tolerance (Seconds)',
				name: 'toleranceSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 300,
				description: "How far Afnor-Signature-Timestamp may be from this server's clock",
			},
		],
	},
	{
		displayName: 'Statuses Options',
		name: 'statusesOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { page: ['einvoicingStatuses'] } },
		options: [
			sellerIdsOption,
			{
				displayName: 'Maximum Body Size (KB)',
				name: 'maxBodyKb',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5120,
				description: 'Larger requests get 413 before anything of them is read',
			},
			paymentSentHoldDaysOption,
			toleranceSecondsOption,
		],
	},
];

/** A JSON answer that no cache or referrer keeps. */
export function sendJson(ctx: IWebhookFunctions, status: number, body: IDataObject): void {
	const res = ctx.getResponseObject();
	res.status(status).setHeader('Referrer-Policy', 'no-referrer');
	res.setHeader('Cache-Control', 'no-store');
	res.json(body);
}

/** The platform's notifications are small: larger calls get 413 before their signature is read. */
const MAX_FLOW_BODY_BYTES = 1024 * 1024;

const METHOD_NOT_ALLOWED = {
	code: 'METHOD_NOT_ALLOWED',
	error: 'Send the statuses with POST.',
	errorFr: 'Envoyez les statuts en POST.',
};

/**
 * Lifecycle statuses pushed by the platform, signed with an integration key of purpose `lifecycle` (one key per
 * platform, in the ledger; the Receivables Webhook credential's shared secret is not accepted here). The answer is
 * the one of Invoice Intake › Receive Signed Statuses: `{"stored": true, …}`, the first answer again (repeated) for
 * the same delivery, 409 for another body under its id, 401/400/413 for a refused request.
 */
export async function serveEinvoicingStatuses(
	ctx: IWebhookFunctions,
): Promise<IWebhookResponseData> {
	if (ctx.getWebhookName() !== 'default') {
		sendJson(ctx, 405, METHOD_NOT_ALLOWED);
		return { noWebhookResponse: true };
	}
	const o = ctx.getNodeParameter('statusesOptions', {}) as IDataObject;
	const positive = (v: unknown, fallback: number) => (Number(v) > 0 ? Number(v) : fallback);
	const maxBodyBytes = Math.round(positive(o.maxBodyKb, 5120) * 1024);
	const read = await readRequestBody(ctx, maxBodyBytes, 'e-invoicing statuses');
	if (!read.ok) {
		sendJson(ctx, read.status, {
			stored: false,
			code: read.code,
			error: read.message.en,
			errorFr: read.message.fr,
			hint: read.hint.en,
			hintFr: read.hint.fr,
		});
		return { noWebhookResponse: true };
	}
	let result;
	try {
		const ledger = await getLedger(ctx);
		result = await receiveSignedStatuses(
			ledger,
			{ rawBody: read.body, headers: ctx.getHeaderData() as Record<string, unknown> },
			{
				secret: [],
				purpose: LIFECYCLE_PURPOSE,
				maxBodyBytes,
				toleranceSeconds: positive(o.toleranceSeconds, DEFAULT_SIGNATURE_TOLERANCE_SECONDS),
				log: (message, meta) => ctx.logger.error(message, meta),
				lifecycle: {
					sellerIds: String(o.sellerIds ?? '')
						.split(',')
						.map((s) => s.replace(/\s/g, ''))
						.filter(Boolean),
					// unset: the company's stored setting, else 10 days (core/einvoicing/ledger.ts)
					paymentSentHoldDays:
						Number(o.paymentSentHoldDays) > 0 ? Number(o.paymentSentHoldDays) : undefined,
					actor: `n8n:${ctx.getWorkflow().id ?? 'workflow'}`,
				},
			},
		);
	} catch (error) {
		ctx.logger.error(
			`Receivables e-invoicing statuses failed: ${error instanceof Error ? error.message : String(error)}`,
		);
		sendJson(ctx, 503, {
			stored: false,
			code: 'UNAVAILABLE',
			error: 'The service is unavailable for a moment; send the delivery again shortly.',
			errorFr: "Le service est momentanément indisponible ; renvoyez l'envoi dans un instant.",
		});
		return { noWebhookResponse: true };
	}
	sendJson(ctx, result.httpStatus, signedStatusesResponse(result) as IDataObject);
	// Refused: nothing was read, nothing starts. Repeated: the first delivery's execution already reported it.
	if (result.status !== 'accepted') return { noWebhookResponse: true };
	const item: IDataObject = {
		deliveryId: result.deliveryId,
		platform: result.source,
		...(result.keyId ? { keyId: result.keyId } : {}),
		statuses: result.results.map((r) => ({
			messageId: r.messageId,
			invoiceNumber: r.invoiceNumber,
			statusCode: r.statusCode,
			status: lifecycleStatus(r.statusCode)?.en ?? r.statusCode,
			statusFr: lifecycleStatus(r.statusCode)?.fr ?? r.statusCode,
			outcome: r.outcome,
			effect: r.effect ?? null,
			message: r.message.en,
			messageFr: r.message.fr,
		})),
		rejected: result.rejected.map((r) => ({
			index: r.index,
			code: r.code,
			error: r.message.en,
			errorFr: r.message.fr,
			hint: r.hint?.en ?? null,
			hintFr: r.hint?.fr ?? null,
		})),
	};
	return { noWebhookResponse: true, workflowData: [[{ json: item }]] };
}

/**
 * A flow notification of the platform's standard API (AFNOR XP Z12-013 Flow Service), signed with the platform's
 * webhook signing key (Afnor-Signature, Afnor-Signature-Timestamp). Answered here: 200 `{"received": true, flowId,
 * action}` once checked and recorded, the first answer again for the same signed call (no second execution), 401,
 * 400 or 413 for a refused one (no execution). An accepted call starts one execution with the notification as the
 * platform sent it and what to do with it (fetch its CDAR, or why it is ignored): never a header or a signature.
 */
export async function servePlatformFlows(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	if (ctx.getWebhookName() !== 'default') {
		sendJson(ctx, 405, {
			code: 'METHOD_NOT_ALLOWED',
			error: 'Send the notifications with POST.',
			errorFr: 'Envoyez les notifications en POST.',
		});
		return { noWebhookResponse: true };
	}
	const o = ctx.getNodeParameter('flowOptions', {}) as IDataObject;
	const read = await readRequestBody(ctx, MAX_FLOW_BODY_BYTES, 'platform flows');
	if (!read.ok) {
		sendJson(ctx, read.status, {
			received: false,
			code: read.code,
			error: read.message.en,
			errorFr: read.message.fr,
			hint: read.hint.en,
			hintFr: read.hint.fr,
		});
		return { noWebhookResponse: true };
	}
	let result;
	try {
		const ledger = await getLedger(ctx);
		result = await receiveAfnorNotification(
			ledger,
			{ rawBody: read.body, headers: ctx.getHeaderData() as Record<string, unknown> },
			{
				maxBodyBytes: MAX_FLOW_BODY_BYTES,
				keyEncoding: (['base64', 'hex', 'utf8'].includes(String(o.keyEncoding))
					? o.keyEncoding
					: 'base64') as 'base64' | 'hex' | 'utf8',
				toleranceSeconds: Number(o.toleranceSeconds) > 0 ? Number(o.toleranceSeconds) : 300,
				log: (message, meta) => ctx.logger.error(message, meta),
			},
		);
	} catch (error) {
		ctx.logger.error(
			`Receivables platform flows failed: ${error instanceof Error ? error.message : String(error)}`,
		);
		sendJson(ctx, 503, {
			received: false,
			code: 'UNAVAILABLE',
			error: 'The service is unavailable for a moment; send the notification again shortly.',
			errorFr:
				'Le service est momentanément indisponible ; renvoyez la notification dans un instant.',
		});
		return { noWebhookResponse: true };
	}
	sendJson(ctx, result.httpStatus, afnorCallResponse(result) as IDataObject);
	if (result.status !== 'accepted') return { noWebhookResponse: true };
	const n = result.notification;
	const item: IDataObject = {
		platform: result.platform,
		flow: result.flow as IDataObject,
		flowId: n.flowId,
		flowType: n.flowType,
		action: n.action,
		...(n.fetch
			? { method: n.fetch.method, path: n.fetch.path, query: n.fetch.query }
			: { reason: n.reason?.en ?? null, reasonFr: n.reason?.fr ?? null }),
	};
	return { noWebhookResponse: true, workflowData: [[{ json: item }]] };
}
