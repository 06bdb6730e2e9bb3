import { normalisePaymentRecord } from './paymentRecord';

describe('normalisePaymentRecord', () => {
	it('reads a French bank-statement row', () => {
		const { payment, anomalies } = normalisePaymentRecord({
			transactionId: 'OP-2026-10-05-001',
			date: '05/10/2026',
			credit: '1 234,56',
			label: 'VIR SEPA BOULANGERIE MARTIN FAC-2026-0012',
			payer: 'BOULANGERIE MARTIN',
			invoiceNumbers: 'FAC-2026-0012; FAC-2026-0013',
		});
		expect(anomalies).toEqual([]);
		expect(payment).toEqual({
			source: 'bank',
			externalRef: 'OP-2026-10-05-001',
			amountMinor: 123456n,
			currency: 'EUR',
			receivedOn: '2026-10-05',
			payerName: 'BOULANGERIE MARTIN',
			referenceText: 'VIR SEPA BOULANGERIE MARTIN FAC-2026-0012',
			customerExternalId: null,
			invoiceNumbers: ['FAC-2026-0012', 'FAC-2026-0013'],
		});
	});

	it('reads a JSON payment with zero-decimal currency and a customer code', () => {
		const { payment } = normalisePaymentRecord(
			{
				externalRef: 'W-1',
				amount: 150000,
				currency: 'xof',
				date: '2026-10-05',
				customerId: 'C001',
				invoiceNumbers: ['F1'],
			},
			{ source: 'wave' },
		);
		expect(payment).toMatchObject({
			source: 'wave',
			amountMinor: 150000n,
			currency: 'XOF',
			customerExternalId: 'C001',
			invoiceNumbers: ['F1'],
		});
	});

	it('derives a reference from the content when the statement has none, with a warning', () => {
		const a = normalisePaymentRecord({ date: '2026-10-05', amount: '10.00', reference: 'X' });
		const b = normalisePaymentRecord({ date: '2026-10-05', amount: '10', reference: 'X' });
		expect(a.payment?.externalRef).toMatch(/^h:[0-9a-f]{32}$/);
		expect(a.payment?.externalRef).toBe(b.payment?.externalRef);
		expect(a.anomalies.map((x) => [x.code, x.severity])).toEqual([['PAYMENT_REF_DERIVED', 'warn']]);
	});

	it('refuses debits, zero, bad amounts and impossible dates, in French and English', () => {
		const debit = normalisePaymentRecord({ date: '2026-10-05', debit: '50,00' });
		expect(debit.payment).toBeUndefined();
		expect(debit.anomalies[0]).toMatchObject({ code: 'PAYMENT_NOT_INCOMING', severity: 'block' });
		expect(normalisePaymentRecord({ date: '2026-10-05', amount: '-50,00' }).anomalies[0].code).toBe(
			'PAYMENT_NOT_INCOMING',
		);
		expect(normalisePaymentRecord({ date: '2026-10-05', amount: '0' }).anomalies[0].code).toBe(
			'AMOUNT_INVALID',
		);
		const bad = normalisePaymentRecord({ date: '30/02/2026', amount: '12,345' });
		expect(bad.anomalies.map((x) => [x.code, x.field])).toEqual([
			['AMOUNT_INVALID', 'amount'],
			['DATE_INVALID', 'date'],
		]);
		expect(bad.anomalies[1].message.fr).toMatch(/n'est pas une date valide/);
		expect(normalisePaymentRecord({ amount: '10' }).anomalies[0]).toMatchObject({
			code: 'FIELD_REQUIRED',
			field: 'date',
		});
	});
});
