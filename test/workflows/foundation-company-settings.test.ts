// The shipped "Company settings (form)" workflow: the form's fields are the identity's, only a logged-in n8n user can
// fill it, a submission (pinned as the Form Trigger outputs it, logo file included) saves the identity that letters
// then carry, and a wrong field saves nothing and fails the execution with the field named in French and English.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { INodeExecutionData } from 'n8n-workflow';
import { COMPANY_TEXT_FIELDS, type Ledger } from '../../core';
import { loadCompany } from '../../core/company';
import { invoiceCopyOfLedgerInvoice } from '../../core/documents/invoiceCopy';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import {
	closeEngine,
	loadWorkflow,
	PACKAGE_ROOT,
	runWorkflow,
	type WorkflowJson,
} from '../helpers/engine';
import { pdfImages, pdfText } from '../helpers/pdf';
import { solidPng } from '../helpers/png';

const FILE = path.join(PACKAGE_ROOT, 'workflows', 'foundation-company-settings.json');

/**
 * The shipped workflow with its Form Trigger's output pinned. n8n's Form Trigger cannot be loaded under jest (its
 * sanitize-html dependency ships ES modules) and the in-process engine never runs the start node anyway: it outputs
 * the pinned items. So the trigger is stood in for by a Manual Trigger of the same name; every other node is the
 * shipped one. The real Form Trigger is served and run by n8n in test/e2e/every-workflow.e2e.test.ts.
 */
function shipped(): WorkflowJson {
	const workflow = loadWorkflow(FILE);
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.formTrigger')
			Object.assign(node, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	}
	return workflow;
}

interface FormField {
	fieldName: string;
	fieldLabel: string;
	fieldType?: string;
	requiredField?: boolean;
	acceptFileTypes?: string;
}

/** What the Form Trigger outputs for a submission: the fields by name, the n8n user, the logo as a file. */
function submission(fields: Record<string, string>, logo?: Buffer): INodeExecutionData {
	return {
		json: {
			...fields,
			logo: logo ? { filename: 'logo.png', mimetype: 'image/png', size: logo.length } : {},
			submittedAt: '2026-03-31T09:12:00.000+02:00',
			formMode: 'production',
			user: { id: 'u1', email: 'claire@acme.example', firstName: 'Claire', lastName: 'Dubois' },
		},
		...(logo
			? {
					binary: {
						logo: {
							data: logo.toString('base64'),
							mimeType: 'image/png',
							fileName: 'logo.png',
							fileSize: String(logo.length),
						},
					},
				}
			: {}),
	};
}

const FORM = {
	name: 'ACME',
	legalName: 'ACME Industrie',
	legalForm: 'SAS',
	shareCapital: '50 000 €',
	addressLines: '1 place du Commerce\r\n69002 Lyon',
	country: 'FR',
	siren: '552 100 554',
	vatNumber: 'FR 96 552100554',
	rcs: 'RCS Lyon 552 100 554',
	ice: '',
	email: 'contact@acme.example',
	phone: '04 72 00 00 00',
	website: '',
	senderEmail: 'relances@acme.example',
	senderName: 'Service recouvrement ACME',
	iban: 'FR76 3000 6000 0112 3456 7890 189',
	bic: 'BNPAFRPP',
	bankName: 'BNP Paribas Lyon',
	legalMentions: 'Pénalités de retard : trois fois le taux d’intérêt légal.',
};

describe('workflow: Company settings (form)', () => {
	let ledger: Ledger;
	let credentials: { receivablesLedgerApi: Record<string, string | number> };
	beforeAll(async () => {
		ledger = await createTestLedger();
		credentials = { receivablesLedgerApi: ledgerCredentialData(ledger.schema) };
	});
	afterAll(async () => {
		await closeEngine();
		await dropTestLedger(ledger);
	});

	it('asks for every field of the identity, behind the n8n login, and explains itself in French and English', () => {
		const workflow = JSON.parse(readFileSync(FILE, 'utf8')) as {
			nodes: Array<{ type: string; parameters: Record<string, unknown> }>;
			settings: { timezone: string };
		};
		const form = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger');
		expect(form?.parameters.authentication).toBe('n8nUserAuth');
		expect((form?.parameters.options as { path: string }).path).toBe('company-settings');
		const fields = (form?.parameters.formFields as { values: FormField[] }).values;
		expect(fields.map((f) => f.fieldName)).toEqual([...COMPANY_TEXT_FIELDS, 'logo']);
		expect(fields.filter((f) => f.requiredField).map((f) => f.fieldName)).toEqual(['name']);
		expect(fields.find((f) => f.fieldName === 'logo')).toMatchObject({
			fieldType: 'file',
			acceptFileTypes: '.png, .jpg, .jpeg',
		});
		expect(workflow.settings.timezone).toBe('Europe/Paris');
		const note = String(
			workflow.nodes.find((n) => n.type === 'n8n-nodes-base.stickyNote')?.parameters.content,
		);
		expect(note).toContain('Un champ laissé vide **garde** la valeur enregistrée');
		expect(note).toContain('Empty fields **keep** the saved value');
	});

	it('a submission saves the identity and the logo, by the n8n user; letters and invoice copies then carry them', async () => {
		const logo = solidPng(240, 80);
		const run = await runWorkflow(shipped(), {
			credentials,
			triggerItems: [submission(FORM, logo)],
		});
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(run.json('Save company settings', 0)[0]).toMatchObject({
			status: 'created',
			messageFr: "L'identité de ACME a été enregistrée.",
		});
		expect(run.executed).not.toContain('Not saved: a field is wrong');
		const company = await loadCompany(ledger);
		expect(company).toMatchObject({
			name: 'ACME',
			siren: '552100554',
			vatNumber: 'FR96552100554',
			iban: 'FR7630006000011234567890189',
			addressLines: ['1 place du Commerce', '69002 Lyon'],
			logo: { width: 240, height: 80 },
		});
		expect(company.ice).toBeUndefined();
		const [saved] = await ledger.query<{ updated_by: string }>(
			"SELECT updated_by FROM settings WHERE key = 'company'",
		);
		expect(saved.updated_by).toBe('claire@acme.example');

		const customer = await addCustomer(ledger, {
			externalId: 'FORM-1',
			name: 'Boulangerie Martin',
			profile: null,
			salesRep: null,
			collector: null,
		});
		const invoice = await addInvoice(ledger, {
			customerId: customer,
			number: 'F-2026-0042',
			dueDate: '2026-03-15',
		});
		const copy = await invoiceCopyOfLedgerInvoice(ledger, invoice, company);
		const text = pdfText(copy.content);
		expect(text).toContain('ACME Industrie SAS');
		expect(text).toContain('Émetteur : ACME Industrie SAS, SIREN 552 100 554, TVA FR96552100554');
		expect(text).toContain('IBAN FR76 3000 6000 0112 3456 7890 189 · BIC BNPAFRPP');
		expect(pdfImages(copy.content)).toEqual([expect.objectContaining({ width: 240, height: 80 })]);

		// a second submission with only the phone changed (other fields empty, no file): the rest is kept
		const blank = Object.fromEntries(Object.keys(FORM).map((k) => [k, ''])) as Record<
			string,
			string
		>;
		const again = await runWorkflow(shipped(), {
			credentials,
			triggerItems: [submission({ ...blank, name: 'ACME', phone: '04 72 11 11 11' })],
		});
		expect(again.status).toBe('success');
		expect(again.json('Save company settings', 0)[0]).toMatchObject({
			status: 'updated',
			changed: ['phone'],
		});
		expect((await loadCompany(ledger)).logoImage?.data.length).toBe(logo.length);
	});

	it('a wrong field saves nothing and fails the execution naming it in French and English', async () => {
		const before = await ledger.query(
			"SELECT value, updated_at FROM settings WHERE key = 'company'",
		);
		const run = await runWorkflow(shipped(), {
			credentials,
			triggerItems: [
				submission({
					...FORM,
					iban: 'FR76 3000 6000 0112 3456 7890 188',
					vatNumber: 'FR00552100554',
				}),
			],
		});
		expect(run.status).toBe('error');
		const message = String(run.error?.message);
		expect(message).toContain(
			"IBAN : « FR76 3000 6000 0112 3456 7890 188 » ne passe pas le contrôle de l'IBAN (modulo 97)",
		);
		expect(message).toContain(
			'Numéro de TVA : la clé 00 de « FR00552100554 » ne correspond pas à son SIREN',
		);
		expect(message).toContain(
			'IBAN: "FR76 3000 6000 0112 3456 7890 188" fails the IBAN check (mod 97)',
		);
		expect(
			await ledger.query("SELECT value, updated_at FROM settings WHERE key = 'company'"),
		).toEqual(before);
	});
});
