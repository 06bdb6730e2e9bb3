import { ReceivablesError } from '../errors';
import type { Ledger } from './ledger';

/**
 * Links the ledger holds against its money rules (a credit note reducing an invoice of another currency or
 * customer, a payment allocated to an invoice of another currency): recorded by migration 0016 for the links made
 * before the rule, and by intake when a credit note stored before its invoice cannot be linked to it. The ledger
 * keeps them as they are until a person settles them; this lists them.
 */
export type LedgerFindingKind =
	| 'credit_note_other_currency'
	| 'credit_note_other_customer'
	| 'credit_note_not_invoice'
	| 'allocation_other_currency'
	| 'credit_note_link_refused';

export interface LedgerFinding {
	id: string;
	kind: LedgerFindingKind;
	creditNote: string | null;
	invoice: string | null;
	payment: string | null;
	/** What was found: numbers, currencies, customer ids, the amount in minor units. */
	details: Record<string, unknown>;
	foundAt: string;
	foundBy: string;
	resolvedAt: string | null;
	resolvedBy: string | null;
	resolution: string | null;
	message: { en: string; fr: string };
}

function describe(
	kind: LedgerFindingKind,
	d: Record<string, string | undefined>,
): { en: string; fr: string } {
	switch (kind) {
		case 'credit_note_other_currency':
			return {
				en: `Credit note ${d.creditNote} (${d.creditNoteCurrency}) reduces invoice ${d.invoice} (${d.invoiceCurrency}): two currencies netted.`,
				fr: `L'avoir ${d.creditNote} (${d.creditNoteCurrency}) réduit la facture ${d.invoice} (${d.invoiceCurrency}) : deux devises compensées.`,
			};
		case 'credit_note_other_customer':
			return {
				en: `Credit note ${d.creditNote} reduces invoice ${d.invoice} of another customer.`,
				fr: `L'avoir ${d.creditNote} réduit la facture ${d.invoice} d'un autre client.`,
			};
		case 'credit_note_not_invoice':
			return {
				en: `Credit note ${d.creditNote} is linked to ${d.invoice}, which is not an invoice.`,
				fr: `L'avoir ${d.creditNote} est lié à ${d.invoice}, qui n'est pas une facture.`,
			};
		case 'allocation_other_currency':
			return {
				en: `Payment ${d.payment} (${d.paymentCurrency}) is allocated to invoice ${d.invoice} (${d.invoiceCurrency}).`,
				fr: `Le paiement ${d.payment} (${d.paymentCurrency}) est imputé sur la facture ${d.invoice} (${d.invoiceCurrency}).`,
			};
		case 'credit_note_link_refused':
			return d.reason === 'currency'
				? {
						en: `Credit note ${d.creditNote} (${d.creditNoteCurrency}) names invoice ${d.invoice} (${d.invoiceCurrency}): not applied, the invoice stays open.`,
						fr: `L'avoir ${d.creditNote} (${d.creditNoteCurrency}) cite la facture ${d.invoice} (${d.invoiceCurrency}) : non imputé, la facture reste ouverte.`,
					}
				: {
						en: `Credit note ${d.creditNote} names invoice ${d.invoice} of another customer: not applied, the invoice stays open.`,
						fr: `L'avoir ${d.creditNote} cite la facture ${d.invoice} d'un autre client : non imputé, la facture reste ouverte.`,
					};
	}
}

/** The findings still to settle (or every one with `includeResolved`), oldest first. */
export async function listLedgerFindings(
	ledger: Ledger,
	options: { includeResolved?: boolean } = {},
): Promise<LedgerFinding[]> {
	const rows = await ledger.query<{
		id: string;
		kind: LedgerFindingKind;
		credit_note: string | null;
		invoice: string | null;
		payment: string | null;
		details: Record<string, string>;
		found_at: Date;
		found_by: string;
		resolved_at: Date | null;
		resolved_by: string | null;
		resolution: string | null;
	}>(
		`SELECT f.id::text, f.kind, cn.number AS credit_note, i.number AS invoice, p.source || '/' || p.external_ref AS payment, f.details,
			f.found_at, f.found_by, f.resolved_at, f.resolved_by, f.resolution
		FROM ledger_findings f LEFT JOIN invoices cn ON cn.id = f.credit_note_id LEFT JOIN invoices i ON i.id = f.invoice_id LEFT JOIN payments p ON p.id = f.payment_id
		WHERE $1::boolean OR f.resolved_at IS NULL ORDER BY f.id`,
		[options.includeResolved === true],
	);
	return rows.map((r) => ({
		id: r.id,
		kind: r.kind,
		creditNote: r.credit_note,
		invoice: r.invoice,
		payment: r.payment,
		details: r.details,
		foundAt: r.found_at.toISOString(),
		foundBy: r.found_by,
		resolvedAt: r.resolved_at ? r.resolved_at.toISOString() : null,
		resolvedBy: r.resolved_by,
		resolution: r.resolution,
		message: describe(r.kind, r.details),
	}));
}

/**
 * Records that a person settled a finding (for instance by issuing a corrected credit note and cancelling the
 * wrong one): the finding leaves the list; the history keeps who and why. The money figures are not changed here.
 */
export async function settleLedgerFinding(
	ledger: Ledger,
	input: { id: string; resolution: string; actor?: string },
): Promise<LedgerFinding> {
	const resolution = String(input.resolution ?? '').trim();
	if (!resolution)
		throw new ReceivablesError(
			'FINDING_NO_RESOLUTION',
			'Say how the finding was settled / Indiquez comment le constat a été réglé.',
			{ hint: 'For example "credit note AV-12 cancelled, AV-13 issued in EUR".' },
		);
	const id = String(input.id ?? '').trim();
	if (!/^\d{1,18}$/.test(id))
		throw new ReceivablesError(
			'FINDING_NOT_FOUND',
			`"${input.id}" is not a finding id / « ${input.id} » n'est pas un identifiant de constat.`,
			{ hint: 'Give the id listed by listLedgerFindings.' },
		);
	await ledger.transaction(async (client) => {
		const updated = await client.query<{
			id: string;
			invoice_id: string | null;
			credit_note_id: string | null;
		}>(
			`UPDATE ledger_findings SET resolved_at = now(), resolved_by = $2, resolution = $3 WHERE id = $1 AND resolved_at IS NULL RETURNING id, invoice_id, credit_note_id`,
			[id, input.actor ?? 'manual', resolution],
		);
		if (!updated.rows[0]) {
			throw new ReceivablesError(
				'FINDING_NOT_FOUND',
				`Finding ${id} does not exist or is already settled / Le constat ${id} n'existe pas ou est déjà réglé.`,
				{ hint: 'List the findings to settle with listLedgerFindings.' },
			);
		}
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload)
			SELECT i.customer_id, i.id, 'ledger_finding_settled', $2, 'Ledger finding #' || $1 || ' settled: ' || $3, jsonb_build_object('findingId', $1::text, 'resolution', $3::text)
			FROM invoices i WHERE i.id = coalesce($4::bigint, $5::bigint)`,
			[
				id,
				input.actor ?? 'manual',
				resolution,
				updated.rows[0].invoice_id,
				updated.rows[0].credit_note_id,
			],
		);
	});
	return (await listLedgerFindings(ledger, { includeResolved: true })).find(
		(f) => f.id === id,
	) as LedgerFinding;
}
