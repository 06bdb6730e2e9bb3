/**
 * The text of a PDF, read by poppler's pdftotext (what a person would copy from the page), for every test that
 * checks what a letter, call list, manifest or report says.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const INSTALL =
	'Install poppler-utils (Debian/Ubuntu: apt-get install poppler-utils; macOS: brew install poppler) and run the tests again.';

/**
 * `pdf` is the file's bytes or its path. `layout` keeps the page's columns (pdftotext -layout), as the checks of
 * tables expect. Throws a clear error when pdftotext is not installed or cannot read the file.
 */
export function pdfText(pdf: Uint8Array | string, options: { layout?: boolean } = {}): string {
	const fromFile = typeof pdf === 'string';
	const args = [
		...(options.layout === false ? [] : ['-layout']),
		'-enc',
		'UTF-8',
		fromFile ? pdf : '-',
		'-',
	];
	const result = spawnSync('pdftotext', args, fromFile ? {} : { input: Buffer.from(pdf) });
	if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
		throw new Error(
			`pdftotext is not installed: the PDF checks read the text of the PDFs with it. ${INSTALL}`,
		);
	}
	if (result.error) throw result.error;
	if (result.status !== 0)
		throw new Error(
			`pdftotext could not read the PDF${fromFile ? ` ${pdf}` : ''}: ${result.stderr.toString().trim()}`,
		);
	return result.stdout.toString('utf8');
}

/** The images of a PDF as poppler's pdfimages lists them (one entry per image drawn: its pixel size and type). */
export function pdfImages(
	pdf: Uint8Array,
): Array<{ page: number; width: number; height: number; type: string }> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'pdfimages-'));
	const file = path.join(dir, 'doc.pdf');
	writeFileSync(file, pdf);
	const result = spawnSync('pdfimages', ['-list', file]);
	rmSync(dir, { recursive: true, force: true });
	if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT')
		throw new Error(
			`pdfimages is not installed: the logo checks list the images of the PDFs with it. ${INSTALL}`,
		);
	if (result.error) throw result.error;
	if (result.status !== 0)
		throw new Error(`pdfimages could not read the PDF: ${result.stderr.toString().trim()}`);
	// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio, after two heading lines
	return result.stdout
		.toString('utf8')
		.split('\n')
		.slice(2)
		.filter((l) => l.trim())
		.map((l) => {
			const [page, , type, width, height] = l.trim().split(/\s+/);
			return { page: Number(page), type, width: Number(width), height: Number(height) };
		});
}
