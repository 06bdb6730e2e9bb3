import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpConfig } from './smtp';

/**
 * A pool of SMTP sessions for sends that must happen at most once. Built on nodemailer's SMTPConnection, like
 * nodemailer's own pool, with two differences that matter for reminders: a message is never re-queued after a
 * connection drops, and every failure says how far the transaction went — before the message body was handed
 * over (nothing can have been delivered: safe to retry) or after (the server may have accepted it: uncertain).
 * A caller can also be called back once every recipient was answered and before the DATA command is written:
 * it records "handing over" durably there, or stops the transaction (nothing is sent).
 */
export type DeliveryPhase = 'connect' | 'envelope' | 'data';

export type DeliveryResult =
	| { ok: true; response: string; accepted: string[]; rejected: RecipientRejection[] }
	| {
			ok: false;
			phase: DeliveryPhase;
			error: SmtpFailure;
			/** The beforeData callback stopped the transaction (its reason). */ stopped?: string;
	  };

/**
 * Called after the last RCPT answer, before DATA. Resolve true to send the message; anything else (false or a
 * reason) closes the transaction without sending it.
 */
export type BeforeData = (recipients: {
	accepted: string[];
	rejected: RecipientRejection[];
}) => Promise<true | false | string>;

export interface RecipientRejection {
	address: string;
	responseCode?: number;
	response?: string;
}

export interface SmtpFailure {
	message: string;
	code?: string;
	responseCode?: number;
	response?: string;
}

export type DeliveryVerdict = 'sent' | 'retry' | 'failed' | 'uncertain';

/** 2xx → sent; 4xx → retry later; 5xx → failed; no answer once the body was handed over → uncertain. */
export function deliveryVerdict(result: DeliveryResult): DeliveryVerdict {
	if (result.ok) return 'sent';
	const code = result.error.responseCode;
	if (code && code >= 500) return 'failed';
	if (code && code >= 400) return 'retry';
	if (
		result.error.code === 'EAUTH' ||
		result.error.code === 'EENVELOPE' ||
		result.error.code === 'EMESSAGE'
	)
		return result.phase === 'data' ? 'uncertain' : 'failed';
	return result.phase === 'data' ? 'uncertain' : 'retry';
}

function connectionOptions(config: SmtpConfig): SMTPConnection.Options {
	return {
		host: config.host,
		port: config.port,
		secure: config.secure,
		ignoreTLS: !config.secure && config.disableStartTls === true,
		name: config.hostName || undefined,
		connectionTimeout: 15_000,
		greetingTimeout: 15_000,
		socketTimeout: 60_000,
		tls: config.allowUnauthorizedCerts ? { rejectUnauthorized: false } : undefined,
	};
}

function failure(error: unknown): SmtpFailure {
	const e = error as Error & { code?: string; responseCode?: number; response?: string };
	return {
		message: e?.message ?? String(error),
		code: e?.code,
		responseCode: e?.responseCode,
		response: e?.response,
	};
}

interface Job {
	envelope: { from: string; to: string[] };
	raw: Buffer;
	beforeData?: BeforeData;
	resolve: (result: DeliveryResult) => void;
}

/** What the transaction uses of nodemailer's SMTPConnection once it is connected (greeting, EHLO, TLS, login). */
interface ConnectionInternals {
	_socket?: { destroyed?: boolean; write(data: Buffer): boolean } | false | null;
	_destroyed?: boolean;
	_supportedExtensions?: string[];
	/** One handler a server response, in the order the commands were written. */
	_responseActions: Array<(response: string) => void>;
}

const DOT = 0x2e;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The message as DATA carries it, in one buffer: a dot that starts a line doubled (RFC 5321 4.5.2) and the final
 * CRLF "." CRLF — what nodemailer's DataStream writes, for a message whose line ends are already CRLF.
 */
export function dataPayload(raw: Buffer): Buffer {
	let dots = 0;
	if (raw.length && raw[0] === DOT) dots++;
	for (let i = raw.indexOf('\n.'); i !== -1; i = raw.indexOf('\n.', i + 2)) dots++;
	const last = raw.length ? raw[raw.length - 1] : undefined;
	const end = last === LF ? '.\r\n' : last === CR ? '\n.\r\n' : '\r\n.\r\n';
	const out = Buffer.allocUnsafe(raw.length + dots + end.length);
	let written = 0;
	let from = 0;
	if (raw.length && raw[0] === DOT) {
		out[written++] = DOT;
	}
	for (let i = raw.indexOf('\n.'); i !== -1; i = raw.indexOf('\n.', i + 2)) {
		written += raw.copy(out, written, from, i + 2);
		out[written++] = DOT;
		from = i + 2;
	}
	written += raw.copy(out, written, from);
	out.write(end, written, 'latin1');
	return out;
}

function responseCodeOf(response: string): number | undefined {
	return Number(/^\d+/.exec(response)?.[0]) || undefined;
}

/** A failure worded as nodemailer words it ("Mail command failed: 550 …"), with the server's code. */
function smtpError(message: string, code: string, response?: string): SmtpFailure {
	return {
		message: response ? `${message}: ${response}` : message,
		code,
		responseCode: response ? responseCodeOf(response) : undefined,
		response,
	};
}

/**
 * One SMTP transaction on a connected session, written with as few socket writes as the server allows: MAIL FROM
 * and every RCPT TO in one write when the server offers PIPELINING (RFC 2920), DATA alone once the caller's
 * beforeData has answered, then the whole message and its final dot in one write. The responses are read by
 * nodemailer's SMTPConnection (its response queue); any failure closes the connection (`drop`).
 */
function transact(connection: SMTPConnection, job: Job, drop: () => void): Promise<DeliveryResult> {
	const internals = connection as unknown as ConnectionInternals;
	let dataSent = false;
	return new Promise<DeliveryResult>((resolve) => {
		let settled = false;
		const finish = (result: DeliveryResult) => {
			if (settled) return;
			settled = true;
			connection.removeListener('error', onError);
			connection.removeListener('end', onEnd);
			if (!result.ok) drop();
			resolve(result);
		};
		const fail = (error: SmtpFailure, stopped?: string) =>
			finish({
				ok: false,
				phase: dataSent ? 'data' : 'envelope',
				error,
				...(stopped === undefined ? {} : { stopped }),
			});
		const onError = (error: unknown) => fail(failure(error));
		const onEnd = () =>
			fail({ message: 'The SMTP connection closed during the transaction', code: 'ECONNECTION' });
		connection.on('error', onError);
		connection.once('end', onEnd);
		const write = (data: Buffer): boolean => {
			const socket = internals._socket;
			if (internals._destroyed || !socket || socket.destroyed) {
				fail({ message: 'The SMTP connection is closed', code: 'ECONNECTION' });
				return false;
			}
			socket.write(data);
			return true;
		};

		const from = String(job.envelope.from ?? '').trim();
		const to = job.envelope.to.map((a) => String(a ?? '').trim());
		if (!to.length) return fail(smtpError('No recipients defined', 'EENVELOPE'));
		if (/[\r\n<>]/.test(from))
			return fail(smtpError(`Invalid sender ${JSON.stringify(from)}`, 'EENVELOPE'));
		for (const address of to)
			if (!address || /[\r\n<>]/.test(address))
				return fail(smtpError(`Invalid recipient ${JSON.stringify(address)}`, 'EENVELOPE'));
		const extensions = internals._supportedExtensions ?? [];
		const utf8 =
			/[\x80-\uFFFF]/.test(from) || to.some((a) => /[\x80-\uFFFF]/.test(a))
				? extensions.includes('SMTPUTF8')
					? ' SMTPUTF8'
					: ''
				: '';
		const pipelining = extensions.includes('PIPELINING');
		const accepted: string[] = [];
		const rejected: RecipientRejection[] = [];
		let answered = 0;
		let lastResponse = '';

		const afterRecipients = () => {
			if (accepted.length === 0)
				return fail(
					smtpError("Can't send mail - all recipients were rejected", 'EENVELOPE', lastResponse),
				);
			const go = job.beforeData
				? job.beforeData({ accepted: [...accepted], rejected: [...rejected] })
				: Promise.resolve(true as const);
			go.then(
				(decision) => {
					if (settled) return;
					if (decision === true) {
						internals._responseActions.push(onData);
						dataSent = true;
						write(Buffer.from('DATA\r\n', 'latin1'));
						return;
					}
					const reason =
						typeof decision === 'string' ? decision : 'stopped before the message was handed over';
					fail({ message: reason, code: 'ESTOPPED' }, reason);
				},
				(error: unknown) => {
					const reason = `stopped before the message was handed over: ${(error as Error)?.message ?? String(error)}`;
					fail({ message: reason, code: 'ESTOPPED' }, reason);
				},
			);
		};
		const onRcpt = (address: string) => (response: string) => {
			if (settled) return;
			answered++;
			lastResponse = response;
			if (response.charAt(0) === '2') accepted.push(address);
			else
				rejected.push({
					address,
					responseCode: responseCodeOf(response),
					response,
				});
			if (answered === to.length) return afterRecipients();
			if (!pipelining) sendRcpt(answered);
		};
		const sendRcpt = (index: number) => {
			internals._responseActions.push(onRcpt(to[index]));
			write(Buffer.from(`RCPT TO:<${to[index]}>\r\n`, 'utf-8'));
		};
		const onMail = (response: string) => {
			if (settled) return;
			if (response.charAt(0) !== '2')
				return fail(smtpError('Mail command failed', 'EENVELOPE', response));
			if (!pipelining) sendRcpt(0);
		};
		const onData = (response: string) => {
			if (settled) return;
			if (!/^[23]/.test(response))
				return fail(smtpError('Data command failed', 'EENVELOPE', response));
			internals._responseActions.push(onMessage);
			write(dataPayload(job.raw));
		};
		const onMessage = (response: string) => {
			if (settled) return;
			if (response.charAt(0) !== '2')
				return fail(smtpError('Message failed', 'EMESSAGE', response));
			finish({ ok: true, response, accepted, rejected });
		};

		internals._responseActions.push(onMail);
		let envelope = `MAIL FROM:<${from}>${utf8}\r\n`;
		if (pipelining) {
			for (const address of to) {
				internals._responseActions.push(onRcpt(address));
				envelope += `RCPT TO:<${address}>\r\n`;
			}
		}
		write(Buffer.from(envelope, 'utf-8'));
	});
}

class Session {
	private connection?: SMTPConnection;

	constructor(private readonly config: SmtpConfig) {}

	private open(): Promise<SMTPConnection> {
		if (this.connection) return Promise.resolve(this.connection);
		return new Promise((resolve, reject) => {
			const connection = new SMTPConnection(connectionOptions(this.config));
			let settled = false;
			const fail = (error: unknown) => {
				if (settled) return;
				settled = true;
				connection.close();
				reject(error);
			};
			connection.once('error', fail);
			connection.connect((error) => {
				if (error) return fail(error);
				const ready = () => {
					if (settled) return;
					settled = true;
					// Commands and the message go out in small writes: without this, Nagle's algorithm and the
					// server's delayed ACK add tens of milliseconds to every message.
					(
						connection as unknown as { _socket?: { setNoDelay?: (on: boolean) => void } }
					)._socket?.setNoDelay?.(true);
					connection.removeListener('error', fail);
					connection.on('error', () => undefined);
					connection.once('end', () => {
						if (this.connection === connection) this.connection = undefined;
					});
					this.connection = connection;
					resolve(connection);
				};
				if (!this.config.user) return ready();
				connection.login(
					{ user: this.config.user, pass: this.config.password ?? '' },
					(loginError) => (loginError ? fail(loginError) : ready()),
				);
			});
		});
	}

	async deliver(job: Job): Promise<DeliveryResult> {
		const reused = this.connection !== undefined;
		const result = await this.attempt(job);
		// A kept-alive connection the server had closed fails before anything was sent: one fresh try.
		if (
			reused &&
			!result.ok &&
			!result.stopped &&
			result.phase === 'envelope' &&
			!result.error.responseCode
		)
			return await this.attempt(job);
		return result;
	}

	private async attempt(job: Job): Promise<DeliveryResult> {
		let connection: SMTPConnection;
		try {
			connection = await this.open();
		} catch (error) {
			return { ok: false, phase: 'connect', error: failure(error) };
		}
		return await transact(connection, job, () => this.drop(connection));
	}

	private drop(connection: SMTPConnection): void {
		if (this.connection === connection) this.connection = undefined;
		connection.close();
	}

	close(): void {
		const connection = this.connection;
		this.connection = undefined;
		if (connection) connection.quit();
	}
}

export class SmtpSessionPool {
	private readonly sessions: Session[];
	private readonly idle: Session[];
	private readonly queue: Job[] = [];

	constructor(config: SmtpConfig, size = config.maxConnections ?? 5) {
		this.sessions = Array.from({ length: Math.max(1, size) }, () => new Session(config));
		this.idle = [...this.sessions];
	}

	/** Sends one raw message; never throws, the result says what happened. */
	deliver(
		envelope: { from: string; to: string[] },
		raw: Buffer,
		beforeData?: BeforeData,
	): Promise<DeliveryResult> {
		return new Promise((resolve) => {
			this.queue.push({ envelope, raw, beforeData, resolve });
			this.pump();
		});
	}

	private pump(): void {
		while (this.idle.length && this.queue.length) {
			const session = this.idle.pop() as Session;
			const job = this.queue.shift() as Job;
			void session.deliver(job).then((result) => {
				this.idle.push(session);
				job.resolve(result);
				this.pump();
			});
		}
	}

	close(): void {
		for (const session of this.sessions) session.close();
	}
}

/** Sends ordinary messages (digests, notices) through a session pool; one verdict per message, in order. */
export async function sendMails(
	config: SmtpConfig,
	mails: Array<{ envelope: { from: string; to: string[] }; raw: Buffer }>,
	concurrency = 2,
): Promise<Array<{ verdict: DeliveryVerdict; error?: string }>> {
	const pool = new SmtpSessionPool(config, concurrency);
	try {
		const results = await Promise.all(mails.map((m) => pool.deliver(m.envelope, m.raw)));
		return results.map((r) => ({
			verdict: deliveryVerdict(r),
			error: r.ok ? undefined : r.error.message,
		}));
	} finally {
		pool.close();
	}
}
