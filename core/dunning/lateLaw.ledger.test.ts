import type { Ledger } from '../ledger';
import { parseWriteOffThresholds, storePayments } from '../ledger/payments';
import { storeInvoices } from '../ledger/invoices';
import type { LedgerInvoice } from '../ledger/types';
import { agedBalance } from '../reports/aged';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { savePolicy } from './policy';
import { planReminders } from './plan';
import { messageCharges, plannedMessageJson, renderReminder } from './render';
import { statementOfCharges } from './statement';

/**
 * French late-payment law against a real ledger: interest on each amount for its own period (from the allocation
 * history), charges of invoices paid late in full, governing law, minimum amounts and small-difference write-offs.
 * Every expected figure is worked out by hand in the comments.
 */
describe('late-payment law in the ledger', () => {
	let ledger: Ledger;
	const COMPANY = { name: 'ACME SAS' };

	beforeAll(async () => {
		ledger = await createTestLedger();
		await seedStaff(ledger);
		await savePolicy(ledger, {
			code: 'standard',
			name: 'Standard',
			minimumAmount: { EUR: '5.00', XOF: '3000' },
			stages: [
				{
					code: 'level2',
					kind: 'reminder',
					level: 2,
					offsetDays: 15,
					channels: ['email'],
					template: 'reminder_2',
					grouping: 'invoice',
					showCharges: true,
				},
				{
					code: 'formal_notice',
					kind: 'formal_notice',
					offsetDays: 45,
					channels: ['letter'],
					template: 'formal_notice',
					grouping: 'invoice',
				},
			],
		});
		await savePolicy(ledger, {
			code: 'low_rate',
			name: 'Contract at 5 %',
			contractRatePercent: '5',
			stages: [
				{
					code: 'level2',
					kind: 'reminder',
					level: 2,
					offsetDays: 15,
					channels: ['email'],
					template: 'reminder_2',
					grouping: 'invoice',
					showCharges: true,
				},
			],
		});
	});

	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('charges a part paid late up to its payment date and the rest up to the reminder date', async () => {
		const c = await addCustomer(ledger, { externalId: 'LAW-1', name: 'Partiel SARL' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-F1',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 1000000n,
		});
		const [stored] = await storePayments(ledger, [
			{
				externalRef: 'BANK-LAW-1',
				amountMinor: 400000n,
				currency: 'EUR',
				receivedOn: '2025-09-21',
				referenceText: 'VIR PARTIEL SARL LAW-F1',
				customerExternalId: 'LAW-1',
			},
		]);
		expect(stored.allocation?.allocations.map((a) => [a.invoiceNumber, a.amountMinor])).toEqual([
			['LAW-F1', 400000n],
		]);
		// 2025-10-01 is 30 days after the due date: the level2 stage (15 days) runs through the window [15, 45)
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2025-10-01' });
		const message = plan.due.find((m) => m.customer.externalId === 'LAW-1');
		expect(message?.invoices[0].openMinor).toBe(600000n);
		const charges = messageCharges(message!);
		// H2 2025: ECB 2.15 % on 1 July + 10 = 12.15 %
		// 4 000.00 paid on 2025-09-21, 20 days late: 4000 × 0.1215 × 20 / 365 = 26.630… → 26.63
		// 6 000.00 open on 2025-10-01, 30 days late: 6000 × 0.1215 × 30 / 365 = 59.917… → 59.92
		// the old way (open amount only, 30 days) gave 59.92; the law gives 86.55
		expect(charges.interestMinor).toBe(8655n);
		expect(charges.indemnityMinor).toBe(4000n);
		const rendered = renderReminder(message!, COMPANY);
		expect(rendered.text).toContain(
			'LAW-F1 : 4\u202f000,00\u00a0€ payés le 21 septembre 2025 avec 20 jours de retard',
		);
		expect(rendered.text).toContain(
			'4\u202f000,00\u00a0€ × (20 j du 2 septembre 2025 au 21 septembre 2025 à 12,15\u00a0%) / 365 = 26,63\u00a0€',
		);
		expect(rendered.text).toContain(
			'6\u202f000,00\u00a0€ × (30 j du 2 septembre 2025 au 1 octobre 2025 à 12,15\u00a0%) / 365 = 59,92\u00a0€',
		);
	});

	it('shows each half-year with its own rate and days when a delay spans several', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'LAW-2',
			name: 'Semestres SA',
			language: 'en',
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-F2',
			issueDate: '2024-11-01',
			dueDate: '2024-12-21',
			amount: 100000n,
		});
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2025-01-20' });
		const message = plan.due.find((m) => m.customer.externalId === 'LAW-2')!;
		// 10 days in H2 2024 at 14.25 % and 20 days in H1 2025 at 13.15 %:
		// 1000 × (10 × 0.1425 + 20 × 0.1315) / 365 = 11.1096 → 11.11
		expect(messageCharges(message).interestMinor).toBe(1111n);
		const text = renderReminder(message, COMPANY).text;
		expect(text).toContain(
			'10 d from 22 December 2024 to 31 December 2024 at 14.25\u00a0% + 20 d from 1 January 2025 to 20 January 2025 at 13.15\u00a0%',
		);
		expect(text).toContain('= €11.11');
	});

	it('keeps the charges of an invoice paid late in full, claimable in a statement of charges', async () => {
		const c = await addCustomer(ledger, { externalId: 'LAW-3', name: 'Retard Total SAS' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'LATE-300',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 100000n,
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'ONTIME-301',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 50000n,
		});
		await storePayments(ledger, [
			{
				externalRef: 'BANK-LAW-3',
				amountMinor: 100000n,
				currency: 'EUR',
				receivedOn: '2025-10-01',
				referenceText: 'LATE-300',
				customerExternalId: 'LAW-3',
			},
			{
				externalRef: 'BANK-LAW-3B',
				amountMinor: 50000n,
				currency: 'EUR',
				receivedOn: '2025-08-30',
				referenceText: 'ONTIME-301',
				customerExternalId: 'LAW-3',
			},
		]);
		const statement = await statementOfCharges(ledger, {
			customerExternalId: 'LAW-3',
			asOf: '2025-12-15',
		});
		// paid in full on 2025-10-01, 30 days late: 1000 × 0.1215 × 30 / 365 = 9.986… → 9.99, and the €40 indemnity;
		// the invoice paid before its due date has no charges
		expect(
			statement.lines.map((l) => [
				l.number,
				l.status,
				l.charges.interest,
				l.charges.fixedIndemnity,
			]),
		).toEqual([['LATE-300', 'paid', '9.99', '40.00']]);
		expect(statement.totals).toEqual([
			{
				customerExternalId: 'LAW-3',
				currency: 'EUR',
				interestMinor: 999n,
				indemnities: { EUR: 4000n },
				invoices: 1,
				warnings: [],
			},
		]);
	});

	it('states the charges as of a past date on what was still owed that day, payments made after it included', async () => {
		const c = await addCustomer(ledger, { externalId: 'LAW-9', name: 'Payé Plus Tard SA' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-F9',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 100000n,
		});
		await storePayments(ledger, [
			{
				externalRef: 'BANK-LAW-9A',
				amountMinor: 40000n,
				currency: 'EUR',
				receivedOn: '2025-09-21',
				referenceText: 'LAW-F9',
				customerExternalId: 'LAW-9',
			},
			{
				externalRef: 'BANK-LAW-9B',
				amountMinor: 60000n,
				currency: 'EUR',
				receivedOn: '2025-11-30',
				referenceText: 'LAW-F9',
				customerExternalId: 'LAW-9',
			},
		]);
		const at = async (asOf: string) =>
			(await statementOfCharges(ledger, { customerExternalId: 'LAW-9', asOf })).lines.map((l) => [
				l.status,
				l.paidAt,
				l.charges.daysLate,
				l.charges.interest,
				l.charges.fixedIndemnity,
			]);
		// 1 October 2025: 400.00 paid on 21 September, 20 days late: 400 × 0.1215 × 20 / 365 = 2.663… → 2.66;
		// 600.00 still owed that day (paid on 30 November), 30 days late: 600 × 0.1215 × 30 / 365 = 5.991… → 5.99;
		// 2.66 + 5.99 = 8.65, and the €40 indemnity. (Reading today's state gave 2.66: the 600.00 was left out.)
		expect(await at('2025-10-01')).toEqual([['open', null, 30, '8.65', '40.00']]);
		// 15 December 2025: the 600.00 was paid on 30 November, 90 days late: 600 × 0.1215 × 90 / 365 = 17.975… → 17.98;
		// 2.66 + 17.98 = 20.64.
		expect(await at('2025-12-15')).toEqual([['paid', '2025-11-30', 90, '20.64', '40.00']]);
		// Only invoices already paid late by the date: none on 1 October, LAW-F9 on 15 December.
		expect(
			(
				await statementOfCharges(ledger, {
					customerExternalId: 'LAW-9',
					asOf: '2025-10-01',
					includeOpen: false,
				})
			).lines,
		).toEqual([]);
		expect(
			(
				await statementOfCharges(ledger, {
					customerExternalId: 'LAW-9',
					asOf: '2025-12-15',
					includeOpen: false,
				})
			).lines.map((l) => l.charges.interest),
		).toEqual(['20.64']);
	});

	it('charges a revised invoice day by day on the content in force that day and the current one', async () => {
		await addCustomer(ledger, { externalId: 'LAW-R', name: 'Rectifiée SARL' });
		const doc = (number: string, payable: bigint, dueDate: string): LedgerInvoice => ({
			docType: 'invoice',
			number,
			customerExternalId: 'LAW-R',
			currency: 'EUR',
			totalExclMinor: payable,
			totalTaxMinor: 0n,
			totalInclMinor: payable,
			payableMinor: payable,
			issueDate: '2026-01-02',
			dueDate,
		});
		await storeInvoices(ledger, [
			doc('LAW-R1', 100000n, '2026-02-01'),
			doc('LAW-R2', 100000n, '2026-02-01'),
		]);
		// Both corrected with effect on 1 March 2026: LAW-R1 to 1 200,00 (same due date), LAW-R2 to 800,00 due 15 February.
		const revised = await storeInvoices(
			ledger,
			[doc('LAW-R1', 120000n, '2026-02-01'), doc('LAW-R2', 80000n, '2026-02-15')],
			{ effectiveOn: '2026-03-01', zone: 'Europe/Paris' },
		);
		expect(revised.map((r) => r.status)).toEqual(['revised', 'revised']);
		await storePayments(ledger, [
			{
				externalRef: 'BANK-LAW-R2',
				amountMinor: 30000n,
				currency: 'EUR',
				receivedOn: '2026-03-10',
				referenceText: 'LAW-R2',
				customerExternalId: 'LAW-R',
			},
		]);
		const at = async (asOf: string) =>
			(await statementOfCharges(ledger, { customerExternalId: 'LAW-R', asOf })).lines.map((l) => [
				l.number,
				l.charges.interest,
				l.charges.fixedIndemnity,
			]);
		// H1 2026: 12.15 %. 31 March 2026:
		// LAW-R1: 1 000 from 2 February to 31 March (58 d): 100 000 × 58 × 12.15 / 36 500 = 1 930,68 → 19,31; the 200 added on
		// 1 March from 1 March (31 d): 20 000 × 31 × 12.15 / 36 500 = 206,38 → 2,06; 21,37 (the current content alone: 23,17).
		// LAW-R2: late from 16 February (both contents), on 800: 300 paid on 10 March (23 d) = 229,68 → 2,30; 500 open (44 d)
		// = 732,33 → 7,32; 9,62 (the content of February alone: 1 000 from 2 February).
		expect(await at('2026-03-31')).toEqual([
			['LAW-R1', '21.37', '40.00'],
			['LAW-R2', '9.62', '40.00'],
		]);
		// 20 February, before the corrections: each 1 000 due 1 February, 19 d: 632,47 → 6,32.
		expect(await at('2026-02-20')).toEqual([
			['LAW-R1', '6.32', '40.00'],
			['LAW-R2', '6.32', '40.00'],
		]);
		// 10 February: LAW-R2 was then due on 1 February (its due date of 15 February came with the correction): 9 d,
		// 100 000 × 9 × 12.15 / 36 500 = 299,59 → 3,00, as LAW-R1.
		expect(await at('2026-02-10')).toEqual([
			['LAW-R1', '3.00', '40.00'],
			['LAW-R2', '3.00', '40.00'],
		]);
		// The reminder of 10 March for LAW-R1 (37 days late): 1 000 × 37 d = 1 231,64 → 12,32; 200 × 10 d = 66,58 → 0,67; 12,99.
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2026-03-10' });
		const message = plan.due.find(
			(m) => m.customer.externalId === 'LAW-R' && m.invoices[0].number === 'LAW-R1',
		);
		expect(messageCharges(message!).interestMinor).toBe(1299n);
		const rendered = renderReminder(message!, COMPANY);
		expect(rendered.text).toContain(
			'200,00\u00a0€ × (10 j du 1 mars 2026 au 10 mars 2026 à 12,15\u00a0%) / 365 = 0,67\u00a0€',
		);
		expect(rendered.text).toContain(
			'1\u202f000,00\u00a0€ × (37 j du 2 février 2026 au 10 mars 2026 à 12,15\u00a0%) / 365 = 12,32\u00a0€',
		);
	});

	it('puts the warning of a half-year without a known rate on the reminder and on the statement item concerned', async () => {
		// The shipped ECB table is checked through 1 January 2026: the second half of 2026 has no known rate.
		const c = await addCustomer(ledger, { externalId: 'LAW-10', name: 'Semestre Inconnu SARL' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-F10',
			issueDate: '2026-05-31',
			dueDate: '2026-06-30',
			amount: 100000n,
		});
		// 1 August 2026: 32 days late (1 July – 1 August), all in 2026-S2, computed at the last known rate, 2.15 + 10
		// = 12.15 %, and said so: 1000 × 0.1215 × 32 / 365 = 10.652… → 10.65.
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2026-08-01' });
		const message = plan.due.find((m) => m.customer.externalId === 'LAW-10')!;
		expect(messageCharges(message).interestMinor).toBe(1065n);
		const json = plannedMessageJson(message) as {
			chargesWarnings: Array<{
				code: string;
				semester: string;
				message: string;
				messageFr: string;
			}>;
		};
		expect(json.chargesWarnings.map((w) => [w.code, w.semester])).toEqual([
			['RATE_UNKNOWN', '2026-S2'],
		]);
		expect(json.chargesWarnings[0].message).toContain('ecb-rates.json');
		expect(json.chargesWarnings[0].messageFr).toContain('2026-S2');
		// The statement of 1 August 2026: LAW-10's item carries the warning; LAW-3's (paid late in full in 2025,
		// 9.99 interest) has none.
		const statement = await statementOfCharges(ledger, { asOf: '2026-08-01' });
		const item = (customer: string) =>
			statement.totals.find((t) => t.customerExternalId === customer)!;
		expect([
			item('LAW-10').interestMinor,
			item('LAW-10').warnings.map((w) => [w.code, w.semester]),
		]).toEqual([1065n, [['RATE_UNKNOWN', '2026-S2']]]);
		expect([item('LAW-3').interestMinor, item('LAW-3').warnings]).toEqual([999n, []]);
	});

	it('raises a contract rate below 3 × the legal interest rate, with a warning on the message', async () => {
		const c = await addCustomer(ledger, { externalId: 'LAW-4', profile: 'low_rate' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-F4',
			issueDate: '2024-01-01',
			dueDate: '2024-01-31',
			amount: 100000n,
		});
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2024-03-01' });
		const message = plan.due.find((m) => m.customer.externalId === 'LAW-4')!;
		// H1 2024: legal interest 5.07 % → floor 15.21 %; 1000 × 0.1521 × 30 / 365 = 12.501… → 12.50
		const charges = messageCharges(message);
		expect(charges.interestMinor).toBe(1250n);
		expect(charges.ratePercent).toBe('15.21');
		const json = plannedMessageJson(message) as { chargesWarnings: Array<{ code: string }> };
		expect(json.chargesWarnings.map((w) => w.code)).toEqual(['CONTRACT_RATE_RAISED']);
	});

	it('follows the governing law, not the currency: a French company’s XOF and USD invoices get the indemnity', async () => {
		const c = await addCustomer(ledger, { externalId: 'LAW-5', name: 'Dakar Négoce' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-XOF',
			currency: 'XOF',
			issueDate: '2024-12-01',
			dueDate: '2025-01-01',
			amount: 1000000n,
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-USD',
			currency: 'USD',
			issueDate: '2024-12-01',
			dueDate: '2025-01-01',
			amount: 100000n,
		});
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2025-02-01' });
		const xof = plan.due.find((m) => m.invoices[0].number === 'LAW-XOF')!;
		const usd = plan.due.find((m) => m.invoices[0].number === 'LAW-USD')!;
		expect(xof.governingLaw).toBe('FR');
		// 1 000 000 XOF × 13.15 % × 31 / 365 = 11 168.49 → 11 168; indemnity 40 × 655.957 = 26 238.28 → 26 238 XOF
		expect(messageCharges(xof)).toMatchObject({ interestMinor: 11168n, indemnityMinor: 26238n });
		// USD: the indemnity stays €40, never added to the USD total
		const usdCharges = messageCharges(usd);
		expect(usdCharges.indemnityMinor).toBe(0n);
		expect(usdCharges.otherIndemnities).toEqual({ EUR: 4000n });
		expect(renderReminder(usd, COMPANY).text).toContain('40,00\u00a0€');
		// a customer under Moroccan law: no statutory rate, no indemnity
		const ma = await addCustomer(ledger, {
			externalId: 'LAW-6',
			overrides: { governingLaw: 'MA' },
		});
		await addInvoice(ledger, {
			customerId: ma,
			number: 'LAW-MA',
			issueDate: '2024-12-01',
			dueDate: '2025-01-01',
			amount: 100000n,
		});
		const maPlan = await planReminders(ledger, { stage: 'level2', asOf: '2025-02-01' });
		const maMessage = maPlan.due.find((m) => m.customer.externalId === 'LAW-6')!;
		expect(maMessage.governingLaw).toBe('MA');
		expect(messageCharges(maMessage)).toMatchObject({
			interestMinor: 0n,
			indemnityMinor: 0n,
			shown: false,
		});
	});

	it('takes the default governing law from the company country', async () => {
		await ledger.query(`INSERT INTO settings (key, value) VALUES ('company', '{"name": "ACME Maroc", "country": "MA"}')
			ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
		try {
			const plan = await planReminders(ledger, { stage: 'level2', asOf: '2025-02-01' });
			expect(plan.due.find((m) => m.invoices[0].number === 'LAW-XOF')?.governingLaw).toBe('MA');
		} finally {
			await ledger.query("DELETE FROM settings WHERE key = 'company'");
		}
	});

	it('does not dun an amount below the policy minimum for its currency', async () => {
		const c = await addCustomer(ledger, { externalId: 'LAW-7' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-SHORT',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 100000n,
			open: 50n,
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-XOF-SMALL',
			currency: 'XOF',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 100000n,
			open: 2500n,
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'LAW-OK',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 100000n,
			open: 500n,
		});
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2025-10-01' });
		const held = plan.held.filter((h) => h.customerExternalId === 'LAW-7');
		// 0.50 EUR < 5.00 EUR; 2 500 XOF < 3 000 XOF; 5.00 EUR is not below 5.00
		expect(held.map((h) => [h.number, h.reason])).toEqual([
			['LAW-SHORT', 'below_minimum'],
			['LAW-XOF-SMALL', 'below_minimum'],
		]);
		expect(held[0].detail).toContain('0.50 EUR is below the minimum of 5.00 EUR');
		expect(
			plan.due.filter((m) => m.customer.externalId === 'LAW-7').map((m) => m.invoices[0].number),
		).toEqual(['LAW-OK']);
	});

	it('writes off a small difference at allocation, as a write-off fact, not as cash', async () => {
		const c = await addCustomer(ledger, { externalId: 'LAW-8' });
		const id = await addInvoice(ledger, {
			customerId: c,
			number: 'FAC-2025-0801',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 100000n,
		});
		const other = await addInvoice(ledger, {
			customerId: c,
			number: 'FAC-2025-0802',
			issueDate: '2025-08-01',
			dueDate: '2025-09-01',
			amount: 100000n,
		});
		const [outcome, big] = await storePayments(
			ledger,
			[
				{
					externalRef: 'BANK-LAW-8',
					amountMinor: 99950n,
					currency: 'EUR',
					receivedOn: '2025-10-01',
					referenceText: 'FAC-2025-0801',
					customerExternalId: 'LAW-8',
				},
				{
					externalRef: 'BANK-LAW-8B',
					amountMinor: 90000n,
					currency: 'EUR',
					receivedOn: '2025-10-01',
					referenceText: 'FAC-2025-0802',
					customerExternalId: 'LAW-8',
				},
			],
			{ writeOffUpTo: { EUR: '1.00' } },
		);
		// 1 000.00 − 999.50 = 0.50 ≤ 1.00: written off; 1 000.00 − 900.00 = 100.00 > 1.00: stays open
		expect(
			outcome.allocation?.writeOffs?.map((w) => [w.invoiceNumber, w.amountMinor, w.effectiveOn]),
		).toEqual([['FAC-2025-0801', 50n, '2025-10-01']]);
		expect(outcome.allocation?.paid.map((p) => p.invoiceNumber)).toEqual(['FAC-2025-0801']);
		expect(big.allocation?.writeOffs).toBeUndefined();
		const rows = await ledger.query<{ id: string; status: string; open_minor: string }>(
			'SELECT id, status, open_minor FROM invoices WHERE id = ANY($1::bigint[]) ORDER BY id',
			[[id, other]],
		);
		expect(rows.map((r) => [r.status, r.open_minor])).toEqual([
			['paid', '0'],
			['open', '10000'],
		]);
		const facts = await ledger.query<{
			amount_minor: string;
			reason: string;
			effective_on: string;
		}>('SELECT amount_minor, reason, effective_on::text FROM write_offs WHERE invoice_id = $1', [
			id,
		]);
		expect(facts).toEqual([
			{ amount_minor: '50', reason: 'small_difference', effective_on: '2025-10-01' },
		]);
		const history = await ledger.query<{ kind: string }>(
			"SELECT kind FROM history WHERE invoice_id = $1 AND kind IN ('write_off', 'invoice_paid') ORDER BY id",
			[id],
		);
		expect(history.map((h) => h.kind)).toEqual(['write_off', 'invoice_paid']);
		// cash stays what was received: the allocation is 999.50, the write-off is apart
		const cash = await ledger.query<{ sum: string }>(
			'SELECT sum(amount_minor)::text AS sum FROM allocations WHERE invoice_id = $1',
			[id],
		);
		expect(cash[0].sum).toBe('99950');
		// reports as of a date: before the payment the invoice owes 1 000.00; from the payment day it owes nothing
		// (999.50 allocated + 0.50 written off), the other invoice 100.00
		const before = await agedBalance(ledger, { asOf: '2025-09-30', groupBy: 'customer' });
		expect(before.rows.find((r) => r.key === 'LAW-8')?.open.amount).toBe('2000.00');
		const after = await agedBalance(ledger, { asOf: '2025-10-01', groupBy: 'customer' });
		expect(after.rows.find((r) => r.key === 'LAW-8')).toMatchObject({
			invoices: 1,
			open: { amount: '100.00' },
		});
		// the written-off 0.50 earns no interest; the 999.50 paid 30 days late does: 999.50 × 0.1215 × 30 / 365 = 9.981… → 9.98
		const statement = await statementOfCharges(ledger, {
			customerExternalId: 'LAW-8',
			asOf: '2025-12-01',
			includeOpen: false,
		});
		expect(statement.lines.map((l) => [l.number, l.charges.interest])).toEqual([
			['FAC-2025-0801', '9.98'],
		]);
	});

	it('reads write-off thresholds as the node takes them', () => {
		expect(parseWriteOffThresholds('EUR=1.00, xof: 500')).toEqual({ EUR: '1.00', XOF: '500' });
		expect(parseWriteOffThresholds('')).toBeUndefined();
		expect(() => parseWriteOffThresholds('EUR=abc')).toThrow(/EUR=abc/);
		expect(() => parseWriteOffThresholds('XYZ1=1')).toThrow(/not a write-off threshold/);
	});
});
