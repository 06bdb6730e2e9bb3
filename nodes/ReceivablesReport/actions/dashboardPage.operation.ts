import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { handleDashboardRequest, type AgedGroupBy, type Ledger } from '../../../core';
import {
	lockoutNotifier,
	lockoutSenderProperty,
	pageItem,
	pageRequestOf,
} from '../../shared/pages';
import { dayList, options, text } from './common';
import { eachItem, ledgerSetup } from '../../shared/operation';

const OPERATION = 'dashboardPage';

const properties: INodeProperties[] = [
	{
		displayName:
			"Put this after a Webhook node (GET and POST, Respond: Using 'Respond to Webhook' Node) and answer with Respond to Webhook: Respond With Text, body {{ $json.body }}, code {{ $json.httpStatus }}, the headers of {{ $json.headers }} (Content-Type, X-Frame-Options, Content-Security-Policy, Referrer-Policy, Cache-Control). Users log in with their tracking-portal account and see only what their accreditation allows; sessions are signed with a key the server keeps in the ledger. Set the workflow not to save executions: the Webhook node's output holds the logins and sessions.",
		name: 'dashboardNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Form Action URL',
		name: 'actionUrl',
		type: 'string',
		default: '',
		description: "Where the page's forms post; empty: the page's own address",
	},
	{
		displayName: 'Session Minutes',
		name: 'sessionMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 30,
		description: 'How long a session lasts without activity',
	},
	lockoutSenderProperty,
	{
		displayName: 'Company Name',
		name: 'company',
		type: 'string',
		default: '',
		description: 'Shown in the page header',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Aged Balance By',
				name: 'groupBy',
				type: 'options',
				options: [
					{ name: 'Customer', value: 'customer' },
					{ name: 'Dunning Profile', value: 'profile' },
					{ name: 'Sales Rep', value: 'sales_rep' },
				],
				default: 'customer',
			},
			{
				displayName: 'Buckets (Days Overdue)',
				name: 'buckets',
				type: 'string',
				default: '30, 60, 90',
			},
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: '',
				placeholder: 'EUR',
				description: 'Only amounts in this currency. Empty: every currency, each totalled apart.',
			},
			{
				displayName: 'Months of Trend',
				name: 'months',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 36 },
				default: 12,
			},
			{
				displayName: 'Time Zone',
				name: 'zone',
				type: 'string',
				default: 'Europe/Paris',
				description: "IANA zone in which today's date and the dates are counted",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: [OPERATION] } }, properties);

/** Answers one webhook request of the dashboard: the login form, or the figures within the user's accreditation. */
export const operation = eachItem({
	outputs: [
		{ name: 'Page', meaning: 'The HTTP answer for Respond to Webhook: httpStatus, headers, body' },
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger) {
		const o = options(this, i);
		const request = pageRequestOf(item.json);
		const response = await handleDashboardRequest(ledger, request, {
			notify: await lockoutNotifier(this, this.getNodeParameter('lockoutSender', i, '')),
			actionUrl: text(this, 'actionUrl', i),
			sessionSeconds: Math.round(Number(this.getNodeParameter('sessionMinutes', i, 30)) * 60),
			company: text(this, 'company', i) || undefined,
			overview: {
				zone: o.zone ? String(o.zone).trim() || undefined : undefined,
				currency: o.currency ? String(o.currency).trim().toUpperCase() || undefined : undefined,
				months: o.months === undefined ? undefined : Number(o.months),
				aged: {
					groupBy: (o.groupBy as AgedGroupBy) || 'customer',
					buckets: dayList(o.buckets, 'Buckets'),
				},
			},
		});
		return { json: pageItem(this, response) };
	},
});
