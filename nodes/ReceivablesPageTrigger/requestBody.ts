import type { INodeProperties, IWebhookFunctions } from 'n8n-workflow';

/**
 * The signed pages of the Receivables Page Trigger read the request body themselves. n8n 2.40.7 reads and parses the
 * body of a request to a version-1 trigger (up to its own N8N_PAYLOAD_SIZE_MAX, 16 MB, answering 500 above it)
 * before the node runs, unless the node's options.binaryData is set: these pages set it (hidden), check the size
 * announced by Content-Length before reading a byte (413), then read the bytes with n8n's own reader.
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

/**
 * The bytes of the request, or why they are refused: over maxBodyBytes by Content-Length (413, nothing read), or over n8n's own N8N_PAYLOAD_SIZE_MAX while reading (413), or unreadable (400). The bytes are
 * those n8n already read (rawBody), else read now with n8n's own reader (which also decompresses gzip and deflate).
 * A refused request's connection is closed after the answer (its body may not have been read).
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
	const declared = Number((ctx.getHeaderData() as Record<string, unknown>)['content-length']);
	if (Number.isFinite(declared) && declared > maxBodyBytes) return refuse(TOO_LARGE);
	const req = ctx.getRequestObject() as unknown as {
		rawBody?: Buffer;
		readRawBody?: () => Promise<void>;
	};
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
			ctx.logger.warn(
				`Receivables ${page}: the request body could not be read (${error instanceof Error ? error.message : String(error)})`,
			);
			return refuse(tooLarge ? TOO_LARGE : UNREADABLE);
		}
	}
	// The size of the bytes read is checked by the page's own rules (core), which answer it with their own words.
	return { ok: true, body: Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.alloc(0) };
}
