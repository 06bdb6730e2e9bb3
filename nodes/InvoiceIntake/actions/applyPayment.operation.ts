import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { applyPayment, paidEventJson, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';
import { accepted, paidInvoice, PAYMENT_OUTPUTS } from '../helpers/outputs';
import { allocationJson } from './storePayments.operation';

const properties: INodeProperties[] = [
	{
		displayName:
			"A person settles a kept payment: each item applies one payment to the invoices listed, with the amounts given (empty: what the invoice still owes). Refused, with nothing written: more than the payment has left or than an invoice owes, another currency, an invoice already paid or credited, another customer's invoice (unless allowed). The same decision sent twice is applied once.",
		name: 'applyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Payment Reference',
		name: 'paymentRef',
		type: 'string',
		default: '={{ $json.externalRef }}',
		required: true,
		description:
			'The external reference of the payment (bank transaction ID) as Store Payments stored it, or its ledger ID',
	},
	{
		displayName: 'Payment Source',
		name: 'paymentSourceName',
		type: 'string',
		default: 'bank',
		description: 'Where the payment comes from, as given to Store Payments',
	},
	{
		displayName: 'Invoices',
		name: 'invoices',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Invoice',
		default: {},
		options: [
			{
				displayName: 'Invoice',
				name: 'invoice',
				values: [
					{
						displayName: 'Invoice Number',
						name: 'invoiceNumber',
						type: 'string',
						default: '',
						required: true,
					},
					{
						displayName: 'Amount',
						name: 'amount',
						type: 'string',
						default: '',
						description:
							'Amount to apply ("1 234,56" works); empty: what the invoice still owes, within what the payment has left',
					},
				],
			},
		],
	},
	{
		displayName: 'Options',
		name: 'applyOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allow Another Customer',
				name: 'allowOtherCustomer',
				type: 'boolean',
				default: false,
				description:
					"Whether invoices of another customer than the payment's may be paid (a group paying for a subsidiary)",
			},
			{
				displayName: 'Applied On',
				name: 'appliedOn',
				type: 'string',
				default: '',
				placeholder: '2026-03-31',
				description:
					'Day the allocation takes effect in the balance (YYYY-MM-DD, not before the payment was received, not in the future). Empty: the value date when settled the day the payment was recorded, else today.',
			},
			{
				displayName: 'Decided By',
				name: 'actor',
				type: 'string',
				default: '',
				description: 'Who decided, kept in the history',
			},
			{
				displayName: 'Decision ID',
				name: 'decisionId',
				type: 'string',
				default: '',
				description:
					'Identifies this decision (e.g. the ID of the form sent): sent twice, it is applied once. Default: derived from the payment and the invoices.',
			},
			{
				displayName: 'Note',
				name: 'note',
				type: 'string',
				default: '',
				description: 'Why, kept in the history',
			},
		],
	},
];

const displayOptions = { show: { operation: ['applyPayment'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** Outputs: Accepted (one item per decision applied or already applied), Rejected (refused decisions, with the reason), Paid Invoices. */
export const operation = eachItem({
	outputs: PAYMENT_OUTPUTS,
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const ref = String(this.getNodeParameter('paymentRef', i, '') ?? '').trim();
		const source =
			String(this.getNodeParameter('paymentSourceName', i, 'bank') ?? '').trim() || 'bank';
		const options = this.getNodeParameter('applyOptions', i, {}) as IDataObject;
		const lines = ((this.getNodeParameter('invoices', i, {}) as IDataObject).invoice ??
			[]) as Array<{ invoiceNumber?: string; amount?: string | number }>;
		const result = await applyPayment(ledger, {
			source,
			externalRef: ref,
			paymentId: /^\d{1,18}$/.test(ref) ? ref : undefined,
			allocations: lines.map((line) => ({
				invoiceNumber: String(line.invoiceNumber ?? '').trim(),
				amount: line.amount,
			})),
			allowOtherCustomer: options.allowOtherCustomer === true,
			decisionId: (options.decisionId as string) || undefined,
			note: (options.note as string) || undefined,
			actor: (options.actor as string) || `n8n:${this.getWorkflow().id ?? 'workflow'}`,
			appliedOn: options.appliedOn ? String(options.appliedOn).trim() : undefined,
			zone: this.getTimezone(),
		});
		return [
			accepted(i, {
				paymentId: result.paymentId,
				source,
				externalRef: ref,
				decisionId: result.decisionId,
				alreadyApplied: result.alreadyApplied,
				...allocationJson(result),
			}),
			...result.paid.map((event) => paidInvoice(i, paidEventJson(event))),
		];
	},
});
