import type { Anomaly } from '../anomaly';
import type { InvoiceLine, InvoiceParty, ParsedInvoice } from '../parse/types';
import { ruleAnomaly } from './rules';

/**
 * The French flux 2 rules for invoices (FNFE-MPE "BR-FR-Flux2" Schematron V1.4.0, fnfempe/France_RFE, what the
 * approved platforms reject from 1 September 2026), ported for the fields the intake reads: identifiers and dates
 * (header, billing periods, tax point, preceding invoices, line references and dates), the references of credit notes
 * and corrective invoices (BR-FR-CO-03/04/05),
 * document type, mandatory coded notes, billing framework (BT-23), seller SIREN (BT-30), electronic addresses
 * (BT-34, BT-49) and their format, VAT categories and rates; and the special and line rules: SIRET and SIREN
 * (BR-FR-09), private identifiers (BR-FR-24/26), every SIREN of 9 digits (BR-FR-32), the BAR treatment note and the buyer's SIREN it requires (BR-FR-20, -31, -11), due date not before
 * the issue date (BR-FR-CO-07), framework and type (BR-FR-CO-08), invoices already paid (BR-FR-CO-09), foreign
 * currencies (BR-FR-CO-12), members of a single taxable person (BR-FR-CO-14/15), the numbers of each line as written (BR-FR-DEC-02, -03);
 * and on the header: routing addresses (BR-FR-21/22), attachments (BR-FR-17/18), invoiced objects (BR-FR-29), the
 * identifiers and addresses of the agents, payer, invoicee, invoicer and ship-to parties (BR-FR-09/23/25/32) and the
 * schemes of global identifiers (BR-FR-CO-10). Each anomaly code lists the Schematron assertions it stands for
 * (`brFr` in the rule table); test/fixtures/brfr runs the official Schematron on the same documents and compares.
 */

const ID_FORMAT = /^[A-Za-z0-9+\-_/]+$/;
const TYPE_CODES = new Set(
	'380 389 393 501 386 500 384 471 472 473 261 262 381 396 502 503'.split(' '),
);
const BILLING_MODES = new Set(
	'B1 S1 M1 B2 S2 M2 S3 B4 S4 M4 S5 S6 B7 S7 B8 S8 M8 B9 S9 M9'.split(' '),
);
const VAT_CATEGORIES = new Set(['S', 'E', 'AE', 'K', 'G', 'O', 'Z']);
/** The rates of the Schematron's list, as written there (it compares the text: "20", "20.0" and "20.00" pass, "20.000" does not). */
const VAT_RATES = new Set([
	'0',
	'0.0',
	'0.00',
	'10',
	'10.0',
	'10.00',
	'13',
	'13.0',
	'13.00',
	'20',
	'20.0',
	'20.00',
	'8.5',
	'8.50',
	'19.6',
	'19.60',
	'2.1',
	'2.10',
	'5.5',
	'5.50',
	'7',
	'7.0',
	'7.00',
	'20.6',
	'20.60',
	'1.05',
	'0.9',
	'0.90',
	'1.75',
	'9.2',
	'9.20',
	'9.6',
	'9.60',
]);
const NOTES: Record<string, { en: string; fr: string }> = {
	PMT: { en: 'fixed recovery indemnity', fr: 'indemnité forfaitaire pour frais de recouvrement' },
	PMD: { en: 'late-payment penalties', fr: 'pénalités de retard' },
	AAB: { en: 'early-payment discount or its absence', fr: "escompte ou absence d'escompte" },
};

function idProblem(value: string): { reasonEn: string; reasonFr: string } | undefined {
	if (value.length > 35)
		return {
			reasonEn: `${value.length} characters, at most 35`,
			reasonFr: `${value.length} caractères, au plus 35`,
		};
	if (!ID_FORMAT.test(value))
		return {
			reasonEn: 'only letters A-Z a-z, digits and + - _ / are allowed',
			reasonFr: 'seuls les lettres A-Z a-z, les chiffres et + - _ / sont admis',
		};
	return undefined;
}

const yearOutOfRange = (date: string): boolean => !/^20\d\d-/.test(date);

/** The treatments a BAR note may state (BR-FR-20). */
const BAR_TREATMENTS = new Set(['B2B', 'B2BINT', 'B2C', 'B2CINT', 'OUTOFSCOPE', 'ARCHIVEONLY']);
/** A number of at most 19 digits and `decimals` decimals, "." as separator, a "-" only where allowed (BR-FR-DEC-02, -03). */
function decimalProblem(value: string, decimals: number, negative: boolean): boolean {
	const pattern = new RegExp(`^${negative ? '-?' : ''}\\d{1,19}(\\.\\d{1,${decimals}})?$`);
	return !pattern.test(value) || value.replace('.', '').length > 19;
}

/** The attachment codes a supporting document's description (BT-123) may give (BR-FR-17). */
const ATTACHMENT_CODES = new Set(
	'RIB LISIBLE FEUILLE_DE_STYLE PJA BORDEREAU_SUIVI DOCUMENT_ANNEXE BON_LIVRAISON BON_COMMANDE BORDEREAU_SUIVI_VALIDATION ETAT_ACOMPTE FACTURE_PAIEMENT_DIRECT RECAPITULATIF_COTRAITANCE'.split(
		' ',
	),
);
/** Self-billing and similar types, for which the platforms route by the seller's address (BR-FR-21/22). */
const SELF_BILLED_TYPES = new Set(['389', '501', '500', '471', '473', '261', '502']);

/** A party the French rules judge, with the labels of its identifier (BR-FR-09, CO-10) and electronic address (BR-FR-23/25). */
interface JudgedParty {
	field: string;
	party: InvoiceParty;
	idLabel: string;
	addressLabel?: string;
	/** A line's deliver-to party in UBL: the official UBL file looks for its SIRET under DeliveryLocation/DeliveryLocation, never there (no BR-FR-09). */
	noSiretCheck?: boolean;
	/** A UBL deliver-to party: its identifiers are DeliveryLocation IDs, not PartyIdentification (no BR-FR-32). */
	locationIds?: boolean;
}

function judgedParties(invoice: ParsedInvoice): JudgedParty[] {
	const other = invoice.otherParties ?? {};
	const ubl = invoice.syntax === 'ubl';
	const list: Array<[string, InvoiceParty | undefined, string, string | undefined]> = [
		['seller', invoice.seller, 'BT-29', 'BT-34'],
		['buyer', invoice.buyer, 'BT-46', 'BT-49'],
		['payee', invoice.payee, 'BT-60', 'EXT-FR-FE-29'],
		['buyerAgent', other.buyerAgent, 'EXT-FR-FE-06', 'EXT-FR-FE-12'],
		['payer', other.payer, 'EXT-FR-FE-46', 'EXT-FR-FE-52'],
		['sellerAgent', other.sellerAgent, 'EXT-FR-FE-69', 'EXT-FR-FE-75'],
		['invoicee', other.invoicee, 'EXT-FR-FE-92', 'EXT-FR-FE-98'],
		['invoicer', other.invoicer, 'EXT-FR-FE-115', 'EXT-FR-FE-121'],
		['shipTo', other.shipTo, 'BT-71', undefined],
	];
	const parties: JudgedParty[] = list.flatMap(([field, party, idLabel, addressLabel]) =>
		party ? [{ field, party, idLabel, addressLabel, locationIds: ubl && field === 'shipTo' }] : [],
	);
	invoice.lines.forEach((line, i) => {
		if (line.shipTo)
			parties.push({
				field: `lines[${line.id ?? i + 1}].shipTo`,
				party: line.shipTo,
				idLabel: 'EXT-FR-FE-146',
				noSiretCheck: ubl,
				locationIds: ubl,
			});
	});
	return parties;
}

/** The BR-FR flux 2 anomalies of a UBL or CII invoice (the caller decides whether they apply: French seller, reform date). */
export function brFrRules(invoice: ParsedInvoice): Anomaly[] {
	const found: Anomaly[] = [];
	const ids: Array<[string, string | undefined]> = [
		['number', invoice.number],
		...(invoice.precedingInvoices ?? [{ number: invoice.precedingInvoice }]).map(
			(ref, i): [string, string | undefined] => [
				i === 0 ? 'precedingInvoice' : `precedingInvoices[${i + 1}]`,
				ref.number,
			],
		),
		...invoice.lines.map((line, i): [string, string | undefined] => [
			`lines[${line.id ?? i + 1}].precedingInvoice`,
			line.precedingInvoice,
		]),
		...invoice.lines.map((line, i): [string, string | undefined] => [
			`lines[${line.id ?? i + 1}].documentReference`,
			line.documentReference?.number,
		]),
	];
	for (const [field, value] of ids) {
		const problem = value === undefined ? undefined : idProblem(value);
		if (problem) found.push(ruleAnomaly('BR_FR_ID_FORMAT', field, { value, ...problem }));
	}
	const dates: Array<[string, string | undefined]> = [
		['issueDate', invoice.issueDate],
		['taxPointDate', invoice.taxPointDate],
		['dueDate', invoice.dueDate],
		...(invoice.precedingInvoices ?? []).map((ref, i): [string, string | undefined] => [
			i === 0 ? 'precedingInvoiceDate' : `precedingInvoices[${i + 1}].date`,
			ref.date,
		]),
		['deliveryDate', invoice.deliveryDate ?? invoice.delivery?.date],
		['billingPeriod.start', invoice.billingPeriod?.start],
		['billingPeriod.end', invoice.billingPeriod?.end],
		...invoice.lines.flatMap((line, i): Array<[string, string | undefined]> => {
			const at = `lines[${line.id ?? i + 1}]`;
			return [
				[`${at}.billingPeriod.start`, line.billingPeriod?.start],
				[`${at}.billingPeriod.end`, line.billingPeriod?.end],
				[`${at}.precedingInvoiceDate`, line.precedingInvoiceDate],
				[`${at}.documentReference.date`, line.documentReference?.date],
				[`${at}.deliveryDate`, line.deliveryDate],
			];
		}),
	];
	for (const [field, value] of dates) {
		if (value && yearOutOfRange(value))
			found.push(
				ruleAnomaly('BR_FR_DATE_RANGE', field, {
					value,
					problemEn: 'is outside the years 2000 to 2099 the platforms accept',
					problemFr: 'est hors des années 2000 à 2099 acceptées par les plateformes',
				}),
			);
	}
	// a date the intake cannot read (left out of the invoice) or not written as the syntax says: the platforms reject
	// its format, as here
	for (const { field, value } of invoice.badDates ?? [])
		found.push(
			ruleAnomaly('BR_FR_DATE_RANGE', field, {
				value,
				problemEn:
					'is not a date the platforms accept (a real day of the years 2000 to 2099, YYYY-MM-DD in UBL, YYYYMMDD in CII)',
				problemFr:
					"n'est pas une date acceptée par les plateformes (un jour réel des années 2000 à 2099, AAAA-MM-JJ en UBL, AAAAMMJJ en CII)",
			}),
		);
	if (invoice.typeCode !== undefined && !TYPE_CODES.has(invoice.typeCode.trim()))
		found.push(ruleAnomaly('BR_FR_TYPE_CODE', 'typeCode', { value: invoice.typeCode }));

	const subjects = invoice.notes.map((n) => n.subject?.trim().toUpperCase());
	for (const [code, what] of Object.entries(NOTES)) {
		if (!subjects.includes(code))
			found.push(
				ruleAnomaly('BR_FR_NOTE_MISSING', `notes.${code}`, {
					value: code,
					whatEn: what.en,
					whatFr: what.fr,
				}),
			);
	}
	for (const code of ['PMT', 'PMD', 'AAB', 'TXD']) {
		const count = subjects.filter((s) => s === code).length;
		if (count > 1)
			found.push(ruleAnomaly('BR_FR_NOTE_REPEATED', `notes.${code}`, { value: code, count }));
	}

	const mode = invoice.businessProcess?.trim();
	if (!mode || !BILLING_MODES.has(mode))
		found.push(
			ruleAnomaly('BR_FR_BILLING_MODE', 'businessProcess', {
				value: mode ? `"${mode}"` : 'absent / absent',
			}),
		);

	const legal = invoice.seller.legalId;
	if (!legal || legal.scheme !== '0002' || !/^\d{9}$/.test(legal.value.trim())) {
		found.push(
			ruleAnomaly('BR_FR_SELLER_SIREN_LEGAL', 'seller.legalId', {
				value: legal ? `"${legal.value}"${legal.scheme ? ` (${legal.scheme})` : ''}` : '—',
			}),
		);
	}
	if (!invoice.seller.electronicAddress?.value)
		found.push(
			ruleAnomaly('BR_FR_ELECTRONIC_ADDRESS', 'seller.electronicAddress', {
				value: 'BT-34',
				whatEn: 'seller',
				whatFr: 'du vendeur',
			}),
		);
	if (!invoice.buyer.electronicAddress?.value)
		found.push(
			ruleAnomaly('BR_FR_ELECTRONIC_ADDRESS', 'buyer.electronicAddress', {
				value: 'BT-49',
				whatEn: 'buyer',
				whatFr: "de l'acheteur",
			}),
		);

	// BR-FR-09: a SIRET (global identifier, scheme 0009) has 14 digits and starts with the party's SIREN (its legal id,
	// scheme 0002; for the parties other than seller and buyer, when they give none, the SIRET's first 9 digits)
	const parties = judgedParties(invoice);
	for (const { field, party, idLabel, noSiretCheck } of parties) {
		const siret = party.identifiers.find((i) => i.global && i.scheme === '0009');
		if (!siret || noSiretCheck) continue;
		const legal = party.legalId?.scheme === '0002' ? party.legalId.value : undefined;
		const siren =
			legal ?? (field === 'seller' || field === 'buyer' ? undefined : siret.value.slice(0, 9));
		if (!/^\d{14}$/.test(siret.value) || siret.value.slice(0, 9) !== siren) {
			found.push(
				ruleAnomaly('BR_FR_SIRET_SIREN', `${field}.identifiers`, {
					value: siret.value,
					siren: siren ?? '—',
					label: idLabel,
				}),
			);
		}
	}
	// BR-FR-24, BR-FR-26: a private identifier (scheme 0224) of the seller or buyer: letters, digits and + - _ . only, at most 100 characters
	for (const [field, party, label] of [
		['seller', invoice.seller, 'BT-29'],
		['buyer', invoice.buyer, 'BT-46'],
	] as const) {
		for (const id of party.identifiers.filter((i) => i.global && i.scheme === '0224')) {
			if (id.value.length > 100)
				found.push(
					ruleAnomaly('BR_FR_PRIVATE_ID_FORMAT', `${field}.identifiers`, {
						value: `${id.value.slice(0, 40)}…`,
						label,
						reasonEn: `${id.value.length} characters, at most 100`,
						reasonFr: `${id.value.length} caractères, au plus 100`,
					}),
				);
			else if (!/^[A-Za-z0-9+\-_.]+$/.test(id.value))
				found.push(
					ruleAnomaly('BR_FR_PRIVATE_ID_FORMAT', `${field}.identifiers`, {
						value: id.value,
						label,
						reasonEn: 'only letters A-Z a-z, digits and + - _ . are allowed',
						reasonFr: 'seuls les lettres A-Z a-z, les chiffres et + - _ . sont admis',
					}),
				);
		}
	}
	// BR-FR-32: every SIREN of a party (legal identifier scheme 0002, global identifier scheme 0002 or 0231) has 9 digits
	for (const { field, party, locationIds } of [
		...parties,
		...(invoice.taxRepresentative
			? [{ field: 'taxRepresentative', party: invoice.taxRepresentative, locationIds: false }]
			: []),
	]) {
		if (party.legalId?.scheme === '0002' && !/^\d{9}$/.test(party.legalId.value.trim()))
			found.push(
				ruleAnomaly('BR_FR_SIREN_DIGITS', `${field}.legalId`, { value: party.legalId.value }),
			);
		if (locationIds) continue;
		for (const id of party.identifiers.filter(
			(i) =>
				i.global && (i.scheme === '0002' || i.scheme === '0231') && !/^\d{9}$/.test(i.value.trim()),
		)) {
			found.push(ruleAnomaly('BR_FR_SIREN_DIGITS', `${field}.identifiers`, { value: id.value }));
		}
	}
	// BR-FR-20, BR-FR-31: the BAR note (treatment of the invoice) states one treatment of the list
	const bar = invoice.notes
		.filter((n) => n.subject?.trim().toUpperCase() === 'BAR')
		.map((n) => n.text.trim());
	for (const value of bar)
		if (!BAR_TREATMENTS.has(value))
			found.push(ruleAnomaly('BR_FR_BAR_TREATMENT', 'notes.BAR', { value }));
	if (bar.filter((v) => BAR_TREATMENTS.has(v)).length > 1)
		found.push(ruleAnomaly('BR_FR_BAR_TREATMENT', 'notes.BAR', { value: bar.join(' + ') }));
	// BR-FR-11: a B2B treatment needs the buyer's SIREN (legal id, scheme 0002, 9 digits)
	if (bar.includes('B2B')) {
		const buyerLegal = invoice.buyer.legalId;
		if (buyerLegal?.scheme !== '0002' || !/^\d{9}$/.test(buyerLegal.value)) {
			found.push(
				ruleAnomaly('BR_FR_BUYER_SIREN_B2B', 'buyer.legalId', {
					value: buyerLegal
						? `"${buyerLegal.value}"${buyerLegal.scheme ? ` (${buyerLegal.scheme})` : ''}`
						: '—',
				}),
			);
		}
	}
	// BR-FR-23, BR-FR-25: electronic addresses of at most 125 characters; with scheme 0225, letters, digits and + - _ . only
	for (const { field, party, addressLabel: label } of parties) {
		const address = party.electronicAddress;
		if (!address?.value || !label) continue;
		if (address.value.length > 125) {
			found.push(
				ruleAnomaly('BR_FR_ELECTRONIC_ADDRESS_FORMAT', `${field}.electronicAddress`, {
					value: `${address.value.slice(0, 40)}…`,
					label,
					reasonEn: `${address.value.length} characters, at most 125`,
					reasonFr: `${address.value.length} caractères, au plus 125`,
				}),
			);
		} else if (address.scheme === '0225' && !/^[A-Za-z0-9+\-_.]+$/.test(address.value)) {
			found.push(
				ruleAnomaly('BR_FR_ELECTRONIC_ADDRESS_FORMAT', `${field}.electronicAddress`, {
					value: address.value,
					label,
					reasonEn: 'with scheme 0225 only letters A-Z a-z, digits and + - _ . are allowed',
					reasonFr:
						'avec le schéma 0225 seuls les lettres A-Z a-z, les chiffres et + - _ . sont admis',
				}),
			);
		}
	}
	// BR-FR-CO-03: a global discount credit note (262) gives the contract and the billing period
	const docType = invoice.typeCode?.trim() ?? '';
	// the official UBL file judges BR-FR-CO-03 and -05 on a CreditNote document only, BR-FR-CO-04 on an Invoice only
	const creditRoot = invoice.ublRoot !== 'Invoice';
	const invoiceRoot = invoice.ublRoot !== 'CreditNote';
	if (docType === '262' && creditRoot) {
		const missing: Array<[string, string]> = [];
		if (!invoice.contractReference)
			missing.push(['the contract reference (BT-12)', 'la référence du contrat (BT-12)']);
		if (!invoice.billingPeriod?.start || !invoice.billingPeriod.end)
			missing.push([
				'the billing period start and end (BT-73, BT-74)',
				'les dates de début et de fin de la période de facturation (BT-73, BT-74)',
			]);
		if (missing.length)
			found.push(
				ruleAnomaly('BR_FR_DISCOUNT_CREDIT_NOTE', 'typeCode', {
					value: docType,
					missingEn: missing.map((m) => m[0]).join(' and '),
					missingFr: missing.map((m) => m[1]).join(' et '),
				}),
			);
	}
	// BR-FR-CO-04: a corrective invoice refers to exactly one preceding invoice
	// (the official UBL file counts every cac:BillingReference, of any kind; CII the referenced invoices)
	const references = invoice.precedingInvoices ?? [];
	const referenceCount =
		invoice.syntax === 'ubl' ? (invoice.billingReferences ?? 0) : references.length;
	if (['384', '471', '472', '473'].includes(docType) && invoiceRoot && referenceCount !== 1)
		found.push(
			ruleAnomaly('BR_FR_CORRECTIVE_REFERENCE', 'precedingInvoice', {
				value: docType,
				count: referenceCount,
			}),
		);
	// BR-FR-CO-05: a credit note names a preceding invoice with its date, in the header or on every detail line
	if (['261', '381', '396', '502', '503'].includes(docType) && creditRoot) {
		const header = references.some((r) => r.number && r.date);
		const lines = invoice.lines
			.filter((l) => l.subtype === undefined || l.subtype.trim() === 'DETAIL')
			.every((l) => l.precedingInvoice && l.precedingInvoiceDate);
		if (!header && !lines)
			found.push(
				ruleAnomaly('BR_FR_CREDIT_NOTE_REFERENCE', 'precedingInvoice', { value: docType }),
			);
	}
	// BR-FR-CO-07: the due date is not before the issue date (except prepayment invoices and invoices already paid)
	if (
		invoice.dueDate &&
		invoice.issueDate &&
		invoice.dueDate < invoice.issueDate &&
		!['386', '500', '503'].includes(invoice.typeCode?.trim() ?? '') &&
		!['B2', 'S2', 'M2'].includes(mode ?? '')
	) {
		found.push(
			ruleAnomaly('BR_FR_DUE_BEFORE_ISSUE', 'dueDate', {
				value: invoice.dueDate,
				issueDate: invoice.issueDate,
			}),
		);
	}
	// BR-FR-CO-08: final invoices after a deposit (B4, S4, M4) are not prepayment documents
	const type = invoice.typeCode?.trim() ?? '';
	if (['B4', 'S4', 'M4'].includes(mode ?? '') && ['386', '500', '503'].includes(type)) {
		found.push(ruleAnomaly('BR_FR_FRAMEWORK_TYPE', 'typeCode', { value: type, framework: mode }));
	}
	// BR-FR-CO-09: an invoice already paid (B2, S2, M2) states the amount paid equal to its total, 0 to pay, and the payment date as due date
	if (['B2', 'S2', 'M2'].includes(mode ?? '')) {
		const { prepaidMinor, totalInclMinor, payableMinor } = invoice.totals;
		const problems: Array<[string, string]> = [];
		if (
			prepaidMinor === undefined ||
			totalInclMinor === undefined ||
			prepaidMinor !== totalInclMinor
		)
			problems.push([
				'the amount paid (BT-113) is not the total with VAT (BT-112)',
				"le montant payé (BT-113) n'est pas le total TTC (BT-112)",
			]);
		if (payableMinor !== 0n)
			problems.push(['the amount due (BT-115) is not 0', "le net à payer (BT-115) n'est pas 0"]);
		if (!invoice.dueDate)
			problems.push([
				'no due date (BT-9) gives the payment date',
				"aucune date d'échéance (BT-9) ne donne la date de paiement",
			]);
		if (problems.length)
			found.push(
				ruleAnomaly('BR_FR_PAID_FRAMEWORK', 'businessProcess', {
					value: mode,
					reasonEn: problems.map((p) => p[0]).join('; '),
					reasonFr: problems.map((p) => p[1]).join(' ; '),
				}),
			);
	}
	// BR-FR-CO-12: an invoice in another currency than the euro gives the VAT accounting currency EUR and its VAT total in euros
	if (
		invoice.currency &&
		invoice.currency !== 'EUR' &&
		(invoice.taxCurrency !== 'EUR' || !invoice.totals.taxTotals.some((t) => t.currency === 'EUR'))
	) {
		found.push(ruleAnomaly('BR_FR_FOREIGN_CURRENCY', 'taxCurrency', { value: invoice.currency }));
	}
	// BR-FR-CO-14, BR-FR-CO-15: a seller member of a single taxable person (identifier scheme 0231) says so in a TXD note
	// and names the single taxable person, with its VAT number, as tax representative
	if (invoice.seller.identifiers.some((i) => i.scheme === '0231')) {
		const txd = invoice.notes.some(
			(n) =>
				n.subject?.trim().toUpperCase() === 'TXD' && n.text.trim() === 'MEMBRE_ASSUJETTI_UNIQUE',
		);
		if (!txd || !invoice.taxRepresentative?.vatId) {
			const missingEn = [
				!txd && 'a TXD note MEMBRE_ASSUJETTI_UNIQUE',
				!invoice.taxRepresentative?.vatId &&
					"the tax representative with the single taxable person's VAT number (BT-63)",
			]
				.filter(Boolean)
				.join(' and ');
			const missingFr = [
				!txd && 'une note TXD MEMBRE_ASSUJETTI_UNIQUE',
				!invoice.taxRepresentative?.vatId &&
					"le représentant fiscal avec le numéro de TVA de l'assujetti unique (BT-63)",
			]
				.filter(Boolean)
				.join(' et ');
			found.push(
				ruleAnomaly('BR_FR_SINGLE_TAXABLE_PERSON', 'seller.identifiers', { missingEn, missingFr }),
			);
		}
	}
	// --- header rules on routing, attachments, invoiced objects and the schemes of identifiers ---
	// BR-FR-21, BR-FR-22: a B2B invoice (BAR note) is routed by the buyer's electronic address (BT-49), or for
	// self-billing types by the seller's (BT-34): that address has scheme 0225 and starts with the party's SIREN (its
	// legal identifier, as the official files read it: any scheme in CII, scheme 0002 in UBL). The official UBL file
	// judges BR-FR-22 for any BAR treatment, the CII file for B2B only: each syntax as its file does.
	const selfBilled = SELF_BILLED_TYPES.has(docType);
	const routed = selfBilled
		? invoice.syntax === 'ubl'
			? bar.length > 0
			: bar.includes('B2B')
		: bar.includes('B2B');
	if (routed) {
		const [field, party, label, whatEn, whatFr] = selfBilled
			? (['seller', invoice.seller, 'BT-34', 'seller', 'du vendeur'] as const)
			: (['buyer', invoice.buyer, 'BT-49', 'buyer', "de l'acheteur"] as const);
		const legal = party.legalId;
		const siren = legal && (invoice.syntax !== 'ubl' || legal.scheme === '0002') ? legal.value : '';
		const address = party.electronicAddress;
		if (!address?.value.startsWith(siren) || address.scheme !== '0225')
			found.push(
				ruleAnomaly('BR_FR_ROUTING_ADDRESS', `${field}.electronicAddress`, {
					value: address
						? `"${address.value}"${address.scheme ? ` (${address.scheme})` : ''}`
						: '—',
					label,
					siren: siren || '—',
					whatEn,
					whatFr,
				}),
			);
	}
	// BR-FR-17: the description (BT-123) of a supporting document (CII: type 916; the UBL file: every additional
	// document) is one of the French attachment codes
	const documents = invoice.additionalDocuments ?? [];
	documents.forEach((doc, i) => {
		if (invoice.syntax !== 'ubl' && doc.typeCode !== '916') return;
		if (doc.description && !ATTACHMENT_CODES.has(doc.description))
			found.push(
				ruleAnomaly('BR_FR_ATTACHMENT_CODE', `additionalDocuments[${i + 1}].description`, {
					value: doc.description,
				}),
			);
	});
	// BR-FR-18: one readable copy (description LISIBLE) at most
	const readable = documents.filter((d) => d.description === 'LISIBLE').length;
	if (readable > 1)
		found.push(
			ruleAnomaly('BR_FR_READABLE_COPY', 'additionalDocuments', {
				value: 'LISIBLE',
				count: readable,
			}),
		);
	// BR-FR-29: the invoiced objects (BT-18) with schemes AFL and AVV: once each (the CII file counts them in the
	// header; the UBL file within one reference, where a second is impossible), and never with an empty identifier
	for (const scheme of ['AFL', 'AVV']) {
		const objects = documents.filter((d) => d.scheme === scheme);
		if (invoice.syntax !== 'ubl' && objects.length > 1)
			found.push(
				ruleAnomaly('BR_FR_INVOICED_OBJECT', 'additionalDocuments', {
					value: scheme,
					reasonEn: `${objects.length} identifiers with that scheme, at most 1`,
					reasonFr: `${objects.length} identifiants avec ce schéma, au plus 1`,
				}),
			);
		if (objects.some((d) => d.id !== undefined && d.id.trim() === ''))
			found.push(
				ruleAnomaly('BR_FR_INVOICED_OBJECT', 'additionalDocuments', {
					value: scheme,
					reasonEn: 'an empty identifier',
					reasonFr: 'un identifiant vide',
				}),
			);
	}
	// BR-FR-30: a line's invoiced objects (BT-128) with scheme AFL or AVV have an identifier. Judged in UBL only
	// (DocumentReference of the line, where one reference cannot hold two): the official CII file looks for them
	// directly under the line item, where the CII schema has none.
	invoice.lines.forEach((line, i) => {
		if (invoice.syntax !== 'ubl') return;
		for (const scheme of ['AFL', 'AVV'])
			if (
				line.objectReferences?.some(
					(o) => o.scheme === scheme && o.id !== undefined && o.id.trim() === '',
				)
			)
				found.push(
					ruleAnomaly('BR_FR_INVOICED_OBJECT', `lines[${line.id ?? i + 1}].objectReferences`, {
						value: scheme,
						reasonEn: 'an empty identifier',
						reasonFr: 'un identifiant vide',
					}),
				);
	});
	// BR-FR-CO-10: every global identifier of a party (CII GlobalID, UBL PartyIdentification or DeliveryLocation ID)
	// states its scheme, and a scheme appears once per party
	for (const { field, party, idLabel } of parties) {
		const globals = party.identifiers.filter((i) => i.global);
		const schemes = globals.flatMap((i) => (i.scheme ? [i.scheme] : []));
		const unschemed = globals.find((i) => !i.scheme);
		const repeated = schemes.find((scheme, i) => schemes.indexOf(scheme) !== i);
		if (unschemed)
			found.push(
				ruleAnomaly('BR_FR_IDENTIFIER_SCHEME', `${field}.identifiers`, {
					value: unschemed.value,
					label: idLabel,
					reasonEn: 'no scheme (schemeID)',
					reasonFr: 'sans schéma (schemeID)',
				}),
			);
		if (repeated)
			found.push(
				ruleAnomaly('BR_FR_IDENTIFIER_SCHEME', `${field}.identifiers`, {
					value: repeated,
					label: idLabel,
					reasonEn: `scheme ${repeated} given twice`,
					reasonFr: `schéma ${repeated} donné deux fois`,
				}),
			);
	}
	// --- end of the header rules on routing, attachments, invoiced objects and identifier schemes ---
	// BR-FR-DEC-02, BR-FR-DEC-03: the numbers of each line as written (quantities 4 decimals, net price 6 decimals and
	// positive except in the B9/S9/M9 frameworks; at most 19 digits)
	const specialBd = ['B9', 'S9', 'M9'].includes(mode ?? '');
	invoice.lines.forEach((line, i) => {
		const at = `lines[${line.id ?? i + 1}]`;
		for (const [field, value, decimals, negative, label] of [
			['quantity', line.quantity, 4, true, 'BT-129'],
			['priceBaseQuantity', line.priceBaseQuantity, 4, true, 'BT-149'],
			['netPrice', line.netPrice, 6, specialBd, 'BT-146'],
		] as const) {
			if (value !== undefined && decimalProblem(value, decimals, negative)) {
				found.push(
					ruleAnomaly('BR_FR_LINE_NUMBER_FORMAT', `${at}.${field}`, {
						value,
						label,
						decimals,
						signEn: negative ? 'a leading "-" allowed' : 'no sign',
						signFr: negative ? 'un « - » en tête admis' : 'sans signe',
					}),
				);
			}
		}
	});

	found.push(...frenchLineRules(invoice, specialBd));

	const taxes: Array<{ field: string; category?: string; rate?: string }> = [
		...invoice.vatBreakdown.map((b, i) => ({
			field: `vatBreakdown[${i + 1}]`,
			category: b.category,
			rate: b.ratePercent,
		})),
		...invoice.lines.map((l, i) => ({
			field: `lines[${l.id ?? i + 1}]`,
			category: l.vatCategory,
			rate: l.vatRate,
		})),
	];
	for (const { field, category, rate } of taxes) {
		// a line without a category is for EN 16931 to report (BR-CO-04); the French rule judges the code given
		if (category !== undefined && !VAT_CATEGORIES.has(category.trim()))
			found.push(ruleAnomaly('BR_FR_VAT_CATEGORY', field, { value: category }));
		if (rate !== undefined && rate !== '' && !VAT_RATES.has(rate.trim()))
			found.push(ruleAnomaly('BR_FR_VAT_RATE', field, { value: rate }));
	}
	return found;
}

/**
 * The French rules on the lines' item attributes and prices, as written in the file: item attributes (BR-FR-27/28)
 * and gross prices and price discounts (BR-FR-DEC-03 on BT-148 and BT-147).
 */
function frenchLineRules(invoice: ParsedInvoice, specialBd: boolean): Anomaly[] {
	const found: Anomaly[] = [];
	invoice.lines.forEach((line, i) => {
		const at = `lines[${line.id ?? i + 1}]`;
		(line.attributes ?? []).forEach((attribute, j) => {
			const field = `${at}.attributes[${j + 1}]`;
			const { name, code, value, measure, measureUnit } = attribute;
			// BR-FR-27: a name (BT-160) or a code (EXT-FR-FE-159), neither empty. The official UBL file looks for the
			// attributes under the document instead of its lines and so never judges them: a UBL invoice is not judged either.
			if (invoice.syntax !== 'ubl') {
				const problem =
					name === undefined && code === undefined
						? [
								'neither a name (BT-160) nor a code (EXT-FR-FE-159)',
								'ni nom (BT-160) ni code (EXT-FR-FE-159)',
							]
						: name === '' || code === ''
							? [
									`an empty ${name === '' ? 'name (BT-160)' : 'code (EXT-FR-FE-159)'}`,
									`un ${name === '' ? 'nom (BT-160)' : 'code (EXT-FR-FE-159)'} vide`,
								]
							: undefined;
				if (problem)
					found.push(
						ruleAnomaly('BR_FR_ITEM_ATTRIBUTE', field, {
							value: name || code || '—',
							reasonEn: problem[0],
							reasonFr: problem[1],
						}),
					);
			}
			// BR-FR-28: a value (BT-161) or a measure with its unit, not both
			const valued =
				(value !== undefined && measure === undefined) ||
				(value === undefined && measure !== undefined && !!measureUnit);
			if (!valued)
				found.push(
					ruleAnomaly('BR_FR_ITEM_ATTRIBUTE', field, {
						value: name || code || '—',
						reasonEn:
							value !== undefined
								? 'both a value and a measure'
								: measure !== undefined
									? 'a measure without its unit'
									: 'no value',
						reasonFr:
							value !== undefined
								? 'à la fois une valeur et une mesure'
								: measure !== undefined
									? 'une mesure sans son unité'
									: 'aucune valeur',
					}),
				);
		});
		// BR-FR-DEC-03: gross prices (BT-148) and price discounts (BT-147) at most 6 decimals, positive outside B9/S9/M9
		// (the official UBL file lets an empty amount pass, the CII file does not)
		for (const [values, label, name] of [
			[line.grossPrices, 'BT-148', 'grossPrice'],
			[line.priceDiscounts, 'BT-147', 'priceDiscount'],
		] as const) {
			(values ?? []).forEach((value, j) => {
				if (value === '' && invoice.syntax === 'ubl') return;
				if (!decimalProblem(value, 6, specialBd)) return;
				found.push(
					ruleAnomaly(
						'BR_FR_LINE_NUMBER_FORMAT',
						`${at}.${name}${values!.length > 1 ? `[${j + 1}]` : ''}`,
						{
							value,
							label,
							decimals: 6,
							signEn: specialBd ? 'a leading "-" allowed' : 'no sign',
							signFr: specialBd ? 'un « - » en tête admis' : 'sans signe',
						},
					),
				);
			});
		}
	});
	found.push(...lineSubtypeRules(invoice));
	// BR-FR-DEC-01: the document's amounts as written, at most 2 decimals after a ".", 19 digits, a leading "-" allowed
	for (const { label, field, value } of invoice.writtenAmounts ?? [])
		if (decimalProblem(value, 2, true))
			found.push(ruleAnomaly('BR_FR_AMOUNT_FORMAT', field, { value, label }));
	return found;
}

/**
 * The multi-vendor (S8, B8, M8) and B9/S9/M9 frameworks' line sub-types (BR-FR-MV-01/02/03/13/14, BR-FR-BD-02/13/14):
 * every line states its sub-type, GROUP lines without a parent head each seller's lines (at least one; in B9/S9/M9
 * exactly two, one of the seller and one of the buyer) and carry that seller, its VAT totals, its sub-invoice number
 * and, on corrective invoices and credit notes, the preceding invoice; the document type follows the framework.
 */
function lineSubtypeRules(invoice: ParsedInvoice): Anomaly[] {
	const found: Anomaly[] = [];
	const mode = invoice.businessProcess?.trim() ?? '';
	const mv = ['S8', 'B8', 'M8'].includes(mode);
	const bd = ['S9', 'B9', 'M9'].includes(mode);
	if (!mv && !bd) return found;
	const ubl = invoice.syntax === 'ubl';
	const at = (line: InvoiceLine, i: number): string => `lines[${line.id ?? i + 1}]`;
	const subtype = (reasonEn: string, reasonFr: string, field = 'lines'): void => {
		found.push(ruleAnomaly('BR_FR_LINE_SUBTYPE', field, { value: mode, reasonEn, reasonFr }));
	};
	// BR-FR-MV-01: every line's sub-type is stated (the CII file judges the sub-types written, the UBL file every line)
	invoice.lines.forEach((line, i) => {
		if (line.subtype === '' || (ubl && line.subtype === undefined))
			subtype(
				`line ${line.id ?? i + 1} states no sub-type (EXT-FR-FE-163)`,
				`la ligne ${line.id ?? i + 1} n'indique pas de sous-type (EXT-FR-FE-163)`,
				`${at(line, i)}.subtype`,
			);
	});
	const groups = invoice.lines.filter((l) => l.subtype === 'GROUP' && l.parentLineId === undefined);
	// BR-FR-MV-02, BR-FR-BD-02: the GROUP lines without a parent
	if (mv && groups.length === 0)
		subtype(
			'no GROUP line without a parent heads the lines of a seller',
			"aucune ligne GROUP sans parent n'ouvre les lignes d'un vendeur",
		);
	if (bd) {
		if (groups.length !== 2)
			subtype(
				`${groups.length} GROUP line(s) without a parent, exactly 2 expected (the seller's and the buyer's)`,
				`${groups.length} ligne(s) GROUP sans parent, exactement 2 attendues (celle du vendeur et celle de l'acheteur)`,
			);
		for (const [party, en, fr] of [
			[invoice.seller, 'seller (BT-30)', 'du vendeur (BT-30)'],
			[invoice.buyer, 'buyer (BT-47)', "de l'acheteur (BT-47)"],
		] as const) {
			const legal = party.legalId?.value;
			const count = groups.filter((l) => legal && l.lineSeller?.legalId === legal).length;
			if (count !== 1)
				subtype(
					`${count} GROUP line(s) without a parent carry the legal identifier of the ${en}, exactly 1 expected`,
					`${count} ligne(s) GROUP sans parent portent l'identifiant légal ${fr}, exactement 1 attendue`,
				);
		}
	}
	// BR-FR-MV-13, BR-FR-BD-13: self-billed types are excluded from S8/B8/M8 and required in B9/S9/M9
	const type = invoice.typeCode?.trim();
	if (type !== undefined && SELF_BILLED_TYPES.has(type) === mv)
		found.push(
			ruleAnomaly('BR_FR_FRAMEWORK_SELF_BILLING', 'typeCode', {
				value: type,
				framework: mode,
				reasonEn: mv ? 'a self-billed type, excluded' : 'not a self-billed type, required',
				reasonFr: mv ? 'un type autofacturé, exclu' : "pas un type d'autofacturation, requis",
			}),
		);
	// BR-FR-MV-06, -07: every line names its seller's legal identifier and its sub-invoice number (AFL, type 130),
	// those of its parent line when it has one
	const afl = (line: InvoiceLine | undefined): string =>
		line?.objectReferences?.find((r) => r.scheme === 'AFL' && r.typeCode === '130')?.id?.trim() ??
		'';
	const legal = (line: InvoiceLine | undefined): string => line?.lineSeller?.legalId ?? '';
	invoice.lines.forEach((line, i) => {
		const parent =
			line.parentLineId === undefined
				? undefined
				: invoice.lines.find((l) => l.id === line.parentLineId);
		for (const [value, label, en, fr, noneFr] of [
			[
				legal,
				'EXT-FR-FE-167',
				"the seller's legal identifier",
				"l'identifiant légal du vendeur",
				"pas d'identifiant légal du vendeur",
			],
			[
				afl,
				'BT-128',
				'the sub-invoice number (AFL)',
				'le numéro de sous-facture (AFL)',
				'pas de numéro de sous-facture (AFL)',
			],
		] as const) {
			const own = value(line);
			if (own !== '' && (line.parentLineId === undefined || own === value(parent))) continue;
			found.push(
				ruleAnomaly('BR_FR_LINE_SELLER', at(line, i), {
					value: line.id ?? String(i + 1),
					framework: mode,
					label,
					reasonEn: own === '' ? `no ${en}` : `${en} "${own}" differs from its parent line's`,
					reasonFr: own === '' ? noneFr : `${fr} « ${own} » diffère de celui de sa ligne parent`,
				}),
			);
		}
	});
	// BR-FR-MV-08: a DETAIL line's VAT exemption reason starts with its sub-invoice number between # signs
	invoice.lines.forEach((line, i) => {
		if (line.subtype !== 'DETAIL') return;
		const number = afl(line);
		if (number !== '' && (line.vatExemptionReason ?? '').startsWith(`#${number}#`)) return;
		found.push(
			ruleAnomaly('BR_FR_LINE_SELLER', at(line, i), {
				value: line.id ?? String(i + 1),
				framework: mode,
				label: 'BT-120',
				reasonEn: `its VAT exemption reason "${line.vatExemptionReason ?? ''}" does not start with #${number || 'AFL'}#`,
				reasonFr: `son motif d'exonération de TVA « ${line.vatExemptionReason ?? ''} » ne commence pas par #${number || 'AFL'}#`,
			}),
		);
	});
	found.push(...groupTotalRules(invoice, mode, afl), ...subInvoiceNumberRules(invoice, mode, afl));
	// BR-FR-MV-03, -14, BR-FR-BD-14: what each GROUP line without a parent carries
	const corrective = mv
		? ['384', '472', '381', '396', '503'].includes(type ?? '')
		: ['261', '471', '473', '502'].includes(type ?? '');
	invoice.lines.forEach((line, i) => {
		if (line.subtype !== 'GROUP' || line.parentLineId !== undefined) return;
		const missing: Array<[string, string]> = [];
		if (!line.lineSeller?.name)
			missing.push(["the seller's name (EXT-FR-FE-164)", 'le nom du vendeur (EXT-FR-FE-164)']);
		if (!line.lineSeller?.legalId)
			missing.push([
				"the seller's legal identifier (EXT-FR-FE-167)",
				"l'identifiant légal du vendeur (EXT-FR-FE-167)",
			]);
		if (!line.lineSeller?.country)
			missing.push(["the seller's country (EXT-FR-FE-177)", 'le pays du vendeur (EXT-FR-FE-177)']);
		const totals = line.lineTaxTotals ?? [];
		for (const [currency, label] of [
			[invoice.currency, 'EXT-FR-FE-181'],
			[invoice.taxCurrency, 'EXT-FR-FE-182'],
		] as const) {
			if (currency === undefined && label === 'EXT-FR-FE-182') continue;
			if (!totals.some((t) => t.currency === currency && t.amount !== ''))
				missing.push([
					`the VAT total in ${currency ?? '—'} (${label})`,
					`le total de TVA en ${currency ?? '—'} (${label})`,
				]);
		}
		const references = line.objectReferences ?? [];
		for (const scheme of ['AFL', 'AVV']) {
			const valid = (r: { id?: string; typeCode?: string }): boolean =>
				r.typeCode === '130' && !!r.id && (scheme === 'AFL' || !['M8', 'S8', 'B8'].includes(r.id));
			// the CII file judges the AFL and AVV references written, the UBL file requires them
			const ok = ubl
				? references.some((r) => r.scheme === scheme && valid(r))
				: references.filter((r) => r.scheme === scheme).every(valid);
			if (!ok)
				missing.push([
					`a valid ${scheme} object reference of type 130 (BT-128)`,
					`une référence d'objet ${scheme} de type 130 valide (BT-128)`,
				]);
		}
		if (corrective && !line.precedingInvoice)
			missing.push([
				'the preceding invoice (EXT-FR-FE-136)',
				'la facture antérieure (EXT-FR-FE-136)',
			]);
		if (corrective && !line.precedingInvoiceDate)
			missing.push([
				"the preceding invoice's date (EXT-FR-FE-138)",
				'la date de la facture antérieure (EXT-FR-FE-138)',
			]);
		if (missing.length)
			found.push(
				ruleAnomaly('BR_FR_GROUP_LINE', at(line, i), {
					value: line.id ?? String(i + 1),
					framework: mode,
					missingEn: missing.map((m) => m[0]).join(', '),
					missingFr: missing.map((m) => m[1]).join(', '),
				}),
			);
	});
	return found;
}

/**
 * A number as XPath's number() reads it: a double, NaN when the text is not a number (empty, a comma...). The official
 * file sums and compares the amounts of BR-FR-MV-05/09/10 as doubles in document order; the intake does the same so
 * that a difference at the edge of a tolerance is judged as the platforms judge it (200.02 against two lines of 100.00
 * is 0.020000000000010232 there, over its ±0.02).
 */
function xpathNumber(value: string | undefined): number {
	const t = value?.trim() ?? '';
	return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN;
}
const shown = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 1e6) / 1e6) : '—');

/**
 * BR-FR-MV-05, -09, -10: the totals of each GROUP line without a parent against its child lines (net amounts, ±0.01
 * per child line with an amount), against the VAT breakdown lines of its sub-invoice (exemption reason starting with
 * #sub-invoice number#, ±0.01) and its total with VAT against its net amount and VAT (±0.01 per DETAIL child line).
 * As the official files: a child counts for MV-05 when its sub-type is written and not INFORMATION; the VAT total is
 * the one in the invoice currency; a GROUP line without a total with VAT is not judged by MV-10.
 */
function groupTotalRules(
	invoice: ParsedInvoice,
	mode: string,
	afl: (line: InvoiceLine) => string,
): Anomaly[] {
	const found: Anomaly[] = [];
	const ubl = invoice.syntax === 'ubl';
	invoice.lines.forEach((line, i) => {
		if (line.subtype !== 'GROUP' || line.parentLineId !== undefined) return;
		const id = line.id ?? '';
		const fire = (label: string, reasonEn: string, reasonFr: string): void => {
			found.push(
				ruleAnomaly('BR_FR_GROUP_TOTALS', `lines[${line.id ?? i + 1}]`, {
					value: line.id ?? String(i + 1),
					framework: mode,
					label,
					reasonEn,
					reasonFr,
				}),
			);
		};
		const netText = line.writtenTotals?.net[0];
		const net = xpathNumber(netText);
		// BR-FR-MV-05: the child lines' net amounts (a UBL line's sub-type absent is '' here: not counted)
		const amounts = invoice.lines
			.filter(
				(c) =>
					c.parentLineId === id &&
					c.subtype !== undefined &&
					(!ubl || c.subtype !== '') &&
					c.subtype !== 'INFORMATION',
			)
			.flatMap((c) => c.writtenTotals?.net ?? []);
		const sum = amounts.reduce((total, a) => total + xpathNumber(a), 0);
		if (!(Math.abs(net - sum) <= amounts.length / 100))
			fire(
				'BT-131',
				`its net amount ${netText ?? '—'} differs from the sum ${shown(sum)} of its ${amounts.length} child line(s) by more than ${shown(amounts.length / 100)}`,
				`son montant HT ${netText ?? '—'} s'écarte de plus de ${shown(amounts.length / 100)} de la somme ${shown(sum)} de ses ${amounts.length} ligne(s) enfant`,
			);
		// BR-FR-MV-09: its VAT total in the invoice currency against the VAT breakdown lines of its sub-invoice
		const taxText = line.lineTaxTotals?.find((t) => t.currency === invoice.currency)?.amount;
		const tax = xpathNumber(taxText);
		const number = afl(line);
		const vat = invoice.vatBreakdown
			.filter(
				(b) =>
					b.subInvoiceTax?.taxType === 'VAT' &&
					(b.exemptionReason ?? '').startsWith(`#${number}#`) &&
					b.subInvoiceTax.amount !== undefined,
			)
			.reduce((total, b) => total + xpathNumber(b.subInvoiceTax?.amount), 0);
		if (!(Math.abs(tax - vat) <= 0.01))
			fire(
				'EXT-FR-FE-181',
				`its VAT total ${taxText ?? '—'} ${invoice.currency ?? ''} differs from the sum ${shown(vat)} of the VAT breakdown lines whose exemption reason starts with #${number}#`,
				`son total de TVA ${taxText ?? '—'} ${invoice.currency ?? ''} diffère de la somme ${shown(vat)} des lignes de TVA dont le motif d'exonération commence par #${number}#`,
			);
		// BR-FR-MV-10: its total with VAT, when given, is its net amount plus its VAT (±0.01 per DETAIL child line)
		const withVat = line.writtenTotals?.withVat;
		if (withVat === undefined) return;
		const details =
			line.id === undefined
				? 0
				: invoice.lines.filter((c) => c.parentLineId === line.id && c.subtype === 'DETAIL').length;
		if (!(withVat.trim() !== '' && Math.abs(xpathNumber(withVat) - net - tax) <= details / 100))
			fire(
				'EXT-FR-FE-184',
				`its total with VAT "${withVat}" is not its net amount ${netText ?? '—'} plus its VAT ${taxText ?? '—'} within ${shown(details / 100)} (0.01 per DETAIL line)`,
				`son total TTC « ${withVat} » n'est pas son montant HT ${netText ?? '—'} plus sa TVA ${taxText ?? '—'} à ${shown(details / 100)} près (0,01 par ligne DETAIL)`,
			);
	});
	return found;
}

/**
 * BR-FR-MV-11, -12: the sub-invoice numbers (AFL, type 130) of the GROUP lines without a parent. The main seller's
 * (the line seller's legal identifier is the invoice seller's, BT-30): exactly one of its GROUP lines carries the
 * invoice number (BT-1). Each GROUP line's number is unique: the official UBL file compares it with every AFL number
 * of type 130 written before it, as the intake does; the official CII file with every IssuerAssignedID written before
 * it, of any reference, and the intake with the line references it reads (object references of any kind, the line's
 * preceding invoice), not the order, contract or despatch references of a line, which it does not read.
 */
function subInvoiceNumberRules(
	invoice: ParsedInvoice,
	mode: string,
	afl: (line: InvoiceLine) => string,
): Anomaly[] {
	const found: Anomaly[] = [];
	const ubl = invoice.syntax === 'ubl';
	const number = invoice.number;
	const isAfl = (r: { typeCode?: string; scheme?: string }): boolean =>
		r.scheme === 'AFL' && r.typeCode === '130';
	const isGroup = (l: InvoiceLine): boolean =>
		l.subtype === 'GROUP' && l.parentLineId === undefined;
	const fire = (
		line: InvoiceLine,
		i: number,
		value: string,
		reasonEn: string,
		reasonFr: string,
	): void => {
		found.push(
			ruleAnomaly('BR_FR_SUB_INVOICE_NUMBER', `lines[${line.id ?? i + 1}].objectReferences`, {
				value,
				line: line.id ?? String(i + 1),
				framework: mode,
				reasonEn,
				reasonFr,
			}),
		);
	};
	// BR-FR-MV-11: the CII file counts the AFL references equal to the invoice number, the UBL file the lines
	const legal = invoice.seller.legalId?.value;
	const main = invoice.lines.filter(
		(l) => isGroup(l) && legal !== undefined && l.lineSeller?.legalId === legal,
	);
	const carrying = main
		.map((l) => (l.objectReferences ?? []).filter((r) => isAfl(r) && r.id === number).length)
		.reduce((total, n) => total + (ubl ? Math.min(n, 1) : n), 0);
	invoice.lines.forEach((line, i) => {
		if (!main.includes(line)) return;
		const own = afl(line);
		if (carrying === 1 || (carrying === 0 && own === number) || (carrying > 1 && own !== number))
			return;
		if (carrying === 0)
			fire(
				line,
				i,
				own,
				`no GROUP line of the seller ${legal ?? ''} carries the invoice number ${number ?? '—'} as its sub-invoice number`,
				`aucune ligne GROUP du vendeur ${legal ?? ''} ne porte le numéro de facture ${number ?? '—'} comme numéro de sous-facture`,
			);
		else
			fire(
				line,
				i,
				own,
				`${carrying} GROUP lines of the seller ${legal ?? ''} carry the invoice number as their sub-invoice number, one only may`,
				`${carrying} lignes GROUP du vendeur ${legal ?? ''} portent le numéro de facture comme numéro de sous-facture, une seule le peut`,
			);
	});
	// BR-FR-MV-12: each GROUP line's sub-invoice number is not one written before it
	const before: string[] = [];
	invoice.lines.forEach((line, i) => {
		if (!ubl && line.precedingInvoice !== undefined) before.push(line.precedingInvoice);
		for (const reference of line.objectReferences ?? []) {
			const { id } = reference;
			if (id === undefined || (ubl && !isAfl(reference))) continue;
			if (isGroup(line) && isAfl(reference) && before.includes(id))
				fire(
					line,
					i,
					id,
					'is written before it in the document, another sub-invoice has it',
					'figure déjà plus haut dans le document, une autre sous-facture le porte',
				);
			before.push(id);
		}
	});
	return found;
}
