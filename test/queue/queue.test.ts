// Queue mode, the way n8n scales beyond one process: one main instance (receives the webhooks, puts executions on
// a Redis queue) and two `n8n worker` processes (run them), on the same n8n database, ledger and encryption key.
// Run with `npm run test:queue` after `npm test` (which builds the package). Needs Redis on 127.0.0.1:6379
// (REDIS_HOST / REDIS_PORT to change it).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { signWebhookRequest } from '../../core';
import {
	eventually,
	prepareInstance,
	runtimeLibrary,
	type N8nEnv,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';

const REDIS_HOST = process.env.REDIS_HOST ?? '127.0.0.1';
const REDIS_PORT = Number(process.env.REDIS_PORT ?? 6379);
const WEBHOOK = 'receivables/signed';
const WORKFLOW = 'rcvSignedHook001';
const SECRET = `whsec_queue_${randomBytes(12).toString('hex')}`;

type RedisReply = string | number | null | RedisReply[];

/** One Redis command over RESP (enough for PING, SCAN and UNLINK; no client library needed). */
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
			const count = Number(line);
			const items: RedisReply[] = [];
			let next = end + 2;
			for (let i = 0; i < count; i++) {
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

const invoice = (i: number) => ({
	number: `QM-2026-${String(i).padStart(3, '0')}`,
	customerId: ['CL-DAKAR', 'CL-ABIDJAN', 'CL-LOME'][i % 3],
	customerName: ['Sénégal Froid Industriel', 'Abidjan Emballages', 'Lomé Transit'][i % 3],
	currency: 'XOF',
	totalIncl: String(100_000 * i),
	issueDate: '2026-04-01',
	dueDate: '2026-05-31',
});

describe('queue mode: n8n main + 2 workers on Redis', () => {
	const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
	const bullPrefix = `rcvbull${suffix}`;
	const redisPrefix = `rcvn8n${suffix}`;
	let instance: TestInstance | undefined;
	let main: N8nProcess;
	const workers: N8nProcess[] = [];

	beforeAll(async () => {
		expect(await redis('PING')).toBe('PONG');
		// Only the signed invoices webhook is published: scheduled workflows would add executions of their own.
		instance = await prepareInstance('queue', { publish: [WORKFLOW], webhookSecret: SECRET });
		const queue: N8nEnv = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: REDIS_HOST,
			QUEUE_BULL_REDIS_PORT: String(REDIS_PORT),
			QUEUE_BULL_PREFIX: bullPrefix,
			N8N_REDIS_KEY_PREFIX: redisPrefix,
		};
		// The main instance first: it migrates n8n's schema and publishes the webhook; then the workers, each on
		// ports of its own (health server, task-runner broker).
		main = await instance.start('main', await instance.env(queue));
		const workerEnvs = await Promise.all(
			['worker1', 'worker2'].map(async (name) => {
				const folder = await instance!.addUserFolder(name);
				return instance!.env(
					{ ...queue, QUEUE_HEALTH_CHECK_PORT: String(await runtimeLibrary.freePort()) },
					folder,
				);
			}),
		);
		workers.push(
			...(await Promise.all(
				workerEnvs.map((env, i) =>
					instance!.start(`worker${i + 1}`, env, { command: 'worker', args: ['--concurrency=5'] }),
				),
			)),
		);
		await runtimeLibrary.waitForWebhook(main.url, WEBHOOK);
	}, 25 * 60_000);

	afterAll(async () => {
		await instance?.cleanup();
		await deleteKeys(`${bullPrefix}*`).catch(() => undefined);
		await deleteKeys(`${redisPrefix}*`).catch(() => undefined);
	}, 120_000);

	test('10 webhook calls run on the workers, and each invoice is in the ledger exactly once', async () => {
		const inst = instance as TestInstance;
		const post = async (i: number, round: number) => {
			const raw = JSON.stringify({ invoices: [invoice(i)] });
			const delivery = `queue-${round}-${i}`;
			const response = await fetch(`${main.url}/webhook/${WEBHOOK}`, {
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
				signal: AbortSignal.timeout(120_000),
			});
			return {
				status: response.status,
				body: (await response.json()) as {
					stored: boolean;
					invoices: { created: number; unchanged: number };
				},
			};
		};
		const numbers = Array.from({ length: 10 }, (_, i) => i + 1);

		// All at once, then all again as new deliveries: the second round finds every invoice already stored.
		const first = await Promise.all(numbers.map((i) => post(i, 1)));
		const second = await Promise.all(numbers.map((i) => post(i, 2)));
		expect(first.map((r) => [r.status, r.body.stored, r.body.invoices.created])).toEqual(
			numbers.map(() => [200, true, 1]),
		);
		expect(second.map((r) => [r.status, r.body.stored, r.body.invoices.unchanged])).toEqual(
			numbers.map(() => [200, true, 1]),
		);

		const rows = await inst.query<{
			number: string;
			total: string;
			revision: number;
			customer: string;
		}>(
			`SELECT i.number, i.total_incl_minor::text AS total, i.revision, c.external_id AS customer
			 FROM "${inst.ledgerSchema}".invoices i JOIN "${inst.ledgerSchema}".customers c ON c.id = i.customer_id ORDER BY i.number`,
		);
		expect(rows).toEqual(
			numbers.map((i) => ({
				number: invoice(i).number,
				total: String(100_000 * i),
				revision: 1,
				customer: invoice(i).customerId,
			})),
		);
		const customers = await inst.query<{ n: string }>(
			`SELECT count(*)::text AS n FROM "${inst.ledgerSchema}".customers`,
		);
		expect(customers).toEqual([{ n: '3' }]);

		// Where they ran: n8n's execution records, and the logs of each process. The main instance enqueues
		// ("Enqueued execution N"), a worker runs ("Worker started/finished execution N"); the main never runs one.
		const executions = await eventually(
			() =>
				inst.query<{ id: string; mode: string; status: string }>(
					`SELECT id::text, mode, status FROM "${inst.n8nSchema}".execution_entity WHERE "workflowId" = $1 ORDER BY id`,
					[WORKFLOW],
				),
			(list) => list.length === 20 && list.every((e) => e.status === 'success'),
		);
		expect(executions).toHaveLength(20);
		expect(executions.every((e) => e.mode === 'webhook' && e.status === 'success')).toBe(true);

		const ids = (text: string, pattern: RegExp) =>
			new Set([...text.matchAll(pattern)].map((m) => m[1]));
		const executionIds = executions.map((e) => e.id);
		// A process may print its log line a moment after the execution record is saved.
		const finished = await eventually(
			async () => workers.map((w) => ids(w.output(), /Worker finished execution (\d+)/g)),
			(sets) => executionIds.every((id) => sets.some((set) => set.has(id))),
		);
		const enqueued = ids(main.output(), /Enqueued execution (\d+)/g);
		const ranOnMain = ids(main.output(), /Worker (?:started|finished) execution (\d+)/g);
		const started = workers.map((w) => ids(w.output(), /Worker started execution (\d+)/g));

		expect(executionIds.filter((id) => !enqueued.has(id))).toEqual([]);
		expect(ranOnMain.size).toBe(0);
		for (const id of executionIds) {
			const ranOn = started.map((set, w) => (set.has(id) ? w : -1)).filter((w) => w >= 0);
			expect({ id, workers: ranOn.length, finished: finished.some((set) => set.has(id)) }).toEqual({
				id,
				workers: 1,
				finished: true,
			});
		}
		// Both workers took part (concurrency 5 each, 10 calls at once).
		expect(started.map((set) => set.size).every((n) => n > 0)).toBe(true);
		process.stderr.write(
			`[n8n queue] executions per worker: ${started.map((set) => set.size).join(' + ')}\n`,
		);
	}, 300_000);
});
