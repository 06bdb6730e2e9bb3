import { loadCompanyName } from '../company/store';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { formatAmount, parseAmount } from '../money/money';
import { addDays, DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time/dates';
import { callIntro, checklistFor } from './checklist';
import type { PlannedCall, PlannedCallInvoice } from './calls';
import { openReminderCalls } from './fromReminder';
import { timelineSummary } from '../dunning/timeline-text';
import { splitDisputed } from '../disputes/part';

/**
 * Plans the quality calls of a day: the open invoices falling due in N days (matching a filter), grouped by
 * customer into one call task each, assigned to the collector of the customer's portfolio, with the call's
 * checklist in the customer's language and the customer's recent history. Planning the same day again adds the
 * new invoices to the open tasks and creates nothing twice (one task per customer and day).
 */

export interface PlanCallsOptions {
	/** Day of the calls (default today in the zone). */
	asOf?: string;
	zone?: string;
	/** Invoices due this many days after the call day (default 5)... */
	daysBeforeDue?: number;
	/** ...and in the following days, for a window (default 1: that day only). */
	windowDays?: number;
	/** Only these customer profiles (dunning policies). */
	profiles?: string[];
	/** Only these customers (external ids). */
	customers?: string[];
	/** Only the portfolio of this collector. */
	collector?: string;
	/** Only invoices whose open amount is at least this (decimal, in the invoice's currency). */
	minAmount?: string;
	/** Assignee of customers without a collector (default: none). */
	defaultAssignee?: string;
	/** History entries per customer (default 5, the last 180 days). */
	historyEntries?: number;
	/** Company name said in the call's opening sentence (default: the ledger's settings "company".name). */
	company?: string;
}

export type { PlannedCall, PlannedCallInvoice } from './calls';

export interface CallPlan {
	asOf: string;
	dueFrom: string;
	dueTo: string;
	calls: PlannedCall[];
}

interface Row {
	id: string;
	number: string;
	due_date: string;
	currency: string;
	payable_minor: string;
	open_minor: string;
	po_number: string | null;
	customer_id: string;
	external_id: string;
	name: string;
	language: 'fr' | 'en';
	phone: string | null;
	emails: string[];
	profile: string | null;
	collector_code: string | null;
	collector_name: string | null;
	collector_phone: string | null;
	collector_email: string | null;
	/** Sum of the parts in open disputes of some lines of the invoice (null: none). */
	disputed_parts: string | null;
	/** The buyer's latest approval on the e-invoicing platform (205/206), unless disputed, refused or rejected since. */
	approval_code: '205' | '206' | null;
	approval_at: string | null;
	approval_amounts: Array<{ type: string; amountMinor: string; currency: string }> | null;
}

function planError(message: string, hint: string): ReceivablesError {
	return new ReceivablesError('CALL_PLAN_INVALID', message, { hint });
}

const SELECT_DUE = `SELECT i.id, i.number, i.due_date::text, trim(i.currency) AS currency, i.payable_minor, i.open_minor, i.po_number,
		c.id AS customer_id, c.external_id, c.name, c.language, c.phone, c.emails, c.profile, c.collector_code,
		co.name AS collector_name, co.phone AS collector_phone, co.email AS collector_email,
		(SELECT sum(di.disputed_minor)::text FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
			WHERE di.invoice_id = i.id AND d.status = 'open' AND di.disputed_minor IS NOT NULL) AS disputed_parts,
		ap.status_code AS approval_code, to_char(ap.issued_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS approval_at, ap.amounts AS approval_amounts
	FROM invoices i
	LEFT JOIN LATERAL (
		SELECT l.status_code, l.issued_at AT TIME ZONE 'UTC' AS issued_at, l.amounts FROM lifecycle_statuses l
		WHERE l.invoice_id = i.id AND l.status_code IN ('205', '206') AND l.outcome IN ('applied', 'superseded') AND l.effect = 'approved'
			AND NOT EXISTS (SELECT 1 FROM lifecycle_statuses x WHERE x.invoice_id = i.id AND x.status_code IN ('207', '208', '210', '213', '501')
				AND x.outcome IN ('applied', 'superseded') AND x.issued_at > l.issued_at)
		ORDER BY l.issued_at DESC, l.id DESC LIMIT 1
	) ap ON true
	JOIN customers c ON c.id = i.customer_id
	LEFT JOIN staff co ON co.code = c.collector_code
	WHERE i.status = 'open' AND i.due_date BETWEEN $1::date AND $2::date AND i.doc_type = 'invoice' AND i.open_minor > 0
		AND NOT c.on_hold
		AND ($3::text[] IS NULL OR c.profile = ANY($3::text[]))
		AND ($4::text[] IS NULL OR c.external_id = ANY($4::text[]))
		AND ($5::text IS NULL OR c.collector_code = $5::text)
		AND NOT EXISTS (SELECT 1 FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id WHERE di.invoice_id = i.id AND d.status = 'open' AND di.disputed_minor IS NULL)
	ORDER BY c.external_id, i.due_date, i.number`;

/** The approval the buyer gave on the e-invoicing platform: 205 the whole invoice, 206 a part (the approved amount). */
function platformApproval(row: Row): NonNullable<PlannedCallInvoice['platformApproval']> {
	const amounts = row.approval_amounts ?? [];
	const amount = (...types: string[]) => {
		for (const type of types) {
			const found = amounts.find((a) => a.type === type && a.currency.trim() === row.currency);
			if (found) return formatAmount(BigInt(found.amountMinor), row.currency);
		}
		return undefined;
	};
	const approved = row.approval_code === '206' ? amount('MAPTTC', 'MAP') : undefined;
	const notApproved = row.approval_code === '206' ? amount('MNATTC', 'MNA') : undefined;
	return {
		status: row.approval_code as '205' | '206',
		at: row.approval_at as string,
		...(approved ? { approved } : {}),
		...(notApproved ? { notApproved } : {}),
	};
}

/**
 * The checklist questions the platform already answered for every invoice of the call: approved (205) means booked
 * and conform; partly approved (206) means booked, not conform as a whole (the approved amount is in the invoice).
 */
function platformAnswers(rows: Row[]): Partial<Record<'booked' | 'conform', boolean>> {
	if (rows.length === 0 || rows.some((r) => !r.approval_code)) return {};
	return { booked: true, conform: rows.every((r) => r.approval_code === '205') };
}

export async function planCalls(ledger: Ledger, options: PlanCallsOptions = {}): Promise<CallPlan> {
	const zone = options.zone || DEFAULT_ZONE;
	const asOf = options.asOf ? parseCalendarDate(options.asOf, zone) : todayIn(zone);
	if (!asOf)
		throw planError(
			`"${options.asOf}" is not a calendar date.`,
			'Give the call day as YYYY-MM-DD, or leave it empty for today.',
		);
	const before = options.daysBeforeDue ?? 5;
	const window = options.windowDays ?? 1;
	if (!Number.isInteger(before) || before < 0 || before > 365)
		throw planError(
			`"${options.daysBeforeDue}" days before the due date is not a number of days.`,
			'Give a whole number between 0 and 365.',
		);
	if (!Number.isInteger(window) || window < 1 || window > 92)
		throw planError(
			`A window of "${options.windowDays}" days is not valid.`,
			'Give a whole number of days between 1 and 92.',
		);
	const dueFrom = addDays(asOf, before);
	const dueTo = addDays(asOf, before + window - 1);
	const list = (values?: string[]) =>
		values && values.filter(Boolean).length ? values.filter(Boolean) : null;
	const due = await ledger.query<Row>(SELECT_DUE, [
		dueFrom,
		dueTo,
		list(options.profiles),
		list(options.customers),
		options.collector || null,
	]);
	// A dispute of some lines: the call is about the undisputed rest, as the reminders (same rule, core/disputes/part.ts);
	// nothing undisputed left, no call. A dispute of the whole invoice leaves it out (SELECT_DUE).
	const disputed = new Map<string, bigint>();
	const rows = due.filter((r) => {
		if (r.disputed_parts === null) return true;
		const split = splitDisputed(BigInt(r.open_minor), {
			whole: false,
			partsMinor: BigInt(r.disputed_parts),
		});
		if (split.undisputedMinor <= 0n) return false;
		disputed.set(r.id, split.disputedMinor);
		r.open_minor = split.undisputedMinor.toString();
		return true;
	});
	const kept = rows.filter((r) => {
		if (!options.minAmount) return true;
		try {
			return BigInt(r.open_minor) >= parseAmount(options.minAmount, r.currency);
		} catch {
			throw planError(
				`The minimum amount "${options.minAmount}" is not an amount.`,
				'Write it with digits, for example 500 or 1 500,00.',
			);
		}
	});
	const byCustomer = new Map<string, Row[]>();
	for (const r of kept)
		byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), r]);
	const company = options.company || (await loadCompanyName(ledger)) || null;
	// call tasks a dunning stage asked for (call channel), still open: listed with the quality calls
	const reminderCalls = await openReminderCalls(ledger, {
		asOf,
		profiles: list(options.profiles),
		customers: list(options.customers),
		collector: options.collector,
		company,
	});
	if (byCustomer.size === 0 && reminderCalls.length === 0)
		return { asOf, dueFrom, dueTo, calls: [] };
	const customerIds = [
		...new Set([...byCustomer.keys(), ...reminderCalls.map((c) => c.customer.id)]),
	];
	const calls = await ledger.transaction(async (client) => {
		const out: PlannedCall[] = [];
		for (const [customerId, invoices] of byCustomer) {
			const first = invoices[0];
			const language = first.language === 'en' ? 'en' : 'fr';
			const assignee = first.collector_code ?? options.defaultAssignee ?? null;
			const checklist = checklistFor(
				language,
				invoices.map((i) => i.number),
				invoices.map((i) => i.due_date),
				platformAnswers(invoices),
			);
			const ids = invoices.map((i) => i.id);
			const upsert = await client.query<{
				id: string;
				inserted: boolean;
				invoice_ids: string[];
				before: string[] | null;
				status: string;
			}>(
				`WITH before AS (SELECT invoice_ids FROM contact_tasks WHERE customer_id = $1 AND kind = 'quality_call' AND due_on = $3)
				INSERT INTO contact_tasks (customer_id, kind, assignee_code, due_on, invoice_ids, language)
				VALUES ($1, 'quality_call', $2, $3, $4::bigint[], $5)
				ON CONFLICT (customer_id, kind, due_on) DO UPDATE
					SET invoice_ids = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(contact_tasks.invoice_ids || EXCLUDED.invoice_ids) AS x),
						assignee_code = coalesce(contact_tasks.assignee_code, EXCLUDED.assignee_code)
					WHERE contact_tasks.status = 'open'
				RETURNING id, (xmax = 0) AS inserted, invoice_ids::text[], (SELECT invoice_ids::text[] FROM before) AS before, status`,
				[customerId, assignee, asOf, ids, language],
			);
			let taskId: string;
			let status: PlannedCall['status'];
			if (upsert.rows[0]) {
				const row = upsert.rows[0];
				taskId = row.id;
				status = row.inserted
					? 'created'
					: (row.before ?? []).length === row.invoice_ids.length
						? 'unchanged'
						: 'updated';
			} else {
				const done = await client.query<{ id: string }>(
					"SELECT id FROM contact_tasks WHERE customer_id = $1 AND kind = 'quality_call' AND due_on = $2",
					[customerId, asOf],
				);
				taskId = done.rows[0].id;
				status = 'done';
			}
			await client.query(
				"UPDATE contact_tasks SET checklist = $2 WHERE id = $1 AND checklist = '{}'::jsonb",
				[
					taskId,
					JSON.stringify(Object.fromEntries(checklist.map((c) => [c.key, c.answer ?? null]))),
				],
			);
			const totals = new Map<string, bigint>();
			for (const i of invoices)
				totals.set(i.currency, (totals.get(i.currency) ?? 0n) + BigInt(i.open_minor));
			out.push({
				taskId,
				status,
				dueOn: asOf,
				language,
				customer: {
					id: customerId,
					externalId: first.external_id,
					name: first.name,
					phone: first.phone,
					emails: first.emails ?? [],
					profile: first.profile,
				},
				assignee: assignee
					? {
							code: assignee,
							name: first.collector_code ? first.collector_name : null,
							phone: first.collector_code ? first.collector_phone : null,
							email: first.collector_code ? first.collector_email : null,
						}
					: null,
				invoices: invoices.map((i) => ({
					id: i.id,
					number: i.number,
					dueDate: i.due_date,
					currency: i.currency,
					poNumber: i.po_number,
					amount: formatAmount(BigInt(i.payable_minor), i.currency),
					open: formatAmount(BigInt(i.open_minor), i.currency),
					...(disputed.has(i.id)
						? { disputed: formatAmount(disputed.get(i.id)!, i.currency) }
						: {}),
					...(i.approval_code ? { platformApproval: platformApproval(i) } : {}),
				})),
				totals: [...totals].map(([currency, open]) => ({
					currency,
					open: formatAmount(open, currency),
				})),
				intro: callIntro(
					language,
					first.collector_code ? first.collector_name : null,
					company,
					first.name,
				),
				checklist,
				history: [],
				promises: { kept: 0, broken: 0, pending: 0 },
				openDisputes: 0,
			});
		}
		return out;
	});
	calls.push(...reminderCalls);

	const historyEntries = Math.max(0, options.historyEntries ?? 5);
	const history = historyEntries
		? await ledger.query<{
				customer_id: string;
				at: string;
				kind: string;
				channel: string | null;
				summary: string;
				payload: Record<string, unknown> | null;
			}>(
				`SELECT customer_id, at::text, kind, channel, summary, payload FROM (
					SELECT h.customer_id, h.at, h.kind, h.channel, h.summary, h.payload, row_number() OVER (PARTITION BY h.customer_id ORDER BY h.at DESC, h.id DESC) AS n
					FROM history h WHERE h.customer_id = ANY($1::bigint[]) AND h.at >= now() - interval '180 days'
				) x WHERE n <= $2 ORDER BY customer_id, at DESC`,
				[customerIds, historyEntries],
			)
		: [];
	const promises = await ledger.query<{
		customer_id: string;
		kept: number;
		broken: number;
		pending: number;
	}>(
		`SELECT customer_id, count(*) FILTER (WHERE status = 'kept')::int AS kept, count(*) FILTER (WHERE status = 'broken')::int AS broken,
			count(*) FILTER (WHERE status = 'pending')::int AS pending
		FROM promises WHERE customer_id = ANY($1::bigint[]) GROUP BY customer_id`,
		[customerIds],
	);
	const disputes = await ledger.query<{ customer_id: string; n: number }>(
		"SELECT customer_id, count(*)::int AS n FROM disputes WHERE status = 'open' AND customer_id = ANY($1::bigint[]) GROUP BY customer_id",
		[customerIds],
	);
	for (const call of calls) {
		call.history = history
			.filter((h) => h.customer_id === call.customer.id)
			.map((h) => ({
				at: h.at,
				kind: h.kind,
				channel: h.channel,
				summary: timelineSummary(h, 'en'),
				summaryFr: timelineSummary(h, 'fr'),
			}));
		const p = promises.find((r) => r.customer_id === call.customer.id);
		if (p) call.promises = { kept: p.kept, broken: p.broken, pending: p.pending };
		call.openDisputes = disputes.find((d) => d.customer_id === call.customer.id)?.n ?? 0;
	}
	const order = (c: PlannedCall) =>
		`${c.assignee ? '0' : '1'}\u0000${c.assignee?.code ?? ''}\u0000${c.customer.externalId}`;
	calls.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
	return { asOf, dueFrom, dueTo, calls };
}
