import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import type { LedgerConfig } from './config';
import { ledgerSchema, toPgConfig } from './config';
import { describeConnectionError } from './connectionErrors';
import { migrateLedger, type MigrationResult } from './migrate';

export type Queryable = Pick<PoolClient, 'query'>;

/**
 * A connection pool to the receivables ledger. The schema is created and migrated on first use; every
 * connection works inside the ledger schema (search_path), so queries name tables without a schema.
 */
export class Ledger {
	readonly schema: string;
	readonly pool: Pool;
	private ready?: Promise<MigrationResult>;

	constructor(readonly config: LedgerConfig) {
		this.schema = ledgerSchema(config);
		this.pool = new Pool(toPgConfig(config));
		this.pool.on('error', () => undefined);
		// a connection opened again (after an idle one was closed) keeps the history date given
		this.pool.on('connect', (client) => {
			if (this.historyAt)
				client
					.query("SELECT set_config('receivables.history_at', $1, false)", [this.historyAt])
					.catch(() => undefined);
		});
	}

	private historyAt: string | null = null;

	/**
	 * Dates the history entries written from now on without their own date at `at` (an instant Postgres reads), or at the time
	 * they are written again (null): for recording facts of the past (a company's history loaded once), each dated
	 * when it happened, on a ledger of one connection (maxConnections: 1) so that every write sees the date.
	 */
	async setHistoryDate(at: string | null): Promise<void> {
		if ((this.config.maxConnections ?? 10) !== 1)
			throw new Error('setHistoryDate needs a ledger of one connection (maxConnections: 1).');
		await this.ensureReady();
		// read by Postgres (an ISO instant or "2026-03-31 15:00:00 Europe/Paris"), kept as a UTC instant
		const rows = await this.pool.query<{ at: string }>(
			"SELECT set_config('receivables.history_at', coalesce(to_char($1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''), false) AS at",
			[at],
		);
		this.historyAt = rows.rows[0].at || null;
	}

	/** Migrates the schema once per pool (under an advisory lock, so concurrent processes are safe). */
	async ensureReady(): Promise<MigrationResult> {
		if (!this.ready) {
			this.ready = this.connect().then(async (client) => {
				try {
					return await migrateLedger(client, this.schema);
				} finally {
					client.release();
				}
			});
			this.ready.catch(() => {
				this.ready = undefined;
			});
		}
		return await this.ready;
	}

	async connect(): Promise<PoolClient> {
		try {
			return await this.pool.connect();
		} catch (error) {
			throw describeConnectionError(error, this.config);
		}
	}

	async query<R extends QueryResultRow = QueryResultRow>(
		text: string,
		values?: unknown[],
	): Promise<R[]>;
	/**
	 * A statement run often (once a message on a send path): prepared once on each connection under `name`, so Postgres
	 * parses and plans it once per connection instead of at every call. One name, one text. Through a connection pooler
	 * that does not keep prepared statements (PgBouncer in transaction mode before 1.21), the first such error turns
	 * preparing off for this ledger and the statement runs again unprepared (the error came before it ran).
	 */
	async query<R extends QueryResultRow = QueryResultRow>(
		prepared: { name: string },
		text: string,
		values?: unknown[],
	): Promise<R[]>;
	async query<R extends QueryResultRow = QueryResultRow>(
		first: string | { name: string },
		second?: string | unknown[],
		third?: unknown[],
	): Promise<R[]> {
		await this.ensureReady();
		if (typeof first === 'string')
			return (await this.pool.query<R>(first, second as unknown[] | undefined)).rows;
		const text = second as string;
		if (this.preparing) {
			try {
				return (await this.pool.query<R>({ name: first.name, text, values: third })).rows;
			} catch (error) {
				const code = (error as { code?: string }).code;
				// 26000: the prepared statement is unknown to this server session; 42P05: the name is already taken
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
				if (code !== '26000' && code !== '42P05') throw error;
				this.preparing = false;
			}
		}
		return (await this.pool.query<R>(text, third)).rows;
	}

	private preparing = true;

	/** Runs `work` in one transaction on one connection; rolls back on any error. */
	async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
		await this.ensureReady();
		const client = await this.connect();
		let committed = false;
		try {
			await client.query('BEGIN');
			const result = await work(client);
			await client.query('COMMIT');
			committed = true;
			return result;
		} finally {
			if (!committed) await client.query('ROLLBACK').catch(() => undefined);
			client.release();
		}
	}

	/** Runs `work` on one connection outside a transaction (COPY streams, advisory locks). */
	async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
		await this.ensureReady();
		const client = await this.connect();
		try {
			return await work(client);
		} finally {
			client.release();
		}
	}

	async close(): Promise<void> {
		await this.pool.end();
	}
}

export function openLedger(config: LedgerConfig): Ledger {
	return new Ledger(config);
}
