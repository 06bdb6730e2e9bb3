// The first start's progress lines: packages counted on disk against the lock file, a percentage, the time left.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const progress = require('../../scripts/lib/progress.cjs') as {
	countPackages(dir: string): number;
	lockedPackageCount(file: string): number | undefined;
	progressLine(o: { done: number; total?: number; elapsedMs: number }): string;
};

test('counts the packages written, scoped and nested ones included', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'progress-'));
	const pkg = (dir: string) => {
		mkdirSync(dir, { recursive: true });
		writeFileSync(path.join(dir, 'package.json'), '{}');
	};
	pkg(path.join(root, 'a'));
	pkg(path.join(root, '@scope', 'b'));
	pkg(path.join(root, 'a', 'node_modules', 'c'));
	mkdirSync(path.join(root, 'half-extracted'));
	mkdirSync(path.join(root, '.bin'));
	expect(progress.countPackages(root)).toBe(3);
	expect(progress.countPackages(path.join(root, 'missing'))).toBe(0);
});

test('the lock file says how many packages to expect', () => {
	const root = mkdtempSync(path.join(os.tmpdir(), 'progress-'));
	writeFileSync(
		path.join(root, 'package-lock.json'),
		JSON.stringify({
			packages: {
				'': {},
				'node_modules/a': {},
				'node_modules/@s/b': {},
				'node_modules/a/node_modules/c': {},
			},
		}),
	);
	expect(progress.lockedPackageCount(path.join(root, 'package-lock.json'))).toBe(3);
	expect(progress.lockedPackageCount(path.join(root, 'none.json'))).toBeUndefined();
});

test('a line with counts, a percentage and the time left', () => {
	expect(progress.progressLine({ done: 612, total: 1548, elapsedMs: 65_000 })).toBe(
		'612 of 1,548 packages (39 %), 1 min 05 s so far, about 1 min 39 s left',
	);
	expect(progress.progressLine({ done: 0, total: 1548, elapsedMs: 5_000 })).toBe(
		'0 of 1,548 packages (0 %), 5 s so far',
	);
	expect(progress.progressLine({ done: 1600, total: 1548, elapsedMs: 90_000 })).toBe(
		'1,548 of about 1,548 packages (99 %), 1 min 30 s so far',
	);
	expect(progress.progressLine({ done: 10, elapsedMs: 3_000 })).toBe('10 packages, 3 s so far');
});
