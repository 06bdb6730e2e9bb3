import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { coreAssetPath } from '../assets';

/**
 * DejaVu Sans (core/documents/fonts, with its licence), shared by every PDF the package prints: letters,
 * manifests, call lists. Embedded as a subset per document so names in the scripts the font covers print as
 * written; CJK is not covered.
 */

interface FontkitGlyph {
	id: number;
	advanceWidth: number;
	codePoints: number[];
}

interface FontkitFont {
	layout(text: string, features?: unknown): { glyphs: FontkitGlyph[] };
	glyphForCodePoint(codePoint: number): FontkitGlyph;
}

/** Scripts that need shaping (joining, reordering, marks): these go through fontkit's full layout. */
const COMPLEX =
	/[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufeff]/;

const RTL_CHARS = '\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff';
const RTL = new RegExp(`[${RTL_CHARS}]`);
const LTR_LETTER = /[A-Za-z\u00c0-\u024f\u0370-\u052f]/;
/** A right-to-left run: RTL letters and what sits between them (spaces, digits, punctuation). */
const RTL_RUN = new RegExp(`([${RTL_CHARS}](?:[${RTL_CHARS}\\s\\d.,'’-]*[${RTL_CHARS}])?)`);

const parsed = new Map<string, { bytes: Uint8Array; font: FontkitFont }>();

/**
 * The fonts are parsed once per process and shared by every document. Text in simple scripts is laid out by
 * mapping characters to glyphs (what shaping would do for them, minus kerning) — fontkit's full layout costs
 * milliseconds per line on a font this large; complex scripts keep the full layout.
 */
export function loadFont(file: string): { bytes: Uint8Array; font: FontkitFont } {
	let entry = parsed.get(file);
	if (!entry) {
		const bytes = readFileSync(coreAssetPath('documents', 'fonts', file));
		const font = fontkit.create(bytes) as unknown as FontkitFont;
		const fullLayout = font.layout.bind(font);
		// fontkit caches one glyph object per glyph id, with the code points of its first lookup (none when it was
		// first met as a part of an accented letter): pdf-lib reads code points for the text layer, so each
		// character gets its own small glyph record.
		const byCodePoint = new Map<number, FontkitGlyph>();
		font.layout = (text: string, features?: unknown) => {
			if (COMPLEX.test(text)) {
				// Lines are left-to-right (French and English letters): a right-to-left name inside one is laid out as
				// a run of its own, which fontkit shapes and puts in visual order; the runs stay in reading order.
				if (!RTL.test(text) || !LTR_LETTER.test(text)) return fullLayout(text, features);
				const glyphs: FontkitGlyph[] = [];
				for (const run of text.split(RTL_RUN))
					if (run) glyphs.push(...font.layout(run, features).glyphs);
				return { glyphs };
			}
			const glyphs: FontkitGlyph[] = [];
			for (const ch of text) {
				const codePoint = ch.codePointAt(0) as number;
				let glyph = byCodePoint.get(codePoint);
				if (!glyph) {
					const g = font.glyphForCodePoint(codePoint);
					glyph = { id: g.id, advanceWidth: g.advanceWidth, codePoints: [codePoint] };
					byCodePoint.set(codePoint, glyph);
				}
				glyphs.push(glyph);
			}
			return { glyphs };
		};
		entry = { bytes, font };
		parsed.set(file, entry);
	}
	return entry;
}

/** Hands pdf-lib the already parsed font instead of parsing the bytes again for each document. */
const sharedFontkit = {
	create(bytes: Uint8Array): unknown {
		for (const entry of parsed.values()) if (entry.bytes === bytes) return entry.font;
		return fontkit.create(bytes);
	},
};

/** Registers the shared fonts with `doc` and embeds the regular and bold faces (subset). */
export async function embedDocumentFonts(
	doc: PDFDocument,
): Promise<{ regular: PDFFont; bold: PDFFont }> {
	doc.registerFontkit(sharedFontkit as unknown as typeof fontkit);
	const regular = await doc.embedFont(loadFont('DejaVuSans.ttf').bytes, { subset: true });
	const bold = await doc.embedFont(loadFont('DejaVuSans-Bold.ttf').bytes, { subset: true });
	return { regular, bold };
}
