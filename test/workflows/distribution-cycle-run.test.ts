import path from 'node:path';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DateTime } from 'luxon';
import { PDFDocument } from 'pdf-lib';
import { fakeDateAt, useRealDate } from '../helpers/clock';
import {
	ENGINE_FILES_DIR,
	loadWorkflow,
	PACKAGE_ROOT,
	runWorkflow,
	setNodeParameters,
} from '../helpers/engine';
import { seedDistribution } from './distribution-helpers';
import { pdfText } from '../helpers/pdf';
import { engineLedger } from '../helpers/engineLedger';

const SECRET = 'qr_workflow_test_secret_0123456789';

describe('workflow: Distribution: cycle run → wave planning → manifests', () => {
	const t = engineLedger();
	beforeAll(async () => {
		await seedDistribution(t.ledger);
	});

	test('plans the waves of the monthly run by zone and prints one manifest PDF per wave', async () => {
		let workflow = loadWorkflow(
			path.join(PACKAGE_ROOT, 'workflows', 'distribution-cycle-run.json'),
		);
		const plan = workflow.nodes.find((n) => n.name === 'Plan waves');
		workflow = setNodeParameters(workflow, 'Plan waves', {
			...plan?.parameters,
			runDate: '2026-03-31',
			startDate: '2026-03-30',
		});
		const credentials = {
			...t.credentials,
			receivablesWebhookApi: { secret: SECRET, previousSecret: '' },
		};
		// n8n's Write File resolves a new file's path through an ENOENT check that fails under jest: the files exist first.
		const manifestsFolder = path.join(ENGINE_FILES_DIR, 'manifests');
		mkdirSync(manifestsFolder, { recursive: true });
		for (const code of ['W20260331-CASA-NORD-01', 'W20260331-PLATEAU-01'])
			writeFileSync(path.join(manifestsFolder, `manifest-${code}.pdf`), '');
		const result = await runWorkflow(workflow, { credentials });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const waves = result.json('Plan waves');
		expect(waves.map((w) => [w.zone, w.courierCode, w.plannedOn, w.invoiceCount])).toEqual([
			['CASA-NORD', 'C1', '2026-03-30', 3],
			['PLATEAU', 'C2', '2026-03-30', 1],
		]);
		const manifests = result.nodeOutputs('Print manifests');
		expect(manifests.map((m) => m.json.waveCode)).toEqual(waves.map((w) => w.waveCode));
		expect(manifests[0].binary?.data.mimeType).toBe('application/pdf');
		expect(manifests.map((m) => m.json.filePath)).toEqual(
			waves.map((w) => path.join(manifestsFolder, `manifest-${w.waveCode}.pdf`)),
		);
		expect(
			readFileSync(path.join(manifestsFolder, `manifest-${waves[0].waveCode}.pdf`))
				.subarray(0, 5)
				.toString(),
		).toBe('%PDF-');
		const dir = mkdtempSync(path.join(tmpdir(), 'wf-manifest-'));
		const file = path.join(dir, 'm.pdf');
		const pdf = Buffer.from(manifests[0].binary?.data.data ?? '', 'base64');
		writeFileSync(file, pdf);
		const text = pdfText(file);
		expect(text).toContain('Atlas Distribution');
		expect(text).toContain('MA-3');
		// The print bundle: the manifest page, then Atlas Distribution's cover sheet, then a copy of each of its 3 invoices.
		expect((await PDFDocument.load(pdf)).getPageCount()).toBe(1 + 1 + 3);
		const pages = text.split('\f');
		expect(pages[1]).toContain('Factures jointes');
		expect(pages[1]).toContain('Atlas Distribution');
		expect(
			pages
				.slice(2, 5)
				.map((p) => p.match(/Copie de la facture (MA-\d) \(duplicata\)/)?.[1])
				.sort(),
		).toEqual(['MA-1', 'MA-2', 'MA-3']);
		// A second run the same day finds nothing left to plan.
		const again = await runWorkflow(workflow, { credentials });
		expect(again.status).toBe('success');
		expect(again.json('Plan waves')).toEqual([]);
		expect(again.json('Plan waves', 1)).toEqual([
			expect.objectContaining({
				status: 'nothing_to_plan',
				cyclesEnding: ['monthly'],
				message: expect.stringContaining('already in waves'),
			}),
		]);
	});

	test('a day no billing cycle ends: nothing planned, and the run says why', async () => {
		let workflow = loadWorkflow(
			path.join(PACKAGE_ROOT, 'workflows', 'distribution-cycle-run.json'),
		);
		const plan = workflow.nodes.find((n) => n.name === 'Plan waves');
		workflow = setNodeParameters(workflow, 'Plan waves', {
			...plan?.parameters,
			runDate: '2026-03-17',
		});
		const credentials = {
			...t.credentials,
			receivablesWebhookApi: { secret: SECRET, previousSecret: '' },
		};
		const result = await runWorkflow(workflow, { credentials });
		expect(result.status).toBe('success');
		expect(result.json('Plan waves')).toEqual([]);
		const [why] = result.json(
			'Not planned: no courier for the zone, or no cycle ends today (see message)',
		);
		expect(why).toMatchObject({
			status: 'nothing_to_plan',
			runDate: '2026-03-17',
			message: 'No billing cycle ends on 2026-03-17: no invoice to hand out today.',
		});
		expect(String(why.messageFr)).toContain(
			'Aucun cycle de facturation ne se termine le 2026-03-17',
		);
	});

	/** The shipped workflow as it is (Run Date = $today), run with the clock at `local` in Paris, in `zone` when given. */
	async function notPlannedAt(local: string, zone?: string): Promise<Record<string, unknown>> {
		fakeDateAt(DateTime.fromISO(local, { zone: 'Europe/Paris' }).toJSDate());
		try {
			const workflow = loadWorkflow(
				path.join(PACKAGE_ROOT, 'workflows', 'distribution-cycle-run.json'),
			);
			if (zone) workflow.settings = { ...workflow.settings, timezone: zone };
			const credentials = {
				...t.credentials,
				receivablesWebhookApi: { secret: SECRET, previousSecret: '' },
			};
			const result = await runWorkflow(workflow, { credentials });
			expect(result.status).toBe('success');
			expect(result.json('Plan waves')).toEqual([]);
			const [why] = result.json(
				'Not planned: no courier for the zone, or no cycle ends today (see message)',
			);
			return why;
		} finally {
			useRealDate();
		}
	}

	test.each([
		['2026-04-01T00:30', '2026-04-01'],
		['2026-03-17T23:30', '2026-03-17'],
	])(
		"at %s Paris time the run date is the Paris date (%s), whatever the server's zone",
		async (local, day) => {
			// At 00:30 on 1 April in Paris it is still 31 March in UTC, the day the monthly cycle ends: nothing is planned.
			const why = await notPlannedAt(local);
			expect(why).toMatchObject({
				status: 'nothing_to_plan',
				runDate: day,
				message: `No billing cycle ends on ${day}: no invoice to hand out today.`,
			});
		},
	);

	test("with the workflow in another zone, the run date is that zone's (New York is still 31 March at 00:30 on 1 April in Paris)", async () => {
		const why = await notPlannedAt('2026-04-01T00:30', 'America/New_York');
		// 31 March ends the monthly cycle; its invoices were planned by the first test.
		expect(why).toMatchObject({
			status: 'nothing_to_plan',
			runDate: '2026-03-31',
			cyclesEnding: ['monthly'],
			message: expect.stringContaining('already in waves'),
		});
	});
});
