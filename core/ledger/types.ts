/** A customer as stored in the ledger (master data). Absent fields are left unchanged on update. */
export interface CustomerInput {
	externalId: string;
	name?: string;
	legalName?: string | null;
	siren?: string | null;
	vatNumber?: string | null;
	profile?: string | null;
	language?: 'fr' | 'en';
	emails?: string[];
	ccEmails?: string[];
	phone?: string | null;
	salesRepCode?: string | null;
	collectorCode?: string | null;
	billingCycle?: string;
	zone?: string | null;
	addressLines?: string[];
	postalCode?: string | null;
	city?: string | null;
	country?: string;
	creditLimitMinor?: bigint | null;
	currency?: string;
	paymentTermsDays?: number | null;
	onHold?: boolean;
	holdReason?: string | null;
	customFields?: Record<string, unknown>;
}

export type DocType = 'invoice' | 'credit_note';

/** An invoice or credit note ready for the ledger: amounts in minor units, dates as ISO calendar dates. */
export interface LedgerInvoice {
	issuer?: string;
	docType: DocType;
	number: string;
	customerExternalId: string;
	/** Used to create the customer when it is unknown and creation is allowed. */
	customerName?: string;
	currency: string;
	totalExclMinor: bigint;
	totalTaxMinor: bigint;
	totalInclMinor: bigint;
	payableMinor: bigint;
	issueDate: string;
	dueDate: string;
	receptionDate?: string | null;
	termsDays?: number | null;
	termsBasis?: 'issue' | 'reception' | 'end_of_month' | null;
	paymentTerms?: string | null;
	poNumber?: string | null;
	/** For a credit note: the number of the invoice it reduces. */
	creditedNumber?: string | null;
	source?: string;
	sourceRef?: string | null;
	lines?: unknown[];
	anomalies?: unknown[];
	extra?: Record<string, unknown>;
}

export type StoreStatus = 'created' | 'revised' | 'unchanged' | 'rejected';

export interface StoreOutcome {
	/** Position of the invoice in the input array. */
	index: number;
	status: StoreStatus;
	id?: string;
	revision?: number;
	number: string;
	/** Why the document was not stored: English `message`/`hint`, French `messageFr`/`hintFr` where given. */
	error?: { code: string; message: string; hint?: string; messageFr?: string; hintFr?: string };
}
