// A local mail catcher: an SMTP server on 127.0.0.1 that accepts every message (nothing is relayed) and a small web
// page to read them, so the reminders sent by the demo can be looked at. Also used by tests and benchmarks as an
// SMTP sink, and runnable on its own:
//   node scripts/lib/mail-catcher.mjs [--smtp-port 1025] [--http-port 8025] [--dir .data/mail]
//   [--max-messages 1000] [--no-parse] [--quiet]
// which prints one JSON line {"smtpPort","httpPort","url","fastGreeting"} once it listens and stops on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';

const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

/**
 * smtp-server waits 100 ms before its greeting on every connection (to catch clients that talk too soon) and
 * has no option to switch that off. For a local sink that only costs time, so the greeting goes out at once:
 * the same steps as SMTPServer#connect and SMTPConnection#init, without the timer. When a future smtp-server
 * changes these internals, the library's own path is used.
 */
const FAST_GREETING =
	typeof SMTPConnection?.prototype?._setListeners === 'function' &&
	typeof SMTPConnection.prototype.connectionReady === 'function';

class CatcherServer extends SMTPServer {
	connect(socket, socketOptions) {
		if (!FAST_GREETING) return super.connect(socket, socketOptions);
		const connection = new SMTPConnection(this, socket, socketOptions);
		this.connections.add(connection);
		connection.on('error', (error) => this._onError(error));
		connection.on('connect', (data) => this._onClientConnect(data));
		connection._setListeners(() => connection.connectionReady());
	}
}

function addressList(field) {
	if (!field) return [];
	const groups = Array.isArray(field) ? field : [field];
	return groups
		.flatMap((group) => group.value ?? [])
		.flatMap((entry) => (entry.group ? entry.group : [entry]))
		.map((entry) => entry.address)
		.filter(Boolean);
}

function nameAndAddress(field) {
	if (!field) return '';
	const groups = Array.isArray(field) ? field : [field];
	return groups.map((group) => group.text).join(', ');
}

const KEPT_HEADERS = [
	'from',
	'to',
	'cc',
	'reply-to',
	'subject',
	'date',
	'message-id',
	'in-reply-to',
	'references',
	'x-mailer',
	'content-language',
	'auto-submitted',
	'list-unsubscribe',
];

async function toMessage(id, raw, envelope, receivedAt, parse) {
	const base = {
		id,
		receivedAt: receivedAt.toISOString(),
		envelope: { from: envelope.from, to: [...envelope.to] },
		size: raw.length,
		raw,
	};
	if (!parse)
		return {
			...base,
			from: envelope.from,
			to: [...envelope.to],
			cc: [],
			bcc: [],
			subject: '',
			date: base.receivedAt,
			attachments: [],
		};
	const parsed = await simpleParser(raw, { skipTextToHtml: true });
	const to = addressList(parsed.to);
	const cc = addressList(parsed.cc);
	const shown = new Set([...to, ...cc].map((a) => a.toLowerCase()));
	const headers = {};
	for (const line of parsed.headerLines ?? []) {
		if (KEPT_HEADERS.includes(line.key))
			headers[line.key] = line.line
				.slice(line.line.indexOf(':') + 1)
				.replace(/\r?\n[ \t]+/g, ' ')
				.trim();
	}
	return {
		...base,
		from: nameAndAddress(parsed.from) || envelope.from,
		fromAddress: addressList(parsed.from)[0] ?? envelope.from,
		to,
		cc,
		bcc: envelope.to.filter((address) => !shown.has(address.toLowerCase())),
		replyTo: addressList(parsed.replyTo),
		toText: nameAndAddress(parsed.to),
		ccText: nameAndAddress(parsed.cc),
		subject: parsed.subject ?? '',
		date: (parsed.date && !Number.isNaN(parsed.date.getTime())
			? parsed.date
			: receivedAt
		).toISOString(),
		messageId: parsed.messageId ?? null,
		inReplyTo: parsed.inReplyTo ?? null,
		headers,
		text: parsed.text ?? '',
		html: typeof parsed.html === 'string' ? parsed.html : null,
		attachments: (parsed.attachments ?? []).map((attachment, index) => ({
			index,
			filename: attachment.filename ?? `attachment-${index + 1}`,
			contentType: attachment.contentType ?? 'application/octet-stream',
			size: attachment.size ?? attachment.content?.length ?? 0,
			contentId: attachment.cid ?? null,
			related: Boolean(attachment.related),
			content: attachment.content,
		})),
	};
}

/** The message as the JSON API gives it: no raw bytes, attachment contents as download links. */
function summary(message, { full = false } = {}) {
	const { raw: _raw, text, html, attachments, headers, ...rest } = message;
	const out = {
		...rest,
		attachments: attachments.map(({ content: _content, ...meta }) => ({
			...meta,
			url: `/messages/${message.id}/attachments/${meta.index}`,
		})),
	};
	if (full) Object.assign(out, { headers, text, html, rawUrl: `/messages/${message.id}/raw` });
	return out;
}

const escapeHtml = (value) =>
	String(value ?? '').replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
	);

function formatDate(iso) {
	const date = new Date(iso);
	return new Intl.DateTimeFormat('fr-FR', {
		dateStyle: 'short',
		timeStyle: 'medium',
		timeZone: 'Europe/Paris',
	}).format(date);
}

function formatSize(bytes) {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
header{background:#1f3a5f;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header a{color:#fff}header h1{font-size:18px;margin:0}header .muted{color:#c9d6e8}
main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid #e4e7eb;vertical-align:top;font-size:14px}
th{background:#eef2f7;font-weight:600}tr:hover td{background:#f9fbfd}
td a{color:#1f3a5f;text-decoration:none}td a:hover{text-decoration:underline}
.muted{color:#7b8794}.empty{padding:40px;text-align:center;background:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;background:#fff;padding:12px;margin:0 0 12px}
dt{font-weight:600;color:#52606d}dd{margin:0;word-break:break-word}
pre{white-space:pre-wrap;background:#fff;padding:12px;margin:0;font-size:14px}
iframe{width:100%;height:70vh;border:1px solid #d9e2ec;background:#fff}
.tabs{margin:12px 0 6px;display:flex;gap:12px}.tabs a{color:#1f3a5f}
form{display:inline}button{cursor:pointer}input[type=search]{padding:4px 8px;min-width:220px}
`;

function page(title, body) {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function matches(message, query) {
	if (!query) return true;
	const needle = query.toLowerCase();
	return [message.subject, message.from, ...message.to, ...message.cc, ...message.bcc].some((v) =>
		String(v ?? '')
			.toLowerCase()
			.includes(needle),
	);
}

function listPage(messages, query, smtpPort) {
	const shown = messages.filter((m) => matches(m, query)).reverse();
	const rows = shown
		.map(
			(
				m,
			) => `<tr><td class="muted" style="white-space:nowrap">${escapeHtml(formatDate(m.date))}</td><td>${escapeHtml(m.from)}</td>
<td>${escapeHtml(m.to.join(', '))}${m.cc.length ? `<div class="muted">cc ${escapeHtml(m.cc.join(', '))}</div>` : ''}</td>
<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || '(no subject)')}</a>${m.attachments.length ? ` <span class="muted">📎 ${m.attachments.length}</span>` : ''}</td></tr>`,
		)
		.join('');
	const body = `<header><h1>Mail catcher</h1><span class="muted">Every e-mail sent to SMTP 127.0.0.1:${smtpPort} lands here; nothing is delivered.</span>
<form method="get" action="/"><input type="search" name="q" value="${escapeHtml(query)}" placeholder="Search subject, from, to"></form>
<form method="post" action="/clear"><button type="submit">Delete all</button></form></header>
<main><p class="muted">${shown.length} message${shown.length === 1 ? '' : 's'}${query ? ` matching “${escapeHtml(query)}”` : ''}, newest first. The page refreshes when new mail arrives.</p>
${shown.length ? `<table><thead><tr><th>Date</th><th>From</th><th>To / Cc</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>` : '<div class="empty">No message yet. Run a workflow that sends e-mail, then come back.</div>'}
</main><script>
let count=${messages.length};
setInterval(async()=>{try{const r=await fetch('/api/health');const j=await r.json();if(j.count!==count)location.reload();}catch(e){}},3000);
</script>`;
	return page('Mail catcher', body);
}

function messagePage(m) {
	const row = (label, value) => (value ? `<dt>${label}</dt><dd>${escapeHtml(value)}</dd>` : '');
	const attachments = m.attachments
		.map(
			(a) =>
				`<li><a href="/messages/${encodeURIComponent(m.id)}/attachments/${a.index}">${escapeHtml(a.filename)}</a> <span class="muted">${escapeHtml(a.contentType)}, ${formatSize(a.size)}</span></li>`,
		)
		.join('');
	const body = `<header><a href="/">← All messages</a><h1>${escapeHtml(m.subject || '(no subject)')}</h1></header><main>
<dl>${row('From', m.from)}${row('To', m.toText || m.to.join(', '))}${row('Cc', m.ccText || m.cc.join(', '))}${row('Bcc', m.bcc.join(', '))}
${row('Reply-To', m.replyTo?.join(', '))}${row('Date', formatDate(m.date))}${row('Message-ID', m.messageId)}${row('Envelope', `${m.envelope.from} → ${m.envelope.to.join(', ')}`)}
${row('Size', formatSize(m.size))}</dl>
${attachments ? `<h3>Attachments</h3><ul>${attachments}</ul>` : ''}
<div class="tabs">${m.html ? '<strong>HTML</strong>' : ''}<a href="/messages/${encodeURIComponent(m.id)}/raw">Download .eml</a></div>
${m.html ? `<iframe sandbox referrerpolicy="no-referrer" src="/messages/${encodeURIComponent(m.id)}/html" title="HTML body"></iframe>` : ''}
<h3>Text</h3><pre>${escapeHtml(m.text || '(no text part)')}</pre></main>`;
	return page(m.subject || 'Message', body);
}

function contentDisposition(filename) {
	const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

function send(response, status, body, headers = {}) {
	response.writeHead(status, {
		'Cache-Control': 'no-store',
		'X-Content-Type-Options': 'nosniff',
		'Referrer-Policy': 'no-referrer',
		...headers,
	});
	response.end(body);
}

// On disk, the envelope (which holds the Bcc recipients) is kept in two header lines before the message.
const ENVELOPE_FROM = 'X-Catcher-Envelope-From: ';
const ENVELOPE_TO = 'X-Catcher-Envelope-To: ';

function toFile(envelope, raw) {
	const clean = (value) => String(value).replace(/[\r\n]/g, '');
	return Buffer.concat([
		Buffer.from(
			`${ENVELOPE_FROM}${clean(envelope.from)}\r\n${ENVELOPE_TO}${envelope.to.map(clean).join(', ')}\r\n`,
		),
		raw,
	]);
}

function fromFile(bytes) {
	const envelope = { from: '', to: [] };
	let offset = 0;
	for (const prefix of [ENVELOPE_FROM, ENVELOPE_TO]) {
		const end = bytes.indexOf('\r\n', offset);
		const line = end > 0 ? bytes.subarray(offset, end).toString('utf8') : '';
		if (!line.startsWith(prefix)) continue;
		const value = line.slice(prefix.length);
		if (prefix === ENVELOPE_FROM) envelope.from = value;
		else envelope.to = value ? value.split(', ') : [];
		offset = end + 2;
	}
	return { envelope, raw: bytes.subarray(offset) };
}

const listen = (server, port, host) =>
	new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve(server.address().port);
		});
	});

/**
 * Starts the catcher: SMTP on `smtpPort`, the web page and JSON API on `httpPort` (0 = any free port), both on
 * 127.0.0.1. Messages are kept in memory (the last `maxMessages`, at most `maxBytes` in all) and, when `dir` is
 * given, also as .eml files there, reloaded at the next start. `parse: false` keeps only the envelope and the raw
 * bytes (a faster sink for benchmarks).
 *
 * Returns `{ smtpPort, httpPort, url, messages(), clear(), waitFor(predicate, timeoutMs), stop() }`; messages()
 * lists them oldest first.
 *
 * JSON API: GET /api/messages (?to=, ?subject=, ?q=, ?messageId=), GET /api/messages/:id, DELETE /api/messages, GET /api/health.
 */
export async function startMailCatcher({
	smtpPort = 0,
	httpPort = 0,
	host = '127.0.0.1',
	log = () => {},
	maxMessages = 1000,
	maxBytes = 256 * 1024 * 1024,
	dir,
	parse = true,
} = {}) {
	const store = [];
	let bytes = 0;
	let sequence = 0;
	const waiters = new Set();
	const newId = () =>
		`${Date.now().toString(36)}${(sequence++).toString(36).padStart(3, '0')}${randomBytes(2).toString('hex')}`;
	const fileOf = (message) =>
		path.join(dir, `${message.receivedAt.replace(/[-:.]/g, '')}-${message.id}.eml`);

	const evict = () => {
		while (store.length > maxMessages || (bytes > maxBytes && store.length > 1)) {
			const old = store.shift();
			bytes -= old.size;
			if (dir) rmSync(fileOf(old), { force: true });
		}
	};
	const add = (message) => {
		store.push(message);
		bytes += message.size;
		evict();
		for (const waiter of waiters) waiter();
	};

	if (dir) {
		mkdirSync(dir, { recursive: true });
		const files = readdirSync(dir)
			.filter((name) => /^\d{8}T\d+Z-[0-9a-z]+\.eml$/.test(name))
			.sort();
		for (const stale of files.slice(0, Math.max(0, files.length - maxMessages)))
			rmSync(path.join(dir, stale), { force: true });
		for (const name of files.slice(-maxMessages)) {
			const [stamp, rest] = name.split('-');
			const id = rest.replace(/\.eml$/, '');
			const iso = stamp.replace(
				/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/,
				'$1-$2-$3T$4:$5:$6.$7Z',
			);
			try {
				const { envelope, raw } = fromFile(readFileSync(path.join(dir, name)));
				const message = await toMessage(id, raw, envelope, new Date(iso), parse);
				store.push(message);
				bytes += message.size;
			} catch {
				rmSync(path.join(dir, name), { force: true });
			}
		}
		evict();
	}

	const smtp = new CatcherServer({
		logger: false,
		secure: false,
		hideSTARTTLS: true,
		disabledCommands: ['STARTTLS'],
		authOptional: true,
		allowInsecureAuth: true,
		disableReverseLookup: true,
		size: MAX_MESSAGE_BYTES,
		closeTimeout: 1000,
		banner: 'n8n-nodes-receivables mail catcher: nothing is delivered',
		onAuth(auth, _session, callback) {
			callback(null, { user: auth.username || 'catcher' });
		},
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (chunk) => chunks.push(chunk));
			stream.on('error', callback);
			stream.on('end', async () => {
				if (stream.sizeExceeded) {
					const error = new Error(`Message larger than ${MAX_MESSAGE_BYTES} bytes`);
					error.responseCode = 552;
					return callback(error);
				}
				const raw = Buffer.concat(chunks);
				const envelope = {
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
				};
				try {
					const message = await toMessage(newId(), raw, envelope, new Date(), parse);
					if (dir) writeFileSync(fileOf(message), toFile(envelope, raw));
					add(message);
					log(`mail: ${message.subject || '(no subject)'} → ${envelope.to.join(', ')}`);
					callback(null, `Message ${message.id} caught`);
				} catch (error) {
					log(`mail: could not read a message: ${error.message}`);
					const failure = new Error('The catcher could not read this message');
					failure.responseCode = 451;
					callback(failure);
				}
			});
		},
	});
	smtp.on('error', (error) => log(`mail: SMTP error: ${error.message}`));
	const boundSmtpPort = await listen(smtp.server, smtpPort, host);

	const byId = (id) => store.find((m) => m.id === id);
	const server = http.createServer(async (request, response) => {
		try {
			const url = new URL(request.url ?? '/', 'http://catcher.local');
			const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
			const method = request.method ?? 'GET';
			if (method === 'GET' && parts.length === 0) {
				return send(
					response,
					200,
					listPage(store, url.searchParams.get('q') ?? '', boundSmtpPort),
					{ 'Content-Type': 'text/html; charset=utf-8' },
				);
			}
			if (method === 'POST' && parts[0] === 'clear' && parts.length === 1) {
				clear();
				return send(response, 303, '', { Location: '/' });
			}
			if (parts[0] === 'api') {
				const json = (status, value) =>
					send(response, status, JSON.stringify(value), {
						'Content-Type': 'application/json; charset=utf-8',
					});
				if (parts[1] === 'health' && method === 'GET')
					return json(200, { ok: true, count: store.length, smtpPort: boundSmtpPort });
				if (parts[1] === 'messages' && parts.length === 2) {
					if (method === 'DELETE') {
						clear();
						return json(200, { deleted: true });
					}
					if (method !== 'GET') return json(405, { error: 'Use GET or DELETE' });
					const to = url.searchParams.get('to')?.toLowerCase();
					const subject = url.searchParams.get('subject')?.toLowerCase();
					const q = url.searchParams.get('q') ?? '';
					const messageId = url.searchParams
						.get('messageId')
						?.trim()
						.replace(/^<|>$/g, '')
						.toLowerCase();
					const list = store.filter(
						(m) =>
							(!messageId ||
								String(m.messageId ?? '')
									.replace(/^<|>$/g, '')
									.toLowerCase() === messageId) &&
							(!to ||
								[...m.to, ...m.cc, ...m.bcc, ...m.envelope.to].some(
									(a) => a.toLowerCase() === to,
								)) &&
							(!subject || m.subject.toLowerCase().includes(subject)) &&
							matches(m, q),
					);
					return json(
						200,
						list.map((m) => summary(m)),
					);
				}
				if (parts[1] === 'messages' && parts.length === 3 && method === 'GET') {
					const message = byId(parts[2]);
					return message
						? json(200, summary(message, { full: true }))
						: json(404, { error: 'No such message' });
				}
				return json(404, { error: 'Not found' });
			}
			if (method === 'GET' && parts[0] === 'messages' && parts.length >= 2) {
				const message = byId(parts[1]);
				if (!message)
					return send(
						response,
						404,
						page('Not found', '<main><p>No such message. <a href="/">All messages</a></p></main>'),
						{ 'Content-Type': 'text/html; charset=utf-8' },
					);
				if (parts.length === 2)
					return send(response, 200, messagePage(message), {
						'Content-Type': 'text/html; charset=utf-8',
					});
				if (parts[2] === 'html' && parts.length === 3) {
					return send(response, 200, message.html ?? '', {
						'Content-Type': 'text/html; charset=utf-8',
						'Content-Security-Policy':
							"sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:",
					});
				}
				if (parts[2] === 'raw' && parts.length === 3) {
					return send(response, 200, message.raw, {
						'Content-Type': 'message/rfc822',
						'Content-Disposition': contentDisposition(`${message.id}.eml`),
					});
				}
				if (parts[2] === 'attachments' && parts.length === 4) {
					const attachment = message.attachments[Number(parts[3])];
					if (!attachment)
						return send(response, 404, 'No such attachment', {
							'Content-Type': 'text/plain; charset=utf-8',
						});
					return send(response, 200, attachment.content, {
						'Content-Type': 'application/octet-stream',
						'Content-Disposition': contentDisposition(attachment.filename),
						'X-Original-Content-Type': attachment.contentType,
					});
				}
			}
			return send(
				response,
				404,
				page('Not found', '<main><p>Not found. <a href="/">All messages</a></p></main>'),
				{ 'Content-Type': 'text/html; charset=utf-8' },
			);
		} catch (error) {
			log(`mail: web page error: ${error.message}`);
			return send(response, 500, 'Internal error', { 'Content-Type': 'text/plain; charset=utf-8' });
		}
	});
	let boundHttpPort;
	try {
		boundHttpPort = await listen(server, httpPort, host);
	} catch (error) {
		await new Promise((resolve) => smtp.close(resolve));
		throw error;
	}

	function clear() {
		if (dir) for (const message of store) rmSync(fileOf(message), { force: true });
		store.length = 0;
		bytes = 0;
	}

	/** Resolves with the messages matching `predicate` once there is at least one (or `count`). */
	function waitFor(predicate = () => true, { timeoutMs = 30_000, count = 1 } = {}) {
		return new Promise((resolve, reject) => {
			const check = () => {
				const found = store.filter(predicate);
				if (found.length >= count) {
					waiters.delete(check);
					clearTimeout(timer);
					resolve(found);
				}
			};
			const timer = setTimeout(() => {
				waiters.delete(check);
				reject(
					new Error(
						`No ${count} matching message(s) after ${timeoutMs} ms (caught so far: ${store.length})`,
					),
				);
			}, timeoutMs);
			waiters.add(check);
			check();
		});
	}

	let stopping;
	const stop = () => {
		stopping ??= Promise.all([
			new Promise((resolve) => smtp.close(resolve)),
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections?.();
			}),
		]).then(() => undefined);
		return stopping;
	};

	return {
		smtpPort: boundSmtpPort,
		httpPort: boundHttpPort,
		host,
		url: `http://${host}:${boundHttpPort}`,
		fastGreeting: FAST_GREETING,
		messages: () => [...store],
		clear,
		waitFor,
		stop,
	};
}

function argument(name) {
	const index = process.argv.indexOf(name);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	const catcher = await startMailCatcher({
		smtpPort: Number(argument('--smtp-port') ?? 0),
		httpPort: Number(argument('--http-port') ?? 0),
		dir: argument('--dir'),
		maxMessages: Number(argument('--max-messages') ?? 1000),
		parse: !process.argv.includes('--no-parse'),
		log: process.argv.includes('--quiet') ? () => {} : (line) => console.error(line),
	});
	console.log(
		JSON.stringify({
			smtpPort: catcher.smtpPort,
			httpPort: catcher.httpPort,
			url: catcher.url,
			fastGreeting: catcher.fastGreeting,
		}),
	);
	const stop = () => catcher.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}
