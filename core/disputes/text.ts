/**
 * Turns what arrives from a mailbox or a call note into the customer's own words: HTML to text, mis-decoded
 * UTF-8 repaired, quoted history ("Le ... a écrit :", "On ... wrote:", "> ", "-----Original Message-----",
 * "De : / From:" blocks) and signatures or legal disclaimers cut off. The quoted part is kept apart: invoice
 * references are looked for there when the reply itself names none.
 */

/** Characters read at most; the rest is ignored and the result says so. */
export const MAX_INPUT_CHARS = 100_000;
/** Characters of the reply analysed at most (a reply longer than this is truncated, with a note). */
export const MAX_BODY_CHARS = 6_000;

export type TextNote =
	| 'empty'
	| 'binary'
	| 'mis_encoded_repaired'
	| 'mis_encoded'
	| 'html'
	| 'truncated'
	| 'quoted_only'
	| 'not_text';

export interface PreparedText {
	/** The reply without quoted history nor signature. */
	body: string;
	/** The quoted history (previous messages), for references only. */
	quoted: string;
	/** A subject line found at the top of the text ("Objet : ...", "Subject: ..."), when any. */
	subject: string;
	notes: TextNote[];
}

const ENTITIES: Record<string, string> = {
	nbsp: ' ',
	amp: '&',
	lt: '<',
	gt: '>',
	quot: '"',
	apos: "'",
	eacute: 'é',
	egrave: 'è',
	ecirc: 'ê',
	euml: 'ë',
	agrave: 'à',
	acirc: 'â',
	auml: 'ä',
	ccedil: 'ç',
	icirc: 'î',
	iuml: 'ï',
	ocirc: 'ô',
	ouml: 'ö',
	ugrave: 'ù',
	ucirc: 'û',
	uuml: 'ü',
	Eacute: 'É',
	Egrave: 'È',
	Ecirc: 'Ê',
	Agrave: 'À',
	Ccedil: 'Ç',
	deg: '°',
	euro: '€',
	pound: '£',
	laquo: '«',
	raquo: '»',
	rsquo: '’',
	lsquo: '‘',
	ldquo: '“',
	rdquo: '”',
	hellip: '…',
	ndash: '–',
	mdash: '—',
	oelig: 'œ',
	OElig: 'Œ',
	ordm: 'º',
	shy: '',
};

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
		if (name[0] === '#') {
			const code =
				name[1] === 'x' || name[1] === 'X'
					? parseInt(name.slice(2), 16)
					: parseInt(name.slice(1), 10);
			return Number.isFinite(code) && code > 0 && code < 0x110000
				? String.fromCodePoint(code)
				: ' ';
		}
		return ENTITIES[name] ?? whole;
	});
}

const HTML_HINT = /<(html|body|div|p|br|span|table|td|blockquote|font|head|meta)\b[^>]*>/i;

/** HTML mail to plain text. Quoted blocks (Gmail, Outlook, Apple Mail) become "> " lines so they are cut off like text quotes. */
export function htmlToText(html: string): string {
	let text = html
		.replace(/<!--[\s\S]*?-->/g, ' ')
		.replace(/<(script|style|head|title)\b[\s\S]*?<\/\1\s*>/gi, ' ');
	// Quoted history: from the first quote container to the end is the previous conversation.
	const quoteStart = text.search(
		/<(div[^>]*class="?[^">]*(gmail_quote|gmail_attr|OutlookMessageHeader|moz-cite-prefix)|blockquote|div[^>]*id="?(divRplyFwdMsg|appendonsend))/i,
	);
	let quoted = '';
	if (quoteStart > 0) {
		quoted = text.slice(quoteStart);
		text = text.slice(0, quoteStart);
	}
	const toText = (part: string) =>
		decodeEntities(
			part
				.replace(/<br\s*\/?>/gi, '\n')
				.replace(/<\/(p|div|tr|li|h[1-6]|table|blockquote)>/gi, '\n')
				.replace(/<li\b[^>]*>/gi, '- ')
				.replace(/<[^>]+>/g, ''),
		)
			.replace(/[ \t\u00a0]+/g, ' ')
			.replace(/ *\n */g, '\n')
			.replace(/\n{3,}/g, '\n\n')
			.trim();
	const body = toText(text);
	if (!quoted) return body;
	return `${body}\n\n${toText(quoted)
		.split('\n')
		.map((line) => `> ${line}`)
		.join('\n')}`;
}

const CP1252_EXTRA = new Set([
	0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039,
	0x203a, 0x20ac, 0x2122, 0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6,
	0x02dc, 0x2013, 0x2014,
]);

/** Text made only of Latin-1 and Windows-1252 characters: the way UTF-8 bytes look when read as Latin-1. */
function onlyLatin1OrCp1252(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c > 0xff && !CP1252_EXTRA.has(c)) return false;
	}
	return true;
}

const MOJIBAKE = /Ã[\u0080-\u00bf\u00a0-\u00ff]|â€[\u0090-\u00bf™œ"]|Â[\u00a0-\u00bf]/g;

/** UTF-8 read as Latin-1 ("rÃ©glÃ©e") is read again as UTF-8 when that gives clean text. */
function repairMojibake(text: string): { text: string; repaired: boolean; broken: boolean } {
	const hits = text.match(MOJIBAKE)?.length ?? 0;
	if (hits >= 2 && onlyLatin1OrCp1252(text)) {
		const cp1252: Record<number, number> = {
			0x20ac: 0x80,
			0x201a: 0x82,
			0x0192: 0x83,
			0x201e: 0x84,
			0x2026: 0x85,
			0x2020: 0x86,
			0x2021: 0x87,
			0x02c6: 0x88,
			0x2030: 0x89,
			0x0160: 0x8a,
			0x2039: 0x8b,
			0x0152: 0x8c,
			0x017d: 0x8e,
			0x2018: 0x91,
			0x2019: 0x92,
			0x201c: 0x93,
			0x201d: 0x94,
			0x2022: 0x95,
			0x2013: 0x96,
			0x2014: 0x97,
			0x02dc: 0x98,
			0x2122: 0x99,
			0x0161: 0x9a,
			0x203a: 0x9b,
			0x0153: 0x9c,
			0x017e: 0x9e,
			0x0178: 0x9f,
		};
		const bytes = Buffer.from(
			Array.from(text, (ch) => {
				const code = ch.codePointAt(0) as number;
				return code <= 0xff ? code : (cp1252[code] ?? 0x3f);
			}),
		);
		const decoded = bytes.toString('utf8');
		if (!decoded.includes('\ufffd')) return { text: decoded, repaired: true, broken: false };
	}
	const replacement = text.match(/\ufffd/g)?.length ?? 0;
	return { text, repaired: false, broken: hits >= 2 || replacement >= 3 };
}

function controlRatio(text: string): number {
	const sample = text.slice(0, 4000);
	if (!sample) return 0;
	let control = 0;
	for (let i = 0; i < sample.length; i++) {
		const c = sample.charCodeAt(i);
		if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd || (c >= 0x7f && c < 0xa0))
			control++;
	}
	return control / sample.length;
}

/** A reply header that introduces the quoted previous message. */
const QUOTE_HEADERS: RegExp[] = [
	/^\s*(le|on)\b.{0,160}\b(a\s+[ée]crit|wrote|schreef|escribi[óo])\s*:?\s*$/i,
	/^\s*-{2,}\s*(original message|message d'origine|message original|forwarded message|message transf[ée]r[ée]|mensaje original)\s*-{0,}\s*$/i,
	/^\s*_{10,}\s*$/,
	/^\s*(de|from|von)\s*:\s*\S.*$/i,
	/^\s*(envoy[ée] de mon|sent from my|envoy[ée] depuis|get outlook for)\b.*$/i,
];
/** A header that spans two lines: "Le lun. 3 mars 2026 à 10:12, Compta <x@y> a" + "écrit :". */
const SPLIT_QUOTE_HEADER = /^\s*(le|on)\b.{8,200}$/i;
const SPLIT_QUOTE_TAIL = /^\s*(a\s+)?([ée]crit|wrote)\s*:?\s*$/i;

/** "Regards, Sean": a closing followed by a name of one to three capitalised words. */
const SIGNED = /^(.*?),\s*\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,2}\s*$/u;

/** Lines from which the rest is a signature or a disclaimer, when they come after the message. */
const CLOSINGS =
	/^\s*(--\s*|cordialement|bien cordialement|tr[eè]s cordialement|cdt|cdlt|bien [àa] vous|salutations|sinc[eè]res salutations|salutations distingu[ée]es|veuillez agr[ée]er\b.*|bonne (journ[ée]e|soir[ée]e|fin de journ[ée]e|semaine)|a tant[ôo]t|merci( beaucoup| d'avance| par avance)?|merci et bonne journ[ée]e|best( regards)?|kind regards|regards|rgds|br|warm regards|many thanks|thanks( again)?|thank you|thx|cheers|ta|yours (faithfully|sincerely)|sincerely|thanks (&|and) regards|best wishes|on est ensemble|courage( [àa] vous)?)[\s,.!]*$/i;
const DISCLAIMER =
	/^\s*(ce (message|courriel|mail|e-mail)( et (toutes )?(les|ses) pi[eè]ces jointes)? (est|sont) (strictement )?(confidentiel|priv)|this (e-?mail|message)( and any (files|attachments)[^.]*)? (is|are|may be) (strictly )?(confidential|private|intended)|avis de confidentialit[ée]|confidentiality notice|disclaimer|pensez [àa] l'environnement|please consider the environment|please think before printing)/i;

/** First letters a quote header can start with (le, on, -, _, de, from, von, envoyé, sent, get): the rest is skipped at once. */
const QUOTE_START = /^\s*[lodfvesg_-]/i;

function isQuoteHeader(lines: string[], i: number): boolean {
	const line = lines[i];
	if (!QUOTE_START.test(line)) return false;
	if (QUOTE_HEADERS[3].test(line)) {
		// "De : x" alone is not enough: a header block has Envoyé/Sent/Date/À/To/Objet/Subject close by.
		const near = lines.slice(i + 1, i + 5).join('\n');
		return /^\s*(envoy[ée]|sent|date|[àa]|to|objet|subject|cc)\s*:/im.test(near);
	}
	for (let k = 0; k < QUOTE_HEADERS.length; k++)
		if (k !== 3 && QUOTE_HEADERS[k].test(line)) return true;
	return (
		SPLIT_QUOTE_HEADER.test(line) &&
		i + 1 < lines.length &&
		SPLIT_QUOTE_TAIL.test(lines[i + 1]) &&
		/\d/.test(line)
	);
}

/** `line.split(/\s+/).filter(Boolean).length` without the array: runs of characters other than white space. */
function wordCount(line: string): number {
	let count = 0;
	let inWord = false;
	for (let i = 0; i < line.length; i++) {
		const space = isSpace(line.charCodeAt(i));
		if (!space && !inWord) count++;
		inWord = !space;
	}
	return count;
}

/** White space as `\s` and String.prototype.trim see it. */
export function isSpace(c: number): boolean {
	return (
		c === 32 ||
		(c >= 9 && c <= 13) ||
		c === 0xa0 ||
		c === 0x1680 ||
		(c >= 0x2000 && c <= 0x200a) ||
		c === 0x2028 ||
		c === 0x2029 ||
		c === 0x202f ||
		c === 0x205f ||
		c === 0x3000 ||
		c === 0xfeff
	);
}

/** Splits a reply into the customer's words and the quoted history; drops the signature. */
export function splitReply(text: string): { body: string; quoted: string; subject: string } {
	const lines = text.replace(/\r\n?/g, '\n').split('\n');
	let subject = '';
	let start = 0;
	while (start < lines.length && !lines[start].trim()) start++;
	const first = lines[start] ?? '';
	const subjectMatch = first.match(/^\s*(objet|subject|sujet)\s*:\s*(.*)$/i);
	if (subjectMatch) {
		subject = subjectMatch[2].trim();
		start++;
	} else if (
		/^\s*(r[ée]ponse automatique|automatic reply|auto(matic)?[- ]?reply|out of (the )?office|absent(e)? du bureau|absence du bureau)\s*:/i.test(
			first,
		)
	) {
		subject = first.trim();
		start++;
	}
	const bodyLines: string[] = [];
	const quotedLines: string[] = [];
	let inQuote = false;
	for (let i = start; i < lines.length; i++) {
		const line = lines[i];
		if (inQuote) {
			quotedLines.push(line.replace(/^\s*(>\s?)+/, ''));
			continue;
		}
		if (/^\s*>/.test(line)) {
			quotedLines.push(line.replace(/^\s*(>\s?)+/, ''));
			continue;
		}
		if (isQuoteHeader(lines, i)) {
			inQuote = true;
			quotedLines.push(line);
			continue;
		}
		bodyLines.push(line);
	}
	// Signature: from a closing line (in the second half of the message or after some words) to the end.
	let end = bodyLines.length;
	let words = 0;
	for (let i = 0; i < bodyLines.length; i++) {
		const line = bodyLines[i];
		if (words > 0 && line.length > 20 && DISCLAIMER.test(line)) {
			end = i;
			break;
		}
		const closing =
			words >= 3 &&
			line.length < 80 &&
			(CLOSINGS.test(line) ||
				(line.includes(',') && CLOSINGS.test(line.match(SIGNED)?.[1] ?? '\u0000')));
		if (closing) {
			const rest = bodyLines.slice(i + 1).filter((l) => l.trim());
			// A closing followed by a long paragraph is not a closing ("Merci de ... " is caught by the $ anchor).
			if (rest.length <= 8 && rest.every((l) => l.length < 120 || DISCLAIMER.test(l))) {
				end = i;
				break;
			}
		}
		words += wordCount(line);
	}
	const body = bodyLines
		.slice(0, end)
		.join('\n')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
	return { body, quoted: quotedLines.join('\n').trim(), subject };
}

/**
 * Prepares any input for classification. Never throws: what cannot be read is said in `notes`.
 */
export function prepareText(input: unknown): PreparedText {
	const notes: TextNote[] = [];
	let text: string;
	if (typeof input === 'string') text = input;
	else if (Buffer.isBuffer(input)) text = input.toString('utf8');
	else if (input === null || input === undefined) text = '';
	else {
		notes.push('not_text');
		text = typeof input === 'number' || typeof input === 'boolean' ? String(input) : '';
	}
	if (text.length > MAX_INPUT_CHARS) {
		text = text.slice(0, MAX_INPUT_CHARS);
		notes.push('truncated');
	}
	if (controlRatio(text) > 0.1 || text.slice(0, 2000).includes(String.fromCharCode(0))) {
		notes.push('binary');
		return { body: '', quoted: '', subject: '', notes };
	}
	const repaired = repairMojibake(text);
	text = repaired.text;
	if (repaired.repaired) notes.push('mis_encoded_repaired');
	else if (repaired.broken) notes.push('mis_encoded');
	if (HTML_HINT.test(text)) {
		text = htmlToText(text);
		notes.push('html');
	}
	text = text.replace(/[\u200b-\u200d\ufeff]/g, '').replace(/\u00a0|\u202f/g, ' ');
	const reply = splitReply(text);
	const subject = reply.subject;
	let { body, quoted } = reply;
	if (quoted.trim() && isGreetingAtMost(body)) {
		// A forward or a reply with nothing above the quote but a greeting ("Bonjour," then a colleague's forwarded
		// mail): the quoted text is all there is.
		body = body.trim() ? `${body.trim()}\n${quoted}` : quoted;
		quoted = '';
		notes.push('quoted_only');
	}
	if (body.length > MAX_BODY_CHARS) {
		body = body.slice(0, MAX_BODY_CHARS);
		if (!notes.includes('truncated')) notes.push('truncated');
	}
	if (!body.trim() && !subject.trim()) notes.push('empty');
	return { body, quoted, subject, notes };
}

/** Nothing, or a greeting of at most three words ("Bonjour,", "Hello Sophie,"): no words of the customer's own. */
function isGreetingAtMost(body: string): boolean {
	const words = body
		.trim()
		.split(/\s+/)
		.filter((w) => /[\p{L}\p{N}]/u.test(w));
	return (
		words.length === 0 ||
		(words.length <= 3 &&
			/^(bonjour|bonsoir|hello|hi|dear|madame|monsieur|salut|bjr|hey|good)\b/i.test(body.trim()))
	);
}

/** Sentences of the body with their offsets, for evidence. Lines are sentence boundaries too. */
export function splitSentences(body: string): string[] {
	const out: string[] = [];
	for (const line of body.split(/\n+/)) {
		const parts = line.split(/(?<=[.!?;])\s+(?=[A-ZÀ-ÖØ-Þa-z0-9«"(])/);
		for (const part of parts) {
			const s = part.trim();
			if (s) out.push(s);
		}
	}
	return out;
}
