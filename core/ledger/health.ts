import { Client } from 'pg';
import type { LedgerConfig } from './config';
import { ledgerSchema, toPgConfig } from './config';
import { describeConnectionError } from './connectionErrors';
import { knownMigrations, MIGRATIONS_TABLE } from './migrate';

export interface LedgerStatus {
	ok: boolean;
	message: string;
	serverVersion?: string;
	schema: string;
	/** Migrations applied / known; 'absent' when the schema will be created on first use. */
	schemaState?: 'current' | 'absent' | 'behind' | 'too_new';
}

/** Connects once and reports what a user needs to know: reachable? authenticated? schema state? */
export async function checkLedger(config: LedgerConfig): Promise<LedgerStatus> {
	const schema = ledgerSchema(config);
	const client = new Client({ ...toPgConfig(config), connectionTimeoutMillis: 8_000 });
	client.on('error', () => undefined);
	try {
		await client.connect();
	} catch (error) {
		const described = describeConnectionError(error, config);
		return { ok: false, schema, message: `${described.message} ${described.hint ?? ''}`.trim() };
	}
	try {
		const version = (await client.query<{ v: string }>('SHOW server_version')).rows[0].v;
		const table = await client.query<{ present: boolean }>(
			'SELECT to_regclass($1) IS NOT NULL AS present',
			[`${schema}.${MIGRATIONS_TABLE}`],
		);
		const known = knownMigrations();
		if (!table.rows[0].present) {
			return {
				ok: true,
				schema,
				serverVersion: version,
				schemaState: 'absent',
				message: `Connected to Postgres ${version}. The ledger schema "${schema}" will be created on first use.`,
			};
		}
		const applied = (
			await client.query<{ name: string }>(`SELECT name FROM "${schema}"."${MIGRATIONS_TABLE}"`)
		).rows.map((r) => r.name);
		const unknown = applied.filter((n) => !known.includes(n));
		if (unknown.length > 0) {
			return {
				ok: false,
				schema,
				serverVersion: version,
				schemaState: 'too_new',
				message: `The ledger schema "${schema}" was written by a newer n8n-nodes-receivables (${unknown.join(', ')}). Upgrade the package.`,
			};
		}
		const behind = known.filter((n) => !applied.includes(n)).length;
		return {
			ok: true,
			schema,
			serverVersion: version,
			schemaState: behind ? 'behind' : 'current',
			message: behind
				? `Connected to Postgres ${version}. The ledger schema "${schema}" will be upgraded (${behind} migration(s)) on first use.`
				: `Connected to Postgres ${version}. The ledger schema "${schema}" is up to date.`,
		};
	} catch (error) {
		const described = describeConnectionError(error, config);
		return { ok: false, schema, message: described.message };
	} finally {
		await client.end().catch(() => undefined);
	}
}
