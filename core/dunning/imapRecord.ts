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

/** An IMAP string: quoted when it can be, a literal otherwise (sent with the synchronising continuation). */
function quoted(value: string): string {
	if (/[\r\n]/.test(value)) throw new Error('an IMAP string cannot hold a line break');
	return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

class ImapSession {
	private buffer = '';
	private waiting?: () => void;
	private closed?: Error;
	private tag = 0;

	private constructor(private socket: net.Socket | tls.TLSSocket) {
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

	static async open(options: ImapRecordOptions): Promise<ImapSession> {
		const secure = options.secure ?? true;
		const port = options.port ?? (secure ? 993 : 143);
		const timeout = options.timeoutMs ?? 20_000;
		const socket = await new Promise<net.Socket | tls.TLSSocket>((resolve, reject) => {
			const s = secure
				? tls.connect({ host: options.host, port, servername: net.isIP(options.host) ? undefined : options.host, rejectUnauthorized: !options.allowUnauthorizedCerts }, () => resolve(s))
				: net.connect({ host: options.host, port }, () => resolve(s));
			s.setTimeout(timeout, () => s.destroy(new Error(`no answer from the IMAP server ${options.host}:${port} within ${timeout / 1000} s`)));
			s.once('error', reject);
		});
		const session = new ImapSession(socket);
		const greeting = await session.line();
		if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) {
			session.close();
			throw new Error(`the IMAP server greeted with "${greeting.slice(0, 200)}"`);
		}
		if (/^\* OK\b/i.test(greeting)) {
			const login = await session.command(`LOGIN ${quoted(options.user)} ${quoted(options.password)}`);
			if (login.status !== 'OK') {
				session.close();
				throw new Error(`the IMAP server refused the login of ${options.user}: ${login.text}`);
			}
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

	async command(command: string): Promise<TaggedReply> {
		const tag = `R${++this.tag}`;
		this.socket.write(`${tag} ${command}\r\n`);
		const untagged: string[] = [];
		for (;;) {
			const text = await this.response();
			if (text.startsWith(`${tag} `)) {
				const match = text.slice(tag.length + 1).match(/^(OK|NO|BAD)\b\s*(.*)$/i);
				return { status: (match?.[1].toUpperCase() ?? 'BAD') as TaggedReply['status'], text: match?.[2] ?? text, untagged };
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
	const uids = search.untagged.flatMap((l) => (/^\* SEARCH\b/i.test(l) ? l.slice(8).trim().split(/\s+/).filter(Boolean).map(Number) : []));
	if (uids.length === 0) return [];
	// SEARCH HEADER matches a substring: keep the messages whose Message-ID is exactly this one
	const fetched = await session.command(`UID FETCH ${uids.join(',')} (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])`);
	if (fetched.status !== 'OK') throw new Error(`the IMAP server refused to read the headers: ${fetched.text}`);
	const exact: number[] = [];
	for (const line of fetched.untagged) {
		const uid = line.match(/\bUID (\d+)/i);
		const header = line.match(/"((?:[^"\\]|\\.)*)"/);
		if (!uid || !header) continue;
		const value = (JSON.parse(`"${header[1]}"`) as string).replace(/\r?\n[ \t]+/g, ' ').match(/^message-id:\s*(.+?)\s*$/im);
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
					const opened = await session.command(`EXAMINE ${quoted(box)}`);
					if (opened.status !== 'OK') throw new Error(`the mailbox "${box}" cannot be opened: ${opened.text}`);
					for (const id of pending) {
						const uids = await findInMailbox(session, id);
						if (uids.length) found.set(id, `IMAP mailbox "${box}" of ${options.user}@${options.host}: message UID ${uids.join(', ')}`);
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
export async function checkImapMailbox(options: ImapRecordOptions): Promise<{ ok: boolean; message: string }> {
	const mailboxes = (options.mailboxes ?? []).map((m) => m.trim()).filter(Boolean);
	const boxes = mailboxes.length ? mailboxes : ['Sent'];
	let session: ImapSession | undefined;
	try {
		session = await ImapSession.open(options);
		const counts: string[] = [];
		for (const box of boxes) {
			const opened = await session.command(`EXAMINE ${quoted(box)}`);
			if (opened.status !== 'OK') return { ok: false, message: `Connected, but the mailbox "${box}" cannot be opened: ${opened.text}` };
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
