export type {
	CsvBatch,
	CsvField,
	CsvOptions,
	InvoiceLine,
	InvoiceNote,
	InvoiceParty,
	InvoiceSource,
	InvoiceSyntax,
	InvoiceTotals,
	ParseMeta,
	ParseOptions,
	ParseResult,
	ParsedInvoice,
	PartyIdentifier,
	PostalAddress,
	VatBreakdownEntry,
} from './types';
export { parseInvoiceDocument, parseInvoiceBatches, detectDocumentKind } from './document';
export { parseInvoiceCsvStream, parseInvoiceCsv } from './csv';
export { toLedgerInvoice, parsedInvoiceJson, customerCodeOf, type ToLedgerOptions } from './ledger';
export { errorMessages } from './errors';
