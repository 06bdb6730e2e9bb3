// Finds the Postgres the tests use: TEST_DATABASE_URL, else the PG* variables, else an embedded Postgres
// started for this run. Each test file then works in a schema of its own (test/helpers/db.ts).
const path = require('node:path');

function fromPgEnv(env) {
	if (!(env.PGHOST || env.PGDATABASE || env.PGUSER || env.PGPORT)) return undefined;
	const user = encodeURIComponent(env.PGUSER || 'postgres');
	const password = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : '';
	const host = env.PGHOST || '127.0.0.1';
	return `postgres://${user}${password}@${host.startsWith('/') ? encodeURIComponent(host) : host}:${env.PGPORT || 5432}/${env.PGDATABASE || 'postgres'}`;
}

module.exports = async () => {
	if (process.env.TEST_DATABASE_URL) return;
	const fromEnv = fromPgEnv(process.env);
	if (fromEnv) {
		process.env.TEST_DATABASE_URL = fromEnv;
		return;
	}
	const { startEmbeddedPostgres } = await import('../scripts/lib/embedded-pg.mjs');
	const dir = path.join(__dirname, '..', '.runtime', `test-pg-${process.pid}`);
	const pg = await startEmbeddedPostgres({ dir });
	globalThis.__embeddedPg = { ...pg, dir };
	process.env.TEST_DATABASE_URL = pg.url;
	process.env.RECEIVABLES_TEST_EMBEDDED_PG = '1';
};
