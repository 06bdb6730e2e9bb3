import { decimalToMinor } from './amount';
import { statementError } from './errors';
import type { BankEntry, BankStatement } from './types';

/**
 * SWIFT MT940 customer statements: :20: reference, :25: account, :28C: number, :60F:/:60M: opening balance,
 * :61: entries with their :86: information, :62F:/:62M: closing balance. SWIFT envelopes ({1:…}{4: … -}) and bank
 * header lines around the messages are skipped. :86: is read in its three common styles: free text, `/TAG/value`
 * (e.g. /NAME/, /REMI/, /EREF/) and German `?20`–`?33` sub-fields with SEPA keywords (EREF+, KREF+, SVWZ+ …).
 */
export function parseMt940(text: string): BankStatement[] {
	const fields = splitFields(text);
	const statements: BankStatement[] = [];
	let current: BankStatement | undefined;
	let reference = '';
	let number = '';
	let last: BankEntry | undefined;
	const need = (tag: string): BankStatement => {
		if (!current) {
			throw statementError(
				'BANK_STATEMENT_MT940_SEQUENCE',
				`MT940 field :${tag}: comes before any opening balance (:60F:/:60M:).`,
				`Le champ MT940 :${tag}: arrive avant tout solde d'ouverture (:60F:/:60M:).`,
				{ tag },
			);
		}
		return current;
	};
	let account = '';
	for (const { tag, value, line } of fields) {
		switch (tag) {
			case '20':
				if (current) throw truncatedBefore(current, line);
				reference = value.trim();
				number = '';
				account = '';
				break;
			case '21':
			case '13D':
			case '13':
			case '34F':
			case '90D':
			case '90C':
			case '64':
			case '65':
				break;
			case '25':
				account = value.trim();
				break;
			case '28C':
			case '28':
				number = value.trim();
				break;
			case '60F':
			case '60M': {
				if (current) throw truncatedBefore(current, line);
				const balance = readBalance(value, line, tag);
				current = {
					format: 'mt940',
					version: 'MT940',
					id: [reference, number].filter(Boolean).join('/') || `${account}:${balance.date}`,
					account,
					currency: balance.currency,
					openingBalanceMinor: balance.minor,
					openingDate: balance.date,
					entries: [],
				};
				last = undefined;
				break;
			}
			case '61': {
				const statement = need(tag);
				last = readEntry(value, statement, line, statement.entries.length + 1);
				statement.entries.push(last);
				break;
			}
			case '86':
				if (
					last &&
					!last.remittance &&
					last.structuredReferences.length === 0 &&
					!last.counterpartyName
				)
					readInformation(last, value);
				break;
			case '62F':
			case '62M': {
				const statement = need(tag);
				const balance = readBalance(value, line, tag);
				statement.closingBalanceMinor = balance.minor;
				statement.closingDate = balance.date;
				statements.push(statement);
				current = undefined;
				last = undefined;
				break;
			}
			default:
				break;
		}
	}
	if (current) {
		throw statementError(
			'BANK_STATEMENT_TRUNCATED',
			`The MT940 statement ${current.id} of account ${current.account} has no closing balance (:62F:): the file is truncated.`,
			`Le relevé MT940 ${current.id} du compte ${current.account} n'a pas de solde de clôture (:62F:) : le fichier est tronqué.`,
			{ statement: current.id },
		);
	}
	if (statements.length === 0) {
		throw statementError(
			'BANK_STATEMENT_MT940_EMPTY',
			'The MT940 file holds no statement (no :60F: … :62F:).',
			'Le fichier MT940 ne contient aucun relevé (pas de :60F: … :62F:).',
		);
	}
	return statements;
}

function truncatedBefore(current: BankStatement, line: number) {
	return statementError(
		'BANK_STATEMENT_TRUNCATED',
		`MT940 line ${line}: a new statement starts before the closing balance (:62F:) of statement ${current.id}.`,
		`Ligne MT940 ${line} : un nouveau relevé commence avant le solde de clôture (:62F:) du relevé ${current.id}.`,
		{ line, statement: current.id },
	);
}

interface Field {
	tag: string;
	value: string;
	line: number;
}

function splitFields(text: string): Field[] {
	// eslint-disable-next-line no-control-regex
	const clean = text.replace(/^\uFEFF/, '').replace(/[\x01\x03]/g, '\n');
	const lines = clean.split(/\r\n|\r|\n/);
	const fields: Field[] = [];
	let inside = false;
	for (const [i, raw] of lines.entries()) {
		let line = raw;
		// SWIFT envelope: {1:…}{2:…}{3:…}{4: then the fields, closed by "-}" (and trailer blocks {5:…}).
		const block4 = line.indexOf('{4:');
		if (block4 >= 0) line = line.slice(block4 + 3);
		else if (/^-(\}|$)/.test(line.trim())) {
			inside = false;
			continue;
		}
		const m = /^:(\d\d[A-Z]?):(.*)$/.exec(line);
		if (m) {
			// Bank header lines before a message (e.g. "ABNANL2A", "940", "ABNANL2A") are not the previous field's text.
			if (m[1] === '20' && fields.length > 0) {
				const previous = fields[fields.length - 1];
				previous.value = previous.value.replace(
					/(\n\s*([A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?|940)\s*)+$/,
					'',
				);
			}
			fields.push({ tag: m[1], value: m[2], line: i + 1 });
			inside = true;
		} else if (inside && fields.length > 0 && line.trim() !== '') {
			fields[fields.length - 1].value += `\n${line}`;
		}
	}
	return fields;
}

function readBalance(value: string, line: number, tag: string) {
	const m = /^([CD])(\d{6})([A-Z]{3})([\d,]+)\s*$/.exec(value.split('\n')[0].trim());
	if (!m) {
		throw statementError(
			'BANK_STATEMENT_MT940_FIELD',
			`MT940 line ${line}: :${tag}:${value.trim()} is not a balance (C/D, YYMMDD, currency, amount).`,
			`Ligne MT940 ${line} : :${tag}:${value.trim()} n'est pas un solde (C/D, AAMMJJ, devise, montant).`,
			{ line, tag },
		);
	}
	const minor = decimalToMinor(m[4], m[3], `MT940 line ${line}`);
	return { minor: m[1] === 'D' ? -minor : minor, date: yymmdd(m[2], line), currency: m[3] };
}

function yymmdd(s: string, line: number): string {
	const iso = `${Number(s.slice(0, 2)) < 70 ? '20' : '19'}${s.slice(0, 2)}-${s.slice(2, 4)}-${s.slice(4, 6)}`;
	const d = new Date(`${iso}T00:00:00Z`);
	if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
		throw statementError(
			'BANK_STATEMENT_BAD_DATE',
			`MT940 line ${line}: "${s}" is not a date (YYMMDD).`,
			`Ligne MT940 ${line} : « ${s} » n'est pas une date (AAMMJJ).`,
			{ line, value: s },
		);
	}
	return iso;
}

/** :61: value date YYMMDD, entry date MMDD (optional), mark C/D/RC/RD, funds code, amount, type, references. */
function readEntry(
	value: string,
	statement: BankStatement,
	line: number,
	index: number,
): BankEntry {
	const [first] = value.split('\n');
	const m =
		/^(\d{6})(\d{4})?(RC|RD|EC|ED|C|D)([A-Z])?([\d,]+)\s*([NFS][A-Z0-9][A-Z0-9 ]{2})?(.*)$/.exec(
			first.trim(),
		);
	if (!m) {
		throw statementError(
			'BANK_STATEMENT_MT940_FIELD',
			`MT940 line ${line}: :61:${first.trim()} is not a statement line (date, C/D, amount, type, reference).`,
			`Ligne MT940 ${line} : :61:${first.trim()} n'est pas une ligne de relevé (date, C/D, montant, type, référence).`,
			{ line },
		);
	}
	const valueDate = yymmdd(m[1], line);
	let bookingDate: string | undefined;
	if (m[2]) {
		// The entry date has no year: the value date's, moved by a year when the two straddle New Year.
		const year = Number(valueDate.slice(0, 4));
		const month = Number(m[2].slice(0, 2));
		const valueMonth = Number(valueDate.slice(5, 7));
		const y =
			month === 12 && valueMonth === 1
				? year - 1
				: month === 1 && valueMonth === 12
					? year + 1
					: year;
		bookingDate = yymmdd(`${String(y).slice(2)}${m[2]}`, line);
	}
	const mark = m[3];
	const magnitude = decimalToMinor(m[5], statement.currency, `MT940 line ${line}`);
	const negative = mark === 'D' || mark === 'RC' || mark === 'ED';
	const [customerRef, bankRef] = (m[7] ?? '').split('//');
	const reference = customerRef?.trim();
	return {
		index,
		amountMinor: negative ? -magnitude : magnitude,
		currency: statement.currency,
		bookingDate,
		valueDate,
		reversal: mark === 'RC' || mark === 'RD',
		bankReference: bankRef?.trim() || undefined,
		transactionCode: m[6]?.trim(),
		reference: reference && reference !== 'NONREF' ? reference : undefined,
		structuredReferences: [],
	};
}

const SEPA_KEYS = [
	'EREF',
	'KREF',
	'MREF',
	'CRED',
	'DEBT',
	'SVWZ',
	'ABWA',
	'ABWE',
	'OAMT',
	'COAM',
	'PURP',
	'IBAN',
	'BIC',
];

/** :86: information to account owner: remittance, references and the other party. */
function readInformation(entry: BankEntry, raw: string): void {
	const joined = raw.split('\n').join('');
	if (/^\d{3}\?/.test(joined) || /^\?\d\d/.test(joined)) {
		// German structured style: GVC code then ?NN sub-fields; ?20–?29 and ?60–?63 purpose, ?32/?33 name, ?31 account.
		const sub = new Map<string, string>();
		for (const part of joined.slice(joined.indexOf('?')).split('?').slice(1)) {
			const key = part.slice(0, 2);
			sub.set(key, (sub.get(key) ?? '') + part.slice(2));
		}
		const purpose = [
			'20',
			'21',
			'22',
			'23',
			'24',
			'25',
			'26',
			'27',
			'28',
			'29',
			'60',
			'61',
			'62',
			'63',
		]
			.map((k) => sub.get(k) ?? '')
			.join('');
		const keyed = sepaKeywords(purpose);
		entry.remittance =
			(keyed.get('SVWZ') ?? (keyed.size ? undefined : purpose))?.trim() || undefined;
		const name = `${sub.get('32') ?? ''}${sub.get('33') ?? ''}`.trim();
		if (name) entry.counterpartyName = name;
		const account = sub.get('31')?.trim();
		if (account) entry.counterpartyAccount = account;
		applyKeywords(entry, keyed);
		return;
	}
	if (/^\/[A-Z]{2,4}\//.test(joined.trim())) {
		// /TAG/value/TAG/value style (e.g. /EREF/…/NAME/…/REMI/…).
		const tags = new Map<string, string>();
		const re = /\/([A-Z]{2,4})\/(.*?)(?=\/[A-Z]{2,4}\/|$)/g;
		let m: RegExpExecArray | null;
		while ((m = re.exec(joined.trim())) !== null) if (!tags.has(m[1])) tags.set(m[1], m[2].trim());
		entry.remittance = tags.get('REMI')?.replace(/^USTD\/\//, '') || undefined;
		if (tags.get('NAME')) entry.counterpartyName = tags.get('NAME');
		const iban = tags.get('IBAN') ?? tags.get('BENM');
		if (iban) entry.counterpartyAccount = iban;
		const eref = tags.get('EREF');
		if (eref && eref !== 'NOTPROVIDED') {
			entry.endToEndId = eref;
			entry.reference = entry.reference ?? eref;
		}
		const cref = tags.get('CREF') ?? tags.get('PREF');
		if (cref) entry.structuredReferences.push({ type: 'CREF', reference: cref });
		return;
	}
	entry.remittance = joined.trim() || undefined;
}

function sepaKeywords(purpose: string): Map<string, string> {
	const keyed = new Map<string, string>();
	const re = new RegExp(`(${SEPA_KEYS.join('|')})\\+`, 'g');
	const hits = [...purpose.matchAll(re)];
	hits.forEach((hit, i) => {
		const start = (hit.index ?? 0) + hit[0].length;
		const end = i + 1 < hits.length ? (hits[i + 1].index ?? purpose.length) : purpose.length;
		if (!keyed.has(hit[1])) keyed.set(hit[1], purpose.slice(start, end).trim());
	});
	return keyed;
}

function applyKeywords(entry: BankEntry, keyed: Map<string, string>): void {
	const eref = keyed.get('EREF');
	if (eref && eref !== 'NOTPROVIDED') {
		entry.endToEndId = eref;
		entry.reference = entry.reference ?? eref;
	}
	for (const key of ['KREF', 'MREF', 'CRED']) {
		const v = keyed.get(key);
		if (v) entry.structuredReferences.push({ type: key, reference: v });
	}
	const iban = keyed.get('IBAN');
	if (iban && !entry.counterpartyAccount) entry.counterpartyAccount = iban;
}
