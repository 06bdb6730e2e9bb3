import { createHash } from 'node:crypto';
import { formatAmount } from '../money';
import type { Ledger } from '../ledger/ledger';
import {
	PayerNameIndex,
	retryTransient,
	type PaymentInput,
	type PaymentOutcome,
	type WriteOffThresholds,
} from '../ledger/payments';
import { storePaymentsBatched } from '../ledger/paymentsBatch';
import { statementError } from './errors';
import { parseBankStatementSync } from './parse';
import type { BankEntry, BankStatement, BankStatementFile, BankTransaction } from './types';

/** A line of a statement that does not become a payment, and why. */
export interface StatementOtherLine {
	statement: string;
	account: string;
	entry: number;
	transaction?: number;
	amountMinor: bigint;
	currency: string;
	bookingDate?: string;
	label?: string;
	/** debit (money out, bank fees included), reversal (a returned credit or debit), zero. */
	reason: 'debit' | 'reversal' | 'zero';
}

export interface StatementPayments {
	payments: PaymentInput[];
	others: StatementOtherLine[];
}

export interface StatementPaymentsOptions {
	/** The payments' source (default `bank`): the same reference from the same source is stored once. */
	source?: string;
}

/** The text a payment's reference is searched in: structured references first, then the free remittance. */
function referenceText(tx: BankTransaction): string | undefined {
	const parts = [
		tx.reference,
		...tx.structuredReferences.map((r) => r.reference),
		tx.remittance,
	].filter((p): p is string => !!p);
	return [...new Set(parts)].join(' ') || undefined;
}

/** The entry's id at the bank, stable across the files that repeat it (a camt.054 then the day's camt.053). */
function entryKey(statement: BankStatement, entry: BankEntry): string {
	const bankRef =
		entry.bankReference && !/^NONREF$/i.test(entry.bankReference) ? entry.bankReference : undefined;
	if (statement.format !== 'cfonb120' && bankRef)
		return `${entry.bookingDate ?? entry.valueDate ?? ''}:${bankRef}`;
	return `${statement.id}#${entry.index}`;
}

/**
 * The payments received in a statement file: credits to the account, one payment per credit (one per transaction
 * of a batch booking whose transactions add up to it). Debits, bank fees and reversals are listed apart, never
 * stored as payments. Each payment's external reference is the account and the bank's id for the line, so a line
 * imported twice (the same file again, or the notification then the statement) is stored once.
 */
export function statementPayments(
	file: BankStatementFile,
	options: StatementPaymentsOptions = {},
): StatementPayments {
	const payments: PaymentInput[] = [];
	const others: StatementOtherLine[] = [];
	for (const statement of file.statements) {
		const account = statement.account.replace(/\s+/g, '');
		for (const entry of statement.entries) {
			const other = (
				reason: StatementOtherLine['reason'],
				tx?: { amountMinor: bigint; currency: string; index?: number },
			) =>
				others.push({
					statement: statement.id,
					account: statement.account,
					entry: entry.index,
					...(tx?.index ? { transaction: tx.index } : {}),
					amountMinor: tx?.amountMinor ?? entry.amountMinor,
					currency: tx?.currency ?? entry.currency,
					bookingDate: entry.bookingDate ?? entry.valueDate,
					label: entry.remittance ?? entry.counterpartyName,
					reason,
				});
			if (entry.reversal) {
				other('reversal');
				continue;
			}
			if (entry.amountMinor <= 0n) {
				other(entry.amountMinor === 0n ? 'zero' : 'debit');
				continue;
			}
			const key = entryKey(statement, entry);
			const txs = entry.transactions ?? [];
			const batchFits =
				txs.length > 1 &&
				txs.every((t) => t.currency === entry.currency) &&
				txs.reduce((a, t) => a + t.amountMinor, 0n) === entry.amountMinor;
			const parts: Array<{ tx: BankTransaction; ref: string; index?: number }> = batchFits
				? txs.map((tx, t) => ({ tx, ref: `${key}/${t + 1}`, index: t + 1 }))
				: [{ tx: entry, ref: key }];
			for (const { tx, ref, index } of parts) {
				if (tx.amountMinor <= 0n) {
					other(tx.amountMinor === 0n ? 'zero' : 'debit', {
						amountMinor: tx.amountMinor,
						currency: tx.currency,
						index,
					});
					continue;
				}
				payments.push({
					source: options.source ?? 'bank',
					externalRef: `${account}:${ref}`,
					amountMinor: tx.amountMinor,
					currency: tx.currency,
					receivedOn: (entry.bookingDate ?? entry.valueDate) as string,
					payerName: tx.counterpartyName ?? entry.counterpartyName ?? null,
					referenceText: referenceText(tx) ?? referenceText(entry) ?? null,
					extra: {
						statement: statement.id,
						account: statement.account,
						entry: entry.index,
						...(index ? { transaction: index } : {}),
						...(tx.counterpartyAccount ? { counterpartyAccount: tx.counterpartyAccount } : {}),
						...(tx.endToEndId ? { endToEndId: tx.endToEndId } : {}),
						...(entry.bankReference ? { bankReference: entry.bankReference } : {}),
						...(tx.structuredReferences.length
							? { structuredReferences: tx.structuredReferences }
							: {}),
					},
				});
			}
		}
	}
	return { payments, others };
}

export interface ImportBankStatementOptions extends StatementPaymentsOptions {
	filename?: string;
	/** Allocate the payments to invoices right away (default true). */
	allocate?: boolean;
	actor?: string;
	/** The company's accounts (IBANs or bank account ids): a statement of another account is refused. */
	accounts?: string[];
	maxBytes?: number;
	/**
	 * Small differences written off per currency ({ EUR: '1.00' }): a payment that pays an invoice it names, less at
	 * most this amount (a bank charge taken by the payer's bank), pays it in full, the difference recorded as a
	 * write-off (never as cash). Default: none.
	 */
	writeOffUpTo?: WriteOffThresholds;
	/** IANA zone of the company (the workflow's time zone): the day allocations made now take effect. Default Europe/Paris. */
	zone?: string;
}

export interface ImportedStatement {
	account: string;
	id: string;
	format: string;
	currency: string;
	entries: number;
	credits: number;
	/** True when this statement had been imported before: its lines were stored then (they come back unchanged). */
	alreadyImported: boolean;
	balanceCheck?: { ok: boolean; differenceMinor: bigint };
	/** FR/EN warning when opening + entries ≠ closing. */
	warning?: { code: string; en: string; fr: string };
}

export interface BankStatementImport {
	format: string;
	statements: ImportedStatement[];
	payments: PaymentOutcome[];
	others: StatementOtherLine[];
}

/**
 * Imports a statement file into the ledger in one transaction: the statements (each account's statement id once),
 * and every credit as a payment, allocated to invoices by the usual rules (never a guess). Debits, fees and reversals
 * are listed in `others`. Importing the same file again changes nothing (statements `alreadyImported`, payments
 * `unchanged`). A file that cannot be read, or a statement of an account not in `accounts`, is refused whole.
 */
export async function importBankStatement(
	ledger: Ledger,
	input: Buffer | string,
	options: ImportBankStatementOptions = {},
): Promise<BankStatementImport> {
	const file = parseBankStatementSync(input, {
		filename: options.filename,
		maxBytes: options.maxBytes,
	});
	if (options.accounts?.length) {
		const known = new Set(options.accounts.map((a) => a.replace(/\s+/g, '').toUpperCase()));
		const unknown = file.statements.find(
			(s) => !known.has(s.account.replace(/\s+/g, '').toUpperCase()),
		);
		if (unknown) {
			throw statementError(
				'BANK_STATEMENT_UNKNOWN_ACCOUNT',
				`The statement is for account ${unknown.account}, which is not one of the company's accounts.`,
				`Le relevé est celui du compte ${unknown.account}, qui n'est pas un des comptes de l'entreprise.`,
				{ account: unknown.account },
				{
					en: 'Add the account to the list of bank accounts of the operation, or import the right file.',
					fr: "Ajoutez le compte à la liste des comptes bancaires de l'opération, ou importez le bon fichier.",
				},
			);
		}
	}
	const sha = createHash('sha256')
		.update(typeof input === 'string' ? Buffer.from(input) : input)
		.digest('hex');
	const { payments, others } = statementPayments(file, options);
	return await retryTransient(() =>
		ledger.transaction(async (client) => {
			const statements: ImportedStatement[] = [];
			for (const s of file.statements) {
				const credits = payments.filter(
					(p) =>
						(p.extra as { statement?: string }).statement === s.id &&
						(p.extra as { account?: string }).account === s.account,
				).length;
				const inserted = await client.query(
					`INSERT INTO bank_statements (account, statement_id, format, currency, opening_minor, opening_date, closing_minor, closing_date,
						balance_ok, difference_minor, entries, credits, file_sha256, file_name)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (account, statement_id) DO NOTHING RETURNING id`,
					[
						s.account,
						s.id,
						s.version,
						s.currency,
						s.openingBalanceMinor?.toString() ?? null,
						s.openingDate ?? null,
						s.closingBalanceMinor?.toString() ?? null,
						s.closingDate ?? null,
						s.balanceCheck?.ok ?? null,
						s.balanceCheck?.differenceMinor.toString() ?? null,
						s.entries.length,
						credits,
						sha,
						options.filename ?? null,
					],
				);
				const check = s.balanceCheck;
				statements.push({
					account: s.account,
					id: s.id,
					format: s.version,
					currency: s.currency,
					entries: s.entries.length,
					credits,
					alreadyImported: inserted.rowCount === 0,
					...(check ? { balanceCheck: check } : {}),
					...(check && !check.ok
						? {
								warning: {
									code: 'BANK_STATEMENT_DOES_NOT_RECONCILE',
									en: `Statement ${s.id} of ${s.account}: opening ${formatAmount(s.openingBalanceMinor!, s.currency || 'EUR')} + entries ≠ closing ${formatAmount(s.closingBalanceMinor!, s.currency || 'EUR')} (difference ${formatAmount(check.differenceMinor, s.currency || 'EUR')} ${s.currency}); check that no line is missing.`,
									fr: `Relevé ${s.id} du compte ${s.account} : solde initial ${formatAmount(s.openingBalanceMinor!, s.currency || 'EUR')} + opérations ≠ solde final ${formatAmount(s.closingBalanceMinor!, s.currency || 'EUR')} (écart ${formatAmount(check.differenceMinor, s.currency || 'EUR')} ${s.currency}) ; vérifiez qu'aucune ligne ne manque.`,
								},
							}
						: {}),
				});
			}
			const outcomes = await storePaymentsBatched(client, payments, {
				allocate: options.allocate,
				actor: options.actor ?? 'bank-statement',
				names: new PayerNameIndex(),
				writeOffUpTo: options.writeOffUpTo,
				zone: options.zone,
			});
			return { format: file.format, statements, payments: outcomes, others };
		}),
	);
}
