import { createHash } from 'node:crypto';
import { isReceivablesError } from '../errors';
import type { Ledger } from '../ledger';
import { renderLetterPdf, type LetterSpec } from '../documents/letter';
import { appendPdfPages } from '../documents/proofOfDelivery';
import { invoiceCopyPdf, type InvoiceCopy } from '../documents/invoiceCopy';
import type { PlannedInvoice, PlannedMessage } from './plan';
import { formatDate, renderReminder, type CompanyInfo } from './render';
import { companyFooter, companyLetterhead } from '../company/identity';
import {
	loadDeliveryProofs,
	proofOfDeliveryPdf,
	proofParagraph,
	stageShowsProof,
	type DeliveryProof,
} from './proof';
import {
	claimReminders,
	confirmOutcomes,
	defaultClaimant,
	DEFAULT_LEASE_MINUTES,
	releaseExpiredClaims,
	type SendOutcome,
} from './send';
import { whileLedgerUnavailable } from './retry';
import { payerLinkUrl } from '../payer/link';

/**
 * Letters for customers without a usable e-mail and for formal notices: one PDF per message, claimed in
 * `reminders` (channel letter) just before it is produced, then `rendered`; it becomes `sent` only when the step
 * that writes or prints it confirms (confirmLetters, the Confirm Letters operation after Write File or the print
 * service). A letter rendered and never confirmed within the lease is released and rendered again by the next run
 * (same file name for the same stage, customer and date: the new file replaces the old one).
 */
export interface LetterOptions {
	company: CompanyInfo;
	/** City printed before the date ("Paris, le 20 octobre 2025"). */
	place?: string;
	claimedBy?: string;
	/** Minutes a rendered letter waits for its confirmation before it is released (default 10; negative: not checked). */
	leaseMinutes?: number;
	/** Seconds a state change is retried while the ledger is unreachable (default 60). */
	ledgerRetrySeconds?: number;
	/** The payer page's address: each letter then carries the customer's personal link ({{payerLink}}) and its QR code. */
	payerPageUrl?: string;
	/** Days the links of this run stay valid (default 60). */
	payerLinkDays?: number;
}

/** The letter's reference in the ledger (reminders.message_id): the same for the same stage, customer and date. */
export function letterReference(message: PlannedMessage): string {
	return `letter:${message.key}:${message.asOf}`;
}

export interface ProducedLetter {
	message: PlannedMessage;
	outcome: SendOutcome;
	/** Absent when the letter failed (outcome.error says why). */
	pdf?: Uint8Array;
	fileName: string;
}

function safe(text: string): string {
	return (
		text
			.normalize('NFKD')
			.replace(/[^\w.-]+/g, '_')
			.replace(/^_+|_+$/g, '')
			.slice(0, 60) || 'x'
	);
}

export function letterFileName(message: PlannedMessage): string {
	return `${safe(message.stage.code)}-${safe(message.customer.externalId)}-${message.asOf}${message.stage.grouping === 'invoice' ? `-${safe(message.invoices[0]?.number ?? '')}` : ''}.pdf`;
}

/**
 * `proofs`: courier deliveries of the message's invoices, stated in the letter (stages after the due date).
 * `payerLink`: the customer's personal payer-page link, printed where the template says ({{payerLink}}) and as a QR
 * code under the text.
 */
export function letterSpec(
	message: PlannedMessage,
	company: CompanyInfo,
	place?: string,
	proofs?: Map<string, DeliveryProof>,
	payerLink?: string,
): LetterSpec {
	const rendered = renderReminder(message, company, { payerLink });
	const proof =
		proofs && stageShowsProof(message)
			? proofParagraph(message.invoices, proofs, rendered.language)
			: '';
	const fr = rendered.language === 'fr';
	const c = message.customer;
	const date = formatDate(message.asOf, rendered.language);
	const cityLine = [c.postalCode, c.city].filter(Boolean).join(' ');
	const head = companyLetterhead(company, rendered.language);
	const footer = companyFooter(company, rendered.language);
	return {
		sender: { ...head, ...(company.logoImage ? { logo: company.logoImage } : {}) },
		recipient: {
			name: c.legalName || c.name,
			lines: [...c.addressLines, cityLine, c.country && c.country !== 'FR' ? c.country : ''].filter(
				Boolean,
			),
		},
		placeAndDate: place
			? fr
				? `${place}, le ${date}`
				: `${place}, ${date}`
			: fr
				? `Le ${date}`
				: date,
		references: [
			`${fr ? 'Réf. client' : 'Customer ref.'} : ${c.externalId}`,
			`${fr ? 'Factures' : 'Invoices'} : ${message.invoices.map((i) => i.number).join(', ')}`,
		],
		subject: rendered.subject,
		body: proof ? `${rendered.text.trimEnd()}\n\n${proof}` : rendered.text,
		footer,
		title: rendered.subject,
		language: rendered.language,
		...(payerLink
			? {
					qr: {
						text: payerLink,
						caption: fr
							? 'Scannez ce code pour voir vos factures ouvertes et nous répondre en ligne : paiement, date de paiement, contestation, copie.'
							: 'Scan this code to see your open invoices and answer us online: payment, payment date, dispute, copy.',
					},
				}
			: {}),
	};
}

/**
 * Produces the letters of a plan (messages of other channels are ignored), one at a time: claimed, rendered,
 * recorded as `rendered` (outcome status "sent" means produced; the ledger says sent once confirmed).
 */
export async function* produceLetters(
	ledger: Ledger,
	messages: PlannedMessage[],
	options: LetterOptions,
): AsyncGenerator<ProducedLetter> {
	const letters = messages.filter((m) => m.channel === 'letter');
	const claimedBy = options.claimedBy ?? defaultClaimant();
	const lease = options.leaseMinutes ?? DEFAULT_LEASE_MINUTES;
	const durably = <T>(work: () => Promise<T>) =>
		whileLedgerUnavailable(work, options.ledgerRetrySeconds ?? 60);
	if (lease >= 0) await durably(() => releaseExpiredClaims(ledger, lease));
	for (const planned of letters) {
		const reference = letterReference(planned);
		const claimed = await durably(() =>
			claimReminders(ledger, [{ message: planned, messageId: reference }], claimedBy, 'letter'),
		);
		const invoices = planned.invoices.filter((i) => claimed.has(i.id));
		const skipped = planned.invoices.filter((i) => !claimed.has(i.id)).map((i) => i.id);
		const message: PlannedMessage = {
			...planned,
			invoices,
			totalOpenMinor: invoices.reduce((s, i) => s + i.openMinor, 0n),
		};
		const base: SendOutcome = {
			key: message.key,
			status: 'skipped',
			stage: message.stage.code,
			customerId: message.customer.id,
			customerExternalId: message.customer.externalId,
			invoiceIds: invoices.map((i) => i.id),
			invoiceNumbers: invoices.map((i) => i.number),
			skippedInvoiceIds: skipped,
			recipients: [],
		};
		const fileName = letterFileName(message);
		if (invoices.length === 0) {
			yield {
				message,
				fileName,
				outcome: { ...base, error: 'already claimed by another run, produced, or paid meanwhile' },
			};
			continue;
		}
		const proofs = stageShowsProof(message)
			? await durably(() =>
					loadDeliveryProofs(
						ledger,
						invoices.map((i) => i.id),
					),
				)
			: new Map<string, DeliveryProof>();
		let produced: ProducedLetter;
		try {
			const payerLink = options.payerPageUrl
				? await durably(() =>
						payerLinkUrl(ledger, message.customer.externalId, options.payerPageUrl as string, {
							ttlDays: options.payerLinkDays,
						}),
					)
				: undefined;
			const spec = letterSpec(message, options.company, options.place, proofs, payerLink);
			// the letter, then the proof of delivery of each invoice the courier handed over
			const proofPages: Uint8Array[] = [];
			if (stageShowsProof(message))
				for (const i of invoices)
					if (proofs.has(i.id))
						proofPages.push(
							await proofOfDeliveryPdf(
								i,
								proofs.get(i.id) as DeliveryProof,
								message,
								options.company,
							),
						);
			const pdf = await appendPdfPages(await renderLetterPdf(spec), proofPages);
			const hash = createHash('sha256').update(pdf).digest('hex');
			produced = {
				message,
				fileName,
				pdf,
				outcome: {
					...base,
					status: 'sent',
					contentHash: hash,
					subject: spec.subject,
					messageId: reference,
				},
			};
		} catch (error) {
			const failed: ProducedLetter = {
				message,
				fileName,
				outcome: {
					...base,
					status: 'failed',
					messageId: reference,
					error: isReceivablesError(error) ? error.message : (error as Error).message,
				},
			};
			await durably(() => confirmOutcomes(ledger, [failed.outcome], claimedBy, 'letter'));
			yield failed;
			continue;
		}
		await durably(() => markRendered(ledger, produced.outcome, claimedBy));
		yield produced;
	}
}

/** claimed → rendered, with the hash of the PDF in the history (the letter is not sent until confirmed). */
async function markRendered(
	ledger: Ledger,
	outcome: SendOutcome,
	claimedBy: string,
): Promise<void> {
	await ledger.query(
		`WITH locked AS (
			-- locked in the order claims take them (invoice, stage): never a circle of waits with another run
			SELECT id FROM reminders WHERE invoice_id = ANY($1::bigint[]) AND stage = $2 AND message_id = $3 AND claimed_by = $4 AND status = 'claimed'
			ORDER BY invoice_id, stage
			FOR UPDATE
		), updated AS (
			UPDATE reminders SET status = 'rendered', handed_over_at = now(), error = NULL
			WHERE id IN (SELECT id FROM locked) AND claimed_by = $4 AND status = 'claimed'
			RETURNING invoice_id, customer_id
		)
		INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, content_hash, payload)
		SELECT u.customer_id, u.invoice_id, 'letter_rendered', 'letter', 'reminder-step',
			'Stage ' || $2 || ' letter rendered for invoice ' || i.number || ', waiting to be written or printed', $5,
			$6::jsonb || jsonb_build_object('timeline', jsonb_build_object('key', 'letter_rendered', 'fields', jsonb_build_object('stage', $2::text, 'invoice', i.number)))
		FROM updated u JOIN invoices i ON i.id = u.invoice_id`,
		[
			outcome.invoiceIds,
			outcome.stage,
			outcome.messageId,
			claimedBy,
			outcome.contentHash ?? null,
			JSON.stringify({
				stage: outcome.stage,
				letter: outcome.messageId,
				subject: outcome.subject ?? null,
				invoices: outcome.invoiceNumbers,
			}),
		],
	);
}

export interface LetterConfirmation {
	/** The letter's reference (the "letter" field of Render Letters' output). */
	letter: string;
	/** Where it went (file path, print job id), kept in the history. */
	destination?: string;
}

export interface ConfirmedLetter {
	letter: string;
	status: 'confirmed' | 'already_confirmed' | 'unknown';
	invoiceIds: string[];
	invoiceNumbers: string[];
	customerExternalId?: string;
	stage?: string;
	error?: string;
}

/**
 * Confirms letters written or printed: rendered → sent (also a letter whose lease had expired and that no run
 * has rendered again). Each confirmation is one statement, so a repeat changes nothing.
 */
export async function confirmLetters(
	ledger: Ledger,
	confirmations: LetterConfirmation[],
	actor = 'reminder-step',
): Promise<ConfirmedLetter[]> {
	const out: ConfirmedLetter[] = [];
	for (const c of confirmations) {
		const rows = await ledger.query<{
			invoice_id: string;
			number: string;
			external_id: string;
			stage: string;
			status: string;
			changed: boolean;
		}>(
			`WITH locked AS (
				-- locked in the order claims take them (invoice, stage): two confirmations, or a confirmation and a
				-- run releasing expired leases, never wait on each other in a circle
				SELECT id FROM reminders WHERE message_id = $1 AND channel = 'letter' AND status IN ('rendered', 'retry')
				ORDER BY invoice_id, stage
				FOR UPDATE
			), updated AS (
				UPDATE reminders SET status = 'sent', sent_at = now(), error = NULL, decided_by = $2, decided_at = now()
				WHERE id IN (SELECT id FROM locked) AND status IN ('rendered', 'retry')
				RETURNING id, invoice_id, customer_id, stage
			), logged AS (
				INSERT INTO history (customer_id, invoice_id, kind, channel, actor, summary, payload)
				SELECT u.customer_id, u.invoice_id, 'reminder_sent', 'letter', $2,
					'Stage ' || u.stage || ' letter for invoice ' || i.number || ' written or printed' || coalesce(' (' || $3 || ')', ''),
					jsonb_build_object('stage', u.stage, 'letter', $1::text, 'destination', $3::text,
						'timeline', jsonb_build_object('key', 'reminder_letter_confirmed', 'fields', jsonb_strip_nulls(jsonb_build_object('stage', u.stage, 'invoice', i.number, 'destination', $3::text))))
				FROM updated u JOIN invoices i ON i.id = u.invoice_id
				RETURNING 1
			)
			SELECT r.invoice_id::text, i.number, c.external_id, r.stage, coalesce(u.stage IS NOT NULL, false) AS changed,
				CASE WHEN u.id IS NOT NULL THEN 'sent' ELSE r.status END AS status
			FROM reminders r JOIN invoices i ON i.id = r.invoice_id JOIN customers c ON c.id = r.customer_id
			LEFT JOIN updated u ON u.id = r.id
			WHERE r.message_id = $1 AND r.channel = 'letter'
			ORDER BY i.number`,
			[c.letter, actor, c.destination ?? null],
		);
		const base = {
			letter: c.letter,
			invoiceIds: rows.map((r) => r.invoice_id),
			invoiceNumbers: rows.map((r) => r.number),
			customerExternalId: rows[0]?.external_id,
			stage: rows[0]?.stage,
		};
		if (rows.length === 0)
			out.push({
				...base,
				status: 'unknown',
				error: `No letter "${c.letter}" is waiting in the ledger. Connect this step to the output of Render Letters (through Write File or the print step), which carries the "letter" field.`,
			});
		else if (rows.some((r) => r.changed)) out.push({ ...base, status: 'confirmed' });
		else if (rows.every((r) => r.status === 'sent'))
			out.push({ ...base, status: 'already_confirmed' });
		else
			out.push({
				...base,
				status: 'unknown',
				error: `The letter "${c.letter}" is ${[...new Set(rows.map((r) => r.status))].join(', ')} in the ledger, not waiting for a confirmation.`,
			});
	}
	return out;
}

/** A copy of an invoice as the ledger holds it (duplicata), for stages that attach the invoice copy. */
export async function renderInvoiceCopy(
	ledger: Ledger,
	invoice: PlannedInvoice,
	message: PlannedMessage,
	company: CompanyInfo,
): Promise<InvoiceCopy> {
	return invoiceCopyPdf(ledger, invoice, message.customer, company);
}
