import { timelineSummary } from './timeline-text';

// The sentences the package writes, read in French; text typed by people and unknown kinds stay as written.
describe('timeline summaries in the reader’s language', () => {
	const fr = (kind: string, summary: string, payload: Record<string, unknown> = {}) => timelineSummary({ kind, summary, payload }, 'fr');

	it('renders the package’s own sentences in French and keeps them in English', () => {
		expect(fr('reminder_sent', 'Stage level2 letter produced for invoice F-1')).toBe('Relance niveau 2 : courrier produit pour la facture F-1');
		expect(fr('reminder_sent', 'Stage formal_notice letter for invoice F-1 written or printed (/files/letters/a.pdf)')).toBe('Relance mise en demeure : courrier de la facture F-1 écrit ou imprimé (/files/letters/a.pdf)');
		expect(fr('reminder_sent', 'Stage call: call task #12 for no collector assigned about invoice F-1')).toBe('Relance appel : appel n° 12 pour aucun chargé de recouvrement au sujet de la facture F-1');
		expect(fr('write_off', 'Small difference of 0,40 EUR written off on invoice F-1 (payment bank/V-1)')).toBe('Écart de 0,40 EUR passé en perte sur la facture F-1 (paiement bank/V-1)');
		expect(fr('email_bounce', 'Hard bounce for a@b.example: mailbox unknown (5.1.1)')).toBe('Rejet définitif pour a@b.example : mailbox unknown (5.1.1)');
		expect(fr('email_delivered', 'Delivery report: stage level1 e-mail delivered to a@b.example')).toBe('Accusé de livraison : e-mail de relance niveau 1 remis à a@b.example');
		expect(fr('payment_settled', 'Payment bank/V-2 applied by hand to F-1, F-2: seen with the customer')).toBe('Paiement bank/V-2 affecté à la main à F-1, F-2 : seen with the customer');
		expect(fr('email_voicemail', 'E-mail: voicemail (attempt 2) — rappeler lundi')).toBe('E-mail : messagerie (tentative 2) — rappeler lundi');
		expect(timelineSummary({ kind: 'write_off', summary: 'Small difference of 0,40 EUR written off on invoice F-1 (payment bank/V-1)' }, 'en')).toBe('Small difference of 0,40 EUR written off on invoice F-1 (payment bank/V-1)');
	});

	it('uses the French stored with the entry, splits bilingual sentences, and keeps typed text and unknown kinds as written', () => {
		expect(fr('payer_answer', 'Payer asks to be called', { summaryFr: 'Le payeur demande à être rappelé' })).toBe('Le payeur demande à être rappelé');
		expect(fr('lifecycle_status', '205 Approved', { messageFr: '205 Approuvée' })).toBe('205 Approuvée');
		expect(fr('wave_planned', 'Planned in wave W-1 / Prévue dans la tournée W-1')).toBe('Prévue dans la tournée W-1');
		expect(timelineSummary({ kind: 'wave_planned', summary: 'Planned in wave W-1 / Prévue dans la tournée W-1' }, 'en')).toBe('Planned in wave W-1');
		expect(fr('call', 'Promet un virement vendredi')).toBe('Promet un virement vendredi');
		expect(fr('something_new', 'Something new happened')).toBe('Something new happened');
		expect(fr('invoice_paid', 'Invoice F-1 paid in full on sometime')).toBe('Invoice F-1 paid in full on sometime');
	});
});
