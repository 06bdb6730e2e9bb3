import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	applyLifecycleStatuses,
	applyPendingLifecycleStatuses,
	formatAmount,
	isReceivablesError,
	lifecycleStatus,
	normaliseLifecycleRecord,
	parseCdar,
	type LifecycleEvent,
	type LifecycleResult,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { batch, type Failure, type Result } from '../../shared/operation';
import { itemRecord, rejected } from '../helpers/outputs';
import { paymentSentHoldDaysOption, sellerIdsOption } from '../../shared/signedOptions';

const properties: INodeProperties[] = [
	{
		displayName:
			"Lifecycle statuses of the e-invoicing platforms (France 2026–2027): each status once, in the platform's own order, with its effect on collections — 203 reception date, 207/208 dispute (dunning paused), 209 dispute resolved, 210 refused (dispute, dunning stopped), 213 rejected (not due), 211 payment sent (held), 225 factored. A status for an invoice not in the ledger yet is kept and applied when it arrives.",
		name: 'lifecycleNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Statuses From',
		name: 'lifecycleInput',
		type: 'options',
		options: [
			{
				name: 'CDAR File',
				value: 'cdar',
				description:
					"A CDAR message (XML) in a binary property: from a platform's webhook, a folder or a mailbox",
			},
			{
				name: 'Platform JSON Event',
				value: 'json',
				description:
					'One status per item as a platform or Chorus Pro sends it (invoiceNumber, statusCode or status name, timestamp, reasonCode, amount)',
			},
			{
				name: 'Kept Statuses Only',
				value: 'pending',
				description:
					'Apply the statuses kept for invoices that were not in the ledger, now that they may have arrived',
			},
		],
		default: 'cdar',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { lifecycleInput: ['cdar'] } },
		description: 'Name of the binary property that holds the CDAR message',
	},
	{
		displayName: 'Options',
		name: 'lifecycleOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			sellerIdsOption,
			paymentSentHoldDaysOption,
			{
				displayName: 'Platform',
				name: 'source',
				type: 'string',
				default: 'e-invoicing',
				description: "The platform's name, kept with each status",
			},
		],
	},
];

const displayOptions = { show: { operation: ['lifecycleStatuses'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: [
		{
			name: 'Applied',
			meaning:
				'A status applied to its invoice, with its effect (reception, dispute, resolve, refused, rejected, payment_sent, factored, …)',
		},
		{
			name: 'Kept',
			meaning:
				"A status kept without effect: duplicate, older than the invoice's current status, invoice not in the ledger yet, or another seller's",
		},
		{
			name: 'Rejected',
			meaning:
				'A message or event that cannot be read (not CDAR, unknown status, no invoice number, bad date), FR/EN',
			rejects: true,
		},
	],
	batch: lifecycleItems,
});

function resultJson(r: LifecycleResult): IDataObject {
	const status = lifecycleStatus(r.statusCode);
	return {
		messageId: r.messageId,
		invoiceNumber: r.invoiceNumber,
		statusCode: r.statusCode,
		status: status?.en ?? r.statusCode,
		statusFr: status?.fr ?? r.statusCode,
		outcome: r.outcome,
		effect: r.effect ?? null,
		disputeId: r.disputeId ?? null,
		// the effect the company turned off (Lifecycle Settings): the status is in the timeline and changed nothing else
		...(r.effectOff ? { effectOff: r.effectOff } : {}),
		message: r.message.en,
		messageFr: r.message.fr,
	};
}

async function lifecycleItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<Array<Result | Failure>> {
	const mode = this.getNodeParameter('lifecycleInput', 0, 'cdar') as string;
	const options = this.getNodeParameter('lifecycleOptions', 0, {}) as IDataObject;
	const ledgerOptions = {
		source: (options.source as string) || 'e-invoicing',
		sellerIds: String(options.sellerIds ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean),
		// unset: the company's stored setting, else 10 days
		paymentSentHoldDays: (options.paymentSentHoldDays as number) || undefined,
		actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
	};
	const ledger = await getLedger(this);
	const out: Array<Result | Failure> = [];
	const route = (r: LifecycleResult, item: number) =>
		out.push({ json: resultJson(r), item, output: r.outcome === 'applied' ? 'Applied' : 'Kept' });
	if (mode === 'pending') {
		for (const r of await applyPendingLifecycleStatuses(ledger, ledgerOptions)) route(r, 0);
		return out;
	}
	const events: Array<{ event: LifecycleEvent; item: number }> = [];
	for (let i = 0; i < items.length; i++) {
		try {
			if (mode === 'json') {
				const record = itemRecord(this, items, i, 'item', '');
				events.push({ event: normaliseLifecycleRecord(record ?? {}), item: i });
			} else {
				const property = this.getNodeParameter('binaryPropertyName', i, 'data') as string;
				this.helpers.assertBinaryData(i, property);
				for (const event of parseCdar(await this.helpers.getBinaryDataBuffer(i, property)))
					events.push({ event, item: i });
			}
		} catch (error) {
			if (!isReceivablesError(error) && !(error instanceof Error && /binary/i.test(error.message)))
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- not a status message problem: the shared item loop (nodes/shared/operation.ts) reports it as a NodeOperationError with its itemIndex
				throw error;
			const details = (isReceivablesError(error) ? error.details : {}) as Record<string, unknown>;
			out.push(
				rejected(i, items[i].json, {
					error: (error as Error).message,
					errorFr:
						typeof details?.messageFr === 'string'
							? details.messageFr
							: `Le message n'a pas pu être lu : ${(error as Error).message}`,
					code: isReceivablesError(error) ? error.code : 'LIFECYCLE_NO_FILE',
					hint: isReceivablesError(error)
						? error.hint
						: 'Put the CDAR message in the binary property named in Input Binary Field.',
				}),
			);
		}
	}
	const results = await applyLifecycleStatuses(
		ledger,
		events.map((e) => e.event),
		ledgerOptions,
	);
	results.forEach((r, k) => route(r, events[k].item));
	return out;
}

/** Amounts of an event as decimal strings, for items. */
export function amountsJson(event: LifecycleEvent): IDataObject[] {
	return event.amounts.map((a) => ({
		type: a.type,
		amount: formatAmount(a.amountMinor, a.currency),
		currency: a.currency,
		...(a.vatRate ? { vatRate: a.vatRate } : {}),
	}));
}
