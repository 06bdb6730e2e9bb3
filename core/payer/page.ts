import { createHash, randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { creditorReference, formatCreditorReference } from '../bank/rf';
import { companyLegalName, formatIban, type CompanyInfo } from '../company';
import {
	DISPUTE_LEDGER_CATEGORIES,
	disputeRouting,
	openDisputeIn,
	type DisputeLedgerCategory,
} from '../disputes/ledger';
import type { LatePaymentCharges } from '../dunning/charges';
import {
	renderTimelineEvent,
	timelineEvent,
	type TimelineEventKey,
	type TimelineFields,
} from '../dunning/timeline-text';
import {
	deliveredInvoiceIds,
	loadDeliveryProofs,
	proofFileName,
	proofOfDeliveryPdf,
} from '../dunning/proof';
import { loadCompany } from '../dunning/render';
import { statementOfCharges } from '../dunning/statement';
import { formatDate } from '../documents/dates';
import { invoiceCopyOfLedgerInvoice, lineText } from '../documents/invoiceCopy';
import { checkEmailAddress } from '../mail/address';
import type { Ledger } from '../ledger';
import { formatMoney, parseAmount } from '../money';
import { addDays, daysBetween, DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time';
import { serverKeys } from '../tracking/keys';
import { escapeHtml, PAGE_HEADERS, type PageRequest, type PageResponse } from '../tracking/pages';
import { signToken, verifyToken } from '../tracking/tokens';
import {
	ATTACHMENT_FIELD,
	attachmentLabel,
	attachmentSizeText,
	checkUpload,
	DEFAULT_MAX_ATTACHMENT_BYTES,
	storeAttachment,
	type PayerAttachmentRef,
	type PayerUpload,
} from './attachments';
import { PAYER_LINK_PURPOSE } from './link';
import { disputeCategoryLabel } from '../disputes/labels';

/**
 * The payer's own page. Each reminder carries a personal link to it: a token signed with the server's payer key,
 * naming one customer and its link version, with an expiry. The page shows that customer's open invoices (amount,
 * due date, days late, late charges as the package computes them, the RF reference to pay with) and lets the payer
 * answer in one click: declare a payment, promise to pay (within the company's limits), dispute an invoice, ask for
 * a copy or a contact. Each answer is written to the ledger in one transaction with the same effects as the
 * operations (a promise or a dispute pauses dunning, a declared payment holds it while the money travels), recorded
 * in the customer's timeline, and told to the collector (`notify`). No cookie: the link's token travels in the forms
 * (n8n's CSP sandbox), with a form token bound to the customer; raising the customer's link version revokes every
 * link sent before. Opened again, each invoice shows what the ledger holds about it (open dispute, pending promise,
 * payment announced) and no longer offers, nor takes, a second dispute or promise.
 */

type Lang = 'fr' | 'en';

export interface PayerPageOptions {
	/** Where the forms post back (the webhook's URL; empty: the same address). */
	actionUrl?: string;
	zone?: string;
	now?: Date;
	/** Latest promise date the company accepts, in days from today (default 30). */
	maxPromiseDays?: number;
	/** Answers a customer may send per hour (default 10). */
	actionsPerHour?: number;
	/** Days a declared payment holds dunning while the money travels (default 10). */
	declaredPaymentHoldDays?: number;
	/** Tells the collector what the payer said (e-mail). Called after the ledger is written. */
	notify?: (notice: PayerNotice) => Promise<void>;
	/** The page's public address, for the link of the message confirming a new billing e-mail. */
	pageUrl?: string;
	/** Sends the message confirming a new billing e-mail to that address. Absent: the page cannot change it. */
	sendMail?: (to: string, mail: { subject: string; text: string }) => Promise<void>;
	/** Largest file a payer may attach to a declared payment or a dispute, in bytes (default 5 MB). */
	maxAttachmentBytes?: number;
}

/** The page's request: the form's fields, and the files of a multipart form (a proof of payment, a dispute document). */
export type PayerPageRequest = PageRequest & { uploads?: PayerUpload[] };

export interface PayerNotice {
	kind: PayerActionKind;
	customerExternalId: string;
	customerName: string;
	invoiceNumber: string | null;
	/** The dispute's owner (routing) for a dispute: told instead of the collector when they have an e-mail address. */
	owner?: string | null;
	/** The ledger's ids of what was written (dispute, promise...), for the collector. */
	disputeId?: string | null;
	/** A dispute on some lines only: the rest of the invoice stays in dunning. */
	partialDispute?: boolean;
	/** The file the payer attached (proof of payment, dispute document): its reference in the ledger, not its content. */
	attachment?: PayerAttachmentRef;
	summary: { en: string; fr: string };
}

const NOTICE_TITLES: Record<PayerActionKind, [string, string]> = {
	payment_declared: ['Paiement déclaré sur la page payeur', 'Payment declared on the payer page'],
	promise: ['Promesse de paiement sur la page payeur', 'Payment promise on the payer page'],
	dispute: ['Contestation sur la page payeur', 'Dispute on the payer page'],
	copy_request: ['Demande de copie sur la page payeur', 'Copy requested on the payer page'],
	contact_request: [
		'Demande de rappel sur la page payeur',
		'Call-back requested on the payer page',
	],
	billing_email: [
		'Adresse de facturation changée sur la page payeur',
		'Billing e-mail changed on the payer page',
	],
};

const NOTICE_TODO: Record<PayerActionKind, [string, string]> = {
	payment_declared: [
		'Les relances de la facture attendent le paiement (10 jours par défaut) : vérifiez le relevé bancaire.',
		'Dunning of the invoice waits for the money (10 days by default): check the bank statement.',
	],
	promise: ['Les relances attendent la date promise.', 'Dunning waits for the promised date.'],
	dispute: [
		'Les relances de la facture sont suspendues jusqu’à la résolution du litige.',
		'Dunning of the invoice is paused until the dispute is resolved.',
	],
	copy_request: [
		'Envoyez la copie de la facture au client (elle est aussi téléchargeable sur sa page).',
		'Send the customer the invoice copy (it can also be downloaded from their page).',
	],
	contact_request: ['Rappelez le client.', 'Call the customer back.'],
	billing_email: [
		'Les prochaines relances partent à la nouvelle adresse (confirmée depuis cette adresse).',
		'The next reminders go to the new address (confirmed from that address).',
	],
};

const PARTIAL_DISPUTE_TODO: [string, string] = [
	'Seules les lignes contestées attendent la résolution du litige : le reste de la facture reste relancé.',
	'Only the disputed lines wait for the dispute to be resolved: the rest of the invoice stays in dunning.',
];

/**
 * The e-mail that tells the collector (or the dispute's owner) what the payer answered on their page: plain text,
 * French then English. The payer's words are quoted as text; nothing of the link travels in it.
 */
export function payerNoticeMail(notice: PayerNotice): { subject: string; text: string } {
	const one = (v: unknown) =>
		String(v ?? '')
			.replace(/\s+/g, ' ')
			.trim();
	const [fr, en] = NOTICE_TITLES[notice.kind];
	const subject = one(
		`${fr} / ${en} — ${notice.customerName} (${notice.customerExternalId})${notice.invoiceNumber ? ` — ${notice.invoiceNumber}` : ''}`,
	).slice(0, 200);
	const lines = [
		`${fr} / ${en}`,
		'',
		`Client / Customer: ${one(notice.customerName)} (${one(notice.customerExternalId)})`,
		...(notice.invoiceNumber ? [`Facture / Invoice: ${one(notice.invoiceNumber)}`] : []),
		...(notice.disputeId
			? [`Litige / Dispute: #${notice.disputeId}${notice.owner ? ` (${one(notice.owner)})` : ''}`]
			: []),
		...(notice.attachment
			? [
					`Pièce jointe / Attachment: n° ${notice.attachment.attachmentId} — ${one(attachmentLabel(notice.attachment, 'fr'))} (payerAttachment)`,
				]
			: []),
		'',
		notice.summary.fr,
		notice.summary.en,
		'',
		(notice.kind === 'dispute' && notice.partialDispute
			? PARTIAL_DISPUTE_TODO
			: NOTICE_TODO[notice.kind]
		).join(' / '),
	];
	return { subject, text: `${lines.join('\n').trim()}\n` };
}

export type PayerActionKind =
	| 'payment_declared'
	| 'promise'
	| 'dispute'
	| 'copy_request'
	| 'contact_request'
	| 'billing_email';

const FORM_PURPOSE = 'payer-form';
/** The link of the message confirming a new billing e-mail (signed with the payer key, 7 days, one use). */
const EMAIL_PURPOSE = 'payer-email';
const EMAIL_CONFIRM_DAYS = 7;

const T = {
	fr: {
		title: 'Votre compte',
		hello: 'Bonjour',
		intro:
			'Voici vos factures ouvertes. Répondez ici en un clic : la personne qui suit votre compte est prévenue aussitôt.',
		none: 'Aucune facture ouverte. Merci !',
		due: 'Échéance',
		open: 'Reste à payer',
		late: 'jours de retard',
		charges: 'Pénalités de retard (intérêts et indemnité forfaitaire)',
		ref: 'Référence de paiement',
		paid: "J'ai payé",
		promise: 'Je paierai le',
		dispute: 'Je conteste',
		copy: 'Demander une copie',
		contact: 'Être rappelé',
		date: 'Date',
		amount: 'Montant',
		reference: 'Référence du virement',
		reason: 'Motif',
		category: 'Nature',
		send: 'Envoyer',
		thanks: 'Merci, votre réponse est enregistrée. La personne qui suit votre compte est prévenue.',
		expired:
			'Ce lien a expiré ou a été remplacé. Utilisez le lien de la dernière relance reçue, ou contactez-nous.',
		invalid: 'Ce lien n’est pas valide.',
		downloadCopy: 'Télécharger la copie de la facture (PDF)',
		downloadProof: 'Télécharger la preuve de livraison (PDF)',
		noProof: "Aucune preuve de livraison n'est enregistrée pour cette facture.",
		bank: 'Pour payer par virement',
		beneficiary: 'Bénéficiaire',
		bankRef:
			'Indiquez la référence de paiement de chaque facture dans le libellé du virement : il est rapproché automatiquement.',
		billing: "Changer l'adresse e-mail de facturation",
		newEmail: 'Nouvelle adresse e-mail',
		emailSent:
			'Un message de confirmation est envoyé à cette adresse : elle remplacera l’actuelle quand vous aurez cliqué sur son lien (valable 7 jours).',
		confirmTitle: "Confirmer l'adresse de facturation",
		confirmText: 'Les relances et factures de {name} seront envoyées à {email}.',
		confirm: 'Confirmer',
		emailChanged: "C'est fait : l'adresse de facturation est maintenant {email}.",
		confirmInvalid:
			'Ce lien de confirmation n’est plus valable (expiré, déjà utilisé ou remplacé). Demandez le changement à nouveau depuis votre page.',
		cannotSend:
			"Le message de confirmation n'a pas pu être envoyé : réessayez plus tard ou contactez-nous.",
		disputedLines: 'Lignes contestées (aucune cochée : toute la facture)',
		proofFile: 'Justificatif de paiement (facultatif) : PDF, PNG ou JPEG, {max} au plus',
		disputeFile: 'Document à l’appui (facultatif) : PDF, PNG ou JPEG, {max} au plus',
		disputeOpen:
			'Contestation ouverte depuis le {date} ({category}) : elle est en cours de traitement par nos équipes ; les relances de cette facture sont suspendues jusqu’à sa résolution.',
		disputePartOpen:
			'Contestation de lignes ouverte depuis le {date} ({category}) pour {amount} : elle est en cours de traitement par nos équipes ; le reste de la facture reste à payer et continue d’être relancé.',
		promised: 'Paiement promis pour le {date}{amount}. Les relances attendent cette date.',
		accountPromised:
			'Paiement promis pour l’ensemble de votre compte le {date}{amount}. Les relances de toutes vos factures ouvertes attendent cette date.',
		accountCovered:
			'Couverte par la promesse de paiement de votre compte pour le {date} : les relances attendent cette date.',
		announced:
			'Paiement annoncé{amount}, effectué le {date} : nous le vérifions sur le relevé bancaire ; les relances attendent jusqu’au {until}.',
		paidAgain: "J'ai fait un autre paiement",
		alreadyDisputed:
			'Cette facture est déjà contestée (depuis le {date}) : la contestation est en cours de traitement. Pour ajouter une information, demandez à être rappelé.',
		alreadyPromised:
			'Un paiement est déjà promis pour le {date} sur cette facture. Pour changer de date, demandez à être rappelé.',
		alreadyAnnounced:
			'Un paiement est déjà annoncé pour cette facture : il est en cours de vérification, pas besoin de promesse.',
		tooMany: 'Trop de réponses en peu de temps : réessayez dans une heure.',
		formExpired: 'Le formulaire a expiré : la page est rechargée, recommencez.',
		categories: {
			administrative: 'Facturation (bon de commande, adresse, TVA…)',
			logistics: 'Livraison (non reçue, incomplète, abîmée)',
			commercial: 'Prix ou conditions',
			technical: 'Produit ou service défectueux',
			other: 'Autre',
		} as Record<string, string>,
	},
	en: {
		title: 'Your account',
		hello: 'Hello',
		intro:
			'Here are your open invoices. Answer here in one click: the person in charge of your account is told at once.',
		none: 'No open invoice. Thank you!',
		due: 'Due',
		open: 'Left to pay',
		late: 'days late',
		charges: 'Late-payment charges (interest and fixed indemnity)',
		ref: 'Payment reference',
		paid: 'I have paid',
		promise: 'I will pay on',
		dispute: 'I dispute this invoice',
		copy: 'Ask for a copy',
		contact: 'Ask to be called',
		date: 'Date',
		amount: 'Amount',
		reference: 'Transfer reference',
		reason: 'Reason',
		category: 'About',
		send: 'Send',
		thanks:
			'Thank you, your answer is recorded. The person in charge of your account has been told.',
		expired:
			'This link has expired or was replaced. Use the link of the latest reminder, or contact us.',
		invalid: 'This link is not valid.',
		downloadCopy: 'Download the invoice copy (PDF)',
		downloadProof: 'Download the proof of delivery (PDF)',
		noProof: 'No proof of delivery is recorded for this invoice.',
		bank: 'To pay by bank transfer',
		beneficiary: 'Beneficiary',
		bankRef:
			'Quote the payment reference of each invoice in the transfer: it is matched automatically.',
		billing: 'Change the billing e-mail',
		newEmail: 'New e-mail address',
		emailSent:
			'A confirmation message is sent to that address: it replaces the current one once you click its link (valid 7 days).',
		confirmTitle: 'Confirm the billing e-mail',
		confirmText: 'Reminders and invoices of {name} will be sent to {email}.',
		confirm: 'Confirm',
		emailChanged: 'Done: the billing e-mail is now {email}.',
		confirmInvalid:
			'This confirmation link is no longer valid (expired, already used or replaced). Ask for the change again from your page.',
		cannotSend: 'The confirmation message could not be sent: try again later or contact us.',
		disputedLines: 'Lines disputed (none ticked: the whole invoice)',
		proofFile: 'Proof of payment (optional): PDF, PNG or JPEG, at most {max}',
		disputeFile: 'Supporting document (optional): PDF, PNG or JPEG, at most {max}',
		disputeOpen:
			'Dispute open since {date} ({category}): our team is handling it; reminders for this invoice are paused until it is resolved.',
		disputePartOpen:
			'Dispute of some lines open since {date} ({category}) for {amount}: our team is handling it; the rest of the invoice is still to be paid and still reminded.',
		promised: 'Payment promised for {date}{amount}. Reminders wait for that date.',
		accountPromised:
			'Payment promised for your whole account on {date}{amount}. Reminders of all your open invoices wait for that date.',
		accountCovered:
			'Covered by your account’s payment promise for {date}: reminders wait for that date.',
		announced:
			'Payment announced{amount}, made on {date}: we are checking it on the bank statement; reminders wait until {until}.',
		paidAgain: 'I have made another payment',
		alreadyDisputed:
			'This invoice is already disputed (since {date}): the dispute is being handled. To add information, ask to be called.',
		alreadyPromised:
			'A payment is already promised for {date} on this invoice. To change the date, ask to be called.',
		alreadyAnnounced:
			'A payment is already announced for this invoice: it is being checked, no promise is needed.',
		tooMany: 'Too many answers in a short time: please try again in an hour.',
		formExpired: 'The form expired: the page was reloaded, please try again.',
		categories: {
			administrative: 'Billing (purchase order, address, VAT…)',
			logistics: 'Delivery (not received, incomplete, damaged)',
			commercial: 'Price or terms',
			technical: 'Faulty product or service',
			other: 'Other',
		} as Record<string, string>,
	},
};

function html(lang: Lang, title: string, content: string): string {
	return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;background:#f6f7f9;color:#1a1a1a;max-width:720px}h1{font-size:1.3rem}
.card{background:#fff;border-radius:8px;padding:12px;margin:10px 0;box-shadow:0 1px 2px #0002}.card b{font-size:1.05rem}.muted{color:#555;font-size:.9rem}.late{color:#a11}
details{margin-top:8px}summary{cursor:pointer;color:#1f5fbf;padding:6px 0}label{display:block;margin:6px 0 2px;font-size:.9rem}input,select,textarea,button{font-size:1rem;padding:10px;width:100%;box-sizing:border-box;border:1px solid #bbb;border-radius:6px}
button{background:#1f5fbf;color:#fff;border:0;margin-top:8px}form.dl{margin:4px 0}button.link{background:none;color:#1f5fbf;width:auto;padding:4px 0;margin:0;text-decoration:underline;text-align:left}.ok{background:#e6f6ea;color:#135b24;padding:10px;border-radius:6px}.err{background:#fde8e8;color:#8a1111;padding:10px;border-radius:6px}.state{background:#eef3fb;color:#16325c;padding:8px;border-radius:6px;margin:6px 0}</style></head>
<body><main>${content}</main></body></html>`;
}

function respond(status: number, body: string): PageResponse {
	return { status, headers: { ...PAGE_HEADERS }, body };
}

function field(req: PageRequest, name: string, max = 2000): string {
	const v = req.body?.[name];
	return typeof v === 'string' ? v.slice(0, max).trim() : '';
}

interface Customer {
	id: string;
	external_id: string;
	name: string;
	legal_name: string | null;
	language: string;
	payer_link_version: number;
}

interface OpenInvoice {
	id: string;
	number: string;
	/** The invoice's lines as the ledger holds them (JSON from the accounting software). */
	lines: unknown;
	currency: string;
	open_minor: string;
	payable_minor: string;
	due_date: string;
}

async function customerOf(
	ledger: Ledger,
	token: string,
	now: Date,
): Promise<{ customer?: Customer; reason?: 'invalid' | 'expired' }> {
	const keys = await serverKeys(ledger, 'payer');
	const verdict = verifyToken<{ c: string; v: number }>(token, keys, PAYER_LINK_PURPOSE, now);
	if (!verdict.ok) return { reason: verdict.reason === 'expired' ? 'expired' : 'invalid' };
	const [customer] = await ledger.query<Customer>(
		'SELECT id, external_id, name, legal_name, language, payer_link_version FROM customers WHERE id = $1',
		[verdict.payload.c],
	);
	if (!customer) return { reason: 'invalid' };
	if (customer.payer_link_version !== verdict.payload.v) return { reason: 'expired' };
	return { customer };
}

async function openInvoices(db: Ledger | PoolClient, customerId: string): Promise<OpenInvoice[]> {
	const sql = `SELECT id, number, currency, open_minor, payable_minor, due_date::text, lines FROM invoices WHERE customer_id = $1 AND doc_type = 'invoice' AND status = 'open' AND open_minor > 0 ORDER BY due_date, number LIMIT 500`;
	const result = await (db as { query: (s: string, v: unknown[]) => Promise<unknown> }).query(sql, [
		customerId,
	]);
	return Array.isArray(result)
		? (result as OpenInvoice[])
		: (result as { rows: OpenInvoice[] }).rows;
}

/**
 * Where each open invoice stands after what was said about it, as the reminder planner reads the ledger: its open
 * disputes (since when, about what), its pending promise not yet due (date, amount), and the payments the payer
 * announced on this page whose hold still runs (date, amount, until when). The page shows them and withholds the
 * answers that no longer make sense (a second dispute, a second promise, a promise once a payment is announced).
 */
interface InvoiceState {
	/** Open disputes; `partMinor`: on some lines only, that part of the invoice (the rest is still reminded). */
	disputes: Array<{ since: string; category: string; partMinor?: string }>;
	promise?: { on: string; amountMinor: string | null; currency: string | null };
	announced: Array<{ paidOn: string; amountMinor: string; until: string | null }>;
}

async function rowsOf<R>(db: Ledger | PoolClient, sql: string, values: unknown[]): Promise<R[]> {
	const result = await (db as { query: (s: string, v: unknown[]) => Promise<unknown> }).query(
		sql,
		values,
	);
	return Array.isArray(result) ? (result as R[]) : (result as { rows: R[] }).rows;
}

async function invoiceStates(
	db: Ledger | PoolClient,
	invoiceIds: string[],
	today: string,
	zone: string,
): Promise<Map<string, InvoiceState>> {
	const states = new Map<string, InvoiceState>(
		invoiceIds.map((id) => [id, { disputes: [], announced: [] }]),
	);
	if (!invoiceIds.length) return states;
	const disputes = await rowsOf<{
		invoice_id: string;
		category: string;
		since: string;
		part_minor: string | null;
	}>(
		db,
		`SELECT di.invoice_id::text, d.category, (d.opened_at AT TIME ZONE $2)::date::text AS since, di.disputed_minor::text AS part_minor FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
		WHERE d.status = 'open' AND di.invoice_id = ANY($1::bigint[]) ORDER BY d.opened_at, d.id`,
		[invoiceIds, zone],
	);
	for (const d of disputes)
		states.get(d.invoice_id)?.disputes.push({
			since: d.since,
			category: d.category,
			...(d.part_minor ? { partMinor: d.part_minor } : {}),
		});
	const promises = await rowsOf<{
		invoice_id: string;
		promised_on: string;
		amount_minor: string | null;
		currency: string | null;
	}>(
		db,
		`SELECT invoice_id::text, promised_on::text, amount_minor::text, currency FROM promises
		WHERE status = 'pending' AND promised_on >= $2::date AND invoice_id = ANY($1::bigint[]) ORDER BY promised_on DESC, id DESC`,
		[invoiceIds, today],
	);
	for (const p of promises) {
		const state = states.get(p.invoice_id);
		if (state && !state.promise)
			state.promise = { on: p.promised_on, amountMinor: p.amount_minor, currency: p.currency };
	}
	// A declared payment's hold is written in the same transaction as the answer: same created_at (now()).
	const announced = await rowsOf<{
		invoice_id: string;
		paid_on: string;
		amount_minor: string;
		until: string | null;
	}>(
		db,
		`SELECT pa.invoice_id::text, pa.payload->>'paidOn' AS paid_on, pa.payload->>'amountMinor' AS amount_minor, h.until::text AS until
		FROM payer_actions pa JOIN holds h ON h.invoice_id = pa.invoice_id AND h.created_at = pa.created_at AND h.created_by = 'payer_page'
		WHERE pa.kind = 'payment_declared' AND pa.invoice_id = ANY($1::bigint[]) AND h.released_at IS NULL AND (h.until IS NULL OR h.until >= $2::date)
		ORDER BY pa.id`,
		[invoiceIds, today],
	);
	for (const a of announced)
		states
			.get(a.invoice_id)
			?.announced.push({ paidOn: a.paid_on, amountMinor: a.amount_minor, until: a.until });
	return states;
}

/**
 * The customer's pending promises not tied to one invoice (a call, the collector), not yet due: the reminder planner
 * holds every open invoice of the customer until the latest of them, as it does for an invoice's own promise.
 */
interface AccountPromise {
	on: string;
	amountMinor: string | null;
	currency: string | null;
}

async function accountPromises(
	db: Ledger | PoolClient,
	customerId: string,
	today: string,
): Promise<AccountPromise[]> {
	return await rowsOf<AccountPromise>(
		db,
		`SELECT promised_on::text AS "on", amount_minor::text AS "amountMinor", currency FROM promises
		WHERE customer_id = $1 AND invoice_id IS NULL AND status = 'pending' AND promised_on >= $2::date ORDER BY promised_on, id LIMIT 20`,
		[customerId, today],
	);
}

/** The whole-account promises as sentences: one for the top of the page, and the one each card shows (the latest date). */
function accountPromiseLines(
	lang: Lang,
	promises: AccountPromise[],
): { top: string[]; card?: string } {
	if (!promises.length) return { top: [] };
	const t = T[lang];
	const amount = (p: AccountPromise) =>
		p.amountMinor && p.currency
			? `${lang === 'fr' ? ' : ' : ': '}${formatMoney(BigInt(p.amountMinor), p.currency.trim(), lang)}`
			: '';
	const latest = promises[promises.length - 1];
	return {
		top: promises.map((p) =>
			fill(t.accountPromised, { date: formatDate(p.on, lang), amount: amount(p) }),
		),
		card: fill(t.accountCovered, { date: formatDate(latest.on, lang) }),
	};
}

function fill(text: string, values: Record<string, string>): string {
	return text.replace(/\{(\w+)\}/g, (all, key: string) => (key in values ? values[key] : all));
}

/** The invoice's state as sentences for the payer (plain text: escaped where shown). */
function stateLines(lang: Lang, state: InvoiceState | undefined, currency: string): string[] {
	if (!state) return [];
	const t = T[lang];
	const amount = (minor: string | null, cur: string | null) =>
		minor
			? `${lang === 'fr' ? ' : ' : ': '}${formatMoney(BigInt(minor), cur ?? currency, lang)}`
			: '';
	return [
		...state.disputes.map((d) =>
			fill(d.partMinor ? t.disputePartOpen : t.disputeOpen, {
				date: formatDate(d.since, lang),
				category: t.categories[d.category] ?? disputeCategoryLabel(d.category, lang),
				amount: d.partMinor ? formatMoney(BigInt(d.partMinor), currency, lang) : '',
			}),
		),
		...(state.promise
			? [
					fill(t.promised, {
						date: formatDate(state.promise.on, lang),
						amount: amount(state.promise.amountMinor, state.promise.currency),
					}),
				]
			: []),
		...state.announced.map((a) =>
			fill(t.announced, {
				date: formatDate(a.paidOn, lang),
				amount: amount(a.amountMinor, currency),
				until: a.until ? formatDate(a.until, lang) : '—',
			}),
		),
	];
}

/** Why an answer is refused given the invoice's state (the same rules that hide its button), or nothing. */
function refusal(
	lang: Lang,
	kind: PayerActionKind,
	state: InvoiceState | undefined,
): string | undefined {
	if (!state) return undefined;
	const t = T[lang];
	if (kind === 'dispute' && state.disputes.length)
		return fill(t.alreadyDisputed, { date: formatDate(state.disputes[0].since, lang) });
	if (kind === 'promise' && state.promise)
		return fill(t.alreadyPromised, { date: formatDate(state.promise.on, lang) });
	if (kind === 'promise' && state.announced.length) return t.alreadyAnnounced;
	return undefined;
}

/** The company's bank details for a transfer (only with an IBAN in the company settings), and the reference to quote. */
function bankBlock(lang: Lang, company: CompanyInfo | undefined, hasInvoices: boolean): string {
	if (!company?.iban || !hasInvoices) return '';
	const t = T[lang];
	const beneficiary = companyLegalName(company);
	return `<div class="card bank"><b>${t.bank}</b>${beneficiary ? `<div>${t.beneficiary} : ${escapeHtml(beneficiary)}</div>` : ''}<div>IBAN : <span class="iban">${escapeHtml(formatIban(company.iban))}</span></div>${company.bic ? `<div>BIC : ${escapeHtml(company.bic)}</div>` : ''}<div class="muted">${t.bankRef}</div></div>`;
}

/**
 * A line's amount in minor units, read from the same field the invoice copy prints (lineText's order), or undefined
 * when the line has none the page can read exactly.
 */
function lineAmountMinor(line: unknown, currency: string): bigint | undefined {
	if (!line || typeof line !== 'object') return undefined;
	const l = line as Record<string, unknown>;
	for (const key of [
		'lineTotalMinor',
		'netAmountMinor',
		'amountMinor',
		'lineTotal',
		'netAmount',
		'amount',
	]) {
		const v = l[key];
		if (v === undefined || v === null || v === '') continue;
		if (key.endsWith('Minor')) return /^-?\d+$/.test(String(v)) ? BigInt(String(v)) : undefined;
		try {
			return parseAmount(String(v), currency);
		} catch {
			return undefined;
		}
	}
	return undefined;
}

/** The lines of an invoice a payer can tick in a dispute (at most 50; their text as the invoice copy prints it). */
function invoiceLines(
	inv: Pick<OpenInvoice, 'lines' | 'currency'>,
	lang: Lang,
): Array<{ index: number; text: string; amountMinor?: string }> {
	const lines = Array.isArray(inv.lines) ? inv.lines.slice(0, 50) : [];
	return lines.flatMap((line, index) => {
		const text = lineText(line, inv.currency, lang)?.replace(/^- /, '');
		const amount = lineAmountMinor(line, inv.currency);
		return text
			? [
					{
						index: index + 1,
						text,
						...(amount !== undefined ? { amountMinor: amount.toString() } : {}),
					},
				]
			: [];
	});
}

/**
 * The part of an invoice the ticked lines dispute: the sum of their amounts, when every ticked line has one, it is
 * positive and less than what is left to pay. Otherwise (a line without an amount, a credit line making the sum
 * zero or less, lines adding up to the open amount or more) the dispute covers the whole invoice.
 */
function disputedPart(
	ticked: Array<{ amountMinor?: string }>,
	openMinor: bigint,
): bigint | undefined {
	if (!ticked.length || ticked.some((l) => l.amountMinor === undefined)) return undefined;
	const sum = ticked.reduce((total, l) => total + BigInt(l.amountMinor!), 0n);
	return sum > 0n && sum < openMinor ? sum : undefined;
}

function lineChoices(lang: Lang, inv: OpenInvoice): string {
	const lines = invoiceLines(inv, lang);
	if (lines.length < 2) return '';
	return `<fieldset class="lines"><legend>${T[lang].disputedLines}</legend>${lines.map((l) => `<label class="line"><input type="checkbox" name="line_${l.index}" value="1" style="width:auto"> ${l.index}. ${escapeHtml(l.text)}</label>`).join('')}</fieldset>`;
}

function render(
	lang: Lang,
	customer: Customer,
	invoices: OpenInvoice[],
	chargesByInvoice: Map<string, LatePaymentCharges>,
	delivered: Set<string>,
	today: string,
	token: string,
	formToken: string,
	actionUrl: string,
	message?: { ok: boolean; text: string },
	company?: CompanyInfo,
	states: Map<string, InvoiceState> = new Map(),
	account: AccountPromise[] = [],
	maxAttachmentBytes = DEFAULT_MAX_ATTACHMENT_BYTES,
): string {
	const t = T[lang];
	// A declared payment and a dispute may carry a file: those two forms post multipart (no script needed).
	const fileInput = (label: string) =>
		`<label>${escapeHtml(fill(label, { max: attachmentSizeText(maxAttachmentBytes, lang) }))}<input type="file" name="${ATTACHMENT_FIELD}" accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"></label>`;
	const promised = accountPromiseLines(lang, account);
	const hidden = `<input type="hidden" name="t" value="${escapeHtml(token)}"><input type="hidden" name="f" value="${escapeHtml(formToken)}"><input type="hidden" name="lang" value="${lang}">`;
	const form = (action: string, invoice: string, fields: string, label: string) =>
		`<details><summary>${escapeHtml(label)}</summary><form method="post" action="${escapeHtml(actionUrl)}"${fields.includes('type="file"') ? ' enctype="multipart/form-data"' : ''}>${hidden}<input type="hidden" name="action" value="${action}"><input type="hidden" name="invoice" value="${escapeHtml(invoice)}">${fields}<button type="submit">${t.send}</button></form></details>`;
	const download = (action: string, invoice: string, label: string) =>
		`<form method="post" action="${escapeHtml(actionUrl)}" class="dl">${hidden}<input type="hidden" name="action" value="${action}"><input type="hidden" name="invoice" value="${escapeHtml(invoice)}"><button type="submit" class="link">${escapeHtml(label)}</button></form>`;
	const cards = invoices
		.map((inv) => {
			const open = BigInt(inv.open_minor);
			const late = today > inv.due_date ? daysBetween(inv.due_date, today) : 0;
			// The charges as the reminders compute them: each amount for its own period, under the customer's governing law.
			let charges = '';
			const c = late > 0 ? chargesByInvoice.get(inv.id) : undefined;
			if (c && (c.interestMinor > 0n || c.fixedIndemnityMinor > 0n)) {
				const total =
					c.fixedIndemnityCurrency === inv.currency
						? formatMoney(c.interestMinor + c.fixedIndemnityMinor, inv.currency, lang)
						: `${formatMoney(c.interestMinor, inv.currency, lang)} + ${formatMoney(c.fixedIndemnityMinor, c.fixedIndemnityCurrency, lang)}`;
				charges = `<div class="muted">${t.charges} : ${escapeHtml(total)}</div>`;
			}
			const rf = creditorReference(inv.number);
			const id = escapeHtml(inv.number);
			const state = states.get(inv.id);
			return `<div class="card"><b>${id}</b><div>${t.open} : <strong>${escapeHtml(formatMoney(open, inv.currency, lang))}</strong></div>
<div class="muted">${t.due} ${escapeHtml(inv.due_date)}${late > 0 ? ` — <span class="late">${late} ${t.late}</span>` : ''}</div>${charges}
${rf ? `<div class="muted">${t.ref} : ${escapeHtml(formatCreditorReference(rf))}</div>` : ''}
${[...(promised.card ? [promised.card] : []), ...stateLines(lang, state, inv.currency)].map((line) => `<p class="state">${escapeHtml(line)}</p>`).join('')}
${form('payment_declared', inv.number, `<label>${t.date}<input type="date" name="date" max="${today}" required></label><label>${t.amount}<input name="amount" inputmode="decimal" value="${escapeHtml(formatMoney(open, inv.currency, 'en').replace(/[^0-9.]/g, ''))}" required></label><label>${t.reference}<input name="reference" maxlength="140"></label>${fileInput(t.proofFile)}`, state?.announced.length ? t.paidAgain : t.paid)}
${refusal(lang, 'promise', state) ? '' : form('promise', inv.number, `<label>${t.date}<input type="date" name="date" min="${today}" required></label><label>${t.amount}<input name="amount" inputmode="decimal" value="${escapeHtml(formatMoney(open, inv.currency, 'en').replace(/[^0-9.]/g, ''))}"></label>`, t.promise)}
${refusal(lang, 'dispute', state) ? '' : form('dispute', inv.number, `${lineChoices(lang, inv)}<label>${t.category}<select name="category">${DISPUTE_LEDGER_CATEGORIES.map((c) => `<option value="${c}">${escapeHtml(t.categories[c])}</option>`).join('')}</select></label><label>${t.reason}<textarea name="reason" rows="3" maxlength="2000" required></textarea></label>${fileInput(t.disputeFile)}`, t.dispute)}
${download('download_copy', inv.number, t.downloadCopy)}${delivered.has(inv.id) ? download('download_proof', inv.number, t.downloadProof) : ''}
${form('copy_request', inv.number, '', t.copy)}</div>`;
		})
		.join('');
	const notice = message
		? `<p class="${message.ok ? 'ok' : 'err'}" role="status">${escapeHtml(message.text)}</p>`
		: '';
	const accountNotice = invoices.length
		? promised.top.map((line) => `<p class="state account">${escapeHtml(line)}</p>`).join('')
		: '';
	return html(
		lang,
		t.title,
		`<h1>${t.title} — ${escapeHtml(customer.name)}</h1>${notice}<p>${t.intro}</p>${accountNotice}${bankBlock(lang, company, invoices.length > 0)}${cards || `<p>${t.none}</p>`}
${form('contact_request', '', '', t.contact)}
${form('billing_email', '', `<label>${t.newEmail}<input type="email" name="email" maxlength="254" autocomplete="email" required></label>`, t.billing)}
<form method="post" action="${escapeHtml(actionUrl)}"><input type="hidden" name="t" value="${escapeHtml(token)}"><input type="hidden" name="lang" value="${lang === 'fr' ? 'en' : 'fr'}"><button type="submit" style="background:none;color:#1f5fbf;width:auto;padding:0;text-decoration:underline">${lang === 'fr' ? 'English' : 'Français'}</button></form>`,
	);
}

function tokenOf(req: PageRequest): string {
	const fromBody = field(req, 't', 1000);
	const q = req.query?.t;
	return fromBody || (typeof q === 'string' ? q.slice(0, 1000) : '');
}

/** Serves the payer page (GET from the link, POST for answers). Never throws: a failure is a page. */
export async function payerPage(
	ledger: Ledger,
	req: PayerPageRequest,
	options: PayerPageOptions = {},
): Promise<PageResponse> {
	const now = options.now ?? new Date();
	const zone = options.zone ?? DEFAULT_ZONE;
	const today = todayIn(zone, now);
	const q = req.query?.lang;
	const asked = field(req, 'lang') || (typeof q === 'string' ? q : '');
	const raw = JSON.stringify(req.body ?? {}) + JSON.stringify(req.query ?? {});
	if (raw.includes('\\u0000') || raw.includes('\uFFFD'))
		return respond(
			400,
			html(
				asked === 'en' ? 'en' : 'fr',
				'Bad request',
				'<p class="err">Bad request / Requête invalide.</p>',
			),
		);
	try {
		const confirmation =
			field(req, 'e', 1000) || (typeof req.query?.e === 'string' ? req.query.e.slice(0, 1000) : '');
		if (confirmation)
			return await confirmBillingEmail(ledger, req, confirmation, asked, now, options);
		const token = tokenOf(req);
		const { customer, reason } = await customerOf(ledger, token, now);
		const lang: Lang =
			asked === 'fr' || asked === 'en' ? asked : customer?.language?.trim() === 'en' ? 'en' : 'fr';
		if (!customer)
			return respond(
				reason === 'expired' ? 410 : 403,
				html(
					lang,
					T[lang].title,
					`<h1>${T[lang].title}</h1><p class="err" role="alert">${reason === 'expired' ? T[lang].expired : T[lang].invalid}</p>`,
				),
			);
		const [formKey] = await serverKeys(ledger, 'form');
		const formToken = signToken(
			{ c: customer.id, v: customer.payer_link_version },
			formKey,
			FORM_PURPOSE,
			2 * 3600,
			now,
		);
		const action = (req.method ?? 'GET').toUpperCase() === 'POST' ? field(req, 'action', 40) : '';
		let message: { ok: boolean; text: string } | undefined;
		let status = 200;
		if (action === 'download_copy' || action === 'download_proof') {
			const form = verifyToken<{ c: string; v: number }>(
				field(req, 'f', 1000),
				await serverKeys(ledger, 'form'),
				FORM_PURPOSE,
				now,
			);
			if (
				!form.ok ||
				form.payload.c !== customer.id ||
				form.payload.v !== customer.payer_link_version
			) {
				message = { ok: false, text: T[lang].formExpired };
				status = 403;
			} else {
				const file = await download(ledger, customer, action, field(req, 'invoice', 100), lang);
				if ('file' in file) return file.file;
				message = { ok: false, text: file.error };
				status = file.status;
			}
		} else if (action) {
			const form = verifyToken<{ c: string; v: number }>(
				field(req, 'f', 1000),
				await serverKeys(ledger, 'form'),
				FORM_PURPOSE,
				now,
			);
			if (
				!form.ok ||
				form.payload.c !== customer.id ||
				form.payload.v !== customer.payer_link_version
			) {
				message = { ok: false, text: T[lang].formExpired };
				status = 403;
			} else {
				const outcome = await act(ledger, customer, action as PayerActionKind, req, {
					...options,
					today,
					zone,
					lang,
					now,
				});
				message = outcome.ok
					? { ok: true, text: T[lang].thanks }
					: { ok: false, text: outcome.error };
				status = outcome.status;
				if (outcome.ok && outcome.confirmation) {
					// Written already (the request is in the timeline); the address changes only once confirmed from it.
					const sent = await options.sendMail!(
						outcome.confirmation.to,
						billingConfirmationMail(customer.name, outcome.confirmation.link),
					).then(
						() => true,
						() => false,
					);
					message = sent
						? { ok: true, text: T[lang].emailSent }
						: { ok: false, text: T[lang].cannotSend };
					if (!sent) status = 502;
				}
				if (outcome.ok && outcome.notice && options.notify)
					await options.notify(outcome.notice).catch(() => undefined);
			}
		}
		const invoices = await openInvoices(ledger, customer.id);
		const statement = await statementOfCharges(ledger, {
			customerExternalId: customer.external_id,
			asOf: today,
			zone,
			includeOpen: true,
		}).catch(() => undefined);
		const chargesByInvoice = new Map((statement?.lines ?? []).map((l) => [l.invoiceId, l.charges]));
		const delivered = await deliveredInvoiceIds(
			ledger,
			invoices.map((i) => i.id),
		);
		const company = await loadCompany(ledger).catch(() => undefined);
		const states = await invoiceStates(
			ledger,
			invoices.map((i) => i.id),
			today,
			zone,
		);
		const account = await accountPromises(ledger, customer.id, today);
		return respond(
			status,
			render(
				lang,
				customer,
				invoices,
				chargesByInvoice,
				delivered,
				today,
				token,
				formToken,
				options.actionUrl ?? '',
				message,
				company,
				states,
				account,
				options.maxAttachmentBytes,
			),
		);
	} catch (error) {
		return {
			...respond(
				503,
				html(
					'fr',
					'Indisponible',
					'<p class="err">Service momentanément indisponible. Réessayez dans quelques minutes. / Service temporarily unavailable.</p>',
				),
			),
			failure: (error as Error).message,
		};
	}
}

/**
 * A copy of one of the customer's open invoices, or its proof of delivery, as a PDF download; the download is kept
 * in the customer's timeline (the customer has the invoice: useful when they say they never received it).
 */
async function download(
	ledger: Ledger,
	customer: Customer,
	action: 'download_copy' | 'download_proof',
	number: string,
	lang: Lang,
): Promise<{ file: PageResponse } | { status: number; error: string }> {
	const invoice = (await openInvoices(ledger, customer.id)).find((i) => i.number === number);
	if (!invoice)
		return {
			status: 400,
			error:
				lang === 'fr'
					? "Cette facture n'est pas une de vos factures ouvertes."
					: 'This invoice is not one of your open invoices.',
		};
	const company = await loadCompany(ledger);
	let filename: string;
	let content: Buffer;
	if (action === 'download_copy') {
		const copy = await invoiceCopyOfLedgerInvoice(ledger, invoice.id, company);
		filename = copy.filename;
		content = copy.content;
	} else {
		const proof = (await loadDeliveryProofs(ledger, [invoice.id])).get(invoice.id);
		if (!proof) return { status: 404, error: T[lang].noProof };
		const language = customer.language?.trim() === 'en' ? 'en' : 'fr';
		const who = {
			customer: {
				language,
				legalName: customer.legal_name,
				name: customer.name,
				externalId: customer.external_id,
			} as const,
		};
		content = Buffer.from(
			await proofOfDeliveryPdf(
				{
					number: invoice.number,
					currency: invoice.currency,
					payableMinor: BigInt(invoice.payable_minor),
				},
				proof,
				who,
				company,
			),
		);
		filename = proofFileName({ number: invoice.number }, language);
	}
	const file = action === 'download_copy' ? 'invoice_copy' : 'proof_of_delivery';
	const said = payerSaid('payer_download', { file, invoice: invoice.number });
	await ledger.query(
		`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload) VALUES ($1, $2, 'payer_download', 'payer_page', 'payer', $3, $4)`,
		[
			customer.id,
			invoice.id,
			said.en,
			JSON.stringify({ file, summaryFr: said.fr, timeline: said.timeline }),
		],
	);
	const headers = {
		...PAGE_HEADERS,
		'Content-Type': 'application/pdf',
		'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
	};
	return { file: { status: 200, headers, body: '', file: content } };
}

type ActOutcome =
	| { ok: true; status: number; notice?: PayerNotice; confirmation?: { to: string; link: string } }
	| { ok: false; status: number; error: string };

/** What identifies the customer's billing addresses at the time a change was asked: a confirmation applies only to them. */
function emailsKey(emails: string[] | null): string {
	return createHash('sha256')
		.update(JSON.stringify([...(emails ?? [])].map((e) => e.toLowerCase()).sort()))
		.digest('base64url')
		.slice(0, 22);
}

/** The message to the new billing address: the link that confirms it (French then English, plain text). */
function billingConfirmationMail(
	customerName: string,
	link: string,
): { subject: string; text: string } {
	const name = String(customerName).replace(/\s+/g, ' ').trim();
	return {
		subject: 'Confirmez votre adresse de facturation / Confirm your billing e-mail',
		text: [
			'Bonjour,',
			'',
			`Il a été demandé, sur la page de compte de ${name}, que les relances et factures soient envoyées à cette adresse. Pour le confirmer, ouvrez ce lien (valable ${EMAIL_CONFIRM_DAYS} jours) :`,
			link,
			'',
			"Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : rien ne change.",
			'',
			'---',
			'',
			'Hello,',
			'',
			`On the account page of ${name}, it was asked that reminders and invoices be sent to this address. To confirm, open this link (valid ${EMAIL_CONFIRM_DAYS} days):`,
			link,
			'',
			'If you did not ask for this, ignore this message: nothing changes.',
			'',
		].join('\n'),
	};
}

/** The message to the addresses a confirmed change replaced (French then English, plain text, no link). */
function billingChangedMail(
	customerName: string,
	email: string,
): { subject: string; text: string } {
	const name = String(customerName).replace(/\s+/g, ' ').trim();
	return {
		subject: 'Adresse de facturation modifiée / Billing e-mail changed',
		text: [
			'Bonjour,',
			'',
			`Les relances et factures de ${name} seront désormais envoyées à ${email}, à la demande confirmée depuis cette adresse. Si ce changement ne vient pas de vous, répondez à ce message ou contactez-nous.`,
			'',
			'---',
			'',
			'Hello,',
			'',
			`Reminders and invoices of ${name} will now be sent to ${email}, as asked and confirmed from that address. If this change is not yours, reply to this message or contact us.`,
			'',
		].join('\n'),
	};
}

/**
 * The link of the message sent to a new billing address: a GET shows what will change and a button (a mail scanner
 * that opens links changes nothing); the POST makes the change, once, while the customer's addresses and link
 * version are still those of the request, and tells the collector.
 */
async function confirmBillingEmail(
	ledger: Ledger,
	req: PageRequest,
	token: string,
	asked: string,
	now: Date,
	options: PayerPageOptions,
): Promise<PageResponse> {
	const verdict = verifyToken<{ c: string; v: number; e: string; h: string }>(
		token,
		await serverKeys(ledger, 'payer'),
		EMAIL_PURPOSE,
		now,
	);
	const langOf = (c?: Customer): Lang =>
		asked === 'fr' || asked === 'en' ? asked : c?.language?.trim() === 'en' ? 'en' : 'fr';
	const invalid = (status: number, c?: Customer) => {
		const lang = langOf(c);
		return respond(
			status,
			html(
				lang,
				T[lang].confirmTitle,
				`<h1>${T[lang].confirmTitle}</h1><p class="err" role="alert">${T[lang].confirmInvalid}</p>`,
			),
		);
	};
	if (!verdict.ok) return invalid(verdict.reason === 'expired' ? 410 : 403);
	const { c, v, e, h } = verdict.payload;
	const [customer] = await ledger.query<Customer & { emails: string[] }>(
		'SELECT id, external_id, name, legal_name, language, payer_link_version, emails FROM customers WHERE id = $1',
		[c],
	);
	if (!customer) return invalid(403);
	if (
		customer.payer_link_version !== v ||
		emailsKey(customer.emails) !== h ||
		typeof e !== 'string' ||
		checkEmailAddress(e)
	)
		return invalid(410, customer);
	const lang = langOf(customer);
	const t = T[lang];
	if (
		(req.method ?? 'GET').toUpperCase() !== 'POST' ||
		field(req, 'action', 40) !== 'billing_email_confirm'
	) {
		return respond(
			200,
			html(
				lang,
				t.confirmTitle,
				`<h1>${t.confirmTitle}</h1><p>${escapeHtml(t.confirmText.replace('{name}', customer.name).replace('{email}', e))}</p><form method="post" action="${escapeHtml(options.actionUrl ?? '')}"><input type="hidden" name="e" value="${escapeHtml(token)}"><input type="hidden" name="lang" value="${lang}"><input type="hidden" name="action" value="billing_email_confirm"><button type="submit">${t.confirm}</button></form>`,
			),
		);
	}
	const summary = await ledger.transaction(async (client) => {
		await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
			`receivables.payer.${customer.id}`,
		]);
		const [row] = (
			await client.query<{ emails: string[]; payer_link_version: number }>(
				'SELECT emails, payer_link_version FROM customers WHERE id = $1 FOR UPDATE',
				[customer.id],
			)
		).rows;
		if (!row || row.payer_link_version !== v || emailsKey(row.emails) !== h) return undefined;
		await client.query(
			"UPDATE customers SET emails = ARRAY[$2]::text[], email_status = 'ok' WHERE id = $1",
			[customer.id, e],
		);
		const payload = { actionId: randomUUID(), previous: row.emails, email: e };
		await client.query(
			"INSERT INTO payer_actions (customer_id, kind, payload) VALUES ($1, 'billing_email_changed', $2)",
			[customer.id, JSON.stringify(payload)],
		);
		const said = payerSaid('payer_billing_email_changed', { previous: row.emails, email: e });
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload) VALUES ($1, NULL, 'payer_answer', 'payer_page', 'payer', $2, $3)`,
			[
				customer.id,
				said.en,
				JSON.stringify({
					...payload,
					kind: 'billing_email',
					summaryFr: said.fr,
					timeline: said.timeline,
				}),
			],
		);
		return { en: said.en, fr: said.fr, previous: row.emails };
	});
	if (!summary) return invalid(410, customer);
	// The addresses replaced are told (a leaked link used to divert reminders does not go unseen).
	for (const previous of summary.previous.slice(0, 5)) {
		if (previous.toLowerCase() !== e.toLowerCase())
			await options
				.sendMail?.(previous, billingChangedMail(customer.name, e))
				.catch(() => undefined);
	}
	if (options.notify)
		await options
			.notify({
				kind: 'billing_email',
				customerExternalId: customer.external_id,
				customerName: customer.name,
				invoiceNumber: null,
				summary: { en: summary.en, fr: summary.fr },
			})
			.catch(() => undefined);
	return respond(
		200,
		html(
			lang,
			t.confirmTitle,
			`<h1>${t.confirmTitle}</h1><p class="ok" role="status">${escapeHtml(t.emailChanged.replace('{email}', e))}</p>`,
		),
	);
}

async function act(
	ledger: Ledger,
	customer: Customer,
	kind: PayerActionKind,
	req: PayerPageRequest,
	o: PayerPageOptions & { today: string; zone: string; lang: Lang; now: Date },
): Promise<ActOutcome> {
	const fr = o.lang === 'fr';
	const bad = (en: string, frText: string): ActOutcome => ({
		ok: false,
		status: 400,
		error: fr ? frText : en,
	});
	if (
		![
			'payment_declared',
			'promise',
			'dispute',
			'copy_request',
			'contact_request',
			'billing_email',
		].includes(kind)
	)
		return bad('Unknown answer.', 'Réponse inconnue.');
	const routing = kind === 'dispute' ? await disputeRouting(ledger) : undefined;
	return await ledger.transaction(async (client): Promise<ActOutcome> => {
		// One answer at a time per customer; the hourly limit counts what was already written.
		await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
			`receivables.payer.${customer.id}`,
		]);
		const [{ n }] = (
			await client.query<{ n: string }>(
				"SELECT count(*)::text AS n FROM payer_actions WHERE customer_id = $1 AND created_at > now() - interval '1 hour'",
				[customer.id],
			)
		).rows;
		if (Number(n) >= (o.actionsPerHour ?? 10))
			return { ok: false, status: 429, error: T[o.lang].tooMany };
		const number = field(req, 'invoice', 100);
		let invoice: OpenInvoice | undefined;
		if (kind !== 'contact_request' && kind !== 'billing_email') {
			invoice = (await openInvoices(client, customer.id)).find((i) => i.number === number);
			if (!invoice)
				return bad(
					'This invoice is not one of your open invoices.',
					"Cette facture n'est pas une de vos factures ouvertes.",
				);
			// What was already said about the invoice (read under the customer's lock): no second dispute or promise.
			const refused = refusal(
				o.lang,
				kind,
				(await invoiceStates(client, [invoice.id], o.today, o.zone)).get(invoice.id),
			);
			if (refused) return { ok: false, status: 409, error: refused };
		}
		const amountOf = (text: string): bigint | undefined => {
			if (!text) return undefined;
			try {
				const minor = parseAmount(text, invoice!.currency);
				return minor > 0n && minor <= BigInt(invoice!.open_minor) ? minor : undefined;
			} catch {
				return undefined;
			}
		};
		// A file with a declared payment or a dispute: checked (size, type read from its bytes) before anything is written.
		const upload =
			kind === 'payment_declared' || kind === 'dispute'
				? checkUpload(req.uploads, o.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES, o.lang)
				: undefined;
		if (upload && !upload.ok) return { ok: false, status: upload.status, error: upload.error };
		const actionId = randomUUID();
		const payload: Record<string, unknown> = { actionId };
		let attachment: PayerAttachmentRef | undefined;
		let event: { key: TimelineEventKey; fields: TimelineFields };
		let routed: { owner?: string; disputeId?: string } = {};
		let confirmation: { to: string; link: string } | undefined;
		if (kind === 'promise') {
			const date = parseCalendarDate(field(req, 'date', 20));
			const latest = addDays(o.today, o.maxPromiseDays ?? 30);
			if (!date || date < o.today || date > latest)
				return bad(
					`Choose a date between today and ${latest}.`,
					`Choisissez une date entre aujourd'hui et le ${latest}.`,
				);
			const amount = field(req, 'amount', 40)
				? amountOf(field(req, 'amount', 40))
				: BigInt(invoice!.open_minor);
			if (amount === undefined)
				return bad(
					'The amount must be positive and at most what is left to pay.',
					'Le montant doit être positif et au plus égal au reste à payer.',
				);
			await client.query(
				`INSERT INTO promises (customer_id, invoice_id, promised_on, amount_minor, currency, source, source_ref, note) VALUES ($1, $2, $3, $4, $5, 'payer_page', $6, $7)`,
				[
					customer.id,
					invoice!.id,
					date,
					amount.toString(),
					invoice!.currency,
					actionId,
					'promised by the payer on the payer page',
				],
			);
			Object.assign(payload, { promisedOn: date, amountMinor: amount.toString() });
			event = {
				key: 'payer_promise',
				fields: {
					amountMinor: amount.toString(),
					currency: invoice!.currency,
					promisedOn: date,
					invoice: invoice!.number,
				},
			};
		} else if (kind === 'payment_declared') {
			const date = parseCalendarDate(field(req, 'date', 20));
			if (!date || date > o.today)
				return bad(
					'Give the day the payment was made (today or before).',
					'Indiquez le jour du paiement (aujourd’hui ou avant).',
				);
			const amount = amountOf(field(req, 'amount', 40));
			if (amount === undefined)
				return bad(
					'The amount must be positive and at most what is left to pay.',
					'Le montant doit être positif et au plus égal au reste à payer.',
				);
			const reference = field(req, 'reference', 140);
			const until = addDays(o.today, o.declaredPaymentHoldDays ?? 10);
			await client.query(
				'INSERT INTO holds (customer_id, invoice_id, reason, until, created_by) VALUES ($1, $2, $3, $4, $5)',
				[
					customer.id,
					invoice!.id,
					`Paiement déclaré par le payeur (${date}) / payment declared by the payer`,
					until,
					'payer_page',
				],
			);
			if (upload?.ok)
				attachment = await storeAttachment(client, upload, {
					customerId: customer.id,
					invoiceId: invoice!.id,
					purpose: 'payment_proof',
				});
			Object.assign(payload, { paidOn: date, amountMinor: amount.toString(), reference });
			event = {
				key: 'payer_payment_declared',
				fields: {
					amountMinor: amount.toString(),
					currency: invoice!.currency,
					paidOn: date,
					invoice: invoice!.number,
					reference: reference || undefined,
					heldUntil: until,
				},
			};
		} else if (kind === 'dispute') {
			const category = field(req, 'category', 40) as DisputeLedgerCategory;
			const reason = field(req, 'reason', 2000);
			if (!DISPUTE_LEDGER_CATEGORIES.includes(category))
				return bad('Choose what the dispute is about.', 'Choisissez la nature de la contestation.');
			if (!reason)
				return bad(
					'Say why you dispute the invoice.',
					'Indiquez pourquoi vous contestez la facture.',
				);
			// Some lines only: the ticked ones, as the invoice lists them (dunning of the invoice pauses all the same).
			const ticked = invoiceLines(invoice!, o.lang).filter(
				(l) => field(req, `line_${l.index}`, 5) === '1',
			);
			const linesText = ticked.map((l) => `${l.index}. ${l.text}`).join(' ; ');
			const evidence = ticked.length
				? `${reason}\n${o.lang === 'fr' ? 'Lignes contestées' : 'Lines disputed'} : ${linesText}`
				: reason;
			// The dispute's amount is the sum of the ticked lines; the rest of the invoice stays in dunning.
			const part = disputedPart(ticked, BigInt(invoice!.open_minor));
			const opened = await openDisputeIn(client, routing!, {
				invoices: [invoice!.number],
				customer: customer.external_id,
				category,
				evidence,
				source: 'payer_page',
				sourceRef: actionId,
				language: o.lang,
				asOf: o.today,
				zone: o.zone,
				actor: 'payer_page',
				...(part !== undefined ? { disputedMinor: part } : {}),
			});
			Object.assign(payload, {
				category,
				reason,
				disputeId: opened.disputeId,
				...(ticked.length ? { lines: ticked } : {}),
				...(part !== undefined ? { disputedMinor: part.toString() } : {}),
			});
			routed = { owner: opened.owner, disputeId: opened.disputeId };
			if (upload?.ok)
				attachment = await storeAttachment(client, upload, {
					customerId: customer.id,
					invoiceId: invoice!.id,
					disputeId: opened.disputeId,
					purpose: 'dispute_document',
				});
			event = {
				key: 'payer_dispute',
				fields: {
					invoice: invoice!.number,
					category,
					reason,
					currency: invoice!.currency,
					lines: ticked.length ? linesText : undefined,
					disputedMinor: ticked.length && part !== undefined ? part.toString() : undefined,
					restMinor:
						ticked.length && part !== undefined
							? (BigInt(invoice!.open_minor) - part).toString()
							: undefined,
				},
			};
		} else if (kind === 'billing_email') {
			const email = field(req, 'email', 300);
			if (email.length > 254 || checkEmailAddress(email))
				return bad('Give a valid e-mail address.', 'Indiquez une adresse e-mail valide.');
			if (!o.sendMail || !o.pageUrl) return { ok: false, status: 503, error: T[o.lang].cannotSend };
			const [row] = (
				await client.query<{ emails: string[] }>('SELECT emails FROM customers WHERE id = $1', [
					customer.id,
				])
			).rows;
			const [key] = await serverKeys(client, 'payer');
			const signed = signToken(
				{ c: customer.id, v: customer.payer_link_version, e: email, h: emailsKey(row.emails) },
				key,
				EMAIL_PURPOSE,
				EMAIL_CONFIRM_DAYS * 86400,
				o.now,
			);
			confirmation = {
				to: email,
				link: `${o.pageUrl}${o.pageUrl.includes('?') ? '&' : '?'}e=${signed}`,
			};
			Object.assign(payload, { email });
			event = { key: 'payer_billing_email_requested', fields: { email } };
		} else if (kind === 'copy_request') {
			event = { key: 'payer_copy_request', fields: { invoice: invoice!.number } };
		} else {
			event = { key: 'payer_contact_request', fields: {} };
		}
		if (attachment) {
			payload.attachment = attachment;
			Object.assign(event.fields, {
				attachmentId: attachment.attachmentId,
				attachmentFile: attachment.fileName,
				attachmentType: attachment.contentType,
				attachmentBytes: attachment.sizeBytes,
			});
		}
		const said = payerSaid(event.key, event.fields);
		const summary = { en: said.en, fr: said.fr };
		await client.query(
			'INSERT INTO payer_actions (customer_id, invoice_id, kind, payload) VALUES ($1, $2, $3, $4)',
			[
				customer.id,
				invoice?.id ?? null,
				kind === 'billing_email' ? 'billing_email_requested' : kind,
				JSON.stringify(payload),
			],
		);
		await client.query(
			`INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload) VALUES ($1, $2, 'payer_answer', 'payer_page', 'payer', $3, $4)`,
			[
				customer.id,
				invoice?.id ?? null,
				summary.en,
				JSON.stringify({ ...payload, kind, summaryFr: summary.fr, timeline: said.timeline }),
			],
		);
		if (confirmation) return { ok: true, status: 200, confirmation };
		return {
			ok: true,
			status: 200,
			notice: {
				kind,
				customerExternalId: customer.external_id,
				customerName: customer.name,
				invoiceNumber: invoice?.number ?? null,
				...routed,
				...(payload.disputedMinor ? { partialDispute: true } : {}),
				...(attachment ? { attachment } : {}),
				summary,
			},
		};
	});
}

/** A payer's action as a timeline event, with its English and French sentences (the French also kept as `summaryFr`). */
function payerSaid(key: TimelineEventKey, fields: TimelineFields) {
	const { summary, timeline } = timelineEvent(key, fields);
	return { en: summary, fr: renderTimelineEvent(timeline, 'fr'), timeline };
}
