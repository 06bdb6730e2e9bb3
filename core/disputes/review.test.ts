import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies } from '../dunning/policy';
import { planReminders } from '../dunning/plan';
import { classifyDispute } from './classify';
import { openDispute, resolveDispute } from './ledger';
import { notificationRecipients, replyNotification } from './notify';
import { confirmLabel, listReviews, queueReview, reviewedExamples } from './review';

describe('classified replies in the ledger: holds, review queue, notifications', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		const c1 = await addCustomer(ledger, {
			externalId: 'R1',
			name: 'Atlas Froid SARL',
			salesRep: 'REP1',
			collector: 'COL1',
		});
		const c2 = await addCustomer(ledger, {
			externalId: 'R2',
			name: 'Sahel Distribution',
			salesRep: null,
			collector: null,
		});
		await addInvoice(ledger, {
			customerId: c1,
			number: 'FV-2026-0201',
			dueDate: '2026-03-01',
			amount: 120000n,
		});
		await addInvoice(ledger, {
			customerId: c1,
			number: 'FV-2026-0202',
			dueDate: '2026-03-01',
			amount: 30000n,
		});
		await addInvoice(ledger, {
			customerId: c2,
			number: 'FV-2026-0301',
			dueDate: '2026-03-01',
			amount: 500000n,
			currency: 'XOF',
		});
	});
	afterAll(async () => dropTestLedger(ledger));

	it('a dispute opened from what the classifier read holds the Reminder Step plan for that invoice until it is resolved', async () => {
		const reply =
			"Bonjour,\nCe n'est pas la livraison le problème, c'est le prix : la facture FV-2026-0201 est à 14,50 € au lieu de 12,90 € du devis.\nCordialement";
		const c = classifyDispute(reply, { receivedAt: '2026-03-06' });
		expect(c).toMatchObject({
			category: 'commercial',
			invoiceNumbers: ['FV-2026-0201'],
			needsReview: false,
		});
		const before = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-06' });
		expect(before.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('FV-2026-0201');

		const opened = await openDispute(ledger, {
			invoices: c.invoiceNumbers,
			category: 'commercial',
			subcategory: c.subcategory,
			evidence: c.evidence,
			source: 'email',
			sourceRef: '<hold-1@client>',
			asOf: '2026-03-06',
		});
		expect(opened).toMatchObject({
			status: 'opened',
			owner: 'REP1',
			invoices: [{ number: 'FV-2026-0201' }],
		});
		const held = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-06' });
		expect(held.held.find((h) => h.number === 'FV-2026-0201')?.reason).toBe('dispute');
		expect(held.due.flatMap((m) => m.invoices.map((i) => i.number))).not.toContain('FV-2026-0201');
		expect(held.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('FV-2026-0202');

		await resolveDispute(ledger, {
			disputeId: opened.disputeId,
			resolution: 'unjustified',
			rootCause: 'quote misread by the customer',
		});
		const after = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-06' });
		expect(after.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('FV-2026-0201');
	});

	it('queues an unsure reply once, lists it, and keeps the label a person gives (corrected) with the text for retraining', async () => {
		const text = 'Bonjour, pour la FV-2026-0301 on voit ça avec le chef la semaine prochaine.';
		const c = classifyDispute(text, { receivedAt: '2026-03-06' });
		const first = await queueReview(ledger, {
			text,
			classification: c,
			sourceRef: '<rev-1@client>',
			sender: 'compta@sahel.example',
			subject: 'RE: Relance',
		});
		const again = await queueReview(ledger, {
			text,
			classification: c,
			sourceRef: '<rev-1@client>',
		});
		expect(first).toMatchObject({
			queued: 'queued',
			status: 'pending',
			customer: 'R2',
			invoiceNumbers: ['FV-2026-0301'],
			predicted: { category: c.category },
		});
		expect(again).toMatchObject({ queued: 'existing', reviewId: first.reviewId });
		expect((await listReviews(ledger)).map((r) => r.reviewId)).toEqual([first.reviewId]);

		const label = c.category === 'other' ? 'delay_request' : 'other';
		const done = await confirmLabel(ledger, { reviewId: first.reviewId, label, actor: 'karim' });
		expect(done).toMatchObject({ status: 'corrected', label, reviewedBy: 'karim', dispute: null });
		await expect(confirmLabel(ledger, { reviewId: first.reviewId, label })).rejects.toMatchObject({
			code: 'REVIEW_ALREADY_DONE',
		});
		expect(await listReviews(ledger)).toEqual([]);
		expect(await reviewedExamples(ledger)).toEqual([expect.objectContaining({ text, label })]);
	});

	it('a dispute label opens the dispute with the label in one step; a label that cannot be acted on writes nothing', async () => {
		const text = 'The pallet for invoice FV-2026-0202 came in crushed, see photos.';
		const queued = await queueReview(ledger, {
			text,
			classification: { ...classifyDispute(text), category: 'other', confidence: 0.4 },
			sourceRef: '<rev-2@client>',
		});
		const done = await confirmLabel(ledger, {
			reviewId: queued.reviewId,
			label: 'logistics',
			subcategory: 'damaged',
			actor: 'awa',
		});
		expect(done).toMatchObject({
			status: 'corrected',
			label: 'logistics',
			dispute: expect.objectContaining({
				status: 'opened',
				category: 'logistics',
				invoices: [expect.objectContaining({ number: 'FV-2026-0202' })],
			}),
		});
		expect(done.disputeId).toBe(done.dispute?.disputeId);
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2026-03-06' });
		expect(plan.held.find((h) => h.number === 'FV-2026-0202')?.reason).toBe('dispute');

		const orphan = await queueReview(ledger, {
			text: 'Facture FV-0000-0000 fausse',
			classification: { ...classifyDispute('x'), category: 'other' },
			sourceRef: '<rev-3@client>',
		});
		await expect(
			confirmLabel(ledger, { reviewId: orphan.reviewId, label: 'administrative' }),
		).rejects.toMatchObject({ code: 'DISPUTE_NO_INVOICE' });
		expect((await listReviews(ledger)).map((r) => r.reviewId)).toEqual([orphan.reviewId]);
		await expect(
			queueReview(ledger, { text: '  ', classification: classifyDispute('x') }),
		).rejects.toMatchObject({ code: 'REVIEW_EMPTY' });
		await expect(
			confirmLabel(ledger, { reviewId: orphan.reviewId, label: 'nonsense' as never }),
		).rejects.toMatchObject({ code: 'REVIEW_BAD_LABEL' });
	});

	it("notifies the owner, else the customer's collector, else the team, with the reply and what was done", async () => {
		expect(await notificationRecipients(ledger, { owner: 'REP1' }, 'team@vendor.example')).toEqual([
			'sophie.martin@vendor.example',
		]);
		expect(
			await notificationRecipients(
				ledger,
				{ owner: 'logistics', invoiceNumbers: ['FV-2026-0202'] },
				'team@vendor.example',
			),
		).toEqual(['karim.benali@vendor.example']);
		expect(
			await notificationRecipients(
				ledger,
				{ customer: 'R2' },
				'team@vendor.example; boss@vendor.example',
			),
		).toEqual(['team@vendor.example', 'boss@vendor.example']);
		const n = replyNotification({
			event: 'dispute_opened',
			classification: {
				category: 'commercial',
				subcategory: 'price_error',
				confidence: 0.91,
				evidence: "c'est le prix",
				invoiceNumbers: ['FV-2026-0201'],
			},
			message: { from: 'client@example.com', subject: 'RE: Relance' },
			result: { disputeId: '12', owner: 'REP1', dueOn: '2026-03-16', customer: 'R1' },
		});
		expect(n.subject).toBe('Litige ouvert / Dispute opened — R1 — FV-2026-0201');
		expect(n.text).toContain('Litige / Dispute: #12');
		expect(n.text).toContain('Confiance / Confidence: 91 %');
		expect(n.text).toContain("« c'est le prix »");
	});
});
