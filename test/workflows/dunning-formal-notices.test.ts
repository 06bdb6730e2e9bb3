import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { runWorkflow } from '../helpers/engine';
import {
	credentialsFor,
	daysFromToday,
	dunningTestLedger,
	expectFiles,
	shippedWorkflow,
	testFolder,
} from './dunning-helpers';
import { pdfText } from '../helpers/pdf';

describe('workflow: formal notices as letters, weekdays at 10:00', () => {
	const t = dunningTestLedger();
	const folder = testFolder('letters');

	beforeAll(async () => {
		const a = await addCustomer(t.ledger, {
			externalId: 'MED-1',
			name: 'Société Débitrice SARL',
			addressLines: ['3 rue des Impayés'],
			postalCode: '13001',
			city: 'Marseille',
		});
		await addInvoice(t.ledger, {
			customerId: a,
			number: 'F-45',
			dueDate: daysFromToday(-45),
			amount: 500000n,
		});
		const b = await addCustomer(t.ledger, {
			externalId: 'MED-2',
			onHold: true,
			holdReason: 'redressement judiciaire',
		});
		await addInvoice(t.ledger, { customerId: b, number: 'F-HOLD', dueDate: daysFromToday(-50) });
	});

	afterAll(async () => {
		rmSync(folder, { recursive: true, force: true });
	});

	test('prints the formal notice with interest and the €40 indemnity, once; the customer on hold is skipped', async () => {
		const name = `formal_notice-MED-1-${daysFromToday(0)}.pdf`;
		expectFiles(folder, [name]);
		const run = () =>
			runWorkflow(shippedWorkflow('dunning-formal-notices.json'), {
				credentials: credentialsFor(t.ledger),
			});
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.json('Print formal notices', 0).map((j) => j.fileName)).toEqual([name]);
		expect(result.json('Print formal notices', 1).map((j) => [j.number, j.reason])).toEqual([
			['F-HOLD', 'customer_on_hold'],
		]);
		const text = pdfText(path.join(folder, name));
		expect(text).toContain('Mise en demeure de payer – Société Débitrice SARL');
		expect(text).toContain('13001 Marseille');
		expect(text).toMatch(/Pénalités de retard au taux annuel de \d+,\d{2} %/);
		expect(text).toContain('(article D441-5) : 40,00 €');
		expect(readFileSync(path.join(folder, name)).subarray(0, 5).toString()).toBe('%PDF-');
		expect(
			result.json('Confirm letters saved', 0).map((j) => [j.status, j.invoiceNumbers]),
		).toEqual([['confirmed', ['F-45']]]);
		const rows = await t.ledger.query<{ status: string }>(
			"SELECT r.status FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number = 'F-45'",
		);
		expect(rows).toEqual([{ status: 'sent' }]);
		const again = await run();
		expect(again.json('Print formal notices', 0)).toEqual([]);
	});
});
