import { ReceivablesError } from '../errors';
import { all, attr, parseXmlDocument, text, type XmlValue } from '../intake/parse/xml';
import { formatAmount, parseAmount } from '../money';
import { isLifecycleStatusCode } from './statuses';

/**
 * CDAR lifecycle messages (UN/CEFACT Cross Domain Acknowledgement and Response D22B, French profile of AFNOR
 * XP Z12-012, rules BR-FR-CDV): read the statuses platforms send about the company's invoices, and write the
 * "Encaissée" (212) status the supplier must report with the amount received.
 */

const NS = {
	rsm: 'urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100',
	ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
	udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
	qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
};

/** One status about one invoice, as a platform says it (a CDAR message or a platform's JSON event). */
export interface LifecycleEvent {
	/** The message's id at its sender: a status is applied once per message and invoice. */
	messageId: string;
	/** When the status was issued (ISO instant): statuses arriving out of order are applied in this order. */
	issuedAt: string;
	statusCode: string;
	invoiceNumber: string;
	/** The invoice's issue date (YYYY-MM-DD), when stated. */
	invoiceIssueDate?: string;
	/** The seller's id as the platform gives it (SIREN, scheme 0002). */
	sellerId?: string;
	/** Role of the sender: BY buyer, SE seller, WK platform, DFH the public platform (PPF), … */
	senderRole?: string;
	reasonCode?: string;
	reasonText?: string;
	/** Amounts stated with the status (MEN amount received for 212; MPA amount paid for 211 …), minor units. */
	amounts: Array<{ type: string; amountMinor: bigint; currency: string; vatRate?: string }>;
}

function cdarError(
	code: string,
	en: string,
	fr: string,
	details: Record<string, unknown> = {},
): ReceivablesError {
	return new ReceivablesError(code, en, {
		hint: 'Check that the file is a CDAR lifecycle message (CrossDomainAcknowledgementAndResponse) from the platform.',
		details: {
			...details,
			messageFr: fr,
			hintFr:
				'Vérifiez que le fichier est bien un message de cycle de vie CDAR (CrossDomainAcknowledgementAndResponse) de la plateforme.',
		},
	});
}

/** udt/qdt DateTimeString: format 102 (YYYYMMDD), 203 (YYYYMMDDHHMM), 204 (YYYYMMDDHHMMSS), or ISO. */
function dateTime(node: XmlValue | undefined): string | undefined {
	const raw = text(node, 'DateTimeString');
	if (!raw) return undefined;
	const format = attr(all(node, 'DateTimeString')[0], 'format');
	const d = raw.replace(/\D/g, '');
	if (format === '102' || (!format && d.length === 8))
		return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
	if (format === '203' || format === '204' || d.length >= 12) {
		return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14) || '00'}Z`;
	}
	return raw;
}

/** Amounts written "1200.00" → minor units of the currency (two decimals unless the currency says otherwise). */
function amountMinor(value: string, currency: string): bigint {
	if (!/^-?\d+(\.\d+)?$/.test(value.trim()))
		throw cdarError(
			'CDAR_BAD_AMOUNT',
			`"${value}" is not an amount.`,
			`« ${value} » n'est pas un montant.`,
		);
	try {
		return parseAmount(value.trim(), currency);
	} catch (error) {
		throw cdarError(
			'CDAR_BAD_AMOUNT',
			`"${value}" is not an amount in ${currency}: ${(error as Error).message}`,
			`« ${value} » n'est pas un montant en ${currency}.`,
		);
	}
}

/** Reads a CDAR message: one event per referenced invoice. Throws CDAR_* errors for what is not a CDAR message. */
export function parseCdar(input: Buffer | string): LifecycleEvent[] {
	const doc = parseXmlDocument(input, { maxBytes: 10 * 1024 * 1024 });
	if (doc.root !== 'CrossDomainAcknowledgementAndResponse') {
		throw cdarError(
			'CDAR_NOT_CDAR',
			`The XML root is <${doc.root}>, not a CDAR message (CrossDomainAcknowledgementAndResponse).`,
			`La racine XML est <${doc.root}>, pas un message CDAR (CrossDomainAcknowledgementAndResponse).`,
		);
	}
	const exchanged = all(doc.node, 'ExchangedDocument')[0];
	const messageId = text(exchanged, 'ID');
	const issuedAt = dateTime(all(exchanged, 'IssueDateTime')[0]);
	if (!messageId || !issuedAt) {
		throw cdarError(
			'CDAR_MISSING_FIELD',
			'The CDAR message has no id or no issue date (ExchangedDocument/ID, IssueDateTime).',
			"Le message CDAR n'a pas d'identifiant ou de date d'émission (ExchangedDocument/ID, IssueDateTime).",
		);
	}
	const senderRole = text(exchanged, 'SenderTradeParty', 'RoleCode');
	const events: LifecycleEvent[] = [];
	for (const ack of all(doc.node, 'AcknowledgementDocument')) {
		for (const ref of all(ack, 'ReferenceReferencedDocument')) {
			const invoiceNumber = text(ref, 'IssuerAssignedID');
			const statusCode = text(ref, 'ProcessConditionCode');
			if (!invoiceNumber || !statusCode) {
				throw cdarError(
					'CDAR_MISSING_FIELD',
					`Message ${messageId}: a referenced invoice has no number or no status (IssuerAssignedID, ProcessConditionCode).`,
					`Message ${messageId} : une facture citée n'a pas de numéro ou pas de statut (IssuerAssignedID, ProcessConditionCode).`,
					{ messageId },
				);
			}
			if (!isLifecycleStatusCode(statusCode)) {
				throw cdarError(
					'CDAR_UNKNOWN_STATUS',
					`Message ${messageId}: status "${statusCode}" of invoice ${invoiceNumber} is not a lifecycle status (200 to 228, 501).`,
					`Message ${messageId} : le statut « ${statusCode} » de la facture ${invoiceNumber} n'est pas un statut de cycle de vie (200 à 228, 501).`,
					{ messageId, statusCode },
				);
			}
			const statuses = all(ref, 'SpecifiedDocumentStatus');
			const reasonCode = statuses.map((s) => text(s, 'ReasonCode')).find(Boolean);
			const reasonText =
				statuses
					.flatMap((s) => all(s, 'Reason').map((r) => text(r)))
					.filter(Boolean)
					.join(' ') || undefined;
			const amounts = statuses.flatMap((s) =>
				all(s, 'SpecifiedDocumentCharacteristic').flatMap((c) => {
					const amountNode = all(c, 'ValueAmount')[0];
					const value = text(amountNode);
					if (!value) return [];
					const currency = (attr(amountNode, 'currencyID') ?? 'EUR').toUpperCase();
					return [
						{
							type: text(c, 'TypeCode') ?? '',
							amountMinor: amountMinor(value, currency),
							currency,
							...(text(c, 'ValuePercent') ? { vatRate: text(c, 'ValuePercent') } : {}),
						},
					];
				}),
			);
			events.push({
				messageId,
				issuedAt,
				statusCode,
				invoiceNumber,
				...(dateTime(all(ref, 'FormattedIssueDateTime')[0])
					? { invoiceIssueDate: dateTime(all(ref, 'FormattedIssueDateTime')[0])!.slice(0, 10) }
					: {}),
				...(text(ref, 'IssuerTradeParty', 'GlobalID')
					? { sellerId: text(ref, 'IssuerTradeParty', 'GlobalID') }
					: {}),
				...(senderRole ? { senderRole } : {}),
				...(reasonCode ? { reasonCode } : {}),
				...(reasonText ? { reasonText } : {}),
				amounts,
			});
		}
	}
	if (events.length === 0)
		throw cdarError(
			'CDAR_NO_STATUS',
			`Message ${messageId} names no invoice.`,
			`Le message ${messageId} ne cite aucune facture.`,
			{ messageId },
		);
	return events;
}

const escape = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const compactDate = (iso: string) => iso.slice(0, 10).replace(/-/g, '');
const compactInstant = (iso: string) =>
	new Date(iso).toISOString().replace(/[-:T]/g, '').slice(0, 14);

export interface CashedStatusInput {
	/** The message id (unique per sender), e.g. "ENC-F2026-0012-1". */
	messageId: string;
	/** When the message is issued (ISO instant). */
	issuedAt: string;
	/** The seller: the company's SIREN (9 digits). */
	sellerSiren: string;
	sellerName?: string;
	invoiceNumber: string;
	invoiceIssueDate: string;
	/** 380 invoice (default), 381 credit note, 389 self-billed … */
	invoiceTypeCode?: string;
	/** The day the money was received (YYYY-MM-DD). */
	receivedOn: string;
	currency: string;
	/** Amount received per VAT rate ("20", "5.5", "0"): each is a MEN block. */
	received: Array<{ amountMinor: bigint; vatRate: string }>;
	/** The platform the status goes to: its id and scheme (default 0238, the French directory) or its e-mail address. */
	platform?: { id: string; scheme?: string };
}

/**
 * The 212 "Encaissée" CDAR a supplier sends to its platform when an invoice is paid (VAT on receipts): one MEN
 * characteristic per VAT rate with the amount received (BR-FR-CDV-14). Validates against the CDAR D22B XSD and the
 * BR-FR-CDV Schematron (tested).
 */
export function buildCashedStatus(input: CashedStatusInput): string {
	if (!/^\d{9}$/.test(input.sellerSiren))
		throw cdarError(
			'CDAR_BAD_SIREN',
			`"${input.sellerSiren}" is not a SIREN (9 digits).`,
			`« ${input.sellerSiren} » n'est pas un SIREN (9 chiffres).`,
		);
	if (input.received.length === 0)
		throw cdarError(
			'CDAR_NO_AMOUNT',
			'A cashed status states the amount received.',
			'Un statut Encaissée indique le montant encaissé.',
		);
	const seller = `<ram:GlobalID schemeID="0002">${input.sellerSiren}</ram:GlobalID>${input.sellerName ? `<ram:Name>${escape(input.sellerName)}</ram:Name>` : ''}<ram:RoleCode>SE</ram:RoleCode>`;
	const platform = input.platform ?? { id: '9998', scheme: '0238' };
	const men = input.received
		.map(
			(r) =>
				`<ram:SpecifiedDocumentCharacteristic><ram:TypeCode>MEN</ram:TypeCode><ram:ValueAmount currencyID="${input.currency}">${formatAmount(r.amountMinor, input.currency).replace(/\s/g, '')}</ram:ValueAmount><ram:ValuePercent>${escape(r.vatRate)}</ram:ValuePercent></ram:SpecifiedDocumentCharacteristic>`,
		)
		.join('');
	return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="${NS.rsm}" xmlns:ram="${NS.ram}" xmlns:udt="${NS.udt}" xmlns:qdt="${NS.qdt}">
<rsm:ExchangedDocumentContext><ram:BusinessProcessSpecifiedDocumentContextParameter><ram:ID>REGULATED</ram:ID></ram:BusinessProcessSpecifiedDocumentContextParameter><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn.cpro.gouv.fr:1p0:CDV:invoice</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
<rsm:ExchangedDocument><ram:ID>${escape(input.messageId)}</ram:ID><ram:IssueDateTime><udt:DateTimeString format="204">${compactInstant(input.issuedAt)}</udt:DateTimeString></ram:IssueDateTime><ram:SenderTradeParty>${seller}</ram:SenderTradeParty><ram:IssuerTradeParty>${seller}</ram:IssuerTradeParty><ram:RecipientTradeParty><ram:GlobalID schemeID="${escape(platform.scheme ?? '0238')}">${escape(platform.id)}</ram:GlobalID><ram:RoleCode>WK</ram:RoleCode></ram:RecipientTradeParty></rsm:ExchangedDocument>
<rsm:AcknowledgementDocument><ram:TypeCode>23</ram:TypeCode><ram:IssueDateTime><udt:DateTimeString format="204">${compactInstant(input.issuedAt)}</udt:DateTimeString></ram:IssueDateTime><ram:ReferenceReferencedDocument><ram:IssuerAssignedID>${escape(input.invoiceNumber)}</ram:IssuerAssignedID><ram:TypeCode>${escape(input.invoiceTypeCode ?? '380')}</ram:TypeCode><ram:FormattedIssueDateTime><qdt:DateTimeString format="102">${compactDate(input.invoiceIssueDate)}</qdt:DateTimeString></ram:FormattedIssueDateTime><ram:ProcessConditionCode>212</ram:ProcessConditionCode><ram:IssuerTradeParty>${seller}</ram:IssuerTradeParty><ram:SpecifiedDocumentStatus><ram:ReferenceDateTime><udt:DateTimeString format="102">${compactDate(input.receivedOn)}</udt:DateTimeString></ram:ReferenceDateTime><ram:SequenceNumeric>1</ram:SequenceNumeric>${men}</ram:SpecifiedDocumentStatus></ram:ReferenceReferencedDocument></rsm:AcknowledgementDocument>
</rsm:CrossDomainAcknowledgementAndResponse>
`;
}
