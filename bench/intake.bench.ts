/**
 * Invoice Intake inside an n8n workflow (in-process engine) against references, each into a fresh ledger schema
 * holding the same 1,000 customers, all fed the same invoices (amounts as decimal strings, customer codes):
 *  - raw COPY of the same rows, converted beforehand (minor units, customer ids, content hashes), into `invoices`,
 *    once just before and once just after the Invoice Intake run (the mean is the reference);
 *  - the same flow built from n8n's own nodes: Postgres (select the customers, once) → Merge (customer code →
 *    customer id) → Set (amounts to minor units, columns) → Postgres v2 insert (auto-mapped, skip on conflict);
 *  - n8n's Postgres insert alone, fed rows already converted: the least it can cost, reported for reference.
 * The two n8n-node flows cost the same per item at any volume (measured: 1,000 and 4,000 items take 4× the
 * time) and are slow (the Set node evaluates 11 expressions per item), so they run on a sample of the invoices
 * (a twentieth and a tenth) to keep `npm run bench` short; their rows/s are compared with Invoice Intake's.
 */
import { performance } from 'node:perf_hooks';
import {
	copyRows,
	invoiceContentHash,
	normaliseInvoiceRecord,
	openLedger,
	upsertCustomers,
	type Ledger,
	type LedgerInvoice,
} from '../core';
import { closeEngine, packageTypes, runWorkflow, type WorkflowJson } from '../test/helpers/engine';
import type { BenchContext, BenchFn } from './lib/types';

const INVOICES = 100_000;
const CUSTOMERS = 1_000;

function schemaName(tag: string): string {
	return `bench_intake_${tag}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

function credentialFor(databaseUrl: string, schema: string): Record<string, string | number> {
	const url = new URL(databaseUrl);
	return {
		host: url.hostname,
		port: Number(url.port || 5432),
		database: url.pathname.replace(/^\//, '') || 'postgres',
		user: decodeURIComponent(url.username || 'postgres'),
		password: decodeURIComponent(url.password || ''),
		ssl: 'disable',
		schema,
	};
}

/** What accounting software sends: amounts as decimal strings, ISO dates. */
function invoiceItems(count: number, prefix = 'FA'): Array<Record<string, string>> {
	const items: Array<Record<string, string>> = [];
	for (let i = 0; i < count; i++) {
		const exclCents = 10_000 + ((i * 7919) % 9_000_000);
		const taxCents = Math.round(exclCents / 5);
		const day = 1 + (i % 28);
		const month = 1 + (i % 12);
		const issue = `2026-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
		const due = `2026-${String(month === 12 ? 12 : month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
		const cents = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
		items.push({
			number: `${prefix}-${String(i).padStart(7, '0')}`,
			customerId: `CUST-${String(i % CUSTOMERS).padStart(4, '0')}`,
			currency: 'EUR',
			totalExcl: cents(exclCents),
			totalTax: cents(taxCents),
			totalIncl: cents(exclCents + taxCents),
			issueDate: issue,
			dueDate: due,
		});
	}
	return items;
}

async function freshLedger(ctx: BenchContext, tag: string): Promise<Ledger> {
	const ledger = openLedger({ connectionString: ctx.databaseUrl, schema: schemaName(tag) });
	await ledger.ensureReady();
	const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
		externalId: `CUST-${String(i).padStart(4, '0')}`,
		name: `Customer ${i}`,
	}));
	await upsertCustomers(ledger, customers);
	return ledger;
}

async function dropLedger(ledger: Ledger): Promise<void> {
	const schema = ledger.schema;
	await ledger.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	await ledger.close();
}

async function customerIds(ledger: Ledger): Promise<Map<string, string>> {
	const rows = await ledger.query<{ id: string; external_id: string }>(
		'SELECT id::text, external_id FROM customers',
	);
	return new Map(rows.map((r) => [r.external_id, r.id]));
}

async function countInvoices(ledger: Ledger): Promise<number> {
	const [row] = await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM invoices');
	return Number(row.n);
}

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
	'terms_days',
	'content_hash',
	'source',
	'status',
];

/** The rows Invoice Intake writes, computed up front (not timed) for the references. */
function tableRows(
	invoices: LedgerInvoice[],
	ids: Map<string, string>,
): Array<Record<string, string | number | null>> {
	return invoices.map((inv) => ({
		issuer: inv.issuer ?? 'default',
		doc_type: inv.docType,
		number: inv.number,
		customer_id: ids.get(inv.customerExternalId) as string,
		currency: inv.currency,
		total_excl_minor: inv.totalExclMinor.toString(),
		total_tax_minor: inv.totalTaxMinor.toString(),
		total_incl_minor: inv.totalInclMinor.toString(),
		payable_minor: inv.payableMinor.toString(),
		open_minor: inv.payableMinor.toString(),
		issue_date: inv.issueDate,
		due_date: inv.dueDate,
		terms_days: inv.termsDays ?? null,
		content_hash: invoiceContentHash(inv),
		source: 'json',
		status: 'open',
	}));
}

function intakeWorkflow(): WorkflowJson {
	return {
		name: 'Bench: Invoice Intake',
		nodes: [
			{
				id: 'b1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'b2',
				name: 'Invoice Intake',
				type: 'n8n-nodes-receivables.invoiceIntake',
				typeVersion: 1,
				position: [200, 0],
				parameters: { operation: 'storeInvoices', source: 'item', options: {} },
				credentials: { receivablesLedgerApi: { id: 'ledger', name: 'Ledger' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Invoice Intake', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function postgresWorkflow(schema: string): WorkflowJson {
	const version =
		(packageTypes().getByName('n8n-nodes-base.postgres').description as { defaultVersion?: number })
			.defaultVersion ?? 2.6;
	return {
		name: 'Bench: n8n Postgres node',
		nodes: [
			{
				id: 'p1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'p2',
				name: 'Insert invoices',
				type: 'n8n-nodes-base.postgres',
				typeVersion: version,
				position: [200, 0],
				parameters: {
					operation: 'insert',
					schema: { __rl: true, mode: 'name', value: schema },
					table: { __rl: true, mode: 'name', value: 'invoices' },
					columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
					options: {},
				},
				credentials: { postgres: { id: 'pg', name: 'Postgres' } },
			},
		],
		connections: { Start: { main: [[{ node: 'Insert invoices', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** What a user builds from n8n's nodes to do the same: customers looked up, amounts converted, rows inserted. */
function nativeWorkflow(schema: string): WorkflowJson {
	const version =
		(packageTypes().getByName('n8n-nodes-base.postgres').description as { defaultVersion?: number })
			.defaultVersion ?? 2.6;
	const credentials = { postgres: { id: 'pg', name: 'Postgres' } };
	const column = (name: string, value: string, type: 'string' | 'number') => ({
		id: name,
		name,
		value,
		type,
	});
	const minor = (field: string) => `={{ Math.round(Number($json.${field}) * 100) }}`;
	return {
		name: 'Bench: the same flow from n8n nodes',
		nodes: [
			{
				id: 'n1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'n2',
				name: 'Customers',
				type: 'n8n-nodes-base.postgres',
				typeVersion: version,
				position: [200, 200],
				executeOnce: true,
				parameters: {
					operation: 'executeQuery',
					query: `SELECT id::int AS customer_id, external_id AS "customerId" FROM "${schema}".customers`,
					options: {},
				},
				credentials,
			},
			{
				id: 'n3',
				name: 'Customer ids',
				type: 'n8n-nodes-base.merge',
				typeVersion: 3.2,
				position: [400, 0],
				parameters: {
					mode: 'combine',
					fieldsToMatchString: 'customerId',
					joinMode: 'keepMatches',
					options: {},
				},
			},
			{
				id: 'n4',
				name: 'Columns',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [600, 0],
				parameters: {
					mode: 'manual',
					includeOtherFields: false,
					options: {},
					assignments: {
						assignments: [
							column('number', '={{ $json.number }}', 'string'),
							column('customer_id', '={{ $json.customer_id }}', 'number'),
							column('currency', '={{ $json.currency }}', 'string'),
							column('total_excl_minor', minor('totalExcl'), 'number'),
							column('total_tax_minor', minor('totalTax'), 'number'),
							column('total_incl_minor', minor('totalIncl'), 'number'),
							column('payable_minor', minor('totalIncl'), 'number'),
							column('open_minor', minor('totalIncl'), 'number'),
							column('issue_date', '={{ $json.issueDate }}', 'string'),
							column('due_date', '={{ $json.dueDate }}', 'string'),
							column('content_hash', "={{ $json.number + '|' + $json.totalIncl }}", 'string'),
						],
					},
				},
			},
			{
				id: 'n5',
				name: 'Insert invoices',
				type: 'n8n-nodes-base.postgres',
				typeVersion: version,
				position: [800, 0],
				parameters: {
					operation: 'insert',
					schema: { __rl: true, mode: 'name', value: schema },
					table: { __rl: true, mode: 'name', value: 'invoices' },
					columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
					options: { skipOnConflict: true },
				},
				credentials,
			},
		],
		connections: {
			Start: {
				main: [
					[
						{ node: 'Customer ids', type: 'main', index: 0 },
						{ node: 'Customers', type: 'main', index: 0 },
					],
				],
			},
			Customers: { main: [[{ node: 'Customer ids', type: 'main', index: 1 }]] },
			'Customer ids': { main: [[{ node: 'Columns', type: 'main', index: 0 }]] },
			Columns: { main: [[{ node: 'Insert invoices', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

function postgresCredential(databaseUrl: string): Record<string, string | number | boolean> {
	const url = new URL(databaseUrl);
	return {
		host: url.hostname,
		port: Number(url.port || 5432),
		database: url.pathname.replace(/^\//, '') || 'postgres',
		user: decodeURIComponent(url.username || 'postgres'),
		password: decodeURIComponent(url.password || ''),
		ssl: 'disable',
		allowUnauthorizedCerts: false,
		sshTunnel: false,
		maxConnections: 100,
	};
}

function rate(rows: number, ms: number): number {
	return Math.round((rows / ms) * 1000);
}

function normalised(items: Array<Record<string, string>>): LedgerInvoice[] {
	return items.map((item) => {
		const { invoice } = normaliseInvoiceRecord(item);
		if (!invoice) throw new Error(`Bench data rejected: ${JSON.stringify(item)}`);
		return invoice;
	});
}

/** Invoice Intake in a workflow: Manual Trigger with the items pinned → Invoice Intake (storeInvoices). */
async function measureIntake(
	ctx: BenchContext,
	ledger: Ledger,
	items: Array<Record<string, string>>,
): Promise<{ ms: number; nodeMs: number }> {
	const started = performance.now();
	const run = await runWorkflow(intakeWorkflow(), {
		triggerItems: items,
		credentials: { receivablesLedgerApi: credentialFor(ctx.databaseUrl, ledger.schema) },
	});
	const ms = performance.now() - started;
	if (run.status !== 'success') throw new Error(`Invoice Intake run failed: ${run.error?.message}`);
	const accepted = run.nodeOutputs('Invoice Intake', 0).length;
	const stored = await countInvoices(ledger);
	if (accepted !== items.length || stored !== items.length) {
		throw new Error(
			`Invoice Intake stored ${stored} and accepted ${accepted} of ${items.length} invoices`,
		);
	}
	return { ms, nodeMs: run.run.data.resultData.runData['Invoice Intake'][0].executionTime };
}

/** Raw COPY of the rows Invoice Intake writes, converted beforehand. */
async function measureCopy(ledger: Ledger, invoices: LedgerInvoice[]): Promise<number> {
	const rows = tableRows(invoices, await customerIds(ledger)).map((row) =>
		COPY_COLUMNS.map((c) => row[c]),
	);
	const started = performance.now();
	await ledger.transaction((client) => copyRows(client, 'invoices', COPY_COLUMNS, rows));
	const ms = performance.now() - started;
	if ((await countInvoices(ledger)) !== invoices.length)
		throw new Error('COPY did not store every row');
	return ms;
}

/** n8n's Postgres node (insert, auto-mapped columns) fed the same rows, converted beforehand. */
async function measurePostgresNode(
	ctx: BenchContext,
	ledger: Ledger,
	invoices: LedgerInvoice[],
): Promise<number> {
	const items = tableRows(invoices, await customerIds(ledger));
	const before = await countInvoices(ledger);
	const started = performance.now();
	const run = await runWorkflow(postgresWorkflow(ledger.schema), {
		triggerItems: items,
		credentials: { postgres: postgresCredential(ctx.databaseUrl) },
	});
	const ms = performance.now() - started;
	if (run.status !== 'success') throw new Error(`Postgres node run failed: ${run.error?.message}`);
	if ((await countInvoices(ledger)) - before !== invoices.length)
		throw new Error('The Postgres node did not store every row');
	return ms;
}

/** The same flow built from n8n's nodes, from the same items as Invoice Intake. */
async function measureNativeFlow(
	ctx: BenchContext,
	ledger: Ledger,
	items: Array<Record<string, string>>,
): Promise<number> {
	const before = await countInvoices(ledger);
	const started = performance.now();
	const run = await runWorkflow(nativeWorkflow(ledger.schema), {
		triggerItems: items,
		credentials: { postgres: postgresCredential(ctx.databaseUrl) },
	});
	const ms = performance.now() - started;
	if (run.status !== 'success') throw new Error(`The n8n-nodes flow failed: ${run.error?.message}`);
	if ((await countInvoices(ledger)) - before !== items.length)
		throw new Error('The n8n-nodes flow did not store every row');
	return ms;
}

const bench: BenchFn = async (ctx) => {
	const count = Math.max(1_000, Math.round(INVOICES * ctx.scale));
	const ledgers: Ledger[] = [];
	const fresh = async (tag: string) => {
		const ledger = await freshLedger(ctx, tag);
		ledgers.push(ledger);
		return ledger;
	};
	try {
		// Warm-up (not measured): loads the node classes and n8n-core, opens the pools' code paths once.
		const warm = await fresh('warm');
		await measureIntake(ctx, warm, invoiceItems(500, 'WARM'));
		await measurePostgresNode(ctx, warm, normalised(invoiceItems(200, 'WARMPG')));
		await measureNativeFlow(ctx, warm, invoiceItems(200, 'WARMNATIVE'));

		// Each path runs alone in a fresh schema; what one path needs is built after the previous one finished.
		// COPY runs just before and just after Invoice Intake (each into a fresh schema): the load of the shared
		// machine drifts over a run, and the mean of the two brackets the intake run instead of trailing it.
		const copyBefore = await measureCopy(await fresh('copy'), normalised(invoiceItems(count)));
		const intake = await measureIntake(ctx, await fresh('node'), invoiceItems(count));
		const copyAfter = await measureCopy(await fresh('copy2'), normalised(invoiceItems(count)));
		const copyMs = (copyBefore + copyAfter) / 2;
		const nativeCount = Math.max(500, Math.round(count / 20));
		const nativeMs = await measureNativeFlow(ctx, await fresh('native'), invoiceItems(nativeCount));
		const pgCount = Math.max(1_000, Math.round(count / 10));
		const pgMs = await measurePostgresNode(
			ctx,
			await fresh('pg'),
			normalised(invoiceItems(pgCount)),
		);

		const intakeRate = rate(count, intake.ms);
		const copyRate = rate(count, copyMs);
		const nativeRate = rate(nativeCount, nativeMs);
		const pgRate = rate(pgCount, pgMs);
		ctx.log(
			`${count} invoices through Invoice Intake and COPY, ${nativeCount} through the n8n-nodes flow, ${pgCount} through the Postgres insert alone`,
		);
		ctx.log(
			`Invoice Intake node ${Math.round(intake.nodeMs)} ms of ${Math.round(intake.ms)} ms for the whole workflow; raw COPY ${Math.round(copyBefore)} ms before it, ${Math.round(copyAfter)} ms after`,
		);
		ctx.metric('Invoice Intake workflow', intakeRate, 'rows/s');
		ctx.metric('raw COPY', copyRate, 'rows/s');
		ctx.metric('n8n nodes flow (Postgres, Merge, Set, Postgres insert)', nativeRate, 'rows/s');
		ctx.metric('n8n Postgres insert alone, rows pre-converted', pgRate, 'rows/s');
		ctx.ratio('Invoice Intake workflow vs raw COPY', intakeRate / copyRate, '≥ 0.5×');
		ctx.ratio(
			'Invoice Intake workflow vs the same flow from n8n nodes',
			intakeRate / nativeRate,
			'≥ 10×',
		);
		ctx.ratio('Invoice Intake workflow vs n8n Postgres insert alone', intakeRate / pgRate);
	} finally {
		await closeEngine();
		for (const ledger of ledgers) await dropLedger(ledger).catch(() => undefined);
	}
};

export default bench;
