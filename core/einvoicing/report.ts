import type { Ledger } from '../ledger/ledger';
import { formatAmount } from '../money';
import { daysBetween, DEFAULT_ZONE, todayIn } from '../time';
import type { Anomaly } from '../intake/anomaly';
import { LIFECYCLE_STATUSES, lifecycleStatus } from './statuses';

/**
 * The billing team's daily list: invoices whose current platform status stops collection — refused by the buyer
 * (210) or rejected by the platform (213, 501) — still open in the ledger, with the platform's reason, since when,
 * and what to do. An invoice leaves the list when it is credited, cancelled, paid, or a newer status replaces it.
 */

export interface BlockedInvoice {
	invoiceId: string;
	invoiceNumber: string;
	customerExternalId: string;
	customerName: string;
	statusCode: string;
	status: { en: string; fr: string };
	reasonCode: string | null;
	reasonText: string | null;
	/** The day of the status, in the company's zone. */
	since: string;
	days: number;
	openMinor: bigint;
	currency: string;
	openAmount: string;
	todo: { en: string; fr: string };
	/** The invoice's Invoice Intake anomalies (a 213/501 adds EINVOICE_PLATFORM_REJECTED), as stored on it. */
	anomalies: Anomaly[];
}

const TODO = {
	refused: {
		en: 'Call the customer about the reason; then issue a credit note or a corrected invoice.',
		fr: 'Appelez le client sur le motif ; puis émettez un avoir ou une facture rectifiée.',
	},
	rejected: {
		en: 'Correct the invoice and issue it again on the platform: as it stands it is not due.',
		fr: "Corrigez la facture et réémettez-la sur la plateforme : en l'état elle n'est pas due.",
	},
};

export async function listBlockedInvoices(
	ledger: Ledger,
	options: { zone?: string; asOf?: string } = {},
): Promise<BlockedInvoice[]> {
	const zone = options.zone ?? DEFAULT_ZONE;
	const asOf = options.asOf ?? todayIn(zone);
	const codes = LIFECYCLE_STATUSES.filter(
		(s) => s.effect === 'refused' || s.effect === 'rejected',
	).map((s) => s.code);
	const rows = await ledger.query<{
		id: string;
		number: string;
		external_id: string;
		name: string;
		lifecycle_status: string;
		issued_at: Date;
		reason_code: string | null;
		reason_text: string | null;
		open_minor: string;
		currency: string;
		anomalies: Anomaly[];
	}>(
		`SELECT i.id::text, i.number, c.external_id, c.name, i.lifecycle_status, i.lifecycle_at AS issued_at, l.reason_code, l.reason_text, i.open_minor::text, i.currency, i.anomalies
		FROM invoices i
		JOIN customers c ON c.id = i.customer_id
		LEFT JOIN LATERAL (
			SELECT reason_code, reason_text FROM lifecycle_statuses
			WHERE invoice_id = i.id AND status_code = i.lifecycle_status AND outcome = 'applied'
			ORDER BY issued_at DESC, id DESC LIMIT 1
		) l ON true
		WHERE i.doc_type = 'invoice' AND i.status = 'open' AND i.lifecycle_status = ANY($1::text[])
		ORDER BY i.lifecycle_at, i.number`,
		[codes],
	);
	return rows.map((r) => {
		const status = lifecycleStatus(r.lifecycle_status)!;
		const since = new Intl.DateTimeFormat('en-CA', {
			timeZone: zone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
		}).format(new Date(r.issued_at));
		return {
			invoiceId: r.id,
			invoiceNumber: r.number,
			customerExternalId: r.external_id,
			customerName: r.name,
			statusCode: r.lifecycle_status,
			status: { en: status.en, fr: status.fr },
			reasonCode: r.reason_code,
			reasonText: r.reason_text,
			since,
			days: Math.max(0, daysBetween(since, asOf)),
			openMinor: BigInt(r.open_minor),
			currency: r.currency,
			openAmount: formatAmount(BigInt(r.open_minor), r.currency),
			todo: status.effect === 'refused' ? TODO.refused : TODO.rejected,
			anomalies: r.anomalies ?? [],
		};
	});
}
