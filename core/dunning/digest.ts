import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { formatMoney } from '../money';
import { addDays, DEFAULT_ZONE, parseCalendarDate, todayIn } from '../time';
import { loadPolicies } from './policy';
import { planReminders } from './plan';
import { escapeMessageHtml, textToHtml, type Language } from './templates';
import { formatDate } from './render';

/**
 * The reminder of reminders: for each collector, what the stages will send today (per stage, with the letters
 * to print) and what went wrong recently (failed, to retry, uncertain, bounced) — to check before it goes out.
 */
export interface DigestOptions {
	asOf?: string;
	zone?: string;
	/** Stage codes to look at (default: every stage of every policy). */
	stages?: string[];
	/** Problems of the last days (default 7). */
	sinceDays?: number;
	language?: Language;
	defaultPolicy?: string;
	/**
	 * First day (YYYY-MM-DD, in the zone) of the payments kept for a person that the digest lists. Default: the
	 * previous working day (Friday on a Monday), so a payment recorded after that day's digest is not missed.
	 */
	paymentsSince?: string;
}

export interface DigestStage {
	stage: string;
	messages: number;
	invoices: number;
	letters: number;
	held: number;
	/** Totals by currency, formatted for people. */
	amounts: string[];
}

export interface DigestProblem {
	customerExternalId: string;
	customerName: string;
	invoiceNumber: string;
	stage: string;
	status: string;
	error: string | null;
	at: string;
}

/** A payment recorded in the digest's days that the rules left for a person (unapplied, ambiguous or a remainder). */
export interface DigestPayment {
	paymentId: string;
	/** The day the bank credited it. */
	receivedOn: string;
	/** The day it was recorded in the ledger (in the digest's zone). */
	recordedOn: string;
	amountMinor: string;
	/** What is still to allocate (the whole amount, or the remainder of an overpayment). */
	unappliedMinor: string;
	currency: string;
	/** Amount and remainder formatted for people. */
	amount: string;
	unapplied: string;
	status: string;
	payerName: string | null;
	reference: string | null;
	/** The customer, when the rules found it (the payment then goes to its collector). */
	customer: { externalId: string; name: string } | null;
	/** Stable code of why it was kept, and the reason in the digest's language. */
	reasonCode: string | null;
	reason: string;
	/** The invoices (or, when the payer could be several customers, the customers) a person should look at. */
	candidates: string[];
}

export interface CollectorDigest {
	asOf: string;
	collector: { code: string; name: string; email: string | null } | null;
	stages: DigestStage[];
	problems: DigestProblem[];
	/** Payments recorded since `paymentsSince` still waiting for a person, for Apply Payment. */
	payments: DigestPayment[];
	subject: string;
	text: string;
	html: string;
}

const WORDS = {
	fr: {
		subject: (date: string, n: number, p: number) =>
			`Relances du ${date} : ${n} envoi(s) prévu(s), ${p} problème(s)`,
		hello: (name: string) => `Bonjour ${name},`,
		due: 'Prévu aujourd’hui :',
		none: 'Aucune relance prévue aujourd’hui.',
		stageLine: (s: DigestStage) =>
			`- ${s.stage} : ${s.messages} message(s), ${s.invoices} facture(s), ${s.amounts.join(' + ') || '0'}${s.letters ? `, dont ${s.letters} courrier(s) à imprimer` : ''}${s.held ? ` ; ${s.held} facture(s) suspendue(s)` : ''}`,
		problems: 'À vérifier :',
		noProblems: 'Aucun échec récent.',
		problemLine: (p: DigestProblem) =>
			`- ${p.customerName} (${p.customerExternalId}), facture ${p.invoiceNumber}, ${p.stage} : ${p.status}${p.error ? ` — ${p.error}` : ''}`,
		unassigned: 'Clients sans chargé de recouvrement',
		paymentsSubject: (k: number) => `, ${k} paiement(s) à affecter`,
		payments: (since: string) =>
			`Paiements reçus à affecter à la main (enregistrés depuis le ${since}) :`,
		paymentLine: (p: DigestPayment, date: string) =>
			`- ${date}, ${p.amount}${p.unapplied !== p.amount ? ` (reste ${p.unapplied})` : ''}, payeur ${p.payerName ?? 'inconnu'}${p.reference ? `, réf. « ${p.reference} »` : ''}${p.customer ? `, client ${p.customer.name} (${p.customer.externalId})` : ', client non identifié'} : ${p.reason}${p.candidates.length ? ` Candidats : ${p.candidates.join(', ')}.` : ''}`,
		noReason: 'Aucune règle ne l’a affecté.',
	},
	en: {
		subject: (date: string, n: number, p: number) =>
			`Reminders for ${date}: ${n} planned, ${p} problem(s)`,
		hello: (name: string) => `Hello ${name},`,
		due: 'Planned today:',
		none: 'No reminder planned today.',
		stageLine: (s: DigestStage) =>
			`- ${s.stage}: ${s.messages} message(s), ${s.invoices} invoice(s), ${s.amounts.join(' + ') || '0'}${s.letters ? `, incl. ${s.letters} letter(s) to print` : ''}${s.held ? `; ${s.held} invoice(s) on hold` : ''}`,
		problems: 'To check:',
		noProblems: 'No recent failure.',
		problemLine: (p: DigestProblem) =>
			`- ${p.customerName} (${p.customerExternalId}), invoice ${p.invoiceNumber}, ${p.stage}: ${p.status}${p.error ? ` — ${p.error}` : ''}`,
		unassigned: 'Customers without a collector',
		paymentsSubject: (k: number) => `, ${k} payment(s) to settle`,
		payments: (since: string) => `Payments received to settle by hand (recorded since ${since}):`,
		paymentLine: (p: DigestPayment, date: string) =>
			`- ${date}, ${p.amount}${p.unapplied !== p.amount ? ` (${p.unapplied} left)` : ''}, payer ${p.payerName ?? 'unknown'}${p.reference ? `, ref. "${p.reference}"` : ''}${p.customer ? `, customer ${p.customer.name} (${p.customer.externalId})` : ', customer not identified'}: ${p.reason}${p.candidates.length ? ` Candidates: ${p.candidates.join(', ')}.` : ''}`,
		noReason: 'No rule allocated it.',
	},
};

export async function dailyDigest(
	ledger: Ledger,
	options: DigestOptions = {},
): Promise<CollectorDigest[]> {
	const zone = options.zone ?? DEFAULT_ZONE;
	const asOf = (options.asOf && parseCalendarDate(options.asOf, zone)) || todayIn(zone);
	const language = options.language ?? 'fr';
	const words = WORDS[language];
	const policies = await loadPolicies(ledger);
	const stages = options.stages ?? [
		...new Set([...policies.values()].flatMap((p) => p.stages.map((s) => s.code))),
	];
	type Acc = {
		collector: CollectorDigest['collector'];
		stages: Map<string, DigestStage & { totals: Map<string, bigint> }>;
		problems: DigestProblem[];
		payments: DigestPayment[];
	};
	const byCollector = new Map<string, Acc>();
	const accFor = (collector: CollectorDigest['collector']): Acc => {
		const key = collector?.code ?? '';
		let acc = byCollector.get(key);
		if (!acc) {
			acc = { collector, stages: new Map(), problems: [], payments: [] };
			byCollector.set(key, acc);
		}
		return acc;
	};
	const stageOf = (acc: Acc, stage: string) => {
		let s = acc.stages.get(stage);
		if (!s) {
			s = { stage, messages: 0, invoices: 0, letters: 0, held: 0, amounts: [], totals: new Map() };
			acc.stages.set(stage, s);
		}
		return s;
	};
	for (const stage of stages) {
		const plan = await planReminders(ledger, {
			stage,
			asOf,
			zone,
			defaultPolicy: options.defaultPolicy,
		});
		for (const message of plan.due) {
			const c = message.customer.collector;
			const s = stageOf(accFor(c ? { code: c.code, name: c.name, email: c.email } : null), stage);
			s.messages++;
			s.invoices += message.invoices.length;
			if (message.channel === 'letter') s.letters++;
			s.totals.set(
				message.currency,
				(s.totals.get(message.currency) ?? 0n) + message.totalOpenMinor,
			);
		}
		if (plan.held.length) {
			const collectors = await ledger.query<{
				id: string;
				code: string | null;
				name: string | null;
				email: string | null;
			}>(
				'SELECT c.id::text, s.code, s.name, s.email FROM customers c LEFT JOIN staff s ON s.code = c.collector_code WHERE c.id = ANY($1::bigint[])',
				[[...new Set(plan.held.map((h) => h.customerId))]],
			);
			const byId = new Map(collectors.map((r) => [r.id, r]));
			for (const held of plan.held) {
				if (held.reason === 'already_sent') continue;
				const r = byId.get(held.customerId);
				stageOf(
					accFor(r?.code ? { code: r.code, name: r.name ?? r.code, email: r.email } : null),
					stage,
				).held++;
			}
		}
	}
	const problems = await ledger.query<{
		code: string | null;
		name: string | null;
		email: string | null;
		external_id: string;
		customer: string;
		number: string;
		stage: string;
		status: string;
		error: string | null;
		at: Date;
	}>(
		`SELECT s.code, s.name, s.email, c.external_id, c.name AS customer, i.number, r.stage, r.status, r.error, r.claimed_at AS at
		FROM reminders r JOIN customers c ON c.id = r.customer_id JOIN invoices i ON i.id = r.invoice_id
		LEFT JOIN staff s ON s.code = c.collector_code
		WHERE r.status IN ('failed', 'retry', 'uncertain', 'bounced', 'claimed') AND r.claimed_at >= now() - make_interval(days => $1)
		ORDER BY r.claimed_at DESC LIMIT 2000`,
		[options.sinceDays ?? 7],
	);
	for (const p of problems) {
		accFor(p.code ? { code: p.code, name: p.name ?? p.code, email: p.email } : null).problems.push({
			customerExternalId: p.external_id,
			customerName: p.customer,
			invoiceNumber: p.number,
			stage: p.stage,
			status: p.status,
			error: p.error,
			at: p.at.toISOString(),
		});
	}
	const since = options.paymentsSince
		? parseCalendarDate(options.paymentsSince, zone)
		: previousWorkingDay(asOf);
	if (!since) {
		throw new ReceivablesError(
			'DIGEST_DATE_INVALID',
			`"${options.paymentsSince}" is not a date for Payments Since / « ${options.paymentsSince} » n'est pas une date pour Payments Since.`,
			{ hint: 'Use YYYY-MM-DD, e.g. 2026-03-27, or leave it empty for the previous working day.' },
		);
	}
	const paymentsSince = since;
	// Kept payments: money still to allocate (unapplied, ambiguous, or the remainder of an overpayment) recorded in the
	// digest's days, each with the customer's collector when the rules found the customer, else on the unassigned list.
	const kept = await ledger.query<{
		id: string;
		code: string | null;
		name: string | null;
		email: string | null;
		external_id: string | null;
		customer: string | null;
		received_on: string;
		recorded_on: string;
		amount_minor: string;
		unapplied_minor: string;
		currency: string;
		status: string;
		payer_name: string | null;
		reference_text: string | null;
		flag_reason: string | null;
		flag_details: { message?: { en: string; fr: string }; candidates?: string[] } | null;
	}>(
		`SELECT p.id::text, s.code, s.name, s.email, c.external_id, c.name AS customer, p.received_on::text, (p.created_at AT TIME ZONE $3)::date::text AS recorded_on,
			p.amount_minor::text, p.unapplied_minor::text, p.currency, p.status, p.payer_name, p.reference_text, p.flag_reason, p.flag_details
		FROM payments p LEFT JOIN customers c ON c.id = p.customer_id LEFT JOIN staff s ON s.code = c.collector_code
		WHERE p.status <> 'applied' AND p.unapplied_minor > 0
			AND p.created_at >= ($1::date)::timestamp AT TIME ZONE $3 AND p.created_at < ($2::date + 1)::timestamp AT TIME ZONE $3
		ORDER BY p.created_at, p.id LIMIT 2000`,
		[paymentsSince, asOf, zone],
	);
	for (const p of kept) {
		const amount = formatMoney(BigInt(p.amount_minor), p.currency, language);
		accFor(p.code ? { code: p.code, name: p.name ?? p.code, email: p.email } : null).payments.push({
			paymentId: p.id,
			receivedOn: p.received_on,
			recordedOn: p.recorded_on,
			amountMinor: p.amount_minor,
			unappliedMinor: p.unapplied_minor,
			currency: p.currency,
			amount,
			unapplied:
				p.unapplied_minor === p.amount_minor
					? amount
					: formatMoney(BigInt(p.unapplied_minor), p.currency, language),
			status: p.status,
			payerName: p.payer_name,
			reference: p.reference_text,
			customer: p.external_id
				? { externalId: p.external_id, name: p.customer ?? p.external_id }
				: null,
			reasonCode: p.flag_reason,
			reason: p.flag_details?.message?.[language] ?? words.noReason,
			candidates: p.flag_details?.candidates ?? [],
		});
	}
	const date = formatDate(asOf, language);
	const out: CollectorDigest[] = [];
	for (const acc of byCollector.values()) {
		const stagesOut: DigestStage[] = [...acc.stages.values()].map(({ totals, ...s }) => ({
			...s,
			amounts: [...totals].map(([cur, minor]) => formatMoney(minor, cur, language)),
		}));
		const planned = stagesOut.reduce((n, s) => n + s.messages, 0);
		const lines = [
			words.hello(acc.collector?.name ?? words.unassigned),
			'',
			planned ? words.due : words.none,
			...stagesOut.filter((s) => s.messages || s.held).map(words.stageLine),
			'',
			acc.problems.length ? words.problems : words.noProblems,
			...acc.problems.map(words.problemLine),
			...(acc.payments.length
				? [
						'',
						words.payments(formatDate(paymentsSince, language)),
						...acc.payments.map((p) => words.paymentLine(p, formatDate(p.receivedOn, language))),
					]
				: []),
		];
		const text = lines.join('\n');
		out.push({
			asOf,
			collector: acc.collector,
			stages: stagesOut,
			problems: acc.problems,
			payments: acc.payments,
			subject:
				words.subject(date, planned, acc.problems.length) +
				(acc.payments.length ? words.paymentsSubject(acc.payments.length) : ''),
			text,
			html: textToHtml(escapeMessageHtml(text)),
		});
	}
	return out.sort((a, b) => (a.collector?.code ?? '~').localeCompare(b.collector?.code ?? '~'));
}

/** The working day before a date (Friday before a Monday, Saturday or Sunday). */
function previousWorkingDay(isoDate: string): string {
	let day = addDays(isoDate, -1);
	while ([0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay())) day = addDays(day, -1);
	return day;
}
