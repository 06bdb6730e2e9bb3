import { addBusinessDays, easterSunday, holidaysOf, isBusinessDay } from './calendar';
import { retroplan } from './retroplanning';

describe('holiday calendars', () => {
	it('computes Easter and the Easter-based holidays', () => {
		expect([2025, 2026, 2027, 2028].map(easterSunday)).toEqual([
			'2025-04-20',
			'2026-04-05',
			'2027-03-28',
			'2028-04-16',
		]);
		const fr = holidaysOf('FR', 2026);
		expect(fr.get('2026-04-06')?.name.en).toBe('Easter Monday');
		expect(fr.get('2026-05-14')?.name.en).toBe('Ascension Day');
		expect(fr.get('2026-05-25')?.name.en).toBe('Whit Monday');
		expect(holidaysOf('SN', 2027).get('2027-03-29')?.kind).toBe('easter');
		expect(holidaysOf('MA', 2026).get('2026-04-06')).toBeUndefined();
	});

	it('lists lunar holidays per year as expected dates to be confirmed', () => {
		for (const country of ['MA', 'SN', 'CI']) {
			for (const year of [2025, 2026, 2027, 2028]) {
				const lunar = [...holidaysOf(country, year).values()].filter((h) => h.kind === 'islamic');
				expect(lunar.length).toBeGreaterThanOrEqual(3);
				expect(lunar.every((h) => h.toBeConfirmed && h.date.startsWith(String(year)))).toBe(true);
			}
		}
		expect(holidaysOf('SN', 2026).get('2026-06-26')?.name.fr).toMatch(/Tamkharit/);
		expect(holidaysOf('MA', 2026).get('2026-07-30')?.name.en).toBe('Throne Day');
		expect(holidaysOf('CI', 2026).get('2026-08-07')?.name.en).toBe('Independence Day');
	});

	it('counts business days around weekends and holidays of the country', () => {
		expect(isBusinessDay('FR', '2026-07-14')).toBe(false);
		expect(isBusinessDay('MA', '2026-07-14')).toBe(true);
		expect(isBusinessDay('MA', '2026-07-30')).toBe(false);
		expect(isBusinessDay('FR', '2026-11-21')).toBe(false); // Saturday
		// Friday 2026-07-10 + 2 business days in France: Monday 13, (14 holiday), Wednesday 15.
		expect(addBusinessDays('FR', '2026-07-10', 2)).toBe('2026-07-15');
		expect(addBusinessDays('FR', '2026-07-15', -2)).toBe('2026-07-10');
	});

	it('refuses a country without a calendar', () => {
		expect(() => holidaysOf('ZZ', 2026)).toThrow(/No holiday calendar/);
	});
});

describe('retroplan', () => {
	it('plans a later cycle backwards in business days, skipping Ascension and 8 May', () => {
		const plan = retroplan({ targetDate: '2026-05-15', country: 'FR', firstCycle: false });
		expect(plan.totalBusinessDays).toBe(6);
		expect(plan.milestones.map((m) => [m.key, m.date])).toEqual([
			['filesReceived', '2026-05-05'],
			['editingPrinting', '2026-05-06'],
			['enveloping', '2026-05-11'],
			['handover', '2026-05-12'],
			['deliveryDeadline', '2026-05-15'],
		]);
		expect(plan.holidays.map((h) => h.date)).toEqual(['2026-05-08', '2026-05-14']);
	});

	it('takes 15 business days for a first cycle, and warns about lunar holidays to be confirmed', () => {
		const plan = retroplan({ targetDate: '2026-03-27', country: 'SN', firstCycle: true });
		expect(plan.totalBusinessDays).toBe(15);
		const files = plan.milestones[0];
		// 15 business days before Friday 27 March 2026 in Senegal, Korité (Friday 20 March) excluded.
		expect(files.date).toBe('2026-03-05');
		expect(plan.holidays.map((h) => h.date)).toContain('2026-03-20');
		expect(plan.warnings.some((w) => /to be confirmed/.test(w.en))).toBe(true);
	});

	it('moves a deadline that falls on a holiday to the business day before', () => {
		const plan = retroplan({
			targetDate: '2026-07-30',
			country: 'MA',
			firstCycle: false,
			regularDays: 5,
		});
		expect(plan.deliveryDeadline).toBe('2026-07-29');
		expect(plan.milestones[0].businessDaysBefore).toBe(5);
	});

	it('refuses a bad date, a lead time outside 5–8 and offsets out of order', () => {
		expect(() => retroplan({ targetDate: '2026-02-30', country: 'FR', firstCycle: false })).toThrow(
			/not a date/,
		);
		expect(() =>
			retroplan({ targetDate: '2026-05-15', country: 'FR', firstCycle: false, regularDays: 9 }),
		).toThrow(/5 to 8/);
		expect(() =>
			retroplan({
				targetDate: '2026-05-15',
				country: 'FR',
				firstCycle: false,
				offsets: { handover: 9 },
			}),
		).toThrow(/decrease/);
	});
});
