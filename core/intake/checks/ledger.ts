import type { Ledger } from '../../ledger/ledger';
import type { LedgerInvoice } from '../../ledger/types';
import { hasBlocking, type Anomaly } from '../anomaly';
import { intakeError } from '../parse/errors';
import type { ParsedInvoice } from '../parse/types';
import {
	applyRuleSettings,
	isFrenchSeller,
	validateRuleSettings,
	type CheckOptions,
} from './check';
import { isUsableEmail, sirenFromFrenchVat } from './identifiers';
import type { PreparedInvoice } from './prepare';
import { ruleAnomaly } from './rules';

/** Key of the company's intake settings in the ledger `settings` table. */
export const INTAKE_SETTINGS_KEY = 'intake.rules';

/** What a company sets once for all its intake: rule severities, French rules, company profile, legal cap. */
export type IntakeSettings = Pick<CheckOptions, 'rules' | 'frenchRules' | 'company' | 'legalCap'>;

function validateSettings(value: unknown): IntakeSettings {
	if (value === null || value === undefined) return {};
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw intakeError(
			'INTAKE_RULES_INVALID',
			`The setting ${INTAKE_SETTINGS_KEY} is not an object.`,
			`Le réglage ${INTAKE_SETTINGS_KEY} n'est pas un objet.`,
			'Store {"rules": {"CODE": "block" | "warn" | "off"}, "frenchRules": "auto", "company": {"country": "FR"}}.',
			'Enregistrez {"rules": {"CODE": "block" | "warn" | "off"}, "frenchRules": "auto", "company": {"country": "FR"}}.',
		);
	}
	const v = value as Record<string, unknown>;
	const settings: IntakeSettings = { rules: validateRuleSettings(v.rules) };
	if (v.frenchRules === 'auto' || v.frenchRules === 'always' || v.frenchRules === 'never')
		settings.frenchRules = v.frenchRules;
	if (v.company && typeof v.company === 'object')
		settings.company = v.company as IntakeSettings['company'];
	if (v.legalCap && typeof v.legalCap === 'object')
		settings.legalCap = v.legalCap as IntakeSettings['legalCap'];
	return settings;
}

/** The company's intake settings stored in the ledger (settings key `intake.rules`), or {} when none. */
export async function loadIntakeSettings(ledger: Ledger): Promise<IntakeSettings> {
	const rows = await ledger.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [
		INTAKE_SETTINGS_KEY,
	]);
	return validateSettings(rows[0]?.value);
}

export async function saveIntakeSettings(ledger: Ledger, settings: IntakeSettings): Promise<void> {
	const valid = validateSettings(settings);
	await ledger.query(
		`INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
		[INTAKE_SETTINGS_KEY, JSON.stringify(valid)],
	);
}

/** Settings of the ledger overridden by those of the call (node options): rules merge code by code. */
export function mergeIntakeSettings(
	base: IntakeSettings,
	override: IntakeSettings,
): IntakeSettings {
	return {
		rules: { ...base.rules, ...override.rules },
		frenchRules: override.frenchRules ?? base.frenchRules,
		company: { ...base.company, ...override.company },
		legalCap: { ...base.legalCap, ...override.legalCap },
	};
}

/**
 * The customer code of each parsed invoice in the customer file: the buyer identifier when it is a known
 * customer code, else the customer with the buyer's SIREN, else with its VAT number. Undefined when none
 * matches (the invoice's own code is then used).
 */
export async function resolveCustomerIds(
	ledger: Ledger,
	invoices: ParsedInvoice[],
): Promise<Array<string | undefined>> {
	const ids = new Set<string>();
	const sirens = new Set<string>();
	const vats = new Set<string>();
	for (const inv of invoices) {
		if (inv.buyer.id) ids.add(inv.buyer.id);
		const siren = inv.buyer.siren ?? sirenFromFrenchVat(inv.buyer.vatId);
		if (siren) sirens.add(siren);
		if (inv.buyer.vatId) vats.add(inv.buyer.vatId.replace(/\s/g, '').toUpperCase());
	}
	if (!ids.size && !sirens.size && !vats.size) return invoices.map(() => undefined);
	const rows = await ledger.query<{
		external_id: string;
		siren: string | null;
		vat: string | null;
	}>(
		`SELECT external_id, siren, upper(replace(vat_number, ' ', '')) AS vat FROM customers
		 WHERE external_id = ANY($1::text[]) OR siren = ANY($2::text[]) OR upper(replace(vat_number, ' ', '')) = ANY($3::text[])
		 ORDER BY external_id`,
		[[...ids], [...sirens], [...vats]],
	);
	const byId = new Set(rows.map((r) => r.external_id));
	const bySiren = new Map<string, string>();
	const byVat = new Map<string, string>();
	for (const r of rows) {
		if (r.siren && !bySiren.has(r.siren)) bySiren.set(r.siren, r.external_id);
		if (r.vat && !byVat.has(r.vat)) byVat.set(r.vat, r.external_id);
	}
	return invoices.map((inv) => {
		if (inv.buyer.id && byId.has(inv.buyer.id)) return inv.buyer.id;
		const siren = inv.buyer.siren ?? sirenFromFrenchVat(inv.buyer.vatId);
		if (siren && bySiren.has(siren)) return bySiren.get(siren);
		const vat = inv.buyer.vatId?.replace(/\s/g, '').toUpperCase();
		return vat ? byVat.get(vat) : undefined;
	});
}

/**
 * Invoice numbers must be unique per issuer: a number already in the ledger (or earlier in the same batch)
 * for another customer or another issue date is a duplicate. The same document sent again, or a corrected
 * revision (same customer and date), is not.
 */
export async function checkDuplicates(
	ledger: Ledger,
	invoices: LedgerInvoice[],
): Promise<Anomaly[][]> {
	const rows = invoices.length ? (await loadLedgerRows(ledger, invoices, false)).numbers : [];
	return duplicateAnomalies(invoices, rows);
}

interface NumberRow {
	issuer: string;
	doc_type: string;
	number: string;
	external_id: string;
	issue_date: string;
}

function duplicateAnomalies(invoices: LedgerInvoice[], rows: NumberRow[]): Anomaly[][] {
	const out: Anomaly[][] = invoices.map(() => []);
	const key = (i: LedgerInvoice): string =>
		`${i.issuer ?? 'default'}\u0000${i.docType}\u0000${i.number}`;
	const seen = new Map<string, LedgerInvoice>();
	const describe = (customer: string, date: string): string => `${customer}, ${date}`;
	invoices.forEach((inv, i) => {
		const earlier = seen.get(key(inv));
		if (
			earlier &&
			(earlier.customerExternalId !== inv.customerExternalId || earlier.issueDate !== inv.issueDate)
		) {
			out[i].push(
				ruleAnomaly('DUPLICATE_NUMBER', 'number', {
					number: inv.number,
					issuer: inv.issuer ?? 'default',
					docTypeEn: inv.docType === 'credit_note' ? 'credit note' : 'invoice',
					other: describe(earlier.customerExternalId, earlier.issueDate),
				}),
			);
		} else if (!earlier) seen.set(key(inv), inv);
	});
	if (!invoices.length) return out;
	const existing = new Map(rows.map((r) => [`${r.issuer}\u0000${r.doc_type}\u0000${r.number}`, r]));
	invoices.forEach((inv, i) => {
		const row = existing.get(key(inv));
		if (
			row &&
			(row.external_id !== inv.customerExternalId || row.issue_date !== inv.issueDate) &&
			!out[i].length
		) {
			out[i].push(
				ruleAnomaly('DUPLICATE_NUMBER', 'number', {
					number: inv.number,
					issuer: inv.issuer ?? 'default',
					docTypeEn: inv.docType === 'credit_note' ? 'credit note' : 'invoice',
					other: describe(row.external_id, row.issue_date),
				}),
			);
		}
	});
	return out;
}

interface CustomerRow {
	external_id: string;
	name: string;
	siren: string | null;
	vat_number: string | null;
	emails: string[];
	email_status: string;
	address_lines: string[];
	postal_code: string | null;
	city: string | null;
	country: string;
}

/**
 * The customer file behind each invoice: unknown customer (blocks, or warns when missing customers are
 * created), incomplete file (address, SIREN of French customers), no usable e-mail (the reminders will go by
 * post), and buyer SIREN/VAT on the invoice that contradict the file.
 */
export async function checkCustomers(
	ledger: Ledger,
	invoices: LedgerInvoice[],
	parsed: Array<ParsedInvoice | undefined> = [],
	options: { createMissingCustomers?: boolean } = {},
): Promise<Anomaly[][]> {
	const rows = invoices.length ? (await loadLedgerRows(ledger, invoices, true)).customers : [];
	return customerAnomalies(invoices, rows, parsed, options);
}

/**
 * What the ledger checks read, in one round trip: the documents already holding the batch's numbers (one probe
 * of the unique key per document: LATERAL … LIMIT 1 cannot become a join over the whole table, so the cost follows
 * the batch whatever the size of the ledger and the freshness of its statistics) and, when asked, the customer
 * file of the batch's customers.
 */
async function loadLedgerRows(
	ledger: Ledger,
	invoices: LedgerInvoice[],
	withCustomers: boolean,
	withNumbers = !withCustomers,
): Promise<{ numbers: NumberRow[]; customers: CustomerRow[] }> {
	const [row] = await ledger.query<{
		numbers: NumberRow[] | null;
		customers: CustomerRow[] | null;
	}>(
		`SELECT
		  (SELECT json_agg(d) FROM (
		    SELECT i.issuer, i.doc_type, i.number, c.external_id, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date
		    FROM unnest($1::text[], $2::text[], $3::text[]) AS k(issuer, doc_type, number)
		    CROSS JOIN LATERAL (SELECT i.issuer, i.doc_type, i.number, i.customer_id, i.issue_date FROM invoices i
		      WHERE i.issuer = k.issuer AND i.doc_type = k.doc_type AND i.number = k.number LIMIT 1) i
		    JOIN customers c ON c.id = i.customer_id) d) AS numbers,
		  (SELECT json_agg(f) FROM (
		    SELECT external_id, name, siren, vat_number, emails, email_status, address_lines, postal_code, city, country
		    FROM customers WHERE external_id = ANY($4::text[])) f) AS customers`,
		[
			withNumbers ? invoices.map((i) => i.issuer ?? 'default') : [],
			withNumbers ? invoices.map((i) => i.docType) : [],
			withNumbers ? invoices.map((i) => i.number) : [],
			withCustomers ? [...new Set(invoices.map((i) => i.customerExternalId))] : [],
		],
	);
	return { numbers: row?.numbers ?? [], customers: row?.customers ?? [] };
}

function customerAnomalies(
	invoices: LedgerInvoice[],
	rows: CustomerRow[],
	parsed: Array<ParsedInvoice | undefined>,
	options: { createMissingCustomers?: boolean },
): Anomaly[][] {
	const byCode = new Map(rows.map((r) => [r.external_id, r]));
	// What the customer file lacks is the same for every invoice of that customer: the anomalies are built once
	// per customer of the batch and shared (anomalies are never modified once built), so a bulk file of a
	// thousand customers builds a thousand of them, not one per row.
	const ofFile = new Map<string, Anomaly[]>();
	const fileAnomalies = (customer: CustomerRow): Anomaly[] => {
		let list = ofFile.get(customer.external_id);
		if (list) return list;
		list = [];
		const missingEn: string[] = [];
		const missingFr: string[] = [];
		if (!customer.address_lines.length || !customer.city || !customer.postal_code) {
			missingEn.push('postal address');
			missingFr.push('adresse postale');
		}
		if (customer.country === 'FR' && !customer.siren) {
			missingEn.push('SIREN');
			missingFr.push('SIREN');
		}
		if (missingEn.length)
			list.push(
				ruleAnomaly('CUSTOMER_INCOMPLETE', 'customer', {
					customer: customer.external_id,
					missingEn: missingEn.join(', '),
					missingFr: missingFr.join(', '),
				}),
			);
		const usable = customer.email_status === 'ok' && customer.emails.some(isUsableEmail);
		if (!usable)
			list.push(
				ruleAnomaly('CUSTOMER_NO_EMAIL', 'customer.emails', { customer: customer.external_id }),
			);
		ofFile.set(customer.external_id, list);
		return list;
	};
	return invoices.map((inv, i) => {
		const customer = byCode.get(inv.customerExternalId);
		const source = parsed[i];
		if (!customer) {
			const found: Anomaly[] = [];
			const a = ruleAnomaly('CUSTOMER_UNKNOWN', 'customerId', { customer: inv.customerExternalId });
			found.push(options.createMissingCustomers ? { ...a, severity: 'warn' } : a);
			if (!source?.buyer.email || !isUsableEmail(source.buyer.email))
				found.push(
					ruleAnomaly('CUSTOMER_NO_EMAIL', 'customer.emails', { customer: inv.customerExternalId }),
				);
			return found;
		}
		const found: Anomaly[] = fileAnomalies(customer).slice();
		const siren = source?.buyer.siren;
		if (siren && customer.siren && siren !== customer.siren) {
			found.push(
				ruleAnomaly('CUSTOMER_MISMATCH', 'buyer.siren', {
					what: 'SIREN',
					whatFr: 'le SIREN',
					invoiceValue: siren,
					fileValue: customer.siren,
					customer: customer.external_id,
				}),
			);
		}
		const vat = source?.buyer.vatId?.replace(/\s/g, '').toUpperCase();
		const fileVat = customer.vat_number?.replace(/\s/g, '').toUpperCase();
		if (vat && fileVat && vat !== fileVat) {
			found.push(
				ruleAnomaly('CUSTOMER_MISMATCH', 'buyer.vatId', {
					what: 'VAT number',
					whatFr: 'le numéro de TVA',
					invoiceValue: vat,
					fileValue: fileVat,
					customer: customer.external_id,
				}),
			);
		}
		return found;
	});
}

/**
 * Runs the ledger-based rules (duplicates, customer file) on prepared invoices and applies the company's
 * settings: an invoice that now has a blocking anomaly loses its ledger invoice (it goes to the rejected side).
 */
export async function checkAgainstLedger(
	ledger: Ledger,
	prepared: PreparedInvoice[],
	options: CheckOptions & { createMissingCustomers?: boolean } = {},
): Promise<void> {
	const withInvoice = prepared.filter((p) => p.invoice);
	const invoices = withInvoice.map((p) => p.invoice as LedgerInvoice);
	// Duplicates and customer file in one round trip.
	const rows = invoices.length
		? await loadLedgerRows(ledger, invoices, true, true)
		: { numbers: [], customers: [] };
	const duplicates = duplicateAnomalies(invoices, rows.numbers);
	const customers = customerAnomalies(
		invoices,
		rows.customers,
		withInvoice.map((p) => p.parsed),
		options,
	);
	// Creating missing customers makes an unknown customer a warning, unless the company decided otherwise.
	const rules = options.createMissingCustomers
		? { CUSTOMER_UNKNOWN: 'warn' as const, ...options.rules }
		: options.rules;
	// The settings as applyRuleSettings reads them: two objects per batch (French seller or not), not one per invoice.
	const french = { ...options, rules, french: true };
	const notFrench = { ...options, rules, french: false };
	withInvoice.forEach((p, i) => {
		const found =
			duplicates[i].length === 0
				? customers[i]
				: customers[i].length === 0
					? duplicates[i]
					: [...duplicates[i], ...customers[i]];
		const extra = applyRuleSettings(
			found,
			p.parsed,
			isFrenchSeller(p.parsed, options) ? french : notFrench,
		);
		if (!extra.length) return;
		p.anomalies = [...p.anomalies, ...extra];
		if (hasBlocking(extra)) p.invoice = undefined;
		else (p.invoice as LedgerInvoice).anomalies = p.anomalies;
	});
}
