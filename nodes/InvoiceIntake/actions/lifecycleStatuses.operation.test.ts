import {
	buildCashedStatus,
	parseCdar,
	storeInvoices,
	upsertCustomers,
	type Ledger,
} from '../../../core';
import { createIntegrationKey } from '../../../core/intake/keys';
import { signWebhookRequest } from '../../../core/intake/signature';
import { storePayments } from '../../../core/ledger/payments';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../../../test/helpers/db';
import { closeEngine } from '../../../test/helpers/engine';
import { NODE, outputCounts, runNode } from '../../../test/helpers/nodes';

// Invoice Intake › Lifecycle Statuses and › Cashed Status (212) as nodes (n8n-core's engine) on a real ledger.
describe('Invoice Intake › e-invoicing lifecycle', () => {
	let ledger: Ledger;
	let credentials: { receivablesLedgerApi: Record<string, string | number> };

	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
		await upsertCustomers(ledger, [
			{ externalId: 'PA', name: 'Client Plateforme', emails: ['ap@pa.example'] },
		]);
		await storeInvoices(
			ledger,
			['LC-1', 'LC-2', 'LC-3'].map((number) => ({
				docType: 'invoice' as const,
				number,
				customerExternalId: 'PA',
				currency: 'EUR',
				totalExclMinor: 100000n,
				totalTaxMinor: 20000n,
				totalInclMinor: 120000n,
				payableMinor: 120000n,
				issueDate: '2025-09-01',
				dueDate: '2025-10-01',
			})),
		);
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	it('applies a CDAR file and platform JSON events, keeps an unknown invoice’s status, rejects what it cannot read', async () => {
		const cdar = buildCashedStatus({
			messageId: 'M-1',
			issuedAt: '2025-10-05T10:00:00Z',
			sellerSiren: '552100554',
			invoiceNumber: 'LC-1',
			invoiceIssueDate: '2025-09-01',
			receivedOn: '2025-10-04',
			currency: 'EUR',
			received: [{ amountMinor: 120000n, vatRate: '20' }],
		});
		const fromFile = await runNode(
			'invoiceIntake',
			{ operation: 'lifecycleStatuses', lifecycleInput: 'cdar', binaryPropertyName: 'data' },
			{
				credentials,
				triggerItems: [
					{
						json: {},
						binary: {
							data: {
								data: Buffer.from(cdar).toString('base64'),
								mimeType: 'application/xml',
								fileName: 'cdar.xml',
							},
						},
					},
					{ json: { no: 'file' } },
				] as never,
			},
		);
		// Applied, Kept, Rejected, Error
		expect(outputCounts(fromFile)).toEqual([1, 0, 1, 0]);
		expect(fromFile.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			invoiceNumber: 'LC-1',
			statusCode: '212',
			statusFr: 'Encaissée',
			outcome: 'applied',
			effect: 'cashed',
		});
		const fromJson = await runNode(
			'invoiceIntake',
			{ operation: 'lifecycleStatuses', lifecycleInput: 'json' },
			{
				credentials,
				triggerItems: [
					{
						id: 'e1',
						invoiceNumber: 'LC-2',
						status: 'SUSPENDUE',
						timestamp: '2025-10-06T08:00:00Z',
						reasonCode: 'JUSTIF_ABS',
					},
					{
						id: 'e2',
						invoiceNumber: 'LC-404',
						statusCode: '203',
						timestamp: '2025-10-06T08:00:00Z',
					},
					{ id: 'e3', invoiceNumber: 'LC-2', statusCode: '999', timestamp: '2025-10-06T08:00:00Z' },
				],
			},
		);
		expect(outputCounts(fromJson)).toEqual([1, 1, 1, 0]);
		expect(fromJson.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			invoiceNumber: 'LC-2',
			statusCode: '208',
			effect: 'dispute',
		});
		expect(fromJson.nodeOutputs(NODE, 1)[0].json).toMatchObject({
			invoiceNumber: 'LC-404',
			outcome: 'pending',
		});
		expect(fromJson.nodeOutputs(NODE, 2)[0].json).toMatchObject({
			code: 'LIFECYCLE_UNKNOWN_STATUS',
		});
	});

	it('bad input, item by item: statuses ordered by their own time, a replay, an older status, another seller’s and one before its invoice on Kept saying why; unreadable CDAR on Rejected in French and English; the kept status applied when the invoice arrives', async () => {
		const invoice = (number: string) => ({
			docType: 'invoice' as const,
			number,
			customerExternalId: 'PA',
			currency: 'EUR',
			totalExclMinor: 100000n,
			totalTaxMinor: 20000n,
			totalInclMinor: 120000n,
			payableMinor: 120000n,
			issueDate: '2025-09-01',
			dueDate: '2025-10-01',
		});
		await storeInvoices(ledger, [invoice('LC-4')]);
		const json = (items: Array<Record<string, unknown>>) =>
			runNode(
				'invoiceIntake',
				{
					operation: 'lifecycleStatuses',
					lifecycleInput: 'json',
					lifecycleOptions: { sellerIds: '552100554' },
				},
				{ credentials, triggerItems: items as never },
			);
		const disputed = {
			id: 'b1',
			invoiceNumber: 'LC-4',
			statusCode: '207',
			timestamp: '2025-10-10T08:00:00Z',
			reasonCode: 'PU_ERR',
		};
		// given newest first: applied oldest first, so the invoice ends on 207
		const first = await json([
			disputed,
			{ id: 'b2', invoiceNumber: 'LC-4', statusCode: '203', timestamp: '2025-10-09T08:00:00Z' },
		]);
		expect(outputCounts(first)).toEqual([2, 0, 0, 0]);
		const [{ lifecycle_status }] = await ledger.query<{ lifecycle_status: string }>(
			"SELECT lifecycle_status FROM invoices WHERE number = 'LC-4'",
		);
		expect(lifecycle_status).toBe('207');
		const second = await json([
			disputed,
			{ id: 'b3', invoiceNumber: 'LC-4', statusCode: '205', timestamp: '2025-10-05T08:00:00Z' },
			{
				id: 'b4',
				invoiceNumber: 'LC-4',
				statusCode: '210',
				timestamp: '2025-10-11T08:00:00Z',
				reasonCode: 'DOUBLE_FACT',
				sellerId: '999999999',
			},
			{
				id: 'b5',
				invoiceNumber: 'LC-5',
				statusCode: '207',
				timestamp: '2025-10-11T08:00:00Z',
				reasonCode: 'QTE_ERR',
				sellerId: '552100554',
			},
		]);
		expect(outputCounts(second)).toEqual([0, 4, 0, 0]);
		const kept = second.nodeOutputs(NODE, 1).map((i) => i.json);
		expect(kept.map((k) => [k.messageId, k.outcome])).toEqual([
			['b1', 'duplicate'],
			['b3', 'superseded'],
			['b4', 'other_issuer'],
			['b5', 'pending'],
		]);
		expect(kept[2]).toMatchObject({
			message: expect.stringContaining('seller 999999999 is not the company; kept, not applied'),
			messageFr: expect.stringContaining("le vendeur 999999999 n'est pas l'entreprise"),
		});
		expect(kept[3]).toMatchObject({
			message: expect.stringContaining('not in the ledger yet; kept until it arrives'),
			messageFr: expect.stringContaining("conservé jusqu'à son arrivée"),
		});
		// nothing of the replay, the older status or the other seller's changed the invoice
		expect(
			await ledger.query(
				"SELECT d.status FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id WHERE i.number = 'LC-4'",
			),
		).toEqual([{ status: 'open' }]);
		// CDAR that cannot be read: not XML, no status, an unknown status code
		const cdar = buildCashedStatus({
			messageId: 'M-BAD',
			issuedAt: '2025-10-05T10:00:00Z',
			sellerSiren: '552100554',
			invoiceNumber: 'LC-4',
			invoiceIssueDate: '2025-09-01',
			receivedOn: '2025-10-04',
			currency: 'EUR',
			received: [{ amountMinor: 120000n, vatRate: '20' }],
		});
		const file = (xml: string) => ({
			json: {},
			binary: {
				data: {
					data: Buffer.from(xml).toString('base64'),
					mimeType: 'application/xml',
					fileName: 'cdar.xml',
				},
			},
		});
		const broken = await runNode(
			'invoiceIntake',
			{ operation: 'lifecycleStatuses', lifecycleInput: 'cdar', binaryPropertyName: 'data' },
			{
				credentials,
				triggerItems: [
					file('<rsm:CrossDomainAcknowledgementAndResponse'),
					file(cdar.replace(/<ram:ProcessConditionCode>212<\/ram:ProcessConditionCode>/, '')),
					file(cdar.replace('<ram:ProcessConditionCode>212', '<ram:ProcessConditionCode>999')),
				] as never,
			},
		);
		expect(outputCounts(broken)).toEqual([0, 0, 3, 0]);
		const refused = broken.nodeOutputs(NODE, 2).map((i) => i.json);
		for (const r of refused) {
			expect(r.code).toMatch(/^(CDAR|XML)_/);
			expect(typeof r.error).toBe('string');
			expect(typeof r.errorFr).toBe('string');
			expect(r.errorFr).not.toBe(r.error);
		}
		expect(refused[2].code).toBe('CDAR_UNKNOWN_STATUS');
		// the invoice arrives: the kept dispute is applied (dunning paused)
		await storeInvoices(ledger, [invoice('LC-5')]);
		const pending = await runNode(
			'invoiceIntake',
			{ operation: 'lifecycleStatuses', lifecycleInput: 'pending' },
			{ credentials, triggerItems: [{}] },
		);
		expect(pending.nodeOutputs(NODE, 0).map((i) => i.json)).toEqual([
			expect.objectContaining({ invoiceNumber: 'LC-5', outcome: 'applied', effect: 'dispute' }),
		]);
	});

	it('writes a 212 CDAR file per paid invoice, with the issue date read from the ledger', async () => {
		const [{ id }] = await ledger.query<{ id: string }>(
			"SELECT id FROM invoices WHERE number = 'LC-1'",
		);
		const run = await runNode(
			'invoiceIntake',
			{
				operation: 'cashedStatus',
				sellerSiren: '552 100 554',
				vatRate: '20',
				binaryPropertyName: 'cdar',
			},
			{
				credentials,
				triggerItems: [
					{
						type: 'invoice.paid',
						invoiceId: id,
						invoiceNumber: 'LC-1',
						currency: 'EUR',
						amountPaid: '1200.00',
						paidOn: '2025-10-04',
					},
				],
			},
		);
		expect(run.status).toBe('success');
		const [item] = run.nodeOutputs(NODE, 0);
		expect(item.json).toMatchObject({ invoiceNumber: 'LC-1', statusCode: '212' });
		const xml = Buffer.from(
			(item.binary as Record<string, { data: string }>).cdar.data,
			'base64',
		).toString('utf8');
		expect(parseCdar(xml)[0]).toMatchObject({
			statusCode: '212',
			invoiceNumber: 'LC-1',
			invoiceIssueDate: '2025-09-01',
			sellerId: '552100554',
			amounts: [{ type: 'MEN', amountMinor: 120000n, currency: 'EUR', vatRate: '20' }],
		});
	});
	it("receives the platform's signed webhook: statuses applied once, the answer to give, a refused request on Rejected", async () => {
		const key = await createIntegrationKey(ledger, { sender: 'pa-node', purposes: ['lifecycle'] });
		const body = Buffer.from(
			JSON.stringify({
				events: [
					{
						messageId: 'N-1',
						invoiceNumber: 'LC-2',
						statusCode: '203',
						timestamp: '2025-10-08T08:00:00Z',
					},
					{ messageId: 'N-2', invoiceNumber: 'LC-2' },
				],
			}),
		);
		const headers = (secret: string, delivery: string) => ({
			'x-receivables-signature': signWebhookRequest({
				rawBody: body,
				secret,
				deliveryId: delivery,
				purpose: 'lifecycle',
			}),
			'x-receivables-delivery': delivery,
			'x-receivables-key': key.keyId,
		});
		const request = (h: Record<string, string>) => ({
			json: { headers: h },
			binary: {
				data: { data: body.toString('base64'), mimeType: 'application/json', fileName: 'body' },
			},
		});
		const run = await runNode(
			'invoiceIntake',
			{ operation: 'receiveSignedStatuses' },
			{
				credentials,
				triggerItems: [
					request(headers(key.secret, 'D-1')),
					request(headers('a-wrong-secret-of-32-characters!', 'D-2')),
				] as never,
			},
		);
		// Accepted, Rejected, Error
		expect(outputCounts(run)).toEqual([1, 2, 0]);
		const [accepted] = run.nodeOutputs(NODE, 0);
		expect(accepted.json).toMatchObject({
			httpStatus: 200,
			deliveryId: 'D-1',
			response: { stored: true, statuses: { applied: 1 } },
			statuses: [
				{ invoiceNumber: 'LC-2', statusCode: '203', outcome: 'applied', effect: 'reception' },
			],
		});
		const rejected = run.nodeOutputs(NODE, 1).map((i) => i.json);
		expect(rejected).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ refused: false, index: 1, code: 'LIFECYCLE_UNKNOWN_STATUS' }),
				expect.objectContaining({
					refused: true,
					httpStatus: 401,
					response: expect.objectContaining({ stored: false }),
				}),
			]),
		);
		const again = await runNode(
			'invoiceIntake',
			{ operation: 'receiveSignedStatuses' },
			{ credentials, triggerItems: [request(headers(key.secret, 'D-1'))] as never },
		);
		expect(again.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			repeated: true,
			response: { stored: true, repeated: true },
		});
	});

	it('gives the Encaissée statuses the ledger owes until they are confirmed sent', async () => {
		await storePayments(ledger, [
			{
				externalRef: 'VIR-LC-2',
				amountMinor: 120000n,
				currency: 'EUR',
				receivedOn: '2025-10-09',
				invoiceNumbers: ['LC-2'],
				customerExternalId: 'PA',
			},
		]);
		const owed = await runNode(
			'invoiceIntake',
			{ operation: 'cashedStatus', cashedInput: 'ledger', sellerSiren: '552100554' },
			{ credentials, triggerItems: [{}] },
		);
		const items = owed.nodeOutputs(NODE, 0);
		expect(items.map((i) => i.json)).toEqual([
			expect.objectContaining({
				invoiceNumber: 'LC-2',
				statusCode: '212',
				receivedOn: '2025-10-09',
				amount: '1200.00',
				currency: 'EUR',
				vatRate: '20',
			}),
		]);
		const xml = Buffer.from(
			(items[0].binary as Record<string, { data: string }>).data.data,
			'base64',
		).toString('utf8');
		expect(parseCdar(xml)[0]).toMatchObject({
			statusCode: '212',
			invoiceNumber: 'LC-2',
			messageId: items[0].json.messageId,
		});
		const confirm = await runNode(
			'invoiceIntake',
			{
				operation: 'confirmCashedStatuses',
				cashedStatusId: '={{ $json.cashedStatusId }}',
				platform: 'PA Démo',
			},
			{
				credentials,
				triggerItems: [{ cashedStatusId: 'not-an-id' }],
			},
		);
		expect(confirm.status).toBe('error');
		const tolerant = await runNode(
			'invoiceIntake',
			{ operation: 'confirmCashedStatuses', cashedStatusId: '={{ $json.cashedStatusId }}' },
			{
				credentials,
				onError: 'continueRegularOutput',
				triggerItems: [
					{ cashedStatusId: items[0].json.cashedStatusId },
					{ cashedStatusId: 'not-an-id' },
				],
			},
		);
		expect(tolerant.nodeOutputs(NODE, 0).map((i) => i.json)).toEqual([
			{ cashedStatusId: items[0].json.cashedStatusId, confirmed: true },
			expect.objectContaining({ error: expect.stringMatching(/not a cashed status id/) }),
		]);
		const after = await runNode(
			'invoiceIntake',
			{ operation: 'cashedStatus', cashedInput: 'ledger', sellerSiren: '552100554' },
			{ credentials, triggerItems: [{}] },
		);
		expect(after.nodeOutputs(NODE, 0)).toEqual([]);
	});
	it('lists the open invoices refused or rejected on the platform for the billing team', async () => {
		await runNode(
			'invoiceIntake',
			{ operation: 'lifecycleStatuses', lifecycleInput: 'json' },
			{
				credentials,
				triggerItems: [
					{
						id: 'r1',
						invoiceNumber: 'LC-3',
						statusCode: '213',
						timestamp: '2025-10-07T08:00:00Z',
						reasonCode: 'SIRET_ERR',
						reasonText: 'SIRET du client absent',
					},
				],
			},
		);
		const run = await runNode(
			'invoiceIntake',
			{ operation: 'blockedInvoices' },
			{ credentials, triggerItems: [{}, {}] },
		);
		expect(run.nodeOutputs(NODE, 0).map((i) => i.json)).toEqual([
			expect.objectContaining({
				invoiceNumber: 'LC-3',
				statusCode: '213',
				statusFr: 'Rejetée',
				reasonCode: 'SIRET_ERR',
				since: '2025-10-07',
				openAmount: '1200.00',
				currency: 'EUR',
				todoFr: expect.stringMatching(/réémettez/),
				anomalies: [
					expect.objectContaining({
						code: 'EINVOICE_PLATFORM_REJECTED',
						severity: 'block',
						reasonCode: 'SIRET_ERR',
						reasonText: 'SIRET du client absent',
						message: expect.objectContaining({
							fr: expect.stringContaining('SIRET_ERR — SIRET du client absent'),
						}),
					}),
				],
			}),
		]);
	});
});
