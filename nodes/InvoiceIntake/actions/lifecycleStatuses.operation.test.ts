import { buildCashedStatus, parseCdar, storeInvoices, upsertCustomers } from '../../../core';

import { NODE, outputCounts, runNode } from '../../../test/helpers/nodes';
import { engineLedger } from '../../../test/helpers/engineLedger';

// Invoice Intake › Lifecycle Statuses and › Cashed Status (212) as nodes (n8n-core's engine) on a real ledger.
describe('Invoice Intake › e-invoicing lifecycle', () => {
	const t = engineLedger();

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [{ externalId: 'PA', name: 'Client Plateforme', emails: ['ap@pa.example'] }]);
		await storeInvoices(t.ledger, ['LC-1', 'LC-2'].map((number) => ({ docType: 'invoice' as const, number, customerExternalId: 'PA', currency: 'EUR', totalExclMinor: 100000n, totalTaxMinor: 20000n, totalInclMinor: 120000n, payableMinor: 120000n, issueDate: '2025-09-01', dueDate: '2025-10-01' })));
	});

	it('applies a CDAR file and platform JSON events, keeps an unknown invoice’s status, rejects what it cannot read', async () => {
		const cdar = buildCashedStatus({ messageId: 'M-1', issuedAt: '2025-10-05T10:00:00Z', sellerSiren: '552100554', invoiceNumber: 'LC-1', invoiceIssueDate: '2025-09-01', receivedOn: '2025-10-04', currency: 'EUR', received: [{ amountMinor: 120000n, vatRate: '20' }] });
		const fromFile = await runNode('invoiceIntake', { operation: 'lifecycleStatuses', lifecycleInput: 'cdar', binaryPropertyName: 'data' }, {
			credentials: t.credentials, triggerItems: [{ json: {}, binary: { data: { data: Buffer.from(cdar).toString('base64'), mimeType: 'application/xml', fileName: 'cdar.xml' } } }, { json: { no: 'file' } }] as never,
		});
		// Applied, Kept, Rejected, Error
		expect(outputCounts(fromFile)).toEqual([1, 0, 1, 0]);
		expect(fromFile.nodeOutputs(NODE, 0)[0].json).toMatchObject({ invoiceNumber: 'LC-1', statusCode: '212', statusFr: 'Encaissée', outcome: 'applied', effect: 'cashed' });
		const fromJson = await runNode('invoiceIntake', { operation: 'lifecycleStatuses', lifecycleInput: 'json' }, {
			credentials: t.credentials,
			triggerItems: [
				{ id: 'e1', invoiceNumber: 'LC-2', status: 'SUSPENDUE', timestamp: '2025-10-06T08:00:00Z', reasonCode: 'JUSTIF_ABS' },
				{ id: 'e2', invoiceNumber: 'LC-404', statusCode: '203', timestamp: '2025-10-06T08:00:00Z' },
				{ id: 'e3', invoiceNumber: 'LC-2', statusCode: '999', timestamp: '2025-10-06T08:00:00Z' },
			],
		});
		expect(outputCounts(fromJson)).toEqual([1, 1, 1, 0]);
		expect(fromJson.nodeOutputs(NODE, 0)[0].json).toMatchObject({ invoiceNumber: 'LC-2', statusCode: '208', effect: 'dispute' });
		expect(fromJson.nodeOutputs(NODE, 1)[0].json).toMatchObject({ invoiceNumber: 'LC-404', outcome: 'pending' });
		expect(fromJson.nodeOutputs(NODE, 2)[0].json).toMatchObject({ code: 'LIFECYCLE_UNKNOWN_STATUS' });
	});

	it('writes a 212 CDAR file per paid invoice, with the issue date read from the ledger', async () => {
		const [{ id }] = await t.ledger.query<{ id: string }>("SELECT id FROM invoices WHERE number = 'LC-1'");
		const run = await runNode('invoiceIntake', { operation: 'cashedStatus', sellerSiren: '552 100 554', vatRate: '20', binaryPropertyName: 'cdar' }, {
			credentials: t.credentials, triggerItems: [{ type: 'invoice.paid', invoiceId: id, invoiceNumber: 'LC-1', currency: 'EUR', amountPaid: '1200.00', paidOn: '2025-10-04' }],
		});
		expect(run.status).toBe('success');
		const [item] = run.nodeOutputs(NODE, 0);
		expect(item.json).toMatchObject({ invoiceNumber: 'LC-1', statusCode: '212' });
		const xml = Buffer.from((item.binary as Record<string, { data: string }>).cdar.data, 'base64').toString('utf8');
		expect(parseCdar(xml)[0]).toMatchObject({ statusCode: '212', invoiceNumber: 'LC-1', invoiceIssueDate: '2025-09-01', sellerId: '552100554', amounts: [{ type: 'MEN', amountMinor: 120000n, currency: 'EUR', vatRate: '20' }] });
	});
});
