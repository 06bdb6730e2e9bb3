import { loadSplit } from '../../test/fixtures/disputes/dataset';
import { toExamples } from '../../test/fixtures/disputes/evaluation';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import type { Ledger } from '../ledger';
import { classifyWithModel } from './classify';
import type { DisputeCategory } from './lexicon';
import {
	activeDisputeModel,
	retrainDisputeModel,
	reviewThresholdFor,
	rollbackDisputeModel,
	shippedTrainingSet,
} from './retrain';
import { confirmLabel, queueReview } from './review';

// A company whose customers end their mails with short polite closings ("Merci, bon week-end") and whose biggest
// customer's supplier portal answers with its own reason codes ("motif M14": no order number on the invoice), which
// the shipped model cannot know and reads as mere remarks, reviews its replies; retraining learns its way of writing.
const GREET = ['Bonjour', 'Bonsoir', 'Hello', 'Salut', 'Bjr', 'Cher Monsieur', 'Madame', 'Hi team'];
const CLOSE = [
	'Merci, bon week-end',
	'Merci beaucoup et bonne journée',
	'Thanks, have a good weekend',
	'Bien reçu, merci',
	'Merci pour votre retour, bonne soirée',
	'Thanks a lot, talk soon',
	'Merci et à bientôt',
	'Cordialement, bonne fin de semaine',
];
const LOGISTICS = [
	"le colis n'est jamais arrivé chez nous",
	'la palette est arrivée abîmée',
	'il manque deux cartons sur la livraison',
	'the parcel never reached our warehouse',
	'goods delivered to the wrong site',
	"livraison incomplète, le bon de livraison n'est pas signé",
];
const PORTAL = [
	'statut de votre facture : SUSPENDUE, motif M14',
	'invoice status: ON HOLD - reason code M14',
	'facture en statut BLOQUÉE (motif M14)',
	'motif M14 sur votre facture, cf. portail',
	'code M14 on your invoice',
	'votre facture est suspendue : motif M14',
	'status update: invoice suspended, M14',
	'rejet portail fournisseur, motif M14',
	'M14 - facture suspendue',
	'your invoice was put on hold, code M14',
];
const PROMISE = [
	'nous réglerons la facture vendredi prochain',
	'le paiement partira le 30 de ce mois',
	'we will pay the invoice next Friday',
	'règlement prévu à la fin du mois',
	'payment is scheduled for the 15th',
];

function replies(): Array<{ text: string; label: DisputeCategory }> {
	const out: Array<{ text: string; label: DisputeCategory }> = [];
	GREET.forEach((g, i) =>
		CLOSE.forEach((c, j) => {
			if ((i + j) % 2 === 0)
				out.push({
					text: `${g},\n${c}.\n${['Awa', 'Karim', 'Sophie', 'John'][(i + j) % 4]}`,
					label: 'other',
				});
		}),
	);
	LOGISTICS.forEach((l, i) =>
		out.push({
			text: `${GREET[i % GREET.length]}, ${l}. ${CLOSE[i % CLOSE.length]}.`,
			label: 'logistics',
		}),
	);
	PROMISE.forEach((p, i) =>
		out.push({
			text: `${GREET[(i + 3) % GREET.length]}, ${p}. ${CLOSE[(i + 2) % CLOSE.length]}.`,
			label: 'payment_promise',
		}),
	);
	PORTAL.forEach((p, i) =>
		out.push({
			text: `${GREET[(i + 5) % GREET.length]}, ${p}. ${CLOSE[(i + 1) % CLOSE.length]}.`,
			label: 'administrative',
		}),
	);
	return out;
}

let ledger: Ledger;
beforeAll(async () => {
	ledger = await createTestLedger();
});
afterAll(async () => dropTestLedger(ledger));

async function review(
	list: Array<{ text: string; label: DisputeCategory }>,
	offset = 0,
): Promise<void> {
	for (const [i, r] of list.entries()) {
		const queued = await queueReview(ledger, {
			text: r.text,
			classification: {
				category: 'other',
				subcategory: 'other',
				confidence: 0.3,
				language: 'fr',
				invoiceNumbers: [],
			},
			sourceRef: `msg-${offset + i}`,
		});
		await confirmLabel(ledger, {
			reviewId: queued.reviewId,
			label: r.label,
			openDispute: false,
			actor: 'test',
		});
	}
}

describe('retraining from the review queue', () => {
	it('ships its training set as a package file identical to the labelled train/ split', () => {
		const fixtures = toExamples(loadSplit('train'));
		expect(shippedTrainingSet().map((e) => [e.id, e.label, e.text])).toEqual(
			fixtures.map((e) => [e.id, e.label, e.text]),
		);
	});

	it('needs enough reviewed replies before training anything', async () => {
		await review(replies().slice(0, 5));
		const result = await retrainDisputeModel(ledger);
		expect(result).toMatchObject({ status: 'not_enough_examples', companyExamples: 5 });
		expect(result.message.fr).toContain('au moins 30');
		expect((await activeDisputeModel(ledger)).id).toBeNull();
	});

	it('activates a model that does better on replies it never saw, calibrated so that what it handles alone is right ≥ 97 % of the time', async () => {
		await review(replies().slice(5), 5);
		const result = await retrainDisputeModel(ledger, { actor: 'test' });
		expect(result.status).toBe('activated');
		expect(result.candidate!.macroF1).toBeGreaterThan(result.active!.macroF1);
		expect(result.candidate!.measuredOn).toBe(result.active!.measuredOn);
		expect(result.candidate!.autoAccuracy).toBeGreaterThanOrEqual(0.97);
		const active = await activeDisputeModel(ledger);
		expect(active.id).toBe(result.modelId);
		expect(active.model.calibration).toEqual({
			temperature: result.candidate!.temperature,
			reviewThreshold: result.candidate!.reviewThreshold,
		});
		// The company's own closing and its customer's portal code are now read as what its people labelled them.
		expect(classifyWithModel(active.model, 'Bonjour,\nMerci, bon week-end.\nAwa').category).toBe(
			'other',
		);
		expect(
			classifyWithModel(active.model, 'Bonjour, votre facture FA-2291 : motif M14. Merci.')
				.category,
		).toBe('administrative');
	}, 120_000);

	it('keeps the active model when a new one is not better, and rolls back by operation', async () => {
		const first = (await activeDisputeModel(ledger)).id;
		const again = await retrainDisputeModel(ledger);
		// Same reviewed replies, same training: the new model ties with the active one and is kept aside.
		expect(again.status).toBe('kept');
		expect((await activeDisputeModel(ledger)).id).toBe(first);
		expect(await rollbackDisputeModel(ledger)).toEqual({ activeModelId: null });
		expect((await activeDisputeModel(ledger)).id).toBeNull();
		expect(await rollbackDisputeModel(ledger, { modelId: first! })).toEqual({
			activeModelId: first,
		});
		await expect(rollbackDisputeModel(ledger, { modelId: '999999' })).rejects.toMatchObject({
			code: 'DISPUTE_MODEL_NOT_FOUND',
		});
	}, 120_000);
});

describe('the review threshold', () => {
	it('is the lowest confidence above which the target accuracy holds, never splitting equal confidences', () => {
		const pairs = [0.99, 0.98, 0.95, 0.9, 0.9, 0.8, 0.6].map((confidence, i) => ({
			confidence,
			right: i !== 4 && i !== 6,
		}));
		expect(reviewThresholdFor(pairs, 0.97)).toBe(0.95);
		expect(reviewThresholdFor(pairs, 0.8)).toBe(0.8);
		expect(reviewThresholdFor([{ confidence: 0.9, right: false }], 0.97)).toBe(1);
	});
});
