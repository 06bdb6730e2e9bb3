/**
 * Bulk intake inside a real n8n 2.40.7 (the runtime folder: RECEIVABLES_RUNTIME_DIR, else .runtime/n8n), side by
 * side in one run with the references a user would compare it with:
 * - item path: Manual → Code (N invoices as items) → Invoice Intake Store Invoices, in its summary output (the
 *   default of version 2) and one item per invoice; against Manual → Code → n8n's own Postgres node inserting the
 *   same rows (the flow a user builds without the package) and a raw COPY of the same rows into the same table;
 * - file path: Manual → Read/Write Files (a CSV export on disk) → Invoice Intake Store Invoices From File, at a
 *   tenth of the rows then at all of them into the ledger already holding the first (time per row and peak
 *   memory must not depend on the size); against a raw COPY of the same rows.
 * - e-mail path: Manual → Reminder Step (Send Reminder E-Mails, its plan included) to an SMTP sink on loopback, at 2k
 *   and 20k reminders; against a raw loop of nodemailer's pooled transport (the same number of messages, ready-made,
 *   5 connections with TCP_NODELAY as the package's pool) and, at 2k, Reminder Step's plan → n8n's own Send Email
 *   node (a fifth of the plan: it opens one SMTP connection per message, its cost per message does not follow the
 *   volume).
 * Each flow runs with `n8n execute`; its time is the execution's own (startedAt → stoppedAt of the run n8n
 * prints, so n8n's start-up is left out; the start-up of an empty workflow is reported apart); per-node times
 * come from the run data; peak RSS is sampled from /proc for n8n and its task runner during the execution.
 * The package must be built (`npm run build`): it is packed and installed as n8n installs community packages.
 * Sizes: 100k items and a 1M-row CSV at BENCH_SCALE=1; BENCH_SCALE=0.02 for a quick look.
 */
import { spawn } from 'node:child_process';
import {
	closeSync,
	createWriteStream,
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
import { connect } from 'node:net';
import * as nodemailer from 'nodemailer';
import { Client } from 'pg';
import {
	copyRows,
	installDefaultPolicies,
	openLedger,
	savePolicy,
	upsertCustomers,
	type Ledger,
} from '../core';
import { startSmtpSink, type SmtpSink } from '../test/helpers/smtpSink';
import { dropSchemas } from './lib/schemas';
import type { BenchContext, BenchFn } from './lib/types';

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
const MAIL_AS_OF = '2026-03-31';
const CSV_ROWS = 1_000_000;
const CUSTOMERS = 1_000;
const CSV_HEADER =
	'N° facture;Code client;Client;Date facture;Échéance;Montant HT;TVA;Montant TTC;Devise\n';

const cents = (n: number): string => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
const customerCode = (i: number): string => `CUST-${String(i % CUSTOMERS).padStart(4, '0')}`;

/** The invoice of row i, as every flow and reference gets it. */
function invoiceOf(
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
		peakMb: Math.max(0, ...during.map((s) => s.rss)),
		peakAtTenthMb: Math.max(0, ...tenth.map((s) => s.rss)),
	};
}

/** The rows COPY writes for the reference: the same columns the package fills for these invoices. */
const COPY_COLUMNS = [
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
	'content_hash',
];

async function rawCopy(
	ledger: Ledger,
	prefix: string,
	count: number,
	customerIds: Record<string, string>,
): Promise<number> {
	const rows: string[][] = [];
	for (let i = 0; i < count; i++) {
		const v = invoiceOf(prefix, i);
		const incl = String(v.excl + v.tax);
		rows.push([
			v.number,
			customerIds[v.customer],
			'EUR',
			String(v.excl),
			String(v.tax),
			incl,
			incl,
			incl,
			v.issue,
			v.due,
			v.number,
		]);
	}
	return await ledger.withClient(async (client) => {
		const started = performance.now();
		await client.query('BEGIN');
		await copyRows(client, 'invoices', COPY_COLUMNS, rows);
		await client.query('COMMIT');
		return performance.now() - started;
	});
}

async function writeCsv(file: string, prefix: string, count: number): Promise<void> {
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
	await ledger.withClient(async (client) => {
		function* customers() {
			for (let i = 0; i < count; i++)
				yield [
					`C${i}`,
					`Client ${i} SARL`,
					'standard',
					i % 5 === 0 ? 'en' : 'fr',
					`{client${i}@customers.example}`,
				];
		}
		await copyRows(
			client,
			'customers',
			['external_id', 'name', 'profile', 'language', 'emails'],
			customers(),
		);
		const ids = (await client.query<{ id: string }>('SELECT id::text FROM customers ORDER BY id'))
			.rows;
		function* invoices() {
			for (let i = 0; i < count; i++) {
				const amount = 10_000 + ((i * 7919) % 900_000);
				const excl = Math.round(amount / 1.2);
				yield [
					`F-${i}`,
					ids[i].id,
					'EUR',
					excl,
					amount - excl,
					amount,
					amount,
					amount,
					'2026-01-30',
					'2026-03-24',
					`h${i}`,
				];
			}
		}
		await copyRows(
			client,
			'invoices',
			[
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
				'content_hash',
			],
			invoices(),
		);
		await client.query('ANALYZE customers');
		await client.query('ANALYZE invoices');
	});
}

/** The reference: nodemailer's pooled transport sending `count` ready-made messages of the same size (ms). */
async function rawNodemailer(sink: SmtpSink, count: number): Promise<number> {
	const transport = nodemailer.createTransport({
		pool: true,
		maxConnections: MAIL_CONCURRENCY,
		maxMessages: Infinity,
		host: sink.config.host,
		port: sink.config.port,
		secure: false,
		ignoreTLS: true,
		getSocket: (
			_options: unknown,
			callback: (err: Error | null, socket?: { connection: unknown }) => void,
		) => {
			const socket = connect(sink.config.port, sink.config.host, () =>
				callback(null, { connection: socket }),
			);
			socket.setNoDelay(true);
			socket.once('error', (error) => callback(error));
		},
	} as nodemailer.TransportOptions);
	const text =
		'Bonjour,\n\nSauf erreur de notre part, la facture suivante reste impayée :\n\n- Facture F-1 du 30 janvier 2026, échue le 24 mars 2026 : 1 234,56 € restant dû\n\nTotal restant dû : 1 234,56 €.\n\nCordialement,\nService recouvrement\nACME SAS';
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: MAIL_CONCURRENCY * 2 }, async () => {
			while (next < count) {
				const i = next++;
				await transport.sendMail({
					from: 'Relances <relances@acme.example>',
					to: `client${i}@customers.example`,
					cc: 'ventes@acme.example',
					subject: 'Relance : facture(s) échue(s) – 1 234,56 €',
					text,
					html: `<p>${text.replace(/\n/g, '<br>')}</p>`,
				});
			}
		}),
	);
	const ms = performance.now() - started;
	transport.close();
	return ms;
}

function loadAverage(): string {
	return os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' / ');
}

const bench: BenchFn = async (ctx: BenchContext) => {
	const items = Math.max(1000, Math.round(ITEMS * ctx.scale));
	const csvRows = Math.max(10_000, Math.round(CSV_ROWS * ctx.scale));
	const suffix = `${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
	const ledgerSchema = `bench_real_${suffix}`;
	const mailSchema = `bench_real_mail_${suffix}`;
	const reminderCounts = REMINDERS.map((n, k) =>
		Math.max(k === 0 ? 100 : 1000, Math.round(n * ctx.scale)),
	);
	const diySample = Math.max(50, Math.round(reminderCounts[0] / 5));
	const n8nSchema = `bench_n8n_${suffix}`;
	// Outside the repository: the package is installed there with npm, as n8n installs it, on its own.
	const work = path.join(os.tmpdir(), `receivables-real-n8n-${suffix}`);
	const files = path.join(work, 'files');
	mkdirSync(files, { recursive: true });
	ctx.log(
		`real n8n: ${items} items, a ${csvRows}-row CSV, ${reminderCounts.join(' and ')} reminders; load average at start ${loadAverage()} on ${os.cpus().length} CPUs`,
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

	const ledger = openLedger({ connectionString: ctx.databaseUrl, schema: ledgerSchema });
	const mailLedger = openLedger({ connectionString: ctx.databaseUrl, schema: mailSchema });
	const sink = await startSmtpSink({ keep: false });
	try {
		await ledger.ensureReady();
		await upsertCustomers(
			ledger,
			Array.from({ length: CUSTOMERS }, (_v, i) => ({
				externalId: customerCode(i),
				name: `Client ${customerCode(i)}`,
				emails: [`ap${i}@example.com`],
			})),
		);
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
		const flows = [
			workflow('benchStartOnly01', 'Start-up only', [{ ...start }]),
			workflow('benchItemsSumm01', 'Items → Store Invoices (summary)', [
				{ ...start },
				code('Invoices', codeNodeSource('PK', items, undefined)),
				intake({ operation: 'storeInvoices', options: {} }),
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
			workflow('benchFileTenth01', 'CSV (a tenth) → Store Invoices From File', [
				{ ...start },
				{
					name: 'Read file',
					type: 'n8n-nodes-base.readWriteFile',
					typeVersion: 1,
					parameters: { fileSelector: path.join(files, 'tenth.csv'), options: {} },
				},
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
			workflow('benchFileWhole01', 'CSV → Store Invoices From File', [
				{ ...start },
				{
					name: 'Read file',
					type: 'n8n-nodes-base.readWriteFile',
					typeVersion: 1,
					parameters: { fileSelector: path.join(files, 'whole.csv'), options: {} },
				},
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
		const nodeArgs = process.env.BENCH_CPU_PROF
			? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, '.runtime', 'bench', 'profiles')}`]
			: [];
		const run = async (id: string, profile = false): Promise<Execution> => {
			const result = await execute(runtime, env, id, profile ? nodeArgs : []);
			if (profile) {
				const dir = path.join(ROOT, '.runtime', 'bench', 'profiles');
				const newest = readdirSync(dir)
					.filter((f) => f.endsWith('.cpuprofile'))
					.map((f) => path.join(dir, f))
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
				`${id}: execution ${Math.round(result.executionMs)} ms (wall ${Math.round(result.wallMs)} ms), nodes ${JSON.stringify(Object.fromEntries(Object.entries(result.nodeMs)))}, peak ${Math.round(result.peakMb)} MB, load ${loadAverage()}`,
			);
			return result;
		};
		const perSecond = (count: number, ms: number): number => count / (ms / 1000);

		// Start-up: what `n8n execute` costs before any node runs.
		const startOnly = await run('benchStartOnly01');
		ctx.metric('n8n execute start-up (empty workflow, wall)', Math.round(startOnly.wallMs), 'ms');

		// BENCH_REAL_N8N_ONLY=items, file or email (or a comma list): those paths only
		const only = process.env.BENCH_REAL_N8N_ONLY?.split(',').map((p) => p.trim());
		const runs = (flowPath: string): boolean => !only || only.includes(flowPath);
		if (runs('items')) {
			// Item path.
			await emptyLedger();
			const copyMs = await rawCopy(ledger, 'CP', items, customerIds);
			await emptyLedger();
			const summary = await run('benchItemsSumm01', process.env.BENCH_CPU_PROF === 'items');
			const stored = summary.firstJson['Invoice Intake'] as { created?: number } | undefined;
			if (stored?.created !== items)
				throw new Error(
					`Store Invoices (summary) created ${stored?.created} of ${items} invoices: ${JSON.stringify(stored)}`,
				);
			await emptyLedger();
			const each = await run('benchItemsEach01');
			if (each.nodeItems['Invoice Intake'] !== items)
				throw new Error(
					`Store Invoices (per item) gave ${each.nodeItems['Invoice Intake']} items for ${items}`,
				);
			await emptyLedger();
			const diy = await run('benchItemsDiy001');
			const [{ n: diyRows }] = await ledger.query<{ n: string }>(
				"SELECT count(*)::text AS n FROM invoices WHERE number LIKE 'DY-%'",
			);
			if (Number(diyRows) !== items)
				throw new Error(`the Postgres node inserted ${diyRows} of ${items} rows`);
			await emptyLedger();

			ctx.metric(`items: raw COPY (${items} rows)`, Math.round(perSecond(items, copyMs)), 'rows/s');
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
			ctx.metric('items: raw COPY', Math.round(copyMs), 'ms');
			ctx.ratio(
				'items (summary): Store Invoices node vs raw COPY',
				copyMs / summary.nodeMs['Invoice Intake'],
				'≥ 0.5×',
			);
			ctx.ratio(
				'items (summary): Store Invoices node vs DIY Postgres node',
				diy.nodeMs['Insert invoices'] / summary.nodeMs['Invoice Intake'],
				'≥ 10×',
			);
			ctx.ratio(
				'items (summary): whole execution vs DIY flow',
				diy.executionMs / summary.executionMs,
				'≥ 3×',
			);
			ctx.ratio('items (summary): peak RSS vs DIY flow', summary.peakMb / diy.peakMb, '≤ 0.3×');
			ctx.ratio(
				'items (one item per invoice): whole execution vs DIY flow',
				diy.executionMs / each.executionMs,
			);
			ctx.ratio('items (one item per invoice): peak RSS vs DIY flow', each.peakMb / diy.peakMb);
		}
		if (runs('file')) {
			// File path: a tenth of the rows into an empty ledger, then all of them into the ledger holding that tenth.
			const tenthRows = Math.round(csvRows / 10);
			await writeCsv(path.join(files, 'tenth.csv'), 'FT', tenthRows);
			await writeCsv(path.join(files, 'whole.csv'), 'FW', csvRows);
			const csvCopyMs = await rawCopy(ledger, 'FC', csvRows, customerIds);
			await emptyLedger();
			const tenth = await run('benchFileTenth01');
			const whole = await run('benchFileWhole01', process.env.BENCH_CPU_PROF === 'file');
			const wholeSummary = whole.firstJson['Invoice Intake'] as { created?: number } | undefined;
			if (wholeSummary?.created !== csvRows)
				throw new Error(
					`Store Invoices From File created ${wholeSummary?.created} of ${csvRows}: ${JSON.stringify(wholeSummary)}`,
				);
			ctx.metric(
				`file: raw COPY (${csvRows} rows)`,
				Math.round(perSecond(csvRows, csvCopyMs)),
				'rows/s',
			);
			ctx.metric(
				`file (${tenthRows} rows, empty ledger): whole execution`,
				Math.round(perSecond(tenthRows, tenth.executionMs)),
				'rows/s',
			);
			ctx.metric(`file (${tenthRows} rows): peak RSS`, Math.round(tenth.peakMb), 'MB');
			ctx.metric(
				`file (${csvRows} rows, ledger holding ${tenthRows}): whole execution`,
				Math.round(perSecond(csvRows, whole.executionMs)),
				'rows/s',
			);
			ctx.metric(
				`file (${csvRows} rows): Store Invoices From File node`,
				Math.round(whole.nodeMs['Invoice Intake']),
				'ms',
			);
			ctx.metric(`file (${csvRows} rows): peak RSS`, Math.round(whole.peakMb), 'MB');
			ctx.metric(
				`file (${csvRows} rows): peak RSS in the first 10 % of the execution`,
				Math.round(whole.peakAtTenthMb),
				'MB',
			);
			ctx.ratio('file: whole execution vs raw COPY', csvCopyMs / whole.executionMs, '≥ 0.5×');
			ctx.ratio(
				`file: time per row at ${csvRows} vs at ${tenthRows} rows`,
				whole.executionMs / csvRows / (tenth.executionMs / tenthRows),
				'≤ 1.2×',
			);
			ctx.ratio(
				'file: peak RSS at 100 % vs at 10 % of the execution',
				whole.peakMb / Math.max(1, whole.peakAtTenthMb),
				'≤ 1.2×',
			);
		}
		if (runs('email')) {
			// E-mail path: one stage, one invoice per customer, a static cc (the message the seed's level 1 sends).
			await mailLedger.ensureReady();
			await installDefaultPolicies(mailLedger);
			await savePolicy(mailLedger, {
				code: 'standard',
				name: 'Standard',
				stages: [
					{
						code: 'level1',
						kind: 'reminder',
						offsetDays: 5,
						channels: ['email', 'letter'],
						template: 'reminder_1',
						grouping: 'statement',
						cc: ['ventes@acme.example'],
					},
				],
			});
			let diyMsPerMessage: number | undefined;
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
				}
				const before = sink.received.length;
				const step = await run(
					'benchMailStep001',
					process.env.BENCH_CPU_PROF === 'email' && k === reminderCounts.length - 1,
				);
				if (step.nodeItems['Reminder Step'] !== count || sink.received.length - before !== count) {
					throw new Error(
						`Send Reminder E-Mails sent ${step.nodeItems['Reminder Step']} of ${count}, the sink received ${sink.received.length - before}`,
					);
				}
				const rawMs = await rawNodemailer(sink, count);
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
				if (diyMsPerMessage)
					ctx.ratio(
						`email (${count}): Reminder Step node vs n8n Send Email node (messages/s)`,
						diyMsPerMessage / (step.nodeMs['Reminder Step'] / count),
						'≥ 10×',
					);
			}
		}
		ctx.metric('load average at end (1 min)', os.loadavg()[0]);
	} finally {
		await ledger.close();
		await mailLedger.close();
		await sink.close();
		await dropSchemas(ctx.databaseUrl, [ledgerSchema, mailSchema, n8nSchema]);
		if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
	}
};

export default bench;
