import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { closeEngine, runWorkflow } from '../helpers/engine';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import {
	credentialsFor,
	daysFromToday,
	dunningLedger,
	expectFiles,
	testFolder,
	shippedWorkflow,
} from './dunning-helpers';

describe('workflow: level 1 reminders every day at 20:00 (5 days late)', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	const folder = testFolder('letters');

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		const a = await addCustomer(ledger, {
			externalId: 'CL-1',
			name: 'Boulangerie Martin',
			emails: ['compta@martin.example'],
		});
		await addInvoice(ledger, {
			customerId: a,
			number: 'FAC-1',
			dueDate: daysFromToday(-5),
			amount: 120000n,
		});
		await addInvoice(ledger, {
			customerId: a,
			number: 'FAC-2',
			dueDate: daysFromToday(-7),
			amount: 30000n,
		});
		await addInvoice(ledger, { customerId: a, number: 'FAC-NOT-YET', dueDate: daysFromToday(-4) });
		const b = await addCustomer(ledger, {
			externalId: 'CL-2',
			name: 'Épicerie Kaboré',
			emails: [],
			addressLines: ['Avenue Kwame Nkrumah'],
			postalCode: '01 BP 1',
			city: 'Ouagadougou',
		});
		await addInvoice(ledger, { customerId: b, number: 'FAC-3', dueDate: daysFromToday(-6) });
		const c = await addCustomer(ledger, { externalId: 'CL-3', name: 'Litige SARL' });
		const disputed = await addInvoice(ledger, {
			customerId: c,
			number: 'FAC-4',
			dueDate: daysFromToday(-5),
		});
		const dispute = await ledger.query<{ id: string }>(
			"INSERT INTO disputes (customer_id, category) VALUES ($1, 'commercial') RETURNING id",
			[c],
		);
		await ledger.query('INSERT INTO dispute_invoices (dispute_id, invoice_id) VALUES ($1, $2)', [
			dispute[0].id,
			disputed,
		]);
	});

	afterAll(async () => {
		rmSync(folder, { recursive: true, force: true });
		await sink.close();
		await closeEngine();
		await dropTestLedger(ledger);
	});

	const run = () =>
		runWorkflow(shippedWorkflow('dunning-level1-daily.json'), {
			credentials: credentialsFor(ledger, sink),
		});

	test('e-mails the customers 5 days late, prints a letter for the one without e-mail, skips the dispute; never twice', async () => {
		expectFiles(folder, [`level1-CL-2-${daysFromToday(0)}.pdf`]);
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(
			result
				.json('Send level1 reminders', 0)
				.map((j) => [j.customerExternalId, j.status, j.invoiceNumbers]),
		).toEqual([['CL-1', 'sent', ['FAC-2', 'FAC-1']]]);
		expect(result.json('Send level1 reminders', 2).map((j) => [j.number, j.reason])).toEqual([
			['FAC-4', 'dispute'],
		]);
		const [mail] = await Promise.all(sink.received.map((m) => simpleParser(m.raw)));
		expect(sink.received).toHaveLength(1);
		expect(mail.subject).toBe('Relance : facture(s) échue(s) – 1\u202f500,00\u00a0€');
		expect(mail.from?.value[0]).toEqual({
			name: 'Service recouvrement',
			address: 'relances@example.com',
		});
		expect(mail.cc && !Array.isArray(mail.cc) && mail.cc.text).toBe('sophie.martin@vendor.example');
		const letters = result.json('Print letters (no usable e-mail)', 0);
		expect(letters.map((j) => [j.customerExternalId, j.status, j.fileName])).toEqual([
			['CL-2', 'rendered', `level1-CL-2-${daysFromToday(0)}.pdf`],
		]);
		const file = path.join(folder, letters[0].fileName as string);
		expect(existsSync(file)).toBe(true);
		expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
		// the letter counts as sent once the file is written
		expect(
			result
				.json('Confirm letters saved', 0)
				.map((j) => [j.status, j.invoiceNumbers, j.destination]),
		).toEqual([['confirmed', ['FAC-3'], file]]);
		const letterRows = await ledger.query<{ status: string; channel: string }>(
			"SELECT r.status, r.channel FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number = 'FAC-3'",
		);
		expect(letterRows).toEqual([{ status: 'sent', channel: 'letter' }]);

		const again = await run();
		expect(again.status).toBe('success');
		expect(again.json('Send level1 reminders', 0)).toEqual([]);
		expect(
			again
				.json('Send level1 reminders', 2)
				.map((j) => j.reason)
				.sort(),
		).toEqual(['already_sent', 'already_sent', 'already_sent', 'dispute']);
		expect(sink.received).toHaveLength(1);
	});
});
