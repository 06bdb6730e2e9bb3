/**
 * The ledger of a test file (or describe block) that runs workflows or nodes through the engine: before its tests a
 * fresh migrated schema and the Receivables Ledger credential pointing at it; after them the engine's and nodes'
 * database pools closed, then the schema dropped. Call it at the top of the describe block:
 *
 *   const t = engineLedger();
 *   beforeAll(() => seedDistribution(t.ledger));
 *   test('…', async () => { await runWorkflow(workflow, { credentials: t.credentials }); });
 *
 * `t.ledger` and `t.credentials` are set once the block's first beforeAll has run (read them inside hooks and tests).
 */
import type { Ledger } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from './db';
import { closeEngine } from './engine';

export interface EngineLedger {
	ledger: Ledger;
	/** receivablesLedgerApi for the ledger, with the other credentials given. */
	credentials: Record<string, Record<string, string | number>>;
}

export function engineLedger(otherCredentials: Record<string, Record<string, string | number>> = {}): EngineLedger {
	const t = {} as EngineLedger;
	beforeAll(async () => {
		t.ledger = await createTestLedger();
		t.credentials = { receivablesLedgerApi: ledgerCredentialData(t.ledger.schema), ...otherCredentials };
	});
	afterAll(async () => {
		await closeEngine();
		if (t.ledger) await dropTestLedger(t.ledger);
	});
	return t;
}
