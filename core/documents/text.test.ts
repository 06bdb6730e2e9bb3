import { printableText } from './text';

describe('printableText', () => {
	it('drops control characters and DEL, keeps every printable character of any script', () => {
		expect(printableText('A\u0000B\u0007C\u007fD\u001b')).toBe('ABCD');
		expect(printableText('محمد 😀 Zoë')).toBe('محمد 😀 Zoë');
	});

	it('drops line breaks and tabs unless line breaks are kept', () => {
		expect(printableText('one\r\ntwo\tthree')).toBe('onetwothree');
		expect(printableText('one\r\ntwo\tthree', { keepLineBreaks: true })).toBe('one\r\ntwothree');
	});
});
