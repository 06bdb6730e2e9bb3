import { DateTime } from 'luxon';
import { addDays, daysBetween, endOfMonth, parseCalendarDate } from './dates';

describe('parseCalendarDate', () => {
	it('reads the date formats of accounting files', () => {
		expect(parseCalendarDate('2026-12-31')).toBe('2026-12-31');
		expect(parseCalendarDate(' 31/12/2026 ')).toBe('2026-12-31');
		expect(parseCalendarDate('1/2/2026')).toBe('2026-02-01');
		expect(parseCalendarDate('31.12.2026')).toBe('2026-12-31');
		expect(parseCalendarDate('31-12-2026')).toBe('2026-12-31');
		expect(parseCalendarDate('20261231')).toBe('2026-12-31');
	});

	it('refuses dates that do not exist', () => {
		expect(parseCalendarDate('2026-02-30')).toBeUndefined();
		expect(parseCalendarDate('2026-02-29')).toBeUndefined();
		expect(parseCalendarDate('2028-02-29')).toBe('2028-02-29');
		expect(parseCalendarDate('2100-02-29')).toBeUndefined();
		expect(parseCalendarDate('31/04/2026')).toBeUndefined();
		expect(parseCalendarDate('2026-13-01')).toBeUndefined();
		expect(parseCalendarDate('2026-00-10')).toBeUndefined();
		expect(parseCalendarDate('00/01/2026')).toBeUndefined();
		expect(parseCalendarDate('1899-12-31')).toBeUndefined();
		expect(parseCalendarDate('2201-01-01')).toBeUndefined();
		expect(parseCalendarDate('12/31/2026')).toBeUndefined();
		expect(parseCalendarDate('tomorrow')).toBeUndefined();
		expect(parseCalendarDate('')).toBeUndefined();
		expect(parseCalendarDate(20261231)).toBeUndefined();
	});

	it('takes the date of a timestamp in the company zone', () => {
		expect(parseCalendarDate('2026-03-31T23:30:00Z')).toBe('2026-04-01');
		expect(parseCalendarDate('2026-03-31T23:30:00Z', 'UTC')).toBe('2026-03-31');
		expect(parseCalendarDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
		expect(parseCalendarDate('2026-02-30T10:00:00Z')).toBeUndefined();
	});
});

describe('date arithmetic', () => {
	it('adds days, finds the end of the month and counts days between dates', () => {
		expect(addDays('2026-01-31', 30)).toBe('2026-03-02');
		expect(endOfMonth('2028-02-10')).toBe('2028-02-29');
		expect(daysBetween('2026-03-01', '2026-02-01')).toBe(-28);
	});

	it('gives what Luxon gives, for every 17th day from 1999 to 2101 and for timestamps and impossible dates', () => {
		const luxonAdd = (d: string, n: number) =>
			DateTime.fromISO(d, { zone: 'UTC' }).plus({ days: n }).toISODate();
		const luxonBetween = (a: string, b: string) =>
			Math.round(
				DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days')
					.days,
			);
		const start = Date.UTC(1999, 0, 1);
		for (let k = 0; k < 102 * 366; k += 17) {
			const day = new Date(start + k * 86_400_000).toISOString().slice(0, 10);
			for (const n of [0, 1, -1, 29, 30, 31, 45, 60, 181, 366, -366, 3650]) {
				expect(addDays(day, n)).toBe(luxonAdd(day, n));
				expect(daysBetween(day, luxonAdd(day, n) as string)).toBe(n);
			}
			expect(daysBetween('2000-02-29', day)).toBe(luxonBetween('2000-02-29', day));
		}
		expect(addDays('2026-03-29T01:30:00+01:00', 1)).toBe(luxonAdd('2026-03-29T01:30:00+01:00', 1));
		expect(addDays('2026-02-30', 1)).toBe(luxonAdd('2026-02-30', 1));
		expect(daysBetween('2026-02-30', '2026-03-01')).toBeNaN();
		expect(addDays('2026-01-31', 0.5)).toBe(luxonAdd('2026-01-31', 0.5));
	});
});
