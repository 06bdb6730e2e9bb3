import { mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { setGlobalState } from 'n8n-workflow';

// n8n-core keeps its instance settings (an encryption key) in N8N_USER_FOLDER, ~/.n8n by default: in-process
// runs get a folder of their own under the system's temporary folder instead of touching the user's.
if (!process.env.N8N_USER_FOLDER) {
	const folder = path.join(tmpdir(), 'n8n-nodes-receivables-engine');
	mkdirSync(folder, { recursive: true });
	process.env.N8N_USER_FOLDER = folder;
}
/**
 * The folder n8n's file nodes (Read/Write Files from Disk) may read and write in-process runs: n8n's own
 * N8N_RESTRICT_FILE_ACCESS_TO, as under npm start and Docker; the nodes give the path of each file they produce in it.
 * One per test process, so test files running side by side never share letters or call lists.
 */
export const ENGINE_FILES_DIR = (
	process.env.N8N_RESTRICT_FILE_ACCESS_TO?.split(';')[0] ||
	path.join(process.env.N8N_USER_FOLDER, `files-${process.pid}`)
).replace(/^~/, homedir());
process.env.N8N_RESTRICT_FILE_ACCESS_TO ??= ENGINE_FILES_DIR;
mkdirSync(ENGINE_FILES_DIR, { recursive: true });
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
// n8n's logger writes node errors to the console; the run result carries them. N8N_LOG_LEVEL=debug shows them.
process.env.N8N_LOG_LEVEL ??= 'silent';

// The zone n8n falls back on when a workflow sets none (GENERIC_TIMEZONE): pinned to the package's default, as npm
// start and Docker set it, so runs never depend on the machine's zone or on n8n's own America/New_York.
setGlobalState({ defaultTimezone: process.env.GENERIC_TIMEZONE || 'Europe/Paris' });
