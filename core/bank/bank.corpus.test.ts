import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseBankStatement } from './index';
import type { BankEntry, BankStatement, BankTransaction } from './types';

// Real statement files of public projects (test/fixtures/bank-statements, NOTICE.md in each folder) and the
// expected values of their INDEX.tsv: every indexed value must come out of the parser.
const ROOT = path.join(__dirname, '..', '..', 'test', 'fixtures', 'bank-statements');
type Row = Record<string, string>;
const unescape = (s: string) =>
	s.replace(/\\(t|n|\\)/g, (_, c) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'));
const rows: Array<Row & { folder: string }> = ['camt053', 'cfonb120', 'mt940'].flatMap((folder) => {
	const [header, ...lines] = readFileSync(path.join(ROOT, folder, 'INDEX.tsv'), 'utf8')
		.trimEnd()
		.split('\n')
		.map((l) => l.split('\t'));
	return lines.map((cells) => ({
		folder,
		...Object.fromEntries(header.map((h, i) => [h, unescape(cells[i] ?? '')])),
	}));
});
const files = [...new Set(rows.map((r) => `${r.folder}/${r.file}`))];

const decimal = (minor: bigint | undefined, exponent = 2): string | undefined => {
	if (minor === undefined) return undefined;
	const negative = minor < 0n;
	const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, '0');
	return `${negative ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
};
const collapse = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
/** The values of the index's `key:value; key:value` reference cell. */
const referenceValues = (cell: string): Array<[string, string]> =>
	cell
		? cell.split('; ').map((part) => {
				if (part.startsWith(':61: ref='))
					return [':61: ref', part.slice(':61: ref='.length)] as [string, string];
				const i = part.indexOf(':');
				return [part.slice(0, i), part.slice(i + 1)] as [string, string];
			})
		: [];

function checkReferences(row: Row, tx: BankTransaction | BankEntry): void {
	const ours = [tx.reference, tx.endToEndId, ...tx.structuredReferences.map((r) => r.reference)]
		.filter(Boolean)
		.map(collapse);
	for (const [key, value] of referenceValues(row.reference)) {
		if (key === 'AddtlRmtInf' || key === 'OAMT' || key === 'PURP') continue; // remittance text and amounts, not references
		const expected = key === ':61: ref' ? collapse(value.split('//')[0]) : collapse(value);
		if (expected === 'NONREF') continue;
		expect({ key, found: ours.includes(expected) }).toEqual({ key, found: true });
	}
}

describe.each(files)('%s', (file) => {
	const [folder, name] = file.split('/');
	const mine = rows.filter((r) => r.folder === folder && r.file === name);
	let statements: BankStatement[];
	beforeAll(async () => {
		({ statements } = await parseBankStatement(readFileSync(path.join(ROOT, folder, name)), {
			filename: name,
		}));
	});

	it('has the statements, balances and entry counts of the index', () => {
		const expected = mine.filter((r) => r.row_type === 'statement');
		expect(statements).toHaveLength(expected.length);
		for (const row of expected) {
			const s = statements[Number(row.stmt_no) - 1];
			expect({
				account: s.account,
				currency: s.currency || '',
				opening: decimal(s.openingBalanceMinor) ?? '',
				openingDate: s.openingDate ?? '',
				closing: decimal(s.closingBalanceMinor) ?? '',
				closingDate: s.closingDate ?? '',
				entries: s.entries.length,
				reconciles: s.balanceCheck === undefined ? 'n/a' : s.balanceCheck.ok ? 'yes' : 'no',
			}).toEqual({
				// A file that states no statement currency (blank CFONB 01 field) gets its entries' one.
				account: row.account,
				currency: row.currency || (s.entries[0]?.currency ?? ''),
				opening: row.opening_balance,
				openingDate: row.opening_date,
				closing: row.closing_balance,
				closingDate: row.closing_date,
				entries: Number(row.n_entries),
				reconciles: row.balance_check.split(':')[0],
			});
		}
	});

	const entryRows = mine.filter((r) => r.row_type === 'entry');
	if (entryRows.length > 0) {
		it.each(entryRows.map((r) => [`${r.stmt_no}.${r.entry_no}`, r]))(
			'entry %s as indexed',
			(_, row) => {
				const e = statements[Number(row.stmt_no) - 1].entries[Number(row.entry_no) - 1];
				expect({
					amount: decimal(e.amountMinor),
					currency: e.currency,
					booking: e.bookingDate ?? '',
					value: e.valueDate ?? '',
				}).toEqual({
					amount: row.amount,
					currency: row.currency,
					booking: row.booking_date,
					value: row.value_date,
				});
				if (row.reversal) expect(e.reversal).toBe(row.reversal === 'true');
				if (row.counterparty) expect(collapse(e.counterpartyName)).toBe(collapse(row.counterparty));
				// The literal camt placeholder NOTPROVIDED is not remittance information: the parser leaves it out.
				if (row.remittance && row.remittance !== 'NOTPROVIDED')
					expect(collapse(e.remittance)).toBe(collapse(row.remittance));
				if (row.remittance === 'NOTPROVIDED') expect(e.remittance).toBeUndefined();
				checkReferences(row, e);
				const txRows = mine.filter(
					(r) => r.row_type === 'tx' && r.stmt_no === row.stmt_no && r.entry_no === row.entry_no,
				);
				if (txRows.length > 0) expect(e.transactions).toHaveLength(txRows.length);
			},
		);
	}

	const txRows = mine.filter((r) => r.row_type === 'tx');
	if (txRows.length > 0) {
		it.each(txRows.map((r) => [`${r.stmt_no}.${r.entry_no}.${r.tx_no}`, r]))(
			'transaction %s as indexed',
			(_, row) => {
				const tx =
					statements[Number(row.stmt_no) - 1].entries[Number(row.entry_no) - 1].transactions![
						Number(row.tx_no) - 1
					];
				expect({ amount: decimal(tx.amountMinor), currency: tx.currency }).toEqual({
					amount: row.amount,
					currency: row.currency,
				});
				if (row.counterparty)
					expect(collapse(tx.counterpartyName)).toBe(collapse(row.counterparty));
				if (row.remittance) expect(collapse(tx.remittance)).toBe(collapse(row.remittance));
				checkReferences(row, tx);
			},
		);
	}
});
