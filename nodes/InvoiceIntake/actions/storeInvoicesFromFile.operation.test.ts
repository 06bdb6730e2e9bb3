import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BinaryDataService } from 'n8n-core';
import { Client } from 'pg';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { PDFDocument } from 'pdf-lib';
import { saveIntakeSettings, upsertCustomers } from '../../../core';
import { uniqueSchema } from '../../../test/helpers/db';
import { FRENCH_UBL, frenchUbl } from '../../../test/helpers/einvoice';
import {
	ENGINE_FILES_DIR,
	PACKAGE_NAME,
	runWorkflow,
	type WorkflowJson,
} from '../../../test/helpers/engine';
import { engineLedger } from '../../../test/helpers/engineLedger';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'einvoices');
const BASICWL = path.join(FIXTURES, 'factur-x-zugferd', 'correct', 'Facture_FR_BASICWL.pdf');

const CSV = [
	'N° facture;Code client;Client;Date facture;Échéance;Montant HT;TVA;Montant TTC',
	'F-001;CLI-0007;Boulangerie Martin;31/12/2026;30/01/2027;1 234,56;246,91;1 481,47',
	'F-002;CLI-0007;Boulangerie Martin;30/02/2026;;100,00;20,00;120,00',
	'F-003;MJB;Ma jolie boutique;15/01/2026;14/02/2026;1 000;200;1 200',
	'',
].join('\n');

function fileItem(
	bytes: Buffer | string,
	fileName: string,
	mimeType: string,
	json: IDataObject = {},
): INodeExecutionData {
	const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
	return {
		json: { fileName, ...json },
		binary: {
			data: { data: data.toString('base64'), mimeType, fileName, fileSize: String(data.length) },
		},
	};
}

function workflow(
	fileOptions: IDataObject = {},
	start: 'manual' | 'files' = 'manual',
	folder = '',
): WorkflowJson {
	const trigger = {
		id: 't',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
	};
	const read = {
		id: 'r',
		name: 'Read invoices',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		position: [200, 0] as [number, number],
		parameters: { fileSelector: `${folder}/*`, options: {} },
	};
	const intake = {
		id: 'i',
		name: 'Invoice Intake',
		type: `${PACKAGE_NAME}.invoiceIntake`,
		typeVersion: 1,
		position: [400, 0] as [number, number],
		parameters: { operation: 'storeInvoicesFromFile', binaryPropertyName: 'data', fileOptions },
		credentials: { receivablesLedgerApi: { id: 'ledger', name: 'Ledger' } },
	};
	return start === 'manual'
		? {
				nodes: [trigger, intake],
				connections: { Start: { main: [[{ node: 'Invoice Intake', type: 'main', index: 0 }]] } },
			}
		: {
				nodes: [trigger, read, intake],
				connections: {
					Start: { main: [[{ node: 'Read invoices', type: 'main', index: 0 }]] },
					'Read invoices': { main: [[{ node: 'Invoice Intake', type: 'main', index: 0 }]] },
				},
			};
}

describe('Invoice Intake: Store Invoices From File', () => {
	const t = engineLedger();
	let plainPdf: Buffer;

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{
				externalId: 'CLI-0007',
				name: 'Boulangerie Martin',
				siren: '552032534',
				emails: ['compta@boulangerie-martin.fr'],
				addressLines: ['3 place du Marché'],
				postalCode: '69100',
				city: 'Villeurbanne',
				country: 'FR',
			},
			{
				externalId: 'MJB',
				name: 'Ma jolie boutique',
				siren: '787878784',
				emails: ['compta@mjb.fr'],
				addressLines: ['35 rue de la République'],
				postalCode: '69001',
				city: 'Lyon',
				country: 'FR',
			},
		]);
		const doc = await PDFDocument.create();
		doc.addPage();
		plainPdf = Buffer.from(await doc.save());
	});

	const items = (): INodeExecutionData[] => [
		fileItem(FRENCH_UBL, 'FA-2026-0042.xml', 'application/xml'),
		fileItem(readFileSync(BASICWL), 'Facture_FR_BASICWL.pdf', 'application/pdf'),
		fileItem(CSV, 'export.csv', 'text/csv'),
		{ json: { subject: 'no attachment' } },
		fileItem(
			'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;</Invoice>',
			'evil.xml',
			'text/xml',
		),
		fileItem(plainPdf, 'scan.pdf', 'application/pdf'),
	];

	test('reads XML, Factur-X and CSV files, stores the good invoices, rejects the rest item by item', async () => {
		const result = await runWorkflow(workflow(), {
			triggerItems: items(),
			credentials: t.credentials,
		});
		expect(result.error).toBeUndefined();
		const accepted = result.nodeOutputs('Invoice Intake', 0);
		expect(
			accepted.map((i) => [
				i.json.number,
				i.json.customerId,
				i.json.status,
				i.json.format,
				i.json.row ?? null,
				i.pairedItem,
			]),
		).toEqual([
			['FA-2026-0042', 'CLI-0007', 'created', 'ubl', null, { item: 0 }],
			['FA-2017-0010', 'MJB', 'created', 'facturx-pdf', null, { item: 1 }],
			['F-001', 'CLI-0007', 'created', 'csv', 2, { item: 2 }],
			['F-003', 'MJB', 'created', 'csv', 4, { item: 2 }],
		]);
		expect(accepted[0].json).toMatchObject({
			totalIncl: '240.00',
			payable: '240.00',
			dueDate: '2026-04-09',
			warnings: [],
		});
		expect(accepted[1].json).toMatchObject({
			totalIncl: '671.15',
			payable: '470.15',
			dueDate: '2017-12-13',
			file: 'Facture_FR_BASICWL.pdf',
		});
		expect((accepted[1].json.warnings as IDataObject[]).map((w) => w.code)).toEqual(
			expect.arrayContaining(['FR_LATE_PENALTY', 'FR_RECOVERY_INDEMNITY']),
		);

		const rejected = result.nodeOutputs('Invoice Intake', 1);
		expect(rejected.map((i) => [i.json.code, i.pairedItem])).toEqual([
			['FILE_MISSING', { item: 3 }],
			['XML_ENTITIES_REFUSED', { item: 4 }],
			['PDF_NO_INVOICE_XML', { item: 5 }],
			['DATE_INVALID', { item: 2 }],
		]);
		expect(rejected[3].json).toMatchObject({
			file: 'export.csv',
			row: 3,
			invoice: { number: 'F-002' },
			errorFr: expect.stringContaining('30/02/2026'),
		});
		expect(rejected[1].json).toMatchObject({
			file: 'evil.xml',
			errorFr: expect.stringContaining('DOCTYPE'),
			hintFr: expect.any(String),
			input: { fileName: 'evil.xml' },
		});

		const rows = await t.ledger.query<{ number: string; source: string; payable_minor: string }>(
			'SELECT number, source, payable_minor::text FROM invoices ORDER BY number',
		);
		expect(rows).toEqual([
			{ number: 'F-001', source: 'csv', payable_minor: '148147' },
			{ number: 'F-003', source: 'csv', payable_minor: '120000' },
			{ number: 'FA-2017-0010', source: 'facturx', payable_minor: '47015' },
			{ number: 'FA-2026-0042', source: 'ubl', payable_minor: '24000' },
		]);
	});

	test('the same files again change nothing', async () => {
		const result = await runWorkflow(workflow(), {
			triggerItems: items().slice(0, 3),
			credentials: t.credentials,
		});
		expect(result.json('Invoice Intake', 0).map((j) => j.status)).toEqual([
			'unchanged',
			'unchanged',
			'unchanged',
			'unchanged',
		]);
		const [{ n }] = await t.ledger.query<{ n: string }>('SELECT count(*) AS n FROM invoices');
		expect(n).toBe('4');
	});

	test('company rule settings from the ledger, overridden by the node option', async () => {
		const pdf = [fileItem(readFileSync(BASICWL), 'Facture_FR_BASICWL.pdf', 'application/pdf')];
		await saveIntakeSettings(t.ledger, { rules: { FR_LATE_PENALTY: 'block' } });
		const strict = await runWorkflow(workflow(), { triggerItems: pdf, credentials: t.credentials });
		expect(strict.json('Invoice Intake', 1).map((j) => j.code)).toEqual(['FR_LATE_PENALTY']);
		expect(strict.json('Invoice Intake', 1)[0].errorFr).toContain('pénalités de retard');
		const relaxed = await runWorkflow(workflow({ rules: '{"FR_LATE_PENALTY": "off"}' }), {
			triggerItems: pdf,
			credentials: t.credentials,
		});
		expect(relaxed.json('Invoice Intake', 0).map((j) => j.status)).toEqual(['unchanged']);
		const ignoring = await runWorkflow(workflow({ useCompanySettings: false }), {
			triggerItems: pdf,
			credentials: t.credentials,
		});
		expect(ignoring.json('Invoice Intake', 0)).toHaveLength(1);
		await saveIntakeSettings(t.ledger, {});
		const wrong = await runWorkflow(workflow({ rules: '{"NOT_A_RULE": "off"}' }), {
			triggerItems: pdf,
			credentials: t.credentials,
		});
		expect(wrong.status).toBe('error');
		expect(wrong.nodeError('Invoice Intake')?.message).toContain('NOT_A_RULE');
	});

	test('batches overlap (the next is read and checked while one is stored) yet each sees the ones stored before it, and the outputs keep the file order', async () => {
		const csv = [
			'N° facture;Code client;Client;Date facture;Échéance;Montant HT;TVA;Montant TTC',
			'P-1;CLI-0007;Boulangerie Martin;02/03/2026;01/04/2026;10,00;2,00;12,00',
			'P-2;MJB;Ma jolie boutique;02/03/2026;01/04/2026;10,00;2,00;12,00',
			'P-3;CLI-0007;Boulangerie Martin;02/03/2026;01/04/2026;10,00;2,00;12,00',
			// P-1 again, under another customer, in a later batch: a duplicate number only if P-1 is stored first.
			'P-1;MJB;Ma jolie boutique;05/03/2026;04/04/2026;10,00;2,00;12,00',
			'P-5;MJB;Ma jolie boutique;02/03/2026;01/04/2026;10,00;2,00;12,00',
			'P-6;CLI-0007;Boulangerie Martin;02/03/2026;;abc;2,00;12,00',
			'P-7;MJB;Ma jolie boutique;02/03/2026;01/04/2026;10,00;2,00;12,00',
			'',
		].join('\n');
		const result = await runWorkflow(workflow({ batchSize: 2 }), {
			triggerItems: [fileItem(csv, 'pipeline.csv', 'text/csv')],
			credentials: t.credentials,
		});
		expect(result.error).toBeUndefined();
		expect(result.json('Invoice Intake', 0).map((j) => [j.number, j.status, j.row])).toEqual([
			['P-1', 'created', 2],
			['P-2', 'created', 3],
			['P-3', 'created', 4],
			['P-5', 'created', 6],
			['P-7', 'created', 8],
		]);
		expect(result.json('Invoice Intake', 1).map((j) => [j.code, j.row])).toEqual([
			['DUPLICATE_NUMBER', 5],
			['AMOUNT_INVALID', 7],
		]);
	});

	test('one-invoice XML files of one execution go to the ledger together: round trips do not grow with the files, a number repeated across files is a duplicate, outputs keep the item order', async () => {
		const ubl = (number: string, customer: 'CLI-0007' | 'MJB' = 'CLI-0007'): INodeExecutionData =>
			fileItem(
				frenchUbl(
					['<cbc:ID>FA-2026-0042</cbc:ID>', `<cbc:ID>${number}</cbc:ID>`],
					...(customer === 'MJB'
						? ([
								['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>MJB</cbc:ID>'],
								['FR27552032534', 'FR19787878784'],
								['>552032534<', '>787878784<'],
							] as Array<[string | RegExp, string]>)
						: []),
				),
				`${number}.xml`,
				'application/xml',
			);
		// Every statement sent to Postgres, whatever the pool or client sending it.
		const query = Client.prototype.query;
		let roundTrips = 0;
		const counting = jest.spyOn(Client.prototype, 'query').mockImplementation(function (
			this: Client,
			...args: unknown[]
		) {
			roundTrips++;
			return (query as (...a: unknown[]) => unknown).apply(this, args);
		} as typeof query);
		const run = async (triggerItems: INodeExecutionData[]) => {
			roundTrips = 0;
			const result = await runWorkflow(workflow(), { triggerItems, credentials: t.credentials });
			return { result, roundTrips };
		};
		try {
			// Connections opened, ledger checked ready: a first execution pays the one-time statements.
			await run([ubl('XB-00')]);
			const few = await run(['XB-01', 'XB-02', 'XB-03'].map((n) => ubl(n)));
			const many = await run(
				Array.from({ length: 12 }, (_v, i) => ubl(`XB-1${String(i).padStart(2, '0')}`)),
			);
			expect(few.result.json('Invoice Intake', 0)).toHaveLength(3);
			expect(many.result.json('Invoice Intake', 0)).toHaveLength(12);
			// The same statements for 12 files as for 3: the files are checked and stored as one batch.
			expect(many.roundTrips).toBe(few.roundTrips);

			const { result } = await run([
				ubl('XB-201'),
				ubl('XB-202'),
				{ json: { subject: 'no attachment' } },
				// XB-202 again for another customer, in a later file of the same execution.
				ubl('XB-202', 'MJB'),
				ubl('XB-204'),
			]);
			expect(result.error).toBeUndefined();
			expect(
				result
					.nodeOutputs('Invoice Intake', 0)
					.map((i) => [i.json.number, i.json.status, i.pairedItem]),
			).toEqual([
				['XB-201', 'created', { item: 0 }],
				['XB-202', 'created', { item: 1 }],
				['XB-204', 'created', { item: 4 }],
			]);
			expect(
				result
					.nodeOutputs('Invoice Intake', 1)
					.map((i) => [i.json.code, i.json.file ?? null, i.pairedItem]),
			).toEqual([
				['FILE_MISSING', null, { item: 2 }],
				['DUPLICATE_NUMBER', 'XB-202.xml', { item: 3 }],
			]);
			const rows = await t.ledger.query<{ number: string; external_id: string }>(
				"SELECT i.number, c.external_id FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.number LIKE 'XB-2%' ORDER BY i.number",
			);
			expect(rows).toEqual([
				{ number: 'XB-201', external_id: 'CLI-0007' },
				{ number: 'XB-202', external_id: 'CLI-0007' },
				{ number: 'XB-204', external_id: 'CLI-0007' },
			]);
		} finally {
			counting.mockRestore();
		}
	});

	test('files read from disk (Read Files) in filesystem binary mode are streamed; a summary per file for large exports', async () => {
		// As in an n8n instance with N8N_DEFAULT_BINARY_DATA_MODE=filesystem: Read Files stores the bytes on disk and passes an id.
		// n8n-core's own dependency-injection container (its copy of @n8n/di).
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { Container } = require(
			require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }),
		) as typeof import('@n8n/di');
		await Container.get(BinaryDataService).init();
		const folder = path.join(ENGINE_FILES_DIR, uniqueSchema('invoices'));
		mkdirSync(folder, { recursive: true });
		try {
			const rows = Array.from(
				{ length: 1200 },
				(_v, i) => `G-${i};CLI-0007;Boulangerie Martin;02/03/2026;01/04/2026;10,00;2,00;12,00`,
			);
			writeFileSync(
				path.join(folder, 'ventes-mars.csv'),
				[
					'N° facture;Code client;Client;Date facture;Échéance;Montant HT;TVA;Montant TTC',
					...rows,
					'G-X;CLI-0007;Boulangerie Martin;02/03/2026;;abc;;abc',
					'',
				].join('\r\n'),
				'latin1',
			);
			copyFileSync(BASICWL, path.join(folder, 'Facture_FR_BASICWL.pdf'));
			const result = await runWorkflow(
				workflow({ outputMode: 'summary', batchSize: 500 }, 'files', folder),
				{ credentials: t.credentials },
			);
			expect(result.error).toBeUndefined();
			expect(result.nodeOutputs('Read invoices').map((i) => typeof i.binary?.data.id)).toEqual([
				'string',
				'string',
			]);
			const summaries = result.json('Invoice Intake', 0);
			expect(summaries).toEqual(
				expect.arrayContaining([
					{
						file: 'ventes-mars.csv',
						format: 'csv',
						invoices: 1201,
						created: 1200,
						revised: 0,
						unchanged: 0,
						rejected: 1,
						warnings: 0,
					},
					{
						file: 'Facture_FR_BASICWL.pdf',
						format: 'facturx-pdf',
						invoices: 1,
						created: 0,
						revised: 0,
						unchanged: 1,
						rejected: 0,
						warnings: 1,
					},
				]),
			);
			expect(result.json('Invoice Intake', 1).map((j) => [j.code, j.row])).toEqual([
				['AMOUNT_INVALID', 1202],
			]);
			const [{ n }] = await t.ledger.query<{ n: string }>(
				"SELECT count(*) AS n FROM invoices WHERE number LIKE 'G-%'",
			);
			expect(n).toBe('1200');
		} finally {
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
