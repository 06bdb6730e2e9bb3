import { simpleParser } from 'mailparser';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import path from 'node:path';
import { credentialsFor, daysFromToday, dunningTestLedger } from './dunning-helpers';

describe('workflow: pre-due notices every morning at 08:00', () => {
	const t = dunningTestLedger({ smtp: true });

	beforeAll(async () => {
		const a = await addCustomer(t.ledger, {
			externalId: 'PRE-1',
			name: 'Ferme du Lac',
			emails: ['compta@ferme.example'],
		});
		await addInvoice(t.ledger, {
			customerId: a,
			number: 'F-SOON',
			dueDate: daysFromToday(5),
			amount: 45000n,
		});
		await addInvoice(t.ledger, { customerId: a, number: 'F-LATER', dueDate: daysFromToday(20) });
		const b = await addCustomer(t.ledger, { externalId: 'PRE-2', emails: [] });
		await addInvoice(t.ledger, { customerId: b, number: 'F-NOMAIL', dueDate: daysFromToday(5) });
	});

	test('announces the invoices due in 5 days; customers without e-mail get no courtesy notice', async () => {
		const result = await runWorkflow(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-pre-due.json')),
			{ credentials: credentialsFor(t.ledger, t.sink) },
		);
		expect(result.error).toBeUndefined();
		expect(
			result.json('Send pre_due reminders', 0).map((j) => [j.customerExternalId, j.invoiceNumbers]),
		).toEqual([['PRE-1', ['F-SOON']]]);
		expect(result.json('Send pre_due reminders', 2).map((j) => [j.number, j.reason])).toEqual([
			['F-NOMAIL', 'no_channel'],
		]);
		const mail = await simpleParser(t.sink.received[0].raw);
		expect(mail.subject).toBe('ACME SAS – échéance prochaine de 450,00\u00a0€');
		expect(mail.text).toContain('Facture F-SOON');
	});
});
