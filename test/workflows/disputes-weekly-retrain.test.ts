import path from 'node:path';
import { confirmLabel, queueReview } from '../../core';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'disputes-weekly-retrain.json');

describe('workflow: Dispute Classifier weekly retraining', () => {
	const t = engineLedger();

	test('with few reviews it says so and changes nothing; with enough it reports both models’ scores', async () => {
		const first = await runWorkflow(loadWorkflow(WORKFLOW), { credentials: t.credentials });
		expect(first.status).toBe('success');
		expect(first.json('Model kept or not enough reviews (see message)')[0]).toMatchObject({
			status: 'not_enough_examples',
			companyExamples: 0,
		});
		const texts: Array<[string, 'logistics' | 'payment_promise' | 'other']> = [];
		for (let i = 0; i < 12; i++) {
			texts.push([
				`Bonjour, la livraison n° ${i} n'est jamais arrivée à notre dépôt, merci de vérifier avec le transporteur.`,
				'logistics',
			]);
			texts.push([
				`Bonjour, nous réglerons la facture F-${100 + i} le ${10 + i} du mois prochain.`,
				'payment_promise',
			]);
			texts.push([`Bonjour,\nMerci, bon week-end.\nSalutations ${i}`, 'other']);
		}
		for (const [k, [text, label]] of texts.entries()) {
			const queued = await queueReview(t.ledger, {
				text,
				classification: {
					category: 'other',
					subcategory: 'other',
					confidence: 0.3,
					language: 'fr',
					invoiceNumbers: [],
				},
				sourceRef: `w-${k}`,
			});
			await confirmLabel(t.ledger, { reviewId: queued.reviewId, label, openDispute: false });
		}
		const second = await runWorkflow(loadWorkflow(WORKFLOW), { credentials: t.credentials });
		expect(second.status).toBe('success');
		const [result] = [
			...second.json('New model active (see message)'),
			...second.json('Model kept or not enough reviews (see message)'),
		];
		expect(['activated', 'kept']).toContain(result.status);
		expect(result.companyExamples).toBe(36);
		expect(result).toMatchObject({
			candidate: expect.objectContaining({
				macroF1: expect.any(Number),
				reviewThreshold: expect.any(Number),
			}),
			active: expect.objectContaining({ macroF1: expect.any(Number) }),
		});
	}, 180_000);
});
