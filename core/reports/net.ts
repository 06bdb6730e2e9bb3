import type { Ledger } from '../ledger';
import {
	amountOf,
	Params,
	baseOptions,
	filterSql,
	openItemsCte,
	reportError,
	reportQuery,
	versionAt,
	type Base,
} from './sql';
import type { NetReceivables, NetReceivablesOptions, NetReceivablesRow } from './types';

/**
 * What a customer owes net of what it is owed, at date D, per customer and currency, in four parts:
 * - invoices: open invoices at D (positive open amounts, as in the aged balance);
 * - credit notes: credit notes issued by D (as they stood then) not linked to an invoice by D, plus what linked
 *   credit notes take off beyond their invoice (an invoice credited below zero);
 * - unapplied cash: payments received by D with a part not allocated by D, under the customer the payment had at D
 *   (a payment whose payer was not identified then counts under no customer, key '');
 * - net = invoices − credit notes − unapplied cash: the balance of the customer account (411).
 * `key` is an SQL expression on customers `c` and the part's currency `o.currency`.
 */
export const NET_PARTS_SQL = (
	date: string,
	key: string,
	label: string,
	where: { invoices: string; credits: string; payments: string },
): string => `WITH ${openItemsCte(date, where.invoices, { credited: true })},
	pay_cand AS MATERIALIZED (
		SELECT p.id FROM payments p WHERE p.status <> 'applied' AND p.received_on <= ${date}::date
		UNION
		SELECT a.payment_id FROM allocations a WHERE a.applied_on > ${date}::date
	),
	cash AS (
		SELECT c.id AS customer_id, p.currency::text AS currency,
			p.amount_minor - coalesce((SELECT sum(a.amount_minor) FROM allocations a WHERE a.payment_id = p.id AND a.applied_on <= ${date}::date), 0) AS amount
		FROM pay_cand JOIN payments p ON p.id = pay_cand.id
		LEFT JOIN LATERAL (SELECT true AS found, s.customer_id FROM payment_states s
			WHERE s.payment_id = p.id AND s.effective_on <= ${date}::date ORDER BY s.effective_on DESC, s.id DESC LIMIT 1) st ON true
		LEFT JOIN customers c ON c.id = CASE WHEN st.found THEN st.customer_id ELSE p.customer_id END
		WHERE p.received_on <= ${date}::date AND (${where.payments})
	),
	unlinked AS (
		SELECT c.id AS customer_id, cn.currency::text AS currency, cn.payable_minor AS amount
		FROM (
			SELECT cn0.credited_invoice_id, cn0.credited_on, cn0.status, coalesce(v.customer_id, cn0.customer_id) AS customer_id,
				coalesce(v.currency, cn0.currency) AS currency, coalesce(v.payable_minor, cn0.payable_minor) AS payable_minor,
				coalesce(v.issue_date, cn0.issue_date) AS issue_date
			FROM invoices cn0 ${versionAt('cn0.id', date)} WHERE cn0.doc_type = 'credit_note' AND cn0.issue_date <= ${date}::date
			UNION ALL
			-- credit notes re-dated after D by a revision: read as they stood
			SELECT cn0.credited_invoice_id, cn0.credited_on, cn0.status, v.customer_id, v.currency, v.payable_minor, v.issue_date
			FROM invoice_revisions v JOIN invoices cn0 ON cn0.id = v.invoice_id
			WHERE cn0.doc_type = 'credit_note' AND cn0.issue_date > ${date}::date AND v.issue_date <= ${date}::date
				AND v.revision = (SELECT r.revision FROM invoice_revisions r WHERE r.invoice_id = cn0.id AND r.superseded_on > ${date}::date ORDER BY r.superseded_on, r.revision LIMIT 1)
		) cn JOIN customers c ON c.id = cn.customer_id
		WHERE cn.issue_date <= ${date}::date AND cn.status <> 'cancelled' AND (cn.credited_invoice_id IS NULL OR cn.credited_on > ${date}::date)
			AND (${where.credits})
	),
	parts AS (
		SELECT customer_id, currency, open AS invoices, 0::bigint AS credit_notes, 0::bigint AS cash FROM open_items WHERE open > 0
		UNION ALL SELECT customer_id, currency, 0, -open, 0 FROM open_items WHERE open < 0
		UNION ALL SELECT customer_id, currency, 0, amount, 0 FROM unlinked
		UNION ALL SELECT customer_id, currency, 0, 0, amount FROM cash WHERE amount > 0
	)
	SELECT ${key} AS key, max(${label}) AS label, o.currency, sum(o.invoices)::text AS invoices, sum(o.credit_notes)::text AS credit_notes, sum(o.cash)::text AS cash
	FROM parts o LEFT JOIN customers c ON c.id = o.customer_id
	GROUP BY 1, 3`;

export interface NetParts {
	key: string;
	label: string | null;
	currency: string;
	invoices: bigint;
	creditNotes: bigint;
	cash: bigint;
}

/** The four parts of the net receivables at `date`, grouped by `key` (SQL on customers `c` and `o.currency`). */
export async function netParts(
	ledger: Ledger,
	base: Base,
	date: string,
	key: string,
	label: string,
): Promise<NetParts[]> {
	const p = new Params();
	const d = p.add(date);
	const where = {
		invoices: filterSql(base, p, 'i.currency'),
		credits: filterSql(base, p, 'cn.currency'),
		payments: filterSql(base, p, 'p.currency'),
	};
	const rows = await reportQuery<{
		key: string | null;
		label: string | null;
		currency: string;
		invoices: string;
		credit_notes: string;
		cash: string;
	}>(ledger, NET_PARTS_SQL(d, key, label, where), p.values);
	return rows.map((r) => ({
		key: r.key ?? '',
		label: r.label,
		currency: r.currency.trim(),
		invoices: BigInt(r.invoices),
		creditNotes: BigInt(r.credit_notes),
		cash: BigInt(r.cash),
	}));
}

/** Credits (credit notes and unapplied cash) per currency at `date`: what net receivables take off the open invoices. */
export async function creditsAt(
	ledger: Ledger,
	base: Base,
	date: string,
): Promise<Map<string, bigint>> {
	const parts = await netParts(ledger, base, date, "'all'", 'NULL::text');
	return new Map(parts.map((x) => [x.currency, x.creditNotes + x.cash]));
}

function row(x: NetParts): NetReceivablesRow {
	const net = x.invoices - x.creditNotes - x.cash;
	return {
		key: x.key,
		label: x.label,
		currency: x.currency,
		invoices: amountOf(x.invoices, x.currency),
		creditNotes: amountOf(x.creditNotes, x.currency),
		unappliedCash: amountOf(x.cash, x.currency),
		net: amountOf(net, x.currency),
		creditBalance: amountOf(net < 0n ? -net : 0n, x.currency),
	};
}

/** Net receivables at a date: open invoices, credits and unapplied cash per customer and in total (see NET_PARTS_SQL). */
export async function netReceivables(
	ledger: Ledger,
	options: NetReceivablesOptions = {},
): Promise<NetReceivables> {
	const base = baseOptions(options);
	const groupBy = options.groupBy ?? 'customer';
	if (groupBy !== 'customer' && groupBy !== 'none')
		throw reportError(
			`Net receivables cannot be grouped by "${String(groupBy)}".`,
			'Group by customer or none.',
		);
	const byCustomer =
		groupBy === 'customer'
			? await netParts(ledger, base, base.asOf, "coalesce(c.external_id, '')", 'c.name')
			: [];
	const totals = await netParts(ledger, base, base.asOf, 'o.currency', 'NULL::text');
	const order = (a: NetReceivablesRow, b: NetReceivablesRow) =>
		a.currency.localeCompare(b.currency) || a.key.localeCompare(b.key);
	return {
		asOf: base.asOf,
		zone: base.zone,
		rows: byCustomer.map(row).sort(order),
		totals: totals.map(row).sort(order),
	};
}
