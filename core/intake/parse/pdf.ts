import { inflateSync } from 'node:zlib';
import {
	PDFArray,
	PDFDict,
	PDFDocument,
	PDFHexString,
	PDFName,
	PDFRawStream,
	PDFString,
	decodePDFRawStream,
} from 'pdf-lib';
import type { Anomaly } from '../anomaly';
import { ruleAnomaly } from '../checks/rules';
import { intakeError } from './errors';

/** Names of the invoice XML in hybrid PDFs, by precedence: Factur-X / ZUGFeRD 2.1+, ZUGFeRD 2.0, ZUGFeRD 1.0, XRechnung. */
export const INVOICE_ATTACHMENT_NAMES = [
	'factur-x.xml',
	'zugferd-invoice.xml',
	'ZUGFeRD-invoice.xml',
	'xrechnung.xml',
];

export interface PdfAttachment {
	name: string;
	data: Buffer;
}

export interface ExtractedInvoiceXml {
	name: string;
	xml: Buffer;
	/** Every embedded file name, for messages. */
	attachments: string[];
	/** PDF/A-3 basics that are missing (Factur-X files must be PDF/A-3). */
	anomalies: Anomaly[];
}

const pdfUnreadable = (why: string): Error =>
	intakeError(
		'PDF_UNREADABLE',
		`The PDF cannot be read: ${why}.`,
		`Le PDF est illisible : ${why}.`,
		'Send the original PDF again; if it was produced by a scanner or an editor, export it again from the invoicing software.',
		"Renvoyez le PDF d'origine ; s'il sort d'un scanner ou d'un éditeur, exportez-le de nouveau depuis le logiciel de facturation.",
	);

/** Object streams are inflated by the PDF reader itself: measure them first so that a compression bomb is refused. */
function checkObjectStreams(pdf: Buffer, budget: number): void {
	const text = pdf.toString('latin1');
	let used = 0;
	for (let at = text.indexOf('/ObjStm'); at >= 0; at = text.indexOf('/ObjStm', at + 7)) {
		const streamAt = text.indexOf('stream', at);
		const end = text.indexOf('endstream', streamAt + 6);
		if (streamAt < 0 || end < 0) break;
		let start = streamAt + 6;
		if (text[start] === '\r') start++;
		if (text[start] === '\n') start++;
		const dict = text.slice(Math.max(0, text.lastIndexOf('<<', at)), streamAt);
		if (!/FlateDecode/.test(dict)) continue;
		try {
			used += inflateSync(pdf.subarray(start, end), {
				maxOutputLength: Math.max(1, budget - used),
				finishFlush: 2,
			}).length;
		} catch (error) {
			if (
				error instanceof RangeError ||
				(error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
			) {
				throw intakeError(
					'PDF_TOO_LARGE_UNCOMPRESSED',
					`The PDF's compressed objects expand beyond ${budget} bytes.`,
					`Les objets compressés du PDF dépassent ${budget} octets une fois décompressés.`,
					'Send an ordinary invoice PDF.',
					'Envoyez un PDF de facture ordinaire.',
				);
			}
		}
	}
}

const rawStream = (value: unknown): PDFRawStream | undefined =>
	value instanceof PDFRawStream ? value : undefined;

function nameOf(spec: PDFDict): string {
	const value =
		spec.lookupMaybe(PDFName.of('UF'), PDFString, PDFHexString) ??
		spec.lookupMaybe(PDFName.of('F'), PDFString, PDFHexString);
	return value?.decodeText() ?? '';
}

function streamOf(spec: PDFDict): PDFRawStream | undefined {
	const ef = spec.lookupMaybe(PDFName.of('EF'), PDFDict);
	if (!ef) return undefined;
	return rawStream(ef.lookup(PDFName.of('F'))) ?? rawStream(ef.lookup(PDFName.of('UF')));
}

/** The bytes of an embedded file, inflated with a size limit (FlateDecode), or through pdf-lib's decoders otherwise. */
function streamBytes(stream: PDFRawStream, maxBytes: number): Buffer {
	const filter = stream.dict.lookup(PDFName.of('Filter'));
	const filters =
		filter instanceof PDFArray ? filter.asArray().map(String) : filter ? [String(filter)] : [];
	if (filters.length === 0) return Buffer.from(stream.contents);
	if (
		filters.length === 1 &&
		filters[0] === '/FlateDecode' &&
		!stream.dict.get(PDFName.of('DecodeParms'))
	) {
		try {
			return inflateSync(stream.contents, { maxOutputLength: maxBytes });
		} catch (error) {
			if (
				error instanceof RangeError ||
				(error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
			) {
				throw intakeError(
					'INPUT_TOO_LARGE',
					`The embedded invoice XML expands beyond ${maxBytes} bytes.`,
					`Le XML de facture intégré dépasse ${maxBytes} octets une fois décompressé.`,
					'Send an ordinary invoice.',
					'Envoyez une facture ordinaire.',
				);
			}
			throw pdfUnreadable(`its embedded file cannot be decompressed (${(error as Error).message})`);
		}
	}
	const decoded = Buffer.from(decodePDFRawStream(stream).decode());
	if (decoded.length > maxBytes) {
		throw intakeError(
			'INPUT_TOO_LARGE',
			`The embedded invoice XML is ${decoded.length} bytes; the limit is ${maxBytes}.`,
			`Le XML de facture intégré fait ${decoded.length} octets ; la limite est de ${maxBytes}.`,
			'Send an ordinary invoice.',
			'Envoyez une facture ordinaire.',
		);
	}
	return decoded;
}

function embeddedFileSpecs(doc: PDFDocument): PDFDict[] {
	const specs: PDFDict[] = [];
	const seen = new Set<PDFDict>();
	const walk = (node: PDFDict, depth: number): void => {
		if (depth > 32 || seen.has(node)) return;
		seen.add(node);
		const names = node.lookupMaybe(PDFName.of('Names'), PDFArray);
		if (names) {
			for (let i = 1; i < names.size(); i += 2) {
				const spec = names.lookup(i);
				if (spec instanceof PDFDict) specs.push(spec);
			}
		}
		const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
		if (kids)
			for (let i = 0; i < kids.size(); i++) {
				const kid = kids.lookup(i);
				if (kid instanceof PDFDict) walk(kid, depth + 1);
			}
	};
	const tree = doc.catalog
		.lookupMaybe(PDFName.of('Names'), PDFDict)
		?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
	if (tree) walk(tree, 0);
	// PDF/A-3 associated files, for producers that fill /AF but not the name tree.
	const af = doc.catalog.lookupMaybe(PDFName.of('AF'), PDFArray);
	if (af)
		for (let i = 0; i < af.size(); i++) {
			const spec = af.lookup(i);
			if (spec instanceof PDFDict && !specs.includes(spec)) specs.push(spec);
		}
	return specs;
}

function pdfaProblems(pdf: Buffer, doc: PDFDocument): Array<{ en: string; fr: string }> {
	const problems: Array<{ en: string; fr: string }> = [];
	const firstLineEnd = pdf.indexOf(0x0a);
	const second =
		firstLineEnd >= 0 ? pdf.subarray(firstLineEnd + 1, firstLineEnd + 12) : Buffer.alloc(0);
	const highBytes = [...second.subarray(1)].filter((b) => b > 127).length;
	if (second[0] !== 0x25 || highBytes < 4)
		problems.push({
			en: 'no binary comment after the header',
			fr: "pas de commentaire binaire après l'en-tête",
		});
	if (!doc.context.trailerInfo.ID)
		problems.push({
			en: 'no file identifier (ID) in the trailer',
			fr: "pas d'identifiant de fichier (ID) dans le trailer",
		});
	const metadata = rawStream(doc.catalog.lookup(PDFName.of('Metadata')));
	let xmp = '';
	if (metadata) {
		try {
			xmp = Buffer.from(decodePDFRawStream(metadata).decode()).toString('utf8');
		} catch {
			xmp = '';
		}
	}
	if (!/pdfaid:part\s*(=\s*["']|>)\s*3/.test(xmp))
		problems.push({
			en: 'the XMP metadata does not declare PDF/A-3',
			fr: 'les métadonnées XMP ne déclarent pas PDF/A-3',
		});
	return problems;
}

/**
 * Finds the invoice XML embedded in a Factur-X / ZUGFeRD PDF (EmbeddedFiles name tree, then /AF), inflating
 * it with a size limit. Throws PDF_NO_INVOICE_XML when the PDF carries none.
 */
export async function extractInvoiceXml(
	pdf: Buffer,
	options: { maxBytes: number },
): Promise<ExtractedInvoiceXml> {
	checkObjectStreams(pdf, Math.max(options.maxBytes * 4, 64 * 1024 * 1024));
	let doc: PDFDocument;
	try {
		doc = await PDFDocument.load(pdf, {
			ignoreEncryption: true,
			updateMetadata: false,
			throwOnInvalidObject: false,
		});
	} catch (error) {
		throw pdfUnreadable((error as Error).message);
	}
	if (doc.isEncrypted) {
		throw intakeError(
			'PDF_ENCRYPTED',
			'The PDF is encrypted: its attachments cannot be read.',
			'Le PDF est chiffré : ses pièces jointes sont illisibles.',
			'Send the invoice without password protection (Factur-X forbids encryption).',
			'Envoyez la facture sans protection par mot de passe (Factur-X interdit le chiffrement).',
		);
	}
	const specs = embeddedFileSpecs(doc);
	const attachments = specs.map(nameOf);
	const byName = (name: string): PDFDict | undefined =>
		specs.find((s) => nameOf(s) === name) ??
		specs.find((s) => nameOf(s).toLowerCase() === name.toLowerCase());
	const candidates = [
		...INVOICE_ATTACHMENT_NAMES.map(byName).filter((s): s is PDFDict => !!s),
		...specs.filter((s) => nameOf(s).toLowerCase().endsWith('.xml')),
	];
	const spec = candidates.find((s) => streamOf(s));
	if (!spec) {
		throw intakeError(
			'PDF_NO_INVOICE_XML',
			attachments.length
				? `The PDF has no invoice XML attachment (it carries: ${attachments.join(', ')}); it is a plain PDF, not a Factur-X / ZUGFeRD invoice.`
				: 'The PDF has no embedded invoice XML: it is a plain PDF, not a Factur-X / ZUGFeRD invoice.',
			attachments.length
				? `Le PDF ne contient pas de XML de facture (pièces jointes : ${attachments.join(', ')}) ; c'est un PDF simple, pas une facture Factur-X / ZUGFeRD.`
				: "Le PDF ne contient pas de XML de facture : c'est un PDF simple, pas une facture Factur-X / ZUGFeRD.",
			'Export the invoice as Factur-X from the invoicing software, or send its UBL/CII XML or a CSV export.',
			'Exportez la facture au format Factur-X depuis le logiciel de facturation, ou envoyez son XML UBL/CII ou un export CSV.',
			{ attachments },
		);
	}
	const problems = pdfaProblems(pdf, doc);
	const anomalies = problems.length
		? [
				ruleAnomaly('PDF_NOT_PDFA', 'pdf', {
					problemsEn: problems.map((p) => p.en).join('; '),
					problemsFr: problems.map((p) => p.fr).join(' ; '),
				}),
			]
		: [];
	return {
		name: nameOf(spec),
		xml: streamBytes(streamOf(spec) as PDFRawStream, options.maxBytes),
		attachments,
		anomalies,
	};
}
