import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INVOICE_PRESETS, invoicePreset, mapPresetRecord, normalisePresetRecord } from './presets';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'intake-presets');

type Samples = {
	invoice: Record<string, unknown>;
	creditNote?: Record<string, unknown>;
	notSales?: Record<string, unknown>;
};
const samples = (id: string): Samples =>
	JSON.parse(readFileSync(path.join(FIXTURES, `${id}.json`), 'utf8')) as Samples;

/** What each preset's samples must give: [number, customer, currency, excl, tax, incl, issue, due, docType, extra]. */
const EXPECTED: Record<string, { invoice: unknown[]; creditNote?: unknown[]; refusal?: string }> = {
	sage100: {
		invoice: [
			'FA00412',
			'CMARTIN',
			'EUR',
			123456n,
			24691n,
			148147n,
			'2026-03-02',
			'2026-04-01',
			'invoice',
			{ poNumber: 'CDE 4471', customerName: 'Boulangerie Martin' },
		],
		creditNote: [
			'FA00419',
			'CMARTIN',
			'EUR',
			10000n,
			2000n,
			12000n,
			'2026-03-09',
			'2026-03-09',
			'credit_note',
			{},
		],
		refusal: 'DO_Type',
	},
	cegid: {
		invoice: [
			'20260173',
			'CL000412',
			'MAD',
			1000000n,
			200000n,
			1200000n,
			'2026-02-27',
			'2026-04-28',
			'invoice',
			{ poNumber: 'BC-2026-0091', paymentTerms: 'VIR' },
		],
		creditNote: [
			'20260012',
			'CL000412',
			'MAD',
			50000n,
			10000n,
			60000n,
			'2026-03-05',
			'2026-03-05',
			'credit_note',
			{},
		],
		refusal: 'GP_NATUREPIECEG',
	},
	quickbooks: {
		invoice: [
			'1037',
			'59',
			'USD',
			27500n,
			2200n,
			29700n,
			'2026-03-10',
			'2026-04-09',
			'invoice',
			{ customerName: 'Sonnenschein Family Store', paymentTerms: 'Net 30' },
		],
		creditNote: [
			'1038',
			'59',
			'USD',
			10000n,
			0n,
			10000n,
			'2026-03-12',
			'2026-04-11',
			'credit_note',
			{},
		],
	},
	xero: {
		invoice: [
			'INV-0042',
			'ABBOTT01',
			'GBP',
			29167n,
			5833n,
			35000n,
			'2026-03-16',
			'2026-04-15',
			'invoice',
			{ poNumber: 'PO 7781', customerName: 'Abbott Export Ltd' },
		],
		creditNote: [
			'CN-0007',
			'ABBOTT01',
			'GBP',
			5000n,
			1000n,
			6000n,
			'2026-03-20',
			'2026-04-19',
			'credit_note',
			{},
		],
		refusal: 'Status',
	},
	odoo: {
		invoice: [
			'INV/2026/00031',
			'45',
			'XOF',
			1500000n,
			270000n,
			1770000n,
			'2026-03-03',
			'2026-04-02',
			'invoice',
			{
				customerName: 'Société Ivoirienne de Négoce',
				paymentTerms: '30 Days',
				poNumber: 'BC 2026-118',
			},
		],
		creditNote: [
			'RINV/2026/00004',
			'45',
			'XOF',
			100000n,
			18000n,
			118000n,
			'2026-03-06',
			'2026-03-06',
			'credit_note',
			{ creditedNumber: 'INV/2026/00031' },
		],
		refusal: 'move_type',
	},
	// Sage One v1 sales invoices state no currency (the node's default currency, here GBP) and no gross total (net + tax + carriage).
	// The preset reads sales invoices only: Sage One's credit notes are another resource.
	sageone: {
		invoice: [
			'SI-2',
			'580',
			'GBP',
			1788n,
			358n,
			2146n,
			'2014-12-31',
			'2015-01-30',
			'invoice',
			{ customerName: 'Lorem' },
		],
	},
	pennylane: {
		invoice: [
			'F-2026-0188',
			'8812',
			'EUR',
			100000n,
			20000n,
			120000n,
			'2026-03-11',
			'2026-04-10',
			'invoice',
			{ poNumber: 'BC-MJB-0301' },
		],
		creditNote: [
			'A-2026-0009',
			'8812',
			'EUR',
			20000n,
			4000n,
			24000n,
			'2026-03-18',
			'2026-03-18',
			'credit_note',
			{ creditedNumber: 'F-2026-0188' },
		],
		refusal: 'draft',
	},
};

describe('field-mapping presets', () => {
	test('every preset has samples and expectations, and ids are unique', () => {
		expect(INVOICE_PRESETS.map((p) => p.id).sort()).toEqual(Object.keys(EXPECTED).sort());
		expect(new Set(INVOICE_PRESETS.map((p) => p.id)).size).toBe(INVOICE_PRESETS.length);
	});

	describe.each(INVOICE_PRESETS.map((p) => p.id))('%s', (id) => {
		const expected = EXPECTED[id];
		test.each((['invoice', 'creditNote'] as const).filter((kind) => expected[kind]))(
			'maps the sample %s to a ledger invoice',
			(kind) => {
				const { invoice, anomalies } = normalisePresetRecord(samples(id)[kind], id, {
					defaultCurrency: id === 'sageone' ? 'GBP' : undefined,
				});
				expect(anomalies.filter((a) => a.severity === 'block')).toEqual([]);
				expect(invoice).toBeDefined();
				const [number, customer, currency, excl, tax, incl, issue, due, docType, extra] =
					expected[kind]!;
				expect([
					invoice?.number,
					invoice?.customerExternalId,
					invoice?.currency,
					invoice?.totalExclMinor,
					invoice?.totalTaxMinor,
					invoice?.totalInclMinor,
					invoice?.issueDate,
					invoice?.dueDate,
					invoice?.docType,
				]).toEqual([number, customer, currency, excl, tax, incl, issue, due, docType]);
				expect(invoice?.payableMinor).toBe(incl);
				expect(invoice?.source).toBe(id);
				expect(invoice).toMatchObject(extra as object);
			},
		);

		if (expected.refusal) {
			test('refuses a record that is not an issued sales invoice, naming the source field', () => {
				const { invoice, anomalies } = normalisePresetRecord(samples(id).notSales, id);
				expect(invoice).toBeUndefined();
				expect(anomalies).toEqual([
					expect.objectContaining({
						code: 'NOT_A_SALES_INVOICE',
						severity: 'block',
						field: expected.refusal,
					}),
				]);
				expect(anomalies[0].message.fr).toContain(expected.refusal);
			});
		}

		test("a missing required field is named in the source's own words", () => {
			const preset = invoicePreset(id)!;
			const record = { ...samples(id).invoice };
			const numberField = preset.fields.number!.from;
			for (const f of numberField) delete record[f];
			const { invoice, anomalies } = normalisePresetRecord(record, id);
			expect(invoice).toBeUndefined();
			expect(anomalies).toEqual([
				expect.objectContaining({ code: 'FIELD_REQUIRED', field: numberField.join(' or ') }),
			]);
			expect(anomalies[0].message.en).toContain(numberField[0]);
			expect(anomalies[0].hint.en).toContain(numberField[0]);
		});
	});

	test('an item of another shape is refused with the fields expected and the fields found', () => {
		const { anomalies } = normalisePresetRecord(
			{ number: 'F-1', customerId: 'C1', totalIncl: '10' },
			'xero',
		);
		expect(anomalies).toEqual([expect.objectContaining({ code: 'PRESET_SHAPE_UNKNOWN' })]);
		expect(anomalies[0].message.en).toContain('InvoiceNumber');
		expect(anomalies[0].message.en).toContain('number, customerId, totalIncl');
	});

	test('a supplier bill is refused, an unknown type value lists the known ones', () => {
		const odoo = samples('odoo');
		expect(
			mapPresetRecord(odoo.notSales, invoicePreset('odoo')!).anomalies[0].message.en,
		).toContain('supplier document');
		const odd = mapPresetRecord(
			{ ...odoo.invoice, move_type: 'out_something' },
			invoicePreset('odoo')!,
		);
		expect(odd.record).toBeUndefined();
		expect(odd.anomalies[0]).toMatchObject({ code: 'FIELD_INVALID', field: 'move_type' });
		expect(odd.anomalies[0].message.en).toContain('out_invoice, out_refund');
	});

	test('a record the source shows as partly paid is stored with a warning to import the payments', () => {
		const { invoice, anomalies } = normalisePresetRecord(samples('odoo').invoice, 'odoo');
		expect(invoice).toBeDefined();
		expect(anomalies).toEqual([
			expect.objectContaining({
				code: 'SOURCE_SHOWS_PAYMENTS',
				severity: 'warn',
				field: 'amount_residual',
			}),
		]);
		expect(invoice?.anomalies).toEqual(anomalies);
		const unpaid = normalisePresetRecord(samples('xero').invoice, 'xero');
		expect(unpaid.anomalies.filter((a) => a.code === 'SOURCE_SHOWS_PAYMENTS')).toEqual([]);
	});

	test('values a preset reads are still checked: an impossible date, a bad amount, an unknown format', () => {
		const bad = normalisePresetRecord(
			{ ...samples('quickbooks').invoice, TxnDate: '2026-02-30', TotalAmt: 'abc' },
			'quickbooks',
		);
		expect(bad.invoice).toBeUndefined();
		expect(bad.anomalies.map((a) => [a.code, a.field])).toEqual(
			expect.arrayContaining([
				['DATE_INVALID', 'issueDate'],
				['AMOUNT_INVALID', 'totalIncl'],
			]),
		);
		expect(normalisePresetRecord({}, 'sage50').anomalies[0]).toMatchObject({
			code: 'FIELD_INVALID',
			field: 'sourceFormat',
		});
	});
});
