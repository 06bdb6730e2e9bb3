// Shared by the workflow-file checks and the real-n8n tests: the shipped workflows, the node types they may use,
// and a disposable n8n instance (own user folder, own n8n schema, own ledger schema) built with the runtime
// library of scripts/lib/n8n-runtime.cjs.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { dropSchema, ledgerCredentialData, testDatabaseUrl, uniqueSchema } from './db';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const WORKFLOWS_DIR = path.join(REPO_ROOT, 'workflows');

interface PackageManifest {
	name: string;
	n8n: { nodes: string[]; credentials: string[] };
}

export function packageManifest(root = REPO_ROOT): PackageManifest {
	return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageManifest;
}

/** The credentials every shipped workflow uses, with fixed ids so an import always matches them. */
export const FIXED_CREDENTIALS: Record<string, { id: string; name: string }> = {
	receivablesLedgerApi: { id: 'rcvLedgerCred001', name: 'Receivables Ledger' },
	receivablesSmtpApi: { id: 'rcvSmtpCred00001', name: 'Receivables SMTP' },
	receivablesWebhookApi: { id: 'rcvWebhookCred01', name: 'Receivables Webhook' },
	/** The e-invoicing platform's API (AFNOR Flow Service): a header such as Authorization: Bearer …. */
	httpHeaderAuth: { id: 'rcvPlatformApi01', name: 'E-invoicing Platform API' },
};

// ---------------------------------------------------------------------------------------------------------------
// Workflow files and node types

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	disabled?: boolean;
	onError?: string;
}

export interface WorkflowConnection {
	node: string;
	type: string;
	index: number;
}

export interface Workflow {
	id: string;
	name: string;
	active: boolean;
	nodes: WorkflowNode[];
	connections: Record<string, Record<string, Array<WorkflowConnection[] | null>>>;
	settings?: { executionOrder?: string };
}

/** Every workflows/*.json file: its name and raw text (parse it in the test, so a bad file fails by name). */
export function workflowFiles(): Array<{ file: string; text: string }> {
	return readdirSync(WORKFLOWS_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, text: readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8') }));
}

export function shippedWorkflows(): Array<{ file: string; workflow: Workflow }> {
	return workflowFiles().map(({ file, text }) => ({
		file,
		workflow: JSON.parse(text) as Workflow,
	}));
}

export interface NodeTypeInfo {
	type: string;
	versions: number[];
	group: string[];
	/** Starts executions on its own once the workflow is published (webhook, poll, schedule...). */
	activatable: boolean;
	/** Number of main outputs when fixed (undefined when computed by n8n from parameters). */
	outputs?: number;
	/**
	 * `operations`: the operations that show the credential (displayOptions), when not all of them; `when`: the other
	 * parameters it is shown for (e.g. Reconcile's IMAP credential only with Read the Sent Mailbox on), by the values
	 * written in the node (a parameter left at its default is not compared); `unless`: the parameters that hide it
	 * (displayOptions.hide) with their defaults, for a node that leaves them out.
	 */
	credentials: Array<{
		name: string;
		required: boolean;
		operations?: string[];
		when?: Record<string, unknown[]>;
		unless?: Record<string, { values: unknown[]; default: unknown }>;
	}>;
	webhooks: Array<{ httpMethod: string; path: string }>;
}

/** Triggers that never run on their own: publishing a workflow with only these makes no sense. */
const NOT_ACTIVATABLE = new Set([
	'manualTrigger',
	'errorTrigger',
	'executeWorkflowTrigger',
	'evaluationTrigger',
]);

interface Description {
	name: string;
	version: number | number[];
	group?: string[];
	outputs?: unknown;
	credentials?: Array<{
		name: string;
		required?: boolean;
		displayOptions?: {
			show?: { operation?: string[] } & Record<string, unknown[] | undefined>;
			hide?: Record<string, unknown[] | undefined>;
		};
	}>;
	properties?: Array<{ name: string; default?: unknown }>;
	webhooks?: Array<{ httpMethod?: string; path?: string }>;
	polling?: boolean;
}

/** The conditions of a credential's displayOptions.show other than the operation (and n8n's own @version). */
function otherConditions(
	show: Record<string, unknown[] | undefined> | undefined,
): Record<string, unknown[]> | undefined {
	const entries = Object.entries(show ?? {}).filter(
		([key, values]) => key !== 'operation' && !key.startsWith('@') && Array.isArray(values),
	) as Array<[string, unknown[]]>;
	return entries.length ? Object.fromEntries(entries) : undefined;
}

function typeInfo(prefix: string, descriptions: Description[]): NodeTypeInfo {
	const [first] = descriptions;
	const versions = descriptions.flatMap((d) =>
		Array.isArray(d.version) ? d.version : [d.version],
	);
	const group = first.group ?? [];
	const isTrigger =
		group.includes('trigger') || Boolean(first.polling) || Boolean(first.webhooks?.length);
	return {
		type: `${prefix}.${first.name}`,
		versions,
		group,
		activatable: isTrigger && !NOT_ACTIVATABLE.has(first.name),
		outputs: Array.isArray(first.outputs) ? first.outputs.length : undefined,
		credentials: (first.credentials ?? []).map((c) => ({
			name: c.name,
			required: c.required === true,
			...(c.displayOptions?.show?.operation ? { operations: c.displayOptions.show.operation } : {}),
			...(otherConditions(c.displayOptions?.show)
				? { when: otherConditions(c.displayOptions?.show) }
				: {}),
			...(otherConditions(c.displayOptions?.hide)
				? {
						unless: Object.fromEntries(
							Object.entries(otherConditions(c.displayOptions?.hide) ?? {}).map(([key, values]) => [
								key,
								{ values, default: first.properties?.find((p) => p.name === key)?.default },
							]),
						),
					}
				: {}),
		})),
		webhooks: (first.webhooks ?? []).map((w) => ({
			httpMethod: String(w.httpMethod ?? 'GET'),
			path: String(w.path ?? ''),
		})),
	};
}

/** n8n's built-in nodes (n8n-nodes-base), from the type list it ships. */
export function baseNodeTypes(): Map<string, NodeTypeInfo> {
	const file = path.join(
		REPO_ROOT,
		'node_modules',
		'n8n-nodes-base',
		'dist',
		'types',
		'nodes.json',
	);
	const all = JSON.parse(readFileSync(file, 'utf8')) as Description[];
	const byName = new Map<string, Description[]>();
	for (const description of all)
		byName.set(description.name, [...(byName.get(description.name) ?? []), description]);
	const types = new Map<string, NodeTypeInfo>();
	for (const descriptions of byName.values()) {
		const info = typeInfo('n8n-nodes-base', descriptions);
		types.set(info.type, info);
	}
	return types;
}

interface NodeClassInstance {
	description?: Description;
	nodeVersions?: Record<string, { description: Description }>;
}

/**
 * The package's own node types, as n8n names them (`n8n-nodes-receivables.<description.name>`), for the nodes
 * listed in the package.json of `root` (the repository, or an installed copy of the package): from the TypeScript
 * sources ('source', no build needed) or the built files ('dist'). A listed node whose file does not exist yet is
 * left out (and so is unknown to the checks).
 */
export function packageNodeTypes(
	from: 'source' | 'dist',
	root = REPO_ROOT,
): Map<string, NodeTypeInfo> {
	const manifest = packageManifest(root);
	const types = new Map<string, NodeTypeInfo>();
	for (const listed of manifest.n8n.nodes) {
		const file =
			from === 'dist'
				? path.join(root, listed)
				: path.join(root, listed.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		if (!existsSync(file)) continue;
		const className = path.basename(file).split('.')[0];
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const NodeClass = (require(file) as Record<string, new () => NodeClassInstance>)[className];
		const instance = new NodeClass();
		const descriptions = instance.nodeVersions
			? Object.values(instance.nodeVersions).map((v) => v.description)
			: [instance.description as Description];
		const info = typeInfo(manifest.name, descriptions);
		types.set(info.type, info);
	}
	return types;
}

/** The credential type names declared by the package at `root` (from its built files). */
export function packageCredentialTypes(root = REPO_ROOT): string[] {
	return packageManifest(root).n8n.credentials.map((listed) => {
		const file = path.join(root, listed);
		const className = path.basename(file).split('.')[0];
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const CredentialClass = (require(file) as Record<string, new () => { name: string }>)[
			className
		];
		return new CredentialClass().name;
	});
}

/** The nodes of a workflow that start it on their own (so the workflow must be published to work). */
export function activatableNodes(
	workflow: Workflow,
	types: Map<string, NodeTypeInfo>,
): WorkflowNode[] {
	return workflow.nodes.filter((node) => !node.disabled && types.get(node.type)?.activatable);
}

/** The production webhooks a published workflow serves: path and method of each Webhook/Form trigger node. */
export function webhookEndpoints(
	workflow: Workflow,
): Array<{ path: string; method: string; endpoint: 'webhook' | 'form' }> {
	return workflow.nodes
		.filter(
			(node) =>
				!node.disabled &&
				(node.type === 'n8n-nodes-base.webhook' ||
					node.type === 'n8n-nodes-base.formTrigger' ||
					node.type === 'n8n-nodes-receivables.receivablesPageTrigger'),
		)
		.map((node) => ({
			// A Form Trigger keeps its path in its options ("Form Path"); without one n8n uses the webhook id.
			path: String(
				node.parameters.path ??
					(node.parameters.options as { path?: string } | undefined)?.path ??
					node.webhookId,
			),
			method:
				node.type === 'n8n-nodes-base.formTrigger'
					? 'GET'
					: node.type === 'n8n-nodes-receivables.receivablesPageTrigger'
						? 'POST'
						: String(node.parameters.httpMethod ?? 'GET'),
			// n8n serves a Form Trigger under /form/<path>, every other webhook under /webhook/<path>.
			endpoint:
				node.type === 'n8n-nodes-base.formTrigger' ? ('form' as const) : ('webhook' as const),
		}));
}

// ---------------------------------------------------------------------------------------------------------------
// The runtime library (scripts/lib/n8n-runtime.cjs), typed

export interface N8nRuntime {
	dir: string;
	nodeBin: string;
	n8nBin: string;
}
export type N8nEnv = Record<string, string>;
export type Log = (line: string) => void;
export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
}
export interface N8nProcess {
	url: string;
	process: ChildProcess;
	stop(): Promise<{ code: number | null; signal: string | null }>;
	output(): string;
	exited: Promise<{ code: number | null; signal: string | null }>;
}
export interface DbSettings {
	host: string;
	port: number;
	database: string;
	user: string;
	password: string;
	schema: string;
}
export interface RuntimeLibrary {
	N8N_VERSION: string;
	NODE_VERSION: string;
	repoRoot: string;
	runtimeDir(): string;
	ensureN8nRuntime(options: { log?: Log }): Promise<N8nRuntime>;
	packPackage(options: { log?: Log; destination?: string }): Promise<string>;
	installPackageInto(userFolder: string, tarball: string, options: { log?: Log }): Promise<string>;
	n8nEnv(options: {
		userFolder: string;
		db: DbSettings;
		port: number;
		runnerPort: number;
		encryptionKey: string;
		filesFolder?: string;
		extra?: N8nEnv;
	}): N8nEnv;
	n8nCli(
		runtime: N8nRuntime,
		env: N8nEnv,
		args: string[],
		options?: { log?: Log; timeoutMs?: number },
	): Promise<CliResult>;
	importCredentials(
		runtime: N8nRuntime,
		env: N8nEnv,
		credentials: unknown[],
		options?: { log?: Log },
	): Promise<CliResult>;
	importWorkflows(
		runtime: N8nRuntime,
		env: N8nEnv,
		dir: string,
		options?: { log?: Log },
	): Promise<CliResult>;
	publishWorkflows(
		runtime: N8nRuntime,
		env: N8nEnv,
		ids: string[],
		options?: { log?: Log },
	): Promise<CliResult[]>;
	startN8n(
		runtime: N8nRuntime,
		env: N8nEnv,
		options?: {
			log?: Log;
			timeoutMs?: number;
			command?: 'start' | 'worker' | 'webhook';
			graceMs?: number;
			args?: string[];
		},
	): Promise<N8nProcess>;
	waitForWebhook(
		url: string,
		webhookPath: string,
		options?: { method?: string; timeoutMs?: number; endpoint?: 'webhook' | 'form' },
	): Promise<number>;
	freePort(): Promise<number>;
	newEncryptionKey(): string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const runtimeLibrary = require('../../scripts/lib/n8n-runtime.cjs') as RuntimeLibrary;

// ---------------------------------------------------------------------------------------------------------------
// A disposable n8n instance for a test file

/** Progress lines (runtime install, pack) go to stderr at once, so a first 6-minute install is visibly alive. */
export const progress: Log = (line) => process.stderr.write(`[n8n] ${line}\n`);

export interface TestInstance {
	runtime: N8nRuntime;
	label: string;
	userFolder: string;
	/** Where the package is installed: <userFolder>/.n8n/nodes/node_modules/n8n-nodes-receivables. */
	packageDir: string;
	n8nSchema: string;
	ledgerSchema: string;
	db: DbSettings;
	encryptionKey: string;
	/** Ids of the workflows published (those with a trigger that runs on its own). */
	published: string[];
	/** The env of one more n8n process of this instance, on ports of its own (and in `userFolder` if given). */
	env(extra?: N8nEnv, userFolder?: string): Promise<N8nEnv>;
	/**
	 * A user folder of its own for another process (a queue-mode worker: every n8n process keeps its own crash
	 * journal and event log), with the package installed in it like in the first one.
	 */
	addUserFolder(name: string): Promise<string>;
	/** Starts an n8n process (start, worker, webhook), stopped by cleanup() whatever happens. */
	start(
		name: string,
		env: N8nEnv,
		options?: { command?: 'start' | 'worker' | 'webhook'; timeoutMs?: number; args?: string[] },
	): Promise<N8nProcess>;
	cli(env: N8nEnv, args: string[]): Promise<CliResult>;
	/** A query on the test database (the ledger and n8n schemas are in it). */
	query<T>(sql: string, values?: unknown[]): Promise<T[]>;
	/** Stops every process started, saves their output under test-artifacts/, drops the schemas and the folder. */
	cleanup(): Promise<void>;
}

function dbSettings(schema: string): DbSettings {
	const url = new URL(testDatabaseUrl());
	return {
		host: decodeURIComponent(url.hostname) || '127.0.0.1',
		port: Number(url.port || 5432),
		database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
		user: decodeURIComponent(url.username || 'postgres'),
		password: decodeURIComponent(url.password || ''),
		schema,
	};
}

/**
 * Builds a fresh instance: n8n 2.40.7 runtime (installed once), the package packed from dist/ and installed into a
 * new user folder under .runtime/, n8n's tables in a schema of their own, every fixed credential (ledger pointing at a
 * fresh ledger schema of the test database, SMTP at `smtpPort` on 127.0.0.1), every workflow of workflows/
 * imported and the ones with triggers published (or only those of them listed in `publish`); the webhook credential's
 * secret is `webhookSecret` when given; `ledgerCredential` points the ledger credential elsewhere (a Postgres the test
 * restarts). Nothing is started yet.
 */
export async function prepareInstance(
	label: string,
	options: {
		smtpPort?: number;
		publish?: 'triggers' | string[];
		webhookSecret?: string;
		ledgerCredential?: Record<string, string | number>;
	} = {},
): Promise<TestInstance> {
	const lib = runtimeLibrary;
	const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
	// RECEIVABLES_E2E_DIR: where the instances' user folders go (default .runtime/ of the repository). The real path:
	// n8n compares a file's real path with its allowed folder, so a linked folder must not hide it.
	const instancesDir = process.env.RECEIVABLES_E2E_DIR || path.join(REPO_ROOT, '.runtime');
	mkdirSync(instancesDir, { recursive: true });
	const userFolder = path.join(realpathSync(instancesDir), `${label}-${suffix}`);
	const n8nSchema = `n8n_${label}_${suffix}`;
	const ledgerSchema = uniqueSchema(`${label}_ledger`);
	const processes: Array<{ name: string; handle: N8nProcess }> = [];
	const client = new Client({ connectionString: testDatabaseUrl() });
	await client.connect();
	let cleaned = false;
	let tarball = '';
	// Interrupted (Ctrl-C, CI timeout): stop the n8n processes before going, so none outlives the test run.
	const onSignal = (signal: NodeJS.Signals) => {
		for (const { handle } of processes) handle.process.kill('SIGKILL');
		for (const { handle } of processes) {
			try {
				process.kill(-(handle.process.pid as number), 'SIGKILL');
			} catch {
				// already gone
			}
		}
		process.kill(process.pid, signal);
	};

	const instance: TestInstance = {
		runtime: { dir: '', nodeBin: '', n8nBin: '' },
		label,
		userFolder,
		packageDir: '',
		n8nSchema,
		ledgerSchema,
		db: dbSettings(n8nSchema),
		encryptionKey: lib.newEncryptionKey(),
		published: [],
		async env(extra = {}, folder = userFolder) {
			return lib.n8nEnv({
				userFolder: folder,
				db: instance.db,
				port: await lib.freePort(),
				runnerPort: await lib.freePort(),
				encryptionKey: instance.encryptionKey,
				extra: { N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15', GENERIC_TIMEZONE: 'Europe/Paris', ...extra },
			});
		},
		async addUserFolder(name) {
			const folder = path.join(userFolder, 'processes', name);
			mkdirSync(folder, { recursive: true });
			await lib.installPackageInto(folder, tarball, { log: () => undefined });
			return folder;
		},
		async start(name, env, { command = 'start', timeoutMs = 240_000, args = [] } = {}) {
			// A port found free can be taken by another program before n8n binds it: then take new ones and retry.
			for (let attempt = 1; ; attempt++) {
				try {
					const handle = await lib.startN8n(instance.runtime, env, { command, timeoutMs, args });
					processes.push({ name, handle });
					return handle;
				} catch (error) {
					if (attempt >= 3 || !/is already in use|EADDRINUSE/.test(String(error))) throw error;
					for (const key of ['N8N_PORT', 'N8N_RUNNERS_BROKER_PORT', 'QUEUE_HEALTH_CHECK_PORT']) {
						if (env[key]) env[key] = String(await lib.freePort());
					}
				}
			}
		},
		async cli(env, args) {
			return await lib.n8nCli(instance.runtime, env, args);
		},
		async query<T>(sql: string, values: unknown[] = []) {
			return (await client.query(sql, values)).rows as T[];
		},
		async cleanup() {
			if (cleaned) return;
			cleaned = true;
			for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
			await Promise.all(processes.map(({ handle }) => handle.stop().catch(() => undefined)));
			const artifacts = path.join(REPO_ROOT, 'test-artifacts');
			mkdirSync(artifacts, { recursive: true });
			for (const { name, handle } of processes)
				writeFileSync(path.join(artifacts, `${label}-${name}.log`), handle.output());
			await client.end().catch(() => undefined);
			await dropSchema(n8nSchema).catch(() => undefined);
			await dropSchema(ledgerSchema).catch(() => undefined);
			rmSync(userFolder, { recursive: true, force: true });
		},
	};

	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, onSignal);
	let since = Date.now();
	const step = (what: string) => {
		progress(`${label}: ${what} (${((Date.now() - since) / 1000).toFixed(1)} s)`);
		since = Date.now();
	};
	try {
		instance.runtime = await lib.ensureN8nRuntime({ log: progress });
		mkdirSync(userFolder, { recursive: true });
		// RECEIVABLES_E2E_TARBALL tests an existing tarball (e.g. the one about to be published) instead of packing dist/.
		tarball =
			process.env.RECEIVABLES_E2E_TARBALL ||
			(await lib.packPackage({ log: progress, destination: userFolder }));
		instance.packageDir = await lib.installPackageInto(userFolder, tarball, {
			log: () => undefined,
		});
		step(`package installed into ${path.relative(REPO_ROOT, userFolder)}`);
		await client.query(`CREATE SCHEMA "${n8nSchema}"`);
		const env = await instance.env();
		// Every credential the shipped workflows may reference, under its fixed id.
		const data: Record<string, Record<string, unknown>> = {
			receivablesLedgerApi: options.ledgerCredential ?? ledgerCredentialData(ledgerSchema),
			receivablesSmtpApi: {
				host: '127.0.0.1',
				port: options.smtpPort ?? (await lib.freePort()),
				secure: false,
				disableStartTls: true,
				user: '',
				password: '',
			},
			receivablesWebhookApi: { secret: options.webhookSecret ?? randomBytes(24).toString('hex') },
			httpHeaderAuth: { name: 'Authorization', value: `Bearer ${randomBytes(16).toString('hex')}` },
		};
		await lib.importCredentials(
			instance.runtime,
			env,
			Object.entries(FIXED_CREDENTIALS).map(([type, fixed]) => ({
				...fixed,
				type,
				data: data[type] ?? {},
			})),
		);
		step('credentials imported');
		await lib.importWorkflows(instance.runtime, env, WORKFLOWS_DIR);
		step('workflows imported');
		const types = new Map([...baseNodeTypes(), ...packageNodeTypes('dist', instance.packageDir)]);
		const withTriggers = shippedWorkflows()
			.filter(({ workflow }) => activatableNodes(workflow, types).length > 0)
			.map(({ workflow }) => workflow.id);
		const wanted = options.publish ?? 'triggers';
		instance.published =
			wanted === 'triggers' ? withTriggers : withTriggers.filter((id) => wanted.includes(id));
		await lib.publishWorkflows(instance.runtime, env, instance.published);
		step(`published ${instance.published.join(', ')}`);
		return instance;
	} catch (error) {
		await instance.cleanup();
		throw error;
	}
}

/** Calls `read` until `done(result)` holds (every 250 ms, up to `timeoutMs`), and returns the last result. */
export async function eventually<T>(
	read: () => Promise<T>,
	done: (result: T) => boolean,
	timeoutMs = 30_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const result = await read();
		if (done(result) || Date.now() > deadline) return result;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Makes the instance owner (first start only) and returns the auth cookie for n8n's REST API and type files. */
export async function ownerCookie(url: string): Promise<string> {
	const browserId = randomBytes(8).toString('hex');
	const response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({
			email: 'owner@receivables.example',
			firstName: 'Finance',
			lastName: 'Owner',
			password: `Owner-${randomBytes(6).toString('hex')}1`,
		}),
	});
	if (!response.ok)
		throw new Error(`owner setup answered ${response.status}: ${await response.text()}`);
	const cookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error('owner setup set no n8n-auth cookie');
	return cookie.split(';')[0];
}
