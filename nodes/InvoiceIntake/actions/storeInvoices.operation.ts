import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	describeAnomalies,
	INVOICE_PRESETS,
	loadIntakeSettings,
	normaliseInvoiceRecord,
	noteBulkRows,
	normalisePresetRecord,
	storeInvoices,
	formatAmount,
	type InvoiceRecord,
	type LedgerInvoice,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { batch, type Result } from '../../shared/operation';
import {
	accepted,
	countAnomalies,
	INTAKE_OUTPUTS,
	itemRecord,
	newSummary,
	outputModeProperties,
	rejected,
	SUMMARY_BY_DEFAULT_FROM,
	summaryItem,
} from '../helpers/outputs';

const properties: INodeProperties[] = [
	{
		displayName:
			'Each item is one invoice or credit note. Fields: number, customerId, currency, totalExcl, totalTax, totalIncl, payable, issueDate, dueDate (or termsDays), docType, creditedNumber, poNumber. Amounts as in your export ("1 234,56" works); dates YYYY-MM-DD or DD/MM/YYYY.',
		name: 'fieldsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { sourceFormat: ['fields'] } },
	},
	{
		displayName: 'Source Format',
		name: 'sourceFormat',
		type: 'options',
		// Built from the preset table (core/intake/presets.ts): one place for the field mappings.
		options: [
			{
				name: 'Field Names Above',
				value: 'fields',
				description: 'The item uses the field names listed above',
			},
			...[...INVOICE_PRESETS]
				.sort((a, b) => a.name.localeCompare(b.name))
				.map((p) => ({ name: p.name, value: p.id, description: `Records as ${p.origin}` })),
		],
		default: 'fields',
		description:
			'The software the items come from: its fields are mapped to the invoice fields, and records that are not issued sales invoices (drafts, supplier bills, orders) are rejected with the reason',
	},
	{
		displayName: 'Invoice Fields',
		name: 'source',
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
				description: 'Build the fields with an expression (rename, combine)',
			},
		],
		default: 'item',
	},
	{
		displayName: 'Invoice',
		name: 'invoice',
		type: 'json',
		default: '={{ $json }}',
		displayOptions: { show: { source: ['define'] } },
		description: 'The invoice fields of this item; an expression can pick or rename them',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Create Missing Customers',
				name: 'createMissingCustomers',
				type: 'boolean',
				default: false,
				description:
					'Whether an unknown customer code creates a customer (with the customerName of the invoice) instead of rejecting the invoice',
			},
			{
				displayName: 'Default Currency',
				name: 'defaultCurrency',
				type: 'string',
				default: 'EUR',
			},
			{
				displayName: 'Revisions Take Effect On',
				name: 'effectiveOn',
				type: 'string',
				default: '',
				placeholder: '2026-03-31',
				description:
					'Day a changed invoice (a revision) takes effect: reports as of earlier dates show it as it stood then (YYYY-MM-DD, not in the future, not before its previous revision). Empty: today.',
			},
			{
				displayName: 'Batch Size',
				name: 'batchSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 5000,
				description: 'Invoices written per transaction',
			},
		],
	},
];

const displayOptions = { show: { operation: ['storeInvoices'] } };

export const description = [
	...updateDisplayOptions(displayOptions, properties),
	...outputModeProperties('storeInvoices'),
];

function invoiceJson(invoice: LedgerInvoice): IDataObject {
	const totalIncl = formatAmount(invoice.totalInclMinor, invoice.currency);
	return {
		number: invoice.number,
		docType: invoice.docType,
		customerId: invoice.customerExternalId,
		currency: invoice.currency,
		totalIncl,
		payable:
			invoice.payableMinor === invoice.totalInclMinor
				? totalIncl
				: formatAmount(invoice.payableMinor, invoice.currency),
		issueDate: invoice.issueDate,
		dueDate: invoice.dueDate,
	};
}

/**
 * Items are read and checked in batches of Batch Size; while one batch is written to the ledger, the next one is
 * read and checked (the ledger write waits on Postgres, not on this process). Batches are written one at a time,
 * in order, as storeInvoices would write them.
 */
export const operation = batch({
	outputs: INTAKE_OUTPUTS,
	batch: storeInvoiceItems,
});

async function storeInvoiceItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<Result[]> {
	const outputs: Result[] = [];
	const options = (items.length ? this.getNodeParameter('options', 0, {}) : {}) as IDataObject;
	const batchSize = Math.max(1, (options.batchSize as number) || 5000);
	const defaultCurrency = (options.defaultCurrency as string) || 'EUR';
	let sourceMode = 'item';
	const sourceFormat = items.length
		? (this.getNodeParameter('sourceFormat', 0, 'fields') as string)
		: 'fields';
	const storeOptions = {
		createMissingCustomers: options.createMissingCustomers === true,
		batchSize,
		effectiveOn: options.effectiveOn ? String(options.effectiveOn).trim() : undefined,
		zone: this.getTimezone(),
		actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
		noteStatistics: false,
	};
	// Summary: one item with the counts instead of one per stored invoice (100k items of run data that n8n keeps,
	// serialises and saves). Rejected items stay one each.
	const summaryMode =
		items.length > 0 &&
		this.getNodeParameter(
			'outputMode',
			0,
			this.getNode().typeVersion >= SUMMARY_BY_DEFAULT_FROM ? 'summary' : 'invoices',
		) === 'summary';
	const summary = newSummary();
	summary.items = items.length;
	let ledger: Awaited<ReturnType<typeof getLedger>> | undefined;
	// The planner statistics of a batch's new rows are refreshed (ANALYZE, when they are due) while the next batch
	// is written: ANALYZE and COPY do not lock each other out. Awaited before the node answers.
	let statistics: Promise<unknown> = Promise.resolve();
	const write = async (valid: Array<{ item: number; invoice: LedgerInvoice }>): Promise<void> => {
		const target = (ledger ??= await getLedger(this));
		const outcomes = await storeInvoices(
			target,
			valid.map((v) => v.invoice),
			storeOptions,
		);
		let created = 0;
		for (const outcome of outcomes) if (outcome.status === 'created') created++;
		// An optimisation: a failure to refresh them never fails the intake (nor goes unhandled).
		statistics = statistics
			.then(async () => await noteBulkRows(target, 'invoices', created))
			.catch(() => false);
		for (const outcome of outcomes) {
			const { item, invoice } = valid[outcome.index];
			if (outcome.status === 'rejected') {
				summary.rejected++;
				if (outcome.error?.code) countAnomalies(summary, [outcome.error]);
				outputs.push(
					rejected(item, items[item].json, {
						error: outcome.error?.message ?? 'rejected',
						errorFr: outcome.error?.messageFr,
						code: outcome.error?.code,
						hint: outcome.error?.hint,
						hintFr: outcome.error?.hintFr,
					}),
				);
			} else if (summaryMode) {
				summary[outcome.status]++;
				if (invoice.anomalies?.length) {
					summary.withWarnings++;
					countAnomalies(summary, invoice.anomalies as Array<{ code?: string }>);
				}
			} else {
				// The outcome is added to the invoice's JSON rather than spread with it into a new object: at 100k
				// items the spread cost more than the rest of this loop (same keys, same order).
				const json = invoiceJson(invoice);
				json.ledgerId = outcome.id;
				json.status = outcome.status;
				json.revision = outcome.revision;
				json.warnings = invoice.anomalies as IDataObject[];
				outputs.push(accepted(item, json));
			}
		}
	};
	// The same intake rules as files (totals, terms, legal cap, French rules), with the company's settings.
	let checks = {};
	if (items.length) {
		ledger ??= await getLedger(this);
		checks = await loadIntakeSettings(ledger);
	}
	let writing: Promise<void> | undefined;
	for (let start = 0; start < items.length; start += batchSize) {
		const valid: Array<{ item: number; invoice: LedgerInvoice }> = [];
		for (let i = start; i < Math.min(items.length, start + batchSize); i++) {
			const source =
				i === 0 || items.length < 2
					? (this.getNodeParameter('source', i, 'item') as string)
					: sourceMode;
			sourceMode = source;
			const record = itemRecord(this, items, i, source, 'invoice');
			if (!record) {
				summary.rejected++;
				countAnomalies(summary, [{ code: 'INVOICE_NOT_OBJECT' }]);
				outputs.push(
					rejected(i, items[i].json, {
						error: 'The Invoice parameter is not a JSON object.',
						code: 'INVOICE_NOT_OBJECT',
						hint: 'Set Invoice to an expression such as {{ $json }}.',
					}),
				);
				continue;
			}
			const { invoice, anomalies } =
				sourceFormat === 'fields'
					? normaliseInvoiceRecord(record as InvoiceRecord, { defaultCurrency, checks })
					: normalisePresetRecord(record, sourceFormat, { defaultCurrency, checks });
			if (!invoice) {
				summary.rejected++;
				countAnomalies(summary, anomalies);
				outputs.push(
					rejected(i, items[i].json, {
						error: describeAnomalies(anomalies, 'en'),
						errorFr: describeAnomalies(anomalies, 'fr'),
						code: anomalies[0]?.code,
						anomalies: anomalies as unknown as IDataObject[],
					}),
				);
				continue;
			}
			valid.push({ item: i, invoice });
		}
		if (writing) await writing;
		writing = valid.length ? write(valid) : undefined;
		// A failure surfaces when awaited; until then it must not count as unhandled.
		writing?.catch(() => undefined);
	}
	if (writing) await writing;
	await statistics;
	// In input order, whichever batch an item was decided in.
	outputs.sort((a, b) => (a.item as number) - (b.item as number));
	if (summaryMode) outputs.unshift(summaryItem(summary, items.length));
	return outputs;
}
