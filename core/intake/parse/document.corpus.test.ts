import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { formatAmount } from '../../money';
import { checkInvoice } from '../checks/check';
import { intakeRule } from '../checks/rules';
import { parseInvoiceDocument } from './document';
import type { ParsedInvoice } from './types';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'einvoices');

type Row = Record<string, string>;

function index(): Row[] {
	const [header, ...lines] = readFileSync(path.join(FIXTURES, 'INDEX.tsv'), 'utf8')
		.trimEnd()
		.split('\n')
		.map((l) => l.split('\t'));
	return lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

const rows = index();
const documents = rows.filter((r) => !r.local_path.includes('#'));
const valid = documents.filter((r) => r.expected_valid === 'yes');
const invalid = documents.filter((r) => r.expected_valid === 'no');

async function parse(localPath: string): Promise<ParsedInvoice> {
	const result = await parseInvoiceDocument(readFileSync(path.join(FIXTURES, localPath)), {
		filename: path.basename(localPath),
	});
	expect(result.invoices).toHaveLength(1);
	return result.invoices[0];
}

const decimal = (minor: bigint | undefined, currency: string | undefined): string =>
	minor === undefined ? '' : formatAmount(minor, currency ?? 'XXX');
const sameDecimal = (got: string, want: string): boolean =>
	want === '' ? got === '' : got !== '' && Number(got) === Number(want);

describe('e-invoice corpora: every valid document', () => {
	it('the index lists the valid documents the corpora hold', () => {
		expect(valid.length).toBeGreaterThanOrEqual(45);
	});

	it.each(valid.map((r) => [r.local_path, r]))(
		'%s: header and totals as in INDEX.tsv',
		async (localPath, row) => {
			const invoice = await parse(localPath as string);
			const r = row as Row;
			expect(invoice.number).toBe(r.invoice_number);
			expect(invoice.issueDate ?? '').toBe(r.issue_date);
			expect(invoice.dueDate ?? '').toBe(r.due_date);
			expect(invoice.seller.name ?? '').toBe(r.seller_name);
			expect(invoice.buyer.name ?? '').toBe(r.buyer_name);
			expect(invoice.currency).toBe(r.currency);
			expect(invoice.docType).toBe(r.document_type);
			const totals = {
				excl: decimal(invoice.totals.totalExclMinor, invoice.currency),
				incl: decimal(invoice.totals.totalInclMinor, invoice.currency),
				payable: decimal(invoice.totals.payableMinor, invoice.currency),
			};
			expect([
				sameDecimal(totals.excl, r.tax_exclusive_total),
				sameDecimal(totals.incl, r.tax_inclusive_total),
				sameDecimal(totals.payable, r.payable_amount),
			]).toEqual([true, true, true]);
			// A valid document may carry warnings, never a blocking anomaly.
			expect(checkInvoice(invoice).filter((a) => a.severity === 'block')).toEqual([]);
		},
	);

	it('credit notes come out as credit notes', async () => {
		const creditNotes = valid.filter((r) => r.document_type === 'credit_note');
		expect(creditNotes.length).toBeGreaterThanOrEqual(5);
		for (const r of creditNotes) expect((await parse(r.local_path)).docType).toBe('credit_note');
	});

	it('PDFs yield their embedded XML under its Factur-X / ZUGFeRD name', async () => {
		const pdf = await parseInvoiceDocument(
			readFileSync(path.join(FIXTURES, 'factur-x-zugferd/correct/ZUGFeRD_1p0_BASIC_Einfach.pdf')),
		);
		expect(pdf.meta).toEqual({ format: 'facturx-pdf', attachment: 'ZUGFeRD-invoice.xml' });
		expect(pdf.invoices[0].syntax).toBe('zugferd1');
		const fx = await parseInvoiceDocument(
			readFileSync(path.join(FIXTURES, 'factur-x-zugferd/correct/Facture_FR_BASICWL.pdf')),
		);
		expect(fx.meta.attachment).toBe('factur-x.xml');
		const zf2 = await parseInvoiceDocument(
			readFileSync(path.join(FIXTURES, 'factur-x-zugferd/correct/zugferd_2p0_EN16931_Einfach.pdf')),
		);
		expect(zf2.meta.attachment).toBe('zugferd-invoice.xml');
	});
});

describe('syntax independence', () => {
	it('EN16931_Einfach as CII and as UBL give the same invoice', async () => {
		const cii = await parse('factur-x-zugferd/xml/EN16931_Einfach.cii.xml');
		const ubl = await parse('factur-x-zugferd/xml/EN16931_Einfach.ubl.xml');
		const business = (i: ParsedInvoice) => ({
			docType: i.docType,
			typeCode: i.typeCode,
			number: i.number,
			issueDate: i.issueDate,
			dueDate: i.dueDate,
			deliveryDate: i.deliveryDate,
			currency: i.currency,
			paymentTerms: i.paymentTerms,
			seller: {
				name: i.seller.name,
				vatId: i.seller.vatId,
				taxNumber: i.seller.taxNumber,
				address: i.seller.address,
			},
			buyer: { name: i.buyer.name, id: i.buyer.id, address: i.buyer.address },
			lines: i.lines.map((l) => ({
				id: l.id,
				name: l.name,
				quantity: Number(l.quantity),
				unitCode: l.unitCode,
				price: Number(l.netPrice),
				net: l.netAmountMinor,
				vat: [l.vatCategory, Number(l.vatRate)],
			})),
			vat: i.vatBreakdown
				.map((b) => ({
					category: b.category,
					rate: Number(b.ratePercent),
					taxable: b.taxableMinor,
					tax: b.taxMinor,
				}))
				.sort((a, b) => a.rate - b.rate),
			totals: { ...i.totals },
			notes: i.notes.map((n) => ({ subject: n.subject, text: n.text.replace(/\s+/g, ' ') })),
		});
		expect(business(ubl)).toEqual(business(cii));
		expect(checkInvoice(ubl)).toEqual(checkInvoice(cii));
	});
});

/** Which rule catches each invalid document: the report of the corpus coverage. */
const INVALID_DOCUMENTS: Record<string, { code: string; thrown?: boolean }> = {
	'factur-x-zugferd/fail/Avoir_FR_type380_MINIMUM.pdf': { code: 'NEGATIVE_INVOICE' },
	'factur-x-zugferd/fail/Facture_FR_BASIC.pdf': { code: 'LINE_AMOUNT_MISMATCH' },
	'factur-x-zugferd/fail/factur-x-invalid-xml-encoding-attribute.pdf': {
		code: 'XML_ENCODING_UNSUPPORTED',
		thrown: true,
	},
	'factur-x-zugferd/fail/python-factur-x.pdf': { code: 'PDF_NOT_PDFA' },
	'factur-x-zugferd/xml/noNetPriceValidation.xml': { code: 'LINE_AMOUNT_MISMATCH' },
	'factur-x-zugferd/xml/not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.cii.xml': {
		code: 'VAT_ID_INVALID',
	},
};

describe('every invalid document is rejected or flagged', () => {
	it('the list covers every expected_valid=no document', () => {
		expect(invalid.map((r) => r.local_path).sort()).toEqual(Object.keys(INVALID_DOCUMENTS).sort());
	});

	it.each(Object.entries(INVALID_DOCUMENTS))('%s → %o', async (localPath, expected) => {
		const read = parseInvoiceDocument(readFileSync(path.join(FIXTURES, localPath)), {
			filename: path.basename(localPath),
		});
		if (expected.thrown) {
			await expect(read).rejects.toMatchObject({ code: expected.code });
			return;
		}
		const invoice = (await read).invoices[0];
		const codes = checkInvoice(invoice).map((a) => a.code);
		expect(codes).toContain(expected.code);
		expect(intakeRule(expected.code)).toBeDefined();
	});

	it('the negative Factur-X "avoir" typed 380 is flagged and would be booked as a credit note', async () => {
		const invoice = await parse('factur-x-zugferd/fail/Avoir_FR_type380_MINIMUM.pdf');
		const anomaly = checkInvoice(invoice).find((a) => a.code === 'NEGATIVE_INVOICE');
		expect(anomaly?.message.fr).toContain('avoir de 233.47 EUR');
	});
});
