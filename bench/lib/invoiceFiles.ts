/**
 * The invoices and customers the intake benches share: row i's invoice, the CSV export of a range of them (French
 * columns, as an accounting system writes them) and the customer file they are matched against.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { upsertCustomers, type Ledger } from '../../core';

export const CUSTOMERS = 1_000;
export const CSV_HEADER =
	'N° facture;Code client;Client;Date facture;Échéance;Montant HT;TVA;Montant TTC;Devise\n';

export const cents = (n: number): string =>
	`${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
export const customerCode = (i: number): string => `CUST-${String(i % CUSTOMERS).padStart(4, '0')}`;

/** The invoice of row i, as every flow and reference gets it. */
export function invoiceOf(
	prefix: string,
	i: number,
): { number: string; customer: string; excl: number; tax: number; issue: string; due: string } {
	const excl = 10_000 + ((i * 7919) % 9_000_000);
	const day = String(1 + (i % 28)).padStart(2, '0');
	const month = 1 + (i % 11);
	return {
		number: `${prefix}-${String(i).padStart(7, '0')}`,
		customer: customerCode(i),
		excl,
		tax: Math.round(excl / 5),
		issue: `2026-${String(month).padStart(2, '0')}-${day}`,
		due: `2026-${String(month + 1).padStart(2, '0')}-${day}`,
	};
}

export async function writeCsv(file: string, prefix: string, count: number): Promise<void> {
	const out = createWriteStream(file);
	out.write(CSV_HEADER);
	for (let startAt = 0; startAt < count; startAt += 5000) {
		let text = '';
		for (let i = startAt; i < Math.min(count, startAt + 5000); i++) {
			const v = invoiceOf(prefix, i);
			const fr = (c: number) => cents(c).replace('.', ',');
			const date = (iso: string) => iso.split('-').reverse().join('/');
			text += `${v.number};${v.customer};Client ${v.customer};${date(v.issue)};${date(v.due)};${fr(v.excl)};${fr(v.tax)};${fr(v.excl + v.tax)};EUR\n`;
		}
		if (!out.write(text)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}

/** The CUSTOMERS customers every bench invoice belongs to, written to the customer file. */
export async function upsertBenchCustomers(ledger: Ledger): Promise<void> {
	await upsertCustomers(
		ledger,
		Array.from({ length: CUSTOMERS }, (_v, i) => ({
			externalId: customerCode(i),
			name: `Client ${customerCode(i)}`,
			emails: [`ap${i}@example.com`],
		})),
	);
}
