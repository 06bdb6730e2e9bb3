import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { serverKeys } from '../tracking/keys';
import { signToken } from '../tracking/tokens';

/**
 * The personal links to the payer page: a token signed with the server's payer key, naming one customer and its
 * link version, with an expiry. Kept apart from the page so the reminders (core/dunning) can print links without
 * importing the page.
 */
export const PAYER_LINK_PURPOSE = 'payer-link';
const DEFAULT_LINK_DAYS = 60;

function payerError(code: string, en: string, fr: string): ReceivablesError {
	return new ReceivablesError(code, en, { details: { messageFr: fr } });
}

/** The token of a customer's payer link (valid `ttlDays`, default 60, until the customer's links are revoked). */
export async function payerLinkToken(
	ledger: Ledger,
	customerExternalId: string,
	options: { ttlDays?: number; now?: Date } = {},
): Promise<string> {
	const [customer] = await ledger.query<{ id: string; payer_link_version: number }>(
		'SELECT id, payer_link_version FROM customers WHERE external_id = $1',
		[customerExternalId],
	);
	if (!customer)
		throw payerError(
			'PAYER_UNKNOWN_CUSTOMER',
			`Customer "${customerExternalId}" is not in the ledger.`,
			`Le client « ${customerExternalId} » n'est pas dans le grand livre.`,
		);
	const [key] = await serverKeys(ledger, 'payer');
	return signToken(
		{ c: customer.id, v: customer.payer_link_version },
		key,
		PAYER_LINK_PURPOSE,
		Math.round((options.ttlDays ?? DEFAULT_LINK_DAYS) * 86400),
		options.now,
	);
}

/** The link itself: the page's address with the token (what reminders print, and letters as a QR code). */
export async function payerLinkUrl(
	ledger: Ledger,
	customerExternalId: string,
	pageUrl: string,
	options: { ttlDays?: number; now?: Date } = {},
): Promise<string> {
	const token = await payerLinkToken(ledger, customerExternalId, options);
	return `${pageUrl}${pageUrl.includes('?') ? '&' : '?'}t=${token}`;
}

/** Ends every payer link sent to the customer so far (a leaked link, a contact who left). */
export async function revokePayerLinks(
	ledger: Ledger,
	customerExternalId: string,
): Promise<number> {
	const rows = await ledger.query<{ payer_link_version: number }>(
		'UPDATE customers SET payer_link_version = payer_link_version + 1 WHERE external_id = $1 RETURNING payer_link_version',
		[customerExternalId],
	);
	if (!rows[0])
		throw payerError(
			'PAYER_UNKNOWN_CUSTOMER',
			`Customer "${customerExternalId}" is not in the ledger.`,
			`Le client « ${customerExternalId} » n'est pas dans le grand livre.`,
		);
	return rows[0].payer_link_version;
}
