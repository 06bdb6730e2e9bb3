import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	receiveSignedRequest,
	signWebhookRequest,
	upsertCustomers,
	type Ledger,
	type SignedRequestAccepted,
} from '../..';
import type { IDataObject } from 'n8n-workflow';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../../../test/helpers/db';
import { closeEngine, PACKAGE_NAME, runWorkflow } from '../../../test/helpers/engine';
import { frenchUbl, FRENCH_UBL } from '../../../test/helpers/einvoice';
import { parseInvoiceDocument } from '../parse/document';
import { normalisePresetRecord } from '../presets';
import { normaliseInvoiceRecord } from '../record';
import { saveIntakeSettings } from './ledger';

/**
 * The same intake rules on every path: fields and JSON records, webhooks, accounting-software presets and files.
 * 1 000.00 excl. + 200.00 VAT = 1 200.00, not the 1 300.00 stated; 211 days of terms exceed the French cap of 60.
 */
const WRONG_TOTAL = {
	number: 'REC-2026-001',
	customerId: 'PATH-C1',
	currency: 'EUR',
	totalExcl: '1000.00',
	totalTax: '200.00',
	totalIncl: '1300.00',
	issueDate: '2026-01-05',
	dueDate: '2026-02-04',
};
const LONG_TERMS = {
	number: 'REC-2026-002',
	customerId: 'PATH-C1',
	currency: 'EUR',
	totalExcl: '1000.00',
	totalTax: '200.00',
	totalIncl: '1200.00',
	issueDate: '2026-01-05',
	termsDays: 211,
};

const codes = (list: Array<{ code: string }>): string[] => list.map((a) => a.code);

describe('intake rules on records (fields, JSON)', () => {
	it('blocks totals that do not add up and warns about terms beyond the legal cap', () => {
		const wrong = normaliseInvoiceRecord(WRONG_TOTAL);
		expect(wrong.invoice).toBeUndefined();
		expect(codes(wrong.anomalies)).toEqual(['TOTAL_INCL_MISMATCH']);
		expect(wrong.anomalies[0].message.en).toBe(
			'Total with VAT is 1300.00 EUR but total without VAT + VAT = 1200.00.',
		);
		const long = normaliseInvoiceRecord(LONG_TERMS);
		// 2026-01-05 + 211 days = 2026-08-04; the cap allows 2026-03-06 (60 days) or 2026-03-17 (45 days end of month)
		expect(long.invoice?.dueDate).toBe('2026-08-04');
		expect(codes(long.anomalies)).toEqual([
			'TERMS_STATED_BEYOND_LEGAL_CAP',
			'TERMS_BEYOND_LEGAL_CAP',
		]);
		expect(long.anomalies[1].message.en).toContain('211 days');
		expect(long.anomalies.every((a) => a.severity === 'warn')).toBe(true);
	});

	it('keeps the severity configurable, and the French rules follow the company country', () => {
		expect(
			normaliseInvoiceRecord(WRONG_TOTAL, { checks: { rules: { TOTAL_INCL_MISMATCH: 'warn' } } })
				.invoice?.number,
		).toBe('REC-2026-001');
		expect(
			codes(
				normaliseInvoiceRecord(LONG_TERMS, {
					checks: { rules: { TERMS_BEYOND_LEGAL_CAP: 'block' } },
				}).anomalies,
			),
		).toContain('TERMS_BEYOND_LEGAL_CAP');
		expect(
			normaliseInvoiceRecord(LONG_TERMS, { checks: { rules: { TERMS_BEYOND_LEGAL_CAP: 'block' } } })
				.invoice,
		).toBeUndefined();
		expect(
			normaliseInvoiceRecord(LONG_TERMS, { checks: { company: { country: 'MA' } } }).anomalies,
		).toEqual([]);
		// reading only
		expect(normaliseInvoiceRecord(WRONG_TOTAL, { checks: false }).invoice?.number).toBe(
			'REC-2026-001',
		);
	});

	it('does not invent a mismatch when the record states no VAT total or a deposit', () => {
		const noTax = normaliseInvoiceRecord({
			...WRONG_TOTAL,
			totalTax: undefined,
			totalIncl: '1200.00',
		});
		expect(noTax.anomalies).toEqual([]);
		const deposit = normaliseInvoiceRecord({
			...WRONG_TOTAL,
			totalIncl: '1200.00',
			payable: '900.00',
		});
		expect(deposit.anomalies).toEqual([]);
	});

	it('applies the same rules to accounting-software presets', () => {
		const sample = JSON.parse(
			readFileSync(
				path.join(__dirname, '../../../test/fixtures/intake-presets/pennylane.json'),
				'utf8',
			),
		).invoice as Record<string, unknown>;
		expect(
			normalisePresetRecord(sample, 'pennylane').anomalies.filter((a) => a.severity === 'block'),
		).toEqual([]);
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
		const signature = signWebhookRequest({
			rawBody,
			secret: SECRET,
			deliveryId: delivery,
			timestamp: Math.floor(NOW.getTime() / 1000),
			purpose: 'intake',
		});
		return {
			rawBody,
			headers: {
				'content-type': 'application/json',
				'X-Receivables-Signature': signature,
				'x-receivables-delivery': delivery,
			},
		};
	};

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'PATH-C1', name: 'Chemins SARL', language: 'fr' },
		]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('rejects the invoice whose totals do not add up and stores the one with long terms with its warnings', async () => {
		const result = (await receiveSignedRequest(
			ledger,
			signed({ invoices: [WRONG_TOTAL, LONG_TERMS] }, 'paths-1'),
			{ secret: SECRET, now: NOW, source: 'compta' },
		)) as SignedRequestAccepted;
		expect(result.status).toBe('accepted');
		expect(result.rejected.map((r) => [r.index, r.code])).toEqual([[0, 'TOTAL_INCL_MISMATCH']]);
		expect(result.invoices.map((i) => [i.number, codes(i.warnings)])).toEqual([
			['REC-2026-002', ['TERMS_STATED_BEYOND_LEGAL_CAP', 'TERMS_BEYOND_LEGAL_CAP']],
		]);
		const stored = await ledger.query<{ anomalies: Array<{ code: string }> }>(
			"SELECT anomalies FROM invoices WHERE number = 'REC-2026-002'",
		);
		expect(codes(stored[0].anomalies)).toEqual([
			'TERMS_STATED_BEYOND_LEGAL_CAP',
			'TERMS_BEYOND_LEGAL_CAP',
		]);
	});

	it('uses the company intake settings stored in the ledger', async () => {
		await saveIntakeSettings(ledger, { rules: { TOTAL_INCL_MISMATCH: 'warn' } });
		const result = (await receiveSignedRequest(
			ledger,
			signed({ invoices: [{ ...WRONG_TOTAL, number: 'REC-2026-003' }] }, 'paths-2'),
			{ secret: SECRET, now: NOW, source: 'compta' },
		)) as SignedRequestAccepted;
		expect(result.rejected).toEqual([]);
		expect(result.invoices.map((i) => [i.number, codes(i.warnings)])).toEqual([
			['REC-2026-003', ['TOTAL_INCL_MISMATCH']],
		]);
	});
});

describe('intake rules through Store Invoices (fields and presets) on the ledger', () => {
	let ledger: Ledger;
	const store = async (sourceFormat: string, items: IDataObject[]) => {
		const run = await runWorkflow(
			{
				nodes: [
					{
						id: 't',
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: 'i',
						name: 'Invoice Intake',
						type: `${PACKAGE_NAME}.invoiceIntake`,
						typeVersion: 1,
						position: [200, 0],
						parameters: { operation: 'storeInvoices', sourceFormat, options: {} },
						credentials: { receivablesLedgerApi: { id: 'ledger', name: 'Ledger' } },
					},
				],
				connections: { Start: { main: [[{ node: 'Invoice Intake', type: 'main', index: 0 }]] } },
			},
			{
				triggerItems: items,
				credentials: { receivablesLedgerApi: ledgerCredentialData(ledger.schema) },
			},
		);
		expect(run.error).toBeUndefined();
		return {
			stored: run
				.nodeOutputs('Invoice Intake', 0)
				.map((i) => [i.json.number, codes(i.json.warnings as Array<{ code: string }>)]),
			rejected: run
				.nodeOutputs('Invoice Intake', 1)
				.map((i) => [
					(i.json.input as IDataObject).number ?? (i.json.input as IDataObject).invoice_number,
					i.json.code,
					i.json.errorFr,
				]),
		};
	};
	const inLedger = async (number: string) =>
		ledger
			.query<{
				anomalies: Array<{ code: string }>;
			}>('SELECT anomalies FROM invoices WHERE number = $1', [number])
			.then((rows) => rows.map((r) => codes(r.anomalies)));

	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'PATH-C1', name: 'Chemins SARL', language: 'fr' },
			{ externalId: '8812', name: 'Ma jolie boutique' },
		]);
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	it('fields: the totals that do not add up go to Rejected (FR/EN), the 211-day terms are stored with their warnings', async () => {
		// 1 000.00 + 200.00 = 1 200.00 ≠ 1 300.00 stated; 2026-01-05 + 211 days = 2026-08-04, beyond the 60-day cap.
		const out = await store('fields', [WRONG_TOTAL, LONG_TERMS]);
		expect(out.stored).toEqual([
			['REC-2026-002', ['TERMS_STATED_BEYOND_LEGAL_CAP', 'TERMS_BEYOND_LEGAL_CAP']],
		]);
		expect(out.rejected).toEqual([
			['REC-2026-001', 'TOTAL_INCL_MISMATCH', expect.stringContaining('1200.00')],
		]);
		expect(await inLedger('REC-2026-001')).toEqual([]);
		expect(await inLedger('REC-2026-002')).toEqual([
			['TERMS_STATED_BEYOND_LEGAL_CAP', 'TERMS_BEYOND_LEGAL_CAP'],
		]);
	});

	it('a preset gets the same rules: Pennylane 1 000.0 + 200.0 ≠ 1 300.0 refused, a deadline 211 days out stored with a warning', async () => {
		const sample = JSON.parse(
			readFileSync(
				path.join(__dirname, '../../../test/fixtures/intake-presets/pennylane.json'),
				'utf8',
			),
		).invoice as IDataObject;
		const out = await store('pennylane', [
			{ ...sample, currency_amount: '1300.0' },
			// 2026-03-11 + 211 days = 2026-10-08
			{
				...sample,
				id: 20312,
				invoice_number: 'F-2026-0189',
				label: 'Facture Ma jolie boutique - F-2026-0189',
				deadline: '2026-10-08',
			},
		]);
		expect(out.rejected).toEqual([['F-2026-0188', 'TOTAL_INCL_MISMATCH', expect.any(String)]]);
		expect(out.stored).toEqual([['F-2026-0189', ['TERMS_BEYOND_LEGAL_CAP']]]);
		expect(await inLedger('F-2026-0189')).toEqual([['TERMS_BEYOND_LEGAL_CAP']]);
	});

	it('follows the company intake settings stored in the ledger: the mismatch made a warning is stored with it', async () => {
		await saveIntakeSettings(ledger, { rules: { TOTAL_INCL_MISMATCH: 'warn' } });
		const out = await store('fields', [WRONG_TOTAL]);
		expect(out).toEqual({ stored: [['REC-2026-001', ['TOTAL_INCL_MISMATCH']]], rejected: [] });
		expect(await inLedger('REC-2026-001')).toEqual([['TOTAL_INCL_MISMATCH']]);
	});
});

describe('parseInvoiceDocument returns the anomalies of the rules', () => {
	it('lists them in the result and on each invoice; reading problems only on request', async () => {
		const xml = frenchUbl(
			[/<cbc:Note>#PMD#[^<]*<\/cbc:Note>/, ''],
			[
				'<cbc:PayableAmount currencyID="EUR">240.00</cbc:PayableAmount>',
				'<cbc:PayableAmount currencyID="EUR">250.00</cbc:PayableAmount>',
			],
		);
		const result = await parseInvoiceDocument(xml);
		expect(codes(result.invoices[0].anomalies)).toEqual(['PAYABLE_MISMATCH', 'FR_LATE_PENALTY']);
		expect(result.anomalies.map((a) => [a.code, a.field])).toEqual([
			['PAYABLE_MISMATCH', 'FA-2026-0042: totals.payable'],
			['FR_LATE_PENALTY', 'FA-2026-0042: notes'],
		]);
		const reading = await parseInvoiceDocument(xml, { checks: false });
		expect(reading.anomalies).toEqual([]);
		expect(reading.invoices[0].anomalies).toEqual([]);
		expect((await parseInvoiceDocument(FRENCH_UBL)).anomalies).toEqual([]);
	});
});
