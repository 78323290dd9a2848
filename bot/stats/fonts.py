"""Bengali on the charts: the right font, and letters in the right order.

matplotlib draws each text in one font and (before version 3.6) has no fallback, so a
Bengali label in the default font would be a row of empty boxes: each text holding Bengali
letters is given a Bengali font found on the system (Debian's fonts-noto-core or fonts-beng).

matplotlib also draws letters one after the other, without the shaping Bengali needs: a
vowel sign written after its consonant but shown before it (ি, ে) would stand on the wrong
side, and joined consonants would fall apart. So once the chart is laid out, each Bengali
text is drawn again by Pillow's text layout (libraqm, which shapes it as a browser does)
into a picture put exactly over it, and matplotlib's own drawing of it is made transparent:
it still holds its place in the layout.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np
from matplotlib import font_manager
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image, ImageDraw, ImageFont, features

BENGALI = range(0x0980, 0x0A00)
# Best first; any font whose file names the script will do.
BENGALI_FONTS = ("NotoSansBengali-Regular", "NotoSansBengaliUI-Regular", "Lohit-Bengali", "LikhanNormal", "MuktiNarrow")
TRANSPARENT = (0, 0, 0, 0)


def is_bengali(text: str) -> bool:
    return any(ord(ch) in BENGALI for ch in text)


@functools.lru_cache(maxsize=None)
def bengali_font() -> Optional[str]:
    """The path of a Bengali font on this system, or None."""
    found = {Path(path).stem: path for path in font_manager.findSystemFonts()}
    for name in BENGALI_FONTS:
        if name in found:
            return found[name]
    return next((path for stem, path in sorted(found.items()) if "bengali" in stem.lower()), None)


def _bengali_texts(figure: Figure):
    return [text for text in figure.findobj(Text) if text.get_visible() and is_bengali(text.get_text())]


def use_script_fonts(figure: Figure) -> None:
    """Give every Bengali text a Bengali font (call before laying the figure out)."""
    font = bengali_font()
    if font is None:
        return
    for text in _bengali_texts(figure):
        text.set_fontproperties(font_manager.FontProperties(fname=font, size=text.get_fontsize()))


def _runs(words: str) -> List[Tuple[bool, str]]:
    """The text cut where it changes script: (is Bengali, run). Spaces and digits go with the
    run they stand in, so "গ্রুমিং (grooming)" is one Bengali run and one Latin run."""
    runs: List[Tuple[bool, str]] = []
    for ch in words:
        bengali = ord(ch) in BENGALI if ch.isalpha() or ord(ch) in BENGALI else (runs[-1][0] if runs else False)
        if runs and runs[-1][0] == bengali:
            runs[-1] = (bengali, runs[-1][1] + ch)
        else:
            runs.append((bengali, ch))
    return runs


def _shaped(words: str, bengali: str, latin: str, pixels: int, colour) -> np.ndarray:
    """The text drawn by Pillow, each run in its script's font, on one baseline."""
    runs = [(ImageFont.truetype(bengali if is_bn else latin, pixels, layout_engine=ImageFont.Layout.RAQM), run)
            for is_bn, run in _runs(words)]
    ascent = max(font.getmetrics()[0] for font, _ in runs)
    descent = max(font.getmetrics()[1] for font, _ in runs)
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    width = sum(measure.textlength(run, font=font) for font, run in runs)
    mask = Image.new("L", (int(width) + 2, ascent + descent + 2), 0)
    draw, x = ImageDraw.Draw(mask), 1.0
    for font, run in runs:
        draw.text((x, 1 + ascent), run, font=font, fill=255, anchor="ls")
        x += draw.textlength(run, font=font)
    red, green, blue, alpha = to_rgba(colour)
    picture = np.zeros((mask.height, mask.width, 4), dtype=float)
    picture[..., :3] = (red, green, blue)
    picture[..., 3] = np.asarray(mask, dtype=float) / 255 * alpha
    return picture


def shape_bengali(figure: Figure) -> None:
    """Draw every Bengali text again, shaped, over its place (call after the layout)."""
    font = bengali_font()
    texts = _bengali_texts(figure)
    if font is None or not texts or not features.check("raqm"):
        return  # without libraqm, matplotlib's unshaped drawing is the best there is
    latin = font_manager.findfont(font_manager.FontProperties())  # matplotlib's own, for the other runs
    renderer = figure.canvas.get_renderer()
    for text in texts:
        box = text.get_window_extent(renderer)
        picture = _shaped(text.get_text(), font, latin, round(text.get_fontsize() * figure.dpi / 72), text.get_color())
        height, width = picture.shape[:2]
        align = text.get_horizontalalignment()
        x = box.x1 - width if align == "right" else box.x0 + (box.width - width) / 2 if align == "center" else box.x0
        y = box.y0 + (box.height - height) / 2
        figure.figimage(picture, xo=round(x), yo=round(y), origin="upper", zorder=10)
        text.set_color(TRANSPARENT)
