// npm run bench [-- <name> ...]: runs bench/<name>.bench.ts (all of them without names), one after another, and
// prints what they measured. Each bench compares the package with a reference measured in the same process (raw
// COPY, raw nodemailer, n8n's own nodes); a goal not met is reported, never turned into a failing exit code.
//
// Database: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the PG* variables, else an embedded Postgres kept in
// .runtime/bench/pg. Volumes: BENCH_SCALE (default 1; 0.1 for a quick look). Results: .runtime/bench/results.json.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const outDir = path.join(root, '.runtime', 'bench');
const require = createRequire(import.meta.url);

function fromPgEnv(env) {
	if (!(env.PGHOST || env.PGDATABASE || env.PGUSER || env.PGPORT)) return undefined;
	const user = encodeURIComponent(env.PGUSER || 'postgres');
	const password = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : '';
	const host = env.PGHOST || '127.0.0.1';
	return `postgres://${user}${password}@${host.startsWith('/') ? encodeURIComponent(host) : host}:${env.PGPORT || 5432}/${env.PGDATABASE || 'postgres'}`;
}

/** The URL without its password, for printing. */
function redact(url) {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return '(unparsable URL)';
	}
}

/** Reads goals such as '≥ 0.5×', '>= 2x', '≤ 1.2×', '< 50%'; undefined when the goal is not a comparison. */
function goalMet(value, goal) {
	if (typeof value !== 'number' || !goal) return undefined;
	const match = /^\s*(≥|>=|>|≤|<=|<|=)\s*(-?\d+(?:[.,]\d+)?)\s*(×|x|%|MB|ms|s)?\s*$/.exec(goal);
	if (!match) return undefined;
	let target = Number(match[2].replace(',', '.'));
	if (match[3] === '%') target /= 100;
	switch (match[1]) {
		case '≥':
		case '>=':
			return value >= target;
		case '>':
			return value > target;
		case '≤':
		case '<=':
			return value <= target;
		case '<':
			return value < target;
		default:
			return value === target;
	}
}

function formatNumber(value) {
	if (typeof value !== 'number') return String(value);
	if (!Number.isFinite(value)) return String(value);
	const abs = Math.abs(value);
	const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
	return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A bench's own table (ctx.table), as Markdown: flow, rows, package, reference, ratio, goal, met. */
function printMarkdownTable({ bench, title, rows }) {
	const cell = (value) => String(value ?? '').replace(/\|/g, '\\|');
	console.log(`\n${bench}: ${title}\n`);
	console.log('| flow | rows | package | reference in the same run | ratio | goal | met |');
	console.log('| --- | --- | --- | --- | --- | --- | --- |');
	for (const row of rows) {
		const met = goalMet(row.ratio, row.goal);
		const ratio =
			typeof row.ratio === 'number'
				? `${formatNumber(row.ratio)}${row.unit ? ` ${row.unit}` : '×'}`
				: '';
		console.log(
			`| ${[
				row.flow,
				typeof row.rows === 'number' ? row.rows.toLocaleString('en-US') : row.rows,
				row.package,
				row.reference,
				ratio,
				row.goal ?? '',
				met === undefined ? '' : met ? 'yes' : 'NO',
			]
				.map(cell)
				.join(' | ')} |`,
		);
	}
}

function printTable(rows) {
	const headers = ['bench', 'label', 'value', 'goal', 'goal met'];
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells) =>
		cells
			.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
			.join('  ')
			.trimEnd();
	console.log(line(headers));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	for (const row of rows) console.log(line(row));
}

/**
 * Bundled code gets the __dirname of the output file; the sources expect their own (core/assets.ts finds the
 * migrations from it), so each source file gets its real folder written in.
 */
const sourceDirname = {
	name: 'source-dirname',
	setup(b) {
		b.onLoad({ filter: /\.ts$/ }, (args) => {
			const source = readFileSync(args.path, 'utf8');
			if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
			const contents = source
				.replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path)))
				.replace(/\b__filename\b/g, JSON.stringify(args.path));
			return { contents, loader: 'ts' };
		});
	},
};

async function compile(file) {
	const outfile = path.join(outDir, file.replace(/\.ts$/, '.cjs'));
	await build({
		entryPoints: [path.join(benchDir, file)],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		packages: 'external',
		sourcemap: 'inline',
		plugins: [sourceDirname],
		logLevel: 'warning',
	});
	delete require.cache[outfile];
	const loaded = require(outfile);
	const fn = typeof loaded === 'function' ? loaded : loaded.default;
	if (typeof fn !== 'function')
		throw new Error(`bench/${file} has no default export of a bench function`);
	return fn;
}

async function resolveDatabase() {
	const url =
		process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || fromPgEnv(process.env);
	if (url) return { url, stop: async () => undefined };
	console.log(
		'bench: no BENCH_DATABASE_URL / TEST_DATABASE_URL / PG* given: starting an embedded Postgres (.runtime/bench/pg)',
	);
	const { startEmbeddedPostgres } = await import('./lib/embedded-pg.mjs');
	const pg = await startEmbeddedPostgres({ dir: path.join(outDir, 'pg') });
	return { url: pg.url, stop: pg.stop };
}

async function main() {
	const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
	const available = readdirSync(benchDir)
		.filter((f) => f.endsWith('.bench.ts'))
		.sort();
	const short = (f) => f.replace(/\.bench\.ts$/, '');
	const unknown = names.filter((n) => !available.some((f) => short(f) === short(n)));
	if (unknown.length) {
		console.error(
			`bench: no bench named ${unknown.join(', ')}. Available: ${available.map(short).join(', ') || '(none)'}`,
		);
		process.exit(2);
	}
	const selected = names.length
		? available.filter((f) => names.some((n) => short(n) === short(f)))
		: available;
	if (selected.length === 0) {
		console.log('bench: no bench/*.bench.ts to run');
		return;
	}
	const scale =
		process.env.BENCH_SCALE === undefined || process.env.BENCH_SCALE === ''
			? 1
			: Number(process.env.BENCH_SCALE);
	if (!Number.isFinite(scale) || scale <= 0) {
		console.error(`bench: BENCH_SCALE must be a positive number, got "${process.env.BENCH_SCALE}"`);
		process.exit(2);
	}

	mkdirSync(outDir, { recursive: true });
	const database = await resolveDatabase();
	const startedAt = new Date();
	console.log(
		`bench: ${selected.map(short).join(', ')} at scale ${scale} on ${redact(database.url)}`,
	);

	const results = [];
	const runs = [];
	const tables = [];
	try {
		for (const file of selected) {
			const bench = short(file);
			const started = performance.now();
			const context = {
				databaseUrl: database.url,
				scale,
				log: (line) => console.log(`[${bench}] ${line}`),
				metric: (label, value, unit) => {
					results.push({ bench, kind: 'metric', label, value, unit: unit ?? null });
					console.log(`[${bench}] ${label}: ${formatNumber(value)}${unit ? ` ${unit}` : ''}`);
				},
				ratio: (label, value, goal) => {
					const met = goalMet(value, goal);
					results.push({
						bench,
						kind: 'ratio',
						label,
						value,
						goal: goal ?? null,
						met: met ?? null,
					});
					console.log(
						`[${bench}] ${label}: ${formatNumber(value)}×${goal ? ` (goal ${goal}${met === undefined ? '' : met ? ', met' : ', NOT met'})` : ''}`,
					);
				},
			};
			context.table = (title, rows) => {
				tables.push({
					bench,
					title,
					rows: rows.map((row) => ({ ...row, met: goalMet(row.ratio, row.goal) ?? null })),
				});
			};
			try {
				const fn = await compile(file);
				await fn(context);
				runs.push({ bench, ok: true, seconds: (performance.now() - started) / 1000 });
			} catch (error) {
				console.error(`[${bench}] failed: ${error?.stack ?? error}`);
				runs.push({
					bench,
					ok: false,
					seconds: (performance.now() - started) / 1000,
					error: String(error?.message ?? error),
				});
			}
		}
	} finally {
		await database.stop();
	}

	const rows = results.map((r) => [
		r.bench,
		r.label,
		r.kind === 'ratio'
			? `${formatNumber(r.value)}×`
			: `${formatNumber(r.value)}${r.unit ? ` ${r.unit}` : ''}`,
		r.goal ?? '',
		r.met === null || r.met === undefined ? '' : r.met ? 'yes' : 'NO',
	]);
	for (const run of runs.filter((r) => !r.ok))
		rows.push([run.bench, 'FAILED', '', '', run.error.split('\n')[0]]);
	console.log('');
	printTable(rows);
	for (const table of tables) printMarkdownTable(table);

	const report = {
		startedAt: startedAt.toISOString(),
		finishedAt: new Date().toISOString(),
		scale,
		database: redact(database.url),
		node: process.version,
		cpus: os.cpus().length,
		runs,
		results,
		tables,
	};
	const reportFile = path.join(outDir, 'results.json');
	writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
	console.log(`\nbench: results written to ${path.relative(root, reportFile)}`);
	if (runs.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
