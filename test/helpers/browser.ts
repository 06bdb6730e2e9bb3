// Real headless Chromium for page tests: a local HTTP server that answers form posts with a page handler, and the
// browser's launch options.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PageResponse } from '../../core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

export interface ServedRequest {
	url: string;
	method?: string;
	/** The url-encoded form fields of the request body (none for a multipart form: see `multipart`). */
	body: Record<string, string>;
	/** A multipart form (a file input) as the browser sent it: the raw body and its Content-Type. */
	multipart?: { raw: Buffer; contentType: string };
}

/** Serves `handle`'s answers on 127.0.0.1 (a free port), with `headers` added to each; a failure answers 500. */
export async function servePages(
	handle: (req: ServedRequest) => Promise<PageResponse>,
	headers: Record<string, string> = {},
): Promise<{ base: string; close: () => Promise<void> }> {
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => {
			chunks.push(chunk);
		});
		req.on('end', () => {
			const raw = Buffer.concat(chunks);
			const contentType = String(req.headers['content-type'] ?? '');
			const multipart = /^multipart\/form-data/i.test(contentType)
				? { raw, contentType }
				: undefined;
			handle({
				url: req.url ?? '/',
				method: req.method,
				body: multipart ? {} : Object.fromEntries(new URLSearchParams(raw.toString('utf8'))),
				...(multipart ? { multipart } : {}),
			}).then(
				(r) => {
					res.writeHead(r.status, { ...r.headers, ...headers });
					res.end(r.body);
				},
				(error: Error) => {
					res.writeHead(500);
					res.end(error.message);
				},
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

const CHROMIUM_MISSING = `Chromium is not installed at ${CHROMIUM}: the page tests drive a real headless browser. Install Debian's chromium package (apt-get install chromium) and run the tests again.`;

/**
 * `base` (it or test) for a test that needs Chromium. Without Chromium: in CI (CI=true) the test fails and says
 * why, so a missing browser never passes unseen; on a developer's machine it is skipped, with the reason in its name.
 */
export function browserTest<T extends jest.It>(base: T): T {
	if (existsSync(CHROMIUM)) return base;
	if (/^(1|true)$/i.test(process.env.CI ?? '')) {
		return ((name: string, _fn: unknown, timeout?: number) =>
			base(
				name,
				() => {
					throw new Error(CHROMIUM_MISSING);
				},
				timeout,
			)) as unknown as T;
	}
	return ((name: string, fn: jest.ProvidesCallback, timeout?: number) =>
		base.skip(`${name} — skipped: ${CHROMIUM_MISSING}`, fn, timeout)) as unknown as T;
}
