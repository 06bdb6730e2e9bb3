import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { FILE_KINDS, kindFolder, listFolderFiles, prepareFilesFolder } from '../../../core';
import { batch } from '../../shared/operation';

const FOLDER_NAMES: Record<string, string> = {
	letters: 'Letters (letters/)',
	'call-lists': 'Call Lists (call-lists/)',
	reports: 'Reports (reports/)',
	'bank-statements': 'Bank Statements (bank-statements/)',
	manifests: 'Manifests (manifests/)',
};

const properties: INodeProperties[] = [
	{
		displayName:
			'The folder n8n lets workflows read and write (N8N_RESTRICT_FILE_ACCESS_TO, set by npm start and the Docker image). Use its path in Read/Write Files from Disk: {{ $json.filePath }} or {{ $json.folder }}.',
		name: 'filesFolderNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Folder',
		name: 'kind',
		type: 'options',
		options: FILE_KINDS.map((kind) => ({ name: FOLDER_NAMES[kind] ?? kind, value: kind })),
		default: 'reports',
		description: 'Sub-folder of the files folder',
	},
	{
		displayName: 'List Files',
		name: 'listFiles',
		type: 'boolean',
		default: false,
		description:
			'Whether to output one item per file of the folder (oldest first) instead of the folder alone',
	},
	{
		displayName: 'File Name Pattern',
		name: 'pattern',
		type: 'string',
		default: '*',
		placeholder: '*.csv',
		description: 'Files to list: * stands for any characters, ? for one',
		displayOptions: { show: { listFiles: [true] } },
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['filesFolder'] } },
	properties,
);

/** Output 1: the folder (or its files); output 2: why there is nothing, when listing found no file. */
export const operation = batch({
	outputs: [
		{
			name: 'Files',
			meaning: 'The folder of this kind of file (or one item per file found in it)',
		},
		{
			name: 'Nothing Found',
			meaning: 'No file matches the pattern in the folder: nothing to read today',
		},
	],
	async batch() {
		const kind = this.getNodeParameter('kind', 0, 'reports') as (typeof FILE_KINDS)[number];
		await prepareFilesFolder();
		const folder = kindFolder(kind);
		if (!(this.getNodeParameter('listFiles', 0, false) as boolean))
			return [{ json: { kind, folder } }];
		const pattern = String(this.getNodeParameter('pattern', 0, '*') ?? '*');
		const listed = await listFolderFiles(kind, pattern);
		if (listed.files.length === 0) {
			const message = `No file matching "${pattern}" in ${listed.folder}: nothing to read today.`;
			const messageFr = `Aucun fichier « ${pattern} » dans ${listed.folder} : rien à lire aujourd'hui.`;
			return [
				{
					output: 'Nothing Found',
					json: { kind, folder: listed.folder, pattern, files: 0, message, messageFr },
				},
			];
		}
		return listed.files.map((file) => ({
			json: { kind, folder: listed.folder, ...file } as IDataObject,
		}));
	},
});
