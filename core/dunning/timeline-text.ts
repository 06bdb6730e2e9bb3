/**
 * A history entry's summary in the reader's language, rendered when it is read. Entries the package writes carry a
 * structured event in their payload (`payload.timeline = { key, fields }`): it is rendered from the FR/EN templates
 * below in the page's language (the English rendering is also stored as the row's summary, for tools that read the
 * table). Older entries, written before the event was stored, are read through the fallback further down: the French
 * made from their kind and English sentence. Entries that carry their French text (`summaryFr`, `messageFr`) use it;
 * bilingual sentences ("English / Français") are split; text typed by people stays as typed.
 */
import { disputeCategoryLabel, disputeSubcategoryLabel } from '../disputes/labels';
import { formatAmount, formatMoney } from '../money/money';
import { lifecycleStatus } from '../einvoicing/statuses';
import { attachmentLabel, type PayerAttachmentRef } from '../payer/attachments';
import { stageLabel } from './policyFields';

export type TimelineLanguage = 'fr' | 'en';

type Rule = [RegExp, (m: RegExpMatchArray) => string];

const stage = (s: string): string => stageLabel(s, 'fr');
const what = (w: string): string => (w === 'letter' ? 'courrier' : 'e-mail');
const METHOD: Record<string, string> = {
	reference: 'référence',
	amount: 'montant',
	manual: 'main',
	oldest: 'ancienneté',
	invoice: 'facture',
};

/** Entries stored before events (legacy sentences), by kind. */
const RULES: Record<string, Rule[]> = {
	reminder_sent: [
		[
			/^Stage (\S+) letter produced for invoice (.+)$/,
			(m) => `${stage(m[1])} : courrier produit pour la facture ${m[2]}`,
		],
		[
			/^Stage (\S+) e-mail sent to (.+) for invoice (.+)$/,
			(m) => `${stage(m[1])} : e-mail envoyé à ${m[2]} pour la facture ${m[3]}`,
		],
		[
			/^Stage (\S+) letter for invoice (\S+) written or printed(?: \((.*)\))?$/,
			(m) =>
				`${stage(m[1])} : courrier de la facture ${m[2]} écrit ou imprimé${m[3] ? ` (${m[3]})` : ''}`,
		],
		[
			/^Stage (\S+): call task #(\S+) for (.+) about invoice (.+)$/,
			(m) =>
				`${stage(m[1])} : appel n° ${m[2]} pour ${m[3] === 'no collector assigned' ? 'aucun chargé de recouvrement' : m[3]} au sujet de la facture ${m[4]}`,
		],
		[/^Reminder (\S+) \((\w+)\)$/, (m) => `${stage(m[1])} (${what(m[2])})`],
	],
	reminder_failed: [
		[
			/^Stage (\S+) (e-mail|letter) for invoice (\S+) failed: (.*)$/,
			(m) => `${stage(m[1])} : ${what(m[2])} de la facture ${m[3]} en échec : ${m[4]}`,
		],
	],
	reminder_retry: [
		[
			/^Stage (\S+) (e-mail|letter) for invoice (\S+) not sent for now \(will retry\): (.*)$/,
			(m) =>
				`${stage(m[1])} : ${what(m[2])} de la facture ${m[3]} pas encore envoyé (nouvel essai) : ${m[4]}`,
		],
	],
	reminder_bounced: [
		[/^Reminder (\S+) \((\w+)\)$/, (m) => `${stage(m[1])} (${what(m[2])}) revenue en erreur`],
	],
	letter_rendered: [
		[
			/^Stage (\S+) letter rendered for invoice (\S+), waiting to be written or printed$/,
			(m) =>
				`${stage(m[1])} : courrier de la facture ${m[2]} prêt, en attente d'écriture ou d'impression`,
		],
	],
	payment_received: [
		[
			/^Payment (\S+) received: (.+) on (\d{4}-\d{2}-\d{2})$/,
			(m) => `Paiement ${m[1]} reçu : ${m[2]} le ${frDay(m[3])}`,
		],
	],
	payment_allocated: [
		[
			/^Payment (\S+): (.+) allocated to invoice (\S+) by (\S+)$/,
			(m) => `Paiement ${m[1]} : ${m[2]} affecté à la facture ${m[3]} par ${METHOD[m[4]] ?? m[4]}`,
		],
	],
	invoice_paid: [
		[
			/^Invoice (\S+) paid in full on (\d{4}-\d{2}-\d{2})$/,
			(m) => `Facture ${m[1]} entièrement payée le ${frDay(m[2])}`,
		],
	],
	credit_note_applied: [
		[
			/^Credit note (\S+) applied to invoice (\S+), deducted by payment (\S+)$/,
			(m) => `Avoir ${m[1]} imputé sur la facture ${m[2]}, déduit par le paiement ${m[3]}`,
		],
		[
			/^Credit note (\S+) applied to invoice (\S+)$/,
			(m) => `Avoir ${m[1]} imputé sur la facture ${m[2]}`,
		],
	],
	payment_flagged: [
		[
			/^Payment (\S+) (\S+): (\S+)$/,
			(m) =>
				`Paiement ${m[1]} ${m[2] === 'unapplied' ? 'non affecté' : m[2] === 'flagged' ? 'signalé' : m[2]} : ${m[3]}`,
		],
	],
	payment_settled: [
		[
			/^Payment (\S+) applied by hand to ([^:]+)(?:: (.*))?$/,
			(m) => `Paiement ${m[1]} affecté à la main à ${m[2]}${m[3] ? ` : ${m[3]}` : ''}`,
		],
	],
	write_off: [
		[
			/^Small difference of (.+) written off on invoice (\S+) \(payment (\S+)\)$/,
			(m) => `Écart de ${m[1]} passé en perte sur la facture ${m[2]} (paiement ${m[3]})`,
		],
	],
	email_delivered: [
		[
			/^Delivery report: stage (\S+) e-mail delivered(?: to (.+))?$/,
			(m) => `Accusé de livraison : e-mail ${stage(m[1])} remis${m[2] ? ` à ${m[2]}` : ''}`,
		],
	],
	email_bounce: [
		[
			/^(Hard|Soft|Complaint) bounce for (.+?): (.*)$/,
			(m) =>
				`${m[1] === 'Hard' ? 'Rejet définitif' : m[1] === 'Soft' ? 'Rejet temporaire' : 'Plainte'} pour ${m[2] === 'an unknown address' ? 'une adresse inconnue' : m[2]} : ${m[3]}`,
		],
	],
	reminder_uncertain: [
		[
			/^Stage (\S+): the run stopped after handing the message over and before the answer; outcome unknown$/,
			(m) =>
				`${stage(m[1])} : l'exécution s'est arrêtée après la remise du message et avant la réponse ; résultat inconnu`,
		],
	],
	reminder_released: [
		[
			/^Stage (\S+): the run that claimed it stopped before (the letter was confirmed|handing it over); released to be done again$/,
			(m) =>
				`${stage(m[1])} : l'exécution qui l'avait prise s'est arrêtée avant ${m[2] === 'handing it over' ? 'de la remettre' : 'la confirmation du courrier'} ; libérée pour être refaite`,
		],
	],
	invoice_revised: [
		[
			/^Invoice (\S+) revised to revision (\d+)$/,
			(m) => `Facture ${m[1]} révisée (révision ${m[2]})`,
		],
	],
	dispute_opened: [
		[
			/^Dispute #(\d+) opened \((.+)\), owner (.+), due (\d{4}-\d{2}-\d{2})$/,
			(m) =>
				`Litige n° ${m[1]} ouvert (${disputeKind(m[2])}), responsable ${m[3]}, à traiter avant le ${frDay(m[4])}`,
		],
	],
	dispute_resolved: [
		[/^Dispute #(\d+) resolved: (.+)$/, (m) => `Litige n° ${m[1]} résolu : ${m[2]}`],
	],
	dispute_invoice_added: [
		[/^Invoice joined open dispute #(\d+)$/, (m) => `Facture ajoutée au litige ouvert n° ${m[1]}`],
	],
	promise_kept: [
		[/^Promise to pay of (\S+) kept$/, (m) => `Promesse de règlement du ${frDay(m[1])} tenue`],
	],
	promise_broken: [
		[
			/^Promise to pay of (\S+) broken: not paid, dunning resumes$/,
			(m) => `Promesse de règlement du ${frDay(m[1])} non tenue : impayée, les relances reprennent`,
		],
	],
	promise_recorded: [
		[/^Promise to pay on (\S+)$/, (m) => `Promesse de règlement pour le ${frDay(m[1])}`],
	],
};

/** Entries stored before events, read in English: their stage and dispute codes named as people read them. */
const EN_RULES: Rule[] = [
	[/^Stage (\S+?)(:?) (.*)$/, (m) => `${stageLabel(m[1], 'en')}${m[2]} ${m[3]}`],
	[
		/^Delivery report: stage (\S+) (.*)$/,
		(m) => `Delivery report: ${stageLabel(m[1], 'en')} ${m[2]}`,
	],
	[
		/^Reminder (\S+) \((\w+)\)$/,
		(m) => `${stageLabel(m[1], 'en')} (${m[2] === 'letter' ? 'letter' : 'e-mail'})`,
	],
	[
		/^Dispute #(\d+) opened \((.+?)\), (.*)$/,
		(m) => `Dispute #${m[1]} opened (${disputeKind(m[2], 'en')}), ${m[3]}`,
	],
];

// ---------------------------------------------------------------------------------------------------------------
// Structured events: what the package writes now.

/** A field of an event: text, a number, a list of texts, or absent. */
export type TimelineField = string | number | boolean | string[] | null | undefined;
export type TimelineFields = Record<string, TimelineField>;

/** What is stored in `payload.timeline`. */
export interface TimelineEvent {
	key: TimelineEventKey;
	fields: TimelineFields;
}

type Template = (f: Reader) => string;

/** Reads an event's fields for one language (dates, amounts, stages, channels in that language). */
class Reader {
	constructor(
		private readonly fields: TimelineFields,
		readonly language: TimelineLanguage,
	) {}
	text(name: string): string {
		const v = this.fields[name];
		if (Array.isArray(v)) return v.join(', ');
		return v === null || v === undefined ? '' : String(v);
	}
	list(name: string, separator: string): string {
		const v = this.fields[name];
		return Array.isArray(v) ? v.join(separator) : this.text(name);
	}
	has(name: string): boolean {
		const v = this.fields[name];
		return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
	}
	stage(name = 'stage'): string {
		return stageLabel(this.text(name), this.language);
	}
	what(name = 'channel'): string {
		const c = this.text(name);
		return c === 'letter' ? (this.language === 'fr' ? 'courrier' : 'letter') : 'e-mail';
	}
	day(name: string): string {
		const d = this.text(name);
		return this.language === 'fr' ? frDay(d) : d;
	}
	/** Amount from `<prefix>Minor` and `currency`: "1 234,56 MAD" in French, "1234.56 MAD" in English. */
	money(name = 'amountMinor', currency = 'currency'): string {
		const raw = this.text(name);
		const cur = this.text(currency);
		if (!/^-?\d+$/.test(raw) || !cur) return raw;
		return this.language === 'fr'
			? formatMoney(BigInt(raw), cur, 'fr')
			: `${formatAmount(BigInt(raw), cur)} ${cur}`;
	}
}

/** " — attachment no. 12: proof.pdf (PDF, 34 KB)" when the answer came with a file. */
const attached = (f: Reader): string => {
	if (!f.has('attachmentId')) return '';
	const ref = {
		attachmentId: f.text('attachmentId'),
		fileName: f.text('attachmentFile'),
		contentType: f.text('attachmentType'),
		sizeBytes: Number(f.text('attachmentBytes')),
	} as PayerAttachmentRef;
	return f.language === 'fr'
		? ` — pièce jointe n° ${ref.attachmentId} : ${attachmentLabel(ref, 'fr')}`
		: ` — attachment no. ${ref.attachmentId}: ${attachmentLabel(ref, 'en')}`;
};

const EN_FR = (en: Template, fr: Template): Record<TimelineLanguage, Template> => ({ en, fr });
const note = (f: Reader, name = 'notes'): string => (f.has(name) ? ` — ${f.text(name)}` : '');
const who = (f: Reader): string =>
	f.text('by') === 'email' ? 'E-mail' : f.language === 'fr' ? 'Appel qualité' : 'Quality call';

/** Every event the package writes, with its English and French template. */
const EVENTS = {
	reminder_email_sent: EN_FR(
		(f) => `${f.stage()} e-mail sent to ${f.text('recipients')} for invoice ${f.text('invoice')}`,
		(f) =>
			`${f.stage()} : e-mail envoyé à ${f.text('recipients')} pour la facture ${f.text('invoice')}`,
	),
	reminder_letter_produced: EN_FR(
		(f) => `${f.stage()} letter produced for invoice ${f.text('invoice')}`,
		(f) => `${f.stage()} : courrier produit pour la facture ${f.text('invoice')}`,
	),
	reminder_letter_confirmed: EN_FR(
		(f) =>
			`${f.stage()} letter for invoice ${f.text('invoice')} written or printed${f.has('destination') ? ` (${f.text('destination')})` : ''}`,
		(f) =>
			`${f.stage()} : courrier de la facture ${f.text('invoice')} écrit ou imprimé${f.has('destination') ? ` (${f.text('destination')})` : ''}`,
	),
	reminder_call_planned: EN_FR(
		(f) =>
			`${f.stage()}: call task #${f.text('taskId')} for ${f.has('collector') ? f.text('collector') : 'no collector assigned'} about invoice ${f.text('invoice')}`,
		(f) =>
			`${f.stage()} : appel n° ${f.text('taskId')} pour ${f.has('collector') ? f.text('collector') : 'aucun chargé de recouvrement'} au sujet de la facture ${f.text('invoice')}`,
	),
	reminder_failed: EN_FR(
		(f) => `${f.stage()} ${f.what()} for invoice ${f.text('invoice')} failed: ${f.text('error')}`,
		(f) =>
			`${f.stage()} : ${f.what()} de la facture ${f.text('invoice')} en échec : ${f.text('error')}`,
	),
	reminder_retry: EN_FR(
		(f) =>
			`${f.stage()} ${f.what()} for invoice ${f.text('invoice')} not sent for now (will retry): ${f.text('error')}`,
		(f) =>
			`${f.stage()} : ${f.what()} de la facture ${f.text('invoice')} pas encore envoyé (nouvel essai) : ${f.text('error')}`,
	),
	reminder_outcome_unknown: EN_FR(
		(f) =>
			`${f.stage()} ${f.what()} for invoice ${f.text('invoice')}: outcome unknown (${f.has('error') ? f.text('error') : 'connection lost after the message was handed over'})`,
		(f) =>
			`${f.stage()} : ${f.what()} de la facture ${f.text('invoice')} : résultat inconnu (${f.has('error') ? f.text('error') : 'connexion perdue après la remise du message'})`,
	),
	letter_rendered: EN_FR(
		(f) =>
			`${f.stage()} letter rendered for invoice ${f.text('invoice')}, waiting to be written or printed`,
		(f) =>
			`${f.stage()} : courrier de la facture ${f.text('invoice')} prêt, en attente d'écriture ou d'impression`,
	),
	reminder_released: EN_FR(
		(f) =>
			`${f.stage()}: the run that claimed it stopped before ${f.text('channel') === 'letter' ? 'the letter was confirmed' : 'handing it over'}; released to be done again`,
		(f) =>
			`${f.stage()} : l'exécution qui l'avait prise s'est arrêtée avant ${f.text('channel') === 'letter' ? 'la confirmation du courrier' : 'de la remettre'} ; libérée pour être refaite`,
	),
	reminder_uncertain: EN_FR(
		(f) =>
			`${f.stage()}: the run stopped after handing the message over and before the answer; outcome unknown`,
		(f) =>
			`${f.stage()} : l'exécution s'est arrêtée après la remise du message et avant la réponse ; résultat inconnu`,
	),
	reminder_reconciled: EN_FR(
		(f) =>
			`${f.stage()} e-mail for invoice ${f.text('invoice')} ${f.text('decision') === 'sent' ? 'confirmed as sent' : 'marked to resend'}${f.has('note') ? ` (${f.text('note')})` : ''}`,
		(f) =>
			`${f.stage()} : e-mail de la facture ${f.text('invoice')} ${f.text('decision') === 'sent' ? 'confirmé comme envoyé' : 'marqué à renvoyer'}${f.has('note') ? ` (${f.text('note')})` : ''}`,
	),
	email_delivered: EN_FR(
		(f) =>
			`Delivery report: ${f.stage()} e-mail delivered${f.has('to') ? ` to ${f.text('to')}` : ''}`,
		(f) =>
			`Accusé de livraison : e-mail ${f.stage()} remis${f.has('to') ? ` à ${f.text('to')}` : ''}`,
	),
	email_delivered_unknown: EN_FR(
		() => 'Delivery report for a message not in the ledger',
		() => 'Accusé de livraison d’un message absent du grand livre',
	),
	email_bounce: EN_FR(
		(f) =>
			`${({ hard: 'Hard', complaint: 'Complaint' } as Record<string, string>)[f.text('type')] ?? 'Soft'} bounce for ${f.has('address') ? f.text('address') : 'an unknown address'}: ${f.text('reason')}${f.has('status') ? ` (${f.text('status')})` : ''}`,
		(f) =>
			`${({ hard: 'Rejet définitif', complaint: 'Plainte' } as Record<string, string>)[f.text('type')] ?? 'Rejet temporaire'} pour ${f.has('address') ? f.text('address') : 'une adresse inconnue'} : ${f.text('reason')}${f.has('status') ? ` (${f.text('status')})` : ''}`,
	),
	payment_received: EN_FR(
		(f) => `Payment ${f.text('payment')} received: ${f.money()} on ${f.day('on')}`,
		(f) => `Paiement ${f.text('payment')} reçu : ${f.money()} le ${f.day('on')}`,
	),
	payment_allocated: EN_FR(
		(f) =>
			`Payment ${f.text('payment')}: ${f.money()} allocated to invoice ${f.text('invoice')} by ${f.text('method')}`,
		(f) =>
			`Paiement ${f.text('payment')} : ${f.money()} affecté à la facture ${f.text('invoice')} par ${METHOD[f.text('method')] ?? f.text('method')}`,
	),
	invoice_paid: EN_FR(
		(f) => `Invoice ${f.text('invoice')} paid in full on ${f.day('on')}`,
		(f) => `Facture ${f.text('invoice')} entièrement payée le ${f.day('on')}`,
	),
	invoice_settled_write_off: EN_FR(
		(f) => `Invoice ${f.text('invoice')} settled on ${f.day('on')} (${f.money()} written off)`,
		(f) => `Facture ${f.text('invoice')} soldée le ${f.day('on')} (${f.money()} passés en perte)`,
	),
	write_off: EN_FR(
		(f) =>
			`Small difference of ${f.money()} written off on invoice ${f.text('invoice')} (payment ${f.text('payment')})`,
		(f) =>
			`Écart de ${f.money()} passé en perte sur la facture ${f.text('invoice')} (paiement ${f.text('payment')})`,
	),
	credit_note_applied: EN_FR(
		(f) =>
			`Credit note ${f.text('creditNote')} applied to invoice ${f.text('invoice')}${f.has('payment') ? `, deducted by payment ${f.text('payment')}` : ''}`,
		(f) =>
			`Avoir ${f.text('creditNote')} imputé sur la facture ${f.text('invoice')}${f.has('payment') ? `, déduit par le paiement ${f.text('payment')}` : ''}`,
	),
	credit_note_link_refused: EN_FR(
		(f) =>
			`Credit note ${f.text('creditNote')} not applied to invoice ${f.text('invoice')}: ${f.text('reason') === 'currency' ? 'other currency' : 'other customer'}`,
		(f) =>
			`Avoir ${f.text('creditNote')} non imputé sur la facture ${f.text('invoice')} : ${f.text('reason') === 'currency' ? 'autre devise' : 'autre client'}`,
	),
	payment_flagged: EN_FR(
		(f) => `Payment ${f.text('payment')} ${f.text('status').replace(/_/g, ' ')}: ${f.text('code')}`,
		(f) =>
			`Paiement ${f.text('payment')} ${({ unapplied: 'non affecté', flagged: 'signalé', partially_applied: 'partiellement affecté' } as Record<string, string>)[f.text('status')] ?? f.text('status')} : ${f.text('code')}`,
	),
	payment_settled: EN_FR(
		(f) =>
			`Payment ${f.text('payment')} applied by hand to ${f.text('invoices')}${f.has('note') ? `: ${f.text('note')}` : ''}`,
		(f) =>
			`Paiement ${f.text('payment')} affecté à la main à ${f.text('invoices')}${f.has('note') ? ` : ${f.text('note')}` : ''}`,
	),
	invoice_revised: EN_FR(
		(f) => `Invoice ${f.text('invoice')} revised to revision ${f.text('revision')}`,
		(f) => `Facture ${f.text('invoice')} révisée (révision ${f.text('revision')})`,
	),
	dispute_opened: EN_FR(
		(f) =>
			`Dispute #${f.text('disputeId')} opened (${disputeCategoryLabel(f.text('category'), 'en')}${f.has('subcategory') ? ` / ${disputeSubcategoryLabel(f.text('subcategory'), 'en')}` : ''}), owner ${f.text('owner')}, due ${f.day('dueOn')}`,
		(f) =>
			`Litige n° ${f.text('disputeId')} ouvert (${disputeCategoryLabel(f.text('category'), 'fr')}${f.has('subcategory') ? ` / ${disputeSubcategoryLabel(f.text('subcategory'), 'fr')}` : ''}), responsable ${f.text('owner')}, à traiter avant le ${f.day('dueOn')}`,
	),
	dispute_resolved: EN_FR(
		(f) =>
			`Dispute #${f.text('disputeId')} resolved: ${resolution(f.text('resolution'), 'en')} (${f.text('rootCause')})`,
		(f) =>
			`Litige n° ${f.text('disputeId')} résolu : ${resolution(f.text('resolution'), 'fr')} (${f.text('rootCause')})`,
	),
	dispute_invoice_added: EN_FR(
		(f) => `Invoice joined open dispute #${f.text('disputeId')}`,
		(f) => `Facture ajoutée au litige ouvert n° ${f.text('disputeId')}`,
	),
	promise_kept: EN_FR(
		(f) => `Promise to pay of ${f.day('promisedOn')} kept`,
		(f) => `Promesse de règlement du ${f.day('promisedOn')} tenue`,
	),
	promise_broken: EN_FR(
		(f) => `Promise to pay of ${f.day('promisedOn')} broken: not paid, dunning resumes`,
		(f) =>
			`Promesse de règlement du ${f.day('promisedOn')} non tenue : impayée, les relances reprennent`,
	),
	contact_confirmed: EN_FR(
		(f) =>
			`${who(f)}: invoice received, booked and conform; payment at due date confirmed${note(f)}`,
		(f) =>
			`${who(f)} : facture reçue, saisie et conforme ; paiement à l'échéance confirmé${note(f)}`,
	),
	contact_not_received: EN_FR(
		(f) => `${who(f)}: invoice not received — to be sent again (${f.text('resend')})${note(f)}`,
		(f) => `${who(f)} : facture non reçue — à renvoyer (${f.text('resend')})${note(f)}`,
	),
	contact_received_not_booked: EN_FR(
		(f) => `${who(f)}: invoice received but not booked yet${note(f)}`,
		(f) => `${who(f)} : facture reçue mais pas encore saisie${note(f)}`,
	),
	contact_waiting_approval: EN_FR(
		(f) => `${who(f)}: invoice waiting for approval${note(f)}`,
		(f) => `${who(f)} : facture en attente de validation${note(f)}`,
	),
	contact_dispute: EN_FR(
		(f) =>
			`${who(f)}: dispute raised${f.has('disputeId') ? ` (#${f.text('disputeId')}, ${disputeCategoryLabel(f.text('category'), 'en')})` : ''}${note(f)}`,
		(f) =>
			`${who(f)} : litige signalé${f.has('disputeId') ? ` (n° ${f.text('disputeId')}, ${disputeCategoryLabel(f.text('category'), 'fr')})` : ''}${note(f)}`,
	),
	contact_promise: EN_FR(
		(f) =>
			`${who(f)}: promise to pay on ${f.day('promiseDate')}${f.has('amounts') ? ` (${f.list('amounts', ' + ')})` : ''}${note(f)}`,
		(f) =>
			`${who(f)} : promesse de règlement le ${f.day('promiseDate')}${f.has('amounts') ? ` (${f.list('amounts', ' + ')})` : ''}${note(f)}`,
	),
	contact_payment_sent: EN_FR(
		(f) =>
			`${who(f)}: payment announced as sent${f.has('reference') ? `, reference ${f.text('reference')}` : ''}${note(f)}`,
		(f) =>
			`${who(f)} : paiement annoncé comme envoyé${f.has('reference') ? `, référence ${f.text('reference')}` : ''}${note(f)}`,
	),
	contact_voicemail: EN_FR(
		(f) => `${who(f)}: voicemail (attempt ${f.text('attempt')})${note(f)}`,
		(f) => `${who(f)} : messagerie (tentative ${f.text('attempt')})${note(f)}`,
	),
	contact_unreachable: EN_FR(
		(f) => `${who(f)}: unreachable (attempt ${f.text('attempt')})${note(f)}`,
		(f) => `${who(f)} : injoignable (tentative ${f.text('attempt')})${note(f)}`,
	),
	contact_wrong_contact: EN_FR(
		(f) => `${who(f)}: wrong contact — the customer's contact details need updating${note(f)}`,
		(f) => `${who(f)} : mauvais contact — les coordonnées du client sont à mettre à jour${note(f)}`,
	),
	payer_download: EN_FR(
		(f) =>
			`Payer downloaded ${f.text('file') === 'invoice_copy' ? 'the copy' : 'the proof of delivery'} of invoice ${f.text('invoice')} (payer page)`,
		(f) =>
			`Le payeur a téléchargé ${f.text('file') === 'invoice_copy' ? 'la copie' : 'la preuve de livraison'} de la facture ${f.text('invoice')} (page payeur)`,
	),
	payer_promise: EN_FR(
		(f) =>
			`Payer promised ${f.money()} on ${f.day('promisedOn')} for invoice ${f.text('invoice')} (payer page)${attached(f)}`,
		(f) =>
			`Le payeur promet ${f.money()} le ${f.day('promisedOn')} pour la facture ${f.text('invoice')} (page payeur)${attached(f)}`,
	),
	payer_payment_declared: EN_FR(
		(f) =>
			`Payer declared a payment of ${f.money()} on ${f.day('paidOn')} for invoice ${f.text('invoice')}${f.has('reference') ? ` (ref. ${f.text('reference')})` : ''}: dunning held until ${f.day('heldUntil')}${attached(f)}`,
		(f) =>
			`Le payeur déclare un paiement de ${f.money()} le ${f.day('paidOn')} pour la facture ${f.text('invoice')}${f.has('reference') ? ` (réf. ${f.text('reference')})` : ''} : relances suspendues jusqu'au ${f.day('heldUntil')}${attached(f)}`,
	),
	payer_dispute: EN_FR(
		(f) =>
			`Payer disputes invoice ${f.text('invoice')}${f.has('lines') ? ` (lines ${f.text('lines')}${f.has('disputedMinor') ? `, ${f.money('disputedMinor')} disputed, the rest (${f.money('restMinor')}) stays in dunning` : ''})` : ''} (${disputeCategoryLabel(f.text('category'), 'en')}): ${f.text('reason')}${attached(f)}`,
		(f) =>
			`Le payeur conteste la facture ${f.text('invoice')}${f.has('lines') ? ` (lignes ${f.text('lines')}${f.has('disputedMinor') ? `, ${f.money('disputedMinor')} contestés, le reste (${f.money('restMinor')}) reste relancé` : ''})` : ''} (${disputeCategoryLabel(f.text('category'), 'fr')}) : ${f.text('reason')}${attached(f)}`,
	),
	payer_billing_email_requested: EN_FR(
		(f) =>
			`Payer asked to send reminders and invoices to ${f.text('email')} (changed once confirmed from that address)`,
		(f) =>
			`Le payeur demande que les relances et factures soient envoyées à ${f.text('email')} (changé une fois confirmé depuis cette adresse)`,
	),
	payer_billing_email_changed: EN_FR(
		(f) =>
			`Billing e-mail changed from ${f.has('previous') ? f.text('previous') : '(none)'} to ${f.text('email')}, confirmed from the new address (payer page)`,
		(f) =>
			`Adresse de facturation changée de ${f.has('previous') ? f.text('previous') : '(aucune)'} en ${f.text('email')}, confirmée depuis la nouvelle adresse (page payeur)`,
	),
	payer_copy_request: EN_FR(
		(f) => `Payer asks for a copy of invoice ${f.text('invoice')}`,
		(f) => `Le payeur demande une copie de la facture ${f.text('invoice')}`,
	),
	payer_contact_request: EN_FR(
		() => 'Payer asks to be called',
		() => 'Le payeur demande à être rappelé',
	),
	webhook_received: EN_FR(
		(f) =>
			`Signed delivery ${f.text('deliveryId')} from ${f.text('source')}: ${f.text('invoices')} document(s), ${f.text('payments')} payment(s), ${f.text('rejected')} rejected`,
		(f) =>
			`Envoi signé ${f.text('deliveryId')} de ${f.text('source')} : ${f.text('invoices')} document(s), ${f.text('payments')} paiement(s), ${f.text('rejected')} refusé(s)`,
	),
	lifecycle_status: EN_FR(
		(f) =>
			`Platform status ${f.text('statusCode')} ${lifecycleStatus(f.text('statusCode'))?.en ?? ''} for invoice ${f.text('invoice')}${f.has('reason') ? ` — ${f.text('reason')}` : ''}${f.has('amounts') ? ` (${f.list('amounts', ', ')})` : ''}${f.has('superseded') ? " (older than the invoice's current platform status: recorded, no other effect)" : ''}`,
		(f) =>
			`Statut plateforme ${f.text('statusCode')} ${lifecycleStatus(f.text('statusCode'))?.fr ?? ''} pour la facture ${f.text('invoice')}${f.has('reason') ? ` — ${f.text('reason')}` : ''}${f.has('amounts') ? ` (${f.list('amounts', ', ')})` : ''}${f.has('superseded') ? ' (plus ancien que le statut plateforme actuel de la facture : enregistré, sans autre effet)' : ''}`,
	),
	lifecycle_cashed_sent: EN_FR(
		(f) =>
			`Status 212 Encaissée sent to ${f.text('platform')} for invoice ${f.text('invoice')} (received ${f.day('receivedOn')})`,
		(f) =>
			`Statut 212 Encaissée envoyé à ${f.text('platform')} pour la facture ${f.text('invoice')} (encaissée le ${f.day('receivedOn')})`,
	),
	reminder_logged: EN_FR(
		(f) => `${f.stage()} (${f.what()})`,
		(f) => `${f.stage()} (${f.what()})`,
	),
	reminder_logged_bounced: EN_FR(
		(f) => `${f.stage()} (${f.what()}) bounced`,
		(f) => `${f.stage()} (${f.what()}) revenue en erreur`,
	),
	promise_recorded: EN_FR(
		(f) =>
			`Promise to pay on ${f.day('promisedOn')}${f.has('amountMinor') ? ` (${f.money()})` : ''}`,
		(f) =>
			`Promesse de règlement pour le ${f.day('promisedOn')}${f.has('amountMinor') ? ` (${f.money()})` : ''}`,
	),
} satisfies Record<string, Record<TimelineLanguage, Template>>;

export type TimelineEventKey = keyof typeof EVENTS;

/** Every event key (the renderer's tests go through all of them). */
export const TIMELINE_EVENT_KEYS = Object.keys(EVENTS) as TimelineEventKey[];

const RESOLUTION: Record<string, [fr: string, en: string]> = {
	credit_note: ['avoir', 'credit note'],
	redelivery: ['nouvelle livraison', 'redelivery'],
	corrected_invoice: ['facture corrigée', 'corrected invoice'],
	justified: ['fondé', 'justified'],
	unjustified: ['non fondé', 'unjustified'],
	withdrawn: ['retiré', 'withdrawn'],
	other: ['autre', 'other'],
};
function resolution(code: string, language: TimelineLanguage): string {
	const names = RESOLUTION[code];
	return names ? names[language === 'en' ? 1 : 0] : code.replace(/_/g, ' ');
}

/** An event's sentence in one language. */
export function renderTimelineEvent(event: TimelineEvent, language: TimelineLanguage): string {
	const templates = (EVENTS as Record<string, Record<TimelineLanguage, Template>>)[event.key];
	if (!templates) return '';
	return templates[language === 'en' ? 'en' : 'fr'](
		new Reader(event.fields ?? {}, language === 'en' ? 'en' : 'fr'),
	);
}

/**
 * What a writer stores: the English sentence for the `summary` column and the event for `payload.timeline`.
 * Absent fields are left out of the stored event.
 */
export function timelineEvent(
	key: TimelineEventKey,
	fields: TimelineFields,
): { summary: string; timeline: TimelineEvent } {
	const kept = Object.fromEntries(
		Object.entries(fields).filter(([, v]) => v !== undefined),
	) as TimelineFields;
	const timeline: TimelineEvent = { key, fields: kept };
	return { summary: renderTimelineEvent(timeline, 'en'), timeline };
}

function storedEvent(payload: Record<string, unknown>): TimelineEvent | null {
	const t = payload.timeline as { key?: unknown; fields?: unknown } | undefined;
	if (!t || typeof t !== 'object' || typeof t.key !== 'string' || !(t.key in EVENTS)) return null;
	const fields = t.fields && typeof t.fields === 'object' ? (t.fields as TimelineFields) : {};
	return { key: t.key as TimelineEventKey, fields };
}

// ---------------------------------------------------------------------------------------------------------------
// Fallback for entries stored before events: the French made from the English sentence.

/** Call and e-mail outcomes (`call_promise`, `email_dispute`…): "Quality call: …" / "E-mail: …". */
const OUTCOME_RULES: Rule[] = [
	[
		/^(Quality call|E-mail): invoice received, booked and conform; payment at due date confirmed(.*)$/,
		(m) =>
			`${by(m[1])} : facture reçue, saisie et conforme ; paiement à l'échéance confirmé${rest(m[2])}`,
	],
	[
		/^(Quality call|E-mail): invoice not received — to be sent again \((.*)\)(.*)$/,
		(m) => `${by(m[1])} : facture non reçue — à renvoyer (${m[2]})${rest(m[3])}`,
	],
	[
		/^(Quality call|E-mail): invoice received but not booked yet(.*)$/,
		(m) => `${by(m[1])} : facture reçue mais pas encore saisie${rest(m[2])}`,
	],
	[
		/^(Quality call|E-mail): invoice waiting for approval(.*)$/,
		(m) => `${by(m[1])} : facture en attente de validation${rest(m[2])}`,
	],
	[
		/^(Quality call|E-mail): dispute raised(?: \(#(\d+), ([^)]+)\))?(.*)$/,
		(m) => `${by(m[1])} : litige signalé${m[2] ? ` (n° ${m[2]}, ${m[3]})` : ''}${rest(m[4])}`,
	],
	[
		/^(Quality call|E-mail): promise to pay on (\d{4}-\d{2}-\d{2})(.*)$/,
		(m) => `${by(m[1])} : promesse de règlement le ${frDay(m[2])}${rest(m[3])}`,
	],
	[
		/^(Quality call|E-mail): payment announced as sent(?:, reference (.+?))?( — .*)?$/,
		(m) =>
			`${by(m[1])} : paiement annoncé comme envoyé${m[2] ? `, référence ${m[2]}` : ''}${rest(m[3] ?? '')}`,
	],
	[
		/^(Quality call|E-mail): voicemail \(attempt (\d+)\)(.*)$/,
		(m) => `${by(m[1])} : messagerie (tentative ${m[2]})${rest(m[3])}`,
	],
	[
		/^(Quality call|E-mail): unreachable \(attempt (\d+)\)(.*)$/,
		(m) => `${by(m[1])} : injoignable (tentative ${m[2]})${rest(m[3])}`,
	],
	[
		/^(Quality call|E-mail): wrong contact — the customer's contact details need updating(.*)$/,
		(m) =>
			`${by(m[1])} : mauvais contact — les coordonnées du client sont à mettre à jour${rest(m[2])}`,
	],
];

function disputeKind(text: string, language: TimelineLanguage = 'fr'): string {
	const [category, subcategory] = text.split(' / ');
	return subcategory
		? `${disputeCategoryLabel(category, language)} / ${disputeSubcategoryLabel(subcategory, language)}`
		: disputeCategoryLabel(category, language);
}
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

export function timelineSummary(
	entry: { kind: string; summary: string; payload?: Record<string, unknown> | null },
	language: TimelineLanguage,
): string {
	const summary = String(entry.summary ?? '');
	const payload = entry.payload ?? {};
	const event = storedEvent(payload);
	if (event) {
		const text = renderTimelineEvent(event, language);
		if (text) return text;
	}
	if (BILINGUAL.has(entry.kind) && summary.includes(' / ')) {
		const at = summary.indexOf(' / ');
		return language === 'fr' ? summary.slice(at + 3) : summary.slice(0, at);
	}
	if (language === 'en') {
		if (!(entry.kind in RULES)) return summary;
		for (const [pattern, render] of EN_RULES) {
			const m = summary.match(pattern);
			if (m) return render(m);
		}
		return summary;
	}
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
