"""Translations in content/, as a native speaker reviews them: every text keyed by its place,
exported beside its English to a spreadsheet-friendly CSV file, and taken back in.

A text's key is its file and path, with list entries named by their id
("terms.yml:terms/grooming/definition"). A translation counts as reviewed when
content/reviews.yml holds the digest of that English and that translation together: if
either changes afterwards, the text is a draft again. The bot serves drafts too.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, TextIO, Tuple

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString

from bot.content.schema import DEFAULT_LANGUAGE

REVIEWS_FILE = "reviews.yml"
TRANSLATED_FILES = (
    "terms.yml", "guidance.yml", "campaign.yml", "helplines.yml", "conversation.yml", "safety.yml", "telegram.yml", "reports.yml"
)
# Not translations: the list of languages itself, and the safety net's phrases, which are
# written for each language on their own (and tested on messages written apart from them).
NOT_TRANSLATED = ("languages", "phrases")
LIST_SEPARATOR = " | "
FOLD_WIDTH = 88
STATUSES = ("missing", "draft", "reviewed")


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _is_text(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get(DEFAULT_LANGUAGE), (str, list))


def texts(tree: Any, path: str = "") -> Iterator[Tuple[str, Dict[str, Any]]]:
    """(key path, the mapping of languages to text) for every text of a file's tree, once."""
    seen: set = set()

    def walk(node: Any, here: str) -> Iterator[Tuple[str, Dict[str, Any]]]:
        if id(node) in seen:  # a YAML alias: the same texts under another name
            return
        seen.add(id(node))
        if _is_text(node):
            yield here, node
        elif isinstance(node, dict):
            for key, value in node.items():
                if not (here == "" and key in NOT_TRANSLATED):
                    yield from walk(value, f"{here}/{key}" if here else str(key))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                name = item.get("id", index) if isinstance(item, dict) else index
                yield from walk(item, f"{here}/{name}")

    yield from walk(tree, path)


def _cell(value: Any) -> str:
    return LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list) else str(value or "")


def digest(english: Any, translation: Any) -> str:
    return hashlib.sha256(f"{_cell(english)}\0{_cell(translation)}".encode()).hexdigest()[:12]


@dataclass
class ContentTree:
    """content/ loaded for editing: comments, order and folding kept when written back."""

    directory: Path

    def __post_init__(self) -> None:
        self.yaml = _yaml()
        self.files = {name: self.yaml.load((self.directory / name).read_text(encoding="utf-8")) for name in TRANSLATED_FILES}
        reviews = self.directory / REVIEWS_FILE
        self.reviews: Dict[str, Dict[str, str]] = (self.yaml.load(reviews.read_text(encoding="utf-8")) or {}) if reviews.exists() else {}

    def texts(self) -> Iterator[Tuple[str, Dict[str, Any]]]:
        for name, tree in self.files.items():
            for path, node in texts(tree):
                yield f"{name}:{path}", node

    def status(self, key: str, node: Dict[str, Any], language: str) -> str:
        if not node.get(language):
            return "missing"
        reviewed = (self.reviews.get(language) or {}).get(key)
        return "reviewed" if reviewed == digest(node[DEFAULT_LANGUAGE], node[language]) else "draft"

    def counts(self, language: str) -> Dict[str, int]:
        found = {status: 0 for status in STATUSES}
        for key, node in self.texts():
            found[self.status(key, node, language)] += 1
        return found

    def write(self) -> None:
        for name, tree in self.files.items():
            with (self.directory / name).open("w", encoding="utf-8") as out:
                self.yaml.dump(tree, out)
        if self.reviews:
            with (self.directory / REVIEWS_FILE).open("w", encoding="utf-8") as out:
                out.write(REVIEWS_HEADER)
                self.yaml.dump(self.reviews, out)


REVIEWS_HEADER = """\
# Translations a native speaker has reviewed: `redheart content import FILE` writes this file.
# Each entry is a text's place and a digest of its English and its translation as reviewed;
# when either changes, the text counts as a draft again. Do not edit by hand.
"""


def export(tree: ContentTree, language: str, out: TextIO) -> int:
    """Every text with its English, its translation and status, one row each; rows written."""
    writer = csv.writer(out)
    writer.writerow(["key", DEFAULT_LANGUAGE, language, "status"])
    rows = 0
    for key, node in tree.texts():
        writer.writerow([key, _cell(node[DEFAULT_LANGUAGE]), _cell(node.get(language)), tree.status(key, node, language)])
        rows += 1
    return rows


def _as_yaml(english: Any, text: str) -> Any:
    """A translation in the form of its English: a list of names, or folded prose."""
    if isinstance(english, list):
        return [part.strip() for part in text.split(LIST_SEPARATOR.strip()) if part.strip()]
    if not isinstance(english, FoldedScalarString):
        return DoubleQuotedScalarString(text)
    folded = FoldedScalarString(text)
    folded.fold_pos = _fold_positions(text)  # type: ignore[attr-defined]
    return folded


def set_text(node: Dict[str, Any], language: str, value: Any) -> None:
    """Put a translation beside the others. A comment written after the mapping's last text
    belongs to what follows the mapping, so it moves below the new last text."""
    if language in node or not node or not hasattr(node, "ca"):
        node[language] = value
        return
    last = list(node)[-1]
    node[language] = value
    trailing = node.ca.items.pop(last, None)
    if trailing is not None:
        node.ca.items[language] = trailing


def _fold_positions(text: str) -> List[int]:
    """Spaces at which to break long lines, about every FOLD_WIDTH characters."""
    positions, line_start = [], 0
    for index, char in enumerate(text):
        if char == "\n":
            line_start = index + 1
        elif char == " " and index - line_start >= FOLD_WIDTH:
            positions.append(index)
            line_start = index + 1
    return positions


def import_rows(tree: ContentTree, rows: csv.DictReader, reviewed: bool = True) -> Tuple[int, List[str]]:
    """Take a filled-in export back: (texts taken, problems). Rows whose English changed
    since the export are left out and named, so a review never lands on a text it did not see."""
    fields = [f for f in rows.fieldnames or [] if f not in ("key", DEFAULT_LANGUAGE, "status")]
    if len(fields) != 1:
        return 0, [f"expected the columns key, {DEFAULT_LANGUAGE}, LANGUAGE and status; found {rows.fieldnames}"]
    language = fields[0]
    nodes = dict(tree.texts())
    taken, problems = 0, []
    for number, row in enumerate(rows, start=2):
        key, text = row.get("key") or "", (row.get(language) or "").strip()
        node: Optional[Dict[str, Any]] = nodes.get(key)
        if not text:
            continue
        if node is None:
            problems.append(f"line {number}: no text in content/ has the key {key!r}")
        elif _cell(node[DEFAULT_LANGUAGE]).split() != (row.get(DEFAULT_LANGUAGE) or "").split():
            problems.append(f"line {number}: {key}: the English changed since the export; export again")
        else:
            if _cell(node.get(language)) != text:
                set_text(node, language, _as_yaml(node[DEFAULT_LANGUAGE], text))
            if reviewed:
                tree.reviews.setdefault(language, {})[key] = digest(node[DEFAULT_LANGUAGE], node[language])
            taken += 1
    return taken, problems
