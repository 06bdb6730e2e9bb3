import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { openLedger, type Ledger } from './ledger';

// Facts of the past recorded with their own date: a ledger of one connection dates the history entries written
// without a date at the instant given, then at the time of writing again. Nothing is re-dated afterwards.
let ledger: Ledger;
let single: Ledger;

beforeAll(async () => {
	ledger = await createTestLedger();
	single = openLedger({ ...ledger.config, maxConnections: 1 });
});

afterAll(async () => {
	await single.close();
	await dropTestLedger(ledger);
});

const write = async (on: Ledger, summary: string) =>
	(
		await on.query<{ at: Date }>(
			"INSERT INTO history (kind, summary) VALUES ('note', $1) RETURNING at",
			[summary],
		)
	)[0].at.toISOString();

test('dates the entries written without a date at the instant given, in any zone, then at the time of writing again', async () => {
	await single.setHistoryDate('2025-03-14 15:00:00 Europe/Paris');
	expect(await write(single, 'a payment of March')).toBe('2025-03-14T14:00:00.000Z');
	await single.setHistoryDate('2025-07-01T08:30:00Z');
	expect(await write(single, 'a dispute of July')).toBe('2025-07-01T08:30:00.000Z');
	await single.setHistoryDate(null);
	const now = Date.now();
	expect(Math.abs(new Date(await write(single, 'today')).getTime() - now)).toBeLessThan(60_000);
	// other connections never see the date
	await single.setHistoryDate('2025-03-14T10:00:00Z');
	expect(Math.abs(new Date(await write(ledger, 'elsewhere')).getTime() - now)).toBeLessThan(60_000);
	await single.setHistoryDate(null);
});

test('is refused on a ledger of several connections, and for what is not an instant', async () => {
	await expect(ledger.setHistoryDate('2025-03-14T10:00:00Z')).rejects.toThrow(/one connection/);
	await expect(single.setHistoryDate('not a date')).rejects.toThrow();
});
