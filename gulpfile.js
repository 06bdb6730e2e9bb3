// Copies what tsc does not: node icons, codex files and the ledger's SQL migrations.
const { src, dest, parallel } = require('gulp');

function icons() {
	return src(['nodes/**/*.{svg,png}', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

function codex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function ledgerFiles() {
	return src(['core/**/*.sql', 'core/**/*.json', 'core/**/*.ttf'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports.build = parallel(icons, codex, ledgerFiles);
exports.default = exports.build;
