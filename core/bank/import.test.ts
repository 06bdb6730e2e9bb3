import { readFileSync } from 'node:fs';
import path from 'node:path';
import { creditorReference, formatCreditorReference, importBankStatement } from './index';
import { applyPayment, storeInvoices, upsertCustomers, type Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';

// Statements imported into a real ledger: credits become payments allocated by the usual rules, debits are listed
// apart, a second import changes nothing, and the matching learns payers' accounts.
const ROOT = path.join(__dirname, '..', '..', 'test', 'fixtures', 'bank-statements');
let ledger: Ledger;

async function customer(code: string, name: string): Promise<void> {
	await upsertCustomers(ledger, [
		{ externalId: code, name, language: 'fr', emails: ['compta@example.fr'] },
	]);
}
async function invoice(
	code: string,
	number: string,
	payableMinor: bigint,
	currency = 'EUR',
): Promise<void> {
	const [outcome] = await storeInvoices(ledger, [
		{
			docType: 'invoice',
			number,
			customerExternalId: code,
			currency,
			totalExclMinor: payableMinor,
			totalTaxMinor: 0n,
			totalInclMinor: payableMinor,
			payableMinor,
			issueDate: '2023-12-01',
			dueDate: '2023-12-31',
		},
	]);
	expect(outcome.status).toBe('created');
}
const open = async (number: string) =>
	(
		await ledger.query<{ open_minor: string; status: string }>(
			'SELECT open_minor, status FROM invoices WHERE number = $1',
			[number],
		)
	)[0];

/** A camt.053.001.08 statement of one account with the given credits (amounts in cents). */
function camt(
	id: string,
	credits: Array<{
		ref: string;
		cents: number;
		name: string;
		iban?: string;
		rf?: string;
		text?: string;
	}>,
): string {
	const total = credits.reduce((a, c) => a + c.cents, 0);
	const amount = (cents: number) => (cents / 100).toFixed(2);
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>${id}</MsgId><CreDtTm>2026-11-02T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>${id}</Id><Acct><Id><IBAN>FR7630003012340001234567890</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount(100000 + total)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-01</Dt></Dt></Bal>
${credits
	.map(
		(
			c,
		) => `<Ntry><Amt Ccy="EUR">${amount(c.cents)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-01</Dt></BookgDt><ValDt><Dt>2026-11-01</Dt></ValDt><AcctSvcrRef>${c.ref}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><Dbtr><Pty><Nm>${c.name}</Nm></Pty></Dbtr>${c.iban ? `<DbtrAcct><Id><IBAN>${c.iban}</IBAN></Id></DbtrAcct>` : ''}</RltdPties>
<RmtInf>${c.text ? `<Ustrd>${c.text}</Ustrd>` : ''}${c.rf ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${c.rf}</Ref></CdtrRefInf></Strd>` : ''}</RmtInf></TxDtls></NtryDtls></Ntry>`,
	)
	.join('\n')}
</Stmt></BkToCstmrStmt></Document>`;
}

beforeAll(async () => {
	ledger = await createTestLedger();
});
afterAll(async () => dropTestLedger(ledger));

describe('a CFONB 120 statement of a French bank', () => {
	it('stores each credit as a payment, allocated by the invoice numbers of its label or by payer and amount; debits listed apart', async () => {
		await customer('MJB', 'Ma Jolie Boutique SARL');
		await invoice('MJB', 'F230875', 104017n);
		await customer('DUR', 'Durancia Montgenèvre');
		await invoice('DUR', 'F230866', 50000n);
		await invoice('DUR', 'F230765', 32100n);
		await invoice('DUR', 'F238765', 50000n);
		await customer('PRT', 'Print S.A.R.L.');
		await invoice('PRT', 'P-2023-77', 155223n);

		const file = readFileSync(path.join(ROOT, 'cfonb120', 'oca_cfonb_classic.cfo'));
		const result = await importBankStatement(ledger, file, { filename: 'oca_cfonb_classic.cfo' });
		expect(result.format).toBe('cfonb120');
		expect(result.statements).toEqual([
			expect.objectContaining({
				account: '30003 01234 01234567890',
				entries: 13,
				credits: 9,
				alreadyImported: false,
				balanceCheck: { ok: true, differenceMinor: 0n },
			}),
		]);
		expect(result.payments).toHaveLength(9);
		expect(result.others.map((o) => [o.reason, o.amountMinor])).toEqual([
			['debit', -1999n],
			['debit', -1999n],
			['debit', -61714n],
			['debit', -303755n],
		]);

		const byAmount = new Map(result.payments.map((p) => [p.allocation?.amountMinor, p]));
		expect(byAmount.get(104017n)?.allocation).toMatchObject({
			status: 'applied',
			customerExternalId: 'MJB',
		});
		expect(byAmount.get(132100n)?.allocation).toMatchObject({
			status: 'applied',
			customerExternalId: 'DUR',
		});
		// "VIR PRINT SARL": no invoice number, but the payer is Print S.A.R.L. and the amount is its open invoice.
		expect(byAmount.get(155223n)?.allocation).toMatchObject({
			status: 'applied',
			customerExternalId: 'PRT',
		});
		expect(await open('F230875')).toEqual({ open_minor: '0', status: 'paid' });
		expect(await open('P-2023-77')).toEqual({ open_minor: '0', status: 'paid' });
		// Lines that name no known customer or invoice stay unapplied, with the reason: never guessed.
		expect(byAmount.get(21880n)?.allocation?.status).toBe('unapplied');
	});

	it('imports the same file twice, and the same data without line breaks, once', async () => {
		const again = await importBankStatement(
			ledger,
			readFileSync(path.join(ROOT, 'cfonb120', 'oca_cfonb_classic.cfo')),
		);
		expect(again.statements[0].alreadyImported).toBe(true);
		expect(again.payments.every((p) => p.status === 'unchanged')).toBe(true);
		const flat = await importBankStatement(
			ledger,
			readFileSync(path.join(ROOT, 'cfonb120', 'oca_cfonb_no_carriage_return.cfo')),
		);
		expect(flat.payments.every((p) => p.status === 'unchanged')).toBe(true);
		const [{ count }] = await ledger.query<{ count: string }>(
			"SELECT count(*) FROM payments WHERE external_ref LIKE '3000301234%'",
		);
		expect(count).toBe('9');
	});
});

describe('camt.053: references, names and accounts', () => {
	it('an RF creditor reference names its invoice even under another name; a legal form or a typo does not hide the payer', async () => {
		await customer('HDA', 'Hôtel des Alpes SAS');
		await invoice('HDA', 'HDA-2026-001', 250000n);
		await invoice('HDA', 'HDA-2026-002', 120000n);
		await invoice('HDA', 'HDA-2026-003', 80050n);
		await customer('TDF', 'Transports Diallo et Fils');
		await invoice('TDF', 'TDF-2026-1', 99900n);
		const rf = creditorReference('HDA-2026-003')!;
		const result = await importBankStatement(
			ledger,
			camt('S-2026-11-01', [
				{
					ref: 'A1',
					cents: 80050,
					name: 'SOCIETE GENERALE FACTOR',
					rf: formatCreditorReference(rf),
				},
				{
					ref: 'A2',
					cents: 370000,
					name: 'HOTEL DES ALPES',
					iban: 'FR7611111111111111111111111',
					text: 'REGLEMENT NOVEMBRE',
				},
				{ ref: 'A3', cents: 99900, name: 'TRANSPORTS DIALO ET FILS', text: 'PAIEMENT' },
			]),
		);
		const [byRf, grouped, typo] = result.payments;
		expect(byRf.allocation).toMatchObject({
			status: 'applied',
			customerExternalId: 'HDA',
			allocations: [expect.objectContaining({ invoiceNumber: 'HDA-2026-003', method: 'explicit' })],
		});
		// 3,700.00 = HDA-2026-001 + HDA-2026-002: one combination of the customer's open invoices, so it is applied.
		expect(grouped.allocation).toMatchObject({ status: 'applied', customerExternalId: 'HDA' });
		expect(grouped.allocation!.allocations.map((a) => a.invoiceNumber).sort()).toEqual([
			'HDA-2026-001',
			'HDA-2026-002',
		]);
		expect(typo.allocation).toMatchObject({ status: 'applied', customerExternalId: 'TDF' });
	});

	it("learns the payer's account: the next payment from it finds its customer whatever the label", async () => {
		await invoice('HDA', 'HDA-2026-004', 45000n);
		const result = await importBankStatement(
			ledger,
			camt('S-2026-11-02', [
				{
					ref: 'B1',
					cents: 45000,
					name: 'H.D.A. CHAMONIX',
					iban: 'FR76 1111 1111 1111 1111 1111 111',
					text: 'VIREMENT',
				},
			]),
		);
		expect(result.payments[0].allocation).toMatchObject({
			status: 'applied',
			customerExternalId: 'HDA',
			allocations: [expect.objectContaining({ invoiceNumber: 'HDA-2026-004' })],
		});
	});

	it('lists close names for a person instead of choosing between them', async () => {
		await customer('GM1', 'Garage Martin');
		await customer('GM2', 'Garage Martini');
		await invoice('GM1', 'GM1-1', 10000n);
		const result = await importBankStatement(
			ledger,
			camt('S-2026-11-03', [{ ref: 'C1', cents: 10000, name: 'GARAGE MARTN', text: 'VIR' }]),
		);
		expect(result.payments[0].allocation).toMatchObject({
			status: 'ambiguous',
			flag: expect.objectContaining({
				code: 'PAYER_NAME_UNSURE',
				candidates: expect.arrayContaining(['GM1 – Garage Martin', 'GM2 – Garage Martini']),
			}),
		});
		expect(await open('GM1-1')).toEqual({ open_minor: '10000', status: 'open' });
	});

	it("learns a payer name from a person's decision: the next payment under it finds that customer; a name settled for two customers identifies neither", async () => {
		const first = await importBankStatement(
			ledger,
			camt('S-2026-11-13', [{ ref: 'L1', cents: 20000, name: 'ETS G. MARTIN', text: 'VIR' }]),
		);
		await invoice('GM1', 'GM1-2', 20000n);
		expect(first.payments[0].allocation).toMatchObject({ status: 'unapplied' });
		// A person settles it for Garage Martin (GM1-2): the name is kept for that customer.
		await applyPayment(ledger, {
			paymentId: first.payments[0].paymentId as string,
			allocations: [{ invoiceNumber: 'GM1-2' }],
			actor: 'aminata',
		});
		const learned = await ledger.query<{
			name_key: string;
			payer_name: string;
			learned_by: string;
		}>(
			"SELECT n.name_key, n.payer_name, n.learned_by FROM customer_payer_names n JOIN customers c ON c.id = n.customer_id WHERE c.external_id = 'GM1'",
		);
		expect(learned).toEqual([
			{ name_key: 'g martin', payer_name: 'ETS G. MARTIN', learned_by: 'aminata' },
		]);
		// Next month, the same payer (written in another case and punctuation) with no reference: Garage Martin, by amount.
		await invoice('GM1', 'GM1-3', 7500n);
		const next = await importBankStatement(
			ledger,
			camt('S-2026-12-13', [{ ref: 'L2', cents: 7500, name: 'Ets G Martin', text: 'VIREMENT' }]),
		);
		expect(next.payments[0].allocation).toMatchObject({
			status: 'applied',
			customerExternalId: 'GM1',
			allocations: [expect.objectContaining({ invoiceNumber: 'GM1-3' })],
		});
		// Someone settles a payment under the same name for Garage Martini: the name no longer says who pays.
		await invoice('GM2', 'GM2-1', 3300n);
		const other = await importBankStatement(
			ledger,
			camt('S-2026-12-14', [{ ref: 'L3', cents: 3300, name: 'ETS G MARTIN', text: 'ACOMPTE' }]),
		);
		expect(other.payments[0].allocation?.status).not.toBe('applied');
		await applyPayment(ledger, {
			paymentId: other.payments[0].paymentId as string,
			allocations: [{ invoiceNumber: 'GM2-1' }],
			allowOtherCustomer: true,
			actor: 'karim',
		});
		await invoice('GM1', 'GM1-4', 1200n);
		const after = await importBankStatement(
			ledger,
			camt('S-2026-12-15', [{ ref: 'L4', cents: 1200, name: 'ETS G MARTIN', text: 'VIR' }]),
		);
		expect(after.payments[0].allocation).toMatchObject({
			status: 'unapplied',
			flag: expect.objectContaining({ code: 'UNKNOWN_PAYER' }),
		});
	});

	it('writes off a small difference when asked (a bank charge taken on the way), recorded as a write-off, never as cash', async () => {
		await customer('WO', 'Wolof Optique');
		await invoice('WO', 'WO-2026-01', 100000n);
		await invoice('WO', 'WO-2026-02', 100000n);
		// Without a threshold: the invoice stays open for the 0.50 missing.
		await importBankStatement(
			ledger,
			camt('S-2026-11-20', [
				{ ref: 'W1', cents: 99950, name: 'WOLOF OPTIQUE', text: 'FACTURE WO-2026-01' },
			]),
		);
		expect(await open('WO-2026-01')).toEqual({ open_minor: '50', status: 'open' });
		// With EUR=1.00: paid, the 0.50 recorded as a write-off of the invoice.
		const result = await importBankStatement(
			ledger,
			camt('S-2026-11-21', [
				{ ref: 'W2', cents: 99950, name: 'WOLOF OPTIQUE', text: 'FACTURE WO-2026-02' },
			]),
			{ writeOffUpTo: { EUR: '1.00' } },
		);
		expect(result.payments[0].allocation).toMatchObject({
			status: 'applied',
			writeOffs: [expect.objectContaining({ invoiceNumber: 'WO-2026-02', amountMinor: 50n })],
		});
		expect(await open('WO-2026-02')).toEqual({ open_minor: '0', status: 'paid' });
		const [{ cash }] = await ledger.query<{ cash: string }>(
			"SELECT sum(a.amount_minor)::text AS cash FROM allocations a JOIN invoices i ON i.id = a.invoice_id WHERE i.number = 'WO-2026-02'",
		);
		expect(cash).toBe('99950');
	});

	it('refuses a statement of an account that is not the company’s, and a file it cannot read, writing nothing', async () => {
		await expect(
			importBankStatement(ledger, camt('S-2026-11-04', [{ ref: 'D1', cents: 100, name: 'X' }]), {
				accounts: ['FR76 3000 4000 0100 0000 0000 001'],
			}),
		).rejects.toMatchObject({ code: 'BANK_STATEMENT_UNKNOWN_ACCOUNT' });
		await expect(
			importBankStatement(
				ledger,
				camt('S-2026-11-05', [{ ref: 'E1', cents: 100, name: 'X' }]).slice(0, 600),
			),
		).rejects.toMatchObject({ code: 'BANK_STATEMENT_XML_MALFORMED' });
		const rows = await ledger.query<{ statement_id: string }>(
			"SELECT statement_id FROM bank_statements WHERE statement_id IN ('S-2026-11-04', 'S-2026-11-05')",
		);
		expect(rows).toEqual([]);
	});

	it('says when opening + entries ≠ closing (a line is missing)', async () => {
		const text = camt('S-2026-11-06', [{ ref: 'F1', cents: 100, name: 'X' }]).replace(
			'<Amt Ccy="EUR">1001.00</Amt>',
			'<Amt Ccy="EUR">1002.00</Amt>',
		);
		const result = await importBankStatement(ledger, text);
		expect(result.statements[0]).toMatchObject({
			balanceCheck: { ok: false, differenceMinor: 100n },
			warning: expect.objectContaining({ code: 'BANK_STATEMENT_DOES_NOT_RECONCILE' }),
		});
	});
});
