import type { PoolClient } from 'pg';
import {
	openDisputeIn,
	disputeRouting,
	findInvoicesByNumber,
	type DisputeLedgerCategory,
	type OpenedDispute,
} from '../disputes/ledger';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { effectiveInstant } from '../ledger/effective';
import { formatAmount, parseAmount } from '../money/money';
import { addDays, DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time/dates';
import { timelineEvent, type TimelineEventKey } from '../dunning/timeline-text';
import { CHECKLIST_KEYS, type ChecklistKey } from './checklist';

/**
 * What a quality call ended with, written to the ledger in one transaction: the task closed (or left open for
 * another attempt), the history, and what follows from the outcome — invoice flagged to be sent again, dispute
 * opened (dunning paused), promise to pay stored (dunning held until its date), payment announced.
 */

export type CallOutcome =
	| 'confirmed'
	| 'not_received'
	| 'received_not_booked'
	| 'waiting_approval'
	| 'dispute'
	| 'promise'
	| 'payment_sent'
	| 'voicemail'
	| 'unreachable'
	| 'wrong_contact';

export type OutcomeFamily =
	| 'confirmed'
	| 'invoice_issue'
	| 'dispute'
	| 'promise'
	| 'payment_sent'
	| 'no_contact';

export const CALL_OUTCOMES: CallOutcome[] = [
	'confirmed',
	'not_received',
	'received_not_booked',
	'waiting_approval',
	'dispute',
	'promise',
	'payment_sent',
	'voicemail',
	'unreachable',
	'wrong_contact',
];

export const OUTCOME_FAMILY: Record<CallOutcome, OutcomeFamily> = {
	confirmed: 'confirmed',
	not_received: 'invoice_issue',
	received_not_booked: 'invoice_issue',
	waiting_approval: 'invoice_issue',
	dispute: 'dispute',
	promise: 'promise',
	payment_sent: 'payment_sent',
	voicemail: 'no_contact',
	unreachable: 'no_contact',
	wrong_contact: 'no_contact',
};

export const OUTCOME_FAMILIES: OutcomeFamily[] = [
	'confirmed',
	'invoice_issue',
	'dispute',
	'promise',
	'payment_sent',
	'no_contact',
];

export interface RecordCallInput {
	/** The call task (from Plan Calls); without it, `customer` names who was called and a task of the day is used. */
	taskId?: string | number | null;
	customer?: string | null;
	/** The invoices the outcome is about (default: those of the task). */
	invoices?: string[];
	outcome: CallOutcome;
	/** Checklist answers: received, booked, conform, payAtDue. */
	answers?: Partial<Record<ChecklistKey, boolean | null>>;
	/** Promise to pay: the date (YYYY-MM-DD) and, optionally, the amount (decimal; split over the invoices oldest first). */
	promiseDate?: string | null;
	promiseAmount?: string | null;
	/** Payment announced: its reference and the days the bank takes (dunning waits that long, default 5). */
	paymentReference?: string | null;
	paymentTransitDays?: number;
	/** Dispute: its category and what the customer said. */
	disputeCategory?: DisputeLedgerCategory;
	disputeSubcategory?: string | null;
	notes?: string | null;
	actor?: string | null;
	/**
	 * How the customer answered: a call (default) or an e-mail read by the dispute inbox. An e-mail without a task
	 * is recorded on its own (no call task), identified by `sourceRef` (its Message-ID): recording it again changes nothing.
	 */
	channel?: 'call' | 'email';
	sourceRef?: string | null;
	/** Day of the call (default today in the zone). */
	asOf?: string;
	zone?: string;
	/** No-answer attempts after which the task is closed (default 3). */
	maxAttempts?: number;
}

export interface RecordedCall {
	status: 'recorded' | 'already_recorded';
	/** The call task; null for an e-mail recorded on its own. */
	taskId: string | null;
	taskStatus: 'open' | 'done' | null;
	outcome: CallOutcome;
	family: OutcomeFamily;
	customer: { id: string; externalId: string; name: string };
	invoices: Array<{ id: string; number: string }>;
	unknownInvoices: string[];
	attempts: number;
	resendRequested: string[];
	promises: Array<{
		id: string;
		invoice: string | null;
		promisedOn: string;
		amount: string | null;
		currency: string | null;
	}>;
	dispute: OpenedDispute | null;
	paymentReference: string | null;
}

function callError(
	code: string,
	message: string,
	hint: string,
	details?: Record<string, unknown>,
): ReceivablesError {
	return new ReceivablesError(code, message, { hint, details });
}

interface TaskRow {
	/** Empty for an e-mail recorded without a task. */
	id: string;
	customer_id: string;
	external_id: string;
	name: string;
	status: 'open' | 'done' | 'cancelled';
	outcome: string | null;
	attempts: number;
	invoice_ids: string[];
}

async function loadTask(
	client: Pick<PoolClient, 'query'>,
	input: RecordCallInput,
	asOf: string,
	taskless: boolean,
): Promise<TaskRow> {
	if (input.taskId !== undefined && input.taskId !== null && String(input.taskId).trim() !== '') {
		const id = String(input.taskId).trim();
		const { rows } = await client.query<TaskRow>(
			`SELECT t.id, t.customer_id, c.external_id, c.name, t.status, t.outcome, t.attempts, t.invoice_ids::text[]
			FROM contact_tasks t JOIN customers c ON c.id = t.customer_id WHERE t.id = $1 FOR UPDATE OF t`,
			[/^\d+$/.test(id) ? id : '0'],
		);
		if (!rows[0])
			throw callError(
				'CALL_TASK_NOT_FOUND',
				`Call task #${id} does not exist.`,
				'Give the taskId that Plan Calls returned, or the customer code for a call that was not planned.',
			);
		if (input.customer && input.customer !== rows[0].external_id) {
			throw callError(
				'CALL_CUSTOMER_MISMATCH',
				`Call task #${id} is for customer "${rows[0].external_id}", not "${input.customer}".`,
				'Check the task id or the customer code.',
			);
		}
		return rows[0];
	}
	let customerCode = input.customer ?? null;
	if (!customerCode && input.invoices?.length) {
		// An e-mail names invoices, not the customer: the invoices say who it is.
		const found = await findInvoicesByNumber(client, input.invoices);
		const codes = [...new Set(found.found.map((f) => f.external_id))];
		if (codes.length > 1)
			throw callError(
				'CALL_MIXED_CUSTOMERS',
				`The invoices ${found.found.map((f) => f.number).join(', ')} belong to different customers.`,
				'Record one outcome per customer.',
			);
		if (codes.length === 0)
			throw callError(
				'CALL_NO_TASK',
				`None of the invoices ${input.invoices.join(', ')} is in the ledger, and no customer is given.`,
				'Give the customer code, or invoice numbers stored in the ledger.',
				{ unknownInvoices: found.unknown },
			);
		customerCode = codes[0];
	}
	if (!customerCode)
		throw callError(
			'CALL_NO_TASK',
			'Neither a call task, a customer nor an invoice is given.',
			'Give the taskId from Plan Calls, the customer code or the invoice numbers.',
		);
	const customer = await client.query<{ id: string; name: string }>(
		'SELECT id, name FROM customers WHERE external_id = $1',
		[customerCode],
	);
	if (!customer.rows[0])
		throw callError(
			'CALL_UNKNOWN_CUSTOMER',
			`Customer "${customerCode}" is not in the ledger.`,
			'Give the external id of a customer stored by Invoice Intake.',
		);
	if (taskless) {
		return {
			id: '',
			customer_id: customer.rows[0].id,
			external_id: customerCode,
			name: customer.rows[0].name,
			status: 'open',
			outcome: null,
			attempts: 0,
			invoice_ids: [],
		};
	}
	await client.query(
		`INSERT INTO contact_tasks (customer_id, kind, due_on) VALUES ($1, 'quality_call', $2) ON CONFLICT (customer_id, kind, due_on) DO NOTHING`,
		[customer.rows[0].id, asOf],
	);
	const { rows } = await client.query<TaskRow>(
		`SELECT t.id, t.customer_id, c.external_id, c.name, t.status, t.outcome, t.attempts, t.invoice_ids::text[]
		FROM contact_tasks t JOIN customers c ON c.id = t.customer_id WHERE t.customer_id = $1 AND t.kind = 'quality_call' AND t.due_on = $2 FOR UPDATE OF t`,
		[customer.rows[0].id, asOf],
	);
	return rows[0];
}

async function history(
	client: Pick<PoolClient, 'query'>,
	customerId: string,
	invoiceIds: string[],
	kind: string,
	channel: string,
	actor: string | null | undefined,
	summary: string,
	payload: Record<string, unknown>,
): Promise<void> {
	await client.query(
		`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
		SELECT $1, unnest($2::bigint[]), $3, $4, $5, $6, $7`,
		[
			customerId,
			invoiceIds.length ? invoiceIds : [null],
			kind,
			channel,
			actor ?? null,
			summary,
			JSON.stringify(payload),
		],
	);
}

/** Records what a quality call ended with. Recording the same outcome again for a closed task changes nothing. */
export async function recordCallOutcome(
	ledger: Ledger,
	input: RecordCallInput,
): Promise<RecordedCall> {
	if (!CALL_OUTCOMES.includes(input.outcome)) {
		throw callError(
			'CALL_BAD_OUTCOME',
			`"${input.outcome}" is not a call outcome.`,
			`Use one of ${CALL_OUTCOMES.join(', ')}.`,
		);
	}
	const zone = input.zone || DEFAULT_ZONE;
	const asOf = input.asOf ? parseCalendarDate(input.asOf, zone) : todayIn(zone);
	if (!asOf)
		throw callError(
			'CALL_BAD_DATE',
			`"${input.asOf}" is not a calendar date.`,
			'Give the call day as YYYY-MM-DD.',
		);
	if (asOf > todayIn(zone))
		throw callError(
			'CALL_BAD_DATE',
			`The call cannot be recorded on ${asOf}, after today (${todayIn(zone)} in ${zone}) / Un appel ne s'enregistre pas dans le futur.`,
			'Give the day of the call, today or earlier.',
		);
	// Promises made and tasks closed take effect on the day of the call (noon in the zone for a past day).
	const at = effectiveInstant(asOf, zone);
	let promiseDate: string | undefined;
	if (input.outcome === 'promise') {
		promiseDate = input.promiseDate
			? parseCalendarDate(String(input.promiseDate), zone)
			: undefined;
		if (!promiseDate)
			throw callError(
				'CALL_PROMISE_DATE',
				input.promiseDate
					? `"${input.promiseDate}" is not a calendar date.`
					: 'A promise to pay needs its date.',
				'Give the promised payment date as YYYY-MM-DD.',
			);
		if (promiseDate < asOf)
			throw callError(
				'CALL_PROMISE_DATE',
				`The promised date ${promiseDate} is before the call (${asOf}).`,
				'A promise is for today or later.',
			);
	}
	if (input.outcome === 'dispute' && !input.disputeCategory) {
		throw callError(
			'CALL_DISPUTE_CATEGORY',
			'A dispute needs its category.',
			'Say whether it is administrative, logistics, commercial, technical or other.',
		);
	}
	for (const key of Object.keys(input.answers ?? {})) {
		if (!CHECKLIST_KEYS.includes(key as ChecklistKey))
			throw callError(
				'CALL_BAD_ANSWER',
				`"${key}" is not a checklist question.`,
				`The questions are ${CHECKLIST_KEYS.join(', ')}.`,
			);
	}
	const routing = input.outcome === 'dispute' ? await disputeRouting(ledger) : undefined;

	const channel = input.channel === 'email' ? 'email' : 'call';
	const hasTask =
		input.taskId !== undefined && input.taskId !== null && String(input.taskId).trim() !== '';
	const taskless = channel === 'email' && !hasTask;
	const sourceRef = input.sourceRef ? String(input.sourceRef).trim() || null : null;
	return await ledger.transaction(async (client) => {
		const task = await loadTask(client, input, asOf, taskless);
		const family = OUTCOME_FAMILY[input.outcome];
		const base = {
			taskId: task.id || null,
			outcome: input.outcome,
			family,
			customer: { id: task.customer_id, externalId: task.external_id, name: task.name },
		};
		if (taskless && sourceRef) {
			const seen = await client.query(
				"SELECT 1 FROM history WHERE customer_id = $1 AND kind = $2 AND payload->>'sourceRef' = $3 LIMIT 1",
				[task.customer_id, `email_${input.outcome}`, sourceRef],
			);
			if (seen.rows.length) {
				return {
					...base,
					status: 'already_recorded',
					taskStatus: null,
					invoices: [],
					unknownInvoices: [],
					attempts: 0,
					resendRequested: [],
					promises: [],
					dispute: null,
					paymentReference: input.paymentReference ?? null,
				};
			}
		}
		if (task.status !== 'open') {
			if (task.outcome === input.outcome) {
				return {
					...base,
					status: 'already_recorded',
					taskStatus: 'done',
					invoices: [],
					unknownInvoices: [],
					attempts: task.attempts,
					resendRequested: [],
					promises: [],
					dispute: null,
					paymentReference: input.paymentReference ?? null,
				};
			}
			throw callError(
				'CALL_TASK_CLOSED',
				`Call task #${task.id} is already closed with the outcome "${task.outcome}".`,
				'Plan a new call, or record this one without a task id (a call of the day for the customer).',
			);
		}

		// The invoices concerned: those named (reported when unknown or of another customer), else the task's.
		let invoices: Array<{
			id: string;
			number: string;
			open_minor: string;
			currency: string;
			due_date: string;
		}>;
		let unknownInvoices: string[] = [];
		if (input.invoices?.length) {
			const found = await findInvoicesByNumber(client, input.invoices);
			unknownInvoices = [
				...found.unknown,
				...found.found.filter((f) => f.customer_id !== task.customer_id).map((f) => f.given),
			];
			const ids = found.found.filter((f) => f.customer_id === task.customer_id).map((f) => f.id);
			invoices = (
				await client.query(
					'SELECT id, number, open_minor, trim(currency) AS currency, due_date::text FROM invoices WHERE id = ANY($1::bigint[]) ORDER BY due_date, number',
					[ids],
				)
			).rows;
		} else {
			invoices = (
				await client.query(
					'SELECT id, number, open_minor, trim(currency) AS currency, due_date::text FROM invoices WHERE id = ANY($1::bigint[]) ORDER BY due_date, number',
					[task.invoice_ids],
				)
			).rows;
		}
		const invoiceIds = invoices.map((i) => i.id);

		const noAnswer = input.outcome === 'voicemail' || input.outcome === 'unreachable';
		const attempts = task.attempts + 1;
		const taskStatus: 'open' | 'done' | null = taskless
			? null
			: noAnswer && attempts < (input.maxAttempts ?? 3)
				? 'open'
				: 'done';
		const details: Record<string, unknown> = {
			outcome: input.outcome,
			family,
			...(sourceRef ? { sourceRef } : {}),
		};
		const refBase = taskless ? (sourceRef ? `mail:${sourceRef}` : null) : `task:${task.id}`;
		const resendRequested: string[] = [];
		const promises: RecordedCall['promises'] = [];
		let dispute: OpenedDispute | null = null;

		switch (input.outcome) {
			case 'not_received': {
				const rows = await client.query<{ number: string }>(
					'UPDATE invoices SET resend_requested_at = now() WHERE id = ANY($1::bigint[]) RETURNING number',
					[invoiceIds],
				);
				resendRequested.push(...rows.rows.map((r) => r.number).sort());
				details.resendRequested = resendRequested;
				break;
			}
			case 'received_not_booked':
			case 'waiting_approval':
			case 'confirmed':
				// The customer has the invoice: its reception date is known from now on.
				await client.query(
					'UPDATE invoices SET reception_date = coalesce(reception_date, $2::date) WHERE id = ANY($1::bigint[])',
					[invoiceIds, asOf],
				);
				break;
			case 'dispute': {
				dispute = await openDisputeIn(client, routing!, {
					invoices: invoices.map((i) => i.number),
					customer: task.external_id,
					category: input.disputeCategory as DisputeLedgerCategory,
					subcategory: input.disputeSubcategory ?? null,
					evidence: input.notes ?? null,
					source: channel,
					sourceRef: refBase,
					asOf,
					zone,
					actor: input.actor ?? undefined,
				});
				details.disputeId = dispute.disputeId;
				break;
			}
			case 'promise':
			case 'payment_sent': {
				const on =
					input.outcome === 'promise'
						? (promiseDate as string)
						: addDays(asOf, Math.max(0, input.paymentTransitDays ?? 5));
				const source = input.outcome === 'promise' ? channel : 'payment_announced';
				let left: bigint | undefined;
				if (
					input.outcome === 'promise' &&
					input.promiseAmount &&
					String(input.promiseAmount).trim()
				) {
					const currency = invoices[0]?.currency;
					if (!currency)
						throw callError(
							'CALL_PROMISE_AMOUNT',
							'A promised amount needs the invoices it pays.',
							'Name the invoices, or plan the call first.',
						);
					if (invoices.some((i) => i.currency !== currency))
						throw callError(
							'CALL_PROMISE_AMOUNT',
							'The invoices of the promise are in several currencies.',
							'Record one promise per currency.',
						);
					left = parseAmount(String(input.promiseAmount), currency);
				}
				const targets = invoices.length ? invoices : [null];
				for (const inv of targets) {
					let amount: bigint | null = inv ? BigInt(inv.open_minor) : null;
					if (left !== undefined && inv) {
						amount = left < BigInt(inv.open_minor) ? left : BigInt(inv.open_minor);
						left -= amount;
						if (amount <= 0n) continue;
					}
					const row = await client.query<{ id: string; promised_on: string }>(
						`INSERT INTO promises (customer_id, invoice_id, promised_on, amount_minor, currency, source, source_ref, contact_task_id, note, created_at)
						VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()))
						ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL
							DO UPDATE SET promised_on = EXCLUDED.promised_on, amount_minor = EXCLUDED.amount_minor, note = EXCLUDED.note, status = 'pending', flagged = false, settled_at = NULL
						RETURNING id, promised_on::text`,
						[
							task.customer_id,
							inv?.id ?? null,
							on,
							amount?.toString() ?? null,
							inv?.currency ?? null,
							source,
							refBase ? `${refBase}:${inv?.id ?? 'account'}` : null,
							task.id || null,
							input.outcome === 'payment_sent'
								? `payment announced${input.paymentReference ? `, reference ${input.paymentReference}` : ''}`
								: (input.notes ?? null),
							at,
						],
					);
					promises.push({
						id: row.rows[0].id,
						invoice: inv?.number ?? null,
						promisedOn: row.rows[0].promised_on,
						amount: amount !== null && inv ? formatAmount(amount, inv.currency) : null,
						currency: inv?.currency ?? null,
					});
				}
				details.promises = promises;
				if (input.paymentReference) details.paymentReference = input.paymentReference;
				break;
			}
			default:
				break;
		}

		const answers = Object.fromEntries(
			Object.entries(input.answers ?? {}).filter(([, v]) => v !== undefined),
		);
		if (!taskless)
			await client.query(
				`UPDATE contact_tasks SET status = $2, outcome = $3, notes = coalesce($4, notes), attempts = $5, done_at = CASE WHEN $2 = 'done' THEN coalesce($9::timestamptz, now()) ELSE done_at END,
				checklist = checklist || $6::jsonb, outcome_details = $7, assignee_code = coalesce(assignee_code, (SELECT code FROM staff WHERE code = $8))
			WHERE id = $1`,
				[
					task.id,
					taskStatus,
					input.outcome,
					input.notes ?? null,
					attempts,
					JSON.stringify(answers),
					JSON.stringify(details),
					input.actor ?? null,
					at,
				],
			);
		const event = timelineEvent(`contact_${input.outcome}` as TimelineEventKey, {
			by: channel,
			resend: input.outcome === 'not_received' ? resendRequested : undefined,
			disputeId: input.outcome === 'dispute' ? dispute?.disputeId : undefined,
			category: input.outcome === 'dispute' ? dispute?.category : undefined,
			promiseDate: input.outcome === 'promise' ? promiseDate : undefined,
			amounts:
				input.outcome === 'promise'
					? promises.map((p) => p.amount).filter((a): a is string => Boolean(a))
					: undefined,
			reference: input.outcome === 'payment_sent' ? input.paymentReference || undefined : undefined,
			attempt:
				input.outcome === 'voicemail' || input.outcome === 'unreachable' ? attempts : undefined,
			notes: input.notes || undefined,
		});
		await history(
			client,
			task.customer_id,
			invoiceIds,
			`${channel}_${input.outcome}`,
			channel,
			input.actor,
			event.summary,
			{ taskId: task.id || null, ...details, answers, timeline: event.timeline },
		);
		return {
			...base,
			status: 'recorded',
			taskStatus,
			invoices: invoices.map((i) => ({ id: i.id, number: i.number })),
			unknownInvoices,
			attempts,
			resendRequested,
			promises,
			dispute,
			paymentReference: input.paymentReference ?? null,
		};
	});
}
