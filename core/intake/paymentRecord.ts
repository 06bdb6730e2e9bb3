import { createHash } from 'node:crypto';
import { ReceivablesError } from '../errors';
import type { PaymentInput } from '../ledger/payments';
import { assertCurrency, parseAmount } from '../money';
import { DEFAULT_ZONE, parseCalendarDate } from '../time';
import { anomaly, hasBlocking, type Anomaly } from './anomaly';

/**
 * A payment as a flat record: a bank-statement row or a JSON object from accounting software. Amounts are
 * decimal strings in the currency's unit ("1 234,56"), dates ISO or French (31/12/2026).
 *
 * Fields (aliases in brackets): externalRef [id, transactionId], source, amount [credit], debit, currency,
 * date [receivedOn, valueDate], payerName [payer], reference [referenceText, label], customerId [customerCode],
 * invoiceNumbers (array, or text separated by commas or semicolons).
 */
export interface PaymentRecord {
	externalRef?: unknown;
	source?: unknown;
	amount?: unknown;
	currency?: unknown;
	date?: unknown;
	payerName?: unknown;
	reference?: unknown;
	customerId?: unknown;
	invoiceNumbers?: unknown;
	[key: string]: unknown;
}

function text(value: unknown): string | undefined {
	if (value === null || value === undefined) return undefined;
	const s = String(value).trim();
	return s === '' ? undefined : s;
}

function first(record: PaymentRecord, ...names: string[]): unknown {
	for (const name of names) {
		if (text(record[name]) !== undefined) return record[name];
	}
	return undefined;
}

export interface NormalisePaymentOptions {
	/** Payment source when the record has none (default `bank`). */
	source?: string;
	defaultCurrency?: string;
	/** Zone used for timestamps given as dates (default Europe/Paris). */
	zone?: string;
}

/**
 * Turns a flat payment record into a ledger payment, or says field by field (in French and English) what is
 * wrong and how to fix it. A record without an external reference gets one derived from its content (date,
 * amount, payer, reference), with a warning: two identical lines on the same day would then count once.
 */
export function normalisePaymentRecord(
	record: PaymentRecord,
	options: NormalisePaymentOptions = {},
): { payment?: PaymentInput; anomalies: Anomaly[] } {
	const anomalies: Anomaly[] = [];
	let currency = 'EUR';
	try {
		currency = assertCurrency(text(record.currency) ?? options.defaultCurrency ?? 'EUR');
	} catch {
		anomalies.push(
			anomaly(
				'FIELD_INVALID',
				'block',
				'currency',
				`"${String(record.currency)}" is not a currency code.`,
				`« ${String(record.currency)} » n'est pas un code devise.`,
				'Use a three-letter ISO code such as EUR, MAD or XOF.',
				'Utilisez un code ISO à trois lettres : EUR, MAD, XOF…',
			),
		);
	}
	const debit = text(record.debit);
	const amountValue = first(record, 'amount', 'credit');
	let amountMinor: bigint | undefined;
	if (amountValue === undefined) {
		if (debit !== undefined) {
			anomalies.push(
				anomaly(
					'PAYMENT_NOT_INCOMING',
					'block',
					'debit',
					'This line is a debit (money out), not a customer payment.',
					"Cette ligne est un débit (sortie d'argent), pas un règlement client.",
					'Leave out debit lines (filter the statement on credits).',
					'Écartez les lignes au débit (filtrez le relevé sur les crédits).',
				),
			);
		} else {
			anomalies.push(
				anomaly(
					'FIELD_REQUIRED',
					'block',
					'amount',
					'The payment amount is missing.',
					'Le montant du paiement est absent.',
					'Map the amount (or credit) column of the statement to "amount".',
					'Associez la colonne montant (ou crédit) du relevé au champ « amount ».',
				),
			);
		}
	} else {
		try {
			amountMinor = parseAmount(
				typeof amountValue === 'number' || typeof amountValue === 'string'
					? amountValue
					: String(amountValue),
				currency,
			);
			if (amountMinor < 0n) {
				anomalies.push(
					anomaly(
						'PAYMENT_NOT_INCOMING',
						'block',
						'amount',
						'A negative amount is money out (a debit or a refund), not a customer payment.',
						"Un montant négatif est une sortie d'argent (débit ou remboursement), pas un règlement client.",
						'Leave out debit lines (filter the statement on credits).',
						'Écartez les lignes au débit (filtrez le relevé sur les crédits).',
					),
				);
			} else if (amountMinor === 0n) {
				anomalies.push(
					anomaly(
						'AMOUNT_INVALID',
						'block',
						'amount',
						'A payment of zero pays nothing.',
						'Un paiement de zéro ne règle rien.',
						'Leave out empty lines.',
						'Écartez les lignes vides.',
					),
				);
			}
		} catch (error) {
			const reason = error instanceof ReceivablesError ? error.message : String(error);
			anomalies.push(
				anomaly(
					'AMOUNT_INVALID',
					'block',
					'amount',
					reason,
					`« ${String(amountValue)} » n'est pas un montant valide.`,
					'Write amounts with digits and one decimal separator, e.g. 1234.56 or 1 234,56.',
					'Écrivez les montants avec des chiffres et un seul séparateur décimal, par ex. 1234,56.',
				),
			);
		}
	}
	const dateValue = first(record, 'date', 'receivedOn', 'valueDate');
	let receivedOn: string | undefined;
	if (dateValue === undefined) {
		anomalies.push(
			anomaly(
				'FIELD_REQUIRED',
				'block',
				'date',
				'The payment date is missing.',
				'La date du paiement est absente.',
				'Map the value date (or operation date) of the statement to "date".',
				"Associez la date de valeur (ou d'opération) du relevé au champ « date ».",
			),
		);
	} else {
		receivedOn = parseCalendarDate(dateValue, options.zone ?? DEFAULT_ZONE);
		if (!receivedOn) {
			anomalies.push(
				anomaly(
					'DATE_INVALID',
					'block',
					'date',
					`"${String(dateValue)}" is not a real date.`,
					`« ${String(dateValue)} » n'est pas une date valide.`,
					'Use YYYY-MM-DD or DD/MM/YYYY, and a day that exists in that month.',
					'Utilisez AAAA-MM-JJ ou JJ/MM/AAAA, avec un jour qui existe dans le mois.',
				),
			);
		}
	}
	const numbersValue = record.invoiceNumbers;
	let invoiceNumbers: string[] = [];
	if (Array.isArray(numbersValue))
		invoiceNumbers = numbersValue.map((v) => String(v).trim()).filter(Boolean);
	else if (text(numbersValue) !== undefined)
		invoiceNumbers = String(numbersValue)
			.split(/[,;\n]+/)
			.map((v) => v.trim())
			.filter(Boolean);

	const payerName = text(first(record, 'payerName', 'payer'));
	const referenceText = text(first(record, 'reference', 'referenceText', 'label'));
	const customerExternalId = text(first(record, 'customerId', 'customerCode'));
	const source = text(record.source) ?? options.source ?? 'bank';
	let externalRef = text(first(record, 'externalRef', 'id', 'transactionId'));
	if (hasBlocking(anomalies) || amountMinor === undefined || !receivedOn) return { anomalies };
	if (!externalRef) {
		externalRef = `h:${createHash('sha256')
			.update(
				JSON.stringify([
					receivedOn,
					amountMinor.toString(),
					currency,
					payerName ?? null,
					referenceText ?? null,
					customerExternalId ?? null,
				]),
			)
			.digest('hex')
			.slice(0, 32)}`;
		anomalies.push(
			anomaly(
				'PAYMENT_REF_DERIVED',
				'warn',
				'externalRef',
				'The payment has no transaction id: one was derived from its date, amount, payer and reference. Two identical lines on the same day would count once.',
				"Le paiement n'a pas d'identifiant d'opération : il est déduit de sa date, son montant, son payeur et sa référence. Deux lignes identiques le même jour ne compteraient qu'une fois.",
				'Map the bank transaction id to "externalRef" when the statement has one.',
				"Associez l'identifiant d'opération bancaire au champ « externalRef » quand le relevé en a un.",
			),
		);
	}
	return {
		payment: {
			source,
			externalRef,
			amountMinor,
			currency,
			receivedOn,
			payerName: payerName ?? null,
			referenceText: referenceText ?? null,
			customerExternalId: customerExternalId ?? null,
			invoiceNumbers,
		},
		anomalies,
	};
}
