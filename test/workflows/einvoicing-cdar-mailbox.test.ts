// Lifecycle statuses received by e-mail: what the Email Trigger (IMAP) outputs for the platform's e-mail (a CDAR
// attachment valid against the official XSD and Schematron, a PDF copy, a broken XML) and for a stranger's e-mail
// carrying a CDAR, run through the shipped workflow (n8n-core's engine) on a real ledger.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { installDefaultPolicies, planReminders } from '../../core';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { engineLedger } from '../helpers/engineLedger';

const WORKFLOW = path.join(PACKAGE_ROOT, 'workflows', 'einvoicing-cdar-mailbox.json');
const CDAR = readFileSync(
	path.join(PACKAGE_ROOT, 'test', 'fixtures', 'einvoicing', 'cdar-207-en-litige.xml'),
);

function attachment(fileName: string, mimeType: string, bytes: Buffer): IBinaryData {
	return {
		data: bytes.toString('base64'),
		mimeType,
		fileName,
		fileExtension: path.extname(fileName).slice(1),
		fileSize: String(bytes.length),
	};
}

function email(from: string, binary: Record<string, IBinaryData>): INodeExecutionData {
	return {
		json: {
			subject: 'Statuts de cycle de vie',
			from,
			date: '2026-12-07T09:20:00.000Z',
			textPlain: 'Statuts joints.',
		},
		binary,
	};
}

describe('workflow: E-invoicing — lifecycle statuses by e-mail (CDAR attachments)', () => {
	const t = engineLedger();

	beforeAll(async () => {
		await installDefaultPolicies(t.ledger);
		await seedStaff(t.ledger);
		const customer = await addCustomer(t.ledger, {
			externalId: 'PF-MAIL',
			name: 'Client Plateforme SAS',
		});
		await addInvoice(t.ledger, {
			customerId: customer,
			number: 'FA-2026-0042',
			issueDate: '2026-11-16',
			dueDate: '2026-12-01',
		});
	});
	const statuses = async () =>
		(await t.ledger.query<{ n: string }>('SELECT count(*)::text AS n FROM lifecycle_statuses'))[0]
			.n;

	test("a stranger's e-mail, even with a real CDAR attached, is left aside: nothing applied", async () => {
		const run = await runWorkflow(loadWorkflow(WORKFLOW), {
			triggerItems: [
				email('Plateforme <statuts@your-platform.example.evil.test>', {
					attachment_0: attachment('cdar.xml', 'application/xml', CDAR),
				}),
			],
			credentials: t.credentials,
		});
		expect(run.error).toBeUndefined();
		expect(run.json('Not from the platform (left aside)')).toHaveLength(1);
		expect(run.executed).not.toContain('Apply the statuses (CDAR)');
		expect(await statuses()).toBe('0');
	});

	test("the platform's e-mail: the CDAR applied (dispute, dunning held), the PDF left out, a broken XML reported; the same e-mail again changes nothing", async () => {
		const mail = () =>
			email('Plateforme Agréée <Statuts@Your-Platform.example>', {
				attachment_0: attachment('CDV-PA-20261207-0042.xml', 'application/xml', CDAR),
				attachment_1: attachment(
					'copie.pdf',
					'application/pdf',
					Buffer.from('%PDF-1.4 copie', 'utf8'),
				),
				attachment_2: attachment(
					'CDV-broken.XML',
					'application/xml',
					Buffer.from('<?xml version="1.0"?><rsm:CrossDomain', 'utf8'),
				),
			});
		const run = await runWorkflow(loadWorkflow(WORKFLOW), {
			triggerItems: [mail()],
			credentials: t.credentials,
		});
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(
			run.nodeOutputs('CDAR files only (XML)').map((item) => Object.keys(item.binary ?? {})[0]),
		).toEqual(['attachment_0', 'attachment_2']);
		expect(run.json('Statuses applied')).toEqual([
			expect.objectContaining({
				invoiceNumber: 'FA-2026-0042',
				statusCode: '207',
				effect: 'dispute',
			}),
		]);
		expect(run.json('Unreadable files (see errorFr)')).toEqual([
			expect.objectContaining({ errorFr: expect.any(String) }),
		]);
		const plan = await planReminders(t.ledger, { stage: 'level1', asOf: '2026-12-10' });
		expect(plan.held.map((h) => h.number)).toContain('FA-2026-0042');
		const [row] = await t.ledger.query<Record<string, string>>(
			"SELECT status_code, reason_code, source FROM lifecycle_statuses WHERE invoice_number = 'FA-2026-0042'",
		);
		expect(row).toEqual({
			status_code: '207',
			reason_code: 'QTE_ERR',
			source: 'e-invoicing platform (e-mail)',
		});

		const again = await runWorkflow(loadWorkflow(WORKFLOW), {
			triggerItems: [mail()],
			credentials: t.credentials,
		});
		expect(again.error).toBeUndefined();
		expect(again.json('Statuses applied')).toEqual([]);
		expect(again.json('Statuses kept (see message)')).toEqual([
			expect.objectContaining({ invoiceNumber: 'FA-2026-0042', outcome: 'duplicate' }),
		]);
		expect(await statuses()).toBe('1');
	});
});
