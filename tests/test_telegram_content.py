"""content/telegram.yml is checked like the other content files."""
from __future__ import annotations

import pytest

from bot.content.load import ContentError, load_content
from tests.test_content_check import broken

BROKEN = [
    ('  expired:\n    en: This button has expired. Here is the menu.\n', "",
     "telegram.yml: labels.expired: missing"),
    ('  page: {en: "Page {page} of {pages}",', '  page: {en: "Page {page}",',
     "telegram.yml: labels.page: must contain {page} and {pages}"),
    ('  help: {en: "What I can answer",', '  help: {en: "' + "x" * 300 + '",',
     "telegram.yml: commands.help: 'en' is longer than Telegram's 256 characters"),
    ('  privacy:\n    en: >-', '  privacy:\n    bn: >-', "telegram.yml: privacy: 'privacy' is missing in English (en)"),
    ("  forget: {en:", "  Forget-Me: {en:", "telegram.yml: commands.Forget-Me: a command is 1 to 32"),
]


@pytest.mark.parametrize("old, new, expected", BROKEN, ids=[b[2].split(": ", 2)[1] for b in BROKEN])
def test_broken_interface_texts_are_rejected(tmp_path, old, new, expected):
    directory = broken(tmp_path, "telegram.yml", old, new)
    with pytest.raises(ContentError) as error:
        load_content(directory)
    messages = [str(p) for p in error.value.problems]
    assert any(m.startswith(expected) for m in messages), messages


def test_every_command_of_the_front_end_has_a_description():
    from bot import paths
    from bot.telegram.interface import COMMANDS

    content = load_content(paths.CONTENT_DIR)
    assert list(content.commands) == list(COMMANDS)
