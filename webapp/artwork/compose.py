"""Generated title artwork: posters (2:3) and wide images (16:9) drawn as small SVG strings.

Pure functions, no Flask. A palette comes from the title's primary genre and moods, tinted by
the variant's focus tag; a simple geometric motif is drawn with a local `random.Random`
seeded from (art_seed, variant); the title is set in strong type that is the same for every
variant of a title. Everything that comes from data is XML-escaped; the output holds no
script, no event handler and no external reference, so it is safe to serve as image/svg+xml.
Ids inside one SVG are prefixed per title and variant, so several can be inlined in a page.

This module composes; the package's other parts are listed in webapp/artwork/__init__.py.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING

from webapp.artwork.colour import GENRE_PALETTES, mix, rotate_hue, spec_palette, stable_hash
from webapp.artwork.motifs import DEFAULT_MOTIF, DRAWERS, MOTIFS, Canvas, draw_glow
from webapp.artwork.spec import ArtSpec
from webapp.artwork.typography import FONT, TYPE_STYLES, clean_title, esc, title_block

if TYPE_CHECKING:
    from core.models import Title

# GENRE_PALETTES, MOTIFS and TYPE_STYLES are re-exported: they list the styles there are.
__all__ = ["ArtSpec", "poster_svg", "wide_svg", "still_svg", "POSTER_SIZE", "WIDE_SIZE",
           "GENRE_PALETTES", "MOTIFS", "TYPE_STYLES"]

POSTER_SIZE = (400, 600)
WIDE_SIZE = (1280, 720)
BRAND = "#ff9a3c"  # StreamSim's amber accent (the SERIES mark)


# --- composition --------------------------------------------------------------------------


def _compose(spec: ArtSpec, wide: bool, with_title: bool = True) -> str:
    w, h = WIDE_SIZE if wide else POSTER_SIZE
    prefix = f"a{spec.art_seed % 1_000_000_007:x}{spec.variant}{'w' if wide else 'p'}"
    c = Canvas(prefix, w, h)
    pal = spec_palette(spec)
    deep, base, accent, glow = pal
    motif = spec.motif if spec.motif in DRAWERS else \
        DEFAULT_MOTIF.get(spec.focus_slug or spec.genre, MOTIFS[spec.art_seed % len(MOTIFS)])
    rnd = random.Random(spec.art_seed * 1009 + spec.variant * 7919 + stable_hash(motif))

    sky = c.gradient([(0, mix(base, deep, 0.35), 1), (0.55, base, 1), (1, deep, 1)])
    c.add(f'<rect width="{w}" height="{h}" fill="{sky}"/>')
    if wide:
        cx, hy, u = w * rnd.uniform(0.6, 0.75), h * 0.66, 720.0
    else:
        cx, hy, u = w * rnd.uniform(0.38, 0.62), h * 0.56, 400.0
    # A second, shifted light from a top corner makes the background two-toned.
    corner = w * (0.1 if rnd.random() < 0.5 else 0.9)
    draw_glow(c, corner, h * 0.05, u * 0.9, rotate_hue(accent, rnd.choice((-40, 40))), 0.35)
    DRAWERS[motif](c, rnd, pal, cx, hy, u)

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

    ink = mix("#ffffff", glow, 0.12)
    text_top = h * 0.84 if wide else h - 44.0
    if with_title:
        if wide:
            title, text_top = title_block(spec, 72, h * 0.84, 560, 230, 104, 40, "start", ink,
                                           f"{prefix}s")
        else:
            title, text_top = title_block(spec, w / 2, h - 44, 344, 190, 78, 26, "middle",
                                           ink, f"{prefix}s")
        c.add(title)
    if spec.kind == "series" and with_title:  # the mark: above the title on wide art
        x, y, size = (72, text_top - 22, 18) if wide else (20, 34, 13)
        c.add(f'<rect x="{x}" y="{y - size * 0.95:.0f}" width="{size * 0.32:.1f}" '
              f'height="{size * 1.15:.1f}" fill="{BRAND}"/>'
              f'<text x="{x + size * 0.75:.0f}" y="{y:.0f}" font-family="{FONT}" '
              f'font-size="{size}" font-weight="700" letter-spacing="{size * 0.3:.1f}" '
              f'fill="#fff" opacity=".92">SERIES</text>')

    label = esc(clean_title(spec.title))
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


def still_svg(title_view: ArtSpec | Title, season: int, number: int) -> str:
    """A 16:9 still for one episode, without the title: the title's colours (its artwork
    variants in turn), with a motif and a composition of the episode's own. Within a season
    each episode gets a different motif (a per-season order of the 12), so a season of up to
    12 episodes has no two stills alike; the same episode always gets the same still."""
    spec = _spec(title_view, None) if isinstance(title_view, ArtSpec) \
        else ArtSpec.from_title(title_view, number - 1)
    order = sorted(MOTIFS, key=lambda m: stable_hash(f"{spec.art_seed}:{season}:{m}"))
    seed = stable_hash(f"{spec.art_seed}:{season}:{number}") & 0x7FFFFFFF
    still = replace(spec, motif=order[(number - 1) % len(order)], art_seed=seed)
    return _compose(still, wide=True, with_title=False)
