// The report workflows on the demo company of `npm start` (scripts/lib/demo-data.mjs, loaded with the built core as
// npm start does) with the portal accounts npm start creates: the dashboard shows each account its own scope and
// the ledger's open balance of that scope; the weekly and monthly reports go out with their files.
import path from 'node:path';
import {
	escapeHtml,
	formatMoney,
	openLedger,
	savePortalUser,
	todayIn,
	type Ledger,
} from '../../core';
import { dropSchema, testDatabaseUrl, uniqueSchema } from '../helpers/db';
import { closeEngine, loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { callPageTrigger } from '../helpers/pageTrigger';
import { moduleUrl, runModule } from '../helpers/scripts';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { credentialsFor } from './dunning-helpers';
import { pdfText, plain } from './reports-helpers';

jest.setTimeout(300_000);

const schema = uniqueSchema('rpt_demo_wf');
const SECRET = 'demo portal secret';
/** The tracking-portal accounts npm start creates for the demo company (scripts/start.mjs). */
const ACCOUNTS = [
	{ login: 'direction', name: 'Direction financière', level: 1, staffCode: null },
	{ login: 'karim.benjelloun', name: 'Karim Benjelloun', level: 3, staffCode: 'GH-MA' },
	{ login: 'youssef.elamrani', name: 'Youssef El Amrani', level: 2, staffCode: 'VR-MA1' },
] as const;

describe('report workflows on the demo company of npm start', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		await runModule(`
			import { loadCore } from '${moduleUrl('scripts/lib/project.mjs')}';
			import { loadDemoCompany } from '${moduleUrl('scripts/lib/demo-data.mjs')}';
			const core = loadCore();
			const ledger = core.openLedger({ connectionString: ${JSON.stringify(testDatabaseUrl())}, schema: '${schema}' });
			try {
				const loaded = await loadDemoCompany(core, ledger, { asOf: '${todayIn('Europe/Paris')}' });
				console.log(JSON.stringify({ status: loaded.status }));
			} finally {
				await ledger.close();
			}
		`);
		ledger = openLedger({ connectionString: testDatabaseUrl(), schema });
		for (const account of ACCOUNTS)
			await savePortalUser(ledger, { ...account, secret: SECRET, language: 'fr' });
		sink = await startSmtpSink();
	});

	afterAll(async () => {
		await sink?.close();
		await closeEngine();
		await ledger?.close();
		await dropSchema(schema);
	});

	/** The customers of an account's scope and the others, and the open balance of its scope per currency. */
	async function scope(account: (typeof ACCOUNTS)[number]) {
		const inScope =
			account.level === 1
				? 'true'
				: account.level === 2
					? 'c.sales_rep_code = $1'
					: 'c.sales_rep_code IN (SELECT code FROM staff WHERE manager_code = $1)';
		const values = account.level === 1 ? [] : [account.staffCode];
		const customers = await ledger.query<{ name: string; mine: boolean }>(
			`SELECT c.name, coalesce(${inScope}, false) AS mine FROM customers c`,
			values,
		);
		const open = await ledger.query<{ currency: string; invoices: number; open: string }>(
			`SELECT i.currency, count(*)::int AS invoices, sum(i.open_minor)::text AS open FROM invoices i JOIN customers c ON c.id = i.customer_id
			WHERE i.status = 'open' AND i.doc_type = 'invoice' AND i.open_minor <> 0 AND ${inScope} GROUP BY i.currency ORDER BY count(*) DESC, i.currency`,
			values,
		);
		return {
			mine: customers.filter((c) => c.mine).map((c) => c.name),
			others: customers.filter((c) => !c.mine).map((c) => c.name),
			open,
		};
	}

	test.each(ACCOUNTS.map((a) => [a.login, a] as const))(
		'dashboard for %s: only their scope, with its open balance',
		async (_login, account) => {
			// The dashboard is served by the Receivables Page Trigger (no execution): log in with the login form's token.
			const workflow = loadWorkflow(
				path.join(PACKAGE_ROOT, 'workflows', 'reports-daily-dashboard.json'),
			);
			const credentials = credentialsFor(ledger);
			const form =
				/name="form" value="([^"]+)"/.exec(
					(await callPageTrigger(workflow, credentials, {})).body,
				)?.[1] ?? '';
			const answer = await callPageTrigger(workflow, credentials, {
				body: { action: 'login', login: account.login, secret: SECRET, form },
			});
			expect(answer.workflowData).toBeUndefined();
			expect(answer.status).toBe(200);
			const html = String(answer.body);
			const { mine, others, open } = await scope(account);
			expect(mine.length).toBeGreaterThan(0);
			if (account.level === 1) expect(others).toEqual([]);
			else expect(others.length).toBeGreaterThan(mine.length);
			expect(others.filter((name) => html.includes(escapeHtml(name)))).toEqual([]);
			expect(mine.some((name) => html.includes(escapeHtml(name)))).toBe(true);
			// The main currency's open balance, as the ledger has it today, is on the page.
			const [main] = open;
			expect(plain(html)).toContain(plain(formatMoney(BigInt(main.open), main.currency, 'fr')));
		},
	);

	test('the weekly PDF and the monthly DSO report go out with their files', async () => {
		const credentials = credentialsFor(ledger, sink);
		for (const [file, start] of [
			['reports-weekly-pdf.json', 'Mondays at 07:00'],
			['reports-monthly-dso.json', '1st of the month at 07:00'],
		]) {
			const run = await runWorkflow(loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', file)), {
				startNode: start,
				credentials,
			});
			expect({ file, error: run.error?.message }).toEqual({ file, error: undefined });
		}
		const [weekly, monthly] = await sink.parsed();
		expect(weekly.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
		expect(monthly.attachments.map((a) => a.contentType)).toEqual(['text/csv', 'application/pdf']);
		const [main] = (await scope(ACCOUNTS[0])).open;
		const text = pdfText(weekly.attachments[0].content);
		expect(text).toContain(plain(formatMoney(BigInt(main.open), main.currency, 'fr')));
		for (const title of [
			'Balance âgée',
			'DSO, CEI et retards de paiement',
			'Nettoyage de la balance',
			'Résultats des relances',
			'Litiges',
			'Distribution des factures',
		])
			expect(text).toContain(title);
		expect(plain(weekly.text ?? '')).toContain(
			`Encours (${main.currency}) : ${plain(formatMoney(BigInt(main.open), main.currency, 'fr'))} (${main.invoices} factures)`,
		);
	});
});
