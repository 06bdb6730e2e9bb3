import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedDocumentFonts } from './fonts';
import { drawQr } from './qr';
import { printableText } from './text';

/**
 * Printable letters (A4 PDF) with an embedded Unicode font (DejaVu Sans, subset per document) so that names in
 * Latin, Greek, Cyrillic and other scripts the font covers print as written. Right-to-left scripts are drawn
 * without shaping (letters unjoined); CJK is not covered by the font.
 */
export interface LetterParty {
	name: string;
	lines?: string[];
	/** A logo printed above the sender's name (PNG or JPEG bytes, checked when it was saved). */
	logo?: { data: Uint8Array; mimeType: string };
}

export interface LetterSpec {
	sender: LetterParty;
	recipient: LetterParty;
	/** "Paris, le 20 octobre 2025" / "Paris, 20 October 2025". */
	placeAndDate?: string;
	/** Reference line(s) under the date: customer code, invoice numbers. */
	references?: string[];
	subject: string;
	body: string;
	/** Small print at the bottom of each page (legal identity, bank details). */
	footer?: string;
	title?: string;
	language?: string;
	/** A QR code printed under the text with its caption (the customer's payer-page link). */
	qr?: { text: string; caption: string };
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const FONT_SIZE = 10.5;
const LEADING = 14.5;

/** Characters the PDF text operators cannot carry (controls) are dropped; tabs become spaces. */
function clean(text: string): string {
	return printableText(text.replace(/\t/g, '    '), { keepLineBreaks: true });
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
	const out: string[] = [];
	for (const paragraph of clean(text).split(/\r?\n/)) {
		if (paragraph.trim() === '') {
			out.push('');
			continue;
		}
		const indent = paragraph.match(/^(\s*(?:[-•*]\s+)?)/)?.[1] ?? '';
		const hanging = ' '.repeat(indent.length);
		let line = '';
		for (const word of paragraph.split(/(?<=\s)(?=\S)/)) {
			const candidate = line + word;
			if (line && font.widthOfTextAtSize(candidate.trimEnd(), size) > width) {
				out.push(line.trimEnd());
				line = hanging + word.trimStart();
			} else line = candidate;
			while (font.widthOfTextAtSize(line.trimEnd(), size) > width && line.length > 1) {
				// a single word longer than the line: cut it
				let cut = line.length - 1;
				while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
				out.push(line.slice(0, cut));
				line = hanging + line.slice(cut);
			}
		}
		out.push(line.trimEnd());
	}
	return out;
}

interface Writer {
	doc: PDFDocument;
	page: PDFPage;
	y: number;
	regular: PDFFont;
	bold: PDFFont;
	footer?: string;
}

function newPage(w: Writer): void {
	w.page = w.doc.addPage(A4);
	w.y = A4[1] - MARGIN;
	drawFooter(w);
}

function drawFooter(w: Writer): void {
	if (!w.footer) return;
	let y = MARGIN - 20;
	for (const line of wrap(w.footer, w.regular, 7.5, A4[0] - 2 * MARGIN)
		.slice(0, 4)
		.reverse()) {
		w.page.drawText(line, {
			x: MARGIN,
			y,
			size: 7.5,
			font: w.regular,
			color: rgb(0.35, 0.35, 0.35),
		});
		y += 9.5;
	}
}

function line(
	w: Writer,
	text: string,
	options: { bold?: boolean; size?: number; x?: number } = {},
): void {
	const size = options.size ?? FONT_SIZE;
	if (w.y < MARGIN + 30) newPage(w);
	if (text)
		w.page.drawText(text, {
			x: options.x ?? MARGIN,
			y: w.y,
			size,
			font: options.bold ? w.bold : w.regular,
			color: rgb(0.1, 0.1, 0.1),
		});
	w.y -= size === FONT_SIZE ? LEADING : size * 1.4;
}

async function begin(spec: Pick<LetterSpec, 'footer' | 'title' | 'language'>): Promise<Writer> {
	const doc = await PDFDocument.create();
	const { regular, bold } = await embedDocumentFonts(doc);
	if (spec.title) doc.setTitle(clean(spec.title));
	if (spec.language) doc.setLanguage(spec.language);
	doc.setProducer('n8n-nodes-receivables');
	const w: Writer = {
		doc,
		page: undefined as unknown as PDFPage,
		y: 0,
		regular,
		bold,
		footer: spec.footer,
	};
	newPage(w);
	return w;
}

const LOGO_MAX_HEIGHT = 48;
const LOGO_MAX_WIDTH = 170;

async function drawLogo(w: Writer, logo: { data: Uint8Array; mimeType: string }): Promise<void> {
	const image =
		logo.mimeType === 'image/png'
			? await w.doc.embedPng(logo.data)
			: await w.doc.embedJpg(logo.data);
	const scale = Math.min(LOGO_MAX_HEIGHT / image.height, LOGO_MAX_WIDTH / image.width);
	const width = image.width * scale;
	const height = image.height * scale;
	w.page.drawImage(image, { x: MARGIN, y: w.y - height + FONT_SIZE, width, height });
	w.y -= height + 6;
}

/** One letter as a PDF (A4, window-envelope address block on the right). */
export async function renderLetterPdf(spec: LetterSpec): Promise<Uint8Array> {
	const w = await begin({
		footer: spec.footer,
		title: spec.title ?? spec.subject,
		language: spec.language,
	});
	const width = A4[0] - 2 * MARGIN;
	// sender block, top left: the logo, then the letterhead
	if (spec.sender.logo) await drawLogo(w, spec.sender.logo);
	line(w, clean(spec.sender.name), { bold: true });
	for (const l of spec.sender.lines ?? []) line(w, clean(l), { size: 9 });
	// Left of the recipient block, under the letterhead: where the QR code goes when it does not fit under the text.
	const firstPage = w.page;
	const besideAddressTop = w.y;
	// recipient block, where a C5/DL window envelope shows it
	w.y = Math.min(w.y, A4[1] - 150);
	const x = A4[0] / 2 + 20;
	const addressWidth = A4[0] - MARGIN - x;
	for (const l of wrap(spec.recipient.name, w.bold, FONT_SIZE, addressWidth))
		line(w, l, { bold: true, x });
	for (const l of spec.recipient.lines ?? [])
		for (const part of wrap(l, w.regular, FONT_SIZE, addressWidth)) line(w, part, { x });
	w.y = Math.min(w.y, A4[1] - 270);
	if (spec.placeAndDate) line(w, clean(spec.placeAndDate), { x });
	w.y -= LEADING / 2;
	for (const ref of spec.references ?? [])
		for (const part of wrap(ref, w.regular, 9, width)) line(w, part, { size: 9 });
	w.y -= LEADING / 2;
	for (const part of wrap(spec.subject, w.bold, FONT_SIZE, width)) line(w, part, { bold: true });
	w.y -= LEADING / 2;
	for (const part of wrap(spec.body, w.regular, FONT_SIZE, width)) line(w, part);
	if (spec.qr) {
		const size = 92;
		w.y -= LEADING;
		const drawCode = (page: PDFPage, top: number, captionRight: number) => {
			drawQr(page, spec.qr!.text, MARGIN, top - size, size);
			const captionX = MARGIN + size + 12;
			let y = top - 14;
			for (const part of wrap(spec.qr!.caption, w.regular, 9, captionRight - captionX).slice(
				0,
				6,
			)) {
				page.drawText(part, {
					x: captionX,
					y,
					size: 9,
					font: w.regular,
					color: rgb(0.1, 0.1, 0.1),
				});
				y -= 12;
			}
		};
		if (w.y - size >= MARGIN + 30) {
			drawCode(w.page, w.y, A4[0] - MARGIN);
			w.y -= size + LEADING;
		} else if (besideAddressTop - size >= A4[1] - 270) {
			// No room under the text: beside the address, above the date, so a one-page letter stays one page.
			drawCode(firstPage, besideAddressTop, A4[0] / 2 + 8);
		} else {
			newPage(w);
			drawCode(w.page, w.y, A4[0] - MARGIN);
			w.y -= size + LEADING;
		}
	}
	return await w.doc.save({ useObjectStreams: true });
}
