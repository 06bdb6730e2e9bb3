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
}

let patched = false;

/** smtp-server waits 100 ms before its greeting to catch early talkers: removed for tests and benches. */
function removeGreetingDelay(): void {
	if (patched) return;
	patched = true;
	const file = path.join(path.dirname(require.resolve('smtp-server')), 'smtp-connection.js');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SMTPConnection } = require(file) as { SMTPConnection: { prototype: Record<string, unknown> } };
	const proto = SMTPConnection.prototype as { init: () => void; _setListeners: (cb: () => void) => void; connectionReady: () => void };
	proto.init = function init(this: typeof proto) {
		this._setListeners(() => this.connectionReady());
	};
}

export async function startSmtpSink(options: { keep?: boolean } = {}): Promise<SmtpSink> {
	removeGreetingDelay();
	const received: ReceivedMail[] = [];
	let dataDelay = 0;
	const keep = options.keep ?? true;
	let server: SMTPServer;
	server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		disableReverseLookup: true,
		logger: false,
		size: 50 * 1024 * 1024,
		onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
			const local = address.address.toLowerCase();
			if (local.startsWith('tempfail')) return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 450 }));
			if (local.startsWith('reject')) return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
			callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				const to = session.envelope.rcptTo.map((r) => r.address);
				const mail = { raw: Buffer.concat(chunks), envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to } };
				if (to.some((a) => a.toLowerCase().startsWith('datafail'))) return callback(Object.assign(new Error('Temporary local problem'), { responseCode: 451 }));
				if (keep) received.push(mail);
				else received.length++;
				if (to.some((a) => a.toLowerCase().startsWith('drop'))) {
					for (const connection of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) {
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
	const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
	return {
		config: { host: '127.0.0.1', port, secure: false, disableStartTls: true },
		received,
		parsed: () => Promise.all(received.map((m) => simpleParser(m.raw))),
		setDataDelay(ms: number) {
			dataDelay = ms;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
