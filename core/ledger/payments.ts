import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { matchCompanyName, normaliseCompanyName } from '../bank/names';
import { creditorReferencesIn } from '../bank/rf';
import { ReceivablesError } from '../errors';
import { assertCurrency, formatAmount, parseAmount } from '../money';
import { timelineEvent } from '../dunning/timeline-text';
import type { Ledger } from './ledger';
import { DEFAULT_ZONE, todayIn } from '../time';
import { effectiveDate } from './effective';

/**
 * Payments and their allocation to invoices.
 *
 * A payment is stored once per (source, externalRef): the same bank line imported twice changes nothing. It is
 * then allocated, in the same transaction, by rules that never guess:
 *  1. by reference — invoice numbers listed with the payment or found in the transfer text ("FAC-2026-0012",
 *     "FAC 2026 0012", "F2026/12"); several listed invoices are paid oldest first, the last one possibly in part;
 *  2. by amount — for the customer's open invoices: one invoice whose open amount equals the payment, or the
 *     oldest invoices whose open amounts add up exactly to the payment; when more than one reading fits, the
 *     payment is `ambiguous`;
 *  3. by customer — the customer comes from the customer code of the payment, else from a payer name that
 *     matches exactly one customer.
 * What cannot be decided stays `unapplied` or `ambiguous` with a `flag_reason` (a stable code) and the
 * candidates seen, for a person to settle. An overpayment leaves its remainder unapplied
 * (`partially_applied`, flag OVERPAYMENT). A partial payment leaves the invoice open with a reduced balance.
 */

export type PaymentStatus = 'unapplied' | 'partially_applied' | 'applied' | 'ambiguous';
/** How an allocation was decided: by the rules (explicit, reference, amount, oldest_first) or by a person (manual). */
export type AllocationMethod = 'explicit' | 'reference' | 'amount' | 'oldest_first' | 'manual';

/** A payment ready for the ledger: amount in minor units (> 0), date as an ISO calendar date. */
export interface PaymentInput {
	/** Where the payment comes from (bank account, payment provider); default `bank`. */
	source?: string;
	/** The id of the payment at its source (bank transaction id, statement line reference). */
	externalRef: string;
	amountMinor: bigint;
	currency: string;
	receivedOn: string;
	payerName?: string | null;
	/** The transfer text ("VIR SEPA MARTIN FAC-2026-0012"), searched for invoice numbers. */
	referenceText?: string | null;
	/** The customer code, when the source knows it. */
	customerExternalId?: string | null;
	/** Invoice numbers the payment is for, when the source states them. */
	invoiceNumbers?: string[];
	extra?: Record<string, unknown>;
}

export interface PaymentFlag {
	code: string;
	message: { en: string; fr: string };
	/** Invoice numbers that were considered, so a person can settle the payment. */
	candidates?: string[];
}

export interface AllocationLine {
	invoiceId: string;
	invoiceNumber: string;
	amountMinor: bigint;
	method: AllocationMethod;
	/** What is still owed on the invoice after this allocation. */
	invoiceOpenMinor: bigint;
	invoiceStatus: string;
}

/**
 * Emitted once when an allocation brings an invoice's balance to zero. The Reminder Step's thank-you stage
 * takes it as its input: it names the invoice, the customer (code, name, language) and the day it was paid.
 */
export interface InvoicePaidEvent {
	type: 'invoice.paid';
	invoiceId: string;
	invoiceNumber: string;
	issuer: string;
	customerId: string;
	customerExternalId: string;
	customerName: string;
	customerLanguage: 'fr' | 'en';
	currency: string;
	/** The amount the invoice asked for. */
	payableMinor: bigint;
	/** What the payments allocated to it add up to (less than payableMinor when a credit note reduced it). */
	paidMinor: bigint;
	/** The receipt date of the payment that completed it (YYYY-MM-DD). */
	paidOn: string;
	/** Every payment allocated to the invoice. */
	paymentIds: string[];
}

export interface AllocationResult {
	paymentId: string;
	status: PaymentStatus;
	customerId: string | null;
	customerExternalId: string | null;
	currency: string;
	amountMinor: bigint;
	unappliedMinor: bigint;
	/** Allocations made by this call (empty when nothing changed). */
	allocations: AllocationLine[];
	flag?: PaymentFlag;
	paid: InvoicePaidEvent[];
	/** Small differences written off by this call (see writeOffUpTo). */
	writeOffs?: WriteOffLine[];
	/** Whether this call changed the ledger. */
	changed: boolean;
}

export interface WriteOffLine {
	writeOffId: string;
	invoiceId: string;
	invoiceNumber: string;
	amountMinor: bigint;
	currency: string;
	effectiveOn: string;
}

/**
 * Small-difference write-off: when a payment is used up and leaves an invoice open by at most this amount (per
 * currency, decimal: {"EUR": "1.00", "XOF": "500"}), the difference is written off — recorded as a write-off fact
 * (table write_offs, history kind "write_off"), never as cash — and the invoice is paid. Currencies not named:
 * no write-off.
 */
export type WriteOffThresholds = Record<string, string>;

/**
 * Reads write-off thresholds written as "EUR=1.00, XOF=500" (or an object { EUR: "1.00" }); empty: none. Throws
 * PAYMENT_WRITE_OFF_INVALID naming the faulty entry.
 */
export function parseWriteOffThresholds(input: unknown): WriteOffThresholds | undefined {
	if (input === undefined || input === null || input === '') return undefined;
	const entries: Array<[string, unknown]> =
		typeof input === 'string'
			? input
					.split(/[,;\n]/)
					.map((part) => part.trim())
					.filter(Boolean)
					.map((part) => {
						const [currency, amount] = part.split(/\s*[=:]\s*/);
						return [currency ?? '', amount];
					})
			: typeof input === 'object' && !Array.isArray(input)
				? Object.entries(input as Record<string, unknown>)
				: [['?', input]];
	const out: WriteOffThresholds = {};
	for (const [currency, amount] of entries) {
		let valid = false;
		try {
			const code = assertCurrency(currency.trim().toUpperCase());
			valid = parseAmount(amount, code) >= 0n;
			if (valid) out[code] = String(amount).trim();
		} catch {
			valid = false;
		}
		if (!valid) {
			throw new ReceivablesError(
				'PAYMENT_WRITE_OFF_INVALID',
				`"${currency}=${String(amount)}" is not a write-off threshold.`,
				{
					hint: 'Write one currency and amount per entry, e.g. EUR=1.00, XOF=500.',
				},
			);
		}
	}
	return Object.keys(out).length ? out : undefined;
}

export interface PaymentOutcome {
	/** Position of the payment in the input array. */
	index: number;
	status: 'created' | 'unchanged' | 'rejected';
	source: string;
	externalRef: string;
	paymentId?: string;
	allocation?: AllocationResult;
	/** Why the payment was rejected, in English (message, hint) and French (messageFr, hintFr). */
	error?: { code: string; message: string; hint?: string; messageFr?: string; hintFr?: string };
}

/** The zone and instant that date what an allocation writes (see allocationDay). */
export interface AllocationClock {
	/** IANA zone of the company (the workflow's time zone); default Europe/Paris. */
	zone?: string;
	/** The instant of the allocation (default: now). */
	now?: Date;
}

export interface StorePaymentsOptions extends AllocationClock {
	/** Allocate new payments right away (default true). */
	allocate?: boolean;
	/** Payments per transaction (default 200); each payment is its own savepoint. */
	batchSize?: number;
	actor?: string;
	/** Small differences written off at allocation, per currency (default: none). */
	writeOffUpTo?: WriteOffThresholds;
}

export const DEFAULT_SOURCE = 'bank';
const TRANSIENT = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

function hash(parts: unknown[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The business content of a payment, hashed: the same bank line imported twice has the same hash. */
export function paymentContentHash(payment: PaymentInput): string {
	return hash([
		payment.source ?? DEFAULT_SOURCE,
		payment.externalRef,
		payment.amountMinor.toString(),
		payment.currency,
		payment.receivedOn,
		payment.payerName ?? null,
		payment.referenceText ?? null,
		payment.customerExternalId ?? null,
		[...(payment.invoiceNumbers ?? [])].sort(),
	]);
}

// ---------------------------------------------------------------------------------------------------------------
// Invoice numbers in transfer references

/** An invoice number as banks keep it: letters and digits only, upper case ("FAC-2026-0012" → "FAC20260012"). */
export function invoiceNumberKey(number: string): string {
	return number.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

/** Letter and digit groups with leading zeros dropped ("FAC-2026-0012" and "FAC 2026 12" → "FAC|2026|12"). */
export function looseInvoiceNumberKey(number: string): string {
	return (number.toUpperCase().match(/[A-Z]+|[0-9]+/g) ?? [])
		.map((g) => (/^[0-9]/.test(g) ? g.replace(/^0+(?=\d)/, '') : g))
		.join('|');
}

const MAX_SPAN_RUNS = 5;

/** Amounts ("1 234,50", "1234.50") and dates ("05/10/2026") standing on their own are not invoice numbers. */
const AMOUNT_OR_DATE =
	/(?<![A-Za-z0-9])(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:[.,]\d{1,3})?|\d+[.,]\d{1,3})(?![A-Za-z0-9])/g;

export interface ReferenceCandidates {
	/** Invoice-number keys (see invoiceNumberKey) the text may contain. */
	keys: string[];
	/** The keys made only of digits: they may be something else (an account, an order), so they are weak. */
	weakKeys: string[];
	/** The same spans as loose keys (see looseInvoiceNumberKey). */
	looseKeys: string[];
}

/**
 * The strings of a transfer reference that could be an invoice number: every run of letters and digits, and
 * runs joined across short separators ("FAC 2026 0012", "F2026/12"). A span must contain a digit. Amounts and
 * dates standing alone are left out; spans made only of digits are joined only across "-" or "/".
 */
export function referenceCandidates(text: string): ReferenceCandidates {
	const cleaned = text.replace(AMOUNT_OR_DATE, (m) => ' '.repeat(m.length));
	const runs: Array<{ value: string; sepBefore: string }> = [];
	const re = /[A-Za-z0-9]+/g;
	let last = 0;
	let m: RegExpExecArray | null;
	while ((m = re.exec(cleaned)) !== null) {
		runs.push({ value: m[0].toUpperCase(), sepBefore: cleaned.slice(last, m.index) });
		last = m.index + m[0].length;
	}
	const keys = new Set<string>();
	const looseKeys = new Set<string>();
	for (let i = 0; i < runs.length; i++) {
		let key = '';
		let digitsOnlyJoinOk = true;
		const parts: string[] = [];
		for (let j = i; j < Math.min(runs.length, i + MAX_SPAN_RUNS); j++) {
			if (j > i) {
				const sep = runs[j].sepBefore;
				if (!/^[\s\-/._#:]{1,3}$/.test(sep)) break;
				if (!/^[-/]$/.test(sep)) digitsOnlyJoinOk = false;
			}
			key += runs[j].value;
			parts.push(runs[j].value);
			if (key.length > 40) break;
			if (key.length < 3 || !/[0-9]/.test(key)) continue;
			if (j > i && /^[0-9]+$/.test(key) && !digitsOnlyJoinOk) continue;
			keys.add(key);
			looseKeys.add(looseInvoiceNumberKey(parts.join(' ')));
		}
	}
	return {
		keys: [...keys],
		weakKeys: [...keys].filter((k) => /^[0-9]+$/.test(k)),
		looseKeys: [...looseKeys],
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Flags

export function flag(code: string, en: string, fr: string, candidates?: string[]): PaymentFlag {
	return candidates && candidates.length
		? { code, message: { en, fr }, candidates }
		: { code, message: { en, fr } };
}

// ---------------------------------------------------------------------------------------------------------------
// Allocation

export interface PaymentRow {
	id: string;
	source: string;
	external_ref: string;
	customer_id: string | null;
	amount_minor: string;
	unapplied_minor: string;
	currency: string;
	received_on: string;
	payer_name: string | null;
	reference_text: string | null;
	status: PaymentStatus;
	flag_reason: string | null;
	flag_details: { code?: string; message?: { en: string; fr: string }; candidates?: string[] };
	extra: { customerCode?: string; invoiceNumbers?: string[]; counterpartyAccount?: string };
	/** When the payment was recorded in the ledger. */
	created_at: Date;
}

/** A payment being allocated, with the day what is written for it now takes effect (allocations, credit-note links). */
export type DatedPayment = PaymentRow & { appliesOn: string };

/**
 * The day an allocation made at `now` takes effect in the balance, in the company's zone (never the database
 * server's): the payment's value date when it is allocated the day it was recorded (bank statements, webhooks),
 * else that day (an unapplied payment allocated later does not rewrite the past), never before the value date.
 */
export function allocationDay(
	payment: { received_on: string; created_at: Date },
	zone?: string,
	now: Date = new Date(),
): string {
	const z = zone || DEFAULT_ZONE;
	const today = todayIn(z, now);
	if (today <= todayIn(z, payment.created_at)) return payment.received_on;
	return today > payment.received_on ? today : payment.received_on;
}

/**
 * Runs `work` with the transaction's effective day (receivables.effective_on: the day the payment's new status takes
 * effect, trigger payment_state_kept) set to `day`, then puts back what it was: the next payment of the same
 * transaction is dated on its own.
 */
async function withEffectiveDay<T>(
	client: PoolClient,
	day: string,
	work: () => Promise<T>,
): Promise<T> {
	const before = await client.query<{ v: string | null }>(
		"SELECT current_setting('receivables.effective_on', true) AS v",
	);
	await client.query("SELECT set_config('receivables.effective_on', $1, true)", [day]);
	const result = await work();
	await client.query("SELECT set_config('receivables.effective_on', $1, true)", [
		before.rows[0]?.v ?? '',
	]);
	return result;
}

export interface InvoiceRow {
	id: string;
	number: string;
	issuer: string;
	customer_id: string;
	currency: string;
	open_minor: string;
	status: string;
	due_date: string;
	issue_date: string;
}

export const INVOICE_COLUMNS =
	'i.id, i.number, i.issuer, i.customer_id, i.currency, i.open_minor, i.status, i.due_date::text, i.issue_date::text';

export function oldestFirst(a: InvoiceRow, b: InvoiceRow): number {
	return (
		a.due_date.localeCompare(b.due_date) ||
		a.issue_date.localeCompare(b.issue_date) ||
		Number(BigInt(a.id) - BigInt(b.id))
	);
}

function describeInvoices(rows: InvoiceRow[]): string[] {
	return rows.map(
		(r) => `${r.number} (${formatAmount(BigInt(r.open_minor), r.currency)} ${r.currency})`,
	);
}

/**
 * Caches customer names for payer-name matching within one call. Names are compared as banks write them: case,
 * accents, punctuation and legal forms (SA, SAS, SARL, GmbH, Ltd …) set aside ("HOTEL DES ALPES" is "Hôtel des Alpes
 * SAS"); a name that still differs counts only when it is very close to one customer's and not to another's.
 */
export class PayerNameIndex {
	private names?: Map<string, string[]>;

	static normalise(name: string): string {
		return normaliseCompanyName(name);
	}

	private async load(client: PoolClient): Promise<Map<string, string[]>> {
		if (!this.names) {
			this.names = new Map();
			const rows = await client.query<{ id: string; name: string; legal_name: string | null }>(
				'SELECT id, name, legal_name FROM customers',
			);
			for (const row of rows.rows) {
				const list = [
					...new Set(
						[row.name, row.legal_name]
							.filter((v): v is string => !!v)
							.map(PayerNameIndex.normalise),
					),
				].filter(Boolean);
				if (list.length) this.names.set(row.id, list);
			}
		}
		return this.names;
	}

	async lookup(client: PoolClient, payerName: string): Promise<string[]> {
		return (await this.match(client, payerName)).ids;
	}

	/** The customers the name designates for sure (ids), and the close ones for a person (candidates). */
	async match(
		client: PoolClient,
		payerName: string,
	): Promise<{ ids: string[]; candidates: Array<{ id: string; name: string; score: number }> }> {
		const { ids, candidates } = matchCompanyName(payerName, await this.load(client));
		return { ids, candidates };
	}
}

/** The customer a payer's bank account was learned for, unless the account paid for several customers. */
async function customerOfAccount(
	client: PoolClient,
	account: string | undefined,
): Promise<string | undefined> {
	if (!account) return undefined;
	const rows = await client.query<{ customer_id: string }>(
		'SELECT customer_id FROM customer_bank_accounts WHERE account = $1 AND NOT shared',
		[normaliseAccount(account)],
	);
	return rows.rows[0]?.customer_id;
}

/** IBANs and account numbers compared without spaces, upper case. */
export function normaliseAccount(account: string): string {
	return account.replace(/\s+/g, '').toUpperCase();
}

/**
 * Remembers that a bank account paid for a customer, so the next payment from it finds its customer even when its
 * label names none. An account already learned for another customer becomes shared and identifies nobody.
 */
export async function learnPayerAccount(
	client: PoolClient,
	account: string | undefined,
	customerId: string,
	paymentId: string,
	actor: string,
): Promise<void> {
	if (!account) return;
	const key = normaliseAccount(account);
	if (!key) return;
	await client.query(
		`INSERT INTO customer_bank_accounts (account, customer_id, learned_from, learned_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account) DO UPDATE SET shared = customer_bank_accounts.shared OR customer_bank_accounts.customer_id <> EXCLUDED.customer_id`,
		[key, customerId, paymentId, actor],
	);
}

/** The customer a person settled a payer name for (Apply Payment), unless the name was settled for several. */
async function customerOfPayerName(
	client: PoolClient,
	payerName: string | null,
): Promise<string | undefined> {
	const key = payerName ? normaliseCompanyName(payerName) : '';
	if (!key) return undefined;
	const rows = await client.query<{ customer_id: string }>(
		'SELECT customer_id FROM customer_payer_names WHERE name_key = $1 AND NOT shared',
		[key],
	);
	return rows.rows[0]?.customer_id;
}

/**
 * Remembers the payer name of a payment a person settled for a customer, so the next payment under that name finds
 * its customer. A name already learned for another customer becomes shared and identifies nobody.
 */
export async function learnPayerName(
	client: PoolClient,
	payerName: string | null,
	customerId: string,
	paymentId: string,
	actor: string,
): Promise<void> {
	const key = payerName ? normaliseCompanyName(payerName) : '';
	if (!key) return;
	await client.query(
		`INSERT INTO customer_payer_names (name_key, customer_id, payer_name, learned_from, learned_by) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (name_key) DO UPDATE SET shared = customer_payer_names.shared OR customer_payer_names.customer_id <> EXCLUDED.customer_id`,
		[key, customerId, payerName, paymentId, actor],
	);
}

export interface Plan {
	lines: Array<{ invoice: InvoiceRow; amount: bigint; method: AllocationMethod }>;
	customerId: string | null;
	flag?: PaymentFlag;
	ambiguous?: boolean;
}

async function lockOpenInvoicesOf(
	client: PoolClient,
	customerId: string,
	currency: string,
): Promise<InvoiceRow[]> {
	const rows = await client.query<InvoiceRow>(
		`SELECT ${INVOICE_COLUMNS} FROM invoices i
		WHERE i.customer_id = $1 AND i.currency = $2 AND i.doc_type = 'invoice' AND i.status = 'open' AND i.open_minor > 0
		ORDER BY i.id FOR UPDATE`,
		[customerId, currency],
	);
	return rows.rows.sort(oldestFirst);
}

/** The open invoices of one customer in one currency, oldest first, as the amount rules read them. */
export interface OpenInvoices {
	count(): number;
	/** The open invoices whose open amount is exactly `amount`, oldest first. */
	withAmount(amount: bigint): InvoiceRow[];
	oldestFirst(): Iterable<InvoiceRow>;
	all(): InvoiceRow[];
}

/** Open invoices given as a list sorted oldest first. */
export function openInvoiceList(rows: InvoiceRow[]): OpenInvoices {
	return {
		count: () => rows.length,
		withAmount: (amount) => rows.filter((row) => BigInt(row.open_minor) === amount),
		oldestFirst: () => rows,
		all: () => rows,
	};
}

export type CitedCreditNoteRow = {
	id: string;
	number: string;
	customer_id: string;
	currency: string;
	payable_minor: string;
	credited_invoice_id: string | null;
	status: string;
};

/**
 * What the allocation rules read to decide: from the ledger one question at a time (ledgerReader), or from what a
 * statement's batch loaded at once (see batch.ts). Invoices come back locked (FOR UPDATE) in both.
 */
export interface AllocationReader {
	customerIdOfCode(code: string): Promise<string | null>;
	/** The invoices (doc_type invoice) whose number key is one of `keys`, in id order. */
	invoicesByKeys(keys: string[]): Promise<InvoiceRow[]>;
	openInvoicesOf(customerId: string, currency: string): Promise<OpenInvoices>;
	/** The credit notes whose number key is one of `keys`, in id order. */
	creditNotesByKeys(keys: string[]): Promise<CitedCreditNoteRow[]>;
	/** The customer's open credit notes not linked to an invoice, oldest first, at most MAX_DEDUCTION_CREDIT_NOTES. */
	openCreditNotesOf(customerId: string, currency: string): Promise<CreditNoteRow[]>;
	customerOfAccount(account: string | undefined): Promise<string | undefined>;
	customerOfPayerName(payerName: string | null): Promise<string | undefined>;
	matchPayerName(
		payerName: string,
	): Promise<{ ids: string[]; candidates: Array<{ id: string; name: string; score: number }> }>;
	customerLabels(ids: string[]): Promise<string[]>;
}

/** What the rules need while planning one payment: the reader, and the client for the rare plans that write (credit-note links). */
interface PlanContext {
	client: PoolClient;
	reader: AllocationReader;
}

/** The reader that asks the ledger each question as it comes. */
export function ledgerReader(client: PoolClient, names: PayerNameIndex): AllocationReader {
	return {
		async customerIdOfCode(code) {
			const rows = await client.query<{ id: string }>(
				'SELECT id FROM customers WHERE external_id = $1',
				[code],
			);
			return rows.rows[0]?.id ?? null;
		},
		async invoicesByKeys(keys) {
			// Locked in id order: concurrent allocations wait for each other instead of deadlocking.
			return (
				await client.query<InvoiceRow>(
					`SELECT ${INVOICE_COLUMNS} FROM invoices i
				WHERE i.doc_type = 'invoice' AND upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) = ANY($1::text[])
				ORDER BY i.id FOR UPDATE`,
					[keys],
				)
			).rows;
		},
		openInvoicesOf: async (customerId, currency) =>
			openInvoiceList(await lockOpenInvoicesOf(client, customerId, currency)),
		async creditNotesByKeys(keys) {
			return (
				await client.query<CitedCreditNoteRow>(
					`SELECT cn.id, cn.number, cn.customer_id, cn.currency::text AS currency, cn.payable_minor, cn.credited_invoice_id, cn.status FROM invoices cn
				WHERE cn.doc_type = 'credit_note' AND upper(regexp_replace(cn.number, '[^A-Za-z0-9]', '', 'g')) = ANY($1::text[]) ORDER BY cn.id FOR UPDATE`,
					[keys],
				)
			).rows;
		},
		async openCreditNotesOf(customerId, currency) {
			return (
				await client.query<CreditNoteRow>(
					`SELECT cn.id, cn.number, cn.payable_minor FROM invoices cn
				WHERE cn.customer_id = $1 AND cn.currency = $2 AND cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NULL AND cn.credited_number IS NULL
					AND cn.status = 'open' AND cn.payable_minor > 0
				ORDER BY cn.issue_date, cn.id LIMIT $3 FOR UPDATE`,
					[customerId, currency, MAX_DEDUCTION_CREDIT_NOTES],
				)
			).rows;
		},
		customerOfAccount: (account) => customerOfAccount(client, account),
		customerOfPayerName: (payerName) => customerOfPayerName(client, payerName),
		matchPayerName: (payerName) => names.match(client, payerName),
		customerLabels: (ids) => customerLabels(client, ids),
	};
}

function spread(amount: bigint, invoices: InvoiceRow[], method: AllocationMethod): Plan['lines'] {
	const lines: Plan['lines'] = [];
	let remaining = amount;
	for (const invoice of invoices) {
		if (remaining <= 0n) break;
		const open = BigInt(invoice.open_minor);
		const take = open < remaining ? open : remaining;
		if (take > 0n) lines.push({ invoice, amount: take, method });
		remaining -= take;
	}
	return lines;
}

async function planByReference(
	ctx: PlanContext,
	payment: DatedPayment,
	amount: bigint,
	statedCustomerId: string | null,
): Promise<Plan | undefined> {
	// An ISO 11649 creditor reference (RF…) in the transfer text names its invoice as surely as a stated number.
	const explicit = [
		...(payment.extra.invoiceNumbers ?? []),
		...(payment.reference_text ? creditorReferencesIn(payment.reference_text) : []),
	];
	const fromText: ReferenceCandidates = payment.reference_text
		? referenceCandidates(payment.reference_text)
		: { keys: [], weakKeys: [], looseKeys: [] };
	const explicitKeys = [...new Set(explicit.map(invoiceNumberKey).filter(Boolean))];
	const keys = [...new Set([...explicitKeys, ...fromText.keys])];
	let found: InvoiceRow[] = [];
	if (keys.length) {
		const rows = { rows: await ctx.reader.invoicesByKeys(keys) };
		// A number made only of digits found in free text may be anything (an order, an account): it counts only
		// when the invoice is the stated customer's or its open amount is exactly the payment.
		const weak = new Set(fromText.weakKeys.filter((k) => !explicitKeys.includes(k)));
		found = rows.rows.filter(
			(row) =>
				!weak.has(invoiceNumberKey(row.number)) ||
				row.customer_id === statedCustomerId ||
				BigInt(row.open_minor) === amount,
		);
	}
	const explicitSet = new Set(explicitKeys);
	const methodOf = (row: InvoiceRow): AllocationMethod =>
		explicitSet.has(invoiceNumberKey(row.number)) ? 'explicit' : 'reference';
	if (found.length === 0 && statedCustomerId && fromText.looseKeys.length) {
		// Numbers written without their leading zeros ("FAC-2026-12" for FAC-2026-0012): only among this
		// customer's open invoices, and only when the reading is unique.
		const loose = new Set(fromText.looseKeys);
		const open = (await ctx.reader.openInvoicesOf(statedCustomerId, payment.currency)).all();
		found = open.filter((row) => loose.has(looseInvoiceNumberKey(row.number)));
		if (found.length > 1) {
			return {
				lines: [],
				customerId: statedCustomerId,
				ambiguous: true,
				flag: flag(
					'REFERENCE_SEVERAL_INVOICES',
					`The reference "${payment.reference_text}" could mean several invoices.`,
					`La référence « ${payment.reference_text} » peut désigner plusieurs factures.`,
					describeInvoices(found),
				),
			};
		}
	}
	if (found.length === 0) {
		if (explicitKeys.length === 0) return undefined;
		// The payment says which invoices it pays: matching it by amount to others would be a guess.
		return {
			lines: [],
			customerId: statedCustomerId,
			flag: flag(
				'INVOICE_NOT_FOUND',
				`The invoices the payment is for (${explicit.join(', ')}) are not in the ledger.`,
				`Les factures que le paiement règle (${explicit.join(', ')}) ne sont pas dans le grand livre.`,
				explicit,
			),
		};
	}

	let matched = found;
	if (statedCustomerId) {
		matched = found.filter((row) => row.customer_id === statedCustomerId);
		if (matched.length === 0) {
			return {
				lines: [],
				customerId: statedCustomerId,
				ambiguous: true,
				flag: flag(
					'REFERENCE_OTHER_CUSTOMER',
					"The invoice numbers in the reference belong to another customer than the payment's customer code.",
					'Les numéros de facture de la référence appartiennent à un autre client que celui du code client du paiement.',
					found.map((r) => r.number),
				),
			};
		}
	}
	const inCurrency = matched.filter((row) => row.currency === payment.currency);
	if (inCurrency.length === 0) {
		return {
			lines: [],
			customerId: statedCustomerId,
			flag: flag(
				'CURRENCY_MISMATCH',
				`The referenced invoices are not in ${payment.currency}.`,
				`Les factures citées ne sont pas en ${payment.currency}.`,
				matched.map((r) => `${r.number} (${r.currency})`),
			),
		};
	}
	const customers = [...new Set(inCurrency.map((row) => row.customer_id))];
	if (customers.length > 1) {
		return {
			lines: [],
			customerId: null,
			ambiguous: true,
			flag: flag(
				'REFERENCE_SEVERAL_CUSTOMERS',
				'The reference names invoices of several customers.',
				'La référence cite des factures de plusieurs clients.',
				inCurrency.map((r) => r.number),
			),
		};
	}
	const customerId = customers[0];
	const open = inCurrency
		.filter((row) => row.status === 'open' && BigInt(row.open_minor) > 0n)
		.sort(oldestFirst);
	if (open.length === 0) {
		return {
			lines: [],
			customerId,
			flag: flag(
				'REFERENCED_INVOICES_SETTLED',
				'The invoices named in the reference are already paid or credited: this may be a double payment.',
				'Les factures citées dans la référence sont déjà payées ou soldées par avoir : il peut s’agir d’un double paiement.',
				inCurrency.map((r) => r.number),
			),
		};
	}
	if (fromText.keys.length) {
		const deducted = await applyCitedCreditNotes(
			ctx,
			payment,
			amount,
			customerId,
			open,
			fromText.keys,
			new Set(inCurrency.map((r) => r.id)),
		);
		if (deducted) return deducted;
	}
	const lines = open.map((invoice) => ({ invoice, amount: 0n, method: methodOf(invoice) }));
	let remaining = amount;
	for (const line of lines) {
		const openMinor = BigInt(line.invoice.open_minor);
		line.amount = openMinor < remaining ? openMinor : remaining;
		remaining -= line.amount;
	}
	return { lines: lines.filter((l) => l.amount > 0n), customerId };
}

/** Open invoices searched for combinations, at most; a customer with more keeps its payment for a person. */
const MAX_COMBINATION_INVOICES = 24;
/** Search steps at most; past them the search stops and reports nothing (never a partial, unsure answer). */
const MAX_COMBINATION_STEPS = 200_000;

/**
 * Every set of two or more open invoices whose open amounts add up exactly to the amount (at most two are reported:
 * one is the answer, two mean it is ambiguous). Bounded in invoices and steps; when the bound is hit the answer is
 * "none", so the payment stays unapplied rather than guessed.
 */
export function exactCombinations<T extends { open_minor: string }>(
	open: T[],
	amount: bigint,
): T[][] {
	if (open.length < 2 || open.length > MAX_COMBINATION_INVOICES) return [];
	const values = open.map((row) => BigInt(row.open_minor));
	const sorted = values
		.map((v, i) => ({ v, i }))
		.sort((a, b) => (a.v > b.v ? -1 : a.v < b.v ? 1 : 0));
	const suffix: bigint[] = new Array(sorted.length + 1).fill(0n);
	for (let k = sorted.length - 1; k >= 0; k--) suffix[k] = suffix[k + 1] + sorted[k].v;
	const found: number[][] = [];
	let steps = 0;
	const chosen: number[] = [];
	const walk = (k: number, rest: bigint): boolean => {
		if (++steps > MAX_COMBINATION_STEPS) return false;
		if (rest === 0n) {
			if (chosen.length >= 2) found.push([...chosen]);
			return found.length < 2;
		}
		if (k >= sorted.length || rest < 0n || suffix[k] < rest) return true;
		chosen.push(sorted[k].i);
		if (!walk(k + 1, rest - sorted[k].v)) return false;
		chosen.pop();
		return walk(k + 1, rest);
	};
	const complete = walk(0, amount);
	if (!complete && found.length < 2) return [];
	return found.map((indexes) => indexes.sort((a, b) => a - b).map((i) => open[i]));
}

/**
 * A grouped payment whose label cites credit notes not yet linked to an invoice ("FAC-12 FAC-13 MOINS AV-2026-0007"):
 * the customer paid the invoices less the credit notes. When the payment plus the cited credit notes is exactly what
 * the cited invoices owe, each credit note is linked to one of them (oldest first, one that owes at least the credit
 * note) and takes effect the day the payment does; the invoices are then paid in full. Otherwise (the sums differ, a
 * credit note of another customer or currency, one already linked) nothing is allocated and the payment is flagged
 * for a person, so the deducted amount is not left open and dunned. Undefined when the label cites no credit note.
 */
async function applyCitedCreditNotes(
	ctx: PlanContext,
	payment: DatedPayment,
	amount: bigint,
	customerId: string,
	open: InvoiceRow[],
	keys: string[],
	citedInvoiceIds: Set<string>,
): Promise<Plan | undefined> {
	const rows = await ctx.reader.creditNotesByKeys(keys);
	// A credit note already applied to one of the invoices named is already in what they owe.
	const cited = rows.filter(
		(c) => c.credited_invoice_id === null || !citedInvoiceIds.has(c.credited_invoice_id),
	);
	if (cited.length === 0) return undefined;
	const numbers = cited.map((c) => c.number);
	const forPerson = (code: string, en: string, fr: string): Plan => ({
		lines: [],
		customerId,
		flag: flag(code, en, fr, [...open.map((r) => r.number), ...numbers]),
	});
	const unusable = cited.filter(
		(c) =>
			c.customer_id !== customerId ||
			c.currency !== payment.currency ||
			c.credited_invoice_id !== null ||
			c.status === 'cancelled',
	);
	if (unusable.length) {
		return forPerson(
			'CREDIT_NOTE_IN_REFERENCE_UNUSABLE',
			`The reference deducts credit note(s) ${unusable.map((c) => c.number).join(', ')}, which are already applied or belong to another customer or currency: to settle by hand.`,
			`La référence déduit le(s) avoir(s) ${unusable.map((c) => c.number).join(', ')}, déjà imputé(s) ou d'un autre client ou d'une autre devise : à régler à la main.`,
		);
	}
	const owed = open.reduce((sum, r) => sum + BigInt(r.open_minor), 0n);
	const credit = cited.reduce((sum, c) => sum + BigInt(c.payable_minor), 0n);
	const unit = (v: bigint) => `${formatAmount(v, payment.currency)} ${payment.currency}`;
	if (amount + credit !== owed) {
		return forPerson(
			'CREDIT_NOTE_IN_REFERENCE_MISMATCH',
			`The payment (${unit(amount)}) plus the credit notes it deducts (${unit(credit)}) is not what the invoices it names owe (${unit(owed)}): to settle by hand.`,
			`Le paiement (${unit(amount)}) plus les avoirs qu'il déduit (${unit(credit)}) ne font pas le reste dû des factures citées (${unit(owed)}) : à régler à la main.`,
		);
	}
	return await deductCreditNotes(
		ctx.client,
		payment,
		customerId,
		open,
		cited,
		'reference',
		forPerson,
	);
}

export type CreditNoteRow = { id: string; number: string; payable_minor: string };

/**
 * Links each credit note to one of the invoices (the largest first, to an invoice that still owes at least the
 * credit note), taking effect the day the payment does, and plans the payment over what the invoices then owe.
 * Exactly what they owe: the caller checked the sums. A credit note larger than what any invoice owes goes to a person.
 */
async function deductCreditNotes(
	client: PoolClient,
	payment: DatedPayment,
	customerId: string,
	open: InvoiceRow[],
	notes: CreditNoteRow[],
	method: AllocationMethod,
	forPerson: (code: string, en: string, fr: string) => Plan,
): Promise<Plan> {
	const unit = (v: bigint) => `${formatAmount(v, payment.currency)} ${payment.currency}`;
	const left = new Map(open.map((r) => [r.id, BigInt(r.open_minor)]));
	const links: Array<{ cn: CreditNoteRow; invoice: InvoiceRow }> = [];
	for (const cn of [...notes].sort((a, b) =>
		Number(BigInt(b.payable_minor) - BigInt(a.payable_minor)),
	)) {
		const invoice = open.find((r) => (left.get(r.id) ?? 0n) >= BigInt(cn.payable_minor));
		if (!invoice) {
			return forPerson(
				'CREDIT_NOTE_IN_REFERENCE_MISMATCH',
				`Credit note ${cn.number} (${unit(BigInt(cn.payable_minor))}) is larger than what any invoice named still owes: to settle by hand.`,
				`L'avoir ${cn.number} (${unit(BigInt(cn.payable_minor))}) dépasse le reste dû de chacune des factures citées : à régler à la main.`,
			);
		}
		left.set(invoice.id, (left.get(invoice.id) ?? 0n) - BigInt(cn.payable_minor));
		links.push({ cn, invoice });
	}
	for (const { cn, invoice } of links) {
		// The link takes effect when the payment does: its value date when allocated the day it is recorded, else today
		// (in the company's zone, see allocationDay).
		await client.query(
			`UPDATE invoices cn SET credited_invoice_id = $2, open_minor = 0, status = 'credited', updated_at = now(), credited_on = $3::date
			WHERE cn.id = $1`,
			[cn.id, invoice.id, payment.appliesOn],
		);
		await client.query(
			`UPDATE invoices SET open_minor = open_minor - $2::bigint, status = CASE WHEN open_minor - $2::bigint <= 0 THEN 'credited' ELSE status END, updated_at = now() WHERE id = $1`,
			[invoice.id, cn.payable_minor],
		);
		const cnEvent = timelineEvent('credit_note_applied', {
			creditNote: cn.number,
			invoice: invoice.number,
			payment: `${payment.source}/${payment.external_ref}`,
		});
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload) VALUES ($1, $2, 'credit_note_applied', 'allocation', $3, $4)`,
			[
				customerId,
				invoice.id,
				cnEvent.summary,
				JSON.stringify({
					creditNote: cn.number,
					amountMinor: cn.payable_minor,
					paymentId: payment.id,
					timeline: cnEvent.timeline,
				}),
			],
		);
	}
	const lines: Plan['lines'] = [];
	for (const invoice of open) {
		const rest = left.get(invoice.id) ?? 0n;
		invoice.open_minor = rest.toString();
		if (rest > 0n) lines.push({ invoice, amount: rest, method });
	}
	return { lines, customerId };
}

/** Open credit notes of a customer tried as an unstated deduction, at most (the oldest first). */
export const MAX_DEDUCTION_CREDIT_NOTES = 8;

/**
 * A payment that is some open invoices less one open credit note of the same customer and currency, the label citing
 * neither ("VIR CLIENT 1 460,00" for 1 700,00 owed less a 240,00 credit note): applied only when exactly one credit
 * note and one set of invoices fit; several fits go to a person with the candidates. Undefined when none fits.
 */
async function planDeduction(
	ctx: PlanContext,
	payment: DatedPayment,
	amount: bigint,
	customerId: string,
	openInvoices: OpenInvoices,
): Promise<Plan | undefined> {
	const notes = await ctx.reader.openCreditNotesOf(customerId, payment.currency);
	const open = notes.length ? openInvoices.all() : [];
	const fits: Array<{ cn: CreditNoteRow; invoices: InvoiceRow[] }> = [];
	for (const cn of notes) {
		const target = amount + BigInt(cn.payable_minor);
		for (const row of open)
			if (BigInt(row.open_minor) === target) fits.push({ cn, invoices: [row] });
		for (const set of exactCombinations(open, target)) fits.push({ cn, invoices: set });
		if (fits.length > 1) break;
	}
	if (fits.length === 0) return undefined;
	const unit = (v: bigint) => `${formatAmount(v, payment.currency)} ${payment.currency}`;
	if (fits.length > 1) {
		const candidates = [
			...new Set(fits.flatMap((f) => [...f.invoices.map((i) => i.number), f.cn.number])),
		];
		return {
			lines: [],
			customerId,
			ambiguous: true,
			flag: flag(
				'SEVERAL_DEDUCTIONS_MATCH_AMOUNT',
				`The payment (${unit(amount)}) is open invoices less an open credit note in several ways, and the reference names none of them.`,
				`Le paiement (${unit(amount)}) correspond de plusieurs façons à des factures ouvertes moins un avoir ouvert, et la référence n'en cite aucun.`,
				candidates,
			),
		};
	}
	const [fit] = fits;
	const forPerson = (code: string, en: string, fr: string): Plan => ({
		lines: [],
		customerId,
		flag: flag(code, en, fr, [...fit.invoices.map((r) => r.number), fit.cn.number]),
	});
	return await deductCreditNotes(
		ctx.client,
		payment,
		customerId,
		fit.invoices,
		[fit.cn],
		'amount',
		forPerson,
	);
}

async function planByAmount(
	ctx: PlanContext,
	payment: DatedPayment,
	amount: bigint,
	customerId: string,
): Promise<Plan> {
	const open = await ctx.reader.openInvoicesOf(customerId, payment.currency);
	if (open.count() === 0) {
		return {
			lines: [],
			customerId,
			flag: flag(
				'NO_OPEN_INVOICE',
				`The customer has no open invoice in ${payment.currency}: the payment is kept as unapplied (advance payment or unknown invoice).`,
				`Le client n'a aucune facture ouverte en ${payment.currency} : le paiement reste non imputé (acompte ou facture inconnue).`,
			),
		};
	}
	const readings: Array<{ invoices: InvoiceRow[]; method: AllocationMethod }> = [];
	for (const row of open.withAmount(amount)) readings.push({ invoices: [row], method: 'amount' });
	let sum = 0n;
	const prefix: InvoiceRow[] = [];
	for (const row of open.oldestFirst()) {
		sum += BigInt(row.open_minor);
		prefix.push(row);
		if (sum === amount && prefix.length > 1)
			readings.push({ invoices: [...prefix], method: 'oldest_first' });
		if (sum >= amount) break;
	}
	if (readings.length === 0) {
		// A grouped payment of some of the open invoices, not the oldest run: kept only when one combination fits.
		const combinations =
			open.count() <= MAX_COMBINATION_INVOICES ? exactCombinations(open.all(), amount) : [];
		if (combinations.length === 1) readings.push({ invoices: combinations[0], method: 'amount' });
		else if (combinations.length > 1) {
			const numbers = [...new Set(combinations.flat())];
			return {
				lines: [],
				customerId,
				ambiguous: true,
				flag: flag(
					'SEVERAL_COMBINATIONS_MATCH_AMOUNT',
					`Several combinations of the customer's open invoices add up to ${formatAmount(amount, payment.currency)} ${payment.currency} and the reference names none of them.`,
					`Plusieurs combinaisons de factures ouvertes du client font ${formatAmount(amount, payment.currency)} ${payment.currency} et la référence n'en cite aucune.`,
					describeInvoices(numbers),
				),
			};
		}
	}
	if (readings.length === 1) {
		return { lines: spread(amount, readings[0].invoices, readings[0].method), customerId };
	}
	if (readings.length > 1) {
		const numbers = [...new Set(readings.flatMap((r) => r.invoices))];
		return {
			lines: [],
			customerId,
			ambiguous: true,
			flag: flag(
				'SEVERAL_INVOICES_MATCH_AMOUNT',
				`Several open invoices of the customer match ${formatAmount(amount, payment.currency)} ${payment.currency} and the reference names none of them.`,
				`Plusieurs factures ouvertes du client correspondent à ${formatAmount(amount, payment.currency)} ${payment.currency} et la référence n'en cite aucune.`,
				describeInvoices(numbers),
			),
		};
	}
	const deduction = await planDeduction(ctx, payment, amount, customerId, open);
	if (deduction) return deduction;
	return {
		lines: [],
		customerId,
		flag: flag(
			'NO_MATCHING_AMOUNT',
			`No open invoice, and no run of oldest invoices, adds up to ${formatAmount(amount, payment.currency)} ${payment.currency}, and the reference names no invoice.`,
			`Aucune facture ouverte, ni suite des plus anciennes, ne fait ${formatAmount(amount, payment.currency)} ${payment.currency}, et la référence ne cite aucune facture.`,
			describeInvoices(open.all()),
		),
	};
}

/** "CODE – Name" of customers, in the order of the ids, for a person choosing among them. */
async function customerLabels(client: PoolClient, ids: string[]): Promise<string[]> {
	if (ids.length === 0) return [];
	const rows = await client.query<{ id: string; external_id: string; name: string }>(
		'SELECT id, external_id, name FROM customers WHERE id = ANY($1::bigint[])',
		[ids],
	);
	const byId = new Map(rows.rows.map((r) => [r.id, `${r.external_id} – ${r.name}`]));
	return ids.map((id) => byId.get(id)).filter((v): v is string => !!v);
}

export async function plan(ctx: PlanContext, payment: DatedPayment, amount: bigint): Promise<Plan> {
	const { reader } = ctx;
	let statedCustomerId = payment.customer_id;
	const code = payment.extra.customerCode;
	if (!statedCustomerId && code) statedCustomerId = await reader.customerIdOfCode(code);
	const byReference = await planByReference(ctx, payment, amount, statedCustomerId);
	if (byReference) return byReference;
	if (code && !statedCustomerId) {
		return {
			lines: [],
			customerId: null,
			flag: flag(
				'UNKNOWN_CUSTOMER',
				`Customer "${code}" is not in the ledger and the reference names no invoice.`,
				`Le client « ${code} » n'est pas dans le grand livre et la référence ne cite aucune facture.`,
			),
		};
	}
	let customerId =
		statedCustomerId ?? (await reader.customerOfAccount(payment.extra.counterpartyAccount)) ?? null;
	if (!customerId) {
		const { ids, candidates } = payment.payer_name
			? await reader.matchPayerName(payment.payer_name)
			: { ids: [], candidates: [] };
		// A name no customer's designates for sure, that a person settled before for one customer: that customer.
		const learned =
			ids.length === 0 ? await reader.customerOfPayerName(payment.payer_name) : undefined;
		if (learned) return await planByAmount(ctx, payment, amount, learned);
		if (ids.length > 1) {
			return {
				lines: [],
				customerId: null,
				ambiguous: true,
				flag: flag(
					'PAYER_SEVERAL_CUSTOMERS',
					`Several customers are named "${payment.payer_name}" and the reference names no invoice.`,
					`Plusieurs clients s'appellent « ${payment.payer_name} » et la référence ne cite aucune facture.`,
					await reader.customerLabels(candidates.map((c) => c.id)),
				),
			};
		}
		if (ids.length === 0 && candidates.length > 0) {
			return {
				lines: [],
				customerId: null,
				ambiguous: true,
				flag: flag(
					'PAYER_NAME_UNSURE',
					`The payer "${payment.payer_name}" resembles customers' names without designating one for sure, and the reference names no invoice.`,
					`Le payeur « ${payment.payer_name} » ressemble à des noms de clients sans en désigner un avec certitude, et la référence ne cite aucune facture.`,
					await reader.customerLabels(candidates.map((c) => c.id)),
				),
			};
		}
		if (ids.length === 0) {
			return {
				lines: [],
				customerId: null,
				flag: flag(
					'UNKNOWN_PAYER',
					'Neither the customer code, the payer name nor the reference identifies a customer or an invoice.',
					"Ni le code client, ni le nom du payeur, ni la référence n'identifient un client ou une facture.",
				),
			};
		}
		customerId = ids[0];
	}
	return await planByAmount(ctx, payment, amount, customerId);
}

export async function readPayment(
	client: PoolClient,
	paymentId: string,
	lock: boolean,
): Promise<PaymentRow | undefined> {
	const rows = await client.query<PaymentRow>(
		`SELECT id, source, external_ref, customer_id, amount_minor, unapplied_minor, currency, received_on::text, payer_name,
			reference_text, status, flag_reason, flag_details, extra, created_at
		FROM payments WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
		[paymentId],
	);
	return rows.rows[0];
}

export async function customerCode(
	client: PoolClient,
	customerId: string | null,
): Promise<string | null> {
	if (!customerId) return null;
	const rows = await client.query<{ external_id: string }>(
		'SELECT external_id FROM customers WHERE id = $1',
		[customerId],
	);
	return rows.rows[0]?.external_id ?? null;
}

export function snapshot(row: PaymentRow, customerExternalId: string | null): AllocationResult {
	const result: AllocationResult = {
		paymentId: row.id,
		status: row.status,
		customerId: row.customer_id,
		customerExternalId,
		currency: row.currency,
		amountMinor: BigInt(row.amount_minor),
		unappliedMinor: BigInt(row.unapplied_minor),
		allocations: [],
		paid: [],
		changed: false,
	};
	if (row.flag_reason && row.flag_details?.message) {
		result.flag = {
			code: row.flag_reason,
			message: row.flag_details.message,
			...(row.flag_details.candidates?.length ? { candidates: row.flag_details.candidates } : {}),
		};
	}
	return result;
}

/**
 * Writes allocations of one payment (its row locked by the caller, the invoices too): the allocation rows, the
 * invoices' open amounts and statuses, and the history. Returns the lines written and the invoices now paid.
 */
async function writeAllocations(
	client: PoolClient,
	payment: PaymentRow,
	planned: Plan['lines'],
	actor: string,
	appliedOn: string,
): Promise<{ lines: AllocationLine[]; paidInvoiceIds: string[] }> {
	const lines: AllocationLine[] = [];
	const paidInvoiceIds: string[] = [];
	for (const line of planned) {
		// Dated by the caller, in the company's zone (the trigger allocation_applied_on, which would date it by the
		// database server's day, is left for rows written by hand). Another allocation of the same payment to the same
		// invoice on another day is a row of its own (its own effective date).
		await client.query(
			`INSERT INTO allocations (payment_id, invoice_id, amount_minor, method, applied_on) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (payment_id, invoice_id, applied_on) DO UPDATE SET amount_minor = allocations.amount_minor + EXCLUDED.amount_minor`,
			[payment.id, line.invoice.id, line.amount.toString(), line.method, appliedOn],
		);
		const updated = await client.query<{ open_minor: string; status: string }>(
			`UPDATE invoices SET open_minor = open_minor - $2::bigint,
				status = CASE WHEN open_minor - $2::bigint = 0 THEN 'paid' ELSE status END,
				paid_at = CASE WHEN open_minor - $2::bigint = 0 THEN $3::date ELSE paid_at END,
				updated_at = now()
			WHERE id = $1 RETURNING open_minor, status`,
			[line.invoice.id, line.amount.toString(), payment.received_on],
		);
		const after = updated.rows[0];
		lines.push({
			invoiceId: line.invoice.id,
			invoiceNumber: line.invoice.number,
			amountMinor: line.amount,
			method: line.method,
			invoiceOpenMinor: BigInt(after.open_minor),
			invoiceStatus: after.status,
		});
		const allocated = allocatedEvent(payment, line.amount, line.invoice.number, line.method);
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload) VALUES ($1, $2, 'payment_allocated', $3, $4, $5)`,
			[
				line.invoice.customer_id,
				line.invoice.id,
				actor,
				allocated.summary,
				JSON.stringify({
					paymentId: payment.id,
					amountMinor: line.amount.toString(),
					method: line.method,
					openMinor: after.open_minor,
					timeline: allocated.timeline,
				}),
			],
		);
		if (after.status === 'paid' && BigInt(after.open_minor) === 0n) {
			paidInvoiceIds.push(line.invoice.id);
			const paid = paidEvent(payment, line.invoice.number);
			await client.query(
				`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload) VALUES ($1, $2, 'invoice_paid', $3, $4, $5)`,
				[
					line.invoice.customer_id,
					line.invoice.id,
					actor,
					paid.summary,
					JSON.stringify({
						paymentId: payment.id,
						paidOn: payment.received_on,
						timeline: paid.timeline,
					}),
				],
			);
		}
	}
	return { lines, paidInvoiceIds };
}

/** One "invoice.paid" event per invoice id, in the order given. */
export async function paidEvents(
	client: PoolClient,
	paidInvoiceIds: string[],
): Promise<InvoicePaidEvent[]> {
	const paid: InvoicePaidEvent[] = [];
	if (paidInvoiceIds.length) {
		const rows = await client.query<{
			id: string;
			number: string;
			issuer: string;
			customer_id: string;
			external_id: string;
			name: string;
			language: 'fr' | 'en';
			currency: string;
			payable_minor: string;
			paid_minor: string;
			paid_at: string;
			payment_ids: string[];
		}>(
			`SELECT i.id, i.number, i.issuer, i.customer_id, c.external_id, c.name, c.language, i.currency, i.payable_minor, i.paid_at::text,
				(SELECT array_agg(a.payment_id::text ORDER BY a.payment_id) FROM allocations a WHERE a.invoice_id = i.id) AS payment_ids,
				(SELECT sum(a.amount_minor)::text FROM allocations a WHERE a.invoice_id = i.id) AS paid_minor
			FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = ANY($1::bigint[])`,
			[paidInvoiceIds],
		);
		const byId = new Map(rows.rows.map((r) => [r.id, r]));
		for (const id of paidInvoiceIds) {
			const r = byId.get(id);
			if (!r) continue;
			paid.push({
				type: 'invoice.paid',
				invoiceId: r.id,
				invoiceNumber: r.number,
				issuer: r.issuer,
				customerId: r.customer_id,
				customerExternalId: r.external_id,
				customerName: r.name,
				customerLanguage: r.language,
				currency: r.currency,
				payableMinor: BigInt(r.payable_minor),
				paidMinor: BigInt(r.paid_minor ?? '0'),
				paidOn: r.paid_at,
				paymentIds: r.payment_ids ?? [],
			});
		}
	}
	return paid;
}

/**
 * Allocates one payment inside the caller's transaction. The payment row is locked first, so two allocations
 * of the same payment at once allocate it once: the second finds it already applied. Only payments with
 * nothing allocated yet (`unapplied`, `ambiguous`) are (re)considered.
 */
export async function allocatePaymentWith(
	client: PoolClient,
	paymentId: string,
	options: AllocationClock & {
		actor?: string;
		names?: PayerNameIndex;
		writeOffUpTo?: WriteOffThresholds;
	} = {},
): Promise<AllocationResult> {
	const row = await readPayment(client, paymentId, true);
	if (!row) {
		throw new ReceivablesError('PAYMENT_NOT_FOUND', `Payment ${paymentId} is not in the ledger.`, {
			hint: 'Store the payment first.',
		});
	}
	const unapplied = BigInt(row.unapplied_minor);
	if ((row.status !== 'unapplied' && row.status !== 'ambiguous') || unapplied <= 0n) {
		return snapshot(row, await customerCode(client, row.customer_id));
	}
	const payment: DatedPayment = {
		...row,
		appliesOn: allocationDay(row, options.zone, options.now),
	};
	return await withEffectiveDay(client, payment.appliesOn, () =>
		allocateDated(client, payment, unapplied, options),
	);
}

/** What a plan leaves of the payment: the remainder, the payment's status and its flag (OVERPAYMENT for a remainder). */
export function settlement(
	payment: { currency: string },
	unapplied: bigint,
	decided: Plan,
): { remaining: bigint; status: PaymentStatus; flag?: PaymentFlag } {
	const allocated = decided.lines.reduce((sum, line) => sum + line.amount, 0n);
	const remaining = unapplied - allocated;
	if (allocated === 0n)
		return { remaining, status: decided.ambiguous ? 'ambiguous' : 'unapplied', flag: decided.flag };
	if (remaining === 0n) return { remaining, status: 'applied', flag: decided.flag };
	return {
		remaining,
		status: 'partially_applied',
		flag: flag(
			'OVERPAYMENT',
			`${formatAmount(remaining, payment.currency)} ${payment.currency} is more than the invoices it pays: the remainder stays unapplied.`,
			`${formatAmount(remaining, payment.currency)} ${payment.currency} dépassent les factures réglées : le reliquat reste non imputé.`,
		),
	};
}

type PaymentNaming = {
	source: string;
	external_ref: string;
	currency: string;
	received_on: string;
};

/** The history entries of an allocation (summary and timeline), the same whichever way the payment is stored. */
export function flaggedEvent(
	payment: PaymentNaming,
	status: PaymentStatus,
	finalFlag: PaymentFlag,
): ReturnType<typeof timelineEvent> {
	return timelineEvent('payment_flagged', {
		payment: `${payment.source}/${payment.external_ref}`,
		status,
		code: finalFlag.code,
	});
}

export function allocatedEvent(
	payment: PaymentNaming,
	amount: bigint,
	invoiceNumber: string,
	method: AllocationMethod,
): ReturnType<typeof timelineEvent> {
	return timelineEvent('payment_allocated', {
		payment: `${payment.source}/${payment.external_ref}`,
		amountMinor: amount.toString(),
		currency: payment.currency,
		invoice: invoiceNumber,
		method,
	});
}

export function paidEvent(
	payment: PaymentNaming,
	invoiceNumber: string,
): ReturnType<typeof timelineEvent> {
	return timelineEvent('invoice_paid', { invoice: invoiceNumber, on: payment.received_on });
}

export function receivedEvent(
	payment: PaymentInput,
	source: string,
): ReturnType<typeof timelineEvent> {
	return timelineEvent('payment_received', {
		payment: `${source}/${payment.externalRef}`,
		amountMinor: payment.amountMinor.toString(),
		currency: payment.currency,
		on: payment.receivedOn,
	});
}

async function allocateDated(
	client: PoolClient,
	payment: DatedPayment,
	unapplied: bigint,
	options: { actor?: string; names?: PayerNameIndex; writeOffUpTo?: WriteOffThresholds },
): Promise<AllocationResult> {
	const names = options.names ?? new PayerNameIndex();
	const decided = await plan({ client, reader: ledgerReader(client, names) }, payment, unapplied);
	const actor = options.actor ?? 'intake';
	const { remaining, status, flag: finalFlag } = settlement(payment, unapplied, decided);

	const { lines, paidInvoiceIds } = await writeAllocations(
		client,
		payment,
		decided.lines,
		actor,
		payment.appliesOn,
	);
	const threshold = options.writeOffUpTo?.[payment.currency];
	const writeOffs =
		remaining === 0n && threshold !== undefined
			? await writeOffSmallDifferences(
					client,
					payment,
					lines,
					parseAmount(threshold, payment.currency),
					actor,
				)
			: [];
	for (const w of writeOffs) paidInvoiceIds.push(w.invoiceId);

	const customerId = decided.customerId ?? payment.customer_id;
	const flagChanged =
		(finalFlag?.code ?? null) !== payment.flag_reason || status !== payment.status;
	await client.query(
		`UPDATE payments SET customer_id = COALESCE($2, customer_id), unapplied_minor = $3, status = $4, flag_reason = $5,
			flag_details = $6, allocated_at = now() WHERE id = $1`,
		[
			payment.id,
			customerId,
			remaining.toString(),
			status,
			finalFlag?.code ?? null,
			JSON.stringify(finalFlag ?? {}),
		],
	);
	if (finalFlag && flagChanged) {
		const flagged = flaggedEvent(payment, status, finalFlag);
		await client.query(
			`INSERT INTO history (customer_id, kind, actor, summary, payload) VALUES ($1, 'payment_flagged', $2, $3, $4)`,
			[
				customerId,
				actor,
				flagged.summary,
				JSON.stringify({ paymentId: payment.id, ...finalFlag, timeline: flagged.timeline }),
			],
		);
	}

	if (lines.length > 0 && customerId)
		await learnPayerAccount(
			client,
			payment.extra.counterpartyAccount,
			customerId,
			payment.id,
			actor,
		);

	const result = await allocationResult(client, payment, {
		status,
		customerId,
		remaining,
		lines,
		flag: finalFlag,
		paidInvoiceIds,
		changed: lines.length > 0 || flagChanged,
	});
	return writeOffs.length ? { ...result, writeOffs } : result;
}

/**
 * Writes off what a used-up payment left open on the invoices it paid, when at most `max`: one write_offs row per
 * invoice (effective the day the allocation is), the invoice paid, a "write_off" history entry.
 */
async function writeOffSmallDifferences(
	client: PoolClient,
	payment: DatedPayment,
	lines: AllocationLine[],
	max: bigint,
	actor: string,
): Promise<WriteOffLine[]> {
	const out: WriteOffLine[] = [];
	if (max <= 0n) return out;
	for (const line of lines) {
		if (line.invoiceStatus !== 'open' || line.invoiceOpenMinor <= 0n || line.invoiceOpenMinor > max)
			continue;
		const invoice = await client.query<{
			customer_id: string;
			open_minor: string;
			doc_type: string;
		}>('SELECT customer_id, open_minor, doc_type FROM invoices WHERE id = $1 FOR UPDATE', [
			line.invoiceId,
		]);
		const row = invoice.rows[0];
		if (!row || row.doc_type !== 'invoice' || BigInt(row.open_minor) !== line.invoiceOpenMinor)
			continue;
		const amount = line.invoiceOpenMinor;
		// effective the day the allocation takes effect in the balance (reports as of a date see both together)
		const effectiveOn = payment.appliesOn;
		const inserted = await client.query<{ id: string }>(
			`INSERT INTO write_offs (invoice_id, customer_id, payment_id, currency, amount_minor, reason, effective_on, actor)
			VALUES ($1, $2, $3, $4, $5, 'small_difference', $6, $7) RETURNING id`,
			[
				line.invoiceId,
				row.customer_id,
				payment.id,
				payment.currency,
				amount.toString(),
				effectiveOn,
				actor,
			],
		);
		await client.query(
			`UPDATE invoices SET open_minor = 0, status = 'paid', paid_at = $2::date, updated_at = now() WHERE id = $1`,
			[line.invoiceId, payment.received_on],
		);
		const writtenOff = timelineEvent('write_off', {
			amountMinor: amount.toString(),
			currency: payment.currency,
			invoice: line.invoiceNumber,
			payment: `${payment.source}/${payment.external_ref}`,
		});
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload) VALUES ($1, $2, 'write_off', $3, $4, $5)`,
			[
				row.customer_id,
				line.invoiceId,
				actor,
				writtenOff.summary,
				JSON.stringify({
					writeOffId: inserted.rows[0].id,
					paymentId: payment.id,
					amountMinor: amount.toString(),
					reason: 'small_difference',
					effectiveOn,
					timeline: writtenOff.timeline,
				}),
			],
		);
		const settled = timelineEvent('invoice_settled_write_off', {
			invoice: line.invoiceNumber,
			on: payment.received_on,
			amountMinor: amount.toString(),
			currency: payment.currency,
		});
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload) VALUES ($1, $2, 'invoice_paid', $3, $4, $5)`,
			[
				row.customer_id,
				line.invoiceId,
				actor,
				settled.summary,
				JSON.stringify({
					paymentId: payment.id,
					paidOn: payment.received_on,
					writtenOffMinor: amount.toString(),
					timeline: settled.timeline,
				}),
			],
		);
		line.invoiceOpenMinor = 0n;
		line.invoiceStatus = 'paid';
		out.push({
			writeOffId: inserted.rows[0].id,
			invoiceId: line.invoiceId,
			invoiceNumber: line.invoiceNumber,
			amountMinor: amount,
			currency: payment.currency,
			effectiveOn,
		});
	}
	return out;
}

/** What an allocation did to a payment, with the paid events of the invoices it completed. */
async function allocationResult(
	client: PoolClient,
	payment: PaymentRow,
	done: {
		status: PaymentStatus;
		customerId: string | null;
		remaining: bigint;
		lines: AllocationLine[];
		flag?: PaymentFlag;
		paidInvoiceIds: string[];
		changed: boolean;
	},
): Promise<AllocationResult> {
	return {
		paymentId: payment.id,
		status: done.status,
		customerId: done.customerId,
		customerExternalId: await customerCode(client, done.customerId),
		currency: payment.currency,
		amountMinor: BigInt(payment.amount_minor),
		unappliedMinor: done.remaining,
		allocations: done.lines,
		...(done.flag ? { flag: done.flag } : {}),
		paid: await paidEvents(client, done.paidInvoiceIds),
		changed: done.changed,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Storing

async function storeOne(
	client: PoolClient,
	payment: PaymentInput,
	index: number,
	options: StorePaymentsOptions & { names: PayerNameIndex },
): Promise<PaymentOutcome> {
	const source = payment.source ?? DEFAULT_SOURCE;
	const base = { index, source, externalRef: payment.externalRef };
	if (!payment.externalRef || !payment.externalRef.trim()) {
		return {
			...base,
			status: 'rejected',
			error: {
				code: 'PAYMENT_NO_REFERENCE',
				message: 'The payment has no external reference.',
				messageFr: "Le paiement n'a pas de référence externe.",
				hint: 'Map the bank transaction id (or statement line reference) to externalRef.',
				hintFr:
					"Associez l'identifiant d'opération bancaire (ou la référence de la ligne de relevé) au champ externalRef.",
			},
		};
	}
	if (payment.amountMinor <= 0n) {
		return {
			...base,
			status: 'rejected',
			error: {
				code: 'PAYMENT_NOT_POSITIVE',
				message: 'A payment received has a positive amount.',
				messageFr: 'Un paiement reçu a un montant positif.',
				hint: 'Leave out debit lines and refunds.',
				hintFr: 'Écartez les lignes au débit et les remboursements.',
			},
		};
	}
	const contentHash = paymentContentHash(payment);
	let customerId: string | null = null;
	if (payment.customerExternalId) {
		const rows = await client.query<{ id: string }>(
			'SELECT id FROM customers WHERE external_id = $1',
			[payment.customerExternalId],
		);
		customerId = rows.rows[0]?.id ?? null;
	}
	const extra = {
		...(payment.extra ?? {}),
		...(payment.customerExternalId ? { customerCode: payment.customerExternalId } : {}),
		...(payment.invoiceNumbers?.length ? { invoiceNumbers: payment.invoiceNumbers } : {}),
	};
	const inserted = await client.query<{ id: string }>(
		`INSERT INTO payments (source, external_ref, customer_id, amount_minor, unapplied_minor, currency, received_on, payer_name,
			reference_text, status, content_hash, extra)
		VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, 'unapplied', $9, $10)
		ON CONFLICT (source, external_ref) DO NOTHING RETURNING id`,
		[
			source,
			payment.externalRef,
			customerId,
			payment.amountMinor.toString(),
			payment.currency,
			payment.receivedOn,
			payment.payerName ?? null,
			payment.referenceText ?? null,
			contentHash,
			JSON.stringify(extra),
		],
	);
	if (inserted.rows.length === 0) {
		const existing = await client.query<{ id: string; content_hash: string }>(
			'SELECT id, content_hash FROM payments WHERE source = $1 AND external_ref = $2',
			[source, payment.externalRef],
		);
		const row = existing.rows[0];
		if (row.content_hash !== contentHash) {
			return {
				...base,
				status: 'rejected',
				paymentId: row.id,
				error: {
					code: 'PAYMENT_CONFLICT',
					message: `Payment ${source}/${payment.externalRef} is already in the ledger with a different amount, date or reference.`,
					messageFr: `Le paiement ${source}/${payment.externalRef} est déjà dans le grand livre avec un autre montant, une autre date ou une autre référence.`,
					hint: 'Payments are never rewritten: give a corrected line a new reference, or correct the ledger by hand.',
					hintFr:
						'Un paiement n’est jamais réécrit : donnez une nouvelle référence à la ligne corrigée, ou corrigez le grand livre à la main.',
				},
			};
		}
		const current = (await readPayment(client, row.id, false)) as PaymentRow;
		return {
			...base,
			status: 'unchanged',
			paymentId: row.id,
			allocation: snapshot(current, await customerCode(client, current.customer_id)),
		};
	}
	const paymentId = inserted.rows[0].id;
	const received = receivedEvent(payment, source);
	await client.query(
		`INSERT INTO history (customer_id, kind, actor, summary, content_hash, payload) VALUES ($1, 'payment_received', $2, $3, $4, $5)`,
		[
			customerId,
			options.actor ?? 'intake',
			received.summary,
			contentHash,
			JSON.stringify({
				paymentId,
				payer: payment.payerName ?? null,
				reference: payment.referenceText ?? null,
				timeline: received.timeline,
			}),
		],
	);
	if (options.allocate === false) {
		const current = (await readPayment(client, paymentId, false)) as PaymentRow;
		return {
			...base,
			status: 'created',
			paymentId,
			allocation: snapshot(
				current,
				payment.customerExternalId && customerId ? payment.customerExternalId : null,
			),
		};
	}
	const allocation = await allocatePaymentWith(client, paymentId, {
		actor: options.actor,
		names: options.names,
		writeOffUpTo: options.writeOffUpTo,
		zone: options.zone,
		now: options.now,
	});
	return { ...base, status: 'created', paymentId, allocation };
}

export function describeStoreError(
	error: Error & { code?: string },
): NonNullable<PaymentOutcome['error']> {
	if (error.code === '22008' || error.code === '22007')
		return {
			code: 'PAYMENT_BAD_DATE',
			message: `The payment date is not a real calendar date: ${error.message}.`,
			messageFr: "La date du paiement n'est pas une date réelle.",
			hint: 'Use YYYY-MM-DD or DD/MM/YYYY dates that exist.',
			hintFr: 'Utilisez des dates AAAA-MM-JJ ou JJ/MM/AAAA qui existent.',
		};
	if (error.code === '22003')
		return {
			code: 'PAYMENT_AMOUNT_OUT_OF_RANGE',
			message: 'The payment amount is out of range.',
			messageFr: 'Le montant du paiement est hors limites.',
			hint: 'Check the amount and its decimal separator.',
			hintFr: 'Vérifiez le montant et son séparateur décimal.',
		};
	if (error instanceof ReceivablesError)
		return { code: error.code, message: error.message, hint: error.hint };
	return {
		code: 'PAYMENT_STORE_FAILED',
		message: error.message,
		messageFr: `Le paiement n'a pas pu être enregistré : ${error.message}`,
	};
}

export function isTransient(error: unknown): boolean {
	return TRANSIENT.has((error as { code?: string })?.code ?? '');
}

/**
 * Stores and allocates payments inside the caller's transaction (one savepoint per payment: a faulty payment
 * is rejected with its reason and the others land). Deadlocks and serialisation failures are re-thrown so the
 * caller can retry the whole transaction.
 */
export async function storePaymentsWith(
	client: PoolClient,
	payments: PaymentInput[],
	options: StorePaymentsOptions & { offset?: number; names?: PayerNameIndex } = {},
): Promise<PaymentOutcome[]> {
	const names = options.names ?? new PayerNameIndex();
	const outcomes: PaymentOutcome[] = [];
	for (const [i, payment] of payments.entries()) {
		const index = (options.offset ?? 0) + i;
		await client.query('SAVEPOINT payment');
		try {
			const outcome = await storeOne(client, payment, index, { ...options, names });
			await client.query('RELEASE SAVEPOINT payment');
			outcomes.push(outcome);
		} catch (error) {
			await client.query('ROLLBACK TO SAVEPOINT payment');
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			if (isTransient(error)) throw error;
			outcomes.push({
				index,
				status: 'rejected',
				source: payment.source ?? DEFAULT_SOURCE,
				externalRef: payment.externalRef,
				error: describeStoreError(error as Error),
			});
		}
	}
	return outcomes;
}

/** Runs `work` again (up to 4 times) when Postgres reports a deadlock or a serialisation failure. */
export async function retryTransient<T>(work: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await work();
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			if (!isTransient(error) || attempt >= MAX_ATTEMPTS) throw error;
		}
	}
}

/**
 * Stores payments idempotently by (source, externalRef) — the same payment twice changes nothing, the same
 * reference with different content is rejected (PAYMENT_CONFLICT) — and allocates each new payment to
 * invoices in the same transaction. Returns one outcome per input, in input order, with the allocation made
 * and the invoices it paid in full (`allocation.paid`).
 */
export async function storePayments(
	ledger: Ledger,
	payments: PaymentInput[],
	options: StorePaymentsOptions = {},
): Promise<PaymentOutcome[]> {
	const batchSize = Math.max(1, options.batchSize ?? 200);
	const outcomes: PaymentOutcome[] = [];
	for (let offset = 0; offset < payments.length; offset += batchSize) {
		const slice = payments.slice(offset, offset + batchSize);
		outcomes.push(
			...(await retryTransient(() =>
				ledger.transaction((client) =>
					storePaymentsWith(client, slice, { ...options, offset, names: new PayerNameIndex() }),
				),
			)),
		);
	}
	return outcomes;
}

export interface AllocatePaymentsOptions extends AllocationClock {
	/** Only these payments (ledger ids); default: every payment still `unapplied` or `ambiguous`. */
	paymentIds?: string[];
	/** Only the payments of this customer code. */
	customerExternalId?: string;
	/** At most this many payments (default 10 000). */
	limit?: number;
	actor?: string;
	/** Small differences written off at allocation, per currency (default: none). */
	writeOffUpTo?: WriteOffThresholds;
}

/**
 * Tries again to allocate payments that are still `unapplied` or `ambiguous` — for instance after the invoices
 * they pay have arrived, or after a customer code was completed. Each payment is its own transaction with
 * the payment row locked: running it twice at once allocates each payment once.
 */
export async function allocatePayments(
	ledger: Ledger,
	options: AllocatePaymentsOptions = {},
): Promise<AllocationResult[]> {
	const conditions = ["p.status IN ('unapplied', 'ambiguous')"];
	const values: unknown[] = [];
	if (options.paymentIds) {
		values.push(options.paymentIds);
		conditions.push(`p.id = ANY($${values.length}::bigint[])`);
	}
	if (options.customerExternalId) {
		values.push(options.customerExternalId);
		conditions.push(
			`(p.customer_id = (SELECT id FROM customers WHERE external_id = $${values.length}) OR p.extra->>'customerCode' = $${values.length})`,
		);
	}
	values.push(options.limit ?? 10000);
	const ids = await ledger.query<{ id: string }>(
		`SELECT p.id FROM payments p WHERE ${conditions.join(' AND ')} ORDER BY p.received_on, p.id LIMIT $${values.length}`,
		values,
	);
	const names = new PayerNameIndex();
	const results: AllocationResult[] = [];
	for (const { id } of ids) {
		results.push(
			await retryTransient(() =>
				ledger.transaction((client) =>
					allocatePaymentWith(client, id, {
						actor: options.actor,
						names,
						writeOffUpTo: options.writeOffUpTo,
						zone: options.zone,
						now: options.now,
					}),
				),
			),
		);
	}
	return results;
}

// ---------------------------------------------------------------------------------------------------------------
// Settling kept payments by hand

export interface ApplyPaymentInput {
	/** The payment: its ledger id, or its source (default `bank`) and external reference. */
	paymentId?: string;
	source?: string;
	externalRef?: string;
	/**
	 * The invoices to pay and how much of the payment goes to each, in minor units or as a decimal amount in the
	 * payment's currency ("1 234,56"); default: the invoice's open amount, within what the payment has left.
	 */
	allocations: Array<{
		invoiceNumber: string;
		issuer?: string;
		amountMinor?: bigint;
		amount?: string | number;
	}>;
	/**
	 * Identifies the decision: the same decision applied twice (a workflow retried, a form sent twice) changes
	 * nothing the second time. Default: derived from the payment and the allocations.
	 */
	decisionId?: string;
	/** Allow invoices of another customer than the payment's (a group head paying for a subsidiary). */
	allowOtherCustomer?: boolean;
	/** Why, in the person's words; kept in the history. */
	note?: string;
	actor?: string;
	/**
	 * The day the allocation takes effect in the balance (YYYY-MM-DD): not before the payment was received, not in
	 * the future. Default: the payment's value date when it is settled the day it was recorded, else today (in
	 * `zone`). Reports as of earlier dates show the payment unapplied and the invoices open.
	 */
	appliedOn?: string;
	/** IANA zone of the company: of `appliedOn`'s default and its check against today (default Europe/Paris). */
	zone?: string;
	/** The instant of the decision (default: now). */
	now?: Date;
}

export interface ApplyPaymentResult extends AllocationResult {
	decisionId: string;
	/** The decision had already been applied: nothing changed. */
	alreadyApplied: boolean;
}

function settleError(
	code: string,
	en: string,
	hint: string,
	details: Record<string, unknown>,
	fr: string,
	hintFr: string,
): ReceivablesError {
	return new ReceivablesError(code, en, { hint, details: { ...details, messageFr: fr, hintFr } });
}

/** The payment's id from (source, external reference), else from its ledger id. */
async function findPaymentId(
	client: PoolClient,
	input: { paymentId?: string; source?: string; externalRef?: string },
): Promise<string> {
	const source = input.source?.trim() || DEFAULT_SOURCE;
	const externalRef = input.externalRef?.trim();
	if (externalRef) {
		const rows = await client.query<{ id: string }>(
			'SELECT id FROM payments WHERE source = $1 AND external_ref = $2',
			[source, externalRef],
		);
		if (rows.rows[0]) return rows.rows[0].id;
	}
	const id = input.paymentId?.trim();
	if (id && /^\d{1,18}$/.test(id)) return id;
	const what = externalRef ? `${source}/${externalRef}` : (id ?? '');
	throw settleError(
		'PAYMENT_NOT_FOUND',
		what ? `Payment ${what} is not in the ledger.` : 'No payment given.',
		'Give the source and external reference of the payment as Store Payments stored them, or its ledger id.',
		{ source, externalRef, paymentId: id },
		what ? `Le paiement ${what} n'est pas dans le grand livre.` : 'Aucun paiement indiqué.',
		'Indiquez la source et la référence externe du paiement telles que Store Payments les a enregistrées, ou son identifiant dans le grand livre.',
	);
}

/**
 * A person's decision on a kept payment, inside the caller's transaction: apply it to these invoices with these
 * amounts. The payment row is locked first, then the invoices in id order (as the automatic allocation does),
 * so two decisions on the same payment at once are applied one after the other: the second sees what the first
 * left and is refused if the payment no longer covers it, or changes nothing if it is the same decision.
 * Refused, with nothing written: an unknown payment or invoice, an amount that is not positive, more than the
 * payment has left or more than an invoice still owes, an invoice in another currency, one already paid,
 * credited or cancelled, a credit note, an invoice of another customer (unless allowed).
 */
export async function applyPaymentWith(
	client: PoolClient,
	input: ApplyPaymentInput,
): Promise<ApplyPaymentResult> {
	const paymentId = await findPaymentId(client, input);
	const payment = await readPayment(client, paymentId, true);
	if (!payment) {
		throw settleError(
			'PAYMENT_NOT_FOUND',
			`Payment ${paymentId} is not in the ledger.`,
			'Store the payment first.',
			{ paymentId },
			`Le paiement ${paymentId} n'est pas dans le grand livre.`,
			"Enregistrez d'abord le paiement.",
		);
	}
	const ref = `${payment.source}/${payment.external_ref}`;
	if (!input.allocations?.length) {
		throw settleError(
			'ALLOCATION_EMPTY',
			`No invoice given for payment ${ref}.`,
			'List the invoices the payment pays.',
			{ paymentId },
			`Aucune facture indiquée pour le paiement ${ref}.`,
			'Listez les factures que le paiement règle.',
		);
	}
	const decisionId =
		input.decisionId?.trim() ||
		hash([
			'apply',
			payment.id,
			input.allocations.map((a) => [
				a.issuer ?? null,
				a.invoiceNumber,
				a.amountMinor?.toString() ?? (a.amount === undefined ? null : String(a.amount)),
			]),
		]);
	const settlements = (payment.extra as { settlements?: string[] }).settlements ?? [];
	if (settlements.includes(decisionId)) {
		return {
			...snapshot(payment, await customerCode(client, payment.customer_id)),
			decisionId,
			alreadyApplied: true,
		};
	}
	let remaining = BigInt(payment.unapplied_minor);
	if (remaining <= 0n) {
		throw settleError(
			'PAYMENT_FULLY_APPLIED',
			`Payment ${ref} is already fully applied.`,
			'Nothing is left to allocate; to move it, reverse the allocation in the ledger first.',
			{ paymentId },
			`Le paiement ${ref} est déjà entièrement imputé.`,
			"Il ne reste rien à imputer ; pour le déplacer, annulez d'abord l'imputation dans le grand livre.",
		);
	}
	const seen = new Set<string>();
	const wanted = input.allocations.map((a, i) => {
		const number = String(a.invoiceNumber ?? '').trim();
		const key = `${a.issuer ?? ''}\u0000${number}`;
		if (!number || seen.has(key)) {
			throw settleError(
				'ALLOCATION_INVALID',
				number
					? `Invoice ${number} is listed twice.`
					: `Allocation ${i + 1} has no invoice number.`,
				'List each invoice once, with its number.',
				{ index: i },
				number
					? `La facture ${number} est citée deux fois.`
					: `L'imputation ${i + 1} n'a pas de numéro de facture.`,
				'Citez chaque facture une fois, avec son numéro.',
			);
		}
		seen.add(key);
		let amountMinor = a.amountMinor;
		if (amountMinor === undefined && a.amount !== undefined && String(a.amount).trim() !== '') {
			try {
				amountMinor = parseAmount(a.amount, payment.currency);
			} catch {
				throw settleError(
					'AMOUNT_INVALID',
					`"${String(a.amount)}" is not an amount in ${payment.currency} for invoice ${number}.`,
					'Write the amount with digits and one decimal separator, e.g. 1234.56 or 1 234,56.',
					{ invoiceNumber: number },
					`« ${String(a.amount)} » n'est pas un montant en ${payment.currency} pour la facture ${number}.`,
					'Écrivez le montant avec des chiffres et un seul séparateur décimal, par ex. 1234,56.',
				);
			}
		}
		if (amountMinor !== undefined && amountMinor <= 0n) {
			throw settleError(
				'AMOUNT_NOT_POSITIVE',
				`The amount for invoice ${number} is not positive.`,
				'Give a positive amount, or leave it empty for what the invoice still owes.',
				{ invoiceNumber: number },
				`Le montant pour la facture ${number} n'est pas positif.`,
				'Indiquez un montant positif, ou laissez vide pour le reste dû de la facture.',
			);
		}
		return { number, issuer: a.issuer, amount: amountMinor };
	});
	const rows = await client.query<InvoiceRow & { doc_type: string }>(
		`SELECT ${INVOICE_COLUMNS}, i.doc_type FROM invoices i WHERE i.number = ANY($1::text[]) ORDER BY i.id FOR UPDATE`,
		[wanted.map((w) => w.number)],
	);
	const planned: Plan['lines'] = [];
	const customers = new Set<string>();
	for (const w of wanted) {
		const matches = rows.rows.filter(
			(r) =>
				r.number === w.number &&
				r.doc_type === 'invoice' &&
				(w.issuer === undefined || r.issuer === w.issuer),
		);
		if (matches.length !== 1) {
			const several = matches.length > 1;
			throw settleError(
				several ? 'INVOICE_AMBIGUOUS' : 'INVOICE_NOT_FOUND',
				several
					? `Several issuers have an invoice ${w.number}.`
					: `Invoice ${w.number} is not in the ledger.`,
				several
					? 'Give the issuer of the invoice.'
					: 'Check the number (credit notes cannot be paid).',
				{ invoiceNumber: w.number },
				several
					? `Plusieurs émetteurs ont une facture ${w.number}.`
					: `La facture ${w.number} n'est pas dans le grand livre.`,
				several
					? "Indiquez l'émetteur de la facture."
					: 'Vérifiez le numéro (un avoir ne se règle pas).',
			);
		}
		const invoice = matches[0];
		const open = BigInt(invoice.open_minor);
		if (invoice.currency !== payment.currency) {
			throw settleError(
				'CURRENCY_MISMATCH',
				`Invoice ${w.number} is in ${invoice.currency}, the payment in ${payment.currency}.`,
				'Apply a payment only to invoices in its currency.',
				{ invoiceNumber: w.number },
				`La facture ${w.number} est en ${invoice.currency}, le paiement en ${payment.currency}.`,
				'Imputez un paiement seulement sur des factures de sa devise.',
			);
		}
		if (invoice.status !== 'open' || open <= 0n) {
			throw settleError(
				'INVOICE_NOT_OPEN',
				`Invoice ${w.number} is ${invoice.status === 'open' ? 'settled' : invoice.status}: nothing is owed on it.`,
				'Choose an open invoice; a payment for a settled invoice may be a double payment to refund.',
				{ invoiceNumber: w.number, status: invoice.status },
				`La facture ${w.number} est ${invoice.status === 'paid' ? 'payée' : invoice.status === 'credited' ? 'soldée par avoir' : invoice.status === 'cancelled' ? 'annulée' : 'soldée'} : plus rien n'est dû.`,
				'Choisissez une facture ouverte ; un paiement sur une facture soldée est peut-être un double paiement à rembourser.',
			);
		}
		if (
			payment.customer_id &&
			invoice.customer_id !== payment.customer_id &&
			!input.allowOtherCustomer
		) {
			throw settleError(
				'INVOICE_OTHER_CUSTOMER',
				`Invoice ${w.number} belongs to another customer than the payment's.`,
				'Check the invoice, or allow invoices of another customer (a group paying for a subsidiary).',
				{ invoiceNumber: w.number },
				`La facture ${w.number} appartient à un autre client que celui du paiement.`,
				"Vérifiez la facture, ou autorisez les factures d'un autre client (un groupe qui paie pour sa filiale).",
			);
		}
		const amount = w.amount ?? (open < remaining ? open : remaining);
		if (amount > open) {
			throw settleError(
				'INVOICE_OVER_ALLOCATION',
				`${formatAmount(amount, payment.currency)} ${payment.currency} is more than invoice ${w.number} still owes (${formatAmount(open, payment.currency)}).`,
				'Allocate at most what the invoice owes; the rest of the payment stays unapplied.',
				{ invoiceNumber: w.number, openMinor: open.toString() },
				`${formatAmount(amount, payment.currency)} ${payment.currency} dépasse le reste dû de la facture ${w.number} (${formatAmount(open, payment.currency)}).`,
				'Imputez au plus le reste dû de la facture ; le reste du paiement demeure non imputé.',
			);
		}
		if (amount > remaining || amount <= 0n) {
			throw settleError(
				'PAYMENT_OVER_ALLOCATION',
				`The allocations add up to more than payment ${ref} has left (${formatAmount(BigInt(payment.unapplied_minor), payment.currency)} ${payment.currency}).`,
				'Lower the amounts: a payment is never allocated beyond its amount.',
				{ unappliedMinor: payment.unapplied_minor },
				`Les imputations dépassent ce qu'il reste du paiement ${ref} (${formatAmount(BigInt(payment.unapplied_minor), payment.currency)} ${payment.currency}).`,
				"Réduisez les montants : un paiement n'est jamais imputé au-delà de son montant.",
			);
		}
		remaining -= amount;
		customers.add(invoice.customer_id);
		planned.push({ invoice, amount, method: 'manual' });
	}
	const actor = input.actor ?? 'manual';
	let appliedOn = allocationDay(payment, input.zone, input.now);
	if (
		input.appliedOn !== undefined &&
		input.appliedOn !== null &&
		String(input.appliedOn).trim() !== ''
	) {
		try {
			appliedOn = effectiveDate(input.appliedOn, input.zone, 'APPLIED_ON_INVALID');
		} catch (error) {
			throw settleError(
				'APPLIED_ON_INVALID',
				(error as Error).message,
				'Give the day the allocation takes effect, today or earlier, as YYYY-MM-DD.',
				{ appliedOn: input.appliedOn },
				`La date d'imputation « ${String(input.appliedOn)} » n'est pas valable.`,
				"Indiquez le jour où l'imputation prend effet, aujourd'hui ou avant, au format AAAA-MM-JJ.",
			);
		}
		if (appliedOn < payment.received_on) {
			throw settleError(
				'APPLIED_ON_INVALID',
				`Payment ${ref} was received on ${payment.received_on}: it cannot be applied on ${appliedOn}.`,
				'Give a day on or after the payment was received.',
				{ appliedOn },
				`Le paiement ${ref} a été reçu le ${payment.received_on} : il ne peut être imputé le ${appliedOn}.`,
				'Indiquez un jour égal ou postérieur à la réception du paiement.',
			);
		}
	}
	// The payment's new status takes effect that day too (trigger payment_state_kept).
	return await withEffectiveDay(client, appliedOn, () =>
		settleDated(
			client,
			{ ...payment, appliesOn: appliedOn },
			input,
			planned,
			remaining,
			customers,
			decisionId,
			actor,
		),
	);
}

async function settleDated(
	client: PoolClient,
	payment: DatedPayment,
	input: ApplyPaymentInput,
	planned: Plan['lines'],
	remaining: bigint,
	customers: Set<string>,
	decisionId: string,
	actor: string,
): Promise<ApplyPaymentResult> {
	const ref = `${payment.source}/${payment.external_ref}`;
	const { lines, paidInvoiceIds } = await writeAllocations(
		client,
		payment,
		planned,
		actor,
		payment.appliesOn,
	);
	const status: PaymentStatus = remaining === 0n ? 'applied' : 'partially_applied';
	const remainderFlag =
		remaining === 0n
			? undefined
			: flag(
					'PARTIALLY_SETTLED',
					`${formatAmount(remaining, payment.currency)} ${payment.currency} of the payment is still unapplied.`,
					`${formatAmount(remaining, payment.currency)} ${payment.currency} du paiement restent non imputés.`,
				);
	const customerId = payment.customer_id ?? (customers.size === 1 ? [...customers][0] : null);
	await client.query(
		`UPDATE payments SET customer_id = COALESCE(customer_id, $2), unapplied_minor = $3, status = $4, flag_reason = $5, flag_details = $6,
			allocated_at = now(), extra = jsonb_set(extra, '{settlements}', COALESCE(extra->'settlements', '[]'::jsonb) || to_jsonb($7::text))
		WHERE id = $1`,
		[
			payment.id,
			customerId,
			remaining.toString(),
			status,
			remainderFlag?.code ?? null,
			JSON.stringify(remainderFlag ?? {}),
			decisionId,
		],
	);
	const byHand = timelineEvent('payment_settled', {
		payment: ref,
		invoices: lines.map((l) => l.invoiceNumber),
		note: input.note || undefined,
	});
	await client.query(
		`INSERT INTO history (customer_id, kind, actor, summary, content_hash, payload) VALUES ($1, 'payment_settled', $2, $3, $4, $5)`,
		[
			customerId,
			actor,
			byHand.summary,
			decisionId,
			JSON.stringify({
				paymentId: payment.id,
				decisionId,
				previousStatus: payment.status,
				previousFlag: payment.flag_reason,
				note: input.note ?? null,
				allocations: lines.map((l) => ({
					invoiceId: l.invoiceId,
					amountMinor: l.amountMinor.toString(),
				})),
				timeline: byHand.timeline,
			}),
		],
	);
	// A person's decision teaches the ledger the payer's account and name: the next payment from it finds its customer.
	if (customerId)
		await learnPayerAccount(
			client,
			payment.extra.counterpartyAccount,
			customerId,
			payment.id,
			actor,
		);
	// The name is learned for the customer whose invoices the person chose; when that is not the customer the rules
	// had found (or the invoices are of several customers), it is learned for each, which marks it shared: it then
	// designates nobody, and the next payment under it goes to a person again.
	for (const id of new Set([payment.customer_id, ...customers].filter((c): c is string => !!c)))
		await learnPayerName(client, payment.payer_name, id, payment.id, actor);
	const result = await allocationResult(client, payment, {
		status,
		customerId,
		remaining,
		lines,
		flag: remainderFlag,
		paidInvoiceIds,
		changed: true,
	});
	return { ...result, decisionId, alreadyApplied: false };
}

/** applyPaymentWith in a transaction of its own, retried on deadlock or serialisation failure. */
export async function applyPayment(
	ledger: Ledger,
	input: ApplyPaymentInput,
): Promise<ApplyPaymentResult> {
	return await retryTransient(() =>
		ledger.transaction((client) => applyPaymentWith(client, input)),
	);
}

/** A paid event as plain JSON (decimal amount string), the shape workflows and the thank-you stage read. */
export function paidEventJson(event: InvoicePaidEvent): Record<string, string | string[]> {
	return {
		type: event.type,
		invoiceId: event.invoiceId,
		invoiceNumber: event.invoiceNumber,
		issuer: event.issuer,
		customerId: event.customerExternalId,
		customerName: event.customerName,
		language: event.customerLanguage,
		currency: event.currency,
		amount: formatAmount(event.payableMinor, event.currency),
		amountPaid: formatAmount(event.paidMinor, event.currency),
		paidOn: event.paidOn,
		paymentIds: event.paymentIds,
	};
}
