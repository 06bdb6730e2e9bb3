import {
	DISPUTE_LABEL_CODES,
	disputeCategoryLabel,
	disputeKeyLabel,
	disputeKindLabel,
	disputeSubcategoryLabel,
} from './labels';
import { DEFAULT_SUBCATEGORY, SUBCATEGORIES, type DisputeCategory } from './lexicon';

// The one table of dispute names people read: every category and subcategory the classifier and the ledger use is
// named in French and in English, never shown as its code.
describe('dispute category and subcategory labels', () => {
	const categories = Object.keys(SUBCATEGORIES) as DisputeCategory[];
	const subcategories = [
		...new Set([...Object.values(SUBCATEGORIES).flat(), ...Object.values(DEFAULT_SUBCATEGORY)]),
	];

	it('names every category and subcategory of the lexicon in French and English', () => {
		expect(categories.filter((c) => !DISPUTE_LABEL_CODES.categories.includes(c))).toEqual([]);
		expect(subcategories.filter((s) => !DISPUTE_LABEL_CODES.subcategories.includes(s))).toEqual([]);
		for (const c of categories) {
			expect(disputeCategoryLabel(c, 'fr')).not.toMatch(/_|^[a-z]/);
			expect(disputeCategoryLabel(c, 'en')).not.toMatch(/_|^[a-z]/);
		}
		for (const s of subcategories) {
			expect([s, disputeSubcategoryLabel(s, 'fr')]).not.toEqual([
				s,
				expect.stringMatching(/_|^[a-z]/),
			]);
			expect([s, disputeSubcategoryLabel(s, 'en')]).not.toEqual([
				s,
				expect.stringMatching(/_|^[a-z]/),
			]);
		}
	});

	it('reads a category with its subcategory, and a report key "category/subcategory"', () => {
		expect(disputeKindLabel('logistics', 'partial_delivery', 'fr')).toBe(
			'Logistique / Livraison incomplète',
		);
		expect(disputeKindLabel('logistics', 'partial_delivery', 'en')).toBe(
			'Logistics / Partial delivery',
		);
		expect(disputeKindLabel('administrative', null, 'fr')).toBe('Administratif');
		expect(disputeKeyLabel('administrative/missing_po', 'fr')).toBe(
			'Administratif / Bon de commande manquant',
		);
		expect(disputeKeyLabel('commercial/', 'en')).toBe('Commercial');
		expect(disputeKeyLabel('technical', 'en')).toBe('Technical');
	});

	it('shows a code it does not know as written, underscores as spaces', () => {
		expect(disputeCategoryLabel('customs_hold', 'fr')).toBe('customs hold');
		expect(disputeSubcategoryLabel('quantity', 'en')).toBe('quantity');
		expect(disputeCategoryLabel(null, 'fr')).toBe('');
	});
});
