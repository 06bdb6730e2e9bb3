export type {
	BarChartSpec,
	ChartGeometry,
	ChartSeries,
	ChartSpec,
	ChartValue,
	DonutChartSpec,
	DonutSlice,
	Lang as ChartLanguage,
	LineChartSpec,
	MarkData,
	MinorAmount,
	Shape,
	ValueUnit,
} from './model';
export { formatCompactMoney, formatDecimal, formatUnits } from './format';
export {
	AGING_PALETTE,
	PALETTE,
	layoutBarChart,
	layoutChart,
	layoutDonutChart,
	layoutLineChart,
} from './layout';
export { chartSvg, geometryToSvg } from './svg';
export {
	bucketLabel,
	buildReportView,
	formatReportDate,
	type Kpi,
	type ReportView,
	type ReportViewer,
	type ReportViewOptions,
	type ViewBlock,
	type ViewSection,
} from './view';
