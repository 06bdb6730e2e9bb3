import { NODE, runNode } from '../../../test/helpers/nodes';
import { engineLedger } from '../../../test/helpers/engineLedger';

// Dispute Classifier › Retrain Model and › Roll Back Model as nodes (n8n-core's engine) on a real ledger. The
// learning itself is tested in core/disputes/retrain.test.ts.
describe('Dispute Classifier › Retrain Model / Roll Back Model', () => {
	const t = engineLedger();

	it('says in French and English that there are not enough reviewed replies yet, and rolls back to the shipped model', async () => {
		const retrain = await runNode(
			'disputeClassifier',
			{ operation: 'retrainModel', retrainOptions: { minExamples: 30 } },
			{ credentials: t.credentials },
		);
		expect(retrain.status).toBe('success');
		expect(retrain.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			status: 'not_enough_examples',
			companyExamples: 0,
			modelId: null,
			messageFr: expect.stringContaining('au moins 30'),
		});
		const rollback = await runNode(
			'disputeClassifier',
			{ operation: 'rollbackModel', rollbackTo: 'shipped' },
			{ credentials: t.credentials },
		);
		expect(rollback.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			activeModelId: null,
			messageFr: 'Le modèle livré avec le paquet est actif.',
		});
	});
});
