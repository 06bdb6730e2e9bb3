import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
	attachmentFileName,
	attachmentLabel,
	checkUpload,
	payerRequestBody,
	sniffAttachmentType,
	uploadsFromParsedFiles,
} from './attachments';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);

describe('payer attachments', () => {
	it('reads the type from the first bytes only: PDF, PNG, JPEG; anything else is none', () => {
		expect([PDF, PNG, JPEG].map(sniffAttachmentType)).toEqual([
			'application/pdf',
			'image/png',
			'image/jpeg',
		]);
		for (const other of [
			'<html><script>alert(1)</script>',
			'<svg onload=alert(1)>',
			'MZ\x90\x00 program',
			'PK\x03\x04 zip',
			'#!/bin/sh',
			' %PDF-1.4 late header',
			'GIF89a',
		]) {
			expect([other, sniffAttachmentType(Buffer.from(other, 'latin1'))]).toEqual([
				other,
				undefined,
			]);
		}
		expect(sniffAttachmentType(Buffer.alloc(0))).toBeUndefined();
	});

	it('keeps one harmless file name, with the extension of the type read', () => {
		expect(attachmentFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
		expect(attachmentFileName('C:\\Users\\me\\Reçu n°12.PDF', 'application/pdf')).toBe(
			'Recu n_12.pdf',
		);
		expect(attachmentFileName('photo.exe', 'image/jpeg')).toBe('photo.jpg');
		expect(attachmentFileName('.htaccess', 'image/png')).toBe('htaccess.png');
		expect(attachmentFileName('a\u0000b\r\nContent-Type: text-html.pdf', 'application/pdf')).toBe(
			'a_b_Content-Type_ text-html.pdf',
		);
		expect(attachmentFileName('', 'application/pdf')).toBe('document.pdf');
		expect(attachmentFileName('x'.repeat(300), 'application/pdf')).toHaveLength(104);
		expect(
			attachmentLabel(
				{ attachmentId: '1', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 1536 },
				'fr',
			),
		).toBe('a.pdf (PDF, 2 Ko)');
		expect(
			attachmentLabel(
				{
					attachmentId: '1',
					fileName: 'a.png',
					contentType: 'image/png',
					sizeBytes: 2.5 * 1024 * 1024,
				},
				'en',
			),
		).toBe('a.png (PNG, 2.5 MB)');
	});

	it('checks an upload: none, too large (413), another type (415), several (400), empty (400), or the file', () => {
		expect(checkUpload(undefined, 100, 'en')).toBeUndefined();
		expect(checkUpload([{ field: 'file', fileName: '', size: 0 }], 100, 'en')).toBeUndefined();
		expect(
			checkUpload(
				[{ field: 'other', fileName: 'a.pdf', size: PDF.length, content: PDF }],
				100,
				'en',
			),
		).toBeUndefined();
		expect(
			checkUpload([{ field: 'file', fileName: 'a.pdf', size: 5000, tooLarge: true }], 1024, 'en'),
		).toEqual({
			ok: false,
			status: 413,
			error: expect.stringMatching(
				/^The file \(5 KB\) is over the limit of 1 KB\. Nothing was recorded\./,
			),
		});
		expect(
			checkUpload([{ field: 'file', fileName: 'a.pdf', size: PDF.length, content: PDF }], 10, 'fr'),
		).toEqual({
			ok: false,
			status: 413,
			error: expect.stringMatching(
				/^Le fichier dépasse la limite de 1 Ko\. Rien n'est enregistré\./,
			),
		});
		expect(
			checkUpload(
				[{ field: 'file', fileName: 'a.pdf', size: 6, content: Buffer.from('<html>') }],
				100,
				'en',
			),
		).toMatchObject({ ok: false, status: 415 });
		expect(
			checkUpload(
				[{ field: 'file', fileName: 'a.pdf', size: 0, content: Buffer.alloc(0) }],
				100,
				'en',
			),
		).toMatchObject({ ok: false, status: 400 });
		expect(
			checkUpload(
				[
					{ field: 'file', fileName: 'a.pdf', size: PDF.length, content: PDF },
					{ field: 'file', fileName: 'b.pdf', size: PDF.length, content: PDF },
				],
				100,
				'en',
			),
		).toMatchObject({ ok: false, status: 400 });
		expect(
			checkUpload(
				[{ field: 'file', fileName: '../x.PDF', size: PNG.length, content: PNG }],
				100,
				'en',
			),
		).toEqual({ ok: true, content: PNG, contentType: 'image/png', fileName: 'x.png' });
	});

	it('takes files only from a multipart request as n8n parses it, only from its temporary folder, never reading one over the limit', async () => {
		const dir = await mkdtemp(path.join(tmpdir(), 'payer-upload-'));
		try {
			const small = path.join(dir, 'small');
			const big = path.join(dir, 'big');
			await writeFile(small, PDF);
			await writeFile(big, Buffer.concat([PDF, Buffer.alloc(100)]));
			const files = {
				file: [
					{ filepath: small, originalFilename: 'a.pdf', size: PDF.length },
					{ filepath: big, originalFilename: 'b.pdf', size: PDF.length + 100 },
				],
				other: { filepath: small, originalFilename: 'c.pdf', size: 1 },
			};
			expect(await uploadsFromParsedFiles(files, PDF.length + 10, dir)).toEqual([
				{ field: 'file', fileName: 'a.pdf', size: PDF.length, content: PDF },
				{ field: 'file', fileName: 'b.pdf', size: PDF.length + 100, tooLarge: true },
			]);
			// A path outside the temporary folder is not a file n8n received: never read.
			expect(
				await uploadsFromParsedFiles(
					{ file: { filepath: '/etc/hostname', originalFilename: 'x.pdf', size: 3 } },
					1000,
					dir,
				),
			).toEqual([]);
			expect(
				await uploadsFromParsedFiles(
					{
						file: {
							filepath: path.join(dir, '..', 'etc', 'x'),
							originalFilename: 'x.pdf',
							size: 3,
						},
					},
					1000,
					dir,
				),
			).toEqual([]);
			// A JSON body shaped like a parsed form stays a body: no files.
			const json = {
				t: 'x',
				data: { t: 'y' },
				files: { file: { filepath: small, originalFilename: 'a.pdf', size: 3 } },
			};
			expect(await payerRequestBody(json, 'application/json', 1000)).toEqual({ body: json });
			expect(
				await payerRequestBody(
					{ data: { t: ['y'], action: 'dispute', n: 3 }, files: {} },
					'multipart/form-data; boundary=x',
					1000,
				),
			).toEqual({ body: { t: 'y', action: 'dispute' }, uploads: [] });
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});
