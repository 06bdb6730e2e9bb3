import { createHash, createHmac } from 'node:crypto';
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { createIntegrationKey, revokeIntegrationKey } from '../intake/keys';
import { afnorCallResponse, PLATFORM_FLOWS_PURPOSE, receiveAfnorNotification } from './afnor';

// A call of the platform's AFNOR webhook, checked against the platform's signing keys kept in the ledger (integration
// keys of purpose platform-flows), on a real ledger.
let ledger: Ledger;
const OLD = Buffer.alloc(32, 1);
const NEW = Buffer.alloc(32, 2);
let oldKeyId = '';

const flow = (over: Record<string, unknown> = {}) => ({
	flowId: 'f-1',
	flowType: 'CustomerInvoiceLC',
	flowSyntax: 'CDAR',
	flowDirection: 'In',
	acknowledgement: { status: 'Ok' },
	updatedAt: '2026-12-07T09:00:00Z',
	...over,
});
function call(body: unknown, key: Buffer, timestamp = String(Math.floor(Date.now() / 1000))) {
	const rawBody = Buffer.isBuffer(body)
		? body
		: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	const signature = createHmac('sha256', key)
		.update(
			createHash('sha256')
				.update(Buffer.concat([rawBody, Buffer.from(`@${timestamp}`)]))
				.digest(),
		)
		.digest('base64');
	return {
		rawBody,
		headers: { 'Afnor-Signature': signature, 'afnor-signature-timestamp': timestamp },
	};
}
const deliveries = async () =>
	(
		await ledger.query<{ n: string }>(
			"SELECT count(*)::text AS n FROM webhook_deliveries WHERE purpose = 'platform-flows'",
		)
	)[0].n;

beforeAll(async () => {
	ledger = await createTestLedger();
});
afterAll(async () => dropTestLedger(ledger));

describe('receiveAfnorNotification', () => {
	it('refuses every call while the platform has no signing key in the ledger (a key of another purpose does not count)', async () => {
		await createIntegrationKey(ledger, {
			sender: 'pa-other',
			purposes: ['lifecycle'],
			secret: OLD.toString('base64'),
		});
		const result = await receiveAfnorNotification(ledger, call(flow(), OLD));
		expect(result).toMatchObject({
			status: 'refused',
			httpStatus: 401,
			code: 'AFNOR_SIGNATURE_NO_KEY',
			message: { fr: expect.stringContaining(PLATFORM_FLOWS_PURPOSE) },
		});
	});

	it('accepts a call signed with any live key of the platform (rotation), records it once, and answers the same call again as the first time', async () => {
		oldKeyId = (
			await createIntegrationKey(ledger, {
				sender: 'pa-afnor',
				purposes: [PLATFORM_FLOWS_PURPOSE],
				secret: OLD.toString('base64'),
			})
		).keyId;
		await createIntegrationKey(ledger, {
			sender: 'pa-afnor',
			purposes: [PLATFORM_FLOWS_PURPOSE],
			secret: NEW.toString('base64'),
		});
		const first = await receiveAfnorNotification(ledger, call(flow(), OLD, '1765098000'), {
			now: new Date(1765098000_000),
		});
		expect(first).toMatchObject({
			status: 'accepted',
			platform: 'pa-afnor',
			keyId: oldKeyId,
			notification: { action: 'fetch_status', fetch: { path: '/v1/flows/f-1' } },
		});
		expect(afnorCallResponse(first)).toEqual({
			received: true,
			flowId: 'f-1',
			action: 'fetch_status',
		});
		const viaNew = await receiveAfnorNotification(ledger, call(flow({ flowId: 'f-2' }), NEW));
		expect(viaNew).toMatchObject({ status: 'accepted', notification: { flowId: 'f-2' } });
		expect(await deliveries()).toBe('2');
		const again = await receiveAfnorNotification(ledger, call(flow(), OLD, '1765098000'), {
			now: new Date(1765098010_000),
		});
		expect(again).toMatchObject({ status: 'repeated', httpStatus: 200 });
		expect(afnorCallResponse(again)).toEqual({
			received: true,
			flowId: 'f-1',
			action: 'fetch_status',
			repeated: true,
		});
		expect(await deliveries()).toBe('2');
	});

	it('a revoked key signs nothing any more', async () => {
		await revokeIntegrationKey(ledger, oldKeyId, 'rotated');
		expect(
			await receiveAfnorNotification(ledger, call(flow({ flowId: 'f-3' }), OLD)),
		).toMatchObject({ status: 'refused', httpStatus: 401, code: 'AFNOR_SIGNATURE_INVALID' });
	});

	it('checks the size before the signature, then the text: 413, 401, 400 (UTF-8, NUL, not a Flow)', async () => {
		expect(
			await receiveAfnorNotification(
				ledger,
				{ rawBody: Buffer.alloc(2048, 0x20), headers: {} },
				{ maxBodyBytes: 1024 },
			),
		).toMatchObject({ httpStatus: 413, code: 'BODY_TOO_LARGE' });
		expect(
			await receiveAfnorNotification(ledger, {
				rawBody: Buffer.from(JSON.stringify(flow())),
				headers: {},
			}),
		).toMatchObject({ httpStatus: 401, code: 'AFNOR_SIGNATURE_MISSING' });
		expect(
			await receiveAfnorNotification(
				ledger,
				call(flow(), NEW, String(Math.floor(Date.now() / 1000) - 600)),
			),
		).toMatchObject({ httpStatus: 401, code: 'AFNOR_SIGNATURE_STALE' });
		expect(
			await receiveAfnorNotification(
				ledger,
				call(Buffer.from(JSON.stringify(flow({ name: 'Société' })), 'latin1'), NEW),
			),
		).toMatchObject({ httpStatus: 400, code: 'BODY_NOT_UTF8' });
		expect(
			await receiveAfnorNotification(ledger, call(flow({ name: 'a\u0000b' }), NEW)),
		).toMatchObject({ httpStatus: 400, code: 'BODY_NUL' });
		expect(await receiveAfnorNotification(ledger, call('[1, 2]', NEW))).toMatchObject({
			httpStatus: 400,
			code: 'AFNOR_FLOW_SHAPE',
			message: { fr: expect.any(String) },
		});
		// A key written in hexadecimal in the ledger, read as such.
		await createIntegrationKey(ledger, {
			sender: 'pa-hex',
			purposes: [PLATFORM_FLOWS_PURPOSE],
			secret: Buffer.alloc(32, 3).toString('hex'),
		});
		expect(
			await receiveAfnorNotification(ledger, call(flow({ flowId: 'f-hex' }), Buffer.alloc(32, 3)), {
				keyEncoding: 'hex',
			}),
		).toMatchObject({ status: 'accepted', platform: 'pa-hex' });
	});
});
