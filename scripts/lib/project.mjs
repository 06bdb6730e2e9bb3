// What `npm start` and `npm run migrate` need from the repository before anything else: the libraries
// (node_modules), an up-to-date build (dist/), the data folder, and the built core. Only node: built-ins are
// imported here, so this runs on a fresh clone before `npm ci`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const { lockedPackageCount, withProgress } = createRequire(import.meta.url)('./progress.cjs');

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `npm start` keeps its data (Postgres, n8n, mail): RECEIVABLES_DATA_DIR, else <repo>/.data. */
export function dataDir(env = process.env) {
	const dir = env.RECEIVABLES_DATA_DIR
		? path.resolve(env.RECEIVABLES_DATA_DIR)
		: path.join(root, '.data');
	mkdirSync(dir, { recursive: true });
	return dir;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs a command with its output shown as it comes; rejects on a non-zero exit. */
export function runVisible(command, args, { cwd = root, env = process.env } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (code === 0) resolve();
			else
				reject(
					new Error(
						`\`${command} ${args.join(' ')}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
					),
				);
		});
	});
}

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/**
 * npm with its output shown, except the EBADENGINE warnings: development tools (n8n's own libraries the tests load,
 * linters) declare a newer Node than they need; they are summed up in one line saying so. Rejects on a non-zero exit.
 */
export function runNpmQuietEngines(args, log = console.log) {
	return new Promise((resolve, reject) => {
		const child = spawn(npm, args, {
			cwd: root,
			env: process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const engines = new Map();
		let current;
		const onLine = (line) => {
			const engine = /^npm warn EBADENGINE\s*(.*)$/i.exec(line);
			if (!engine) {
				if (line.trim()) log(line);
				return;
			}
			const pkg = /package: '([^']+)'/.exec(engine[1]);
			if (pkg) current = pkg[1];
			const required = /required: \{ node: '([^']+)'/.exec(engine[1]);
			if (required && current) engines.set(current, required[1]);
		};
		for (const stream of [child.stdout, child.stderr]) {
			let rest = '';
			stream.setEncoding('utf8').on('data', (chunk) => {
				const lines = (rest + chunk).split(/\r?\n/);
				rest = lines.pop() ?? '';
				lines.forEach(onLine);
			});
			stream.on('end', () => rest && onLine(rest));
		}
		child.on('error', reject);
		child.on('close', (code, signal) => {
			if (engines.size) {
				const wanted = [...new Set(engines.values())].join(', ');
				log(
					`Note: ${engines.size} development package${engines.size > 1 ? 's' : ''} (${[...engines.keys()].slice(0, 3).join(', ')}${engines.size > 3 ? ', ...' : ''}) ` +
						`declare Node ${wanted} while this is Node ${process.versions.node} (npm's EBADENGINE warnings). They are build and test tools that run ` +
						'on Node 20.19 and later; n8n itself runs on the Node 24 that npm start installs beside it.',
				);
			}
			if (code === 0) resolve();
			else
				reject(
					new Error(
						`\`npm ${args.join(' ')}\` failed (${signal ? `signal ${signal}` : `exit code ${code}`}).`,
					),
				);
		});
	});
}

/** The libraries of package.json that are missing from node_modules or at another version. */
export function missingDependencies() {
	const manifest = readJson(path.join(root, 'package.json')) ?? {};
	const wanted = { ...manifest.dependencies, ...manifest.devDependencies };
	const missing = [];
	for (const [name, spec] of Object.entries(wanted)) {
		const installed = readJson(path.join(root, 'node_modules', name, 'package.json'));
		if (!installed) missing.push(name);
		else if (/^\d+\.\d+\.\d+/.test(spec) && installed.version !== spec)
			missing.push(`${name}@${spec}`);
	}
	return missing;
}

/** Installs node_modules with `npm ci` when a library is missing or at another version than package.json pins. */
export async function ensureDependencies({ log = console.log } = {}) {
	const missing = missingDependencies();
	if (missing.length === 0) return false;
	const what = existsSync(path.join(root, 'node_modules'))
		? `${missing.length} missing or outdated (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})`
		: 'none installed yet';
	const total = lockedPackageCount(path.join(root, 'package-lock.json'));
	log(
		`Installing the libraries with npm ci (${what}${total ? `; ${total.toLocaleString('en-US')} packages` : ''}): a few minutes the first time.`,
	);
	const install = (args) =>
		withProgress(runNpmQuietEngines(args, log), {
			nodeModules: path.join(root, 'node_modules'),
			total,
			log,
			prefix: 'Libraries: ',
			everyMs: 10_000,
		});
	try {
		await install(['ci', '--no-audit', '--no-fund']);
	} catch {
		// npm ci refuses a package-lock.json that is out of step with package.json; npm install repairs it.
		log(
			'npm ci failed (see above): trying `npm install`, which may also update package-lock.json.',
		);
		await install(['install', '--no-audit', '--no-fund']);
	}
	const still = missingDependencies();
	if (still.length)
		throw new Error(`These libraries are still missing after the install: ${still.join(', ')}.`);
	return true;
}

const SOURCE_DIRS = ['core', 'nodes', 'credentials'];
const BUILD_FILES = [
	'package.json',
	'tsconfig.json',
	'tsconfig.build.json',
	'gulpfile.js',
	'scripts/bundle.mjs',
];

function newestSource() {
	let newest = 0;
	let file = '';
	const visit = (dir) => {
		if (!existsSync(dir)) return;
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) visit(full);
			else if (!/\.test\.ts$/.test(entry.name)) {
				const time = statSync(full).mtimeMs;
				if (time > newest) [newest, file] = [time, full];
			}
		}
	};
	for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
	for (const name of BUILD_FILES) {
		const full = path.join(root, name);
		if (existsSync(full) && statSync(full).mtimeMs > newest)
			[newest, file] = [statSync(full).mtimeMs, full];
	}
	return { time: newest, file };
}

/** Why the build must run again (undefined when dist/ is complete and newer than every source file). */
export function buildOutdated() {
	const manifest = readJson(path.join(root, 'package.json')) ?? {};
	const listed = [
		manifest.main,
		...(manifest.n8n?.nodes ?? []),
		...(manifest.n8n?.credentials ?? []),
	].filter(Boolean);
	const missing = listed.filter((file) => !existsSync(path.join(root, file)));
	if (missing.length) return `${missing[0]} is missing`;
	const built = Math.min(...listed.map((file) => statSync(path.join(root, file)).mtimeMs));
	const source = newestSource();
	if (source.time > built)
		return `${path.relative(root, source.file)} changed since the last build`;
	return undefined;
}

const BUILD_STEP_NAMES = {
	tsc: 'compiling TypeScript',
	gulp: 'icons, codex files and migrations',
	node: 'bundling the core with its libraries',
};

/** The build script of package.json, one step after the other, each announced with its number and duration. */
async function runBuildSteps(log) {
	const script = (readJson(path.join(root, 'package.json')) ?? {}).scripts?.build ?? '';
	const steps = script
		.split('&&')
		.map((step) => step.trim())
		.filter(Boolean);
	const bin = path.join(root, 'node_modules', '.bin');
	const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
	for (const [index, step] of steps.entries()) {
		const [command, ...args] = step.split(/\s+/);
		const started = Date.now();
		log(
			`Build ${index + 1}/${steps.length} (${Math.round((index / steps.length) * 100)} %): ${BUILD_STEP_NAMES[command] ?? step}...`,
		);
		await runVisible(command === 'node' ? process.execPath : command, args, { env });
		log(
			`Build ${index + 1}/${steps.length} done in ${Math.round((Date.now() - started) / 1000)} s.`,
		);
	}
}

/** Runs `npm run build` when dist/ is missing or older than the sources. */
export async function ensureBuilt({ log = console.log } = {}) {
	const reason = buildOutdated();
	if (!reason) return false;
	log(`Building the package (${reason}).`);
	// The bundle step deletes the per-file output of tsc, which tsc's incremental state still counts as written:
	// without its state file, tsc writes every file again and the bundle finds them.
	rmSync(path.join(root, 'dist', '.tsbuildinfo'), { force: true });
	await runBuildSteps(log);
	const still = buildOutdated();
	if (still)
		throw new Error(
			`The build finished but ${still}: check the list of nodes and credentials in package.json.`,
		);
	return true;
}

/**
 * Why the built core cannot migrate the ledger as the sources would (undefined when it can): dist/core is missing,
 * or a migration file of core/ledger/migrations is missing from dist or differs from it.
 */
export function migrationsOutdated() {
	if (!existsSync(path.join(root, 'dist', 'core', 'index.js')))
		return 'dist/core/index.js is missing';
	const source = path.join(root, 'core', 'ledger', 'migrations');
	const built = path.join(root, 'dist', 'core', 'ledger', 'migrations');
	for (const name of readdirSync(source).filter((file) => file.endsWith('.sql'))) {
		const copy = path.join(built, name);
		if (
			!existsSync(copy) ||
			readFileSync(copy, 'utf8') !== readFileSync(path.join(source, name), 'utf8')
		) {
			return `migration ${name} is not in the build`;
		}
	}
	return undefined;
}

/** Runs `npm run build` when the built core lacks a migration of the sources (what `npm run migrate` needs). */
export async function ensureMigrationsBuilt({ log = console.log } = {}) {
	const reason = migrationsOutdated();
	if (!reason) return false;
	log(`Building the package (${reason}).`);
	rmSync(path.join(root, 'dist', '.tsbuildinfo'), { force: true });
	await runVisible(npm, ['run', '--silent', 'build']);
	return true;
}

/** The built core (dist/core/index.js): the same API that n8n loads. */
export function loadCore() {
	const file = path.join(root, 'dist', 'core', 'index.js');
	if (!existsSync(file)) throw new Error(`${file} does not exist: run \`npm run build\` first.`);
	return createRequire(import.meta.url)(file);
}

/** Prints a ReceivablesError (code, message, hint) or any error the way a user can act on it. */
export function describeError(error) {
	if (error?.name === 'ReceivablesError') {
		const lines = [`${error.message} [${error.code}]`];
		if (error.hint) lines.push(`How to fix: ${error.hint}`);
		return lines.join('\n');
	}
	return error instanceof Error ? error.message : String(error);
}
