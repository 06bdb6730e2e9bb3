import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies } from '../dunning/policy';
import { applyLifecycleStatuses } from './ledger';
import { listBlockedInvoices } from './report';

let ledger: Ledger;
beforeAll(async () => {
	ledger = await createTestLedger();
	await installDefaultPolicies(ledger);
	await seedStaff(ledger);
	const customer = await addCustomer(ledger, { externalId: 'PAR', name: 'Client Refus' });
	for (const n of ['R-210', 'R-213', 'R-207', 'R-210-THEN-209', 'R-210-CREDITED'])
		await addInvoice(ledger, { customerId: customer, number: n, dueDate: '2026-10-14' });
	const at = (day: string) => `${day}T09:00:00Z`;
	await applyLifecycleStatuses(ledger, [
		{
			messageId: 'm1',
			issuedAt: at('2026-10-20'),
			statusCode: '210',
			invoiceNumber: 'R-210',
			reasonCode: 'PU_ERR',
			reasonText: 'Prix unitaire non conforme au contrat',
			amounts: [],
		},
		{
			messageId: 'm2',
			issuedAt: at('2026-10-22'),
			statusCode: '213',
			invoiceNumber: 'R-213',
			reasonCode: 'SIRET_ERR',
			amounts: [],
		},
		{
			messageId: 'm3',
			issuedAt: at('2026-10-22'),
			statusCode: '207',
			invoiceNumber: 'R-207',
			reasonCode: 'QTE_ERR',
			amounts: [],
		},
		{
			messageId: 'm4',
			issuedAt: at('2026-10-20'),
			statusCode: '210',
			invoiceNumber: 'R-210-THEN-209',
			reasonCode: 'AUTRE',
			amounts: [],
		},
		{
			messageId: 'm5',
			issuedAt: at('2026-10-25'),
			statusCode: '209',
			invoiceNumber: 'R-210-THEN-209',
			amounts: [],
		},
		{
			messageId: 'm6',
			issuedAt: at('2026-10-20'),
			statusCode: '210',
			invoiceNumber: 'R-210-CREDITED',
			reasonCode: 'AUTRE',
			amounts: [],
		},
	]);
	await ledger.query(
		"UPDATE invoices SET status = 'credited', open_minor = 0 WHERE number = 'R-210-CREDITED'",
	);
});
afterAll(async () => dropTestLedger(ledger));

describe('listBlockedInvoices', () => {
	it('lists the open invoices the buyer refused or the platform rejected, with the reason, since when and what to do', async () => {
		const list = await listBlockedInvoices(ledger, { asOf: '2026-11-01' });
		expect(list.map((b) => [b.invoiceNumber, b.statusCode, b.reasonCode, b.since, b.days])).toEqual(
			[
				['R-210', '210', 'PU_ERR', '2026-10-20', 12],
				['R-213', '213', 'SIRET_ERR', '2026-10-22', 10],
			],
		);
		expect(list[0]).toMatchObject({
			customerExternalId: 'PAR',
			reasonText: 'Prix unitaire non conforme au contrat',
			status: { fr: 'Refusée' },
			todo: { fr: expect.stringMatching(/avoir/) },
		});
		expect(list[1]).toMatchObject({
			status: { fr: 'Rejetée', en: 'Rejected' },
			todo: { en: expect.stringMatching(/not due/) },
		});
		expect(typeof list[0].openAmount).toBe('string');
	});
});
