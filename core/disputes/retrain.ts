import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { analyseText } from './analyse';
import { classifyWithModel } from './classify';
import { CATEGORIES, type DisputeCategory } from './lexicon';
import {
	DEFAULT_REVIEW_THRESHOLD,
	scoreAnalysis,
	shippedModel,
	softmax,
	type DisputeModel,
} from './model';
import { reviewedExamples } from './review';
import { trainDisputeModel, type TrainingExample } from './training';

/**
 * Each company's reviewed replies are the best training data it will ever have. Retraining learns a model from the
 * shipped set plus the company's confirmed and corrected labels, measures it on a held-out slice of those labels
 * (never seen in training), calibrates its confidence there, and makes it the active model only when it does better
 * than the active one on that same slice. Every model is kept in the ledger with its scores; rolling back is an
 * operation.
 */

/** The labelled replies the package ships (the training split of test/fixtures/disputes). */
export function shippedTrainingSet(): TrainingExample[] {
	return JSON.parse(
		readFileSync(coreAssetPath('disputes', 'training-set.json'), 'utf8'),
	) as TrainingExample[];
}

export interface ModelScores {
	/** Company replies the scores are measured on (the held-out slice). */
	measuredOn: number;
	accuracy: number;
	macroF1: number;
	/** Share of replies under the review threshold (sent to a person). */
	reviewShare: number;
	/** Accuracy among the replies handled automatically (at or above the threshold). */
	autoAccuracy: number;
	reviewThreshold: number;
	temperature: number;
}

export interface RetrainOptions {
	/** Share of the company's reviewed replies kept apart for measuring (default 0.3). */
	holdoutShare?: number;
	/** Reviewed replies needed before retraining means anything (default 30). */
	minExamples?: number;
	/** Accuracy wanted among the replies handled automatically (default 0.97). */
	targetAutoAccuracy?: number;
	/** How many times a company reply counts against a shipped one in training (default 3). */
	companyWeight?: number;
	actor?: string;
}

export interface RetrainResult {
	status: 'activated' | 'kept' | 'not_enough_examples';
	/** The model trained now (kept in the ledger even when not activated). */
	modelId?: string;
	companyExamples: number;
	candidate?: ModelScores;
	/** The active model's scores on the same slice (the shipped model when none is active). */
	active?: ModelScores;
	message: { en: string; fr: string };
}

/** A stable split: the same reply always falls on the same side, whatever else was reviewed. */
function inHoldout(example: TrainingExample, share: number): boolean {
	const h = createHash('sha256')
		.update(`${example.id ?? ''}\u0000${example.text}`)
		.digest();
	return h.readUInt32BE(0) / 2 ** 32 < share;
}

interface Scored {
	truth: DisputeCategory;
	raw: number[];
}

function macroF1(pairs: Array<{ truth: DisputeCategory; predicted: DisputeCategory }>): number {
	const labels = CATEGORIES.filter((c) => pairs.some((p) => p.truth === c || p.predicted === c));
	if (labels.length === 0) return 0;
	let sum = 0;
	for (const c of labels) {
		const tp = pairs.filter((p) => p.truth === c && p.predicted === c).length;
		const fp = pairs.filter((p) => p.truth !== c && p.predicted === c).length;
		const fn = pairs.filter((p) => p.truth === c && p.predicted !== c).length;
		sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
	}
	return sum / labels.length;
}

/** The temperature that makes confidences honest on the slice (least negative log-likelihood over a grid). */
export function fitTemperature(model: DisputeModel, scored: Scored[]): number {
	let best = { t: 1, nll: Infinity };
	for (let t = 0.25; t <= 4.001; t += 0.05) {
		let nll = 0;
		for (const s of scored) {
			const p = softmax(s.raw.map((x) => x / t))[model.labels.indexOf(s.truth)];
			nll -= Math.log(Math.max(p, 1e-12));
		}
		if (nll < best.nll) best = { t: Math.round(t * 100) / 100, nll };
	}
	return best.t;
}

/** The lowest confidence above which the replies are right at least `target` of the time (1 when none is). */
export function reviewThresholdFor(
	pairs: Array<{ confidence: number; right: boolean }>,
	target: number,
): number {
	const sorted = [...pairs].sort((a, b) => b.confidence - a.confidence);
	let right = 0;
	let threshold = 1;
	for (let i = 0; i < sorted.length; i++) {
		if (sorted[i].right) right++;
		const next = sorted[i + 1]?.confidence;
		// Only cut between two different confidences: a threshold cannot split equal ones.
		if (right / (i + 1) >= target && next !== sorted[i].confidence)
			threshold = sorted[i].confidence;
	}
	return Math.round(threshold * 1000) / 1000;
}

function measure(
	model: DisputeModel,
	slice: TrainingExample[],
	target: number,
	calibrate: boolean,
): ModelScores {
	const scored: Scored[] = slice.map((e) => ({
		truth: e.label,
		raw: scoreAnalysis(
			model,
			analyseText(e.text, { language: e.language, receivedAt: e.receivedAt }),
		),
	}));
	const temperature = calibrate
		? fitTemperature(model, scored)
		: (model.calibration?.temperature ?? 1);
	const calibrated: DisputeModel = { ...model, calibration: { temperature, reviewThreshold: 0 } };
	const predictions = slice.map((e) => {
		const c = classifyWithModel(calibrated, e.text, {
			language: e.language,
			receivedAt: e.receivedAt,
			reviewThreshold: 0,
		});
		return {
			truth: e.label,
			predicted: c.category,
			confidence: c.confidence,
			right: c.category === e.label,
		};
	});
	const reviewThreshold = calibrate
		? reviewThresholdFor(predictions, target)
		: (model.calibration?.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD);
	const auto = predictions.filter((p) => p.confidence >= reviewThreshold);
	const round = (x: number) => Math.round(x * 1000) / 1000;
	return {
		measuredOn: slice.length,
		accuracy: round(predictions.filter((p) => p.right).length / Math.max(1, predictions.length)),
		macroF1: round(macroF1(predictions)),
		reviewShare: round(1 - auto.length / Math.max(1, predictions.length)),
		autoAccuracy: round(auto.length ? auto.filter((p) => p.right).length / auto.length : 1),
		reviewThreshold,
		temperature,
	};
}

/** The company's active model (with its calibration), or the shipped one when it has none. */
export async function activeDisputeModel(
	ledger: Ledger,
): Promise<{ model: DisputeModel; id: string | null; scores: ModelScores | null }> {
	const [row] = await ledger.query<{
		id: string;
		model: DisputeModel;
		scores: { candidate: ModelScores };
	}>('SELECT id, model, scores FROM dispute_models WHERE active');
	return row
		? { model: row.model, id: row.id, scores: row.scores.candidate }
		: { model: shippedModel(), id: null, scores: null };
}

/**
 * Trains, measures and (when better) activates a company model. Better means a higher macro-F1 on the held-out slice
 * of the company's reviewed replies than the active model has on the same slice; a tie keeps the active one.
 */
export async function retrainDisputeModel(
	ledger: Ledger,
	options: RetrainOptions = {},
): Promise<RetrainResult> {
	const share = options.holdoutShare ?? 0.3;
	const target = options.targetAutoAccuracy ?? 0.97;
	const company = await reviewedExamples(ledger);
	if (company.length < (options.minExamples ?? 30)) {
		return {
			status: 'not_enough_examples',
			companyExamples: company.length,
			message: {
				en: `${company.length} reviewed replies: at least ${options.minExamples ?? 30} are needed to train and measure a model of the company's own. Keep confirming labels in the review queue.`,
				fr: `${company.length} réponses revues : il en faut au moins ${options.minExamples ?? 30} pour entraîner et mesurer un modèle propre à l'entreprise. Continuez à confirmer les libellés de la file de revue.`,
			},
		};
	}
	const holdout = company.filter((e) => inHoldout(e, share));
	const training = company.filter((e) => !inHoldout(e, share));
	if (holdout.length === 0 || training.length === 0) {
		throw new ReceivablesError(
			'DISPUTE_RETRAIN_SPLIT',
			'The reviewed replies could not be split into a training and a measuring part.',
			{ hint: 'Review more replies, or change the held-out share.' },
		);
	}
	const weight = Math.max(1, Math.round(options.companyWeight ?? 3));
	const examples = [
		...shippedTrainingSet(),
		...training.flatMap((e) => Array.from({ length: weight }, () => e)),
	];
	const trained = trainDisputeModel(examples);
	const candidate = measure(trained, holdout, target, true);
	const current = await activeDisputeModel(ledger);
	const active = measure(current.model, holdout, target, false);
	const model: DisputeModel = {
		...trained,
		calibration: { temperature: candidate.temperature, reviewThreshold: candidate.reviewThreshold },
	};
	const better = candidate.macroF1 > active.macroF1;
	const modelId = await ledger.transaction(async (client) => {
		if (better)
			await client.query(
				'UPDATE dispute_models SET active = false, deactivated_at = now() WHERE active',
			);
		const { rows } = await client.query<{ id: string }>(
			`INSERT INTO dispute_models (created_by, active, model, scores, company_examples, activated_at) VALUES ($1, $2, $3, $4, $5, CASE WHEN $2 THEN now() END) RETURNING id`,
			[
				options.actor ?? null,
				better,
				JSON.stringify(model),
				JSON.stringify({ candidate, active, activeModelId: current.id }),
				company.length,
			],
		);
		return rows[0].id;
	});
	const f = (s: ModelScores) =>
		`macro-F1 ${s.macroF1}, ${Math.round(s.autoAccuracy * 1000) / 10} % right when handled automatically, ${Math.round(s.reviewShare * 1000) / 10} % sent to review`;
	return {
		status: better ? 'activated' : 'kept',
		modelId,
		companyExamples: company.length,
		candidate,
		active,
		message: better
			? {
					en: `New model #${modelId} active: ${f(candidate)} on ${holdout.length} reviewed replies kept apart (the previous: ${f(active)}).`,
					fr: `Nouveau modèle n°${modelId} actif : ${f(candidate)} sur ${holdout.length} réponses revues mises de côté (le précédent : ${f(active)}).`,
				}
			: {
					en: `Model #${modelId} trained but not activated: ${f(candidate)}, not better than the active model (${f(active)}).`,
					fr: `Modèle n°${modelId} entraîné mais non activé : ${f(candidate)}, pas meilleur que le modèle actif (${f(active)}).`,
				},
	};
}

/** Makes a kept model active again (default: the one active before the current one), or the shipped one (`shipped`). */
export async function rollbackDisputeModel(
	ledger: Ledger,
	options: { modelId?: string | 'shipped'; actor?: string } = {},
): Promise<{ activeModelId: string | null }> {
	return await ledger.transaction(async (client) => {
		const { rows: current } = await client.query<{
			id: string;
			scores: { activeModelId: string | null };
		}>('SELECT id, scores FROM dispute_models WHERE active FOR UPDATE');
		const target =
			options.modelId === 'shipped'
				? null
				: (options.modelId ?? current[0]?.scores.activeModelId ?? null);
		if (target !== null) {
			const { rows } = await client.query('SELECT 1 FROM dispute_models WHERE id = $1', [target]);
			if (rows.length === 0)
				throw new ReceivablesError(
					'DISPUTE_MODEL_NOT_FOUND',
					`Model #${target} is not in the ledger.`,
					{ hint: 'Give the id of a model listed by the retraining results.' },
				);
		}
		await client.query(
			'UPDATE dispute_models SET active = false, deactivated_at = now() WHERE active',
		);
		if (target !== null)
			await client.query(
				'UPDATE dispute_models SET active = true, activated_at = now() WHERE id = $1',
				[target],
			);
		return { activeModelId: target };
	});
}
