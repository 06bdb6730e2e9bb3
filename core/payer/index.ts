// The payer's own page: personal links in reminders, open invoices and one-click answers written to the ledger.
export {
	payerPage,
	payerNoticeMail,
	type PayerPageOptions,
	type PayerPageRequest,
	type PayerNotice,
	type PayerActionKind,
} from './page';
export { payerLinkToken, payerLinkUrl, revokePayerLinks } from './link';
export {
	attachmentFileName,
	checkUpload,
	DEFAULT_MAX_ATTACHMENT_BYTES,
	payerAttachment,
	payerRequestBody,
	PAYER_ATTACHMENT_TYPES,
	sniffAttachmentType,
	uploadsFromParsedFiles,
	type PayerAttachment,
	type PayerAttachmentRef,
	type PayerUpload,
} from './attachments';
