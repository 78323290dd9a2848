"""The shape of the campaign's content: terms, helplines and the bot's own replies."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

DEFAULT_LANGUAGE = "en"
TERM_STATUSES = ("use", "caution", "avoid")


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

    def heading(self, language: str) -> str:
        return (self.names.get(language) or self.names[DEFAULT_LANGUAGE])[0]


@dataclass(frozen=True)
class Contact:
    type: str  # phone | web | email
    value: str


@dataclass(frozen=True)
class Helpline:
    id: str
    name: Localized
    contacts: Tuple[Contact, ...]
    hours: Localized
    cost: Localized
    purpose: Localized
    sources: Tuple[Source, ...]
    checked: str


@dataclass(frozen=True)
class Country:
    code: str
    name: Localized
    emergency: str
    child_helpline: str
    listed: Tuple[str, ...]


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
    languages: Dict[str, str] = field(default_factory=dict)
    replies: Dict[str, Localized] = field(default_factory=dict)
    buttons: Dict[str, List[Button]] = field(default_factory=dict)
    # Safety net phrases: intent -> language -> phrases; "whole" ones match a whole message.
    safety_phrases: Dict[str, Dict[str, List[str]]] = field(default_factory=dict)
    safety_whole_messages: Dict[str, Dict[str, List[str]]] = field(default_factory=dict)
    formats: Dict[str, Localized] = field(default_factory=dict)
    term_headings: Dict[str, Localized] = field(default_factory=dict)
    # The Telegram front end's button labels and notes, and its menu of commands (in order).
    labels: Dict[str, Localized] = field(default_factory=dict)
    commands: Dict[str, Localized] = field(default_factory=dict)

