import path from 'node:path';
import { simpleParser } from 'mailparser';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, daysFromToday, dunningTestLedger } from './dunning-helpers';

describe("workflow: collectors' daily digest, weekdays at 07:30", () => {
	const t = dunningTestLedger({ smtp: true });

	beforeAll(async () => {
		const a = await addCustomer(t.ledger, { externalId: 'DG-1', name: 'Client Un', collector: 'COL1' });
		await addInvoice(t.ledger, { customerId: a, number: 'D-1', dueDate: daysFromToday(-5), amount: 100000n });
		const b = await addCustomer(t.ledger, { externalId: 'DG-2', name: 'Client Deux', collector: 'COL1', emails: [] });
		const inv = await addInvoice(t.ledger, { customerId: b, number: 'D-2', dueDate: daysFromToday(-15) });
		await t.ledger.query("INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, error) VALUES ($1, $2, 'level1', 'email', 'uncertain', 'connection lost')", [inv, b]);
	});


	test('e-mails each collector what goes out today and what needs checking', async () => {
		const result = await runWorkflow(loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-collector-digest.json')), { credentials: credentialsFor(t.ledger, t.sink) });
		expect(result.error).toBeUndefined();
		const digests = result.json('Digest per collector');
		const karim = digests.find((d) => (d.collector as { code: string } | null)?.code === 'COL1');
		expect(karim?.sent).toBe(true);
		const mail = await simpleParser(t.sink.received[0].raw);
		expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0].address).toBe('karim.benali@vendor.example');
		expect(mail.subject).toMatch(/^Relances du .+ : 2 envoi\(s\) prévu\(s\), 1 problème\(s\)$/);
		expect(mail.text).toContain('- level1 : 1 message(s), 1 facture(s), 1\u202f000,00\u00a0€');
		expect(mail.text).toContain('- level2 : 1 message(s), 1 facture(s), 1\u202f200,00\u00a0€, dont 1 courrier(s) à imprimer');
		expect(mail.text).toContain('Client Deux (DG-2), facture D-2, level1 : uncertain — connection lost');
	});
});
