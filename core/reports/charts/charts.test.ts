import { formatMoney } from '../../money';
import { formatCompactMoney, formatUnits, toUnits } from './format';
import {
	AGING_PALETTE,
	layoutBarChart,
	layoutDonutChart,
	layoutLineChart,
	valueAxis,
} from './layout';
import type { BarChartSpec, ChartGeometry, Shape } from './model';
import { sampleOverview } from './sample';
import { chartSvg, geometryToSvg } from './svg';
import { buildReportView, bucketLabel } from './view';

type Rect = Extract<Shape, { kind: 'rect' }>;
const marks = (g: ChartGeometry): Rect[] =>
	g.shapes.filter((s): s is Rect => s.kind === 'rect' && !!s.data);
const texts = (g: ChartGeometry): string[] =>
	g.shapes.flatMap((s) => (s.kind === 'text' ? [s.text] : []));

const aged: BarChartSpec = {
	type: 'bar',
	id: 'aged',
	title: 'Balance âgée <EUR>',
	language: 'fr',
	unit: { kind: 'money', currency: 'EUR' },
	stacked: true,
	categories: ['Dupont & Fils', 'Hôtel <des> Arts'],
	series: [
		{ key: 'not_due', label: 'Non échu', color: AGING_PALETTE[0], values: [123456n, '50000'] },
		{ key: 'd1_30', label: '1–30 j', color: AGING_PALETTE[1], values: ['76544', 0n] },
		{ key: 'd90', label: '> 90 j', color: AGING_PALETTE[4], values: [null, 150000n] },
	],
};

describe('chart values and labels', () => {
	it('keeps money in minor units and formats it with core/money, compactly on axes', () => {
		expect(toUnits('123456', { kind: 'money', currency: 'EUR' })).toBe(123456n);
		expect(toUnits(1500, { kind: 'money', currency: 'XOF' })).toBe(1500n);
		expect(() => toUnits(12.5, { kind: 'money', currency: 'EUR' })).toThrow(/minor units/);
		expect(() => toUnits('12.50', { kind: 'money', currency: 'EUR' })).toThrow(/minor units/);
		expect(toUnits(null, { kind: 'days' })).toBeNull();
		expect(formatUnits(123456n, { kind: 'money', currency: 'EUR' }, 'fr')).toBe(
			formatMoney(123456n, 'EUR', 'fr'),
		);
		expect(formatCompactMoney(123_456_789n, 'EUR', 'fr')).toBe('1,2\u00a0M€');
		expect(formatCompactMoney(123_456_789n, 'EUR', 'en')).toBe('€1.2M');
		expect(formatCompactMoney(35_000_000n, 'MAD', 'en')).toBe('350k MAD');
		expect(formatCompactMoney(-4_550_00n, 'EUR', 'en')).toBe('-€4.6k');
		expect(formatCompactMoney(1500n, 'XOF', 'fr')).toBe('1,5\u00a0k\u00a0XOF');
		expect(formatUnits(toUnits(45.25, { kind: 'days' }) as bigint, { kind: 'days' }, 'fr')).toBe(
			'45,3\u00a0j',
		);
		expect(
			formatUnits(toUnits(85.1, { kind: 'percent' }) as bigint, { kind: 'percent' }, 'en'),
		).toBe('85.1%');
		expect(bucketLabel({ key: '>90', fromDays: 91, toDays: null }, 'en')).toBe('> 90 d');
		expect(bucketLabel({ key: 'not_due', fromDays: null, toDays: 0 }, 'fr')).toBe('Non échu');
	});

	it('chooses round axis steps that cover every value and zero', () => {
		const axis = valueAxis([0n, 2_730_000n, -50_000n], { kind: 'money', currency: 'EUR' });
		expect(axis.lo).toBe(-1_000_000n);
		expect(axis.hi).toBe(3_000_000n);
		expect(axis.ticks).toEqual([-1_000_000n, 0n, 1_000_000n, 2_000_000n, 3_000_000n]);
		// never a step below one currency unit, one day or one percent
		expect(valueAxis([3n], { kind: 'money', currency: 'EUR' }).ticks).toEqual([0n, 100n]);
		expect(valueAxis([], { kind: 'count' }).ticks).toEqual([0n, 1000n]);
	});
});

describe('bar charts', () => {
	it('stacks the buckets: each segment as tall as its amount, the stack total written on top', () => {
		const g = layoutBarChart(aged);
		const bars = marks(g);
		expect(bars.map((b) => `${b.data?.category}/${b.data?.series}=${b.data?.value}`)).toEqual([
			'Dupont & Fils/not_due=123456',
			'Dupont & Fils/d1_30=76544',
			'Hôtel <des> Arts/not_due=50000',
			'Hôtel <des> Arts/d90=150000',
		]);
		// heights proportional to the minor units (to the rounding of coordinates)
		const perUnit = bars[0].h / 123456;
		for (const b of bars)
			expect(Math.abs(b.h - Number(b.data?.value) * perUnit)).toBeLessThan(0.05);
		// segments of one stack touch; both stacks total 2 000,00 € and are equally tall
		expect(Math.abs(bars[1].y + bars[1].h - bars[0].y)).toBeLessThan(0.02);
		expect(Math.abs(bars[0].h + bars[1].h - (bars[2].h + bars[3].h))).toBeLessThan(0.05);
		const totals = g.shapes
			.filter((s) => s.kind === 'text' && s.bold)
			.map((s) => (s.kind === 'text' ? s.text : ''));
		expect(totals).toEqual(['2\u00a0k€', '2\u00a0k€']);
		expect(bars[3].fill).toBe(AGING_PALETTE[4]);
		expect(bars[0].tooltip).toBe(`Dupont & Fils — Non échu: ${formatMoney(123456n, 'EUR', 'fr')}`);
		expect(g.table.head).toEqual(['', 'Non échu', '1–30 j', '> 90 j', 'Total']);
		expect(g.table.rows[1]).toEqual([
			'Hôtel <des> Arts',
			formatMoney(50000n, 'EUR', 'fr'),
			formatMoney(0n, 'EUR', 'fr'),
			formatMoney(150000n, 'EUR', 'fr'),
			formatMoney(200000n, 'EUR', 'fr'),
		]);
	});

	it('lays horizontal bars out with long names cut, negative amounts to the left of zero', () => {
		const g = layoutBarChart({
			...aged,
			horizontal: true,
			categories: [
				'A customer with a very long name indeed, longer than a third of the chart',
				'B',
			],
			series: [{ key: 'open', label: 'Open', values: [100000n, -40000n] }],
		});
		const [a, b] = marks(g);
		expect(a.w / b.w).toBeCloseTo(100000 / 40000, 1);
		expect(b.x + b.w).toBeCloseTo(a.x, 1);
		expect(texts(g).some((t) => t.endsWith('…'))).toBe(true);
	});

	it('refuses a series that does not match the categories, and a bad id', () => {
		expect(() =>
			layoutBarChart({ ...aged, series: [{ key: 'x', label: 'x', values: [1n] }] }),
		).toThrow(/1 values for 2 categories/);
		expect(() => layoutBarChart({ ...aged, id: '"><script>' })).toThrow(/must start with a letter/);
	});
});

describe('line and donut charts', () => {
	it('breaks a line where a month has no value and marks every known point', () => {
		const g = layoutLineChart({
			type: 'line',
			id: 'dso',
			title: 'DSO',
			language: 'en',
			unit: { kind: 'days' },
			categories: ['Jan', 'Feb', 'Mar', 'Apr', 'May'],
			series: [{ key: 'cb', label: 'DSO', values: [40, 45.5, null, 50, 48] }],
		});
		const lines = g.shapes.filter((s) => s.kind === 'polyline');
		expect(lines.map((l) => (l.kind === 'polyline' ? l.points.length : 0))).toEqual([2, 2]);
		const points = g.shapes.filter((s) => s.kind === 'circle');
		expect(points).toHaveLength(4);
		// higher DSO is higher on the page
		const ys = points.map((p) => (p.kind === 'circle' ? p.cy : 0));
		expect(ys[1]).toBeLessThan(ys[0]);
		expect(texts(g)).toContain('48\u00a0d');
	});

	it('draws one slice per positive part, a whole turn as two arcs, shares summing to the total', () => {
		const g = layoutDonutChart({
			type: 'donut',
			id: 'causes',
			title: 'Causes',
			language: 'fr',
			unit: { kind: 'count' },
			centerLabel: 'litiges',
			slices: [
				{ key: 'a', label: 'Prix', value: 2 },
				{ key: 'b', label: 'Qualité', value: 1 },
				{ key: 'c', label: 'Autre', value: 0 },
			],
		});
		expect(g.shapes.filter((s) => s.kind === 'path')).toHaveLength(2);
		expect(g.table.rows.map((r) => r[2])).toEqual(['66,7\u00a0%', '33,3\u00a0%', '0\u00a0%']);
		expect(texts(g)).toContain('3');
		const whole = layoutDonutChart({
			type: 'donut',
			id: 'one',
			title: 'One',
			language: 'en',
			unit: { kind: 'count' },
			slices: [{ key: 'a', label: 'All', value: 5 }],
		});
		const path = whole.shapes.find((s) => s.kind === 'path');
		expect(path?.kind === 'path' && path.d.match(/A/g)?.length).toBe(4);
	});
});

describe('SVG', () => {
	it('is accessible, escaped, script-free and the same for the same figures', () => {
		const svg = chartSvg(aged);
		expect(svg).toMatch(
			/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" id="aged" [^>]*role="img" aria-labelledby="aged-title aged-desc"/,
		);
		expect(svg).toContain('<title id="aged-title">Balance âgée &#60;EUR&#62;</title>');
		expect(svg).toContain('<desc id="aged-desc">');
		expect(svg).toContain('data-category="Hôtel &#60;des&#62; Arts"');
		expect(svg).not.toMatch(/<des>|<script|href=|url\(/i);
		expect((svg.match(/<rect [^>]*class="mark"/g) ?? []).length).toBe(4);
		expect((svg.match(/<title>/g) ?? []).length).toBe(4);
		expect(chartSvg(aged)).toBe(svg);
		// well-formed: every opened element is closed
		const open = (svg.match(/<(svg|title|desc|rect|text)\b(?:[^>]*[^/])?>/g) ?? []).length;
		const closed = (svg.match(/<\/(svg|title|desc|rect|text)>/g) ?? []).length;
		expect(open).toBe(closed);
	});

	it('renders every chart of a whole report view from the figures', () => {
		for (const language of ['fr', 'en'] as const) {
			const view = buildReportView(sampleOverview(), { language, company: 'Atlas' });
			expect(view.sections.map((s) => s.key)).toEqual([
				'aged',
				'dso',
				'cleaning',
				'reminders',
				'disputes',
				'distribution',
			]);
			const charts = view.sections.flatMap((s) =>
				s.blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : [])),
			);
			expect(charts.length).toBeGreaterThanOrEqual(10);
			expect(new Set(charts.map((c) => c.id)).size).toBe(charts.length);
			for (const c of charts) {
				expect(geometryToSvg(c).length).toBeGreaterThan(500);
				for (const s of c.shapes)
					for (const v of Object.values(s))
						if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
			}
		}
		const en = buildReportView(sampleOverview(), {
			language: 'en',
			viewer: { name: 'Karim', level: 3 },
		});
		expect(en.scopeText).toBe("Accreditation 3 — Karim: their team's customers");
		expect(en.headline[0]).toMatchObject({ label: 'Open (EUR)', value: '€235,550.00' });
	});
});

describe("one definition per figure, codes in the page's language", () => {
	it('heads the page with the disputes open on the date (as balance cleaning counts them), dates its disputes section, names stages and categories', () => {
		const overview = sampleOverview();
		overview.disputes.groups[0] = {
			...overview.disputes.groups[0],
			key: 'administrative',
			label: null as unknown as string,
		};
		const fr = buildReportView(overview, { language: 'fr' });
		const openOnDate = overview.cleaning.sections.find((s) => s.key === 'disputes')?.count;
		expect(fr.headline.find((k) => k.label === 'Litiges ouverts à date')?.value).toBe(
			String(openOnDate),
		);
		const disputes = fr.sections.find((s) => s.key === 'disputes');
		expect(disputes?.title).toBe('Litiges — ouverts du 22/10/2026 au 20/11/2026');
		const tables = (key: string) =>
			(fr.sections.find((s) => s.key === key)?.blocks ?? []).flatMap((b) =>
				b.kind === 'table' ? [b] : [],
			);
		expect(tables('disputes')[0].rows.map((r) => r[0])).toContain('Administratif');
		expect(tables('reminders')[0].rows.map((r) => r[0])).toEqual([
			'Avis avant échéance',
			'Relance 1',
			'Relance 2',
			'Mise en demeure',
		]);
		const cleaning = tables('cleaning')[0];
		expect(cleaning.head).toEqual(['Élément', 'Client', 'Facture', 'Montant', 'Date', 'Détail']);
		for (const row of cleaning.rows) expect(row[4]).toMatch(/^(\d{2}\/\d{2}\/\d{4}|—)$/);
		// one invoice is singular
		const single = sampleOverview();
		for (const row of single.aged.totals) row.invoices = 1;
		expect(buildReportView(single, { language: 'fr' }).headline.map((k) => k.note)).toContain(
			'1 facture',
		);
		const en = buildReportView(overview, { language: 'en' });
		expect(en.headline.find((k) => k.label === 'Disputes open on the date')?.value).toBe(
			String(openOnDate),
		);
		expect(
			(en.sections.find((s) => s.key === 'reminders')?.blocks ?? []).flatMap((b) =>
				b.kind === 'table' ? b.rows.map((r) => r[0]) : [],
			),
		).toEqual(['Pre-due notice', 'Reminder 1', 'Reminder 2', 'Formal notice']);
	});

	it("names dispute subcategories in the page's language, in the disputes section and in balance cleaning", () => {
		const overview = sampleOverview();
		overview.disputes = {
			...overview.disputes,
			groupBy: 'subcategory',
			groups: [
				{
					...overview.disputes.groups[0],
					key: 'logistics/partial_delivery',
					label: null as unknown as string,
				},
			],
		};
		const disputeItem = overview.cleaning.sections.find((s) => s.key === 'disputes')!.items[0];
		disputeItem.detail = 'administrative/missing_po';
		const first = (lang: 'fr' | 'en', key: string) =>
			(
				buildReportView(overview, { language: lang }).sections.find((s) => s.key === key)?.blocks ??
				[]
			).flatMap((b) => (b.kind === 'table' ? [b] : []))[0];
		expect(first('fr', 'disputes').rows.map((r) => r[0])).toEqual([
			'Logistique / Livraison incomplète',
		]);
		expect(first('en', 'disputes').rows.map((r) => r[0])).toEqual(['Logistics / Partial delivery']);
		expect(first('fr', 'cleaning').rows.map((r) => r[5])).toContainEqual(
			expect.stringContaining('Administratif / Bon de commande manquant'),
		);
		expect(first('en', 'cleaning').rows.map((r) => r[5])).toContainEqual(
			expect.stringContaining('Administrative / Purchase order missing'),
		);
	});
});
