/**
 * Receivables Report › Net Receivables as a node, against a real ledger: per customer and currency, open invoices
 * less credit notes not set against an invoice less unapplied cash = the balance of the customer account (411),
 * as of a date; every figure worked out by hand below, and checked against the account's debits and credits.
 */
import type { IDataObject } from 'n8n-workflow';
import {
	storeInvoices,
	storePayments,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { closeEngine } from '../helpers/engine';
import { NODE, runNode } from '../helpers/nodes';

jest.setTimeout(120_000);

function doc(
	number: string,
	customer: string,
	currency: string,
	payable: bigint,
	issueDate: string,
	dueDate: string,
	extra: Partial<LedgerInvoice> = {},
): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: customer,
		currency,
		totalExclMinor: payable,
		totalTaxMinor: 0n,
		totalInclMinor: payable,
		payableMinor: payable,
		issueDate,
		dueDate,
		...extra,
	};
}

describe('Receivables Report › Net Receivables', () => {
	let ledger: Ledger;
	let credentials: { receivablesLedgerApi: Record<string, string | number> };
	const run = async (parameters: IDataObject) => {
		const result = await runNode(
			'receivablesReport',
			{ operation: 'netReceivables', ...parameters },
			{ credentials },
		);
		expect(result.error).toBeUndefined();
		return result.json(NODE, 0);
	};

	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
		await upsertCustomers(ledger, [
			{ externalId: 'C1', name: 'Comptoir Un' },
			{ externalId: 'C2', name: 'Dakar Deux', currency: 'XOF', country: 'SN' },
		]);
		await storeInvoices(ledger, [
			doc('FC-101', 'C1', 'EUR', 100000n, '2026-03-02', '2026-04-01'), // 1 000,00
			doc('FC-102', 'C1', 'EUR', 40000n, '2026-03-05', '2026-03-20'), // 400,00
			doc('AV-101', 'C1', 'EUR', 15000n, '2026-03-10', '2026-03-10', { docType: 'credit_note' }), // 150,00, credits no invoice
			doc('AV-102', 'C1', 'EUR', 50000n, '2026-03-12', '2026-03-12', {
				docType: 'credit_note',
				creditedNumber: 'FC-102',
			}), // 500,00 on F2 (400,00): 100,00 beyond it
			doc('FD-301', 'C2', 'XOF', 500000n, '2026-02-10', '2026-03-12'), // 500 000 XOF
		]);
		const paid = await storePayments(ledger, [
			{
				externalRef: 'P1',
				amountMinor: 25000n,
				currency: 'EUR',
				receivedOn: '2026-03-15',
				customerExternalId: 'C1',
				referenceText: 'ACOMPTE',
			}, // 250,00, no invoice
			{
				externalRef: 'P3',
				amountMinor: 650000n,
				currency: 'XOF',
				receivedOn: '2026-03-20',
				customerExternalId: 'C2',
				referenceText: 'FD-301',
			}, // 500 000 on F3, 150 000 over
			{
				externalRef: 'P4',
				amountMinor: 8000n,
				currency: 'EUR',
				receivedOn: '2026-03-25',
				payerName: 'INCONNU',
				referenceText: 'VIR',
			}, // 80,00, payer unknown
			{
				externalRef: 'P2',
				amountMinor: 60000n,
				currency: 'EUR',
				receivedOn: '2026-04-03',
				customerExternalId: 'C1',
				referenceText: 'FC-101',
			}, // 600,00 on F1, 3 April
		]);
		expect(paid.map((p) => p.allocation?.status)).toEqual([
			'unapplied',
			'partially_applied',
			'unapplied',
			'applied',
		]);
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const cols = (r: IDataObject) => [
		r.ligne,
		r.cle,
		r.devise,
		r.factures_ouvertes,
		r.avoirs_non_imputes,
		r.encaissements_non_imputes,
		r.solde_net,
		r.solde_crediteur,
	];

	it('31 March: per customer and currency, then a total per currency, never added across currencies', async () => {
		const rows = await run({ asOf: '2026-03-31' });
		expect(rows.map(cols)).toEqual([
			// Unidentified payer: 80,00 received, no customer → −80,00.
			['customer', '', 'EUR', '0.00', '0.00', '80.00', '-80.00', '80.00'],
			// C1: F1 1 000 open; F2 400 − AV2 500 = −100 → 100 credited beyond it, + AV1 150 = 250 credit notes; P1 250 unapplied.
			// 1 000 − 250 − 250 = 500. Account 411: debits 1 000 + 400 = 1 400; credits 150 + 500 + 250 = 900; 1 400 − 900 = 500.
			['customer', 'C1', 'EUR', '1000.00', '250.00', '250.00', '500.00', '0.00'],
			// C2: F3 paid by P3 (500 000 of 650 000): 150 000 unapplied → −150 000, a credit balance. 411: 500 000 − 650 000.
			['customer', 'C2', 'XOF', '0', '0', '150000', '-150000', '150000'],
			// EUR: 1 000 − 250 − (250 + 80) = 420. XOF: −150 000.
			['total', 'EUR', 'EUR', '1000.00', '250.00', '330.00', '420.00', '0.00'],
			['total', 'XOF', 'XOF', '0', '0', '150000', '-150000', '150000'],
		]);
		expect(rows[1]).toMatchObject({ date_arrete: '2026-03-31', libelle: 'Comptoir Un' });
	});

	it('as of another date: what the ledger held that day', async () => {
		// 11 March: F1 1 000 + F2 400 open, AV1 150 (10 March) only, no payment: C1 1 250; C2 F3 500 000 open.
		expect((await run({ asOf: '2026-03-11', netGroupBy: 'none' })).map(cols)).toEqual([
			['total', 'EUR', 'EUR', '1400.00', '150.00', '0.00', '1250.00', '0.00'],
			['total', 'XOF', 'XOF', '500000', '0', '0', '500000', '0'],
		]);
		// 5 April: P2 600 on F1 (3 April): F1 400 open; C1 400 − 250 − 250 = −100, a credit balance of 100.
		// 411: 1 400 − (150 + 500 + 250 + 600) = −100.
		const april = await run({ asOf: '2026-04-05', options: { currency: 'EUR', totals: false } });
		expect(april.map(cols)).toEqual([
			['customer', '', 'EUR', '0.00', '0.00', '80.00', '-80.00', '80.00'],
			['customer', 'C1', 'EUR', '400.00', '250.00', '250.00', '-100.00', '100.00'],
		]);
	});

	it('gives English columns or the whole report on request, and a clear error for a date that does not exist', async () => {
		const [english] = await run({
			asOf: '2026-03-31',
			netGroupBy: 'none',
			language: 'en',
			options: { currency: 'XOF' },
		});
		expect(english).toEqual({
			asOf: '2026-03-31',
			line: 'total',
			key: 'XOF',
			label: null,
			currency: 'XOF',
			openInvoices: '0',
			creditNotes: '0',
			unappliedCash: '150000',
			net: '-150000',
			creditBalance: '150000',
		});
		const [report] = await run({ asOf: '2026-03-31', output: 'report' });
		expect(
			(report.totals as IDataObject[]).map((t) => [t.currency, (t.net as IDataObject).amount]),
		).toEqual([
			['EUR', '420.00'],
			['XOF', '-150000'],
		]);
		const bad = await runNode(
			'receivablesReport',
			{ operation: 'netReceivables', asOf: '2026-02-30' },
			{ credentials },
		);
		expect(bad.error?.message ?? '').toMatch(/2026-02-30/);
	});
});
