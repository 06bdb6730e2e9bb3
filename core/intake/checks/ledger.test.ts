import { Client } from 'pg';
import { createTestLedger, dropTestLedger } from '../../../test/helpers/db';
import { FRENCH_UBL, frenchUbl } from '../../../test/helpers/einvoice';
import { storeInvoices, upsertCustomers, type Ledger, type LedgerInvoice } from '../../ledger';
import { parseInvoiceDocument } from '../parse/document';
import type { ParsedInvoice } from '../parse/types';
import {
	checkAgainstLedger,
	checkCustomers,
	checkDuplicates,
	loadIntakeSettings,
	mergeIntakeSettings,
	resolveCustomerIds,
	saveIntakeSettings,
} from './ledger';
import { prepareInvoice } from './prepare';
import { storeParsedInvoices } from './store';

const read = async (xml: string): Promise<ParsedInvoice> =>
	(await parseInvoiceDocument(xml)).invoices[0];

function invoice(number: string, overrides: Partial<LedgerInvoice> = {}): LedgerInvoice {
	return {
		docType: 'invoice',
		number,
		customerExternalId: 'CLI-0007',
		currency: 'EUR',
		totalExclMinor: 20000n,
		totalTaxMinor: 4000n,
		totalInclMinor: 24000n,
		payableMinor: 24000n,
		issueDate: '2026-03-10',
		dueDate: '2026-04-09',
		...overrides,
	};
}

describe('intake checks against the ledger', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{
				externalId: 'CLI-0007',
				name: 'Boulangerie Martin',
				siren: '552032534',
				vatNumber: 'FR27552032534',
				emails: ['compta@boulangerie-martin.fr'],
				addressLines: ['3 place du Marché'],
				postalCode: '69100',
				city: 'Villeurbanne',
				country: 'FR',
			},
			{
				externalId: 'CLI-0008',
				name: 'Épicerie Roux',
				siren: '442306122',
				emails: [],
				addressLines: [],
				country: 'FR',
			},
			{
				externalId: 'CLI-0009',
				name: 'Hôtel Bellevue',
				emails: ['bad address'],
				addressLines: ['1 quai'],
				postalCode: '74000',
				city: 'Annecy',
				country: 'FR',
			},
		]);
		await storeInvoices(ledger, [invoice('FA-2026-0001')]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('finds the customer of an e-invoice by SIREN or VAT number when its code is not a customer code', async () => {
		const byCode = await read(FRENCH_UBL);
		const bySiren = await read(
			frenchUbl(['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>BOUL-MARTIN</cbc:ID>']),
		);
		const byVat = await read(
			frenchUbl(
				['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>X</cbc:ID>'],
				['<cbc:CompanyID schemeID="0002">552032534</cbc:CompanyID>', ''],
			),
		);
		const unknown = await read(
			frenchUbl(
				['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>NEW-1</cbc:ID>'],
				['<cbc:CompanyID schemeID="0002">552032534</cbc:CompanyID>', ''],
				['<cbc:CompanyID>FR27552032534</cbc:CompanyID>', ''],
			),
		);
		expect(await resolveCustomerIds(ledger, [byCode, bySiren, byVat, unknown])).toEqual([
			'CLI-0007',
			'CLI-0007',
			'CLI-0007',
			undefined,
		]);
	});

	it('flags a number already used for another customer or date; a resend or a revision is not a duplicate', async () => {
		const outcome = await checkDuplicates(ledger, [
			invoice('FA-2026-0001'),
			invoice('FA-2026-0001', { totalInclMinor: 30000n }),
			invoice('FA-2026-0001', { customerExternalId: 'CLI-0008' }),
			invoice('FA-2026-0001', { issueDate: '2026-05-01' }),
			invoice('FA-2026-0002'),
			invoice('FA-2026-0002', { customerExternalId: 'CLI-0009' }),
			invoice('FA-2026-0001', { docType: 'credit_note' }),
		]);
		expect(outcome.map((a) => a.map((x) => x.code))).toEqual([
			[],
			[],
			['DUPLICATE_NUMBER'],
			['DUPLICATE_NUMBER'],
			[],
			['DUPLICATE_NUMBER'],
			[],
		]);
		expect(outcome[2][0].message.en).toContain('CLI-0007, 2026-03-10');
		expect(outcome[5][0].message.fr).toContain('FA-2026-0002 est déjà utilisé');
	});

	it('checks the customer file: unknown, incomplete, no usable e-mail, contradicting SIREN', async () => {
		const parsed = await read(frenchUbl(['"0002">552032534', '"0002">442306122']));
		const outcome = await checkCustomers(
			ledger,
			[
				invoice('A'),
				invoice('B', { customerExternalId: 'CLI-0008' }),
				invoice('C', { customerExternalId: 'CLI-0009' }),
				invoice('D', { customerExternalId: 'NOPE' }),
				invoice('E'),
			],
			[undefined, undefined, undefined, undefined, parsed],
		);
		expect(outcome.map((a) => a.map((x) => `${x.severity}:${x.code}`))).toEqual([
			[],
			['warn:CUSTOMER_INCOMPLETE', 'warn:CUSTOMER_NO_EMAIL'],
			['warn:CUSTOMER_INCOMPLETE', 'warn:CUSTOMER_NO_EMAIL'],
			['block:CUSTOMER_UNKNOWN', 'warn:CUSTOMER_NO_EMAIL'],
			['warn:CUSTOMER_MISMATCH'],
		]);
		expect(outcome[1][0].message.fr).toBe(
			'La fiche du client « CLI-0008 » ne contient pas : adresse postale.',
		);
		expect(outcome[2][0].message.en).toBe('The customer file of "CLI-0009" lacks: SIREN.');
		expect(outcome[2][1].message.fr).toContain('partiront par courrier');
		const created = await checkCustomers(
			ledger,
			[invoice('D', { customerExternalId: 'NOPE' })],
			[],
			{ createMissingCustomers: true },
		);
		expect(created[0][0]).toMatchObject({ code: 'CUSTOMER_UNKNOWN', severity: 'warn' });
	});

	it('checkAgainstLedger moves a blocked invoice to the rejected side and keeps warnings on the others', async () => {
		const ok = prepareInvoice(await read(FRENCH_UBL));
		const dup = prepareInvoice(
			await read(
				frenchUbl(
					['FA-2026-0042', 'FA-2026-0001'],
					['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>CLI-0009</cbc:ID>'],
				),
			),
		);
		const noMail = prepareInvoice(
			await read(
				frenchUbl(
					['FA-2026-0042', 'FA-2026-0043'],
					['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>CLI-0009</cbc:ID>'],
				),
			),
		);
		await checkAgainstLedger(ledger, [ok, dup, noMail]);
		expect(ok.invoice).toBeDefined();
		expect(ok.anomalies).toEqual([]);
		expect(dup.invoice).toBeUndefined();
		expect(dup.anomalies.map((a) => a.code)).toContain('DUPLICATE_NUMBER');
		expect(noMail.invoice?.anomalies).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ code: 'CUSTOMER_NO_EMAIL', severity: 'warn' }),
			]),
		);
		const strict = prepareInvoice(
			await read(
				frenchUbl(
					['FA-2026-0042', 'FA-2026-0044'],
					['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>CLI-0009</cbc:ID>'],
				),
			),
		);
		await checkAgainstLedger(ledger, [strict], { rules: { CUSTOMER_NO_EMAIL: 'block' } });
		expect(strict.invoice).toBeUndefined();
	});

	it('stores and loads the company settings, merged with the call', async () => {
		expect(await loadIntakeSettings(ledger)).toEqual({});
		await saveIntakeSettings(ledger, {
			rules: { FR_LATE_PENALTY: 'block', CUSTOMER_NO_EMAIL: 'off' },
			frenchRules: 'auto',
			company: { country: 'FR', vatOnDebits: true },
		});
		const loaded = await loadIntakeSettings(ledger);
		expect(loaded).toEqual({
			rules: { FR_LATE_PENALTY: 'block', CUSTOMER_NO_EMAIL: 'off' },
			frenchRules: 'auto',
			company: { country: 'FR', vatOnDebits: true },
		});
		expect(mergeIntakeSettings(loaded, { rules: { FR_LATE_PENALTY: 'warn' } }).rules).toEqual({
			FR_LATE_PENALTY: 'warn',
			CUSTOMER_NO_EMAIL: 'off',
		});
		await expect(
			saveIntakeSettings(ledger, { rules: { NOT_A_RULE: 'off' } as never }),
		).rejects.toMatchObject({ code: 'INTAKE_RULES_INVALID' });
		await ledger.query(
			`UPDATE settings SET value = '{"rules": {"FR_LATE_PENALTY": "sometimes"}}' WHERE key = 'intake.rules'`,
		);
		await expect(loadIntakeSettings(ledger)).rejects.toMatchObject({
			code: 'INTAKE_RULES_INVALID',
		});
	});
});

describe('storeParsedInvoices', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
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
		]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('checks, stores the accepted invoices once, rejects the others with their reasons', async () => {
		const good = await read(frenchUbl(['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>MARTIN</cbc:ID>']));
		const bad = await read(
			frenchUbl(
				['FA-2026-0042', 'FA-2026-0043'],
				['<cbc:PayableAmount currencyID="EUR">240.00', '<cbc:PayableAmount currencyID="EUR">24.00'],
			),
		);
		const unknown = await read(
			frenchUbl(
				['FA-2026-0042', 'FA-2026-0044'],
				['<cbc:ID>CLI-0007</cbc:ID>', '<cbc:ID>NEW-9</cbc:ID>'],
				['"0002">552032534', '"0002">442306122'],
				['FR27552032534', 'FR88442306122'],
			),
		);
		const first = await storeParsedInvoices(ledger, [good, bad, unknown]);
		expect(first.map((o) => o.status)).toEqual(['created', 'rejected', 'rejected']);
		expect(first[0].invoice?.customerExternalId).toBe('CLI-0007');
		expect(first[1].anomalies.map((a) => a.code)).toEqual(['PAYABLE_MISMATCH']);
		expect(first[2].anomalies.map((a) => a.code)).toEqual(['CUSTOMER_UNKNOWN']);
		const again = await storeParsedInvoices(ledger, [good], { actor: 'test' });
		expect(again[0]).toMatchObject({ status: 'unchanged', revision: 1 });
		const created = await storeParsedInvoices(ledger, [unknown], { createMissingCustomers: true });
		expect(created[0].anomalies.filter((a) => a.severity === 'block')).toEqual([]);
		expect(created[0]).toMatchObject({ status: 'created' });
		expect(created[0].error).toBeUndefined();
		expect(created[0].anomalies.map((a) => `${a.severity}:${a.code}`)).toEqual([
			'warn:CUSTOMER_UNKNOWN',
		]);
		const [customer] = await ledger.query<{
			name: string;
			siren: string;
			vat_number: string;
			emails: string[];
			city: string;
		}>("SELECT name, siren, vat_number, emails, city FROM customers WHERE external_id = 'NEW-9'");
		expect(customer).toEqual({
			name: 'Boulangerie Martin SARL',
			siren: '442306122',
			vat_number: 'FR88442306122',
			emails: ['compta@boulangerie-martin.fr'],
			city: 'Villeurbanne',
		});
		const rows = await ledger.query<{
			number: string;
			customer: string;
			extra: { seller: { siren: string } };
		}>(
			'SELECT i.number, c.external_id AS customer, i.extra FROM invoices i JOIN customers c ON c.id = i.customer_id ORDER BY i.number',
		);
		expect(rows.map((r) => [r.number, r.customer, r.extra.seller.siren])).toEqual([
			['FA-2026-0042', 'CLI-0007', '123456782'],
			['FA-2026-0044', 'NEW-9', '123456782'],
		]);
	});
});

describe('round trips of a batch', () => {
	// Every statement a batch sends, counted on the driver (pool queries, transactions and COPY all go through it).
	async function counted<T>(work: () => Promise<T>): Promise<{ result: T; texts: string[] }> {
		const texts: string[] = [];
		const original = Client.prototype.query;
		Client.prototype.query = function (this: Client, ...args: unknown[]) {
			const first = args[0] as string | { text?: string } | undefined;
			texts.push(typeof first === 'string' ? first : (first?.text ?? 'COPY'));
			return (original as (...a: unknown[]) => unknown).apply(this, args);
		} as typeof Client.prototype.query;
		try {
			return { result: await work(), texts };
		} finally {
			Client.prototype.query = original;
		}
	}
	it('reads the customers in three statements per batch whatever its size, with the same checks', async () => {
		const ledger = await createTestLedger();
		try {
			await upsertCustomers(ledger, [
				{ externalId: 'CLI-0007', name: 'Boulangerie Martin', siren: '552032534', country: 'FR' },
				{ externalId: 'CLI-0008', name: 'Épicerie Roux', emails: ['a@roux.fr'], country: 'FR' },
			]);
			const batch = async (from: number, count: number, shift = 0): Promise<ParsedInvoice[]> => {
				const out: ParsedInvoice[] = [];
				for (let n = from; n < from + count; n++) {
					const customer = (n + shift) % 3 === 0 ? 'CLI-0008' : 'CLI-0007';
					const xml = frenchUbl(['FA-2026-0042', `FB-2026-${String(n).padStart(4, '0')}`]);
					out.push(
						await read(xml.replace('<cbc:ID>CLI-0007</cbc:ID>', `<cbc:ID>${customer}</cbc:ID>`)),
					);
				}
				return out;
			};
			await storeParsedInvoices(ledger, await batch(1, 3));
			const counts: number[] = [];
			const outcomes: string[][] = [];
			// a small batch, a larger one, numbers already used under another customer, resends
			for (const parsed of [
				await batch(10, 4),
				await batch(20, 40),
				await batch(1, 6, 1),
				await batch(10, 4),
			]) {
				const { result, texts } = await counted(() => storeParsedInvoices(ledger, parsed));
				counts.push(texts.filter((t) => /\bcustomers\b/.test(t)).length);
				outcomes.push(
					result.map((o) =>
						[
							o.status,
							o.invoice?.customerExternalId ?? o.parsed.buyer.id,
							...o.anomalies.map((a) => `${a.severity}:${a.code}`),
						].join(' '),
					),
				);
			}
			// The customer file read before the store (code, SIREN, VAT), duplicates and customer file together, the
			// customer ids inside the store's transaction: three statements that read customers, whatever the size
			// (four before duplicates and customer file were read together).
			expect(counts).toEqual([3, 3, 3, 3]);
			const incomplete = (code: string): string =>
				code === 'CLI-0007'
					? 'warn:CUSTOMER_INCOMPLETE warn:CUSTOMER_NO_EMAIL'
					: 'warn:CUSTOMER_INCOMPLETE';
			expect(outcomes[1]).toHaveLength(40);
			expect(outcomes[2]).toEqual([
				`unchanged CLI-0007 ${incomplete('CLI-0007')}`,
				'rejected CLI-0008 block:DUPLICATE_NUMBER warn:CUSTOMER_INCOMPLETE',
				`rejected CLI-0007 block:DUPLICATE_NUMBER ${incomplete('CLI-0007')}`,
				`created CLI-0007 ${incomplete('CLI-0007')}`,
				`created CLI-0008 ${incomplete('CLI-0008')}`,
				`created CLI-0007 ${incomplete('CLI-0007')}`,
			]);
			expect(outcomes[3]).toEqual(outcomes[0].map((o) => o.replace(/^created/, 'unchanged')));
		} finally {
			await dropTestLedger(ledger);
		}
	});
});
