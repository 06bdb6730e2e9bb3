import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedDocumentFonts } from '../documents/fonts';
import { callDate } from './checklist';
import type { PlannedCall } from './plan';
import { printableText } from '../documents/text';
import { neutraliseCell } from '../documents/cells';

/**
 * Call lists for the collectors: a CSV for spreadsheets (cells that a spreadsheet would run as a formula are
 * neutralised) and a printable PDF (A4, one block per customer with the checklist boxes to tick).
 */

const HEADERS: Record<'fr' | 'en', string[]> = {
	fr: [
		'Chargé de recouvrement',
		'Code client',
		'Client',
		'Téléphone',
		'E-mail',
		'Langue',
		'Factures',
		'Échéances',
		'Montant dû',
		'Devise',
		'Litiges ouverts',
		'Promesses tenues',
		'Promesses non tenues',
		'Dernier échange',
		'Tâche',
		'Résultat',
		'Notes',
	],
	en: [
		'Collector',
		'Customer code',
		'Customer',
		'Phone',
		'E-mail',
		'Language',
		'Invoices',
		'Due dates',
		'Amount due',
		'Currency',
		'Open disputes',
		'Promises kept',
		'Promises broken',
		'Last exchange',
		'Task',
		'Outcome',
		'Notes',
	],
};

/**
 * A cell as text a spreadsheet shows as is: values starting with = + - @ (or a tab / carriage return) would be
 * read as a formula (CSV injection), so they get a leading apostrophe — except plain numbers.
 */
export function safeCell(value: unknown, separator: string): string {
	let text = neutraliseCell(value === null || value === undefined ? '' : String(value));
	if (
		text.includes(separator) ||
		/["\r\n]/.test(text) ||
		text.startsWith(' ') ||
		text.endsWith(' ')
	)
		text = `"${text.replace(/"/g, '""')}"`;
	return text;
}

export function callListCsv(
	calls: PlannedCall[],
	options: { language?: 'fr' | 'en'; separator?: string } = {},
): string {
	const language = options.language ?? 'fr';
	const separator = options.separator ?? (language === 'fr' ? ';' : ',');
	const lines = [HEADERS[language].map((h) => safeCell(h, separator)).join(separator)];
	for (const call of calls) {
		const last = call.history[0];
		const row = [
			call.assignee
				? `${call.assignee.code}${call.assignee.name ? ` ${call.assignee.name}` : ''}`
				: '',
			call.customer.externalId,
			call.customer.name,
			call.customer.phone ?? '',
			call.customer.emails.join(' '),
			call.language,
			call.invoices.map((i) => i.number).join(' '),
			[...new Set(call.invoices.map((i) => i.dueDate))].join(' '),
			call.totals.map((t) => t.open).join(' '),
			call.totals.map((t) => t.currency).join(' '),
			call.openDisputes,
			call.promises.kept,
			call.promises.broken,
			last
				? `${last.at.slice(0, 10)} ${language === 'fr' ? (last.summaryFr ?? last.summary) : last.summary}`
				: '',
			call.taskId,
			'',
			'',
		];
		lines.push(row.map((v) => safeCell(v, separator)).join(separator));
	}
	// A byte-order mark so that spreadsheets read the accents as UTF-8.
	return `\ufeff${lines.join('\r\n')}\r\n`;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 40;

const LABELS = {
	fr: {
		title: "Liste d'appels qualité",
		collector: 'Chargé de recouvrement',
		none: 'Non attribué',
		phone: 'Tél.',
		invoices: 'Factures',
		due: 'échéance',
		history: 'Derniers échanges',
		promises: 'Promesses tenues / non tenues',
		disputes: 'Litiges ouverts',
		outcome:
			'Résultat : ☐ confirmé  ☐ non reçue  ☐ non saisie  ☐ en validation  ☐ litige  ☐ promesse le ____  ☐ paiement envoyé  ☐ messagerie  ☐ injoignable  ☐ mauvais contact',
		page: 'Page',
		empty: "Aucun appel n'est prévu.",
	},
	en: {
		title: 'Quality call list',
		collector: 'Collector',
		none: 'Not assigned',
		phone: 'Phone',
		invoices: 'Invoices',
		due: 'due',
		history: 'Recent exchanges',
		promises: 'Promises kept / broken',
		disputes: 'Open disputes',
		outcome:
			'Outcome: ☐ confirmed  ☐ not received  ☐ not booked  ☐ awaiting approval  ☐ dispute  ☐ promise on ____  ☐ payment sent  ☐ voicemail  ☐ unreachable  ☐ wrong contact',
		page: 'Page',
		empty: 'No call is planned.',
	},
};

function clean(text: string): string {
	return printableText(text.replace(/\t/g, ' '));
}

interface Writer {
	doc: PDFDocument;
	page: PDFPage;
	y: number;
	regular: PDFFont;
	bold: PDFFont;
	pages: number;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
	const out: string[] = [];
	let line = '';
	for (const word of clean(text).split(/\s+/)) {
		const candidate = line ? `${line} ${word}` : word;
		if (line && font.widthOfTextAtSize(candidate, size) > width) {
			out.push(line);
			line = word;
		} else line = candidate;
	}
	if (line) out.push(line);
	return out;
}

function newPage(w: Writer): void {
	w.page = w.doc.addPage(A4);
	w.pages++;
	w.y = A4[1] - MARGIN;
}

function write(
	w: Writer,
	text: string,
	options: { bold?: boolean; size?: number; x?: number; color?: number } = {},
): void {
	const size = options.size ?? 9.5;
	const x = options.x ?? MARGIN;
	for (const part of wrap(text, options.bold ? w.bold : w.regular, size, A4[0] - MARGIN - x)) {
		if (w.y < MARGIN + size) newPage(w);
		const grey = options.color ?? 0.1;
		w.page.drawText(part, {
			x,
			y: w.y,
			size,
			font: options.bold ? w.bold : w.regular,
			color: rgb(grey, grey, grey),
		});
		w.y -= size * 1.35;
	}
}

/** The call list as a printable PDF: one section per collector, one block per customer. */
export async function callListPdf(
	calls: PlannedCall[],
	options: { language?: 'fr' | 'en'; day?: string; company?: string } = {},
): Promise<Uint8Array> {
	const language = options.language ?? 'fr';
	const t = LABELS[language];
	const doc = await PDFDocument.create();
	const { regular, bold } = await embedDocumentFonts(doc);
	const title = `${t.title}${options.day ? ` — ${callDate(options.day, language)}` : ''}`;
	doc.setTitle(title);
	doc.setLanguage(language);
	doc.setProducer('n8n-nodes-receivables');
	const w: Writer = { doc, page: undefined as unknown as PDFPage, y: 0, regular, bold, pages: 0 };
	newPage(w);
	write(w, options.company ? `${options.company} — ${title}` : title, { bold: true, size: 14 });
	w.y -= 6;
	if (!calls.length) write(w, t.empty);
	let collector: string | undefined;
	for (const call of calls) {
		const who = call.assignee
			? `${call.assignee.code}${call.assignee.name ? ` — ${call.assignee.name}` : ''}`
			: t.none;
		if (who !== collector) {
			collector = who;
			w.y -= 6;
			write(w, `${t.collector} : ${who}`.replace(' :', language === 'fr' ? ' :' : ':'), {
				bold: true,
				size: 11.5,
			});
		}
		if (w.y < 200) newPage(w);
		w.y -= 4;
		w.page.drawLine({
			start: { x: MARGIN, y: w.y + 10 },
			end: { x: A4[0] - MARGIN, y: w.y + 10 },
			thickness: 0.5,
			color: rgb(0.6, 0.6, 0.6),
		});
		write(
			w,
			`${call.customer.name} (${call.customer.externalId})   ${t.phone} ${call.customer.phone ?? '—'}   #${call.taskId}`,
			{ bold: true, size: 10.5 },
		);
		if (call.customer.emails.length)
			write(w, call.customer.emails.join(', '), { size: 8.5, color: 0.35 });
		write(
			w,
			`${t.invoices} : ${call.invoices.map((i) => `${i.number} (${i.open} ${i.currency}, ${t.due} ${callDate(i.dueDate, language)})`).join(' ; ')}`,
		);
		write(
			w,
			`${t.promises} : ${call.promises.kept} / ${call.promises.broken}    ${t.disputes} : ${call.openDisputes}`,
			{ size: 8.5, color: 0.35 },
		);
		write(w, call.intro, { size: 8.5, color: 0.3 });
		const [yes, no] = call.language === 'fr' ? ['oui', 'non'] : ['yes', 'no'];
		for (const item of call.checklist)
			write(w, `☐ ${yes}  ☐ ${no}   ${item.question}`, { x: MARGIN + 8 });
		write(w, t.outcome, { size: 8.5, x: MARGIN + 8 });
		if (call.history.length) {
			write(w, `${t.history} :`, { size: 8.5, bold: true });
			for (const h of call.history.slice(0, 3))
				write(
					w,
					`${h.at.slice(0, 10)}  ${language === 'fr' ? (h.summaryFr ?? h.summary) : h.summary}`,
					{ size: 8, x: MARGIN + 8, color: 0.35 },
				);
		}
		w.y -= 4;
	}
	for (const [i, page] of doc.getPages().entries()) {
		page.drawText(`${t.page} ${i + 1}/${w.pages}`, {
			x: A4[0] - MARGIN - 60,
			y: MARGIN / 2,
			size: 8,
			font: regular,
			color: rgb(0.4, 0.4, 0.4),
		});
	}
	return await doc.save({ useObjectStreams: true });
}
