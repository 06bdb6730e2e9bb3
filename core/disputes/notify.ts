import type { Ledger } from '../ledger/ledger';

/**
 * The e-mail that tells a person what a customer's reply said and what was done with it: the dispute's owner, or
 * the customer's collector, or the team address when neither has an e-mail address in the ledger.
 */

export type ReplyEvent =
	| 'dispute_opened'
	| 'promise_recorded'
	| 'payment_announced'
	| 'needs_review';

export interface ReplyNotificationInput {
	event: ReplyEvent;
	classification: {
		category?: string;
		subcategory?: string;
		confidence?: number;
		evidence?: string;
		invoiceNumbers?: string[];
		promiseDate?: string | null;
		amounts?: Array<{ amount: string; currency: string }>;
		paymentReference?: string | null;
	};
	/** The customer's e-mail: sender, subject, date. */
	message?: { from?: string | null; subject?: string | null; date?: string | null };
	/** What the ledger did: dispute id, owner and due date, review id... */
	result?: {
		disputeId?: string | null;
		owner?: string | null;
		dueOn?: string | null;
		reviewId?: string | null;
		customer?: string | null;
		reason?: string | null;
	};
	/** Where a person reads the queue or the dispute (the n8n workflow, the portal), when there is one. */
	link?: string | null;
}

export interface ReplyNotification {
	subject: string;
	text: string;
}

const TITLES: Record<ReplyEvent, [string, string]> = {
	dispute_opened: ['Litige ouvert', 'Dispute opened'],
	promise_recorded: ['Promesse de paiement enregistrée', 'Payment promise recorded'],
	payment_announced: ['Paiement annoncé', 'Payment announced'],
	needs_review: ['Réponse client à vérifier', 'Customer reply to review'],
};

function oneLine(value: unknown): string {
	return String(value ?? '')
		.replace(/\s+/g, ' ')
		.trim();
}

/** Subject and plain text (French, then English) of the notification. */
export function replyNotification(input: ReplyNotificationInput): ReplyNotification {
	const c = input.classification ?? {};
	const r = input.result ?? {};
	const [fr, en] = TITLES[input.event] ?? TITLES.needs_review;
	const invoices = (c.invoiceNumbers ?? []).join(', ');
	const customer = oneLine(r.customer);
	const subject = oneLine(
		`${fr} / ${en}${customer ? ` — ${customer}` : ''}${invoices ? ` — ${invoices}` : ''}`,
	).slice(0, 200);
	const lines: string[] = [];
	const add = (label: string, value: unknown) => {
		const v = oneLine(value);
		if (v) lines.push(`${label}: ${v}`);
	};
	add('Client / Customer', customer);
	add('De / From', input.message?.from);
	add('Objet / Subject', input.message?.subject);
	add('Reçu / Received', input.message?.date);
	add('Catégorie / Category', [c.category, c.subcategory].filter(Boolean).join(' / '));
	if (typeof c.confidence === 'number')
		add('Confiance / Confidence', `${Math.round(c.confidence * 100)} %`);
	add('Factures / Invoices', invoices);
	add('Montants / Amounts', (c.amounts ?? []).map((a) => `${a.amount} ${a.currency}`).join(', '));
	add('Date promise / Promised date', c.promiseDate);
	add('Référence du paiement / Payment reference', c.paymentReference);
	add('Litige / Dispute', r.disputeId ? `#${r.disputeId}` : '');
	add('Responsable / Owner', r.owner);
	add('À résoudre avant le / Due', r.dueOn);
	add('Revue / Review', r.reviewId ? `#${r.reviewId}` : '');
	add('Motif / Reason', r.reason);
	const evidence = oneLine(c.evidence);
	const todo: Record<ReplyEvent, string> = {
		dispute_opened:
			'Les relances de ces factures sont suspendues jusqu’à la résolution du litige. / Dunning of these invoices is paused until the dispute is resolved.',
		promise_recorded:
			'Les relances attendent la date promise. / Dunning waits for the promised date.',
		payment_announced: 'Vérifiez le relevé bancaire. / Check the bank statement.',
		needs_review:
			'Le classement n’est pas sûr : donnez la bonne catégorie avec « Dispute Classifier → Confirm Label » (reviewId ci-dessus). / The classifier is not sure: give the right category with "Dispute Classifier → Confirm Label" (reviewId above).',
	};
	const text = [
		`${fr} / ${en}`,
		'',
		...lines,
		...(evidence ? ['', `« ${evidence} »`] : []),
		'',
		todo[input.event] ?? '',
		...(input.link ? ['', oneLine(input.link)] : []),
	].join('\n');
	return { subject, text: `${text.trim()}\n` };
}

/**
 * Who is told: the owner's address when the owner is a staff member with an e-mail (a sales rep, a named person),
 * else the collector of the customer (by its external id, or by the invoices), else `fallback`.
 */
export async function notificationRecipients(
	ledger: Ledger,
	who: { owner?: string | null; customer?: string | null; invoiceNumbers?: string[] },
	fallback?: string | null,
): Promise<string[]> {
	const owner = oneLine(who.owner);
	if (owner) {
		const rows = await ledger.query<{ email: string | null }>(
			'SELECT email FROM staff WHERE code = $1 AND active',
			[owner],
		);
		if (rows[0]?.email) return [rows[0].email];
	}
	const customer = oneLine(who.customer);
	const numbers = (who.invoiceNumbers ?? []).map(oneLine).filter(Boolean);
	if (customer || numbers.length) {
		const rows = await ledger.query<{ email: string | null }>(
			`SELECT s.email FROM customers c JOIN staff s ON s.code = c.collector_code
			WHERE s.email IS NOT NULL AND s.active AND (c.external_id = $1 OR c.id IN (SELECT customer_id FROM invoices WHERE number = ANY($2::text[])))
			ORDER BY c.external_id = $1 DESC LIMIT 1`,
			[customer, numbers],
		);
		if (rows[0]?.email) return [rows[0].email];
	}
	const fallbacks = String(fallback ?? '')
		.split(/[,;\s]+/)
		.map((a) => a.trim())
		.filter(Boolean);
	return fallbacks;
}
