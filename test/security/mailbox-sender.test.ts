// A forged customer reply: the shipped dispute inbox opens a dispute (and holds dunning) only for a reply from an
// address known for the customer; any other sender goes to the review queue, with nothing opened.
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { addDays, openDispute, senderAddress, todayIn, type Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { closeEngine, loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { credentialsFor, dunningLedger } from '../workflows/dunning-helpers';

function mail(messageId: string, from: string, text: string): IDataObject {
	return { textPlain: text, textHtml: '', subject: 'RE: Relance facture FV-SEC-0001', date: new Date().toUTCString(), from, metadata: { 'message-id': messageId }, attributes: { uid: 1 } };
}

const DISPUTE = "Bonjour,\nLe problème c'est le prix de la facture FV-SEC-0001 : 14,50 € au lieu de 12,90 € du devis. Merci de corriger.\nCordialement";

describe('security: mailbox sender of a dispute', () => {
	let ledger: Ledger;
	let sink: SmtpSink;

	beforeAll(async () => {
		ledger = await dunningLedger();
		sink = await startSmtpSink();
		await seedStaff(ledger);
		const c = await addCustomer(ledger, { externalId: 'SEC-1', name: 'Atlas Froid SARL', emails: ['compta@atlas.example'], ccEmails: ['tresorerie@atlas.example'] });
		await addInvoice(ledger, { customerId: c, number: 'FV-SEC-0001', dueDate: addDays(todayIn('Europe/Paris'), -3), amount: 46635360n });
	});
	afterAll(async () => {
		await sink.close();
		await closeEngine();
		await dropTestLedger(ledger);
	});

	test('a reply from an unknown address opens nothing and goes to the review queue; the known address opens the dispute', async () => {
		const workflow = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'disputes-inbox.json'));
		const forged = await runWorkflow(workflow, { credentials: credentialsFor(ledger, sink), triggerItems: [mail('<forged@attacker>', 'Atlas Compta <compta@atlas-example.net>', DISPUTE)] });
		expect(forged.error).toBeUndefined();
		expect(forged.json('Read the reply')[0].classification).toMatchObject({ category: 'commercial' });
		expect(forged.json('E-mail the owner: dispute opened')).toEqual([]);
		const [refused] = forged.json('Open the dispute', 1);
		expect(refused).toMatchObject({ code: 'DISPUTE_SENDER_UNKNOWN', error: expect.stringContaining('not an e-mail address known'), errorFr: expect.stringContaining('adresse connue'), details: { sender: 'compta@atlas-example.net', customer: 'SEC-1' } });
		expect(await ledger.query('SELECT id FROM disputes')).toEqual([]);
		expect(await ledger.query('SELECT source_ref, reason, status FROM dispute_reviews')).toEqual([{ source_ref: '<forged@attacker>', reason: 'dispute_sender_unknown', status: 'pending' }]);

		// The same words from the customer's copy address (any case, with a display name) open the dispute.
		const genuine = await runWorkflow(workflow, { credentials: credentialsFor(ledger, sink), triggerItems: [mail('<genuine@atlas>', 'Trésorerie Atlas <Tresorerie@Atlas.example>', DISPUTE)] });
		expect(genuine.error).toBeUndefined();
		expect(genuine.json('E-mail the owner: dispute opened')).toEqual([expect.objectContaining({ status: 'opened', category: 'commercial', invoices: [expect.objectContaining({ number: 'FV-SEC-0001' })] })]);
	});

	test('the rule in code: no sender, an empty one or a look-alike is refused; no sender given means no check', async () => {
		expect(senderAddress('Jean <Jean.Dupont@X.fr>')).toBe('jean.dupont@x.fr');
		expect(senderAddress('jean@x.fr')).toBe('jean@x.fr');
		expect(senderAddress('not an address')).toBeUndefined();
		for (const senderEmail of ['', 'compta@atlas.example.evil.net', 'compta@atlas.example <attacker@evil.net>']) {
			await expect(openDispute(ledger, { invoices: ['FV-SEC-0001'], category: 'logistics', senderEmail, sourceRef: `code-${senderEmail}`, source: 'email' }))
				.rejects.toMatchObject({ code: 'DISPUTE_SENDER_UNKNOWN' });
		}
		await expect(openDispute(ledger, { invoices: ['FV-SEC-0001'], category: 'logistics', source: 'call' })).resolves.toMatchObject({ status: 'opened' });
	});
});
