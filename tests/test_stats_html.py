"""The HTML report as a partner receives it: one self-contained page that states the period,
the suppression rule and what is never stored, and that headless Chromium renders on screen
and prints on A4 (printed to PDF, then each page turned into a picture with pdftoppm)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import List

import pytest
from PIL import Image

from bot.cli import main
from tests.stats_month import month_store
from tests.system_packages import ensure, ensure_file

T = 5
A4_POINTS = (595, 842)  # width and height of an A4 page in PostScript points


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    url = f"sqlite:///{folder / 's.sqlite3'}"
    month_store(url).close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDHEART_DATABASE_URL", url)
        patch.setenv("REDHEART_SUPPRESSION_THRESHOLD", str(T))
        ensure_file("/usr/share/fonts/truetype/noto/NotoSansBengali-Regular.ttf", "fonts-noto-core")
        assert main(["stats", "--since", "2026-10-01", "--until", "2026-10-31", "--by", "week", "--html", str(folder / "r.html")]) == 0
    return folder / "r.html"


def _chromium(folder: Path, *arguments: str) -> None:
    chromium = ensure("chromium", "chromium", "/usr/bin/chromium")
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={folder / 'chromium'}", *arguments],
        check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _is_drawn(image: Image.Image) -> bool:
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    return colours is None or len(colours) > 50  # text, tables and charts, not a blank page


def test_the_page_is_self_contained_and_says_what_a_partner_needs_to_know(page: Path):
    document = page.read_text(encoding="utf-8")
    assert document.count('src="data:image/png;base64,') >= 6
    assert not re.search(r'(src|href)="(?!data:)', document)  # nothing fetched from elsewhere
    assert "@page { size: A4;" in document
    assert "From 2026-10-01 to 2026-10-31." in document
    assert "Counts under 5 are shown as &lt;5" in document
    assert "What is never stored: no message text" in document
    assert "Messages and users per week" in document and "Change against the one before" in document


def test_the_html_goes_to_standard_output_with_a_dash(page: Path, monkeypatch, capsys):
    url = f"sqlite:///{page.parent / 's.sqlite3'}"
    monkeypatch.setenv("REDHEART_DATABASE_URL", url)
    assert main(["stats", "--since", "2026-10-01", "--until", "2026-10-31", "--by", "week", "--html", "-"]) == 0
    printed = capsys.readouterr()
    assert printed.out.startswith("<!DOCTYPE html>") and printed.out.rstrip().endswith("</html>")
    assert printed.out == page.read_text(encoding="utf-8")
    assert not (Path.cwd() / "-").exists()


def test_chromium_renders_the_page(page: Path):
    shot = page.parent / "shot.png"
    _chromium(page.parent, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    image = Image.open(shot)
    assert image.size == (1200, 1600)
    assert _is_drawn(image)


def test_the_page_prints_on_a4_pages_each_of_them_drawn(page: Path):
    pdf = page.parent / "r.pdf"
    _chromium(page.parent, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert sizes and all((round(float(w)), round(float(h))) == A4_POINTS for w, h in sizes)
    pdftoppm = ensure("pdftoppm", "poppler-utils")
    subprocess.run([pdftoppm, "-r", "40", "-png", str(pdf), str(page.parent / "printed")], check=True, timeout=120)
    pages: List[Path] = sorted(page.parent.glob("printed-*.png"))
    assert 2 <= len(pages) <= 8
    assert all(_is_drawn(Image.open(p)) for p in pages)
