// npm run keys: the integration keys that sign webhook requests, one sender (accounting software, billing
// platform...) at a time. The secret is printed once, at creation; the ledger keeps it to check signatures.
//   npm run keys -- create <sender> [--key-id ID] [--purpose intake] [--note TEXT] [--secret-stdin]
//     (--secret-stdin: the secret is read from standard input instead of created, e.g. the signing key an
//      e-invoicing platform gives when its AFNOR webhook is subscribed: --purpose platform-flows)
//   npm run keys -- rotate <key id> [--overlap-hours 72] [--key-id NEW_ID]
//   npm run keys -- revoke <key id> [--reason TEXT]
//   npm run keys -- list [<sender>]
// The database is the one of `npm run migrate`: DATABASE_URL or PG* variables, else the embedded Postgres of
// `npm start` (.data), and RECEIVABLES_SCHEMA.
import { describeError, ensureBuilt, ensureDependencies, loadCore } from './lib/project.mjs';

const log = (line) => console.log(line);

const USAGE = `Usage:
  npm run keys -- create <sender> [--key-id ID] [--purpose intake] [--note TEXT] [--secret-stdin]
  npm run keys -- rotate <key id> [--overlap-hours 72] [--key-id NEW_ID]
  npm run keys -- revoke <key id> [--reason TEXT]
  npm run keys -- list [<sender>]`;

function parse(argv) {
	const positional = [];
	const options = { purposes: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			if (i + 1 >= argv.length) throw new Error(`${arg} needs a value.\n${USAGE}`);
			return argv[++i];
		};
		if (arg === '--key-id') options.keyId = value();
		else if (arg === '--purpose') options.purposes.push(value());
		else if (arg === '--note') options.note = value();
		else if (arg === '--reason') options.reason = value();
		else if (arg === '--overlap-hours') options.overlapHours = Number(value());
		else if (arg === '--secret-stdin') options.secretStdin = true;
		else if (arg.startsWith('--')) throw new Error(`Unknown option ${arg}.\n${USAGE}`);
		else positional.push(arg);
	}
	return { command: positional[0], args: positional.slice(1), options };
}

async function main() {
	const { command, args, options } = parse(process.argv.slice(2));
	if (!['create', 'rotate', 'revoke', 'list'].includes(command) || (command !== 'list' && !args[0]))
		throw new Error(USAGE);
	if (options.secretStdin) {
		if (command !== 'create') throw new Error(`--secret-stdin goes with create.\n${USAGE}`);
		if (process.stdin.isTTY) log('Paste the secret, then press Enter and Ctrl-D:');
		const chunks = [];
		for await (const chunk of process.stdin) chunks.push(chunk);
		options.secret = Buffer.concat(chunks).toString('utf8').trim();
		if (!options.secret) throw new Error('No secret on standard input.');
	}
	await ensureDependencies({ log });
	await ensureBuilt({ log });
	const { resolveDatabase } = await import('./lib/database.mjs');
	const core = loadCore();
	const database = await resolveDatabase({ log: () => {}, reuseRunning: true });
	const ledger = core.openLedger({
		...database.ledgerConfig,
		applicationName: 'n8n-nodes-receivables keys',
	});
	try {
		if (command === 'create' || command === 'rotate') {
			const key =
				command === 'create'
					? await core.createIntegrationKey(ledger, {
							sender: args[0],
							keyId: options.keyId,
							purposes: options.purposes,
							note: options.note,
							secret: options.secret,
						})
					: await core.rotateIntegrationKey(ledger, args[0], {
							overlapHours: options.overlapHours,
							newKeyId: options.keyId,
						});
			log(`Sender:   ${key.sender}`);
			log(`Key id:   ${key.keyId}      (header X-Receivables-Key)`);
			log(options.secret ? 'Secret:   the one given (not shown)' : `Secret:   ${key.secret}`);
			log(`Purposes: ${key.purposes.length ? key.purposes.join(', ') : 'intake'}`);
			if (key.previousKeyExpiresAt)
				log(`The key ${args[0]} keeps working until ${key.previousKeyExpiresAt}.`);
			log('Give the key id and the secret to the sending system; the secret is not shown again.');
		} else if (command === 'revoke') {
			await core.revokeIntegrationKey(ledger, args[0], options.reason);
			log(
				`Revoked: ${args[0]}. Requests signed with it are refused from now on (401 KEY_REVOKED).`,
			);
		} else {
			const keys = await core.listIntegrationKeys(ledger, { sender: args[0] });
			if (!keys.length) log('No integration key yet: npm run keys -- create <sender>');
			for (const k of keys) {
				log(
					`${k.keyId}  sender=${k.sender}  purposes=${k.purposes.join(',')}  ${k.state}${k.expiresAt ? `  expires=${k.expiresAt}` : ''}${k.revokedAt ? `  revoked=${k.revokedAt}` : ''}  last used=${k.lastUsedAt ?? 'never'}`,
				);
			}
		}
	} finally {
		await ledger.close().catch(() => undefined);
		await database.stop();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(describeError(error));
		process.exit(1);
	},
);
