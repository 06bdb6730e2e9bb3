import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { checkEmailAddress, splitAddresses } from '../mail/address';
import { assertCurrency, formatAmount, parseAmount } from '../money';
import { addDays, daysBetween, DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time';
import {
	applyOverrides,
	filterProblems,
	loadPolicies,
	stageWindow,
	type Channel,
	type DunningPolicy,
	type DunningStage,
	type PolicyOverrides,
	type StageFilter,
	stageMinimum,
} from './policy';
import type { Settlement } from './charges';
import { checkAddressTemplate, type Language } from './templates';
import { splitDisputed } from '../disputes/part';

/**
 * Planning: which reminders of a stage are due on a date, and which invoices are held back and why. Read-only:
 * sending claims each reminder in the ledger, so two plans of the same day never send twice.
 *
 * The ledger is read through the partial index on open invoices by due date, restricted to the due-date window
 * of the stage (from its offset to the next stage's): the cost follows the number of invoices in that window,
 * not the size of the ledger. Every other lookup (reminders, disputes, promises, holds, settlements, revisions)
 * is keyed by the planned invoice or its customer, so it reads their own rows only: a promise is found by invoice
 * and date, or by customer and date for promises on the whole account (two lookups, not one condition with OR,
 * which Postgres answered by reading every future promise of the ledger for each invoice).
 */
export interface StaffContact {
	code: string;
	name: string;
	email: string | null;
	phone: string | null;
}

export interface PlannedCustomer {
	id: string;
	externalId: string;
	name: string;
	legalName: string | null;
	language: Language;
	emails: string[];
	ccEmails: string[];
	emailStatus: 'ok' | 'bounced' | 'invalid' | 'none';
	phone: string | null;
	addressLines: string[];
	postalCode: string | null;
	city: string | null;
	country: string;
	vatNumber: string | null;
	profile: string | null;
	customFields: Record<string, unknown>;
	salesRep: StaffContact | null;
	collector: StaffContact | null;
}

export interface PlannedInvoice {
	id: string;
	number: string;
	docType: 'invoice' | 'credit_note';
	currency: string;
	issueDate: string;
	dueDate: string;
	payableMinor: bigint;
	/** What is reminded: the open amount, less the part of it in an open dispute on some of its lines. */
	openMinor: bigint;
	/** The part of the open amount in an open dispute on some lines (absent: none); not in openMinor. */
	disputedMinor?: bigint;
	daysLate: number;
	paidAt: string | null;
	poNumber: string | null;
	/** A previous attempt of this stage ended in a temporary failure: this one retries it. */
	retry: boolean;
	/**
	 * What was paid (or written off) on the invoice, with the date: late-payment interest runs on each amount up to
	 * its own date, and on the open amount up to the plan date.
	 */
	settlements?: Settlement[];
	/**
	 * The invoice's earlier contents when it was revised, each in force before `until`: interest of each day follows
	 * the content in force that day and the current one (see latePaymentCharges' revisions).
	 */
	revisions?: Array<{ until: string; payableMinor: bigint; dueDate: string }>;
}

export type HoldReason =
	| 'paid'
	| 'already_sent'
	| 'customer_on_hold'
	| 'dispute'
	| 'promise'
	| 'hold'
	| 'below_minimum'
	| 'no_channel'
	| 'invalid_overrides';

export interface HeldInvoice {
	invoiceId: string;
	number: string;
	customerId: string;
	customerExternalId: string;
	customerName: string;
	stage: string;
	reason: HoldReason;
	detail: string;
}

export interface PlannedMessage {
	/** Stable key of the message: stage, customer, currency (statement) or invoice. */
	key: string;
	asOf: string;
	policy: DunningPolicy;
	stage: DunningStage;
	customer: PlannedCustomer;
	invoices: PlannedInvoice[];
	currency: string;
	totalOpenMinor: bigint;
	channel: Channel;
	/** Why the message does not use the stage's first channel (no e-mail, bounced address, invalid address). */
	channelReason?: string;
	to: string[];
	cc: string[];
	bcc: string[];
	/** Addresses dropped because they are not valid, with the reason. */
	rejectedAddresses: Array<{ address: string; field: string; problem: string }>;
	/** Country whose law governs the late-payment charges: the customer's or policy's setting, else the company's country, else FR. */
	governingLaw?: string;
}

export interface ReminderPlan {
	asOf: string;
	stage: string;
	due: PlannedMessage[];
	held: HeldInvoice[];
}

export interface PlanOptions {
	/** Stage code, e.g. level1. */
	stage: string;
	/** Calendar date of the plan (default: today in `zone`). */
	asOf?: string;
	zone?: string;
	/** Only customers whose profile is this policy. */
	policy?: string;
	/** Policy of customers without a profile (default "standard"). */
	defaultPolicy?: string;
	/** Narrows the run (on top of each stage's own filter). */
	filter?: StageFilter;
	/** Re-plans exactly these invoices (the send step does this): the due-date window is not applied. */
	invoiceIds?: string[];
	/** Maximum invoices read (default: no limit). */
	limit?: number;
	/**
	 * Previews only (with invoiceIds): invoices that would be held (paid, already sent, dispute, promise, hold, below
	 * the minimum) are listed in `held` and planned all the same, so their message can be shown. Never for sending.
	 */
	includeHeld?: boolean;
	/** Previews only: this policy, in place of the stored one of its code (a policy being edited, not saved yet). */
	policyOverride?: DunningPolicy;
}

interface Row {
	id: string;
	number: string;
	doc_type: 'invoice' | 'credit_note';
	currency: string;
	issue_date: string;
	due_date: string;
	payable_minor: string;
	open_minor: string;
	status: string;
	paid_at: string | null;
	po_number: string | null;
	extra: Record<string, unknown>;
	customer_id: string;
	external_id: string;
	name: string;
	legal_name: string | null;
	language: Language;
	emails: string[];
	cc_emails: string[];
	email_status: PlannedCustomer['emailStatus'];
	phone: string | null;
	address_lines: string[];
	postal_code: string | null;
	city: string | null;
	country: string;
	vat_number: string | null;
	profile: string | null;
	policy_overrides: PolicyOverrides;
	custom_fields: Record<string, unknown>;
	on_hold: boolean;
	hold_reason: string | null;
	rep_code: string | null;
	rep_name: string | null;
	rep_email: string | null;
	rep_phone: string | null;
	col_code: string | null;
	col_name: string | null;
	col_email: string | null;
	col_phone: string | null;
	reminder_status: string | null;
	reminded: boolean;
	dispute_id: string | null;
	/** Open disputes on some lines of the invoice only: their ids and the part they cover (the rest stays in dunning). */
	disputed_part: { ids: string; minor: string } | null;
	promised_on: string | null;
	hold_text: string | null;
	settlements: Array<{ date: string; amount: string; kind: 'payment' | 'write_off' }> | null;
	revisions: Array<{ until: string; payable: string; due: string }> | null;
}

const SELECT = `SELECT i.id, i.number, i.doc_type, i.currency, i.issue_date::text, i.due_date::text, i.payable_minor, i.open_minor,
	i.status, i.paid_at::text, i.po_number, i.extra, i.customer_id,
	c.external_id, c.name, c.legal_name, c.language, c.emails, c.cc_emails, c.email_status, c.phone, c.address_lines,
	c.postal_code, c.city, c.country, c.vat_number, c.profile, c.policy_overrides, c.custom_fields, c.on_hold, c.hold_reason,
	sr.code AS rep_code, sr.name AS rep_name, sr.email AS rep_email, sr.phone AS rep_phone,
	co.code AS col_code, co.name AS col_name, co.email AS col_email, co.phone AS col_phone,
	r.status AS reminder_status,
	EXISTS (SELECT 1 FROM reminders rx WHERE rx.invoice_id = i.id AND rx.stage <> $2
		AND rx.status IN ('sent', 'uncertain', 'bounced')) AS reminded,
	(SELECT di.dispute_id FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
		WHERE di.invoice_id = i.id AND d.status = 'open' AND di.disputed_minor IS NULL LIMIT 1) AS dispute_id,
	(SELECT json_build_object('ids', string_agg(di.dispute_id::text, ', ' ORDER BY di.dispute_id), 'minor', sum(di.disputed_minor)::text)
		FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
		WHERE di.invoice_id = i.id AND d.status = 'open' AND di.disputed_minor IS NOT NULL HAVING count(*) > 0) AS disputed_part,
	greatest(
		(SELECT max(p.promised_on) FROM promises p WHERE p.status = 'pending' AND p.promised_on >= $1::date
			AND p.invoice_id IS NOT NULL AND p.invoice_id = i.id),
		(SELECT max(p.promised_on) FROM promises p WHERE p.status = 'pending' AND p.promised_on >= $1::date
			AND p.invoice_id IS NULL AND p.customer_id = i.customer_id))::text AS promised_on,
	(SELECT h.reason || coalesce(' (until ' || h.until::text || ')', '') FROM holds h WHERE h.released_at IS NULL
		AND (h.until IS NULL OR h.until >= $1::date)
		AND (h.invoice_id = i.id OR (h.invoice_id IS NULL AND h.customer_id = i.customer_id))
		ORDER BY h.created_at LIMIT 1) AS hold_text,
	(SELECT json_agg(json_build_object('date', s.on_date::text, 'amount', s.amount_minor::text, 'kind', s.kind) ORDER BY s.on_date)
		FROM (SELECT p.received_on AS on_date, a.amount_minor, 'payment' AS kind FROM allocations a JOIN payments p ON p.id = a.payment_id
			WHERE a.invoice_id = i.id AND p.received_on <= $1::date
			UNION ALL SELECT w.effective_on, w.amount_minor, 'write_off' FROM write_offs w WHERE w.invoice_id = i.id AND w.effective_on <= $1::date) s) AS settlements,
	(SELECT json_agg(json_build_object('until', rv.superseded_on::text, 'payable', rv.payable_minor::text, 'due', rv.due_date::text) ORDER BY rv.superseded_on, rv.revision)
		FROM invoice_revisions rv WHERE rv.invoice_id = i.id) AS revisions
FROM candidates i
JOIN customers c ON c.id = i.customer_id
LEFT JOIN staff sr ON sr.code = c.sales_rep_code
LEFT JOIN staff co ON co.code = c.collector_code
LEFT JOIN reminders r ON r.invoice_id = i.id AND r.stage = $2`;

function planError(
	message: string,
	hint: string,
	details?: Record<string, unknown>,
): ReceivablesError {
	return new ReceivablesError('DUNNING_PLAN_INVALID', message, { hint, details });
}

function effectivePolicy(
	row: Pick<Row, 'profile' | 'policy_overrides'>,
	policies: Map<string, DunningPolicy>,
	defaultPolicy: string,
): DunningPolicy | undefined {
	const base = policies.get(row.profile ?? defaultPolicy);
	if (!base) return undefined;
	const overrides = row.policy_overrides;
	return overrides && Object.keys(overrides).length ? applyOverrides(base, overrides) : base;
}

function matchesFilter(row: Row, filter: StageFilter | undefined): boolean {
	if (!filter) return true;
	if (filter.docTypes && !filter.docTypes.includes(row.doc_type)) return false;
	if (filter.profiles && !filter.profiles.includes(row.profile ?? '')) return false;
	if (filter.customField) {
		const source = filter.customField.on === 'invoice' ? row.extra : row.custom_fields;
		const value = source?.[filter.customField.name];
		if (
			value === undefined ||
			value === null ||
			String(value) !== String(filter.customField.equals)
		)
			return false;
	}
	const open = BigInt(row.open_minor);
	if (filter.minAmount !== undefined && open < parseAmount(filter.minAmount, row.currency))
		return false;
	if (filter.maxAmount !== undefined && open > parseAmount(filter.maxAmount, row.currency))
		return false;
	return true;
}

function staff(
	code: string | null,
	name: string | null,
	email: string | null,
	phone: string | null,
): StaffContact | null {
	return code ? { code, name: name ?? code, email, phone } : null;
}

function toCustomer(row: Row): PlannedCustomer {
	return {
		id: String(row.customer_id),
		externalId: row.external_id,
		name: row.name,
		legalName: row.legal_name,
		language: row.language,
		emails: row.emails ?? [],
		ccEmails: row.cc_emails ?? [],
		emailStatus: row.email_status,
		phone: row.phone,
		addressLines: row.address_lines ?? [],
		postalCode: row.postal_code,
		city: row.city,
		country: row.country,
		vatNumber: row.vat_number,
		profile: row.profile,
		customFields: row.custom_fields ?? {},
		salesRep: staff(row.rep_code, row.rep_name, row.rep_email, row.rep_phone),
		collector: staff(row.col_code, row.col_name, row.col_email, row.col_phone),
	};
}

/** Resolves {{salesRep.email}}-style placeholders of an address list against the customer. */
export function resolveAddressList(
	entries: string[] | undefined,
	customer: PlannedCustomer,
): string[] {
	const values: Record<string, string | null | undefined> = {
		'customer.email': customer.emails[0],
		'salesRep.email': customer.salesRep?.email,
		'collector.email': customer.collector?.email,
		'salesRep.name': customer.salesRep?.name,
		'collector.name': customer.collector?.name,
	};
	const out: string[] = [];
	for (const entry of entries ?? []) {
		if (!entry.includes('{{')) {
			out.push(entry);
			continue;
		}
		if (checkAddressTemplate(entry)) continue;
		const resolved = entry.replace(
			/\{\{\s*([^{}]+?)\s*\}\}/g,
			(_m, name: string) => values[name] ?? '',
		);
		if (resolved.trim()) out.push(resolved);
	}
	return out;
}

interface ChannelChoice {
	channel?: Channel;
	reason?: string;
	to: string[];
	rejected: PlannedMessage['rejectedAddresses'];
}

function chooseChannel(stage: DunningStage, customer: PlannedCustomer): ChannelChoice {
	const rejected: PlannedMessage['rejectedAddresses'] = [];
	const to: string[] = [];
	for (const address of splitAddresses(customer.emails)) {
		const problem = checkEmailAddress(address);
		if (problem) rejected.push({ address, field: 'to', problem });
		else to.push(address);
	}
	let emailReason: string | undefined;
	if (customer.emailStatus === 'bounced')
		emailReason = 'email_bounced: the address bounced (hard bounce)';
	else if (customer.emailStatus === 'invalid')
		emailReason = 'email_invalid: the address was marked invalid';
	else if (customer.emails.length === 0 || customer.emailStatus === 'none')
		emailReason = 'no_email: the customer has no e-mail address';
	else if (to.length === 0)
		emailReason = `email_invalid: ${rejected.map((r) => `"${r.address}" (${r.problem})`).join(', ')}`;
	const reasons: string[] = [];
	for (const channel of stage.channels) {
		if (channel === 'email') {
			if (!emailReason) return { channel, to, rejected, reason: reasons.join('; ') || undefined };
			reasons.push(emailReason);
		} else if (channel === 'call') {
			if (customer.phone)
				return { channel, to: [], rejected, reason: reasons.join('; ') || undefined };
			reasons.push('no_phone: the customer has no phone number');
		} else {
			return { channel, to: [], rejected, reason: reasons.join('; ') || undefined };
		}
	}
	return { to: [], rejected, reason: reasons.join('; ') };
}

function validAddresses(
	list: string[],
	field: string,
	rejected: PlannedMessage['rejectedAddresses'],
	exclude: Set<string>,
): string[] {
	const out: string[] = [];
	for (const address of splitAddresses(list)) {
		const key = address.toLowerCase();
		if (exclude.has(key)) continue;
		const problem = checkEmailAddress(address);
		if (problem) rejected.push({ address, field, problem });
		else {
			out.push(address);
			exclude.add(key);
		}
	}
	return out;
}

/** The company's country (settings key "company", field country): the default governing law; FR when not set. */
export async function companyLaw(ledger: Ledger): Promise<string> {
	const rows = await ledger.query<{ country: string | null }>(
		"SELECT value->>'country' AS country FROM settings WHERE key = 'company'",
	);
	const country = rows[0]?.country?.trim().toUpperCase();
	return country && /^[A-Z]{2}$/.test(country) ? country : 'FR';
}

/** Plans the reminders of one stage. See the module comment. */
export async function planReminders(ledger: Ledger, options: PlanOptions): Promise<ReminderPlan> {
	const zone = options.zone || DEFAULT_ZONE;
	const asOf = options.asOf ? parseCalendarDate(options.asOf, zone) : todayIn(zone);
	if (!asOf)
		throw planError(
			`"${options.asOf}" is not a calendar date.`,
			'Give the plan date as YYYY-MM-DD, or leave it empty for today.',
		);
	const stageCode = (options.stage ?? '').trim();
	if (!stageCode)
		throw planError(
			'No stage is given.',
			'Name the stage to plan, e.g. level1, level2, pre_due, formal_notice or thank_you.',
		);
	if (options.filter) {
		const problems = filterProblems(options.filter as Record<string, unknown>);
		if (problems.length)
			throw planError(
				`The filter is not valid: ${problems.map((p) => p.message).join('; ')}.`,
				'Fix the filter fields.',
			);
	}
	const defaultPolicy = options.defaultPolicy || 'standard';
	const policies = await loadPolicies(ledger);
	if (options.policyOverride) policies.set(options.policyOverride.code, options.policyOverride);
	const companyCountry = await companyLaw(ledger);
	if (options.policy && !policies.has(options.policy)) {
		throw planError(
			`There is no dunning policy "${options.policy}".`,
			`Known policies: ${[...policies.keys()].join(', ') || 'none (save one first)'}.`,
		);
	}
	const withStage = [...policies.values()].filter((p) =>
		p.stages.some((s) => s.code === stageCode),
	);
	// Customers whose overrides change offsets or add the stage widen the window: they are few (partial index).
	const overridden = await ledger.query<{
		profile: string | null;
		policy_overrides: PolicyOverrides;
	}>("SELECT profile, policy_overrides FROM customers WHERE policy_overrides <> '{}'::jsonb");
	const windows: Array<{ from: number; to: number; kind: string }> = [];
	for (const policy of withStage) {
		const stage = policy.stages.find((s) => s.code === stageCode) as DunningStage;
		windows.push({ ...stageWindow(policy, stage), kind: stage.kind });
	}
	for (const row of overridden) {
		let policy: DunningPolicy | undefined;
		try {
			policy = effectivePolicy(row, policies, defaultPolicy);
		} catch {
			continue; // reported per invoice below
		}
		const stage = policy?.stages.find((s) => s.code === stageCode);
		if (policy && stage) windows.push({ ...stageWindow(policy, stage), kind: stage.kind });
	}
	if (windows.length === 0) {
		throw planError(
			`No dunning policy has a stage "${stageCode}".`,
			`Stages of the policies: ${[...new Set([...policies.values()].flatMap((p) => p.stages.map((s) => s.code)))].join(', ') || 'none'}.`,
		);
	}
	const thankYou = windows.every((w) => w.kind === 'thank_you');
	if (!thankYou && windows.some((w) => w.kind === 'thank_you')) {
		throw planError(
			`Stage "${stageCode}" is a thank-you in one policy and a reminder in another.`,
			'Give thank-you stages their own code in every policy.',
		);
	}
	const from = Math.min(...windows.map((w) => w.from));
	const to = Math.max(...windows.map((w) => w.to));
	const docTypes = options.filter?.docTypes ?? ['invoice', 'credit_note'];
	const params: unknown[] = [asOf, stageCode];
	const where: string[] = [];
	if (options.invoiceIds) {
		params.push(options.invoiceIds);
		where.push(`i.id = ANY($${params.length}::bigint[])`);
		where.push(
			thankYou ? "i.status = 'paid'" : "i.status IN ('open', 'paid', 'credited', 'cancelled')",
		);
	} else if (thankYou) {
		params.push(addDays(asOf, -to + 1), addDays(asOf, -from));
		where.push(
			`i.status = 'paid' AND i.paid_at >= $${params.length - 1}::date AND i.paid_at <= $${params.length}::date`,
		);
	} else {
		// days late d = asOf - due_date, from <= d < to  ⇔  asOf - to < due_date <= asOf - from
		params.push(addDays(asOf, -to), addDays(asOf, -from));
		where.push(
			`i.status = 'open' AND i.due_date > $${params.length - 1}::date AND i.due_date <= $${params.length}::date`,
		);
	}
	params.push(docTypes);
	where.push(`i.doc_type = ANY($${params.length}::text[])`);
	const inPolicies = options.policy
		? [options.policy]
		: [
				...new Set([
					...withStage.map((p) => p.code),
					...overridden.map((r) => r.profile ?? defaultPolicy),
				]),
			];
	params.push(inPolicies, defaultPolicy);
	const customerWhere = `coalesce(c.profile, $${params.length}) = ANY($${params.length - 1}::text[])`;
	// The invoices of the window are read first, through the partial index on open invoices by due date (or by
	// payment date, or by id); customers, staff and holds are then looked up for those rows only.
	let candidates = `SELECT id, number, doc_type, currency, issue_date, due_date, payable_minor, open_minor, status, paid_at, po_number, extra, customer_id
		FROM invoices i WHERE ${where.map((w) => `(${w})`).join(' AND ')}`;
	if (options.limit) {
		params.push(options.limit);
		candidates += ` ORDER BY i.due_date, i.id LIMIT $${params.length}`;
	}
	// The customers are read by key, those of the candidates only: joined on the whole table, Postgres hashed every
	// customer of the ledger (its estimate of the policy condition is a guess).
	const sql = `WITH candidates AS MATERIALIZED (${candidates})\n${SELECT} WHERE ${customerWhere}
		AND c.id = ANY (ARRAY(SELECT DISTINCT customer_id FROM candidates)) ORDER BY i.customer_id, i.due_date, i.id`;
	const rows = await ledger.query<Row>(sql, params);

	const held: HeldInvoice[] = [];
	// Returns whether the invoice stays out of the plan: a preview (includeHeld) lists why it would be held and plans it anyway.
	const hold = (row: Row, reason: HoldReason, detail: string): boolean => {
		held.push({
			invoiceId: String(row.id),
			number: row.number,
			customerId: String(row.customer_id),
			customerExternalId: row.external_id,
			customerName: row.name,
			stage: stageCode,
			reason,
			detail,
		});
		return !options.includeHeld;
	};
	const groups = new Map<
		string,
		{ policy: DunningPolicy; stage: DunningStage; row: Row; invoices: PlannedInvoice[] }
	>();
	const policyCache = new Map<string, DunningPolicy | undefined>();
	const overrideErrors = new Map<string, string>();
	for (const row of rows) {
		const cacheKey = String(row.customer_id);
		if (!policyCache.has(cacheKey)) {
			try {
				policyCache.set(cacheKey, effectivePolicy(row, policies, defaultPolicy));
			} catch (error) {
				policyCache.set(cacheKey, undefined);
				overrideErrors.set(cacheKey, (error as Error).message);
			}
		}
		if (overrideErrors.has(cacheKey)) {
			hold(
				row,
				'invalid_overrides',
				`the customer's policy overrides are not valid: ${overrideErrors.get(cacheKey)}`,
			);
			continue;
		}
		const policy = policyCache.get(cacheKey);
		const stage = policy?.stages.find((s) => s.code === stageCode);
		if (!policy || !stage) continue;
		if (options.policy && policy.code !== options.policy) continue;
		const daysLate = daysBetween(row.due_date, asOf);
		const daysSincePaid = row.paid_at ? daysBetween(row.paid_at, asOf) : 0;
		if (!options.invoiceIds) {
			const window = stageWindow(policy, stage);
			const measure = thankYou ? daysSincePaid : daysLate;
			if (measure < window.from || measure >= window.to) continue;
		}
		if (thankYou && stage.onlyIfReminded !== false && !row.reminded) continue;
		let disputedMinor: bigint | undefined;
		const docFilter = stage.filter?.docTypes ?? options.filter?.docTypes ?? ['invoice'];
		if (!docFilter.includes(row.doc_type)) continue;
		if (!matchesFilter(row, stage.filter) || !matchesFilter(row, options.filter)) continue;
		// retry: a temporary refusal; bounced: the address died, the stage goes out again (as a letter by then)
		const retry = row.reminder_status === 'retry' || row.reminder_status === 'bounced';
		if (!thankYou && (row.status !== 'open' || BigInt(row.open_minor) <= 0n)) {
			if (
				hold(
					row,
					'paid',
					row.status === 'open' ? 'nothing is left to pay' : `the invoice is ${row.status}`,
				)
			)
				continue;
		}
		if (row.reminder_status && !retry) {
			if (hold(row, 'already_sent', `stage ${stageCode} is already ${row.reminder_status}`))
				continue;
		}
		if (!thankYou) {
			if (row.on_hold) {
				if (
					hold(
						row,
						'customer_on_hold',
						row.hold_reason ? `customer on hold: ${row.hold_reason}` : 'customer on hold',
					)
				)
					continue;
			}
			if (row.dispute_id) {
				if (hold(row, 'dispute', `open dispute #${row.dispute_id}`)) continue;
			}
			if (row.disputed_part && row.status === 'open') {
				// Some lines disputed: the undisputed rest is reminded; nothing left of it, the invoice waits as disputed.
				const split = splitDisputed(BigInt(row.open_minor), {
					whole: false,
					partsMinor: BigInt(row.disputed_part.minor),
				});
				if (split.undisputedMinor <= 0n) {
					if (
						hold(
							row,
							'dispute',
							`open dispute #${row.disputed_part.ids} on ${formatAmount(BigInt(row.disputed_part.minor), row.currency)} ${row.currency}, nothing undisputed left`,
						)
					)
						continue;
				} else {
					disputedMinor = split.disputedMinor;
					row.open_minor = split.undisputedMinor.toString();
				}
			}
			if (row.promised_on) {
				if (hold(row, 'promise', `payment promised for ${row.promised_on}`)) continue;
			}
			if (row.hold_text) {
				if (hold(row, 'hold', row.hold_text)) continue;
			}
		}
		if (!thankYou) {
			const minimum = stageMinimum(policy, stage, row.currency);
			if (minimum !== undefined && BigInt(row.open_minor) < minimum) {
				if (
					hold(
						row,
						'below_minimum',
						`the open amount ${formatAmount(BigInt(row.open_minor), row.currency)} ${row.currency} is below the minimum of ${formatAmount(minimum, row.currency)} ${row.currency} for reminders`,
					)
				)
					continue;
			}
		}
		const invoice: PlannedInvoice = {
			id: String(row.id),
			number: row.number,
			docType: row.doc_type,
			currency: row.currency,
			issueDate: row.issue_date,
			dueDate: row.due_date,
			payableMinor: BigInt(row.payable_minor),
			openMinor: BigInt(row.open_minor),
			...(disputedMinor !== undefined ? { disputedMinor } : {}),
			daysLate,
			paidAt: row.paid_at,
			poNumber: row.po_number,
			retry,
			settlements: (row.settlements ?? []).map((x) => ({
				date: x.date,
				amountMinor: BigInt(x.amount),
				kind: x.kind,
			})),
			...(row.revisions?.length
				? {
						revisions: row.revisions.map((x) => ({
							until: x.until,
							payableMinor: BigInt(x.payable),
							dueDate: x.due,
						})),
					}
				: {}),
		};
		const key =
			stage.grouping === 'invoice'
				? `${stageCode}:${row.customer_id}:${row.id}`
				: `${stageCode}:${row.customer_id}:${row.currency}`;
		const group = groups.get(key);
		if (group) group.invoices.push(invoice);
		else groups.set(key, { policy, stage, row, invoices: [invoice] });
	}

	const due: PlannedMessage[] = [];
	for (const [key, group] of groups) {
		const { policy, stage, row, invoices } = group;
		const currency = assertCurrency(row.currency);
		const totalOpenMinor = invoices.reduce(
			(sum, inv) => sum + (thankYou ? inv.payableMinor : inv.openMinor),
			0n,
		);
		if (stage.minAmount !== undefined && totalOpenMinor < parseAmount(stage.minAmount, currency)) {
			for (const inv of invoices)
				held.push({
					invoiceId: inv.id,
					number: inv.number,
					customerId: String(row.customer_id),
					customerExternalId: row.external_id,
					customerName: row.name,
					stage: stageCode,
					reason: 'below_minimum',
					detail: `the amount owed is below ${stage.minAmount} ${currency}`,
				});
			continue;
		}
		const customer = toCustomer(row);
		const choice = chooseChannel(stage, customer);
		if (!choice.channel) {
			for (const inv of invoices)
				held.push({
					invoiceId: inv.id,
					number: inv.number,
					customerId: customer.id,
					customerExternalId: customer.externalId,
					customerName: customer.name,
					stage: stageCode,
					reason: 'no_channel',
					detail: choice.reason ?? 'no channel of the stage can reach the customer',
				});
			continue;
		}
		const rejected = [...choice.rejected];
		const taken = new Set(choice.to.map((a) => a.toLowerCase()));
		const email = choice.channel === 'email';
		const cc = email
			? validAddresses(
					[...customer.ccEmails, ...resolveAddressList(stage.cc, customer)],
					'cc',
					rejected,
					taken,
				)
			: [];
		const bcc = email
			? validAddresses(resolveAddressList(stage.bcc, customer), 'bcc', rejected, taken)
			: [];
		due.push({
			key,
			asOf,
			policy,
			stage,
			customer,
			invoices,
			currency,
			totalOpenMinor,
			channel: choice.channel,
			channelReason: choice.reason,
			to: choice.to,
			cc,
			bcc,
			rejectedAddresses: rejected,
			governingLaw: policy.governingLaw ?? companyCountry,
		});
	}
	return { asOf, stage: stageCode, due, held };
}
