import path from 'node:path';
import type { Ledger } from '../../core';
import { dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { loadWorkflow, PACKAGE_ROOT } from '../helpers/engine';
import { callPageTrigger } from '../helpers/pageTrigger';
import {
	CUSTOMER_NAMES,
	GH1_NAMES,
	plain,
	REP1_NAMES,
	REPORT_SECRETS,
	reportsLedger,
} from './reports-helpers';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'reports-daily-dashboard.json'));

describe("workflow: Reports — collectors' dashboard (login, charts within the accreditation)", () => {
	let ledger: Ledger;
	let credentials: Record<string, Record<string, string | number>>;

	beforeAll(async () => {
		ledger = await reportsLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
	}, 60_000);

	afterAll(async () => {
		await closeLedgers();
		if (ledger) await dropTestLedger(ledger);
	}, 60_000);

	const open = async (body?: Record<string, string>) => {
		const response = await callPageTrigger(WORKFLOW, credentials, { body });
		// A page request starts no execution: nothing of it (login, secret, session) becomes an item.
		expect(response.workflowData).toBeUndefined();
		return {
			status: response.status,
			html: response.body,
			header: (name: string) => response.headers[name.toLowerCase()],
		};
	};
	const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	const signIn = async (login: string, secret: string) =>
		open({ action: 'login', login, secret, form: formOf((await open()).html) });
	const login = (user: keyof typeof REPORT_SECRETS) => signIn(user, REPORT_SECRETS[user]);
	const seen = (html: string) => CUSTOMER_NAMES.filter((name) => html.includes(name));

	test('serves the login form as HTML with no-referrer, and refuses a wrong secret with 401', async () => {
		const page = await open();
		expect(page.status).toBe(200);
		expect(page.html).toContain('name="secret"');
		expect(page.header('Content-Type')).toMatch(/^text\/html/);
		expect(page.header('Referrer-Policy')).toBe('no-referrer');
		expect(page.header('X-Frame-Options')).toBe('DENY');
		expect(page.header('Content-Security-Policy')).toMatch(/^sandbox .*; frame-ancestors 'none'$/);
		expect(seen(page.html)).toEqual([]);
		const wrong = await signIn('rep.one', 'not the secret at all');
		expect(wrong.status).toBe(401);
		expect(wrong.html).not.toContain('name="session"');
		expect(seen(wrong.html)).toEqual([]);
	}, 60_000);

	test('level 1 sees every customer, with the charts as inline SVG and the totals of the ledger', async () => {
		const page = await login('finance');
		expect(page.status).toBe(200);
		expect(seen(page.html)).toEqual(CUSTOMER_NAMES);
		expect(page.html.match(/<svg[\s>]/g)?.length).toBeGreaterThanOrEqual(3);
		expect(page.html).not.toMatch(/<script[^>]+src=/i);
		expect(plain(page.html)).toContain('6 800,00 €');
	}, 60_000);

	test('a sales rep (level 2) sees only their own customers, also on the pages after login', async () => {
		const page = await login('rep.one');
		expect(seen(page.html)).toEqual(REP1_NAMES);
		expect(plain(page.html)).toContain('3 500,00 €');
		expect(plain(page.html)).not.toContain('6 800,00 €');
		expect(plain(page.html)).not.toContain('MAD');
		const session = /name="session" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
		expect(session).not.toBe('');
		const again = await open({ session });
		expect(again.status).toBe(200);
		expect(seen(again.html)).toEqual(REP1_NAMES);
		const forged = await open({ session: session.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) });
		expect(forged.html).toContain('name="secret"');
		expect(seen(forged.html)).toEqual([]);
	}, 60_000);

	test('a group head (level 3) sees the customers of their reps only, in their language', async () => {
		const page = await login('head.one');
		expect(seen(page.html)).toEqual(GH1_NAMES);
		expect(page.html).toMatch(/<html lang="en"/);
	}, 60_000);
});
