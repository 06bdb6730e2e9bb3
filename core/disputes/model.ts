import { readFileSync } from 'node:fs';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';
import type { Analysis } from './analyse';
import { CATEGORIES, type DisputeCategory } from './lexicon';
import { SIGNAL_NAMES } from './signals';

/**
 * A multinomial logistic regression over the lexicon cues (with their negation and emphasis), the cue totals per
 * category and the words of the message. Trained offline on the labelled set (test/fixtures/disputes/train) and
 * shipped as JSON weights: classification is a sum of weights and a softmax, the same on every machine.
 */
export interface DisputeModel {
	version: 1;
	labels: DisputeCategory[];
	/** feature → one weight per label, in `labels` order. */
	weights: Record<string, number[]>;
	trainedOn?: { examples: number; perLabel: Record<string, number>; hash: string };
	/**
	 * Calibration learned on a company's reviewed replies: scores are divided by `temperature` before the softmax, so
	 * a confidence of 0.9 means right about nine times in ten; `reviewThreshold` is the confidence under which a reply
	 * goes to review so that what is handled automatically is right at the target rate.
	 */
	calibration?: { temperature: number; reviewThreshold: number };
}

export type Features = Map<string, number>;

const LEXICON_FEATURE = Object.fromEntries(CATEGORIES.map((c) => [c, `k:${c}`])) as Record<
	string,
	string
>;
const DENIED_FEATURE = Object.fromEntries(CATEGORIES.map((c) => [c, `n:${c}`])) as Record<
	string,
	string
>;
const SIGNAL_FEATURE = Object.fromEntries(
	[...SIGNAL_NAMES, 'date_past', 'date_today', 'date_future'].map((n) => [n, `s:${n}`]),
) as Record<string, string>;

const wordFeatures = new Map<string, string>();

function wordFeature(stem: string): string {
	let name = wordFeatures.get(stem);
	if (!name) {
		name = `w:${stem}`;
		if (wordFeatures.size > 50_000) wordFeatures.clear();
		wordFeatures.set(stem, name);
	}
	return name;
}

/** The features of an analysed message. Training and classification use this one function. */
export function featuresOf(analysis: Analysis): Features {
	const f: Features = new Map();
	f.set('x:bias', 1);
	for (const cue of analysis.cues) {
		if (!cue.negated) f.set(cue.feature, 1);
	}
	for (const c of CATEGORIES) {
		if (analysis.lexicon[c] > 0) f.set(LEXICON_FEATURE[c], Math.log1p(analysis.lexicon[c]));
		if (analysis.denied[c] > 0) f.set(DENIED_FEATURE[c], Math.log1p(analysis.denied[c]));
	}
	const tokens = analysis.tokens;
	for (const t of tokens) {
		if (t.s === '#') continue;
		f.set(wordFeature(t.s), 1);
	}
	for (const name in analysis.signals)
		f.set(SIGNAL_FEATURE[name] ?? `s:${name}`, Math.min(analysis.signals[name], 3));
	if (analysis.body.includes('?')) f.set('x:question', 1);
	const n = tokens.length;
	f.set(n < 12 ? 'x:short' : n > 80 ? 'x:long' : 'x:medium', 1);
	return f;
}

const tables = new WeakMap<DisputeModel, Map<string, Float64Array>>();

function tableOf(model: DisputeModel): Map<string, Float64Array> {
	let table = tables.get(model);
	if (!table) {
		table = new Map(Object.entries(model.weights).map(([name, w]) => [name, Float64Array.from(w)]));
		tables.set(model, table);
	}
	return table;
}

export function scoreFeatures(model: DisputeModel, features: Features): number[] {
	const k = model.labels.length;
	const table = tableOf(model);
	const scores = new Array<number>(k).fill(0);
	for (const [name, value] of features) {
		const w = table.get(name);
		if (!w) continue;
		for (let j = 0; j < k; j++) scores[j] += w[j] * value;
	}
	return scores;
}

/** A weight row and the last message it was counted for (a feature counts once per message). */
interface Row {
	w: Float64Array;
	seen: number;
}

interface ScoringTable {
	k: number;
	/** Rows by feature name. */
	named: Map<string, Row>;
	/** Word rows by stem (the "w:" prefix dropped: tokens carry stems). */
	words: Map<string, Row>;
	bias?: Row;
	lexicon: Array<Row | undefined>;
	denied: Array<Row | undefined>;
	question?: Row;
	short?: Row;
	medium?: Row;
	long?: Row;
	stamp: number;
}

const scoringTables = new WeakMap<DisputeModel, ScoringTable>();

function scoringTableOf(model: DisputeModel): ScoringTable {
	let t = scoringTables.get(model);
	if (!t) {
		const named = new Map<string, Row>();
		const words = new Map<string, Row>();
		for (const [name, w] of tableOf(model)) {
			const row = { w, seen: 0 };
			named.set(name, row);
			if (name.startsWith('w:')) words.set(name.slice(2), row);
		}
		t = {
			k: model.labels.length,
			named,
			words,
			bias: named.get('x:bias'),
			lexicon: CATEGORIES.map((c) => named.get(LEXICON_FEATURE[c])),
			denied: CATEGORIES.map((c) => named.get(DENIED_FEATURE[c])),
			question: named.get('x:question'),
			short: named.get('x:short'),
			medium: named.get('x:medium'),
			long: named.get('x:long'),
			stamp: 0,
		};
		scoringTables.set(model, t);
	}
	return t;
}

function add(
	scores: Float64Array,
	row: Row | undefined,
	value: number,
	k: number,
	stamp: number,
): void {
	if (!row || row.seen === stamp) return;
	row.seen = stamp;
	const w = row.w;
	for (let j = 0; j < k; j++) scores[j] += w[j] * value;
}

/**
 * `scoreFeatures(model, featuresOf(analysis))` without building the feature map: the same features, met in the
 * same order with the same values, so the sums (and the predictions) are the same to the last bit.
 */
export function scoreAnalysis(model: DisputeModel, analysis: Analysis): number[] {
	const t = scoringTableOf(model);
	const k = t.k;
	const stamp = ++t.stamp;
	const scores = new Float64Array(k);
	add(scores, t.bias, 1, k, stamp);
	for (const cue of analysis.cues)
		if (!cue.negated) add(scores, t.named.get(cue.feature), 1, k, stamp);
	for (let i = 0; i < CATEGORIES.length; i++) {
		const c = CATEGORIES[i];
		if (analysis.lexicon[c] > 0)
			add(scores, t.lexicon[i], Math.log1p(analysis.lexicon[c]), k, stamp);
		if (analysis.denied[c] > 0) add(scores, t.denied[i], Math.log1p(analysis.denied[c]), k, stamp);
	}
	const tokens = analysis.tokens;
	for (let i = 0; i < tokens.length; i++) {
		const s = tokens[i].s;
		if (s !== '#') add(scores, t.words.get(s), 1, k, stamp);
	}
	for (const name in analysis.signals)
		add(
			scores,
			t.named.get(SIGNAL_FEATURE[name] ?? `s:${name}`),
			Math.min(analysis.signals[name], 3),
			k,
			stamp,
		);
	if (analysis.body.includes('?')) add(scores, t.question, 1, k, stamp);
	const n = tokens.length;
	add(scores, n < 12 ? t.short : n > 80 ? t.long : t.medium, 1, k, stamp);
	const out = new Array<number>(k);
	for (let j = 0; j < k; j++) out[j] = scores[j];
	return out;
}

export function softmax(scores: number[]): number[] {
	const max = Math.max(...scores);
	const exp = scores.map((s) => Math.exp(s - max));
	const sum = exp.reduce((a, b) => a + b, 0);
	return exp.map((e) => e / sum);
}

let shipped: DisputeModel | undefined;

/** The model shipped with the package (core/disputes/model.json). */
export function shippedModel(): DisputeModel {
	if (!shipped) {
		let parsed: DisputeModel | undefined;
		let failure: unknown;
		try {
			parsed = JSON.parse(
				readFileSync(coreAssetPath('disputes', 'model.json'), 'utf8'),
			) as DisputeModel;
		} catch (error) {
			failure = error;
		}
		if (!parsed) {
			throw new ReceivablesError(
				'DISPUTE_MODEL_MISSING',
				'The dispute classifier model (disputes/model.json) cannot be read next to the package code.',
				{
					hint: 'Reinstall n8n-nodes-receivables: its dist/core/disputes/model.json file is missing or damaged.',
					cause: failure,
				},
			);
		}
		if (
			parsed.version !== 1 ||
			!Array.isArray(parsed.labels) ||
			typeof parsed.weights !== 'object'
		) {
			throw new ReceivablesError(
				'DISPUTE_MODEL_MISSING',
				'The dispute classifier model (disputes/model.json) is not in a format this version reads.',
				{
					hint: 'Reinstall n8n-nodes-receivables.',
				},
			);
		}
		shipped = parsed;
	}
	return shipped;
}

/** The shipped model's own review threshold (set from cross-validation on its labelled replies), 0.55 without one. */
export function shippedReviewThreshold(): number {
	return shippedModel().calibration?.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
}

/** The review threshold of a model without calibration. */
export const DEFAULT_REVIEW_THRESHOLD = 0.55;
