import type { Anomaly } from '../anomaly';
import type { InvoiceParty, ParsedInvoice } from '../parse/types';
import { EU_VAT_PREFIXES } from './codes';
import { ruleAnomaly } from './rules';

const has = (texts: string[], pattern: RegExp): boolean => texts.some((t) => pattern.test(t));

const LATE_PENALTY = /p[ée]nalit[ée]s?\s+(?:de\s+|pour\s+)?retard|int[ée]r[êe]ts?\s+(?:de\s+|moratoires?)|taux\s+d['’]int[ée]r[êe]t\s+l[ée]gal|late[\s-]+(?:payment\s+)?(?:penalt|interest|fee|charge)|penalty\s+interest|verzugszins/i;
const INDEMNITY_WORDS = /indemnit[ée]|frais\s+de\s+recouvrement|recovery\s+(?:costs?|fee|compensation)|fixed\s+(?:compensation|indemnity|fee)|compensation\s+for\s+recovery/i;
const FORTY_EUROS = /\b40(?:[.,]00)?\s*(?:€|eur\b|euros?\b)|€\s*40\b/i;
const DISCOUNT = /escompte|early[\s-]+payment\s+discount|discount\s+for\s+early|no\s+discount|skonto/i;
const NATURE = /(?:livraisons?|ventes?)\s+de\s+(?:biens|marchandises)|prestations?\s+de\s+services?|op[ée]rations?\s+mixtes?|nature\s+de\s+l['’]op[ée]ration|supply\s+of\s+(?:goods|services)|deliver(?:y|ies)\s+of\s+goods|provision\s+of\s+services/i;
const VAT_EXEMPT = /293\s*B|TVA\s+non\s+applicable|franchise\s+en\s+base/i;
const DEBITS = /d['’]apr[èe]s\s+les\s+d[ée]bits|sur\s+les\s+d[ée]bits|VAT\s+on\s+debits/i;

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
export function operationNature(invoice: ParsedInvoice): 'goods' | 'services' | 'mixed' | undefined {
	const code = invoice.businessProcess?.trim().toUpperCase();
	if (code && /^[BSM]\d/.test(code)) return code[0] === 'B' ? 'goods' : code[0] === 'S' ? 'services' : 'mixed';
	const texts = [...invoice.notes.map((n) => n.text), invoice.paymentTerms ?? ''];
	const goods = has(texts, /(?:livraisons?|ventes?)\s+de\s+(?:biens|marchandises)|supply\s+of\s+goods|deliver(?:y|ies)\s+of\s+goods/i);
	const services = has(texts, /prestations?\s+de\s+services?|supply\s+of\s+services|provision\s+of\s+services/i);
	if (has(texts, /op[ée]rations?\s+mixtes?/i) || (goods && services)) return 'mixed';
	return goods ? 'goods' : services ? 'services' : undefined;
}

/**
 * Mandatory mentions of a French B2B invoice (Code de commerce L441-9, CGI art. 242 nonies A) and the additions
 * of the 2026 e-invoicing reform. Number, date, names and totals are checked by the general rules.
 */
export function frenchMentions(invoice: ParsedInvoice, company: { vatOnDebits?: boolean } = {}): Anomaly[] {
	const found: Anomaly[] = [];
	const texts = [...invoice.notes.map((n) => n.text), invoice.paymentTerms ?? ''].filter(Boolean);
	const subjects = new Set(invoice.notes.map((n) => n.subject?.toUpperCase()).filter(Boolean));

	const seller = missingAddressParts(invoice.seller);
	if (seller.en.length) found.push(ruleAnomaly('FR_SELLER_IDENTITY', 'seller.address', { missingEn: seller.en.join(', '), missingFr: seller.fr.join(', ') }));
	if (!invoice.seller.siren) found.push(ruleAnomaly('FR_SELLER_SIREN', 'seller.siren'));
	if (!invoice.seller.vatId && !invoice.taxRepresentative?.vatId && !has(texts, VAT_EXEMPT)) found.push(ruleAnomaly('FR_SELLER_VAT', 'seller.vatId'));

	const buyer = missingAddressParts(invoice.buyer);
	if (buyer.en.length) found.push(ruleAnomaly('FR_BUYER_IDENTITY', 'buyer.address', { missingEn: buyer.en.join(', '), missingFr: buyer.fr.join(', ') }));
	const buyerCountry = invoice.buyer.address?.country ?? invoice.buyer.vatId?.slice(0, 2).toUpperCase();
	if ((!buyerCountry || buyerCountry === 'FR') && !invoice.buyer.siren) found.push(ruleAnomaly('FR_BUYER_SIREN', 'buyer.siren'));
	if (!invoice.buyer.vatId) {
		const reverseCharge = invoice.vatBreakdown.some((b) => b.category === 'AE' || b.category === 'K');
		const intraEu = !!buyerCountry && buyerCountry !== 'FR' && (EU_VAT_PREFIXES.has(buyerCountry) || buyerCountry === 'GR');
		if (reverseCharge || intraEu) {
			found.push(ruleAnomaly('FR_BUYER_VAT', 'buyer.vatId', intraEu
				? { reasonEn: 'intra-community', reasonFr: 'intracommunautaire' }
				: { reasonEn: 'under reverse charge', reasonFr: 'en autoliquidation' }));
		}
	}

	if (!invoice.dueDate) found.push(ruleAnomaly('FR_DUE_DATE', 'dueDate'));
	if (!invoice.paymentTerms) found.push(ruleAnomaly('FR_PAYMENT_TERMS', 'paymentTerms'));
	if (!subjects.has('PMD') && !has(texts, LATE_PENALTY)) found.push(ruleAnomaly('FR_LATE_PENALTY', 'notes'));
	if (!subjects.has('PMT') && !texts.some((t) => INDEMNITY_WORDS.test(t) && FORTY_EUROS.test(t))) found.push(ruleAnomaly('FR_RECOVERY_INDEMNITY', 'notes'));
	if (!subjects.has('AAB') && !has(texts, DISCOUNT)) found.push(ruleAnomaly('FR_DISCOUNT_TERMS', 'notes'));

	if (invoice.delivery?.name && !invoice.delivery.address) found.push(ruleAnomaly('FR_DELIVERY_ADDRESS', 'delivery.address', { name: invoice.delivery.name }));
	const nature = operationNature(invoice);
	if (!nature && !has(texts, NATURE)) found.push(ruleAnomaly('FR_OPERATION_NATURE', 'businessProcess'));
	if (company.vatOnDebits && nature !== 'goods') {
		const coded = invoice.vatBreakdown.some((b) => b.taxPointCode === '5' || (invoice.syntax === 'ubl' && b.taxPointCode === '3'));
		if (!coded && !has(texts, DEBITS)) found.push(ruleAnomaly('FR_VAT_ON_DEBITS', 'vatBreakdown.taxPointCode'));
	}
	return found;
}
