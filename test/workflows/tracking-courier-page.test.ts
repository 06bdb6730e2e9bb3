import path from 'node:path';
import { markInvoicesEntered, planWaves, releaseWave, saveCourierAccount, savePortalUser, type Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { closeEngine, loadWorkflow, PACKAGE_ROOT, runWorkflow, webhookItem } from '../helpers/engine';
import { seedDistribution } from './distribution-helpers';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'tracking-courier-page.json'));

describe('workflow: Tracking: courier page (scan, outcome, signature, photo)', () => {
	let ledger: Ledger;
	let credentials: Record<string, Record<string, string | number>>;
	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
		await seedDistribution(ledger);
		const plan = await planWaves(ledger, { runDate: '2026-03-31', startDate: '2026-03-30', maxPerCourierPerDay: 10 });
		for (const w of plan.waves) {
			await markInvoicesEntered(ledger, { waveCode: w.code });
			await releaseWave(ledger, { waveCode: w.code });
		}
		await saveCourierAccount(ledger, { login: 'youssef', name: 'Youssef', staffCode: 'C1', secret: 'courier secret', language: 'fr' });
		await savePortalUser(ledger, { login: 'rep1', name: 'Rep One', level: 2, staffCode: 'R1', secret: 'rep one secret', language: 'fr' });
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const post = (body: Record<string, string>) => runWorkflow(WORKFLOW, { triggerItems: [webhookItem({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })], credentials });

	const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	/** Signs in as a browser does: the login page first, then its form with the form token. */
	const signIn = async (login: string, secret: string) => post({ action: 'login', login, secret, form: formOf(String((await post({})).responses[0].body)) });

	test('a courier logs in and records a delivery once, even when the form is sent twice', async () => {
		const page = await signIn('youssef', 'courier secret');
		expect(page.error).toBeUndefined();
		const html = String(page.responses[0].body);
		const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
		const form = { action: 'record', session: field('session'), form: field('form'), eventId: field('eventId'), code: 'MA-2', type: 'delivered', recipientName: 'Accueil', occurredAt: new Date(Date.now() - 1000).toISOString() };
		const first = await post(form);
		expect(first.responses[0]).toMatchObject({ statusCode: 200 });
		expect(String(first.responses[0].body)).toContain('Enregistré: MA-2 — Remise');
		const second = await post(form);
		expect(String(second.responses[0].body)).toContain('Enregistré: MA-2');
		expect(await ledger.query(`SELECT 1 FROM courier_events`)).toHaveLength(1);
		const bad = await post({ ...form, eventId: 'pg-other-123456', code: 'SN-1' });
		expect(bad.responses[0]).toMatchObject({ statusCode: 422 });
		// An invoice of another courier's wave is answered like an unknown one: nothing is learnt of other waves.
		expect(String(bad.responses[0].body)).toContain('Aucune remise n&#39;est prévue pour la facture SN-1');
	});

	test('the page lists only the courier’s own waves, and a portal user cannot sign in to it', async () => {
		const page = String((await signIn('youssef', 'courier secret')).responses[0].body);
		expect(page).toContain('data-invoice="MA-2"');
		expect(page).not.toContain('data-invoice="SN-1"');
		const rep = await signIn('rep1', 'rep one secret');
		expect(rep.responses[0]).toMatchObject({ statusCode: 401 });
		expect(String(rep.responses[0].body)).not.toContain('name="eventId"');
	});
});
