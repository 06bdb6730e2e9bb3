/**
 * Company names as banks write them ("HOTEL DES ALPES", "Hôtel des Alpes SAS", "HOTEL DES ALPES S.A.S.") reduced to
 * one comparable form, and a similarity for the names that still differ (typos, cut labels). Used to find the
 * customer of a payment when its reference names no invoice; a reading is kept only when it is unique and sure.
 */

/** Legal forms and words that say nothing about which company it is (FR, BE, CH, DE, UK, US, NL, IT, ES, OHADA). */
const NOISE = new Set([
	'sa',
	'sas',
	'sasu',
	'sarl',
	'sarlu',
	'eurl',
	'snc',
	'sci',
	'scp',
	'scs',
	'sca',
	'scop',
	'selarl',
	'selas',
	'gie',
	'ei',
	'eirl',
	'earl',
	'gaec',
	'sprl',
	'srl',
	'bv',
	'bvba',
	'nv',
	'vof',
	'cv',
	'gmbh',
	'ag',
	'kg',
	'ohg',
	'ug',
	'ltd',
	'limited',
	'plc',
	'llp',
	'llc',
	'inc',
	'corp',
	'corporation',
	'co',
	'company',
	'cie',
	'spa',
	'sl',
	'slu',
	'suarl',
	'ste',
	'societe',
	'society',
	'ets',
	'etablissements',
	'etablissement',
	'groupe',
	'group',
	'the',
	'et',
	'and',
	'und',
	'mr',
	'mme',
	'm',
	'monsieur',
	'madame',
]);

/** Lower case, no accents, no punctuation, no legal form ("Hôtel des Alpes S.A.S." → "hotel des alpes"). */
export function normaliseCompanyName(name: string): string {
	const plain = name
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		// "S.A.S." and "s.a.r.l" as one word before punctuation goes.
		.replace(/\b([a-z])\.(?=[a-z]\.)/g, '$1')
		.replace(/\b([a-z])\.([a-z])\.?/g, '$1$2')
		.replace(/&/g, ' et ')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
	const words = plain.split(' ').filter(Boolean);
	const kept = words.filter((w) => !NOISE.has(w));
	return (kept.length ? kept : words).join(' ');
}

function bigrams(text: string): Map<string, number> {
	const grams = new Map<string, number>();
	const s = ` ${text} `;
	for (let i = 0; i < s.length - 1; i++) {
		const g = s.slice(i, i + 2);
		grams.set(g, (grams.get(g) ?? 0) + 1);
	}
	return grams;
}

/** Dice similarity of the character pairs of two normalised names: 1 the same, 0 nothing in common. */
export function nameSimilarity(a: string, b: string): number {
	if (a === b) return a ? 1 : 0;
	if (!a || !b) return 0;
	const x = bigrams(a);
	const y = bigrams(b);
	let common = 0;
	let total = 0;
	for (const [g, n] of x) {
		common += Math.min(n, y.get(g) ?? 0);
		total += n;
	}
	for (const n of y.values()) total += n;
	return (2 * common) / total;
}

export interface NameMatch {
	/** The ids whose name is the payer's, or close enough, when the reading is unique; empty otherwise. */
	ids: string[];
	/** How sure: 1 for the same normalised name, the similarity otherwise. */
	score: number;
	/** Names that came close, for a person to choose from, best first. */
	candidates: Array<{ id: string; name: string; score: number }>;
}

/**
 * The customer a payer name designates among `names` (id → normalised names). The same normalised name wins; else
 * the best similarity counts only when it reaches `threshold` and stands `margin` above the next customer's.
 * A bank label that starts with the customer's full name ("HOTEL DES ALPES CHAMONIX") counts as the same name when
 * the name has at least two words or eight letters.
 */
export function matchCompanyName(
	payer: string,
	names: Map<string, string[]>,
	options: { threshold?: number; margin?: number } = {},
): NameMatch {
	const threshold = options.threshold ?? 0.9;
	const margin = options.margin ?? 0.08;
	const key = normaliseCompanyName(payer);
	if (!key) return { ids: [], score: 0, candidates: [] };
	const scored: Array<{ id: string; name: string; score: number }> = [];
	for (const [id, list] of names) {
		let best = { name: '', score: 0 };
		for (const name of list) {
			let score = name === key ? 1 : nameSimilarity(key, name);
			if (
				score < 1 &&
				(name.split(' ').length >= 2 || name.length >= 8) &&
				(key.startsWith(`${name} `) || (name.startsWith(`${key} `) && key.split(' ').length >= 2))
			)
				score = Math.max(score, 0.95);
			if (score > best.score) best = { name, score };
		}
		if (best.score >= threshold - 0.2) scored.push({ id, name: best.name, score: best.score });
	}
	scored.sort((a, b) => b.score - a.score);
	const exact = scored.filter((s) => s.score === 1);
	if (exact.length > 0)
		return { ids: exact.map((s) => s.id), score: 1, candidates: scored.slice(0, 5) };
	const [first, second] = scored;
	if (first && first.score >= threshold && (!second || first.score - second.score >= margin))
		return { ids: [first.id], score: first.score, candidates: scored.slice(0, 5) };
	return { ids: [], score: first?.score ?? 0, candidates: scored.slice(0, 5) };
}
