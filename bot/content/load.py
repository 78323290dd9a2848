"""Read content/ and check it, naming the file, the entry and the problem for each fault."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.content.helplines import load_helplines
from bot.content.reader import LANGUAGE_PATTERN, ContentError, Problem, Reader, read_yaml
from bot.content.reports import load_reports
from bot.content.schema import (
    DEFAULT_LANGUAGE,
    PHRASE_KINDS,
    INTERNATIONAL,
    TERM_STATUSES,
    Button,
    Content,
    CountryRule,
    Term,
    Topic,
)

# A definition a worried parent reads at a glance: about 80 words, with a little leeway.
MAX_DEFINITION_WORDS = 90

TERM_KEYS = {"id", "status", "names", "definition", "example", "say_instead", "why", "related", "guidance", "sources", "by_country"}
TOPIC_KEYS = {"id", "title", "answer", "report_route", "helplines", "sources"}
CAMPAIGN_KEYS = {"title", "answer", "sources"}


def _country_rules(reader: Reader, ident: str, raw: Dict[str, Any]) -> Tuple[Tuple[str, CountryRule], ...]:
    rules = []
    for country, entry in (raw.get("by_country") or {}).items():
        where = f"{ident}/by_country/{country}"
        if not isinstance(entry, dict):
            reader.problem(where, "give 'text' (by language) and 'sources'")
            continue
        reader.keys(where, entry, {"text", "sources"})
        text, sources = reader.localized(where, entry, "text"), reader.sources(where, entry)
        if text and sources:
            rules.append((str(country), CountryRule(text, sources)))
    return tuple(rules)


def _load_terms(path: Path, content: Content, problems: List[Problem]) -> None:
    reader = Reader(path, problems)
    entries = reader.entries(read_yaml(path, problems), "terms")
    for ident, raw in entries:
        reader.keys(ident, raw, TERM_KEYS)
        status = raw.get("status")
        if status not in TERM_STATUSES:
            reader.problem(ident, f"status must be one of {', '.join(TERM_STATUSES)}, not {status!r}")
        names = raw.get("names") or {}
        if not isinstance(names, dict) or not isinstance(names.get(DEFAULT_LANGUAGE), list) or not names[DEFAULT_LANGUAGE]:
            reader.problem(ident, "'names' is missing in English (en): give a list, heading first")
            names = {}
        say_instead = reader.localized(ident, raw, "say_instead", required=False)
        why = reader.localized(ident, raw, "why", required=False)
        if status == "avoid" and "say_instead" not in raw:
            reader.problem(ident, "a term marked 'avoid' needs an alternative in 'say_instead'")
        if status in ("avoid", "caution") and "why" not in raw:
            reader.problem(ident, f"a term marked '{status}' needs 'why'")
        definition = reader.localized(ident, raw, "definition")
        for language, text in (definition.texts.items() if definition else ()):
            if len(text.split()) > MAX_DEFINITION_WORDS:
                reader.problem(ident, f"the definition in '{language}' has {len(text.split())} words; keep it to about 80")
        example = reader.localized(ident, raw, "example")
        sources = reader.sources(ident, raw)
        if names and definition and example and sources and status in TERM_STATUSES:
            content.terms.append(
                Term(
                    id=ident,
                    status=status,
                    names={lang: [str(n) for n in values] for lang, values in names.items()},
                    definition=definition,
                    example=example,
                    related=tuple(raw.get("related") or ()),
                    sources=sources,
                    say_instead=say_instead,
                    why=why,
                    guidance=tuple(raw.get("guidance") or ()),
                    by_country=_country_rules(reader, ident, raw),
                )
            )
    known = {ident for ident, _ in entries}
    owners: Dict[Tuple[str, str], str] = {}
    for term in content.terms:
        for language, names in term.names.items():
            for name in names:
                owner = owners.setdefault((language, name.lower()), term.id)
                if owner != term.id:
                    reader.problem(term.id, f"name '{name}' is also a name of '{owner}': the model could not tell them apart")
    for term in content.terms:
        for other in term.related:
            if other not in known:
                reader.problem(term.id, f"related term '{other}' does not exist")


def _topic(reader: Reader, entry: str, raw: Dict[str, Any], ident: str, allowed: Iterable[str]) -> Optional[Topic]:
    """One guidance topic, or the campaign's page, checked."""
    reader.keys(entry, raw, allowed)
    title = reader.localized(entry, raw, "title")
    answer = reader.localized(entry, raw, "answer")
    report_route = reader.localized(entry, raw, "report_route", required=False)
    reader.placeholders(entry, "answer", answer)
    reader.placeholders(entry, "report_route", report_route)
    helplines = reader.id_list(entry, raw, "helplines")
    sources = reader.sources(entry, raw)
    if title and answer and sources:
        return Topic(ident, title, answer, sources, report_route, helplines)
    return None


def _load_topics(path: Path, content: Content, problems: List[Problem]) -> None:
    reader = Reader(path, problems)
    for ident, raw in reader.entries(read_yaml(path, problems), "topics"):
        if "report_route" not in raw and not raw.get("helplines"):
            reader.problem(ident, "a topic must say where to get help: give 'report_route', 'helplines' or both")
        topic = _topic(reader, ident, raw, ident, TOPIC_KEYS)
        if topic:
            content.topics.append(topic)


def _load_campaign(path: Path, content: Content, problems: List[Problem]) -> None:
    reader = Reader(path, problems)
    raw = read_yaml(path, problems).get("campaign")
    if not isinstance(raw, dict):
        reader.problem("campaign", "missing 'campaign': its title, answer and sources")
        return
    content.campaign = _topic(reader, "campaign", raw, "campaign", CAMPAIGN_KEYS)


def _load_replies(path: Path, content: Content, problems: List[Problem]) -> None:
    reader = Reader(path, problems)
    data = read_yaml(path, problems)
    for code, name in (data.get("languages") or {}).items():
        if not LANGUAGE_PATTERN.match(str(code)):
            reader.problem(f"language {code}", "not a two-letter language code")
        content.languages[str(code)] = str(name)
    for key, value in (data.get("replies") or {}).items():
        if key in content.replies:
            reader.problem(key, "duplicate reply: each reply lives in one file")
        reply = reader.localized(key, {key: value}, key)
        reader.placeholders(key, key, reply, content.helplines)
        if reply:
            content.replies[key] = reply
    for key, raw_buttons in (data.get("buttons") or {}).items():
        for position, raw in enumerate(raw_buttons or [], start=1):
            title = reader.localized(f"buttons.{key} {position}", raw, "title")
            if title and raw.get("intent"):
                content.buttons.setdefault(str(key), []).append(Button(title, str(raw["intent"])))
    for intent, raw in (data.get("phrases") or {}).items():
        raw = dict(raw or {})
        kinds = {kind: raw.pop(kind, None) for kind in PHRASE_KINDS[1:]}
        kinds["contains"] = raw or None
        for kind, phrases in kinds.items():
            if not phrases:
                continue
            # Phrases are written for each language on their own; a language may have a
            # kind of phrase that English does not need.
            if not isinstance(phrases, dict) or not all(isinstance(items, list) for items in phrases.values()):
                reader.problem(f"phrases.{intent}", "phrases must be listed per language, like {en: [...], bn: [...]}")
                continue
            by_language = {str(lang): [str(p) for p in items] for lang, items in phrases.items()}
            content.safety_phrases.setdefault(kind, {})[str(intent)] = by_language
    for key, value in (data.get("formats") or {}).items():
        if key == "term_heading":
            for status in TERM_STATUSES:
                heading = reader.localized("formats.term_heading", value, status)
                if heading:
                    content.term_headings[status] = heading
            continue
        fmt = reader.localized(f"formats.{key}", {key: value}, key)
        if fmt:
            content.formats[key] = fmt


# Labels the Telegram front end needs; {page} and {pages} are filled in.
INTERFACE_LABELS = (
    "previous", "next", "page", "glossary", "forget_yes", "forget_no", "forgotten", "kept", "expired",
)
# The replies the Telegram menus need from content/telegram.yml.
INTERFACE_REPLIES = ("glossary", "privacy", "choose_language", "choose_country", "forget")
COMMAND_PATTERN = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMAND_DESCRIPTION = 256


def _load_interface(path: Path, content: Content, problems: List[Problem]) -> None:
    """content/telegram.yml: replies and buttons like conversation.yml, plus labels and commands."""
    reader = Reader(path, problems)
    data = read_yaml(path, problems)
    for key in sorted(set(data) - {"replies", "buttons", "labels", "commands"}):
        reader.problem(key, "unknown section")
    _load_replies(path, content, problems)
    for key in INTERFACE_REPLIES:
        if key not in (data.get("replies") or {}):
            reader.problem(f"replies.{key}", "missing: the Telegram menus need it")
    labels = data.get("labels") or {}
    for key in INTERFACE_LABELS:
        if key not in labels:
            reader.problem(f"labels.{key}", "missing: the Telegram front end needs it")
    for key, value in labels.items():
        label = reader.localized(f"labels.{key}", {key: value}, key)
        if label is None:
            continue
        if key == "page" and any("{page}" not in t or "{pages}" not in t for t in label.texts.values()):
            reader.problem("labels.page", "must contain {page} and {pages}")
        content.labels[str(key)] = label
    for name, value in (data.get("commands") or {}).items():
        entry = f"commands.{name}"
        if not COMMAND_PATTERN.match(str(name)):
            reader.problem(entry, "a command is 1 to 32 lower case letters, digits or _")
            continue
        description = reader.localized(entry, {name: value}, name)
        if description is None:
            continue
        for language, text in description.texts.items():
            if len(text) > MAX_COMMAND_DESCRIPTION:
                reader.problem(entry, f"'{language}' is longer than Telegram's {MAX_COMMAND_DESCRIPTION} characters")
        content.commands[str(name)] = description


CONTENT_FILES = {
    "terms.yml": _load_terms,
    "helplines.yml": load_helplines,
    "guidance.yml": _load_topics,
    "campaign.yml": _load_campaign,
    "conversation.yml": _load_replies,
    "safety.yml": _load_replies,
    "telegram.yml": _load_interface,
    "reports.yml": load_reports,
}


def _check_topic_helplines(content: Content, problems: List[Problem]) -> None:
    for file, topics in (("guidance.yml", content.topics), ("campaign.yml", [content.campaign] if content.campaign else [])):
        for topic in topics:
            for ident in topic.helplines:
                if ident not in content.helplines:
                    problems.append(Problem(file, topic.id, f"helpline '{ident}' does not exist in helplines.yml"))


def load_content(directory: Path) -> Content:
    """Load and check every content file; raise ContentError listing all problems."""
    content = Content()
    problems: List[Problem] = []
    for name, loader in CONTENT_FILES.items():
        loader(directory / name, content, problems)
    _check_topic_helplines(content, problems)
    topics = {topic.id for topic in content.topics}
    for term in content.terms:
        for topic in term.guidance:
            if topic not in topics:
                problems.append(Problem("terms.yml", term.id, f"guidance topic '{topic}' does not exist in guidance.yml"))
        for country, _ in term.by_country:
            if country not in content.countries:
                problems.append(Problem("terms.yml", term.id, f"country '{country}' in by_country is not a country of helplines.yml"))
    if DEFAULT_LANGUAGE not in content.languages:
        problems.append(Problem("conversation.yml", "languages", "English (en) must be listed"))
    if content.international is None:
        problems.append(Problem("helplines.yml", f"country {INTERNATIONAL}", "the international routes must be listed"))
    if problems:
        raise ContentError(problems)
    return content
