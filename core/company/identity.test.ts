import {
	checkCompany,
	companyFooter,
	companyLetterhead,
	formatIban,
	frenchVatKey,
	ibanValid,
	luhnValid,
} from './identity';
import { checkLogo, logoType, MAX_LOGO_BYTES } from './logo';
import { tidySubject } from '../dunning/templates';
import { solidPng } from '../../test/helpers/png';

const VALID = {
	name: 'ACME',
	legalName: 'ACME Industrie',
	legalForm: 'SAS',
	shareCapital: '50 000 €',
	addressLines: '1 place du Commerce\n69002 Lyon',
	country: 'fr',
	siren: '552 100 554',
	vatNumber: `FR ${frenchVatKey('552100554')} 552100554`,
	rcs: 'RCS Lyon 552 100 554',
	email: 'contact@acme.example',
	phone: '+33 4 72 00 00 00',
	senderEmail: 'relances@acme.example',
	senderName: 'Service recouvrement ACME',
	iban: 'fr76 3000 6000 0112 3456 7890 189',
	bic: 'bnpafrpp',
	legalMentions:
		'Pénalités de retard : trois fois le taux d’intérêt légal. Indemnité forfaitaire de recouvrement : 40 €.',
};

describe('company identity checks', () => {
	it('accepts a complete French identity and normalises its numbers', () => {
		const { company, problems } = checkCompany(VALID);
		expect(problems).toEqual([]);
		expect(company).toMatchObject({
			name: 'ACME',
			addressLines: ['1 place du Commerce', '69002 Lyon'],
			country: 'FR',
			siren: '552100554',
			vatNumber: `FR${frenchVatKey('552100554')}552100554`,
			iban: 'FR7630006000011234567890189',
			bic: 'BNPAFRPP',
		});
	});

	it('checks the SIREN (9 digits, Luhn) and says when a SIRET was given', () => {
		expect(luhnValid('552100554')).toBe(true);
		expect(luhnValid('552100555')).toBe(false);
		const typo = checkCompany({ name: 'X', siren: '552100555' }).problems;
		expect(typo).toEqual([
			expect.objectContaining({
				field: 'siren',
				message: expect.stringContaining('check digit'),
				messageFr: expect.stringContaining('clé de contrôle'),
			}),
		]);
		expect(checkCompany({ name: 'X', siren: '55210055' }).problems[0].message).toContain(
			'not 9 digits',
		);
		const siret = checkCompany({ name: 'X', siren: '55210055400013' }).problems[0];
		expect(siret.message).toContain('SIRET');
		expect(siret.message).toContain('552100554');
	});

	it('checks the key of a French VAT number and that it belongs to the SIREN given', () => {
		expect(frenchVatKey('404833048')).toBe('83'); // FR83404833048, a published VAT number
		const key = checkCompany({ name: 'X', vatNumber: 'FR00552100554' }).problems;
		expect(key[0]).toMatchObject({ field: 'vatNumber' });
		expect(key[0].message).toContain(`the key is ${frenchVatKey('552100554')}`);
		expect(key[0].messageFr).toContain('ne correspond pas');
		const other = checkCompany({
			name: 'X',
			siren: '552100554',
			vatNumber: 'FR83404833048',
		}).problems;
		expect(other.map((p) => p.message).join()).toContain('not of the SIREN given');
		expect(checkCompany({ name: 'X', vatNumber: 'DE123456789' }).problems).toEqual([]);
		expect(checkCompany({ name: 'X', vatNumber: '123456' }).problems[0].field).toBe('vatNumber');
	});

	it('checks IBANs by mod 97, BICs, e-mails, phones, ICE', () => {
		expect(ibanValid('FR76 3000 6000 0112 3456 7890 189')).toBe(true);
		expect(ibanValid('MA64 0115 1900 0001 2050 0053 4921')).toBe(true);
		expect(ibanValid('FR76 3000 6000 0112 3456 7890 188')).toBe(false);
		expect(formatIban('fr7630006000011234567890189')).toBe('FR76 3000 6000 0112 3456 7890 189');
		const bad = checkCompany({
			name: 'X',
			iban: 'FR76 3000 6000 0112 3456 7890 188',
			bic: 'BNP',
			email: 'compta@',
			senderEmail: 'relances at acme',
			phone: 'call me',
			ice: '12345',
		}).problems;
		expect(bad.map((p) => p.field).sort()).toEqual([
			'bic',
			'email',
			'iban',
			'ice',
			'phone',
			'senderEmail',
		]);
		expect(bad.find((p) => p.field === 'iban')?.message).toContain('mod 97');
		expect(bad.find((p) => p.field === 'iban')?.messageFr).toContain('modulo 97');
		expect(bad.find((p) => p.field === 'senderEmail')?.messageFr).toContain("E-mail d'expédition");
		expect(
			checkCompany({
				name: 'Atlas',
				country: 'MA',
				ice: '001234567000089',
				rcs: 'RC Casablanca 123456',
			}).problems,
		).toEqual([]);
	});

	it('requires a name and refuses line breaks in one-line fields', () => {
		const { problems } = checkCompany({ siren: '552100554', senderName: 'A\nB' });
		expect(problems.map((p) => p.field)).toEqual(['senderName', 'name']);
		expect(problems[1].messageFr).toBe(
			'Nom de la société : manquant ; il figure sur chaque courrier et e-mail.',
		);
		expect(checkCompany({ legalName: 'ACME SAS' }).company.name).toBe('ACME SAS');
	});

	it('builds a letterhead and a footer with legal mentions and bank details', () => {
		const { company } = checkCompany(VALID);
		const head = companyLetterhead(company, 'fr');
		expect(head.name).toBe('ACME Industrie SAS');
		expect(head.lines).toEqual([
			'1 place du Commerce',
			'69002 Lyon',
			`SAS au capital de 50 000 € · SIREN 552 100 554 · RCS Lyon 552 100 554 · TVA FR${frenchVatKey('552100554')}552100554`,
			'Tél. +33 4 72 00 00 00 · contact@acme.example',
		]);
		const footer = companyFooter(company, 'en') ?? '';
		expect(footer).toContain('Pénalités de retard');
		expect(footer).toContain('Bank details: IBAN FR76 3000 6000 0112 3456 7890 189 · BIC BNPAFRPP');
		expect(companyFooter({ name: '' }, 'fr')).toBeUndefined();
	});
});

describe('company logo', () => {
	it('accepts a PNG by its magic bytes and reads its size', async () => {
		const png = solidPng(120, 40);
		expect(logoType(png)).toBe('image/png');
		const { logo, problem } = await checkLogo(png, 'application/octet-stream');
		expect(problem).toBeUndefined();
		expect(logo).toMatchObject({
			mimeType: 'image/png',
			width: 120,
			height: 40,
			bytes: png.length,
		});
		expect(logo?.sha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it('refuses what is not a PNG or JPEG whatever its declared type, too large or unreadable files', async () => {
		const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
		expect((await checkLogo(gif, 'image/png')).problem?.message).toContain(
			'not a PNG or JPEG image (declared image/png)',
		);
		expect((await checkLogo(Buffer.alloc(0))).problem?.messageFr).toContain('vide');
		const big = Buffer.concat([solidPng(1, 1), Buffer.alloc(MAX_LOGO_BYTES)]);
		expect((await checkLogo(big)).problem?.message).toContain('at most 512 KB');
		const broken = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]);
		expect((await checkLogo(broken)).problem?.message).toContain('cannot be read');
	});
});

describe('subjects when a placeholder is empty', () => {
	it('never start with a separator', () => {
		expect(tidySubject(' – échéance prochaine de 1 200,00 €')).toBe(
			'Échéance prochaine de 1 200,00 €',
		);
		expect(tidySubject('ACME – échéance prochaine')).toBe('ACME – échéance prochaine');
		expect(tidySubject('Relance : ')).toBe('Relance');
		expect(tidySubject('A – – B')).toBe('A – B');
		expect(tidySubject('Facture 12-3 du 1/2')).toBe('Facture 12-3 du 1/2');
	});
});
