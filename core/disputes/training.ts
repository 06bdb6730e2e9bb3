import { createHash } from 'node:crypto';
import { analyseText } from './analyse';
import { CATEGORIES, type DisputeCategory } from './lexicon';
import { featuresOf, type DisputeModel, type Features } from './model';

export interface TrainingExample {
	id?: string;
	text: string;
	label: DisputeCategory;
	language?: 'fr' | 'en';
	receivedAt?: string;
}

export interface TrainingOptions {
	epochs?: number;
	learningRate?: number;
	/** L2 penalty per update. */
	l2?: number;
	/** A word or bigram becomes a feature when it occurs in at least this many training messages. */
	minCount?: number;
}

const DEFAULTS: Required<TrainingOptions> = {
	epochs: 60,
	learningRate: 0.05,
	l2: 0.001,
	minCount: 2,
};

/**
 * Learns the weights of the dispute model from labelled messages. Deterministic: the same examples in the same
 * order give the same weights (AdaGrad over the examples in order, no random draw).
 */
export function trainDisputeModel(
	examples: TrainingExample[],
	options: TrainingOptions = {},
): DisputeModel {
	const o = { ...DEFAULTS, ...options };
	const labels = CATEGORIES;
	const k = labels.length;
	const vectors: Array<{ f: Features; y: number }> = examples.map((e) => ({
		f: featuresOf(analyseText(e.text, { language: e.language, receivedAt: e.receivedAt })),
		y: labels.indexOf(e.label),
	}));
	const counts = new Map<string, number>();
	for (const { f } of vectors)
		for (const name of f.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
	const keep = (name: string) => !/^[wb]:/.test(name) || (counts.get(name) ?? 0) >= o.minCount;
	const index = new Map<string, number>();
	for (const name of [...counts.keys()].sort()) if (keep(name)) index.set(name, index.size);
	const w = new Float64Array(index.size * k);
	const g2 = new Float64Array(index.size * k).fill(1e-8);
	const rows = vectors.map(({ f, y }) => ({
		y,
		x: [...f]
			.filter(([n]) => index.has(n))
			.map(([n, v]) => [index.get(n) as number, v] as [number, number]),
	}));
	const scores = new Float64Array(k);
	for (let epoch = 0; epoch < o.epochs; epoch++) {
		for (const row of rows) {
			if (row.y < 0) continue;
			scores.fill(0);
			for (const [i, v] of row.x) for (let j = 0; j < k; j++) scores[j] += w[i * k + j] * v;
			let max = -Infinity;
			for (let j = 0; j < k; j++) max = Math.max(max, scores[j]);
			let sum = 0;
			for (let j = 0; j < k; j++) {
				scores[j] = Math.exp(scores[j] - max);
				sum += scores[j];
			}
			for (const [i, v] of row.x) {
				for (let j = 0; j < k; j++) {
					const p = scores[j] / sum;
					const grad = (p - (j === row.y ? 1 : 0)) * v + o.l2 * w[i * k + j];
					g2[i * k + j] += grad * grad;
					w[i * k + j] -= (o.learningRate / Math.sqrt(g2[i * k + j])) * grad;
				}
			}
		}
	}
	const weights: Record<string, number[]> = {};
	for (const [name, i] of index) {
		const row = Array.from(w.subarray(i * k, i * k + k), (v) => Math.round(v * 10000) / 10000 || 0);
		if (row.some((v) => Math.abs(v) >= 0.002)) weights[name] = row;
	}
	const perLabel: Record<string, number> = {};
	for (const e of examples) perLabel[e.label] = (perLabel[e.label] ?? 0) + 1;
	const hash = createHash('sha256')
		.update(JSON.stringify(examples.map((e) => [e.label, e.text])))
		.digest('hex')
		.slice(0, 16);
	return { version: 1, labels, weights, trainedOn: { examples: examples.length, perLabel, hash } };
}
