/**
 * Text as the PDF fonts can draw it: pdf-lib refuses control characters (C0 and DEL) in a text run, so every PDF
 * of the package passes customer-supplied text through here. Line breaks are dropped too unless `keepLineBreaks`.
 */
export function printableText(text: string, options: { keepLineBreaks?: boolean } = {}): string {
	let out = '';
	for (const ch of text) {
		const code = ch.charCodeAt(0);
		if ((code >= 32 && code !== 127) || (options.keepLineBreaks && (code === 10 || code === 13)))
			out += ch;
	}
	return out;
}
