import { createHash } from 'node:crypto';
import { isReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { renderLetterPdf, type LetterSpec } from '../documents/letter';
import { appendPdfPages } from '../documents/proofOfDelivery';
import { invoiceCopyPdf, type InvoiceCopy } from '../documents/invoiceCopy';
import type { PlannedInvoice, PlannedMessage } from './plan';
import { formatDate, renderReminder, type CompanyInfo } from './render';
import { loadDeliveryProofs, proofOfDeliveryPdf, proofParagraph, stageShowsProof, type DeliveryProof } from './proof';
import { claimReminders, confirmOutcomes, defaultClaimant, resolveStaleClaims, type SendOutcome } from './send';

/**
 * Letters for customers without a usable e-mail and for formal notices: one PDF per message, claimed in
 * `reminders` (channel letter) before it is produced and recorded after, so a letter is printed once.
 */
export interface LetterOptions {
	company: CompanyInfo;
	/** City printed before the date ("Paris, le 20 octobre 2025"). */
	place?: string;
	claimedBy?: string;
	staleAfterMinutes?: number;
	batchSize?: number;
}

export interface ProducedLetter {
	message: PlannedMessage;
	outcome: SendOutcome;
	/** Absent when the letter failed (outcome.error says why). */
	pdf?: Uint8Array;
	fileName: string;
}

function safe(text: string): string {
	return text.normalize('NFKD').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'x';
}

export function letterFileName(message: PlannedMessage): string {
	return `${safe(message.stage.code)}-${safe(message.customer.externalId)}-${message.asOf}${message.stage.grouping === 'invoice' ? `-${safe(message.invoices[0]?.number ?? '')}` : ''}.pdf`;
}

/** `proofs`: courier deliveries of the message's invoices, stated in the letter (stages after the due date). */
export function letterSpec(message: PlannedMessage, company: CompanyInfo, place?: string, proofs?: Map<string, DeliveryProof>): LetterSpec {
	const rendered = renderReminder(message, company);
	const proof = proofs && stageShowsProof(message) ? proofParagraph(message.invoices, proofs, rendered.language) : '';
	const fr = rendered.language === 'fr';
	const c = message.customer;
	const date = formatDate(message.asOf, rendered.language);
	const cityLine = [c.postalCode, c.city].filter(Boolean).join(' ');
	const senderLines = [...(company.addressLines ?? []), [company.phone, company.email].filter(Boolean).join(' · ')].filter(Boolean);
	const footer = [company.legalName ?? company.name, company.siren ? `SIREN ${company.siren}` : '', company.iban ? `IBAN ${company.iban}` : '', company.bic ? `BIC ${company.bic}` : '']
		.filter(Boolean)
		.join(' — ');
	return {
		sender: { name: company.name || company.legalName || '', lines: senderLines },
		recipient: { name: c.legalName || c.name, lines: [...c.addressLines, cityLine, c.country && c.country !== 'FR' ? c.country : ''].filter(Boolean) },
		placeAndDate: place ? (fr ? `${place}, le ${date}` : `${place}, ${date}`) : fr ? `Le ${date}` : date,
		references: [
			`${fr ? 'Réf. client' : 'Customer ref.'} : ${c.externalId}`,
			`${fr ? 'Factures' : 'Invoices'} : ${message.invoices.map((i) => i.number).join(', ')}`,
		],
		subject: rendered.subject,
		body: proof ? `${rendered.text.trimEnd()}\n\n${proof}` : rendered.text,
		footer: footer || undefined,
		title: rendered.subject,
		language: rendered.language,
	};
}

/** Produces the letters of a plan (messages of other channels are ignored), batch by batch. */
export async function* produceLetters(ledger: Ledger, messages: PlannedMessage[], options: LetterOptions): AsyncGenerator<ProducedLetter> {
	const letters = messages.filter((m) => m.channel === 'letter');
	const claimedBy = options.claimedBy ?? defaultClaimant();
	const staleAfter = options.staleAfterMinutes ?? 30;
	if (staleAfter >= 0) await resolveStaleClaims(ledger, staleAfter);
	const batchSize = Math.max(1, options.batchSize ?? 50);
	for (let start = 0; start < letters.length; start += batchSize) {
		const batch = letters.slice(start, start + batchSize).map((message) => ({ message, messageId: `letter:${message.key}:${message.asOf}` }));
		const claimed = await claimReminders(ledger, batch, claimedBy, 'letter');
		const proofs = await loadDeliveryProofs(ledger, batch.filter((b) => stageShowsProof(b.message)).flatMap((b) => b.message.invoices.filter((i) => claimed.has(i.id)).map((i) => i.id)));
		const produced: ProducedLetter[] = [];
		for (const { message: planned } of batch) {
			const invoices = planned.invoices.filter((i) => claimed.has(i.id));
			const skipped = planned.invoices.filter((i) => !claimed.has(i.id)).map((i) => i.id);
			const message: PlannedMessage = { ...planned, invoices, totalOpenMinor: invoices.reduce((s, i) => s + i.openMinor, 0n) };
			const base: SendOutcome = {
				key: message.key,
				status: 'skipped',
				stage: message.stage.code,
				customerId: message.customer.id,
				customerExternalId: message.customer.externalId,
				invoiceIds: invoices.map((i) => i.id),
				invoiceNumbers: invoices.map((i) => i.number),
				skippedInvoiceIds: skipped,
				recipients: [],
			};
			const fileName = letterFileName(message);
			if (invoices.length === 0) {
				produced.push({ message, fileName, outcome: { ...base, error: 'already claimed by another run, produced, or paid meanwhile' } });
				continue;
			}
			try {
				const spec = letterSpec(message, options.company, options.place, proofs);
				// the letter, then the proof of delivery of each invoice the courier handed over
				const proofPages: Uint8Array[] = [];
				if (stageShowsProof(message)) for (const i of invoices) if (proofs.has(i.id)) proofPages.push(await proofOfDeliveryPdf(i, proofs.get(i.id) as DeliveryProof, message, options.company));
				const pdf = await appendPdfPages(await renderLetterPdf(spec), proofPages);
				const hash = createHash('sha256').update(pdf).digest('hex');
				produced.push({ message, fileName, pdf, outcome: { ...base, status: 'sent', contentHash: hash, subject: spec.subject, messageId: undefined } });
			} catch (error) {
				produced.push({ message, fileName, outcome: { ...base, status: 'failed', error: isReceivablesError(error) ? error.message : (error as Error).message } });
			}
		}
		await confirmOutcomes(ledger, produced.map((p) => p.outcome), claimedBy, 'letter');
		for (const p of produced) yield p;
	}
}

/** A copy of an invoice as the ledger holds it (duplicata), for stages that attach the invoice copy. */
export async function renderInvoiceCopy(ledger: Ledger, invoice: PlannedInvoice, message: PlannedMessage, company: CompanyInfo): Promise<InvoiceCopy> {
	return invoiceCopyPdf(ledger, invoice, message.customer, company);
}
