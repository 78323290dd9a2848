"""Reports: small-cell suppression, the tables of a report, and `redheart stats` with --csv and
--png. The report as staff read it is in test_stats_reading.py, the HTML page in test_stats_html.py."""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import List

import pytest

from bot.cli import main
from bot.stats.events import UsageEvent
from bot.stats.names import Names
from bot.stats.report import build_report, period_of
from bot.stats.store import StatsStore
from bot.stats.suppression import Group, suppress

T = 5
DAY = dt.date(2025, 5, 5)
NAMES = Names.load()


def assert_safe(group: Group, threshold: int = T) -> None:
    """No shown count under the threshold, and no hidden count that the total pins down.

    A reader knows a "<5" cell holds 1..4, an "x" cell at least 5, and (when the total is
    shown) what the hidden cells add up to. Every hidden cell must keep two or more possible
    values, found here by trying each value against what the other cells could hold."""
    shown = [c.value for c in group.cells if not c.hidden]
    assert all(v == 0 or v >= threshold for v in shown), group
    assert group.total.hidden or group.total.value == 0 or group.total.value >= threshold
    assert not any(c.hidden and not c.secondary and c.value >= threshold for c in group.cells)
    hidden = [c for c in group.cells if c.hidden]
    if not hidden or group.total.hidden:
        return
    rest = group.total.value - sum(shown)
    domains = [range(1, threshold) if not c.secondary else range(threshold, rest + 1) for c in hidden]
    for index, domain in enumerate(domains):
        others = [d for i, d in enumerate(domains) if i != index]
        low, high = sum(d.start for d in others), sum(d.stop - 1 for d in others)
        possible = [v for v in domain if low <= rest - v <= high]
        assert len(possible) >= 2, (group, index, possible)


def test_suppression_examples():
    group = suppress([120, 3, 40, 0], T)
    assert [c.show(T) for c in group.cells] == ["120", "<5", "x", "0"] and group.total.show(T) == "163"
    assert [c.show(T) for c in suppress([9, 9, 9], T).cells] == ["9", "9", "9"]
    lonely = suppress([3], T)
    assert lonely.cells[0].hidden and lonely.total.hidden
    ones = suppress([1, 1, 1, 1, 1, 50], T)  # five hidden ones add up to 5, but each is still 1
    assert [c.show(T) for c in ones.cells] == ["<5"] * 5 + ["x"]
    fours = suppress([4, 4, 40], T)  # two hidden fours add up to 8: each must be 4 unless 40 goes too
    assert [c.show(T) for c in fours.cells] == ["<5", "<5", "x"]
    pair = suppress([1, 5], T)  # nothing left to hide: the total would give both away
    assert pair.total.hidden


def test_a_number_hidden_in_another_table_is_hidden_here_too():
    # 9 is hidden elsewhere; hidden alone here, the total would give it away, so 30 goes too.
    group = suppress([40, 30, 9], T, also_hide={2})
    assert [c.show(T) for c in group.cells] == ["40", "x", "x"] and group.total.show(T) == "79"
    assert suppress([40, 30], T, hide_total=True).total.show(T) == "x"
    # A large total hidden to protect its cells is an "x": no report calls 6 "<5".
    assert suppress([1, 5], T).total.show(T) == "x"
    assert_safe(group)


def test_suppression_never_shows_or_reveals_a_small_count():
    rng = random.Random(7)
    for _ in range(3000):
        values = [rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 13, 40]) for _ in range(rng.randint(1, 7))]
        group = suppress(values, T)
        assert [c.value for c in group.cells] == values
        assert_safe(group)


def _synthetic_store(url: str) -> StatsStore:
    """A small month: many English questions, a few in Bangla, a rare country, one danger."""
    store = StatsStore(url)
    events: List[UsageEvent] = []

    def add(day, n, item, kind, language="en", country="BD", outcome="answered"):
        for i in range(n):
            events.append(UsageEvent(dt.datetime.combine(day, dt.time(9 + i % 8)), "telegram", language, country,
                                     kind, item, outcome, f"{day}-{item}-{i % 6}"))

    for offset in range(10):
        day = DAY + dt.timedelta(days=offset)
        add(day, 12, "term_grooming", "term")
        add(day, 1 + offset % 3, "term_sextortion", "term", language="bn")
        add(day, 6, "helplines", "helpline")
    add(DAY, 2, "term_csam", "term", country="IN")
    add(DAY + dt.timedelta(days=2), 1, "danger", "safety", outcome="safety")
    add(DAY + dt.timedelta(days=4), 7, "topic_online_safety", "topic")
    add(DAY + dt.timedelta(days=5), 3, "nlu_fallback", "not_understood", outcome="fallback")
    store.write(events)
    store.fold(DAY + dt.timedelta(days=8), retention_days=0)  # half of it as folded totals
    return store


def test_a_report_over_a_small_dataset_shows_nothing_small(tmp_path: Path):
    store = _synthetic_store(f"sqlite:///{tmp_path / 's.sqlite3'}")
    try:
        for by in ("day", "week", "month"):
            report = build_report(store, NAMES, since=DAY, until=DAY + dt.timedelta(days=30), by=by, threshold=T)
            for table in report.tables:
                for column in range(len(table.columns) - 1):
                    cells = [row.cells[column] for row in table.rows]
                    if table.name == "terms":
                        continue  # a top-ten cut: checked as a whole below
                    assert_safe(Group(cells, table.total[column]))
            terms = build_report(store, NAMES, by="month", threshold=T).table("terms")
            # csam (2) is hidden, so sextortion (19, the next smallest) is hidden too, and hidden
            # rows are listed alphabetically by name so that their order says nothing.
            assert [row.label for row in terms.rows] == ["Grooming", "Child sexual abuse material", "Sextortion"]
            assert [row.id for row in terms.rows] == ["term_grooming", "term_csam", "term_sextortion"]
            assert [row.cells[0].show(T) for row in terms.rows] == ["120", "<5", "x"]
            assert terms.total[0].show(T) == "141"
        month = build_report(store, NAMES, by="month", threshold=T)
        assert month.table("periods").total[0].value == 120 + 19 + 60 + 2 + 1 + 7 + 3
        assert [c.show(T) for c in month.table("safety").total] == ["<5"]
        assert month.miss_rate is None  # 3 fallbacks: a rate would give them away
    finally:
        store.close()


def test_periods_are_days_weeks_and_months():
    assert period_of(dt.date(2025, 1, 1), "day") == "2025-01-01"
    assert period_of(dt.date(2025, 1, 1), "week") == "2025-W01"
    assert period_of(dt.date(2024, 12, 30), "week") == "2025-W01"
    assert period_of(dt.date(2025, 1, 31), "month") == "2025-01"
    with pytest.raises(ValueError):
        period_of(dt.date(2025, 1, 1), "year")


@pytest.fixture()
def stats_command(tmp_path: Path, monkeypatch):
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    _synthetic_store(url).close()
    monkeypatch.setenv("REDHEART_DATABASE_URL", url)
    monkeypatch.setenv("REDHEART_SUPPRESSION_THRESHOLD", str(T))
    return tmp_path


def test_stats_prints_csv_and_charts(stats_command: Path, capsys):
    out = stats_command / "out"
    assert main(["stats", "--since", "2025-05-01", "--until", "2025-05-31", "--by", "week",
                 "--csv", str(out / "r.csv"), "--png", str(out / "png")]) == 0
    text = capsys.readouterr().out
    assert "Messages handled: 212" in text and "2025-W19" in text and "Grooming" in text
    with (out / "r.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert ["table", "id", "label", "measure", "value"] == list(rows[0])
    counts = [r["value"] for r in rows if r["measure"] == "Messages" and r["id"] != "dropped"]
    assert "<5" in counts
    assert all(v in ("<5", "x") or int(v) == 0 or int(v) >= T for v in counts)
    language = {r["id"]: (r["label"], r["value"]) for r in rows if r["table"] == "Languages"}
    assert language == {"en": ("English", "193"), "bn": ("বাংলা", "19"), "total": ("Total", "212")}
    pngs = sorted(p.name for p in (out / "png").iterdir())
    assert "periods.png" in pngs and "language.png" in pngs
    assert all((out / "png" / name).read_bytes().startswith(b"\x89PNG") for name in pngs)


def test_stats_rejects_a_bad_date(stats_command: Path):
    with pytest.raises(SystemExit):
        main(["stats", "--since", "last tuesday"])


def test_a_grand_total_hidden_in_one_table_is_hidden_in_every_table(tmp_path: Path):
    """Five English messages and one in Bangla: the language table can only protect the
    Bangla one by hiding its total, so the same total must not stand anywhere else."""
    store = StatsStore(f"sqlite:///{tmp_path / 'tiny.sqlite3'}")
    moment = dt.datetime.combine(DAY, dt.time(10))
    store.write(
        [UsageEvent(moment, "telegram", "en", "BD", "term", "term_grooming", "answered", f"u{i}") for i in range(5)]
        + [UsageEvent(moment, "telegram", "bn", "BD", "term", "term_grooming", "answered", "u9")]
    )
    try:
        report = build_report(store, NAMES, by="day", threshold=T)
        assert report.table("language").total[0].hidden
        for name in ("periods", "country", "kinds", "outcomes"):
            assert report.table(name).total[0].hidden, name
        shown = [t.total[0].show(T) for t in report.tables if t.name in ("periods", "language", "country", "kinds", "outcomes")]
        assert "6" not in shown
    finally:
        store.close()
