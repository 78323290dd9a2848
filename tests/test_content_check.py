"""The content check names the file, the entry and the problem."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import paths
from bot.content.load import ContentError, load_content


def test_the_project_content_passes_the_check():
    content = load_content(paths.CONTENT_DIR)
    assert len(content.terms) >= 5
    assert {"bd_999", "bd_1098", "bd_109"} <= set(content.helplines)
    assert {"BD", "GB", "FR", "ES", "US", "MX", "CO", "PE", "CI"} == set(content.countries)
    assert len(content.topics) >= 12 and content.campaign is not None


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    directory = tmp_path / "content"
    shutil.copytree(paths.CONTENT_DIR, directory)
    target = directory / file
    text = target.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {file}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return directory


BROKEN = [
    ("terms.yml", "      - title: INHOPE, What are the Luxembourg Guidelines?\n        url: https://www.inhope.org/EN/articles/what-are-the-luxembourg-guidelines\n      - title: ECPAT, Terminology and acronyms\n        url: https://globaldatabase.ecpat.org/terminology-and-acronyms/\n\n  - id: sexual_exploitation",
     "      []\n\n  - id: sexual_exploitation", "terms.yml: child_sexual_abuse: missing source"),
    ("terms.yml", "  - id: grooming\n    status: use\n", "  - id: grooming\n    status: use\n    colour: red\n",
     "terms.yml: grooming: unknown key 'colour'"),
    ("terms.yml", "  - id: csam\n", "  - id: grooming\n", "terms.yml: grooming: duplicate id"),
    ("helplines.yml", '{type: phone, value: "1098"}', '{type: phone, value: "call us"}',
     "helplines.yml: bd_1098: 'call us' is not a phone number"),
    ("terms.yml", "    say_instead:\n      en: child sexual abuse material (CSAM)\n", "",
     "terms.yml: child_pornography: a term marked 'avoid' needs an alternative in 'say_instead'"),
    ("terms.yml", "    definition:\n      en: >-\n        When someone builds", "    definition:\n      bn: >-\n        When someone builds",
     "terms.yml: grooming: 'definition' is missing in English (en)"),
    ("helplines.yml", "    checked: 2026-12-03\n", "", "helplines.yml: bd_999: missing 'checked'"),
    ("terms.yml", "      en: [child sexual abuse material, CSAM", "      en: [grooming, CSAM",
     "terms.yml: csam: name 'grooming' is also a name of 'grooming'"),
    ("terms.yml", "        Involving a child (anyone under 18) in sexual activity.",
     "        Involving a child (anyone under 18) in sexual activity." + " and more" * 40,
     "terms.yml: child_sexual_abuse: the definition in 'en' has"),
    ("safety.yml", "{helpline[int_take_it_down]}", "{helpline[take_it_dwn]}",
     "safety.yml: extortion: 'extortion' in 'en' names helpline 'take_it_dwn', which does not exist in helplines.yml"),
    ("safety.yml", "{report_online}", "{report_onlin}",
     "safety.yml: extortion: 'extortion' in 'en' has unknown placeholder {report_onlin}"),
    # Guidance topics, the campaign and the new helpline rules.
    ("guidance.yml", "    helplines: [int_take_it_down]\n", "    helplines: [int_take_it_dwn]\n",
     "guidance.yml: sexual_extortion: helpline 'int_take_it_dwn' does not exist in helplines.yml"),
    ("helplines.yml", '{type: web, value: "https://takeitdown.ncmec.org/"}', '{type: web, value: "takeitdown.ncmec.org"}',
     "helplines.yml: int_take_it_down: 'takeitdown.ncmec.org' is not a web address"),
    ("helplines.yml", '{type: web, value: "https://www.3018.fr/"', '{type: web, value: "http://www.3018.fr/"',
     "helplines.yml: fr_3018: 'http://www.3018.fr/' is not a web address"),
    ("helplines.yml", "    hours: not_stated\n", "", "helplines.yml: bd_pcsw: missing 'hours'"),
    ("helplines.yml", "    report_online: [fr_pharos, fr_3018]\n", "", "helplines.yml: country FR: missing 'report_online'"),
    ("helplines.yml", "      en: [france, paris]", "      en: [France]",
     "helplines.yml: country FR: 'mentions' must give lists of lower-case words per language, like {en: [france]}"),
    ("guidance.yml", "Report and get help:\n\n        {report_online}", "Report and get help:\n\n        {report_onlin}",
     "guidance.yml: sexual_extortion: 'report_route' in 'en' has unknown placeholder {report_onlin}"),
    ("guidance.yml", "  - id: report_csam\n", "  - id: report_csam\n    colour: red\n",
     "guidance.yml: report_csam: unknown key 'colour'"),
    ("guidance.yml", "  - id: nude_image_shared\n", "  - id: sexual_extortion\n", "guidance.yml: sexual_extortion: duplicate id"),
    ("guidance.yml", "    title: {en: Warning signs that", "    title: {bn: Warning signs that",
     "guidance.yml: grooming_signs: 'title' is missing in English (en)"),
    ("campaign.yml", "  sources:\n    - title: Centre for Women and Children Studies (CWCS)\n      url: https://www.cwcsbd.org/\n"
     "    - title: HEROES project\n      url: https://heroes-fct.eu/\n", "", "campaign.yml: campaign: missing source"),
    # A country's own routes for a kind of safety answer.
    ("helplines.yml", "      self_harm: [fr_3114]\n", "      self_harm: [fr_3115]\n",
     "helplines.yml: country FR routes.self_harm: 'entries' names helpline 'fr_3115', which does not exist in this file"),
    ("helplines.yml", "      self_harm: [fr_3114]\n", "      sadness: [fr_3114]\n",
     "helplines.yml: country FR routes.sadness: 'sadness' is not a safety answer"),
    ("helplines.yml", "        sources:\n          - title: The Front Page", "        source:\n          - title: The Front Page",
     "helplines.yml: country BD routes.child_marriage_now: missing source"),
    # The reports' labels.
    ("reports.yml", "  asked_back: {en:", "  asked_bak: {en:", "reports.yml: outcomes.asked_back: missing: the reports need it"),
    ("reports.yml", "  term: {en: Terms, bn: পরিভাষা,", "  term: {bn: পরিভাষা,", "reports.yml: kinds.term: 'term' is missing in English (en)"),
    ("reports.yml", '  only_one: {en: "{name} only ({count}).", bn: "শুধু {name} ({count})।"', '  only_one: {en: "{name} only ({count}).", bn: "{name}"',
     "reports.yml: text.only_one: 'bn' must hold the same {placeholders} as English"),
    ("reports.yml", "\nkinds:\n", "\ncolours:\n  red: {en: Red}\nkinds:\n", "reports.yml: colours: unknown section"),
]


@pytest.mark.parametrize("file, old, new, expected", BROKEN, ids=[b[3].split(": ", 2)[2][:40] for b in BROKEN])
def test_broken_content_is_rejected_with_a_message_naming_file_entry_and_problem(tmp_path, file, old, new, expected):
    directory = broken(tmp_path, file, old, new)
    with pytest.raises(ContentError) as error:
        load_content(directory)
    messages = [str(p) for p in error.value.problems]
    assert any(m.startswith(expected) for m in messages), messages


def test_redheart_content_check_exits_non_zero_and_prints_the_problem(tmp_path):
    directory = broken(tmp_path, "helplines.yml", '{type: phone, value: "109"}', '{type: phone, value: "1O9"}')
    result = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", "--directory", str(directory)],
        capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "helplines.yml: bd_109: '1O9' is not a phone number" in result.stderr
