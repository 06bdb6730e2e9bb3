// Copies what tsc does not: node icons, codex files, and the files the core ships (SQL migrations, JSON tables and templates, fonts with their licences).
const { src, dest, parallel } = require('gulp');

function icons() {
	return src(['nodes/**/*.{svg,png}', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function codex() {
	return src('nodes/**/*.node.json', { base: '.' }).pipe(dest('dist'));
}

function ledgerFiles() {
	return src(['core/**/*.sql', 'core/**/*.json', 'core/**/*.ttf', 'core/**/LICENSE*'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.build = parallel(icons, codex, ledgerFiles);
exports.default = exports.build;
