// The report workflows in a real n8n 2.40.7: the package packed and installed as n8n installs community packages,
// the workflows imported, the dashboard activated the way `npm start` does (n8n's activate endpoint). Portal users
// of each accreditation level log in over HTTP and see only their scope; the dashboard is opened in headless
// Chromium and its charts are drawn; the weekly PDF workflow is run with `n8n execute` (in a second n8n process,
// while the first serves the dashboard) and its e-mail, with the PDF, reaches a real SMTP server.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Ledger } from '../../core';
import { testLedgerConfig } from '../helpers/db';
import {
	prepareInstance,
	REPO_ROOT,
	runtimeLibrary,
	type CliResult,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import {
	CUSTOMER_NAMES,
	GH1_NAMES,
	pdfText,
	plain,
	REP1_NAMES,
	REPORT_SECRETS,
	seedReports,
	today,
} from '../workflows/reports-helpers';

const DASHBOARD = 'receivables/dashboard';
const DASHBOARD_WORKFLOW = 'rcvReportsDashboard';
const WEEKLY_WORKFLOW = 'rcvReportsWeeklyPdf';
import { browserTest, CHROMIUM } from '../helpers/browser';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'reports');

/** Creates the owner, then activates a workflow with its current version (what the editor's toggle and npm start do). */
async function activate(url: string, id: string): Promise<{ status: number; body: string }> {
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			email: 'owner@reports.example',
			firstName: 'Finance',
			lastName: 'Owner',
			password: `Owner-${randomBytes(6).toString('hex')}1`,
		}),
	});
	const cookie = (setup.headers.getSetCookie().find((c) => c.startsWith('n8n-auth=')) ?? '').split(
		';',
	)[0];
	if (!setup.ok || !cookie) return { status: setup.status, body: await setup.text() };
	const current = (await (
		await fetch(`${url}/rest/workflows/${id}`, { headers: { cookie } })
	).json()) as { data: { versionId: string } };
	const response = await fetch(`${url}/rest/workflows/${id}/activate`, {
		method: 'POST',
		headers: { cookie, 'content-type': 'application/json' },
		body: JSON.stringify({ versionId: current.data.versionId }),
	});
	return { status: response.status, body: await response.text() };
}

describe('real n8n: receivables reports and dashboard', () => {
	let instance: TestInstance | undefined;
	let sink: SmtpSink | undefined;
	let n8n: N8nProcess;
	let activation: { status: number; body: string };
	let weekly: Promise<CliResult>;

	const page = async (
		form?: Record<string, string>,
	): Promise<{ status: number; html: string; headers: Headers }> => {
		const response = await fetch(`${n8n.url}/webhook/${DASHBOARD}`, {
			method: form ? 'POST' : 'GET',
			headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
			body: form ? new URLSearchParams(form).toString() : undefined,
			signal: AbortSignal.timeout(60_000),
		});
		return { status: response.status, html: await response.text(), headers: response.headers };
	};
	const seen = (html: string) => CUSTOMER_NAMES.filter((name) => html.includes(name));
	// Every POST form carries the page's form token (login included): a form posted from elsewhere is refused.
	const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const signIn = async (login: string, secret: string) =>
		page({ action: 'login', login, secret, form: formOf((await page()).html) });

	beforeAll(async () => {
		sink = await startSmtpSink();
		instance = await prepareInstance('reports', { smtpPort: sink.config.port, publish: [] });
		// The demo ledger, written with the installed package's own core (its migrations, its rules).
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const installed = require(
			path.join(instance.packageDir, 'dist', 'core', 'index.js'),
		) as typeof import('../../core');
		const ledger: Ledger = installed.openLedger(testLedgerConfig(instance.ledgerSchema));
		try {
			await ledger.ensureReady();
			await seedReports(ledger, installed);
		} finally {
			await ledger.close();
		}
		n8n = await instance.start('main', await instance.env());
		activation = await activate(n8n.url, DASHBOARD_WORKFLOW);
		if (activation.status === 200)
			await runtimeLibrary.waitForWebhook(n8n.url, DASHBOARD, {
				method: 'GET',
				timeoutMs: 120_000,
			});
		// The weekly report runs meanwhile in an `n8n execute` process of its own (own ports, same database).
		weekly = instance.cli(await instance.env(), [
			'execute',
			`--id=${WEEKLY_WORKFLOW}`,
			'--rawOutput',
		]);
		weekly.catch(() => undefined);
	}, 15 * 60_000);

	afterAll(async () => {
		await instance?.cleanup();
		await sink?.close();
	}, 120_000);

	test("the dashboard workflow is activated through n8n's activate endpoint, as npm start does", () => {
		expect(activation).toEqual({ status: 200, body: expect.stringContaining('"active":true') });
	});

	test('over HTTP: the login form, then each accreditation level sees only its scope', async () => {
		const login = await page();
		expect(login.status).toBe(200);
		expect(login.headers.get('content-type')).toMatch(/^text\/html/);
		expect(login.headers.get('referrer-policy')).toBe('no-referrer');
		expect(login.html).toContain('name="secret"');
		expect(seen(login.html)).toEqual([]);

		const forged = await page({
			action: 'login',
			login: 'rep.one',
			secret: REPORT_SECRETS['rep.one'],
		});
		expect(forged.status).toBe(403);
		expect(seen(forged.html)).toEqual([]);

		const wrong = await signIn('rep.one', 'this is not the secret');
		expect(wrong.status).toBe(401);
		expect(seen(wrong.html)).toEqual([]);

		const finance = await signIn('finance', REPORT_SECRETS.finance);
		expect(finance.status).toBe(200);
		expect(seen(finance.html)).toEqual(CUSTOMER_NAMES);
		expect(plain(finance.html)).toContain('6 800,00 €');

		// A sales rep: their own customer only, never another rep's customer names, also on the next page.
		const rep = await signIn('rep.one', REPORT_SECRETS['rep.one']);
		expect(rep.status).toBe(200);
		expect(seen(rep.html)).toEqual(REP1_NAMES);
		expect(plain(rep.html)).toContain('3 500,00 €');
		const session = /name="session" value="([^"]+)"/.exec(rep.html)?.[1] ?? '';
		expect(session).not.toBe('');
		const next = await page({ session, form: formOf(rep.html) });
		expect(next.status).toBe(200);
		expect(seen(next.html)).toEqual(REP1_NAMES);

		const head = await signIn('head.one', REPORT_SECRETS['head.one']);
		expect(seen(head.html)).toEqual(GH1_NAMES);
	}, 120_000);

	const chromiumTest = browserTest(test);
	chromiumTest(
		'in headless Chromium: a sales rep logs in on the page n8n serves and the charts are drawn',
		async () => {
			const { chromium } = await import('playwright-core');
			mkdirSync(ARTIFACTS, { recursive: true });
			const browser = await chromium.launch({
				executablePath: CHROMIUM,
				args: [
					'--headless',
					'--no-sandbox',
					'--disable-gpu',
					'--disable-background-networking',
					'--disable-component-update',
					'--disable-sync',
					'--no-first-run',
				],
			});
			try {
				const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
				const tab = await context.newPage();
				await tab.goto(`${n8n.url}/webhook/${DASHBOARD}`);
				await tab.fill('#login', 'rep.one');
				await tab.fill('#secret', REPORT_SECRETS['rep.one']);
				await Promise.all([tab.waitForNavigation(), tab.click('button[type=submit]')]);
				const text = plain(await tab.locator('body').innerText());
				expect(CUSTOMER_NAMES.filter((name) => text.includes(name))).toEqual(REP1_NAMES);
				// Every chart (svg.chart) is an inline SVG drawn with a size, holding marks (bars, lines, slices) that have one too.
				const charts = await tab.evaluate<
					Array<{ width: number; height: number; marks: number }>
				>(`[...document.querySelectorAll('svg.chart')].map((svg) => {
				const box = svg.getBoundingClientRect();
				const marks = [...svg.querySelectorAll('rect, path, polyline, line, circle')].filter((m) => {
					const r = m.getBoundingClientRect();
					return r.width > 0 || r.height > 0;
				});
				return { width: box.width, height: box.height, marks: marks.length };
			})`);
				expect(charts.length).toBeGreaterThanOrEqual(3);
				for (const chart of charts) {
					expect(chart.width).toBeGreaterThan(100);
					expect(chart.height).toBeGreaterThan(50);
					expect(chart.marks).toBeGreaterThan(0);
				}
				await tab.screenshot({
					path: path.join(ARTIFACTS, 'dashboard-level2.png'),
					fullPage: true,
				});

				const finance = await context.newPage();
				await finance.goto(`${n8n.url}/webhook/${DASHBOARD}`);
				await finance.fill('#login', 'finance');
				await finance.fill('#secret', REPORT_SECRETS.finance);
				await Promise.all([finance.waitForNavigation(), finance.click('button[type=submit]')]);
				const all = plain(await finance.locator('body').innerText());
				expect(CUSTOMER_NAMES.filter((name) => all.includes(name))).toEqual(CUSTOMER_NAMES);
				await finance.screenshot({
					path: path.join(ARTIFACTS, 'dashboard-level1.png'),
					fullPage: true,
				});
			} finally {
				await browser.close();
			}
		},
		120_000,
	);

	test('`n8n execute` runs the weekly report: the e-mail with the PDF reaches the SMTP server', async () => {
		const result = await weekly;
		expect({
			code: result.code,
			stderr: result.code === 0 ? '' : `${result.stderr}\n${result.stdout.slice(-3000)}`,
		}).toEqual({ code: 0, stderr: '' });
		const printed = /^\{\n[\s\S]*?\n\}$/m.exec(result.stdout);
		expect(printed).not.toBeNull();
		const run = JSON.parse(printed![0]) as {
			status: string;
			data: { resultData: { lastNodeExecuted: string } };
		};
		expect(run.status).toBe('success');
		expect(run.data.resultData.lastNodeExecuted).toBe('E-mail to the finance manager');

		const smtp = sink as SmtpSink;
		expect(smtp.received).toHaveLength(1);
		expect(smtp.received[0].envelope.to).toEqual(['direction.financiere@example.com']);
		const [mail] = await smtp.parsed();
		expect(mail.subject).toBe(`Rapport des encaissements clients au ${today()}`);
		const [pdf] = mail.attachments;
		expect({ name: pdf.filename, type: pdf.contentType }).toEqual({
			name: `rapport-encaissements-${today()}.pdf`,
			type: 'application/pdf',
		});
		const text = pdfText(pdf.content);
		expect(text).toContain('6 800,00 € 5 800,00 €');
		expect(text).toContain('Garage Beta (C-BETA) 3 300,00 €');
		for (const name of CUSTOMER_NAMES) expect(text).toContain(name);
	}, 180_000);
});
