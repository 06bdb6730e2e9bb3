import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { formatAmount } from '../money/money';
import { effectiveDate, effectiveInstant } from '../ledger/effective';
import { DEFAULT_ZONE, parseCalendarDate } from '../time/dates';

/**
 * Promises to pay hold an invoice's dunning until their date (the reminder planner skips an invoice with a
 * pending promise dated today or later). Settling them, once a day, says which were kept (the invoice was paid
 * by the promised date) and which were broken (the date passed, the invoice is still due): a broken promise is
 * flagged and written to the history, and its invoice is back in dunning from the day after the promised date.
 */

export interface SettledPromise {
	id: string;
	customer: string;
	invoice: string | null;
	promisedOn: string;
	amount: string | null;
	currency: string | null;
	status: 'kept' | 'broken';
}

export interface SettleResult {
	asOf: string;
	kept: SettledPromise[];
	broken: SettledPromise[];
}

/**
 * Settles the pending promises: kept when the invoice is no longer open (paid or credited by the promised date),
 * broken when the promised date is before `asOf` and it is not. A promise on a whole account (no invoice) is kept
 * when a payment of the customer of at least its amount was received between the promise and its date.
 * `asOf` (default today in the zone, never in the future) is the settlement's effective date: the promises are
 * settled as the ledger stood that day (an invoice paid after it was still open then) and reports as of later dates
 * see them settled from that day on (`settled_at`, and the history rows, at noon of that day in the zone).
 */
export async function settlePromises(
	ledger: Ledger,
	options: { asOf?: string; zone?: string; actor?: string } = {},
): Promise<SettleResult> {
	const zone = options.zone || DEFAULT_ZONE;
	const asOf = effectiveDate(options.asOf, zone, 'PROMISE_BAD_DATE');
	const at = effectiveInstant(asOf, zone);
	return await ledger.transaction(async (client) => {
		const { rows } = await client.query<{
			id: string;
			customer_id: string;
			external_id: string;
			invoice_id: string | null;
			number: string | null;
			promised_on: string;
			amount_minor: string | null;
			currency: string | null;
			kept: boolean;
		}>(
			`WITH candidates AS (
				SELECT p.id, p.customer_id, p.invoice_id, p.promised_on, p.amount_minor, p.currency, p.created_at,
					i.number, i.status AS invoice_status, i.open_minor, i.paid_at
				FROM promises p LEFT JOIN invoices i ON i.id = p.invoice_id
				WHERE p.status = 'pending' AND (p.created_at AT TIME ZONE $2)::date <= $1::date
					AND (p.promised_on < $1::date OR (p.invoice_id IS NOT NULL AND i.status <> 'open' AND (i.paid_at IS NULL OR i.paid_at <= $1::date)))
				FOR UPDATE OF p
			)
			SELECT c.id, c.customer_id, cu.external_id, c.invoice_id, c.number, c.promised_on::text, c.amount_minor, trim(c.currency) AS currency,
				CASE WHEN c.invoice_id IS NOT NULL THEN c.invoice_status <> 'open' AND (c.paid_at IS NULL OR c.paid_at <= LEAST(c.promised_on, $1::date))
					-- a payment in the promise's currency: amounts are never compared across currencies
					ELSE EXISTS (SELECT 1 FROM payments pay WHERE pay.customer_id = c.customer_id AND (c.currency IS NULL OR pay.currency = c.currency)
						AND pay.received_on BETWEEN (c.created_at AT TIME ZONE $2)::date AND c.promised_on
						AND pay.amount_minor >= coalesce(c.amount_minor, 1))
				END AS kept
			FROM candidates c JOIN customers cu ON cu.id = c.customer_id
			ORDER BY c.promised_on, c.id`,
			[asOf, zone],
		);
		const kept: SettledPromise[] = [];
		const broken: SettledPromise[] = [];
		for (const r of rows) {
			const settled: SettledPromise = {
				id: r.id,
				customer: r.external_id,
				invoice: r.number,
				promisedOn: r.promised_on,
				status: r.kept ? 'kept' : 'broken',
				amount:
					r.amount_minor !== null && r.currency
						? formatAmount(BigInt(r.amount_minor), r.currency)
						: null,
				currency: r.currency,
			};
			(r.kept ? kept : broken).push(settled);
		}
		if (rows.length) {
			await client.query(
				`UPDATE promises p SET status = CASE WHEN r.kept THEN 'kept' ELSE 'broken' END, flagged = NOT r.kept, settled_at = coalesce($2::timestamptz, now())
				FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, kept boolean) WHERE p.id = r.id`,
				[JSON.stringify(rows.map((r) => ({ id: r.id, kept: r.kept }))), at],
			);
			await client.query(
				`INSERT INTO history (at, customer_id, invoice_id, kind, channel, actor, summary, payload)
				SELECT coalesce($3::timestamptz, now()), r.customer_id, r.invoice_id, CASE WHEN r.kept THEN 'promise_kept' ELSE 'promise_broken' END, 'promise', $2,
					CASE WHEN r.kept THEN 'Promise to pay of ' || r.promised_on || ' kept'
						ELSE 'Promise to pay of ' || r.promised_on || ' broken: not paid, dunning resumes' END,
					jsonb_build_object('promiseId', r.id::text, 'promisedOn', r.promised_on,
						'timeline', jsonb_build_object('key', CASE WHEN r.kept THEN 'promise_kept' ELSE 'promise_broken' END, 'fields', jsonb_build_object('promisedOn', r.promised_on)))
				FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, customer_id bigint, invoice_id bigint, promised_on text, kept boolean)`,
				[JSON.stringify(rows), options.actor ?? 'promises', at],
			);
		}
		return { asOf, kept, broken };
	});
}

export interface PromiseStats {
	customer: string;
	name: string;
	kept: number;
	broken: number;
	pending: number;
	/** Kept among settled promises, 0..1; null when none is settled yet. */
	keptRate: number | null;
}

/** Kept, broken and pending promises per customer (the customers to hold to their word). */
export async function promiseStats(
	ledger: Ledger,
	options: { customer?: string; since?: string } = {},
): Promise<PromiseStats[]> {
	const since = options.since ? parseCalendarDate(options.since) : undefined;
	if (options.since && !since)
		throw new ReceivablesError('PROMISE_BAD_DATE', `"${options.since}" is not a calendar date.`, {
			hint: 'Give the date as YYYY-MM-DD.',
		});
	const rows = await ledger.query<{
		external_id: string;
		name: string;
		kept: number;
		broken: number;
		pending: number;
	}>(
		`SELECT c.external_id, c.name, count(*) FILTER (WHERE p.status = 'kept')::int AS kept, count(*) FILTER (WHERE p.status = 'broken')::int AS broken,
			count(*) FILTER (WHERE p.status = 'pending')::int AS pending
		FROM promises p JOIN customers c ON c.id = p.customer_id
		WHERE ($1::text IS NULL OR c.external_id = $1) AND ($2::date IS NULL OR p.promised_on >= $2::date)
		GROUP BY c.external_id, c.name ORDER BY count(*) FILTER (WHERE p.status = 'broken') DESC, c.external_id`,
		[options.customer || null, since ?? null],
	);
	return rows.map((r) => ({
		customer: r.external_id,
		name: r.name,
		kept: r.kept,
		broken: r.broken,
		pending: r.pending,
		keptRate: r.kept + r.broken ? Math.round((r.kept / (r.kept + r.broken)) * 1000) / 1000 : null,
	}));
}
