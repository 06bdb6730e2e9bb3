import { ReceivablesError } from '../errors';

/**
 * E-mail addresses and header values coming from customer data. An address is accepted only when it is a plain
 * addr-spec (local@domain) without spaces, quotes, brackets or line breaks; display names and subjects are one
 * line. A CR or LF anywhere is a header-injection attempt and is refused, never cleaned silently.
 */
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const LABEL = /^(?!-)[A-Za-z0-9\u00a1-\uffff-]{1,63}(?<!-)$/;

export type AddressProblem = 'empty' | 'line_break' | 'syntax';

export function checkEmailAddress(input: string): AddressProblem | undefined {
	const address = input.trim();
	if (address === '') return 'empty';
	if (/[\r\n]/.test(input)) return 'line_break';
	if (address.length > 254) return 'syntax';
	const at = address.lastIndexOf('@');
	if (at <= 0 || at === address.length - 1) return 'syntax';
	const local = address.slice(0, at);
	const domain = address.slice(at + 1);
	if (
		local.length > 64 ||
		!LOCAL.test(local) ||
		local.startsWith('.') ||
		local.endsWith('.') ||
		local.includes('..')
	)
		return 'syntax';
	const labels = domain.split('.');
	if (
		labels.length < 2 ||
		labels.some((label) => !LABEL.test(label)) ||
		/^\d+$/.test(labels[labels.length - 1])
	)
		return 'syntax';
	return undefined;
}

export function isEmailAddress(input: string): boolean {
	return checkEmailAddress(input) === undefined;
}

/** Throws MAIL_HEADER_INJECTION when a header value (name, subject, address) has a line break. */
export function assertHeaderValue(value: string, field: string): string {
	if (/[\r\n\u2028\u2029\u0085]/.test(value)) {
		throw new ReceivablesError(
			'MAIL_HEADER_INJECTION',
			`The ${field} contains a line break, which could inject e-mail headers: refused.`,
			{
				hint: `Remove the line break from the ${field} in the customer data or the dunning policy.`,
				details: { field },
			},
		);
	}
	return value;
}

/** Splits "a@x.fr; b@y.fr, c@z.fr" style lists; keeps the order, drops duplicates (case-insensitive). */
export function splitAddresses(values: Array<string | null | undefined>): string[] {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const value of values) {
		if (!value) continue;
		for (const part of value.split(/[;,]/)) {
			const address = part.trim();
			const key = address.toLowerCase();
			if (address && !seen.has(key)) {
				seen.add(key);
				out.push(address);
			}
		}
	}
	return out;
}
