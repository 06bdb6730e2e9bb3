/**
 * The ledger's bulk write path against the floor Postgres allows. The same 100,000 invoices (× BENCH_SCALE) are
 * written
 *  - through the core: `storeInvoices` into a fresh ledger schema (customers and existing documents looked up,
 *    duplicates in the batch, new documents written, credit notes, all in transactions of 5,000 rows); new
 *    documents go in by COPY here (the bench's role is not under row-level security), and, in a fourth schema,
 *    by the multi-row INSERT that roles under row-level security get (`writeMode: 'insert'`);
 *  - by a raw `COPY` of the finished rows (customer ids resolved, content hashes computed beforehand, so only the
 *    COPY itself is timed) into the `invoices` table of another fresh schema, same indexes and constraints.
 * Then the same invoices go through the core a second time: nothing changed, every one comes back "unchanged";
 * that pass is read against a COPY of the same rows into a third schema. COPY and the core take turns on slices
 * of 10,000 rows, so the tables grow alike and background load on the machine weighs on both sides.
 * Every schema holds the same 1,000 customers, created first. The schemas are dropped afterwards.
 */
import { performance } from 'node:perf_hooks';
import {
	copyRows,
	invoiceContentHash,
	openLedger,
	storeInvoices,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
	type StoreOutcome,
} from '../core';
import { dropSchemas } from './lib/schemas';
import type { BenchContext, BenchFn } from './lib/types';

const INVOICES = 100_000;
const CUSTOMERS = 1_000;
const SLICE = 10_000;

const COPY_COLUMNS = [
	'issuer',
	'doc_type',
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
	'reception_date',
	'terms_days',
	'terms_basis',
	'payment_terms',
	'po_number',
	'content_hash',
	'source',
	'source_ref',
	'lines',
	'anomalies',
	'extra',
	'status',
];

function schemaName(tag: string): string {
	return `bench_ledger_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

function isoDate(year: number, month: number, day: number): string {
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Invoices as Invoice Intake hands them to the ledger: minor units, ISO dates, one or two lines each. */
function makeInvoices(count: number): LedgerInvoice[] {
	const invoices: LedgerInvoice[] = [];
	for (let i = 0; i < count; i++) {
		const excl = BigInt(10_000 + ((i * 7919) % 9_000_000));
		const tax = excl / 5n;
		const month = 1 + (i % 12);
		const day = 1 + (i % 28);
		const lines: unknown[] = [
			{
				description: `Prestation ${i % 97}`,
				quantity: '1',
				unitPriceMinor: excl.toString(),
				vatRate: '20',
			},
		];
		if (i % 3 === 0)
			lines.push({
				description: 'Frais de port',
				quantity: '1',
				unitPriceMinor: '0',
				vatRate: '20',
			});
		invoices.push({
			issuer: 'default',
			docType: 'invoice',
			number: `FA-${String(i).padStart(7, '0')}`,
			customerExternalId: `CUST-${String(i % CUSTOMERS).padStart(4, '0')}`,
			currency: 'EUR',
			totalExclMinor: excl,
			totalTaxMinor: tax,
			totalInclMinor: excl + tax,
			payableMinor: excl + tax,
			issueDate: isoDate(2026, month, day),
			dueDate: isoDate(month === 12 ? 2027 : 2026, month === 12 ? 1 : month + 1, day),
			receptionDate: null,
			termsDays: 30,
			termsBasis: 'issue',
			paymentTerms: '30 jours date de facture',
			poNumber: i % 4 === 0 ? `PO-${i}` : null,
			source: 'csv',
			sourceRef: 'bench.csv',
			lines,
			anomalies: [],
			extra: {},
		});
	}
	return invoices;
}

/** A fresh ledger schema (added to `opened`, so it is dropped even if this fails) holding the same customers. */
async function withCustomers(
	databaseUrl: string,
	tag: string,
	opened: Ledger[],
): Promise<{ ledger: Ledger; customerIds: Map<string, string> }> {
	const ledger = openLedger({
		connectionString: databaseUrl,
		schema: schemaName(tag),
		applicationName: `bench-ledger-${tag}`,
	});
	opened.push(ledger);
	await ledger.ensureReady();
	const outcomes = await upsertCustomers(
		ledger,
		Array.from({ length: CUSTOMERS }, (_, i) => ({
			externalId: `CUST-${String(i).padStart(4, '0')}`,
			name: `Client ${i}`,
			language: i % 5 === 0 ? ('en' as const) : ('fr' as const),
			emails: [`compta${i}@client${i}.example`],
		})),
	);
	const rejected = outcomes.filter((o) => o.status === 'rejected');
	if (rejected.length) throw new Error(`customers rejected: ${JSON.stringify(rejected[0].error)}`);
	return { ledger, customerIds: new Map(outcomes.map((o) => [o.externalId, o.id as string])) };
}

function countBy(outcomes: StoreOutcome[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
	return counts;
}

/** The rows the core would write, ready for COPY: only the COPY is timed. */
function copyRowsFor(invoices: LedgerInvoice[], customerIds: Map<string, string>): unknown[][] {
	return invoices.map((inv) => [
		inv.issuer ?? 'default',
		inv.docType,
		inv.number,
		customerIds.get(inv.customerExternalId),
		inv.currency,
		inv.totalExclMinor,
		inv.totalTaxMinor,
		inv.totalInclMinor,
		inv.payableMinor,
		inv.payableMinor,
		inv.issueDate,
		inv.dueDate,
		inv.receptionDate ?? null,
		inv.termsDays ?? null,
		inv.termsBasis ?? null,
		inv.paymentTerms ?? null,
		inv.poNumber ?? null,
		invoiceContentHash(inv),
		inv.source ?? 'json',
		inv.sourceRef ?? null,
		inv.lines ?? [],
		inv.anomalies ?? [],
		inv.extra ?? {},
		'open',
	]);
}

async function timeCopy(ledger: Ledger, rows: unknown[][]): Promise<number> {
	return await ledger.withClient(async (client) => {
		const started = performance.now();
		await copyRows(client, 'invoices', COPY_COLUMNS, rows as never);
		return performance.now() - started;
	});
}

async function timeCore(
	ledger: Ledger,
	invoices: LedgerInvoice[],
	writeMode: 'auto' | 'insert' = 'auto',
): Promise<{ ms: number; counts: Record<string, number> }> {
	const started = performance.now();
	const outcomes = await storeInvoices(ledger, invoices, { writeMode });
	return { ms: performance.now() - started, counts: countBy(outcomes) };
}

const bench: BenchFn = async (ctx: BenchContext) => {
	const count = Math.max(1, Math.round(INVOICES * ctx.scale));
	const warm = Math.min(2_000, count);
	const ledgers: Ledger[] = [];
	try {
		const { ledger: copyLedger, customerIds } = await withCustomers(
			ctx.databaseUrl,
			'copy',
			ledgers,
		);
		const { ledger: copyAgainLedger } = await withCustomers(ctx.databaseUrl, 'copy2', ledgers);
		const { ledger: coreLedger } = await withCustomers(ctx.databaseUrl, 'core', ledgers);
		const { ledger: copyThirdLedger } = await withCustomers(ctx.databaseUrl, 'copy3', ledgers);
		const { ledger: insertLedger } = await withCustomers(ctx.databaseUrl, 'insert', ledgers);
		const { ledger: warmLedger, customerIds: warmIds } = await withCustomers(
			ctx.databaseUrl,
			'warm',
			ledgers,
		);

		ctx.log(
			`${count.toLocaleString('en-US')} invoices, ${CUSTOMERS} customers; warming up with ${warm} rows`,
		);
		const invoices = makeInvoices(count);
		// Warm-up: JIT, connections and catalog caches, for both paths, in a schema of their own.
		await storeInvoices(warmLedger, invoices.slice(0, warm));
		await timeCopy(
			warmLedger,
			copyRowsFor(invoices.slice(0, warm), warmIds).map((r) => {
				const row = [...r];
				row[2] = `W-${row[2]}`;
				return row;
			}),
		);

		// COPY and the core take turns on slices of the same rows (each slice is two of the core's 5,000-row
		// transactions), so background load on the machine weighs on both alike and the ratio stays meaningful.
		const rows = copyRowsFor(invoices, customerIds);
		const alternate = async (
			copyInto: Ledger,
			expected: string,
			into = coreLedger,
			writeMode: 'auto' | 'insert' = 'auto',
		) => {
			let copyMs = 0;
			let coreMs = 0;
			const counts: Record<string, number> = {};
			for (let start = 0; start < count; start += SLICE) {
				copyMs += await timeCopy(copyInto, rows.slice(start, start + SLICE));
				const slice = await timeCore(into, invoices.slice(start, start + SLICE), writeMode);
				coreMs += slice.ms;
				for (const [status, n] of Object.entries(slice.counts))
					counts[status] = (counts[status] ?? 0) + n;
			}
			if (counts[expected] !== count)
				throw new Error(`expected ${count} ${expected}, got ${JSON.stringify(counts)}`);
			ctx.log(
				`raw COPY ${(copyMs / 1000).toFixed(2)} s, storeInvoices (${writeMode}) ${(coreMs / 1000).toFixed(2)} s: ${count} ${expected}`,
			);
			return { copyRate: count / (copyMs / 1000), coreRate: count / (coreMs / 1000) };
		};
		const first = await alternate(copyLedger, 'created');
		const again = await alternate(copyAgainLedger, 'unchanged');
		const inserted = await alternate(copyThirdLedger, 'created', insertLedger, 'insert');

		for (const ledger of [copyLedger, copyAgainLedger, coreLedger, copyThirdLedger, insertLedger]) {
			const [{ n }] = await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices');
			if (Number(n) !== count)
				throw new Error(`${ledger.schema} holds ${n} invoices, expected ${count}`);
		}

		ctx.metric('raw COPY into invoices', Math.round(first.copyRate), 'rows/s');
		ctx.metric('storeInvoices, new invoices', Math.round(first.coreRate), 'rows/s');
		ctx.metric(
			'storeInvoices, same invoices again (unchanged)',
			Math.round(again.coreRate),
			'rows/s',
		);
		ctx.ratio('storeInvoices ÷ raw COPY (new invoices)', first.coreRate / first.copyRate, '≥ 0.5×');
		ctx.ratio('storeInvoices again ÷ raw COPY (unchanged)', again.coreRate / again.copyRate);
		ctx.ratio(
			'storeInvoices with INSERT (roles under row-level security) ÷ raw COPY (new invoices)',
			inserted.coreRate / inserted.copyRate,
		);
	} finally {
		const schemas = ledgers.map((l) => l.schema);
		await Promise.all(ledgers.map((l) => l.close().catch(() => undefined)));
		await dropSchemas(ctx.databaseUrl, schemas);
	}
};

export default bench;
