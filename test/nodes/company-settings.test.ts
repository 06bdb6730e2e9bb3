/**
 * Receivables Report › Company Settings as a node: Save from the input item (a form's fields and its logo file) or
 * from parameters, wrong fields to Rejected with nothing written, Read with the logo as a file and the history.
 */
import type { IDataObject } from 'n8n-workflow';
import type { Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { closeEngine } from '../helpers/engine';
import { NODE, runNode } from '../helpers/nodes';
import { solidPng } from '../helpers/png';

describe('Receivables Report › Company Settings', () => {
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

	const logo = solidPng(90, 30);
	const formItem = {
		json: {
			name: 'Atlas Négoce',
			legalForm: 'SARL',
			addressLines: '12 boulevard Zerktouni\n20000 Casablanca',
			country: 'MA',
			ice: '001234567000089',
			rcs: 'RC Casablanca 123456',
			senderEmail: 'recouvrement@atlas.example',
			senderName: 'Recouvrement Atlas',
			iban: 'MA64 0115 1900 0001 2050 0053 4921',
			legalMentions: 'Tout retard de paiement entraîne des pénalités.',
			submittedAt: '2026-03-31T09:00:00+02:00',
			formMode: 'production',
			user: { email: 'fatima@atlas.example' },
		},
		binary: {
			logo: {
				data: logo.toString('base64'),
				mimeType: 'image/png',
				fileName: 'logo.png',
				fileSize: String(logo.length),
			},
		},
	};

	it('Save from the input item stores the identity and the logo (bytes in the ledger, not in the output), Read gives them back', async () => {
		const saved = await runNode(
			'receivablesReport',
			{
				operation: 'companySettings',
				companyAction: 'save',
				companyOptions: { actor: '={{ $json.user.email }}' },
			},
			{ credentials, triggerItems: [formItem] },
		);
		expect(saved.error).toBeUndefined();
		const [out] = saved.json(NODE, 0);
		expect(out).toMatchObject({
			status: 'created',
			messageFr: "L'identité de Atlas Négoce a été enregistrée.",
		});
		expect(out.company).toMatchObject({
			name: 'Atlas Négoce',
			country: 'MA',
			iban: 'MA64011519000001205000534921',
			logo: { mimeType: 'image/png', width: 90, height: 30 },
		});
		expect(JSON.stringify(out)).not.toContain(logo.toString('base64').slice(0, 40));
		expect(saved.nodeOutputs(NODE, 0)[0].pairedItem).toEqual({ item: 0 });
		const [row] = await ledger.query<{ updated_by: string; n: number }>(
			"SELECT updated_by, (SELECT octet_length(data) FROM company_logos LIMIT 1) AS n FROM settings WHERE key = 'company'",
		);
		expect(row).toEqual({ updated_by: 'fatima@atlas.example', n: logo.length });

		// the same form sent again with an empty file field: unchanged, logo kept
		const empty = {
			json: formItem.json,
			binary: {
				logo: { data: '', mimeType: 'application/octet-stream', fileName: '', fileSize: '0' },
			},
		};
		const again = await runNode(
			'receivablesReport',
			{ operation: 'companySettings', companyAction: 'save' },
			{ credentials, triggerItems: [empty] },
		);
		expect(again.json(NODE, 0)[0].status).toBe('unchanged');

		const read = await runNode(
			'receivablesReport',
			{ operation: 'companySettings', companyAction: 'read' },
			{ credentials },
		);
		const [item] = read.nodeOutputs(NODE, 0);
		expect(item.json).toMatchObject({
			name: 'Atlas Négoce',
			configured: true,
			savedBy: 'fatima@atlas.example',
			senderEmail: 'recouvrement@atlas.example',
		});
		expect(item.json.logoImage).toBeUndefined();
		expect(item.binary?.logo).toMatchObject({ mimeType: 'image/png', fileName: 'logo.png' });
	});

	it('Save from parameters: wrong fields go to Rejected, named in English and French, and nothing is written', async () => {
		const before = await ledger.query<{ value: IDataObject }>(
			"SELECT value FROM settings WHERE key = 'company'",
		);
		const bad = await runNode(
			'receivablesReport',
			{
				operation: 'companySettings',
				companyAction: 'save',
				companySource: 'parameters',
				companyName: 'Atlas Négoce',
				companyFields: {
					iban: 'MA64 0115 1900 0001 2050 0053 4922',
					senderEmail: 'recouvrement(at)atlas',
					siren: '12345',
				},
			},
			{ credentials },
		);
		expect(bad.error).toBeUndefined();
		expect(bad.json(NODE, 0)).toEqual([]);
		const [rejected] = bad.json(NODE, 1);
		expect(rejected.code).toBe('COMPANY_INVALID');
		expect(rejected.error).toEqual(
			expect.stringContaining(
				'IBAN: "MA64 0115 1900 0001 2050 0053 4922" fails the IBAN check (mod 97)',
			),
		);
		expect(rejected.errorFr).toEqual(
			expect.stringContaining(
				"E-mail d'expédition : « recouvrement(at)atlas » n'est pas une adresse e-mail",
			),
		);
		expect(rejected.errorFr).toEqual(
			expect.stringContaining('SIREN : « 12345 » ne compte pas 9 chiffres'),
		);
		expect(await ledger.query("SELECT value FROM settings WHERE key = 'company'")).toEqual(before);

		const good = await runNode(
			'receivablesReport',
			{
				operation: 'companySettings',
				companyAction: 'save',
				companySource: 'parameters',
				companyName: 'Atlas Négoce',
				companyFields: { phone: '+212 522 00 00 00' },
				companyOptions: { removeLogo: true },
			},
			{ credentials },
		);
		expect(good.json(NODE, 0)[0]).toMatchObject({ status: 'updated', changed: ['logo', 'phone'] });
		const read = await runNode(
			'receivablesReport',
			{ operation: 'companySettings', companyAction: 'read', companyOptions: { history: 5 } },
			{ credentials },
		);
		const [item] = read.nodeOutputs(NODE, 0);
		expect(item.binary).toBeUndefined();
		expect(item.json.phone).toBe('+212 522 00 00 00');
		expect((item.json.history as IDataObject[]).map((h) => h.changed)).toEqual([['logo', 'phone']]);
	});
});
