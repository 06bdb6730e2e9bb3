import { loadSplit } from '../../test/fixtures/disputes/dataset';
import { analyseText, collapseSpaces } from './analyse';
import { featuresOf, scoreAnalysis, scoreFeatures, shippedModel } from './model';
import { isoDay, messageDay, messageDayByLuxon } from './promiseDate';
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
		const pieces = [
			'a',
			'bc',
			' ',
			'  ',
			'\t',
			'\n',
			'\u00a0',
			'\u202f',
			'\u3000',
			'\ufeff',
			'\u2009',
			'é',
			'\u200b',
			"'",
			'-',
		];
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
		const words = [
			'ne',
			'pas',
			'facture',
			'factures',
			'didnt',
			'not',
			'2026',
			'livraison',
			'payee',
		];
		for (let i = 0; i < 3000; i++) {
			let w = '';
			const n = 1 + Math.floor(next() * 9);
			for (let k = 0; k < n; k++) w += letters[Math.floor(next() * letters.length)];
			words.push(w);
		}
		const small = new WordCache(tokensOfWord, 500);
		for (let round = 0; round < 3; round++) {
			const clause = Array.from(
				{ length: 400 },
				() => words[Math.floor(next() * words.length)],
			).join(' , ');
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

	it('reads message dates (ISO days and instants, e-mail Date headers, now) as luxon does, in zones with odd offsets and changes', () => {
		const zones = [
			'Europe/Paris',
			'Africa/Casablanca',
			'Africa/Dakar',
			'America/Sao_Paulo',
			'Asia/Kathmandu',
			'Australia/Lord_Howe',
			'Pacific/Chatham',
			'America/St_Johns',
			'UTC',
			'Not/AZone',
		];
		const days = [
			'2026-03-29',
			'2026-10-25',
			'2026-02-28',
			'2026-02-29',
			'2028-02-29',
			'2026-13-01',
			'2026-04-31',
			'0026-03-01',
			'2026-03-08',
			'2026-11-01',
		];
		const times = [
			'00:00:00',
			'00:30',
			'01:59:59',
			'02:00:00',
			'02:30:00',
			'03:00:00',
			'22:45:10.5',
			'23:59:59',
			'12:00:00.123456',
			'24:00:00',
			'23:60:00',
		];
		const offsets = [
			'Z',
			'+01:00',
			'+0100',
			'+01',
			'-03:00',
			'+05:45',
			'-0930',
			'+14:00',
			'+13:45',
			'-12:00',
			'+01:75',
		];
		const samples: string[] = [
			...days,
			'',
			'garbage',
			'2026-03-09T10:00:00',
			'2026-03-09t10:00:00z',
			'2026-03-09T10:00:00,5+01:00',
		];
		for (const d of days)
			for (const t of times) for (const o of offsets) samples.push(`${d}T${t}${o}`);
		const weekdays = ['', 'Mon, ', 'Sun, ', 'Fri, '];
		for (const w of weekdays) {
			for (const d of ['1', '9', '29', '31']) {
				for (const mo of ['Feb', 'Mar', 'Oct', 'Apr'])
					for (const t of ['00:10:00', '23:50', '02:30:00'])
						for (const o of ['+0100', '-0500', 'GMT', 'UT', 'Z', '+0575'])
							samples.push(`${w}${d} ${mo} 2026 ${t} ${o}`);
			}
		}
		samples.push('Mon, 9 Mar 2026 10:00:00 +0100 (CET)', 'Mon, 9 Mar 2026 10:00:00 EST');
		for (const zone of zones) {
			for (const sample of samples)
				expect(`${zone} ${sample} → ${isoDay(messageDay(sample, zone, new Date(0)))}`).toBe(
					`${zone} ${sample} → ${isoDay(messageDayByLuxon(sample, zone, new Date(0)))}`,
				);
			for (let ms = Date.UTC(2026, 2, 28, 20); ms < Date.UTC(2026, 2, 29, 6); ms += 7 * 60_000) {
				expect(isoDay(messageDay(undefined, zone, new Date(ms)))).toBe(
					isoDay(messageDayByLuxon(undefined, zone, new Date(ms))),
				);
			}
		}
	});
});
