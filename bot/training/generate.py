"""Build Rasa training data and the domain's responses from content/.

Data flows one way: content/ and nlu/ -> build/rasa/ -> model. The generated files are
build output (never edited by hand, never committed); the tests and `redheart train`
rebuild them.

The domain holds one variation of each response (English, Bangladesh): the running bot
renders every reply for the conversation's language and country from content/
(bot/replies/), so the domain does not grow with languages times countries.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Sequence

import yaml

from bot import paths
from bot.content.schema import DEFAULT_LANGUAGE, Content
from bot.replies.cards import CAMPAIGN_INTENT, DEFAULT_COUNTRY, TOPIC_SLOT, guide_intents, service_intent, term_intent, topic_intent
from bot.replies.catalogue import Catalogue
from bot.safety import HELP_KINDS, REFUSAL

COUNTRY_ENTITY = "country"


def build_domain(content: Content) -> Dict[str, Any]:
    """The generated part of the domain: slots, item intents and one variation of each response."""
    catalogue = Catalogue(content)
    responses = {name: [variation(catalogue.default)] for name, variation in catalogue.responses.items()}
    return {
        "version": "3.1",
        "intents": item_intents(content) + safety_intents(),
        "slots": {
            "language": {
                "type": "categorical",
                "values": list(content.languages),
                "initial_value": DEFAULT_LANGUAGE,
                "influence_conversation": False,
                "mappings": [{"type": "custom"}],
            },
            TOPIC_SLOT: {
                "type": "text",
                "influence_conversation": False,
                "mappings": [{"type": "from_intent", "intent": i, "value": i} for i in item_intents(content)],
            },
            "country": {
                "type": "categorical",
                "values": list(content.countries),
                "initial_value": DEFAULT_COUNTRY,
                "influence_conversation": False,
                # Set by the front end from the user's choice; a country named in a message
                # overrides it for that answer (the front end sets the choice again next time).
                "mappings": [{"type": "custom"}, {"type": "from_entity", "entity": COUNTRY_ENTITY}],
            },
        },
        "responses": responses,
    }


def _examples(templates: Iterable[str], placeholder: str, values: Iterable[str]) -> List[str]:
    """Every value in every template, in lower case, each example once."""
    return list(dict.fromkeys(template.format(**{placeholder: value.lower()}) for value in values for template in templates))


def _example_lines(items: Iterable[str]) -> str:
    """Rasa's examples block: one "- item" line each."""
    return "".join(f"- {item}\n" for item in items)


def _in_every_language(by_language: Mapping[str, Sequence[str]]) -> List[str]:
    """The phrases of all languages, in a stable order."""
    return [phrase for language in sorted(by_language) for phrase in by_language[language]]


def item_intents(content: Content) -> List[str]:
    """The intents that answer a subject: every term, every topic, the campaign and every
    helpline or report route (questions about the service itself)."""
    services = [service_intent(h) for h in content.helplines.values()]
    return [term_intent(term) for term in content.terms] + list(guide_intents(content)) + services


def _short_name(name: str) -> str:
    """"Take It Down (NCMEC)" -> "take it down": what people call a service."""
    return re.split(r" \(|, ", name, maxsplit=1)[0].strip().lower()


def _owners(content: Content) -> Dict[str, List[str]]:
    """helpline id -> the countries that show it (emergency, child helpline, lists, routes)."""
    owners: Dict[str, List[str]] = {}
    for code, country in content.countries.items():
        routed = [i for route in country.routes.values() for i in route.entries]
        for ident in {country.emergency, country.child_helpline, *country.listed, *country.report_online, *routed}:
            owners.setdefault(ident, []).append(code)
    return owners


def service_names(content: Content) -> Dict[str, Dict[str, List[str]]]:
    """intent -> language -> the short names people use for the service.

    A name two entries share ("999" in Bangladesh and the UK) would teach the model nothing:
    it becomes the name with the entry's country ("999 bangladesh") where one country shows
    the entry, and is left out otherwise.
    """
    wanted: Dict[str, Dict[str, List[str]]] = {}
    for helpline in content.helplines.values():
        phones = [c.value for c in helpline.contacts if c.type == "phone"]
        wanted[helpline.id] = {lang: [_short_name(name), *phones] for lang, name in helpline.name.texts.items()}
    users: Dict[str, set] = {}
    for ident, by_language in wanted.items():
        for names in by_language.values():
            for name in names:
                users.setdefault(name, set()).add(ident)
    owners = _owners(content)
    result: Dict[str, Dict[str, List[str]]] = {}
    for ident, by_language in wanted.items():
        places = owners.get(ident, [])
        named = {}
        for lang, names in by_language.items():
            country = re.sub(r"^the ", "", content.countries[places[0]].name.get(lang).lower()) if len(places) == 1 else None
            unique = [n if len(users[n]) == 1 else f"{n} {country}" for n in names if len(users[n]) == 1 or country]
            named[lang] = list(dict.fromkeys(unique))
        result[service_intent(content.helplines[ident])] = named
    return result


def safety_intents() -> List[str]:
    """The safety path's kinds (bot/safety.py), each answered by its reply in safety.yml."""
    return [*HELP_KINDS, REFUSAL]


def build_nlu(content: Content, patterns: Dict[str, Any]) -> Dict[str, Any]:
    """Training examples: every term name and every topic title in its language's patterns.

    The campaign's examples are hand-written (nlu/data/campaign.yml) besides its title.
    """
    nlu = []
    for term in content.terms:
        examples: List[str] = []
        for language, names in term.names.items():
            templates = list(patterns["terms"]["any"].get(language, ()))
            if term.status == "avoid":
                templates += patterns["terms"]["avoid"].get(language, ())
            examples += _examples(templates, "name", names)
        nlu.append({"intent": term_intent(term), "examples": _example_lines(dict.fromkeys(examples))})
    for topic in content.topics:
        examples = [e for lang, title in topic.title.texts.items() for e in _examples(patterns["topics"].get(lang, ()), "title", [title])]
        nlu.append({"intent": topic_intent(topic), "examples": _example_lines(dict.fromkeys(examples))})
    if content.campaign:
        titles = content.campaign.title.texts.values()
        nlu.append({"intent": CAMPAIGN_INTENT, "examples": _example_lines(dict.fromkeys(t.lower() for t in titles))})
    for intent, by_language in service_names(content).items():
        examples = [e for lang, names in by_language.items() for e in _examples(patterns["services"].get(lang, ()), "name", names)]
        nlu.append({"intent": intent, "examples": _example_lines(dict.fromkeys(examples))})
    return {"version": "3.1", "nlu": nlu}


def build_safety_lookups(content: Content) -> Dict[str, Any]:
    """The safety net's phrases as Rasa lookup tables, read by bot.nlu.safety_net."""
    tables = []
    for kind, groups in content.safety_phrases.items():
        prefix = "safety_" if kind == "contains" else f"safety_{kind}_"
        for intent, by_language in groups.items():
            tables.append({"lookup": f"{prefix}{intent}", "examples": _example_lines(_in_every_language(by_language))})
    return {"version": "3.1", "nlu": tables}


def build_country_mentions(content: Content) -> Dict[str, Any]:
    """Words that name a country, as the lookup table RegexEntityExtractor matches and the
    synonyms EntitySynonymMapper turns into the country's code (the `country` slot's value)."""
    words = {code: _in_every_language(country.mentions) for code, country in content.countries.items()}
    tables: List[Dict[str, Any]] = [{"lookup": COUNTRY_ENTITY, "examples": _example_lines(w for ws in words.values() for w in ws)}]
    tables += [{"synonym": code, "examples": _example_lines(ws)} for code, ws in words.items() if ws]
    return {"version": "3.1", "nlu": tables}


def build_rules(content: Content) -> Dict[str, Any]:
    """One fixed rule per item and per safety kind: the intent, then its answer."""
    rules = [
        {"rule": f"answer {intent}", "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]}
        for intent in item_intents(content) + safety_intents()
    ]
    return {"version": "3.1", "rules": rules}


def _write_yaml(path: Path, data: Dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# Generated from content/ by `redheart train`; do not edit.\n"
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


@dataclass(frozen=True)
class TrainingFiles:
    """Where Rasa finds the project's training input after generation."""

    config: Path
    domain: Path
    data: List[Path]


def generate(content: Content, build_dir: Path = paths.BUILD_DIR) -> TrainingFiles:
    """Write the generated domain, NLU data and rules under build_dir."""
    if build_dir.exists():
        shutil.rmtree(build_dir)
    domain_dir = build_dir / "domain"
    data_dir = build_dir / "data"
    domain_dir.mkdir(parents=True)
    shutil.copyfile(paths.DOMAIN_FILE, domain_dir / "domain.yml")
    _write_yaml(domain_dir / "content.yml", build_domain(content))
    patterns = yaml.safe_load(paths.QUESTION_PATTERNS.read_text(encoding="utf-8"))
    _write_yaml(data_dir / "content_nlu.yml", build_nlu(content, patterns))
    _write_yaml(data_dir / "content_rules.yml", build_rules(content))
    _write_yaml(data_dir / "safety_lookups.yml", build_safety_lookups(content))
    _write_yaml(data_dir / "country_mentions.yml", build_country_mentions(content))
    return TrainingFiles(config=paths.CONFIG_FILE, domain=domain_dir, data=[paths.NLU_DATA_DIR, data_dir])
