import { creditorReference, formatCreditorReference } from '../bank/rf';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { formatDate } from './dates';
import { formatMoney } from '../money';
import { renderLetterPdf } from './letter';
import {
	companyFooter,
	companyLegalName,
	companyLetterhead,
	formatSiren,
	type CompanyInfo,
} from '../company/identity';

/**
 * A copy of an invoice as the ledger holds it (duplicata): dates, purchase order, lines, totals and what is still
 * owed, addressed to the customer. The ledger keeps the invoice's data, not the document it was received as, so the
 * copy is rendered from that data. Used by reminders that attach the invoice copy and by the wave print bundle.
 */
export interface InvoiceCopyCustomer {
	externalId: string;
	name: string;
	legalName?: string | null;
	addressLines: string[];
	postalCode?: string | null;
	city?: string | null;
	language: 'fr' | 'en';
}

export interface InvoiceCopyInvoice {
	id: string;
	number: string;
	currency: string;
	issueDate: string;
	dueDate: string;
	payableMinor: bigint;
	openMinor: bigint;
}

/** The issuer: the company's identity (core/company). */
export type InvoiceCopySender = CompanyInfo;

export interface InvoiceCopy {
	filename: string;
	content: Buffer;
	contentType: string;
}

function safe(text: string): string {
	return (
		text
			.normalize('NFKD')
			.replace(/[^\w.-]+/g, '_')
			.replace(/^_+|_+$/g, '')
			.slice(0, 60) || 'x'
	);
}

/** One invoice line as printed (label × quantity : amount), whatever the accounting software named its fields. */
export function lineText(
	line: unknown,
	currency: string,
	language: 'fr' | 'en',
): string | undefined {
	if (!line || typeof line !== 'object') return undefined;
	const l = line as Record<string, unknown>;
	const label = [l.description, l.name, l.label, l.itemName].find(
		(v) => typeof v === 'string' && v.trim(),
	) as string | undefined;
	const quantity =
		typeof l.quantity === 'string' || typeof l.quantity === 'number'
			? String(l.quantity)
			: undefined;
	let amount: string | undefined;
	for (const key of [
		'lineTotalMinor',
		'netAmountMinor',
		'amountMinor',
		'lineTotal',
		'netAmount',
		'amount',
	]) {
		const v = l[key];
		if (v === undefined || v === null || v === '') continue;
		amount =
			key.endsWith('Minor') && /^-?\d+$/.test(String(v))
				? formatMoney(BigInt(String(v)), currency, language)
				: `${String(v)} ${currency}`;
		break;
	}
	if (!label && !amount) return undefined;
	return `- ${label ?? ''}${quantity ? ` × ${quantity}` : ''}${amount ? ` : ${amount}` : ''}`;
}

/** The PDF copy of one invoice (its lines and totals are read from the ledger). */
export async function invoiceCopyPdf(
	ledger: Ledger,
	invoice: InvoiceCopyInvoice,
	customer: InvoiceCopyCustomer,
	company: InvoiceCopySender,
): Promise<InvoiceCopy> {
	const rows = await ledger.query<{
		lines: unknown[];
		total_excl_minor: string;
		total_tax_minor: string;
		total_incl_minor: string;
		po_number: string | null;
	}>(
		'SELECT lines, total_excl_minor, total_tax_minor, total_incl_minor, po_number FROM invoices WHERE id = $1',
		[invoice.id],
	);
	const row = rows[0];
	const language = customer.language;
	const fr = language === 'fr';
	const money = (minor: string | bigint) => formatMoney(BigInt(minor), invoice.currency, language);
	const rf = creditorReference(invoice.number);
	const lines = (Array.isArray(row?.lines) ? row.lines : [])
		.map((l) => lineText(l, invoice.currency, language))
		.filter((l): l is string => !!l);
	const issuer = [
		companyLegalName(company),
		company.siren ? `SIREN ${formatSiren(company.siren)}` : '',
		company.vatNumber ? `${fr ? 'TVA' : 'VAT'} ${company.vatNumber}` : '',
		company.ice ? `ICE ${company.ice}` : '',
	]
		.filter(Boolean)
		.join(', ');
	const body = [
		issuer ? `${fr ? 'Émetteur' : 'Issued by'} : ${issuer}` : '',
		`${fr ? 'Date de facture' : 'Invoice date'} : ${formatDate(invoice.issueDate, language)}`,
		`${fr ? 'Échéance' : 'Due date'} : ${formatDate(invoice.dueDate, language)}`,
		row?.po_number ? `${fr ? 'Bon de commande' : 'Purchase order'} : ${row.po_number}` : '',
		'',
		...lines,
		lines.length ? '' : '',
		`${fr ? 'Total HT' : 'Total excl. VAT'} : ${money(row?.total_excl_minor ?? 0n)}`,
		`${fr ? 'TVA' : 'VAT'} : ${money(row?.total_tax_minor ?? 0n)}`,
		`${fr ? 'Total TTC' : 'Total incl. VAT'} : ${money(row?.total_incl_minor ?? invoice.payableMinor)}`,
		`${fr ? 'Reste à payer' : 'Amount outstanding'} : ${money(invoice.openMinor)}`,
		// The RF creditor reference to quote in the transfer, so the payment is matched to this invoice.
		invoice.openMinor > 0n && rf
			? `${fr ? 'Référence de virement à indiquer' : 'Transfer reference to quote'} : ${formatCreditorReference(rf)}`
			: '',
	].filter((l, i, all) => l !== '' || (all[i - 1] ?? '') !== '');
	const c = customer;
	const pdf = await renderLetterPdf({
		sender: {
			...companyLetterhead(company, language),
			...(company.logoImage ? { logo: company.logoImage } : {}),
		},
		recipient: {
			name: c.legalName || c.name,
			lines: [...c.addressLines, [c.postalCode, c.city].filter(Boolean).join(' ')].filter(Boolean),
		},
		subject: fr
			? `Copie de la facture ${invoice.number} (duplicata)`
			: `Copy of invoice ${invoice.number}`,
		body: body.join('\n'),
		references: [`${fr ? 'Réf. client' : 'Customer ref.'} : ${c.externalId}`],
		footer: companyFooter(company, language),
		language,
	});
	return {
		filename: `${fr ? 'facture' : 'invoice'}-${safe(invoice.number)}.pdf`,
		content: Buffer.from(pdf),
		contentType: 'application/pdf',
	};
}

/** The copy of an invoice named by its ledger id, addressed to its customer in the customer's language. */
export async function invoiceCopyOfLedgerInvoice(
	ledger: Ledger,
	invoiceId: string,
	company: InvoiceCopySender,
): Promise<InvoiceCopy> {
	const rows = await ledger.query<{
		id: string;
		number: string;
		currency: string;
		issue_date: string;
		due_date: string;
		payable_minor: string;
		open_minor: string;
		external_id: string;
		name: string;
		legal_name: string | null;
		address_lines: string[];
		postal_code: string | null;
		city: string | null;
		language: 'fr' | 'en';
	}>(
		`SELECT i.id::text, i.number, i.currency, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date, to_char(i.due_date, 'YYYY-MM-DD') AS due_date,
			i.payable_minor::text, i.open_minor::text, c.external_id, c.name, c.legal_name, c.address_lines, c.postal_code, c.city, c.language
		FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = $1`,
		[invoiceId],
	);
	const r = rows[0];
	if (!r)
		throw new ReceivablesError(
			'INVOICE_UNKNOWN',
			`Unknown invoice id ${invoiceId} / Facture inconnue (id ${invoiceId}).`,
			{ hint: 'Use the id of an invoice stored in the ledger.' },
		);
	return invoiceCopyPdf(
		ledger,
		{
			id: r.id,
			number: r.number,
			currency: r.currency,
			issueDate: r.issue_date,
			dueDate: r.due_date,
			payableMinor: BigInt(r.payable_minor),
			openMinor: BigInt(r.open_minor),
		},
		{
			externalId: r.external_id,
			name: r.name,
			legalName: r.legal_name,
			addressLines: r.address_lines ?? [],
			postalCode: r.postal_code,
			city: r.city,
			language: r.language,
		},
		company,
	);
}
