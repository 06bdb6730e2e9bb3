import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'intake-mailbox.json');
const FIXTURES = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'einvoices');

// Third-party e-invoices (test/fixtures/einvoices/*/NOTICE.md): a French Factur-X PDF and an EN 16931 UBL invoice.
const FACTURX = 'factur-x-zugferd/correct/Facture_FR_BASICWL.pdf';
const UBL = 'en16931/ubl/ubl-tc434-example1.xml';
const CSV = [
	'number;customerId;customerName;currency;totalExcl;totalTax;totalIncl;issueDate;dueDate',
	'MAIL-2026-001;CL-LILLE;Brasserie du Nord;EUR;1 000,00;200,00;1 200,00;02/03/2026;01/04/2026',
	'MAIL-2026-002;CL-LILLE;Brasserie du Nord;EUR;100,00;20,00;120,00;30/02/2026;01/04/2026',
].join('\n');

function attachment(fileName: string, mimeType: string, bytes: Buffer): IBinaryData {
	return {
		data: bytes.toString('base64'),
		mimeType,
		fileName,
		fileExtension: path.extname(fileName).slice(1),
		fileSize: String(bytes.length),
	};
}

/** What the Email Trigger (IMAP) outputs for one e-mail with attachments downloaded (prefix attachment_). */
function email(): INodeExecutionData {
	return {
		json: {
			subject: 'Factures mars 2026',
			from: 'facturation@example.fr',
			date: '2026-03-05T09:00:00.000Z',
			textPlain: 'Bonjour, ci-joint nos factures.',
		},
		binary: {
			attachment_0: attachment(
				'Facture_FR_BASICWL.pdf',
				'application/pdf',
				readFileSync(path.join(FIXTURES, FACTURX)),
			),
			attachment_1: attachment(
				'logo.png',
				'image/png',
				Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
			),
			attachment_2: attachment(
				'ubl-tc434-example1.xml',
				'application/xml',
				readFileSync(path.join(FIXTURES, UBL)),
			),
			attachment_3: attachment('factures.CSV', 'text/csv', Buffer.from(CSV, 'utf8')),
		},
	};
}

describe('workflow: Mailbox (IMAP) attachments → intake', () => {
	const t = engineLedger();

	const run = () => runWorkflow(WORKFLOW, { triggerItems: [email()], credentials: t.credentials });
	const numbersOf = (items: Array<Record<string, unknown>>) =>
		items
			.map((j) =>
				String(j.number ?? (j.input as Record<string, unknown> | undefined)?.number ?? ''),
			)
			.sort();

	test('reads each invoice attachment of an e-mail, leaves other files out, stores or refuses every invoice', async () => {
		const result = await run();
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		const split = result.nodeOutputs('One item per attachment');
		expect(split.map((item) => Object.keys(item.binary ?? {}))).toEqual([
			['attachment_0'],
			['attachment_1'],
			['attachment_2'],
			['attachment_3'],
		]);
		expect(split[0].json).toEqual({
			subject: 'Factures mars 2026',
			from: 'facturation@example.fr',
			date: '2026-03-05T09:00:00.000Z',
		});
		expect(
			result.nodeOutputs('Invoice files only').map((item) => Object.keys(item.binary ?? {})[0]),
		).toEqual(['attachment_0', 'attachment_2', 'attachment_3']);

		const stored = result.json('Store invoices from the attachment', 0);
		const refused = result.json('Store invoices from the attachment', 1);
		// Every invoice of every file comes out once, on one side or the other.
		const all = [...stored, ...refused].map((j) =>
			String(j.number ?? (j.input as Record<string, unknown> | undefined)?.number ?? j.file ?? ''),
		);
		expect(all).toHaveLength(4);
		expect(all).toEqual(expect.arrayContaining(['FA-2017-0010', '12115118', 'MAIL-2026-001']));
		expect(stored.map((j) => j.number)).toContain('MAIL-2026-001');
		const badRow = refused.find((j) => JSON.stringify(j).includes('MAIL-2026-002'));
		expect(badRow).toBeDefined();
		expect(String(badRow?.errorFr)).toMatch(/date/i);
		for (const item of refused) expect(item.errorFr).toBeTruthy();

		const rows = await t.ledger.query<{ number: string }>(
			'SELECT number FROM invoices ORDER BY number',
		);
		expect(rows.map((r) => r.number)).toEqual(numbersOf(stored).filter(Boolean));
	});

	test('the same e-mail read again changes nothing', async () => {
		const before = await t.ledger.query(
			'SELECT number, revision, content_hash FROM invoices ORDER BY number',
		);
		const result = await run();
		expect(result.status).toBe('success');
		for (const item of result.json('Store invoices from the attachment', 0))
			expect(item.status).toBe('unchanged');
		expect(
			await t.ledger.query('SELECT number, revision, content_hash FROM invoices ORDER BY number'),
		).toEqual(before);
	});
});
