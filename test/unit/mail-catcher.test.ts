// The local mail catcher of `npm start` (scripts/lib/mail-catcher.mjs), run as its own process: messages sent with
// nodemailer are read back over its JSON API and web page.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import * as nodemailer from 'nodemailer';
import { REPO_ROOT } from '../helpers/scripts';

jest.setTimeout(60_000);

interface CatcherInfo {
	smtpPort: number;
	httpPort: number;
	url: string;
	fastGreeting: boolean;
}

interface Running {
	info: CatcherInfo;
	child: ChildProcess;
	stop(): Promise<number | null>;
}

interface ApiMessage {
	id: string;
	from: string;
	to: string[];
	cc: string[];
	bcc: string[];
	subject: string;
	date: string;
	messageId: string;
	envelope: { from: string; to: string[] };
	attachments: Array<{
		index: number;
		filename: string;
		contentType: string;
		size: number;
		url: string;
	}>;
	text?: string;
	html?: string | null;
	headers?: Record<string, string>;
}

function startCatcher(args: string[]): Promise<Running> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[path.join(REPO_ROOT, 'scripts', 'lib', 'mail-catcher.mjs'), '--quiet', ...args],
			{
				cwd: REPO_ROOT,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let out = '';
		let err = '';
		const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
		child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			out += chunk;
			const line = out.split('\n')[0];
			if (out.includes('\n')) {
				resolve({
					info: JSON.parse(line) as CatcherInfo,
					child,
					stop: async () => {
						child.kill('SIGTERM');
						return await exited;
					},
				});
			}
		});
		child.on('exit', (code) => reject(new Error(`catcher exited ${code}: ${err}`)));
	});
}

async function api<T>(running: Running, route: string, init?: RequestInit): Promise<T> {
	const response = await fetch(`${running.info.url}${route}`, init);
	expect(response.ok).toBe(true);
	return (await response.json()) as T;
}

function transport(running: Running) {
	return nodemailer.createTransport({
		host: '127.0.0.1',
		port: running.info.smtpPort,
		secure: false,
	});
}

const PDF = Buffer.from('%PDF-1.4\n% facture FA-2026-00042\n%%EOF\n');

describe('mail catcher', () => {
	let dir: string;
	let running: Running | undefined;

	beforeEach(() => {
		dir = mkdtempSync(path.join(os.tmpdir(), 'catcher-'));
	});
	afterEach(async () => {
		await running?.stop();
		running = undefined;
		rmSync(dir, { recursive: true, force: true });
	});

	it('catches a message with cc, bcc, HTML and an attachment, and serves it as JSON, web page and files', async () => {
		running = await startCatcher(['--dir', dir]);
		expect(running.info.fastGreeting).toBe(true);

		const greeting = await new Promise<string>((resolve, reject) => {
			const socket = net.connect(running!.info.smtpPort, '127.0.0.1');
			socket.once('data', (data) => {
				socket.end();
				resolve(String(data));
			});
			socket.once('error', reject);
		});
		expect(greeting).toMatch(/^220 /);

		const info = await transport(running).sendMail({
			from: 'Service relances <relances@orbel.example>',
			to: 'Comptabilité Martin <compta@martin.example>',
			cc: 'julien.moreau@orbel.example',
			bcc: 'archives@orbel.example',
			subject: 'Relance : facture FA-2026-00042 <échue>',
			text: 'Bonjour,\nla facture FA-2026-00042 de 1 234,56 € est échue.',
			html: '<p>Bonjour,</p><script>alert(1)</script><p>la facture <b>FA-2026-00042</b> est échue.</p>',
			attachments: [
				{ filename: 'Facture FA-2026-00042 é.pdf', content: PDF, contentType: 'application/pdf' },
			],
		});
		expect(info.response).toMatch(/^250 /);

		const list = await api<ApiMessage[]>(running, '/api/messages');
		expect(list).toHaveLength(1);
		const [message] = list;
		expect(message.subject).toBe('Relance : facture FA-2026-00042 <échue>');
		expect(message.from).toContain('relances@orbel.example');
		expect(message.to).toEqual(['compta@martin.example']);
		expect(message.cc).toEqual(['julien.moreau@orbel.example']);
		expect(message.bcc).toEqual(['archives@orbel.example']);
		expect(message.envelope.to).toEqual([
			'compta@martin.example',
			'julien.moreau@orbel.example',
			'archives@orbel.example',
		]);
		expect(message.messageId).toBe(info.messageId);
		expect(message.attachments).toEqual([
			expect.objectContaining({
				filename: 'Facture FA-2026-00042 é.pdf',
				contentType: 'application/pdf',
				size: PDF.length,
			}),
		]);

		expect(
			await api<ApiMessage[]>(running, '/api/messages?to=archives@orbel.example'),
		).toHaveLength(1);
		expect(await api<ApiMessage[]>(running, '/api/messages?to=nobody@orbel.example')).toHaveLength(
			0,
		);
		expect(await api<ApiMessage[]>(running, '/api/messages?subject=fa-2026-00042')).toHaveLength(1);

		const full = await api<ApiMessage>(running, `/api/messages/${message.id}`);
		expect(full.text).toContain('1 234,56 € est échue');
		expect(full.html).toContain('<b>FA-2026-00042</b>');
		expect(full.headers?.['message-id']).toBe(info.messageId);

		const attachment = await fetch(`${running.info.url}${message.attachments[0].url}`);
		expect(attachment.headers.get('content-disposition')).toContain(
			"filename*=UTF-8''Facture%20FA-2026-00042%20%C3%A9.pdf",
		);
		expect(Buffer.from(await attachment.arrayBuffer()).equals(PDF)).toBe(true);

		const html = await fetch(`${running.info.url}/messages/${message.id}/html`);
		expect(html.headers.get('content-security-policy')).toMatch(/^sandbox;/);

		const raw = await fetch(`${running.info.url}/messages/${message.id}/raw`);
		const reparsed = await simpleParser(Buffer.from(await raw.arrayBuffer()));
		expect(reparsed.subject).toBe(message.subject);

		const listPage = await (await fetch(`${running.info.url}/`)).text();
		expect(listPage).toContain('Relance : facture FA-2026-00042 &lt;échue&gt;');
		expect(listPage).not.toContain('<échue>');
		const messagePage = await (await fetch(`${running.info.url}/messages/${message.id}`)).text();
		expect(messagePage).toContain(
			`<iframe sandbox referrerpolicy="no-referrer" src="/messages/${message.id}/html"`,
		);
		expect(messagePage).not.toContain('<script>alert(1)</script>');
		expect(messagePage).toContain('Facture FA-2026-00042 é.pdf');
	});

	it('keeps the last messages within its bound, keeps them across restarts and deletes them on request', async () => {
		running = await startCatcher(['--dir', dir, '--max-messages', '3']);
		const mailer = transport(running);
		for (let i = 1; i <= 5; i++) {
			await mailer.sendMail({
				from: 'relances@orbel.example',
				to: `client${i}@example.com`,
				bcc: 'archives@orbel.example',
				subject: `Message ${i}`,
				text: `n° ${i}`,
			});
		}
		expect((await api<ApiMessage[]>(running, '/api/messages')).map((m) => m.subject)).toEqual([
			'Message 3',
			'Message 4',
			'Message 5',
		]);
		expect(readdirSync(dir)).toHaveLength(3);

		expect(await running.stop()).toBe(0);
		running = await startCatcher(['--dir', dir, '--max-messages', '3']);
		const reloaded = await api<ApiMessage[]>(running, '/api/messages');
		expect(reloaded.map((m) => m.subject)).toEqual(['Message 3', 'Message 4', 'Message 5']);
		expect(reloaded[0].bcc).toEqual(['archives@orbel.example']);
		expect(reloaded[0].to).toEqual(['client3@example.com']);

		await api(running, '/api/messages', { method: 'DELETE' });
		expect(await api<ApiMessage[]>(running, '/api/messages')).toHaveLength(0);
		expect(readdirSync(dir)).toHaveLength(0);
		expect((await api<{ ok: boolean; count: number }>(running, '/api/health')).count).toBe(0);
	});

	it('answers unknown messages with 404 and stops on SIGTERM', async () => {
		running = await startCatcher([]);
		expect((await fetch(`${running.info.url}/api/messages/nope`)).status).toBe(404);
		expect((await fetch(`${running.info.url}/messages/nope`)).status).toBe(404);
		expect((await fetch(`${running.info.url}/messages/nope/attachments/0`)).status).toBe(404);
		const code = await running.stop();
		running = undefined;
		expect(code).toBe(0);
	});
});
