import { homedir } from 'node:os';
import * as path from 'node:path';
import { filePathFor, filesFolder, safeFileName } from './folder';

describe('filesFolder', () => {
	test("n8n's default when N8N_RESTRICT_FILE_ACCESS_TO is unset or blank", () => {
		expect(filesFolder({})).toBe(path.join(homedir(), '.n8n-files'));
		expect(filesFolder({ N8N_RESTRICT_FILE_ACCESS_TO: ' ; ' })).toBe(
			path.join(homedir(), '.n8n-files'),
		);
	});
	test('the first entry of the variable, ~ expanded', () => {
		expect(filesFolder({ N8N_RESTRICT_FILE_ACCESS_TO: '/srv/files;/tmp/other' })).toBe(
			'/srv/files',
		);
		expect(filesFolder({ N8N_RESTRICT_FILE_ACCESS_TO: '~/data/files' })).toBe(
			path.join(homedir(), 'data', 'files'),
		);
		expect(filesFolder({ N8N_RESTRICT_FILE_ACCESS_TO: ' /srv/files/ ' })).toBe('/srv/files');
	});
});

describe('filePathFor', () => {
	const env = { N8N_RESTRICT_FILE_ACCESS_TO: '/srv/files' };
	test("a kind's sub-folder of the files folder", () => {
		expect(filePathFor('letters', 'relance-F1.pdf', env)).toBe('/srv/files/letters/relance-F1.pdf');
		expect(filePathFor('call-lists', 'appels.csv', env)).toBe('/srv/files/call-lists/appels.csv');
	});
	test('a file name never leaves its folder', () => {
		expect(filePathFor('reports', '../../etc/passwd', env)).toBe(
			'/srv/files/reports/-..-etc-passwd',
		);
		expect(path.dirname(filePathFor('reports', '..', env))).toBe('/srv/files/reports');
		expect(filePathFor('reports', '', env)).toBe('/srv/files/reports/file');
		expect(safeFileName('a\u0000b/c')).toBe('ab-c');
	});
	test('an unknown kind is refused', () => {
		expect(() => filePathFor('secrets' as never, 'x', env)).toThrow(/Unknown file kind/);
	});
});

describe('listFolderFiles', () => {
	test('creates the folder, then lists matching files oldest first', async () => {
		const { mkdtemp, writeFile, utimes } = await import('node:fs/promises');
		const { tmpdir } = await import('node:os');
		const { listFolderFiles } = await import('./folder');
		const root = await mkdtemp(path.join(tmpdir(), 'files-'));
		const env = { N8N_RESTRICT_FILE_ACCESS_TO: root };
		expect(await listFolderFiles('bank-statements', '*.csv', env)).toEqual({
			folder: path.join(root, 'bank-statements'),
			files: [],
		});
		await writeFile(path.join(root, 'bank-statements', 'b.CSV'), 'x');
		await writeFile(path.join(root, 'bank-statements', 'a.csv'), 'yy');
		await writeFile(path.join(root, 'bank-statements', 'notes.txt'), 'z');
		await utimes(
			path.join(root, 'bank-statements', 'b.CSV'),
			new Date('2026-01-01'),
			new Date('2026-01-01'),
		);
		const { files } = await listFolderFiles('bank-statements', '*.csv', env);
		expect(files.map((f) => [f.fileName, f.size])).toEqual([
			['b.CSV', 1],
			['a.csv', 2],
		]);
		expect(files[0].filePath).toBe(path.join(root, 'bank-statements', 'b.CSV'));
	});
});
