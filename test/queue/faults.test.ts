// Faults in queue mode, bounded for CI: n8n main + 2 workers on Redis, the ledger on a Postgres of the test's own
// (embedded, so it can be restarted), a counting SMTP sink with a read API like the mail catcher's.
//   1. A few hundred overdue invoices, one reminder each, sent by two executions at once on the two workers; one
//      worker is killed (SIGKILL) mid-run, then Postgres is restarted while the other one sends. The workflow is run
//      again (Reconcile Reminders, then Send Reminder E-Mails) until nothing is left: every invoice reached the sink
//      exactly once, and no reminder is left claimed, handing over, to retry or uncertain.
//   2. Signed deliveries to the shipped signed webhook while a worker is killed; the sender retries what did not get
//      the package's answer, with the same delivery id: every invoice is stored once.
// Run with `npm run test:queue` after a build (the package is packed from dist/). Needs Redis on 127.0.0.1:6379.
// FAULTS_INVOICES (default 300), FAULTS_KILLS (worker kills, default 1; each killed worker is replaced, as a restart
// policy does), FAULTS_PG_RESTARTS (default 1) and FAULTS_SMTP (SMTP faults: 451, drop after DATA, and one 554 in
// five; default 0) size the run; bench/faults.bench.ts runs the long version and prints the table.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installDefaultPolicies, openLedger, signWebhookRequest, type Ledger } from '../../core';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import {
	eventually,
	prepareInstance,
	REPO_ROOT,
	runtimeLibrary,
	type N8nEnv,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';

const REDIS_HOST = process.env.REDIS_HOST ?? '127.0.0.1';
const REDIS_PORT = Number(process.env.REDIS_PORT ?? 6379);
const INVOICES = Number(process.env.FAULTS_INVOICES ?? 300);
const AS_OF = '2026-03-20';
const SEND_PATH = 'faults/send';
const RECONCILE_PATH = 'faults/reconcile';
const SIGNED_PATH = 'receivables/signed';
const SECRET = randomBytes(24).toString('hex');
const LEASE_MINUTES = 0.1;
const KILLS = Number(process.env.FAULTS_KILLS ?? 1);
const PG_RESTARTS = Number(process.env.FAULTS_PG_RESTARTS ?? 1);
const SMTP_FAULTS = Number(process.env.FAULTS_SMTP ?? 0);

/** An embedded Postgres in a child process: stopped cleanly (SIGINT) and started again on the same port and data. */
class RestartablePostgres {
	private child?: ChildProcess;
	port = 0;

	constructor(private readonly dir: string) {}

	get url(): string {
		return `postgres://postgres:postgres@127.0.0.1:${this.port}/receivables`;
	}

	async start(): Promise<void> {
		const module = pathToFileURL(path.join(REPO_ROOT, 'scripts', 'lib', 'embedded-pg.mjs')).href;
		const child = spawn(
			process.execPath,
			[
				'--input-type=module',
				'-e',
				`
			import { startEmbeddedPostgres } from ${JSON.stringify(module)};
			const pg = await startEmbeddedPostgres({ dir: ${JSON.stringify(this.dir)}, port: ${this.port || 'undefined'} });
			console.log('ready ' + pg.port);
			setInterval(() => {}, 1000);
		`,
			],
			{ stdio: ['ignore', 'pipe', 'inherit'] },
		);
		this.child = child;
		this.port = await new Promise<number>((resolve, reject) => {
			let out = '';
			child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
				out += chunk;
				const match = out.match(/ready (\d+)/);
				if (match) resolve(Number(match[1]));
			});
			child.on('exit', (code) => reject(new Error(`embedded Postgres exited (${code})`)));
		});
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGINT');
		await exited;
		this.child = undefined;
	}
}

type RedisReply = string | number | null | RedisReply[];

/** One Redis command over RESP (SCAN and UNLINK for the clean-up; no client library needed). */
async function redis(...args: string[]): Promise<RedisReply> {
	return await new Promise((resolve, reject) => {
		const socket = net.connect(REDIS_PORT, REDIS_HOST);
		let buffer = Buffer.alloc(0);
		const parse = (at: number): [RedisReply, number] | undefined => {
			const end = buffer.indexOf('\r\n', at);
			if (end < 0) return undefined;
			const type = String.fromCharCode(buffer[at]);
			const line = buffer.toString('utf8', at + 1, end);
			if (type === '+') return [line, end + 2];
			if (type === '-') throw new Error(`redis: ${line}`);
			if (type === ':') return [Number(line), end + 2];
			if (type === '$') {
				const length = Number(line);
				if (length < 0) return [null, end + 2];
				if (buffer.length < end + 2 + length + 2) return undefined;
				return [buffer.toString('utf8', end + 2, end + 2 + length), end + 2 + length + 2];
			}
			const items: RedisReply[] = [];
			let next = end + 2;
			for (let i = 0; i < Number(line); i++) {
				const parsed = parse(next);
				if (!parsed) return undefined;
				items.push(parsed[0]);
				next = parsed[1];
			}
			return [items, next];
		};
		socket.setTimeout(10_000, () => socket.destroy(new Error('redis: timeout')));
		socket.on('error', reject);
		socket.on('data', (chunk) => {
			buffer = Buffer.concat([buffer, chunk]);
			try {
				const parsed = parse(0);
				if (parsed) {
					socket.end();
					resolve(parsed[0]);
				}
			} catch (error) {
				socket.destroy();
				reject(error);
			}
		});
		socket.write(
			`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`,
		);
	});
}

async function deleteKeys(pattern: string): Promise<void> {
	let cursor = '0';
	do {
		const [next, keys] = (await redis('SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000')) as [
			string,
			string[],
		];
		if (keys.length) await redis('UNLINK', ...keys);
		cursor = next;
	} while (cursor !== '0');
}

/** The two workflows of the test: send the level-1 reminders, and reconcile; each behind a webhook of its own. */
function faultWorkflows(catcherUrl: string): Array<Record<string, unknown>> {
	const ledger = { receivablesLedgerApi: { id: 'rcvLedgerCred001', name: 'Receivables Ledger' } };
	const smtp = { receivablesSmtpApi: { id: 'rcvSmtpCred00001', name: 'Receivables SMTP' } };
	const hook = (id: string, pathName: string, responseMode: string) => ({
		id: `${id}-hook`,
		name: 'Run',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: `${id}-hook`,
		parameters: { httpMethod: 'POST', path: pathName, responseMode, options: {} },
	});
	return [
		{
			id: 'rcvFaultsSend001',
			name: 'Faults: send level-1 reminders',
			active: false,
			settings: { executionOrder: 'v1', timezone: 'Europe/Paris' },
			nodes: [
				hook('faults-send', SEND_PATH, 'lastNode'),
				{
					id: 'faults-send-step',
					name: 'Send',
					type: 'n8n-nodes-receivables.reminderStep',
					typeVersion: 1,
					position: [240, 0],
					credentials: { ...ledger, ...smtp },
					parameters: {
						operation: 'sendEmail',
						source: 'plan',
						stage: 'level1',
						asOf: AS_OF,
						policy: '',
						filters: {},
						planOptions: {},
						senderEmail: 'relances@acme.example',
						senderName: 'Relances',
						companyName: 'ACME SAS',
						sendOptions: { concurrency: 3, leaseMinutes: LEASE_MINUTES, attachInputFiles: false },
					},
				},
			],
			connections: { Run: { main: [[{ node: 'Send', type: 'main', index: 0 }]] } },
		},
		{
			id: 'rcvFaultsRecon01',
			name: 'Faults: reconcile',
			active: false,
			settings: { executionOrder: 'v1', timezone: 'Europe/Paris' },
			nodes: [
				hook('faults-recon', RECONCILE_PATH, 'lastNode'),
				{
					id: 'faults-recon-step',
					name: 'Reconcile',
					type: 'n8n-nodes-receivables.reminderStep',
					typeVersion: 1,
					position: [240, 0],
					credentials: ledger,
					// the sink keeps every message it accepted: what it does not hold was not delivered
					parameters: {
						operation: 'reconcile',
						mailCatcherUrl: catcherUrl,
						missingMeansNotSent: true,
						settleMinutes: 0,
					},
				},
			],
			connections: { Run: { main: [[{ node: 'Reconcile', type: 'main', index: 0 }]] } },
		},
	];
}

describe('queue mode under faults: reminders exactly once, signed intake stored once', () => {
	const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
	const bullPrefix = `rcvbull${suffix}`;
	const redisPrefix = `rcvn8n${suffix}`;
	const pgDir = path.join(REPO_ROOT, '.runtime', `faults-pg-${suffix}`);
	const pg = new RestartablePostgres(path.join(pgDir, 'data'));
	let ledger: Ledger;
	let sink: SmtpSink;
	let instance: TestInstance | undefined;
	let main: N8nProcess;
	const workers: N8nProcess[] = [];
	let queueEnv: N8nEnv;

	const startWorker = async (name: string, concurrency = 1): Promise<N8nProcess> => {
		const folder = await instance!.addUserFolder(name);
		const env = await instance!.env(
			{ ...queueEnv, QUEUE_HEALTH_CHECK_PORT: String(await runtimeLibrary.freePort()) },
			folder,
		);
		const worker = await instance!.start(name, env, {
			command: 'worker',
			args: [`--concurrency=${concurrency}`],
		});
		workers.push(worker);
		return worker;
	};
	/** kill -9 of a worker and of everything it started (its task runner). */
	const killHard = async (worker: N8nProcess) => {
		const pid = worker.process.pid as number;
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			worker.process.kill('SIGKILL');
		}
		await worker.exited;
	};
	const post = async (hookPath: string, body: unknown = {}, timeoutMs = 120_000) => {
		try {
			const response = await fetch(`${main.url}/webhook/${hookPath}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(timeoutMs),
			});
			return { status: response.status, text: await response.text() };
		} catch (error) {
			return { status: 0, text: String(error) };
		}
	};
	const running = (worker: N8nProcess) => {
		const ids = (pattern: RegExp) =>
			new Set([...worker.output().matchAll(pattern)].map((m) => m[1]));
		const finished = ids(/Worker finished execution (\d+)/g);
		return [...ids(/Worker started execution (\d+)/g)].filter((id) => !finished.has(id));
	};
	const statuses = async () =>
		Object.fromEntries(
			(
				await ledger.query<{ status: string; n: string }>(
					"SELECT status, count(*)::text AS n FROM reminders WHERE stage = 'level1' GROUP BY status",
				)
			).map((r) => [r.status, Number(r.n)]),
		);
	const perAddress = () => {
		const counts = new Map<string, number>();
		for (const mail of sink.received)
			for (const to of mail.envelope.to) counts.set(to, (counts.get(to) ?? 0) + 1);
		return counts;
	};
	const waitQuiet = async (ms: number, timeoutMs = 90_000) => {
		const deadline = Date.now() + timeoutMs;
		let last = -1;
		let since = Date.now();
		while (Date.now() < deadline) {
			if (sink.received.length !== last) {
				last = sink.received.length;
				since = Date.now();
			} else if (Date.now() - since >= ms) return;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	};

	beforeAll(async () => {
		expect(await redis('PING')).toBe('PONG');
		mkdirSync(pgDir, { recursive: true });
		await pg.start();
		ledger = openLedger({ connectionString: pg.url, schema: 'receivables' });
		await ledger.ensureReady();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		for (let i = 0; i < INVOICES; i++) {
			const c = await addCustomer(ledger, {
				externalId: `FLT-${i}`,
				emails: [`c${i}@faults.example`],
				salesRep: null,
			});
			await addInvoice(ledger, {
				customerId: c,
				number: `FLT-${String(i).padStart(5, '0')}`,
				dueDate: '2026-03-10',
				amount: 10000n + BigInt(i),
			});
		}
		sink = await startSmtpSink({ api: true });
		const url = new URL(pg.url);
		instance = await prepareInstance('faults', {
			smtpPort: sink.config.port,
			publish: ['rcvSignedHook001'],
			webhookSecret: SECRET,
			ledgerCredential: {
				host: url.hostname,
				port: Number(url.port),
				database: 'receivables',
				user: 'postgres',
				password: 'postgres',
				ssl: 'disable',
				schema: 'receivables',
			},
		});
		const dir = path.join(instance.userFolder, 'fault-workflows');
		mkdirSync(dir, { recursive: true });
		for (const workflow of faultWorkflows(sink.apiUrl as string))
			writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow));
		const env = await instance.env();
		await runtimeLibrary.importWorkflows(instance.runtime, env, dir);
		await runtimeLibrary.publishWorkflows(instance.runtime, env, [
			'rcvFaultsSend001',
			'rcvFaultsRecon01',
		]);
		queueEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: REDIS_HOST,
			QUEUE_BULL_REDIS_PORT: String(REDIS_PORT),
			QUEUE_BULL_PREFIX: bullPrefix,
			N8N_REDIS_KEY_PREFIX: redisPrefix,
		};
		main = await instance.start('main', await instance.env(queueEnv));
		await Promise.all([startWorker('worker1'), startWorker('worker2')]);
		await runtimeLibrary.waitForWebhook(main.url, SEND_PATH);
	}, 15 * 60_000);

	afterAll(async () => {
		await instance?.cleanup();
		await ledger?.close();
		await sink?.close();
		await pg.stop();
		rmSync(pgDir, { recursive: true, force: true });
		await deleteKeys(`${bullPrefix}*`).catch(() => undefined);
		await deleteKeys(`${redisPrefix}*`).catch(() => undefined);
	}, 120_000);

	test(
		`${INVOICES} reminders, a worker killed mid-run and Postgres restarted: each invoice reaches the sink exactly once`,
		async () => {
			// slow answers after DATA, so that a kill lands while messages are being handed over
			sink.setDataDelay(25);
			const smtpFaults: Array<'451' | '554' | 'drop'> = Array.from(
				{ length: SMTP_FAULTS },
				(_, i) => (i % 5 === 4 ? '554' : i % 2 === 0 ? '451' : 'drop'),
			);
			const first = [post(SEND_PATH, {}, 900_000), post(SEND_PATH, {}, 900_000)];
			// the workers that hold reminders right now (claimed_by names the process: host:pid:run)
			const holding = async () => {
				const holders = await ledger
					.query<{
						claimed_by: string;
					}>(
						"SELECT DISTINCT claimed_by FROM reminders WHERE status IN ('claimed', 'handing_over')",
					)
					.catch(() => []);
				const pids = new Set(holders.map((h) => Number(h.claimed_by.split(':')[1])));
				return workers.filter(
					(w) =>
						w.process.exitCode === null &&
						w.process.signalCode === null &&
						pids.has(w.process.pid as number),
				);
			};
			// waits until the sink has `target` messages; when no live worker is sending (every run under way was killed),
			// the workflow is started again, as its schedule would — so that many kills can land in one long run
			const reachedAt = async (target: number): Promise<boolean> => {
				for (let tries = 0; tries < 12; tries++) {
					if (
						(await eventually(
							async () => sink.received.length,
							(n) => n >= target,
							20_000,
						)) >= target
					)
						return true;
					if ((await holding()).length === 0) first.push(post(SEND_PATH, {}, 900_000));
				}
				return false;
			};
			// the faults, spread over the first run: kills at 1/4.., Postgres restarts in between, SMTP faults all along
			type Fault = { at: number; kind: 'kill' | 'pg' | 'smtp' };
			const plan: Fault[] = [
				...Array.from(
					{ length: KILLS },
					(_, k): Fault => ({ at: Math.floor((INVOICES * (k + 1)) / (KILLS + 2)), kind: 'kill' }),
				),
				...Array.from(
					{ length: PG_RESTARTS },
					(_, k): Fault => ({
						at: Math.floor((INVOICES * (2 * k + 3)) / (2 * PG_RESTARTS + 4)),
						kind: 'pg',
					}),
				),
				...smtpFaults.map(
					(_, k): Fault => ({ at: Math.floor((INVOICES * k) / (SMTP_FAULTS + 1)), kind: 'smtp' }),
				),
			].sort((a, b) => a.at - b.at);
			const log: string[] = [];
			let smtpIndex = 0;
			for (const fault of plan) {
				if (!(await reachedAt(fault.at))) break; // nothing moves any more: the remaining faults are not applied
				if (fault.kind === 'smtp') {
					sink.injectFaults([smtpFaults[smtpIndex++]]);
					continue;
				}
				if (fault.kind === 'kill') {
					// a worker that holds reminders right now (claimed_by names the process: host:pid:run)
					let busy = await eventually(holding, (list) => list.length > 0, 15_000);
					if (busy.length === 0) {
						// the runs under way were killed or are done: the workflow is started again, as its schedule would
						first.push(post(SEND_PATH, {}, 900_000));
						busy = await eventually(holding, (list) => list.length > 0, 90_000);
					}
					if (busy.length === 0) break;
					await killHard(busy[0]);
					log.push(`kill@${sink.received.length}`);
					// a restart policy brings a worker back; the killed worker's job is not run again by n8n
					void startWorker(`worker-r${log.length}`).catch((error) =>
						log.push(`restart failed: ${String(error)}`),
					);
				} else {
					await pg.stop();
					await new Promise((resolve) => setTimeout(resolve, 1500));
					await pg.start();
					log.push(`pg@${sink.received.length}`);
				}
			}
			// the killed workers' jobs never answer; the others finish (their state changes waited for Postgres)
			await Promise.race([Promise.all(first), waitQuiet(8000, 600_000)]);
			await waitQuiet(3000);
			sink.setDataDelay(0);
			const afterFaults = await statuses();

			// run again until nothing is left: the lease releases the dead runs' claims; reconcile decides the uncertain
			let rounds = 0;
			for (; rounds < 10; rounds++) {
				const now = await statuses();
				if ((now.sent ?? 0) + (now.failed ?? 0) === INVOICES) break;
				await new Promise((resolve) => setTimeout(resolve, LEASE_MINUTES * 60_000 + 1000));
				await post(RECONCILE_PATH);
				await post(SEND_PATH);
			}
			const final = await statuses();
			const counts = perAddress();
			const addresses = Array.from({ length: INVOICES }, (_, i) => `c${i}@faults.example`);
			const once = addresses.filter((a) => counts.get(a) === 1).length;
			const twice = addresses.filter((a) => (counts.get(a) ?? 0) > 1);
			const never = addresses.filter((a) => !counts.has(a));
			const refused = await ledger.query<{ email: string }>(
				"SELECT c.emails[1] AS email FROM reminders r JOIN customers c ON c.id = r.customer_id WHERE r.stage = 'level1' AND r.status = 'failed'",
			);
			const history = Object.fromEntries(
				(
					await ledger.query<{ kind: string; n: string }>(
						"SELECT kind, count(*)::text AS n FROM history WHERE kind LIKE 'reminder_%' GROUP BY kind",
					)
				).map((r) => [r.kind, Number(r.n)]),
			);
			const row = {
				invoices: INVOICES,
				faults: `${log.filter((l) => l.startsWith('kill')).length} worker kill -9, ${log.filter((l) => l.startsWith('pg')).length} Postgres restart, ${smtpIndex} SMTP faults`,
				deliveredOnce: once,
				duplicates: twice.length,
				neverDelivered: never.length,
				refused5xx: refused.length,
				rounds,
			};
			process.stderr.write(
				`[faults] ${log.join(' ')}; after the faults ${JSON.stringify(afterFaults)}; history ${JSON.stringify(history)}\n`,
			);
			process.stderr.write(`[faults] RESULT ${JSON.stringify(row)}\n`);
			expect(twice).toEqual([]);
			// never delivered: only what the server refused for good (554), by design
			expect(never.sort()).toEqual(refused.map((r) => r.email).sort());
			expect(final).toEqual({
				sent: INVOICES - refused.length,
				...(refused.length ? { failed: refused.length } : {}),
			});
			// the dead workers' claims were released or their in-flight messages reconciled: nothing left for SQL
			expect((history.reminder_released ?? 0) + (history.reminder_uncertain ?? 0)).toBeGreaterThan(
				0,
			);
		},
		20 * 60_000,
	);

	test(
		'signed deliveries while a worker is killed: the sender retries, every invoice is stored once',
		async () => {
			await startWorker('worker-intake', 5);
			const alive = workers.filter(
				(w) => w.process.exitCode === null && w.process.signalCode === null,
			);
			const DELIVERIES = 24;
			const body = (i: number) =>
				JSON.stringify({
					invoices: [
						{
							number: `SIG-${String(i).padStart(4, '0')}`,
							customerId: 'CL-SIG',
							customerName: 'Signed Sender SA',
							currency: 'EUR',
							totalIncl: `${100 + i},00`,
							issueDate: '2026-03-01',
							dueDate: '2026-04-30',
						},
					],
				});
			const deliver = async (i: number): Promise<'stored' | 'retry'> => {
				const raw = body(i);
				const delivery = `faults-${suffix}-${i}`;
				try {
					const response = await fetch(`${main.url}/webhook/${SIGNED_PATH}`, {
						method: 'POST',
						headers: {
							'content-type': 'application/json',
							'x-receivables-delivery': delivery,
							'x-receivables-signature': signWebhookRequest({
								rawBody: raw,
								secret: SECRET,
								deliveryId: delivery,
								purpose: 'intake',
							}),
						},
						body: raw,
						signal: AbortSignal.timeout(30_000),
					});
					const text = await response.text();
					// the package's answer, or (a retry after a lost answer) the first answer again; anything else — n8n's own
					// answers while a process starts, 5xx, a time-out — means: send again with the same delivery id
					let answer: { stored?: unknown } = {};
					try {
						answer = JSON.parse(text) as { stored?: unknown };
					} catch {
						return 'retry';
					}
					return response.status === 200 && answer.stored === true ? 'stored' : 'retry';
				} catch {
					return 'retry';
				}
			};
			const pending = new Set(Array.from({ length: DELIVERIES }, (_, i) => i));
			const firstRound = Promise.all(
				[...pending].map(async (i) =>
					(await deliver(i)) === 'stored' ? pending.delete(i) : undefined,
				),
			);
			await eventually(
				async () =>
					(
						await ledger.query<{ n: string }>(
							"SELECT count(*)::text AS n FROM invoices WHERE number LIKE 'SIG-%'",
						)
					)[0].n,
				(n) => Number(n) >= DELIVERIES / 4,
				60_000,
			);
			const busy = alive.filter((w) => running(w).length > 0);
			await killHard(busy[0] ?? alive[0]);
			await firstRound;
			for (let round = 0; pending.size && round < 10; round++) {
				await new Promise((resolve) => setTimeout(resolve, 1000));
				for (const i of [...pending]) if ((await deliver(i)) === 'stored') pending.delete(i);
			}
			expect([...pending]).toEqual([]);
			const rows = await ledger.query<{ number: string; n: string }>(
				"SELECT number, count(*)::text AS n FROM invoices WHERE number LIKE 'SIG-%' GROUP BY number ORDER BY number",
			);
			expect(rows).toEqual(
				Array.from({ length: DELIVERIES }, (_, i) => ({
					number: `SIG-${String(i).padStart(4, '0')}`,
					n: '1',
				})),
			);
			const deliveries = await ledger.query<{ n: string }>(
				'SELECT count(*)::text AS n FROM webhook_deliveries WHERE delivery_id LIKE $1',
				[`faults-${suffix}-%`],
			);
			expect(deliveries).toEqual([{ n: String(DELIVERIES) }]);
		},
		8 * 60_000,
	);
});
