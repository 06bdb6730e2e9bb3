/**
 * Every bench is a file `bench/<area>.bench.ts` whose default export is a BenchFn. `npm run bench` runs them
 * one after another and prints what they report. Benches report ratios against a reference measured in the
 * same process (raw COPY, raw nodemailer, n8n's own nodes), never absolute pass/fail timings.
 */
export interface BenchContext {
	/** A Postgres database the bench may create schemas in (and must drop them afterwards). */
	databaseUrl: string;
	/** 1 by default; BENCH_SCALE=0.1 runs a tenth of the volumes for a quick look. */
	scale: number;
	log(line: string): void;
	/** A measured figure, e.g. metric('rows/s', 139000). */
	metric(label: string, value: number | string, unit?: string): void;
	/** A ratio with the goal it is read against, e.g. ratio('core vs COPY', 0.62, '≥ 0.5×'). */
	ratio(label: string, value: number, goal?: string): void;
	/**
	 * A table printed after the run's figures (and kept in results.json), one row a compared flow; `met` is read
	 * from `ratio` and `goal` as for ratio().
	 */
	table?(title: string, rows: BenchTableRow[]): void;
}

/** One row of a bench's table: what ran, on how many rows, the package's figure, the reference's, the ratio. */
export interface BenchTableRow {
	flow: string;
	rows: number | string;
	package: string;
	reference: string;
	/** The compared figure (× unless `unit` says otherwise, e.g. 'MB' for a peak RSS read against '≤ 300 MB'). */
	ratio?: number;
	unit?: string;
	goal?: string;
}

export type BenchFn = (ctx: BenchContext) => Promise<void>;
