// Multipart forms as n8n's webhook server hands them to a trigger node: the body is parsed by n8n's own parser
// (webhooks/webhook-form-data.js of the pinned n8n runtime, formidable into temporary files) into { data, files },
// and the temporary files are removed once the node has answered. Needs the runtime (npm start installs it).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';

export interface FormFile {
	field: string;
	fileName: string;
	contentType: string;
	content: Buffer;
}

function runtimeDir(): string {
	return path.resolve(
		process.env.RECEIVABLES_RUNTIME_DIR || path.join(__dirname, '..', '..', '.runtime', 'n8n'),
	);
}

/** A multipart/form-data body as a browser sends it. */
export function multipartBody(
	fields: Record<string, string>,
	files: FormFile[] = [],
): { body: Buffer; contentType: string } {
	const boundary = `----receivables${Math.random().toString(16).slice(2)}`;
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields))
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
			),
		);
	for (const f of files) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.fileName.replace(/"/g, '%22')}"\r\nContent-Type: ${f.contentType}\r\n\r\n`,
			),
		);
		parts.push(f.content, Buffer.from('\r\n'));
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

type Parser = (req: unknown) => Promise<{ body: unknown; cleanup: () => Promise<void> }>;
const parsers = new Map<number, Parser>();

/** Parses a multipart body with n8n's own parser (N8N_FORMDATA_FILE_SIZE_MAX in MB, 200 by default as in n8n). */
export async function parseLikeN8n(
	body: Buffer,
	contentType: string,
	maxMb = 200,
): Promise<{ body: unknown; cleanup: () => Promise<void> }> {
	const file = path.join(
		runtimeDir(),
		'node_modules',
		'n8n',
		'dist',
		'webhooks',
		'webhook-form-data.js',
	);
	if (!existsSync(file))
		throw new Error(
			`n8n's multipart parser is not at ${file}: install the pinned n8n runtime (npm start does it once) or set RECEIVABLES_RUNTIME_DIR.`,
		);
	let parse = parsers.get(maxMb);
	if (!parse) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { createMultiFormDataParser } = require(file) as {
			createMultiFormDataParser: (mb: number) => Parser;
		};
		parse = createMultiFormDataParser(maxMb);
		parsers.set(maxMb, parse);
	}
	const req = new PassThrough() as PassThrough & {
		headers: Record<string, string>;
		encoding: string;
		contentType: string;
	};
	req.headers = { 'content-type': contentType, 'content-length': String(body.length) };
	// n8n's body-parser middleware sets these from the Content-Type before the webhook runs.
	req.encoding = 'utf-8';
	req.contentType = 'multipart/form-data';
	req.end(body);
	return await parse(req);
}
