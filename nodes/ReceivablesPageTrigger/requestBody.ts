import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { INodeProperties, IWebhookFunctions } from 'n8n-workflow';

/**
 * The signed pages of the Receivables Page Trigger read the request body themselves. n8n 2.40.7 reads and parses the
 * body of a request to a version-1 trigger (up to its own N8N_PAYLOAD_SIZE_MAX, 16 MB, answering 500 above it)
 * before the node runs, unless the node's options.binaryData is set: these pages set it (hidden), check the size
 * announced by Content-Length before reading a byte (413), then read the bytes themselves and stop at the page's
 * limit (413), announced or not (a chunked body has no Content-Length), gzip and deflate decompressed as n8n does.
 */
export const RAW_BODY_PAGES = [
	'courierEvents',
	'einvoicingStatuses',
	'platformFlows',
	'signedIntake',
];

export const rawBodyProperty: INodeProperties = {
	displayName: 'Read the Body in the Node',
	name: 'options',
	type: 'hidden',
	default: { binaryData: true },
	displayOptions: { show: { page: RAW_BODY_PAGES } },
};

export type Said = { en: string; fr: string };

export interface BodyRefusal {
	status: 400 | 413;
	code: 'BODY_TOO_LARGE' | 'BODY_UNREADABLE';
	message: Said;
	hint: Said;
}

const TOO_LARGE: BodyRefusal = {
	status: 413,
	code: 'BODY_TOO_LARGE',
	message: {
		en: 'The request body is too large.',
		fr: 'Le corps de la requête est trop volumineux.',
	},
	hint: {
		en: 'Send fewer records per request.',
		fr: 'Envoyez moins d’enregistrements par requête.',
	},
};

const UNREADABLE: BodyRefusal = {
	status: 400,
	code: 'BODY_UNREADABLE',
	message: {
		en: 'The request body could not be read: nothing was changed.',
		fr: 'Le corps de la requête n’a pas pu être lu : rien n’a été modifié.',
	},
	hint: {
		en: 'Send it again with the same delivery id.',
		fr: 'Renvoyez-la avec le même identifiant d’envoi.',
	},
};

/** n8n's own limit (N8N_PAYLOAD_SIZE_MAX, in MB, 16 by default): a page never reads more than n8n would. */
function n8nPayloadMax(): number {
	const mb = Number(process.env.N8N_PAYLOAD_SIZE_MAX);
	return (Number.isFinite(mb) && mb > 0 ? mb : 16) * 1024 * 1024;
}

type RequestStream = Readable & {
	headers?: Record<string, string | string[] | undefined>;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
	_body?: boolean;
};

function isStream(req: unknown): req is RequestStream {
	const r = req as Partial<Readable> | undefined;
	return typeof r?.on === 'function' && typeof r.pipe === 'function' && r.readable === true;
}

/**
 * Reads the request's bytes, never more than `limit` on the wire nor once decompressed: the reading stops as soon
 * as either goes over ('too_large'; the rest is left unread and the connection is closed after the answer).
 */
function readLimited(
	req: RequestStream,
	encoding: string,
	limit: number,
): Promise<{ body: Buffer } | { refused: 'too_large' | 'unreadable'; error?: unknown }> {
	return new Promise((resolve) => {
		const inflate =
			encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined;
		const out: Readable = inflate ?? req;
		const chunks: Buffer[] = [];
		let wire = 0;
		let size = 0;
		let done = false;
		const finish = (
			result: { body: Buffer } | { refused: 'too_large' | 'unreadable'; error?: unknown },
		) => {
			if (done) return;
			done = true;
			req.off('data', onWire);
			req.off('error', onError);
			req.off('aborted', onAborted);
			out.off('data', onData);
			out.off('end', onEnd);
			out.off('error', onError);
			if ('refused' in result) {
				if (inflate) {
					req.unpipe(inflate);
					inflate.destroy();
				}
				req.pause();
			}
			resolve(result);
		};
		const onWire = (chunk: Buffer) => {
			wire += chunk.length;
			if (wire > limit) finish({ refused: 'too_large' });
		};
		const onData = (chunk: Buffer) => {
			if (done) return;
			size += chunk.length;
			if (size > limit) return finish({ refused: 'too_large' });
			chunks.push(chunk);
		};
		const onEnd = () => finish({ body: Buffer.concat(chunks, size) });
		const onError = (error: unknown) => finish({ refused: 'unreadable', error });
		const onAborted = () => finish({ refused: 'unreadable', error: new Error('request aborted') });
		req.on('error', onError);
		req.on('aborted', onAborted);
		if (inflate) {
			req.on('data', onWire);
			inflate.on('error', onError);
			req.pipe(inflate);
		}
		out.on('data', onData);
		out.on('end', onEnd);
		if (!inflate) out.on('error', onError);
	});
}

/**
 * The bytes of the request, or why they are refused: over maxBodyBytes by Content-Length (413, nothing read), over it
 * while reading (413: the reading stops there, a chunked body without Content-Length included; never more than n8n's
 * own N8N_PAYLOAD_SIZE_MAX either), or unreadable (400). The bytes are those n8n already read (rawBody), else read
 * now from the request (gzip and deflate decompressed, as n8n's reader does); a request object that is no stream is
 * read with n8n's own reader. A refused request's connection is closed after the answer (its body may not have been
 * read).
 */
export async function readRequestBody(
	ctx: IWebhookFunctions,
	maxBodyBytes: number,
	page: string,
): Promise<{ ok: true; body: Buffer } | ({ ok: false } & BodyRefusal)> {
	const res = ctx.getResponseObject();
	const refuse = (refusal: BodyRefusal): { ok: false } & BodyRefusal => {
		res.setHeader('Connection', 'close');
		return { ok: false, ...refusal };
	};
	const headerData = ctx.getHeaderData() as Record<string, unknown>;
	const declared = Number(headerData['content-length']);
	if (Number.isFinite(declared) && declared > maxBodyBytes) return refuse(TOO_LARGE);
	const req = ctx.getRequestObject() as unknown as RequestStream;
	const unreadable = (error: unknown) => {
		ctx.logger.warn(
			`Receivables ${page}: the request body could not be read (${error instanceof Error ? error.message : String(error)})`,
		);
		return refuse(UNREADABLE);
	};
	if (!req.rawBody && isStream(req)) {
		const encoding = String(headerData['content-encoding'] ?? '')
			.trim()
			.toLowerCase();
		const read = await readLimited(req, encoding, Math.min(maxBodyBytes, n8nPayloadMax()));
		if ('refused' in read)
			return read.refused === 'too_large' ? refuse(TOO_LARGE) : unreadable(read.error);
		req.rawBody = read.body;
		req._body = true;
		return { ok: true, body: read.body };
	}
	if (!req.rawBody && typeof req.readRawBody === 'function') {
		try {
			await req.readRawBody();
		} catch (error) {
			const e = error as {
				status?: number;
				statusCode?: number;
				type?: string;
				httpStatusCode?: number;
			};
			const tooLarge =
				e.type === 'entity.too.large' ||
				e.status === 413 ||
				e.statusCode === 413 ||
				e.httpStatusCode === 413;
			if (!tooLarge) return unreadable(error);
			ctx.logger.warn(`Receivables ${page}: the request body is over n8n's own limit`);
			return refuse(TOO_LARGE);
		}
	}
	// The size of the bytes read is checked by the page's own rules (core), which answer it with their own words.
	return { ok: true, body: Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0) };
}
