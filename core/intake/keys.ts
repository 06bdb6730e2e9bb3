import { randomBytes } from 'node:crypto';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { INTAKE_PURPOSE, PURPOSE } from './signature';

/**
 * Integration keys: one signing key per sending system, kept in the ledger (never in an n8n item). Several keys of
 * one sender work at the same time while the sender moves to a new one (rotation with overlap: the old key gets an
 * expiry), and each key is revoked alone. A request names its key in the X-Receivables-Key header.
 */

export const RECEIVABLES_KEY_HEADER = 'x-receivables-key';
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const SENDER = /^[A-Za-z0-9._-]{1,64}$/;

export interface IntegrationKeyInfo {
	keyId: string;
	sender: string;
	purposes: string[];
	createdAt: string;
	expiresAt: string | null;
	revokedAt: string | null;
	revokedReason: string | null;
	lastUsedAt: string | null;
	note: string | null;
	/** active, expired or revoked, at the time of the listing. */
	state: 'active' | 'expired' | 'revoked';
}

export interface CreatedIntegrationKey {
	keyId: string;
	sender: string;
	purposes: string[];
	/** Shown once, to give to the sending system; the ledger keeps it to check signatures. */
	secret: string;
}

function keyError(code: string, message: string, hint: string): ReceivablesError {
	return new ReceivablesError(code, message, { hint });
}

function checkPurposes(purposes: string[] | undefined): string[] {
	const list = [...new Set((purposes ?? []).map((p) => p.trim()).filter(Boolean))];
	for (const p of list) {
		if (!PURPOSE.test(p))
			throw keyError(
				'KEY_BAD_PURPOSE',
				`"${p}" is not a webhook purpose.`,
				'Use lower-case letters, digits and dashes, e.g. intake.',
			);
	}
	return list;
}

/** Creates a key for `sender`; returns its secret (the only time it is shown). */
export async function createIntegrationKey(
	ledger: Ledger,
	input: { sender: string; keyId?: string; purposes?: string[]; note?: string; secret?: string },
): Promise<CreatedIntegrationKey> {
	const sender = (input.sender ?? '').trim();
	if (!SENDER.test(sender))
		throw keyError(
			'KEY_BAD_SENDER',
			`"${input.sender}" is not a sender name.`,
			'Use letters, digits, dot, dash or underscore (at most 64), e.g. accounting.',
		);
	const keyId = (
		input.keyId ??
		`${sender}-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`
	).trim();
	if (!KEY_ID.test(keyId))
		throw keyError(
			'KEY_BAD_ID',
			`"${keyId}" is not a key id.`,
			'Use letters, digits, dot, dash or underscore (at most 64).',
		);
	const secret = input.secret ?? randomBytes(32).toString('base64url');
	if (secret.length < 16)
		throw keyError(
			'KEY_SECRET_SHORT',
			'The secret is shorter than 16 characters.',
			'Leave it empty: a random secret is created.',
		);
	const purposes = checkPurposes(input.purposes);
	const inserted = await ledger.query<{ key_id: string }>(
		'INSERT INTO integration_keys (key_id, sender, purposes, secret, note) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING RETURNING key_id',
		[keyId, sender, purposes, secret, input.note ?? null],
	);
	if (!inserted.length)
		throw keyError(
			'KEY_EXISTS',
			`The key "${keyId}" already exists.`,
			'Choose another key id, or leave it empty.',
		);
	return { keyId, sender, purposes, secret };
}

/**
 * Replaces a key: a new key for the same sender and purposes is created, and the old one keeps working for
 * `overlapHours` (default 72) so the sender can switch without losing a delivery.
 */
export async function rotateIntegrationKey(
	ledger: Ledger,
	keyId: string,
	options: { overlapHours?: number; newKeyId?: string; now?: Date } = {},
): Promise<CreatedIntegrationKey & { previousKeyExpiresAt: string }> {
	const hours = options.overlapHours ?? 72;
	if (!(hours >= 0 && hours <= 24 * 90))
		throw keyError('KEY_BAD_OVERLAP', `${hours} hours is not an overlap.`, 'Give 0 to 2160 hours.');
	const [old] = await ledger.query<{
		sender: string;
		purposes: string[];
		revoked_at: string | null;
	}>('SELECT sender, purposes, revoked_at FROM integration_keys WHERE key_id = $1', [keyId]);
	if (!old)
		throw keyError('KEY_UNKNOWN', `There is no key "${keyId}".`, 'List the keys to see their ids.');
	if (old.revoked_at)
		throw keyError(
			'KEY_REVOKED',
			`The key "${keyId}" is revoked.`,
			'Create a new key for the sender instead.',
		);
	const created = await createIntegrationKey(ledger, {
		sender: old.sender,
		purposes: old.purposes,
		keyId: options.newKeyId,
	});
	const expires = new Date((options.now ?? new Date()).getTime() + hours * 3600_000);
	await ledger.query(
		'UPDATE integration_keys SET expires_at = LEAST(coalesce(expires_at, $2), $2) WHERE key_id = $1',
		[keyId, expires.toISOString()],
	);
	return { ...created, previousKeyExpiresAt: expires.toISOString() };
}

/** Revokes one key at once (lost, leaked, sender retired); the sender's other keys keep working. */
export async function revokeIntegrationKey(
	ledger: Ledger,
	keyId: string,
	reason?: string,
): Promise<{ keyId: string; revoked: boolean }> {
	const rows = await ledger.query<{ key_id: string }>(
		'UPDATE integration_keys SET revoked_at = now(), revoked_reason = $2 WHERE key_id = $1 AND revoked_at IS NULL RETURNING key_id',
		[keyId, reason ?? null],
	);
	if (!rows.length) {
		const [exists] = await ledger.query('SELECT 1 FROM integration_keys WHERE key_id = $1', [
			keyId,
		]);
		if (!exists)
			throw keyError(
				'KEY_UNKNOWN',
				`There is no key "${keyId}".`,
				'List the keys to see their ids.',
			);
	}
	return { keyId, revoked: true };
}

/** The keys, without their secrets. */
export async function listIntegrationKeys(
	ledger: Ledger,
	options: { sender?: string; now?: Date } = {},
): Promise<IntegrationKeyInfo[]> {
	const now = options.now ?? new Date();
	const rows = await ledger.query<{
		key_id: string;
		sender: string;
		purposes: string[];
		created_at: Date;
		expires_at: Date | null;
		revoked_at: Date | null;
		revoked_reason: string | null;
		last_used_at: Date | null;
		note: string | null;
	}>(
		'SELECT key_id, sender, purposes, created_at, expires_at, revoked_at, revoked_reason, last_used_at, note FROM integration_keys WHERE $1::text IS NULL OR sender = $1 ORDER BY sender, created_at, key_id',
		[options.sender ?? null],
	);
	const iso = (d: Date | null) => (d ? d.toISOString() : null);
	return rows.map((r) => ({
		keyId: r.key_id,
		sender: r.sender,
		purposes: r.purposes.length ? r.purposes : [INTAKE_PURPOSE],
		createdAt: r.created_at.toISOString(),
		expiresAt: iso(r.expires_at),
		revokedAt: iso(r.revoked_at),
		revokedReason: r.revoked_reason,
		lastUsedAt: iso(r.last_used_at),
		note: r.note,
		state: r.revoked_at
			? 'revoked'
			: r.expires_at && r.expires_at.getTime() <= now.getTime()
				? 'expired'
				: 'active',
	}));
}

export type KeyLookup =
	| { ok: true; keyId: string; sender: string; secret: string }
	| {
			ok: false;
			code: 'KEY_UNKNOWN' | 'KEY_REVOKED' | 'KEY_EXPIRED' | 'KEY_PURPOSE';
			keyId: string;
	  };

/** The key a request names, if it may sign for `purpose` now. */
export async function lookupIntegrationKey(
	ledger: Ledger,
	keyId: string,
	purpose: string,
	now: Date = new Date(),
): Promise<KeyLookup> {
	if (!KEY_ID.test(keyId)) return { ok: false, code: 'KEY_UNKNOWN', keyId: keyId.slice(0, 64) };
	const rows = await ledger.query<{
		sender: string;
		secret: string;
		purposes: string[];
		expires_at: Date | null;
		revoked_at: Date | null;
	}>(
		'SELECT sender, secret, purposes, expires_at, revoked_at FROM integration_keys WHERE key_id = $1',
		[keyId],
	);
	const row = rows[0];
	if (!row) return { ok: false, code: 'KEY_UNKNOWN', keyId };
	if (row.revoked_at) return { ok: false, code: 'KEY_REVOKED', keyId };
	if (row.expires_at && row.expires_at.getTime() <= now.getTime())
		return { ok: false, code: 'KEY_EXPIRED', keyId };
	const purposes = row.purposes.length ? row.purposes : [INTAKE_PURPOSE];
	if (!purposes.includes(purpose)) return { ok: false, code: 'KEY_PURPOSE', keyId };
	return { ok: true, keyId, sender: row.sender, secret: row.secret };
}
