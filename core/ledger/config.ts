import type { ClientConfig, PoolConfig } from 'pg';
import { ReceivablesError } from '../errors';

/** How to reach the ledger: the fields of the package's ledger credential, or a connection string. */
export interface LedgerConfig {
	connectionString?: string;
	host?: string;
	port?: number;
	database?: string;
	user?: string;
	password?: string;
	/** disable (default), allow, require or verify-full. */
	ssl?: 'disable' | 'allow' | 'require' | 'verify-full';
	/** Postgres schema that holds the ledger tables. */
	schema?: string;
	/** Maximum connections of the pool. */
	maxConnections?: number;
	/** Sent as application_name, visible in pg_stat_activity. */
	applicationName?: string;
}

export const DEFAULT_SCHEMA = 'receivables';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function ledgerSchema(config: LedgerConfig): string {
	const schema = (config.schema ?? '').trim() || DEFAULT_SCHEMA;
	if (!SCHEMA_NAME.test(schema)) {
		throw new ReceivablesError(
			'LEDGER_BAD_SCHEMA',
			`The ledger schema name "${schema}" is not allowed.`,
			{
				hint: 'Use lower-case letters, digits and underscores, starting with a letter (for example "receivables").',
			},
		);
	}
	return schema;
}

/** Builds the pg configuration: every connection of the pool works inside the ledger schema. */
export function toPgConfig(config: LedgerConfig): PoolConfig & ClientConfig {
	const schema = ledgerSchema(config);
	const ssl =
		config.ssl === 'require' || config.ssl === 'allow'
			? { rejectUnauthorized: false }
			: config.ssl === 'verify-full'
				? { rejectUnauthorized: true }
				: undefined;
	const base: PoolConfig = {
		max: config.maxConnections ?? 10,
		idleTimeoutMillis: 30_000,
		connectionTimeoutMillis: 10_000,
		application_name: config.applicationName ?? 'n8n-nodes-receivables',
		options: `-c search_path=${schema},public`,
		ssl,
	};
	if (config.connectionString) return { ...base, connectionString: config.connectionString };
	return {
		...base,
		host: config.host ?? '127.0.0.1',
		port: config.port ?? 5432,
		database: config.database ?? 'postgres',
		user: config.user ?? 'postgres',
		password: config.password || undefined,
	};
}

/** Reads a ledger configuration from DATABASE_URL / PG* style variables (scripts and tests only). */
export function ledgerConfigFromEnv(
	env: Record<string, string | undefined>,
	prefix = '',
): LedgerConfig | undefined {
	const url = env[`${prefix}DATABASE_URL`];
	const schema = env.RECEIVABLES_SCHEMA;
	if (url) return { connectionString: url, schema };
	if (env.PGHOST || env.PGDATABASE || env.PGUSER || env.PGPORT) {
		return {
			host: env.PGHOST,
			port: env.PGPORT ? Number(env.PGPORT) : undefined,
			database: env.PGDATABASE,
			user: env.PGUSER,
			password: env.PGPASSWORD,
			schema,
		};
	}
	return undefined;
}
