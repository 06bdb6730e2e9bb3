/**
 * How much of an invoice a dispute holds — one rule for the dunning planner, the quality-call planner and the
 * reports. A dispute of the whole invoice (dispute_invoices.disputed_minor NULL) holds all of its open amount; a
 * dispute of some lines holds its part (disputed_minor), the sum of the parts when several, never more than the
 * open amount. The rest is undisputed: it is reminded, called about and aged like any undisputed amount.
 */

/** The open disputes of one invoice: whether one covers it whole, and the sum of the parts of the others. */
export interface InvoiceDisputes {
	whole: boolean;
	/** Sum of the disputed parts (disputes of some lines); 0n or absent when none. */
	partsMinor?: bigint;
}

export interface DisputedSplit {
	/** The part of the open amount that is disputed (0n: none). */
	disputedMinor: bigint;
	/** The undisputed rest: open − disputed (0n: everything open is disputed). */
	undisputedMinor: bigint;
}

export function splitDisputed(
	openMinor: bigint,
	disputes: InvoiceDisputes | null | undefined,
): DisputedSplit {
	const open = openMinor > 0n ? openMinor : 0n;
	if (!disputes) return { disputedMinor: 0n, undisputedMinor: open };
	const part = disputes.whole ? open : (disputes.partsMinor ?? 0n);
	const disputedMinor = part > open ? open : part < 0n ? 0n : part;
	return { disputedMinor, undisputedMinor: open - disputedMinor };
}

/**
 * The same rule in SQL: the disputed part of an invoice's open amount, over its disputes that `active` keeps
 * (an SQL condition on `d` disputes and `di` dispute_invoices, for example open now, or open at a report's date).
 * 0 when no dispute is active. `invoiceId` and `open` are SQL expressions of the calling query.
 */
export function disputedPartSql(invoiceId: string, open: string, active: string): string {
	return `(SELECT CASE WHEN count(*) = 0 THEN 0 WHEN bool_or(di.disputed_minor IS NULL) THEN GREATEST(${open}, 0)
			ELSE LEAST(GREATEST(${open}, 0), sum(di.disputed_minor)) END
		FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id WHERE di.invoice_id = ${invoiceId} AND (${active}))`;
}
