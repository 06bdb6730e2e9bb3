// The reverse proxy of the compose profile "proxy" (docker/proxy/nginx.conf): its configuration passes `nginx -t`
// as shipped, and a real nginx running it in front of a stand-in for n8n serves only the public paths, refuses
// unsigned webhook requests before they reach n8n, and answers 413 above 5 MB.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
	copyFileSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..', '..');
const CONF = path.join(root, 'docker', 'proxy', 'nginx.conf');
const nginxFound = spawnSync('nginx', ['-v']).status === 0;
const inCi = Boolean(process.env.CI);
if (!nginxFound && !inCi) {
	process.stderr.write(
		'test/security/proxy.test.ts: nginx is not installed here (apt-get install nginx-light); the proxy configuration is not checked on this machine.\n',
	);
}
const withNginx = nginxFound || inCi ? describe : describe.skip;

/** A copy of the shipped configuration with a self-signed certificate beside it, as docker/proxy is mounted. */
function prefixWithCertificate(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'receivables-proxy-'));
	mkdirSync(path.join(dir, 'tls'));
	copyFileSync(CONF, path.join(dir, 'nginx.conf'));
	const made = spawnSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-subj',
			'/CN=localhost',
			'-days',
			'2',
			'-keyout',
			path.join(dir, 'tls', 'privkey.pem'),
			'-out',
			path.join(dir, 'tls', 'fullchain.pem'),
		],
		{ encoding: 'utf8' },
	);
	if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
	return dir;
}

describe('docker/compose.yml: the proxy profile', () => {
	const compose = parse(readFileSync(path.join(root, 'docker', 'compose.yml'), 'utf8'), {
		merge: true,
	}) as {
		services: Record<
			string,
			{ profiles?: string[]; image?: string; ports?: string[]; volumes?: string[] }
		>;
	};

	test('runs nginx with the shipped configuration, on 443 and 80, only with --profile proxy; the editor stays on loopback', () => {
		const proxy = compose.services.proxy;
		expect(proxy.profiles).toEqual(['proxy']);
		expect(proxy.image).toMatch(/^nginx:/);
		expect(proxy.volumes).toEqual(
			expect.arrayContaining([
				'./proxy/nginx.conf:/etc/nginx/nginx.conf:ro',
				expect.stringMatching(/:\/etc\/nginx\/tls:ro$/),
			]),
		);
		expect(proxy.ports?.map((p) => p.split(':').pop())).toEqual(['443', '80']);
		for (const port of compose.services.n8n.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
	});

	test('the paths the shipped workflows publish are the ones the proxy serves (a new public workflow cannot be forgotten here)', () => {
		const conf = readFileSync(CONF, 'utf8');
		const served = [...conf.matchAll(/location = (\/webhook\/\S+)/g)].map((m) => m[1]);
		const pages =
			/location ~ \^\/webhook\/receivables\/\(([a-z|-]+)\)\$/.exec(conf)?.[1].split('|') ?? [];
		served.push(...pages.map((p) => `/webhook/receivables/${p}`));
		const published = readdirSync(path.join(root, 'workflows'))
			.filter((f) => f.endsWith('.json'))
			.flatMap((f) => {
				const workflow = JSON.parse(readFileSync(path.join(root, 'workflows', f), 'utf8')) as {
					nodes: Array<{ type: string; parameters: { path?: string } }>;
				};
				return workflow.nodes
					.filter((n) => /\.(webhook|receivablesPageTrigger)$/.test(n.type) && n.parameters.path)
					.map((n) => `/webhook/${n.parameters.path}`);
			});
		expect(published.length).toBeGreaterThan(5);
		expect([...new Set(published)].sort()).toEqual([...new Set(served)].sort());
	});
});

withNginx('docker/proxy/nginx.conf', () => {
	let dir: string;
	beforeAll(() => {
		if (!nginxFound) throw new Error('nginx is needed here (CI): add nginx-light to .ci/run');
		dir = prefixWithCertificate();
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	test('passes nginx -t as shipped', () => {
		const result = spawnSync(
			'nginx',
			['-t', '-c', path.join(dir, 'nginx.conf'), '-p', `${dir}/`, '-g', `pid ${dir}/nginx.pid;`],
			{ encoding: 'utf8' },
		);
		expect({ status: result.status, output: result.stderr }).toEqual({
			status: 0,
			output: expect.stringContaining('test is successful'),
		});
	});

	describe('in front of a stand-in for n8n', () => {
		let upstream: http.Server;
		let nginx: ChildProcess;
		let httpsPort: number;
		const reached: string[] = [];

		const freePort = () =>
			new Promise<number>((resolve) => {
				const server = http.createServer().listen(0, '127.0.0.1', () => {
					const { port } = server.address() as AddressInfo;
					server.close(() => resolve(port));
				});
			});

		beforeAll(async () => {
			upstream = http.createServer((req, res) => {
				req.resume();
				req.on('end', () => {
					reached.push(`${req.method} ${req.url}`);
					res.writeHead(200, { 'content-type': 'application/json' }).end('{"stored":true}');
				});
			});
			await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
			httpsPort = await freePort();
			const httpPort = await freePort();
			// Only the addresses change: ports of this machine, and the stand-in instead of Docker's n8n service.
			const conf = readFileSync(CONF, 'utf8')
				.replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
				.replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
				.replace(
					'set $n8n http://n8n:5678;',
					`set $n8n http://127.0.0.1:${(upstream.address() as AddressInfo).port};`,
				)
				.replace(
					'access_log /var/log/nginx/access.log public;',
					`access_log ${path.join(dir, 'access.log')} public;`,
				);
			expect(conf).toContain(`127.0.0.1:${httpsPort}`);
			expect(conf).toContain(path.join(dir, 'access.log'));
			writeFileSync(path.join(dir, 'running.conf'), conf);
			nginx = spawn(
				'nginx',
				[
					'-c',
					path.join(dir, 'running.conf'),
					'-p',
					`${dir}/`,
					'-g',
					`daemon off; pid ${dir}/nginx.pid;`,
				],
				{ stdio: ['ignore', 'ignore', 'pipe'] },
			);
			let stderr = '';
			nginx.stderr?.on('data', (chunk: Buffer) => (stderr += String(chunk)));
			for (let i = 0; i < 100; i++) {
				const up = await new Promise<boolean>((resolve) => {
					const socket = https.request(
						{ host: '127.0.0.1', port: httpsPort, path: '/', rejectUnauthorized: false },
						(res) => {
							res.resume();
							resolve(true);
						},
					);
					socket.on('error', () => resolve(false));
					socket.end();
				});
				if (up) return;
				if (nginx.exitCode !== null) throw new Error(`nginx stopped: ${stderr}`);
				await new Promise((r) => setTimeout(r, 100));
			}
			throw new Error(`nginx did not start: ${stderr}`);
		}, 30_000);

		afterAll(async () => {
			if (nginx && nginx.exitCode === null) {
				const exited = new Promise((resolve) => nginx.on('exit', resolve));
				nginx.kill('SIGQUIT');
				await exited;
			}
			await new Promise((resolve) => upstream?.close(resolve));
		});

		const send = (
			method: string,
			urlPath: string,
			headers: Record<string, string> = {},
			body?: Buffer,
		) =>
			new Promise<number>((resolve, reject) => {
				const req = https.request(
					{
						host: '127.0.0.1',
						port: httpsPort,
						path: urlPath,
						method,
						headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) },
						rejectUnauthorized: false,
					},
					(res) => {
						res.resume();
						res.on('end', () => resolve(res.statusCode ?? 0));
					},
				);
				req.on('error', (error: NodeJS.ErrnoException) =>
					error.code === 'EPIPE' || error.code === 'ECONNRESET' ? resolve(413) : reject(error),
				);
				req.end(body);
			});

		test('passes a signed webhook request and the pages to n8n', async () => {
			const body = Buffer.from('{"invoices":[]}');
			expect(
				await send(
					'POST',
					'/webhook/receivables/signed',
					{
						'content-type': 'application/json',
						'x-receivables-signature': 't=1,v2=00',
						'x-receivables-delivery': 'd-1',
					},
					body,
				),
			).toBe(200);
			expect(await send('GET', '/webhook/receivables/portal')).toBe(200);
			expect(reached).toEqual([
				'POST /webhook/receivables/signed',
				'GET /webhook/receivables/portal',
			]);
		});

		test('serves every public path of the shipped workflows: the e-invoicing statuses webhook (signed) and the payer page', async () => {
			reached.length = 0;
			const signed = {
				'content-type': 'application/json',
				'x-receivables-signature': 't=1,v2=00',
				'x-receivables-delivery': 'd-3',
			};
			expect(
				await send(
					'POST',
					'/webhook/receivables/einvoicing/statuses',
					signed,
					Buffer.from('{"events":[]}'),
				),
			).toBe(200);
			expect(
				await send(
					'POST',
					'/webhook/receivables/einvoicing/statuses',
					{ 'content-type': 'application/json' },
					Buffer.from('{"events":[]}'),
				),
			).toBe(401);
			expect(
				await send('GET', '/webhook/receivables/einvoicing/statuses', {
					'x-receivables-signature': 't=1,v2=00',
				}),
			).toBe(403);
			expect(await send('GET', '/webhook/receivables/payer?t=payer-link-token-7d1e9a')).toBe(200);
			expect(
				await send(
					'POST',
					'/webhook/receivables/payer',
					{ 'content-type': 'application/x-www-form-urlencoded' },
					Buffer.from('t=payer-link-token-7d1e9a&action=copy'),
				),
			).toBe(200);
			expect(
				await send(
					'POST',
					'/webhook/receivables/payer',
					{ 'content-type': 'application/x-www-form-urlencoded' },
					Buffer.alloc(2 * 1024 * 1024, 0x61),
				),
			).toBe(413);
			expect(reached).toEqual([
				'POST /webhook/receivables/einvoicing/statuses',
				'GET /webhook/receivables/payer?t=payer-link-token-7d1e9a',
				'POST /webhook/receivables/payer',
			]);
		});

		test('passes the platform’s AFNOR flow notifications only with their Afnor-Signature header, 1 MB at most', async () => {
			reached.length = 0;
			const flow = Buffer.from('{"flowId":"f-1"}');
			const afnor = {
				'content-type': 'application/json',
				'afnor-signature': 'c2lnbmF0dXJl',
				'afnor-signature-timestamp': '1765099200',
			};
			expect(await send('POST', '/webhook/receivables/einvoicing/flows', afnor, flow)).toBe(200);
			expect(
				await send(
					'POST',
					'/webhook/receivables/einvoicing/flows',
					{ 'content-type': 'application/json' },
					flow,
				),
			).toBe(401);
			expect(
				await send(
					'POST',
					'/webhook/receivables/einvoicing/flows',
					{ 'content-type': 'application/json', 'x-receivables-signature': 't=1,v2=00' },
					flow,
				),
			).toBe(401);
			expect(await send('GET', '/webhook/receivables/einvoicing/flows', afnor)).toBe(403);
			expect(
				await send(
					'POST',
					'/webhook/receivables/einvoicing/flows',
					afnor,
					Buffer.alloc(2 * 1024 * 1024, 0x20),
				),
			).toBe(413);
			expect(reached).toEqual(['POST /webhook/receivables/einvoicing/flows']);
		});

		test('writes paths without their query strings to the access log: no payer link token there', async () => {
			await send('GET', '/webhook/receivables/payer?t=payer-link-token-logged-3c5f');
			// nginx writes a request's line once it is answered; give it a moment.
			let log = '';
			for (let i = 0; i < 50 && !log.includes('/webhook/receivables/payer'); i++) {
				await new Promise((r) => setTimeout(r, 100));
				log = readFileSync(path.join(dir, 'access.log'), 'utf8');
			}
			expect(log).toContain('"GET /webhook/receivables/payer HTTP/');
			expect(log).not.toContain('payer-link-token');
		});

		test('refuses unsigned webhook requests, other methods, the editor, its API and other webhooks, without reaching n8n', async () => {
			reached.length = 0;
			expect(
				await send(
					'POST',
					'/webhook/receivables/signed',
					{ 'content-type': 'application/json' },
					Buffer.from('{}'),
				),
			).toBe(401);
			expect(
				await send(
					'POST',
					'/webhook/receivables/courier-events',
					{ 'content-type': 'application/json' },
					Buffer.from('{}'),
				),
			).toBe(401);
			expect(
				await send('GET', '/webhook/receivables/signed', {
					'x-receivables-signature': 't=1,v2=00',
				}),
			).toBe(403);
			for (const other of [
				'/',
				'/signin',
				'/rest/login',
				'/rest/workflows',
				'/webhook-test/receivables/signed',
				'/webhook/someone-elses-hook',
				'/webhook/receivables/signed/../invoices',
			]) {
				expect({ other, status: await send('GET', other) }).toEqual({ other, status: 404 });
			}
			expect(reached).toEqual([]);
		});

		test('answers 413 to a body over 5 MB before n8n reads anything', async () => {
			reached.length = 0;
			const status = await send(
				'POST',
				'/webhook/receivables/signed',
				{
					'content-type': 'application/json',
					'x-receivables-signature': 't=1,v2=00',
					'x-receivables-delivery': 'd-2',
				},
				Buffer.alloc(6 * 1024 * 1024, 0x20),
			);
			expect(status).toBe(413);
			expect(reached).toEqual([]);
		});
	});
});
