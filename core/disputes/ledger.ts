import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import { effectiveDate, effectiveInstant } from '../ledger/effective';
import { formatAmount, parseAmount } from '../money/money';
import { addDays, DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time/dates';
import { timelineEvent, type TimelineEvent } from '../dunning/timeline-text';
import type { DisputeCategory } from './lexicon';

/**
 * Disputes in the ledger. Opening one links it to its invoices (dispute_invoices), which pauses their dunning:
 * the reminder planner skips an invoice while it has an open dispute. Resolving it lets dunning resume on the
 * invoices still due. Every step is written to the history.
 */

export type DisputeLedgerCategory = Extract<
	DisputeCategory,
	'administrative' | 'logistics' | 'commercial' | 'technical' | 'other'
>;
export const DISPUTE_LEDGER_CATEGORIES: DisputeLedgerCategory[] = [
	'administrative',
	'logistics',
	'commercial',
	'technical',
	'other',
];

export type DisputeResolution =
	| 'credit_note'
	| 'redelivery'
	| 'corrected_invoice'
	| 'justified'
	| 'unjustified'
	| 'withdrawn'
	| 'other';
export const DISPUTE_RESOLUTIONS: DisputeResolution[] = [
	'credit_note',
	'redelivery',
	'corrected_invoice',
	'justified',
	'unjustified',
	'withdrawn',
	'other',
];

export type OwnerKind = 'billing' | 'logistics' | 'sales' | 'support' | 'staff';

/** Who handles a dispute of each category, and in how many days it should be resolved. */
export interface DisputeRouting {
	owners: Record<DisputeLedgerCategory, { kind: OwnerKind; owner: string }>;
	resolutionDays: Record<DisputeLedgerCategory, number>;
}

export const DEFAULT_ROUTING: DisputeRouting = {
	owners: {
		administrative: { kind: 'billing', owner: 'billing' },
		logistics: { kind: 'logistics', owner: 'logistics' },
		// The customer's sales rep (customers.sales_rep_code); the sales team when the customer has none.
		commercial: { kind: 'sales', owner: 'sales' },
		technical: { kind: 'support', owner: 'support' },
		other: { kind: 'billing', owner: 'billing' },
	},
	resolutionDays: { administrative: 5, logistics: 7, commercial: 10, technical: 10, other: 7 },
};

/** The routing: defaults, then the ledger's `settings` row "disputes" ({ owners, resolutionDays }), then options. */
export async function disputeRouting(
	ledger: Ledger,
	override?: Partial<DisputeRouting>,
): Promise<DisputeRouting> {
	const rows = await ledger.query<{ value: Partial<DisputeRouting> }>(
		"SELECT value FROM settings WHERE key = 'disputes'",
	);
	const stored = rows[0]?.value ?? {};
	return {
		owners: { ...DEFAULT_ROUTING.owners, ...(stored.owners ?? {}), ...(override?.owners ?? {}) },
		resolutionDays: {
			...DEFAULT_ROUTING.resolutionDays,
			...(stored.resolutionDays ?? {}),
			...(override?.resolutionDays ?? {}),
		},
	};
}

export interface OpenDisputeInput {
	/** Invoice numbers as the customer wrote them ("F-2026-0012", "F 2026 0012"). */
	invoices?: string[];
	/** The customer's external id; needed when no invoice is given, checked against the invoices otherwise. */
	customer?: string;
	category: DisputeLedgerCategory;
	subcategory?: string | null;
	/** Disputed amount (decimal string); the open amount of the invoices when absent. */
	amount?: string | null;
	currency?: string | null;
	evidence?: string | null;
	/** Where the dispute comes from (email, call, portal...) and its identifier (e-mail Message-ID): opening twice with the same pair changes nothing. */
	source?: string | null;
	sourceRef?: string | null;
	language?: 'fr' | 'en' | null;
	confidence?: number | null;
	classification?: Record<string, unknown>;
	/** A person or team that takes the dispute instead of the routing. */
	owner?: string | null;
	/** Day the dispute is opened, for its due date (default today in the zone). */
	asOf?: string;
	zone?: string;
	actor?: string;
	issuer?: string;
	routing?: Partial<DisputeRouting>;
	/**
	 * The address the request came from (an e-mail's From, "Name <a@b>" or "a@b"). When given, the dispute opens
	 * only if it is one of the customer's known addresses (e-mails and copies); anything else, empty included, is
	 * refused with DISPUTE_SENDER_UNKNOWN (for a person to look at). Not given: no check (calls, portal, code).
	 */
	senderEmail?: string | null;
	/**
	 * Only part of one invoice is disputed (some of its lines): that part in minor units of the invoice's currency,
	 * more than zero and less than its open amount. The dispute's amount is that part and dunning goes on for the
	 * rest of the invoice. Only with exactly one invoice; a dispute the invoice joins (same category, already open)
	 * covers it whole.
	 */
	disputedMinor?: bigint | null;
}

/** The bare address of a From header: "Jean <Jean@X.fr>" → "jean@x.fr"; undefined when there is none. */
export function senderAddress(from: string | null | undefined): string | undefined {
	const text = String(from ?? '').trim();
	const angled = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
	const bare = angled ? angled[1] : /^[^\s<>@]+@[^\s<>@]+$/.test(text) ? text : undefined;
	return bare?.toLowerCase();
}

export interface OpenedDispute {
	status: 'opened' | 'existing';
	disputeId: string;
	customerId: string;
	customerExternalId: string;
	category: DisputeLedgerCategory;
	owner: string;
	ownerKind: OwnerKind;
	dueOn: string;
	amount: string | null;
	currency: string | null;
	invoices: Array<{ id: string; number: string }>;
	/** References given that are not invoices of the ledger: reported, never invented. */
	unknownInvoices: string[];
}

interface InvoiceRow {
	id: string;
	number: string;
	customer_id: string;
	external_id: string;
	sales_rep_code: string | null;
	open_minor: string;
	currency: string;
	status: string;
	given: string;
}

function disputeError(
	code: string,
	message: string,
	hint: string,
	details?: Record<string, unknown>,
): ReceivablesError {
	return new ReceivablesError(code, message, { hint, details });
}

/** Finds invoices by number: exactly, else by the number without separators (the way banks and customers rewrite it). */
export async function findInvoicesByNumber(
	client: Pick<PoolClient, 'query'>,
	numbers: string[],
	issuer?: string,
): Promise<{ found: InvoiceRow[]; unknown: string[] }> {
	const given = [...new Set(numbers.map((n) => String(n ?? '').trim()).filter(Boolean))];
	if (!given.length) return { found: [], unknown: [] };
	const { rows } = await client.query<InvoiceRow>(
		`SELECT DISTINCT ON (g.given) i.id, i.number, i.customer_id, c.external_id, c.sales_rep_code, i.open_minor, i.currency, i.status, g.given
		FROM unnest($1::text[]) AS g(given)
		JOIN invoices i ON i.doc_type = 'invoice' AND ($2::text IS NULL OR i.issuer = $2)
			AND (i.number = g.given OR upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) = upper(regexp_replace(g.given, '[^A-Za-z0-9]', '', 'g')))
		JOIN customers c ON c.id = i.customer_id
		ORDER BY g.given, (i.number = g.given) DESC, i.id`,
		[given, issuer ?? null],
	);
	const byId = new Map<string, InvoiceRow>();
	for (const row of rows) byId.set(row.id, row);
	const matched = new Set(rows.map((r) => r.given));
	return { found: [...byId.values()], unknown: given.filter((g) => !matched.has(g)) };
}

/**
 * Opens a dispute on invoices of one customer. Unknown invoice numbers are reported in `unknownInvoices` (the
 * dispute is opened on the known ones); when none is known and no customer is named, nothing is written and
 * DISPUTE_NO_INVOICE is thrown. An invoice already in an open dispute of the same category joins that dispute
 * instead of opening a second one.
 */
export async function openDispute(ledger: Ledger, input: OpenDisputeInput): Promise<OpenedDispute> {
	checkOpenInput(input);
	const routing = await disputeRouting(ledger, input.routing);
	return await ledger.transaction(async (client) => await openDisputeIn(client, routing, input));
}

function checkOpenInput(input: OpenDisputeInput): string {
	if (!DISPUTE_LEDGER_CATEGORIES.includes(input.category)) {
		throw disputeError(
			'DISPUTE_BAD_CATEGORY',
			`"${input.category}" is not a dispute category.`,
			`Use one of ${DISPUTE_LEDGER_CATEGORIES.join(', ')} (payment promises, payments and delay requests are not disputes).`,
		);
	}
	const zone = input.zone || DEFAULT_ZONE;
	const asOf = input.asOf ? parseCalendarDate(input.asOf, zone) : todayIn(zone);
	if (!asOf)
		throw disputeError(
			'DISPUTE_BAD_DATE',
			`"${input.asOf}" is not a calendar date.`,
			'Give the date as YYYY-MM-DD.',
		);
	if (asOf > todayIn(zone))
		throw disputeError(
			'DISPUTE_BAD_DATE',
			`The dispute cannot be opened on ${asOf}, after today (${todayIn(zone)} in ${zone}) / Un litige ne s'ouvre pas dans le futur.`,
			'Give the day the customer raised it, today or earlier.',
		);
	return asOf;
}

/** openDispute inside a transaction the caller holds (a quality call that ends in a dispute writes both at once). */
export async function openDisputeIn(
	client: Pick<PoolClient, 'query'>,
	routing: DisputeRouting,
	input: OpenDisputeInput,
): Promise<OpenedDispute> {
	const asOf = checkOpenInput(input);
	if (input.source && input.sourceRef) {
		const existing = await client.query<{ id: string }>(
			'SELECT id FROM disputes WHERE source = $1 AND source_ref = $2',
			[input.source, input.sourceRef],
		);
		if (existing.rows[0]) return await describe(client, existing.rows[0].id, 'existing', []);
	}
	const { found, unknown } = await findInvoicesByNumber(client, input.invoices ?? [], input.issuer);
	let customerId: string;
	let customerExternalId: string;
	let salesRep: string | null;
	const customers = [...new Set(found.map((f) => f.customer_id))];
	if (customers.length > 1) {
		throw disputeError(
			'DISPUTE_MIXED_CUSTOMERS',
			`The invoices ${found.map((f) => f.number).join(', ')} belong to ${customers.length} different customers.`,
			'Open one dispute per customer.',
			{ invoices: found.map((f) => ({ number: f.number, customer: f.external_id })) },
		);
	}
	if (found.length) {
		customerId = found[0].customer_id;
		customerExternalId = found[0].external_id;
		salesRep = found[0].sales_rep_code;
		if (input.customer && input.customer !== customerExternalId) {
			throw disputeError(
				'DISPUTE_CUSTOMER_MISMATCH',
				`The invoices belong to customer "${customerExternalId}", not to "${input.customer}".`,
				'Check the customer or the invoice numbers.',
			);
		}
	} else if (input.customer) {
		const c = await client.query<{ id: string; sales_rep_code: string | null }>(
			'SELECT id, sales_rep_code FROM customers WHERE external_id = $1',
			[input.customer],
		);
		if (!c.rows[0])
			throw disputeError(
				'DISPUTE_UNKNOWN_CUSTOMER',
				`Customer "${input.customer}" is not in the ledger.`,
				'Give the external id of a customer stored by Invoice Intake.',
			);
		customerId = c.rows[0].id;
		customerExternalId = input.customer;
		salesRep = c.rows[0].sales_rep_code;
	} else {
		throw disputeError(
			'DISPUTE_NO_INVOICE',
			unknown.length
				? `None of the invoice numbers (${unknown.join(', ')}) is in the ledger.`
				: 'No invoice and no customer is given for the dispute.',
			'Give the numbers of invoices stored in the ledger, or the customer, so that the dispute can be linked.',
			{ unknownInvoices: unknown },
		);
	}

	if (input.senderEmail !== undefined) {
		const address = senderAddress(input.senderEmail);
		const known = address
			? (
					await client.query<{ known: boolean }>(
						`SELECT EXISTS (SELECT 1 FROM customers c, unnest(c.emails || c.cc_emails) AS e(address)
					WHERE c.id = $1 AND lower(trim(e.address)) = $2) AS known`,
						[customerId, address],
					)
				).rows[0].known
			: false;
		if (!known) {
			throw disputeError(
				'DISPUTE_SENDER_UNKNOWN',
				`The sender ${address ? `"${address}"` : '(no address)'} is not an e-mail address known for customer "${customerExternalId}": no dispute is opened.`,
				"Check the message by hand. If the address is the customer's, add it to the customer's e-mails (Invoice Intake → Store Customers); the next reply from it opens the dispute.",
				{
					sender: address ?? null,
					customer: customerExternalId,
					messageFr: `L'expéditeur ${address ? `« ${address} »` : '(sans adresse)'} n'est pas une adresse connue du client « ${customerExternalId} » : aucun litige n'est ouvert.`,
					hintFr:
						"Vérifiez le message à la main. Si l'adresse est bien celle du client, ajoutez-la à ses e-mails (Invoice Intake → Store Customers) ; la prochaine réponse de cette adresse ouvrira le litige.",
				},
			);
		}
	}

	if (found.length) {
		const open = await client.query<{ dispute_id: string }>(
			`SELECT d.id AS dispute_id FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id
			WHERE d.status = 'open' AND d.category = $1 AND di.invoice_id = ANY($2::bigint[]) ORDER BY d.id LIMIT 1`,
			[input.category, found.map((f) => f.id)],
		);
		if (open.rows[0]) {
			const id = open.rows[0].dispute_id;
			const added = await client.query<{ invoice_id: string }>(
				`INSERT INTO dispute_invoices (dispute_id, invoice_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING RETURNING invoice_id`,
				[id, found.map((f) => f.id)],
			);
			if (added.rows.length) {
				// The disputed amount grows by the open amount of the invoices that join (same currency).
				await client.query(
					`UPDATE disputes d SET amount_minor = d.amount_minor + coalesce((SELECT sum(i.open_minor) FROM invoices i
						WHERE i.id = ANY($2::bigint[]) AND i.currency = d.currency), 0) WHERE d.id = $1 AND d.amount_minor IS NOT NULL`,
					[id, added.rows.map((r) => r.invoice_id)],
				);
			}
			await writeHistory(
				client,
				customerId,
				added.rows.map((r) => r.invoice_id),
				'dispute_invoice_added',
				input.actor,
				...withEvent(timelineEvent('dispute_invoice_added', { disputeId: id }), { disputeId: id }),
			);
			return await describe(client, id, 'existing', unknown);
		}
	}

	const route = routing.owners[input.category];
	let owner = input.owner?.trim() || route.owner;
	let ownerKind: OwnerKind = input.owner?.trim() ? 'staff' : route.kind;
	if (!input.owner?.trim() && route.kind === 'sales' && salesRep) {
		owner = salesRep;
		ownerKind = 'sales';
	}
	const dueOn = addDays(asOf, routing.resolutionDays[input.category] ?? 7);

	let amountMinor: bigint | null = null;
	let currency: string | null = input.currency ? input.currency.toUpperCase() : null;
	let partMinor: bigint | null = null;
	if (input.disputedMinor !== undefined && input.disputedMinor !== null) {
		const open = found.length === 1 ? BigInt(found[0].open_minor) : 0n;
		if (found.length !== 1 || input.disputedMinor <= 0n || input.disputedMinor >= open) {
			throw disputeError(
				'DISPUTE_BAD_AMOUNT',
				`A part of an invoice is disputed on exactly one invoice, for more than zero and less than its open amount (${found.length} invoice(s), part ${input.disputedMinor}, open ${open}).`,
				'Dispute the whole invoice, or give the part of one invoice that is disputed.',
				{
					messageFr: `Une partie de facture se conteste sur une seule facture, pour plus de zéro et moins que son reste à payer.`,
				},
			);
		}
		partMinor = input.disputedMinor;
		amountMinor = partMinor;
		currency = found[0].currency;
	} else if (
		input.amount !== undefined &&
		input.amount !== null &&
		String(input.amount).trim() !== ''
	) {
		currency ??= found[0]?.currency ?? null;
		if (!currency)
			throw disputeError(
				'DISPUTE_BAD_AMOUNT',
				'The disputed amount has no currency.',
				'Give the currency (EUR, MAD, XOF...).',
			);
		amountMinor = parseAmount(String(input.amount), currency);
	} else if (found.length) {
		const currencies = [...new Set(found.map((f) => f.currency))];
		if (currencies.length === 1) {
			currency = currencies[0];
			amountMinor = found.reduce((sum, f) => sum + BigInt(f.open_minor), 0n);
		}
	}

	const inserted = await client.query<{ id: string }>(
		`INSERT INTO disputes (customer_id, category, subcategory, owner, owner_kind, opened_at, due_on, amount_minor, currency, source,
			source_ref, evidence, language, confidence, classification, created_by)
		VALUES ($1, $2, $3, $4, $5, coalesce($16::timestamptz, now()), $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING
		RETURNING id`,
		[
			customerId,
			input.category,
			input.subcategory ?? null,
			owner,
			ownerKind,
			dueOn,
			amountMinor?.toString() ?? null,
			currency,
			input.source ?? null,
			input.sourceRef ?? null,
			input.evidence ? String(input.evidence).slice(0, 2000) : null,
			input.language ?? null,
			input.confidence ?? null,
			JSON.stringify(input.classification ?? {}),
			input.actor ?? null,
			effectiveInstant(asOf, input.zone),
		],
	);
	if (!inserted.rows[0]) {
		// Opened by a concurrent run with the same source reference.
		const again = await client.query<{ id: string }>(
			'SELECT id FROM disputes WHERE source = $1 AND source_ref = $2',
			[input.source, input.sourceRef],
		);
		return await describe(client, again.rows[0].id, 'existing', unknown);
	}
	const id = inserted.rows[0].id;
	if (found.length) {
		await client.query(
			'INSERT INTO dispute_invoices (dispute_id, invoice_id, disputed_minor) SELECT $1, unnest($2::bigint[]), $3 ON CONFLICT DO NOTHING',
			[id, found.map((f) => f.id), partMinor?.toString() ?? null],
		);
	}
	await writeHistory(
		client,
		customerId,
		found.length ? found.map((f) => f.id) : [null],
		'dispute_opened',
		input.actor,
		...withEvent(
			timelineEvent('dispute_opened', {
				disputeId: id,
				category: input.category,
				subcategory: input.subcategory || undefined,
				owner,
				dueOn,
			}),
			{
				disputeId: id,
				category: input.category,
				subcategory: input.subcategory ?? null,
				owner,
				dueOn,
				source: input.source ?? null,
				sourceRef: input.sourceRef ?? null,
				unknownInvoices: unknown,
			},
		),
	);
	return await describe(client, id, 'opened', unknown);
}

/** The English sentence and the payload carrying its event, as writeHistory takes them. */
function withEvent(
	event: { summary: string; timeline: TimelineEvent },
	payload: Record<string, unknown>,
): [string, Record<string, unknown>] {
	return [event.summary, { ...payload, timeline: event.timeline }];
}

async function writeHistory(
	client: Pick<PoolClient, 'query'>,
	customerId: string,
	invoiceIds: Array<string | null>,
	kind: string,
	actor: string | undefined,
	summary: string,
	payload: Record<string, unknown>,
): Promise<void> {
	if (!invoiceIds.length) return;
	await client.query(
		`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
		SELECT $1, unnest($2::bigint[]), $3, 'dispute', $4, $5, $6`,
		[customerId, invoiceIds, kind, actor ?? null, summary, JSON.stringify(payload)],
	);
}

async function describe(
	client: Pick<PoolClient, 'query'>,
	id: string,
	status: OpenedDispute['status'],
	unknown: string[],
): Promise<OpenedDispute> {
	const { rows } = await client.query<{
		id: string;
		customer_id: string;
		external_id: string;
		category: DisputeLedgerCategory;
		owner: string;
		owner_kind: OwnerKind;
		due_on: string;
		amount_minor: string | null;
		currency: string | null;
		invoices: Array<{ id: string; number: string }> | null;
	}>(
		`SELECT d.id, d.customer_id, c.external_id, d.category, d.owner, d.owner_kind, d.due_on::text, d.amount_minor, d.currency,
			(SELECT json_agg(json_build_object('id', i.id::text, 'number', i.number) ORDER BY i.number) FROM dispute_invoices di JOIN invoices i ON i.id = di.invoice_id WHERE di.dispute_id = d.id) AS invoices
		FROM disputes d JOIN customers c ON c.id = d.customer_id WHERE d.id = $1`,
		[id],
	);
	const r = rows[0];
	return {
		status,
		disputeId: r.id,
		customerId: r.customer_id,
		customerExternalId: r.external_id,
		category: r.category,
		owner: r.owner,
		ownerKind: r.owner_kind,
		dueOn: r.due_on,
		amount:
			r.amount_minor !== null && r.currency
				? formatAmount(BigInt(r.amount_minor), r.currency.trim())
				: null,
		currency: r.currency?.trim() ?? null,
		invoices: r.invoices ?? [],
		unknownInvoices: unknown,
	};
}

export interface ResolveDisputeInput {
	disputeId: string | number;
	resolution: DisputeResolution;
	/** Why it happened, in the company's words ("pricing error in quote", "carrier lost pallet"): what the analysis groups by. */
	rootCause: string;
	/** Whether the customer was right; by default credit note, re-delivery, corrected invoice and "justified" mean yes. */
	justified?: boolean;
	note?: string | null;
	actor?: string;
	/** Day the dispute was resolved (YYYY-MM-DD, default today in `zone`; not before it was opened, not in the future). */
	asOf?: string;
	zone?: string;
}

export interface ResolvedDispute {
	status: 'resolved' | 'already_resolved';
	disputeId: string;
	resolution: DisputeResolution;
	justified: boolean | null;
	invoices: Array<{
		id: string;
		number: string;
		status: string;
		open: string;
		currency: string;
		dunningResumes: boolean;
	}>;
}

/** Closes a dispute with its resolution and root cause; dunning resumes on the invoices that are still due and not in another open dispute. */
export async function resolveDispute(
	ledger: Ledger,
	input: ResolveDisputeInput,
): Promise<ResolvedDispute> {
	if (!DISPUTE_RESOLUTIONS.includes(input.resolution)) {
		throw disputeError(
			'DISPUTE_BAD_RESOLUTION',
			`"${input.resolution}" is not a resolution.`,
			`Use one of ${DISPUTE_RESOLUTIONS.join(', ')}.`,
		);
	}
	const rootCause = String(input.rootCause ?? '')
		.trim()
		.replace(/\s+/g, ' ');
	if (!rootCause)
		throw disputeError(
			'DISPUTE_NO_ROOT_CAUSE',
			'A resolved dispute needs its root cause.',
			'Say why it happened (e.g. "price list not updated", "carrier damage"): the dispute analysis is grouped by it.',
		);
	const id = String(input.disputeId ?? '').trim();
	if (!/^\d+$/.test(id))
		throw disputeError(
			'DISPUTE_NOT_FOUND',
			`"${input.disputeId}" is not a dispute id.`,
			'Give the id returned when the dispute was opened.',
		);
	const justified =
		input.justified ??
		(['credit_note', 'redelivery', 'corrected_invoice', 'justified'].includes(input.resolution)
			? true
			: ['unjustified', 'withdrawn'].includes(input.resolution)
				? false
				: null);
	const zone = input.zone || DEFAULT_ZONE;
	let resolvedOn: string;
	try {
		resolvedOn = effectiveDate(input.asOf, zone, 'DISPUTE_BAD_DATE');
	} catch (error) {
		throw disputeError(
			'DISPUTE_BAD_DATE',
			(error as Error).message,
			'Give the day the dispute was resolved, today or earlier, as YYYY-MM-DD.',
		);
	}
	return await ledger.transaction(async (client) => {
		const d = await client.query<{
			id: string;
			status: string;
			customer_id: string;
			resolution: DisputeResolution | null;
			justified: boolean | null;
			opened_on: string;
		}>(
			'SELECT id, status, customer_id, resolution, justified, (opened_at AT TIME ZONE $2)::date::text AS opened_on FROM disputes WHERE id = $1 FOR UPDATE',
			[id, zone],
		);
		if (!d.rows[0])
			throw disputeError(
				'DISPUTE_NOT_FOUND',
				`Dispute #${id} does not exist.`,
				'Give the id returned when the dispute was opened.',
			);
		const already = d.rows[0].status === 'resolved';
		if (!already) {
			if (resolvedOn < d.rows[0].opened_on) {
				throw disputeError(
					'DISPUTE_BAD_DATE',
					`Dispute #${id} was opened on ${d.rows[0].opened_on}: it cannot be resolved on ${resolvedOn} / Le litige a été ouvert le ${d.rows[0].opened_on} : il ne peut être résolu le ${resolvedOn}.`,
					'Give the day it was resolved, on or after the day it was opened.',
				);
			}
			await client.query(
				`UPDATE disputes SET status = 'resolved', resolution = $2, root_cause = $3, justified = $4, resolution_note = $5, resolved_at = coalesce($7::timestamptz, now()), resolved_by = $6 WHERE id = $1`,
				[
					id,
					input.resolution,
					rootCause,
					justified,
					input.note ?? null,
					input.actor ?? null,
					effectiveInstant(resolvedOn, zone),
				],
			);
		}
		const invoices = await client.query<{
			id: string;
			number: string;
			status: string;
			open_minor: string;
			currency: string;
			other_open: boolean;
		}>(
			`SELECT i.id, i.number, i.status, i.open_minor, i.currency,
				EXISTS (SELECT 1 FROM dispute_invoices o JOIN disputes od ON od.id = o.dispute_id WHERE o.invoice_id = i.id AND od.status = 'open') AS other_open
			FROM dispute_invoices di JOIN invoices i ON i.id = di.invoice_id WHERE di.dispute_id = $1 ORDER BY i.number`,
			[id],
		);
		if (!already) {
			await writeHistory(
				client,
				d.rows[0].customer_id,
				invoices.rows.length ? invoices.rows.map((r) => r.id) : [null],
				'dispute_resolved',
				input.actor,
				...withEvent(
					timelineEvent('dispute_resolved', {
						disputeId: id,
						resolution: input.resolution,
						rootCause,
					}),
					{
						disputeId: id,
						resolution: input.resolution,
						rootCause,
						justified,
						note: input.note ?? null,
					},
				),
			);
		}
		return {
			status: already ? 'already_resolved' : 'resolved',
			disputeId: id,
			resolution: already ? (d.rows[0].resolution as DisputeResolution) : input.resolution,
			justified: already ? d.rows[0].justified : justified,
			invoices: invoices.rows.map((r) => ({
				id: r.id,
				number: r.number,
				status: r.status,
				open: formatAmount(BigInt(r.open_minor), r.currency.trim()),
				currency: r.currency.trim(),
				dunningResumes: r.status === 'open' && BigInt(r.open_minor) > 0n && !r.other_open,
			})),
		};
	});
}

/** Appends a note to a dispute's history (a call, an e-mail, a decision). */
export async function addDisputeNote(
	ledger: Ledger,
	disputeId: string | number,
	note: string,
	actor?: string,
): Promise<{ disputeId: string; historyIds: string[] }> {
	const text = String(note ?? '').trim();
	if (!text) throw disputeError('DISPUTE_EMPTY_NOTE', 'The note is empty.', 'Write what happened.');
	const id = String(disputeId);
	return await ledger.transaction(async (client) => {
		const d = await client.query<{ customer_id: string }>(
			'SELECT customer_id FROM disputes WHERE id = $1',
			[/^\d+$/.test(id) ? id : '0'],
		);
		if (!d.rows[0])
			throw disputeError(
				'DISPUTE_NOT_FOUND',
				`Dispute #${id} does not exist.`,
				'Give the id returned when the dispute was opened.',
			);
		const inv = await client.query<{ invoice_id: string }>(
			'SELECT invoice_id FROM dispute_invoices WHERE dispute_id = $1',
			[id],
		);
		const rows = await client.query<{ id: string }>(
			`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT $1, unnest($2::bigint[]), 'dispute_note', 'dispute', $3, $4, $5 RETURNING id`,
			[
				d.rows[0].customer_id,
				inv.rows.length ? inv.rows.map((r) => r.invoice_id) : [null],
				actor ?? null,
				text.slice(0, 2000),
				JSON.stringify({ disputeId: id }),
			],
		);
		return { disputeId: id, historyIds: rows.rows.map((r) => r.id) };
	});
}
