import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
/**
 * A complete French B2B invoice in UBL 2.1 carrying every mandatory mention (SIREN and VAT numbers of both
 * parties, addresses, due date and terms, late-penalty rate, €40 indemnity, discount terms, delivery address,
 * nature of the operation). Tests remove or change one piece with a string replacement and expect exactly the
 * matching anomaly. Seller SIREN 123456782 (SIRET 12345678200010, VAT FR11123456782); buyer SIREN 552032534
 * (VAT FR27552032534); 10 × 12.50 + 1 × 75.00 = 200.00 excl., VAT 20 % 40.00, 240.00 incl.
 */
export const FRENCH_UBL = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
	<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
	<cbc:ProfileID>B1</cbc:ProfileID>
	<cbc:ID>FA-2026-0042</cbc:ID>
	<cbc:IssueDate>2026-03-10</cbc:IssueDate>
	<cbc:DueDate>2026-04-09</cbc:DueDate>
	<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
	<cbc:Note>#PMD#Pénalités de retard : trois fois le taux d'intérêt légal</cbc:Note>
	<cbc:Note>#PMT#Indemnité forfaitaire pour frais de recouvrement : 40 €</cbc:Note>
	<cbc:Note>#AAB#Pas d'escompte pour paiement anticipé</cbc:Note>
	<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
	<cbc:BuyerReference>ACHAT-77</cbc:BuyerReference>
	<cac:OrderReference><cbc:ID>PO-991</cbc:ID></cac:OrderReference>
	<cac:AccountingSupplierParty>
		<cac:Party>
			<cbc:EndpointID schemeID="0225">123456782</cbc:EndpointID>
			<cac:PartyName><cbc:Name>Moulins Dupré</cbc:Name></cac:PartyName>
			<cac:PostalAddress>
				<cbc:StreetName>12 rue des Meuniers</cbc:StreetName>
				<cbc:CityName>Lyon</cbc:CityName>
				<cbc:PostalZone>69002</cbc:PostalZone>
				<cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
			</cac:PostalAddress>
			<cac:PartyTaxScheme>
				<cbc:CompanyID>FR11123456782</cbc:CompanyID>
				<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
			</cac:PartyTaxScheme>
			<cac:PartyLegalEntity>
				<cbc:RegistrationName>Moulins Dupré SAS</cbc:RegistrationName>
				<cbc:CompanyID schemeID="0009">12345678200010</cbc:CompanyID>
			</cac:PartyLegalEntity>
		</cac:Party>
	</cac:AccountingSupplierParty>
	<cac:AccountingCustomerParty>
		<cac:Party>
			<cac:PartyIdentification><cbc:ID>CLI-0007</cbc:ID></cac:PartyIdentification>
			<cac:PartyName><cbc:Name>Boulangerie Martin</cbc:Name></cac:PartyName>
			<cac:PostalAddress>
				<cbc:StreetName>3 place du Marché</cbc:StreetName>
				<cbc:CityName>Villeurbanne</cbc:CityName>
				<cbc:PostalZone>69100</cbc:PostalZone>
				<cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
			</cac:PostalAddress>
			<cac:PartyTaxScheme>
				<cbc:CompanyID>FR27552032534</cbc:CompanyID>
				<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
			</cac:PartyTaxScheme>
			<cac:PartyLegalEntity>
				<cbc:RegistrationName>Boulangerie Martin SARL</cbc:RegistrationName>
				<cbc:CompanyID schemeID="0002">552032534</cbc:CompanyID>
			</cac:PartyLegalEntity>
			<cac:Contact><cbc:ElectronicMail>compta@boulangerie-martin.fr</cbc:ElectronicMail></cac:Contact>
		</cac:Party>
	</cac:AccountingCustomerParty>
	<cac:Delivery>
		<cbc:ActualDeliveryDate>2026-03-09</cbc:ActualDeliveryDate>
		<cac:DeliveryLocation>
			<cac:Address>
				<cbc:StreetName>Zone artisanale, lot 4</cbc:StreetName>
				<cbc:CityName>Vaulx-en-Velin</cbc:CityName>
				<cbc:PostalZone>69120</cbc:PostalZone>
				<cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
			</cac:Address>
		</cac:DeliveryLocation>
		<cac:DeliveryParty><cac:PartyName><cbc:Name>Atelier Martin</cbc:Name></cac:PartyName></cac:DeliveryParty>
	</cac:Delivery>
	<cac:PaymentMeans>
		<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
		<cac:PayeeFinancialAccount><cbc:ID>FR7630006000011234567890189</cbc:ID></cac:PayeeFinancialAccount>
	</cac:PaymentMeans>
	<cac:PaymentTerms><cbc:Note>Paiement à 30 jours date de facture</cbc:Note></cac:PaymentTerms>
	<cac:TaxTotal>
		<cbc:TaxAmount currencyID="EUR">40.00</cbc:TaxAmount>
		<cac:TaxSubtotal>
			<cbc:TaxableAmount currencyID="EUR">200.00</cbc:TaxableAmount>
			<cbc:TaxAmount currencyID="EUR">40.00</cbc:TaxAmount>
			<cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
		</cac:TaxSubtotal>
	</cac:TaxTotal>
	<cac:LegalMonetaryTotal>
		<cbc:LineExtensionAmount currencyID="EUR">200.00</cbc:LineExtensionAmount>
		<cbc:TaxExclusiveAmount currencyID="EUR">200.00</cbc:TaxExclusiveAmount>
		<cbc:TaxInclusiveAmount currencyID="EUR">240.00</cbc:TaxInclusiveAmount>
		<cbc:PayableAmount currencyID="EUR">240.00</cbc:PayableAmount>
	</cac:LegalMonetaryTotal>
	<cac:InvoiceLine>
		<cbc:ID>1</cbc:ID>
		<cbc:InvoicedQuantity unitCode="KGM">10</cbc:InvoicedQuantity>
		<cbc:LineExtensionAmount currencyID="EUR">125.00</cbc:LineExtensionAmount>
		<cac:Item>
			<cbc:Name>Farine T65</cbc:Name>
			<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
		</cac:Item>
		<cac:Price><cbc:PriceAmount currencyID="EUR">12.50</cbc:PriceAmount></cac:Price>
	</cac:InvoiceLine>
	<cac:InvoiceLine>
		<cbc:ID>2</cbc:ID>
		<cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
		<cbc:LineExtensionAmount currencyID="EUR">75.00</cbc:LineExtensionAmount>
		<cac:Item>
			<cbc:Name>Livraison</cbc:Name>
			<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
		</cac:Item>
		<cac:Price><cbc:PriceAmount currencyID="EUR">75.00</cbc:PriceAmount></cac:Price>
	</cac:InvoiceLine>
</Invoice>
`;

/** FRENCH_UBL with replacements applied; each `from` must occur (a test that changes nothing is a bug). */
export function frenchUbl(...replacements: Array<[string | RegExp, string]>): string {
	let xml = FRENCH_UBL;
	for (const [from, to] of replacements) {
		const next = xml.replace(from, to);
		if (next === xml) throw new Error(`replacement did not apply: ${String(from)}`);
		xml = next;
	}
	return xml;
}

// The official CDAR artefacts (test/fixtures/cdar, NOTICE): the D22B XSD through xmllint, the BR-FR-CDV Schematron
// (XSLT 2.0) through Saxon-HE. CI installs the tools (.ci/run); locally the tests that need them say so and skip.
const CDAR_FIXTURES = path.join(__dirname, '..', 'fixtures', 'cdar');
const CDAR_XSD = path.join(
	CDAR_FIXTURES,
	'xsd',
	'CrossDomainAcknowledgementAndResponse_100pD22B.xsd',
);
const CDAR_SCHEMATRON = path.join(CDAR_FIXTURES, 'schematron', 'BR-FR-CDV-Schematron-CDAR.xslt');
const SAXON = ['/usr/share/java/Saxon-HE.jar', '/usr/share/java/Saxon-HE-9.9.1.5.jar'].find((p) =>
	existsSync(p),
);
const CDAR_TOOLS =
	spawnSync('xmllint', ['--version']).status === 0 &&
	SAXON !== undefined &&
	spawnSync('java', ['-version']).status === 0;

/** `it` for tests that validate CDAR messages: they fail in CI without the tools, and say why locally and skip. */
export function itValidatesCdar(): jest.It {
	if (!CDAR_TOOLS && process.env.CI)
		throw new Error(
			'xmllint (libxml2-utils), java and Saxon-HE (libsaxonhe-java) are needed to validate CDAR messages: .ci/run installs them.',
		);
	if (!CDAR_TOOLS)
		console.warn(
			'CDAR validation tests skipped locally: install libxml2-utils and libsaxonhe-java (Debian) to run them.',
		);
	return CDAR_TOOLS ? it : it.skip;
}

/** Validates a CDAR message: `xsd` is 'valid' or xmllint's errors, `failed` the fatal Schematron assertions. */
export function validateCdar(xml: string): { xsd: string; failed: string[] } {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cdar-'));
	try {
		const file = path.join(dir, 'message.xml');
		writeFileSync(file, xml);
		const lint = spawnSync('xmllint', ['--noout', '--schema', CDAR_XSD, file], {
			encoding: 'utf8',
		});
		const svrl = execFileSync('java', ['-jar', SAXON!, `-s:${file}`, `-xsl:${CDAR_SCHEMATRON}`], {
			encoding: 'utf8',
			maxBuffer: 20 * 1024 * 1024,
		});
		const failed = [
			...svrl.matchAll(
				/<svrl:failed-assert[^>]*?flag="fatal"[\s\S]*?<svrl:text>([\s\S]*?)<\/svrl:text>/g,
			),
		].map((m) => m[1].replace(/\s+/g, ' ').trim());
		return { xsd: lint.status === 0 ? 'valid' : lint.stderr, failed };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// The official flux 2 rules for invoices (test/fixtures/brfr, NOTICE): the BR-FR Schematron (XSLT 2.0) for CII and
// UBL through Saxon-HE, one Java run for a whole folder of documents.
const BRFR_FIXTURES = path.join(__dirname, '..', 'fixtures', 'brfr');

/** Runs the official BR-FR flux 2 Schematron on documents of one syntax: the labels of the fatal assertions that failed ("BR-FR-05/BT-22"), by document name. */
export function brFrFailedAssertions(
	syntax: 'cii' | 'ubl',
	documents: Record<string, string>,
): Record<string, string[]> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'brfr-'));
	try {
		const input = path.join(dir, 'in');
		const output = path.join(dir, 'out');
		mkdirSync(input);
		mkdirSync(output);
		for (const [name, xml] of Object.entries(documents))
			writeFileSync(path.join(input, `${name}.xml`), xml);
		const xsl = path.join(BRFR_FIXTURES, `BR-FR-Flux2-Schematron-${syntax.toUpperCase()}.xslt`);
		execFileSync('java', ['-jar', SAXON!, `-s:${input}`, `-o:${output}`, `-xsl:${xsl}`], {
			encoding: 'utf8',
			maxBuffer: 20 * 1024 * 1024,
		});
		const out: Record<string, string[]> = {};
		for (const name of Object.keys(documents)) {
			const svrl = readFileSync(path.join(output, `${name}.xml`), 'utf8');
			// the rule label opens each message ("BR-FR-15/BT-118 : …", "[BR-FR-15/BT-151] : …"): the assertion ids
			// of the compiled files are not the same between CII and UBL (nor always right), the labels are
			const ids = [
				...svrl.matchAll(/<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g),
			]
				.filter((m) => /flag="fatal"/.test(m[1]))
				.map(
					(m) =>
						m[2].match(
							/BR-FR-[A-Z0-9-]*?\d\d\/(?:(?:BT|BG|EXT-FR-FE)-[\w-]+?(?:\/BT-\d+)*|LEGALID|ID|AFL|AVV)(?=[\s\]:])/,
						)?.[0] ??
						// a label joined to its element by a dash ("BR-FR-MV-14-EXT-FR-FE-136 : …")
						m[2].match(/BR-FR-[A-Z]+-\d\d-(?:BT|EXT-FR-FE)-\d+(?=[\s\]:])/)?.[0] ??
						// a label without its element ("[BR-FR-28] : …")
						m[2].match(/(?<=\[)BR-FR-[A-Z0-9-]*?\d\d(?=\])/)?.[0] ??
						m[2]
							.replace(/<[^>]*>/g, '')
							.trim()
							.slice(0, 60),
				);
			out[name] = [...new Set(ids)].sort();
		}
		return out;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
