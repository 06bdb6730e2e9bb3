import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies, savePolicy } from './policy';
import { planReminders, type ReminderPlan } from './plan';

const AS_OF = '2025-10-20';

describe('planReminders', () => {
	let ledger: Ledger;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		const c1 = await addCustomer(ledger, { externalId: 'C1', name: 'Dupont & Fils' });
		ids.a = await addInvoice(ledger, { customerId: c1, number: 'A', dueDate: '2025-10-15' });
		ids.b = await addInvoice(ledger, { customerId: c1, number: 'B', dueDate: '2025-10-10' });
		ids.c = await addInvoice(ledger, { customerId: c1, number: 'C', dueDate: '2025-10-01' });
		ids.paid = await addInvoice(ledger, {
			customerId: c1,
			number: 'PAID',
			dueDate: '2025-10-14',
			status: 'paid',
			paidAt: '2025-10-18',
		});
		ids.credit = await addInvoice(ledger, {
			customerId: c1,
			number: 'AV1',
			dueDate: '2025-10-14',
			docType: 'credit_note',
			amount: -5000n,
			open: -5000n,
		});
		const c2 = await addCustomer(ledger, {
			externalId: 'C2',
			onHold: true,
			holdReason: 'receivership',
		});
		await addInvoice(ledger, { customerId: c2, number: 'H1', dueDate: '2025-10-14' });
		const c3 = await addCustomer(ledger, { externalId: 'C3' });
		const disputed = await addInvoice(ledger, {
			customerId: c3,
			number: 'D1',
			dueDate: '2025-10-14',
		});
		const promised = await addInvoice(ledger, {
			customerId: c3,
			number: 'P1',
			dueDate: '2025-10-14',
		});
		const brokenPromise = await addInvoice(ledger, {
			customerId: c3,
			number: 'P2',
			dueDate: '2025-10-14',
		});
		const heldInv = await addInvoice(ledger, {
			customerId: c3,
			number: 'K1',
			dueDate: '2025-10-14',
		});
		const released = await addInvoice(ledger, {
			customerId: c3,
			number: 'K2',
			dueDate: '2025-10-14',
		});
		const dispute = await ledger.query<{ id: string }>(
			"INSERT INTO disputes (customer_id, category) VALUES ($1, 'logistics') RETURNING id",
			[c3],
		);
		await ledger.query('INSERT INTO dispute_invoices (dispute_id, invoice_id) VALUES ($1, $2)', [
			dispute[0].id,
			disputed,
		]);
		await ledger.query(
			"INSERT INTO promises (customer_id, invoice_id, promised_on) VALUES ($1, $2, '2025-10-25'), ($1, $3, '2025-10-10')",
			[c3, promised, brokenPromise],
		);
		await ledger.query(
			"INSERT INTO holds (customer_id, invoice_id, reason, until) VALUES ($1, $2, 'delay agreement', '2025-11-01')",
			[c3, heldInv],
		);
		await ledger.query(
			"INSERT INTO holds (customer_id, invoice_id, reason, released_at) VALUES ($1, $2, 'old hold', now())",
			[c3, released],
		);
		const c4 = await addCustomer(ledger, { externalId: 'C4', emails: [] });
		await addInvoice(ledger, { customerId: c4, number: 'L1', dueDate: '2025-10-14' });
		const c5 = await addCustomer(ledger, { externalId: 'C5', emails: ['pas un email', 'x@y'] });
		await addInvoice(ledger, { customerId: c5, number: 'L2', dueDate: '2025-10-14' });
		const c6 = await addCustomer(ledger, { externalId: 'C6', emailStatus: 'bounced' });
		await addInvoice(ledger, { customerId: c6, number: 'L3', dueDate: '2025-10-14' });
		const c7 = await addCustomer(ledger, {
			externalId: 'C7',
			profile: 'key_account',
			language: 'en',
			salesRep: null,
		});
		await addInvoice(ledger, { customerId: c7, number: 'KA1', dueDate: '2025-10-13' });
		ids.ka2 = await addInvoice(ledger, { customerId: c7, number: 'KA2', dueDate: '2025-10-08' });
		const c8 = await addCustomer(ledger, {
			externalId: 'C8',
			overrides: { stages: { level1: { offsetDays: 3 } } },
		});
		ids.o1 = await addInvoice(ledger, { customerId: c8, number: 'O1', dueDate: '2025-10-16' });
		const c9 = await addCustomer(ledger, { externalId: 'C9', ccEmails: ['achats@c9.example'] });
		const sent = await addInvoice(ledger, { customerId: c9, number: 'S1', dueDate: '2025-10-14' });
		ids.retry = await addInvoice(ledger, { customerId: c9, number: 'S2', dueDate: '2025-10-14' });
		await ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status) VALUES ($1, $3, 'level1', 'email', 'sent'), ($2, $3, 'level1', 'email', 'retry')",
			[sent, ids.retry, c9],
		);
		const c11 = await addCustomer(ledger, {
			externalId: 'C11',
			overrides: { stages: { level1: { template: '{{oops' } } },
		});
		await addInvoice(ledger, { customerId: c11, number: 'BAD-OVR', dueDate: '2025-10-14' });
		const c10 = await addCustomer(ledger, {
			externalId: 'C10',
			customFields: { family: 'export' },
		});
		await addInvoice(ledger, {
			customerId: c10,
			number: 'X1',
			dueDate: '2025-10-14',
			amount: 900n,
		});
	});

	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	const byCustomer = (plan: ReminderPlan) =>
		Object.fromEntries(plan.due.map((m) => [m.customer.externalId, m]));
	const heldReasons = (plan: ReminderPlan) =>
		Object.fromEntries(plan.held.map((h) => [h.number, h.reason]));

	it('finds the invoices due for a stage, grouped per customer, and skips the held ones with the reason', async () => {
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		const due = byCustomer(plan);
		expect(Object.keys(due).sort()).toEqual([
			'C1',
			'C10',
			'C3',
			'C4',
			'C5',
			'C6',
			'C7',
			'C8',
			'C9',
		]);
		expect(due.C1.invoices.map((i) => i.number)).toEqual(['B', 'A']);
		expect(due.C1.totalOpenMinor).toBe(240000n);
		expect(due.C1.channel).toBe('email');
		expect(due.C1.to).toEqual(['compta@c1.example']);
		expect(due.C1.cc).toEqual(['sophie.martin@vendor.example']);
		expect(due.C1.invoices[0].daysLate).toBe(10);
		expect(heldReasons(plan)).toEqual({
			H1: 'customer_on_hold',
			D1: 'dispute',
			P1: 'promise',
			K1: 'hold',
			S1: 'already_sent',
			'BAD-OVR': 'invalid_overrides',
		});
		const held = Object.fromEntries(plan.held.map((h) => [h.number, h.detail]));
		expect(held.H1).toContain('receivership');
		expect(held.P1).toContain('2025-10-25');
		expect(held.K1).toBe('delay agreement (until 2025-11-01)');
		expect(due.C3.invoices.map((i) => i.number).sort()).toEqual(['K2', 'P2']);
	});

	it('routes customers without a usable e-mail to letters with the reason', async () => {
		const due = byCustomer(await planReminders(ledger, { stage: 'level1', asOf: AS_OF }));
		expect(due.C4).toMatchObject({ channel: 'letter', to: [] });
		expect(due.C4.channelReason).toMatch(/^no_email/);
		expect(due.C5.channel).toBe('letter');
		expect(due.C5.channelReason).toContain('"pas un email" (syntax)');
		expect(due.C6.channelReason).toMatch(/^email_bounced/);
	});

	it('applies profiles, customer overrides, cc lists and retries', async () => {
		const due = byCustomer(await planReminders(ledger, { stage: 'level1', asOf: AS_OF }));
		expect(due.C7.invoices.map((i) => i.number)).toEqual(['KA2']);
		expect(due.C7.policy.code).toBe('key_account');
		expect(due.C7.customer.language).toBe('en');
		expect(due.C7.cc).toEqual([]);
		expect(due.C8.invoices.map((i) => i.id)).toEqual([ids.o1]);
		expect(due.C9.invoices.map((i) => [i.number, i.retry])).toEqual([['S2', true]]);
		expect(due.C9.cc).toEqual(['achats@c9.example', 'sophie.martin@vendor.example']);
	});

	it('filters by policy, custom field and amount', async () => {
		const ka = await planReminders(ledger, { stage: 'level1', asOf: AS_OF, policy: 'key_account' });
		expect(ka.due.map((m) => m.customer.externalId)).toEqual(['C7']);
		const family = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			filter: { customField: { name: 'family', equals: 'export' } },
		});
		expect(family.due.map((m) => m.customer.externalId)).toEqual(['C10']);
		const big = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			filter: { minAmount: '100' },
		});
		expect(big.due.map((m) => m.customer.externalId)).not.toContain('C10');
		await expect(planReminders(ledger, { stage: 'nope', asOf: AS_OF })).rejects.toThrow(
			/No dunning policy has a stage "nope"/,
		);
	});

	it('sends one message per invoice when the stage says so, and holds amounts under the minimum', async () => {
		await savePolicy(ledger, {
			code: 'per_invoice',
			name: 'Per invoice',
			stages: [
				{
					code: 'level1',
					kind: 'reminder',
					offsetDays: 5,
					channels: ['email'],
					template: 'reminder_1',
					grouping: 'invoice',
					minAmount: '1500',
				},
			],
		});
		await ledger.query("UPDATE customers SET profile = 'per_invoice' WHERE external_id = 'C1'");
		try {
			const plan = await planReminders(ledger, {
				stage: 'level1',
				asOf: AS_OF,
				policy: 'per_invoice',
			});
			expect(plan.due).toHaveLength(0);
			expect(heldReasons(plan)).toEqual({
				A: 'below_minimum',
				B: 'below_minimum',
				C: 'below_minimum',
			});
			await ledger.query("UPDATE invoices SET open_minor = 200000 WHERE number IN ('A', 'B')");
			const plan2 = await planReminders(ledger, {
				stage: 'level1',
				asOf: AS_OF,
				policy: 'per_invoice',
			});
			expect(plan2.due.map((m) => m.invoices.map((i) => i.number))).toEqual([['B'], ['A']]);
		} finally {
			await ledger.query("UPDATE customers SET profile = 'standard' WHERE external_id = 'C1'");
			await ledger.query(
				"UPDATE invoices SET open_minor = payable_minor WHERE number IN ('A', 'B')",
			);
		}
	});

	it('plans pre-due notices before the due date and thank-you messages for reminded invoices just paid', async () => {
		const pre = await planReminders(ledger, { stage: 'pre_due', asOf: '2025-10-12' });
		expect(
			pre.due.find((m) => m.customer.externalId === 'C1')?.invoices.map((i) => i.number),
		).toEqual(['A']);
		await ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status) SELECT id, customer_id, 'level1', 'email', 'sent' FROM invoices WHERE number = 'PAID'",
		);
		const thanks = await planReminders(ledger, { stage: 'thank_you', asOf: AS_OF });
		expect(thanks.due.map((m) => m.invoices.map((i) => i.number))).toEqual([['PAID']]);
		expect(thanks.due[0].totalOpenMinor).toBe(120000n);
	});

	it('re-plans given invoices whatever their window, still holding what must be held', async () => {
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: [ids.c, ids.paid, ids.ka2],
		});
		expect(plan.due.map((m) => m.invoices.map((i) => i.number))).toEqual([['C'], ['KA2']]);
		expect(heldReasons(plan)).toEqual({ PAID: 'paid' });
	});
});

describe('planReminders: payment promises on an invoice and on the whole account', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		const a = await addCustomer(ledger, { externalId: 'PA' });
		const q1 = await addInvoice(ledger, { customerId: a, number: 'Q1', dueDate: '2025-10-14' });
		await addInvoice(ledger, { customerId: a, number: 'Q2', dueDate: '2025-10-14' });
		const q3 = await addInvoice(ledger, { customerId: a, number: 'Q3', dueDate: '2025-10-14' });
		const b = await addCustomer(ledger, { externalId: 'PB' });
		const r1 = await addInvoice(ledger, { customerId: b, number: 'R1', dueDate: '2025-10-14' });
		await addInvoice(ledger, { customerId: b, number: 'R2', dueDate: '2025-10-14' });
		const c = await addCustomer(ledger, { externalId: 'PC' });
		await addInvoice(ledger, { customerId: c, number: 'S1', dueDate: '2025-10-14' });
		await ledger.query(
			`INSERT INTO promises (customer_id, invoice_id, promised_on, status) VALUES
				($1, NULL, '2025-10-28', 'pending'), ($1, $2, '2025-10-25', 'pending'), ($1, $3, '2025-11-05', 'pending'),
				($4, NULL, '2025-10-30', 'broken'), ($4, NULL, '2025-10-15', 'pending'), ($4, $5, '2025-10-31', 'kept')`,
			[a, q1, q3, b, r1],
		);
	});

	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it("holds every invoice of an account under a pending promise, until the latest of the account's and the invoice's", async () => {
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
		const held = Object.fromEntries(plan.held.map((h) => [h.number, [h.reason, h.detail]]));
		expect(held).toEqual({
			Q1: ['promise', 'payment promised for 2025-10-28'],
			Q2: ['promise', 'payment promised for 2025-10-28'],
			Q3: ['promise', 'payment promised for 2025-11-05'],
		});
		// broken, kept and past promises hold nothing; another account's promise is not this one's
		expect(
			plan.due.map((m) => [m.customer.externalId, m.invoices.map((i) => i.number)]).sort(),
		).toEqual([
			['PB', ['R1', 'R2']],
			['PC', ['S1']],
		]);
	});
});
