// npm test: builds the package (the end-to-end tests install the packed build into a real n8n), then runs
// every jest project: unit and integration (real Postgres), in-process workflows, and real n8n end to end.
// Extra arguments go to jest, e.g. `npm test -- --selectProjects unit`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => {
	const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
	if (result.status !== 0) process.exit(result.status ?? 1);
};

run('npm', ['run', '--silent', 'build']);
const extra = process.argv.slice(2);
const projects = extra.includes('--selectProjects') ? [] : ['--selectProjects', 'unit', 'workflows', 'e2e'];
run(path.join(root, 'node_modules', '.bin', 'jest'), [...projects, ...extra]);
