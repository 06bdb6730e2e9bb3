/**
 * A real IMAP4rev1 server for tests: hoodiecrow-imap (in memory, one account). `append` files a message into a
 * mailbox the way a mail server files the copy of what it accepted into Sent (or a BCC archive mailbox). With
 * `startTls`, it offers STARTTLS with the self-signed certificate hoodiecrow ships.
 */
import type { AddressInfo } from 'node:net';

interface Hoodiecrow {
	server: { address(): AddressInfo | string | null };
	listen(port: number, host: string, callback: () => void): void;
	close(callback: () => void): void;
	appendMessage(
		mailbox: string,
		flags: string[],
		internaldate: string | undefined,
		raw: string,
	): void;
}

export interface ImapServer {
	host: string;
	port: number;
	append(mailbox: string, raw: Buffer | string): void;
	close(): Promise<void>;
}

export async function startImapServer(options: {
	user: string;
	password: string;
	mailboxes: string[];
	startTls?: boolean;
}): Promise<ImapServer> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const hoodiecrow = require('hoodiecrow-imap') as (options: Record<string, unknown>) => Hoodiecrow;
	const folders = Object.fromEntries(
		options.mailboxes.filter((m) => m !== 'INBOX').map((m) => [m, { messages: [] }]),
	);
	const server = hoodiecrow({
		plugins: options.startTls ? ['STARTTLS'] : [],
		users: { [options.user]: { password: options.password } },
		storage: { INBOX: { messages: [] }, '': { separator: '/', folders } },
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.server.address() as AddressInfo;
	return {
		host: '127.0.0.1',
		port: address.port,
		append: (mailbox, raw) =>
			server.appendMessage(
				mailbox,
				['\\Seen'],
				undefined,
				Buffer.isBuffer(raw) ? raw.toString('binary') : raw,
			),
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
