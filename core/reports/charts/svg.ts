import { escapeHtml } from '../../tracking/pages';
import { layoutChart } from './layout';
import type { ChartGeometry, ChartSpec, MarkData, Shape } from './model';

/**
 * SVG renderer of a chart geometry: a self-contained, accessible <svg> (role="img", <title> and <desc> referenced
 * by aria-labelledby, a <title> tooltip on every bar, point and slice), no script, no external reference, text
 * in the page's sans-serif font. The same geometry is drawn into the PDF by ../pdf.
 */
const num = (n: number): string => String(n);

function dataAttributes(data?: MarkData): string {
	if (!data) return '';
	let out = '';
	if (data.series !== undefined) out += ` data-series="${escapeHtml(data.series)}"`;
	if (data.category !== undefined) out += ` data-category="${escapeHtml(data.category)}"`;
	if (data.value !== undefined) out += ` data-value="${escapeHtml(data.value)}"`;
	return out;
}

function mark(
	tag: string,
	attributes: string,
	tooltip: string | undefined,
	data?: MarkData,
): string {
	const attrs = `${attributes}${dataAttributes(data)}${data ? ' class="mark"' : ''}`;
	return tooltip
		? `<${tag} ${attrs}><title>${escapeHtml(tooltip)}</title></${tag}>`
		: `<${tag} ${attrs}/>`;
}

function shapeSvg(shape: Shape): string {
	switch (shape.kind) {
		case 'rect':
			return mark(
				'rect',
				`x="${num(shape.x)}" y="${num(shape.y)}" width="${num(shape.w)}" height="${num(shape.h)}" fill="${shape.fill}"`,
				shape.tooltip,
				shape.data,
			);
		case 'line':
			return `<line x1="${num(shape.x1)}" y1="${num(shape.y1)}" x2="${num(shape.x2)}" y2="${num(shape.y2)}" stroke="${shape.stroke}" stroke-width="${num(shape.width)}"${shape.dash ? ' stroke-dasharray="4 3"' : ''}/>`;
		case 'polyline':
			return `<polyline points="${shape.points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ')}" fill="none" stroke="${shape.stroke}" stroke-width="${num(shape.width)}" stroke-linejoin="round" stroke-linecap="round"${shape.series ? ` data-series="${escapeHtml(shape.series)}"` : ''}/>`;
		case 'circle':
			return mark(
				'circle',
				`cx="${num(shape.cx)}" cy="${num(shape.cy)}" r="${num(shape.r)}" fill="${shape.fill}"`,
				shape.tooltip,
				shape.data,
			);
		case 'path':
			return mark(
				'path',
				`d="${shape.d}" fill="${shape.fill}" stroke="#ffffff" stroke-width="1"`,
				shape.tooltip,
				shape.data,
			);
		case 'text': {
			const transform = shape.rotate
				? ` transform="rotate(${num(shape.rotate)} ${num(shape.x)} ${num(shape.y)})"`
				: '';
			return `<text x="${num(shape.x)}" y="${num(shape.y)}" font-size="${num(shape.size)}" text-anchor="${shape.anchor}" fill="${shape.fill}"${shape.bold ? ' font-weight="700"' : ''}${transform}>${escapeHtml(shape.text)}</text>`;
		}
	}
}

/** The geometry as an <svg> element string (scales to its container's width; the height follows). */
export function geometryToSvg(geometry: ChartGeometry): string {
	const id = escapeHtml(geometry.id);
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" id="${id}" class="chart chart-${geometry.type}" viewBox="0 0 ${num(geometry.width)} ${num(geometry.height)}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif">` +
		`<title id="${id}-title">${escapeHtml(geometry.title)}</title><desc id="${id}-desc">${escapeHtml(geometry.description)}</desc>` +
		geometry.shapes.map(shapeSvg).join('') +
		'</svg>'
	);
}

/** Lays out and renders a chart spec as SVG. */
export function chartSvg(spec: ChartSpec): string {
	return geometryToSvg(layoutChart(spec));
}
