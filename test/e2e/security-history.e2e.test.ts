// Nothing secret in n8n's execution history, in a real n8n 2.40.7: every shipped workflow that takes a login, a
// link or a courier's images — the portal, the courier page, the courier-events webhook, the dashboard and the payer
// page — is published and used over HTTP with real logins (a wrong one too), a delivery with a signature and a photo
// is recorded from the courier page and another one from a phone (signed with its own key, with a position), and a
// customer answers on the payer page opened from their signed link (an execution n8n saves); then every execution
// n8n saved (execution_data, the execution rows, the binary data folder) is scanned for the passwords, the session,
// form and link tokens, the phone's key, the signature and photo bytes and the positions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { signWebhookRequest } from '../../core';
import { testLedgerConfig } from '../helpers/db';
import {
	prepareInstance,
	runtimeLibrary,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';

const PORTAL_WORKFLOW = 'rcvTrackPortal01';
const COURIER_WORKFLOW = 'rcvTrackCourier1';
const EVENTS_WORKFLOW = 'rcvTrackEvents01';
const DASHBOARD_WORKFLOW = 'rcvReportsDashboard';
const PAYER_WORKFLOW = 'rcvPayerPage0001';

type Core = typeof import('../../core');

const hidden = (html: string, name: string) =>
	new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

/** A small PNG / JPEG whose bytes are recognisable (a marker inside), as data URLs the pages and phones send. */
function image(kind: 'png' | 'jpeg', marker: string): { dataUrl: string; base64: string } {
	const head =
		kind === 'png'
			? Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
			: Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
	const bytes = Buffer.concat([head, Buffer.from(marker.repeat(40), 'latin1')]);
	const base64 = bytes.toString('base64');
	return { dataUrl: `data:image/${kind};base64,${base64}`, base64 };
}

/** Every file under a folder (n8n's binary data), as text. */
function filesUnder(dir: string): string[] {
	const out: string[] = [];
	const walk = (d: string) => {
		let names: string[] = [];
		try {
			names = readdirSync(d);
		} catch {
			return;
		}
		for (const name of names) {
			const file = path.join(d, name);
			if (statSync(file).isDirectory()) walk(file);
			else out.push(readFileSync(file).toString('latin1'));
		}
	};
	walk(dir);
	return out;
}

describe('real n8n: no password, session, key, signature, photo or position in the execution history', () => {
	let instance: TestInstance | undefined;
	let n8n: N8nProcess;
	let core: Core;
	let ledger: ReturnType<Core['openLedger']>;
	let phone = { deviceId: '', key: '' };
	let sink: SmtpSink | undefined;
	const secrets = {
		portal: 'Portail-history-7f3a9c',
		courier: 'Coursier-history-1b8e4d',
		wrong: 'Wrong-guess-5c2e7a',
	};

	const post = async (webhook: string, fields: Record<string, string>) => {
		const response = await fetch(`${n8n.url}/webhook/${webhook}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields),
			signal: AbortSignal.timeout(60_000),
		});
		return { status: response.status, html: await response.text(), headers: response.headers };
	};
	const get = async (webhook: string) => {
		const response = await fetch(`${n8n.url}/webhook/${webhook}`, {
			signal: AbortSignal.timeout(60_000),
		});
		return { status: response.status, html: await response.text(), headers: response.headers };
	};

	beforeAll(async () => {
		// The payer page e-mails each answer to the collector: a real SMTP server takes it.
		sink = await startSmtpSink();
		instance = await prepareInstance('sechist', {
			smtpPort: sink.config.port,
			publish: [
				PORTAL_WORKFLOW,
				COURIER_WORKFLOW,
				EVENTS_WORKFLOW,
				DASHBOARD_WORKFLOW,
				PAYER_WORKFLOW,
			],
		});
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		core = require('../../core') as Core;
		ledger = core.openLedger(testLedgerConfig(instance.ledgerSchema));
		await ledger.ensureReady();
		await ledger.query(
			`INSERT INTO staff (code, name, roles) VALUES ('R1', 'Rep One', '{sales_rep}'), ('C1', 'Hassan', '{courier}')`,
		);
		await core.upsertCustomers(ledger, [
			{
				externalId: 'K1',
				name: 'Atlas Distribution',
				language: 'fr',
				currency: 'MAD',
				country: 'MA',
				city: 'Casablanca',
				zone: 'Z1',
				billingCycle: 'monthly',
				addressLines: ['12 rue Allal'],
				emails: [],
				salesRepCode: 'R1',
			},
		]);
		for (const number of ['H-1', 'H-2']) {
			await core.storeInvoices(ledger, [
				{
					docType: 'invoice',
					number,
					customerExternalId: 'K1',
					currency: 'MAD',
					totalExclMinor: 100000n,
					totalTaxMinor: 20000n,
					totalInclMinor: 120000n,
					payableMinor: 120000n,
					issueDate: '2026-03-01',
					dueDate: '2026-04-30',
				},
			]);
		}
		const plan = await core.planWaves(ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 10,
			couriers: ['C1'],
		});
		for (const w of plan.waves) {
			await core.markInvoicesEntered(ledger, { waveCode: w.code });
			await core.releaseWave(ledger, {
				waveCode: w.code,
				releasedAt: new Date(Date.now() - 3600_000),
			});
		}
		await core.savePortalUser(ledger, {
			login: 'rep1',
			name: 'Rep One',
			level: 2,
			staffCode: 'R1',
			secret: secrets.portal,
			language: 'fr',
		});
		await core.saveCourierAccount(ledger, {
			login: 'hassan',
			name: 'Hassan',
			staffCode: 'C1',
			secret: secrets.courier,
			language: 'fr',
		});
		phone = await core.enrolCourierDevice(ledger, {
			courierLogin: 'hassan',
			label: 'Hassan — phone',
		});
		n8n = await instance.start('main', await instance.env());
		for (const webhook of [
			'receivables/portal',
			'receivables/courier',
			'receivables/courier-events',
			'receivables/dashboard',
			'receivables/payer',
		]) {
			await runtimeLibrary.waitForWebhook(n8n.url, webhook, { method: 'POST', timeoutMs: 120_000 });
		}
	}, 10 * 60_000);

	afterAll(async () => {
		await ledger?.close();
		await instance?.cleanup();
		await sink?.close();
	}, 120_000);

	test('after real use of the five workflows, the saved executions hold none of the secrets', async () => {
		const found: string[] = [];
		// The portal: a wrong secret, then the right one, a search, the CSV, logout.
		const first = await get('receivables/portal');
		expect(first.headers.get('x-frame-options')).toBe('DENY');
		expect(first.headers.get('content-security-policy')).toMatch(
			/^sandbox .*frame-ancestors 'none'/,
		);
		expect(
			(
				await post('receivables/portal', {
					action: 'login',
					login: 'rep1',
					secret: secrets.wrong,
					form: hidden(first.html, 'form'),
				})
			).status,
		).toBe(401);
		const portal = await post('receivables/portal', {
			action: 'login',
			login: 'rep1',
			secret: secrets.portal,
			form: hidden(first.html, 'form'),
		});
		expect(portal.status).toBe(200);
		expect(portal.html).toContain('H-1');
		const portalSession = hidden(portal.html, 'session');
		const portalForm = hidden(portal.html, 'form');
		const search = await post('receivables/portal', {
			action: 'search',
			session: portalSession,
			form: portalForm,
			invoiceNumber: 'H-1',
		});
		expect(search.html).toContain('H-1');
		expect(
			(
				await post('receivables/portal', {
					action: 'csv',
					session: portalSession,
					form: portalForm,
				})
			).html,
		).toContain('H-2');
		await post('receivables/portal', {
			action: 'logout',
			session: portalSession,
			form: portalForm,
		});

		// The courier page: login, a delivery with a signature and a photo.
		const signature = image('png', 'SIGNATURE-MARK-');
		const photo = image('jpeg', 'PHOTO-MARK-');
		const courierFirst = await get('receivables/courier');
		const courier = await post('receivables/courier', {
			action: 'login',
			login: 'hassan',
			secret: secrets.courier,
			form: hidden(courierFirst.html, 'form'),
		});
		expect(courier.html).toContain('data-invoice="H-1"');
		const courierSession = hidden(courier.html, 'session');
		const recorded = await post('receivables/courier', {
			action: 'record',
			session: courierSession,
			form: hidden(courier.html, 'form'),
			eventId: hidden(courier.html, 'eventId'),
			lang: 'fr',
			code: 'H-1',
			type: 'delivered',
			recipientName: 'Mme Benali',
			occurredAt: new Date().toISOString(),
			signature: signature.dataUrl,
			photo: photo.dataUrl,
			latitude: '33.5731',
			longitude: '-7.5898',
		});
		expect(recorded.html).toContain('Enregistré: H-1');

		// A phone: signed with its own key, a delivery with a signature, a photo and a position.
		const phoneSignature = image('png', 'PHONE-SIG-MARK-');
		const phonePhoto = image('jpeg', 'PHONE-PHOTO-MARK-');
		const raw = JSON.stringify({
			events: [
				{
					eventId: 'hist-phone-0001',
					type: 'delivered',
					invoiceNumber: 'H-2',
					occurredAt: new Date().toISOString(),
					recipientName: 'Accueil',
					signature: phoneSignature.dataUrl,
					photo: phonePhoto.dataUrl,
					latitude: 34.0209,
					longitude: -6.8416,
				},
			],
		});
		const sent = await fetch(`${n8n.url}/webhook/receivables/courier-events`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-receivables-device': phone.deviceId,
				'x-receivables-delivery': 'hist-batch-1',
				'x-receivables-signature': signWebhookRequest({
					rawBody: raw,
					secret: phone.key,
					deliveryId: 'hist-batch-1',
				}),
			},
			body: raw,
			signal: AbortSignal.timeout(60_000),
		});
		expect(sent.status).toBe(200);
		const answer = (await sent.json()) as { code: string };
		expect(answer.code).toBe('OK');

		// The dashboard: a wrong secret, then the right one, logout.
		const dashboardFirst = await get('receivables/dashboard');
		expect(dashboardFirst.headers.get('x-frame-options')).toBe('DENY');
		expect(
			(
				await post('receivables/dashboard', {
					action: 'login',
					login: 'rep1',
					secret: secrets.wrong,
					form: hidden(dashboardFirst.html, 'form'),
				})
			).status,
		).toBe(401);
		const dashboard = await post('receivables/dashboard', {
			action: 'login',
			login: 'rep1',
			secret: secrets.portal,
			form: hidden(dashboardFirst.html, 'form'),
		});
		expect(dashboard.status).toBe(200);
		expect(dashboard.html).toContain('<svg');
		const dashboardSession = hidden(dashboard.html, 'session');
		expect(dashboardSession).not.toBe('');
		await post('receivables/dashboard', {
			action: 'logout',
			session: dashboardSession,
			form: hidden(dashboard.html, 'form'),
		});

		// The payer page: the customer's signed link, then a call-back request (recorded, e-mailed, an execution saved).
		const link = new URL(
			await core.payerLinkUrl(ledger, 'K1', `${n8n.url}/webhook/receivables/payer`),
		);
		const linkToken = link.searchParams.get('t') ?? '';
		expect(linkToken).toContain('.');
		const payerFirst = await fetch(link, { signal: AbortSignal.timeout(60_000) });
		const payerHtml = await payerFirst.text();
		expect(payerFirst.status).toBe(200);
		expect(payerHtml).toContain('H-1');
		const payerForm = /name="f" value="([^"]+)"/.exec(payerHtml)?.[1] ?? '';
		expect(payerForm).not.toBe('');
		const payerAnswer = await post('receivables/payer', {
			t: linkToken,
			f: payerForm,
			action: 'contact_request',
		});
		expect(payerAnswer.status).toBe(200);
		for (let i = 0; i < 100 && (await sink!.parsed()).length === 0; i++)
			await new Promise((resolve) => setTimeout(resolve, 200));
		expect((await sink!.parsed()).map((m) => m.subject)).toEqual([
			expect.stringContaining('rappel'),
		]);
		// A declared payment with a proof of payment, posted as the page's multipart form: n8n's webhook server parses
		// it (its own parser, temporary files), the trigger keeps the file in the ledger, the execution its reference.
		const proof = Buffer.concat([
			Buffer.from('%PDF-1.4\n'),
			Buffer.from('PROOF-MARK-'.repeat(40)),
			Buffer.from('\n%%EOF\n'),
		]);
		const proofForm = new FormData();
		const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
		for (const [name, value] of Object.entries({
			t: linkToken,
			f: payerForm,
			action: 'payment_declared',
			invoice: 'H-1',
			date: yesterday,
			amount: '1.00',
			reference: 'VIR 1',
		}))
			proofForm.append(name, value);
		proofForm.append('file', new Blob([proof], { type: 'application/pdf' }), '../../preuve.pdf');
		const withProof = await fetch(`${n8n.url}/webhook/receivables/payer`, {
			method: 'POST',
			body: proofForm,
			signal: AbortSignal.timeout(60_000),
		});
		const withProofHtml = await withProof.text();
		expect([withProof.status, withProofHtml.includes('votre réponse est enregistrée')]).toEqual([
			200,
			true,
		]);
		const kept = await ledger.query<{ file_name: string; purpose: string; content: Buffer }>(
			'SELECT file_name, purpose, content FROM payer_attachments',
		);
		expect(kept.map((k) => [k.file_name, k.purpose, k.content.equals(proof)])).toEqual([
			['preuve.pdf', 'payment_proof', true],
		]);
		for (let i = 0; i < 100 && (await sink!.parsed()).length < 2; i++)
			await new Promise((resolve) => setTimeout(resolve, 200));
		expect(
			(await sink!.parsed())[1].attachments.map((a) => [a.filename, a.content.equals(proof)]),
		).toEqual([['preuve.pdf', true]]);

		// Stored in the ledger, where they belong.
		const events = await ledger.query<{
			attachments: { signature?: { base64: string }; photo?: { base64: string } };
			latitude: number | null;
		}>(`SELECT attachments, latitude FROM courier_events ORDER BY id`);
		expect(events).toHaveLength(2);
		expect(events[0].attachments.signature?.base64).toBe(signature.base64);
		expect(events[1].attachments.photo?.base64).toBe(phonePhoto.base64);

		// Let n8n finish writing whatever it keeps, then read all of it.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const schema = instance!.n8nSchema;
		const executions = await instance!.query<{ id: string; workflowId: string; status: string }>(
			`SELECT id::text, "workflowId", status FROM "${schema}".execution_entity`,
		);
		// The pages start no execution; the recorded phone request and the payer's answer start one each, with outcomes only.
		expect(
			executions.filter((e) => e.workflowId !== EVENTS_WORKFLOW && e.workflowId !== PAYER_WORKFLOW),
		).toEqual([]);
		expect(executions.filter((e) => e.workflowId === EVENTS_WORKFLOW).map((e) => e.status)).toEqual(
			['success'],
		);
		expect(executions.filter((e) => e.workflowId === PAYER_WORKFLOW).map((e) => e.status)).toEqual([
			'success',
			'success',
		]);
		const stored = (
			await instance!.query<{ t: string }>(
				`SELECT d.data::text || ' ' || coalesce(d."workflowData"::text, '') AS t FROM "${schema}".execution_data d`,
			)
		).map((r) => r.t);
		const rows = (
			await instance!.query<{ t: string }>(
				`SELECT row_to_json(e)::text AS t FROM "${schema}".execution_entity e`,
			)
		).map((r) => r.t);
		const binary = filesUnder(path.join(instance!.userFolder, '.n8n', 'binaryData'));
		expect(stored.join('').length).toBeGreaterThan(0);
		const needles: Record<string, string> = {
			'portal password': secrets.portal,
			'courier password': secrets.courier,
			'wrong password': secrets.wrong,
			'portal session': portalSession,
			'courier session': courierSession,
			'form token': portalForm,
			'phone key': phone.key,
			'dashboard session': dashboardSession,
			'payer link token': linkToken,
			'payer link signature': linkToken.split('.')[1],
			'payer form token': payerForm,
			'page signature': signature.base64.slice(12, 60),
			'page photo': photo.base64.slice(12, 60),
			'phone signature': phoneSignature.base64.slice(12, 60),
			'phone photo': phonePhoto.base64.slice(12, 60),
			'page position': '33.5731',
			'phone position': '34.0209',
			'signature marker': 'SIGNATURE-MARK-',
			'photo marker': 'PHOTO-MARK-',
			'proof of payment': 'PROOF-MARK-PROOF-MARK-',
		};
		for (const [what, needle] of Object.entries(needles)) {
			for (const [where, texts] of [
				['execution_data', stored],
				['execution_entity', rows],
				['binary data', binary],
			] as const) {
				if (
					texts.some(
						(t) =>
							t.includes(needle) ||
							t.includes(Buffer.from(needle, 'latin1').toString('base64').slice(0, 20)),
					)
				)
					found.push(`${what} in ${where}`);
			}
		}
		expect(found).toEqual([]);
		// What the executions do hold: the outcome of the phone's event, for the next nodes.
		expect(stored.join(' ')).toContain('hist-phone-0001');
		expect(stored.join(' ')).toContain('contact_request');
		// The proof's reference (its name in the ledger), not its bytes.
		expect(stored.join(' ')).toContain('preuve.pdf');
	}, 300_000);
});
