"""The report as one self-contained HTML page to send to partners: the charts are inline
PNG images, nothing is fetched from elsewhere, and it prints on A4 without cutting a table
or a chart across pages."""
from __future__ import annotations

import base64
import html
from typing import List, Mapping

from bot.stats.charts import Chart, only_value
from bot.stats.render import headline, latest_change, range_text, shown
from bot.stats.report import Report, Table

# Which chart stands above which table. The signposting chart (helplines asked for and each
# kind of safety answer) heads the safety path's section under a heading of its own.
SECTIONS = (
    ("periods", "periods", None), ("language", "language", None), ("country", "country", None),
    ("kinds", "kinds", None), ("terms", "terms", None), ("topics", "topics", None),
    ("safety", "signposting", "title_signposting"), ("outcomes", "outcomes", None),
)

STYLE = """
@page { size: A4; margin: 14mm 13mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Noto Sans Bengali", "DejaVu Sans", sans-serif; font-size: 10pt;
       color: #222; background: #fff; margin: 0 auto; max-width: 184mm; padding: 8mm 0; line-height: 1.35; }
h1 { color: #b3001b; font-size: 19pt; margin: 0 0 2pt; }
h2 { color: #7a1f2b; font-size: 12.5pt; margin: 0 0 4pt; break-after: avoid; }
p { margin: 3pt 0; }
.period { font-size: 11.5pt; font-weight: bold; }
.rules { color: #444; font-size: 8.8pt; border-left: 3pt solid #b3001b; padding-left: 6pt; margin: 8pt 0 12pt; }
section { margin: 0 0 14pt; break-inside: avoid; page-break-inside: avoid; }
section.long { break-inside: auto; page-break-inside: auto; }
table { border-collapse: collapse; margin: 4pt 0; min-width: 60%; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td, th { border: 0.6pt solid #ccc; padding: 1.5pt 6pt; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f6e6e8; }
table.figures td { border: none; padding: 1pt 8pt 1pt 0; }
img { display: block; max-width: 100%; margin: 4pt 0; break-inside: avoid; }
.note, .said { color: #555; font-size: 9pt; }
.caption { font-weight: bold; margin-top: 6pt; }
.said { font-size: 10pt; color: #222; font-style: italic; }
"""
# A table this long is allowed to continue on the next page (its header row repeats there).
LONG_TABLE = 40


def _table(report: Report, table: Table) -> List[str]:
    esc = html.escape
    view = shown(report, table)
    parts = ["<table><thead><tr>", f"<th>{esc(view.headings[0])}</th>"]
    parts += [f'<th class="n">{esc(h)}</th>' for h in view.headings[1:]]
    parts.append("</tr></thead><tbody>")
    for label, values in view.rows:
        parts.append(f"<tr><td>{esc(label)}</td>" + "".join(f'<td class="n">{esc(v)}</td>' for v in values) + "</tr>")
    label, values = view.total
    parts.append(f'<tr class="total"><td>{esc(label)}</td>' + "".join(f'<td class="n">{esc(v)}</td>' for v in values) + "</tr>")
    parts.append("</tbody></table>")
    return parts


def _picture(name: str, title: str, chart: Chart) -> str:
    encoded = base64.b64encode(chart.png).decode("ascii")
    return f'<img alt="{html.escape(title)}" data-chart="{name}" src="data:image/png;base64,{encoded}">'


def to_html(report: Report, charts: Mapping[str, Chart]) -> str:
    names, esc = report.names, html.escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{esc(names.language)}"><head><meta charset="utf-8">',
        f"<title>{esc(names.text('title'))}</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(names.text('title'))}</h1>",
        f'<p class="period">{esc(range_text(report))}</p>',
        '<table class="figures">',
    ]
    parts += [f'<tr><td>{esc(label)}</td><td class="n"><b>{esc(value)}</b></td></tr>' for label, value in headline(report)]
    parts.append("</table>")
    sentence = latest_change(report)
    if sentence:
        parts.append(f"<p>{esc(sentence)}</p>")
    parts.append('<div class="rules">')
    parts.append(f"<p>{esc(names.text('suppression', threshold=report.threshold))}</p>")
    parts.append(f"<p>{esc(names.text('never_stored'))}</p></div>")
    if not report.messages.value:
        parts.append(f'<p class="said">{esc(names.text("no_data"))}</p>')
    for table_name, chart_name, heading in SECTIONS:
        table = report.table(table_name)
        if not table.rows and chart_name not in charts:
            continue
        title = names.text(heading) if heading else table.title
        parts.append('<section class="long">' if len(table.rows) > LONG_TABLE else "<section>")
        parts.append(f"<h2>{esc(title)}</h2>")
        if chart_name in charts:
            parts.append(_picture(chart_name, title, charts[chart_name]))
        else:
            said = only_value(report, table)
            if said:
                parts.append(f'<p class="said">{esc(said)}</p>')
        if heading:
            parts.append(f'<p class="caption">{esc(table.title)}</p>')
        parts += _table(report, table)
        if table.note:
            parts.append(f'<p class="note">{esc(table.note)}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)
