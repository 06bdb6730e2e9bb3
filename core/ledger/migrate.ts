import { readdirSync } from 'node:fs';
import type { ClientBase } from 'pg';
import { runner } from 'node-pg-migrate';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';

export const MIGRATIONS_TABLE = 'ledger_migrations';
/** Advisory lock key (a constant of this package) that serialises every migration run on a server. */
const MIGRATION_LOCK_KEY = 0x52454356; // "RECV"

export interface MigrationResult {
	schema: string;
	applied: string[];
	current: string;
}

/** The migrations this version of the package knows, in order. */
export function knownMigrations(): string[] {
	return readdirSync(coreAssetPath('ledger', 'migrations'))
		.filter((file) => /^\d+_.+\.sql$/.test(file))
		.map((file) => file.replace(/\.sql$/, ''))
		.sort();
}

async function appliedMigrations(client: ClientBase, schema: string): Promise<string[]> {
	const exists = await client.query<{ present: boolean }>(
		'SELECT to_regclass($1) IS NOT NULL AS present',
		[`${schema}.${MIGRATIONS_TABLE}`],
	);
	if (!exists.rows[0].present) return [];
	const rows = await client.query<{ name: string }>(
		`SELECT name FROM "${schema}"."${MIGRATIONS_TABLE}" ORDER BY run_on, id`,
	);
	return rows.rows.map((row) => row.name);
}

/**
 * Brings the ledger schema up to date. Safe to call from many processes at once: runs are serialised by a
 * Postgres advisory lock, and a schema already current costs one query. A schema written by a newer version
 * of the package is refused rather than touched.
 */
export async function migrateLedger(
	client: ClientBase,
	schema: string,
	options: { log?: (line: string) => void } = {},
): Promise<MigrationResult> {
	const known = knownMigrations();
	await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
	try {
		const applied = await appliedMigrations(client, schema);
		const unknown = applied.filter((name) => !known.includes(name));
		if (unknown.length > 0) {
			throw new ReceivablesError(
				'LEDGER_SCHEMA_TOO_NEW',
				`The ledger schema "${schema}" was migrated by a newer version of n8n-nodes-receivables (it has ${unknown.join(', ')}, which this version does not know).`,
				{
					hint: 'Upgrade n8n-nodes-receivables on this n8n instance (and on every worker) to the version that wrote the schema.',
					details: { schema, unknown, known },
				},
			);
		}
		const pending = known.filter((name) => !applied.includes(name));
		if (pending.length === 0) return { schema, applied: [], current: known[known.length - 1] };
		// A schema made beforehand (by a database administrator, for a login that may not create schemas) is used as
		// it is: CREATE SCHEMA IF NOT EXISTS would need the right to create schemas even when there is nothing to do.
		const exists =
			(await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rows.length >
			0;
		const ran = await runner({
			dbClient: client,
			dir: coreAssetPath('ledger', 'migrations'),
			migrationsTable: MIGRATIONS_TABLE,
			schema,
			migrationsSchema: schema,
			createSchema: !exists,
			createMigrationsSchema: !exists,
			direction: 'up',
			checkOrder: true,
			singleTransaction: true,
			log: options.log ?? (() => undefined),
		});
		return { schema, applied: ran.map((m) => m.name), current: known[known.length - 1] };
	} finally {
		await client
			.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
			.catch(() => undefined);
	}
}
