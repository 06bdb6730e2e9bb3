/**
 * A state change of a reminder must reach the ledger before the next network step. When Postgres restarts or a
 * connection drops, the change is tried again for a bounded time instead of giving up the message: every write
 * retried this way is idempotent (it changes a row only from the state it expects).
 */
const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'57P01',
	'57P02',
	'57P03',
	'08000',
	'08001',
	'08003',
	'08004',
	'08006',
	'LEDGER_UNREACHABLE',
]);

/**
 * Postgres aborted the statement and nothing of it was written (a deadlock with another run, a serialization
 * failure): the same idempotent statement may simply be run again.
 */
const TRANSIENT_CODES = new Set(['40P01', '40001']);

export function isLedgerUnavailable(error: unknown): boolean {
	const e = error as { code?: string; message?: string; cause?: unknown } | undefined;
	if (!e) return false;
	if (e.code && (CONNECTION_CODES.has(e.code) || TRANSIENT_CODES.has(e.code))) return true;
	if (
		/Connection terminated|connection (is )?closed|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down)|timeout exceeded when trying to connect/i.test(
			e.message ?? '',
		)
	)
		return true;
	return e.cause !== undefined && e.cause !== error ? isLedgerUnavailable(e.cause) : false;
}

/** Runs `work`, again while the ledger is unreachable, for up to `seconds` (then the last error is thrown). */
export async function whileLedgerUnavailable<T>(
	work: () => Promise<T>,
	seconds: number,
): Promise<T> {
	const deadline = Date.now() + Math.max(0, seconds) * 1000;
	let wait = 100;
	for (;;) {
		try {
			return await work();
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			if (!isLedgerUnavailable(error) || Date.now() + wait > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, wait));
			wait = Math.min(wait * 2, 2000);
		}
	}
}
