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

interface ConnectionInternals {
	_sendCommand(str: string, logStr?: string): void;
	_envelope?: {
		accepted?: string[];
		rejected?: string[];
		rejectedErrors?: Array<{ recipient?: string; responseCode?: number; response?: string }>;
	};
}

function rejections(
	rejected: Array<string | { toString(): string }>,
	errors: Array<{ recipient?: string; responseCode?: number; response?: string }>,
): RecipientRejection[] {
	return rejected.map((address) => {
		const match = errors.find((e) => e.recipient === String(address));
		return {
			address: String(address),
			responseCode: match?.responseCode,
			response: match?.response,
		};
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
		// nodemailer's SMTPConnection writes DATA from its RCPT handler: the command is held there until the
		// caller has recorded the hand-over (or decided not to send).
		const internals = connection as unknown as ConnectionInternals;
		const writeCommand = internals._sendCommand;
		let dataSent = false;
		return await new Promise<DeliveryResult>((resolve) => {
			let settled = false;
			const finish = (result: DeliveryResult) => {
				if (settled) return;
				settled = true;
				delete (internals as Partial<ConnectionInternals>)._sendCommand;
				connection.removeListener('error', onError);
				connection.removeListener('end', onEnd);
				if (!result.ok) this.drop(connection);
				resolve(result);
			};
			const onError = (error: unknown) =>
				finish({ ok: false, phase: dataSent ? 'data' : 'envelope', error: failure(error) });
			const onEnd = () =>
				finish({
					ok: false,
					phase: dataSent ? 'data' : 'envelope',
					error: {
						message: 'The SMTP connection closed during the transaction',
						code: 'ECONNECTION',
					},
				});
			internals._sendCommand = function sendCommand(
				this: ConnectionInternals,
				str: string,
				logStr?: string,
			) {
				if (str !== 'DATA') return writeCommand.call(this, str, logStr);
				const envelope = internals._envelope ?? {};
				const recipients = {
					accepted: (envelope.accepted ?? []).map(String),
					rejected: rejections(envelope.rejected ?? [], envelope.rejectedErrors ?? []),
				};
				const go = job.beforeData ? job.beforeData(recipients) : Promise.resolve(true as const);
				go.then(
					(decision) => {
						if (settled) return;
						if (decision === true) {
							dataSent = true;
							writeCommand.call(internals, 'DATA');
							return;
						}
						const reason =
							typeof decision === 'string'
								? decision
								: 'stopped before the message was handed over';
						finish({
							ok: false,
							phase: 'envelope',
							stopped: reason,
							error: { message: reason, code: 'ESTOPPED' },
						});
					},
					(error: unknown) => {
						const reason = `stopped before the message was handed over: ${(error as Error)?.message ?? String(error)}`;
						finish({
							ok: false,
							phase: 'envelope',
							stopped: reason,
							error: { message: reason, code: 'ESTOPPED' },
						});
					},
				);
			};
			connection.on('error', onError);
			connection.once('end', onEnd);
			connection.send(job.envelope, job.raw, (error, info) => {
				if (error) return onError(error);
				const errors =
					(
						info as {
							rejectedErrors?: Array<{
								recipient?: string;
								responseCode?: number;
								response?: string;
							}>;
						}
					).rejectedErrors ?? [];
				finish({
					ok: true,
					response: String(info.response ?? ''),
					accepted: (info.accepted ?? []).map(String),
					rejected: rejections(info.rejected ?? [], errors),
				});
			});
		});
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
