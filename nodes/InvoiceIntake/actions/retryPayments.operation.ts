import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { allocatePayments, paidEventJson } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { batch, type Result } from '../../shared/operation';
import { accepted, paidInvoice, PAYMENT_OUTPUTS } from '../helpers/outputs';
import { allocationJson } from './storePayments.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			'Tries again to match the payments kept as unapplied or ambiguous (for instance after the invoices they pay have arrived). Runs once for the whole input. Each payment is decided by the same rules as Store Payments and locked while it is: running this twice at once allocates each payment once.',
		name: 'retryNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'retryOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Customer Code',
				name: 'customerId',
				type: 'string',
				default: '',
				description: 'Only the payments of this customer',
			},
			{
				displayName: 'Max Payments',
				name: 'maxPayments',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10000,
				description: 'At most this many kept payments per run, oldest first',
			},
			{
				displayName: 'Only Changed',
				name: 'onlyChanged',
				type: 'boolean',
				default: false,
				description:
					'Whether to output only the payments this run allocated (or whose reason changed)',
			},
		],
	},
];

const displayOptions = { show: { operation: ['retryUnappliedPayments'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** Outputs: Accepted (one item per payment considered), Rejected (unused), Paid Invoices. */
export const operation = batch({
	outputs: PAYMENT_OUTPUTS,
	batch: retryPaymentItems,
});

async function retryPaymentItems(this: IExecuteFunctions): Promise<Result[]> {
	const outputs: Result[] = [];
	const options = this.getNodeParameter('retryOptions', 0, {}) as IDataObject;
	const ledger = await getLedger(this);
	const results = await allocatePayments(ledger, {
		customerExternalId: (options.customerId as string)?.trim() || undefined,
		limit: (options.maxPayments as number) || 10000,
		zone: this.getTimezone(),
		actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
	});
	for (const result of results) {
		if (options.onlyChanged === true && !result.changed) continue;
		outputs.push(
			accepted(0, {
				paymentId: result.paymentId,
				changed: result.changed,
				...allocationJson(result),
			}),
		);
		for (const event of result.paid) outputs.push(paidInvoice(0, paidEventJson(event)));
	}
	return outputs;
}
