// A billing cycle end to end in a real n8n 2.40.7, against the real ledger: the cycle-run workflow plans the
// wave and prints its manifest (started from its schedule trigger), the QR codes are read back from the printed PDF, the
// logistics desk enters and hands over the wave, the courier's phone posts signed events to the published
// courier-events webhook and the courier records one more delivery on the courier page (headless Chromium), then
// portal users of levels 1, 2 and 3 log in to the published portal and see the delivered invoices — each only
// within their accreditation; the courier's account does not open the portal.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import QRCode from 'qrcode';
import { signWebhookRequest } from '../../core';
import { testLedgerConfig } from '../helpers/db';
import {
	prepareInstance,
	REPO_ROOT,
	runtimeLibrary,
	type N8nEnv,
	type N8nProcess,
	type TestInstance,
} from '../helpers/n8n';
import { pdfText } from '../helpers/pdf';

const CYCLE_WORKFLOW = 'rcvDistCycle001';
const EVENTS_WORKFLOW = 'rcvTrackEvents01';
const PORTAL_WORKFLOW = 'rcvTrackPortal01';
const COURIER_WORKFLOW = 'rcvTrackCourier1';
const SECRET = 'whsec_distribution_e2e_0123456789';
import { browserTest, CHROMIUM } from '../helpers/browser';
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'distribution-tracking-e2e');

type Core = typeof import('../../core');

/**
 * Every QR code of a manifest PDF, as a phone would read them: each page rendered in grey by pdftoppm; the codes
 * stand in the left quarter of the page, one per table row, so each band of dark rows there is cropped and read
 * by jsQR on its own (several codes in one image confuse its finder-pattern search).
 */
function qrCodesOf(pdf: Buffer): string[] {
	const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
	try {
		writeFileSync(path.join(dir, 'manifest.pdf'), pdf);
		execFileSync('pdftoppm', [
			'-r',
			'200',
			'-gray',
			path.join(dir, 'manifest.pdf'),
			path.join(dir, 'page'),
		]);
		const found: string[] = [];
		for (const file of readdirSync(dir)
			.filter((f) => f.endsWith('.pgm'))
			.sort()) {
			const raw = readFileSync(path.join(dir, file));
			const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(raw.subarray(0, 64).toString('latin1'));
			if (!header) throw new Error(`${file} is not a binary PGM`);
			const [width, height] = [Number(header[1]), Number(header[2])];
			const grey = raw.subarray(header[0].length);
			const band = Math.floor(width / 4);
			const dark = (y: number) => grey.subarray(y * width, y * width + band).some((v) => v < 128);
			for (let y = 0; y < height; ) {
				if (!dark(y)) {
					y++;
					continue;
				}
				let end = y;
				while (end < height && dark(end)) end++;
				if (end - y > 40) {
					const [top, bottom] = [Math.max(0, y - 20), Math.min(height, end + 20)];
					const rgba = new Uint8ClampedArray(band * (bottom - top) * 4);
					for (let row = top; row < bottom; row++) {
						for (let x = 0; x < band; x++) {
							const i = ((row - top) * band + x) * 4;
							rgba[i] = rgba[i + 1] = rgba[i + 2] = grey[row * width + x];
							rgba[i + 3] = 255;
						}
					}
					const code = jsQR(rgba, band, bottom - top, { inversionAttempts: 'dontInvert' });
					if (code) found.push(code.data);
				}
				y = end;
			}
		}
		return found;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** The fields of the page's forms: `name="x" value="y"` of the hidden inputs. */
function hiddenField(html: string, name: string): string {
	return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
}

/** The invoice numbers listed as cards, with the outcome shown for each. */
function cards(html: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const m of html.matchAll(/data-invoice="([^"]+)"[\s\S]*?class="outcome">([^<]*)</g))
		out[m[1]] = m[2];
	return out;
}

describe('real n8n: a billing cycle planned, printed, delivered by phone and followed in the portal', () => {
	let instance: TestInstance | undefined;
	let env: N8nEnv;
	let n8n: N8nProcess;
	let core: Core;
	let ledger: ReturnType<Core['openLedger']>;
	let today = '';
	let waveCode = '';
	let qrTokens: string[] = [];
	let session: Record<string, string> = {};

	const form = async (
		webhook: string,
		fields: Record<string, string>,
	): Promise<{ status: number; html: string }> => {
		// A login is posted as a browser posts it: with the form token of the login page it was shown.
		if (fields.action === 'login' && !fields.form) {
			const first = await fetch(`${n8n.url}/webhook/${webhook}`, {
				signal: AbortSignal.timeout(60_000),
			});
			fields = { ...fields, form: hiddenField(await first.text(), 'form') };
		}
		const response = await fetch(`${n8n.url}/webhook/${webhook}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields),
			signal: AbortSignal.timeout(60_000),
		});
		return { status: response.status, html: await response.text() };
	};
	/** The courier's phone, enrolled with a key of its own. */
	let phone = { deviceId: '', key: '' };
	let qrKeys: Buffer[] = [];
	const postEvents = async (
		events: unknown[],
		delivery: string,
	): Promise<{
		status: number;
		answer: { code: string; results?: Array<Record<string, unknown>> };
	}> => {
		const raw = JSON.stringify({ events });
		const response = await fetch(`${n8n.url}/webhook/receivables/courier-events`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-receivables-device': phone.deviceId,
				'x-receivables-delivery': delivery,
				'x-receivables-signature': signWebhookRequest({
					rawBody: raw,
					secret: phone.key,
					deliveryId: delivery,
				}),
			},
			body: raw,
			signal: AbortSignal.timeout(60_000),
		});
		const text = await response.text();
		try {
			return { status: response.status, answer: JSON.parse(text) as { code: string } };
		} catch {
			throw new Error(
				`courier events answered ${response.status} with ${text}\n--- n8n output ---\n${n8n.output().slice(-4000)}`,
			);
		}
	};

	beforeAll(async () => {
		// The webhook credential's secret is an integration's: it signs neither the phones' requests nor the QR codes.
		instance = await prepareInstance('disttrack', {
			publish: [EVENTS_WORKFLOW, PORTAL_WORKFLOW, COURIER_WORKFLOW],
			webhookSecret: SECRET,
		});
		// The installed package's own core: the ledger schema, the company and its people, as finance sets them up.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		core = require(path.join(instance.packageDir, 'dist', 'core', 'index.js')) as Core;
		ledger = core.openLedger(testLedgerConfig(instance.ledgerSchema));
		await ledger.ensureReady();
		today = (
			await ledger.query<{ d: string }>(
				`SELECT to_char(now() AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD') AS d`,
			)
		)[0].d;
		const day = Number(today.slice(8, 10));
		await ledger.query(
			`INSERT INTO staff (code, name, roles, manager_code) VALUES ('H1', 'Karim Benjelloun', '{group_head}', NULL), ('H2', 'Fatou Ndiaye', '{group_head}', NULL)`,
		);
		await ledger.query(
			`INSERT INTO staff (code, name, roles, manager_code) VALUES ('R1', 'Youssef El Amrani', '{sales_rep}', 'H1'), ('R2', 'Salma Idrissi', '{sales_rep}', 'H1'), ('R3', 'Omar Tazi', '{sales_rep}', 'H2'), ('C1', 'Hassan Courier', '{courier}', NULL)`,
		);
		// Customers whose billing cycle is cut today (custom day of month), one zone of Casablanca.
		const cycle = {
			language: 'fr' as const,
			currency: 'MAD',
			country: 'MA',
			city: 'Casablanca',
			zone: 'CASA-NORD',
			billingCycle: `custom:${day}`,
			emails: [],
		};
		await core.upsertCustomers(ledger, [
			{
				...cycle,
				externalId: 'K1',
				name: 'Atlas Distribution',
				addressLines: ['12 rue Allal Ben Abdallah'],
				salesRepCode: 'R1',
			},
			{
				...cycle,
				externalId: 'K2',
				name: 'Marjane Froid',
				addressLines: ['4 bd Zerktouni'],
				salesRepCode: 'R2',
			},
			{
				...cycle,
				externalId: 'K3',
				name: 'Rabat Logistique',
				addressLines: ['9 rue de Fès'],
				salesRepCode: 'R3',
			},
		]);
		const issued = (
			await ledger.query<{ d: string }>(`SELECT to_char(($1::date - 3), 'YYYY-MM-DD') AS d`, [
				today,
			])
		)[0].d;
		const due = (
			await ledger.query<{ d: string }>(`SELECT to_char(($1::date + 30), 'YYYY-MM-DD') AS d`, [
				today,
			])
		)[0].d;
		for (const [number, customer] of [
			['E2E-A1', 'K1'],
			['E2E-A2', 'K1'],
			['E2E-B1', 'K2'],
			['E2E-C1', 'K3'],
		]) {
			const [outcome] = await core.storeInvoices(ledger, [
				{
					docType: 'invoice',
					number,
					customerExternalId: customer,
					currency: 'MAD',
					totalExclMinor: 100000n,
					totalTaxMinor: 20000n,
					totalInclMinor: 120000n,
					payableMinor: 120000n,
					issueDate: issued,
					dueDate: due,
				},
			]);
			expect(outcome.status).toBe('created');
		}
		await core.savePortalUser(ledger, {
			login: 'direction',
			name: 'Direction',
			level: 1,
			secret: 'direction secret 1',
			language: 'fr',
		});
		await core.savePortalUser(ledger, {
			login: 'youssef',
			name: 'Youssef El Amrani',
			level: 2,
			staffCode: 'R1',
			secret: 'youssef secret 2',
			language: 'fr',
		});
		await core.savePortalUser(ledger, {
			login: 'karim',
			name: 'Karim Benjelloun',
			level: 3,
			staffCode: 'H1',
			secret: 'karim secret 33',
			language: 'fr',
		});
		await core.saveCourierAccount(ledger, {
			login: 'hassan',
			name: 'Hassan',
			staffCode: 'C1',
			secret: 'hassan courier 4',
			language: 'fr',
		});
		phone = await core.enrolCourierDevice(ledger, {
			courierLogin: 'hassan',
			label: 'Hassan — phone',
		});
		env = await instance.env();
		n8n = await instance.start('main', env);
		// The owner's session (n8n ties the auth cookie to the browser id it was issued for), to run the cycle.
		const browserId = randomBytes(8).toString('hex');
		const setup = await fetch(`${n8n.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify({
				email: 'owner@receivables.example',
				firstName: 'Finance',
				lastName: 'Owner',
				password: `Owner-${randomBytes(6).toString('hex')}1`,
			}),
		});
		if (!setup.ok) throw new Error(`owner setup answered ${setup.status}: ${await setup.text()}`);
		session = {
			Cookie: (setup.headers.getSetCookie().find((c) => c.startsWith('n8n-auth=')) ?? '').split(
				';',
			)[0],
			'browser-id': browserId,
		};
	}, 10 * 60_000);

	afterAll(async () => {
		await ledger?.close();
		await instance?.cleanup();
	}, 120_000);

	test('the cycle run, started from its schedule trigger in n8n, plans one wave for the courier and prints its manifest with a QR code per invoice', async () => {
		// As the editor's "Execute workflow" runs it (`n8n execute` only starts workflows with a manual trigger).
		const got = await fetch(`${n8n.url}/rest/workflows/${CYCLE_WORKFLOW}`, { headers: session });
		expect(got.status).toBe(200);
		const workflow = (
			(await got.json()) as { data: { nodes: Array<{ name: string; type: string }> } }
		).data;
		const trigger = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
		const run = await fetch(`${n8n.url}/rest/workflows/${CYCLE_WORKFLOW}/run`, {
			method: 'POST',
			headers: { ...session, 'Content-Type': 'application/json' },
			body: JSON.stringify({ workflowData: workflow, triggerToStartFrom: { name: trigger?.name } }),
		});
		expect(run.status).toBe(200);
		const executionId = ((await run.json()) as { data: { executionId: string } }).data.executionId;
		let execution: { status?: string; data?: string } = {};
		for (
			let i = 0;
			i < 240 && !['success', 'error', 'crashed'].includes(execution.status ?? '');
			i++
		) {
			await new Promise((resolve) => setTimeout(resolve, 500));
			execution = (
				(await (
					await fetch(`${n8n.url}/rest/executions/${executionId}`, { headers: session })
				).json()) as { data: typeof execution }
			).data;
		}
		expect({
			status: execution.status,
			output:
				execution.status === 'success'
					? ''
					: `${String(execution.data).slice(0, 3000)}\n${n8n.output().slice(-3000)}`,
		}).toEqual({ status: 'success', output: '' });

		const waves = await ledger.query<{
			code: string;
			zone: string;
			courier_code: string;
			status: string;
			n: number;
		}>(
			`SELECT w.code, w.zone, w.courier_code, w.status, count(d.id)::int AS n FROM waves w JOIN deliveries d ON d.wave_id = w.id GROUP BY w.id`,
		);
		expect(waves).toEqual([
			expect.objectContaining({ zone: 'CASA-NORD', courier_code: 'C1', status: 'planned', n: 4 }),
		]);
		waveCode = waves[0].code;
		// The printed manifest, as the run stored it (n8n's binary data), downloaded like the editor does.
		const binaryId = /"(filesystem-v2:[^"]+)"/.exec(String(execution.data))?.[1];
		expect(binaryId).toBeDefined();
		const download = await fetch(
			`${n8n.url}/rest/binary-data?id=${encodeURIComponent(String(binaryId))}&action=download`,
			{ headers: session },
		);
		expect(download.status).toBe(200);
		expect(download.headers.get('content-type')).toBe('application/pdf');
		const pdf = Buffer.from(await download.arrayBuffer());
		mkdirSync(ARTIFACTS, { recursive: true });
		writeFileSync(path.join(ARTIFACTS, `manifest-${waveCode}.pdf`), pdf);
		const text = pdfText(pdf);
		for (const words of [
			waveCode,
			'E2E-A1',
			'E2E-C1',
			'Atlas Distribution',
			'12 rue Allal Ben Abdallah',
			'Hassan Courier (C1)',
		])
			expect(text).toContain(words);
		// The QR codes, read from the printed pages, name the wave's deliveries (signed with the ledger's own QR key).
		qrTokens = qrCodesOf(pdf);
		qrKeys = await core.serverKeys(ledger, 'qr');
		expect(qrTokens.every((t) => core.readDeliveryToken(t, SECRET) === undefined)).toBe(true);
		const deliveries = await ledger.query<{ id: string }>(
			`SELECT d.id FROM deliveries d JOIN waves w ON w.id = d.wave_id WHERE w.code = $1`,
			[waveCode],
		);
		expect(qrTokens.map((t) => core.readDeliveryToken(t, qrKeys)).sort()).toEqual(
			deliveries.map((d) => d.id).sort(),
		);
	}, 180_000);

	test('the wave is handed over only once every invoice is entered; the courier phone posts signed events; a replay changes nothing', async () => {
		await expect(core.releaseWave(ledger, { waveCode })).rejects.toMatchObject({
			message: expect.stringContaining('E2E-A1'),
		});
		await core.markInvoicesEntered(ledger, { waveCode });
		// The desk hands the wave over today (planning may have put it on the next business day).
		await ledger.query(
			`UPDATE waves SET planned_on = LEAST(planned_on, $2::date) WHERE code = $1`,
			[waveCode, today],
		);
		// It left two hours ago: the phone's events below come after (events dated before the handover are refused).
		await core.releaseWave(ledger, { waveCode, releasedAt: new Date(Date.now() - 2 * 3600_000) });

		for (const webhook of [
			'receivables/courier-events',
			'receivables/portal',
			'receivables/courier',
		]) {
			await runtimeLibrary.waitForWebhook(n8n.url, webhook, { method: 'POST', timeoutMs: 120_000 });
		}
		// The phone sends what it scanned: the QR code printed beside each invoice.
		const token = (number: string): string => {
			const scanned = qrTokens.find((t) => core.readDeliveryToken(t, qrKeys) === ids[number]);
			if (!scanned) throw new Error(`no QR code printed for ${number}`);
			return scanned;
		};
		const ids = Object.fromEntries(
			(
				await ledger.query<{ id: string; number: string }>(
					`SELECT d.id, i.number FROM deliveries d JOIN invoices i ON i.id = d.invoice_id JOIN waves w ON w.id = d.wave_id WHERE w.code = $1`,
					[waveCode],
				)
			).map((r) => [r.number, r.id]),
		);
		const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
		const signature =
			'data:image/png;base64,' +
			(await QRCode.toBuffer('Mme Benali', { type: 'png', width: 120 })).toString('base64');
		const events = [
			{
				eventId: 'phone-0001',
				type: 'picked_up',
				courierCode: 'C1',
				qrToken: token('E2E-A1'),
				occurredAt: at(30),
			},
			// Sent before the pick-up arrives: ordered by its own time, the delivery stays the latest news.
			{
				eventId: 'phone-0002',
				type: 'delivered',
				courierCode: 'C1',
				qrToken: token('E2E-A1'),
				occurredAt: at(10),
				recipientName: 'Mme Benali',
				signature,
				latitude: 33.5731,
				longitude: -7.5898,
			},
			{
				eventId: 'phone-0003',
				type: 'delivered',
				courierCode: 'C1',
				qrToken: token('E2E-B1'),
				occurredAt: at(8),
				recipientName: 'Accueil Marjane',
			},
			{
				eventId: 'phone-0004',
				type: 'absent',
				courierCode: 'C1',
				qrToken: token('E2E-C1'),
				occurredAt: at(5),
			},
		];
		const first = await postEvents([events[1], events[2], events[3]], 'phone-batch-1');
		expect(first).toMatchObject({ status: 200, answer: { code: 'OK' } });
		const second = await postEvents([events[0]], 'phone-batch-2');
		expect(second).toMatchObject({
			status: 200,
			answer: {
				code: 'OK',
				results: [expect.objectContaining({ ok: true, deliveryStatus: 'delivered' })],
			},
		});
		const before = await ledger.query(`SELECT count(*)::int AS n FROM courier_events`);
		// The same request again (a lost answer): the first answer, marked repeated; nothing recorded twice.
		expect(await postEvents([events[0]], 'phone-batch-2')).toMatchObject({
			status: 200,
			answer: { code: 'OK', repeated: true },
		});
		expect(await ledger.query(`SELECT count(*)::int AS n FROM courier_events`)).toEqual(before);
		const rows = await ledger.query<Record<string, string | null>>(
			`SELECT i.number, d.status, d.recipient_name, to_char(i.reception_date, 'YYYY-MM-DD') AS reception FROM deliveries d JOIN invoices i ON i.id = d.invoice_id ORDER BY i.number`,
		);
		expect(rows).toEqual([
			{
				number: 'E2E-A1',
				status: 'delivered',
				recipient_name: 'Mme Benali',
				reception: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
			},
			{ number: 'E2E-A2', status: 'entered', recipient_name: null, reception: null },
			{
				number: 'E2E-B1',
				status: 'delivered',
				recipient_name: 'Accueil Marjane',
				reception: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
			},
			{ number: 'E2E-C1', status: 'absent', recipient_name: null, reception: null },
		]);
	}, 240_000);

	const chromiumTest = browserTest(test);
	chromiumTest(
		'in headless Chromium, the courier records a delivery on the courier page served by n8n, and the sales rep sees it in the portal',
		async () => {
			const { chromium } = await import('playwright-core');
			const browser = await chromium.launch({
				executablePath: CHROMIUM,
				args: [
					'--headless',
					'--no-sandbox',
					'--disable-gpu',
					'--disable-background-networking',
					'--disable-component-update',
					'--disable-sync',
					'--no-first-run',
				],
			});
			mkdirSync(ARTIFACTS, { recursive: true });
			try {
				const context = await browser.newContext({
					viewport: { width: 390, height: 844 },
					isMobile: true,
					hasTouch: true,
					locale: 'fr-FR',
				});
				const courier = await context.newPage();
				await courier.goto(`${n8n.url}/webhook/receivables/courier`);
				await courier.fill('#login', 'hassan');
				await courier.fill('#secret', 'hassan courier 4');
				await Promise.all([courier.waitForNavigation(), courier.click('button[type=submit]')]);
				// The courier's own wave, to hand out.
				expect(await courier.locator('[data-invoice="E2E-A2"] .outcome').textContent()).toBe(
					'Saisie',
				);
				await courier.fill('#code', 'E2E-A2');
				await courier.selectOption('#type', 'delivered');
				await courier.fill('#recipientName', 'M. Alaoui');
				const pad = await courier.locator('#pad').boundingBox();
				if (!pad) throw new Error('no signature pad');
				await courier.mouse.move(pad.x + 20, pad.y + 40);
				await courier.mouse.down();
				await courier.mouse.move(pad.x + 140, pad.y + 100, { steps: 8 });
				await courier.mouse.move(pad.x + 220, pad.y + 30, { steps: 8 });
				await courier.mouse.up();
				await courier.screenshot({
					path: path.join(ARTIFACTS, '1-courier-form.png'),
					fullPage: true,
				});
				await Promise.all([
					courier.waitForNavigation(),
					courier.click('#event button[type=submit]'),
				]);
				expect(await courier.locator('.ok').textContent()).toContain('E2E-A2');
				expect(await courier.locator('[data-invoice="E2E-A2"] .outcome').textContent()).toBe(
					'Remise',
				);
				await courier.screenshot({
					path: path.join(ARTIFACTS, '2-courier-recorded.png'),
					fullPage: true,
				});
				const [event] = await ledger.query<{
					courier_code: string;
					attachments: { signature?: { mime: string } };
				}>(
					`SELECT e.courier_code, e.attachments FROM courier_events e JOIN invoices i ON i.id = e.invoice_id WHERE i.number = 'E2E-A2'`,
				);
				expect(event).toMatchObject({
					courier_code: 'C1',
					attachments: { signature: { mime: 'image/png' } },
				});

				const portal = await context.newPage();
				await portal.goto(`${n8n.url}/webhook/receivables/portal`);
				await portal.fill('#login', 'youssef');
				await portal.fill('#secret', 'youssef secret 2');
				await Promise.all([portal.waitForNavigation(), portal.click('button[type=submit]')]);
				expect(await portal.locator('[data-invoice="E2E-A2"] .outcome').textContent()).toBe(
					'Remise',
				);
				expect(await portal.locator('[data-invoice="E2E-A2"]').textContent()).toContain(
					'M. Alaoui',
				);
				expect(await portal.locator('[data-invoice]').count()).toBe(2);
				await portal.screenshot({ path: path.join(ARTIFACTS, '3-portal-rep.png'), fullPage: true });
			} finally {
				await browser.close();
			}
		},
		180_000,
	);

	test('portal users of levels 1, 2 and 3 log in over HTTP and see the delivered invoices, each only within scope; the courier cannot read the portal', async () => {
		const login = async (user: string, secret: string) => {
			const page = await form('receivables/portal', { action: 'login', login: user, secret });
			expect(page.status).toBe(200);
			return page.html;
		};
		const delivered = 'Remise';
		// Level 1: everything.
		const direction = await login('direction', 'direction secret 1');
		expect(cards(direction)).toEqual({
			'E2E-A1': delivered,
			'E2E-A2': expect.any(String),
			'E2E-B1': delivered,
			'E2E-C1': 'Absent',
		});
		// Level 2: Youssef's own customer only.
		const youssef = await login('youssef', 'youssef secret 2');
		expect(Object.keys(cards(youssef)).sort()).toEqual(['E2E-A1', 'E2E-A2']);
		expect(cards(youssef)['E2E-A1']).toBe(delivered);
		expect(youssef).not.toContain('Marjane');
		// Another rep's invoice asked for by number: the same "no invoice" as a number that does not exist.
		const asked = await form('receivables/portal', {
			action: 'search',
			session: hiddenField(youssef, 'session'),
			form: hiddenField(youssef, 'form'),
			invoiceNumber: 'E2E-B1',
		});
		const none = await form('receivables/portal', {
			action: 'search',
			session: hiddenField(youssef, 'session'),
			form: hiddenField(youssef, 'form'),
			invoiceNumber: 'E2E-ZZ',
		});
		expect(cards(asked.html)).toEqual({});
		const bare = (html: string) => html.replace(/name="(session|form)" value="[^"]*"/g, '');
		expect(bare(asked.html).replace(/E2E-B1/g, 'X')).toBe(bare(none.html).replace(/E2E-ZZ/g, 'X'));
		// Level 3: the customers of Karim's reps (R1, R2), not R3's.
		const karim = await login('karim', 'karim secret 33');
		expect(Object.keys(cards(karim)).sort()).toEqual(['E2E-A1', 'E2E-A2', 'E2E-B1']);
		expect(cards(karim)['E2E-B1']).toBe(delivered);
		// The CSV export follows the same scope.
		const csv = await form('receivables/portal', {
			action: 'csv',
			session: hiddenField(karim, 'session'),
			form: hiddenField(karim, 'form'),
		});
		expect(csv.html).toContain('E2E-B1');
		expect(csv.html).not.toContain('E2E-C1');
		// The courier's account is refused like an unknown login, and its session does not open the lists.
		const courierLogin = await form('receivables/portal', {
			action: 'login',
			login: 'hassan',
			secret: 'hassan courier 4',
		});
		const unknown = await form('receivables/portal', {
			action: 'login',
			login: 'nobody',
			secret: 'hassan courier 4',
		});
		expect(courierLogin.status).toBe(401);
		expect(courierLogin.html.replace(/name="form" value="[^"]*"/g, '')).toBe(
			unknown.html.replace(/name="form" value="[^"]*"/g, ''),
		);
		const courierPage = await form('receivables/courier', {
			action: 'login',
			login: 'hassan',
			secret: 'hassan courier 4',
		});
		const withCourierSession = await form('receivables/portal', {
			action: 'search',
			session: hiddenField(courierPage.html, 'session'),
			form: hiddenField(courierPage.html, 'form'),
		});
		expect(withCourierSession.html).toContain('name="secret"');
		expect(cards(withCourierSession.html)).toEqual({});
	}, 180_000);
});
