/**
 * A history entry's summary in the reader's language, rendered when it is read: the ledger stores one English
 * sentence made by the package from the entry's kind and details, so the French one is made from the same kind and
 * the same sentence (old entries read in French too). Entries that carry their French text (`summaryFr`,
 * `messageFr`) use it; bilingual sentences ("English / Français") are split; text typed by people stays as typed.
 */
export type TimelineLanguage = 'fr' | 'en';

type Rule = [RegExp, (m: RegExpMatchArray) => string];

const STAGE: Record<string, string> = { pre_due: 'préventive', level1: 'niveau 1', level2: 'niveau 2', level3: 'niveau 3', formal_notice: 'mise en demeure', call: 'appel' };
const stage = (s: string): string => STAGE[s] ?? s;
const what = (w: string): string => (w === 'letter' ? 'courrier' : 'e-mail');
const METHOD: Record<string, string> = { reference: 'référence', amount: 'montant', manual: 'main', oldest: 'ancienneté', invoice: 'facture' };

const RULES: Record<string, Rule[]> = {
	reminder_sent: [
		[/^Stage (\S+) letter produced for invoice (.+)$/, (m) => `Relance ${stage(m[1])} : courrier produit pour la facture ${m[2]}`],
		[/^Stage (\S+) e-mail sent to (.+) for invoice (.+)$/, (m) => `Relance ${stage(m[1])} : e-mail envoyé à ${m[2]} pour la facture ${m[3]}`],
		[/^Stage (\S+) letter for invoice (\S+) written or printed(?: \((.*)\))?$/, (m) => `Relance ${stage(m[1])} : courrier de la facture ${m[2]} écrit ou imprimé${m[3] ? ` (${m[3]})` : ''}`],
		[/^Stage (\S+): call task #(\S+) for (.+) about invoice (.+)$/, (m) => `Relance ${stage(m[1])} : appel n° ${m[2]} pour ${m[3] === 'no collector assigned' ? 'aucun chargé de recouvrement' : m[3]} au sujet de la facture ${m[4]}`],
		[/^Reminder (\S+) \((\w+)\)$/, (m) => `Relance ${stage(m[1])} (${what(m[2])})`],
	],
	reminder_failed: [[/^Stage (\S+) (e-mail|letter) for invoice (\S+) failed: (.*)$/, (m) => `Relance ${stage(m[1])} : ${what(m[2])} de la facture ${m[3]} en échec : ${m[4]}`]],
	reminder_retry: [[/^Stage (\S+) (e-mail|letter) for invoice (\S+) not sent for now \(will retry\): (.*)$/, (m) => `Relance ${stage(m[1])} : ${what(m[2])} de la facture ${m[3]} pas encore envoyé (nouvel essai) : ${m[4]}`]],
	reminder_bounced: [[/^Reminder (\S+) \((\w+)\)$/, (m) => `Relance ${stage(m[1])} (${what(m[2])}) revenue en erreur`]],
	letter_rendered: [[/^Stage (\S+) letter rendered for invoice (\S+), waiting to be written or printed$/, (m) => `Relance ${stage(m[1])} : courrier de la facture ${m[2]} prêt, en attente d'écriture ou d'impression`]],
	payment_received: [[/^Payment (\S+) received: (.+) on (\d{4}-\d{2}-\d{2})$/, (m) => `Paiement ${m[1]} reçu : ${m[2]} le ${frDay(m[3])}`]],
	payment_allocated: [[/^Payment (\S+): (.+) allocated to invoice (\S+) by (\S+)$/, (m) => `Paiement ${m[1]} : ${m[2]} affecté à la facture ${m[3]} par ${METHOD[m[4]] ?? m[4]}`]],
	invoice_paid: [[/^Invoice (\S+) paid in full on (\d{4}-\d{2}-\d{2})$/, (m) => `Facture ${m[1]} entièrement payée le ${frDay(m[2])}`]],
	credit_note_applied: [
		[/^Credit note (\S+) applied to invoice (\S+), deducted by payment (\S+)$/, (m) => `Avoir ${m[1]} imputé sur la facture ${m[2]}, déduit par le paiement ${m[3]}`],
		[/^Credit note (\S+) applied to invoice (\S+)$/, (m) => `Avoir ${m[1]} imputé sur la facture ${m[2]}`],
	],
	payment_flagged: [[/^Payment (\S+) (\S+): (\S+)$/, (m) => `Paiement ${m[1]} ${m[2] === 'unapplied' ? 'non affecté' : m[2] === 'flagged' ? 'signalé' : m[2]} : ${m[3]}`]],
	payment_settled: [[/^Payment (\S+) applied by hand to ([^:]+)(?:: (.*))?$/, (m) => `Paiement ${m[1]} affecté à la main à ${m[2]}${m[3] ? ` : ${m[3]}` : ''}`]],
	write_off: [[/^Small difference of (.+) written off on invoice (\S+) \(payment (\S+)\)$/, (m) => `Écart de ${m[1]} passé en perte sur la facture ${m[2]} (paiement ${m[3]})`]],
	email_delivered: [[/^Delivery report: stage (\S+) e-mail delivered(?: to (.+))?$/, (m) => `Accusé de livraison : e-mail de relance ${stage(m[1])} remis${m[2] ? ` à ${m[2]}` : ''}`]],
	email_bounce: [[/^(Hard|Soft|Complaint) bounce for (.+?): (.*)$/, (m) => `${m[1] === 'Hard' ? 'Rejet définitif' : m[1] === 'Soft' ? 'Rejet temporaire' : 'Plainte'} pour ${m[2] === 'an unknown address' ? 'une adresse inconnue' : m[2]} : ${m[3]}`]],
	reminder_uncertain: [[/^Stage (\S+): the run stopped after handing the message over and before the answer; outcome unknown$/, (m) => `Relance ${stage(m[1])} : l'exécution s'est arrêtée après la remise du message et avant la réponse ; résultat inconnu`]],
	reminder_released: [[/^Stage (\S+): the run that claimed it stopped before (the letter was confirmed|handing it over); released to be done again$/, (m) => `Relance ${stage(m[1])} : l'exécution qui l'avait prise s'est arrêtée avant ${m[2] === 'handing it over' ? 'de la remettre' : 'la confirmation du courrier'} ; libérée pour être refaite`]],
	invoice_revised: [[/^Invoice (\S+) revised to revision (\d+)$/, (m) => `Facture ${m[1]} révisée (révision ${m[2]})`]],
	dispute_opened: [[/^Dispute #(\d+) opened \((.+)\), owner (.+), due (\d{4}-\d{2}-\d{2})$/, (m) => `Litige n° ${m[1]} ouvert (${m[2]}), responsable ${m[3]}, à traiter avant le ${frDay(m[4])}`]],
	dispute_resolved: [[/^Dispute #(\d+) resolved: (.+)$/, (m) => `Litige n° ${m[1]} résolu : ${m[2]}`]],
	dispute_invoice_added: [[/^Invoice joined open dispute #(\d+)$/, (m) => `Facture ajoutée au litige ouvert n° ${m[1]}`]],
	promise_kept: [[/^Promise to pay of (\S+) kept$/, (m) => `Promesse de règlement du ${frDay(m[1])} tenue`]],
	promise_broken: [[/^Promise to pay of (\S+) broken: not paid, dunning resumes$/, (m) => `Promesse de règlement du ${frDay(m[1])} non tenue : impayée, les relances reprennent`]],
	promise_recorded: [[/^Promise to pay on (\S+)$/, (m) => `Promesse de règlement pour le ${frDay(m[1])}`]],
};

/** Call and e-mail outcomes (`call_promise`, `email_dispute`…): "Quality call: …" / "E-mail: …". */
const OUTCOME_RULES: Rule[] = [
	[/^(Quality call|E-mail): invoice received, booked and conform; payment at due date confirmed(.*)$/, (m) => `${by(m[1])} : facture reçue, saisie et conforme ; paiement à l'échéance confirmé${rest(m[2])}`],
	[/^(Quality call|E-mail): invoice not received — to be sent again \((.*)\)(.*)$/, (m) => `${by(m[1])} : facture non reçue — à renvoyer (${m[2]})${rest(m[3])}`],
	[/^(Quality call|E-mail): invoice received but not booked yet(.*)$/, (m) => `${by(m[1])} : facture reçue mais pas encore saisie${rest(m[2])}`],
	[/^(Quality call|E-mail): invoice waiting for approval(.*)$/, (m) => `${by(m[1])} : facture en attente de validation${rest(m[2])}`],
	[/^(Quality call|E-mail): dispute raised(?: \(#(\d+), ([^)]+)\))?(.*)$/, (m) => `${by(m[1])} : litige signalé${m[2] ? ` (n° ${m[2]}, ${m[3]})` : ''}${rest(m[4])}`],
	[/^(Quality call|E-mail): promise to pay on (\d{4}-\d{2}-\d{2})(.*)$/, (m) => `${by(m[1])} : promesse de règlement le ${frDay(m[2])}${rest(m[3])}`],
	[/^(Quality call|E-mail): payment announced as sent(?:, reference (.+?))?( — .*)?$/, (m) => `${by(m[1])} : paiement annoncé comme envoyé${m[2] ? `, référence ${m[2]}` : ''}${rest(m[3] ?? '')}`],
	[/^(Quality call|E-mail): voicemail \(attempt (\d+)\)(.*)$/, (m) => `${by(m[1])} : messagerie (tentative ${m[2]})${rest(m[3])}`],
	[/^(Quality call|E-mail): unreachable \(attempt (\d+)\)(.*)$/, (m) => `${by(m[1])} : injoignable (tentative ${m[2]})${rest(m[3])}`],
	[/^(Quality call|E-mail): wrong contact — the customer's contact details need updating(.*)$/, (m) => `${by(m[1])} : mauvais contact — les coordonnées du client sont à mettre à jour${rest(m[2])}`],
];

function by(w: string): string {
	return w === 'E-mail' ? 'E-mail' : 'Appel qualité';
}
function rest(s: string): string {
	return s ?? '';
}
function frDay(iso: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** Kinds whose stored sentence is "English / Français". */
const BILINGUAL = new Set(['wave_planned', 'wave_released', 'delivered', 'courier_event']);

export function timelineSummary(entry: { kind: string; summary: string; payload?: Record<string, unknown> | null }, language: TimelineLanguage): string {
	const summary = String(entry.summary ?? '');
	const payload = entry.payload ?? {};
	if (BILINGUAL.has(entry.kind) && summary.includes(' / ')) {
		const at = summary.indexOf(' / ');
		return language === 'fr' ? summary.slice(at + 3) : summary.slice(0, at);
	}
	if (language === 'en') return summary;
	for (const key of ['summaryFr', 'messageFr']) {
		const text = payload[key];
		if (typeof text === 'string' && text.trim()) return text;
	}
	const rules = RULES[entry.kind] ?? (/^(call|email)_/.test(entry.kind) ? OUTCOME_RULES : []);
	for (const [pattern, render] of rules) {
		const m = summary.match(pattern);
		if (m) return render(m);
	}
	return summary;
}
