import type { Ledger } from '../../ledger/ledger';
import { storeInvoices } from '../../ledger/invoices';
import { upsertCustomers } from '../../ledger/customers';
import type { CustomerInput, LedgerInvoice, StoreStatus } from '../../ledger/types';
import type { Anomaly } from '../anomaly';
import type { InvoiceParty, ParsedInvoice } from '../parse/types';
import { isUsableEmail } from './identifiers';
import { checkAgainstLedger, resolveCustomerIds } from './ledger';
import { prepareInvoice, type PrepareOptions, type PreparedInvoice } from './prepare';

export interface StoreParsedOptions extends PrepareOptions {
	/** Create a minimal customer for an unknown customer code instead of rejecting the invoice. */
	createMissingCustomers?: boolean;
	/** Invoices per ledger transaction. */
	batchSize?: number;
	actor?: string;
}

export interface ParsedOutcome {
	parsed: ParsedInvoice;
	/** What was stored (or would have been): absent when the invoice was rejected before the ledger. */
	invoice?: LedgerInvoice;
	status: StoreStatus;
	id?: string;
	revision?: number;
	/** Every anomaly: the blocking ones say why it was rejected, the others ride along as warnings. */
	anomalies: Anomaly[];
	/** A ledger refusal that is not an anomaly (a database constraint). */
	error?: { code: string; message: string; hint?: string; messageFr?: string; hintFr?: string };
}

/** Unknown customers are created with what the invoice says about its buyer (name, SIREN, VAT number, e-mail, address). */
async function createCustomersFromBuyers(
	ledger: Ledger,
	buyers: Array<{ code: string; buyer: InvoiceParty }>,
): Promise<void> {
	const codes = [...new Set(buyers.map((b) => b.code))];
	const known = new Set(
		(
			await ledger.query<{ external_id: string }>(
				'SELECT external_id FROM customers WHERE external_id = ANY($1::text[])',
				[codes],
			)
		).map((r) => r.external_id),
	);
	const newcomers = new Map<string, CustomerInput>();
	for (const { code, buyer } of buyers) {
		if (known.has(code) || newcomers.has(code)) continue;
		const customer: CustomerInput = {
			externalId: code,
			name: buyer.name ?? buyer.tradingName ?? code,
		};
		if (buyer.name) customer.legalName = buyer.name;
		if (buyer.siren) customer.siren = buyer.siren;
		if (buyer.vatId) customer.vatNumber = buyer.vatId;
		if (isUsableEmail(buyer.email)) customer.emails = [(buyer.email as string).trim()];
		if (buyer.address?.lines.length) customer.addressLines = buyer.address.lines;
		if (buyer.address?.postalCode) customer.postalCode = buyer.address.postalCode;
		if (buyer.address?.city) customer.city = buyer.address.city;
		if (buyer.address?.country && /^[A-Z]{2}$/.test(buyer.address.country))
			customer.country = buyer.address.country;
		newcomers.set(code, customer);
	}
	if (newcomers.size) await upsertCustomers(ledger, [...newcomers.values()]);
}

/**
 * The first stage of storeParsedInvoices: finds each buyer in the customer file and checks the invoices on
 * their own (rules, company settings). Writes nothing, so the next batch of a file can go through it while the
 * ledger stores the current one, unless missing customers are created (a batch may create the customers the
 * next one is matched to).
 */
export async function prepareParsedInvoices(
	ledger: Ledger,
	parsed: ParsedInvoice[],
	options: StoreParsedOptions = {},
): Promise<PreparedInvoice[]> {
	const ids = options.customerId
		? parsed.map(() => options.customerId)
		: await resolveCustomerIds(ledger, parsed);
	const prepared: PreparedInvoice[] = new Array(parsed.length);
	// One options object per customer of the batch, not one per invoice.
	const byCustomer = new Map<string | undefined, StoreParsedOptions>();
	for (let k = 0; k < parsed.length; k++) {
		let own = byCustomer.get(ids[k]);
		if (!own) byCustomer.set(ids[k], (own = { ...options, customerId: ids[k] }));
		prepared[k] = prepareInvoice(parsed[k], own);
	}
	return prepared;
}

/**
 * The second stage: checks prepared invoices against the ledger (duplicates, customer file) and stores the
 * accepted ones idempotently in batches. Returns one outcome per prepared invoice, in order.
 */
export async function storePreparedInvoices(
	ledger: Ledger,
	prepared: PreparedInvoice[],
	options: StoreParsedOptions = {},
): Promise<ParsedOutcome[]> {
	await checkAgainstLedger(ledger, prepared, options);
	// The outcomes are built once the ledger has answered, so that they do not live through its round trips.
	const outcomesOf = (): ParsedOutcome[] =>
		prepared.map((p) => ({
			parsed: p.parsed,
			invoice: p.invoice,
			status: 'rejected',
			anomalies: p.anomalies,
		}));
	const toStore: Array<{ k: number; invoice: LedgerInvoice }> = [];
	for (let k = 0; k < prepared.length; k++) {
		const invoice = prepared[k].invoice;
		if (invoice) toStore.push({ k, invoice });
	}
	if (!toStore.length) return outcomesOf();
	if (options.createMissingCustomers)
		await createCustomersFromBuyers(
			ledger,
			toStore.map((s) => ({
				code: s.invoice.customerExternalId,
				buyer: prepared[s.k].parsed.buyer,
			})),
		);
	const stored = await storeInvoices(
		ledger,
		toStore.map((s) => s.invoice),
		{
			createMissingCustomers: options.createMissingCustomers,
			batchSize: options.batchSize,
			actor: options.actor,
		},
	);
	const outcomes = outcomesOf();
	for (const outcome of stored) {
		const target = outcomes[toStore[outcome.index].k];
		target.status = outcome.status;
		target.id = outcome.id;
		target.revision = outcome.revision;
		if (outcome.error) target.error = outcome.error;
	}
	return outcomes;
}

/**
 * The whole intake of parsed invoices: finds each buyer in the customer file (code, SIREN, VAT number), checks
 * the invoices (rules, company settings), checks them against the ledger (duplicates, customer file) and stores
 * the accepted ones idempotently in batches. Returns one outcome per parsed invoice, in order.
 */
export async function storeParsedInvoices(
	ledger: Ledger,
	parsed: ParsedInvoice[],
	options: StoreParsedOptions = {},
): Promise<ParsedOutcome[]> {
	return storePreparedInvoices(
		ledger,
		await prepareParsedInvoices(ledger, parsed, options),
		options,
	);
}
