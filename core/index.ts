/**
 * n8n-nodes-receivables — the programmatic API. Every business rule of the package lives in this core, free of n8n,
 * and the nodes call it. Import it from any Node.js program:
 *
 *   const { openLedger, storeInvoices } = require('n8n-nodes-receivables');
 *
 * This file is the explicit list of what is public, grouped by domain (README.md, "Programmatic API"). A name that is
 * not listed here is internal to its domain module and may change. The nodes reach the core only through this file
 * (the build bundles it into dist/core/index.js): a name a node, a script or a bench needs is added to its group here.
 */

// Errors: every refusal is a ReceivablesError with a stable code, English and French messages and a hint.
export { isReceivablesError, ReceivablesError } from './errors';

// Money: exact amounts in the currency's minor unit (bigint), parsed, rounded and formatted per currency.
export { formatAmount, formatMoney, money, parseAmount, roundHalfAwayFromZero } from './money';
export type { Money } from './money';

// Time: calendar dates in an explicit time zone (Europe/Paris by default).
export { addDays, daysBetween, DEFAULT_ZONE, endOfMonth, todayIn } from './time';

// Ledger: the Postgres ledger (open, migrate, check) and its customers, invoices, payments and allocations.
export {
	allocatePayments,
	applyPayment,
	checkLedger,
	copyRows,
	invoiceContentHash,
	knownMigrations,
	Ledger,
	ledgerConfigFromEnv,
	ledgerSchema,
	listLedgerFindings,
	migrateLedger,
	noteBulkRows,
	openLedger,
	paidEventJson,
	parseWriteOffThresholds,
	settleLedgerFinding,
	storeInvoices,
	storePayments,
	upsertCustomers,
} from './ledger';
export type {
	AllocationResult,
	CustomerInput,
	LedgerConfig,
	LedgerInvoice,
	PaymentInput,
	StoreOutcome,
} from './ledger';

// Mail: SMTP transport and session pool, message composition, address lists.
export {
	checkSmtp,
	composeMail,
	createSmtpTransport,
	sendMails,
	SmtpSessionPool,
	splitAddresses,
} from './mail';
export type { MailAttachment, SmtpConfig } from './mail';

// Files: the one files folder (n8n's N8N_RESTRICT_FILE_ACCESS_TO) and the paths of produced files.
export {
	FILE_KINDS,
	kindFolder,
	listFolderFiles,
	preparedFilePath,
	prepareFilesFolder,
} from './files';
export type { FileKind } from './files';

// Documents: spreadsheet-safe cells for exported files.
export { neutraliseCell, neutraliseRows } from './documents';

// Intake: invoice files (Factur-X, UBL, CII, CSV), presets, checks, settings, signed webhooks and integration keys.
export {
	checkInvoice,
	checkWebhookSecret,
	createIntegrationKey,
	DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	describeAnomalies,
	detectDocumentKind,
	errorMessages,
	INTAKE_PURPOSE,
	INVOICE_PRESETS,
	listIntegrationKeys,
	loadIntakeSettings,
	lookupIntegrationKey,
	mergeIntakeSettings,
	normaliseCustomerRecord,
	normaliseInvoiceRecord,
	normalisePaymentRecord,
	normalisePresetPayment,
	normalisePresetRecord,
	parseInvoiceBatches,
	parseInvoiceCsv,
	parseInvoiceCsvStream,
	parseInvoiceDocument,
	PAYMENT_PRESETS,
	prepareInvoice,
	prepareParsedInvoices,
	receiveSignedRequest,
	revokeIntegrationKey,
	rotateIntegrationKey,
	saveIntakeSettings,
	signedRequestResponse,
	signWebhookRequest,
	storeParsedInvoices,
	storePreparedInvoices,
	validateRuleSettings,
} from './intake';
export type {
	Anomaly,
	CsvBatch,
	CsvOptions,
	IntakeSettings,
	InvoiceRecord,
	ParsedInvoice,
	ParsedOutcome,
	PaymentRecord,
	PreparedInvoice,
	ReceiveSignedRequestOptions,
	SignatureScheme,
	SignedRequestAccepted,
	StoreParsedOptions,
} from './intake';

// Bank statements: camt.053/054, CFONB 120 and MT940 parsing, import and matching, RF creditor references.
export { creditorReference, importBankStatement, parseBankStatement } from './bank';

// E-invoicing lifecycle: CDAR and platform statuses applied to the ledger, the 212 "cashed" status.
export {
	applyLifecycleStatuses,
	applyPendingLifecycleStatuses,
	AfnorFlowError,
	afnorCallResponse,
	buildCashedStatus,
	checkLifecycleSettings,
	CHORUS_PRO_STATUSES,
	collectCashedStatuses,
	confirmCashedStatusesSent,
	DEFAULT_PAYMENT_SENT_HOLD_DAYS,
	LIFECYCLE_PURPOSE,
	lifecycleSettingsInEffect,
	lifecycleStatus,
	listBlockedInvoices,
	loadLifecycleSettings,
	normaliseLifecycleRecord,
	parseCdar,
	PLATFORM_FLOWS_PURPOSE,
	readAfnorFlowNotification,
	receiveAfnorNotification,
	receiveSignedStatuses,
	saveLifecycleSettings,
	signedStatusesResponse,
	SWITCHABLE_EFFECTS,
	updateLifecycleSettings,
	vatRateOf,
	verifyAfnorSignature,
} from './einvoicing';
export type {
	AfnorCallResult,
	AfnorFlowNotification,
	BlockedInvoice,
	LifecycleEvent,
	LifecycleResult,
	LifecycleSettings,
	LifecycleSettingsInEffect,
	LifecycleSettingsSaved,
	OwedCashedStatus,
	SignedStatusesResult,
} from './einvoicing';

// Dunning: policies, reminder plans, e-mails and letters, late-payment charges, bounces, timeline, digest, reconciliation.
export {
	chargesJson,
	confirmLetters,
	createReminderCallTasks,
	customerTimeline,
	checkImapMailbox,
	dailyDigest,
	decideUncertainReminder,
	DEFAULT_LEASE_MINUTES,
	channelOrderLabel,
	channelOrders,
	defaultPolicies,
	describePolicy,
	installDefaultPolicies,
	latePaymentCharges,
	listUncertainReminders,
	loadCompany,
	imapMailboxSource,
	mailCatcherSource,
	placeholderHelp,
	plannedMessageJson,
	planReminders,
	policyFromFields,
	previewReminder,
	processBounce,
	produceLetters,
	rateTablesInfo,
	rawFromResolved,
	reconcileReminders,
	recordOutcome,
	releaseExpiredClaims,
	reminderStatusOf,
	renderTemplate,
	renderTimelineEvent,
	savePolicy,
	STAGE_CHOICES,
	stageLabel,
	storedPolicyViews,
	sendReminderEmails,
	invoiceLateCharges,
	statementJson,
	statementOfCharges,
	validatePolicy,
	validatePolicyFields,
} from './dunning';
export type {
	CompanyInfo,
	HeldInvoice,
	ImapRecordOptions,
	Language,
	MailRecordSource,
	OutcomeKind,
	PlannedMessage,
	PlanOptions,
	PolicyFields,
	SendOutcome,
	StageFields,
	StageFilter,
	StageView,
} from './dunning';

// Contacts: quality calls (plan, outcomes, promises) and call lists (CSV, PDF).
export {
	callListCsv,
	callListPdf,
	OUTCOME_FAMILIES,
	planCalls,
	promiseStats,
	recordCallOutcome,
	settlePromises,
} from './contacts';
export type { CallOutcome, ChecklistKey, OutcomeFamily, PlannedCall } from './contacts';

// Disputes: classification (shipped and retrained models), the dispute ledger, review queue, analysis, notifications.
export {
	activeDisputeModel,
	analyseDisputes,
	classifyDispute,
	classifyWithModel,
	confirmLabel,
	disputeAnalysisRows,
	disputeCategoryLabel,
	disputeKeyLabel,
	disputeKindLabel,
	disputeSubcategoryLabel,
	listReviews,
	notificationRecipients,
	openDispute,
	queueReview,
	replyNotification,
	resolveDispute,
	retrainDisputeModel,
	reviewedExamples,
	rollbackDisputeModel,
	senderAddress,
	shippedReviewThreshold,
	splitDisputed,
	trainDisputeModel,
} from './disputes';
export type {
	ClassifyOptions,
	DisputeCategory,
	DisputeDimension,
	DisputeLedgerCategory,
	DisputeResolution,
	DisputedSplit,
	InvoiceDisputes,
	QueueReviewInput,
	ReplyNotificationInput,
} from './disputes';

// Distribution: billing cycles, courier waves, retroplanning, manifests, release, costs.
export {
	cycleInvoices,
	cyclePeriod,
	ledgerInvoiceCopies,
	loadManifest,
	markInvoicesEntered,
	planWaves,
	releaseWave,
	renderManifestPdf,
	retroplan,
	setCourierAreas,
	waveCosts,
} from './distribution';
export type { Retroplanning } from './distribution';

// Tracking: portal users and sessions, courier accounts, devices and signed events, server keys, page handlers.
export {
	activePortalUser,
	checkSession,
	courierLogin,
	deliveryToken,
	enrolCourierDevice,
	escapeHtml,
	handleCourierRequest,
	handlePortalRequest,
	lockoutMail,
	openSession,
	readDeliveryToken,
	receiveCourierRequest,
	recordCourierEvents,
	retireServerKeys,
	revokeCourierDevice,
	revokeSubjectSessions,
	rotateServerKey,
	saveCourierAccount,
	savePortalUser,
	serverKeys,
	SESSION_CAP_SECONDS,
	signToken,
	statusQuery,
	verifyToken,
} from './tracking';
export type { LockoutNotifier, PageRequest, PageResponse, PortalUser } from './tracking';

// Reports: aged balance, DSO/CEI, days late, balance cleaning, reminder results, disputes, distribution, PDF and dashboard.
export {
	agedBalance,
	balanceCleaning,
	buildReportView,
	cei,
	daysLate,
	disputeReport,
	distributionReport,
	dso,
	handleDashboardRequest,
	netReceivables,
	receivablesOverview,
	reminderResults,
	renderDashboardHtml,
	renderReportPdf,
	renderReportViewPdf,
} from './reports';
export type {
	AgedBalance,
	AgedBalanceRow,
	AgedGroupBy,
	BalanceCleaning,
	CeiReport,
	DaysLateReport,
	DisputeReport,
	DistributionReport,
	DsoReport,
	NetReceivables,
	NetReceivablesOptions,
	NetReceivablesRow,
	ReminderResults,
	ReportAmount,
	ReportBaseOptions,
	ReportScope,
	ReportView,
} from './reports';

// Company: the company's own identity (checked, saved with its history, its logo) used by every document and message.
export {
	checkCompany,
	checkLogo,
	companyFooter,
	companyHistory,
	companyLetterhead,
	COMPANY_TEXT_FIELDS,
	loadCompanyName,
	MAX_LOGO_BYTES,
	saveCompany,
} from './company';
export type {
	CompanyLogoRef,
	CompanyProblem,
	CompanyVersion,
	SavedCompany,
	SaveCompanyOptions,
} from './company';

// Payer page: signed personal links and the page a customer answers on.
export {
	payerLinkToken,
	payerLinkUrl,
	payerNoticeMail,
	payerPage,
	revokePayerLinks,
} from './payer';
export type { PayerActionKind, PayerNotice, PayerPageOptions, PayerPageRequest } from './payer';
export {
	attachmentFileName,
	DEFAULT_MAX_ATTACHMENT_BYTES,
	payerAttachment,
	PAYER_ATTACHMENT_TYPES,
	payerRequestBody,
	sniffAttachmentType,
	uploadsFromParsedFiles,
} from './payer';
export type { PayerAttachment, PayerAttachmentRef, PayerUpload } from './payer';
