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
}

export type Features = Map<string, number>;

const LEXICON_FEATURE = Object.fromEntries(CATEGORIES.map((c) => [c, `k:${c}`])) as Record<string, string>;
const DENIED_FEATURE = Object.fromEntries(CATEGORIES.map((c) => [c, `n:${c}`])) as Record<string, string>;
const SIGNAL_FEATURE = Object.fromEntries([...SIGNAL_NAMES, 'date_past', 'date_today', 'date_future'].map((n) => [n, `s:${n}`])) as Record<string, string>;

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
	for (const name in analysis.signals) f.set(SIGNAL_FEATURE[name] ?? `s:${name}`, Math.min(analysis.signals[name], 3));
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
			parsed = JSON.parse(readFileSync(coreAssetPath('disputes', 'model.json'), 'utf8')) as DisputeModel;
		} catch (error) {
			failure = error;
		}
		if (!parsed) {
			throw new ReceivablesError('DISPUTE_MODEL_MISSING', 'The dispute classifier model (disputes/model.json) cannot be read next to the package code.', {
				hint: 'Reinstall n8n-nodes-receivables: its dist/core/disputes/model.json file is missing or damaged.',
				cause: failure,
			});
		}
		if (parsed.version !== 1 || !Array.isArray(parsed.labels) || typeof parsed.weights !== 'object') {
			throw new ReceivablesError('DISPUTE_MODEL_MISSING', 'The dispute classifier model (disputes/model.json) is not in a format this version reads.', {
				hint: 'Reinstall n8n-nodes-receivables.',
			});
		}
		shipped = parsed;
	}
	return shipped;
}
