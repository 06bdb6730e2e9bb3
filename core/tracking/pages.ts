import { randomUUID } from 'node:crypto';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import {
	courierDeliveries,
	courierLogin,
	courierSession,
	DEFAULT_COURIER_SESSION_SECONDS,
	type CourierAccount,
} from './couriers';
import { recordCourierEvents, COURIER_EVENT_TYPES } from './events';
import { serverKeys } from './keys';
import {
	DELIVERY_OUTCOMES,
	portalLogin,
	portalSession,
	statusQuery,
	statusTotals,
	type PortalUser,
	type StatusFilters,
	type StatusRow,
} from './portal';
import { formatMoney, parseAmount } from '../money';
import { neutraliseCell } from '../documents/cells';
import {
	clientFingerprint,
	revokeSessionToken,
	type LockoutNotifier,
	type SessionKind,
} from './sessions';
import { signToken, verifyToken } from './tokens';

/**
 * The tracking portal and the courier page: mobile-first HTML, French and English, every value escaped. n8n
 * serves webhook pages under a CSP sandbox without allow-same-origin (no cookies, no storage), so the session is
 * a signed token carried in hidden fields of POST forms only (never in an address); it names a session row in the
 * ledger (sessions.ts: capped lifetime, idle timeout, revocation). Every POST form also carries a form token signed
 * with the server's form key and bound to the session (or, on the login form, to the client's address and
 * browser): a form posted from another site is refused (login CSRF included). Answers forbid framing, are not
 * cached and send no referrer; a NUL byte or invalid UTF-8 gets a clear 400; a ledger failure a plain 503 page.
 */
export interface PageRequest {
	method?: string;
	/** Form fields (application/x-www-form-urlencoded parsed) or JSON body. */
	body?: Record<string, unknown>;
	/** The address's query: only `lang` is read from it. */
	query?: Record<string, unknown>;
	/** Request headers (client address from the reverse proxy, User-Agent, Origin). */
	headers?: Record<string, unknown>;
	/**
	 * The address n8n's connection came from (Express's `req.ip`, which follows `N8N_PROXY_HOPS`). A public address is
	 * the client itself and the address headers it sends are ignored (anyone can write them); only a loopback or
	 * private peer (a reverse proxy on the same machine or network) is trusted for X-Real-IP / X-Forwarded-For.
	 */
	peer?: string;
}

export interface PageResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
	/** A file answered instead of `body` (a PDF download). */
	file?: Buffer;
	/** What went wrong on the server (for the operator's log; never sent to the client). */
	failure?: string;
}

export interface PageOptions {
	/** Where the forms post back: the webhook's own URL (empty: the same address). */
	actionUrl?: string;
	/** Idle timeout in seconds (default 30 minutes portal, 2 hours courier page); the absolute cap is the server's. */
	sessionSeconds?: number;
	/** Database role for the portal's queries (row-level security as second line). */
	dbRole?: string;
	/** Tells the owner of an account locked after failed logins (e-mail). */
	notify?: LockoutNotifier;
	now?: Date;
}

type Lang = 'fr' | 'en';

export function escapeHtml(value: unknown): string {
	return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Headers of every page answer: no framing by any site, no caching, no referrer, no type sniffing. */
export const PAGE_HEADERS: Record<string, string> = {
	'Content-Type': 'text/html; charset=utf-8',
	'Referrer-Policy': 'no-referrer',
	'Cache-Control': 'no-store',
	'X-Content-Type-Options': 'nosniff',
	'X-Frame-Options': 'DENY',
	'Content-Security-Policy': "frame-ancestors 'none'",
};
const HEADERS = PAGE_HEADERS;

const T = {
	fr: {
		portal: 'Suivi des factures',
		courier: 'Remise des factures',
		login: 'Identifiant',
		secret: 'Mot de passe',
		signIn: 'Se connecter',
		search: 'Rechercher',
		customer: 'Client',
		invoice: 'Facture',
		amount: 'Montant',
		address: 'Adresse',
		received: 'Reçue le',
		paid: 'Réglée le',
		outcome: 'Issue',
		any: 'Toutes',
		export: 'Exporter CSV',
		logout: 'Déconnexion',
		none: 'Aucune facture.',
		hello: 'Bonjour',
		scan: 'Code scanné ou n° de facture',
		recipient: 'Nom du destinataire',
		signature: 'Signature',
		photo: 'Photo',
		record: 'Enregistrer',
		recorded: 'Enregistré',
		toDeliver: 'Mes factures à remettre',
		handedOut: 'Déjà remises',
		clear: 'Effacer',
		level: 'Habilitation',
		results: 'résultat(s)',
		invoices: (n: number) => (n > 1 ? 'factures' : 'facture'),
		pageOf: (p: number, n: number) => `Page ${p} sur ${n}`,
		previous: 'Page précédente',
		next: 'Page suivante',
		outcomes: {
			pending: 'En attente',
			entered: 'Saisie',
			picked_up: 'Prise en charge',
			delivered: 'Remise',
			refused: 'Refusée',
			absent: 'Absent',
			wrong_address: 'Adresse erronée',
			returned: 'Retournée',
		} as Record<string, string>,
	},
	en: {
		portal: 'Invoice tracking',
		courier: 'Invoice delivery',
		login: 'Login',
		secret: 'Secret',
		signIn: 'Sign in',
		search: 'Search',
		customer: 'Customer',
		invoice: 'Invoice',
		amount: 'Amount',
		address: 'Address',
		received: 'Received',
		paid: 'Paid',
		outcome: 'Outcome',
		any: 'Any',
		export: 'Export CSV',
		logout: 'Sign out',
		none: 'No invoice.',
		hello: 'Hello',
		scan: 'Scanned code or invoice number',
		recipient: "Recipient's name",
		signature: 'Signature',
		photo: 'Photo',
		record: 'Record',
		recorded: 'Recorded',
		toDeliver: 'My invoices to hand out',
		handedOut: 'Already handed out',
		clear: 'Clear',
		level: 'Accreditation',
		results: 'result(s)',
		invoices: (n: number) => (n === 1 ? 'invoice' : 'invoices'),
		pageOf: (p: number, n: number) => `Page ${p} of ${n}`,
		previous: 'Previous page',
		next: 'Next page',
		outcomes: {
			pending: 'Pending',
			entered: 'Entered',
			picked_up: 'Picked up',
			delivered: 'Delivered',
			refused: 'Refused',
			absent: 'Absent',
			wrong_address: 'Wrong address',
			returned: 'Returned',
		} as Record<string, string>,
	},
};

/** A form field, from the POST body only: nothing is read from the address but the language. */
function field(req: PageRequest, name: string): string {
	const v = req.body?.[name];
	return typeof v === 'string'
		? v.slice(0, 4 * 1024 * 1024)
		: Array.isArray(v) && typeof v[0] === 'string'
			? String(v[0])
			: '';
}

function langOf(req: PageRequest, user?: PortalUser): Lang {
	const q = req.query?.lang;
	const l = field(req, 'lang') || (typeof q === 'string' ? q : '');
	if (l === 'fr' || l === 'en') return l;
	return user?.language ?? 'fr';
}

function page(lang: Lang, title: string, content: string, script = ''): string {
	return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;background:#f6f7f9;color:#1a1a1a}h1{font-size:1.25rem}form{margin:0 0 12px}
label{display:block;margin:8px 0 2px;font-size:.9rem}input,select,button{font-size:1rem;padding:10px;width:100%;box-sizing:border-box;border:1px solid #bbb;border-radius:6px}
button{background:#1f5fbf;color:#fff;border:0;margin-top:10px}.row{display:flex;gap:8px;flex-wrap:wrap}.row>*{flex:1 1 140px}.err{background:#fde8e8;color:#8a1111;padding:10px;border-radius:6px}
.ok{background:#e6f6ea;color:#135b24;padding:10px;border-radius:6px}.card{background:#fff;border-radius:8px;padding:10px;margin:8px 0;box-shadow:0 1px 2px #0002}.card b{display:block}
.muted{color:#666;font-size:.85rem}canvas{background:#fff;border:1px solid #bbb;border-radius:6px;width:100%;height:160px;touch-action:none}.link{background:none;color:#1f5fbf;padding:0;width:auto;text-decoration:underline}</style></head>
<body><main>${content}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

function hidden(name: string, value: string): string {
	return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

function loginForm(lang: Lang, title: string, actionUrl: string, error?: string): string {
	const t = T[lang];
	return page(
		lang,
		title,
		`<h1>${escapeHtml(title)}</h1>${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(actionUrl)}">${hidden('action', 'login')}${hidden('lang', lang)}
<label for="login">${t.login}</label><input id="login" name="login" autocomplete="username" required>
<label for="secret">${t.secret}</label><input id="secret" name="secret" type="password" autocomplete="current-password" required>
<button type="submit">${t.signIn}</button></form>
<form method="post" action="${escapeHtml(actionUrl)}">${hidden('lang', lang === 'fr' ? 'en' : 'fr')}<button class="link" type="submit">${lang === 'fr' ? 'English' : 'Français'}</button></form>`,
	);
}

function respond(body: string, status = 200, extra: Record<string, string> = {}): PageResponse {
	return { status, headers: { ...HEADERS, ...extra }, body };
}

// ---- Request checks, form tokens, sessions ----

function headerOf(req: PageRequest, name: string): string {
	for (const [k, v] of Object.entries(req.headers ?? {}))
		if (k.toLowerCase() === name)
			return Array.isArray(v) ? String(v[v.length - 1] ?? '') : typeof v === 'string' ? v : '';
	return '';
}

/** A loopback, private or link-local address: where a reverse proxy in front of n8n lives. */
function internalAddress(address: string): boolean {
	const a = address.toLowerCase();
	if (a === '::1' || a.startsWith('fc') || a.startsWith('fd') || a.startsWith('fe80:')) return true;
	const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(a);
	if (!v4) return false;
	const [x, y] = [Number(v4[1]), Number(v4[2])];
	return (
		x === 127 ||
		x === 10 ||
		(x === 172 && y >= 16 && y <= 31) ||
		(x === 192 && y === 168) ||
		(x === 169 && y === 254)
	);
}

/**
 * The client's address for login throttling and form tokens. The connection's own address (`peer`) when it is a
 * public one: the client itself, whatever address headers it sends. Behind a reverse proxy on the same machine or
 * network (a loopback or private peer), the address the proxy reports (X-Real-IP, else the last X-Forwarded-For hop),
 * else the peer. Without a peer (a caller that has no connection), what the headers say.
 */
export function clientAddress(req: PageRequest): string {
	const peer = (req.peer ?? '')
		.trim()
		.replace(/^::ffff:/i, '')
		.slice(0, 100);
	if (peer && !internalAddress(peer)) return peer;
	const real = headerOf(req, 'x-real-ip').trim();
	if (real) return real.slice(0, 100);
	const hops = headerOf(req, 'x-forwarded-for')
		.split(',')
		.map((h) => h.trim())
		.filter(Boolean);
	return (hops[hops.length - 1] ?? peer).slice(0, 100);
}

/** A NUL byte, a C0 control other than tab/line breaks, or U+FFFD (what invalid UTF-8 decodes to) anywhere in the request. */
function badText(value: unknown, depth = 0): boolean {
	if (typeof value === 'string')
		// eslint-disable-next-line no-control-regex -- finding control characters is the point
		return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(value);
	if (depth > 3 || value === null || typeof value !== 'object') return false;
	for (const [k, v] of Object.entries(value as Record<string, unknown>))
		if (badText(k) || badText(v, depth + 1)) return true;
	return false;
}

const FORM_PURPOSE = 'page-form';
const FORM_SECONDS = 4 * 3600;

/** The form token of a page: bound to the session shown (or, before login, to the client's address and browser). */
async function formToken(
	ledger: Ledger,
	req: PageRequest,
	sessionId: string,
	now?: Date,
): Promise<string> {
	const [key] = await serverKeys(ledger, 'form');
	return signToken(
		{
			s: sessionId,
			c: sessionId ? '' : clientFingerprint(clientAddress(req), headerOf(req, 'user-agent')),
			n: randomUUID().slice(0, 8),
		},
		key,
		FORM_PURPOSE,
		FORM_SECONDS,
		now,
	);
}

async function formTokenValid(
	ledger: Ledger,
	req: PageRequest,
	sessionId: string,
	now?: Date,
): Promise<boolean> {
	const verdict = verifyToken<{ s?: unknown; c?: unknown }>(
		field(req, 'form'),
		await serverKeys(ledger, 'form'),
		FORM_PURPOSE,
		now,
	);
	if (!verdict.ok) return false;
	if (sessionId) return verdict.payload.s === sessionId;
	return (
		verdict.payload.s === '' &&
		verdict.payload.c === clientFingerprint(clientAddress(req), headerOf(req, 'user-agent'))
	);
}

/** Puts the form token into every POST form of a page we built (no user value can open a form: all are escaped). */
function guardForms(html: string, token: string): string {
	return html.replace(/(<form\b[^>]*\bmethod="post"[^>]*>)/g, `$1${hidden('form', token)}`);
}

const PAGE_TEXT = {
	badText: {
		en: 'The request contains a NUL byte or text that is not valid UTF-8; it was not read.',
		fr: "La requête contient un octet NUL ou du texte qui n'est pas de l'UTF-8 valide ; elle n'a pas été lue.",
	},
	sessionInUrl: {
		en: 'A session is never accepted in an address; it has been ended. Sign in again.',
		fr: "Une session n'est jamais acceptée dans une adresse ; elle a été fermée. Reconnectez-vous.",
	},
	forged: {
		en: 'This form has expired or did not come from this page; it was not applied. Sign in or try again from the page.',
		fr: "Ce formulaire a expiré ou ne vient pas de cette page ; il n'a pas été appliqué. Reconnectez-vous ou recommencez depuis la page.",
	},
	unavailable: {
		en: 'The service is unavailable for a moment; try again shortly.',
		fr: 'Le service est momentanément indisponible ; réessayez dans un instant.',
	},
};

function plainPage(
	lang: Lang,
	title: string,
	message: { en: string; fr: string },
	status: number,
	failure?: string,
): PageResponse {
	const r = respond(
		page(
			lang,
			title,
			`<h1>${escapeHtml(title)}</h1><p class="err" role="alert">${escapeHtml(message[lang])}</p>`,
		),
		status,
	);
	return failure ? { ...r, failure } : r;
}

/** Runs `work`; a refusal of the core (wrong login, expired session) is returned, anything else is raised. */
async function attempt(work: () => Promise<void>): Promise<ReceivablesError | undefined> {
	let failure: unknown;
	try {
		await work();
		return undefined;
	} catch (error) {
		failure = error ?? new Error('unknown error');
	}
	if (failure instanceof ReceivablesError && failure.code !== 'PAGE_FAILED') return failure;
	throw failure;
}

/** The part of a bilingual "English / Français" message in the page's language. */
function said(error: ReceivablesError, lang: Lang): string {
	const [en, fr] = error.message.split(' / ');
	return lang === 'fr' ? (fr ?? en) : en;
}

export interface GatePass<U> {
	user: U;
	/** The session token, for the page's forms. */
	session: string;
	sessionId: string;
	lang: Lang;
	action: string;
	/** Adds the form token to every POST form of the page. */
	guard: (html: string) => Promise<string>;
}

/**
 * What every page request goes through before any work: text checks (400), no session in the address (400, the
 * session revoked), login (throttled) or session (checked in the ledger), logout (revoked), and the form token of
 * every POST action. Returns the signed-in user, or the answer to send (login page, refusal).
 */
export async function pageGate<U extends { language: Lang }>(
	ledger: Ledger,
	req: PageRequest,
	options: PageOptions & { kind: SessionKind; title: (lang: Lang) => string },
	auth: {
		login: (input: {
			login: string;
			secret: string;
			idleSeconds?: number;
			address?: string;
			notify?: LockoutNotifier;
			now?: Date;
		}) => Promise<{ user: U; token: string; sessionId: string }>;
		session: (token: string) => Promise<U & { sessionId: string }>;
	},
): Promise<{ pass: GatePass<U> } | { answer: PageResponse }> {
	const actionUrl = options.actionUrl ?? '';
	let lang = langOf(req);
	const title = options.title(lang);
	if (badText(req.body) || badText(req.query) || badText(req.headers))
		return { answer: plainPage(lang, title, PAGE_TEXT.badText, 400) };
	const loginPage = async (error?: string, status = 200) =>
		respond(
			guardForms(
				loginForm(lang, title, actionUrl, error),
				await formToken(ledger, req, '', options.now),
			),
			status,
		);
	const inUrl = req.query?.session;
	if (inUrl !== undefined && inUrl !== '') {
		await revokeSessionToken(
			ledger,
			Array.isArray(inUrl) ? inUrl[0] : inUrl,
			options.kind,
			'session sent in an address',
		);
		return {
			answer: respond(
				guardForms(
					loginForm(lang, title, actionUrl, PAGE_TEXT.sessionInUrl[lang]),
					await formToken(ledger, req, '', options.now),
				),
				400,
			),
		};
	}
	const action = field(req, 'action');
	const given = field(req, 'session');
	if (action === 'logout') {
		if (
			given &&
			(await formTokenValid(
				ledger,
				req,
				(await auth.session(given).catch(() => undefined))?.sessionId ?? '-',
				options.now,
			))
		)
			await revokeSessionToken(ledger, given, options.kind, 'logout');
		return { answer: await loginPage() };
	}
	let user: (U & { sessionId?: string }) | undefined;
	let token = '';
	let sessionId = '';
	const refused = await attempt(async () => {
		if (action === 'login') {
			if (!(await formTokenValid(ledger, req, '', options.now)))
				throw new ReceivablesError(
					'PAGE_FORM_INVALID',
					`${PAGE_TEXT.forged.en} / ${PAGE_TEXT.forged.fr}`,
				);
			const r = await auth.login({
				login: field(req, 'login'),
				secret: field(req, 'secret'),
				idleSeconds: options.sessionSeconds,
				address: clientAddress(req) || undefined,
				notify: options.notify,
				now: options.now,
			});
			user = r.user;
			token = r.token;
			sessionId = r.sessionId;
		} else if (given) {
			const u = await auth.session(given);
			user = u;
			token = given;
			sessionId = u.sessionId;
			if (action && !(await formTokenValid(ledger, req, sessionId, options.now)))
				throw new ReceivablesError(
					'PAGE_FORM_INVALID',
					`${PAGE_TEXT.forged.en} / ${PAGE_TEXT.forged.fr}`,
				);
		}
	});
	if (refused) {
		const status =
			refused.code === 'PAGE_FORM_INVALID'
				? 403
				: refused.code === 'LOGIN_LOCKED'
					? 429
					: action === 'login'
						? 401
						: 200;
		return { answer: await loginPage(said(refused, lang), status) };
	}
	if (!user) return { answer: await loginPage() };
	if (!field(req, 'lang') && typeof req.query?.lang !== 'string') lang = user.language;
	const form = await formToken(ledger, req, sessionId, options.now);
	return {
		pass: {
			user,
			session: token,
			sessionId,
			lang,
			action,
			guard: async (html) => guardForms(html, form),
		},
	};
}

/** Runs a page handler; any failure that is not a refusal of the core becomes a plain 503 page (no database detail). */
export async function servePage(
	req: PageRequest,
	title: (lang: Lang) => string,
	work: () => Promise<PageResponse>,
): Promise<PageResponse> {
	try {
		return await work();
	} catch (error) {
		const lang = langOf(req);
		const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
		return plainPage(lang, title(lang), PAGE_TEXT.unavailable, 503, detail);
	}
}

function filtersFrom(req: PageRequest): StatusFilters {
	const f: StatusFilters = {};
	const customer = field(req, 'customer').trim();
	const invoice = field(req, 'invoiceNumber').trim();
	const status = field(req, 'status').trim();
	if (customer) f.customer = customer.slice(0, 100);
	if (invoice) f.invoiceNumber = invoice.slice(0, 100);
	if (status && (DELIVERY_OUTCOMES as readonly string[]).includes(status)) f.status = status;
	return f;
}

/** Rows of the portal per page; the totals above the list count every page. */
export const PORTAL_PAGE_SIZE = 50;

/** An amount of a status row in the page's language: "14 832,00 MAD" / "14,832.00 MAD". */
function money(row: StatusRow, lang: Lang): string {
	return formatMoney(parseAmount(row.amount, row.currency), row.currency, lang);
}

/**
 * The CSV in the user's language, as their spreadsheet reads it: French, ";" between cells and "," before decimals;
 * English, "," and ".". Every cell is neutralised against formulas.
 */
export function portalCsv(rows: StatusRow[], lang: Lang): string {
	const separator = lang === 'fr' ? ';' : ',';
	const cell = (v: unknown) => {
		const s = neutraliseCell(String(v ?? ''));
		return s.includes(separator) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
	};
	const head = [
		'invoice',
		'customer_code',
		'customer',
		'address',
		'amount',
		'currency',
		'reception_date',
		'payment_date',
		'outcome',
		'recipient',
		'wave',
	];
	const amount = (r: StatusRow) => (lang === 'fr' ? r.amount.replace('.', ',') : r.amount);
	return (
		[
			head.join(separator),
			...rows.map((r) =>
				[
					r.invoiceNumber,
					r.customerCode,
					r.customerName,
					r.address,
					amount(r),
					r.currency,
					r.receptionDate,
					r.paymentDate,
					r.outcome,
					r.recipientName,
					r.waveCode,
				]
					.map(cell)
					.join(separator),
			),
		].join('\r\n') + '\r\n'
	);
}

/** The tracking portal: login, search and filters, status per invoice within the user's accreditation, CSV export. */
export async function handlePortalRequest(
	ledger: Ledger,
	req: PageRequest,
	options: PageOptions,
): Promise<PageResponse> {
	const title = (l: Lang) => T[l].portal;
	return await servePage(req, title, async () => {
		const gate = await pageGate<PortalUser>(
			ledger,
			req,
			{ ...options, kind: 'portal', title },
			{
				login: (input) => portalLogin(ledger, input),
				session: (token) => portalSession(ledger, { token, now: options.now }),
			},
		);
		if ('answer' in gate) return gate.answer;
		const { user, session: token, lang, action, guard } = gate.pass;
		const actionUrl = options.actionUrl ?? '';
		const t = T[lang];
		const filters = filtersFrom(req);
		if (action === 'csv') {
			const all = await statusQuery(ledger, { user, filters, limit: 5000, dbRole: options.dbRole });
			return {
				status: 200,
				headers: {
					...HEADERS,
					'Content-Type': 'text/csv; charset=utf-8',
					'Content-Disposition': 'attachment; filename="invoices.csv"',
				},
				body: '\ufeff' + portalCsv(all, lang),
			};
		}
		const totals = await statusTotals(ledger, { user, filters, dbRole: options.dbRole });
		const pages = Math.max(1, Math.ceil(totals.count / PORTAL_PAGE_SIZE));
		const pageNumber = Math.min(Math.max(Math.trunc(Number(field(req, 'page'))) || 1, 1), pages);
		const rows = await statusQuery(ledger, {
			user,
			filters,
			limit: PORTAL_PAGE_SIZE,
			offset: (pageNumber - 1) * PORTAL_PAGE_SIZE,
			dbRole: options.dbRole,
		});
		const common = hidden('session', token) + hidden('lang', lang);
		const keep =
			hidden('customer', filters.customer ?? '') +
			hidden('invoiceNumber', filters.invoiceNumber ?? '') +
			hidden('status', filters.status ?? '');
		const pageForm = (n: number, label: string) =>
			`<form method="post" action="${escapeHtml(actionUrl)}">${common}${hidden('action', 'search')}${keep}${hidden('page', String(n))}<button type="submit" class="link" data-page="${n}">${escapeHtml(label)}</button></form>`;
		const options_ = ['', ...DELIVERY_OUTCOMES]
			.map(
				(s) =>
					`<option value="${s}"${filters.status === s ? ' selected' : ''}>${escapeHtml(s ? t.outcomes[s] : t.any)}</option>`,
			)
			.join('');
		const list = rows.length
			? rows
					.map(
						(
							r,
						) => `<div class="card" data-invoice="${escapeHtml(r.invoiceNumber)}"><b>${escapeHtml(r.invoiceNumber)} — ${escapeHtml(r.customerName)}</b>
<span class="muted">${escapeHtml(r.address)}</span><br>${t.amount}: <span class="amount">${escapeHtml(money(r, lang))}</span> · ${t.outcome}: <strong class="outcome">${escapeHtml(t.outcomes[r.outcome] ?? r.outcome)}</strong>${r.recipientName ? ` (${escapeHtml(r.recipientName)})` : ''}<br>
${t.received}: ${escapeHtml(r.receptionDate ?? '—')} · ${t.paid}: ${escapeHtml(r.paymentDate ?? '—')}</div>`,
					)
					.join('\n')
			: `<p>${t.none}</p>`;
		return respond(
			await guard(
				page(
					lang,
					t.portal,
					`<h1>${t.portal}</h1><p class="muted">${t.hello} ${escapeHtml(user.name)} · ${t.level} ${user.level}</p>
<form method="post" action="${escapeHtml(actionUrl)}">${common}${hidden('action', 'search')}<div class="row">
<div><label for="customer">${t.customer}</label><input id="customer" name="customer" value="${escapeHtml(filters.customer ?? '')}"></div>
<div><label for="invoiceNumber">${t.invoice}</label><input id="invoiceNumber" name="invoiceNumber" value="${escapeHtml(filters.invoiceNumber ?? '')}"></div>
<div><label for="status">${t.outcome}</label><select id="status" name="status">${options_}</select></div></div><button type="submit">${t.search}</button></form>
<p class="muted" id="totals"><span id="count">${totals.count}</span> ${t.invoices(totals.count)}${totals.amounts.map((a) => ` · <span class="total">${escapeHtml(formatMoney(a.minor, a.currency, lang))}</span>`).join('')}</p>
<p class="muted" id="page">${t.pageOf(pageNumber, pages)}</p>${list}
${pages > 1 ? `<div class="row">${pageNumber > 1 ? pageForm(pageNumber - 1, t.previous) : ''}${pageNumber < pages ? pageForm(pageNumber + 1, t.next) : ''}</div>` : ''}
<form method="post" action="${escapeHtml(actionUrl)}">${common}${hidden('action', 'csv')}${hidden('customer', filters.customer ?? '')}${hidden('invoiceNumber', filters.invoiceNumber ?? '')}${hidden('status', filters.status ?? '')}<button type="submit">${t.export}</button></form>
<form method="post" action="${escapeHtml(actionUrl)}">${common}${hidden('action', 'logout')}<button class="link" type="submit">${t.logout}</button></form>`,
				),
			),
		);
	});
}

const SIGNATURE_SCRIPT = `(function(){var c=document.getElementById('pad');if(!c)return;var x=c.getContext('2d'),d=false,used=false;function size(){var r=c.getBoundingClientRect();c.width=r.width;c.height=r.height;x.lineWidth=2;x.lineCap='round'}size();
function p(e){var r=c.getBoundingClientRect(),t=e.touches?e.touches[0]:e;return[t.clientX-r.left,t.clientY-r.top]}
function s(e){d=true;used=true;var q=p(e);x.beginPath();x.moveTo(q[0],q[1]);e.preventDefault()}function m(e){if(!d)return;var q=p(e);x.lineTo(q[0],q[1]);x.stroke();e.preventDefault()}function u(){d=false}
c.addEventListener('pointerdown',s);c.addEventListener('pointermove',m);window.addEventListener('pointerup',u);
document.getElementById('clear').addEventListener('click',function(){x.clearRect(0,0,c.width,c.height);used=false});
var f=document.getElementById('photoFile');if(f)f.addEventListener('change',function(){var file=f.files[0];if(!file)return;var r=new FileReader();r.onload=function(){var img=new Image();img.onload=function(){var k=Math.min(1,1280/img.width),cv=document.createElement('canvas');cv.width=img.width*k;cv.height=img.height*k;cv.getContext('2d').drawImage(img,0,0,cv.width,cv.height);document.getElementById('photo').value=cv.toDataURL('image/jpeg',0.7)};img.src=r.result};r.readAsDataURL(file)});
if(navigator.geolocation)navigator.geolocation.getCurrentPosition(function(g){document.getElementById('lat').value=g.coords.latitude;document.getElementById('lon').value=g.coords.longitude},function(){},{timeout:5000});
document.getElementById('event').addEventListener('submit',function(){if(used)document.getElementById('signature').value=c.toDataURL('image/png');document.getElementById('occurredAt').value=new Date().toISOString()})})();`;

/**
 * The courier page: after login with a courier account (not a portal user: see couriers.ts), scan the QR code
 * or type the number, choose the outcome, write the recipient's name, sign on the screen, add a photo; below,
 * the invoices of the courier's own waves handed over to them. Each form carries a fresh event id, so sending it
 * twice records one event.
 */
export async function handleCourierRequest(
	ledger: Ledger,
	req: PageRequest,
	options: PageOptions,
): Promise<PageResponse> {
	const title = (l: Lang) => T[l].courier;
	return await servePage(req, title, async () => {
		const gate = await pageGate<CourierAccount>(
			ledger,
			req,
			{
				...options,
				kind: 'courier',
				title,
				sessionSeconds: options.sessionSeconds ?? DEFAULT_COURIER_SESSION_SECONDS,
			},
			{
				login: async (input) => {
					const r = await courierLogin(ledger, input);
					return { user: r.courier, token: r.token, sessionId: r.sessionId };
				},
				session: (token) => courierSession(ledger, { token, now: options.now }),
			},
		);
		if ('answer' in gate) return gate.answer;
		const { user, session: token, lang, action, guard } = gate.pass;
		const actionUrl = options.actionUrl ?? '';
		const t = T[lang];
		let notice = '';
		let status = 200;
		if (action === 'record') {
			const code = field(req, 'code').trim();
			const lat = field(req, 'latitude');
			const lon = field(req, 'longitude');
			const [result] = await recordCourierEvents(
				ledger,
				[
					{
						eventId: field(req, 'eventId'),
						type: field(req, 'type'),
						courierCode: user.staffCode,
						...(/^D[0-9a-z]+\./.test(code) ? { qrToken: code } : { invoiceNumber: code }),
						occurredAt: field(req, 'occurredAt') || (options.now ?? new Date()).toISOString(),
						recipientName: field(req, 'recipientName') || undefined,
						signature: field(req, 'signature') || undefined,
						photo: field(req, 'photo') || undefined,
						...(lat && lon ? { latitude: Number(lat), longitude: Number(lon) } : {}),
					},
				],
				{ now: options.now, actor: `courier-page:${user.login}` },
			);
			if (result.ok)
				notice = `<p class="ok" role="status">${t.recorded}: ${escapeHtml(result.outcome.invoiceNumber)} — ${escapeHtml(t.outcomes[result.outcome.deliveryStatus] ?? result.outcome.deliveryStatus)}</p>`;
			else {
				const [en, fr] = result.message.split(' / ');
				notice = `<p class="err" role="alert">${escapeHtml(lang === 'fr' ? (fr ?? en) : en)}</p>`;
				status = 422;
			}
		}
		const deliveries = await courierDeliveries(ledger, user);
		// Delivered (or given back to the office) is done: listed apart, never under "to hand out".
		const finished = new Set(['delivered', 'returned']);
		const toHandOut = deliveries.filter((d) => !finished.has(d.status));
		const handedOut = deliveries.filter((d) => finished.has(d.status));
		const card = (
			d: (typeof deliveries)[number],
		) => `<div class="card" data-invoice="${escapeHtml(d.invoiceNumber)}"><b>${escapeHtml(d.invoiceNumber)} — ${escapeHtml(d.customerName)}</b>
<span class="muted">${escapeHtml(d.address)}</span><br>${escapeHtml(d.waveCode)} · ${t.outcome}: <strong class="outcome">${escapeHtml(t.outcomes[d.status] ?? d.status)}</strong></div>`;
		const types = COURIER_EVENT_TYPES.map(
			(x) =>
				`<option value="${x}"${x === 'delivered' ? ' selected' : ''}>${escapeHtml(t.outcomes[x])}</option>`,
		).join('');
		return respond(
			await guard(
				page(
					lang,
					t.courier,
					`<h1>${t.courier}</h1><p class="muted">${t.hello} ${escapeHtml(user.name)}</p>${notice}
<form id="event" method="post" action="${escapeHtml(actionUrl)}">${hidden('session', token)}${hidden('lang', lang)}${hidden('action', 'record')}${hidden('eventId', 'pg-' + randomUUID())}
<input type="hidden" id="occurredAt" name="occurredAt"><input type="hidden" id="signature" name="signature"><input type="hidden" id="photo" name="photo"><input type="hidden" id="lat" name="latitude"><input type="hidden" id="lon" name="longitude">
<label for="code">${t.scan}</label><input id="code" name="code" required autocomplete="off" inputmode="text">
<label for="type">${t.outcome}</label><select id="type" name="type">${types}</select>
<label for="recipientName">${t.recipient}</label><input id="recipientName" name="recipientName" autocomplete="off">
<label>${t.signature}</label><canvas id="pad"></canvas><button type="button" id="clear" class="link">${t.clear}</button>
<label for="photoFile">${t.photo}</label><input id="photoFile" type="file" accept="image/*" capture="environment">
<button type="submit">${t.record}</button></form>
<h2>${t.toDeliver}</h2>${toHandOut.length ? toHandOut.map(card).join('\n') : `<p>${t.none}</p>`}${handedOut.length ? `\n<h2>${t.handedOut}</h2>${handedOut.map(card).join('\n')}` : ''}
<form method="post" action="${escapeHtml(actionUrl)}">${hidden('session', token)}${hidden('lang', lang)}${hidden('action', 'logout')}<button class="link" type="submit">${t.logout}</button></form>`,
					SIGNATURE_SCRIPT,
				),
			),
			status,
		);
	});
}

/** The portal's form reading, login page and answer, shared with the receivables dashboard (core/reports). */
export {
	field as pageField,
	loginForm as portalLoginPage,
	respond as pageResponse,
	said as inLanguage,
};
