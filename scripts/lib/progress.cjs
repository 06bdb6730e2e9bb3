// Progress of a long install, measured rather than guessed: the packages npm has written into a node_modules
// folder, against the count the lock file (or a previous install) announces; with a percentage and an estimate of
// the time left from the pace so far.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** Packages (folders with a package.json) under a node_modules folder, nested ones included. */
function countPackages(nodeModules) {
	let count = 0;
	const visit = (dir, depth) => {
		let entries;
		try {
			entries = readdirSync(dir, { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of entries) {
			if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
			const full = path.join(dir, entry.name);
			if (entry.name.startsWith('@')) {
				visit(full, depth);
				continue;
			}
			if (existsSync(path.join(full, 'package.json'))) count++;
			if (depth < 6) visit(path.join(full, 'node_modules'), depth + 1);
		}
	};
	visit(nodeModules, 0);
	return count;
}

/** Packages a package-lock.json installs (undefined when there is none). */
function lockedPackageCount(lockFile) {
	try {
		const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
		return (
			Object.keys(lock.packages ?? {}).filter((key) => key.startsWith('node_modules/')).length ||
			undefined
		);
	} catch {
		return undefined;
	}
}

function duration(seconds) {
	const s = Math.max(0, Math.round(seconds));
	return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** "612 of 1,548 packages (40 %), 1 min 05 s so far, about 1 min 40 s left" */
function progressLine({ done, total, elapsedMs, label = 'packages' }) {
	const seconds = elapsedMs / 1000;
	const n = (x) => x.toLocaleString('en-US');
	if (!total) return `${n(done)} ${label}, ${duration(seconds)} so far`;
	const share = Math.min(99, Math.floor((done / total) * 100));
	const left = done > 0 && done < total ? ((total - done) * seconds) / done : undefined;
	return `${n(Math.min(done, total))} of ${done > total ? 'about ' : ''}${n(total)} ${label} (${share} %), ${duration(seconds)} so far${left !== undefined && seconds > 10 ? `, about ${duration(left)} left` : ''}`;
}

/** Logs progressLine every `everyMs` while `promise` runs; returns what it resolves to. */
async function withProgress(promise, { nodeModules, total, log, prefix = '', everyMs = 10_000 }) {
	const started = Date.now();
	const timer = setInterval(
		() =>
			log(
				`${prefix}${progressLine({ done: countPackages(nodeModules), total, elapsedMs: Date.now() - started })}`,
			),
		everyMs,
	);
	try {
		return await promise;
	} finally {
		clearInterval(timer);
	}
}

module.exports = { countPackages, lockedPackageCount, progressLine, withProgress, duration };
