import type { PoolClient } from 'pg';
import type { Ledger } from '../ledger';
import { createTestLedger, dropTestLedger } from '../../test/helpers/db';
import { addCustomer, addInvoice } from '../../test/helpers/dunning';
import { confirmLetters } from './letters';
import { decideUncertainReminder } from './reconcile';
import { releaseExpiredClaims } from './send';

/**
 * Every statement that changes several reminders locks them in the order claims take them (invoice, stage), so two
 * of them never wait on each other in a circle (Postgres would abort one with "deadlock detected"). Each case: a
 * transaction holds the first reminder (as a run confirming its outcomes in that order does) while the statement
 * under test starts on reminders stored — and aged — in the opposite order; then the transaction takes the second.
 * In the right order the statement waits for the first without holding the second: no deadlock, both finish.
 */
describe('multi-row reminder updates lock in (invoice, stage) order', () => {
	let ledger: Ledger;
	let customer: string;
	let n = 0;

	beforeAll(async () => {
		ledger = await createTestLedger();
		customer = await addCustomer(ledger, {
			externalId: 'LOCK',
			emails: ['lock@example.com'],
			salesRep: null,
			collector: null,
			profile: null,
		});
	});

	afterAll(async () => {
		await dropTestLedger(ledger);
	});

	/** Two invoices, low and high id; their reminders inserted high first and the high one older. */
	async function pair(row: {
		status: string;
		channel: string;
		messageId: string;
		age: (low: boolean) => string;
	}): Promise<[string, string]> {
		const low = await addInvoice(ledger, {
			customerId: customer,
			number: `LK-${++n}-A`,
			dueDate: '2026-01-10',
		});
		const high = await addInvoice(ledger, {
			customerId: customer,
			number: `LK-${n}-B`,
			dueDate: '2026-01-10',
		});
		for (const [invoice, isLow] of [
			[high, false],
			[low, true],
		] as const) {
			await ledger.query(
				`INSERT INTO reminders (invoice_id, customer_id, stage, channel, status, claimed_by, claimed_at, handed_over_at, message_id, recipients, attempts)
				VALUES ($1, $2, 'level1', $3, $4, 'slow-run', now() - $5::interval, CASE WHEN $4 IN ('handing_over', 'rendered', 'uncertain') THEN now() - $5::interval END, $6, ARRAY['lock@example.com'], 1)`,
				[invoice, customer, row.channel, row.status, row.age(isLow), row.messageId],
			);
		}
		return [low, high];
	}

	/** Holds `low`'s reminder, starts `statement`, then takes `high`'s: resolves with what each side threw, if anything. */
	async function race(
		low: string,
		high: string,
		statement: () => Promise<unknown>,
	): Promise<{ holder?: string; statement?: string }> {
		const errors: { holder?: string; statement?: string } = {};
		let client: PoolClient | undefined;
		await ledger.withClient(async (c) => {
			client = c;
			await c.query('BEGIN');
			await c.query("SET LOCAL lock_timeout = '20s'");
			await c.query(
				"SELECT id FROM reminders WHERE invoice_id = $1 AND stage = 'level1' FOR UPDATE",
				[low],
			);
			const running = statement().catch((error: { code?: string; message?: string }) => {
				errors.statement = `${error.code ?? ''} ${error.message ?? String(error)}`;
			});
			// let the statement lock what it takes before waiting on `low`
			await new Promise((resolve) => setTimeout(resolve, 600));
			try {
				await c.query(
					"SELECT id FROM reminders WHERE invoice_id = $1 AND stage = 'level1' FOR UPDATE",
					[high],
				);
				await c.query('COMMIT');
			} catch (error) {
				const e = error as { code?: string; message?: string };
				errors.holder = `${e.code ?? ''} ${e.message ?? String(error)}`;
				await c.query('ROLLBACK');
			}
			await running;
		});
		expect(client).toBeDefined();
		return errors;
	}

	test('releasing expired claims (the older claim on the higher invoice)', async () => {
		const [low, high] = await pair({
			status: 'claimed',
			channel: 'email',
			messageId: `<lk-${n}@x>`,
			age: (isLow) => (isLow ? '1 hour' : '2 hours'),
		});
		expect(await race(low, high, () => releaseExpiredClaims(ledger, 10))).toEqual({});
		const rows = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE invoice_id = ANY($1::bigint[]) ORDER BY invoice_id',
			[[low, high]],
		);
		expect(rows.map((r) => r.status)).toEqual(['retry', 'retry']);
	});

	test('releasing expired hand-overs (to uncertain)', async () => {
		const [low, high] = await pair({
			status: 'handing_over',
			channel: 'email',
			messageId: `<lk-${n}@x>`,
			age: (isLow) => (isLow ? '1 hour' : '2 hours'),
		});
		expect(await race(low, high, () => releaseExpiredClaims(ledger, 10))).toEqual({});
		const rows = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE invoice_id = ANY($1::bigint[]) ORDER BY invoice_id',
			[[low, high]],
		);
		expect(rows.map((r) => r.status)).toEqual(['uncertain', 'uncertain']);
	});

	test('deciding an uncertain message of two invoices', async () => {
		const id = `<lk-decide-${n}@x>`;
		const [low, high] = await pair({
			status: 'uncertain',
			channel: 'email',
			messageId: id,
			age: (isLow) => (isLow ? '1 hour' : '2 hours'),
		});
		expect(
			await race(low, high, () =>
				decideUncertainReminder(ledger, { messageId: id, decision: 'sent', actor: 'test' }),
			),
		).toEqual({});
		const rows = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE message_id = $1',
			[id],
		);
		expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
	});

	test('confirming a letter of two invoices', async () => {
		const id = `letter-lk-${n}`;
		const [low, high] = await pair({
			status: 'rendered',
			channel: 'letter',
			messageId: id,
			age: (isLow) => (isLow ? '1 minute' : '2 minutes'),
		});
		expect(await race(low, high, () => confirmLetters(ledger, [{ letter: id }]))).toEqual({});
		const rows = await ledger.query<{ status: string }>(
			'SELECT status FROM reminders WHERE message_id = $1',
			[id],
		);
		expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
	});
});
