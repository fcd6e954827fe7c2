"""Motifs for generated artwork: a small SVG canvas and one drawing function per motif.

Every m_<motif>(c, rnd, pal, cx, hy, u) draws on canvas `c` with palette `pal` around centre x
`cx` and horizon y `hy`, scaled by the unit `u`, taking every random number from the
`random.Random` it is given.
"""

from __future__ import annotations

import math
import random

from webapp.artwork.colour import Palette, mix

MOTIFS = ("sun", "mountains", "skyline", "waves", "stars", "rays", "grid", "shapes", "spiral",
          "rings", "forest", "moon")
DEFAULT_MOTIF = {
    "action": "rays", "adventure": "mountains", "animation": "shapes", "comedy": "sun",
    "crime": "skyline", "documentary": "mountains", "drama": "waves", "family": "sun",
    "fantasy": "moon", "history": "rays", "horror": "moon", "kids": "stars", "musical": "rings",
    "mystery": "spiral", "romance": "sun", "sci-fi": "grid", "sport": "rays",
    "thriller": "grid", "war": "mountains", "western": "sun",
}


class Canvas:
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


def draw_glow(c: Canvas, cx: float, cy: float, r: float, colour: str, alpha: float) -> None:
    fill = c.gradient([(0, colour, alpha), (1, colour, 0)], radial=True, coords="")
    c.add(f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="{_f(r)}" fill="{fill}"/>')


def _disc(c: Canvas, cx: float, cy: float, r: float, pal: Palette) -> None:
    draw_glow(c, cx, cy, r * 2.4, pal[3], 0.55)
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
        colour = mix(mix(pal[2], pal[3], 0.3), pal[0], 0.3 + t * 0.65)
        y = hy - u * (0.12 - layer * 0.08)
        pts = _fractal_ridge(rnd, c.w, y, u * (0.36 - layer * 0.08))
        pts += [(c.w + 10, c.h), (-10, c.h)]
        c.add(f'<polygon points="{_points(pts)}" fill="{colour}"/>')


def m_skyline(c, rnd, pal, cx, hy, u):
    draw_glow(c, cx, hy - u * 0.1, u * 0.75, pal[2], 0.6)
    for layer in range(2):
        colour = mix(pal[1], pal[0], 0.35 + layer * 0.6)
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
        colour = mix(mix(pal[2], pal[1], 0.3), pal[0], 0.05 + t * 0.8)
        c.add(f'<path d="{" ".join(d)}" fill="{colour}" stroke="{pal[3]}" stroke-width="2" '
              f'stroke-opacity="{0.6 - t * 0.4:.2f}"/>')


def m_stars(c, rnd, pal, cx, hy, u):
    draw_glow(c, cx, hy - u * 0.3, u * 0.7, pal[2], 0.45)
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
    colours = (pal[2], pal[3], mix(pal[2], pal[3], 0.5), mix(pal[1], pal[3], 0.4))
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
    draw_glow(c, cx, cy, u * 0.6, pal[2], 0.55)
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
    draw_glow(c, cx, cy, u * 0.7, pal[2], 0.5)
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
        colour = mix(mix(pal[1], pal[2], 0.3), pal[0], 0.35 + t * 0.65)
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
    draw_glow(c, cx, cy, r * 2.8, pal[3], 0.4)
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


DRAWERS = {"sun": m_sun, "mountains": m_mountains, "skyline": m_skyline, "waves": m_waves,
         "stars": m_stars, "rays": m_rays, "grid": m_grid, "shapes": m_shapes,
         "spiral": m_spiral, "rings": m_rings, "forest": m_forest, "moon": m_moon}
