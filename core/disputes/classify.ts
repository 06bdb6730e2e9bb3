import { analyseText, type Analysis, type CueMatch } from './analyse';
import {
	findAmounts,
	findInvoiceNumbers,
	findPaymentReference,
	findPurchaseOrders,
	type ExtractedAmount,
} from './extract';
import {
	CATEGORIES,
	DEFAULT_SUBCATEGORY,
	DISPUTE_CATEGORIES,
	type DisputeCategory,
} from './lexicon';
import {
	DEFAULT_REVIEW_THRESHOLD,
	scoreAnalysis,
	shippedModel,
	softmax,
	type DisputeModel,
} from './model';
import { findDatesFolded, isoDay, messageDay } from './promiseDate';

export interface ClassifyOptions {
	/** When the message was received (ISO date or instant): relative dates are resolved against it. Default: today. */
	receivedAt?: string;
	/** Forces the language; detected from the text otherwise. */
	language?: 'fr' | 'en';
	/** The e-mail subject, when it is not at the top of the text ("Réponse automatique : ..." decides alone). */
	subject?: string;
	/** Time zone of the company (default Europe/Paris). */
	zone?: string;
	/** Below this confidence the result needs a human (default: the model's own threshold, else 0.55). */
	reviewThreshold?: number;
}

export interface ClassificationNote {
	code: string;
	en: string;
	fr: string;
}

export interface DisputeClassification {
	category: DisputeCategory;
	subcategory: string;
	/** Probability of the category, 0..1. */
	confidence: number;
	/** The sentence of the message that decided. */
	evidence: string;
	language: 'fr' | 'en';
	/** Invoice numbers written in the reply (or, when the reply names none, in the quoted reminder). */
	invoiceNumbers: string[];
	amounts: ExtractedAmount[];
	/** Promised (or requested) payment date, YYYY-MM-DD, for payment promises and delay requests. */
	promiseDate: string | null;
	needsReview: boolean;
	/** The second issue of a message that raises two. */
	secondary: { category: DisputeCategory; confidence: number } | null;
	purchaseOrders: string[];
	paymentReference: string | null;
	referencesFrom: 'body' | 'quoted' | 'none';
	notes: ClassificationNote[];
	scores: Record<DisputeCategory, number>;
}

const NOTES: Record<string, { en: string; fr: string }> = {
	empty: {
		en: 'The message is empty: nothing to classify.',
		fr: 'Le message est vide : rien à classer.',
	},
	binary: {
		en: 'The input is binary data, not text (an attachment?): it was not read.',
		fr: "L'entrée est un fichier binaire, pas du texte (une pièce jointe ?) : elle n'a pas été lue.",
	},
	not_text: { en: 'The input is not text.', fr: "L'entrée n'est pas du texte." },
	mis_encoded: {
		en: 'The text is mis-encoded (unreadable characters): the result may be wrong.',
		fr: 'Le texte est mal encodé (caractères illisibles) : le résultat peut être faux.',
	},
	mis_encoded_repaired: {
		en: 'The text was mis-encoded (UTF-8 read as Latin-1) and was repaired.',
		fr: 'Le texte était mal encodé (UTF-8 lu en Latin-1) et a été réparé.',
	},
	html: {
		en: 'The message was HTML: its text was extracted.',
		fr: 'Le message était en HTML : son texte a été extrait.',
	},
	truncated: {
		en: 'The message is very long: only its beginning was read.',
		fr: 'Le message est très long : seul son début a été lu.',
	},
	quoted_only: {
		en: 'The reply has no text of its own: the quoted message was read.',
		fr: 'La réponse ne contient pas de texte propre : le message cité a été lu.',
	},
	low_confidence: {
		en: 'The classifier is not sure: a person should check.',
		fr: "Le classement n'est pas sûr : une personne doit vérifier.",
	},
};

function note(code: string): ClassificationNote {
	return { code, ...(NOTES[code] ?? { en: code, fr: code }) };
}

const AUTO_SUBJECT =
	/^(r[ée]ponse automatique|automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|absent(e)?( du bureau)?|absence( du bureau)?|abwesenheit|accus[ée] de r[ée]ception automatique)\b/i;

function pickSubcategory(
	category: DisputeCategory,
	cues: CueMatch[],
	promiseDate: string | null,
): string {
	const totals = new Map<string, number>();
	for (const cue of cues) {
		if (cue.negated || cue.category !== category || !cue.subcategory) continue;
		totals.set(cue.subcategory, (totals.get(cue.subcategory) ?? 0) + cue.weight);
	}
	if (category === 'payment_promise') {
		if ((totals.get('partial') ?? 0) >= 2) return 'partial';
		if ((totals.get('payment_run') ?? 0) >= 2) return 'payment_run';
		return promiseDate ? 'dated' : 'undated';
	}
	let best = DEFAULT_SUBCATEGORY[category];
	let bestScore = 0;
	for (const [sub, score] of totals) {
		if (score > bestScore) {
			best = sub;
			bestScore = score;
		}
	}
	return best;
}

function evidenceOf(analysis: Analysis, category: DisputeCategory): string {
	const perSentence = new Map<number, number>();
	for (const cue of analysis.cues) {
		if (cue.negated || cue.category !== category) continue;
		perSentence.set(cue.sentence, (perSentence.get(cue.sentence) ?? 0) + cue.weight);
	}
	let best = -1;
	let bestScore = 0;
	for (const [s, score] of perSentence) {
		if (score > bestScore) {
			best = s;
			bestScore = score;
		}
	}
	const sentence =
		best >= 0
			? analysis.sentences[best]
			: (analysis.sentences.find((s) => s.split(/\s+/).length > 2) ?? analysis.sentences[0] ?? '');
	return sentence.length > 280 ? `${sentence.slice(0, 277)}...` : sentence;
}

/** The first date to come in a sentence about payment; else the first date to come anywhere in the reply. */
function promiseDateOf(analysis: Analysis, options: ClassifyOptions): string | null {
	const base = messageDay(options.receivedAt, options.zone);
	const today = isoDay(base);
	const paying = analysis.dates.find((d) => d.date >= today);
	if (paying) return paying.date;
	for (let si = analysis.subject ? 1 : 0; si < analysis.foldedSentences.length; si++) {
		const next = findDatesFolded(analysis.foldedSentences[si], base).find((d) => d.date >= today);
		if (next) return next.date;
	}
	return null;
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}

/** Classification with a given model (the shipped one by default). */
export function classifyWithModel(
	model: DisputeModel,
	text: unknown,
	options: ClassifyOptions = {},
): DisputeClassification {
	const receivedAt = options.receivedAt || isoDay(messageDay(undefined, options.zone));
	options = {
		subject: options.subject,
		language: options.language,
		receivedAt,
		zone: options.zone,
		reviewThreshold: options.reviewThreshold,
	};
	const analysis = analyseText(text, options);
	const notes = analysis.notes.map(note);
	const scores = {} as Record<DisputeCategory, number>;
	for (const c of CATEGORIES) scores[c] = 0;
	const unreadable = analysis.notes.some(
		(n) => n === 'binary' || n === 'empty' || n === 'not_text',
	);
	if (unreadable) {
		return result(
			analysis.language,
			[],
			[],
			null,
			[],
			null,
			'none',
			notes,
			scores,
			'other',
			analysis.notes.includes('empty') ? 'empty' : 'unreadable',
			0,
			'',
			true,
			null,
		);
	}

	const raw = scoreAnalysis(model, analysis);
	const temperature = model.calibration?.temperature ?? 1;
	const probs = softmax(temperature === 1 ? raw : raw.map((s) => s / temperature));
	model.labels.forEach((label, i) => (scores[label] = round(probs[i])));
	// Highest score first; equal scores keep the model's order (a stable insertion sort of nine labels).
	const ranked = model.labels.slice();
	for (let i = 1; i < ranked.length; i++) {
		const label = ranked[i];
		let j = i - 1;
		for (; j >= 0 && scores[ranked[j]] < scores[label]; j--) ranked[j + 1] = ranked[j];
		ranked[j + 1] = label;
	}
	let category = ranked[0];
	let confidence = scores[category];

	// An automatic reply says so in its subject: nothing in the body outweighs that.
	if (analysis.subject && AUTO_SUBJECT.test(analysis.subject.trim())) {
		category = 'auto_reply';
		confidence = Math.max(confidence, 0.97);
	}
	// A dispute blocks the payment: when the message raises one clearly, the payment news comes second.
	if (
		!DISPUTE_CATEGORIES.includes(category) &&
		category !== 'auto_reply' &&
		!analysis.signals.resolved
	) {
		const dispute = DISPUTE_CATEGORIES.filter(
			(d) => analysis.lexicon[d] >= 4 && scores[d] >= 0.15,
		).sort((a, b) => scores[b] - scores[a])[0];
		if (dispute) {
			category = dispute;
			confidence = scores[dispute];
		}
	}
	const second = ranked.find((c) => c !== category && scores[c] >= 0.15 && analysis.lexicon[c] > 0);
	const secondary = second ? { category: second, confidence: scores[second] } : null;

	const quoted = analysis.quoted;
	let invoiceNumbers = findInvoiceNumbers(analysis.body);
	let amounts = findAmounts(analysis.body);
	let referencesFrom: DisputeClassification['referencesFrom'] =
		invoiceNumbers.length || amounts.length ? 'body' : 'none';
	if (!invoiceNumbers.length && quoted) {
		invoiceNumbers = findInvoiceNumbers(quoted);
		if (invoiceNumbers.length) referencesFrom = 'quoted';
		if (!amounts.length) amounts = findAmounts(quoted);
	}
	const promiseDate =
		category === 'payment_promise' ||
		category === 'delay_request' ||
		secondary?.category === 'payment_promise'
			? promiseDateOf(analysis, options)
			: null;
	const subcategory = pickSubcategory(category, analysis.cues, promiseDate);
	const threshold =
		options.reviewThreshold ?? model.calibration?.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
	const needsReview = confidence < threshold || analysis.notes.includes('mis_encoded');
	if (confidence < threshold) notes.push(note('low_confidence'));
	const evidence = evidenceOf(analysis, category);
	const purchaseOrders = findPurchaseOrders(analysis.body);
	const paymentReference =
		category === 'payment_sent' ? (findPaymentReference(analysis.body) ?? null) : null;
	return result(
		analysis.language,
		invoiceNumbers,
		amounts,
		promiseDate,
		purchaseOrders,
		paymentReference,
		referencesFrom,
		notes,
		scores,
		category,
		subcategory,
		round(confidence),
		evidence,
		needsReview,
		secondary,
	);
}

/** The result object, its fields always in the same order (one object shape for every classification). */
function result(
	language: 'fr' | 'en',
	invoiceNumbers: string[],
	amounts: ExtractedAmount[],
	promiseDate: string | null,
	purchaseOrders: string[],
	paymentReference: string | null,
	referencesFrom: DisputeClassification['referencesFrom'],
	notes: ClassificationNote[],
	scores: Record<DisputeCategory, number>,
	category: DisputeCategory,
	subcategory: string,
	confidence: number,
	evidence: string,
	needsReview: boolean,
	secondary: DisputeClassification['secondary'],
): DisputeClassification {
	return {
		language,
		invoiceNumbers,
		amounts,
		promiseDate,
		purchaseOrders,
		paymentReference,
		referencesFrom,
		notes,
		scores,
		category,
		subcategory,
		confidence,
		evidence,
		needsReview,
		secondary,
	};
}

/**
 * Reads a customer's reply to a reminder (or a call note), French or English, and says what it is about:
 * one of nine categories with a subcategory, a confidence, the sentence that decided, the invoice numbers,
 * amounts and promised payment date it contains. Offline and deterministic: the same text and options always
 * give the same result.
 */
export function classifyDispute(
	text: string,
	options: ClassifyOptions = {},
): DisputeClassification {
	return classifyWithModel(shippedModel(), text, options);
}
