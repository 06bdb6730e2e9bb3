import { createHash, hash as cryptoHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import { copyRows } from './copy';
import type { Ledger } from './ledger';
import type { LedgerInvoice, StoreOutcome } from './types';

/** Serialises intake writes across processes: the ledger stays consistent when several workers store at once. */
const INTAKE_LOCK_KEY = 0x52454331; // "REC1"

const STAGE_COLUMNS = [
	'row_no', 'issuer', 'doc_type', 'number', 'customer_external_id', 'customer_name', 'currency',
	'total_excl_minor', 'total_tax_minor', 'total_incl_minor', 'payable_minor', 'issue_date', 'due_date',
	'reception_date', 'terms_days', 'terms_basis', 'payment_terms', 'po_number', 'credited_number', 'content_hash',
	'source', 'source_ref', 'lines', 'anomalies', 'extra',
];

const STAGE_TABLE = `CREATE TEMP TABLE IF NOT EXISTS invoice_stage (
	row_no integer PRIMARY KEY, issuer text NOT NULL, doc_type text NOT NULL, number text NOT NULL,
	customer_external_id text NOT NULL, customer_name text, currency char(3) NOT NULL,
	total_excl_minor bigint NOT NULL, total_tax_minor bigint NOT NULL, total_incl_minor bigint NOT NULL,
	payable_minor bigint NOT NULL, issue_date date NOT NULL, due_date date NOT NULL, reception_date date,
	terms_days integer, terms_basis text, payment_terms text, po_number text, credited_number text,
	content_hash text NOT NULL, source text NOT NULL, source_ref text, lines jsonb, anomalies jsonb, extra jsonb
) ON COMMIT DELETE ROWS`;

const bigintAsString = (_key: string, value: unknown): unknown => (typeof value === 'bigint' ? value.toString() : value);

/** One-shot hashing (Node ≥ 20.12) is several times cheaper than createHash for short strings; same digest. */
const sha256Hex: (text: string) => string =
	typeof cryptoHash === 'function' ? (text) => cryptoHash('sha256', text, 'hex') : (text) => createHash('sha256').update(text).digest('hex');

/** The business content of an invoice, hashed: the same document sent twice has the same hash. */
export function invoiceContentHash(invoice: LedgerInvoice): string {
	const content = [
		invoice.issuer ?? 'default', invoice.docType, invoice.number, invoice.customerExternalId, invoice.currency,
		invoice.totalExclMinor.toString(), invoice.totalTaxMinor.toString(), invoice.totalInclMinor.toString(),
		invoice.payableMinor.toString(), invoice.issueDate, invoice.dueDate, invoice.receptionDate ?? null,
		invoice.termsDays ?? null, invoice.termsBasis ?? null, invoice.paymentTerms ?? null, invoice.poNumber ?? null,
		invoice.creditedNumber ?? null, invoice.lines ?? [],
	];
	// The replacer (bigints inside lines) costs more than the hash: only lines that hold bigints pay for it.
	// Both paths give the same text, so stored hashes do not change.
	let canonical: string;
	try {
		canonical = JSON.stringify(content);
	} catch {
		canonical = JSON.stringify(content, bigintAsString);
	}
	return sha256Hex(canonical);
}

function stageRow(index: number, invoice: LedgerInvoice): unknown[] {
	return [
		index, invoice.issuer ?? 'default', invoice.docType, invoice.number, invoice.customerExternalId,
		invoice.customerName ?? null, invoice.currency, invoice.totalExclMinor, invoice.totalTaxMinor,
		invoice.totalInclMinor, invoice.payableMinor, invoice.issueDate, invoice.dueDate, invoice.receptionDate ?? null,
		invoice.termsDays ?? null, invoice.termsBasis ?? null, invoice.paymentTerms ?? null, invoice.poNumber ?? null,
		invoice.creditedNumber ?? null, invoiceContentHash(invoice), invoice.source ?? 'json', invoice.sourceRef ?? null,
		jsonText(invoice.lines ?? []), jsonText(invoice.anomalies ?? []), jsonText(invoice.extra ?? {}),
	];
}

/** jsonb columns go through COPY as JSON text (an empty array must stay [], not the text-array form {}). */
function jsonText(value: unknown): string {
	try {
		return JSON.stringify(value);
	} catch {
		return JSON.stringify(value, bigintAsString);
	}
}

export interface StoreInvoicesOptions {
	/** Create a minimal customer (external id and name) for an unknown customer instead of rejecting. */
	createMissingCustomers?: boolean;
	/** Rows per transaction; a failing transaction is split until the faulty rows are isolated. */
	batchSize?: number;
	actor?: string;
}

export function dbErrorToItem(error: Error & { code?: string; detail?: string }): { code: string; message: string; hint?: string } {
	if (error.code === '22008' || error.code === '22007') {
		return { code: 'INVOICE_BAD_DATE', message: `A date of the invoice is not a real calendar date: ${error.message}.`, hint: 'Use YYYY-MM-DD dates that exist.' };
	}
	if (error.code === '22003') {
		return { code: 'INVOICE_AMOUNT_OUT_OF_RANGE', message: 'An amount of the invoice is out of range.', hint: 'Check the amounts and their decimal separator.' };
	}
	return { code: 'INVOICE_STORE_FAILED', message: error.message };
}

/**
 * Stores one batch inside the caller's transaction (takes the intake lock until it ends). The staged rows stay
 * in the temporary table until commit: empty it (DELETE FROM invoice_stage) before a second call in the same
 * transaction.
 */
export async function storeBatch(client: PoolClient, invoices: LedgerInvoice[], offset: number, options: StoreInvoicesOptions): Promise<StoreOutcome[]> {
	await client.query(STAGE_TABLE);
	await client.query('SELECT pg_advisory_xact_lock($1)', [INTAKE_LOCK_KEY]);
	await copyRows(client, 'invoice_stage', STAGE_COLUMNS, invoices.map((inv, i) => stageRow(offset + i, inv)) as never);
	// Temp tables get no statistics from autovacuum: without them the planner joins the staged rows to invoices
	// with nested loops, and each batch costs as much as the whole ledger (quadratic bulk intake).
	await client.query('ANALYZE invoice_stage');
	const outcomes = new Map<number, StoreOutcome>();

	if (options.createMissingCustomers) {
		await client.query(`INSERT INTO customers (external_id, name)
			SELECT DISTINCT ON (customer_external_id) customer_external_id, COALESCE(customer_name, customer_external_id)
			FROM invoice_stage ORDER BY customer_external_id, row_no
			ON CONFLICT (external_id) DO NOTHING`);
	}
	const unknown = await client.query<{ row_no: number; number: string; customer_external_id: string }>(`
		SELECT s.row_no, s.number, s.customer_external_id FROM invoice_stage s
		LEFT JOIN customers c ON c.external_id = s.customer_external_id WHERE c.id IS NULL`);
	for (const row of unknown.rows) {
		outcomes.set(row.row_no, {
			index: row.row_no, number: row.number, status: 'rejected',
			error: { code: 'INVOICE_UNKNOWN_CUSTOMER', message: `Customer "${row.customer_external_id}" is not in the ledger.`, hint: 'Import the customer first (Invoice Intake → Customers), or allow creating missing customers.' },
		});
	}
	if (unknown.rows.length) {
		await client.query('DELETE FROM invoice_stage WHERE row_no = ANY($1::int[])', [unknown.rows.map((r) => r.row_no)]);
	}

	// Same number twice in one batch: the last one wins, the earlier ones are reported as superseded.
	const dupes = await client.query<{ row_no: number; number: string }>(`
		DELETE FROM invoice_stage s USING invoice_stage t
		WHERE s.issuer = t.issuer AND s.doc_type = t.doc_type AND s.number = t.number AND s.row_no < t.row_no
		RETURNING s.row_no, s.number`);
	for (const row of dupes.rows) {
		outcomes.set(row.row_no, { index: row.row_no, number: row.number, status: 'unchanged', error: { code: 'INVOICE_SUPERSEDED_IN_BATCH', message: `Invoice ${row.number} appears again later in the same batch; the later one was kept.` } });
	}

	// One index probe per staged row: the cost follows the batch, not the size of the ledger (a join lets the
	// planner scan every invoice of the ledger for each batch). Only storeInvoices writes content_hash and the
	// intake lock above serialises it, so the comparison below holds without locking the unchanged rows.
	const existing = await client.query<{ row_no: number; id: string; number: string; content_hash: string; staged_hash: string; revision: number; customer_id: string }>(`
		SELECT s.row_no, i.id, i.number, i.content_hash, s.content_hash AS staged_hash, i.revision, i.customer_id
		FROM invoice_stage s
		CROSS JOIN LATERAL (
			SELECT i.id, i.number, i.content_hash, i.revision, i.customer_id FROM invoices i
			WHERE i.issuer = s.issuer AND i.doc_type = s.doc_type AND i.number = s.number
			LIMIT 1
		) i`);
	for (const row of existing.rows) {
		outcomes.set(row.row_no, { index: row.row_no, number: row.number, status: 'unchanged', id: row.id, revision: row.revision });
	}

	// Credit notes are inserted unlinked; the pass below links them to the invoice they credit, whether that
	// invoice was already in the ledger, arrives in this batch, or arrives later.
	const inserted = await client.query<{ id: string; issuer: string; doc_type: string; number: string }>(`
		INSERT INTO invoices (issuer, doc_type, number, customer_id, currency, total_excl_minor, total_tax_minor,
			total_incl_minor, payable_minor, open_minor, issue_date, due_date, reception_date, terms_days, terms_basis,
			payment_terms, po_number, credited_number, content_hash, source, source_ref, lines, anomalies, extra, status)
		SELECT s.issuer, s.doc_type, s.number, c.id, s.currency, s.total_excl_minor, s.total_tax_minor,
			s.total_incl_minor, s.payable_minor,
			CASE WHEN s.doc_type = 'credit_note' THEN -s.payable_minor ELSE s.payable_minor END,
			s.issue_date, s.due_date, s.reception_date, s.terms_days, s.terms_basis, s.payment_terms, s.po_number,
			CASE WHEN s.doc_type = 'credit_note' THEN s.credited_number END, s.content_hash, s.source, s.source_ref,
			COALESCE(s.lines, '[]'), COALESCE(s.anomalies, '[]'), COALESCE(s.extra, '{}'), 'open'
		FROM invoice_stage s
		JOIN customers c ON c.external_id = s.customer_external_id
		WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.issuer = s.issuer AND i.doc_type = s.doc_type AND i.number = s.number)
		ORDER BY s.row_no
		RETURNING id, issuer, doc_type, number`);
	const rowOf = new Map(invoices.map((inv, i) => [`${inv.issuer ?? 'default'}\u0000${inv.docType}\u0000${inv.number}`, offset + i]));
	for (const row of inserted.rows) {
		const rowNo = rowOf.get(`${row.issuer}\u0000${row.doc_type}\u0000${row.number}`) as number;
		outcomes.set(rowNo, { index: rowNo, number: row.number, status: 'created', id: row.id, revision: 1 });
	}

	// Documents already in the ledger whose content changed: locked (payments may be touching their balance) and
	// revised; unchanged documents are neither locked nor written.
	const changedIds = existing.rows.filter((row) => row.content_hash !== row.staged_hash).map((row) => row.id);
	if (changedIds.length) {
		await client.query('SELECT id FROM invoices WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [changedIds]);
		const revised = await client.query<{ id: string; row_no: number; revision: number; number: string; customer_id: string; old_hash: string; new_hash: string; delta: string; credited_invoice_id: string | null; doc_type: string }>(`
			WITH old AS (
				SELECT i.id, i.content_hash, i.payable_minor, i.open_minor FROM invoices i WHERE i.id = ANY($1::bigint[])
			)
			UPDATE invoices i SET currency = s.currency, total_excl_minor = s.total_excl_minor,
				total_tax_minor = s.total_tax_minor, total_incl_minor = s.total_incl_minor, payable_minor = s.payable_minor,
				open_minor = CASE WHEN i.doc_type = 'credit_note' THEN i.open_minor ELSE s.payable_minor - (old.payable_minor - old.open_minor) END,
				status = CASE WHEN i.doc_type = 'credit_note' OR i.status = 'cancelled' THEN i.status
				              WHEN s.payable_minor - (old.payable_minor - old.open_minor) <= 0 THEN 'paid' ELSE 'open' END,
				issue_date = s.issue_date, due_date = s.due_date, reception_date = COALESCE(s.reception_date, i.reception_date),
				terms_days = s.terms_days, terms_basis = s.terms_basis, payment_terms = s.payment_terms,
				po_number = s.po_number, content_hash = s.content_hash, source = s.source, source_ref = s.source_ref,
				credited_number = CASE WHEN i.doc_type = 'credit_note' THEN s.credited_number END,
				lines = COALESCE(s.lines, '[]'), anomalies = COALESCE(s.anomalies, '[]'), extra = COALESCE(s.extra, '{}'),
				revision = i.revision + 1, updated_at = now()
			FROM invoice_stage s, old
			WHERE old.id = i.id AND i.issuer = s.issuer AND i.doc_type = s.doc_type AND i.number = s.number
			RETURNING i.id, s.row_no, i.revision, i.number, i.customer_id, old.content_hash AS old_hash, s.content_hash AS new_hash,
				(s.payable_minor - old.payable_minor)::text AS delta, i.credited_invoice_id, i.doc_type`, [changedIds]);
		for (const row of revised.rows) {
			outcomes.set(row.row_no, { index: row.row_no, number: row.number, status: 'revised', id: row.id, revision: row.revision });
		}
		if (revised.rows.length) {
			await client.query(`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, content_hash, payload)
				SELECT r.customer_id, r.id, 'invoice_revised', $2, 'Invoice ' || r.number || ' revised to revision ' || r.revision,
					r.new_hash, jsonb_build_object('previousHash', r.old_hash, 'revision', r.revision, 'payableDeltaMinor', r.delta)
				FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, customer_id bigint, number text, revision int, old_hash text, new_hash text, delta text)`,
				[JSON.stringify(revised.rows), options.actor ?? 'intake']);
			// A revised credit note changes the balance of the invoice it credits by the difference.
			const creditDeltas = revised.rows.filter((r) => r.doc_type === 'credit_note' && r.credited_invoice_id && r.delta !== '0');
			for (const r of creditDeltas) {
				await client.query(`UPDATE invoices SET open_minor = open_minor - $2::bigint,
					status = CASE WHEN status IN ('open', 'paid', 'credited') THEN (CASE WHEN open_minor - $2::bigint <= 0 THEN 'credited' ELSE 'open' END) ELSE status END,
					updated_at = now() WHERE id = $1`, [r.credited_invoice_id, r.delta]);
			}
		}
	}

	// Unlinked credit notes (new or revised in this batch, or waiting for an invoice inserted in this batch) are
	// linked to the invoice they credit and reduce its balance, once: a linked credit note is never linked again.
	const creditNoteIds = [
		...inserted.rows.filter((r) => r.doc_type === 'credit_note').map((r) => r.id),
		...changedIds,
	];
	const newInvoiceIds = inserted.rows.filter((r) => r.doc_type === 'invoice').map((r) => r.id);
	const credited = creditNoteIds.length === 0 && newInvoiceIds.length === 0 ? { rows: [] } : await client.query<{ invoice_id: string; customer_id: string; number: string; credit_number: string; amount: string }>(`
		WITH candidates AS (
			SELECT cn.id, cn.issuer, cn.number, cn.credited_number, cn.payable_minor FROM invoices cn
			WHERE cn.id = ANY($1::bigint[]) AND cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NULL AND cn.credited_number IS NOT NULL
			UNION
			SELECT cn.id, cn.issuer, cn.number, cn.credited_number, cn.payable_minor FROM invoices nw
			JOIN invoices cn ON cn.issuer = nw.issuer AND cn.credited_number = nw.number
				AND cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NULL AND cn.credited_number IS NOT NULL
			WHERE nw.id = ANY($2::bigint[])
		), pairs AS (
			SELECT c.id AS cn_id, c.number AS cn_number, c.payable_minor, t.id AS invoice_id FROM candidates c
			CROSS JOIN LATERAL (
				SELECT t.id FROM invoices t WHERE t.issuer = c.issuer AND t.doc_type = 'invoice' AND t.number = c.credited_number LIMIT 1
			) t
		), linked AS (
			UPDATE invoices cn SET credited_invoice_id = p.invoice_id, open_minor = 0, status = 'credited', updated_at = now()
			FROM pairs p WHERE cn.id = p.cn_id
			RETURNING p.invoice_id, p.cn_number, p.payable_minor
		), totals AS (
			SELECT invoice_id, sum(payable_minor)::bigint AS amount, string_agg(cn_number, ', ' ORDER BY cn_number) AS numbers
			FROM linked GROUP BY invoice_id
		)
		UPDATE invoices i SET open_minor = i.open_minor - t.amount,
			status = CASE WHEN i.status = 'open' AND i.open_minor - t.amount <= 0 THEN 'credited' ELSE i.status END, updated_at = now()
		FROM totals t WHERE i.id = t.invoice_id
		RETURNING i.id AS invoice_id, i.customer_id, i.number, t.numbers AS credit_number, t.amount::text AS amount`,
		[creditNoteIds, newInvoiceIds]);
	if (credited.rows.length) {
		await client.query(`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload)
			SELECT r.customer_id, r.invoice_id, 'credit_note_applied', $2, 'Credit note ' || r.credit_number || ' applied to invoice ' || r.number,
				jsonb_build_object('creditNote', r.credit_number, 'amountMinor', r.amount)
			FROM jsonb_to_recordset($1::jsonb) AS r(invoice_id bigint, customer_id bigint, number text, credit_number text, amount text)`,
			[JSON.stringify(credited.rows), options.actor ?? 'intake']);
	}
	return [...outcomes.values()];
}

/**
 * Stores invoices and credit notes idempotently: a document already in the ledger with the same content
 * changes nothing; one with changed content becomes a new revision (recorded in the history); credit notes
 * reduce the balance of the invoice they reference. Writes go through COPY into a staging table, in
 * transactions of `batchSize` rows; a failing batch is split so that good rows land and faulty rows are
 * reported one by one.
 */
export async function storeInvoices(ledger: Ledger, invoices: LedgerInvoice[], options: StoreInvoicesOptions = {}): Promise<StoreOutcome[]> {
	const batchSize = Math.max(1, options.batchSize ?? 5000);
	const results: StoreOutcome[] = [];
	const run = async (offset: number, slice: LedgerInvoice[]): Promise<void> => {
		const attempt = await ledger.transaction((client) => storeBatch(client, slice, offset, options)).then(
			(outcomes) => ({ outcomes, error: undefined }),
			(error: Error) => {
				// Ledger-level faults (connection, schema) concern every row: they are not split.
				if (error instanceof ReceivablesError) return Promise.reject(error);
				return { outcomes: undefined, error };
			},
		);
		if (attempt.outcomes) {
			results.push(...attempt.outcomes);
		} else {
			const error = attempt.error;
			if (slice.length === 1) {
				results.push({ index: offset, number: slice[0].number, status: 'rejected', error: dbErrorToItem(error as Error) });
				return;
			}
			const half = Math.ceil(slice.length / 2);
			await run(offset, slice.slice(0, half));
			await run(offset + half, slice.slice(half));
		}
	};
	for (let offset = 0; offset < invoices.length; offset += batchSize) {
		await run(offset, invoices.slice(offset, offset + batchSize));
	}
	return results.sort((a, b) => a.index - b.index);
}
