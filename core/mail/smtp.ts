import * as nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

/** The fields of the package's SMTP credential (the same as n8n's own SMTP credential). */
export interface SmtpConfig {
	host: string;
	port: number;
	secure: boolean;
	disableStartTls?: boolean;
	user?: string;
	password?: string;
	hostName?: string;
	/** Concurrent SMTP connections of a pooled transport. */
	maxConnections?: number;
	allowUnauthorizedCerts?: boolean;
}

export interface SmtpTransportOptions {
	pool?: boolean;
	/**
	 * Pooled transports re-send a message whose connection closed during the transfer unless this is 0: callers
	 * that must not send twice (reminders) set 0 and decide themselves what an interrupted transfer means.
	 */
	maxRequeues?: number;
	/** Overrides config.maxConnections. */
	maxConnections?: number;
}

export function createSmtpTransport(
	config: SmtpConfig,
	options: SmtpTransportOptions = {},
): Transporter {
	return nodemailer.createTransport({
		host: config.host,
		port: config.port,
		secure: config.secure,
		ignoreTLS: !config.secure && config.disableStartTls === true,
		name: config.hostName || undefined,
		auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
		pool: options.pool ?? false,
		maxConnections: options.maxConnections ?? config.maxConnections ?? 5,
		...(options.maxRequeues === undefined ? {} : { maxRequeues: options.maxRequeues }),
		maxMessages: Infinity,
		connectionTimeout: 15_000,
		greetingTimeout: 15_000,
		socketTimeout: 60_000,
		tls: config.allowUnauthorizedCerts ? { rejectUnauthorized: false } : undefined,
	} as nodemailer.TransportOptions);
}

export interface SmtpStatus {
	ok: boolean;
	message: string;
}

/** Connects, greets and authenticates once, for the credential test. */
export async function checkSmtp(config: SmtpConfig): Promise<SmtpStatus> {
	if (!config.host)
		return { ok: false, message: 'The SMTP host is empty. Fill in the host of your mail server.' };
	const transport = createSmtpTransport(config);
	try {
		await transport.verify();
		return { ok: true, message: `Connected to ${config.host}:${config.port}.` };
	} catch (error) {
		const e = error as Error & { code?: string; responseCode?: number };
		const hint =
			e.code === 'EAUTH'
				? 'The server refused the user or password.'
				: e.code === 'ECONNREFUSED'
					? 'Nothing answers on that host and port.'
					: e.code === 'ETIMEDOUT' || e.code === 'ESOCKET'
						? 'Check the port and the SSL/TLS setting (465 is usually SSL/TLS on, 587 and 25 off).'
						: '';
		return {
			ok: false,
			message: `SMTP ${config.host}:${config.port}: ${e.message}. ${hint}`.trim(),
		};
	} finally {
		transport.close();
	}
}
