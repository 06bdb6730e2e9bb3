import { checkInvoice } from '../checks/check';
import { parseInvoiceCsv, parseInvoiceCsvStream } from './csv';
import { readCii } from './cii';
import { intakeError } from './errors';
import { extractInvoiceXml } from './pdf';
import type { CsvBatch, ParseOptions, ParseResult, ParsedInvoice } from './types';
import { readUbl } from './ubl';
import { parseXmlDocument, type XmlDocument } from './xml';

export const DEFAULT_MAX_DOCUMENT_BYTES = 25 * 1024 * 1024;
export const DEFAULT_MAX_CSV_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_LINES = 10_000;

export type DocumentKind = 'pdf' | 'xml' | 'csv';

const extension = (filename?: string): string =>
	filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';

/** What the bytes are, by their content; the file name and content type only break ties and explain errors. */
export function detectDocumentKind(
	input: Buffer | string,
	options: { filename?: string; contentType?: string } = {},
): DocumentKind {
	const bytes =
		typeof input === 'string' ? Buffer.from(input.slice(0, 4096), 'utf8') : input.subarray(0, 4096);
	if (
		bytes.length === 0 ||
		(typeof input === 'string'
			? input.trim() === ''
			: input.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09))
	) {
		throw intakeError(
			'DOCUMENT_EMPTY',
			'The file is empty.',
			'Le fichier est vide.',
			'Check the attachment or the export.',
			"Vérifiez la pièce jointe ou l'export.",
		);
	}
	const ext = extension(options.filename);
	const type = (options.contentType ?? '').toLowerCase();
	if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf';
	if (ext === 'pdf' || type.includes('pdf')) {
		throw intakeError(
			'PDF_INVALID',
			`"${options.filename ?? 'The file'}" is announced as a PDF but does not start like one (%PDF-): it is damaged or not a PDF.`,
			`« ${options.filename ?? 'Le fichier'} » est annoncé comme PDF mais ne commence pas comme un PDF (%PDF-) : il est endommagé ou n'est pas un PDF.`,
			'Send the original PDF again.',
			"Renvoyez le PDF d'origine.",
		);
	}
	if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
		throw intakeError(
			'UNSUPPORTED_FORMAT',
			'The file is a ZIP archive, not an invoice.',
			'Le fichier est une archive ZIP, pas une facture.',
			'Extract the archive first (n8n Compression node) and send each file.',
			"Décompressez d'abord l'archive (nœud Compression de n8n) et envoyez chaque fichier.",
		);
	}
	let start = 0;
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
	else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
		const text = bytes
			.subarray(2)
			.toString(bytes[0] === 0xff ? 'utf16le' : 'latin1')
			.replace(/\0/g, '');
		return text.trimStart().startsWith('<') ? 'xml' : 'csv';
	}
	while (
		start < bytes.length &&
		(bytes[start] === 0x20 ||
			bytes[start] === 0x0a ||
			bytes[start] === 0x0d ||
			bytes[start] === 0x09 ||
			bytes[start] === 0)
	)
		start++;
	if (bytes[start] === 0x3c) return 'xml';
	const sample = bytes.subarray(start);
	const binary = sample.filter((b) => b < 0x09 || (b > 0x0d && b < 0x20)).length;
	if (binary > sample.length / 20) {
		throw intakeError(
			'UNSUPPORTED_FORMAT',
			`${options.filename ? `"${options.filename}"` : 'The file'} is neither an XML invoice, a PDF nor a CSV file (binary content).`,
			`${options.filename ? `« ${options.filename} »` : 'Le fichier'} n'est ni une facture XML, ni un PDF, ni un fichier CSV (contenu binaire).`,
			'Send UBL or CII XML, a Factur-X / ZUGFeRD PDF, or a CSV export.',
			'Envoyez du XML UBL ou CII, un PDF Factur-X / ZUGFeRD ou un export CSV.',
		);
	}
	if (ext === 'xml' || type.includes('xml')) {
		throw intakeError(
			'XML_MALFORMED',
			`"${options.filename ?? 'The file'}" is announced as XML but does not start with an element.`,
			`« ${options.filename ?? 'Le fichier'} » est annoncé comme XML mais ne commence pas par un élément.`,
			'Export the invoice again from the invoicing software.',
			'Exportez de nouveau la facture depuis le logiciel de facturation.',
		);
	}
	return 'csv';
}

/** The invoice inside an XML document, whatever its syntax. */
export function readInvoiceXml(doc: XmlDocument, options: { maxLines: number }): ParsedInvoice {
	switch (doc.root) {
		case 'Invoice':
		case 'CreditNote':
			return readUbl(doc, options);
		case 'CrossIndustryInvoice':
		case 'CrossIndustryDocument':
			return readCii(doc, options);
		case 'StandardBusinessDocument': {
			for (const root of ['Invoice', 'CreditNote']) {
				const inner = doc.node[root];
				if (inner && typeof inner === 'object' && !Array.isArray(inner))
					return readUbl({ root, node: inner }, options);
			}
			break;
		}
		default:
			break;
	}
	throw intakeError(
		'XML_NOT_INVOICE',
		`The XML root element <${doc.root}> is not an invoice: expected UBL Invoice/CreditNote or UN/CEFACT CrossIndustryInvoice.`,
		`L'élément racine <${doc.root}> du XML n'est pas une facture : attendu Invoice/CreditNote (UBL) ou CrossIndustryInvoice (UN/CEFACT).`,
		'Send the invoice XML itself (not an order, a delivery note or a validation report).',
		'Envoyez le XML de la facture elle-même (pas une commande, un bon de livraison ou un rapport de validation).',
		{ root: doc.root, namespace: doc.namespace },
	);
}

/**
 * Reads the invoices of a document: UBL 2.1 Invoice / CreditNote, UN/CEFACT CII (Factur-X, ZUGFeRD 2.x,
 * XRechnung), ZUGFeRD 1.0, a Factur-X / ZUGFeRD PDF (its embedded XML), or a CSV export (one row per invoice,
 * or several rows per invoice grouped by number). The format is recognised from the content; `filename` and
 * `contentType` only help. Values that cannot be read become anomalies of their invoice; a document that
 * cannot be read at all throws a ReceivablesError with a stable code (XML_ENTITIES_REFUSED, XML_MALFORMED,
 * XML_TRUNCATED, PDF_NO_INVOICE_XML, CSV_COLUMNS_MISSING, …) and French/English texts.
 *
 * The intake rules (totals, VAT, identifiers, dates and terms, French legal mentions) run on each invoice with
 * `checks` (the company's settings; default: every rule at its default severity): their anomalies are in each
 * invoice's `anomalies` and, located by invoice number, in the result's `anomalies`. `checks: false` returns
 * the reading problems only.
 */
export async function parseInvoiceDocument(
	input: Buffer | string,
	options: ParseOptions = {},
): Promise<ParseResult> {
	const result = await readInvoiceDocument(input, options);
	if (options.checks === false) return result;
	// The intake rules, as every other path applies them: each invoice carries its anomalies (reading and rules),
	// and the result lists them all, each located by its invoice.
	// (a fault of the document as a whole, e.g. PDF_NOT_PDFA, is listed once, as the document's)
	const documentLevel = new Set(result.anomalies.map((a) => `${a.code}\u0000${a.field ?? ''}`));
	for (const invoice of result.invoices) {
		invoice.anomalies = checkInvoice(invoice, options.checks ?? {});
		const where =
			invoice.number ||
			(invoice.source.row !== undefined
				? `row ${invoice.source.row}`
				: `#${invoice.source.index + 1}`);
		for (const a of invoice.anomalies) {
			if (!documentLevel.has(`${a.code}\u0000${a.field ?? ''}`))
				result.anomalies.push({ ...a, field: a.field ? `${where}: ${a.field}` : where });
		}
	}
	return result;
}

async function readInvoiceDocument(
	input: Buffer | string,
	options: ParseOptions,
): Promise<ParseResult> {
	const kind = detectDocumentKind(input, options);
	const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
	if (kind === 'csv') {
		return parseInvoiceCsv(input, {
			filename: options.filename,
			...options.csv,
			maxBytes: options.maxBytes ?? DEFAULT_MAX_CSV_BYTES,
		});
	}
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
	const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
	if (size > maxBytes) {
		throw intakeError(
			'INPUT_TOO_LARGE',
			`The document is ${size} bytes; the limit is ${maxBytes}.`,
			`Le document fait ${size} octets ; la limite est de ${maxBytes}.`,
			'Send one invoice per file, or raise the size limit of the operation.',
			"Envoyez une facture par fichier, ou relevez la limite de taille de l'opération.",
			{ size, maxBytes },
		);
	}
	const limits = { maxBytes, maxDepth: options.maxXmlDepth ?? 64 };
	if (kind === 'pdf') {
		const buffer = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
		const extracted = await extractInvoiceXml(buffer, { maxBytes });
		const invoice = readInvoiceXml(parseXmlDocument(extracted.xml, limits), { maxLines });
		invoice.container = 'pdf';
		invoice.source = { file: options.filename, attachment: extracted.name, index: 0 };
		invoice.anomalies.push(...extracted.anomalies);
		return {
			invoices: [invoice],
			anomalies: [...extracted.anomalies],
			meta: { format: 'facturx-pdf', attachment: extracted.name },
		};
	}
	const doc = parseXmlDocument(input, limits);
	const invoice = readInvoiceXml(doc, { maxLines });
	invoice.source = { file: options.filename, index: 0 };
	return {
		invoices: [invoice],
		anomalies: [],
		meta: {
			format: invoice.syntax === 'ubl' ? 'ubl' : invoice.syntax === 'zugferd1' ? 'zugferd1' : 'cii',
		},
	};
}

async function* prepend(
	first: Buffer[],
	rest: AsyncIterator<Buffer | string>,
): AsyncGenerator<Buffer> {
	for (const chunk of first) yield chunk;
	for (let next = await rest.next(); !next.done; next = await rest.next()) {
		yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
	}
}

/**
 * Reads any invoice document as batches, from bytes or from a stream (an n8n binary stream, a file): a CSV is
 * streamed in batches of `csv.batchSize` invoices in bounded memory; an XML or PDF document (read whole, within
 * `maxBytes`) yields one batch. The kind is recognised from the first bytes. Reading only: the store applies the
 * intake rules with the company's settings (storeParsedInvoices).
 */
export async function* parseInvoiceBatches(
	source: Buffer | string | AsyncIterable<Buffer | string>,
	options: ParseOptions = {},
): AsyncGenerator<CsvBatch> {
	if (typeof source === 'string' || Buffer.isBuffer(source)) {
		if (detectDocumentKind(source, options) === 'csv') {
			yield* parseInvoiceCsvStream(source, { filename: options.filename, ...options.csv });
			return;
		}
		const result = await readInvoiceDocument(source, options);
		yield {
			invoices: result.invoices,
			anomalies: result.anomalies,
			rowsRead: 0,
			meta: result.meta,
		};
		return;
	}
	const iterator = source[Symbol.asyncIterator]();
	const head: Buffer[] = [];
	let size = 0;
	let ended = false;
	while (size < 4096) {
		const next = await iterator.next();
		if (next.done) {
			ended = true;
			break;
		}
		const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
		head.push(chunk);
		size += chunk.length;
	}
	const kind = detectDocumentKind(Buffer.concat(head), options);
	if (kind === 'csv') {
		yield* parseInvoiceCsvStream(ended ? Buffer.concat(head) : prepend(head, iterator), {
			filename: options.filename,
			...options.csv,
		});
		return;
	}
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
	const chunks = [...head];
	for await (const chunk of ended ? [] : prepend([], iterator)) {
		size += chunk.length;
		if (size > maxBytes) {
			throw intakeError(
				'INPUT_TOO_LARGE',
				`The document is larger than ${maxBytes} bytes.`,
				`Le document dépasse ${maxBytes} octets.`,
				'Send one invoice per file, or raise the size limit of the operation.',
				"Envoyez une facture par fichier, ou relevez la limite de taille de l'opération.",
				{ maxBytes },
			);
		}
		chunks.push(chunk);
	}
	const result = await readInvoiceDocument(Buffer.concat(chunks), options);
	yield { invoices: result.invoices, anomalies: result.anomalies, rowsRead: 0, meta: result.meta };
}
