import type { PoolClient } from 'pg';
import { callDate, callIntro, type ChecklistItem } from './checklist';
import type { PlannedCall } from './plan';

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
export async function upsertReminderCallTask(client: Pick<PoolClient, 'query'>, input: ReminderCallTaskInput): Promise<ReminderCallTask> {
	const { rows } = await client.query<{ id: string; inserted: boolean; invoice_ids: string[]; before: string[] | null; status: string }>(
		`WITH before AS (SELECT invoice_ids FROM contact_tasks WHERE customer_id = $1 AND kind = $6 AND due_on = $3)
		INSERT INTO contact_tasks (customer_id, kind, assignee_code, due_on, invoice_ids, language)
		VALUES ($1, $6, $2, $3, $4::bigint[], $5)
		ON CONFLICT (customer_id, kind, due_on) DO UPDATE
			SET invoice_ids = (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(contact_tasks.invoice_ids || EXCLUDED.invoice_ids) AS x),
				assignee_code = coalesce(contact_tasks.assignee_code, EXCLUDED.assignee_code)
			WHERE contact_tasks.status = 'open'
		RETURNING id, (xmax = 0) AS inserted, invoice_ids::text[], (SELECT invoice_ids::text[] FROM before) AS before, status`,
		[input.customerId, input.assigneeCode, input.dueOn, input.invoiceIds, input.language, REMINDER_CALL_KIND],
	);
	const row = rows[0];
	if (row) {
		const status = row.inserted ? 'created' : (row.before ?? []).length === row.invoice_ids.length ? 'unchanged' : 'updated';
		return { id: row.id, status, invoiceIds: row.invoice_ids };
	}
	const done = await client.query<{ id: string; invoice_ids: string[] }>(
		'SELECT id, invoice_ids::text[] FROM contact_tasks WHERE customer_id = $1 AND kind = $3 AND due_on = $2',
		[input.customerId, input.dueOn, REMINDER_CALL_KIND],
	);
	return { id: done.rows[0].id, status: 'done', invoiceIds: done.rows[0].invoice_ids };
}

/** What the collector asks in a dunning call (same keys as the quality call, so the call list prints them). */
export function reminderCallChecklist(language: 'fr' | 'en', invoiceNumbers: string[], dueDates: string[]): ChecklistItem[] {
	const invoices = invoiceNumbers.join(', ');
	const due = [...new Set(dueDates)].sort().map((d) => callDate(d, language)).join(language === 'fr' ? ', ' : ', ');
	const several = invoiceNumbers.length > 1;
	if (language === 'fr') {
		return [
			{ key: 'received', question: `Avez-vous bien reçu ${several ? 'les factures' : 'la facture'} ${invoices} (échéance ${due}) ?` },
			{ key: 'booked', question: `${several ? 'Sont-elles enregistrées' : 'Est-elle enregistrée'} et bonne${several ? 's' : ''} à payer ?` },
			{ key: 'conform', question: 'Y a-t-il un désaccord (prix, quantités, livraison) qui bloque le paiement ?' },
			{ key: 'payAtDue', question: 'À quelle date le paiement sera-t-il fait ? (noter la promesse)' },
		];
	}
	return [
		{ key: 'received', question: `Did you receive invoice${several ? 's' : ''} ${invoices} (due ${due})?` },
		{ key: 'booked', question: `${several ? 'Are they' : 'Is it'} booked and approved for payment?` },
		{ key: 'conform', question: 'Is anything disputed (prices, quantities, delivery) that holds the payment?' },
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
	const intro =
		view.language === 'fr'
			? `Bonjour, ${view.assignee?.name ?? 'je vous appelle'}${view.company ? ` de la société ${view.company}` : ''}${view.assignee?.name ? ', je vous appelle' : ''} au sujet de factures échues restées impayées.`
			: callIntro('en', view.assignee?.name ?? null, view.company).replace('about your invoices coming due, to check that everything is in order.', 'about overdue invoices that are still unpaid.');
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
		checklist: reminderCallChecklist(view.language, view.invoices.map((i) => i.number), view.invoices.map((i) => i.dueDate)),
		history: [],
		promises: { kept: 0, broken: 0, pending: 0 },
		openDisputes: 0,
	};
}
