import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addDays, installDefaultPolicies, todayIn, type Ledger } from '../../core';
import type { FileKind } from '../../core';
import { createTestLedger, dropTestLedger, ledgerCredentialData } from '../helpers/db';
import { seedStaff } from '../helpers/dunning';
import {
	closeEngine,
	ENGINE_FILES_DIR,
	loadWorkflow,
	PACKAGE_ROOT,
	type WorkflowJson,
} from '../helpers/engine';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';

/** Shared set-up of the dunning workflow tests: a migrated ledger with the shipped policies and the staff. */
export async function dunningLedger(): Promise<Ledger> {
	const ledger = await createTestLedger();
	await seedDunning(ledger);
	return ledger;
}

/** What dunningLedger() puts in a migrated ledger: the shipped policies, the staff and the company. */
export async function seedDunning(ledger: Ledger): Promise<void> {
	await installDefaultPolicies(ledger);
	await seedStaff(ledger);
	await ledger.query(`INSERT INTO settings (key, value) VALUES ('company', $1)`, [
		JSON.stringify({
			name: 'ACME SAS',
			addressLines: ['1 place du Commerce', '69002 Lyon'],
			siren: '123456789',
			iban: 'FR76 3000 6000 0112 3456 7890 189',
		}),
	]);
}

/**
 * The dunning ledger of a test file (or describe block), around its tests: before them dunningLedger() and, with
 * `smtp`, an SMTP sink to deliver to; after them the sink closed, the engine's pools closed and the schema dropped.
 * `t.ledger` and `t.sink` are set once the block's first beforeAll has run (read them inside hooks and tests).
 */
export function dunningTestLedger(options: { smtp?: boolean } = {}): {
	ledger: Ledger;
	sink: SmtpSink;
} {
	const t = {} as { ledger: Ledger; sink: SmtpSink };
	beforeAll(async () => {
		t.ledger = await dunningLedger();
		if (options.smtp) t.sink = await startSmtpSink();
	});
	afterAll(async () => {
		await t.sink?.close();
		await closeEngine();
		if (t.ledger) await dropTestLedger(t.ledger);
	});
	return t;
}

/** A date relative to today in the company zone (what the workflows plan with). */
export function daysFromToday(days: number): string {
	return addDays(todayIn('Europe/Paris'), days);
}

export function credentialsFor(
	ledger: Ledger,
	sink?: SmtpSink,
): Record<string, Record<string, string | number | boolean>> {
	const credentials: Record<string, Record<string, string | number | boolean>> = {
		receivablesLedgerApi: ledgerCredentialData(ledger.schema),
	};
	if (sink) credentials.receivablesSmtpApi = smtpCredentialFor(sink);
	return credentials;
}

/** The Receivables SMTP credential that delivers to a test SMTP sink. */
export function smtpCredentialFor(sink: SmtpSink): Record<string, string | number | boolean> {
	return {
		host: sink.config.host,
		port: sink.config.port,
		secure: false,
		disableStartTls: true,
		user: '',
		password: '',
	};
}

/** A shipped workflow as it is: its files go where its nodes say, in the files folder (N8N_RESTRICT_FILE_ACCESS_TO). */
export function shippedWorkflow(file: string): WorkflowJson {
	return loadWorkflow(path.join(PACKAGE_ROOT, 'workflows', file));
}

/** A kind's folder in the files folder of this test process (letters, call-lists, reports, bank-statements). */
export function testFolder(kind: FileKind): string {
	return path.join(ENGINE_FILES_DIR, kind);
}

/**
 * n8n's file helpers resolve a path that does not exist yet by catching ENOENT with `instanceof Error`, which is
 * false under jest for errors of node's own modules: the files a test expects are created empty beforehand
 * (Write Files to Disk then truncates and writes them, as in n8n).
 */
export function expectFiles(folder: string, names: string[]): void {
	mkdirSync(folder, { recursive: true });
	for (const name of names) writeFileSync(path.join(folder, name), '');
}
