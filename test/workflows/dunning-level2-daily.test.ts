import { simpleParser } from 'mailparser';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addDays, todayIn, type Ledger } from '../../core';
import { fakeDateAt, todayAt, useRealDate } from '../helpers/clock';
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
import { pdfText } from '../helpers/pdf';

describe('workflow: level 2 reminders every day at 21:00 (15 days late)', () => {
	let ledger: Ledger;
	let sink: SmtpSink;
	const folder = testFolder('letters');
	const callFolder = testFolder('call-lists');

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		const a = await addCustomer(ledger, {
			externalId: 'EXP-1',
			name: 'Atlas Trading Ltd',
			language: 'en',
			emails: ['ap@atlas.example'],
		});
		await addInvoice(ledger, {
			customerId: a,
			number: 'INV-15',
			dueDate: daysFromToday(-15),
			amount: 1000000n,
		});
		await addInvoice(ledger, { customerId: a, number: 'INV-5', dueDate: daysFromToday(-5) });
		const b = await addCustomer(ledger, { externalId: 'PROM-1', name: 'Promesse SA' });
		const promised = await addInvoice(ledger, {
			customerId: b,
			number: 'INV-P',
			dueDate: daysFromToday(-16),
		});
		await ledger.query(
			'INSERT INTO promises (customer_id, invoice_id, promised_on) VALUES ($1, $2, $3)',
			[b, promised, daysFromToday(3)],
		);
	});

	afterAll(async () => {
		rmSync(folder, { recursive: true, force: true });
		rmSync(callFolder, { recursive: true, force: true });
		await sink.close();
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test('reminds the invoices 15 days late in English with late-payment charges; the promise holds the other', async () => {
		const result = await runWorkflow(shippedWorkflow('dunning-level2-daily.json'), {
			credentials: credentialsFor(ledger, sink),
		});
		expect(result.error).toBeUndefined();
		expect(
			result.json('Send level2 reminders', 0).map((j) => [j.customerExternalId, j.invoiceNumbers]),
		).toEqual([['EXP-1', ['INV-15']]]);
		expect(result.json('Send level2 reminders', 2).map((j) => [j.number, j.reason])).toEqual([
			['INV-P', 'promise'],
		]);
		const mail = await simpleParser(sink.received[0].raw);
		expect(mail.subject).toBe('Second reminder: €10,000.00 outstanding');
		expect(mail.text).toMatch(
			/late-payment interest at the annual rate of \d+\.\d{2}\u00a0% \(€\d+\.\d{2} to date\)/,
		);
		expect(mail.text).toContain('fixed recovery indemnity of €40.00');
	});

	test('a key account without e-mail gets a call task for its collector, once, in the call list saved as PDF', async () => {
		const k = await addCustomer(ledger, {
			externalId: 'KA-TEL',
			name: 'Grands Magasins Réunis',
			profile: 'key_account',
			emails: [],
			phone: '+33 1 40 00 00 00',
			collector: 'COL1',
		});
		await addInvoice(ledger, {
			customerId: k,
			number: 'KA-25',
			dueDate: daysFromToday(-25),
			amount: 4800000n,
		});
		const today = daysFromToday(0);
		const workflow = () => {
			expectFiles(callFolder, [`appels-relances-${today}.pdf`]);
			return shippedWorkflow('dunning-level2-daily.json');
		};
		const result = await runWorkflow(workflow(), { credentials: credentialsFor(ledger, sink) });
		expect(result.error).toBeUndefined();
		const calls = result.json('Send level2 reminders', 3);
		expect(calls).toHaveLength(1);
		expect(calls[0]).toMatchObject({
			stage: 'level2',
			reminderStatus: 'created',
			dueOn: today,
			assignee: { code: 'COL1', name: 'Karim Benali' },
			customer: { externalId: 'KA-TEL' },
		});
		expect((calls[0].invoices as Array<{ number: string }>).map((i) => i.number)).toEqual([
			'KA-25',
		]);
		const tasks = await ledger.query<{
			id: string;
			kind: string;
			assignee_code: string;
			status: string;
		}>('SELECT id, kind, assignee_code, status FROM contact_tasks WHERE customer_id = $1', [k]);
		expect(tasks).toEqual([
			{ id: calls[0].taskId, kind: 'dunning_call', assignee_code: 'COL1', status: 'open' },
		]);
		const file = path.join(callFolder, `appels-relances-${today}.pdf`);
		expect(existsSync(file)).toBe(true);
		const text = pdfText(file);
		expect(text).toContain('Grands Magasins Réunis');
		expect(text).toContain('KA-25');
		expect(text).toContain('Karim Benali');
		expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');

		// the next evening's run (or a second run at the same time) makes no second task
		const again = await runWorkflow(workflow(), { credentials: credentialsFor(ledger, sink) });
		expect(again.error).toBeUndefined();
		expect(again.json('Send level2 reminders', 3)).toEqual([]);
		expect(
			await ledger.query('SELECT 1 FROM contact_tasks WHERE customer_id = $1', [k]),
		).toHaveLength(1);
	});

	/**
	 * The shipped workflow with the clock at `instant` (the workflow in `zone` when given): the reminders' date, the
	 * call tasks' day and the call list's file name are of the workflow's zone's date. Each run has its own key account
	 * without e-mail, 25 days late on that date, so that it has a call task to list.
	 */
	async function callListAt(
		instant: Date,
		code: string,
		zone?: string,
	): Promise<{ day: string; file: string }> {
		const day = todayIn(zone ?? 'Europe/Paris', instant);
		const k = await addCustomer(ledger, {
			externalId: code,
			name: `Client ${code}`,
			profile: 'key_account',
			emails: [],
			phone: '+33 1 40 00 00 01',
			collector: 'COL1',
		});
		await addInvoice(ledger, {
			customerId: k,
			number: `${code}-25`,
			dueDate: addDays(day, -25),
			amount: 120000n,
		});
		const workflow = shippedWorkflow('dunning-level2-daily.json');
		if (zone) workflow.settings = { ...workflow.settings, timezone: zone };
		expectFiles(callFolder, [`appels-relances-${day}.pdf`]);
		fakeDateAt(instant);
		try {
			const result = await runWorkflow(workflow, { credentials: credentialsFor(ledger, sink) });
			expect(result.error).toBeUndefined();
			const calls = result.json('Send level2 reminders', 3);
			expect(
				calls.map((c) => [(c.customer as { externalId: string }).externalId, c.dueOn]),
			).toEqual([[code, day]]);
			const [list] = result.json('Call list for the collectors (PDF)');
			const written = path.join(callFolder, `appels-relances-${day}.pdf`);
			expect(readFileSync(written).subarray(0, 5).toString()).toBe('%PDF-');
			expect(pdfText(written)).toContain(`${code}-25`);
			return { day, file: path.basename(String(list.pdfPath)) };
		} finally {
			useRealDate();
		}
	}

	test.each([
		['00:30', 'KA-TZ-0030'],
		['23:30', 'KA-TZ-2330'],
	])(
		'at %s Paris time, the call list is named after the Paris date',
		async (hhmm, code) => {
			const instant = todayAt(hhmm, 'Europe/Paris');
			const { day, file } = await callListAt(instant, code);
			expect(day).toBe(todayIn('Europe/Paris', instant));
			expect(file).toBe(`appels-relances-${day}.pdf`);
		},
		120_000,
	);

	test("with the workflow in another zone, the call list is that zone's date (New York is still yesterday at 00:30 in Paris)", async () => {
		const instant = todayAt('00:30', 'Europe/Paris');
		const { day, file } = await callListAt(instant, 'KA-TZ-NY', 'America/New_York');
		expect(day).toBe(addDays(todayIn('Europe/Paris', instant), -1));
		expect(file).toBe(`appels-relances-${day}.pdf`);
	}, 120_000);
});
