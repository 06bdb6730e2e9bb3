import { readFileSync, readdirSync } from 'node:fs';
import { coreAssetPath } from '../assets';
import { ReceivablesError } from '../errors';

/**
 * Message templates of the dunning stages. A template has a subject, a text body and optionally an HTML body,
 * per language. Placeholders are written {{customer.name}}; a section {{#invoices}}…{{/invoices}} repeats its
 * content for each invoice of the message, {{#charges}}…{{/charges}} appears only when late-payment charges
 * apply, {{^charges}}…{{/charges}} only when they do not; {{#payerLink}}…{{/payerLink}} only when the message carries
 * the customer's personal payer-page link ({{payerLink}}: Reminder Step's Payer Page URL is set). Every placeholder is checked against the vocabulary
 * below when a policy is saved, so a typo fails at configuration time with the placeholder named.
 */
export type Language = 'fr' | 'en';
export const LANGUAGES: Language[] = ['fr', 'en'];

export interface TemplateText {
	subject: string;
	text: string;
	html?: string;
}

export type TemplateSet = Partial<Record<Language, TemplateText>>;

/** Placeholders available everywhere in a message. */
export const MESSAGE_PLACEHOLDERS = [
	'customer.name',
	'customer.legalName',
	'customer.externalId',
	'customer.email',
	'customer.phone',
	'customer.addressLines',
	'customer.postalCode',
	'customer.city',
	'customer.country',
	'customer.vatNumber',
	'company.name',
	'company.legalName',
	'company.address',
	'company.email',
	'company.phone',
	'company.iban',
	'company.bic',
	'company.website',
	'company.siren',
	'salesRep.name',
	'salesRep.email',
	'salesRep.phone',
	'collector.name',
	'collector.email',
	'collector.phone',
	'stage.code',
	'stage.level',
	'stage.kind',
	'date',
	'total.open',
	'total.count',
	'total.interest',
	'total.indemnity',
	'total.charges',
	'total.due',
	'charges.rate',
	'charges.rateSource',
	'charges.detail',
	'currency',
	'payerLink',
] as const;

/** Placeholders of one invoice: inside {{#invoices}}…{{/invoices}}, and outside it for the first invoice. */
export const INVOICE_PLACEHOLDERS = [
	'invoice.number',
	'invoice.issueDate',
	'invoice.dueDate',
	'invoice.amount',
	'invoice.open',
	'invoice.currency',
	'invoice.daysLate',
	'invoice.daysToDue',
	'invoice.interest',
	'invoice.indemnity',
	'invoice.poNumber',
	'invoice.paidAt',
	'invoice.chargesDetail',
	'invoice.paymentReference',
] as const;

export const SECTIONS = ['invoices', 'charges', 'payerLink'] as const;

const KNOWN = new Set<string>([...MESSAGE_PLACEHOLDERS, ...INVOICE_PLACEHOLDERS]);
const TOKEN = /\{\{\s*([#^/]?)\s*([^{}]*?)\s*\}\}/g;

/** Values of a rendering: placeholder → text, plus the per-invoice values and the charges flag. */
export interface RenderValues {
	values: Record<string, string>;
	invoices: Array<Record<string, string>>;
	hasCharges: boolean;
}

export interface TemplateProblem {
	language: Language | string;
	part: 'subject' | 'text' | 'html';
	message: string;
	placeholder?: string;
}

/** Lists what is wrong in a template: unknown placeholders, unbalanced or unknown sections. */
export function checkTemplateText(template: TemplateText, language: string): TemplateProblem[] {
	const problems: TemplateProblem[] = [];
	for (const part of ['subject', 'text', 'html'] as const) {
		const source = template[part];
		if (source === undefined) {
			if (part !== 'html') problems.push({ language, part, message: `the ${part} is missing` });
			continue;
		}
		if (typeof source !== 'string') {
			problems.push({ language, part, message: `the ${part} is not text` });
			continue;
		}
		if (part === 'subject' && /[\r\n]/.test(source))
			problems.push({ language, part, message: 'the subject contains a line break' });
		const open: string[] = [];
		for (const match of source.matchAll(TOKEN)) {
			const [, sigil, name] = match;
			if (sigil === '#' || sigil === '^') {
				if (!(SECTIONS as readonly string[]).includes(name)) {
					problems.push({
						language,
						part,
						placeholder: `{{${sigil}${name}}}`,
						message: `unknown section {{${sigil}${name}}} (known: ${SECTIONS.join(', ')})`,
					});
				}
				if (part === 'subject' && name === 'invoices')
					problems.push({ language, part, message: 'the subject cannot repeat {{#invoices}}' });
				open.push(name);
			} else if (sigil === '/') {
				const last = open.pop();
				if (last !== name)
					problems.push({
						language,
						part,
						placeholder: `{{/${name}}}`,
						message: `{{/${name}}} closes ${last ? `{{#${last}}}` : 'no open section'}`,
					});
			} else if (!KNOWN.has(name)) {
				problems.push({
					language,
					part,
					placeholder: `{{${name}}}`,
					message: `unknown placeholder {{${name}}}${suggest(name)}`,
				});
			}
		}
		for (const name of open)
			problems.push({
				language,
				part,
				placeholder: `{{#${name}}}`,
				message: `{{#${name}}} is never closed`,
			});
		const stray = source.replace(TOKEN, '');
		if (/\{\{|\}\}/.test(stray))
			problems.push({ language, part, message: 'a "{{" or "}}" is not part of a placeholder' });
	}
	return problems;
}

function suggest(name: string): string {
	const lower = name.toLowerCase();
	const close = [...KNOWN].find(
		(known) => known.toLowerCase() === lower || known.toLowerCase().endsWith(`.${lower}`),
	);
	return close ? ` (did you mean {{${close}}}?)` : '';
}

/** Placeholders like {{salesRep.email}} in an address list (cc, bcc, reply-to) must be message placeholders. */
export function checkAddressTemplate(source: string): string | undefined {
	for (const match of source.matchAll(TOKEN)) {
		const [, sigil, name] = match;
		if (sigil || !(MESSAGE_PLACEHOLDERS as readonly string[]).includes(name))
			return `{{${sigil}${name}}}`;
	}
	return undefined;
}

export function escapeMessageHtml(text: string): string {
	return text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
	);
}

type Node =
	| string
	| { name: string; value: true }
	| { section: string; inverted: boolean; body: Node[] };

function parse(source: string): Node[] {
	const root: Node[] = [];
	const stack: Array<{ section: string; inverted: boolean; body: Node[] }> = [];
	let current = root;
	let pos = 0;
	for (const match of source.matchAll(TOKEN)) {
		const [token, sigil, name] = match;
		const index = match.index as number;
		if (index > pos) current.push(source.slice(pos, index));
		pos = index + token.length;
		if (sigil === '#' || sigil === '^') {
			const section = { section: name, inverted: sigil === '^', body: [] as Node[] };
			current.push(section);
			stack.push(section);
			current = section.body;
		} else if (sigil === '/') {
			stack.pop();
			current = stack.length ? stack[stack.length - 1].body : root;
		} else {
			current.push({ name, value: true });
		}
	}
	if (pos < source.length) current.push(source.slice(pos));
	return root;
}

/**
 * Renders one part. In HTML the values (customer data) are escaped; the template itself is trusted markup.
 * Unknown placeholders cannot reach this point (checked when the policy is loaded); they render empty.
 */
export function renderPart(source: string, data: RenderValues, html: boolean): string {
	const esc = html ? escapeMessageHtml : (v: string) => v;
	const out: string[] = [];
	const walk = (nodes: Node[], invoice: Record<string, string> | undefined): void => {
		for (const node of nodes) {
			if (typeof node === 'string') out.push(node);
			else if ('value' in node) {
				const value = node.name.startsWith('invoice.')
					? (invoice ?? data.invoices[0] ?? {})[node.name]
					: data.values[node.name];
				out.push(esc(value ?? ''));
			} else if (node.section === 'invoices') {
				if (node.inverted) {
					if (data.invoices.length === 0) walk(node.body, invoice);
				} else for (const each of data.invoices) walk(node.body, each);
			} else if (node.section === 'charges') {
				if (data.hasCharges !== node.inverted) walk(node.body, invoice);
			} else if (node.section === 'payerLink') {
				if (Boolean(data.values.payerLink) !== node.inverted) walk(node.body, invoice);
			}
		}
	};
	walk(parse(source), undefined);
	return out.join('');
}

/**
 * Plain text → simple HTML (paragraphs, line breaks, web addresses as links), the values already substituted and
 * escaped (an address holds no quote or angle bracket once escaped: it ends at the first space or entity).
 */
export function textToHtml(escapedText: string): string {
	const linked = escapedText.replace(
		/https?:\/\/[^\s<>"']+?(?=[.,;:!?)]*(?:\s|&lt;|&gt;|&quot;|&#39;|$))/g,
		(url) => `<a href="${url}">${url}</a>`,
	);
	const paragraphs = linked.split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>\n')}</p>`);
	return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.45;color:#222">\n${paragraphs.join('\n')}\n</body></html>`;
}

export interface RenderedMessage {
	subject: string;
	text: string;
	html: string;
}

const SEPARATOR = '[-–—:|·,/]';
// plain spaces only: the no-break spaces of amounts ("1 200,00 €") are kept as they are
const LEADING = new RegExp(`^(?: *${SEPARATOR})+ *`);
const TRAILING = new RegExp(` *(?:${SEPARATOR} *)+$`);
const DOUBLED = new RegExp(`( ${SEPARATOR})(?: +${SEPARATOR})+(?= )`, 'g');

/**
 * A subject whose placeholder rendered empty (no company name yet) would start with its separator ("– échéance
 * prochaine…"): separators left at either end or doubled are removed and the first letter is capitalised.
 */
export function tidySubject(subject: string): string {
	const trimmed = subject.replace(/[ \t]+/g, ' ').trim();
	const cleaned = trimmed.replace(LEADING, '').replace(TRAILING, '').replace(DOUBLED, '$1');
	if (cleaned === trimmed) return trimmed;
	return cleaned.charAt(0).toLocaleUpperCase() + cleaned.slice(1);
}

export function renderTemplate(template: TemplateText, data: RenderValues): RenderedMessage {
	const subject = tidySubject(renderPart(template.subject, data, false));
	const text = renderPart(template.text, data, false);
	const html =
		template.html !== undefined
			? renderPart(template.html, data, true)
			: textToHtml(renderPart(template.text, escapeValues(data), false));
	return { subject, text, html };
}

function escapeValues(data: RenderValues): RenderValues {
	const map = (record: Record<string, string>) =>
		Object.fromEntries(Object.entries(record).map(([k, v]) => [k, escapeMessageHtml(v)]));
	return {
		values: map(data.values),
		invoices: data.invoices.map(map),
		hasCharges: data.hasCharges,
	};
}

const cache = new Map<string, TemplateSet>();

/** The templates shipped with the package (core/dunning/templates/<name>.json), by name. */
export function shippedTemplate(name: string): TemplateSet | undefined {
	if (!/^[a-z0-9_-]+$/i.test(name)) return undefined;
	if (!cache.has(name)) {
		let set: TemplateSet | undefined;
		let failure: Error | undefined;
		try {
			set = JSON.parse(
				readFileSync(coreAssetPath('dunning', 'templates', `${name}.json`), 'utf8'),
			) as TemplateSet;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			failure = error as Error;
		}
		if (failure || !set) {
			throw new ReceivablesError(
				'DUNNING_TEMPLATE_UNREADABLE',
				`The shipped template "${name}" cannot be read: ${failure?.message}.`,
				{
					hint: 'Reinstall the package: its dunning templates are damaged.',
				},
			);
		}
		cache.set(name, set);
	}
	return cache.get(name);
}

export function shippedTemplateNames(): string[] {
	return readdirSync(coreAssetPath('dunning', 'templates'))
		.filter((file) => file.endsWith('.json'))
		.map((file) => file.replace(/\.json$/, ''))
		.sort();
}
