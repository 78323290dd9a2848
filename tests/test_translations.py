"""A native speaker reviews translations in a spreadsheet, without touching YAML."""
from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import paths
from bot.content.load import load_content
from bot.content.translations import ContentTree

REDHEART = [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())"]
GREETING = "conversation.yml:replies/greet"


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    directory = tmp_path / "content"
    shutil.copytree(paths.CONTENT_DIR, directory)
    return directory


def redheart(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*REDHEART, *args], capture_output=True, text=True, cwd=paths.ROOT)


def rows(path: Path) -> dict:
    with path.open(encoding="utf-8-sig", newline="") as source:
        return {row["key"]: row for row in csv.DictReader(source)}


def test_export_lists_every_text_beside_its_english_with_its_status(content, tmp_path):
    sheet = tmp_path / "bn.csv"
    result = redheart("content", "export", "--language", "bn", "--directory", str(content), str(sheet))
    assert result.returncode == 0, result.stderr
    exported = rows(sheet)
    greeting = exported[GREETING]
    assert greeting["en"].startswith("Hello, I am the Red Heart bot")
    assert "রেড হার্ট" in greeting["bn"] and greeting["status"] == "draft"
    assert exported["terms.yml:terms/grooming/names"]["en"].startswith("grooming | online grooming")
    # Every text of every file, once: aliases of one text are not listed twice.
    assert len(exported) == sum(1 for _ in ContentTree(content).texts())
    assert not [key for key in exported if key.startswith(("safety.yml:phrases", "conversation.yml:languages"))]


def test_a_reviewed_sheet_comes_back_into_content_and_counts_as_reviewed(content, tmp_path):
    sheet = tmp_path / "bn.csv"
    redheart("content", "export", "--language", "bn", "--directory", str(content), str(sheet))
    exported = rows(sheet)
    corrected = "হ্যালো, আমি রেড হার্ট বট। আমি একটি স্বয়ংক্রিয় সহকারী, মানুষ নই।"
    exported[GREETING]["bn"] = corrected
    with sheet.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["key", "en", "bn", "status"])
        writer.writeheader()
        writer.writerows(exported.values())
    result = redheart("content", "import", "--directory", str(content), str(sheet))
    assert result.returncode == 0, result.stderr
    assert load_content(content).replies["greet"].texts["bn"] == corrected
    check = redheart("content", "check", "--directory", str(content))
    assert f"{len(exported)} of {len(exported)} texts translated, {len(exported)} reviewed by a native speaker, 0 still drafts" in check.stdout
    # Comments of the content files survive the round trip.
    assert "# Buttons under an answer" in (content / "conversation.yml").read_text(encoding="utf-8")


def test_a_reviewed_text_is_a_draft_again_when_its_english_changes(content, tmp_path):
    sheet = tmp_path / "bn.csv"
    redheart("content", "export", "--language", "bn", "--directory", str(content), str(sheet))
    redheart("content", "import", "--directory", str(content), str(sheet))
    conversation = content / "conversation.yml"
    text = conversation.read_text(encoding="utf-8")
    conversation.write_text(text.replace("Ask me again any time.", "Ask me again whenever you like."), encoding="utf-8")
    tree = ContentTree(content)
    assert tree.counts("bn")["draft"] == 1
    # And an old sheet can no longer review it: its English is not the English of today.
    result = redheart("content", "import", "--directory", str(content), str(sheet))
    assert result.returncode == 1
    assert "replies/thanks: the English changed since the export" in result.stderr


def test_the_check_counts_translations_still_waiting_for_review():
    result = redheart("content", "check")
    assert result.returncode == 0, result.stderr
    assert "বাংলা (bn):" in result.stdout and "still drafts" in result.stdout
