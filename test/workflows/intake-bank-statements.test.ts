import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { storeInvoices, upsertCustomers } from '../../core';
import { uniqueSchema } from '../helpers/db';
import { ENGINE_FILES_DIR, loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'intake-bank-statements.json');
const FIXTURES = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'bank-statements');

describe('workflow: Bank statements (camt, CFONB, MT940) → payments matched', () => {
	const t = engineLedger();
	const folder = path.join(ENGINE_FILES_DIR, 'bank-statements');
	const tag = uniqueSchema('stmt');
	const files = [`${tag}.cfo`, `${tag}-broken.xml`, `${tag}.csv`];

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{
				externalId: 'MJB',
				name: 'Ma Jolie Boutique SARL',
				language: 'fr',
				emails: ['compta@mjb.example'],
			},
		]);
		await storeInvoices(t.ledger, [
			{
				docType: 'invoice',
				number: 'F230875',
				customerExternalId: 'MJB',
				currency: 'EUR',
				totalExclMinor: 104017n,
				totalTaxMinor: 0n,
				totalInclMinor: 104017n,
				payableMinor: 104017n,
				issueDate: '2023-12-01',
				dueDate: '2023-12-31',
			},
		]);
		mkdirSync(folder, { recursive: true });
		copyFileSync(
			path.join(FIXTURES, 'cfonb120', 'oca_cfonb_classic.cfo'),
			path.join(folder, files[0]),
		);
		writeFileSync(
			path.join(folder, files[1]),
			'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
		);
		writeFileSync(path.join(folder, files[2]), 'Date;Libellé;Crédit\n');
	});

	afterAll(async () => {
		for (const f of files) rmSync(path.join(folder, f), { force: true });
	});

	test('imports the statement files of the folder (CSV left to the CSV workflow), matches payments, pays invoices, refuses a broken file', async () => {
		const result = await runWorkflow(loadWorkflow(WORKFLOW), { credentials: t.credentials });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const read = result.json('Bank files only (not CSV)').map((j) => j.fileName);
		expect(read).toEqual(expect.arrayContaining([files[0], files[1]]));
		expect(read).not.toContain(files[2]);
		expect(result.json('Matched to invoices').map((j) => j.amount)).toContain('1040.17');
		expect(
			result.json('To settle by hand (unapplied, ambiguous, overpaid)').length,
		).toBeGreaterThan(0);
		expect(result.json('Thank-you hand-off (Reminder Step)').map((j) => j.invoiceNumber)).toEqual([
			'F230875',
		]);
		const refused = result.json('Files refused (see error / errorFr)');
		expect(refused.map((j) => j.code)).toContain('BANK_STATEMENT_XML_MALFORMED');
		expect(
			result.json('Debits, fees and balance checks').filter((j) => j.line === 'debit'),
		).toHaveLength(4);
		// The same files again store nothing new.
		const again = await runWorkflow(loadWorkflow(WORKFLOW), { credentials: t.credentials });
		expect(again.json('Matched to invoices').every((j) => j.status === 'unchanged')).toBe(true);
	});
});
