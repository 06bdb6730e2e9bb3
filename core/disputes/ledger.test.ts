import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies } from '../dunning/policy';
import { planReminders } from '../dunning/plan';
import { analyseDisputes } from './analysis';
import { addDisputeNote, openDispute, resolveDispute } from './ledger';

describe('disputes in the ledger', () => {
	let ledger: Ledger;
	let c1: string;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		c1 = await addCustomer(ledger, {
			externalId: 'C1',
			name: 'Atlas Froid SARL',
			salesRep: 'REP1',
		});
		const c2 = await addCustomer(ledger, {
			externalId: 'C2',
			name: 'Sahel Distribution',
			salesRep: null,
		});
		await addInvoice(ledger, {
			customerId: c1,
			number: 'F-2026-0012',
			dueDate: '2026-03-01',
			amount: 120000n,
		});
		await addInvoice(ledger, {
			customerId: c1,
			number: 'F-2026-0013',
			dueDate: '2026-03-01',
			amount: 30000n,
		});
		await addInvoice(ledger, {
			customerId: c1,
			number: 'F-2026-0014',
			dueDate: '2026-03-01',
			amount: 50000n,
		});
		await addInvoice(ledger, {
			customerId: c2,
			number: 'S-1',
			dueDate: '2026-03-01',
			amount: 500000n,
			currency: 'XOF',
		});
		await addInvoice(ledger, {
			customerId: c2,
			number: 'S-2',
			dueDate: '2026-03-01',
			amount: 100000n,
			currency: 'XOF',
		});
	});
	afterAll(async () => dropTestLedger(ledger));

	it('opens a dispute on the invoices named, reports the unknown ones, routes it and pauses dunning', async () => {
		const opened = await openDispute(ledger, {
			invoices: ['F 2026 0012', 'F-2026-9999'],
			category: 'commercial',
			subcategory: 'price_error',
			evidence: "c'est le prix",
			source: 'email',
			sourceRef: '<msg-1@client>',
			asOf: '2026-03-10',
			actor: 'inbox',
		});
		expect(opened).toMatchObject({
			status: 'opened',
			category: 'commercial',
			owner: 'REP1',
			ownerKind: 'sales',
			dueOn: '2026-03-20',
			amount: '1200.00',
			currency: 'EUR',
			invoices: [{ number: 'F-2026-0012' }],
			unknownInvoices: ['F-2026-9999'],
			customerExternalId: 'C1',
		});
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-10' });
		expect(plan.held.find((h) => h.number === 'F-2026-0012')?.reason).toBe('dispute');
		expect(plan.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('F-2026-0013');
		const history = await ledger.query<{ kind: string; summary: string }>(
			"SELECT kind, summary FROM history WHERE kind = 'dispute_opened'",
		);
		expect(history).toHaveLength(1);
		expect(history[0].summary).toContain('owner REP1');
	});

	it('does not open the same dispute twice: same message, or same invoice and category', async () => {
		const again = await openDispute(ledger, {
			invoices: ['F-2026-0012'],
			category: 'commercial',
			source: 'email',
			sourceRef: '<msg-1@client>',
		});
		expect(again.status).toBe('existing');
		const joined = await openDispute(ledger, {
			invoices: ['F-2026-0012', 'F-2026-0013'],
			category: 'commercial',
			source: 'call',
		});
		expect(joined).toMatchObject({ status: 'existing', disputeId: again.disputeId });
		expect(joined.invoices.map((i) => i.number)).toEqual(['F-2026-0012', 'F-2026-0013']);
		expect((await ledger.query('SELECT id FROM disputes')).length).toBe(1);
	});

	it('routes by category: billing, logistics, support, the sales team when the customer has no rep', async () => {
		const log = await openDispute(ledger, {
			invoices: ['S-1'],
			category: 'logistics',
			asOf: '2026-03-10',
		});
		expect(log).toMatchObject({
			owner: 'logistics',
			ownerKind: 'logistics',
			dueOn: '2026-03-17',
			amount: '500000',
			currency: 'XOF',
		});
		const com = await openDispute(ledger, {
			invoices: ['S-2'],
			category: 'commercial',
			amount: '25000',
			asOf: '2026-03-10',
		});
		expect(com).toMatchObject({ owner: 'sales', ownerKind: 'sales', amount: '25000' });
		await ledger.query(
			`INSERT INTO settings (key, value) VALUES ('disputes', '{"owners": {"technical": {"kind": "staff", "owner": "COL2"}}, "resolutionDays": {"technical": 3}}')`,
		);
		const tec = await openDispute(ledger, {
			customer: 'C1',
			category: 'technical',
			asOf: '2026-03-10',
		});
		expect(tec).toMatchObject({
			owner: 'COL2',
			ownerKind: 'staff',
			dueOn: '2026-03-13',
			invoices: [],
			amount: null,
		});
	});

	it('refuses what cannot be linked, and writes nothing', async () => {
		await expect(
			openDispute(ledger, { invoices: ['NOPE-1'], category: 'administrative' }),
		).rejects.toMatchObject({
			code: 'DISPUTE_NO_INVOICE',
			details: { unknownInvoices: ['NOPE-1'] },
		});
		await expect(
			openDispute(ledger, { invoices: ['F-2026-0014', 'S-1'], category: 'administrative' }),
		).rejects.toMatchObject({ code: 'DISPUTE_MIXED_CUSTOMERS' });
		await expect(
			openDispute(ledger, { invoices: ['F-2026-0014'], category: 'payment_sent' as never }),
		).rejects.toMatchObject({ code: 'DISPUTE_BAD_CATEGORY' });
		const disputes = await ledger.query(
			"SELECT d.id FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id WHERE i.number = 'F-2026-0014'",
		);
		expect(disputes).toHaveLength(0);
	});

	it('resolves with resolution and root cause; dunning resumes on what is still due', async () => {
		const [d] = await ledger.query<{ id: string }>(
			"SELECT d.id FROM disputes d WHERE d.source = 'email'",
		);
		await ledger.query(
			"UPDATE invoices SET status = 'paid', open_minor = 0 WHERE number = 'F-2026-0013'",
		);
		const note = await addDisputeNote(ledger, d.id, 'Sales rep confirms the quote price', 'REP1');
		expect(note.historyIds).toHaveLength(2);
		const resolved = await resolveDispute(ledger, {
			disputeId: d.id,
			resolution: 'credit_note',
			rootCause: 'Price list not updated',
			actor: 'REP1',
		});
		expect(resolved).toMatchObject({ status: 'resolved', justified: true });
		expect(resolved.invoices.map((i) => [i.number, i.dunningResumes])).toEqual([
			['F-2026-0012', true],
			['F-2026-0013', false],
		]);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-10' });
		expect(plan.held.find((h) => h.number === 'F-2026-0012')).toBeUndefined();
		const twice = await resolveDispute(ledger, {
			disputeId: d.id,
			resolution: 'unjustified',
			rootCause: 'x',
		});
		expect(twice).toMatchObject({ status: 'already_resolved', resolution: 'credit_note' });
		await expect(
			resolveDispute(ledger, { disputeId: d.id, resolution: 'credit_note', rootCause: '  ' }),
		).rejects.toMatchObject({ code: 'DISPUTE_NO_ROOT_CAUSE' });
		await expect(
			resolveDispute(ledger, { disputeId: '999999', resolution: 'credit_note', rootCause: 'x' }),
		).rejects.toMatchObject({ code: 'DISPUTE_NOT_FOUND' });
	});

	it('analyses disputes by category, customer, sales rep and root cause, with examples', async () => {
		const [log] = await ledger.query<{ id: string }>(
			"SELECT id FROM disputes WHERE category = 'logistics'",
		);
		await resolveDispute(ledger, {
			disputeId: log.id,
			resolution: 'redelivery',
			rootCause: 'price list NOT updated',
		});
		const byCategory = await analyseDisputes(ledger, { asOf: '2026-03-31', groupBy: 'category' });
		expect(byCategory.totals).toMatchObject({ count: 4, open: 2, resolved: 2 });
		expect(byCategory.totals.amounts).toEqual([
			{ currency: 'EUR', amount: '1500.00' },
			{ currency: 'XOF', amount: '525000' },
		]);
		const commercial = byCategory.groups.find((g) => g.key === 'commercial');
		expect(commercial).toMatchObject({ count: 2, open: 1, resolved: 1, justified: 1 });
		const byRep = await analyseDisputes(ledger, { groupBy: 'sales_rep', status: 'open' });
		expect(byRep.groups.map((g) => [g.key, g.label, g.count])).toEqual([
			['', null, 1],
			['REP1', 'Sophie Martin', 1],
		]);
		const causes = await analyseDisputes(ledger, { groupBy: 'root_cause', examples: 1 });
		expect(causes.rootCauses).toHaveLength(1);
		expect(causes.rootCauses[0]).toMatchObject({
			count: 2,
			share: 1,
			categories: ['commercial', 'logistics'],
			justified: 2,
		});
		expect(causes.rootCauses[0].examples).toHaveLength(1);
		const byCustomer = await analyseDisputes(ledger, { groupBy: 'customer', customer: 'C2' });
		expect(byCustomer.groups).toEqual([
			expect.objectContaining({ key: 'C2', label: 'Sahel Distribution', count: 2 }),
		]);
		await expect(analyseDisputes(ledger, { groupBy: 'colour' as never })).rejects.toMatchObject({
			code: 'DISPUTE_ANALYSIS_INVALID',
		});
		void c1;
	});

	it('a part of one invoice: the dispute is for that part, the rest is reminded; a part that is not one is refused, nothing written', async () => {
		// P-1, 1 000,00 €: 250,00 € disputed, 750,00 € still reminded.
		const c9 = await addCustomer(ledger, { externalId: 'C9', name: 'Partiel SA' });
		await addInvoice(ledger, {
			customerId: c9,
			number: 'P-1',
			dueDate: '2026-03-01',
			amount: 100000n,
		});
		await addInvoice(ledger, {
			customerId: c9,
			number: 'P-2',
			dueDate: '2026-03-01',
			amount: 100000n,
		});
		const count = async () =>
			(await ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM disputes'))[0].n;
		const before = await count();
		for (const [invoices, part] of [
			[['P-1'], 0n],
			[['P-1'], 100000n],
			[['P-1'], 150000n],
			[['P-1', 'P-2'], 1000n],
		] as Array<[string[], bigint]>) {
			await expect(
				openDispute(ledger, {
					invoices,
					category: 'logistics',
					disputedMinor: part,
					asOf: '2026-03-10',
				}),
			).rejects.toMatchObject({ code: 'DISPUTE_BAD_AMOUNT' });
		}
		expect(await count()).toBe(before);
		const opened = await openDispute(ledger, {
			invoices: ['P-1'],
			category: 'logistics',
			disputedMinor: 25000n,
			asOf: '2026-03-10',
		});
		expect([opened.amount, opened.currency]).toEqual(['250.00', 'EUR']);
		const planned = (await planReminders(ledger, { stage: 'level1', asOf: '2026-03-10' })).due
			.flatMap((m) => m.invoices)
			.filter((i) => i.number.startsWith('P-'));
		expect(planned.map((i) => [i.number, i.openMinor, i.disputedMinor])).toEqual([
			['P-1', 75000n, 25000n],
			['P-2', 100000n, undefined],
		]);
	});
});
