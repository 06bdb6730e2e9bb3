import { checkEmailAddress } from '../mail/address';

/**
 * The company's own identity (the seller): set once in the ledger (settings key "company", see saveCompany) and
 * used by every document and message that leaves the company — e-mail sender, letterhead and footer of letters,
 * issuer of invoice copies, courier manifests and reports.
 */
export interface CompanyLogoRef {
	/** SHA-256 of the image (hex): the key of its bytes in the ledger (company_logos). */
	sha256: string;
	mimeType: CompanyLogoType;
	bytes: number;
	width: number;
	height: number;
}

export type CompanyLogoType = 'image/png' | 'image/jpeg';

/** The logo's bytes, as loaded for rendering (never put in an n8n item's JSON). */
export interface CompanyLogoImage {
	mimeType: CompanyLogoType;
	data: Uint8Array;
	width: number;
	height: number;
}

export interface CompanyInfo {
	/** The trade name customers know ("ACME"). */
	name: string;
	/** The registered name ("ACME Industrie SAS"), when it differs. */
	legalName?: string;
	/** SAS, SARL, SA, SARLAU… */
	legalForm?: string;
	/** Share capital as printed ("50 000 €", "100 000 MAD"). */
	shareCapital?: string;
	/** Postal address, one line per entry (street, postal code and city). */
	addressLines?: string[];
	/** Country of the company (ISO alpha-2): the governing law of contracts when the policy and customer name none (default FR). */
	country?: string;
	/** French company number (9 digits). */
	siren?: string;
	/** Intra-community VAT number (FR + key + SIREN in France). */
	vatNumber?: string;
	/** Trade register entry: "RCS Lyon 123 456 789", "RC Casablanca 123456", "RCCM SN-DKR-2020-B-1234". */
	rcs?: string;
	/** Morocco's Identifiant Commun de l'Entreprise (15 digits). */
	ice?: string;
	/** Contact address printed on documents. */
	email?: string;
	phone?: string;
	website?: string;
	/** From address of reminders when neither the policy's stage nor the node gives one. */
	senderEmail?: string;
	/** From display name of reminders ("Service recouvrement ACME"). */
	senderName?: string;
	iban?: string;
	bic?: string;
	bankName?: string;
	/** Legal mentions printed at the foot of letters and invoice copies (penalties, register, insurer…). */
	legalMentions?: string;
	logo?: CompanyLogoRef;
	/** The logo's bytes, filled by loadCompany for rendering; never stored in the settings nor put in an item. */
	logoImage?: CompanyLogoImage;
}

/** The text fields of the identity, in the order forms and outputs show them. */
export const COMPANY_TEXT_FIELDS = [
	'name',
	'legalName',
	'legalForm',
	'shareCapital',
	'addressLines',
	'country',
	'siren',
	'vatNumber',
	'rcs',
	'ice',
	'email',
	'phone',
	'website',
	'senderEmail',
	'senderName',
	'iban',
	'bic',
	'bankName',
	'legalMentions',
] as const;

export type CompanyTextField = (typeof COMPANY_TEXT_FIELDS)[number];

/** Field names in English and French, for the messages that name a field. */
export const COMPANY_FIELD_LABELS: Record<CompanyTextField | 'logo', { en: string; fr: string }> = {
	name: { en: 'Company name', fr: 'Nom de la société' },
	legalName: { en: 'Registered name', fr: 'Raison sociale' },
	legalForm: { en: 'Legal form', fr: 'Forme juridique' },
	shareCapital: { en: 'Share capital', fr: 'Capital social' },
	addressLines: { en: 'Address', fr: 'Adresse' },
	country: { en: 'Country', fr: 'Pays' },
	siren: { en: 'SIREN', fr: 'SIREN' },
	vatNumber: { en: 'VAT number', fr: 'Numéro de TVA' },
	rcs: { en: 'Trade register (RCS/RC/RCCM)', fr: 'Registre du commerce (RCS/RC/RCCM)' },
	ice: { en: 'ICE (Morocco)', fr: 'ICE (Maroc)' },
	email: { en: 'Contact e-mail', fr: 'E-mail de contact' },
	phone: { en: 'Phone', fr: 'Téléphone' },
	website: { en: 'Website', fr: 'Site web' },
	senderEmail: { en: 'Sender e-mail', fr: "E-mail d'expédition" },
	senderName: { en: 'Sender name', fr: "Nom d'expéditeur" },
	iban: { en: 'IBAN', fr: 'IBAN' },
	bic: { en: 'BIC', fr: 'BIC' },
	bankName: { en: 'Bank', fr: 'Banque' },
	legalMentions: { en: 'Legal mentions', fr: 'Mentions légales' },
	logo: { en: 'Logo', fr: 'Logo' },
};

export interface CompanyProblem {
	field: CompanyTextField | 'logo';
	/** What is wrong and how to fix it, in English. */
	message: string;
	messageFr: string;
}

const MAX_TEXT = 200;
const MAX_MENTIONS = 1500;

/** Luhn check of a digit string (SIREN, SIRET). */
export function luhnValid(digits: string): boolean {
	if (!/^\d+$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/** The numeric key of a French VAT number for a SIREN: (12 + 3 × (SIREN mod 97)) mod 97, two digits. */
export function frenchVatKey(siren: string): string {
	return String((12 + 3 * (Number(siren) % 97)) % 97).padStart(2, '0');
}

/** ISO 13616 check: the IBAN (spaces ignored) moved and read as a number is 1 mod 97. */
export function ibanValid(iban: string): boolean {
	const compact = iban.replace(/\s+/g, '').toUpperCase();
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
	const moved = compact.slice(4) + compact.slice(0, 4);
	let rest = 0;
	for (const ch of moved) {
		const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
		for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
	}
	return rest === 1;
}

/** "FR7630006000011234567890189" → "FR76 3000 6000 0112 3456 7890 189". */
export function formatIban(iban: string): string {
	return iban
		.replace(/\s+/g, '')
		.toUpperCase()
		.replace(/(.{4})(?=.)/g, '$1 ');
}

/** "123456789" → "123 456 789". */
export function formatSiren(siren: string): string {
	return /^\d{9}$/.test(siren)
		? `${siren.slice(0, 3)} ${siren.slice(3, 6)} ${siren.slice(6)}`
		: siren;
}

function problem(field: CompanyProblem['field'], en: string, fr: string): CompanyProblem {
	const label = COMPANY_FIELD_LABELS[field];
	return { field, message: `${label.en}: ${en}`, messageFr: `${label.fr} : ${fr}` };
}

function textOf(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join('\n');
	return String(value).trim();
}

/**
 * Reads an identity from loose input (a form, a node's parameters, JSON): trims, drops empty fields, normalises
 * numbers (SIREN, VAT, IBAN, BIC and ICE without spaces, upper case), and lists every problem with the field named,
 * in English and French. The address may be given as lines or as one text with line breaks.
 */
export function checkCompany(input: Record<string, unknown>): {
	company: CompanyInfo;
	problems: CompanyProblem[];
} {
	const problems: CompanyProblem[] = [];
	const out: Record<string, unknown> = {};
	for (const field of COMPANY_TEXT_FIELDS) {
		const raw = textOf(input[field]);
		if (!raw) continue;
		if (field === 'addressLines') {
			const lines = raw
				.split(/\r?\n|\s*;\s*/)
				.map((l) => l.trim())
				.filter(Boolean);
			if (lines.length > 6)
				problems.push(
					problem(
						field,
						`${lines.length} lines; an address fits in 6 lines at most.`,
						`${lines.length} lignes ; une adresse tient en 6 lignes au plus.`,
					),
				);
			if (lines.some((l) => l.length > MAX_TEXT))
				problems.push(
					problem(
						field,
						`a line is longer than ${MAX_TEXT} characters.`,
						`une ligne dépasse ${MAX_TEXT} caractères.`,
					),
				);
			out[field] = lines;
			continue;
		}
		const max = field === 'legalMentions' ? MAX_MENTIONS : MAX_TEXT;
		if (raw.length > max)
			problems.push(
				problem(
					field,
					`${raw.length} characters; at most ${max}.`,
					`${raw.length} caractères ; ${max} au plus.`,
				),
			);
		if (field !== 'legalMentions' && /[\r\n]/.test(raw)) {
			problems.push(
				problem(
					field,
					'contains a line break; write it on one line.',
					'contient un retour à la ligne ; écrivez-le sur une seule ligne.',
				),
			);
		}
		out[field] = raw;
	}
	const company = out as unknown as CompanyInfo;
	if (!company.name) {
		if (company.legalName) company.name = company.legalName;
		else
			problems.push(
				problem(
					'name',
					'missing; it is printed on every letter and e-mail.',
					'manquant ; il figure sur chaque courrier et e-mail.',
				),
			);
	}
	if (company.country !== undefined) {
		const country = company.country.toUpperCase();
		if (!/^[A-Z]{2}$/.test(country))
			problems.push(
				problem(
					'country',
					`"${company.country}" is not a two-letter ISO code (FR, MA, SN, CI…).`,
					`« ${company.country} » n'est pas un code ISO à deux lettres (FR, MA, SN, CI…).`,
				),
			);
		company.country = country;
	}
	if (company.siren !== undefined) {
		const digits = company.siren.replace(/[\s.]/g, '');
		if (/^\d{14}$/.test(digits) && luhnValid(digits)) {
			problems.push(
				problem(
					'siren',
					`"${company.siren}" is a SIRET (14 digits, an establishment); the SIREN is its first 9 digits: ${digits.slice(0, 9)}.`,
					`« ${company.siren} » est un SIRET (14 chiffres, un établissement) ; le SIREN est formé de ses 9 premiers chiffres : ${digits.slice(0, 9)}.`,
				),
			);
		} else if (!/^\d{9}$/.test(digits)) {
			problems.push(
				problem(
					'siren',
					`"${company.siren}" is not 9 digits.`,
					`« ${company.siren} » ne compte pas 9 chiffres.`,
				),
			);
		} else if (!luhnValid(digits)) {
			problems.push(
				problem(
					'siren',
					`"${company.siren}" fails the SIREN check digit (Luhn): a digit is mistyped.`,
					`« ${company.siren} » ne passe pas la clé de contrôle du SIREN (Luhn) : un chiffre est erroné.`,
				),
			);
		}
		company.siren = digits;
	}
	if (company.vatNumber !== undefined) {
		const vat = company.vatNumber.replace(/[\s.-]/g, '').toUpperCase();
		company.vatNumber = vat;
		if (vat.startsWith('FR')) {
			const m = /^FR([0-9A-Z]{2})(\d{9})$/.exec(vat);
			if (!m)
				problems.push(
					problem(
						'vatNumber',
						`"${vat}" is not a French VAT number (FR, a 2-character key, then the 9-digit SIREN).`,
						`« ${vat} » n'est pas un numéro de TVA français (FR, une clé de 2 caractères, puis les 9 chiffres du SIREN).`,
					),
				);
			else {
				const [, key, siren] = m;
				if (/^\d{2}$/.test(key) && key !== frenchVatKey(siren)) {
					problems.push(
						problem(
							'vatNumber',
							`the key ${key} of "${vat}" does not match its SIREN ${siren} (the key is ${frenchVatKey(siren)}).`,
							`la clé ${key} de « ${vat} » ne correspond pas à son SIREN ${siren} (la clé est ${frenchVatKey(siren)}).`,
						),
					);
				}
				if (company.siren && /^\d{9}$/.test(company.siren) && siren !== company.siren) {
					problems.push(
						problem(
							'vatNumber',
							`"${vat}" is the VAT number of SIREN ${siren}, not of the SIREN given (${company.siren}).`,
							`« ${vat} » est le numéro de TVA du SIREN ${siren}, pas du SIREN indiqué (${company.siren}).`,
						),
					);
				}
			}
		} else if (!/^[A-Z]{2}[0-9A-Z+*]{2,13}$/.test(vat)) {
			problems.push(
				problem(
					'vatNumber',
					`"${vat}" is not a VAT number (two-letter country code, then 2 to 13 letters or digits).`,
					`« ${vat} » n'est pas un numéro de TVA (code pays à deux lettres, puis 2 à 13 lettres ou chiffres).`,
				),
			);
		}
	}
	if (company.ice !== undefined) {
		const ice = company.ice.replace(/\s+/g, '');
		company.ice = ice;
		if (!/^\d{15}$/.test(ice))
			problems.push(
				problem('ice', `"${ice}" is not 15 digits.`, `« ${ice} » ne compte pas 15 chiffres.`),
			);
	}
	for (const field of ['email', 'senderEmail'] as const) {
		const value = company[field];
		if (value !== undefined && checkEmailAddress(value)) {
			problems.push(
				problem(
					field,
					`"${value}" is not an e-mail address (name@domain.fr).`,
					`« ${value} » n'est pas une adresse e-mail (nom@domaine.fr).`,
				),
			);
		}
	}
	if (company.senderName !== undefined && /[<>"@]/.test(company.senderName)) {
		problems.push(
			problem(
				'senderName',
				'a display name cannot contain <, >, " or @; put the address in Sender e-mail.',
				"un nom d'expéditeur ne peut contenir ni <, >, \" ni @ ; mettez l'adresse dans E-mail d'expédition.",
			),
		);
	}
	if (company.phone !== undefined && !/^\+?[\d\s().-]{6,25}$/.test(company.phone)) {
		problems.push(
			problem(
				'phone',
				`"${company.phone}" is not a phone number (digits, spaces, + ( ) . -).`,
				`« ${company.phone} » n'est pas un numéro de téléphone (chiffres, espaces, + ( ) . -).`,
			),
		);
	}
	if (company.iban !== undefined) {
		const iban = company.iban.replace(/\s+/g, '').toUpperCase();
		company.iban = iban;
		if (!ibanValid(iban)) {
			problems.push(
				problem(
					'iban',
					/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)
						? `"${formatIban(iban)}" fails the IBAN check (mod 97): a character is mistyped.`
						: `"${company.iban}" is not an IBAN (country code, 2 check digits, then the account).`,
					/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)
						? `« ${formatIban(iban)} » ne passe pas le contrôle de l'IBAN (modulo 97) : un caractère est erroné.`
						: `« ${company.iban} » n'est pas un IBAN (code pays, 2 chiffres de contrôle, puis le compte).`,
				),
			);
		}
	}
	if (company.bic !== undefined) {
		const bic = company.bic.replace(/\s+/g, '').toUpperCase();
		company.bic = bic;
		if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic))
			problems.push(
				problem(
					'bic',
					`"${bic}" is not a BIC (8 or 11 characters: bank, country, place, branch).`,
					`« ${bic} » n'est pas un BIC (8 ou 11 caractères : banque, pays, lieu, agence).`,
				),
			);
	}
	if (
		company.website !== undefined &&
		!/^(https?:\/\/)?[\w.-]+\.[a-z]{2,}(\/\S*)?$/i.test(company.website)
	) {
		problems.push(
			problem(
				'website',
				`"${company.website}" is not a web address (www.example.fr).`,
				`« ${company.website} » n'est pas une adresse web (www.exemple.fr).`,
			),
		);
	}
	return { company, problems };
}

/** The name to show for the company ('' when none is set). */
export function companyDisplayName(
	company: Pick<CompanyInfo, 'name' | 'legalName'> | undefined,
): string {
	return (company?.name || company?.legalName || '').trim();
}

/** "ACME Industrie SAS" — the registered name with its legal form when the name does not already end with it. */
export function companyLegalName(company: CompanyInfo): string {
	const base = company.legalName || company.name || '';
	if (
		!company.legalForm ||
		new RegExp(`\\b${company.legalForm.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i').test(base)
	)
		return base;
	return `${base} ${company.legalForm}`.trim();
}

/** "SAS au capital de 50 000 € · SIREN 123 456 789 · TVA FR32123456789 · RCS Lyon …" (the registration line). */
export function companyRegistrationLine(company: CompanyInfo, language: 'fr' | 'en'): string {
	const fr = language === 'fr';
	const parts = [
		company.legalForm && company.shareCapital
			? fr
				? `${company.legalForm} au capital de ${company.shareCapital}`
				: `${company.legalForm} with a share capital of ${company.shareCapital}`
			: company.legalForm,
		company.siren ? `SIREN ${formatSiren(company.siren)}` : '',
		company.rcs ?? '',
		company.vatNumber ? `${fr ? 'TVA' : 'VAT'} ${company.vatNumber}` : '',
		company.ice ? `ICE ${company.ice}` : '',
	];
	return parts.filter(Boolean).join(' · ');
}

/** The letterhead: the name (bold), then the address, the registration line and the contacts. */
export function companyLetterhead(
	company: CompanyInfo,
	language: 'fr' | 'en',
): { name: string; lines: string[] } {
	const fr = language === 'fr';
	const contacts = [
		company.phone ? `${fr ? 'Tél.' : 'Tel.'} ${company.phone}` : '',
		company.email ?? '',
		company.website ?? '',
	]
		.filter(Boolean)
		.join(' · ');
	return {
		name: companyLegalName(company) || companyDisplayName(company),
		lines: [
			...(company.addressLines ?? []),
			companyRegistrationLine(company, language),
			contacts,
		].filter(Boolean),
	};
}

/** The foot of each page: legal mentions, then the registered identity and the bank details. */
export function companyFooter(company: CompanyInfo, language: 'fr' | 'en'): string | undefined {
	const fr = language === 'fr';
	const bank = [
		company.bankName ?? '',
		company.iban ? `IBAN ${formatIban(company.iban)}` : '',
		company.bic ? `BIC ${company.bic}` : '',
	]
		.filter(Boolean)
		.join(' · ');
	const identity = [companyLegalName(company), companyRegistrationLine(company, language)]
		.filter(Boolean)
		.join(' — ');
	const lines = [
		company.legalMentions ?? '',
		identity,
		bank
			? `${fr ? 'Coordonnées bancaires' : 'Bank details'} : ${bank}`.replace(
					' : ',
					fr ? ' : ' : ': ',
				)
			: '',
	];
	const text = lines.filter(Boolean).join('\n');
	return text || undefined;
}

/** The identity as stored and shown (no logo bytes). */
export function companyJson(company: CompanyInfo): Record<string, unknown> {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { logoImage, ...rest } = company;
	return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}
