import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import {
	DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
	handleCourierRequest,
	handleDashboardRequest,
	handlePortalRequest,
	DEFAULT_MAX_ATTACHMENT_BYTES,
	payerPage,
	payerRequestBody,
	receiveCourierRequest,
	type AgedGroupBy,
	type PageRequest,
	type PageResponse,
	type PayerPageRequest,
} from '../../core';
import { credentialTest } from '../shared/methods/credentialTest';
import {
	lockoutNotifier,
	lockoutSenderProperty,
	payerMailer,
	payerNotifier,
	type PayerAnswerItem,
} from '../shared/pages';
import { getLedger } from '../shared/transport/ledger';
import {
	serveSignedIntake,
	SIGNED_INTAKE_OPTION,
	SIGNED_INTAKE_PAGE,
	signedIntakeProperties,
	WEBHOOK_CREDENTIAL,
} from './signedIntake';
import {
	EINVOICING_PAGE_OPTIONS,
	einvoicingProperties,
	serveEinvoicingStatuses,
	servePlatformFlows,
} from './einvoicing';
import { rawBodyProperty, readRequestBody } from './requestBody';

/** A courier request (up to 500 events, each with its photo and signature): larger ones get 413 before being read. */
const MAX_COURIER_BODY_BYTES = 8 * 1024 * 1024;

/**
 * n8n's own HTML sandbox (what it puts on webhook pages), plus no framing by any site. The node answers itself, so
 * n8n does not add its policy: the page keeps the same sandbox (no cookies, no storage, an opaque origin).
 */
const PAGE_CSP =
	"sandbox allow-downloads allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-scripts allow-top-navigation-by-user-activation; frame-ancestors 'none'";

const pages = ['portal', 'courierPage', 'dashboard'];
const htmlPages = [...pages, 'payer'];

/**
 * The pages (tracking portal, courier page, dashboard, payer page) and the couriers' signed events, served by the node itself:
 * the request is read, checked and answered here, so the logins, sessions, photos, signatures and positions never
 * become an item — n8n stores items in its execution history. A page request starts no execution at all; a courier
 * request that was recorded starts one with the outcome of each event only (no image, no position).
 */
export class ReceivablesPageTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Receivables Page Trigger',
		name: 'receivablesPageTrigger',
		icon: { light: 'file:receivablesPage.svg', dark: 'file:receivablesPage.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["page"] }}',
		description:
			"Serves the tracking portal, the courier page, the dashboard or the payer page, or takes the signed requests of the couriers' phones, the e-invoicing platform and the accounting software, without any login, session, link or photo entering the execution history",
		defaults: { name: 'Receivables Page' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'receivablesLedgerApi', required: true, testedBy: 'receivablesLedgerConnectionTest' },
			{
				name: 'receivablesSmtpApi',
				required: false,
				testedBy: 'receivablesSmtpConnectionTest',
				displayOptions: { show: { page: htmlPages } },
			},
			{
				name: WEBHOOK_CREDENTIAL,
				required: false,
				displayOptions: { show: { page: [SIGNED_INTAKE_PAGE] } },
			},
		],
		webhooks: [
			{
				name: 'setup',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				path: '={{ $parameter["path"] }}',
				isFullPath: true,
			},
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '={{ $parameter["path"] }}',
				isFullPath: true,
			},
		],
		properties: [
			{
				displayName:
					"The node answers the browser or the phone itself: nothing of the request (login, secret, session, photo, signature, position) becomes an item, so nothing of it is kept in the execution history. Page requests start no execution; recorded courier events, accepted e-invoicing statuses and stored signed intake deliveries start one with their outcomes only (unsigned, forged, oversized or repeated requests start none), recorded payer answers one with the answer and who was told (never the payer's link). Publish the workflow to open the address.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Page',
				name: 'page',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Courier Events (Signed, From Phones)',
						value: 'courierEvents',
						description:
							"POST from a courier's phone, signed with the phone's own key (X-Receivables-Device)",
					},
					{
						name: 'Courier Page',
						value: 'courierPage',
						description: "The couriers' phone page: scan or type, outcome, name, signature, photo",
					},
					{
						name: 'Dashboard',
						value: 'dashboard',
						description: "The receivables dashboard within the user's accreditation",
					},
					...EINVOICING_PAGE_OPTIONS,
					{
						name: 'Payer Page',
						value: 'payer',
						description:
							"Each customer's own page, opened from the signed link in their reminders: open invoices, promise, dispute, declared payment, copy, call-back",
					},
					SIGNED_INTAKE_OPTION,
					{
						name: 'Tracking Portal',
						value: 'portal',
						description: 'Login, search, status per invoice within the accreditation, CSV export',
					},
				],
				default: 'portal',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'receivables/portal',
				required: true,
				description: 'The address under &lt;n8n&gt;/webhook/',
			},
			{
				displayName: 'Form Action URL',
				name: 'actionUrl',
				type: 'string',
				default: '',
				description: "Where the page's forms post; empty: the page's own address",
				displayOptions: { show: { page: htmlPages } },
			},
			{
				displayName: 'Session Minutes',
				name: 'sessionMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
				description:
					'How long a session lasts without activity (a session ends 10 hours after login on the portal and dashboard, 14 on the courier page, whatever this says)',
				displayOptions: { show: { page: pages } },
			},
			{ ...lockoutSenderProperty, displayOptions: { show: { page: pages } } },
			{
				displayName: 'Notice Sender',
				name: 'noticeSender',
				type: 'string',
				default: '',
				placeholder: 'relances@example.com',
				description:
					"From address of the e-mail telling the customer's collector (or the dispute's owner) what the payer answered, and of the message confirming a new billing e-mail to that address (needs the Receivables SMTP credential). Empty: no e-mail; the answer is still written and starts an execution, and the page cannot change the billing e-mail.",
				displayOptions: { show: { page: ['payer'] } },
			},
			{
				displayName: 'Team E-Mail',
				name: 'teamEmail',
				type: 'string',
				default: '',
				placeholder: 'credit-management@example.com',
				description:
					"Who is told when neither the dispute's owner nor the customer's collector has an e-mail address in the staff list",
				displayOptions: { show: { page: ['payer'] } },
			},
			{
				displayName: 'Payer Page Options',
				name: 'payerOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { page: ['payer'] } },
				options: [
					{
						displayName: 'Answers per Customer per Hour',
						name: 'actionsPerHour',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 10,
					},
					{
						displayName: 'Declared Payment Hold (Days)',
						name: 'declaredPaymentHoldDays',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 10,
						description: 'How long a declared payment holds dunning while the money travels',
					},
					{
						displayName: 'Latest Promise (Days From Today)',
						name: 'maxPromiseDays',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 30,
						description: 'The latest date a payer may promise, counted from today',
					},
					{
						displayName: 'Maximum Attachment Size (KB)',
						name: 'maxAttachmentKb',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 5120,
						description:
							'Largest proof of payment or dispute document a payer may attach (PDF, PNG or JPEG, read from the file itself); a larger file is refused with a clear message and nothing is written. n8n refuses bodies over its own N8N_FORMDATA_FILE_SIZE_MAX (MB) first.',
					},
					{
						displayName: 'Time Zone',
						name: 'zone',
						type: 'string',
						default: 'Europe/Paris',
						description: 'IANA zone in which today, days late and promise dates are counted',
					},
				],
			},
			// Hidden: the signed pages read the request body themselves, n8n does not read or parse it first.
			rawBodyProperty,
			...signedIntakeProperties,
			{
				displayName: 'Company Name',
				name: 'company',
				type: 'string',
				default: '',
				description: "Shown in the dashboard's header",
				displayOptions: { show: { page: ['dashboard'] } },
			},
			{
				displayName: 'Dashboard Options',
				name: 'dashboardOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { page: ['dashboard'] } },
				options: [
					{
						displayName: 'Aged Balance By',
						name: 'groupBy',
						type: 'options',
						options: [
							{ name: 'Customer', value: 'customer' },
							{ name: 'Dunning Profile', value: 'profile' },
							{ name: 'Sales Rep', value: 'sales_rep' },
						],
						default: 'customer',
					},
					{
						displayName: 'Buckets (Days Overdue)',
						name: 'buckets',
						type: 'string',
						default: '30, 60, 90',
					},
					{
						displayName: 'Currency',
						name: 'currency',
						type: 'string',
						default: '',
						placeholder: 'EUR',
						description:
							'Only amounts in this currency. Empty: every currency, each totalled apart.',
					},
					{
						displayName: 'Months of Trend',
						name: 'months',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 36 },
						default: 12,
					},
					{
						displayName: 'Time Zone',
						name: 'zone',
						type: 'string',
						default: 'Europe/Paris',
						description: "IANA zone in which today's date and the dates are counted",
					},
				],
			},
			{
				displayName: 'Event Options',
				name: 'eventOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { page: ['courierEvents'] } },
				options: [
					{
						displayName: 'Maximum Photo Size (KB)',
						name: 'maxPhotoKb',
						type: 'number',
						default: 2048,
					},
					{
						displayName: 'Maximum Signature Size (KB)',
						name: 'maxSignatureKb',
						type: 'number',
						default: 200,
					},
					{
						displayName: 'Time Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						default: DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
					},
				],
			},
			...einvoicingProperties,
		],
	};

	methods = { credentialTest };

	/** No third party to tell: the browsers and phones come to n8n's own address. */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const page = this.getNodeParameter('page', 'portal') as string;
		if (page === 'einvoicingStatuses') return await serveEinvoicingStatuses(this);
		if (page === 'platformFlows') return await servePlatformFlows(this);
		const res = this.getResponseObject();
		if (page === 'courierEvents') {
			const send = (status: number, body: IDataObject) => {
				res.status(status).setHeader('Referrer-Policy', 'no-referrer');
				res.setHeader('Cache-Control', 'no-store');
				res.json(body);
			};
			if (this.getWebhookName() !== 'default') {
				send(405, {
					code: 'METHOD_NOT_ALLOWED',
					error: 'Send the events with POST.',
					errorFr: 'Envoyez les événements en POST.',
				});
				return { noWebhookResponse: true };
			}
			const options = this.getNodeParameter('eventOptions', {}) as IDataObject;
			const read = await readRequestBody(this, MAX_COURIER_BODY_BYTES, 'courier events');
			if (!read.ok) {
				send(read.status, {
					code: read.code,
					error: read.message.en,
					errorFr: read.message.fr,
					hint: read.hint.en,
					hintFr: read.hint.fr,
				});
				return { noWebhookResponse: true };
			}
			let result;
			try {
				const ledger = await getLedger(this);
				result = await receiveCourierRequest(
					ledger,
					{ rawBody: read.body, headers: this.getHeaderData() as Record<string, unknown> },
					{
						maxBodyBytes: MAX_COURIER_BODY_BYTES,
						toleranceSeconds:
							Number(options.toleranceSeconds) || DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
						maxPhotoBytes: Math.round((Number(options.maxPhotoKb) || 2048) * 1024),
						maxSignatureBytes: Math.round((Number(options.maxSignatureKb) || 200) * 1024),
						actor: `n8n:${this.getWorkflow().id ?? 'workflow'}`,
					},
				);
			} catch (error) {
				this.logger.error(
					`Receivables courier events failed: ${error instanceof Error ? error.message : String(error)}`,
				);
				send(503, {
					code: 'UNAVAILABLE',
					error: 'The service is unavailable for a moment; send the events again shortly.',
					errorFr:
						'Le service est momentanément indisponible ; renvoyez les événements dans un instant.',
				});
				return { noWebhookResponse: true };
			}
			const results = (result.results ?? []).map((r) =>
				r.ok
					? { index: r.index, ok: true, ...r.outcome }
					: { index: r.index, ok: false, code: r.code, error: r.message, hint: r.hint ?? null },
			);
			send(
				result.httpStatus,
				result.httpStatus === 200
					? { code: result.code, results, ...(result.repeated ? { repeated: true } : {}) }
					: {
							code: result.code,
							error: result.message?.en ?? '',
							errorFr: result.message?.fr ?? '',
						},
			);
			// A request sent again gets its first answer and starts nothing: its events were handled the first time.
			if (result.httpStatus !== 200 || result.repeated) return { noWebhookResponse: true };
			return {
				noWebhookResponse: true,
				workflowData: [results.map((json) => ({ json: json as IDataObject }))],
			};
		}

		if (page === 'payer') return await servePayerPage(this);
		if (page === SIGNED_INTAKE_PAGE) return await serveSignedIntake(this);

		const request: PageRequest = {
			method: this.getRequestObject().method,
			body: (this.getBodyData() ?? {}) as Record<string, unknown>,
			query: (this.getQueryData() ?? {}) as Record<string, unknown>,
			headers: this.getHeaderData() as Record<string, unknown>,
			peer: peerAddress(this),
		};
		let response: PageResponse;
		try {
			const ledger = await getLedger(this);
			const base = {
				actionUrl: String(this.getNodeParameter('actionUrl', '') ?? ''),
				sessionSeconds: Math.round(Number(this.getNodeParameter('sessionMinutes', 30)) * 60),
				notify: await lockoutNotifier(this, this.getNodeParameter('lockoutSender', '')),
			};
			if (page === 'courierPage') response = await handleCourierRequest(ledger, request, base);
			else if (page === 'dashboard') {
				const o = this.getNodeParameter('dashboardOptions', {}) as IDataObject;
				const buckets = String(o.buckets ?? '30, 60, 90')
					.split(/[,;\s]+/)
					.filter(Boolean)
					.map(Number)
					.filter((n) => Number.isInteger(n) && n > 0);
				response = await handleDashboardRequest(ledger, request, {
					...base,
					company: String(this.getNodeParameter('company', '') ?? '') || undefined,
					overview: {
						zone: o.zone ? String(o.zone).trim() || undefined : undefined,
						currency: o.currency ? String(o.currency).trim().toUpperCase() || undefined : undefined,
						months: o.months === undefined ? undefined : Number(o.months),
						aged: {
							groupBy: (o.groupBy as AgedGroupBy) || 'customer',
							buckets: buckets.length ? buckets : [30, 60, 90],
						},
					},
				});
			} else response = await handlePortalRequest(ledger, request, base);
		} catch (error) {
			response = {
				status: 503,
				headers: { 'Content-Type': 'text/plain; charset=utf-8' },
				body: 'Service unavailable / Service indisponible',
				failure: error instanceof Error ? error.message : String(error),
			};
		}
		if (response.failure) this.logger.error(`Receivables page failed: ${response.failure}`);
		answerPage(this, response);
		return { noWebhookResponse: true };
	}
}

function answerPage(ctx: IWebhookFunctions, response: PageResponse): void {
	const res = ctx.getResponseObject();
	res.status(response.status);
	for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
	res.setHeader('Content-Security-Policy', PAGE_CSP);
	res.send(response.file ?? response.body);
}

/** The address of the connection n8n received (Express's req.ip, which follows N8N_PROXY_HOPS), for login throttling. */
function peerAddress(ctx: IWebhookFunctions): string | undefined {
	const req = ctx.getRequestObject() as unknown as {
		ip?: string;
		socket?: { remoteAddress?: string };
	};
	return req.ip || req.socket?.remoteAddress || undefined;
}

/**
 * The payer page: the customer's signed link (in the address or the form, never a cookie) is the proof of who
 * answers; the page and its answers are read, checked and written here. A page view starts no execution; a recorded
 * answer starts one with the answer and who was told, never the link or its token.
 */
async function servePayerPage(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const answers: PayerAnswerItem[] = [];
	let response: PageResponse;
	try {
		const o = ctx.getNodeParameter('payerOptions', {}) as IDataObject;
		const positive = (v: unknown) => (Number(v) > 0 ? Number(v) : undefined);
		const maxAttachmentBytes = Math.round(
			(positive(o.maxAttachmentKb) ?? DEFAULT_MAX_ATTACHMENT_BYTES / 1024) * 1024,
		);
		const headers = ctx.getHeaderData() as Record<string, unknown>;
		// A proof of payment or a dispute document comes as a multipart form, which n8n parses into temporary files.
		const { body, uploads } = await payerRequestBody(
			ctx.getBodyData(),
			headers['content-type'],
			maxAttachmentBytes,
		);
		const request: PayerPageRequest = {
			method: ctx.getRequestObject().method,
			body,
			uploads,
			query: (ctx.getQueryData() ?? {}) as Record<string, unknown>,
			headers,
			peer: peerAddress(ctx),
		};
		const ledger = await getLedger(ctx);
		response = await payerPage(ledger, request, {
			maxAttachmentBytes,
			actionUrl: String(ctx.getNodeParameter('actionUrl', '') ?? ''),
			zone: o.zone ? String(o.zone).trim() || undefined : undefined,
			maxPromiseDays: positive(o.maxPromiseDays),
			actionsPerHour: positive(o.actionsPerHour),
			declaredPaymentHoldDays: positive(o.declaredPaymentHoldDays),
			notify: await payerNotifier(
				ctx,
				ledger,
				ctx.getNodeParameter('noticeSender', ''),
				ctx.getNodeParameter('teamEmail', ''),
				answers,
			),
			pageUrl:
				String(ctx.getNodeParameter('actionUrl', '') ?? '').trim() ||
				ctx.getNodeWebhookUrl('default'),
			sendMail: await payerMailer(ctx, ctx.getNodeParameter('noticeSender', '')),
		});
	} catch (error) {
		response = {
			status: 503,
			headers: { 'Content-Type': 'text/plain; charset=utf-8' },
			body: 'Service unavailable / Service indisponible',
			failure: error instanceof Error ? error.message : String(error),
		};
	}
	if (response.failure) ctx.logger.error(`Receivables payer page failed: ${response.failure}`);
	for (const a of answers)
		if (a.notifyError)
			ctx.logger.warn(
				`Receivables payer page: the answer of ${a.customerExternalId} was recorded but not e-mailed: ${a.notifyError}`,
			);
	answerPage(ctx, response);
	if (!answers.length) return { noWebhookResponse: true };
	return { noWebhookResponse: true, workflowData: [answers.map((json) => ({ json }))] };
}
