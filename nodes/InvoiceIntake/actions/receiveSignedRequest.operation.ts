import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	DEFAULT_ZONE,
	INTAKE_PURPOSE,
	paidEventJson,
	receiveSignedRequest,
	signedRequestResponse,
	type Ledger,
	type SignatureScheme,
} from '../../../core';
import { bilingual, itemError } from '../../shared/errors';
import { eachItem, type Result } from '../../shared/operation';
import {
	createMissingCustomersOption,
	DEFAULT_SIGNED_INTAKE_MAX_BODY_MB,
	defaultCurrencyOption,
	maxBodyMbOption,
	stripeZoneOption,
	toleranceSecondsOption,
} from '../../shared/signedOptions';
import { getLedger } from '../../shared/transport/ledger';
import { paidInvoice, PAYMENT_OUTPUTS } from '../helpers/outputs';
import { allocationJson } from './storePayments.operation';

export const WEBHOOK_CREDENTIAL = 'receivablesWebhookApi';

/** Where the Webhook node (option Raw Body on) puts the request's bytes; the same field for every signed request. */
export const rawBodyProperty: INodeProperties = {
	displayName: 'Binary Property',
	name: 'rawBodyProperty',
	type: 'string',
	default: 'data',
	required: true,
	description:
		'The binary property holding the raw request body (the Webhook node puts it in "data" when Raw Body is on)',
};

const properties: INodeProperties[] = [
	{
		displayName:
			"Put this after a Webhook node (POST, option Raw Body on, Respond: Using 'Respond to Webhook' Node). Each request is checked against the integration key it names (X-Receivables-Key, keys kept in the ledger) or else the secret of the Receivables Webhook credential, and stored in one transaction with its delivery ID. Answer with Respond to Webhook, response code from the field httpStatus and body from the field response: 200 on Accepted (also for a retried delivery); 401, 400, 409, 413 or 500 for a refused request, which comes out on Rejected with refused = true.",
		name: 'signedNotice',
		type: 'notice',
		default: '',
	},
	rawBodyProperty,
	{
		displayName: 'Signature',
		name: 'signatureScheme',
		type: 'options',
		options: [
			{
				name: 'Receivables (X-Receivables-Signature)',
				value: 'receivables',
				description:
					'HMAC-SHA256 of the timestamp, the delivery ID and the raw body joined by dots; headers X-Receivables-Signature and X-Receivables-Delivery',
			},
			{
				name: 'Stripe (Stripe-Signature)',
				value: 'stripe',
				description:
					"Stripe webhooks: HMAC-SHA256 of the timestamp and the raw body joined by a dot, with the endpoint's signing secret; the event ID is the delivery ID",
			},
		],
		default: 'receivables',
	},
	{
		displayName: 'Purpose',
		name: 'purpose',
		type: 'string',
		default: INTAKE_PURPOSE,
		description:
			'The name of this webhook, bound into each signature (v2): a request signed for another webhook is refused here. Integration keys list the purposes they may sign for.',
	},
	{
		displayName: 'Sender Name',
		name: 'senderName',
		type: 'string',
		default: 'accounting',
		description:
			"Name of the sending system for requests signed with the credential's secret (an integration key carries its own sender). Delivery IDs are remembered per sender, and its payments are stored with this source.",
	},
	{
		displayName: 'Options',
		name: 'signedOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			createMissingCustomersOption,
			defaultCurrencyOption,
			maxBodyMbOption,
			toleranceSecondsOption,
			stripeZoneOption,
		],
	},
];

const displayOptions = { show: { operation: ['receiveSignedRequest'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * Outputs: Accepted (one item per request stored, with the answer for the sender), Rejected (a refused request,
 * `refused: true`, or a record of an accepted request that could not be stored), Paid Invoices.
 */
export const operation = eachItem({
	outputs: PAYMENT_OUTPUTS,
	setup: signedSetup,
	async item(i, item, { ledger, secret }: { ledger: Ledger; secret: string[] }) {
		const outputs: Result[] = [];
		const log = (message: string, meta: Record<string, unknown>) =>
			this.logger.error(message, meta);
		const scheme = this.getNodeParameter('signatureScheme', i, 'receivables') as SignatureScheme;
		const sender = this.getNodeParameter('senderName', i, 'accounting') as string;
		const purpose = (
			(this.getNodeParameter('purpose', i, INTAKE_PURPOSE) as string) || INTAKE_PURPOSE
		).trim();
		const options = this.getNodeParameter('signedOptions', i, {}) as IDataObject;
		const { rawBody, headers } = await signedRequestOf(this, i, item);
		const result = await receiveSignedRequest(
			ledger,
			{ rawBody, headers },
			{
				secret,
				purpose,
				log,
				scheme,
				source: sender,
				toleranceSeconds:
					(options.toleranceSeconds as number) || DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
				maxBodyBytes: Math.round(
					((options.maxBodyMb as number) || DEFAULT_SIGNED_INTAKE_MAX_BODY_MB) * 1024 * 1024,
				),
				createMissingCustomers: options.createMissingCustomers === true,
				defaultCurrency: (options.defaultCurrency as string) || 'EUR',
				zone: (options.zone as string) || DEFAULT_ZONE,
				actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
			},
		);
		const response = signedRequestResponse(result) as IDataObject;
		if (result.status === 'refused') {
			return {
				output: 'Rejected',
				json: {
					refused: true,
					httpStatus: result.httpStatus,
					code: result.code,
					error: result.message.en,
					errorFr: result.message.fr,
					hint: result.hint.en,
					hintFr: result.hint.fr,
					...(result.reference
						? { reference: result.reference, detail: result.detail ?? null }
						: {}),
					response,
					input: { headers: headers as IDataObject },
				},
			};
		}
		if (result.status === 'repeated') {
			// The same delivery again (the sender did not get the first answer): nothing changed, same answer.
			return {
				json: {
					httpStatus: result.httpStatus,
					response,
					source: result.source,
					deliveryId: result.deliveryId,
					repeated: true,
				},
			};
		}
		outputs.push({
			json: {
				httpStatus: result.httpStatus,
				response,
				source: result.source,
				deliveryId: result.deliveryId,
				...(result.keyId ? { keyId: result.keyId } : {}),
				invoices: result.invoices.map((inv) => ({
					number: inv.number,
					docType: inv.docType,
					customerId: inv.customerId,
					status: inv.status,
					ledgerId: inv.id ?? null,
					warnings: inv.warnings as unknown as IDataObject[],
				})),
				payments: result.payments.map((p) => ({
					paymentId: p.paymentId,
					externalRef: p.externalRef,
					status: p.status,
					...allocationJson(p.allocation),
				})),
				rejectedCount: result.rejected.length,
				...(result.ignored ? { ignored: result.ignored } : {}),
			},
		});
		for (const record of result.rejected) {
			outputs.push({
				output: 'Rejected',
				json: {
					refused: false,
					deliveryId: result.deliveryId,
					kind: record.kind,
					index: record.index,
					ref: record.ref ?? null,
					code: record.code,
					field: record.field ?? null,
					error: record.message.en,
					errorFr: record.message.fr,
					hint: record.hint?.en ?? null,
					hintFr: record.hint?.fr ?? null,
					input: record.input as IDataObject,
				},
			});
		}
		for (const event of result.paid) outputs.push(paidInvoice(i, paidEventJson(event)));
		return outputs;
	},
});

/** The ledger and the Receivables Webhook credential's secrets (optional: without it only integration keys sign). */
export async function signedSetup(
	this: IExecuteFunctions,
): Promise<{ ledger: Ledger; secret: string[] }> {
	let secret: string[] = [];
	try {
		const credential = await this.getCredentials(WEBHOOK_CREDENTIAL);
		secret = [credential.secret, credential.previousSecret].filter(
			(s): s is string => typeof s === 'string' && s.length > 0,
		);
	} catch {
		secret = [];
	}
	return { ledger: await getLedger(this), secret };
}

/** The raw body (binary property `rawBodyProperty`) and headers the Webhook node received, exactly. */
export async function signedRequestOf(
	ctx: IExecuteFunctions,
	i: number,
	item: INodeExecutionData,
): Promise<{ rawBody: Buffer; headers: Record<string, unknown> }> {
	const property = ctx.getNodeParameter('rawBodyProperty', i, 'data') as string;
	if (!item.binary?.[property]) {
		throw itemError(
			ctx.getNode(),
			bilingual(
				`The item has no binary property "${property}" with the raw request body.`,
				`L'élément n'a pas de propriété binaire « ${property} » avec le corps brut de la requête.`,
			),
			bilingual(
				'Turn on the option Raw Body of the Webhook node: the signature is checked over the exact bytes received.',
				"Activez l'option Raw Body du nœud Webhook : la signature est vérifiée sur les octets exacts reçus.",
			),
			i,
		);
	}
	return {
		rawBody: await ctx.helpers.getBinaryDataBuffer(i, property),
		headers: (item.json.headers ?? {}) as IDataObject as Record<string, unknown>,
	};
}
