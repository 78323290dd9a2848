"""What a report calls things: every item, kind, outcome, language and country by the name
content/ gives it, in the staff's language where content has a translation (else English).

Ids stay the keys of every count; a name is only ever looked up to show one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from bot import paths
from bot.content.load import load_content
from bot.content.schema import Content, Localized
from bot.replies.cards import service_intent, term_intent, topic_intent

# The kinds the reports show one by one; every other kind is counted under "other".
SHOWN_KINDS = ("term", "topic", "campaign", "helpline", "safety")
OTHER = "other"
RETIRED = "retired"


class Names:
    def __init__(self, content: Content, language: str = "en") -> None:
        self.content = content
        self.language = language
        self._terms = {term_intent(term): term for term in content.terms}
        self._topics = {topic_intent(topic): topic.title for topic in content.topics}
        self._services = {service_intent(h): h.name for h in content.helplines.values()}
        if content.campaign is not None:
            self._topics["campaign"] = content.campaign.title

    @classmethod
    def load(cls, language: Optional[str] = None, directory: Path = paths.CONTENT_DIR) -> "Names":
        return cls(load_content(directory), language or "en")

    def _label(self, section: str, key: str) -> str:
        return self._get(self.content.report_labels[section][key])

    def _get(self, text: Localized) -> str:
        return text.get(self.language)

    def text(self, key: str, **values: object) -> str:
        """A sentence or heading of the reports, with its {placeholders} filled in."""
        return self._label("text", key).format(**values)

    def period(self, by: str) -> str:
        return self._label("periods", by)

    # Grouping: what a stored label is counted under in a report.

    def language_group(self, code: str) -> str:
        known = code in self.content.languages or code in self.content.report_labels["languages"]
        return code if known else OTHER

    def country_group(self, code: str) -> str:
        return code if code in self.content.countries else OTHER

    @staticmethod
    def kind_group(kind: str) -> str:
        return kind if kind in SHOWN_KINDS else OTHER

    @staticmethod
    def outcome_group(kind: str, outcome: str) -> str:
        # A refusal is a safety answer too: the safety path is one row, whatever it answered.
        return "safety" if kind == "safety" else outcome

    # Names of the groups.

    def language_name(self, code: str) -> str:
        variant = self.content.report_labels["languages"].get(code)
        if variant is not None:
            return self._get(variant)
        return self.content.languages[code]

    def country_name(self, code: str) -> str:
        if code == OTHER:
            return self._label("countries", OTHER)
        return _capitalised(self._get(self.content.countries[code].name))

    def kind_name(self, kind: str) -> str:
        return self._label("kinds", kind)

    def outcome_name(self, outcome: str) -> str:
        return self._label("outcomes", outcome)

    def item_name(self, item: str) -> str:
        term = self._terms.get(item)
        if term is not None:
            return _capitalised(term.heading(self.language))
        if item in self._topics:
            return self._get(self._topics[item])
        if item in self._services:
            return self._get(self._services[item])
        items = self.content.report_labels["items"]
        return self._get(items.get(item) or items[RETIRED])


def _capitalised(name: str) -> str:
    # Headings and names are written for the middle of a sentence ("grooming", "the United
    # Kingdom"); at the head of a row they start with a capital.
    return name[:1].upper() + name[1:]
