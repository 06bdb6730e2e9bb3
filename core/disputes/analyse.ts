import {
	CATEGORIES,
	DEEMPHASIS,
	EMPHASIS,
	LEXICON,
	NO_PROBLEM,
	type DisputeCategory,
} from './lexicon';
import {
	foldClause,
	phraseStems,
	tokeniseClause,
	tokensOfWord,
	WordCache,
	type Token,
} from './normalise';
import { findDatesFolded, isoDay, messageDay } from './promiseDate';
import { findSignals } from './signals';
import { isSpace, prepareText, splitSentences, type PreparedText } from './text';

/** A lexicon cue found in the text. */
export interface CueMatch {
	id: string;
	/** The model feature of the cue ("c:" + id). */
	feature: string;
	category: DisputeCategory;
	subcategory?: string;
	/** Prior weight × emphasis of its clause. */
	weight: number;
	topic: boolean;
	/** Denied by a negation or a "no problem" statement. */
	negated: boolean;
	sentence: number;
	/** Position of the first token, for ordering. */
	at: number;
}

export interface Analysis extends PreparedText {
	sentences: string[];
	tokens: Token[];
	cues: CueMatch[];
	language: 'fr' | 'en';
	/** Score per category from the lexicon (positive cues) and from denied cues. */
	lexicon: Record<DisputeCategory, number>;
	denied: Record<DisputeCategory, number>;
	/** Grammar signals (payment made or to come, conditional, refused, request, automatic reply...). */
	signals: Record<string, number>;
	/** Sentences folded (lower case, no accents). */
	foldedSentences: string[];
	/** Dates written in the sentences that speak of payment, resolved against the message day. */
	dates: Array<{ sentence: number; date: string }>;
}

const NO_FLAG = { noProblem: false, emphasis: 1 };

interface CompiledCue {
	index: number;
	id: string;
	feature: string;
	stems: string[];
	category: DisputeCategory;
	subcategory?: string;
	weight: number;
	topic: boolean;
	hasNeg: boolean;
}

interface Compiled {
	byFirst: Map<string, CompiledCue[]>;
	/** Cues that begin with a negation, by their second word. */
	negBySecond: Map<string, CompiledCue[]>;
	vocabulary: Set<string>;
	/** One-deletion variants of lexicon words → the word (undefined when two words share a variant). */
	deletions: Map<string, string | null>;
	/** NO_PROBLEM (0), EMPHASIS (1) and DEEMPHASIS (2) phrases by their first word. */
	phrases: Map<string, Array<{ words: string[]; kind: 0 | 1 | 2 }>>;
}

let compiled: Compiled | undefined;

function phraseIndex(lists: string[][]): Compiled['phrases'] {
	const index: Compiled['phrases'] = new Map();
	lists.forEach((list, kind) => {
		for (const phrase of list) {
			const words = foldClause(phrase).trim().split(/\s+/);
			const entries = index.get(words[0]) ?? [];
			entries.push({ words, kind: kind as 0 | 1 | 2 });
			index.set(words[0], entries);
		}
	});
	return index;
}

function deletionsOf(word: string): string[] {
	const out: string[] = [];
	for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
	return out;
}

function compile(): Compiled {
	if (compiled) return compiled;
	const byFirst = new Map<string, CompiledCue[]>();
	const negBySecond = new Map<string, CompiledCue[]>();
	const vocabulary = new Set<string>();
	const seen = new Set<string>();
	for (const group of LEXICON) {
		for (const phrase of group.phrases) {
			const stems = phraseStems(phrase);
			if (stems.every((s) => s === '#' || s === 'NEG')) continue;
			const id = `${group.category}${group.subcategory ? `/${group.subcategory}` : ''}${group.topic ? '/topic' : ''}:${stems.join('_')}`;
			if (seen.has(id)) continue;
			seen.add(id);
			const cue: CompiledCue = {
				index: seen.size,
				id,
				feature: `c:${id}`,
				stems,
				category: group.category,
				subcategory: group.subcategory,
				weight: group.weight,
				topic: !!group.topic,
				hasNeg: stems.includes('NEG'),
			};
			const index = stems[0] === 'NEG' ? negBySecond : byFirst;
			const key = stems[0] === 'NEG' ? stems[1] : stems[0];
			const list = index.get(key) ?? [];
			list.push(cue);
			index.set(key, list);
			for (const s of stems) if (s !== 'NEG') vocabulary.add(s);
		}
	}
	const deletions = new Map<string, string | null>();
	for (const word of vocabulary) {
		if (word.length < 7) continue;
		for (const variant of [word, ...deletionsOf(word)]) {
			const known = deletions.get(variant);
			deletions.set(variant, known === undefined || known === word ? word : null);
		}
	}
	compiled = {
		byFirst,
		negBySecond,
		vocabulary,
		deletions,
		phrases: phraseIndex([NO_PROBLEM, EMPHASIS, DEEMPHASIS]),
	};
	return compiled;
}

const fuzzyCache = new Map<string, string>();

/** A word one typo away from exactly one lexicon word becomes that word ("livrasion" → "livraison"). */
function correct(word: string, c: Compiled): string {
	if (word.length < 7 || c.vocabulary.has(word) || word === '#') return word;
	const cached = fuzzyCache.get(word);
	if (cached !== undefined) return cached;
	let found: string | null | undefined = c.deletions.get(word);
	if (found === undefined) {
		for (const variant of deletionsOf(word)) {
			const hit = c.vocabulary.has(variant) ? variant : c.deletions.get(variant);
			if (hit === undefined) continue;
			if (hit === null || (found && found !== hit)) {
				found = null;
				break;
			}
			found = hit;
		}
	}
	const result = found && Math.abs(found.length - word.length) <= 1 ? found : word;
	if (fuzzyCache.size > 50_000) fuzzyCache.clear();
	fuzzyCache.set(word, result);
	return result;
}

/** Each distinct word's tokens with typos corrected against the lexicon (correct() after tokensOfWord), computed once. */
const correctedWords = new WordCache((word) => {
	const c = compile();
	return tokensOfWord(word).map((t) => ({ s: correct(t.s, c), neg: t.neg }));
});

/** Words of payment, time asked or given: the sentences whose dates matter. */
export const PAYMENT_WORDS =
	/\b(?:pay|paie|paid|regl|vir|cheque|check|solde|settl|remit|transf|fonds|funds|attend|patient|delai|report|decal|repouss|exten|until|jusqu|give us|echeanc|due date|tranche|mensualit|instal|versement|clear|run|campagne|comite)/;

const CLAUSE_SPLIT = /[|,;:()\u2013\u2014]|\s-\s/;

/** Positions of "no problem", emphasis and de-emphasis phrases ("no problem" right after a negation does not count). */
function hits(text: string, index: Compiled['phrases']): [number[], number[], number[]] {
	const out: [number[], number[], number[]] = [[], [], []];
	const words: string[] = [];
	const starts: number[] = [];
	const n = text.length;
	let i = 0;
	while (i < n) {
		let c = text.charCodeAt(i);
		while (i < n && !((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) c = text.charCodeAt(++i);
		if (i >= n) break;
		const start = i;
		while (i < n && ((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) c = text.charCodeAt(++i);
		words.push(text.slice(start, i));
		starts.push(start);
	}
	for (let w = 0; w < words.length; w++) {
		const entries = index.get(words[w]);
		if (!entries) continue;
		for (const { words: phrase, kind } of entries) {
			let ok = w + phrase.length <= words.length;
			for (let k = 1; ok && k < phrase.length; k++) ok = words[w + k] === phrase[k];
			if (!ok) continue;
			if (
				kind === 0 &&
				w > 0 &&
				(words[w - 1] === 'non' || words[w - 1] === 'pas' || words[w - 1] === 'not')
			)
				continue;
			out[kind].push(starts[w]);
		}
	}
	return out;
}

const CONTRAST =
	/\s(?:mais|but|par contre|en revanche|however|cependant|toutefois|sauf que|whereas|alors que|the real|le vrai|the main|ce qui)\s/g;

const FR_WORDS = new Set([
	'le',
	'la',
	'les',
	'de',
	'des',
	'du',
	'et',
	'est',
	'pas',
	'nous',
	'vous',
	'pour',
	'une',
	'un',
	'facture',
	'sur',
	'que',
	'qui',
	'merci',
	'bonjour',
	'avec',
	'au',
	'ce',
	'cette',
	'sera',
	'avons',
	'notre',
	'votre',
	'en',
	'dans',
	'mais',
	'ne',
	'plus',
	'je',
	'on',
	'il',
	'elle',
]);
const EN_WORDS = new Set([
	'the',
	'and',
	'is',
	'are',
	'we',
	'you',
	'for',
	'to',
	'of',
	'not',
	'invoice',
	'on',
	'our',
	'your',
	'this',
	'that',
	'will',
	'be',
	'have',
	'has',
	'it',
	'with',
	'please',
	'thanks',
	'hi',
	'hello',
	'was',
	'from',
	'as',
	'at',
	'by',
	'i',
	'been',
	'can',
	'pay',
	'paid',
]);

const FR_RE = new RegExp(`\\b(?:${[...FR_WORDS].join('|')})\\b`, 'g');
const EN_RE = new RegExp(
	`\\b(?:${[...EN_WORDS].filter((w) => !FR_WORDS.has(w)).join('|')})\\b`,
	'g',
);

export function detectLanguage(folded: string): 'fr' | 'en' {
	const fr = folded.match(FR_RE)?.length ?? 0;
	const en = folded.match(EN_RE)?.length ?? 0;
	return en > fr ? 'en' : 'fr';
}

/** `text.replace(/\s+/g, ' ').trim()` in one pass, without a new string when there is nothing to change. */
export function collapseSpaces(text: string): string {
	const n = text.length;
	let clean = n === 0 || (!isSpace(text.charCodeAt(0)) && !isSpace(text.charCodeAt(n - 1)));
	for (let i = 0; clean && i < n; i++) {
		const c = text.charCodeAt(i);
		if (isSpace(c) && (c !== 32 || isSpace(text.charCodeAt(i + 1)))) clean = false;
	}
	if (clean) return text;
	let out = '';
	let i = 0;
	while (i < n && isSpace(text.charCodeAt(i))) i++;
	while (i < n) {
		const start = i;
		while (i < n && !isSpace(text.charCodeAt(i))) i++;
		out += text.slice(start, i);
		while (i < n && isSpace(text.charCodeAt(i))) i++;
		if (i < n) out += ' ';
	}
	return out;
}

function emptyScores(): Record<DisputeCategory, number> {
	const out = {} as Record<DisputeCategory, number>;
	for (const c of CATEGORIES) out[c] = 0;
	return out;
}

/**
 * Reads a message: prepares the text, splits it into sentences and clauses, tokenises, finds the lexicon cues
 * with their negation and emphasis.
 */
export interface AnalyseOptions {
	subject?: string;
	language?: 'fr' | 'en';
	/** The message day (ISO); dates in the text are told apart as past or to come against it. */
	receivedAt?: string;
	zone?: string;
}

export function analyseText(input: unknown, options: AnalyseOptions = {}): Analysis {
	const c = compile();
	const prepared = prepareText(input);
	const subject = [options.subject, prepared.subject].filter((s) => s && s.trim()).join(' — ');
	const sentences = splitSentences(prepared.body);
	if (subject) sentences.unshift(subject);
	const tokens: Token[] = [];
	const clauseFlags: Array<{ noProblem: boolean; emphasis: number }> = [];
	const foldedSentences: string[] = [];
	let clause = 0;
	let carryEmphasis = 1;
	for (let si = 0; si < sentences.length; si++) {
		const sentence = ` ${collapseSpaces(foldClause(sentences[si]))} `;
		foldedSentences.push(sentence);
		const marked = sentence.replace(CONTRAST, '|$&');
		// Phrase lists are matched once per sentence; each hit is given to the clause it falls in.
		const [noProblemAt, emphasisAt, deemphasisAt] = hits(marked, c.phrases);
		let offset = 0;
		for (const text of marked.split(CLAUSE_SPLIT)) {
			const start = marked.indexOf(text, offset);
			const end = start + text.length;
			offset = end;
			if (!text.trim()) continue;
			const inside = (list: number[]) => list.some((p) => p >= start && p < end);
			let emphasis = carryEmphasis;
			carryEmphasis = 1;
			if (inside(emphasisAt)) {
				emphasis = 2;
				carryEmphasis = 1.5;
			} else if (inside(deemphasisAt)) emphasis = 0.5;
			clauseFlags[clause] = { noProblem: inside(noProblemAt), emphasis };
			tokeniseClause(text, si, clause, tokens, correctedWords);
			clause++;
		}
	}
	const cues = matchCues(tokens, clauseFlags, c);
	const lexicon = emptyScores();
	const denied = emptyScores();
	for (const cue of cues) (cue.negated ? denied : lexicon)[cue.category] += cue.weight;
	const folded = foldedSentences.join('\n');
	const language = options.language ?? detectLanguage(folded);
	const signals = findSignals(folded);
	const dates: Analysis['dates'] = [];
	if (options.receivedAt) {
		const base = messageDay(options.receivedAt, options.zone);
		const today = isoDay(base);
		for (let si = 0; si < foldedSentences.length; si++) {
			if ((subject && si === 0) || !PAYMENT_WORDS.test(foldedSentences[si])) continue;
			for (const d of findDatesFolded(foldedSentences[si], base)) {
				dates.push({ sentence: si, date: d.date });
				const key = d.date < today ? 'date_past' : d.date === today ? 'date_today' : 'date_future';
				signals[key] = (signals[key] ?? 0) + 1;
			}
		}
	}
	return {
		body: prepared.body,
		quoted: prepared.quoted,
		subject,
		notes: prepared.notes,
		sentences,
		foldedSentences,
		tokens,
		cues,
		language,
		lexicon,
		denied,
		signals,
		dates,
	};
}

function matchCues(
	tokens: Token[],
	flags: Array<{ noProblem: boolean; emphasis: number }>,
	c: Compiled,
): CueMatch[] {
	const found: Array<CueMatch & { end: number }> = [];
	const seen = new Set<number>();
	const tryCue = (cue: CompiledCue, i: number, t: Token) => {
		let pos = i;
		for (let k = 1; k < cue.stems.length; k++) {
			const want = cue.stems[k];
			const limit = Math.min(tokens.length - 1, pos + (cue.stems[k - 1] === 'NEG' ? 4 : 3));
			let next = -1;
			for (let q = pos + 1; q <= limit; q++) {
				const tq = tokens[q];
				if (tq.sentence !== t.sentence) break;
				if (want === 'NEG' ? tq.neg : tq.s === want) {
					next = q;
					break;
				}
			}
			if (next < 0) return;
			pos = next;
		}
		const key = cue.index * 4096 + t.sentence;
		if (seen.has(key)) return;
		seen.add(key);
		const flag = flags[t.clause] ?? NO_FLAG;
		let negated = !cue.hasNeg && flag.noProblem;
		if (cue.topic && !negated) {
			for (let q = i - 1; q >= Math.max(0, i - 3); q--) {
				if (tokens[q].clause !== t.clause) break;
				if (tokens[q].neg) {
					negated = true;
					break;
				}
			}
		}
		found.push({
			id: cue.id,
			feature: cue.feature,
			category: cue.category,
			subcategory: cue.subcategory,
			weight: cue.weight * flag.emphasis,
			topic: cue.topic,
			negated,
			sentence: t.sentence,
			at: i,
			end: pos,
		});
	};
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i];
		const candidates = c.byFirst.get(t.s);
		if (candidates) for (const cue of candidates) tryCue(cue, i, t);
		if (t.neg) {
			for (
				let q = i + 1;
				q <= i + 4 && q < tokens.length && tokens[q].sentence === t.sentence;
				q++
			) {
				const list = c.negBySecond.get(tokens[q].s);
				if (list) for (const cue of list) tryCue(cue, i, t);
			}
		}
	}
	// A topic word inside a longer cue of the same category adds nothing: the longer cue says it better.
	const out: CueMatch[] = [];
	for (const m of found) {
		if (
			m.topic &&
			found.some(
				(o) =>
					!o.topic && o.category === m.category && o.at <= m.at && o.end >= m.at && o.end > o.at,
			)
		)
			continue;
		out.push({
			id: m.id,
			feature: m.feature,
			category: m.category,
			subcategory: m.subcategory,
			weight: m.weight,
			topic: m.topic,
			negated: m.negated,
			sentence: m.sentence,
			at: m.at,
		});
	}
	return out;
}
