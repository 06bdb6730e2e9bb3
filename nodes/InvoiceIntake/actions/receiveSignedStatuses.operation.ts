import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	LIFECYCLE_PURPOSE,
	lifecycleStatus,
	receiveSignedStatuses,
	signedStatusesResponse,
	type Ledger,
} from '../../../core';
import {
	paymentSentHoldDaysOption,
	sellerIdsOption,
	toleranceSecondsOption,
} from '../../shared/signedOptions';
import { eachItem, type Result } from '../../shared/operation';
import { rawBodyProperty, signedRequestOf, signedSetup } from './receiveSignedRequest.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Put this after a Webhook node (POST, option Raw Body on, Respond: Using \'Respond to Webhook\' Node) that your e-invoicing platform calls with lifecycle statuses (a CDAR message, or JSON status events). Each request must be signed with an integration key whose purposes include "lifecycle" (npm run keys -- create <platform> --purpose lifecycle). Answer with Respond to Webhook: code from httpStatus, body from response.',
		name: 'signedStatusesNotice',
		type: 'notice',
		default: '',
	},
	rawBodyProperty,
	{
		displayName: 'Purpose',
		name: 'purpose',
		type: 'string',
		default: LIFECYCLE_PURPOSE,
		description:
			'The name of this webhook, bound into each signature: a request signed for another webhook is refused here',
	},
	{
		displayName: 'Options',
		name: 'signedStatusesOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [sellerIdsOption, paymentSentHoldDaysOption, toleranceSecondsOption],
	},
];

const displayOptions = { show: { operation: ['receiveSignedStatuses'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/**
 * Outputs: Accepted (one item per request, with the answer for the platform and each status's outcome), Rejected (a
 * refused request, `refused: true`, with its answer; or a status event of an accepted request that could not be read).
 */
export const operation = eachItem({
	outputs: [
		{
			name: 'Accepted',
			meaning:
				'A signed request from the platform whose statuses were applied or kept; answer it with httpStatus and response',
		},
		{
			name: 'Rejected',
			meaning:
				'A refused request (refused = true: answer it with httpStatus and response) or an unreadable status of an accepted one (refused = false), FR/EN',
		},
	],
	setup: signedSetup,
	async item(i, item, { ledger, secret }: { ledger: Ledger; secret: string[] }) {
		const purpose = (
			(this.getNodeParameter('purpose', i, LIFECYCLE_PURPOSE) as string) || LIFECYCLE_PURPOSE
		).trim();
		const options = this.getNodeParameter('signedStatusesOptions', i, {}) as IDataObject;
		const { rawBody, headers } = await signedRequestOf(this, i, item);
		const result = await receiveSignedStatuses(
			ledger,
			{ rawBody, headers },
			{
				secret,
				purpose,
				log: (message, meta) => this.logger.error(message, meta),
				toleranceSeconds:
					(options.toleranceSeconds as number) || DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
				lifecycle: {
					sellerIds: String(options.sellerIds ?? '')
						.split(',')
						.map((s) => s.replace(/\s/g, ''))
						.filter(Boolean),
					// unset: the company's stored setting, else 10 days
					paymentSentHoldDays: (options.paymentSentHoldDays as number) || undefined,
					actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
				},
			},
		);
		const response = signedStatusesResponse(result) as IDataObject;
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
				},
			};
		}
		if (result.status === 'repeated')
			return {
				json: {
					httpStatus: result.httpStatus,
					response,
					source: result.source,
					deliveryId: result.deliveryId,
					repeated: true,
				},
			};
		const outputs: Result[] = [
			{
				json: {
					httpStatus: result.httpStatus,
					response,
					source: result.source,
					deliveryId: result.deliveryId,
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
					rejectedCount: result.rejected.length,
				},
			},
		];
		for (const r of result.rejected) {
			outputs.push({
				output: 'Rejected',
				json: {
					refused: false,
					deliveryId: result.deliveryId,
					index: r.index,
					code: r.code,
					error: r.message.en,
					errorFr: r.message.fr,
					hint: r.hint?.en ?? null,
					hintFr: r.hint?.fr ?? null,
				},
			});
		}
		return outputs;
	},
});
