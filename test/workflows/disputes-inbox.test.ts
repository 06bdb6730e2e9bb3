import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { addDays, todayIn } from '../../core';
import { shippedModel } from '../../core/disputes/model';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, dunningTestLedger } from './dunning-helpers';

/** What n8n's Email Trigger (IMAP) outputs for a message in its "Simple" format. */
function mail(
	messageId: string,
	subject: string,
	text: string,
	date = new Date().toUTCString(),
): IDataObject {
	return {
		textPlain: text,
		textHtml: '',
		subject,
		date,
		from: 'client@example.com',
		metadata: { 'message-id': messageId },
		attributes: { uid: 1 },
	};
}

describe('workflow: dispute inbox', () => {
	const t = dunningTestLedger({ smtp: true });

	beforeAll(async () => {
		await seedStaff(t.ledger);
		const c = await addCustomer(t.ledger, {
			externalId: 'IN-1',
			name: 'Quincaillerie du Plateau',
			salesRep: 'REP1',
			collector: 'COL1',
			emails: ['Client@Example.com'],
		});
		await addInvoice(t.ledger, {
			customerId: c,
			number: 'FV-2026-0101',
			dueDate: addDays(todayIn('Europe/Paris'), -3),
			amount: 240000n,
		});
		await addInvoice(t.ledger, {
			customerId: c,
			number: 'FV-2026-0102',
			dueDate: addDays(todayIn('Europe/Paris'), -3),
			amount: 60000n,
		});
		await addInvoice(t.ledger, {
			customerId: c,
			number: 'FV-2026-0103',
			dueDate: addDays(todayIn('Europe/Paris'), -3),
			amount: 30000n,
		});
	});

	test('opens disputes, records promises and announced payments, sets aside automatic replies, queues the rest for review, e-mails each action', async () => {
		const promised = addDays(todayIn('Europe/Paris'), 10);
		const items = [
			mail(
				'<d1@client>',
				'RE: Relance facture FV-2026-0101',
				"Bonjour,\nCe n'est pas la livraison le problème, c'est le prix de la facture FV-2026-0101 : 14,50 € au lieu de 12,90 € du devis. Merci de corriger.\nCordialement\n\nLe 02/03/2026 à 09:00, Relances <relance@novafer.fr> a écrit :\n> Merci de régler la facture FV-2026-0101.",
			),
			mail(
				'<p1@client>',
				'RE: Relance',
				`Bonjour, la facture FV-2026-0102 est validée, elle sera payée le ${promised.slice(8, 10).replace(/^0/, '')}.\nCordialement`,
			),
			mail(
				'<s1@client>',
				'RE: Relance',
				'Hello, the payment for invoice FV-2026-0103 was made yesterday by bank transfer, reference TRF-2026-88412.\nRegards',
			),
			mail(
				'<a1@client>',
				'Réponse automatique : Relance facture FV-2026-0101',
				"Je suis absente jusqu'au 30 mars. Pour les factures, contactez compta@client.fr.",
			),
			mail(
				'<r1@client>',
				'RE: Relance',
				"Bonjour, serait-il possible d'étaler le paiement en trois mensualités ? Notre trésorerie est tendue.",
			),
			mail(
				'<x1@client>',
				'RE: Relance',
				'Bonjour, la facture FV-9999-0001 comporte une erreur de taux de TVA, merci de nous envoyer une facture rectifiée.',
			),
		];
		const result = await runWorkflow(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'disputes-inbox.json')),
			{ credentials: credentialsFor(t.ledger, t.sink), triggerItems: items },
		);
		expect(result.error).toBeUndefined();
		const classified = result
			.json('Read the reply')
			.map((j) => (j.classification as IDataObject).category);
		expect(classified).toEqual([
			'commercial',
			'payment_promise',
			'payment_sent',
			'auto_reply',
			'delay_request',
			'administrative',
		]);
		// No model of the company's own yet: the shipped one reads.
		expect(
			result.json('Read the reply').map((j) => (j.classification as IDataObject).modelId),
		).toEqual(Array(6).fill('shipped'));

		const opened = result.json('E-mail the owner: dispute opened');
		expect(opened).toEqual([
			expect.objectContaining({
				status: 'opened',
				category: 'commercial',
				owner: 'REP1',
				invoices: [expect.objectContaining({ number: 'FV-2026-0101' })],
			}),
		]);
		expect(opened[0].notification).toMatchObject({
			sent: true,
			to: ['sophie.martin@vendor.example'],
		});
		expect(result.json('E-mail the collector: promise recorded')).toEqual([
			expect.objectContaining({
				outcome: 'promise',
				promises: [expect.objectContaining({ invoice: 'FV-2026-0102', promisedOn: promised })],
			}),
		]);
		expect(result.json('E-mail the collector: payment announced')).toEqual([
			expect.objectContaining({ outcome: 'payment_sent', paymentReference: 'TRF-2026-88412' }),
		]);
		expect(result.json('Automatic reply: set aside')).toHaveLength(1);
		// The review queue is reached from two branches: the unsure result and the dispute on an unknown invoice.
		const runs =
			result.run.data.resultData.runData['E-mail the team: reply to review']?.length ?? 0;
		const review = Array.from({ length: runs }, (_, r) =>
			result.json('E-mail the team: reply to review', 0, r),
		).flat();
		expect(review).toHaveLength(2);
		expect(
			review.some(
				(j) =>
					j.reason === 'dispute_no_invoice' &&
					(j.predicted as IDataObject).category === 'administrative',
			),
		).toBe(true);
		expect(review.some((j) => (j.predicted as IDataObject).category === 'delay_request')).toBe(
			true,
		);
		const queue = await t.ledger.query<{
			source_ref: string;
			status: string;
			predicted_category: string;
		}>('SELECT source_ref, status, predicted_category FROM dispute_reviews ORDER BY source_ref');
		expect(queue).toEqual([
			{ source_ref: '<r1@client>', status: 'pending', predicted_category: 'delay_request' },
			{ source_ref: '<x1@client>', status: 'pending', predicted_category: 'administrative' },
		]);

		// Every action was e-mailed: the sales rep for the dispute, the collector for the promise and the payment, the team for the reviews
		// (the unknown invoice has no customer, so no collector).
		const mails = await t.sink.parsed();
		const to = mails.map((m) => `${(m.to as { text: string }).text} | ${m.subject}`).sort();
		expect(to).toEqual([
			'credit-management@example.com | Réponse client à vérifier / Customer reply to review',
			'credit-management@example.com | Réponse client à vérifier / Customer reply to review — FV-9999-0001',
			'karim.benali@vendor.example | Paiement annoncé / Payment announced — IN-1 — FV-2026-0103',
			'karim.benali@vendor.example | Promesse de paiement enregistrée / Payment promise recorded — IN-1 — FV-2026-0102',
			'sophie.martin@vendor.example | Litige ouvert / Dispute opened — IN-1 — FV-2026-0101',
		]);
		const disputeMail = mails.find((m) => String(m.subject).startsWith('Litige'));
		expect(disputeMail?.text).toContain('FV-2026-0101');
		expect(disputeMail?.text).toMatch(/Litige \/ Dispute: #\d+/);

		// The same mailbox read again (a retried execution) opens no second dispute.
		const again = await runWorkflow(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'disputes-inbox.json')),
			{ credentials: credentialsFor(t.ledger, t.sink), triggerItems: [items[0]] },
		);
		expect(again.json('E-mail the owner: dispute opened')).toEqual([
			expect.objectContaining({
				status: 'existing',
				disputeId: (opened[0] as IDataObject).disputeId,
			}),
		]);
		const disputes = await t.ledger.query<{ category: string; source_ref: string }>(
			'SELECT category, source_ref FROM disputes',
		);
		expect(disputes).toEqual([{ category: 'commercial', source_ref: '<d1@client>' }]);
		const promises = await t.ledger.query<{ source: string; status: string }>(
			'SELECT source, status FROM promises ORDER BY source',
		);
		expect(promises).toEqual([
			{ source: 'email', status: 'pending' },
			{ source: 'payment_announced', status: 'pending' },
		]);
	});

	test("reads with the company's active model once retraining made one active (its review threshold included)", async () => {
		// A company model (the shipped weights with a strict review threshold) active in the ledger, as Retrain Model leaves it.
		const strict = { ...shippedModel(), calibration: { temperature: 1, reviewThreshold: 0.999 } };
		const [row] = await t.ledger.query<{ id: string }>(
			`INSERT INTO dispute_models (created_by, active, model, scores, company_examples, activated_at) VALUES ('test', true, $1, $2, 40, now()) RETURNING id`,
			[JSON.stringify(strict), JSON.stringify({ candidate: {}, active: {}, activeModelId: null })],
		);
		const reply = mail(
			'<s2@client>',
			'RE: Relance',
			'Hello, the payment for invoice FV-2026-0103 was made yesterday by bank transfer, reference TRF-2026-88413.\nRegards',
		);
		const result = await runWorkflow(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'disputes-inbox.json')),
			{ credentials: credentialsFor(t.ledger, t.sink), triggerItems: [reply] },
		);
		expect(result.error).toBeUndefined();
		expect(result.json('Read the reply')[0].classification).toMatchObject({
			category: 'payment_sent',
			needsReview: true,
			modelId: String(row.id),
		});
		expect(result.json('E-mail the collector: payment announced')).toEqual([]);
		const queued = await t.ledger.query<{ status: string }>(
			"SELECT status FROM dispute_reviews WHERE source_ref = '<s2@client>'",
		);
		expect(queued).toEqual([{ status: 'pending' }]);
	});
});
