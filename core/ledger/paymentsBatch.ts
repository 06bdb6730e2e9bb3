import type { PoolClient } from 'pg';
import { normaliseCompanyName } from '../bank/names';
import { creditorReferencesIn } from '../bank/rf';
import { parseAmount } from '../money';
import {
	allocatePaymentWith,
	allocatedEvent,
	allocationDay,
	DEFAULT_SOURCE,
	describeStoreError,
	flaggedEvent,
	invoiceNumberKey,
	INVOICE_COLUMNS,
	isTransient,
	ledgerReader,
	normaliseAccount,
	oldestFirst,
	paidEvent,
	paidEvents,
	PayerNameIndex,
	paymentContentHash,
	plan,
	receivedEvent,
	referenceCandidates,
	settlement,
	snapshot,
	storePaymentsWith,
	type AllocationLine,
	type AllocationReader,
	type AllocationResult,
	type CreditNoteRow,
	type DatedPayment,
	type InvoiceRow,
	type OpenInvoices,
	type PaymentInput,
	type PaymentOutcome,
	type PaymentRow,
	type StorePaymentsOptions,
} from './payments';

/**
 * Storing and allocating many payments at once (a bank statement's lines): the same rules and the same outcome as
 * storePaymentsWith, with set-based reads and writes instead of a dozen round trips per payment.
 *
 * Per chunk of payments: one multi-row INSERT of the payments (ON CONFLICT DO NOTHING: a line imported before comes
 * back unchanged), a few queries that load, locked, what the rules may read (the invoices the references name, the
 * open invoices of the customers the payers are, learned accounts and payer names), then each payment decided in
 * order by the rules (plan) against that state held in memory — an allocation changes it for the next payment as
 * it would in the ledger — and the writes (allocations, invoices, payments, history in the order the per-payment way
 * writes it, learned accounts) flushed in multi-row statements.
 *
 * The rare rules that write as they decide (a credit note cited or deducted, a small difference written off) run the
 * per-payment way for that payment, after what came before is flushed. A chunk that meets a database error (a date
 * that does not exist, a constraint) is rolled back and stored the per-payment way, which rejects the faulty payment
 * alone with its reason, as before.
 */

const CHUNK = 2_000;

/** The payment needs a rule that writes as it decides: it is allocated the per-payment way. */
class NeedsLedgerPath extends Error {}

/** The per-payment way failed for a payment: the chunk is stored the per-payment way, which reports it. */
class ChunkFallback extends Error {}

function isOpen(row: InvoiceRow): boolean {
	return row.status === 'open' && BigInt(row.open_minor) > 0n;
}

/** A customer's open invoices in one currency, oldest first, indexed by open amount, following the batch's allocations. */
export class OpenInvoiceIndex implements OpenInvoices {
	private head = 0;
	private live: number;
	private readonly byAmount = new Map<string, InvoiceRow[]>();

	constructor(private readonly rows: InvoiceRow[]) {
		rows.sort(oldestFirst);
		this.live = rows.filter(isOpen).length;
		for (const row of rows) if (isOpen(row)) this.bucket(row.open_minor).push(row);
	}

	private bucket(amount: string): InvoiceRow[] {
		let list = this.byAmount.get(amount);
		if (!list) this.byAmount.set(amount, (list = []));
		return list;
	}

	count(): number {
		return this.live;
	}

	withAmount(amount: bigint): InvoiceRow[] {
		const key = amount.toString();
		return (this.byAmount.get(key) ?? []).filter((row) => isOpen(row) && row.open_minor === key);
	}

	*oldestFirst(): Iterable<InvoiceRow> {
		while (this.head < this.rows.length && !isOpen(this.rows[this.head])) this.head++;
		for (let k = this.head; k < this.rows.length; k++) if (isOpen(this.rows[k])) yield this.rows[k];
	}

	all(): InvoiceRow[] {
		return [...this.oldestFirst()];
	}

	/** The invoice's open amount went from `before` to what it is now (less, by an allocation). */
	changed(row: InvoiceRow, before: bigint): void {
		const old = this.byAmount.get(before.toString());
		if (old) {
			const at = old.indexOf(row);
			if (at >= 0) old.splice(at, 1);
		}
		if (isOpen(row)) {
			const list = this.bucket(row.open_minor);
			list.push(row);
			list.sort(oldestFirst);
		} else if (before > 0n) this.live--;
	}
}

type HistoryRow = [
	customerId: string | null,
	invoiceId: string | null,
	kind: string,
	actor: string,
	summary: string,
	contentHash: string | null,
	payload: string,
];

/** What the batch knows of the ledger (as its own writes leave it) and what it has yet to write. */
class BatchState {
	private invoices = new Map<string, InvoiceRow>();
	private invoicesOfKey = new Map<string, InvoiceRow[]>();
	private creditNoteKeys = new Map<string, boolean>();
	private open = new Map<string, OpenInvoiceIndex>();
	private creditNoteCustomers = new Map<string, boolean>();
	private accounts = new Map<string, { customerId: string; shared: boolean } | null>();
	private payerNames = new Map<string, { customerId: string; shared: boolean } | null>();
	private codes = new Map<string, string | null>();
	private readonly ledger: AllocationReader;

	// Writes not yet flushed.
	private allocations: Array<[string, string, string, string, string]> = [];
	private invoiceUpdates = new Map<string, InvoiceRow>();
	private paidAt = new Map<string, string>();
	private paymentUpdates: Array<{
		day: string;
		row: [string, string | null, string, string, string | null, string];
	}> = [];
	private history: HistoryRow[] = [];
	private learned = new Map<
		string,
		{ customerId: string; paymentId: string; actor: string; shared: boolean }
	>();

	readonly reader: AllocationReader;

	constructor(
		private readonly client: PoolClient,
		private readonly names: PayerNameIndex,
	) {
		this.ledger = ledgerReader(client, names);
		this.reader = {
			customerIdOfCode: async (code) => {
				if (!this.codes.has(code)) this.codes.set(code, await this.ledger.customerIdOfCode(code));
				return this.codes.get(code) ?? null;
			},
			invoicesByKeys: async (keys) => {
				await this.loadKeys(keys);
				const rows = new Map<string, InvoiceRow>();
				for (const key of keys)
					for (const row of this.invoicesOfKey.get(key) ?? []) rows.set(row.id, row);
				return [...rows.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
			},
			openInvoicesOf: async (customerId, currency) => {
				await this.loadOpen([[customerId, currency]]);
				return this.open.get(`${customerId}|${currency}`) as OpenInvoiceIndex;
			},
			creditNotesByKeys: async (keys) => {
				await this.loadCreditNoteKeys(keys);
				if (keys.some((k) => this.creditNoteKeys.get(k))) throw new NeedsLedgerPath();
				return [];
			},
			openCreditNotesOf: async (customerId, currency): Promise<CreditNoteRow[]> => {
				await this.loadCreditNoteCustomers([[customerId, currency]]);
				if (this.creditNoteCustomers.get(`${customerId}|${currency}`)) throw new NeedsLedgerPath();
				return [];
			},
			customerOfAccount: async (account) => {
				if (!account) return undefined;
				const key = normaliseAccount(account);
				await this.loadAccounts([key]);
				const known = this.accounts.get(key);
				return known && !known.shared ? known.customerId : undefined;
			},
			customerOfPayerName: async (payerName) => {
				const key = payerName ? normaliseCompanyName(payerName) : '';
				if (!key) return undefined;
				await this.loadPayerNames([key]);
				const known = this.payerNames.get(key);
				return known && !known.shared ? known.customerId : undefined;
			},
			matchPayerName: (payerName) => this.matchPayerName(payerName),
			customerLabels: (ids) => this.ledger.customerLabels(ids),
		};
	}

	private nameMatches = new Map<string, ReturnType<PayerNameIndex['match']>>();

	/** The customers a payer name designates (customers' names do not change while payments are stored: kept per name). */
	matchPayerName(payerName: string): ReturnType<PayerNameIndex['match']> {
		let match = this.nameMatches.get(payerName);
		if (!match) this.nameMatches.set(payerName, (match = this.names.match(this.client, payerName)));
		return match;
	}

	/** Forgets what it knows (after the per-payment way wrote in the ledger): the next reads load again. */
	reset(): void {
		this.invoices.clear();
		this.invoicesOfKey.clear();
		this.creditNoteKeys.clear();
		this.open.clear();
		this.creditNoteCustomers.clear();
		this.accounts.clear();
		this.payerNames.clear();
		this.codes.clear();
	}

	private keep(row: InvoiceRow): InvoiceRow {
		const known = this.invoices.get(row.id);
		if (known) return known;
		this.invoices.set(row.id, row);
		return row;
	}

	async loadKeys(keys: string[]): Promise<void> {
		const missing = [...new Set(keys)].filter((k) => !this.invoicesOfKey.has(k));
		if (!missing.length) return;
		const rows = await this.client.query<InvoiceRow & { key: string }>(
			`SELECT ${INVOICE_COLUMNS}, upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) AS key FROM invoices i
			WHERE i.doc_type = 'invoice' AND upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) = ANY($1::text[])
			ORDER BY i.id FOR UPDATE`,
			[missing],
		);
		for (const k of missing) this.invoicesOfKey.set(k, []);
		for (const { key, ...row } of rows.rows) this.invoicesOfKey.get(key)?.push(this.keep(row));
	}

	async loadOpen(pairs: Array<[string, string]>): Promise<void> {
		const missing = [
			...new Map(pairs.map(([c, cur]) => [`${c}|${cur}`, [c, cur] as [string, string]])).entries(),
		].filter(([k]) => !this.open.has(k));
		if (!missing.length) return;
		const rows = await this.client.query<InvoiceRow>(
			`SELECT ${INVOICE_COLUMNS} FROM invoices i
			WHERE (i.customer_id, i.currency) IN (SELECT w.customer_id, w.currency::char(3) FROM unnest($1::bigint[], $2::text[]) AS w(customer_id, currency))
				AND i.doc_type = 'invoice' AND i.status = 'open' AND i.open_minor > 0
			ORDER BY i.id FOR UPDATE OF i`,
			[missing.map(([, [c]]) => c), missing.map(([, [, cur]]) => cur)],
		);
		const lists = new Map<string, InvoiceRow[]>(missing.map(([k]) => [k, []]));
		for (const row of rows.rows) {
			const kept = this.keep(row);
			if (isOpen(kept)) lists.get(`${row.customer_id}|${row.currency}`)?.push(kept);
		}
		for (const [k, list] of lists) this.open.set(k, new OpenInvoiceIndex(list));
	}

	async loadCreditNoteKeys(keys: string[]): Promise<void> {
		const missing = [...new Set(keys)].filter((k) => !this.creditNoteKeys.has(k));
		if (!missing.length) return;
		const rows = await this.client.query<{ key: string }>(
			`SELECT DISTINCT upper(regexp_replace(cn.number, '[^A-Za-z0-9]', '', 'g')) AS key FROM invoices cn
			WHERE cn.doc_type = 'credit_note' AND upper(regexp_replace(cn.number, '[^A-Za-z0-9]', '', 'g')) = ANY($1::text[])`,
			[missing],
		);
		const found = new Set(rows.rows.map((r) => r.key));
		for (const k of missing) this.creditNoteKeys.set(k, found.has(k));
	}

	async loadCreditNoteCustomers(pairs: Array<[string, string]>): Promise<void> {
		const missing = [
			...new Map(pairs.map(([c, cur]) => [`${c}|${cur}`, [c, cur] as [string, string]])).entries(),
		].filter(([k]) => !this.creditNoteCustomers.has(k));
		if (!missing.length) return;
		const rows = await this.client.query<{ customer_id: string; currency: string }>(
			`SELECT DISTINCT cn.customer_id, cn.currency::text AS currency FROM invoices cn
			WHERE (cn.customer_id, cn.currency) IN (SELECT w.customer_id, w.currency::char(3) FROM unnest($1::bigint[], $2::text[]) AS w(customer_id, currency))
				AND cn.doc_type = 'credit_note' AND cn.credited_invoice_id IS NULL AND cn.credited_number IS NULL AND cn.status = 'open' AND cn.payable_minor > 0`,
			[missing.map(([, [c]]) => c), missing.map(([, [, cur]]) => cur)],
		);
		const found = new Set(rows.rows.map((r) => `${r.customer_id}|${r.currency}`));
		for (const [k] of missing) this.creditNoteCustomers.set(k, found.has(k));
	}

	async loadAccounts(keys: string[]): Promise<void> {
		const missing = [...new Set(keys)].filter((k) => k && !this.accounts.has(k));
		if (!missing.length) return;
		const rows = await this.client.query<{ account: string; customer_id: string; shared: boolean }>(
			'SELECT account, customer_id, shared FROM customer_bank_accounts WHERE account = ANY($1::text[])',
			[missing],
		);
		for (const k of missing) this.accounts.set(k, null);
		for (const r of rows.rows)
			this.accounts.set(r.account, { customerId: r.customer_id, shared: r.shared });
	}

	async loadPayerNames(keys: string[]): Promise<void> {
		const missing = [...new Set(keys)].filter((k) => k && !this.payerNames.has(k));
		if (!missing.length) return;
		const rows = await this.client.query<{
			name_key: string;
			customer_id: string;
			shared: boolean;
		}>(
			'SELECT name_key, customer_id, shared FROM customer_payer_names WHERE name_key = ANY($1::text[])',
			[missing],
		);
		for (const k of missing) this.payerNames.set(k, null);
		for (const r of rows.rows)
			this.payerNames.set(r.name_key, { customerId: r.customer_id, shared: r.shared });
	}

	/** Loads at once what the rules may read for these payments: a few queries instead of several per payment. */
	async preload(payments: DatedPayment[]): Promise<void> {
		const keys = new Set<string>();
		const textKeys = new Set<string>();
		const accounts = new Set<string>();
		const payerNames = new Set<string>();
		for (const p of payments) {
			const explicit = [
				...(p.extra.invoiceNumbers ?? []),
				...(p.reference_text ? creditorReferencesIn(p.reference_text) : []),
			];
			for (const k of explicit.map(invoiceNumberKey)) if (k) keys.add(k);
			if (p.reference_text) {
				for (const k of referenceCandidates(p.reference_text).keys) {
					keys.add(k);
					textKeys.add(k);
				}
			}
			if (p.extra.counterpartyAccount) accounts.add(normaliseAccount(p.extra.counterpartyAccount));
			const nameKey = p.payer_name ? normaliseCompanyName(p.payer_name) : '';
			if (nameKey) payerNames.add(nameKey);
		}
		await this.loadKeys([...keys]);
		await this.loadCreditNoteKeys([...textKeys]);
		await this.loadAccounts([...accounts]);
		await this.loadPayerNames([...payerNames]);
		// The customers the payers probably are, whose open invoices the amount rules read.
		const pairs: Array<[string, string]> = [];
		for (const p of payments) {
			const account = p.extra.counterpartyAccount
				? this.accounts.get(normaliseAccount(p.extra.counterpartyAccount))
				: null;
			let customerId =
				p.customer_id ?? (account && !account.shared ? account.customerId : undefined);
			if (!customerId && p.payer_name) {
				const { ids } = await this.matchPayerName(p.payer_name);
				const learned = this.payerNames.get(normaliseCompanyName(p.payer_name));
				customerId =
					ids.length === 1 ? ids[0] : learned && !learned.shared ? learned.customerId : undefined;
			}
			if (customerId) pairs.push([customerId, p.currency]);
		}
		await this.loadOpen(pairs);
		await this.loadCreditNoteCustomers(pairs);
	}

	/** Records in memory, and for the ledger, the allocations a plan decided for a payment. */
	applyLines(
		payment: DatedPayment,
		planned: Array<{ invoice: InvoiceRow; amount: bigint; method: AllocationLine['method'] }>,
		actor: string,
	): { lines: AllocationLine[]; paidInvoiceIds: string[] } {
		const lines: AllocationLine[] = [];
		const paidInvoiceIds: string[] = [];
		for (const line of planned) {
			const invoice = line.invoice;
			const before = BigInt(invoice.open_minor);
			const after = before - line.amount;
			invoice.open_minor = after.toString();
			if (after === 0n) {
				invoice.status = 'paid';
				this.paidAt.set(invoice.id, payment.received_on);
			}
			this.open.get(`${invoice.customer_id}|${invoice.currency}`)?.changed(invoice, before);
			this.invoiceUpdates.set(invoice.id, invoice);
			this.allocations.push([
				payment.id,
				invoice.id,
				line.amount.toString(),
				line.method,
				payment.appliesOn,
			]);
			lines.push({
				invoiceId: invoice.id,
				invoiceNumber: invoice.number,
				amountMinor: line.amount,
				method: line.method,
				invoiceOpenMinor: after,
				invoiceStatus: invoice.status,
			});
			const allocated = allocatedEvent(payment, line.amount, invoice.number, line.method);
			this.history.push([
				invoice.customer_id,
				invoice.id,
				'payment_allocated',
				actor,
				allocated.summary,
				null,
				JSON.stringify({
					paymentId: payment.id,
					amountMinor: line.amount.toString(),
					method: line.method,
					openMinor: invoice.open_minor,
					timeline: allocated.timeline,
				}),
			]);
			if (invoice.status === 'paid' && after === 0n) {
				paidInvoiceIds.push(invoice.id);
				const paid = paidEvent(payment, invoice.number);
				this.history.push([
					invoice.customer_id,
					invoice.id,
					'invoice_paid',
					actor,
					paid.summary,
					null,
					JSON.stringify({
						paymentId: payment.id,
						paidOn: payment.received_on,
						timeline: paid.timeline,
					}),
				]);
			}
		}
		return { lines, paidInvoiceIds };
	}

	recordHistory(row: HistoryRow): void {
		this.history.push(row);
	}

	updatePayment(
		day: string,
		row: [string, string | null, string, string, string | null, string],
	): void {
		this.paymentUpdates.push({ day, row });
	}

	/** Remembers the payer's account for the customer (see learnPayerAccount): shared once it paid for another. */
	learnAccount(
		account: string | undefined,
		customerId: string,
		paymentId: string,
		actor: string,
	): void {
		if (!account) return;
		const key = normaliseAccount(account);
		if (!key) return;
		const known = this.accounts.get(key);
		if (!known) this.accounts.set(key, { customerId, shared: false });
		else if (known.customerId !== customerId) known.shared = true;
		const pending = this.learned.get(key);
		if (!pending) this.learned.set(key, { customerId, paymentId, actor, shared: false });
		else if (pending.customerId !== customerId) pending.shared = true;
	}

	/** Writes what was decided, in a few multi-row statements. */
	async flush(): Promise<void> {
		const client = this.client;
		if (this.allocations.length) {
			const a = this.allocations;
			await client.query(
				`INSERT INTO allocations (payment_id, invoice_id, amount_minor, method, applied_on)
				SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::date[])
				ON CONFLICT (payment_id, invoice_id, applied_on) DO UPDATE SET amount_minor = allocations.amount_minor + EXCLUDED.amount_minor`,
				[
					a.map((r) => r[0]),
					a.map((r) => r[1]),
					a.map((r) => r[2]),
					a.map((r) => r[3]),
					a.map((r) => r[4]),
				],
			);
		}
		if (this.invoiceUpdates.size) {
			const rows = [...this.invoiceUpdates.values()];
			await client.query(
				`UPDATE invoices i SET open_minor = v.open_minor, status = v.status, paid_at = COALESCE(v.paid_at, i.paid_at), updated_at = now()
				FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::date[]) AS v(id, open_minor, status, paid_at) WHERE i.id = v.id`,
				[
					rows.map((r) => r.id),
					rows.map((r) => r.open_minor),
					rows.map((r) => r.status),
					rows.map((r) => this.paidAt.get(r.id) ?? null),
				],
			);
		}
		if (this.paymentUpdates.length) {
			// Each payment's new state takes effect the day its allocation does (receivables.effective_on, as withEffectiveDay).
			const before = await client.query<{ v: string | null }>(
				"SELECT current_setting('receivables.effective_on', true) AS v",
			);
			const days = [...new Set(this.paymentUpdates.map((u) => u.day))];
			for (const day of days) {
				const rows = this.paymentUpdates.filter((u) => u.day === day).map((u) => u.row);
				await client.query("SELECT set_config('receivables.effective_on', $1, true)", [day]);
				await client.query(
					`UPDATE payments p SET customer_id = COALESCE(v.customer_id, p.customer_id), unapplied_minor = v.unapplied_minor, status = v.status,
						flag_reason = v.flag_reason, flag_details = v.flag_details, allocated_at = now()
					FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[]) AS v(id, customer_id, unapplied_minor, status, flag_reason, flag_details)
					WHERE p.id = v.id`,
					[
						rows.map((r) => r[0]),
						rows.map((r) => r[1]),
						rows.map((r) => r[2]),
						rows.map((r) => r[3]),
						rows.map((r) => r[4]),
						rows.map((r) => r[5]),
					],
				);
			}
			await client.query("SELECT set_config('receivables.effective_on', $1, true)", [
				before.rows[0]?.v ?? '',
			]);
		}
		if (this.history.length) {
			const h = this.history;
			await client.query(
				`INSERT INTO history (customer_id, invoice_id, kind, actor, summary, content_hash, payload)
				SELECT customer_id, invoice_id, kind, actor, summary, content_hash, payload
				FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) WITH ORDINALITY
					AS h(customer_id, invoice_id, kind, actor, summary, content_hash, payload, ord)
				ORDER BY ord`,
				[
					h.map((r) => r[0]),
					h.map((r) => r[1]),
					h.map((r) => r[2]),
					h.map((r) => r[3]),
					h.map((r) => r[4]),
					h.map((r) => r[5]),
					h.map((r) => r[6]),
				],
			);
		}
		if (this.learned.size) {
			const l = [...this.learned.entries()];
			await client.query(
				`INSERT INTO customer_bank_accounts (account, customer_id, learned_from, learned_by, shared)
				SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::boolean[])
				ON CONFLICT (account) DO UPDATE SET shared = customer_bank_accounts.shared OR customer_bank_accounts.customer_id <> EXCLUDED.customer_id OR EXCLUDED.shared`,
				[
					l.map(([k]) => k),
					l.map(([, v]) => v.customerId),
					l.map(([, v]) => v.paymentId),
					l.map(([, v]) => v.actor),
					l.map(([, v]) => v.shared),
				],
			);
		}
		this.allocations = [];
		this.invoiceUpdates.clear();
		this.paidAt.clear();
		this.paymentUpdates = [];
		this.history = [];
		this.learned.clear();
	}
}

type BatchOptions = StorePaymentsOptions & {
	offset?: number;
	names?: PayerNameIndex;
	/** Payments per chunk (default 2,000). */ chunkSize?: number;
};

/**
 * Stores and allocates payments inside the caller's transaction, in chunks, with the outcome storePaymentsWith gives
 * (same statuses, allocations, flags, history and learned accounts), in a few statements per chunk. Deadlocks and
 * serialisation failures are re-thrown so the caller can retry the whole transaction.
 */
export async function storePaymentsBatched(
	client: PoolClient,
	payments: PaymentInput[],
	options: BatchOptions = {},
): Promise<PaymentOutcome[]> {
	const names = options.names ?? new PayerNameIndex();
	const state = new BatchState(client, names);
	const outcomes: PaymentOutcome[] = [];
	const chunk = Math.max(1, options.chunkSize ?? CHUNK);
	for (let start = 0; start < payments.length; start += chunk) {
		const slice = payments.slice(start, start + chunk);
		const offset = (options.offset ?? 0) + start;
		await client.query('SAVEPOINT payments_batch');
		try {
			outcomes.push(...(await storeChunk(client, state, slice, offset, { ...options, names })));
			await client.query('RELEASE SAVEPOINT payments_batch');
		} catch (error) {
			await client.query('ROLLBACK TO SAVEPOINT payments_batch');
			const code = (error as { code?: unknown })?.code;
			if (
				isTransient(error) ||
				!(
					error instanceof ChunkFallback ||
					(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
				)
			)
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
				throw error;
			state.reset();
			outcomes.push(...(await storePaymentsWith(client, slice, { ...options, offset, names })));
			await client.query('RELEASE SAVEPOINT payments_batch');
		}
	}
	return outcomes;
}

async function storeChunk(
	client: PoolClient,
	state: BatchState,
	payments: PaymentInput[],
	offset: number,
	options: BatchOptions & { names: PayerNameIndex },
): Promise<PaymentOutcome[]> {
	const outcomes: PaymentOutcome[] = new Array(payments.length);
	const actor = options.actor ?? 'intake';
	const valid: Array<{
		i: number;
		payment: PaymentInput;
		source: string;
		hash: string;
		extra: Record<string, unknown>;
	}> = [];
	const seen = new Set<string>();
	for (const [i, payment] of payments.entries()) {
		const source = payment.source ?? DEFAULT_SOURCE;
		const base = { index: offset + i, source, externalRef: payment.externalRef };
		if (!payment.externalRef || !payment.externalRef.trim()) {
			outcomes[i] = {
				...base,
				status: 'rejected',
				error: {
					code: 'PAYMENT_NO_REFERENCE',
					message: 'The payment has no external reference.',
					messageFr: "Le paiement n'a pas de référence externe.",
					hint: 'Map the bank transaction id (or statement line reference) to externalRef.',
					hintFr:
						"Associez l'identifiant d'opération bancaire (ou la référence de la ligne de relevé) au champ externalRef.",
				},
			};
			continue;
		}
		if (payment.amountMinor <= 0n) {
			outcomes[i] = {
				...base,
				status: 'rejected',
				error: {
					code: 'PAYMENT_NOT_POSITIVE',
					message: 'A payment received has a positive amount.',
					messageFr: 'Un paiement reçu a un montant positif.',
					hint: 'Leave out debit lines and refunds.',
					hintFr: 'Écartez les lignes au débit et les remboursements.',
				},
			};
			continue;
		}
		// The same line twice in one batch: the second reads what the first became; the per-payment way says it.
		const key = `${source}\u0000${payment.externalRef}`;
		if (seen.has(key)) throw new ChunkFallback();
		seen.add(key);
		const extra = {
			...(payment.extra ?? {}),
			...(payment.customerExternalId ? { customerCode: payment.customerExternalId } : {}),
			...(payment.invoiceNumbers?.length ? { invoiceNumbers: payment.invoiceNumbers } : {}),
		};
		valid.push({ i, payment, source, hash: paymentContentHash(payment), extra });
	}
	if (!valid.length) return outcomes;

	const codes = [
		...new Set(valid.map((v) => v.payment.customerExternalId).filter((c): c is string => !!c)),
	];
	const customerOfCode = new Map<string, string>();
	if (codes.length) {
		const rows = await client.query<{ id: string; external_id: string }>(
			'SELECT id, external_id FROM customers WHERE external_id = ANY($1::text[])',
			[codes],
		);
		for (const r of rows.rows) customerOfCode.set(r.external_id, r.id);
	}
	const customerIdOf = (p: PaymentInput) =>
		p.customerExternalId ? (customerOfCode.get(p.customerExternalId) ?? null) : null;

	const inserted = await client.query<{
		id: string;
		source: string;
		external_ref: string;
		received_on: string;
		created_at: Date;
	}>(
		`INSERT INTO payments (source, external_ref, customer_id, amount_minor, unapplied_minor, currency, received_on, payer_name, reference_text, status, content_hash, extra)
		SELECT source, external_ref, customer_id, amount_minor, amount_minor, currency, received_on, payer_name, reference_text, 'unapplied', content_hash, extra
		FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::date[], $7::text[], $8::text[], $9::text[], $10::jsonb[]) WITH ORDINALITY
			AS t(source, external_ref, customer_id, amount_minor, currency, received_on, payer_name, reference_text, content_hash, extra, ord)
		ORDER BY ord
		ON CONFLICT (source, external_ref) DO NOTHING
		RETURNING id, source, external_ref, received_on::text, created_at`,
		[
			valid.map((v) => v.source),
			valid.map((v) => v.payment.externalRef),
			valid.map((v) => customerIdOf(v.payment)),
			valid.map((v) => v.payment.amountMinor.toString()),
			valid.map((v) => v.payment.currency),
			valid.map((v) => v.payment.receivedOn),
			valid.map((v) => v.payment.payerName ?? null),
			valid.map((v) => v.payment.referenceText ?? null),
			valid.map((v) => v.hash),
			valid.map((v) => JSON.stringify(v.extra)),
		],
	);
	const newRows = new Map(inserted.rows.map((r) => [`${r.source}\u0000${r.external_ref}`, r]));

	// Lines stored before: unchanged (or a conflict when their content differs), as they are in the ledger.
	const old = valid.filter((v) => !newRows.has(`${v.source}\u0000${v.payment.externalRef}`));
	if (old.length) {
		const rows = await client.query<
			PaymentRow & { content_hash: string; customer_code: string | null }
		>(
			`SELECT p.id, p.source, p.external_ref, p.customer_id, p.amount_minor, p.unapplied_minor, p.currency, p.received_on::text, p.payer_name,
				p.reference_text, p.status, p.flag_reason, p.flag_details, p.extra, p.created_at, p.content_hash, c.external_id AS customer_code
			FROM payments p LEFT JOIN customers c ON c.id = p.customer_id
			WHERE (p.source, p.external_ref) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
			[old.map((v) => v.source), old.map((v) => v.payment.externalRef)],
		);
		const byRef = new Map(rows.rows.map((r) => [`${r.source}\u0000${r.external_ref}`, r]));
		for (const v of old) {
			const row = byRef.get(`${v.source}\u0000${v.payment.externalRef}`);
			if (!row) throw new ChunkFallback();
			const base = {
				index: offset + v.i,
				source: v.source,
				externalRef: v.payment.externalRef,
				paymentId: row.id,
			};
			outcomes[v.i] =
				row.content_hash !== v.hash
					? {
							...base,
							status: 'rejected',
							error: {
								code: 'PAYMENT_CONFLICT',
								message: `Payment ${v.source}/${v.payment.externalRef} is already in the ledger with a different amount, date or reference.`,
								messageFr: `Le paiement ${v.source}/${v.payment.externalRef} est déjà dans le grand livre avec un autre montant, une autre date ou une autre référence.`,
								hint: 'Payments are never rewritten: give a corrected line a new reference, or correct the ledger by hand.',
								hintFr:
									'Un paiement n’est jamais réécrit : donnez une nouvelle référence à la ligne corrigée, ou corrigez le grand livre à la main.',
							},
						}
					: { ...base, status: 'unchanged', allocation: snapshot(row, row.customer_code) };
		}
	}

	// New lines, in input order.
	// The day each allocation takes effect (allocationDay), computed once per receipt date: the payments were recorded together.
	const now = options.now ?? new Date();
	const days = new Map<string, string>();
	const dayOf = (row: PaymentRow) => {
		const key = `${row.received_on}|${row.created_at.getTime()}`;
		let found = days.get(key);
		if (found === undefined) days.set(key, (found = allocationDay(row, options.zone, now)));
		return found;
	};
	const fresh: Array<{
		i: number;
		source: string;
		row: DatedPayment;
		code: string | null;
		received: HistoryRow;
	}> = [];
	for (const v of valid) {
		const r = newRows.get(`${v.source}\u0000${v.payment.externalRef}`);
		if (!r) continue;
		const customerId = customerIdOf(v.payment);
		const row: PaymentRow = {
			id: r.id,
			source: v.source,
			external_ref: v.payment.externalRef,
			customer_id: customerId,
			amount_minor: v.payment.amountMinor.toString(),
			unapplied_minor: v.payment.amountMinor.toString(),
			currency: v.payment.currency,
			received_on: r.received_on,
			payer_name: v.payment.payerName ?? null,
			reference_text: v.payment.referenceText ?? null,
			status: 'unapplied',
			flag_reason: null,
			flag_details: {},
			extra: v.extra as PaymentRow['extra'],
			created_at: r.created_at,
		};
		const event = receivedEvent(v.payment, v.source);
		const received: HistoryRow = [
			customerId,
			null,
			'payment_received',
			actor,
			event.summary,
			v.hash,
			JSON.stringify({
				paymentId: r.id,
				payer: v.payment.payerName ?? null,
				reference: v.payment.referenceText ?? null,
				timeline: event.timeline,
			}),
		];
		fresh.push({
			i: v.i,
			source: v.source,
			row: { ...row, appliesOn: dayOf(row) },
			code: v.payment.customerExternalId && customerId ? v.payment.customerExternalId : null,
			received,
		});
	}
	if (options.allocate === false) {
		for (const f of fresh) state.recordHistory(f.received);
		await state.flush();
		for (const f of fresh)
			outcomes[f.i] = {
				index: offset + f.i,
				status: 'created',
				source: f.source,
				externalRef: f.row.external_ref,
				paymentId: f.row.id,
				allocation: snapshot(f.row, f.code),
			};
		return outcomes;
	}

	await state.preload(fresh.map((f) => f.row));
	const results = new Map<number, AllocationResult & { paidIds: string[] }>();
	for (const [n, f] of fresh.entries()) {
		const payment = f.row;
		const unapplied = BigInt(payment.unapplied_minor);
		let done: (AllocationResult & { paidIds: string[] }) | undefined;
		// History in the order the per-payment way writes it: received, then what its allocation did.
		state.recordHistory(f.received);
		try {
			done = await decide(client, state, payment, unapplied, options, actor);
		} catch (error) {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			if (!(error instanceof NeedsLedgerPath)) throw error;
		}
		if (done) {
			results.set(f.i, done);
			continue;
		}
		// A credit note or a write-off: this payment the per-payment way, on the ledger as the batch left it so far.
		await state.flush();
		await client.query('SAVEPOINT payment');
		try {
			const allocation = await allocatePaymentWith(client, payment.id, {
				actor: options.actor,
				names: options.names,
				writeOffUpTo: options.writeOffUpTo,
				zone: options.zone,
				now: options.now,
			});
			await client.query('RELEASE SAVEPOINT payment');
			outcomes[f.i] = {
				index: offset + f.i,
				status: 'created',
				source: f.source,
				externalRef: payment.external_ref,
				paymentId: payment.id,
				allocation,
			};
		} catch (error) {
			await client.query('ROLLBACK TO SAVEPOINT payment');
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- the core is free of n8n: nodes convert its errors (nodes/shared/errors.ts)
			if (isTransient(error)) throw error;
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- internal signal of the core, caught in this file
			throw new ChunkFallback(describeStoreError(error as Error).message);
		}
		state.reset();
		await state.preload(fresh.slice(n + 1).map((x) => x.row));
	}
	await state.flush();

	// What the outcomes say that only the ledger knows once written: customer codes, and the invoices paid in full.
	const customerIds = [
		...new Set([...results.values()].map((r) => r.customerId).filter((c): c is string => !!c)),
	];
	const codesById = new Map<string, string>();
	if (customerIds.length) {
		const rows = await client.query<{ id: string; external_id: string }>(
			'SELECT id, external_id FROM customers WHERE id = ANY($1::bigint[])',
			[customerIds],
		);
		for (const r of rows.rows) codesById.set(r.id, r.external_id);
	}
	const paid = new Map(
		(
			await paidEvents(
				client,
				[...results.values()].flatMap((r) => r.paidIds),
			)
		).map((e) => [e.invoiceId, e]),
	);
	for (const f of fresh) {
		const result = results.get(f.i);
		if (!result) continue;
		const { paidIds, ...allocation } = result;
		allocation.customerExternalId = result.customerId
			? (codesById.get(result.customerId) ?? null)
			: null;
		allocation.paid = paidIds
			.map((id) => paid.get(id))
			.filter((e): e is NonNullable<typeof e> => !!e);
		outcomes[f.i] = {
			index: offset + f.i,
			status: 'created',
			source: f.source,
			externalRef: f.row.external_ref,
			paymentId: f.row.id,
			allocation,
		};
	}
	return outcomes;
}

/**
 * Decides one payment by the rules against the batch's state and records what it writes (the same as allocateDated
 * writes). Throws NeedsLedgerPath, before changing anything, when the payment needs a rule that writes as it decides.
 */
async function decide(
	client: PoolClient,
	state: BatchState,
	payment: DatedPayment,
	unapplied: bigint,
	options: BatchOptions,
	actor: string,
): Promise<AllocationResult & { paidIds: string[] }> {
	const decided = await plan({ client, reader: state.reader }, payment, unapplied);
	const { remaining, status, flag: finalFlag } = settlement(payment, unapplied, decided);
	const threshold = options.writeOffUpTo?.[payment.currency];
	if (remaining === 0n && threshold !== undefined) {
		let max: bigint;
		try {
			max = parseAmount(threshold, payment.currency);
		} catch {
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- internal signal of the core, caught in this file
			throw new NeedsLedgerPath();
		}
		if (
			max > 0n &&
			decided.lines.some(
				(l) =>
					l.invoice.status === 'open' &&
					BigInt(l.invoice.open_minor) - l.amount > 0n &&
					BigInt(l.invoice.open_minor) - l.amount <= max,
			)
		) {
			throw new NeedsLedgerPath();
		}
	}
	const { lines, paidInvoiceIds } = state.applyLines(payment, decided.lines, actor);
	const customerId = decided.customerId ?? payment.customer_id;
	const flagChanged =
		(finalFlag?.code ?? null) !== payment.flag_reason || status !== payment.status;
	state.updatePayment(payment.appliesOn, [
		payment.id,
		customerId,
		remaining.toString(),
		status,
		finalFlag?.code ?? null,
		JSON.stringify(finalFlag ?? {}),
	]);
	if (finalFlag && flagChanged) {
		const flagged = flaggedEvent(payment, status, finalFlag);
		state.recordHistory([
			customerId,
			null,
			'payment_flagged',
			actor,
			flagged.summary,
			null,
			JSON.stringify({ paymentId: payment.id, ...finalFlag, timeline: flagged.timeline }),
		]);
	}
	if (lines.length > 0 && customerId)
		state.learnAccount(payment.extra.counterpartyAccount, customerId, payment.id, actor);
	return {
		paymentId: payment.id,
		status,
		customerId,
		customerExternalId: null,
		currency: payment.currency,
		amountMinor: BigInt(payment.amount_minor),
		unappliedMinor: remaining,
		allocations: lines,
		...(finalFlag ? { flag: finalFlag } : {}),
		paid: [],
		changed: lines.length > 0 || flagChanged,
		paidIds: paidInvoiceIds,
	};
}
