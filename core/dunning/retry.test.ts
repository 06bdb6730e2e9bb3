import { isLedgerUnavailable, whileLedgerUnavailable } from './retry';

describe('whileLedgerUnavailable', () => {
	it('runs a statement again when Postgres aborted it for a deadlock or a serialization failure (nothing of it was written)', async () => {
		for (const code of ['40P01', '40001']) {
			let calls = 0;
			const result = await whileLedgerUnavailable(async () => {
				calls++;
				if (calls < 3) throw Object.assign(new Error('deadlock detected'), { code });
				return 'done';
			}, 5);
			expect(result).toBe('done');
			expect(calls).toBe(3);
		}
	});

	it('runs it again while the connection is lost, and gives up on any other error at once', async () => {
		expect(isLedgerUnavailable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
		expect(isLedgerUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
		let calls = 0;
		await expect(
			whileLedgerUnavailable(async () => {
				calls++;
				throw Object.assign(new Error('duplicate key'), { code: '23505' });
			}, 5),
		).rejects.toThrow('duplicate key');
		expect(calls).toBe(1);
	});

	it('throws the last error once the time is up', async () => {
		let calls = 0;
		await expect(
			whileLedgerUnavailable(async () => {
				calls++;
				throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
			}, 0.3),
		).rejects.toThrow('deadlock detected');
		expect(calls).toBeGreaterThan(1);
	});
});
