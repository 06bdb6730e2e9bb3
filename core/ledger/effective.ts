import { DateTime } from 'luxon';
import { ReceivablesError } from '../errors';
import { DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time';

/**
 * The effective date of a fact being recorded (YYYY-MM-DD): the date given, checked (a calendar date, not after
 * today in the zone: a fact is recorded when it has happened), or today in the zone. Every dated fact of the ledger
 * takes one, so a company can record its history when it starts and reports as of past dates see it.
 */
export function effectiveDate(
	value: string | null | undefined,
	zone: string | undefined,
	code = 'BAD_EFFECTIVE_DATE',
): string {
	const z = zone || DEFAULT_ZONE;
	const today = todayIn(z);
	if (value === undefined || value === null || String(value).trim() === '') return today;
	const date = parseCalendarDate(String(value).trim(), z);
	if (!date) {
		throw new ReceivablesError(
			code,
			`"${String(value)}" is not a calendar date / « ${String(value)} » n'est pas une date.`,
			{ hint: 'Give the date as YYYY-MM-DD.' },
		);
	}
	if (date > today) {
		throw new ReceivablesError(
			code,
			`The effective date ${date} is in the future (today is ${today} in ${z}) / La date d'effet ${date} est dans le futur.`,
			{ hint: 'Record a fact on or after the day it happens.' },
		);
	}
	return date;
}

/**
 * The instant a fact dated `date` is recorded at: null for today (the caller writes now()), else noon of that day in
 * the zone, so that the day read back in the zone is `date` whatever the server's zone.
 */
export function effectiveInstant(date: string, zone: string | undefined): string | null {
	const z = zone || DEFAULT_ZONE;
	if (date === todayIn(z)) return null;
	return DateTime.fromISO(date, { zone: z }).set({ hour: 12 }).toUTC().toISO();
}
