"""Charts of a report, as PNG bytes, drawn with matplotlib's Agg backend (no display needed).

Charts draw only what the report shows. A hidden count is never drawn to size: in a bar
chart a "<5" is an outlined bar of the threshold's height and an "x" no bar at all, each
marked; in a chart of shares the hidden rows are one grey segment (its size can be read off
the table's total anyway); a line over time leaves a gap marked "<5" or "x". A table with
one row to show gets a sentence instead of a lonely bar (see only_value).
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from bot.stats.fonts import shape_bengali, use_script_fonts  # noqa: E402
from bot.stats.report import Report, Row, Table  # noqa: E402

RED = "#b3001b"
DARK = "#5c0010"
GREY = "#8c8c8c"
SHARES = ("#b3001b", "#e0697a", "#7a1f2b", "#f2b8c0", "#4d4d4d", "#bfbfbf", "#d98c1a", "#3f6f8f")
SHARE_TABLES = ("language", "country", "outcomes")
# The numbers of an axis' scale (0, 20, 40): they count nobody.
SCALE = re.compile(r"[\d.,−-]+%?")
DPI = 110
LEGEND_CHARACTERS = 110  # about what a legend row holds at the chart's width
WIDTH = 7.5  # inches: about the width of an A4 page's text, so a chart prints near its drawn size


@dataclass(frozen=True)
class Chart:
    png: bytes
    # Every word and number drawn on the chart (not the numbers of its scale), each with the
    # name of the font it is drawn in: what a reader can read off it.
    labels: Dict[str, str]


def _labels(figure: Figure) -> Dict[str, str]:
    scale = {
        id(tick) for axes in figure.axes for axis in (axes.xaxis, axes.yaxis)
        for tick in axis.get_ticklabels() if SCALE.fullmatch(tick.get_text())
    }
    found = {}
    for text in figure.findobj(Text):
        words = text.get_text()
        if words and text.get_visible() and id(text) not in scale:
            found[words] = font_manager.get_font(font_manager.findfont(text.get_fontproperties())).family_name
    return found


def _png(figure: Figure) -> Chart:
    use_script_fonts(figure)
    labels = _labels(figure)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A Bengali font has no Latin letters: matplotlib measures line heights on "lp", and a
        # label in both scripts lacks its Latin part. Each is drawn in full by shape_bengali.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ \(.*\) missing from current font")
        figure.tight_layout(pad=0.6)
        figure.canvas.draw()  # the layout is final: shaped Bengali goes where the text stands
        shape_bengali(figure)
        figure.savefig(buffer, format="png", dpi=figure.dpi)
    plt.close(figure)
    return Chart(buffer.getvalue(), labels)


def _plain(axes: Axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)


def _drawn(rows: Sequence[Row]) -> List[Row]:
    """The rows a chart draws: every row with a count or a hidden one."""
    return [row for row in rows if row.cells[0].hidden or row.cells[0].value]


def only_value(report: Report, table: Table) -> Optional[str]:
    """The sentence that replaces a chart of one row, or None when there is more to draw."""
    rows = _drawn(table.rows)
    if len(rows) != 1:
        return None
    return report.names.text("only_one", name=rows[0].label, count=rows[0].cells[0].show(report.threshold))


def _bars(report: Report, rows: Sequence[Row]) -> Chart:
    t = report.threshold
    figure, axes = plt.subplots(dpi=DPI, figsize=(WIDTH, 0.9 + 0.32 * len(rows)))
    cells = [row.cells[0] for row in rows]
    heights = [(0 if c.secondary else t) if c.hidden else c.value for c in cells]
    positions = list(range(len(rows)))
    bars = axes.barh(positions, heights, color=["white" if c.hidden else RED for c in cells], edgecolor=RED)
    for bar, cell in zip(bars, cells):
        if cell.hidden:
            bar.set_hatch("//")
        axes.annotate(cell.show(t), (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(3, 0),
                      textcoords="offset points", va="center", fontsize=8, color=GREY if cell.hidden else DARK)
    axes.set_yticks(positions)
    axes.set_yticklabels([row.label for row in rows], fontsize=9)
    axes.invert_yaxis()
    axes.set_xlabel(report.names.text("messages"))
    _plain(axes)
    return _png(figure)


def _shares(report: Report, table: Table) -> Chart:
    """One bar of 100%: each shown row's share, the hidden ones pooled."""
    t, names = report.threshold, report.names
    total = table.total[0].value
    shown = [row for row in _drawn(table.rows) if not row.cells[0].hidden]
    hidden = total - sum(row.cells[0].value for row in shown)
    segments = [(row.label, row.cells[0].value, SHARES[i % len(SHARES)], False) for i, row in enumerate(shown)]
    if hidden:
        segments.append((names.text("hidden_share", threshold=t), hidden, "white", True))
    # As many legend entries to a row as fit the chart's width (long names two to a row).
    widest = max(len(label) for label, _, _, _ in segments) + 5
    columns = max(1, min(len(segments), LEGEND_CHARACTERS // widest))
    figure, axes = plt.subplots(dpi=DPI, figsize=(WIDTH, 1.3 + 0.22 * -(-len(segments) // columns)))
    left = 0.0
    for label, value, colour, is_hidden in segments:
        share = value / total
        text = label if is_hidden else f"{label} {share:.0%}"
        axes.barh([0], [share], left=left, color=colour, edgecolor=GREY if is_hidden else "white",
                  hatch="//" if is_hidden else None, label=text)
        if share >= 0.08 and not is_hidden:
            axes.text(left + share / 2, 0, f"{share:.0%}", ha="center", va="center", color="white", fontsize=9)
        left += share
    axes.set_xlim(0, 1)
    axes.set_yticks([])
    axes.set_xticks([])  # each share is written on its segment and in the legend
    axes.spines[["left", "bottom"]].set_visible(False)
    axes.set_title(names.text("share"), loc="left", fontsize=10)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.04), ncol=columns, frameon=False, fontsize=9)
    _plain(axes)
    return _png(figure)


def _over_time(report: Report) -> Chart:
    """Messages and distinct users (or user-days) per period, as lines; hidden points are gaps."""
    t = report.threshold
    table = report.table("periods")
    figure, axes = plt.subplots(dpi=DPI, figsize=(WIDTH, 3.4))
    positions = list(range(len(table.rows)))
    for column, colour in ((1, RED), (2, GREY)):
        cells = [row.cells[column - 1] for row in table.rows]
        values = [float("nan") if c.hidden else c.value for c in cells]
        axes.plot(positions, values, marker="o", markersize=3, color=colour, label=table.columns[column])
        for x, cell in zip(positions, cells):
            if cell.hidden:
                axes.annotate(cell.show(t), (x, 0), ha="center", va="bottom", fontsize=7, color=colour)
    step = max(1, len(positions) // 12)  # at most about twelve period labels
    axes.set_xticks(positions[::step])
    axes.set_xticklabels([row.label for row in table.rows][::step], rotation=30, ha="right", fontsize=8)
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False, fontsize=9)
    _plain(axes)
    return _png(figure)


def signposting_rows(report: Report) -> List[Row]:
    """Helplines asked for, then each kind of safety answer."""
    helpline = report.table("kinds").row("helpline")
    helplines = [Row("helplines", report.names.item_name("helplines"), helpline.cells)] if helpline else []
    return _drawn(helplines + report.table("safety").rows)


def chart(report: Report, name: str) -> Optional[Chart]:
    """The chart that goes with a table (or "signposting"); None where a sentence says it
    better (one row) or there is nothing to draw."""
    if name == "signposting":
        rows = signposting_rows(report)
        return _bars(report, rows) if len(rows) > 1 else None
    table = report.table(name)
    if name == "periods":
        return _over_time(report) if len(table.rows) > 1 else None
    rows = _drawn(table.rows)
    if len(rows) < 2 or all(row.cells[0].hidden for row in rows):
        return None  # one row is said in words; hidden rows alone the table shows as well
    if name in SHARE_TABLES and not table.total[0].hidden:
        return _shares(report, table)
    return _bars(report, table.rows if name == "kinds" else rows)


CHARTS = ("periods", "language", "country", "kinds", "terms", "topics", "signposting", "outcomes")


def charts(report: Report) -> Dict[str, Chart]:
    """name -> chart, for every chart there is something to draw for."""
    drawn = {name: chart(report, name) for name in CHARTS}
    return {name: picture for name, picture in drawn.items() if picture is not None}
