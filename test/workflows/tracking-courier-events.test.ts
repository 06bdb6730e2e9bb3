import path from 'node:path';
import {
	enrolCourierDevice,
	markInvoicesEntered,
	planWaves,
	releaseWave,
	saveCourierAccount,
	signWebhookRequest,
} from '../../core';
import { loadWorkflow, PACKAGE_ROOT } from '../helpers/engine';
import { callPageTrigger } from '../helpers/pageTrigger';
import { seedDistribution } from './distribution-helpers';
import { engineLedger, expectLedgerRole } from '../helpers/engineLedger';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'tracking-courier-events.json'));

describe('workflow: Tracking: courier events webhook (signed) → proof of delivery', () => {
	// As npm start runs it: the nodes use a ledger role that is not a superuser, so row-level security applies.
	const t = engineLedger({}, { ledgerRole: true });

	test('the nodes run under the ledger role, not a superuser', () => expectLedgerRole(t));
	/** The courier's phone, enrolled with its own key (kept in the ledger, never in a credential or an item). */
	let phone = { deviceId: '', key: '' };
	beforeAll(async () => {
		await seedDistribution(t.ledger);
		const plan = await planWaves(t.ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 10,
		});
		for (const w of plan.waves) {
			await markInvoicesEntered(t.ledger, { waveCode: w.code });
			await releaseWave(t.ledger, {
				waveCode: w.code,
				releasedAt: new Date(Date.now() - 3600_000),
			});
		}
		await saveCourierAccount(t.ledger, {
			login: 'youssef',
			name: 'Youssef',
			staffCode: 'C1',
			secret: 'courier one secret',
		});
		phone = await enrolCourierDevice(t.ledger, {
			courierLogin: 'youssef',
			label: 'Youssef — phone',
		});
	});

	const post = (body: unknown, delivery: string, secret = phone.key) => {
		const raw = JSON.stringify(body);
		return callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			rawBody: Buffer.from(raw),
			headers: {
				'content-type': 'application/json',
				'x-receivables-device': phone.deviceId,
				'x-receivables-delivery': delivery,
				'x-receivables-signature': signWebhookRequest({
					rawBody: raw,
					secret,
					deliveryId: delivery,
				}),
			},
		});
	};

	test('records a signed delivery (reception date, due date from reception), answers 200; refuses forged requests with 401, answers a repeated one with its first answer', async () => {
		const occurredAt = new Date(Date.now() - 60000).toISOString();
		const body = {
			events: [
				{
					eventId: 'wf-ev-0001',
					type: 'delivered',
					courierCode: 'C1',
					invoiceNumber: 'MA-1',
					occurredAt,
					recipientName: 'M. Alaoui',
					latitude: 33.59,
					longitude: -7.61,
				},
				{
					eventId: 'wf-ev-0002',
					type: 'delivered',
					courierCode: 'C1',
					invoiceNumber: 'NOPE',
					occurredAt,
					recipientName: 'X',
				},
			],
		};
		const forged = await post(body, 'wf-dl-1', 'another_secret_0123456789');
		expect(forged.status).toBe(401);
		expect(forged.workflowData).toBeUndefined();
		expect(await t.ledger.query('SELECT 1 FROM courier_events')).toHaveLength(0);
		const ok = await post(body, 'wf-dl-1');
		expect(ok.status).toBe(200);
		const answer = ok.json as { code: string; results: Array<Record<string, unknown>> };
		expect(answer.code).toBe('PARTIAL');
		expect(answer.results[0]).toMatchObject({
			ok: true,
			status: 'recorded',
			deliveryStatus: 'delivered',
		});
		expect(answer.results[1]).toMatchObject({ ok: false, code: 'EVENT_INVOICE_UNKNOWN' });
		const [inv] = await t.ledger.query<{ reception_date: string; due_date: string }>(
			`SELECT to_char(reception_date, 'YYYY-MM-DD') AS reception_date, to_char(due_date, 'YYYY-MM-DD') AS due_date FROM invoices WHERE number = 'MA-1'`,
		);
		expect(inv.reception_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(inv.due_date > inv.reception_date).toBe(true);
		// The next nodes get each event's outcome only: no position, signature or photo.
		const items = ok.workflowData?.[0] ?? [];
		expect(items.map((i) => i.json.ok)).toEqual([true, false]);
		expect(JSON.stringify(items)).not.toMatch(/33\.59|latitude|signature|photo/);
		// The same request again (the phone lost the answer): the first answer, marked repeated; no execution, nothing twice.
		const replay = await post(body, 'wf-dl-1');
		expect(replay.status).toBe(200);
		expect(replay.json).toMatchObject({ code: 'PARTIAL', repeated: true });
		expect(replay.workflowData).toBeUndefined();
		expect(await t.ledger.query('SELECT 1 FROM courier_events')).toHaveLength(1);
	});
});
