import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as iconv from 'iconv-lite';
import { intakeError } from './errors';

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
	[key: string]: XmlValue;
}

export interface XmlLimits {
	maxBytes: number;
	maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 25 * 1024 * 1024, maxDepth: 64 };

export interface XmlDocument {
	/** Local name of the root element. */
	root: string;
	/** Namespace URI of the root element, when declared. */
	namespace?: string;
	/** The root element's content. */
	node: XmlObject;
}

const ENCODINGS: Record<string, string> = {
	'utf-8': 'utf-8',
	utf8: 'utf-8',
	'us-ascii': 'utf-8',
	ascii: 'utf-8',
	'iso-8859-1': 'iso-8859-1',
	'iso8859-1': 'iso-8859-1',
	latin1: 'iso-8859-1',
	'latin-1': 'iso-8859-1',
	'iso-8859-15': 'iso-8859-15',
	'windows-1252': 'windows-1252',
	cp1252: 'windows-1252',
	'utf-16': 'utf-16',
	'utf-16le': 'utf-16le',
	'utf-16be': 'utf-16be',
};

/**
 * Offset of the first byte that is not valid UTF-8, or -1. With `partial`, a multi-byte sequence cut by the
 * end of the buffer is accepted (the buffer is a sample of a longer stream).
 */
export function firstInvalidUtf8(bytes: Uint8Array, partial = false): number {
	let i = 0;
	while (i < bytes.length) {
		const b = bytes[i];
		if (b < 0x80) {
			i++;
			continue;
		}
		let n: number;
		let min: number;
		if (b >= 0xc2 && b <= 0xdf) [n, min] = [1, 0x80];
		else if (b >= 0xe0 && b <= 0xef) [n, min] = [2, 0x800];
		else if (b >= 0xf0 && b <= 0xf4) [n, min] = [3, 0x10000];
		else return i;
		if (i + n >= bytes.length) {
			if (!partial) return i;
			for (let k = i + 1; k < bytes.length; k++) if ((bytes[k] & 0xc0) !== 0x80) return i;
			return -1;
		}
		let cp = b & (0x3f >> n);
		for (let k = 1; k <= n; k++) {
			const c = bytes[i + k];
			if ((c & 0xc0) !== 0x80) return i;
			cp = (cp << 6) | (c & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
		i += n + 1;
	}
	return -1;
}

/** Bytes → text, following the BOM and the XML declaration; refuses unknown or wrong encodings. */
export function decodeXml(input: Buffer | string): string {
	if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
	if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf)
		return decodeUtf8(input.subarray(3), 3);
	if (input[0] === 0xff && input[1] === 0xfe) return iconv.decode(input.subarray(2), 'utf-16le');
	if (input[0] === 0xfe && input[1] === 0xff) return iconv.decode(input.subarray(2), 'utf-16be');
	if (input[0] === 0x3c && input[1] === 0x00 && input[2] === 0x3f && input[3] === 0x00)
		return iconv.decode(input, 'utf-16le');
	if (input[0] === 0x00 && input[1] === 0x3c && input[2] === 0x00 && input[3] === 0x3f)
		return iconv.decode(input, 'utf-16be');
	const head = input.subarray(0, 256).toString('latin1');
	const declared = head.match(/^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']/)?.[1];
	const encoding = declared === undefined ? 'utf-8' : ENCODINGS[declared.trim().toLowerCase()];
	if (!encoding) {
		throw intakeError(
			'XML_ENCODING_UNSUPPORTED',
			`The XML declares the character encoding "${declared}", which is not a known encoding.`,
			`Le XML déclare l'encodage « ${declared} », qui n'est pas un encodage connu.`,
			'Generate the XML with encoding="UTF-8" in its declaration (EN 16931 and Factur-X require UTF-8).',
			'Générez le XML avec encoding="UTF-8" dans sa déclaration (EN 16931 et Factur-X imposent UTF-8).',
			{ declaredEncoding: declared },
		);
	}
	if (encoding === 'utf-16') {
		throw intakeError(
			'XML_ENCODING_INVALID',
			'The XML declares UTF-16 but has no byte-order mark and is not UTF-16.',
			"Le XML déclare UTF-16 mais n'a pas d'indicateur d'ordre des octets et n'est pas en UTF-16.",
			'Save the file again as UTF-8.',
			'Enregistrez de nouveau le fichier en UTF-8.',
		);
	}
	if (encoding === 'utf-8') return decodeUtf8(input, 0);
	return iconv.decode(input, encoding);
}

function decodeUtf8(bytes: Buffer, shift: number): string {
	const bad = firstInvalidUtf8(bytes);
	if (bad >= 0) {
		throw intakeError(
			'XML_ENCODING_INVALID',
			`The XML is declared (or assumed) UTF-8 but byte ${bad + shift} (0x${bytes[bad].toString(16)}) is not UTF-8; the file was probably saved as Windows-1252 or Latin-1.`,
			`Le XML est déclaré (ou supposé) en UTF-8 mais l'octet ${bad + shift} (0x${bytes[bad].toString(16)}) n'est pas de l'UTF-8 ; le fichier a probablement été enregistré en Windows-1252 ou Latin-1.`,
			'Save the file as UTF-8, or declare its real encoding in <?xml … encoding="…"?>.',
			'Enregistrez le fichier en UTF-8, ou déclarez son encodage réel dans <?xml … encoding="…"?>.',
			{ offset: bad + shift },
		);
	}
	return bytes.toString('utf8');
}

function lineOf(text: string, index: number): number {
	let line = 1;
	for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
	return line;
}

/**
 * Walks the tags once, before any parser sees the text: refuses DOCTYPE and ENTITY declarations (XXE,
 * entity expansion), nesting deeper than the limit, and text that ends inside an element (truncated file).
 * Returns the root element's start tag.
 */
export function scanXml(text: string, maxDepth: number): { rootTag: string } {
	const declaration = text.search(/<!(DOCTYPE|ENTITY)/i);
	if (declaration >= 0) {
		throw intakeError(
			'XML_ENTITIES_REFUSED',
			`The XML contains a DOCTYPE or ENTITY declaration (line ${lineOf(text, declaration)}); such declarations can read files of the server or blow up memory, so they are refused without being read.`,
			`Le XML contient une déclaration DOCTYPE ou ENTITY (ligne ${lineOf(text, declaration)}) ; ces déclarations peuvent lire des fichiers du serveur ou saturer la mémoire : elles sont refusées sans être lues.`,
			'E-invoices never need a DOCTYPE: generate the XML without it.',
			"Une facture électronique n'a jamais besoin de DOCTYPE : générez le XML sans.",
			{ line: lineOf(text, declaration) },
		);
	}
	const stack: string[] = [];
	let rootTag: string | undefined;
	let pos = text.indexOf('<');
	const truncated = (where: string): never => {
		throw intakeError(
			'XML_TRUNCATED',
			`The XML ends ${where}: the file is truncated or incomplete.`,
			`Le XML s'arrête ${where.replace('inside', 'dans').replace('a comment', 'un commentaire').replace('a tag', 'une balise').replace('before closing', 'avant de fermer')} : le fichier est tronqué ou incomplet.`,
			'Send the complete file again (check the upload or the e-mail attachment).',
			'Renvoyez le fichier complet (vérifiez le téléversement ou la pièce jointe).',
		);
	};
	while (pos >= 0 && pos < text.length) {
		if (text.startsWith('<!--', pos)) {
			const end = text.indexOf('-->', pos + 4);
			if (end < 0) truncated('inside a comment');
			pos = text.indexOf('<', end + 3);
			continue;
		}
		if (text.startsWith('<![CDATA[', pos)) {
			const end = text.indexOf(']]>', pos + 9);
			if (end < 0) truncated('inside a CDATA section');
			pos = text.indexOf('<', end + 3);
			continue;
		}
		if (text.startsWith('<?', pos)) {
			const end = text.indexOf('?>', pos + 2);
			if (end < 0) truncated('inside a processing instruction');
			pos = text.indexOf('<', end + 2);
			continue;
		}
		let end = pos + 1;
		let quote = '';
		for (; end < text.length; end++) {
			const c = text[end];
			if (quote) {
				if (c === quote) quote = '';
			} else if (c === '"' || c === "'") quote = c;
			else if (c === '>') break;
		}
		if (end >= text.length) truncated('inside a tag');
		if (text[pos + 1] === '/') {
			stack.pop();
		} else if (!/^[A-Za-z_:\u00C0-\uFFEF]/.test(text[pos + 1] ?? '')) {
			throw intakeError(
				'XML_MALFORMED',
				`The XML is not well-formed at line ${lineOf(text, pos)}: "<" does not start an element.`,
				`Le XML est mal formé ligne ${lineOf(text, pos)} : « < » n'ouvre pas un élément.`,
				'Export the invoice again from the invoicing software.',
				'Exportez de nouveau la facture depuis le logiciel de facturation.',
				{ line: lineOf(text, pos) },
			);
		} else if (text[end - 1] !== '/') {
			const name = text.slice(pos + 1, end).match(/^[^\s/>]+/)?.[0] ?? '';
			if (!rootTag) rootTag = text.slice(pos, end + 1);
			stack.push(name);
			if (stack.length > maxDepth) {
				throw intakeError(
					'XML_TOO_DEEP',
					`The XML nests elements more than ${maxDepth} levels deep (line ${lineOf(text, pos)}); invoices never do.`,
					`Le XML imbrique des éléments sur plus de ${maxDepth} niveaux (ligne ${lineOf(text, pos)}) ; une facture n'en a jamais autant.`,
					'Check that the file is an invoice (UBL or CII) and not another document.',
					'Vérifiez que le fichier est bien une facture (UBL ou CII) et non un autre document.',
					{ line: lineOf(text, pos) },
				);
			}
		} else if (!rootTag) {
			rootTag = text.slice(pos, end + 1);
		}
		pos = text.indexOf('<', end + 1);
		if (stack.length === 0 && rootTag) break;
	}
	if (stack.length > 0) truncated(`before closing <${stack[stack.length - 1]}>`);
	if (!rootTag) {
		throw intakeError(
			'XML_MALFORMED',
			'The text contains no XML element.',
			'Le texte ne contient aucun élément XML.',
			'Send an XML invoice (UBL or CII), a Factur-X PDF or a CSV file.',
			'Envoyez une facture XML (UBL ou CII), un PDF Factur-X ou un fichier CSV.',
		);
	}
	return { rootTag };
}

// One parser per depth limit, built once: a parser holds no state between documents. `jPath: false` spares
// the parser turning the current path into a string at every text node and attribute (no callback here reads
// it): that was the parser's largest single cost on one-invoice files.
const parsers = new Map<number, XMLParser>();
const parser = (maxDepth: number): XMLParser => {
	let built = parsers.get(maxDepth);
	if (!built) {
		built = newParser(maxDepth);
		parsers.set(maxDepth, built);
	}
	return built;
};

const newParser = (maxDepth: number): XMLParser =>
	new XMLParser({
		jPath: false,
		ignoreAttributes: false,
		attributeNamePrefix: '@_',
		removeNSPrefix: true,
		parseTagValue: false,
		parseAttributeValue: false,
		trimValues: true,
		processEntities: true,
		htmlEntities: true,
		ignoreDeclaration: true,
		ignorePiTags: true,
		maxNestedTags: maxDepth + 1,
	});

/** Reads an XML document safely (no DTD, no entities, bounded size and depth) into plain objects. */
export function parseXmlDocument(
	input: Buffer | string,
	limits: Partial<XmlLimits> = {},
): XmlDocument {
	const { maxBytes, maxDepth } = { ...DEFAULT_XML_LIMITS, ...limits };
	const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
	if (size > maxBytes) {
		throw intakeError(
			'INPUT_TOO_LARGE',
			`The document is ${size} bytes; the limit is ${maxBytes}.`,
			`Le document fait ${size} octets ; la limite est de ${maxBytes}.`,
			'Send invoices one file each, or raise the size limit of the operation.',
			"Envoyez une facture par fichier, ou relevez la limite de taille de l'opération.",
			{ size, maxBytes },
		);
	}
	const text = decodeXml(input);
	const { rootTag } = scanXml(text, maxDepth);
	const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
	if (valid !== true) {
		const { line, col, msg } = valid.err;
		throw intakeError(
			'XML_MALFORMED',
			`The XML is not well-formed at line ${line}, column ${col}: ${msg}`,
			`Le XML est mal formé ligne ${line}, colonne ${col} : ${msg}`,
			'Open the file in an XML editor to find the fault, or export it again from the invoicing software.',
			"Ouvrez le fichier dans un éditeur XML pour trouver l'erreur, ou exportez-le de nouveau depuis le logiciel de facturation.",
			{ line, column: col },
		);
	}
	let parsed: XmlObject;
	try {
		parsed = parser(maxDepth).parse(text) as XmlObject;
	} catch (error) {
		throw intakeError(
			'XML_MALFORMED',
			`The XML cannot be read: ${(error as Error).message}`,
			`Le XML est illisible : ${(error as Error).message}`,
			'Export the invoice again from the invoicing software.',
			'Exportez de nouveau la facture depuis le logiciel de facturation.',
		);
	}
	const root = Object.keys(parsed).find((k) => !k.startsWith('?') && !k.startsWith('#'));
	const prefixed = rootTag.match(/^<([^\s/>]+)/)?.[1] ?? '';
	const prefix = prefixed.includes(':') ? prefixed.split(':')[0] : '';
	const nsPattern = new RegExp(`\\sxmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*["']([^"']*)["']`);
	const namespace = rootTag.match(nsPattern)?.[1];
	const node = root ? parsed[root] : undefined;
	return {
		root: root ?? '',
		namespace,
		node: typeof node === 'object' && !Array.isArray(node) ? node : {},
	};
}

// Navigation over the parsed objects, namespace prefixes already removed.

export function children(node: XmlValue | undefined, name: string): XmlValue[] {
	if (node === undefined || typeof node === 'string') return [];
	if (Array.isArray(node)) return node.flatMap((n) => children(n, name));
	const value = node[name];
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}

/** Every node at the end of the path (arrays flattened at each step). */
export function all(node: XmlValue | undefined, ...path: string[]): XmlValue[] {
	let current: XmlValue[] = node === undefined ? [] : [node];
	for (const name of path) current = current.flatMap((n) => children(n, name));
	return current;
}

export function one(node: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
	return all(node, ...path)[0];
}

/** Text of a node (its #text when it has attributes), trimmed; undefined when empty or absent. */
export function textOf(node: XmlValue | undefined): string | undefined {
	if (node === undefined) return undefined;
	if (Array.isArray(node)) return textOf(node[0]);
	const raw =
		typeof node === 'string'
			? node
			: typeof node['#text'] === 'string'
				? (node['#text'] as string)
				: undefined;
	const trimmed = raw?.trim();
	return trimmed ? trimmed : undefined;
}

/** The text of an element as written: '' when it is there but empty, undefined when absent. */
export const written = (node: XmlValue | undefined): string | undefined =>
	node === undefined ? undefined : (textOf(node) ?? '');

/** An amount as written in the file, with the business term and the field it stands for. */
export interface WrittenAmount {
	label: string;
	field: string;
	value: string;
}

/**
 * Collects amounts as written (BR-FR-DEC-01): `add` takes the elements of one business term, numbered when there are
 * several; `found` lists them in the order added.
 */
export function writtenAmountList(): {
	found: WrittenAmount[];
	add: (nodes: XmlValue[], label: string, field: string) => void;
} {
	const found: WrittenAmount[] = [];
	const add = (nodes: XmlValue[], label: string, field: string): void =>
		nodes.forEach((n, i) =>
			found.push({
				label,
				field: nodes.length > 1 ? `${field}[${i + 1}]` : field,
				value: written(n) ?? '',
			}),
		);
	return { found, add };
}

export function text(node: XmlValue | undefined, ...path: string[]): string | undefined {
	for (const n of all(node, ...path)) {
		const t = textOf(n);
		if (t !== undefined) return t;
	}
	return undefined;
}

export function attr(node: XmlValue | undefined, name: string): string | undefined {
	if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
	const value = node[`@_${name}`];
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** An attribute as written (not trimmed), '' when empty, undefined when absent. */
export function rawAttr(node: XmlValue | undefined, name: string): string | undefined {
	if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
	const value = node[`@_${name}`];
	return typeof value === 'string' ? value : undefined;
}
