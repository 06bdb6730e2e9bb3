// The Receivables Page Trigger counts failed logins against the address of the connection n8n received (Express's
// req.ip), so a guesser reaching n8n directly cannot escape the per-address lockout by writing X-Real-IP or
// X-Forwarded-For headers; the shipped courier page workflow, in-process, against a real ledger.
import path from 'node:path';
import { saveCourierAccount } from '../../core';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { loadWorkflow, PACKAGE_ROOT } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import { callPageTrigger } from '../helpers/pageTrigger';
import { seedDistribution } from '../workflows/distribution-helpers';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'tracking-courier-page.json'));
const formOf = (html: string) => /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('security: the page trigger’s client address', () => {
	const t = engineLedger();
	beforeAll(async () => {
		await seedDistribution(t.ledger);
		await saveCourierAccount(t.ledger, {
			login: 'youssef',
			name: 'Youssef',
			staffCode: 'C1',
			secret: 'courier one secret',
		});
	});
	afterAll(() => closeLedgers());

	const signIn = async (
		peer: string,
		login: string,
		secret: string,
		headers: Record<string, string>,
	) => {
		const form = formOf(
			(await callPageTrigger(WORKFLOW, t.credentials, { method: 'GET', peer, headers })).body,
		);
		return await callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			peer,
			headers,
			body: { action: 'login', login, secret, form },
		});
	};

	test('a direct guesser writing a new X-Real-IP on every try is locked out by its own address; others are not', async () => {
		for (let i = 0; i < 30; i++)
			expect(
				(
					await signIn('203.0.113.7', `spray${i}`, 'password123!', {
						'x-real-ip': `198.51.100.${i}`,
					})
				).status,
			).toBe(401);
		const locked = await signIn('203.0.113.7', 'youssef', 'courier one secret', {
			'x-real-ip': '198.51.100.250',
		});
		expect(locked.status).toBe(429);
		expect(locked.body).not.toContain('data-invoice');
		expect(locked.workflowData).toBeUndefined();
		expect((await signIn('203.0.113.8', 'youssef', 'courier one secret', {})).status).toBe(200);
	}, 240_000);
});
