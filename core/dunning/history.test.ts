import { storePayments, type Ledger } from '../ledger';
import { todayIn } from '../time';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { dailyDigest } from './digest';
import { customerTimeline, dunningVolumes, recordOutcome } from './history';
import { installDefaultPolicies } from './policy';
import { planReminders } from './plan';
import { sendReminderEmails } from './send';

describe('history, timeline, volumes and the daily digest', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		sink = await startSmtpSink();
		const a = await addCustomer(ledger, {
			externalId: 'T1',
			name: 'Atlas Distribution',
			salesRep: null,
		});
		await addInvoice(ledger, {
			customerId: a,
			number: 'T-1',
			dueDate: '2025-10-14',
			amount: 250000n,
		});
		const b = await addCustomer(ledger, {
			externalId: 'T2',
			name: 'Sahel Négoce',
			emails: ['reject@t2.example'],
			salesRep: null,
			collector: 'COL2',
		});
		await addInvoice(ledger, {
			customerId: b,
			number: 'T-2',
			dueDate: '2025-10-14',
			amount: 1500000n,
			currency: 'XOF',
		});
		const c = await addCustomer(ledger, {
			externalId: 'T3',
			name: 'Sans Email',
			emails: [],
			salesRep: null,
			collector: 'COL2',
		});
		await addInvoice(ledger, { customerId: c, number: 'T-3', dueDate: '2025-10-15' });
	});

	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('keeps every exchange in a per-customer timeline, newest first', async () => {
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' });
		await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: { address: 'relances@acme.example' },
		});
		await recordOutcome(ledger, {
			customerExternalId: 'T1',
			invoiceNumbers: ['T-1'],
			kind: 'call',
			summary: 'Comptable joint : paiement vendredi',
			actor: 'COL1',
		});
		const timeline = await customerTimeline(ledger, { customerExternalId: 'T1' });
		expect(timeline.map((t) => [t.kind, t.channel, t.invoiceNumber])).toEqual([
			['call', 'call', 'T-1'],
			['reminder_sent', 'email', 'T-1'],
		]);
		expect(timeline[1].messageId).toMatch(/^<.+@acme\.example>$/);
		expect(timeline[1].contentHash).toMatch(/^[0-9a-f]{64}$/);
		expect(timeline[1].stage).toBe('level1');
		await expect(
			recordOutcome(ledger, {
				customerExternalId: 'T1',
				invoiceNumbers: ['NOPE'],
				kind: 'call',
				summary: 'x',
			}),
		).rejects.toThrow(/has no invoice NOPE/);
	});

	it('records a past exchange on its own date, never one in the future', async () => {
		// A visit recorded on its day: noon in Paris (CEST in May, UTC+2) is 10:00 UTC; a call with its own time.
		await recordOutcome(ledger, {
			customerExternalId: 'T2',
			kind: 'visit',
			summary: 'Visite : accord sur un échéancier',
			at: '2025-05-12',
			zone: 'Europe/Paris',
		});
		await recordOutcome(ledger, {
			customerExternalId: 'T2',
			kind: 'call',
			summary: 'Rappel du comptable',
			at: '2025-05-13T09:15:00+02:00',
		});
		const timeline = await customerTimeline(ledger, {
			customerExternalId: 'T2',
			from: '2025-05-01',
			to: '2025-05-31',
		});
		expect(timeline.map((t) => [t.kind, t.at])).toEqual([
			['call', '2025-05-13T07:15:00.000Z'],
			['visit', '2025-05-12T10:00:00.000Z'],
		]);
		await expect(
			recordOutcome(ledger, {
				customerExternalId: 'T2',
				kind: 'note',
				summary: 'x',
				at: '2999-01-01',
			}),
		).rejects.toMatchObject({ code: 'OUTCOME_BAD_DATE' });
		await expect(
			recordOutcome(ledger, {
				customerExternalId: 'T2',
				kind: 'note',
				summary: 'x',
				at: '2999-01-01T10:00:00Z',
			}),
		).rejects.toMatchObject({ code: 'OUTCOME_BAD_DATE' });
		await expect(
			recordOutcome(ledger, { customerExternalId: 'T2', kind: 'note', summary: 'x', at: 'hier' }),
		).rejects.toMatchObject({ code: 'OUTCOME_BAD_DATE' });
	});

	it('counts volumes per day and stage', async () => {
		const volumes = await dunningVolumes(ledger, { from: '2000-01-01', to: '2100-01-01' });
		const level1 = volumes.filter((v) => v.stage === 'level1' && v.channel === 'email');
		expect(level1.reduce((n, v) => n + v.sent, 0)).toBe(1);
		expect(level1.reduce((n, v) => n + v.failed, 0)).toBe(1);
	});

	it('tells each collector what goes out today and what failed', async () => {
		const digests = await dailyDigest(ledger, { asOf: '2025-10-20', stages: ['level1', 'level2'] });
		const col2 = digests.find((d) => d.collector?.code === 'COL2');
		expect(col2).toBeDefined();
		expect(col2?.stages.find((s) => s.stage === 'level1')).toMatchObject({
			messages: 1,
			invoices: 1,
			letters: 1,
			amounts: ['1\u202f200,00\u00a0€'],
		});
		expect(col2?.problems.map((p) => [p.invoiceNumber, p.status])).toEqual([['T-2', 'failed']]);
		expect(col2?.subject).toBe('Relances du 20 octobre 2025 : 1 envoi(s) prévu(s), 1 problème(s)');
		expect(col2?.text).toContain('dont 1 courrier(s) à imprimer');
		expect(col2?.text).toContain('Sahel Négoce (T2), facture T-2, level1 : failed');
	});

	it("lists the day's payments kept for a person with the customer's collector, or on the unassigned list", async () => {
		const today = todayIn();
		const c = await ledger.query<{ id: string }>(
			"SELECT id::text FROM customers WHERE external_id = 'T3'",
		);
		await addInvoice(ledger, {
			customerId: c[0].id,
			number: 'T-4',
			dueDate: '2025-11-01',
			amount: 50000n,
		});
		await addInvoice(ledger, {
			customerId: c[0].id,
			number: 'T-5',
			dueDate: '2025-11-02',
			amount: 50000n,
		});
		const stored = await storePayments(ledger, [
			{
				externalRef: 'DG-PAID',
				amountMinor: 1500000n,
				currency: 'XOF',
				receivedOn: today,
				payerName: 'Sahel Négoce',
				referenceText: 'FACTURE T-2',
			},
			{
				externalRef: 'DG-TWO',
				amountMinor: 50000n,
				currency: 'EUR',
				receivedOn: '2026-01-05',
				payerName: 'SANS EMAIL SARL',
				referenceText: 'VIR SEPA REGLEMENT',
			},
			{
				externalRef: 'DG-ODD',
				amountMinor: 999n,
				currency: 'XOF',
				receivedOn: today,
				payerName: 'Sahel Negoce SA',
				referenceText: 'ACOMPTE',
			},
			{
				externalRef: 'DG-WHO',
				amountMinor: 12345n,
				currency: 'EUR',
				receivedOn: today,
				payerName: 'Quelqu’un d’autre',
				referenceText: 'VIR 778899',
			},
			{
				externalRef: 'DG-OLD',
				amountMinor: 777n,
				currency: 'EUR',
				receivedOn: '2026-01-01',
				payerName: 'Ancien payeur',
				referenceText: 'VIR 1',
			},
		]);
		expect(stored.map((s) => s.allocation?.status)).toEqual([
			'applied',
			'ambiguous',
			'unapplied',
			'unapplied',
			'unapplied',
		]);
		// Recorded long before the digest's days: not in today's digest.
		await ledger.query(
			"UPDATE payments SET created_at = now() - interval '10 days' WHERE external_ref = 'DG-OLD'",
		);

		const digests = await dailyDigest(ledger, { asOf: today, stages: ['level1'] });
		const col2 = digests.find((d) => d.collector?.code === 'COL2');
		expect(
			col2?.payments.map((p) => [
				p.payerName,
				p.customer?.externalId,
				p.status,
				p.reasonCode,
				p.candidates,
			]),
		).toEqual([
			[
				'SANS EMAIL SARL',
				'T3',
				'ambiguous',
				'SEVERAL_INVOICES_MATCH_AMOUNT',
				['T-4 (500.00 EUR)', 'T-5 (500.00 EUR)'],
			],
			// T-2 was paid by the first payment: an advance or a payment for an invoice not in the ledger yet.
			['Sahel Negoce SA', 'T2', 'unapplied', 'NO_OPEN_INVOICE', []],
		]);
		expect(col2?.payments[0]).toMatchObject({
			receivedOn: '2026-01-05',
			amountMinor: '50000',
			currency: 'EUR',
			reference: 'VIR SEPA REGLEMENT',
			customer: { externalId: 'T3', name: 'Sans Email' },
		});
		expect(col2?.subject).toMatch(/, 2 paiement\(s\) à affecter$/);
		expect(col2?.text).toContain(
			"- 5 janvier 2026, 500,00\u00a0€, payeur SANS EMAIL SARL, réf. « VIR SEPA REGLEMENT », client Sans Email (T3) : Plusieurs factures ouvertes du client correspondent à 500.00 EUR et la référence n'en cite aucune. Candidats : T-4 (500.00 EUR), T-5 (500.00 EUR).",
		);
		// The payer no customer has: on the unassigned list, with the reason.
		const unassigned = digests.find((d) => d.collector === null);
		expect(unassigned?.payments.map((p) => [p.payerName, p.customer, p.reasonCode])).toEqual([
			['Quelqu’un d’autre', null, 'UNKNOWN_PAYER'],
		]);
		expect(unassigned?.text).toContain('Clients sans chargé de recouvrement');
		expect(unassigned?.text).toContain(
			'payeur Quelqu’un d’autre, réf. « VIR 778899 », client non identifié : Ni le code client',
		);
		// Nothing kept for COL1's customers: no payment section.
		expect(digests.find((d) => d.collector?.code === 'COL1')?.payments ?? []).toEqual([]);

		// In English, the reason in English.
		const en = await dailyDigest(ledger, { asOf: today, stages: ['level1'], language: 'en' });
		const enCol2 = en.find((d) => d.collector?.code === 'COL2');
		expect(enCol2?.subject).toMatch(/, 2 payment\(s\) to settle$/);
		expect(enCol2?.text).toContain(
			'payer SANS EMAIL SARL, ref. "VIR SEPA REGLEMENT", customer Sans Email (T3): Several open invoices of the customer match 500.00 EUR and the reference names none of them. Candidates: T-4 (500.00 EUR), T-5 (500.00 EUR).',
		);
		// From an earlier first day: the same; a day that does not exist is refused, not replaced.
		expect(
			(
				await dailyDigest(ledger, { asOf: today, stages: ['level1'], paymentsSince: '2026-01-01' })
			).find((d) => d.collector?.code === 'COL2')?.payments,
		).toHaveLength(2);
		await expect(
			dailyDigest(ledger, { asOf: today, paymentsSince: '2026-02-30' }),
		).rejects.toMatchObject({ code: 'DIGEST_DATE_INVALID' });
		// A person settles it: the next digest no longer lists it.
		await ledger.query(
			"UPDATE payments SET status = 'applied', unapplied_minor = 0 WHERE external_ref = 'DG-TWO'",
		);
		const after = await dailyDigest(ledger, { asOf: today, stages: ['level1'] });
		expect(
			after.find((d) => d.collector?.code === 'COL2')?.payments.map((p) => p.payerName),
		).toEqual(['Sahel Negoce SA']);
	});
});
