import { loadSplit } from '../../test/fixtures/disputes/dataset';
import { analyseText, collapseSpaces } from './analyse';
import { featuresOf, scoreAnalysis, scoreFeatures, shippedModel } from './model';
import { tokeniseClause, tokensOfWord, WordCache, type Token } from './normalise';

/**
 * The classifier's hot paths are written for speed; each must give exactly what the plain version gives, so that
 * the model (trained through featuresOf) scores the same at classification time.
 */
describe('dispute classifier fast paths', () => {
	const messages = [...loadSplit('train'), ...loadSplit('heldout')];

	it('scores an analysis exactly as the feature map does, to the last bit', () => {
		const model = shippedModel();
		for (const m of messages) {
			const analysis = analyseText(m.text, { receivedAt: m.receivedAt });
			expect(scoreAnalysis(model, analysis)).toEqual(scoreFeatures(model, featuresOf(analysis)));
		}
	});

	it('collapses white space as replace(/\\s+/g, " ").trim() does', () => {
		const pieces = ['a', 'bc', ' ', '  ', '\t', '\n', '\u00a0', '\u202f', '\u3000', '\ufeff', '\u2009', 'é', '\u200b', "'", '-'];
		let seed = 7;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		const samples = ['', ' ', 'a', ' a ', 'a  b', 'a\tb', 'a b'];
		for (let i = 0; i < 3000; i++) {
			let s = '';
			const n = Math.floor(next() * 12);
			for (let k = 0; k < n; k++) s += pieces[Math.floor(next() * pieces.length)];
			samples.push(s);
		}
		for (const s of samples) expect(collapseSpaces(s)).toBe(s.replace(/\s+/g, ' ').trim());
	});

	it('tokenises through the hashed word table exactly as word by word, while it grows and when it is emptied', () => {
		let seed = 11;
		const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
		const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
		const words = ['ne', 'pas', 'facture', 'factures', 'didnt', 'not', '2026', 'livraison', 'payee'];
		for (let i = 0; i < 3000; i++) {
			let w = '';
			const n = 1 + Math.floor(next() * 9);
			for (let k = 0; k < n; k++) w += letters[Math.floor(next() * letters.length)];
			words.push(w);
		}
		const small = new WordCache(tokensOfWord, 500);
		for (let round = 0; round < 3; round++) {
			const clause = Array.from({ length: 400 }, () => words[Math.floor(next() * words.length)]).join(' , ');
			const hashed: Token[] = [];
			tokeniseClause(clause, 0, 0, hashed, small);
			const plain: Token[] = [];
			for (const w of clause.split(/[^a-z0-9]+/).filter(Boolean)) {
				for (const t of tokensOfWord(w)) {
					const last = plain[plain.length - 1];
					if (t.s === '#' && last && last.s === '#') continue;
					plain.push({ s: t.s, sentence: 0, clause: 0, neg: t.neg });
				}
			}
			expect(hashed).toEqual(plain);
		}
	});
});
