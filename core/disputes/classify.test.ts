import { classifyDispute } from '.';
import { findAmounts, findInvoiceNumbers } from './extract';
import { findDates, messageDay } from './promiseDate';
import { prepareText } from './text';

const AT = '2026-03-09T10:00:00+01:00'; // a Monday

describe('classifyDispute', () => {
	it('reads a negation: "not the delivery, the price" is a commercial price dispute', () => {
		const r = classifyDispute(
			"Bonjour,\nce n'est pas la livraison, c'est le prix : vous avez facturé 48 € au lieu des 42 € du devis.\nCordialement",
			{ receivedAt: AT },
		);
		expect(r).toMatchObject({ category: 'commercial', subcategory: 'price_error', language: 'fr' });
		expect(r.evidence).toContain('prix');
		expect(r.amounts).toEqual([
			{ amount: '48.00', currency: 'EUR', text: '48 €' },
			{ amount: '42.00', currency: 'EUR', text: '42 €' },
		]);
	});

	it('calls an out-of-office message an automatic reply even when it speaks of invoices and payments', () => {
		const r = classifyDispute(
			"Bonjour, je suis absente jusqu'au 16 mars. Pour les factures et les paiements, contactez compta@exemple.fr.\nRéponse automatique",
			{ receivedAt: AT },
		);
		expect(r.category).toBe('auto_reply');
		expect(r.promiseDate).toBeNull();
		const en = classifyDispute(
			'Automatic reply: Overdue invoice INV-2231\n\nI am out of the office until 20 March with no access to email.',
			{ receivedAt: AT },
		);
		expect(en).toMatchObject({ category: 'auto_reply', language: 'en' });
		expect(en.confidence).toBeGreaterThanOrEqual(0.9);
	});

	it('reads a payment already made, with its transfer reference, and ignores the quoted reminder', () => {
		const text = [
			'Bonjour,',
			'Le virement a été effectué hier, référence VIR-20260308-4471.',
			'Cordialement,',
			'Jean',
			'',
			'Le 06/03/2026 à 09:00, Recouvrement <relance@exemple.fr> a écrit :',
			'> Sans règlement de la facture F2026-0098 de 1 250,00 € nous engagerons une procédure pour litige.',
		].join('\n');
		const r = classifyDispute(text, { receivedAt: AT });
		expect(r).toMatchObject({
			category: 'payment_sent',
			paymentReference: 'VIR-20260308-4471',
			referencesFrom: 'quoted',
		});
		expect(r.invoiceNumbers).toEqual(['F2026-0098']);
	});

	it('resolves a promised date against the day the message was received', () => {
		const r = classifyDispute(
			'Bonjour, la facture est validée, le virement partira vendredi prochain.',
			{ receivedAt: AT },
		);
		expect(r).toMatchObject({
			category: 'payment_promise',
			subcategory: 'dated',
			promiseDate: '2026-03-13',
		});
		const en = classifyDispute('Hi, sorry for the delay, we will pay by the end of the month.', {
			receivedAt: AT,
		});
		expect(en).toMatchObject({ category: 'payment_promise', promiseDate: '2026-03-31' });
	});

	it('asks for a delay: the requested date is given too', () => {
		const r = classifyDispute(
			"Bonjour, pouvez-vous nous accorder un report d'échéance jusqu'à fin avril ? Notre trésorerie est tendue.",
			{ receivedAt: AT },
		);
		expect(r).toMatchObject({ category: 'delay_request', promiseDate: '2026-04-30' });
	});

	it('picks the dispute before the payment news and reports the other issue', () => {
		const r = classifyDispute(
			'Bonjour, la facture F-3301 a été payée le 2 mars. En revanche pour la F-3302 le prix du transport est faux : 380 € au lieu des 250 € prévus. Merci de corriger.',
			{ receivedAt: AT },
		);
		expect(r.category).toBe('commercial');
		expect(r.invoiceNumbers).toEqual(['F-3301', 'F-3302']);
	});

	it('understands regional business French and missing accents', () => {
		expect(
			classifyDispute(
				'Bonjour, la facture est au circuit de validation, on va voir ça et on revient vers vous.',
				{ receivedAt: AT },
			).category,
		).toBe('other');
		expect(
			classifyDispute(
				'bonjour on a jamais recu la marchandise, le transporteur dit que c est livre mais personne a signe',
				{ receivedAt: AT },
			).category,
		).toBe('logistics');
		const be = classifyDispute(
			'Bonjour, la facture est en ordre, elle sera payée endéans les 10 jours. Bien à vous',
			{ receivedAt: AT },
		);
		expect(be).toMatchObject({ category: 'payment_promise', promiseDate: '2026-03-19' });
	});

	it('is deterministic', () => {
		const text =
			'Hello, the goods arrived damaged, 3 boxes crushed. We will not pay until replaced.';
		expect(classifyDispute(text, { receivedAt: AT })).toEqual(
			classifyDispute(text, { receivedAt: AT }),
		);
	});

	describe('bad input', () => {
		it('says an empty message is empty', () => {
			const r = classifyDispute('   \n  ', { receivedAt: AT });
			expect(r).toMatchObject({
				category: 'other',
				subcategory: 'empty',
				confidence: 0,
				needsReview: true,
			});
			expect(r.notes.map((n) => n.code)).toEqual(['empty']);
		});

		it('does not read binary data', () => {
			const binary = Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 3, 0, 0xff, 0xfe, 0, 0, 7, 8, 9])
				.toString('latin1')
				.repeat(50);
			const r = classifyDispute(binary, { receivedAt: AT });
			expect(r).toMatchObject({
				category: 'other',
				subcategory: 'unreadable',
				needsReview: true,
				invoiceNumbers: [],
			});
			expect(r.notes[0].code).toBe('binary');
		});

		it('reads HTML-only mail as text, without its quoted part', () => {
			const html =
				'<html><body><p>Bonjour,</p><p>La commande n&deg; 7781 n&#39;a jamais &eacute;t&eacute; livr&eacute;e.</p><div class="gmail_quote"><blockquote>Votre facture F-7781 est impay&eacute;e. Nous avons bien re&ccedil;u votre virement.</blockquote></div></body></html>';
			const r = classifyDispute(html, { receivedAt: AT });
			expect(r.category).toBe('logistics');
			expect(r.notes.map((n) => n.code)).toContain('html');
			expect(r.invoiceNumbers).toEqual(['F-7781']);
		});

		it('truncates a huge message and says so', () => {
			const huge = `Bonjour, la marchandise est arrivée cassée. ${'Lorem ipsum dolor sit amet. '.repeat(20_000)}`;
			const r = classifyDispute(huge, { receivedAt: AT });
			expect(r.category).toBe('logistics');
			expect(r.notes.map((n) => n.code)).toContain('truncated');
		});

		it('repairs UTF-8 read as Latin-1', () => {
			const broken = Buffer.from(
				'Bonjour, la facture a déjà été réglée par virement le 2 mars. Merci de vérifier.',
				'utf8',
			).toString('latin1');
			const r = classifyDispute(broken, { receivedAt: AT });
			expect(r.notes.map((n) => n.code)).toContain('mis_encoded_repaired');
			expect(r.category).toBe('payment_sent');
		});

		it('never crashes on values that are not text', () => {
			for (const value of [null, undefined, 42, {}, []] as unknown[]) {
				const r = classifyDispute(value as string);
				expect(r.category).toBe('other');
				expect(r.needsReview).toBe(true);
			}
		});
	});
});

describe('promise dates', () => {
	const base = messageDay(AT);
	it.each([
		['vendredi prochain', '2026-03-13'],
		['fin du mois', '2026-03-31'],
		['end of month', '2026-03-31'],
		['next Tuesday', '2026-03-10'],
		['le 15', '2026-03-15'],
		['le 5', '2026-04-05'],
		['sous huitaine', '2026-03-17'],
		['sous quinzaine', '2026-03-24'],
		["d'ici 10 jours", '2026-03-19'],
		['within 5 business days', '2026-03-16'],
		['la semaine prochaine', '2026-03-20'],
		['fin avril', '2026-04-30'],
		['mi-avril', '2026-04-15'],
		['April 3rd', '2026-04-03'],
		['le 2 avril', '2026-04-02'],
		['15/04/2026', '2026-04-15'],
		['demain', '2026-03-10'],
		['fin du mois prochain', '2026-04-30'],
	])('"%s" → %s', (text, expected) => {
		expect(findDates(text, base)[0]?.date).toBe(expected);
	});

	it('uses the company day of an instant (a message at 23:30 UTC on the 9th is the 10th in Paris)', () => {
		expect(findDates('demain', messageDay('2026-03-09T23:30:00Z'))[0].date).toBe('2026-03-11');
	});
});

describe('extraction', () => {
	it('finds only the invoice numbers written, never others', () => {
		expect(
			findInvoiceNumbers(
				'Les factures 1452 et 1467 ont été réglées, la FA26-0471 est un doublon de la commande n° 7781.',
			),
		).toEqual(['1452', '1467', 'FA26-0471']);
		expect(
			findInvoiceNumbers('Invoice #INV-30158 duplicates INV-30112 (PO-77120, ticket #44817).'),
		).toEqual(['INV-30158', 'INV-30112']);
		expect(findInvoiceNumbers('La facture du 12/03/2026 de 1 250,00 € est contestée.')).toEqual([]);
	});

	it('reads amounts with their currency as decimal strings', () => {
		expect(
			findAmounts(
				'1 234,56 € puis EUR 4,250.00, 85 000 FCFA, 18 500 DH, $1,840.00 et £640.00 ; 5,600 EUR.',
			).map((a) => `${a.amount} ${a.currency}`),
		).toEqual([
			'1234.56 EUR',
			'4250.00 EUR',
			'85000 XOF',
			'18500.00 MAD',
			'1840.00 USD',
			'640.00 GBP',
			'5600.00 EUR',
		]);
	});

	it('separates the reply from quoted history and signature', () => {
		const p = prepareText(
			"Merci, c'est noté.\n\nCordialement,\nAnne Martin\nTél. 01 02 03 04 05\n\n-----Original Message-----\nFrom: AR <ar@x.com>\nSent: Monday\nSubject: Reminder\n\nInvoice INV-1 is overdue.",
		);
		expect(p.body).toBe("Merci, c'est noté.");
		expect(p.quoted).toContain('INV-1');
	});
});

describe('message day', () => {
	it('reads ISO dates and instants and e-mail Date headers in the company zone', () => {
		expect(messageDay('2026-03-09').toISODate()).toBe('2026-03-09');
		expect(messageDay('2026-03-09T23:30:00Z').toISODate()).toBe('2026-03-10');
		expect(messageDay('Mon, 9 Mar 2026 23:30:00 +0000 (UTC)').toISODate()).toBe('2026-03-10');
	});
});
