import type { Ledger } from '../ledger/ledger';
import { ReceivablesError } from '../errors';
import { loadCompany } from '../dunning/render';
import { buildCashedStatus } from './cdar';

/**
 * The "Encaissée" (212) statuses the company owes its platform (VAT on receipts): one per payment received on an
 * invoice, with that receipt's amount and date. `collectCashedStatuses` records what is owed (once per allocation)
 * and returns the statuses not yet confirmed as sent, each as a CDAR message with a stable message id, so a status
 * sent twice (the confirmation was lost) is one status at the platform. `confirmCashedStatusesSent` is called by the
 * step after the platform accepted them; until then they are returned again.
 */

export interface CashedStatusesOptions {
	/** The company's SIREN (9 digits), the seller; empty: the SIREN of the company settings (needed once a status is owed). */
	sellerSiren?: string;
	/**
	 * Which invoices: `platform` (default) only those the platform knows (a lifecycle status was received for them),
	 * `all` every invoice.
	 */
	scope?: 'platform' | 'all';
	/** Receipts from this date (YYYY-MM-DD) on; earlier ones are never owed. */
	paidFrom?: string;
	/** VAT rate stated when the invoice's own amounts do not show a single standard rate (default 20). */
	defaultVatRate?: string;
	/** Most statuses returned at once (default 500). */
	limit?: number;
	now?: Date;
}

export interface OwedCashedStatus {
	id: string;
	invoiceId: string;
	invoiceNumber: string;
	invoiceIssueDate: string;
	customerExternalId: string;
	messageId: string;
	receivedOn: string;
	amountMinor: bigint;
	currency: string;
	vatRate: string;
	/** The CDAR message (XML) to send to the platform. */
	xml: string;
}

/** Standard VAT rates (France, including overseas departments, and Morocco), in percent. */
const STANDARD_RATES = ['20', '14', '10', '8.5', '7', '5.5', '2.1', '0'];

/**
 * The VAT rate an invoice's totals show, when they show one standard rate within rounding (one minor unit per
 * hundred of tax, lines being rounded one by one); else `fallback`.
 */
export function vatRateOf(totalExclMinor: bigint, totalTaxMinor: bigint, fallback = '20'): string {
	if (totalExclMinor <= 0n) return fallback;
	if (totalTaxMinor === 0n) return '0';
	for (const rate of STANDARD_RATES) {
		const [units, decimals = ''] = rate.split('.');
		const scaled = BigInt(units + decimals.padEnd(1, '0')); // rate × 10
		const expected = (totalExclMinor * scaled) / 1000n;
		const tolerance = 1n + expected / 100n;
		const diff = totalTaxMinor > expected ? totalTaxMinor - expected : expected - totalTaxMinor;
		if (rate !== '0' && diff <= tolerance) return rate;
	}
	return fallback;
}

function checkSiren(value: string): string {
	const siren = value.replace(/\s/g, '');
	if (!/^\d{9}$/.test(siren)) {
		throw new ReceivablesError(
			'CASHED_BAD_SIREN',
			value
				? `"${value}" is not a SIREN (9 digits).`
				: "The company's SIREN is needed to report what was cashed, and none is given.",
			{
				hint: "Give the company's SIREN, the seller named on its e-invoices, in the node or in the company settings.",
				details: {
					messageFr: value
						? `« ${value} » n'est pas un SIREN (9 chiffres).`
						: "Le SIREN de l'entreprise est nécessaire pour déclarer les encaissements, et aucun n'est indiqué.",
					hintFr:
						"Indiquez le SIREN de l'entreprise, le vendeur de ses factures électroniques, dans le nœud ou dans les paramètres de l'entreprise.",
				},
			},
		);
	}
	return siren;
}

export async function collectCashedStatuses(
	ledger: Ledger,
	options: CashedStatusesOptions,
): Promise<OwedCashedStatus[]> {
	const given = (options.sellerSiren ?? '').trim();
	if (given) checkSiren(given);
	const scope = options.scope ?? 'platform';
	const fallback = (options.defaultVatRate ?? '20').trim() || '20';
	if (options.paidFrom && !/^\d{4}-\d{2}-\d{2}$/.test(options.paidFrom)) {
		throw new ReceivablesError(
			'CASHED_BAD_DATE',
			`"${options.paidFrom}" is not a date (YYYY-MM-DD).`,
			{
				hint: 'Write the first day of receipts to report, e.g. 2026-09-01.',
				details: {
					messageFr: `« ${options.paidFrom} » n'est pas une date (AAAA-MM-JJ).`,
					hintFr: 'Indiquez le premier jour des encaissements à déclarer, par exemple 2026-09-01.',
				},
			},
		);
	}
	// Receipts not yet recorded as owed: allocations of payments to invoices (never credit notes), from paidFrom on.
	const fresh = await ledger.query<{
		allocation_id: string;
		invoice_id: string;
		number: string;
		applied_on: string;
		amount_minor: string;
		currency: string;
		total_excl_minor: string;
		total_tax_minor: string;
	}>(
		`SELECT a.id::text AS allocation_id, i.id::text AS invoice_id, i.number, a.applied_on::text, a.amount_minor::text, i.currency,
			i.total_excl_minor::text, i.total_tax_minor::text
		FROM allocations a JOIN invoices i ON i.id = a.invoice_id
		WHERE i.doc_type = 'invoice' AND ($1 = 'all' OR i.lifecycle_status IS NOT NULL)
			AND ($2::date IS NULL OR a.applied_on >= $2::date)
			AND NOT EXISTS (SELECT 1 FROM cashed_statuses c WHERE c.allocation_id = a.id)
		ORDER BY a.id`,
		[scope, options.paidFrom ?? null],
	);
	if (fresh.length) {
		const rows = fresh.map((r) => ({
			allocation_id: r.allocation_id,
			invoice_id: r.invoice_id,
			message_id: `ENC-${r.number}-${r.allocation_id}`,
			received_on: r.applied_on,
			amount_minor: r.amount_minor,
			currency: r.currency,
			vat_rate: vatRateOf(BigInt(r.total_excl_minor), BigInt(r.total_tax_minor), fallback),
		}));
		await ledger.query(
			`INSERT INTO cashed_statuses (allocation_id, invoice_id, message_id, received_on, amount_minor, currency, vat_rate)
			SELECT x.allocation_id, x.invoice_id, x.message_id, x.received_on, x.amount_minor, x.currency, x.vat_rate
			FROM jsonb_to_recordset($1::jsonb) AS x(allocation_id bigint, invoice_id bigint, message_id text, received_on date, amount_minor bigint, currency text, vat_rate text)
			ON CONFLICT DO NOTHING`,
			[JSON.stringify(rows)],
		);
	}
	const owed = await ledger.query<{
		id: string;
		invoice_id: string;
		number: string;
		issue_date: string;
		customer: string;
		message_id: string;
		received_on: string;
		amount_minor: string;
		currency: string;
		vat_rate: string;
	}>(
		`SELECT c.id::text, c.invoice_id::text, i.number, i.issue_date::text, cu.external_id AS customer, c.message_id, c.received_on::text,
			c.amount_minor::text, c.currency, c.vat_rate
		FROM cashed_statuses c JOIN invoices i ON i.id = c.invoice_id JOIN customers cu ON cu.id = i.customer_id
		WHERE c.sent_at IS NULL
		ORDER BY c.id
		LIMIT $1`,
		[Math.max(1, options.limit ?? 500)],
	);
	if (owed.length === 0) return [];
	const siren = checkSiren(given || ((await loadCompany(ledger)).siren ?? ''));
	const issuedAt = (options.now ?? new Date()).toISOString();
	return owed.map((r) => ({
		id: r.id,
		invoiceId: r.invoice_id,
		invoiceNumber: r.number,
		invoiceIssueDate: r.issue_date,
		customerExternalId: r.customer,
		messageId: r.message_id,
		receivedOn: r.received_on,
		amountMinor: BigInt(r.amount_minor),
		currency: r.currency,
		vatRate: r.vat_rate,
		xml: buildCashedStatus({
			messageId: r.message_id,
			issuedAt,
			sellerSiren: siren,
			invoiceNumber: r.number,
			invoiceIssueDate: r.issue_date,
			receivedOn: r.received_on,
			currency: r.currency,
			received: [{ amountMinor: BigInt(r.amount_minor), vatRate: r.vat_rate }],
		}),
	}));
}

/**
 * Records that the platform accepted these statuses (ids from collectCashedStatuses): each is confirmed once and
 * written to its customer's history; ids already confirmed or unknown are ignored. Returns the ids confirmed now.
 */
export async function confirmCashedStatusesSent(
	ledger: Ledger,
	ids: string[],
	options: { actor?: string; platform?: string } = {},
): Promise<string[]> {
	const clean = [
		...new Set(ids.map((id) => String(id).trim()).filter((id) => /^\d{1,18}$/.test(id))),
	];
	if (clean.length === 0) return [];
	const rows = await ledger.query<{ id: string }>(
		`WITH sent AS (
			UPDATE cashed_statuses SET sent_at = now(), sent_by = $2 WHERE id = ANY($1::bigint[]) AND sent_at IS NULL
			RETURNING id, invoice_id, message_id, amount_minor, currency, received_on
		), logged AS (
			INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
			SELECT i.customer_id, s.invoice_id, 'lifecycle_cashed_sent', 'e-invoicing', $2,
				'Status 212 Encaissée sent to ' || $3 || ' for invoice ' || i.number || ' (received ' || s.received_on || ')',
				jsonb_build_object('messageId', s.message_id, 'amountMinor', s.amount_minor::text, 'currency', s.currency, 'receivedOn', s.received_on,
					'timeline', jsonb_build_object('key', 'lifecycle_cashed_sent', 'fields',
						jsonb_build_object('platform', $3::text, 'invoice', i.number, 'receivedOn', s.received_on::text)))
			FROM sent s JOIN invoices i ON i.id = s.invoice_id
		)
		SELECT id::text FROM sent`,
		[clean, options.actor ?? 'invoice-intake', options.platform ?? 'the e-invoicing platform'],
	);
	return rows.map((r) => r.id);
}
