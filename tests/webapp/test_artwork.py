"""Generated SVG artwork: valid, safe, deterministic, and distinct per variant."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db import Database
from core.models import Artwork, Base, Tag, Title, TitleTag
from core.settings import Settings
from webapp.artwork.compose import (
    GENRE_PALETTES,
    MOTIFS,
    TYPE_STYLES,
    ArtSpec,
    poster_svg,
    wide_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
NASTY = "Salt & Iron <script>alert(\"x\")</script> 'q'"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def title_text(root: ET.Element) -> str:
    """The visible title: the tspans of the text element that has them, joined by spaces."""
    texts = [t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}tspan") is not None]
    assert len(texts) == 1
    return " ".join(span.text or "" for span in texts[0].iter(f"{SVG}tspan"))


def assert_safe(svg: str) -> None:
    root = parse(svg)
    assert "<script" not in svg.lower()
    for el in root.iter():
        assert el.tag.startswith(SVG), el.tag  # no foreignObject HTML, no other namespaces
        assert el.tag not in {f"{SVG}script", f"{SVG}foreignObject", f"{SVG}image",
                              f"{SVG}use", f"{SVG}a", f"{SVG}style"}
        for name, value in el.attrib.items():
            assert not re.fullmatch(r"on\w+", name, re.IGNORECASE), name
            assert "href" not in name and name != "style"
            if "url(" in value:  # only references to ids inside this document
                assert re.fullmatch(r"url\(#[\w-]+\)", value), value
    assert not re.search(r"\son\w+\s*=", svg)


def spec(**changes) -> ArtSpec:
    base = {"title": "The Last Harbor", "genre": "drama", "moods": ("emotional",),
            "art_seed": 1234, "year": 2021, "maturity": "13+"}
    return ArtSpec(**{**base, **changes})


@pytest.mark.parametrize("genre", sorted(GENRE_PALETTES))
def test_every_genre_draws_a_valid_safe_small_poster_and_wide_image(genre):
    s = spec(genre=genre, focus_slug=genre, focus_kind="genre")
    poster, wide = poster_svg(s), wide_svg(s)
    for svg in (poster, wide):
        assert_safe(svg)
        assert len(svg.encode()) < 8000
    assert parse(poster).get("viewBox") == "0 0 400 600"  # 2:3
    assert parse(wide).get("viewBox") == "0 0 1280 720"  # 16:9
    upper = TYPE_STYLES[genre][0]
    assert title_text(parse(poster)) == (s.title.upper() if upper else s.title)
    assert title_text(parse(wide)) == title_text(parse(poster))


@pytest.mark.parametrize("motif", MOTIFS)
def test_every_motif_draws(motif):
    for variant in range(3):
        svg = poster_svg(spec(motif=motif, variant=variant))
        assert_safe(svg)
        assert len(svg.encode()) < 8000


def test_title_is_escaped_and_rendered_inert():
    s = spec(title=NASTY, genre="drama")
    for svg in (poster_svg(s), wide_svg(s)):
        assert_safe(svg)
        assert "&amp;" in svg and "&lt;script&gt;" in svg and "&quot;x&quot;" in svg
        root = parse(svg)
        assert title_text(root) == NASTY  # the text survives, as text
        assert root.get("aria-label") == NASTY
        assert root.find(f"{SVG}title").text == NASTY


def test_control_characters_and_empty_titles_still_parse():
    for name in ("Night\x00\x07 in\tTokyo\u0085", "", "   ", "東京の夜", "Ça & Là"):
        for svg in (poster_svg(spec(title=name)), wide_svg(spec(title=name))):
            assert_safe(svg)
    assert title_text(parse(poster_svg(spec(title="")))) == "Untitled"


def test_long_titles_wrap_onto_at_most_three_lines_and_shrink():
    short = parse(poster_svg(spec(title="Ash")))
    long_title = "The Extraordinarily Long Chronicles of the Marrow Lane Lighthouse Keepers"
    long = parse(poster_svg(spec(title=long_title)))
    spans = list(long.iter(f"{SVG}tspan"))
    assert 2 <= len(spans) <= 3
    assert " ".join(s.text for s in spans) == long_title
    size = {name: float(next(r.iter(f"{SVG}text")).get("font-size"))  # films: the title
            for name, r in (("short", short), ("long", long))}
    assert size["long"] < size["short"]


def test_series_get_a_label_films_do_not():
    assert "SERIES" in poster_svg(spec(kind="series"))
    assert "SERIES" in wide_svg(spec(kind="series"))
    assert "SERIES" not in poster_svg(spec(kind="film"))


def test_same_spec_same_svg_and_variants_differ():
    assert poster_svg(spec()) == poster_svg(spec())
    variants = [
        spec(variant=0, focus_slug="drama", focus_kind="genre", motif="waves"),
        spec(variant=1, focus_slug="emotional", focus_kind="mood", motif="rings"),
        spec(variant=2, focus_slug="revenge", focus_kind="theme", motif="rays"),
    ]
    svgs = [poster_svg(v) for v in variants]
    assert len(set(svgs)) == 3
    fills = [set(re.findall(r'(?:fill|stop-color)="(#[0-9a-f]{6})"', svg)) for svg in svgs]
    assert fills[0] != fills[1] != fills[2] != fills[0]  # a different dominant palette
    texts = [title_text(parse(svg)) for svg in svgs]
    assert len(set(texts)) == 1  # the same title typography on every variant
    assert poster_svg(variants[0], 1) == poster_svg(replace(variants[0], variant=1))


def test_ids_are_prefixed_per_artwork_so_svgs_can_be_inlined_together():
    def ids(svg):
        return {el.get("id") for el in parse(svg).iter() if el.get("id")}

    a, b = ids(poster_svg(spec(art_seed=1))), ids(poster_svg(spec(art_seed=2)))
    assert a and b and not a & b
    assert not ids(poster_svg(spec(art_seed=1))) & ids(wide_svg(spec(art_seed=1)))


def test_wide_without_title_for_the_billboard():
    root = parse(wide_svg(spec(), with_title=False))
    assert not [t for t in root.iter(f"{SVG}text") if t.find(f"{SVG}tspan") is not None]


def _title_object() -> Title:
    horror = Tag(id=1, kind="genre", slug="horror", name="Horror")
    mystery = Tag(id=2, kind="genre", slug="mystery", name="Mystery")
    dark = Tag(id=3, kind="mood", slug="dark", name="Dark")
    secrets = Tag(id=4, kind="theme", slug="secrets", name="Secrets")
    links = [TitleTag(tag=t, position=i) for i, t in enumerate((horror, mystery, dark, secrets))]
    arts = [Artwork(variant=i, focus_tag=t, motif=m)
            for i, (t, m) in enumerate(((horror, "moon"), (dark, "forest"), (secrets, "spiral")))]
    return Title(name="Echoes of Marrow Lane", kind="series", year=2019, maturity_age=16,
                 art_seed=77, tag_links=links, artworks=arts)


def test_from_title_reads_tags_and_the_variant():
    title = _title_object()
    s = ArtSpec.from_title(title, 1)
    assert (s.title, s.kind, s.genre, s.moods) == ("Echoes of Marrow Lane", "series", "horror",
                                                   ("dark",))
    assert (s.focus_slug, s.focus_name, s.focus_kind, s.motif) == ("dark", "Dark", "mood",
                                                                   "forest")
    assert (s.art_seed, s.variant, s.year, s.maturity) == (77, 1, 2019, "16+")
    assert ArtSpec.from_title(title, 5).focus_slug in {"horror", "dark", "secrets"}
    assert poster_svg(title, 2) == poster_svg(ArtSpec.from_title(title, 2))
    assert poster_svg(title, 0) != poster_svg(title, 1)
    assert_safe(wide_svg(title, 2))


def test_from_title_without_artworks_falls_back_to_the_genre():
    title = _title_object()
    title.artworks = []
    s = ArtSpec.from_title(title, 0)
    assert (s.focus_slug, s.motif) == ("", "")
    assert_safe(poster_svg(s))


@pytest.mark.db
def test_generated_catalog_artwork_renders(tmp_path):
    from simulator.catalog.generate import generate_catalog

    db = Database(Settings(env="testing", database_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        generate_catalog(s, 25, seed=9, now=datetime(2025, 1, 1))
    with db.read() as s:
        titles = s.scalars(select(Title).options(selectinload(Title.tag_links),
                                                 selectinload(Title.artworks))).all()
        for title in titles:
            rendered = {poster_svg(title, a.variant) for a in title.artworks}
            assert len(rendered) == len(title.artworks) >= 3
            for svg in rendered:
                assert_safe(svg)
                assert title_text(parse(svg)).lower().replace(" ", "") == \
                    title.name.lower().replace(" ", "")
    db.dispose()
