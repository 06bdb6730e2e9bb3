/**
 * A bounded memo for pure functions of a string (dates repeat thousands of times in an invoice export, and
 * calendar arithmetic through luxon costs tens of microseconds a call). Cleared when full: memory stays bounded.
 */
export function memoize<R>(fn: (key: string) => R, max = 4096): (key: string) => R {
	const cache = new Map<string, R>();
	return (key: string): R => {
		const hit = cache.get(key);
		if (hit !== undefined || cache.has(key)) return hit as R;
		const value = fn(key);
		if (cache.size >= max) cache.clear();
		cache.set(key, value);
		return value;
	};
}
