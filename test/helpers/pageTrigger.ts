// Calls the Receivables Page trigger of a shipped workflow the way n8n's webhook server does: the node's webhook()
// with the request (parsed body, query, headers, raw body) and the response it writes to. For a page whose hidden
// options.binaryData is set (the signed pages), n8n 2.40.7 reads nothing before the node runs: the request then has
// no body yet, only n8n's readRawBody(), which reads the bytes (refusing more than N8N_PAYLOAD_SIZE_MAX, 16 MB). Real n8n runs it in
// test/e2e (history scan, distribution and tracking); this runs it in-process against a real ledger.
import { Readable } from 'node:stream';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { ReceivablesPageTrigger } from '../../nodes/ReceivablesPageTrigger/ReceivablesPageTrigger.node';
import { RAW_BODY_PAGES, rawBodyProperty } from '../../nodes/ReceivablesPageTrigger/requestBody';
import { multipartBody, parseLikeN8n, type FormFile } from './n8nMultipart';

export interface PageCall {
	method?: 'GET' | 'POST';
	body?: Record<string, unknown>;
	query?: Record<string, unknown>;
	headers?: Record<string, string>;
	rawBody?: Buffer;
	/** The address the connection comes from (Express's req.ip); none by default, as in-process callers have none. */
	peer?: string;
	/**
	 * A body sent in chunks without Content-Length (Transfer-Encoding: chunked): the request is then a stream that
	 * yields them as they are asked for, as Node hands an unread request to the node (the page reads it itself).
	 */
	chunks?: Iterable<Buffer>;
	/** For a page that reads its body itself: bytes n8n's reader would refuse (over its 16 MB, or not decompressible). */
	readFails?: { type?: string; status?: number; message: string };
	/** A multipart form (fields and files), parsed by n8n's own parser as its webhook server does. */
	multipart?:
		| { fields: Record<string, string>; files?: FormFile[] }
		| { raw: Buffer; contentType: string };
}

export interface PageAnswer {
	status: number;
	headers: Record<string, string>;
	body: string;
	json?: unknown;
	/** A file the page answered (a PDF download). */
	file?: Buffer;
	/** What the trigger hands to the next nodes (undefined: no execution started). */
	workflowData?: IWebhookResponseData['workflowData'];
	/** What the node wrote to n8n's log as errors (message and details), for the people who run n8n. */
	logged: Array<{ message: string; meta?: unknown }>;
}

/** n8n's N8N_PAYLOAD_SIZE_MAX default (16 MB). */
const N8N_PAYLOAD_SIZE_MAX = 16 * 1024 * 1024;

interface WorkflowFile {
	nodes: Array<{ type: string; parameters: Record<string, unknown> }>;
}

export async function callPageTrigger(
	workflow: WorkflowFile,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	call: PageCall,
): Promise<PageAnswer> {
	const node = workflow.nodes.find(
		(n) => n.type === 'n8n-nodes-receivables.receivablesPageTrigger',
	);
	if (!node) throw new Error('the workflow has no Receivables Page trigger');
	const answer: PageAnswer = { status: 200, headers: {}, body: '', logged: [] };
	const res = {
		status(code: number) {
			answer.status = code;
			return res;
		},
		setHeader(name: string, value: string) {
			answer.headers[name.toLowerCase()] = value;
			return res;
		},
		send(body: string | Buffer) {
			if (Buffer.isBuffer(body)) answer.file = body;
			else answer.body = body;
			return res;
		},
		json(body: unknown) {
			answer.json = body;
			answer.body = JSON.stringify(body);
			answer.headers['content-type'] = 'application/json; charset=utf-8';
			return res;
		},
	};
	const method =
		call.method ?? (call.body || call.rawBody || call.multipart || call.chunks ? 'POST' : 'GET');
	const headers = Object.fromEntries(
		Object.entries(call.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
	);
	let parsed: { body: unknown; cleanup: () => Promise<void> } | undefined;
	if (call.multipart) {
		const form =
			'raw' in call.multipart
				? { body: call.multipart.raw, contentType: call.multipart.contentType }
				: multipartBody(call.multipart.fields, call.multipart.files);
		headers['content-type'] = form.contentType;
		parsed = await parseLikeN8n(form.body, form.contentType);
	}
	// n8n reads the hidden option from the workflow's node, its default filled in (as `new Workflow` does).
	const page = String(node.parameters.page ?? 'portal');
	const options = (node.parameters.options ??
		(RAW_BODY_PAGES.includes(page) ? rawBodyProperty.default : {})) as { binaryData?: boolean };
	const readsItself = options.binaryData === true;
	let request: {
		method: string;
		rawBody?: Buffer;
		ip?: string;
		readRawBody?: () => Promise<void>;
	} = { method, ...(call.peer ? { ip: call.peer } : {}) };
	if (call.chunks) {
		// A real stream, pulled chunk by chunk; n8n's reader, if the page called it, would read it all (up to 16 MB).
		delete headers['content-length'];
		headers['transfer-encoding'] = 'chunked';
		const stream = Readable.from(call.chunks, { objectMode: false, highWaterMark: 64 * 1024 });
		request = Object.assign(stream, {
			method,
			headers,
			...(call.peer ? { ip: call.peer } : {}),
			readRawBody: async () => {
				const read: Buffer[] = [];
				let size = 0;
				for await (const chunk of stream as AsyncIterable<Buffer>) {
					size += chunk.length;
					if (size > N8N_PAYLOAD_SIZE_MAX)
						throw Object.assign(new Error('request entity too large'), {
							type: 'entity.too.large',
							status: 413,
						});
					read.push(chunk);
				}
				request.rawBody = Buffer.concat(read);
			},
		});
	} else if (!readsItself) request.rawBody = call.rawBody;
	else {
		const bytes = call.rawBody ?? (call.body ? Buffer.from(JSON.stringify(call.body)) : undefined);
		if (bytes && method === 'POST' && headers['content-length'] === undefined)
			headers['content-length'] = String(bytes.length);
		request.readRawBody = async () => {
			if (call.readFails) throw Object.assign(new Error(call.readFails.message), call.readFails);
			if (bytes && bytes.length > N8N_PAYLOAD_SIZE_MAX)
				throw Object.assign(new Error('request entity too large'), {
					type: 'entity.too.large',
					status: 413,
				});
			request.rawBody = bytes ?? Buffer.alloc(0);
		};
	}
	const ctx = {
		getNodeParameter: (name: string, fallback?: unknown) =>
			name in node.parameters ? node.parameters[name] : fallback,
		getCredentials: async (type: string) => {
			const data = credentials[type];
			if (!data) throw new Error(`no credential ${type}`);
			return data;
		},
		getRequestObject: () => request,
		getResponseObject: () => res,
		getBodyData: () => (readsItself ? {} : parsed ? parsed.body : (call.body ?? {})) as IDataObject,
		getQueryData: () => (call.query ?? {}) as IDataObject,
		getHeaderData: () => headers,
		getWebhookName: () => (method === 'GET' ? 'setup' : 'default'),
		getWorkflow: () => ({ id: 'test-workflow' }),
		getNodeWebhookUrl: () => `https://n8n.example/webhook/${String(node.parameters.path ?? '')}`,
		logger: {
			error: (message: string, meta?: unknown) => answer.logged.push({ message, meta }),
			warn: () => undefined,
			info: () => undefined,
			debug: () => undefined,
		},
	} as unknown as IWebhookFunctions;
	let result: IWebhookResponseData;
	try {
		result = await new ReceivablesPageTrigger().webhook.call(ctx);
	} finally {
		// n8n removes the form's temporary files once the node has answered.
		await parsed?.cleanup();
	}
	answer.workflowData = result.workflowData;
	return answer;
}
