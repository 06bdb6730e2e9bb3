import { splitDisputed } from './part';

describe('the disputed part of an invoice', () => {
	it('is the whole open amount for a dispute of the invoice, the part for a dispute of some lines, never more than open', () => {
		expect(splitDisputed(51000n, null)).toEqual({ disputedMinor: 0n, undisputedMinor: 51000n });
		expect(splitDisputed(51000n, { whole: true })).toEqual({
			disputedMinor: 51000n,
			undisputedMinor: 0n,
		});
		// 510,00 with 150,00 disputed: 360,00 undisputed
		expect(splitDisputed(51000n, { whole: false, partsMinor: 15000n })).toEqual({
			disputedMinor: 15000n,
			undisputedMinor: 36000n,
		});
		// a whole dispute wins over the parts; parts beyond what is still open (paid since) are capped at it
		expect(splitDisputed(51000n, { whole: true, partsMinor: 15000n })).toEqual({
			disputedMinor: 51000n,
			undisputedMinor: 0n,
		});
		expect(splitDisputed(10000n, { whole: false, partsMinor: 15000n })).toEqual({
			disputedMinor: 10000n,
			undisputedMinor: 0n,
		});
		expect(splitDisputed(0n, { whole: false, partsMinor: 15000n })).toEqual({
			disputedMinor: 0n,
			undisputedMinor: 0n,
		});
	});
});
