import { createHash, hash as cryptoHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ReceivablesError } from '../errors';
import { DEFAULT_ZONE, todayIn } from '../time';
import { effectiveDate } from './effective';
import { copyRows } from './copy';
import type { Ledger } from './ledger';
import { noteBulkRows } from './statistics';
import type { LedgerInvoice, StoreOutcome } from './types';

/**
 * Serialises intake writes across processes: the ledger stays consistent when several workers store at once.
 * Taken with the ledger's schema as second key, so ledgers that share a database do not wait for each other.
 */
const INTAKE_LOCK_KEY = 0x52454331; // "REC1"

const bigintAsString = (_key: string, value: unknown): unknown =>
	typeof value === 'bigint' ? value.toString() : value;

/** One-shot hashing (Node ≥ 20.12) is several times cheaper than createHash for short strings; same digest. */
const sha256Hex: (text: string) => string =
	typeof cryptoHash === 'function'
		? (text) => cryptoHash('sha256', text, 'hex')
		: (text) => createHash('sha256').update(text).digest('hex');

/** The business content of an invoice, hashed: the same document sent twice has the same hash. */
export function invoiceContentHash(invoice: LedgerInvoice): string {
	const content = [
		invoice.issuer ?? 'default',
		invoice.docType,
		invoice.number,
		invoice.customerExternalId,
		invoice.currency,
		invoice.totalExclMinor.toString(),
		invoice.totalTaxMinor.toString(),
		invoice.totalInclMinor.toString(),
		invoice.payableMinor.toString(),
		invoice.issueDate,
		invoice.dueDate,
		invoice.receptionDate ?? null,
		invoice.termsDays ?? null,
		invoice.termsBasis ?? null,
		invoice.paymentTerms ?? null,
		invoice.poNumber ?? null,
		invoice.creditedNumber ?? null,
		invoice.lines ?? [],
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

/** jsonb values as JSON text (bigints inside lines as strings). */
function jsonText(value: unknown): string {
	// Most rows have no lines and no anomalies: the same text without a call to JSON.stringify.
	if (Array.isArray(value) && value.length === 0) return '[]';
	try {
		return JSON.stringify(value);
	} catch {
		return JSON.stringify(value, bigintAsString);
	}
}

/**
 * A list of anomalies as JSON text, the same text as jsonText: within one batch, each anomaly object is
 * serialised once however many invoices carry it (the checks share the customer file's anomalies across the
 * invoices of a customer).
 */
function anomaliesText(list: unknown, anomalyTexts: Map<object, string>): string {
	if (!Array.isArray(list) || list.length === 0) return jsonText(list);
	let out = '[';
	for (let i = 0; i < list.length; i++) {
		const a: unknown = list[i];
		if (a === null || typeof a !== 'object' || Array.isArray(a)) return jsonText(list);
		let text = anomalyTexts.get(a);
		if (text === undefined) {
			text = jsonText(a);
			anomalyTexts.set(a, text);
		}
		out += i === 0 ? text : `,${text}`;
	}
	return `${out}]`;
}

export interface StoreInvoicesOptions {
	/** Create a minimal customer (external id and name) for an unknown customer instead of rejecting. */
	createMissingCustomers?: boolean;
	/** Rows per transaction; a failing transaction is split until the faulty rows are isolated. */
	batchSize?: number;
	/**
	 * How new documents are written: `auto` (default) uses COPY when the ledger role is not subject to the
	 * row-level security of the invoices table (superuser, BYPASSRLS), a multi-row INSERT otherwise; `insert`
	 * always uses the INSERT.
	 */
	writeMode?: 'auto' | 'insert';
	actor?: string;
	/**
	 * The day a revision takes effect (YYYY-MM-DD, not in the future): reports as of an earlier date show the
	 * document as it stood then. Default: today in `zone`. A revision never takes effect before an earlier one.
	 */
	effectiveOn?: string;
	/** IANA zone of `effectiveOn`'s default (default Europe/Paris). */
	zone?: string;
	/**
	 * Whether this call refreshes the table's planner statistics after each batch (noteBulkRows, default true).
	 * false: the caller passes the rows created to noteBulkRows itself, e.g. while it writes its next batch.
	 */
	noteStatistics?: boolean;
}

function customerMismatch(invoice: LedgerInvoice): NonNullable<StoreOutcome['error']> {
	const credit = invoice.docType === 'credit_note';
	return {
		code: 'INVOICE_CUSTOMER_MISMATCH',
		message: `${credit ? 'Credit note' : 'Invoice'} ${invoice.number} is already in the ledger for another customer than "${invoice.customerExternalId}": it is not changed.`,
		messageFr: `${credit ? "L'avoir" : 'La facture'} ${invoice.number} est déjà au grand livre pour un autre client que « ${invoice.customerExternalId} » : ${credit ? 'il' : 'elle'} n'est pas modifié${credit ? '' : 'e'}.`,
		hint: 'A revision must come with the customer code of the original document. Check the customer code or the document number.',
		hintFr:
			"Une révision doit porter le code client du document d'origine. Vérifiez le code client ou le numéro du document.",
	};
}

export function dbErrorToItem(
	error: Error & { code?: string; detail?: string; constraint?: string },
): { code: string; message: string; hint?: string } {
	if (error.code === '22008' || error.code === '22007') {
		return {
			code: 'INVOICE_BAD_DATE',
			message: `A date of the invoice is not a real calendar date: ${error.message}.`,
			hint: 'Use YYYY-MM-DD dates that exist.',
		};
	}
	if (error.code === '23514' && error.constraint) {
		const known: Record<string, { code: string; message: string; hint: string }> = {
			credit_note_same_currency: {
				code: 'CREDIT_NOTE_OTHER_CURRENCY',
				message: `A credit note and the invoice it credits must be in the same currency (${error.message}) / Un avoir et la facture qu'il crédite sont dans la même devise.`,
				hint: 'Correct the currency or the credited invoice number.',
			},
			credit_note_same_customer: {
				code: 'CREDIT_NOTE_OTHER_CUSTOMER',
				message: `A credit note and the invoice it credits must be of the same customer (${error.message}) / Un avoir et la facture qu'il crédite sont du même client.`,
				hint: 'Correct the customer or the credited invoice number.',
			},
			invoice_revision_in_order: {
				code: 'INVOICE_REVISION_BEFORE_PREVIOUS',
				message: `${error.message} / Une révision ne prend pas effet avant la précédente.`,
				hint: 'Give an effective date on or after the previous revision.',
			},
			allocation_same_currency: {
				code: 'INVOICE_CURRENCY_HAS_PAYMENTS',
				message: `${error.message} / Une facture qui a reçu des paiements ne change pas de devise.`,
				hint: 'Cancel the invoice and issue a new one in the other currency.',
			},
		};
		if (known[error.constraint]) return known[error.constraint];
	}
	if (error.code === '22003') {
		return {
			code: 'INVOICE_AMOUNT_OUT_OF_RANGE',
			message: 'An amount of the invoice is out of range.',
			hint: 'Check the amounts and their decimal separator.',
		};
	}
	return { code: 'INVOICE_STORE_FAILED', message: error.message };
}

/** Columns written for a new document (newRow), in the order of the unnest() arrays of INSERT_NEW. */
const NEW_COLUMNS = [
	'issuer',
	'doc_type',
	'number',
	'customer_id',
	'currency',
	'total_excl_minor',
	'total_tax_minor',
	'total_incl_minor',
	'payable_minor',
	'open_minor',
	'issue_date',
	'due_date',
	'reception_date',
	'terms_days',
	'terms_basis',
	'payment_terms',
	'po_number',
	'credited_number',
	'content_hash',
	'source',
	'source_ref',
	'lines',
	'anomalies',
	'extra',
];

/** The table's defaults for the jsonb columns, as newRow writes them (null stands for the other columns' NULL default). */
const COLUMN_DEFAULTS: Record<string, string> = { lines: '[]', anomalies: '[]', extra: '{}' };

const INSERT_NEW = `INSERT INTO invoices (${NEW_COLUMNS.join(', ')})
	SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[],
		$8::bigint[], $9::bigint[], $10::bigint[], $11::date[], $12::date[], $13::date[], $14::int[], $15::text[],
		$16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::jsonb[], $23::jsonb[], $24::jsonb[])
	RETURNING id, issuer, doc_type, number`;

/**
 * Lists of strings as parameters for string_to_array: each list joined by a separator none of the strings holds,
 * behind an empty first element (so that no list is empty text; the statement skips it). node-postgres writes an
 * array parameter element by element with regular expressions, which cost more than the statement it is sent with
 * (about 40 ms for five lists of 5,000 on a loaded core); a join costs a hundredth of that.
 */
function textLists(lists: string[][]): { lists: string[]; separator: string } {
	let separator = '\u001f';
	while (lists.some((list) => list.some((v) => v.includes(separator))))
		separator += Math.random().toString(36).slice(2);
	return { lists: lists.map((list) => separator + list.join(separator)), separator };
}

/**
 * What a batch needs to know before it writes, in one statement, for its rows ($1 issuers, $2 types, $3 numbers, $4
 * customer codes, $5 't' where the row is the last of its document in the batch; $6 the distinct codes; lists of
 * textLists, $8 their separator): one `customer` row per customer of the batch in the ledger, one `document` row
 * per row of the batch whose document is already in the ledger, then one `end` row holding, when $7 (the rows go by
 * COPY), one id from the table's sequence per new document (comma-separated: documents not in the ledger, of a
 * customer in it, counted at their last row), and whether credit notes wait for their invoice (one probe of a
 * partial index).
 * The documents are looked up with one probe of the unique key (issuer, type, number) per row: LATERAL … LIMIT 1
 * cannot become a scan or a hash join over the whole table, so the cost follows the batch, not the size of the
 * ledger nor the freshness of its statistics. Before that, one probe per issuer and type of the batch: when every
 * number of the batch sorts after the highest one the ledger holds for its issuer and type (documents numbered in
 * sequence, sent in order), none of them can be there and the per-row probes are skipped (the comparison is the
 * unique key's own order).
 */
const PROBE = `WITH k AS MATERIALIZED (
		SELECT issuer, doc_type, number, customer, last = 't' AS last
		FROM unnest(string_to_array($1, $8), string_to_array($2, $8), string_to_array($3, $8), string_to_array($4, $8),
			string_to_array($5, $8)) WITH ORDINALITY AS k(issuer, doc_type, number, customer, last, n)
		WHERE n > 1
	), c AS MATERIALIZED (
		SELECT id, external_id FROM customers WHERE external_id = ANY((string_to_array($6, $8))[2:])
	), beyond AS MATERIALIZED (
		SELECT coalesce(bool_and(top.number IS NULL OR top.number < g.lowest), true) AS all_new
		FROM (SELECT issuer, doc_type, min(number) AS lowest FROM k GROUP BY issuer, doc_type) g
		LEFT JOIN LATERAL (SELECT i.number FROM invoices i WHERE i.issuer = g.issuer AND i.doc_type = g.doc_type
			ORDER BY i.number DESC LIMIT 1) top ON true
	), seq AS MATERIALIZED (
		SELECT pg_get_serial_sequence('invoices', 'id')::regclass AS seq
	), e AS MATERIALIZED (
		SELECT i.id, i.issuer, i.doc_type, i.number, i.content_hash, i.revision, i.customer_id FROM k
		CROSS JOIN LATERAL (SELECT i.id, i.issuer, i.doc_type, i.number, i.content_hash, i.revision, i.customer_id
			FROM invoices i WHERE i.issuer = k.issuer AND i.doc_type = k.doc_type AND i.number = k.number LIMIT 1) i
		WHERE NOT (SELECT all_new FROM beyond)
	)
	SELECT 'customer' AS kind, c.id::text, NULL AS issuer, NULL AS doc_type, c.external_id AS number,
		NULL AS content_hash, NULL::int AS revision, NULL AS customer_id, NULL AS ids, NULL::boolean AS pending FROM c
	UNION ALL
	SELECT 'document', e.id::text, e.issuer, e.doc_type, e.number, e.content_hash, e.revision, e.customer_id::text,
		NULL, NULL FROM e
	UNION ALL
	SELECT 'end', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		(SELECT string_agg(nextval(seq.seq)::text, ',') FROM seq, generate_series(1, CASE WHEN $7::boolean THEN (
			SELECT count(*) FROM k WHERE k.customer IN (SELECT external_id FROM c) AND k.last AND NOT EXISTS (
				SELECT 1 FROM e WHERE e.issuer = k.issuer AND e.doc_type = k.doc_type AND e.number = k.number)
		) ELSE 0 END::int)),
		EXISTS (SELECT 1 FROM invoices WHERE doc_type = 'credit_note' AND credited_invoice_id IS NULL
			AND credited_number IS NOT NULL)`;

interface Staged {
	index: number;
	invoice: LedgerInvoice;
	issuer: string;
	hash: string;
	/** issuer, type and number: the document's key, built once (it is looked up several times per row). */
	key: string;
	customerId?: string;
}

function newRow(s: Staged, anomalyTexts: Map<object, string>): Array<string | null> {
	const inv = s.invoice;
	const text = (v: string | null | undefined): string | null =>
		v === undefined || v === null ? null : v;
	const credit = inv.docType === 'credit_note';
	return [
		s.issuer,
		inv.docType,
		inv.number,
		s.customerId as string,
		inv.currency,
		inv.totalExclMinor.toString(),
		inv.totalTaxMinor.toString(),
		inv.totalInclMinor.toString(),
		inv.payableMinor.toString(),
		(credit ? -inv.payableMinor : inv.payableMinor).toString(),
		inv.issueDate,
		inv.dueDate,
		text(inv.receptionDate),
		inv.termsDays === undefined || inv.termsDays === null ? null : String(inv.termsDays),
		text(inv.termsBasis),
		text(inv.paymentTerms),
		text(inv.poNumber),
		credit ? text(inv.creditedNumber) : null,
		s.hash,
		inv.source ?? 'json',
		text(inv.sourceRef),
		jsonText(inv.lines ?? []),
		anomaliesText(inv.anomalies ?? [], anomalyTexts),
		jsonText(inv.extra ?? {}),
	];
}

/**
 * The columns of NEW_COLUMNS (their indexes) that some row of the batch sets to something other than the table's
 * default: what newRow would give for each row, read without building the rows (so that they are built as COPY
 * consumes them). The columns newRow always fills (issuer, type, number, customer, currency, amounts, dates, hash,
 * source) are always sent.
 */
function keptColumns(rows: Staged[], anomalyTexts: Map<object, string>): number[] {
	const used = new Array<boolean>(NEW_COLUMNS.length).fill(true);
	const optional = [12, 13, 14, 15, 16, 17, 20, 21, 22, 23];
	for (const k of optional) used[k] = false;
	const set = (v: unknown): boolean => v !== undefined && v !== null;
	for (const s of rows) {
		const inv = s.invoice;
		if (!used[12] && set(inv.receptionDate)) used[12] = true;
		if (!used[13] && set(inv.termsDays)) used[13] = true;
		if (!used[14] && set(inv.termsBasis)) used[14] = true;
		if (!used[15] && set(inv.paymentTerms)) used[15] = true;
		if (!used[16] && set(inv.poNumber)) used[16] = true;
		if (!used[17] && inv.docType === 'credit_note' && set(inv.creditedNumber)) used[17] = true;
		if (!used[20] && set(inv.sourceRef)) used[20] = true;
		if (!used[21] && jsonText(inv.lines ?? []) !== COLUMN_DEFAULTS.lines) used[21] = true;
		if (!used[22] && anomaliesText(inv.anomalies ?? [], anomalyTexts) !== COLUMN_DEFAULTS.anomalies)
			used[22] = true;
		if (!used[23] && jsonText(inv.extra ?? {}) !== COLUMN_DEFAULTS.extra) used[23] = true;
	}
	return NEW_COLUMNS.map((_c, k) => k).filter((k) => used[k]);
}

/**
 * A credit note reduces only an invoice of its own customer and currency: one that names an invoice of another
 * currency or customer (already in the ledger, or in this batch) is refused with the reason, in English and
 * French. The ledger refuses such a link too (migration 0016's triggers); this gives the person the reason first.
 */
async function refuseCrossCredits(
	client: PoolClient,
	rows: Staged[],
	outcomes: Map<number, StoreOutcome>,
): Promise<Staged[]> {
	const crediting = rows.filter(
		(r) => r.invoice.docType === 'credit_note' && r.invoice.creditedNumber,
	);
	if (crediting.length === 0) return rows;
	const targets = new Map<string, { currency: string; customerId: string; customer: string }>();
	const found = await client.query<{
		issuer: string;
		number: string;
		currency: string;
		customer_id: string;
		external_id: string;
	}>(
		`SELECT i.issuer, i.number, i.currency::text AS currency, i.customer_id::text AS customer_id, c.external_id FROM invoices i JOIN customers c ON c.id = i.customer_id
		WHERE i.doc_type = 'invoice' AND i.number = ANY($1::text[])`,
		[[...new Set(crediting.map((r) => r.invoice.creditedNumber as string))]],
	);
	for (const t of found.rows)
		targets.set(`${t.issuer}\u0000${t.number}`, {
			currency: t.currency,
			customerId: t.customer_id,
			customer: t.external_id,
		});
	// An invoice of the batch is what the ledger will hold once the batch is written.
	for (const r of rows) {
		if (r.invoice.docType !== 'invoice') continue;
		const key = `${r.issuer}\u0000${r.invoice.number}`;
		// A record under another customer's code than the invoice already in the ledger is refused (it never changes
		// the invoice's customer): the ledger's invoice stays the target.
		const stored = targets.get(key);
		if (stored && stored.customerId !== String(r.customerId)) continue;
		targets.set(key, {
			currency: r.invoice.currency.toUpperCase(),
			customerId: r.customerId as string,
			customer: r.invoice.customerExternalId,
		});
	}
	const refused = new Set<Staged>();
	for (const r of crediting) {
		const cn = r.invoice;
		const target = targets.get(`${r.issuer}\u0000${cn.creditedNumber}`);
		if (!target) continue;
		const currency = cn.currency.toUpperCase();
		let error: NonNullable<StoreOutcome['error']> | undefined;
		if (target.currency !== currency) {
			error = {
				code: 'CREDIT_NOTE_OTHER_CURRENCY',
				message: `Credit note ${cn.number} is in ${currency} but the invoice it credits, ${cn.creditedNumber}, is in ${target.currency}: amounts of two currencies are never netted.`,
				messageFr: `L'avoir ${cn.number} est en ${currency} mais la facture qu'il crédite, ${cn.creditedNumber}, est en ${target.currency} : des montants de deux devises ne se compensent jamais.`,
				hint: `Issue the credit note in ${target.currency}, or correct the number of the invoice it credits.`,
				hintFr: `Émettez l'avoir en ${target.currency}, ou corrigez le numéro de la facture créditée.`,
			};
		} else if (target.customerId !== r.customerId) {
			error = {
				code: 'CREDIT_NOTE_OTHER_CUSTOMER',
				message: `Credit note ${cn.number} is for customer "${cn.customerExternalId}" but the invoice it credits, ${cn.creditedNumber}, is customer "${target.customer}"'s: a credit note never reduces another customer's invoice.`,
				messageFr: `L'avoir ${cn.number} est au nom du client « ${cn.customerExternalId} » mais la facture qu'il crédite, ${cn.creditedNumber}, est celle du client « ${target.customer} » : un avoir ne réduit jamais la facture d'un autre client.`,
				hint: 'Correct the customer of the credit note or the number of the invoice it credits.',
				hintFr: "Corrigez le client de l'avoir ou le numéro de la facture créditée.",
			};
		}
		if (error) {
			refused.add(r);
			outcomes.set(r.index, { index: r.index, number: cn.number, status: 'rejected', error });
		}
	}
	return refused.size ? rows.filter((r) => !refused.has(r)) : rows;
}

/**
 * Stores one batch inside the caller's transaction (takes the intake lock until it ends). The rows travel as
 * column arrays (`unnest`), so a batch costs a handful of round trips: the customers of the batch, the
 * documents already in the ledger, ids for the new ones, one multi-row INSERT, then revisions and credit-note
 * links when there are any. Several calls may share one transaction.
 */
export async function storeBatch(
	client: PoolClient,
	invoices: LedgerInvoice[],
	offset: number,
	options: StoreInvoicesOptions,
): Promise<StoreOutcome[]> {
	const [{ bypass: bypassesRls }] = (
		await client.query<{ bypass: boolean }>(
			`SELECT pg_advisory_xact_lock($1, hashtext(current_schema())), (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) AS bypass`,
			[INTAKE_LOCK_KEY],
		)
	).rows;
	const outcomes = new Map<number, StoreOutcome>();
	const staged: Staged[] = invoices.map((invoice, i) => {
		const issuer = invoice.issuer ?? 'default';
		return {
			index: offset + i,
			invoice,
			issuer,
			hash: invoiceContentHash(invoice),
			key: `${issuer}\u0000${invoice.docType}\u0000${invoice.number}`,
		};
	});

	const codes = [...new Set(staged.map((s) => s.invoice.customerExternalId))];
	if (options.createMissingCustomers) {
		const names = new Map<string, string>();
		for (const s of staged)
			if (!names.has(s.invoice.customerExternalId))
				names.set(
					s.invoice.customerExternalId,
					s.invoice.customerName ?? s.invoice.customerExternalId,
				);
		await client.query(
			`INSERT INTO customers (external_id, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (external_id) DO NOTHING`,
			[[...names.keys()], [...names.values()]],
		);
	}
	// The batch's customers, its documents already in the ledger, ids for the new ones and whether credit notes wait
	// for an invoice, in one round trip (see PROBE). Only this function writes content_hash or inserts documents, and
	// the intake lock above serialises it, so what this statement reads holds until the batch commits.
	const copies = bypassesRls && options.writeMode !== 'insert';
	const lastOfKey = new Map<string, Staged>();
	for (const s of staged) lastOfKey.set(s.key, s);
	const sent = textLists([
		staged.map((s) => s.issuer),
		staged.map((s) => s.invoice.docType),
		staged.map((s) => s.invoice.number),
		staged.map((s) => s.invoice.customerExternalId),
		staged.map((s) => (lastOfKey.get(s.key) === s ? 't' : 'f')),
		codes,
	]);
	const probed =
		staged.length === 0
			? []
			: (
					await client.query<{
						kind: 'customer' | 'document' | 'end';
						id: string;
						issuer: string;
						doc_type: string;
						number: string;
						content_hash: string;
						revision: number;
						customer_id: string;
						ids: string | null;
						pending: boolean | null;
					}>(PROBE, [...sent.lists, copies, sent.separator])
				).rows;
	const customers = new Map<string, string>();
	const existing: typeof probed = [];
	let tail: (typeof probed)[number] | undefined;
	for (const row of probed) {
		if (row.kind === 'customer') customers.set(row.number, row.id);
		else if (row.kind === 'document') existing.push(row);
		else tail = row;
	}
	const reservedIds = tail?.ids ? tail.ids.split(',') : [];
	const known: Staged[] = [];
	for (const s of staged) {
		s.customerId = customers.get(s.invoice.customerExternalId);
		if (s.customerId) known.push(s);
		else {
			outcomes.set(s.index, {
				index: s.index,
				number: s.invoice.number,
				status: 'rejected',
				error: {
					code: 'INVOICE_UNKNOWN_CUSTOMER',
					message: `Customer "${s.invoice.customerExternalId}" is not in the ledger.`,
					hint: 'Import the customer first (Invoice Intake → Customers), or allow creating missing customers.',
				},
			});
		}
	}

	// Same number twice in one batch: the last one wins, the earlier ones are reported as superseded.
	const keyOf = (s: Staged): string => s.key;
	const last = new Map<string, Staged>();
	for (const s of known) last.set(keyOf(s), s);
	let rows: Staged[] = [];
	for (const s of known) {
		if (last.get(keyOf(s)) === s) rows.push(s);
		else
			outcomes.set(s.index, {
				index: s.index,
				number: s.invoice.number,
				status: 'unchanged',
				error: {
					code: 'INVOICE_SUPERSEDED_IN_BATCH',
					message: `Invoice ${s.invoice.number} appears again later in the same batch; the later one was kept.`,
				},
			});
	}
	rows = await refuseCrossCredits(client, rows, outcomes);

	const byKey = new Map(rows.map((r) => [keyOf(r), r]));
	const found = new Map<Staged, (typeof existing)[number]>();
	for (const e of existing) {
		const row = byKey.get(`${e.issuer}\u0000${e.doc_type}\u0000${e.number}`);
		if (row) found.set(row, e);
	}
	const fresh = rows.filter((r) => !found.has(r));
	const changed: Array<{ row: Staged; id: string }> = [];
	for (const [row, e] of found) {
		// A document belongs to the customer it was first stored for: a record under another customer's code never
		// rewrites it (nor moves it to that customer).
		if (String(e.customer_id) !== String(row.customerId)) {
			outcomes.set(row.index, {
				index: row.index,
				number: row.invoice.number,
				status: 'rejected',
				error: customerMismatch(row.invoice),
			});
			continue;
		}
		outcomes.set(row.index, {
			index: row.index,
			number: row.invoice.number,
			status: 'unchanged',
			id: e.id,
			revision: e.revision,
		});
		if (e.content_hash !== row.hash) changed.push({ row, id: e.id });
	}

	// New documents in one COPY or one multi-row INSERT. Credit notes are inserted unlinked; the pass below links
	// them to the invoice they credit, whether that invoice was already in the ledger, arrives in this batch, or
	// arrives later.
	const inserted: Array<{ id: string; docType: string }> = [];
	if (fresh.length) {
		const anomalyTexts = new Map<object, string>();
		let ids: Array<{ id: string; issuer: string; doc_type: string; number: string }>;
		if (bypassesRls && options.writeMode !== 'insert') {
			// COPY is refused on tables under row-level security for roles it applies to; where it does not apply
			// (superuser, BYPASSRLS) it is the cheapest way in. The ids are taken from the table's sequence first
			// and written with the rows, so nothing has to be looked up after the COPY (a lookup of the new rows
			// would depend on the table's statistics, which a bulk load makes stale).
			// Columns the whole batch leaves at the table's default (no lines, no anomalies, no PO...) are not sent.
			// The sequence is looked up once (pg_get_serial_sequence per row cost four times the nextval calls).
			// Taken by PROBE, one per new document (a credit note refused above leaves its id unused, as a
			// rolled-back batch does).
			const taken =
				reservedIds.length >= fresh.length
					? reservedIds
					: (
							await client.query<{ id: string }>(
								`WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('invoices', 'id')::regclass AS seq)
				 SELECT nextval(s.seq)::text AS id FROM s, generate_series(1, $1::int)`,
								[fresh.length],
							)
						).rows.map((r) => r.id);
			const kept = keptColumns(fresh, anomalyTexts);
			await copyRows(
				client,
				'invoices',
				['id', ...kept.map((k) => NEW_COLUMNS[k])],
				// Rows built as COPY consumes them, so each dies young (none of them is kept for the round trips).
				(function* () {
					for (let r = 0; r < fresh.length; r++) {
						const row = newRow(fresh[r], anomalyTexts);
						const out: Array<string | null> = [taken[r]];
						for (const k of kept) out.push(row[k]);
						yield out;
					}
				})(),
			);
			ids = fresh.map((s, r) => ({
				id: taken[r],
				issuer: s.issuer,
				doc_type: s.invoice.docType,
				number: s.invoice.number,
			}));
		} else {
			const values = fresh.map((s) => newRow(s, anomalyTexts));
			ids = (
				await client.query<{ id: string; issuer: string; doc_type: string; number: string }>(
					INSERT_NEW,
					NEW_COLUMNS.map((_c, k) => values.map((row) => row[k])),
				)
			).rows;
		}
		const freshByKey = new Map(fresh.map((r) => [keyOf(r), r]));
		for (const row of ids) {
			// Rows other sessions inserted meanwhile have other keys (the unique key would have refused ours).
			const s = freshByKey.get(`${row.issuer}\u0000${row.doc_type}\u0000${row.number}`);
			if (!s) continue;
			inserted.push({ id: row.id, docType: s.invoice.docType });
			outcomes.set(s.index, {
				index: s.index,
				number: s.invoice.number,
				status: 'created',
				id: row.id,
				revision: 1,
			});
		}
	}

	// Documents already in the ledger whose content changed: locked (payments may be touching their balance) and
	// revised; unchanged documents are neither locked nor written.
	const changedIds = changed.map((c) => c.id);
	if (changed.length) {
		// The content each revision replaces is kept with the day it stopped holding (trigger invoice_revision_kept).
		await client.query(
			`SELECT id, set_config('receivables.effective_on', $2, true) FROM invoices WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
			[changedIds, options.effectiveOn ?? todayIn(options.zone || DEFAULT_ZONE)],
		);
		const recordset = changed.map(({ row, id }) => ({
			id,
			row_no: row.index,
			currency: row.invoice.currency,
			total_excl_minor: row.invoice.totalExclMinor.toString(),
			total_tax_minor: row.invoice.totalTaxMinor.toString(),
			total_incl_minor: row.invoice.totalInclMinor.toString(),
			payable_minor: row.invoice.payableMinor.toString(),
			issue_date: row.invoice.issueDate,
			due_date: row.invoice.dueDate,
			reception_date: row.invoice.receptionDate ?? null,
			terms_days: row.invoice.termsDays ?? null,
			terms_basis: row.invoice.termsBasis ?? null,
			payment_terms: row.invoice.paymentTerms ?? null,
			po_number: row.invoice.poNumber ?? null,
			credited_number: row.invoice.creditedNumber ?? null,
			content_hash: row.hash,
			source: row.invoice.source ?? 'json',
			source_ref: row.invoice.sourceRef ?? null,
			lines: row.invoice.lines ?? [],
			anomalies: row.invoice.anomalies ?? [],
			extra: row.invoice.extra ?? {},
		}));
		const revised = await client.query<{
			id: string;
			row_no: number;
			revision: number;
			number: string;
			customer_id: string;
			old_hash: string;
			new_hash: string;
			delta: string;
			credited_invoice_id: string | null;
			doc_type: string;
		}>(
			`
			WITH s AS (
				SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(id bigint, row_no int, currency text, total_excl_minor bigint,
					total_tax_minor bigint, total_incl_minor bigint, payable_minor bigint, issue_date date, due_date date,
					reception_date date, terms_days int, terms_basis text, payment_terms text, po_number text, credited_number text,
					content_hash text, source text, source_ref text, lines jsonb, anomalies jsonb, extra jsonb)
			), old AS (
				SELECT i.id, i.content_hash, i.payable_minor, i.open_minor FROM invoices i WHERE i.id IN (SELECT id FROM s)
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
			FROM s, old
			WHERE old.id = i.id AND s.id = i.id
			RETURNING i.id, s.row_no, i.revision, i.number, i.customer_id, old.content_hash AS old_hash, s.content_hash AS new_hash,
				(s.payable_minor - old.payable_minor)::text AS delta, i.credited_invoice_id, i.doc_type`,
			[jsonText(recordset)],
		);
		for (const row of revised.rows) {
			outcomes.set(row.row_no, {
				index: row.row_no,
				number: row.number,
				status: 'revised',
				id: row.id,
				revision: row.revision,
			});
		}
		if (revised.rows.length) {
			await client.query(
				`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, content_hash, payload)
				SELECT r.customer_id, r.id, 'invoice_revised', $2, 'Invoice ' || r.number || ' revised to revision ' || r.revision,
					r.new_hash, jsonb_build_object('previousHash', r.old_hash, 'revision', r.revision, 'payableDeltaMinor', r.delta,
						'timeline', jsonb_build_object('key', 'invoice_revised', 'fields', jsonb_build_object('invoice', r.number, 'revision', r.revision::text)))
				FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, customer_id bigint, number text, revision int, old_hash text, new_hash text, delta text)`,
				[JSON.stringify(revised.rows), options.actor ?? 'intake'],
			);
			// A revised credit note changes the balance of the invoice it credits by the difference.
			const creditDeltas = revised.rows.filter(
				(r) => r.doc_type === 'credit_note' && r.credited_invoice_id && r.delta !== '0',
			);
			for (const r of creditDeltas) {
				await client.query(
					`UPDATE invoices SET open_minor = open_minor - $2::bigint,
					status = CASE WHEN status IN ('open', 'paid', 'credited') THEN (CASE WHEN open_minor - $2::bigint <= 0 THEN 'credited' ELSE 'open' END) ELSE status END,
					updated_at = now() WHERE id = $1`,
					[r.credited_invoice_id, r.delta],
				);
			}
		}
	}

	// Unlinked credit notes (new or revised in this batch, or waiting for an invoice inserted in this batch) are
	// linked to the invoice they credit and reduce its balance, once: a linked credit note is never linked again.
	const creditNoteIds = [
		...inserted.filter((r) => r.docType === 'credit_note').map((r) => r.id),
		...changedIds,
	];
	const newInvoiceIds = inserted.filter((r) => r.docType === 'invoice').map((r) => r.id);
	// New invoices look for credit notes waiting for them only when there are any (one probe of a partial index).
	// PROBE answered it before the writes above: when this batch brings no credit note (new or revised), they did
	// not change the answer, and credit notes are inserted only under the intake lock (a payment linking one meanwhile
	// only leaves the pass below nothing to do).
	const pending = creditNoteIds.length > 0 || (newInvoiceIds.length > 0 && tail?.pending === true);
	const credited = !pending
		? { rows: [] }
		: await client.query<{
				invoice_id: string;
				customer_id: string;
				number: string;
				credit_number: string;
				amount: string;
			}>(
				`
		WITH candidates AS (
			SELECT cn.id, cn.issuer, cn.number, cn.credited_number, cn.payable_minor, cn.currency, cn.customer_id FROM invoices cn
			WHERE cn.id = ANY($1::bigint[]) AND cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NULL AND cn.credited_number IS NOT NULL
			UNION
			SELECT cn.id, cn.issuer, cn.number, cn.credited_number, cn.payable_minor, cn.currency, cn.customer_id FROM invoices nw
			JOIN invoices cn ON cn.issuer = nw.issuer AND cn.credited_number = nw.number
				AND cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NULL AND cn.credited_number IS NOT NULL
			WHERE nw.id = ANY($2::bigint[])
		), pairs AS (
			SELECT c.id AS cn_id, c.number AS cn_number, c.payable_minor, t.id AS invoice_id FROM candidates c
			CROSS JOIN LATERAL (
				SELECT t.id FROM invoices t WHERE t.issuer = c.issuer AND t.doc_type = 'invoice' AND t.number = c.credited_number
					AND t.currency = c.currency AND t.customer_id = c.customer_id LIMIT 1
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
				[creditNoteIds, newInvoiceIds],
			);
	if (pending && newInvoiceIds.length) {
		// A credit note stored before its invoice, whose invoice turns out to be of another currency or customer, is
		// left unlinked and listed for a person (listLedgerFindings), once.
		await client.query(
			`WITH refused AS (
				INSERT INTO ledger_findings (kind, credit_note_id, invoice_id, found_by, details)
				SELECT 'credit_note_link_refused', cn.id, t.id, $2,
					jsonb_build_object('creditNote', cn.number, 'creditNoteCurrency', cn.currency, 'creditNoteCustomerId', cn.customer_id::text,
						'amountMinor', cn.payable_minor::text, 'invoice', t.number, 'invoiceCurrency', t.currency, 'invoiceCustomerId', t.customer_id::text,
						'reason', CASE WHEN t.currency <> cn.currency THEN 'currency' ELSE 'customer' END)
				FROM invoices t JOIN invoices cn ON cn.issuer = t.issuer AND cn.credited_number = t.number
					AND cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NULL AND cn.credited_number IS NOT NULL
				WHERE t.id = ANY($1::bigint[]) AND t.doc_type = 'invoice' AND (t.currency <> cn.currency OR t.customer_id <> cn.customer_id)
					AND NOT EXISTS (SELECT 1 FROM ledger_findings f WHERE f.credit_note_id = cn.id AND f.invoice_id = t.id AND f.resolved_at IS NULL)
				RETURNING credit_note_id, invoice_id, details
			)
			INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload)
			SELECT cn.customer_id, cn.id, 'credit_note_link_refused', $2,
				'Credit note ' || cn.number || ' not applied to invoice ' || (r.details->>'invoice') || ': ' ||
					CASE WHEN r.details->>'reason' = 'currency' THEN 'other currency' ELSE 'other customer' END,
				r.details || jsonb_build_object('timeline', jsonb_build_object('key', 'credit_note_link_refused', 'fields',
					jsonb_build_object('creditNote', cn.number, 'invoice', r.details->>'invoice', 'reason', r.details->>'reason')))
			FROM refused r JOIN invoices cn ON cn.id = r.credit_note_id`,
			[newInvoiceIds, options.actor ?? 'intake'],
		);
	}
	if (credited.rows.length) {
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, payload)
			SELECT r.customer_id, r.invoice_id, 'credit_note_applied', $2, 'Credit note ' || r.credit_number || ' applied to invoice ' || r.number,
				jsonb_build_object('creditNote', r.credit_number, 'amountMinor', r.amount,
					'timeline', jsonb_build_object('key', 'credit_note_applied', 'fields', jsonb_build_object('creditNote', r.credit_number, 'invoice', r.number)))
			FROM jsonb_to_recordset($1::jsonb) AS r(invoice_id bigint, customer_id bigint, number text, credit_number text, amount text)`,
			[JSON.stringify(credited.rows), options.actor ?? 'intake'],
		);
	}
	return [...outcomes.values()];
}

/**
 * Stores invoices and credit notes idempotently: a document already in the ledger with the same content
 * changes nothing; one with changed content becomes a new revision (recorded in the history); credit notes
 * reduce the balance of the invoice they reference. Writes go in transactions of `batchSize` rows (see
 * storeBatch: COPY or one multi-row INSERT); a failing batch is split so that good rows land and faulty rows are
 * reported one by one. The table's planner statistics are refreshed once a call has added a significant share
 * of its rows (see noteBulkRows).
 */
export async function storeInvoices(
	ledger: Ledger,
	invoices: LedgerInvoice[],
	options: StoreInvoicesOptions = {},
): Promise<StoreOutcome[]> {
	if (options.effectiveOn !== undefined)
		options = {
			...options,
			effectiveOn: effectiveDate(options.effectiveOn, options.zone, 'INVOICE_BAD_EFFECTIVE_DATE'),
		};
	const batchSize = Math.max(1, options.batchSize ?? 5000);
	const results: StoreOutcome[] = [];
	const run = async (offset: number, slice: LedgerInvoice[]): Promise<void> => {
		const attempt = await ledger
			.transaction((client) => storeBatch(client, slice, offset, options))
			.then(
				(outcomes) => ({ outcomes, error: undefined }),
				(error: Error) => {
					// Ledger-level faults (connection, schema) concern every row: they are not split.
					if (error instanceof ReceivablesError) return Promise.reject(error);
					return { outcomes: undefined, error };
				},
			);
		if (attempt.outcomes) {
			results.push(...attempt.outcomes);
			let created = 0;
			for (const outcome of attempt.outcomes) if (outcome.status === 'created') created++;
			if (options.noteStatistics !== false) await noteBulkRows(ledger, 'invoices', created);
		} else {
			const error = attempt.error;
			if (slice.length === 1) {
				results.push({
					index: offset,
					number: slice[0].number,
					status: 'rejected',
					error: dbErrorToItem(error as Error),
				});
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
