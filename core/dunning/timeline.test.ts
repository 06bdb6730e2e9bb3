import { storePayments, type Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { openDispute, resolveDispute } from '../disputes';
import { callListCsv, planCalls, recordCallOutcome, settlePromises } from '../contacts';
import { payerLinkToken, payerPage } from '../payer';
import { customerTimeline } from './history';
import { installDefaultPolicies } from './policy';
import { planReminders } from './plan';
import { sendReminderEmails } from './send';

// The customer's timeline read in French and in English: every kind of entry the package writes (reminder sent,
// payment received and applied, invoice paid, dispute opened and resolved, promise made and broken, payer page
// answer) has its summary in the reader's language, rendered when read. Real ledger, real SMTP sink.
const NOW = new Date('2025-10-20T09:00:00Z');
let ledger: Ledger;
let sink: SmtpSink;

beforeAll(async () => {
	ledger = await createTestLedger();
	await installDefaultPolicies(ledger);
	await seedStaff(ledger);
	sink = await startSmtpSink();
	const c = await addCustomer(ledger, {
		externalId: 'TL1',
		name: 'Quincaillerie Durand',
		collector: 'COL1',
	});
	for (const n of ['TL-1', 'TL-2', 'TL-3', 'TL-4'])
		await addInvoice(ledger, { customerId: c, number: n, dueDate: '2025-10-14', amount: 100000n });
	await addInvoice(ledger, {
		customerId: c,
		number: 'TL-5',
		dueDate: '2025-10-25',
		amount: 100000n,
	});

	const plan = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' });
	await sendReminderEmails(ledger, plan.due, {
		smtp: sink.config,
		from: { address: 'relances@acme.example' },
	});
	await storePayments(ledger, [
		{
			externalRef: 'VIR-TL-1',
			amountMinor: 100000n,
			currency: 'EUR',
			receivedOn: '2025-10-22',
			referenceText: 'FACTURE TL-1',
			customerExternalId: 'TL1',
			invoiceNumbers: ['TL-1'],
		},
	]);
	const dispute = await openDispute(ledger, {
		invoices: ['TL-2'],
		category: 'commercial',
		source: 'call',
		asOf: '2025-10-20',
		actor: 'COL1',
	});
	await resolveDispute(ledger, {
		disputeId: dispute.disputeId,
		resolution: 'credit_note',
		rootCause: 'Price list not updated',
		actor: 'REP1',
	});
	const token = await payerLinkToken(ledger, 'TL1', { now: NOW });
	const page = await payerPage(ledger, { method: 'GET', query: { t: token } }, { now: NOW });
	const f = /name="f" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
	const answered = await payerPage(
		ledger,
		{
			method: 'POST',
			body: {
				t: token,
				f,
				action: 'promise',
				invoice: 'TL-3',
				date: '2025-10-31',
				amount: '1000.00',
			},
		},
		{ now: NOW },
	);
	expect(answered.status).toBe(200);
	await recordCallOutcome(ledger, {
		customer: 'TL1',
		invoices: ['TL-4'],
		outcome: 'promise',
		promiseDate: '2025-10-24',
		asOf: '2025-10-20',
		actor: 'COL1',
	});
	await settlePromises(ledger, { asOf: '2025-10-27', actor: 'promises' });
});

afterAll(async () => {
	await sink.close();
	await dropTestLedger(ledger);
});

const KINDS = [
	'reminder_sent',
	'payment_received',
	'payment_allocated',
	'invoice_paid',
	'dispute_opened',
	'dispute_resolved',
	'payer_answer',
	'call_promise',
	'promise_broken',
];

describe('the customer timeline in the reader’s language', () => {
	it('reads every kind of entry in French', async () => {
		const timeline = await customerTimeline(ledger, { customerExternalId: 'TL1', language: 'fr' });
		const byKind = (kind: string) => timeline.filter((t) => t.kind === kind).map((t) => t.summary);
		for (const kind of KINDS) expect([kind, byKind(kind).length]).not.toEqual([kind, 0]);
		expect(timeline.every((t) => t.language === 'fr')).toBe(true);
		expect(
			byKind('reminder_sent').every((s) =>
				/^Relance 1 : e-mail envoyé à .+ pour la facture TL-\d$/.test(s),
			),
		).toBe(true);
		expect(byKind('payment_received')).toEqual([
			expect.stringMatching(/^Paiement \S*VIR-TL-1 reçu : .+ le 22\/10\/2025$/),
		]);
		expect(byKind('payment_allocated')).toEqual([
			expect.stringMatching(/^Paiement \S+ : .+ affecté à la facture TL-1 par /),
		]);
		expect(byKind('invoice_paid')).toEqual(['Facture TL-1 entièrement payée le 22/10/2025']);
		expect(byKind('dispute_opened')).toEqual([
			expect.stringMatching(
				/^Litige n° \d+ ouvert \(Commercial\), responsable \S+, à traiter avant le \d\d\/\d\d\/\d{4}$/,
			),
		]);
		expect(byKind('dispute_resolved')).toEqual([
			expect.stringMatching(/^Litige n° \d+ résolu : avoir \(Price list not updated\)$/),
		]);
		expect(byKind('payer_answer')).toEqual([expect.stringMatching(/^Le payeur /)]);
		expect(byKind('call_promise')).toEqual([
			'Appel qualité : promesse de règlement le 24/10/2025 (1000.00)',
		]);
		expect(byKind('promise_broken')).toEqual([
			'Promesse de règlement du 24/10/2025 non tenue : impayée, les relances reprennent',
		]);
		// Nothing left in English among what the package wrote.
		expect(
			timeline
				.filter((t) =>
					/\b(Stage|Payment|Invoice|Dispute|Payer|Promise to pay|Quality call)\b/.test(t.summary),
				)
				.map((t) => t.summary),
		).toEqual([]);
	});

	it('reads every kind of entry in English', async () => {
		const timeline = await customerTimeline(ledger, { customerExternalId: 'TL1', language: 'en' });
		const byKind = (kind: string) => timeline.filter((t) => t.kind === kind).map((t) => t.summary);
		expect(timeline.every((t) => t.language === 'en')).toBe(true);
		expect(
			byKind('reminder_sent').every((s) =>
				/^Reminder 1 e-mail sent to .+ for invoice TL-\d$/.test(s),
			),
		).toBe(true);
		expect(byKind('invoice_paid')).toEqual(['Invoice TL-1 paid in full on 2025-10-22']);
		expect(byKind('dispute_opened')).toEqual([
			expect.stringMatching(/^Dispute #\d+ opened \(Commercial\)/),
		]);
		expect(byKind('dispute_resolved')).toEqual([
			expect.stringMatching(/^Dispute #\d+ resolved: credit note/),
		]);
		expect(byKind('payer_answer')).toEqual([expect.stringMatching(/^Payer /)]);
		expect(byKind('call_promise')).toEqual([
			'Quality call: promise to pay on 2025-10-24 (1000.00)',
		]);
		expect(byKind('promise_broken')).toEqual([
			'Promise to pay of 2025-10-24 broken: not paid, dunning resumes',
		]);
		expect(byKind('payment_received')).toEqual([
			expect.stringMatching(/received: .+ on 2025-10-22$/),
		]);
	});

	it('shows the payer’s answer in French in a French call list, in English in an English one', async () => {
		const plan = await planCalls(ledger, {
			asOf: '2025-10-20',
			daysBeforeDue: 5,
			historyEntries: 50,
		});
		const call = plan.calls.find((c) => c.customer.externalId === 'TL1');
		expect(call).toBeDefined();
		const answer = call!.history.find((h) => h.kind === 'payer_answer');
		expect(answer?.summaryFr).toMatch(/^Le payeur /);
		expect(answer?.summary).toMatch(/^Payer /);
		const latest = call!.history[0];
		const fr = callListCsv([call!], { language: 'fr' });
		const en = callListCsv([call!], { language: 'en' });
		expect(fr).toContain(latest.summaryFr);
		expect(en).toContain(latest.summary);
		expect(latest.summaryFr).not.toBe(latest.summary);
	});
});
