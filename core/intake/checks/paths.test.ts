import { readFileSync } from 'node:fs';
import path from 'node:path';
import { receiveSignedRequest, signWebhookRequest, upsertCustomers, type Ledger, type SignedRequestAccepted } from '../..';
import { createTestLedger, dropTestLedger } from '../../../test/helpers/db';
import { frenchUbl, FRENCH_UBL } from '../../../test/helpers/einvoice';
import { parseInvoiceDocument } from '../parse/document';
import { normalisePresetRecord } from '../presets';
import { normaliseInvoiceRecord } from '../record';
import { saveIntakeSettings } from './ledger';

/**
 * The same intake rules on every path: fields and JSON records, webhooks, accounting-software presets and files.
 * 1 000.00 excl. + 200.00 VAT = 1 200.00, not the 1 300.00 stated; 211 days of terms exceed the French cap of 60.
 */
const WRONG_TOTAL = { number: 'REC-2026-001', customerId: 'PATH-C1', currency: 'EUR', totalExcl: '1000.00', totalTax: '200.00', totalIncl: '1300.00', issueDate: '2026-01-05', dueDate: '2026-02-04' };
const LONG_TERMS = { number: 'REC-2026-002', customerId: 'PATH-C1', currency: 'EUR', totalExcl: '1000.00', totalTax: '200.00', totalIncl: '1200.00', issueDate: '2026-01-05', termsDays: 211 };

const codes = (list: Array<{ code: string }>): string[] => list.map((a) => a.code);

describe('intake rules on records (fields, JSON)', () => {
	it('blocks totals that do not add up and warns about terms beyond the legal cap', () => {
		const wrong = normaliseInvoiceRecord(WRONG_TOTAL);
		expect(wrong.invoice).toBeUndefined();
		expect(codes(wrong.anomalies)).toEqual(['TOTAL_INCL_MISMATCH']);
		expect(wrong.anomalies[0].message.en).toBe('Total with VAT is 1300.00 EUR but total without VAT + VAT = 1200.00.');
		const long = normaliseInvoiceRecord(LONG_TERMS);
		// 2026-01-05 + 211 days = 2026-08-04; the cap allows 2026-03-06 (60 days) or 2026-03-17 (45 days end of month)
		expect(long.invoice?.dueDate).toBe('2026-08-04');
		expect(codes(long.anomalies)).toEqual(['TERMS_STATED_BEYOND_LEGAL_CAP', 'TERMS_BEYOND_LEGAL_CAP']);
		expect(long.anomalies[1].message.en).toContain('211 days');
		expect(long.anomalies.every((a) => a.severity === 'warn')).toBe(true);
	});

	it('keeps the severity configurable, and the French rules follow the company country', () => {
		expect(normaliseInvoiceRecord(WRONG_TOTAL, { checks: { rules: { TOTAL_INCL_MISMATCH: 'warn' } } }).invoice?.number).toBe('REC-2026-001');
		expect(codes(normaliseInvoiceRecord(LONG_TERMS, { checks: { rules: { TERMS_BEYOND_LEGAL_CAP: 'block' } } }).anomalies)).toContain('TERMS_BEYOND_LEGAL_CAP');
		expect(normaliseInvoiceRecord(LONG_TERMS, { checks: { rules: { TERMS_BEYOND_LEGAL_CAP: 'block' } } }).invoice).toBeUndefined();
		expect(normaliseInvoiceRecord(LONG_TERMS, { checks: { company: { country: 'MA' } } }).anomalies).toEqual([]);
		// reading only
		expect(normaliseInvoiceRecord(WRONG_TOTAL, { checks: false }).invoice?.number).toBe('REC-2026-001');
	});

	it('does not invent a mismatch when the record states no VAT total or a deposit', () => {
		const noTax = normaliseInvoiceRecord({ ...WRONG_TOTAL, totalTax: undefined, totalIncl: '1200.00' });
		expect(noTax.anomalies).toEqual([]);
		const deposit = normaliseInvoiceRecord({ ...WRONG_TOTAL, totalIncl: '1200.00', payable: '900.00' });
		expect(deposit.anomalies).toEqual([]);
	});

	it('applies the same rules to accounting-software presets', () => {
		const sample = JSON.parse(readFileSync(path.join(__dirname, '../../../test/fixtures/intake-presets/pennylane.json'), 'utf8')).invoice as Record<string, unknown>;
		expect(normalisePresetRecord(sample, 'pennylane').anomalies.filter((a) => a.severity === 'block')).toEqual([]);
		// Pennylane: currency_amount_before_tax 1000.0 + currency_tax 200.0, currency_amount made 1300.0
		const wrong = normalisePresetRecord({ ...sample, currency_amount: '1300.0' }, 'pennylane');
		expect(wrong.invoice).toBeUndefined();
		expect(codes(wrong.anomalies)).toEqual(['TOTAL_INCL_MISMATCH']);
		// deadline 211 days after the date
		const long = normalisePresetRecord({ ...sample, deadline: '2026-10-08' }, 'pennylane');
		expect(codes(long.anomalies)).toEqual(['TERMS_BEYOND_LEGAL_CAP']);
	});
});

describe('intake rules on signed webhooks', () => {
	let ledger: Ledger;
	const SECRET = 'whsec_paths_0123456789abcdef';
	const NOW = new Date('2026-10-05T10:00:00Z');
	const signed = (body: unknown, delivery: string) => {
		const rawBody = Buffer.from(JSON.stringify(body));
		const signature = signWebhookRequest({ rawBody, secret: SECRET, deliveryId: delivery, timestamp: Math.floor(NOW.getTime() / 1000), purpose: 'intake' });
		return { rawBody, headers: { 'content-type': 'application/json', 'X-Receivables-Signature': signature, 'x-receivables-delivery': delivery } };
	};

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [{ externalId: 'PATH-C1', name: 'Chemins SARL', language: 'fr' }]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('rejects the invoice whose totals do not add up and stores the one with long terms with its warnings', async () => {
		const result = (await receiveSignedRequest(ledger, signed({ invoices: [WRONG_TOTAL, LONG_TERMS] }, 'paths-1'), { secret: SECRET, now: NOW, source: 'compta' })) as SignedRequestAccepted;
		expect(result.status).toBe('accepted');
		expect(result.rejected.map((r) => [r.index, r.code])).toEqual([[0, 'TOTAL_INCL_MISMATCH']]);
		expect(result.invoices.map((i) => [i.number, codes(i.warnings)])).toEqual([['REC-2026-002', ['TERMS_STATED_BEYOND_LEGAL_CAP', 'TERMS_BEYOND_LEGAL_CAP']]]);
		const stored = await ledger.query<{ anomalies: Array<{ code: string }> }>("SELECT anomalies FROM invoices WHERE number = 'REC-2026-002'");
		expect(codes(stored[0].anomalies)).toEqual(['TERMS_STATED_BEYOND_LEGAL_CAP', 'TERMS_BEYOND_LEGAL_CAP']);
	});

	it('uses the company intake settings stored in the ledger', async () => {
		await saveIntakeSettings(ledger, { rules: { TOTAL_INCL_MISMATCH: 'warn' } });
		const result = (await receiveSignedRequest(ledger, signed({ invoices: [{ ...WRONG_TOTAL, number: 'REC-2026-003' }] }, 'paths-2'), { secret: SECRET, now: NOW, source: 'compta' })) as SignedRequestAccepted;
		expect(result.rejected).toEqual([]);
		expect(result.invoices.map((i) => [i.number, codes(i.warnings)])).toEqual([['REC-2026-003', ['TOTAL_INCL_MISMATCH']]]);
	});
});

describe('parseInvoiceDocument returns the anomalies of the rules', () => {
	it('lists them in the result and on each invoice; reading problems only on request', async () => {
		const xml = frenchUbl([/<cbc:Note>#PMD#[^<]*<\/cbc:Note>/, ''], ['<cbc:PayableAmount currencyID="EUR">240.00</cbc:PayableAmount>', '<cbc:PayableAmount currencyID="EUR">250.00</cbc:PayableAmount>']);
		const result = await parseInvoiceDocument(xml);
		expect(codes(result.invoices[0].anomalies)).toEqual(['PAYABLE_MISMATCH', 'FR_LATE_PENALTY']);
		expect(result.anomalies.map((a) => [a.code, a.field])).toEqual([['PAYABLE_MISMATCH', 'FA-2026-0042: totals.payable'], ['FR_LATE_PENALTY', 'FA-2026-0042: notes']]);
		const reading = await parseInvoiceDocument(xml, { checks: false });
		expect(reading.anomalies).toEqual([]);
		expect(reading.invoices[0].anomalies).toEqual([]);
		expect((await parseInvoiceDocument(FRENCH_UBL)).anomalies).toEqual([]);
	});
});
