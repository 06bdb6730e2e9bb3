import { formatAmount, parseAmount } from '../money/money';

/**
 * References and amounts written in a message. Only what is in the text is returned — nothing is completed,
 * guessed or looked up.
 */

export interface ExtractedAmount {
	/** Decimal string in the currency's unit ("1234.56", "85000" for XOF). */
	amount: string;
	currency: string;
	/** As written. */
	text: string;
}

const REF = String.raw`[A-Z0-9](?:[A-Z0-9]|[-/_.](?=[A-Z0-9])){2,29}`;
const REF_AFTER_KEYWORD = new RegExp(
	String.raw`\b(?:factures?|fact\.?|fac\.?|invoices?|inv\.?|bills?)\s*(?:n\s?[°ºo]\.?|num[ée]ro|number|nos?\.?|nr\.?|#|:|r[ée]f\.?)?\s*(${REF})((?:\s*(?:,|et|and|&|\+|/|ou|or)\s*(?:(?:la|le|l'|n°|#|no\.?)\s*)?${REF})*)`,
	'gi',
);
const REF_SHAPED =
	/\b((?:FA|FAC|FACT|FC|FV|FT|FCT|INV|F)[-_/]?(?:\d{2,4}[-_/])?\d{3,}(?:[-_/]\d+)?)\b/g;
const NOT_AN_INVOICE_BEFORE =
	/(?:commande|order|po|bc|devis|quote|quotation|ticket|rma|contrat|contract|dossier|r[ée]clamation|transaction|ch[èe]que|cheque|virement|transfer|lot|colis|tracking|suivi|ice|siret|siren|ninea|tva|vat|t[ée]l\.?|phone|iban|bic|swift|uetr|utr|r[ée]f[ée]rence de l'op[ée]ration)\s*(?:n\s?[°ºo]\.?|#|:|no\.?|number|num[ée]ro)?\s*$/i;

function looksLikeReference(ref: string): boolean {
	if (!/\d/.test(ref)) return false;
	if (/^\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?$/.test(ref)) return false; // a date
	if (/^\d{4}[-/.]\d{2}[-/.]\d{2}$/.test(ref) && !/^\d{4}-\d{2}-\d{3,}$/.test(ref)) return false;
	if (/^(19|20)\d{2}$/.test(ref)) return false; // a year
	if (/^\d{1,2}$/.test(ref)) return false;
	if (/^\d+[.,]\d{1,2}$/.test(ref)) return false; // an amount
	if (/^0\d{9}$/.test(ref.replace(/[ .-]/g, ''))) return false; // a phone number
	return ref.replace(/[^A-Z0-9]/gi, '').length >= 3;
}

/** Every match of a global regular expression (exec loop: no copy of the expression, unlike matchAll). */
function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
	re.lastIndex = 0;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text)) !== null) {
		yield m;
		if (m[0] === '') re.lastIndex++;
	}
}

const REF_IN_LIST = new RegExp(REF, 'gi');

/** Invoice numbers named in a text, in order of appearance, without duplicates. */
export function findInvoiceNumbers(text: string): string[] {
	const found: Array<{ ref: string; at: number }> = [];
	const add = (ref: string, at: number) => {
		const clean = ref.replace(/[.\-/_]+$/, '');
		if (looksLikeReference(clean)) found.push({ ref: clean, at });
	};
	for (const m of matches(REF_AFTER_KEYWORD, text)) {
		const at = m.index ?? 0;
		add(m[1], at);
		if (m[2]) {
			for (const part of [...matches(REF_IN_LIST, m[2])]) {
				if (/^(et|and|ou|or|la|le|no)$/i.test(part[0])) continue;
				add(part[0], at + 1);
			}
		}
	}
	for (const m of matches(REF_SHAPED, text)) {
		const at = m.index ?? 0;
		if (NOT_AN_INVOICE_BEFORE.test(text.slice(Math.max(0, at - 40), at))) continue;
		add(m[1], at);
	}
	found.sort((a, b) => a.at - b.at);
	const out: string[] = [];
	for (const { ref } of found) {
		const upper = ref.toUpperCase();
		if (out.some((o) => o.toUpperCase() === upper || o.toUpperCase().includes(upper))) continue;
		for (let i = out.length - 1; i >= 0; i--)
			if (upper.includes(out[i].toUpperCase())) out.splice(i, 1);
		out.push(ref);
	}
	return out;
}

const PO =
	/\b(?:PO|P\.O\.|purchase order|BC|bon de commande|commande|order)\s*(?:n\s?[°ºo]\.?|number|no\.?|#|:|num[ée]ro)?\s*([A-Z0-9](?:[A-Z0-9]|[-/_](?=[A-Z0-9])){3,24})/gi;

/** Purchase-order numbers (PO, BC, bon de commande) named in a text. */
export function findPurchaseOrders(text: string): string[] {
	const out: string[] = [];
	for (const m of matches(PO, text)) {
		const ref = m[1];
		if (!/\d/.test(ref) || !looksLikeReference(ref)) continue;
		if (!out.includes(ref)) out.push(ref);
	}
	return out;
}

const PAYMENT_REF =
	/\b(?:r[ée]f(?:[ée]rence)?\.?(?:\s+(?:du virement|de l'op[ée]ration|de remise|transaction))?|reference|ref\.?|UETR|UTR(?:\s+no\.?)?|transaction(?:\s+(?:id|no\.?|number))?|id transaction|num[ée]ro de transaction|n°\s*de\s*transaction|confirmation number)\s*(?:n\s?[°ºo]\.?|no\.?|#|:|est)?\s*([A-Z0-9](?:[A-Z0-9]|[-/_.](?=[A-Z0-9])){5,40})/gi;

/** A payment reference (transfer reference, UETR, mobile-money transaction id), when the message gives one. */
export function findPaymentReference(text: string): string | undefined {
	for (const m of matches(PAYMENT_REF, text)) {
		if (/\d/.test(m[1])) return m[1];
	}
	return undefined;
}

const CURRENCY_WORDS: Array<[RegExp, string]> = [
	[/^(€|eur|euros?)$/i, 'EUR'],
	[/^(\$|usd|us\$|dollars?)$/i, 'USD'],
	[/^(£|gbp|pounds?)$/i, 'GBP'],
	[/^(mad|dh|dhs|dirhams?)$/i, 'MAD'],
	[/^(fcfa|f\s?cfa|cfa|xof)$/i, 'XOF'],
	[/^xaf$/i, 'XAF'],
	[/^(chf)$/i, 'CHF'],
	[/^(cad)$/i, 'CAD'],
	[/^(ngn|naira)$/i, 'NGN'],
	[/^(ghs|cedis?)$/i, 'GHS'],
	[/^(tnd|dt)$/i, 'TND'],
];
const CUR = String.raw`€|\$|£|EUR|euros?|USD|US\$|dollars?|GBP|MAD|DHS?|dirhams?|F\s?CFA|FCFA|CFA|XOF|XAF|CHF|CAD|NGN|naira|GHS|cedis?|TND`;
const NUM = String.raw`\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+(?:[.,]\d{1,3})?|\d+(?:[.,]\d{1,3})?`;
const AMOUNT_AFTER = new RegExp(String.raw`(?<![\w.,])(${NUM})\s?(${CUR})(?![\w])`, 'gi');
const AMOUNT_BEFORE = new RegExp(String.raw`(?<![\w])(${CUR})\s?(${NUM})(?![\d])`, 'gi');

function currencyOf(word: string): string | undefined {
	const w = word.replace(/\s+/g, ' ').trim();
	for (const [re, code] of CURRENCY_WORDS)
		if (re.test(w) || re.test(w.replace(' ', ''))) return code;
	return undefined;
}

function toAmount(numberText: string, currency: string): string | undefined {
	let n = numberText.replace(/[\u00a0\u202f' ]/g, ' ').trim();
	// "5,600" or "5.600" with nothing else: a thousands separator, not three decimals.
	if (/^\d{1,3}[.,]\d{3}$/.test(n)) n = n.replace(/[.,]/, '');
	try {
		return formatAmount(parseAmount(n, currency), currency);
	} catch {
		return undefined;
	}
}

/** Amounts with a currency ("1 234,56 €", "EUR 4,250.00", "85 000 FCFA", "18 500 DH"), in order of appearance. */
export function findAmounts(text: string): ExtractedAmount[] {
	const found: Array<ExtractedAmount & { at: number }> = [];
	const taken: Array<[number, number]> = [];
	const push = (at: number, length: number, numberText: string, curText: string, whole: string) => {
		if (taken.some(([s, e]) => at < e && at + length > s)) return;
		const currency = currencyOf(curText);
		if (!currency) return;
		const amount = toAmount(numberText, currency);
		if (amount === undefined) return;
		taken.push([at, at + length]);
		found.push({ amount, currency, text: whole.trim(), at });
	};
	for (const m of matches(AMOUNT_BEFORE, text)) push(m.index ?? 0, m[0].length, m[2], m[1], m[0]);
	for (const m of matches(AMOUNT_AFTER, text)) push(m.index ?? 0, m[0].length, m[1], m[2], m[0]);
	found.sort((a, b) => a.at - b.at);
	return found.map((a) => ({ amount: a.amount, currency: a.currency, text: a.text }));
}
