import { randomUUID } from 'node:crypto';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { courierDeliveries, courierLogin, courierSession, courierSessionToken, DEFAULT_COURIER_SESSION_SECONDS, type CourierAccount } from './couriers';
import { recordCourierEvents, COURIER_EVENT_TYPES } from './events';
import { DELIVERY_OUTCOMES, portalLogin, portalSession, portalSessionToken, statusQuery, type PortalUser, type StatusFilters, type StatusRow } from './portal';

/**
 * The tracking portal and the courier page: mobile-first HTML, French and English, every value escaped. n8n
 * serves webhook pages under a CSP sandbox without allow-same-origin (no cookies, no storage), so the session is
 * a signed, expiring token carried in hidden form fields; a page from another site cannot know it, which keeps
 * the forms CSRF-safe. Every answer says Referrer-Policy: no-referrer and is not cached.
 */
export interface PageRequest {
	method?: string;
	/** Form fields (application/x-www-form-urlencoded parsed) or JSON body. */
	body?: Record<string, unknown>;
	query?: Record<string, unknown>;
}

export interface PageResponse {
	status: number;
	headers: Record<string, string>;
	body: string;
}

export interface PageOptions {
	/** Signs the session tokens (at least 16 characters). */
	tokenSecret: string;
	/** Where the forms post back: the webhook's own URL (empty: the same address). */
	actionUrl?: string;
	/** Session lifetime in seconds (default 30 minutes; renewed on each page). */
	sessionSeconds?: number;
	/** Database role for the portal's queries (row-level security as second line). */
	dbRole?: string;
	now?: Date;
}

type Lang = 'fr' | 'en';

export function escapeHtml(value: unknown): string {
	return String(value ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const HEADERS: Record<string, string> = {
	'Content-Type': 'text/html; charset=utf-8',
	'Referrer-Policy': 'no-referrer',
	'Cache-Control': 'no-store',
	'X-Content-Type-Options': 'nosniff',
};

const T = {
	fr: {
		portal: 'Suivi des factures', courier: 'Remise des factures', login: 'Identifiant', secret: 'Mot de passe', signIn: 'Se connecter', search: 'Rechercher',
		customer: 'Client', invoice: 'Facture', amount: 'Montant', address: 'Adresse', received: 'Reçue le', paid: 'Réglée le', outcome: 'Issue', any: 'Toutes',
		export: 'Exporter CSV', logout: 'Déconnexion', none: 'Aucune facture.', hello: 'Bonjour', scan: 'Code scanné ou n° de facture', recipient: 'Nom du destinataire',
		signature: 'Signature', photo: 'Photo', record: 'Enregistrer', recorded: 'Enregistré', toDeliver: 'Mes factures à remettre', clear: 'Effacer', level: 'Habilitation', results: 'résultat(s)',
		outcomes: { pending: 'En attente', entered: 'Saisie', picked_up: 'Prise en charge', delivered: 'Remise', refused: 'Refusée', absent: 'Absent', wrong_address: 'Adresse erronée', returned: 'Retournée' } as Record<string, string>,
	},
	en: {
		portal: 'Invoice tracking', courier: 'Invoice delivery', login: 'Login', secret: 'Secret', signIn: 'Sign in', search: 'Search',
		customer: 'Customer', invoice: 'Invoice', amount: 'Amount', address: 'Address', received: 'Received', paid: 'Paid', outcome: 'Outcome', any: 'Any',
		export: 'Export CSV', logout: 'Sign out', none: 'No invoice.', hello: 'Hello', scan: 'Scanned code or invoice number', recipient: "Recipient's name",
		signature: 'Signature', photo: 'Photo', record: 'Record', recorded: 'Recorded', toDeliver: 'My invoices to hand out', clear: 'Clear', level: 'Accreditation', results: 'result(s)',
		outcomes: { pending: 'Pending', entered: 'Entered', picked_up: 'Picked up', delivered: 'Delivered', refused: 'Refused', absent: 'Absent', wrong_address: 'Wrong address', returned: 'Returned' } as Record<string, string>,
	},
};

function field(req: PageRequest, name: string): string {
	const v = req.body?.[name] ?? req.query?.[name];
	return typeof v === 'string' ? v.slice(0, 4 * 1024 * 1024) : Array.isArray(v) && typeof v[0] === 'string' ? String(v[0]) : '';
}

function langOf(req: PageRequest, user?: PortalUser): Lang {
	const l = field(req, 'lang');
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
	return page(lang, title, `<h1>${escapeHtml(title)}</h1>${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(actionUrl)}">${hidden('action', 'login')}${hidden('lang', lang)}
<label for="login">${t.login}</label><input id="login" name="login" autocomplete="username" required>
<label for="secret">${t.secret}</label><input id="secret" name="secret" type="password" autocomplete="current-password" required>
<button type="submit">${t.signIn}</button></form>
<form method="post" action="${escapeHtml(actionUrl)}">${hidden('lang', lang === 'fr' ? 'en' : 'fr')}<button class="link" type="submit">${lang === 'fr' ? 'English' : 'Français'}</button></form>`);
}

function respond(body: string, status = 200, extra: Record<string, string> = {}): PageResponse {
	return { status, headers: { ...HEADERS, ...extra }, body };
}

async function session(ledger: Ledger, req: PageRequest, options: PageOptions): Promise<PortalUser | undefined> {
	const token = field(req, 'session');
	if (!token) return undefined;
	return await portalSession(ledger, { token, tokenSecret: options.tokenSecret, now: options.now });
}

function sessionToken(user: PortalUser, options: PageOptions): string {
	return portalSessionToken(user, options.tokenSecret, options.sessionSeconds, options.now);
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
	if (failure instanceof ReceivablesError) return failure;
	throw new ReceivablesError('PAGE_FAILED', `The page could not be served: ${failure instanceof Error ? failure.message : String(failure)}`, { hint: 'Check the ledger connection.', cause: failure });
}

/** The part of a bilingual "English / Français" message in the page's language. */
function said(error: ReceivablesError, lang: Lang): string {
	const [en, fr] = error.message.split(' / ');
	return lang === 'fr' ? fr ?? en : en;
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

function csv(rows: StatusRow[]): string {
	const cell = (v: unknown) => {
		let s = String(v ?? '');
		if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // no formula injection in spreadsheets
		return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
	};
	const head = ['invoice', 'customer_code', 'customer', 'address', 'amount', 'currency', 'reception_date', 'payment_date', 'outcome', 'recipient', 'wave'];
	return [head.join(';'), ...rows.map((r) => [r.invoiceNumber, r.customerCode, r.customerName, r.address, r.amount, r.currency, r.receptionDate, r.paymentDate, r.outcome, r.recipientName, r.waveCode].map(cell).join(';'))].join('\r\n') + '\r\n';
}

/** The tracking portal: login, search and filters, status per invoice within the user's accreditation, CSV export. */
export async function handlePortalRequest(ledger: Ledger, req: PageRequest, options: PageOptions): Promise<PageResponse> {
	const actionUrl = options.actionUrl ?? '';
	let lang = langOf(req);
	const action = field(req, 'action');
	let user: PortalUser | undefined;
	let token = '';
	const refused = await attempt(async () => {
		if (action === 'login') {
			const r = await portalLogin(ledger, { login: field(req, 'login'), secret: field(req, 'secret'), tokenSecret: options.tokenSecret, ttlSeconds: options.sessionSeconds, now: options.now });
			user = r.user;
			token = r.token;
		} else {
			user = await session(ledger, req, options);
			if (user) token = sessionToken(user, options);
		}
	});
	if (refused) return respond(loginForm(lang, T[lang].portal, actionUrl, said(refused, lang)), action === 'login' ? 401 : 200);
	if (!user || action === 'logout') return respond(loginForm(lang, T[lang].portal, actionUrl));
	if (!field(req, 'lang')) lang = user.language;
	const t = T[lang];
	const filters = filtersFrom(req);
	const rows = await statusQuery(ledger, { user, filters, limit: action === 'csv' ? 5000 : 200, dbRole: options.dbRole });
	if (action === 'csv') {
		return { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="invoices.csv"', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' }, body: '\ufeff' + csv(rows) };
	}
	const common = hidden('session', token) + hidden('lang', lang);
	const options_ = ['', ...DELIVERY_OUTCOMES].map((s) => `<option value="${s}"${filters.status === s ? ' selected' : ''}>${escapeHtml(s ? t.outcomes[s] : t.any)}</option>`).join('');
	const list = rows.length
		? rows.map((r) => `<div class="card" data-invoice="${escapeHtml(r.invoiceNumber)}"><b>${escapeHtml(r.invoiceNumber)} — ${escapeHtml(r.customerName)}</b>
<span class="muted">${escapeHtml(r.address)}</span><br>${t.amount}: ${escapeHtml(r.amount)} ${escapeHtml(r.currency)} · ${t.outcome}: <strong class="outcome">${escapeHtml(t.outcomes[r.outcome] ?? r.outcome)}</strong>${r.recipientName ? ` (${escapeHtml(r.recipientName)})` : ''}<br>
${t.received}: ${escapeHtml(r.receptionDate ?? '—')} · ${t.paid}: ${escapeHtml(r.paymentDate ?? '—')}</div>`).join('\n')
		: `<p>${t.none}</p>`;
	return respond(page(lang, t.portal, `<h1>${t.portal}</h1><p class="muted">${t.hello} ${escapeHtml(user.name)} · ${t.level} ${user.level}</p>
<form method="post" action="${escapeHtml(actionUrl)}">${common}${hidden('action', 'search')}<div class="row">
<div><label for="customer">${t.customer}</label><input id="customer" name="customer" value="${escapeHtml(filters.customer ?? '')}"></div>
<div><label for="invoiceNumber">${t.invoice}</label><input id="invoiceNumber" name="invoiceNumber" value="${escapeHtml(filters.invoiceNumber ?? '')}"></div>
<div><label for="status">${t.outcome}</label><select id="status" name="status">${options_}</select></div></div><button type="submit">${t.search}</button></form>
<p class="muted"><span id="count">${rows.length}</span> ${t.results}</p>${list}
<form method="post" action="${escapeHtml(actionUrl)}">${common}${hidden('action', 'csv')}${hidden('customer', filters.customer ?? '')}${hidden('invoiceNumber', filters.invoiceNumber ?? '')}${hidden('status', filters.status ?? '')}<button type="submit">${t.export}</button></form>
<form method="post" action="${escapeHtml(actionUrl)}">${hidden('action', 'logout')}${hidden('lang', lang)}<button class="link" type="submit">${t.logout}</button></form>`));
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
export async function handleCourierRequest(ledger: Ledger, req: PageRequest, options: PageOptions & { qrSecret: string }): Promise<PageResponse> {
	const actionUrl = options.actionUrl ?? '';
	const lang = langOf(req);
	const t = T[lang];
	const action = field(req, 'action');
	const ttl = options.sessionSeconds ?? DEFAULT_COURIER_SESSION_SECONDS;
	let courier: CourierAccount | undefined;
	let token = '';
	const refused = await attempt(async () => {
		if (action === 'login') {
			courier = (await courierLogin(ledger, { login: field(req, 'login'), secret: field(req, 'secret'), tokenSecret: options.tokenSecret, ttlSeconds: ttl, now: options.now })).courier;
		} else {
			const given = field(req, 'session');
			if (given) courier = await courierSession(ledger, { token: given, tokenSecret: options.tokenSecret, now: options.now });
		}
		if (courier) token = courierSessionToken(courier, options.tokenSecret, ttl, options.now);
	});
	if (refused) return respond(loginForm(lang, t.courier, actionUrl, said(refused, lang)), action === 'login' ? 401 : 200);
	const user = courier;
	if (!user || action === 'logout') return respond(loginForm(lang, t.courier, actionUrl));
	let notice = '';
	let status = 200;
	if (action === 'record') {
		const code = field(req, 'code').trim();
		const lat = field(req, 'latitude');
		const lon = field(req, 'longitude');
		const [result] = await recordCourierEvents(ledger, [{
			eventId: field(req, 'eventId'),
			type: field(req, 'type'),
			courierCode: user.staffCode ?? '',
			...(/^D[0-9a-z]+\./.test(code) ? { qrToken: code } : { invoiceNumber: code }),
			occurredAt: field(req, 'occurredAt') || (options.now ?? new Date()).toISOString(),
			recipientName: field(req, 'recipientName') || undefined,
			signature: field(req, 'signature') || undefined,
			photo: field(req, 'photo') || undefined,
			...(lat && lon ? { latitude: Number(lat), longitude: Number(lon) } : {}),
		}], { qrSecret: options.qrSecret, now: options.now });
		if (result.ok) notice = `<p class="ok" role="status">${t.recorded}: ${escapeHtml(result.outcome.invoiceNumber)} — ${escapeHtml(t.outcomes[result.outcome.deliveryStatus] ?? result.outcome.deliveryStatus)}</p>`;
		else {
			const [en, fr] = result.message.split(' / ');
			notice = `<p class="err" role="alert">${escapeHtml(lang === 'fr' ? fr ?? en : en)}</p>`;
			status = 422;
		}
	}
	const deliveries = await courierDeliveries(ledger, user);
	const types = COURIER_EVENT_TYPES.map((x) => `<option value="${x}"${x === 'delivered' ? ' selected' : ''}>${escapeHtml(t.outcomes[x])}</option>`).join('');
	return respond(page(lang, t.courier, `<h1>${t.courier}</h1><p class="muted">${t.hello} ${escapeHtml(user.name)}</p>${notice}
<form id="event" method="post" action="${escapeHtml(actionUrl)}">${hidden('session', token)}${hidden('lang', lang)}${hidden('action', 'record')}${hidden('eventId', 'pg-' + randomUUID())}
<input type="hidden" id="occurredAt" name="occurredAt"><input type="hidden" id="signature" name="signature"><input type="hidden" id="photo" name="photo"><input type="hidden" id="lat" name="latitude"><input type="hidden" id="lon" name="longitude">
<label for="code">${t.scan}</label><input id="code" name="code" required autocomplete="off" inputmode="text">
<label for="type">${t.outcome}</label><select id="type" name="type">${types}</select>
<label for="recipientName">${t.recipient}</label><input id="recipientName" name="recipientName" autocomplete="off">
<label>${t.signature}</label><canvas id="pad"></canvas><button type="button" id="clear" class="link">${t.clear}</button>
<label for="photoFile">${t.photo}</label><input id="photoFile" type="file" accept="image/*" capture="environment">
<button type="submit">${t.record}</button></form>
<h2>${t.toDeliver}</h2>${deliveries.length ? deliveries.map((d) => `<div class="card" data-invoice="${escapeHtml(d.invoiceNumber)}"><b>${escapeHtml(d.invoiceNumber)} — ${escapeHtml(d.customerName)}</b>
<span class="muted">${escapeHtml(d.address)}</span><br>${escapeHtml(d.waveCode)} · ${t.outcome}: <strong class="outcome">${escapeHtml(t.outcomes[d.status] ?? d.status)}</strong></div>`).join('\n') : `<p>${t.none}</p>`}
<form method="post" action="${escapeHtml(actionUrl)}">${hidden('action', 'logout')}${hidden('lang', lang)}<button class="link" type="submit">${t.logout}</button></form>`, SIGNATURE_SCRIPT), status);
}

/** The portal's form reading, login page and answer, shared with the receivables dashboard (core/reports). */
export { field as pageField, loginForm as portalLoginPage, respond as pageResponse, said as inLanguage };
