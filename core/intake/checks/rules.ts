import type { Anomaly } from '../anomaly';

export type RuleSeverity = 'block' | 'warn';
export type RuleSetting = RuleSeverity | 'off';

/**
 * One intake rule. The table below is the whole list: a company changes the severity of any rule (or turns it
 * off) by code, without code changes.
 * - `scope`: `fr` rules apply only when the seller is French (see `frenchRules` in the check options).
 * - `sources`: `einvoice` rules look at what only a real invoice document carries (parties, mentions), so they
 *   are skipped for CSV exports; `ledger` rules need the ledger (duplicates, customer file).
 * - `en16931`: the EN 16931 business rules the check corresponds to.
 * Messages and hints are templates: `{name}` is replaced by the value found.
 */
export interface IntakeRule {
	code: string;
	severity: RuleSeverity;
	scope: 'all' | 'fr';
	sources: 'all' | 'einvoice' | 'ledger';
	en16931?: readonly string[];
	/** The French flux 2 rules (FNFE-MPE BR-FR Schematron, labels of its assertions such as BR-FR-05/BT-22) the check corresponds to. */
	brFr?: readonly string[];
	message: { en: string; fr: string };
	hint: { en: string; fr: string };
}

const rule = (
	code: string,
	severity: RuleSeverity,
	scope: IntakeRule['scope'],
	sources: IntakeRule['sources'],
	en16931: readonly string[] | undefined,
	en: string,
	fr: string,
	hintEn: string,
	hintFr: string,
): IntakeRule => ({ code, severity, scope, sources, en16931, message: { en, fr }, hint: { en: hintEn, fr: hintFr } });

const brFrRule = (code: string, brFr: readonly string[], en: string, fr: string, hintEn: string, hintFr: string): IntakeRule =>
	({ ...rule(code, 'warn', 'fr', 'einvoice', undefined, en, fr, hintEn, hintFr), brFr });

export const INTAKE_RULES: readonly IntakeRule[] = [
	// What the reader finds while reading values.
	rule('AMOUNT_INVALID', 'block', 'all', 'all', undefined,
		'{field}: "{value}" is not a valid amount ({reasonEn}).', '{field} : « {value} » n\'est pas un montant valide ({reasonFr}).',
		'Write amounts as decimal numbers with at most the decimals of the currency, e.g. 1234.56.', 'Écrivez les montants en nombres décimaux avec au plus les décimales de la devise, par ex. 1234,56.'),
	rule('DATE_INVALID', 'block', 'all', 'all', undefined,
		'{field}: "{value}" is not a real calendar date.', '{field} : « {value} » n\'est pas une date du calendrier.',
		'Use YYYY-MM-DD (or DD/MM/YYYY in CSV) and a day that exists in that month.', 'Utilisez AAAA-MM-JJ (ou JJ/MM/AAAA en CSV) et un jour qui existe dans le mois.'),
	rule('FIELD_INVALID', 'block', 'all', 'all', undefined,
		'{field}: "{value}" is not {whatEn}.', '{field} : « {value} » n\'est pas {whatFr}.',
		'Correct the value in the source file.', 'Corrigez la valeur dans le fichier source.'),
	rule('CSV_ROW_UNREADABLE', 'block', 'all', 'all', undefined,
		'Row {row} cannot be read: {reasonEn}.', 'La ligne {row} est illisible : {reasonFr}.',
		'Check the quotes and delimiters on that row of the file.', 'Vérifiez les guillemets et séparateurs de cette ligne du fichier.'),
	rule('TEXT_ENCODING_INVALID', 'warn', 'all', 'all', undefined,
		'Row {row} has bytes that are not valid {encoding}: names on it may be garbled.', "La ligne {row} contient des octets qui ne sont pas du {encoding} valide : les noms qu'elle porte peuvent être altérés.",
		'Save the whole file in one encoding (UTF-8 preferred).', "Enregistrez tout le fichier dans un seul encodage (UTF-8 de préférence)."),
	rule('MIXED_CURRENCIES', 'block', 'all', 'all', undefined,
		'{field} is stated in {currency} while the document is in {documentCurrency}.', '{field} est exprimé en {currency} alors que le document est en {documentCurrency}.',
		'One invoice has one currency: state every amount in the invoice currency (only the VAT total may be repeated in the VAT accounting currency).', 'Une facture a une seule devise : exprimez tous les montants dans la devise de la facture (seul le total de TVA peut être répété dans la devise de comptabilisation de la TVA).'),
	rule('TEST_DOCUMENT', 'warn', 'all', 'einvoice', undefined,
		'The document is marked as a test document.', 'Le document est marqué comme document de test.',
		'Check that it is a real invoice before it is dunned.', "Vérifiez qu'il s'agit d'une vraie facture avant toute relance."),
	rule('PDF_NOT_PDFA', 'warn', 'all', 'einvoice', undefined,
		'The PDF does not meet PDF/A-3 basics required by Factur-X: {problemsEn}.', 'Le PDF ne respecte pas les bases PDF/A-3 exigées par Factur-X : {problemsFr}.',
		'Generate the Factur-X PDF with a PDF/A-3 conformant tool.', 'Générez le PDF Factur-X avec un outil conforme PDF/A-3.'),

	// Identification (EN 16931 mandatory elements).
	rule('NUMBER_MISSING', 'block', 'all', 'all', ['BR-02'],
		'The invoice number is missing.', 'Le numéro de facture est absent.',
		'Every invoice needs a unique number (BT-1).', 'Toute facture doit porter un numéro unique (BT-1).'),
	rule('ISSUE_DATE_MISSING', 'block', 'all', 'all', ['BR-03'],
		'The issue date is missing.', "La date d'émission est absente.",
		'State the issue date (BT-2).', "Indiquez la date d'émission (BT-2)."),
	rule('CURRENCY_MISSING', 'block', 'all', 'all', ['BR-05'],
		'The invoice currency is missing.', 'La devise de la facture est absente.',
		'State the currency code (BT-5), e.g. EUR.', 'Indiquez le code devise (BT-5), par ex. EUR.'),
	rule('CURRENCY_UNKNOWN', 'block', 'all', 'all', ['BR-CL-04'],
		'"{value}" is not an ISO 4217 currency code.', "« {value} » n'est pas un code devise ISO 4217.",
		'Use a code of ISO 4217 such as EUR, MAD, XOF or USD.', 'Utilisez un code ISO 4217 : EUR, MAD, XOF, USD…'),
	rule('SELLER_NAME_MISSING', 'block', 'all', 'einvoice', ['BR-06'],
		"The seller's name is missing.", 'Le nom du vendeur est absent.',
		"State the seller's legal name (BT-27).", 'Indiquez la raison sociale du vendeur (BT-27).'),
	rule('BUYER_NAME_MISSING', 'block', 'all', 'einvoice', ['BR-07'],
		"The buyer's name is missing.", "Le nom de l'acheteur est absent.",
		"State the buyer's name (BT-44).", "Indiquez le nom de l'acheteur (BT-44)."),
	rule('SELLER_COUNTRY_MISSING', 'block', 'all', 'einvoice', ['BR-09'],
		"The seller's address has no country code.", "L'adresse du vendeur n'a pas de code pays.",
		'State the country of the seller address (BT-40), e.g. FR.', "Indiquez le pays de l'adresse du vendeur (BT-40), par ex. FR."),
	rule('VAT_ID_PREFIX_INVALID', 'block', 'all', 'einvoice', ['BR-CO-09'],
		'{field}: the VAT identifier "{value}" does not start with a country code.', '{field} : le numéro de TVA « {value} » ne commence pas par un code pays.',
		'Write VAT numbers with their ISO country prefix, e.g. FR12345678901 (EL for Greece).', 'Écrivez les numéros de TVA avec leur préfixe pays ISO, par ex. FR12345678901 (EL pour la Grèce).'),
	rule('VAT_ID_INVALID', 'warn', 'all', 'einvoice', undefined,
		'{field}: the VAT identifier "{value}" is not valid ({reasonEn}).', '{field} : le numéro de TVA « {value} » n\'est pas valide ({reasonFr}).',
		'Check the VAT number in the customer or company file.', 'Vérifiez le numéro de TVA dans le fichier client ou société.'),
	rule('SIREN_INVALID', 'warn', 'all', 'all', undefined,
		'{field}: "{value}" is not a valid SIREN/SIRET (check digit).', '{field} : « {value} » n\'est pas un SIREN/SIRET valide (clé de contrôle).',
		'Check the number on the company register (annuaire-entreprises.data.gouv.fr).', "Vérifiez le numéro sur l'annuaire des entreprises (annuaire-entreprises.data.gouv.fr)."),
	rule('BUYER_EMAIL_INVALID', 'warn', 'all', 'all', undefined,
		'{field}: "{value}" is not a usable e-mail address.', '{field} : « {value} » n\'est pas une adresse e-mail utilisable.',
		'Correct the address, or the reminders will go by post.', "Corrigez l'adresse, sinon les relances partiront par courrier."),

	// Totals.
	rule('TOTALS_MISSING', 'block', 'all', 'all', ['BR-14', 'BR-15'],
		'{whatEn} is missing.', '{whatFr} est absent.',
		'The invoice must state its total with VAT and its amount due.', 'La facture doit indiquer son total TTC et son montant à payer.'),
	rule('TOTAL_LINES_MISMATCH', 'block', 'all', 'all', ['BR-CO-10'],
		'The lines add up to {actual} {currency} but the sum of line net amounts says {expected}.', 'Les lignes totalisent {actual} {currency} mais la somme des montants nets des lignes indique {expected}.',
		'Recompute the sum of line amounts (BT-106).', 'Recalculez la somme des montants des lignes (BT-106).'),
	rule('TOTAL_EXCL_MISMATCH', 'block', 'all', 'all', ['BR-CO-13'],
		'Total without VAT is {actual} {currency}, but lines − allowances + charges = {expected}.', 'Le total HT est {actual} {currency}, mais lignes − remises + frais = {expected}.',
		'Recompute the total without VAT (BT-109).', 'Recalculez le total HT (BT-109).'),
	rule('VAT_TOTAL_MISMATCH', 'block', 'all', 'all', ['BR-CO-14'],
		'The VAT total is {actual} {currency} but the VAT breakdown adds up to {expected}.', 'Le total de TVA est {actual} {currency} mais le détail par taux totalise {expected}.',
		'Make the VAT total equal to the sum of the VAT per rate.', 'Faites correspondre le total de TVA à la somme de la TVA par taux.'),
	rule('TOTAL_INCL_MISMATCH', 'block', 'all', 'all', ['BR-CO-15'],
		'Total with VAT is {actual} {currency} but total without VAT + VAT = {expected}.', 'Le total TTC est {actual} {currency} mais HT + TVA = {expected}.',
		'Recompute the total with VAT (BT-112).', 'Recalculez le total TTC (BT-112).'),
	rule('TAX_TOTAL_CURRENCY', 'block', 'all', 'all', ['BR-CO-15'],
		'A VAT total is stated in {currency}, which is neither the invoice currency ({documentCurrency}) nor the declared VAT currency.', "Un total de TVA est exprimé en {currency}, qui n'est ni la devise de la facture ({documentCurrency}) ni la devise de TVA déclarée.",
		'State the VAT total in the invoice currency (and, if needed, again in the VAT accounting currency declared in BT-6).', 'Exprimez le total de TVA dans la devise de la facture (et, si besoin, dans la devise de TVA déclarée en BT-6).'),
	rule('TAX_TOTAL_AMBIGUOUS', 'block', 'all', 'all', ['BR-CO-15'],
		'The document states several different VAT totals in {currency}: {values}.', 'Le document indique plusieurs totaux de TVA différents en {currency} : {values}.',
		'Keep one VAT total per currency.', 'Gardez un seul total de TVA par devise.'),
	rule('PAYABLE_MISMATCH', 'block', 'all', 'all', ['BR-CO-16'],
		'Amount due is {actual} {currency} but total with VAT − prepaid + rounding = {expected}.', 'Le net à payer est {actual} {currency} mais TTC − acomptes + arrondi = {expected}.',
		'State prepaid amounts (BT-113) and rounding (BT-114), or correct the amount due (BT-115).', "Indiquez les acomptes (BT-113) et l'arrondi (BT-114), ou corrigez le net à payer (BT-115)."),
	rule('VAT_CATEGORY_AMOUNT', 'block', 'all', 'all', ['BR-CO-17'],
		'VAT at {rate} % on {taxable} {currency} should be {expected}, the document says {actual}.', 'La TVA à {rate} % sur {taxable} {currency} devrait être {expected}, le document indique {actual}.',
		'Recompute the VAT of this rate (taxable amount × rate, rounded to the cent).', 'Recalculez la TVA de ce taux (base × taux, arrondie au centime).'),
	rule('VAT_CATEGORY_ROUNDING', 'warn', 'all', 'all', undefined,
		'VAT at {rate} % on {taxable} {currency} rounds to {expected}, the document says {actual}.', "La TVA à {rate} % sur {taxable} {currency} s'arrondit à {expected}, le document indique {actual}.",
		'Round the VAT of each rate to the cent, half up.', 'Arrondissez la TVA de chaque taux au centime le plus proche.'),
	rule('LINE_AMOUNT_MISMATCH', 'warn', 'all', 'all', undefined,
		'{field}: quantity × net price = {expected} {currency}, the line says {actual}.', '{field} : quantité × prix net = {expected} {currency}, la ligne indique {actual}.',
		'Correct the quantity, the unit price or the line amount.', 'Corrigez la quantité, le prix unitaire ou le montant de la ligne.'),
	rule('NEGATIVE_INVOICE', 'warn', 'all', 'all', undefined,
		'This invoice has negative totals: it is booked as a credit note of {amount} {currency}.', 'Cette facture a des totaux négatifs : elle est enregistrée comme un avoir de {amount} {currency}.',
		'Issue credit notes with the credit note type (381) and positive amounts.', "Émettez les avoirs avec le type avoir (381) et des montants positifs."),

	// Dates and terms.
	rule('DUE_BEFORE_ISSUE', 'warn', 'all', 'all', undefined,
		'The due date {dueDate} is before the issue date {issueDate}.', "L'échéance {dueDate} est antérieure à la date d'émission {issueDate}.",
		'Correct the due date.', "Corrigez l'échéance."),
	rule('TERMS_DUE_MISMATCH', 'warn', 'all', 'all', undefined,
		'The due date {dueDate} does not match the stated terms "{terms}" (expected {expected}).', "L'échéance {dueDate} ne correspond pas aux conditions « {terms} » (attendu : {expected}).",
		'Make the due date and the payment terms agree; customers pay by the date they trust least.', "Mettez en accord l'échéance et les conditions de paiement : le client retient la date qui l'arrange."),
	rule('TERMS_BEYOND_LEGAL_CAP', 'warn', 'fr', 'all', undefined,
		'Payment terms of {days} days exceed the French legal cap (60 days from issue or 45 days end of month; latest due date {max}).', 'Un délai de {days} jours dépasse le plafond légal français (60 jours date de facture ou 45 jours fin de mois ; échéance maximale {max}).',
		'Shorten the terms (Code de commerce L441-10); longer terms expose the company to a fine.', "Réduisez le délai (Code de commerce L441-10) ; un délai plus long expose l'entreprise à une amende."),
	rule('TERMS_STATED_BEYOND_LEGAL_CAP', 'warn', 'fr', 'all', undefined,
		'The stated payment terms "{terms}" exceed the French legal cap (60 days from issue or 45 days end of month).', 'Les conditions de paiement indiquées « {terms} » dépassent le plafond légal français (60 jours date de facture ou 45 jours fin de mois).',
		'Shorten the terms written on the invoice (Code de commerce L441-10), even when the due date itself is within the cap.', "Réduisez le délai écrit sur la facture (Code de commerce L441-10), même si l'échéance elle-même respecte le plafond."),
	rule('TERMS_DEFAULTED', 'warn', 'all', 'all', undefined,
		'No due date and no payment terms: the legal default of 30 days after issue applies.', "Ni échéance ni délai de paiement : le délai légal par défaut de 30 jours après émission s'applique.",
		'State the due date or the payment terms on the invoice.', "Indiquez l'échéance ou le délai de paiement sur la facture."),

	// Customer file (need the ledger).
	rule('CUSTOMER_UNIDENTIFIED', 'block', 'all', 'all', undefined,
		'The buyer cannot be identified: the document gives no customer code, SIREN, VAT number or name.', "L'acheteur n'est pas identifiable : le document ne donne ni code client, ni SIREN, ni numéro de TVA, ni nom.",
		"State the buyer's identifier (BT-46) or legal registration number.", "Indiquez l'identifiant de l'acheteur (BT-46) ou son numéro d'immatriculation."),
	rule('DUPLICATE_NUMBER', 'block', 'all', 'ledger', undefined,
		'Number {number} is already used by another {docTypeEn} of {issuer} ({other}).', 'Le numéro {number} est déjà utilisé par un autre document de {issuer} ({other}).',
		'Invoice numbers must be unique and continuous: renumber this document.', 'La numérotation doit être unique et continue : renumérotez ce document.'),
	rule('CUSTOMER_UNKNOWN', 'block', 'all', 'ledger', undefined,
		'Customer "{customer}" is not in the customer file.', 'Le client « {customer} » est absent du fichier client.',
		'Import the customer first, or allow creating missing customers.', "Importez d'abord le client, ou autorisez la création des clients manquants."),
	rule('CUSTOMER_INCOMPLETE', 'warn', 'all', 'ledger', undefined,
		'The customer file of "{customer}" lacks: {missingEn}.', 'La fiche du client « {customer} » ne contient pas : {missingFr}.',
		'Complete the customer file: reminders and letters need it.', 'Complétez la fiche client : les relances et courriers en ont besoin.'),
	rule('CUSTOMER_NO_EMAIL', 'warn', 'all', 'ledger', undefined,
		'Customer "{customer}" has no usable e-mail address: reminders for this invoice will go by post.', "Le client « {customer} » n'a pas d'adresse e-mail utilisable : les relances de cette facture partiront par courrier.",
		'Add an accounts-payable e-mail address to the customer file.', "Ajoutez l'adresse e-mail de la comptabilité fournisseurs à la fiche client."),
	rule('CUSTOMER_MISMATCH', 'warn', 'all', 'ledger', undefined,
		'The invoice gives {what} "{invoiceValue}" for the buyer, the customer file of "{customer}" says "{fileValue}".', "La facture indique {whatFr} « {invoiceValue} » pour l'acheteur, la fiche du client « {customer} » indique « {fileValue} ».",
		'Correct the customer file or the invoice: one of them is wrong.', "Corrigez la fiche client ou la facture : l'une des deux est fausse."),

	// Mandatory mentions of French B2B invoices (Code de commerce L441-9, CGI art. 242 nonies A, 2026 e-invoicing reform).
	rule('FR_SELLER_IDENTITY', 'warn', 'fr', 'einvoice', undefined,
		"The seller's identity is incomplete: {missingEn}.", "L'identité du vendeur est incomplète : {missingFr}.",
		"State the seller's name and full address.", "Indiquez la dénomination et l'adresse complète du vendeur."),
	rule('FR_SELLER_SIREN', 'warn', 'fr', 'einvoice', undefined,
		"The seller's SIREN is missing.", 'Le SIREN du vendeur est absent.',
		"State the seller's SIREN (legal registration identifier, scheme 0002).", "Indiquez le SIREN du vendeur (identifiant d'immatriculation, schéma 0002)."),
	rule('FR_SELLER_VAT', 'warn', 'fr', 'einvoice', undefined,
		"The seller's VAT number is missing.", 'Le numéro de TVA intracommunautaire du vendeur est absent.',
		"State the seller's VAT number (or the VAT exemption mention, e.g. art. 293 B du CGI).", "Indiquez le numéro de TVA du vendeur (ou la mention d'exonération, par ex. art. 293 B du CGI)."),
	rule('FR_BUYER_IDENTITY', 'warn', 'fr', 'einvoice', undefined,
		"The buyer's identity is incomplete: {missingEn}.", "L'identité de l'acheteur est incomplète : {missingFr}.",
		"State the buyer's name and full billing address.", "Indiquez la dénomination et l'adresse de facturation complète de l'acheteur."),
	rule('FR_BUYER_SIREN', 'warn', 'fr', 'einvoice', undefined,
		"The buyer's SIREN is missing (mandatory on French e-invoices from September 2026).", "Le SIREN de l'acheteur est absent (obligatoire sur les factures électroniques à partir de septembre 2026).",
		"Add the customer's SIREN to the customer file and the invoice.", 'Ajoutez le SIREN du client à sa fiche et à la facture.'),
	rule('FR_BUYER_VAT', 'warn', 'fr', 'einvoice', undefined,
		"The buyer's VAT number is missing although the sale is {reasonEn}.", "Le numéro de TVA de l'acheteur est absent alors que la vente est {reasonFr}.",
		"State the buyer's intra-community VAT number.", "Indiquez le numéro de TVA intracommunautaire de l'acheteur."),
	rule('FR_DUE_DATE', 'warn', 'fr', 'einvoice', undefined,
		'The invoice does not state the date by which payment is due.', "La facture n'indique pas la date à laquelle le règlement doit intervenir.",
		'State the due date (mandatory mention, Code de commerce L441-9).', "Indiquez l'échéance (mention obligatoire, Code de commerce L441-9)."),
	rule('FR_PAYMENT_TERMS', 'warn', 'fr', 'einvoice', undefined,
		'The invoice does not state its payment terms.', "La facture n'indique pas ses conditions de paiement.",
		'State the payment terms, e.g. "30 jours date de facture".', 'Indiquez les conditions de paiement, par ex. « 30 jours date de facture ».'),
	rule('FR_LATE_PENALTY', 'warn', 'fr', 'einvoice', undefined,
		'The invoice does not state the late-payment penalty rate.', "La facture n'indique pas le taux des pénalités de retard.",
		'Add e.g. "Pénalités de retard : 3 fois le taux d\'intérêt légal" (note subject PMD).', "Ajoutez par ex. « Pénalités de retard : 3 fois le taux d'intérêt légal » (note de sujet PMD)."),
	rule('FR_LATE_PENALTY_RATE', 'warn', 'fr', 'einvoice', undefined,
		'The late-payment penalty mention states no rate.', "La mention des pénalités de retard n'indique pas de taux.",
		'State the rate, e.g. "Pénalités de retard : 3 fois le taux d\'intérêt légal" or "taux BCE + 10 points" (Code de commerce L441-10).', "Indiquez le taux, par ex. « Pénalités de retard : 3 fois le taux d'intérêt légal » ou « taux BCE + 10 points » (article L441-10 du Code de commerce)."),
	rule('FR_LATE_PENALTY_RATE_LOW', 'warn', 'fr', 'einvoice', undefined,
		'The stated late-penalty rate of {rate} % is below the legal minimum: three times the legal interest rate of {semester} (3 × {legal} % = {floor} %).', "Le taux de pénalités de retard indiqué ({rate} %) est inférieur au minimum légal : trois fois le taux de l'intérêt légal du semestre {semester} (3 × {legal} % = {floor} %).",
		'Raise the rate to at least three times the legal interest rate (Code de commerce L441-10); reminders apply that floor anyway.', "Relevez le taux à au moins trois fois le taux de l'intérêt légal (article L441-10 du Code de commerce) ; les relances appliquent ce plancher de toute façon."),
	rule('FR_RECOVERY_INDEMNITY', 'warn', 'fr', 'einvoice', undefined,
		'The invoice does not mention the €40 fixed indemnity for recovery costs.', "La facture ne mentionne pas l'indemnité forfaitaire de 40 € pour frais de recouvrement.",
		'Add "Indemnité forfaitaire pour frais de recouvrement : 40 €" (note subject PMT).', 'Ajoutez « Indemnité forfaitaire pour frais de recouvrement : 40 € » (note de sujet PMT).'),
	rule('FR_DISCOUNT_TERMS', 'warn', 'fr', 'einvoice', undefined,
		'The invoice does not state its early-payment discount terms.', "La facture n'indique pas les conditions d'escompte.",
		'Add the discount terms, or "Pas d\'escompte pour paiement anticipé" (note subject AAB).', "Ajoutez les conditions d'escompte, ou « Pas d'escompte pour paiement anticipé » (note de sujet AAB)."),
	rule('FR_DELIVERY_ADDRESS', 'warn', 'fr', 'einvoice', undefined,
		'The invoice names a delivery place ({name}) without its address.', "La facture désigne un lieu de livraison ({name}) sans son adresse.",
		'State the delivery address when it differs from the billing address (2026 e-invoicing).', "Indiquez l'adresse de livraison lorsqu'elle diffère de l'adresse de facturation (facturation électronique 2026)."),
	rule('FR_OPERATION_NATURE', 'warn', 'fr', 'einvoice', undefined,
		'The invoice does not state the nature of the operation (goods, services or both).', "La facture n'indique pas la nature de l'opération (livraison de biens, prestation de services ou les deux).",
		'State the category of the operation (business process B1/S1/M1 or a note), required from September 2026.', "Indiquez la catégorie de l'opération (cadre B1/S1/M1 ou une note), obligatoire à partir de septembre 2026."),
	rule('FR_VAT_ON_DEBITS', 'warn', 'fr', 'einvoice', undefined,
		'The company pays VAT on debits but this services invoice does not say so.', "L'entreprise a opté pour le paiement de la TVA d'après les débits mais cette facture de services ne le mentionne pas.",
		'Add "Option pour le paiement de la taxe d\'après les débits" (VAT point date code 5 in CII, 3 in UBL).', "Ajoutez « Option pour le paiement de la taxe d'après les débits » (code de date d'exigibilité 5 en CII, 3 en UBL)."),
	// The French e-invoicing reform's flux 2 rules (FNFE-MPE BR-FR Schematron V1.4.0, `brFr` = the labels of its assertions):
	// what an approved platform rejects from 1 September 2026. Checked on UBL and CII invoices issued from the
	// reform date (reformStartDate); warnings by default, a company may block on them.
	brFrRule('BR_FR_ID_FORMAT', ['BR-FR-01/BT-1', 'BR-FR-02/BT-1', 'BR-FR-01/BT-25', 'BR-FR-02/BT-25'],
		'{field}: "{value}" is refused by the platforms ({reasonEn}).', '{field} : « {value} » est refusé par les plateformes ({reasonFr}).',
		'An invoice number has at most 35 characters among letters A-Z a-z, digits and + - _ / (no space, no accent).', 'Un numéro de facture a au plus 35 caractères parmi les lettres A-Z a-z, les chiffres et + - _ / (ni espace ni accent).'),
	brFrRule('BR_FR_DATE_RANGE', ['BR-FR-03/BT-2', 'BR-FR-03/BT-9', 'BR-FR-03/BT-72'],
		'{field}: {value} is outside the years 2000 to 2099 the platforms accept.', '{field} : {value} est hors des années 2000 à 2099 acceptées par les plateformes.',
		'Correct the year of the date.', "Corrigez l'année de la date."),
	brFrRule('BR_FR_TYPE_CODE', ['BR-FR-04/BT-3'],
		'Document type code {value} is not accepted in France.', "Le code type de document {value} n'est pas accepté en France.",
		'Use 380 (invoice), 381 (credit note), 384 (corrective), 386 (prepayment), 389 (self-billed), 393 (factored) or another code of the French list.', 'Utilisez 380 (facture), 381 (avoir), 384 (rectificative), 386 (acompte), 389 (autofacture), 393 (affacturée) ou un autre code de la liste française.'),
	brFrRule('BR_FR_NOTE_MISSING', ['BR-FR-05/BT-22'],
		'No note carries the subject code {value} ({whatEn}): the platforms require it.', 'Aucune note ne porte le code sujet {value} ({whatFr}) : les plateformes l\'exigent.',
		'Give the mention as a note with its subject code (CII SubjectCode, UBL "#{value}#" at the start of the note).', 'Donnez la mention dans une note avec son code sujet (SubjectCode en CII, « #{value}# » en tête de note en UBL).'),
	brFrRule('BR_FR_NOTE_REPEATED', ['BR-FR-06/BT-21'],
		'{count} notes carry the subject code {value}: the platforms accept one.', '{count} notes portent le code sujet {value} : les plateformes n\'en acceptent qu\'une.',
		'Merge them into one note.', 'Regroupez-les en une seule note.'),
	brFrRule('BR_FR_BILLING_MODE', ['BR-FR-08/BT-23'],
		'The billing framework (BT-23) is {value}: the platforms require one of B1, S1, M1, B2, S2, M2, S3, B4, S4, M4, S5, S6, B7, S7, B8, S8, M8, B9, S9, M9.', 'Le cadre de facturation (BT-23) est {value} : les plateformes exigent B1, S1, M1, B2, S2, M2, S3, B4, S4, M4, S5, S6, B7, S7, B8, S8, M8, B9, S9 ou M9.',
		'State the framework as the business process (CII BusinessProcessSpecifiedDocumentContextParameter, UBL ProfileID): B1 goods, S1 services, M1 mixed…', 'Indiquez le cadre comme processus métier (BusinessProcessSpecifiedDocumentContextParameter en CII, ProfileID en UBL) : B1 biens, S1 services, M1 mixte…'),
	brFrRule('BR_FR_SELLER_SIREN_LEGAL', ['BR-FR-10/BT-30'],
		"The seller's legal registration identifier (BT-30) is {value}: the platforms require a SIREN of 9 digits with scheme 0002.", "L'identifiant légal du vendeur (BT-30) est {value} : les plateformes exigent un SIREN de 9 chiffres avec le schéma 0002.",
		'Give the SIREN as the seller legal organization ID with schemeID="0002".', 'Indiquez le SIREN comme identifiant de l\'organisation légale du vendeur avec schemeID="0002".'),
	brFrRule('BR_FR_ELECTRONIC_ADDRESS', ['BR-FR-12/BT-49', 'BR-FR-13/BT-34'],
		"The {whatEn}'s electronic address ({value}) is missing: the platforms route the invoice by it.", "L'adresse électronique {whatFr} ({value}) est absente : les plateformes acheminent la facture par elle.",
		'Give the electronic address from the directory (CII URIUniversalCommunication, UBL EndpointID), usually the SIREN with scheme 0225.', "Indiquez l'adresse électronique de l'annuaire (URIUniversalCommunication en CII, EndpointID en UBL), en général le SIREN avec le schéma 0225."),
	brFrRule('BR_FR_VAT_CATEGORY', ['BR-FR-15/BT-118', 'BR-FR-15/BT-151'],
		'{field}: VAT category "{value}" is not accepted in France.', "{field} : la catégorie de TVA « {value} » n'est pas acceptée en France.",
		'Use S, E, AE, K, G, O or Z (L and M are for the Canary Islands, Ceuta and Melilla).', 'Utilisez S, E, AE, K, G, O ou Z (L et M concernent les Canaries, Ceuta et Melilla).'),
	brFrRule('BR_FR_VAT_RATE', ['BR-FR-16/BT-119', 'BR-FR-16/BT-152', 'BR-FR-DEC-04/BT-119', 'BR-FR-DEC-04/BT-152'],
		'{field}: VAT rate {value} % is not a French rate.', "{field} : le taux de TVA {value} % n'est pas un taux français.",
		'Use a French rate: 20, 10, 5.5, 2.1 or 0 (Corsica and overseas: 13, 8.5, 1.75, 1.05, 0.9, 7, 9.2, 9.6, 19.6, 20.6).', 'Utilisez un taux français : 20, 10, 5,5, 2,1 ou 0 (Corse et outre-mer : 13, 8,5, 1,75, 1,05, 0,9, 7, 9,2, 9,6, 19,6, 20,6).'),
	brFrRule('BR_FR_SIRET_SIREN', ['BR-FR-09/BT-29', 'BR-FR-09/BT-46'],
		'{field}: the SIRET "{value}" ({label}) must have 14 digits and start with the SIREN of the legal identifier ({siren}).', '{field} : le SIRET « {value} » ({label}) doit avoir 14 chiffres et commencer par le SIREN de l\'identifiant légal ({siren}).',
		'Give the SIRET of an establishment of that company (scheme 0009) and its SIREN as legal identifier (scheme 0002).', "Indiquez le SIRET d'un établissement de cette entreprise (schéma 0009) et son SIREN comme identifiant légal (schéma 0002)."),
	brFrRule('BR_FR_PRIVATE_ID_FORMAT', ['BR-FR-24/BT-29', 'BR-FR-24/BT-46', 'BR-FR-26/BT-29', 'BR-FR-26/BT-46'],
		'{field}: the private identifier "{value}" ({label}, scheme 0224) is refused by the platforms ({reasonEn}).', "{field} : l'identifiant privé « {value} » ({label}, schéma 0224) est refusé par les plateformes ({reasonFr}).",
		'Write the identifier without spaces or accents, in at most 100 characters.', "Écrivez l'identifiant sans espace ni accent, en 100 caractères au plus."),
	brFrRule('BR_FR_SIREN_DIGITS', ['BR-FR-32/ID', 'BR-FR-32/LEGALID'],
		'{field}: "{value}" is given as a SIREN (scheme 0002 or 0231) but is not 9 digits.', "{field} : « {value} » est donné comme SIREN (schéma 0002 ou 0231) mais n'a pas 9 chiffres.",
		'A SIREN is the 9 digits of the company number; give a SIRET with scheme 0009.', "Un SIREN est fait des 9 chiffres du numéro d'entreprise ; donnez un SIRET avec le schéma 0009."),
	brFrRule('BR_FR_BAR_TREATMENT', ['BR-FR-20/BT-21', 'BR-FR-31/BT-21'],
		'The BAR note (treatment of the invoice) says "{value}": the platforms accept one note with one of B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE, ARCHIVEONLY.', 'La note BAR (traitement de la facture) indique « {value} » : les plateformes acceptent une note avec une valeur parmi B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE, ARCHIVEONLY.',
		'Write exactly one of those values as the content of a single note with subject code BAR.', "Écrivez exactement l'une de ces valeurs comme contenu d'une seule note de code sujet BAR."),
	brFrRule('BR_FR_BUYER_SIREN_B2B', ['BR-FR-11/BT-47'],
		"The invoice is treated as B2B (BAR note) but the buyer's legal identifier (BT-47) is {value}: the platforms require its SIREN of 9 digits with scheme 0002.", "La facture est traitée en B2B (note BAR) mais l'identifiant légal de l'acheteur (BT-47) est {value} : les plateformes exigent son SIREN de 9 chiffres avec le schéma 0002.",
		"Give the buyer's SIREN as its legal organization ID with schemeID=\"0002\" (from the customer file).", "Indiquez le SIREN de l'acheteur comme identifiant de son organisation légale avec schemeID=\"0002\" (depuis le fichier client)."),
	brFrRule('BR_FR_ELECTRONIC_ADDRESS_FORMAT', ['BR-FR-23/BT-34', 'BR-FR-23/BT-49', 'BR-FR-25/BT-34', 'BR-FR-25/BT-49'],
		'{field}: the electronic address "{value}" ({label}) is refused by the platforms ({reasonEn}).', '{field} : l\'adresse électronique « {value} » ({label}) est refusée par les plateformes ({reasonFr}).',
		'Copy the address as the directory gives it (usually the SIREN, or SIREN_suffix), without spaces.', "Recopiez l'adresse telle que l'annuaire la donne (en général le SIREN, ou SIREN_suffixe), sans espace."),
	brFrRule('BR_FR_DUE_BEFORE_ISSUE', ['BR-FR-CO-07/BT-9'],
		'The due date {value} is before the issue date {issueDate}.', "La date d'échéance {value} est antérieure à la date d'émission {issueDate}.",
		'Correct the due date (only prepayment invoices 386, 500, 503 and invoices already paid, frameworks B2, S2, M2, may have an earlier one).', "Corrigez la date d'échéance (seules les factures d'acompte 386, 500, 503 et les factures déjà payées, cadres B2, S2, M2, peuvent en avoir une antérieure)."),
	brFrRule('BR_FR_FRAMEWORK_TYPE', ['BR-FR-CO-08/BT-23'],
		'The billing framework {framework} (final invoice after a deposit) does not allow document type {value} (prepayment).', "Le cadre de facturation {framework} (facture définitive après acompte) n'admet pas le type de document {value} (acompte).",
		'Issue the deposit invoice in framework B1, S1 or M1, or the final invoice with type 380.', "Émettez la facture d'acompte dans le cadre B1, S1 ou M1, ou la facture définitive avec le type 380."),
	brFrRule('BR_FR_PAID_FRAMEWORK', ['BR-FR-CO-09/BT-23'],
		'The billing framework {value} says the invoice is already paid, but {reasonEn}.', 'Le cadre de facturation {value} indique une facture déjà payée, mais {reasonFr}.',
		'For an invoice already paid, state the amount paid equal to the total with VAT, 0 to pay and the payment date as due date; otherwise use framework B1, S1 or M1.', "Pour une facture déjà payée, indiquez un montant payé égal au total TTC, 0 à payer et la date du paiement comme échéance ; sinon utilisez le cadre B1, S1 ou M1."),
	brFrRule('BR_FR_FOREIGN_CURRENCY', ['BR-FR-CO-12/BT-5'],
		'The invoice is in {value}: the platforms require the VAT accounting currency EUR (BT-6) and the VAT total in euros (BT-111).', 'La facture est en {value} : les plateformes exigent la devise de comptabilisation de la TVA EUR (BT-6) et le total de TVA en euros (BT-111).',
		'State TaxCurrencyCode EUR and a second VAT total with currencyID="EUR".', 'Indiquez TaxCurrencyCode EUR et un second total de TVA avec currencyID="EUR".'),
	brFrRule('BR_FR_SINGLE_TAXABLE_PERSON', ['BR-FR-CO-14/BT-29-1', 'BR-FR-CO-15/BT-29-1'],
		'The seller is a member of a single taxable person (identifier scheme 0231) but the invoice lacks {missingEn}.', "Le vendeur est membre d'un assujetti unique (identifiant de schéma 0231) mais la facture ne porte pas {missingFr}.",
		'Add the TXD note MEMBRE_ASSUJETTI_UNIQUE and the single taxable person as tax representative with its VAT number.', "Ajoutez la note TXD MEMBRE_ASSUJETTI_UNIQUE et l'assujetti unique comme représentant fiscal avec son numéro de TVA."),
	brFrRule('BR_FR_LINE_NUMBER_FORMAT', ['BR-FR-DEC-02/BT-129', 'BR-FR-DEC-02/BT-149', 'BR-FR-DEC-03/BT-146'],
		'{field}: "{value}" ({label}) is written in a form the platforms refuse: at most {decimals} decimals after a ".", 19 digits, {signEn}.', '{field} : « {value} » ({label}) est écrit sous une forme refusée par les plateformes : au plus {decimals} décimales après un « . », 19 chiffres, {signFr}.',
		'Round the value in the invoicing tool to the decimals allowed (quantities 4, unit prices 6).', "Arrondissez la valeur dans l'outil de facturation aux décimales admises (quantités 4, prix unitaires 6)."),
];

const BY_CODE = new Map(INTAKE_RULES.map((r) => [r.code, r]));

export function intakeRule(code: string): IntakeRule | undefined {
	return BY_CODE.get(code);
}

function fill(template: string, params: Record<string, string | number | undefined>): string {
	return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
		const value = params[key];
		return value === undefined ? '' : String(value);
	});
}

/** An anomaly of the rule `code`, its texts filled with `params`, at the rule's default severity. */
export function ruleAnomaly(code: string, field: string | undefined, params: Record<string, string | number | undefined> = {}): Anomaly {
	const r = BY_CODE.get(code);
	if (!r) throw new Error(`Unknown intake rule ${code}`);
	const all = { field, ...params };
	return {
		code,
		severity: r.severity,
		field,
		message: { en: fill(r.message.en, all), fr: fill(r.message.fr, { ...all, field: params.fieldFr ?? field }) },
		hint: { en: fill(r.hint.en, all), fr: fill(r.hint.fr, all) },
	};
}
