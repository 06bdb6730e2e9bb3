import path from 'node:path';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow, setNodeParameters } from '../helpers/engine';
import { CUSTOMER_NAMES, pdfText, plain, today } from './reports-helpers';
import { reportsFixture } from './reports-fixture';

const WORKFLOW = loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'reports-weekly-pdf.json'));

describe('workflow: Reports — weekly receivables report (PDF) to the finance manager', () => {
	const fixture = reportsFixture();

	test('is scheduled on Mondays at 07:00, Paris time, and can be sent at once by hand', () => {
		const trigger = WORKFLOW.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger');
		expect(trigger?.parameters).toEqual({
			rule: { interval: [{ field: 'cronExpression', expression: '0 7 * * 1' }] },
		});
		expect(WORKFLOW.settings?.timezone).toBe('Europe/Paris');
		expect(WORKFLOW.connections['Send it now'].main[0]).toEqual([
			{ node: 'Receivables report (PDF)', type: 'main', index: 0 },
		]);
	});

	test('e-mails the finance manager one PDF, named with the date, holding the figures of the ledger', async () => {
		const credentials = fixture.credentials();
		const sink = fixture.sink();
		const result = await runWorkflow(WORKFLOW, { startNode: 'Mondays at 07:00', credentials });
		expect(result.error).toBeUndefined();
		expect(result.executed).toEqual([
			'Mondays at 07:00',
			'Receivables report (PDF)',
			'E-mail to the finance manager',
		]);
		const fileName = `rapport-encaissements-${today()}.pdf`;
		expect(result.json('E-mail to the finance manager')).toEqual([
			expect.objectContaining({
				sent: true,
				verdict: 'sent',
				to: ['direction.financiere@example.com'],
				attachments: [fileName],
			}),
		]);

		expect(sink.received).toHaveLength(1);
		const [mail] = await sink.parsed();
		expect(sink.received[0].envelope).toEqual({
			from: 'rapports@example.com',
			to: ['direction.financiere@example.com'],
		});
		expect(mail.subject).toBe(`Rapport des encaissements clients au ${today()}`);
		const body = plain(mail.text ?? '');
		expect(body).toContain(`arrêté au ${today()} (Tous les clients)`);
		expect(body).toContain('Encours (EUR) : 6 800,00 € (5 factures)');
		expect(body).toContain('Échu : 5 800,00 €');
		expect(mail.attachments).toHaveLength(1);
		const [pdf] = mail.attachments;
		expect({ name: pdf.filename, type: pdf.contentType }).toEqual({
			name: fileName,
			type: 'application/pdf',
		});
		expect(pdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');

		// The PDF read back as text: the aged balance of the hand-built ledger, per currency and customer.
		const text = pdfText(pdf.content);
		expect(text).toContain('Balance âgée');
		expect(text).toContain('6 800,00 € 5 800,00 €');
		for (const name of CUSTOMER_NAMES) expect(text).toContain(name);
		expect(text).toContain(
			'Garage Beta (C-BETA) 3 300,00 € 0,00 € 0,00 € 3 000,00 € 0,00 € 300,00 €',
		);
		expect(text).toContain('Boulangerie Alpha (C-ALPHA) 3 000,00 € 1 000,00 € 2 000,00 € 0,00 €');
		expect(text).toContain('Pâtisserie Aurore (C-AURORE) 500,00 € 0,00 € 500,00 €');
		expect(text).toContain('12 000,00 MAD 10 000,00 MAD');
		// (the name column is cut to fit the page when amounts are wide)
		expect(text).toMatch(
			/Casa Négoce[^\n]* 10 000,00 MAD 0,00 MAD 0,00 MAD 0,00 MAD 10 000,00 MAD/,
		);
	}, 120_000);

	test('a wrong as-of date stops the run with an error naming the node, the date and the fix; nothing is sent', async () => {
		const sink = fixture.sink();
		const before = sink.received.length;
		const workflow = setNodeParameters(
			loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', 'reports-weekly-pdf.json')),
			'Receivables report (PDF)',
			{ asOf: '31/02/2026' },
		);
		const result = await runWorkflow(workflow, {
			startNode: 'Mondays at 07:00',
			credentials: fixture.credentials(),
		});
		expect(result.error?.message).toContain('"31/02/2026" is not a calendar date');
		expect(result.nodeError('Receivables report (PDF)')).toMatchObject({
			description: 'Give dates as YYYY-MM-DD.',
			context: { itemIndex: 0 },
		});
		expect(result.executed).not.toContain('E-mail to the finance manager');
		expect(sink.received.length).toBe(before);
	}, 60_000);
});
