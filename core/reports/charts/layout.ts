import { ReceivablesError } from '../../errors';
import { formatUnits, minimumStep, rawValue, toUnits } from './format';
import type {
	BarChartSpec,
	ChartGeometry,
	ChartSeries,
	ChartSpec,
	DonutChartSpec,
	Lang,
	LineChartSpec,
	Shape,
	ValueUnit,
} from './model';

/** Colours that stay distinct for colour-blind readers and in greyscale print (Okabe–Ito based). */
export const PALETTE = [
	'#1f5fbf',
	'#e69f00',
	'#009e73',
	'#cc79a7',
	'#d55e00',
	'#56b4e9',
	'#7a6a2c',
	'#6b7280',
];
/** Aged balance buckets, from not yet due (green) to the oldest (dark red). */
export const AGING_PALETTE = [
	'#3a8d4f',
	'#a3c64b',
	'#f2c14e',
	'#f08a3c',
	'#d64545',
	'#8e2b5b',
	'#5b2140',
];

const INK = '#1a1a1a';
const MUTED = '#5f6368';
const GRID = '#e3e5e8';
const AXIS = '#9aa0a6';
const FONT = 11;

const round = (n: number): number => Math.round(n * 100) / 100;

/** Approximate width of a text in the chart's font (DejaVu/system sans): layout only, renderers draw the text. */
export function textWidth(text: string, size: number, bold = false): number {
	let w = 0;
	for (const ch of text)
		w += /[\s.,:;'’!|i l]/.test(ch) ? 0.32 : /[A-Z%€@MW]/.test(ch) ? 0.72 : 0.58;
	return w * size * (bold ? 1.07 : 1);
}

/** The text cut with "…" so that it fits `width`. */
export function fit(text: string, size: number, width: number): string {
	if (textWidth(text, size) <= width) return text;
	const chars = Array.from(text);
	while (chars.length > 1 && textWidth(chars.join('') + '…', size) > width) chars.pop();
	return chars.join('').trimEnd() + '…';
}

interface Axis {
	lo: bigint;
	hi: bigint;
	ticks: bigint[];
}

function floorDiv(a: bigint, b: bigint): bigint {
	const q = a / b;
	return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** A value axis covering [min, max] (and zero) with about five round steps (1, 2, 5 × 10^k units). */
export function valueAxis(values: bigint[], unit: ValueUnit, includeZero = true): Axis {
	let lo = values.length ? values.reduce((a, b) => (b < a ? b : a)) : 0n;
	let hi = values.length ? values.reduce((a, b) => (b > a ? b : a)) : 0n;
	if (includeZero) {
		if (lo > 0n) lo = 0n;
		if (hi < 0n) hi = 0n;
	}
	const min = minimumStep(unit);
	if (hi - lo < min) hi = lo + min;
	const raw = (hi - lo + 4n) / 5n;
	const magnitude = 10n ** BigInt(raw.toString().length - 1);
	let step = [1n, 2n, 5n, 10n].map((m) => m * magnitude).find((s) => s >= raw) ?? magnitude * 10n;
	if (step < min) step = min;
	lo = floorDiv(lo, step) * step;
	hi = -floorDiv(-hi, step) * step;
	const ticks: bigint[] = [];
	for (let t = lo; t <= hi; t += step) ticks.push(t);
	return { lo, hi, ticks };
}

/** Where `v` falls between the axis ends, 0..1 (exact integer ratio, then one float). */
function position(axis: Axis, v: bigint): number {
	return Number(((v - axis.lo) * 1_000_000n) / (axis.hi - axis.lo)) / 1_000_000;
}

function colorOf(series: { color?: string }, index: number, palette = PALETTE): string {
	return series.color && /^#[0-9a-fA-F]{6}$/.test(series.color)
		? series.color
		: palette[index % palette.length];
}

/** Swatches and labels in rows across the top; returns the shapes and the y below them. */
function legend(
	items: Array<{ label: string; color: string }>,
	x0: number,
	y0: number,
	width: number,
): { shapes: Shape[]; bottom: number } {
	const shapes: Shape[] = [];
	let x = x0;
	let y = y0;
	for (const item of items) {
		const label = fit(item.label, FONT, width - 20);
		const w = 14 + textWidth(label, FONT) + 14;
		if (x > x0 && x + w > x0 + width) {
			x = x0;
			y += 16;
		}
		shapes.push({ kind: 'rect', x: round(x), y: round(y + 1), w: 10, h: 10, fill: item.color });
		shapes.push({
			kind: 'text',
			x: round(x + 14),
			y: round(y + 10),
			text: label,
			size: FONT,
			anchor: 'start',
			fill: INK,
		});
		x += w;
	}
	return { shapes, bottom: items.length ? y + 16 : y0 };
}

function checkSeries(spec: { id: string; categories: string[]; series: ChartSeries[] }): void {
	for (const s of spec.series) {
		if (s.values.length !== spec.categories.length) {
			throw new ReceivablesError(
				'REPORT_CHART_SHAPE',
				`Chart "${spec.id}": series "${s.key}" has ${s.values.length} values for ${spec.categories.length} categories.`,
				{
					hint: 'Give each series exactly one value per category (null for none).',
				},
			);
		}
	}
}

function seriesTable(
	categories: string[],
	series: ChartSeries[],
	units: Array<Array<bigint | null>>,
	unit: ValueUnit,
	lang: Lang,
	total: boolean,
): ChartGeometry['table'] {
	const head = ['', ...series.map((s) => s.label), ...(total ? ['Total'] : [])];
	const rows = categories.map((c, i) => {
		const cells = units.map((u) => (u[i] === null ? '—' : formatUnits(u[i] as bigint, unit, lang)));
		const sum = units.reduce((a, u) => a + (u[i] ?? 0n), 0n);
		return [c, ...cells, ...(total ? [formatUnits(sum, unit, lang)] : [])];
	});
	return { head, rows };
}

function base(
	spec: ChartSpec,
	width: number,
	height: number,
	description: string,
): Omit<ChartGeometry, 'shapes' | 'table'> {
	if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(spec.id)) {
		throw new ReceivablesError(
			'REPORT_CHART_ID',
			`Chart id "${spec.id}" must start with a letter and hold letters, digits or -.`,
			{ hint: 'Use ids such as "aged-balance".' },
		);
	}
	return {
		id: spec.id,
		type: spec.type,
		width,
		height,
		title: spec.title,
		description: spec.description ?? description,
		language: spec.language,
	};
}

export function layoutBarChart(spec: BarChartSpec): ChartGeometry {
	checkSeries(spec);
	const lang = spec.language;
	const width = spec.width ?? 560;
	const n = Math.max(spec.categories.length, 1);
	const units = spec.series.map((s) => s.values.map((v) => toUnits(v, spec.unit)));
	const stacked = !!spec.stacked && spec.series.length > 1;
	const showTotals = spec.totals ?? true;
	// Extent of each bar or stack: positives go up from zero, negatives down.
	const ends: bigint[] = [];
	const totals: bigint[] = [];
	for (let c = 0; c < spec.categories.length; c++) {
		let pos = 0n;
		let neg = 0n;
		for (const u of units) {
			const v = u[c] ?? 0n;
			if (stacked) {
				if (v >= 0n) pos += v;
				else neg += v;
			} else ends.push(v);
		}
		if (stacked) ends.push(pos, neg);
		totals.push(units.reduce((a, u) => a + (u[c] ?? 0n), 0n));
	}
	const axis = valueAxis(ends, spec.unit);
	const colors = spec.series.map((s, i) => colorOf(s, i));
	const colorAt = (s: number, c: number) => {
		const own = spec.series[s].colors?.[c];
		return own && /^#[0-9a-fA-F]{6}$/.test(own) ? own : colors[s];
	};
	const horizontal = !!spec.horizontal;
	const height =
		spec.height ??
		(horizontal ? Math.max(160, 70 + n * 26 + (spec.series.length > 1 ? 20 : 0)) : 300);
	const shapes: Shape[] = [];
	const legendItems =
		spec.series.length > 1 ? spec.series.map((s, i) => ({ label: s.label, color: colors[i] })) : [];
	const top = legend(legendItems, 8, 6, width - 16);
	shapes.push(...top.shapes);
	const tickLabels = axis.ticks.map((t) => formatUnits(t, spec.unit, lang, true));
	const totalLabels = totals.map((t) => formatUnits(t, spec.unit, lang, true));
	const tip = (c: number, s: number, v: bigint) =>
		`${spec.categories[c]} — ${spec.series[s].label}: ${formatUnits(v, spec.unit, lang)}`;
	if (!horizontal) {
		const left = 10 + Math.max(...tickLabels.map((l) => textWidth(l, 10)));
		const right = width - 10;
		const band = (right - left) / n;
		const widest = Math.max(0, ...spec.categories.map((c) => textWidth(c, 10)));
		const rotate = widest > band - 4 && band < 70;
		const bottom = height - (rotate ? 64 : 22);
		const plotTop = top.bottom + 14;
		const y = (v: bigint) => round(bottom - position(axis, v) * (bottom - plotTop));
		axis.ticks.forEach((t, i) => {
			shapes.push({
				kind: 'line',
				x1: round(left),
				y1: y(t),
				x2: right,
				y2: y(t),
				stroke: t === 0n ? AXIS : GRID,
				width: t === 0n ? 1 : 0.8,
			});
			shapes.push({
				kind: 'text',
				x: round(left - 5),
				y: round(y(t) + 3.5),
				text: tickLabels[i],
				size: 10,
				anchor: 'end',
				fill: MUTED,
			});
		});
		spec.categories.forEach((category, c) => {
			const cx = left + band * (c + 0.5);
			if (rotate)
				shapes.push({
					kind: 'text',
					x: round(cx + 3),
					y: round(bottom + 12),
					text: fit(category, 10, 80),
					size: 10,
					anchor: 'end',
					fill: INK,
					rotate: -40,
				});
			else
				shapes.push({
					kind: 'text',
					x: round(cx),
					y: round(bottom + 15),
					text: fit(category, 10, band - 4),
					size: 10,
					anchor: 'middle',
					fill: INK,
				});
			const barWidth =
				stacked || spec.series.length === 1
					? Math.min(band * 0.62, 80)
					: Math.min((band * 0.8) / spec.series.length, 40);
			let pos = 0n;
			let neg = 0n;
			units.forEach((u, s) => {
				const v = u[c];
				if (v === null || v === 0n) return;
				let from: bigint;
				let to: bigint;
				let x: number;
				if (stacked) {
					from = v >= 0n ? pos : neg;
					to = from + v;
					if (v >= 0n) pos = to;
					else neg = to;
					x = cx - barWidth / 2;
				} else {
					from = 0n;
					to = v;
					x = cx - (barWidth * spec.series.length) / 2 + barWidth * s;
				}
				const y1 = y(from > to ? from : to);
				const y2 = y(from > to ? to : from);
				shapes.push({
					kind: 'rect',
					x: round(x),
					y: y1,
					w: round(barWidth),
					h: round(Math.max(y2 - y1, 0.5)),
					fill: colorAt(s, c),
					tooltip: tip(c, s, v),
					data: { series: spec.series[s].key, category: category, value: rawValue(v, spec.unit) },
				});
			});
			if (showTotals && (stacked || spec.series.length === 1) && units.some((u) => u[c] !== null)) {
				const end = stacked ? pos : totals[c];
				const label = totalLabels[c];
				if (textWidth(label, 9.5) <= band + 2)
					shapes.push({
						kind: 'text',
						x: round(cx),
						y: round(y(end > 0n ? end : 0n) - 4),
						text: label,
						size: 9.5,
						anchor: 'middle',
						fill: INK,
						bold: true,
					});
			}
		});
	} else {
		const labelWidth = Math.min(
			width * 0.3,
			Math.max(40, ...spec.categories.map((c) => textWidth(c, 10.5))),
		);
		const left = 8 + labelWidth + 8;
		const right =
			width -
			12 -
			(showTotals ? Math.max(0, ...totalLabels.map((l) => textWidth(l, 9.5, true))) + 6 : 0);
		const plotTop = top.bottom + 4;
		const bottom = height - 22;
		const band = (bottom - plotTop) / n;
		const x = (v: bigint) => round(left + position(axis, v) * (right - left));
		axis.ticks.forEach((t, i) => {
			shapes.push({
				kind: 'line',
				x1: x(t),
				y1: round(plotTop),
				x2: x(t),
				y2: round(bottom),
				stroke: t === 0n ? AXIS : GRID,
				width: t === 0n ? 1 : 0.8,
			});
			shapes.push({
				kind: 'text',
				x: x(t),
				y: round(bottom + 14),
				text: tickLabels[i],
				size: 10,
				anchor: 'middle',
				fill: MUTED,
			});
		});
		spec.categories.forEach((category, c) => {
			const cy = plotTop + band * (c + 0.5);
			shapes.push({
				kind: 'text',
				x: round(left - 8),
				y: round(cy + 3.5),
				text: fit(category, 10.5, labelWidth),
				size: 10.5,
				anchor: 'end',
				fill: INK,
			});
			const thickness =
				stacked || spec.series.length === 1
					? Math.min(band * 0.66, 26)
					: Math.min((band * 0.8) / spec.series.length, 16);
			let pos = 0n;
			let neg = 0n;
			units.forEach((u, s) => {
				const v = u[c];
				if (v === null || v === 0n) return;
				let from = 0n;
				let yTop = cy - (thickness * spec.series.length) / 2 + thickness * s;
				if (stacked) {
					from = v >= 0n ? pos : neg;
					if (v >= 0n) pos += v;
					else neg += v;
					yTop = cy - thickness / 2;
				}
				const to = from + v;
				const x1 = x(from < to ? from : to);
				const x2 = x(from < to ? to : from);
				shapes.push({
					kind: 'rect',
					x: x1,
					y: round(yTop),
					w: round(Math.max(x2 - x1, 0.5)),
					h: round(thickness),
					fill: colorAt(s, c),
					tooltip: tip(c, s, v),
					data: { series: spec.series[s].key, category, value: rawValue(v, spec.unit) },
				});
			});
			if (showTotals && (stacked || spec.series.length === 1) && units.some((u) => u[c] !== null)) {
				const end = stacked ? pos : totals[c] > 0n ? totals[c] : 0n;
				shapes.push({
					kind: 'text',
					x: round(x(end) + 5),
					y: round(cy + 3.5),
					text: totalLabels[c],
					size: 9.5,
					anchor: 'start',
					fill: INK,
					bold: true,
				});
			}
		});
	}
	const sentence =
		lang === 'fr'
			? `Diagramme en barres${stacked ? ' empilées' : ''} : ${spec.categories.length} catégorie(s), ${spec.series.length} série(s).`
			: `${stacked ? 'Stacked bar' : 'Bar'} chart: ${spec.categories.length} categories, ${spec.series.length} series.`;
	return {
		...base(spec, width, height, sentence),
		shapes,
		table: seriesTable(spec.categories, spec.series, units, spec.unit, lang, stacked),
	};
}

export function layoutLineChart(spec: LineChartSpec): ChartGeometry {
	checkSeries(spec);
	const lang = spec.language;
	const width = spec.width ?? 560;
	const height = spec.height ?? 260;
	const n = Math.max(spec.categories.length, 1);
	const units = spec.series.map((s) => s.values.map((v) => toUnits(v, spec.unit)));
	const all = units.flat().filter((v): v is bigint => v !== null);
	const axis = valueAxis(all, spec.unit, spec.fromZero ?? true);
	const colors = spec.series.map((s, i) => colorOf(s, i));
	const shapes: Shape[] = [];
	const top = legend(
		spec.series.map((s, i) => ({ label: s.label, color: colors[i] })),
		8,
		6,
		width - 16,
	);
	shapes.push(...top.shapes);
	const tickLabels = axis.ticks.map((t) => formatUnits(t, spec.unit, lang, true));
	const left = 10 + Math.max(...tickLabels.map((l) => textWidth(l, 10)));
	// Room on the right for each series' last value, written beside its last point.
	const lastLabels = units.map((u) => {
		const known = u.filter((v): v is bigint => v !== null);
		return known.length ? formatUnits(known[known.length - 1], spec.unit, lang, true) : '';
	});
	const right = width - 10 - Math.max(0, ...lastLabels.map((l) => textWidth(l, 9.5, true))) - 6;
	const plotTop = top.bottom + 12;
	const bottom = height - 22;
	const band = (right - left) / n;
	const y = (v: bigint) => round(bottom - position(axis, v) * (bottom - plotTop));
	const xOf = (i: number) => round(left + band * (i + 0.5));
	axis.ticks.forEach((t, i) => {
		shapes.push({
			kind: 'line',
			x1: round(left),
			y1: y(t),
			x2: right,
			y2: y(t),
			stroke: t === 0n ? AXIS : GRID,
			width: t === 0n ? 1 : 0.8,
		});
		shapes.push({
			kind: 'text',
			x: round(left - 5),
			y: round(y(t) + 3.5),
			text: tickLabels[i],
			size: 10,
			anchor: 'end',
			fill: MUTED,
		});
	});
	const widest = Math.max(0, ...spec.categories.map((c) => textWidth(c, 10)));
	const every = Math.max(1, Math.ceil((widest + 6) / band));
	spec.categories.forEach((c, i) => {
		if ((spec.categories.length - 1 - i) % every === 0)
			shapes.push({
				kind: 'text',
				x: xOf(i),
				y: round(bottom + 15),
				text: c,
				size: 10,
				anchor: 'middle',
				fill: INK,
			});
	});
	units.forEach((u, s) => {
		let run: Array<[number, number]> = [];
		const flush = () => {
			if (run.length > 1)
				shapes.push({
					kind: 'polyline',
					points: run,
					stroke: colors[s],
					width: 2.2,
					series: spec.series[s].key,
				});
			run = [];
		};
		u.forEach((v, i) => {
			if (v === null) flush();
			else run.push([xOf(i), y(v)]);
		});
		flush();
	});
	// The last value of each series is written to the right of its point; labels too close are moved apart.
	const ends: Array<{ x: number; y: number; text: string; fill: string }> = [];
	units.forEach((u, s) => {
		let last = -1;
		u.forEach((v, i) => {
			if (v === null) return;
			last = i;
			shapes.push({
				kind: 'circle',
				cx: xOf(i),
				cy: y(v),
				r: 3.2,
				fill: colors[s],
				tooltip: `${spec.series[s].label} — ${spec.categories[i]}: ${formatUnits(v, spec.unit, lang)}`,
				data: {
					series: spec.series[s].key,
					category: spec.categories[i],
					value: rawValue(v, spec.unit),
				},
			});
		});
		if (last >= 0)
			ends.push({
				x: xOf(last) + 7,
				y: y(u[last] as bigint) + 3.5,
				text: lastLabels[s],
				fill: colors[s],
			});
	});
	ends.sort((a, b) => a.y - b.y);
	for (let i = 1; i < ends.length; i++)
		if (Math.abs(ends[i].x - ends[i - 1].x) < 40 && ends[i].y - ends[i - 1].y < 11)
			ends[i].y = ends[i - 1].y + 11;
	for (const e of ends)
		shapes.push({
			kind: 'text',
			x: round(e.x),
			y: round(e.y),
			text: e.text,
			size: 9.5,
			anchor: 'start',
			fill: e.fill,
			bold: true,
		});
	const sentence =
		lang === 'fr'
			? `Courbe${spec.series.length > 1 ? 's' : ''} sur ${spec.categories.length} période(s) : ${spec.series.map((s) => s.label).join(', ')}.`
			: `Line chart over ${spec.categories.length} period(s): ${spec.series.map((s) => s.label).join(', ')}.`;
	return {
		...base(spec, width, height, sentence),
		shapes,
		table: seriesTable(spec.categories, spec.series, units, spec.unit, lang, false),
	};
}

function polar(cx: number, cy: number, r: number, turn: number): [number, number] {
	const a = turn * 2 * Math.PI - Math.PI / 2;
	return [round(cx + r * Math.cos(a)), round(cy + r * Math.sin(a))];
}

function share(part: bigint, total: bigint, lang: Lang): string {
	if (total <= 0n) return '—';
	const tenths = (part * 2000n + total) / (2n * total);
	return formatUnits(tenths * 100n, { kind: 'percent' }, lang);
}

export function layoutDonutChart(spec: DonutChartSpec): ChartGeometry {
	const lang = spec.language;
	const width = spec.width ?? 560;
	const height = spec.height ?? Math.max(220, 40 + spec.slices.length * 20);
	const values = spec.slices.map((s) => toUnits(s.value, spec.unit) ?? 0n);
	const total = values.reduce((a, v) => a + (v > 0n ? v : 0n), 0n);
	const colors = spec.slices.map((s, i) => colorOf(s, i));
	const shapes: Shape[] = [];
	const outer = Math.min(height / 2 - 10, width / 4);
	const inner = outer * 0.58;
	const cx = 12 + outer;
	const cy = height / 2;
	let at = 0n;
	spec.slices.forEach((slice, i) => {
		const v = values[i];
		if (v <= 0n || total === 0n) return;
		const tooltip = `${slice.label}: ${formatUnits(v, spec.unit, lang)} (${share(v, total, lang)})`;
		const data = { series: slice.key, category: slice.label, value: rawValue(v, spec.unit) };
		const start = Number((at * 1_000_000n) / total) / 1_000_000;
		at += v;
		const end = Number((at * 1_000_000n) / total) / 1_000_000;
		// A full turn cannot be one arc: it is drawn as two halves.
		const cuts = end - start > 0.999 ? [start, start + 0.5, end] : [start, end];
		const large = end - start > 0.5 && cuts.length === 2 ? 1 : 0;
		const o = cuts.map((t) => polar(cx, cy, outer, t));
		const n = cuts.map((t) => polar(cx, cy, inner, t));
		let d = `M${o[0][0]} ${o[0][1]}`;
		for (let k = 1; k < o.length; k++)
			d += ` A${round(outer)} ${round(outer)} 0 ${large} 1 ${o[k][0]} ${o[k][1]}`;
		d += ` L${n[n.length - 1][0]} ${n[n.length - 1][1]}`;
		for (let k = n.length - 2; k >= 0; k--)
			d += ` A${round(inner)} ${round(inner)} 0 ${large} 0 ${n[k][0]} ${n[k][1]}`;
		d += ' Z';
		shapes.push({ kind: 'path', d, fill: colors[i], tooltip, data });
	});
	if (total === 0n)
		shapes.push({ kind: 'circle', cx: round(cx), cy: round(cy), r: round(outer), fill: GRID });
	shapes.push({
		kind: 'circle',
		cx: round(cx),
		cy: round(cy),
		r: round(inner - 0.5),
		fill: '#ffffff',
	});
	shapes.push({
		kind: 'text',
		x: round(cx),
		y: round(cy + 4),
		text: formatUnits(total, spec.unit, lang, true),
		size: 17,
		anchor: 'middle',
		fill: INK,
		bold: true,
	});
	if (spec.centerLabel)
		shapes.push({
			kind: 'text',
			x: round(cx),
			y: round(cy + 20),
			text: fit(spec.centerLabel, 10, inner * 1.8),
			size: 10,
			anchor: 'middle',
			fill: MUTED,
		});
	const lx = cx + outer + 24;
	const valueX = width - 70;
	const rowHeight = Math.min(22, (height - 20) / Math.max(spec.slices.length, 1));
	const ly0 = cy - (rowHeight * spec.slices.length) / 2;
	spec.slices.forEach((slice, i) => {
		const ly = ly0 + rowHeight * i;
		shapes.push({
			kind: 'rect',
			x: round(lx),
			y: round(ly + rowHeight / 2 - 5),
			w: 10,
			h: 10,
			fill: colors[i],
		});
		const valueText = formatUnits(values[i], spec.unit, lang, true);
		shapes.push({
			kind: 'text',
			x: round(lx + 16),
			y: round(ly + rowHeight / 2 + 4),
			text: fit(slice.label, FONT, valueX - lx - 24 - textWidth(valueText, FONT)),
			size: FONT,
			anchor: 'start',
			fill: INK,
		});
		shapes.push({
			kind: 'text',
			x: round(valueX - 6),
			y: round(ly + rowHeight / 2 + 4),
			text: valueText,
			size: FONT,
			anchor: 'end',
			fill: INK,
			bold: true,
		});
		shapes.push({
			kind: 'text',
			x: round(width - 8),
			y: round(ly + rowHeight / 2 + 4),
			text: share(values[i] > 0n ? values[i] : 0n, total, lang),
			size: FONT,
			anchor: 'end',
			fill: MUTED,
		});
	});
	const sentence =
		lang === 'fr'
			? `Répartition en anneau de ${spec.slices.length} élément(s), total ${formatUnits(total, spec.unit, lang)}.`
			: `Donut chart of ${spec.slices.length} part(s), total ${formatUnits(total, spec.unit, lang)}.`;
	const table = {
		head: ['', lang === 'fr' ? 'Valeur' : 'Value', lang === 'fr' ? 'Part' : 'Share'],
		rows: spec.slices.map((s, i) => [
			s.label,
			formatUnits(values[i], spec.unit, lang),
			share(values[i] > 0n ? values[i] : 0n, total, lang),
		]),
	};
	return { ...base(spec, width, height, sentence), shapes, table };
}

/** Lays out any chart spec. */
export function layoutChart(spec: ChartSpec): ChartGeometry {
	switch (spec.type) {
		case 'bar':
			return layoutBarChart(spec);
		case 'line':
			return layoutLineChart(spec);
		case 'donut':
			return layoutDonutChart(spec);
	}
}
