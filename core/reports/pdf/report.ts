import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedDocumentFonts } from '../../documents/fonts';
import type { ReceivablesOverview } from '../types';
import {
	buildReportView,
	type Kpi,
	type ReportView,
	type ReportViewOptions,
	type ViewBlock,
} from '../charts/view';
import { chartHeight, drawChart, hexColor } from './chart';
import { printableText } from '../../documents/text';

/**
 * The receivables report as a printable A4 PDF: a cover (company, as-of date, accreditation, key figures, contents),
 * then one part per figure — aged balance, DSO and CEI, balance cleaning, reminder results, disputes, distribution —
 * with the same charts as the dashboard drawn as vectors, and tables. Text in the embedded DejaVu Sans.
 */
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 40;
const WIDTH = A4[0] - 2 * MARGIN;
const INK = rgb(0.1, 0.1, 0.1);
const MUTED = rgb(0.38, 0.39, 0.41);
const ACCENT = hexColor('#1f5fbf');
const TONES: Record<string, string> = { good: '#2e7d32', warn: '#b26a00', bad: '#c62828' };

interface Writer {
	doc: PDFDocument;
	page: PDFPage;
	y: number;
	fonts: { regular: PDFFont; bold: PDFFont };
	view: ReportView;
	/** The part being written, repeated at the top of its continuation pages. */
	running: string;
}

/** Drops what the PDF text operators cannot carry (controls, line breaks). */
function clean(text: string): string {
	return printableText(String(text ?? ''));
}

/** The text cut with "…" so that it fits `width` points. */
function fitText(text: string, font: PDFFont, size: number, width: number): string {
	let s = clean(text);
	if (font.widthOfTextAtSize(s, size) <= width) return s;
	const chars = Array.from(s);
	while (chars.length > 1 && font.widthOfTextAtSize(chars.join('') + '…', size) > width)
		chars.pop();
	s = chars.join('').trimEnd() + '…';
	return s;
}

function newPage(w: Writer): void {
	w.page = w.doc.addPage(A4);
	w.y = A4[1] - MARGIN;
	const head = [w.view.company, w.view.title, w.view.asOfText].filter(Boolean).join(' — ');
	w.page.drawText(fitText(head, w.fonts.regular, 8, WIDTH), {
		x: MARGIN,
		y: A4[1] - 24,
		size: 8,
		font: w.fonts.regular,
		color: MUTED,
	});
	w.page.drawLine({
		start: { x: MARGIN, y: A4[1] - 29 },
		end: { x: A4[0] - MARGIN, y: A4[1] - 29 },
		thickness: 0.5,
		color: rgb(0.8, 0.8, 0.8),
	});
	w.y = A4[1] - 48;
}

/** Makes room for `height` points, on a new page when the current one is full. */
function room(w: Writer, height: number): void {
	if (w.y - height < MARGIN + 14) {
		newPage(w);
		if (w.running) text(w, w.running, { size: 10, bold: true, color: MUTED });
	}
}

function text(
	w: Writer,
	value: string,
	options: {
		size?: number;
		bold?: boolean;
		color?: ReturnType<typeof rgb>;
		x?: number;
		width?: number;
	} = {},
): void {
	const size = options.size ?? 10;
	const font = options.bold ? w.fonts.bold : w.fonts.regular;
	room(w, size * 1.4);
	w.page.drawText(fitText(value, font, size, options.width ?? WIDTH), {
		x: options.x ?? MARGIN,
		y: w.y - size,
		size,
		font,
		color: options.color ?? INK,
	});
	w.y -= size * 1.45;
}

function kpis(w: Writer, items: Kpi[], perRow = 4): void {
	const gap = 8;
	const width = (WIDTH - gap * (perRow - 1)) / perRow;
	const height = 52;
	for (let i = 0; i < items.length; i += perRow) {
		room(w, height + gap);
		items.slice(i, i + perRow).forEach((k, j) => {
			const x = MARGIN + j * (width + gap);
			const top = w.y;
			w.page.drawRectangle({
				x,
				y: top - height,
				width,
				height,
				color: rgb(0.965, 0.969, 0.976),
				borderColor: rgb(0.86, 0.87, 0.89),
				borderWidth: 0.6,
			});
			if (k.tone)
				w.page.drawRectangle({
					x,
					y: top - height,
					width: 3,
					height,
					color: hexColor(TONES[k.tone]),
				});
			w.page.drawText(fitText(k.label, w.fonts.regular, 7.5, width - 14), {
				x: x + 8,
				y: top - 14,
				size: 7.5,
				font: w.fonts.regular,
				color: MUTED,
			});
			let size = 13;
			while (size > 8 && w.fonts.bold.widthOfTextAtSize(clean(k.value), size) > width - 14)
				size -= 0.5;
			w.page.drawText(fitText(k.value, w.fonts.bold, size, width - 14), {
				x: x + 8,
				y: top - 32,
				size,
				font: w.fonts.bold,
				color: k.tone ? hexColor(TONES[k.tone]) : INK,
			});
			if (k.note)
				w.page.drawText(fitText(k.note, w.fonts.regular, 7, width - 14), {
					x: x + 8,
					y: top - 45,
					size: 7,
					font: w.fonts.regular,
					color: MUTED,
				});
		});
		w.y -= height + gap;
	}
}

function table(w: Writer, block: Extract<ViewBlock, { kind: 'table' }>): void {
	const pad = 4;
	const font = w.fonts.regular;
	const bold = w.fonts.bold;
	// Column widths: what the widest cell needs. Figures are never cut: the type gets smaller until they fit with
	// some room for the text columns, which are shortened (with "…") when needed.
	const needs = (size: number) =>
		block.head.map(
			(h, c) =>
				Math.max(
					bold.widthOfTextAtSize(clean(h), size),
					...block.rows.map((r) => font.widthOfTextAtSize(clean(r[c] ?? ''), size)),
				) +
				2 * pad,
		);
	const textColumns = block.numeric.filter((n) => !n).length;
	let size = 8;
	let need = needs(size);
	const numericWidth = () => need.filter((_, c) => block.numeric[c]).reduce((a, b) => a + b, 0);
	while (size > 5.5 && numericWidth() + textColumns * 70 > WIDTH) {
		size -= 0.5;
		need = needs(size);
	}
	const total = need.reduce((a, b) => a + b, 0);
	let widths: number[];
	if (total > WIDTH) {
		// Short text columns (invoice numbers, codes) keep their width; the long ones share what is left.
		let textRoom = WIDTH - numericWidth();
		const fair = textRoom / textColumns;
		const long = need.map((n, c) => !block.numeric[c] && n > fair);
		need.forEach((n, c) => {
			if (!block.numeric[c] && !long[c]) textRoom -= n;
		});
		const longNeed = need.reduce((a, n, c) => a + (long[c] ? n : 0), 0);
		widths = need.map((n, c) => (long[c] ? (n * textRoom) / longNeed : n));
	} else widths = need.map((n) => n + (WIDTH - total) * (n / total));
	const rowHeight = size + 2 * pad;
	const header = () => {
		w.page.drawRectangle({
			x: MARGIN,
			y: w.y - rowHeight,
			width: WIDTH,
			height: rowHeight,
			color: rgb(0.91, 0.93, 0.96),
		});
		drawRow(block.head, bold);
	};
	const drawRow = (cells: string[], f: PDFFont) => {
		let x = MARGIN;
		cells.forEach((cell, c) => {
			const value = fitText(cell ?? '', f, size, widths[c] - 2 * pad);
			const cw = f.widthOfTextAtSize(value, size);
			w.page.drawText(value, {
				x: block.numeric[c] ? x + widths[c] - pad - cw : x + pad,
				y: w.y - pad - size + 1.5,
				size,
				font: f,
				color: INK,
			});
			x += widths[c];
		});
		w.y -= rowHeight;
	};
	if (block.caption) {
		room(w, 14 + rowHeight * 2);
		text(w, block.caption, { size: 9, bold: true });
	}
	room(w, rowHeight * 2);
	header();
	block.rows.forEach((row, i) => {
		if (w.y - rowHeight < MARGIN + 14) {
			room(w, rowHeight * 2);
			header();
		}
		if (i % 2 === 1)
			w.page.drawRectangle({
				x: MARGIN,
				y: w.y - rowHeight,
				width: WIDTH,
				height: rowHeight,
				color: rgb(0.975, 0.978, 0.985),
			});
		drawRow(row, font);
	});
	w.page.drawLine({
		start: { x: MARGIN, y: w.y },
		end: { x: MARGIN + WIDTH, y: w.y },
		thickness: 0.5,
		color: rgb(0.75, 0.77, 0.8),
	});
	w.y -= 4;
	if (block.more) text(w, block.more, { size: 7.5, color: MUTED });
	w.y -= 8;
}

function blockOut(w: Writer, block: ViewBlock): void {
	switch (block.kind) {
		case 'kpis':
			kpis(w, block.items);
			break;
		case 'chart': {
			const width = block.chart.type === 'donut' ? WIDTH * 0.85 : WIDTH;
			const height = chartHeight(block.chart, width);
			room(w, height + 24);
			text(w, block.chart.title, { size: 9.5, bold: true });
			drawChart(w.page, block.chart, { x: MARGIN, top: w.y, width }, w.fonts);
			w.y -= height + 12;
			break;
		}
		case 'table':
			table(w, block);
			break;
		case 'note':
			text(w, block.text, { size: 9, color: MUTED });
			break;
	}
}

function cover(w: Writer): void {
	const v = w.view;
	w.page.drawRectangle({ x: 0, y: A4[1] - 200, width: A4[0], height: 200, color: ACCENT });
	w.page.drawText(fitText(v.company || v.title, w.fonts.bold, 24, WIDTH), {
		x: MARGIN,
		y: A4[1] - 90,
		size: 24,
		font: w.fonts.bold,
		color: rgb(1, 1, 1),
	});
	w.page.drawText(fitText(v.company ? v.title : '', w.fonts.regular, 16, WIDTH), {
		x: MARGIN,
		y: A4[1] - 120,
		size: 16,
		font: w.fonts.regular,
		color: rgb(1, 1, 1),
	});
	w.page.drawText(fitText(v.asOfText, w.fonts.bold, 13, WIDTH), {
		x: MARGIN,
		y: A4[1] - 150,
		size: 13,
		font: w.fonts.bold,
		color: rgb(1, 1, 1),
	});
	w.page.drawText(fitText(v.scopeText, w.fonts.regular, 10, WIDTH), {
		x: MARGIN,
		y: A4[1] - 172,
		size: 10,
		font: w.fonts.regular,
		color: rgb(0.9, 0.93, 1),
	});
	w.y = A4[1] - 230;
	kpis(w, v.headline, 3);
	w.y -= 12;
	text(w, v.language === 'fr' ? 'Sommaire' : 'Contents', { size: 13, bold: true });
	v.sections.forEach((s, i) => text(w, `${i + 1}. ${s.title}`, { size: 10.5, x: MARGIN + 8 }));
	w.y -= 8;
	// The aged balance chart of the main currency on the cover: the picture a finance manager looks at first.
	const first = v.sections[0]?.blocks.find(
		(b): b is Extract<ViewBlock, { kind: 'chart' }> => b.kind === 'chart',
	);
	if (first && w.y - chartHeight(first.chart, WIDTH) > MARGIN + 30) blockOut(w, first);
}

/** Renders a report view (see buildReportView) as PDF bytes. */
export async function renderReportViewPdf(view: ReportView): Promise<Uint8Array> {
	const doc = await PDFDocument.create();
	const fonts = await embedDocumentFonts(doc);
	doc.setTitle(`${view.title}${view.company ? ` — ${view.company}` : ''} — ${view.asOfText}`);
	doc.setLanguage(view.language);
	doc.setSubject(view.scopeText);
	doc.setProducer('n8n-nodes-receivables');
	doc.setCreator('n8n-nodes-receivables');
	const w: Writer = { doc, page: undefined as unknown as PDFPage, y: 0, fonts, view, running: '' };
	w.page = doc.addPage(A4);
	cover(w);
	for (const [i, section] of view.sections.entries()) {
		w.running = '';
		newPage(w);
		w.page.drawRectangle({ x: MARGIN, y: w.y - 22, width: 4, height: 22, color: ACCENT });
		w.page.drawText(fitText(`${i + 1}. ${section.title}`, fonts.bold, 16, WIDTH - 12), {
			x: MARGIN + 12,
			y: w.y - 17,
			size: 16,
			font: fonts.bold,
			color: INK,
		});
		w.y -= 36;
		w.running = `${i + 1}. ${section.title} (${view.language === 'fr' ? 'suite' : 'continued'})`;
		for (const block of section.blocks) blockOut(w, block);
	}
	const pages = doc.getPages();
	pages.forEach((page, i) => {
		const s = `Page ${i + 1}/${pages.length}`;
		page.drawText(s, {
			x: A4[0] - MARGIN - fonts.regular.widthOfTextAtSize(s, 8),
			y: 22,
			size: 8,
			font: fonts.regular,
			color: MUTED,
		});
	});
	return await doc.save({ useObjectStreams: true });
}

/** The receivables report of an overview (see core/reports) as PDF bytes, in French or English. */
export async function renderReportPdf(
	overview: ReceivablesOverview,
	options: ReportViewOptions = {},
): Promise<Uint8Array> {
	return await renderReportViewPdf(buildReportView(overview, options));
}
