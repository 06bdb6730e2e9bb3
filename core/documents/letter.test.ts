import { renderLetterPdf } from './letter';
import { pdfText } from '../../test/helpers/pdf';

describe('renderLetterPdf', () => {
	it('prints Latin, Greek, Cyrillic, Vietnamese and Arabic names, long words and several pages', async () => {
		const body = [
			`Client : شركة الأطلس للتوزيع (Casablanca)`,
			'Ανώνυμη Εταιρεία — ООО «Ромашка» — Nguyễn Thị Hằng',
			'x'.repeat(300),
			...Array.from({ length: 80 }, (_, i) => `Ligne ${i + 1}`),
		].join('\n');
		const pdf = await renderLetterPdf({
			sender: { name: 'ACME SAS', lines: ['1 place du Commerce'] },
			recipient: { name: 'شركة الأطلس للتوزيع', lines: ['الدار البيضاء'] },
			subject: 'Relance',
			body,
			footer: 'ACME SAS — SIREN 123456789',
		});
		const text = pdfText(pdf, { layout: false });
		expect(text).toContain('للتوزيع');
		expect(text).toContain('Ανώνυμη Εταιρεία');
		expect(text).toContain('ООО «Ромашка»');
		expect(text).toContain('Nguyễn Thị Hằng');
		expect(text).toContain('Ligne 80');
		expect(text.split('\f').filter((page) => page.trim()).length).toBeGreaterThan(1);
		expect(text.match(/SIREN 123456789/g)?.length).toBeGreaterThan(1);
	}, 30_000);

	it('drops control characters instead of failing', async () => {
		const pdf = await renderLetterPdf({
			sender: { name: 'A\u0000B' },
			recipient: { name: 'C\u0007D' },
			subject: 'S\u001b',
			body: 'tab\there',
		});
		expect(pdfText(pdf, { layout: false })).toContain('AB');
	});
});
