import { DateTime } from 'luxon';
import { DEFAULT_ZONE } from '../time/dates';
import { foldText } from './normalise';

/**
 * Dates of payment written the way customers write them ("vendredi prochain", "fin du mois", "sous huitaine",
 * "d'ici 10 jours", "le 15", "end of month", "next Tuesday", "April 3rd"), resolved against the day the message
 * was received, in the company's time zone.
 *
 * Conventions: a weekday ("vendredi", "vendredi prochain", "next Friday", "this Friday") is the first such day
 * after the message day; "la semaine prochaine" / "next week" is the Friday of next week, "cette semaine" /
 * "by the end of the week" the Friday of this week; "fin du mois" the last day of the month; "début <mois>" the
 * 10th, "mi-<mois>" the 15th; "le 15" the next 15th on or after the message day; "sous huitaine" 8 days,
 * "sous quinzaine" 15 days; "N jours ouvrés" / "N business days" skip week-ends.
 */

const WEEKDAYS: Record<string, number> = {
	lundi: 1,
	mardi: 2,
	mercredi: 3,
	jeudi: 4,
	vendredi: 5,
	samedi: 6,
	dimanche: 7,
	monday: 1,
	tuesday: 2,
	wednesday: 3,
	thursday: 4,
	friday: 5,
	saturday: 6,
	sunday: 7,
	tues: 2,
	thur: 4,
	thurs: 4,
};
const MONTHS: Record<string, number> = {
	janvier: 1,
	fevrier: 2,
	mars: 3,
	avril: 4,
	mai: 5,
	juin: 6,
	juillet: 7,
	aout: 8,
	septembre: 9,
	octobre: 10,
	novembre: 11,
	decembre: 12,
	janv: 1,
	fevr: 2,
	fev: 2,
	avr: 4,
	juil: 7,
	sept: 9,
	oct: 10,
	nov: 11,
	dec: 12,
	january: 1,
	february: 2,
	march: 3,
	april: 4,
	may: 5,
	june: 6,
	july: 7,
	august: 8,
	september: 9,
	october: 10,
	november: 11,
	december: 12,
	jan: 1,
	feb: 2,
	mar: 3,
	apr: 4,
	jun: 6,
	jul: 7,
	aug: 8,
	sep: 9,
};
const NUMBER_WORDS: Record<string, number> = {
	un: 1,
	une: 1,
	deux: 2,
	trois: 3,
	quatre: 4,
	cinq: 5,
	six: 6,
	sept: 7,
	huit: 8,
	neuf: 9,
	dix: 10,
	onze: 11,
	douze: 12,
	quinze: 15,
	vingt: 20,
	trente: 30,
	quarante: 40,
	'quarante-cinq': 45,
	soixante: 60,
	septante: 70,
	huitante: 80,
	octante: 80,
	nonante: 90,
	one: 1,
	a: 1,
	two: 2,
	three: 3,
	four: 4,
	five: 5,
	seven: 7,
	eight: 8,
	nine: 9,
	ten: 10,
	fourteen: 14,
	fifteen: 15,
	twenty: 20,
	thirty: 30,
	'forty-five': 45,
	sixty: 60,
	ninety: 90,
};

const MONTH_RE = Object.keys(MONTHS)
	.sort((a, b) => b.length - a.length)
	.join('|');
const WEEKDAY_RE = Object.keys(WEEKDAYS)
	.sort((a, b) => b.length - a.length)
	.join('|');
const NUM_RE = `\\d{1,3}|${Object.keys(NUMBER_WORDS)
	.sort((a, b) => b.length - a.length)
	.join('|')}`;

export interface DateCandidate {
	date: string;
	/** Position in the folded text. */
	at: number;
	text: string;
}

function num(word: string): number | undefined {
	if (/^\d+$/.test(word)) return Number(word);
	return NUMBER_WORDS[word];
}

function nextWeekday(from: DateTime, weekday: number): DateTime {
	return from.plus({ days: (weekday - from.weekday + 7) % 7 || 7 });
}

/** YYYY-MM-DD of a calendar date (faster than toISODate, which formats through Intl). */
export function isoDay(d: DateTime): string {
	return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

function fridayOf(day: DateTime, weeksAhead: number): DateTime {
	const monday = day.minus({ days: day.weekday - 1 }).plus({ weeks: weeksAhead });
	return monday.plus({ days: 4 });
}

function addBusinessDays(from: DateTime, n: number): DateTime {
	let d = from;
	let left = n;
	while (left > 0) {
		d = d.plus({ days: 1 });
		if (d.weekday <= 5) left--;
	}
	return d;
}

function nextDayOfMonth(from: DateTime, day: number): DateTime | undefined {
	if (day < 1 || day > 31) return undefined;
	for (let k = 0; k < 3; k++) {
		const month = from.startOf('month').plus({ months: k });
		if (day > (month.daysInMonth ?? 31)) continue;
		const d = month.set({ day });
		if (d >= from.startOf('day')) return d;
	}
	return undefined;
}

/** A day and month without a year: this year, or next year when it is more than two months gone. */
function dayMonth(from: DateTime, day: number, month: number, year?: number): DateTime | undefined {
	let y = year ?? from.year;
	if (year !== undefined && year < 100) y = 2000 + year;
	const d = DateTime.utc(y, month, day);
	if (!d.isValid) return undefined;
	if (year === undefined && d.toMillis() < from.toMillis() - 61 * 86_400_000)
		return d.plus({ years: 1 });
	return d;
}

type Rule = [RegExp, RegExp, (m: RegExpMatchArray, base: DateTime) => DateTime | undefined];

const MONTH_WORD = new RegExp(`\\b(?:${MONTH_RE})\\b`);
const WEEKDAY_WORD = new RegExp(`\\b(?:${WEEKDAY_RE})\\b`);
const DIGIT = /\d/;

const RULES: Rule[] = [
	// "fin du mois prochain", "end of next month"
	[
		/mois prochain|next month/,
		/\b(?:(?:a |en )?fin (?:du |de )?mois prochain|end of next month)\b/g,
		(_m, b) => b.plus({ months: 1 }).endOf('month'),
	],
	// "fin avril", "end of April", "fin du mois d'avril"
	[
		/fin|end/,
		new RegExp(
			`\\b(?:fin (?:du mois )?(?:d )?|end of |by the end of |at the end of )(${MONTH_RE})\\b`,
			'g',
		),
		(m, b) => {
			const month = MONTHS[m[1]];
			const d = dayMonth(b, 1, month);
			return d?.endOf('month');
		},
	],
	// "fin du mois", "fin de mois", "end of (the) month", "month end"
	[
		/fin|end|month/,
		/\b(?:fin (?:du |de |de ce )?mois|end of (?:the |this )?month|month[- ]end|end of month)\b/g,
		(_m, b) => b.endOf('month'),
	],
	[
		/mois prochain|next month/,
		/\b(?:(?:le |au )?mois prochain|next month)\b/g,
		(_m, b) => b.plus({ months: 1 }).endOf('month'),
	],
	[
		/debut|early|beginning/,
		new RegExp(
			`\\b(?:debut|early|beginning of|debut du mois de|debut du mois d[' ]) ?(${MONTH_RE})\\b`,
			'g',
		),
		(m, b) => dayMonth(b, 10, MONTHS[m[1]]),
	],
	[
		/debut|early|beginning/,
		/\b(?:debut (?:du )?mois prochain|early next month|beginning of next month)\b/g,
		(_m, b) => b.plus({ months: 1 }).set({ day: 10 }),
	],
	[
		/\bmi|mid/,
		new RegExp(`\\b(?:mi|mid)[- ](${MONTH_RE})\\b`, 'g'),
		(m, b) => dayMonth(b, 15, MONTHS[m[1]]),
	],
	// "fin de la semaine prochaine", "end of next week"
	[
		/semaine|week/,
		/\b(?:fin de la semaine prochaine|end of next week)\b/g,
		(_m, b) => fridayOf(b, 1),
	],
	[/semaine|week/, /\b(?:(?:la |en )?semaine prochaine|next week)\b/g, (_m, b) => fridayOf(b, 1)],
	[
		/semaine|week/,
		/\b(?:cette semaine|(?:d[' ]ici |en |avant la )?fin de (?:la )?semaine|this week|(?:by )?(?:the )?end of (?:the |this )?week)\b/g,
		(_m, b) => (b.weekday >= 5 ? fridayOf(b, 1) : fridayOf(b, 0)),
	],
	[
		/demain|tomorrow/,
		/\b(?:apres[- ]demain|day after tomorrow)\b/g,
		(_m, b) => b.plus({ days: 2 }),
	],
	[/demain|tomorrow/, /\b(?:demain|tomorrow)\b/g, (_m, b) => b.plus({ days: 1 })],
	[
		/aujourd|ce jour|today|ce soir|tonight/,
		/\b(?:aujourd[' ]hui|ce jour|today|ce soir|tonight)\b/g,
		(_m, b) => b,
	],
	[/huitaine/, /\bsous huitaine\b|\bhuitaine\b/g, (_m, b) => b.plus({ days: 8 })],
	[/quinzaine/, /\bsous quinzaine\b|\bquinzaine\b/g, (_m, b) => b.plus({ days: 15 })],
	// "dans 10 jours", "d[' ]ici 10 jours", "sous 8 jours", "endéans les 10 jours", "within 7 days", "in 10 days", "within the next 15 days"
	[
		/jour|jrs|\bj\b|day|semaine|week|mois|month|heure|\dh|hour/,
		new RegExp(
			`\\b(?:dans|d[' ]ici|sous|endeans|en|within|in|within the next|in the next|endeans les|dans les)\\s+(?:les |the )?(${NUM_RE})\\s*(jours ouvres|jours ouvrables|business days|working days|jours|jrs|j|days|semaines|weeks|mois|months|heures|h|hours)\\b`,
			'g',
		),
		(m, b) => {
			const n = num(m[1]);
			if (n === undefined || n > 400) return undefined;
			const unit = m[2];
			if (/ouvr|business|working/.test(unit)) return addBusinessDays(b, n);
			if (/^(jours|jrs|j|days)$/.test(unit)) return b.plus({ days: n });
			if (/^(semaines|weeks)$/.test(unit)) return b.plus({ weeks: n });
			if (/^(mois|months)$/.test(unit)) return b.plus({ months: n });
			return b.plus({ days: Math.ceil(n / 24) });
		},
	],
	// Absolute dates: 15/04/2026, 15.04.26, 2026-04-15, 15/04
	[
		DIGIT,
		/\b(\d{4})-(\d{2})-(\d{2})\b/g,
		(m, b) => dayMonth(b, Number(m[3]), Number(m[2]), Number(m[1])),
	],
	[
		DIGIT,
		/\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b/g,
		(m, b) => {
			const a = Number(m[1]);
			const c = Number(m[2]);
			const [day, month] = a > 12 || c <= 12 ? [a, c] : [c, a];
			return dayMonth(b, day, month, m[3] ? Number(m[3]) : undefined);
		},
	],
	// "le 15 avril", "15 avril 2026", "3rd April", "April 3rd", "April 5"
	[
		MONTH_WORD,
		new RegExp(`\\b(\\d{1,2})(?:er|st|nd|rd|th)?(?: of)? (${MONTH_RE})\\b(?: (\\d{4}))?`, 'g'),
		(m, b) => dayMonth(b, Number(m[1]), MONTHS[m[2]], m[3] ? Number(m[3]) : undefined),
	],
	[
		MONTH_WORD,
		new RegExp(`\\b(${MONTH_RE}) (\\d{1,2})(?:st|nd|rd|th)?\\b(?:,? (\\d{4}))?`, 'g'),
		(m, b) => dayMonth(b, Number(m[2]), MONTHS[m[1]], m[3] ? Number(m[3]) : undefined),
	],
	// Weekdays: "vendredi prochain", "ce vendredi", "lundi", "next Tuesday", "on Monday", "Thursday's payment run"
	[
		WEEKDAY_WORD,
		new RegExp(
			`\\b(?:(?:ce |this |next |on |d[' ]ici |by |avant |until |jusqu[' ]a )?(${WEEKDAY_RE})(?: prochain| prochaine)?)\\b`,
			'g',
		),
		(m, b) => nextWeekday(b, WEEKDAYS[m[1]]),
	],
	// "le 15", "le 20 de ce mois", "avant le 15", "on the 20th", "the 25th"
	[
		DIGIT,
		/\b(?:le|au|avant le|d[' ]ici le|jusqu[' ]au|the|on the|by the|on)\s+(\d{1,2})(?:er|st|nd|rd|th)?\b(?!\s*(?:%|h\b|heures|jours|days|mois|months|weeks|semaines|[.,/]\d|\d|€|eur|usd|\$|fcfa|dh|euros))/g,
		(m, b) => nextDayOfMonth(b, Number(m[1])),
	],
];

const dayCache = new Map<string, DateTime>();

/** The day as luxon computes it: the reference for the fast paths below, and their fallback. */
export function messageDayByLuxon(
	receivedAt: string | undefined,
	zone = DEFAULT_ZONE,
	now: Date = new Date(),
): DateTime {
	let local: DateTime | undefined;
	if (receivedAt) {
		// ISO (2026-03-09, 2026-03-09T10:00:00+01:00) or an e-mail Date header (Mon, 9 Mar 2026 10:00:00 +0100).
		const text = String(receivedAt).trim();
		let dt = /^\d{4}-\d{2}-\d{2}$/.test(text)
			? DateTime.fromISO(text, { zone })
			: DateTime.fromISO(text, { setZone: true }).setZone(zone);
		if (!dt.isValid)
			dt = DateTime.fromRFC2822(text.replace(/\s*\([^)]*\)\s*$/, ''), { setZone: true }).setZone(
				zone,
			);
		if (!dt.isValid) {
			const parsed = new Date(text);
			if (!Number.isNaN(parsed.getTime())) dt = DateTime.fromJSDate(parsed, { zone });
		}
		if (dt.isValid) local = dt;
	}
	local ??= DateTime.fromJSDate(now, { zone });
	return DateTime.utc(local.year, local.month, local.day);
}

const MONTH_ABBR: Record<string, number> = {
	Jan: 1,
	Feb: 2,
	Mar: 3,
	Apr: 4,
	May: 5,
	Jun: 6,
	Jul: 7,
	Aug: 8,
	Sep: 9,
	Oct: 10,
	Nov: 11,
	Dec: 12,
};
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO instant with an explicit offset (without one, luxon reads it in the machine's zone: left to luxon). */
const ISO_INSTANT =
	/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;
/** An e-mail Date header with a numeric offset or GMT/UT/Z ("Mon, 9 Mar 2026 10:00:00 +0100"). */
const RFC_INSTANT =
	/^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UT|Z)$/;

function daysIn(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function utcDay(year: number, month: number, day: number): DateTime {
	const key = `${year}-${month}-${day}`;
	let d = utcDays.get(key);
	if (!d) {
		d = DateTime.utc(year, month, day);
		if (utcDays.size > 10_000) utcDays.clear();
		utcDays.set(key, d);
	}
	return d;
}
const utcDays = new Map<string, DateTime>();

/** Offsets (minutes) of a zone by quarter of an hour, kept only for quarters without a change of offset inside. */
const offsetCache = new Map<string, number>();
const QUARTER = 15 * 60_000;

function offsetAt(ms: number, zone: string): number {
	const quarter = Math.floor(ms / QUARTER);
	const key = `${zone}|${quarter}`;
	const cached = offsetCache.get(key);
	if (cached !== undefined) return cached;
	const first = DateTime.fromMillis(quarter * QUARTER, { zone }).offset;
	const last = DateTime.fromMillis(quarter * QUARTER + QUARTER - 1, { zone }).offset;
	if (first !== last) return DateTime.fromMillis(ms, { zone }).offset;
	if (offsetCache.size > 10_000) offsetCache.clear();
	offsetCache.set(key, first);
	return first;
}

const knownZones = new Map<string, boolean>();

function knownZone(zone: string): boolean {
	let known = knownZones.get(zone);
	if (known === undefined) {
		known = DateTime.fromMillis(0, { zone }).isValid;
		if (knownZones.size > 1000) knownZones.clear();
		knownZones.set(zone, known);
	}
	return known;
}

/** The calendar day, in `zone`, of an instant; undefined when the zone is not one luxon knows (luxon decides then). */
function dayOfInstant(ms: number, zone: string): DateTime | undefined {
	if (!Number.isFinite(ms) || !knownZone(zone)) return undefined;
	const local = new Date(ms + offsetAt(ms, zone) * 60_000);
	return utcDay(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
}

function validClock(h: number, mi: number, s: number): boolean {
	return h <= 23 && mi <= 59 && s <= 59;
}

/** The same day as messageDayByLuxon for the usual forms, without luxon's parsers; undefined for the others. */
function fastMessageDay(text: string, zone: string): DateTime | undefined {
	let m = ISO_DAY.exec(text);
	if (m) {
		const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
		return y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && knownZone(zone)
			? utcDay(y, mo, d)
			: undefined;
	}
	m = ISO_INSTANT.exec(text);
	if (m) {
		const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((k) => Number(m?.[k] ?? 0));
		if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || !validClock(h, mi, s))
			return undefined;
		const off = m[7];
		let offset = 0;
		if (off !== 'Z') {
			const digits = off.slice(1).replace(':', '');
			offset =
				(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) *
				(off[0] === '-' ? -1 : 1);
			if (Number(digits.slice(2) || 0) > 59) return undefined;
		}
		return dayOfInstant(Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000, zone);
	}
	m = RFC_INSTANT.exec(text);
	if (m) {
		const [d, y, h, mi, s] = [
			Number(m[1]),
			Number(m[3]),
			Number(m[4]),
			Number(m[5]),
			Number(m[6] ?? 0),
		];
		const mo = MONTH_ABBR[m[2]];
		if (y < 1000 || d < 1 || d > daysIn(y, mo) || !validClock(h, mi, s)) return undefined;
		const off = m[7];
		const offset = /^[+-]/.test(off)
			? (Number(off.slice(1, 3)) * 60 + Number(off.slice(3))) * (off[0] === '-' ? -1 : 1)
			: 0;
		if (/^[+-]/.test(off) && Number(off.slice(3)) > 59) return undefined;
		return dayOfInstant(Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000, zone);
	}
	return undefined;
}

/**
 * The message day: the calendar date, in the company's zone, of an ISO instant or date (today when absent or
 * unreadable). It is returned as a UTC calendar date: the arithmetic on days needs no zone after this point.
 * ISO dates and instants with an offset and e-mail Date headers are read without luxon's parsers (every message
 * has its own time, so they are not cached); the result is the same (tested against messageDayByLuxon).
 */
export function messageDay(
	receivedAt: string | undefined,
	zone = DEFAULT_ZONE,
	now: Date = new Date(),
): DateTime {
	if (!receivedAt)
		return dayOfInstant(now.getTime(), zone) ?? messageDayByLuxon(undefined, zone, now);
	const key = `${receivedAt}|${zone}`;
	const cached = dayCache.get(key);
	if (cached) return cached;
	const day =
		fastMessageDay(String(receivedAt).trim(), zone) ?? messageDayByLuxon(receivedAt, zone, now);
	if (dayCache.size > 10_000) dayCache.clear();
	dayCache.set(key, day);
	return day;
}

/** Cheap test: could this folded text contain a date expression at all? */
const MAYBE_DATE = new RegExp(
	`\\d|\\b(?:demain|tomorrow|aujourd|today|ce jour|ce soir|tonight|semaine|week|mois|month|huitaine|quinzaine|${WEEKDAY_RE}|${MONTH_RE})`,
);

const resolved = new Map<string, string>();

/** Every payment date written in `text`, resolved against `base`, in order of appearance. */
export function findDates(text: string, base: DateTime): DateCandidate[] {
	return findDatesFolded(foldText(text), base);
}

/** Same as findDates on an already folded text (lower case, no accents). */
export function findDatesFolded(folded: string, base: DateTime): DateCandidate[] {
	const out: DateCandidate[] = [];
	if (!MAYBE_DATE.test(folded)) return out;
	folded = folded.replace(/'/g, ' ');
	const taken: Array<[number, number]> = [];
	const day = base.toMillis();
	for (let r = 0; r < RULES.length; r++) {
		const [hint, re, resolve] = RULES[r];
		if (!hint.test(folded)) continue;
		re.lastIndex = 0;
		let m: RegExpExecArray | null;
		while ((m = re.exec(folded)) !== null) {
			const at = m.index ?? 0;
			const end = at + m[0].length;
			if (taken.some(([s, e]) => at < e && end > s)) continue;
			// A rule's date depends only on the words it matched and the message day: resolved once per day and wording.
			const key = `${r}|${day}|${m[0]}`;
			let date = resolved.get(key);
			if (date === undefined) {
				const d = resolve(m, base);
				date = d && d.isValid ? isoDay(d) : '';
				if (resolved.size > 20_000) resolved.clear();
				resolved.set(key, date);
			}
			if (!date) continue;
			taken.push([at, end]);
			out.push({ date, at, text: m[0].trim() });
		}
	}
	return out.sort((a, b) => a.at - b.at);
}
