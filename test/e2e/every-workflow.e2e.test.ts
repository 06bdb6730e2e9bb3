// Every shipped workflow runs green in the product as `npm start` sets it up: fresh data folder, embedded Postgres,
// the demo company as of today, the mail catcher, the real n8n with the package, its credentials and workflows.
// Each workflow is executed once from each of its triggers, as the editor's "Execute workflow" button does:
// schedules and manual triggers as they are; mailboxes (IMAP) with messages pinned on the trigger, as a user pins
// a sample message; webhooks, published by npm start, called at their production address. Any execution that does not end in success fails the test, with the node
// and message; what each workflow did (items per node) is printed.
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseFlatted } from 'flatted';
import { Client } from 'pg';
import { openLedger, payerLinkUrl } from '../../core';
import {
	freePort,
	killProduct,
	loginOwner,
	startProduct,
	stopProduct,
	type Started,
} from '../helpers/npmStart';
import { REPO_ROOT, scriptEnv } from '../helpers/scripts';

const { SIGNED_PAGES } = require('../../scripts/lib/signed-paths.cjs') as {
	SIGNED_PAGES: Set<string>;
};

jest.setTimeout(30 * 60_000);

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	disabled?: boolean;
}
interface WorkflowData {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: unknown;
	settings?: unknown;
	versionId?: string;
	active: boolean;
}
interface RunData {
	[node: string]: Array<{
		data?: { main?: Array<Array<unknown> | null> };
		error?: { message?: string; description?: string };
	}>;
}
interface Execution {
	status: string;
	data: string;
}

const PAGE_TRIGGER = 'n8n-nodes-receivables.receivablesPageTrigger';
const TRIGGERS = [
	PAGE_TRIGGER,
	'n8n-nodes-base.scheduleTrigger',
	'n8n-nodes-base.manualTrigger',
	'n8n-nodes-base.webhook',
	'n8n-nodes-base.emailReadImap',
	'n8n-nodes-base.formTrigger',
];

interface Demo {
	customerCode: string;
	currency: string;
	email: string;
	lateInvoice: string;
	company: Record<string, unknown>;
	owner: string;
}

/** What a user would pin on a trigger that waits for the outside world, from the demo company's own data. */
function pinned(
	workflow: WorkflowData,
	trigger: WorkflowNode,
	demo: Demo,
	today: string,
): Array<Record<string, unknown>> | undefined {
	const inDays = (n: number) =>
		new Date(Date.parse(`${today}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
	if (trigger.type === 'n8n-nodes-base.webhook') {
		const webhookPath = String(trigger.parameters.path ?? '');
		const request = (method: string, body: unknown) => ({
			headers: { host: 'localhost:5678', 'content-type': 'application/json' },
			params: {},
			query: {},
			body,
			webhookUrl: `http://localhost:5678/webhook/${webhookPath}`,
			executionMode: 'test',
			method,
		});
		const method = String(trigger.parameters.httpMethod ?? 'GET');
		return [request(method, {})];
	}
	if (trigger.type === 'n8n-nodes-base.formTrigger') {
		// What the form gives when the logged-in user sends the demo company's identity again (file field left empty).
		const fields =
			(
				trigger.parameters.formFields as
					| { values?: Array<{ fieldName?: string; fieldType?: string }> }
					| undefined
			)?.values ?? [];
		const json: Record<string, unknown> = {
			submittedAt: new Date().toISOString(),
			formMode: 'test',
			user: { email: demo.owner },
		};
		for (const field of fields) {
			if (!field.fieldName || field.fieldType === 'file') continue;
			const value = demo.company[field.fieldName];
			json[field.fieldName] = Array.isArray(value)
				? value.join('\n')
				: value === undefined
					? ''
					: String(value);
		}
		return [json];
	}
	if (trigger.type === 'n8n-nodes-base.emailReadImap') {
		const date = new Date().toUTCString();
		if (workflow.nodes.some((n) => n.type === 'n8n-nodes-receivables.disputeClassifier')) {
			return [
				{
					textPlain: `Bonjour,\nLa facture ${demo.lateInvoice} est validée, elle sera payée le ${Number(inDays(10).slice(8))}.\nCordialement`,
					textHtml: '',
					subject: `RE: Relance facture ${demo.lateInvoice}`,
					date,
					from: demo.email,
					metadata: { 'message-id': `<e2e-reply-${today}@demo>` },
					attributes: { uid: 1 },
				},
			];
		}
		if (workflow.nodes.some((n) => n.type === 'n8n-nodes-receivables.reminderStep')) {
			return [
				{
					subject: 'Réponse automatique : absent',
					text: 'Je suis absent jusqu’à lundi.',
					headers: {
						from: `From: ${demo.email}`,
						subject: 'Subject: Réponse automatique : absent',
						'auto-submitted': 'Auto-Submitted: auto-replied',
					},
				},
			];
		}
		return [
			{
				subject: 'Factures du mois',
				from: demo.email,
				date,
				textPlain: 'Bonjour, voici nos factures.',
			},
		];
	}
	return undefined;
}

/** Items per node and output, e.g. "Send level1 reminders: 12 / 0 / 3". */
function summary(runData: RunData): string[] {
	return Object.entries(runData).map(([node, runs]) => {
		const outputs = runs[runs.length - 1]?.data?.main ?? [];
		return `${node}: ${outputs.map((items) => (items ?? []).length).join(' / ') || '-'}`;
	});
}

function itemsOf(
	runData: RunData,
	node: string,
	output = 0,
): Array<{ json: Record<string, unknown> }> {
	const runs = runData[node] ?? [];
	return (runs[runs.length - 1]?.data?.main?.[output] ?? []) as Array<{
		json: Record<string, unknown>;
	}>;
}

describe('every shipped workflow in the product started by npm start', () => {
	const data = mkdtempSync(path.join(os.tmpdir(), 'receivables-every-'));
	chmodSync(data, 0o755);
	const statusFile = path.join(data, 'status.json');
	let running: Started | undefined;
	let db: Client | undefined;

	afterAll(async () => {
		await db?.end().catch(() => undefined);
		if (running) {
			await stopProduct(running).catch(() => undefined);
			killProduct(running);
		}
		rmSync(data, { recursive: true, force: true });
	});

	it('runs each workflow from each trigger and every execution succeeds, doing visible work', async () => {
		const env = scriptEnv({
			RECEIVABLES_DATA_DIR: data,
			RECEIVABLES_START_STATUS: statusFile,
			N8N_PORT: String(await freePort()),
			MAIL_SMTP_PORT: String(await freePort()),
			MAIL_HTTP_PORT: String(await freePort()),
		});
		running = await startProduct(env, statusFile);
		const { status } = running;
		const cookie = await loginOwner(status);
		const headers = { Cookie: cookie, 'Content-Type': 'application/json' };

		const port = Number(readFileSync(path.join(data, 'postgres.port'), 'utf8'));
		db = new Client({
			connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/receivables`,
		});
		db.on('error', () => undefined);
		await db.connect();
		const schema = status.ledgerSchema;
		const [{ today }] = (
			await db.query<{ today: string }>(
				`SELECT to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD') AS today`,
			)
		).rows;
		const [late] = (
			await db.query<{ number: string; external_id: string; currency: string; email: string }>(
				`SELECT i.number, c.external_id, c.currency, c.emails[1] AS email FROM ${schema}.invoices i JOIN ${schema}.customers c ON c.id = i.customer_id
				WHERE i.status = 'open' AND i.doc_type = 'invoice' AND i.due_date < now() AND cardinality(c.emails) > 0 ORDER BY i.due_date DESC, i.number LIMIT 1`,
			)
		).rows;
		const [identity] = (
			await db.query<{ value: Record<string, unknown> }>(
				`SELECT value FROM ${schema}.settings WHERE key = 'company'`,
			)
		).rows;
		const demo: Demo = {
			customerCode: late.external_id,
			currency: late.currency,
			email: late.email,
			lateInvoice: late.number,
			company: identity?.value ?? {},
			owner: status.owner.email,
		};

		// The files folder npm start gives n8n: workflows write there, never elsewhere.
		const files = path.join(data, 'files');
		expect(readdirSync(files).sort()).toEqual(
			expect.arrayContaining(['bank-statements', 'call-lists', 'letters', 'reports']),
		);

		const shipped = readdirSync(path.join(REPO_ROOT, 'workflows')).filter((f) =>
			f.endsWith('.json'),
		);
		const failures: string[] = [];
		const report: string[] = [];
		const done = new Map<string, RunData[]>();
		for (const file of shipped) {
			const { id } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'workflows', file), 'utf8')) as {
				id: string;
			};
			const first = (
				(await (await fetch(`${status.editorUrl}/rest/workflows/${id}`, { headers })).json()) as {
					data: WorkflowData;
				}
			).data;
			const triggers = first.nodes.filter((n) => TRIGGERS.includes(n.type) && !n.disabled);
			expect({ file, triggers: triggers.length > 0 }).toEqual({ file, triggers: true });
			for (const trigger of triggers) {
				const workflow = (
					(await (await fetch(`${status.editorUrl}/rest/workflows/${id}`, { headers })).json()) as {
						data: WorkflowData;
					}
				).data;
				if (
					trigger.type === 'n8n-nodes-base.manualTrigger' &&
					/<paste /.test(JSON.stringify(workflow.nodes))
				) {
					// A person's form in the canvas: it runs once they paste the value asked for; not run blank.
					report.push(
						`${first.name} [${trigger.name}] → waits for a person's input (a value to paste), not run`,
					);
					continue;
				}
				if (trigger.type === PAGE_TRIGGER && trigger.parameters.page === 'payer') {
					// The payer page opens only from a customer's signed link: without one, a page saying so; with the
					// link of a reminder of the demo customer, their open invoices and the answer forms.
					const address = `${status.editorUrl}/webhook/${String(trigger.parameters.path)}`;
					const bare = await fetch(address);
					const bareBody = await bare.text();
					const ledger = openLedger({
						connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/receivables`,
						schema,
					});
					const link = await payerLinkUrl(ledger, demo.customerCode, address).finally(() =>
						ledger.close(),
					);
					const answer = await fetch(link);
					const body = await answer.text();
					report.push(
						`${first.name} [GET ${String(trigger.parameters.path)}] → HTTP ${bare.status} without a link, ${answer.status} with ${demo.customerCode}'s link`,
					);
					process.stdout.write(`${report[report.length - 1]}\n`);
					if (bare.status !== 403 || /<form/i.test(bareBody))
						failures.push(
							`${file} / ${trigger.name}: without a link HTTP ${bare.status} ${bareBody.slice(0, 200)}`,
						);
					if (answer.status !== 200 || !/<form/i.test(body) || !body.includes(demo.lateInvoice))
						failures.push(
							`${file} / ${trigger.name}: with a link HTTP ${answer.status} ${body.slice(0, 200)}`,
						);
					continue;
				}
				if (trigger.type === PAGE_TRIGGER) {
					// Pages answer by themselves and start no execution; couriers' phones and the e-invoicing platform post
					// signed requests (an unsigned one is refused with a 4xx).
					const events = SIGNED_PAGES.has(String(trigger.parameters.page));
					const answer = await fetch(
						`${status.editorUrl}/webhook/${String(trigger.parameters.path)}`,
						events
							? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }
							: {},
					);
					const body = await answer.text();
					report.push(
						`${first.name} [${events ? 'POST' : 'GET'} ${String(trigger.parameters.path)}] → HTTP ${answer.status}`,
					);
					process.stdout.write(`${report[report.length - 1]}\n`);
					if (
						events
							? answer.status >= 500 || answer.status < 400
							: answer.status !== 200 || !/<form/i.test(body)
					)
						failures.push(`${file} / ${trigger.name}: HTTP ${answer.status} ${body.slice(0, 200)}`);
					continue;
				}
				if (
					trigger.type === 'n8n-nodes-base.formTrigger' &&
					trigger.parameters.authentication === 'n8nUserAuth'
				) {
					// A form for n8n users only: served to the logged-in owner, never to an anonymous visitor; then run below
					// as the editor runs it with a submission pinned.
					const url = `${status.editorUrl}/form/${String((trigger.parameters.options as { path?: string } | undefined)?.path ?? '')}`;
					// As a browser opens it: redirects inside n8n followed with the cookies set on the way (n8n forms for its
					// users may pass through n8n's own sign-in or authorisation step before the form).
					const browse = async (start: string, startCookie: string) => {
						const jar = new Map(
							startCookie
								.split(/;\s*/)
								.filter(Boolean)
								.map((c) => [c.split('=')[0], c] as [string, string]),
						);
						let at = start;
						const hops: string[] = [];
						const base = new URL(status.editorUrl);
						// n8n names itself localhost or 127.0.0.1: the same server, as one host for the cookies.
						const sameHost = (url: string) => {
							const u = new URL(url);
							return ['localhost', '127.0.0.1'].includes(u.hostname) && u.port === base.port
								? `${status.editorUrl}${u.pathname}${u.search}`
								: url;
						};
						const send = async (url: string, init: RequestInit = {}) => {
							const response = await fetch(url, {
								...init,
								headers: {
									...(init.headers as Record<string, string> | undefined),
									...(jar.size ? { Cookie: [...jar.values()].join('; ') } : {}),
								},
								redirect: 'manual',
							});
							for (const set of response.headers.getSetCookie()) {
								const pair = set.split(';')[0];
								jar.set(pair.split('=')[0], pair);
							}
							return response;
						};
						for (let hop = 0; ; hop++) {
							const response = await send(at);
							const location = response.headers.get('location');
							let next = location ? sameHost(new URL(location, at).toString()) : '';
							if (
								response.status === 200 &&
								new URL(at).pathname.startsWith('/oauth/') &&
								hop < 8
							) {
								// n8n's consent page (a page of the editor): what its script does — first-party forms are approved by themselves.
								await response.text();
								const details = (await (
									await send(`${status.editorUrl}/rest/consent/details`)
								).json()) as { data?: { autoApproved?: boolean; redirectUrl?: string } };
								let redirect = details.data?.redirectUrl;
								if (!details.data?.autoApproved) {
									const approved = (await (
										await send(`${status.editorUrl}/rest/consent/approve`, {
											method: 'POST',
											headers: { 'Content-Type': 'application/json' },
											body: JSON.stringify({ approved: true }),
										})
									).json()) as { data?: { redirectUrl?: string } };
									redirect = approved.data?.redirectUrl;
								}
								if (!redirect)
									return { status: 0, body: `consent: ${JSON.stringify(details)}`, hops };
								next = sameHost(new URL(redirect, at).toString());
								hops.push(`${new URL(at).pathname} (consent)`);
								at = next;
								continue;
							}
							if (
								response.status < 300 ||
								response.status >= 400 ||
								!next.startsWith(status.editorUrl) ||
								hop >= 8 ||
								next.includes('/signin')
							) {
								return {
									status: response.status,
									body: await response.text(),
									hops: [...hops, ...(next ? [next.replace(status.editorUrl, '')] : [])],
								};
							}
							await response.text();
							hops.push(next.replace(status.editorUrl, ''));
							at = next;
						}
					};
					const anonymous = await browse(url, '');
					const anonymousBody = anonymous.body;
					const owner = await browse(url, cookie);
					const ownerBody = `${owner.body} (via ${owner.hops.join(' → ') || 'no redirect'})`;
					report.push(
						`${first.name} [GET ${url.replace(status.editorUrl, '')}] → HTTP ${owner.status} logged in (${owner.hops.length} redirects), ${anonymous.status} anonymous (${anonymous.hops.join(' → ')})`,
					);
					process.stdout.write(`${report[report.length - 1]}\n`);
					if (owner.status !== 200 || !/<form/i.test(owner.body))
						failures.push(
							`${file} / ${trigger.name}: the form answered the owner ${owner.status} ${ownerBody.slice(-400)}`,
						);
					if (
						anonymous.status === 200 &&
						/<form/i.test(anonymousBody) &&
						/name="field-0"|id="field-0"/.test(anonymousBody)
					)
						failures.push(`${file} / ${trigger.name}: the form was served to an anonymous visitor`);
				}
				if (trigger.type === 'n8n-nodes-base.webhook') {
					// Published by npm start: called at its production address, as the outside world calls it.
					const method = ([] as unknown[]).concat(
						trigger.parameters.httpMethod ?? 'GET',
					)[0] as string;
					const since = Date.now();
					const answer = await fetch(
						`${status.editorUrl}/webhook/${String(trigger.parameters.path)}`,
						{
							method,
							...(method === 'POST'
								? { headers: { 'Content-Type': 'application/json' }, body: '{}' }
								: {}),
						},
					);
					await answer.text();
					let execution: Execution | undefined;
					for (
						let i = 0;
						i < 120 &&
						!['success', 'error', 'crashed', 'canceled'].includes(execution?.status ?? '');
						i++
					) {
						await new Promise((resolve) => setTimeout(resolve, 500));
						const list = (await (
							await fetch(
								`${status.editorUrl}/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: id }))}&limit=1`,
								{ headers },
							)
						).json()) as {
							data?: { results?: Array<{ id: string; startedAt?: string; createdAt?: string }> };
						};
						const latest = list.data?.results?.[0];
						if (!latest || Date.parse(latest.startedAt ?? latest.createdAt ?? '') < since - 1000)
							continue;
						execution = (
							(await (
								await fetch(`${status.editorUrl}/rest/executions/${latest.id}`, { headers })
							).json()) as { data: Execution }
						).data;
					}
					const parsed = execution?.data
						? (parseFlatted(execution.data) as {
								resultData: { runData: RunData; error?: { message?: string } };
							})
						: undefined;
					report.push(
						`${first.name} [${method} ${String(trigger.parameters.path)} → HTTP ${answer.status}] → ${execution?.status ?? 'no execution'}\n    ${summary(parsed?.resultData.runData ?? {}).join('\n    ')}`,
					);
					process.stdout.write(`${report[report.length - 1]}\n`);
					if (execution?.status !== 'success')
						failures.push(
							`${file} / ${trigger.name}: ${execution?.status ?? 'no execution'} — ${parsed?.resultData.error?.message ?? ''}`,
						);
					continue;
				}
				const pin = pinned(workflow, trigger, demo, today);
				const saved = await fetch(`${status.editorUrl}/rest/workflows/${id}`, {
					method: 'PATCH',
					headers,
					body: JSON.stringify({
						name: workflow.name,
						nodes: workflow.nodes,
						connections: workflow.connections,
						settings: workflow.settings,
						versionId: workflow.versionId,
						pinData: pin ? { [trigger.name]: pin.map((json) => ({ json })) } : {},
					}),
				});
				if (!saved.ok) {
					failures.push(
						`${file} / ${trigger.name}: saving the pinned data answered ${saved.status}: ${(await saved.text()).slice(0, 300)}`,
					);
					continue;
				}
				const started = await fetch(`${status.editorUrl}/rest/workflows/${id}/run`, {
					method: 'POST',
					headers,
					body: JSON.stringify({ triggerToStartFrom: { name: trigger.name } }),
				});
				if (started.status !== 200) {
					failures.push(
						`${file} / ${trigger.name}: run answered ${started.status}: ${(await started.text()).slice(0, 300)}`,
					);
					continue;
				}
				const answer = (await started.json()) as { data?: { executionId?: string } };
				const executionId = answer.data?.executionId;
				if (!executionId) {
					failures.push(
						`${file} / ${trigger.name}: no execution started: ${JSON.stringify(answer).slice(0, 300)}`,
					);
					continue;
				}
				let execution: Execution = { status: 'new', data: '' };
				for (
					let i = 0;
					i < 600 && !['success', 'error', 'crashed', 'canceled'].includes(execution.status);
					i++
				) {
					await new Promise((resolve) => setTimeout(resolve, 500));
					const got = (await (
						await fetch(`${status.editorUrl}/rest/executions/${executionId}`, { headers })
					).json()) as { data?: Execution };
					if (got.data?.status) execution = got.data;
				}
				const parsed = execution.data
					? (parseFlatted(execution.data) as {
							resultData: {
								runData: RunData;
								error?: { message?: string; node?: { name?: string } };
							};
						})
					: undefined;
				const runData = parsed?.resultData.runData ?? {};
				report.push(
					`${first.name} [${trigger.name}] → ${execution.status}\n    ${summary(runData).join('\n    ')}`,
				);
				process.stdout.write(`${report[report.length - 1]}\n`);
				if (execution.status !== 'success') {
					const error = parsed?.resultData.error;
					const failed = Object.entries(runData).find(([, runs]) => runs.some((r) => r.error));
					failures.push(
						`${file} / ${trigger.name}: ${execution.status} — ${error?.node?.name ?? failed?.[0] ?? '?'}: ${error?.message ?? failed?.[1].find((r) => r.error)?.error?.message ?? ''}`,
					);
				}
				done.set(file, [...(done.get(file) ?? []), runData]);
			}
			// Leave the workflow as it was shipped: no pinned data.
			const workflow = (
				(await (await fetch(`${status.editorUrl}/rest/workflows/${id}`, { headers })).json()) as {
					data: WorkflowData;
				}
			).data;
			await fetch(`${status.editorUrl}/rest/workflows/${id}`, {
				method: 'PATCH',
				headers,
				body: JSON.stringify({
					name: workflow.name,
					nodes: workflow.nodes,
					connections: workflow.connections,
					settings: workflow.settings,
					versionId: workflow.versionId,
					pinData: {},
				}),
			});
		}
		process.stdout.write(`\nEvery workflow, items per node and output:\n${report.join('\n')}\n`);
		expect(failures).toEqual([]);

		// Visible work on the day the demo is loaded.
		const runOf = (file: string) => done.get(file)?.[0] ?? {};
		expect(
			itemsOf(runOf('dunning-level1-daily.json'), 'Send level1 reminders').length,
		).toBeGreaterThan(0);
		expect(itemsOf(runOf('contacts-daily-calls.json'), 'Plan the calls').length).toBeGreaterThan(0);
		// The policies in force, each stage with the French wording customers get (Reminder Step version 2 in the real n8n).
		const policies = itemsOf(runOf('dunning-policies.json'), 'Current dunning policies');
		expect(policies.filter((i) => i.json.policy === 'standard').map((i) => i.json.stage)).toEqual([
			'pre_due',
			'level1',
			'level2',
			'level3',
			'formal_notice',
			'thank_you',
		]);
		for (const item of policies) expect(String(item.json.subjectFr)).not.toBe('');
		// The reminder preview: one invoice in its level 1 period (due today, or already reminded when the daily level 1
		// workflow, run before it, sent them all), rendered, nothing rejected.
		const previews = itemsOf(runOf('dunning-policies.json'), 'Preview the reminder');
		expect(previews.map((i) => i.json.stage)).toEqual(['level1']);
		for (const item of previews) expect(String(item.json.subject)).not.toBe('');
		expect(itemsOf(runOf('dunning-policies.json'), 'Preview the reminder', 1)).toEqual([]);
		const cycle = runOf('distribution-cycle-run.json');
		const waves = itemsOf(cycle, 'Plan waves');
		const why = itemsOf(cycle, 'Plan waves', 1);
		expect(waves.length + why.length).toBeGreaterThan(0);
		for (const item of why)
			expect(String(item.json.message)).toMatch(
				/courier serves|No billing cycle ends|already in waves/,
			);
		const caught = (await (await fetch(`${status.catcherUrl}/api/messages`)).json()) as Array<{
			subject: string;
			from?: unknown;
		}>;
		expect(caught.length).toBeGreaterThan(0);
		// The demo company's identity: every subject names it or at least never starts with a dash; the form sent it
		// again unchanged.
		for (const mail of caught) expect(mail.subject).not.toMatch(/^\s*[-–—]/);
		const form = itemsOf(runOf('foundation-company-settings.json'), 'Save company settings');
		expect(form.map((i) => i.json.status)).toEqual(['unchanged']);
		await db.end();
		db = undefined;

		expect(await stopProduct(running)).toBe(0);
		running = undefined;
	});
});
