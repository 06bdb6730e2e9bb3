// `npm start` from end to end, as a user runs it: embedded Postgres in a fresh data folder, demo company, mail
// catcher, real n8n with the package, credentials and workflows, an owner who can log in; Ctrl-C (SIGINT to the
// whole process group, as a terminal sends it) stops everything and leaves no process behind; a second start
// reuses the data.
import { spawn, type ChildProcess } from 'node:child_process';
import {
	chmodSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	readlinkSync,
	rmSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT, scriptEnv } from '../helpers/scripts';
import { signWebhookRequest } from '../../core';

jest.setTimeout(15 * 60_000);

interface Status {
	pid: number;
	editorUrl: string;
	n8nPid: number;
	catcherUrl: string;
	smtpPort: number;
	owner: { email: string; password: string };
	ledgerSchema: string;
	n8nSchema: string;
	database: string;
	workflows: string[];
	active: string[];
	portal: { path: string | null; users: Array<{ login: string; secret: string; level: number }> };
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

interface Started {
	child: ChildProcess;
	status: Status;
	output: () => string;
	exited: Promise<number | null>;
}

async function start(env: NodeJS.ProcessEnv, statusFile: string): Promise<Started> {
	rmSync(statusFile, { force: true });
	// Its own process group, like a program started from a terminal: Ctrl-C reaches the whole group.
	const child = spawn(process.execPath, ['scripts/start.mjs'], {
		cwd: REPO_ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let text = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
	let code: number | null | undefined;
	const exited = new Promise<number | null>((resolve) =>
		child.on('exit', (c) => {
			code = c;
			resolve(c);
		}),
	);
	const deadline = Date.now() + 12 * 60_000;
	while (!existsSync(statusFile)) {
		if (code !== undefined)
			throw new Error(`npm start exited with ${code} before it was ready:\n${text}`);
		if (Date.now() > deadline) {
			process.kill(-child.pid!, 'SIGKILL');
			throw new Error(`npm start was not ready in time:\n${text}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return {
		child,
		status: JSON.parse(readFileSync(statusFile, 'utf8')) as Status,
		output: () => text,
		exited,
	};
}

/** Processes that belong to this start: its data folder in their command line, environment or working folder. */
function processesUsing(folder: string): string[] {
	const found: string[] = [];
	for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
			const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
			let cwd = '';
			try {
				cwd = readlinkSync(`/proc/${pid}/cwd`);
			} catch {
				// not ours to read
			}
			if (cmdline.includes(folder) || environ.includes(folder) || cwd.startsWith(folder))
				found.push(`${pid}: ${cmdline.slice(0, 160)}`);
		} catch {
			// gone meanwhile
		}
	}
	return found;
}

async function login(status: Status): Promise<string> {
	const response = await fetch(`${status.editorUrl}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: status.owner.email,
			password: status.owner.password,
		}),
	});
	expect(response.status).toBe(200);
	const cookie = response.headers.get('set-cookie') ?? '';
	expect(cookie).toContain('n8n-auth=');
	return cookie.split(';')[0];
}

async function stopWithCtrlC(started: Started): Promise<void> {
	process.kill(-started.child.pid!, 'SIGINT');
	let timer: NodeJS.Timeout | undefined;
	const code = await Promise.race([
		started.exited,
		new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), 120_000))),
	]);
	clearTimeout(timer);
	expect(code).toBe(0);
	expect(started.output()).toContain('Stopped. Your data stays in .data');
}

describe('npm start', () => {
	const data = mkdtempSync(path.join(os.tmpdir(), 'receivables-start-'));
	chmodSync(data, 0o755);
	const statusFile = path.join(data, 'status.json');
	let env: NodeJS.ProcessEnv;
	let running: Started | undefined;

	beforeAll(async () => {
		env = scriptEnv({
			RECEIVABLES_DATA_DIR: data,
			RECEIVABLES_START_STATUS: statusFile,
			N8N_PORT: String(await freePort()),
			MAIL_SMTP_PORT: String(await freePort()),
			MAIL_HTTP_PORT: String(await freePort()),
		});
	});
	afterAll(async () => {
		// Only after a failure: the launcher, the worker (its own session) and n8n (its own group).
		for (const pid of [running?.child.pid, running?.status.pid, running?.status.n8nPid]) {
			if (!pid) continue;
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// already stopped
			}
		}
		rmSync(data, { recursive: true, force: true });
	});

	it('serves the editor, the mail catcher and the demo ledger, and Ctrl-C stops every process', async () => {
		running = await start(env, statusFile);
		const { status } = running;
		const out = running.output();
		expect(out).toContain('n8n-nodes-receivables is running');
		expect(out).toContain(`log in with  ${status.owner.email}  /  ${status.owner.password}`);
		expect(out).toContain('Demo company loaded');
		expect(out).toContain('What to try first');
		expect(status.database).toBe('embedded');

		expect((await fetch(`${status.editorUrl}/healthz`)).status).toBe(200);
		const cookie = await login(status);
		const workflows = (await (
			await fetch(`${status.editorUrl}/rest/workflows`, { headers: { Cookie: cookie } })
		).json()) as { data: Array<{ id: string; active: boolean }> };
		const ids = workflows.data.map((w) => w.id);
		expect(ids.sort()).toEqual([...status.workflows].sort());
		const shipped = readdirSync(path.join(REPO_ROOT, 'workflows')).filter((f) =>
			f.endsWith('.json'),
		);
		const webhookIds = shipped
			.map(
				(f) =>
					JSON.parse(readFileSync(path.join(REPO_ROOT, 'workflows', f), 'utf8')) as {
						id: string;
						nodes: Array<{ type: string }>;
					},
			)
			.filter((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.webhook'))
			.map((w) => w.id);
		for (const id of webhookIds) expect(workflows.data.find((w) => w.id === id)?.active).toBe(true);

		// The intake webhook it advertises is signed: unsigned requests are refused, a request signed with the
		// installation's secret (secrets.json) is stored; there is no unsigned invoices webhook any more.
		expect(out).toContain('Signed webhooks for your software');
		expect(out).not.toContain('receivables/invoices');
		const { webhookSecret } = JSON.parse(readFileSync(path.join(data, 'secrets.json'), 'utf8')) as {
			webhookSecret: string;
		};
		const raw = JSON.stringify({
			invoices: [
				{
					number: 'START-SIGNED-1',
					customerId: 'START-C1',
					customerName: 'Client du démarrage',
					currency: 'EUR',
					totalIncl: '12,00',
					issueDate: '2026-03-02',
					dueDate: '2026-04-01',
				},
			],
		});
		const unsigned = await fetch(`${status.editorUrl}/webhook/receivables/signed`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-receivables-delivery': 'start-1' },
			body: raw,
		});
		expect(unsigned.status).toBe(401);
		const signature = signWebhookRequest({
			rawBody: raw,
			secret: webhookSecret,
			deliveryId: 'start-1',
			purpose: 'intake',
		});
		const signed = await fetch(`${status.editorUrl}/webhook/receivables/signed`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-receivables-delivery': 'start-1',
				'x-receivables-signature': signature,
			},
			body: raw,
		});
		expect({ status: signed.status, body: await signed.json() }).toMatchObject({
			status: 200,
			body: { stored: true, delivery: 'start-1', invoices: { created: 1 } },
		});
		expect(
			(
				await fetch(`${status.editorUrl}/webhook/receivables/invoices`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: raw,
				})
			).status,
		).toBe(404);
		// The ledger's login in the embedded Postgres is not the administrator's: its tables belong to a role that is
		// not a superuser and does not bypass row-level security.
		expect(readFileSync(path.join(data, 'postgres.ledger-password'), 'utf8').trim()).toMatch(
			/^[0-9a-f]{36}$/,
		);
		const admin = new Client({
			connectionString: `postgres://postgres:postgres@127.0.0.1:${Number(readFileSync(path.join(data, 'postgres.port'), 'utf8'))}/receivables`,
		});
		await admin.connect();
		try {
			const owners = await admin.query<{ owner: string; rolsuper: boolean; rolbypassrls: boolean }>(
				`SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner, r.rolsuper, r.rolbypassrls FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				JOIN pg_roles r ON r.oid = c.relowner WHERE n.nspname = $1 AND c.relkind = 'r'`,
				[status.ledgerSchema],
			);
			expect(owners.rows).toEqual([
				{ owner: 'receivables_ledger', rolsuper: false, rolbypassrls: false },
			]);
		} finally {
			await admin.end();
		}

		// The tracking portal lets each demo account in at its accreditation level.
		if (status.portal.path) {
			for (const user of status.portal.users) {
				// Posted as a browser posts it: with the form token of the login page it was shown.
				const shown = await (
					await fetch(`${status.editorUrl}/webhook/${status.portal.path}`)
				).text();
				const form = /name="form" value="([^"]*)"/.exec(shown)?.[1] ?? '';
				const page = await fetch(`${status.editorUrl}/webhook/${status.portal.path}`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
					body: new URLSearchParams({
						action: 'login',
						lang: 'fr',
						login: user.login,
						secret: user.secret,
						form,
					}).toString(),
				});
				expect(page.status).toBe(200);
				expect(await page.text()).toContain(`Habilitation ${user.level}`);
			}
		}

		const health = (await (await fetch(`${status.catcherUrl}/api/health`)).json()) as {
			ok: boolean;
			smtpPort: number;
		};
		expect(health).toEqual(expect.objectContaining({ ok: true, smtpPort: status.smtpPort }));

		// The level-1 reminders run on the demo ledger, as "Execute workflow" in the editor runs them: every e-mail the
		// ledger records as sent is in the mail catcher.
		const level1 = shipped
			.map(
				(f) =>
					JSON.parse(readFileSync(path.join(REPO_ROOT, 'workflows', f), 'utf8')) as {
						id: string;
						name: string;
						nodes: Array<{ name: string; type: string; credentials?: Record<string, unknown> }>;
					},
			)
			.find(
				(w) =>
					/level 1/i.test(w.name) &&
					w.nodes.some(
						(n) =>
							n.type === 'n8n-nodes-receivables.reminderStep' && n.credentials?.receivablesSmtpApi,
					),
			);
		if (level1) {
			const workflow = (
				(await (
					await fetch(`${status.editorUrl}/rest/workflows/${level1.id}`, {
						headers: { Cookie: cookie },
					})
				).json()) as { data: { nodes: Array<{ name: string; type: string }> } }
			).data;
			const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
			const run = await fetch(`${status.editorUrl}/rest/workflows/${level1.id}/run`, {
				method: 'POST',
				headers: { Cookie: cookie, 'Content-Type': 'application/json' },
				body: JSON.stringify({
					workflowData: workflow,
					triggerToStartFrom: { name: trigger?.name },
				}),
			});
			expect(run.status).toBe(200);
			const executionId = ((await run.json()) as { data: { executionId: string } }).data
				.executionId;
			let execution: { status?: string; data?: string } = {};
			for (
				let i = 0;
				i < 240 && !['success', 'error', 'crashed'].includes(execution.status ?? '');
				i++
			) {
				await new Promise((resolve) => setTimeout(resolve, 500));
				execution = (
					(await (
						await fetch(`${status.editorUrl}/rest/executions/${executionId}`, {
							headers: { Cookie: cookie },
						})
					).json()) as { data: { status: string; data?: string } }
				).data;
			}
			// On failure, the error n8n recorded is shown with the status.
			let failure: string | undefined;
			if (execution.status !== 'success') {
				// n8n keeps execution data in the "flatted" form.
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				const run = (
					require('flatted') as {
						parse: (text: string) => {
							resultData?: {
								error?: { message?: string; description?: string; node?: { name?: string } };
							};
						};
					}
				).parse(String(execution.data ?? '[]'));
				const error = run.resultData?.error;
				failure = `${error?.node?.name ?? '?'}: ${error?.message ?? String(execution.data).slice(0, 400)} ${error?.description ?? ''}`;
			}
			expect({ status: execution.status, failure }).toEqual({
				status: 'success',
				failure: undefined,
			});
			const port = Number(readFileSync(path.join(data, 'postgres.port'), 'utf8'));
			const db = new Client({
				connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/receivables`,
			});
			await db.connect();
			const sent = await db.query<{ message_id: string }>(
				`SELECT DISTINCT message_id FROM ${status.ledgerSchema}.reminders WHERE claimed_by IS DISTINCT FROM 'demo' AND status = 'sent' AND channel = 'email'`,
			);
			await db.end();
			const caught = (await (await fetch(`${status.catcherUrl}/api/messages`)).json()) as Array<{
				messageId: string;
				subject: string;
			}>;
			expect(caught.map((m) => m.messageId).sort()).toEqual(
				sent.rows.map((r) => r.message_id).sort(),
			);
		}

		await stopWithCtrlC(running);
		running = undefined;
		expect(processesUsing(data)).toEqual([]);
		expect(existsSync(path.join(data, 'postgres', 'postmaster.pid'))).toBe(false);
	});

	it('starts again on the same data without loading or importing anything twice', async () => {
		running = await start(env, statusFile);
		const out = running.output();
		expect(out).toContain('Demo company already there');
		expect(out).toContain('Package already installed in n8n');
		expect(out).not.toContain('Importing');
		expect(out).toContain('up to date');
		await login(running.status);
		await stopWithCtrlC(running);
		running = undefined;
		expect(processesUsing(data)).toEqual([]);
	});
});
