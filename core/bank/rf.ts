/**
 * ISO 11649 structured creditor references ("RF" + two check digits + up to 21 letters or digits), the reference
 * SEPA payers copy into the structured remittance field. The package gives each invoice one built from its number,
 * so a payment that carries it matches its invoice without reading free text.
 */

const BODY = /^[A-Z0-9]{1,21}$/;

function mod97(digits: string): number {
	let rest = 0;
	for (let i = 0; i < digits.length; i += 7) rest = Number(`${rest}${digits.slice(i, i + 7)}`) % 97;
	return rest;
}

/** Letters as ISO 7064 numbers (A=10 … Z=35). */
const numeric = (text: string) => text.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));

/** The reference body an invoice number gives: its letters and digits, upper case (at most 21). */
export function creditorReferenceBody(invoiceNumber: string): string | undefined {
	const body = invoiceNumber.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
	return BODY.test(body) ? body : undefined;
}

/** The RF creditor reference of an invoice number, or undefined when its number has more than 21 letters and digits. */
export function creditorReference(invoiceNumber: string): string | undefined {
	const body = creditorReferenceBody(invoiceNumber);
	if (!body) return undefined;
	const check = 98 - mod97(numeric(`${body}RF00`));
	return `RF${String(check).padStart(2, '0')}${body}`;
}

/** Whether a text is a valid RF creditor reference (spaces allowed, as printed in groups of four). */
export function isCreditorReference(text: string): boolean {
	const compact = text.replace(/\s+/g, '').toUpperCase();
	const m = /^RF(\d\d)([A-Z0-9]{1,21})$/.exec(compact);
	return !!m && mod97(numeric(`${m[2]}RF${m[1]}`)) === 1;
}

/** The body (the invoice number's letters and digits) of every valid RF reference found in a text. */
export function creditorReferencesIn(text: string): string[] {
	const found = new Set<string>();
	for (const m of text.toUpperCase().matchAll(/RF\s?\d\d(?:\s?[A-Z0-9]){1,21}/g)) {
		// Take the longest valid reading: groups of four may run into the next word.
		const compact = m[0].replace(/\s+/g, '');
		for (let end = compact.length; end > 4; end--) {
			if (isCreditorReference(compact.slice(0, end))) {
				found.add(compact.slice(4, end));
				break;
			}
		}
	}
	return [...found];
}

/** The reference printed in groups of four ("RF18 FAC2 0260 012"), as payers read it on a letter. */
export function formatCreditorReference(reference: string): string {
	return reference.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}
