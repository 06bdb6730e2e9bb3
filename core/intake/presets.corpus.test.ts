import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { normalisePresetPayment } from './paymentPresets';
import { normalisePresetRecord } from './presets';

// Real payloads of accounting APIs (test/fixtures/accounting-api, NOTICE.md): Xero's OpenAPI response examples, a
// recorded QuickBooks Online sandbox response, QuickBooks XML fixtures, Sage One recordings. Every invoice and credit
// note of INDEX.tsv goes through its Source Format preset and must give the indexed number, type, dates, currency
// and total — or be refused when it is not an issued sales document (voided, draft, supplier side).
const ROOT = path.join(__dirname, '..', '..', 'test', 'fixtures', 'accounting-api');
const [header, ...lines] = readFileSync(path.join(ROOT, 'INDEX.tsv'), 'utf8')
	.trimEnd()
	.split('\n')
	.map((l) => l.split('\t'));
const all = lines.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
const rows = all.filter((r) => r.document_type !== 'payment');
const payments = all.filter((r) => r.document_type === 'payment');

const PRESET: Record<string, string> = {
	Xero: 'xero',
	'QuickBooks Online': 'quickbooks',
	'Sage One Accounts (UK) API v1': 'sageone',
};

const pointer = (value: unknown, p: string): unknown =>
	p
		.split('/')
		.slice(1)
		.filter((k) => k !== '')
		.map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
		.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], value);

const files = new Map<string, unknown>();
function load(file: string): unknown {
	if (!files.has(file)) {
		const text = readFileSync(path.join(ROOT, file), 'utf8');
		if (file.endsWith('.xml')) {
			// QuickBooks XML: <CustomerRef name="Sunset Bakery">2</CustomerRef> reads as { value: '2', name: 'Sunset Bakery' }, the JSON shape of the API.
			files.set(
				file,
				new XMLParser({
					ignoreAttributes: false,
					attributeNamePrefix: '',
					textNodeName: 'value',
					parseTagValue: false,
					removeNSPrefix: true,
				}).parse(text),
			);
		} else
			files.set(
				file,
				file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 }),
			);
	}
	return files.get(file);
}

function documentOf(row: Record<string, string>): unknown {
	const [outer, inner] = row.doc_pointer.split('#');
	const located = pointer(load(row.file), outer);
	return inner === undefined ? located : pointer(JSON.parse(located as string), inner);
}

const decimal = (minor: bigint | undefined) =>
	minor === undefined ? undefined : `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;

describe.each(rows.map((r) => [`${r.file} ${r.document_number || r.document_id}`, r]))(
	'%s',
	(_, row) => {
		it('reads as the index says, or is refused when it is not an issued sales document', () => {
			const preset = PRESET[row.system];
			expect(preset).toBeDefined();
			const record = documentOf(row);
			expect(record).toBeDefined();
			const { invoice, anomalies } = normalisePresetRecord(record, preset, {
				defaultCurrency: row.currency || 'GBP',
			});
			const refused =
				/^(VOIDED|DRAFT|DELETED)$/.test(row.status) || row.source_type === 'ACCPAYCREDIT';
			if (refused) {
				expect(invoice).toBeUndefined();
				expect(anomalies.map((a) => a.code)).toContain('NOT_A_SALES_INVOICE');
				return;
			}
			expect(anomalies.filter((a) => a.severity === 'block')).toEqual([]);
			expect({
				number: invoice?.number,
				docType: invoice?.docType,
				issueDate: invoice?.issueDate,
				currency: invoice?.currency,
				total: decimal(invoice?.totalInclMinor),
				customer: invoice?.customerExternalId,
			}).toEqual({
				number: row.document_number,
				docType: row.document_type,
				issueDate: row.issue_date,
				currency: row.currency || 'GBP',
				total: row.total,
				customer: row.customer_id,
			});
			if (row.due_date) expect(invoice?.dueDate).toBe(row.due_date);
			// What the software says is still owed: a (partly) paid document carries a warning, so its payments are brought in too.
			if (row.amount_due && row.amount_due !== row.total)
				expect(anomalies.length).toBeGreaterThan(0);
		});
	},
);

// The payments of the same files through the payment presets of Store Payments: a customer's payment of a sales
// invoice gives the indexed date, currency, amount and customer (read as the invoice preset reads it) and names the
// invoice by its number; a refund of a credit note (money paid out) is refused.
describe.each(payments.map((r) => [`${r.file} payment ${r.document_id}`, r]))('%s', (_, row) => {
	it('reads as the index says, or is refused when it is not a customer paying a sales invoice', () => {
		const { payment, anomalies } = normalisePresetPayment(documentOf(row), PRESET[row.system]);
		if (row.source_type === 'ARCREDITPAYMENT') {
			expect(payment).toBeUndefined();
			expect(anomalies.map((a) => [a.code, a.field])).toEqual([
				['PAYMENT_NOT_INCOMING', 'PaymentType'],
			]);
			expect(anomalies[0].message.fr).toContain("remboursement d'avoir client");
			return;
		}
		expect(anomalies).toEqual([]);
		// "ACCREC INV-0002 (046d…)" or "Invoice 68 (txnId 68, txnReferenceNumber 1246, …)": the number the customer sees.
		const invoiceNumber =
			/^ACCREC (\S+)/.exec(row.linked_documents)?.[1] ??
			/txnReferenceNumber (\w+)/.exec(row.linked_documents)?.[1];
		expect({
			externalRef: payment?.externalRef,
			source: payment?.source,
			receivedOn: payment?.receivedOn,
			currency: payment?.currency,
			amount: decimal(payment?.amountMinor),
			customer: payment?.customerExternalId,
			payer: payment?.payerName,
			invoices: payment?.invoiceNumbers,
		}).toEqual({
			externalRef: row.document_id,
			source: PRESET[row.system],
			receivedOn: row.issue_date,
			currency: row.currency,
			amount: row.total,
			customer: row.customer_id,
			payer: row.customer_name,
			invoices: [invoiceNumber],
		});
	});
});

test('a QuickBooks payment naming its invoice only by internal id is kept for matching by amount, with a warning', () => {
	const record = {
		Id: '9',
		TxnDate: '2026-03-02',
		TotalAmt: 120.5,
		CurrencyRef: { value: 'EUR' },
		CustomerRef: { value: '7', name: 'Garage Martin' },
		Line: [{ Amount: 120.5, LinkedTxn: [{ TxnId: '68', TxnType: 'Invoice' }] }],
	};
	const { payment, anomalies } = normalisePresetPayment(record, 'quickbooks');
	expect(payment).toMatchObject({
		externalRef: '9',
		amountMinor: 12050n,
		customerExternalId: '7',
		invoiceNumbers: [],
	});
	expect(anomalies.map((a) => [a.code, a.severity])).toEqual([['PAYMENT_INVOICE_UNNAMED', 'warn']]);
	expect(
		normalisePresetPayment({ PaymentID: 'x', PaymentType: 'ACCPAYPAYMENT', Amount: 5 }, 'xero')
			.anomalies[0].message.en,
	).toContain('a payment to a supplier');
	expect(normalisePresetPayment({}, 'sage').anomalies[0].code).toBe('PRESET_UNKNOWN');
});
