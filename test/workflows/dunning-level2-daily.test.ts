import { simpleParser } from 'mailparser';
import { rmSync } from 'node:fs';
import type { Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { closeEngine, runWorkflow } from '../helpers/engine';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { credentialsFor, daysFromToday, dunningLedger, testFolder, workflowWithFolder } from './dunning-helpers';

describe('workflow: level 2 reminders every day at 21:00 (15 days late)', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	const folder = testFolder(`letters-level2-${process.pid}`);

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		const a = await addCustomer(ledger, { externalId: 'EXP-1', name: 'Atlas Trading Ltd', language: 'en', emails: ['ap@atlas.example'] });
		await addInvoice(ledger, { customerId: a, number: 'INV-15', dueDate: daysFromToday(-15), amount: 1000000n });
		await addInvoice(ledger, { customerId: a, number: 'INV-5', dueDate: daysFromToday(-5) });
		const b = await addCustomer(ledger, { externalId: 'PROM-1', name: 'Promesse SA' });
		const promised = await addInvoice(ledger, { customerId: b, number: 'INV-P', dueDate: daysFromToday(-16) });
		await ledger.query('INSERT INTO promises (customer_id, invoice_id, promised_on) VALUES ($1, $2, $3)', [b, promised, daysFromToday(3)]);
	});

	afterAll(async () => {
		rmSync(folder, { recursive: true, force: true });
		await sink.close();
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test('reminds the invoices 15 days late in English with late-payment charges; the promise holds the other', async () => {
		const result = await runWorkflow(workflowWithFolder('dunning-level2-daily.json', 'Save letters to the print folder', folder), { credentials: credentialsFor(ledger, sink) });
		expect(result.error).toBeUndefined();
		expect(result.json('Send level2 reminders', 0).map((j) => [j.customerExternalId, j.invoiceNumbers])).toEqual([['EXP-1', ['INV-15']]]);
		expect(result.json('Send level2 reminders', 2).map((j) => [j.number, j.reason])).toEqual([['INV-P', 'promise']]);
		const mail = await simpleParser(sink.received[0].raw);
		expect(mail.subject).toBe('Second reminder: €10,000.00 outstanding');
		expect(mail.text).toMatch(/late-payment interest at the annual rate of \d+\.\d{2}\u00a0% \(€\d+\.\d{2} to date\)/);
		expect(mail.text).toContain('fixed recovery indemnity of €40.00');
	});
});
