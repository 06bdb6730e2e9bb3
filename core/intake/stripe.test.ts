import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mapStripeCreditNote, mapStripeEvent, mapStripeInvoice, stripeDate } from './stripe';

// Stripe's published API fixtures (test/fixtures/webhooks/NOTICE.md: stripe/openapi, MIT).
const fixtures = JSON.parse(
	readFileSync(
		path.join(__dirname, '../../test/fixtures/webhooks/stripe-openapi-fixtures3.json'),
		'utf8',
	),
) as {
	resources: Record<string, Record<string, unknown>>;
};
const { invoice, credit_note: creditNote, event } = fixtures.resources;
const finalized = { ...invoice, status: 'open', number: 'ABCD-1234-0001' };

describe('Stripe objects as ledger records', () => {
	it('turns Unix timestamps into calendar dates in the company zone', () => {
		expect(stripeDate(1234567890, 'Europe/Paris')).toBe('2009-02-14');
		expect(stripeDate(1234567890, 'UTC')).toBe('2009-02-13');
		expect(stripeDate(null)).toBeUndefined();
		expect(stripeDate(1.5)).toBeUndefined();
	});

	it('refuses the fixture invoice as it is: a draft without a number is not owed yet', () => {
		const { invoice: mapped, anomalies } = mapStripeInvoice(invoice);
		expect(mapped).toBeUndefined();
		expect(anomalies.map((a) => a.code)).toEqual(
			expect.arrayContaining(['STRIPE_INVOICE_DRAFT', 'FIELD_REQUIRED']),
		);
	});

	it('maps a finalized invoice: integer minor units, Unix due date, customer id', () => {
		const { invoice: mapped, anomalies } = mapStripeInvoice(finalized, { zone: 'UTC' });
		expect(anomalies.filter((a) => a.severity === 'block')).toEqual([]);
		expect(mapped).toMatchObject({
			docType: 'invoice',
			number: 'ABCD-1234-0001',
			customerExternalId: 'cus_QXg1o8vcGmoR32',
			currency: 'USD',
			totalInclMinor: 1000n,
			totalExclMinor: 1000n,
			totalTaxMinor: 0n,
			payableMinor: 1000n,
			issueDate: '2009-02-13',
			dueDate: '2009-02-13',
			source: 'stripe',
			sourceRef: 'in_1Pgc6tB7WZ01zgkWu9fdqL6I',
			lines: [
				expect.objectContaining({
					description: 'My First Invoice Item (created for API docs)',
					amount: '10.00',
				}),
			],
		});
		expect(mapStripeInvoice(finalized).invoice?.dueDate).toBe('2009-02-14');
	});

	it('maps a zero-decimal currency exactly and refuses amounts that are not whole minor units', () => {
		expect(
			mapStripeInvoice({
				...finalized,
				currency: 'xof',
				total: 150000,
				amount_due: 150000,
				total_excluding_tax: 150000,
			}).invoice,
		).toMatchObject({ currency: 'XOF', payableMinor: 150000n });
		expect(mapStripeInvoice({ ...finalized, total: 10.5 }).anomalies.map((a) => a.code)).toContain(
			'STRIPE_AMOUNT_INVALID',
		);
		expect(
			mapStripeInvoice({ ...finalized, amount_due: -1 }).anomalies.map((a) => a.code),
		).toContain('STRIPE_AMOUNT_INVALID');
		expect(
			mapStripeInvoice({ ...finalized, currency: 'huf' }).anomalies.map((a) => a.code),
		).toContain('STRIPE_CURRENCY_UNSUPPORTED');
	});

	it('maps the fixture credit note and keeps the Stripe id of the invoice it credits', () => {
		const mapped = mapStripeCreditNote(creditNote, { zone: 'UTC' });
		expect(mapped.invoice).toMatchObject({
			docType: 'credit_note',
			number: 'ABCD-1234-CN-01',
			customerExternalId: 'cus_QXg1o8vcGmoR32',
			currency: 'USD',
			totalInclMinor: 1690n,
			totalExclMinor: 1690n,
			payableMinor: 1690n,
			issueDate: '2009-02-13',
			creditedNumber: null,
			sourceRef: 'cn_1Pgc75B7WZ01zgkWJMPt5riP',
		});
		expect(mapped.creditedStripeInvoiceId).toBe('in_1Pgc75B7WZ01zgkWYv4iMwt7');
		expect(
			mapStripeCreditNote({ ...creditNote, invoice: { id: 'in_x', number: 'ABCD-1234-0001' } })
				.invoice?.creditedNumber,
		).toBe('ABCD-1234-0001');
	});

	it('reads webhook events: invoice and credit note events, ignores the rest and drafts', () => {
		expect(mapStripeEvent(event)).toMatchObject({
			eventId: 'evt_1Pgc76B7WZ01zgkWwyRHS12y',
			type: 'plan.created',
			documents: [],
			ignored: expect.stringMatching(/plan/),
		});
		expect(
			mapStripeEvent({ ...event, type: 'invoice.created', data: { object: invoice } }).ignored,
		).toMatch(/draft/);
		const finalizedEvent = mapStripeEvent({
			...event,
			type: 'invoice.finalized',
			data: { object: finalized },
		});
		expect(finalizedEvent.documents.map((d) => d.invoice?.number)).toEqual(['ABCD-1234-0001']);
		expect(finalizedEvent.payments).toEqual([]);
		const credit = mapStripeEvent({
			...event,
			type: 'credit_note.created',
			data: { object: creditNote },
		});
		expect(credit.documents[0].invoice?.docType).toBe('credit_note');
	});

	it('turns a paid invoice into its payment, keyed by the Stripe invoice id', () => {
		const paid = {
			...finalized,
			status: 'paid',
			amount_paid: 1000,
			amount_remaining: 0,
			status_transitions: { paid_at: 1767225600 },
		};
		const records = mapStripeEvent({ ...event, type: 'invoice.paid', data: { object: paid } });
		expect(records.payments).toEqual([
			{
				source: 'stripe',
				externalRef: 'invoice:in_1Pgc6tB7WZ01zgkWu9fdqL6I',
				amountMinor: 1000n,
				currency: 'USD',
				receivedOn: '2026-01-01',
				payerName: null,
				referenceText: 'Stripe in_1Pgc6tB7WZ01zgkWu9fdqL6I ABCD-1234-0001',
				customerExternalId: 'cus_QXg1o8vcGmoR32',
				invoiceNumbers: ['ABCD-1234-0001'],
			},
		]);
	});
});
