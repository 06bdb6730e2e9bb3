import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { uniqueSchema } from '../helpers/db';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { ENGINE_FILES_DIR, runWorkflow } from '../helpers/engine';
import type { Ledger } from '../../core';
import {
	credentialsFor,
	daysFromToday,
	dunningTestLedger,
	shippedWorkflow,
} from './dunning-helpers';

/** A camt.053 statement of today with the given credits (cents). */
function camt(
	id: string,
	credits: Array<{ ref: string; cents: number; name: string; text: string }>,
): string {
	const day = daysFromToday(0);
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>${id}</MsgId><CreDtTm>${day}T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>${id}</Id><Acct><Id><IBAN>FR7630003012340001234567890</IBAN></Id><Ccy>EUR</Ccy></Acct>
${credits
	.map(
		(
			c,
		) => `<Ntry><Amt Ccy="EUR">${(c.cents / 100).toFixed(2)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${day}</Dt></BookgDt><AcctSvcrRef>${c.ref}</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>${c.name}</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>${c.text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
	)
	.join('\n')}
</Stmt></BkToCstmrStmt></Document>`;
}

/** A customer with an invoice reminded at level 1 and one never reminded, both open. */
async function seedCustomer(ledger: Ledger): Promise<void> {
	const customer = await addCustomer(ledger, {
		externalId: 'BQ-1',
		name: 'Garage Sow SARL',
		emails: ['compta@sow.example'],
	});
	const reminded = await addInvoice(ledger, {
		customerId: customer,
		number: 'F-BQ-REM',
		dueDate: daysFromToday(-20),
		amount: 88000n,
	});
	await addInvoice(ledger, {
		customerId: customer,
		number: 'F-BQ-NEW',
		dueDate: daysFromToday(10),
		amount: 15000n,
	});
	await ledger.query(
		"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status) VALUES ($1, $2, 'level1', 'email', 'sent')",
		[reminded, customer],
	);
}

const CREDITS = [
	{ ref: 'TY-1', cents: 88000, name: 'GARAGE SOW', text: 'REGLEMENT FACTURE F-BQ-REM' },
	{ ref: 'TY-2', cents: 15000, name: 'GARAGE SOW', text: 'FACTURE F-BQ-NEW' },
];

describe('workflow: Bank statements → paid invoices thanked by the dunning thank-you stage', () => {
	const t = dunningTestLedger({ smtp: true });
	const folder = path.join(ENGINE_FILES_DIR, 'bank-statements');
	const tag = uniqueSchema('thanks');
	const file = path.join(folder, `${tag}.xml`);
	/**
	 * The shipped workflow, reading only this test's statement: other workflow tests drop and remove files in the same
	 * folder while they run (the file pattern is the one change).
	 */
	const workflow = () => {
		const w = shippedWorkflow('intake-bank-statements.json');
		const listing = w.nodes.find((n) => n.name === 'Statements waiting');
		if (!listing) throw new Error('the workflow has no "Statements waiting" node');
		listing.parameters = { ...listing.parameters, pattern: `${tag}*` };
		return w;
	};

	beforeAll(async () => {
		await seedCustomer(t.ledger);
		mkdirSync(folder, { recursive: true });
		writeFileSync(file, camt(`STMT-${tag}`, CREDITS));
	});

	afterAll(() => rmSync(file, { force: true }));

	test('the reminded invoice the statement pays is thanked once; the import again and the 09:00 thank-you send nothing more', async () => {
		const result = await runWorkflow(workflow(), { credentials: credentialsFor(t.ledger, t.sink) });
		expect(result.error).toBeUndefined();
		expect(
			result
				.json('Thank-you hand-off (Reminder Step)')
				.map((j) => j.invoiceNumber)
				.sort(),
		).toEqual(['F-BQ-NEW', 'F-BQ-REM']);
		// Only the invoice that had been reminded is thanked (the policy's thank-you stage: only if reminded).
		expect(
			result
				.json('Thanked (recorded in the ledger)')
				.map((j) => [j.customerExternalId, j.invoiceNumbers]),
		).toEqual([['BQ-1', ['F-BQ-REM']]]);
		expect(t.sink.received).toHaveLength(1);
		const mail = await simpleParser(t.sink.received[0].raw);
		expect(mail.subject).toBe('Merci pour votre règlement');
		expect(mail.text).toContain('F-BQ-REM');
		expect(mail.text).not.toContain('F-BQ-NEW');
		const [{ count }] = await t.ledger.query<{ count: string }>(
			"SELECT count(*) FROM reminders WHERE stage = 'thank_you' AND status = 'sent'",
		);
		expect(count).toBe('1');

		const again = await runWorkflow(workflow(), { credentials: credentialsFor(t.ledger, t.sink) });
		expect(again.error).toBeUndefined();
		expect(again.json('Thank-you hand-off (Reminder Step)')).toEqual([]);
		const morning = await runWorkflow(shippedWorkflow('dunning-thank-you.json'), {
			credentials: credentialsFor(t.ledger, t.sink),
		});
		expect(morning.error).toBeUndefined();
		expect(morning.json('Send thank_you reminders', 0)).toEqual([]);
		expect(t.sink.received).toHaveLength(1);
	});
});

describe('workflow: Bank statements by e-mail → paid invoices thanked by the dunning thank-you stage', () => {
	const t = dunningTestLedger({ smtp: true });
	beforeAll(() => seedCustomer(t.ledger));

	/** What the Email Trigger (IMAP) outputs for the bank's e-mail with the statement attached. */
	const email = () => {
		const bytes = Buffer.from(camt('STMT-MAIL-1', CREDITS), 'utf8');
		return {
			json: { subject: 'Votre relevé', from: 'releves@banque.example' },
			binary: {
				attachment_0: {
					data: bytes.toString('base64'),
					mimeType: 'application/xml',
					fileName: 'camt053.xml',
					fileExtension: 'xml',
					fileSize: String(bytes.length),
				},
			},
		};
	};

	test('the reminded invoice the e-mailed statement pays is thanked once, not again when the e-mail is read twice', async () => {
		const result = await runWorkflow(shippedWorkflow('intake-bank-statements-mailbox.json'), {
			triggerItems: [email()],
			credentials: credentialsFor(t.ledger, t.sink),
		});
		expect(result.error).toBeUndefined();
		expect(
			result
				.json('Thanked (recorded in the ledger)')
				.map((j) => [j.customerExternalId, j.invoiceNumbers]),
		).toEqual([['BQ-1', ['F-BQ-REM']]]);
		expect(t.sink.received).toHaveLength(1);
		expect((await simpleParser(t.sink.received[0].raw)).text).toContain('F-BQ-REM');
		const again = await runWorkflow(shippedWorkflow('intake-bank-statements-mailbox.json'), {
			triggerItems: [email()],
			credentials: credentialsFor(t.ledger, t.sink),
		});
		expect(again.error).toBeUndefined();
		expect(again.json('Thank-you hand-off (Reminder Step)')).toEqual([]);
		expect(t.sink.received).toHaveLength(1);
	});
});
