"""Charts of a report, as PNG bytes, drawn with matplotlib's Agg backend (no display needed).

Charts draw only what the report shows: a hidden count is drawn as an outlined bar of the
threshold's height, marked "<5" (one hidden to protect it: no bar, marked "x"), so no size
can be read off the chart.
"""
from __future__ import annotations

import io
from typing import Dict, List, Tuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bot.stats.report import Report, Table  # noqa: E402
from bot.stats.suppression import Cell  # noqa: E402

RED = "#b3001b"
GREY = "#8c8c8c"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return buffer.getvalue()


def _bars(title: str, labels: List[str], cells: List[Cell], threshold: int, horizontal: bool = False, color: str = RED) -> bytes:
    figure, axes = plt.subplots(figsize=(8, 4.5))
    heights = [(0 if c.secondary else threshold) if c.hidden else c.value for c in cells]
    positions = list(range(len(labels)))
    draw = axes.barh if horizontal else axes.bar
    bars = draw(positions, heights, color=[("white" if c.hidden else color) for c in cells], edgecolor=color, hatch=None)
    for bar, cell in zip(bars, cells):
        if cell.hidden:
            bar.set_hatch("//")
            x = bar.get_x() + bar.get_width() / 2 if not horizontal else bar.get_width()
            y = bar.get_height() if not horizontal else bar.get_y() + bar.get_height() / 2
            axes.annotate(cell.show(threshold), (x, y), ha="center" if not horizontal else "left", va="bottom" if not horizontal else "center", fontsize=8, color=GREY)
    if horizontal:
        axes.set_yticks(positions)
        axes.set_yticklabels(labels)
        axes.invert_yaxis()
        axes.set_xlabel("messages")
    else:
        axes.set_xticks(positions)
        axes.set_xticklabels(labels, rotation=45 if len(labels) > 6 else 0, ha="right" if len(labels) > 6 else "center")
        axes.set_ylabel("messages")
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def _column(table: Table, index: int) -> Tuple[List[str], List[Cell]]:
    return [label for label, _ in table.rows], [cells[index] for _, cells in table.rows]


def messages_chart(report: Report) -> bytes:
    labels, cells = _column(report.table("periods"), 0)
    return _bars(f"Messages per {report.by}", labels or ["no data"], cells or [Cell(0, False)], report.threshold)


def charts(report: Report) -> Dict[str, bytes]:
    """name -> PNG bytes."""
    result = {"messages": messages_chart(report)}
    for name in ("language", "country", "terms", "topics", "safety"):
        table = report.table(name)
        if table.rows:
            labels, cells = _column(table, 0)
            result[name] = _bars(table.title, labels, cells, report.threshold, horizontal=name in ("terms", "topics"))
    return result
