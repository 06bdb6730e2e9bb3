#!/bin/sh
# Installs a packed n8n-nodes-receivables tarball into an n8n nodes folder with the same steps as n8n's community
# package installer (CommunityPackagesService.downloadPackage): unpack into <nodes>/node_modules/<name>, strip
# dev/peer/optional dependencies, `npm install --ignore-scripts` inside, record the version in <nodes>/package.json.
# n8n then loads the package from <nodes>/node_modules and its node types are n8n-nodes-receivables.<node>.
#
# Usage: install-package.sh <n8n-nodes-receivables-x.y.z.tgz | folder holding exactly one> <nodes folder>
set -eu

source_path=${1:?usage: install-package.sh <tarball or folder> <nodes folder>}
nodes=${2:?usage: install-package.sh <tarball or folder> <nodes folder>}

if [ -d "$source_path" ]; then
	set -- "$source_path"/n8n-nodes-receivables-*.tgz
	if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
		echo "install-package: expected exactly one n8n-nodes-receivables-<version>.tgz in $source_path, found: $*" >&2
		echo "install-package: build it with: npm ci && npm run build && npm pack --pack-destination docker/" >&2
		exit 1
	fi
	tarball=$1
else
	tarball=$source_path
fi

pkg="$nodes/node_modules/n8n-nodes-receivables"
rm -rf "$pkg"
mkdir -p "$pkg"
tar -xzf "$tarball" -C "$pkg" --strip-components=1

node - "$pkg" "$nodes" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [pkgDir, nodesDir] = process.argv.slice(2);
const file = path.join(pkgDir, 'package.json');
const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(file, 'utf8'));
fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
const missing = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? []), pkg.main]
	.filter((rel) => rel && !fs.existsSync(path.join(pkgDir, rel)));
if (missing.length) {
	console.error(`install-package: the tarball lacks ${missing.join(', ')}; run npm run build before npm pack.`);
	process.exit(1);
}
const ledgerFile = path.join(nodesDir, 'package.json');
let ledger = { name: 'installed-nodes', private: true, dependencies: {} };
try {
	const current = JSON.parse(fs.readFileSync(ledgerFile, 'utf8'));
	if (current && typeof current.dependencies === 'object') ledger = current;
} catch {}
ledger.dependencies[pkg.name] = pkg.version;
fs.writeFileSync(ledgerFile, JSON.stringify(ledger, null, 2));
console.log(`install-package: ${pkg.name}@${pkg.version} → ${pkgDir} (${(pkg.n8n?.nodes ?? []).length} nodes)`);
JS

cd "$pkg"
npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow --ignore-scripts=true \
	--package-lock=false --omit=dev --no-update-notifier
