import type { Ledger } from '../ledger';
import { callListCsv, planCalls, recordCallOutcome } from '../contacts';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { createReminderCallTasks } from './calls';
import { installDefaultPolicies, savePolicy } from './policy';
import { planReminders } from './plan';

jest.setTimeout(60_000);

const AS_OF = '2025-10-20';

describe('createReminderCallTasks (call channel)', () => {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		await savePolicy(ledger, {
			code: 'phone_first',
			name: 'Phone first',
			stages: [
				{
					code: 'level2',
					kind: 'reminder',
					level: 2,
					offsetDays: 15,
					channels: ['call', 'letter'],
					template: 'reminder_2',
					grouping: 'statement',
				},
			],
		});
	});

	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('creates one task per customer for its collector, once per invoice and stage, listed in the call list', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'TEL1',
			name: 'Boulangerie Martin',
			profile: 'phone_first',
			phone: '+33 4 72 00 00 00',
			collector: 'COL2',
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'F-CALL-1',
			dueDate: '2025-10-04',
			amount: 150000n,
		});
		await addInvoice(ledger, {
			customerId: c,
			number: 'F-CALL-2',
			dueDate: '2025-10-03',
			amount: 50000n,
		});
		const noPhone = await addCustomer(ledger, {
			externalId: 'NOTEL',
			profile: 'phone_first',
			phone: null,
		});
		await addInvoice(ledger, { customerId: noPhone, number: 'F-LETTER', dueDate: '2025-10-04' });

		const plan = await planReminders(ledger, {
			stage: 'level2',
			asOf: AS_OF,
			policy: 'phone_first',
		});
		expect(plan.due.map((m) => [m.customer.externalId, m.channel])).toEqual(
			expect.arrayContaining([
				['TEL1', 'call'],
				['NOTEL', 'letter'],
			]),
		);
		const [first, second] = await Promise.all([
			createReminderCallTasks(ledger, plan.due, { company: 'ACME SAS', claimedBy: 'run-a' }),
			createReminderCallTasks(ledger, plan.due, { company: 'ACME SAS', claimedBy: 'run-b' }),
		]);
		// letters are not this step's business; of two runs at once, exactly one made the task
		expect(first).toHaveLength(1);
		const statuses = [first[0].status, second[0].status].sort();
		expect(statuses).toEqual(['created', 'skipped']);
		const made = first[0].status === 'created' ? first[0] : second[0];
		expect(made.invoiceNumbers.sort()).toEqual(['F-CALL-1', 'F-CALL-2']);

		const tasks = await ledger.query<{
			id: string;
			kind: string;
			assignee_code: string;
			due_on: string;
			invoice_ids: string[];
			status: string;
			language: string;
		}>(
			'SELECT id, kind, assignee_code, due_on::text, invoice_ids::text[], status, language FROM contact_tasks WHERE customer_id = $1',
			[c],
		);
		expect(tasks).toHaveLength(1);
		expect(tasks[0]).toMatchObject({
			id: made.taskId,
			kind: 'dunning_call',
			assignee_code: 'COL2',
			due_on: AS_OF,
			status: 'open',
			language: 'fr',
		});
		expect(tasks[0].invoice_ids).toHaveLength(2);
		const reminders = await ledger.query<{ channel: string; status: string; message_id: string }>(
			"SELECT channel, status, message_id FROM reminders WHERE customer_id = $1 AND stage = 'level2'",
			[c],
		);
		expect(reminders).toEqual([
			{ channel: 'call', status: 'sent', message_id: `call-task:${made.taskId}` },
			{ channel: 'call', status: 'sent', message_id: `call-task:${made.taskId}` },
		]);
		const history = await ledger.query<{ summary: string }>(
			"SELECT summary FROM history WHERE customer_id = $1 AND channel = 'call' ORDER BY invoice_id",
			[c],
		);
		expect(history.map((h) => h.summary)).toEqual([
			`Stage level2: call task #${made.taskId} for Awa Diop (COL2) about invoice F-CALL-1`,
			`Stage level2: call task #${made.taskId} for Awa Diop (COL2) about invoice F-CALL-2`,
		]);

		// the call list (Quality Contact's Export Call List) shows it with the collector, the invoices and the amount
		const call = made.call!;
		expect(call.assignee).toMatchObject({ code: 'COL2', name: 'Awa Diop' });
		expect(call.checklist.map((q) => q.key)).toEqual(['received', 'booked', 'conform', 'payAtDue']);
		expect(call.intro).toContain('factures échues');
		const csv = callListCsv([call], { language: 'fr' });
		const row = csv.split('\n')[1];
		expect(row).toContain('COL2 Awa Diop');
		expect(row).toContain('Boulangerie Martin');
		expect(row).toContain('F-CALL-1');
		expect(row).toContain('2000.00');
		expect(row).toContain(String(made.taskId));

		// a later run of the same stage: nothing new
		const again = await createReminderCallTasks(
			ledger,
			(await planReminders(ledger, { stage: 'level2', asOf: AS_OF, policy: 'phone_first' })).due,
		);
		expect(again).toEqual([]);
		expect(
			await ledger.query('SELECT 1 FROM contact_tasks WHERE customer_id = $1', [c]),
		).toHaveLength(1);

		// the next morning, Quality Contact's Plan Calls lists it with the quality calls, in the collector's portfolio
		const morning = await planCalls(ledger, { asOf: '2025-10-21' });
		const listed = morning.calls.find((x) => x.taskId === made.taskId);
		expect(listed).toMatchObject({ customer: { externalId: 'TEL1' }, assignee: { code: 'COL2' } });
		expect(listed?.invoices.map((i) => i.number).sort()).toEqual(['F-CALL-1', 'F-CALL-2']);
		expect(
			(await planCalls(ledger, { asOf: '2025-10-21', collector: 'COL1' })).calls.find(
				(x) => x.taskId === made.taskId,
			),
		).toBeUndefined();

		// the collector calls and records a promise on the task, as for a quality call: the task is done
		await recordCallOutcome(ledger, {
			taskId: made.taskId,
			outcome: 'promise',
			promiseDate: '2025-10-31',
			asOf: AS_OF,
			actor: 'COL2',
		});
		const [closed] = await ledger.query<{ status: string; outcome: string }>(
			'SELECT status, outcome FROM contact_tasks WHERE id = $1',
			[made.taskId],
		);
		expect(closed).toEqual({ status: 'done', outcome: 'promise' });
		expect(
			await ledger.query(
				"SELECT 1 FROM promises WHERE customer_id = $1 AND promised_on = '2025-10-31'",
				[c],
			),
		).not.toHaveLength(0);
		expect(
			(await planCalls(ledger, { asOf: '2025-10-21' })).calls.find((x) => x.taskId === made.taskId),
		).toBeUndefined();
	});
});
