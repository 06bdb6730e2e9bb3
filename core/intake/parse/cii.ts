import { frenchCompanyNumber } from '../checks/identifiers';
import { CREDIT_NOTE_TYPE_CODES, tooManyLines } from './ubl';
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

/** The first child present among alternative names (CII D16B names first, ZUGFeRD 1.0 names second). */
function pick(node: XmlValue | undefined, ...names: string[]): XmlValue | undefined {
	for (const name of names) {
		const found = one(node, name);
		if (found !== undefined) return found;
	}
	return undefined;
}

function pickAll(node: XmlValue | undefined, ...names: string[]): XmlValue[] {
	for (const name of names) {
		const found = all(node, name);
		if (found.length) return found;
	}
	return [];
}

function ciiAddress(node: XmlValue | undefined): PostalAddress | undefined {
	if (!node) return undefined;
	const lines = ['LineOne', 'LineTwo', 'LineThree']
		.map((n) => text(node, n))
		.filter((l): l is string => !!l);
	const address: PostalAddress = {
		lines,
		postalCode: text(node, 'PostcodeCode'),
		city: text(node, 'CityName'),
		subdivision: text(node, 'CountrySubDivisionName'),
		country: text(node, 'CountryID')?.toUpperCase(),
	};
	return lines.length || address.postalCode || address.city || address.country
		? address
		: undefined;
}

function ciiParty(party: XmlValue | undefined): InvoiceParty {
	const result: InvoiceParty = { identifiers: [] };
	if (!party) return result;
	const ids = all(party, 'ID').map((n) => ({
		value: textOf(n) ?? '',
		scheme: attr(n, 'schemeID'),
	}));
	const globals = all(party, 'GlobalID').map((n) => ({
		value: textOf(n) ?? '',
		scheme: attr(n, 'schemeID'),
		global: true as const,
	}));
	result.identifiers = [...ids, ...globals].filter((i) => i.value);
	result.id = ids.find((i) => i.value)?.value ?? globals.find((i) => i.value)?.value;
	result.name = text(party, 'Name');
	result.tradingName = text(party, 'SpecifiedLegalOrganization', 'TradingBusinessName');
	const legal = one(party, 'SpecifiedLegalOrganization', 'ID');
	if (textOf(legal))
		result.legalId = { value: textOf(legal) as string, scheme: attr(legal, 'schemeID') };
	for (const reg of all(party, 'SpecifiedTaxRegistration', 'ID')) {
		const value = textOf(reg);
		if (!value) continue;
		const scheme = attr(reg, 'schemeID')?.toUpperCase();
		if (scheme === 'VA' || (!scheme && /^[A-Za-z]{2}/.test(value))) result.vatId ??= value;
		else result.taxNumber ??= value;
	}
	result.address = ciiAddress(one(party, 'PostalTradeAddress'));
	const uri = one(party, 'URIUniversalCommunication', 'URIID');
	if (textOf(uri))
		result.electronicAddress = { value: textOf(uri) as string, scheme: attr(uri, 'schemeID') };
	const contact = one(party, 'DefinedTradeContact');
	result.contactName = text(contact, 'PersonName');
	result.phone = text(contact, 'TelephoneUniversalCommunication', 'CompleteNumber');
	result.email =
		text(contact, 'EmailURIUniversalCommunication', 'URIID') ??
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

/** The header's additional supporting documents and invoiced objects (BG-24, BT-18). */
function ciiAdditionalDocuments(agreement: XmlValue | undefined): AdditionalDocument[] {
	return all(agreement, 'AdditionalReferencedDocument').map((node) => {
		const document: AdditionalDocument = {};
		const id = one(node, 'IssuerAssignedID');
		if (id !== undefined) document.id = textOf(id) ?? '';
		const typeCode = text(node, 'TypeCode');
		if (typeCode !== undefined) document.typeCode = typeCode;
		const scheme = text(node, 'ReferenceTypeCode');
		if (scheme !== undefined) document.scheme = scheme;
		const description = text(node, 'Name');
		if (description !== undefined) document.description = description.replace(/\s+/g, ' ');
		return document;
	});
}

/** Agents, payer, invoicee, invoicer and ship-to party, those the document gives. */
function ciiOtherParties(
	agreement: XmlValue | undefined,
	settlement: XmlValue | undefined,
	delivery: XmlValue | undefined,
): Partial<Record<OtherPartyRole, InvoiceParty>> | undefined {
	const nodes: Array<[OtherPartyRole, XmlValue | undefined]> = [
		['buyerAgent', one(agreement, 'BuyerAgentTradeParty')],
		['sellerAgent', one(agreement, 'SalesAgentTradeParty')],
		['payer', one(settlement, 'PayerTradeParty')],
		['invoicee', one(settlement, 'InvoiceeTradeParty')],
		['invoicer', one(settlement, 'InvoicerTradeParty')],
		['shipTo', one(delivery, 'ShipToTradeParty')],
	];
	const found = nodes.filter(([, node]) => node !== undefined);
	return found.length
		? Object.fromEntries(found.map(([role, node]) => [role, ciiParty(node)]))
		: undefined;
}

function dateText(node: XmlValue | undefined): string | undefined {
	return text(node, 'DateTimeString');
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
		const amount = reader.amount(one(node, 'ActualAmount'), `${field}[${i + 1}].amount`) ?? 0n;
		if (text(node, 'ChargeIndicator', 'Indicator')?.toLowerCase() === 'true') charges += amount;
		else allowances += amount;
	});
	return { allowances, charges };
}

/** A billing period (BT-73/74, BT-134/135), undefined when the document gives none. */
function period(
	node: XmlValue | undefined,
	reader: ValueReader,
	field: string,
): { start?: string; end?: string } | undefined {
	if (!node) return undefined;
	const start = reader.optionalDate(dateText(one(node, 'StartDateTime')), `${field}.start`);
	const end = reader.optionalDate(dateText(one(node, 'EndDateTime')), `${field}.end`);
	return start || end ? { start, end } : undefined;
}

/** The optional line data of the French rules: billing period, preceding invoice and its date, delivery date, subtype. */
function lineExtras(
	node: XmlValue,
	settlement: XmlValue | undefined,
	delivery: XmlValue | undefined,
	reader: ValueReader,
	at: string,
): Partial<InvoiceLine> {
	const extras: Partial<InvoiceLine> = {};
	const billing = period(one(settlement, 'BillingSpecifiedPeriod'), reader, `${at}.billingPeriod`);
	if (billing) extras.billingPeriod = billing;
	const reference = one(settlement, 'InvoiceReferencedDocument');
	const preceding = text(reference, 'IssuerAssignedID');
	if (preceding !== undefined) extras.precedingInvoice = preceding;
	const precedingDate = reader.optionalDate(
		dateText(one(reference, 'FormattedIssueDateTime')),
		`${at}.precedingInvoiceDate`,
	);
	if (precedingDate) extras.precedingInvoiceDate = precedingDate;
	const deliveryDate = reader.optionalDate(
		dateText(one(delivery, 'ActualDeliverySupplyChainEvent', 'OccurrenceDateTime')),
		`${at}.deliveryDate`,
	);
	if (deliveryDate) extras.deliveryDate = deliveryDate;
	// '' when the element is there but empty: the official CII file then counts the line as neither DETAIL nor absent
	const subtype = written(one(node, 'AssociatedDocumentLineDocument', 'LineStatusReasonCode'));
	if (subtype !== undefined) {
		extras.subtype = subtype;
		const sums = all(settlement, 'SpecifiedTradeSettlementLineMonetarySummation');
		extras.writtenTotals = {
			net: all(sums, 'LineTotalAmount').map((n) => written(n) ?? ''),
			withVat: written(one(sums, 'GrandTotalAmount')),
		};
	}
	const shipTo = one(delivery, 'ShipToTradeParty');
	if (shipTo) extras.shipTo = ciiParty(shipTo);
	return {
		...extras,
		...frenchLineData(node, one(node, 'SpecifiedLineTradeAgreement'), settlement),
	};
}

/** The line data of the French line rules, as written: item attributes (BG-32), gross prices and price discounts. */
function frenchLineData(
	node: XmlValue,
	agreement: XmlValue | undefined,
	settlement: XmlValue | undefined,
): Partial<InvoiceLine> {
	const extras: Partial<InvoiceLine> = {};
	// the multi-vendor and B9/S9/M9 line data
	const parent = written(one(node, 'AssociatedDocumentLineDocument', 'ParentLineID'));
	if (parent !== undefined) extras.parentLineId = parent;
	const seller = one(agreement, 'ItemSellerTradeParty');
	if (seller)
		extras.lineSeller = {
			name: text(seller, 'Name'),
			legalId: text(seller, 'SpecifiedLegalOrganization', 'ID'),
			country: text(seller, 'PostalTradeAddress', 'CountryID'),
		};
	const taxTotals = all(
		settlement,
		'SpecifiedTradeSettlementLineMonetarySummation',
		'TaxTotalAmount',
	).map((n) => ({ currency: rawAttr(n, 'currencyID'), amount: written(n) ?? '' }));
	if (taxTotals.length) extras.lineTaxTotals = taxTotals;
	const references = all(settlement, 'AdditionalReferencedDocument').map((n) => ({
		id: written(one(n, 'IssuerAssignedID')),
		typeCode: text(n, 'TypeCode'),
		scheme: text(n, 'ReferenceTypeCode'),
	}));
	if (references.length) extras.objectReferences = references;
	const exemption = text(settlement, 'ApplicableTradeTax', 'ExemptionReason');
	if (exemption !== undefined) extras.vatExemptionReason = exemption;
	const attributes = all(node, 'SpecifiedTradeProduct', 'ApplicableProductCharacteristic').map(
		(a) => ({
			name: written(one(a, 'Description')),
			code: written(one(a, 'TypeCode')),
			value: written(one(a, 'Value')),
			measure: written(one(a, 'ValueMeasure')),
			measureUnit: rawAttr(one(a, 'ValueMeasure'), 'unitCode'),
		}),
	);
	if (attributes.length) extras.attributes = attributes;
	const gross = all(agreement, 'GrossPriceProductTradePrice');
	const grossPrices = all(gross, 'ChargeAmount').map((n) => written(n) ?? '');
	if (grossPrices.length) extras.grossPrices = grossPrices;
	const discounts = all(gross, 'AppliedTradeAllowanceCharge', 'ActualAmount').map(
		(n) => written(n) ?? '',
	);
	if (discounts.length) extras.priceDiscounts = discounts;
	return extras;
}

/** A UN/CEFACT CII invoice (CrossIndustryInvoice D16B: Factur-X, ZUGFeRD 2.x, XRechnung) or a ZUGFeRD 1.0 CrossIndustryDocument. */
export function readCii(doc: XmlDocument, options: { maxLines: number }): ParsedInvoice {
	const root = doc.node;
	const zugferd1 = doc.root === 'CrossIndustryDocument';
	const context = pick(root, 'ExchangedDocumentContext', 'SpecifiedExchangedDocumentContext');
	const header = pick(root, 'ExchangedDocument', 'HeaderExchangedDocument');
	const transaction = pick(
		root,
		'SupplyChainTradeTransaction',
		'SpecifiedSupplyChainTradeTransaction',
	);
	const agreement = pick(
		transaction,
		'ApplicableHeaderTradeAgreement',
		'ApplicableSupplyChainTradeAgreement',
	);
	const deliveryNode = pick(
		transaction,
		'ApplicableHeaderTradeDelivery',
		'ApplicableSupplyChainTradeDelivery',
	);
	const settlement = pick(
		transaction,
		'ApplicableHeaderTradeSettlement',
		'ApplicableSupplyChainTradeSettlement',
	);
	const summation = pick(
		settlement,
		'SpecifiedTradeSettlementHeaderMonetarySummation',
		'SpecifiedTradeSettlementMonetarySummation',
	);

	const reader = new ValueReader();
	// format 102; the official Schematron judges the first 8 characters
	reader.dateFormat = /^\d{8}/;
	reader.setCurrency(text(settlement, 'InvoiceCurrencyCode')?.toUpperCase());
	reader.taxCurrency = text(settlement, 'TaxCurrencyCode')?.toUpperCase();
	const typeCode = text(header, 'TypeCode');
	const docType =
		typeCode !== undefined && CREDIT_NOTE_TYPE_CODES.has(typeCode) ? 'credit_note' : 'invoice';

	const lineNodes = all(transaction, 'IncludedSupplyChainTradeLineItem');
	if (lineNodes.length > options.maxLines) throw tooManyLines(lineNodes.length, options.maxLines);
	const lines: InvoiceLine[] = lineNodes.map((node, i) => {
		const field = `lines[${i + 1}]`;
		const lineAgreement = pick(
			node,
			'SpecifiedLineTradeAgreement',
			'SpecifiedSupplyChainTradeAgreement',
		);
		const lineDelivery = pick(
			node,
			'SpecifiedLineTradeDelivery',
			'SpecifiedSupplyChainTradeDelivery',
		);
		const lineSettlement = pick(
			node,
			'SpecifiedLineTradeSettlement',
			'SpecifiedSupplyChainTradeSettlement',
		);
		const quantity = one(lineDelivery, 'BilledQuantity');
		const netPrice = one(lineAgreement, 'NetPriceProductTradePrice');
		const tax = one(lineSettlement, 'ApplicableTradeTax');
		const { allowances, charges } = allowanceCharges(
			all(lineSettlement, 'SpecifiedTradeAllowanceCharge'),
			reader,
			`${field}.allowanceCharge`,
		);
		const lineSum = pick(
			lineSettlement,
			'SpecifiedTradeSettlementLineMonetarySummation',
			'SpecifiedTradeSettlementMonetarySummation',
		);
		return {
			id: text(node, 'AssociatedDocumentLineDocument', 'LineID'),
			name: text(node, 'SpecifiedTradeProduct', 'Name'),
			description: text(node, 'SpecifiedTradeProduct', 'Description'),
			quantity: reader.decimal(textOf(quantity), `${field}.quantity`),
			unitCode: attr(quantity, 'unitCode'),
			netPrice: reader.decimal(text(netPrice, 'ChargeAmount'), `${field}.price`),
			priceBaseQuantity: reader.decimal(text(netPrice, 'BasisQuantity'), `${field}.baseQuantity`),
			netAmountMinor: reader.amount(one(lineSum, 'LineTotalAmount'), `${field}.netAmount`),
			allowancesMinor: allowances,
			chargesMinor: charges,
			vatCategory: text(tax, 'CategoryCode'),
			vatRate: reader.decimal(
				text(tax, 'RateApplicablePercent') ?? text(tax, 'ApplicablePercent'),
				`${field}.vatRate`,
			),
			...lineExtras(node, lineSettlement, lineDelivery, reader, field),
		};
	});

	const vatBreakdown: VatBreakdownEntry[] = all(settlement, 'ApplicableTradeTax').map((tax, i) => {
		const field = `vatBreakdown[${i + 1}]`;
		return {
			category: text(tax, 'CategoryCode'),
			ratePercent: reader.decimal(
				text(tax, 'RateApplicablePercent') ?? text(tax, 'ApplicablePercent'),
				`${field}.rate`,
			),
			taxableMinor: reader.amount(one(tax, 'BasisAmount'), `${field}.taxable`),
			taxMinor: reader.amount(one(tax, 'CalculatedAmount'), `${field}.tax`),
			exemptionReason: text(tax, 'ExemptionReason'),
			exemptionCode: text(tax, 'ExemptionReasonCode'),
			taxPointCode: text(tax, 'DueDateTypeCode'),
			...(text(tax, 'ExemptionReason')?.startsWith('#')
				? {
						subInvoiceTax: {
							taxType: text(tax, 'TypeCode'),
							amount: written(one(tax, 'CalculatedAmount')),
						},
					}
				: {}),
		};
	});

	const taxTotals = all(summation, 'TaxTotalAmount').flatMap((node, i) => {
		const amount = reader.amount(node, `totals.taxTotal[${i + 1}]`, { taxTotal: true });
		return amount === undefined
			? []
			: [{ currency: attr(node, 'currencyID')?.toUpperCase(), amountMinor: amount }];
	});
	const inDocumentCurrency = taxTotals.filter((t) => !t.currency || t.currency === reader.currency);

	const terms = pickAll(settlement, 'SpecifiedTradePaymentTerms');
	const termsText = terms.map((t) => text(t, 'Description')).filter((t): t is string => !!t);
	const dueText = terms
		.map((t) => dateText(one(t, 'DueDateDateTime')))
		.find((d) => d !== undefined);
	const { allowances, charges } = allowanceCharges(
		all(settlement, 'SpecifiedTradeAllowanceCharge'),
		reader,
		'allowanceCharge',
	);
	const shipTo = one(deliveryNode, 'ShipToTradeParty');
	const deliveryDate = reader.date(
		dateText(one(deliveryNode, 'ActualDeliverySupplyChainEvent', 'OccurrenceDateTime')),
		'deliveryDate',
	);
	const paymentMeans = one(settlement, 'SpecifiedTradeSettlementPaymentMeans');
	const precedingInvoices = all(settlement, 'InvoiceReferencedDocument').map((ref) => ({
		number: text(ref, 'IssuerAssignedID'),
		date: reader.optionalDate(dateText(one(ref, 'FormattedIssueDateTime')), 'precedingInvoiceDate'),
	}));
	const taxPointDate = reader.optionalDate(
		all(settlement, 'ApplicableTradeTax')
			.map((tax) => text(tax, 'TaxPointDate', 'DateString'))
			.find((d) => d !== undefined),
		'taxPointDate',
	);
	const billingPeriod = period(one(settlement, 'BillingSpecifiedPeriod'), reader, 'billingPeriod');
	const sellerNode = one(agreement, 'SellerTradeParty');
	const taxRep = one(agreement, 'SellerTaxRepresentativeTradeParty');
	const payee = one(settlement, 'PayeeTradeParty');
	const otherParties = ciiOtherParties(agreement, settlement, deliveryNode);
	const additionalDocuments = ciiAdditionalDocuments(agreement);

	return {
		syntax: zugferd1 ? 'zugferd1' : 'cii',
		...(zugferd1 ? {} : { writtenAmounts: ciiWrittenAmounts(transaction) }),
		container: 'xml',
		profile: text(context, 'GuidelineSpecifiedDocumentContextParameter', 'ID'),
		businessProcess: text(context, 'BusinessProcessSpecifiedDocumentContextParameter', 'ID'),
		docType,
		typeCode,
		number: text(header, 'ID'),
		issueDate: reader.date(dateText(one(header, 'IssueDateTime')), 'issueDate'),
		dueDate: reader.date(dueText, 'dueDate'),
		deliveryDate,
		currency: reader.currency,
		taxCurrency: reader.taxCurrency,
		seller: ciiParty(sellerNode),
		buyer: ciiParty(one(agreement, 'BuyerTradeParty')),
		taxRepresentative: taxRep ? ciiParty(taxRep) : undefined,
		payee: payee ? ciiParty(payee) : undefined,
		...(otherParties ? { otherParties } : {}),
		...(additionalDocuments.length ? { additionalDocuments } : {}),
		delivery:
			shipTo || deliveryDate
				? {
						name: text(shipTo, 'Name'),
						address: ciiAddress(one(shipTo, 'PostalTradeAddress')),
						date: deliveryDate,
					}
				: undefined,
		lines,
		vatBreakdown,
		documentAllowancesMinor: allowances,
		documentChargesMinor: charges,
		totals: {
			lineTotalMinor: reader.amount(one(summation, 'LineTotalAmount'), 'totals.lineTotal'),
			allowanceTotalMinor: reader.amount(
				one(summation, 'AllowanceTotalAmount'),
				'totals.allowanceTotal',
			),
			chargeTotalMinor: reader.amount(one(summation, 'ChargeTotalAmount'), 'totals.chargeTotal'),
			totalExclMinor: reader.amount(one(summation, 'TaxBasisTotalAmount'), 'totals.totalExcl'),
			totalTaxMinor: inDocumentCurrency[0]?.amountMinor,
			totalInclMinor: reader.amount(one(summation, 'GrandTotalAmount'), 'totals.totalIncl'),
			prepaidMinor: reader.amount(one(summation, 'TotalPrepaidAmount'), 'totals.prepaid'),
			roundingMinor: reader.amount(one(summation, 'RoundingAmount'), 'totals.rounding'),
			payableMinor: reader.amount(one(summation, 'DuePayableAmount'), 'totals.payable'),
			taxTotals,
		},
		paymentTerms: termsText.length ? termsText.join('\n') : undefined,
		paymentMeansCode: text(paymentMeans, 'TypeCode'),
		iban: text(paymentMeans, 'PayeePartyCreditorFinancialAccount', 'IBANID'),
		paymentReference: text(settlement, 'PaymentReference'),
		notes: all(header, 'IncludedNote').flatMap((n) => {
			const content = text(n, 'Content');
			return content ? [{ subject: text(n, 'SubjectCode'), text: content }] : [];
		}),
		orderReference:
			text(agreement, 'BuyerOrderReferencedDocument', 'IssuerAssignedID') ??
			text(agreement, 'BuyerOrderReferencedDocument', 'ID'),
		buyerReference: text(agreement, 'BuyerReference'),
		contractReference: text(agreement, 'ContractReferencedDocument', 'IssuerAssignedID'),
		precedingInvoice: text(settlement, 'InvoiceReferencedDocument', 'IssuerAssignedID'),
		...(precedingInvoices.length ? { precedingInvoices } : {}),
		...(precedingInvoices[0]?.date ? { precedingInvoiceDate: precedingInvoices[0].date } : {}),
		...(taxPointDate ? { taxPointDate } : {}),
		...(reader.badDates.length ? { badDates: reader.badDates } : {}),
		...(billingPeriod ? { billingPeriod } : {}),
		testDocument:
			text(context, 'TestIndicator', 'Indicator')?.toLowerCase() === 'true' || undefined,
		source: { index: 0 },
		anomalies: reader.anomalies,
	};
}

/** The amounts of a CII invoice as written, where the official Schematron judges them (BR-FR-DEC-01). */
function ciiWrittenAmounts(transaction: XmlValue | undefined): WrittenAmount[] {
	const { found, add } = writtenAmountList();
	const settlement = one(transaction, 'ApplicableHeaderTradeSettlement');
	const charges = all(settlement, 'SpecifiedTradeAllowanceCharge');
	add(all(charges, 'ActualAmount'), 'BT-92/BT-99', 'allowanceCharges.amount');
	add(all(charges, 'BasisAmount'), 'BT-93', 'allowanceCharges.baseAmount');
	const summation = one(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
	for (const [name, label, field] of [
		['LineTotalAmount', 'BT-106', 'totals.lineTotal'],
		['AllowanceTotalAmount', 'BT-107', 'totals.allowanceTotal'],
		['ChargeTotalAmount', 'BT-108', 'totals.chargeTotal'],
		['TaxBasisTotalAmount', 'BT-109', 'totals.totalExcl'],
		['TaxTotalAmount', 'BT-110', 'totals.taxTotal'],
		['GrandTotalAmount', 'BT-112', 'totals.totalIncl'],
		['TotalPrepaidAmount', 'BT-113', 'totals.prepaid'],
		['RoundingAmount', 'BT-114', 'totals.rounding'],
		['DuePayableAmount', 'BT-115', 'totals.payable'],
	])
		add(all(summation, name), label, field);
	const taxes = all(settlement, 'ApplicableTradeTax');
	add(all(taxes, 'BasisAmount'), 'BT-116', 'vatBreakdown.taxable');
	add(all(taxes, 'CalculatedAmount'), 'BT-117', 'vatBreakdown.tax');
	all(transaction, 'IncludedSupplyChainTradeLineItem').forEach((line, i) => {
		const lineSettlement = one(line, 'SpecifiedLineTradeSettlement');
		const at = `lines[${text(line, 'AssociatedDocumentLineDocument', 'LineID') ?? i + 1}]`;
		add(
			all(lineSettlement, 'SpecifiedTradeSettlementLineMonetarySummation', 'LineTotalAmount'),
			'BT-131',
			`${at}.netAmount`,
		);
		const lineCharges = all(lineSettlement, 'SpecifiedTradeAllowanceCharge');
		add(all(lineCharges, 'ActualAmount'), 'BT-136', `${at}.allowanceCharges.amount`);
		add(all(lineCharges, 'BasisAmount'), 'BT-137', `${at}.allowanceCharges.baseAmount`);
	});
	return found;
}
