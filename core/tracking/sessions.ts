import { createHash, randomBytes } from 'node:crypto';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { serverKeys } from './keys';
import { signToken, verifyToken } from './tokens';

/**
 * Page sessions (portal, dashboard, courier page), kept in the ledger. The token a browser carries is signed with
 * the server's session key and only names a row; the row decides: its absolute end is fixed when the session opens
 * (at most SESSION_CAP_SECONDS, whatever any token says), it lapses after `idle_seconds` without a request, and
 * it is revoked by a logout, a lost device, a disabled user or a changed secret. Every request checks the row.
 */
export type SessionKind = 'portal' | 'courier';

/** Absolute lifetime of a session, from login, however active it is. */
export const SESSION_CAP_SECONDS: Record<SessionKind, number> = {
	portal: 10 * 3600,
	courier: 14 * 3600,
};

export interface OpenedSession {
	id: string;
	token: string;
	expiresAt: Date;
}

export interface SessionRow {
	id: string;
	kind: SessionKind;
	subjectId: string;
	subjectVersion: number;
	expiresAt: Date;
}

const purpose = (kind: SessionKind) => `${kind}-session`;

/** Opens a session for a portal user or a courier account; `idleSeconds` is clamped to the cap. */
export async function openSession(
	ledger: Ledger,
	input: {
		kind: SessionKind;
		subjectId: string;
		subjectVersion: number;
		idleSeconds: number;
		now?: Date;
	},
): Promise<OpenedSession> {
	const now = input.now ?? new Date();
	const cap = SESSION_CAP_SECONDS[input.kind];
	const idle = Math.min(Math.max(Math.trunc(input.idleSeconds) || 60, 60), cap);
	const id = randomBytes(18).toString('base64url');
	const expiresAt = new Date(now.getTime() + cap * 1000);
	await ledger.query(
		`INSERT INTO page_sessions (id, kind, subject_id, subject_version, created_at, last_seen_at, idle_seconds, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
		[id, input.kind, input.subjectId, input.subjectVersion, now, idle, expiresAt],
	);
	const keys = await serverKeys(ledger, 'session');
	return { id, token: signToken({ s: id }, keys[0], purpose(input.kind), cap, now), expiresAt };
}

/** The session a token names, or undefined: forged, another kind's, expired, idle too long, revoked. Refreshes the idle clock. */
export async function checkSession(
	ledger: Ledger,
	input: { token: unknown; kind: SessionKind; now?: Date },
): Promise<SessionRow | undefined> {
	if (typeof input.token !== 'string' || !input.token) return undefined;
	const now = input.now ?? new Date();
	const verdict = verifyToken<{ s?: unknown }>(
		input.token,
		await serverKeys(ledger, 'session'),
		purpose(input.kind),
		now,
	);
	if (
		!verdict.ok ||
		typeof verdict.payload.s !== 'string' ||
		!/^[A-Za-z0-9_-]{24}$/.test(verdict.payload.s)
	)
		return undefined;
	const rows = await ledger.query<{
		id: string;
		kind: SessionKind;
		subject_id: string;
		subject_version: number;
		expires_at: Date;
	}>(
		`UPDATE page_sessions SET last_seen_at = $3
		WHERE id = $1 AND kind = $2 AND revoked_at IS NULL AND expires_at > $3 AND created_at <= $3
			AND last_seen_at + make_interval(secs => idle_seconds) > $3
		RETURNING id, kind, subject_id::text, subject_version, expires_at`,
		[verdict.payload.s, input.kind, now],
	);
	const r = rows[0];
	return r
		? {
				id: r.id,
				kind: r.kind,
				subjectId: r.subject_id,
				subjectVersion: r.subject_version,
				expiresAt: r.expires_at,
			}
		: undefined;
}

/** The session id a (validly signed) token names, without checking the row: for logout. */
async function sessionIdOf(
	ledger: Ledger,
	token: unknown,
	kind: SessionKind,
): Promise<string | undefined> {
	if (typeof token !== 'string' || !token) return undefined;
	const verdict = verifyToken<{ s?: unknown }>(
		token,
		await serverKeys(ledger, 'session'),
		purpose(kind),
		new Date(0),
	);
	return verdict.ok && typeof verdict.payload.s === 'string' ? verdict.payload.s : undefined;
}

/** Logout: the session named by the token is revoked for good (the same token is refused afterwards). */
export async function revokeSessionToken(
	ledger: Ledger,
	token: unknown,
	kind: SessionKind,
	reason = 'logout',
): Promise<boolean> {
	const id = await sessionIdOf(ledger, token, kind);
	if (!id) return false;
	const rows = await ledger.query(
		'UPDATE page_sessions SET revoked_at = now(), revoked_reason = $3 WHERE id = $1 AND kind = $2 AND revoked_at IS NULL RETURNING id',
		[id, kind, reason],
	);
	return rows.length > 0;
}

/** Revokes every open session of a portal user or courier account (disabled, secret changed, phone lost). */
export async function revokeSubjectSessions(
	db: { query: (sql: string, values: unknown[]) => Promise<unknown> },
	kind: SessionKind,
	subjectId: string,
	reason: string,
): Promise<void> {
	await db.query(
		'UPDATE page_sessions SET revoked_at = now(), revoked_reason = $3 WHERE kind = $1 AND subject_id = $2 AND revoked_at IS NULL',
		[kind, subjectId, reason],
	);
}

/** Deletes sessions that ended more than a day ago (housekeeping; the cap already refuses them). */
export async function purgeSessions(ledger: Ledger, now = new Date()): Promise<number> {
	const rows = await ledger.query(
		`DELETE FROM page_sessions WHERE expires_at < $1::timestamptz - interval '1 day' RETURNING id`,
		[now],
	);
	return rows.length;
}

// ---- Login throttling ----

export interface ThrottleLimits {
	/** Failures within the window that lock. */
	failures: number;
	windowSeconds: number;
	lockSeconds: number;
}

/** Per account (the login as typed, known or not: no hint that it exists) and per client address. */
export const LOGIN_LIMITS: Record<'account' | 'address', ThrottleLimits> = {
	account: { failures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
	address: { failures: 30, windowSeconds: 15 * 60, lockSeconds: 15 * 60 },
};

export interface LoginThrottleKeys {
	kind: SessionKind;
	login: string;
	/** The client's address as the reverse proxy reports it; empty when unknown (then only the account counts). */
	address?: string;
}

function throttleKeys(k: LoginThrottleKeys): Array<{ scope: 'account' | 'address'; key: string }> {
	const keys: Array<{ scope: 'account' | 'address'; key: string }> = [
		{
			scope: 'account',
			key: `${k.kind}:${String(k.login ?? '')
				.trim()
				.toLowerCase()
				.slice(0, 200)}`,
		},
	];
	const address = String(k.address ?? '')
		.trim()
		.slice(0, 100);
	if (address) keys.push({ scope: 'address', key: address });
	return keys;
}

export function loginLockedError(until: Date, now: Date): ReceivablesError {
	const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60000));
	return new ReceivablesError(
		'LOGIN_LOCKED',
		`Too many failed sign-ins: signing in is locked for ${minutes} minute(s). If it was not you, tell finance / Trop d'échecs de connexion : la connexion est bloquée pendant ${minutes} minute(s). Si ce n'était pas vous, prévenez la finance.`,
		{
			hint: 'Wait, then sign in again; ask finance to reset your secret if you forgot it.',
			details: { until: until.toISOString() },
		},
	);
}

/** Refuses (LOGIN_LOCKED) when the account or the address is locked; nothing is checked against the secret then. */
export async function assertLoginAllowed(
	ledger: Ledger,
	keys: LoginThrottleKeys,
	now = new Date(),
): Promise<void> {
	const k = throttleKeys(keys);
	const rows = await ledger.query<{ locked_until: Date }>(
		`SELECT locked_until FROM login_throttle WHERE (scope, key) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND locked_until > $3 ORDER BY locked_until DESC LIMIT 1`,
		[k.map((x) => x.scope), k.map((x) => x.key), now],
	);
	if (rows[0]) throw loginLockedError(rows[0].locked_until, now);
}

/** Counts a failed login; returns the scopes this failure has just locked (the caller tells the account's owner). */
export async function recordLoginFailure(
	ledger: Ledger,
	keys: LoginThrottleKeys,
	now = new Date(),
): Promise<Array<{ scope: 'account' | 'address'; until: Date }>> {
	const locked: Array<{ scope: 'account' | 'address'; until: Date }> = [];
	for (const { scope, key } of throttleKeys(keys)) {
		const l = LOGIN_LIMITS[scope];
		const rows = await ledger.query<{
			failures: number;
			locked_until: Date | null;
			newly: boolean;
		}>(
			`INSERT INTO login_throttle AS t (scope, key, failures, window_started_at) VALUES ($1, $2, 1, $3)
			ON CONFLICT (scope, key) DO UPDATE SET
				failures = CASE WHEN t.window_started_at + make_interval(secs => $4) < $3 THEN 1 ELSE t.failures + 1 END,
				window_started_at = CASE WHEN t.window_started_at + make_interval(secs => $4) < $3 THEN $3 ELSE t.window_started_at END
			RETURNING failures, locked_until, false AS newly`,
			[scope, key, now, l.windowSeconds],
		);
		const r = rows[0];
		if (r.failures >= l.failures && !(r.locked_until && r.locked_until > now)) {
			const until = new Date(now.getTime() + l.lockSeconds * 1000);
			await ledger.query(
				'UPDATE login_throttle SET locked_until = $3, lockouts = lockouts + 1, failures = 0, window_started_at = $4 WHERE scope = $1 AND key = $2',
				[scope, key, until, now],
			);
			locked.push({ scope, until });
		}
	}
	return locked;
}

/** A successful login clears the account's failures (the address keeps its count). */
export async function recordLoginSuccess(ledger: Ledger, keys: LoginThrottleKeys): Promise<void> {
	const [account] = throttleKeys(keys);
	await ledger.query(
		`DELETE FROM login_throttle WHERE scope = 'account' AND key = $1 AND (locked_until IS NULL OR locked_until < now())`,
		[account.key],
	);
}

/** What the owner of a locked account is told (by e-mail, when the page has a mail sender). */
export interface LockoutNotice {
	kind: SessionKind;
	login: string;
	name: string;
	email: string;
	language: 'fr' | 'en';
	until: Date;
	address?: string;
}

export type LockoutNotifier = (notice: LockoutNotice) => Promise<void>;

/** The lockout e-mail, in both languages (the user's first). */
export function lockoutMail(n: LockoutNotice): { subject: string; text: string } {
	const place =
		n.kind === 'courier'
			? { fr: 'la page coursier', en: 'the courier page' }
			: { fr: 'le portail de suivi', en: 'the tracking portal' };
	const until = n.until.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
	const fr = `Bonjour ${n.name},\n\nPlusieurs tentatives de connexion à ${place.fr} avec l'identifiant « ${n.login} » ont échoué${n.address ? ` (adresse ${n.address})` : ''}. La connexion est bloquée jusqu'à ${until}.\nSi ce n'était pas vous, prévenez la finance pour changer votre mot de passe.`;
	const en = `Hello ${n.name},\n\nSeveral sign-ins to ${place.en} with the login "${n.login}" failed${n.address ? ` (address ${n.address})` : ''}. Signing in is locked until ${until}.\nIf it was not you, tell finance so your secret is changed.`;
	return {
		subject:
			n.language === 'fr'
				? 'Connexion bloquée après plusieurs échecs / Sign-in locked'
				: 'Sign-in locked after failed attempts / Connexion bloquée',
		text: n.language === 'fr' ? `${fr}\n\n---\n\n${en}\n` : `${en}\n\n---\n\n${fr}\n`,
	};
}

/** Marks that the account's owner was told of a lockout. */
export async function markLockoutNotified(ledger: Ledger, keys: LoginThrottleKeys): Promise<void> {
	const [account] = throttleKeys(keys);
	await ledger.query(
		`UPDATE login_throttle SET notified_at = now() WHERE scope = 'account' AND key = $1`,
		[account.key],
	);
}

/** A short, stable fingerprint of the client (address and browser) that a form token is bound to. */
export function clientFingerprint(
	address: string | undefined,
	userAgent: string | undefined,
): string {
	return createHash('sha256')
		.update(`${address ?? ''}\n${userAgent ?? ''}`)
		.digest('base64url')
		.slice(0, 22);
}
