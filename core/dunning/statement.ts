import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { formatAmount } from '../money';
import { DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time';
import {
	chargesJson,
	earlierVersions,
	latePaymentCharges,
	type ChargesWarning,
	type LatePaymentCharges,
	type Settlement,
} from './charges';
import { companyLaw } from './plan';
import { applyOverrides, loadPolicies, type DunningPolicy, type PolicyOverrides } from './policy';

/**
 * Statement of late-payment charges: for each invoice paid late (in full or in part) or still open past its due
 * date, the interest on each amount for its own period and the fixed indemnity — what a company may claim under
 * Code de commerce L441-10 and D441-5, including invoices already paid in full, late. Read-only.
 */
export interface StatementOptions {
	/** Only this customer (code). */
	customerExternalId?: string;
	/** Only invoices due on or after this date. */
	dueFrom?: string;
	/**
	 * The statement's date (default today in `zone`): interest runs up to it on what was still owed that day, each
	 * invoice as it stood then (an amount paid after it was still open and late on that day).
	 */
	asOf?: string;
	zone?: string;
	/** Policy of customers without a profile (default "standard"). */
	defaultPolicy?: string;
	/** Include invoices still open (default true); false: only invoices already paid late. */
	includeOpen?: boolean;
	/** Maximum invoices read (default 10 000). */
	limit?: number;
}

export interface StatementLine {
	invoiceId: string;
	number: string;
	customerId: string;
	customerExternalId: string;
	customerName: string;
	currency: string;
	dueDate: string;
	status: string;
	paidAt: string | null;
	charges: LatePaymentCharges;
}

export interface StatementTotals {
	customerExternalId: string;
	currency: string;
	interestMinor: bigint;
	/** Indemnities by the currency they are stated in (EUR 40 stays in EUR on a USD invoice). */
	indemnities: Record<string, bigint>;
	invoices: number;
	/** Rate-table and contract-rate warnings of this customer's invoices in this currency (each once). */
	warnings: ChargesWarning[];
}

export interface ChargesStatement {
	asOf: string;
	lines: StatementLine[];
	/** Per customer and invoice currency: amounts are never added across currencies. */
	totals: StatementTotals[];
	/** Every warning of the statement (each once); each total carries its own. */
	warnings: ChargesWarning[];
}

interface Row {
	id: string;
	number: string;
	customer_id: string;
	external_id: string;
	name: string;
	currency: string;
	due_date: string;
	status: string;
	paid_at: string | null;
	open_minor: string;
	profile: string | null;
	policy_overrides: PolicyOverrides;
	settlements: Array<{ date: string; amount: string; kind: 'payment' | 'write_off' }> | null;
	payable_minor: string;
	revisions: Array<{ until: string; payable: string; due: string }> | null;
}

export async function statementOfCharges(
	ledger: Ledger,
	options: StatementOptions = {},
): Promise<ChargesStatement> {
	const zone = options.zone || DEFAULT_ZONE;
	const asOf = options.asOf ? parseCalendarDate(options.asOf, zone) : todayIn(zone);
	const dueFrom = options.dueFrom ? parseCalendarDate(options.dueFrom, zone) : undefined;
	if (!asOf || (options.dueFrom && !dueFrom)) {
		throw new ReceivablesError(
			'CHARGES_BAD_DATE',
			`"${options.asOf ?? options.dueFrom}" is not a calendar date.`,
			{ hint: 'Give dates as YYYY-MM-DD.' },
		);
	}
	const policies = await loadPolicies(ledger);
	const law = await companyLaw(ledger);
	const params: unknown[] = [asOf];
	// The earliest due date the invoice had (a revision may have moved it): an invoice late under a content it had
	// is a candidate; the charges say whether anything was late (see latePaymentCharges' revisions).
	const due = `LEAST(i.due_date, (SELECT min(rv.due_date) FROM invoice_revisions rv WHERE rv.invoice_id = i.id))`;
	const where = ["i.doc_type = 'invoice'", `${due} < $1::date`];
	// paid late by the date: the last settlement after the due date and on or before the date; open at the date:
	// still owed now, or paid in full after the date
	const late = `(i.status = 'paid' AND i.paid_at > ${due} AND i.paid_at <= $1::date)`;
	const open = `((i.status = 'open' AND i.open_minor > 0) OR (i.status = 'paid' AND i.paid_at > $1::date))`;
	where.push(options.includeOpen === false ? late : `(${late} OR ${open})`);
	if (options.customerExternalId) {
		params.push(options.customerExternalId);
		where.push(`c.external_id = $${params.length}`);
	}
	if (dueFrom) {
		params.push(dueFrom);
		where.push(`i.due_date >= $${params.length}::date`);
	}
	params.push(options.limit ?? 10000);
	const rows = await chargeRows(
		ledger,
		`${where.join(' AND ')} ORDER BY c.external_id, i.currency, i.due_date, i.id LIMIT $${params.length}`,
		params,
	);
	const defaultPolicy = options.defaultPolicy || 'standard';
	const lines: StatementLine[] = [];
	const totals = new Map<string, StatementTotals>();
	const warnings: ChargesWarning[] = [];
	for (const row of rows) {
		const charges = rowCharges(row, asOf, policies.get(row.profile ?? defaultPolicy), law);
		if (charges.interestMinor === 0n && charges.fixedIndemnityMinor === 0n) continue;
		lines.push({
			invoiceId: String(row.id),
			number: row.number,
			customerId: String(row.customer_id),
			customerExternalId: row.external_id,
			customerName: row.name,
			currency: row.currency,
			dueDate: row.due_date,
			status: row.status,
			paidAt: row.paid_at,
			charges,
		});
		const key = `${row.external_id}\u0000${row.currency}`;
		const total = totals.get(key) ?? {
			customerExternalId: row.external_id,
			currency: row.currency,
			interestMinor: 0n,
			indemnities: {},
			invoices: 0,
			warnings: [],
		};
		total.interestMinor += charges.interestMinor;
		if (charges.fixedIndemnityMinor > 0n)
			total.indemnities[charges.fixedIndemnityCurrency] =
				(total.indemnities[charges.fixedIndemnityCurrency] ?? 0n) + charges.fixedIndemnityMinor;
		total.invoices += 1;
		totals.set(key, total);
		for (const w of charges.warnings) {
			if (!warnings.some((x) => x.code === w.code && x.semester === w.semester)) warnings.push(w);
			if (!total.warnings.some((x) => x.code === w.code && x.semester === w.semester))
				total.warnings.push(w);
		}
	}
	return { asOf, lines, totals: [...totals.values()], warnings };
}

/**
 * The invoices' rows as the charges read them, the invoice as it stood on `$1` (the as-of date): what it owed, every
 * settlement with its date, its kept revisions. `tail` is the rest of the query after the joins (WHERE …).
 */
function chargeRows(ledger: Ledger, tail: string, params: unknown[]): Promise<Row[]> {
	return ledger.query<Row>(
		`SELECT i.id, i.number, i.customer_id, c.external_id, c.name, i.currency, i.due_date::text,
			CASE WHEN i.status = 'paid' AND i.paid_at > $1::date THEN 'open' ELSE i.status END AS status,
			CASE WHEN i.paid_at > $1::date THEN NULL ELSE i.paid_at::text END AS paid_at,
			i.open_minor, c.profile, c.policy_overrides,
			(SELECT json_agg(json_build_object('date', s.on_date::text, 'amount', s.amount_minor::text, 'kind', s.kind) ORDER BY s.on_date)
				FROM (SELECT p.received_on AS on_date, a.amount_minor, 'payment' AS kind FROM allocations a JOIN payments p ON p.id = a.payment_id
					WHERE a.invoice_id = i.id
					UNION ALL SELECT w.effective_on, w.amount_minor, 'write_off' FROM write_offs w WHERE w.invoice_id = i.id) s) AS settlements,
			i.payable_minor,
			(SELECT json_agg(json_build_object('until', rv.superseded_on::text, 'payable', rv.payable_minor::text, 'due', rv.due_date::text) ORDER BY rv.superseded_on, rv.revision)
				FROM invoice_revisions rv WHERE rv.invoice_id = i.id) AS revisions
		FROM invoices i JOIN customers c ON c.id = i.customer_id
		WHERE ${tail}`,
		params,
	);
}

/**
 * The charges of one invoice row as of a date — the rule reminders and statements share: each amount for its own
 * period (settlements up to the date), each revision's content day by day (see latePaymentCharges' revisions), the
 * customer's policy (its overrides applied) for the contract rate and indemnity, its law, else the company's.
 * `given` replaces the policy's contract rate or the law where set.
 */
function rowCharges(
	row: Row,
	asOf: string,
	profilePolicy: DunningPolicy | undefined,
	companyLawCode: string,
	given: { contractRatePercent?: string; governingLaw?: string } = {},
): LatePaymentCharges {
	let policy = profilePolicy;
	if (policy && row.policy_overrides && Object.keys(row.policy_overrides).length) {
		try {
			policy = applyOverrides(policy, row.policy_overrides);
		} catch {
			// invalid overrides: the profile's policy (the plan reports them)
		}
	}
	// What the invoice owed: open now plus every settlement; the settlements after the date were still owed then.
	const all: Settlement[] = (row.settlements ?? []).map((s) => ({
		date: s.date,
		amountMinor: BigInt(s.amount),
		kind: s.kind,
	}));
	const owed = BigInt(row.open_minor) + all.reduce((sum, s) => sum + s.amountMinor, 0n);
	return latePaymentCharges({
		amountMinor: owed,
		settlements: all.filter((s) => s.date <= asOf),
		revisions: earlierVersions(
			row.revisions?.map((x) => ({
				until: x.until,
				payableMinor: BigInt(x.payable),
				dueDate: x.due,
			})),
			BigInt(row.payable_minor),
			owed,
		),
		currency: row.currency,
		dueDate: row.due_date,
		asOf,
		contractRatePercent: given.contractRatePercent || policy?.contractRatePercent,
		fixedIndemnity: policy?.fixedIndemnity,
		governingLaw:
			given.governingLaw ||
			(row.policy_overrides?.governingLaw ?? policy?.governingLaw ?? companyLawCode),
	});
}

export interface InvoiceChargesOptions {
	/** The invoice's number (an invoice, not a credit note). */
	invoiceNumber: string;
	/** The customer's code, when numbers repeat across issuers. */
	customerExternalId?: string;
	/** Interest runs up to this date (default today in `zone`); the invoice as it stood that day. */
	asOf?: string;
	zone?: string;
	/** Policy of a customer without a profile (default "standard"). */
	defaultPolicy?: string;
	/** Replaces the customer's policy contract rate (empty: the policy's, else the legal rate). */
	contractRatePercent?: string;
	/** Replaces the customer's or company's governing law (empty: theirs). */
	governingLaw?: string;
}

/**
 * The late-payment charges of one invoice of the ledger as of a date, computed exactly as the reminders and the
 * Statement of Late-Payment Charges compute them: its payments, credit notes and write-offs, its revisions, the
 * customer's policy and law. Read-only.
 */
export async function invoiceLateCharges(
	ledger: Ledger,
	options: InvoiceChargesOptions,
): Promise<StatementLine> {
	const zone = options.zone || DEFAULT_ZONE;
	const asOf = options.asOf ? parseCalendarDate(options.asOf, zone) : todayIn(zone);
	if (!asOf) {
		throw new ReceivablesError('CHARGES_BAD_DATE', `"${options.asOf}" is not a calendar date.`, {
			hint: 'Give dates as YYYY-MM-DD.',
		});
	}
	const number = String(options.invoiceNumber ?? '').trim();
	if (!number) {
		throw new ReceivablesError('CHARGES_NO_INVOICE', 'No invoice number was given.', {
			hint: 'Give the number of an invoice of the ledger, or compute from the item’s fields.',
		});
	}
	const params: unknown[] = [asOf, number];
	let where = "i.doc_type = 'invoice' AND i.number = $2";
	if (options.customerExternalId?.trim()) {
		params.push(options.customerExternalId.trim());
		where += ` AND c.external_id = $${params.length}`;
	}
	const rows = await chargeRows(ledger, `${where} ORDER BY i.id LIMIT 2`, params);
	if (rows.length !== 1) {
		throw new ReceivablesError(
			rows.length ? 'CHARGES_AMBIGUOUS_INVOICE' : 'CHARGES_UNKNOWN_INVOICE',
			rows.length
				? `Several invoices of the ledger are numbered "${number}".`
				: `The ledger has no invoice numbered "${number}"${options.customerExternalId ? ` for customer ${options.customerExternalId}` : ''}.`,
			{
				hint: rows.length
					? 'Give the customer’s code as well.'
					: 'Check the number (an invoice, not a credit note) and the customer’s code.',
			},
		);
	}
	const row = rows[0];
	const policies = await loadPolicies(ledger);
	const charges = rowCharges(
		row,
		asOf,
		policies.get(row.profile ?? (options.defaultPolicy || 'standard')),
		await companyLaw(ledger),
		{
			contractRatePercent: options.contractRatePercent?.trim() || undefined,
			governingLaw: options.governingLaw?.trim() || undefined,
		},
	);
	return {
		invoiceId: String(row.id),
		number: row.number,
		customerId: String(row.customer_id),
		customerExternalId: row.external_id,
		customerName: row.name,
		currency: row.currency,
		dueDate: row.due_date,
		status: row.status,
		paidAt: row.paid_at,
		charges,
	};
}

/** JSON view of a statement for node outputs: decimal strings, no bigint. */
export function statementJson(statement: ChargesStatement): Record<string, unknown> {
	return {
		asOf: statement.asOf,
		lines: statement.lines.map((l) => ({
			invoiceId: l.invoiceId,
			number: l.number,
			customerExternalId: l.customerExternalId,
			customerName: l.customerName,
			currency: l.currency,
			dueDate: l.dueDate,
			status: l.status,
			paidAt: l.paidAt,
			...chargesJson(l.charges),
		})),
		totals: statement.totals.map((t) => ({
			customerExternalId: t.customerExternalId,
			currency: t.currency,
			invoices: t.invoices,
			interest: formatAmount(t.interestMinor, t.currency),
			indemnities: Object.fromEntries(
				Object.entries(t.indemnities).map(([c, m]) => [c, formatAmount(m, c)]),
			),
			warnings: t.warnings.map((w) => ({ ...w })),
		})),
		warnings: statement.warnings.map((w) => ({ ...w })),
	};
}
