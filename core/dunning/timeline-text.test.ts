import { stageLabel } from './policyFields';
import {
	renderTimelineEvent,
	TIMELINE_EVENT_KEYS,
	timelineEvent,
	timelineSummary,
	type TimelineEventKey,
	type TimelineFields,
} from './timeline-text';

// The sentences the package writes, read in French; text typed by people and unknown kinds stay as written.
// Entries stored before events (no payload.timeline): the fallback reads their English sentence.
describe('timeline summaries in the reader’s language', () => {
	const fr = (kind: string, summary: string, payload: Record<string, unknown> = {}) =>
		timelineSummary({ kind, summary, payload }, 'fr');

	it('renders the package’s own sentences in French and keeps them in English', () => {
		expect(fr('reminder_sent', 'Stage level2 letter produced for invoice F-1')).toBe(
			'Relance 2 : courrier produit pour la facture F-1',
		);
		expect(
			fr(
				'reminder_sent',
				'Stage formal_notice letter for invoice F-1 written or printed (/files/letters/a.pdf)',
			),
		).toBe('Mise en demeure : courrier de la facture F-1 écrit ou imprimé (/files/letters/a.pdf)');
		expect(
			fr('reminder_sent', 'Stage call: call task #12 for no collector assigned about invoice F-1'),
		).toBe('Appel : appel n° 12 pour aucun chargé de recouvrement au sujet de la facture F-1');
		expect(
			fr('write_off', 'Small difference of 0,40 EUR written off on invoice F-1 (payment bank/V-1)'),
		).toBe('Écart de 0,40 EUR passé en perte sur la facture F-1 (paiement bank/V-1)');
		expect(fr('email_bounce', 'Hard bounce for a@b.example: mailbox unknown (5.1.1)')).toBe(
			'Rejet définitif pour a@b.example : mailbox unknown (5.1.1)',
		);
		expect(
			fr('email_delivered', 'Delivery report: stage level1 e-mail delivered to a@b.example'),
		).toBe('Accusé de livraison : e-mail Relance 1 remis à a@b.example');
		expect(
			fr('payment_settled', 'Payment bank/V-2 applied by hand to F-1, F-2: seen with the customer'),
		).toBe('Paiement bank/V-2 affecté à la main à F-1, F-2 : seen with the customer');
		expect(fr('email_voicemail', 'E-mail: voicemail (attempt 2) — rappeler lundi')).toBe(
			'E-mail : messagerie (tentative 2) — rappeler lundi',
		);
		expect(
			timelineSummary(
				{
					kind: 'write_off',
					summary: 'Small difference of 0,40 EUR written off on invoice F-1 (payment bank/V-1)',
				},
				'en',
			),
		).toBe('Small difference of 0,40 EUR written off on invoice F-1 (payment bank/V-1)');
	});

	it('names stages and dispute kinds in English entries stored before events', () => {
		const en = (kind: string, summary: string) => timelineSummary({ kind, summary }, 'en');
		expect(en('reminder_sent', 'Stage level2 letter produced for invoice F-1')).toBe(
			'Reminder 2 letter produced for invoice F-1',
		);
		expect(en('reminder_sent', 'Stage pre_due e-mail sent to a@b.example for invoice F-1')).toBe(
			'Pre-due notice e-mail sent to a@b.example for invoice F-1',
		);
		expect(
			en(
				'reminder_sent',
				'Stage level2: call task #12 for no collector assigned about invoice F-1',
			),
		).toBe('Reminder 2: call task #12 for no collector assigned about invoice F-1');
		expect(en('reminder_bounced', 'Reminder formal_notice (letter)')).toBe(
			'Formal notice (letter)',
		);
		expect(
			en('email_delivered', 'Delivery report: stage level1 e-mail delivered to a@b.example'),
		).toBe('Delivery report: Reminder 1 e-mail delivered to a@b.example');
		expect(
			en(
				'dispute_opened',
				'Dispute #7 opened (logistics / partial_delivery), owner LOG1, due 2025-10-30',
			),
		).toBe('Dispute #7 opened (Logistics / Partial delivery), owner LOG1, due 2025-10-30');
		expect(
			en('reminder_sent', 'Stage my_own_stage e-mail sent to a@b.example for invoice F-1'),
		).toBe('my own stage e-mail sent to a@b.example for invoice F-1');
		expect(en('call', 'Stage left as typed')).toBe('Stage left as typed');
		expect(
			fr(
				'dispute_opened',
				'Dispute #7 opened (logistics / partial_delivery), owner LOG1, due 2025-10-30',
			),
		).toBe(
			'Litige n° 7 ouvert (Logistique / Livraison incomplète), responsable LOG1, à traiter avant le 30/10/2025',
		);
	});

	it('uses the French stored with the entry, splits bilingual sentences, and keeps typed text and unknown kinds as written', () => {
		expect(
			fr('payer_answer', 'Payer asks to be called', {
				summaryFr: 'Le payeur demande à être rappelé',
			}),
		).toBe('Le payeur demande à être rappelé');
		expect(fr('lifecycle_status', '205 Approved', { messageFr: '205 Approuvée' })).toBe(
			'205 Approuvée',
		);
		expect(fr('wave_planned', 'Planned in wave W-1 / Prévue dans la tournée W-1')).toBe(
			'Prévue dans la tournée W-1',
		);
		expect(
			timelineSummary(
				{ kind: 'wave_planned', summary: 'Planned in wave W-1 / Prévue dans la tournée W-1' },
				'en',
			),
		).toBe('Planned in wave W-1');
		expect(fr('call', 'Promet un virement vendredi')).toBe('Promet un virement vendredi');
		expect(fr('something_new', 'Something new happened')).toBe('Something new happened');
		expect(fr('invoice_paid', 'Invoice F-1 paid in full on sometime')).toBe(
			'Invoice F-1 paid in full on sometime',
		);
	});
});

// Every event the package writes, with its fields, read in English and in French from the stored event.
const CASES: Record<TimelineEventKey, { fields: TimelineFields; en: string; fr: string }> = {
	reminder_email_sent: {
		fields: { stage: 'level1', recipients: ['a@b.example', 'c@b.example'], invoice: 'F-1' },
		en: 'Reminder 1 e-mail sent to a@b.example, c@b.example for invoice F-1',
		fr: 'Relance 1 : e-mail envoyé à a@b.example, c@b.example pour la facture F-1',
	},
	reminder_letter_produced: {
		fields: { stage: 'level2', invoice: 'F-1' },
		en: 'Reminder 2 letter produced for invoice F-1',
		fr: 'Relance 2 : courrier produit pour la facture F-1',
	},
	reminder_letter_confirmed: {
		fields: { stage: 'formal_notice', invoice: 'F-1', destination: '/files/letters/a.pdf' },
		en: 'Formal notice letter for invoice F-1 written or printed (/files/letters/a.pdf)',
		fr: 'Mise en demeure : courrier de la facture F-1 écrit ou imprimé (/files/letters/a.pdf)',
	},
	reminder_call_planned: {
		fields: { stage: 'call', taskId: '12', invoice: 'F-1' },
		en: 'Call: call task #12 for no collector assigned about invoice F-1',
		fr: 'Appel : appel n° 12 pour aucun chargé de recouvrement au sujet de la facture F-1',
	},
	reminder_failed: {
		fields: { stage: 'level1', channel: 'email', invoice: 'F-1', error: '550 mailbox unknown' },
		en: 'Reminder 1 e-mail for invoice F-1 failed: 550 mailbox unknown',
		fr: 'Relance 1 : e-mail de la facture F-1 en échec : 550 mailbox unknown',
	},
	reminder_retry: {
		fields: { stage: 'level3', channel: 'letter', invoice: 'F-1', error: 'printer offline' },
		en: 'Reminder 3 letter for invoice F-1 not sent for now (will retry): printer offline',
		fr: 'Relance 3 : courrier de la facture F-1 pas encore envoyé (nouvel essai) : printer offline',
	},
	reminder_outcome_unknown: {
		fields: { stage: 'pre_due', channel: 'email', invoice: 'F-1' },
		en: 'Pre-due notice e-mail for invoice F-1: outcome unknown (connection lost after the message was handed over)',
		fr: 'Avis avant échéance : e-mail de la facture F-1 : résultat inconnu (connexion perdue après la remise du message)',
	},
	letter_rendered: {
		fields: { stage: 'level2', invoice: 'F-1' },
		en: 'Reminder 2 letter rendered for invoice F-1, waiting to be written or printed',
		fr: "Relance 2 : courrier de la facture F-1 prêt, en attente d'écriture ou d'impression",
	},
	reminder_released: {
		fields: { stage: 'level2', channel: 'letter' },
		en: 'Reminder 2: the run that claimed it stopped before the letter was confirmed; released to be done again',
		fr: "Relance 2 : l'exécution qui l'avait prise s'est arrêtée avant la confirmation du courrier ; libérée pour être refaite",
	},
	reminder_uncertain: {
		fields: { stage: 'level1' },
		en: 'Reminder 1: the run stopped after handing the message over and before the answer; outcome unknown',
		fr: "Relance 1 : l'exécution s'est arrêtée après la remise du message et avant la réponse ; résultat inconnu",
	},
	reminder_reconciled: {
		fields: { stage: 'level1', invoice: 'F-1', decision: 'resend', note: 'checked the log' },
		en: 'Reminder 1 e-mail for invoice F-1 marked to resend (checked the log)',
		fr: 'Relance 1 : e-mail de la facture F-1 marqué à renvoyer (checked the log)',
	},
	email_delivered: {
		fields: { stage: 'level1', to: 'a@b.example' },
		en: 'Delivery report: Reminder 1 e-mail delivered to a@b.example',
		fr: 'Accusé de livraison : e-mail Relance 1 remis à a@b.example',
	},
	email_delivered_unknown: {
		fields: {},
		en: 'Delivery report for a message not in the ledger',
		fr: 'Accusé de livraison d’un message absent du grand livre',
	},
	email_bounce: {
		fields: { type: 'hard', address: 'a@b.example', reason: 'mailbox unknown', status: '5.1.1' },
		en: 'Hard bounce for a@b.example: mailbox unknown (5.1.1)',
		fr: 'Rejet définitif pour a@b.example : mailbox unknown (5.1.1)',
	},
	payment_received: {
		fields: { payment: 'bank/V-1', amountMinor: '123456', currency: 'MAD', on: '2025-10-22' },
		en: 'Payment bank/V-1 received: 1234.56 MAD on 2025-10-22',
		fr: 'Paiement bank/V-1 reçu : 1\u202f234,56\u00a0MAD le 22/10/2025',
	},
	payment_allocated: {
		fields: {
			payment: 'bank/V-1',
			amountMinor: '150000',
			currency: 'XOF',
			invoice: 'F-1',
			method: 'reference',
		},
		en: 'Payment bank/V-1: 150000 XOF allocated to invoice F-1 by reference',
		fr: 'Paiement bank/V-1 : 150\u202f000\u00a0XOF affecté à la facture F-1 par référence',
	},
	invoice_paid: {
		fields: { invoice: 'F-1', on: '2025-10-22' },
		en: 'Invoice F-1 paid in full on 2025-10-22',
		fr: 'Facture F-1 entièrement payée le 22/10/2025',
	},
	invoice_settled_write_off: {
		fields: { invoice: 'F-1', on: '2025-10-22', amountMinor: '40', currency: 'EUR' },
		en: 'Invoice F-1 settled on 2025-10-22 (0.40 EUR written off)',
		fr: 'Facture F-1 soldée le 22/10/2025 (0,40\u00a0€ passés en perte)',
	},
	write_off: {
		fields: { amountMinor: '40', currency: 'EUR', invoice: 'F-1', payment: 'bank/V-1' },
		en: 'Small difference of 0.40 EUR written off on invoice F-1 (payment bank/V-1)',
		fr: 'Écart de 0,40\u00a0€ passé en perte sur la facture F-1 (paiement bank/V-1)',
	},
	credit_note_applied: {
		fields: { creditNote: 'AV-1', invoice: 'F-1', payment: 'bank/V-1' },
		en: 'Credit note AV-1 applied to invoice F-1, deducted by payment bank/V-1',
		fr: 'Avoir AV-1 imputé sur la facture F-1, déduit par le paiement bank/V-1',
	},
	credit_note_link_refused: {
		fields: { creditNote: 'AV-1', invoice: 'F-1', reason: 'currency' },
		en: 'Credit note AV-1 not applied to invoice F-1: other currency',
		fr: 'Avoir AV-1 non imputé sur la facture F-1 : autre devise',
	},
	payment_flagged: {
		fields: { payment: 'bank/V-1', status: 'unapplied', code: 'NO_CUSTOMER' },
		en: 'Payment bank/V-1 unapplied: NO_CUSTOMER',
		fr: 'Paiement bank/V-1 non affecté : NO_CUSTOMER',
	},
	payment_settled: {
		fields: { payment: 'bank/V-2', invoices: ['F-1', 'F-2'], note: 'seen with the customer' },
		en: 'Payment bank/V-2 applied by hand to F-1, F-2: seen with the customer',
		fr: 'Paiement bank/V-2 affecté à la main à F-1, F-2 : seen with the customer',
	},
	invoice_revised: {
		fields: { invoice: 'F-1', revision: '2' },
		en: 'Invoice F-1 revised to revision 2',
		fr: 'Facture F-1 révisée (révision 2)',
	},
	dispute_opened: {
		fields: {
			disputeId: '7',
			category: 'logistics',
			subcategory: 'partial_delivery',
			owner: 'LOG1',
			dueOn: '2025-10-30',
		},
		en: 'Dispute #7 opened (Logistics / Partial delivery), owner LOG1, due 2025-10-30',
		fr: 'Litige n° 7 ouvert (Logistique / Livraison incomplète), responsable LOG1, à traiter avant le 30/10/2025',
	},
	dispute_resolved: {
		fields: { disputeId: '7', resolution: 'credit_note', rootCause: 'Price list not updated' },
		en: 'Dispute #7 resolved: credit note (Price list not updated)',
		fr: 'Litige n° 7 résolu : avoir (Price list not updated)',
	},
	dispute_invoice_added: {
		fields: { disputeId: '7' },
		en: 'Invoice joined open dispute #7',
		fr: 'Facture ajoutée au litige ouvert n° 7',
	},
	promise_kept: {
		fields: { promisedOn: '2025-10-24' },
		en: 'Promise to pay of 2025-10-24 kept',
		fr: 'Promesse de règlement du 24/10/2025 tenue',
	},
	promise_broken: {
		fields: { promisedOn: '2025-10-24' },
		en: 'Promise to pay of 2025-10-24 broken: not paid, dunning resumes',
		fr: 'Promesse de règlement du 24/10/2025 non tenue : impayée, les relances reprennent',
	},
	contact_confirmed: {
		fields: { by: 'call' },
		en: 'Quality call: invoice received, booked and conform; payment at due date confirmed',
		fr: "Appel qualité : facture reçue, saisie et conforme ; paiement à l'échéance confirmé",
	},
	contact_not_received: {
		fields: { by: 'email', resend: ['F-1', 'F-2'] },
		en: 'E-mail: invoice not received — to be sent again (F-1, F-2)',
		fr: 'E-mail : facture non reçue — à renvoyer (F-1, F-2)',
	},
	contact_received_not_booked: {
		fields: { by: 'call', notes: 'rappeler lundi' },
		en: 'Quality call: invoice received but not booked yet — rappeler lundi',
		fr: 'Appel qualité : facture reçue mais pas encore saisie — rappeler lundi',
	},
	contact_waiting_approval: {
		fields: { by: 'call' },
		en: 'Quality call: invoice waiting for approval',
		fr: 'Appel qualité : facture en attente de validation',
	},
	contact_dispute: {
		fields: { by: 'call', disputeId: '7', category: 'technical' },
		en: 'Quality call: dispute raised (#7, Technical)',
		fr: 'Appel qualité : litige signalé (n° 7, Technique)',
	},
	contact_promise: {
		fields: { by: 'call', promiseDate: '2025-10-24', amounts: ['500.00', '250.00'] },
		en: 'Quality call: promise to pay on 2025-10-24 (500.00 + 250.00)',
		fr: 'Appel qualité : promesse de règlement le 24/10/2025 (500.00 + 250.00)',
	},
	contact_payment_sent: {
		fields: { by: 'email', reference: 'VIR-9' },
		en: 'E-mail: payment announced as sent, reference VIR-9',
		fr: 'E-mail : paiement annoncé comme envoyé, référence VIR-9',
	},
	contact_voicemail: {
		fields: { by: 'call', attempt: 2 },
		en: 'Quality call: voicemail (attempt 2)',
		fr: 'Appel qualité : messagerie (tentative 2)',
	},
	contact_unreachable: {
		fields: { by: 'call', attempt: 3 },
		en: 'Quality call: unreachable (attempt 3)',
		fr: 'Appel qualité : injoignable (tentative 3)',
	},
	contact_wrong_contact: {
		fields: { by: 'call' },
		en: "Quality call: wrong contact — the customer's contact details need updating",
		fr: 'Appel qualité : mauvais contact — les coordonnées du client sont à mettre à jour',
	},
	payer_download: {
		fields: { file: 'proof_of_delivery', invoice: 'F-1' },
		en: 'Payer downloaded the proof of delivery of invoice F-1 (payer page)',
		fr: 'Le payeur a téléchargé la preuve de livraison de la facture F-1 (page payeur)',
	},
	payer_promise: {
		fields: { amountMinor: '50000', currency: 'EUR', promisedOn: '2025-10-24', invoice: 'F-1' },
		en: 'Payer promised 500.00 EUR on 2025-10-24 for invoice F-1 (payer page)',
		fr: 'Le payeur promet 500,00\u00a0€ le 24/10/2025 pour la facture F-1 (page payeur)',
	},
	payer_payment_declared: {
		fields: {
			amountMinor: '150000',
			currency: 'XOF',
			paidOn: '2025-10-20',
			invoice: 'F-1',
			reference: 'VIR-9',
			heldUntil: '2025-10-30',
			attachmentId: '12',
			attachmentFile: 'proof.pdf',
			attachmentType: 'application/pdf',
			attachmentBytes: 34816,
		},
		en: 'Payer declared a payment of 150000 XOF on 2025-10-20 for invoice F-1 (ref. VIR-9): dunning held until 2025-10-30 — attachment no. 12: proof.pdf (PDF, 34 KB)',
		fr: "Le payeur déclare un paiement de 150\u202f000\u00a0XOF le 20/10/2025 pour la facture F-1 (réf. VIR-9) : relances suspendues jusqu'au 30/10/2025 — pièce jointe n° 12 : proof.pdf (PDF, 34 Ko)",
	},
	payer_dispute: {
		fields: {
			invoice: 'F-1',
			category: 'logistics',
			reason: 'carton abîmé',
			currency: 'EUR',
			lines: '3. Emballage : 15,00 €',
			disputedMinor: '1500',
			restMinor: '6500',
		},
		en: 'Payer disputes invoice F-1 (lines 3. Emballage : 15,00 €, 15.00 EUR disputed, the rest (65.00 EUR) stays in dunning) (Logistics): carton abîmé',
		fr: 'Le payeur conteste la facture F-1 (lignes 3. Emballage : 15,00 €, 15,00\u00a0€ contestés, le reste (65,00\u00a0€) reste relancé) (Logistique) : carton abîmé',
	},
	payer_billing_email_requested: {
		fields: { email: 'new@b.example' },
		en: 'Payer asked to send reminders and invoices to new@b.example (changed once confirmed from that address)',
		fr: 'Le payeur demande que les relances et factures soient envoyées à new@b.example (changé une fois confirmé depuis cette adresse)',
	},
	payer_billing_email_changed: {
		fields: { previous: ['old@b.example'], email: 'new@b.example' },
		en: 'Billing e-mail changed from old@b.example to new@b.example, confirmed from the new address (payer page)',
		fr: 'Adresse de facturation changée de old@b.example en new@b.example, confirmée depuis la nouvelle adresse (page payeur)',
	},
	payer_copy_request: {
		fields: { invoice: 'F-1' },
		en: 'Payer asks for a copy of invoice F-1',
		fr: 'Le payeur demande une copie de la facture F-1',
	},
	payer_contact_request: {
		fields: {},
		en: 'Payer asks to be called',
		fr: 'Le payeur demande à être rappelé',
	},
	lifecycle_status: {
		fields: {
			statusCode: '207',
			invoice: 'F-1',
			reason: 'PRIX: prix erroné',
			amounts: ['MEN 120.00 EUR'],
		},
		en: 'Platform status 207 Disputed for invoice F-1 — PRIX: prix erroné (MEN 120.00 EUR)',
		fr: 'Statut plateforme 207 En litige pour la facture F-1 — PRIX: prix erroné (MEN 120.00 EUR)',
	},
	lifecycle_cashed_sent: {
		fields: { platform: 'PA Demo', invoice: 'F-1', receivedOn: '2026-10-05' },
		en: 'Status 212 Encaissée sent to PA Demo for invoice F-1 (received 2026-10-05)',
		fr: 'Statut 212 Encaissée envoyé à PA Demo pour la facture F-1 (encaissée le 05/10/2026)',
	},
	webhook_received: {
		fields: { source: 'pennylane', deliveryId: 'd-1', invoices: 2, payments: 1, rejected: 0 },
		en: 'Signed delivery d-1 from pennylane: 2 document(s), 1 payment(s), 0 rejected',
		fr: 'Envoi signé d-1 de pennylane : 2 document(s), 1 paiement(s), 0 refusé(s)',
	},
	reminder_logged: {
		fields: { stage: 'level1', channel: 'email' },
		en: 'Reminder 1 (e-mail)',
		fr: 'Relance 1 (e-mail)',
	},
	reminder_logged_bounced: {
		fields: { stage: 'pre_due', channel: 'email' },
		en: 'Pre-due notice (e-mail) bounced',
		fr: 'Avis avant échéance (e-mail) revenue en erreur',
	},
	promise_recorded: {
		fields: { promisedOn: '2025-10-24', amountMinor: '100000', currency: 'MAD' },
		en: 'Promise to pay on 2025-10-24 (1000.00 MAD)',
		fr: 'Promesse de règlement pour le 24/10/2025 (1\u202f000,00\u00a0MAD)',
	},
};

describe('timeline events rendered from their stored fields', () => {
	it('has a case for every event the package writes', () => {
		expect(Object.keys(CASES).sort()).toEqual([...TIMELINE_EVENT_KEYS].sort());
	});

	it.each(Object.entries(CASES))('%s reads in English and in French', (key, c) => {
		const written = timelineEvent(key as TimelineEventKey, c.fields);
		expect(written.summary).toBe(c.en);
		expect(renderTimelineEvent(written.timeline, 'en')).toBe(c.en);
		expect(renderTimelineEvent(written.timeline, 'fr')).toBe(c.fr);
		// as read back from the ledger: the stored event wins over the English sentence
		const payload = JSON.parse(JSON.stringify({ timeline: written.timeline })) as Record<
			string,
			unknown
		>;
		expect(timelineSummary({ kind: 'any', summary: written.summary, payload }, 'fr')).toBe(c.fr);
		expect(timelineSummary({ kind: 'any', summary: 'stale text', payload }, 'en')).toBe(c.en);
	});

	it('reads an entry whose event is unknown or damaged through its stored sentence', () => {
		expect(
			timelineSummary(
				{
					kind: 'invoice_paid',
					summary: 'Invoice F-1 paid in full on 2025-10-22',
					payload: { timeline: { key: 'no_such_event', fields: {} } },
				},
				'fr',
			),
		).toBe('Facture F-1 entièrement payée le 22/10/2025');
		expect(
			timelineSummary(
				{
					kind: 'invoice_paid',
					summary: 'Invoice F-1 paid in full on 2025-10-22',
					payload: { timeline: 'garbage' },
				},
				'en',
			),
		).toBe('Invoice F-1 paid in full on 2025-10-22');
	});
});

describe('stage names in both languages', () => {
	it('names every stage from the one stage table, in French and in English', () => {
		for (const [code, fr, en] of [
			['pre_due', 'Avis avant échéance', 'Pre-due notice'],
			['level1', 'Relance 1', 'Reminder 1'],
			['level3', 'Relance 3', 'Reminder 3'],
			['formal_notice', 'Mise en demeure', 'Formal notice'],
			['thank_you', 'Remerciement', 'Thank-you'],
			['call', 'Appel', 'Call'],
		]) {
			expect(stageLabel(code, 'fr')).toBe(fr);
			expect(stageLabel(code, 'en')).toBe(en);
			const event = timelineEvent('letter_rendered', { stage: code, invoice: 'F-1' }).timeline;
			expect(renderTimelineEvent(event, 'fr')).toBe(
				`${fr} : courrier de la facture F-1 prêt, en attente d'écriture ou d'impression`,
			);
			expect(renderTimelineEvent(event, 'en')).toBe(
				`${en} letter rendered for invoice F-1, waiting to be written or printed`,
			);
		}
		for (const language of ['fr', 'en'] as const) {
			const text = renderTimelineEvent(
				timelineEvent('reminder_email_sent', {
					stage: 'level1',
					recipients: ['a@b.example'],
					invoice: 'F-1',
				}).timeline,
				language,
			);
			expect(text).not.toMatch(/level1|pre_due|formal_notice/);
		}
	});

	it('names dispute categories, subcategories and resolutions in English too', () => {
		const opened = timelineEvent('dispute_opened', {
			disputeId: '3',
			category: 'administrative',
			subcategory: 'missing_po',
			owner: 'ADM',
			dueOn: '2025-11-02',
		}).timeline;
		expect(renderTimelineEvent(opened, 'en')).toBe(
			'Dispute #3 opened (Administrative / Purchase order missing), owner ADM, due 2025-11-02',
		);
		expect(renderTimelineEvent(opened, 'fr')).toBe(
			'Litige n° 3 ouvert (Administratif / Bon de commande manquant), responsable ADM, à traiter avant le 02/11/2025',
		);
		const resolved = timelineEvent('dispute_resolved', {
			disputeId: '3',
			resolution: 'corrected_invoice',
			rootCause: 'PO missing',
		}).timeline;
		expect(renderTimelineEvent(resolved, 'en')).toBe(
			'Dispute #3 resolved: corrected invoice (PO missing)',
		);
		expect(renderTimelineEvent(resolved, 'fr')).toBe(
			'Litige n° 3 résolu : facture corrigée (PO missing)',
		);
		// a company's own category is shown as written, in both languages
		const own = timelineEvent('contact_dispute', {
			by: 'email',
			disputeId: '4',
			category: 'site_access',
		}).timeline;
		expect(renderTimelineEvent(own, 'en')).toBe('E-mail: dispute raised (#4, site access)');
		expect(renderTimelineEvent(own, 'fr')).toBe('E-mail : litige signalé (n° 4, site access)');
	});
});

describe('entries the converted writers stored before events', () => {
	it('still reads the French stored with payer and platform entries, and the demo’s old sentences', () => {
		const read = (
			kind: string,
			summary: string,
			payload: Record<string, unknown>,
			language: 'fr' | 'en',
		) => timelineSummary({ kind, summary, payload }, language);
		expect(
			read(
				'payer_download',
				'Payer downloaded the copy of invoice F-1 (payer page)',
				{ summaryFr: 'Le payeur a téléchargé la copie de la facture F-1 (page payeur)' },
				'fr',
			),
		).toBe('Le payeur a téléchargé la copie de la facture F-1 (page payeur)');
		expect(
			read(
				'lifecycle_status',
				'Platform status 205 Approved for invoice F-1',
				{ messageFr: 'Statut plateforme 205 Approuvée pour la facture F-1' },
				'fr',
			),
		).toBe('Statut plateforme 205 Approuvée pour la facture F-1');
		expect(read('reminder_sent', 'Reminder level1 (email)', {}, 'fr')).toBe('Relance 1 (e-mail)');
		expect(read('reminder_sent', 'Reminder level1 (email)', {}, 'en')).toBe('Reminder 1 (e-mail)');
		expect(read('promise_recorded', 'Promise to pay on 2025-10-24', {}, 'fr')).toBe(
			'Promesse de règlement pour le 24/10/2025',
		);
		expect(
			read(
				'webhook_received',
				'Signed delivery d-1 from pennylane: 2 document(s), 1 payment(s), 0 rejected',
				{},
				'en',
			),
		).toBe('Signed delivery d-1 from pennylane: 2 document(s), 1 payment(s), 0 rejected');
	});

	it('a stored lifecycle status older than the current one says so in both languages', () => {
		const event = timelineEvent('lifecycle_status', {
			statusCode: '205',
			invoice: 'F-1',
			superseded: true,
		}).timeline;
		expect(renderTimelineEvent(event, 'en')).toBe(
			"Platform status 205 Approved for invoice F-1 (older than the invoice's current platform status: recorded, no other effect)",
		);
		expect(renderTimelineEvent(event, 'fr')).toBe(
			'Statut plateforme 205 Approuvée pour la facture F-1 (plus ancien que le statut plateforme actuel de la facture : enregistré, sans autre effet)',
		);
	});
});
