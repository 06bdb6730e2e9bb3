// Bundles the core and its libraries into dist/core/index.js, so the published package has no runtime
// dependencies (n8n's community-node rules) and installs into any n8n with nothing to fetch. The nodes and
// credentials stay as tsc compiled them and reach the core through that one file.
import { build } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const coreDir = path.join(root, 'dist', 'core');

await build({
	entryPoints: [path.join(coreDir, 'index.js')],
	outfile: path.join(coreDir, 'index.js'),
	allowOverwrite: true,
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'cjs',
	external: ['n8n-workflow', 'pg-native'],
	legalComments: 'linked',
	logLevel: 'warning',
});

// The per-file output of tsc is now inside the bundle: drop it, keep the type declarations.
function prune(dir) {
	for (const name of readdirSync(dir)) {
		const file = path.join(dir, name);
		if (statSync(file).isDirectory()) prune(file);
		else if (file !== path.join(coreDir, 'index.js') && /\.js(\.map)?$/.test(name)) rmSync(file);
	}
}
prune(coreDir);
