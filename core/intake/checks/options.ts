/**
 * The options of the intake checks, in a file of their own: the parsing types (parse/types) and the checks
 * (checks/check) both use them, and neither side is imported from here.
 */
import type { RuleSetting } from './rules';
import type { LegalCap } from './terms';

export interface CompanyProfile {
	/** Country of the company issuing the invoices: decides the French rules for sources without a seller (CSV, records); FR when not set. */
	country?: string;
	/** The company opted to pay VAT on debits: services invoices must say so. */
	vatOnDebits?: boolean;
}

export interface CheckOptions {
	/** Per-rule setting by code: 'block', 'warn' or 'off'. Rules not named keep their default. */
	rules?: Record<string, RuleSetting>;
	/**
	 * When the French rules (legal mentions, legal cap on terms) apply: 'auto' (default) when the seller is French
	 * (country FR, a SIREN or an FR VAT number; for CSV and records, when company.country is FR), 'always', 'never'.
	 */
	frenchRules?: 'auto' | 'always' | 'never';
	company?: CompanyProfile;
	/** Legal cap on payment terms (France: 60 days, or 45 days end of month; some sectors have shorter caps). */
	legalCap?: Partial<LegalCap>;
	/** First issue date the 2026 e-invoicing reform's mentions apply to (default 2026-09-01). */
	reformStartDate?: string;
}
