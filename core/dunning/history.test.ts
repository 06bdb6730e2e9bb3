import type { Ledger } from '../ledger';
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
		const a = await addCustomer(ledger, { externalId: 'T1', name: 'Atlas Distribution', salesRep: null });
		await addInvoice(ledger, { customerId: a, number: 'T-1', dueDate: '2025-10-14', amount: 250000n });
		const b = await addCustomer(ledger, { externalId: 'T2', name: 'Sahel Négoce', emails: ['reject@t2.example'], salesRep: null, collector: 'COL2' });
		await addInvoice(ledger, { customerId: b, number: 'T-2', dueDate: '2025-10-14', amount: 1500000n, currency: 'XOF' });
		const c = await addCustomer(ledger, { externalId: 'T3', name: 'Sans Email', emails: [], salesRep: null, collector: 'COL2' });
		await addInvoice(ledger, { customerId: c, number: 'T-3', dueDate: '2025-10-15' });
	});

	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('keeps every exchange in a per-customer timeline, newest first', async () => {
		const plan = await planReminders(ledger, { stage: 'level1', asOf: '2025-10-20' });
		await sendReminderEmails(ledger, plan.due, { smtp: sink.config, from: { address: 'relances@acme.example' } });
		await recordOutcome(ledger, { customerExternalId: 'T1', invoiceNumbers: ['T-1'], kind: 'call', summary: 'Comptable joint : paiement vendredi', actor: 'COL1', at: '2099-01-01T10:00:00Z' });
		const timeline = await customerTimeline(ledger, { customerExternalId: 'T1' });
		expect(timeline.map((t) => [t.kind, t.channel, t.invoiceNumber])).toEqual([
			['call', 'call', 'T-1'],
			['reminder_sent', 'email', 'T-1'],
		]);
		expect(timeline[1].messageId).toMatch(/^<.+@acme\.example>$/);
		expect(timeline[1].contentHash).toMatch(/^[0-9a-f]{64}$/);
		expect(timeline[1].stage).toBe('level1');
		await expect(recordOutcome(ledger, { customerExternalId: 'T1', invoiceNumbers: ['NOPE'], kind: 'call', summary: 'x' })).rejects.toThrow(/has no invoice NOPE/);
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
		expect(col2?.stages.find((s) => s.stage === 'level1')).toMatchObject({ messages: 1, invoices: 1, letters: 1, amounts: ['1\u202f200,00\u00a0€'] });
		expect(col2?.problems.map((p) => [p.invoiceNumber, p.status])).toEqual([['T-2', 'failed']]);
		expect(col2?.subject).toBe('Relances du 20 octobre 2025 : 1 envoi(s) prévu(s), 1 problème(s)');
		expect(col2?.text).toContain('dont 1 courrier(s) à imprimer');
		expect(col2?.text).toContain('Sahel Négoce (T2), facture T-2, level1 : failed');
	});
});
