import type { PoolClient } from 'pg';
import type { Ledger } from '../ledger/ledger';
import { formatAmount } from '../money/money';
import { callDate, callIntro, type ChecklistItem } from './checklist';
import type { PlannedCall } from './calls';

/**
 * Call tasks asked for by a dunning stage whose channel is a call: a contact task (kind `dunning_call`) for the
 * day, one per customer, assigned to the customer's collector, holding the invoices to talk about. It is listed
 * like the quality calls (same task table, same call-list shape: Export Call List prints it, Record Outcome
 * closes it by its task id).
 */
export const REMINDER_CALL_KIND = 'dunning_call';

export interface ReminderCallTaskInput {
	customerId: string;
	invoiceIds: string[];
	/** Day of the call (the plan's date). */
	dueOn: string;
	/** Collector's staff code (the customer's portfolio), or null when the customer has none. */
	assigneeCode: string | null;
	language: 'fr' | 'en';
}

export interface ReminderCallTask {
	id: string;
	status: 'created' | 'updated' | 'unchanged' | 'done';
	invoiceIds: string[];
}

/**
 * Creates the day's dunning call task of a customer, or adds the invoices to the open one. Runs on the caller's
 * client (inside its transaction).
 */
export async function upsertReminderCallTask(
	client: Pick<PoolClient, 'query'>,
	input: ReminderCallTaskInput,
): Promise<ReminderCallTask> {
	const { rows } = await client.query<{
		id: string;
		inserted: boolean;
		invoice_ids: string[];
		before: string[] | null;
		status: string;
	}>(
		`WITH before AS (SELECT invoice_ids FROM contact_tasks WHERE customer_id = $1 AND kind = $6 AND due_on = $3)
		INSERT INTO contact_tasks (customer_id, kind, assignee_code, due_on, invoice_ids, language)
		VALUES ($1, $6, $2, $3, $4::bigint[], $5)
		ON CONFLICT (customer_id, kind, due_on) DO UPDATE
			SET invoice_ids = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(contact_tasks.invoice_ids || EXCLUDED.invoice_ids) AS x),
				assignee_code = coalesce(contact_tasks.assignee_code, EXCLUDED.assignee_code)
			WHERE contact_tasks.status = 'open'
		RETURNING id, (xmax = 0) AS inserted, invoice_ids::text[], (SELECT invoice_ids::text[] FROM before) AS before, status`,
		[
			input.customerId,
			input.assigneeCode,
			input.dueOn,
			input.invoiceIds,
			input.language,
			REMINDER_CALL_KIND,
		],
	);
	const row = rows[0];
	if (row) {
		const status = row.inserted
			? 'created'
			: (row.before ?? []).length === row.invoice_ids.length
				? 'unchanged'
				: 'updated';
		return { id: row.id, status, invoiceIds: row.invoice_ids };
	}
	const done = await client.query<{ id: string; invoice_ids: string[] }>(
		'SELECT id, invoice_ids::text[] FROM contact_tasks WHERE customer_id = $1 AND kind = $3 AND due_on = $2',
		[input.customerId, input.dueOn, REMINDER_CALL_KIND],
	);
	return { id: done.rows[0].id, status: 'done', invoiceIds: done.rows[0].invoice_ids };
}

/** What the collector asks in a dunning call (same keys as the quality call, so the call list prints them). */
export function reminderCallChecklist(
	language: 'fr' | 'en',
	invoiceNumbers: string[],
	dueDates: string[],
): ChecklistItem[] {
	const invoices = invoiceNumbers.join(', ');
	const due = [...new Set(dueDates)]
		.sort()
		.map((d) => callDate(d, language))
		.join(language === 'fr' ? ', ' : ', ');
	const several = invoiceNumbers.length > 1;
	if (language === 'fr') {
		return [
			{
				key: 'received',
				question: `Avez-vous bien reçu ${several ? 'les factures' : 'la facture'} ${invoices} (échéance ${due}) ?`,
			},
			{
				key: 'booked',
				question: `${several ? 'Sont-elles enregistrées' : 'Est-elle enregistrée'} et bonne${several ? 's' : ''} à payer ?`,
			},
			{
				key: 'conform',
				question: 'Y a-t-il un désaccord (prix, quantités, livraison) qui bloque le paiement ?',
			},
			{
				key: 'payAtDue',
				question: 'À quelle date le paiement sera-t-il fait ? (noter la promesse)',
			},
		];
	}
	return [
		{
			key: 'received',
			question: `Did you receive invoice${several ? 's' : ''} ${invoices} (due ${due})?`,
		},
		{
			key: 'booked',
			question: `${several ? 'Are they' : 'Is it'} booked and approved for payment?`,
		},
		{
			key: 'conform',
			question: 'Is anything disputed (prices, quantities, delivery) that holds the payment?',
		},
		{ key: 'payAtDue', question: 'On what date will it be paid? (record the promise)' },
	];
}

export interface ReminderCallView {
	task: ReminderCallTask;
	dueOn: string;
	language: 'fr' | 'en';
	customer: PlannedCall['customer'];
	assignee: PlannedCall['assignee'];
	invoices: PlannedCall['invoices'];
	totals: PlannedCall['totals'];
	company: string | null;
}

/** The task as an entry of the call list (the shape Quality Contact's Plan Calls outputs and Export Call List reads). */
export function reminderCallAsPlannedCall(view: ReminderCallView): PlannedCall {
	const intro = callIntro(
		view.language,
		view.assignee?.name ?? null,
		view.company,
		view.customer.name ?? null,
		'overdue',
	);
	return {
		taskId: view.task.id,
		status: view.task.status,
		dueOn: view.dueOn,
		language: view.language,
		customer: view.customer,
		assignee: view.assignee,
		invoices: view.invoices,
		totals: view.totals,
		intro,
		checklist: reminderCallChecklist(
			view.language,
			view.invoices.map((i) => i.number),
			view.invoices.map((i) => i.dueDate),
		),
		history: [],
		promises: { kept: 0, broken: 0, pending: 0 },
		openDisputes: 0,
	};
}

export interface OpenReminderCallsOptions {
	/** The day of the call list: open dunning call tasks due on or before it. */
	asOf: string;
	profiles?: string[] | null;
	customers?: string[] | null;
	collector?: string | null;
	company?: string | null;
}

/**
 * The dunning call tasks still open on a day (made by a stage's call channel, that day or before), with their
 * invoices still open, in the call-list shape: Plan Calls lists them after the quality calls.
 */
export async function openReminderCalls(
	ledger: Pick<Ledger, 'query'>,
	options: OpenReminderCallsOptions,
): Promise<PlannedCall[]> {
	const list = (values?: string[] | null) =>
		values && values.filter(Boolean).length ? values.filter(Boolean) : null;
	const tasks = await ledger.query<{
		id: string;
		language: string | null;
		invoice_ids: string[];
		customer_id: string;
		external_id: string;
		name: string;
		phone: string | null;
		emails: string[] | null;
		profile: string | null;
		assignee_code: string | null;
		assignee_name: string | null;
		assignee_phone: string | null;
		assignee_email: string | null;
	}>(
		`SELECT t.id, t.language, t.invoice_ids::text[], c.id AS customer_id, c.external_id, c.name, c.phone, c.emails, c.profile,
			t.assignee_code, s.name AS assignee_name, s.phone AS assignee_phone, s.email AS assignee_email
		FROM contact_tasks t JOIN customers c ON c.id = t.customer_id LEFT JOIN staff s ON s.code = t.assignee_code
		WHERE t.kind = $1 AND t.status = 'open' AND t.due_on <= $2::date
			AND ($3::text[] IS NULL OR c.profile = ANY($3::text[]))
			AND ($4::text[] IS NULL OR c.external_id = ANY($4::text[]))
			AND ($5::text IS NULL OR t.assignee_code = $5::text)
		ORDER BY t.due_on, t.id`,
		[
			REMINDER_CALL_KIND,
			options.asOf,
			list(options.profiles),
			list(options.customers),
			options.collector || null,
		],
	);
	if (tasks.length === 0) return [];
	const invoices = await ledger.query<{
		id: string;
		number: string;
		due_date: string;
		currency: string;
		payable_minor: string;
		open_minor: string;
		po_number: string | null;
	}>(
		`SELECT id::text, number, due_date::text, trim(currency) AS currency, payable_minor::text, open_minor::text, po_number
		FROM invoices WHERE id = ANY($1::bigint[]) AND status = 'open' AND open_minor > 0 ORDER BY due_date, number`,
		[tasks.flatMap((t) => t.invoice_ids)],
	);
	const out: PlannedCall[] = [];
	for (const t of tasks) {
		const mine = invoices.filter((i) => t.invoice_ids.includes(i.id));
		if (mine.length === 0) continue; // paid since: nothing to call about
		const totals = new Map<string, bigint>();
		for (const i of mine)
			totals.set(i.currency, (totals.get(i.currency) ?? 0n) + BigInt(i.open_minor));
		out.push(
			reminderCallAsPlannedCall({
				task: { id: t.id, status: 'unchanged', invoiceIds: t.invoice_ids },
				dueOn: options.asOf,
				language: t.language === 'en' ? 'en' : 'fr',
				customer: {
					id: t.customer_id,
					externalId: t.external_id,
					name: t.name,
					phone: t.phone,
					emails: t.emails ?? [],
					profile: t.profile,
				},
				assignee: t.assignee_code
					? {
							code: t.assignee_code,
							name: t.assignee_name,
							phone: t.assignee_phone,
							email: t.assignee_email,
						}
					: null,
				invoices: mine.map((i) => ({
					id: i.id,
					number: i.number,
					dueDate: i.due_date,
					currency: i.currency,
					poNumber: i.po_number,
					amount: formatAmount(BigInt(i.payable_minor), i.currency),
					open: formatAmount(BigInt(i.open_minor), i.currency),
				})),
				totals: [...totals].map(([currency, open]) => ({
					currency,
					open: formatAmount(open, currency),
				})),
				company: options.company ?? null,
			}),
		);
	}
	return out;
}
