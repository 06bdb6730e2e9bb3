/**
 * Reminder Step, against references measured in the same process:
 *  1. 10,000 reminder e-mails (× BENCH_SCALE) to a local SMTP sink (smtp-server on loopback, no greeting delay):
 *     the core send path (claim in the ledger, render in the customer's language, compose, send on 5 pooled
 *     connections, confirm, history) against a raw loop of nodemailer's pooled transport (5 connections) sending
 *     the same number of ready-made messages. Goal: the core keeps ≥ 0.8× the raw throughput.
 *  2. Planning one stage on a 1,000,000-invoice ledger against a 10,000-invoice ledger holding the same reminders
 *     due (the rest paid or outside the stage window, with a history in proportion: reminders sent, payments,
 *     promises on invoices and on whole accounts, holds, disputes): the cost must follow what is due, not the
 *     ledger (≤ 1.2×). The ledgers are loaded with COPY and analysed, then planned in turns.
 *  3. 10,000 letters (PDF) produced one after another: peak RSS, and RSS growth between the first and the last
 *     tenth (flat memory).
 *  4. The same reminders sent by two n8n workflows run the same way (n8n-core's engine in this process, n8n-nodes-base's
 *     real nodes): Manual Trigger → Reminder Step (Send Reminder E-Mails, planning included) against Manual Trigger →
 *     Reminder Step (Plan Reminders) → n8n's own Send Email node (v2.1, the subject and text built by expressions,
 *     one item per customer; a Limit node passes a fifth of them: its cost per message does not depend on the
 *     volume, it opens one SMTP connection per message). The Send Email flow does less (no claim, no history, no
 *     Message-ID recorded), so the comparison favours it. Goal: Reminder Step ≥ 10× the messages/s.
 * Every schema is dropped afterwards. BENCH_DUNNING=emails,workflows,planning,letters picks parts; BENCH_EXPLAIN=1 logs the
 * plan of the planning query.
 */
import {
	createSmtpTransport,
	installDefaultPolicies,
	planReminders,
	produceLetters,
	sendReminderEmails,
	type Ledger,
} from '../core';
import { closeEngine, runWorkflow, type WorkflowJson } from '../test/helpers/engine';
import { startSmtpSink } from '../test/helpers/smtpSink';
import { freshLedger, timeIt } from './lib/ledgers';
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
import type { BenchContext, BenchFn } from './lib/types';

const CONCURRENCY = 5;

const AS_OF = REMINDERS_AS_OF;

async function freshDunningLedger(
	ctx: BenchContext,
	schemas: string[],
	tag: string,
): Promise<Ledger> {
	const ledger = await freshLedger(ctx, schemas, `dunning_${tag}`, { maxConnections: 8 });
	await installDefaultPolicies(ledger);
	return ledger;
}

async function emails(ctx: BenchContext, schemas: string[]): Promise<void> {
	const count = Math.max(100, Math.round(10_000 * ctx.scale));
	const sink = await startSmtpSink({ keep: false });
	const ledger = await freshDunningLedger(ctx, schemas, 'mail');
	try {
		// one stage, one invoice per customer, a static cc: the message the seed's level 1 sends
		await saveLevel1Policy(ledger);
		await loadReminderCustomers(ledger, count, true);
		await loadReminderInvoices(ledger, count, count, 0);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		if (plan.due.length !== count)
			throw new Error(`planned ${plan.due.length} reminders, expected ${count}`);
		const smtp = { ...sink.config, maxConnections: CONCURRENCY };

		// raw references: nodemailer's pooled transport, the same number of messages of the same size, ready-made;
		// once as configured by default, once with TCP_NODELAY on its sockets (as the package's pool sets it)
		const rawDefaultMs = await sendReadyMadeReminders(
			createSmtpTransport(smtp, { pool: true, maxConnections: CONCURRENCY }),
			count,
			CONCURRENCY,
		);
		const rawMs = await sendReadyMadeReminders(
			pooledNodelayTransport(smtp, CONCURRENCY),
			count,
			CONCURRENCY,
		);
		const received = sink.received.length;

		let outcomes = 0;
		const coreMs = await timeIt(async () => {
			const result = await sendReminderEmails(ledger, plan.due, {
				smtp,
				from: { name: 'Relances', address: 'relances@acme.example' },
				company: { name: 'ACME SAS' },
				concurrency: CONCURRENCY,
			});
			outcomes = result.outcomes.filter((o) => o.status === 'sent').length;
		});
		if (outcomes !== count || sink.received.length - received !== count)
			throw new Error(
				`core sent ${outcomes}, the sink received ${sink.received.length - received}`,
			);
		ctx.metric(
			'raw nodemailer pool (default sockets)',
			Math.round((count / rawDefaultMs) * 1000),
			'messages/s',
		);
		ctx.metric(
			'raw nodemailer pool (TCP_NODELAY)',
			Math.round((count / rawMs) * 1000),
			'messages/s',
		);
		ctx.metric('Reminder Step send path', Math.round((count / coreMs) * 1000), 'messages/s');
		ctx.ratio(
			'send throughput: core vs raw pooled nodemailer (TCP_NODELAY)',
			rawMs / coreMs,
			'≥ 0.8×',
		);
		ctx.ratio(
			'send throughput: core vs raw pooled nodemailer (default)',
			rawDefaultMs / coreMs,
			'≥ 0.8×',
		);
	} finally {
		await ledger.close();
		await sink.close();
	}
}

function credentialsFor(
	databaseUrl: string,
	schema: string,
	smtp: { host: string; port: number },
): Record<string, Record<string, string | number | boolean>> {
	const url = new URL(databaseUrl);
	return {
		receivablesLedgerApi: {
			host: url.hostname,
			port: Number(url.port || 5432),
			database: url.pathname.replace(/^\//, '') || 'postgres',
			user: decodeURIComponent(url.username || 'postgres'),
			password: decodeURIComponent(url.password || ''),
			ssl: 'disable',
			schema,
		},
		receivablesSmtpApi: {
			host: smtp.host,
			port: smtp.port,
			secure: false,
			disableStartTls: true,
			user: '',
			password: '',
		},
		smtp: {
			host: smtp.host,
			port: smtp.port,
			secure: false,
			disableStartTls: true,
			user: '',
			password: '',
		},
	};
}

const LEDGER_CREDENTIAL = {
	receivablesLedgerApi: { id: 'rcvLedgerCred001', name: 'Receivables Ledger' },
};

function reminderStepWorkflow(): WorkflowJson {
	return {
		name: 'level 1 through Reminder Step',
		nodes: [
			{
				id: 'r1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'r2',
				name: 'Send level1 reminders',
				type: 'n8n-nodes-receivables.reminderStep',
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					operation: 'sendEmail',
					source: 'plan',
					stage: 'level1',
					asOf: AS_OF,
					senderEmail: 'relances@acme.example',
					senderName: 'Relances',
					companyName: 'ACME SAS',
					sendOptions: { concurrency: CONCURRENCY },
				},
				credentials: {
					...LEDGER_CREDENTIAL,
					receivablesSmtpApi: { id: 'rcvSmtpCred00001', name: 'Receivables SMTP' },
				},
			},
		],
		connections: { Start: { main: [[{ node: 'Send level1 reminders', type: 'main', index: 0 }]] } },
	} as WorkflowJson;
}

/** The same reminders with n8n's own Send Email node: planned by Reminder Step, written by expressions. */
function sendEmailWorkflow(sample: number): WorkflowJson {
	const text =
		"={{ 'Bonjour,\\n\\nSauf erreur de notre part, les factures suivantes restent impayées :\\n\\n' + $json.invoices.map(i => '- Facture ' + i.number + ', échue le ' + i.dueDate + ' : ' + i.open + ' ' + $json.currency + ' restant dû').join('\\n') + '\\n\\nTotal restant dû : ' + $json.totalOpen + ' ' + $json.currency + '.\\n\\nCordialement,\\nService recouvrement\\nACME SAS' }}";
	return {
		name: 'level 1 through n8n Send Email',
		nodes: [
			{
				id: 'e1',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e2',
				name: 'Plan level1',
				type: 'n8n-nodes-receivables.reminderStep',
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'plan', stage: 'level1', asOf: AS_OF },
				credentials: LEDGER_CREDENTIAL,
			},
			{
				id: 'e4',
				name: 'Sample',
				type: 'n8n-nodes-base.limit',
				typeVersion: 1,
				position: [360, 0],
				parameters: { maxItems: sample },
			},
			{
				id: 'e3',
				name: 'Send Email',
				type: 'n8n-nodes-base.emailSend',
				typeVersion: 2.1,
				position: [480, 0],
				parameters: {
					fromEmail: 'Relances <relances@acme.example>',
					toEmail: "={{ $json.to.join(', ') }}",
					subject:
						"={{ 'Relance : facture(s) échue(s) – ' + $json.totalOpen + ' ' + $json.currency }}",
					emailFormat: 'text',
					text,
					options: { ccEmail: "={{ $json.cc.join(', ') }}", appendAttribution: false },
				},
				credentials: { smtp: { id: 'benchSmtp', name: 'SMTP' } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Plan level1', type: 'main', index: 0 }]] },
			'Plan level1': { main: [[{ node: 'Sample', type: 'main', index: 0 }]] },
			Sample: { main: [[{ node: 'Send Email', type: 'main', index: 0 }]] },
		},
	} as WorkflowJson;
}

/** Reminder Step against n8n's Send Email node, both in an n8n workflow on the same ledger and sink. */
async function workflows(ctx: BenchContext, schemas: string[]): Promise<void> {
	const count = Math.max(100, Math.round(10_000 * ctx.scale));
	// n8n's Send Email opens a new SMTP connection per item, so its cost per message does not depend on the volume:
	// it sends a fifth of the planned reminders (the whole plan is still read and handed to it)
	const sample = Math.max(100, Math.round(count / 5));
	const sink = await startSmtpSink({ keep: false });
	const ledger = await freshDunningLedger(ctx, schemas, 'wf');
	try {
		await saveLevel1Policy(ledger);
		await loadReminderCustomers(ledger, count, true);
		await loadReminderInvoices(ledger, count, count, 0);
		const credentials = credentialsFor(ctx.databaseUrl, ledger.schema, sink.config);

		let n8nStatus = '';
		const n8nMs = await timeIt(async () => {
			const run = await runWorkflow(sendEmailWorkflow(sample), { credentials });
			n8nStatus = `${run.status} ${run.error?.message ?? ''}`.trim();
		});
		const viaSendEmail = sink.received.length;
		if (viaSendEmail !== sample)
			throw new Error(
				`n8n Send Email flow: ${n8nStatus}; the sink received ${viaSendEmail} of ${sample}`,
			);
		let sent = 0;
		const stepMs = await timeIt(async () => {
			const run = await runWorkflow(reminderStepWorkflow(), { credentials });
			if (run.status !== 'success')
				throw new Error(`Reminder Step flow: ${run.status} ${run.error?.message ?? ''}`);
			sent = run.json('Send level1 reminders', 0).length;
		});
		if (sent !== count || sink.received.length - viaSendEmail !== count)
			throw new Error(
				`Reminder Step flow sent ${sent}, the sink received ${sink.received.length - viaSendEmail}`,
			);
		const n8nRate = (sample / n8nMs) * 1000;
		const stepRate = (count / stepMs) * 1000;
		ctx.metric(
			`n8n workflow, Send Email node (${sample} of the ${count} planned)`,
			Math.round(n8nRate),
			'messages/s',
		);
		ctx.metric(`n8n workflow, Reminder Step (${count})`, Math.round(stepRate), 'messages/s');
		ctx.ratio(
			'in an n8n workflow: Reminder Step vs n8n Send Email node',
			stepRate / n8nRate,
			'≥ 10×',
		);
	} finally {
		await closeEngine();
		await ledger.close();
		await sink.close();
	}
}

async function planning(ctx: BenchContext, schemas: string[]): Promise<void> {
	const due = 1_000;
	const customers = 2_000;
	const big = Math.max(20_000, Math.round(1_000_000 * ctx.scale));
	const small = 10_000;
	// Both ledgers are loaded first, then planned in turns (7 rounds): the machine's load weighs on both alike.
	const ledgers: Array<{ tag: 'small' | 'big'; size: number; ledger: Ledger; runs: number[] }> = [];
	try {
		for (const [tag, size] of [
			['small', small],
			['big', big],
		] as const) {
			const ledger = await freshDunningLedger(ctx, schemas, tag);
			ledgers.push({ tag, size, ledger, runs: [] });
			const loadMs = await timeIt(async () => {
				await loadReminderCustomers(ledger, customers, true);
				await loadReminderInvoices(ledger, customers, due, size - due);
				await addReminderHistory(ledger, due);
			});
			ctx.log(`${tag} ledger: ${size} invoices loaded with COPY in ${Math.round(loadMs)} ms`);
		}
		for (let i = 0; i < 7; i++)
			for (const { tag, ledger, runs } of i % 2 ? [...ledgers].reverse() : ledgers) {
				let planned = 0;
				runs.push(
					await timeIt(async () => {
						const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
						planned = plan.due.reduce((n, m) => n + m.invoices.length, 0);
					}),
				);
				if (planned !== due)
					throw new Error(`${tag}: planned ${planned} invoices, expected ${due}`);
			}
		const timings: Record<string, number> = {};
		for (const { tag, size, ledger, runs } of ledgers) {
			if (process.env.BENCH_EXPLAIN) {
				const original = ledger.query.bind(ledger);
				const spy = Object.create(ledger) as Ledger;
				spy.query = (async (text: string, values?: unknown[]) => {
					if (text.includes('FROM invoices i')) {
						const plan = await original(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
						ctx.log(plan.map((r) => (r as Record<string, string>)['QUERY PLAN']).join('\n'));
					}
					return await original(text, values);
				}) as Ledger['query'];
				await planReminders(spy, { stage: 'level1', asOf: AS_OF });
			}
			ctx.log(`${tag} ledger: plan times (ms) ${runs.map((r) => Math.round(r)).join(', ')}`);
			const sorted = [...runs].sort((a, b) => a - b);
			timings[tag] = sorted[Math.floor(sorted.length / 2)];
			ctx.metric(`plan level1 (${due} due) on ${size} invoices`, Math.round(timings[tag]), 'ms');
		}
		ctx.ratio(`planning time: ${big} vs ${small} invoices`, timings.big / timings.small, '≤ 1.2×');
	} finally {
		for (const { ledger } of ledgers) await ledger.close();
	}
}

async function letters(ctx: BenchContext, schemas: string[]): Promise<void> {
	const count = Math.max(200, Math.round(10_000 * ctx.scale));
	const ledger = await freshDunningLedger(ctx, schemas, 'letters');
	try {
		await loadReminderCustomers(ledger, count, false);
		await loadReminderInvoices(ledger, count, count, 0);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		global.gc?.();
		const samples: number[] = [];
		let produced = 0;
		let bytes = 0;
		const ms = await timeIt(async () => {
			for await (const letter of produceLetters(ledger, plan.due, {
				company: {
					name: 'ACME SAS',
					addressLines: ['1 place du Commerce', '69002 Lyon'],
					siren: '123456789',
				},
				place: 'Lyon',
			})) {
				if (letter.pdf) {
					produced++;
					bytes += letter.pdf.length;
				}
				if (produced % Math.max(1, Math.floor(count / 50)) === 0)
					samples.push(process.memoryUsage().rss);
			}
		});
		if (produced !== count) throw new Error(`produced ${produced} letters, expected ${count}`);
		const tenth = Math.max(1, Math.floor(samples.length / 10));
		const first = Math.max(...samples.slice(0, tenth));
		const last = Math.max(...samples.slice(-tenth));
		ctx.metric('letters', Math.round((count / ms) * 1000), 'letters/s');
		ctx.metric('average letter size', Math.round(bytes / count / 1024), 'KiB');
		ctx.metric(
			'peak RSS while producing letters',
			Math.round(Math.max(...samples) / 1024 / 1024),
			'MiB',
		);
		ctx.ratio('letters RSS: last tenth vs first tenth', last / first, '≤ 1.2×');
	} finally {
		await ledger.close();
	}
}

const bench: BenchFn = async (ctx) => {
	const schemas: string[] = [];
	try {
		const only = (process.env.BENCH_DUNNING ?? 'emails,workflows,planning,letters').split(',');
		if (only.includes('emails')) await emails(ctx, schemas);
		if (only.includes('workflows')) await workflows(ctx, schemas);
		if (only.includes('planning')) await planning(ctx, schemas);
		if (only.includes('letters')) await letters(ctx, schemas);
	} finally {
		await dropSchemas(ctx.databaseUrl, schemas);
	}
};

export default bench;
