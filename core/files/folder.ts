import { homedir } from 'node:os';
import * as path from 'node:path';
import { ReceivablesError } from '../errors';

/** The sub-folders of the files folder the shipped workflows read and write. */
export const FILE_KINDS = [
	'letters',
	'call-lists',
	'reports',
	'bank-statements',
	'manifests',
] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** n8n's own default for N8N_RESTRICT_FILE_ACCESS_TO (n8n 2): the only folder its file nodes may use. */
export const N8N_DEFAULT_FILES_FOLDER = '~/.n8n-files';

/**
 * The folder n8n lets workflows read and write: the first entry of n8n's N8N_RESTRICT_FILE_ACCESS_TO (entries are
 * separated by ";", "~" is the home folder), ~/.n8n-files when unset. `npm start`, the Docker image and the tests set
 * that variable, so letters, call lists, reports and bank statements land in the same place the file nodes accept.
 */
export function filesFolder(env: Record<string, string | undefined> = process.env): string {
	const configured = (env.N8N_RESTRICT_FILE_ACCESS_TO ?? '')
		.split(';')
		.map((entry) => entry.trim())
		.find((entry) => entry.length > 0);
	const folder = configured ?? N8N_DEFAULT_FILES_FOLDER;
	const expanded = folder.startsWith('~') ? folder.replace('~', homedir()) : folder;
	return path.resolve(expanded);
}

/** The sub-folder of a kind: <files folder>/<kind>. */
export function kindFolder(
	kind: FileKind,
	env: Record<string, string | undefined> = process.env,
): string {
	return path.dirname(filePathFor(kind, 'file', env));
}

/** Where a file of a kind goes: <files folder>/<kind>/<file name>, the name reduced to one safe path segment. */
export function filePathFor(
	kind: FileKind,
	fileName: string,
	env: Record<string, string | undefined> = process.env,
): string {
	if (!(FILE_KINDS as readonly string[]).includes(kind)) {
		throw new ReceivablesError(
			'INVALID_FILE_KIND',
			`Unknown file kind "${kind}"; expected one of ${FILE_KINDS.join(', ')}.`,
			{
				hint: `Type de fichier « ${kind} » inconnu ; attendu : ${FILE_KINDS.join(', ')}.`,
			},
		);
	}
	const name = safeFileName(fileName);
	return path.join(filesFolder(env), kind, name);
}

/** One path segment: no folder separators, no leading dots, no control characters; never empty. */
export function safeFileName(fileName: string): string {
	const cleaned = String(fileName ?? '')
		.replace(/[\\/]+/g, '-')
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f]+/g, '')
		.replace(/^\.+/, '')
		.trim();
	return cleaned.length > 0 ? cleaned : 'file';
}

export interface FolderFile {
	fileName: string;
	filePath: string;
	size: number;
	modifiedAt: string;
}

/** Shell-like pattern (* and ?) over one file name, case-insensitive; a blank pattern matches every file. */
export function fileNameMatches(pattern: string, fileName: string): boolean {
	const p = pattern.trim();
	if (!p) return true;
	const source = p
		.split('')
		.map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
		.join('');
	return new RegExp(`^${source}$`, 'i').test(fileName);
}

/**
 * The files of a kind's folder matching a pattern, oldest first (a bank's statements are imported in the order they
 * came). The folder is created when missing, so the folder to drop files into exists from the first run.
 */
export async function listFolderFiles(
	kind: FileKind,
	pattern = '*',
	env: Record<string, string | undefined> = process.env,
): Promise<{ folder: string; files: FolderFile[] }> {
	const { mkdir, readdir, stat } = await import('node:fs/promises');
	const folder = kindFolder(kind, env);
	await mkdir(folder, { recursive: true });
	const files: FolderFile[] = [];
	for (const entry of await readdir(folder, { withFileTypes: true })) {
		if (!entry.isFile() || entry.name.startsWith('.') || !fileNameMatches(pattern, entry.name))
			continue;
		const filePath = path.join(folder, entry.name);
		const info = await stat(filePath);
		files.push({
			fileName: entry.name,
			filePath,
			size: info.size,
			modifiedAt: info.mtime.toISOString(),
		});
	}
	files.sort(
		(a, b) => a.modifiedAt.localeCompare(b.modifiedAt) || a.fileName.localeCompare(b.fileName),
	);
	return { folder, files };
}

/** filePathFor, with the kind's folder created when missing (n8n's Write File node does not create it). */
export async function preparedFilePath(
	kind: FileKind,
	fileName: string,
	env: Record<string, string | undefined> = process.env,
): Promise<string> {
	const { mkdir } = await import('node:fs/promises');
	const filePath = filePathFor(kind, fileName, env);
	await mkdir(path.dirname(filePath), { recursive: true });
	return filePath;
}

/** Creates the files folder and every kind's sub-folder; returns the files folder. */
export async function prepareFilesFolder(
	env: Record<string, string | undefined> = process.env,
): Promise<string> {
	const { mkdir } = await import('node:fs/promises');
	for (const kind of FILE_KINDS) await mkdir(kindFolder(kind, env), { recursive: true });
	return filesFolder(env);
}
