"""What a title's artwork depends on (ArtSpec), apart from how it is drawn, so the colour,
type and motif modules can name it without importing the composition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.models import Title


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
