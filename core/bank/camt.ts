import { all, attr, one, parseXmlDocument, text, type XmlValue } from '../intake/parse/xml';
import { isReceivablesError } from '../errors';
import { decimalToMinor } from './amount';
import { statementError } from './errors';
import type { BankEntry, BankStatement, BankTransaction, StructuredReference } from './types';

const ROOTS: Record<string, { format: 'camt.053' | 'camt.054'; statement: string }> = {
	BkToCstmrStmt: { format: 'camt.053', statement: 'Stmt' },
	BkToCstmrDbtCdtNtfctn: { format: 'camt.054', statement: 'Ntfctn' },
};

/** Reads a camt.053 (statement) or camt.054 (debit/credit notification), versions 001.02 to 001.08 and later. */
export function parseCamt(input: Buffer | string, maxBytes: number): BankStatement[] {
	let doc;
	try {
		doc = parseXmlDocument(input, { maxBytes, maxDepth: 64 });
	} catch (error) {
		if (isReceivablesError(error)) {
			const code =
				error.code === 'INPUT_TOO_LARGE'
					? 'BANK_STATEMENT_TOO_LARGE'
					: 'BANK_STATEMENT_XML_MALFORMED';
			throw statementError(
				code,
				`The camt statement cannot be read: ${error.message}`,
				`Le relevé camt est illisible : ${String(error.details?.messageFr ?? error.message)}`,
				{ cause: error.code, ...(error.details ?? {}) },
			);
		}
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
		throw error;
	}
	const version = /camt\.(\d{3})\.001\.(\d{2})/.exec(doc.namespace ?? '');
	const [messageName] = Object.keys(doc.node).filter((k) => ROOTS[k]);
	if (!messageName) {
		throw statementError(
			'BANK_STATEMENT_UNKNOWN_FORMAT',
			`The XML root <${doc.root}> holds no camt.053 statement or camt.054 notification.`,
			`La racine XML <${doc.root}> ne contient ni relevé camt.053 ni avis camt.054.`,
			{ namespace: doc.namespace },
		);
	}
	const { format, statement } = ROOTS[messageName];
	if (version && Number(version[2]) < 2) {
		throw statementError(
			'BANK_STATEMENT_UNSUPPORTED_VERSION',
			`camt.${version[1]}.001.${version[2]} is not supported (001.02 and later are).`,
			`camt.${version[1]}.001.${version[2]} n'est pas pris en charge (001.02 et suivantes le sont).`,
			{ namespace: doc.namespace },
		);
	}
	const versionName = version ? `camt.${version[1]}.001.${version[2]}` : format;
	return all(doc.node, messageName, statement).map((stmt, s) =>
		readStatement(stmt, format, versionName, s + 1),
	);
}

function readStatement(
	stmt: XmlValue,
	format: 'camt.053' | 'camt.054',
	version: string,
	position: number,
): BankStatement {
	const account = text(stmt, 'Acct', 'Id', 'IBAN') ?? text(stmt, 'Acct', 'Id', 'Othr', 'Id') ?? '';
	const balances = all(stmt, 'Bal');
	let currency =
		text(stmt, 'Acct', 'Ccy') ??
		balances.map((b) => attr(one(b, 'Amt'), 'Ccy')).find(Boolean) ??
		all(stmt, 'Ntry')
			.map((n) => attr(one(n, 'Amt'), 'Ccy'))
			.find(Boolean) ??
		'';
	currency = currency.toUpperCase();
	const where = `statement ${position}`;
	const balance = (...codes: string[]) => {
		for (const code of codes) {
			const b = balances.find(
				(x) => (text(x, 'Tp', 'CdOrPrtry', 'Cd') ?? text(x, 'Tp', 'CdOrPrtry', 'Prtry')) === code,
			);
			if (!b) continue;
			const amount = text(b, 'Amt');
			if (amount === undefined) continue;
			const minor = decimalToMinor(
				amount,
				attr(one(b, 'Amt'), 'Ccy') ?? currency,
				`${where}, balance ${code}`,
			);
			const date = (text(b, 'Dt', 'Dt') ?? text(b, 'Dt', 'DtTm'))?.slice(0, 10);
			return { minor: text(b, 'CdtDbtInd') === 'DBIT' ? -minor : minor, date };
		}
		return undefined;
	};
	const opening = balance('OPBD', 'PRCD', 'OPAV');
	const closing = balance('CLBD', 'CLAV');
	const entries = all(stmt, 'Ntry').map((ntry, i) =>
		readEntry(ntry, currency, `${where}, entry ${i + 1}`, i + 1),
	);
	const result: BankStatement = {
		format,
		version,
		id: text(stmt, 'Id') ?? text(stmt, 'ElctrncSeqNb') ?? `${account}:${position}`,
		account,
		currency,
		openingBalanceMinor: opening?.minor,
		openingDate: opening?.date,
		closingBalanceMinor: closing?.minor,
		closingDate: closing?.date,
		entries,
	};
	return result;
}

const sign = (indicator: string | undefined, minor: bigint): bigint =>
	indicator === 'DBIT' ? -minor : minor;

function readEntry(
	ntry: XmlValue,
	statementCurrency: string,
	where: string,
	index: number,
): BankEntry {
	const amountNode = one(ntry, 'Amt');
	const currency = (attr(amountNode, 'Ccy') ?? statementCurrency).toUpperCase();
	const amountText = text(ntry, 'Amt');
	if (amountText === undefined) {
		throw statementError(
			'BANK_STATEMENT_MISSING_FIELD',
			`${where} has no amount (Amt).`,
			`${where} n'a pas de montant (Amt).`,
			{ where },
		);
	}
	const indicator = text(ntry, 'CdtDbtInd');
	const amountMinor = sign(indicator, decimalToMinor(amountText, currency, where));
	const details = all(ntry, 'NtryDtls', 'TxDtls');
	const txs = details.map((tx, t) =>
		readTransaction(tx, indicator, currency, `${where}, transaction ${t + 1}`),
	);
	const domain = [
		text(ntry, 'BkTxCd', 'Domn', 'Cd'),
		text(ntry, 'BkTxCd', 'Domn', 'Fmly', 'Cd'),
		text(ntry, 'BkTxCd', 'Domn', 'Fmly', 'SubFmlyCd'),
	]
		.filter(Boolean)
		.join('/');
	const entry: BankEntry = {
		index,
		amountMinor,
		currency,
		bookingDate: (text(ntry, 'BookgDt', 'Dt') ?? text(ntry, 'BookgDt', 'DtTm'))?.slice(0, 10),
		valueDate: (text(ntry, 'ValDt', 'Dt') ?? text(ntry, 'ValDt', 'DtTm'))?.slice(0, 10),
		reversal: text(ntry, 'RvslInd') === 'true',
		bankReference: text(ntry, 'AcctSvcrRef') ?? text(ntry, 'NtryRef'),
		transactionCode: domain || text(ntry, 'BkTxCd', 'Prtry', 'Cd'),
		structuredReferences: [],
	};
	if (txs.length === 1) {
		// One payment: its details are the entry's (the entry's amount and currency stay the booked ones).
		const rest: Partial<BankTransaction> = { ...txs[0] };
		delete rest.amountMinor;
		delete rest.currency;
		Object.assign(entry, rest);
	} else if (txs.length > 1) {
		entry.transactions = txs.map((tx) => ({ ...tx, amountMinor: tx.amountMinor ?? 0n }));
	}
	if (!entry.remittance) entry.remittance = undefined;
	return entry;
}

const NOT_PROVIDED = /^NOTPROVIDED$/i;

function readTransaction(
	tx: XmlValue,
	entryIndicator: string | undefined,
	entryCurrency: string,
	where: string,
): BankTransaction {
	const amountNode =
		one(tx, 'AmtDtls', 'TxAmt', 'Amt') ?? one(tx, 'Amt') ?? one(tx, 'AmtDtls', 'InstdAmt', 'Amt');
	const currency = (attr(amountNode, 'Ccy') ?? entryCurrency).toUpperCase();
	const indicator = text(tx, 'CdtDbtInd') ?? entryIndicator;
	const amountText = amountNode === undefined ? undefined : text(amountNode);
	const amountMinor =
		amountText === undefined ? 0n : sign(indicator, decimalToMinor(amountText, currency, where));
	const structuredReferences: StructuredReference[] = all(
		tx,
		'RmtInf',
		'Strd',
		'CdtrRefInf',
	).flatMap((ref) => {
		const reference = text(ref, 'Ref');
		if (!reference) return [];
		const type =
			text(ref, 'Tp', 'CdOrPrtry', 'Cd') ??
			text(ref, 'Tp', 'CdOrPrtry', 'Prtry') ??
			(/^RF\d\d/i.test(reference) ? 'SCOR' : 'UNKNOWN');
		return [{ type, reference }];
	});
	const unstructured = all(tx, 'RmtInf', 'Ustrd')
		.map((u) => text(u))
		.filter((u): u is string => !!u && !NOT_PROVIDED.test(u));
	const additional = all(tx, 'RmtInf', 'Strd', 'AddtlRmtInf')
		.map((u) => text(u))
		.filter((u): u is string => !!u);
	const remittance = (unstructured.length ? unstructured : additional).join(' | ') || undefined;
	const e2e = text(tx, 'Refs', 'EndToEndId');
	const endToEndId = e2e && !NOT_PROVIDED.test(e2e) ? e2e : undefined;
	// The other party: the debtor of a credit, the creditor of a debit; else whichever the bank names.
	const party = (role: 'Dbtr' | 'Cdtr') =>
		text(tx, 'RltdPties', role, 'Nm') ?? text(tx, 'RltdPties', role, 'Pty', 'Nm');
	const partyAccount = (role: 'DbtrAcct' | 'CdtrAcct') =>
		text(tx, 'RltdPties', role, 'Id', 'IBAN') ?? text(tx, 'RltdPties', role, 'Id', 'Othr', 'Id');
	const credit = indicator !== 'DBIT';
	const counterpartyName = credit
		? (party('Dbtr') ?? party('Cdtr'))
		: (party('Cdtr') ?? party('Dbtr'));
	const counterpartyAccount = credit
		? (partyAccount('DbtrAcct') ?? partyAccount('CdtrAcct'))
		: (partyAccount('CdtrAcct') ?? partyAccount('DbtrAcct'));
	const scor = structuredReferences.find((r) => r.type === 'SCOR' || /^RF\d\d/i.test(r.reference));
	return {
		amountMinor,
		currency,
		reference: scor?.reference ?? structuredReferences[0]?.reference ?? endToEndId,
		endToEndId,
		structuredReferences,
		remittance,
		counterpartyName,
		counterpartyAccount,
	};
}
