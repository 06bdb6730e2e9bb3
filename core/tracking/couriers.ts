import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { formatAmount } from '../money';
import { normaliseLogin, throttledLogin, type LoginInput } from './portal';
import { checkSession, revokeSubjectSessions } from './sessions';
import { hashSecret, verifySecret } from './tokens';

/**
 * Courier accounts: the identity of a courier on the courier page. A courier account is not a portal user: its
 * login, its secret and its sessions (signed for another purpose) only open the courier page, where the courier
 * sees the invoices of their own waves handed over to them and records what happened to each. They never read
 * the portal's status lists.
 */
export interface CourierAccount {
	kind: 'courier';
	id: string;
	login: string;
	name: string;
	/** The staff member (role `courier`) the account belongs to: their waves, their events. */
	staffCode: string;
	language: 'fr' | 'en';
	sessionVersion: number;
}

export interface CourierAccountInput {
	login: string;
	name: string;
	staffCode: string;
	secret: string;
	language?: 'fr' | 'en';
	active?: boolean;
}

/** Idle time after which a courier page session lapses (the absolute cap is SESSION_CAP_SECONDS.courier). */
export const DEFAULT_COURIER_SESSION_SECONDS = 2 * 3600;

interface CourierRow {
	id: string;
	login: string;
	name: string;
	staff_code: string;
	language: 'fr' | 'en';
	session_version: number;
	secret_hash: string;
	active: boolean;
}

function toCourier(r: CourierRow): CourierAccount {
	return {
		kind: 'courier',
		id: r.id,
		login: r.login,
		name: r.name,
		staffCode: r.staff_code,
		language: r.language,
		sessionVersion: r.session_version,
	};
}

const IS_COURIER = `SELECT 1 FROM staff WHERE code = $1 AND active AND 'courier' = ANY(roles)`;

/** Creates or updates a courier account (secret hashed with scrypt); a change ends the account's open sessions. */
export async function saveCourierAccount(
	ledger: Ledger,
	input: CourierAccountInput,
): Promise<CourierAccount> {
	const login = normaliseLogin(input.login);
	const staffCode = String(input.staffCode ?? '').trim();
	if (!staffCode)
		throw new ReceivablesError(
			'COURIER_STAFF_MISSING',
			"A courier account needs the courier's staff code / Un compte coursier exige le code collaborateur du coursier.",
			{ hint: 'Set staffCode.' },
		);
	const hash = await hashSecret(input.secret);
	return await ledger.transaction(async (client) => {
		const staff = await client.query(IS_COURIER, [staffCode]);
		if (!staff.rows[0]) {
			throw new ReceivablesError(
				'COURIER_STAFF_UNKNOWN',
				`${staffCode} is not an active staff member with the role courier / ${staffCode} n'est pas un coursier actif.`,
				{
					hint: "Create the staff member with the role 'courier' first.",
				},
			);
		}
		const row = await client.query<CourierRow>(
			`INSERT INTO courier_accounts (login, name, staff_code, language, secret_hash, active) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (login) DO UPDATE SET name = EXCLUDED.name, staff_code = EXCLUDED.staff_code, language = EXCLUDED.language,
				secret_hash = EXCLUDED.secret_hash, active = EXCLUDED.active, session_version = courier_accounts.session_version + 1
			RETURNING *`,
			[login, input.name, staffCode, input.language ?? 'fr', hash, input.active ?? true],
		);
		await revokeSubjectSessions(
			client,
			'courier',
			row.rows[0].id,
			input.active === false ? 'account disabled' : 'account changed',
		);
		return toCourier(row.rows[0]);
	});
}

const LOGIN_REFUSED = () =>
	new ReceivablesError(
		'COURIER_LOGIN_REFUSED',
		'Login or secret is wrong / Identifiant ou mot de passe incorrect.',
		{ hint: 'Check both, or ask the logistics desk to reset your secret.' },
	);
const SESSION_REFUSED = () =>
	new ReceivablesError(
		'COURIER_SESSION_INVALID',
		'Your session has expired; log in again / Votre session a expiré ; reconnectez-vous.',
		{ hint: 'Sessions expire after a while.' },
	);

/**
 * Checks a courier's login and secret (same answer and same work for an unknown login, a portal user's login or a
 * courier no longer active), throttled like the portal's, and opens a courier session.
 */
export async function courierLogin(
	ledger: Ledger,
	input: LoginInput,
): Promise<{ courier: CourierAccount; token: string; sessionId: string }> {
	const r = await throttledLogin<CourierRow & { courier: boolean; email: string | null }>(
		ledger,
		'courier',
		{ ...input, idleSeconds: input.idleSeconds ?? DEFAULT_COURIER_SESSION_SECONDS },
		async () => {
			const rows = await ledger.query<CourierRow & { courier: boolean; email: string | null }>(
				`SELECT a.*, (s.active AND 'courier' = ANY(s.roles)) AS courier, s.email FROM courier_accounts a JOIN staff s ON s.code = a.staff_code WHERE a.login = $1`,
				[
					String(input.login ?? '')
						.trim()
						.toLowerCase(),
				],
			);
			const row = rows[0];
			const ok = await verifySecret(String(input.secret ?? ''), row?.secret_hash);
			return {
				row,
				ok: !!row && ok && row.active && row.courier,
				owner: row ? { name: row.name, email: row.email, language: row.language } : undefined,
			};
		},
		LOGIN_REFUSED,
	);
	await ledger.query('UPDATE courier_accounts SET last_login_at = now() WHERE id = $1', [r.row.id]);
	return { courier: toCourier(r.row), token: r.token, sessionId: r.sessionId };
}

/** The courier a session token belongs to: refused when forged, expired, revoked, a portal token, or the account changed. */
export async function courierSession(
	ledger: Ledger,
	input: { token: unknown; now?: Date },
): Promise<CourierAccount & { sessionId: string }> {
	const session = await checkSession(ledger, {
		token: input.token,
		kind: 'courier',
		now: input.now,
	});
	if (!session) throw SESSION_REFUSED();
	const rows = await ledger.query<CourierRow & { courier: boolean }>(
		`SELECT a.*, (s.active AND 'courier' = ANY(s.roles)) AS courier FROM courier_accounts a JOIN staff s ON s.code = a.staff_code WHERE a.id = $1`,
		[session.subjectId],
	);
	const row = rows[0];
	if (!row || !row.active || !row.courier || row.session_version !== session.subjectVersion)
		throw SESSION_REFUSED();
	return { ...toCourier(row), sessionId: session.id };
}

export interface CourierDelivery {
	deliveryId: string;
	invoiceNumber: string;
	customerName: string;
	address: string;
	amount: string;
	currency: string;
	status: string;
	waveCode: string;
	plannedOn: string;
}

/** What a courier has to hand out: the deliveries of their own waves handed over to them (released), in round order. */
export async function courierDeliveries(
	ledger: Ledger,
	courier: CourierAccount,
	options: { limit?: number } = {},
): Promise<CourierDelivery[]> {
	const limit = Math.min(Math.max(Math.trunc(options.limit ?? 200), 1), 1000);
	const rows = await ledger.query<{
		id: string;
		number: string;
		name: string;
		address_lines: string[];
		postal_code: string | null;
		city: string | null;
		payable_minor: string;
		currency: string;
		status: string;
		code: string;
		planned_on: string;
	}>(
		`SELECT d.id, i.number, c.name, c.address_lines, c.postal_code, c.city, i.payable_minor::text, i.currency, d.status, w.code, to_char(w.planned_on, 'YYYY-MM-DD') AS planned_on
		FROM waves w JOIN deliveries d ON d.wave_id = w.id JOIN invoices i ON i.id = d.invoice_id JOIN customers c ON c.id = d.customer_id
		WHERE w.courier_code = $1 AND w.status = 'released'
		ORDER BY w.planned_on, w.code, d.position NULLS LAST, d.id LIMIT $2`,
		[courier.staffCode, limit],
	);
	return rows.map((r) => ({
		deliveryId: r.id,
		invoiceNumber: r.number,
		customerName: r.name,
		address: [...r.address_lines, [r.postal_code, r.city].filter(Boolean).join(' ')]
			.filter(Boolean)
			.join(', '),
		amount: formatAmount(BigInt(r.payable_minor), r.currency),
		currency: r.currency,
		status: r.status,
		waveCode: r.code,
		plannedOn: r.planned_on,
	}));
}
