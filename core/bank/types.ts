/**
 * A bank statement as the package reads it, whatever the file format (camt.053/054, CFONB 120, MT940).
 * Amounts are exact minor units of their currency, signed from the account holder's side: a credit (money in)
 * is positive, a debit (money out) negative. Dates are calendar dates (YYYY-MM-DD) as the bank wrote them.
 */
export type BankStatementFormat = 'camt.053' | 'camt.054' | 'cfonb120' | 'mt940';

/** A structured remittance reference: ISO 11649 (RF…), a Swiss QR/ISR reference, or another scheme. */
export interface StructuredReference {
	/** SCOR (ISO 11649 creditor reference), QRR (Swiss QR reference), ISR, or the scheme's proprietary code. */
	type: string;
	reference: string;
}

export interface BankTransaction {
	amountMinor: bigint;
	currency: string;
	/** The best reference to match on: a structured creditor reference, else the end-to-end id, else the bank's. */
	reference?: string;
	endToEndId?: string;
	structuredReferences: StructuredReference[];
	/** Free remittance text (camt Ustrd, CFONB LIB/LCC, MT940 :86:). */
	remittance?: string;
	counterpartyName?: string;
	counterpartyAccount?: string;
}

export interface BankEntry extends BankTransaction {
	/** Position of the entry in its statement, from 1. */
	index: number;
	bookingDate?: string;
	valueDate?: string;
	/** True when the bank marks the entry as a reversal (camt RvslInd, MT940 RC/RD). */
	reversal: boolean;
	/** The bank's own id for the entry (camt AcctSvcrRef/NtryRef, MT940 bank reference, CFONB entry number). */
	bankReference?: string;
	/** Bank transaction code (camt domain/family/sub-family or proprietary, CFONB operation code, MT940 type). */
	transactionCode?: string;
	/** The individual payments of a batch booking, when the bank details more than one. */
	transactions?: BankTransaction[];
}

export interface BankStatement {
	format: BankStatementFormat;
	/** The message version, e.g. camt.053.001.08; CFONB120; MT940. */
	version: string;
	/** The statement's own id (camt Stmt/Id, MT940 :20:+:28C:, CFONB account + dates). */
	id: string;
	/** IBAN, or the bank's account number (CFONB: bank, branch and account, separated by spaces). */
	account: string;
	currency: string;
	openingBalanceMinor?: bigint;
	openingDate?: string;
	closingBalanceMinor?: bigint;
	closingDate?: string;
	entries: BankEntry[];
	/**
	 * opening + entries = closing, when the file states both balances: `ok` and the difference
	 * (closing − opening − Σ entries in the statement's currency; entries in another currency are not added).
	 */
	balanceCheck?: { ok: boolean; differenceMinor: bigint };
}

export interface BankStatementFile {
	format: BankStatementFormat;
	statements: BankStatement[];
}

export interface ParseBankStatementOptions {
	/** The file name, used only to say where an error is. */
	filename?: string;
	/** Largest accepted input, bytes (default 50 MB). */
	maxBytes?: number;
}
