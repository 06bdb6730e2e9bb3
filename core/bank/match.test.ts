import {
	creditorReference,
	creditorReferencesIn,
	formatCreditorReference,
	isCreditorReference,
} from './rf';
import { matchCompanyName, nameSimilarity, normaliseCompanyName } from './names';

describe('ISO 11649 creditor references', () => {
	it('computes the check digits of the standard example', () => {
		expect(creditorReference('539007547034')).toBe('RF18539007547034');
		expect(isCreditorReference('RF18 5390 0754 7034')).toBe(true);
		expect(isCreditorReference('RF19 5390 0754 7034')).toBe(false);
		expect(formatCreditorReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
	});

	it('gives each invoice number a reference that reads back to the number', () => {
		for (const number of ['FAC-2026-0012', 'F230875', 'AV-2026-0007', 'ma/2026/000123']) {
			const rf = creditorReference(number)!;
			expect(isCreditorReference(rf)).toBe(true);
			expect(creditorReferencesIn(`VIR SEPA ${formatCreditorReference(rf)} MERCI`)).toEqual([
				number.replace(/[^A-Za-z0-9]/g, '').toUpperCase(),
			]);
		}
		expect(creditorReference('A-VERY-LONG-INVOICE-NUMBER-2026-000001')).toBeUndefined();
	});

	it('ignores look-alikes whose check digits are wrong', () => {
		expect(creditorReferencesIn('REF RF99FAC20260012 and RF00')).toEqual([]);
	});
});

describe('company names as banks write them', () => {
	it('drops accents, punctuation and legal forms', () => {
		expect(normaliseCompanyName('Hôtel des Alpes S.A.S.')).toBe('hotel des alpes');
		expect(normaliseCompanyName('HOTEL DES ALPES')).toBe('hotel des alpes');
		expect(normaliseCompanyName('Boulangerie Martin SARL')).toBe('boulangerie martin');
		expect(normaliseCompanyName('Müller & Söhne GmbH')).toBe('muller sohne');
		expect(normaliseCompanyName('STE DAKAR LOGISTIQUE SUARL')).toBe('dakar logistique');
	});

	it('finds the one customer a payer name designates, and refuses to choose between close ones', () => {
		const names = new Map([
			['1', [normaliseCompanyName('Hôtel des Alpes SAS')]],
			['2', [normaliseCompanyName('Hôtel des Pins')]],
			['3', [normaliseCompanyName('Transports Diallo et Fils')]],
			['4', [normaliseCompanyName('Garage Martin')]],
			['5', [normaliseCompanyName('Garage Martini')]],
		]);
		expect(matchCompanyName('HOTEL DES ALPES', names).ids).toEqual(['1']);
		expect(matchCompanyName('HOTEL DES ALPES CHAMONIX', names).ids).toEqual(['1']);
		expect(matchCompanyName('TRANSPORTS DIALO ET FILS', names).ids).toEqual(['3']);
		const close = matchCompanyName('GARAGE MARTN', names);
		expect(close.ids).toEqual([]);
		expect(close.candidates.map((c) => c.id).sort()).toEqual(['4', '5']);
		expect(matchCompanyName('Boucherie Centrale', names).ids).toEqual([]);
		expect(nameSimilarity('abc', 'abc')).toBe(1);
	});
});
