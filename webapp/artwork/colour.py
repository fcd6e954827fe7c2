"""Colour for generated artwork: genre palettes, tag hues, colour maths and a spec's palette."""

from __future__ import annotations

import colorsys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from webapp.artwork.spec import ArtSpec

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


def _rgb(c: str) -> tuple[float, float, float]:
    return tuple(int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, v)) * 255):02x}" for v in rgb)


def mix(a: str, b: str, t: float) -> str:
    return _hex(x + (y - x) * t for x, y in zip(_rgb(a), _rgb(b), strict=True))


def _hls(h: float, lum: float, sat: float) -> str:
    return _hex(colorsys.hls_to_rgb((h % 360) / 360, lum, sat))


def rotate_hue(c: str, degrees: float) -> str:
    h, lum, s = colorsys.rgb_to_hls(*_rgb(c))
    return _hls(h * 360 + degrees, lum, s)


def stable_hash(text: str) -> int:
    """A small stable hash (Python's hash() is salted per process)."""
    value = 2166136261
    for ch in text.encode("utf-8"):
        value = ((value ^ ch) * 16777619) & 0xFFFFFFFF
    return value


def _tag_palette(slug: str) -> Palette:
    if slug in GENRE_PALETTES:
        return GENRE_PALETTES[slug]
    hue, sat = TAG_HUES.get(slug, (stable_hash(slug) % 360, 0.6))
    return (_hls(hue, 0.06, sat * 0.6), _hls(hue, 0.24, sat * 0.7), _hls(hue, 0.55, sat),
            _hls(hue + 12, 0.8, sat * 0.9))


def spec_palette(spec: ArtSpec) -> Palette:
    deep, base, accent, glow = GENRE_PALETTES.get(spec.genre) or _tag_palette(spec.genre)
    focus = spec.focus_slug or spec.genre
    if focus != spec.genre:
        f_deep, f_base, f_accent, f_glow = _tag_palette(focus)
        deep, base = mix(deep, f_deep, 0.45), mix(base, f_base, 0.7)
        accent, glow = f_accent, f_glow
    elif spec.moods:  # the genre's own variant takes a hint of the leading mood
        base = mix(base, _tag_palette(spec.moods[0])[1], 0.25)
    jitter = (spec.art_seed % 17) - 8  # titles of one genre are not all the same hue
    return deep, rotate_hue(base, jitter), rotate_hue(accent, jitter / 2), glow
