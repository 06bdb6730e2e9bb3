import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { openDispute, type DisputeLedgerCategory, type Ledger } from '../../../core';
import { DISPUTE_CATEGORY_OPTIONS, list, text } from '../helpers/items';
import { eachItem, ledgerSetup } from '../../shared/operation';

const properties: INodeProperties[] = [
	{
		displayName: 'Invoice Numbers',
		name: 'invoiceNumbers',
		type: 'string',
		default: "={{ ($json.classification?.invoiceNumbers ?? []).join(', ') }}",
		description:
			'The invoices disputed (comma-separated or a list). Numbers not in the ledger are reported in unknownInvoices, never invented.',
	},
	{
		displayName: 'Customer Code',
		name: 'customer',
		type: 'string',
		default: '',
		description: 'Needed when no invoice is named; checked against the invoices otherwise',
	},
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		options: DISPUTE_CATEGORY_OPTIONS,
		default: 'administrative',
		description:
			"Decides the owner (billing team, logistics, the customer's sales rep, support) and the due date. An expression can take the category the classifier found (classification.category).",
	},
	{
		displayName: 'Subcategory',
		name: 'subcategory',
		type: 'string',
		default: '={{ $json.classification?.subcategory }}',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Actor',
				name: 'actor',
				type: 'string',
				default: '',
				description: 'Who opens it (user, workflow)',
			},
			{
				displayName: 'Amount',
				name: 'amount',
				type: 'string',
				default: '',
				description: 'Disputed amount (decimal). Empty: the open amount of the invoices.',
			},
			{
				displayName: 'As Of',
				name: 'asOf',
				type: 'string',
				default: '',
				placeholder: '2026-03-31',
				description:
					'Day the dispute was opened (YYYY-MM-DD, not in the future): reports as of that day and later count it, and its due date follows. Empty: today.',
			},
			{
				displayName: 'Currency',
				name: 'currency',
				type: 'string',
				default: '',
				placeholder: 'EUR',
			},
			{
				displayName: 'Evidence',
				name: 'evidence',
				type: 'string',
				default: '={{ $json.classification?.evidence }}',
				description: "The customer's words",
			},
			{
				displayName: 'Owner',
				name: 'owner',
				type: 'string',
				default: '',
				description: 'A person or team instead of the routing by category',
			},
			{
				displayName: 'Sender E-Mail',
				name: 'senderEmail',
				type: 'string',
				default: '',
				placeholder: '={{ $json.from }}',
				description:
					"The address the reply came from. When set, the dispute opens only if it is one of the customer's known e-mail addresses; otherwise the item goes to Rejected (code DISPUTE_SENDER_UNKNOWN) for a person to check. Leave empty for calls and the portal.",
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'string',
				default: 'email',
				description: 'Where the dispute comes from (email, call, portal)',
			},
			{
				displayName: 'Source Reference',
				name: 'sourceRef',
				type: 'string',
				default: '={{ $json.metadata?.["message-id"] }}',
				description:
					'An identifier of the message (e-mail Message-ID): the same message never opens two disputes',
			},
		],
	},
];

const displayOptions = { show: { operation: ['openDispute'] } };

export const description = updateDisplayOptions(displayOptions, properties);

export const operation = eachItem({
	outputs: [
		{
			name: 'Opened',
			meaning:
				'The dispute opened (or the one already open for the same source), with its owner and due date',
		},
		{
			name: 'Rejected',
			meaning: 'A dispute refused: unknown invoice, invoices of several customers, bad amount',
			rejects: true,
		},
	],
	setup: ledgerSetup,
	async item(i, item, ledger: Ledger) {
		const options = this.getNodeParameter('options', i, {}) as IDataObject;
		const classification = (item.json.classification ?? {}) as IDataObject;
		const result = await openDispute(ledger, {
			invoices: list(this.getNodeParameter('invoiceNumbers', i, '')),
			customer: text(this, 'customer', i) || undefined,
			category: text(this, 'category', i) as DisputeLedgerCategory,
			subcategory: text(this, 'subcategory', i) || null,
			amount: options.amount ? String(options.amount) : null,
			currency: options.currency ? String(options.currency) : null,
			evidence: options.evidence ? String(options.evidence) : null,
			source: options.source ? String(options.source) : 'email',
			sourceRef: options.sourceRef ? String(options.sourceRef) : null,
			owner: options.owner ? String(options.owner) : null,
			asOf: options.asOf ? String(options.asOf) : undefined,
			zone: this.getTimezone(),
			actor: options.actor ? String(options.actor) : undefined,
			// An expression that was set but found no sender gives '' here: checked (and refused) like any unknown sender.
			...('senderEmail' in options ? { senderEmail: String(options.senderEmail ?? '') } : {}),
			language:
				classification.language === 'fr' || classification.language === 'en'
					? classification.language
					: null,
			confidence: typeof classification.confidence === 'number' ? classification.confidence : null,
			classification: Object.keys(classification).length ? classification : undefined,
		});
		return { json: { ...result } as IDataObject };
	},
});
