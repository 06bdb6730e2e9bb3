import path from 'node:path';
import { confirmLabel, queueReview, type Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { closeEngine, loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'disputes-weekly-retrain.json');

describe('workflow: Dispute Classifier weekly retraining', () => {
	let ledger: Ledger;
	let credentials: { receivablesLedgerApi: Record<string, string | number> };
	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test('with few reviews it says so and changes nothing; with enough it reports both models’ scores', async () => {
		const first = await runWorkflow(loadWorkflow(WORKFLOW), { credentials });
		expect(first.status).toBe('success');
		expect(first.json('Model kept or not enough reviews (see message)')[0]).toMatchObject({ status: 'not_enough_examples', companyExamples: 0 });
		const texts: Array<[string, 'logistics' | 'payment_promise' | 'other']> = [];
		for (let i = 0; i < 12; i++) {
			texts.push([`Bonjour, la livraison n° ${i} n'est jamais arrivée à notre dépôt, merci de vérifier avec le transporteur.`, 'logistics']);
			texts.push([`Bonjour, nous réglerons la facture F-${100 + i} le ${10 + i} du mois prochain.`, 'payment_promise']);
			texts.push([`Bonjour,\nMerci, bon week-end.\nSalutations ${i}`, 'other']);
		}
		for (const [k, [text, label]] of texts.entries()) {
			const queued = await queueReview(ledger, { text, classification: { category: 'other', subcategory: 'other', confidence: 0.3, language: 'fr', invoiceNumbers: [] }, sourceRef: `w-${k}` });
			await confirmLabel(ledger, { reviewId: queued.reviewId, label, openDispute: false });
		}
		const second = await runWorkflow(loadWorkflow(WORKFLOW), { credentials });
		expect(second.status).toBe('success');
		const [result] = [...second.json('New model active (see message)'), ...second.json('Model kept or not enough reviews (see message)')];
		expect(['activated', 'kept']).toContain(result.status);
		expect(result.companyExamples).toBe(36);
		expect(result).toMatchObject({ candidate: expect.objectContaining({ macroF1: expect.any(Number), reviewThreshold: expect.any(Number) }), active: expect.objectContaining({ macroF1: expect.any(Number) }) });
	}, 180_000);
});
