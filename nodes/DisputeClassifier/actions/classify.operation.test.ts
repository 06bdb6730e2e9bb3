import { shippedModel } from '../../../core/disputes/model';
import { closeEngine } from '../../../test/helpers/engine';
import { NODE, runNode } from '../../../test/helpers/nodes';
import { DisputeClassifier } from '../DisputeClassifier.node';

// Dispute Classifier › Classify, Review Below Confidence (n8n-core's engine, shipped model, no ledger): the option's
// default follows the model's own threshold (0.736 for the shipped model, from cross-validation), never a fixed 0.55.
describe('Dispute Classifier › Classify: Review Below Confidence', () => {
	afterAll(() => closeEngine());

	// 0.614 with the shipped model: under its threshold of 0.736, above the 0.55 of old.
	const text = 'Bonjour, le montant ne correspond pas au devis. Cordialement';
	const classify = async (options: Record<string, unknown>) => {
		const run = await runNode('disputeClassifier', {
			operation: 'classify',
			text,
			options: { receivedAt: '2026-11-02T09:00:00+01:00', ...options },
		});
		expect(run.status).toBe('success');
		return run.nodeOutputs(NODE, 0)[0].json.classification as Record<string, unknown>;
	};

	it('defaults to the model’s own threshold, said in the option’s description', async () => {
		const threshold = shippedModel().calibration?.reviewThreshold;
		expect(threshold).toBe(0.736);
		const options = new DisputeClassifier().description.properties.find(
			(p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('classify'),
		);
		const option = (
			options?.options as Array<{ name: string; default: unknown; description?: string }>
		).find((o) => o.name === 'reviewThreshold');
		expect(option?.default).toBe(0);
		expect(option?.description).toContain('the shipped model’s is 0.736');

		// Without the option, with it added at its default (0), and with it emptied: the model's 0.736 decides.
		for (const options of [{}, { reviewThreshold: 0 }, { reviewThreshold: '' }]) {
			const result = await classify(options);
			expect({ options, category: result.category, needsReview: result.needsReview }).toEqual({
				options,
				category: 'commercial',
				needsReview: true,
			});
			expect(result.confidence as number).toBeGreaterThan(0.55);
			expect(result.confidence as number).toBeLessThan(0.736);
		}
		// A threshold set on the node still wins.
		expect((await classify({ reviewThreshold: 0.55 })).needsReview).toBe(false);
		expect((await classify({ reviewThreshold: 0.9 })).needsReview).toBe(true);
	});
});
