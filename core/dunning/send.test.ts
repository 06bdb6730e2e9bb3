import { createHash } from 'node:crypto';
import { openLedger, type Ledger } from '../ledger';
import { createTestLedger, dropTestLedger, testLedgerConfig } from '../../test/helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../../test/helpers/dunning';
import { startSmtpSink, type SmtpSink } from '../../test/helpers/smtpSink';
import { installDefaultPolicies, savePolicy } from './policy';
import { planReminders } from './plan';
import { releaseExpiredClaims, sendReminderEmails } from './send';
import { pdfText } from '../../test/helpers/pdf';
import { creditorReferencesIn } from '../bank/rf';

const AS_OF = '2025-10-20';
const FROM = { name: 'Relances ACME', address: 'relances@acme.example' };
const COMPANY = {
	name: 'ACME SAS',
	email: 'compta@acme.example',
	iban: 'FR76 3000 6000 0112 3456 7890 189',
};
const CGV = {
	filename: 'CGV.pdf',
	content: Buffer.from('%PDF-1.4 conditions générales'),
	contentType: 'application/pdf',
};

describe('sendReminderEmails', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		ledger = await createTestLedger();
		await installDefaultPolicies(ledger);
		await seedStaff(ledger);
		await savePolicy(ledger, {
			code: 'standard',
			name: 'Standard',
			stages: [
				{
					code: 'level1',
					kind: 'reminder',
					offsetDays: 5,
					channels: ['email', 'letter'],
					template: 'reminder_1',
					grouping: 'statement',
					cc: ['{{salesRep.email}}'],
					bcc: ['archive@acme.example'],
					attachments: ['CGV.pdf'],
					sender: { replyTo: '{{collector.email}}' },
				},
				{
					code: 'level2',
					kind: 'reminder',
					level: 2,
					offsetDays: 15,
					channels: ['email'],
					template: 'reminder_2',
					grouping: 'statement',
					showCharges: true,
					attachInvoiceCopy: true,
				},
			],
		});
		sink = await startSmtpSink();
	});

	afterAll(async () => {
		await sink.close();
		await dropTestLedger(ledger);
	});

	it('sends one message per customer in its language, with cc, bcc, attachment and amounts, and records it', async () => {
		const fr = await addCustomer(ledger, {
			externalId: 'FR1',
			name: 'Dupont <b>& Fils</b>',
			language: 'fr',
			emails: ['compta@dupont.example'],
		});
		await addInvoice(ledger, {
			customerId: fr,
			number: 'F-2025-001',
			dueDate: '2025-10-14',
			amount: 123456n,
		});
		await addInvoice(ledger, {
			customerId: fr,
			number: 'F-2025-002',
			dueDate: '2025-10-10',
			amount: 100000n,
		});
		const en = await addCustomer(ledger, {
			externalId: 'EN1',
			name: 'Smith Ltd',
			language: 'en',
			emails: ['ap@smith.example'],
		});
		await addInvoice(ledger, {
			customerId: en,
			number: 'F-2025-003',
			dueDate: '2025-10-13',
			amount: 50000n,
		});
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			filter: { profiles: ['standard'] },
		});
		const mine = plan.due.filter((m) => ['FR1', 'EN1'].includes(m.customer.externalId));
		const before = sink.received.length;
		const result = await sendReminderEmails(ledger, mine, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
		});
		expect(result.outcomes.map((o) => o.status)).toEqual(['sent', 'sent']);
		const received = sink.received.slice(before);
		expect(received).toHaveLength(2);
		const parsed = (await sink.parsed()).slice(before);
		const frMail = parsed.find((m) => m.subject?.startsWith('Relance')) as (typeof parsed)[number];
		const enMail = parsed.find((m) => m.subject?.startsWith('Reminder')) as (typeof parsed)[number];
		expect(frMail.subject).toBe('Relance : facture(s) échue(s) – 2\u202f234,56\u00a0€');
		expect(frMail.from?.value[0]).toEqual({
			name: 'Relances ACME',
			address: 'relances@acme.example',
		});
		expect(frMail.to && !Array.isArray(frMail.to) && frMail.to.value[0]).toEqual({
			name: 'Dupont <b>& Fils</b>',
			address: 'compta@dupont.example',
		});
		expect(frMail.cc && !Array.isArray(frMail.cc) && frMail.cc.value.map((v) => v.address)).toEqual(
			['sophie.martin@vendor.example'],
		);
		expect(frMail.bcc).toBeUndefined();
		expect(frMail.replyTo?.value[0].address).toBe('karim.benali@vendor.example');
		expect(frMail.headers.get('content-language')).toBe('fr');
		expect(frMail.headers.get('x-receivables-invoices')).toBe('F-2025-002, F-2025-001');
		expect(frMail.text).toContain(
			'Facture F-2025-001 du 2 janvier 2025, échue le 14 octobre 2025 : 1\u202f234,56\u00a0€ restant dû',
		);
		expect(frMail.text).toContain('Total restant dû : 2\u202f234,56\u00a0€.');
		// Each invoice with the RF creditor reference to quote in the transfer: the bank line that carries it is matched
		// to that invoice whatever name the payer uses.
		expect(frMail.text).toContain(
			'1\u202f234,56\u00a0€ restant dû (référence de virement : RF63 F202 5001)\n',
		);
		expect(creditorReferencesIn('VIR SEPA XYZ FACTORING RF63 F202 5001')).toEqual(['F2025001']);
		expect(frMail.html).toContain('Dupont &lt;b&gt;&amp; Fils&lt;/b&gt;');
		expect(frMail.html).not.toContain('<b>&');
		expect(
			frMail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()]),
		).toEqual([['CGV.pdf', 'application/pdf', '%PDF-1.4 conditions générales']]);
		const frEnvelope = received.find((r) => r.envelope.to.includes('compta@dupont.example'));
		expect(frEnvelope?.envelope.to.sort()).toEqual([
			'archive@acme.example',
			'compta@dupont.example',
			'sophie.martin@vendor.example',
		]);
		expect(enMail.subject).toBe('Reminder: overdue invoice(s) – €500.00');
		expect(enMail.text).toContain(
			'Invoice F-2025-003 of 2 January 2025, due 13 October 2025: €500.00 outstanding (transfer reference: RF09 F202 5003)\n',
		);
		const rows = await ledger.query<{
			number: string;
			status: string;
			message_id: string;
			sent_at: Date | null;
		}>(
			"SELECT i.number, r.status, r.message_id, r.sent_at FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number LIKE 'F-2025-00%' ORDER BY i.number",
		);
		expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
		expect(rows[0].message_id).toBe(frMail.messageId);
		expect(rows[0].message_id).toBe(rows[1].message_id);
		const history = await ledger.query<{
			kind: string;
			channel: string;
			content_hash: string;
			payload: { messageId: string };
		}>(
			"SELECT h.kind, h.channel, h.content_hash, h.payload FROM history h JOIN invoices i ON i.id = h.invoice_id WHERE i.number = 'F-2025-001'",
		);
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({
			kind: 'reminder_sent',
			channel: 'email',
			payload: { messageId: frMail.messageId },
		});
		const frRaw = received.find((r) => r.envelope.to.includes('compta@dupont.example'))
			?.raw as Buffer;
		// the history keeps the hash of the exact bytes the server received
		expect(history[0].content_hash).toBe(createHash('sha256').update(frRaw).digest('hex'));

		// the same plan again sends nothing
		const again = await sendReminderEmails(ledger, mine, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
		});
		expect(again.outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped']);
		expect(sink.received.length).toBe(before + 2);
	});

	it('shows late-payment charges in the later stages', async () => {
		const c = await addCustomer(ledger, { externalId: 'LATE1', language: 'fr' });
		await addInvoice(ledger, {
			customerId: c,
			number: 'L-1',
			dueDate: '2025-09-01',
			amount: 1000000n,
		});
		const plan = await planReminders(ledger, { stage: 'level2', asOf: '2025-10-01' });
		const message = plan.due.filter((m) => m.customer.externalId === 'LATE1');
		const before = sink.received.length;
		await sendReminderEmails(ledger, message, { smtp: sink.config, from: FROM, company: COMPANY });
		const [mail] = (await sink.parsed()).slice(before);
		// 10 000 € × 12,15 % × 30 / 365 = 99,86 € ; + 40 € indemnity
		expect(mail.text).toContain('taux annuel de 12,15\u00a0% (99,86\u00a0€ à ce jour)');
		expect(mail.text).toContain('indemnité forfaitaire pour frais de recouvrement de 40,00\u00a0€');
		expect(mail.text).toContain('Montant total dû : 10\u202f139,86\u00a0€.');
		// the stage attaches a copy of the invoice, as a PDF made from the ledger
		expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
			['facture-L-1.pdf', 'application/pdf'],
		]);
		const copy = pdfText(mail.attachments[0].content, { layout: false });
		expect(copy).toContain('Copie de la facture L-1 (duplicata)');
		expect(copy).toContain('Total TTC : 10 000,00 €');
	});

	it('records 4xx as retry, 5xx as failed, a connection lost after DATA as uncertain, and retries only the retry', async () => {
		const ids: Record<string, string> = {};
		for (const [key, email] of [
			['T', 'tempfail@t.example'],
			['R', 'reject@r.example'],
			['D', 'drop@d.example'],
			['Q', 'datafail@q.example'],
			['OK', 'ok@ok.example'],
		]) {
			const c = await addCustomer(ledger, {
				externalId: `SMTP-${key}`,
				emails: [email],
				salesRep: null,
			});
			ids[key] = await addInvoice(ledger, {
				customerId: c,
				number: `S-${key}`,
				dueDate: '2025-10-14',
			});
		}
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: Object.values(ids),
		});
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
			concurrency: 2,
		});
		const status = Object.fromEntries(result.outcomes.map((o) => [o.customerExternalId, o.status]));
		expect(status).toEqual({
			'SMTP-T': 'retry',
			'SMTP-R': 'failed',
			'SMTP-D': 'uncertain',
			'SMTP-Q': 'retry',
			'SMTP-OK': 'sent',
		});
		const errors = Object.fromEntries(
			result.outcomes.map((o) => [o.customerExternalId, o.error ?? '']),
		);
		expect(errors['SMTP-D']).toContain('it may have been delivered');
		expect(errors['SMTP-T']).toContain('450');

		const replan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: Object.values(ids),
		});
		expect(replan.due.map((m) => [m.customer.externalId, m.invoices[0].retry])).toEqual([
			['SMTP-T', true],
			['SMTP-Q', true],
		]);
		expect(Object.fromEntries(replan.held.map((h) => [h.number, h.detail]))).toEqual({
			'S-R': 'stage level1 is already failed',
			'S-D': 'stage level1 is already uncertain',
			'S-OK': 'stage level1 is already sent',
		});
		await ledger.query(
			"UPDATE customers SET emails = '{ok2@t.example}' WHERE external_id = 'SMTP-T'",
		);
		const replan2 = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: [ids.T],
		});
		const retried = await sendReminderEmails(ledger, replan2.due, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
		});
		expect(retried.outcomes.map((o) => o.status)).toEqual(['sent']);
		const row = await ledger.query<{ status: string; attempts: number }>(
			'SELECT status, attempts FROM reminders WHERE invoice_id = $1',
			[ids.T],
		);
		expect(row[0]).toEqual({ status: 'sent', attempts: 2 });
	});

	it('refuses header injection in customer data and sends nothing for that customer', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'INJ',
			name: 'Evil\r\nBcc: victim@else.example',
			emails: ['evil@inj.example'],
		});
		const inv = await addInvoice(ledger, { customerId: c, number: 'INJ-1', dueDate: '2025-10-14' });
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF, invoiceIds: [inv] });
		const before = sink.received.length;
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
		});
		expect(result.outcomes[0].status).toBe('failed');
		expect(result.outcomes[0].error).toMatch(/line break, which could inject e-mail headers/);
		expect(sink.received.length).toBe(before);
	});

	it('refuses to start when a constant attachment is missing, before claiming anything', async () => {
		const c = await addCustomer(ledger, { externalId: 'NOATT' });
		const inv = await addInvoice(ledger, {
			customerId: c,
			number: 'NOATT-1',
			dueDate: '2025-10-14',
		});
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF, invoiceIds: [inv] });
		await expect(
			sendReminderEmails(ledger, plan.due, { smtp: sink.config, from: FROM }),
		).rejects.toThrow(/CGV\.pdf \(stage level1\)/);
		expect(await ledger.query('SELECT 1 FROM reminders WHERE invoice_id = $1', [inv])).toHaveLength(
			0,
		);
	});

	it("releases a dead run's claim that never reached the server, and marks uncertain only a message left handing over", async () => {
		const claimedOnly = await addCustomer(ledger, {
			externalId: 'STALE-C',
			emails: ['stale-c@s.example'],
			salesRep: null,
		});
		const invClaimed = await addInvoice(ledger, {
			customerId: claimedOnly,
			number: 'STALE-1',
			dueDate: '2025-10-14',
		});
		const handing = await addCustomer(ledger, {
			externalId: 'STALE-H',
			emails: ['stale-h@s.example'],
			salesRep: null,
		});
		const invHanding = await addInvoice(ledger, {
			customerId: handing,
			number: 'STALE-2',
			dueDate: '2025-10-14',
		});
		const fresh = await addCustomer(ledger, {
			externalId: 'STALE-F',
			emails: ['stale-f@s.example'],
			salesRep: null,
		});
		const invFresh = await addInvoice(ledger, {
			customerId: fresh,
			number: 'STALE-3',
			dueDate: '2025-10-14',
		});
		await ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, message_id) VALUES ($1, $2, 'level1', 'email', 'claimed', 'dead-run', now() - interval '2 hours', '<c@acme.example>')",
			[invClaimed, claimedOnly],
		);
		await ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, handed_over_at, message_id) VALUES ($1, $2, 'level1', 'email', 'handing_over', 'dead-run', now() - interval '2 hours', now() - interval '2 hours', '<h@acme.example>')",
			[invHanding, handing],
		);
		// a live run's claim, younger than the lease, is left alone
		await ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, message_id) VALUES ($1, $2, 'level1', 'email', 'claimed', 'live-run', now(), '<f@acme.example>')",
			[invFresh, fresh],
		);
		expect(await releaseExpiredClaims(ledger, 30)).toEqual({ released: 1, uncertain: 1 });
		const rows = await ledger.query<{ number: string; status: string; error: string }>(
			"SELECT i.number, r.status, r.error FROM reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.number LIKE 'STALE-%' ORDER BY i.number",
		);
		expect(rows.map((r) => [r.number, r.status])).toEqual([
			['STALE-1', 'retry'],
			['STALE-2', 'uncertain'],
			['STALE-3', 'claimed'],
		]);
		expect(rows[1].error).toContain('<h@acme.example>');
		// the released claim is due again and goes out once; the uncertain one is held for reconciliation
		const plan = await planReminders(ledger, {
			stage: 'level1',
			asOf: AS_OF,
			invoiceIds: [invClaimed, invHanding],
		});
		expect(plan.due.map((m) => m.invoices[0].number)).toEqual(['STALE-1']);
		expect(plan.held.map((h) => [h.number, h.detail])).toEqual([
			['STALE-2', 'stage level1 is already uncertain'],
		]);
		const before = sink.received.length;
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
		});
		expect(result.outcomes.map((o) => o.status)).toEqual(['sent']);
		expect(sink.received.slice(before).map((m) => m.envelope.to[0])).toEqual(['stale-c@s.example']);
		const history = await ledger.query<{ kind: string }>(
			"SELECT h.kind FROM history h JOIN invoices i ON i.id = h.invoice_id WHERE i.number IN ('STALE-1', 'STALE-2') ORDER BY h.id",
		);
		expect(history.map((h) => h.kind)).toEqual([
			'reminder_released',
			'reminder_uncertain',
			'reminder_sent',
		]);
	});

	it('records handing_over in the ledger before the DATA command reaches the server', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'HAND',
			emails: ['hand@h.example'],
			salesRep: null,
		});
		const inv = await addInvoice(ledger, {
			customerId: c,
			number: 'HAND-1',
			dueDate: '2025-10-14',
		});
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF, invoiceIds: [inv] });
		const seenAtData: string[] = [];
		sink.setDataHook(async () => {
			const row = await ledger.query<{ status: string; handed_over_at: Date | null }>(
				'SELECT status, handed_over_at FROM reminders WHERE invoice_id = $1',
				[inv],
			);
			seenAtData.push(`${row[0].status}:${row[0].handed_over_at ? 'at' : 'none'}`);
		});
		try {
			const result = await sendReminderEmails(ledger, plan.due, {
				smtp: sink.config,
				from: FROM,
				company: COMPANY,
				attachments: { 'CGV.pdf': CGV },
			});
			expect(result.outcomes.map((o) => o.status)).toEqual(['sent']);
		} finally {
			sink.setDataHook(undefined);
		}
		expect(seenAtData).toEqual(['handing_over:at']);
		const row = await ledger.query<{ status: string; smtp_response: string }>(
			'SELECT status, smtp_response FROM reminders WHERE invoice_id = $1',
			[inv],
		);
		expect(row[0].status).toBe('sent');
		expect(row[0].smtp_response).toMatch(/^250/);
	});

	it('does not hand a message over once its lease was taken away while the server was answering', async () => {
		const c = await addCustomer(ledger, {
			externalId: 'LEASE',
			emails: ['lease@l.example'],
			salesRep: null,
		});
		const inv = await addInvoice(ledger, {
			customerId: c,
			number: 'LEASE-1',
			dueDate: '2025-10-14',
		});
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF, invoiceIds: [inv] });
		const before = sink.received.length;
		// while the server answers RCPT, another run finds the claim expired (lease 0) and releases it
		sink.setRcptHook(async () => {
			expect((await releaseExpiredClaims(ledger, 0)).released).toBeGreaterThanOrEqual(1);
		});
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
		});
		expect(result.outcomes.map((o) => [o.status, o.error])).toEqual([
			['skipped', 'this run no longer holds the reminder (its lease expired): nothing was sent'],
		]);
		expect(sink.received.length).toBe(before);
		const row = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE invoice_id = $1',
			[inv],
		);
		expect(row[0].status).toBe('retry');
	});

	it("sends nothing when the server refuses the customer's own address, even if the copies were accepted", async () => {
		const c = await addCustomer(ledger, { externalId: 'TOREF', emails: ['tempfail-to@t.example'] });
		const inv = await addInvoice(ledger, {
			customerId: c,
			number: 'TOREF-1',
			dueDate: '2025-10-14',
		});
		const plan = await planReminders(ledger, { stage: 'level1', asOf: AS_OF, invoiceIds: [inv] });
		expect(plan.due[0].cc.length + plan.due[0].bcc.length).toBeGreaterThan(0);
		const before = sink.received.length;
		const result = await sendReminderEmails(ledger, plan.due, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			attachments: { 'CGV.pdf': CGV },
		});
		expect(result.outcomes[0].status).toBe('retry');
		expect(result.outcomes[0].error).toMatch(/customer's address was refused .*nothing was sent/);
		expect(sink.received.length).toBe(before);
	});

	it('sends each reminder exactly once when two runs send the same plan at the same time', async () => {
		const invoiceIds: string[] = [];
		for (let i = 0; i < 40; i++) {
			const c = await addCustomer(ledger, {
				externalId: `CONC-${i}`,
				emails: [`conc${i}@c.example`],
				salesRep: null,
			});
			invoiceIds.push(
				await addInvoice(ledger, { customerId: c, number: `CONC-${i}-A`, dueDate: '2025-10-14' }),
			);
			invoiceIds.push(
				await addInvoice(ledger, { customerId: c, number: `CONC-${i}-B`, dueDate: '2025-10-12' }),
			);
		}
		const second = openLedger(testLedgerConfig(ledger.schema));
		try {
			const [planA, planB] = await Promise.all([
				planReminders(ledger, { stage: 'level1', asOf: AS_OF, invoiceIds }),
				planReminders(second, { stage: 'level1', asOf: AS_OF, invoiceIds }),
			]);
			const before = sink.received.length;
			sink.setDataDelay(2);
			const options = {
				smtp: sink.config,
				from: FROM,
				company: COMPANY,
				attachments: { 'CGV.pdf': CGV },
				concurrency: 4,
			};
			const [a, b] = await Promise.all([
				sendReminderEmails(ledger, planA.due, { ...options, claimedBy: 'run-a' }),
				sendReminderEmails(second, planB.due, { ...options, claimedBy: 'run-b' }),
			]);
			sink.setDataDelay(0);
			const received = sink.received.slice(before);
			const perCustomer = new Map<string, number>();
			for (const mail of received)
				for (const to of mail.envelope.to.filter((a) => a.startsWith('conc')))
					perCustomer.set(to, (perCustomer.get(to) ?? 0) + 1);
			expect(perCustomer.size).toBe(40);
			expect(received).toHaveLength(40);
			expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);
			const sent = [...a.outcomes, ...b.outcomes].filter((o) => o.status === 'sent');
			expect(sent.flatMap((o) => o.invoiceIds).sort()).toEqual([...invoiceIds].sort());
			const statuses = await ledger.query<{ status: string; n: string }>(
				'SELECT status, count(*)::text AS n FROM reminders WHERE invoice_id = ANY($1::bigint[]) GROUP BY status',
				[invoiceIds],
			);
			expect(statuses).toEqual([{ status: 'sent', n: '80' }]);
		} finally {
			await second.close();
		}
	});

	it('claims in batches and gives back at once the claims a run that stops will not use; the next run sends them once', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 12; i++) {
			const c = await addCustomer(ledger, {
				externalId: `BATCH-${i}`,
				emails: [`batch${i}@b.example`],
				salesRep: null,
			});
			ids.push(
				await addInvoice(ledger, {
					customerId: c,
					number: `B-${String(i).padStart(2, '0')}`,
					dueDate: '2025-10-01',
				}),
			);
		}
		const plan = await planReminders(ledger, { stage: 'level2', asOf: AS_OF, invoiceIds: ids });
		expect(plan.due).toHaveLength(12);
		const before = sink.received.length;
		let copies = 0;
		// the third message's invoice copy cannot be read: the ledger is gone (the run stops, as it would)
		const invoiceCopy = async (invoice: { number: string }) => {
			if (++copies === 3)
				throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
					code: 'ECONNREFUSED',
				});
			return {
				filename: `${invoice.number}.pdf`,
				content: Buffer.from('%PDF-1.4 copie'),
				contentType: 'application/pdf',
			};
		};
		await expect(
			sendReminderEmails(ledger, plan.due, {
				smtp: sink.config,
				from: FROM,
				company: COMPANY,
				concurrency: 1,
				claimBatch: 5,
				invoiceCopy,
				ledgerRetrySeconds: 0,
			}),
		).rejects.toThrow(/ECONNREFUSED/);
		expect(sink.received.length - before).toBe(2);
		const rows = await ledger.query<{ status: string; n: string }>(
			"SELECT status, count(*)::text AS n FROM reminders WHERE invoice_id = ANY($1::bigint[]) AND stage = 'level2' GROUP BY status ORDER BY status",
			[ids],
		);
		// two sent; the third stays claimed (its lease releases it); the two claimed ahead are given back; the last
		// seven were never claimed
		expect(Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))).toEqual({
			sent: 2,
			claimed: 1,
			retry: 2,
		});
		const released = await ledger.query<{ n: string }>(
			"SELECT count(*)::text AS n FROM history WHERE kind = 'reminder_released' AND invoice_id = ANY($1::bigint[])",
			[ids],
		);
		expect(released[0].n).toBe('2');

		await releaseExpiredClaims(ledger, 0);
		const replan = await planReminders(ledger, { stage: 'level2', asOf: AS_OF, invoiceIds: ids });
		expect(replan.due).toHaveLength(10);
		const next = await sendReminderEmails(ledger, replan.due, {
			smtp: sink.config,
			from: FROM,
			company: COMPANY,
			concurrency: 3,
			claimBatch: 4,
			invoiceCopy: async (invoice) => ({
				filename: `${invoice.number}.pdf`,
				content: Buffer.from('%PDF-1.4 copie'),
				contentType: 'application/pdf',
			}),
		});
		expect(next.outcomes.map((o) => o.status)).toEqual(Array(10).fill('sent'));
		const perAddress = new Map<string, number>();
		for (const mail of sink.received.slice(before))
			for (const to of mail.envelope.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
		expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
		expect(perAddress.size).toBe(12);
	});
});
