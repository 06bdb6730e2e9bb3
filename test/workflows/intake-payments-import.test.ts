import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { normaliseInvoiceRecord, storeInvoices, upsertCustomers } from '../../core';
import { uniqueSchema } from '../helpers/db';
import { ENGINE_FILES_DIR, loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'intake-payments-import.json');

// A French bank export: ';' separated, decimal commas, a debit line the workflow must leave out.
const STATEMENT = [
	'Date;Libellé;Crédit;Débit;Devise;Référence;Émetteur',
	'05/03/2026;VIR SEPA BOULANGERIE MARTIN FAC-2026-0012;1 200,00;;EUR;BNK-001;Boulangerie Martin',
	'06/03/2026;FRAIS TENUE DE COMPTE;;12,50;EUR;BNK-002;',
	'07/03/2026;VIREMENT RECU;200,00;;EUR;BNK-003;Inconnu SA',
	'08/03/2026;VIR FAC-2026-0013;12,3,4;;EUR;BNK-004;Boulangerie Martin',
	'',
].join('\n');

describe('workflow: Payments import (bank statements → allocation → thank-you)', () => {
	const t = engineLedger();
	const folder = path.join(ENGINE_FILES_DIR, 'bank-statements');
	const statement = `${uniqueSchema('releve')}.csv`;

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{ externalId: 'CL-LYON', name: 'Boulangerie Martin', language: 'fr' },
			{ externalId: 'CL-CASA', name: 'Atlas Distribution', language: 'fr' },
		]);
		const invoices = [
			{
				number: 'FAC-2026-0012',
				customerId: 'CL-LYON',
				totalIncl: '1200.00',
				totalTax: '200.00',
				totalExcl: '1000.00',
				issueDate: '2026-02-01',
				dueDate: '2026-03-03',
			},
			{
				number: 'FAC-2026-0013',
				customerId: 'CL-LYON',
				totalIncl: '300.00',
				totalTax: '50.00',
				totalExcl: '250.00',
				issueDate: '2026-02-10',
				dueDate: '2026-03-12',
			},
			{
				number: 'FAC-2026-0020',
				customerId: 'CL-CASA',
				totalIncl: '500.00',
				totalTax: '0',
				totalExcl: '500.00',
				issueDate: '2026-02-12',
				dueDate: '2026-03-14',
			},
		].map((record) => normaliseInvoiceRecord(record).invoice!);
		await storeInvoices(t.ledger, invoices);
		mkdirSync(folder, { recursive: true });
		writeFileSync(path.join(folder, statement), STATEMENT, 'utf8');
	});

	afterAll(async () => {
		rmSync(path.join(folder, statement), { force: true });
	});

	const run = () =>
		runWorkflow(loadWorkflow(WORKFLOW), {
			credentials: t.credentials,
		});

	test('records the money received, settles the invoice it names, flags what it cannot match, refuses bad lines', async () => {
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.nodeOutputs('Statement lines')).toHaveLength(4);
		expect(result.json('Money in only').map((j) => j.externalRef)).toEqual([
			'BNK-001',
			'BNK-003',
			'BNK-004',
		]);

		const stored = result.json('Store payments', 0);
		expect(stored.map((j) => [j.externalRef, j.status, j.allocationStatus])).toEqual([
			['BNK-001', 'created', 'applied'],
			['BNK-003', 'created', expect.not.stringMatching(/^applied$/)],
		]);
		expect(stored[0]).toMatchObject({
			customerId: 'CL-LYON',
			amount: '1200.00',
			unapplied: '0.00',
			paidInvoices: ['FAC-2026-0012'],
		});
		expect(stored[1]).toMatchObject({
			amount: '200.00',
			unapplied: '200.00',
			flagReason: expect.any(String),
		});

		const refused = result.nodeOutputs('Store payments', 1);
		expect(refused).toHaveLength(1);
		expect(refused[0].json).toMatchObject({
			input: { externalRef: 'BNK-004' },
			errorFr: expect.any(String),
		});
		expect(refused[0].pairedItem).toEqual({ item: 2 });

		expect(result.json('Thank-you hand-off (Reminder Step)')).toEqual([
			expect.objectContaining({ invoiceNumber: 'FAC-2026-0012', customerId: 'CL-LYON' }),
		]);
		expect(result.json('Matched to invoices').map((j) => j.externalRef)).toEqual(['BNK-001']);
		expect(
			result.json('To settle by hand (unapplied, ambiguous, overpaid)').map((j) => j.externalRef),
		).toEqual(['BNK-003']);
		expect(
			result
				.json('Lines refused (see error / errorFr)')
				.map((j) => (j.input as { externalRef: string }).externalRef),
		).toEqual(['BNK-004']);

		const invoices = await t.ledger.query<{ number: string; open_minor: string; status: string }>(
			'SELECT number, open_minor::text, status FROM invoices ORDER BY number',
		);
		expect(invoices).toEqual([
			{ number: 'FAC-2026-0012', open_minor: '0', status: 'paid' },
			{ number: 'FAC-2026-0013', open_minor: '30000', status: 'open' },
			{ number: 'FAC-2026-0020', open_minor: '50000', status: 'open' },
		]);
		const payments = await t.ledger.query<{
			external_ref: string;
			amount_minor: string;
			unapplied_minor: string;
		}>(
			'SELECT external_ref, amount_minor::text, unapplied_minor::text FROM payments ORDER BY external_ref',
		);
		expect(payments).toEqual([
			{ external_ref: 'BNK-001', amount_minor: '120000', unapplied_minor: '0' },
			{ external_ref: 'BNK-003', amount_minor: '20000', unapplied_minor: '20000' },
		]);
	}, 60_000); // the first run loads the n8n engine

	test('the same statement read again records nothing twice and thanks nobody twice', async () => {
		const result = await run();
		expect(result.status).toBe('success');
		expect(result.json('Store payments', 0).map((j) => j.status)).toEqual([
			'unchanged',
			'unchanged',
		]);
		expect(result.json('Thank-you hand-off (Reminder Step)')).toEqual([]);
		const [count] = await t.ledger.query<{ payments: string; allocations: string }>(
			'SELECT (SELECT count(*) FROM payments)::text AS payments, (SELECT count(*) FROM allocations)::text AS allocations',
		);
		expect(count).toEqual({ payments: '2', allocations: '1' });
	});

	test('reads the statements from the bank-statements folder n8n allows; none there: a green run that says where it looked', async () => {
		rmSync(path.join(folder, statement), { force: true });
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.json('Statements waiting', 0)).toEqual([]);
		const [none] = result.json('No statement today (see message)');
		expect(none).toMatchObject({ folder, pattern: '*.csv', files: 0 });
		expect(String(none.message)).toContain(folder);
		expect(String(none.messageFr)).toContain('Aucun fichier');
	});
});
