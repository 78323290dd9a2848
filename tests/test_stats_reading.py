"""Reports read as campaign staff read them: a month of usage, everything named the way
people know it, totals that add up, no small count anywhere, and charts that answer the
questions staff have."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path
from typing import Iterator, List

import matplotlib.pyplot as plt
import pytest

from bot.cli import main
from bot.stats import fonts
from bot.stats.charts import charts
from bot.stats.events import UsageEvent
from bot.stats.html_page import to_html
from bot.stats.names import Names
from bot.stats.render import to_text
from bot.stats.report import Report, build_report
from bot.stats.store import StatsStore
from tests.stats_month import FIRST_DAY, month_events, month_store
from tests.system_packages import ensure_file

T = 5
ENGLISH = Names.load()
# What an internal id looks like: an intent, a kind, an outcome or a language variant's code.
AN_ID = re.compile(r"\b(term|topic)_[a-z_]+|\bbn-Latn\b|\b(nlu_fallback|asked_back|small_talk|not_understood|"
                   r"out_of_scope|child_disclosure|harmful_request)\b")
# A count as text: digits alone (not a date, a week, a share or a change).
A_COUNT = re.compile(r"(?<![\d\-W.,%+])\d+(?![\d\-%.,])")


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> Iterator[StatsStore]:
    store = month_store(f"sqlite:///{tmp_path_factory.mktemp('month') / 's.sqlite3'}")
    yield store
    store.close()


@pytest.fixture(scope="module")
def report(month: StatsStore) -> Report:
    return build_report(month, ENGLISH, by="week", threshold=T)


@pytest.fixture()
def stats_command(month: StatsStore, monkeypatch):
    monkeypatch.setenv("REDHEART_DATABASE_URL", str(month.engine.url))
    monkeypatch.setenv("REDHEART_SUPPRESSION_THRESHOLD", str(T))


def _store(tmp_path: Path, events: List[UsageEvent]) -> StatsStore:
    store = StatsStore(f"sqlite:///{tmp_path / 'few.sqlite3'}")
    store.write(events)
    return store


def _events(n: int, item: str, kind: str, language: str = "en", country: str = "BD", outcome: str = "answered"):
    moment = dt.datetime.combine(FIRST_DAY, dt.time(10))
    return [UsageEvent(moment, "telegram", language, country, kind, item, outcome, f"u{item}{i}") for i in range(n)]


def test_every_row_is_named_as_staff_know_it(report: Report):
    labels = {table.name: [row.label for row in table.rows] for table in report.tables}
    assert set(labels["language"]) == {"বাংলা", "Bangla in Latin letters", "English", "Français", "Español"}
    assert labels["country"] == ["Bangladesh", "France", "Spain"]
    assert labels["kinds"][:5] == ["Terms", "Guidance", "The campaign", "Helplines", "Safety path"]
    assert labels["terms"][0] == "Grooming" and "Child sexual abuse material" in labels["terms"]
    assert "Warning signs that a child is being groomed" in labels["topics"]
    assert "A child in danger now" in labels["safety"]
    assert labels["outcomes"] == ["Answered", 'Asked back ("Did you mean...?")', "Did not understand", "Safety path"]
    for table in report.tables:
        assert not AN_ID.search(table.title + " ".join(table.columns + labels[table.name])), table.name


def test_the_text_the_csv_and_the_page_name_things_and_only_the_csv_id_column_holds_ids(report: Report, stats_command, capsys):
    assert main(["stats", "--by", "week"]) == 0
    assert not AN_ID.search(capsys.readouterr().out)
    page = re.sub(r'src="data:[^"]*"', "", to_html(report, charts(report)))
    assert not AN_ID.search(page)

    assert main(["stats", "--by", "week", "--csv", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    for row in rows:
        assert not AN_ID.search(" ".join((row["table"], row["label"], row["measure"]))), row
    ids = {row["id"] for row in rows}
    assert {"term_grooming", "topic_grooming_signs", "bn", "bn-Latn", "BD", "danger", "asked_back"} <= ids


def test_the_totals_are_the_months_messages(report: Report):
    events = month_events()
    assert report.messages.value == len(events)
    languages = Counter(event.language for event in events)
    shown = {row.id: row.cells[0].value for row in report.table("language").rows}
    assert shown == dict(languages)  # Bengali script and Latin letters counted apart
    assert shown["bn"] != shown["bn-Latn"]
    kinds = {row.id: row.cells[0].value for row in report.table("kinds").rows}
    assert kinds["term"] == sum(1 for e in events if e.kind == "term") == report.table("terms").total[0].value
    assert kinds["helpline"] == sum(1 for e in events if e.item == "helplines")
    users = report.table("periods").total[1].value
    assert users == len({(e.hour.date(), e.user_pseudonym) for e in events})
    assert report.miss_rate == pytest.approx(sum(1 for e in events if e.item == "nlu_fallback") / len(events))


def test_each_period_shows_its_change_against_the_one_before(stats_command, capsys):
    """October 2026 starts on a Thursday and ends on a Saturday: its first and last weeks are
    there in part, and a part of a week is not compared with a whole one."""
    assert main(["stats", "--by", "week", "--csv", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    messages = {r["id"]: int(r["value"]) for r in rows if r["measure"] == "Messages" and r["id"].startswith("2026-W")}
    changes = {r["id"]: r["value"] for r in rows if r["measure"] == "Change against the one before"}
    labels = {r["id"]: r["label"] for r in rows if r["id"].startswith("2026-W")}
    assert sorted(messages) == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    assert labels["2026-W40"] == "2026-W40 (in part)" and labels["2026-W44"] == "2026-W44 (in part)"
    assert labels["2026-W42"] == "2026-W42"
    assert changes["2026-W40"] == changes["2026-W41"] == changes["2026-W44"] == ""
    for before, week in (("2026-W41", "2026-W42"), ("2026-W42", "2026-W43")):
        assert float(changes[week]) == pytest.approx(messages[week] / messages[before] - 1, abs=1e-4)


def _counts_in(text: str) -> List[int]:
    return [int(n) for n in A_COUNT.findall(text)]


def test_no_count_under_the_threshold_stands_anywhere(tmp_path: Path, monkeypatch, capsys):
    """A few rare messages among many: in the table, the CSV, on the charts and on the page,
    every count shown is 0 or at least the threshold."""
    events = (_events(60, "term_grooming", "term") + _events(3, "term_csam", "term", language="bn-Latn")
              + _events(2, "danger", "safety", outcome="safety") + _events(1, "extortion", "safety", outcome="safety")
              + _events(40, "helplines", "helpline", country="FR") + _events(4, "nlu_fallback", "not_understood", outcome="fallback")
              + _events(9, "topic_grooming_signs", "topic", language="es", country="ES"))
    store = _store(tmp_path, events)
    monkeypatch.setenv("REDHEART_DATABASE_URL", str(store.engine.url))
    monkeypatch.setenv("REDHEART_SUPPRESSION_THRESHOLD", str(T))
    report = build_report(store, ENGLISH, threshold=T)
    for table in report.tables:
        for row in table.rows:
            assert all(c.hidden or c.value == 0 or c.value >= T for c in row.cells), (table.name, row)
        assert all(c.hidden or c.value == 0 or c.value >= T for c in table.total), table.name
    assert main(["stats"]) == 0
    text = capsys.readouterr().out
    table_lines = [line for line in text.splitlines() if line.startswith("  ") and not line.startswith("  (")]
    assert all(n == 0 or n >= T for line in table_lines for n in _counts_in(line)), table_lines
    assert main(["stats", "--csv", "-"]) == 0
    values = [row["value"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out)) if row["measure"] == "Messages"]
    assert all(v in ("<5", "x") or int(v) == 0 or int(v) >= T for v in values)
    drawn = charts(report)
    assert {"kinds", "signposting"} <= set(drawn)
    assert "63" in drawn["kinds"].labels and "<5" in drawn["signposting"].labels  # counts are read off the bars
    for name, chart in drawn.items():
        for label in chart.labels:
            assert all(n == 0 or n >= T for n in _counts_in(label)), (name, label)
    page = to_html(report, drawn)
    for cell in re.findall(r'<td class="n">([^<]*)</td>', page):
        assert cell in ("&lt;5", "x", "–", "") or int(cell) == 0 or int(cell) >= T, cell
    store.close()


def test_a_kind_hidden_in_one_table_is_hidden_as_the_total_of_its_items(tmp_path: Path):
    """Six term questions, one of them about a rare term: the terms table can only protect it
    by hiding its total, so the Terms row of "what people asked about" must not show 6."""
    store = _store(tmp_path, _events(5, "term_grooming", "term") + _events(1, "term_csam", "term")
                   + _events(30, "helplines", "helpline") + _events(30, "topic_grooming_signs", "topic"))
    report = build_report(store, ENGLISH, threshold=T)
    assert report.table("terms").total[0].hidden
    assert report.table("kinds").row("term").cells[0].hidden
    store.close()


def test_a_single_value_is_said_in_words_not_drawn_as_a_lonely_bar(tmp_path: Path):
    store = _store(tmp_path, _events(40, "term_grooming", "term") + _events(20, "helplines", "helpline"))
    report = build_report(store, ENGLISH, threshold=T)
    drawn = charts(report)
    assert "language" not in drawn and "country" not in drawn and "terms" not in drawn and "periods" not in drawn
    assert "kinds" in drawn  # terms and helplines: two values, a chart
    page = to_html(report, drawn)
    assert "English only (60)." in page and "Bangladesh only (60)." in page and "Grooming only (40)." in page
    store.close()


def test_the_charts_answer_what_staff_ask(report: Report):
    drawn = charts(report)
    assert set(drawn) == {"periods", "language", "country", "kinds", "terms", "topics", "signposting", "outcomes"}
    assert {"Messages", "User-days"} <= set(drawn["periods"].labels)
    assert any(label.startswith("Bangla in Latin letters ") and label.endswith("%") for label in drawn["language"].labels)
    assert {"Helplines asked for", "A child in danger now"} <= set(drawn["signposting"].labels)
    assert any(label.startswith("Did not understand ") for label in drawn["outcomes"].labels)
    assert all(chart.png.startswith(b"\x89PNG") for chart in drawn.values())


@pytest.fixture(scope="module")
def bengali_font() -> str:
    path = ensure_file("/usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf", "fonts-noto-core")
    fonts.bengali_font.cache_clear()  # a font installed during the run is found
    return path


def test_bengali_labels_are_drawn_in_a_bengali_font(month: StatsStore, bengali_font: str):
    english = charts(build_report(month, ENGLISH, threshold=T))
    bangla_share = next(label for label in english["language"].labels if label.startswith("বাংলা"))
    assert english["language"].labels[bangla_share] == "Noto Sans Bengali"
    assert english["language"].labels["Share of messages"] != "Noto Sans Bengali"

    in_bengali = build_report(month, Names.load("bn"), threshold=T)
    assert [row.label for row in in_bengali.table("kinds").rows][:2] == ["পরিভাষা", "নির্দেশনা"]
    assert in_bengali.table("terms").rows[0].label == "গ্রুমিং (grooming)"  # the term's Bengali heading
    assert "একটি শিশু এখনই বিপদে" in [row.label for row in in_bengali.table("safety").rows]  # the safety kind in Bengali
    kinds = charts(in_bengali)["kinds"].labels
    assert kinds["পরিভাষা"] == "Noto Sans Bengali" and kinds["বার্তা"] == "Noto Sans Bengali"
    assert "মোট" in to_text(in_bengali)


def test_bengali_is_drawn_shaped_with_its_vowel_signs_in_place(bengali_font: str):
    """matplotlib alone would set the letters of "নির্দেশনা" side by side, the vowel signs after
    their consonants; the chart shows the word shaped, as a browser would, over that place."""
    figure = plt.figure(dpi=110)
    word = figure.text(0.5, 0.5, "নির্দেশনা", ha="center", fontsize=20)
    figure.text(0.5, 0.2, "গ্রুমিং (grooming)", ha="center", fontsize=20)  # both scripts: each run in its font
    fonts.use_script_fonts(figure)
    figure.canvas.draw()
    fonts.shape_bengali(figure)
    assert len(figure.images) == 2
    assert word.get_color() == fonts.TRANSPARENT  # it holds the place; the picture is what shows
    shaped_width = figure.images[0].get_array().shape[1]
    assert shaped_width < word.get_window_extent(figure.canvas.get_renderer()).width  # joined, not side by side
    plt.close(figure)
