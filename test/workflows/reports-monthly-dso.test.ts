import path from 'node:path';
import { addDays, todayIn } from '../../core';
import { fakeDateAt, todayAt, useRealDate } from '../helpers/clock';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { pdfText, today } from './reports-helpers';
import { reportsFixture } from './reports-fixture';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'reports-monthly-dso.json'));

describe('workflow: Reports — monthly DSO and CEI (PDF and CSV) to the finance manager', () => {
	const fixture = reportsFixture();

	test('runs on the 1st of each month at 07:00, Paris time', () => {
		const trigger = WORKFLOW.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
		expect(trigger?.parameters).toEqual({
			rule: { interval: [{ field: 'cronExpression', expression: '0 7 1 * *' }] },
		});
		expect(WORKFLOW.settings?.timezone).toBe('Europe/Paris');
	});

	test('e-mails the 12-month DSO and CEI trend as of the day before, as a CSV and a PDF', async () => {
		const credentials = fixture.credentials();
		const sink = fixture.sink();
		const result = await runWorkflow(WORKFLOW, {
			startNode: '1st of the month at 07:00',
			credentials,
		});
		expect(result.error).toBeUndefined();
		const asOf = addDays(today(), -1);
		const month = asOf.slice(0, 7);

		// The rows: one per month and currency, flat, amounts as decimal strings, French headings.
		const rows = result.json('DSO & CEI, last 12 months');
		expect(Object.keys(rows[0])).toEqual([
			'mois',
			'date',
			'devise',
			'creances',
			'ventes',
			'dso_epuisement',
			'dso_simple',
			'cei',
			'cei_encours_debut',
			'cei_encours_fin',
			'cei_non_echu_fin',
		]);
		for (const row of rows)
			for (const value of Object.values(row))
				expect(value === null || typeof value !== 'object').toBe(true);
		const last = (currency: string) => rows.filter((r) => r.devise === currency).at(-1);
		// Consecutive months, at most 12, from the first month with sales (the oldest invoice, 130 days ago).
		for (const currency of ['EUR', 'MAD']) {
			const months = rows.filter((r) => r.devise === currency).map((r) => String(r.mois));
			expect(months.length).toBeGreaterThanOrEqual(4);
			expect(months.length).toBeLessThanOrEqual(12);
			months.slice(1).forEach((m, k) => expect(addDays(`${months[k]}-28`, 7).slice(0, 7)).toBe(m));
		}
		// Yesterday every invoice was issued and B-2 was already paid 200,00: 1 000 + 2 000 + 500 + 3 000 + 300.
		expect(last('EUR')).toMatchObject({
			mois: month,
			date: asOf,
			creances: '6800.00',
			cei_encours_fin: '6800.00',
		});
		expect(last('MAD')).toMatchObject({ mois: month, date: asOf, creances: '12000.00' });

		expect(sink.received).toHaveLength(1);
		const [mail] = await sink.parsed();
		expect(sink.received[0].envelope.to).toEqual(['direction.financiere@example.com']);
		expect(mail.subject).toMatch(/^DSO et CEI à fin \p{L}+ \d{4}$/u);
		expect(mail.text).toContain(`arrêtée au ${asOf}`);
		expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
			[`dso-cei-${month}.csv`, 'text/csv'],
			[`dso-cei-${month}.pdf`, 'application/pdf'],
		]);
		const [csv, pdf] = mail.attachments;
		const lines = csv.content
			.toString('utf8')
			.replace(/^\ufeff/, '')
			.trim()
			.split(/\r?\n/);
		expect(lines[0]).toBe(
			'mois;date;devise;creances;ventes;dso_epuisement;dso_simple;cei;cei_encours_debut;cei_encours_fin;cei_non_echu_fin',
		);
		expect(lines).toHaveLength(rows.length + 1);
		expect(lines.find((l) => l.startsWith(`${month};${asOf};EUR;6800.00;`))).toBeDefined();

		const text = pdfText(pdf.content);
		expect(text).toContain('DSO, CEI et retards de paiement');
		expect(text).toContain('Évolution du DSO');
		expect(text).not.toContain('Nettoyage de la balance');
	}, 120_000);

	/** Runs the workflow with the clock at `instant` (in `zone` when given); the report and its files are of the day before in the workflow's zone. */
	async function sentAt(
		instant: Date,
		zone?: string,
	): Promise<{ asOf: string; subject: string; text: string; files: string[] }> {
		const sink = fixture.sink();
		const before = sink.received.length;
		fakeDateAt(instant);
		try {
			const workflow = loadWorkflow(
				path.join(PACKAGE_ROOT, 'workflows', 'reports-monthly-dso.json'),
			);
			if (zone) workflow.settings = { ...workflow.settings, timezone: zone };
			const result = await runWorkflow(workflow, {
				startNode: '1st of the month at 07:00',
				credentials: fixture.credentials(),
			});
			expect(result.error).toBeUndefined();
			const asOf = addDays(todayIn(zone ?? 'Europe/Paris', instant), -1);
			expect(
				result
					.json('DSO & CEI, last 12 months')
					.filter((r) => r.devise === 'EUR')
					.at(-1),
			).toMatchObject({ mois: asOf.slice(0, 7), date: asOf });
			expect(sink.received.length).toBe(before + 1);
			const mail = (await sink.parsed()).at(-1);
			return {
				asOf,
				subject: String(mail?.subject),
				text: String(mail?.text),
				files: (mail?.attachments ?? []).map((a) => String(a.filename)),
			};
		} finally {
			useRealDate();
		}
	}

	test.each(['00:30', '23:30'])(
		'at %s Paris time, the figures, the subject and the files are of the day before in Paris',
		async (hhmm) => {
			const instant = todayAt(hhmm, 'Europe/Paris');
			const { asOf, text, files } = await sentAt(instant);
			expect(asOf).toBe(addDays(todayIn('Europe/Paris', instant), -1));
			expect(text).toContain(`arrêtée au ${asOf}`);
			expect(files).toEqual([`dso-cei-${asOf.slice(0, 7)}.csv`, `dso-cei-${asOf.slice(0, 7)}.pdf`]);
		},
		120_000,
	);

	test("with the workflow in another zone, the day before is that zone's (New York is still yesterday at 00:30 in Paris)", async () => {
		const instant = todayAt('00:30', 'Europe/Paris');
		const { asOf, text } = await sentAt(instant, 'America/New_York');
		expect(asOf).toBe(addDays(todayIn('Europe/Paris', instant), -2));
		expect(text).toContain(`arrêtée au ${asOf}`);
	}, 120_000);
});
