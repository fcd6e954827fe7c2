"""The simulated site shows the rows the site shows: one row registry (recommender/row_kinds.py),
read from the database by the site (`HomeRows`) and from the simulation's memory by the
simulator (`SiteLayout`), gives the same rows for the same profile and state.

Each step changes a profile's history the same way in both: in the database as the site stores
it, and in the simulator's `ProfileState` as a session leaves it; then the two pages are
compared row by row, title by title. A step changes one thing of each ordered kind (My List,
Continue Watching, finished titles), since the simulator orders changes by the visit it saw
them in."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import select

from core import accounts, activity
from core.models import Profile, Tag, Title, Viewing
from recommender.row_kinds import ADULT_GENRES
from recommender.rows import HomeRows
from simulator.studies.layouts import SiteLayout
from simulator.studies.seed import attach_truth, seed_history
from simulator.viewers.engine import Simulation
from simulator.viewers.population import load_population
from simulator.viewers.world import load_catalog
from tests.conftest import TEST_NOW

SEED = 5


def site_page(database, profile_id: int, now, model=None) -> list[tuple[str, list[int]]]:
    """Every row the site shows the profile: the first screen, then each lazy row."""
    with database.read() as s:
        builder = HomeRows(s, s.get(Profile, profile_id), now, model)
        home = builder.home()
        rows = [(r.key, [t.id for t in r.titles]) for r in home.rows]
        for spec in home.lazy:
            rows.append((spec.key, [t.id for t in builder.build(spec).titles]))
    return [(key, ids) for key, ids in rows if ids]


def simulated_page(sim, i: int, day: int) -> list[tuple[str, list[int]]]:
    return [(row.key, sim.catalog.title_ids[row.titles].tolist())
            for row in sim.layout.rows(sim, i, day)]


class World:
    """An adult and a kids profile of our own beside a small seeded world (whose plays fill
    Trending), and a simulation of just those two."""

    def __init__(self, database, layout: SiteLayout) -> None:
        self.db = database
        seed_history(database, 30, 2, SEED, TEST_NOW, model_from_day=None)
        with database.write() as s:
            account = accounts.create_account(s, "same@example.com", "correct horse battery",
                                              TEST_NOW)
            adult = accounts.create_profile(s, account, TEST_NOW, name="Ada",
                                            maturity_limit=18)
            kids = accounts.create_profile(s, account, TEST_NOW, name="Kit", is_kids=True)
            genres = dict(s.execute(select(Tag.slug, Tag.id).where(Tag.kind == "genre")).all())
            for profile, favourites in ((adult, ("drama", "war")), (kids, ("animation",))):
                picks = s.scalars(select(Title.id).where(
                    Title.maturity_age <= profile.maturity_limit)
                    .order_by(Title.popularity.desc()).offset(7).limit(3)).all()
                activity.save_taste_picks(s, profile, picks,
                                          [genres[g] for g in favourites if g in genres],
                                          TEST_NOW)
            self.ids = {"adult": adult.id, "kids": kids.id}
        attach_truth(database, list(self.ids.values()), SEED)
        with database.read() as s:
            catalog = load_catalog(s)
            population = load_population(s, list(self.ids.values()))
        self.sim = Simulation(database, catalog, population, SEED, layout, start=TEST_NOW,
                              write=False)
        self.index = {who: int(np.flatnonzero(population.profile_ids == pid)[0])
                      for who, pid in self.ids.items()}
        self.day = 0
        self.used: set[int] = set()

    @property
    def now(self):
        return self.sim.start + timedelta(days=self.day)

    def title(self, who: str, kind: str = "film", min_episodes: int = 0) -> int:
        """A title the profile may watch and has not met yet (not a pick)."""
        limit = self.sim.pop.maturity_limit[self.index[who]]
        with self.db.read() as s:
            picks = set(activity.taste_pick_ids(s, self.ids[who]))
            for t in s.scalars(select(Title).where(Title.kind == kind,
                                                   Title.maturity_age <= int(limit))
                               .order_by(Title.popularity.desc())):
                if (t.id not in self.used and t.id not in picks
                        and len(t.episodes) >= min_episodes):
                    self.used.add(t.id)
                    return t.id
        raise AssertionError("no title left")

    def watch(self, who: str, title_id: int, *, finished: bool = False, hidden: bool = False,
              episode: int | None = None) -> None:
        """A play, stored as the site stores it and remembered as a session leaves it."""
        state = self.sim.states[self.index[who]]
        idx = self.sim.catalog.index[title_id]
        when = self.now - timedelta(hours=2)
        with self.db.write() as s:
            title = s.get(Title, title_id)
            ep = title.episodes[episode] if episode is not None else None
            runtime = ep.runtime_seconds if ep else title.runtime_minutes * 60
            pos = runtime if finished else (60 if hidden else runtime // 2)
            s.add(Viewing(profile_id=self.ids[who], title_id=title_id,
                          episode_id=ep.id if ep else None, episode_key=ep.id if ep else 0,
                          position_s=pos, watched_s=float(pos), furthest_s=pos,
                          completed=finished, hidden=hidden, plays=1, started_at=when,
                          last_watched_at=when, last_client_time=when))
        state.watched.add(idx)
        if episode is not None and finished:
            state.next_episode[idx] = episode + 1
        elif finished:
            state.finished.add(idx)
        elif not hidden:
            state.progress[idx] = (episode or 0, pos)

    def save(self, who: str, title_id: int) -> None:
        with self.db.write() as s:
            activity.add_to_list(s, self.ids[who], title_id, self.now - timedelta(hours=1))
        self.sim.states[self.index[who]].listed.add(self.sim.catalog.index[title_id])

    def visit(self) -> dict[str, list[tuple[str, list[int]]]]:
        """The next day's pages, site and simulated (with the model the layout trained, if
        any), after checking they are the same."""
        self.day += 1
        layout = self.sim.layout
        layout.prepare(self.sim, self.day, np.array(sorted(self.index.values())))
        model = layout.model.model if layout.model else None
        pages = {}
        for who, i in self.index.items():
            site = site_page(self.db, self.ids[who], self.now, model)
            simulated = simulated_page(self.sim, i, self.day)
            assert keys(simulated) == keys(site), who
            for (key, ids), (_, expected) in zip(simulated, site, strict=True):
                assert ids == expected, (who, key)
            pages[who] = site
        return pages


def keys(page) -> list[str]:
    return [key for key, _ in page]


def play_a_history(world: World) -> list[dict]:
    """Four visits: nothing yet; a film started, one saved, one finished; a series episode
    finished and a film dropped and hidden; one more saved and finished."""
    pages = [world.visit()]
    for who in ("adult", "kids"):
        world.watch(who, world.title(who))
        world.save(who, world.title(who))
        world.watch(who, world.title(who), finished=True)
    pages.append(world.visit())
    world.watch("adult", world.title("adult", "series", min_episodes=2), episode=0, finished=True)
    world.watch("adult", world.title("adult"), hidden=True)
    world.watch("kids", world.title("kids"))
    pages.append(world.visit())
    world.save("adult", world.title("adult"))
    world.watch("adult", world.title("adult"), finished=True)
    pages.append(world.visit())
    return pages


def test_the_simulated_site_shows_the_sites_rows(database):
    world = World(database, SiteLayout(genre_rows=None))
    pages = play_a_history(world)
    first, later, last = pages[0], pages[1], pages[-1]
    # The history shows, so the comparison covers these rows and their order.
    assert "continue" not in keys(first["adult"]) and "my-list" not in keys(first["adult"])
    assert keys(later["adult"])[0] == "continue" and "my-list" in keys(later["adult"])
    resumed = dict(pages[2]["adult"])["continue"]
    assert len(resumed) == 2  # the series' next episode first, then the film started before
    assert len(dict(last["adult"])["my-list"]) == 2
    assert [k for k in keys(last["adult"]) if k.startswith("because-")]
    assert [k for k in keys(last["kids"]) if k.startswith("kids-")]
    assert not [k for k in keys(last["kids"]) if k.removeprefix("genre-") in ADULT_GENRES]
    assert any(k.removeprefix("genre-") in ADULT_GENRES for k in keys(last["adult"]))


def test_with_a_model_the_personal_rows_are_the_same_too(database):
    world = World(database, SiteLayout(model_from_day=3, genre_rows=None))
    pages = play_a_history(world)  # the model trains at the third and fourth visits
    assert world.sim.layout.model.trainings == 2
    adult = pages[-1]["adult"]
    assert keys(adult)[:2] == ["continue", "top-picks"]
    assert [k for k in keys(adult) if k.startswith("watched-")]
    assert "top-picks" in keys(pages[-1]["kids"])
    popular = site_page(database, world.ids["adult"], world.now)  # no model: by popularity
    assert ([k for k in keys(adult) if k.startswith("genre-")]
            != [k for k in keys(popular) if k.startswith("genre-")])


def test_the_simulated_site_shows_only_the_first_genre_rows(database):
    world = World(database, SiteLayout())
    world.watch("adult", world.title("adult"))
    world.day += 1
    world.sim.layout.prepare(world.sim, world.day, np.array(sorted(world.index.values())))
    i = world.index["adult"]
    simulated = simulated_page(world.sim, i, world.day)
    site = site_page(database, world.ids["adult"], world.now)
    genres = [row for row in site if row[0].startswith("genre-")]
    assert len(genres) > 5
    assert simulated == [row for row in site if row not in genres[5:]]
