import { shippedModel } from '../../../core/disputes/model';
import { NODE, runNode } from '../../../test/helpers/nodes';
import { engineLedger } from '../../../test/helpers/engineLedger';

// Dispute Classifier › Classify with Model = the company's active model (n8n-core's engine, real ledger): the reply is
// read with the model Retrain Model made active, with its review threshold; the shipped one while there is none.
describe("Dispute Classifier › Classify with the company's active model", () => {
	const t = engineLedger();
	const text =
		'Bonjour, le virement est parti hier, vous devriez le recevoir demain. Cordialement, Marc';

	it('reads with the shipped model while the company has none, then with its active model and threshold', async () => {
		const params = {
			operation: 'classify',
			text,
			classifyModel: 'company',
			options: { receivedAt: '2026-11-02T09:00:00+01:00' },
		};
		const before = await runNode('disputeClassifier', params, { credentials: t.credentials });
		expect(before.status).toBe('success');
		const first = before.nodeOutputs(NODE, 0)[0].json.classification as Record<string, unknown>;
		expect(first).toMatchObject({
			category: 'payment_sent',
			needsReview: false,
			modelId: 'shipped',
		});

		// A company model (here the shipped weights with a strict review threshold) made active in the ledger.
		const strict = { ...shippedModel(), calibration: { temperature: 1, reviewThreshold: 0.999 } };
		const [row] = await t.ledger.query<{ id: string }>(
			`INSERT INTO dispute_models (created_by, active, model, scores, company_examples, activated_at) VALUES ('test', true, $1, $2, 40, now()) RETURNING id`,
			[JSON.stringify(strict), JSON.stringify({ candidate: {}, active: {}, activeModelId: null })],
		);
		const after = await runNode('disputeClassifier', params, { credentials: t.credentials });
		const second = after.nodeOutputs(NODE, 0)[0].json.classification as Record<string, unknown>;
		expect(second).toMatchObject({
			category: 'payment_sent',
			needsReview: true,
			modelId: String(row.id),
		});

		// The shipped model (the default) needs no ledger and ignores the company's model.
		const shipped = await runNode('disputeClassifier', {
			operation: 'classify',
			text,
			options: { receivedAt: '2026-11-02T09:00:00+01:00' },
		});
		expect(shipped.nodeOutputs(NODE, 0)[0].json.classification).toMatchObject({
			category: 'payment_sent',
			needsReview: false,
		});
		expect(
			(shipped.nodeOutputs(NODE, 0)[0].json.classification as Record<string, unknown>).modelId,
		).toBeUndefined();
	});
});
