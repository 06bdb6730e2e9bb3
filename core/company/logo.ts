import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import type { CompanyLogoRef, CompanyLogoType, CompanyProblem } from './identity';

/** The largest logo accepted (bytes): a letterhead logo needs far less. */
export const MAX_LOGO_BYTES = 512 * 1024;

/** The image type read from the first bytes (PNG or JPEG), whatever the file name or declared type says. */
export function logoType(data: Uint8Array): CompanyLogoType | undefined {
	if (
		data.length >= 8 &&
		[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => data[i] === b)
	)
		return 'image/png';
	if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff)
		return 'image/jpeg';
	return undefined;
}

function logoProblem(en: string, fr: string): CompanyProblem {
	return { field: 'logo', message: `Logo: ${en}`, messageFr: `Logo : ${fr}` };
}

/**
 * Checks a logo file: PNG or JPEG by its magic bytes, at most MAX_LOGO_BYTES, and readable (it is embedded once as
 * a PDF letter would embed it). Returns its reference (hash, type, size, pixel size) or the problem.
 */
export async function checkLogo(
	data: Uint8Array,
	declaredType?: string,
): Promise<{ logo?: CompanyLogoRef; problem?: CompanyProblem }> {
	if (data.length === 0)
		return { problem: logoProblem('the file is empty.', 'le fichier est vide.') };
	const type = logoType(data);
	if (!type) {
		const declared = declaredType ? ` (declared ${declaredType})` : '';
		const declaredFr = declaredType ? ` (déclaré ${declaredType})` : '';
		return {
			problem: logoProblem(
				`the file is not a PNG or JPEG image${declared}; export the logo as PNG or JPEG.`,
				`le fichier n'est pas une image PNG ou JPEG${declaredFr} ; exportez le logo en PNG ou JPEG.`,
			),
		};
	}
	if (data.length > MAX_LOGO_BYTES) {
		const kb = Math.ceil(data.length / 1024);
		return {
			problem: logoProblem(
				`${kb} KB; at most ${MAX_LOGO_BYTES / 1024} KB. Reduce the image (a letterhead logo needs about 600 pixels wide).`,
				`${kb} Ko ; ${MAX_LOGO_BYTES / 1024} Ko au plus. Réduisez l'image (un logo d'en-tête n'a besoin que d'environ 600 pixels de large).`,
			),
		};
	}
	try {
		const doc = await PDFDocument.create();
		const image = type === 'image/png' ? await doc.embedPng(data) : await doc.embedJpg(data);
		return {
			logo: {
				sha256: createHash('sha256').update(data).digest('hex'),
				mimeType: type,
				bytes: data.length,
				width: image.width,
				height: image.height,
			},
		};
	} catch (error) {
		return {
			problem: logoProblem(
				`the ${type === 'image/png' ? 'PNG' : 'JPEG'} file cannot be read (${(error as Error).message}); export it again.`,
				`le fichier ${type === 'image/png' ? 'PNG' : 'JPEG'} est illisible (${(error as Error).message}) ; exportez-le à nouveau.`,
			),
		};
	}
}
