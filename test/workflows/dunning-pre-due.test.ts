import { simpleParser } from 'mailparser';
import type { Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { closeEngine, loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import path from 'node:path';
import { credentialsFor, daysFromToday, dunningLedger } from './dunning-helpers';

describe('workflow: pre-due notices every morning at 08:00', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		const a = await addCustomer(ledger, { externalId: 'PRE-1', name: 'Ferme du Lac', emails: ['compta@ferme.example'] });
		await addInvoice(ledger, { customerId: a, number: 'F-SOON', dueDate: daysFromToday(5), amount: 45000n });
		await addInvoice(ledger, { customerId: a, number: 'F-LATER', dueDate: daysFromToday(20) });
		const b = await addCustomer(ledger, { externalId: 'PRE-2', emails: [] });
		await addInvoice(ledger, { customerId: b, number: 'F-NOMAIL', dueDate: daysFromToday(5) });
	});

	afterAll(async () => {
		await sink.close();
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test('announces the invoices due in 5 days; customers without e-mail get no courtesy notice', async () => {
		const result = await runWorkflow(loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-pre-due.json')), { credentials: credentialsFor(ledger, sink) });
		expect(result.error).toBeUndefined();
		expect(result.json('Send pre_due reminders', 0).map((j) => [j.customerExternalId, j.invoiceNumbers])).toEqual([['PRE-1', ['F-SOON']]]);
		expect(result.json('Send pre_due reminders', 2).map((j) => [j.number, j.reason])).toEqual([['F-NOMAIL', 'no_channel']]);
		const mail = await simpleParser(sink.received[0].raw);
		expect(mail.subject).toBe('ACME SAS – échéance prochaine de 450,00\u00a0€');
		expect(mail.text).toContain('Facture F-SOON');
	});
});
