import type { DocType } from '../ledger/types';
import { parseAmount } from '../money';
import { anomaly, hasBlocking, type Anomaly } from './anomaly';
import {
	normaliseInvoiceRecord,
	type InvoiceRecord,
	type NormalisedRecord,
	type RecordOptions,
} from './record';

/**
 * Field-mapping presets: how the invoices of common accounting and invoicing software arrive in n8n (the
 * records their APIs return, or the rows their databases give to n8n's SQL nodes), mapped to the invoice
 * fields of normaliseInvoiceRecord. One table, data only: adding a product is adding an entry.
 */

/** The invoice fields a preset fills (the names of InvoiceRecord). */
export type PresetTarget =
	| 'number'
	| 'customerId'
	| 'customerName'
	| 'currency'
	| 'totalExcl'
	| 'totalTax'
	| 'totalIncl'
	| 'payable'
	| 'issueDate'
	| 'dueDate'
	| 'receptionDate'
	| 'termsDays'
	| 'paymentTerms'
	| 'poNumber'
	| 'creditedNumber';

/**
 * How a value is read: `text` as it is; `refId` / `refName` the id or the label of a reference given as
 * `[id, "label"]` (Odoo many2one) or `{ value, name }` (QuickBooks); `msDate` a date written `/Date(ms+0000)/`
 * (Xero) or ISO.
 */
export type PresetReader = 'text' | 'refId' | 'refName' | 'msDate';

export interface PresetField {
	/** Dot paths in the source record ("CustomerRef.value"), the first one present wins. */
	from: readonly string[];
	read?: PresetReader;
	/** Decimal fields added up when the source states no such total (Sage One: net + tax + carriage). */
	sum?: readonly string[];
}

/** What a source value says about the document: its type, or that it is not a sales invoice to store. */
export type PresetVerdict = DocType | { refuse: { en: string; fr: string } };

export interface PresetRule {
	/** Dot paths of the source field, the first one present wins. */
	from: readonly string[];
	read?: PresetReader;
	/** Source value (as text) → verdict. */
	values: Readonly<Record<string, PresetVerdict>>;
	/** A value missing from `values`: refused (the default, listing the values known) or ignored. */
	otherwise?: 'refuse' | 'ignore';
	/** Whether the field must be present (default false: absent means no opinion). */
	required?: boolean;
}

export interface InvoicePreset {
	id: string;
	name: string;
	/** Where the shape comes from: the product's documentation or data model. */
	origin: string;
	fields: Readonly<Partial<Record<PresetTarget, PresetField>>>;
	/** Targets whose source field must be present. */
	required: readonly PresetTarget[];
	/** Rules on type and status fields (document type, draft, cancelled, purchase side...). */
	rules?: readonly PresetRule[];
	/** A path whose presence alone makes the record a credit note (QuickBooks credit memos carry RemainingCredit). */
	creditNoteWhenPresent?: string;
	/** Credit notes come with negative amounts: a negative total makes a credit note with the amounts made positive. */
	signedCreditNotes?: boolean;
	/** What the source says is still owed, or what was already paid: warns when the invoice is (partly) paid there. */
	openAmount?: PresetField;
	paidAmount?: PresetField;
}

const refuse = (en: string, fr: string): PresetVerdict => ({ refuse: { en, fr } });
const NOT_ISSUED = refuse(
	'it is not an issued invoice (draft, awaiting approval, cancelled or deleted)',
	"ce n'est pas une facture émise (brouillon, en attente de validation, annulée ou supprimée)",
);
const PURCHASE = refuse(
	'it is a supplier document (purchase side), not a sales invoice',
	"c'est une pièce fournisseur (achats), pas une facture de vente",
);
const NOT_INVOICE = refuse(
	'it is not an invoice or a credit note (quote, order, delivery note...)',
	"ce n'est ni une facture ni un avoir (devis, commande, bon de livraison...)",
);

/** The presets, in the order the node lists them. */
export const INVOICE_PRESETS: readonly InvoicePreset[] = [
	{
		id: 'sage100',
		name: 'Sage 100 Gestion Commerciale (F_DOCENTETE)',
		origin:
			"Sage 100 sales document header table F_DOCENTETE (SQL Server), read with n8n's Microsoft SQL node; the due date from F_DOCREGL.DR_Date joined on DO_Piece",
		fields: {
			number: { from: ['DO_Piece'] },
			customerId: { from: ['DO_Tiers'] },
			customerName: { from: ['CT_Intitule'] },
			issueDate: { from: ['DO_Date'] },
			dueDate: { from: ['DR_Date'] },
			totalExcl: { from: ['DO_TotalHTNet', 'DO_TotalHT'] },
			totalIncl: { from: ['DO_TotalTTC'] },
			payable: { from: ['DO_NetAPayer'] },
			poNumber: { from: ['DO_Ref'] },
			currency: { from: ['N_Devise_Code', 'currency'] },
		},
		required: ['number', 'customerId', 'issueDate', 'totalIncl'],
		rules: [
			{
				from: ['DO_Domaine'],
				values: {
					'0': 'invoice',
					'1': PURCHASE,
					'2': NOT_INVOICE,
					'3': NOT_INVOICE,
					'4': NOT_INVOICE,
				},
			},
			{
				from: ['DO_Type'],
				values: {
					'6': 'invoice',
					'7': 'invoice',
					'0': NOT_INVOICE,
					'1': NOT_INVOICE,
					'2': NOT_INVOICE,
					'3': NOT_INVOICE,
					'4': NOT_INVOICE,
					'5': NOT_INVOICE,
				},
			},
			{
				from: ['DO_Provenance'],
				values: { '0': 'invoice', '1': 'credit_note', '2': 'credit_note', '4': 'invoice' },
				otherwise: 'ignore',
			},
		],
		signedCreditNotes: true,
		paidAmount: { from: ['DO_MontantRegle'] },
	},
	{
		id: 'cegid',
		name: 'Cegid (PIECE table)',
		origin:
			'Cegid Business / PGI document table PIECE (GP_ columns), read with an n8n SQL node; the due date from PIEDECHE.GPE_DATEECHE',
		fields: {
			number: { from: ['GP_NUMERO'] },
			customerId: { from: ['GP_TIERS'] },
			customerName: { from: ['T_LIBELLE'] },
			issueDate: { from: ['GP_DATEPIECE'] },
			dueDate: { from: ['GPE_DATEECHE'] },
			currency: { from: ['GP_DEVISE'] },
			totalExcl: { from: ['GP_TOTALHTDEV', 'GP_TOTALHT'] },
			totalIncl: { from: ['GP_TOTALTTCDEV', 'GP_TOTALTTC'] },
			poNumber: { from: ['GP_REFEXTERNE'] },
			paymentTerms: { from: ['GP_MODEREGLE'] },
		},
		required: ['number', 'customerId', 'issueDate', 'totalIncl'],
		rules: [
			{
				from: ['GP_NATUREPIECEG'],
				required: true,
				values: {
					FAC: 'invoice',
					FPR: 'invoice',
					AVC: 'credit_note',
					AVS: 'credit_note',
					FFO: PURCHASE,
					AVF: PURCHASE,
					CC: NOT_INVOICE,
					DE: NOT_INVOICE,
					BLC: NOT_INVOICE,
					PRE: NOT_INVOICE,
				},
			},
		],
		signedCreditNotes: true,
	},
	{
		id: 'quickbooks',
		name: 'QuickBooks Online (Invoice, CreditMemo)',
		origin:
			"QuickBooks Online Accounting API v3, Invoice and CreditMemo entities (as n8n's QuickBooks Online node returns them)",
		fields: {
			number: { from: ['DocNumber'] },
			customerId: { from: ['CustomerRef'], read: 'refId' },
			customerName: { from: ['CustomerRef'], read: 'refName' },
			currency: { from: ['CurrencyRef'], read: 'refId' },
			issueDate: { from: ['TxnDate'] },
			dueDate: { from: ['DueDate'] },
			totalTax: { from: ['TxnTaxDetail.TotalTax'] },
			totalIncl: { from: ['TotalAmt'] },
			paymentTerms: { from: ['SalesTermRef'], read: 'refName' },
		},
		required: ['number', 'customerId', 'issueDate', 'totalIncl'],
		creditNoteWhenPresent: 'RemainingCredit',
		openAmount: { from: ['Balance'] },
	},
	{
		id: 'xero',
		name: 'Xero (Invoices, CreditNotes)',
		origin:
			"Xero Accounting API, Invoices and CreditNotes endpoints (as n8n's Xero node returns them)",
		fields: {
			number: { from: ['InvoiceNumber', 'CreditNoteNumber'] },
			customerId: { from: ['Contact.ContactNumber', 'Contact.ContactID'] },
			customerName: { from: ['Contact.Name'] },
			currency: { from: ['CurrencyCode'] },
			issueDate: { from: ['DateString', 'Date'], read: 'msDate' },
			dueDate: { from: ['DueDateString', 'DueDate'], read: 'msDate' },
			totalExcl: { from: ['SubTotal'] },
			totalTax: { from: ['TotalTax'] },
			totalIncl: { from: ['Total'] },
			poNumber: { from: ['Reference'] },
		},
		required: ['number', 'customerId', 'issueDate', 'totalIncl'],
		rules: [
			{
				from: ['Type'],
				required: true,
				values: {
					ACCREC: 'invoice',
					ACCRECCREDIT: 'credit_note',
					ACCPAY: PURCHASE,
					ACCPAYCREDIT: PURCHASE,
				},
			},
			{
				from: ['Status'],
				values: {
					AUTHORISED: 'invoice',
					PAID: 'invoice',
					DRAFT: NOT_ISSUED,
					SUBMITTED: NOT_ISSUED,
					DELETED: NOT_ISSUED,
					VOIDED: NOT_ISSUED,
				},
				otherwise: 'ignore',
			},
		],
		openAmount: { from: ['AmountDue', 'RemainingCredit'] },
	},
	{
		id: 'sageone',
		name: 'Sage Business Cloud Accounting / Sage One (sales_invoices)',
		origin:
			"Sage One accounts API v1, sales_invoices resource (fields as in the public Sage One Ruby SDK recordings); v1 states no currency (set the node's default currency) and no gross total: it is net + tax + carriage",
		fields: {
			number: { from: ['invoice_number'] },
			customerId: { from: ['contact.id', 'contact.$key'] },
			customerName: { from: ['contact_name'] },
			currency: { from: ['currency.code', 'currency'] },
			issueDate: { from: ['date'] },
			dueDate: { from: ['due_date'] },
			totalExcl: { from: ['total_net_amount'], sum: ['total_net_amount', 'carriage'] },
			totalTax: { from: ['total_tax_amount'] },
			totalIncl: {
				from: ['total_amount'],
				sum: ['total_net_amount', 'total_tax_amount', 'carriage'],
			},
			poNumber: { from: ['reference'] },
		},
		required: ['number', 'customerId', 'issueDate', 'totalIncl'],
		openAmount: { from: ['outstanding_amount'] },
	},
	{
		id: 'odoo',
		name: 'Odoo (account.move)',
		origin:
			"Odoo accounting model account.move (customer invoices and credit notes), as n8n's Odoo node or the JSON-RPC search_read returns it",
		fields: {
			number: { from: ['name'] },
			customerId: { from: ['partner_id'], read: 'refId' },
			customerName: { from: ['partner_id'], read: 'refName' },
			currency: { from: ['currency_id'], read: 'refName' },
			issueDate: { from: ['invoice_date'] },
			dueDate: { from: ['invoice_date_due'] },
			totalExcl: { from: ['amount_untaxed'] },
			totalTax: { from: ['amount_tax'] },
			totalIncl: { from: ['amount_total'] },
			paymentTerms: { from: ['invoice_payment_term_id'], read: 'refName' },
			poNumber: { from: ['ref'] },
			creditedNumber: { from: ['reversed_entry_id'], read: 'refName' },
		},
		required: ['number', 'customerId', 'issueDate', 'totalIncl'],
		rules: [
			{
				from: ['move_type'],
				required: true,
				values: {
					out_invoice: 'invoice',
					out_refund: 'credit_note',
					in_invoice: PURCHASE,
					in_refund: PURCHASE,
					in_receipt: PURCHASE,
					out_receipt: NOT_INVOICE,
					entry: NOT_INVOICE,
				},
			},
			{
				from: ['state'],
				values: { posted: 'invoice', draft: NOT_ISSUED, cancel: NOT_ISSUED },
				otherwise: 'ignore',
			},
		],
		openAmount: { from: ['amount_residual'] },
	},
	{
		id: 'pennylane',
		name: 'Pennylane (customer invoices)',
		origin:
			'Pennylane Company API v2, customer_invoices (credit notes are customer invoices with negative amounts)',
		fields: {
			number: { from: ['invoice_number'] },
			customerId: { from: ['customer.id', 'customer.source_id'] },
			customerName: { from: ['customer.name'] },
			currency: { from: ['currency'] },
			issueDate: { from: ['date'] },
			dueDate: { from: ['deadline'] },
			totalExcl: { from: ['currency_amount_before_tax'] },
			totalTax: { from: ['currency_tax'] },
			totalIncl: { from: ['currency_amount', 'amount'] },
			poNumber: { from: ['external_reference'] },
			creditedNumber: { from: ['credited_invoice.invoice_number'] },
		},
		required: ['number', 'customerId', 'issueDate', 'totalIncl'],
		rules: [{ from: ['draft'], values: { false: 'invoice', true: NOT_ISSUED } }],
		signedCreditNotes: true,
		openAmount: { from: ['remaining_amount_with_tax'] },
	},
];

/** A preset by id, or undefined. */
export function invoicePreset(id: string): InvoicePreset | undefined {
	return INVOICE_PRESETS.find((p) => p.id === id);
}

function missing(value: unknown): boolean {
	// Odoo sends false for an empty field.
	return (
		value === undefined ||
		value === null ||
		value === false ||
		(typeof value === 'string' && value.trim() === '')
	);
}

function at(record: unknown, path: string): unknown {
	let value: unknown = record;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

function readValue(value: unknown, reader: PresetReader = 'text'): unknown {
	if (missing(value)) return undefined;
	switch (reader) {
		case 'refId':
		case 'refName': {
			if (Array.isArray(value))
				return missing(value[reader === 'refId' ? 0 : 1])
					? undefined
					: value[reader === 'refId' ? 0 : 1];
			if (typeof value === 'object') {
				const ref = value as { value?: unknown; name?: unknown; id?: unknown };
				const v = reader === 'refId' ? (ref.value ?? ref.id) : ref.name;
				return missing(v) ? undefined : v;
			}
			return value;
		}
		case 'msDate': {
			const m = typeof value === 'string' ? /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value) : null;
			return m ? new Date(Number(m[1])).toISOString().slice(0, 10) : value;
		}
		default:
			return value;
	}
}

/** Exact sum of decimal strings ("17.88" + "3.58" + "0.0" → "21.46"); undefined when one is not a plain decimal. */
function addDecimals(values: unknown[]): string | undefined {
	const parts = values.map((v) =>
		typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '',
	);
	if (parts.some((p) => !/^-?\d+(\.\d+)?$/.test(p))) return undefined;
	const scale = Math.max(...parts.map((p) => (p.split('.')[1] ?? '').length));
	const total = parts.reduce((sum, p) => {
		const [whole, frac = ''] = p.replace('-', '').split('.');
		const minor = BigInt(whole + frac.padEnd(scale, '0'));
		return sum + (p.startsWith('-') ? -minor : minor);
	}, 0n);
	const negative = total < 0n;
	const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
	return `${negative ? '-' : ''}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
}

function pick(record: unknown, field: PresetField): { value: unknown; path?: string } {
	if (field.sum) {
		const values = field.sum.map((path) => at(record, path));
		if (values.every((v) => !missing(v))) {
			const total = addDecimals(values);
			if (total !== undefined) return { value: total, path: field.sum.join(' + ') };
		}
	}
	for (const path of field.from) {
		const value = readValue(at(record, path), field.read);
		if (!missing(value))
			return {
				value:
					typeof value === 'number' || typeof value === 'string' || value instanceof Date
						? value
						: String(value),
				path,
			};
	}
	return { value: undefined };
}

const sourceNames = (field: PresetField): string =>
	(field.sum ? [field.sum.join(' + '), ...field.from] : field.from).join(' or ');

function negate(value: unknown): unknown {
	if (typeof value === 'number') return -value;
	if (typeof value === 'string') {
		const t = value.trim();
		return t.startsWith('-') ? t.slice(1) : `-${t}`;
	}
	return value;
}

const AMOUNTS: readonly PresetTarget[] = ['totalExcl', 'totalTax', 'totalIncl', 'payable'];

/**
 * A source record in the shape of a preset → the invoice fields, or the anomalies that say which source field
 * is missing or holds a value that is not a sales invoice to store (in the source's own field names).
 */
export function mapPresetRecord(
	source: unknown,
	preset: InvoicePreset,
): { record?: InvoiceRecord; anomalies: Anomaly[] } {
	const anomalies: Anomaly[] = [];
	if (!source || typeof source !== 'object' || Array.isArray(source)) {
		anomalies.push(
			anomaly(
				'FIELD_REQUIRED',
				'block',
				undefined,
				`The item is not a ${preset.name} record.`,
				`L'élément n'est pas un enregistrement ${preset.name}.`,
				'Send one invoice per item.',
				'Envoyez une facture par élément.',
			),
		);
		return { anomalies };
	}
	const found = Object.values(preset.fields).filter(
		(f) => !missing(pick(source, f as PresetField).value),
	).length;
	if (found === 0) {
		const expected = preset.required
			.map((t) => preset.fields[t]?.from[0])
			.filter(Boolean)
			.join(', ');
		anomalies.push(
			anomaly(
				'PRESET_SHAPE_UNKNOWN',
				'block',
				undefined,
				`The item has none of the fields of a ${preset.name} record (${expected}…); its fields are ${Object.keys(source).slice(0, 12).join(', ') || 'none'}.`,
				`L'élément n'a aucun des champs d'un enregistrement ${preset.name} (${expected}…) ; ses champs sont ${Object.keys(source).slice(0, 12).join(', ') || 'aucun'}.`,
				'Choose the Source Format of the software that produced these items, or "Field Names Below" to map them by hand.',
				'Choisissez le format source du logiciel qui a produit ces éléments, ou « Field Names Below » pour les associer à la main.',
			),
		);
		return { anomalies };
	}
	const record: InvoiceRecord = {};
	for (const [target, field] of Object.entries(preset.fields) as Array<
		[PresetTarget, PresetField]
	>) {
		const { value } = pick(source, field);
		if (value !== undefined) record[target] = value;
		else if (preset.required.includes(target)) {
			anomalies.push(
				anomaly(
					'FIELD_REQUIRED',
					'block',
					sourceNames(field),
					`${preset.name}: the field ${sourceNames(field)} (the invoice's ${target}) is missing or empty.`,
					`${preset.name} : le champ ${sourceNames(field)} (${target} de la facture) est absent ou vide.`,
					`Include ${field.from[0]} in what the previous node returns (select that column or field).`,
					`Incluez ${field.from[0]} dans ce que renvoie le nœud précédent (sélectionnez cette colonne ou ce champ).`,
				),
			);
		}
	}
	let docType: DocType | undefined;
	for (const rule of preset.rules ?? []) {
		const { value, path } = pick(source, rule);
		if (value === undefined) {
			if (rule.required) {
				anomalies.push(
					anomaly(
						'FIELD_REQUIRED',
						'block',
						sourceNames(rule),
						`${preset.name}: the field ${sourceNames(rule)} (document type) is missing.`,
						`${preset.name} : le champ ${sourceNames(rule)} (type de document) est absent.`,
						`Include ${rule.from[0]} in what the previous node returns.`,
						`Incluez ${rule.from[0]} dans ce que renvoie le nœud précédent.`,
					),
				);
			}
			continue;
		}
		const key = String(value instanceof Date ? value.toISOString() : value).trim();
		const verdict = rule.values[key];
		if (verdict === undefined) {
			if (rule.otherwise === 'ignore') continue;
			anomalies.push(
				anomaly(
					'FIELD_INVALID',
					'block',
					path,
					`${preset.name}: ${path} is "${key}", which is not one of ${Object.keys(rule.values).join(', ')}.`,
					`${preset.name} : ${path} vaut « ${key} », qui n'est pas l'une des valeurs ${Object.keys(rule.values).join(', ')}.`,
					'Send only sales invoices and credit notes, or choose the Source Format that produced this item.',
					"N'envoyez que des factures de vente et des avoirs, ou choisissez le format source qui a produit cet élément.",
				),
			);
		} else if (typeof verdict === 'object') {
			anomalies.push(
				anomaly(
					'NOT_A_SALES_INVOICE',
					'block',
					path,
					`${preset.name}: ${path} is "${key}": ${verdict.refuse.en}.`,
					`${preset.name} : ${path} vaut « ${key} » : ${verdict.refuse.fr}.`,
					'Filter these records out before Invoice Intake (only issued sales invoices and credit notes go to the ledger).',
					'Écartez ces enregistrements avant Invoice Intake (seules les factures de vente émises et les avoirs vont au grand livre).',
				),
			);
		} else if (verdict === 'credit_note' || docType === undefined) {
			docType = verdict;
		}
	}
	if (preset.creditNoteWhenPresent && at(source, preset.creditNoteWhenPresent) !== undefined)
		docType = 'credit_note';
	if (preset.signedCreditNotes) {
		const total = record.totalIncl ?? record.payable;
		const text =
			typeof total === 'number' ? String(total) : typeof total === 'string' ? total.trim() : '';
		if (text.startsWith('-')) {
			docType = 'credit_note';
			for (const target of AMOUNTS)
				if (record[target] !== undefined) record[target] = negate(record[target]);
		}
	}
	record.docType = docType ?? 'invoice';
	if (hasBlocking(anomalies)) return { anomalies };
	return { record, anomalies };
}

/**
 * A source record in the shape of a preset → a ledger invoice (normaliseInvoiceRecord), with a warning when the
 * source says the invoice is already (partly) paid: those payments must reach the ledger too (Store Payments),
 * or the reminders would ask for money already received.
 */
export function normalisePresetRecord(
	source: unknown,
	presetId: string,
	options: RecordOptions = {},
): NormalisedRecord {
	const preset = invoicePreset(presetId);
	if (!preset) {
		return {
			anomalies: [
				anomaly(
					'FIELD_INVALID',
					'block',
					'sourceFormat',
					`"${presetId}" is not a known source format (${INVOICE_PRESETS.map((p) => p.id).join(', ')}).`,
					`« ${presetId} » n'est pas un format source connu (${INVOICE_PRESETS.map((p) => p.id).join(', ')}).`,
					'Choose a Source Format from the list.',
					'Choisissez un format source dans la liste.',
				),
			],
		};
	}
	const mapped = mapPresetRecord(source, preset);
	if (!mapped.record) return { anomalies: mapped.anomalies };
	const result = normaliseInvoiceRecord(mapped.record, {
		source: options.source ?? preset.id,
		defaultCurrency: options.defaultCurrency,
		checks: options.checks,
	});
	const anomalies = [...mapped.anomalies, ...result.anomalies];
	const invoice = result.invoice;
	if (!invoice) return { anomalies };
	// Exports that state the totals without and with tax but not the tax itself (Sage, Cegid): the tax is the difference.
	if (!preset.fields.totalTax && mapped.record.totalExcl !== undefined)
		invoice.totalTaxMinor = invoice.totalInclMinor - invoice.totalExclMinor;
	let paid: bigint | undefined;
	try {
		const open = preset.openAmount ? pick(source, preset.openAmount).value : undefined;
		const settled = preset.paidAmount ? pick(source, preset.paidAmount).value : undefined;
		if (open !== undefined) paid = invoice.payableMinor - abs(parseAmount(open, invoice.currency));
		else if (settled !== undefined) paid = abs(parseAmount(settled, invoice.currency));
	} catch {
		paid = undefined;
	}
	if (paid !== undefined && paid > 0n && invoice.docType === 'invoice') {
		const warn = anomaly(
			'SOURCE_SHOWS_PAYMENTS',
			'warn',
			(preset.openAmount ?? preset.paidAmount)?.from[0],
			`${preset.name} shows this invoice as ${paid >= invoice.payableMinor ? 'paid' : 'partly paid'}; the ledger knows only the payments it receives.`,
			`${preset.name} indique cette facture comme ${paid >= invoice.payableMinor ? 'payée' : 'partiellement payée'} ; le grand livre ne connaît que les paiements qu'il reçoit.`,
			'Import the payments too (Store Payments; Xero and QuickBooks Online payments as they are, in Payment Format), or reminders will ask for what was already paid.',
			'Importez aussi les règlements (Store Payments ; ceux de Xero et QuickBooks Online tels quels, dans Payment Format), sinon les relances réclameront ce qui est déjà payé.',
		);
		anomalies.push(warn);
		invoice.anomalies = [...(invoice.anomalies ?? []), warn];
	}
	return { invoice, anomalies };
}

function abs(value: bigint): bigint {
	return value < 0n ? -value : value;
}
