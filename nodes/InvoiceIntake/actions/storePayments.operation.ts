import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	describeAnomalies,
	formatAmount,
	normalisePaymentRecord,
	normalisePresetPayment,
	PAYMENT_PRESETS,
	paidEventJson,
	storePayments,
	parseWriteOffThresholds,
	type AllocationResult,
	type PaymentInput,
	type PaymentRecord,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { batch, type Result } from '../../shared/operation';
import { accepted, itemRecord, paidInvoice, PAYMENT_OUTPUTS, rejected } from '../helpers/outputs';

const properties: INodeProperties[] = [
	{
		displayName:
			"Each item is one payment received. Fields: externalRef (bank transaction ID), amount (or credit), currency, date, payerName, reference (the transfer text), customerId, invoiceNumbers. Each payment is matched to invoices by the invoice numbers in its reference, else by amount among its customer's open invoices; a payment that cannot be matched for sure is kept as unapplied or ambiguous, with the reason, never guessed.",
		name: 'paymentsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Payment Format',
		name: 'paymentFormat',
		type: 'options',
		// Built from the payment preset table (core/intake/paymentPresets.ts).
		options: [
			{
				name: 'Field Names Above',
				value: 'fields',
				description: 'The item uses the field names listed above',
			},
			...PAYMENT_PRESETS.map((p) => ({
				name: p.name,
				value: p.id,
				description: `Records as ${p.origin}`,
			})),
		],
		default: 'fields',
		description:
			'The software the payments come from: its fields are mapped to the payment fields (customer as its invoice preset reads it, invoices by their numbers), and records that are not a customer paying a sales invoice (refunds, supplier payments) are rejected with the reason',
	},
	{
		displayName: 'Payment Fields',
		name: 'paymentSource',
		type: 'options',
		options: [
			{
				name: 'Whole Item',
				value: 'item',
				description: 'The item JSON already uses the field names above',
			},
			{
				name: 'Define Below',
				value: 'define',
				description:
					'Build the fields with an expression (rename the columns of your bank statement)',
			},
		],
		default: 'item',
	},
	{
		displayName: 'Payment',
		name: 'payment',
		type: 'json',
		default: '={{ $json }}',
		displayOptions: { show: { paymentSource: ['define'] } },
		description: 'The payment fields of this item; an expression can pick or rename them',
	},
	{
		displayName: 'Options',
		name: 'paymentOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allocate',
				name: 'allocate',
				type: 'boolean',
				default: true,
				description:
					'Whether to match new payments to invoices right away (otherwise they are only stored, as unapplied)',
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 200,
				description: 'Payments written per transaction',
			},
			{
				displayName: 'Default Currency',
				name: 'defaultCurrency',
				type: 'string',
				default: 'EUR',
				description: 'Currency of payments that do not state one',
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'string',
				default: 'bank',
				description:
					'Where the payments come from (a bank account, a payment provider). The same reference from the same source is stored once.',
			},
			{
				displayName: 'Write Off Differences Up To',
				name: 'writeOffUpTo',
				type: 'string',
				default: '',
				placeholder: 'EUR=1.00, XOF=500',
				description:
					'Per currency: when a payment is used up and leaves an invoice open by at most this amount, the difference is written off (recorded as a write-off, not as cash) and the invoice is paid. Empty: never.',
			},
		],
	},
];

const displayOptions = { show: { operation: ['storePayments'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** An allocation result as item JSON: decimal amount strings, invoice numbers, the reason in both languages. */
export function allocationJson(allocation: AllocationResult | undefined): IDataObject {
	if (!allocation) return {};
	const money = (minor: bigint) => formatAmount(minor, allocation.currency);
	return {
		allocationStatus: allocation.status,
		customerId: allocation.customerExternalId,
		currency: allocation.currency,
		amount: money(allocation.amountMinor),
		unapplied: money(allocation.unappliedMinor),
		flagReason: allocation.flag?.code ?? null,
		flag: allocation.flag
			? {
					code: allocation.flag.code,
					message: allocation.flag.message.en,
					messageFr: allocation.flag.message.fr,
					candidates: allocation.flag.candidates ?? [],
				}
			: null,
		allocations: allocation.allocations.map((line) => ({
			invoiceNumber: line.invoiceNumber,
			amount: money(line.amountMinor),
			method: line.method,
			invoiceOpen: money(line.invoiceOpenMinor),
			invoiceStatus: line.invoiceStatus,
		})),
		paidInvoices: allocation.paid.map((event) => event.invoiceNumber),
		...(allocation.writeOffs?.length
			? {
					writeOffs: allocation.writeOffs.map((w) => ({
						invoiceNumber: w.invoiceNumber,
						amount: money(w.amountMinor),
						currency: w.currency,
						effectiveOn: w.effectiveOn,
					})),
				}
			: {}),
	};
}

/** Outputs: Accepted (one item per payment stored), Rejected (bad items), Paid Invoices (one item per invoice paid in full). */
export const operation = batch({
	outputs: PAYMENT_OUTPUTS,
	batch: storePaymentItems,
});

async function storePaymentItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<Result[]> {
	const outputs: Result[] = [];
	const valid: Array<{ item: number; payment: PaymentInput; warnings: IDataObject[] }> = [];
	const options = (
		items.length ? this.getNodeParameter('paymentOptions', 0, {}) : {}
	) as IDataObject;
	for (let i = 0; i < items.length; i++) {
		const mode = this.getNodeParameter('paymentSource', i, 'item') as string;
		const record = itemRecord(this, items, i, mode, 'payment');
		if (!record) {
			outputs.push(
				rejected(i, items[i].json, {
					error: 'The Payment parameter is not a JSON object.',
					errorFr: "Le paramètre Payment n'est pas un objet JSON.",
					code: 'PAYMENT_NOT_OBJECT',
					hint: 'Set Payment to an expression such as {{ $json }}.',
				}),
			);
			continue;
		}
		const format = this.getNodeParameter('paymentFormat', i, 'fields') as string;
		const { payment, anomalies } =
			format === 'fields'
				? normalisePaymentRecord(record as PaymentRecord, {
						source: (options.source as string) || 'bank',
						defaultCurrency: (options.defaultCurrency as string) || 'EUR',
					})
				: // A preset's payments keep their software as source unless one is set: its payment ids are unique there.
					normalisePresetPayment(record, format, {
						source: (options.source as string) || undefined,
						defaultCurrency: (options.defaultCurrency as string) || 'EUR',
					});
		if (!payment) {
			outputs.push(
				rejected(i, items[i].json, {
					error: describeAnomalies(anomalies, 'en'),
					errorFr: describeAnomalies(anomalies, 'fr'),
					code: anomalies.find((a) => a.severity === 'block')?.code ?? anomalies[0]?.code,
					hint: anomalies.find((a) => a.severity === 'block')?.hint.en,
					hintFr: anomalies.find((a) => a.severity === 'block')?.hint.fr,
					anomalies: anomalies as unknown as IDataObject[],
				}),
			);
			continue;
		}
		valid.push({ item: i, payment, warnings: anomalies as unknown as IDataObject[] });
	}
	if (valid.length === 0) return outputs;
	const writeOffUpTo = parseWriteOffThresholds(options.writeOffUpTo);
	const ledger = await getLedger(this);
	const outcomes = await storePayments(
		ledger,
		valid.map((v) => v.payment),
		{
			writeOffUpTo,
			allocate: options.allocate !== false,
			batchSize: (options.batchSize as number) || 200,
			zone: this.getTimezone(),
			actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
		},
	);
	for (const outcome of outcomes) {
		const { item, warnings } = valid[outcome.index];
		if (outcome.status === 'rejected') {
			outputs.push(
				rejected(item, items[item].json, {
					error: outcome.error?.message ?? 'rejected',
					errorFr: outcome.error?.messageFr,
					code: outcome.error?.code,
					hint: outcome.error?.hint,
					hintFr: outcome.error?.hintFr,
				}),
			);
			continue;
		}
		outputs.push(
			accepted(item, {
				paymentId: outcome.paymentId,
				source: outcome.source,
				externalRef: outcome.externalRef,
				status: outcome.status,
				receivedOn: valid[outcome.index].payment.receivedOn,
				...allocationJson(outcome.allocation),
				warnings,
			}),
		);
		for (const event of outcome.allocation?.paid ?? []) {
			outputs.push(paidInvoice(item, paidEventJson(event)));
		}
	}
	return outputs;
}
