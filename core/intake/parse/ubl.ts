import type { Anomaly } from '../anomaly';
import { frenchCompanyNumber } from '../checks/identifiers';
import { intakeError } from './errors';
import type {
	AdditionalDocument,
	InvoiceLine,
	OtherPartyRole,
	InvoiceParty,
	ParsedInvoice,
	PostalAddress,
	VatBreakdownEntry,
} from './types';
import { ValueReader } from './values';
import {
	all,
	attr,
	one,
	rawAttr,
	text,
	textOf,
	written,
	writtenAmountList,
	type WrittenAmount,
	type XmlDocument,
	type XmlValue,
} from './xml';

/** UNTDID 1001 codes of documents that reduce what the buyer owes. */
export const CREDIT_NOTE_TYPE_CODES = new Set([
	'81',
	'83',
	'261',
	'262',
	'296',
	'308',
	'381',
	'396',
	'420',
	'458',
	'532',
]);

/** "#PMD#text" (Peppol/UBL convention for a note subject) → { subject, text }. */
export function splitNoteSubject(raw: string): { subject?: string; text: string } {
	const m = raw.match(/^#([A-Z]{3})#([\s\S]*)$/);
	return m ? { subject: m[1], text: m[2].trim() } : { text: raw.trim() };
}

export function tooManyLines(count: number, max: number): Error {
	return intakeError(
		'TOO_MANY_LINES',
		`The document has ${count} invoice lines; the limit is ${max}.`,
		`Le document compte ${count} lignes de facture ; la limite est de ${max}.`,
		'Split the invoice, or raise the line limit of the operation.',
		"Scindez la facture, ou relevez la limite de lignes de l'opération.",
		{ count, max },
	);
}

function ublAddress(node: XmlValue | undefined): PostalAddress | undefined {
	if (!node) return undefined;
	const lines = [
		text(node, 'StreetName'),
		text(node, 'AdditionalStreetName'),
		...all(node, 'AddressLine', 'Line').map(textOf),
	].filter((l): l is string => !!l);
	const address: PostalAddress = {
		lines,
		postalCode: text(node, 'PostalZone'),
		city: text(node, 'CityName'),
		subdivision: text(node, 'CountrySubentity'),
		country: text(node, 'Country', 'IdentificationCode')?.toUpperCase(),
	};
	return lines.length || address.postalCode || address.city || address.country
		? address
		: undefined;
}

function ublParty(party: XmlValue | undefined): InvoiceParty {
	const result: InvoiceParty = { identifiers: [] };
	if (!party) return result;
	result.identifiers = all(party, 'PartyIdentification', 'ID')
		.map((n) => ({ value: textOf(n) ?? '', scheme: attr(n, 'schemeID'), global: true as const }))
		.filter((i) => i.value);
	result.id = result.identifiers[0]?.value;
	const tradingName = text(party, 'PartyName', 'Name');
	result.tradingName = tradingName;
	result.name = text(party, 'PartyLegalEntity', 'RegistrationName') ?? tradingName;
	const legal = one(party, 'PartyLegalEntity', 'CompanyID');
	if (textOf(legal))
		result.legalId = { value: textOf(legal) as string, scheme: attr(legal, 'schemeID') };
	for (const scheme of all(party, 'PartyTaxScheme')) {
		const id = text(scheme, 'CompanyID');
		if (!id) continue;
		const kind = text(scheme, 'TaxScheme', 'ID')?.toUpperCase();
		if (kind === 'VAT' || (!kind && /^[A-Za-z]{2}/.test(id))) result.vatId ??= id;
		else result.taxNumber ??= id;
	}
	result.address = ublAddress(one(party, 'PostalAddress'));
	const endpoint = one(party, 'EndpointID');
	if (textOf(endpoint))
		result.electronicAddress = {
			value: textOf(endpoint) as string,
			scheme: attr(endpoint, 'schemeID'),
		};
	result.contactName = text(party, 'Contact', 'Name');
	result.phone = text(party, 'Contact', 'Telephone');
	result.email =
		text(party, 'Contact', 'ElectronicMail') ??
		(result.electronicAddress?.scheme === 'EM' ? result.electronicAddress.value : undefined);
	const french = result.address?.country === 'FR' || /^FR/i.test(result.vatId ?? '');
	for (const candidate of [result.legalId, ...result.identifiers, result.electronicAddress]) {
		if (!candidate) continue;
		const numbers = frenchCompanyNumber(candidate.value, candidate.scheme, french);
		if (numbers.siren) {
			result.siren = numbers.siren;
			result.siret ??= numbers.siret;
			break;
		}
	}
	return result;
}

function allowanceCharges(
	nodes: XmlValue[],
	reader: ValueReader,
	field: string,
): { allowances?: bigint; charges?: bigint } {
	if (nodes.length === 0) return {};
	let allowances = 0n;
	let charges = 0n;
	nodes.forEach((node, i) => {
		const amount = reader.amount(one(node, 'Amount'), `${field}[${i}].amount`) ?? 0n;
		if (text(node, 'ChargeIndicator')?.toLowerCase() === 'true') charges += amount;
		else allowances += amount;
	});
	return { allowances, charges };
}

/** A UBL 2.1 Invoice or CreditNote. */
/** A billing period (BT-73/74, BT-134/135), undefined when the document gives none. */
function ublPeriod(
	node: XmlValue | undefined,
	reader: ValueReader,
	field: string,
): { start?: string; end?: string } | undefined {
	if (!node) return undefined;
	const start = reader.optionalDate(text(node, 'StartDate'), `${field}.start`);
	const end = reader.optionalDate(text(node, 'EndDate'), `${field}.end`);
	return start || end ? { start, end } : undefined;
}

/**
 * The optional line data of the French rules: billing period, preceding invoice and its date, delivery date, subtype.
 * As the official UBL Schematron reads them, a line's reference to the invoice itself (its own number) carries the
 * line subtype (EXT-FR-FE-163) in DocumentStatusCode; the preceding invoice is a reference to another number.
 * `at` names the line in the anomalies (lines[n]).
 */
function ublLineExtras(
	node: XmlValue,
	reader: ValueReader,
	invoiceNumber: string | undefined,
	at: string,
): Partial<InvoiceLine> {
	const extras: Partial<InvoiceLine> = {};
	const billing = ublPeriod(one(node, 'InvoicePeriod'), reader, `${at}.billingPeriod`);
	if (billing) extras.billingPeriod = billing;
	const references = all(node, 'BillingReference', 'InvoiceDocumentReference');
	const own = (r: XmlValue): boolean =>
		invoiceNumber !== undefined && text(r, 'ID') === invoiceNumber;
	const self = references.filter(own);
	if (self.length)
		extras.subtype = self.map((r) => text(r, 'DocumentStatusCode')).find(Boolean) ?? '';
	const ownBilling = all(node, 'BillingReference').find((b) =>
		all(b, 'InvoiceDocumentReference').some(own),
	);
	const parent = written(one(ownBilling, 'BillingReferenceLine', 'ID'));
	if (parent !== undefined) extras.parentLineId = parent;
	const others = references.filter((r) => !own(r));
	const reference = others.find((r) => text(r, 'ID') && text(r, 'IssueDate')) ?? others[0];
	const preceding = text(reference, 'ID');
	if (preceding !== undefined) extras.precedingInvoice = preceding;
	const precedingDate = reader.optionalDate(
		text(reference, 'IssueDate'),
		`${at}.precedingInvoiceDate`,
	);
	if (precedingDate) extras.precedingInvoiceDate = precedingDate;
	// Where the official UBL file looks for a line's preceding invoice for BR-FR-01 and -03 (EXT-FR-FE-136/138): the
	// number under cac:BillingReference/cac:DocumentReference, the date under the line's cac:DocumentReference.
	const documentNumber = text(node, 'BillingReference', 'DocumentReference', 'ID');
	const documentDate = reader.optionalDate(
		text(node, 'DocumentReference', 'IssueDate'),
		`${at}.documentReference.date`,
	);
	if (documentNumber !== undefined || documentDate)
		extras.documentReference = {
			...(documentNumber !== undefined ? { number: documentNumber } : {}),
			...(documentDate ? { date: documentDate } : {}),
		};
	const deliveryDate = reader.optionalDate(
		text(node, 'Delivery', 'ActualDeliveryDate'),
		`${at}.deliveryDate`,
	);
	if (deliveryDate) extras.deliveryDate = deliveryDate;
	const shipTo = ublDeliverTo(one(node, 'Delivery'));
	if (shipTo) extras.shipTo = shipTo;
	if (self.length)
		extras.writtenTotals = {
			net: all(node, 'LineExtensionAmount').map((n) => written(n) ?? ''),
			withVat: written(one(node, 'TaxInclusiveLineExtensionAmount')),
		};
	return { ...extras, ...ublFrenchLineData(node) };
}

/** The line data of the French line rules, as written: item attributes (BG-32), gross prices and price discounts. */
function ublFrenchLineData(node: XmlValue): Partial<InvoiceLine> {
	const extras: Partial<InvoiceLine> = {};
	const attributes = all(node, 'Item', 'AdditionalItemProperty').map((a) => ({
		name: written(one(a, 'Name')),
		code: written(one(a, 'NameCode')),
		value: written(one(a, 'Value')),
		measure: written(one(a, 'ValueQuantity')),
		measureUnit: rawAttr(one(a, 'ValueQuantity'), 'unitCode'),
	}));
	if (attributes.length) extras.attributes = attributes;
	// the multi-vendor and B9/S9/M9 line data
	const seller = one(node, 'Item', 'ManufacturerParty');
	if (seller)
		extras.lineSeller = {
			name: text(seller, 'PartyLegalEntity', 'RegistrationName'),
			legalId: text(seller, 'PartyLegalEntity', 'CompanyID'),
			country: text(seller, 'PostalAddress', 'Country', 'IdentificationCode'),
		};
	const taxTotals = all(node, 'TaxTotal', 'TaxAmount').map((n) => ({
		currency: rawAttr(n, 'currencyID'),
		amount: written(n) ?? '',
	}));
	if (taxTotals.length) extras.lineTaxTotals = taxTotals;
	const references = all(node, 'DocumentReference').map((n) => ({
		id: written(one(n, 'ID')),
		typeCode: text(n, 'DocumentTypeCode'),
		scheme: rawAttr(one(n, 'ID'), 'schemeID'),
	}));
	if (references.length) extras.objectReferences = references;
	const exemption = text(node, 'Item', 'ClassifiedTaxCategory', 'TaxExemptionReason');
	if (exemption !== undefined) extras.vatExemptionReason = exemption;
	const charges = all(node, 'Price', 'AllowanceCharge');
	const grossPrices = all(charges, 'BaseAmount').map((n) => written(n) ?? '');
	if (grossPrices.length) extras.grossPrices = grossPrices;
	const discounts = all(charges, 'Amount').map((n) => written(n) ?? '');
	if (discounts.length) extras.priceDiscounts = discounts;
	return extras;
}

/** The deliver-to party of a Delivery (BT-71, EXT-FR-FE-146): its DeliveryLocation identifiers, its DeliveryParty's name and legal identifier. */
function ublDeliverTo(delivery: XmlValue | undefined): InvoiceParty | undefined {
	const location = one(delivery, 'DeliveryLocation');
	const party = one(delivery, 'DeliveryParty');
	if (!location && !party) return undefined;
	const result: InvoiceParty = {
		identifiers: all(location, 'ID')
			.map((n) => ({ value: textOf(n) ?? '', scheme: attr(n, 'schemeID'), global: true as const }))
			.filter((i) => i.value),
	};
	const name = text(party, 'PartyName', 'Name');
	if (name !== undefined) result.name = name;
	const legal = one(party, 'PartyLegalEntity', 'CompanyID');
	if (textOf(legal))
		result.legalId = { value: textOf(legal) as string, scheme: attr(legal, 'schemeID') };
	return result;
}

/** Agents, payer, invoicee, invoicer and deliver-to party, those the document gives. */
function ublOtherParties(
	root: XmlValue,
	supplier: XmlValue | undefined,
	customer: XmlValue | undefined,
): Partial<Record<OtherPartyRole, InvoiceParty>> | undefined {
	const nodes: Array<[OtherPartyRole, XmlValue | undefined]> = [
		['buyerAgent', one(customer, 'AgentParty')],
		['sellerAgent', one(supplier, 'AgentParty')],
		['payer', one(root, 'PaymentMeans', 'PaymentMandate', 'PayerParty')],
		['invoicee', one(customer, 'ServiceProviderParty', 'Party')],
		['invoicer', one(supplier, 'ServiceProviderParty', 'Party')],
	];
	const found: Partial<Record<OtherPartyRole, InvoiceParty>> = {};
	for (const [role, node] of nodes) if (node !== undefined) found[role] = ublParty(node);
	const shipTo = ublDeliverTo(one(root, 'Delivery'));
	if (shipTo) found.shipTo = shipTo;
	return Object.keys(found).length ? found : undefined;
}

/** The header's additional supporting documents and invoiced objects (BG-24, BT-18). */
function ublAdditionalDocuments(root: XmlValue): AdditionalDocument[] {
	return all(root, 'AdditionalDocumentReference').map((node) => {
		const document: AdditionalDocument = {};
		const id = one(node, 'ID');
		if (id !== undefined) {
			document.id = textOf(id) ?? '';
			const scheme = attr(id, 'schemeID');
			if (scheme !== undefined) document.scheme = scheme;
		}
		const typeCode = text(node, 'DocumentTypeCode');
		if (typeCode !== undefined) document.typeCode = typeCode;
		const description = text(node, 'DocumentDescription');
		if (description !== undefined) document.description = description;
		return document;
	});
}

export function readUbl(doc: XmlDocument, options: { maxLines: number }): ParsedInvoice {
	const root = doc.node;
	const isCreditNoteRoot = doc.root === 'CreditNote';
	const reader = new ValueReader();
	reader.dateFormat = /^\d{4}-\d{2}-\d{2}$/;
	const currency = text(root, 'DocumentCurrencyCode');
	reader.setCurrency(currency?.toUpperCase());
	reader.taxCurrency = text(root, 'TaxCurrencyCode')?.toUpperCase();
	const typeCode = text(root, isCreditNoteRoot ? 'CreditNoteTypeCode' : 'InvoiceTypeCode');
	const docType =
		isCreditNoteRoot || (typeCode !== undefined && CREDIT_NOTE_TYPE_CODES.has(typeCode))
			? 'credit_note'
			: 'invoice';

	const lineNodes = all(root, isCreditNoteRoot ? 'CreditNoteLine' : 'InvoiceLine');
	if (lineNodes.length > options.maxLines) throw tooManyLines(lineNodes.length, options.maxLines);
	const lines: InvoiceLine[] = lineNodes.map((node, i) => {
		const field = `lines[${i + 1}]`;
		const quantity = one(node, isCreditNoteRoot ? 'CreditedQuantity' : 'InvoicedQuantity');
		const { allowances, charges } = allowanceCharges(
			all(node, 'AllowanceCharge'),
			reader,
			`${field}.allowanceCharge`,
		);
		return {
			id: text(node, 'ID'),
			name: text(node, 'Item', 'Name'),
			description: text(node, 'Item', 'Description'),
			quantity: reader.decimal(textOf(quantity), `${field}.quantity`),
			unitCode: attr(quantity, 'unitCode'),
			netPrice: reader.decimal(text(node, 'Price', 'PriceAmount'), `${field}.price`),
			priceBaseQuantity: reader.decimal(
				text(node, 'Price', 'BaseQuantity'),
				`${field}.baseQuantity`,
			),
			netAmountMinor: reader.amount(one(node, 'LineExtensionAmount'), `${field}.netAmount`),
			allowancesMinor: allowances,
			chargesMinor: charges,
			vatCategory: text(node, 'Item', 'ClassifiedTaxCategory', 'ID'),
			vatRate: reader.decimal(
				text(node, 'Item', 'ClassifiedTaxCategory', 'Percent'),
				`${field}.vatRate`,
			),
			...ublLineExtras(node, reader, text(root, 'ID'), field),
		};
	});

	const taxPointCode = text(root, 'InvoicePeriod', 'DescriptionCode');
	const taxTotals: Array<{ currency?: string; amountMinor: bigint }> = [];
	const vatBreakdown: VatBreakdownEntry[] = [];
	all(root, 'TaxTotal').forEach((taxTotal, t) => {
		const amountNode = one(taxTotal, 'TaxAmount');
		const amount = reader.amount(amountNode, `taxTotal[${t + 1}]`, { taxTotal: true });
		if (amount !== undefined)
			taxTotals.push({
				currency: attr(amountNode, 'currencyID')?.toUpperCase(),
				amountMinor: amount,
			});
		for (const sub of all(taxTotal, 'TaxSubtotal')) {
			const field = `vatBreakdown[${vatBreakdown.length + 1}]`;
			vatBreakdown.push({
				category: text(sub, 'TaxCategory', 'ID'),
				ratePercent: reader.decimal(text(sub, 'TaxCategory', 'Percent'), `${field}.rate`),
				taxableMinor: reader.amount(one(sub, 'TaxableAmount'), `${field}.taxable`),
				taxMinor: reader.amount(one(sub, 'TaxAmount'), `${field}.tax`),
				exemptionReason: text(sub, 'TaxCategory', 'TaxExemptionReason'),
				exemptionCode: text(sub, 'TaxCategory', 'TaxExemptionReasonCode'),
				taxPointCode,
				...(text(sub, 'TaxCategory', 'TaxExemptionReason')?.startsWith('#')
					? {
							subInvoiceTax: {
								taxType: text(sub, 'TaxCategory', 'TaxScheme', 'ID'),
								amount: written(one(sub, 'TaxAmount')),
							},
						}
					: {}),
			});
		}
	});
	const documentCurrency = reader.currency;
	const inDocumentCurrency = taxTotals.filter(
		(t) => !t.currency || t.currency === documentCurrency,
	);

	const monetary = one(root, 'LegalMonetaryTotal');
	const { allowances, charges } = allowanceCharges(
		all(root, 'AllowanceCharge'),
		reader,
		'allowanceCharge',
	);
	const supplier = one(root, 'AccountingSupplierParty', 'Party');
	const customer = one(root, 'AccountingCustomerParty', 'Party');
	const deliveryNode = one(root, 'Delivery');
	const otherParties = ublOtherParties(root, supplier, customer);
	const additionalDocuments = ublAdditionalDocuments(root);
	const precedingInvoices = all(root, 'BillingReference').flatMap((ref) => {
		const doc = one(ref, 'InvoiceDocumentReference');
		return doc
			? [
					{
						number: text(doc, 'ID'),
						date: reader.optionalDate(text(doc, 'IssueDate'), 'precedingInvoiceDate'),
					},
				]
			: [];
	});
	const taxPointDate = reader.optionalDate(text(root, 'TaxPointDate'), 'taxPointDate');
	const billingPeriod = ublPeriod(one(root, 'InvoicePeriod'), reader, 'billingPeriod');
	// BR-FR-CO-04 in the official UBL file counts every cac:BillingReference of a corrective invoice, of any kind.
	const billingReferences = all(root, 'BillingReference').length;
	const deliveryAddress = ublAddress(one(deliveryNode, 'DeliveryLocation', 'Address'));
	const deliveryName = text(deliveryNode, 'DeliveryParty', 'PartyName', 'Name');
	const deliveryDate = reader.date(text(deliveryNode, 'ActualDeliveryDate'), 'deliveryDate');
	const paymentMeans = one(root, 'PaymentMeans');
	const dueDateText = text(root, 'DueDate') ?? text(root, 'PaymentMeans', 'PaymentDueDate');
	const terms = all(root, 'PaymentTerms', 'Note')
		.map(textOf)
		.filter((t): t is string => !!t);
	const anomalies: Anomaly[] = reader.anomalies;

	const invoice: ParsedInvoice = {
		syntax: 'ubl',
		container: 'xml',
		profile: text(root, 'CustomizationID'),
		businessProcess: text(root, 'ProfileID'),
		docType,
		typeCode,
		number: text(root, 'ID'),
		issueDate: reader.date(text(root, 'IssueDate'), 'issueDate'),
		dueDate: reader.date(dueDateText, 'dueDate'),
		deliveryDate,
		currency: documentCurrency,
		taxCurrency: reader.taxCurrency,
		seller: ublParty(supplier),
		buyer: ublParty(customer),
		taxRepresentative: one(root, 'TaxRepresentativeParty')
			? ublParty(one(root, 'TaxRepresentativeParty'))
			: undefined,
		payee: one(root, 'PayeeParty') ? ublParty(one(root, 'PayeeParty')) : undefined,
		...(otherParties ? { otherParties } : {}),
		...(additionalDocuments.length ? { additionalDocuments } : {}),
		delivery: deliveryNode
			? { name: deliveryName, address: deliveryAddress, date: deliveryDate }
			: undefined,
		lines,
		vatBreakdown,
		documentAllowancesMinor: allowances,
		documentChargesMinor: charges,
		totals: {
			lineTotalMinor: reader.amount(one(monetary, 'LineExtensionAmount'), 'totals.lineTotal'),
			allowanceTotalMinor: reader.amount(
				one(monetary, 'AllowanceTotalAmount'),
				'totals.allowanceTotal',
			),
			chargeTotalMinor: reader.amount(one(monetary, 'ChargeTotalAmount'), 'totals.chargeTotal'),
			totalExclMinor: reader.amount(one(monetary, 'TaxExclusiveAmount'), 'totals.totalExcl'),
			totalTaxMinor: inDocumentCurrency[0]?.amountMinor,
			totalInclMinor: reader.amount(one(monetary, 'TaxInclusiveAmount'), 'totals.totalIncl'),
			prepaidMinor: reader.amount(one(monetary, 'PrepaidAmount'), 'totals.prepaid'),
			roundingMinor: reader.amount(one(monetary, 'PayableRoundingAmount'), 'totals.rounding'),
			payableMinor: reader.amount(one(monetary, 'PayableAmount'), 'totals.payable'),
			taxTotals,
		},
		paymentTerms: terms.length ? terms.join('\n') : undefined,
		paymentMeansCode: text(paymentMeans, 'PaymentMeansCode'),
		iban: text(paymentMeans, 'PayeeFinancialAccount', 'ID'),
		paymentReference: text(paymentMeans, 'PaymentID'),
		notes: all(root, 'Note')
			.map(textOf)
			.filter((t): t is string => !!t)
			.map(splitNoteSubject),
		orderReference: text(root, 'OrderReference', 'ID'),
		buyerReference: text(root, 'BuyerReference'),
		contractReference: text(root, 'ContractDocumentReference', 'ID'),
		precedingInvoice: text(root, 'BillingReference', 'InvoiceDocumentReference', 'ID'),
		...(precedingInvoices.length ? { precedingInvoices } : {}),
		...(precedingInvoices[0]?.date ? { precedingInvoiceDate: precedingInvoices[0].date } : {}),
		ublRoot: isCreditNoteRoot ? 'CreditNote' : 'Invoice',
		writtenAmounts: ublWrittenAmounts(root, lineNodes),
		...(taxPointDate ? { taxPointDate } : {}),
		...(billingReferences ? { billingReferences } : {}),
		...(reader.badDates.length ? { badDates: reader.badDates } : {}),
		...(billingPeriod ? { billingPeriod } : {}),
		source: { index: 0 },
		anomalies,
	};
	return invoice;
}

/** The amounts of a UBL invoice as written, where the official Schematron judges them (BR-FR-DEC-01). */
function ublWrittenAmounts(root: XmlValue, lineNodes: XmlValue[]): WrittenAmount[] {
	const { found, add } = writtenAmountList();
	const charges = all(root, 'AllowanceCharge');
	add(all(charges, 'Amount'), 'BT-92/BT-99', 'allowanceCharges.amount');
	add(all(charges, 'BaseAmount'), 'BT-93/BT-100', 'allowanceCharges.baseAmount');
	const monetary = all(root, 'LegalMonetaryTotal');
	for (const [name, label, field] of [
		['LineExtensionAmount', 'BT-106', 'totals.lineTotal'],
		['AllowanceTotalAmount', 'BT-107', 'totals.allowanceTotal'],
		['ChargeTotalAmount', 'BT-108', 'totals.chargeTotal'],
		['TaxExclusiveAmount', 'BT-109', 'totals.totalExcl'],
		['TaxInclusiveAmount', 'BT-112', 'totals.totalIncl'],
		['PrepaidAmount', 'BT-113', 'totals.prepaid'],
		['PayableRoundingAmount', 'BT-114', 'totals.rounding'],
		['PayableAmount', 'BT-115', 'totals.payable'],
	])
		add(all(monetary, name), label, field);
	const taxTotals = all(root, 'TaxTotal');
	add(all(taxTotals, 'TaxAmount'), 'BT-110', 'totals.taxTotal');
	add(all(taxTotals, 'TaxSubtotal', 'TaxableAmount'), 'BT-116', 'vatBreakdown.taxable');
	add(all(taxTotals, 'TaxSubtotal', 'TaxAmount'), 'BT-117', 'vatBreakdown.tax');
	lineNodes.forEach((line, i) => {
		const at = `lines[${text(line, 'ID') ?? i + 1}]`;
		add(all(line, 'LineExtensionAmount'), 'BT-131', `${at}.netAmount`);
		// the official UBL file judges every cac:TaxTotal, those of the lines too
		add(all(line, 'TaxTotal', 'TaxAmount'), 'BT-110', `${at}.taxTotal`);
		const lineCharges = all(line, 'AllowanceCharge');
		add(all(lineCharges, 'Amount'), 'BT-136/BT-141', `${at}.allowanceCharges.amount`);
		add(all(lineCharges, 'BaseAmount'), 'BT-137/BT-142', `${at}.allowanceCharges.baseAmount`);
	});
	return found;
}
