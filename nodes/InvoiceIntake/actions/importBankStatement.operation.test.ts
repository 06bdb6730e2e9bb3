import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { storeInvoices, upsertCustomers } from '../../../core';
import { NODE, outputCounts, runNode } from '../../../test/helpers/nodes';
import { engineLedger } from '../../../test/helpers/engineLedger';

// Invoice Intake › Import Bank Statement as a node (n8n-core's engine): a real CFONB 120 file in a binary property.
const FILE = path.join(
	__dirname,
	'..',
	'..',
	'..',
	'test',
	'fixtures',
	'bank-statements',
	'cfonb120',
	'oca_cfonb_classic.cfo',
);
const statementItem = (bytes: Buffer, fileName = 'releve.cfo') => ({
	json: { received: fileName },
	binary: { data: { data: bytes.toString('base64'), mimeType: 'text/plain', fileName } },
});

describe('Invoice Intake › Import Bank Statement', () => {
	const t = engineLedger();
	const run = (items: IDataObject[], options: IDataObject = {}) =>
		runNode(
			'invoiceIntake',
			{ operation: 'importBankStatement', binaryPropertyName: 'data', statementOptions: options },
			{ credentials: t.credentials, triggerItems: items as never },
		);

	beforeAll(async () => {
		await upsertCustomers(t.ledger, [
			{ externalId: 'MJB', name: 'Ma Jolie Boutique SARL', emails: ['compta@mjb.example'] },
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

	it('stores the credits as matched payments, pays the invoice, lists debits and the balance check apart', async () => {
		const result = await run([statementItem(readFileSync(FILE))]);
		expect(result.status).toBe('success');
		// Payments, Rejected, Paid Invoices, Other Lines, Error
		expect(outputCounts(result)).toEqual([9, 0, 1, 5, 0]);
		const payments = result.nodeOutputs(NODE, 0);
		expect(payments.every((p) => (p.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(payments.find((p) => p.json.amount === '1040.17')?.json).toMatchObject({
			allocationStatus: 'applied',
			customerId: 'MJB',
			status: 'created',
		});
		expect(result.nodeOutputs(NODE, 2)[0].json).toMatchObject({ invoiceNumber: 'F230875' });
		const other = result.nodeOutputs(NODE, 3).map((o) => o.json);
		expect(other[0]).toMatchObject({
			line: 'statement',
			reconciles: true,
			alreadyImported: false,
			credits: 9,
		});
		expect(other.slice(1).map((o) => [o.line, o.amount])).toEqual([
			['debit', '-19.99'],
			['debit', '-19.99'],
			['debit', '-617.14'],
			['debit', '-3037.55'],
		]);
		const again = await run([statementItem(readFileSync(FILE))]);
		expect(again.nodeOutputs(NODE, 0).every((p) => p.json.status === 'unchanged')).toBe(true);
	});

	it('refuses an unreadable file, a file of another account, and an item without a file on Rejected, in French too', async () => {
		const text = readFileSync(FILE, 'latin1');
		const result = await run([
			statementItem(Buffer.from(text.split('\n').slice(0, 12).join('\n'), 'latin1'), 'coupe.cfo'),
			{ json: { nothing: true } },
		]);
		expect(outputCounts(result)).toEqual([0, 2, 0, 0, 0]);
		const rejected = result
			.nodeOutputs(NODE, 1)
			.map((r) => [r.json.code, (r.pairedItem as { item: number }).item, typeof r.json.errorFr]);
		expect(rejected).toEqual([
			['BANK_STATEMENT_TRUNCATED', 0, 'string'],
			['BANK_STATEMENT_NO_FILE', 1, 'string'],
		]);
		const foreign = await run([statementItem(readFileSync(FILE))], {
			accounts: 'FR76 1111 2222 3333 4444 5555 666',
		});
		expect(foreign.nodeOutputs(NODE, 1)[0].json).toMatchObject({
			code: 'BANK_STATEMENT_UNKNOWN_ACCOUNT',
		});
	});

	it('writes off a small difference when Write Off Differences Up To is set: the invoice paid, the difference a write-off', async () => {
		await upsertCustomers(t.ledger, [
			{ externalId: 'WN', name: 'Wend Négoce', emails: ['compta@wn.example'] },
		]);
		await storeInvoices(t.ledger, [
			{
				docType: 'invoice',
				number: 'WN-2026-7',
				customerExternalId: 'WN',
				currency: 'EUR',
				totalExclMinor: 100000n,
				totalTaxMinor: 0n,
				totalInclMinor: 100000n,
				payableMinor: 100000n,
				issueDate: '2026-10-01',
				dueDate: '2026-10-31',
			},
		]);
		const camt = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>WO-1</MsgId><CreDtTm>2026-11-02T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>WO-1</Id><Acct><Id><IBAN>FR7630003012340001234567890</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">999.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-01</Dt></BookgDt><ValDt><Dt>2026-11-01</Dt></ValDt><AcctSvcrRef>WO-L1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>WEND NEGOCE</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>FACTURE WN-2026-7</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
		const result = await run([statementItem(Buffer.from(camt), 'camt053.xml')], {
			writeOffUpTo: 'EUR=1.00',
		});
		expect(result.status).toBe('success');
		expect(result.nodeOutputs(NODE, 0)[0].json).toMatchObject({
			allocationStatus: 'applied',
			writeOffs: [{ invoiceNumber: 'WN-2026-7', amount: '0.50', currency: 'EUR' }],
		});
		expect(result.nodeOutputs(NODE, 2).map((p) => p.json.invoiceNumber)).toEqual(['WN-2026-7']);
	});
});
