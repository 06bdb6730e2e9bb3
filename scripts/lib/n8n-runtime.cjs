// A real n8n for `npm start` and the end-to-end tests: installs n8n and the Node 24 it needs into a git-ignored
// folder once, packs this package and installs it the way n8n installs community packages, and runs the n8n
// CLI (import, publish, execute, start, worker) with Postgres as n8n's database.
// CommonJS so that the jest tests (ts-jest compiles them to CommonJS) load the same code; scripts import it through
// n8n-runtime.mjs.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { lockedPackageCount, withProgress } = require('./progress.cjs');

/** The n8n release this package is tested against. */
const N8N_VERSION = '2.40.7';

/** The Node.js release n8n runs on (n8n 2.x refuses Node < 24); installed from npm as `node-<platform>-<arch>`. */
const NODE_VERSION = '24.21.0';

/** Packages npm installs for n8n 2.40.7 and Node 24 (counted on a complete install: about 3 GB on disk). */
const RUNTIME_PACKAGES = 2408;

/** The repository root (where package.json is). */
const repoRoot = path.resolve(__dirname, '..', '..');

const PACKAGE_NAME = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).name;
const MARKER = '.receivables-runtime.json';
const noop = () => {};

/** The folder holding n8n and Node 24: RECEIVABLES_RUNTIME_DIR, else <repo>/.runtime/n8n. */
function runtimeDir() {
	return path.resolve(
		process.env.RECEIVABLES_RUNTIME_DIR || path.join(repoRoot, '.runtime', 'n8n'),
	);
}

function runtimePaths(dir) {
	const nodePackage = `node-${process.platform}-${process.arch}`;
	const nodeBin =
		process.platform === 'win32'
			? path.join(dir, 'node_modules', nodePackage, 'bin', 'node.exe')
			: path.join(dir, 'node_modules', nodePackage, 'bin', 'node');
	return { dir, nodePackage, nodeBin, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n') };
}

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/** Runs a command, streaming its output lines to `log`; resolves with the exit code and the collected output. */
function run(command, args, { cwd, env, log = noop, timeoutMs, stream = true, input } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd,
			env,
			stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		const forward = (prefix) => {
			let pending = '';
			return (chunk) => {
				if (!stream) return;
				pending += chunk;
				const lines = pending.split('\n');
				pending = lines.pop();
				for (const line of lines) if (line.trim()) log(prefix + line);
			};
		};
		const out = forward('');
		const err = forward('');
		child.stdout.setEncoding('utf8').on('data', (chunk) => {
			stdout += chunk;
			out(chunk);
		});
		child.stderr.setEncoding('utf8').on('data', (chunk) => {
			stderr += chunk;
			err(chunk);
		});
		if (input !== undefined) child.stdin.end(input);
		const timer = timeoutMs
			? setTimeout(() => {
					child.kill('SIGKILL');
					stderr += `\n[killed after ${Math.round(timeoutMs / 1000)} s]`;
				}, timeoutMs)
			: undefined;
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
		});
	});
}

async function nodeVersionOf(nodeBin) {
	if (!existsSync(nodeBin)) return undefined;
	try {
		const { code, stdout } = await run(nodeBin, ['--version'], {
			stream: false,
			timeoutMs: 30_000,
		});
		return code === 0 ? stdout.trim().replace(/^v/, '') : undefined;
	} catch {
		return undefined;
	}
}

/** True when `dir` holds a finished install of the pinned n8n and Node (npm writes .package-lock.json last). */
async function isComplete(paths) {
	const n8nPackage = readJson(path.join(paths.dir, 'node_modules', 'n8n', 'package.json'));
	if (n8nPackage?.version !== N8N_VERSION) return false;
	if (!existsSync(path.join(paths.dir, 'node_modules', '.package-lock.json'))) return false;
	const version = await nodeVersionOf(paths.nodeBin);
	return version === NODE_VERSION;
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** A lock folder beside the runtime, so two processes (a test run and `npm start`) never install at once. */
async function withInstallLock(dir, log, fn) {
	const lock = `${dir}.lock`;
	mkdirSync(path.dirname(lock), { recursive: true });
	let waitedSince;
	for (;;) {
		try {
			mkdirSync(lock);
			writeFileSync(path.join(lock, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(readJson(path.join(lock, 'pid')) ?? 0);
			if (owner && !pidAlive(owner)) {
				rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!owner) {
				// Lock folder without a pid yet (just created) or left by a crash before writing it.
				waitedSince ??= Date.now();
				if (Date.now() - waitedSince > 30_000) rmSync(lock, { recursive: true, force: true });
			} else if (!waitedSince) {
				waitedSince = Date.now();
				log(
					`n8n runtime: another process (pid ${owner}) is installing n8n into ${dir}; waiting for it`,
				);
			}
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
	try {
		return await fn();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

/**
 * Makes sure n8n 2.40.7 and Node 24 are installed in runtimeDir() and returns where they are:
 * `{ dir, nodeBin, n8nBin }`. The first install (about 5 minutes) prints npm's output and, every 15 s, the packages
 * installed so far with a percentage and the time left through `log`; later calls reuse the folder when it is complete. Safe to call from parallel processes.
 */
async function ensureN8nRuntime({ log = console.log } = {}) {
	const paths = runtimePaths(runtimeDir());
	const result = { dir: paths.dir, nodeBin: paths.nodeBin, n8nBin: paths.n8nBin };
	if (await isComplete(paths)) return result;
	return await withInstallLock(paths.dir, log, async () => {
		if (await isComplete(paths)) return result;
		mkdirSync(paths.dir, { recursive: true });
		rmSync(path.join(paths.dir, MARKER), { force: true });
		const manifest = path.join(paths.dir, 'package.json');
		if (!existsSync(manifest)) {
			writeFileSync(
				manifest,
				`${JSON.stringify({ name: 'receivables-n8n-runtime', private: true, version: '0.0.0' }, null, 2)}\n`,
			);
		}
		const specs = [`n8n@${N8N_VERSION}`, `${paths.nodePackage}@${NODE_VERSION}`];
		log(`n8n runtime: installing ${specs.join(' and ')} into ${paths.dir} (once; about 5 minutes)`);
		const started = Date.now();
		const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
		// npm says nothing while it downloads: the packages written so far are counted against what n8n installs.
		const outcome = await withProgress(
			run(
				npm,
				[
					'install',
					'--save-exact',
					...specs,
					'--ignore-scripts',
					'--no-audit',
					'--no-fund',
					'--loglevel=error',
				],
				{
					cwd: paths.dir,
					env: { ...process.env, npm_config_update_notifier: 'false' },
					log: (line) => log(`npm: ${line}`),
				},
			),
			{
				nodeModules: path.join(paths.dir, 'node_modules'),
				total: lockedPackageCount(path.join(paths.dir, 'package-lock.json')) ?? RUNTIME_PACKAGES,
				log,
				prefix: 'n8n runtime: ',
				everyMs: 15_000,
			},
		);
		if (outcome.code !== 0) {
			throw new Error(
				`Installing n8n ${N8N_VERSION} into ${paths.dir} failed (npm exit code ${outcome.code}).\n${outcome.stderr.slice(-4000)}\n` +
					'Check the network access to the npm registry, then run the command again (the install resumes).',
			);
		}
		if (!(await isComplete(paths))) {
			throw new Error(
				`npm finished but ${paths.dir} does not hold n8n ${N8N_VERSION} and Node ${NODE_VERSION} ` +
					`(${paths.nodeBin}). Delete the folder and run the command again.`,
			);
		}
		writeFileSync(
			path.join(paths.dir, MARKER),
			`${JSON.stringify({ n8n: N8N_VERSION, node: NODE_VERSION, installedAt: new Date().toISOString() }, null, 2)}\n`,
		);
		log(`n8n runtime: ready in ${Math.round((Date.now() - started) / 1000)} s`);
		return result;
	});
}

/**
 * Packs this repository with `npm pack` (the build must have run: dist/ and every file listed in package.json's
 * `n8n` section must exist) into `destination` (default <repo>/.runtime/pack) and returns the absolute path of the
 * tarball.
 */
async function packPackage({
	log = console.log,
	destination = path.join(repoRoot, '.runtime', 'pack'),
} = {}) {
	const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
	if (!existsSync(path.join(repoRoot, 'dist'))) {
		throw new Error(
			`${path.join(repoRoot, 'dist')} does not exist: run \`npm run build\` before packing the package.`,
		);
	}
	const listed = [
		manifest.main,
		...(manifest.n8n?.nodes ?? []),
		...(manifest.n8n?.credentials ?? []),
	].filter(Boolean);
	const missing = listed.filter((file) => !existsSync(path.join(repoRoot, file)));
	if (missing.length) {
		throw new Error(
			`The build is incomplete: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} listed in package.json but missing ` +
				'(n8n refuses a package whose listed files are missing). Run `npm run build`.',
		);
	}
	mkdirSync(destination, { recursive: true });
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const { code, stdout, stderr } = await run(
		npm,
		['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
		{ cwd: repoRoot, stream: false, timeoutMs: 5 * 60_000 },
	);
	if (code !== 0) throw new Error(`npm pack failed (exit code ${code}):\n${stderr}`);
	const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	const tarball = path.join(destination, packed.filename);
	log(
		`packed ${packed.name}@${packed.version}: ${packed.entryCount} files, ${Math.round(packed.size / 1024)} kB`,
	);
	return tarball;
}

/**
 * Installs a packed tarball into <userFolder>/.n8n/nodes exactly as n8n installs a community package: unpacked
 * into nodes/node_modules/<name>, its dev/peer/optional dependencies dropped, `npm install --ignore-scripts` run
 * inside it, and nodes/package.json listing it. n8n then loads its nodes as `<package name>.<node name>`.
 * Returns the package folder.
 */
async function installPackageInto(userFolder, tarball, { log = console.log } = {}) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	const untar = await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], {
		stream: false,
	});
	if (untar.code !== 0) throw new Error(`Could not unpack ${tarball}: ${untar.stderr}`);
	const manifestFile = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		readFileSync(manifestFile, 'utf8'),
	);
	writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const install = await run(
		npm,
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		{
			cwd: packageDir,
			env: { ...process.env, npm_config_update_notifier: 'false' },
			log,
			timeoutMs: 10 * 60_000,
		},
	);
	if (install.code !== 0)
		throw new Error(
			`npm install in ${packageDir} failed (exit code ${install.code}):\n${install.stderr}`,
		);
	const listFile = path.join(nodesDir, 'package.json');
	const list = readJson(listFile) ?? { name: 'installed-nodes', private: true, dependencies: {} };
	list.dependencies = { ...list.dependencies, [manifest.name]: manifest.version };
	writeFileSync(listFile, JSON.stringify(list, null, 2));
	log(`installed ${manifest.name}@${manifest.version} into ${nodesDir}`);
	return packageDir;
}

/**
 * The environment of an n8n process using Postgres as its own database:
 * `db = { host, port, database, user, password, schema }` (n8n's tables go into `schema`, which must exist or be
 * creatable by that user), `port` the editor/webhook port, `runnerPort` the task-runner broker port (n8n's default
 * 5679; parallel n8n processes need their own), `extra` added last. Telemetry, version checks, banners,
 * templates and other calls home are off; every server listens on 127.0.0.1. The object holds only n8n's
 * variables: the functions below add it on top of process.env.
 */
/**
 * What n8n is told about the product, the same under npm start and in Docker (docker/compose.yml sets each of these
 * to the same value; test/unit/compose.test.ts compares them): no calls home, no template gallery, no AI pages, the
 * package installed by hand, the editor in English.
 */
const N8N_PRODUCT_ENV = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_AI_ENABLED: 'false',
	// The MCP server catalogue is fetched from api.n8n.io in the background: not needed, and offline here. The AI
	// assistant ("instance-ai", the page n8n opens after login) and the chat hub need an AI provider account.
	N8N_DISABLED_MODULES: 'mcp-registry,instance-ai,chat-hub',
	// This package is installed by hand (not from n8n's verified list); n8n plans to change this default.
	N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
	N8N_REINSTALL_MISSING_PACKAGES: 'false',
	N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
	N8N_DEFAULT_LOCALE: 'en',
};

/** The sub-folders of the files folder (core/files FILE_KINDS). */
const FILE_KINDS = ['letters', 'call-lists', 'reports', 'bank-statements', 'manifests'];

function n8nEnv({ userFolder, db, port, runnerPort, encryptionKey, filesFolder, extra = {} }) {
	if (!userFolder || !db || !port || !runnerPort || !encryptionKey) {
		throw new Error('n8nEnv needs userFolder, db, port, runnerPort and encryptionKey');
	}
	// The one folder workflows read and write (letters, call lists, reports, bank statements): n8n refuses any other.
	const files = path.resolve(filesFolder ?? path.join(userFolder, 'files'));
	for (const kind of FILE_KINDS) mkdirSync(path.join(files, kind), { recursive: true });
	return {
		NODE_ENV: 'production',
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: db.host ?? '127.0.0.1',
		DB_POSTGRESDB_PORT: String(db.port ?? 5432),
		DB_POSTGRESDB_DATABASE: db.database,
		DB_POSTGRESDB_USER: db.user ?? 'postgres',
		DB_POSTGRESDB_PASSWORD: db.password ?? '',
		DB_POSTGRESDB_SCHEMA: db.schema ?? 'public',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_BROKER_PORT: String(runnerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		...N8N_PRODUCT_ENV,
		N8N_RESTRICT_FILE_ACCESS_TO: files,
		...extra,
	};
}

/** n8n runs in its user folder (created if missing, as n8n would). */
function workingDir(runtime, env) {
	if (!env.N8N_USER_FOLDER) return runtime.dir;
	mkdirSync(env.N8N_USER_FOLDER, { recursive: true });
	return env.N8N_USER_FOLDER;
}

function processEnv(env) {
	const merged = { ...process.env, ...env };
	// Jest sets these; n8n changes behaviour under a test runner.
	delete merged.JEST_WORKER_ID;
	if (!env.NODE_ENV) merged.NODE_ENV = 'production';
	return merged;
}

/**
 * Runs the n8n CLI (`<node 24> <n8n> ...args`) with `env` on top of process.env and resolves with
 * `{ code, stdout, stderr }` (never rejects on a non-zero exit). `log` receives the output lines as they come;
 * `timeoutMs` (default 10 min) kills a command that hangs.
 */
async function n8nCli(runtime, env, args, { log = noop, timeoutMs = 10 * 60_000 } = {}) {
	return await run(runtime.nodeBin, [runtime.n8nBin, ...args], {
		cwd: workingDir(runtime, env),
		env: processEnv(env),
		log,
		timeoutMs,
	});
}

function cliFailure(what, result) {
	const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
	return new Error(`${what} failed (exit code ${result.code}):\n${output}`);
}

/** n8n reports some failures in its log and still exits 0: treat "Error ..." lines at error level as failure. */
function reportsError(result) {
	return /^(An error occurred|Error importing|Error updating database|There was an error)/m.test(
		`${result.stdout}\n${result.stderr}`,
	);
}

/**
 * Imports credentials into n8n's database: `credentials` is an array of `{ id, name, type, data }` where `data`
 * is the plain field object (n8n encrypts it with N8N_ENCRYPTION_KEY on import). Throws when n8n reports a failure.
 */
async function importCredentials(runtime, env, credentials, { log = noop } = {}) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'n8n-credentials-'));
	try {
		const file = path.join(dir, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
		const result = await n8nCli(runtime, env, ['import:credentials', `--input=${file}`], { log });
		if (result.code !== 0 || reportsError(result))
			throw cliFailure('n8n import:credentials', result);
		return result;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Imports every *.json workflow file of `dir` (one workflow object per file, `n8n import:workflow --separate`).
 * n8n leaves imported workflows inactive: publish the ones with triggers with publishWorkflows.
 */
async function importWorkflows(runtime, env, dir, { log = noop } = {}) {
	const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')) : [];
	if (files.length === 0) throw new Error(`No workflow files (*.json) in ${dir}`);
	const result = await n8nCli(runtime, env, ['import:workflow', '--separate', `--input=${dir}`], {
		log,
	});
	if (result.code !== 0 || reportsError(result)) throw cliFailure('n8n import:workflow', result);
	const imported = /Successfully imported (\d+) workflows?/.exec(result.stdout);
	if (!imported || Number(imported[1]) !== files.length) {
		throw cliFailure(
			`n8n import:workflow imported ${imported ? imported[1] : 'no'} of the ${files.length} files of ${dir}`,
			result,
		);
	}
	return result;
}

/**
 * Publishes (activates, the n8n 2.x way) the workflows with these ids: `n8n publish:workflow --id=<id>` each.
 * n8n must not be running: it takes effect at the next start (triggers are then registered in the background;
 * see waitForWebhook).
 */
async function publishWorkflows(runtime, env, ids, { log = noop } = {}) {
	const results = [];
	for (const id of ids) {
		const result = await n8nCli(runtime, env, ['publish:workflow', `--id=${id}`], { log });
		if (result.code !== 0 || reportsError(result))
			throw cliFailure(`n8n publish:workflow --id=${id}`, result);
		results.push(result);
	}
	return results;
}

function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

/**
 * Starts a long-running n8n process and resolves once it is ready:
 * - `command: 'start'` (default): the main instance; ready when GET <url>/healthz answers and n8n printed
 *   "Editor is now accessible". `url` is http://127.0.0.1:<N8N_PORT>.
 * - `command: 'worker'`: a queue-mode worker (`n8n worker`); its health server is switched on at
 *   QUEUE_HEALTH_CHECK_PORT (required in env) and ready when /healthz/readiness answers 200.
 * - `command: 'webhook'`: a webhook processor; ready when /healthz answers on N8N_PORT.
 * The process leads its own process group (n8n starts a task-runner child): stop() sends SIGTERM, waits
 * `graceMs` (default 20 s), then SIGKILLs the whole group, and resolves when it has exited. The group is also
 * killed if this Node process exits. Returns `{ url, process, stop(), output(), exited }`; output() is everything
 * the process printed so far. Rejects (after killing the process) if it exits or is not ready in `timeoutMs`.
 */
async function startN8n(
	runtime,
	env,
	{ log = noop, timeoutMs = 180_000, command = 'start', graceMs = 20_000, args = [] } = {},
) {
	const fullEnv = processEnv(env);
	let probe;
	if (command === 'worker') {
		if (!fullEnv.QUEUE_HEALTH_CHECK_PORT)
			throw new Error('startN8n worker: set QUEUE_HEALTH_CHECK_PORT in env (its health port)');
		fullEnv.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
		probe = `http://127.0.0.1:${fullEnv.QUEUE_HEALTH_CHECK_PORT}/healthz/readiness`;
	} else {
		probe = `http://127.0.0.1:${fullEnv.N8N_PORT ?? 5678}/healthz`;
	}
	const url =
		command === 'worker'
			? `http://127.0.0.1:${fullEnv.QUEUE_HEALTH_CHECK_PORT}`
			: `http://127.0.0.1:${fullEnv.N8N_PORT ?? 5678}`;
	const child = spawn(runtime.nodeBin, [runtime.n8nBin, command, ...args], {
		cwd: workingDir(runtime, env),
		env: fullEnv,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	let text = '';
	const collect = (chunkPrefix) => {
		let pending = '';
		return (chunk) => {
			text += chunk;
			pending += chunk;
			const lines = pending.split('\n');
			pending = lines.pop();
			for (const line of lines) if (line.trim()) log(chunkPrefix + line);
		};
	};
	child.stdout.setEncoding('utf8').on('data', collect(''));
	child.stderr.setEncoding('utf8').on('data', collect(''));
	let exitInfo;
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exitInfo = { code, signal };
			resolve(exitInfo);
		});
	});
	const onExit = () => killGroup(child, 'SIGKILL');
	process.on('exit', onExit);

	let stopping;
	const stop = async () => {
		stopping ??= (async () => {
			if (!exitInfo) {
				try {
					child.kill('SIGTERM');
				} catch {
					// already gone
				}
				const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
				await exited;
				clearTimeout(timer);
			}
			// The task runner and anything else n8n started must not outlive it.
			killGroup(child, 'SIGKILL');
			process.off('exit', onExit);
			return exitInfo;
		})();
		return await stopping;
	};
	const handle = { url, process: child, stop, output: () => text, exited };

	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exitInfo) {
			await stop();
			throw new Error(
				`n8n ${command} exited (code ${exitInfo.code}, signal ${exitInfo.signal}) before it was ready:\n${text.slice(-6000)}`,
			);
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(
				`n8n ${command} was not ready after ${Math.round(timeoutMs / 1000)} s:\n${text.slice(-6000)}`,
			);
		}
		const healthy = await fetch(probe, { signal: AbortSignal.timeout(5000) }).then(
			(response) => response.ok,
			() => false,
		);
		if (healthy && (command !== 'start' || text.includes('Editor is now accessible')))
			return handle;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/**
 * Waits until n8n serves the production webhook `path` (e.g. 'receivables/invoices') for `method` under `endpoint`
 * ('webhook', or 'form' for an n8n Form Trigger), without
 * calling it: n8n registers the triggers of published workflows in the background after start-up. Uses a CORS
 * preflight, which n8n answers 204 only for a registered webhook. Resolves with the milliseconds waited.
 */
async function waitForWebhook(
	url,
	webhookPath,
	{ method = 'POST', timeoutMs = 120_000, endpoint = 'webhook' } = {},
) {
	const started = Date.now();
	// A webhook node may answer several methods ("GET,POST"): a preflight asks for one, all must be allowed.
	const methods = String(method)
		.split(',')
		.map((m) => m.trim())
		.filter(Boolean);
	let last = '';
	while (Date.now() - started < timeoutMs) {
		try {
			if (endpoint === 'form') {
				// A form answers GET itself (its page, or a redirect to log in): anything but 404/5xx means it is registered.
				const response = await fetch(`${url}/form/${webhookPath}`, {
					redirect: 'manual',
					signal: AbortSignal.timeout(5000),
				});
				await response.arrayBuffer();
				if (response.status < 400) return Date.now() - started;
				last = `${response.status}`;
				await new Promise((resolve) => setTimeout(resolve, 500));
				continue;
			}
			const response = await fetch(`${url}/${endpoint}/${webhookPath}`, {
				method: 'OPTIONS',
				headers: { Origin: url, 'Access-Control-Request-Method': methods[0] },
				signal: AbortSignal.timeout(5000),
			});
			const allowed = (response.headers.get('access-control-allow-methods') ?? '').split(/,\s*/);
			if (response.status < 300 && methods.every((m) => allowed.includes(m)))
				return Date.now() - started;
			last = `${response.status} ${allowed.join(', ')}`;
		} catch (error) {
			last = String(error);
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(
		`The webhook ${method} /${endpoint}/${webhookPath} was not registered after ${Math.round(timeoutMs / 1000)} s (last answer: ${last})`,
	);
}

const handedOut = new Set();

/** A TCP port free on 127.0.0.1 right now (never the same one twice in this process). */
async function freePort() {
	for (;;) {
		const port = await new Promise((resolve, reject) => {
			const server = net.createServer();
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => {
				const { port: chosen } = server.address();
				server.close(() => resolve(chosen));
			});
		});
		if (!handedOut.has(port)) {
			handedOut.add(port);
			return port;
		}
	}
}

/** A random 32-byte hex key, for N8N_ENCRYPTION_KEY of a fresh instance. */
function newEncryptionKey() {
	return randomBytes(32).toString('hex');
}

module.exports = {
	N8N_PRODUCT_ENV,
	FILE_KINDS,
	repoRoot,
	N8N_VERSION,
	NODE_VERSION,
	runtimeDir,
	ensureN8nRuntime,
	packPackage,
	installPackageInto,
	n8nEnv,
	n8nCli,
	importCredentials,
	importWorkflows,
	publishWorkflows,
	startN8n,
	waitForWebhook,
	freePort,
	newEncryptionKey,
};
