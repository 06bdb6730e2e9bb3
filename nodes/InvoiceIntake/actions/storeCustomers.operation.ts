import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import {
	describeAnomalies,
	normaliseCustomerRecord,
	upsertCustomers,
	type CustomerInput,
} from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { batch, type Result } from '../../shared/operation';
import { accepted, INTAKE_OUTPUTS, itemRecord, rejected } from '../helpers/outputs';

const properties: INodeProperties[] = [
	{
		displayName:
			'Each item is one customer. Fields: externalId (customer code), name, legalName, siren, vatNumber, profile, language (fr/en), emails, ccEmails, phone, salesRepCode, collectorCode, billingCycle, zone, addressLines, postalCode, city, country, currency, creditLimit, paymentTermsDays, customFields. Absent fields are left unchanged.',
		name: 'fieldsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Customer Fields',
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
		displayName: 'Customer',
		name: 'customer',
		type: 'json',
		default: '={{ $json }}',
		displayOptions: { show: { source: ['define'] } },
		description: 'The customer fields of this item',
	},
];

const displayOptions = { show: { operation: ['storeCustomers'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = batch({
	outputs: INTAKE_OUTPUTS,
	batch: storeCustomerItems,
});

async function storeCustomerItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<Result[]> {
	const outputs: Result[] = [];
	const valid: Array<{ item: number; customer: CustomerInput; warnings: IDataObject[] }> = [];
	let sourceMode = 'item';
	for (let i = 0; i < items.length; i++) {
		const source =
			i === 0 || items.length < 2
				? (this.getNodeParameter('source', i, 'item') as string)
				: sourceMode;
		sourceMode = source;
		const record = itemRecord(this, items, i, source, 'customer');
		if (!record) {
			outputs.push(
				rejected(i, items[i].json, {
					error: 'The Customer parameter is not a JSON object.',
					code: 'CUSTOMER_NOT_OBJECT',
				}),
			);
			continue;
		}
		const { customer, anomalies } = normaliseCustomerRecord(record as Record<string, unknown>);
		if (!customer) {
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
		valid.push({ item: i, customer, warnings: anomalies as unknown as IDataObject[] });
	}
	if (valid.length === 0) return outputs;
	const ledger = await getLedger(this);
	const outcomes = await upsertCustomers(
		ledger,
		valid.map((v) => v.customer),
	);
	for (const outcome of outcomes) {
		const { item, warnings } = valid[outcome.index];
		if (outcome.status === 'rejected') {
			outputs.push(
				rejected(item, items[item].json, {
					error: outcome.error?.message ?? 'rejected',
					code: outcome.error?.code,
					hint: outcome.error?.hint,
				}),
			);
		} else {
			outputs.push(
				accepted(item, {
					externalId: outcome.externalId,
					ledgerId: outcome.id,
					status: outcome.status,
					warnings,
				}),
			);
		}
	}
	return outputs;
}
