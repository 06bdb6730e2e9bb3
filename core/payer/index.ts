// The payer's own page: personal links in reminders, open invoices and one-click answers written to the ledger.
export { payerPage, payerNoticeMail, type PayerPageOptions, type PayerNotice, type PayerActionKind } from './page';
export { payerLinkToken, payerLinkUrl, revokePayerLinks } from './link';
