import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ReceivablesError } from './errors';

let root: string | undefined;

/**
 * Files the core ships beside its code (SQL migrations, rate tables, calendars, fonts). They are found
 * from the core's own folder, in the sources, in the compiled output and in the bundled package alike.
 */
export function coreAssetPath(...segments: string[]): string {
	if (!root) {
		let dir = __dirname;
		while (!existsSync(path.join(dir, 'ledger', 'migrations'))) {
			const up = path.dirname(dir);
			if (up === dir) {
				throw new ReceivablesError(
					'PACKAGE_INCOMPLETE',
					'The ledger migrations of n8n-nodes-receivables cannot be found next to its code.',
					{
						hint: 'Reinstall the package: its dist/core/ledger/migrations folder is missing.',
					},
				);
			}
			dir = up;
		}
		root = dir;
	}
	return path.join(root, ...segments);
}
