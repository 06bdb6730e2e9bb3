// Attacks on the e-invoicing platform's statuses webhook (a write path: disputes, holds, rejections), through the
// shipped workflow (in-process engine, real ledger), held to the same rules as the intake webhook: nothing unsigned
// or signed for another webhook, 413 before the signature, NUL and invalid UTF-8 as clear 400s, a retried delivery
// answered as the first time and another body under its id 409, and a database fault never told in the database's
// words.
import path from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';
import { createIntegrationKey, installDefaultPolicies, signWebhookRequest } from '../../core';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, rawWebhookItem, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'einvoicing-platform-statuses.json'));

interface Answer {
	stored: boolean;
	code?: string;
	error?: string;
	errorFr?: string;
	reference?: string;
	repeated?: boolean;
	statuses?: { applied: number };
}

describe('security: e-invoicing statuses webhook', () => {
	const t = engineLedger({ receivablesWebhookApi: { secret: '', previousSecret: '' } });
	let key: { keyId: string; secret: string };
	let intakeKey: { keyId: string; secret: string };

	beforeAll(async () => {
		await installDefaultPolicies(t.ledger);
		await seedStaff(t.ledger);
		const customer = await addCustomer(t.ledger, { externalId: 'SEC-PF', name: 'Client Plateforme' });
		for (const n of ['SP-1', 'SP-2', 'SP-3']) await addInvoice(t.ledger, { customerId: customer, number: n, dueDate: '2026-10-14' });
		key = await createIntegrationKey(t.ledger, { sender: 'pa-sec', purposes: ['lifecycle'] });
		intakeKey = await createIntegrationKey(t.ledger, { sender: 'erp-sec', purposes: ['intake'] });
	});

	const post = async (item: INodeExecutionData) => {
		const run = await runWorkflow(WORKFLOW, { triggerItems: [item], credentials: t.credentials });
		expect(run.error).toBeUndefined();
		expect(run.responses).toHaveLength(1);
		return { run, answer: run.responses[0] as unknown as { statusCode: number; body: Answer } };
	};
	const signed = (raw: string | Buffer, delivery: string, options: { with?: { keyId: string; secret: string }; purpose?: string } = {}): INodeExecutionData => {
		const k = options.with ?? key;
		return rawWebhookItem(raw, {
			headers: {
				'x-receivables-key': k.keyId,
				'x-receivables-delivery': delivery,
				'x-receivables-signature': signWebhookRequest({ rawBody: raw, secret: k.secret, deliveryId: delivery, purpose: options.purpose ?? 'lifecycle' }),
			},
		});
	};
	const footprint = async () =>
		(await t.ledger.query<Record<string, string>>(`SELECT (SELECT count(*) FROM lifecycle_statuses)::text AS statuses, (SELECT count(*) FROM disputes)::text AS disputes,
			(SELECT count(*) FROM webhook_deliveries)::text AS deliveries`))[0];
	const events = (number: string, messageId: string, statusCode = '207') =>
		JSON.stringify({ events: [{ messageId, invoiceNumber: number, statusCode, timestamp: '2026-10-16T09:00:00Z', reasonCode: 'QTE_ERR', reasonText: 'Palettes manquantes' }] });

	test('a request signed for the intake webhook, or with a key of the intake purpose, is refused and changes nothing', async () => {
		const before = await footprint();
		expect((await post(signed(events('SP-1', 'S-X1'), 'sx-1', { purpose: 'intake' }))).answer).toMatchObject({ statusCode: 401, body: { stored: false, code: 'SIGNATURE_MISMATCH' } });
		expect((await post(signed(events('SP-1', 'S-X2'), 'sx-2', { with: intakeKey }))).answer).toMatchObject({ statusCode: 401, body: { stored: false, code: 'KEY_PURPOSE' } });
		expect((await post(rawWebhookItem(events('SP-1', 'S-X3'), { headers: { 'x-receivables-delivery': 'sx-3', 'x-receivables-key': key.keyId } }))).answer).toMatchObject({ statusCode: 401, body: { stored: false, code: 'SIGNATURE_MISSING' } });
		expect((await post(rawWebhookItem(events('SP-1', 'S-X4'), { headers: { 'x-receivables-delivery': 'sx-4' } }))).answer).toMatchObject({ statusCode: 401, body: { stored: false } });
		expect(await footprint()).toEqual(before);
	});

	test('an oversized body gets 413 before its signature is read', async () => {
		const before = await footprint();
		const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
		expect((await post(rawWebhookItem(big, { headers: { 'x-receivables-delivery': 'big-1' } }))).answer).toMatchObject({ statusCode: 413, body: { stored: false, code: 'BODY_TOO_LARGE' } });
		expect(await footprint()).toEqual(before);
	});

	test('NUL characters and invalid UTF-8 get a clear 400 in English and French', async () => {
		const before = await footprint();
		const escaped = JSON.stringify({ events: [{ messageId: 'S-N1', invoiceNumber: 'SP-1\u0000', statusCode: '207', timestamp: '2026-10-16T09:00:00Z' }] });
		expect(escaped).toContain('\\u0000');
		expect((await post(signed(escaped, 'nul-1'))).answer).toMatchObject({ statusCode: 400, body: { stored: false, code: 'BODY_NUL', errorFr: expect.stringContaining('NUL') } });
		const raw = Buffer.concat([Buffer.from('<Invoice>'), Buffer.from([0]), Buffer.from('</Invoice>')]);
		expect((await post(signed(raw, 'nul-2'))).answer).toMatchObject({ statusCode: 400, body: { code: 'BODY_NUL' } });
		const latin1 = Buffer.from(JSON.stringify({ events: [{ messageId: 'S-L1', invoiceNumber: 'SP-1', statusCode: '207', timestamp: '2026-10-16T09:00:00Z', reasonText: 'Reçu abîmé' }] }), 'latin1');
		expect((await post(signed(latin1, 'utf8-1'))).answer).toMatchObject({ statusCode: 400, body: { code: 'BODY_NOT_UTF8', error: expect.stringContaining('UTF-8') } });
		expect(await footprint()).toEqual(before);
	});

	test('a retried delivery gets the first answer (200, repeated); another body under the same id gets 409 and changes nothing', async () => {
		const first = await post(signed(events('SP-2', 'S-R1'), 'retry-1'));
		expect(first.answer).toMatchObject({ statusCode: 200, body: { stored: true, statuses: { applied: 1 } } });
		const after = await footprint();
		const again = await post(signed(events('SP-2', 'S-R1'), 'retry-1'));
		expect(again.answer.statusCode).toBe(200);
		expect(again.answer.body).toEqual({ ...first.answer.body, repeated: true });
		expect((await post(signed(events('SP-3', 'S-R2', '210'), 'retry-1'))).answer).toMatchObject({ statusCode: 409, body: { stored: false, code: 'DELIVERY_CONFLICT' } });
		expect(await footprint()).toEqual(after);
	});

	test('a database fault reaches the platform as a generic message with a reference, never the database text', async () => {
		await t.ledger.query(`CREATE FUNCTION lifecycle_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
			RAISE EXCEPTION 'relation "secret_lifecycle_table" violates constraint chk_lifecycle_42'; END $$`);
		await t.ledger.query('CREATE TRIGGER lifecycle_fault BEFORE INSERT ON lifecycle_statuses FOR EACH ROW EXECUTE FUNCTION lifecycle_fault()');
		try {
			const before = await footprint();
			const { run, answer } = await post(signed(events('SP-3', 'S-F1'), 'fault-1'));
			expect(answer).toMatchObject({ statusCode: 500, body: { stored: false, code: 'INTERNAL_ERROR', reference: expect.stringMatching(/^ERR-/) } });
			expect(JSON.stringify(answer.body)).not.toMatch(/secret_lifecycle_table|chk_lifecycle_42|violates|relation/);
			// The detail is kept for the people who run n8n: the execution's refused item (and n8n's log).
			const [refused] = run.json('Check signature and apply statuses', 1);
			expect(refused).toMatchObject({ refused: true, reference: answer.body.reference, detail: expect.stringContaining('chk_lifecycle_42') });
			// Nothing of the delivery's statuses was applied; the delivery may be sent again once the ledger is fixed.
			expect((await footprint()).statuses).toBe(before.statuses);
		} finally {
			await t.ledger.query('DROP TRIGGER lifecycle_fault ON lifecycle_statuses');
		}
		const retried = await post(signed(events('SP-3', 'S-F1'), 'fault-1'));
		expect(retried.answer).toMatchObject({ statusCode: 200, body: { stored: true, statuses: { applied: 1 } } });
	});
});
