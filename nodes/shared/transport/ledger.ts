import { createHash } from 'node:crypto';
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { openLedger, type Ledger, type LedgerConfig } from '../../../core';

export const LEDGER_CREDENTIAL = 'receivablesLedgerApi';

/** Maps the ledger credential's fields to the core's configuration. */
export function ledgerConfigFromCredential(
	credential: ICredentialDataDecryptedObject,
): LedgerConfig {
	return {
		host: String(credential.host ?? 'localhost'),
		port: Number(credential.port ?? 5432),
		database: String(credential.database ?? 'postgres'),
		user: String(credential.user ?? 'postgres'),
		password: credential.password ? String(credential.password) : undefined,
		ssl: (credential.ssl as LedgerConfig['ssl']) ?? 'disable',
		schema: credential.schema ? String(credential.schema) : undefined,
		maxConnections: credential.maxConnections ? Number(credential.maxConnections) : undefined,
	};
}

interface CachedLedger {
	ledger: Ledger;
	lastUsed: number;
}

/**
 * Pools are a per-process cache keyed by the credential's content, shared by executions in the same
 * process (as n8n's own Postgres node does) and closed after ten idle minutes. Nothing else lives here.
 */
const pools = new Map<string, CachedLedger>();
const IDLE_MS = 10 * 60 * 1000;

function sweep(now: number): void {
	for (const [key, cached] of pools) {
		if (now - cached.lastUsed > IDLE_MS) {
			pools.delete(key);
			void cached.ledger.close().catch(() => undefined);
		}
	}
}

export function ledgerFor(config: LedgerConfig): Ledger {
	const key = createHash('sha256').update(JSON.stringify(config)).digest('hex');
	const now = Date.now();
	sweep(now);
	let cached = pools.get(key);
	if (!cached) {
		cached = {
			ledger: openLedger({ ...config, applicationName: 'n8n-nodes-receivables (n8n)' }),
			lastUsed: now,
		};
		pools.set(key, cached);
	}
	cached.lastUsed = now;
	return cached.ledger;
}

/** The ledger of the node's credential, migrated and ready. */
export async function getLedger(context: IExecuteFunctions | IWebhookFunctions): Promise<Ledger> {
	const credential = await context.getCredentials(LEDGER_CREDENTIAL);
	const ledger = ledgerFor(ledgerConfigFromCredential(credential));
	await ledger.ensureReady();
	return ledger;
}

/** Closes every cached ledger pool (process shutdown, tests). */
export async function closeLedgers(): Promise<void> {
	const cached = [...pools.values()];
	pools.clear();
	await Promise.all(cached.map((c) => c.ledger.close().catch(() => undefined)));
}
