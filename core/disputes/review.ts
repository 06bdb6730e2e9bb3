import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger/ledger';
import type { DisputeClassification } from './classify';
import { CATEGORIES, DISPUTE_CATEGORIES, type DisputeCategory } from './lexicon';
import {
	disputeRouting,
	findInvoicesByNumber,
	openDisputeIn,
	type DisputeLedgerCategory,
	type OpenedDispute,
} from './ledger';
import type { TrainingExample } from './training';

/**
 * The human review queue: replies the classifier is not sure about (or that could not be acted on) wait in the
 * ledger until a person gives their label. The label is kept with the text, so the reviewed messages can be added
 * to the training set; a dispute label can open the dispute at the same time.
 */

export interface QueueReviewInput {
	text: string;
	classification: Pick<
		DisputeClassification,
		'category' | 'subcategory' | 'confidence' | 'language' | 'invoiceNumbers'
	> &
		Partial<DisputeClassification>;
	source?: string;
	/** The e-mail Message-ID: queuing the same message twice gives the same review. */
	sourceRef?: string | null;
	receivedAt?: string | null;
	sender?: string | null;
	subject?: string | null;
	/** Why a person must look: low_confidence (default), no_invoice, not_actionable... */
	reason?: string | null;
}

export interface ReviewItem {
	reviewId: string;
	status: 'pending' | 'confirmed' | 'corrected';
	source: string;
	sourceRef: string | null;
	receivedAt: string | null;
	sender: string | null;
	subject: string | null;
	text: string;
	language: string | null;
	predicted: { category: DisputeCategory; subcategory: string | null; confidence: number | null };
	reason: string;
	customer: string | null;
	invoiceNumbers: string[];
	label: DisputeCategory | null;
	labelSubcategory: string | null;
	reviewedBy: string | null;
	reviewedAt: string | null;
	disputeId: string | null;
	createdAt: string;
}

export interface QueuedReview extends ReviewItem {
	queued: 'queued' | 'existing';
}

/** Characters of a message kept for review (the rest of a very long message is not needed to decide). */
const MAX_REVIEW_TEXT = 20_000;

function reviewError(
	code: string,
	message: string,
	hint: string,
	details?: Record<string, unknown>,
): ReceivablesError {
	return new ReceivablesError(code, message, { hint, details });
}

interface ReviewRow {
	id: string;
	status: ReviewItem['status'];
	source: string;
	source_ref: string | null;
	received_at: string | null;
	sender: string | null;
	subject: string | null;
	body: string;
	language: string | null;
	predicted_category: DisputeCategory;
	predicted_subcategory: string | null;
	confidence: string | null;
	reason: string;
	customer: string | null;
	invoice_numbers: string[];
	label: DisputeCategory | null;
	label_subcategory: string | null;
	reviewed_by: string | null;
	reviewed_at: Date | null;
	dispute_id: string | null;
	created_at: Date;
}

const SELECT_REVIEW = `SELECT r.id, r.status, r.source, r.source_ref, r.received_at, r.sender, r.subject, r.body, r.language, r.predicted_category,
	r.predicted_subcategory, r.confidence, r.reason, c.external_id AS customer, r.invoice_numbers, r.label, r.label_subcategory, r.reviewed_by,
	r.reviewed_at, r.dispute_id, r.created_at
	FROM dispute_reviews r LEFT JOIN customers c ON c.id = r.customer_id`;

function toItem(r: ReviewRow): ReviewItem {
	return {
		reviewId: r.id,
		status: r.status,
		source: r.source,
		sourceRef: r.source_ref,
		receivedAt: r.received_at,
		sender: r.sender,
		subject: r.subject,
		text: r.body,
		language: r.language?.trim() ?? null,
		predicted: {
			category: r.predicted_category,
			subcategory: r.predicted_subcategory,
			confidence: r.confidence === null ? null : Number(r.confidence),
		},
		reason: r.reason,
		customer: r.customer,
		invoiceNumbers: r.invoice_numbers,
		label: r.label,
		labelSubcategory: r.label_subcategory,
		reviewedBy: r.reviewed_by,
		reviewedAt: r.reviewed_at ? r.reviewed_at.toISOString() : null,
		disputeId: r.dispute_id,
		createdAt: r.created_at.toISOString(),
	};
}

function checkCategory(value: unknown, field: string): DisputeCategory {
	if (typeof value !== 'string' || !CATEGORIES.includes(value as DisputeCategory)) {
		throw reviewError(
			'REVIEW_BAD_LABEL',
			`The ${field} "${String(value ?? '')}" is not a category of the classifier.`,
			`Use one of ${CATEGORIES.join(', ')}.`,
		);
	}
	return value as DisputeCategory;
}

/** Puts a reply in the review queue (once per source and Message-ID), linked to its customer when its invoices are known. */
export async function queueReview(ledger: Ledger, input: QueueReviewInput): Promise<QueuedReview> {
	const text = String(input.text ?? '');
	if (!text.trim())
		throw reviewError(
			'REVIEW_EMPTY',
			'The message to review is empty.',
			'Pass the text of the reply (the e-mail body) to the review queue.',
		);
	const c = input.classification ?? ({} as QueueReviewInput['classification']);
	const category = checkCategory(c.category, 'predicted category');
	const source = input.source?.trim() || 'email';
	const sourceRef = input.sourceRef?.trim() || null;
	const invoiceNumbers = Array.isArray(c.invoiceNumbers) ? c.invoiceNumbers.map(String) : [];
	return await ledger.transaction(async (client) => {
		const { found } = await findInvoicesByNumber(client, invoiceNumbers);
		const customers = [...new Set(found.map((f) => f.customer_id))];
		const inserted = await client.query<{ id: string }>(
			`INSERT INTO dispute_reviews (source, source_ref, received_at, sender, subject, body, language, predicted_category, predicted_subcategory,
				confidence, classification, reason, customer_id, invoice_numbers)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (source, source_ref) WHERE source_ref IS NOT NULL DO NOTHING RETURNING id`,
			[
				source,
				sourceRef,
				input.receivedAt ? String(input.receivedAt) : null,
				input.sender ?? null,
				input.subject ?? null,
				text.slice(0, MAX_REVIEW_TEXT),
				c.language === 'fr' || c.language === 'en' ? c.language : null,
				category,
				c.subcategory ?? null,
				typeof c.confidence === 'number' ? Math.min(1, Math.max(0, c.confidence)) : null,
				JSON.stringify(c),
				input.reason?.trim() || 'low_confidence',
				customers.length === 1 ? customers[0] : null,
				invoiceNumbers,
			],
		);
		const id =
			inserted.rows[0]?.id ??
			(
				await client.query<{ id: string }>(
					'SELECT id FROM dispute_reviews WHERE source = $1 AND source_ref = $2',
					[source, sourceRef],
				)
			).rows[0].id;
		const { rows } = await client.query<ReviewRow>(`${SELECT_REVIEW} WHERE r.id = $1`, [id]);
		return { ...toItem(rows[0]), queued: inserted.rows[0] ? 'queued' : 'existing' };
	});
}

/** The review queue: pending replies first (oldest first), or the reviewed ones. */
export async function listReviews(
	ledger: Ledger,
	options: { status?: 'pending' | 'reviewed' | 'all'; limit?: number } = {},
): Promise<ReviewItem[]> {
	const status = options.status ?? 'pending';
	const where =
		status === 'pending'
			? "WHERE r.status = 'pending'"
			: status === 'reviewed'
				? "WHERE r.status <> 'pending'"
				: '';
	const limit = Math.max(1, Math.min(10_000, Math.floor(options.limit ?? 100)));
	const rows = await ledger.query<ReviewRow>(
		`${SELECT_REVIEW} ${where} ORDER BY r.created_at, r.id LIMIT $1`,
		[limit],
	);
	return rows.map(toItem);
}

export interface ConfirmLabelInput {
	reviewId: string | number;
	/** The category the person reads in the message. */
	label: DisputeCategory;
	subcategory?: string | null;
	actor?: string;
	note?: string | null;
	/** For a dispute label: open the dispute on the message's invoices (default true). */
	openDispute?: boolean;
	/** The customer, when the message names no invoice of the ledger. */
	customer?: string | null;
}

export interface ConfirmedLabel extends ReviewItem {
	/** The dispute opened (or joined) for a dispute label, when asked. */
	dispute: OpenedDispute | null;
}

/**
 * Records the label a person gives to a queued reply: "confirmed" when it is what the classifier said, "corrected"
 * otherwise. A dispute label opens the dispute in the same transaction (nothing is written when it cannot be opened).
 */
export async function confirmLabel(
	ledger: Ledger,
	input: ConfirmLabelInput,
): Promise<ConfirmedLabel> {
	const id = String(input.reviewId ?? '').trim();
	if (!/^\d+$/.test(id))
		throw reviewError(
			'REVIEW_NOT_FOUND',
			`"${input.reviewId}" is not a review id.`,
			'Give the reviewId of an item of the review queue.',
		);
	const label = checkCategory(input.label, 'label');
	const routing =
		DISPUTE_CATEGORIES.includes(label) && input.openDispute !== false
			? await disputeRouting(ledger)
			: null;
	return await ledger.transaction(async (client) => {
		const found = await client.query<ReviewRow & { body: string }>(
			`${SELECT_REVIEW} WHERE r.id = $1 FOR UPDATE OF r`,
			[id],
		);
		const row = found.rows[0];
		if (!row)
			throw reviewError(
				'REVIEW_NOT_FOUND',
				`Review #${id} does not exist.`,
				'Give the reviewId of an item of the review queue.',
			);
		if (row.status !== 'pending') {
			throw reviewError(
				'REVIEW_ALREADY_DONE',
				`Review #${id} was already labelled "${row.label}" by ${row.reviewed_by ?? 'someone'}.`,
				'Nothing to do; the queue lists pending reviews only.',
				{ label: row.label },
			);
		}
		let dispute: OpenedDispute | null = null;
		if (routing) {
			dispute = await openDisputeIn(client, routing, {
				invoices: row.invoice_numbers,
				customer: input.customer?.trim() || undefined,
				category: label as DisputeLedgerCategory,
				subcategory: input.subcategory ?? null,
				evidence: row.body.slice(0, 2000),
				source: row.source,
				sourceRef: row.source_ref ?? `review-${id}`,
				language: row.language === 'fr' || row.language === 'en' ? row.language : null,
				actor: input.actor,
			});
		}
		await client.query(
			`UPDATE dispute_reviews SET status = $2, label = $3, label_subcategory = $4, reviewed_by = $5, reviewed_at = now(), review_note = $6, dispute_id = $7
			WHERE id = $1`,
			[
				id,
				label === row.predicted_category ? 'confirmed' : 'corrected',
				label,
				input.subcategory ?? null,
				input.actor ?? null,
				input.note ?? null,
				dispute?.disputeId ?? null,
			],
		);
		const { rows } = await client.query<ReviewRow>(`${SELECT_REVIEW} WHERE r.id = $1`, [id]);
		return { ...toItem(rows[0]), dispute };
	});
}

/** The reviewed replies as training examples (text and the label a person gave), oldest first. */
export async function reviewedExamples(ledger: Ledger): Promise<TrainingExample[]> {
	const rows = await ledger.query<{
		id: string;
		body: string;
		label: DisputeCategory;
		language: string | null;
		received_at: string | null;
	}>(
		"SELECT id, body, label, language, received_at FROM dispute_reviews WHERE status <> 'pending' ORDER BY reviewed_at, id",
	);
	return rows.map((r) => ({
		id: `review-${r.id}`,
		text: r.body,
		label: r.label,
		language: r.language?.trim() === 'en' ? 'en' : r.language?.trim() === 'fr' ? 'fr' : undefined,
		receivedAt: r.received_at ?? undefined,
	}));
}
