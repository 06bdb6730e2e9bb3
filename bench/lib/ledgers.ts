import type { PoolClient } from 'pg';
import { performance } from 'node:perf_hooks';
import { copyRows, openLedger, type Ledger } from '../../core';
import type { BenchContext } from './types';

type Value = string | number | bigint | null;

/**
 * The set-ups the benches share: a ledger of their own (a fresh schema, migrated, dropped afterwards with
 * dropSchemas), customers and invoices loaded with COPY, timing.
 */

/** A schema name no other run uses: `<prefix>_<time>_<random>`. */
export function uniqueSchema(prefix: string): string {
	return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A new ledger in its own schema (`bench_<area>_<tag>_…`), migrated; the schema is added to `schemas` to drop. */
export async function freshLedger(
	ctx: BenchContext,
	schemas: string[],
	name: string,
	options: { maxConnections?: number } = {},
): Promise<Ledger> {
	const schema = uniqueSchema(`bench_${name}`);
	schemas.push(schema);
	const ledger = openLedger({ connectionString: ctx.databaseUrl, schema, ...options });
	await ledger.ensureReady();
	return ledger;
}

export async function timeIt(work: () => Promise<unknown>): Promise<number> {
	const start = performance.now();
	await work();
	return performance.now() - start;
}

/**
 * Customers C0..C(count-1) ("Client i SARL"), one in five in English. `emails`: client<i>@customers.example
 * (none when false: they get letters); `address`: a Paris street address; `profile`: their dunning policy;
 * `salesReps`: sales rep REP<i mod n> (the staff rows must exist).
 */
export async function copyCustomers(
	client: PoolClient,
	count: number,
	options: { emails?: boolean; address?: boolean; profile?: string; salesReps?: number } = {},
): Promise<void> {
	const { emails = true, address = false, profile, salesReps } = options;
	const columns = ['external_id', 'name', 'language', 'emails'];
	if (profile) columns.push('profile');
	if (address) columns.push('address_lines', 'postal_code', 'city');
	if (salesReps) columns.push('sales_rep_code');
	function* rows() {
		for (let i = 0; i < count; i++) {
			const row: Value[] = [
				`C${i}`,
				`Client ${i} SARL`,
				i % 5 === 0 ? 'en' : 'fr',
				emails ? `{client${i}@customers.example}` : '{}',
			];
			if (profile) row.push(profile);
			if (address) row.push('{12 rue du Marché}', '75011', 'Paris');
			if (salesReps) row.push(`REP${i % salesReps}`);
			yield row;
		}
	}
	await copyRows(client, 'customers', columns, rows());
}

/** One invoice row as the benches load it: amounts in minor units, total = excl + tax = payable. */
export interface InvoiceRow {
	number: string;
	customerId: string;
	currency?: string;
	excl: number | bigint;
	tax: number | bigint;
	/** Amount due; the total when absent. */
	payable?: number | bigint;
	/** Open amount; the amount due when absent. */
	open?: number | bigint;
	issue: string;
	due: string;
	status?: 'open' | 'paid' | 'credited';
	paidAt?: string | null;
	hash: string;
}

/** The invoices columns the benches' COPY fills (the package fills the same for these invoices). */
export const INVOICE_COLUMNS = [
	'number',
	'customer_id',
	'currency',
	'total_excl_minor',
	'total_tax_minor',
	'total_incl_minor',
	'payable_minor',
	'open_minor',
	'issue_date',
	'due_date',
	'status',
	'paid_at',
	'content_hash',
];

function* invoiceValues(rows: Iterable<InvoiceRow>): Generator<Value[]> {
	for (const r of rows) {
		const total = BigInt(r.excl) + BigInt(r.tax);
		const payable = r.payable ?? total;
		yield [
			r.number,
			r.customerId,
			r.currency ?? 'EUR',
			r.excl,
			r.tax,
			total,
			payable,
			r.open ?? payable,
			r.issue,
			r.due,
			r.status ?? 'open',
			r.paidAt ?? null,
			r.hash,
		];
	}
}

/** COPY of invoice rows (a generator keeps a million rows out of memory). */
export async function copyInvoices(client: PoolClient, rows: Iterable<InvoiceRow>): Promise<void> {
	await copyRows(client, 'invoices', INVOICE_COLUMNS, invoiceValues(rows));
}

/** Fresh planner statistics after a bulk load (autoanalyze may not have run yet). */
export async function analyze(client: PoolClient, tables: string[]): Promise<void> {
	for (const table of tables) await client.query(`ANALYZE ${table}`);
}
