import { EU_VAT_PREFIXES, isIsoCountry } from './codes';

/** Luhn check over a string of digits. */
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

/** La Poste's SIREN does not follow the Luhn key; its SIRETs have a digit sum multiple of 5. */
const LA_POSTE = '356000000';

export function isValidSiren(siren: string): boolean {
	return /^\d{9}$/.test(siren) && (siren === LA_POSTE || luhnValid(siren));
}

export function isValidSiret(siret: string): boolean {
	if (!/^\d{14}$/.test(siret)) return false;
	if (siret.startsWith(LA_POSTE)) return [...siret].reduce((s, d) => s + Number(d), 0) % 5 === 0;
	return luhnValid(siret);
}

/** SIREN and SIRET from an identifier: ICD 0002 (SIRENE), 0009 (SIRET), 0225 (French e-invoicing address), or bare digits of a French party. */
export function frenchCompanyNumber(
	value: string,
	scheme: string | undefined,
	frenchParty: boolean,
): { siren?: string; siret?: string } {
	const known =
		scheme === '0002' ||
		scheme === '0009' ||
		scheme === '0225' ||
		scheme?.toUpperCase() === 'SIREN' ||
		scheme?.toUpperCase() === 'SIRET';
	if (!known && (scheme || !frenchParty)) return {};
	const compact = value.replace(/[\s.-]/g, '');
	const digits = scheme === '0225' ? (compact.match(/^\d{9}/)?.[0] ?? '') : compact;
	if (/^\d{14}$/.test(digits)) return { siren: digits.slice(0, 9), siret: digits };
	if (/^\d{9}$/.test(digits)) return { siren: digits };
	return {};
}

/** The French VAT key of a SIREN: FR + key + SIREN. */
export function frenchVatKey(siren: string): string {
	return ((12 + 3 * (Number(siren) % 97)) % 97).toString().padStart(2, '0');
}

/** The SIREN inside a French VAT number (FRkk + 9 digits), if any. */
export function sirenFromFrenchVat(vat: string | undefined): string | undefined {
	return vat
		?.replace(/\s/g, '')
		.toUpperCase()
		.match(/^FR[0-9A-Z]{2}(\d{9})$/)?.[1];
}

/** VAT number formats of the EU member states (VIES). */
const EU_VAT_FORMATS: Record<string, RegExp> = {
	AT: /^U\d{8}$/,
	BE: /^[01]\d{9}$/,
	BG: /^\d{9,10}$/,
	CY: /^\d{8}[A-Z]$/,
	CZ: /^\d{8,10}$/,
	DE: /^\d{9}$/,
	DK: /^\d{8}$/,
	EE: /^\d{9}$/,
	EL: /^\d{9}$/,
	ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
	FI: /^\d{8}$/,
	FR: /^[0-9A-HJ-NP-Z]{2}\d{9}$/,
	HR: /^\d{11}$/,
	HU: /^\d{8}$/,
	IE: /^(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
	IT: /^\d{11}$/,
	LT: /^(\d{9}|\d{12})$/,
	LU: /^\d{8}$/,
	LV: /^\d{11}$/,
	MT: /^\d{8}$/,
	NL: /^\d{9}B\d{2}$/,
	PL: /^\d{10}$/,
	PT: /^\d{9}$/,
	RO: /^\d{2,10}$/,
	SE: /^\d{12}$/,
	SI: /^\d{8}$/,
	SK: /^\d{10}$/,
	XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

export interface VatIdCheck {
	/** BR-CO-09: starts with an ISO 3166-1 alpha-2 code (EL for Greece). */
	prefixValid: boolean;
	problem?: { en: string; fr: string };
}

/** Checks a VAT identifier: its country prefix (EN 16931 BR-CO-09), its EU format and the French key. */
export function checkVatId(raw: string): VatIdCheck {
	const vat = raw.replace(/[\s.-]/g, '').toUpperCase();
	const prefix = vat.slice(0, 2);
	const prefixValid = /^[A-Z]{2}$/.test(prefix) && (isIsoCountry(prefix) || prefix === 'EL');
	if (!prefixValid) return { prefixValid };
	const body = vat.slice(2);
	const format = EU_VAT_FORMATS[prefix];
	if (EU_VAT_PREFIXES.has(prefix) && format && !format.test(body)) {
		return {
			prefixValid,
			problem: {
				en: `not the format of ${prefix} VAT numbers`,
				fr: `ce n'est pas le format des numéros de TVA ${prefix}`,
			},
		};
	}
	if (prefix === 'FR' && /^\d{2}\d{9}$/.test(body)) {
		const siren = body.slice(2);
		if (!isValidSiren(siren))
			return {
				prefixValid,
				problem: {
					en: `its SIREN ${siren} fails the check digit`,
					fr: `son SIREN ${siren} a une clé invalide`,
				},
			};
		if (frenchVatKey(siren) !== body.slice(0, 2)) {
			return {
				prefixValid,
				problem: {
					en: `the key should be ${frenchVatKey(siren)}`,
					fr: `la clé devrait être ${frenchVatKey(siren)}`,
				},
			};
		}
	}
	return { prefixValid };
}

const EMAIL = /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$/;

export function isUsableEmail(address: string | undefined): boolean {
	return !!address && EMAIL.test(address.trim());
}
