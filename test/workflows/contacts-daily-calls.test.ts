import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addDays, todayIn } from '../../core';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, dunningTestLedger, expectFiles, testFolder } from './dunning-helpers';
import { pdfText } from '../helpers/pdf';

describe('workflow: daily quality calls', () => {
	const t = dunningTestLedger();
	const folder = testFolder('call-lists');
	const today = todayIn('Europe/Paris');

	beforeAll(async () => {
		const a = await addCustomer(t.ledger, { externalId: 'QC-A', name: 'Atelier Mercier', collector: 'COL1' });
		const b = await addCustomer(t.ledger, { externalId: 'QC-B', name: 'Sahel Distribution', language: 'en', collector: 'COL2' });
		await addInvoice(t.ledger, { customerId: a, number: 'QCA-1', dueDate: addDays(today, 5) });
		await addInvoice(t.ledger, { customerId: b, number: 'QCB-1', dueDate: addDays(today, 5) });
		const late = await addInvoice(t.ledger, { customerId: b, number: 'QCB-OLD', dueDate: addDays(today, -20) });
		await t.ledger.query('INSERT INTO promises (customer_id, invoice_id, promised_on, source) VALUES ($1, $2, $3, $4)', [b, late, addDays(today, -2), 'call']);
		rmSync(folder, { recursive: true, force: true });
	});


	test('settles promises, plans the calls and saves the call list as PDF and CSV', async () => {
		const workflow = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'contacts-daily-calls.json'));
		expectFiles(folder, [`appels-${today}.pdf`, `appels-${today}.csv`]);
		const result = await runWorkflow(workflow, { credentials: credentialsFor(t.ledger) });
		expect(result.error).toBeUndefined();
		expect(result.json('Broken promises: back in dunning')).toEqual([expect.objectContaining({ invoice: 'QCB-OLD', status: 'broken' })]);
		expect(result.json('Plan the calls').map((c) => c.taskId && (c.customer as { externalId: string }).externalId)).toEqual(['QC-A', 'QC-B']);
		const csv = readFileSync(path.join(folder, `appels-${today}.csv`), 'utf8');
		expect(csv).toContain('QC-A;Atelier Mercier');
		expect(existsSync(path.join(folder, `appels-${today}.pdf`))).toBe(true);
		const text = pdfText(path.join(folder, `appels-${today}.pdf`));
		expect(text).toContain('Atelier Mercier (QC-A)');
		expect(text).toContain('Did you receive invoice QCB-1?');
		const [flag] = await t.ledger.query<{ flagged: boolean }>('SELECT flagged FROM promises');
		expect(flag.flagged).toBe(true);
	});
});
