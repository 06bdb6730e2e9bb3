import { DateTime } from 'luxon';
import { renderProofOfDeliveryPdf, type ProofImage } from '../documents/proofOfDelivery';
import type { Ledger } from '../ledger';
import type { MailAttachment } from '../mail/compose';
import { formatMoney } from '../money';
import { DEFAULT_ZONE } from '../time';
import { COUNTRY_ZONES } from '../tracking/events';
import type { PlannedInvoice, PlannedMessage } from './plan';
import { formatDate, type CompanyInfo } from './render';
import { escapeMessageHtml, type Language } from './templates';

/**
 * Proof of delivery in reminders: when the courier handed the invoice over (deliveries / courier_events), the
 * reminder says so — date and recipient — and carries a one-page proof (with the recipient's signature), so the
 * customer cannot answer that the invoice never arrived. Stages after the due date only (reminders, formal notice).
 */
export interface DeliveryProof {
	invoiceId: string;
	eventId: string;
	deliveredAt: Date;
	zone: string;
	recipientName: string | null;
	courierName: string | null;
	waveCode: string | null;
	latitude: number | null;
	longitude: number | null;
	signature: ProofImage | null;
	photo: ProofImage | null;
}

interface ProofRow {
	invoice_id: string;
	event_id: string;
	occurred_at: Date;
	recipient_name: string | null;
	courier_code: string;
	courier_name: string | null;
	wave_code: string | null;
	latitude: number | null;
	longitude: number | null;
	attachments: {
		signature?: { mime?: string; base64?: string };
		photo?: { mime?: string; base64?: string };
	} | null;
	country: string | null;
}

function image(value: { mime?: string; base64?: string } | undefined): ProofImage | null {
	if (!value?.base64 || !value.mime) return null;
	return { mime: value.mime, bytes: Buffer.from(value.base64, 'base64') };
}

/** Whether a stage states and attaches the proof: the ones that claim payment of an invoice already due. */
export function stageShowsProof(message: Pick<PlannedMessage, 'stage'>): boolean {
	return message.stage.kind === 'reminder' || message.stage.kind === 'formal_notice';
}

/**
 * The first courier handover of each invoice whose delivery still stands as delivered (not returned or refused
 * afterwards), with its signature and photo. Invoices never delivered by courier are absent from the map.
 */
export async function loadDeliveryProofs(
	ledger: Ledger,
	invoiceIds: string[],
): Promise<Map<string, DeliveryProof>> {
	const out = new Map<string, DeliveryProof>();
	if (invoiceIds.length === 0) return out;
	const rows = await ledger.query<ProofRow>(
		`SELECT DISTINCT ON (e.invoice_id) e.invoice_id::text, e.event_id, e.occurred_at, coalesce(e.recipient_name, d.recipient_name) AS recipient_name,
			e.courier_code, s.name AS courier_name, w.code AS wave_code, e.latitude, e.longitude, e.attachments, c.country
		FROM courier_events e
		JOIN deliveries d ON d.id = e.delivery_id AND d.status = 'delivered'
		LEFT JOIN waves w ON w.id = d.wave_id
		LEFT JOIN staff s ON s.code = e.courier_code
		LEFT JOIN customers c ON c.id = d.customer_id
		WHERE e.invoice_id = ANY($1::bigint[]) AND e.type = 'delivered'
		ORDER BY e.invoice_id, e.occurred_at, e.id`,
		[invoiceIds],
	);
	for (const r of rows) {
		out.set(r.invoice_id, {
			invoiceId: r.invoice_id,
			eventId: r.event_id,
			deliveredAt: r.occurred_at,
			zone: COUNTRY_ZONES[(r.country ?? '').trim()] ?? DEFAULT_ZONE,
			recipientName: r.recipient_name,
			courierName: r.courier_name ?? r.courier_code,
			waveCode: r.wave_code,
			latitude: r.latitude,
			longitude: r.longitude,
			signature: image(r.attachments?.signature),
			photo: image(r.attachments?.photo),
		});
	}
	return out;
}

/** Which of these invoices have a proof of delivery (as loadDeliveryProofs finds them), without reading the images. */
export async function deliveredInvoiceIds(
	ledger: Ledger,
	invoiceIds: string[],
): Promise<Set<string>> {
	if (invoiceIds.length === 0) return new Set();
	const rows = await ledger.query<{ invoice_id: string }>(
		`SELECT DISTINCT e.invoice_id::text FROM courier_events e JOIN deliveries d ON d.id = e.delivery_id AND d.status = 'delivered'
		WHERE e.invoice_id = ANY($1::bigint[]) AND e.type = 'delivered'`,
		[invoiceIds],
	);
	return new Set(rows.map((r) => r.invoice_id));
}

/** "12 mars 2026 à 10:42 (Europe/Paris)" / "12 March 2026 at 10:42 (Europe/Paris)". */
export function deliveredAtText(proof: DeliveryProof, language: Language): string {
	const local = DateTime.fromJSDate(proof.deliveredAt, { zone: proof.zone });
	return `${formatDate(local.toISODate(), language)} ${language === 'fr' ? 'à' : 'at'} ${local.toFormat('HH:mm')} (${proof.zone})`;
}

/** The paragraph a reminder adds about the deliveries of its invoices (empty when none was delivered by courier). */
export function proofParagraph(
	invoices: PlannedInvoice[],
	proofs: Map<string, DeliveryProof>,
	language: Language,
): string {
	const lines: string[] = [];
	for (const invoice of invoices) {
		const proof = proofs.get(invoice.id);
		if (!proof) continue;
		const who = proof.recipientName?.trim();
		const signed = proof.signature
			? language === 'fr'
				? ', qui a signé le bon de livraison'
				: ', who signed for it'
			: '';
		lines.push(
			language === 'fr'
				? `- la facture ${invoice.number} vous a été remise par coursier le ${deliveredAtText(proof, language)}${who ? `, reçue par ${who}${signed}` : ''}`
				: `- invoice ${invoice.number} was delivered to you by courier on ${deliveredAtText(proof, language)}${who ? `, received by ${who}${signed}` : ''}`,
		);
	}
	if (lines.length === 0) return '';
	return language === 'fr'
		? `Preuve de livraison :\n${lines.join('\n')}\n(preuve de livraison jointe)`
		: `Proof of delivery:\n${lines.join('\n')}\n(proof of delivery attached)`;
}

/** The one-page proof of one invoice, as a PDF. */
export async function proofOfDeliveryPdf(
	invoice: Pick<PlannedInvoice, 'number' | 'payableMinor' | 'currency'>,
	proof: DeliveryProof,
	message: {
		customer: Pick<PlannedMessage['customer'], 'language' | 'legalName' | 'name' | 'externalId'>;
	},
	company: CompanyInfo,
): Promise<Uint8Array> {
	const language = message.customer.language;
	return await renderProofOfDeliveryPdf({
		language,
		company: { name: company.legalName || company.name, lines: company.addressLines },
		customer: {
			name: message.customer.legalName || message.customer.name,
			externalId: message.customer.externalId,
		},
		invoiceNumber: invoice.number,
		amount: formatMoney(invoice.payableMinor, invoice.currency, language),
		deliveredAt: deliveredAtText(proof, language),
		recipientName: proof.recipientName,
		courier: proof.courierName,
		wave: proof.waveCode,
		eventId: proof.eventId,
		location:
			proof.latitude !== null && proof.longitude !== null
				? { latitude: proof.latitude, longitude: proof.longitude }
				: null,
		signature: proof.signature,
		photo: proof.photo,
	});
}

export function proofFileName(invoice: Pick<PlannedInvoice, 'number'>, language: Language): string {
	return `${language === 'fr' ? 'preuve-de-livraison' : 'proof-of-delivery'}-${invoice.number.normalize('NFKD').replace(/[^\w.-]+/g, '_')}.pdf`;
}

/** The proofs of a message's delivered invoices as e-mail attachments. */
export async function proofAttachments(
	message: PlannedMessage,
	proofs: Map<string, DeliveryProof>,
	company: CompanyInfo,
): Promise<MailAttachment[]> {
	const out: MailAttachment[] = [];
	for (const invoice of message.invoices) {
		const proof = proofs.get(invoice.id);
		if (!proof) continue;
		const pdf = await proofOfDeliveryPdf(invoice, proof, message, company);
		out.push({
			filename: proofFileName(invoice, message.customer.language),
			content: Buffer.from(pdf),
			contentType: 'application/pdf',
		});
	}
	return out;
}

/** The rendered text and HTML with the proof paragraph added at the end (unchanged when there is none). */
export function withProofParagraph(
	rendered: { text: string; html: string },
	paragraph: string,
): { text: string; html: string } {
	if (!paragraph) return rendered;
	const block = `<p>${escapeMessageHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`;
	const at = rendered.html.lastIndexOf('</body>');
	return {
		text: `${rendered.text.trimEnd()}\n\n${paragraph}\n`,
		html:
			at >= 0
				? `${rendered.html.slice(0, at)}${block}\n${rendered.html.slice(at)}`
				: `${rendered.html}\n${block}`,
	};
}
