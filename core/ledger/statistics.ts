import type { Ledger } from './ledger';

/**
 * Planner statistics of the tables the bulk operations load. A bulk load outruns autoanalyze on any server (and
 * autovacuum may be off): without fresh statistics, Postgres plans the per-batch lookups for the table as it
 * was, and a lookup that took a fraction of a millisecond becomes a scan of the whole table. The package
 * therefore runs ANALYZE itself once a load has added a significant share of a table's rows.
 */

/**
 * Rows added since the last ANALYZE, as a share of the rows the table had then, that call for a new ANALYZE: once
 * a load has doubled a table. Between two ANALYZEs the planner scales the row counts it estimates by the table's
 * current size on disk, so what makes a lookup go wrong is statistics taken when the table was a fraction of its
 * size (empty, or never analysed), not statistics a little behind.
 */
export const ANALYZE_SHARE = 1;
/** Below this many added rows a table is never re-analysed (small loads: autoanalyze is enough). */
export const ANALYZE_MIN_ROWS = 2000;

/**
 * Whether `added` rows since the last ANALYZE of a table that then held `analysedRows` rows make its statistics
 * stale: at least ANALYZE_MIN_ROWS and at least ANALYZE_SHARE of the analysed rows. Growing geometrically, a load
 * of n rows into an empty table analyses it about log2(n / 2000) times (9 times for 1M rows), each ANALYZE reading
 * a fixed-size sample of the columns in ANALYZED_COLUMNS.
 */
export function statisticsStale(added: number, analysedRows: number): boolean {
	return added >= ANALYZE_MIN_ROWS && added >= ANALYZE_SHARE * Math.max(0, analysedRows);
}

interface TableState {
	/** Rows of the table at its last ANALYZE (pg_class.reltuples; 0 when never analysed). */
	analysedRows: number;
	/** Rows written since, by this process and (read once from pg_stat) by others. */
	added: number;
}

const states = new WeakMap<Ledger, Map<string, Promise<TableState>>>();

export type BulkTable = 'invoices' | 'customers' | 'payments';

/**
 * The columns the bulk operations' per-batch lookups filter and join on. ANALYZE with a column list samples the
 * same rows but computes statistics only for these, and skips the expression indexes (the invoice number key,
 * a regexp per sampled row): about a quarter of a whole-table ANALYZE of invoices. The other columns are left to
 * autoanalyze. Tables not listed are analysed whole.
 */
export const ANALYZED_COLUMNS: Partial<Record<BulkTable, string[]>> = {
	invoices: [
		'issuer',
		'doc_type',
		'number',
		'customer_id',
		'status',
		'credited_number',
		'credited_invoice_id',
	],
};

async function readState(ledger: Ledger, table: BulkTable): Promise<TableState> {
	const [row] = await ledger.query<{ tuples: number; pending: string | null }>(
		`SELECT greatest(c.reltuples, 0)::float8 AS tuples, s.n_mod_since_analyze::text AS pending
		 FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = to_regclass($1)`,
		[table],
	);
	return { analysedRows: Number(row?.tuples ?? 0), added: Number(row?.pending ?? 0) };
}

/**
 * Records that a committed bulk batch wrote `rows` rows into `table`, and runs ANALYZE on it when the rows
 * written since its last ANALYZE make its statistics stale (see statisticsStale). Resolves with true when it
 * analysed the table. ANALYZE needs the table's owner: for a role that is not, Postgres skips it with a warning
 * and autoanalyze remains the only refresh.
 */
export async function noteBulkRows(
	ledger: Ledger,
	table: BulkTable,
	rows: number,
): Promise<boolean> {
	if (rows <= 0) return false;
	let tables = states.get(ledger);
	if (!tables) states.set(ledger, (tables = new Map()));
	let pending = tables.get(table);
	if (!pending) {
		pending = readState(ledger, table);
		tables.set(table, pending);
		pending.catch(() => tables?.delete(table));
	}
	const state = await pending;
	state.added += rows;
	if (!statisticsStale(state.added, state.analysedRows)) return false;
	state.added = 0;
	try {
		const columns = ANALYZED_COLUMNS[table];
		await ledger.query(`ANALYZE ${table}${columns ? ` (${columns.join(', ')})` : ''}`);
		const fresh = await readState(ledger, table);
		state.analysedRows = fresh.analysedRows;
		return true;
	} catch {
		// Statistics are an optimisation: a failed ANALYZE (lock timeout, connection) never fails the load.
		return false;
	}
}
