import { randomBytes } from 'node:crypto';
import type { Ledger } from '../../core';

/** Small, explicit ledger fixtures for the dunning tests: staff, customers and invoices written with SQL. */
export async function seedStaff(ledger: Ledger): Promise<void> {
	await ledger.query(
		`INSERT INTO staff (code, name, email, phone, roles) VALUES
		('REP1', 'Sophie Martin', 'sophie.martin@vendor.example', '+33 1 23 45 67 89', '{sales_rep}'),
		('COL1', 'Karim Benali', 'karim.benali@vendor.example', '+33 1 98 76 54 32', '{collector}'),
		('COL2', 'Awa Diop', 'awa.diop@vendor.example', NULL, '{collector}')
		ON CONFLICT (code) DO NOTHING`,
	);
}

export interface CustomerSeed {
	externalId: string;
	name?: string;
	profile?: string | null;
	language?: 'fr' | 'en';
	emails?: string[];
	ccEmails?: string[];
	emailStatus?: string;
	salesRep?: string | null;
	collector?: string | null;
	onHold?: boolean;
	holdReason?: string;
	overrides?: Record<string, unknown>;
	customFields?: Record<string, unknown>;
	addressLines?: string[];
	postalCode?: string;
	city?: string;
	phone?: string | null;
}

export async function addCustomer(ledger: Ledger, c: CustomerSeed): Promise<string> {
	const rows = await ledger.query<{ id: string }>(
		`INSERT INTO customers (external_id, name, profile, language, emails, cc_emails, email_status, sales_rep_code,
			collector_code, on_hold, hold_reason, policy_overrides, custom_fields, address_lines, postal_code, city, phone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		[
			c.externalId,
			c.name ?? c.externalId,
			c.profile === undefined ? 'standard' : c.profile,
			c.language ?? 'fr',
			c.emails ?? [`compta@${c.externalId.toLowerCase()}.example`],
			c.ccEmails ?? [],
			c.emailStatus ?? 'ok',
			c.salesRep === undefined ? 'REP1' : c.salesRep,
			c.collector === undefined ? 'COL1' : c.collector,
			c.onHold ?? false,
			c.holdReason ?? null,
			JSON.stringify(c.overrides ?? {}),
			JSON.stringify(c.customFields ?? {}),
			c.addressLines ?? ['12 rue de la Paix'],
			c.postalCode ?? '75002',
			c.city ?? 'Paris',
			c.phone ?? null,
		],
	);
	return rows[0].id;
}

export interface InvoiceSeed {
	customerId: string;
	number?: string;
	dueDate: string;
	issueDate?: string;
	amount?: bigint;
	open?: bigint;
	currency?: string;
	status?: 'open' | 'paid' | 'credited' | 'cancelled';
	paidAt?: string | null;
	docType?: 'invoice' | 'credit_note';
	extra?: Record<string, unknown>;
}

export async function addInvoice(ledger: Ledger, inv: InvoiceSeed): Promise<string> {
	const amount = inv.amount ?? 120000n;
	const status = inv.status ?? 'open';
	const rows = await ledger.query<{ id: string }>(
		`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_tax_minor, total_incl_minor, payable_minor,
			open_minor, issue_date, due_date, status, paid_at, content_hash, doc_type, extra)
		VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		[
			inv.number ?? `F-${randomBytes(4).toString('hex')}`,
			inv.customerId,
			inv.currency ?? 'EUR',
			(amount * 5n) / 6n,
			amount - (amount * 5n) / 6n,
			amount,
			(inv.open ?? (status === 'open' ? amount : 0n)).toString(),
			inv.issueDate ?? '2025-01-02',
			inv.dueDate,
			status,
			inv.paidAt ?? null,
			randomBytes(8).toString('hex'),
			inv.docType ?? 'invoice',
			JSON.stringify(inv.extra ?? {}),
		],
	);
	return rows[0].id;
}
