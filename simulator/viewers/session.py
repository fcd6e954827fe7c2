"""One simulated session of one profile: look at rows, maybe search, click, watch, react.

`run_session` is pure (no database): it returns what happened as playback events, ratings,
My List additions, searches and impressions, which `simulator.viewers.engine` then writes through
the core services. The rows come from a layout (the site's row builder or a policy's rows).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from core.playback import PlaybackInput
from simulator.viewers import behaviour as bh
from simulator.viewers.world import Catalog

SCREEN_ROWS = 3  # rows visible on one screen
MAX_SCREENS = 10
HIDE_RATE = 0.03  # share of abandoned plays hidden from viewing history
# Chance a session starts on a discovery path (a title heard of, a search, browsing) rather
# than the home rows, and that a screen with nothing wanted leads to one; both rise with the
# viewer's appetite for exploring (mean about 0.29).
START_DISCOVERY = 0.15
LATER_DISCOVERY = 0.5


@dataclass
class ShownRow:
    key: str
    titles: np.ndarray  # title indexes, left to right
    variants: np.ndarray  # artwork variant per title
    surface: str = "home"


@dataclass
class ProfileState:
    """What the simulator remembers of a profile between sessions (the site has it too)."""

    progress: dict[int, tuple[int, int]] = field(default_factory=dict)  # idx -> (episode, pos)
    finished: set[int] = field(default_factory=set)  # films done, series with no episode left
    next_episode: dict[int, int] = field(default_factory=dict)
    listed: set[int] = field(default_factory=set)
    rated: set[int] = field(default_factory=set)
    watched: set[int] = field(default_factory=set)  # every title started
    liked: list[int] = field(default_factory=list)  # titles enjoyed, oldest first
    elsewhere: np.ndarray | None = None  # per title: seen before joining (not picked again)
    passed_over: dict[int, int] = field(default_factory=dict)  # title -> times shown, not picked
    satisfaction: float = 0.0


@dataclass
class Play:
    title: int  # index
    utility: float
    fraction: float
    completed: bool
    watch_s: float
    row_key: str
    position: int
    variant: int = 0  # the artwork variant the title was shown with
    lured: bool = False  # that variant was planted clickbait (hidden truth)


@dataclass
class SessionResult:
    profile_id: int
    start: datetime
    end: datetime
    events: list[PlaybackInput] = field(default_factory=list)
    ratings: list[tuple[int, int, datetime]] = field(default_factory=list)  # title id, value
    list_adds: list[tuple[int, datetime]] = field(default_factory=list)
    searches: list[tuple[str, int, datetime]] = field(default_factory=list)
    hides: list[int] = field(default_factory=list)  # title ids hidden from history
    impressions: list[tuple[datetime, ShownRow, int]] = field(default_factory=list)
    plays: list[Play] = field(default_factory=list)
    shown: int = 0


@dataclass
class Viewer:
    id: int
    taste: np.ndarray
    traits: dict[str, float]
    maturity_limit: int
    community: int = 0  # the hidden taste community (the artwork's hidden appeal)


def _uuid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def run_session(rng: np.random.Generator, viewer: Viewer, state: ProfileState,
                catalog: Catalog, rows: list[ShownRow], utility: np.ndarray,
                start: datetime, discovery=None, buzz: np.ndarray | None = None,
                ) -> SessionResult:
    """Simulate one visit. `utility` is the profile's true utility of every title;
    `discovery` (optional, a `simulator.viewers.discovery.Discovery`) opens the paths besides the
    home rows: a viewer may come to look up a title it heard about, and one who finds nothing on a
    screen may search, browse or open "More like this" instead of scrolling on; `buzz`
    (awareness today, per title) pulls clicks toward titles the viewer has heard of."""
    res = SessionResult(viewer.id, start, start)
    t = start
    budget = bh.session_budget(rng, viewer.traits.get("session_min", 45.0))
    patience = float(viewer.traits["patience_s"])
    explore = float(viewer.traits["explore"])
    chosen: set[int] = set()
    screen = 0
    extra: list[ShownRow] = []
    if discovery is not None and rng.random() < START_DISCOVERY + explore / 2:
        extra = _discover(rng, discovery, viewer, state, utility, res, t)
    for _ in range(MAX_SCREENS):
        visible = (extra or rows[screen * SCREEN_ROWS:(screen + 1) * SCREEN_ROWS])
        if not visible:
            break
        for r, row in enumerate(visible):
            res.impressions.append((t, row, r + (0 if extra else screen * SCREEN_ROWS)))
            res.shown += len(row.titles)
        pick = _look(rng, viewer, catalog, visible, utility, chosen, buzz, state)
        picked = None if pick is None else int(visible[pick[0]].titles[pick[1]])
        for row in visible:
            for title in row.titles.tolist():
                if title != picked:
                    state.passed_over[title] = state.passed_over.get(title, 0) + 1
        t += timedelta(seconds=float(rng.uniform(6, 20)))
        if pick is None:
            patience -= float(rng.uniform(15, 40))
            if patience <= 0:
                break
            extra = []
            if discovery is not None and rng.random() < LATER_DISCOVERY + explore:
                extra = _discover(rng, discovery, viewer, state, utility, res, t)
                if extra:
                    continue
            screen += 1
            continue
        row, col = pick
        title = int(visible[row].titles[col])
        chosen.add(title)
        variant = int(visible[row].variants[col]) if len(visible[row].variants) else 0
        t = _watch(rng, viewer, state, catalog, title, float(utility[title]), t, res,
                   visible[row].key, col, budget, variant)
        budget -= sum(p.watch_s for p in res.plays[-1:])
        if budget <= 0:
            break
        screen, extra = 0, []
    res.end = t
    plays = [p.utility for p in res.plays]
    state.satisfaction = float(np.mean(plays)) if plays else -0.5
    return res


def _discover(rng, discovery, viewer: Viewer, state: ProfileState, utility: np.ndarray,
              res: SessionResult, t: datetime, paths=None) -> list[ShownRow]:
    """Take a discovery path; log a search if one was typed; the rows it shows."""
    found = discovery.discover(rng, viewer, utility, state.liked,
                               state.finished | set(state.progress), paths)
    if found is None:
        return []
    if found.query is not None:
        res.searches.append((found.query, found.hits, t))
    return found.rows


def _look(rng, viewer: Viewer, catalog: Catalog, visible: list[ShownRow], utility, chosen,
          buzz: np.ndarray | None = None, state: ProfileState | None = None):
    """Logit choice over the visible screen; returns (row, column) or None. Titles the viewer
    has heard about (`buzz`) are more tempting, whatever their artwork; titles it already saw
    elsewhere are not picked, and each time a title was passed over makes it less tempting
    (`behaviour.PASSED_OVER`: the same row every day stops drawing the eye)."""
    elsewhere = state.elsewhere if state is not None else None
    passed = state.passed_over if state is not None else {}
    n_cols = max(len(r.titles) for r in visible)
    attn = bh.attention(len(visible), n_cols)
    appeal, weights, where = [], [], []
    focus = catalog.art_focus_array()
    for r, row in enumerate(visible):
        idx = np.asarray(row.titles, dtype=np.int64)
        keep = np.array([int(t) not in chosen for t in idx], dtype=bool) if chosen \
            else np.ones(len(idx), dtype=bool)
        if elsewhere is not None:
            keep &= ~elsewhere[idx]
        variants = np.minimum(np.asarray(row.variants, dtype=np.int64), focus.shape[1] - 1)
        feat = focus[idx, variants]
        hidden = (catalog.art_appeal[viewer.community, idx, variants]
                  if catalog.art_appeal is not None else None)
        lure = catalog.lure(idx, variants) if catalog.clickbait is not None else None
        bonus = bh.art_pull(viewer.taste, feat, hidden, lure)
        if buzz is not None:
            bonus = bonus + bh.AWARE_WEIGHT * buzz[idx]
        if passed:
            bonus = bonus - bh.PASSED_OVER * np.log1p([passed.get(t, 0) for t in idx.tolist()])
        appeal.append(bh.click_appeal(utility[idx], bonus)[keep])
        weights.append(attn[r, :len(idx)][keep])
        where += [(r, c) for c in np.flatnonzero(keep).tolist()]
    if not where:
        return None
    k = bh.choose(rng, bh.choice_probabilities(np.concatenate(appeal), np.concatenate(weights)))
    return None if k < 0 else where[k]


def _watch(rng, viewer: Viewer, state: ProfileState, catalog: Catalog, idx: int, u: float,
           t: datetime, res: SessionResult, row_key: str, col: int, budget: float,
           variant: int = 0) -> datetime:
    """Play a film, or episodes of a series back to back (binge, with autoplay), from where
    the profile left off; then the feedback that follows. Returns the new time. A title
    clicked for its clickbait artwork is often left in the first minutes
    (`behaviour.lured_stop`)."""
    lured = bool(catalog.lure([idx], [variant])[0])
    tid = int(catalog.title_ids[idx])
    spent, first_frac, done_any = 0.0, 0.0, False
    episodes = catalog.episodes.get(idx) if catalog.is_series[idx] else None
    state.watched.add(idx)
    while True:
        if episodes:
            e, pos0 = state.progress.get(idx, (state.next_episode.get(idx, 0), 0))
            if e >= len(episodes):
                state.finished.add(idx)
                break
            ep = episodes[e]
            runtime, end_mark, ep_id, intro_end = ep.runtime_s, ep.credits_s, ep.id, ep.intro_end_s
        else:
            e, pos0 = 0, state.progress.get(idx, (0, 0))[1]
            runtime = int(catalog.runtime_s[idx])
            end_mark, ep_id, intro_end = runtime, None, None
        t, target, played, done = _play_once(rng, u, tid, ep_id, pos0, runtime, end_mark,
                                             intro_end, t, res.events, lured)
        lured = False  # only the first sitting is cut short
        spent += played
        first_frac = first_frac or (target - pos0) / max(runtime, 1)
        done_any = done_any or done
        if not done:
            state.progress[idx] = (e, target)
            break
        state.progress.pop(idx, None)
        if not episodes:
            state.finished.add(idx)
            break
        state.next_episode[idx] = e + 1
        if e + 1 >= len(episodes):
            state.finished.add(idx)
            break
        if spent >= budget or rng.random() >= bh.binge_probability(u, viewer.traits["binge"]):
            break
        t += timedelta(seconds=5)  # autoplay countdown
    res.plays.append(Play(idx, u, float(min(1.0, first_frac)), done_any, spent, row_key, col,
                          variant, bool(catalog.lure([idx], [variant])[0])))
    _feedback(rng, viewer, state, catalog, idx, tid, u, t, res, done_any, first_frac)
    return t


def _play_once(rng, u: float, tid: int, ep_id: int | None, pos0: int, runtime: int,
               end_mark: int, intro_end: int | None, t: datetime,
               events: list[PlaybackInput], lured: bool = False,
               ) -> tuple[datetime, int, int, bool]:
    """One playback from `pos0`: start, maybe skip the intro (an episode from its start),
    maybe pause midway, then stop or complete. Appends the player's events; returns (the time
    after, the position reached, seconds played, finished?). `lured`: begun for clickbait art,
    so it may stop within the first minutes."""
    frac, done = bh.watch_fraction(rng, u)
    if pos0 > 0 and rng.random() > bh.abandon_probability(u) * 0.5:
        done = True  # a resume usually finishes
    stop = bh.lured_stop(rng) if lured else None
    if stop is not None:
        done = False
    events.append(PlaybackInput(_uuid(rng), "start", tid, float(pos0), t, episode_id=ep_id))
    pos = pos0
    if intro_end is not None and pos0 == 0 and rng.random() < 0.6:
        pos = intro_end
        events.append(PlaybackInput(_uuid(rng), "seek", tid, float(pos),
                                    t + timedelta(seconds=3), episode_id=ep_id))
        t += timedelta(seconds=3)
    target = end_mark if done else int(min(runtime - 1, max(pos + 45, frac * runtime)))
    if stop is not None:
        target = int(min(runtime - 1, pos + stop))
    target = max(target, pos)
    if rng.random() < 0.25 and target - pos > 120:
        mid = pos + (target - pos) // 2
        t_mid = t + timedelta(seconds=mid - pos)
        events.append(PlaybackInput(_uuid(rng), "pause", tid, float(mid), t_mid,
                                    episode_id=ep_id))
        t += timedelta(seconds=float(rng.uniform(20, 400)))
    t += timedelta(seconds=target - pos)
    events.append(PlaybackInput(_uuid(rng), "complete" if done else "stop", tid, float(target),
                                t, episode_id=ep_id))
    return t, target, target - pos, done


def _feedback(rng, viewer: Viewer, state: ProfileState, catalog: Catalog, idx: int, tid: int,
              u: float, t: datetime, res: SessionResult, done_any: bool,
              first_frac: float) -> None:
    """What follows a viewing: thumbs, My List (for a title left unfinished but liked),
    hiding a quick abandon, remembering a liked title, and the taste's drift toward it."""
    value = None if idx in state.rated else bh.thumbs(rng, u, viewer.traits["rating"])
    if value is not None:
        state.rated.add(idx)
        res.ratings.append((tid, value, t))
    if (not done_any and u > 0.6 and idx not in state.listed
            and rng.random() < viewer.traits["list"] * 3):
        state.listed.add(idx)
        res.list_adds.append((tid, t))
    if not done_any and first_frac < 0.3 and rng.random() < HIDE_RATE:
        state.progress.pop(idx, None)  # hidden titles leave Continue Watching
        res.hides.append(tid)
    if done_any and u > 0.5 and idx not in state.liked:
        state.liked.append(idx)
    if done_any or first_frac > 0.3:
        viewer.taste[:] = bh.drift(viewer.taste, catalog.features[idx], viewer.traits["drift"])
