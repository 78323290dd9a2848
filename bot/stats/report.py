"""Reports from the statistics store: text, CSV and a self-contained HTML page.

Every count passes through bot.stats.suppression before it is shown: no report, file or
chart carries a count under the threshold, nor a total that would reveal one.
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import html
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.stats.events import DELIVERY_KIND
from bot.stats.store import DailyRow, StatsStore
from bot.stats.suppression import Cell, suppress

PERIODS = ("day", "week", "month")
TOP = 10


def period_of(day: dt.date, by: str) -> str:
    if by == "day":
        return day.isoformat()
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    raise ValueError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")


@dataclass
class Table:
    name: str
    title: str
    columns: List[str]  # the label column first, then one per value
    rows: List[Tuple[str, List[Cell]]]
    total: Optional[List[Cell]] = None
    note: str = ""


@dataclass
class Report:
    since: Optional[dt.date]
    until: Optional[dt.date]
    by: str
    threshold: int
    tables: List[Table] = field(default_factory=list)
    fallback_rate: Optional[float] = None  # None when it would reveal a small count
    dropped: int = 0

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    @property
    def messages(self) -> Cell:
        return self.table("periods").total[0]  # type: ignore[index]


def _column_groups(rows: Sequence[Tuple[str, Sequence[int]]], width: int, threshold: int) -> Tuple[List[Tuple[str, List[Cell]]], List[Cell]]:
    """Suppress each column as one group (its total is published)."""
    columns = [suppress([values[c] for _, values in rows], threshold) for c in range(width)]
    out_rows = [(label, [columns[c].cells[r] for c in range(width)]) for r, (label, _) in enumerate(rows)]
    return out_rows, [group.total for group in columns]


def _ranked(counts: Mapping[str, int], threshold: int, top: Optional[int] = None) -> Tuple[List[Tuple[str, List[Cell]]], List[Cell]]:
    """One column, largest first; hidden cells come last in alphabetical order, so their order
    says nothing about their size. Suppression runs over all cells before any are cut off."""
    labels = list(counts)
    group = suppress([counts[label] for label in labels], threshold)
    pairs = list(zip(labels, group.cells))
    pairs.sort(key=lambda pair: (pair[1].hidden, -pair[1].value if not pair[1].hidden else 0, pair[0]))
    if top is not None:
        pairs = pairs[:top]
    return [(label, [cell]) for label, cell in pairs], [group.total]


def build_report(
    store: StatsStore,
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    by: str = "day",
    threshold: int = 5,
) -> Report:
    period_of(dt.date(2000, 1, 1), by)  # rejects an unknown period early
    everything: List[DailyRow] = store.daily_rows(since, until)
    rows = [row for row in everything if row.kind != DELIVERY_KIND]
    problems = [row for row in everything if row.kind == DELIVERY_KIND]
    users = store.users_per_day(since, until)
    dropped = store.dropped_per_day(since, until)
    report = Report(since=since, until=until, by=by, threshold=threshold, dropped=sum(dropped.values()))

    per_period: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in rows:
        values = per_period[period_of(row.day, by)]
        values[0] += row.count
        if row.kind == "helpline":
            values[2] += row.count
        if row.kind == "safety":
            values[3] += row.count
        if row.outcome in ("fallback", "asked_back"):
            values[4] += row.count
    for day, count in users.items():
        per_period[period_of(day, by)][1] += count
    period_rows = sorted(per_period.items())
    cells, totals = _column_groups(period_rows, 5, threshold)
    users_title = "Distinct users" if by == "day" else "User-days"
    report.tables.append(
        Table(
            "periods",
            f"Messages per {by}",
            [by.capitalize(), "Messages", users_title, "Helpline answers", "Safety path", "Fallback or asked back"],
            cells,
            totals,
            note="Users are counted per day only (the pseudonym key changes daily)"
            + ("" if by == "day" else "; user-days add up each day's distinct users")
            + ".",
        )
    )

    def counts(pick: Callable[[DailyRow], Optional[str]]) -> Dict[str, int]:
        result: Dict[str, int] = defaultdict(int)
        for row in rows:
            label = pick(row)
            if label is not None:
                result[label] += row.count
        return dict(result)

    for name, title, column, pick, top in (
        ("language", "By language", "Language", lambda r: r.language, None),
        ("country", "By country", "Country", lambda r: r.country, None),
        ("terms", f"Top {TOP} terms", "Term", lambda r: r.item if r.item.startswith("term_") else None, TOP),
        ("topics", "Topics", "Topic", lambda r: r.item if r.item.startswith("topic_") else None, None),
        ("safety", "Safety path", "Item", lambda r: r.item if r.kind == "safety" else None, None),
        ("helpline", "Helpline answers", "Item", lambda r: r.item if r.kind == "helpline" else None, None),
        ("outcome", "Outcomes", "Outcome", lambda r: r.outcome, None),
    ):
        ranked, total = _ranked(counts(pick), threshold, top)
        report.tables.append(Table(name, title, [column, "Messages"], ranked, total))
    sends: Dict[str, int] = defaultdict(int)
    for row in problems:
        sends[row.item] += row.count
    ranked, total = _ranked(sends, threshold)
    report.tables.append(Table("delivery", "Replies Telegram did not take at once", ["Problem", "Replies"], ranked, total,
                               note="reply_delayed: still waiting after 5 tries (kept and retried); unknown_resent /"
                                    " unknown_not_resent: a send timed out after it left; resent_after_restart: a send"
                                    " cut off by a crash or stop, sent again; undeliverable: refused."))

    _hide_the_grand_total_everywhere(report)
    outcome = dict((label, cells[0]) for label, cells in report.table("outcome").rows)
    missed = [outcome.get(name, Cell(0, False)) for name in ("fallback", "asked_back")]
    messages = report.messages
    if not messages.hidden and messages.value and not any(cell.hidden for cell in missed):
        report.fallback_rate = sum(cell.value for cell in missed) / messages.value
    return report


# Tables whose total is the number of messages; the periods table's first column is another.
GRAND_TOTAL_TABLES = ("language", "country", "outcome")


def _hide_the_grand_total_everywhere(report: Report) -> None:
    """The same grand total stands under several tables. Where one table had to hide it to
    protect a small cell, it is hidden everywhere, or another table would give it away."""
    periods = report.table("periods")
    totals = [report.table(name).total[0] for name in GRAND_TOTAL_TABLES]  # type: ignore[index]
    totals.append(periods.total[0])  # type: ignore[index]
    if not any(cell.hidden for cell in totals):
        return
    for name in GRAND_TOTAL_TABLES:
        table = report.table(name)
        table.total = [_hidden(table.total[0])]  # type: ignore[index]
    periods.total = [_hidden(periods.total[0]), *periods.total[1:]]  # type: ignore[index]


def _hidden(cell: Cell) -> Cell:
    return cell if cell.hidden else Cell(cell.value, True, secondary=True)


# Text -------------------------------------------------------------------------------------


def _range_text(report: Report) -> str:
    since = report.since.isoformat() if report.since else "the first record"
    until = report.until.isoformat() if report.until else "today"
    return f"{since} to {until}"


def to_text(report: Report) -> str:
    t = report.threshold
    lines = [
        f"Red Heart bot usage, {_range_text(report)}, by {report.by}",
        f"Counts under {t} are shown as <{t}; x marks a count hidden so that a small one can not be worked out.",
        "",
        f"Messages handled: {report.messages.show(t)}",
        f"Fallback rate (fallback or asked back): {format_rate(report)}",
        f"Events dropped (store unreachable, buffer full): {report.dropped}",
    ]
    for table in report.tables:
        lines += ["", f"{table.title}:"]
        width = max([len(table.columns[0])] + [len(label) for label, _ in table.rows] + [5])
        widths = [max(len(c) + 2, 8) for c in table.columns[1:]]
        lines.append("  " + table.columns[0].ljust(width) + "".join(c.rjust(w) for c, w in zip(table.columns[1:], widths)))
        for label, cells in table.rows + ([("Total", table.total)] if table.total is not None else []):
            lines.append("  " + label.ljust(width) + "".join(c.show(t).rjust(w) for c, w in zip(cells, widths)))
        if table.note:
            lines.append(f"  ({table.note})")
    return "\n".join(lines) + "\n"


def format_rate(report: Report) -> str:
    if report.fallback_rate is None:
        return "not shown (too few messages)"
    return f"{report.fallback_rate:.1%}"


# CSV --------------------------------------------------------------------------------------


def write_csv(report: Report, path: Path) -> None:
    """Long format: one line per shown number, hidden ones as "<5"."""
    t = report.threshold
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["table", "label", "measure", "value"])
        for table in report.tables:
            for label, cells in table.rows + ([("Total", table.total)] if table.total is not None else []):
                for measure, cell in zip(table.columns[1:], cells):
                    writer.writerow([table.name, label, measure, cell.show(t)])
        writer.writerow(["summary", "", "fallback_rate", "" if report.fallback_rate is None else f"{report.fallback_rate:.4f}"])
        writer.writerow(["summary", "", "dropped_events", report.dropped])


# HTML -------------------------------------------------------------------------------------


def to_html(report: Report, charts: Mapping[str, bytes]) -> str:
    """One self-contained page: tables, and the charts embedded as base64 PNG."""
    t = report.threshold
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Red Heart bot usage</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#222;background:#fff}"
        "h1{color:#b3001b}table{border-collapse:collapse;margin:0.5em 0 1.5em}"
        "td,th{border:1px solid #ccc;padding:0.25em 0.6em}td.n{text-align:right}"
        "tr.total td{font-weight:bold;background:#f6e6e8}img{max-width:100%;margin:0.5em 0}"
        ".note{color:#555;font-size:0.9em}</style></head><body>",
        "<h1>Red Heart bot usage</h1>",
        f"<p>{esc(_range_text(report))}, by {esc(report.by)}. Counts under {t} are shown as &lt;{t}; "
        "x marks a count hidden so that a small one can not be worked out from totals. "
        "No message text and no Telegram account is stored.</p>",
        "<ul>",
        f"<li>Messages handled: {esc(report.messages.show(t))}</li>",
        f"<li>Fallback rate (fallback or asked back): {esc(format_rate(report))}</li>",
        f"<li>Events dropped while the store was unreachable: {report.dropped}</li>",
        "</ul>",
    ]
    for name, png in charts.items():
        encoded = base64.b64encode(png).decode("ascii")
        parts.append(f'<img alt="{esc(name)}" src="data:image/png;base64,{encoded}">')
    for table in report.tables:
        parts.append(f"<h2>{esc(table.title)}</h2><table><tr>")
        parts += [f"<th>{esc(column)}</th>" for column in table.columns]
        parts.append("</tr>")
        for label, cells in table.rows:
            parts.append(f"<tr><td>{esc(label)}</td>" + "".join(f'<td class="n">{esc(c.show(t))}</td>' for c in cells) + "</tr>")
        if table.total is not None:
            parts.append('<tr class="total"><td>Total</td>' + "".join(f'<td class="n">{esc(c.show(t))}</td>' for c in table.total) + "</tr>")
        parts.append("</table>")
        if table.note:
            parts.append(f'<p class="note">{esc(table.note)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def summary_text(report: Report) -> str:
    """A few lines for staff on Telegram."""
    t = report.threshold
    periods = report.table("periods")
    totals = periods.total or []
    lines = [
        f"Red Heart bot, {_range_text(report)}",
        f"Messages: {totals[0].show(t)}",
        f"User-days: {totals[1].show(t)}",
        f"Helpline answers: {totals[2].show(t)}",
        f"Safety path: {totals[3].show(t)}",
        f"Fallback rate: {format_rate(report)}",
    ]
    languages = ", ".join(f"{label} {cells[0].show(t)}" for label, cells in report.table("language").rows[:5])
    if languages:
        lines.append(f"Languages: {languages}")
    if report.dropped:
        lines.append(f"Dropped events: {report.dropped}")
    return "\n".join(lines)
