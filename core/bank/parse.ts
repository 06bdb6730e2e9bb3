import { parseCamt } from './camt';
import { parseCfonb120 } from './cfonb';
import { statementError } from './errors';
import { parseMt940 } from './mt940';
import type {
	BankStatement,
	BankStatementFile,
	BankStatementFormat,
	ParseBankStatementOptions,
} from './types';

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

/** The format of a statement file, recognised from its content (never from its name). */
export function detectBankStatementFormat(input: Buffer | string): BankStatementFormat | undefined {
	const head = (
		typeof input === 'string' ? input.slice(0, 4096) : input.subarray(0, 4096).toString('latin1')
	).replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
	if (/^\s*</.test(head)) {
		if (/camt\.054\./.test(head) || /<(\w+:)?BkToCstmrDbtCdtNtfctn[\s>]/.test(head))
			return 'camt.054';
		if (/camt\.05[23]\./.test(head) || /<(\w+:)?BkToCstmrStmt[\s>]/.test(head)) return 'camt.053';
		return undefined;
	}
	if (
		/^\s*(\{1:[^}]*\}|[A-Z0-9]{8,11}\s*[\r\n]+\s*940\s*[\r\n]|:20:)/.test(head) ||
		/(^|[\r\n]):20:.*[\r\n]+(:21:.*[\r\n]+)?:25:/.test(head)
	)
		return 'mt940';
	if (/^01\d{5}[ \d]{4}/.test(head) && /^[\s\S]{120}/.test(head)) return 'cfonb120';
	return undefined;
}

/**
 * Reads a bank statement file: camt.053 / camt.054 (ISO 20022, versions 001.02–001.08), CFONB 120, MT940.
 * Statements and entries come in file order; amounts are signed minor units (credit +, debit −). Throws a
 * ReceivablesError with a stable `code` (BANK_STATEMENT_*) for input it cannot read.
 */
export async function parseBankStatement(
	input: Buffer | string,
	options: ParseBankStatementOptions = {},
): Promise<BankStatementFile> {
	return parseBankStatementSync(input, options);
}

export function parseBankStatementSync(
	input: Buffer | string,
	options: ParseBankStatementOptions = {},
): BankStatementFile {
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
	const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
	const where = options.filename ? `${options.filename}: ` : '';
	if (size === 0) {
		throw statementError(
			'BANK_STATEMENT_EMPTY',
			`${where}the file is empty.`,
			`${where}le fichier est vide.`,
			{ filename: options.filename },
		);
	}
	if (size > maxBytes) {
		throw statementError(
			'BANK_STATEMENT_TOO_LARGE',
			`${where}the file is ${size} bytes; the limit is ${maxBytes}.`,
			`${where}le fichier fait ${size} octets ; la limite est de ${maxBytes}.`,
			{ filename: options.filename, size, maxBytes },
			{
				en: 'Split the statement by day or account, or raise the size limit.',
				fr: 'Découpez le relevé par jour ou par compte, ou relevez la limite de taille.',
			},
		);
	}
	const format = detectBankStatementFormat(input);
	if (!format) {
		throw statementError(
			'BANK_STATEMENT_UNKNOWN_FORMAT',
			`${where}this is not a bank statement the package reads (camt.053/054, CFONB 120, MT940).`,
			`${where}ce n'est pas un relevé bancaire que le paquet sait lire (camt.053/054, CFONB 120, MT940).`,
			{ filename: options.filename },
		);
	}
	const text = () => {
		if (typeof input === 'string') return input;
		const utf8 = input.toString('utf8');
		// Banks still send Latin-1 flat files: fall back when the bytes are not UTF-8.
		return utf8.includes('\uFFFD') ? input.toString('latin1') : utf8;
	};
	if (text().includes('\u0000')) {
		throw statementError(
			'BANK_STATEMENT_BINARY',
			`${where}the file contains NUL bytes: it is not a text statement.`,
			`${where}le fichier contient des octets NUL : ce n'est pas un relevé texte.`,
			{ filename: options.filename },
		);
	}
	const statements: BankStatement[] =
		format === 'cfonb120'
			? parseCfonb120(text())
			: format === 'mt940'
				? parseMt940(text())
				: parseCamt(input, maxBytes);
	for (const s of statements) s.balanceCheck = checkBalance(s);
	return { format: statements[0]?.format ?? format, statements };
}

/** opening + Σ entries (in the statement's currency) = closing, when both balances are stated. */
export function checkBalance(statement: BankStatement): BankStatement['balanceCheck'] {
	if (statement.openingBalanceMinor === undefined || statement.closingBalanceMinor === undefined)
		return undefined;
	const sum = statement.entries
		.filter((e) => !statement.currency || e.currency === statement.currency)
		.reduce((a, e) => a + e.amountMinor, 0n);
	const differenceMinor = statement.closingBalanceMinor - statement.openingBalanceMinor - sum;
	return { ok: differenceMinor === 0n, differenceMinor };
}
