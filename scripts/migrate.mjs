// npm run migrate: creates or upgrades the receivables ledger schema.
//   DATABASE_URL or PG* variables given → that database; otherwise the embedded Postgres of `npm start` (.data).
//   RECEIVABLES_SCHEMA → the schema (default "receivables").
// n8n also migrates the ledger by itself on first use; this command does it ahead of time and says what it did.
import {
	describeError,
	ensureDependencies,
	ensureMigrationsBuilt,
	loadCore,
} from './lib/project.mjs';

const log = (line) => console.log(line);
let target;

async function main() {
	await ensureDependencies({ log });
	await ensureMigrationsBuilt({ log });
	const { resolveDatabase } = await import('./lib/database.mjs');
	const core = loadCore();
	const database = await resolveDatabase({ log, reuseRunning: true });
	let ledger;
	try {
		log(`Ledger: schema "${database.schema}" on ${database.label}`);
		ledger = core.openLedger({
			...database.ledgerConfig,
			applicationName: 'n8n-nodes-receivables migrate',
		});
		const result = await ledger.ensureReady();
		if (result.applied.length) {
			log(`Applied ${result.applied.length} migration${result.applied.length > 1 ? 's' : ''}:`);
			for (const name of result.applied) log(`  + ${name}`);
		} else {
			log('Nothing to apply: the schema is up to date.');
		}
		log(`Current version: ${result.current}`);
	} catch (error) {
		if (database.kind === 'external') target = database.label;
		throw error;
	} finally {
		await ledger?.close().catch(() => undefined);
		await database.stop();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(`\nMigration failed: ${describeError(error)}`);
		if (target) console.error(`Database: ${target}. Check DATABASE_URL or the PG* variables.`);
		process.exit(1);
	},
);
