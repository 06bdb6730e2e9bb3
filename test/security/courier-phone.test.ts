// Bad bytes from a courier's phone, through the shipped courier-events workflow (Receivables Page Trigger, real
// ledger): a NUL character (a byte or \u0000 in the JSON) and bytes that are not UTF-8 get a clear 400 and record
// nothing — never a mangled name in the ledger, never a 503 that a phone takes for "send again later".
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
	enrolCourierDevice,
	markInvoicesEntered,
	planWaves,
	releaseWave,
	saveCourierAccount,
	signWebhookRequest,
} from '../../core';
import { loadWorkflow, PACKAGE_ROOT } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';
import { callPageTrigger } from '../helpers/pageTrigger';
import { ReceivablesPageTrigger } from '../../nodes/ReceivablesPageTrigger/ReceivablesPageTrigger.node';
import { closeLedgers } from '../../nodes/shared/transport/ledger';
import { seedDistribution } from '../workflows/distribution-helpers';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'tracking-courier-events.json'));

describe('security: bad bytes from a courier’s phone', () => {
	const t = engineLedger();
	let phone = { deviceId: '', key: '' };
	beforeAll(async () => {
		await seedDistribution(t.ledger);
		const plan = await planWaves(t.ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 10,
		});
		for (const w of plan.waves) {
			await markInvoicesEntered(t.ledger, { waveCode: w.code });
			await releaseWave(t.ledger, {
				waveCode: w.code,
				releasedAt: new Date(Date.now() - 3600_000),
			});
		}
		await saveCourierAccount(t.ledger, {
			login: 'youssef',
			name: 'Youssef',
			staffCode: 'C1',
			secret: 'courier one secret',
		});
		phone = await enrolCourierDevice(t.ledger, {
			courierLogin: 'youssef',
			label: 'Youssef — phone',
		});
	});
	// The page trigger's ledger pools, before engineLedger drops the schema.
	afterAll(() => closeLedgers());

	const post = (raw: Buffer, delivery: string) =>
		callPageTrigger(WORKFLOW, t.credentials, {
			method: 'POST',
			rawBody: raw,
			headers: {
				'content-type': 'application/json',
				'x-receivables-device': phone.deviceId,
				'x-receivables-delivery': delivery,
				'x-receivables-signature': signWebhookRequest({
					rawBody: raw,
					secret: phone.key,
					deliveryId: delivery,
				}),
			},
		});
	const event = (eventId: string, recipientName: string) => ({
		events: [
			{
				eventId,
				type: 'delivered',
				invoiceNumber: 'MA-1',
				occurredAt: new Date(Date.now() - 60_000).toISOString(),
				recipientName,
			},
		],
	});
	const recorded = async () =>
		(await t.ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM courier_events'))[0].n;

	test('NUL characters and invalid UTF-8 get a clear 400 in English and French, record nothing and start nothing', async () => {
		const cases: Array<[string, Buffer, string]> = [
			[
				'escaped-nul',
				Buffer.from(JSON.stringify(event('sec-ev-0001', 'M. A\u0000laoui'))),
				'BODY_NUL',
			],
			[
				'raw-nul',
				Buffer.concat([
					Buffer.from('{"events":[{"eventId":"sec-ev-0002","recipientName":"M. A'),
					Buffer.from([0]),
					Buffer.from('"}]}'),
				]),
				'BODY_NUL',
			],
			[
				'latin1',
				Buffer.from(JSON.stringify(event('sec-ev-0003', 'Société Générale')), 'latin1'),
				'BODY_NOT_UTF8',
			],
		];
		for (const [delivery, raw, code] of cases) {
			const answer = await post(raw, `sec-${delivery}`);
			expect({
				delivery,
				status: answer.status,
				code: (answer.json as { code?: string }).code,
			}).toEqual({ delivery, status: 400, code });
			expect((answer.json as { errorFr?: string; error?: string }).error ?? '').toMatch(
				/NUL|UTF-8/,
			);
			expect(answer.workflowData).toBeUndefined();
		}
		expect(await recorded()).toBe('0');
		// The same event in UTF-8 is recorded, with its name as the courier typed it.
		const ok = await post(
			Buffer.from(JSON.stringify(event('sec-ev-0003', 'Société Générale'))),
			'sec-utf8',
		);
		expect(ok.status).toBe(200);
		expect(await t.ledger.query('SELECT recipient_name FROM courier_events')).toEqual([
			{ recipient_name: 'Société Générale' },
		]);
	});

	// n8n 2.40.7 reads and parses the body of a version-1 trigger (up to its own 16 MB, 500 above) before the node
	// runs unless the node's options.binaryData is set: the signed pages set it and read the body themselves.
	test('oversized requests get 413 in English and French before being read, even above n8n’s own 16 MB; nothing starts', async () => {
		const hidden = new ReceivablesPageTrigger().description.properties.find(
			(p) => p.name === 'options',
		);
		expect(hidden).toMatchObject({ type: 'hidden', default: { binaryData: true } });
		expect([...((hidden?.displayOptions?.show?.page as string[]) ?? [])].sort()).toEqual([
			'courierEvents',
			'einvoicingStatuses',
			'platformFlows',
			'signedIntake',
		]);
		const headers = (extra: Record<string, string>) => ({
			'content-type': 'application/json',
			'x-receivables-device': phone.deviceId,
			'x-receivables-delivery': 'sec-big',
			'x-receivables-signature': 'v1=0',
			...extra,
		});
		const cases: Array<[string, Parameters<typeof callPageTrigger>[2], number, string]> = [
			[
				'announced above the page’s 8 MB',
				{
					method: 'POST',
					rawBody: Buffer.from('{}'),
					headers: headers({ 'content-length': String(9 * 1024 * 1024) }),
				},
				413,
				'BODY_TOO_LARGE',
			],
			[
				'announced above n8n’s 16 MB',
				{
					method: 'POST',
					rawBody: Buffer.from('{}'),
					headers: headers({ 'content-length': String(20 * 1024 * 1024) }),
				},
				413,
				'BODY_TOO_LARGE',
			],
			[
				'above n8n’s 16 MB when read',
				{
					method: 'POST',
					rawBody: Buffer.alloc(17 * 1024 * 1024, 0x20),
					headers: headers({ 'content-length': '2' }),
				},
				413,
				'BODY_TOO_LARGE',
			],
			[
				'unreadable (a gzip body that is not gzip)',
				{
					method: 'POST',
					rawBody: Buffer.from('{}'),
					headers: headers({ 'content-encoding': 'gzip' }),
					readFails: { message: 'incorrect header check', status: 400 },
				},
				400,
				'BODY_UNREADABLE',
			],
		];
		for (const [what, call, status, code] of cases) {
			const answer = await callPageTrigger(WORKFLOW, t.credentials, call);
			const json = answer.json as { code?: string; error?: string; errorFr?: string };
			expect({ what, status: answer.status, code: json.code }).toEqual({ what, status, code });
			expect(json.error).toEqual(expect.any(String));
			expect(json.errorFr).toEqual(expect.any(String));
			expect(answer.headers.connection).toBe('close');
			expect(answer.workflowData).toBeUndefined();
		}
		expect(await recorded()).toBe('1');
	});
	// Sent in chunks without Content-Length, a body announces no size: the page stops reading as soon as the bytes
	// read pass its own limit (8 MB here), not at n8n's 16 MB, and answers the same 413.
	test('a chunked body without Content-Length is read only up to the page’s limit, then 413 in English and French; nothing starts', async () => {
		const CHUNK = 64 * 1024;
		const LIMIT = 8 * 1024 * 1024;
		let pulled = 0;
		function* chunks(total: number, byte = 0x20) {
			for (let sent = 0; sent < total; sent += CHUNK) {
				pulled += CHUNK;
				yield Buffer.alloc(CHUNK, byte);
			}
		}
		const headers = {
			'content-type': 'application/json',
			'x-receivables-device': phone.deviceId,
			'x-receivables-delivery': 'sec-chunked',
			'x-receivables-signature': 'v1=0',
		};
		const check = (answer: Awaited<ReturnType<typeof callPageTrigger>>) => {
			const json = answer.json as { code?: string; error?: string; errorFr?: string };
			expect({ status: answer.status, code: json.code }).toEqual({
				status: 413,
				code: 'BODY_TOO_LARGE',
			});
			expect(json.error).toMatch(/too large/);
			expect(json.errorFr).toMatch(/trop volumineux/);
			expect(answer.headers.connection).toBe('close');
			expect(answer.workflowData).toBeUndefined();
		};
		const before = await recorded();
		// 40 MB offered: the reading stops just past 8 MB (what the stream had buffered ahead at most), far below 16 MB.
		check(
			await callPageTrigger(WORKFLOW, t.credentials, { headers, chunks: chunks(40 * 1024 * 1024) }),
		);
		expect(pulled).toBeGreaterThan(LIMIT);
		expect(pulled).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
		// Compressed: 12 MB of spaces gzipped to a few kB; the limit counts the bytes once decompressed.
		const bomb = gzipSync(Buffer.alloc(12 * 1024 * 1024, 0x20));
		expect(bomb.length).toBeLessThan(64 * 1024);
		check(
			await callPageTrigger(WORKFLOW, t.credentials, {
				headers: { ...headers, 'content-encoding': 'gzip' },
				chunks: [bomb.subarray(0, 1000), bomb.subarray(1000)],
			}),
		);
		// Within the limit, a chunked (and a gzipped chunked) delivery is read whole and recorded as any other.
		const raw = Buffer.from(JSON.stringify(event('sec-ev-chunk', 'Mme Chunk')));
		const signed = (delivery: string) => ({
			...headers,
			'x-receivables-delivery': delivery,
			'x-receivables-signature': signWebhookRequest({
				rawBody: raw,
				secret: phone.key,
				deliveryId: delivery,
			}),
		});
		const ok = await callPageTrigger(WORKFLOW, t.credentials, {
			headers: signed('sec-chunked-ok'),
			chunks: [raw.subarray(0, 10), raw.subarray(10)],
		});
		expect(ok.status).toBe(200);
		const gz = gzipSync(raw);
		const okGz = await callPageTrigger(WORKFLOW, t.credentials, {
			headers: { ...signed('sec-chunked-gz'), 'content-encoding': 'gzip' },
			chunks: [gz.subarray(0, 7), gz.subarray(7)],
		});
		expect(okGz.status).toBe(200);
		expect(Number(await recorded())).toBe(Number(before) + 1);
	});
});
