"""Build Rasa training data and responses from content/.

Data flows one way: content/ and nlu/ -> build/rasa/ -> model. The generated files are
build output (never edited by hand, never committed); the tests and `redheart train`
rebuild them.

Every reply that depends on the user's language or country becomes one Rasa response with
conditional variations on the `language` and `country` slots: the default variation is
English for the default country, and each other (country, language) pair whose text
differs gets exactly one variation with both conditions, so Rasa never has two matches to
choose between at random.
"""
from __future__ import annotations

import itertools
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence

import yaml

from bot import paths
from bot.content.schema import DEFAULT_LANGUAGE, Contact, Content, Helpline, Localized, Term, Topic

DEFAULT_COUNTRY = "BD"
# Button payloads that are not intents: the Telegram front end acts on them (see
# bot/telegram/app.py). Each fits Telegram's 64-byte callback data.
CHOOSE_LANGUAGE = "l:"
CHOOSE_COUNTRY = "c:"
FORGET_YES = "f:yes"
FORGET_NO = "f:no"
GLOSSARY = "glossary"

CAMPAIGN_INTENT = "campaign"
# The slot that remembers the last item answered, so "tell me more" and "what should I do?"
# can answer for it.
TOPIC_SLOT = "topic"
COUNTRY_ENTITY = "country"


def _slot(name: str, value: str) -> Dict[str, str]:
    return {"type": "slot", "name": name, "value": value}


def term_intent(term: Term) -> str:
    return f"term_{term.id}"


def topic_intent(topic: Topic) -> str:
    return f"topic_{topic.id}"


def guide_intents(content: Content) -> Dict[str, Topic]:
    """Every topic-shaped item by its intent: the guidance topics and the campaign's page."""
    items = {topic_intent(topic): topic for topic in content.topics}
    if content.campaign:
        items[CAMPAIGN_INTENT] = content.campaign
    return items


@dataclass(frozen=True)
class Audience:
    """Who a variation is for: the language and country slots' values."""

    language: str
    country: str


Render = Callable[[Audience], str]
# Buttons or custom data added to a variation for an audience.
Extra = Callable[[Audience], Dict[str, Any]]


class _HelplineLines:
    """Lets a reply name one helpline as {helpline[ID]}."""

    def __init__(self, builder: "ResponseBuilder", audience: Audience) -> None:
        self.builder = builder
        self.audience = audience

    def __getitem__(self, ident: str) -> str:
        return self.builder.helpline_line(self.builder.content.helplines[ident], self.audience)


class ResponseBuilder:
    """Renders content for each audience and lays it out as Rasa response variations."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.default = Audience(DEFAULT_LANGUAGE, DEFAULT_COUNTRY)

    def audiences(self) -> Iterable[Audience]:
        for language, country in itertools.product(self.content.languages, self.content.countries):
            yield Audience(language, country)

    def variations(
        self, render: Render, buttons: str = "", labels: bool = False, extra: Optional[Extra] = None
    ) -> List[Dict[str, Any]]:
        def variation(audience: Audience) -> Dict[str, Any]:
            result: Dict[str, Any] = {"text": render(audience)}
            if buttons in self.content.buttons:
                result["buttons"] = self.buttons(buttons, audience.language)
            if labels:
                result["custom"] = {"labels": self.item_labels(audience.language)}
            if extra is not None:
                for key, value in extra(audience).items():
                    result[key] = result.get(key, []) + value if key == "buttons" else value
            return result

        default = variation(self.default)
        return self._conditioned(variation, [], default) + [default]

    def in_context(self, item: str, render: Render) -> List[Dict[str, Any]]:
        """Variations for when `item` was the last thing answered (the `topic` slot)."""
        base = [_slot(TOPIC_SLOT, item)]
        return self._conditioned(lambda audience: {"text": render(audience)}, base, None)

    def _conditioned(
        self, variation: Callable[[Audience], Dict[str, Any]], base: List[Dict[str, str]], default: Optional[Dict[str, Any]]
    ) -> List[Dict[str, Any]]:
        """The fewest variations, with conditions no two of which can match together.

        Rasa picks at random among matching variations, so every (language, country) must
        match exactly one: a whole country gets one variation when all languages read the
        same there (most languages have no text of their own yet), otherwise one per
        language. Audiences whose variation equals `default` are left to it.
        """
        rendered = {audience: variation(audience) for audience in self.audiences()}
        if default is None and len({repr(v) for v in rendered.values()}) == 1:
            return [{"condition": base, **next(iter(rendered.values()))}]
        result: List[Dict[str, Any]] = []
        for country in self.content.countries:
            in_country = {a: v for a, v in rendered.items() if a.country == country}
            distinct = {repr(v) for v in in_country.values()}
            if len(distinct) == 1:
                only = next(iter(in_country.values()))
                if only != default:
                    result.append({"condition": base + [_slot("country", country)], **only})
                continue
            for audience, candidate in in_country.items():
                if candidate != default:
                    condition = base + [_slot("language", audience.language), _slot("country", country)]
                    result.append({"condition": condition, **candidate})
        return result

    def fmt(self, key: str, audience: Audience, **values: str) -> str:
        return self.content.formats[key].get(audience.language).format(**values)

    # Helplines -----------------------------------------------------------------------

    def _contact(self, contact: Contact, audience: Audience) -> str:
        if contact.label is None:
            return contact.value
        return self.fmt("contact_label", audience, value=contact.value, label=contact.label.get(audience.language))

    def _contacts(self, helpline: Helpline, audience: Audience) -> str:
        return ", ".join(self._contact(contact, audience) for contact in helpline.contacts)

    def _details(self, helpline: Helpline, audience: Audience) -> str:
        """Hours and cost as far as the source states them; a phone line says what it does not."""
        parts = []
        for key, text in (("hours", helpline.hours), ("cost", helpline.cost)):
            if text is not None:
                parts.append(text.get(audience.language))
            elif helpline.has_phone:
                parts.append(self.fmt(f"{key}_not_stated", audience))
        return ", ".join(parts)

    def helpline_line(self, helpline: Helpline, audience: Audience) -> str:
        lang = audience.language
        details = self._details(helpline, audience)
        return self.fmt(
            "helpline" if details else "helpline_without_details",
            audience,
            name=helpline.name.get(lang),
            contacts=self._contacts(helpline, audience),
            details=details,
            purpose=helpline.purpose.get(lang),
            checked=helpline.checked,
        )

    def helpline_lines(self, idents: Iterable[str], audience: Audience) -> List[str]:
        return [self.helpline_line(self.content.helplines[i], audience) for i in idents]

    def helplines_block(self, audience: Audience) -> str:
        country = self.content.countries[audience.country]
        lines = [self.fmt("helplines_heading", audience, country=country.name.get(audience.language))]
        return "\n".join(lines + self.helpline_lines(country.listed, audience))

    def international_block(self, audience: Audience) -> str:
        """The routes that serve every country, leaving out those the country lists already."""
        international = self.content.international
        listed = self.content.countries[audience.country].listed
        idents = [i for i in international.listed if i not in listed] if international else []
        if not idents:
            return ""
        heading = self.fmt("international_heading", audience, name=international.name.get(audience.language))
        return "\n".join([heading] + self.helpline_lines(idents, audience))

    def all_helplines(self, audience: Audience) -> str:
        return "\n\n".join(part for part in (self.helplines_block(audience), self.international_block(audience)) if part)

    def country_values(self, audience: Audience) -> Dict[str, Any]:
        country = self.content.countries[audience.country]
        emergency = self.content.helplines[country.emergency]
        child = self.content.helplines[country.child_helpline]
        lang = audience.language
        return {
            "emergency": self.fmt(
                "emergency", audience, contact=self._contacts(emergency, audience), name=emergency.name.get(lang)
            ),
            "child_helpline": self.fmt(
                "child_helpline",
                audience,
                contact=self._contacts(child, audience),
                name=child.name.get(lang),
                details=self._details(child, audience),
            ),
            "helplines": self.helplines_block(audience),
            "report_online": "\n".join(self.helpline_lines(country.report_online, audience)),
            "helpline": _HelplineLines(self, audience),
        }

    # Replies, terms and topics ----------------------------------------------------------

    def fill(self, text: str, audience: Audience) -> str:
        """Put the user's country's contacts in place of the placeholders.

        The content check allows only known placeholders, so every brace is one of them.
        """
        return text.format(**self.country_values(audience)) if "{" in text else text

    def reply_renderer(self, reply: Localized) -> Render:
        def render(audience: Audience) -> str:
            return self.fill(reply.get(audience.language), audience)

        return render

    def sources_line(self, sources: Iterable[Any], audience: Audience) -> str:
        return self.fmt("sources", audience, sources="; ".join(s.title for s in sources))

    def term_renderer(self, term: Term) -> Render:
        def render(audience: Audience) -> str:
            lang = audience.language
            parts = [self.content.term_headings[term.status].get(lang).format(term=term.heading(lang))]
            if term.say_instead:
                parts.append(self.fmt("say_instead", audience, say_instead=term.say_instead.get(lang)))
            parts.append(term.definition.get(lang))
            if term.why:
                parts.append(self.fmt("why", audience, why=term.why.get(lang)))
            parts.append(self.fmt("example", audience, example=term.example.get(lang)))
            parts.append(self.sources_line(term.sources, audience))
            return "\n\n".join(parts)

        return render

    def topic_renderer(self, topic: Topic) -> Render:
        """Heading, the steps, where to turn in the user's country, fixed helplines, sources."""

        def render(audience: Audience) -> str:
            lang = audience.language
            parts = [self.fmt("topic_heading", audience, title=topic.title.get(lang))]
            parts.append(self.fill(topic.answer.get(lang), audience))
            if topic.report_route:
                parts.append(self.fill(topic.report_route.get(lang), audience))
            if topic.helplines:
                heading = self.fmt("topic_helplines_heading", audience)
                parts.append("\n".join([heading] + self.helpline_lines(topic.helplines, audience)))
            parts.append(self.sources_line(topic.sources, audience))
            return "\n\n".join(parts)

        return render

    def item_labels(self, language: str) -> Dict[str, str]:
        """Short names of the items, for "Did you mean ...?" buttons."""
        labels = {term_intent(term): term.heading(language) for term in self.content.terms}
        labels.update({intent: item.title.get(language) for intent, item in guide_intents(self.content).items()})
        return labels

    def buttons(self, reply: str, language: str) -> List[Dict[str, str]]:
        return [{"title": b.title.get(language), "payload": f"/{b.intent}"} for b in self.content.buttons[reply]]

    # The Telegram menus ----------------------------------------------------------------

    def label(self, key: str, language: str) -> str:
        """A label; its {placeholders} become $placeholders, which Rasa leaves alone (Rasa
        fills {name} from slots, in custom data too). The front end fills them with
        string.Template."""
        return re.sub(r"\{(\w+)\}", r"$\1", self.content.labels[key].get(language))

    def glossary_buttons(self, audience: Audience) -> Dict[str, Any]:
        """Every term, A to Z in the user's language, with the paging labels."""
        lang = audience.language
        terms = sorted(self.content.terms, key=lambda t: t.heading(lang).casefold())
        keys = ("previous", "next", "page")
        return {
            "buttons": [{"title": t.heading(lang), "payload": f"/{term_intent(t)}"} for t in terms],
            "custom": {"paging": {key: self.label(key, lang) for key in keys}},
        }

    def term_buttons(self, term: Term) -> Extra:
        """Related terms, then the way back to the glossary."""
        by_id = {t.id: t for t in self.content.terms}

        def extra(audience: Audience) -> Dict[str, Any]:
            lang = audience.language
            related = [by_id[i] for i in term.related if i in by_id]
            buttons = [{"title": t.heading(lang), "payload": f"/{term_intent(t)}"} for t in related]
            buttons.append({"title": self.label(GLOSSARY, lang), "payload": f"/{GLOSSARY}"})
            return {"buttons": buttons}

        return extra

    def reply_extra(self, key: str) -> Optional[Extra]:
        """Buttons and notes the Telegram menus add to some replies."""
        content = self.content
        if key == "glossary" and content.labels:
            return self.glossary_buttons
        if key == "choose_language":
            return lambda a: {
                "buttons": [{"title": name, "payload": f"{CHOOSE_LANGUAGE}{code}"} for code, name in content.languages.items()]
            }
        if key == "choose_country":
            return lambda a: {
                "buttons": [
                    {"title": c.name.get(a.language), "payload": f"{CHOOSE_COUNTRY}{code}"}
                    for code, c in content.countries.items()
                ]
            }
        if key == "forget" and content.labels:
            return lambda a: {
                "buttons": [
                    {"title": self.label("forget_yes", a.language), "payload": FORGET_YES},
                    {"title": self.label("forget_no", a.language), "payload": FORGET_NO},
                ]
            }
        if key == "help" and content.labels:
            # The front end's own labels and its menu of commands ride on the help reply.
            return lambda a: {
                "custom": {
                    "interface": {
                        "labels": {k: self.label(k, a.language) for k in content.labels},
                        "commands": {k: v.get(a.language) for k, v in content.commands.items()},
                    }
                }
            }
        return None


def build_domain(content: Content) -> Dict[str, Any]:
    """The generated part of the domain: slots, item intents and every response."""
    builder = ResponseBuilder(content)
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for key, reply in content.replies.items():
        responses[f"utter_{key}"] = builder.variations(
            builder.reply_renderer(reply), buttons=key, labels=key == "ask_back", extra=builder.reply_extra(key)
        )
    responses["utter_helplines"] = builder.variations(builder.all_helplines)
    for term in content.terms:
        extra = builder.term_buttons(term) if GLOSSARY in content.labels else None
        responses[f"utter_{term_intent(term)}"] = builder.variations(builder.term_renderer(term), extra=extra)
    guides = guide_intents(content)
    for intent, item in guides.items():
        responses[f"utter_{intent}"] = builder.variations(builder.topic_renderer(item))
    responses["utter_followup_more"] = followup_variations(builder, guides) + responses["utter_followup_more"]
    return {
        "version": "3.1",
        "intents": item_intents(content),
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


def _examples(templates: Iterable[str], placeholder: str, values: Iterable[str]) -> str:
    """Every value in every template, in lower case, each example once, as Rasa's examples block."""
    examples: List[str] = []
    for value in values:
        for template in templates:
            example = template.format(**{placeholder: value.lower()})
            if example not in examples:
                examples.append(example)
    return _example_lines(examples)


def _example_lines(items: Iterable[str]) -> str:
    """Rasa's examples block: one "- item" line each."""
    return "".join(f"- {item}\n" for item in items)


def _in_every_language(by_language: Mapping[str, Sequence[str]]) -> List[str]:
    """The phrases of all languages, in a stable order."""
    return [phrase for language in sorted(by_language) for phrase in by_language[language]]


def item_intents(content: Content) -> List[str]:
    """The intents that answer a subject: every term, every topic and the campaign."""
    return [term_intent(term) for term in content.terms] + list(guide_intents(content))


def followup_variations(builder: ResponseBuilder, guides: Dict[str, Topic]) -> List[Dict[str, Any]]:
    """After a topic, more means its steps again; after a term, its first guidance topic."""
    variations: List[Dict[str, Any]] = []
    for intent, topic in guides.items():
        variations += builder.in_context(intent, builder.topic_renderer(topic))
    topics = {topic.id: topic for topic in builder.content.topics}
    for term in builder.content.terms:
        if term.guidance:
            variations += builder.in_context(term_intent(term), builder.topic_renderer(topics[term.guidance[0]]))
    return variations


def build_nlu(content: Content, patterns: Dict[str, Any]) -> Dict[str, Any]:
    """Training examples: every term name and every topic title in its question patterns.

    The campaign's examples are hand-written (nlu/data/campaign.yml) besides its title.
    """
    nlu = []
    for term in content.terms:
        templates = list(patterns["terms"]["any"])
        if term.status == "avoid":
            templates += patterns["terms"]["avoid"]
        nlu.append({"intent": term_intent(term), "examples": _examples(templates, "name", term.names[DEFAULT_LANGUAGE])})
    for topic in content.topics:
        title = topic.title.texts[DEFAULT_LANGUAGE]
        nlu.append({"intent": topic_intent(topic), "examples": _examples(patterns["topics"], "title", [title])})
    if content.campaign:
        title = content.campaign.title.texts[DEFAULT_LANGUAGE]
        nlu.append({"intent": CAMPAIGN_INTENT, "examples": _examples(["{title}"], "title", [title])})
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
    rules = [
        {"rule": f"answer {intent}", "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]}
        for intent in item_intents(content)
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
