import { degrees, LineCapStyle, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import type { ChartGeometry } from '../charts/model';

/**
 * PDF renderer of a chart geometry (the one the SVG renderer draws): pdf-lib vector primitives, text in the
 * document's embedded font. Geometry coordinates run downwards from the chart's top-left corner; the chart is
 * scaled to `width` points and placed with its top-left corner at (x, top).
 */
export function hexColor(hex: string): RGB {
	const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
	if (!m) return rgb(0, 0, 0);
	return rgb(parseInt(m[1], 16) / 255, parseInt(m[2], 16) / 255, parseInt(m[3], 16) / 255);
}

/** Height in points of `geometry` drawn `width` points wide. */
export function chartHeight(geometry: ChartGeometry, width: number): number {
	return (geometry.height * width) / geometry.width;
}

export function drawChart(
	page: PDFPage,
	geometry: ChartGeometry,
	box: { x: number; top: number; width: number },
	fonts: { regular: PDFFont; bold: PDFFont },
): void {
	const s = box.width / geometry.width;
	const X = (gx: number) => box.x + gx * s;
	const Y = (gy: number) => box.top - gy * s;
	for (const shape of geometry.shapes) {
		switch (shape.kind) {
			case 'rect':
				page.drawRectangle({
					x: X(shape.x),
					y: Y(shape.y + shape.h),
					width: shape.w * s,
					height: shape.h * s,
					color: hexColor(shape.fill),
				});
				break;
			case 'line':
				page.drawLine({
					start: { x: X(shape.x1), y: Y(shape.y1) },
					end: { x: X(shape.x2), y: Y(shape.y2) },
					thickness: shape.width * s,
					color: hexColor(shape.stroke),
					dashArray: shape.dash ? [4 * s, 3 * s] : undefined,
				});
				break;
			case 'polyline': {
				const d = shape.points.map(([px, py], i) => `${i ? 'L' : 'M'}${px} ${py}`).join(' ');
				page.drawSvgPath(d, {
					x: box.x,
					y: box.top,
					scale: s,
					borderColor: hexColor(shape.stroke),
					borderWidth: shape.width,
					borderLineCap: LineCapStyle.Round,
				});
				break;
			}
			case 'circle':
				page.drawCircle({
					x: X(shape.cx),
					y: Y(shape.cy),
					size: shape.r * s,
					color: hexColor(shape.fill),
				});
				break;
			case 'path':
				page.drawSvgPath(shape.d, {
					x: box.x,
					y: box.top,
					scale: s,
					color: hexColor(shape.fill),
					borderColor: rgb(1, 1, 1),
					borderWidth: 1,
				});
				break;
			case 'text': {
				const font = shape.bold ? fonts.bold : fonts.regular;
				const size = shape.size * s;
				const w = font.widthOfTextAtSize(shape.text, size);
				const shift = shape.anchor === 'middle' ? w / 2 : shape.anchor === 'end' ? w : 0;
				// SVG turns clockwise for positive angles with y downwards; PDF counter-clockwise with y upwards.
				const angle = (-(shape.rotate ?? 0) * Math.PI) / 180;
				page.drawText(shape.text, {
					x: X(shape.x) - shift * Math.cos(angle),
					y: Y(shape.y) - shift * Math.sin(angle),
					size,
					font,
					color: hexColor(shape.fill),
					rotate: shape.rotate ? degrees(-shape.rotate) : undefined,
				});
				break;
			}
		}
	}
}
