import { signWebhookRequest, type Ledger } from '../../core';

/**
 * What the two signed-intake workflow tests share — the shipped workflow with the Receivables Page Trigger
 * (intake-signed-webhook.test.ts) and the older Webhook → Receive Signed Request one
 * (intake-receive-signed-request.test.ts): the secret, the answer's shape, the signature headers, the Dakar
 * delivery and the ledger's footprint.
 */
export const SIGNED_INTAKE_SECRET = 'whsec_workflow_test_0123456789';

/** The JSON answer a signed intake request gets. */
export interface SignedIntakeAnswer {
	received: boolean;
	stored?: boolean;
	repeated?: boolean;
	code?: string;
	error?: string;
	errorFr?: string;
	deliveryId?: string;
	invoices?: { created: number; revised: number; unchanged: number };
	payments?: { created: number; unchanged: number };
	rejected?: Array<{
		kind: string;
		ref: string | null;
		code: string;
		error: string;
		errorFr: string;
	}>;
}

/** The X-Receivables-Signature and X-Receivables-Delivery headers of a request signed for the intake purpose. */
export function signedIntakeHeaders(
	raw: string,
	delivery: string,
	options: { timestamp?: number; secret?: string } = {},
): Record<string, string> {
	return {
		'x-receivables-signature': signWebhookRequest({
			rawBody: raw,
			secret: options.secret ?? SIGNED_INTAKE_SECRET,
			deliveryId: delivery,
			timestamp: options.timestamp,
			purpose: 'intake',
		}),
		'x-receivables-delivery': delivery,
	};
}

/**
 * A delivery from Dakar's accounting software: a good XOF invoice for CL-DKR, one for an unknown customer CL-NEW
 * (rejected unless missing customers are created), one with an impossible issue date (31/04), and a payment of the
 * second.
 */
export function dakarDelivery() {
	return {
		invoices: [
			{
				number: 'DK-2026-101',
				customerId: 'CL-DKR',
				currency: 'XOF',
				totalIncl: '590 000',
				totalTax: '90 000',
				issueDate: '2026-04-01',
				dueDate: '2026-05-01',
			},
			{
				number: 'DK-2026-102',
				customerId: 'CL-NEW',
				customerName: 'Abidjan Services',
				currency: 'XOF',
				totalIncl: '100000',
				issueDate: '2026-04-02',
				dueDate: '2026-05-02',
			},
			{
				number: 'DK-2026-103',
				customerId: 'CL-DKR',
				currency: 'XOF',
				totalIncl: '1000',
				issueDate: '31/04/2026',
				dueDate: '2026-05-31',
			},
		],
		payments: [
			{
				externalRef: 'WAVE-77',
				amount: '100000',
				currency: 'XOF',
				date: '2026-04-20',
				reference: 'Paiement DK-2026-102',
			},
		],
	};
}

/** What a refused request must leave unchanged: invoices, payments, deliveries remembered, history. */
export async function intakeFootprint(ledger: Ledger): Promise<Record<string, string>> {
	return (
		await ledger.query<Record<string, string>>(
			`SELECT (SELECT count(*) FROM invoices)::text AS invoices, (SELECT count(*) FROM payments)::text AS payments,
			(SELECT count(*) FROM webhook_deliveries)::text AS deliveries, (SELECT count(*) FROM history)::text AS history`,
		)
	)[0];
}
