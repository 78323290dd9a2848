"""The usage report: counts from the statistics store, grouped into tables staff read.

Every count passes through bot.stats.suppression before it is shown. Each column of a table
is one group whose total is published, and a number that stands in two tables (the grand
total under every table of all messages, a kind's count and the total of its items) is
hidden in both as soon as one has to hide it, so no table gives away what another hides.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, List, Mapping, Optional, Sequence, Set, Tuple

from bot.stats.events import DELIVERY_KIND
from bot.stats.names import SHOWN_KINDS, Names
from bot.stats.store import DailyRow, StatsStore
from bot.stats.suppression import Cell, suppress

PERIODS = ("day", "week", "month")
TOP = 10
OUTCOMES = ("answered", "asked_back", "fallback", "safety")
# The outcomes that mean the bot could not answer: where the content needs work.
MISSED = ("asked_back", "fallback")


def period_of(day: dt.date, by: str) -> str:
    if by == "day":
        return day.isoformat()
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    raise ValueError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")


@dataclass(frozen=True)
class Row:
    id: str  # the stored label (an intent, a language code...): the CSV's id column only
    label: str  # what a reader sees
    cells: List[Cell]
    partial: bool = False  # a period the report's range covers only in part


@dataclass
class Table:
    name: str
    title: str
    columns: List[str]  # the label column's heading, then one per measure
    rows: List[Row]
    total: List[Cell]
    note: str = ""

    def row(self, ident: str) -> Optional[Row]:
        return next((row for row in self.rows if row.id == ident), None)


@dataclass
class Report:
    names: Names
    since: Optional[dt.date]
    until: Optional[dt.date]
    by: str
    threshold: int
    tables: List[Table] = field(default_factory=list)
    dropped: int = 0

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    @property
    def messages(self) -> Cell:
        return self.table("periods").total[0]

    @property
    def miss_rate(self) -> Optional[float]:
        """Share of messages asked back or not understood; None when it would reveal a small count."""
        outcomes = self.table("outcomes")
        missed = [outcomes.row(name) for name in MISSED]
        cells = [row.cells[0] for row in missed if row is not None]
        if self.messages.hidden or not self.messages.value or any(cell.hidden for cell in cells):
            return None
        return sum(cell.value for cell in cells) / self.messages.value


def change(previous: Row, current: Row) -> Optional[float]:
    """A period's change in messages against the one before, from shown counts only (so it
    reveals nothing), and only between whole periods (a week cut by the range is no match)."""
    before, now = previous.cells[0], current.cells[0]
    if before.hidden or now.hidden or not before.value or previous.partial or current.partial:
        return None
    return now.value / before.value - 1


# Building ----------------------------------------------------------------------------------

TOTAL = "__total__"
Position = Tuple[str, str, int]  # table name, row id (or TOTAL), column


@dataclass
class _Draft:
    """A table's raw counts, before suppression."""

    name: str
    title: str
    columns: List[str]
    rows: List[Tuple[str, str, List[int]]]  # id, label, one count per measure
    note: str = ""
    ranked: bool = True  # largest first; else in the order given
    top: Optional[int] = None
    partial: FrozenSet[str] = frozenset()  # ids of the periods the range covers in part

    def suppressed(self, threshold: int, forced: FrozenSet[Position]) -> Table:
        width = len(self.columns) - 1
        groups = [
            suppress(
                [values[c] for _, _, values in self.rows],
                threshold,
                also_hide={r for r, (ident, _, _) in enumerate(self.rows) if (self.name, ident, c) in forced},
                hide_total=(self.name, TOTAL, c) in forced,
            )
            for c in range(width)
        ]
        rows = [Row(ident, label, [groups[c].cells[r] for c in range(width)], ident in self.partial)
                for r, (ident, label, _) in enumerate(self.rows)]
        if self.ranked:
            # Hidden rows last, by name, so that their order says nothing about their size.
            rows.sort(key=lambda row: (row.cells[0].hidden, -row.cells[0].value if not row.cells[0].hidden else 0, row.label))
        return Table(self.name, self.title, self.columns, rows[: self.top], [group.total for group in groups], self.note)


def _cell(tables: Mapping[str, Table], position: Position) -> Optional[Cell]:
    """The cell at a position; None for a row that is not shown (no count, or cut from a top ten)."""
    name, ident, column = position
    table = tables[name]
    if ident == TOTAL:
        return table.total[column]
    row = table.row(ident)
    return None if row is None else row.cells[column]


def _suppress_linked(drafts: Sequence[_Draft], links: Sequence[Sequence[Position]], threshold: int) -> List[Table]:
    """Suppress every table, then hide each linked number everywhere it is hidden anywhere,
    until nothing changes (each round only hides more, so it ends)."""
    forced: Set[Position] = set()
    while True:
        tables = {draft.name: draft.suppressed(threshold, frozenset(forced)) for draft in drafts}
        more: Set[Position] = set()
        for positions in links:
            cells = [_cell(tables, position) for position in positions]
            if any(cell is not None and cell.hidden for cell in cells):
                more |= {p for p, cell in zip(positions, cells) if cell is not None and not cell.hidden}
        if not more:
            return [tables[draft.name] for draft in drafts]
        forced |= more


def _counts(rows: Sequence[DailyRow], pick: Callable[[DailyRow], Optional[str]]) -> Dict[str, int]:
    result: Dict[str, int] = defaultdict(int)
    for row in rows:
        key = pick(row)
        if key is not None:
            result[key] += row.count
    return dict(result)


def _one_column(name: str, column: str, counts: Mapping[str, int], label: Callable[[str], str], names: Names, **options) -> _Draft:
    title = names.text(f"title_{name}", top=TOP)
    rows = [(ident, label(ident), [count]) for ident, count in counts.items()]
    return _Draft(name, title, [names.text(f"column_{column}"), names.text("messages")], rows, **options)


def _days(first: Optional[dt.date], last: Optional[dt.date]) -> List[dt.date]:
    if first is None or last is None:
        return []
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _periods(rows: Sequence[DailyRow], users: Mapping[dt.date, int], by: str, names: Names,
             since: Optional[dt.date], until: Optional[dt.date]) -> _Draft:
    per_period: Dict[str, List[int]] = {}
    days = _days(since or (rows[0].day if rows else None), until or (rows[-1].day if rows else None))
    # A period without a message is a zero in the line over time, not a gap.
    for day in days:
        per_period.setdefault(period_of(day, by), [0, 0])
    partial = set()
    if days and period_of(days[0] - dt.timedelta(days=1), by) == period_of(days[0], by):
        partial.add(period_of(days[0], by))
    if days and period_of(days[-1] + dt.timedelta(days=1), by) == period_of(days[-1], by):
        partial.add(period_of(days[-1], by))
    for row in rows:
        per_period.setdefault(period_of(row.day, by), [0, 0])[0] += row.count
    for day, count in users.items():
        per_period.setdefault(period_of(day, by), [0, 0])[1] += count
    users_title = names.text("users_day" if by == "day" else "users_period")
    note = names.text("users_note") + ("" if by == "day" else " " + names.text("users_period_note"))
    return _Draft(
        "periods",
        names.text(f"title_periods_{by}"),
        [names.period(by), names.text("messages"), users_title],
        [(period, names.text("partial_period", period=period) if period in partial else period, values)
         for period, values in sorted(per_period.items())],
        note=note,
        ranked=False,
        partial=frozenset(partial),
    )


def build_report(
    store: StatsStore,
    names: Names,
    since: Optional[dt.date] = None,
    until: Optional[dt.date] = None,
    by: str = "day",
    threshold: int = 5,
) -> Report:
    period_of(dt.date(2000, 1, 1), by)  # rejects an unknown period early
    everything: List[DailyRow] = store.daily_rows(since, until)
    # Delivery problems (bot/telegram/delivery.py) are counted apart from the messages.
    rows = [row for row in everything if row.kind != DELIVERY_KIND]
    problems = _counts([row for row in everything if row.kind == DELIVERY_KIND], lambda r: r.item)
    kinds = _counts(rows, lambda r: names.kind_group(r.kind))
    outcomes = _counts(rows, lambda r: names.outcome_group(r.kind, r.outcome))
    drafts = [
        _periods(rows, store.users_per_day(since, until), by, names, since, until),
        _one_column("language", "language", _counts(rows, lambda r: names.language_group(r.language)), names.language_name, names),
        _one_column("country", "country", _counts(rows, lambda r: names.country_group(r.country)), names.country_name, names),
        _one_column("kinds", "kinds", {k: kinds.get(k, 0) for k in (*SHOWN_KINDS, "other")}, names.kind_name, names, ranked=False),
        _one_column("terms", "terms", _counts(rows, lambda r: r.item if r.kind == "term" else None), names.item_name, names, top=TOP),
        _one_column("topics", "topics", _counts(rows, lambda r: r.item if r.kind == "topic" else None), names.item_name, names),
        _one_column("safety", "safety", _counts(rows, lambda r: r.item if r.kind == "safety" else None), names.item_name, names),
        _one_column("outcomes", "outcomes", {o: outcomes.get(o, 0) for o in OUTCOMES}, names.outcome_name, names, ranked=False),
        _one_column("delivery", "delivery", problems, lambda problem: names.text(f"delivery_{problem}"), names),
    ]
    links = [
        # The number of messages stands under every table of all of them.
        [(name, TOTAL, 0) for name in ("periods", "language", "country", "kinds", "outcomes")],
        # A kind's count is the total of its items' table; the safety path is also an outcome.
        [("kinds", "term", 0), ("terms", TOTAL, 0)],
        [("kinds", "topic", 0), ("topics", TOTAL, 0)],
        [("kinds", "safety", 0), ("safety", TOTAL, 0), ("outcomes", "safety", 0)],
    ]
    tables = _suppress_linked(drafts, links, threshold)
    dropped = sum(store.dropped_per_day(since, until).values())
    return Report(names, since, until, by, threshold, tables, dropped)
