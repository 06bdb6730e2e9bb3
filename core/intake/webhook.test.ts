import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	receiveSignedRequest,
	signedRequestResponse,
	signWebhookRequest,
	upsertCustomers,
	type Ledger,
	type ReceiveSignedRequestOptions,
	type SignedRequestAccepted,
} from '..';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { timelineSummary } from '../dunning/timeline-text';

const SECRET = 'whsec_test_0123456789abcdef';
const NOW = new Date('2026-10-05T10:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const fixtures = JSON.parse(
	readFileSync(
		path.join(__dirname, '../../test/fixtures/webhooks/stripe-openapi-fixtures3.json'),
		'utf8',
	),
) as { resources: Record<string, Record<string, unknown>> };

let ledger: Ledger;
const options: ReceiveSignedRequestOptions = { secret: SECRET, now: NOW, source: 'compta' };

function signed(
	body: unknown,
	delivery: string,
	extra: { timestamp?: number; secret?: string } = {},
) {
	const rawBody = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	const signature = signWebhookRequest({
		rawBody,
		secret: extra.secret ?? SECRET,
		deliveryId: delivery,
		timestamp: extra.timestamp ?? T,
		purpose: 'intake',
	});
	return {
		rawBody,
		headers: {
			'content-type': 'application/json',
			'X-Receivables-Signature': signature,
			'x-receivables-delivery': delivery,
		},
	};
}

/** Everything a request may write, counted: "nothing changed" means these stay equal. */
async function footprint(): Promise<Record<string, string>> {
	const [row] = await ledger.query<Record<string, string>>(`SELECT
		(SELECT count(*) FROM invoices)::text AS invoices, (SELECT count(*) FROM payments)::text AS payments,
		(SELECT count(*) FROM allocations)::text AS allocations, (SELECT count(*) FROM history)::text AS history,
		(SELECT count(*) FROM webhook_deliveries)::text AS deliveries, (SELECT count(*) FROM customers)::text AS customers,
		(SELECT coalesce(sum(open_minor), 0)::text FROM invoices) AS open`);
	return row;
}

const invoiceA = {
	number: 'WH-2026-001',
	customerId: 'WH-C1',
	currency: 'EUR',
	totalExcl: '1 000,00',
	totalTax: '200,00',
	totalIncl: '1 200,00',
	issueDate: '2026-09-01',
	dueDate: '2026-10-01',
};
const invoiceB = {
	number: 'WH-2026-002',
	customerId: 'WH-C1',
	currency: 'EUR',
	totalIncl: '300.00',
	issueDate: '2026-09-02',
	dueDate: '2026-10-02',
};

beforeAll(async () => {
	ledger = await createTestLedger();
	await upsertCustomers(ledger, [
		{ externalId: 'WH-C1', name: 'Société Générale de Boulangerie', language: 'fr' },
	]);
});
afterAll(async () => dropTestLedger(ledger));

describe('receiveSignedRequest', () => {
	it('stores the invoices and payments of a signed request with its delivery id, in one transaction', async () => {
		const body = {
			invoices: [
				invoiceA,
				invoiceB,
				{ ...invoiceB, number: 'WH-BAD', issueDate: '2026-02-30' },
				{ ...invoiceB, number: 'WH-NOBODY', customerId: 'NOBODY' },
			],
			payments: [
				{ externalRef: 'TX-1', amount: '300,00', date: '05/10/2026', reference: 'VIR WH-2026-002' },
				{ externalRef: 'TX-2', amount: '-5' },
			],
		};
		const result = await receiveSignedRequest(ledger, signed(body, 'dlv-1'), options);
		expect(result.status).toBe('accepted');
		const accepted = result as SignedRequestAccepted;
		expect(accepted.invoices.map((i) => [i.number, i.status])).toEqual([
			['WH-2026-001', 'created'],
			['WH-2026-002', 'created'],
		]);
		expect(accepted.rejected.map((r) => [r.kind, r.index, r.code])).toEqual([
			['invoice', 2, 'DATE_INVALID'],
			['invoice', 3, 'INVOICE_UNKNOWN_CUSTOMER'],
			['payment', 1, 'PAYMENT_NOT_INCOMING'],
		]);
		expect(accepted.rejected[1].message.fr).toMatch(/n'est pas dans le grand livre/);
		expect(accepted.payments).toEqual([
			expect.objectContaining({
				externalRef: 'TX-1',
				status: 'created',
				allocation: expect.objectContaining({ status: 'applied' }),
			}),
		]);
		expect(accepted.paid.map((e) => [e.invoiceNumber, e.customerExternalId, e.paidOn])).toEqual([
			['WH-2026-002', 'WH-C1', '2026-10-05'],
		]);
		const [delivery] = await ledger.query('SELECT source, delivery_id FROM webhook_deliveries');
		expect(delivery).toEqual({ source: 'compta', delivery_id: 'dlv-1' });
		const [payment] = await ledger.query<{ source: string }>(
			"SELECT source FROM payments WHERE external_ref = 'TX-1'",
		);
		expect(payment.source).toBe('compta');
		expect(signedRequestResponse(result)).toEqual({
			stored: true,
			delivery: 'dlv-1',
			received: true,
			deliveryId: 'dlv-1',
			invoices: { created: 2, revised: 0, unchanged: 0 },
			payments: { created: 1, unchanged: 0 },
			rejected: expect.arrayContaining([
				expect.objectContaining({
					kind: 'invoice',
					ref: 'WH-BAD',
					code: 'DATE_INVALID',
					errorFr: expect.any(String),
				}),
			]),
		});
		// the delivery's history entry is stored as an event, read in either language
		const [entry] = await ledger.query<{
			kind: string;
			summary: string;
			payload: Record<string, unknown>;
		}>(
			"SELECT kind, summary, payload FROM history WHERE kind = 'webhook_received' AND payload->>'deliveryId' = 'dlv-1'",
		);
		expect(entry.summary).toBe(
			'Signed delivery dlv-1 from compta: 2 document(s), 1 payment(s), 3 rejected',
		);
		expect(timelineSummary(entry, 'fr')).toBe(
			'Envoi signé dlv-1 de compta : 2 document(s), 1 paiement(s), 3 refusé(s)',
		);
		expect(timelineSummary({ ...entry, summary: '' }, 'en')).toBe(
			'Signed delivery dlv-1 from compta: 2 document(s), 1 payment(s), 3 rejected',
		);
	});

	it('refuses unsigned, badly signed, stale, future and malformed requests with 401, changing nothing; the same delivery again gets the first answer', async () => {
		const body = { invoices: [{ ...invoiceA, number: 'WH-2026-099' }] };
		const before = await footprint();
		const good = signed(body, 'dlv-2');
		const cases: Array<[string, { rawBody: Buffer; headers: Record<string, string> }]> = [
			[
				'SIGNATURE_MISSING',
				{ rawBody: good.rawBody, headers: { 'x-receivables-delivery': 'dlv-2' } },
			],
			['SIGNATURE_MISMATCH', signed(body, 'dlv-2', { secret: 'whsec_someone_else_000000' })],
			[
				'SIGNATURE_MISMATCH',
				{
					rawBody: Buffer.from(
						JSON.stringify({ invoices: [{ ...invoiceA, number: 'WH-2026-666' }] }),
					),
					headers: good.headers,
				},
			],
			[
				'SIGNATURE_MISMATCH',
				{ ...good, headers: { ...good.headers, 'x-receivables-delivery': 'dlv-3' } },
			],
			['SIGNATURE_STALE', signed(body, 'dlv-2', { timestamp: T - 301 })],
			['SIGNATURE_FUTURE', signed(body, 'dlv-2', { timestamp: T + 301 })],
			[
				'SIGNATURE_MALFORMED',
				{ ...good, headers: { ...good.headers, 'X-Receivables-Signature': 'v1=abc' } },
			],
			[
				'DELIVERY_ID_MISSING',
				{
					rawBody: good.rawBody,
					headers: { 'x-receivables-signature': good.headers['X-Receivables-Signature'] },
				},
			],
		];
		for (const [code, request] of cases) {
			expect(await receiveSignedRequest(ledger, request, options)).toMatchObject({
				status: 'refused',
				httpStatus: 401,
				code,
			});
		}
		expect(await footprint()).toEqual(before);

		expect(await receiveSignedRequest(ledger, good, options)).toMatchObject({ status: 'accepted' });
		const after = await footprint();
		// The very same request again (a retry after a lost answer, or a replay within the tolerance window).
		const again = await receiveSignedRequest(ledger, good, options);
		expect(again).toMatchObject({ status: 'repeated', httpStatus: 200, deliveryId: 'dlv-2' });
		expect(signedRequestResponse(again)).toMatchObject({
			stored: true,
			delivery: 'dlv-2',
			repeated: true,
			invoices: { created: 1 },
		});
		expect(await footprint()).toEqual(after);
	});

	it('answers 400 for a signed body it cannot read, and 413 for too much, without remembering the delivery', async () => {
		const before = await footprint();
		expect(
			await receiveSignedRequest(ledger, signed('{"invoices": [', 'dlv-json'), options),
		).toMatchObject({ status: 'refused', httpStatus: 400, code: 'BODY_NOT_JSON' });
		expect(
			await receiveSignedRequest(ledger, signed({ hello: 'world' }, 'dlv-shape'), options),
		).toMatchObject({ status: 'refused', httpStatus: 400, code: 'BODY_SHAPE' });
		expect(
			await receiveSignedRequest(ledger, signed({ invoices: [invoiceA] }, 'dlv-big'), {
				...options,
				maxBodyBytes: 10,
			}),
		).toMatchObject({ status: 'refused', httpStatus: 413 });
		expect(await footprint()).toEqual(before);
	});

	it('stores the same delivery once when it arrives twice at the same time', async () => {
		const request = signed(
			{
				invoices: [{ ...invoiceA, number: 'WH-RACE-1' }],
				payments: [{ externalRef: 'TX-RACE', amount: '10', date: '2026-10-05' }],
			},
			'dlv-race',
		);
		const results = await Promise.all([
			receiveSignedRequest(ledger, request, options),
			receiveSignedRequest(ledger, request, options),
		]);
		expect(results.map((r) => (r.status === 'refused' ? r.code : r.status)).sort()).toEqual([
			'accepted',
			'repeated',
		]);
		const [row] = await ledger.query<{ n: string }>(
			"SELECT count(*)::text AS n FROM history WHERE kind = 'webhook_received' AND payload->>'deliveryId' = 'dlv-race'",
		);
		expect(row.n).toBe('1');
	});

	it('never remembers a delivery without its data: a failure before commit leaves nothing, and the retry is stored', async () => {
		// Make the last write of the transaction fail, as a crash between the data and the commit would.
		await ledger.query(`CREATE FUNCTION fail_webhook() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
			IF NEW.kind = 'webhook_received' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END $$`);
		await ledger.query(
			'CREATE TRIGGER fail_webhook BEFORE INSERT ON history FOR EACH ROW EXECUTE FUNCTION fail_webhook()',
		);
		const request = signed(
			{
				invoices: [{ ...invoiceA, number: 'WH-CRASH-1' }],
				payments: [
					{ externalRef: 'TX-CRASH', amount: '1200', date: '2026-10-05', reference: 'WH-CRASH-1' },
				],
			},
			'dlv-crash',
		);
		const before = await footprint();
		const logged: Array<Record<string, unknown>> = [];
		const failed = await receiveSignedRequest(ledger, request, {
			...options,
			log: (_m, meta) => logged.push(meta),
		});
		// The sender gets a generic answer with a reference; the database's words go to the log only.
		expect(failed).toMatchObject({
			status: 'refused',
			httpStatus: 500,
			code: 'INTERNAL_ERROR',
			reference: expect.stringMatching(/^ERR-[0-9A-F]{10}$/),
		});
		expect(JSON.stringify(signedRequestResponse(failed))).not.toMatch(
			/simulated crash|fail_webhook/,
		);
		expect(logged).toEqual([
			expect.objectContaining({
				reference: (failed as { reference: string }).reference,
				detail: expect.stringContaining('simulated crash'),
			}),
		]);
		expect(await footprint()).toEqual(before);
		await ledger.query('DROP TRIGGER fail_webhook ON history');
		const retried = await receiveSignedRequest(ledger, request, options);
		expect(retried).toMatchObject({
			status: 'accepted',
			invoices: [expect.objectContaining({ number: 'WH-CRASH-1', status: 'created' })],
			paid: [expect.objectContaining({ invoiceNumber: 'WH-CRASH-1' })],
		});
	});

	it('changes nothing for the same data under a new delivery id', async () => {
		const result = await receiveSignedRequest(
			ledger,
			signed({ invoices: [invoiceA, invoiceB] }, 'dlv-again'),
			options,
		);
		expect((result as SignedRequestAccepted).invoices.map((i) => i.status)).toEqual([
			'unchanged',
			'unchanged',
		]);
	});

	it('verifies Stripe-signed events and stores invoices, payments and credit notes from them', async () => {
		const { invoice, credit_note: creditNote, event } = fixtures.resources;
		const stripe = {
			...options,
			scheme: 'stripe' as const,
			source: 'stripe',
			createMissingCustomers: true,
			zone: 'UTC',
		};
		const send = (evt: Record<string, unknown>) => {
			const rawBody = Buffer.from(JSON.stringify(evt));
			return receiveSignedRequest(
				ledger,
				{
					rawBody,
					headers: {
						'stripe-signature': signWebhookRequest({
							rawBody,
							secret: SECRET,
							timestamp: T,
							scheme: 'stripe',
						}),
					},
				},
				stripe,
			);
		};
		const finalized = {
			...invoice,
			status: 'open',
			number: 'STR-0001',
			amount_due: 1690,
			total: 1690,
			total_excluding_tax: 1690,
			subtotal: 1690,
		};
		const first = await send({
			...event,
			id: 'evt_A',
			type: 'invoice.finalized',
			data: { object: finalized },
		});
		expect(first).toMatchObject({
			status: 'accepted',
			deliveryId: 'evt_A',
			invoices: [
				expect.objectContaining({
					number: 'STR-0001',
					customerId: 'cus_QXg1o8vcGmoR32',
					status: 'created',
				}),
			],
		});
		const credit = await send({
			...event,
			id: 'evt_B',
			type: 'credit_note.created',
			data: {
				object: {
					...creditNote,
					invoice: invoice.id,
					amount: 690,
					total: 690,
					subtotal_excluding_tax: 690,
				},
			},
		});
		expect(credit).toMatchObject({
			status: 'accepted',
			invoices: [expect.objectContaining({ number: 'ABCD-1234-CN-01', docType: 'credit_note' })],
		});
		const [afterCredit] = await ledger.query<{ open_minor: string }>(
			"SELECT open_minor::text FROM invoices WHERE number = 'STR-0001'",
		);
		expect(afterCredit.open_minor).toBe('1000');
		const paid = await send({
			...event,
			id: 'evt_C',
			type: 'invoice.paid',
			data: {
				object: {
					...finalized,
					status: 'paid',
					amount_due: 1000,
					amount_paid: 1000,
					status_transitions: { paid_at: T },
				},
			},
		});
		expect(paid).toMatchObject({
			status: 'accepted',
			paid: [expect.objectContaining({ invoiceNumber: 'STR-0001', paidOn: '2026-10-05' })],
		});
		expect(
			await send({ ...event, id: 'evt_C', type: 'invoice.paid', data: { object: finalized } }),
		).toMatchObject({ status: 'refused', httpStatus: 409, code: 'DELIVERY_CONFLICT' });
		expect(await send({ ...event, id: 'evt_D' })).toMatchObject({
			status: 'accepted',
			invoices: [],
			ignored: expect.stringMatching(/plan/),
		});
		// A receivables-scheme signature is not accepted on the Stripe route.
		const rawBody = Buffer.from(JSON.stringify({ ...event, id: 'evt_E' }));
		const wrong = await receiveSignedRequest(
			ledger,
			{
				rawBody,
				headers: {
					'stripe-signature': signWebhookRequest({
						rawBody,
						secret: SECRET,
						deliveryId: 'evt_E',
						timestamp: T,
					}),
				},
			},
			stripe,
		);
		expect(wrong).toMatchObject({ status: 'refused', httpStatus: 401, code: 'SIGNATURE_MISMATCH' });
	});
});
