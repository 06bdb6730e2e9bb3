import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addDays, todayIn } from '../../core';
import { fakeDateAt, todayAt, useRealDate } from '../helpers/clock';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, dunningTestLedger, expectFiles, testFolder } from './dunning-helpers';
import { pdfText } from '../helpers/pdf';

describe('workflow: daily quality calls', () => {
	const t = dunningTestLedger();
	const folder = testFolder('call-lists');
	const today = todayIn('Europe/Paris');

	beforeAll(async () => {
		const a = await addCustomer(t.ledger, {
			externalId: 'QC-A',
			name: 'Atelier Mercier',
			collector: 'COL1',
		});
		const b = await addCustomer(t.ledger, {
			externalId: 'QC-B',
			name: 'Sahel Distribution',
			language: 'en',
			collector: 'COL2',
		});
		await addInvoice(t.ledger, { customerId: a, number: 'QCA-1', dueDate: addDays(today, 5) });
		await addInvoice(t.ledger, { customerId: b, number: 'QCB-1', dueDate: addDays(today, 5) });
		const late = await addInvoice(t.ledger, {
			customerId: b,
			number: 'QCB-OLD',
			dueDate: addDays(today, -20),
		});
		await t.ledger.query(
			'INSERT INTO promises (customer_id, invoice_id, promised_on, source) VALUES ($1, $2, $3, $4)',
			[b, late, addDays(today, -2), 'call'],
		);
		rmSync(folder, { recursive: true, force: true });
	});

	test('settles promises, plans the calls and saves the call list as PDF and CSV', async () => {
		const workflow = loadWorkflow(
			path.join(PACKAGE_ROOT, 'workflows', 'contacts-daily-calls.json'),
		);
		expectFiles(folder, [`appels-${today}.pdf`, `appels-${today}.csv`]);
		const result = await runWorkflow(workflow, { credentials: credentialsFor(t.ledger) });
		expect(result.error).toBeUndefined();
		expect(result.json('Broken promises: back in dunning')).toEqual([
			expect.objectContaining({ invoice: 'QCB-OLD', status: 'broken' }),
		]);
		expect(
			result
				.json('Plan the calls')
				.map((c) => c.taskId && (c.customer as { externalId: string }).externalId),
		).toEqual(['QC-A', 'QC-B']);
		const csv = readFileSync(path.join(folder, `appels-${today}.csv`), 'utf8');
		expect(csv).toContain('QC-A;Atelier Mercier');
		expect(existsSync(path.join(folder, `appels-${today}.pdf`))).toBe(true);
		const text = pdfText(path.join(folder, `appels-${today}.pdf`));
		expect(text).toContain('Atelier Mercier (QC-A)');
		expect(text).toContain('Did you receive invoice QCB-1?');
		const [flag] = await t.ledger.query<{ flagged: boolean }>('SELECT flagged FROM promises');
		expect(flag.flagged).toBe(true);
	});

	/**
	 * The shipped workflow with the clock at `instant` (the workflow in `zone` when given): the call day, the invoices
	 * called about and the call list's file names are of the workflow's zone's date. Each run has its own customer
	 * with an invoice due 5 days after that date, so that it has a call to list.
	 */
	async function callListAt(
		instant: Date,
		code: string,
		zone?: string,
	): Promise<{ day: string; files: string[] }> {
		const day = todayIn(zone ?? 'Europe/Paris', instant);
		const customer = await addCustomer(t.ledger, {
			externalId: code,
			name: `Client ${code}`,
			collector: 'COL1',
		});
		await addInvoice(t.ledger, {
			customerId: customer,
			number: `${code}-1`,
			dueDate: addDays(day, 5),
		});
		const workflow = loadWorkflow(
			path.join(PACKAGE_ROOT, 'workflows', 'contacts-daily-calls.json'),
		);
		if (zone) workflow.settings = { ...workflow.settings, timezone: zone };
		expectFiles(folder, [`appels-${day}.pdf`, `appels-${day}.csv`]);
		fakeDateAt(instant);
		try {
			const result = await runWorkflow(workflow, { credentials: credentialsFor(t.ledger) });
			expect(result.error).toBeUndefined();
			const calls = result.json('Plan the calls');
			expect(calls.map((c) => (c.customer as { externalId: string }).externalId)).toContain(code);
			expect(calls.map((c) => c.dueOn)).toEqual(calls.map(() => day));
			const [list] = result.json('Call list (PDF and CSV)');
			const files = [String(list.pdfPath), String(list.csvPath)].map((f) => path.basename(f));
			expect(readFileSync(path.join(folder, `appels-${day}.csv`), 'utf8')).toContain(
				`${code};Client ${code}`,
			);
			expect(
				readFileSync(path.join(folder, `appels-${day}.pdf`))
					.subarray(0, 5)
					.toString(),
			).toBe('%PDF-');
			return { day, files };
		} finally {
			useRealDate();
		}
	}

	test.each([
		['00:30', 'QC-TZ-0030'],
		['23:30', 'QC-TZ-2330'],
	])(
		'at %s Paris time, the call list is named after the Paris date',
		async (hhmm, code) => {
			const instant = todayAt(hhmm, 'Europe/Paris');
			const { day, files } = await callListAt(instant, code);
			expect(day).toBe(todayIn('Europe/Paris', instant));
			expect(files).toEqual([`appels-${day}.pdf`, `appels-${day}.csv`]);
		},
		120_000,
	);

	test("with the workflow in another zone, the call list is that zone's date (New York is still yesterday at 00:30 in Paris)", async () => {
		const instant = todayAt('00:30', 'Europe/Paris');
		const { day, files } = await callListAt(instant, 'QC-TZ-NY', 'America/New_York');
		expect(day).toBe(addDays(todayIn('Europe/Paris', instant), -1));
		expect(files).toEqual([`appels-${day}.pdf`, `appels-${day}.csv`]);
	}, 120_000);
});
