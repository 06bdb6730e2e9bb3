import type { CheckOptions } from '../checks/options';
import type { DocType } from '../../ledger/types';
import type { Anomaly } from '../anomaly';

/** The syntax an invoice was read from: `zugferd1` is the ZUGFeRD 1.0 CrossIndustryDocument, `record` a flat JSON record. */
export type InvoiceSyntax = 'ubl' | 'cii' | 'zugferd1' | 'csv' | 'record';

export interface PostalAddress {
	lines: string[];
	postalCode?: string;
	city?: string;
	subdivision?: string;
	/** ISO 3166-1 alpha-2. */
	country?: string;
}

export interface PartyIdentifier {
	value: string;
	scheme?: string;
	/** A global identifier, one the French rules expect with its scheme (CII GlobalID, UBL PartyIdentification or
	 * DeliveryLocation ID), as opposed to a CII ID, the seller's own code for the party (no scheme expected). */
	global?: true;
}

/** Seller, buyer, tax representative or payee, as the document names them. */
export interface InvoiceParty {
	/** Legal (registration) name when given, else the trading name. */
	name?: string;
	tradingName?: string;
	/** The party identifier the document gives (UBL PartyIdentification, CII ID): often the customer code. */
	id?: string;
	identifiers: PartyIdentifier[];
	/** French company number (9 digits), from a SIREN or SIRET identifier. */
	siren?: string;
	siret?: string;
	/** VAT identifier with its country prefix (FR12345678901). */
	vatId?: string;
	/** Other tax registration (e.g. German Steuernummer, scheme FC). */
	taxNumber?: string;
	legalId?: PartyIdentifier;
	address?: PostalAddress;
	email?: string;
	electronicAddress?: PartyIdentifier;
	contactName?: string;
	phone?: string;
}

export interface InvoiceLine {
	id?: string;
	name?: string;
	description?: string;
	/** Decimal text as written ("20.000"). */
	quantity?: string;
	unitCode?: string;
	/** Net unit price, decimal text (prices may carry more decimals than amounts). */
	netPrice?: string;
	priceBaseQuantity?: string;
	netAmountMinor?: bigint;
	allowancesMinor?: bigint;
	chargesMinor?: bigint;
	vatCategory?: string;
	/** Decimal text ("20.00"). */
	vatRate?: string;
	/** Line billing period (BT-134, BT-135), ISO dates as read. */
	billingPeriod?: { start?: string; end?: string };
	/** The preceding invoice the line refers to (EXT-FR-FE-136) and its issue date (EXT-FR-FE-138). */
	precedingInvoice?: string;
	precedingInvoiceDate?: string;
	/**
	 * UBL only: the line's cac:BillingReference/cac:DocumentReference/cbc:ID and cac:DocumentReference/cbc:IssueDate,
	 * where the official UBL file looks for the line's preceding invoice for BR-FR-01 and BR-FR-03 (identifier format,
	 * year). BR-FR-CO-05 reads cac:BillingReference/cac:InvoiceDocumentReference (above), as the official file does.
	 */
	documentReference?: { number?: string; date?: string };
	/** Line actual delivery date (EXT-FR-FE-158). */
	deliveryDate?: string;
	/**
	 * The French line subtype (EXT-FR-FE-163: DETAIL, GROUP, INFORMATION): CII line status reason code; UBL
	 * DocumentStatusCode of the line's reference to the invoice itself ('' when that reference gives none).
	 */
	subtype?: string;
	/** The line's deliver-to party (EXT-FR-FE-146: CII line ShipToTradeParty, UBL line DeliveryLocation), when given. */
	shipTo?: InvoiceParty;
	// What the French line rules judge, as written in the file (BR-FR-27/28, DEC-03); set only when the line has them.
	/** Item attributes (BG-32): each element's text, '' when the element is there but empty, undefined when absent. */
	attributes?: ItemAttribute[];
	/** Gross prices (BT-148) and the price discounts (BT-147) of the line, as written. */
	grossPrices?: string[];
	priceDiscounts?: string[];
	/** The parent line (EXT-FR-FE-162: CII ParentLineID, UBL BillingReferenceLine ID of the line's own reference). */
	parentLineId?: string;
	/** The line's seller in a multi-vendor invoice (EXT-FR-FE-164, -167, -177: CII ItemSellerTradeParty, UBL ManufacturerParty). */
	lineSeller?: { name?: string; legalId?: string; country?: string };
	/** The line's VAT totals as written (EXT-FR-FE-181/182: CII line TaxTotalAmount, UBL line TaxTotal TaxAmount). */
	lineTaxTotals?: Array<{ currency?: string; amount: string }>;
	/**
	 * The line's invoiced objects and object references (BT-128; AFL sub-invoice number, AVV; CII
	 * AdditionalReferencedDocument, UBL DocumentReference), in document order: the identifier as written ('' when empty,
	 * undefined when absent), its type code and its scheme as written (CII ReferenceTypeCode, UBL schemeID).
	 */
	objectReferences?: Array<{ id?: string; typeCode?: string; scheme?: string }>;
	/**
	 * The line's amounts as written, read on lines that state a sub-type (multi-vendor and B9/S9/M9 frameworks,
	 * BR-FR-MV-05/10): net amounts (CII LineTotalAmount, UBL LineExtensionAmount) and the total with VAT (EXT-FR-FE-184:
	 * CII GrandTotalAmount, UBL TaxInclusiveLineExtensionAmount; '' when empty, undefined when absent).
	 */
	writtenTotals?: { net: string[]; withVat?: string };
	/** The line's VAT exemption reason (CII line ExemptionReason, UBL ClassifiedTaxCategory TaxExemptionReason). */
	vatExemptionReason?: string;
}

/** An item attribute (BG-32) as written: name (BT-160), code (EXT-FR-FE-159), value (BT-161) or measure with its unit. */
export interface ItemAttribute {
	name?: string;
	code?: string;
	value?: string;
	measure?: string;
	measureUnit?: string;
}

export interface VatBreakdownEntry {
	category?: string;
	/** Decimal text ("5.50"). */
	ratePercent?: string;
	taxableMinor?: bigint;
	taxMinor?: bigint;
	exemptionReason?: string;
	exemptionCode?: string;
	/** CII DueDateTypeCode / UBL tax point code (BT-8). */
	taxPointCode?: string;
	/**
	 * A breakdown whose exemption reason starts with "#" (a multi-vendor sub-invoice, BR-FR-MV-09): its tax type (CII
	 * TypeCode, UBL TaxScheme ID) and its VAT amount as written.
	 */
	subInvoiceTax?: { taxType?: string; amount?: string };
}

/** Document totals as written; absent elements stay undefined. */
export interface InvoiceTotals {
	lineTotalMinor?: bigint;
	allowanceTotalMinor?: bigint;
	chargeTotalMinor?: bigint;
	totalExclMinor?: bigint;
	/** The total VAT in the document currency (the first tax total in that currency). */
	totalTaxMinor?: bigint;
	totalInclMinor?: bigint;
	prepaidMinor?: bigint;
	roundingMinor?: bigint;
	payableMinor?: bigint;
	/** Every tax total the document states, with its currency (UBL TaxTotal, CII TaxTotalAmount). */
	taxTotals: Array<{ currency?: string; amountMinor: bigint }>;
}

export interface InvoiceNote {
	/** UNTDID 4451 subject code (AAB discount, PMD penalties, PMT fixed indemnity, REG…). */
	subject?: string;
	text: string;
}

/** An additional supporting document or invoiced-object reference (BG-24, BT-18) of the header. */
export interface AdditionalDocument {
	/** BT-122 / BT-18: CII IssuerAssignedID, UBL ID ("" when the element is there but empty). */
	id?: string;
	/** CII TypeCode, UBL DocumentTypeCode (916 supporting document, 130 invoiced object, 50 tender). */
	typeCode?: string;
	/** BT-18-1, the scheme of an invoiced object (AFL, AVV…): CII ReferenceTypeCode, UBL ID schemeID. */
	scheme?: string;
	/** BT-123, the description (CII Name, UBL DocumentDescription): in France the attachment's code (LISIBLE, RIB…). */
	description?: string;
}

/** The other parties the French rules judge (their identifiers and electronic addresses). */
export type OtherPartyRole =
	| 'buyerAgent'
	| 'sellerAgent'
	| 'payer'
	| 'invoicee'
	| 'invoicer'
	| 'shipTo';

export interface InvoiceSource {
	/** File name, when known. */
	file?: string;
	/** Name of the PDF attachment the XML came from. */
	attachment?: string;
	/** 1-based line of a CSV file where the invoice starts. */
	row?: number;
	/** Position of the invoice in the document. */
	index: number;
}

/**
 * An invoice or credit note as read from a document (UBL, CII, Factur-X/ZUGFeRD, CSV): everything the ledger
 * needs plus what the checks look at (parties, lines, VAT breakdown, notes, delivery, terms). Amounts are
 * bigint minor units of `currency`; dates are ISO calendar dates. Fields the document does not carry stay
 * undefined; faults found while reading are in `anomalies`.
 */
export interface ParsedInvoice {
	syntax: InvoiceSyntax;
	container: 'xml' | 'pdf' | 'csv' | 'json';
	/** Specification identifier (BT-24), e.g. urn:cen.eu:en16931:2017 or a Factur-X profile. */
	profile?: string;
	/** Business process (BT-23); in the French 2026 framework it carries the nature of the operation (B1, S1, M1…). */
	businessProcess?: string;
	docType: DocType;
	/** UNTDID 1001 type code (380 invoice, 381 credit note, 384 corrective, 389 self-billed…). */
	typeCode?: string;
	number?: string;
	issueDate?: string;
	dueDate?: string;
	deliveryDate?: string;
	currency?: string;
	taxCurrency?: string;
	seller: InvoiceParty;
	buyer: InvoiceParty;
	taxRepresentative?: InvoiceParty;
	payee?: InvoiceParty;
	/** Agents, payer, invoicee, invoicer and deliver-to party, when the document gives them (CII BuyerAgentTradeParty,
	 * SalesAgentTradeParty, PayerTradeParty, InvoiceeTradeParty, InvoicerTradeParty, ShipToTradeParty; UBL AgentParty,
	 * PaymentMandate PayerParty, ServiceProviderParty, Delivery with its DeliveryLocation ID and DeliveryParty). */
	otherParties?: Partial<Record<OtherPartyRole, InvoiceParty>>;
	/** Additional supporting documents and invoiced objects (BG-24, BT-18), in document order. */
	additionalDocuments?: AdditionalDocument[];
	delivery?: { name?: string; address?: PostalAddress; date?: string };
	lines: InvoiceLine[];
	vatBreakdown: VatBreakdownEntry[];
	/** Sum of document-level allowances and charges (the elements, not the totals). */
	documentAllowancesMinor?: bigint;
	documentChargesMinor?: bigint;
	totals: InvoiceTotals;
	paymentTerms?: string;
	/** Terms in days when the source states them as a number (CSV), else derived from paymentTerms by the checks. */
	termsDays?: number;
	termsBasis?: 'issue' | 'reception' | 'end_of_month';
	receptionDate?: string;
	paymentMeansCode?: string;
	iban?: string;
	paymentReference?: string;
	notes: InvoiceNote[];
	orderReference?: string;
	buyerReference?: string;
	contractReference?: string;
	/** For a credit note: the invoice it corrects (BT-25). */
	precedingInvoice?: string;
	/** The issue date of that invoice (BT-26). */
	precedingInvoiceDate?: string;
	/** Every reference to a preceding invoice the header gives (BG-3: BT-25 and BT-26), in document order. */
	precedingInvoices?: Array<{ number?: string; date?: string }>;
	/** The document's amounts as written, with their business term (BR-FR-DEC-01), for UBL and CII invoices. */
	writtenAmounts?: Array<{ label: string; field: string; value: string }>;
	/** The root element of a UBL document: the official UBL rules BR-FR-CO-03/05 judge a CreditNote, BR-FR-CO-04 an Invoice. */
	ublRoot?: 'Invoice' | 'CreditNote';
	/** Tax point date (BT-7). */
	taxPointDate?: string;
	/** UBL: how many cac:BillingReference the document gives, of any kind (the official UBL BR-FR-CO-04 counts them). */
	billingReferences?: number;
	/**
	 * Optional dates (tax point, periods, preceding invoices, line dates) given but unreadable (left out of the invoice)
	 * or not written as the syntax says (read all the same): reported by BR-FR-03.
	 */
	badDates?: Array<{ field: string; value: string }>;
	/** Invoice billing period (BT-73, BT-74), ISO dates as read. */
	billingPeriod?: { start?: string; end?: string };
	/** The issuer (company entity) when the source names it, e.g. a CSV column. */
	issuer?: string;
	/** The document says it is a test (ZUGFeRD TestIndicator). */
	testDocument?: boolean;
	source: InvoiceSource;
	anomalies: Anomaly[];
}

export interface ParseResult {
	invoices: ParsedInvoice[];
	/** Faults of the document as a whole or of rows that yielded no invoice (CSV), each with its location. */
	anomalies: Anomaly[];
	/** What was read: the detected format, encoding, delimiter, attachment… */
	meta: ParseMeta;
}

export interface ParseMeta {
	format: 'ubl' | 'cii' | 'zugferd1' | 'facturx-pdf' | 'csv';
	encoding?: string;
	delimiter?: string;
	attachment?: string;
	columns?: Record<string, string>;
	ignoredColumns?: string[];
	rows?: number;
}

export interface ParseOptions {
	filename?: string;
	contentType?: string;
	/** Upper bound of the input in bytes (default 25 MB for XML/PDF, 200 MB for CSV read in memory). */
	maxBytes?: number;
	/** Deepest XML nesting accepted (default 64). */
	maxXmlDepth?: number;
	/** Most invoice lines accepted in one document (default 10 000). */
	maxLines?: number;
	/** CSV options (columns, preset, encoding, delimiter, limits). */
	csv?: CsvOptions;
	/** The intake rules applied to each invoice (company settings); false: reading problems only. Default: every rule at its default severity. */
	checks?: CheckOptions | false;
}

export type CsvField =
	| 'number'
	| 'docType'
	| 'issuer'
	| 'customerId'
	| 'customerName'
	| 'customerSiren'
	| 'customerVat'
	| 'customerEmail'
	| 'currency'
	| 'totalExcl'
	| 'totalTax'
	| 'totalIncl'
	| 'payable'
	| 'issueDate'
	| 'dueDate'
	| 'receptionDate'
	| 'termsDays'
	| 'paymentTerms'
	| 'poNumber'
	| 'creditedNumber'
	| 'lineDescription'
	| 'lineQuantity'
	| 'lineUnitPrice'
	| 'lineAmount'
	| 'lineVatRate';

export interface CsvOptions {
	/** 'auto' recognises French and English column names; 'fec' reads a Fichier des Écritures Comptables. */
	preset?: 'auto' | 'fec';
	/** Column name (as in the header) for a field, overriding the preset: { number: 'N° pièce' }. */
	columns?: Partial<Record<CsvField, string>>;
	encoding?: 'auto' | 'utf-8' | 'windows-1252' | 'iso-8859-1' | 'utf-16le' | 'utf-16be';
	delimiter?: 'auto' | ';' | ',' | '\t' | '|';
	defaultCurrency?: string;
	/** 'auto': consecutive rows with the same number are one invoice when the file has line columns. */
	grouping?: 'auto' | 'invoice' | 'lines';
	/** Invoices per yielded batch (streaming), default 1000. */
	batchSize?: number;
	/** Most data rows accepted, default 5 000 000. */
	maxRows?: number;
	/** Longest row accepted in characters, default 65 536. */
	maxRowLength?: number;
	filename?: string;
}

export interface CsvBatch {
	invoices: ParsedInvoice[];
	/** Rows that yielded no invoice (unreadable), with their row number. */
	anomalies: Anomaly[];
	/** Data rows read so far. */
	rowsRead: number;
	meta: ParseMeta;
}
