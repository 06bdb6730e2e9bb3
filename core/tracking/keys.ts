import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';

/**
 * Keys the server alone knows, one per purpose, kept in the ledger:
 *   session — signs the page sessions (portal, dashboard, courier page); never given to any client;
 *   form    — signs the page forms' anti-forgery tokens (login included);
 *   qr      — signs the QR codes printed on manifests;
 *   payer   — signs the links to each customer's payer page (revoked per customer by its link version).
 * None of them is a webhook or integration key. Each purpose is rotated on its own: a new session key ends every
 * page session and leaves the printed QR codes readable; a new QR key keeps the previous ones readable until they
 * are retired. A key is made on first use (32 random bytes), so an installation never runs on a shared default.
 */
export type ServerKeyPurpose = 'session' | 'form' | 'qr' | 'payer';
export const SERVER_KEY_PURPOSES: readonly ServerKeyPurpose[] = ['session', 'form', 'qr', 'payer'];

type Db = Ledger | PoolClient;

async function rowsOf<R extends Record<string, unknown>>(
	db: Db,
	sql: string,
	values: unknown[],
): Promise<R[]> {
	const result = await (
		db as { query: (sql: string, values: unknown[]) => Promise<unknown> }
	).query(sql, values);
	return Array.isArray(result) ? (result as R[]) : ((result as { rows: R[] }).rows ?? []);
}

function checkPurpose(purpose: string): asserts purpose is ServerKeyPurpose {
	if (!(SERVER_KEY_PURPOSES as readonly string[]).includes(purpose)) {
		throw new ReceivablesError(
			'SERVER_KEY_PURPOSE_INVALID',
			`Unknown key purpose "${purpose}" / Usage de clé inconnu « ${purpose} ».`,
			{ hint: `Use one of ${SERVER_KEY_PURPOSES.join(', ')}.` },
		);
	}
}

/** The keys in service for a purpose, newest first (the first one signs); one is made when there is none. */
export async function serverKeys(db: Db, purpose: ServerKeyPurpose): Promise<Buffer[]> {
	checkPurpose(purpose);
	const select =
		'SELECT secret FROM server_keys WHERE purpose = $1 AND retired_at IS NULL ORDER BY id DESC';
	const found = await rowsOf<{ secret: Buffer }>(db, select, [purpose]);
	if (found.length) return found.map((r) => r.secret);
	// Two processes starting together make one key: the insert waits for a lock per purpose and checks again.
	const made = await rowsOf<{ secret: Buffer }>(
		db,
		`WITH lock AS (SELECT pg_advisory_xact_lock(hashtext('receivables.server_keys.' || $1)))
		INSERT INTO server_keys (purpose, secret) SELECT $1, $2 FROM lock
		WHERE NOT EXISTS (SELECT 1 FROM server_keys WHERE purpose = $1 AND retired_at IS NULL) RETURNING secret`,
		[purpose, randomBytes(32)],
	);
	if (made.length) return made.map((r) => r.secret);
	return (await rowsOf<{ secret: Buffer }>(db, select, [purpose])).map((r) => r.secret);
}

/**
 * Puts a new key in service for a purpose. `retirePrevious` takes the older keys out at once (a leaked key);
 * otherwise they keep verifying (QR codes already printed) until retireServerKeys.
 */
export async function rotateServerKey(
	ledger: Ledger,
	purpose: ServerKeyPurpose,
	options: { retirePrevious?: boolean } = {},
): Promise<{ purpose: ServerKeyPurpose; keysInService: number }> {
	checkPurpose(purpose);
	return await ledger.transaction(async (client) => {
		await client.query(`SELECT pg_advisory_xact_lock(hashtext('receivables.server_keys.' || $1))`, [
			purpose,
		]);
		if (options.retirePrevious)
			await client.query(
				'UPDATE server_keys SET retired_at = now() WHERE purpose = $1 AND retired_at IS NULL',
				[purpose],
			);
		await client.query('INSERT INTO server_keys (purpose, secret) VALUES ($1, $2)', [
			purpose,
			randomBytes(32),
		]);
		const n = await client.query<{ n: string }>(
			'SELECT count(*)::text AS n FROM server_keys WHERE purpose = $1 AND retired_at IS NULL',
			[purpose],
		);
		return { purpose, keysInService: Number(n.rows[0].n) };
	});
}

/** Retires every key of a purpose but the newest (after a rotation, once the old QR codes are no longer used). */
export async function retireServerKeys(ledger: Ledger, purpose: ServerKeyPurpose): Promise<number> {
	checkPurpose(purpose);
	const rows = await ledger.query(
		`UPDATE server_keys SET retired_at = now() WHERE purpose = $1 AND retired_at IS NULL
			AND id <> (SELECT max(id) FROM server_keys WHERE purpose = $1 AND retired_at IS NULL) RETURNING id`,
		[purpose],
	);
	return rows.length;
}
