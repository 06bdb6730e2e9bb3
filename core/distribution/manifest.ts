import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { embedDocumentFonts } from '../documents/fonts';
import { drawQr } from '../documents/qr';
import { invoiceCopyOfLedgerInvoice, type InvoiceCopySender } from '../documents/invoiceCopy';
import { companyDisplayName, companyLetterhead, loadCompany, type CompanyInfo } from '../company';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { formatMoney } from '../money';
import { deliveryToken, type TokenKey } from '../tracking/tokens';
import { printableText } from '../documents/text';

/**
 * Manifest and print bundle of one wave, for its courier: a table of every invoice (customer, address, number,
 * amount) with the QR code to scan at delivery (a signed token naming the delivery) and a signature column,
 * followed by one cover/address sheet per customer (window-envelope position, the invoices in the envelope), each
 * followed by a copy of every invoice of that customer in the wave when `invoiceCopies` is given (the print bundle).
 * One PDF per wave: a run of any size is printed wave after wave (manifestsOfWaves), so memory stays flat.
 */
export interface ManifestLine {
	deliveryId: string;
	/** Ledger id of the invoice (set by loadManifest; needed for its copy in the print bundle). */
	invoiceId?: string;
	invoiceNumber: string;
	customerCode: string;
	customerName: string;
	addressLines: string[];
	postalCode: string | null;
	city: string | null;
	country: string;
	amountMinor: bigint;
	currency: string;
}

export interface ManifestData {
	waveCode: string;
	courierCode: string | null;
	courierName: string | null;
	plannedOn: string;
	zone: string | null;
	lines: ManifestLine[];
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 36;
export async function loadManifest(ledger: Ledger, waveCode: string): Promise<ManifestData> {
	const waves = await ledger.query<{
		id: string;
		code: string;
		courier_code: string | null;
		courier_name: string | null;
		planned_on: string;
		zone: string | null;
	}>(
		`SELECT w.id, w.code, w.courier_code, s.name AS courier_name, to_char(w.planned_on, 'YYYY-MM-DD') AS planned_on, coalesce(w.zone, w.city) AS zone
		FROM waves w LEFT JOIN staff s ON s.code = w.courier_code WHERE w.code = $1`,
		[waveCode],
	);
	const wave = waves[0];
	if (!wave)
		throw new ReceivablesError(
			'WAVE_UNKNOWN',
			`Unknown wave "${waveCode}" / Tournée inconnue « ${waveCode} ».`,
			{ hint: 'Use a wave code returned by Plan Waves.' },
		);
	const rows = await ledger.query<{
		id: string;
		invoice_id: string;
		number: string;
		external_id: string;
		name: string;
		address_lines: string[];
		postal_code: string | null;
		city: string | null;
		country: string;
		payable_minor: string;
		currency: string;
	}>(
		`SELECT d.id, i.id::text AS invoice_id, i.number, c.external_id, c.name, c.address_lines, c.postal_code, c.city, c.country, i.payable_minor::text, i.currency
		FROM deliveries d JOIN invoices i ON i.id = d.invoice_id JOIN customers c ON c.id = d.customer_id
		WHERE d.wave_id = $1 ORDER BY d.position NULLS LAST, d.id`,
		[wave.id],
	);
	return {
		waveCode: wave.code,
		courierCode: wave.courier_code,
		courierName: wave.courier_name,
		plannedOn: wave.planned_on,
		zone: wave.zone,
		lines: rows.map((r) => ({
			deliveryId: r.id,
			invoiceId: r.invoice_id,
			invoiceNumber: r.number,
			customerCode: r.external_id,
			customerName: r.name,
			addressLines: r.address_lines,
			postalCode: r.postal_code,
			city: r.city,
			country: r.country,
			amountMinor: BigInt(r.payable_minor),
			currency: r.currency,
		})),
	};
}

function clean(text: string): string {
	return printableText(String(text ?? ''));
}

function fit(text: string, font: PDFFont, size: number, width: number): string {
	let t = clean(text);
	if (font.widthOfTextAtSize(t, size) <= width) return t;
	while (t.length > 1 && font.widthOfTextAtSize(t + '…', size) > width) t = t.slice(0, -1);
	return t + '…';
}

const LABELS = {
	fr: {
		title: 'Bordereau de tournée',
		courier: 'Coursier',
		day: 'Jour de remise',
		zone: 'Zone',
		invoices: 'factures',
		customer: 'Client / adresse',
		number: 'Facture',
		amount: 'Montant',
		signature: 'Nom, date, signature',
		page: 'page',
		cover: 'Factures jointes',
		wave: 'Tournée',
	},
	en: {
		title: 'Wave manifest',
		courier: 'Courier',
		day: 'Handover day',
		zone: 'Zone',
		invoices: 'invoices',
		customer: 'Customer / address',
		number: 'Invoice',
		amount: 'Amount',
		signature: 'Name, date, signature',
		page: 'page',
		cover: 'Invoices enclosed',
		wave: 'Wave',
	},
};

export interface ManifestOptions {
	/** Key of the QR tokens: the ledger's QR key (serverKeys(ledger, 'qr')[0]); the courier page reads them back with it. */
	qrSecret: TokenKey;
	language?: 'fr' | 'en';
	/** Add one cover/address sheet per customer after the manifest (default true). */
	coverSheets?: boolean;
	/** The company sending the invoices: its name heads each page, its letterhead each cover sheet (see loadCompany). */
	company?: CompanyInfo;
	/** The PDF copy of an invoice, put after its customer's cover sheet (see ledgerInvoiceCopies); none when absent. */
	invoiceCopies?: (line: ManifestLine) => Promise<Uint8Array>;
}

/** Copies of the wave's invoices rendered from the ledger, with the company of the ledger's settings as sender. */
export function ledgerInvoiceCopies(
	ledger: Ledger,
	company?: InvoiceCopySender,
): (line: ManifestLine) => Promise<Uint8Array> {
	let sender: Promise<InvoiceCopySender> | undefined;
	return async (line) => {
		sender ??= company ? Promise.resolve(company) : loadCompany(ledger);
		if (!line.invoiceId)
			throw new ReceivablesError(
				'INVOICE_UNKNOWN',
				`No ledger id for invoice ${line.invoiceNumber} / Facture ${line.invoiceNumber} sans identifiant.`,
				{ hint: 'Load the wave with loadManifest.' },
			);
		return (await invoiceCopyOfLedgerInvoice(ledger, line.invoiceId, await sender)).content;
	};
}

export async function renderManifestPdf(
	data: ManifestData,
	options: ManifestOptions,
): Promise<Uint8Array> {
	const L = LABELS[options.language ?? 'fr'];
	const lang = options.language ?? 'fr';
	const doc = await PDFDocument.create();
	const { regular, bold } = await embedDocumentFonts(doc);
	doc.setTitle(`${L.title} ${data.waveCode}`);
	doc.setLanguage(lang);
	doc.setProducer('n8n-nodes-receivables');
	const rowHeight = 66;
	const qrSize = 60;
	const cols = {
		n: MARGIN,
		qr: MARGIN + 22,
		customer: MARGIN + 90,
		number: MARGIN + 275,
		amount: MARGIN + 350,
		sign: MARGIN + 425,
	};
	let page: PDFPage | undefined;
	let y = 0;
	let pageNo = 0;
	const header = () => {
		page = doc.addPage(A4);
		pageNo++;
		y = A4[1] - MARGIN;
		const issuer = companyDisplayName(options.company);
		page.drawText(
			fit(
				`${issuer ? `${issuer} — ` : ''}${L.title} ${data.waveCode}`,
				bold,
				14,
				A4[0] - 2 * MARGIN,
			),
			{ x: MARGIN, y: y - 14, size: 14, font: bold },
		);
		y -= 32;
		const meta = `${L.courier}: ${data.courierName ?? ''} (${data.courierCode ?? '—'})   ${L.day}: ${data.plannedOn}   ${L.zone}: ${data.zone ?? '—'}   ${data.lines.length} ${L.invoices}   ${L.page} ${pageNo}`;
		page.drawText(fit(meta, regular, 9, A4[0] - 2 * MARGIN), {
			x: MARGIN,
			y,
			size: 9,
			font: regular,
		});
		y -= 20;
		for (const [key, label] of [
			['customer', L.customer],
			['number', L.number],
			['amount', L.amount],
			['sign', L.signature],
		] as const) {
			page.drawText(fit(label, bold, 7.5, key === 'sign' ? A4[0] - MARGIN - cols.sign : 95), {
				x: cols[key],
				y,
				size: 7.5,
				font: bold,
			});
		}
		y -= 6;
	};
	header();
	data.lines.forEach((line, index) => {
		if (y - rowHeight < MARGIN) header();
		const p = page as PDFPage;
		const top = y;
		p.drawLine({
			start: { x: MARGIN, y: top },
			end: { x: A4[0] - MARGIN, y: top },
			thickness: 0.5,
			color: rgb(0.6, 0.6, 0.6),
		});
		p.drawText(String(index + 1), { x: cols.n, y: top - 14, size: 8, font: regular });
		drawQr(p, deliveryToken(line.deliveryId, options.qrSecret), cols.qr, top - qrSize - 3, qrSize);
		p.drawText(fit(line.customerName, bold, 8.5, 180), {
			x: cols.customer,
			y: top - 14,
			size: 8.5,
			font: bold,
		});
		const address = [
			...line.addressLines,
			[line.postalCode, line.city].filter(Boolean).join(' '),
			line.country,
		];
		address
			.filter(Boolean)
			.slice(0, 4)
			.forEach((a, i) =>
				p.drawText(fit(a, regular, 7.5, 180), {
					x: cols.customer,
					y: top - 25 - i * 9.5,
					size: 7.5,
					font: regular,
				}),
			);
		p.drawText(fit(line.invoiceNumber, regular, 8.5, 72), {
			x: cols.number,
			y: top - 14,
			size: 8.5,
			font: regular,
		});
		p.drawText(fit(formatMoney(line.amountMinor, line.currency, lang), regular, 8.5, 70), {
			x: cols.amount,
			y: top - 14,
			size: 8.5,
			font: regular,
		});
		p.drawRectangle({
			x: cols.sign,
			y: top - rowHeight + 6,
			width: A4[0] - MARGIN - cols.sign,
			height: rowHeight - 12,
			borderColor: rgb(0.5, 0.5, 0.5),
			borderWidth: 0.5,
		});
		y -= rowHeight;
	});
	const covers = options.coverSheets ?? true;
	if (covers || options.invoiceCopies) {
		const byCustomer = new Map<string, ManifestLine[]>();
		for (const line of data.lines) {
			const list = byCustomer.get(line.customerCode);
			if (list) list.push(line);
			else byCustomer.set(line.customerCode, [line]);
		}
		for (const lines of byCustomer.values()) {
			if (covers) coverSheet(lines);
			if (options.invoiceCopies) {
				for (const line of lines) {
					const copy = await PDFDocument.load(await options.invoiceCopies(line));
					for (const p of await doc.copyPages(copy, copy.getPageIndices())) doc.addPage(p);
				}
			}
		}
	}
	return await doc.save({ useObjectStreams: true });

	function coverSheet(lines: ManifestLine[]): void {
		const p = doc.addPage(A4);
		const first = lines[0];
		if (options.company && companyDisplayName(options.company)) {
			// the sender, top left, as on the company's letters
			const head = companyLetterhead(options.company, lang);
			let hy = A4[1] - MARGIN - 10;
			p.drawText(fit(head.name, bold, 10.5, A4[0] / 2 - MARGIN), {
				x: MARGIN,
				y: hy,
				size: 10.5,
				font: bold,
			});
			for (const l of head.lines.slice(0, 5)) {
				hy -= 12;
				p.drawText(fit(l, regular, 8.5, A4[0] / 2 - MARGIN), {
					x: MARGIN,
					y: hy,
					size: 8.5,
					font: regular,
				});
			}
		}
		const x = A4[0] / 2 + 20;
		let ay = A4[1] - 150;
		p.drawText(fit(first.customerName, bold, 11, A4[0] - MARGIN - x), {
			x,
			y: ay,
			size: 11,
			font: bold,
		});
		for (const a of [
			...first.addressLines,
			[first.postalCode, first.city].filter(Boolean).join(' '),
			first.country,
		].filter(Boolean)) {
			ay -= 14;
			p.drawText(fit(a, regular, 10.5, A4[0] - MARGIN - x), {
				x,
				y: ay,
				size: 10.5,
				font: regular,
			});
		}
		let ly = A4[1] - 320;
		p.drawText(fit(`${L.cover} — ${L.wave} ${data.waveCode}`, bold, 10, A4[0] - 2 * MARGIN), {
			x: MARGIN + 20,
			y: ly,
			size: 10,
			font: bold,
		});
		for (const line of lines) {
			ly -= 14;
			if (ly < MARGIN) break;
			p.drawText(
				fit(
					`${line.invoiceNumber}   ${formatMoney(line.amountMinor, line.currency, lang)}`,
					regular,
					10,
					A4[0] - 2 * MARGIN,
				),
				{ x: MARGIN + 20, y: ly, size: 10, font: regular },
			);
		}
	}
}

/** The manifests of several waves, one PDF at a time (flat memory whatever the size of the run). */
export async function* manifestsOfWaves(
	ledger: Ledger,
	waveCodes: string[],
	options: ManifestOptions,
): AsyncGenerator<{
	waveCode: string;
	courierCode: string | null;
	invoices: number;
	pdf: Uint8Array;
}> {
	const withCompany = { ...options, company: options.company ?? (await loadCompany(ledger)) };
	for (const code of waveCodes) {
		const data = await loadManifest(ledger, code);
		yield {
			waveCode: code,
			courierCode: data.courierCode,
			invoices: data.lines.length,
			pdf: await renderManifestPdf(data, withCompany),
		};
	}
}
