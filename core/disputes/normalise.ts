/**
 * Text to comparable tokens: lower case, no diacritics, English contractions expanded, common misspellings
 * corrected, a light FR/EN stemmer (plural, feminine, -ed, -ing) and words that carry no meaning for the
 * classifier removed. The lexicon goes through the same steps, so a cue written "reçue" matches "recue", "reçu",
 * "recus".
 */

/** Latin letters with diacritics → the same letter without, for the code points up to U+024F (built once). */
const BASE_LETTER: string[] = [];
for (let code = 0xc0; code <= 0x24f; code++) {
	const ch = String.fromCharCode(code);
	const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
	if (base !== ch && base.length === 1) BASE_LETTER[code] = base;
}
BASE_LETTER[0x153] = 'oe';
BASE_LETTER[0x152] = 'oe';
BASE_LETTER[0xe6] = 'ae';
BASE_LETTER[0xc6] = 'ae';
BASE_LETTER[0xdf] = 'ss';
const QUOTES: Record<number, string> = { 0x2019: "'", 0x2018: "'", 0x60: "'", 0xb4: "'" };

/** Lower case without diacritics ("Réglée" → "reglee"), curly apostrophes as "'". One pass, no Unicode normalisation of the whole text. */
export function foldText(text: string): string {
	const lower = text.toLowerCase();
	let out = '';
	let from = 0;
	for (let i = 0; i < lower.length; i++) {
		const code = lower.charCodeAt(i);
		if (code < 0x60 || (code > 0x60 && code < 0xb4)) continue;
		let replacement: string | undefined;
		if (code <= 0x24f) replacement = BASE_LETTER[code] ?? QUOTES[code];
		else if (code >= 0x300 && code <= 0x36f) replacement = '';
		else replacement = QUOTES[code];
		if (replacement === undefined) continue;
		out += lower.slice(from, i) + replacement;
		from = i + 1;
	}
	return from === 0 ? lower : out + lower.slice(from);
}

/** Misspellings and variants seen in replies, mapped to the word the lexicon knows (before stemming). */
const SPELLING: Record<string, string> = {
	// French
	factture: 'facture',
	facure: 'facture',
	fature: 'facture',
	factur: 'facture',
	facturee: 'facturee',
	fact: 'facture',
	fac: 'facture',
	fct: 'facture',
	livrasion: 'livraison',
	livraision: 'livraison',
	livaison: 'livraison',
	livrason: 'livraison',
	livre: 'livre',
	comande: 'commande',
	commende: 'commande',
	cmd: 'commande',
	cde: 'commande',
	paiment: 'paiement',
	payement: 'paiement',
	paimen: 'paiement',
	pyement: 'paiement',
	virment: 'virement',
	virmeent: 'virement',
	vir: 'virement',
	virt: 'virement',
	recu: 'recu',
	resu: 'recu',
	recut: 'recu',
	ressu: 'recu',
	cheque: 'cheque',
	chek: 'cheque',
	cheques: 'cheques',
	svp: 'svp',
	stp: 'svp',
	slt: 'salut',
	bjr: 'bonjour',
	bsr: 'bonsoir',
	cdt: 'cordialement',
	cdlt: 'cordialement',
	dsl: 'desole',
	avoire: 'avoir',
	echeancie: 'echeancier',
	echancier: 'echeancier',
	echeanchier: 'echeancier',
	tresorie: 'tresorerie',
	tresorrerie: 'tresorerie',
	tresoreri: 'tresorerie',
	endommage: 'endommage',
	abime: 'abime',
	abimee: 'abimee',
	casse: 'casse',
	marchandize: 'marchandise',
	marchandies: 'marchandise',
	marchendise: 'marchandise',
	fonctionne: 'fonctionne',
	fonctione: 'fonctionne',
	fonctionnne: 'fonctionne',
	conge: 'conge',
	conges: 'conges',
	// English
	recieved: 'received',
	recived: 'received',
	receieved: 'received',
	receved: 'received',
	recevied: 'received',
	invocie: 'invoice',
	invoce: 'invoice',
	inovice: 'invoice',
	invoise: 'invoice',
	inv: 'invoice',
	invs: 'invoices',
	paymnet: 'payment',
	pyament: 'payment',
	pymt: 'payment',
	pmt: 'payment',
	paymet: 'payment',
	delivred: 'delivered',
	deliverd: 'delivered',
	deliverred: 'delivered',
	delievered: 'delivered',
	dilivered: 'delivered',
	damged: 'damaged',
	dammaged: 'damaged',
	damadged: 'damaged',
	adress: 'address',
	adresss: 'address',
	cant: 'can not',
	dont: 'do not',
	didnt: 'did not',
	wont: 'will not',
	havent: 'have not',
	hasnt: 'has not',
	isnt: 'is not',
	doesnt: 'does not',
	wasnt: 'was not',
	werent: 'were not',
	arent: 'are not',
	couldnt: 'could not',
	shouldnt: 'should not',
	wouldnt: 'would not',
	aint: 'is not',
	ll: 'will',
	u: 'you',
	ur: 'your',
	pls: 'please',
	plz: 'please',
	thx: 'thanks',
	tks: 'thanks',
	asap: 'asap',
	tmrw: 'tomorrow',
	tmr: 'tomorrow',
	ooo: 'out of office',
	oof: 'out of office',
	eom: 'end of month',
	wk: 'week',
	wks: 'weeks',
	// Numbers written as words in Belgian, Swiss and African French
	septante: '70',
	huitante: '80',
	octante: '80',
	nonante: '90',
};

/** Words removed before matching: articles, pronouns, auxiliaries, most prepositions. Negations are kept. */
const STOP = new Set(
	(
		'le la les l un une des du de d au aux ce cet cette ces c ca cela ceci mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ' +
		'je j tu il elle on nous vous ils elles me m te t se s y en lui qu que qui quoi dont ou et mais donc or car ' +
		'est sont etait etaient ete etre suis es sommes etes a ai as avons avez ont avait avaient eu ' +
		'par pour avec sur dans sous chez vers entre comme si tres tout tous toute toutes aussi ' +
		'the a an of to for in on at by with from as and or but so if than then this that these those it its ' +
		'i we you he she they me us him them my our your his her their mine ours yours ' +
		'is are was were be been being am has have had do does did would should can could may might must ' +
		'just also very'
	).split(' '),
);

/** Tokens that deny what follows: the lexicon's NEG marker matches any of them. */
export const NEGATORS = new Set([
	'ne',
	'n',
	'pas',
	'jamais',
	'aucun',
	'aucune',
	'rien',
	'ni',
	'non',
	'sans',
	'not',
	'no',
	'never',
	'nothing',
	'none',
	'neither',
	'nor',
	'nobody',
]);

const TOKEN = /[a-z0-9]+/g;

/** Light FR/EN stemmer: the same on the lexicon and on the text, so its only duty is to be consistent. */
export function stem(word: string): string {
	let w = word;
	if (w.length <= 3 || /\d/.test(w)) return w;
	if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
	else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
	else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
	if (
		w.length > 3 &&
		(w.endsWith('s') || w.endsWith('x')) &&
		!w.endsWith('ss') &&
		!w.endsWith('us')
	)
		w = w.slice(0, -1);
	if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
	if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
	// "noted", "noté" must not become the negation "not".
	return w === 'not' ? 'note' : w;
}

export interface Token {
	/** Stemmed form, matched against the lexicon. */
	s: string;
	/** Index of the sentence and of the clause the token belongs to. */
	sentence: number;
	clause: number;
	/** True when the token is a negation word. */
	neg: boolean;
}

const stemCache = new Map<string, string[]>();

/** Folded word → stemmed tokens (a misspelling can expand to two words: "didnt" → "did not"). */
export function wordToStems(word: string): string[] {
	let cached = stemCache.get(word);
	if (cached) return cached;
	const fixed = SPELLING[word] ?? word;
	cached = fixed.split(' ').map((w) => (/\d/.test(w) ? '#' : stem(w)));
	if (stemCache.size > 50_000) stemCache.clear();
	stemCache.set(word, cached);
	return cached;
}

/** Folds a clause for token and phrase matching: English "n't" becomes "not", apostrophes split words. */
export function foldClause(text: string): string {
	let folded = foldText(text);
	if (folded.includes("'"))
		folded = (folded.includes("n't") ? folded.replace(/n't\b/g, ' not') : folded).replace(
			/'/g,
			' ',
		);
	return folded;
}

export interface WordToken {
	s: string;
	neg: boolean;
}

/** A word's tokens once stopwords are dropped, with their negation flag: computed once per distinct word. */
const wordTokens = new Map<string, WordToken[]>();

export function tokensOfWord(word: string): WordToken[] {
	let cached = wordTokens.get(word);
	if (cached) return cached;
	cached = [];
	if (!STOP.has(word) || word === 'please' || word === 'kindly') {
		for (const s of wordToStems(word))
			if (s && !STOP.has(s)) cached.push({ s, neg: NEGATORS.has(s) || NEGATORS.has(word) });
	}
	if (wordTokens.size > 50_000) wordTokens.clear();
	wordTokens.set(word, cached);
	return cached;
}

/**
 * The tokens of each distinct word, found without cutting the word out of the text: the scanner hashes the word's
 * characters as it reads them and looks the hash up in an open-addressing table whose keys are compared
 * character by character. A word is sliced (and `compute` called) only the first time it is met.
 */
export class WordCache {
	private keys: Array<string | undefined>;
	private values: WordToken[][];
	private hashes: Int32Array;
	private size = 0;
	private mask: number;

	constructor(
		private readonly compute: (word: string) => WordToken[],
		private readonly maxEntries = 1 << 16,
	) {
		this.keys = new Array<string | undefined>(1 << 12);
		this.values = new Array<WordToken[]>(1 << 12);
		this.hashes = new Int32Array(1 << 12);
		this.mask = (1 << 12) - 1;
	}

	/** Tokens of text[start, end), whose FNV-1a hash is `hash`. */
	get(text: string, start: number, end: number, hash: number): WordToken[] {
		const length = end - start;
		let i = hash & this.mask;
		for (;;) {
			const key = this.keys[i];
			if (key === undefined) break;
			if (this.hashes[i] === hash && key.length === length) {
				let k = 0;
				while (k < length && key.charCodeAt(k) === text.charCodeAt(start + k)) k++;
				if (k === length) return this.values[i];
			}
			i = (i + 1) & this.mask;
		}
		const word = text.slice(start, end);
		const value = this.compute(word);
		if (this.size >= this.maxEntries) this.reset(this.keys.length);
		else if ((this.size + 1) * 2 > this.keys.length) this.reset(this.keys.length * 2);
		this.insert(word, hash, value);
		return value;
	}

	private insert(word: string, hash: number, value: WordToken[]): void {
		let i = hash & this.mask;
		while (this.keys[i] !== undefined) i = (i + 1) & this.mask;
		this.keys[i] = word;
		this.hashes[i] = hash;
		this.values[i] = value;
		this.size++;
	}

	/** Grows the table (keeping its words), or empties it when it holds maxEntries words. */
	private reset(capacity: number): void {
		const old =
			this.size >= this.maxEntries
				? []
				: this.keys
						.map((key, i) => ({ key, hash: this.hashes[i], value: this.values[i] }))
						.filter((e) => e.key !== undefined);
		this.keys = new Array<string | undefined>(capacity);
		this.values = new Array<WordToken[]>(capacity);
		this.hashes = new Int32Array(capacity);
		this.mask = capacity - 1;
		this.size = 0;
		for (const e of old) this.insert(e.key as string, e.hash, e.value);
	}
}

const plainWords = new WordCache(tokensOfWord);

/**
 * Appends the tokens of one folded clause: stopwords dropped, negators kept and flagged, numbers as "#".
 * `words` gives the tokens of each word (plain tokensOfWord by default).
 */
export function tokeniseClause(
	folded: string,
	sentence: number,
	clause: number,
	out: Token[],
	words: WordCache = plainWords,
): void {
	// A hand-written scanner over [a-z0-9]+ words: no regular expression, no match objects, no substring per word.
	const n = folded.length;
	let i = 0;
	while (i < n) {
		let c = folded.charCodeAt(i);
		while (i < n && !((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) c = folded.charCodeAt(++i);
		if (i >= n) break;
		const start = i;
		let hash = 0x811c9dc5 | 0;
		while (i < n && ((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
			hash = Math.imul(hash ^ c, 16777619);
			c = folded.charCodeAt(++i);
		}
		const tokens = words.get(folded, start, i, hash);
		for (let k = 0; k < tokens.length; k++) {
			const t = tokens[k];
			const last = out[out.length - 1];
			if (t.s === '#' && last && last.s === '#' && last.clause === clause) continue;
			out.push({ s: t.s, sentence, clause, neg: t.neg });
		}
	}
}

/** Stems of a lexicon phrase, in the same way as the text (stopwords dropped, NEG kept as a marker). */
export function phraseStems(phrase: string): string[] {
	const out: string[] = [];
	for (const m of foldClause(phrase).matchAll(TOKEN)) {
		if (m[0] === 'neg') {
			out.push('NEG');
			continue;
		}
		if (STOP.has(m[0])) continue;
		for (const s of wordToStems(m[0])) if (s && !STOP.has(s)) out.push(s);
	}
	return out;
}
