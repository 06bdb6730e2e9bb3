/**
 * Charts of the receivables reports, in two steps: a chart spec (what to show: categories, series, values in
 * their unit) is laid out ONCE into a geometry (rectangles, lines, arcs and texts in a fixed coordinate box), and
 * that geometry is drawn by two renderers — SVG for the dashboard, pdf-lib for the PDF report — so both pictures
 * are the same. Money stays in minor units (bigint, or its integer string as read from SQL) until a pixel
 * coordinate is computed; labels are formatted by core/money.
 */
export type Lang = 'fr' | 'en';

/** A money amount in minor units: a bigint or its integer string ("123456", "-500"). */
export type MinorAmount = bigint | string;

/** What the values of a chart are: money (minor units of one currency), counts, days or percentages (0–100). */
export type ValueUnit =
	| { kind: 'money'; currency: string }
	| { kind: 'count' }
	| { kind: 'days' }
	| { kind: 'percent' };

/** A value: minor units for money, a number otherwise; null where there is nothing to show (a gap in a line). */
export type ChartValue = MinorAmount | number | null | undefined;

export interface ChartSeries {
	/** Stable key (used for colours and test hooks), e.g. "d1_30". */
	key: string;
	label: string;
	/** One value per category, in the order of `categories`. */
	values: ChartValue[];
	/** CSS/hex colour (#rrggbb); defaults to the palette. */
	color?: string;
	/** One colour per value (#rrggbb), e.g. each aged balance bucket its own; overrides `color`. */
	colors?: string[];
}

interface ChartCommon {
	/** Stable id for the SVG's title/desc references (letters, digits, -). */
	id: string;
	/** Accessible name (SVG <title>, the PDF's heading). */
	title: string;
	/** Accessible description (SVG <desc>): what the chart shows, in a sentence. */
	description?: string;
	language: Lang;
	unit: ValueUnit;
	/** Size of the coordinate box (default 560 wide; the height follows the chart type). */
	width?: number;
	height?: number;
}

export interface BarChartSpec extends ChartCommon {
	type: 'bar';
	categories: string[];
	series: ChartSeries[];
	/** Stack the series (aged balance buckets) instead of grouping them side by side. */
	stacked?: boolean;
	/** Horizontal bars (long category names: customers, causes). */
	horizontal?: boolean;
	/** Print each bar's (or stack's) total at its end (default true). */
	totals?: boolean;
}

export interface LineChartSpec extends ChartCommon {
	type: 'line';
	/** X-axis labels in order (months, weeks). */
	categories: string[];
	series: ChartSeries[];
	/** Start the value axis at zero (default true). */
	fromZero?: boolean;
}

export interface DonutSlice {
	key: string;
	label: string;
	value: ChartValue;
	color?: string;
}

export interface DonutChartSpec extends ChartCommon {
	type: 'donut';
	slices: DonutSlice[];
	/** Text in the hole under the total (e.g. "disputes"). */
	centerLabel?: string;
}

export type ChartSpec = BarChartSpec | LineChartSpec | DonutChartSpec;

/** Data attached to a mark so tests and screen readers can find what it stands for. */
export interface MarkData {
	series?: string;
	category?: string;
	/** The exact value as text (minor units for money). */
	value?: string;
}

export type Shape =
	| {
			kind: 'rect';
			x: number;
			y: number;
			w: number;
			h: number;
			fill: string;
			tooltip?: string;
			data?: MarkData;
	  }
	| {
			kind: 'line';
			x1: number;
			y1: number;
			x2: number;
			y2: number;
			stroke: string;
			width: number;
			dash?: boolean;
	  }
	| {
			kind: 'polyline';
			points: Array<[number, number]>;
			stroke: string;
			width: number;
			series?: string;
	  }
	| {
			kind: 'circle';
			cx: number;
			cy: number;
			r: number;
			fill: string;
			tooltip?: string;
			data?: MarkData;
	  }
	/** A closed area given as an SVG path (M, L, A, Z commands in absolute coordinates). */
	| { kind: 'path'; d: string; fill: string; tooltip?: string; data?: MarkData }
	| {
			kind: 'text';
			x: number;
			y: number;
			text: string;
			size: number;
			anchor: 'start' | 'middle' | 'end';
			fill: string;
			bold?: boolean;
			rotate?: number;
	  };

export interface ChartGeometry {
	id: string;
	type: ChartSpec['type'];
	width: number;
	height: number;
	title: string;
	description: string;
	language: Lang;
	/** Drawing order: first is bottom. */
	shapes: Shape[];
	/** The chart's figures as a small table (the accessible alternative), values formatted. */
	table: { head: string[]; rows: string[][] };
}
