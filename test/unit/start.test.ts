// `npm run migrate` (scripts/migrate.mjs) and the database choice shared with `npm start`
// (scripts/lib/database.mjs), run as a user runs them.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { knownMigrations } from '../../core';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../helpers/db';
import { moduleUrl, runModule, runNode, scriptEnv } from '../helpers/scripts';
import { Client } from 'pg';

jest.setTimeout(240_000);

const migrate = (env: Record<string, string | undefined>) =>
	runNode(['scripts/migrate.mjs'], scriptEnv(env));

async function ledgerTables(schema: string): Promise<string[]> {
	const client = new Client({ connectionString: testDatabaseUrl() });
	await client.connect();
	try {
		const rows = await client.query<{ table_name: string }>(
			'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
			[schema],
		);
		return rows.rows.map((r) => r.table_name);
	} finally {
		await client.end();
	}
}

describe('npm run migrate', () => {
	const schemas: string[] = [];
	const fresh = () => {
		const schema = uniqueSchema('mig');
		schemas.push(schema);
		return schema;
	};
	afterAll(async () => {
		for (const schema of schemas) await dropSchema(schema);
	});

	it('creates the ledger schema of DATABASE_URL + RECEIVABLES_SCHEMA, says what it applied, then that nothing is left', async () => {
		const schema = fresh();
		const first = await migrate({ DATABASE_URL: testDatabaseUrl(), RECEIVABLES_SCHEMA: schema });
		expect(first.stderr).toBe('');
		expect(first.code).toBe(0);
		const known = knownMigrations();
		expect(first.stdout).toContain(`Ledger: schema "${schema}"`);
		expect(first.stdout).toContain(`Applied ${known.length} migration`);
		for (const name of known) expect(first.stdout).toContain(`+ ${name}`);
		expect(first.stdout).toContain(`Current version: ${known[known.length - 1]}`);
		expect(await ledgerTables(schema)).toEqual(
			expect.arrayContaining([
				'customers',
				'invoices',
				'payments',
				'reminders',
				'history',
				'ledger_migrations',
			]),
		);

		const second = await migrate({ DATABASE_URL: testDatabaseUrl(), RECEIVABLES_SCHEMA: schema });
		expect(second.code).toBe(0);
		expect(second.stdout).toContain('Nothing to apply: the schema is up to date.');
		expect(second.stdout).not.toContain('+ ');
	});

	it('takes the PG* variables when DATABASE_URL is not set', async () => {
		const schema = fresh();
		const url = new URL(testDatabaseUrl());
		const result = await migrate({
			PGHOST: url.hostname,
			PGPORT: url.port || '5432',
			PGUSER: decodeURIComponent(url.username) || 'postgres',
			PGPASSWORD: decodeURIComponent(url.password) || undefined,
			PGDATABASE: url.pathname.slice(1),
			RECEIVABLES_SCHEMA: schema,
		});
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('from PG* variables');
		expect(await ledgerTables(schema)).toContain('invoices');
	});

	it('refuses a schema written by a newer version, with the core’s message and how to fix it', async () => {
		const schema = fresh();
		expect(
			(await migrate({ DATABASE_URL: testDatabaseUrl(), RECEIVABLES_SCHEMA: schema })).code,
		).toBe(0);
		const client = new Client({ connectionString: testDatabaseUrl() });
		await client.connect();
		await client.query(
			`INSERT INTO "${schema}".ledger_migrations (name, run_on) VALUES ('9999_from_the_future', now())`,
		);
		await client.end();
		const result = await migrate({ DATABASE_URL: testDatabaseUrl(), RECEIVABLES_SCHEMA: schema });
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('was migrated by a newer version of n8n-nodes-receivables');
		expect(result.stderr).toContain('[LEDGER_SCHEMA_TOO_NEW]');
		expect(result.stderr).toContain('How to fix: Upgrade n8n-nodes-receivables');
	});

	it('explains an unreachable server, a bad schema name and a bad DATABASE_URL', async () => {
		const unreachable = await migrate({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
		expect(unreachable.code).toBe(1);
		expect(unreachable.stderr).toContain(
			'No Postgres server answers at 127.0.0.1:1/test. [LEDGER_UNREACHABLE]',
		);
		expect(unreachable.stderr).toContain('How to fix:');

		const badSchema = await migrate({
			DATABASE_URL: testDatabaseUrl(),
			RECEIVABLES_SCHEMA: 'Bad-Name',
		});
		expect(badSchema.code).toBe(1);
		expect(badSchema.stderr).toContain(
			'The ledger schema name "Bad-Name" is not allowed. [LEDGER_BAD_SCHEMA]',
		);

		const badUrl = await migrate({ DATABASE_URL: 'mysql://root@localhost/db' });
		expect(badUrl.code).toBe(1);
		expect(badUrl.stderr).toContain('DATABASE_URL must start with postgres://');
	});

	it('migrates the embedded Postgres of the data folder when no database is given, and stops it afterwards', async () => {
		const data = mkdtempSync(path.join(os.tmpdir(), 'receivables-data-'));
		chmodSync(data, 0o755);
		try {
			const result = await migrate({ RECEIVABLES_DATA_DIR: data });
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			expect(result.stdout).toMatch(/Postgres: embedded server on 127\.0\.0\.1:\d+/);
			expect(result.stdout).toContain('Ledger: schema "receivables" on embedded Postgres');
			expect(result.stdout).toContain(`+ ${knownMigrations()[0]}`);
			expect(existsSync(path.join(data, 'postgres', 'PG_VERSION'))).toBe(true);
			expect(existsSync(path.join(data, 'postgres', 'postmaster.pid'))).toBe(false);

			const again = await migrate({ RECEIVABLES_DATA_DIR: data });
			expect(again.code).toBe(0);
			expect(again.stdout).toContain('Nothing to apply');
			expect(existsSync(path.join(data, 'postgres', 'postmaster.pid'))).toBe(false);
			expect(readdirSync(data).sort()).toEqual([
				'postgres',
				'postgres.ledger-password',
				'postgres.port',
			]);

			// While `npm start` runs the server, migrate uses that one and leaves it running.
			const server = spawn(
				process.execPath,
				[
					'--input-type=module',
					'-e',
					`
				import { startEmbeddedPostgres } from '${moduleUrl('scripts/lib/embedded-pg.mjs')}';
				const pg = await startEmbeddedPostgres({ dir: ${JSON.stringify(path.join(data, 'postgres'))} });
				console.log('ready ' + pg.port);
				setInterval(() => {}, 1000);
			`,
				],
				{ stdio: ['ignore', 'pipe', 'inherit'] },
			);
			const exited = new Promise((resolve) => server.on('exit', resolve));
			try {
				await new Promise<void>((resolve, reject) => {
					server.stdout!.on(
						'data',
						(chunk: Buffer) => String(chunk).includes('ready') && resolve(),
					);
					server.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
				});
				const during = await migrate({ RECEIVABLES_DATA_DIR: data });
				expect(during.code).toBe(0);
				expect(during.stdout).toContain('the embedded server of `npm start` is running');
				expect(during.stdout).toContain('Nothing to apply');
				expect(existsSync(path.join(data, 'postgres', 'postmaster.pid'))).toBe(true);
			} finally {
				server.kill('SIGINT');
				await exited;
			}
			expect(existsSync(path.join(data, 'postgres', 'postmaster.pid'))).toBe(false);
		} finally {
			rmSync(data, { recursive: true, force: true });
		}
	});
});

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
(asRoot ? it : it.skip)(
	'says why the embedded Postgres cannot start under root when the data folder is closed to other users',
	async () => {
		const closed = mkdtempSync(path.join(os.tmpdir(), 'receivables-closed-'));
		mkdirSync(path.join(closed, 'data'));
		try {
			const result = await migrate({ RECEIVABLES_DATA_DIR: path.join(closed, 'data') });
			expect(result.code).toBe(1);
			expect(result.stderr).toContain(
				`as root, Postgres runs as the "postgres" system user, and ${closed} does not let other users through`,
			);
			expect(existsSync(path.join(closed, 'data', 'postgres'))).toBe(false);
		} finally {
			rmSync(closed, { recursive: true, force: true });
		}
	},
);

describe('the database of npm start', () => {
	const database = moduleUrl('scripts/lib/database.mjs');
	const resolve = (env: Record<string, string>) =>
		runModule<unknown>(`
			import { externalConnection, ledgerSchemaFromEnv } from '${database}';
			const env = ${JSON.stringify(env)};
			console.log(JSON.stringify({ connection: externalConnection(env) ?? null, schema: ledgerSchemaFromEnv(env) }));
		`);

	it('reads DATABASE_URL with its password, port and sslmode', async () => {
		expect(
			await resolve({
				DATABASE_URL:
					'postgresql://fin%40ops:s3cr%C3%A9t@db.example.com:6543/ledger?sslmode=require',
				RECEIVABLES_SCHEMA: 'compta',
			}),
		).toEqual({
			connection: {
				source: 'DATABASE_URL',
				host: 'db.example.com',
				port: 6543,
				database: 'ledger',
				user: 'fin@ops',
				password: 's3crét',
				ssl: 'require',
			},
			schema: 'compta',
		});
	});

	it('reads the PG* variables with libpq defaults, and falls back to the embedded database without them', async () => {
		expect(await resolve({ PGHOST: '10.0.0.5', PGUSER: 'n8n' })).toEqual({
			connection: {
				source: 'PG* variables',
				host: '10.0.0.5',
				port: 5432,
				database: 'n8n',
				user: 'n8n',
				password: '',
				ssl: 'disable',
			},
			schema: 'receivables',
		});
		expect(await resolve({})).toEqual({ connection: null, schema: 'receivables' });
	});

	it('prefers DATABASE_URL over PG*', async () => {
		const result = (await resolve({ DATABASE_URL: 'postgres://a@h1/d1', PGHOST: 'h2' })) as {
			connection: { host: string };
		};
		expect(result.connection.host).toBe('h1');
	});
});

// A ledger test of the shared helper, so a broken TEST_DATABASE_URL fails here by name.
it('has a test database', () => {
	expect(testDatabaseUrl()).toMatch(/^postgres/);
});
