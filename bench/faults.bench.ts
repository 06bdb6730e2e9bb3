import { spawn } from 'node:child_process';
import path from 'node:path';
import type { BenchFn } from './lib/types';

/**
 * The long fault run: the queue-mode fault test (test/queue/faults.test.ts: n8n main + workers on Redis, the ledger
 * on an embedded Postgres restarted during the run, a counting SMTP sink) with thousands of reminders, about twenty
 * worker kills -9 and SMTP faults (451, connection cut after DATA, 554), re-run until nothing is left. Prints the
 * table: delivered once, duplicates, never delivered (the 554-refused, by design). Needs a build (the package is
 * packed from dist/), Redis on 127.0.0.1:6379 and the n8n runtime. BENCH_SCALE scales the volumes (0.1: 300
 * reminders, 2 kills). Not a timing: its figures are counts.
 */
const bench: BenchFn = async (ctx) => {
	const root = path.resolve(__dirname, '..');
	const invoices = Math.max(100, Math.round(3000 * ctx.scale));
	const kills = Math.max(1, Math.round(20 * ctx.scale));
	const smtp = Math.max(0, Math.round(21 * ctx.scale));
	ctx.log(
		`faults: ${invoices} reminders, ${kills} worker kills, 1 Postgres restart, ${smtp} SMTP faults (this takes minutes)`,
	);
	const output = await new Promise<string>((resolve, reject) => {
		const child = spawn(
			process.execPath,
			[
				path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
				'--selectProjects',
				'queue',
				'--',
				'test/queue/faults.test.ts',
				'-t',
				'reminders',
			],
			{
				cwd: root,
				env: {
					...process.env,
					FAULTS_INVOICES: String(invoices),
					FAULTS_KILLS: String(kills),
					FAULTS_PG_RESTARTS: '1',
					FAULTS_SMTP: String(smtp),
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let text = '';
		child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			for (const line of chunk.toString().split('\n'))
				if (line.startsWith('[faults]')) ctx.log(line.slice('[faults] '.length));
		});
		child.on('error', reject);
		child.on('close', () => resolve(text));
	});
	const match = output.match(/\[faults\] RESULT (\{.*\})/);
	if (!match) {
		ctx.log(output.split('\n').slice(-40).join('\n'));
		throw new Error('the fault run printed no result (see its output above)');
	}
	const row = JSON.parse(match[1]) as {
		invoices: number;
		faults: string;
		deliveredOnce: number;
		duplicates: number;
		neverDelivered: number;
		refused5xx: number;
		rounds: number;
	};
	ctx.log('| run | faults | delivered once | duplicates | never delivered |');
	ctx.log('|---|---|---|---|---|');
	ctx.log(
		`| ${row.invoices} reminders | ${row.faults} | ${row.deliveredOnce.toLocaleString('en-US')} | ${row.duplicates} | ${row.neverDelivered}${row.refused5xx ? ` (${row.refused5xx} are 554, by design)` : ''} |`,
	);
	ctx.metric('delivered once', row.deliveredOnce);
	ctx.metric('duplicates', row.duplicates);
	ctx.metric('never delivered, not refused 5xx', row.neverDelivered - row.refused5xx);
	ctx.metric('extra runs to finish', row.rounds);
	ctx.log(
		/Tests:.*failed/.test(output)
			? 'faults: the run FAILED its checks (see above)'
			: 'faults: every check of the run held',
	);
};

export default bench;
