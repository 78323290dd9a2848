"""A report as text for the terminal, as CSV, and as the few lines /stats sends on Telegram.

Every word comes from content/reports.yml (through the report's Names); numbers are shown as
the suppression left them.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Iterator, List, Optional, TextIO, Tuple

from bot.stats.report import Report, Row, Table, change
from bot.stats.suppression import Cell

NO_FIGURE = "–"


def format_change(value: Optional[float]) -> str:
    return NO_FIGURE if value is None else f"{value:+.0%}"


def format_miss_rate(report: Report) -> str:
    rate = report.miss_rate
    return report.names.text("miss_rate_hidden") if rate is None else f"{rate:.1%}"


def range_text(report: Report) -> str:
    names = report.names
    since = report.since.isoformat() if report.since else names.text("first_record")
    until = report.until.isoformat() if report.until else names.text("today")
    return names.text("period_line", since=since, until=until)


def period_changes(report: Report) -> List[Optional[float]]:
    """Each period's change in messages against the period before it (None for the first)."""
    rows = report.table("periods").rows
    return [None] + [change(previous, current) for previous, current in zip(rows, rows[1:])]


def latest_change(report: Report) -> Optional[str]:
    """One sentence on the last period that has a change against the one before (both whole
    and shown), or None."""
    compared = [(row, value) for row, value in zip(report.table("periods").rows, period_changes(report)) if value is not None]
    if not compared:
        return None
    row, value = compared[-1]
    return report.names.text(
        "change_summary", label=row.label, messages=row.cells[0].show(report.threshold), change=format_change(value)
    )


def headline(report: Report) -> List[Tuple[str, str]]:
    """The figures above every report: (label, value)."""
    names, t = report.names, report.threshold
    return [
        (names.text("messages_handled"), report.messages.show(t)),
        (names.text("miss_rate"), format_miss_rate(report)),
        (names.text("dropped"), str(report.dropped)),
    ]


@dataclass(frozen=True)
class Shown:
    """A table as a reader sees it: headings, rows of shown values, and the total row."""

    headings: List[str]
    rows: List[Tuple[str, List[str]]]
    total: Tuple[str, List[str]]


def shown(report: Report, table: Table) -> Shown:
    """The table's values as shown; the time table gains each period's change."""
    t = report.threshold
    headings = list(table.columns)
    rows = [(row.label, [cell.show(t) for cell in row.cells]) for row in table.rows]
    total = [cell.show(t) for cell in table.total]
    if table.name == "periods":
        headings.append(report.names.text("change"))
        rows = [(label, values + [format_change(value)]) for (label, values), value in zip(rows, period_changes(report))]
        total.append("")
    return Shown(headings, rows, (report.names.text("total"), total))


def to_text(report: Report) -> str:
    names, t = report.names, report.threshold
    lines = [names.text("title"), range_text(report), names.text("suppression", threshold=t), ""]
    lines += [f"{label}: {value}" for label, value in headline(report)]
    sentence = latest_change(report)
    if sentence:
        lines.append(sentence)
    for table in report.tables:
        view = shown(report, table)
        body = view.rows + [view.total]
        width = max(len(label) for label in [view.headings[0]] + [label for label, _ in body])
        widths = [max(len(c) + 2, 8) for c in view.headings[1:]]
        lines += ["", f"{table.title}:"]
        lines.append("  " + view.headings[0].ljust(width) + "".join(c.rjust(w) for c, w in zip(view.headings[1:], widths)))
        lines += ["  " + label.ljust(width) + "".join(v.rjust(w) for v, w in zip(values, widths)) for label, values in body]
        if table.note:
            lines.append(f"  ({table.note})")
    lines += ["", names.text("never_stored")]
    return "\n".join(lines) + "\n"


def _csv_rows(report: Report, table: Table) -> Iterator[List[str]]:
    t = report.threshold
    rows: List[Tuple[str, Row]] = [(row.id, row) for row in table.rows]
    rows.append(("total", Row("total", report.names.text("total"), table.total)))
    for ident, row in rows:
        for measure, cell in zip(table.columns[1:], row.cells):
            yield [table.title, ident, row.label, measure, cell.show(t)]
    if table.name == "periods":
        measure = report.names.text("change")
        for row, value in zip(table.rows, period_changes(report)):
            yield [table.title, row.id, row.label, measure, "" if value is None else f"{value:.4f}"]


def write_csv(report: Report, handle: TextIO) -> None:
    """Long format: one line per shown number (hidden ones as "<5" or "x"), each with its
    table, the stored id, the name a reader knows, the measure and the value."""
    names = report.names
    writer = csv.writer(handle)
    writer.writerow(["table", "id", "label", "measure", "value"])
    for table in report.tables:
        writer.writerows(_csv_rows(report, table))
    title = names.text("title")
    rate = report.miss_rate
    writer.writerow([title, "miss_rate", names.text("miss_rate"), names.text("share"), "" if rate is None else f"{rate:.4f}"])
    writer.writerow([title, "dropped", names.text("dropped"), names.text("messages"), report.dropped])


def _first(table: Table, threshold: int, count: int) -> str:
    return ", ".join(f"{row.label} {row.cells[0].show(threshold)}" for row in table.rows[:count])


def summary_text(report: Report) -> str:
    """A few lines for staff on Telegram."""
    names, t = report.names, report.threshold
    periods = report.table("periods")
    kinds = report.table("kinds")
    lines = [names.text("title"), range_text(report)]
    lines += [f"{label}: {value}" for label, value in headline(report)[:2]]
    lines.append(f"{periods.columns[2]}: {periods.total[1].show(t)}")
    for kind in ("helpline", "safety"):
        row = kinds.row(kind)
        cell: Cell = row.cells[0] if row else Cell(0, False)
        lines.append(f"{names.kind_name(kind)}: {cell.show(t)}")
    for name in ("language", "country"):
        table = report.table(name)
        if table.rows:
            lines.append(f"{table.title}: {_first(table, t, 5)}")
    sentence = latest_change(report)
    if sentence:
        lines.append(sentence)
    lines.append(names.text("suppression", threshold=t))
    return "\n".join(lines)
