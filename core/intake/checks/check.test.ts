import { frenchUbl, FRENCH_UBL } from '../../../test/helpers/einvoice';
import { parseInvoiceDocument } from '../parse/document';
import type { ParsedInvoice } from '../parse/types';
import { checkInvoice, validateRuleSettings, type CheckOptions } from './check';
import { checkVatId, isValidSiren, isValidSiret, sirenFromFrenchVat } from './identifiers';
import { prepareInvoice } from './prepare';
import { INTAKE_RULES } from './rules';
import { dueDatesFor, latestLegalDueDate, parsePaymentTerms } from './terms';

async function read(xml: string): Promise<ParsedInvoice> {
	return (await parseInvoiceDocument(xml)).invoices[0];
}

/** The codes found, less the platforms' BR-FR rules: this UBL example gives a SIRET as the seller's legal identifier and no buyer electronic address, which the BR-FR rules flag once it is dated after the reform (brfr.test.ts covers them). */
async function codes(xml: string, options: CheckOptions = {}): Promise<string[]> {
	return checkInvoice(await read(xml), options)
		.map((a) => a.code)
		.filter((c) => !c.startsWith('BR_FR_'));
}

describe('checkInvoice on a complete French invoice', () => {
	it('finds nothing to say', async () => {
		expect(checkInvoice(await read(FRENCH_UBL))).toEqual([]);
	});

	it('prepares it for the ledger with its parties in extra', async () => {
		const prepared = prepareInvoice(await read(FRENCH_UBL));
		expect(prepared.anomalies).toEqual([]);
		expect(prepared.invoice).toMatchObject({
			number: 'FA-2026-0042',
			docType: 'invoice',
			customerExternalId: 'CLI-0007',
			customerName: 'Boulangerie Martin SARL',
			currency: 'EUR',
			totalExclMinor: 20000n,
			totalTaxMinor: 4000n,
			totalInclMinor: 24000n,
			payableMinor: 24000n,
			issueDate: '2026-03-10',
			dueDate: '2026-04-09',
			poNumber: 'PO-991',
			source: 'ubl',
			termsDays: null,
		});
		expect(prepared.invoice?.extra).toMatchObject({
			seller: { siren: '123456782', vatId: 'FR11123456782' },
			buyer: { siren: '552032534' },
		});
		expect(prepared.invoice?.lines).toEqual([
			expect.objectContaining({
				id: '1',
				name: 'Farine T65',
				quantity: '10',
				netPrice: '12.50',
				netAmount: '125.00',
				vatRate: '20',
			}),
			expect.objectContaining({ id: '2', netAmount: '75.00' }),
		]);
	});
});

describe('mandatory mentions of French B2B invoices', () => {
	const cases: Array<[string, Array<[string | RegExp, string]>]> = [
		['FR_LATE_PENALTY', [[/<cbc:Note>#PMD#[^<]*<\/cbc:Note>/, '']]],
		['FR_RECOVERY_INDEMNITY', [[/<cbc:Note>#PMT#[^<]*<\/cbc:Note>/, '']]],
		['FR_DISCOUNT_TERMS', [[/<cbc:Note>#AAB#[^<]*<\/cbc:Note>/, '']]],
		[
			'FR_SELLER_SIREN',
			[
				['<cbc:CompanyID schemeID="0009">12345678200010</cbc:CompanyID>', ''],
				['<cbc:EndpointID schemeID="0225">123456782</cbc:EndpointID>', ''],
			],
		],
		['FR_SELLER_VAT', [['<cbc:CompanyID>FR11123456782</cbc:CompanyID>', '']]],
		['FR_SELLER_IDENTITY', [['<cbc:StreetName>12 rue des Meuniers</cbc:StreetName>', '']]],
		['FR_BUYER_IDENTITY', [['<cbc:PostalZone>69100</cbc:PostalZone>', '']]],
		['FR_BUYER_SIREN', [['<cbc:CompanyID schemeID="0002">552032534</cbc:CompanyID>', '']]],
		['FR_DUE_DATE', [['<cbc:DueDate>2026-04-09</cbc:DueDate>', '']]],
		['FR_PAYMENT_TERMS', [[/<cac:PaymentTerms>.*<\/cac:PaymentTerms>/, '']]],
		['FR_DELIVERY_ADDRESS', [[/<cac:DeliveryLocation>[\s\S]*<\/cac:DeliveryLocation>/, '']]],
		['FR_OPERATION_NATURE', [['<cbc:ProfileID>B1</cbc:ProfileID>', '']]],
	];
	// The mentions of the 2026 e-invoicing reform are required from 1 September 2026: tried on an invoice of that date.
	const REFORM = new Set(['FR_BUYER_SIREN', 'FR_DELIVERY_ADDRESS', 'FR_OPERATION_NATURE']);
	const september: Array<[string, string]> = [
		['<cbc:IssueDate>2026-03-10</cbc:IssueDate>', '<cbc:IssueDate>2026-09-10</cbc:IssueDate>'],
		['<cbc:DueDate>2026-04-09</cbc:DueDate>', '<cbc:DueDate>2026-10-10</cbc:DueDate>'],
	];
	it.each(cases)('%s', async (code, given) => {
		const replacements = REFORM.has(code) ? [...september, ...given] : given;
		const found = await codes(frenchUbl(...replacements));
		expect(found.filter((c) => c.startsWith('FR_'))).toEqual([code]);
		const anomaly = checkInvoice(await read(frenchUbl(...replacements))).find(
			(a) => a.code === code,
		);
		expect(anomaly).toMatchObject({ severity: 'warn' });
		expect(anomaly?.message.fr.length).toBeGreaterThan(10);
		expect(anomaly?.message.en).not.toEqual(anomaly?.message.fr);
	});

	it('the €40 mention must state the amount; a note naming the nature of the operation replaces the code', async () => {
		expect(
			await codes(
				frenchUbl(
					[
						'Indemnité forfaitaire pour frais de recouvrement : 40 €',
						'Indemnité forfaitaire pour frais de recouvrement',
					],
					['#PMT#', ''],
				),
			),
		).toEqual(['FR_RECOVERY_INDEMNITY']);
		expect(await codes(frenchUbl(['#PMT#', '']))).toEqual([]);
		expect(
			await codes(
				frenchUbl(['<cbc:ProfileID>B1</cbc:ProfileID>', '<cbc:Note>Livraison de biens</cbc:Note>']),
			),
		).toEqual([]);
	});

	it('the buyer VAT number is required for an intra-community sale', async () => {
		const intraEu = frenchUbl(
			['<cbc:CompanyID>FR27552032534</cbc:CompanyID>', ''],
			[
				'<cbc:CityName>Villeurbanne</cbc:CityName>\n\t\t\t\t<cbc:PostalZone>69100</cbc:PostalZone>\n\t\t\t\t<cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode>',
				'<cbc:CityName>Köln</cbc:CityName>\n\t\t\t\t<cbc:PostalZone>50667</cbc:PostalZone>\n\t\t\t\t<cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode>',
			],
			['<cbc:CompanyID schemeID="0002">552032534</cbc:CompanyID>', ''],
		);
		expect(await codes(intraEu)).toEqual(['FR_BUYER_VAT']);
	});

	it('applies only to French sellers unless told otherwise', async () => {
		const german = frenchUbl(
			['<cbc:CompanyID schemeID="0009">12345678200010</cbc:CompanyID>', ''],
			['<cbc:EndpointID schemeID="0225">123456782</cbc:EndpointID>', ''],
			[
				'<cbc:CompanyID>FR11123456782</cbc:CompanyID>',
				'<cbc:CompanyID>DE123456789</cbc:CompanyID>',
			],
			[
				'<cbc:PostalZone>69002</cbc:PostalZone>\n\t\t\t\t<cac:Country><cbc:IdentificationCode>FR',
				'<cbc:PostalZone>80333</cbc:PostalZone>\n\t\t\t\t<cac:Country><cbc:IdentificationCode>DE',
			],
			[/<cbc:Note>#PM[DT]#[^<]*<\/cbc:Note>/g, ''],
		);
		expect(await codes(german)).toEqual([]);
		expect(await codes(german, { frenchRules: 'always' })).toEqual(
			expect.arrayContaining(['FR_SELLER_SIREN', 'FR_LATE_PENALTY', 'FR_RECOVERY_INDEMNITY']),
		);
		expect(
			await codes(frenchUbl([/<cbc:Note>#PMD#[^<]*<\/cbc:Note>/, '']), { frenchRules: 'never' }),
		).toEqual([]);
	});

	it('VAT on debits: required on services invoices of a company that opted for it', async () => {
		const services = frenchUbl([
			'<cbc:ProfileID>B1</cbc:ProfileID>',
			'<cbc:ProfileID>S1</cbc:ProfileID>',
		]);
		expect(await codes(services)).toEqual([]);
		expect(await codes(services, { company: { vatOnDebits: true } })).toEqual([]);
		expect(
			await codes(services, { company: { vatOnDebits: true }, reformStartDate: '2026-01-01' }),
		).toEqual(['FR_VAT_ON_DEBITS']);
		const stated = frenchUbl(
			['<cbc:ProfileID>B1</cbc:ProfileID>', '<cbc:ProfileID>S1</cbc:ProfileID>'],
			[
				'<cbc:DocumentCurrencyCode>',
				"<cbc:Note>Option pour le paiement de la taxe d'après les débits</cbc:Note><cbc:DocumentCurrencyCode>",
			],
		);
		expect(
			await codes(stated, { company: { vatOnDebits: true }, reformStartDate: '2026-01-01' }),
		).toEqual([]);
		const coded = frenchUbl(
			['<cbc:ProfileID>B1</cbc:ProfileID>', '<cbc:ProfileID>S1</cbc:ProfileID>'],
			[
				'<cbc:DocumentCurrencyCode>',
				'<cac:InvoicePeriod><cbc:DescriptionCode>3</cbc:DescriptionCode></cac:InvoicePeriod><cbc:DocumentCurrencyCode>',
			],
		);
		expect(
			await codes(coded, { company: { vatOnDebits: true }, reformStartDate: '2026-01-01' }),
		).toEqual([]);
	});

	it('applies the 2026 reform mentions (buyer SIREN first) from their start date, not to earlier invoices', async () => {
		const noBuyerSiren = ['<cbc:CompanyID schemeID="0002">552032534</cbc:CompanyID>', ''] as [
			string,
			string,
		];
		const in2025 = frenchUbl(
			['<cbc:IssueDate>2026-03-10</cbc:IssueDate>', '<cbc:IssueDate>2025-11-10</cbc:IssueDate>'],
			['<cbc:DueDate>2026-04-09</cbc:DueDate>', '<cbc:DueDate>2025-12-10</cbc:DueDate>'],
			noBuyerSiren,
		);
		expect(await codes(in2025)).toEqual([]);
		expect(await codes(frenchUbl(noBuyerSiren))).toEqual([]);
		expect(await codes(frenchUbl(...september, noBuyerSiren))).toEqual(['FR_BUYER_SIREN']);
		// the start date is a setting
		expect(await codes(in2025, { reformStartDate: '2025-01-01' })).toEqual(['FR_BUYER_SIREN']);
	});

	it('the late-penalty mention must state a rate, and a stated rate below 3 × the legal interest rate is flagged', async () => {
		const penalty = (text: string) =>
			frenchUbl([/<cbc:Note>#PMD#[^<]*<\/cbc:Note>/, `<cbc:Note>${text}</cbc:Note>`]);
		expect(
			await codes(penalty('Pénalités de retard applicables en cas de retard de paiement')),
		).toEqual(['FR_LATE_PENALTY_RATE']);
		expect(await codes(penalty('#PMD#Pénalités de retard : taux BCE majoré de 10 points'))).toEqual(
			[],
		);
		expect(await codes(penalty('Pénalités de retard : 3 x le taux de l’intérêt légal'))).toEqual(
			[],
		);
		// H1 2026: legal interest 2.62 % → minimum 7.86 %; 12 % is enough, 5 % is not
		expect(await codes(penalty('Pénalités de retard au taux annuel de 12 %'))).toEqual([]);
		const low = checkInvoice(await read(penalty('Pénalités de retard au taux de 5,00 % l’an')));
		expect(low.map((a) => a.code)).toEqual(['FR_LATE_PENALTY_RATE_LOW']);
		expect(low[0].message.fr).toContain('3 × 2.62 % = 7.86 %');
		// a percentage elsewhere in the note (the discount) is not the penalty rate
		expect(
			await codes(penalty('Pénalités de retard : voir CGV ; escompte 2 % pour paiement à 8 jours')),
		).toEqual(['FR_LATE_PENALTY_RATE']);
	});
});

describe('payment terms', () => {
	it('flags terms beyond the French legal cap and a due date that contradicts the terms', async () => {
		expect(await codes(frenchUbl(['2026-04-09', '2026-06-08']))).toEqual([
			'TERMS_DUE_MISMATCH',
			'TERMS_BEYOND_LEGAL_CAP',
		]);
		const sixtyEom = frenchUbl(
			['2026-04-09', '2026-05-31'],
			['Paiement à 30 jours date de facture', '60 jours fin de mois'],
		);
		const found = checkInvoice(await read(sixtyEom));
		// the terms as written (60 days end of month > 45) and the due date they give (82 days) both exceed the cap
		expect(found.map((a) => a.code)).toEqual([
			'TERMS_STATED_BEYOND_LEGAL_CAP',
			'TERMS_BEYOND_LEGAL_CAP',
		]);
		expect(found[0].message.fr).toContain('« 60 jours fin de mois »');
		expect(found[1].message.fr).toContain('82 jours');
		expect(found[1].message.en).toContain('latest due date 2026-05-15');
	});

	it('checks the stated terms as written, not only through the due date', async () => {
		// "75 jours" with a due date 30 days after issue: the date is within the cap, the written terms are not
		const seventyFive = checkInvoice(
			await read(frenchUbl(['Paiement à 30 jours date de facture', 'Paiement à 75 jours'])),
		);
		expect(seventyFive.map((a) => a.code)).toEqual([
			'TERMS_DUE_MISMATCH',
			'TERMS_STATED_BEYOND_LEGAL_CAP',
		]);
		expect(seventyFive[1].message.en).toContain('"Paiement à 75 jours"');
		// "45 jours fin de mois" and "60 jours" are within the cap
		expect(
			await codes(
				frenchUbl(
					['2026-04-09', '2026-04-30'],
					['Paiement à 30 jours date de facture', '45 jours fin de mois'],
				),
			),
		).toEqual([]);
		expect(
			await codes(
				frenchUbl(
					['2026-04-09', '2026-05-09'],
					['Paiement à 30 jours date de facture', 'Paiement à 60 jours'],
				),
			),
		).toEqual([]);
	});

	it('accepts both French readings of "45 jours fin de mois"', async () => {
		for (const due of ['2026-04-30', '2026-05-15']) {
			expect(
				await codes(
					frenchUbl(
						['2026-04-09', due],
						['Paiement à 30 jours date de facture', '45 jours fin de mois'],
					),
				),
			).toEqual([]);
		}
		expect(
			await codes(
				frenchUbl(
					['2026-04-09', '2026-05-10'],
					['Paiement à 30 jours date de facture', '45 jours fin de mois'],
				),
			),
		).toEqual(['TERMS_DUE_MISMATCH']);
	});

	it('computes the due date from the stated terms when the document has none, else applies the 30-day default', async () => {
		const noDue = await read(
			frenchUbl(
				['<cbc:DueDate>2026-04-09</cbc:DueDate>', ''],
				['Paiement à 30 jours date de facture', '45 jours fin de mois'],
			),
		);
		const prepared = prepareInvoice(noDue);
		expect(prepared.invoice).toMatchObject({
			dueDate: '2026-04-30',
			termsDays: 45,
			termsBasis: 'end_of_month',
		});
		expect(prepared.anomalies.map((a) => a.code)).toEqual(['FR_DUE_DATE']);
		const nothing = prepareInvoice(
			await read(
				frenchUbl(
					['<cbc:DueDate>2026-04-09</cbc:DueDate>', ''],
					[/<cac:PaymentTerms>.*<\/cac:PaymentTerms>/, ''],
				),
			),
		);
		expect(nothing.invoice?.dueDate).toBe('2026-04-09');
		expect(nothing.anomalies.map((a) => a.code)).toEqual([
			'FR_DUE_DATE',
			'FR_PAYMENT_TERMS',
			'TERMS_DEFAULTED',
		]);
	});

	it('reads terms in French, English and German', () => {
		expect(parsePaymentTerms('Paiement à 30 jours date de facture')).toMatchObject({
			days: 30,
			basis: 'issue',
		});
		expect(parsePaymentTerms('45 jours fin de mois')).toMatchObject({
			days: 45,
			basis: 'end_of_month',
		});
		expect(parsePaymentTerms('45 j. FDM')).toMatchObject({ days: 45, basis: 'end_of_month' });
		expect(parsePaymentTerms('fin de mois + 45 jours')).toMatchObject({
			days: 45,
			basis: 'end_of_month_plus',
		});
		expect(parsePaymentTerms('Net 30')).toMatchObject({ days: 30, basis: 'issue' });
		expect(parsePaymentTerms('30 days end of month')).toMatchObject({
			days: 30,
			basis: 'end_of_month',
		});
		expect(parsePaymentTerms('Payable à réception')).toMatchObject({ days: 0, basis: 'reception' });
		expect(parsePaymentTerms('Escompte 2 % à 10 jours. Paiement à 60 jours.')).toMatchObject({
			days: 60,
			basis: 'issue',
		});
		expect(
			parsePaymentTerms(
				'Zahlbar innerhalb 30 Tagen netto bis 04.04.2018, 3% Skonto innerhalb 10 Tagen',
			),
		).toMatchObject({ days: 30 });
		expect(parsePaymentTerms('Selon contrat')).toBeUndefined();
		expect(dueDatesFor('2026-01-31', { days: 30, basis: 'issue' })).toEqual(['2026-03-02']);
		expect(dueDatesFor('2026-03-10', { days: 26, basis: 'issue' })).toEqual([
			'2026-04-05',
			'2026-04-06',
		]);
		expect(latestLegalDueDate('2026-01-01')).toBe('2026-03-17');
		expect(latestLegalDueDate('2026-01-20')).toBe('2026-03-31');
	});

	it('checks records from JSON too (company country decides the French rules)', () => {
		const record = {
			docType: 'invoice' as const,
			number: 'R1',
			customerExternalId: 'C1',
			currency: 'EUR',
			totalExclMinor: 1000n,
			totalTaxMinor: 200n,
			totalInclMinor: 1200n,
			payableMinor: 1200n,
			issueDate: '2026-01-01',
			dueDate: '2026-04-01',
		};
		// France when no company country is configured, as for the governing law of reminders
		expect(checkInvoice(record).map((a) => a.code)).toEqual(['TERMS_BEYOND_LEGAL_CAP']);
		expect(checkInvoice(record, { company: { country: 'MA' } }).map((a) => a.code)).toEqual([]);
		expect(checkInvoice(record, { company: { country: 'FR' } }).map((a) => a.code)).toEqual([
			'TERMS_BEYOND_LEGAL_CAP',
		]);
		expect(
			checkInvoice({ ...record, totalInclMinor: 1300n }, { company: { country: 'MA' } }).map(
				(a) => a.code,
			),
		).toEqual(['TOTAL_INCL_MISMATCH', 'PAYABLE_MISMATCH']);
	});
});

describe('totals and VAT', () => {
	it.each([
		[
			'TOTAL_INCL_MISMATCH',
			[
				[
					'<cbc:TaxInclusiveAmount currencyID="EUR">240.00',
					'<cbc:TaxInclusiveAmount currencyID="EUR">240.01',
				],
			],
			['TOTAL_INCL_MISMATCH', 'PAYABLE_MISMATCH'],
		],
		[
			'PAYABLE_MISMATCH',
			[
				[
					'<cbc:PayableAmount currencyID="EUR">240.00',
					'<cbc:PayableAmount currencyID="EUR">140.00',
				],
			],
			['PAYABLE_MISMATCH'],
		],
		[
			'prepaid amounts explain the amount due',
			[
				[
					'<cbc:PayableAmount currencyID="EUR">240.00',
					'<cbc:PrepaidAmount currencyID="EUR">100.00</cbc:PrepaidAmount><cbc:PayableAmount currencyID="EUR">140.00',
				],
			],
			[],
		],
		[
			'TOTAL_LINES_MISMATCH',
			[
				[
					'<cbc:LineExtensionAmount currencyID="EUR">75.00',
					'<cbc:LineExtensionAmount currencyID="EUR">76.00',
				],
			],
			['TOTAL_LINES_MISMATCH', 'LINE_AMOUNT_MISMATCH'],
		],
		[
			'TOTAL_EXCL_MISMATCH',
			[
				[
					'<cbc:TaxExclusiveAmount currencyID="EUR">200.00',
					'<cbc:TaxExclusiveAmount currencyID="EUR">210.00',
				],
			],
			['TOTAL_EXCL_MISMATCH', 'TOTAL_INCL_MISMATCH'],
		],
		[
			'VAT_CATEGORY_AMOUNT and VAT_TOTAL_MISMATCH',
			[
				[
					'<cbc:TaxAmount currencyID="EUR">40.00</cbc:TaxAmount>\n\t\t\t<cac:TaxCategory>',
					'<cbc:TaxAmount currencyID="EUR">42.00</cbc:TaxAmount>\n\t\t\t<cac:TaxCategory>',
				],
			],
			['VAT_TOTAL_MISMATCH', 'VAT_CATEGORY_AMOUNT'],
		],
		[
			'VAT_CATEGORY_ROUNDING',
			[
				[
					'<cbc:TaxAmount currencyID="EUR">40.00</cbc:TaxAmount>\n\t\t\t<cac:TaxCategory>',
					'<cbc:TaxAmount currencyID="EUR">40.01</cbc:TaxAmount>\n\t\t\t<cac:TaxCategory>',
				],
			],
			['VAT_TOTAL_MISMATCH', 'VAT_CATEGORY_ROUNDING'],
		],
		[
			'MIXED_CURRENCIES',
			[
				[
					'<cbc:LineExtensionAmount currencyID="EUR">125.00',
					'<cbc:LineExtensionAmount currencyID="USD">125.00',
				],
			],
			['MIXED_CURRENCIES'],
		],
		[
			'CURRENCY_UNKNOWN',
			[
				[/currencyID="EUR"/g, 'currencyID="EUX"'],
				['<cbc:DocumentCurrencyCode>EUR', '<cbc:DocumentCurrencyCode>EUX'],
			],
			['CURRENCY_UNKNOWN'],
		],
		[
			'DATE_INVALID',
			[['<cbc:IssueDate>2026-03-10', '<cbc:IssueDate>2026-02-30']],
			['DATE_INVALID'],
		],
		[
			'AMOUNT_INVALID',
			[['<cbc:PayableAmount currencyID="EUR">240.00', '<cbc:PayableAmount currencyID="EUR">NaN']],
			['AMOUNT_INVALID'],
		],
		[
			'overflowing amount',
			[['<cbc:PayableAmount currencyID="EUR">240.00', '<cbc:PayableAmount currencyID="EUR">1e400']],
			['AMOUNT_INVALID'],
		],
		[
			'three decimals in euros',
			[
				[
					'<cbc:PayableAmount currencyID="EUR">240.00',
					'<cbc:PayableAmount currencyID="EUR">240.001',
				],
			],
			['AMOUNT_INVALID'],
		],
		[
			'SIREN_INVALID',
			[['"0002">552032534</cbc:CompanyID>', '"0002">552032535</cbc:CompanyID>']],
			['SIREN_INVALID'],
		],
		['VAT_ID_INVALID', [['FR27552032534', 'FR28552032534']], ['VAT_ID_INVALID']],
		[
			'BUYER_EMAIL_INVALID',
			[['compta@boulangerie-martin.fr', 'compta(at)boulangerie-martin.fr']],
			['BUYER_EMAIL_INVALID'],
		],
	])('%s', async (_name, replacements, expected) => {
		expect(await codes(frenchUbl(...(replacements as Array<[string | RegExp, string]>)))).toEqual(
			expected,
		);
	});

	it('says what is wrong with the numbers, in both languages', async () => {
		const [a] = checkInvoice(
			await read(
				frenchUbl([
					'<cbc:PayableAmount currencyID="EUR">240.00',
					'<cbc:PayableAmount currencyID="EUR">140.00',
				]),
			),
		);
		expect(a.message.en).toBe(
			'Amount due is 140.00 EUR but total with VAT − prepaid + rounding = 240.00.',
		);
		expect(a.message.fr).toBe(
			'Le net à payer est 140.00 EUR mais TTC − acomptes + arrondi = 240.00.',
		);
		expect(a.hint.fr).toContain('acomptes');
	});

	it('books a negative invoice as a credit note', async () => {
		const negative = await read(frenchUbl([/>(125\.00|75\.00|200\.00|40\.00|240\.00)</g, '>-$1<']));
		const prepared = prepareInvoice(negative);
		expect(prepared.invoice).toMatchObject({
			docType: 'credit_note',
			totalInclMinor: 24000n,
			payableMinor: 24000n,
		});
		expect(prepared.anomalies.map((a) => a.code)).toContain('NEGATIVE_INVOICE');
	});
});

describe('rule settings', () => {
	it('a company makes a rule blocking, turns one off, leaves the others', async () => {
		const xml = frenchUbl(
			[/<cbc:Note>#PMD#[^<]*<\/cbc:Note>/, ''],
			[/<cbc:Note>#AAB#[^<]*<\/cbc:Note>/, ''],
		);
		const found = checkInvoice(await read(xml), {
			rules: { FR_LATE_PENALTY: 'block', FR_DISCOUNT_TERMS: 'off' },
		});
		expect(found.map((a) => [a.code, a.severity])).toEqual([['FR_LATE_PENALTY', 'block']]);
		expect(
			prepareInvoice(await read(xml), { rules: { FR_LATE_PENALTY: 'block' } }).invoice,
		).toBeUndefined();
		expect(prepareInvoice(await read(xml)).invoice).toBeDefined();
		expect(
			prepareInvoice(
				await read(
					frenchUbl(
						['<cbc:DueDate>2026-04-09</cbc:DueDate>', ''],
						[/<cac:PaymentTerms>.*<\/cac:PaymentTerms>/, ''],
					),
				),
				{ rules: { TERMS_DEFAULTED: 'block' } },
			).invoice,
		).toBeUndefined();
	});

	it('refuses unknown codes and settings', () => {
		expect(validateRuleSettings({ FR_LATE_PENALTY: 'off' })).toEqual({ FR_LATE_PENALTY: 'off' });
		expect(() => validateRuleSettings({ NOPE: 'off' })).toThrow(
			expect.objectContaining({ code: 'INTAKE_RULES_INVALID' }),
		);
		expect(() => validateRuleSettings({ FR_LATE_PENALTY: 'maybe' })).toThrow(/block.*warn.*off/);
		expect(() => validateRuleSettings([])).toThrow(
			expect.objectContaining({ code: 'INTAKE_RULES_INVALID' }),
		);
	});

	it('every rule has distinct French and English texts and a known scope', () => {
		const codes = INTAKE_RULES.map((r) => r.code);
		expect(new Set(codes).size).toBe(codes.length);
		for (const r of INTAKE_RULES) {
			expect(r.message.fr).not.toEqual(r.message.en);
			expect(r.hint.fr).not.toEqual(r.hint.en);
			expect(['block', 'warn']).toContain(r.severity);
		}
	});
});

describe('identifiers', () => {
	it('SIREN, SIRET and VAT numbers', () => {
		expect(isValidSiren('552032534')).toBe(true);
		expect(isValidSiren('552032535')).toBe(false);
		expect(isValidSiren('356000000')).toBe(true);
		expect(isValidSiret('12345678200010')).toBe(true);
		expect(isValidSiret('12345678200011')).toBe(false);
		expect(checkVatId('FR27552032534')).toEqual({ prefixValid: true });
		expect(checkVatId('FR 27 552 032 534')).toEqual({ prefixValid: true });
		expect(checkVatId('FR28552032534').problem?.en).toBe('the key should be 27');
		expect(checkVatId('DE123456789')).toEqual({ prefixValid: true });
		expect(checkVatId('DE12345678').problem).toBeDefined();
		expect(checkVatId('EL987654321')).toEqual({ prefixValid: true });
		expect(checkVatId('NO999999999MVA')).toEqual({ prefixValid: true });
		expect(checkVatId('123456789').prefixValid).toBe(false);
		expect(checkVatId('QQ123').prefixValid).toBe(false);
		expect(sirenFromFrenchVat('FR27552032534')).toBe('552032534');
	});
});
