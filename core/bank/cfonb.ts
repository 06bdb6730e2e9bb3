import { decimalToMinor, safeExponent } from './amount';
import { statementError } from './errors';
import type { BankEntry, BankStatement } from './types';

/**
 * CFONB 120 ("relevé de compte" of French banks): records of 120 characters — 01 opening balance, 04 movement,
 * 05 complement of the movement before it (LIB label, NPY payer, NBE beneficiary, RCN/REF references, LCC …),
 * 07 closing balance. Amounts carry their sign in the last digit (overpunch: `{`, A–I positive; `}`, J–R negative)
 * and their decimals count in position 20. A file may hold several accounts and days; lines may be broken or not.
 */
export function parseCfonb120(text: string): BankStatement[] {
	const records = splitRecords(text);
	const statements: BankStatement[] = [];
	let current: (BankStatement & { decimals: number }) | undefined;
	let last: BankEntry | undefined;
	let qualifiers: Array<[string, string]> = [];
	const closeEntry = () => {
		if (last) finishEntry(last, qualifiers);
		last = undefined;
		qualifiers = [];
	};
	records.forEach((record, i) => {
		const line = i + 1;
		const code = record.slice(0, 2);
		if (code === '01') {
			closeEntry();
			if (current) {
				throw statementError(
					'BANK_STATEMENT_CFONB_SEQUENCE',
					`CFONB record ${line}: a new opening balance (01) before the closing balance (07) of account ${current.account}.`,
					`Enregistrement CFONB ${line} : un nouveau solde initial (01) avant le solde final (07) du compte ${current.account}.`,
					{ record: line },
				);
			}
			const { account, currency, decimals } = accountOf(record, line);
			current = {
				format: 'cfonb120',
				version: 'CFONB120',
				id: '',
				account,
				currency,
				decimals,
				openingBalanceMinor: signedAmount(record, decimals, currency, line),
				openingDate: dateOf(record.slice(34, 40), line, 'opening balance date'),
				entries: [],
			};
		} else if (code === '04') {
			closeEntry();
			const statement = need(current, line, '04');
			const currency = record.slice(16, 19).trim() || statement.currency;
			const decimals = decimalsOf(record, statement.decimals, currency);
			const reference = record.slice(104, 120).trim();
			last = {
				index: statement.entries.length + 1,
				amountMinor: signedAmount(record, decimals, currency, line),
				currency: currency.toUpperCase(),
				bookingDate: dateOf(record.slice(34, 40), line, 'booking date'),
				valueDate: record.slice(42, 48).trim()
					? dateOf(record.slice(42, 48), line, 'value date')
					: undefined,
				reversal: false,
				bankReference: record.slice(81, 88).trim() || undefined,
				transactionCode: `${record.slice(7, 11)}/${record.slice(32, 34)}`,
				remittance: collapse(record.slice(48, 79)),
				reference: reference || undefined,
				structuredReferences: [],
			};
			if (!statement.currency) statement.currency = last.currency;
			statement.entries.push(last);
		} else if (code === '05') {
			if (!last) {
				throw statementError(
					'BANK_STATEMENT_CFONB_SEQUENCE',
					`CFONB record ${line}: a complement (05) with no movement (04) before it.`,
					`Enregistrement CFONB ${line} : un complément (05) sans mouvement (04) avant lui.`,
					{ record: line },
				);
			}
			qualifiers.push([record.slice(45, 48), record.slice(48, 118).trim()]);
		} else if (code === '07') {
			closeEntry();
			const statement = need(current, line, '07');
			const { account } = accountOf(record, line);
			if (account !== statement.account) {
				throw statementError(
					'BANK_STATEMENT_CFONB_SEQUENCE',
					`CFONB record ${line}: the closing balance (07) is for account ${account}, the statement for ${statement.account}.`,
					`Enregistrement CFONB ${line} : le solde final (07) est celui du compte ${account}, le relevé celui du compte ${statement.account}.`,
					{ record: line },
				);
			}
			statement.closingBalanceMinor = signedAmount(
				record,
				statement.decimals,
				statement.currency,
				line,
			);
			statement.closingDate = dateOf(record.slice(34, 40), line, 'closing balance date');
			statement.id = `${statement.account}:${statement.openingDate ?? ''}:${statement.closingDate}`;
			const done: BankStatement & { decimals?: number } = { ...statement };
			delete done.decimals;
			statements.push(done);
			current = undefined;
		} else {
			throw statementError(
				'BANK_STATEMENT_CFONB_RECORD',
				`CFONB record ${line} has code "${code}"; only 01, 04, 05 and 07 exist.`,
				`L'enregistrement CFONB ${line} a le code « ${code} » ; seuls 01, 04, 05 et 07 existent.`,
				{ record: line, code },
			);
		}
	});
	closeEntry();
	if (current) {
		throw statementError(
			'BANK_STATEMENT_TRUNCATED',
			`The CFONB file ends before the closing balance (07) of account ${current.account}: it is truncated.`,
			`Le fichier CFONB s'arrête avant le solde final (07) du compte ${current.account} : il est tronqué.`,
			{ account: current.account },
		);
	}
	return statements;
}

function splitRecords(text: string): string[] {
	const body = text.replace(/^\uFEFF/, '');
	const lines = body.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
	const records: string[] = [];
	for (const [n, l] of lines.entries()) {
		if (l.length === 120) records.push(l);
		else if (l.length > 120 && l.length % 120 === 0)
			for (let k = 0; k < l.length; k += 120) records.push(l.slice(k, k + 120));
		else if (l.length < 120 && /^0[1457]/.test(l) && n === lines.length - 1 && lines.length > 1)
			records.push(l.padEnd(120));
		else if (
			l.length < 120 &&
			/^0[1457]/.test(l) &&
			l.trimEnd().length === l.length &&
			l.length >= 104
		)
			records.push(l.padEnd(120));
		else {
			throw statementError(
				'BANK_STATEMENT_CFONB_RECORD_LENGTH',
				`CFONB line ${n + 1} has ${l.length} characters; records have 120.`,
				`La ligne CFONB ${n + 1} a ${l.length} caractères ; les enregistrements en ont 120.`,
				{ line: n + 1, length: l.length },
			);
		}
	}
	return records;
}

function accountOf(record: string, line: number) {
	const bank = record.slice(2, 7).trim();
	const branch = record.slice(11, 16).trim();
	const number = record.slice(21, 32).trim();
	if (!bank || !number) {
		throw statementError(
			'BANK_STATEMENT_MISSING_FIELD',
			`CFONB record ${line} has no bank code or account number.`,
			`L'enregistrement CFONB ${line} n'a pas de code banque ou de numéro de compte.`,
			{ record: line },
		);
	}
	const currency = record.slice(16, 19).trim().toUpperCase();
	return {
		account: `${bank} ${branch} ${number}`,
		currency,
		decimals: decimalsOf(record, 2, currency),
	};
}

function decimalsOf(record: string, fallback: number, currency: string): number {
	const d = record.slice(19, 20);
	if (/^\d$/.test(d)) return Number(d);
	return currency ? safeExponent(currency) : fallback;
}

const POSITIVE = '{ABCDEFGHI';
const NEGATIVE = '}JKLMNOPQR';

/** Positions 91–104: 13 digits and the overpunched last one. */
function signedAmount(record: string, decimals: number, currency: string, line: number): bigint {
	const field = record.slice(90, 104);
	const digits = field.slice(0, 13).replace(/ /g, '0');
	const last = field[13];
	let digit = POSITIVE.indexOf(last);
	let negative = false;
	if (digit < 0) {
		digit = NEGATIVE.indexOf(last);
		negative = true;
	}
	if (!/^\d{13}$/.test(digits) || digit < 0) {
		throw statementError(
			'BANK_STATEMENT_BAD_AMOUNT',
			`CFONB record ${line}: the amount "${field}" (positions 91-104) is not 13 digits and a sign code ({, A-I, }, J-R).`,
			`Enregistrement CFONB ${line} : le montant « ${field} » (positions 91-104) n'est pas 13 chiffres suivis d'un code signe ({, A-I, }, J-R).`,
			{ record: line, value: field },
		);
	}
	const all = `${digits}${digit}`.replace(/^0+(?=\d)/, '');
	const text =
		decimals > 0
			? `${all.slice(0, -decimals) || '0'}.${all.slice(-decimals).padStart(decimals, '0')}`
			: all;
	const minor = decimalToMinor(text, currency || 'EUR', `CFONB record ${line}`);
	return negative ? -minor : minor;
}

function dateOf(ddmmyy: string, line: number, what: string): string {
	const m = /^(\d\d)(\d\d)(\d\d)$/.exec(ddmmyy);
	const iso = m ? `${Number(m[3]) < 70 ? '20' : '19'}${m[3]}-${m[2]}-${m[1]}` : '';
	if (
		!m ||
		Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) ||
		new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso
	) {
		throw statementError(
			'BANK_STATEMENT_BAD_DATE',
			`CFONB record ${line}: the ${what} "${ddmmyy}" is not a date (DDMMYY).`,
			`Enregistrement CFONB ${line} : la date « ${ddmmyy} » n'est pas une date (JJMMAA).`,
			{ record: line, value: ddmmyy },
		);
	}
	return iso;
}

function need<T>(current: T | undefined, line: number, code: string): T {
	if (!current) {
		throw statementError(
			'BANK_STATEMENT_CFONB_SEQUENCE',
			`CFONB record ${line}: a ${code} record before any opening balance (01).`,
			`Enregistrement CFONB ${line} : un enregistrement ${code} avant tout solde initial (01).`,
			{ record: line },
		);
	}
	return current;
}

const collapse = (s: string): string | undefined => s.replace(/\s+/g, ' ').trim() || undefined;

function finishEntry(entry: BankEntry, qualifiers: Array<[string, string]>): void {
	const values = (q: string) =>
		qualifiers
			.filter(([k]) => k === q)
			.map(([, v]) => v)
			.filter(Boolean);
	const labels = values('LIB');
	entry.remittance = [entry.remittance, ...labels].filter(Boolean).join(' | ') || undefined;
	const payer = values('NPY')[0];
	const beneficiary = values('NBE')[0];
	entry.counterpartyName =
		entry.amountMinor >= 0n ? (payer ?? beneficiary) : (beneficiary ?? payer);
	const refs = [...values('RCN'), ...values('REF')];
	if (refs.length > 0) entry.reference = refs[0];
	entry.structuredReferences = refs.map((reference) => ({ type: 'RCN', reference }));
	const lcc = values('LCC');
	if (lcc.length) entry.remittance = entry.remittance ?? lcc.join(' | ');
}
