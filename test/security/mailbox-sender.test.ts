// A forged customer reply: the shipped dispute inbox opens a dispute (and holds dunning) only for a reply from an
// address known for the customer; any other sender goes to the review queue, with nothing opened.
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { addDays, openDispute, senderAddress, todayIn } from '../../core';
import { addCustomer, addInvoice, seedStaff } from '../helpers/dunning';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, dunningTestLedger } from '../workflows/dunning-helpers';

function mail(messageId: string, from: string, text: string): IDataObject {
	return {
		textPlain: text,
		textHtml: '',
		subject: 'RE: Relance facture FV-SEC-0001',
		date: new Date().toUTCString(),
		from,
		metadata: { 'message-id': messageId },
		attributes: { uid: 1 },
	};
}

const DISPUTE =
	"Bonjour,\nLe problème c'est le prix de la facture FV-SEC-0001 : 14,50 € au lieu de 12,90 € du devis. Merci de corriger.\nCordialement";

describe('security: mailbox sender of a dispute', () => {
	const t = dunningTestLedger({ smtp: true });

	beforeAll(async () => {
		await seedStaff(t.ledger);
		const c = await addCustomer(t.ledger, {
			externalId: 'SEC-1',
			name: 'Atlas Froid SARL',
			emails: ['compta@atlas.example'],
			ccEmails: ['tresorerie@atlas.example'],
		});
		await addInvoice(t.ledger, {
			customerId: c,
			number: 'FV-SEC-0001',
			dueDate: addDays(todayIn('Europe/Paris'), -3),
			amount: 46635360n,
		});
	});

	test('a reply from an unknown address opens nothing and goes to the review queue; the known address opens the dispute', async () => {
		const workflow = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'disputes-inbox.json'));
		const forged = await runWorkflow(workflow, {
			credentials: credentialsFor(t.ledger, t.sink),
			triggerItems: [mail('<forged@attacker>', 'Atlas Compta <compta@atlas-example.net>', DISPUTE)],
		});
		expect(forged.error).toBeUndefined();
		expect(forged.json('Read the reply')[0].classification).toMatchObject({
			category: 'commercial',
		});
		expect(forged.json('E-mail the owner: dispute opened')).toEqual([]);
		const [refused] = forged.json('Open the dispute', 1);
		expect(refused).toMatchObject({
			code: 'DISPUTE_SENDER_UNKNOWN',
			error: expect.stringContaining('not an e-mail address known'),
			errorFr: expect.stringContaining('adresse connue'),
			details: { sender: 'compta@atlas-example.net', customer: 'SEC-1' },
		});
		expect(await t.ledger.query('SELECT id FROM disputes')).toEqual([]);
		expect(await t.ledger.query('SELECT source_ref, reason, status FROM dispute_reviews')).toEqual([
			{ source_ref: '<forged@attacker>', reason: 'dispute_sender_unknown', status: 'pending' },
		]);

		// The same words from the customer's copy address (any case, with a display name) open the dispute.
		const genuine = await runWorkflow(workflow, {
			credentials: credentialsFor(t.ledger, t.sink),
			triggerItems: [
				mail('<genuine@atlas>', 'Trésorerie Atlas <Tresorerie@Atlas.example>', DISPUTE),
			],
		});
		expect(genuine.error).toBeUndefined();
		expect(genuine.json('E-mail the owner: dispute opened')).toEqual([
			expect.objectContaining({
				status: 'opened',
				category: 'commercial',
				invoices: [expect.objectContaining({ number: 'FV-SEC-0001' })],
			}),
		]);
	});

	test('the rule in code: no sender, an empty one or a look-alike is refused; no sender given means no check', async () => {
		expect(senderAddress('Jean <Jean.Dupont@X.fr>')).toBe('jean.dupont@x.fr');
		expect(senderAddress('jean@x.fr')).toBe('jean@x.fr');
		expect(senderAddress('not an address')).toBeUndefined();
		for (const senderEmail of [
			'',
			'compta@atlas.example.evil.net',
			'compta@atlas.example <attacker@evil.net>',
		]) {
			await expect(
				openDispute(t.ledger, {
					invoices: ['FV-SEC-0001'],
					category: 'logistics',
					senderEmail,
					sourceRef: `code-${senderEmail}`,
					source: 'email',
				}),
			).rejects.toMatchObject({ code: 'DISPUTE_SENDER_UNKNOWN' });
		}
		await expect(
			openDispute(t.ledger, { invoices: ['FV-SEC-0001'], category: 'logistics', source: 'call' }),
		).resolves.toMatchObject({ status: 'opened' });
	});
});
