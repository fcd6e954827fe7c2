"""Generated title artwork: posters (2:3) and wide images (16:9) drawn as small SVG strings.

Pure functions, no Flask. A palette comes from the title's primary genre and moods, tinted by
the variant's focus tag; a simple geometric motif is drawn with a local `random.Random`
seeded from (art_seed, variant); the title is set in strong type that is the same for every
variant of a title. Everything that comes from data is XML-escaped; the output holds no
script, no event handler and no external reference, so it is safe to serve as image/svg+xml.
Ids inside one SVG are prefixed per title and variant, so several can be inlined in a page.
"""

from __future__ import annotations

import colorsys
import math
import random
import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.models import Title

__all__ = ["ArtSpec", "poster_svg", "wide_svg", "POSTER_SIZE", "WIDE_SIZE"]

POSTER_SIZE = (400, 600)
WIDE_SIZE = (1280, 720)
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
BRAND = "#ff9a3c"  # StreamSim's amber accent (the SERIES mark)

MOTIFS = ("sun", "mountains", "skyline", "waves", "stars", "rays", "grid", "shapes", "spiral",
          "rings", "forest", "moon")


@dataclass(frozen=True)
class ArtSpec:
    """Everything the artwork depends on; `from_title` builds it from a Title row."""

    title: str
    kind: str = "film"  # film | series
    genre: str = "drama"  # primary genre slug
    moods: tuple[str, ...] = ()
    focus_slug: str = ""  # the tag this variant stresses ("" = the primary genre)
    focus_name: str = ""
    focus_kind: str = "genre"  # genre | mood | theme
    motif: str = ""  # one of MOTIFS ("" = chosen from the focus)
    art_seed: int = 0
    variant: int = 0
    year: int | None = None
    maturity: str = ""

    @classmethod
    def from_title(cls, title: Title, variant: int = 0) -> ArtSpec:
        """Needs title.tag_links (with tags) and title.artworks loaded."""
        links = sorted(title.tag_links, key=lambda link: link.position)
        genres = [link.tag.slug for link in links if link.tag.kind == "genre"]
        moods = tuple(link.tag.slug for link in links if link.tag.kind == "mood")
        arts = sorted(title.artworks, key=lambda a: a.variant)
        art = next((a for a in arts if a.variant == variant), None)
        if art is None and arts:
            art = arts[variant % len(arts)]
        focus = art.focus_tag if art is not None else None
        return cls(
            title=title.name,
            kind=title.kind,
            genre=genres[0] if genres else "drama",
            moods=moods,
            focus_slug=focus.slug if focus else "",
            focus_name=focus.name if focus else "",
            focus_kind=focus.kind if focus else "genre",
            motif=art.motif if art is not None else "",
            art_seed=title.art_seed or 0,
            variant=variant,
            year=title.year,
            maturity=title.maturity_label if title.maturity_age is not None else "",
        )


# --- colour -------------------------------------------------------------------------------

Palette = tuple[str, str, str, str]  # deep, base, accent, glow

GENRE_PALETTES: dict[str, Palette] = {
    "action": ("#0a0f1e", "#1f3158", "#ff6a13", "#ffc15e"),
    "adventure": ("#07201a", "#1d5a43", "#f2b33d", "#ffe6a3"),
    "animation": ("#1c0f5c", "#4b32d6", "#ffd23f", "#ff6fb5"),
    "comedy": ("#5a2300", "#d9791b", "#ffe14d", "#fff4b8"),
    "crime": ("#060b12", "#1b3447", "#6fa8cf", "#d5e4ee"),
    "documentary": ("#17120b", "#54402a", "#d9a066", "#f3dcb4"),
    "drama": ("#130b16", "#3f2741", "#e0a370", "#f8d7b5"),
    "family": ("#0c2c47", "#2c7bb6", "#ffcc4d", "#fff1c2"),
    "fantasy": ("#0f0826", "#3a1e72", "#7ff0c5", "#e4c7ff"),
    "history": ("#17110b", "#4a3522", "#c99555", "#f1d9a9"),
    "horror": ("#030102", "#3d0308", "#d0101f", "#ff5a4f"),
    "kids": ("#0d3f73", "#1ea0e6", "#ffe23d", "#ff8ac2"),
    "musical": ("#18041f", "#621a70", "#ffc640", "#ff7ad6"),
    "mystery": ("#080a1a", "#262b57", "#98a2ff", "#dcdfff"),
    "romance": ("#26071a", "#8f2258", "#ff86ad", "#ffd3e0"),
    "sci-fi": ("#030917", "#25114f", "#14e0d2", "#b46cff"),
    "sport": ("#071729", "#10406e", "#ffd000", "#ff5b35"),
    "thriller": ("#05080a", "#14302f", "#e8d24a", "#f3f0d8"),
    "war": ("#0c0d08", "#3a3c28", "#c4a266", "#eadcc0"),
    "western": ("#260f05", "#8b3a12", "#f59a0b", "#ffd896"),
}
# Moods and themes: (hue in degrees, saturation).
TAG_HUES: dict[str, tuple[float, float]] = {
    "dark": (258, 0.32), "feel-good": (44, 0.95), "tense": (28, 0.9), "witty": (168, 0.75),
    "heartwarming": (18, 0.85), "emotional": (222, 0.65), "quirky": (292, 0.7),
    "gritty": (32, 0.4), "inspiring": (200, 0.85), "whimsical": (305, 0.6),
    "chilling": (186, 0.55), "cerebral": (240, 0.6), "revenge": (356, 0.85),
    "friendship": (46, 0.85), "family-ties": (24, 0.75), "coming-of-age": (145, 0.6),
    "survival": (88, 0.45), "first-love": (338, 0.8), "betrayal": (128, 0.55),
    "redemption": (50, 0.7), "power": (272, 0.65), "identity": (196, 0.7),
    "justice": (214, 0.55), "grief": (226, 0.3), "ambition": (14, 0.8), "escape": (184, 0.7),
    "secrets": (264, 0.55), "rivalry": (6, 0.85),
}
DEFAULT_MOTIF = {
    "action": "rays", "adventure": "mountains", "animation": "shapes", "comedy": "sun",
    "crime": "skyline", "documentary": "mountains", "drama": "waves", "family": "sun",
    "fantasy": "moon", "history": "rays", "horror": "moon", "kids": "stars", "musical": "rings",
    "mystery": "spiral", "romance": "sun", "sci-fi": "grid", "sport": "rays",
    "thriller": "grid", "war": "mountains", "western": "sun",
}


def _rgb(c: str) -> tuple[float, float, float]:
    return tuple(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, v)) * 255):02x}" for v in rgb)


def _mix(a: str, b: str, t: float) -> str:
    return _hex(x + (y - x) * t for x, y in zip(_rgb(a), _rgb(b), strict=True))


def _hls(h: float, lum: float, sat: float) -> str:
    return _hex(colorsys.hls_to_rgb((h % 360) / 360, lum, sat))


def _rotate(c: str, degrees: float) -> str:
    h, lum, s = colorsys.rgb_to_hls(*_rgb(c))
    return _hls(h * 360 + degrees, lum, s)


def _stable(text: str) -> int:
    """A small stable hash (Python's hash() is salted per process)."""
    value = 2166136261
    for ch in text.encode("utf-8"):
        value = ((value ^ ch) * 16777619) & 0xFFFFFFFF
    return value


def _tag_palette(slug: str) -> Palette:
    if slug in GENRE_PALETTES:
        return GENRE_PALETTES[slug]
    hue, sat = TAG_HUES.get(slug, (_stable(slug) % 360, 0.6))
    return (_hls(hue, 0.06, sat * 0.6), _hls(hue, 0.24, sat * 0.7), _hls(hue, 0.55, sat),
            _hls(hue + 12, 0.8, sat * 0.9))


def _palette(spec: ArtSpec) -> Palette:
    deep, base, accent, glow = GENRE_PALETTES.get(spec.genre) or _tag_palette(spec.genre)
    focus = spec.focus_slug or spec.genre
    if focus != spec.genre:
        f_deep, f_base, f_accent, f_glow = _tag_palette(focus)
        deep, base = _mix(deep, f_deep, 0.45), _mix(base, f_base, 0.7)
        accent, glow = f_accent, f_glow
    elif spec.moods:  # the genre's own variant takes a hint of the leading mood
        base = _mix(base, _tag_palette(spec.moods[0])[1], 0.25)
    jitter = (spec.art_seed % 17) - 8  # titles of one genre are not all the same hue
    return deep, _rotate(base, jitter), _rotate(accent, jitter / 2), glow


# --- type ---------------------------------------------------------------------------------

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


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot hold and collapse whitespace."""
    kept = "".join(c for c in text if (c >= " " and c not in "\ufffe\uffff"
                                       and not 0xD800 <= ord(c) <= 0xDFFF) or c == "\t")
    return " ".join(kept.split()) or "Untitled"


def _esc(text: str) -> str:
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


def _title_block(spec: ArtSpec, x: float, bottom: float, width: float, height: float,
                 size_max: float, size_min: float, anchor: str, ink: str,
                 shadow: str) -> tuple[str, float]:
    """The title as a <text> of 1-3 lines whose last baseline is `bottom`; and its top."""
    upper, weight, tracking = TYPE_STYLES.get(spec.genre, (False, 800, 0.0))
    text = _clean(spec.title)
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
        out.append(f'<tspan x="{x:.0f}" dy="{dy}"{fit}>{_esc(line)}</tspan>')
    out.append("</text>")
    return "".join(out), first_y - size * 0.8


# --- motifs -------------------------------------------------------------------------------


class _Canvas:
    """Collects defs and body elements; ids carry a per-artwork prefix."""

    def __init__(self, prefix: str, w: int, h: int) -> None:
        self.p, self.w, self.h = prefix, w, h
        self.defs: list[str] = []
        self.body: list[str] = []
        self._n = 0

    def gradient(self, stops: list[tuple[float, str, float]], *, radial: bool = False,
                 coords: str = 'x1="0" y1="0" x2="0" y2="1"') -> str:
        self._n += 1
        gid = f"{self.p}g{self._n}"
        tag = "radialGradient" if radial else "linearGradient"
        stop_xml = "".join(f'<stop offset="{o:g}" stop-color="{c}" stop-opacity="{a:g}"/>'
                           for o, c, a in stops)
        self.defs.append(f'<{tag} id="{gid}" {coords}>{stop_xml}</{tag}>')
        return f"url(#{gid})"

    def add(self, element: str) -> None:
        self.body.append(element)


def _f(v: float) -> str:
    return f"{v:.0f}"


def _points(pts) -> str:
    return " ".join(f"{x:.0f},{y:.0f}" for x, y in pts)


def _glow(c: _Canvas, cx: float, cy: float, r: float, colour: str, alpha: float) -> None:
    fill = c.gradient([(0, colour, alpha), (1, colour, 0)], radial=True, coords="")
    c.add(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{fill}"/>')


def _disc(c: _Canvas, cx: float, cy: float, r: float, pal: Palette) -> None:
    _glow(c, cx, cy, r * 2.4, pal[3], 0.55)
    fill = c.gradient([(0, pal[3], 1), (1, pal[2], 1)])
    c.add(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{fill}"/>')


def _ridge(rnd: random.Random, w: float, y: float, amp: float, steps: int) -> list:
    pts = [(-10, y + amp)]
    for i in range(steps + 1):
        pts.append((w * i / steps, y - rnd.uniform(0.1, 1.0) * amp))
    return pts


def m_sun(c, rnd, pal, cx, hy, u):
    r = u * rnd.uniform(0.2, 0.27)
    cy = hy - r * rnd.uniform(0.1, 0.6)
    _disc(c, cx, cy, r, pal)
    for i in range(4):  # retro bands across the lower half of the sun
        y = cy + r * (0.2 + i * 0.2)
        c.add(f'<rect x="{_f(cx - r)}" y="{_f(y)}" width="{_f(2 * r)}" height="{2 + i * 2.5:.1f}"'
              f' fill="{pal[1]}" opacity=".85"/>')
    pts = _ridge(rnd, c.w, hy, u * 0.05, 5) + [(c.w + 10, c.h), (-10, c.h)]
    c.add(f'<polygon points="{_points(pts)}" fill="{pal[0]}"/>')


def _fractal_ridge(rnd: random.Random, w: float, y: float, rough: float, depth: int = 5):
    """A mountain ridge by midpoint displacement: natural peaks from a few numbers."""
    heights = [y - rnd.uniform(0, rough), y - rnd.uniform(0, rough)]
    spread = rough
    for _ in range(depth):
        nxt = []
        for a, b in zip(heights, heights[1:], strict=False):
            nxt += [a, (a + b) / 2 + rnd.uniform(-spread, spread)]
        heights = nxt + [heights[-1]]
        spread *= 0.55
    step = (w + 20) / (len(heights) - 1)
    return [(-10 + i * step, hgt) for i, hgt in enumerate(heights)]


def m_mountains(c, rnd, pal, cx, hy, u):
    _disc(c, cx + rnd.uniform(-0.2, 0.2) * u, hy - u * 0.36, u * 0.07, pal)
    for layer in range(3):
        t = layer / 2
        colour = _mix(_mix(pal[2], pal[3], 0.3), pal[0], 0.3 + t * 0.65)
        y = hy - u * (0.12 - layer * 0.08)
        pts = _fractal_ridge(rnd, c.w, y, u * (0.36 - layer * 0.08))
        pts += [(c.w + 10, c.h), (-10, c.h)]
        c.add(f'<polygon points="{_points(pts)}" fill="{colour}"/>')


def m_skyline(c, rnd, pal, cx, hy, u):
    _glow(c, cx, hy - u * 0.1, u * 0.75, pal[2], 0.6)
    for layer in range(2):
        colour = _mix(pal[1], pal[0], 0.35 + layer * 0.6)
        x = -5.0
        windows = []
        while x < c.w:
            bw = rnd.uniform(0.07, 0.16) * u
            bh = rnd.uniform(0.15, 0.5) * u * (1.25 - layer * 0.45)
            c.add(f'<rect x="{_f(x)}" y="{_f(hy - bh)}" width="{_f(bw + 1)}" '
                  f'height="{_f(bh + c.h)}" fill="{colour}"/>')
            if layer == 1 and rnd.random() < 0.5:
                windows.append((x, hy - bh, bw))
            x += bw
        for x0, top, bw in windows[:12]:
            for _ in range(rnd.randint(1, 4)):
                wx = x0 + rnd.uniform(0.15, 0.75) * bw
                wy = top + rnd.uniform(0.06, 0.6) * (hy - top)
                c.add(f'<rect x="{_f(wx)}" y="{_f(wy)}" width="3" height="5" fill="{pal[3]}"'
                      f' opacity=".8"/>')


def m_waves(c, rnd, pal, cx, hy, u):
    _disc(c, cx, hy - u * 0.2, u * 0.14, pal)
    for i in range(5):
        t = i / 4
        y = hy + (c.h - hy) * (t * 0.75)
        amp = u * (0.025 + 0.02 * t)
        period = u * rnd.uniform(0.35, 0.55)
        phase = rnd.uniform(0, period)
        d = [f"M-10 {y:.0f}"]
        x = -10 - phase
        while x < c.w + period:
            d.append(f"q{period / 4:.0f} {-amp:.0f} {period / 2:.0f} 0 t{period / 2:.0f} 0")
            x += period
        d.append(f"V{c.h}H-10Z")
        colour = _mix(_mix(pal[2], pal[1], 0.3), pal[0], 0.05 + t * 0.8)
        c.add(f'<path d="{" ".join(d)}" fill="{colour}" stroke="{pal[3]}" stroke-width="2" '
              f'stroke-opacity="{0.6 - t * 0.4:.2f}"/>')


def m_stars(c, rnd, pal, cx, hy, u):
    _glow(c, cx, hy - u * 0.3, u * 0.7, pal[2], 0.45)
    for _ in range(46):
        x, y = rnd.uniform(0, c.w), rnd.uniform(0, hy + u * 0.1)
        c.add(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{rnd.uniform(0.6, 2.2):.1f}" '
              f'fill="{pal[3]}" opacity="{rnd.uniform(0.4, 1):.2f}"/>')
    for _ in range(3):
        x, y, s = rnd.uniform(0, c.w), rnd.uniform(0, hy), rnd.uniform(6, 14)
        pts = [(x, y - s), (x + s * 0.22, y - s * 0.22), (x + s, y), (x + s * 0.22, y + s * 0.22),
               (x, y + s), (x - s * 0.22, y + s * 0.22), (x - s, y), (x - s * 0.22, y - s * 0.22)]
        c.add(f'<polygon points="{_points(pts)}" fill="{pal[3]}"/>')
    r = u * rnd.uniform(0.12, 0.18)
    py = hy - u * rnd.uniform(0.25, 0.4)
    _disc(c, cx, py, r, pal)
    c.add(f'<ellipse cx="{_f(cx)}" cy="{_f(py)}" rx="{_f(r * 1.9)}" ry="{_f(r * 0.35)}" '
          f'fill="none" stroke="{pal[3]}" stroke-width="3" opacity=".7" '
          f'transform="rotate({rnd.uniform(-25, -8):.0f} {_f(cx)} {_f(py)})"/>')


def m_rays(c, rnd, pal, cx, hy, u):
    n = rnd.randint(14, 22)
    cy = hy - u * rnd.uniform(0.1, 0.3)
    reach = u * 2.5
    turn = rnd.uniform(0, math.pi)
    for i in range(0, n, 2):
        a0 = turn + 2 * math.pi * i / n
        a1 = turn + 2 * math.pi * (i + 1) / n
        pts = [(cx, cy), (cx + reach * math.cos(a0), cy + reach * math.sin(a0)),
               (cx + reach * math.cos(a1), cy + reach * math.sin(a1))]
        c.add(f'<polygon points="{_points(pts)}" fill="{pal[2]}" opacity=".22"/>')
    _disc(c, cx, cy, u * 0.09, pal)


def m_grid(c, rnd, pal, cx, hy, u):
    _disc(c, cx, hy - u * 0.12, u * 0.2, pal)
    c.add(f'<rect x="0" y="{_f(hy)}" width="{c.w}" height="{_f(c.h - hy)}" fill="{pal[0]}"/>')
    lines = []
    for i in range(-12, 13):
        lines.append(f"M{cx:.0f} {hy:.0f}L{cx + i * u * 0.22:.0f} {c.h}")
    for i in range(1, 9):
        y = hy + (c.h - hy) * (i / 8) ** 2
        lines.append(f"M0 {y:.0f}H{c.w}")
    c.add(f'<path d="{"".join(lines)}" stroke="{pal[2]}" stroke-width="1.6" fill="none" '
          f'opacity=".75"/>')
    c.add(f'<rect x="0" y="{_f(hy - 1)}" width="{c.w}" height="3" fill="{pal[3]}"/>')


def m_shapes(c, rnd, pal, cx, hy, u):
    colours = (pal[2], pal[3], _mix(pal[2], pal[3], 0.5), _mix(pal[1], pal[3], 0.4))
    for _ in range(rnd.randint(6, 9)):
        x = cx + rnd.uniform(-0.7, 0.7) * u
        y = hy + rnd.uniform(-0.5, 0.05) * u
        s = rnd.uniform(0.06, 0.2) * u
        colour, alpha = rnd.choice(colours), rnd.uniform(0.55, 0.95)
        kind = rnd.randrange(4)
        if kind == 0:
            c.add(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(s)}" fill="{colour}" '
                  f'opacity="{alpha:.2f}"/>')
        elif kind == 1:
            pts = [(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)]
            c.add(f'<polygon points="{_points(pts)}" fill="{colour}" opacity="{alpha:.2f}" '
                  f'transform="rotate({rnd.uniform(-40, 40):.0f} {_f(x)} {_f(y)})"/>')
        elif kind == 2:
            c.add(f'<rect x="{_f(x - s)}" y="{_f(y - s)}" width="{_f(2 * s)}" '
                  f'height="{_f(2 * s)}" rx="{_f(s * 0.2)}" fill="{colour}" '
                  f'opacity="{alpha:.2f}" transform="rotate({rnd.uniform(0, 90):.0f} '
                  f'{_f(x)} {_f(y)})"/>')
        else:
            c.add(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(s)}" fill="none" stroke="{colour}"'
                  f' stroke-width="{_f(s * 0.3)}" opacity="{alpha:.2f}"/>')
    for _ in range(14):
        c.add(f'<circle cx="{_f(rnd.uniform(0, c.w))}" cy="{_f(rnd.uniform(0, hy + u * .2))}" '
              f'r="{rnd.uniform(2, 5):.1f}" fill="{rnd.choice(colours)}"/>')


def m_spiral(c, rnd, pal, cx, hy, u):
    """A vortex: squares that grow and turn around one centre."""
    cy = hy - u * 0.22
    _glow(c, cx, cy, u * 0.6, pal[2], 0.55)
    turn, size = rnd.choice((-1, 1)) * rnd.uniform(9, 14), u * 0.05
    rects = []
    for i in range(15):
        colour = pal[3] if i % 3 else pal[2]
        rects.append(f'<rect x="{_f(cx - size)}" y="{_f(cy - size)}" width="{_f(2 * size)}" '
                     f'height="{_f(2 * size)}" stroke="{colour}" '
                     f'stroke-opacity="{0.95 - i * 0.04:.2f}" '
                     f'transform="rotate({i * turn:.0f} {_f(cx)} {_f(cy)})"/>')
        size *= 1.19
    c.add(f'<g fill="none" stroke-width="{u * 0.008:.1f}">{"".join(rects)}</g>')


def m_rings(c, rnd, pal, cx, hy, u):
    cy = hy - u * rnd.uniform(0.1, 0.25)
    _glow(c, cx, cy, u * 0.7, pal[2], 0.5)
    r = u * 0.06
    for i in range(rnd.randint(6, 9)):
        width = rnd.uniform(2, 14)
        colour = pal[3] if i % 2 else pal[2]
        dash = f' stroke-dasharray="{_f(r * rnd.uniform(1, 4))} {_f(r * 0.6)}"' \
            if rnd.random() < 0.35 else ""
        c.add(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="none" stroke="{colour}" '
              f'stroke-width="{width:.1f}" opacity="{rnd.uniform(0.45, 0.9):.2f}"{dash}/>')
        r += width + rnd.uniform(0.03, 0.07) * u


def m_forest(c, rnd, pal, cx, hy, u):
    _disc(c, cx, hy - u * 0.32, u * 0.1, pal)
    for layer in range(3):
        t = layer / 2
        colour = _mix(_mix(pal[1], pal[2], 0.3), pal[0], 0.35 + t * 0.65)
        base_y = hy - u * 0.06 + layer * u * 0.09
        x = rnd.uniform(-20, 0)
        trees = []
        while x < c.w + 20:
            th = rnd.uniform(0.18, 0.36) * u * (0.7 + t * 0.5)
            tw = th * rnd.uniform(0.28, 0.38)
            trees.append(f"M{x:.0f} {base_y - th:.0f}L{x + tw / 2:.0f} {base_y:.0f}"
                         f"H{x - tw / 2:.0f}Z")
            x += tw * rnd.uniform(0.55, 0.9)
        c.add(f'<path d="{"".join(trees)}" fill="{colour}"/>')
        c.add(f'<rect x="0" y="{_f(base_y - 1)}" width="{c.w}" height="{_f(c.h)}" '
              f'fill="{colour}"/>')


def m_moon(c, rnd, pal, cx, hy, u):
    r = u * rnd.uniform(0.17, 0.23)
    cy = hy - u * rnd.uniform(0.3, 0.42)
    _glow(c, cx, cy, r * 2.8, pal[3], 0.4)
    mask = f"{c.p}m"
    off = r * rnd.uniform(0.35, 0.6)
    c.defs.append(f'<mask id="{mask}"><rect width="{c.w}" height="{c.h}" fill="#fff"/>'
                  f'<circle cx="{_f(cx + off)}" cy="{_f(cy - off * 0.4)}" r="{_f(r)}"/></mask>')
    fill = c.gradient([(0, "#ffffff", 1), (1, pal[3], 1)])
    c.add(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{fill}" mask="url(#{mask})"/>')
    for _ in range(rnd.randint(3, 5)):
        x = rnd.uniform(-0.1, 1.0) * c.w
        y = cy + rnd.uniform(0.2, 1.4) * r
        w = rnd.uniform(0.3, 0.6) * u
        c.add(f'<ellipse cx="{_f(x)}" cy="{_f(y)}" rx="{_f(w)}" ry="{_f(w * 0.12)}" '
              f'fill="{pal[1]}" opacity=".75"/>')
    pts = _ridge(rnd, c.w, hy + u * 0.05, u * 0.08, 9) + [(c.w + 10, c.h), (-10, c.h)]
    c.add(f'<polygon points="{_points(pts)}" fill="{pal[0]}"/>')


_DRAW = {"sun": m_sun, "mountains": m_mountains, "skyline": m_skyline, "waves": m_waves,
         "stars": m_stars, "rays": m_rays, "grid": m_grid, "shapes": m_shapes,
         "spiral": m_spiral, "rings": m_rings, "forest": m_forest, "moon": m_moon}


# --- composition --------------------------------------------------------------------------


def _compose(spec: ArtSpec, wide: bool, with_title: bool = True) -> str:
    w, h = WIDE_SIZE if wide else POSTER_SIZE
    prefix = f"a{spec.art_seed % 1_000_000_007:x}{spec.variant}{'w' if wide else 'p'}"
    c = _Canvas(prefix, w, h)
    pal = _palette(spec)
    deep, base, accent, glow = pal
    motif = spec.motif if spec.motif in _DRAW else \
        DEFAULT_MOTIF.get(spec.focus_slug or spec.genre, MOTIFS[spec.art_seed % len(MOTIFS)])
    rnd = random.Random(spec.art_seed * 1009 + spec.variant * 7919 + _stable(motif))

    sky = c.gradient([(0, _mix(base, deep, 0.35), 1), (0.55, base, 1), (1, deep, 1)])
    c.add(f'<rect width="{w}" height="{h}" fill="{sky}"/>')
    if wide:
        cx, hy, u = w * rnd.uniform(0.6, 0.75), h * 0.66, 720.0
    else:
        cx, hy, u = w * rnd.uniform(0.38, 0.62), h * 0.56, 400.0
    # A second, shifted light from a top corner makes the background two-toned.
    corner = w * (0.1 if rnd.random() < 0.5 else 0.9)
    _glow(c, corner, h * 0.05, u * 0.9, _rotate(accent, rnd.choice((-40, 40))), 0.35)
    _DRAW[motif](c, rnd, pal, cx, hy, u)

    if wide:  # dark towards the left and the bottom, where the title and UI sit
        side = c.gradient([(0, deep, 0.95), (0.45, deep, 0.55), (0.75, deep, 0)],
                          coords='x1="0" y1="0" x2="1" y2="0"')
        c.add(f'<rect width="{w}" height="{h}" fill="{side}"/>')
    shade = c.gradient([(0, deep, 0), (0.5, deep, 0.35 if wide else 0.0), (1, deep, 0.95)])
    top = 0.45 if wide else 0.5
    c.add(f'<rect y="{h * top:.0f}" width="{w}" height="{h * (1 - top):.0f}" fill="{shade}"/>')
    vignette = c.gradient([(0.55, "#000", 0), (1, "#000", 0.6)], radial=True,
                          coords='cx="0.5" cy="0.45" r="0.75"')
    c.add(f'<rect width="{w}" height="{h}" fill="{vignette}"/>')
    c.defs.append(
        f'<filter id="{prefix}n" x="0" y="0" width="100%" height="100%">'
        f'<feTurbulence type="fractalNoise" baseFrequency=".8" numOctaves="2" '
        f'seed="{spec.art_seed % 997}" stitchTiles="stitch"/>'
        f'<feColorMatrix values="0 0 0 0 1 0 0 0 0 1 0 0 0 0 1 0 0 0 .9 -.4"/></filter>'
        f'<filter id="{prefix}s" x="-20%" y="-40%" width="140%" height="180%">'
        f'<feDropShadow dx="0" dy="{3 if wide else 2}" stdDeviation="{6 if wide else 4}" '
        f'flood-color="#000" flood-opacity=".65"/></filter>')
    c.add(f'<rect width="{w}" height="{h}" filter="url(#{prefix}n)" opacity=".28"/>')

    ink = _mix("#ffffff", glow, 0.12)
    text_top = h * 0.84 if wide else h - 44.0
    if with_title:
        if wide:
            title, text_top = _title_block(spec, 72, h * 0.84, 560, 230, 104, 40, "start", ink,
                                           f"{prefix}s")
        else:
            title, text_top = _title_block(spec, w / 2, h - 44, 344, 190, 78, 26, "middle",
                                           ink, f"{prefix}s")
        c.add(title)
    if spec.kind == "series" and with_title:  # the mark: above the title on wide art
        x, y, size = (72, text_top - 22, 18) if wide else (20, 34, 13)
        c.add(f'<rect x="{x}" y="{y - size * 0.95:.0f}" width="{size * 0.32:.1f}" '
              f'height="{size * 1.15:.1f}" fill="{BRAND}"/>'
              f'<text x="{x + size * 0.75:.0f}" y="{y:.0f}" font-family="{FONT}" '
              f'font-size="{size}" font-weight="700" letter-spacing="{size * 0.3:.1f}" '
              f'fill="#fff" opacity=".92">SERIES</text>')

    label = _esc(_clean(spec.title))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
            f'height="{h}" role="img" aria-label="{label}"><title>{label}</title>'
            f'<defs>{"".join(c.defs)}</defs>{"".join(c.body)}</svg>')


def _spec(title_view, variant: int | None) -> ArtSpec:
    if isinstance(title_view, ArtSpec):
        if variant is None or variant == title_view.variant:
            return title_view
        return replace(title_view, variant=variant)
    return ArtSpec.from_title(title_view, variant or 0)


def poster_svg(title_view: ArtSpec | Title, variant: int | None = None) -> str:
    """A 2:3 poster (viewBox 0 0 400 600) for an ArtSpec or a Title (built with from_title)."""
    return _compose(_spec(title_view, variant), wide=False)


def wide_svg(title_view: ArtSpec | Title, variant: int | None = None, *,
             with_title: bool = True) -> str:
    """A 16:9 image (viewBox 0 0 1280 720); with_title=False for a billboard that sets the
    title in HTML."""
    return _compose(_spec(title_view, variant), wide=True, with_title=with_title)
