import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { formatAmount } from '../money';
import { parseCalendarDate } from '../time';
import {
	assertLoginAllowed,
	checkSession,
	markLockoutNotified,
	openSession,
	recordLoginFailure,
	recordLoginSuccess,
	revokeSubjectSessions,
	type LockoutNotifier,
	type SessionKind,
} from './sessions';
import { hashSecret, verifySecret } from './tokens';

/**
 * Accreditation of the tracking portal:
 *   level 1 — every invoice;
 *   level 2 — sales rep: the customers whose sales_rep_code is the user's staff_code;
 *   level 3 — group head: the customers of the reps whose manager_code is the user's staff_code.
 * Every query carries the scope in its SQL, and runs with receivables.portal_user set in the transaction so the
 * ledger's row-level security filters the same rows again (second line; effective for roles that do not bypass
 * RLS, e.g. a dedicated portal role given as `dbRole`).
 */
export interface PortalUser {
	id: string;
	login: string;
	name: string;
	level: 1 | 2 | 3;
	staffCode: string | null;
	language: 'fr' | 'en';
	sessionVersion: number;
}

export const DEFAULT_SESSION_SECONDS = 30 * 60;

interface UserRow {
	id: string;
	login: string;
	name: string;
	level: number;
	staff_code: string | null;
	language: 'fr' | 'en';
	session_version: number;
	secret_hash: string | null;
	active: boolean;
	email: string | null;
}

function toUser(r: UserRow): PortalUser {
	return {
		id: r.id,
		login: r.login,
		name: r.name,
		level: r.level as 1 | 2 | 3,
		staffCode: r.staff_code,
		language: r.language,
		sessionVersion: r.session_version,
	};
}

export interface PortalUserInput {
	login: string;
	name: string;
	level: 1 | 2 | 3;
	staffCode?: string | null;
	language?: 'fr' | 'en';
	secret: string;
	active?: boolean;
	/** Where a lockout notice goes (default: the staff member's e-mail). */
	email?: string | null;
}

/** A login as stored: trimmed, lower case, 2 to 80 letters, digits, . _ @ -. */
export function normaliseLogin(raw: unknown): string {
	const login = String(raw ?? '')
		.trim()
		.toLowerCase();
	if (!/^[a-z0-9._@-]{2,80}$/.test(login))
		throw new ReceivablesError(
			'PORTAL_LOGIN_INVALID',
			`Invalid login "${String(raw ?? '')}" / Identifiant invalide.`,
			{ hint: 'Use 2 to 80 letters, digits, . _ @ -.' },
		);
	return login;
}

/** Creates or updates a portal user; the secret is stored hashed with scrypt, and older sessions stop working. */
export async function savePortalUser(ledger: Ledger, input: PortalUserInput): Promise<PortalUser> {
	const login = normaliseLogin(input.login);
	if (![1, 2, 3].includes(input.level))
		throw new ReceivablesError(
			'PORTAL_LEVEL_INVALID',
			`Accreditation level must be 1, 2 or 3, not ${String(input.level)} / Le niveau d'habilitation est 1, 2 ou 3.`,
			{ hint: '1 everything, 2 a sales rep, 3 a group head.' },
		);
	if (input.level !== 1 && !input.staffCode)
		throw new ReceivablesError(
			'PORTAL_STAFF_MISSING',
			'Levels 2 and 3 need the staff code of the sales rep or group head / Les niveaux 2 et 3 exigent un code collaborateur.',
			{ hint: 'Set staffCode.' },
		);
	const hash = await hashSecret(input.secret);
	return await ledger.transaction(async (client) => {
		if (input.staffCode) {
			const staff = await client.query('SELECT 1 FROM staff WHERE code = $1', [input.staffCode]);
			if (!staff.rows[0])
				throw new ReceivablesError(
					'PORTAL_STAFF_UNKNOWN',
					`Unknown staff code ${input.staffCode} / Code collaborateur inconnu.`,
					{ hint: 'Create the staff member first.' },
				);
		}
		const row = await client.query<UserRow>(
			`INSERT INTO portal_users (login, name, level, staff_code, language, secret_hash, active, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (login) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, staff_code = EXCLUDED.staff_code, language = EXCLUDED.language,
				secret_hash = EXCLUDED.secret_hash, active = EXCLUDED.active, email = coalesce(EXCLUDED.email, portal_users.email), session_version = portal_users.session_version + 1
			RETURNING *`,
			[
				login,
				input.name,
				input.level,
				input.staffCode ?? null,
				input.language ?? 'fr',
				hash,
				input.active ?? true,
				input.email?.trim() || null,
			],
		);
		await revokeSubjectSessions(
			client,
			'portal',
			row.rows[0].id,
			input.active === false ? 'user disabled' : 'account changed',
		);
		return toUser(row.rows[0]);
	});
}

const LOGIN_REFUSED = () =>
	new ReceivablesError(
		'PORTAL_LOGIN_REFUSED',
		'Login or secret is wrong / Identifiant ou mot de passe incorrect.',
		{ hint: 'Check both, or ask finance to reset your secret.' },
	);
const SESSION_REFUSED = () =>
	new ReceivablesError(
		'PORTAL_SESSION_INVALID',
		'Your session has expired; log in again / Votre session a expiré ; reconnectez-vous.',
		{ hint: 'Sessions expire after a while of inactivity.' },
	);

export interface LoginInput {
	login: string;
	secret: string;
	/** Idle minutes of the session (clamped to the server's cap). */
	idleSeconds?: number;
	/** The client's address as the reverse proxy reports it (throttling per address). */
	address?: string;
	/** Tells the account's owner when their account gets locked (e-mail). */
	notify?: LockoutNotifier;
	now?: Date;
}

/**
 * One login attempt, throttled per account and per client address: a locked account or address is refused before
 * the secret is checked; a failure is counted, and the failure that locks an account tells its owner.
 */
export async function throttledLogin<R extends { id: string; session_version: number }>(
	ledger: Ledger,
	kind: SessionKind,
	input: LoginInput,
	check: () => Promise<{
		row?: R;
		ok: boolean;
		owner?: { name: string; email: string | null; language: 'fr' | 'en' };
	}>,
	refused: () => ReceivablesError,
): Promise<{ row: R; token: string; sessionId: string }> {
	const now = input.now ?? new Date();
	const keys = { kind, login: String(input.login ?? ''), address: input.address };
	await assertLoginAllowed(ledger, keys, now);
	const verdict = await check();
	if (!verdict.ok || !verdict.row) {
		const locked = await recordLoginFailure(ledger, keys, now);
		const account = locked.find((l) => l.scope === 'account');
		if (account && verdict.owner?.email && input.notify) {
			try {
				await input.notify({
					kind,
					login: keys.login.trim().toLowerCase(),
					name: verdict.owner.name,
					email: verdict.owner.email,
					language: verdict.owner.language,
					until: account.until,
					address: input.address,
				});
				await markLockoutNotified(ledger, keys);
			} catch {
				// The lockout holds even when the notice cannot be sent; notified_at stays empty.
			}
		}
		throw refused();
	}
	await recordLoginSuccess(ledger, keys);
	const session = await openSession(ledger, {
		kind,
		subjectId: verdict.row.id,
		subjectVersion: verdict.row.session_version,
		idleSeconds: input.idleSeconds ?? DEFAULT_SESSION_SECONDS,
		now,
	});
	return { row: verdict.row, token: session.token, sessionId: session.id };
}

/** Checks a login and secret (same answer and same work for an unknown login), throttled, and opens a session. */
export async function portalLogin(
	ledger: Ledger,
	input: LoginInput,
): Promise<{ user: PortalUser; token: string; sessionId: string }> {
	const r = await throttledLogin<UserRow>(
		ledger,
		'portal',
		input,
		async () => {
			const rows = await ledger.query<UserRow & { staff_email: string | null }>(
				'SELECT p.*, s.email AS staff_email FROM portal_users p LEFT JOIN staff s ON s.code = p.staff_code WHERE p.login = $1',
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
				ok: !!row && ok && row.active,
				owner: row
					? { name: row.name, email: row.email ?? row.staff_email, language: row.language }
					: undefined,
			};
		},
		LOGIN_REFUSED,
	);
	await ledger.query('UPDATE portal_users SET last_login_at = now() WHERE id = $1', [r.row.id]);
	return { user: toUser(r.row), token: r.token, sessionId: r.sessionId };
}

/** The user a session token belongs to: refused when forged, expired, revoked, the user disabled or its secret changed. */
export async function portalSession(
	ledger: Ledger,
	input: { token: unknown; now?: Date },
): Promise<PortalUser & { sessionId: string }> {
	const session = await checkSession(ledger, {
		token: input.token,
		kind: 'portal',
		now: input.now,
	});
	if (!session) throw SESSION_REFUSED();
	const rows = await ledger.query<UserRow>('SELECT * FROM portal_users WHERE id = $1', [
		session.subjectId,
	]);
	const row = rows[0];
	if (!row || !row.active || row.session_version !== session.subjectVersion)
		throw SESSION_REFUSED();
	return { ...toUser(row), sessionId: session.id };
}

/**
 * The active portal user with this login, for status queries run by a workflow on a user's behalf (never for
 * a sign-in: that is portalLogin, which checks the secret).
 */
export async function activePortalUser(ledger: Ledger, login: string): Promise<PortalUser> {
	const normalised = String(login ?? '')
		.trim()
		.toLowerCase();
	const rows = await ledger.query<UserRow>(
		'SELECT * FROM portal_users WHERE login = $1 AND active',
		[normalised],
	);
	if (!rows[0]) {
		throw new ReceivablesError('PORTAL_USER_UNKNOWN', `No active portal user "${normalised}".`, {
			hint: 'Create the user with Save Portal User, or turn it active again.',
			details: {
				login: normalised,
				messageFr: `Aucun utilisateur actif « ${normalised} » sur le portail.`,
				hintFr: "Créez l'utilisateur avec Save Portal User, ou réactivez-le.",
			},
		});
	}
	return toUser(rows[0]);
}

export interface StatusFilters {
	invoiceNumber?: string;
	/** Part of the customer's name or code. */
	customer?: string;
	status?: string;
	waveCode?: string;
	/** Delivered (reception date) from / to. */
	receivedFrom?: string;
	receivedTo?: string;
	paid?: boolean;
}

export interface StatusRow {
	deliveryId: string;
	invoiceNumber: string;
	customerCode: string;
	customerName: string;
	address: string;
	amount: string;
	currency: string;
	receptionDate: string | null;
	paymentDate: string | null;
	outcome: string;
	recipientName: string | null;
	waveCode: string;
	courierCode: string | null;
	lastEventAt: string | null;
	salesRepCode: string | null;
}

export const DELIVERY_OUTCOMES = [
	'pending',
	'entered',
	'picked_up',
	'delivered',
	'refused',
	'absent',
	'wrong_address',
	'returned',
] as const;

/** The scope predicate on customers `c` for a user; parameters appended to `values`. Reports use it too. */
export function scopeSql(user: Pick<PortalUser, 'level' | 'staffCode'>, values: unknown[]): string {
	if (user.level === 1) return 'true';
	values.push(user.staffCode);
	if (user.level === 2) return `c.sales_rep_code = $${values.length}`;
	return `c.sales_rep_code IN (SELECT s.code FROM staff s WHERE s.manager_code = $${values.length})`;
}

async function inPortalScope<T>(
	ledger: Ledger,
	user: PortalUser,
	dbRole: string | undefined,
	work: (client: PoolClient) => Promise<T>,
): Promise<T> {
	return await ledger.transaction(async (client) => {
		if (dbRole) {
			if (!/^[a-z_][a-z0-9_]{0,62}$/.test(dbRole))
				throw new ReceivablesError(
					'PORTAL_DB_ROLE_INVALID',
					`Invalid database role name ${dbRole}.`,
					{ hint: 'Use a plain lower-case role name.' },
				);
			await client.query(`SET LOCAL ROLE ${dbRole}`);
		}
		await client.query(`SELECT set_config('receivables.portal_user', $1, true)`, [user.id]);
		return await work(client);
	});
}

interface StatusDbRow {
	delivery_id: string;
	number: string;
	external_id: string;
	name: string;
	address_lines: string[];
	postal_code: string | null;
	city: string | null;
	country: string;
	open_minor: string;
	payable_minor: string;
	currency: string;
	reception_date: string | null;
	paid_at: string | null;
	status: string;
	recipient_name: string | null;
	code: string;
	courier_code: string | null;
	last_event_at: Date | null;
	sales_rep_code: string | null;
}

/** The filters of a status query, as conditions on c (customers), d (deliveries), i (invoices) and w (waves). */
function addFilters(f: StatusFilters, values: unknown[], where: string[]): void {
	const add = (sql: string, value: unknown) => {
		values.push(value);
		where.push(sql.replace('?', `$${values.length}`));
	};
	if (f.invoiceNumber?.trim()) add('i.number = ?', f.invoiceNumber.trim());
	if (f.customer?.trim())
		add(
			`(c.name ILIKE ? OR c.external_id ILIKE ${'$' + (values.length + 1)})`,
			`%${f.customer.trim().replace(/[\\%_]/g, (m) => '\\' + m)}%`,
		);
	if (f.status?.trim()) {
		if (!(DELIVERY_OUTCOMES as readonly string[]).includes(f.status.trim()))
			throw new ReceivablesError(
				'STATUS_FILTER_INVALID',
				`Unknown outcome ${f.status} / Issue inconnue.`,
				{ hint: `Use one of ${DELIVERY_OUTCOMES.join(', ')}.` },
			);
		add('d.status = ?', f.status.trim());
	}
	if (f.waveCode?.trim()) add('w.code = ?', f.waveCode.trim());
	for (const [key, op] of [
		['receivedFrom', '>='],
		['receivedTo', '<='],
	] as const) {
		const raw = f[key];
		if (raw === undefined || raw === '') continue;
		const date = parseCalendarDate(raw);
		if (!date)
			throw new ReceivablesError(
				'STATUS_FILTER_INVALID',
				`"${raw}" is not a date / « ${raw} » n'est pas une date.`,
				{ hint: 'Write it as YYYY-MM-DD.' },
			);
		add(`i.reception_date ${op} ?`, date);
	}
	if (f.paid !== undefined) where.push(f.paid ? "i.status = 'paid'" : "i.status <> 'paid'");
}

/** Status per delivered invoice for a portal user, within their accreditation, newest activity first. */
export async function statusQuery(
	ledger: Ledger,
	input: {
		user: PortalUser;
		filters?: StatusFilters;
		limit?: number;
		offset?: number;
		dbRole?: string;
	},
): Promise<StatusRow[]> {
	const values: unknown[] = [];
	// A sales rep's deliveries carry the rep's code (copied from the customer by ledger triggers): the page is read
	// in activity order from deliveries_rep_event_idx, then every row of it is checked against the customer's own
	// rep (the scope below, outside the LIMIT: with both inside, the planner takes the two conditions as
	// independent, expects a handful of rows and sorts all of the rep's deliveries instead of walking the index).
	const rep = input.user.level === 2;
	const scope = scopeSql(input.user, values);
	const where = [rep ? `d.sales_rep_code = $${values.length}` : scope];
	addFilters(input.filters ?? {}, values, where);
	const limit = Math.min(Math.max(Math.trunc(input.limit ?? 100), 1), 5000);
	const offset = Math.max(Math.trunc(input.offset ?? 0), 0);
	values.push(limit, offset);
	// Newest activity first: levels 1 and 3 walk deliveries_event_order_idx, a sales rep deliveries_rep_event_idx.
	const orderBy = 'd.last_event_at DESC NULLS LAST, d.id DESC';
	const page = `SELECT d.id AS delivery_id, i.number, c.external_id, c.name, c.address_lines, c.postal_code, c.city, c.country,
			i.open_minor::text, i.payable_minor::text, i.currency, to_char(i.reception_date, 'YYYY-MM-DD') AS reception_date,
			to_char(i.paid_at, 'YYYY-MM-DD') AS paid_at, d.status, d.recipient_name, w.code, w.courier_code, d.last_event_at, c.sales_rep_code
		FROM customers c JOIN deliveries d ON d.customer_id = c.id JOIN invoices i ON i.id = d.invoice_id JOIN waves w ON w.id = d.wave_id
		WHERE ${where.join(' AND ')}
		ORDER BY ${orderBy} LIMIT $${values.length - 1} OFFSET $${values.length}`;
	// For a rep, `c` is the page itself: its sales_rep_code column is the customer's.
	const sql = rep
		? `SELECT * FROM (${page}) c WHERE ${scope} ORDER BY c.last_event_at DESC NULLS LAST, c.delivery_id DESC`
		: page;
	return await inPortalScope(ledger, input.user, input.dbRole, async (client) => {
		const rows = await client.query<StatusDbRow>(sql, values);
		return rows.rows.map((r) => ({
			deliveryId: r.delivery_id,
			invoiceNumber: r.number,
			customerCode: r.external_id,
			customerName: r.name,
			address: [...r.address_lines, [r.postal_code, r.city].filter(Boolean).join(' '), r.country]
				.filter(Boolean)
				.join(', '),
			amount: formatAmount(BigInt(r.payable_minor), r.currency),
			currency: r.currency,
			receptionDate: r.reception_date,
			paymentDate: r.paid_at,
			outcome: r.status,
			recipientName: r.recipient_name,
			waveCode: r.code,
			courierCode: r.courier_code,
			lastEventAt: r.last_event_at ? r.last_event_at.toISOString() : null,
			salesRepCode: r.sales_rep_code,
		}));
	});
}

export interface StatusTotals {
	/** Invoices matching the filters within the user's accreditation (every page). */
	count: number;
	/** Their amounts per currency (never summed across currencies), largest count first. */
	amounts: Array<{ currency: string; minor: bigint; count: number }>;
}

/** What a status query finds over all its pages: the number of invoices and their amounts per currency. */
export async function statusTotals(
	ledger: Ledger,
	input: { user: PortalUser; filters?: StatusFilters; dbRole?: string },
): Promise<StatusTotals> {
	const values: unknown[] = [];
	const where = [scopeSql(input.user, values)];
	addFilters(input.filters ?? {}, values, where);
	const sql = `SELECT i.currency, count(*)::int AS n, sum(i.payable_minor)::text AS minor
		FROM customers c JOIN deliveries d ON d.customer_id = c.id JOIN invoices i ON i.id = d.invoice_id JOIN waves w ON w.id = d.wave_id
		WHERE ${where.join(' AND ')} GROUP BY i.currency ORDER BY count(*) DESC, i.currency`;
	return await inPortalScope(ledger, input.user, input.dbRole, async (client) => {
		const rows = (await client.query<{ currency: string; n: number; minor: string }>(sql, values))
			.rows;
		return {
			count: rows.reduce((sum, r) => sum + r.n, 0),
			amounts: rows.map((r) => ({ currency: r.currency, minor: BigInt(r.minor), count: r.n })),
		};
	});
}

/** One invoice's status for a user: the same "not found" whether it does not exist or is outside their scope. */
export async function invoiceStatus(
	ledger: Ledger,
	input: { user: PortalUser; invoiceNumber: string; dbRole?: string },
): Promise<StatusRow[]> {
	const rows = await statusQuery(ledger, {
		user: input.user,
		filters: { invoiceNumber: input.invoiceNumber },
		limit: 50,
		dbRole: input.dbRole,
	});
	if (!rows.length) {
		throw new ReceivablesError(
			'INVOICE_NOT_FOUND',
			`No invoice ${input.invoiceNumber} in your deliveries / Aucune facture ${input.invoiceNumber} dans vos livraisons.`,
			{ hint: 'Check the number.' },
		);
	}
	return rows;
}
