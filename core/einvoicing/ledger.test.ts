import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { planCalls } from '../contacts/plan';
import { installDefaultPolicies } from '../dunning/policy';
import { planReminders } from '../dunning/plan';
import { timelineSummary } from '../dunning/timeline-text';
import { balanceCleaning } from '../reports';
import { buildCashedStatus, parseCdar, type LifecycleEvent } from './cdar';
import {
	applyLifecycleStatuses,
	applyPendingLifecycleStatuses,
	checkLifecycleSettings,
	CHORUS_PRO_STATUSES,
	loadLifecycleSettings,
	normaliseLifecycleRecord,
	saveLifecycleSettings,
	updateLifecycleSettings,
} from './ledger';
import { listBlockedInvoices } from './report';
import { lifecycleStatus } from './statuses';

// Every lifecycle status with its effect on the ledger and on the next reminder plan (level 1, due 2025-10-14,
// planned on 2025-10-20: an invoice with nothing against it is due).
const AS_OF = '2025-10-20';
let ledger: Ledger;
let customer: string;

const event = (
	invoiceNumber: string,
	statusCode: string,
	issuedAt: string,
	extra: Partial<LifecycleEvent> = {},
): LifecycleEvent => ({
	messageId: `M-${invoiceNumber}-${statusCode}-${issuedAt}`,
	issuedAt,
	statusCode,
	invoiceNumber,
	amounts: [],
	...extra,
});

async function plan() {
	const p = await planReminders(ledger, { stage: 'level1', asOf: AS_OF });
	return {
		due: new Set(p.due.flatMap((m) => m.invoices.map((i) => i.number))),
		held: Object.fromEntries(p.held.map((h) => [h.number, `${h.reason}: ${h.detail}`])),
	};
}
const invoiceRow = async (number: string) =>
	(
		await ledger.query<{ reception_date: string | null; lifecycle_status: string | null }>(
			'SELECT reception_date::text, lifecycle_status FROM invoices WHERE number = $1',
			[number],
		)
	)[0];
const disputesOf = async (number: string) =>
	ledger.query<{ status: string; category: string; source: string }>(
		`SELECT d.status, d.category, d.source FROM disputes d JOIN dispute_invoices di ON di.dispute_id = d.id JOIN invoices i ON i.id = di.invoice_id WHERE i.number = $1 ORDER BY d.id`,
		[number],
	);

beforeAll(async () => {
	ledger = await createTestLedger();
	await installDefaultPolicies(ledger);
	await seedStaff(ledger);
	customer = await addCustomer(ledger, { externalId: 'PA1', name: 'Client Plateforme' });
	for (const n of [
		'E-203',
		'E-205',
		'E-207',
		'E-208',
		'E-209',
		'E-210',
		'E-211',
		'E-212',
		'E-213',
		'E-225',
		'E-OLD',
		'E-NONE',
	]) {
		await addInvoice(ledger, { customerId: customer, number: n, dueDate: '2025-10-14' });
	}
});
afterAll(async () => dropTestLedger(ledger));

describe('platform statuses drive collections', () => {
	it('before any status every invoice is due', async () => {
		const { due } = await plan();
		expect([...due].filter((n) => n.startsWith('E-')).sort()).toHaveLength(12);
	});

	it('203 Mise à disposition sets the reception date; 205 Approuvée and 212 Encaissée are history and leave dunning as it is', async () => {
		const results = await applyLifecycleStatuses(
			ledger,
			[
				event('E-203', '203', '2025-10-02T08:00:00Z'),
				event('E-205', '205', '2025-10-05T08:00:00Z'),
				event('E-212', '212', '2025-10-06T08:00:00Z', {
					amounts: [{ type: 'MEN', amountMinor: 100n, currency: 'EUR', vatRate: '20' }],
				}),
			],
			{ source: 'pa-test' },
		);
		expect(results.map((r) => [r.outcome, r.effect])).toEqual([
			['applied', 'reception'],
			['applied', 'approved'],
			['applied', 'cashed'],
		]);
		expect(await invoiceRow('E-203')).toEqual({
			reception_date: '2025-10-02',
			lifecycle_status: '203',
		});
		const { due } = await plan();
		expect(['E-203', 'E-205', 'E-212'].every((n) => due.has(n))).toBe(true);
		const [timeline] = await ledger.query<{
			kind: string;
			summary: string;
			payload: Record<string, unknown>;
		}>(
			"SELECT h.kind, h.summary, h.payload FROM history h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'E-205' AND h.kind = 'lifecycle_status'",
		);
		expect(timeline.summary).toBe('Platform status 205 Approved for invoice E-205');
		// stored as an event, read in either language
		expect(timelineSummary(timeline, 'fr')).toBe(
			'Statut plateforme 205 Approuvée pour la facture E-205',
		);
		expect(timelineSummary({ ...timeline, summary: '' }, 'en')).toBe(
			'Platform status 205 Approved for invoice E-205',
		);
	});

	it('207 En litige and 208 Suspendue open a dispute with the platform reason and pause dunning; 209 Complétée resolves it', async () => {
		const results = await applyLifecycleStatuses(ledger, [
			event('E-207', '207', '2025-10-15T08:00:00Z', {
				reasonCode: 'PU_ERR',
				reasonText: 'Prix unitaire différent de la commande',
			}),
			event('E-208', '208', '2025-10-15T09:00:00Z', { reasonCode: 'JUSTIF_ABS' }),
			event('E-209', '207', '2025-10-15T10:00:00Z', { reasonCode: 'LIVR_INCOMP' }),
		]);
		expect(results.every((r) => r.outcome === 'applied' && r.disputeId)).toBe(true);
		expect(await disputesOf('E-207')).toEqual([
			{ status: 'open', category: 'commercial', source: 'platform' },
		]);
		expect(await disputesOf('E-209')).toEqual([
			{ status: 'open', category: 'logistics', source: 'platform' },
		]);
		let { due, held } = await plan();
		expect(['E-207', 'E-208', 'E-209'].some((n) => due.has(n))).toBe(false);
		expect(held['E-207']).toMatch(/^dispute/);
		await applyLifecycleStatuses(ledger, [event('E-209', '209', '2025-10-17T08:00:00Z')]);
		expect(await disputesOf('E-209')).toEqual([
			{ status: 'resolved', category: 'logistics', source: 'platform' },
		]);
		({ due, held } = await plan());
		expect(due.has('E-209')).toBe(true);
	});

	it('210 Refusée opens a dispute and stops dunning; 213 Rejetée makes the invoice not due; 211 holds while the money travels; 225 takes it out of dunning', async () => {
		await applyLifecycleStatuses(ledger, [
			event('E-210', '210', '2025-10-16T08:00:00Z', { reasonCode: 'DOUBLE_FACT' }),
			event('E-213', '213', '2025-10-16T08:00:00Z', { reasonCode: 'MONTANTTOTAL_ERR' }),
			event('E-211', '211', '2025-10-18T08:00:00Z', {
				amounts: [{ type: 'MPA', amountMinor: 12000n, currency: 'EUR' }],
			}),
			event('E-225', '225', '2025-10-16T08:00:00Z'),
		]);
		const { due, held } = await plan();
		for (const n of ['E-210', 'E-213', 'E-211', 'E-225']) expect(due.has(n)).toBe(false);
		expect(held['E-213']).toContain('Rejetée par la plateforme');
		expect(held['E-211']).toContain('until 2025-10-28');
		expect(held['E-225']).toContain('Affacturée');
		expect(await disputesOf('E-210')).toEqual([
			{ status: 'open', category: 'administrative', source: 'platform' },
		]);
		// Ten days later with no money (level 2 is due then), the payment-sent hold is over: E-211 is dunned like an invoice nothing held.
		const later = await planReminders(ledger, { stage: 'level2', asOf: '2025-10-29' });
		const laterDue = later.due.flatMap((m) => m.invoices.map((i) => i.number));
		expect(later.held.find((h) => h.number === 'E-211')).toBeUndefined();
		expect(laterDue).toEqual(expect.arrayContaining(['E-211', 'E-NONE']));
		expect(later.held.find((h) => h.number === 'E-225')).toBeDefined();
		// The holds take effect on the day the platform issued the status, not the day it reached the ledger: as of
		// 17 October the 211 of 18 October holds nothing yet; as of 18 October E-211 (1 200,00 open) is held until
		// 18 + 10 = 28 October. Refused, rejected and factored (16 October) are listed from the 16th.
		const holds = async (asOf: string) =>
			(await balanceCleaning(ledger, { asOf, zone: 'Europe/Paris' })).sections
				.find((s) => s.key === 'delay_requests')!
				.items.map((i) => [i.invoiceNumber, i.amount?.amount, i.date])
				.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
		expect(await holds('2025-10-15')).toEqual([]);
		const sixteenth = [
			['E-210', '1200.00', null],
			['E-213', '1200.00', null],
			['E-225', '1200.00', null],
		];
		expect(await holds('2025-10-16')).toEqual(sixteenth);
		expect(await holds('2025-10-17')).toEqual(sixteenth);
		expect(await holds('2025-10-18')).toEqual([
			['E-210', '1200.00', null],
			['E-211', '1200.00', '2025-10-28'],
			['E-213', '1200.00', null],
			['E-225', '1200.00', null],
		]);
		// 213 is also an Invoice Intake anomaly on the invoice, with the platform's reason (FR/EN), written once: the
		// same message replayed and another 213 for the same invoice add no second one.
		const replay = await applyLifecycleStatuses(ledger, [
			event('E-213', '213', '2025-10-16T08:00:00Z', { reasonCode: 'MONTANTTOTAL_ERR' }),
			event('E-213', '213', '2025-10-16T08:00:00Z', {
				messageId: 'M-E-213-again',
				reasonCode: 'MONTANTTOTAL_ERR',
			}),
		]);
		expect(replay.map((r) => r.outcome)).toEqual(['duplicate', 'applied']);
		const anomaliesOf = async (number: string) =>
			(
				await ledger.query<{ anomalies: Array<Record<string, unknown>> }>(
					'SELECT anomalies FROM invoices WHERE number = $1',
					[number],
				)
			)[0].anomalies;
		const rejection = {
			code: 'EINVOICE_PLATFORM_REJECTED',
			severity: 'block',
			field: 'lifecycleStatus',
			message: {
				en: 'Rejected by the e-invoicing platform (213: MONTANTTOTAL_ERR): the invoice is not due.',
				fr: "Rejetée par la plateforme de facturation électronique (213 : MONTANTTOTAL_ERR) : la facture n'est pas due.",
			},
			hint: {
				en: 'Correct the invoice and issue it again on the platform.',
				fr: 'Corrigez la facture et réémettez-la sur la plateforme.',
			},
			statusCode: '213',
			reasonCode: 'MONTANTTOTAL_ERR',
			reasonText: null,
			messageId: 'M-E-213-213-2025-10-16T08:00:00Z',
			issuedAt: '2025-10-16T08:00:00Z',
		};
		expect(await anomaliesOf('E-213')).toEqual([rejection]);
		expect(await anomaliesOf('E-210')).toEqual([]);
		// the daily list of refused and rejected invoices, where the billing team reads them, shows the anomaly
		const blocked = await listBlockedInvoices(ledger, { asOf: AS_OF, zone: 'Europe/Paris' });
		expect(blocked.find((b) => b.invoiceNumber === 'E-213')?.anomalies).toEqual([rejection]);
		expect(blocked.find((b) => b.invoiceNumber === 'E-210')?.anomalies).toEqual([]);
		// with the company's "rejected" effect off, a 213 writes no anomaly (nor a hold)
		const offCustomer = await addCustomer(ledger, { externalId: 'PC-R-213', name: 'Client R-213' });
		await addInvoice(ledger, { customerId: offCustomer, number: 'R-213', dueDate: '2025-10-14' });
		const [off] = await applyLifecycleStatuses(
			ledger,
			[event('R-213', '213', '2025-10-16T08:00:00Z', { reasonCode: 'MONTANTTOTAL_ERR' })],
			{ effectsOff: ['rejected'] },
		);
		expect([off.outcome, off.effectOff]).toEqual(['applied', 'rejected']);
		expect(await anomaliesOf('R-213')).toEqual([]);
		expect((await plan()).due.has('R-213')).toBe(true);
	});

	it('200 Déposée, 201 Émise, 202 Reçue, 204 Prise en charge and 212 Encaissée are history only: recorded, in the timeline, the invoice dunned as before', async () => {
		for (const n of ['H-200', 'H-201', 'H-202', 'H-204', 'H-212'])
			await addInvoice(ledger, { customerId: customer, number: n, dueDate: '2025-10-14' });
		const codes = ['200', '201', '202', '204', '212'];
		const results = await applyLifecycleStatuses(
			ledger,
			codes.map((code) =>
				event(`H-${code}`, code, '2025-10-03T08:00:00Z', {
					...(code === '212'
						? { amounts: [{ type: 'MEN', amountMinor: 120000n, currency: 'EUR', vatRate: '20' }] }
						: {}),
				}),
			),
		);
		expect(results.map((r) => [r.statusCode, r.outcome, r.effect])).toEqual(
			codes.map((code) => [code, 'applied', code === '212' ? 'cashed' : 'none']),
		);
		for (const code of codes)
			expect(await invoiceRow(`H-${code}`)).toEqual({
				reception_date: null,
				lifecycle_status: code,
			});
		const holds = await ledger.query(
			"SELECT 1 FROM holds h JOIN invoices i ON i.id = h.invoice_id WHERE i.number LIKE 'H-%'",
		);
		expect(holds).toEqual([]);
		const timeline = await ledger.query<{ number: string; summary: string }>(
			"SELECT i.number, h.summary FROM history h JOIN invoices i ON i.id = h.invoice_id WHERE i.number LIKE 'H-%' AND h.kind = 'lifecycle_status' ORDER BY i.number",
		);
		expect(timeline.map((t) => t.summary)).toEqual([
			'Platform status 200 Submitted for invoice H-200',
			'Platform status 201 Issued by the platform for invoice H-201',
			'Platform status 202 Received by the platform for invoice H-202',
			'Platform status 204 In hand for invoice H-204',
			'Platform status 212 Cashed for invoice H-212 (MEN 1200.00 EUR)',
		]);
		const { due, held } = await plan();
		for (const code of codes) {
			expect(due.has(`H-${code}`)).toBe(true);
			expect(held[`H-${code}`]).toBeUndefined();
		}
	});

	it('203 Mise à disposition starts the collections clock: terms counted from reception move the due date, and the next plan counts from it', async () => {
		// Terms of 30 days from reception; the due date stored at intake (14 October) counted from the issue date.
		const id = await addInvoice(ledger, {
			customerId: customer,
			number: 'R-203',
			issueDate: '2025-09-14',
			dueDate: '2025-10-14',
		});
		await ledger.query(
			"UPDATE invoices SET terms_basis = 'reception', terms_days = 30 WHERE id = $1",
			[id],
		);
		expect((await plan()).due.has('R-203')).toBe(true);
		// Made available at 23:30 in Paris on 2 October (21:30 UTC): received on the 2nd in the company's zone.
		const [applied] = await applyLifecycleStatuses(
			ledger,
			[event('R-203', '203', '2025-10-02T21:30:00Z')],
			{ zone: 'Europe/Paris' },
		);
		expect(applied).toMatchObject({
			outcome: 'applied',
			effect: 'reception',
			receptionDate: '2025-10-02',
			dueDate: '2025-11-01',
			previousDueDate: '2025-10-14',
		});
		const [row] = await ledger.query<{ reception_date: string; due_date: string }>(
			'SELECT reception_date::text, due_date::text FROM invoices WHERE id = $1',
			[id],
		);
		expect(row).toEqual({ reception_date: '2025-10-02', due_date: '2025-11-01' });
		const [entry] = await ledger.query<{ payload: Record<string, unknown> }>(
			"SELECT payload FROM history WHERE invoice_id = $1 AND kind = 'lifecycle_status'",
			[id],
		);
		expect(entry.payload).toMatchObject({
			receptionDate: '2025-10-02',
			dueDate: '2025-11-01',
			previousDueDate: '2025-10-14',
		});
		// Not due any more on 20 October; due for the first reminder once 1 November has passed.
		let { due, held } = await plan();
		expect(due.has('R-203')).toBe(false);
		expect(held['R-203']).toBeUndefined();
		const november = await planReminders(ledger, { stage: 'level1', asOf: '2025-11-07' });
		expect(november.due.flatMap((m) => m.invoices.map((i) => i.number))).toContain('R-203');
		// A later 203 (another platform message) changes neither date: the earliest availability counts.
		const [again] = await applyLifecycleStatuses(ledger, [
			event('R-203', '203', '2025-10-05T08:00:00Z'),
		]);
		expect(again.outcome).toBe('applied');
		expect(again.dueDate).toBeUndefined();
		({ due, held } = await plan());
		expect(due.has('R-203')).toBe(false);
		// An earlier one arriving late (superseded) still dates the reception, and the due date with it.
		const [late] = await applyLifecycleStatuses(ledger, [
			event('R-203', '203', '2025-09-29T08:00:00Z'),
		]);
		expect(late).toMatchObject({
			outcome: 'superseded',
			receptionDate: '2025-09-29',
			dueDate: '2025-10-29',
		});
		// An invoice whose terms run from its issue date keeps its due date (E-203 above: reception set, due unchanged).
		expect(
			(
				await ledger.query<{ due_date: string }>(
					"SELECT due_date::text FROM invoices WHERE number = 'E-203'",
				)
			)[0].due_date,
		).toBe('2025-10-14');
	});

	it('205 Approuvée and 206 Approuvée partiellement answer the quality call\'s "booked" and "conform" (206 with the approved amount); the reminders still run at the due date', async () => {
		const approved = await addCustomer(ledger, { externalId: 'PA2', name: 'Client Approuve' });
		const partly = await addCustomer(ledger, { externalId: 'PA3', name: 'Client Partiel' });
		const mixed = await addCustomer(ledger, { externalId: 'PA4', name: 'Client Mixte' });
		for (const [customerId, number] of [
			[approved, 'Q-205'],
			[partly, 'Q-206'],
			[mixed, 'Q-205M'],
			[mixed, 'Q-NONE'],
			[mixed, 'Q-207'],
		])
			await addInvoice(ledger, { customerId, number, dueDate: '2025-10-25' });
		const results = await applyLifecycleStatuses(ledger, [
			event('Q-205', '205', '2025-10-10T08:00:00Z'),
			normaliseLifecycleRecord({
				id: 'evt-206',
				invoiceNumber: 'Q-206',
				status: '206',
				timestamp: '2025-10-10T09:00:00Z',
				reasonCode: 'QTE_ERR',
				amount: '800,00',
				currency: 'EUR',
			}),
			event('Q-205M', '205', '2025-10-10T08:00:00Z'),
			// approved, then disputed: the approval no longer answers anything (and the dispute keeps it out of the calls)
			event('Q-207', '205', '2025-10-10T08:00:00Z'),
			event('Q-207', '207', '2025-10-11T08:00:00Z', { reasonCode: 'PU_ERR' }),
		]);
		expect(results.map((r) => [r.invoiceNumber, r.outcome, r.effect])).toEqual([
			['Q-205', 'applied', 'approved'],
			['Q-206', 'applied', 'approved'],
			['Q-205M', 'applied', 'approved'],
			['Q-207', 'applied', 'approved'],
			['Q-207', 'applied', 'dispute'],
		]);
		// The quality calls of 20 October (invoices due on the 25th): one per customer.
		const calls = await planCalls(ledger, { asOf: '2025-10-20', zone: 'Europe/Paris' });
		const callOf = (externalId: string) =>
			calls.calls.find((c) => c.customer.externalId === externalId)!;
		const answers = (externalId: string) =>
			Object.fromEntries(
				callOf(externalId)
					.checklist.filter((c) => c.answer !== undefined)
					.map((c) => [c.key, [c.answer, c.answeredBy]]),
			);
		expect(answers('PA2')).toEqual({ booked: [true, 'platform'], conform: [true, 'platform'] });
		expect(callOf('PA2').invoices[0].platformApproval).toEqual({
			status: '205',
			at: '2025-10-10T08:00:00Z',
		});
		expect(answers('PA3')).toEqual({ booked: [true, 'platform'], conform: [false, 'platform'] });
		expect(callOf('PA3').invoices[0].platformApproval).toEqual({
			status: '206',
			at: '2025-10-10T09:00:00Z',
			approved: '800.00',
		});
		// One invoice approved, another not: the questions stay open; the approved invoice says so.
		expect(answers('PA4')).toEqual({});
		expect(callOf('PA4').invoices.map((i) => [i.number, i.platformApproval?.status])).toEqual([
			['Q-205M', '205'],
			['Q-NONE', undefined],
		]);
		// The answers are stored with the call task, as a person's answers are.
		const [task] = await ledger.query<{ checklist: Record<string, boolean | null> }>(
			'SELECT checklist FROM contact_tasks WHERE id = $1',
			[callOf('PA3').taskId],
		);
		expect(task.checklist).toEqual({
			received: null,
			booked: true,
			conform: false,
			payAtDue: null,
		});
		// Approval is not payment: once late, approved and partly approved invoices get the first reminder.
		const late = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-31' });
		const lateDue = late.due.flatMap((m) => m.invoices.map((i) => i.number));
		expect(lateDue).toEqual(expect.arrayContaining(['Q-205', 'Q-206', 'Q-205M', 'Q-NONE']));
		expect(lateDue).not.toContain('Q-207');
	});

	it('each effect can be turned off by the company (ledger setting, or the call): the status is then in the timeline and changes nothing else', async () => {
		for (const n of ['C-207', 'C-211', 'C-210', 'C-205']) {
			const customerId = await addCustomer(ledger, { externalId: `PC-${n}`, name: `Client ${n}` });
			await addInvoice(ledger, { customerId, number: n, dueDate: '2025-10-14' });
		}
		await saveLifecycleSettings(ledger, {
			effectsOff: ['dispute', 'payment_sent', 'approved'],
			paymentSentHoldDays: 20,
		});
		expect(await loadLifecycleSettings(ledger)).toEqual({
			effectsOff: ['dispute', 'payment_sent', 'approved'],
			paymentSentHoldDays: 20,
		});
		const results = await applyLifecycleStatuses(ledger, [
			event('C-207', '207', '2025-10-15T08:00:00Z', { reasonCode: 'PU_ERR' }),
			event('C-211', '211', '2025-10-16T08:00:00Z'),
			event('C-205', '205', '2025-10-10T08:00:00Z'),
		]);
		expect(results.map((r) => [r.invoiceNumber, r.outcome, r.effect, r.effectOff])).toEqual([
			['C-207', 'applied', 'none', 'dispute'],
			['C-211', 'applied', 'none', 'payment_sent'],
			['C-205', 'applied', 'none', 'approved'],
		]);
		expect(await disputesOf('C-207')).toEqual([]);
		const [entry] = await ledger.query<{ summary: string; payload: Record<string, unknown> }>(
			"SELECT h.summary, h.payload FROM history h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'C-207' AND h.kind = 'lifecycle_status'",
		);
		expect(entry.summary).toBe('Platform status 207 Disputed for invoice C-207 — PU_ERR');
		expect(entry.payload.effectOff).toBe('dispute');
		let { due } = await plan();
		expect(['C-207', 'C-211', 'C-205'].every((n) => due.has(n))).toBe(true);
		// the approval turned off answers no quality call
		const calls = await planCalls(ledger, { asOf: '2025-10-09', zone: 'Europe/Paris' });
		const c205 = calls.calls.find((c) => c.customer.externalId === 'PC-C-205');
		expect(c205?.invoices[0].platformApproval).toBeUndefined();
		expect(c205?.checklist.some((c) => c.answer !== undefined)).toBe(false);
		// an effect still on (refused) applies; a call's own list wins over the setting (none off: the dispute opens)
		const [refused] = await applyLifecycleStatuses(ledger, [
			event('C-210', '210', '2025-10-16T08:00:00Z', { reasonCode: 'DOUBLE_FACT' }),
		]);
		expect([refused.effect, refused.effectOff]).toEqual(['refused', undefined]);
		const [second] = await applyLifecycleStatuses(
			ledger,
			[event('C-207', '208', '2025-10-17T08:00:00Z', { reasonCode: 'JUSTIF_ABS' })],
			{ effectsOff: [] },
		);
		expect(second.effect).toBe('dispute');
		({ due } = await plan());
		expect(due.has('C-210')).toBe(false);
		expect(due.has('C-207')).toBe(false);
		// the stored hold length applies when the call gives none
		await saveLifecycleSettings(ledger, { paymentSentHoldDays: 20 });
		await applyLifecycleStatuses(ledger, [event('C-211', '211', '2025-10-18T08:00:00Z')]);
		const [hold] = await ledger.query<{ until: string }>(
			"SELECT h.until::text FROM holds h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'C-211'",
		);
		expect(hold.until).toBe('2025-11-07');
		// what cannot be turned off, or is not a number of days, is refused in both languages
		await expect(saveLifecycleSettings(ledger, { effectsOff: ['cashed'] })).rejects.toMatchObject({
			code: 'LIFECYCLE_SETTINGS_INVALID',
			details: { messageFr: expect.stringContaining("n'est pas un effet") },
		});
		await expect(saveLifecycleSettings(ledger, { paymentSentHoldDays: 0 })).rejects.toMatchObject({
			code: 'LIFECYCLE_SETTINGS_INVALID',
		});
		await saveLifecycleSettings(ledger, {});
	});

	it('lifecycle settings as a form gives them: names in any case, lists as text, SIRENs with spaces; every wrong value named; merge keeps what is not given', () => {
		expect(
			checkLifecycleSettings({
				effectsOff: 'Dispute; payment sent\nDISPUTE',
				paymentSentHoldDays: ' 15 ',
				sellerIds: '552 100 554, 732.829.320',
			}),
		).toEqual({
			settings: {
				effectsOff: ['dispute', 'payment_sent'],
				paymentSentHoldDays: 15,
				sellerIds: ['552100554', '732829320'],
			},
			problems: [],
		});
		// nothing given is not "none": an empty list is
		expect(checkLifecycleSettings({ effectsOff: '', paymentSentHoldDays: null }).settings).toEqual(
			{},
		);
		expect(checkLifecycleSettings({ effectsOff: [] }).settings).toEqual({ effectsOff: [] });
		const { problems } = checkLifecycleSettings({
			effectsOff: ['cashed', 'refused'],
			paymentSentHoldDays: 2.5,
			sellerIds: ['123456789', '55210055400013', 'ABC'],
		});
		expect(problems.map((p) => [p.field, p.message])).toEqual([
			['effectsOff', 'Effects turned off: "cashed" is not an effect that can be turned off.'],
			['paymentSentHoldDays', 'Payment-sent hold: 2.5 is not a number of days from 1 to 365.'],
			[
				'sellerIds',
				'Company SIREN: "123456789" fails the SIREN check digit (Luhn): a digit is mistyped.',
			],
			[
				'sellerIds',
				'Company SIREN: "55210055400013" is a SIRET (14 digits, an establishment); the SIREN is its first 9 digits: 552100554.',
			],
			['sellerIds', 'Company SIREN: "ABC" is not 9 digits.'],
		]);
		expect(problems.every((p) => p.messageFr && p.hint && p.hintFr)).toBe(true);
	});

	it('updateLifecycleSettings merges by default, keeps the value it replaces, and writes nothing when a value is wrong', async () => {
		await saveLifecycleSettings(ledger, {});
		const first = await updateLifecycleSettings(
			ledger,
			{ effectsOff: ['factored'], sellerIds: '552100554' },
			{ actor: 'a@x.example' },
		);
		expect(first).toMatchObject({ status: 'updated', changed: ['effectsOff', 'sellerIds'] });
		const second = await updateLifecycleSettings(
			ledger,
			{ paymentSentHoldDays: 12 },
			{ actor: 'b@x.example' },
		);
		expect(second).toEqual({
			status: 'updated',
			changed: ['paymentSentHoldDays'],
			settings: { effectsOff: ['factored'], sellerIds: ['552100554'], paymentSentHoldDays: 12 },
		});
		await expect(
			updateLifecycleSettings(ledger, { effectsOff: [], sellerIds: '552100555' }),
		).rejects.toMatchObject({
			code: 'LIFECYCLE_SETTINGS_INVALID',
			details: { fields: ['sellerIds'], messageFr: expect.stringContaining('« 552100555 »') },
		});
		expect(await loadLifecycleSettings(ledger)).toEqual(second.settings);
		const replaced = await ledger.query<{ replaced_by: string; changed: string[] }>(
			"SELECT replaced_by, changed FROM settings_history WHERE key = 'einvoicing.lifecycle' ORDER BY id DESC LIMIT 1",
		);
		expect(replaced).toEqual([{ replaced_by: 'b@x.example', changed: ['paymentSentHoldDays'] }]);
		const replacedAll = await updateLifecycleSettings(ledger, {}, { mode: 'replace' });
		expect(replacedAll.settings).toEqual({});
		expect(await loadLifecycleSettings(ledger)).toEqual({});
	});

	it('applies each message once; an older status arriving late is recorded but does not undo a newer one', async () => {
		const again = await applyLifecycleStatuses(ledger, [
			event('E-207', '207', '2025-10-15T08:00:00Z', { reasonCode: 'PU_ERR' }),
		]);
		expect(again[0].outcome).toBe('duplicate');
		expect(await disputesOf('E-207')).toHaveLength(1);
		const [newer, older] = await applyLifecycleStatuses(ledger, [
			event('E-OLD', '205', '2025-10-12T08:00:00Z'),
			event('E-OLD', '207', '2025-10-10T08:00:00Z', { reasonCode: 'PU_ERR' }),
		]);
		// Sorted by their own timestamps: 207 (10 Oct) first, then 205 (12 Oct); both apply in that order.
		expect([older.outcome, newer.outcome]).toEqual(['applied', 'applied']);
		expect((await invoiceRow('E-OLD')).lifecycle_status).toBe('205');
		const late = await applyLifecycleStatuses(ledger, [
			event('E-OLD', '208', '2025-10-01T08:00:00Z', { reasonCode: 'JUSTIF_ABS' }),
		]);
		expect(late[0].outcome).toBe('superseded');
		expect(await disputesOf('E-OLD')).toHaveLength(1);
	});

	it('keeps a status for an invoice not in the ledger yet, and applies it when the invoice arrives; another seller’s is reported', async () => {
		const [pending, other] = await applyLifecycleStatuses(
			ledger,
			[
				event('E-LATE', '207', '2025-10-15T08:00:00Z', { reasonCode: 'QTE_ERR' }),
				event('E-NONE', '207', '2025-10-15T08:00:00Z', {
					reasonCode: 'QTE_ERR',
					sellerId: '999999999',
				}),
			],
			{ sellerIds: ['552100554'] },
		);
		expect([pending.outcome, other.outcome]).toEqual(['pending', 'other_issuer']);
		expect(await disputesOf('E-NONE')).toEqual([]);
		await addInvoice(ledger, { customerId: customer, number: 'E-LATE', dueDate: '2025-10-14' });
		const applied = await applyPendingLifecycleStatuses(ledger);
		expect(applied.map((r) => [r.invoiceNumber, r.outcome])).toEqual([['E-LATE', 'applied']]);
		expect(await disputesOf('E-LATE')).toEqual([
			{ status: 'open', category: 'logistics', source: 'platform' },
		]);
		expect(await applyPendingLifecycleStatuses(ledger)).toEqual([]);
	});

	it('reads statuses from CDAR messages and from platform JSON (Chorus Pro names included), refusing what it cannot read', () => {
		const [fromCdar] = parseCdar(
			buildCashedStatus({
				messageId: 'X1',
				issuedAt: '2025-10-20T10:00:00Z',
				sellerSiren: '552100554',
				invoiceNumber: 'E-212',
				invoiceIssueDate: '2025-09-14',
				receivedOn: '2025-10-19',
				currency: 'EUR',
				received: [{ amountMinor: 12000n, vatRate: '20' }],
			}),
		);
		expect(fromCdar).toMatchObject({ statusCode: '212', invoiceNumber: 'E-212' });
		expect(
			normaliseLifecycleRecord({
				id: 'evt_1',
				numeroFacture: 'E-1',
				statut: 'SUSPENDUE',
				dateStatut: '2025-10-01T10:00:00+02:00',
				motif: 'JUSTIF_ABS',
			}),
		).toMatchObject({
			messageId: 'evt_1',
			invoiceNumber: 'E-1',
			statusCode: '208',
			issuedAt: '2025-10-01T08:00:00.000Z',
			reasonCode: 'JUSTIF_ABS',
		});
		// Chorus Pro (public customers): every status name of its API, as `statut` or `statutCourant`, to the code whose effect applies
		const chorus: Array<[string, string, string]> = [
			['DEPOSEE', '200', 'none'],
			['EN_COURS_ACHEMINEMENT', '202', 'none'],
			['MISE_A_DISPOSITION', '203', 'reception'],
			['A_RECYCLER', '221', 'none'],
			['MANDATEE', '204', 'none'],
			['MISE_A_DISPOSITION_COMPTABLE', '204', 'none'],
			['COMPTABILISEE', '204', 'none'],
			['SERVICE_FAIT', '205', 'approved'],
			['SUSPENDUE', '208', 'dispute'],
			['COMPLETEE', '209', 'resolve'],
			['REJETEE', '210', 'refused'],
			['MISE_EN_PAIEMENT', '211', 'payment_sent'],
		];
		expect(Object.keys(CHORUS_PRO_STATUSES).sort()).toEqual(chorus.map(([name]) => name).sort());
		for (const [name, code, effect] of chorus) {
			const event = normaliseLifecycleRecord({
				numeroFacture: 'E-9',
				statutCourant: name.toLowerCase(),
				dateStatut: '2025-10-03',
			});
			expect([name, event.statusCode, lifecycleStatus(event.statusCode)?.effect]).toEqual([
				name,
				code,
				effect,
			]);
		}
		expect(() =>
			normaliseLifecycleRecord({
				numeroFacture: 'E-9',
				statut: 'A_VALIDER_1',
				dateStatut: '2025-10-03',
			}),
		).toThrow(expect.objectContaining({ code: 'LIFECYCLE_UNKNOWN_STATUS' }));
		expect(
			normaliseLifecycleRecord({
				invoiceNumber: 'E-2',
				status: '211',
				timestamp: '2025-10-02',
				amount: '120,50',
				currency: 'EUR',
			}).amounts,
		).toEqual([{ type: 'MPA', amountMinor: 12050n, currency: 'EUR' }]);
		// Amounts in the currency's own minor unit: 250 000 XOF are 250000 francs, not hundredths.
		expect(
			normaliseLifecycleRecord({
				invoiceNumber: 'E-2',
				status: '211',
				timestamp: '2025-10-02',
				amount: '250 000',
				currency: 'XOF',
			}).amounts,
		).toEqual([{ type: 'MPA', amountMinor: 250000n, currency: 'XOF' }]);
		expect(() =>
			normaliseLifecycleRecord({
				invoiceNumber: 'E-2',
				status: '211',
				timestamp: '2025-10-02',
				amount: '12,345',
				currency: 'EUR',
			}),
		).toThrow(expect.objectContaining({ code: 'LIFECYCLE_BAD_AMOUNT' }));
		expect(() =>
			normaliseLifecycleRecord({ invoiceNumber: 'E-3', status: '999', timestamp: '2025-10-02' }),
		).toThrow(expect.objectContaining({ code: 'LIFECYCLE_UNKNOWN_STATUS' }));
		expect(() => normaliseLifecycleRecord({ status: '207', timestamp: '2025-10-02' })).toThrow(
			expect.objectContaining({ code: 'LIFECYCLE_NO_INVOICE' }),
		);
		expect(() =>
			normaliseLifecycleRecord({ invoiceNumber: 'E-4', status: '207', timestamp: 'hier' }),
		).toThrow(expect.objectContaining({ code: 'LIFECYCLE_BAD_TIMESTAMP' }));
	});
});
