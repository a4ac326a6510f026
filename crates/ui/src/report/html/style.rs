//! The report's only stylesheet, inlined so the file works offline and alone. System fonts only;
//! colours come from variables so the charts (inline SVG) follow the page, including print,
//! where backgrounds go white, sections start on a new page and rows never split.

pub(crate) const CSS: &str = r#"
:root {
  --bg: #f6f7f9; --card: #ffffff; --fg: #1b1f24; --muted: #5b6470; --rule: #d8dde3;
  --accent: #2f6db5; --fail: #c23b32; --ok: #1d7f4e; --warn: #9a6100;
  --elite: #1d7f4e; --high: #2f6db5; --medium: #9a6100; --low: #c23b32;
  color-scheme: light dark;
}
@media screen and (prefers-color-scheme: dark) {
  :root {
    --bg: #14171b; --card: #1c2026; --fg: #e6e9ed; --muted: #9aa4af; --rule: #353c45;
    --accent: #6aa5e8; --fail: #f0766d; --ok: #5cc494; --warn: #e0aa4a;
    --elite: #5cc494; --high: #6aa5e8; --medium: #e0aa4a; --low: #f0766d;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body {
  margin: 0 auto; padding: 24px; max-width: 1240px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 14px; margin: 0; }
section { background: var(--card); border: 1px solid var(--rule); border-radius: 8px;
  padding: 16px 20px; margin: 16px 0; }
a { color: var(--accent); }
.muted, .omitted, .empty, figcaption { color: var(--muted); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0 0; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; }
.note { border-left: 4px solid var(--warn); padding: 8px 12px; margin: 12px 0 0;
  background: var(--card); }
.measures { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; }
.measure { border: 1px solid var(--rule); border-radius: 6px; padding: 12px; }
.measure .value { font-size: 26px; font-weight: 650; margin: 6px 0 2px; }
.measure p { margin: 4px 0; }
.measure .detail, .measure .definition { color: var(--muted); font-size: 12.5px; }
.band { font-weight: 600; white-space: nowrap; }
.band-elite { color: var(--elite); } .band-high { color: var(--high); }
.band-medium { color: var(--medium); } .band-low { color: var(--low); }
.band-none { color: var(--muted); font-weight: 400; }
.trend { white-space: nowrap; }
.better { color: var(--ok); } .worse { color: var(--fail); }
.status-ok { color: var(--ok); } .status-stale { color: var(--warn); } .status-error { color: var(--fail); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding: 0 0 6px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--rule); }
th { font-weight: 600; border-bottom-width: 2px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; }
figure.wide { grid-column: 1 / -1; }
figcaption { margin: 0 0 6px; }
svg.chart { width: 100%; height: auto; display: block; }
.chart text { font-size: 11px; fill: var(--muted); font-family: inherit; }
.chart .label { fill: var(--fg); }
.chart .grid { stroke: var(--rule); stroke-width: 1; }
.chart .bar { fill: var(--accent); }
.chart .failure { fill: var(--fail); }
.chart .recovery { fill: var(--ok); }
.chart .open { fill: none; stroke: var(--fail); stroke-width: 2; stroke-dasharray: 5 3; }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 1.5; }
.chart .incident { fill: var(--fail); opacity: 0.12; }
.chart .marker-ok { fill: var(--ok); }
.chart .marker-failed { stroke: var(--fail); stroke-width: 2.5; }
.chart .marker-rework { fill: var(--warn); }
dl.definitions dt { font-weight: 600; margin-top: 8px; }
dl.definitions dd { margin: 2px 0 0; }
footer { color: var(--muted); font-size: 12px; margin: 16px 0; }
@page { margin: 14mm; }
@media print {
  :root { --bg: #ffffff; --card: #ffffff; --fg: #000000; --muted: #444444; --rule: #bbbbbb; }
  html, body { background: #ffffff; color: #000000; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  section { border: none; border-radius: 0; padding: 0; margin: 0 0 8mm; }
  section.page { break-before: page; }
  tr, .measure, figure, dl.definitions div { break-inside: avoid; }
  thead { display: table-header-group; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .charts { grid-template-columns: 1fr; }
  .measures { grid-template-columns: repeat(3, 1fr); }
}
"#;
