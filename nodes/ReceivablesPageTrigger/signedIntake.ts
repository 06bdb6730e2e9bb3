import type {
	IDataObject,
	INodeProperties,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import {
	DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	DEFAULT_ZONE,
	INTAKE_PURPOSE,
	paidEventJson,
	receiveSignedRequest,
	signedRequestResponse,
	type SignatureScheme,
	type SignedRequestAccepted,
} from '../../core';
import { allocationJson } from '../InvoiceIntake/actions/storePayments.operation';
import {
	createMissingCustomersOption,
	DEFAULT_SIGNED_INTAKE_MAX_BODY_MB,
	defaultCurrencyOption,
	maxBodyMbOption,
	stripeZoneOption,
	toleranceSecondsOption,
} from '../shared/signedOptions';
import { getLedger } from '../shared/transport/ledger';
import { readRequestBody, type Said } from './requestBody';

/** The page of the Receivables Page Trigger that takes signed requests from accounting software (or Stripe). */
export const SIGNED_INTAKE_PAGE = 'signedIntake';

export const SIGNED_INTAKE_OPTION = {
	name: 'Signed Intake (From Accounting Software)',
	value: SIGNED_INTAKE_PAGE,
	description:
		"POST of invoices, credit notes and payments, signed with the sender's integration key (X-Receivables-Key) or the Receivables Webhook credential; Stripe events too",
};

/** The credential whose secret signs requests that name no integration key (optional: without it only integration keys sign). */
export const WEBHOOK_CREDENTIAL = 'receivablesWebhookApi';

const show = { show: { page: [SIGNED_INTAKE_PAGE] } };

export const signedIntakeProperties: INodeProperties[] = [
	{
		displayName: 'Signature',
		name: 'signatureScheme',
		type: 'options',
		options: [
			{
				name: 'Receivables (X-Receivables-Signature)',
				value: 'receivables',
				description:
					'HMAC-SHA256 of the purpose, the timestamp, the delivery ID and the raw body; headers X-Receivables-Signature, X-Receivables-Delivery and X-Receivables-Key',
			},
			{
				name: 'Stripe (Stripe-Signature)',
				value: 'stripe',
				description:
					"Stripe webhooks, signed with the endpoint's signing secret (the credential's secret); the event ID is the delivery ID",
			},
		],
		default: 'receivables',
		displayOptions: show,
	},
	{
		displayName: 'Purpose',
		name: 'purpose',
		type: 'string',
		default: INTAKE_PURPOSE,
		description:
			'The name of this webhook, bound into each signature: a request signed for another webhook is refused here',
		displayOptions: show,
	},
	{
		displayName: 'Sender Name',
		name: 'senderName',
		type: 'string',
		default: 'accounting',
		description:
			"Name of the sending system for requests signed with the credential's secret (an integration key carries its own sender)",
		displayOptions: show,
	},
	{
		displayName: 'Intake Options',
		name: 'intakeOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show,
		options: [
			createMissingCustomersOption,
			defaultCurrencyOption,
			maxBodyMbOption,
			toleranceSecondsOption,
			stripeZoneOption,
		],
	},
];

/**
 * A signed request from accounting software, checked and answered here: the size (413, from Content-Length before
 * the body is read, then from the bytes), the key and signature (401), the body and the ledger as Invoice Intake's
 * Receive Signed Request does (one function, receiveSignedRequest). A refused request and a delivery sent again start
 * no execution; a stored delivery starts one with what was stored (never its headers, signature or body).
 */
export async function serveSignedIntake(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = ctx.getResponseObject();
	const send = (status: number, body: IDataObject) => {
		res.status(status).setHeader('Referrer-Policy', 'no-referrer');
		res.setHeader('Cache-Control', 'no-store');
		res.json(body);
	};
	const refuse = (status: number, code: string, [message, hint]: [Said, Said]) =>
		send(status, {
			stored: false,
			received: false,
			code,
			error: message.en,
			errorFr: message.fr,
			hint: hint.en,
			hintFr: hint.fr,
		});
	if (ctx.getWebhookName() !== 'default') {
		refuse(405, 'METHOD_NOT_ALLOWED', [
			{ en: 'Send the request with POST.', fr: 'Envoyez la requête en POST.' },
			{
				en: 'POST the signed JSON body to this address.',
				fr: 'Envoyez le corps JSON signé à cette adresse en POST.',
			},
		]);
		return { noWebhookResponse: true };
	}
	const options = ctx.getNodeParameter('intakeOptions', {}) as IDataObject;
	const maxBodyBytes = Math.round(
		(Number(options.maxBodyMb) || DEFAULT_SIGNED_INTAKE_MAX_BODY_MB) * 1024 * 1024,
	);
	const headers = ctx.getHeaderData() as Record<string, unknown>;
	const read = await readRequestBody(ctx, maxBodyBytes, 'signed intake');
	if (!read.ok) {
		refuse(read.status, read.code, [read.message, read.hint]);
		return { noWebhookResponse: true };
	}
	const rawBody = read.body;
	let result;
	try {
		const ledger = await getLedger(ctx);
		result = await receiveSignedRequest(
			ledger,
			{ rawBody, headers },
			{
				secret: await webhookSecrets(ctx),
				purpose: (
					String(ctx.getNodeParameter('purpose', INTAKE_PURPOSE) ?? '') || INTAKE_PURPOSE
				).trim(),
				scheme: ctx.getNodeParameter('signatureScheme', 'receivables') as SignatureScheme,
				source: String(ctx.getNodeParameter('senderName', 'accounting') ?? '') || 'accounting',
				log: (message, meta) => ctx.logger.error(message, meta),
				toleranceSeconds: Number(options.toleranceSeconds) || DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
				maxBodyBytes,
				createMissingCustomers: options.createMissingCustomers === true,
				defaultCurrency: String(options.defaultCurrency ?? '') || 'EUR',
				zone: String(options.zone ?? '') || DEFAULT_ZONE,
				actor: `n8n:${ctx.getWorkflow().id ?? 'workflow'}`,
			},
		);
	} catch (error) {
		ctx.logger.error(
			`Receivables signed intake failed: ${error instanceof Error ? error.message : String(error)}`,
		);
		refuse(503, 'UNAVAILABLE', [
			{
				en: 'The service is unavailable for a moment: nothing was changed.',
				fr: 'Le service est momentanément indisponible : rien n’a été modifié.',
			},
			{
				en: 'Send it again shortly with the same delivery id.',
				fr: 'Renvoyez-la dans un instant avec le même identifiant d’envoi.',
			},
		]);
		return { noWebhookResponse: true };
	}
	if (result.status === 'refused' && result.reference)
		ctx.logger.error(`Receivables signed intake: request not stored, ${result.reference}`, {
			reference: result.reference,
			detail: result.detail ?? '',
			code: result.code,
		});
	send(result.httpStatus, signedRequestResponse(result) as IDataObject);
	// Refused, or the same delivery again (its records were handled the first time): no execution.
	if (result.status !== 'accepted') return { noWebhookResponse: true };
	return { noWebhookResponse: true, workflowData: [[{ json: signedDeliveryJson(result) }]] };
}

/** The secrets of the Receivables Webhook credential (the current one and, while it is replaced, the previous one). */
async function webhookSecrets(ctx: IWebhookFunctions): Promise<string[]> {
	try {
		const credential = await ctx.getCredentials(WEBHOOK_CREDENTIAL);
		return [credential.secret, credential.previousSecret].filter(
			(s): s is string => typeof s === 'string' && s.length > 0,
		);
	} catch {
		return [];
	}
}

/** What a stored delivery hands to the next nodes: what was stored, refused and paid — nothing of the request itself. */
export function signedDeliveryJson(result: SignedRequestAccepted): IDataObject {
	const count = (list: Array<{ status: string }>, status: string) =>
		list.filter((x) => x.status === status).length;
	return {
		deliveryId: result.deliveryId,
		source: result.source,
		...(result.keyId ? { keyId: result.keyId } : {}),
		counts: {
			invoicesCreated: count(result.invoices, 'created'),
			invoicesRevised: count(result.invoices, 'revised'),
			invoicesUnchanged: count(result.invoices, 'unchanged'),
			paymentsCreated: count(result.payments, 'created'),
			paymentsUnchanged: count(result.payments, 'unchanged'),
			rejected: result.rejected.length,
			paid: result.paid.length,
		},
		invoices: result.invoices.map((inv) => ({
			number: inv.number,
			docType: inv.docType,
			customerId: inv.customerId,
			status: inv.status,
			ledgerId: inv.id ?? null,
			warnings: inv.warnings as unknown as IDataObject[],
		})),
		payments: result.payments.map((p) => ({
			paymentId: p.paymentId ?? null,
			externalRef: p.externalRef,
			status: p.status,
			...allocationJson(p.allocation),
		})),
		rejected: result.rejected.map((r) => ({
			deliveryId: result.deliveryId,
			kind: r.kind,
			index: r.index,
			ref: r.ref ?? null,
			code: r.code,
			field: r.field ?? null,
			error: r.message.en,
			errorFr: r.message.fr,
			hint: r.hint?.en ?? null,
			hintFr: r.hint?.fr ?? null,
		})),
		paid: result.paid.map((event) => paidEventJson(event)),
		...(result.ignored ? { ignored: result.ignored } : {}),
	};
}
