import { legalInterestRateFor } from '../../dunning/charges';
import type { Anomaly } from '../anomaly';
import type { InvoiceParty, ParsedInvoice } from '../parse/types';
import { EU_VAT_PREFIXES } from './codes';
import { ruleAnomaly } from './rules';

const has = (texts: string[], pattern: RegExp): boolean => texts.some((t) => pattern.test(t));

const LATE_PENALTY =
	/p[ée]nalit[ée]s?\s+(?:de\s+|pour\s+)?retard|int[ée]r[êe]ts?\s+(?:de\s+|moratoires?)|taux\s+d['’]int[ée]r[êe]t\s+l[ée]gal|late[\s-]+(?:payment\s+)?(?:penalt|interest|fee|charge)|penalty\s+interest|verzugszins/i;
const INDEMNITY_WORDS =
	/indemnit[ée]|frais\s+de\s+recouvrement|recovery\s+(?:costs?|fee|compensation)|fixed\s+(?:compensation|indemnity|fee)|compensation\s+for\s+recovery/i;
const FORTY_EUROS = /\b40(?:[.,]00)?\s*(?:€|eur\b|euros?\b)|€\s*40\b/i;
const DISCOUNT =
	/escompte|early[\s-]+payment\s+discount|discount\s+for\s+early|no\s+discount|skonto/i;
const NATURE =
	/(?:livraisons?|ventes?)\s+de\s+(?:biens|marchandises)|prestations?\s+de\s+services?|op[ée]rations?\s+mixtes?|nature\s+de\s+l['’]op[ée]ration|supply\s+of\s+(?:goods|services)|deliver(?:y|ies)\s+of\s+goods|provision\s+of\s+services/i;
const VAT_EXEMPT = /293\s*B|TVA\s+non\s+applicable|franchise\s+en\s+base/i;
const DEBITS = /d['’]apr[èe]s\s+les\s+d[ée]bits|sur\s+les\s+d[ée]bits|VAT\s+on\s+debits/i;

/** The date from which the mentions of the 2026 e-invoicing reform are required (buyer SIREN, nature of the operation, delivery address, VAT on debits). */
export const FRENCH_REFORM_START = '2026-09-01';

/** A penalty rate stated by reference to the law: "3 fois le taux d'intérêt légal", "taux BCE + 10 points". */
const RATE_BY_REFERENCE =
	/(?:trois|3)\s*(?:fois|x|×)\s*(?:le\s+)?taux\s+(?:de\s+l['’]|d['’])?\s*int[ée]r[êe]t\s+l[ée]gal|(?:three|3)\s*(?:times|x|×)\s*(?:the\s+)?(?:french\s+)?(?:statutory|legal)\s+interest|(?:taux\s+(?:de\s+(?:refinancement\s+de\s+)?la\s+)?BCE|ECB\s+(?:main\s+refinancing\s+)?rate|taux\s+directeur)[^.;\n]{0,40}?(?:\+|major[ée]\s+de|plus)\s*(?:de\s+)?10\s*(?:points|%|pts?)/i;
/** A percentage stated in a late-penalty mention: "taux de 10 %", "12,5% l'an", "at 15 percent". */
const PERCENT = /(\d{1,3}(?:[.,]\d{1,4})?)\s*(?:%|pour\s*cent|percent)/i;

/**
 * The late-penalty rate a mention states: 'reference' when it refers to the law (3 × legal interest, ECB + 10
 * points), a percentage as text, or undefined when the mention states no rate.
 */
export function statedPenaltyRate(
	texts: string[],
): { kind: 'reference' } | { kind: 'percent'; percent: string; text: string } | undefined {
	for (const text of texts) {
		if (!LATE_PENALTY.test(text)) continue;
		if (RATE_BY_REFERENCE.test(text)) return { kind: 'reference' };
		const clause = text.slice(text.search(LATE_PENALTY)).split(/[;\n]|\.\s/)[0];
		const m = clause.match(PERCENT);
		if (m) return { kind: 'percent', percent: m[1].replace(',', '.'), text: text.trim() };
	}
	return undefined;
}

function percentHundredths(text: string): number {
	const [whole, fraction = ''] = text.split('.');
	return Number(whole) * 10000 + Number(fraction.padEnd(4, '0').slice(0, 4));
}

function missingAddressParts(party: InvoiceParty): { en: string[]; fr: string[] } {
	const en: string[] = [];
	const fr: string[] = [];
	if (!party.address?.lines.length) {
		en.push('street address');
		fr.push('adresse (rue)');
	}
	if (!party.address?.postalCode) {
		en.push('postal code');
		fr.push('code postal');
	}
	if (!party.address?.city) {
		en.push('city');
		fr.push('ville');
	}
	return { en, fr };
}

/** Nature of the operation (2026): from the business process code B1/S1/M1… or a note. */
export function operationNature(
	invoice: ParsedInvoice,
): 'goods' | 'services' | 'mixed' | undefined {
	const code = invoice.businessProcess?.trim().toUpperCase();
	if (code && /^[BSM]\d/.test(code))
		return code[0] === 'B' ? 'goods' : code[0] === 'S' ? 'services' : 'mixed';
	const texts = [...invoice.notes.map((n) => n.text), invoice.paymentTerms ?? ''];
	const goods = has(
		texts,
		/(?:livraisons?|ventes?)\s+de\s+(?:biens|marchandises)|supply\s+of\s+goods|deliver(?:y|ies)\s+of\s+goods/i,
	);
	const services = has(
		texts,
		/prestations?\s+de\s+services?|supply\s+of\s+services|provision\s+of\s+services/i,
	);
	if (has(texts, /op[ée]rations?\s+mixtes?/i) || (goods && services)) return 'mixed';
	return goods ? 'goods' : services ? 'services' : undefined;
}

/**
 * Mandatory mentions of a French B2B invoice (Code de commerce L441-9, CGI art. 242 nonies A) and the additions
 * of the 2026 e-invoicing reform. Number, date, names and totals are checked by the general rules.
 */
export function frenchMentions(
	invoice: ParsedInvoice,
	company: { vatOnDebits?: boolean } = {},
	options: { reformStart?: string } = {},
): Anomaly[] {
	const reform =
		!!invoice.issueDate && invoice.issueDate >= (options.reformStart ?? FRENCH_REFORM_START);
	const found: Anomaly[] = [];
	const texts = [...invoice.notes.map((n) => n.text), invoice.paymentTerms ?? ''].filter(Boolean);
	const subjects = new Set(invoice.notes.map((n) => n.subject?.toUpperCase()).filter(Boolean));

	const seller = missingAddressParts(invoice.seller);
	if (seller.en.length)
		found.push(
			ruleAnomaly('FR_SELLER_IDENTITY', 'seller.address', {
				missingEn: seller.en.join(', '),
				missingFr: seller.fr.join(', '),
			}),
		);
	if (!invoice.seller.siren) found.push(ruleAnomaly('FR_SELLER_SIREN', 'seller.siren'));
	if (!invoice.seller.vatId && !invoice.taxRepresentative?.vatId && !has(texts, VAT_EXEMPT))
		found.push(ruleAnomaly('FR_SELLER_VAT', 'seller.vatId'));

	const buyer = missingAddressParts(invoice.buyer);
	if (buyer.en.length)
		found.push(
			ruleAnomaly('FR_BUYER_IDENTITY', 'buyer.address', {
				missingEn: buyer.en.join(', '),
				missingFr: buyer.fr.join(', '),
			}),
		);
	const buyerCountry =
		invoice.buyer.address?.country ?? invoice.buyer.vatId?.slice(0, 2).toUpperCase();
	if (reform && (!buyerCountry || buyerCountry === 'FR') && !invoice.buyer.siren)
		found.push(ruleAnomaly('FR_BUYER_SIREN', 'buyer.siren'));
	if (!invoice.buyer.vatId) {
		const reverseCharge = invoice.vatBreakdown.some(
			(b) => b.category === 'AE' || b.category === 'K',
		);
		const intraEu =
			!!buyerCountry &&
			buyerCountry !== 'FR' &&
			(EU_VAT_PREFIXES.has(buyerCountry) || buyerCountry === 'GR');
		if (reverseCharge || intraEu) {
			found.push(
				ruleAnomaly(
					'FR_BUYER_VAT',
					'buyer.vatId',
					intraEu
						? { reasonEn: 'intra-community', reasonFr: 'intracommunautaire' }
						: { reasonEn: 'under reverse charge', reasonFr: 'en autoliquidation' },
				),
			);
		}
	}

	if (!invoice.dueDate) found.push(ruleAnomaly('FR_DUE_DATE', 'dueDate'));
	if (!invoice.paymentTerms) found.push(ruleAnomaly('FR_PAYMENT_TERMS', 'paymentTerms'));
	const penaltyTexts = [
		...invoice.notes
			.filter((n) => n.subject?.toUpperCase() === 'PMD')
			.map((n) => `pénalités de retard : ${n.text}`),
		...texts,
	];
	if (!subjects.has('PMD') && !has(texts, LATE_PENALTY))
		found.push(ruleAnomaly('FR_LATE_PENALTY', 'notes'));
	else {
		const stated = statedPenaltyRate(penaltyTexts);
		if (!stated) found.push(ruleAnomaly('FR_LATE_PENALTY_RATE', 'notes'));
		else if (stated.kind === 'percent' && invoice.issueDate) {
			const legal = legalInterestRateFor(invoice.issueDate);
			if (legal && percentHundredths(stated.percent) < 3 * percentHundredths(legal.ratePercent)) {
				const floor = (3 * percentHundredths(legal.ratePercent)) / 10000;
				found.push(
					ruleAnomaly('FR_LATE_PENALTY_RATE_LOW', 'notes', {
						rate: stated.percent,
						legal: legal.ratePercent,
						semester: legal.semester,
						floor: floor.toFixed(2),
					}),
				);
			}
		}
	}
	if (!subjects.has('PMT') && !texts.some((t) => INDEMNITY_WORDS.test(t) && FORTY_EUROS.test(t)))
		found.push(ruleAnomaly('FR_RECOVERY_INDEMNITY', 'notes'));
	if (!subjects.has('AAB') && !has(texts, DISCOUNT))
		found.push(ruleAnomaly('FR_DISCOUNT_TERMS', 'notes'));

	if (!reform) return found;
	if (invoice.delivery?.name && !invoice.delivery.address)
		found.push(
			ruleAnomaly('FR_DELIVERY_ADDRESS', 'delivery.address', { name: invoice.delivery.name }),
		);
	const nature = operationNature(invoice);
	if (!nature && !has(texts, NATURE))
		found.push(ruleAnomaly('FR_OPERATION_NATURE', 'businessProcess'));
	if (company.vatOnDebits && nature !== 'goods') {
		const coded = invoice.vatBreakdown.some(
			(b) => b.taxPointCode === '5' || (invoice.syntax === 'ubl' && b.taxPointCode === '3'),
		);
		if (!coded && !has(texts, DEBITS))
			found.push(ruleAnomaly('FR_VAT_ON_DEBITS', 'vatBreakdown.taxPointCode'));
	}
	return found;
}
