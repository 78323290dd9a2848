"""Reading one content file: its YAML, and the checks every file shares (ids, texts keyed by
language, sources, placeholders), each fault recorded with its file, entry and problem."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

from bot.content.schema import COUNTRY_PLACEHOLDERS, DEFAULT_LANGUAGE, Localized, Source

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")
# Web addresses (sources and web contacts) are full https addresses.
URL_PATTERN = re.compile(r"^https://[^\s/]+\.[^\s]+$")
PLACEHOLDER_PATTERN = re.compile(r"\{([^{}]*)\}")
HELPLINE_PLACEHOLDER = re.compile(r"^helpline\[(\w+)\]$")


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


class ContentError(Exception):
    """content/ has problems; each names its file, entry and fault."""

    def __init__(self, problems: List[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Reader:
    """Collects problems while turning one YAML file's entries into content objects."""

    def __init__(self, path: Path, problems: List[Problem]) -> None:
        self.file = path.name
        self.problems = problems

    def problem(self, entry: str, message: str) -> None:
        self.problems.append(Problem(self.file, entry, message))

    def keys(self, entry: str, data: Dict[str, Any], allowed: Iterable[str]) -> None:
        for key in sorted(set(data) - set(allowed)):
            self.problem(entry, f"unknown key '{key}'")

    def localized(self, entry: str, data: Dict[str, Any], key: str, required: bool = True) -> Optional[Localized]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(entry, f"missing '{key}'")
            return None
        if not isinstance(value, dict):
            self.problem(entry, f"'{key}' must map language codes to text, like {{en: ...}}")
            return None
        texts: Dict[str, str] = {}
        for language, text in value.items():
            if not isinstance(language, str) or not LANGUAGE_PATTERN.match(language):
                self.problem(entry, f"'{key}' has '{language}', which is not a two-letter language code")
            elif not isinstance(text, str) or not text.strip():
                self.problem(entry, f"'{key}' in '{language}' is empty")
            else:
                texts[language] = text.strip()
        if DEFAULT_LANGUAGE not in value:
            self.problem(entry, f"'{key}' is missing in English (en)")
            return None
        return Localized(texts) if DEFAULT_LANGUAGE in texts else None

    def sources(self, entry: str, data: Dict[str, Any]) -> Tuple[Source, ...]:
        raw = data.get("sources")
        if not raw:
            self.problem(entry, "missing source: every fact needs the source it comes from")
            return ()
        found = []
        for item in raw:
            if not isinstance(item, dict) or not item.get("title") or not item.get("url"):
                self.problem(entry, "each source needs a title and a url")
            elif not URL_PATTERN.match(str(item["url"])):
                self.problem(entry, f"source url '{item['url']}' is not a web address")
            else:
                found.append(Source(str(item["title"]), str(item["url"])))
        return tuple(found)

    def placeholders(self, entry: str, key: str, text: Optional[Localized], helplines: Iterable[str] = ()) -> None:
        """Words in braces must be ones the generator fills in for the user's country, or
        {helpline[ID]} naming an entry of helplines.yml."""
        for language, value in (text.texts.items() if text else ()):
            for name in PLACEHOLDER_PATTERN.findall(value):
                named = HELPLINE_PLACEHOLDER.match(name)
                if named and named.group(1) not in helplines:
                    self.problem(entry, f"'{key}' in '{language}' names helpline '{named.group(1)}', which does not exist in helplines.yml")
                elif not named and name not in COUNTRY_PLACEHOLDERS:
                    known = ", ".join(f"{{{p}}}" for p in COUNTRY_PLACEHOLDERS)
                    self.problem(entry, f"'{key}' in '{language}' has unknown placeholder {{{name}}}: use {known}")

    def id_list(self, entry: str, data: Dict[str, Any], key: str) -> Tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(entry, f"'{key}' must be a list of ids, like [bd_1098]")
            return ()
        return tuple(value)

    def word_lists(self, entry: str, data: Dict[str, Any], key: str) -> Dict[str, Tuple[str, ...]]:
        """An optional list of lower-case words or phrases per language."""
        value = data.get(key) or {}
        lists = value.items() if isinstance(value, dict) else ()
        if not isinstance(value, dict) or not all(
            isinstance(words, list) and all(isinstance(w, str) and w == w.lower() and w.strip() for w in words)
            for _, words in lists
        ):
            self.problem(entry, f"'{key}' must give lists of lower-case words per language, like {{en: [france]}}")
            return {}
        return {str(language): tuple(words) for language, words in lists}

    def entries(self, data: Dict[str, Any], key: str) -> List[Tuple[str, Dict[str, Any]]]:
        """The entries listed under key, each with its id; an entry without a well-formed,
        unique id is reported and skipped."""
        found: Dict[str, Dict[str, Any]] = {}
        for position, entry in enumerate(data.get(key) or [], start=1):
            ident = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(ident, str) or not ID_PATTERN.match(ident):
                self.problem(f"entry {position}", f"missing or malformed id {ident!r} (lower case letters, digits, _)")
            elif ident in found:
                self.problem(ident, "duplicate id")
            else:
                found[ident] = entry
        return list(found.items())


def read_yaml(path: Path, problems: List[Problem]) -> Dict[str, Any]:
    try:
        # libyaml's loader where PyYAML has it: content is read at every start of the bot.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        problems.append(Problem(path.name, "-", "file is missing"))
        return {}
    except yaml.YAMLError as error:
        problems.append(Problem(path.name, "-", f"not valid YAML: {error}"))
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(path.name, "-", "expected a mapping at the top"))
        return {}
    return data
