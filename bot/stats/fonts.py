"""Fonts for the scripts a chart's labels are written in.

matplotlib draws each text in one font and (before version 3.6) has no fallback, so a
Bengali label in the default font would be a row of empty boxes. Each text holding Bengali
letters is given a Bengali font found on the system (Debian's fonts-noto-core or fonts-beng).
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

BENGALI = range(0x0980, 0x0A00)
# Best first; any font whose file names the script will do.
BENGALI_FONTS = ("NotoSansBengali-Regular", "NotoSansBengaliUI-Regular", "Lohit-Bengali", "LikhanNormal", "MuktiNarrow")


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


def use_script_fonts(figure: Figure) -> None:
    font = bengali_font()
    if font is None:
        return
    for text in figure.findobj(Text):
        if is_bengali(text.get_text()):
            text.set_fontproperties(font_manager.FontProperties(fname=font, size=text.get_fontsize()))
