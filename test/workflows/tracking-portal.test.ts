import path from 'node:path';
import { markInvoicesEntered, planWaves, releaseWave, savePortalUser } from '../../core';
import { loadWorkflow, PACKAGE_ROOT } from '../helpers/engine';
import { callPageTrigger } from '../helpers/pageTrigger';
import { seedDistribution } from './distribution-helpers';
import { engineLedger, expectLedgerRole } from '../helpers/engineLedger';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'tracking-portal.json'));

describe('workflow: Tracking: sales-force portal (login, scoped status, CSV)', () => {
	// As npm start runs it: the nodes use a ledger role that is not a superuser, so row-level security applies.
	const t = engineLedger({}, { ledgerRole: true });

	test('the nodes run under the ledger role, not a superuser', () => expectLedgerRole(t));
	beforeAll(async () => {
		await seedDistribution(t.ledger);
		await t.ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('R2', 'Other rep', '{sales_rep}')`,
		);
		await t.ledger.query(`UPDATE customers SET sales_rep_code = 'R2' WHERE external_id = 'K2'`);
		const plan = await planWaves(t.ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 10,
		});
		for (const w of plan.waves) {
			await markInvoicesEntered(t.ledger, { waveCode: w.code });
			await releaseWave(t.ledger, { waveCode: w.code });
		}
		await savePortalUser(t.ledger, {
			login: 'rep1',
			name: 'Rep One',
			level: 2,
			staffCode: 'R1',
			secret: 'rep one secret',
			language: 'en',
		});
	});

	const open = async (body?: Record<string, string>) => {
		const answer = await callPageTrigger(WORKFLOW, t.credentials, { body });
		// A page request starts no execution: nothing of it (login, secret, session) becomes an item.
		expect(answer.workflowData).toBeUndefined();
		return answer;
	};
	const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	/** Signs in as a browser does: the login page first, then its form with the form token. */
	const signIn = async (login: string, secret: string) =>
		open({ action: 'login', login, secret, form: formOf((await open()).body) });

	test('serves the login page, then the rep’s invoices only, as escaped HTML with no-referrer', async () => {
		const login = await open();
		expect(login.status).toBe(200);
		expect(login.body).toContain('name="secret"');
		expect(login.headers['referrer-policy']).toBe('no-referrer');
		expect(login.headers['content-type']).toMatch(/text\/html/);
		expect(login.headers['x-frame-options']).toBe('DENY');
		const wrong = await signIn('rep1', 'wrong secret');
		expect(wrong.status).toBe(401);
		const page = await signIn('rep1', 'rep one secret');
		const html = page.body;
		expect(html).toContain('MA-1');
		expect(html).not.toContain('SN-1');
		const session = /name="session" value="([^"]+)"/.exec(html)?.[1] ?? '';
		const csv = await open({ action: 'csv', session, form: formOf(html) });
		expect(csv.body).toContain('MA-3');
		expect(csv.body).not.toContain('SN-1');
	});
});
