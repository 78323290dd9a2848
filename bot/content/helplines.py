"""content/helplines.yml: helplines and report routes, and the countries that list them."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from bot.content.reader import URL_PATTERN, Problem, Reader, read_yaml
from bot.content.schema import INTERNATIONAL, Contact, Content, Country, Helpline, International, Localized, Route
from bot.safety import HELP_KINDS

# Numbers as dialled: optional +, then 3 to 15 digits with single spaces or hyphens between.
PHONE_PATTERN = re.compile(r"^\+?\d(?:[ -]?\d){2,14}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
COUNTRY_CODE_PATTERN = re.compile(r"^[A-Z]{2}$")
# Written for hours or cost when the source does not state them.
NOT_STATED = "not_stated"

HELPLINE_KEYS = {"id", "name", "contacts", "hours", "cost", "purpose", "who", "privacy", "next", "sources", "checked"}
# What an entry may say about itself, for questions about it ("is Childline confidential?").
ABOUT_KEYS = ("who", "privacy", "next")
CONTACT_KEYS = {"type", "value", "label"}
COUNTRY_KEYS = {"name", "emergency", "child_helpline", "listed", "report_online", "mentions", "routes"}
INTERNATIONAL_KEYS = {"name", "listed"}
ROUTE_KEYS = {"entries", "note", "sources"}


def _contacts(reader: Reader, ident: str, raw: Dict[str, Any]) -> Tuple[Contact, ...]:
    if not raw.get("contacts"):
        reader.problem(ident, "missing 'contacts'")
        return ()
    contacts = []
    for contact in raw["contacts"]:
        if not isinstance(contact, dict):
            reader.problem(ident, "each contact needs a type and a value, like {type: phone, value: \"1098\"}")
            continue
        reader.keys(ident, contact, CONTACT_KEYS)
        kind, value = str(contact.get("type")), str(contact.get("value", ""))
        label = reader.localized(ident, contact, "label", required=False)
        if kind == "phone" and not PHONE_PATTERN.match(value):
            reader.problem(ident, f"'{value}' is not a phone number")
        elif kind == "web" and not URL_PATTERN.match(value):
            reader.problem(ident, f"'{value}' is not a web address: give the full address, starting https://")
        elif kind == "email" and not EMAIL_PATTERN.match(value):
            reader.problem(ident, f"'{value}' is not an e-mail address")
        elif kind not in ("phone", "web", "email"):
            reader.problem(ident, f"contact type must be phone, web or email, not '{kind}'")
        else:
            contacts.append(Contact(kind, value, label))
    return tuple(contacts)


def _detail(reader: Reader, ident: str, raw: Dict[str, Any], key: str, has_phone: bool) -> Tuple[bool, Optional[Localized]]:
    """hours or cost: (fine, text). The text is None when the source does not state it.

    An entry with a phone number must give them, or say `not_stated`: a parent needs to know
    when a number answers and that nobody checked. A web-only entry may leave them out.
    """
    value = raw.get(key)
    if value == NOT_STATED:
        return True, None
    if value is None:
        if has_phone:
            reader.problem(
                ident, f"missing '{key}': give it per language, or write '{key}: {NOT_STATED}' when the source does not say"
            )
            return False, None
        return True, None
    text = reader.localized(ident, raw, key)
    return text is not None, text


def load_helplines(path: Path, content: Content, problems: List[Problem]) -> None:
    reader = Reader(path, problems)
    data = read_yaml(path, problems)
    entries = reader.entries(data, "helplines")
    seen = {ident for ident, _ in entries}
    for ident, raw in entries:
        reader.keys(ident, raw, HELPLINE_KEYS)
        contacts = _contacts(reader, ident, raw)
        has_phone = any(contact.type == "phone" for contact in contacts)
        checked = raw.get("checked")
        if not isinstance(checked, dt.date):
            reader.problem(ident, "missing 'checked': the date the entry was last checked, as YYYY-MM-DD")
        fields = {key: reader.localized(ident, raw, key) for key in ("name", "purpose")}
        about = {key: reader.localized(ident, raw, key, required=False) for key in ABOUT_KEYS}
        hours_ok, hours = _detail(reader, ident, raw, "hours", has_phone)
        cost_ok, cost = _detail(reader, ident, raw, "cost", has_phone)
        sources = reader.sources(ident, raw)
        if all(fields.values()) and hours_ok and cost_ok and contacts and sources and isinstance(checked, dt.date):
            content.helplines[ident] = Helpline(
                id=ident, contacts=contacts, hours=hours, cost=cost, sources=sources, checked=checked.isoformat(), **fields, **about
            )

    def known(entry: str, key: str, idents: Iterable[str]) -> None:
        for ident in idents:
            if ident not in seen:
                reader.problem(entry, f"'{key}' names helpline '{ident}', which does not exist in this file")

    for code, raw in (data.get("countries") or {}).items():
        code = str(code)
        entry = f"country {code}"
        if not isinstance(raw, dict):
            reader.problem(entry, "expected name, emergency, child_helpline, listed and report_online")
            continue
        name = reader.localized(entry, raw, "name")
        listed = reader.id_list(entry, raw, "listed")
        known(entry, "listed", listed)
        if code == INTERNATIONAL:
            reader.keys(entry, raw, INTERNATIONAL_KEYS)
            if name:
                content.international = International(name, listed)
            continue
        if not COUNTRY_CODE_PATTERN.match(code):
            reader.problem(entry, f"'{code}' is not a country code: use ISO 3166-1 alpha-2 (BD, GB) or {INTERNATIONAL}")
        reader.keys(entry, raw, COUNTRY_KEYS)
        for key in ("emergency", "child_helpline"):
            if not isinstance(raw.get(key), str):
                reader.problem(entry, f"missing '{key}': the id of its helpline entry")
            else:
                known(entry, key, [raw[key]])
        report_online = reader.id_list(entry, raw, "report_online")
        if not report_online:
            reader.problem(entry, "missing 'report_online': where to report abuse images online from this country")
        known(entry, "report_online", report_online)
        mentions = reader.word_lists(entry, raw, "mentions")
        routes = _routes(reader, entry, raw.get("routes"), known)
        if name:
            content.countries[code] = Country(
                code, name, str(raw.get("emergency")), str(raw.get("child_helpline")), listed, report_online, mentions, routes
            )


def _routes(reader: Reader, entry: str, raw: Any, known: Callable[[str, str, Iterable[str]], None]) -> Dict[str, Route]:
    """A country's own routes for each kind of safety answer: entries to show, and a note.

    `routes: {self_harm: [fr_3114]}`, or with a note on what a country's law or services
    allow: `{child_marriage_now: {entries: [bd_109], note: {en: ...}, sources: [...]}}`.
    """
    routes: Dict[str, Route] = {}
    for kind, value in (raw or {}).items():
        where = f"{entry} routes.{kind}"
        if kind not in HELP_KINDS:
            reader.problem(where, f"'{kind}' is not a safety answer: use one of {', '.join(HELP_KINDS)}")
            continue
        if isinstance(value, list):
            value = {"entries": value}
        if not isinstance(value, dict):
            reader.problem(where, "expected a list of entries, or entries with a note and its sources")
            continue
        reader.keys(where, value, ROUTE_KEYS)
        entries = reader.id_list(where, value, "entries")
        known(where, "entries", entries)
        note = reader.localized(where, value, "note", required=False)
        sources = reader.sources(where, value) if note else ()
        if entries or note:
            routes[str(kind)] = Route(entries, note, sources)
    return routes


