import { renderLetterPdf } from '../documents/letter';
import { ReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { addDays, DEFAULT_ZONE, todayIn } from '../time';
import { letterFileName, letterSpec } from './letters';
import { planReminders, type HeldInvoice } from './plan';
import { loadPolicies, type DunningPolicy } from './policy';
import { loadCompany, renderReminder } from './render';
import type { Language } from './templates';

/**
 * A reminder as the customer would get it, before anything is saved or sent: the stage of a policy (the stored one,
 * or one being edited) rendered for one invoice — the e-mail (subject, text, HTML) in the customer's language and the
 * letter as a PDF with the company's letterhead. Nothing is written to the ledger: no claim, no history.
 */
export interface PreviewOptions {
	invoiceNumber: string;
	stage: string;
	/** A policy not saved yet (Save Dunning Policy's fields): it replaces the customer's own policy for the preview. */
	policy?: DunningPolicy;
	/** The day of the message (default: the day the stage goes for this invoice, its due date plus the stage's days). */
	asOf?: string;
	zone?: string;
	/** City printed before the letter's date. */
	place?: string;
	/** Policy of customers without a profile (default "standard"). */
	defaultPolicy?: string;
}

export interface ReminderPreview {
	invoiceNumber: string;
	customerExternalId: string;
	customerName: string;
	/** The customer's profile, whose policy the preview uses (or replaces with the edited one). */
	profile: string;
	stage: string;
	asOf: string;
	language: Language;
	channel: string;
	channelReason: string | null;
	to: string[];
	cc: string[];
	bcc: string[];
	subject: string;
	text: string;
	html: string;
	/** Why a real run would not send it that day (already sent, dispute, promise…): the preview renders it anyway. */
	wouldBeHeld: Array<Pick<HeldInvoice, 'reason' | 'detail'>>;
	letterFileName: string;
	letterPdf: Uint8Array;
}

function previewError(
	message: string,
	messageFr: string,
	hint: string,
	hintFr: string,
): ReceivablesError {
	return new ReceivablesError('DUNNING_PREVIEW_NONE', message, {
		hint,
		details: { messageFr, hintFr },
	});
}

export async function previewReminder(
	ledger: Ledger,
	options: PreviewOptions,
): Promise<ReminderPreview> {
	const number = (options.invoiceNumber ?? '').trim();
	const stageCode = (options.stage ?? '').trim();
	const zone = options.zone || DEFAULT_ZONE;
	const defaultPolicy = options.defaultPolicy || 'standard';
	const rows = await ledger.query<{
		id: string;
		due_date: string;
		paid_at: string | null;
		profile: string | null;
	}>(
		`SELECT i.id::text, i.due_date::text, i.paid_at::text, c.profile FROM invoices i JOIN customers c ON c.id = i.customer_id
		WHERE i.number = $1 AND i.doc_type = 'invoice' ORDER BY i.id`,
		[number],
	);
	if (rows.length !== 1) {
		throw previewError(
			rows.length
				? `Several invoices carry the number "${number}".`
				: `There is no invoice "${number}".`,
			rows.length
				? `Plusieurs factures portent le numéro « ${number} ».`
				: `Il n'y a pas de facture « ${number} ».`,
			'Give the number of an invoice of the ledger (Invoice Intake stores them).',
			"Donnez le numéro d'une facture du grand livre (Invoice Intake les enregistre).",
		);
	}
	const row = rows[0];
	const profile = row.profile ?? defaultPolicy;
	const policyOverride = options.policy ? { ...options.policy, code: profile } : undefined;
	const policy = policyOverride ?? (await loadPolicies(ledger)).get(profile);
	const stage = policy?.stages.find((s) => s.code === stageCode);
	if (!policy || !stage) {
		throw previewError(
			`The policy "${options.policy?.code ?? profile}" has no stage "${stageCode}".`,
			`La politique « ${options.policy?.code ?? profile} » n'a pas d'étape « ${stageCode} ».`,
			`Choose one of its stages: ${policy?.stages.map((s) => s.code).join(', ') || '—'}.`,
			`Choisissez l'une de ses étapes : ${policy?.stages.map((s) => s.code).join(', ') || '—'}.`,
		);
	}
	const asOf =
		options.asOf?.trim() ||
		(stage.kind === 'thank_you'
			? addDays(row.paid_at ?? todayIn(zone), stage.offsetDays)
			: addDays(row.due_date, stage.offsetDays));
	const plan = await planReminders(ledger, {
		stage: stageCode,
		asOf,
		zone,
		defaultPolicy,
		invoiceIds: [row.id],
		includeHeld: true,
		policyOverride,
	});
	const message = plan.due[0];
	if (!message) {
		const why =
			plan.held.map((h) => h.detail).join('; ') ||
			(stage.kind === 'thank_you'
				? 'a thank-you goes only for a paid invoice (after a reminder, unless the stage says otherwise)'
				: 'the stage does not apply to this document (type or filter)');
		throw previewError(
			`Invoice ${number} gets no message at stage "${stageCode}": ${why}.`,
			`La facture ${number} ne reçoit pas de message à l'étape « ${stageCode} » : ${why}.`,
			'Choose another invoice or stage.',
			'Choisissez une autre facture ou une autre étape.',
		);
	}
	const company = await loadCompany(ledger, {}, { logo: true });
	const rendered = renderReminder(message, company);
	const letter = { ...message, channel: 'letter' as const };
	return {
		invoiceNumber: number,
		customerExternalId: message.customer.externalId,
		customerName: message.customer.name,
		profile,
		stage: stageCode,
		asOf: message.asOf,
		language: rendered.language,
		channel: message.channel,
		channelReason: message.channelReason ?? null,
		to: message.to,
		cc: message.cc,
		bcc: message.bcc,
		subject: rendered.subject,
		text: rendered.text,
		html: rendered.html,
		wouldBeHeld: plan.held.map((h) => ({ reason: h.reason, detail: h.detail })),
		letterFileName: letterFileName(letter),
		letterPdf: await renderLetterPdf(letterSpec(letter, company, options.place)),
	};
}
