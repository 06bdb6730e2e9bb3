import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies } from '../dunning/policy';
import { planReminders } from '../dunning/plan';
import {
	callListCsv,
	callListPdf,
	planCalls,
	promiseStats,
	recordCallOutcome,
	safeCell,
	settlePromises,
} from '.';
import { pdfText } from '../../test/helpers/pdf';

const DAY = '2026-03-09'; // calls are made 5 days before the due date: invoices due on 2026-03-14

describe('quality calls', () => {
	let ledger: Ledger;
	const customers: Record<string, string> = {};

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		await ledger.query(
			`INSERT INTO settings (key, value) VALUES ('company', '{"name": "Novafer"}')`,
		);
		customers.a = await addCustomer(ledger, {
			externalId: 'QA',
			name: 'Atelier Mercier',
			collector: 'COL1',
			phone: '+33 4 00 00 00 01',
		});
		customers.b = await addCustomer(ledger, {
			externalId: 'QB',
			name: '=HYPERLINK("http://evil")',
			language: 'en',
			collector: 'COL2',
		});
		customers.c = await addCustomer(ledger, {
			externalId: 'QC',
			name: 'Sans portefeuille',
			collector: null,
			profile: 'key_account',
		});
		customers.d = await addCustomer(ledger, {
			externalId: 'QD',
			name: 'Client en litige',
			collector: 'COL1',
		});
		await addInvoice(ledger, {
			customerId: customers.a,
			number: 'QA-1',
			dueDate: '2026-03-14',
			amount: 120000n,
		});
		await addInvoice(ledger, {
			customerId: customers.a,
			number: 'QA-2',
			dueDate: '2026-03-14',
			amount: 30000n,
		});
		await addInvoice(ledger, {
			customerId: customers.a,
			number: 'QA-LATER',
			dueDate: '2026-03-20',
			amount: 30000n,
		});
		await addInvoice(ledger, {
			customerId: customers.b,
			number: 'QB-1',
			dueDate: '2026-03-14',
			amount: 50000n,
		});
		await addInvoice(ledger, {
			customerId: customers.c,
			number: 'QC-1',
			dueDate: '2026-03-14',
			amount: 900n,
		});
		const disputed = await addInvoice(ledger, {
			customerId: customers.d,
			number: 'QD-1',
			dueDate: '2026-03-14',
		});
		const [d] = await ledger.query<{ id: string }>(
			"INSERT INTO disputes (customer_id, category) VALUES ($1, 'logistics') RETURNING id",
			[customers.d],
		);
		await ledger.query('INSERT INTO dispute_invoices VALUES ($1, $2)', [d.id, disputed]);
		await ledger.query(
			"INSERT INTO history (customer_id, kind, channel, summary) VALUES ($1, 'reminder_sent', 'email', 'Relance niveau 1 envoyée'), ($1, 'call_confirmed', 'call', 'Appel précédent : confirmé')",
			[customers.a],
		);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('plans one call per customer for invoices due in N days, by portfolio, with checklist and history', async () => {
		const plan = await planCalls(ledger, { asOf: DAY, daysBeforeDue: 5 });
		expect(plan).toMatchObject({ asOf: DAY, dueFrom: '2026-03-14', dueTo: '2026-03-14' });
		expect(
			plan.calls.map((c) => [
				c.customer.externalId,
				c.assignee?.code ?? null,
				c.invoices.map((i) => i.number),
			]),
		).toEqual([
			['QA', 'COL1', ['QA-1', 'QA-2']],
			['QB', 'COL2', ['QB-1']],
			['QC', null, ['QC-1']],
		]);
		const a = plan.calls[0];
		expect(a.status).toBe('created');
		expect(a.totals).toEqual([{ currency: 'EUR', open: '1500.00' }]);
		expect(a.checklist.map((c) => c.question)).toEqual([
			'Avez-vous bien reçu les factures QA-1, QA-2 ?',
			'Est-elle enregistrée dans votre comptabilité (bon à payer) ?',
			'Est-elle conforme (prix, quantités, numéro de commande, adresse de facturation) ?',
			"Sera-t-elle réglée à l'échéance du 14/03/2026 ?",
		]);
		expect(a.intro).toMatch(
			/^Bonjour, je suis bien chez .+ \? Ici Karim Benali, de la société Novafer\. Je vous appelle/,
		);
		expect(a.history.map((h) => h.kind).sort()).toEqual(['call_confirmed', 'reminder_sent']);
		expect(plan.calls[1].checklist[3].question).toBe(
			'Will it be paid on the due date, 14 March 2026?',
		);
	});

	it('plans again without duplicates, and filters by profile, customer, collector and amount', async () => {
		const again = await planCalls(ledger, { asOf: DAY });
		expect(again.calls.map((c) => c.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
		const wider = await planCalls(ledger, { asOf: DAY, windowDays: 7, customers: ['QA'] });
		expect(wider.calls).toHaveLength(1);
		expect(wider.calls[0]).toMatchObject({ status: 'updated', taskId: again.calls[0].taskId });
		expect(wider.calls[0].invoices.map((i) => i.number)).toEqual(['QA-1', 'QA-2', 'QA-LATER']);
		expect(
			(await planCalls(ledger, { asOf: DAY, profiles: ['key_account'] })).calls.map(
				(c) => c.customer.externalId,
			),
		).toEqual(['QC']);
		expect(
			(await planCalls(ledger, { asOf: DAY, collector: 'COL2' })).calls.map(
				(c) => c.customer.externalId,
			),
		).toEqual(['QB']);
		expect(
			(await planCalls(ledger, { asOf: DAY, minAmount: '400' })).calls.map(
				(c) => c.customer.externalId,
			),
		).toEqual(['QA', 'QB']);
		await expect(planCalls(ledger, { asOf: 'soon' })).rejects.toMatchObject({
			code: 'CALL_PLAN_INVALID',
		});
		const tasks = await ledger.query("SELECT id FROM contact_tasks WHERE kind = 'quality_call'");
		expect(tasks).toHaveLength(3);
	});

	it('exports the call list as formula-safe CSV and as a printable PDF', async () => {
		const plan = await planCalls(ledger, { asOf: DAY });
		const csv = callListCsv(plan.calls, { language: 'fr' });
		const lines = csv
			.replace(/^\ufeff/, '')
			.trim()
			.split('\r\n');
		expect(lines[0].split(';')[0]).toBe('Chargé de recouvrement');
		expect(lines).toHaveLength(4);
		expect(lines[2]).toContain(`"'=HYPERLINK(""http://evil"")"`);
		expect(safeCell('-12.50', ',')).toBe('-12.50');
		expect(safeCell('@SUM(A1)', ',')).toBe("'@SUM(A1)");
		expect(safeCell('a;b', ';')).toBe('"a;b"');
		const text = pdfText(
			await callListPdf(plan.calls, { language: 'fr', day: DAY, company: 'Novafer' }),
		);
		expect(text).toContain("Liste d'appels qualité — 09/03/2026");
		expect(text).toContain('COL1 — Karim Benali');
		expect(text).toContain('Atelier Mercier (QA)');
		expect(text).toContain('Avez-vous bien reçu les factures QA-1, QA-2 ?');
		expect(text).toContain('☐ yes  ☐ no   Did you receive invoice QB-1?'.replace(/  +/g, ' '));
		expect(text).toContain('Non attribué');
	});

	it('records outcomes: confirmed, not received (to resend), dispute (pauses dunning), each in its family', async () => {
		const plan = await planCalls(ledger, { asOf: DAY });
		const [a, b, c] = plan.calls;
		const confirmed = await recordCallOutcome(ledger, {
			taskId: a.taskId,
			outcome: 'confirmed',
			answers: { received: true, booked: true, conform: true, payAtDue: true },
			actor: 'COL1',
			asOf: DAY,
			invoices: ['QA-1'],
		});
		expect(confirmed).toMatchObject({
			status: 'recorded',
			family: 'confirmed',
			taskStatus: 'done',
			invoices: [{ number: 'QA-1' }],
		});
		const same = await recordCallOutcome(ledger, {
			taskId: a.taskId,
			outcome: 'confirmed',
			asOf: DAY,
		});
		expect(same.status).toBe('already_recorded');
		await expect(
			recordCallOutcome(ledger, {
				taskId: a.taskId,
				outcome: 'promise',
				promiseDate: '2026-03-20',
				asOf: DAY,
			}),
		).rejects.toMatchObject({ code: 'CALL_TASK_CLOSED' });

		const notReceived = await recordCallOutcome(ledger, {
			taskId: b.taskId,
			outcome: 'not_received',
			answers: { received: false },
			asOf: DAY,
		});
		expect(notReceived).toMatchObject({ family: 'invoice_issue', resendRequested: ['QB-1'] });
		const [flag] = await ledger.query<{ resend: boolean }>(
			"SELECT resend_requested_at IS NOT NULL AS resend FROM invoices WHERE number = 'QB-1'",
		);
		expect(flag.resend).toBe(true);

		const dispute = await recordCallOutcome(ledger, {
			taskId: c.taskId,
			outcome: 'dispute',
			disputeCategory: 'commercial',
			disputeSubcategory: 'price_error',
			notes: 'Prix différent du devis',
			asOf: DAY,
		});
		expect(dispute.family).toBe('dispute');
		expect(dispute.dispute).toMatchObject({
			status: 'opened',
			category: 'commercial',
			owner: 'REP1',
			ownerKind: 'sales',
			invoices: [{ number: 'QC-1' }],
		});
		const dunning = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-25' });
		expect(dunning.held.find((h) => h.number === 'QC-1')?.reason).toBe('dispute');
		const [task] = await ledger.query<{ checklist: Record<string, unknown>; outcome: string }>(
			'SELECT checklist, outcome FROM contact_tasks WHERE id = $1',
			[a.taskId],
		);
		expect(task).toEqual({
			outcome: 'confirmed',
			checklist: { received: true, booked: true, conform: true, payAtDue: true },
		});
	});

	it('keeps a voicemail task open until the last attempt; refuses outcomes it cannot record', async () => {
		const first = await recordCallOutcome(ledger, {
			customer: 'QD',
			outcome: 'voicemail',
			asOf: '2026-03-10',
		});
		expect(first).toMatchObject({ family: 'no_contact', taskStatus: 'open', attempts: 1 });
		await recordCallOutcome(ledger, {
			taskId: first.taskId,
			outcome: 'unreachable',
			asOf: '2026-03-10',
		});
		const third = await recordCallOutcome(ledger, {
			taskId: first.taskId,
			outcome: 'voicemail',
			asOf: '2026-03-10',
		});
		expect(third).toMatchObject({ taskStatus: 'done', attempts: 3 });
		await expect(
			recordCallOutcome(ledger, { customer: 'QA', outcome: 'promise', asOf: DAY }),
		).rejects.toMatchObject({ code: 'CALL_PROMISE_DATE' });
		await expect(
			recordCallOutcome(ledger, { customer: 'QA', outcome: 'dispute', asOf: DAY }),
		).rejects.toMatchObject({ code: 'CALL_DISPUTE_CATEGORY' });
		await expect(
			recordCallOutcome(ledger, { customer: 'NOBODY', outcome: 'confirmed' }),
		).rejects.toMatchObject({ code: 'CALL_UNKNOWN_CUSTOMER' });
		await expect(
			recordCallOutcome(ledger, { taskId: '999999', outcome: 'confirmed' }),
		).rejects.toMatchObject({ code: 'CALL_TASK_NOT_FOUND' });
		await expect(
			recordCallOutcome(ledger, { customer: 'QA', outcome: 'maybe' as never }),
		).rejects.toMatchObject({ code: 'CALL_BAD_OUTCOME' });
	});

	it('holds dunning until a promised date; a broken promise is flagged and back in dunning the next day', async () => {
		const promise = await recordCallOutcome(ledger, {
			customer: 'QA',
			invoices: ['QA-1', 'QA-2', 'NOT-AN-INVOICE'],
			outcome: 'promise',
			promiseDate: '2026-03-20',
			promiseAmount: '1300',
			asOf: '2026-03-11',
		});
		expect(promise).toMatchObject({ family: 'promise', unknownInvoices: ['NOT-AN-INVOICE'] });
		expect(promise.promises.map((p) => [p.invoice, p.amount, p.promisedOn])).toEqual([
			['QA-1', '1200.00', '2026-03-20'],
			['QA-2', '100.00', '2026-03-20'],
		]);
		const held = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-20' });
		expect(held.held.find((h) => h.number === 'QA-1')?.reason).toBe('promise');

		await ledger.query(
			"UPDATE invoices SET status = 'paid', open_minor = 0, paid_at = '2026-03-19' WHERE number = 'QA-2'",
		);
		const settled = await settlePromises(ledger, { asOf: '2026-03-21' });
		expect(settled.kept.map((p) => p.invoice)).toEqual(['QA-2']);
		expect(settled.broken.map((p) => [p.invoice, p.promisedOn])).toEqual([['QA-1', '2026-03-20']]);
		const [flag] = await ledger.query<{ status: string; flagged: boolean }>(
			"SELECT p.status, p.flagged FROM promises p JOIN invoices i ON i.id = p.invoice_id WHERE i.number = 'QA-1'",
		);
		expect(flag).toEqual({ status: 'broken', flagged: true });
		const resumed = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-21' });
		expect(resumed.held.find((h) => h.number === 'QA-1')).toBeUndefined();
		expect((await settlePromises(ledger, { asOf: '2026-03-22' })).broken).toEqual([]);

		const paymentSent = await recordCallOutcome(ledger, {
			customer: 'QB',
			invoices: ['QB-1'],
			outcome: 'payment_sent',
			paymentReference: 'VIR-778',
			asOf: '2026-03-12',
		});
		expect(paymentSent).toMatchObject({
			family: 'payment_sent',
			paymentReference: 'VIR-778',
			promises: [{ invoice: 'QB-1', promisedOn: '2026-03-17' }],
		});

		const stats = await promiseStats(ledger);
		expect(stats.find((s) => s.customer === 'QA')).toMatchObject({
			kept: 1,
			broken: 1,
			pending: 0,
			keptRate: 0.5,
		});
		expect(stats.find((s) => s.customer === 'QB')).toMatchObject({
			kept: 0,
			broken: 0,
			pending: 1,
			keptRate: null,
		});
		const history = await ledger.query<{ kind: string }>(
			"SELECT kind FROM history WHERE kind LIKE 'promise_%' ORDER BY kind",
		);
		expect(history.map((h) => h.kind)).toEqual(['promise_broken', 'promise_kept']);
	});

	it('records what an e-mail said, finding the customer from its invoices', async () => {
		const mail = await recordCallOutcome(ledger, {
			invoices: ['QB-1'],
			outcome: 'promise',
			promiseDate: '2026-03-31',
			channel: 'email',
			asOf: '2026-03-13',
		});
		expect(mail).toMatchObject({
			family: 'promise',
			customer: { externalId: 'QB' },
			promises: [{ invoice: 'QB-1', promisedOn: '2026-03-31' }],
		});
		const [h] = await ledger.query<{ kind: string; channel: string; summary: string }>(
			"SELECT kind, channel, summary FROM history WHERE kind = 'email_promise'",
		);
		expect(h).toMatchObject({
			channel: 'email',
			summary: 'E-mail: promise to pay on 2026-03-31 (500.00)',
		});
		await expect(
			recordCallOutcome(ledger, {
				invoices: ['QA-1', 'QB-1'],
				outcome: 'confirmed',
				channel: 'email',
			}),
		).rejects.toMatchObject({ code: 'CALL_MIXED_CUSTOMERS' });
		await expect(
			recordCallOutcome(ledger, { invoices: ['NOPE'], outcome: 'confirmed', channel: 'email' }),
		).rejects.toMatchObject({ code: 'CALL_NO_TASK' });
	});
});
