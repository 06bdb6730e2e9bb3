/**
 * Bulk intake inside a real n8n 2.40.7 (the runtime folder: RECEIVABLES_RUNTIME_DIR, else .runtime/n8n), side by
 * side in one run with the references a user would compare it with (README, "Inside a real n8n"):
 * - items: Manual → Code (N invoices as items) → Invoice Intake Store Invoices, in its summary output (the default
 *   of version 2) and one item per invoice; against Manual → Code → n8n's own Postgres node inserting the same rows
 *   (the flow a user builds without the package) and a raw COPY of the same rows into the same table. The three
 *   flows run twice, in one order then the reverse; the faster time (the higher RSS) is compared, both are logged.
 * - file: Manual → Read/Write Files (a CSV export on disk) → Store Invoices From File, at 1 %, 10 % and 100 % of the
 *   rows, each into an empty ledger (time per row and peak memory must not depend on the size); against a raw COPY.
 * - preloaded: the 10 % file into a ledger already holding PRELOADED invoices (loaded by COPY) against the same
 *   file into an empty ledger.
 * - xml: Read/Write Files reading a folder of UBL and CII invoice files (corpus invoices with numbers of their own)
 *   → Store Invoices From File; against a raw COPY of the same rows.
 * - email: Manual → Reminder Step (Send Reminder E-Mails, its plan included) to an SMTP sink on loopback, at 2k
 *   and 20k reminders; against a raw loop of nodemailer's pooled transport (the same number of messages, ready-made,
 *   5 connections with TCP_NODELAY as the package's pool) and, at 2k, Reminder Step's plan → n8n's own Send Email
 *   node (a fifth of the plan: it opens one SMTP connection per message, its cost per message does not follow the
 *   volume).
 * - plan: Manual → Reminder Step (Plan Reminders), 1,000 invoices due (one per customer, 2,000 customers), on a
 *   ledger holding 10k invoices and on one holding PLAN_LEDGER (1M) with a history in proportion (reminders sent,
 *   payments, promises, holds, disputes): the node's own time must not follow the size of the ledger. The two
 *   ledgers are loaded first; the two flows then run in turns, three times each, and the median node times are
 *   compared.
 * Each flow runs with `n8n execute`; its time is the execution's own (startedAt → stoppedAt of the run n8n
 * prints, so n8n's start-up is left out; the start-up of an empty workflow is reported apart); per-node times
 * come from the run data; peak RSS is sampled from /proc for n8n and its task runner during the execution. An
 * empty workflow runs first as a warm-up, then as the baseline of memory: every peak RSS is also reported as its
 * growth above that baseline. The run ends with the issue's table (ctx.table) and, below BENCH_SCALE=1, an
 * estimate of the run time at BENCH_SCALE=1.
 * The package must be built (`npm run build`): it is packed and installed as n8n installs community packages.
 * Sizes: 100k items, a 1M-row CSV, a 1M-invoice ledger, 100k UBL/CII files at BENCH_SCALE=1; 0.02 for a quick look.
 */
import { spawn } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { Client } from 'pg';
import {
	installDefaultPolicies,
	parseInvoiceDocument,
	storeParsedInvoices,
	type Ledger,
	type LedgerInvoice,
} from '../core';
import { startSmtpSink } from '../test/helpers/smtpSink';
import { CUSTOMERS, cents, invoiceOf, upsertBenchCustomers, writeCsv } from './lib/invoiceFiles';
import {
	analyze,
	copyInvoices,
	freshLedger,
	timeIt,
	uniqueSchema,
	type InvoiceRow,
} from './lib/ledgers';
import {
	addReminderHistory,
	loadReminderCustomers,
	loadReminderInvoices,
	pooledNodelayTransport,
	REMINDERS_AS_OF,
	saveLevel1Policy,
	sendReadyMadeReminders,
} from './lib/reminders';
import { dropSchemas } from './lib/schemas';
import type { BenchContext, BenchFn, BenchTableRow } from './lib/types';

interface RuntimeLibrary {
	ensureN8nRuntime(options?: {
		log?: (line: string) => void;
	}): Promise<{ dir: string; nodeBin: string; n8nBin: string }>;
	packPackage(options?: { log?: (line: string) => void }): Promise<string>;
	installPackageInto(
		userFolder: string,
		tarball: string,
		options?: { log?: (line: string) => void },
	): Promise<string>;
	n8nEnv(options: Record<string, unknown>): Record<string, string>;
	importCredentials(
		runtime: unknown,
		env: Record<string, string>,
		credentials: unknown[],
	): Promise<unknown>;
	importWorkflows(runtime: unknown, env: Record<string, string>, dir: string): Promise<unknown>;
	freePort(): Promise<number>;
	newEncryptionKey(): string;
}

const ROOT = path.join(__dirname, '..');
// Loaded from the repository at run time (not bundled): it finds the repository from its own location.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib = require(path.join(ROOT, 'scripts', 'lib', 'n8n-runtime.cjs')) as RuntimeLibrary;

const ITEMS = 100_000;
const REMINDERS = [2_000, 20_000];
const MAIL_CONCURRENCY = 5;
const MAIL_AS_OF = REMINDERS_AS_OF;
const CSV_ROWS = 1_000_000;
const PRELOADED = 1_000_000;
const XML_FILES = 100_000;
const PLAN_DUE = 1_000;
const PLAN_CUSTOMERS = 2_000;
const PLAN_SMALL = 10_000;
const PLAN_LEDGER = 1_000_000;

/** The Code node that builds the invoices as items: the same function, inlined. */
function codeNodeSource(
	prefix: string,
	count: number,
	diy: { customerIds: Record<string, string> } | undefined,
): string {
	return [
		`const invoiceOf = ${invoiceOf.toString()};`,
		`const cents = ${cents.toString()};`,
		`const customerCode = (i) => 'CUST-' + String(i % ${CUSTOMERS}).padStart(4, '0');`,
		diy ? `const ids = ${JSON.stringify(diy.customerIds)};` : '',
		`const out = new Array(${count});`,
		`for (let i = 0; i < ${count}; i++) {`,
		`  const v = invoiceOf(${JSON.stringify(prefix)}, i);`,
		diy
			? '  out[i] = { json: { number: v.number, customer_id: Number(ids[v.customer]), currency: "EUR", total_excl_minor: v.excl, total_tax_minor: v.tax, total_incl_minor: v.excl + v.tax, payable_minor: v.excl + v.tax, open_minor: v.excl + v.tax, issue_date: v.issue, due_date: v.due, content_hash: v.number } };'
			: '  out[i] = { json: { number: v.number, customerId: v.customer, currency: "EUR", totalExcl: cents(v.excl), totalTax: cents(v.tax), totalIncl: cents(v.excl + v.tax), issueDate: v.issue, dueDate: v.due } };',
		'}',
		'return out;',
	].join('\n');
}

type Node = Record<string, unknown>;
const LEDGER = { receivablesLedgerApi: { id: 'benchLedger00001', name: 'Bench ledger' } };
const POSTGRES = { postgres: { id: 'benchPostgres001', name: 'Bench Postgres' } };
const MAIL_LEDGER = {
	receivablesLedgerApi: { id: 'benchMailLedger1', name: 'Bench reminders ledger' },
};
const PLAN_SMALL_LEDGER = {
	receivablesLedgerApi: { id: 'benchPlanSmall01', name: 'Bench plan ledger (small)' },
};
const PLAN_BIG_LEDGER = {
	receivablesLedgerApi: { id: 'benchPlanLarge01', name: 'Bench plan ledger (large)' },
};
const SMTP = { receivablesSmtpApi: { id: 'benchSmtpRcv0001', name: 'Bench SMTP sink' } };
const N8N_SMTP = { smtp: { id: 'benchSmtpN8n0001', name: 'Bench SMTP sink (n8n)' } };

function workflow(id: string, name: string, nodes: Node[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let k = 0; k + 1 < nodes.length; k++)
		connections[nodes[k].name as string] = {
			main: [[{ node: nodes[k + 1].name, type: 'main', index: 0 }]],
		};
	nodes.forEach((node, k) => Object.assign(node, { id: `${id}-${k}`, position: [k * 220, 0] }));
	return {
		id,
		name,
		nodes,
		connections,
		active: false,
		settings: { executionOrder: 'v1', timezone: 'UTC' },
		pinData: {},
	};
}

const start: Node = {
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};
const code = (name: string, jsCode: string): Node => ({
	name,
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: { jsCode },
});

interface Sample {
	at: number;
	rss: number;
}

/** RSS (MB) of a process and its descendants (n8n and its task runner). */
function treeRss(pid: number): number {
	let total = 0;
	const visit = (p: number): void => {
		try {
			const status = readFileSync(`/proc/${p}/status`, 'utf8');
			const match = /VmRSS:\s+(\d+) kB/.exec(status);
			if (match) total += Number(match[1]) / 1024;
			for (const task of readdirSync(`/proc/${p}/task`)) {
				const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
				for (const child of children ? children.split(' ') : []) visit(Number(child));
			}
		} catch {
			// the process ended meanwhile
		}
	};
	visit(pid);
	return total;
}

interface Execution {
	/** The execution's own time (ms), n8n's start-up excluded. */
	executionMs: number;
	/** Wall time of the whole `n8n execute` command (ms). */
	wallMs: number;
	/** Time of each node (ms) from the run data. */
	nodeMs: Record<string, number>;
	/** Items on each node's first output. */
	nodeItems: Record<string, number>;
	/** First item of each node's first output. */
	firstJson: Record<string, unknown>;
	/** Peak RSS (MB) of n8n and its task runner during the execution, and at 10 % of its duration. */
	peakMb: number;
	peakAtTenthMb: number;
	/** Peak RSS (MB) over the whole command, n8n's start-up included (the baseline of an empty workflow). */
	peakLifeMb: number;
}

async function execute(
	runtime: { nodeBin: string; n8nBin: string },
	env: Record<string, string>,
	id: string,
	nodeArgs: string[] = [],
): Promise<Execution> {
	const started = performance.now();
	// The printed run goes to a file, not a pipe: n8n ends its process once the run is printed, and a large run
	// (one item per invoice) written to a pipe is cut short at exit; writes to a file are synchronous.
	const outFile = path.join(env.N8N_USER_FOLDER, `execute-${id}.out`);
	const out = openSync(outFile, 'w');
	const child = spawn(
		runtime.nodeBin,
		[...nodeArgs, runtime.n8nBin, 'execute', `--id=${id}`, '--rawOutput'],
		{
			cwd: env.N8N_USER_FOLDER,
			env: { ...process.env, ...env },
			stdio: ['ignore', out, 'pipe'],
		},
	);
	closeSync(out);
	let stderr = '';
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
		stderr = (stderr + chunk).slice(-8000);
	});
	const samples: Sample[] = [];
	const timer = setInterval(
		() => samples.push({ at: Date.now(), rss: treeRss(child.pid as number) }),
		100,
	);
	const [exitCode] = (await once(child, 'close')) as [number];
	clearInterval(timer);
	const wallMs = performance.now() - started;
	const stdout = readFileSync(outFile, 'utf8');
	rmSync(outFile, { force: true });
	const first = stdout.search(/^\{$/m);
	const last = stdout.lastIndexOf('\n}');
	// n8n may end its own process by a signal once the run is printed: the printed run decides.
	if (first < 0 || last < 0)
		throw new Error(
			`n8n execute --id=${id} failed (exit ${exitCode}):\n${stdout.slice(-3000)}\n${stderr}`,
		);
	const run = JSON.parse(stdout.slice(first, last + 2)) as {
		status: string;
		startedAt: string;
		stoppedAt: string;
		data: {
			resultData: {
				error?: { message: string };
				runData: Record<
					string,
					Array<{ executionTime: number; data?: { main?: Array<Array<{ json: unknown }> | null> } }>
				>;
			};
		};
	};
	if (run.status !== 'success')
		throw new Error(
			`n8n execute --id=${id}: ${run.status} ${run.data.resultData.error?.message ?? ''}`,
		);
	const from = Date.parse(run.startedAt);
	const to = Date.parse(run.stoppedAt);
	const during = samples.filter((s) => s.at >= from && s.at <= to);
	const tenth = during.filter((s) => s.at <= from + (to - from) / 10);
	const nodeMs: Record<string, number> = {};
	const nodeItems: Record<string, number> = {};
	const firstJson: Record<string, unknown> = {};
	for (const [name, runs] of Object.entries(run.data.resultData.runData)) {
		nodeMs[name] = runs[0].executionTime;
		nodeItems[name] = runs[0].data?.main?.[0]?.length ?? 0;
		firstJson[name] = runs[0].data?.main?.[0]?.[0]?.json;
	}
	return {
		executionMs: to - from,
		wallMs,
		nodeMs,
		nodeItems,
		firstJson,
		peakMb: during.reduce((max, s) => Math.max(max, s.rss), 0),
		peakAtTenthMb: tenth.reduce((max, s) => Math.max(max, s.rss), 0),
		peakLifeMb: samples.reduce((max, s) => Math.max(max, s.rss), 0),
	};
}

/** The invoice of row i as the references' COPY writes it: the same columns the package fills. */
function* invoiceRows(
	prefix: string,
	count: number,
	customerIds: Record<string, string>,
): Generator<InvoiceRow> {
	for (let i = 0; i < count; i++) {
		const v = invoiceOf(prefix, i);
		const customerId = customerIds[v.customer];
		yield {
			number: v.number,
			customerId,
			excl: v.excl,
			tax: v.tax,
			issue: v.issue,
			due: v.due,
			hash: v.number,
		};
	}
}

/** Raw COPY of `rows` into the ledger's invoices in one transaction (ms), the rows ready-made beforehand. */
async function rawCopy(ledger: Ledger, rows: InvoiceRow[]): Promise<number> {
	return await ledger.withClient(async (client) => {
		const started = performance.now();
		await client.query('BEGIN');
		await copyInvoices(client, rows);
		await client.query('COMMIT');
		return performance.now() - started;
	});
}

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

/** Where a profile's samples fall: self time by area (package, n8n, pg, GC, idle...) and the top functions. */
function summariseProfile(file: string): {
	areas: Array<[string, number]>;
	functions: Array<[string, number]>;
} {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as {
		nodes: ProfileNode[];
		samples: number[];
		timeDeltas: number[];
	};
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map<number, number>();
	profile.samples.forEach((id, k) =>
		self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[k] ?? 0)),
	);
	const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
	const area = (url: string, name: string): string => {
		if (!url) return name.startsWith('(') ? name : 'native / V8';
		const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
		if (match) return match[1];
		return url.startsWith('node:') ? 'node core' : 'other';
	};
	const areas = new Map<string, number>();
	const functions = new Map<string, number>();
	for (const [id, time] of self) {
		const node = byId.get(id);
		if (!node) continue;
		const a = area(node.callFrame.url, node.callFrame.functionName);
		areas.set(a, (areas.get(a) ?? 0) + time);
		const f = `${node.callFrame.functionName || '(anonymous)'} ${a}${node.callFrame.url ? `:${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}` : ''}`;
		functions.set(f, (functions.get(f) ?? 0) + time);
	}
	const top = (m: Map<string, number>, n: number): Array<[string, number]> =>
		[...m]
			.sort((x, y) => y[1] - x[1])
			.slice(0, n)
			.map(([k, v]) => [k, Math.round((v / total) * 1000) / 10]);
	return { areas: top(areas, 12), functions: top(functions, 15) };
}

/** `count` customers each with one open invoice due a week before MAIL_AS_OF (the level 1 window), nothing else. */
async function loadReminders(ledger: Ledger, count: number): Promise<void> {
	await ledger.query('TRUNCATE customers CASCADE');
	await loadReminderCustomers(ledger, count, true);
	await loadReminderInvoices(ledger, count, count, 0);
}

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'einvoices');
/**
 * UBL and CII invoices of the third-party corpora (test/fixtures/einvoices), each accepted as it is by the intake:
 * the batch repeats them in turn, each file with a number of its own.
 */
const XML_TEMPLATES = [
	'peppol/Invoice-Min_content_with_VAT.xml',
	'factur-x-zugferd/xml/ZUGFeRD-invoice_rabatte_3_abschlag_duepayableamount.xml',
	'peppol/BIS3_Invoice_positive.XML',
	'en16931/cii/CII_example9.xml',
	'en16931/ubl/ubl-tc434-example9.xml',
	'en16931/cii/CII_example7.xml',
	'peppol/BIS_Billing_30-Rantefaktura_Enkel.xml',
	'en16931/cii/CII_business_example_02.xml',
	'en16931/ubl/ubl-tc434-example4.xml',
	'en16931/cii/CII_example4.xml',
];

interface XmlTemplate {
	file: string;
	syntax: string;
	/** The document split at its invoice number. */
	parts: string[];
	/** What the intake stores for it (customer, amounts, dates). */
	invoice: LedgerInvoice;
}

/**
 * Reads the templates and stores each once with its buyer created as a customer (so the batch's invoices find
 * their customer, and the reference gets the rows the package writes); the caller empties the invoices afterwards.
 */
async function prepareXmlTemplates(ledger: Ledger): Promise<XmlTemplate[]> {
	const templates: XmlTemplate[] = [];
	for (const file of XML_TEMPLATES) {
		const text = readFileSync(path.join(FIXTURES, file), 'utf8');
		const parsed = await parseInvoiceDocument(Buffer.from(text));
		const number = parsed.invoices[0]?.number;
		const [outcome] = await storeParsedInvoices(ledger, parsed.invoices, {
			createMissingCustomers: true,
		});
		if (!number || !outcome?.invoice || outcome.status === 'rejected')
			throw new Error(
				`${file}: not stored as it is (${outcome?.status}: ${JSON.stringify(outcome?.anomalies)})`,
			);
		templates.push({
			file,
			syntax: parsed.invoices[0].syntax,
			parts: text.split(`>${number}<`),
			invoice: outcome.invoice,
		});
	}
	return templates;
}

const xmlNumber = (i: number): string => `XB-${String(i).padStart(7, '0')}`;

/** `count` invoice files in `dir`, the templates in turn, numbers XB-0000000…; returns their bytes. */
function writeXmlBatch(dir: string, templates: XmlTemplate[], count: number): number {
	mkdirSync(dir, { recursive: true });
	let bytes = 0;
	for (let i = 0; i < count; i++) {
		const t = templates[i % templates.length];
		const text = t.parts.join(`>${xmlNumber(i)}<`);
		bytes += text.length;
		writeFileSync(path.join(dir, `${xmlNumber(i)}.xml`), text);
	}
	return bytes;
}

/** The batch's invoices as the reference COPY writes them. */
function xmlRows(
	templates: XmlTemplate[],
	count: number,
	customerIds: Record<string, string>,
): InvoiceRow[] {
	return Array.from({ length: count }, (_v, i) => {
		const inv = templates[i % templates.length].invoice;
		return {
			number: xmlNumber(i),
			customerId: customerIds[inv.customerExternalId],
			currency: inv.currency,
			excl: inv.totalExclMinor,
			tax: inv.totalTaxMinor,
			payable: inv.payableMinor,
			issue: inv.issueDate,
			due: inv.dueDate,
			hash: xmlNumber(i),
		};
	});
}

function loadAverage(): string {
	return os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' / ');
}

const bench: BenchFn = async (ctx: BenchContext) => {
	const benchStarted = performance.now();
	const items = Math.max(1000, Math.round(ITEMS * ctx.scale));
	const csvRows = Math.max(10_000, Math.round(CSV_ROWS * ctx.scale));
	const hundredthRows = Math.max(1000, Math.round(csvRows / 100));
	const tenthRows = Math.round(csvRows / 10);
	const preloadRows = Math.max(10_000, Math.round(PRELOADED * ctx.scale));
	const xmlFiles = Math.max(500, Math.round(XML_FILES * ctx.scale));
	const reminderCounts = REMINDERS.map((n, k) =>
		Math.max(k === 0 ? 100 : 1000, Math.round(n * ctx.scale)),
	);
	const diySample = Math.max(50, Math.round(reminderCounts[0] / 5));
	const planBig = Math.max(20_000, Math.round(PLAN_LEDGER * ctx.scale));
	const schemas: string[] = [];
	const n8nSchema = uniqueSchema('bench_n8n');
	schemas.push(n8nSchema);
	// Outside the repository: the package is installed there with npm, as n8n installs it, on its own.
	const work = path.join(os.tmpdir(), `receivables-${n8nSchema.replace(/_/g, '-')}`);
	const files = path.join(work, 'files');
	mkdirSync(files, { recursive: true });
	ctx.log(
		`real n8n: ${items} items; CSV files of ${hundredthRows}, ${tenthRows} and ${csvRows} rows; ${tenthRows} rows on a ledger holding ${preloadRows}; ${xmlFiles} UBL/CII files; ${reminderCounts.join(' and ')} reminders; plans of ${PLAN_DUE} due on ledgers of ${PLAN_SMALL} and ${planBig} invoices; load average at start ${loadAverage()} on ${os.cpus().length} CPUs`,
	);
	ctx.metric('load average at start (1 min)', os.loadavg()[0]);

	const runtime = await lib.ensureN8nRuntime({ log: ctx.log });
	if (!existsSync(path.join(ROOT, 'dist')))
		throw new Error('dist/ is missing: run `npm run build` before `npm run bench -- real-n8n`.');
	const tarball = await lib.packPackage({ log: ctx.log });
	await lib.installPackageInto(work, tarball, { log: () => undefined });

	const url = new URL(ctx.databaseUrl);
	const db = {
		host: url.hostname,
		port: Number(url.port || 5432),
		database: url.pathname.replace(/^\//, '') || 'postgres',
		user: decodeURIComponent(url.username || 'postgres'),
		password: decodeURIComponent(url.password || ''),
	};
	const admin = new Client({ connectionString: ctx.databaseUrl });
	await admin.connect();
	await admin.query(`CREATE SCHEMA "${n8nSchema}"`);
	await admin.end();
	const env = lib.n8nEnv({
		userFolder: work,
		db: { ...db, schema: n8nSchema },
		port: await lib.freePort(),
		runnerPort: await lib.freePort(),
		encryptionKey: lib.newEncryptionKey(),
		extra: { GENERIC_TIMEZONE: 'UTC', N8N_RESTRICT_FILE_ACCESS_TO: files },
	});

	const opened: Ledger[] = [];
	const sink = await startSmtpSink({ keep: false });
	try {
		const ledger = await freshLedger(ctx, schemas, 'real');
		opened.push(ledger);
		const mailLedger = await freshLedger(ctx, schemas, 'real_mail');
		opened.push(mailLedger);
		const planSmallLedger = await freshLedger(ctx, schemas, 'real_plan_small');
		opened.push(planSmallLedger);
		const planBigLedger = await freshLedger(ctx, schemas, 'real_plan_large');
		opened.push(planBigLedger);
		const [ledgerSchema, mailSchema, planSmallSchema, planBigSchema] = schemas.slice(1);
		await upsertBenchCustomers(ledger);
		// The e-invoices' buyers become customers too (the templates stored once, then emptied below).
		const templates = await prepareXmlTemplates(ledger);
		const customerIds = Object.fromEntries(
			(
				await ledger.query<{ id: string; external_id: string }>(
					'SELECT id::text, external_id FROM customers',
				)
			).map((r) => [r.external_id, r.id]),
		);
		const emptyLedger = async (): Promise<void> => {
			await ledger.query('TRUNCATE invoices, history CASCADE');
			await ledger.query('ANALYZE invoices');
		};
		await emptyLedger();

		await lib.importCredentials(runtime, env, [
			{
				id: LEDGER.receivablesLedgerApi.id,
				name: LEDGER.receivablesLedgerApi.name,
				type: 'receivablesLedgerApi',
				data: { ...db, ssl: 'disable', schema: ledgerSchema },
			},
			{
				id: POSTGRES.postgres.id,
				name: POSTGRES.postgres.name,
				type: 'postgres',
				data: {
					...db,
					ssl: 'disable',
					allowUnauthorizedCerts: false,
					sshTunnel: false,
					maxConnections: 10,
				},
			},
			{
				id: MAIL_LEDGER.receivablesLedgerApi.id,
				name: MAIL_LEDGER.receivablesLedgerApi.name,
				type: 'receivablesLedgerApi',
				data: { ...db, ssl: 'disable', schema: mailSchema },
			},
			...[
				[PLAN_SMALL_LEDGER, planSmallSchema],
				[PLAN_BIG_LEDGER, planBigSchema],
			].map(([credential, schema]) => ({
				id: (credential as typeof PLAN_SMALL_LEDGER).receivablesLedgerApi.id,
				name: (credential as typeof PLAN_SMALL_LEDGER).receivablesLedgerApi.name,
				type: 'receivablesLedgerApi',
				data: { ...db, ssl: 'disable', schema },
			})),
			{
				id: SMTP.receivablesSmtpApi.id,
				name: SMTP.receivablesSmtpApi.name,
				type: 'receivablesSmtpApi',
				data: {
					host: sink.config.host,
					port: sink.config.port,
					secure: false,
					disableStartTls: true,
					user: '',
					password: '',
				},
			},
			{
				id: N8N_SMTP.smtp.id,
				name: N8N_SMTP.smtp.name,
				type: 'smtp',
				data: {
					host: sink.config.host,
					port: sink.config.port,
					secure: false,
					disableStartTls: true,
					user: '',
					password: '',
				},
			},
		]);
		const reminderStep = (
			parameters: Record<string, unknown>,
			credentials: Record<string, unknown>,
		): Node => ({
			name: 'Reminder Step',
			type: 'n8n-nodes-receivables.reminderStep',
			typeVersion: 1,
			parameters,
			credentials,
		});
		const intake = (parameters: Record<string, unknown>): Node => ({
			name: 'Invoice Intake',
			type: 'n8n-nodes-receivables.invoiceIntake',
			typeVersion: 2,
			parameters,
			credentials: LEDGER,
		});
		const readFile = (fileSelector: string): Node => ({
			name: 'Read file',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1,
			parameters: { fileSelector, options: {} },
		});
		const flows = [
			workflow('benchStartOnly01', 'Start-up only', [{ ...start }]),
			workflow('benchItemsSumm01', 'Items → Store Invoices (summary)', [
				{ ...start },
				code('Invoices', codeNodeSource('PK', items, undefined)),
				intake({ operation: 'storeInvoices', options: {} }),
			]),
			// The Code node's own items with nothing after it: how much of an item flow's memory and time is n8n's.
			workflow('benchItemsCode001', 'Items → No Operation (the Code node alone)', [
				{ ...start },
				code('Invoices', codeNodeSource('PK', items, undefined)),
				{
					name: 'No Operation',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					parameters: {},
				},
			]),
			workflow('benchItemsEach01', 'Items → Store Invoices (one item per invoice)', [
				{ ...start },
				code('Invoices', codeNodeSource('PK', items, undefined)),
				intake({ operation: 'storeInvoices', outputMode: 'invoices', options: {} }),
			]),
			workflow('benchItemsDiy001', 'Items → n8n Postgres node', [
				{ ...start },
				code('Invoices', codeNodeSource('DY', items, { customerIds })),
				{
					name: 'Insert invoices',
					type: 'n8n-nodes-base.postgres',
					typeVersion: 2.6,
					credentials: POSTGRES,
					parameters: {
						operation: 'insert',
						schema: { __rl: true, mode: 'name', value: ledgerSchema },
						table: { __rl: true, mode: 'name', value: 'invoices' },
						columns: {
							mappingMode: 'autoMapInputData',
							value: {},
							matchingColumns: [],
							schema: [],
						},
						options: {},
					},
				},
			]),
			...(['hundredth', 'tenth'] as const).map((part) =>
				workflow(`benchFile${part.slice(0, 5)}01`, `CSV (a ${part}) → Store Invoices From File`, [
					{ ...start },
					readFile(path.join(files, `${part}.csv`)),
					intake({
						operation: 'storeInvoicesFromFile',
						binaryPropertyName: 'data',
						fileOptions: {},
					}),
				]),
			),
			workflow('benchXmlBatch001', 'UBL/CII files → Store Invoices From File', [
				{ ...start },
				readFile(path.join(files, 'xml', '*.xml')),
				intake({ operation: 'storeInvoicesFromFile', binaryPropertyName: 'data', fileOptions: {} }),
			]),
			workflow('benchMailStep001', 'Reminder Step → Send Reminder E-Mails', [
				{ ...start },
				reminderStep(
					{
						operation: 'sendEmail',
						source: 'plan',
						stage: 'level1',
						asOf: MAIL_AS_OF,
						senderEmail: 'relances@acme.example',
						senderName: 'Relances',
						companyName: 'ACME SAS',
						sendOptions: { concurrency: MAIL_CONCURRENCY },
					},
					{ ...MAIL_LEDGER, ...SMTP },
				),
			]),
			workflow('benchMailDiy0001', 'Reminder Step plan → n8n Send Email', [
				{ ...start },
				reminderStep({ operation: 'plan', stage: 'level1', asOf: MAIL_AS_OF }, MAIL_LEDGER),
				{
					name: 'Sample',
					type: 'n8n-nodes-base.limit',
					typeVersion: 1,
					parameters: { maxItems: diySample },
				},
				{
					name: 'Send Email',
					type: 'n8n-nodes-base.emailSend',
					typeVersion: 2.1,
					credentials: N8N_SMTP,
					parameters: {
						fromEmail: 'Relances <relances@acme.example>',
						toEmail: "={{ $json.to.join(', ') }}",
						subject:
							"={{ 'Relance : facture(s) échue(s) – ' + $json.totalOpen + ' ' + $json.currency }}",
						emailFormat: 'text',
						text: "={{ 'Bonjour,\\n\\nSauf erreur de notre part, les factures suivantes restent impayées :\\n\\n' + $json.invoices.map(i => '- Facture ' + i.number + ', échue le ' + i.dueDate + ' : ' + i.open + ' ' + $json.currency + ' restant dû').join('\\n') + '\\n\\nTotal restant dû : ' + $json.totalOpen + ' ' + $json.currency + '.\\n\\nCordialement,\\nService recouvrement\\nACME SAS' }}",
						options: { ccEmail: "={{ $json.cc.join(', ') }}", appendAttribution: false },
					},
				},
			]),
			workflow('benchPlanSmall01', 'Reminder Step → Plan Reminders (10k-invoice ledger)', [
				{ ...start },
				reminderStep({ operation: 'plan', stage: 'level1', asOf: MAIL_AS_OF }, PLAN_SMALL_LEDGER),
			]),
			workflow('benchPlanLarge01', 'Reminder Step → Plan Reminders (large ledger)', [
				{ ...start },
				reminderStep({ operation: 'plan', stage: 'level1', asOf: MAIL_AS_OF }, PLAN_BIG_LEDGER),
			]),
			workflow('benchFileWhole01', 'CSV → Store Invoices From File', [
				{ ...start },
				readFile(path.join(files, 'whole.csv')),
				intake({ operation: 'storeInvoicesFromFile', binaryPropertyName: 'data', fileOptions: {} }),
			]),
		];
		const flowDir = path.join(work, 'workflows');
		mkdirSync(flowDir, { recursive: true });
		for (const flow of flows)
			writeFileSync(path.join(flowDir, `${flow.id as string}.json`), JSON.stringify(flow));
		await lib.importWorkflows(runtime, env, flowDir).catch((error: Error) => {
			throw new Error(`${error.message}\n(workflows in ${flowDir})`);
		});
		const profileDir = path.join(ROOT, '.runtime', 'bench', 'profiles');
		const nodeArgs = process.env.BENCH_CPU_PROF
			? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]
			: [];
		/** n8n's start-up and exit of every execution (it does not grow with the volume), for the estimate. */
		let startUpMs = 0;
		const run = async (id: string, profile = false): Promise<Execution> => {
			const result = await execute(runtime, env, id, profile ? nodeArgs : []);
			startUpMs += result.wallMs - result.executionMs;
			if (profile) {
				const newest = readdirSync(profileDir)
					.filter((f) => f.endsWith('.cpuprofile'))
					.map((f) => path.join(profileDir, f))
					.sort()
					.pop();
				if (newest) {
					const { areas, functions } = summariseProfile(newest);
					ctx.log(
						`${id}: CPU profile ${newest}: self time by area (%) ${areas.map(([a, v]) => `${a} ${v}`).join(', ')}`,
					);
					for (const [f, v] of functions) ctx.log(`  ${v}% ${f}`);
				}
			}
			ctx.log(
				`${id}: execution ${Math.round(result.executionMs)} ms (wall ${Math.round(result.wallMs)} ms), nodes ${JSON.stringify(Object.fromEntries(Object.entries(result.nodeMs)))}, peak ${Math.round(result.peakMb)} MB (whole command, start-up included: ${Math.round(result.peakLifeMb)} MB), load ${loadAverage()}`,
			);
			return result;
		};
		const perSecond = (count: number, ms: number): number => count / (ms / 1000);
		const mb = (value: number): string => `${Math.round(value).toLocaleString('en-US')} MB`;
		const rate = (count: number, ms: number, unit = 'rows/s'): string =>
			`${Math.round(perSecond(count, ms)).toLocaleString('en-US')} ${unit}`;
		const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
		const table: BenchTableRow[] = [];

		// Warm-up (Postgres, the page cache, n8n's database), then the baseline: the same empty Manual workflow,
		// whose peak RSS over its whole run (start-up included) is what n8n holds before any node does anything.
		const warmUp = await run('benchStartOnly01');
		ctx.log(`warm-up (empty workflow, not counted): wall ${Math.round(warmUp.wallMs)} ms`);
		const baseline = await run('benchStartOnly01');
		const baselineMb = baseline.peakLifeMb;
		ctx.metric('n8n execute start-up (empty workflow, wall)', Math.round(baseline.wallMs), 'ms');
		ctx.metric('empty n8n execution: peak RSS (baseline)', Math.round(baselineMb), 'MB');
		const growth = (r: Execution): number => Math.max(0, r.peakMb - baselineMb);
		const memory = (r: Execution): string => `${mb(r.peakMb)} (+${mb(growth(r))})`;
		table.push({
			flow: 'Manual only (empty workflow): n8n start-up, and the baseline of peak RSS',
			rows: '—',
			package: `${seconds(baseline.wallMs)}, ${mb(baselineMb)}`,
			reference: '—',
		});
		const setUpMs = performance.now() - benchStarted;
		const estimate: Array<{ path: string; ms: number; startUpMs: number; factor: number }> = [];
		const timed = async (name: string, factor: number, work: () => Promise<void>) => {
			const started = performance.now();
			const startUpBefore = startUpMs;
			await work();
			estimate.push({
				path: name,
				ms: performance.now() - started,
				startUpMs: startUpMs - startUpBefore,
				factor,
			});
		};

		// BENCH_REAL_N8N_ONLY=items, file, preloaded, xml, email or plan (or a comma list): those paths only
		const only = process.env.BENCH_REAL_N8N_ONLY?.split(',').map((p) => p.trim());
		const runs = (flowPath: string): boolean => !only || only.includes(flowPath);
		if (runs('items'))
			await timed('items', ITEMS / items, async () => {
				// Item path. The three flows run twice, in one order then the other (the first execution of a run is
				// slower: its Code node, caches); both are reported, the faster time (and the higher RSS) compared.
				await emptyLedger();
				const copyMs = await rawCopy(ledger, [...invoiceRows('CP', items, customerIds)]);
				await emptyLedger();
				const order = [
					'benchItemsSumm01',
					'benchItemsEach01',
					'benchItemsDiy001',
					'benchItemsCode001',
				];
				const results: Record<string, Execution[]> = {};
				for (const id of [...order, ...[...order].reverse()]) {
					const r = await run(id, process.env.BENCH_CPU_PROF === 'items' && !results[id]);
					(results[id] ??= []).push(r);
					if (id === 'benchItemsSumm01') {
						const stored = r.firstJson['Invoice Intake'] as { created?: number } | undefined;
						if (stored?.created !== items)
							throw new Error(
								`Store Invoices (summary) created ${stored?.created} of ${items} invoices: ${JSON.stringify(stored)}`,
							);
					} else if (id === 'benchItemsEach01') {
						if (r.nodeItems['Invoice Intake'] !== items)
							throw new Error(
								`Store Invoices (per item) gave ${r.nodeItems['Invoice Intake']} items for ${items}`,
							);
					} else if (id === 'benchItemsCode001') {
						if (r.nodeItems['No Operation'] !== items)
							throw new Error(
								`the Code node alone gave ${r.nodeItems['No Operation']} items for ${items}`,
							);
					} else {
						const [{ n }] = await ledger.query<{ n: string }>(
							"SELECT count(*)::text AS n FROM invoices WHERE number LIKE 'DY-%'",
						);
						if (Number(n) !== items)
							throw new Error(`the Postgres node inserted ${n} of ${items} rows`);
					}
					await emptyLedger();
				}
				const best = (id: string, node: string): Execution => {
					const [a, b] = results[id];
					return {
						...a,
						executionMs: Math.min(a.executionMs, b.executionMs),
						nodeMs: { [node]: Math.min(a.nodeMs[node], b.nodeMs[node]) },
						peakMb: Math.max(a.peakMb, b.peakMb),
					};
				};
				const both = (id: string, node: string): string =>
					results[id]
						.map((r) => `${Math.round(r.executionMs)} ms (node ${Math.round(r.nodeMs[node])} ms)`)
						.join(', then ');
				ctx.log(
					`items, first and second runs: summary ${both('benchItemsSumm01', 'Invoice Intake')}; per item ${both('benchItemsEach01', 'Invoice Intake')}; DIY ${both('benchItemsDiy001', 'Insert invoices')}; Code node alone ${both('benchItemsCode001', 'Invoices')}`,
				);
				const summary = best('benchItemsSumm01', 'Invoice Intake');
				const each = best('benchItemsEach01', 'Invoice Intake');
				const diy = best('benchItemsDiy001', 'Insert invoices');
				const codeAlone = best('benchItemsCode001', 'Invoices');

				ctx.metric(
					`items: raw COPY (${items} rows)`,
					Math.round(perSecond(items, copyMs)),
					'rows/s',
				);
				for (const [label, r] of [
					['summary', summary],
					['one item per invoice', each],
				] as const) {
					ctx.metric(
						`items (${label}): whole execution`,
						Math.round(perSecond(items, r.executionMs)),
						'rows/s',
					);
					ctx.metric(
						`items (${label}): Store Invoices node`,
						Math.round(r.nodeMs['Invoice Intake']),
						'ms',
					);
					ctx.metric(`items (${label}): peak RSS`, Math.round(r.peakMb), 'MB');
					ctx.metric(
						`items (${label}): peak RSS above the empty execution`,
						Math.round(growth(r)),
						'MB',
					);
				}
				ctx.metric(
					'items (DIY Code → Postgres): whole execution',
					Math.round(perSecond(items, diy.executionMs)),
					'rows/s',
				);
				ctx.metric(
					'items (DIY Code → Postgres): Postgres node',
					Math.round(diy.nodeMs['Insert invoices']),
					'ms',
				);
				ctx.metric('items (DIY Code → Postgres): peak RSS', Math.round(diy.peakMb), 'MB');
				ctx.metric(
					'items (DIY Code → Postgres): peak RSS above the empty execution',
					Math.round(growth(diy)),
					'MB',
				);
				ctx.metric(
					'items (Code node alone → No Operation): whole execution',
					Math.round(codeAlone.executionMs),
					'ms',
				);
				ctx.metric('items (Code node alone): peak RSS', Math.round(codeAlone.peakMb), 'MB');
				ctx.metric(
					'items (Code node alone): peak RSS above the empty execution',
					Math.round(growth(codeAlone)),
					'MB',
				);
				ctx.metric('items: raw COPY', Math.round(copyMs), 'ms');
				const node = summary.nodeMs['Invoice Intake'];
				const diyNode = diy.nodeMs['Insert invoices'];
				const ratios = {
					nodeVsCopy: copyMs / node,
					nodeVsDiy: diyNode / node,
					wholeVsDiy: diy.executionMs / summary.executionMs,
					peakVsDiy: summary.peakMb / diy.peakMb,
					growthVsDiy: growth(summary) / Math.max(1, growth(diy)),
					eachVsDiy: diy.executionMs / each.executionMs,
					eachPeakVsDiy: each.peakMb / diy.peakMb,
				};
				ctx.ratio('items (summary): Store Invoices node vs raw COPY', ratios.nodeVsCopy, '≥ 0.5×');
				ctx.ratio(
					'items (summary): Store Invoices node vs DIY Postgres node',
					ratios.nodeVsDiy,
					'≥ 10×',
				);
				ctx.ratio('items (summary): whole execution vs DIY flow', ratios.wholeVsDiy, '≥ 3×');
				ctx.ratio('items (summary): peak RSS vs DIY flow', ratios.peakVsDiy, '≤ 0.3×');
				ctx.ratio(
					'items (summary): peak RSS above the empty execution vs DIY flow',
					ratios.growthVsDiy,
					'≤ 0.3×',
				);
				ctx.ratio('items (one item per invoice): whole execution vs DIY flow', ratios.eachVsDiy);
				ctx.ratio('items (one item per invoice): peak RSS vs DIY flow', ratios.eachPeakVsDiy);
				const diyRate = `DIY Code → Postgres node ${rate(items, diy.executionMs)}; raw COPY ${rate(items, copyMs)}`;
				table.push(
					{
						flow: 'Manual → Code (items) → Store Invoices (summary), whole execution',
						rows: items,
						package: rate(items, summary.executionMs),
						reference: diyRate,
						ratio: ratios.wholeVsDiy,
						goal: '≥ 3×',
					},
					{
						flow: 'the Store Invoices node’s own time, vs raw COPY',
						rows: items,
						package: seconds(node),
						reference: `COPY ${seconds(copyMs)}`,
						ratio: ratios.nodeVsCopy,
						goal: '≥ 0.5×',
					},
					{
						flow: 'the Store Invoices node’s own time, vs the DIY Postgres node',
						rows: items,
						package: seconds(node),
						reference: `DIY Postgres node ${seconds(diyNode)}`,
						ratio: ratios.nodeVsDiy,
						goal: '≥ 10×',
					},
					{
						flow: 'memory of that execution: peak RSS (above the empty execution)',
						rows: items,
						package: memory(summary),
						reference: `DIY ${memory(diy)}`,
						ratio: ratios.peakVsDiy,
						goal: '≤ 0.3×',
					},
					{
						flow: 'the same, growth above the empty execution only',
						rows: items,
						package: `+${mb(growth(summary))}`,
						reference: `DIY +${mb(growth(diy))}`,
						ratio: ratios.growthVsDiy,
						goal: '≤ 0.3×',
					},
					{
						// A reference, no goal: the part of the item flows that is n8n's (the Code node's items).
						flow: 'Manual → Code (items) → No Operation: the Code node alone, whole execution (memory)',
						rows: items,
						package: '—',
						reference: `${seconds(codeAlone.executionMs)}, ${memory(codeAlone)}`,
					},
					{
						flow: 'Store Invoices, one item per invoice, whole execution (memory)',
						rows: items,
						package: `${rate(items, each.executionMs)}, ${memory(each)}`,
						reference: `DIY ${rate(items, diy.executionMs)}, ${memory(diy)}`,
						ratio: ratios.eachVsDiy,
					},
				);
			});
		// File paths: Read/Write Files → Store Invoices From File, each into an empty ledger unless said otherwise.
		const fileRows: Array<{ label: string; rows: number; r: Execution }> = [];
		const csvFlow = async (part: string, rows: number, id: string, label: string) => {
			const r = await run(id, process.env.BENCH_CPU_PROF === 'file' && part === 'whole');
			const summary = r.firstJson['Invoice Intake'] as { created?: number } | undefined;
			if (summary?.created !== rows)
				throw new Error(
					`Store Invoices From File (${part}) created ${summary?.created} of ${rows}: ${JSON.stringify(summary)}`,
				);
			fileRows.push({ label, rows, r });
			ctx.metric(
				`file (${label}): whole execution`,
				Math.round(perSecond(rows, r.executionMs)),
				'rows/s',
			);
			ctx.metric(`file (${label}): peak RSS`, Math.round(r.peakMb), 'MB');
			ctx.metric(
				`file (${label}): peak RSS above the empty execution`,
				Math.round(growth(r)),
				'MB',
			);
			return r;
		};
		let tenthEmpty: Execution | undefined;
		if (runs('file') || runs('preloaded')) {
			await writeCsv(path.join(files, 'tenth.csv'), 'FT', tenthRows);
		}
		if (runs('file'))
			await timed('file', CSV_ROWS / csvRows, async () => {
				// The same flow at 1 %, 10 % and 100 % of the rows: time per row and memory must not follow the size.
				await writeCsv(path.join(files, 'hundredth.csv'), 'FH', hundredthRows);
				await writeCsv(path.join(files, 'whole.csv'), 'FW', csvRows);
				await emptyLedger();
				const copyMs = await rawCopy(ledger, [...invoiceRows('FC', csvRows, customerIds)]);
				await emptyLedger();
				const hundredth = await csvFlow(
					'hundredth',
					hundredthRows,
					'benchFilehundr01',
					`${hundredthRows} rows`,
				);
				await emptyLedger();
				tenthEmpty = await csvFlow('tenth', tenthRows, 'benchFiletenth01', `${tenthRows} rows`);
				await emptyLedger();
				const whole = await csvFlow('whole', csvRows, 'benchFileWhole01', `${csvRows} rows`);
				await emptyLedger();
				ctx.metric(
					`file: raw COPY (${csvRows} rows)`,
					Math.round(perSecond(csvRows, copyMs)),
					'rows/s',
				);
				ctx.metric(
					`file (${csvRows} rows): Store Invoices From File node`,
					Math.round(whole.nodeMs['Invoice Intake']),
					'ms',
				);
				ctx.metric(
					`file (${csvRows} rows): peak RSS in the first 10 % of the execution`,
					Math.round(whole.peakAtTenthMb),
					'MB',
				);
				const perRow = (r: Execution, rows: number): number => r.executionMs / rows;
				const ratios = {
					vsCopy: copyMs / whole.executionMs,
					wholeVsTenth: perRow(whole, csvRows) / perRow(tenthEmpty, tenthRows),
					hundredthVsTenth: perRow(hundredth, hundredthRows) / perRow(tenthEmpty, tenthRows),
					flat: whole.peakMb / Math.max(1, whole.peakAtTenthMb),
				};
				ctx.ratio('file: whole execution vs raw COPY', ratios.vsCopy, '≥ 0.5×');
				ctx.ratio(
					`file: time per row at ${csvRows} vs at ${tenthRows} rows`,
					ratios.wholeVsTenth,
					'≤ 1.2×',
				);
				ctx.ratio(
					`file: time per row at ${hundredthRows} vs at ${tenthRows} rows`,
					ratios.hundredthVsTenth,
					'≤ 1.2×',
				);
				ctx.ratio('file: peak RSS at 100 % vs at 10 % of the execution', ratios.flat, '≤ 1.2×');
				table.push(
					{
						flow: 'Read File → Store Invoices From File, CSV, whole execution',
						rows: csvRows,
						package: rate(csvRows, whole.executionMs),
						reference: `raw COPY ${rate(csvRows, copyMs)}`,
						ratio: ratios.vsCopy,
						goal: '≥ 0.5×',
					},
					{
						flow: 'the same, peak RSS (above the empty execution)',
						rows: csvRows,
						package: memory(whole),
						reference: `empty execution ${mb(baselineMb)}`,
						ratio: whole.peakMb,
						unit: 'MB',
						goal: '≤ 300 MB',
					},
					{
						flow: 'the same, growth above the empty execution',
						rows: csvRows,
						package: `+${mb(growth(whole))}`,
						reference: '—',
						ratio: growth(whole),
						unit: 'MB',
						goal: '≤ 300 MB',
					},
					{
						flow: 'the same, peak RSS at 100 % vs the first 10 % of the execution',
						rows: csvRows,
						package: mb(whole.peakMb),
						reference: `first 10 %: ${mb(whole.peakAtTenthMb)}`,
						ratio: ratios.flat,
						goal: '≤ 1.2×',
					},
					{
						flow: `time per row, ${csvRows} vs ${tenthRows} rows`,
						rows: csvRows,
						package: rate(csvRows, whole.executionMs),
						reference: `${tenthRows} rows: ${rate(tenthRows, tenthEmpty.executionMs)}`,
						ratio: ratios.wholeVsTenth,
						goal: '≤ 1.2×',
					},
					{
						flow: `time per row, ${hundredthRows} vs ${tenthRows} rows`,
						rows: hundredthRows,
						package: rate(hundredthRows, hundredth.executionMs),
						reference: `${tenthRows} rows: ${rate(tenthRows, tenthEmpty.executionMs)}`,
						ratio: ratios.hundredthVsTenth,
						goal: '≤ 1.2×',
					},
				);
			});
		if (runs('preloaded'))
			await timed('preloaded', PRELOADED / preloadRows, async () => {
				// The tenth's file again, into a ledger already holding PRELOADED invoices (loaded by COPY, analysed as
				// a server's autoanalyze would have by then): time per row against the same file into an empty ledger.
				if (!tenthEmpty) {
					await emptyLedger();
					tenthEmpty = await csvFlow('tenth', tenthRows, 'benchFiletenth01', `${tenthRows} rows`);
				}
				await emptyLedger();
				const loadMs = await ledger.withClient(async (client) => {
					const started = performance.now();
					await copyInvoices(client, invoiceRows('PL', preloadRows, customerIds));
					await analyze(client, ['invoices']);
					return performance.now() - started;
				});
				ctx.log(
					`preloaded ledger: ${preloadRows} invoices loaded by COPY in ${Math.round(loadMs)} ms`,
				);
				const preloaded = await csvFlow(
					'tenth',
					tenthRows,
					'benchFiletenth01',
					`${tenthRows} rows, ledger holding ${preloadRows}`,
				);
				await emptyLedger();
				const ratio = preloaded.executionMs / tenthRows / (tenthEmpty.executionMs / tenthRows);
				ctx.ratio(
					`file: time per row on a ledger holding ${preloadRows} vs an empty ledger`,
					ratio,
					'≤ 1.2×',
				);
				table.push({
					flow: `CSV on a ledger already holding ${preloadRows} invoices: time per row vs an empty ledger`,
					rows: tenthRows,
					package: `${rate(tenthRows, preloaded.executionMs)}, ${memory(preloaded)}`,
					reference: `empty ledger ${rate(tenthRows, tenthEmpty.executionMs)}`,
					ratio,
					goal: '≤ 1.2×',
				});
			});
		if (runs('xml'))
			await timed('xml', XML_FILES / xmlFiles, async () => {
				// A batch of UBL and CII invoice files, one invoice each: Read/Write Files reads them all (one item per
				// file), Store Invoices From File stores them in batches; against a raw COPY of the same rows.
				const bytes = writeXmlBatch(path.join(files, 'xml'), templates, xmlFiles);
				ctx.log(
					`xml: ${xmlFiles} files (${templates.map((t) => t.syntax).join('/')}, ${Math.round(bytes / 1024 / 1024)} MB)`,
				);
				await emptyLedger();
				const copyMs = await rawCopy(ledger, xmlRows(templates, xmlFiles, customerIds));
				await emptyLedger();
				const r = await run('benchXmlBatch001', process.env.BENCH_CPU_PROF === 'xml');
				const [{ n }] = await ledger.query<{ n: string }>(
					"SELECT count(*)::text AS n FROM invoices WHERE number LIKE 'XB-%'",
				);
				if (Number(n) !== xmlFiles)
					throw new Error(
						`Store Invoices From File stored ${n} of ${xmlFiles} UBL/CII files: ${JSON.stringify(r.firstJson['Invoice Intake'])}`,
					);
				await emptyLedger();
				rmSync(path.join(files, 'xml'), { recursive: true, force: true });
				ctx.metric(
					`xml: raw COPY (${xmlFiles} rows)`,
					Math.round(perSecond(xmlFiles, copyMs)),
					'rows/s',
				);
				ctx.metric(
					`xml (${xmlFiles} files): whole execution`,
					Math.round(perSecond(xmlFiles, r.executionMs)),
					'rows/s',
				);
				ctx.metric(
					`xml (${xmlFiles} files): Read file node`,
					Math.round(r.nodeMs['Read file']),
					'ms',
				);
				ctx.metric(
					`xml (${xmlFiles} files): Store Invoices From File node`,
					Math.round(r.nodeMs['Invoice Intake']),
					'ms',
				);
				ctx.metric(`xml (${xmlFiles} files): peak RSS`, Math.round(r.peakMb), 'MB');
				ctx.metric(
					`xml (${xmlFiles} files): peak RSS above the empty execution`,
					Math.round(growth(r)),
					'MB',
				);
				ctx.metric(
					`xml (${xmlFiles} files): time per row`,
					Math.round((r.executionMs / xmlFiles) * 1000) / 1000,
					'ms',
				);
				const vsCopy = copyMs / r.executionMs;
				ctx.ratio('xml: whole execution vs raw COPY', vsCopy, '≥ 0.5×');
				ctx.ratio(
					'xml: peak RSS at 100 % vs at 10 % of the execution',
					r.peakMb / Math.max(1, r.peakAtTenthMb),
					'≤ 1.2×',
				);
				table.push(
					{
						flow: 'Read Files (UBL/CII, one invoice a file) → Store Invoices From File, whole execution',
						rows: xmlFiles,
						package: `${rate(xmlFiles, r.executionMs)} (Read file ${seconds(r.nodeMs['Read file'])}, intake ${seconds(r.nodeMs['Invoice Intake'])})`,
						reference: `raw COPY ${rate(xmlFiles, copyMs)}`,
						ratio: vsCopy,
						goal: '≥ 0.5×',
					},
					{
						flow: 'the same, peak RSS (above the empty execution)',
						rows: xmlFiles,
						package: memory(r),
						reference: `empty execution ${mb(baselineMb)}`,
						ratio: r.peakMb,
						unit: 'MB',
						goal: '≤ 300 MB',
					},
					{
						flow: 'the same, growth above the empty execution',
						rows: xmlFiles,
						package: `+${mb(growth(r))}`,
						reference: '—',
						ratio: growth(r),
						unit: 'MB',
						goal: '≤ 300 MB',
					},
				);
			});
		if (runs('email'))
			await timed(
				'email',
				REMINDERS.reduce((a, b) => a + b) / reminderCounts.reduce((a, b) => a + b),
				async () => {
					// E-mail path: one stage, one invoice per customer, a static cc (the message the seed's level 1 sends).
					await installDefaultPolicies(mailLedger);
					await saveLevel1Policy(mailLedger);
					let diyMsPerMessage: number | undefined;
					let diyRate = '';
					for (const [k, count] of reminderCounts.entries()) {
						await loadReminders(mailLedger, count);
						if (k === 0) {
							// n8n's Send Email plans nothing and claims nothing: run it first, the plan is still due afterwards.
							const before = sink.received.length;
							const diy = await run('benchMailDiy0001');
							if (sink.received.length - before !== diySample)
								throw new Error(
									`n8n Send Email: the sink received ${sink.received.length - before} of ${diySample}`,
								);
							ctx.metric(
								`email (${diySample} of a ${count} plan): n8n Send Email node`,
								Math.round(perSecond(diySample, diy.nodeMs['Send Email'])),
								'messages/s',
							);
							ctx.metric(
								`email (${count}): DIY plan → Send Email, peak RSS`,
								Math.round(diy.peakMb),
								'MB',
							);
							diyMsPerMessage = diy.nodeMs['Send Email'] / diySample;
							diyRate = rate(diySample, diy.nodeMs['Send Email'], 'msg/s');
						}
						const before = sink.received.length;
						const step = await run(
							'benchMailStep001',
							process.env.BENCH_CPU_PROF === 'email' && k === reminderCounts.length - 1,
						);
						if (
							step.nodeItems['Reminder Step'] !== count ||
							sink.received.length - before !== count
						) {
							throw new Error(
								`Send Reminder E-Mails sent ${step.nodeItems['Reminder Step']} of ${count}, the sink received ${sink.received.length - before}`,
							);
						}
						const rawMs = await sendReadyMadeReminders(
							pooledNodelayTransport(sink.config, MAIL_CONCURRENCY),
							count,
							MAIL_CONCURRENCY,
						);
						ctx.metric(
							`email (${count}): raw pooled nodemailer`,
							Math.round(perSecond(count, rawMs)),
							'messages/s',
						);
						ctx.metric(
							`email (${count}): Reminder Step node (plan + send)`,
							Math.round(perSecond(count, step.nodeMs['Reminder Step'])),
							'messages/s',
						);
						ctx.metric(
							`email (${count}): whole execution`,
							Math.round(perSecond(count, step.executionMs)),
							'messages/s',
						);
						ctx.metric(`email (${count}): peak RSS`, Math.round(step.peakMb), 'MB');
						ctx.ratio(
							`email (${count}): Reminder Step node vs raw pooled nodemailer`,
							rawMs / step.nodeMs['Reminder Step'],
							'≥ 0.8×',
						);
						ctx.ratio(
							`email (${count}): whole execution vs raw pooled nodemailer`,
							rawMs / step.executionMs,
							'≥ 0.8×',
						);
						table.push({
							flow: 'Plan → Send Reminder E-Mails to a loopback SMTP sink, the Reminder Step node',
							rows: count,
							package: `${rate(count, step.nodeMs['Reminder Step'], 'msg/s')} (whole execution ${rate(count, step.executionMs, 'msg/s')}), ${memory(step)}`,
							reference: `raw pooled nodemailer ${rate(count, rawMs, 'msg/s')}${diyRate ? `; DIY Send Email ${diyRate}` : ''}`,
							ratio: rawMs / step.nodeMs['Reminder Step'],
							goal: '≥ 0.8×',
						});
						if (diyMsPerMessage)
							ctx.ratio(
								`email (${count}): Reminder Step node vs n8n Send Email node (messages/s)`,
								diyMsPerMessage / (step.nodeMs['Reminder Step'] / count),
								'≥ 10×',
							);
					}
				},
			);
		if (runs('plan'))
			await timed('plan', PLAN_LEDGER / planBig, async () => {
				// Planning: the same 1,000 reminders due on a small and on a large ledger (the rest paid, or open outside
				// the stage's window, with a history in proportion), loaded by COPY and analysed; the flows run in turns.
				const sizes = [
					{ id: 'benchPlanSmall01', ledger: planSmallLedger, size: PLAN_SMALL },
					{ id: 'benchPlanLarge01', ledger: planBigLedger, size: planBig },
				];
				for (const { ledger: planLedger, size } of sizes) {
					const loadMs = await timeIt(async () => {
						await installDefaultPolicies(planLedger);
						await saveLevel1Policy(planLedger);
						await loadReminderCustomers(planLedger, PLAN_CUSTOMERS, true);
						await loadReminderInvoices(planLedger, PLAN_CUSTOMERS, PLAN_DUE, size - PLAN_DUE);
						await addReminderHistory(planLedger, PLAN_DUE);
					});
					ctx.log(
						`plan: ledger of ${size} invoices (and its history) loaded by COPY in ${Math.round(loadMs)} ms`,
					);
				}
				const nodeMs: Record<string, number[]> = {};
				const executionMs: Record<string, number[]> = {};
				for (let turn = 0; turn < 3; turn++)
					for (const { id } of turn % 2 ? [...sizes].reverse() : sizes) {
						const r = await run(id);
						if (r.nodeItems['Reminder Step'] !== PLAN_DUE)
							throw new Error(
								`Plan Reminders (${id}) planned ${r.nodeItems['Reminder Step']} reminders, expected ${PLAN_DUE}`,
							);
						(nodeMs[id] ??= []).push(r.nodeMs['Reminder Step']);
						(executionMs[id] ??= []).push(r.executionMs);
					}
				const median = (values: number[]): number =>
					[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
				const [small, big] = sizes.map(({ id }) => median(nodeMs[id]));
				const [smallRun, bigRun] = sizes.map(({ id }) => median(executionMs[id]));
				ctx.log(`plan: node times (ms) ${JSON.stringify(nodeMs)}`);
				ctx.metric(
					`plan (${PLAN_DUE} due) on ${PLAN_SMALL} invoices: Reminder Step node`,
					Math.round(small),
					'ms',
				);
				ctx.metric(
					`plan (${PLAN_DUE} due) on ${planBig} invoices: Reminder Step node`,
					Math.round(big),
					'ms',
				);
				ctx.ratio(`plan: node time on ${planBig} vs ${PLAN_SMALL} invoices`, big / small, '≤ 1.2×');
				table.push({
					flow: `Manual → Reminder Step (Plan Reminders), ${PLAN_DUE} due: node time on a ledger of ${planBig} invoices vs ${PLAN_SMALL}`,
					rows: PLAN_DUE,
					package: `${seconds(big)} (whole execution ${seconds(bigRun)})`,
					reference: `${PLAN_SMALL} invoices: ${seconds(small)} (whole execution ${seconds(smallRun)})`,
					ratio: big / small,
					goal: '≤ 1.2×',
				});
			});
		// What BENCH_SCALE=1 would take on this machine now: each path's time with n8n's start-ups kept as they are
		// and the rest grown with the volume (linear: a path that is super-linear takes longer).
		if (ctx.scale !== 1) {
			let total = setUpMs;
			for (const part of estimate) {
				const at1 = part.startUpMs + (part.ms - part.startUpMs) * part.factor;
				total += at1;
				ctx.log(
					`estimate at BENCH_SCALE=1: ${part.path} ${Math.round(at1 / 1000)} s (measured ${Math.round(part.ms / 1000)} s at ${ctx.scale}, volume × ${Math.round(part.factor)})`,
				);
			}
			ctx.metric(
				'estimated run time at BENCH_SCALE=1 (these paths, linear in the volume)',
				Math.round(total / 60_000),
				'min',
			);
		}
		ctx.metric('load average at end (1 min)', os.loadavg()[0]);
		ctx.table?.(
			`Real n8n 2.40.7 (n8n execute, BENCH_SCALE=${ctx.scale}, load ${loadAverage()} on ${os.cpus().length} CPUs)`,
			table,
		);
	} finally {
		for (const each of opened) await each.close();
		await sink.close();
		await dropSchemas(ctx.databaseUrl, schemas);
		if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
	}
};

export default bench;
