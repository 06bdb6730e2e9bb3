import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { retroplan } from '../../../core';
import { eachItem } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Target Delivery Date',
		name: 'targetDate',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2026-05-15',
	},
	{
		displayName: 'Country',
		name: 'country',
		type: 'options',
		options: [
			{ name: "Côte d'Ivoire", value: 'CI' },
			{ name: 'France', value: 'FR' },
			{ name: 'Morocco', value: 'MA' },
			{ name: 'Senegal', value: 'SN' },
		],
		default: 'MA',
		description: 'Whose holidays apply (calendars shipped in core/distribution/holidays, editable)',
	},
	{
		displayName: 'First Cycle',
		name: 'firstCycle',
		type: 'boolean',
		default: false,
		description: "Whether this is the customer's first cycle (15 business days)",
	},
	{
		displayName: 'Later Cycles (Business Days)',
		name: 'regularDays',
		type: 'number',
		typeOptions: { minValue: 5, maxValue: 8 },
		default: 6,
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['retroplanning'] } },
	properties,
);

export const operation = eachItem({
	outputs: [
		{
			name: 'Done',
			meaning:
				'The milestones before the target date, counted in business days with the public holidays',
		},
	],
	async item(i) {
		const plan = retroplan({
			targetDate: String(this.getNodeParameter('targetDate', i)),
			country: String(this.getNodeParameter('country', i, 'MA')),
			firstCycle: this.getNodeParameter('firstCycle', i, false) as boolean,
			regularDays: Number(this.getNodeParameter('regularDays', i, 6)),
		});
		return {
			json: {
				country: plan.country,
				targetDate: plan.targetDate,
				deliveryDeadline: plan.deliveryDeadline,
				totalBusinessDays: plan.totalBusinessDays,
				firstCycle: plan.firstCycle,
				milestones: plan.milestones.map((m) => ({
					key: m.key,
					name: m.name.en,
					nameFr: m.name.fr,
					date: m.date,
					businessDaysBefore: m.businessDaysBefore,
				})),
				holidays: plan.holidays.map((h) => ({
					date: h.date,
					name: h.name.en,
					nameFr: h.name.fr,
					toBeConfirmed: h.toBeConfirmed,
				})) as IDataObject[],
				warnings: plan.warnings.map((w) => w.en),
				warningsFr: plan.warnings.map((w) => w.fr),
			},
		};
	},
});
