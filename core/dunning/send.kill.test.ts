import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger, testDatabaseUrl } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { installDefaultPolicies } from './policy';
import { planReminders } from './plan';
import { releaseExpiredClaims, sendReminderEmails } from './send';

/**
 * A sending process is killed (SIGKILL) in the middle of its run. The next run must not send anything twice: a
 * reminder the dead run had claimed but not handed over is released and sent by the next run; only a message
 * that was between DATA and the server's answer when the process died is `uncertain` (at most one per
 * connection); everything else is sent exactly once.
 */
const AS_OF = '2025-10-20';
const CUSTOMERS = 60;
const CONCURRENCY = 3;
/** Messages claimed per statement by the run that is killed. */
const CLAIM_BATCH = 6;
// Inside core/ so that the bundled core finds its assets (migrations, templates) by walking up.
const WORK = path.join(__dirname, `.kill-test-${process.pid}`);

const CHILD = `
const core = require('./core.js');
(async () => {
	const ledger = core.openLedger({ connectionString: process.env.KILL_DB_URL, schema: process.env.KILL_SCHEMA });
	const plan = await core.planReminders(ledger, { stage: 'level1', asOf: '${AS_OF}' });
	process.send({ planned: plan.due.length });
	await core.sendReminderEmails(ledger, plan.due, {
		smtp: JSON.parse(process.env.KILL_SMTP),
		from: { address: 'relances@acme.example' },
		concurrency: ${CONCURRENCY},
		claimBatch: ${CLAIM_BATCH},
		claimedBy: 'doomed-run',
	});
	process.send({ done: true });
})().catch((error) => { process.send({ error: String(error && error.stack || error) }); });
`;

describe('a sending process killed mid-batch', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		mkdirSync(WORK, { recursive: true });
		await build({
			entryPoints: [path.join(__dirname, '..', 'index.ts')],
			outfile: path.join(WORK, 'core.js'),
			bundle: true,
			platform: 'node',
			target: 'node20',
			format: 'cjs',
			external: ['pg-native', 'n8n-workflow'],
			logLevel: 'error',
		});
		writeFileSync(path.join(WORK, 'child.js'), CHILD);
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		for (let i = 0; i < CUSTOMERS; i++) {
			const c = await addCustomer(ledger, {
				externalId: `K${i}`,
				emails: [`k${i}@kill.example`],
				salesRep: null,
			});
			await addInvoice(ledger, { customerId: c, number: `K-${i}`, dueDate: '2025-10-14' });
		}
		sink = await startSmtpSink();
	}, 60_000);

	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
		rmSync(WORK, { recursive: true, force: true });
	});

	it('leaves uncertain only what was being handed over; the next run sends the rest, none twice', async () => {
		sink.setDataDelay(50);
		const child: ChildProcess = fork(path.join(WORK, 'child.js'), [], {
			env: {
				...process.env,
				KILL_DB_URL: testDatabaseUrl(),
				KILL_SCHEMA: ledger.schema,
				KILL_SMTP: JSON.stringify(sink.config),
			},
			stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
		});
		const exited = new Promise<NodeJS.Signals | null>((resolve) =>
			child.once('exit', (_code, signal) => resolve(signal)),
		);
		const messages: unknown[] = [];
		child.on('message', (m) => messages.push(m));
		// kill once 17 messages have reached the server (the 17th waits 50 ms for its answer)
		const deadline = Date.now() + 30_000;
		while (sink.received.length < 17 && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 2));
		child.kill('SIGKILL');
		expect(await exited).toBe('SIGKILL');
		expect(messages).toContainEqual({ planned: CUSTOMERS });
		expect(messages).not.toContainEqual({ done: true });
		const receivedByKilledRun = sink.received.length;
		expect(receivedByKilledRun).toBeGreaterThanOrEqual(17);
		expect(receivedByKilledRun).toBeLessThan(CUSTOMERS);

		// a statement the killed process had sent may still commit: let the server finish it
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const atDeath = await ledger.query<{ status: string; n: string }>(
			'SELECT status, count(*)::text AS n FROM reminders GROUP BY status ORDER BY status',
		);
		const inFlight = atDeath
			.filter((r) => r.status === 'claimed' || r.status === 'handing_over')
			.reduce((n, r) => n + Number(r.n), 0);
		// claimed a batch at a time: at most one batch ahead plus one message per connection was held when it died
		expect(inFlight).toBeGreaterThan(0);
		expect(inFlight).toBeLessThanOrEqual(CLAIM_BATCH + CONCURRENCY);
		const handingOverAtDeath = Number(atDeath.find((r) => r.status === 'handing_over')?.n ?? 0);

		// the next run: expired leases (here: any age) are settled first, then the plan sends the rest
		sink.setDataDelay(0);
		const expired = await releaseExpiredClaims(ledger, 0);
		expect(expired.uncertain).toBe(handingOverAtDeath);
		expect(expired.released + expired.uncertain).toBe(inFlight);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: { address: 'relances@acme.example' },
			claimedBy: 'next-run',
		});

		const perAddress = new Map<string, number>();
		for (const mail of sink.received)
			for (const to of mail.envelope.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
		expect([...perAddress.entries()].filter(([, n]) => n > 1)).toEqual([]);

		const rows = await ledger.query<{ number: string; status: string; email: string }>(
			'SELECT i.number, r.status, c.emails[1] AS email FROM invoices i JOIN customers c ON c.id = i.customer_id LEFT JOIN reminders r ON r.invoice_id = i.id AND r.stage = $1',
			['level1'],
		);
		expect(rows).toHaveLength(CUSTOMERS);
		const byStatus = (s: string) => rows.filter((r) => r.status === s);
		expect(byStatus('sent').length + byStatus('uncertain').length).toBe(CUSTOMERS);
		expect(byStatus('uncertain').length).toBe(handingOverAtDeath);
		// at most one per connection: the one handed over, or the one answered whose outcome was not yet recorded
		expect(byStatus('uncertain').length).toBeLessThanOrEqual(CONCURRENCY);
		// every reminder confirmed as sent reached the server exactly once; uncertain ones at most once
		for (const row of byStatus('sent')) expect(perAddress.get(row.email)).toBe(1);
		for (const row of byStatus('uncertain'))
			expect(perAddress.get(row.email) ?? 0).toBeLessThanOrEqual(1);
		const history = await ledger.query<{ kind: string; n: string }>(
			'SELECT kind, count(*)::text AS n FROM history GROUP BY kind ORDER BY kind',
		);
		expect(history.find((h) => h.kind === 'reminder_uncertain')?.n ?? '0').toBe(
			String(byStatus('uncertain').length),
		);
	}, 90_000);
});
