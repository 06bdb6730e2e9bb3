import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';
import { addDays, parseCalendarDate } from '../time';

type Said = { fr: string; en: string };

/** A country's holiday calendar as shipped in core/distribution/holidays/<CC>.json (editable). */
export interface HolidayCalendarFile {
	country: string;
	name: Said;
	/** ISO weekdays that are not worked (1 = Monday ... 7 = Sunday). */
	weekend: number[];
	/** Same date every year (MM-DD); optional first and last year. */
	fixed: Array<{ date: string; name: Said; from?: number; until?: number }>;
	/** Days after Easter Sunday (1 = Easter Monday, 39 = Ascension, 50 = Whit Monday). */
	easter: Array<{ offset: number; name: Said }>;
	/** Lunar-calendar holidays listed per year (expected dates, to be confirmed by the official announcement). */
	islamic: Record<string, Array<{ date: string; name: Said }>>;
	islamicNote?: Said;
}

export interface Holiday {
	date: string;
	name: Said;
	kind: 'fixed' | 'easter' | 'islamic';
	/** True for lunar holidays: the shipped date is the expected one until the official announcement. */
	toBeConfirmed: boolean;
}

export const SHIPPED_HOLIDAY_COUNTRIES = ['FR', 'MA', 'SN', 'CI'] as const;

const calendars = new Map<string, HolidayCalendarFile>();
const yearCache = new Map<string, Map<string, Holiday>>();

/** Easter Sunday (Gregorian, anonymous algorithm) as YYYY-MM-DD. */
export function easterSunday(year: number): string {
	const a = year % 19;
	const b = Math.floor(year / 100);
	const c = year % 100;
	const d = Math.floor(b / 4);
	const e = b % 4;
	const f = Math.floor((b + 8) / 25);
	const g = Math.floor((b - f + 1) / 3);
	const h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4);
	const k = c % 4;
	const l = (32 + 2 * e + 2 * i - h - k) % 7;
	const m = Math.floor((a + 11 * h + 22 * l) / 451);
	const month = Math.floor((h + l - 7 * m + 114) / 31);
	const day = ((h + l - 7 * m + 114) % 31) + 1;
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Loads a country's calendar (shipped JSON, or one given by the caller to override it). */
export function holidayCalendar(
	country: string,
	override?: HolidayCalendarFile,
): HolidayCalendarFile {
	const code = String(country ?? '')
		.trim()
		.toUpperCase();
	if (override) return override;
	let calendar = calendars.get(code);
	if (!calendar) {
		if (
			!/^[A-Z]{2}$/.test(code) ||
			!(SHIPPED_HOLIDAY_COUNTRIES as readonly string[]).includes(code)
		) {
			throw new ReceivablesError(
				'HOLIDAY_CALENDAR_UNKNOWN',
				`No holiday calendar is shipped for country "${code}" / Aucun calendrier de jours fériés pour le pays « ${code} ».`,
				{
					hint: `Use one of ${SHIPPED_HOLIDAY_COUNTRIES.join(', ')}, or add core/distribution/holidays/${code || 'XX'}.json with the same layout.`,
				},
			);
		}
		calendar = JSON.parse(
			readFileSync(coreAssetPath('distribution', 'holidays', `${code}.json`), 'utf8'),
		) as HolidayCalendarFile;
		calendars.set(code, calendar);
	}
	return calendar;
}

/** The holidays of one year in one country, by date. */
export function holidaysOf(
	country: string,
	year: number,
	override?: HolidayCalendarFile,
): Map<string, Holiday> {
	const calendar = holidayCalendar(country, override);
	const key = `${override ? 'custom:' + JSON.stringify(override).length + ':' : ''}${calendar.country}:${year}`;
	const cached = override ? undefined : yearCache.get(key);
	if (cached) return cached;
	const days = new Map<string, Holiday>();
	for (const h of calendar.fixed ?? []) {
		if ((h.from !== undefined && year < h.from) || (h.until !== undefined && year > h.until))
			continue;
		const date = parseCalendarDate(`${year}-${h.date}`);
		if (date) days.set(date, { date, name: h.name, kind: 'fixed', toBeConfirmed: false });
	}
	const easter = easterSunday(year);
	for (const h of calendar.easter ?? []) {
		const date = addDays(easter, h.offset);
		days.set(date, { date, name: h.name, kind: 'easter', toBeConfirmed: false });
	}
	for (const h of calendar.islamic?.[String(year)] ?? []) {
		const date = parseCalendarDate(h.date);
		if (date) days.set(date, { date, name: h.name, kind: 'islamic', toBeConfirmed: true });
	}
	if (!override) yearCache.set(key, days);
	return days;
}

/** Lunar holidays are listed for these years; outside them a calendar cannot be trusted for planning. */
export function islamicYearsListed(country: string, override?: HolidayCalendarFile): number[] {
	return Object.keys(holidayCalendar(country, override).islamic ?? {})
		.map(Number)
		.sort();
}

export function holidayOn(
	country: string,
	date: string,
	override?: HolidayCalendarFile,
): Holiday | undefined {
	return holidaysOf(country, Number(date.slice(0, 4)), override).get(date);
}

export function isBusinessDay(
	country: string,
	date: string,
	override?: HolidayCalendarFile,
): boolean {
	const weekday = DateTime.fromISO(date, { zone: 'UTC' }).weekday;
	if (holidayCalendar(country, override).weekend.includes(weekday)) return false;
	return !holidayOn(country, date, override);
}

/** The date `days` business days after (positive) or before (negative) `date`. */
export function addBusinessDays(
	country: string,
	date: string,
	days: number,
	override?: HolidayCalendarFile,
): string {
	let current = date;
	let left = Math.abs(days);
	const step = days < 0 ? -1 : 1;
	while (left > 0) {
		current = addDays(current, step);
		if (isBusinessDay(country, current, override)) left--;
	}
	return current;
}

/** `date` itself when it is a business day, else the closest business day before it. */
export function previousBusinessDayOrSame(
	country: string,
	date: string,
	override?: HolidayCalendarFile,
): string {
	let current = date;
	while (!isBusinessDay(country, current, override)) current = addDays(current, -1);
	return current;
}

/** `date` itself when it is a business day, else the next business day. */
export function nextBusinessDayOrSame(
	country: string,
	date: string,
	override?: HolidayCalendarFile,
): string {
	let current = date;
	while (!isBusinessDay(country, current, override)) current = addDays(current, 1);
	return current;
}
