import { DateTime } from 'luxon';

/** Formatted dates are cached: luxon's localised formatting costs more than the rest of a reminder. */
const dateCache = new Map<string, string>();

/** A calendar date written out as in a letter: "31 mars 2026", "31 March 2026". */
export function formatDate(iso: string | null | undefined, language: 'fr' | 'en'): string {
	if (!iso) return '';
	const key = `${language}|${iso.slice(0, 10)}`;
	let text = dateCache.get(key);
	if (text === undefined) {
		const dt = DateTime.fromISO(iso.slice(0, 10), { zone: 'UTC' });
		text = dt.isValid ? dt.setLocale(language).toFormat('d MMMM yyyy') : iso;
		if (dateCache.size > 20_000) dateCache.clear();
		dateCache.set(key, text);
	}
	return text;
}
