import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import { isReceivablesError } from '../../core';

/**
 * The one message model of the nodes: every error a node reports (an error item, a rejected item, a node error)
 * says what went wrong and how to fix it, in English and in French.
 */
export interface Bilingual {
	en: string;
	fr: string;
}

export interface ItemMessage {
	/** Stable code to branch on (a core code such as INVOICE_NOT_OBJECT, or a system code such as ECONNREFUSED). */
	code?: string;
	message: Bilingual;
	hint?: Bilingual;
	/** Facts about the error (the missing invoices, the faulty stage…), without the French texts. */
	details?: IDataObject;
}

/** French for a message only known in English: says so, and keeps the English text. */
function frenchOf(en: string): string {
	return `Erreur (texte anglais) : ${en}`;
}

/** Whether the French text was written (not the English one, said so). */
export function translated(text: Bilingual): boolean {
	return text.fr !== frenchOf(text.en);
}

export function bilingual(en: string, fr?: string): Bilingual {
	return { en, fr: fr ?? frenchOf(en) };
}

const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ECONNRESET',
	'EAI_AGAIN',
	'57P03',
	'28P01',
	'3D000',
]);

const CONNECTION_HINT = bilingual(
	'Check the Receivables Ledger credential (host, port, database, user) and that Postgres is running, then run the item again: nothing was written for it.',
	"Vérifiez l'identifiant Receivables Ledger (hôte, port, base, utilisateur) et que Postgres tourne, puis relancez l'élément : rien n'a été écrit pour lui.",
);

function systemCode(error: unknown): string | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const code = (error as { code?: unknown }).code;
	if (typeof code === 'string' && code) return code;
	const inner = (error as { errors?: unknown[] }).errors;
	return Array.isArray(inner) && inner.length ? systemCode(inner[0]) : undefined;
}

function systemMessage(error: Error): string {
	if (error.message) return error.message;
	const inner = (error as { errors?: unknown[] }).errors;
	if (Array.isArray(inner) && inner[0] instanceof Error && inner[0].message)
		return inner[0].message;
	return error.name || 'Unknown error';
}

/**
 * A refusal of the record itself (invalid invoice, unknown customer, policy with an unknown placeholder): what a
 * Rejected output is for. Not one: the ledger unreachable or misconfigured (LEDGER_…), n8n or system errors.
 */
export function isRejection(error: unknown): boolean {
	return isReceivablesError(error) && !error.code.startsWith('LEDGER_');
}

/** Any error of the core, of n8n or of the system, in the message model. */
export function describeError(error: unknown): ItemMessage {
	if (isReceivablesError(error)) {
		const { messageFr, hintFr, ...details } = (error.details ?? {}) as IDataObject & {
			messageFr?: string;
			hintFr?: string;
		};
		return {
			code: error.code,
			message: bilingual(error.message, typeof messageFr === 'string' ? messageFr : undefined),
			hint: error.hint
				? bilingual(error.hint, typeof hintFr === 'string' ? hintFr : undefined)
				: undefined,
			details: Object.keys(details).length ? details : undefined,
		};
	}
	if (error instanceof NodeOperationError) {
		const context = error.context as { messageFr?: string; hintFr?: string; code?: string };
		return {
			code: context.code,
			message: bilingual(error.message, context.messageFr),
			hint: error.description ? bilingual(error.description, context.hintFr) : undefined,
		};
	}
	if (error instanceof Error) {
		const code = systemCode(error);
		const connection = code !== undefined && CONNECTION_CODES.has(code);
		const en = systemMessage(error);
		return {
			code,
			message: connection
				? bilingual(`The ledger cannot be reached: ${en}`, `Le grand livre est injoignable : ${en}`)
				: bilingual(en),
			hint: connection ? CONNECTION_HINT : undefined,
		};
	}
	return { message: bilingual(String(error)) };
}

/** The JSON fields of an error or rejected item: error/errorFr, code, hint/hintFr, details. */
export function messageJson(m: ItemMessage): IDataObject {
	const json: IDataObject = { error: m.message.en, errorFr: m.message.fr };
	if (m.code !== undefined) json.code = m.code;
	if (m.hint) {
		json.hint = m.hint.en;
		json.hintFr = m.hint.fr;
	}
	if (m.details) json.details = m.details;
	return json;
}

/** The JSON of an error item for `error`. */
export function errorJson(error: unknown): IDataObject {
	return messageJson(describeError(error));
}

/**
 * A node error that names the item and says how to fix it (English first, then French, as n8n shows the message
 * and the description).
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeOperationError {
	if (error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined)
			error.context.itemIndex = itemIndex;
		return error;
	}
	const m = describeError(error);
	// The French follows the hint when the core wrote it (not for messages known only in English).
	const french = translated(m.message)
		? `FR : ${m.message.fr}${m.hint && translated(m.hint) ? ` ${m.hint.fr}` : ''}`
		: undefined;
	const description = [m.hint?.en, french].filter(Boolean).join('\n') || undefined;
	const nodeError = new NodeOperationError(node, m.message.en, {
		description,
		...(itemIndex === undefined ? {} : { itemIndex }),
	});
	if (m.code) nodeError.context.code = m.code;
	return nodeError;
}

/** A node error written in both languages (bad parameters, wrong input): what is wrong and how to fix it. */
export function itemError(
	node: INode,
	message: Bilingual,
	hint: Bilingual | undefined,
	itemIndex?: number,
): NodeOperationError {
	const error = new NodeOperationError(node, message.en, {
		description: hint?.en,
		...(itemIndex === undefined ? {} : { itemIndex }),
	});
	error.context.messageFr = message.fr;
	if (hint) error.context.hintFr = hint.fr;
	return error;
}
