import { itValidatesCdar, validateCdar as validate } from '../../test/helpers/einvoice';
import { buildCashedStatus, parseCdar } from './cdar';
import { lifecycleStatus } from './statuses';

// The 212 "Encaissée" message the package emits is checked with the official artefacts (test/fixtures/cdar, NOTICE).
const itValidates = itValidatesCdar();

const cashed = {
	messageId: 'ENC-F-2026-0012-1',
	issuedAt: '2026-11-30T09:15:00Z',
	sellerSiren: '552100554',
	sellerName: 'Démo Créances & Fils',
	invoiceNumber: 'F-2026-0012',
	invoiceIssueDate: '2026-10-01',
	receivedOn: '2026-11-29',
	currency: 'EUR',
	received: [
		{ amountMinor: 100000n, vatRate: '20' },
		{ amountMinor: 5275n, vatRate: '5.5' },
	],
};

describe('the 212 "Encaissée" status the package emits', () => {
	itValidates('is valid against the CDAR D22B XSD and the BR-FR-CDV Schematron', () => {
		expect(validate(buildCashedStatus(cashed))).toEqual({ xsd: 'valid', failed: [] });
	});

	itValidates('the validators do catch a faulty message (a 212 without its amount block)', () => {
		const broken = buildCashedStatus(cashed).replace(
			/<ram:SpecifiedDocumentCharacteristic>.*?<\/ram:SpecifiedDocumentCharacteristic>/g,
			'',
		);
		expect(validate(broken).failed.join(' ')).toContain('BR-FR-CDV-14');
	});

	it('reads back as the status it says: invoice, date, amounts per VAT rate', () => {
		const [event] = parseCdar(buildCashedStatus(cashed));
		expect(event).toMatchObject({
			messageId: 'ENC-F-2026-0012-1',
			issuedAt: '2026-11-30T09:15:00Z',
			statusCode: '212',
			invoiceNumber: 'F-2026-0012',
			invoiceIssueDate: '2026-10-01',
			sellerId: '552100554',
			senderRole: 'SE',
		});
		expect(event.amounts).toEqual([
			{ type: 'MEN', amountMinor: 100000n, currency: 'EUR', vatRate: '20' },
			{ type: 'MEN', amountMinor: 5275n, currency: 'EUR', vatRate: '5.5' },
		]);
		expect(lifecycleStatus(event.statusCode)).toMatchObject({
			fr: 'Encaissée',
			mandatory: true,
			effect: 'cashed',
		});
	});

	it('refuses what is not a CDAR message, an unknown status, a message without id', () => {
		expect(() =>
			parseCdar('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'),
		).toThrow(expect.objectContaining({ code: 'CDAR_NOT_CDAR' }));
		expect(() =>
			parseCdar(
				buildCashedStatus(cashed).replace(
					'<ram:ProcessConditionCode>212',
					'<ram:ProcessConditionCode>999',
				),
			),
		).toThrow(expect.objectContaining({ code: 'CDAR_UNKNOWN_STATUS' }));
		expect(() =>
			parseCdar(buildCashedStatus(cashed).replace(/<ram:ID>ENC[^<]*<\/ram:ID>/, '')),
		).toThrow(expect.objectContaining({ code: 'CDAR_MISSING_FIELD' }));
		expect(() => buildCashedStatus({ ...cashed, sellerSiren: '1234' })).toThrow(
			expect.objectContaining({ code: 'CDAR_BAD_SIREN' }),
		);
	});
});
