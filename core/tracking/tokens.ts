import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ReceivablesError } from '../errors';

/**
 * Signed, expiring tokens: `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`, the MAC keyed by a secret and
 * a purpose (a session token is not a QR token). Pages served under n8n's CSP sandbox cannot keep cookies, so
 * the session travels in the forms; a cross-site page cannot forge it (it does not know it), which also makes
 * the forms CSRF-safe.
 */

export const MIN_TOKEN_SECRET_LENGTH = 16;

function b64url(buf: Buffer): string {
	return buf.toString('base64url');
}

function checkSecret(secret: string): void {
	if (typeof secret !== 'string' || secret.length < MIN_TOKEN_SECRET_LENGTH) {
		throw new ReceivablesError('TOKEN_SECRET_WEAK', `The signing secret must have at least ${MIN_TOKEN_SECRET_LENGTH} characters / Le secret de signature doit avoir au moins ${MIN_TOKEN_SECRET_LENGTH} caractères.`, {
			hint: 'Use a random secret of 32 characters or more.',
		});
	}
}

function mac(secret: string, purpose: string, body: string, length = 32): Buffer {
	return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest().subarray(0, length);
}

export function signToken(payload: Record<string, unknown>, secret: string, purpose: string, ttlSeconds: number, now = new Date()): string {
	checkSecret(secret);
	const body = b64url(Buffer.from(JSON.stringify({ ...payload, exp: Math.floor(now.getTime() / 1000) + ttlSeconds }), 'utf8'));
	return `${body}.${b64url(mac(secret, purpose, body))}`;
}

export type TokenVerdict<T> = { ok: true; payload: T } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyToken<T extends Record<string, unknown>>(token: unknown, secret: string, purpose: string, now = new Date()): TokenVerdict<T> {
	checkSecret(secret);
	if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
	const m = token.match(/^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/);
	if (!m) return { ok: false, reason: 'malformed' };
	const expected = mac(secret, purpose, m[1]);
	const given = Buffer.from(m[2], 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
	let payload: T & { exp?: unknown };
	try {
		payload = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as T & { exp?: unknown };
	} catch {
		return { ok: false, reason: 'malformed' };
	}
	if (typeof payload.exp !== 'number' || payload.exp * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
	return { ok: true, payload };
}

/**
 * The compact token printed in a delivery's QR code: `D<delivery id base36>.<12 bytes of HMAC base64url>`
 * (about 24 characters: a small QR code). It names the delivery, not only the invoice number, and cannot be
 * made up without the secret.
 */
export function deliveryToken(deliveryId: string | bigint, secret: string): string {
	checkSecret(secret);
	const id = BigInt(deliveryId).toString(36);
	return `D${id}.${b64url(mac(secret, 'delivery-qr', id, 12))}`;
}

/** The delivery id a QR token names, or undefined when it was not made with the secret. */
export function readDeliveryToken(token: unknown, secret: string): string | undefined {
	checkSecret(secret);
	if (typeof token !== 'string') return undefined;
	const m = token.trim().match(/^D([0-9a-z]{1,13})\.([A-Za-z0-9_-]{16})$/);
	if (!m) return undefined;
	const given = Buffer.from(m[2], 'base64url');
	const expected = mac(secret, 'delivery-qr', m[1], 12);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
	let id = 0n;
	for (const ch of m[1]) id = id * 36n + BigInt(parseInt(ch, 36));
	return id.toString();
}

// ---- Secrets stored hashed with scrypt ----

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
	return new Promise((resolve, reject) => scryptCb(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` */
export async function hashSecret(secret: string): Promise<string> {
	if (typeof secret !== 'string' || secret.length < 10 || secret.length > 200) {
		throw new ReceivablesError('PORTAL_SECRET_WEAK', 'A portal secret has 10 to 200 characters / Un mot de passe du portail a de 10 à 200 caractères.', { hint: 'Choose a longer pass phrase.' });
	}
	const salt = randomBytes(16);
	const key = await scrypt(secret.normalize('NFC'), salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
	return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/** Constant work whatever the input: a missing hash is checked against a dummy one (no timing hint). */
export async function verifySecret(secret: string, stored: string | null | undefined): Promise<boolean> {
	const parts = (stored ?? DUMMY_HASH).split('$');
	const valid = parts.length === 6 && parts[0] === 'scrypt';
	const [, n, r, p, salt, hash] = valid ? parts : DUMMY_HASH.split('$');
	const expected = Buffer.from(hash, 'base64');
	const key = await scrypt(String(secret ?? '').normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
	return timingSafeEqual(key, expected) && valid && !!stored;
}
