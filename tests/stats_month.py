"""A month of usage as the bot records it, for reports to be read as staff would read them:
mostly Bangla (script and Latin letters) and English from Bangladesh, some French and
Spanish from France and Spain, many questions about terms and guidance, a few safety
answers, asks-back and misunderstandings. The same seed gives the same month."""
from __future__ import annotations

import datetime as dt
import random
from typing import List

from bot.stats.events import UsageEvent, kind_of, outcome_of
from bot.stats.store import StatsStore

FIRST_DAY = dt.date(2026, 10, 1)
DAYS = 31
LANGUAGES = {"bn": 40, "bn-Latn": 30, "en": 22, "fr": 5, "es": 3}
COUNTRY_OF = {"bn": "BD", "bn-Latn": "BD", "en": "BD", "fr": "FR", "es": "ES"}
ITEMS = {
    "term_grooming": 14, "term_sextortion": 10, "term_csam": 8, "term_child_marriage": 7, "term_consent": 5,
    "term_trafficking": 5, "term_child_pornography": 4, "term_sexting": 3, "term_age_of_consent": 3,
    "term_livestreaming": 2, "term_revictimisation": 1,
    "topic_grooming_signs": 9, "topic_sexual_extortion": 7, "topic_talking_to_children": 5,
    "topic_settings_and_supervision": 4, "topic_report_csam": 3, "topic_child_marriage": 2,
    "campaign": 2, "helplines": 9, "greet": 8, "thanks": 3, "glossary": 2, "out_of_scope": 3,
    "nlu_fallback": 4, "danger": 0.6, "extortion": 0.5, "disclosure": 0.3, "child_disclosure": 0.2,
}


def month_events(per_day: int = 33, seed: int = 16) -> List[UsageEvent]:
    rng = random.Random(seed)
    languages, language_weights = zip(*LANGUAGES.items())
    items, item_weights = zip(*ITEMS.items())
    events = []
    for offset in range(DAYS):
        day = FIRST_DAY + dt.timedelta(days=offset)
        # More people came in the second half of the month, after a school visit.
        for number in range(per_day + (offset // 15) * 8 + rng.randint(-6, 6)):
            language = rng.choices(languages, language_weights)[0]
            item = rng.choices(items, item_weights)[0]
            asked_back = item == "nlu_fallback" and rng.random() < 0.6
            actions = ["utter_ask_back"] if asked_back else (["utter_fallback"] if item == "nlu_fallback" else [])
            events.append(UsageEvent(
                hour=dt.datetime.combine(day, dt.time(rng.randint(7, 22))), channel="telegram",
                language=language, country=COUNTRY_OF[language], kind=kind_of(item), item=item,
                outcome=outcome_of(item, actions), user_pseudonym=f"{day}-{rng.randint(1, per_day // 2)}",
            ))
    return events


def month_store(url: str) -> StatsStore:
    store = StatsStore(url)
    store.write(month_events())
    return store
