import type { PaymentInput } from '../ledger/payments';
import { anomaly, type Anomaly } from './anomaly';
import {
	normalisePaymentRecord,
	type NormalisePaymentOptions,
	type PaymentRecord,
} from './paymentRecord';

/**
 * Payments as accounting software returns them (the customer payments the invoice presets warn about: an invoice the
 * software shows as paid needs its payments in the ledger too), mapped to the flat payment record of Store Payments.
 * The customer is read the way the invoice preset of the same software reads it, so a payment finds the invoices
 * stored from that software; the invoices the payment settles are named by their numbers.
 */
export const PAYMENT_PRESETS = [
	{
		id: 'xero',
		name: 'Xero (Payments)',
		origin:
			'Xero Accounting API, Payments endpoint: customer payments (ACCRECPAYMENT) on sales invoices',
	},
	{
		id: 'quickbooks',
		name: 'QuickBooks Online (Payment)',
		origin:
			'QuickBooks Online Accounting API v3, Payment entity (JSON, or XML read with attributes as { value, name })',
	},
] as const;

export type PaymentPresetId = (typeof PAYMENT_PRESETS)[number]['id'];

function get(record: unknown, path: string): unknown {
	let value: unknown = record;
	for (const key of path.split('.')) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

const present = (value: unknown): boolean =>
	value !== undefined &&
	value !== null &&
	value !== false &&
	!(typeof value === 'string' && value.trim() === '');

/** `{ value, name }` (QuickBooks JSON, or its XML with the attribute read as name) or a plain value. */
function ref(value: unknown, part: 'value' | 'name'): unknown {
	if (value !== null && typeof value === 'object' && !Array.isArray(value))
		return (value as Record<string, unknown>)[part];
	return part === 'value' ? value : undefined;
}

/** A date written `/Date(1543449600000+0000)/` (Xero) as an ISO day; anything else as it is. */
function msDate(value: unknown): unknown {
	const m = typeof value === 'string' ? /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value) : null;
	return m ? new Date(Number(m[1])).toISOString().slice(0, 10) : value;
}

const list = (value: unknown): unknown[] =>
	Array.isArray(value) ? value : present(value) ? [value] : [];

/** Every `{ Name, Value }` pair under a QuickBooks LineEx, whatever its wrapping (XML NameValue, JSON `any[].value`). */
function nameValues(
	value: unknown,
	out: Array<{ name: string; value: unknown }> = [],
): Array<{ name: string; value: unknown }> {
	if (Array.isArray(value)) value.forEach((v) => nameValues(v, out));
	else if (value !== null && typeof value === 'object') {
		const o = value as Record<string, unknown>;
		if (typeof o.Name === 'string' && 'Value' in o) out.push({ name: o.Name, value: o.Value });
		else Object.values(o).forEach((v) => nameValues(v, out));
	}
	return out;
}

const notIncoming = (field: string, en: string, fr: string) =>
	anomaly(
		'PAYMENT_NOT_INCOMING',
		'block',
		field,
		en,
		fr,
		'Send only the payments customers made on sales invoices.',
		'Envoyez seulement les règlements des clients sur des factures de vente.',
	);

function fromXero(
	source: Record<string, unknown>,
	anomalies: Anomaly[],
): PaymentRecord | undefined {
	const type = get(source, 'PaymentType');
	if (type !== 'ACCRECPAYMENT') {
		const what: Record<string, [string, string]> = {
			ARCREDITPAYMENT: [
				'a refund of a customer credit note (money paid out)',
				"un remboursement d'avoir client (argent versé)",
			],
			AROVERPAYMENTPAYMENT: [
				'a refund of a customer overpayment (money paid out)',
				'un remboursement de trop-perçu client (argent versé)',
			],
			ARPREPAYMENTPAYMENT: [
				'a refund of a customer prepayment (money paid out)',
				"un remboursement d'acompte client (argent versé)",
			],
			ACCPAYPAYMENT: ['a payment to a supplier', 'un paiement à un fournisseur'],
			APCREDITPAYMENT: ['a refund from a supplier', "un remboursement d'un fournisseur"],
			APOVERPAYMENTPAYMENT: [
				'a supplier overpayment refund',
				'un remboursement de trop-versé fournisseur',
			],
			APPREPAYMENTPAYMENT: [
				'a supplier prepayment refund',
				"un remboursement d'acompte fournisseur",
			],
		};
		const [en, fr] = what[String(type)] ?? [
			`of type "${String(type ?? '')}"`,
			`de type « ${String(type ?? '')} »`,
		];
		anomalies.push(
			notIncoming(
				'PaymentType',
				`This Xero payment is ${en}, not a customer's payment of a sales invoice (ACCRECPAYMENT).`,
				`Ce paiement Xero est ${fr}, pas le règlement d'une facture de vente par un client (ACCRECPAYMENT).`,
			),
		);
		return undefined;
	}
	if (get(source, 'Status') === 'DELETED') {
		anomalies.push(
			anomaly(
				'PAYMENT_DELETED',
				'block',
				'Status',
				'This Xero payment was deleted.',
				'Ce paiement Xero a été supprimé.',
				'Leave out deleted payments.',
				'Écartez les paiements supprimés.',
			),
		);
		return undefined;
	}
	const invoiceType = get(source, 'Invoice.Type');
	if (present(invoiceType) && invoiceType !== 'ACCREC') {
		anomalies.push(
			notIncoming(
				'Invoice.Type',
				`The document this Xero payment settles is not a sales invoice (${String(invoiceType)}).`,
				`Le document que ce paiement Xero règle n'est pas une facture de vente (${String(invoiceType)}).`,
			),
		);
		return undefined;
	}
	const contactNumber = get(source, 'Invoice.Contact.ContactNumber');
	return {
		externalRef: get(source, 'PaymentID'),
		amount: get(source, 'Amount'),
		// The payment's Amount is in the invoice's currency (BankAmount is in the bank account's).
		currency: get(source, 'Invoice.CurrencyCode') ?? get(source, 'CurrencyCode'),
		date: msDate(get(source, 'DateString') ?? get(source, 'Date')),
		payerName: get(source, 'Invoice.Contact.Name'),
		reference: get(source, 'Reference'),
		customerId: present(contactNumber) ? contactNumber : get(source, 'Invoice.Contact.ContactID'),
		invoiceNumbers: list(get(source, 'Invoice.InvoiceNumber')),
	};
}

function fromQuickBooks(
	source: Record<string, unknown>,
	anomalies: Anomaly[],
): PaymentRecord | undefined {
	const invoiceNumbers: string[] = [];
	let unnamed = 0;
	for (const line of list(source.Line)) {
		const linked = list(get(line, 'LinkedTxn')).filter(
			(l) => ref(get(l, 'TxnType'), 'value') === 'Invoice',
		);
		if (!linked.length) continue;
		const number = nameValues(get(line, 'LineEx')).find(
			(nv) => nv.name === 'txnReferenceNumber',
		)?.value;
		if (present(number)) invoiceNumbers.push(String(number).trim());
		else unnamed += linked.length;
	}
	if (unnamed) {
		anomalies.push(
			anomaly(
				'PAYMENT_INVOICE_UNNAMED',
				'warn',
				'Line.LinkedTxn',
				`QuickBooks names ${unnamed} invoice(s) of this payment by its internal id only (TxnId), not by its number: the payment is matched by its amount among the customer's open invoices.`,
				`QuickBooks ne désigne ${unnamed} facture(s) de ce paiement que par son identifiant interne (TxnId), pas par son numéro : le paiement est rapproché par son montant parmi les factures ouvertes du client.`,
				'Ask QuickBooks for the payment with its line extras (LineEx txnReferenceNumber), or add the invoice numbers.',
				'Demandez à QuickBooks le paiement avec ses LineEx (txnReferenceNumber), ou ajoutez les numéros de facture.',
			),
		);
	}
	return {
		externalRef: source.Id,
		amount: source.TotalAmt,
		currency: ref(source.CurrencyRef, 'value'),
		date: source.TxnDate,
		payerName: ref(source.CustomerRef, 'name'),
		reference: source.PaymentRefNum,
		customerId: ref(source.CustomerRef, 'value'),
		invoiceNumbers,
	};
}

/**
 * A payment record of accounting software (`presetId`: xero, quickbooks) → a ledger payment, or the anomalies that
 * say, in the software's own field names, why it is not a customer's payment to store.
 */
export function normalisePresetPayment(
	source: unknown,
	presetId: string,
	options: NormalisePaymentOptions = {},
): { payment?: PaymentInput; anomalies: Anomaly[] } {
	const preset = PAYMENT_PRESETS.find((p) => p.id === presetId);
	const anomalies: Anomaly[] = [];
	if (!preset) {
		anomalies.push(
			anomaly(
				'PRESET_UNKNOWN',
				'block',
				undefined,
				`No payment source format "${presetId}" (known: ${PAYMENT_PRESETS.map((p) => p.id).join(', ')}).`,
				`Pas de format de paiement « ${presetId} » (connus : ${PAYMENT_PRESETS.map((p) => p.id).join(', ')}).`,
				'Choose one of the listed formats.',
				'Choisissez un des formats listés.',
			),
		);
		return { anomalies };
	}
	if (!source || typeof source !== 'object' || Array.isArray(source)) {
		anomalies.push(
			anomaly(
				'FIELD_REQUIRED',
				'block',
				undefined,
				`The item is not a ${preset.name} record.`,
				`L'élément n'est pas un enregistrement ${preset.name}.`,
				'Send one payment per item.',
				'Envoyez un paiement par élément.',
			),
		);
		return { anomalies };
	}
	const record =
		preset.id === 'xero'
			? fromXero(source as Record<string, unknown>, anomalies)
			: fromQuickBooks(source as Record<string, unknown>, anomalies);
	if (!record) return { anomalies };
	const result = normalisePaymentRecord(record, {
		...options,
		source: options.source ?? preset.id,
	});
	return { payment: result.payment, anomalies: [...anomalies, ...result.anomalies] };
}
