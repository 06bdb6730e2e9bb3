import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { bilingual, itemError, type ItemMessage } from '../../shared/errors';
import {
	loadCompany,
	planReminders,
	plannedMessageJson,
	type CompanyInfo,
	type HeldInvoice,
	type Ledger,
	type PlannedMessage,
	type PlanOptions,
	type StageFilter,
} from '../../../core';

/** The plan parameters shared by Plan, Send E-mail and Render Letters (when they plan themselves). */
export const planProperties: INodeProperties[] = [
	{
		displayName: 'Stage',
		name: 'stage',
		type: 'string',
		default: 'level1',
		required: true,
		placeholder: 'level1',
		description:
			'Code of the dunning stage: pre_due, level1, level2, level3, formal_notice, thank_you, or one of your policies',
	},
	{
		displayName: 'As Of',
		name: 'asOf',
		type: 'string',
		default: '',
		placeholder: '2026-03-31',
		description: 'Date of the plan (YYYY-MM-DD). Empty: today in the company time zone.',
	},
	{
		displayName: 'Policy',
		name: 'policy',
		type: 'string',
		default: '',
		placeholder: 'standard',
		description:
			'Only customers whose profile is this policy. Empty: every policy that has the stage.',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Custom Field Name',
				name: 'customFieldName',
				type: 'string',
				default: '',
				description: 'A custom field that must equal the value below',
			},
			{
				displayName: 'Custom Field On',
				name: 'customFieldOn',
				type: 'options',
				options: [
					{ name: 'Customer', value: 'customer' },
					{ name: 'Invoice', value: 'invoice' },
				],
				default: 'customer',
			},
			{
				displayName: 'Custom Field Value',
				name: 'customFieldValue',
				type: 'string',
				default: '',
			},
			{
				displayName: 'Document Types',
				name: 'docTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Invoice', value: 'invoice' },
					{ name: 'Credit Note', value: 'credit_note' },
				],
				default: ['invoice'],
			},
			{
				displayName: 'Maximum Amount',
				name: 'maxAmount',
				type: 'string',
				default: '',
				description: 'Largest open amount (in the invoice currency) to include',
			},
			{
				displayName: 'Minimum Amount',
				name: 'minAmount',
				type: 'string',
				default: '',
				description: 'Smallest open amount (in the invoice currency) to include',
			},
			{
				displayName: 'Profiles',
				name: 'profiles',
				type: 'string',
				default: '',
				placeholder: 'sme, export',
				description: 'Comma-separated customer profiles to include',
			},
		],
	},
	{
		displayName: 'Plan Options',
		name: 'planOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Default Policy',
				name: 'defaultPolicy',
				type: 'string',
				default: 'standard',
				description: 'Policy of customers without a profile',
			},
			{
				displayName: 'Time Zone',
				name: 'zone',
				type: 'string',
				default: 'Europe/Paris',
				description: 'Company time zone that decides what "today" is',
			},
		],
	},
];

export function readPlanOptions(ctx: IExecuteFunctions, i: number): PlanOptions {
	const filters = ctx.getNodeParameter('filters', i, {}) as IDataObject;
	const options = ctx.getNodeParameter('planOptions', i, {}) as IDataObject;
	const filter: StageFilter = {};
	if (Array.isArray(filters.docTypes) && filters.docTypes.length)
		filter.docTypes = filters.docTypes as StageFilter['docTypes'];
	if (typeof filters.profiles === 'string' && filters.profiles.trim())
		filter.profiles = filters.profiles
			.split(',')
			.map((p) => p.trim())
			.filter(Boolean);
	if (typeof filters.customFieldName === 'string' && filters.customFieldName.trim()) {
		filter.customField = {
			name: filters.customFieldName.trim(),
			equals: String(filters.customFieldValue ?? ''),
			on: (filters.customFieldOn as 'customer' | 'invoice') ?? 'customer',
		};
	}
	if (typeof filters.minAmount === 'string' && filters.minAmount.trim())
		filter.minAmount = filters.minAmount.trim();
	if (typeof filters.maxAmount === 'string' && filters.maxAmount.trim())
		filter.maxAmount = filters.maxAmount.trim();
	return {
		stage: String(ctx.getNodeParameter('stage', i, '')).trim(),
		asOf: String(ctx.getNodeParameter('asOf', i, '') ?? '').trim() || undefined,
		policy: String(ctx.getNodeParameter('policy', i, '') ?? '').trim() || undefined,
		filter: Object.keys(filter).length ? filter : undefined,
		zone: (options.zone as string) || undefined,
		defaultPolicy: (options.defaultPolicy as string) || undefined,
	};
}

export const sourceProperty: INodeProperties = {
	displayName: 'Reminders',
	name: 'source',
	type: 'options',
	options: [
		{
			name: 'Plan Now',
			value: 'plan',
			description: 'Plan the stage below and act on what is due (once per execution)',
		},
		{
			name: 'From Input Items',
			value: 'items',
			description:
				'Each input item is a reminder from the Due output of Plan Reminders (or the Letters output of Send)',
		},
	],
	default: 'plan',
};

export interface Planned {
	messages: PlannedMessage[];
	held: HeldInvoice[];
	/** Input item of each message (for pairedItem). */
	itemOf: Map<PlannedMessage, number>;
	/** Input items that are not reminders. */
	invalid: Array<{ item: number; message: ItemMessage }>;
}

/**
 * The reminders to act on: planned now from the parameters of the first item, or re-planned from the input
 * items (their invoices are read again from the ledger: holds and payments since the plan count).
 */
export async function plannedFromSource(
	ctx: IExecuteFunctions,
	ledger: Ledger,
	items: INodeExecutionData[],
): Promise<Planned> {
	const source = ctx.getNodeParameter('source', 0, 'plan') as string;
	const itemOf = new Map<PlannedMessage, number>();
	if (source === 'plan') {
		const plan = await planReminders(ledger, readPlanOptions(ctx, 0));
		for (const message of plan.due) itemOf.set(message, 0);
		return { messages: plan.due, held: plan.held, itemOf, invalid: [] };
	}
	const invalid: Planned['invalid'] = [];
	const byStage = new Map<
		string,
		Array<{ item: number; invoiceIds: string[]; asOf?: string; key?: string }>
	>();
	items.forEach((item, index) => {
		const json = item.json;
		const ids = Array.isArray(json.invoiceIds)
			? json.invoiceIds.map(String).filter((id) => /^\d+$/.test(id))
			: [];
		if (typeof json.stage !== 'string' || ids.length === 0) {
			invalid.push({
				item: index,
				message: {
					code: 'NOT_A_REMINDER',
					message: bilingual(
						'This item is not a planned reminder: it needs "stage" and "invoiceIds".',
						"Cet élément n'est pas une relance planifiée : il lui faut « stage » et « invoiceIds ».",
					),
					hint: bilingual(
						'Connect the Due output of Plan Reminders (or the Letters output of Send Reminder E-Mails).',
						'Branchez la sortie Due de Plan Reminders (ou la sortie Letters de Send Reminder E-Mails).',
					),
				},
			});
			return;
		}
		const list = byStage.get(json.stage) ?? [];
		list.push({
			item: index,
			invoiceIds: ids,
			asOf: typeof json.asOf === 'string' ? json.asOf : undefined,
			key: typeof json.key === 'string' ? json.key : undefined,
		});
		byStage.set(json.stage, list);
	});
	const messages: PlannedMessage[] = [];
	const held: HeldInvoice[] = [];
	for (const [stage, entries] of byStage) {
		const itemOfInvoice = new Map<string, number>();
		for (const e of entries) for (const id of e.invoiceIds) itemOfInvoice.set(id, e.item);
		const options = readPlanOptions(ctx, entries[0].item);
		const plan = await planReminders(ledger, {
			...options,
			stage,
			asOf: entries[0].asOf ?? options.asOf,
			policy: undefined,
			filter: undefined,
			invoiceIds: [...itemOfInvoice.keys()],
		});
		for (const message of plan.due) {
			messages.push(message);
			itemOf.set(message, itemOfInvoice.get(message.invoices[0].id) ?? entries[0].item);
		}
		held.push(...plan.held);
	}
	return { messages, held, itemOf, invalid };
}

export async function companyFor(
	ctx: IExecuteFunctions,
	ledger: Ledger,
	i = 0,
): Promise<CompanyInfo> {
	const name = String(ctx.getNodeParameter('companyName', i, '') ?? '').trim();
	return await loadCompany(ledger, name ? { name } : {});
}

export function heldJson(held: HeldInvoice): IDataObject {
	return { status: 'held', ...held } as unknown as IDataObject;
}

export function messageJson(message: PlannedMessage): IDataObject {
	return plannedMessageJson(message) as IDataObject;
}

export function requireStage(ctx: IExecuteFunctions, options: PlanOptions): void {
	if (!options.stage)
		throw itemError(
			ctx.getNode(),
			bilingual('No stage is given', "Aucune étape n'est indiquée"),
			bilingual(
				'Name the stage to plan, e.g. level1.',
				"Nommez l'étape à planifier, par exemple level1.",
			),
			0,
		);
}

/** The payer page's address, shared by Send E-mail and Render Letters: each reminder then carries {{payerLink}}. */
export const payerPageUrlProperty: INodeProperties = {
	displayName: 'Payer Page URL',
	name: 'payerPageUrl',
	type: 'string',
	default: '',
	placeholder: 'https://n8n.example.com/webhook/receivables/payer',
	description:
		'Address of the payer page (the Receivables Page Trigger of the "Payer page" workflow). Set: every reminder carries the customer\'s personal signed link (valid 60 days) as {{payerLink}}, and letters print it as a QR code. Empty: no link.',
};

/** The Payer Page URL parameter, checked: an http(s) address, or undefined when empty. */
export function payerPageUrlOf(ctx: IExecuteFunctions): string | undefined {
	const raw = String(ctx.getNodeParameter('payerPageUrl', 0, '') ?? '').trim();
	if (!raw) return undefined;
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	if (!url || !['http:', 'https:'].includes(url.protocol) || url.searchParams.has('t')) {
		throw itemError(
			ctx.getNode(),
			bilingual(
				`Payer Page URL "${raw}" is not a web address`,
				`Payer Page URL « ${raw} » n'est pas une adresse web`,
			),
			bilingual(
				"Give the payer page's address, e.g. https://n8n.example.com/webhook/receivables/payer (without ?t=), or leave it empty.",
				"Donnez l'adresse de la page payeur, par exemple https://n8n.example.com/webhook/receivables/payer (sans ?t=), ou laissez vide.",
			),
			0,
		);
	}
	return raw;
}
