import { escapeHtml } from '../../tracking/pages';
import { geometryToSvg } from '../charts/svg';
import {
	buildReportView,
	type Kpi,
	type ReportView,
	type ReportViewOptions,
	type ViewBlock,
} from '../charts/view';
import type { Lang } from '../charts/model';
import type { ReceivablesOverview } from '../types';

/**
 * The receivables dashboard as one self-contained HTML document: inline CSS, charts as inline SVG, no script at
 * all and no external resource (n8n serves webhook pages in a CSP sandbox), every value escaped. The session of
 * the portal user travels in hidden form fields, as on the tracking portal: the forms post back to the same
 * address to change language, refresh or sign out.
 */
export interface DashboardViewer {
	name: string;
	level: 1 | 2 | 3;
}

export interface DashboardOptions extends Omit<ReportViewOptions, 'viewer'> {
	/** Signed session token of the viewer, carried by the page's forms. */
	session?: string;
	/** Where the forms post back (default: the same address). */
	actionUrl?: string;
}

const T = {
	fr: {
		title: 'Tableau de bord des encaissements',
		hello: 'Bonjour',
		refresh: 'Actualiser',
		logout: 'Déconnexion',
		other: 'English',
		data: 'Voir les chiffres',
		contents: 'Sections',
	},
	en: {
		title: 'Receivables dashboard',
		hello: 'Hello',
		refresh: 'Refresh',
		logout: 'Sign out',
		other: 'Français',
		data: 'Show the figures',
		contents: 'Sections',
	},
};

export const DASHBOARD_CSS = `*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f3f5f8;color:#1a1a1a;line-height:1.35}
header{background:#1f5fbf;color:#fff;padding:16px 20px}header h1{margin:0 0 4px;font-size:1.35rem}header p{margin:2px 0;opacity:.92;font-size:.92rem}
.bar{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}.bar form{margin:0}.bar button{font:inherit;font-size:.88rem;padding:6px 12px;border-radius:6px;border:1px solid #ffffff88;background:#ffffff22;color:#fff;cursor:pointer}
nav{display:flex;flex-wrap:wrap;gap:6px 14px;padding:10px 20px;background:#fff;border-bottom:1px solid #dde1e6;font-size:.9rem}nav a{color:#1f5fbf;text-decoration:none}
main{max-width:1280px;margin:0 auto;padding:12px 16px 32px}section{background:#fff;border-radius:10px;box-shadow:0 1px 3px #0002;padding:14px 16px;margin:14px 0}
section h2{font-size:1.12rem;margin:0 0 10px;padding-left:10px;border-left:4px solid #1f5fbf}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px;margin:8px 0 12px}.kpi{background:#f6f7f9;border:1px solid #e1e4e8;border-radius:8px;padding:9px 12px;border-left-width:4px}
.kpi .label{font-size:.78rem;color:#5f6368}.kpi .value{font-size:1.3rem;font-weight:700;margin:2px 0}.kpi .note{font-size:.75rem;color:#5f6368}
.kpi.good{border-left-color:#2e7d32}.kpi.good .value{color:#2e7d32}.kpi.warn{border-left-color:#b26a00}.kpi.warn .value{color:#b26a00}.kpi.bad{border-left-color:#c62828}.kpi.bad .value{color:#c62828}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr));gap:14px}figure{margin:0;min-width:0}figcaption{font-weight:600;font-size:.92rem;margin:4px 0 6px}
svg.chart{display:block;width:100%;height:auto}details{margin:4px 0 0;font-size:.85rem}summary{cursor:pointer;color:#1f5fbf}
.table{overflow-x:auto;margin:10px 0}table{border-collapse:collapse;width:100%;font-size:.84rem}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{padding:5px 8px;border-bottom:1px solid #e6e8eb;text-align:left;white-space:nowrap}th{background:#eef2f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:nth-child(even){background:#fafbfc}.more,.note{color:#5f6368;font-size:.82rem}
@media (max-width:600px){header,nav{padding-left:12px;padding-right:12px}main{padding:6px 8px 24px}section{padding:12px 10px}.kpis{grid-template-columns:repeat(auto-fit,minmax(150px,1fr))}.kpi .value{font-size:1.02rem}}
@media print{header .bar,nav{display:none}section{box-shadow:none;break-inside:avoid}}`;

function hidden(name: string, value: string): string {
	return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** Key figures as tiles; a currency code may go to the next line on a narrow screen (amounts never break). */
function kpisHtml(items: Kpi[]): string {
	return `<div class="kpis">${items.map((k) => `<div class="kpi${k.tone ? ` ${k.tone}` : ''}"><div class="label">${escapeHtml(k.label)}</div><div class="value">${escapeHtml(k.value).replace(/\u00a0([A-Z]{3})$/, ' $1')}</div>${k.note ? `<div class="note">${escapeHtml(k.note)}</div>` : ''}</div>`).join('')}</div>`;
}

function tableHtml(head: string[], rows: string[][], numeric: boolean[], caption?: string): string {
	const cls = (c: number) => (numeric[c] ? ' class="n"' : '');
	return (
		`<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head.map((h, c) => `<th scope="col"${cls(c)}>${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
		`<tbody>${rows.map((r) => `<tr>${r.map((cell, c) => `<td${cls(c)}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
	);
}

function blocksHtml(blocks: ViewBlock[], lang: Lang): string {
	let html = '';
	let charts: string[] = [];
	const flush = () => {
		if (charts.length) html += `<div class="charts">${charts.join('')}</div>`;
		charts = [];
	};
	for (const block of blocks) {
		if (block.kind === 'chart') {
			const g = block.chart;
			const data = tableHtml(
				g.table.head,
				g.table.rows,
				g.table.head.map((_, c) => c > 0),
			);
			charts.push(
				`<figure data-chart="${escapeHtml(g.id)}"><figcaption>${escapeHtml(g.title)}</figcaption>${geometryToSvg(g)}<details><summary>${T[lang].data}</summary><div class="table">${data}</div></details></figure>`,
			);
			continue;
		}
		flush();
		if (block.kind === 'kpis') html += kpisHtml(block.items);
		else if (block.kind === 'table')
			html += `<div class="table">${tableHtml(block.head, block.rows, block.numeric, block.caption)}</div>${block.more ? `<p class="more">${escapeHtml(block.more)}</p>` : ''}`;
		else html += `<p class="note">${escapeHtml(block.text)}</p>`;
	}
	flush();
	return html;
}

function documentHtml(lang: Lang, title: string, body: string): string {
	return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${DASHBOARD_CSS}</style></head><body>${body}</body></html>`;
}

/** Renders a report view (see buildReportView) as the dashboard document. */
export function renderDashboardViewHtml(
	view: ReportView,
	options: { session?: string; actionUrl?: string } = {},
): string {
	const lang = view.language;
	const t = T[lang];
	const action = escapeHtml(options.actionUrl ?? '');
	const session = options.session ? hidden('session', options.session) : '';
	const form = (fields: string, label: string) =>
		`<form method="post" action="${action}">${session}${fields}<button type="submit">${escapeHtml(label)}</button></form>`;
	const bar = options.session
		? `<div class="bar">${form(hidden('lang', lang) + hidden('action', 'dashboard'), t.refresh)}${form(hidden('lang', lang === 'fr' ? 'en' : 'fr') + hidden('action', 'dashboard'), t.other)}${form(hidden('lang', lang) + hidden('action', 'logout'), t.logout)}</div>`
		: '';
	const header = `<header><h1>${escapeHtml(view.company ? `${view.company} — ${t.title}` : t.title)}</h1><p><strong>${escapeHtml(view.asOfText)}</strong></p><p class="scope">${escapeHtml(view.scopeText)}</p>${bar}</header>`;
	const nav = `<nav aria-label="${t.contents}">${view.sections.map((s) => `<a href="#${s.key}">${escapeHtml(s.title)}</a>`).join('')}</nav>`;
	const sections = view.sections
		.map(
			(s) =>
				`<section id="${s.key}" aria-labelledby="${s.key}-h"><h2 id="${s.key}-h">${escapeHtml(s.title)}</h2>${blocksHtml(s.blocks, lang)}</section>`,
		)
		.join('');
	return documentHtml(
		lang,
		`${t.title} — ${view.asOfText}`,
		`${header}${nav}<main>${kpisHtml(view.headline)}${sections}</main>`,
	);
}

/** The dashboard of an overview for a viewer (a portal user: name and accreditation level), in French or English. */
export function renderDashboardHtml(
	overview: ReceivablesOverview,
	viewer: DashboardViewer,
	options: DashboardOptions = {},
): string {
	const view = buildReportView(overview, { ...options, viewer });
	return renderDashboardViewHtml(view, { session: options.session, actionUrl: options.actionUrl });
}

/** The dashboard's title in a language (for the login page). */
export function dashboardTitle(lang: Lang): string {
	return T[lang].title;
}
