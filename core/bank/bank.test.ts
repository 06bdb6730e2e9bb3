import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectBankStatementFormat, parseBankStatement } from './index';

const ROOT = path.join(__dirname, '..', '..', 'test', 'fixtures', 'bank-statements');
const fixture = (name: string) => readFileSync(path.join(ROOT, name));
const codeOf = async (input: Buffer | string): Promise<string | undefined> => {
	try {
		await parseBankStatement(input);
		return undefined;
	} catch (error) {
		return (error as { code?: string }).code;
	}
};

describe('bank statement formats are recognised from content', () => {
	it.each([
		['camt053/oca_test-camt053.xml', 'camt.053'],
		['camt053/viafintech_054_valid_example.xml', 'camt.054'],
		['cfonb120/oca_cfonb_classic.cfo', 'cfonb120'],
		['cfonb120/oca_cfonb_no_carriage_return.cfo', 'cfonb120'],
		['mt940/jejik_abnamro.txt', 'mt940'],
		['mt940/jejik_ing-dos.txt', 'mt940'],
		['mt940/jejik_commerzbank.txt', 'mt940'],
	])('%s is %s', (file, format) => {
		expect(detectBankStatementFormat(fixture(file))).toBe(format);
	});
});

describe('what a person needs from each entry', () => {
	it('CFONB: payer, label and invoice numbers of a credit; the signed overpunched amount', async () => {
		const { statements } = await parseBankStatement(fixture('cfonb120/oca_cfonb_classic.cfo'));
		const [first, second] = statements[0].entries;
		expect(first).toMatchObject({
			amountMinor: 104017n,
			currency: 'EUR',
			counterpartyName: 'MA JOLIE BOUTIQUE',
			remittance: 'VIR INST MA JOLIE BOUTIQUE | facture F230875',
		});
		expect(second).toMatchObject({ amountMinor: 132100n, reference: '0018937' });
		expect(statements[0].balanceCheck).toEqual({ ok: true, differenceMinor: 0n });
	});

	it('camt.053: a batch booking keeps each payment with its own debtor and reference', async () => {
		const { statements } = await parseBankStatement(
			fixture('camt053/viafintech_053_valid_example_v4.xml'),
		);
		const batch = statements[0].entries[6];
		expect(batch.amountMinor).toBe(100000n);
		expect(batch.transactions).toHaveLength(10);
		expect(batch.transactions!.reduce((a, t) => a + t.amountMinor, 0n)).toBe(100000n);
	});

	it('camt.053.001.08: the ISO 11649 creditor reference is the reference to match on', async () => {
		const { statements } = await parseBankStatement(
			fixture('camt053/viafintech_053_valid_example_v8.xml'),
		);
		expect(statements[0].entries[1]).toMatchObject({
			reference: 'RF38000000000000000000552',
			counterpartyName: 'Finanz AG',
		});
		expect(statements[0].entries[1].structuredReferences).toEqual([
			{ type: 'SCOR', reference: 'RF38000000000000000000552' },
		]);
	});

	it('MT940 German sub-fields: SVWZ purpose, EREF end-to-end id and the ?32/?33 name', async () => {
		const { statements } = await parseBankStatement(fixture('mt940/jejik_commerzbank.txt'));
		expect(statements[0].entries[0]).toMatchObject({
			amountMinor: -1235n,
			endToEndId: 'A1.200080779.400143254.4961336',
			counterpartyName: 'TESTEREL',
		});
	});
});

describe('bad input gets a clear error with a stable code, never a partial statement', () => {
	const cfonb = fixture('cfonb120/oca_cfonb_classic.cfo').toString('latin1');
	const mt940 = fixture('mt940/jejik_abnamro.txt').toString('latin1');
	const camt = fixture('camt053/oca_test-camt053.xml').toString('utf8');

	it('empty, unknown and binary files', async () => {
		expect(await codeOf('')).toBe('BANK_STATEMENT_EMPTY');
		expect(await codeOf('date;amount\n2026-01-01;12\n')).toBe('BANK_STATEMENT_UNKNOWN_FORMAT');
		expect(
			await codeOf(Buffer.from(`${mt940.slice(0, 200)}\u0000${mt940.slice(200)}`, 'latin1')),
		).toBe('BANK_STATEMENT_BINARY');
	});

	it('a file over the size limit is refused before it is read', async () => {
		await expect(parseBankStatement(cfonb, { maxBytes: 1000 })).rejects.toMatchObject({
			code: 'BANK_STATEMENT_TOO_LARGE',
		});
	});

	it('CFONB: a record of the wrong length, an unknown record, a bad sign code, a bad date, a cut file', async () => {
		const lines = cfonb.split('\n');
		expect(await codeOf([lines[0], lines[1].slice(0, 100), ...lines.slice(2)].join('\n'))).toBe(
			'BANK_STATEMENT_CFONB_RECORD_LENGTH',
		);
		expect(await codeOf([lines[0], `09${lines[1].slice(2)}`, ...lines.slice(2)].join('\n'))).toBe(
			'BANK_STATEMENT_CFONB_RECORD',
		);
		expect(
			await codeOf(
				[lines[0], `${lines[1].slice(0, 103)}X${lines[1].slice(104)}`, ...lines.slice(2)].join(
					'\n',
				),
			),
		).toBe('BANK_STATEMENT_BAD_AMOUNT');
		expect(
			await codeOf(
				[lines[0], `${lines[1].slice(0, 34)}321324${lines[1].slice(40)}`, ...lines.slice(2)].join(
					'\n',
				),
			),
		).toBe('BANK_STATEMENT_BAD_DATE');
		expect(await codeOf(lines.slice(0, 20).join('\n'))).toBe('BANK_STATEMENT_TRUNCATED');
	});

	it('MT940: a cut file, a broken :61: line, a broken balance', async () => {
		expect(await codeOf(mt940.slice(0, mt940.indexOf(':62F:')))).toBe('BANK_STATEMENT_TRUNCATED');
		expect(await codeOf(mt940.replace(/:61:\d+/, ':61:X'))).toBe('BANK_STATEMENT_MT940_FIELD');
		expect(await codeOf(mt940.replace(':60F:C', ':60F:X'))).toBe('BANK_STATEMENT_MT940_FIELD');
	});

	it('camt: not well-formed, an unsupported version, an entity declaration (XXE) refused', async () => {
		expect(await codeOf(camt.slice(0, camt.length / 2))).toBe('BANK_STATEMENT_XML_MALFORMED');
		expect(await codeOf(camt.replace(/camt\.053\.001\.02/g, 'camt.053.001.01'))).toBe(
			'BANK_STATEMENT_UNSUPPORTED_VERSION',
		);
		const xxe = camt
			.replace(
				/<Document/,
				'<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document',
			)
			.replace('<Ustrd>', '<Ustrd>&x;');
		const code = await codeOf(xxe);
		expect(code).toBe('BANK_STATEMENT_XML_MALFORMED');
	});

	it('errors say what and where in French and English', async () => {
		const lines = cfonb.split('\n');
		await expect(
			parseBankStatement([lines[0], lines[1].slice(0, 100), ...lines.slice(2)].join('\n'), {
				filename: 'releve.cfo',
			}),
		).rejects.toMatchObject({
			message: expect.stringContaining('line 2'),
			details: expect.objectContaining({ messageFr: expect.stringContaining('ligne CFONB 2') }),
		});
	});
});
