import { copyField } from './copy';

describe('copyField', () => {
	it('writes NULL, numbers, booleans, dates and text as COPY text', () => {
		expect(copyField(null)).toBe('\\N');
		expect(copyField(undefined)).toBe('\\N');
		expect(copyField(12n)).toBe('12');
		expect(copyField(-3.5)).toBe('-3.5');
		expect(copyField(true)).toBe('true');
		expect(copyField(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
		expect(copyField('Boulangerie Martin')).toBe('Boulangerie Martin');
	});

	it('escapes backslashes, tabs and line breaks', () => {
		expect(copyField('a\\b')).toBe('a\\\\b');
		expect(copyField('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
		expect(copyField('\\N')).toBe('\\\\N');
	});

	it('writes string arrays as Postgres arrays and other objects as JSON', () => {
		expect(copyField(['a@x.example', 'b "c"'])).toBe('{"a@x.example","b \\\\"c\\\\""}');
		expect(copyField({ amountMinor: 120n, note: 'line\nbreak' })).toBe(
			'{"amountMinor":"120","note":"line\\\\nbreak"}',
		);
	});
});
