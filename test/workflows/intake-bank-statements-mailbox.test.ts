import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { storeInvoices, upsertCustomers } from '../../core';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'intake-bank-statements-mailbox.json');
const FIXTURES = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'bank-statements');

function attachment(fileName: string, mimeType: string, bytes: Buffer): IBinaryData {
	return {
		data: bytes.toString('base64'),
		mimeType,
		fileName,
		fileExtension: path.extname(fileName).slice(1),
		fileSize: String(bytes.length),
	};
}

/** What the Email Trigger (IMAP) outputs for a bank's e-mail: a real CFONB 120 statement (NOTICE.md), a logo, a PDF copy, a broken camt. */
function email(): INodeExecutionData {
	return {
		json: {
			subject: 'Votre relevé de compte',
			from: 'releves@banque.example',
			date: '2026-11-02T06:00:00.000Z',
			textPlain: 'Veuillez trouver votre relevé.',
		},
		binary: {
			attachment_0: attachment(
				'RELEVE_30003.cfo',
				'application/octet-stream',
				readFileSync(path.join(FIXTURES, 'cfonb120', 'oca_cfonb_classic.cfo')),
			),
			attachment_1: attachment(
				'logo.png',
				'image/png',
				Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
			),
			attachment_2: attachment(
				'releve.pdf',
				'application/pdf',
				Buffer.from('%PDF-1.4 relevé', 'utf8'),
			),
			attachment_3: attachment(
				'camt053.xml',
				'application/xml',
				Buffer.from(
					'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>',
					'utf8',
				),
			),
		},
	};
}

describe('workflow: Bank statements by e-mail (IMAP) → payments matched', () => {
	const t = engineLedger();

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
	});

	test('imports the statement attachments of an e-mail (PDF and images left out), matches payments, refuses a broken file; the same e-mail again stores nothing new', async () => {
		const result = await runWorkflow(loadWorkflow(WORKFLOW), {
			triggerItems: [email()],
			credentials: t.credentials,
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(
			result
				.nodeOutputs('Statement files only (no PDF, image or CSV)')
				.map((item) => Object.keys(item.binary ?? {})[0]),
		).toEqual(['attachment_0', 'attachment_3']);
		expect(result.json('Matched to invoices').map((j) => j.amount)).toContain('1040.17');
		expect(
			result.json('To settle by hand (unapplied, ambiguous, overpaid)').length,
		).toBeGreaterThan(0);
		expect(result.json('Thank-you hand-off (Reminder Step)').map((j) => j.invoiceNumber)).toEqual([
			'F230875',
		]);
		expect(result.json('Files refused (see error / errorFr)').map((j) => j.code)).toEqual([
			'BANK_STATEMENT_XML_MALFORMED',
		]);
		expect(
			result.json('Debits, fees and balance checks').filter((j) => j.line === 'debit'),
		).toHaveLength(4);
		const [{ count }] = await t.ledger.query<{ count: string }>('SELECT count(*) FROM payments');
		expect(Number(count)).toBe(9);

		const again = await runWorkflow(loadWorkflow(WORKFLOW), {
			triggerItems: [email()],
			credentials: t.credentials,
		});
		expect(again.status).toBe('success');
		expect(again.json('Matched to invoices').every((j) => j.status === 'unchanged')).toBe(true);
		expect(
			(await t.ledger.query<{ count: string }>('SELECT count(*) FROM payments'))[0].count,
		).toBe(count);
	});
});
