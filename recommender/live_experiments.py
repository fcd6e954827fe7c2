"""Live experiments applied to the home page, and exposure decided from what the page shows.

The site (webapp/home.py, over `SiteRows`) and the simulated site
(simulator/studies/layouts.py, over `SimulatedSite`) both call `decide` with the profile's
assignments (core.experiments.assign) and their own row source, so a browser and a simulated
viewer get the same page for the same variant and are exposed by the same rule:

- the page is planned under every variant's settings of each experiment the profile is in;
  if the plans differ (a row appears, goes or moves), the variant changed what the profile saw
  (for the control: would have), and the profile is exposed;
- an experiment whose variants differ in artwork only exposes whenever a page of titles is
  shown (every card carries artwork);
- an A/A experiment (every variant sets the same) exposes at every home page, the surface it
  is about, so that it measures the same population a real test would.

`decide` returns the settings to build the page with (`PageSettings`: the experiments' settings
merged in experiment order; experiments on the same knob belong in one layer, where only one
runs). `artwork_policy` is the hook for the artwork chooser: the policy name the profile's
variant asks for ("default" when no experiment sets one).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from core.experiments import DEFAULTS, Assignment
from recommender import row_kinds
from recommender.row_kinds import PageOptions


@dataclass(frozen=True)
class PageSettings:
    model: str = DEFAULTS["model"]  # serving | none
    genre_rows: str = DEFAULTS["genre_rows"]  # all | a number
    artwork: str = DEFAULTS["artwork"]

    def options(self, base: PageOptions = row_kinds.SITE_PAGE) -> PageOptions:
        """The page options: the variant's genre-row limit within the caller's own."""
        if self.genre_rows == "all":
            return base
        n = int(self.genre_rows)
        return replace(base, genre_rows=n if base.genre_rows is None else min(n, base.genre_rows))

    def source(self, src):
        """The row source as this variant's page reads it."""
        return WithoutModel(src) if self.model == "none" else src

    def with_sets(self, sets: dict[str, str]) -> PageSettings:
        return replace(self, **{k: v for k, v in sets.items() if k in DEFAULTS})


DEFAULT = PageSettings()


class WithoutModel:
    """A row source with the recommender switched off: every read but `personal` passes on."""

    personal = None

    def __init__(self, src) -> None:
        self._src = src

    def __getattr__(self, name):
        return getattr(self._src, name)


@dataclass
class Decision:
    settings: PageSettings = DEFAULT
    exposed: list[Assignment] = field(default_factory=list)


def plan_keys(src, settings: PageSettings, base: PageOptions = row_kinds.SITE_PAGE
              ) -> tuple[str, ...]:
    return tuple(s.key for s in row_kinds.plan(settings.source(src), settings.options(base)))


def decide(src, assigned: list[Assignment], base: PageOptions = row_kinds.SITE_PAGE
           ) -> Decision:
    """The page's settings for this profile and the experiments it is exposed to (see the
    module docstring). Plans are made from the source's cached reads: no query per variant."""
    decision = Decision()
    plans: dict[PageSettings, tuple[str, ...]] = {}
    for a in assigned:
        exp = a.experiment
        variants = [DEFAULT.with_sets(v.settings) for v in exp.variants]
        if exp.is_aa or len({v.artwork for v in variants}) > 1:
            changed = True
        else:
            for v in variants:
                if v not in plans:
                    plans[v] = plan_keys(src, v, base)
            changed = len({plans[v] for v in variants}) > 1
        if changed:
            decision.exposed.append(a)
        decision.settings = decision.settings.with_sets(a.variant.settings)
    return decision


def settings_for(assigned: list[Assignment]) -> PageSettings:
    """The page settings of the profile's variants alone (what `decide` returns as settings)."""
    settings = DEFAULT
    for a in assigned:
        settings = settings.with_sets(a.variant.settings)
    return settings


def artwork_policy(assigned: list[Assignment]) -> str:
    """The artwork policy the profile's variants ask for (the last experiment setting one)."""
    policy = DEFAULTS["artwork"]
    for a in assigned:
        policy = a.variant.settings.get("artwork", policy)
    return policy
