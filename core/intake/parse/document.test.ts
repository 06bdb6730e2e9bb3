import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { PDFDocument } from 'pdf-lib';
import { FRENCH_UBL, frenchUbl } from '../../../test/helpers/einvoice';
import { errorMessages } from './errors';
import { detectDocumentKind, parseInvoiceBatches, parseInvoiceDocument } from './document';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'einvoices');
const fixture = (p: string): Buffer => readFileSync(path.join(FIXTURES, p));

async function refusal(
	input: Buffer | string,
	options = {},
): Promise<{ code?: string; en: string; fr: string }> {
	try {
		await parseInvoiceDocument(input, options);
	} catch (error) {
		const m = errorMessages(error);
		return { code: m.code, en: m.message.en, fr: m.message.fr };
	}
	throw new Error('the document was accepted');
}

describe('hostile XML', () => {
	it('refuses external entities (XXE) without resolving them', async () => {
		const xxe = `<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>`;
		const r = await refusal(xxe);
		expect(r.code).toBe('XML_ENTITIES_REFUSED');
		expect(r.en).toContain('line 2');
		expect(r.fr).toContain('refusées sans être lues');
		expect(r.en).not.toContain('root:');
	});

	it('refuses entity expansion (billion laughs) at once', async () => {
		const lol = [
			'<!ENTITY lol "lol">',
			...Array.from(
				{ length: 9 },
				(_v, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`,
			),
		].join('\n');
		const bomb = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${lol}\n]>\n<Invoice><ID>&lol9;</ID></Invoice>`;
		expect((await refusal(bomb)).code).toBe('XML_ENTITIES_REFUSED');
		expect((await refusal(Buffer.from(bomb, 'utf8'))).code).toBe('XML_ENTITIES_REFUSED');
	});

	it('refuses absurd nesting depth', async () => {
		const deep = `<Invoice>${'<a>'.repeat(500)}x${'</a>'.repeat(500)}</Invoice>`;
		expect((await refusal(deep)).code).toBe('XML_TOO_DEEP');
		expect((await refusal(frenchUbl(), { maxXmlDepth: 3 })).code).toBe('XML_TOO_DEEP');
	});

	it('says a truncated file is truncated', async () => {
		const ubl = fixture('en16931/ubl/ubl-tc434-example1.xml');
		for (const cut of [0.3, 0.6, 0.95]) {
			const r = await refusal(ubl.subarray(0, Math.floor(ubl.length * cut)));
			expect(r.code).toBe('XML_TRUNCATED');
			expect(r.fr).toContain('tronqué');
		}
	});

	it('reports malformed XML with its line', async () => {
		const r = await refusal(FRENCH_UBL.replace('</cbc:BuyerReference>', '</cbc:BuyerRef>'));
		expect(r.code).toBe('XML_MALFORMED');
		expect(r.en).toMatch(/line \d+/);
	});

	it('refuses XML that is not an invoice', async () => {
		expect(
			(
				await refusal(
					'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>',
				)
			).code,
		).toBe('XML_NOT_INVOICE');
		expect((await refusal(fixture('en16931/negative-ubl-invoice/BR-02.xml'))).code).toBe(
			'XML_NOT_INVOICE',
		);
	});

	it('limits the size and the number of lines', async () => {
		expect((await refusal(FRENCH_UBL, { maxBytes: 1000 })).code).toBe('INPUT_TOO_LARGE');
		expect((await refusal(FRENCH_UBL, { maxLines: 1 })).code).toBe('TOO_MANY_LINES');
	});
});

describe('encodings', () => {
	it('reads an ISO-8859-1 document that says so', async () => {
		const latin1 = iconv.encode(
			FRENCH_UBL.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
			'latin1',
		);
		const { invoices } = await parseInvoiceDocument(latin1);
		expect(invoices[0].seller.name).toBe('Moulins Dupré SAS');
	});

	it('refuses a document whose bytes contradict its declared UTF-8, and says why', async () => {
		const r = await refusal(iconv.encode(FRENCH_UBL, 'windows-1252'));
		expect(r.code).toBe('XML_ENCODING_INVALID');
		expect(r.en).toContain('Windows-1252');
		expect(r.fr).toContain("n'est pas de l'UTF-8");
	});

	it('refuses an unknown declared encoding (the corpus file UTF-8-W/O-BOM)', async () => {
		const r = await refusal(
			fixture('factur-x-zugferd/fail/factur-x-invalid-xml-encoding-attribute.pdf'),
		);
		expect(r).toMatchObject({ code: 'XML_ENCODING_UNSUPPORTED' });
		expect(r.en).toContain('UTF-8-W/O-BOM');
	});

	it('reads UTF-16 with a byte-order mark and UTF-8 with a BOM', async () => {
		const utf16 = Buffer.concat([
			Buffer.from([0xff, 0xfe]),
			iconv.encode(FRENCH_UBL.replace('UTF-8', 'UTF-16'), 'utf-16le'),
		]);
		expect((await parseInvoiceDocument(utf16)).invoices[0].number).toBe('FA-2026-0042');
		const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(FRENCH_UBL)]);
		expect((await parseInvoiceDocument(bom)).invoices[0].buyer.name).toBe(
			'Boulangerie Martin SARL',
		);
	});
});

describe('PDF', () => {
	it('refuses a PDF without invoice XML', async () => {
		const plain = await PDFDocument.create();
		plain.addPage();
		const r = await refusal(Buffer.from(await plain.save()), { filename: 'facture.pdf' });
		expect(r.code).toBe('PDF_NO_INVOICE_XML');
		expect(r.fr).toContain('PDF simple');

		const other = await PDFDocument.create();
		other.addPage();
		await other.attach(Buffer.from('hello'), 'notes.txt', { mimeType: 'text/plain' });
		const withOther = await refusal(Buffer.from(await other.save()));
		expect(withOther.code).toBe('PDF_NO_INVOICE_XML');
		expect(withOther.en).toContain('notes.txt');
	});

	it('reads factur-x.xml from a PDF made by another producer', async () => {
		const doc = await PDFDocument.create();
		doc.addPage();
		await doc.attach(Buffer.from(FRENCH_UBL), 'factur-x.xml', {
			mimeType: 'text/xml',
			description: 'Factur-X',
		});
		const result = await parseInvoiceDocument(Buffer.from(await doc.save()));
		expect(result.meta).toEqual({ format: 'facturx-pdf', attachment: 'factur-x.xml' });
		expect(result.invoices[0]).toMatchObject({
			number: 'FA-2026-0042',
			container: 'pdf',
			syntax: 'ubl',
		});
		// pdf-lib writes no PDF/A-3 metadata: flagged, not refused.
		expect(result.anomalies.map((a) => a.code)).toEqual(['PDF_NOT_PDFA']);
	});

	it('a truncated or damaged PDF is refused or read, never a crash', async () => {
		const pdf = fixture('factur-x-zugferd/correct/Facture_FR_BASICWL.pdf');
		for (const cut of [0.05, 0.5]) {
			const outcome = await parseInvoiceDocument(
				pdf.subarray(0, Math.floor(pdf.length * cut)),
			).then(
				(r) => `read ${r.invoices[0].number}`,
				(e) => errorMessages(e).code,
			);
			expect([
				'PDF_NO_INVOICE_XML',
				'PDF_UNREADABLE',
				'XML_TRUNCATED',
				'read FA-2017-0010',
			]).toContain(outcome);
		}
		expect((await refusal(Buffer.from('not a pdf at all'), { filename: 'facture.pdf' })).code).toBe(
			'PDF_INVALID',
		);
	});
});

describe('format detection', () => {
	it('by content, whatever the file is called', () => {
		expect(detectDocumentKind(FRENCH_UBL, { filename: 'export.csv' })).toBe('xml');
		expect(detectDocumentKind('a;b\n1;2', { filename: 'export.txt' })).toBe('csv');
		expect(
			detectDocumentKind(fixture('factur-x-zugferd/correct/Facture_FR_BASICWL.pdf'), {
				filename: 'x.xml',
			}),
		).toBe('pdf');
	});

	it('refuses empty files, archives and binary garbage', async () => {
		expect((await refusal('')).code).toBe('DOCUMENT_EMPTY');
		expect((await refusal(Buffer.from('   \n'))).code).toBe('DOCUMENT_EMPTY');
		expect((await refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).code).toBe(
			'UNSUPPORTED_FORMAT',
		);
		const garbage = Buffer.from(Array.from({ length: 4000 }, (_v, i) => (i * 7919) % 256));
		expect((await refusal(garbage)).code).toBe('UNSUPPORTED_FORMAT');
		expect((await refusal('<<<>>>')).code).toBe('XML_MALFORMED');
		expect((await refusal('hello world, this is not an invoice')).code).toBe('CSV_COLUMNS_MISSING');
	});
});

describe('parseInvoiceBatches (bytes or streams)', () => {
	async function* chunked(bytes: Buffer, size = 1000): AsyncGenerator<Buffer> {
		for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
	}
	const collect = async (source: Buffer | AsyncIterable<Buffer>, options = {}) => {
		const out = [];
		for await (const batch of parseInvoiceBatches(source, options)) out.push(batch);
		return out;
	};

	it('reads a PDF and an XML from a stream, a CSV in batches', async () => {
		const pdf = await collect(chunked(fixture('factur-x-zugferd/correct/Facture_FR_BASICWL.pdf')));
		expect(pdf.map((b) => b.invoices.map((i) => i.number))).toEqual([['FA-2017-0010']]);
		const xml = await collect(chunked(Buffer.from(FRENCH_UBL), 7));
		expect(xml[0].invoices[0].number).toBe('FA-2026-0042');
		const csv =
			'Invoice number;Customer code;Invoice date;Total\n' +
			Array.from({ length: 25 }, (_v, i) => `N${i};K1;2026-01-10;1${i}\n`).join('');
		const batches = await collect(chunked(Buffer.from(csv), 50), { csv: { batchSize: 10 } });
		expect(batches.map((b) => b.invoices.length)).toEqual([10, 10, 5]);
		expect((await collect(Buffer.from(csv), { csv: { batchSize: 10 } })).length).toBe(3);
	});

	it('limits what it holds in memory for a document read whole', async () => {
		await expect(
			collect(chunked(Buffer.from(FRENCH_UBL), 100), { maxBytes: 2000 }),
		).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
	});
});

describe('dates and references for the French rules', () => {
	it('reads the tax point date, billing periods and preceding invoices as optional fields', async () => {
		const cii = (await parseInvoiceDocument(fixture('en16931/cii/CII_example2.xml'))).invoices[0];
		expect(cii.taxPointDate).toBe('2013-06-30');
		expect(cii.billingPeriod).toEqual({ start: '2013-06-01', end: '2013-06-30' });
		expect(cii.lines[0].billingPeriod).toEqual({ start: '2013-06-01', end: '2013-06-01' });
		expect(cii.precedingInvoices).toBeUndefined();
		const creditNote = (
			await parseInvoiceDocument(fixture('en16931/ubl/ubl-tc434-creditnote1.xml'))
		).invoices[0];
		expect(creditNote).toMatchObject({
			ublRoot: 'CreditNote',
			billingPeriod: { start: '2019-02-01', end: '2019-02-28' },
		});
		const ubl = (
			await parseInvoiceDocument(
				frenchUbl(
					[
						'<cac:OrderReference>',
						'<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>FA-2026-0001</cbc:ID><cbc:IssueDate>2026-01-05</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference><cac:OrderReference>',
					],
					[
						'<cbc:DocumentCurrencyCode>',
						'<cbc:TaxPointDate>2026-03-01</cbc:TaxPointDate><cbc:DocumentCurrencyCode>',
					],
					[
						'<cbc:LineExtensionAmount currencyID="EUR">125.00</cbc:LineExtensionAmount>',
						'<cbc:LineExtensionAmount currencyID="EUR">125.00</cbc:LineExtensionAmount><cac:Delivery><cbc:ActualDeliveryDate>2026-03-02</cbc:ActualDeliveryDate></cac:Delivery><cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>FA-2026-0001</cbc:ID><cbc:IssueDate>2026-01-05</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>',
					],
				),
			)
		).invoices[0];
		expect(ubl).toMatchObject({
			ublRoot: 'Invoice',
			taxPointDate: '2026-03-01',
			precedingInvoice: 'FA-2026-0001',
			precedingInvoiceDate: '2026-01-05',
			precedingInvoices: [{ number: 'FA-2026-0001', date: '2026-01-05' }],
		});
		expect(ubl.lines[0]).toMatchObject({
			deliveryDate: '2026-03-02',
			precedingInvoice: 'FA-2026-0001',
			precedingInvoiceDate: '2026-01-05',
		});
		// a date that cannot be read is left out of these optional fields, without an anomaly of its own
		const unreadable = (
			await parseInvoiceDocument(
				frenchUbl([
					'<cbc:DocumentCurrencyCode>',
					'<cbc:TaxPointDate>2026-13-45</cbc:TaxPointDate><cbc:DocumentCurrencyCode>',
				]),
			)
		).invoices[0];
		expect(unreadable.taxPointDate).toBeUndefined();
		expect(unreadable.anomalies.filter((a) => a.code === 'DATE_INVALID')).toEqual([]);
	});

	it('reads additional documents, the other parties and whether an identifier is global', async () => {
		const cii = (await parseInvoiceDocument(fixture('en16931/cii/CII_example5.xml'))).invoices[0];
		expect(cii.additionalDocuments).toEqual([
			{ id: 'Lot567' },
			{ id: 'OBJ999' },
			{ id: 'sales slip', typeCode: '916', description: 'your sales slip' },
		]);
		expect(cii.otherParties?.shipTo).toMatchObject({
			name: 'Logistic service Ltd',
			identifiers: [{ value: '5790000436068', scheme: '0088', global: true }],
		});
		// a CII ID is the seller's code for the party, not a global identifier
		const example1 = (await parseInvoiceDocument(fixture('en16931/cii/CII_example1.xml')))
			.invoices[0];
		expect(example1.buyer.identifiers).toEqual([{ value: '10202' }]);
		const ubl = (await parseInvoiceDocument(fixture('en16931/ubl/ubl-tc434-example5.xml')))
			.invoices[0];
		expect(ubl.additionalDocuments).toContainEqual({
			id: 'sales slip',
			description: 'your sales slip',
		});
		expect(ubl.otherParties?.shipTo?.identifiers).toEqual([
			{ value: '5790000436068', global: true },
		]);
		expect(ubl.buyer.identifiers.every((i) => i.global)).toBe(true);
		const agents = (
			await parseInvoiceDocument(
				frenchUbl([
					'</cac:PartyLegalEntity>\n\t\t</cac:Party>\n\t</cac:AccountingSupplierParty>',
					'</cac:PartyLegalEntity><cac:AgentParty><cbc:EndpointID schemeID="0225">123456782_agent</cbc:EndpointID><cac:PartyIdentification><cbc:ID schemeID="0009">12345678200028</cbc:ID></cac:PartyIdentification></cac:AgentParty>\n\t\t</cac:Party>\n\t</cac:AccountingSupplierParty>',
				]),
			)
		).invoices[0];
		expect(agents.otherParties?.sellerAgent).toMatchObject({
			electronicAddress: { value: '123456782_agent', scheme: '0225' },
			identifiers: [{ value: '12345678200028', scheme: '0009', global: true }],
		});
	});
});
