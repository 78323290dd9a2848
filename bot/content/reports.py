"""content/reports.yml: the labels and sentences of the usage reports."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

from bot.content.reader import PLACEHOLDER_PATTERN, Problem, Reader, read_yaml
from bot.content.schema import DEFAULT_LANGUAGE, Content

# What the reports need from each section; a section may hold more (items usually does).
REQUIRED_LABELS: Dict[str, tuple] = {
    "languages": ("bn-Latn", "other"),
    "countries": ("other",),
    "kinds": ("term", "topic", "campaign", "helpline", "safety", "other"),
    "outcomes": ("answered", "asked_back", "fallback", "safety"),
    "items": ("helplines", "retired"),
    "periods": ("day", "week", "month"),
    "text": (
        "title", "period_line", "first_record", "today", "suppression", "never_stored",
        "messages", "messages_handled", "users_day", "users_period", "users_note", "users_period_note",
        "change", "partial_period", "change_summary", "miss_rate", "miss_rate_hidden", "dropped", "total", "share",
        "hidden_share", "only_one", "no_data",
        "title_periods_day", "title_periods_week", "title_periods_month",
        "title_language", "column_language", "title_country", "column_country",
        "title_kinds", "column_kinds", "title_terms", "column_terms", "title_topics", "column_topics",
        "title_safety", "column_safety", "title_signposting", "title_outcomes", "column_outcomes",
        "telegram_caption", "telegram_unavailable",
    ),
}


def load_reports(path: Path, content: Content, problems: List[Problem]) -> None:
    reader = Reader(path, problems)
    data = read_yaml(path, problems)
    if not data:
        return  # read_yaml named the problem; listing every missing label would bury it
    for section in sorted(set(data) - set(REQUIRED_LABELS)):
        reader.problem(section, "unknown section")
    for section, required in REQUIRED_LABELS.items():
        raw = data.get(section) or {}
        if not isinstance(raw, dict):
            reader.problem(section, "expected labels keyed by name, each keyed by language")
            continue
        for key in required:
            if key not in raw:
                reader.problem(f"{section}.{key}", "missing: the reports need it")
        labels = content.report_labels.setdefault(section, {})
        for key, value in raw.items():
            entry = f"{section}.{key}"
            label = reader.localized(entry, {key: value}, key)
            if label is None:
                continue
            wanted = set(PLACEHOLDER_PATTERN.findall(label.texts[DEFAULT_LANGUAGE]))
            for language, text in label.texts.items():
                if set(PLACEHOLDER_PATTERN.findall(text)) != wanted:
                    reader.problem(entry, f"'{language}' must hold the same {{placeholders}} as English")
            labels[str(key)] = label
