import net from 'node:net';
import tls from 'node:tls';
import { normalizeMessageId, type MailRecordSource } from './reconcile';

/**
 * A mailbox that keeps a copy of what the mail server accepted — the Sent folder the server files copies into, or
 * an archive mailbox that receives a BCC of every reminder — read over IMAP (RFC 3501, read-only: EXAMINE, UID
 * SEARCH, UID FETCH of the Message-ID header). A message found there was accepted by the server. No library: the
 * few commands needed are written here.
 */
export interface ImapRecordOptions {
	host: string;
	/** Default 993 with TLS, 143 without. */
	port?: number;
	/** Implicit TLS (IMAPS, port 993). Without it the connection is plain: only for a server on the same host. */
	secure?: boolean;
	user: string;
	password: string;
	/** Mailboxes to look in, in order (default Sent). */
	mailboxes?: string[];
	/** Accept a certificate that does not verify (a server with a self-signed certificate). */
	allowUnauthorizedCerts?: boolean;
	timeoutMs?: number;
}

interface TaggedReply {
	status: 'OK' | 'NO' | 'BAD';
	text: string;
	untagged: string[];
}

/** An IMAP string: quoted when it can be (ASCII without quote or backslash), else a literal (RFC 3501 4.3). */
function astring(value: string): string | { literal: Buffer } {
	if (/^[\x20-\x7e]*$/.test(value) && !/["\\]/.test(value)) return `"${value}"`;
	return { literal: Buffer.from(value, 'utf8') };
}

/** A command string for values that are always quotable (Message-IDs, mailbox names); refuses the others. */
function quoted(value: string): string {
	const text = astring(value);
	if (typeof text !== 'string')
		throw new Error(`"${value}" cannot be sent to the IMAP server as a quoted string`);
	return text;
}

/** A mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3): "Éléments envoyés" → "&AMk-l&AOk-ments envoy&AOk-s". */
export function imapMailboxName(name: string): string {
	return name.replace(/&|[^\x20-\x7e]+/g, (run) => {
		if (run === '&') return '&-';
		const utf16 = Buffer.from(run, 'utf16le').swap16();
		return `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
	});
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

class ImapSession {
	private buffer = '';
	private waiting?: () => void;
	private closed?: Error;
	private tag = 0;

	private constructor(private socket: net.Socket | tls.TLSSocket) {
		this.attach(socket);
	}

	private attach(socket: net.Socket | tls.TLSSocket): void {
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			this.buffer += chunk;
			this.waiting?.();
		});
		const end = (error?: Error) => {
			this.closed = error ?? new Error('the IMAP server closed the connection');
			this.waiting?.();
		};
		socket.on('error', end);
		socket.on('close', () => end());
	}

	/** STARTTLS (RFC 3501 6.2.1): the same connection, now under TLS, before anything secret is sent. */
	private async startTls(options: ImapRecordOptions): Promise<void> {
		const reply = await this.command('STARTTLS');
		if (reply.status !== 'OK') throw new Error(`the IMAP server refused STARTTLS: ${reply.text}`);
		const plain = this.socket;
		plain.removeAllListeners('data');
		plain.removeAllListeners('error');
		plain.removeAllListeners('close');
		this.buffer = '';
		this.socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
			const secured = tls.connect(
				{
					socket: plain,
					servername: net.isIP(options.host) ? undefined : options.host,
					rejectUnauthorized: !options.allowUnauthorizedCerts,
				},
				() => resolve(secured),
			);
			secured.once('error', reject);
		});
		this.attach(this.socket);
	}

	static async open(options: ImapRecordOptions): Promise<ImapSession> {
		const secure = options.secure ?? true;
		const port = options.port ?? (secure ? 993 : 143);
		const timeout = options.timeoutMs ?? 20_000;
		const socket = await new Promise<net.Socket | tls.TLSSocket>((resolve, reject) => {
			const s = secure
				? tls.connect(
						{
							host: options.host,
							port,
							servername: net.isIP(options.host) ? undefined : options.host,
							rejectUnauthorized: !options.allowUnauthorizedCerts,
						},
						() => resolve(s),
					)
				: net.connect({ host: options.host, port }, () => resolve(s));
			s.setTimeout(timeout, () =>
				s.destroy(
					new Error(
						`no answer from the IMAP server ${options.host}:${port} within ${timeout / 1000} s`,
					),
				),
			);
			s.once('error', reject);
		});
		const session = new ImapSession(socket);
		let ready = false;
		try {
			const greeting = await session.line();
			if (!/^\* (OK|PREAUTH)\b/i.test(greeting))
				throw new Error(`the IMAP server greeted with "${greeting.slice(0, 200)}"`);
			if (!secure) {
				// without TLS from the start: STARTTLS when the server offers it; in clear only to this very machine
				const capability = await session.command('CAPABILITY');
				if (capability.untagged.some((l) => /^\* CAPABILITY\b.*\bSTARTTLS\b/i.test(l)))
					await session.startTls(options);
				else if (!isLoopback(options.host)) {
					throw new Error(
						`the IMAP server ${options.host}:${port} offers neither TLS nor STARTTLS: the password would cross the network in clear. Turn SSL/TLS on (port 993).`,
					);
				}
			}
			if (/^\* OK\b/i.test(greeting)) {
				const login = await session.command(
					'LOGIN ',
					astring(options.user),
					' ',
					astring(options.password),
				);
				if (login.status !== 'OK')
					throw new Error(`the IMAP server refused the login of ${options.user}: ${login.text}`);
			}
			ready = true;
		} finally {
			if (!ready) session.close();
		}
		return session;
	}

	private async line(): Promise<string> {
		for (;;) {
			const end = this.buffer.indexOf('\r\n');
			if (end >= 0) {
				const line = this.buffer.slice(0, end);
				this.buffer = this.buffer.slice(end + 2);
				return line;
			}
			if (this.closed) throw this.closed;
			await new Promise<void>((resolve) => (this.waiting = resolve));
			this.waiting = undefined;
		}
	}

	/** The next response line, with any literal ({n}) it announces read into it. */
	private async response(): Promise<string> {
		let text = await this.line();
		for (let literal = text.match(/\{(\d+)\}$/); literal; literal = text.match(/\{(\d+)\}$/)) {
			const size = Number(literal[1]);
			while (Buffer.byteLength(this.buffer) < size) {
				if (this.closed) throw this.closed;
				await new Promise<void>((resolve) => (this.waiting = resolve));
				this.waiting = undefined;
			}
			// literals are byte counts; the header fields read here are ASCII
			const body = this.buffer.slice(0, size);
			this.buffer = this.buffer.slice(size);
			text = `${text.slice(0, -literal[0].length)}${JSON.stringify(body)}${await this.line()}`;
		}
		return text;
	}

	/** Sends a command (text and literals: each literal after the server's "+" go-ahead) and reads its reply. */
	async command(...parts: Array<string | { literal: Buffer }>): Promise<TaggedReply> {
		const tag = `R${++this.tag}`;
		let pending = `${tag} `;
		for (const part of parts) {
			if (typeof part === 'string') {
				pending += part;
				continue;
			}
			this.socket.write(`${pending}{${part.literal.length}}\r\n`);
			const next = await this.response();
			if (!next.startsWith('+')) {
				const match = next.slice(tag.length + 1).match(/^(OK|NO|BAD)\b\s*(.*)$/i);
				return {
					status: (match?.[1].toUpperCase() ?? 'BAD') as TaggedReply['status'],
					text: match?.[2] ?? next,
					untagged: [],
				};
			}
			this.socket.write(part.literal);
			pending = '';
		}
		this.socket.write(`${pending}\r\n`);
		const untagged: string[] = [];
		for (;;) {
			const text = await this.response();
			if (text.startsWith(`${tag} `)) {
				const match = text.slice(tag.length + 1).match(/^(OK|NO|BAD)\b\s*(.*)$/i);
				return {
					status: (match?.[1].toUpperCase() ?? 'BAD') as TaggedReply['status'],
					text: match?.[2] ?? text,
					untagged,
				};
			}
			untagged.push(text);
		}
	}

	async logout(): Promise<void> {
		await this.command('LOGOUT').catch(() => undefined);
		this.close();
	}

	close(): void {
		this.socket.destroy();
	}
}

/** The UIDs of a mailbox whose Message-ID header is this one (searched, then checked exactly on the header). */
async function findInMailbox(session: ImapSession, messageId: string): Promise<number[]> {
	const bare = normalizeMessageId(messageId);
	const search = await session.command(`UID SEARCH HEADER Message-ID ${quoted(bare)}`);
	if (search.status !== 'OK') throw new Error(`the IMAP server refused the search: ${search.text}`);
	const uids = search.untagged.flatMap((l) =>
		/^\* SEARCH\b/i.test(l) ? l.slice(8).trim().split(/\s+/).filter(Boolean).map(Number) : [],
	);
	if (uids.length === 0) return [];
	// SEARCH HEADER matches a substring: keep the messages whose Message-ID is exactly this one
	const fetched = await session.command(
		`UID FETCH ${uids.join(',')} (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])`,
	);
	if (fetched.status !== 'OK')
		throw new Error(`the IMAP server refused to read the headers: ${fetched.text}`);
	const exact: number[] = [];
	for (const line of fetched.untagged) {
		const uid = line.match(/\bUID (\d+)/i);
		const header = line.match(/"((?:[^"\\]|\\.)*)"/);
		if (!uid || !header) continue;
		const value = (JSON.parse(`"${header[1]}"`) as string)
			.replace(/\r?\n[ \t]+/g, ' ')
			.match(/^message-id:\s*(.+?)\s*$/im);
		if (value && normalizeMessageId(value[1]) === bare) exact.push(Number(uid[1]));
	}
	return exact;
}

/** Reconcile Reminders' record source for a mailbox holding copies of the accepted messages. */
export function imapMailboxSource(options: ImapRecordOptions): MailRecordSource {
	const mailboxes = (options.mailboxes ?? []).map((m) => m.trim()).filter(Boolean);
	const boxes = mailboxes.length ? mailboxes : ['Sent'];
	return {
		name: `IMAP ${boxes.join(', ')} of ${options.user}@${options.host}`,
		async find(messageIds) {
			const found = new Map<string, string>();
			if (messageIds.length === 0) return found;
			const session = await ImapSession.open(options);
			try {
				for (const box of boxes) {
					const pending = messageIds.filter((id) => !found.has(id));
					if (pending.length === 0) break;
					const opened = await session.command(`EXAMINE ${quoted(imapMailboxName(box))}`);
					if (opened.status !== 'OK')
						throw new Error(`the mailbox "${box}" cannot be opened: ${opened.text}`);
					for (const id of pending) {
						const uids = await findInMailbox(session, id);
						if (uids.length)
							found.set(
								id,
								`IMAP mailbox "${box}" of ${options.user}@${options.host}: message UID ${uids.join(', ')}`,
							);
					}
				}
			} finally {
				await session.logout();
			}
			return found;
		},
	};
}

/** Credential check: logs in and opens each mailbox read-only; nothing is changed. */
export async function checkImapMailbox(
	options: ImapRecordOptions,
): Promise<{ ok: boolean; message: string }> {
	const mailboxes = (options.mailboxes ?? []).map((m) => m.trim()).filter(Boolean);
	const boxes = mailboxes.length ? mailboxes : ['Sent'];
	let session: ImapSession | undefined;
	try {
		session = await ImapSession.open(options);
		const counts: string[] = [];
		for (const box of boxes) {
			const opened = await session.command(`EXAMINE ${quoted(imapMailboxName(box))}`);
			if (opened.status !== 'OK')
				return {
					ok: false,
					message: `Connected, but the mailbox "${box}" cannot be opened: ${opened.text}`,
				};
			const exists = opened.untagged.map((l) => l.match(/^\* (\d+) EXISTS/i)).find(Boolean);
			counts.push(`"${box}" (${exists ? exists[1] : '?'} messages)`);
		}
		return { ok: true, message: `Connected to ${options.host}: ${counts.join(', ')}` };
	} catch (error) {
		return { ok: false, message: (error as Error).message };
	} finally {
		await session?.logout();
	}
}
