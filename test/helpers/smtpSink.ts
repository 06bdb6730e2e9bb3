import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { SmtpConfig } from '../../core';

/**
 * A real SMTP server on loopback that keeps what it receives. Recipients steer failures:
 *   tempfail…@ → 450 at RCPT, reject…@ → 550 at RCPT, drop…@ → the connection is cut after the whole
 *   message was received (the client never gets the 250), datafail…@ → 451 after DATA.
 */
export interface ReceivedMail {
	raw: Buffer;
	envelope: { from: string; to: string[] };
}

export interface SmtpSink {
	config: SmtpConfig;
	received: ReceivedMail[];
	parsed(): Promise<ParsedMail[]>;
	close(): Promise<void>;
	/** Milliseconds the server waits before answering the end of DATA. */
	setDataDelay(ms: number): void;
	/** With `api: true`: the URL of a read API like the mail catcher's (GET /api/messages?messageId=…). */
	apiUrl?: string;
	/** Awaited once, before the next RCPT is answered (then removed). */
	setRcptHook(hook: ((address: string) => Promise<void>) | undefined): void;
	/**
	 * Faults for the next messages, one per message, taken when the message has been received: '451' (refused for
	 * now, not kept), '554' (refused for good, not kept), 'drop' (kept, then the connection is cut before the answer).
	 */
	injectFaults(faults: Array<'451' | '554' | 'drop'>): void;
	/** Awaited when a DATA command arrives, before the message is read (undefined: none). */
	setDataHook(
		hook: ((envelope: { from: string; to: string[] }) => Promise<void>) | undefined,
	): void;
}

let patched = false;

/** smtp-server waits 100 ms before its greeting to catch early talkers: removed for tests and benches. */
function removeGreetingDelay(): void {
	if (patched) return;
	patched = true;
	const file = path.join(path.dirname(require.resolve('smtp-server')), 'smtp-connection.js');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SMTPConnection } = require(file) as {
		SMTPConnection: { prototype: Record<string, unknown> };
	};
	const proto = SMTPConnection.prototype as {
		init: () => void;
		_setListeners: (cb: () => void) => void;
		connectionReady: () => void;
	};
	proto.init = function init(this: typeof proto) {
		this._setListeners(() => this.connectionReady());
	};
}

function messageIdOf(raw: Buffer): string | null {
	const head = raw
		.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n')) || raw.length)
		.toString('latin1');
	return head.match(/^Message-ID:\s*(<[^>\r\n]+>)/im)?.[1] ?? null;
}

/** The mail catcher's read API (scripts/lib/mail-catcher.mjs) over what the sink received: the server's own record. */
async function startApi(
	received: ReceivedMail[],
): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://sink.local');
		if (request.method !== 'GET' || url.pathname !== '/api/messages') {
			response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
			return;
		}
		const wanted = url.searchParams.get('messageId')?.trim().replace(/^<|>$/g, '').toLowerCase();
		const list = received
			.map((m, index) => ({ m, index }))
			.filter(
				({ m }) =>
					m &&
					(!wanted || (messageIdOf(m.raw) ?? '').replace(/^<|>$/g, '').toLowerCase() === wanted),
			)
			.map(({ m, index }) => ({
				id: String(index + 1),
				messageId: messageIdOf(m.raw),
				envelope: m.envelope,
			}));
		response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export async function startSmtpSink(
	options: { keep?: boolean; api?: boolean } = {},
): Promise<SmtpSink> {
	removeGreetingDelay();
	const received: ReceivedMail[] = [];
	let dataDelay = 0;
	const faults: Array<'451' | '554' | 'drop'> = [];
	let rcptHook: ((address: string) => Promise<void>) | undefined;
	let dataHook: ((envelope: { from: string; to: string[] }) => Promise<void>) | undefined;
	const keep = options.keep ?? true;
	let server: SMTPServer;
	server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		disableReverseLookup: true,
		logger: false,
		size: 50 * 1024 * 1024,
		onRcptTo(
			address: SMTPServerAddress,
			_session: SMTPServerSession,
			callback: (err?: Error | null) => void,
		) {
			const local = address.address.toLowerCase();
			if (rcptHook) {
				const hook = rcptHook;
				rcptHook = undefined;
				hook(address.address).then(
					() => callback(),
					(error: Error) => callback(error),
				);
				return;
			}
			if (local.startsWith('tempfail'))
				return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 450 }));
			if (local.startsWith('reject'))
				return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
			callback();
		},
		onData(stream, session, callback) {
			if (dataHook) {
				const hook = dataHook;
				stream.pause();
				hook({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
				}).finally(() => stream.resume());
			}
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				const to = session.envelope.rcptTo.map((r) => r.address);
				const mail = {
					raw: Buffer.concat(chunks),
					envelope: {
						from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						to,
					},
				};
				const fault = faults.shift();
				if (fault === '451' || to.some((a) => a.toLowerCase().startsWith('datafail')))
					return callback(
						Object.assign(new Error('Temporary local problem'), { responseCode: 451 }),
					);
				if (fault === '554')
					return callback(
						Object.assign(new Error('Message refused by policy'), { responseCode: 554 }),
					);
				if (keep) received.push(mail);
				else received.length++;
				if (fault === 'drop' || to.some((a) => a.toLowerCase().startsWith('drop'))) {
					for (const connection of (
						server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }
					).connections) {
						if (connection.id === session.id) connection._socket.destroy();
					}
					return;
				}
				if (dataDelay > 0) {
					setTimeout(() => callback(), dataDelay);
					return;
				}
				callback();
			});
		},
	});
	server.on('error', () => undefined);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
	const api = options.api ? await startApi(received) : undefined;
	return {
		apiUrl: api?.url,
		config: { host: '127.0.0.1', port, secure: false, disableStartTls: true },
		received,
		parsed: () => Promise.all(received.map((m) => simpleParser(m.raw))),
		setDataDelay(ms: number) {
			dataDelay = ms;
		},
		injectFaults(list) {
			faults.push(...list);
		},
		setRcptHook(hook) {
			rcptHook = hook;
		},
		setDataHook(hook) {
			dataHook = hook;
		},
		close: async () => {
			await api?.close();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
