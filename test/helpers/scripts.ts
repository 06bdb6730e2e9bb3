// Runs the repository's Node scripts (scripts/*.mjs, ES modules that jest cannot import) in a child process, the
// way a user runs them.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/** process.env without the variables that choose a database or a data folder, plus `extra`. */
export function scriptEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (
			/^(DATABASE_URL|PG[A-Z]+|RECEIVABLES_[A-Z_]+|N8N_[A-Z_]+|MAIL_[A-Z_]+)$/.test(key) &&
			key !== 'RECEIVABLES_RUNTIME_DIR'
		)
			continue;
		env[key] = value;
	}
	for (const [key, value] of Object.entries(extra)) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}
	return env;
}

/** Runs `node ...args` in the repository and resolves when it exits. */
export function runNode(
	args: string[],
	env: NodeJS.ProcessEnv,
	timeoutMs = 180_000,
): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			cwd: REPO_ROOT,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

/**
 * Runs ES-module code (top-level await allowed) in a child process and returns what it printed last as JSON:
 * the code ends with `console.log(JSON.stringify(result))`. Rejects with the output when it fails.
 */
export async function runModule<T>(
	code: string,
	env: NodeJS.ProcessEnv = scriptEnv(),
	timeoutMs = 180_000,
): Promise<T> {
	const result = await runNode(['--input-type=module', '-e', code], env, timeoutMs);
	const last = result.stdout.trim().split('\n').pop() ?? '';
	if (result.code !== 0)
		throw new Error(
			`child exited ${result.code ?? result.signal}:\n${result.stdout}\n${result.stderr}`,
		);
	try {
		return JSON.parse(last) as T;
	} catch {
		throw new Error(`child printed no JSON:\n${result.stdout}\n${result.stderr}`);
	}
}

/** The absolute file URL of a repository file, for import() in runModule code. */
export function moduleUrl(relative: string): string {
	return new URL(`file://${path.join(REPO_ROOT, relative)}`).href;
}
