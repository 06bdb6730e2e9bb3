import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Ledger } from '../../ledger';
import { browserTest, CHROMIUM, CHROMIUM_ARGS, servePages } from '../../../test/helpers/browser';
import { createTestLedger, dropTestLedger } from '../../../test/helpers/db';
import { savePortalUser } from '../../tracking/portal';
import type { PageResponse } from '../../tracking/pages';
import { sampleOverview } from '../charts/sample';
import { handleDashboardRequest } from './handler';
import { renderDashboardHtml } from './page';

const ARTIFACTS = path.join(__dirname, '..', '..', '..', 'test-artifacts', 'reports');
const AS_OF = '2026-03-31';

async function seed(ledger: Ledger): Promise<void> {
	await ledger.query(
		`INSERT INTO staff (code, name, roles, manager_code) VALUES ('H1', 'Head', '{group_head}', NULL)`,
	);
	await ledger.query(
		`INSERT INTO staff (code, name, roles, manager_code) VALUES ('R1', 'Rep One', '{sales_rep}', 'H1'), ('R2', 'Rep Two', '{sales_rep}', NULL)`,
	);
	await ledger.query(`INSERT INTO customers (external_id, name, country, currency, sales_rep_code) VALUES
		('K1', 'Atlas <script>alert(1)</script> & Fils', 'FR', 'EUR', 'R1'),
		('K3', 'Boulangerie du Port', 'FR', 'EUR', 'R1'),
		('K2', 'Secret Customer', 'FR', 'EUR', 'R2')`);
	// open invoices spread over the buckets at the as-of date
	const invoices: Array<[string, string, number, string, string]> = [
		['F-1', 'K1', 120000, '2026-03-01', '2026-04-15'],
		['F-2', 'K1', 80000, '2026-01-10', '2026-02-20'],
		['F-3', 'K3', 45000, '2025-11-02', '2025-12-02'],
		['F-4', 'K2', 990000, '2026-02-01', '2026-03-03'],
	];
	for (const [n, c, minor, issue, due] of invoices) {
		await ledger.query(
			`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
			SELECT $1, id, 'EUR', $3, $3, $3, $3, $4, $5, md5($1) FROM customers WHERE external_id = $2`,
			[n, c, minor, issue, due],
		);
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
		login: 'direction',
		name: 'Direction',
		level: 1,
		secret: 'direction secret',
		language: 'en',
	});
}

describe('dashboard page', () => {
	it('is one self-contained document: inline SVG charts, no script, nothing fetched, everything escaped', () => {
		const html = renderDashboardHtml(
			sampleOverview(),
			{ name: 'Karim <b>B</b>', level: 3 },
			{
				language: 'fr',
				company: 'Atlas & Cie',
				session: 'tok"en',
				actionUrl: '/webhook/dash?x="1"',
			},
		);
		expect(html.startsWith('<!doctype html><html lang="fr">')).toBe(true);
		expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|javascript:|\son[a-z]+=/i);
		// the only absolute address is the SVG namespace
		expect(
			html.match(/https?:\/\/[^"\s]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg'),
		).toBe(true);
		expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(10);
		expect(html).toContain('Karim &#60;b&#62;B&#60;/b&#62;');
		expect(html).toContain('Atlas &#38; Cie — Tableau de bord des encaissements');
		expect(html).toContain('Société Générale des Travaux &#60;Sud&#62; &#38; Fils');
		expect(html).not.toContain('<Sud>');
		expect(html).toContain('name="session" value="tok&#34;en"');
		expect(html).toContain('action="/webhook/dash?x&#61;&#34;1&#34;"');
		expect(html).toContain('<h2 id="aged-h">Balance âgée — situation au 20 novembre 2026</h2>');
		expect(html).toContain(
			'Habilitation 3 — Karim &#60;b&#62;B&#60;/b&#62; : les clients de son équipe',
		);
		const en = renderDashboardHtml(
			sampleOverview(),
			{ name: 'Direction', level: 1 },
			{ language: 'en' },
		);
		expect(en).toContain('<h1>Receivables dashboard</h1>');
		expect(en).toContain('€235,550.00');
		// without a session there are no forms to post
		expect(en).not.toContain('<form');
	});

	describe('served from the ledger to portal users', () => {
		let ledger: Ledger;
		beforeAll(async () => {
			ledger = await createTestLedger();
			await seed(ledger);
		});
		afterAll(async () => {
			await dropTestLedger(ledger);
		});
		const serve = (body: Record<string, string>): Promise<PageResponse> =>
			handleDashboardRequest(
				ledger,
				{ method: 'POST', body },
				{ company: 'Demo SA', overview: { asOf: AS_OF } },
			);
		const form = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
		const signIn = async (login: string, secret: string) =>
			serve({ action: 'login', login, secret, form: form((await serve({})).body) });

		it('asks for a login, refuses a wrong one like an unknown one, and scopes the figures to the accreditation', async () => {
			const first = await serve({});
			expect(first.status).toBe(200);
			expect(first.headers['Referrer-Policy']).toBe('no-referrer');
			expect(first.body).toContain('name="secret"');
			expect(first.body).toContain('Tableau de bord des encaissements');
			const wrong = await signIn('rep1', 'not the secret');
			const unknown = await signIn('nobody', 'not the secret');
			expect(wrong.status).toBe(401);
			const same = (html: string) =>
				html.replace(/name="form" value="[^"]+"/g, '').replace(/\s+/g, ' ');
			expect(same(wrong.body)).toBe(same(unknown.body));

			const rep = await signIn('rep1', 'rep one secret');
			expect(rep.status).toBe(200);
			expect(rep.body).toContain('Atlas &#60;script&#62;alert(1)&#60;/script&#62; &#38; Fils');
			expect(rep.body).toContain('Boulangerie du Port');
			expect(rep.body).not.toContain('Secret Customer');
			expect(rep.body).not.toContain('<script>');
			// 1 200 + 800 + 450 = 2 450,00 € open for the rep; 9 900,00 € more for the whole company
			expect(rep.body.replace(/[\u202f\u00a0]/g, ' ')).toContain('2 450,00 €');
			const session = /name="session" value="([^"]+)"/.exec(rep.body)?.[1] ?? '';
			expect(session).not.toBe('');
			const english = await serve({
				action: 'dashboard',
				session,
				form: form(rep.body),
				lang: 'en',
			});
			expect(english.body).toContain('€2,450.00');
			expect(english.body).toContain('Accreditation 2 — Rep One: own customers');
			const out = await serve({ action: 'logout', session, form: form(english.body) });
			expect(out.body).toContain('name="secret"');
			// Logged out means revoked: the same session no longer opens the dashboard.
			expect(
				(await serve({ action: 'dashboard', session, form: form(english.body) })).body,
			).toContain('name="secret"');
			expect((await serve({ action: 'dashboard', session: session + 'x' })).body).toContain(
				'name="secret"',
			);

			const all = await signIn('direction', 'direction secret');
			expect(all.body).toContain('Secret Customer');
			expect(all.body).toContain('€12,350.00');
		});

		const chromiumTest = browserTest(it);
		chromiumTest(
			'in headless Chromium: logs in, shows every chart, runs no script, fetches nothing else, and looks right',
			async () => {
				const { chromium } = await import('playwright-core');
				const sample = renderDashboardHtml(
					sampleOverview(),
					{ name: 'Karim Benjelloun', level: 3 },
					{ language: 'fr', company: 'Atlas Distribution SA', session: 'sample' },
				);
				const server = await servePages(
					(req) =>
						req.url.startsWith('/sample')
							? Promise.resolve({
									status: 200,
									headers: { 'Content-Type': 'text/html; charset=utf-8' },
									body: sample,
								})
							: handleDashboardRequest(
									ledger,
									{ method: req.method, body: req.body },
									{ company: 'Demo SA', overview: { asOf: AS_OF } },
								),
					// the sandbox n8n puts webhook pages in: no script would run anyway, and nothing may need one
					{
						'Content-Security-Policy':
							"sandbox allow-forms; default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
					},
				);
				const base = server.base;
				const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
				mkdirSync(ARTIFACTS, { recursive: true });
				try {
					const problems: string[] = [];
					const requests: string[] = [];
					const watch = (page: import('playwright-core').Page) => {
						page.on('console', (m) => {
							// Playwright's clicks probe the page with scripts of their own, which the sandbox blocks (the same
							// message comes with a page holding no script at all); the page's own scripts are counted below.
							if (
								/^Blocked script execution in .* the document's frame is sandboxed/.test(m.text())
							)
								return;
							if (m.type() === 'error' || m.type() === 'warning')
								problems.push(`${m.type()}: ${m.text()}`);
						});
						page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
						page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
						page.on('request', (r) => requests.push(r.url()));
					};
					const visibleCharts = async (page: import('playwright-core').Page): Promise<number> => {
						const charts = page.locator('svg.chart');
						const count = await charts.count();
						for (let i = 0; i < count; i++) {
							await charts.nth(i).scrollIntoViewIfNeeded();
							const box = await charts.nth(i).boundingBox();
							expect(box && box.width > 200 && box.height > 80).toBe(true);
							// bars, points or slices are drawn with a size
							const mark = await charts.nth(i).locator('.mark').first().boundingBox();
							expect(mark && mark.width > 0 && mark.height > 0).toBe(true);
						}
						return count;
					};

					const phone = await browser.newContext({
						viewport: { width: 390, height: 844 },
						isMobile: true,
						hasTouch: true,
					});
					const page = await phone.newPage();
					watch(page);
					await page.goto(`${base}/dashboard`);
					await page.fill('#login', 'rep1');
					await page.fill('#secret', 'rep one secret');
					await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
					expect(await page.locator('h1').textContent()).toBe(
						'Demo SA — Tableau de bord des encaissements',
					);
					expect(await page.evaluate<number>('document.scripts.length')).toBe(0);
					expect(await visibleCharts(page)).toBeGreaterThanOrEqual(2);
					const aged = await page.locator('#aged').textContent();
					expect(aged).toContain('Atlas <script>alert(1)</script> & Fils');
					expect(aged).not.toContain('Secret Customer');
					// nothing wider than the phone's screen but the scrollable tables
					expect(
						await page.evaluate<number>('document.documentElement.scrollWidth'),
					).toBeLessThanOrEqual(392);
					await page.screenshot({
						path: path.join(ARTIFACTS, 'dashboard-rep-phone.png'),
						fullPage: true,
					});
					await Promise.all([page.waitForNavigation(), page.click('button:has-text("English")')]);
					expect(await page.locator('h1').textContent()).toBe('Demo SA — Receivables dashboard');

					const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
					const full = await desktop.newPage();
					watch(full);
					await full.goto(`${base}/sample`);
					expect(await visibleCharts(full)).toBeGreaterThanOrEqual(10);
					const tiles = await full.locator('.kpi').count();
					expect(tiles).toBeGreaterThanOrEqual(20);
					await full.screenshot({
						path: path.join(ARTIFACTS, 'dashboard-sample.png'),
						fullPage: true,
					});

					expect(problems).toEqual([]);
					expect(requests.filter((u) => !u.startsWith(base))).toEqual([]);
				} finally {
					await browser.close();
					await server.close();
				}
			},
			120000,
		);
	});
});
