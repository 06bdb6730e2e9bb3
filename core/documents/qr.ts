import { PDFOperator, type PDFOperatorNames, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';

/**
 * Draws a QR code as vector squares: runs of dark modules are merged per row and the whole code is written
 * as one filled path (one content-stream operation per code, not one object per square).
 */
export function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
	const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
	const n = qr.modules.size;
	const quiet = 2;
	const cell = size / (n + 2 * quiet);
	const num = (v: number) => (Math.round(v * 1000) / 1000).toString();
	const parts: string[] = ['q', '0 g'];
	for (let r = 0; r < n; r++) {
		let c = 0;
		while (c < n) {
			if (!qr.modules.get(r, c)) {
				c++;
				continue;
			}
			let end = c;
			while (end + 1 < n && qr.modules.get(r, end + 1)) end++;
			parts.push(
				`${num(x + (quiet + c) * cell)} ${num(y + size - (quiet + r + 1) * cell)} ${num((end - c + 1) * cell)} ${num(cell)} re`,
			);
			c = end + 1;
		}
	}
	parts.push('f', 'Q');
	// The operator "name" is written verbatim into the content stream: here, the whole path.
	page.pushOperators(PDFOperator.of(parts.join('\n') as unknown as PDFOperatorNames));
}
