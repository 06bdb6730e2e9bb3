import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { cycleInvoices, cyclePeriod } from './cycles';
import {
	courierServes,
	markInvoicesEntered,
	parseCourierAreas,
	planWaves,
	releaseWave,
	setCourierAreas,
	waveCosts,
} from './waves';

describe('cyclePeriod', () => {
	it('finds the run on or before a date and the period it covers', () => {
		expect(cyclePeriod('monthly', '2026-03-31')).toMatchObject({
			cut: '2026-03-31',
			start: '2026-03-01',
			key: 'monthly@2026-03-31',
		});
		expect(cyclePeriod('monthly', '2026-03-10')).toMatchObject({
			cut: '2026-02-28',
			start: '2026-02-01',
		});
		expect(cyclePeriod('fortnightly', '2026-02-15')).toMatchObject({
			cut: '2026-02-15',
			start: '2026-02-01',
		});
		expect(cyclePeriod('fortnightly', '2026-02-28')).toMatchObject({
			cut: '2026-02-28',
			start: '2026-02-16',
		});
		expect(cyclePeriod('custom:10,25', '2026-03-10')).toMatchObject({
			cut: '2026-03-10',
			start: '2026-02-26',
		});
		expect(cyclePeriod('custom:31', '2026-02-28')).toMatchObject({
			cut: '2026-02-28',
			start: '2026-02-01',
		});
		expect(() => cyclePeriod('weekly', '2026-02-28')).toThrow(/Unknown billing cycle/);
		expect(() => cyclePeriod('custom:40', '2026-02-28')).toThrow(/Unknown billing cycle/);
	});
});

async function seed(ledger: Ledger): Promise<void> {
	await ledger.query(`INSERT INTO staff (code, name, roles, active) VALUES
		('C1', 'Courier One', '{courier}', true), ('C2', 'Courier Two', '{courier}', true), ('C3', 'Retired', '{courier}', false),
		('R1', 'Rep', '{sales_rep}', true)`);
	await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, country, currency, address_lines, first_cycle_done) VALUES
		('K1', 'Atlas Distribution', 'monthly', 'CASA-NORD', 'Casablanca', 'MA', 'MAD', '{"12 rue Allal"}', true),
		('K2', 'Souss Négoce', 'monthly', 'CASA-NORD', 'Casablanca', 'MA', 'MAD', '{"4 bd Zerktouni"}', false),
		('K3', 'Dakar Froid', 'fortnightly', 'PLATEAU', 'Dakar', 'SN', 'XOF', '{"Rue 10"}', true),
		('K4', 'Weird', 'weekly', 'X', 'X', 'FR', 'EUR', '{}', true)`);
	const inv = (n: string, cust: string, date: string, amount: number, cur: string) =>
		ledger.query(
			`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
			SELECT $1, id, $4, $3, $3, $3, $3, $2, $2::date + 30, md5($1) FROM customers WHERE external_id = $5`,
			[n, date, amount, cur, cust],
		);
	for (let i = 1; i <= 5; i++) await inv(`MA-${i}`, 'K1', '2026-03-0' + i, 1000 * i, 'MAD');
	await inv('MA-6', 'K2', '2026-03-20', 5000, 'MAD');
	await inv('MA-OLD', 'K2', '2026-02-20', 5000, 'MAD');
	await inv('SN-1', 'K3', '2026-03-16', 150000, 'XOF');
	await inv('SN-EARLY', 'K3', '2026-03-10', 150000, 'XOF');
	await inv('FR-1', 'K4', '2026-03-10', 100, 'EUR');
}

describe('waves in the ledger', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await seed(ledger);
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('selects the invoices of the cycles that run on the date', async () => {
		const result = await ledger.withClient((c) => cycleInvoices(c, { runDate: '2026-03-31' }));
		expect(result.periods.map((p) => p.key).sort()).toEqual([
			'fortnightly@2026-03-31',
			'monthly@2026-03-31',
		]);
		expect(result.invoices.map((i) => i.number).sort()).toEqual([
			'MA-1',
			'MA-2',
			'MA-3',
			'MA-4',
			'MA-5',
			'MA-6',
			'SN-1',
		]);
		expect(result.invalidCycles).toEqual([{ rule: 'weekly', customers: 1 }]);
		expect(result.invoices.find((i) => i.number === 'MA-6')?.firstCycle).toBe(true);
	});

	it('plans waves per zone with a maximum per courier and day, on business days, and never twice', async () => {
		const preview = await planWaves(ledger, {
			runDate: '2026-03-31',
			maxPerCourierPerDay: 4,
			startDate: '2026-03-30',
			dryRun: true,
		});
		expect(preview.waves).toHaveLength(3);
		expect(await ledger.query('SELECT * FROM waves')).toHaveLength(0);
		const plan = await planWaves(ledger, {
			runDate: '2026-03-31',
			maxPerCourierPerDay: 4,
			startDate: '2026-03-30',
			rates: { courierMinor: 1500n, printingMinor: 200n, postageMinor: 0n },
		});
		const byZone = plan.waves.map((w) => [
			w.code,
			w.zone,
			w.courierCode,
			w.plannedOn,
			w.invoices.length,
		]);
		expect(byZone).toEqual([
			['W20260331-PLATEAU-01', 'PLATEAU', 'C1', '2026-03-30', 1],
			['W20260331-CASA-NORD-01', 'CASA-NORD', 'C2', '2026-03-30', 4],
			['W20260331-CASA-NORD-02', 'CASA-NORD', 'C1', '2026-03-31', 2],
		]);
		const again = await planWaves(ledger, {
			runDate: '2026-03-31',
			maxPerCourierPerDay: 4,
			startDate: '2026-03-30',
		});
		expect(again.waves).toHaveLength(0);
		const deliveries = await ledger.query<{ n: string }>(
			`SELECT count(*) AS n FROM deliveries WHERE status = 'pending'`,
		);
		expect(deliveries[0].n).toBe('7');
	});

	it('hands a wave over only when every invoice is entered, listing what is missing', async () => {
		await markInvoicesEntered(ledger, {
			waveCode: 'W20260331-CASA-NORD-01',
			invoiceNumbers: ['MA-1', 'MA-2'],
		});
		await expect(releaseWave(ledger, { waveCode: 'W20260331-CASA-NORD-01' })).rejects.toMatchObject(
			{
				code: 'WAVE_NOT_COMPLETE',
				message: expect.stringMatching(
					/2 invoice\(s\) not entered yet: MA-3 \(Atlas Distribution\), MA-4/,
				),
			},
		);
		await expect(
			markInvoicesEntered(ledger, {
				waveCode: 'W20260331-CASA-NORD-01',
				invoiceNumbers: ['MA-3', 'SN-1'],
			}),
		).rejects.toMatchObject({ code: 'WAVE_INVOICE_UNKNOWN' });
		expect(
			(await ledger.query(`SELECT count(*) AS n FROM deliveries WHERE status = 'entered'`))[0].n,
		).toBe('2');
		// The ledger refuses it too, whatever the caller.
		await expect(
			ledger.query(`UPDATE waves SET status = 'released' WHERE code = 'W20260331-CASA-NORD-01'`),
		).rejects.toThrow(/2 invoice\(s\) not entered yet: MA-3, MA-4/);
		const done = await markInvoicesEntered(ledger, { waveCode: 'W20260331-CASA-NORD-01' });
		expect(done).toMatchObject({ entered: 2, pending: 0 });
		const released = await releaseWave(ledger, { waveCode: 'W20260331-CASA-NORD-01' });
		expect(released).toMatchObject({ courierCode: 'C2', invoices: 4 });
		await expect(releaseWave(ledger, { waveCode: 'W20260331-CASA-NORD-01' })).rejects.toMatchObject(
			{ code: 'WAVE_NOT_PLANNED' },
		);
		await expect(releaseWave(ledger, { waveCode: 'nope' })).rejects.toMatchObject({
			code: 'WAVE_UNKNOWN',
		});
		// Nothing can be added to a released wave.
		await expect(
			ledger.query(
				`INSERT INTO deliveries (wave_id, invoice_id, customer_id) SELECT w.id, i.id, i.customer_id FROM waves w, invoices i WHERE w.code = 'W20260331-CASA-NORD-01' AND i.number = 'FR-1'`,
			),
		).rejects.toThrow(/already handed over/);
	});

	it('reports costs per wave, zone and month, per delivered invoice', async () => {
		await ledger.query(
			`UPDATE deliveries SET status = 'delivered' FROM invoices i WHERE i.id = deliveries.invoice_id AND i.number IN ('MA-1', 'MA-2', 'MA-3')`,
		);
		const perWave = await waveCosts(ledger, { groupBy: 'wave' });
		expect(perWave[0]).toEqual({
			key: 'W20260331-CASA-NORD-01',
			currency: 'MAD',
			invoices: 4,
			delivered: 3,
			courier: '60.00',
			printing: '8.00',
			postage: '0.00',
			total: '68.00',
			perDelivered: '22.67',
		});
		const perZone = await waveCosts(ledger, { groupBy: 'zone' });
		expect(perZone.map((r) => [r.key, r.currency, r.invoices, r.total])).toEqual([
			['CASA-NORD', 'MAD', 6, '102.00'],
			['PLATEAU', 'XOF', 1, '1700'],
		]);
		const perMonth = await waveCosts(ledger, {
			groupBy: 'month',
			from: '2026-03-01',
			to: '2026-03-31',
		});
		expect(perMonth.map((r) => r.key)).toEqual(['2026-03', '2026-03']);
		expect(await waveCosts(ledger, { groupBy: 'month', from: '2026-04-01' })).toEqual([]);
	});
});

describe('couriers serve their own areas', () => {
	it('a country, or a zone or city of a country, accents and case ignored; no area: everywhere', () => {
		const casa = { code: 'CASA', serves: ['MA:Casablanca'] };
		expect(courierServes(casa, { country: 'MA', zone: 'Casa-Maârif', city: 'Casablanca' })).toBe(
			true,
		);
		expect(courierServes(casa, { country: 'MA', zone: 'Rabat-Agdal', city: 'Rabat' })).toBe(false);
		expect(courierServes(casa, { country: 'CI', zone: 'Casablanca' })).toBe(false);
		expect(
			courierServes({ code: 'ABJ', serves: ['CI'] }, { country: 'ci', zone: 'Abidjan-Plateau' }),
		).toBe(true);
		expect(courierServes({ code: 'FES', serves: ['MA:fes'] }, { country: 'MA', city: 'Fès' })).toBe(
			true,
		);
		expect(courierServes({ code: 'ANY', serves: [] }, { country: 'SN', zone: 'Thiès' })).toBe(true);
	});
	it('areas are checked and written in one form', () => {
		expect(parseCourierAreas([' ma:Casablanca ', 'SN', 'sn', ''])).toEqual(['MA:Casablanca', 'SN']);
		expect(() => parseCourierAreas(['Morocco'])).toThrow(/not an area/);
		expect(() => parseCourierAreas(['MA:'])).toThrow(/not an area/);
	});
});

describe('waves go only to a courier of their zone', () => {
	let ledger: Ledger;
	beforeAll(async () => {
		ledger = await createTestLedger();
		await ledger.query(`INSERT INTO staff (code, name, roles, active) VALUES
			('CRS-CASA', 'Casablanca', '{courier}', true), ('CRS-ABJ', 'Abidjan', '{courier}', true), ('CRS-DKR', 'Dakar', '{courier}', true)`);
		await setCourierAreas(ledger, 'CRS-CASA', ['MA:Casablanca']);
		await setCourierAreas(ledger, 'CRS-ABJ', ['CI']);
		await setCourierAreas(ledger, 'CRS-DKR', ['SN:Dakar']);
		await ledger.query(`INSERT INTO customers (external_id, name, billing_cycle, zone, city, country, currency, address_lines, first_cycle_done) VALUES
			('A1', 'Abidjan Froid', 'monthly', 'Abidjan-Plateau', 'Abidjan', 'CI', 'XOF', '{"Rue 1"}', true),
			('A2', 'Cocody Services', 'monthly', 'Abidjan-Cocody', 'Abidjan', 'CI', 'XOF', '{"Rue 2"}', true),
			('C1', 'Atlas', 'monthly', 'Casa-Maârif', 'Casablanca', 'MA', 'MAD', '{"Bd 1"}', true),
			('R1', 'Rabat Négoce', 'monthly', 'Rabat-Agdal', 'Rabat', 'MA', 'MAD', '{"Av 1"}', true),
			('T1', 'Thiès Agro', 'monthly', 'Thiès', 'Thiès', 'SN', 'XOF', '{"Route 1"}', true)`);
		const inv = (n: string, cust: string, cur: string) =>
			ledger.query(
				`INSERT INTO invoices (number, customer_id, currency, total_excl_minor, total_incl_minor, payable_minor, open_minor, issue_date, due_date, content_hash)
				SELECT $1, id, $3, 1000, 1000, 1000, 1000, '2026-03-10', '2026-04-10', md5($1) FROM customers WHERE external_id = $2`,
				[n, cust, cur],
			);
		for (let i = 1; i <= 5; i++) await inv(`ABJ-${i}`, 'A1', 'XOF');
		await inv('COC-1', 'A2', 'XOF');
		await inv('CASA-1', 'C1', 'MAD');
		await inv('RBT-1', 'R1', 'MAD');
		await inv('THS-1', 'T1', 'XOF');
	});
	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	it('an Abidjan zone never goes to the Casablanca courier, even when the Abidjan courier is busy; unserved zones are reported', async () => {
		const plan = await planWaves(ledger, {
			runDate: '2026-03-31',
			maxPerCourierPerDay: 2,
			startDate: '2026-03-30',
		});
		for (const wave of plan.waves) {
			const expected =
				wave.country === 'CI' ? 'CRS-ABJ' : wave.country === 'MA' ? 'CRS-CASA' : 'CRS-DKR';
			expect({ wave: wave.code, courier: wave.courierCode }).toEqual({
				wave: wave.code,
				courier: expected,
			});
		}
		expect(plan.waves.filter((w) => w.country === 'CI').map((w) => w.plannedOn)).toEqual([
			'2026-03-30',
			'2026-03-31',
			'2026-04-01',
			'2026-04-02',
		]);
		expect(plan.waves.filter((w) => w.country === 'MA').map((w) => [w.zone, w.plannedOn])).toEqual([
			['Casa-Maârif', '2026-03-30'],
		]);
		expect(plan.unserved.map((u) => [u.country, u.zone, u.invoiceNumbers])).toEqual([
			['MA', 'Rabat-Agdal', ['RBT-1']],
			['SN', 'Thiès', ['THS-1']],
		]);
		expect(plan.cyclesEnding).toEqual(['monthly']);
		const planned = await ledger.query<{ number: string }>(
			'SELECT i.number FROM deliveries d JOIN invoices i ON i.id = d.invoice_id ORDER BY 1',
		);
		expect(planned.map((r) => r.number)).not.toContain('RBT-1');
		expect(planned.map((r) => r.number)).not.toContain('THS-1');
	});

	it('a day no billing cycle ends plans nothing and says so', async () => {
		const plan = await planWaves(ledger, {
			runDate: '2026-03-17',
			maxPerCourierPerDay: 2,
			dryRun: true,
		});
		expect(plan).toMatchObject({ waves: [], invoiceCount: 0, cyclesEnding: [], unserved: [] });
	});

	it('a courier area is set only on a courier', async () => {
		await expect(setCourierAreas(ledger, 'NOBODY', ['MA'])).rejects.toMatchObject({
			code: 'COURIER_UNKNOWN',
		});
	});
});
