import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { DEFAULT_SIGNATURE_TOLERANCE_SECONDS, receiveCourierRequest, type Ledger } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { bilingual, itemError } from '../../shared/errors';
import { eachItem } from '../../shared/operation';

export const WEBHOOK_CREDENTIAL = 'receivablesWebhookApi';

const properties: INodeProperties[] = [
	{
		displayName:
			'Put this after a Webhook node (POST, Raw Body on, Respond: Using \'Respond to Webhook\' Node). Requests from the couriers\' phones are signed like Invoice Intake\'s (X-Receivables-Signature, X-Receivables-Delivery) with the secret of the Receivables Webhook credential; that secret also signs the QR codes of the manifests. Answer with httpStatus and response.',
		name: 'eventNotice',
		type: 'notice',
		default: '',
	},
	{ displayName: 'Binary Property', name: 'rawBodyProperty', type: 'string', default: 'data', required: true, description: 'The binary property holding the raw request body' },
	{
		displayName: 'Options',
		name: 'eventOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Maximum Photo Size (KB)', name: 'maxPhotoKb', type: 'number', default: 2048 },
			{ displayName: 'Maximum Signature Size (KB)', name: 'maxSignatureKb', type: 'number', default: 200 },
			{ displayName: 'Time Tolerance (Seconds)', name: 'toleranceSeconds', type: 'number', default: DEFAULT_SIGNATURE_TOLERANCE_SECONDS },
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['recordEvent'] } }, properties);

/** Outputs: Recorded (one item per request, with per-event results), Refused (unsigned, replayed, malformed). */
export const operation = eachItem({
	outputs: [
		{ name: 'Recorded', meaning: "A signed request accepted: the response for the courier's phone, with each event's outcome" },
		{ name: 'Refused', meaning: 'A request refused (bad signature, too old, too large): the HTTP status and the response to send back' },
	],
	setup: async function () {
		const credential = await this.getCredentials(WEBHOOK_CREDENTIAL);
		const secret = [credential.secret, credential.previousSecret].filter((s): s is string => typeof s === 'string' && s.length > 0);
		return { ledger: await getLedger(this), secret };
	},
	async item(i, item, { ledger, secret }: { ledger: Ledger; secret: string[] }) {
		const property = this.getNodeParameter('rawBodyProperty', i, 'data') as string;
		const options = this.getNodeParameter('eventOptions', i, {}) as IDataObject;
		if (!item.binary?.[property]) {
			throw itemError(
				this.getNode(),
				bilingual(`The item has no binary property "${property}" with the raw request body.`, `L'élément n'a pas de propriété binaire « ${property} » avec le corps brut de la requête.`),
				bilingual('Turn on the option Raw Body of the Webhook node.', "Activez l'option Raw Body du nœud Webhook."),
				i,
			);
		}
		const rawBody = await this.helpers.getBinaryDataBuffer(i, property);
		const headers = (item.json.headers ?? {}) as Record<string, unknown>;
		const result = await receiveCourierRequest(ledger, { rawBody, headers }, {
			secret,
			qrSecret: secret[0],
			toleranceSeconds: Number(options.toleranceSeconds) || DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
			maxPhotoBytes: Math.round((Number(options.maxPhotoKb) || 2048) * 1024),
			maxSignatureBytes: Math.round((Number(options.maxSignatureKb) || 200) * 1024),
			actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
		});
		const results = (result.results ?? []).map((r) => (r.ok ? { index: r.index, ok: true, ...r.outcome } : { index: r.index, ok: false, code: r.code, error: r.message, hint: r.hint ?? null }));
		const response: IDataObject = result.httpStatus === 200 ? { code: result.code, results } : { code: result.code, error: result.message?.en ?? '', errorFr: result.message?.fr ?? '' };
		return { json: { httpStatus: result.httpStatus, code: result.code, response }, output: result.httpStatus === 200 ? 'Recorded' : 'Refused' };
	},
});
