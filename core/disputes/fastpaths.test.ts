import { loadSplit } from '../../test/fixtures/disputes/dataset';
import { analyseText, collapseSpaces } from './analyse';
import { featuresOf, scoreAnalysis, scoreFeatures, shippedModel } from './model';

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
});
