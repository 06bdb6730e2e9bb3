export { chartHeight, drawChart } from './chart';
export { renderReportPdf, renderReportViewPdf } from './report';
