// `npm start` run by a test as a user runs it: its own process group (Ctrl-C reaches the whole group), the status
// file it writes once ready, and the owner's login to n8n's REST API.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { REPO_ROOT } from './scripts';

export interface StartStatus {
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

export interface Started {
	child: ChildProcess;
	status: StartStatus;
	output: () => string;
	exited: Promise<number | null>;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export async function startProduct(
	env: NodeJS.ProcessEnv,
	statusFile: string,
	timeoutMs = 12 * 60_000,
): Promise<Started> {
	rmSync(statusFile, { force: true });
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
	const deadline = Date.now() + timeoutMs;
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
		status: JSON.parse(readFileSync(statusFile, 'utf8')) as StartStatus,
		output: () => text,
		exited,
	};
}

/** The owner's session cookie. */
export async function loginOwner(status: StartStatus): Promise<string> {
	const response = await fetch(`${status.editorUrl}/rest/login`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: status.owner.email,
			password: status.owner.password,
		}),
	});
	if (response.status !== 200)
		throw new Error(`login answered ${response.status}: ${await response.text()}`);
	return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

/** Ctrl-C as a terminal sends it (SIGINT to the group); resolves with the exit code, or 'timeout'. */
export async function stopProduct(started: Started): Promise<number | null | 'timeout'> {
	process.kill(-started.child.pid!, 'SIGINT');
	let timer: NodeJS.Timeout | undefined;
	const code = await Promise.race([
		started.exited,
		new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 120_000))),
	]);
	clearTimeout(timer);
	return code;
}

/** After a failure only: the launcher, the worker (its own session) and n8n (its own group). */
export function killProduct(started: Started | undefined): void {
	for (const pid of [started?.child.pid, started?.status.pid, started?.status.n8nPid]) {
		if (!pid) continue;
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already stopped
		}
	}
}
