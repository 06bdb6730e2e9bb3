import {
	reminderCallAsPlannedCall,
	upsertReminderCallTask,
	type ReminderCallTask,
} from '../contacts/fromReminder';
import type { PlannedCall } from '../contacts/plan';
import type { Ledger } from '../ledger';
import { formatAmount } from '../money';
import type { PlannedMessage } from './plan';
import { defaultClaimant } from './send';

/**
 * The call channel of a dunning stage: instead of a message, a call task for the customer's collector, listed with
 * the quality calls. Each stage of each invoice makes a task once: the reminder row (channel call) is claimed and
 * confirmed in the same transaction as the task is written, so a run that dies leaves either both or neither, and
 * a run at the same time or later finds the stage already done.
 */
export interface CallTaskOutcome {
	key: string;
	stage: string;
	/** created / updated (invoices added to the day's open task) / unchanged / done (the day's task is already closed) / skipped (nothing left to claim). */
	status: ReminderCallTask['status'] | 'skipped';
	customerId: string;
	customerExternalId: string;
	invoiceIds: string[];
	invoiceNumbers: string[];
	/** Invoices another run already made a call task (or a message) for, or paid meanwhile. */
	skippedInvoiceIds: string[];
	taskId?: string;
	/** The entry of the call list (Quality Contact's Export Call List reads it). */
	call?: PlannedCall;
}

export interface CallTaskOptions {
	/** Company name said when the collector introduces themselves (default: none). */
	company?: string | null;
	claimedBy?: string;
	actor?: string;
}

/** Creates the call tasks of the plan's messages whose channel is a call (other channels are ignored). */
export async function createReminderCallTasks(
	ledger: Ledger,
	messages: PlannedMessage[],
	options: CallTaskOptions = {},
): Promise<CallTaskOutcome[]> {
	const claimedBy = options.claimedBy ?? defaultClaimant();
	const actor = options.actor ?? 'reminder-step';
	const outcomes: CallTaskOutcome[] = [];
	for (const message of messages.filter((m) => m.channel === 'call')) {
		const base = {
			key: message.key,
			stage: message.stage.code,
			customerId: message.customer.id,
			customerExternalId: message.customer.externalId,
		};
		const outcome = await ledger.transaction(async (client): Promise<CallTaskOutcome> => {
			const claimed = await client.query<{ invoice_id: string }>(
				`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, sent_at, attempts)
				SELECT i.id, $2, $3, 'call', 'sent', $4, now(), now(), 1
				FROM invoices i WHERE i.id = ANY($1::bigint[]) AND i.status = 'open' AND i.open_minor > 0
				ORDER BY i.id
				ON CONFLICT (invoice_id, stage) DO UPDATE SET status = 'sent', channel = 'call', claimed_by = EXCLUDED.claimed_by,
					claimed_at = now(), sent_at = now(), attempts = reminders.attempts + 1, error = NULL
				WHERE reminders.status IN ('retry', 'bounced')
				RETURNING invoice_id::text`,
				[message.invoices.map((i) => i.id), message.customer.id, message.stage.code, claimedBy],
			);
			const ids = new Set(claimed.rows.map((r) => r.invoice_id));
			const invoices = message.invoices.filter((i) => ids.has(i.id));
			const skippedInvoiceIds = message.invoices.filter((i) => !ids.has(i.id)).map((i) => i.id);
			if (invoices.length === 0)
				return {
					...base,
					status: 'skipped',
					invoiceIds: [],
					invoiceNumbers: [],
					skippedInvoiceIds,
				};
			const collector = message.customer.collector;
			const task = await upsertReminderCallTask(client, {
				customerId: message.customer.id,
				invoiceIds: invoices.map((i) => i.id),
				dueOn: message.asOf,
				assigneeCode: collector?.code ?? null,
				language: message.customer.language,
			});
			await client.query(
				`UPDATE reminders SET message_id = $3 WHERE invoice_id = ANY($1::bigint[]) AND stage = $2`,
				[invoices.map((i) => i.id), message.stage.code, `call-task:${task.id}`],
			);
			const who = collector ? `${collector.name} (${collector.code})` : 'no collector assigned';
			await client.query(
				`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
				SELECT $1, x.id, 'reminder_sent', 'call', $2, 'Stage ' || $3 || ': call task #' || $4 || ' for ' || $5 || ' about invoice ' || x.number,
					jsonb_build_object('stage', $3::text, 'taskId', $4::text, 'assignee', $6::text, 'invoices', $7::text[],
						'timeline', jsonb_build_object('key', 'reminder_call_planned', 'fields', jsonb_strip_nulls(jsonb_build_object('stage', $3::text, 'taskId', $4::text, 'collector', $9::text, 'invoice', x.number))))
				FROM unnest($8::bigint[], $7::text[]) AS x(id, number)`,
				[
					message.customer.id,
					actor,
					message.stage.code,
					task.id,
					who,
					collector?.code ?? null,
					invoices.map((i) => i.number),
					invoices.map((i) => i.id),
					collector ? who : null,
				],
			);
			const totals = new Map<string, bigint>();
			for (const i of invoices)
				totals.set(i.currency, (totals.get(i.currency) ?? 0n) + i.openMinor);
			const c = message.customer;
			const call = reminderCallAsPlannedCall({
				task,
				dueOn: message.asOf,
				language: c.language,
				customer: {
					id: c.id,
					externalId: c.externalId,
					name: c.name,
					phone: c.phone,
					emails: c.emails,
					profile: c.profile,
				},
				assignee: collector
					? {
							code: collector.code,
							name: collector.name,
							phone: collector.phone,
							email: collector.email,
						}
					: null,
				invoices: invoices.map((i) => ({
					id: i.id,
					number: i.number,
					dueDate: i.dueDate,
					currency: i.currency,
					amount: formatAmount(i.payableMinor, i.currency),
					open: formatAmount(i.openMinor, i.currency),
					poNumber: i.poNumber,
				})),
				totals: [...totals].map(([currency, open]) => ({
					currency,
					open: formatAmount(open, currency),
				})),
				company: options.company ?? null,
			});
			return {
				...base,
				status: task.status,
				invoiceIds: invoices.map((i) => i.id),
				invoiceNumbers: invoices.map((i) => i.number),
				skippedInvoiceIds,
				taskId: task.id,
				call,
			};
		});
		outcomes.push(outcome);
	}
	return outcomes;
}
