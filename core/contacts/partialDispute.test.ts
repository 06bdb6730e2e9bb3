// A dispute of some lines leaves the undisputed rest of the invoice in the quality calls, as in the reminders.
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { installDefaultPolicies } from '../dunning/policy';
import { openDispute, resolveDispute } from '../disputes/ledger';
import { planCalls } from '.';

const DAY = '2026-03-09'; // invoices due on 2026-03-14 are called about 5 days before

describe('quality calls with a dispute of some lines', () => {
	let ledger: Ledger;
	let partId: string;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		const c = await addCustomer(ledger, {
			externalId: 'PC',
			name: 'Partiel SA',
			collector: 'COL1',
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'PC-1',
			dueDate: '2026-03-14',
			amount: 51000n,
		}); // 510,00
		await addInvoice(ledger, {
			customerId: c,
			number: 'PC-2',
			dueDate: '2026-03-14',
			amount: 20000n,
		}); // 200,00
		await addInvoice(ledger, {
			customerId: c,
			number: 'PC-3',
			dueDate: '2026-03-14',
			amount: 30000n,
		}); // 300,00
		// PC-1: 150,00 of its lines disputed; PC-2: the whole invoice disputed.
		partId = (
			await openDispute(ledger, {
				invoices: ['PC-1'],
				category: 'commercial',
				disputedMinor: 15000n,
				asOf: '2026-03-05',
			})
		).disputeId;
		await openDispute(ledger, { invoices: ['PC-2'], category: 'logistics', asOf: '2026-03-05' });
	});
	afterAll(async () => dropTestLedger(ledger));

	it('calls about the undisputed rest (360,00 of 510,00), leaves a wholly disputed invoice out', async () => {
		const plan = await planCalls(ledger, { asOf: DAY });
		expect(
			plan.calls.map((c) => c.invoices.map((i) => [i.number, i.amount, i.open, i.disputed])),
		).toEqual([
			[
				['PC-1', '510.00', '360.00', '150.00'],
				['PC-3', '300.00', '300.00', undefined],
			],
		]);
		// 360,00 + 300,00
		expect(plan.calls[0].totals).toEqual([{ currency: 'EUR', open: '660.00' }]);
		expect(plan.calls[0].openDisputes).toBe(2);
		// the minimum applies to the rest: 360,00 ≥ 350 (PC-3's 300,00 is not), 360,00 < 400 (though 510,00 is open)
		expect(
			(await planCalls(ledger, { asOf: DAY, minAmount: '350' })).calls.map((c) =>
				c.invoices.map((i) => i.number),
			),
		).toEqual([['PC-1']]);
		expect((await planCalls(ledger, { asOf: DAY, minAmount: '400' })).calls).toEqual([]);
	});

	it('calls about the whole invoice once the dispute is resolved', async () => {
		await resolveDispute(ledger, {
			disputeId: partId,
			resolution: 'unjustified',
			rootCause: 'prix conforme',
			asOf: '2026-03-08',
		});
		const plan = await planCalls(ledger, { asOf: DAY });
		expect(plan.calls.map((c) => c.invoices.map((i) => [i.number, i.open, i.disputed]))).toEqual([
			[
				['PC-1', '510.00', undefined],
				['PC-3', '300.00', undefined],
			],
		]);
	});
});
