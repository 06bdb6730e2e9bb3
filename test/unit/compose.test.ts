import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { FILE_KINDS as CORE_FILE_KINDS, N8N_DEFAULT_FILES_FOLDER } from '../../core/files/folder';

/**
 * The Docker setup cannot be run here (no Docker engine): these tests check what can be checked without one.
 * Static checks of the compose files, the Dockerfile and the scripts always run; the compose files are also
 * validated and merged by Debian's `docker-compose config` when that command is installed (CI installs it).
 */

const root = path.resolve(__dirname, '..', '..');
const docker = path.join(root, 'docker');
const N8N_BASE_IMAGE = 'n8nio/n8n:2.40.7';
const NODES_DIR = '/home/node/.n8n/nodes';
const N8N_SERVICES = ['n8n', 'n8n-worker-1', 'n8n-worker-2', 'n8n-webhook'];

type Env = Record<string, string | number | boolean | null>;
interface Service {
	image?: string;
	build?: { context: string; dockerfile: string };
	command?: string[];
	environment?: Env;
	ports?: string[];
	volumes?: string[];
	depends_on?: Record<string, { condition: string }>;
	healthcheck?: { test: string[] };
}
interface ComposeFile {
	services: Record<string, Service>;
	volumes?: Record<string, unknown>;
}

function readCompose(file: string): ComposeFile {
	return parse(readFileSync(path.join(docker, file), 'utf8'), { merge: true }) as ComposeFile;
}

function run(
	cmd: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): SpawnSyncReturns<string> {
	return spawnSync(cmd, args, {
		cwd: options.cwd ?? root,
		env: options.env ?? process.env,
		input: options.input,
		encoding: 'utf8',
	});
}

function tempDir(prefix: string): string {
	return mkdtempSync(path.join(tmpdir(), `rcv-${prefix}-`));
}

const base = readCompose('compose.yml');
const queue = readCompose('compose.queue.yml');
const dockerfile = readFileSync(path.join(docker, 'Dockerfile'), 'utf8');

describe('docker/compose.yml and npm start: one n8n setup', () => {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime of npm start is CommonJS (scripts/lib)
	const runtime = require('../../scripts/lib/n8n-runtime.cjs') as {
		N8N_PRODUCT_ENV: Record<string, string>;
		FILE_KINDS: string[];
		n8nEnv: (o: Record<string, unknown>) => Record<string, string>;
	};
	const composeEnv = base.services.n8n.environment as Env;

	it('tells n8n the same about the product as npm start does, every variable with the same value', () => {
		const folder = tempDir('start-env');
		const start = runtime.n8nEnv({
			userFolder: folder,
			db: { database: 'n8n' },
			port: 5678,
			runnerPort: 5679,
			encryptionKey: 'k',
		});
		expect(Object.keys(runtime.N8N_PRODUCT_ENV).length).toBeGreaterThan(8);
		for (const [key, value] of Object.entries(runtime.N8N_PRODUCT_ENV)) {
			expect({ key, start: start[key] }).toEqual({ key, start: value });
			expect({
				key,
				docker: composeEnv[key] === undefined ? undefined : String(composeEnv[key]),
			}).toEqual({ key, docker: value });
		}
		// Each has its own addresses, ports, database login and key; everything else npm start sets, Docker sets too.
		const ownToEach = new Set([
			'NODE_ENV',
			'N8N_USER_FOLDER',
			'N8N_ENCRYPTION_KEY',
			'DB_POSTGRESDB_HOST',
			'DB_POSTGRESDB_PORT',
			'DB_POSTGRESDB_DATABASE',
			'DB_POSTGRESDB_USER',
			'DB_POSTGRESDB_PASSWORD',
			'DB_POSTGRESDB_SCHEMA',
			'N8N_PORT',
			'N8N_LISTEN_ADDRESS',
			'N8N_PROTOCOL',
			'N8N_SECURE_COOKIE',
			'N8N_RUNNERS_BROKER_PORT',
			'N8N_RUNNERS_BROKER_LISTEN_ADDRESS',
			'N8N_WORKER_SERVER_ADDRESS',
		]);
		expect(Object.keys(start).filter((key) => !ownToEach.has(key) && !(key in composeEnv))).toEqual(
			[],
		);
		// The company's time zone: the same default in both (npm start: GENERIC_TIMEZONE or Europe/Paris).
		expect(composeEnv.GENERIC_TIMEZONE).toBe('${GENERIC_TIMEZONE:-Europe/Paris}');
		expect(readFileSync(path.join(root, 'scripts', 'start.mjs'), 'utf8')).toContain(
			"GENERIC_TIMEZONE: env.GENERIC_TIMEZONE ?? 'Europe/Paris'",
		);
		rmSync(folder, { recursive: true, force: true });
	});

	it("gives the workflows one files folder through the same variable, with the same sub-folders, in n8n's default place in the image", () => {
		const folder = tempDir('start-files');
		const start = runtime.n8nEnv({
			userFolder: folder,
			db: { database: 'n8n' },
			port: 5678,
			runnerPort: 5679,
			encryptionKey: 'k',
			filesFolder: path.join(folder, 'files'),
		});
		expect(start.N8N_RESTRICT_FILE_ACCESS_TO).toBe(path.join(folder, 'files'));
		expect(readdirSync(start.N8N_RESTRICT_FILE_ACCESS_TO).sort()).toEqual(
			[...runtime.FILE_KINDS].sort(),
		);
		// the core's list of kinds (what the nodes resolve) is the runtime's
		expect([...runtime.FILE_KINDS].sort()).toEqual([...CORE_FILE_KINDS].sort());
		// Docker: n8n's own default (~/.n8n-files of the node user), set in the compose file and in the image
		expect(composeEnv.N8N_RESTRICT_FILE_ACCESS_TO).toBe(
			N8N_DEFAULT_FILES_FOLDER.replace('~', '/home/node'),
		);
		expect(dockerfile).toContain(
			`N8N_RESTRICT_FILE_ACCESS_TO=${composeEnv.N8N_RESTRICT_FILE_ACCESS_TO}`,
		);
		expect(base.services.n8n.volumes).toEqual([
			`n8nfiles:${composeEnv.N8N_RESTRICT_FILE_ACCESS_TO}`,
		]);
		const made = [...dockerfile.matchAll(/\/home\/node\/\.n8n-files\/([a-z-]+)/g)].map((m) => m[1]);
		expect([...new Set(made)].sort()).toEqual([...runtime.FILE_KINDS].sort());
		// queue mode: every n8n process of the image sees the same folder and product settings
		for (const name of N8N_SERVICES.filter((n) => queue.services[n])) {
			const env = {
				...base.services.n8n.environment,
				...(queue.services[name].environment as Env),
			} as Env;
			expect({ name, files: env.N8N_RESTRICT_FILE_ACCESS_TO }).toEqual({
				name,
				files: composeEnv.N8N_RESTRICT_FILE_ACCESS_TO,
			});
		}
		rmSync(folder, { recursive: true, force: true });
	});
});

describe('docker/compose.yml (static)', () => {
	it('has Postgres 17 with a data volume, a healthcheck and the ledger database created at init', () => {
		const pg = base.services.postgres;
		expect(pg.image).toMatch(/^postgres:17(\b|$)/);
		expect(pg.volumes).toContain('pgdata:/var/lib/postgresql/data');
		expect(Object.keys(base.volumes ?? {})).toContain('pgdata');
		expect(pg.healthcheck?.test.join(' ')).toMatch(/pg_isready/);
		const init = (pg.volumes ?? []).find((v) => v.includes('/docker-entrypoint-initdb.d/'));
		expect(init).toBeDefined();
		const initScript = path.resolve(docker, (init as string).split(':')[0]);
		expect(existsSync(initScript)).toBe(true);
		expect(run('sh', ['-n', initScript]).status).toBe(0);
	});

	it('has Mailpit with SMTP on 1025 and its web UI on 8025', () => {
		const mailpit = base.services.mailpit;
		expect(mailpit.image).toMatch(/^axllent\/mailpit:v\d/);
		expect((mailpit.ports ?? []).join(' ')).toMatch(/:8025$|:8025 /);
		expect((mailpit.ports ?? []).some((p) => p.endsWith(':1025'))).toBe(true);
		expect(mailpit.healthcheck?.test).toBeDefined();
	});

	it('builds n8n from docker/Dockerfile with the repository root as context, after Postgres is healthy', () => {
		const n8n = base.services.n8n;
		expect(n8n.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
		expect(n8n.command).toEqual(['start']);
		expect(n8n.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
		expect(n8n.depends_on?.mailpit).toBeDefined();
		expect(n8n.healthcheck?.test.join(' ')).toMatch(/5678\/healthz/);
		expect(n8n.volumes).toEqual(['n8nfiles:/home/node/.n8n-files']);
		expect(Object.keys(base.volumes ?? {})).toContain('n8nfiles');
		const env = n8n.environment as Env;
		expect(env.DB_TYPE).toBe('postgresdb');
		expect(env.DB_POSTGRESDB_HOST).toBe('postgres');
		expect(env.RECEIVABLES_LEDGER_HOST).toBe('${RECEIVABLES_LEDGER_HOST:-postgres}');
		expect(env.RECEIVABLES_SMTP_HOST).toBe('${RECEIVABLES_SMTP_HOST:-mailpit}');
		expect(env.RECEIVABLES_SMTP_PORT).toBe('${RECEIVABLES_SMTP_PORT:-1025}');
	});

	it('bakes no secret in: keys and passwords come from required variables or are left empty', () => {
		for (const file of [base, queue]) {
			for (const [name, service] of Object.entries(file.services)) {
				for (const [key, value] of Object.entries(service.environment ?? {})) {
					if (!/PASSWORD|ENCRYPTION_KEY|SECRET|TOKEN/.test(key)) continue;
					// ${VAR:?message} (required) or ${VAR:-} (empty default): never a literal value.
					expect({ service: name, key, value }).toEqual({
						service: name,
						key,
						value: expect.stringMatching(/^\$\{[A-Z0-9_]+(:\?[^}]*|:-)\}$/),
					});
				}
			}
		}
		expect(base.services.n8n.environment?.N8N_ENCRYPTION_KEY).toMatch(/^\$\{N8N_ENCRYPTION_KEY:\?/);
	});
});

describe('docker/compose.queue.yml (static)', () => {
	const baseEnv = base.services.n8n.environment as Env;

	it('adds Redis with a healthcheck and a volume, two workers and a webhook processor', () => {
		expect(queue.services.redis.image).toMatch(/^redis:\d/);
		expect(queue.services.redis.healthcheck?.test.join(' ')).toMatch(/redis-cli ping/);
		expect(queue.services.redis.volumes).toContain('redisdata:/data');
		expect(queue.services['n8n-worker-1'].command).toEqual(['worker']);
		expect(queue.services['n8n-worker-2'].command).toEqual(['worker']);
		expect(queue.services['n8n-webhook'].command).toEqual(['webhook']);
	});

	it('runs every n8n process from the same image, database and encryption key, in queue mode', () => {
		const main = { ...baseEnv, ...(queue.services.n8n.environment as Env) };
		expect(main.EXECUTIONS_MODE).toBe('queue');
		expect(main.QUEUE_BULL_REDIS_HOST).toBe('redis');
		for (const name of ['n8n-worker-1', 'n8n-worker-2', 'n8n-webhook']) {
			const service = queue.services[name];
			expect(service.image).toBe(base.services.n8n.image);
			expect(service.build).toEqual(base.services.n8n.build);
			const env = service.environment as Env;
			expect(env.EXECUTIONS_MODE).toBe('queue');
			expect(env.QUEUE_BULL_REDIS_HOST).toBe('redis');
			for (const key of [
				'N8N_ENCRYPTION_KEY',
				'DB_TYPE',
				'DB_POSTGRESDB_HOST',
				'DB_POSTGRESDB_DATABASE',
				'DB_POSTGRESDB_USER',
				'DB_POSTGRESDB_PASSWORD',
				'N8N_WEBHOOK_URL',
				'GENERIC_TIMEZONE',
			]) {
				expect({ service: name, key, value: env[key] }).toEqual({
					service: name,
					key,
					value: baseEnv[key],
				});
			}
			expect(service.healthcheck?.test.join(' ')).toMatch(/5678\/healthz/);
			expect(service.volumes).toEqual(base.services.n8n.volumes);
			expect(service.depends_on?.redis).toEqual({ condition: 'service_healthy' });
			expect(service.depends_on?.n8n).toEqual({ condition: 'service_healthy' });
		}
		expect(queue.services['n8n-worker-1'].environment?.QUEUE_HEALTH_CHECK_ACTIVE).toBe('true');
	});

	it('restarts every process that exits: n8n processes exit when Redis is unreachable', () => {
		const restart = (name: string) =>
			(queue.services[name] as { restart?: string }).restart ??
			(base.services[name] as { restart?: string } | undefined)?.restart;
		for (const name of ['redis', 'n8n', 'n8n-worker-1', 'n8n-worker-2', 'n8n-webhook'])
			expect({ name, restart: restart(name) }).toEqual({ name, restart: 'unless-stopped' });
	});
});

describe('docker/Dockerfile and scripts (static)', () => {
	const instructions = dockerfile
		.replace(/\\\n/g, ' ')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#'));

	it(`is based on ${N8N_BASE_IMAGE} and installs the package into ${NODES_DIR}`, () => {
		expect(instructions.filter((line) => /^FROM\s/i.test(line))).toEqual([
			`FROM ${N8N_BASE_IMAGE}`,
		]);
		expect(instructions).toContainEqual(
			expect.stringMatching(
				new RegExp(`^RUN .*install-package\\.sh \\S+ ${NODES_DIR.replace(/\//g, '\\/')}(\\s|$)`),
			),
		);
		expect(instructions).toContainEqual(
			expect.stringMatching(/^COPY docker\/n8n-nodes-receivables-\*\.tgz /),
		);
		expect(instructions).toContainEqual(expect.stringMatching(/^COPY workflows\/ /));
		expect(instructions.filter((line) => /^USER\s/.test(line)).pop()).toBe('USER node');
		expect(instructions).toContainEqual(
			expect.stringMatching(
				/^ENTRYPOINT \["tini", "--", "\/bin\/sh", "\/opt\/receivables\/entrypoint\.sh"\]$/,
			),
		);
		expect(base.services.n8n.image).toMatch(/:2\.40\.7$/);
	});

	it('keeps the build context to what the Dockerfile copies (.dockerignore)', () => {
		const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8')
			.split('\n')
			.map((l) => l.trim());
		expect(ignore).toContain('*');
		for (const copied of [
			'docker/n8n-nodes-receivables-*.tgz',
			'docker/install-package.sh',
			'docker/entrypoint.sh',
			'workflows',
		]) {
			expect(ignore).toContain(`!${copied}`);
		}
	});

	it.each(['entrypoint.sh', 'install-package.sh'])('%s is valid sh (sh -n)', (script) => {
		const result = run('sh', ['-n', path.join(docker, script)]);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
	});
});

describe('docker/entrypoint.sh', () => {
	let dir: string;
	let callsFile: string;

	beforeEach(() => {
		dir = tempDir('entrypoint');
		callsFile = path.join(dir, 'calls.log');
		// A stand-in for the n8n CLI that records its calls; the real n8n is exercised by the e2e tests.
		const bin = path.join(dir, 'n8n');
		writeFileSync(
			bin,
			`#!/bin/sh
echo "$*" >> "${callsFile}"
case "$1" in
	import:credentials) cp "\${2#--input=}" "${dir}/imported-credentials.json" ;;
	import:workflow) ls "\${3#--input=}" > "${dir}/imported-workflows.txt" ;;
	list:workflow) printf 'Acquiring database migration lock...\\n%s\\n' $STUB_EXISTING ;;
esac
`,
		);
		chmodSync(bin, 0o755);
		mkdirSync(path.join(dir, 'workflows'));
		const workflow = (id: string, type: string) => ({
			id,
			name: id,
			nodes: [{ id: 'n1', name: 'Start', type, typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
		});
		writeFileSync(
			path.join(dir, 'workflows', 'hook.json'),
			JSON.stringify(workflow('wfHook', 'n8n-nodes-base.webhook')),
		);
		writeFileSync(
			path.join(dir, 'workflows', 'daily.json'),
			JSON.stringify(workflow('wfDaily', 'n8n-nodes-base.scheduleTrigger')),
		);
		writeFileSync(
			path.join(dir, 'workflows', 'manual.json'),
			JSON.stringify(workflow('wfManual', 'n8n-nodes-base.manualTrigger')),
		);
		writeFileSync(
			path.join(dir, 'workflows', 'sub.json'),
			JSON.stringify(workflow('wfSub', 'n8n-nodes-base.executeWorkflowTrigger')),
		);
	});

	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	function entrypoint(args: string[], env: Record<string, string> = {}) {
		return run('sh', [path.join(docker, 'entrypoint.sh'), ...args], {
			env: {
				PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
				RECEIVABLES_N8N_BIN: path.join(dir, 'n8n'),
				RECEIVABLES_N8N_ENTRYPOINT: 'echo',
				RECEIVABLES_WORKFLOWS_DIR: path.join(dir, 'workflows'),
				DB_POSTGRESDB_USER: 'n8n',
				DB_POSTGRESDB_PASSWORD: 's3cr"et\\',
				...env,
			},
		});
	}

	const calls = () => readFileSync(callsFile, 'utf8').trim().split('\n');

	it('imports the two credentials with fixed ids, built from the environment, then hands over to n8n', () => {
		const result = entrypoint(['start'], {
			RECEIVABLES_SMTP_HOST: 'smtp.example.org',
			RECEIVABLES_SMTP_PORT: '587',
			RECEIVABLES_SMTP_USER: 'relances',
		});
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(result.stdout.trim().split('\n').pop()).toBe('start');
		const credentials = JSON.parse(
			readFileSync(path.join(dir, 'imported-credentials.json'), 'utf8'),
		);
		expect(credentials).toEqual([
			{
				id: 'rcvLedgerCred001',
				name: 'Receivables Ledger',
				type: 'receivablesLedgerApi',
				data: {
					host: 'postgres',
					port: 5432,
					database: 'receivables',
					user: 'n8n',
					password: 's3cr"et\\',
					ssl: 'disable',
					schema: 'receivables',
					maxConnections: 10,
				},
			},
			{
				id: 'rcvSmtpCred00001',
				name: 'Receivables SMTP',
				type: 'receivablesSmtpApi',
				data: {
					host: 'smtp.example.org',
					port: 587,
					secure: false,
					disableStartTls: false,
					user: 'relances',
					password: '',
					hostName: '',
				},
			},
		]);
		expect(calls()[0]).toMatch(/^import:credentials --input=/);
	});

	it('imports only the workflows n8n does not have yet and publishes those with a trigger', () => {
		const result = entrypoint(['start'], { STUB_EXISTING: 'wfDaily' });
		expect(result.status).toBe(0);
		expect(calls().slice(1)).toEqual([
			'list:workflow --onlyId',
			expect.stringMatching(/^import:workflow --separate --input=/),
			'publish:workflow --id=wfHook',
		]);
		expect(
			readFileSync(path.join(dir, 'imported-workflows.txt'), 'utf8').trim().split('\n'),
		).toEqual(['hook.json', 'manual.json', 'sub.json']);
	});

	it('re-imports and republishes everything with RECEIVABLES_IMPORT=all, nothing with none', () => {
		expect(
			entrypoint(['start'], { STUB_EXISTING: 'wfDaily wfHook', RECEIVABLES_IMPORT: 'all' }).status,
		).toBe(0);
		expect(calls().filter((c) => c.startsWith('publish:'))).toEqual([
			'publish:workflow --id=wfDaily',
			'publish:workflow --id=wfHook',
		]);
		rmSync(callsFile);
		expect(entrypoint(['start'], { RECEIVABLES_IMPORT: 'none' }).status).toBe(0);
		expect(calls()).toEqual([expect.stringMatching(/^import:credentials/)]);
	});

	it('starts workers and webhook processors directly', () => {
		for (const command of ['worker', 'webhook']) {
			const result = entrypoint([command]);
			expect(result.status).toBe(0);
			expect(result.stdout.trim()).toBe(command);
		}
		expect(existsSync(callsFile)).toBe(false);
	});

	it('refuses a shipped workflow without an id, and stops when n8n cannot list its workflows', () => {
		writeFileSync(
			path.join(dir, 'workflows', 'noid.json'),
			JSON.stringify({ name: 'x', nodes: [], connections: {} }),
		);
		const noId = entrypoint(['start']);
		expect(noId.status).not.toBe(0);
		expect(noId.stderr).toMatch(/noid\.json has no "id"/);
		rmSync(path.join(dir, 'workflows', 'noid.json'));
		writeFileSync(
			path.join(dir, 'n8n'),
			`#!/bin/sh\necho "$*" >> "${callsFile}"\n[ "$1" != list:workflow ]\n`,
		);
		const listFails = entrypoint(['start']);
		expect(listFails.status).not.toBe(0);
		expect(calls().some((c) => c.startsWith('import:workflow'))).toBe(false);
	});
});

describe('docker/install-package.sh', () => {
	let dir: string;
	beforeEach(() => {
		dir = tempDir('install');
	});
	afterEach(() => rmSync(dir, { recursive: true, force: true }));

	function fakeTarball(files: Record<string, string>, version = '9.9.9'): string {
		const pkg = path.join(dir, 'src', 'package');
		rmSync(path.join(dir, 'src'), { recursive: true, force: true });
		const manifest = {
			name: 'n8n-nodes-receivables',
			version,
			main: 'dist/core/index.js',
			n8n: {
				nodes: ['dist/nodes/A/A.node.js'],
				credentials: ['dist/credentials/C.credentials.js'],
			},
			peerDependencies: { 'n8n-workflow': '*' },
			devDependencies: { typescript: '5.9.3' },
		};
		for (const [file, content] of Object.entries({
			'package.json': JSON.stringify(manifest),
			...files,
		})) {
			mkdirSync(path.dirname(path.join(pkg, file)), { recursive: true });
			writeFileSync(path.join(pkg, file), content);
		}
		const out = path.join(dir, 'pack');
		mkdirSync(out, { recursive: true });
		const tarball = path.join(out, `n8n-nodes-receivables-${version}.tgz`);
		expect(run('tar', ['-czf', tarball, '-C', path.join(dir, 'src'), 'package']).status).toBe(0);
		return tarball;
	}

	const complete = {
		'dist/core/index.js': '',
		'dist/nodes/A/A.node.js': '',
		'dist/credentials/C.credentials.js': '',
	};

	it('installs like n8n does: node_modules/<name>, dev and peer dependencies stripped, version recorded', () => {
		fakeTarball(complete);
		const nodes = path.join(dir, 'nodes');
		const result = run('sh', [
			path.join(docker, 'install-package.sh'),
			path.join(dir, 'pack'),
			nodes,
		]);
		expect(result.stderr).not.toMatch(/install-package:/);
		expect(result.status).toBe(0);
		const installed = JSON.parse(
			readFileSync(
				path.join(nodes, 'node_modules', 'n8n-nodes-receivables', 'package.json'),
				'utf8',
			),
		);
		expect(installed.peerDependencies).toBeUndefined();
		expect(installed.devDependencies).toBeUndefined();
		expect(installed.n8n.nodes).toEqual(['dist/nodes/A/A.node.js']);
		expect(
			existsSync(
				path.join(
					nodes,
					'node_modules',
					'n8n-nodes-receivables',
					'dist',
					'nodes',
					'A',
					'A.node.js',
				),
			),
		).toBe(true);
		expect(existsSync(path.join(nodes, 'node_modules', 'n8n-workflow'))).toBe(false);
		expect(JSON.parse(readFileSync(path.join(nodes, 'package.json'), 'utf8'))).toEqual({
			name: 'installed-nodes',
			private: true,
			dependencies: { 'n8n-nodes-receivables': '9.9.9' },
		});
	});

	it('stops with a clear message on an unbuilt package or on two tarballs', () => {
		fakeTarball({ 'dist/core/index.js': '' });
		const unbuilt = run('sh', [
			path.join(docker, 'install-package.sh'),
			path.join(dir, 'pack'),
			path.join(dir, 'nodes'),
		]);
		expect(unbuilt.status).not.toBe(0);
		expect(unbuilt.stderr).toMatch(
			/lacks dist\/nodes\/A\/A\.node\.js, dist\/credentials\/C\.credentials\.js; run npm run build/,
		);
		fakeTarball(complete, '9.9.10');
		const two = run('sh', [
			path.join(docker, 'install-package.sh'),
			path.join(dir, 'pack'),
			path.join(dir, 'nodes'),
		]);
		expect(two.status).not.toBe(0);
		expect(two.stderr).toMatch(/expected exactly one n8n-nodes-receivables-<version>\.tgz/);
	});

	const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
	const built = [manifest.main, ...manifest.n8n.nodes, ...manifest.n8n.credentials].every(
		(file: string) => existsSync(path.join(root, file)),
	);
	(built ? it : it.skip)(
		`installs the real packed build${built ? '' : ' (skipped: dist/ is not fully built; run npm run build)'}`,
		() => {
			const pack = path.join(dir, 'pack');
			mkdirSync(pack);
			const packed = run('npm', ['pack', '--pack-destination', pack, '--silent']);
			expect(packed.status).toBe(0);
			const nodes = path.join(dir, 'nodes');
			const result = run('sh', [path.join(docker, 'install-package.sh'), pack, nodes]);
			expect(result.status).toBe(0);
			const installedDir = path.join(nodes, 'node_modules', manifest.name);
			for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials])
				expect(existsSync(path.join(installedDir, file))).toBe(true);
			expect(readdirSync(path.join(nodes, 'node_modules'))).toEqual([manifest.name]);
		},
		120_000,
	);
});

const dockerCompose = run('docker-compose', ['version']).status === 0;
const composeIt = dockerCompose ? it : it.skip;
const skipNote = dockerCompose
	? ''
	: ' (skipped: docker-compose is not installed; apt-get install docker-compose)';

describe('docker compose config (Debian docker-compose)', () => {
	let envFile: string;
	beforeAll(() => {
		envFile = path.join(tempDir('compose-env'), 'empty.env');
		writeFileSync(envFile, '');
	});

	/** `docker-compose config`, isolated from any docker/.env of the checkout. */
	function composeConfig(files: string[], env: Record<string, string>): SpawnSyncReturns<string> {
		const args = ['--env-file', envFile, ...files.flatMap((f) => ['-f', `docker/${f}`]), 'config'];
		return run('docker-compose', args, {
			env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
		});
	}
	const secrets = {
		POSTGRES_PASSWORD: 'pg-test-password',
		RECEIVABLES_LEDGER_PASSWORD: 'ledger-test-password',
		N8N_ENCRYPTION_KEY: 'test-encryption-key',
	};
	/** The services that run without a profile (the proxy runs only with --profile proxy). */
	const unprofiled = (config: ComposeFile) =>
		Object.keys(config.services)
			.filter((name) => !(config.services[name] as { profiles?: string[] }).profiles?.length)
			.sort();

	composeIt(`validates compose.yml${skipNote}`, () => {
		const result = composeConfig(['compose.yml'], secrets);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		const config = parse(result.stdout) as ComposeFile;
		expect(unprofiled(config)).toEqual(['mailpit', 'n8n', 'postgres']);
		expect(config.services.n8n.build).toEqual({ context: root, dockerfile: 'docker/Dockerfile' });
		expect(config.services.postgres.image).toMatch(/^postgres:17/);
		expect(config.services.n8n.environment?.N8N_ENCRYPTION_KEY).toBe(secrets.N8N_ENCRYPTION_KEY);
		expect(config.services.n8n.environment?.RECEIVABLES_SMTP_HOST).toBe('mailpit');
		for (const name of ['postgres', 'n8n', 'mailpit'])
			expect(config.services[name].healthcheck).toBeDefined();
		expect(Object.keys(config.volumes ?? {}).sort()).toEqual(['n8nfiles', 'pgdata']);
	});

	composeIt(`validates compose.yml + compose.queue.yml merged${skipNote}`, () => {
		const result = composeConfig(['compose.yml', 'compose.queue.yml'], secrets);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		const config = parse(result.stdout) as ComposeFile;
		expect(unprofiled(config)).toEqual([
			'mailpit',
			'n8n',
			'n8n-webhook',
			'n8n-worker-1',
			'n8n-worker-2',
			'postgres',
			'redis',
		]);
		for (const name of N8N_SERVICES) {
			const service = config.services[name];
			expect(service.image).toBe('n8n-nodes-receivables/n8n:2.40.7');
			expect(service.build).toEqual({ context: root, dockerfile: 'docker/Dockerfile' });
			expect(service.environment).toMatchObject({
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: 'redis',
				N8N_ENCRYPTION_KEY: secrets.N8N_ENCRYPTION_KEY,
				DB_POSTGRESDB_PASSWORD: secrets.POSTGRES_PASSWORD,
				DB_POSTGRESDB_HOST: 'postgres',
			});
			expect(service.healthcheck).toBeDefined();
			expect(service.volumes).toEqual([
				expect.stringMatching(/^n8nfiles:\/home\/node\/\.n8n-files(:rw)?$/),
			]);
		}
		expect(config.services.n8n.depends_on).toEqual({
			postgres: { condition: 'service_healthy' },
			redis: { condition: 'service_healthy' },
			mailpit: { condition: 'service_started' },
		});
		expect(config.services.redis.healthcheck).toBeDefined();
		expect(Object.keys(config.volumes ?? {}).sort()).toEqual(['n8nfiles', 'pgdata', 'redisdata']);
	});

	composeIt(`refuses to start without POSTGRES_PASSWORD and N8N_ENCRYPTION_KEY${skipNote}`, () => {
		const result = composeConfig(['compose.yml'], {});
		expect(result.status).not.toBe(0);
		expect(result.stderr).toMatch(
			/set (POSTGRES_PASSWORD|RECEIVABLES_LEDGER_PASSWORD|N8N_ENCRYPTION_KEY) in docker\/\.env/,
		);
	});
});
