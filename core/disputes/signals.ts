/**
 * Grammar signals that words alone miss: has the payment been made (passé composé, English perfect) or will it be
 * (futur, "aller" + infinitive, "will"), is the payment conditional ("dès réception de l'avoir"), refused, is the
 * customer asking for something, is the message an automatic reply, does it say an earlier problem is solved.
 * They run on folded sentences (lower case, no accents, apostrophes as spaces).
 */

const PAY_PP =
	'paye|payee|payes|payees|regle|reglee|regles|reglees|vire|viree|effectue|effectuee|fait|envoye|envoyee|emis|emise|execute|executee|passe|parti|partie|initie|procede|solde|soldee|transfere|depose|verse|debite|lance';

const SIGNALS: Record<string, RegExp[]> = {
	past_pay: [
		new RegExp(
			`\\b(avons|avez|ai|a|ont|on a|j ai)\\s+(deja\\s+|bien\\s+|aussi\\s+|egalement\\s+|enfin\\s+)?(${PAY_PP})\\b`,
		),
		new RegExp(
			`\\b(est|a ete|ont ete|sont|a bien ete|est bien|ete)\\s+(deja\\s+|bien\\s+)?(${PAY_PP})\\b`,
		),
		new RegExp(
			`\\b(virement|paiement|reglement|cheque|transfert|depot|versement|prelevement)\\s+(deja\\s+|bien\\s+)?(${PAY_PP})\\b`,
		),
		/^\s*(paye|regle|vire|payee|reglee|c est paye|c est regle)\b/m,
		/\b(have|has|had|was|were|been|we|i|they)\s+(already\s+|just\s+|now\s+|also\s+)?(paid|settled|sent|made|released|processed|transferred|effected|remitted|wired|posted|mailed|cleared|initiated|executed)\b/,
		/\b(paid|settled|sent|transferred|released|processed|posted|mailed|wired)\s+(on|yesterday|today|last|already|in full|this morning|earlier|via|by bank|through|weeks ago)\b/,
		/\b(payment|transfer|remittance|cheque|check|amount)\s+(was|has been|have been|is|has)\s+(already\s+)?(made|sent|done|released|processed|effected|posted|mailed|initiated|executed|paid|gone through)\b/,
	],
	future_pay: [
		/\b(sera|seront|serez|serons)\s+(bien\s+)?(paye|payee|payes|payees|regle|reglee|regles|reglees|effectue|fait|vire|envoye|emis|execute|mis en paiement|disponible)\b/,
		/\b(vais|va|allons|vont|allez)\s+(vous\s+)?(payer|regler|faire|envoyer|lancer|passer|proceder|effectuer|virer|solder|emettre)\b/,
		/\b(payerons|paierons|reglerons|ferons|enverrons|effectuerons|virerons|payera|paiera|reglera|partira|interviendra|parviendra|lancerons|procederons|solderons|payerai|paierai|reglerai|ferai)\b/,
		/\b(je|nous|on)\s+(vous\s+)?(fais|fait|faisons|lance|lancons|passe|passons|envoie|envoyons|regle|reglons|paie|paye|payons)\s+(le\s+|la\s+)?(virement|paiement|reglement|cheque)?\s*(demain|lundi|mardi|mercredi|jeudi|vendredi|aujourd|ce soir|cette semaine|la semaine prochaine|d ici|avant|fin|en fin|le \d)/,
		/\b(will|shall|ll|going to|gonna)\s+(be\s+)?(pay|paid|settle|settled|send|sent|make|made|release|released|process|processed|transfer|transferred|clear|cleared|done|effected|remit|remitted|wire|go out|goes out|included|scheduled)\b/,
		/\b(scheduled|planned|due to be paid|approved for payment|payment run|paying (it )?(on|next|tomorrow|this|by))\b/,
	],
	conditional_pay: [
		/\b(des que|des reception|une fois|apres|quand|lorsque|tant que|a reception|avant tout|sans)\b[^.\n]{0,80}\b(pai|pay|regl)/,
		/\b(pai|pay|regl)\w*\b[^.\n]{0,60}\b(des que|des reception|une fois|apres|quand|lorsque|a reception|avant|tant que)\b/,
		/\b(once|as soon as|when|after|until|upon|before)\b[^.\n]{0,80}\b(pay|settle|payment)/,
		/\b(pay|paid|settle|payment)\w*\b[^.\n]{0,60}\b(once|as soon as|when|after|until|upon receipt|before)\b/,
	],
	refuse_pay: [
		/\b(ne|n)\s+(paierons|payerons|reglerons|reglerai|paierai|payerai|payons|reglons|paie|paye|regle|allons|vais|va)\s+(pas|rien|jamais|que)\b/,
		/\bpas de (paiement|reglement)\b|\b(refusons|refuse|refuser)\s+(de\s+)?(payer|regler|ce lot|la facture|le lot)\b/,
		/\b(suspend|suspendons|bloquons|retenons|retenir|conteste|contestons|contester)\b/,
		/\b(will not|won t|wont|not going to|refuse to|are not going to)\s+(pay|settle)\b|\bnot paying\b|\bwithhold|\bon hold\b|\bholding (the )?(payment|rent)|\bdispute\b/,
	],
	request: [
		/\b(pouvez vous|pourriez vous|serait il possible|est il possible|est ce que vous pouvez|est ce qu on peut|pouvons nous|peut on|pourrions nous|merci de nous (accorder|laisser)|accepteriez vous|est ce possible)\b/,
		/\b(could you|can you|would you|would it be possible|is it possible|could we|can we|may we|any chance|is there any|would you accept|can i)\b/,
	],
	ask_time: [
		/\b(delai|report|decaler|repousser|patienter|attendre|prolongation|echeancier|etaler|plusieurs fois|en \w+ fois|mensualites)\b/,
		/\b(more time|extra time|extension|extend|postpone|defer|push|payment plan|instal+ments?|split|few more|a bit more|some more|until|hold off)\b/,
	],
	auto_absence: [
		/\b(je suis|i am|i m|je serai|i will be|actuellement|currently)\s+(actuellement\s+|currently\s+)?(absent|absente|en conge|en conges|en vacances|en deplacement|en mission|en formation|en arret|en teletravail|out of (the )?office|on (annual |parental |maternity |sick )?leave|away|travelling|traveling|on holiday|on vacation|out sick|off)\b/,
		/\b(de retour le|je serai de retour|je reviens le|back in the office|returning on|back on (monday|tuesday|wednesday|thursday|friday)|will be back|des mon retour|a mon retour|upon my return|when i m back|on my return)\b/,
	],
	auto_machine: [
		/\b(reponse automatique|message automatique|automatiquement|automatic reply|automatically|automated|auto reply|autoreply|auto generated|ne pas repondre|ne pas y repondre|do not reply|not monitored|n est pas consultee)\b/,
	],
	resolved: [
		/\b(merci pour|thanks for|thank you for)\s+(la |le |l |the )?(nouvelle facture|facture corrigee|facture rectifiee|avoir|corrected invoice|new invoice|revised invoice|credit note)\b/,
		/\b(avoir|credit note|nouvelle facture|corrected invoice|facture corrigee|facture rectifiee)\s+(est\s+)?(bien\s+)?(arrive|arrivee|recu|recue|arrived|received|came)\b/,
	],
};

export const SIGNAL_NAMES = Object.keys(SIGNALS);

/** Each group's patterns as one regular expression: one pass over the text per signal. */
const COMBINED: Array<[string, RegExp]> = Object.entries(SIGNALS).map(([name, patterns]) => [
	name,
	new RegExp(
		patterns.map((p) => `(?:${p.source})`).join('|'),
		patterns.some((p) => p.flags.includes('m')) ? 'm' : '',
	),
]);

/** The signals found in a folded text (one sentence per line), 1 when present. */
export function findSignals(folded: string): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [name, re] of COMBINED) if (re.test(folded)) out[name] = 1;
	return out;
}
