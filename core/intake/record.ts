import { ReceivablesError } from '../errors';
import type { LedgerInvoice, DocType, CustomerInput } from '../ledger/types';
import { assertCurrency, currencyExponent, parseAmount } from '../money';
import { addDays, endOfMonth, parseCalendarDate } from '../time';
import { anomaly, hasBlocking, type Anomaly } from './anomaly';
import { checkRecordInvoice, type CheckOptions } from './checks/check';

/**
 * An invoice as a flat record, the way accounting software and spreadsheets send it. Amounts are decimal
 * strings or numbers in the currency's unit ("1234.56", "1 234,56"); dates are ISO or French (31/12/2026).
 */
export interface InvoiceRecord {
	number?: unknown;
	docType?: unknown;
	issuer?: unknown;
	customerId?: unknown;
	customerName?: unknown;
	currency?: unknown;
	totalExcl?: unknown;
	totalTax?: unknown;
	totalIncl?: unknown;
	payable?: unknown;
	issueDate?: unknown;
	dueDate?: unknown;
	receptionDate?: unknown;
	termsDays?: unknown;
	termsBasis?: unknown;
	paymentTerms?: unknown;
	poNumber?: unknown;
	creditedNumber?: unknown;
	lines?: unknown;
	[key: string]: unknown;
}

export interface RecordOptions {
	source?: string;
	defaultCurrency?: string;
	/**
	 * The intake rules (totals, terms and legal cap, French rules) applied to the record, as for files: the
	 * company's intake settings (loadIntakeSettings). Default: the rules at their default severity; false: only
	 * the reading of the fields.
	 */
	checks?: CheckOptions | false;
}

export interface NormalisedRecord {
	invoice?: LedgerInvoice;
	anomalies: Anomaly[];
}

function text(value: unknown): string | undefined {
	if (value === null || value === undefined) return undefined;
	const s = String(value).trim();
	return s === '' ? undefined : s;
}

/** "1234.56": digits, a dot, two decimals, at most 13 digits before the dot (below MAX_MINOR). */
const PLAIN_CENTS = /^(?:0|[1-9]\d{0,12})\.\d{2}$/;

const DOC_TYPES: Record<string, DocType> = {
	invoice: 'invoice',
	facture: 'invoice',
	'380': 'invoice',
	inv: 'invoice',
	credit_note: 'credit_note',
	creditnote: 'credit_note',
	'credit note': 'credit_note',
	avoir: 'credit_note',
	'381': 'credit_note',
};

/**
 * Turns a flat record into a ledger invoice, or says field by field (in French and English) what is wrong
 * and how to fix it. Amount, date and currency faults block; missing terms default to the French 30 days
 * with a warning.
 */
export function normaliseInvoiceRecord(
	record: InvoiceRecord,
	options: RecordOptions = {},
): NormalisedRecord {
	const anomalies: Anomaly[] = [];
	const number = text(record.number);
	if (!number) {
		anomalies.push(
			anomaly(
				'FIELD_REQUIRED',
				'block',
				'number',
				'The invoice number is missing.',
				'Le numéro de facture est absent.',
				'Map the invoice number of your accounting export to "number".',
				'Associez le numéro de facture de votre export comptable au champ « number ».',
			),
		);
	}
	const customerId = text(record.customerId);
	if (!customerId) {
		anomalies.push(
			anomaly(
				'FIELD_REQUIRED',
				'block',
				'customerId',
				'The customer code is missing.',
				'Le code client est absent.',
				'Map the customer code (account number) to "customerId".',
				'Associez le code client (compte tiers) au champ « customerId ».',
			),
		);
	}
	const docTypeText = (text(record.docType) ?? 'invoice').toLowerCase();
	const docType = DOC_TYPES[docTypeText];
	if (!docType) {
		anomalies.push(
			anomaly(
				'FIELD_INVALID',
				'block',
				'docType',
				`"${docTypeText}" is not a document type.`,
				`« ${docTypeText} » n'est pas un type de document.`,
				'Use invoice or credit_note.',
				'Utilisez invoice (facture) ou credit_note (avoir).',
			),
		);
	}
	let currency = 'EUR';
	try {
		currency = assertCurrency(text(record.currency) ?? options.defaultCurrency ?? 'EUR');
	} catch {
		anomalies.push(
			anomaly(
				'FIELD_INVALID',
				'block',
				'currency',
				`"${String(record.currency)}" is not a currency code.`,
				`« ${String(record.currency)} » n'est pas un code devise.`,
				'Use a three-letter ISO code such as EUR, MAD or XOF.',
				'Utilisez un code ISO à trois lettres : EUR, MAD, XOF…',
			),
		);
	}
	const exponent = anomalies.some((a) => a.field === 'currency') ? -1 : currencyExponent(currency);
	const amount = (field: string, value: unknown, required: boolean): bigint | undefined => {
		if (text(value) === undefined) {
			if (required) {
				anomalies.push(
					anomaly(
						'FIELD_REQUIRED',
						'block',
						field,
						`The amount "${field}" is missing.`,
						`Le montant « ${field} » est absent.`,
						`Map the ${field} amount of your export.`,
						`Associez le montant « ${field} » de votre export.`,
					),
				);
			}
			return undefined;
		}
		// The shape bulk exports send ("1234.56" in a two-decimal currency) read without the general parser: same result.
		if (typeof value === 'string' && exponent === 2 && PLAIN_CENTS.test(value))
			return BigInt(value.slice(0, -3) + value.slice(-2));
		try {
			return parseAmount(
				typeof value === 'number' || typeof value === 'string' ? value : String(value),
				currency,
			);
		} catch (error) {
			const reason = error instanceof ReceivablesError ? error.message : String(error);
			anomalies.push(
				anomaly(
					'AMOUNT_INVALID',
					'block',
					field,
					reason,
					`« ${String(value)} » n'est pas un montant valide pour ${field}.`,
					'Write amounts with digits and one decimal separator, e.g. 1234.56 or 1 234,56.',
					'Écrivez les montants avec des chiffres et un seul séparateur décimal, par ex. 1234,56.',
				),
			);
			return undefined;
		}
	};
	const totalIncl = amount('totalIncl', record.totalIncl ?? record.total, true);
	const totalTax =
		amount('totalTax', record.totalTax, false) ??
		(totalIncl !== undefined && text(record.totalExcl) === undefined ? 0n : undefined);
	let totalExcl = amount('totalExcl', record.totalExcl, false);
	if (totalExcl === undefined && totalIncl !== undefined && totalTax !== undefined)
		totalExcl = totalIncl - totalTax;
	const payable = amount('payable', record.payable, false) ?? totalIncl;
	// (a function rather than a loop over [field, value] pairs: no arrays per record on the bulk path)
	const negative = (field: string, value: bigint | undefined): void => {
		if (value !== undefined && value < 0n && docType === 'invoice') {
			anomalies.push(
				anomaly(
					'AMOUNT_NEGATIVE',
					'block',
					field,
					`An invoice cannot have a negative ${field}.`,
					`Une facture ne peut pas avoir un ${field} négatif.`,
					'Send it as a credit note (docType credit_note) with positive amounts.',
					'Envoyez-la comme avoir (docType credit_note) avec des montants positifs.',
				),
			);
		}
	};
	negative('totalIncl', totalIncl);
	negative('payable', payable);
	if (docType === 'credit_note' && payable !== undefined && payable < 0n) {
		anomalies.push(
			anomaly(
				'AMOUNT_NEGATIVE',
				'block',
				'payable',
				'Credit note amounts are positive: the document type already says they reduce the balance.',
				"Les montants d'un avoir sont positifs : le type de document indique déjà qu'il réduit le solde.",
				'Remove the minus sign.',
				'Retirez le signe moins.',
			),
		);
	}
	const date = (field: string, value: unknown, required: boolean): string | undefined => {
		if (text(value) === undefined && !(value instanceof Date)) {
			if (required)
				anomalies.push(
					anomaly(
						'FIELD_REQUIRED',
						'block',
						field,
						`The date "${field}" is missing.`,
						`La date « ${field} » est absente.`,
						`Map the ${field} of your export.`,
						`Associez la date « ${field} » de votre export.`,
					),
				);
			return undefined;
		}
		const parsed = parseCalendarDate(value);
		if (!parsed)
			anomalies.push(
				anomaly(
					'DATE_INVALID',
					'block',
					field,
					`"${String(value)}" is not a real date.`,
					`« ${String(value)} » n'est pas une date valide.`,
					'Use YYYY-MM-DD or DD/MM/YYYY, and a day that exists in that month.',
					'Utilisez AAAA-MM-JJ ou JJ/MM/AAAA, avec un jour qui existe dans le mois.',
				),
			);
		return parsed;
	};
	const issueDate = date('issueDate', record.issueDate, true);
	const receptionDate = date('receptionDate', record.receptionDate, false);
	let dueDate = date('dueDate', record.dueDate, false);
	const termsDaysText = text(record.termsDays);
	let termsDays: number | undefined;
	if (termsDaysText !== undefined) {
		termsDays = Number(termsDaysText);
		if (!Number.isInteger(termsDays) || termsDays < 0 || termsDays > 3650) {
			anomalies.push(
				anomaly(
					'FIELD_INVALID',
					'block',
					'termsDays',
					`"${termsDaysText}" is not a number of days.`,
					`« ${termsDaysText} » n'est pas un nombre de jours.`,
					'Write the payment terms as whole days, e.g. 30.',
					'Écrivez le délai de paiement en jours entiers, par ex. 30.',
				),
			);
			termsDays = undefined;
		}
	}
	const basisText = text(record.termsBasis);
	const termsBasis =
		basisText === undefined
			? undefined
			: (['issue', 'reception', 'end_of_month'] as const).find((b) => b === basisText);
	if (basisText !== undefined && !termsBasis) {
		anomalies.push(
			anomaly(
				'FIELD_INVALID',
				'block',
				'termsBasis',
				`"${basisText}" is not a terms basis.`,
				`« ${basisText} » n'est pas une base de délai.`,
				'Use issue, reception or end_of_month.',
				'Utilisez issue, reception ou end_of_month.',
			),
		);
	}
	if (!dueDate && issueDate && !text(record.dueDate)) {
		if (termsDays !== undefined) {
			const base = termsBasis === 'reception' && receptionDate ? receptionDate : issueDate;
			dueDate =
				termsBasis === 'end_of_month'
					? endOfMonth(addDays(base, termsDays))
					: addDays(base, termsDays);
		} else {
			dueDate = addDays(issueDate, 30);
			termsDays = 30;
			anomalies.push(
				anomaly(
					'TERMS_DEFAULTED',
					'warn',
					'dueDate',
					'No due date and no payment terms: the legal default of 30 days after issue applies.',
					"Ni échéance ni délai de paiement : le délai légal par défaut de 30 jours après émission s'applique.",
					'State the due date or the payment terms on the invoice.',
					"Indiquez l'échéance ou le délai de paiement sur la facture.",
				),
			);
		}
	}
	if (
		hasBlocking(anomalies) ||
		!number ||
		!customerId ||
		!docType ||
		totalIncl === undefined ||
		payable === undefined ||
		!issueDate ||
		!dueDate
	) {
		return { anomalies };
	}
	const lines = Array.isArray(record.lines) ? record.lines : [];
	const invoice: LedgerInvoice = {
		issuer: text(record.issuer) ?? 'default',
		docType,
		number,
		customerExternalId: customerId,
		customerName: text(record.customerName),
		currency,
		totalExclMinor: totalExcl ?? totalIncl,
		totalTaxMinor: totalTax ?? 0n,
		totalInclMinor: totalIncl,
		payableMinor: payable,
		issueDate,
		dueDate,
		receptionDate: receptionDate ?? null,
		termsDays: termsDays ?? null,
		termsBasis: termsBasis ?? null,
		paymentTerms: text(record.paymentTerms) ?? null,
		poNumber: text(record.poNumber) ?? null,
		creditedNumber: text(record.creditedNumber) ?? null,
		source: options.source ?? 'json',
		lines,
		anomalies,
	};
	if (options.checks !== false) {
		const found = checkRecordInvoice(invoice, {
			...options.checks,
			taxStated: totalTax !== undefined,
			exclStated: totalExcl !== undefined,
		});
		// Most records have nothing to report: no set of what the reading already said.
		if (found.length) {
			const seen = new Set(anomalies.map((a) => `${a.code}\u0000${a.field ?? ''}`));
			for (const a of found) if (!seen.has(`${a.code}\u0000${a.field ?? ''}`)) anomalies.push(a);
			if (hasBlocking(anomalies)) return { anomalies };
		}
	}
	return { invoice, anomalies };
}

/** A customer record as accounting software sends it; lists may be arrays or comma/semicolon-separated text. */
export function normaliseCustomerRecord(record: Record<string, unknown>): {
	customer?: CustomerInput;
	anomalies: Anomaly[];
} {
	const anomalies: Anomaly[] = [];
	const externalId = text(record.externalId ?? record.customerId ?? record.code);
	if (!externalId) {
		anomalies.push(
			anomaly(
				'FIELD_REQUIRED',
				'block',
				'externalId',
				'The customer code is missing.',
				'Le code client est absent.',
				'Map the customer code (account number) to "externalId".',
				'Associez le code client au champ « externalId ».',
			),
		);
		return { anomalies };
	}
	const list = (value: unknown): string[] | undefined => {
		if (value === undefined || value === null) return undefined;
		if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
		return String(value)
			.split(/[;,\s]+/)
			.map((v) => v.trim())
			.filter(Boolean);
	};
	const customer: CustomerInput = { externalId };
	const assign = <K extends keyof CustomerInput>(
		key: K,
		value: CustomerInput[K] | undefined,
	): void => {
		if (value !== undefined) customer[key] = value;
	};
	assign('name', text(record.name));
	assign('legalName', text(record.legalName));
	assign('siren', text(record.siren));
	assign('vatNumber', text(record.vatNumber));
	assign('profile', text(record.profile));
	const language = text(record.language)?.toLowerCase().slice(0, 2);
	if (language !== undefined) {
		if (language === 'fr' || language === 'en') customer.language = language;
		else
			anomalies.push(
				anomaly(
					'FIELD_INVALID',
					'block',
					'language',
					`"${String(record.language)}" is not a supported language.`,
					`« ${String(record.language)} » n'est pas une langue prise en charge.`,
					'Use fr or en.',
					'Utilisez fr ou en.',
				),
			);
	}
	assign('emails', list(record.emails ?? record.email));
	assign('ccEmails', list(record.ccEmails));
	for (const address of [...(customer.emails ?? []), ...(customer.ccEmails ?? [])]) {
		if (!/^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$/.test(address)) {
			anomalies.push(
				anomaly(
					'EMAIL_INVALID',
					'warn',
					'emails',
					`"${address}" is not a usable e-mail address; the customer will get letters.`,
					`« ${address} » n'est pas une adresse e-mail utilisable ; le client recevra des courriers.`,
					'Correct the address in the customer file.',
					"Corrigez l'adresse dans le fichier client.",
				),
			);
		}
	}
	assign('phone', text(record.phone));
	assign('salesRepCode', text(record.salesRepCode));
	assign('collectorCode', text(record.collectorCode));
	assign('billingCycle', text(record.billingCycle));
	assign('zone', text(record.zone));
	assign(
		'addressLines',
		list(
			record.addressLines === undefined
				? undefined
				: Array.isArray(record.addressLines)
					? record.addressLines
					: String(record.addressLines).split('\n'),
		),
	);
	assign('postalCode', text(record.postalCode));
	assign('city', text(record.city));
	const country = text(record.country)?.toUpperCase();
	if (country !== undefined) {
		if (/^[A-Z]{2}$/.test(country)) customer.country = country;
		else
			anomalies.push(
				anomaly(
					'FIELD_INVALID',
					'block',
					'country',
					`"${country}" is not a two-letter country code.`,
					`« ${country} » n'est pas un code pays à deux lettres.`,
					'Use ISO codes such as FR, MA, SN, CI.',
					'Utilisez les codes ISO : FR, MA, SN, CI…',
				),
			);
	}
	const currency = text(record.currency);
	if (currency !== undefined) {
		try {
			customer.currency = assertCurrency(currency);
		} catch {
			anomalies.push(
				anomaly(
					'FIELD_INVALID',
					'block',
					'currency',
					`"${currency}" is not a currency code.`,
					`« ${currency} » n'est pas un code devise.`,
					'Use EUR, MAD, XOF…',
					'Utilisez EUR, MAD, XOF…',
				),
			);
		}
	}
	if (text(record.creditLimit) !== undefined) {
		try {
			customer.creditLimitMinor = parseAmount(
				String(record.creditLimit),
				customer.currency ?? 'EUR',
			);
		} catch (error) {
			anomalies.push(
				anomaly(
					'AMOUNT_INVALID',
					'block',
					'creditLimit',
					(error as Error).message,
					`« ${String(record.creditLimit)} » n'est pas un montant valide.`,
					'Write the credit limit as a number.',
					"Écrivez l'encours autorisé comme un nombre.",
				),
			);
		}
	}
	if (text(record.paymentTermsDays) !== undefined) {
		const days = Number(record.paymentTermsDays);
		if (Number.isInteger(days) && days >= 0) customer.paymentTermsDays = days;
		else
			anomalies.push(
				anomaly(
					'FIELD_INVALID',
					'block',
					'paymentTermsDays',
					`"${String(record.paymentTermsDays)}" is not a number of days.`,
					`« ${String(record.paymentTermsDays)} » n'est pas un nombre de jours.`,
					'Write whole days, e.g. 45.',
					'Écrivez des jours entiers, par ex. 45.',
				),
			);
	}
	if (record.customFields && typeof record.customFields === 'object')
		customer.customFields = record.customFields as Record<string, unknown>;
	if (hasBlocking(anomalies)) return { anomalies };
	return { customer, anomalies };
}
