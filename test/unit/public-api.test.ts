/**
 * The programmatic API is an explicit list (core/index.ts), and the README's "Programmatic API" table names only
 * what that list exports.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '../../core';

const root = path.join(__dirname, '..', '..');

function readmeEntryPoints(): string[] {
	const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
	const section = readme.slice(
		readme.indexOf('## Programmatic API'),
		readme.indexOf('### Bank statements'),
	);
	const table = section
		.split('\n')
		.filter(
			(line) => line.startsWith('| ') && !line.startsWith('| Group') && !line.startsWith('| ---'),
		);
	return table.flatMap((line) =>
		[...line.split('|')[2].matchAll(/`([A-Za-z]\w*)/g)].map((m) => m[1]),
	);
}

test('core/index.ts lists its public names: no export *', () => {
	const index = readFileSync(path.join(root, 'core', 'index.ts'), 'utf8');
	expect(index).not.toMatch(/export \*/);
	// Every group has its one-line comment.
	for (const block of index.split(/\n\n/).filter((b) => /^export /m.test(b)))
		expect(block).toMatch(/^\/\/ \w/);
});

test("every entry point of the README's Programmatic API table is exported, as a function or a class", () => {
	const names = readmeEntryPoints();
	expect(names.length).toBeGreaterThan(60);
	const exported = core as unknown as Record<string, unknown>;
	expect(names.filter((name) => typeof exported[name] !== 'function')).toEqual([]);
});
