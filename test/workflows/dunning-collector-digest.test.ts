import path from 'node:path';
import { simpleParser } from 'mailparser';
import { storePayments } from '../../core';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, daysFromToday, dunningTestLedger } from './dunning-helpers';

describe("workflow: collectors' daily digest, weekdays at 08:00", () => {
	const t = dunningTestLedger({ smtp: true });

	beforeAll(async () => {
		const a = await addCustomer(t.ledger, {
			externalId: 'DG-1',
			name: 'Client Un',
			collector: 'COL1',
		});
		await addInvoice(t.ledger, {
			customerId: a,
			number: 'D-1',
			dueDate: daysFromToday(-5),
			amount: 100000n,
		});
		const b = await addCustomer(t.ledger, {
			externalId: 'DG-2',
			name: 'Client Deux',
			collector: 'COL1',
			emails: [],
		});
		const inv = await addInvoice(t.ledger, {
			customerId: b,
			number: 'D-2',
			dueDate: daysFromToday(-15),
		});
		await t.ledger.query(
			"INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, error) VALUES ($1, $2, 'level1', 'email', 'uncertain', 'connection lost')",
			[inv, b],
		);
		// This morning's bank lines the rules kept for a person: one of Client Un's (no invoice of that amount), one
		// from a payer no customer has.
		await storePayments(t.ledger, [
			{
				externalRef: 'DG-P1',
				amountMinor: 33300n,
				currency: 'EUR',
				receivedOn: daysFromToday(-1),
				payerName: 'CLIENT UN SARL',
				referenceText: 'VIR ACOMPTE',
			},
			{
				externalRef: 'DG-P2',
				amountMinor: 4200n,
				currency: 'EUR',
				receivedOn: daysFromToday(-1),
				payerName: 'INCONNU ET FILS',
				referenceText: 'VIR 4711',
			},
		]);
	});

	test('e-mails each collector what goes out today and what needs checking', async () => {
		const result = await runWorkflow(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'dunning-collector-digest.json')),
			{ credentials: credentialsFor(t.ledger, t.sink) },
		);
		expect(result.error).toBeUndefined();
		const digests = result.json('Digest per collector');
		const karim = digests.find((d) => (d.collector as { code: string } | null)?.code === 'COL1');
		expect(karim?.sent).toBe(true);
		const mails = await Promise.all(t.sink.received.map((m) => simpleParser(m.raw)));
		const to = (address: string) =>
			mails.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0].address === address);
		const mail = to('karim.benali@vendor.example');
		if (!mail) throw new Error('no digest e-mailed to the collector');
		expect(mail.subject).toMatch(
			/^Relances du .+ : 2 envoi\(s\) prévu\(s\), 1 problème\(s\), 1 paiement\(s\) à affecter$/,
		);
		expect(mail.text).toContain('- level1 : 1 message(s), 1 facture(s), 1\u202f000,00\u00a0€');
		expect(mail.text).toContain(
			'- level2 : 1 message(s), 1 facture(s), 1\u202f200,00\u00a0€, dont 1 courrier(s) à imprimer',
		);
		expect(mail.text).toContain(
			'Client Deux (DG-2), facture D-2, level1 : uncertain — connection lost',
		);
		expect(mail.text).toContain(
			'333,00\u00a0€, payeur CLIENT UN SARL, réf. « VIR ACOMPTE », client Client Un (DG-1) : Aucune facture ouverte',
		);
		// The payer no customer has: the unassigned list, e-mailed to the address the workflow names.
		const unassigned = digests.find((d) => d.collector === null);
		expect(unassigned?.sent).toBe(true);
		const toUnassigned = to('comptabilite@example.com');
		expect(toUnassigned?.subject).toMatch(/, 1 paiement\(s\) à affecter$/);
		expect(toUnassigned?.text).toContain(
			'42,00\u00a0€, payeur INCONNU ET FILS, réf. « VIR 4711 », client non identifié : Ni le code client',
		);
	});
});
