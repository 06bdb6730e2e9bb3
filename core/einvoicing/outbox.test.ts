import type { Ledger } from '../ledger';
import { storePayments } from '../ledger/payments';
import { storeInvoices, upsertCustomers } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { itValidatesCdar, validateCdar } from '../../test/helpers/einvoice';
import { parseCdar } from './cdar';
import { applyLifecycleStatuses } from './ledger';
import { collectCashedStatuses, confirmCashedStatusesSent, vatRateOf } from './outbox';
import { renderTimelineEvent, type TimelineEvent } from '../dunning/timeline-text';

describe('vatRateOf', () => {
	it('reads the single standard rate an invoice’s totals show, within the rounding of its lines', () => {
		expect(vatRateOf(100000n, 20000n)).toBe('20');
		expect(vatRateOf(100000n, 5500n)).toBe('5.5');
		expect(vatRateOf(100000n, 10000n)).toBe('10');
		expect(vatRateOf(100000n, 2100n)).toBe('2.1');
		expect(vatRateOf(333333n, 66667n)).toBe('20'); // rounded line by line
		expect(vatRateOf(100000n, 14000n)).toBe('14'); // Morocco
		expect(vatRateOf(100000n, 0n)).toBe('0');
		// mixed rates (20 % and 5.5 % lines): no single rate, the company's default is stated
		expect(vatRateOf(200000n, 25500n, '20')).toBe('20');
		expect(vatRateOf(200000n, 25500n, '10')).toBe('10');
	});
});

describe('cashed statuses owed to the platform', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await upsertCustomers(ledger, [
			{ externalId: 'PA', name: 'Client Plateforme', emails: ['ap@pa.example'] },
		]);
		const invoice = (number: string, excl: bigint, tax: bigint) => ({
			docType: 'invoice' as const,
			number,
			customerExternalId: 'PA',
			currency: 'EUR',
			totalExclMinor: excl,
			totalTaxMinor: tax,
			totalInclMinor: excl + tax,
			payableMinor: excl + tax,
			issueDate: '2026-09-10',
			dueDate: '2026-10-10',
		});
		await storeInvoices(ledger, [
			invoice('EP-1', 100000n, 20000n),
			invoice('EP-2', 100000n, 5500n),
			invoice('EP-OFF', 100000n, 20000n),
		]);
		// the platform knows EP-1 and EP-2 (it sent statuses for them), not EP-OFF (a paper invoice)
		await applyLifecycleStatuses(
			ledger,
			['EP-1', 'EP-2'].map((n) => ({
				messageId: `S-${n}`,
				issuedAt: '2026-09-11T08:00:00Z',
				statusCode: '203',
				invoiceNumber: n,
				amounts: [],
			})),
		);
		await storePayments(ledger, [
			{
				externalRef: 'TRF-1',
				amountMinor: 50000n,
				currency: 'EUR',
				receivedOn: '2026-10-01',
				invoiceNumbers: ['EP-1'],
				customerExternalId: 'PA',
			},
			{
				externalRef: 'TRF-2',
				amountMinor: 70000n,
				currency: 'EUR',
				receivedOn: '2026-10-05',
				invoiceNumbers: ['EP-1'],
				customerExternalId: 'PA',
			},
			{
				externalRef: 'TRF-3',
				amountMinor: 105500n,
				currency: 'EUR',
				receivedOn: '2026-10-06',
				invoiceNumbers: ['EP-2'],
				customerExternalId: 'PA',
			},
			{
				externalRef: 'TRF-4',
				amountMinor: 120000n,
				currency: 'EUR',
				receivedOn: '2026-10-06',
				invoiceNumbers: ['EP-OFF'],
				customerExternalId: 'PA',
			},
		]);
	});
	afterAll(async () => dropTestLedger(ledger));

	it('owes one 212 per receipt on an invoice the platform knows, with that receipt’s amount, date and VAT rate; again until confirmed, then never', async () => {
		const owed = await collectCashedStatuses(ledger, {
			sellerSiren: '552 100 554',
			now: new Date('2026-10-07T18:00:00Z'),
		});
		expect(owed.map((o) => [o.invoiceNumber, o.amountMinor, o.receivedOn, o.vatRate])).toEqual([
			['EP-1', 50000n, '2026-10-01', '20'],
			['EP-1', 70000n, '2026-10-05', '20'],
			['EP-2', 105500n, '2026-10-06', '5.5'],
		]);
		expect(parseCdar(owed[0].xml)[0]).toMatchObject({
			statusCode: '212',
			invoiceNumber: 'EP-1',
			invoiceIssueDate: '2026-09-10',
			sellerId: '552100554',
			messageId: owed[0].messageId,
			amounts: [{ type: 'MEN', amountMinor: 50000n, currency: 'EUR', vatRate: '20' }],
		});
		// not confirmed (the platform did not answer): owed again, same message ids
		const again = await collectCashedStatuses(ledger, { sellerSiren: '552100554' });
		expect(again.map((o) => o.messageId)).toEqual(owed.map((o) => o.messageId));
		expect(
			await confirmCashedStatusesSent(ledger, [owed[0].id, owed[1].id], { platform: 'PA Demo' }),
		).toEqual([owed[0].id, owed[1].id]);
		expect(await confirmCashedStatusesSent(ledger, [owed[0].id, 'x', '999999'])).toEqual([]);
		expect(
			(await collectCashedStatuses(ledger, { sellerSiren: '552100554' })).map(
				(o) => o.invoiceNumber,
			),
		).toEqual(['EP-2']);
		const history = await ledger.query<{ summary: string }>(
			"SELECT summary FROM history WHERE kind = 'lifecycle_cashed_sent' ORDER BY id",
		);
		expect(history.map((h) => h.summary)).toEqual([
			'Status 212 Encaissée sent to PA Demo for invoice EP-1 (received 2026-10-01)',
			'Status 212 Encaissée sent to PA Demo for invoice EP-1 (received 2026-10-05)',
		]);
		// The customer's timeline reads the same entries in French from the stored event.
		const [entry] = await ledger.query<{ payload: Record<string, unknown> }>(
			"SELECT payload FROM history WHERE kind = 'lifecycle_cashed_sent' ORDER BY id LIMIT 1",
		);
		expect(renderTimelineEvent(entry.payload.timeline as TimelineEvent, 'fr')).toBe(
			'Statut 212 Encaissée envoyé à PA Demo pour la facture EP-1 (encaissée le 01/10/2026)',
		);
		expect(renderTimelineEvent(entry.payload.timeline as TimelineEvent, 'en')).toBe(
			'Status 212 Encaissée sent to PA Demo for invoice EP-1 (received 2026-10-01)',
		);
	});

	itValidatesCdar()(
		'the 212 statuses owed validate against the official CDAR XSD and BR-FR-CDV Schematron',
		async () => {
			for (const owed of await collectCashedStatuses(ledger, { sellerSiren: '552100554' }))
				expect(validateCdar(owed.xml)).toEqual({ xsd: 'valid', failed: [] });
		},
	);

	it('scope all reports every invoice; receipts before the start date are never owed; a bad SIREN is refused in both languages', async () => {
		const all = await collectCashedStatuses(ledger, {
			sellerSiren: '552100554',
			scope: 'all',
			paidFrom: '2026-10-06',
		});
		expect(all.map((o) => o.invoiceNumber).sort()).toEqual(['EP-2', 'EP-OFF']);
		await expect(collectCashedStatuses(ledger, { sellerSiren: '55210' })).rejects.toMatchObject({
			code: 'CASHED_BAD_SIREN',
			details: { messageFr: expect.stringMatching(/SIREN/) },
		});
		// none given: the company settings' SIREN, and a clear error while the company has none
		await expect(collectCashedStatuses(ledger, {})).rejects.toMatchObject({
			code: 'CASHED_BAD_SIREN',
			message: expect.stringMatching(/none is given/),
		});
		await ledger.query(
			`INSERT INTO settings (key, value) VALUES ('company', '{"name": "Démo SA", "siren": "552 100 554"}') ON CONFLICT (key) DO UPDATE SET value = settings.value || EXCLUDED.value`,
		);
		const [first] = await collectCashedStatuses(ledger, {});
		expect(parseCdar(first.xml)[0].sellerId).toBe('552100554');
	});
});
