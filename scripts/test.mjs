// npm test: builds the package (the end-to-end tests install the packed build into a real n8n), then runs the
// jest projects: unit (nothing but Node), integration (real Postgres) and in-process workflows in parallel, then the real-n8n
// end-to-end tests one file at a time (each starts its own n8n). Prints one closing line for all of them.
// Extra arguments go to jest, e.g. `npm test -- --selectProjects unit` (then only that run).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, '.runtime', 'test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

/** The jest projects named by `--selectProjects` in the arguments; none named: every project of `npm test`. */
function extraProjects(args) {
	const at = args.indexOf('--selectProjects');
	if (at < 0) return ['unit', 'integration', 'workflows', 'e2e'];
	const named = [];
	for (const arg of args.slice(at + 1)) {
		if (arg.startsWith('-')) break;
		named.push(arg);
	}
	return named;
}

const run = (cmd, args) =>
	spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;

if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);

// The pinned n8n runtime (installed once, about 5 minutes, then reused): the end-to-end tests run it, and tests of the
// parallel run parse multipart forms with n8n's own parser from it. A run of the unit tests alone needs nothing.
const onlyUnit = extraProjects(process.argv.slice(2)).every((project) => project === 'unit');
if (!onlyUnit) {
	const { ensureN8nRuntime } = await import('./lib/n8n-runtime.mjs');
	await ensureN8nRuntime({ log: (line) => console.log(line) });
}

const jest = path.join(root, 'node_modules', '.bin', 'jest');
const extra = process.argv.slice(2);
const runs = extra.includes('--selectProjects')
	? [['custom', extra]]
	: [
			['parallel', ['--selectProjects', 'unit', 'integration', 'workflows', ...extra]],
			['e2e', ['--selectProjects', 'e2e', '--runInBand', ...extra]],
		];

let failedRuns = 0;
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [name, args] of runs) {
	const output = path.join(resultsDir, `${name}.json`);
	const status = run(jest, [...args, '--json', `--outputFile=${output}`]);
	if (status !== 0) failedRuns++;
	try {
		const summary = JSON.parse(readFileSync(output, 'utf8'));
		passed += summary.numPassedTests;
		failed += summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
		skipped += summary.numPendingTests + (summary.numTodoTests ?? 0);
	} catch {
		failed++;
	}
}
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedRuns > 0 || failed > 0 ? 1 : 0);
