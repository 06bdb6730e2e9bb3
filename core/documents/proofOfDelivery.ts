import { PDFDocument, rgb, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import { embedDocumentFonts } from './fonts';
import { printableText } from './text';

/**
 * A one-page "proof of delivery" (preuve de livraison) of an invoice handed over by a courier: who received it,
 * when, where, by whom it was delivered, with the recipient's signature (and the courier's photo) when the phone
 * took them. Attached to reminders so the customer cannot say the invoice never arrived.
 */
export interface ProofImage {
	mime: string;
	bytes: Uint8Array;
}

export interface ProofOfDeliverySpec {
	language: 'fr' | 'en';
	company: { name: string; lines?: string[] };
	customer: { name: string; externalId: string };
	invoiceNumber: string;
	/** The invoice's amount as printed ("1 200,00 €"). */
	amount?: string;
	/** Date and time of the handover, already formatted in the delivery's zone ("12 mars 2026 à 10:42 (Europe/Paris)"). */
	deliveredAt: string;
	recipientName: string | null;
	courier?: string | null;
	wave?: string | null;
	eventId: string;
	location?: { latitude: number; longitude: number } | null;
	signature?: ProofImage | null;
	photo?: ProofImage | null;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;

const WORDS = {
	fr: {
		title: 'Preuve de livraison',
		intro: (n: string) => `La facture ${n} a été remise en main propre par coursier.`,
		invoice: 'Facture',
		amount: 'Montant',
		customer: 'Client',
		deliveredAt: 'Remise le',
		recipient: 'Reçue par',
		courier: 'Coursier',
		wave: 'Tournée',
		event: 'Référence de l’événement',
		location: 'Position GPS',
		signature: 'Signature du destinataire',
		noSignature: 'Aucune signature n’a été recueillie.',
		unprintable: 'Signature enregistrée (format non imprimable ici).',
		photo: 'Photo prise à la remise',
		unknown: '(nom non relevé)',
	},
	en: {
		title: 'Proof of delivery',
		intro: (n: string) => `Invoice ${n} was handed over by courier.`,
		invoice: 'Invoice',
		amount: 'Amount',
		customer: 'Customer',
		deliveredAt: 'Delivered on',
		recipient: 'Received by',
		courier: 'Courier',
		wave: 'Round',
		event: 'Event reference',
		location: 'GPS position',
		signature: "Recipient's signature",
		noSignature: 'No signature was taken.',
		unprintable: 'Signature on file (format not printable here).',
		photo: 'Photo taken at delivery',
		unknown: '(name not taken)',
	},
};

function clean(text: string): string {
	return printableText(text.replace(/[\t\r\n]+/g, ' '));
}

/** Splits a value into lines no wider than `width` (a word longer than a line is cut). */
function fit(text: string, font: PDFFont, size: number, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		let candidate = line ? `${line} ${word}` : word;
		if (line && font.widthOfTextAtSize(candidate, size) > width) {
			lines.push(line);
			candidate = word;
		}
		while (font.widthOfTextAtSize(candidate, size) > width && candidate.length > 1) {
			let cut = candidate.length - 1;
			while (cut > 1 && font.widthOfTextAtSize(candidate.slice(0, cut), size) > width) cut--;
			lines.push(candidate.slice(0, cut));
			candidate = candidate.slice(cut);
		}
		line = candidate;
	}
	if (line || lines.length === 0) lines.push(line);
	return lines;
}

async function embedImage(
	doc: PDFDocument,
	image: ProofImage | null | undefined,
): Promise<PDFImage | undefined> {
	if (!image) return undefined;
	try {
		if (image.mime === 'image/png') return await doc.embedPng(image.bytes);
		if (image.mime === 'image/jpeg') return await doc.embedJpg(image.bytes);
	} catch {
		// a picture pdf-lib cannot read: the page says the signature is on file instead
	}
	return undefined;
}

function drawFitted(
	page: PDFPage,
	image: PDFImage,
	x: number,
	top: number,
	maxWidth: number,
	maxHeight: number,
): number {
	const scale = Math.min(maxWidth / image.width, maxHeight / image.height, 1);
	const width = image.width * scale;
	const height = image.height * scale;
	page.drawImage(image, { x, y: top - height, width, height });
	page.drawRectangle({
		x: x - 2,
		y: top - height - 2,
		width: width + 4,
		height: height + 4,
		borderColor: rgb(0.7, 0.7, 0.7),
		borderWidth: 0.5,
	});
	return height + 4;
}

/** The proof of delivery as a one-page A4 PDF. */
export async function renderProofOfDeliveryPdf(spec: ProofOfDeliverySpec): Promise<Uint8Array> {
	const w = WORDS[spec.language];
	const doc = await PDFDocument.create();
	const { regular, bold } = await embedDocumentFonts(doc);
	doc.setTitle(`${w.title} — ${clean(spec.invoiceNumber)}`);
	doc.setLanguage(spec.language);
	doc.setProducer('n8n-nodes-receivables');
	const page = doc.addPage(A4);
	let y = A4[1] - MARGIN;
	const text = (t: string, font: PDFFont, size: number, x = MARGIN) => {
		page.drawText(clean(t), { x, y, size, font, color: rgb(0.1, 0.1, 0.1) });
		y -= size * 1.45;
	};
	text(spec.company.name, bold, 11);
	for (const l of spec.company.lines ?? []) text(l, regular, 9);
	y -= 24;
	text(w.title, bold, 18);
	text(w.intro(spec.invoiceNumber), regular, 10.5);
	y -= 10;
	const rows: Array<[string, string]> = [
		[w.invoice, spec.invoiceNumber],
		...(spec.amount ? ([[w.amount, spec.amount]] as Array<[string, string]>) : []),
		[w.customer, `${spec.customer.name} (${spec.customer.externalId})`],
		[w.deliveredAt, spec.deliveredAt],
		[w.recipient, spec.recipientName?.trim() || w.unknown],
		...(spec.courier ? ([[w.courier, spec.courier]] as Array<[string, string]>) : []),
		...(spec.wave ? ([[w.wave, spec.wave]] as Array<[string, string]>) : []),
		...(spec.location
			? ([
					[
						w.location,
						`${spec.location.latitude.toFixed(5)}, ${spec.location.longitude.toFixed(5)}`,
					],
				] as Array<[string, string]>)
			: []),
		[w.event, spec.eventId],
	];
	const valueX = MARGIN + 185;
	const valueWidth = A4[0] - MARGIN - valueX;
	for (const [label, value] of rows) {
		page.drawText(clean(label), {
			x: MARGIN,
			y,
			size: 10.5,
			font: bold,
			color: rgb(0.25, 0.25, 0.25),
		});
		for (const part of fit(clean(value), regular, 10.5, valueWidth).slice(0, 3)) {
			page.drawText(part, { x: valueX, y, size: 10.5, font: regular, color: rgb(0.1, 0.1, 0.1) });
			y -= 14;
		}
		y -= 3;
	}
	y -= 14;
	text(w.signature, bold, 10.5);
	const signature = await embedImage(doc, spec.signature);
	if (signature) y -= drawFitted(page, signature, MARGIN, y, 260, 120) + 10;
	else text(spec.signature ? w.unprintable : w.noSignature, regular, 10);
	const photo = await embedImage(doc, spec.photo);
	if (photo && y > MARGIN + 120) {
		y -= 8;
		text(w.photo, bold, 10.5);
		drawFitted(page, photo, MARGIN, y, A4[0] - 2 * MARGIN, Math.min(320, y - MARGIN - 10));
	}
	return await doc.save({ useObjectStreams: true });
}

/** `base` followed by the pages of `extra` (e.g. a letter and the proofs of delivery it refers to). */
export async function appendPdfPages(base: Uint8Array, extra: Uint8Array[]): Promise<Uint8Array> {
	if (extra.length === 0) return base;
	const doc = await PDFDocument.load(base);
	for (const bytes of extra) {
		const other = await PDFDocument.load(bytes);
		for (const page of await doc.copyPages(other, other.getPageIndices())) doc.addPage(page);
	}
	return await doc.save({ useObjectStreams: true });
}
