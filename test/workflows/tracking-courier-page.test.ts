import path from 'node:path';
import {
	markInvoicesEntered,
	planWaves,
	releaseWave,
	saveCourierAccount,
	savePortalUser,
} from '../../core';
import { loadWorkflow, PACKAGE_ROOT } from '../helpers/engine';
import { callPageTrigger } from '../helpers/pageTrigger';
import { seedDistribution } from './distribution-helpers';
import { engineLedger, expectLedgerRole } from '../helpers/engineLedger';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'tracking-courier-page.json'));

describe('workflow: Tracking: courier page (scan, outcome, signature, photo)', () => {
	// As npm start runs it: the nodes use a ledger role that is not a superuser, so row-level security applies.
	const t = engineLedger({}, { ledgerRole: true });

	test('the nodes run under the ledger role, not a superuser', () => expectLedgerRole(t));
	beforeAll(async () => {
		await seedDistribution(t.ledger);
		const plan = await planWaves(t.ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 10,
		});
		for (const w of plan.waves) {
			await markInvoicesEntered(t.ledger, { waveCode: w.code });
			await releaseWave(t.ledger, { waveCode: w.code });
		}
		await saveCourierAccount(t.ledger, {
			login: 'youssef',
			name: 'Youssef',
			staffCode: 'C1',
			secret: 'courier secret',
			language: 'fr',
		});
		await savePortalUser(t.ledger, {
			login: 'rep1',
			name: 'Rep One',
			level: 2,
			staffCode: 'R1',
			secret: 'rep one secret',
			language: 'fr',
		});
	});

	const post = async (body?: Record<string, string>) => {
		const answer = await callPageTrigger(WORKFLOW, t.credentials, { body });
		// A page request starts no execution: nothing of it (login, secret, session, signature, photo) becomes an item.
		expect(answer.workflowData).toBeUndefined();
		return answer;
	};
	const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
	/** Signs in as a browser does: the login page first, then its form with the form token. */
	const signIn = async (login: string, secret: string) =>
		post({ action: 'login', login, secret, form: formOf((await post()).body) });

	test('a courier logs in and records a delivery once, even when the form is sent twice', async () => {
		const page = await signIn('youssef', 'courier secret');
		expect(page.status).toBe(200);
		const html = page.body;
		const field = (name: string) =>
			new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
		const form = {
			action: 'record',
			session: field('session'),
			form: field('form'),
			eventId: field('eventId'),
			code: 'MA-2',
			type: 'delivered',
			recipientName: 'Accueil',
			occurredAt: new Date(Date.now() - 1000).toISOString(),
		};
		const first = await post(form);
		expect(first.status).toBe(200);
		expect(first.body).toContain('Enregistré: MA-2 — Remise');
		const second = await post(form);
		expect(second.body).toContain('Enregistré: MA-2');
		expect(await t.ledger.query(`SELECT 1 FROM courier_events`)).toHaveLength(1);
		const bad = await post({ ...form, eventId: 'pg-other-123456', code: 'SN-1' });
		expect(bad.status).toBe(422);
		// An invoice of another courier's wave is answered like an unknown one: nothing is learnt of other waves.
		expect(bad.body).toContain('Aucune remise n&#39;est prévue pour la facture SN-1');
	});

	test('the page lists only the courier’s own waves, and a portal user cannot sign in to it', async () => {
		const page = (await signIn('youssef', 'courier secret')).body;
		expect(page).toContain('data-invoice="MA-2"');
		expect(page).not.toContain('data-invoice="SN-1"');
		const rep = await signIn('rep1', 'rep one secret');
		expect(rep.status).toBe(401);
		expect(rep.body).not.toContain('name="eventId"');
	});
});
