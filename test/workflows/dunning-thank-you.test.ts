import path from 'node:path';
import { simpleParser } from 'mailparser';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, daysFromToday, dunningTestLedger } from './dunning-helpers';

describe('workflow: thank-you for payments every morning at 09:00', () => {
	const t = dunningTestLedger({ smtp: true });

	beforeAll(async () => {
		const a = await addCustomer(t.ledger, {
			externalId: 'PAY-1',
			name: 'Garage Diallo',
			emails: ['compta@diallo.example'],
		});
		const reminded = await addInvoice(t.ledger, {
			customerId: a,
			number: 'F-REM',
			dueDate: daysFromToday(-20),
			status: 'paid',
			paidAt: daysFromToday(0),
			amount: 88000n,
		});
		await addInvoice(t.ledger, {
			customerId: a,
			number: 'F-ONTIME',
			dueDate: daysFromToday(2),
			status: 'paid',
			paidAt: daysFromToday(0),
		});
		await t.ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status) VALUES ($1, $2, 'level1', 'email', 'sent')",
			[reminded, a],
		);
	});

	test('thanks once for the reminded invoice just paid, not for the one paid on time', async () => {
		const workflow = () =>
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-thank-you.json'));
		const result = await runWorkflow(workflow(), { credentials: credentialsFor(t.ledger, t.sink) });
		expect(result.error).toBeUndefined();
		expect(
			result
				.json('Send thank_you reminders', 0)
				.map((j) => [j.customerExternalId, j.invoiceNumbers]),
		).toEqual([['PAY-1', ['F-REM']]]);
		const mail = await simpleParser(t.sink.received[0].raw);
		expect(mail.subject).toBe('Merci pour votre règlement');
		expect(mail.text).toContain('Facture F-REM (880,00\u00a0€), réglée le');
		const again = await runWorkflow(workflow(), { credentials: credentialsFor(t.ledger, t.sink) });
		expect(again.json('Send thank_you reminders', 0)).toEqual([]);
		expect(t.sink.received).toHaveLength(1);
	});
});
