/**
 * Store Invoices From File in one process: the node's own operation (storeInvoicesFromFile.operation.ts, its
 * summary output) run over a CSV export on disk, the binary read as a stream as n8n gives it, into a fresh
 * ledger of 1,000 customers. The CSV is the one `real-n8n` writes (same columns, numbers and customers).
 * Reported: rows/s, peak RSS and used-heap high-water (sampled every 10 ms) above what the process held before,
 * peak RSS in the first tenth of the run against the whole run, garbage collections (count and time by kind),
 * and time per row at a tenth of the rows against the whole file (fixed costs per file).
 * Sizes: 200k rows at BENCH_SCALE=1 (BENCH_FILE_ROWS overrides); run with NODE_OPTIONS=--expose-gc for the
 * live heap after a forced collection.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { Session } from 'node:inspector';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { Ledger } from '../core';
import { operation } from '../nodes/InvoiceIntake/actions/storeInvoicesFromFile.operation';
import { closeLedgers } from '../nodes/shared/transport/ledger';
import type { Failure, Result } from '../nodes/shared/operation';
import { upsertBenchCustomers, writeCsv } from './lib/invoiceFiles';
import { freshLedger } from './lib/ledgers';
import { dropSchemas } from './lib/schemas';
import type { BenchContext, BenchFn } from './lib/types';

/** Just what the operation asks of n8n: its parameters, the ledger credential, the file as a stream. */
function context(
	databaseUrl: string,
	schema: string,
	file: string,
	fileOptions: IDataObject,
): IExecuteFunctions {
	const url = new URL(databaseUrl);
	const credential = {
		host: url.hostname,
		port: Number(url.port || 5432),
		database: url.pathname.slice(1),
		user: decodeURIComponent(url.username),
		password: decodeURIComponent(url.password),
		ssl: 'disable',
		schema,
	};
	const binary = { id: 'bench', fileName: path.basename(file), mimeType: 'text/csv', data: '' };
	return {
		getNodeParameter: (name: string, _i: number, fallback: unknown) =>
			name === 'fileOptions' ? fileOptions : name === 'binaryPropertyName' ? 'data' : fallback,
		getNode: () => ({ name: 'Invoice Intake', typeVersion: 3, type: 'invoiceIntake' }),
		getWorkflow: () => ({ id: 'bench' }),
		getCredentials: async () => credential,
		continueOnFail: () => false,
		helpers: {
			assertBinaryData: () => binary,
			getBinaryStream: async () => createReadStream(file, { highWaterMark: 64 * 1024 }),
			getBinaryDataBuffer: async () => {
				throw new Error('the bench streams the file');
			},
		},
	} as unknown as IExecuteFunctions;
}

interface AllocNode {
	callFrame: { functionName: string; url: string; lineNumber: number };
	selfSize: number;
	children: AllocNode[];
}

interface Run {
	ms: number;
	peakRssMb: number;
	peakRssTenthMb: number;
	peakHeapMb: number;
	baseRssMb: number;
	baseHeapMb: number;
	gc: Record<string, { count: number; ms: number }>;
	liveHeapMb?: number;
	summary: IDataObject;
}

async function runFile(
	ctx: BenchContext,
	ledger: Ledger,
	file: string,
	rows: number,
	fileOptions: IDataObject,
): Promise<Run> {
	await ledger.query('TRUNCATE invoices, history CASCADE');
	await ledger.query('ANALYZE invoices');
	global.gc?.();
	const baseRssMb = process.memoryUsage().rss / 1048576;
	const baseHeapMb = process.memoryUsage().heapUsed / 1048576;
	const samples: Array<{ t: number; rss: number; heap: number }> = [];
	const sample = () => {
		const m = process.memoryUsage();
		samples.push({ t: performance.now(), rss: m.rss / 1048576, heap: m.heapUsed / 1048576 });
	};
	const gc: Record<string, { count: number; ms: number }> = {};
	const kinds: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak' };
	const observer = new PerformanceObserver((list) => {
		for (const e of list.getEntries()) {
			const kind =
				kinds[(e as unknown as { detail?: { kind: number } }).detail?.kind ?? 0] ?? 'other';
			gc[kind] ??= { count: 0, ms: 0 };
			gc[kind].count++;
			gc[kind].ms += e.duration;
		}
	});
	observer.observe({ entryTypes: ['gc'] });
	const timer = setInterval(sample, 10);
	const self = context(ctx.databaseUrl, ledger.schema as string, file, fileOptions);
	const items: INodeExecutionData[] = [{ json: {} }];
	// BENCH_FILE_ALLOC=1: a sampling allocation profile of the whole file's run (collected objects included),
	// self bytes per function printed.
	const session = process.env.BENCH_FILE_ALLOC && rows >= 10_000 ? new Session() : undefined;
	const post = (method: string, params?: object) =>
		new Promise<unknown>((resolve, reject) =>
			session?.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
		);
	if (session) {
		session.connect();
		await post('HeapProfiler.startSampling', {
			samplingInterval: 2048,
			includeObjectsCollectedByMajorGC: true,
			includeObjectsCollectedByMinorGC: true,
		});
	}
	const started = performance.now();
	sample();
	// BENCH_FILE_SNAPSHOT=<ms>: a heap snapshot that far into the whole file's run (what is alive at that moment).
	const snapshotAt = Number(process.env.BENCH_FILE_SNAPSHOT);
	const snapshot =
		snapshotAt && rows >= 10_000
			? setTimeout(() => ctx.log(`heap snapshot ${writeHeapSnapshot()}`), snapshotAt)
			: undefined;
	const results = (await operation.batch.call(self, items)) as Array<Result | Failure>;
	const ms = performance.now() - started;
	sample();
	clearInterval(timer);
	clearTimeout(snapshot);
	if (session) {
		const { profile } = (await post('HeapProfiler.stopSampling')) as {
			profile: { head: AllocNode };
		};
		session.disconnect();
		const self = new Map<string, number>();
		const walk = (node: AllocNode): void => {
			const f = node.callFrame;
			const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|csv-mem[^/]*)\//, '')}:${f.lineNumber + 1}`;
			self.set(key, (self.get(key) ?? 0) + node.selfSize);
			node.children.forEach(walk);
		};
		walk(profile.head);
		const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30);
		for (const [key, bytes] of top) ctx.log(`alloc ${Math.round(bytes / rows)} B/row ${key}`);
	}
	await new Promise((r) => setImmediate(r));
	observer.disconnect();
	const summary = (results.find((r) => 'json' in r && r.output !== 'Rejected') as Result)?.json;
	if (!summary || summary.created !== rows)
		throw new Error(`stored ${JSON.stringify(summary)} of ${rows} rows`);
	let liveHeapMb: number | undefined;
	if (global.gc) {
		global.gc();
		liveHeapMb = process.memoryUsage().heapUsed / 1048576 - baseHeapMb;
	}
	const tenth = started + ms / 10;
	return {
		ms,
		peakRssMb: Math.max(...samples.map((s) => s.rss)),
		peakRssTenthMb: Math.max(...samples.filter((s) => s.t <= tenth).map((s) => s.rss)),
		peakHeapMb: Math.max(...samples.map((s) => s.heap)),
		baseRssMb,
		baseHeapMb,
		gc,
		liveHeapMb,
		summary,
	};
}

const bench: BenchFn = async (ctx: BenchContext) => {
	const rows =
		Number(process.env.BENCH_FILE_ROWS) || Math.max(10_000, Math.round(200_000 * ctx.scale));
	const small = Math.max(1_000, Math.round(rows / 10));
	const fileOptions: IDataObject = process.env.BENCH_FILE_BATCH
		? { batchSize: Number(process.env.BENCH_FILE_BATCH) }
		: {};
	const schemas: string[] = [];
	const dir = mkdtempSync(path.join(os.tmpdir(), 'intake-file-'));
	let ledger: Ledger | undefined;
	try {
		ledger = await freshLedger(ctx, schemas, 'file');
		await upsertBenchCustomers(ledger);
		const whole = path.join(dir, 'whole.csv');
		const tenth = path.join(dir, 'tenth.csv');
		await writeCsv(whole, 'FW', rows);
		await writeCsv(tenth, 'FT', small);
		ctx.log(`intake-file: ${rows} and ${small} CSV rows, options ${JSON.stringify(fileOptions)}`);
		// The first execution pays the process's warm-up (compilation, pools): run the small file once before.
		await runFile(ctx, ledger, tenth, small, fileOptions);
		const s = await runFile(ctx, ledger, tenth, small, fileOptions);
		const w = await runFile(ctx, ledger, whole, rows, fileOptions);
		const gcText = (g: Run['gc']) =>
			Object.entries(g)
				.map(([k, v]) => `${k} ${v.count} (${Math.round(v.ms)} ms)`)
				.join(', ');
		ctx.log(`whole file: gc ${gcText(w.gc)}; tenth: gc ${gcText(s.gc)}`);
		ctx.metric(`rows/s, ${rows} rows`, Math.round((rows / w.ms) * 1000));
		ctx.metric(`rows/s, ${small} rows`, Math.round((small / s.ms) * 1000));
		ctx.metric(`seconds, ${rows} rows`, (w.ms / 1000).toFixed(2));
		ctx.metric('peak RSS above the start', Math.round(w.peakRssMb - w.baseRssMb), 'MB');
		ctx.metric('peak RSS', Math.round(w.peakRssMb), 'MB');
		ctx.metric('peak RSS, first tenth of the run', Math.round(w.peakRssTenthMb), 'MB');
		ctx.metric(
			'used heap high-water above the start',
			Math.round(w.peakHeapMb - w.baseHeapMb),
			'MB',
		);
		if (w.liveHeapMb !== undefined)
			ctx.metric('live heap after the run (forced GC)', w.liveHeapMb.toFixed(1), 'MB');
		ctx.ratio('peak RSS, whole run vs first tenth', w.peakRssMb / w.peakRssTenthMb, '≤ 1.2×');
		ctx.ratio(`time per row, ${small} vs ${rows} rows`, s.ms / small / (w.ms / rows), '≤ 1.2×');
	} finally {
		await closeLedgers();
		await ledger?.close();
		rmSync(dir, { recursive: true, force: true });
		await dropSchemas(ctx.databaseUrl, schemas);
	}
};

export default bench;
