import path from 'node:path';
import { markInvoicesEntered, planWaves, releaseWave, savePortalUser, type Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { closeEngine, loadWorkflow, PACKAGE_ROOT, runWorkflow, webhookItem } from '../helpers/engine';
import { seedDistribution } from './distribution-helpers';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'tracking-portal.json'));

describe('workflow: Tracking: sales-force portal (login, scoped status, CSV)', () => {
	let ledger: Ledger;
	let credentials: Record<string, Record<string, string | number>>;
	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
		await seedDistribution(ledger);
		await ledger.query(`INSERT INTO staff (code, name, roles) VALUES ('R2', 'Other rep', '{sales_rep}')`);
		await ledger.query(`UPDATE customers SET sales_rep_code = 'R2' WHERE external_id = 'K2'`);
		const plan = await planWaves(ledger, { runDate: '2026-03-31', startDate: '2026-03-30', maxPerCourierPerDay: 10 });
		for (const w of plan.waves) {
			await markInvoicesEntered(ledger, { waveCode: w.code });
			await releaseWave(ledger, { waveCode: w.code });
		}
		await savePortalUser(ledger, { login: 'rep1', name: 'Rep One', level: 2, staffCode: 'R1', secret: 'rep one secret', language: 'en' });
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const open = (body: Record<string, string>) => runWorkflow(WORKFLOW, { triggerItems: [webhookItem({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })], credentials });

	const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	/** Signs in as a browser does: the login page first, then its form with the form token. */
	const signIn = async (login: string, secret: string) => open({ action: 'login', login, secret, form: formOf(String((await open({})).responses[0].body)) });

	test('serves the login page, then the rep’s invoices only, as escaped HTML with no-referrer', async () => {
		const login = await open({});
		expect(login.error).toBeUndefined();
		expect(login.responses[0]).toMatchObject({ statusCode: 200 });
		expect(String(login.responses[0].body)).toContain('name="secret"');
		const headers = login.responses[0].headers as Record<string, string>;
		expect(headers['referrer-policy'] ?? headers['Referrer-Policy']).toBe('no-referrer');
		expect(headers['content-type'] ?? headers['Content-Type']).toMatch(/text\/html/);
		const wrong = await signIn('rep1', 'wrong secret');
		expect(wrong.responses[0]).toMatchObject({ statusCode: 401 });
		const page = await signIn('rep1', 'rep one secret');
		const html = String(page.responses[0].body);
		expect(html).toContain('MA-1');
		expect(html).not.toContain('SN-1');
		const session = /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '';
		const csv = await open({ action: 'csv', session, form: formOf(html) });
		expect(String(csv.responses[0].body)).toContain('MA-3');
		expect(String(csv.responses[0].body)).not.toContain('SN-1');
	});
});
