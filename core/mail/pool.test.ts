import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { dataPayload, deliveryVerdict, SmtpSessionPool } from './pool';

/** What nodemailer's own DATA path (DataStream) writes for a message. */
async function nodemailerPayload(raw: Buffer): Promise<Buffer> {
	const stream = new DataStream();
	const chunks: Buffer[] = [];
	stream.on('data', (chunk: Buffer) => chunks.push(chunk));
	const ended = new Promise((resolve) => stream.on('end', resolve));
	Readable.from([raw]).pipe(stream);
	await ended;
	return Buffer.concat(chunks);
}

describe('dataPayload', () => {
	it.each([
		['a plain message ending with CRLF', 'Subject: a\r\n\r\nHello\r\n'],
		['a message without a final line end', 'Subject: a\r\n\r\nHello'],
		['a message ending with CR', 'Subject: a\r\n\r\nHello\r'],
		['dots starting lines', '.Subject: a\r\n\r\n.\r\n..two\r\nmid.dle\r\n.end'],
		['an empty message', ''],
		['a lone dot', '.'],
	])('writes what nodemailer writes: %s', async (_name, text) => {
		const raw = Buffer.from(text, 'latin1');
		expect(dataPayload(raw).equals(await nodemailerPayload(raw))).toBe(true);
	});
});

interface Received {
	from: string;
	to: string[];
	raw: Buffer;
}

async function startServer(pipelining: boolean) {
	const received: Received[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		disableReverseLookup: true,
		hidePIPELINING: !pipelining,
		logger: false,
		onRcptTo(address: SMTPServerAddress, _session, callback) {
			if (address.address.startsWith('reject'))
				return callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
			if (address.address.startsWith('tempfail'))
				return callback(Object.assign(new Error('Mailbox busy'), { responseCode: 450 }));
			callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks),
				});
				callback(null, 'Queued as test');
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	return {
		received,
		config: { host: '127.0.0.1', port, secure: false, disableStartTls: true },
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

const message = Buffer.from(
	'From: a@example.com\r\nTo: b@example.com\r\nSubject: test\r\n\r\n.leading dot\r\nline\r\n..\r\n',
	'latin1',
);

describe.each([
	['with PIPELINING', true],
	['without PIPELINING', false],
])('SmtpSessionPool %s', (_name, pipelining) => {
	let server: Awaited<ReturnType<typeof startServer>>;
	beforeAll(async () => {
		server = await startServer(pipelining);
	});
	afterAll(async () => {
		await server.close();
	});

	it('delivers messages byte for byte on reused sessions, answering before DATA', async () => {
		const pool = new SmtpSessionPool(server.config, 2);
		const before = server.received.length;
		const asked: string[][] = [];
		try {
			const results = await Promise.all(
				Array.from({ length: 5 }, (_v, i) =>
					pool.deliver(
						{ from: 'a@example.com', to: [`b${i}@example.com`, `c${i}@example.com`] },
						message,
						async ({ accepted }) => {
							asked.push(accepted);
							return true;
						},
					),
				),
			);
			for (const [i, result] of results.entries()) {
				expect(result).toMatchObject({ ok: true, rejected: [] });
				expect(result.ok && result.response).toMatch(/^250 /);
				expect(result.ok && result.accepted).toEqual([`b${i}@example.com`, `c${i}@example.com`]);
			}
		} finally {
			pool.close();
		}
		expect(asked).toHaveLength(5);
		const got = server.received.slice(before);
		expect(got).toHaveLength(5);
		for (const mail of got) {
			expect(mail.from).toBe('a@example.com');
			expect(mail.raw.equals(message)).toBe(true);
		}
	});

	it('reports refused recipients with their answers, and sends to the others', async () => {
		const pool = new SmtpSessionPool(server.config, 1);
		try {
			const result = await pool.deliver(
				{ from: 'a@example.com', to: ['reject1@example.com', 'ok@example.com'] },
				message,
			);
			expect(result.ok).toBe(true);
			if (!result.ok) return;
			expect(result.accepted).toEqual(['ok@example.com']);
			expect(result.rejected).toEqual([
				expect.objectContaining({ address: 'reject1@example.com', responseCode: 550 }),
			]);
		} finally {
			pool.close();
		}
	});

	it('sends nothing when every recipient is refused, and says whether to retry', async () => {
		const pool = new SmtpSessionPool(server.config, 1);
		const before = server.received.length;
		let asked = false;
		try {
			const failed = await pool.deliver(
				{ from: 'a@example.com', to: ['reject2@example.com'] },
				message,
				async () => {
					asked = true;
					return true;
				},
			);
			expect(failed).toMatchObject({ ok: false, phase: 'envelope' });
			expect(deliveryVerdict(failed)).toBe('failed');
			const later = await pool.deliver(
				{ from: 'a@example.com', to: ['tempfail@example.com'] },
				message,
			);
			expect(deliveryVerdict(later)).toBe('retry');
			// the session is usable again after a refused transaction
			const ok = await pool.deliver({ from: 'a@example.com', to: ['ok@example.com'] }, message);
			expect(ok.ok).toBe(true);
		} finally {
			pool.close();
		}
		expect(asked).toBe(false);
		expect(server.received.length - before).toBe(1);
	});

	it('stops before DATA when beforeData says so: nothing is delivered', async () => {
		const pool = new SmtpSessionPool(server.config, 1);
		const before = server.received.length;
		try {
			const stopped = await pool.deliver(
				{ from: 'a@example.com', to: ['ok@example.com'] },
				message,
				async () => 'not this one',
			);
			expect(stopped).toMatchObject({ ok: false, phase: 'envelope', stopped: 'not this one' });
			const next = await pool.deliver({ from: 'a@example.com', to: ['ok@example.com'] }, message);
			expect(next.ok).toBe(true);
		} finally {
			pool.close();
		}
		expect(server.received.length - before).toBe(1);
	});
});
