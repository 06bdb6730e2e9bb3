import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	receiveCourierRequest,
	type Ledger,
} from '../../../core';
import { bilingual, itemError } from '../../shared/errors';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"Put this after a Webhook node (POST, Raw Body on, Respond: Using 'Respond to Webhook' Node). Each courier phone has its own key (enrolled per phone, revocable alone): it names itself in X-Receivables-Device and signs like Invoice Intake's senders (X-Receivables-Signature, X-Receivables-Delivery). Answer with httpStatus and response. Set the workflow not to save executions: the Webhook node's output holds the photos, signatures and positions.",
		name: 'eventNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Binary Property',
		name: 'rawBodyProperty',
		type: 'string',
		default: 'data',
		required: true,
		description: 'The binary property holding the raw request body',
	},
	{
		displayName: 'Options',
		name: 'eventOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Maximum Photo Size (KB)', name: 'maxPhotoKb', type: 'number', default: 2048 },
			{
				displayName: 'Maximum Signature Size (KB)',
				name: 'maxSignatureKb',
				type: 'number',
				default: 200,
			},
			{
				displayName: 'Time Tolerance (Seconds)',
				name: 'toleranceSeconds',
				type: 'number',
				default: DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['recordEvent'] } },
	properties,
);

/** Outputs: Recorded (one item per request, with per-event results), Refused (unsigned, replayed, malformed). */
export const operation = eachItem({
	outputs: [
		{
			name: 'Recorded',
			meaning:
				"A signed request accepted: the response for the courier's phone, with each event's outcome",
		},
		{
			name: 'Refused',
			meaning:
				'A request refused (unsigned, replayed, malformed): the HTTP status and the response to send back',
		},
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger) {
		const property = this.getNodeParameter('rawBodyProperty', i, 'data') as string;
		const options = this.getNodeParameter('eventOptions', i, {}) as IDataObject;
		if (!item.binary?.[property]) {
			throw itemError(
				this.getNode(),
				bilingual(
					`The item has no binary property "${property}" with the raw request body.`,
					`L'élément n'a pas de propriété binaire « ${property} » avec le corps brut de la requête.`,
				),
				bilingual(
					'Turn on the option Raw Body of the Webhook node.',
					"Activez l'option Raw Body du nœud Webhook.",
				),
				i,
			);
		}
		const rawBody = await this.helpers.getBinaryDataBuffer(i, property);
		const headers = (item.json.headers ?? {}) as Record<string, unknown>;
		const result = await receiveCourierRequest(
			ledger,
			{ rawBody, headers },
			{
				toleranceSeconds: Number(options.toleranceSeconds) || DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
				maxPhotoBytes: Math.round((Number(options.maxPhotoKb) || 2048) * 1024),
				maxSignatureBytes: Math.round((Number(options.maxSignatureKb) || 200) * 1024),
				actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
			},
		);
		const results = (result.results ?? []).map((r) =>
			r.ok
				? { index: r.index, ok: true, ...r.outcome }
				: { index: r.index, ok: false, code: r.code, error: r.message, hint: r.hint ?? null },
		);
		const response: IDataObject =
			result.httpStatus === 200
				? { code: result.code, results }
				: { code: result.code, error: result.message?.en ?? '', errorFr: result.message?.fr ?? '' };
		return {
			json: { httpStatus: result.httpStatus, code: result.code, response },
			output: result.httpStatus === 200 ? 'Recorded' : 'Refused',
		};
	},
});
