import { Client } from 'pg';

/** Drops the benches' own schemas (and everything in them) once a bench is done, whatever happened. */
export async function dropSchemas(databaseUrl: string, schemas: string[]): Promise<void> {
	const client = new Client({ connectionString: databaseUrl });
	await client.connect();
	try {
		for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	} finally {
		await client.end();
	}
}
