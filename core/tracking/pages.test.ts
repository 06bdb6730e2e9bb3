import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Ledger } from '../ledger';
import { browserTest, CHROMIUM, CHROMIUM_ARGS, servePages } from '../../test/helpers/browser';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { markInvoicesEntered, planWaves, releaseWave } from '../distribution';
import { escapeHtml, handleCourierRequest, handlePortalRequest, type PageRequest } from './pages';
import { saveCourierAccount } from './couriers';
import { savePortalUser } from './portal';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'tracking');

async function seed(ledger: Ledger): Promise<void> {
	await ledger.query(
		`INSERT INTO staff (code, name, roles, manager_code) VALUES ('H1', 'Head', '{group_head}', NULL)`,
	);
	await ledger.query(
		`INSERT INTO staff (code, name, roles, manager_code) VALUES ('C1', 'Youssef', '{courier}', NULL), ('R1', 'Rep One', '{sales_rep}', 'H1'), ('R2', 'Rep Two', '{sales_rep}', NULL)`,
	);
	await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, country, currency, address_lines, sales_rep_code) VALUES
		('K1', 'Atlas <script>alert(1)</script> & Fils', 'monthly', 'Z1', 'Casablanca', 'MA', 'MAD', '{"12 rue Allal"}', 'R1'),
		('K2', 'Secret Customer', 'monthly', 'Z1', 'Casablanca', 'MA', 'MAD', '{"1 bd Anfa"}', 'R2')`);
	for (const [n, c] of [
		['MA-1', 'K1'],
		['MA-2', 'K1'],
		['MA-9', 'K2'],
	]) {
		await ledger.query(
			`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
			SELECT $1, id, 'MAD', 250000, 250000, 250000, 250000, '2026-03-10', '2026-04-09', md5($1) FROM customers WHERE external_id = $2`,
			[n, c],
		);
	}
	const plan = await planWaves(ledger, {
		runDate: '2026-03-31',
		startDate: '2026-03-30',
		maxPerCourierPerDay: 10,
	});
	for (const w of plan.waves) {
		await markInvoicesEntered(ledger, { waveCode: w.code });
		await releaseWave(ledger, { waveCode: w.code });
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
		login: 'head1',
		name: 'Head',
		level: 3,
		staffCode: 'H1',
		secret: 'head one secret',
		language: 'en',
	});
	await saveCourierAccount(ledger, {
		login: 'courier1',
		name: 'Youssef',
		staffCode: 'C1',
		secret: 'courier secret',
		language: 'fr',
	});
}

describe('tracking pages', () => {
	let ledger: Ledger;
	const now = () => new Date();
	beforeAll(async () => {
		ledger = await createTestLedger();
		await seed(ledger);
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	const portal = (req: PageRequest) => handlePortalRequest(ledger, req, { now: now() });
	const courierPage = (req: PageRequest) => handleCourierRequest(ledger, req, {});
	const session = (html: string) => /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const form = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	/** A login as a browser posts it: the login page first, then its form with the form token. */
	const signIn = async (
		handler: (req: PageRequest) => Promise<{ body: string; status: number }>,
		login: string,
		secret: string,
	) => handler({ body: { action: 'login', login, secret, form: form((await handler({})).body) } });
	const same = (html: string) =>
		html.replace(/name="form" value="[^"]+"/g, '').replace(/\s+/g, ' ');

	it('escapes everything, scopes the list, and refuses tampered sessions the same way as expired ones', async () => {
		expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe(
			'&#60;a href&#61;&#34;x&#34; onclick&#61;&#39;y&#39;&#62;&#38;',
		);
		const first = await portal({});
		expect(first.headers['Referrer-Policy']).toBe('no-referrer');
		expect(first.body).toContain('name="secret"');
		const bad = await signIn(portal, 'rep1', 'nope nope nope');
		expect(bad.status).toBe(401);
		const unknown = await signIn(portal, 'ghost', 'nope nope nope');
		expect(same(unknown.body)).toBe(same(bad.body));
		const ok = await signIn(portal, 'rep1', 'rep one secret');
		expect(ok.status).toBe(200);
		expect(ok.body).toContain('MA-1');
		expect(ok.body).not.toContain('MA-9');
		expect(ok.body).not.toContain('Secret Customer');
		expect(ok.body).not.toContain('<script>alert');
		expect(ok.body).toContain('Atlas &#60;script&#62;alert(1)&#60;/script&#62; &#38; Fils');
		const token = session(ok.body);
		const searched = await portal({
			body: { action: 'search', session: token, form: form(ok.body), invoiceNumber: 'MA-9' },
		});
		expect(searched.body).toContain('Aucune facture.');
		const tampered = await portal({
			body: { action: 'search', session: token.slice(0, -3) + 'AAA', form: form(ok.body) },
		});
		expect(tampered.body).toContain('name="secret"');
		const csv = await portal({
			body: { action: 'csv', session: token, form: form(searched.body) },
		});
		expect(csv.headers['Content-Type']).toMatch(/text\/csv/);
		expect(csv.body).toContain('MA-2');
		expect(csv.body).not.toContain('MA-9');
		const head = await signIn(portal, 'head1', 'head one secret');
		expect(head.body).toContain('MA-1');
		expect(head.body).not.toContain('MA-9');
	});

	it('refuses the courier page to an account that is not a courier', async () => {
		const r = await signIn(courierPage, 'rep1', 'rep one secret');
		expect(r.status).toBe(401);
		expect(r.body).not.toContain('name="eventId"');
		// A portal session does not open the courier page either.
		const rep = await signIn(portal, 'rep1', 'rep one secret');
		const withPortalSession = await courierPage({
			body: {
				action: 'record',
				session: session(rep.body),
				form: form(rep.body),
				code: 'MA-1',
				type: 'delivered',
				recipientName: 'X',
				eventId: 'pg-x',
			},
		});
		expect(withPortalSession.body).toContain('name="secret"');
		expect(await ledger.query(`SELECT 1 FROM courier_events`)).toHaveLength(0);
	});

	it('a courier cannot read the portal: their login and their session are refused there, like an unknown login', async () => {
		const login = await signIn(courierPage, 'courier1', 'courier secret');
		expect(login.status).toBe(200);
		// The courier sees the invoices of their own released waves (to hand out), nothing of the portal's lists.
		expect(login.body).toContain('MA-1');
		const courierSession = session(login.body);
		const asPortalLogin = await signIn(portal, 'courier1', 'courier secret');
		const unknown = await signIn(portal, 'ghost', 'courier secret');
		expect(asPortalLogin.status).toBe(401);
		expect(same(asPortalLogin.body)).toBe(same(unknown.body));
		for (const action of ['search', 'csv']) {
			const r = await portal({ body: { action, session: courierSession, form: form(login.body) } });
			expect(r.headers['Content-Type']).toMatch(/text\/html/);
			expect(r.body).toContain('name="secret"');
			expect(r.body).not.toContain('MA-1');
		}
	});

	const chromiumTest = browserTest(it);
	chromiumTest(
		'in headless Chromium: log in, see only one’s scope, record a delivery on the courier page, see it in the portal',
		async () => {
			const { chromium } = await import('playwright-core');
			const server = await servePages((req) =>
				req.url.startsWith('/courier')
					? handleCourierRequest(ledger, { method: req.method, body: req.body }, {})
					: handlePortalRequest(ledger, { method: req.method, body: req.body }, {}),
			);
			const base = server.base;
			const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
			mkdirSync(ARTIFACTS, { recursive: true });
			try {
				const context = await browser.newContext({
					viewport: { width: 390, height: 844 },
					isMobile: true,
					hasTouch: true,
				});
				const portalPage = await context.newPage();
				await portalPage.goto(`${base}/portal`);
				await portalPage.fill('#login', 'rep1');
				await portalPage.fill('#secret', 'rep one secret');
				await Promise.all([
					portalPage.waitForNavigation(),
					portalPage.click('button[type=submit]'),
				]);
				const cards = await portalPage.locator('.card').allTextContents();
				expect(cards.join('\n')).toContain('MA-1');
				expect(cards.join('\n')).not.toContain('MA-9');
				expect(await portalPage.locator('[data-invoice="MA-1"] .outcome').textContent()).toBe(
					'Saisie',
				);
				await portalPage.screenshot({
					path: path.join(ARTIFACTS, '1-portal-rep.png'),
					fullPage: true,
				});

				const courier = await context.newPage();
				await courier.goto(`${base}/courier`);
				await courier.fill('#login', 'courier1');
				await courier.fill('#secret', 'courier secret');
				await Promise.all([courier.waitForNavigation(), courier.click('button[type=submit]')]);
				await courier.fill('#code', 'MA-1');
				await courier.selectOption('#type', 'delivered');
				await courier.fill('#recipientName', 'Mme Benali');
				const pad = await courier.locator('#pad').boundingBox();
				if (!pad) throw new Error('no signature pad');
				await courier.mouse.move(pad.x + 20, pad.y + 40);
				await courier.mouse.down();
				await courier.mouse.move(pad.x + 120, pad.y + 90, { steps: 8 });
				await courier.mouse.move(pad.x + 200, pad.y + 30, { steps: 8 });
				await courier.mouse.up();
				await courier.screenshot({
					path: path.join(ARTIFACTS, '2-courier-form.png'),
					fullPage: true,
				});
				await Promise.all([
					courier.waitForNavigation(),
					courier.click('#event button[type=submit]'),
				]);
				expect(await courier.locator('.ok').textContent()).toContain('MA-1');
				await courier.screenshot({
					path: path.join(ARTIFACTS, '3-courier-recorded.png'),
					fullPage: true,
				});

				await Promise.all([
					portalPage.waitForNavigation(),
					portalPage.click('form:has(input[value=search]) button[type=submit]'),
				]);
				expect(await portalPage.locator('[data-invoice="MA-1"] .outcome').textContent()).toBe(
					'Remise',
				);
				expect(await portalPage.locator('[data-invoice="MA-1"]').textContent()).toContain(
					'Mme Benali',
				);
				await portalPage.screenshot({
					path: path.join(ARTIFACTS, '4-portal-delivered.png'),
					fullPage: true,
				});
				const events = await ledger.query<{ attachments: { signature?: { mime: string } } }>(
					`SELECT attachments FROM courier_events`,
				);
				expect(events).toHaveLength(1);
				expect(events[0].attachments.signature?.mime).toBe('image/png');
			} finally {
				await browser.close();
				await server.close();
			}
		},
		120000,
	);

	it('the courier page lists a delivered invoice under "already handed out", never under "to hand out"', async () => {
		const before = await signIn(courierPage, 'courier1', 'courier secret');
		const recorded = await courierPage({
			body: {
				action: 'record',
				session: session(before.body),
				form: form(before.body),
				lang: 'fr',
				code: 'MA-1',
				type: 'delivered',
				recipientName: 'Mme Alaoui',
				eventId: 'pg-split-1',
			},
		});
		const [toHandOut, handedOut = ''] = recorded.body.split('<h2>Déjà remises</h2>');
		expect(toHandOut.slice(toHandOut.indexOf('<h2>Mes factures à remettre</h2>'))).not.toContain(
			'data-invoice="MA-1"',
		);
		expect(handedOut).toContain('data-invoice="MA-1"');
	});
});
