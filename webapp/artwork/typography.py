"""Title type for generated artwork: estimated glyph widths, line fitting and the title block."""

from __future__ import annotations

import math
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webapp.artwork.spec import ArtSpec

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

# Advance widths (1/100 em) of ASCII 32..126 in a wide bold sans (the max of DejaVu Sans Bold
# and Arial Bold), so estimated lines never overflow whichever system font renders them.
_WIDTHS = (35, 46, 52, 84, 70, 100, 87, 31, 46, 46, 52, 84, 38, 42, 38, 36, 70, 70, 70, 70, 70,
           70, 70, 70, 70, 70, 40, 40, 84, 84, 84, 61, 100, 77, 76, 73, 83, 68, 68, 82, 84, 37,
           56, 78, 64, 100, 84, 85, 73, 85, 77, 72, 68, 81, 77, 110, 77, 72, 72, 46, 36, 46, 84,
           56, 50, 68, 72, 59, 72, 68, 44, 72, 71, 34, 34, 66, 34, 104, 71, 69, 72, 72, 49, 60,
           48, 71, 65, 92, 64, 65, 58, 71, 36, 71, 84)

# Per genre: uppercase?, font weight, letter spacing (em).
TYPE_STYLES: dict[str, tuple[bool, int, float]] = {
    "action": (True, 900, 0.02), "adventure": (True, 800, 0.06), "animation": (False, 900, 0),
    "comedy": (False, 900, -0.01), "crime": (True, 800, 0.1), "documentary": (True, 600, 0.16),
    "drama": (False, 700, 0.0), "family": (False, 900, 0.0), "fantasy": (True, 700, 0.12),
    "history": (True, 600, 0.14), "horror": (True, 900, 0.06), "kids": (False, 900, 0.0),
    "musical": (False, 800, 0.02), "mystery": (True, 700, 0.2), "romance": (False, 700, 0.0),
    "sci-fi": (True, 700, 0.2), "sport": (True, 900, 0.02), "thriller": (True, 800, 0.1),
    "war": (True, 900, 0.08), "western": (True, 900, 0.1),
}


def _char_em(ch: str) -> float:
    code = ord(ch)
    if 32 <= code < 127:
        return _WIDTHS[code - 32] / 100
    base = unicodedata.normalize("NFD", ch)[0]
    if 32 <= ord(base) < 127:
        return _WIDTHS[ord(base) - 32] / 100
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.75


def _line_em(line: str, tracking: float) -> float:
    return sum(_char_em(c) for c in line) + tracking * max(0, len(line) - 1)


def clean_title(text: str) -> str:
    """Drop characters XML 1.0 cannot hold and collapse whitespace."""
    kept = "".join(c for c in text if (c >= " " and c not in "\ufffe\uffff"
                                       and not 0xD800 <= ord(c) <= 0xDFFF) or c == "\t")
    return " ".join(kept.split()) or "Untitled"


def esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _split(words: list[str], n: int, tracking: float) -> tuple[list[str], float]:
    """The split of words into n lines whose widest line is narrowest."""
    best: tuple[list[str], float] = ([" ".join(words)], math.inf)

    def walk(start: int, left: int, lines: list[str]) -> None:
        nonlocal best
        if left == 1:
            done = lines + [" ".join(words[start:])]
            width = max(_line_em(line, tracking) for line in done)
            if width < best[1]:
                best = (done, width)
            return
        for end in range(start + 1, len(words) - left + 2):
            walk(end, left - 1, lines + [" ".join(words[start:end])])

    walk(0, n, [])
    return best


_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "and", "&", "for",
                          "from", "by", "with", "or"})


def _fit(text: str, width: float, height: float, size_max: float, size_min: float,
         tracking: float, max_lines: int = 3) -> tuple[list[str], float]:
    words = text.split()[:24]
    best: tuple[float, list[str], float] = (-1.0, [text], size_min)
    for n in range(1, min(max_lines, len(words)) + 1):
        lines, widest = _split(words, n, tracking)
        size = min(size_max, width / widest, height / (n * 1.02))
        score = size * (1 - 0.1 * (n - 1))  # fewer lines unless more lines read much larger
        if n > 1 and any(line.lower() in _SMALL_WORDS for line in lines):
            score *= 0.75  # no stranded "IN" or "OF" on a line of its own
        if score > best[0]:
            best = (score, lines, size)
    return best[1], max(size_min, best[2])


def title_block(spec: ArtSpec, x: float, bottom: float, width: float, height: float,
                 size_max: float, size_min: float, anchor: str, ink: str,
                 shadow: str) -> tuple[str, float]:
    """The title as a <text> of 1-3 lines whose last baseline is `bottom`; and its top."""
    upper, weight, tracking = TYPE_STYLES.get(spec.genre, (False, 800, 0.0))
    text = clean_title(spec.title)
    text = text.upper() if upper else text
    lines, size = _fit(text, width, height, size_max, size_min, tracking)
    lead = size * (0.98 if upper else 1.04)
    first_y = bottom - lead * (len(lines) - 1)
    out = [f'<text x="{x:.0f}" y="{first_y:.1f}" font-family="{FONT}" font-size="{size:.1f}" '
           f'font-weight="{weight}" letter-spacing="{tracking * size:.2f}" fill="{ink}" '
           f'text-anchor="{anchor}" filter="url(#{shadow})">']
    for i, line in enumerate(lines):
        fit = ""
        if _line_em(line, tracking) * size > width * 1.01:  # still too wide at the minimum
            fit = f' textLength="{width:.0f}" lengthAdjust="spacingAndGlyphs"'
        dy = "0" if i == 0 else f"{lead:.1f}"
        out.append(f'<tspan x="{x:.0f}" dy="{dy}"{fit}>{esc(line)}</tspan>')
    out.append("</text>")
    return "".join(out), first_y - size * 0.8
