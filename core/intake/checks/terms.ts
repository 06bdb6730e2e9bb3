import { DateTime } from 'luxon';
import { addDays as addDaysRaw, daysBetween, endOfMonth as endOfMonthRaw } from '../../time';
import { memoize } from '../parse/memo';

const addDays = (date: string, days: number): string => addDaysMemo(`${date}|${days}`);
const addDaysMemo = memoize((key: string) => {
	const [date, days] = key.split('|');
	return addDaysRaw(date, Number(days));
});
const endOfMonth = memoize(endOfMonthRaw);
const weekday = memoize((date: string) => DateTime.fromISO(date, { zone: 'UTC' }).weekday);

/**
 * Payment terms as stated on an invoice:
 * - `issue`: N days after the issue date ("30 jours", "net 30", "30 days");
 * - `end_of_month`: N days end of month ("45 jours fin de mois"): French practice accepts both the end of the
 *   month after adding N days and N days after the end of the month, so both due dates are accepted;
 * - `end_of_month_plus`: end of month then N days ("fin de mois + 45 jours");
 * - `reception`: payable on receipt ("à réception", "comptant").
 */
export interface StatedTerms {
	days: number;
	basis: 'issue' | 'end_of_month' | 'end_of_month_plus' | 'reception';
	text: string;
}

const DAYS = String.raw`(?:jours?|j|days?|tagen?|tage)`;
const EOM = String.raw`(?:fin\s+de\s+mois|f\.?\s?d\.?\s?m\.?|end\s+of\s+(?:the\s+)?month|eom|monatsende)`;
const SKIP =
	/escompte|skonto|discount|rabais|remise|p[ée]nalit|penalt|int[ée]r[êe]ts?|retard|late|indemnit|recouvrement|recovery|verzug/i;

/** Reads payment terms in French, English or German; undefined when the text states no delay. */
export function parsePaymentTerms(text: string | undefined): StatedTerms | undefined {
	if (!text) return undefined;
	const clauses = text
		.split(/[;\n]|(?<!\b[a-zA-Z]{1,3})\.(?=\s|$)|,(?=\s)/)
		.map((c) => c.trim())
		.filter(Boolean);
	for (const clause of clauses) {
		if (SKIP.test(clause)) continue;
		const lower = clause.toLowerCase();
		let m = lower.match(new RegExp(`${EOM}\\s*\\+?\\s*(\\d{1,3})\\s*${DAYS}\\b`));
		if (m) return { days: Number(m[1]), basis: 'end_of_month_plus', text: clause };
		m = lower.match(new RegExp(`(\\d{1,3})\\s*${DAYS}\\.?\\s*(?:nets?\\s*)?${EOM}`));
		if (m) return { days: Number(m[1]), basis: 'end_of_month', text: clause };
		m =
			lower.match(new RegExp(`(\\d{1,3})\\s*${DAYS}\\b`)) ??
			lower.match(/\bnet\s*(\d{1,3})\b/) ??
			lower.match(/\b(\d{1,3})\s*net\b/);
		if (m) return { days: Number(m[1]), basis: 'issue', text: clause };
		if (
			/(?:[àa]\s+r[ée]ception|d[èe]s\s+r[ée]ception|upon\s+receipt|on\s+receipt|due\s+on\s+receipt|comptant|imm[ée]diat|sofort)/.test(
				lower,
			)
		) {
			return { days: 0, basis: 'reception', text: clause };
		}
	}
	return undefined;
}

function withWeekendShift(date: string): string[] {
	const day = weekday(date);
	return day === 6 ? [date, addDays(date, 2)] : day === 7 ? [date, addDays(date, 1)] : [date];
}

/** The due dates the terms allow (a due date moved from a weekend to the next Monday is accepted); undefined for terms on receipt. */
export function dueDatesFor(
	issueDate: string,
	terms: Pick<StatedTerms, 'days' | 'basis'>,
): string[] | undefined {
	switch (terms.basis) {
		case 'issue':
			return withWeekendShift(addDays(issueDate, terms.days));
		case 'end_of_month':
			return [
				...new Set([
					...withWeekendShift(endOfMonth(addDays(issueDate, terms.days))),
					...withWeekendShift(addDays(endOfMonth(issueDate), terms.days)),
				]),
			];
		case 'end_of_month_plus':
			return withWeekendShift(addDays(endOfMonth(issueDate), terms.days));
		default:
			return undefined;
	}
}

export interface LegalCap {
	/** Days from the issue date (French general cap: 60). */
	days: number;
	/** Days end of month (French cap when agreed: 45). */
	endOfMonthDays: number;
}

export const FRENCH_LEGAL_CAP: LegalCap = { days: 60, endOfMonthDays: 45 };

/** The latest due date the cap allows: the later of issue + 60 days and 45 days end of month (either reckoning). */
export function latestLegalDueDate(issueDate: string, cap: LegalCap = FRENCH_LEGAL_CAP): string {
	return latestMemo(`${issueDate}|${cap.days}|${cap.endOfMonthDays}`);
}

const latestMemo = memoize((key: string) => {
	const [issueDate, days, eomDays] = key.split('|');
	const candidates = [
		addDays(issueDate, Number(days)),
		addDays(endOfMonth(issueDate), Number(eomDays)),
		endOfMonth(addDays(issueDate, Number(eomDays))),
	];
	return candidates.sort()[2];
});

export { daysBetween };
