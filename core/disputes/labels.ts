/**
 * The one table of dispute category and subcategory names people read, in French and English: pages (dashboard,
 * portal, payer page), reports and the customer timeline show these, never the codes. An unknown code (a category a
 * company added) is shown as written, its underscores as spaces.
 */
export type LabelLanguage = 'fr' | 'en';

const CATEGORY: Record<string, [fr: string, en: string]> = {
	administrative: ['Administratif', 'Administrative'],
	logistics: ['Logistique', 'Logistics'],
	commercial: ['Commercial', 'Commercial'],
	technical: ['Technique', 'Technical'],
	payment_promise: ['Promesse de paiement', 'Payment promise'],
	payment_sent: ['Paiement envoyé', 'Payment sent'],
	delay_request: ['Demande de délai', 'Delay request'],
	auto_reply: ['Réponse automatique', 'Automatic reply'],
	other: ['Autre', 'Other'],
	billing: ['Facturation', 'Billing'],
	payment: ['Paiement', 'Payment'],
	quality: ['Qualité', 'Quality'],
	delivery: ['Livraison', 'Delivery'],
	pricing: ['Prix', 'Pricing'],
};

const SUBCATEGORY: Record<string, [fr: string, en: string]> = {
	invoice_not_received: ['Facture non reçue', 'Invoice not received'],
	missing_po: ['Bon de commande manquant', 'Purchase order missing'],
	duplicate_invoice: ['Facture en double', 'Duplicate invoice'],
	credit_note_expected: ['Avoir attendu', 'Credit note expected'],
	wrong_entity: ['Mauvaise entité facturée', 'Wrong entity invoiced'],
	invoice_error: ['Erreur sur la facture', 'Invoice error'],
	allocation: ['Imputation du paiement', 'Payment allocation'],
	not_delivered: ['Non livré', 'Not delivered'],
	partial_delivery: ['Livraison incomplète', 'Partial delivery'],
	damaged: ['Marchandise abîmée', 'Damaged goods'],
	wrong_item: ['Mauvais article', 'Wrong item'],
	late_delivery: ['Livraison en retard', 'Late delivery'],
	packaging: ['Emballage', 'Packaging'],
	price_error: ['Erreur de prix', 'Price error'],
	discount_not_applied: ['Remise non appliquée', 'Discount not applied'],
	offer_not_suited: ['Offre inadaptée', 'Offer not suited'],
	order_cancelled: ['Commande annulée', 'Order cancelled'],
	contract_terms: ['Conditions du contrat', 'Contract terms'],
	malfunction: ['Dysfonctionnement', 'Malfunction'],
	defect: ['Défaut', 'Defect'],
	service_not_rendered: ['Prestation non réalisée', 'Service not rendered'],
	installation: ['Installation', 'Installation'],
	dated: ['Datée', 'Dated'],
	undated: ['Sans date', 'Undated'],
	partial: ['Partielle', 'Partial'],
	payment_run: ['Campagne de paiement', 'Payment run'],
	transfer: ['Virement', 'Transfer'],
	cheque: ['Chèque', 'Cheque'],
	mobile_money: ['Mobile money', 'Mobile money'],
	already_paid: ['Déjà payé', 'Already paid'],
	other: ['Autre', 'Other'],
	extension: ['Report d’échéance', 'Extension'],
	installments: ['Paiement échelonné', 'Installments'],
	cash_difficulty: ['Difficultés de trésorerie', 'Cash difficulty'],
	out_of_office: ['Absence du bureau', 'Out of office'],
	acknowledgement: ['Accusé de réception', 'Acknowledgement'],
	left_company: ['A quitté l’entreprise', 'Left the company'],
	unmonitored: ['Boîte non surveillée', 'Unmonitored mailbox'],
	awaiting_approval: ['En attente de validation', 'Awaiting approval'],
	contact_change: ['Changement de contact', 'Contact change'],
	statement_request: ['Demande de relevé', 'Statement request'],
	question: ['Question', 'Question'],
	unrelated: ['Sans rapport', 'Unrelated'],
	empty: ['Message vide', 'Empty message'],
	unreadable: ['Illisible', 'Unreadable'],
};

function asWritten(code: string): string {
	return code.replace(/_/g, ' ');
}

/** "Logistique" / "Logistics" for `logistics`; an unknown code as written. */
export function disputeCategoryLabel(
	code: string | null | undefined,
	language: LabelLanguage,
): string {
	if (!code) return '';
	const entry = CATEGORY[code];
	return entry ? entry[language === 'en' ? 1 : 0] : asWritten(code);
}

/** "Livraison incomplète" / "Partial delivery" for `partial_delivery`; an unknown code as written. */
export function disputeSubcategoryLabel(
	code: string | null | undefined,
	language: LabelLanguage,
): string {
	if (!code) return '';
	const entry = SUBCATEGORY[code];
	return entry ? entry[language === 'en' ? 1 : 0] : asWritten(code);
}

/** "Logistique / Livraison incomplète": a category and its subcategory (if any) in one label. */
export function disputeKindLabel(
	category: string | null | undefined,
	subcategory: string | null | undefined,
	language: LabelLanguage,
): string {
	const c = disputeCategoryLabel(category, language);
	const s = disputeSubcategoryLabel(subcategory, language);
	return c && s ? `${c} / ${s}` : c || s;
}

/**
 * A grouping key of the analyses and reports, "category" or "category/subcategory" (as the dispute analysis and the
 * balance cleaning write it): "Logistique / Livraison incomplète".
 */
export function disputeKeyLabel(key: string | null | undefined, language: LabelLanguage): string {
	if (!key) return '';
	const at = key.indexOf('/');
	return at < 0
		? disputeCategoryLabel(key, language)
		: disputeKindLabel(key.slice(0, at), key.slice(at + 1), language);
}

/** Every code the table names (for tests and pickers). */
export const DISPUTE_LABEL_CODES = {
	categories: Object.keys(CATEGORY),
	subcategories: Object.keys(SUBCATEGORY),
};
