import {
	createHmac,
	randomBytes,
	scrypt as scryptCb,
	timingSafeEqual,
	type ScryptOptions,
} from 'node:crypto';
import { ReceivablesError } from '../errors';

/**
 * Signed, expiring tokens: `<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`, the MAC keyed by a secret and
 * a purpose (a session token is not a QR token). Only the canonical base64url spelling of a MAC is accepted
 * (no padding, unused low bits zero): one token, one spelling. The keys live in the ledger (keys.ts), one per
 * purpose; a verifier is given every key still in service for its purpose (rotation with overlap).
 */

export const MIN_TOKEN_SECRET_LENGTH = 16;

/** A signing key: a secret string (at least 16 characters) or random bytes (at least 16). */
export type TokenKey = string | Buffer;

function b64url(buf: Buffer): string {
	return buf.toString('base64url');
}

/** True when `text` is the one base64url spelling of the bytes it decodes to. */
export function isCanonicalBase64url(text: string): boolean {
	return (
		/^[A-Za-z0-9_-]*$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text
	);
}

function keyList(secret: TokenKey | TokenKey[]): TokenKey[] {
	const keys = Array.isArray(secret) ? secret : [secret];
	if (keys.length === 0) checkSecret('');
	keys.forEach(checkSecret);
	return keys;
}

function checkSecret(secret: TokenKey): void {
	if (
		Buffer.isBuffer(secret)
			? secret.length < MIN_TOKEN_SECRET_LENGTH
			: typeof secret !== 'string' || secret.length < MIN_TOKEN_SECRET_LENGTH
	) {
		throw new ReceivablesError(
			'TOKEN_SECRET_WEAK',
			`The signing secret must have at least ${MIN_TOKEN_SECRET_LENGTH} characters / Le secret de signature doit avoir au moins ${MIN_TOKEN_SECRET_LENGTH} caractères.`,
			{
				hint: 'Use a random secret of 32 characters or more.',
			},
		);
	}
}

function mac(secret: TokenKey, purpose: string, body: string, length = 32): Buffer {
	return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest().subarray(0, length);
}

export function signToken(
	payload: Record<string, unknown>,
	secret: TokenKey,
	purpose: string,
	ttlSeconds: number,
	now = new Date(),
): string {
	checkSecret(secret);
	const body = b64url(
		Buffer.from(
			JSON.stringify({ ...payload, exp: Math.floor(now.getTime() / 1000) + ttlSeconds }),
			'utf8',
		),
	);
	return `${body}.${b64url(mac(secret, purpose, body))}`;
}

export type TokenVerdict<T> =
	| { ok: true; payload: T }
	| { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** Constant-time check of a MAC against every key (no early exit on a match). */
function macMatches(
	keys: TokenKey[],
	purpose: string,
	body: string,
	given: Buffer,
	length = 32,
): boolean {
	let match = false;
	for (const key of keys) {
		const expected = mac(key, purpose, body, length);
		if (given.length === expected.length && timingSafeEqual(given, expected)) match = true;
	}
	return match;
}

export function verifyToken<T extends Record<string, unknown>>(
	token: unknown,
	secret: TokenKey | TokenKey[],
	purpose: string,
	now = new Date(),
): TokenVerdict<T> {
	const keys = keyList(secret);
	if (typeof token !== 'string' || token.length > 2048) return { ok: false, reason: 'malformed' };
	const m = token.match(/^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/);
	if (!m || !isCanonicalBase64url(m[1]) || !isCanonicalBase64url(m[2]))
		return { ok: false, reason: 'malformed' };
	if (!macMatches(keys, purpose, m[1], Buffer.from(m[2], 'base64url')))
		return { ok: false, reason: 'bad_signature' };
	let payload: T & { exp?: unknown };
	try {
		payload = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as T & { exp?: unknown };
	} catch {
		return { ok: false, reason: 'malformed' };
	}
	if (typeof payload.exp !== 'number' || payload.exp * 1000 < now.getTime())
		return { ok: false, reason: 'expired' };
	return { ok: true, payload };
}

/**
 * The compact token printed in a delivery's QR code: `D<delivery id base36>.<12 bytes of HMAC base64url>`
 * (about 24 characters: a small QR code). It names the delivery, not only the invoice number, and cannot be
 * made up without the secret.
 */
export function deliveryToken(deliveryId: string | bigint, secret: TokenKey): string {
	checkSecret(secret);
	const id = BigInt(deliveryId).toString(36);
	return `D${id}.${b64url(mac(secret, 'delivery-qr', id, 12))}`;
}

/** The delivery id a QR token names, or undefined when it was not made with the secret. */
export function readDeliveryToken(
	token: unknown,
	secret: TokenKey | TokenKey[],
): string | undefined {
	const keys = keyList(secret);
	if (typeof token !== 'string') return undefined;
	const m = token.trim().match(/^D([0-9a-z]{1,13})\.([A-Za-z0-9_-]{16})$/);
	if (!m || !isCanonicalBase64url(m[2]) || m[1].startsWith('0')) return undefined;
	if (!macMatches(keys, 'delivery-qr', m[1], Buffer.from(m[2], 'base64url'), 12)) return undefined;
	let id = 0n;
	for (const ch of m[1]) id = id * 36n + BigInt(parseInt(ch, 36));
	return id.toString();
}

// ---- Secrets stored hashed with scrypt ----

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scrypt(
	password: string,
	salt: Buffer,
	keyLength: number,
	options: ScryptOptions,
): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		scryptCb(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
	);
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` */
export async function hashSecret(secret: string): Promise<string> {
	if (typeof secret !== 'string' || secret.length < 10 || secret.length > 200) {
		throw new ReceivablesError(
			'PORTAL_SECRET_WEAK',
			'A portal secret has 10 to 200 characters / Un mot de passe du portail a de 10 à 200 caractères.',
			{ hint: 'Choose a longer pass phrase.' },
		);
	}
	const salt = randomBytes(16);
	const key = await scrypt(secret.normalize('NFC'), salt, SCRYPT.keyLength, {
		N: SCRYPT.N,
		r: SCRYPT.r,
		p: SCRYPT.p,
		maxmem: 64 * 1024 * 1024,
	});
	return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const DUMMY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/** Constant work whatever the input: a missing hash is checked against a dummy one (no timing hint). */
export async function verifySecret(
	secret: string,
	stored: string | null | undefined,
): Promise<boolean> {
	const parts = (stored ?? DUMMY_HASH).split('$');
	const valid = parts.length === 6 && parts[0] === 'scrypt';
	const [, n, r, p, salt, hash] = valid ? parts : DUMMY_HASH.split('$');
	const expected = Buffer.from(hash, 'base64');
	const key = await scrypt(
		String(secret ?? '').normalize('NFC'),
		Buffer.from(salt, 'base64'),
		expected.length,
		{ N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 },
	);
	return timingSafeEqual(key, expected) && valid && !!stored;
}
