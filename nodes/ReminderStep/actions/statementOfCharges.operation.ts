import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { statementJson, statementOfCharges, type Ledger } from '../../../core';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Customer Code',
		name: 'statementCustomer',
		type: 'string',
		default: '',
		description: 'Only this customer; empty: every customer with charges',
	},
	{
		displayName: 'As Of',
		name: 'statementAsOf',
		type: 'string',
		default: '',
		placeholder: '2026-12-31',
		description: 'Date up to which interest runs on what is still open; empty: today',
	},
	{
		displayName: 'Due From',
		name: 'statementDueFrom',
		type: 'string',
		default: '',
		placeholder: '2026-01-01',
		description: 'Only invoices due on or after this date',
	},
	{
		displayName: 'Include Open Invoices',
		name: 'statementIncludeOpen',
		type: 'boolean',
		default: true,
		description:
			'Whether to list invoices still open past their due date too (off: only invoices already paid late)',
	},
];

const displayOptions = { show: { operation: ['statementOfCharges'] } };

export const description = updateDisplayOptions(displayOptions, properties);

/** One item per customer and currency: the invoices paid late or still late, with the charges of each amount. */
export const operation = eachItem({
	outputs: [
		{
			name: 'Done',
			meaning: 'Per customer and currency: the late-payment charges statement with its lines',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const statement = await statementOfCharges(ledger, {
			customerExternalId:
				String(this.getNodeParameter('statementCustomer', i, '') ?? '').trim() || undefined,
			asOf: String(this.getNodeParameter('statementAsOf', i, '') ?? '').trim() || undefined,
			dueFrom: String(this.getNodeParameter('statementDueFrom', i, '') ?? '').trim() || undefined,
			includeOpen: this.getNodeParameter('statementIncludeOpen', i, true) as boolean,
			zone: this.getTimezone(),
		});
		const json = statementJson(statement) as {
			asOf: string;
			lines: Array<Record<string, unknown>>;
			totals: Array<Record<string, unknown>>;
		};
		// Each item carries its own warnings (a half-year without a known rate, a contract rate raised), not the others'.
		return json.totals.map((total) => {
			const lines = json.lines.filter(
				(l) => l.customerExternalId === total.customerExternalId && l.currency === total.currency,
			);
			return { json: { asOf: json.asOf, ...total, lines } as IDataObject };
		});
	},
});
