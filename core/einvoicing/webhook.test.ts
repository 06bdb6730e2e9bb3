import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies } from '../dunning/policy';
import { planReminders } from '../dunning/plan';
import { createIntegrationKey, revokeIntegrationKey } from '../intake/keys';
import { signWebhookRequest } from '../intake/signature';
import { buildCashedStatus } from './cdar';
import { receiveSignedStatuses, signedStatusesResponse } from './webhook';

// The platform's signed webhook: statuses from a real signed request, applied once, answered with the stable marker.
let ledger: Ledger;
let key: { keyId: string; secret: string };

function signed(
	body: string | object,
	delivery: string,
	extra: { secret?: string; purpose?: string; keyId?: string } = {},
) {
	const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	const signature = signWebhookRequest({
		rawBody,
		secret: extra.secret ?? key.secret,
		deliveryId: delivery,
		purpose: extra.purpose ?? 'lifecycle',
	});
	return {
		rawBody,
		headers: {
			'X-Receivables-Signature': signature,
			'x-receivables-delivery': delivery,
			'X-Receivables-Key': extra.keyId ?? key.keyId,
		},
	};
}

beforeAll(async () => {
	ledger = await createTestLedger();
	await installDefaultPolicies(ledger);
	await seedStaff(ledger);
	const customer = await addCustomer(ledger, { externalId: 'PAW', name: 'Client Plateforme' });
	for (const n of ['W-207', 'W-212', 'W-203'])
		await addInvoice(ledger, { customerId: customer, number: n, dueDate: '2025-10-14' });
	key = await createIntegrationKey(ledger, { sender: 'pa-demo', purposes: ['lifecycle'] });
});
afterAll(async () => dropTestLedger(ledger));

describe('receiveSignedStatuses', () => {
	it('applies JSON status events of a signed delivery, once, and answers the same way when the delivery is sent again', async () => {
		const body = {
			events: [
				{
					messageId: 'PA-1',
					invoiceNumber: 'W-207',
					statusCode: '207',
					timestamp: '2025-10-16T09:00:00Z',
					reasonCode: 'QTE_ERR',
					reasonText: '3 cartons manquants',
				},
				{
					messageId: 'PA-2',
					invoiceNumber: 'W-404',
					statusCode: '203',
					timestamp: '2025-10-16T09:00:00Z',
				},
				{
					messageId: 'PA-3',
					invoiceNumber: 'W-207',
					statusCode: '999',
					timestamp: '2025-10-16T09:00:00Z',
				},
			],
		};
		const request = signed(body, 'dlv-1');
		const first = await receiveSignedStatuses(ledger, request);
		expect(first.status).toBe('accepted');
		const answer = signedStatusesResponse(first);
		expect(answer).toMatchObject({
			stored: true,
			delivery: 'dlv-1',
			statuses: { applied: 1, pending: 1 },
			rejected: [{ index: 2, code: 'LIFECYCLE_UNKNOWN_STATUS' }],
		});
		expect((answer.rejected as Array<{ errorFr: string }>)[0].errorFr).toMatch(/statut/);
		// its effect: a dispute opened from the platform's reason, the invoice held at the next plan
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' });
		expect(plan.held.map((h) => h.number)).toContain('W-207');
		expect(plan.due.flatMap((m) => m.invoices.map((i) => i.number))).not.toContain('W-207');
		const again = await receiveSignedStatuses(ledger, signed(body, 'dlv-1'));
		expect(again.status).toBe('repeated');
		expect(signedStatusesResponse(again)).toEqual({ ...answer, repeated: true });
		const disputes = await ledger.query(
			"SELECT d.id FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id WHERE i.number = 'W-207'",
		);
		expect(disputes).toHaveLength(1);
		// the same delivery id with another body is refused, nothing changes
		const conflict = await receiveSignedStatuses(
			ledger,
			signed({ ...body, events: body.events.slice(1) }, 'dlv-1'),
		);
		expect(conflict).toMatchObject({
			status: 'refused',
			httpStatus: 409,
			code: 'DELIVERY_CONFLICT',
		});
	});

	it('reads a CDAR message sent as the body', async () => {
		const xml = buildCashedStatus({
			messageId: 'CDAR-W-212',
			issuedAt: '2025-10-18T10:00:00Z',
			sellerSiren: '552100554',
			invoiceNumber: 'W-212',
			invoiceIssueDate: '2025-01-02',
			receivedOn: '2025-10-17',
			currency: 'EUR',
			received: [{ amountMinor: 10000n, vatRate: '20' }],
		});
		const result = await receiveSignedStatuses(ledger, signed(xml, 'dlv-cdar'));
		expect(result.status).toBe('accepted');
		expect(result.status === 'accepted' && result.results).toEqual([
			expect.objectContaining({ invoiceNumber: 'W-212', statusCode: '212', outcome: 'applied' }),
		]);
	});

	it('a delivery interrupted before its answer was recorded is applied again without doing anything twice', async () => {
		const body = [
			{
				messageId: 'PA-203',
				invoiceNumber: 'W-203',
				statusCode: '203',
				timestamp: '2025-10-15T08:00:00Z',
			},
		];
		const request = signed(body, 'dlv-crash');
		const first = await receiveSignedStatuses(ledger, request);
		expect(signedStatusesResponse(first)).toMatchObject({ statuses: { applied: 1 } });
		// as if the process died after applying and before recording the answer
		await ledger.query(
			"UPDATE webhook_deliveries SET response = NULL WHERE delivery_id = 'dlv-crash'",
		);
		const retry = await receiveSignedStatuses(ledger, request);
		expect(signedStatusesResponse(retry)).toMatchObject({
			stored: true,
			statuses: { applied: 0, duplicate: 1 },
		});
		const [{ n }] = await ledger.query<{ n: string }>(
			"SELECT count(*)::text AS n FROM lifecycle_statuses WHERE message_id = 'PA-203'",
		);
		expect(n).toBe('1');
	});

	it('refuses what is not proven: no signature, a key for another purpose, a revoked key, another webhook’s signature; reads nothing of it', async () => {
		const body = [
			{
				messageId: 'PA-X',
				invoiceNumber: 'W-203',
				statusCode: '213',
				timestamp: '2025-10-19T08:00:00Z',
			},
		];
		const good = signed(body, 'dlv-x');
		const unsigned = await receiveSignedStatuses(ledger, {
			rawBody: good.rawBody,
			headers: { 'x-receivables-delivery': 'dlv-x' },
		});
		expect(unsigned).toMatchObject({ status: 'refused', httpStatus: 401 });
		const intakeKey = await createIntegrationKey(ledger, {
			sender: 'accounting',
			purposes: ['intake'],
		});
		expect(
			await receiveSignedStatuses(
				ledger,
				signed(body, 'dlv-x', { keyId: intakeKey.keyId, secret: intakeKey.secret }),
			),
		).toMatchObject({ httpStatus: 401, code: 'KEY_PURPOSE' });
		expect(
			await receiveSignedStatuses(ledger, signed(body, 'dlv-x', { purpose: 'intake' })),
		).toMatchObject({ httpStatus: 401 });
		const other = await createIntegrationKey(ledger, { sender: 'pa-old', purposes: ['lifecycle'] });
		await revokeIntegrationKey(ledger, other.keyId, 'contract ended');
		expect(
			await receiveSignedStatuses(
				ledger,
				signed(body, 'dlv-x', { keyId: other.keyId, secret: other.secret }),
			),
		).toMatchObject({ httpStatus: 401, code: 'KEY_REVOKED' });
		const [{ n }] = await ledger.query<{ n: string }>(
			"SELECT count(*)::text AS n FROM lifecycle_statuses WHERE message_id = 'PA-X'",
		);
		expect(n).toBe('0');
	});

	it('refuses a body that is neither CDAR nor status events, and a delivery without id, in French and English', async () => {
		const notCdar = await receiveSignedStatuses(
			ledger,
			signed(
				'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
				'dlv-ubl',
			),
		);
		expect(notCdar).toMatchObject({ status: 'refused', httpStatus: 400, code: 'CDAR_NOT_CDAR' });
		expect(signedStatusesResponse(notCdar)).toMatchObject({
			stored: false,
			errorFr: expect.stringMatching(/CDAR/),
		});
		expect(await receiveSignedStatuses(ledger, signed('"hello"', 'dlv-str'))).toMatchObject({
			httpStatus: 400,
			code: 'BODY_SHAPE',
		});
		const rawBody = Buffer.from('[]');
		const noDelivery = await receiveSignedStatuses(ledger, {
			rawBody,
			headers: {
				'X-Receivables-Signature': signWebhookRequest({
					rawBody,
					secret: key.secret,
					purpose: 'lifecycle',
				}),
				'X-Receivables-Key': key.keyId,
			},
		});
		expect(noDelivery).toMatchObject({ status: 'refused' });
	});
});
