import { DateTime } from 'luxon';

/** The company's time zone when none is configured: French finance teams are the first users. */
export const DEFAULT_ZONE = 'Europe/Paris';

/**
 * Parses a calendar date as accounting files write it: 2026-12-31, 31/12/2026, 31.12.2026, 20261231
 * (UN/CEFACT format 102) or an ISO timestamp (its date in `zone`). Returns YYYY-MM-DD, or undefined when the
 * text is not a real date (2026-02-30 is not).
 */
export function parseCalendarDate(input: unknown, zone = DEFAULT_ZONE): string | undefined {
	if (input instanceof Date) {
		const dt = DateTime.fromJSDate(input, { zone });
		return dt.isValid ? dt.toISODate() ?? undefined : undefined;
	}
	if (typeof input !== 'string') return undefined;
	const text = input.trim();
	let dt: DateTime | undefined;
	let m: RegExpMatchArray | null;
	if ((m = text.match(/^(\d{4})-(\d{2})-(\d{2})$/))) dt = DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3] }, { zone });
	else if ((m = text.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/))) dt = DateTime.fromObject({ year: +m[3], month: +m[2], day: +m[1] }, { zone });
	else if ((m = text.match(/^(\d{4})(\d{2})(\d{2})$/))) dt = DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3] }, { zone });
	else if (/^\d{4}-\d{2}-\d{2}T/.test(text)) dt = DateTime.fromISO(text, { setZone: false, zone });
	if (!dt || !dt.isValid || dt.year < 1900 || dt.year > 2200) return undefined;
	return dt.toISODate() ?? undefined;
}

/** Today's calendar date in the company's zone. */
export function todayIn(zone = DEFAULT_ZONE, now: Date = new Date()): string {
	return DateTime.fromJSDate(now, { zone }).toISODate() as string;
}

export function addDays(isoDate: string, days: number): string {
	return DateTime.fromISO(isoDate, { zone: 'UTC' }).plus({ days }).toISODate() as string;
}

export function endOfMonth(isoDate: string): string {
	return DateTime.fromISO(isoDate, { zone: 'UTC' }).endOf('month').toISODate() as string;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round(DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days);
}
