import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';

/**
 * Files a payer attaches on their page: a proof of payment to a declared payment, a document to a dispute. The type
 * is read from the file's first bytes (PDF, PNG, JPEG), never from its name or the type the browser declared; the
 * size is limited; the file is kept in the ledger (`payer_attachments`), never in a folder anything serves, and what
 * travels (answers, timeline, n8n items, the collector's e-mail text) is its id, harmless name, type and size only.
 */

export const PAYER_ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type PayerAttachmentType = (typeof PAYER_ATTACHMENT_TYPES)[number];
/** Default largest attachment: 5 MB. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** The form field the page's file inputs use. */
export const ATTACHMENT_FIELD = 'file';

const EXTENSIONS: Record<PayerAttachmentType, string> = {
	'application/pdf': 'pdf',
	'image/png': 'png',
	'image/jpeg': 'jpg',
};
const LABELS: Record<PayerAttachmentType, string> = {
	'application/pdf': 'PDF',
	'image/png': 'PNG',
	'image/jpeg': 'JPEG',
};

/** One file of a request, as the page receives it: the content is absent when the file is over the limit (not read). */
export interface PayerUpload {
	field: string;
	/** The name the browser sent (anything: a path, a script, control characters). */
	fileName: string;
	size: number;
	content?: Buffer;
	tooLarge?: boolean;
}

/** What an answer, the timeline and the collector see of an attachment: a reference, never the content. */
export interface PayerAttachmentRef {
	attachmentId: string;
	fileName: string;
	contentType: PayerAttachmentType;
	sizeBytes: number;
}

/** The type of a file from its first bytes: a PDF header, the PNG signature, a JPEG start of image; else undefined. */
export function sniffAttachmentType(content: Buffer): PayerAttachmentType | undefined {
	if (content.length >= 8 && content.subarray(0, 5).toString('latin1') === '%PDF-')
		return 'application/pdf';
	if (
		content.length >= 8 &&
		content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
	)
		return 'image/png';
	if (content.length >= 4 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff)
		return 'image/jpeg';
	return undefined;
}

/**
 * The name kept for a file: the last segment of what the browser sent (no folder, no "..", no leading dot), letters,
 * digits and a few signs only, at most 100 characters, with the extension of the type read from its bytes.
 */
export function attachmentFileName(given: string, type: PayerAttachmentType): string {
	const last =
		String(given ?? '')
			.split(/[\\/]/)
			.pop() ?? '';
	const stem = last
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/\.[A-Za-z0-9]{1,5}$/, '')
		.replace(/[^A-Za-z0-9 _()-]+/g, '_')
		.replace(/_+/g, '_')
		.replace(/^[\s._-]+|[\s._-]+$/g, '')
		.slice(0, 100);
	return `${stem || 'document'}.${EXTENSIONS[type]}`;
}

export function attachmentSizeText(bytes: number, lang: 'fr' | 'en'): string {
	const mb = bytes / (1024 * 1024);
	const text =
		mb >= 1
			? `${mb.toFixed(1).replace(/\.0$/, '')} ${lang === 'fr' ? 'Mo' : 'MB'}`
			: `${Math.max(1, Math.ceil(bytes / 1024))} ${lang === 'fr' ? 'Ko' : 'KB'}`;
	return lang === 'fr' ? text.replace('.', ',') : text;
}

/** "proof.pdf (PDF, 34 KB)" for the page, the timeline and the collector. */
export function attachmentLabel(ref: PayerAttachmentRef, lang: 'fr' | 'en'): string {
	return `${ref.fileName} (${LABELS[ref.contentType]}, ${attachmentSizeText(ref.sizeBytes, lang)})`;
}

export type CheckedUpload =
	| { ok: true; content: Buffer; contentType: PayerAttachmentType; fileName: string }
	| { ok: false; status: number; error: string };

/**
 * The attachment of an answer, checked: none (no file chosen), or one file within `maxBytes` whose first bytes are a
 * PDF, PNG or JPEG. Over the limit: 413; another type (an HTML page or a program named "receipt.pdf"): 415; several
 * files: 400. Each refusal says what to do, in the page's language.
 */
export function checkUpload(
	uploads: PayerUpload[] | undefined,
	maxBytes: number,
	lang: 'fr' | 'en',
): CheckedUpload | undefined {
	const files = (uploads ?? []).filter(
		(u) => u.field === ATTACHMENT_FIELD && (u.size > 0 || u.fileName),
	);
	if (!files.length) return undefined;
	const fr = lang === 'fr';
	if (files.length > 1)
		return {
			ok: false,
			status: 400,
			error: fr ? 'Joignez un seul fichier par réponse.' : 'Attach one file per answer.',
		};
	const [file] = files;
	const limit = attachmentSizeText(maxBytes, lang);
	if (file.tooLarge || file.size > maxBytes || !file.content || file.content.length > maxBytes) {
		// Its size when it reads differently from the limit ("70 KB" over "64 KB"; not "5 MB" over "5 MB").
		const size =
			attachmentSizeText(file.size, lang) === limit
				? ''
				: ` (${attachmentSizeText(file.size, lang)})`;
		return {
			ok: false,
			status: 413,
			error: fr
				? `Le fichier${size} dépasse la limite de ${limit}. Rien n'est enregistré. Envoyez un fichier plus léger (un scan en résolution plus basse, une page par fichier) ou demandez à être rappelé.`
				: `The file${size} is over the limit of ${limit}. Nothing was recorded. Send a smaller file (a scan at a lower resolution, one page per file) or ask to be called.`,
		};
	}
	if (file.content.length === 0)
		return {
			ok: false,
			status: 400,
			error: fr
				? 'Le fichier est vide : choisissez le bon fichier.'
				: 'The file is empty: choose the right file.',
		};
	const contentType = sniffAttachmentType(file.content);
	if (!contentType) {
		return {
			ok: false,
			status: 415,
			error: fr
				? "Ce fichier n'est ni un PDF, ni une image PNG ou JPEG (son contenu est lu, pas seulement son nom). Rien n'est enregistré. Enregistrez-le en PDF ou prenez une photo, puis réessayez."
				: 'This file is not a PDF, nor a PNG or JPEG image (its content is read, not only its name). Nothing was recorded. Save it as a PDF or take a photo, then try again.',
		};
	}
	return {
		ok: true,
		content: file.content,
		contentType,
		fileName: attachmentFileName(file.fileName, contentType),
	};
}

/** Keeps a checked attachment in the ledger, inside the answer's transaction; returns its reference. */
export async function storeAttachment(
	client: Pick<PoolClient, 'query'>,
	file: Extract<CheckedUpload, { ok: true }>,
	link: {
		customerId: string;
		invoiceId: string | null;
		disputeId?: string | null;
		purpose: 'payment_proof' | 'dispute_document';
	},
): Promise<PayerAttachmentRef> {
	const sha256 = createHash('sha256').update(file.content).digest('hex');
	const { rows } = await client.query<{ id: string }>(
		`INSERT INTO payer_attachments (customer_id, invoice_id, dispute_id, purpose, file_name, content_type, size_bytes, sha256, content)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id::text`,
		[
			link.customerId,
			link.invoiceId,
			link.disputeId ?? null,
			link.purpose,
			file.fileName,
			file.contentType,
			file.content.length,
			sha256,
			file.content,
		],
	);
	return {
		attachmentId: rows[0].id,
		fileName: file.fileName,
		contentType: file.contentType,
		sizeBytes: file.content.length,
	};
}

export interface PayerAttachment extends PayerAttachmentRef {
	customerExternalId: string;
	invoiceNumber: string | null;
	disputeId: string | null;
	purpose: 'payment_proof' | 'dispute_document';
	sha256: string;
	createdAt: string;
	content: Buffer;
}

/**
 * An attachment a payer sent, for the collector (the id is in the answer, the timeline and the e-mail that told
 * them). Its content is returned as bytes to save or attach; it is never opened, run or shown as a page.
 */
export async function payerAttachment(
	ledger: Ledger,
	attachmentId: string,
): Promise<PayerAttachment> {
	const id = String(attachmentId ?? '').trim();
	const rows = /^\d{1,18}$/.test(id)
		? await ledger.query<{
				id: string;
				file_name: string;
				content_type: PayerAttachmentType;
				size_bytes: number;
				external_id: string;
				number: string | null;
				dispute_id: string | null;
				purpose: 'payment_proof' | 'dispute_document';
				sha256: string;
				created_at: Date;
				content: Buffer;
			}>(
				`SELECT a.id::text, a.file_name, a.content_type, a.size_bytes, c.external_id, i.number, a.dispute_id::text, a.purpose, a.sha256, a.created_at, a.content
			FROM payer_attachments a JOIN customers c ON c.id = a.customer_id LEFT JOIN invoices i ON i.id = a.invoice_id WHERE a.id = $1`,
				[id],
			)
		: [];
	const row = rows[0];
	if (!row) {
		throw new ReceivablesError(
			'PAYER_ATTACHMENT_UNKNOWN',
			`No payer attachment #${id} in the ledger.`,
			{
				hint: 'Give the attachment id of the answer or the timeline entry.',
				details: { messageFr: `Aucune pièce jointe n° ${id} dans le grand livre.` },
			},
		);
	}
	return {
		attachmentId: row.id,
		fileName: row.file_name,
		contentType: row.content_type,
		sizeBytes: row.size_bytes,
		customerExternalId: row.external_id,
		invoiceNumber: row.number,
		disputeId: row.dispute_id,
		purpose: row.purpose,
		sha256: row.sha256,
		createdAt: row.created_at.toISOString(),
		content: row.content,
	};
}

/**
 * The files of a multipart request as n8n's webhook server hands them to a trigger node (it parses the body itself,
 * with formidable, into temporary files: `{ filepath, originalFilename, size }` per field, one or a list). Only the
 * page's file field is read, at most two files, and a file over `maxBytes` is not read at all (its size is enough to
 * refuse it). n8n removes the temporary files once the node has answered.
 */
export async function uploadsFromParsedFiles(
	files: unknown,
	maxBytes: number,
	tempFolder?: string,
): Promise<PayerUpload[]> {
	if (!files || typeof files !== 'object') return [];
	const { readFile } = await import('node:fs/promises');
	const path = await import('node:path');
	const { tmpdir } = await import('node:os');
	// Only formidable's temporary files are read: a path anywhere else is not a file n8n received.
	const folder = path.resolve(tempFolder ?? tmpdir());
	const uploads: PayerUpload[] = [];
	for (const [field, entry] of Object.entries(files as Record<string, unknown>)) {
		if (field !== ATTACHMENT_FIELD) continue;
		for (const file of (Array.isArray(entry) ? entry : [entry]).slice(0, 2)) {
			if (!file || typeof file !== 'object') continue;
			const f = file as { filepath?: unknown; originalFilename?: unknown; size?: unknown };
			const size = Number(f.size) || 0;
			const fileName = typeof f.originalFilename === 'string' ? f.originalFilename : '';
			if (size > maxBytes) {
				uploads.push({ field, fileName, size, tooLarge: true });
				continue;
			}
			if (typeof f.filepath !== 'string' || path.dirname(path.resolve(f.filepath)) !== folder)
				continue;
			const content = await readFile(f.filepath);
			uploads.push({
				field,
				fileName,
				size: content.length,
				...(content.length > maxBytes ? { tooLarge: true } : { content }),
			});
		}
	}
	return uploads;
}

/**
 * The payer page's request from what n8n's webhook server hands a trigger node: for a multipart form (the content
 * type says so; n8n then gives `{ data, files }`), the fields (one value each) and the files; for any other body,
 * the body as it is and no file — a JSON body shaped like a parsed form is never taken for one.
 */
export async function payerRequestBody(
	body: unknown,
	contentType: unknown,
	maxBytes: number,
): Promise<{ body: Record<string, unknown>; uploads?: PayerUpload[] }> {
	const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
	if (!/^multipart\/form-data\b/i.test(String(contentType ?? '').trim())) return { body: fields };
	const data = (fields.data && typeof fields.data === 'object' ? fields.data : {}) as Record<
		string,
		unknown
	>;
	const flat: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(data)) {
		const first = Array.isArray(value) ? value[0] : value;
		if (typeof first === 'string') flat[name] = first;
	}
	return { body: flat, uploads: await uploadsFromParsedFiles(fields.files, maxBytes) };
}
