"""Content rendered for one audience: helpline lines, the country's numbers, term and topic
cards. Every sentence comes from content/; this module only lays the texts out."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional

from bot.content.schema import Contact, Content, Helpline, Localized, Term, Topic

DEFAULT_COUNTRY = "BD"
CAMPAIGN_INTENT = "campaign"
# The slot that remembers the last item answered, so "tell me more" and "what should I do?"
# can answer for it.
TOPIC_SLOT = "topic"
# The {routes} placeholder with the line break before it, taken out when a country has none.
EMPTY_ROUTES = re.compile(r"\n?\{routes\}")


def term_intent(term: Term) -> str:
    return f"term_{term.id}"


def topic_intent(topic: Topic) -> str:
    return f"topic_{topic.id}"


def service_intent(helpline: Helpline) -> str:
    """Questions about one helpline or report route itself."""
    return f"service_{helpline.id}"


def guide_intents(content: Content) -> Dict[str, Topic]:
    """Every topic-shaped item by its intent: the guidance topics and the campaign's page."""
    items = {topic_intent(topic): topic for topic in content.topics}
    if content.campaign:
        items[CAMPAIGN_INTENT] = content.campaign
    return items


@dataclass(frozen=True)
class Audience:
    """Who a reply is for: the conversation's language and country."""

    language: str
    country: str


Render = Callable[[Audience], str]


class _HelplineLines:
    """Lets a reply name one helpline as {helpline[ID]}."""

    def __init__(self, builder: "Cards", audience: Audience) -> None:
        self.builder = builder
        self.audience = audience

    def __getitem__(self, ident: str) -> str:
        return self.builder.helpline_line(self.builder.content.helplines[ident], self.audience)


class Cards:
    """Renders content's texts for an audience: helpline lines, term and topic cards."""

    def __init__(self, content: Content) -> None:
        self.content = content

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

    def routes_block(self, audience: Audience, kind: Optional[str]) -> str:
        """The country's own routes for a kind of safety answer: its note, then the entries."""
        route = self.content.countries[audience.country].routes.get(kind or "")
        if route is None:
            return ""
        note = [route.note.get(audience.language)] if route.note else []
        return "\n".join(note + self.helpline_lines(route.entries, audience))

    def country_values(self, audience: Audience, kind: Optional[str] = None) -> Dict[str, Any]:
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
            "routes": self.routes_block(audience, kind),
        }

    # Replies, terms and topics ----------------------------------------------------------

    def fill(self, text: str, audience: Audience, kind: Optional[str] = None) -> str:
        """Put the user's country's contacts in place of the placeholders.

        The content check allows only known placeholders, so every brace is one of them.
        {routes} (the country's own routes for the reply `kind`) may be empty: its line
        goes with it.
        """
        if "{" not in text:
            return text
        values = self.country_values(audience, kind)
        if not values["routes"]:
            text = EMPTY_ROUTES.sub("", text)
        return text.format(**values)

    def reply_renderer(self, reply: Localized, kind: Optional[str] = None) -> Render:
        def render(audience: Audience) -> str:
            return self.fill(reply.get(audience.language), audience, kind)

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
            rule = term.rule_for(audience.country)
            if rule:
                parts.append(rule.text.get(lang))
            if term.why:
                parts.append(self.fmt("why", audience, why=term.why.get(lang)))
            parts.append(self.fmt("example", audience, example=term.example.get(lang)))
            parts.append(self.sources_line(term.sources + (rule.sources if rule else ()), audience))
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

    def service_renderer(self, helpline: Helpline) -> Render:
        """What an entry says about itself: its line, who can contact it, how private it is,
        what happens next, as far as its sources state them."""

        def render(audience: Audience) -> str:
            parts = [self.helpline_line(helpline, audience)]
            for key, text in (("who", helpline.who), ("privacy", helpline.privacy), ("next", helpline.next)):
                if text is not None:
                    parts.append(self.fmt(f"service_{key}", audience, text=text.get(audience.language)))
            parts.append(self.sources_line(helpline.sources, audience))
            return "\n\n".join(parts)

        return render

    def item_labels(self, language: str) -> Dict[str, str]:
        """Short names of the items, for "Did you mean ...?" buttons."""
        labels = {term_intent(term): term.heading(language) for term in self.content.terms}
        labels.update({service_intent(h): h.name.get(language) for h in self.content.helplines.values()})
        labels.update({intent: item.title.get(language) for intent, item in guide_intents(self.content).items()})
        return labels

    def buttons(self, reply: str, language: str) -> List[Dict[str, str]]:
        return [{"title": b.title.get(language), "payload": f"/{b.intent}"} for b in self.content.buttons[reply]]
