import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { formatAmount, parseAmount, planWaves, type Ledger } from '../../../core';
import { getLedger } from '../../shared/transport/ledger';
import { list } from './common';
import { eachItem } from '../../shared/operation';

const properties: INodeProperties[] = [
	{ displayName: 'Run Date', name: 'runDate', type: 'string', default: '={{ $today.toFormat("yyyy-MM-dd") }}', description: 'Cut date of the billing cycles to plan' },
	{ displayName: 'First Handover Day', name: 'startDate', type: 'string', default: '', description: 'First day couriers go out (business days of each country); empty: the run date' },
	{ displayName: 'Maximum per Courier and Day', name: 'maxPerCourierPerDay', type: 'number', typeOptions: { minValue: 1 }, default: 40 },
	{
		displayName: 'Group By',
		name: 'groupBy',
		type: 'options',
		options: [
			{ name: 'Zone (Then City)', value: 'zone' },
			{ name: 'City (Then Zone)', value: 'city' },
		],
		default: 'zone',
	},
	{ displayName: 'Couriers', name: 'couriers', type: 'string', default: '', description: 'Staff codes, comma-separated; empty: every active staff member with the courier role' },
	{ displayName: 'Preview Only', name: 'dryRun', type: 'boolean', default: false, description: 'Whether to return the plan without writing it' },
	{
		displayName: 'Rates per Invoice',
		name: 'rates',
		type: 'collection',
		placeholder: 'Add Rate',
		default: {},
		description: 'In the currency of each wave (e.g. 15.00)',
		options: [
			{ displayName: 'Courier', name: 'courier', type: 'string', default: '' },
			{ displayName: 'Printing', name: 'printing', type: 'string', default: '' },
			{ displayName: 'Postage', name: 'postage', type: 'string', default: '' },
		],
	},
	{ displayName: 'Rates Currency', name: 'ratesCurrency', type: 'string', default: 'EUR', description: 'Currency the rates are written in (for their decimals)' },
];

export const description = updateDisplayOptions({ show: { operation: ['planWaves'] } }, properties);

export const operation = eachItem({
	outputs: [{ name: 'Done', meaning: 'One wave: courier, zone, day, invoices (a preview when Dry Run is on)' }],
	setup: async function () {
		return await getLedger(this);
	},
	async item(i, _item, ledger: Ledger) {
		const rates = this.getNodeParameter('rates', i, {}) as IDataObject;
		const currency = String(this.getNodeParameter('ratesCurrency', i, 'EUR'));
		const rate = (v: unknown) => (v === undefined || v === '' ? undefined : parseAmount(String(v), currency));
		const dryRun = this.getNodeParameter('dryRun', i, false) as boolean;
		const result = await planWaves(ledger, {
			runDate: String(this.getNodeParameter('runDate', i)),
			startDate: String(this.getNodeParameter('startDate', i, '') || '') || undefined,
			maxPerCourierPerDay: Number(this.getNodeParameter('maxPerCourierPerDay', i, 40)),
			groupBy: this.getNodeParameter('groupBy', i, 'zone') as 'zone' | 'city',
			couriers: list(this.getNodeParameter('couriers', i, '')),
			dryRun,
			rates: { courierMinor: rate(rates.courier), printingMinor: rate(rates.printing), postageMinor: rate(rates.postage) },
		});
		return result.waves.map((w) => ({
			json: {
				waveCode: w.code,
				cycle: w.cycleKey,
				zone: w.zone,
				country: w.country,
				courierCode: w.courierCode,
				plannedOn: w.plannedOn,
				invoiceCount: w.invoices.length,
				invoices: w.invoices.map((x) => ({ number: x.number, customerCode: x.customerExternalId, customerName: x.customerName, amount: formatAmount(x.amountMinor, w.currency) })),
				currency: w.currency,
				preview: dryRun,
			},
		}));
	},
});
