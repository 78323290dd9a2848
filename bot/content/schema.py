"""The shape of the campaign's content: terms, guidance topics, helplines, the campaign and
the bot's own replies."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

DEFAULT_LANGUAGE = "en"
TERM_STATUSES = ("use", "caution", "avoid")
# How a safety phrase matches: anywhere in a message, as the whole message, or cancelling the
# group's other matches. In content/safety.yml `contains` phrases are listed directly.
PHRASE_KINDS = ("contains", "whole_message", "unless")
# The code under which helplines.yml lists the routes that serve every country. It is not a
# country a user can be in: it has no emergency number and no child helpline of its own.
INTERNATIONAL = "INT"
# Words in braces that a reply, a topic's answer or its report route may contain; they become
# the contacts for the user's country when the model is trained.
COUNTRY_PLACEHOLDERS = ("emergency", "child_helpline", "helplines", "report_online", "routes")


@dataclass(frozen=True)
class Localized:
    """One text in several languages; English is always present."""

    texts: Dict[str, str]

    def get(self, language: str) -> str:
        return self.texts.get(language) or self.texts[DEFAULT_LANGUAGE]

    @property
    def languages(self) -> Tuple[str, ...]:
        return tuple(self.texts)


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class CountryRule:
    """What one country's law says about a term (the age of consent), with its sources."""

    text: Localized
    sources: Tuple[Source, ...]


@dataclass(frozen=True)
class Term:
    id: str
    status: str
    names: Dict[str, List[str]]
    definition: Localized
    example: Localized
    related: Tuple[str, ...]
    sources: Tuple[Source, ...]
    say_instead: Optional[Localized] = None
    why: Optional[Localized] = None
    # Guidance topics on what to do about it: "what should I do?" after this term opens the first.
    guidance: Tuple[str, ...] = ()
    # Country code -> that country's rule, shown to a user in that country.
    by_country: Tuple[Tuple[str, CountryRule], ...] = ()

    def rule_for(self, country: str) -> Optional[CountryRule]:
        return dict(self.by_country).get(country)

    def heading(self, language: str) -> str:
        return (self.names.get(language) or self.names[DEFAULT_LANGUAGE])[0]


@dataclass(frozen=True)
class Contact:
    type: str  # phone | web | email
    value: str
    label: Optional[Localized] = None  # what this contact is for, when an entry has several


@dataclass(frozen=True)
class Helpline:
    """A helpline or report route.

    hours and cost are None when the source does not state them (written `not_stated` in
    helplines.yml for an entry with a phone number, left out for a web-only entry).
    """

    id: str
    name: Localized
    contacts: Tuple[Contact, ...]
    hours: Optional[Localized]
    cost: Optional[Localized]
    purpose: Localized
    sources: Tuple[Source, ...]
    checked: str
    # What it says about itself, where a source states it: who can contact it, whether it
    # is anonymous or confidential, and what happens after a call or a report.
    who: Optional[Localized] = None
    privacy: Optional[Localized] = None
    next: Optional[Localized] = None

    @property
    def has_phone(self) -> bool:
        return any(contact.type == "phone" for contact in self.contacts)


@dataclass(frozen=True)
class Country:
    code: str
    name: Localized
    emergency: str
    child_helpline: str
    listed: Tuple[str, ...]
    report_online: Tuple[str, ...]
    # Words that name the country in a question, per language ("france", "the uk").
    mentions: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    # The country's own routes for a kind of safety answer (bot/safety.py), besides the
    # emergency number and the child helpline every safety answer shows.
    routes: Dict[str, "Route"] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """Where else to turn in a country for one kind of safety answer, and why there."""

    entries: Tuple[str, ...]
    note: Optional[Localized] = None
    sources: Tuple[Source, ...] = ()


@dataclass(frozen=True)
class International:
    """The routes that serve people in every country, shown after a country's own."""

    name: Localized
    listed: Tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """A guidance topic (or the campaign's own page): practical steps with their sources.

    report_route may hold the placeholders in COUNTRY_PLACEHOLDERS; helplines are entries
    shown under the answer whatever the user's country.
    """

    id: str
    title: Localized
    answer: Localized
    sources: Tuple[Source, ...]
    report_route: Optional[Localized] = None
    helplines: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Button:
    title: Localized
    intent: str


@dataclass
class Content:
    """Everything under content/, checked and ready to build training data from."""

    terms: List[Term] = field(default_factory=list)
    helplines: Dict[str, Helpline] = field(default_factory=dict)
    countries: Dict[str, Country] = field(default_factory=dict)
    international: Optional[International] = None
    topics: List[Topic] = field(default_factory=list)
    campaign: Optional[Topic] = None
    languages: Dict[str, str] = field(default_factory=dict)
    replies: Dict[str, Localized] = field(default_factory=dict)
    buttons: Dict[str, List[Button]] = field(default_factory=dict)
    # Safety net phrases: kind (see PHRASE_KINDS) -> intent -> language -> phrases.
    safety_phrases: Dict[str, Dict[str, Dict[str, List[str]]]] = field(default_factory=dict)
    formats: Dict[str, Localized] = field(default_factory=dict)
    term_headings: Dict[str, Localized] = field(default_factory=dict)
    # The Telegram front end's button labels and notes, and its menu of commands (in order).
    labels: Dict[str, Localized] = field(default_factory=dict)
    commands: Dict[str, Localized] = field(default_factory=dict)
    # content/reports.yml: section (kinds, outcomes, items, ...) -> key -> label.
    report_labels: Dict[str, Dict[str, Localized]] = field(default_factory=dict)

