import path from 'node:path';
import { DateTime } from 'luxon';
import { planWaves } from '../../core';
import { fakeDateAt, useRealDate } from '../helpers/clock';
import { loadWorkflow, PACKAGE_ROOT, runWorkflow, setNodeParameters } from '../helpers/engine';
import { seedDistribution } from './distribution-helpers';
import { engineLedger } from '../helpers/engineLedger';

describe('workflow: Distribution: monthly wave cost report', () => {
	const t = engineLedger();
	beforeAll(async () => {
		await seedDistribution(t.ledger);
		await planWaves(t.ledger, {
			runDate: '2026-03-31',
			startDate: '2026-03-30',
			maxPerCourierPerDay: 10,
			rates: { courierMinor: 1500n, printingMinor: 200n },
		});
		await t.ledger.query(
			`UPDATE deliveries SET status = 'delivered' FROM invoices i WHERE i.id = deliveries.invoice_id AND i.number IN ('MA-1', 'MA-2')`,
		);
	});

	test('reports cost per zone and per delivered invoice for the month', async () => {
		let workflow = loadWorkflow(
			path.join(PACKAGE_ROOT, 'workflows', 'distribution-wave-costs.json'),
		);
		const node = workflow.nodes.find((n) => n.name === 'Cost per zone, last month');
		workflow = setNodeParameters(workflow, 'Cost per zone, last month', {
			...node?.parameters,
			from: '2026-03-01',
			to: '2026-03-31',
		});
		const result = await runWorkflow(workflow, { credentials: t.credentials });
		expect(result.error).toBeUndefined();
		expect(result.json('Cost per zone, last month')).toEqual([
			{
				key: 'CASA-NORD',
				currency: 'MAD',
				invoices: 3,
				delivered: 2,
				courier: '45.00',
				printing: '6.00',
				postage: '0.00',
				total: '51.00',
				perDelivered: '25.50',
			},
			{
				key: 'PLATEAU',
				currency: 'XOF',
				invoices: 1,
				delivered: 0,
				courier: '1500',
				printing: '200',
				postage: '0',
				total: '1700',
				perDelivered: null,
			},
		]);
	});

	/** The shipped workflow as it is (last month from $today), run with the clock at `local` in Paris, in `zone` when given. */
	async function costsAt(local: string, zone?: string): Promise<Array<Record<string, unknown>>> {
		fakeDateAt(DateTime.fromISO(local, { zone: 'Europe/Paris' }).toJSDate());
		try {
			const workflow = loadWorkflow(
				path.join(PACKAGE_ROOT, 'workflows', 'distribution-wave-costs.json'),
			);
			if (zone) workflow.settings = { ...workflow.settings, timezone: zone };
			const result = await runWorkflow(workflow, { credentials: t.credentials });
			expect(result.error).toBeUndefined();
			return result.json('Cost per zone, last month');
		} finally {
			useRealDate();
		}
	}

	test.each(['2026-04-01T00:30', '2026-04-01T23:30'])(
		'at %s Paris time, "last month" is March in Paris (at 00:30 it is still 31 March in UTC)',
		async (local) => {
			expect((await costsAt(local)).map((row) => [row.key, row.invoices, row.total])).toEqual([
				['CASA-NORD', 3, '51.00'],
				['PLATEAU', 1, '1700'],
			]);
		},
	);

	test("with the workflow in another zone, last month is that zone's (New York is still in March at 00:30 on 1 April in Paris: February, no waves)", async () => {
		expect(await costsAt('2026-04-01T00:30', 'America/New_York')).toEqual([]);
	});
});
