// The payer's own page: personal links in reminders, open invoices and one-click answers written to the ledger.
export { payerPage, payerNoticeMail, payerLinkToken, payerLinkUrl, revokePayerLinks, type PayerPageOptions, type PayerNotice, type PayerActionKind } from './page';
