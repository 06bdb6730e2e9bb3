import { DateTime } from 'luxon';
import type { Ledger } from '../ledger';
import { formatAmount, formatMoney } from '../money';
import { latePaymentCharges } from './charges';
import type { PlannedInvoice, PlannedMessage } from './plan';
import { stageTemplate } from './policy';
import { renderTemplate, type Language, type RenderedMessage, type RenderValues } from './templates';

/** The company that sends the reminders (letterhead, signature, bank details). */
export interface CompanyInfo {
	name: string;
	legalName?: string;
	addressLines?: string[];
	email?: string;
	phone?: string;
	iban?: string;
	bic?: string;
	website?: string;
	siren?: string;
}

/** Reads the company from the ledger's settings (key "company"), completed by `fallback`. */
export async function loadCompany(ledger: Ledger, fallback: Partial<CompanyInfo> = {}): Promise<CompanyInfo> {
	const rows = await ledger.query<{ value: Partial<CompanyInfo> }>("SELECT value FROM settings WHERE key = 'company'");
	const stored = rows[0]?.value ?? {};
	const defined = Object.fromEntries(Object.entries(fallback).filter(([, v]) => v !== undefined && v !== ''));
	return { name: '', ...stored, ...defined } as CompanyInfo;
}

/** Formatted dates are cached: luxon's localised formatting costs more than the rest of a reminder. */
const dateCache = new Map<string, string>();

export function formatDate(iso: string | null | undefined, language: Language): string {
	if (!iso) return '';
	const key = `${language}|${iso.slice(0, 10)}`;
	let text = dateCache.get(key);
	if (text === undefined) {
		const dt = DateTime.fromISO(iso.slice(0, 10), { zone: 'UTC' });
		text = dt.isValid ? dt.setLocale(language).toFormat('d MMMM yyyy') : iso;
		if (dateCache.size > 20_000) dateCache.clear();
		dateCache.set(key, text);
	}
	return text;
}

export interface InvoiceCharges {
	invoiceId: string;
	daysLate: number;
	annualRatePercent: string;
	interestMinor: bigint;
	indemnityMinor: bigint;
}

export interface MessageCharges {
	shown: boolean;
	ratePercent: string;
	rateSource: 'legal' | 'contract';
	interestMinor: bigint;
	indemnityMinor: bigint;
	perInvoice: InvoiceCharges[];
}

/** Late-payment charges of a message's invoices (computed for every stage, shown where the stage says so). */
export function messageCharges(message: PlannedMessage): MessageCharges {
	const perInvoice: InvoiceCharges[] = [];
	let interest = 0n;
	let indemnity = 0n;
	let rate = '';
	let source: 'legal' | 'contract' = 'legal';
	const after = message.stage.kind === 'reminder' || message.stage.kind === 'formal_notice';
	for (const invoice of message.invoices) {
		if (!after || invoice.daysLate <= 0 || invoice.openMinor <= 0n) continue;
		const c = latePaymentCharges({
			amountMinor: invoice.openMinor,
			currency: invoice.currency,
			dueDate: invoice.dueDate,
			asOf: message.asOf,
			contractRatePercent: message.policy.contractRatePercent,
			fixedIndemnity: message.policy.fixedIndemnity,
		});
		perInvoice.push({ invoiceId: invoice.id, daysLate: c.daysLate, annualRatePercent: c.annualRatePercent, interestMinor: c.interestMinor, indemnityMinor: c.fixedIndemnityMinor });
		interest += c.interestMinor;
		indemnity += c.fixedIndemnityMinor;
		rate = c.annualRatePercent;
		source = c.rateSource;
	}
	const shown = (message.stage.showCharges === true || message.stage.kind === 'formal_notice') && interest + indemnity > 0n;
	return { shown, ratePercent: rate, rateSource: source, interestMinor: interest, indemnityMinor: indemnity, perInvoice };
}

function invoiceValues(invoice: PlannedInvoice, charges: InvoiceCharges | undefined, language: Language): Record<string, string> {
	const money = (minor: bigint) => formatMoney(minor, invoice.currency, language);
	return {
		'invoice.number': invoice.number,
		'invoice.issueDate': formatDate(invoice.issueDate, language),
		'invoice.dueDate': formatDate(invoice.dueDate, language),
		'invoice.amount': money(invoice.payableMinor),
		'invoice.open': money(invoice.openMinor),
		'invoice.currency': invoice.currency,
		'invoice.daysLate': String(Math.max(0, invoice.daysLate)),
		'invoice.daysToDue': String(Math.max(0, -invoice.daysLate)),
		'invoice.interest': money(charges?.interestMinor ?? 0n),
		'invoice.indemnity': money(charges?.indemnityMinor ?? 0n),
		'invoice.poNumber': invoice.poNumber ?? '',
		'invoice.paidAt': formatDate(invoice.paidAt, language),
	};
}

/** Every placeholder value of a message, in the customer's language. */
export function messageValues(message: PlannedMessage, company: CompanyInfo, charges = messageCharges(message)): RenderValues {
	const language = message.customer.language;
	const c = message.customer;
	const money = (minor: bigint) => formatMoney(minor, message.currency, language);
	const byInvoice = new Map(charges.perInvoice.map((ch) => [ch.invoiceId, ch]));
	const ratePercent = charges.ratePercent ? `${charges.ratePercent.replace('.', language === 'fr' ? ',' : '.')}\u00a0%` : '';
	const values: Record<string, string> = {
		'customer.name': c.name,
		'customer.legalName': c.legalName ?? c.name,
		'customer.externalId': c.externalId,
		'customer.email': c.emails[0] ?? '',
		'customer.phone': c.phone ?? '',
		'customer.addressLines': c.addressLines.join(', '),
		'customer.postalCode': c.postalCode ?? '',
		'customer.city': c.city ?? '',
		'customer.country': c.country,
		'customer.vatNumber': c.vatNumber ?? '',
		'company.name': company.name ?? '',
		'company.legalName': company.legalName ?? company.name ?? '',
		'company.address': (company.addressLines ?? []).join(', '),
		'company.email': company.email ?? '',
		'company.phone': company.phone ?? '',
		'company.iban': company.iban ?? '',
		'company.bic': company.bic ?? '',
		'company.website': company.website ?? '',
		'company.siren': company.siren ?? '',
		'salesRep.name': c.salesRep?.name ?? '',
		'salesRep.email': c.salesRep?.email ?? '',
		'salesRep.phone': c.salesRep?.phone ?? '',
		'collector.name': c.collector?.name ?? '',
		'collector.email': c.collector?.email ?? '',
		'collector.phone': c.collector?.phone ?? '',
		'stage.code': message.stage.code,
		'stage.level': String(message.stage.level ?? ''),
		'stage.kind': message.stage.kind,
		date: formatDate(message.asOf, language),
		currency: message.currency,
		'total.open': money(message.totalOpenMinor),
		'total.count': String(message.invoices.length),
		'total.interest': money(charges.interestMinor),
		'total.indemnity': money(charges.indemnityMinor),
		'total.charges': money(charges.interestMinor + charges.indemnityMinor),
		'total.due': money(message.totalOpenMinor + (charges.shown ? charges.interestMinor + charges.indemnityMinor : 0n)),
		'charges.rate': ratePercent,
		'charges.rateSource': charges.rateSource === 'contract' ? (language === 'fr' ? 'taux contractuel' : 'contract rate') : language === 'fr' ? 'taux BCE + 10 points' : 'ECB rate + 10 points',
	};
	return {
		values,
		invoices: message.invoices.map((inv) => invoiceValues(inv, byInvoice.get(inv.id), language)),
		hasCharges: charges.shown,
	};
}

export interface RenderedReminder extends RenderedMessage {
	language: Language;
	charges: MessageCharges;
}

/** Renders the stage's template for the message, in the customer's language (French when it has none). */
export function renderReminder(message: PlannedMessage, company: CompanyInfo): RenderedReminder {
	const language = message.customer.language;
	const charges = messageCharges(message);
	const template = stageTemplate(message.stage, language);
	return { ...renderTemplate(template, messageValues(message, company, charges)), language, charges };
}

/** JSON view of a planned message for node outputs and logs: amounts as decimal strings, no bigint. */
export function plannedMessageJson(message: PlannedMessage): Record<string, unknown> {
	const charges = messageCharges(message);
	return {
		key: message.key,
		asOf: message.asOf,
		stage: message.stage.code,
		stageKind: message.stage.kind,
		policy: message.policy.code,
		channel: message.channel,
		channelReason: message.channelReason ?? null,
		customerId: message.customer.id,
		customerExternalId: message.customer.externalId,
		customerName: message.customer.name,
		language: message.customer.language,
		to: message.to,
		cc: message.cc,
		bcc: message.bcc,
		rejectedAddresses: message.rejectedAddresses,
		currency: message.currency,
		totalOpen: formatAmount(message.totalOpenMinor, message.currency),
		interest: formatAmount(charges.interestMinor, message.currency),
		indemnity: formatAmount(charges.indemnityMinor, message.currency),
		chargesShown: charges.shown,
		collector: message.customer.collector?.code ?? null,
		invoiceIds: message.invoices.map((i) => i.id),
		invoices: message.invoices.map((i) => ({
			id: i.id,
			number: i.number,
			dueDate: i.dueDate,
			daysLate: i.daysLate,
			open: formatAmount(i.openMinor, i.currency),
			amount: formatAmount(i.payableMinor, i.currency),
			retry: i.retry,
		})),
	};
}
