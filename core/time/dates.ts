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
		return dt.isValid ? (dt.toISODate() ?? undefined) : undefined;
	}
	if (typeof input !== 'string') return undefined;
	const text = input.trim();
	let m: RegExpMatchArray | null;
	// A calendar date is the same in every zone: checked without building a zoned DateTime (the hot path of bulk intake).
	if ((m = text.match(/^(\d{4})-(\d{2})-(\d{2})$/))) {
		// Already YYYY-MM-DD: returned as it is when it is plainly a real date (days 1–28 exist in every month).
		const year = +m[1];
		const month = +m[2];
		const day = +m[3];
		if (year >= 1900 && year <= 2200 && month >= 1 && month <= 12 && day >= 1 && day <= 28)
			return text;
		return calendarDate(year, month, day);
	}
	if ((m = text.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/)))
		return calendarDate(+m[3], +m[2], +m[1]);
	if ((m = text.match(/^(\d{4})(\d{2})(\d{2})$/))) return calendarDate(+m[1], +m[2], +m[3]);
	if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
	const dt = DateTime.fromISO(text, { setZone: false, zone });
	if (!dt.isValid || dt.year < 1900 || dt.year > 2200) return undefined;
	return dt.toISODate() ?? undefined;
}

/** YYYY-MM-DD when year, month and day make a real date between 1900 and 2200. */
function calendarDate(year: number, month: number, day: number): string | undefined {
	if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
	if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Today's calendar date in the company's zone. */
export function todayIn(zone = DEFAULT_ZONE, now: Date = new Date()): string {
	return DateTime.fromJSDate(now, { zone }).toISODate() as string;
}

const DAY_MS = 86_400_000;
const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Milliseconds since the epoch of a plain YYYY-MM-DD date (years 1000–9999) that exists, else undefined. Day
 * arithmetic on calendar dates needs no zone (UTC has no transitions): the hot paths (late-payment periods of
 * every reminder, due dates of every invoice) take it instead of building Luxon DateTimes; anything else (an ISO
 * timestamp, an impossible date) goes through Luxon as before, with the same result.
 */
function plainDateMs(isoDate: string): number | undefined {
	const m = PLAIN_DATE.exec(isoDate);
	if (!m) return undefined;
	const year = +m[1];
	const month = +m[2];
	const day = +m[3];
	if (
		year < 1000 ||
		month < 1 ||
		month > 12 ||
		day < 1 ||
		(day > 28 && day > new Date(Date.UTC(year, month, 0)).getUTCDate())
	)
		return undefined;
	return Date.UTC(year, month - 1, day);
}

export function addDays(isoDate: string, days: number): string {
	const ms = Number.isInteger(days) ? plainDateMs(isoDate) : undefined;
	if (ms !== undefined) {
		const result = new Date(ms + days * DAY_MS);
		const year = result.getUTCFullYear();
		if (year >= 1000 && year <= 9999) return result.toISOString().slice(0, 10);
	}
	return DateTime.fromISO(isoDate, { zone: 'UTC' }).plus({ days }).toISODate() as string;
}

export function endOfMonth(isoDate: string): string {
	return DateTime.fromISO(isoDate, { zone: 'UTC' }).endOf('month').toISODate() as string;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	const fromMs = plainDateMs(from);
	const toMs = fromMs === undefined ? undefined : plainDateMs(to);
	if (fromMs !== undefined && toMs !== undefined) return Math.round((toMs - fromMs) / DAY_MS);
	return Math.round(
		DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days')
			.days,
	);
}
