import type { Ledger } from '../../core';
import { dropTestLedger } from '../helpers/db';
import { closeEngine } from '../helpers/engine';
import { startSmtpSink, type SmtpSink } from '../helpers/smtpSink';
import { credentialsFor } from './dunning-helpers';
import { reportsLedger } from './reports-helpers';

/**
 * The set-up of a report workflow test, registered as beforeAll / afterAll: the company of reports-helpers in a
 * fresh ledger, a real SMTP server, and the credentials pointing at both.
 */
export function reportsFixture(): {
	ledger: () => Ledger;
	sink: () => SmtpSink;
	credentials: () => ReturnType<typeof credentialsFor>;
} {
	let ledger: Ledger | undefined;
	let sink: SmtpSink | undefined;
	beforeAll(async () => {
		ledger = await reportsLedger();
		sink = await startSmtpSink();
	}, 60_000);
	afterAll(async () => {
		await sink?.close();
		await closeEngine();
		if (ledger) await dropTestLedger(ledger);
	}, 60_000);
	return {
		ledger: () => ledger as Ledger,
		sink: () => sink as SmtpSink,
		credentials: () => credentialsFor(ledger as Ledger, sink),
	};
}
