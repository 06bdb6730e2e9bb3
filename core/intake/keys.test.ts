import {
	createIntegrationKey,
	listIntegrationKeys,
	lookupIntegrationKey,
	receiveSignedRequest,
	revokeIntegrationKey,
	rotateIntegrationKey,
	signWebhookRequest,
	upsertCustomers,
	type Ledger,
} from '..';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';

let ledger: Ledger;
const NOW = new Date('2026-10-05T10:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);

beforeAll(async () => {
	ledger = await createTestLedger();
	await upsertCustomers(ledger, [{ externalId: 'K-C1', name: 'Clé Client', language: 'fr' }]);
});
afterAll(async () => dropTestLedger(ledger));

function request(
	keyId: string,
	secret: string,
	delivery: string,
	body: unknown,
	purpose = 'intake',
) {
	const rawBody = Buffer.from(JSON.stringify(body));
	return {
		rawBody,
		headers: {
			'x-receivables-key': keyId,
			'x-receivables-delivery': delivery,
			'x-receivables-signature': signWebhookRequest({
				rawBody,
				secret,
				deliveryId: delivery,
				timestamp: T,
				purpose,
			}),
		},
	};
}
const invoice = (number: string) => ({
	invoices: [
		{
			number,
			customerId: 'K-C1',
			currency: 'EUR',
			totalIncl: '10.00',
			issueDate: '2026-09-01',
			dueDate: '2026-10-01',
		},
	],
});

describe('integration keys', () => {
	it('gives each sending system its own keys; a key signs for its sender, and the credential secret is not needed', async () => {
		const erp = await createIntegrationKey(ledger, { sender: 'erp', keyId: 'erp-1' });
		const billing = await createIntegrationKey(ledger, { sender: 'billing' });
		expect(erp.secret.length).toBeGreaterThanOrEqual(32);
		expect(billing.keyId).toMatch(/^billing-\d{8}-[0-9a-f]{6}$/);
		const result = await receiveSignedRequest(
			ledger,
			request('erp-1', erp.secret, 'd-1', invoice('K-001')),
			{ now: NOW },
		);
		expect(result).toMatchObject({ status: 'accepted', source: 'erp', keyId: 'erp-1' });
		// The same delivery id from another sender is another delivery.
		expect(
			await receiveSignedRequest(
				ledger,
				request(billing.keyId, billing.secret, 'd-1', invoice('K-002')),
				{ now: NOW },
			),
		).toMatchObject({ status: 'accepted', source: 'billing' });
		// One sender's secret does not sign under another sender's key id.
		expect(
			await receiveSignedRequest(
				ledger,
				request('erp-1', billing.secret, 'd-2', invoice('K-003')),
				{ now: NOW },
			),
		).toMatchObject({ status: 'refused', httpStatus: 401, code: 'SIGNATURE_MISMATCH' });
		expect(
			await receiveSignedRequest(ledger, request('nobody-1', erp.secret, 'd-2', invoice('K-003')), {
				now: NOW,
			}),
		).toMatchObject({ status: 'refused', httpStatus: 401, code: 'KEY_UNKNOWN' });
		const listed = await listIntegrationKeys(ledger, { now: NOW });
		expect(listed.map((k) => [k.keyId, k.sender, k.state])).toEqual(
			expect.arrayContaining([
				['erp-1', 'erp', 'active'],
				[billing.keyId, 'billing', 'active'],
			]),
		);
		expect(JSON.stringify(listed)).not.toContain(erp.secret);
	});

	it('rotates with an overlap: both keys work until the old one expires; a revoked key stops alone', async () => {
		const rotated = await rotateIntegrationKey(ledger, 'erp-1', {
			overlapHours: 24,
			newKeyId: 'erp-2',
			now: NOW,
		});
		const [old] = await ledger.query<{ secret: string }>(
			"SELECT secret FROM integration_keys WHERE key_id = 'erp-1'",
		);
		expect(
			await receiveSignedRequest(ledger, request('erp-1', old.secret, 'r-1', invoice('K-010')), {
				now: NOW,
			}),
		).toMatchObject({ status: 'accepted' });
		expect(
			await receiveSignedRequest(
				ledger,
				request('erp-2', rotated.secret, 'r-2', invoice('K-011')),
				{ now: NOW },
			),
		).toMatchObject({ status: 'accepted', source: 'erp' });
		const later = new Date(NOW.getTime() + 25 * 3600_000);
		expect(await lookupIntegrationKey(ledger, 'erp-1', 'intake', later)).toMatchObject({
			ok: false,
			code: 'KEY_EXPIRED',
		});
		expect(await lookupIntegrationKey(ledger, 'erp-2', 'intake', later)).toMatchObject({
			ok: true,
			sender: 'erp',
		});

		const spare = await createIntegrationKey(ledger, { sender: 'erp', keyId: 'erp-spare' });
		await revokeIntegrationKey(ledger, 'erp-2', 'laptop lost');
		expect(
			await receiveSignedRequest(
				ledger,
				request('erp-2', rotated.secret, 'r-3', invoice('K-012')),
				{ now: NOW },
			),
		).toMatchObject({ status: 'refused', httpStatus: 401, code: 'KEY_REVOKED' });
		expect(
			await receiveSignedRequest(
				ledger,
				request('erp-spare', spare.secret, 'r-3', invoice('K-012')),
				{ now: NOW },
			),
		).toMatchObject({ status: 'accepted' });
	});

	it('limits a key to its purposes', async () => {
		const courier = await createIntegrationKey(ledger, {
			sender: 'phones',
			keyId: 'phones-1',
			purposes: ['courier-events'],
		});
		expect(await lookupIntegrationKey(ledger, 'phones-1', 'intake')).toMatchObject({
			ok: false,
			code: 'KEY_PURPOSE',
		});
		expect(
			await receiveSignedRequest(
				ledger,
				request('phones-1', courier.secret, 'p-1', invoice('K-020'), 'courier-events'),
				{ now: NOW },
			),
		).toMatchObject({ status: 'refused', code: 'KEY_PURPOSE' });
		await expect(createIntegrationKey(ledger, { sender: 'x y' })).rejects.toMatchObject({
			code: 'KEY_BAD_SENDER',
		});
		await expect(
			createIntegrationKey(ledger, { sender: 'erp', keyId: 'erp-spare' }),
		).rejects.toMatchObject({ code: 'KEY_EXISTS' });
	});
});
