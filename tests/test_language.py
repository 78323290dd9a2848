"""How the bot tells a message's language, and how it folds words in every script."""
import unicodedata

import pytest

from bot.language import ROMANISED_BENGALI, Detection, detect, served_language
from bot.nlu.safety_net import PhraseMatcher
from bot.text import words

SERVED = frozenset({"en", "bn", "fr", "es"})


@pytest.mark.parametrize(
    "text, language, variant",
    [
        ("আমার ছেলেকে একজন লোক ছবি চাইছে", "bn", "bn"),
        ("আমার মেয়েকে imo তে blackmail করছে", "bn", "bn"),
        ("amar chele ke ekjon lok chobi chaiche", "bn", ROMANISED_BENGALI),
        ("grooming mane ki", "bn", ROMANISED_BENGALI),
        ("amr meyer pic leak hoise ki krbo", "bn", ROMANISED_BENGALI),
        ("someone is asking my son for photos", "en", "en"),
        ("what is grooming", "en", "en"),
        ("aidez moi il frappe ma fille en ce moment", "fr", "fr"),
        ("Qui peut appeler le 119 ?", "fr", "fr"),
        ("¿Para qué se puede utilizar la línea de ayuda?", "es", "es"),
        ("mi hijo tiene un celular y alguien le pide fotos", "es", "es"),
    ],
)
def test_a_message_shows_its_language(text, language, variant):
    assert detect(text) == Detection(language, variant)


@pytest.mark.parametrize("text", ["ok", "thanks", "grooming", "CSAM", "/term_grooming", "999", "", None])
def test_a_message_that_does_not_show_its_language_is_undecided(text):
    assert not detect(text).confident


def test_the_message_language_comes_first_then_the_choice_then_nothing():
    bengali = detect("amar chele ke ekjon lok chobi chaiche")
    assert served_language(bengali, "en", SERVED) == "bn"
    assert served_language(detect("ok"), "bn", SERVED) == "bn"
    # Neither the message nor the caller says: the conversation keeps its language.
    assert served_language(detect("ok"), None, SERVED) is None
    # `redheart ask --language` forces.
    assert served_language(bengali, "fr", SERVED, forced=True) == "fr"
    # A language the content does not serve is never chosen.
    assert served_language(detect("ok"), "de", SERVED) is None


def test_bengali_words_keep_their_vowel_signs_hasanta_and_nukta():
    folded = words("কিভাবে ব্ল্যাকমেইল করছে? যৌন নির্যাতন, বাড়ি। আয়")
    assert folded == ["কিভাবে", "ব্ল্যাকমেইল", "করছে", "যৌন", "নির্যাতন", "বাড়ি", "আয়"]
    assert "\u09cd" in folded[1]  # hasanta
    assert "\u09bc" in folded[5]  # nukta: ড় is ড + ় in every form the bot compares
    assert unicodedata.normalize("NFC", "বাড়ি") == folded[5]


def test_bengali_digits_zero_width_joiners_and_latin_accents_fold_away():
    assert words("১০৯৮ নম্বর") == ["1098", "নম্বর"]
    assert words("র\u200d্যাব") == words("র্যাব")
    assert words("¿Qué pasa? L'enfant, don't") == ["que", "pasa", "lenfant", "dont"]


def test_the_safety_net_matches_bengali_with_a_one_letter_slip():
    matcher = PhraseMatcher([("danger", [words("মেরে ফেলবে")])], [])
    assert matcher.match("ও বলছে আমাকে মেরে ফেলবে") == "danger"
    # ে / ী slips are one edit on a long word.
    assert matcher.match("আমাকে মেরে ফেলবী বলছে") == "danger"
    assert matcher.match("আমার মেয়ে ফেল করেছে") is None
