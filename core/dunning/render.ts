import { creditorReference, formatCreditorReference } from '../bank/rf';
import { formatDate } from '../documents/dates';
import { companyDisplayName, companyLegalName, formatIban, type CompanyInfo } from '../company';
import { formatAmount, formatMoney } from '../money';
import {
	earlierVersions,
	latePaymentCharges,
	type ChargesWarning,
	type LatePaymentCharges,
	type LatePaymentPortion,
} from './charges';
import type { PlannedInvoice, PlannedMessage } from './plan';
import { stageTemplate } from './policy';
import {
	renderTemplate,
	type Language,
	type RenderedMessage,
	type RenderValues,
} from './templates';

/** The company that sends the reminders: its identity lives in core/company (re-exported here for older imports). */
export { loadCompany, type CompanyInfo } from '../company';

export { formatDate };

export interface InvoiceCharges {
	invoiceId: string;
	daysLate: number;
	annualRatePercent: string;
	interestMinor: bigint;
	/** The indemnity in the message currency (0 when stated in another currency: see indemnityCurrency). */
	indemnityMinor: bigint;
	indemnityCurrency: string;
	/** The indemnity as stated (in indemnityCurrency). */
	indemnityStatedMinor: bigint;
	detail: LatePaymentCharges;
}

export interface MessageCharges {
	shown: boolean;
	ratePercent: string;
	rateSource: LatePaymentCharges['rateSource'];
	governingLaw: string;
	interestMinor: bigint;
	/** Indemnities in the message currency. */
	indemnityMinor: bigint;
	/** Indemnities stated in another currency (EUR 40 on a USD invoice under French law), never added to the total. */
	otherIndemnities: Record<string, bigint>;
	perInvoice: InvoiceCharges[];
	/** Rate-table and contract-rate warnings of the message's invoices (each once). */
	warnings: ChargesWarning[];
}

/** The amount owed at the due date: what is open now plus what was paid or written off since. */
function owedAtDue(invoice: PlannedInvoice): bigint {
	return (
		invoice.openMinor + (invoice.settlements ?? []).reduce((sum, s) => sum + s.amountMinor, 0n)
	);
}

/**
 * Late-payment charges of a message's invoices (computed for every stage, shown where the stage says so): each
 * amount for its own period, from the invoice's payment history.
 */
export function messageCharges(message: PlannedMessage): MessageCharges {
	const perInvoice: InvoiceCharges[] = [];
	let interest = 0n;
	let indemnity = 0n;
	const other: Record<string, bigint> = {};
	const warnings: ChargesWarning[] = [];
	let rate = '';
	let source: LatePaymentCharges['rateSource'] = 'legal';
	const law = message.governingLaw ?? message.policy.governingLaw ?? 'FR';
	const after = message.stage.kind === 'reminder' || message.stage.kind === 'formal_notice';
	for (const invoice of message.invoices) {
		if (!after || invoice.daysLate <= 0 || invoice.openMinor <= 0n) continue;
		const c = latePaymentCharges({
			amountMinor: owedAtDue(invoice),
			settlements: invoice.settlements,
			revisions: earlierVersions(invoice.revisions, invoice.payableMinor, owedAtDue(invoice)),
			currency: invoice.currency,
			dueDate: invoice.dueDate,
			asOf: message.asOf,
			contractRatePercent: message.policy.contractRatePercent,
			fixedIndemnity: message.policy.fixedIndemnity,
			governingLaw: law,
		});
		const same = c.fixedIndemnityCurrency === message.currency;
		perInvoice.push({
			invoiceId: invoice.id,
			daysLate: c.daysLate,
			annualRatePercent: c.annualRatePercent,
			interestMinor: c.interestMinor,
			indemnityMinor: same ? c.fixedIndemnityMinor : 0n,
			indemnityCurrency: c.fixedIndemnityCurrency,
			indemnityStatedMinor: c.fixedIndemnityMinor,
			detail: c,
		});
		interest += c.interestMinor;
		if (same) indemnity += c.fixedIndemnityMinor;
		else if (c.fixedIndemnityMinor > 0n)
			other[c.fixedIndemnityCurrency] =
				(other[c.fixedIndemnityCurrency] ?? 0n) + c.fixedIndemnityMinor;
		for (const w of c.warnings)
			if (!warnings.some((x) => x.code === w.code && x.semester === w.semester)) warnings.push(w);
		rate = c.annualRatePercent;
		source = c.rateSource;
	}
	const otherTotal = Object.values(other).reduce((a, b) => a + b, 0n);
	const shown =
		(message.stage.showCharges === true || message.stage.kind === 'formal_notice') &&
		interest + indemnity + otherTotal > 0n;
	return {
		shown,
		ratePercent: rate,
		rateSource: source,
		governingLaw: law,
		interestMinor: interest,
		indemnityMinor: indemnity,
		otherIndemnities: other,
		perInvoice,
		warnings,
	};
}

function percentText(rate: string, language: Language): string {
	return `${language === 'fr' ? rate.replace('.', ',') : rate}\u00a0%`;
}

/**
 * How the interest of one invoice was computed, so that the customer can recompute it: each amount (paid late, or
 * still open), its days late and, per half-year, the days and the rate.
 */
export function chargesDetailText(
	number: string,
	c: LatePaymentCharges,
	language: Language,
): string {
	const money = (minor: bigint) => formatMoney(minor, c.currency, language);
	const fr = language === 'fr';
	const lines: string[] = [];
	for (const portion of c.portions) {
		lines.push(portionText(number, portion, money, language));
	}
	if (c.fixedIndemnityMinor > 0n) {
		const stated = formatMoney(c.fixedIndemnityMinor, c.fixedIndemnityCurrency, language);
		const conversion = c.fixedIndemnityConversion
			? fr
				? ` (40 € à la parité fixe 1 € = ${c.fixedIndemnityConversion.rate.replace('.', ',')} ${c.currency})`
				: ` (€40 at the fixed parity €1 = ${c.fixedIndemnityConversion.rate} ${c.currency})`
			: '';
		lines.push(
			fr
				? `  Indemnité forfaitaire pour frais de recouvrement : ${stated}${conversion}`
				: `  Fixed recovery indemnity: ${stated}${conversion}`,
		);
	}
	return lines.join('\n');
}

function portionText(
	number: string,
	p: LatePaymentPortion,
	money: (minor: bigint) => string,
	language: Language,
): string {
	const fr = language === 'fr';
	const head =
		p.status === 'paid'
			? fr
				? `${number} : ${money(p.amountMinor)} payés le ${formatDate(p.to, language)} avec ${p.days} jours de retard`
				: `${number}: ${money(p.amountMinor)} paid on ${formatDate(p.to, language)}, ${p.days} days late`
			: p.status === 'revised'
				? fr
					? `${number} : ${money(p.amountMinor)} dus en retard jusqu'au ${formatDate(p.to, language)} (facture rectifiée ensuite), ${p.days} jours`
					: `${number}: ${money(p.amountMinor)} owed late until ${formatDate(p.to, language)} (invoice corrected then), ${p.days} days`
				: fr
					? `${number} : ${money(p.amountMinor)} restant dus, ${p.days} jours de retard au ${formatDate(p.to, language)}`
					: `${number}: ${money(p.amountMinor)} outstanding, ${p.days} days late on ${formatDate(p.to, language)}`;
	const periods = p.periods.map((q) =>
		fr
			? `${q.days} j du ${formatDate(q.from, language)} au ${formatDate(q.to, language)} à ${percentText(q.ratePercent, language)}`
			: `${q.days} d from ${formatDate(q.from, language)} to ${formatDate(q.to, language)} at ${percentText(q.ratePercent, language)}`,
	);
	const formula = fr
		? `${money(p.amountMinor)} × (${periods.join(' + ')}) / 365 = ${money(p.interestMinor)}`
		: `${money(p.amountMinor)} × (${periods.join(' + ')}) / 365 = ${money(p.interestMinor)}`;
	return `- ${head}\n  ${formula}`;
}

/** The reference to quote in a transfer for an invoice: its RF creditor reference, else its number. */
export function paymentReference(invoiceNumber: string): string {
	const rf = creditorReference(invoiceNumber);
	return rf ? formatCreditorReference(rf) : invoiceNumber;
}

function invoiceValues(
	invoice: PlannedInvoice,
	charges: InvoiceCharges | undefined,
	language: Language,
): Record<string, string> {
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
		'invoice.indemnity': charges
			? formatMoney(charges.indemnityStatedMinor, charges.indemnityCurrency, language)
			: money(0n),
		'invoice.chargesDetail': charges
			? chargesDetailText(invoice.number, charges.detail, language)
			: '',
		'invoice.poNumber': invoice.poNumber ?? '',
		'invoice.paidAt': formatDate(invoice.paidAt, language),
		// The ISO 11649 RF creditor reference built from the number (printed in groups of four): a payer who copies it
		// into the transfer is matched to this invoice whatever name it pays under. The number itself when too long.
		'invoice.paymentReference': paymentReference(invoice.number),
	};
}

/** What a rendering adds to the ledger's data: the customer's personal payer-page link, when the step has one. */
export interface RenderExtras {
	payerLink?: string;
}

/** Every placeholder value of a message, in the customer's language. */
export function messageValues(
	message: PlannedMessage,
	company: CompanyInfo,
	charges = messageCharges(message),
	extras: RenderExtras = {},
): RenderValues {
	const language = message.customer.language;
	const c = message.customer;
	const money = (minor: bigint) => formatMoney(minor, message.currency, language);
	const byInvoice = new Map(charges.perInvoice.map((ch) => [ch.invoiceId, ch]));
	const ratePercent = charges.ratePercent ? percentText(charges.ratePercent, language) : '';
	const others = Object.entries(charges.otherIndemnities).map(([currency, minor]) =>
		formatMoney(minor, currency, language),
	);
	const indemnityText = [
		...(charges.indemnityMinor > 0n || others.length === 0 ? [money(charges.indemnityMinor)] : []),
		...others,
	].join(' + ');
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
		'company.name': companyDisplayName(company),
		'company.legalName': companyLegalName(company),
		'company.address': (company.addressLines ?? []).join(', '),
		'company.email': company.email ?? '',
		'company.phone': company.phone ?? '',
		'company.iban': company.iban ? formatIban(company.iban) : '',
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
		'total.indemnity': indemnityText,
		'total.charges': money(charges.interestMinor + charges.indemnityMinor),
		'total.due': money(
			message.totalOpenMinor +
				(charges.shown ? charges.interestMinor + charges.indemnityMinor : 0n),
		),
		'charges.rate': ratePercent,
		'charges.rateSource': rateSourceText(charges.rateSource, language),
		'charges.detail': charges.perInvoice
			.map((ch) =>
				chargesDetailText(
					message.invoices.find((i) => i.id === ch.invoiceId)?.number ?? '',
					ch.detail,
					language,
				),
			)
			.join('\n'),
		payerLink: extras.payerLink ?? '',
	};
	return {
		values,
		invoices: message.invoices.map((inv) => invoiceValues(inv, byInvoice.get(inv.id), language)),
		hasCharges: charges.shown,
	};
}

function rateSourceText(source: LatePaymentCharges['rateSource'], language: Language): string {
	const fr = language === 'fr';
	switch (source) {
		case 'contract':
			return fr ? 'taux contractuel' : 'contract rate';
		case 'contract_floor':
			return fr
				? "taux contractuel relevé à trois fois le taux de l'intérêt légal"
				: 'contract rate raised to three times the legal interest rate';
		case 'none':
			return fr ? 'aucun taux' : 'no rate';
		default:
			return fr ? 'taux BCE + 10 points' : 'ECB rate + 10 points';
	}
}

export interface RenderedReminder extends RenderedMessage {
	language: Language;
	charges: MessageCharges;
}

/** Renders the stage's template for the message, in the customer's language (French when it has none). */
export function renderReminder(
	message: PlannedMessage,
	company: CompanyInfo,
	extras: RenderExtras = {},
): RenderedReminder {
	const language = message.customer.language;
	const charges = messageCharges(message);
	const template = stageTemplate(message.stage, language);
	return {
		...renderTemplate(template, messageValues(message, company, charges, extras)),
		language,
		charges,
	};
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
		...(Object.keys(charges.otherIndemnities).length
			? {
					otherIndemnities: Object.fromEntries(
						Object.entries(charges.otherIndemnities).map(([c, m]) => [c, formatAmount(m, c)]),
					),
				}
			: {}),
		governingLaw: charges.governingLaw,
		chargesShown: charges.shown,
		chargesWarnings: charges.warnings.map((w) => ({ ...w })),
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
