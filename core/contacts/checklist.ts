/**
 * The quality call (contact qualité): a few days before the due date the customer is called to check that the
 * invoice was received, booked and is conform, and that it will be paid at the due date. The questions are said
 * in the customer's language.
 */
export type ChecklistKey = 'received' | 'booked' | 'conform' | 'payAtDue';
export const CHECKLIST_KEYS: ChecklistKey[] = ['received', 'booked', 'conform', 'payAtDue'];

export interface ChecklistItem {
	key: ChecklistKey;
	question: string;
	/** Already answered, by the e-invoicing platform's approval (205/206) of every invoice of the call. */
	answer?: boolean;
	answeredBy?: 'platform';
}

const QUESTIONS: Record<
	'fr' | 'en',
	Record<ChecklistKey, (invoices: string, due: string) => string>
> = {
	fr: {
		received: (invoices) =>
			`Avez-vous bien reçu ${invoices.includes(',') ? 'les factures' : 'la facture'} ${invoices} ?`,
		booked: () => 'Est-elle enregistrée dans votre comptabilité (bon à payer) ?',
		conform: () =>
			'Est-elle conforme (prix, quantités, numéro de commande, adresse de facturation) ?',
		payAtDue: (_i, due) => `Sera-t-elle réglée à l'échéance du ${due} ?`,
	},
	en: {
		received: (invoices) =>
			`Did you receive invoice${invoices.includes(',') ? 's' : ''} ${invoices}?`,
		booked: () => 'Is it booked in your accounts (approved for payment)?',
		conform: () => 'Is it correct (prices, quantities, purchase order number, billing address)?',
		payAtDue: (_i, due) => `Will it be paid on the due date, ${due}?`,
	},
};

function frenchDate(iso: string): string {
	const [y, m, d] = iso.split('-');
	return `${d}/${m}/${y}`;
}

function englishDate(iso: string): string {
	const months = [
		'January',
		'February',
		'March',
		'April',
		'May',
		'June',
		'July',
		'August',
		'September',
		'October',
		'November',
		'December',
	];
	const [y, m, d] = iso.split('-').map(Number);
	return `${d} ${months[m - 1]} ${y}`;
}

export function callDate(iso: string, language: 'fr' | 'en'): string {
	return language === 'fr' ? frenchDate(iso) : englishDate(iso);
}

export function checklistFor(
	language: 'fr' | 'en',
	invoiceNumbers: string[],
	dueDates: string[],
	answered: Partial<Record<ChecklistKey, boolean>> = {},
): ChecklistItem[] {
	const sorted = [...new Set(dueDates)].sort();
	const due = sorted
		.map((d) => callDate(d, language))
		.join(language === 'fr' ? ' et du ' : ' and ');
	const invoices = invoiceNumbers.join(', ');
	return CHECKLIST_KEYS.map((key) => ({
		key,
		question: QUESTIONS[language][key](invoices, due),
		...(answered[key] !== undefined
			? { answer: answered[key], answeredBy: 'platform' as const }
			: {}),
	}));
}

/**
 * The opening sentence of the call: it greets the customer (by the company's name when known), then says who calls
 * and from which company, then why.
 */
export function callIntro(
	language: 'fr' | 'en',
	caller: string | null,
	company: string | null,
	customer: string | null = null,
	about: 'coming_due' | 'overdue' = 'coming_due',
): string {
	if (language === 'fr') {
		const greeting = customer
			? `Bonjour, je suis bien chez ${customer} ?`
			: 'Bonjour Madame, Monsieur.';
		const who = caller
			? `Ici ${caller}${company ? `, de la société ${company}` : ''}.`
			: company
				? `Ici le service clients de la société ${company}.`
				: '';
		const why =
			about === 'overdue'
				? 'Je vous appelle au sujet de factures échues restées impayées.'
				: 'Je vous appelle au sujet de vos factures qui arrivent à échéance, pour vérifier que tout est en ordre.';
		return [greeting, who, why].filter(Boolean).join(' ');
	}
	const greeting = customer ? `Hello, am I speaking with ${customer}?` : 'Hello.';
	const who = caller
		? `This is ${caller}${company ? ` from ${company}` : ''}.`
		: company
			? `This is the accounts department of ${company}.`
			: '';
	const why =
		about === 'overdue'
			? 'I am calling about overdue invoices that are still unpaid.'
			: 'I am calling about your invoices coming due, to check that everything is in order.';
	return [greeting, who, why].filter(Boolean).join(' ');
}
