/**
 * A fake clock for date logic: only Date is faked (timers, promises and I/O run as usual, so the engine and the
 * database keep working), set to a wall-clock time of today in a zone.
 */
import { DateTime } from 'luxon';

/** The instant at `hhmm` (e.g. "00:30") on today's date in `zone`. */
export function todayAt(hhmm: string, zone = 'Europe/Paris'): Date {
	const [hour, minute] = hhmm.split(':').map(Number);
	return DateTime.now().setZone(zone).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}

const REAL_TIMERS = [
	'hrtime',
	'nextTick',
	'performance',
	'queueMicrotask',
	'requestAnimationFrame',
	'cancelAnimationFrame',
	'requestIdleCallback',
	'cancelIdleCallback',
	'setImmediate',
	'clearImmediate',
	'setInterval',
	'clearInterval',
	'setTimeout',
	'clearTimeout',
] as const;

/** Fakes Date at `instant` (the clock then runs on from there); call useRealTimers in afterAll/afterEach. */
export function fakeDateAt(instant: Date): void {
	jest.useFakeTimers({ now: instant, doNotFake: [...REAL_TIMERS], advanceTimers: true });
}

export function useRealDate(): void {
	jest.useRealTimers();
}
