import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { formatAmount, parseAmount, planWaves, type Ledger } from '../../../core';
import { list } from './common';
import { eachItem, ledgerSetup, type Result } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Run Date',
		name: 'runDate',
		type: 'string',
		default: '={{ $today.toFormat("yyyy-MM-dd") }}',
		description: 'Cut date of the billing cycles to plan',
	},
	{
		displayName: 'First Handover Day',
		name: 'startDate',
		type: 'string',
		default: '',
		description: 'First day couriers go out (business days of each country); empty: the run date',
	},
	{
		displayName: 'Maximum per Courier and Day',
		name: 'maxPerCourierPerDay',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 40,
	},
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
	{
		displayName: 'Couriers',
		name: 'couriers',
		type: 'string',
		default: '',
		description:
			'Staff codes, comma-separated; empty: every active staff member with the courier role',
	},
	{
		displayName: 'Preview Only',
		name: 'dryRun',
		type: 'boolean',
		default: false,
		description: 'Whether to return the plan without writing it',
	},
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
	{
		displayName: 'Rates Currency',
		name: 'ratesCurrency',
		type: 'string',
		default: 'EUR',
		description: 'Currency the rates are written in (for their decimals)',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['planWaves'] } }, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Waves',
			meaning: 'One wave: courier, zone, day, invoices (a preview when Dry Run is on)',
		},
		{
			name: 'Not Planned',
			meaning:
				'What was not planned and why: a zone no courier serves, or no billing cycle ending on the run date',
		},
	],
	setup: ledgerSetup,
	async item(i, _item, ledger: Ledger) {
		const out: Result[] = [];
		const rates = this.getNodeParameter('rates', i, {}) as IDataObject;
		const currency = String(this.getNodeParameter('ratesCurrency', i, 'EUR'));
		const rate = (v: unknown) =>
			v === undefined || v === '' ? undefined : parseAmount(String(v), currency);
		const result = await planWaves(ledger, {
			runDate: String(this.getNodeParameter('runDate', i)),
			startDate: String(this.getNodeParameter('startDate', i, '') || '') || undefined,
			maxPerCourierPerDay: Number(this.getNodeParameter('maxPerCourierPerDay', i, 40)),
			groupBy: this.getNodeParameter('groupBy', i, 'zone') as 'zone' | 'city',
			couriers: list(this.getNodeParameter('couriers', i, '')),
			dryRun: this.getNodeParameter('dryRun', i, false) as boolean,
			rates: {
				courierMinor: rate(rates.courier),
				printingMinor: rate(rates.printing),
				postageMinor: rate(rates.postage),
			},
		});
		const runDate = String(this.getNodeParameter('runDate', i));
		for (const zone of result.unserved) {
			out.push({
				output: 'Not Planned',
				json: {
					status: 'no_courier',
					cycle: zone.cycleKey,
					country: zone.country,
					zone: zone.zone,
					city: zone.city,
					invoiceCount: zone.invoiceCount,
					invoiceNumbers: zone.invoiceNumbers,
					message: `No courier serves ${zone.zone || zone.city || zone.country} (${zone.country}): ${zone.invoiceCount} invoice(s) not planned. Give a courier this area (e.g. ${zone.country}:${zone.zone || zone.city || ''}) and run again.`,
					messageFr: `Aucun coursier ne dessert ${zone.zone || zone.city || zone.country} (${zone.country}) : ${zone.invoiceCount} facture(s) non planifiée(s). Attribuez cette zone à un coursier (ex. ${zone.country}:${zone.zone || zone.city || ''}) puis relancez.`,
				},
			});
		}
		if (result.invoiceCount === 0) {
			const cycles = result.cyclesEnding;
			out.push({
				output: 'Not Planned',
				json: {
					status: 'nothing_to_plan',
					runDate,
					cyclesEnding: cycles,
					message: cycles.length
						? `Billing cycle(s) ${cycles.join(', ')} end on ${runDate}, but all their invoices are already in waves (or paid).`
						: `No billing cycle ends on ${runDate}: no invoice to hand out today.`,
					messageFr: cycles.length
						? `Le(s) cycle(s) ${cycles.join(', ')} se termine(nt) le ${runDate}, mais toutes leurs factures sont déjà en tournée (ou payées).`
						: `Aucun cycle de facturation ne se termine le ${runDate} : pas de facture à remettre aujourd'hui.`,
				},
			});
		}
		for (const w of result.waves) {
			out.push({
				json: {
					waveCode: w.code,
					cycle: w.cycleKey,
					zone: w.zone,
					country: w.country,
					courierCode: w.courierCode,
					plannedOn: w.plannedOn,
					invoiceCount: w.invoices.length,
					invoices: w.invoices.map((x) => ({
						number: x.number,
						customerCode: x.customerExternalId,
						customerName: x.customerName,
						amount: formatAmount(x.amountMinor, w.currency),
					})),
					currency: w.currency,
					preview: this.getNodeParameter('dryRun', i, false) as boolean,
				},
			});
		}
		return out;
	},
});
