"""Personalised artwork: a Thompson-sampling bandit that chooses which artwork variant a card
shows, per taste community (docs/simulation.md, "Artwork that learns who it is for").

**Arms.** Per taste community c (the recommender's communities, `recommender.communities`, or
`UNKNOWN` for a profile the model does not know) and artwork variant v of a title, a Beta
posterior over the chance that showing that variant leads to a *qualified play*. Three levels,
each the prior of the next:

- the all-communities pool of variant v (S_v, F_v: successes and failures of every community),
  worth at most `COMMUNITY_PRIOR` observations to a community: w0 = min(1, COMMUNITY_PRIOR /
  (S_v + F_v)), so a community with little data of its own starts from what everyone did;
- the community's arm (c, v): variant index v over all titles (variant 0 stresses a title's
  primary genre, 1 its first mood, 2 its first theme; what a community likes in a poster),
  pseudo-counts s = w0 S_v + s_cv and f = w0 F_v + f_cv;
- the title's own arm (c, title, v): those pseudo-counts shrunk to at most `PRIOR_STRENGTH`
  observations (w = min(1, PRIOR_STRENGTH / (s + f))), plus the title's own counts:
  Beta(1 + w s + s_ctv, 1 + w f + f_ctv).

To choose, draw once from each variant's posterior and show the largest draw (Thompson
sampling): a variant nobody has tried is drawn from a wide Beta and gets shown now and then;
one that keeps failing is drawn small and fades away.

**Reward.** One impression of a title with variant v is one trial; it succeeds if the profile
started that title within `ATTRIBUTION_S` after the impression, this impression being the last
time it saw the title before starting, and that sitting credited at least `QUALIFIED_PLAY_S`
seconds of watching (`playback_events.credited_s`). A click that is abandoned in the first
minutes earns 0, exactly like no click: a poster that lures people into something they leave at
once must not win.

**State.** Counts only (numpy arrays), saved as an arrays-only .npz beside the models
(`ArtworkBandit.save` / `load`, no pickle). `update_from_log` reads the impressions and playback
events since the last update (through `core`, never the simulator's truth) and adds them; the
site runs it after each retrain (`recommender.lifecycle`) and `streamsim artwork-update`
runs it at will. Choosing is a dictionary look-up and one vectorised Beta draw per row of
cards (tens of microseconds a card).

`choose_artwork(context, title_ids)` is the one entry point for every artwork policy
("default": variant 0; "random"; "bandit"), for the home page and for the live A/B platform.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Artwork, Impression, PlaybackEvent
from recommender.communities import K

QUALIFIED_PLAY_S = 300.0  # a play is "qualified" once this many seconds were watched
ATTRIBUTION_S = 3 * 3600  # a play counts for the impression seen at most this long before it
PRIOR_STRENGTH = 1000.0  # at most this many pseudo-observations from the pooled arm
COMMUNITY_PRIOR = 500.0  # ... and from the all-communities pool, for a community's arm
UNKNOWN = K  # the community of a profile the model does not know
N_COMMUNITIES = K + 1
MAX_VARIANTS = 8
MIN_VARIANTS = 3  # every generated title has at least this many (random art, counts unknown)
POLICIES = ("default", "random", "bandit")
FILE_NAME = "artwork_bandit.npz"


def qualified(watched_s: float) -> bool:
    """A play counts as a reward only past the threshold (a click alone never does)."""
    return watched_s >= QUALIFIED_PLAY_S


@dataclass
class ArtworkBandit:
    """Beta posteriors (as success and failure counts) per community x variant, pooled and per
    title. Counts start at 0 on top of a Beta(1, 1) prior."""

    pooled_s: np.ndarray = field(default_factory=lambda: np.zeros((N_COMMUNITIES, MAX_VARIANTS)))
    pooled_f: np.ndarray = field(default_factory=lambda: np.zeros((N_COMMUNITIES, MAX_VARIANTS)))
    title: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # (c, id) -> (2, V)
    n_variants: dict[int, int] = field(default_factory=dict)  # title id -> variants it has
    updated_until: datetime | None = None  # the event log is read up to here
    profiles: dict[int, int] = field(default_factory=dict)  # profile id -> community (site)
    model_version: str = ""  # the serving model the site's communities came from

    # -- learning -------------------------------------------------------------------------

    def update(self, trials: Iterable[tuple[int, int, int, int]]) -> int:
        """Add (community, title id, variant, reward 0/1) trials; returns how many."""
        n = 0
        for c, tid, v, reward in trials:
            if not 0 <= v < MAX_VARIANTS:
                continue
            c = c if 0 <= c < N_COMMUNITIES else UNKNOWN
            row = self.title.get((c, tid))
            if row is None:
                row = self.title[(c, tid)] = np.zeros((2, MAX_VARIANTS))
            if reward:
                self.pooled_s[c, v] += 1
                row[0, v] += 1
            else:
                self.pooled_f[c, v] += 1
                row[1, v] += 1
            n += 1
        return n

    def _community(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        """The pseudo-counts (successes, failures) a title of community c starts from: the
        community's own counts on top of the all-communities pool (at most COMMUNITY_PRIOR
        observations of it), the lot shrunk to at most PRIOR_STRENGTH observations."""
        total_s, total_f = self.pooled_s.sum(axis=0), self.pooled_f.sum(axis=0)
        w0 = np.minimum(1.0, COMMUNITY_PRIOR / np.maximum(total_s + total_f, 1e-9))
        s = total_s * w0 + self.pooled_s[c]
        f = total_f * w0 + self.pooled_f[c]
        w = np.minimum(1.0, PRIOR_STRENGTH / np.maximum(s + f, 1e-9))
        return s * w, f * w

    def posterior(self, community: int, title_id: int) -> tuple[np.ndarray, np.ndarray]:
        """(alpha, beta) of each variant of one title for one community (MAX_VARIANTS wide)."""
        c = community if 0 <= community < N_COMMUNITIES else UNKNOWN
        s, f = self._community(c)
        alpha, beta = 1.0 + s, 1.0 + f
        own = self.title.get((c, title_id))
        if own is not None:
            alpha, beta = alpha + own[0], beta + own[1]
        return alpha, beta

    # -- choosing -------------------------------------------------------------------------

    def choose(self, community: int, title_ids: Sequence[int], rng: np.random.Generator,
               n_variants: Mapping[int, int] | None = None) -> np.ndarray:
        """One Thompson draw per variant of each title; the variant with the largest draw."""
        if not len(title_ids):
            return np.zeros(0, dtype=np.int64)
        counts = n_variants if n_variants is not None else self.n_variants
        c = community if 0 <= community < N_COMMUNITIES else UNKNOWN
        s, f = self._community(c)
        alpha = np.tile(1.0 + s, (len(title_ids), 1))
        beta = np.tile(1.0 + f, (len(title_ids), 1))
        width = np.empty(len(title_ids), dtype=np.int64)
        for k, tid in enumerate(title_ids):
            own = self.title.get((c, int(tid)))
            if own is not None:
                alpha[k] += own[0]
                beta[k] += own[1]
            width[k] = min(max(int(counts.get(int(tid), 1)), 1), MAX_VARIANTS)
        draws = rng.beta(alpha, beta)
        draws[np.arange(MAX_VARIANTS)[None, :] >= width[:, None]] = -1.0
        return np.argmax(draws, axis=1).astype(np.int64)

    # -- state ----------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Arrays only (np.load without pickle reads it); written to a temporary file first
        and moved into place, so a reader never sees half a file."""
        keys = sorted(self.title)
        table = np.array([self.title[k] for k in keys]).reshape(len(keys), 2, MAX_VARIANTS)
        nv = sorted(self.n_variants.items())
        arrays = {
            "pooled_s": self.pooled_s, "pooled_f": self.pooled_f,
            "title_keys": np.array(keys, dtype=np.int64).reshape(len(keys), 2),
            "title_counts": table,
            "variant_titles": np.array([t for t, _ in nv], dtype=np.int64),
            "variant_counts": np.array([n for _, n in nv], dtype=np.int64),
            "updated_until": np.array(
                [self.updated_until.isoformat() if self.updated_until else ""]),
            "profile_ids": np.array(sorted(self.profiles), dtype=np.int64),
            "profile_communities": np.array([self.profiles[p] for p in sorted(self.profiles)],
                                            dtype=np.int64),
            "model_version": np.array([self.model_version]),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        os.close(fd)
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> ArtworkBandit:
        with np.load(path, allow_pickle=False) as z:
            until = str(z["updated_until"][0])
            return cls(
                pooled_s=z["pooled_s"].astype(np.float64),
                pooled_f=z["pooled_f"].astype(np.float64),
                title={(int(c), int(t)): row.astype(np.float64).copy()
                       for (c, t), row in zip(z["title_keys"], z["title_counts"], strict=True)},
                n_variants=dict(zip(z["variant_titles"].tolist(), z["variant_counts"].tolist(),
                                    strict=True)),
                updated_until=datetime.fromisoformat(until) if until else None,
                profiles=dict(zip(z["profile_ids"].tolist(),
                                  z["profile_communities"].tolist(), strict=True)),
                model_version=str(z["model_version"][0]))


# -- the reward, from the event log ------------------------------------------------------------


def sittings(session: Session, since: datetime, until: datetime,
             profile_ids: Sequence[int] | None = None) -> dict[tuple[int, int], list]:
    """(profile, title) -> [(started at, seconds credited)] for every sitting begun in the
    window: a sitting runs from a `start` event to the next `start` of that profile and title."""
    q = (select(PlaybackEvent.profile_id, PlaybackEvent.title_id, PlaybackEvent.type,
                PlaybackEvent.client_time, PlaybackEvent.credited_s)
         .where(PlaybackEvent.client_time >= since, PlaybackEvent.client_time < until)
         .order_by(PlaybackEvent.profile_id, PlaybackEvent.title_id, PlaybackEvent.client_time,
                   PlaybackEvent.id))
    if profile_ids is not None:
        q = q.where(PlaybackEvent.profile_id.in_(list(profile_ids)))
    out: dict[tuple[int, int], list] = defaultdict(list)
    for pid, tid, kind, when, credited in session.execute(q):
        plays = out[(pid, tid)]
        if kind == "start":
            plays.append([when, 0.0])
        elif plays:
            plays[-1][1] += float(credited or 0.0)
    return out


def trials_from_log(session: Session, since: datetime | None, until: datetime,
                    community_of: Mapping[int, int] | None = None,
                    surfaces: tuple[str, ...] = ("home",)) -> list[tuple[int, int, int, int]]:
    """(community, title id, variant, reward) for every title shown with a recorded variant on
    `surfaces` in [since, until); reward 1 only for a qualified play credited to it (see the
    module docstring). A profile missing from `community_of` is UNKNOWN."""
    since = since or datetime(1970, 1, 1)
    q = (select(Impression.profile_id, Impression.shown_at, Impression.title_ids,
                Impression.variants)
         .where(Impression.shown_at >= since, Impression.shown_at < until,
                Impression.surface.in_(surfaces), Impression.variants.is_not(None),
                Impression.row_key != "continue")  # Continue Watching: always its wide art
         .order_by(Impression.profile_id, Impression.shown_at, Impression.id))
    shown: dict[tuple[int, int], list[tuple[datetime, int]]] = defaultdict(list)
    for pid, when, ids, variants in session.execute(q):
        if not variants:
            continue
        for tid, v in zip(ids, variants, strict=False):
            shown[(pid, int(tid))].append((when, int(v)))
    if not shown:
        return []
    played = sittings(session, since, until + timedelta(seconds=ATTRIBUTION_S),
                      sorted({p for p, _ in shown}))
    community_of = community_of or {}
    trials = []
    window = timedelta(seconds=ATTRIBUTION_S)
    for (pid, tid), seen in shown.items():
        rewarded = set()
        for start, credited in played.get((pid, tid), ()):
            if not qualified(credited):
                continue
            last = None  # the last impression before this sitting, within the window
            for k, (when, _v) in enumerate(seen):
                if when <= start:
                    last = k
                else:
                    break
            if last is not None and start - seen[last][0] <= window:
                rewarded.add(last)
        c = int(community_of.get(pid, UNKNOWN))
        trials += [(c, tid, v, int(k in rewarded)) for k, (_w, v) in enumerate(seen)]
    return trials


def variant_counts(session: Session) -> dict[int, int]:
    """How many artwork variants each title has (the public artworks table)."""
    return {int(t): int(n) for t, n in session.execute(
        select(Artwork.title_id, func.count()).group_by(Artwork.title_id))}


def update_from_log(session: Session, bandit: ArtworkBandit, until: datetime,
                    community_of: Mapping[int, int] | None = None) -> int:
    """Add the trials logged since the bandit's last update, up to `until` (impressions newer
    than `until - ATTRIBUTION_S` wait for the next update, so their plays can still come);
    returns the trials added."""
    cutoff = until - timedelta(seconds=ATTRIBUTION_S)
    since = bandit.updated_until
    if since is not None and cutoff <= since:
        return 0
    n = bandit.update(trials_from_log(session, since, cutoff, community_of))
    bandit.updated_until = cutoff
    bandit.n_variants = variant_counts(session)
    return n


def relabel(new: Mapping[int, int], old: Mapping[int, int]) -> dict[int, int]:
    """`new` (profile -> community) with its communities renumbered to match `old` as well as
    they can: a retrained model's k-means numbers its communities afresh, and the bandit's
    counts are kept per number. Pairs (new, old) are matched greedily by how many profiles
    they share; a new community with no match takes the smallest number left."""
    overlap: dict[tuple[int, int], int] = defaultdict(int)
    for pid, c in new.items():
        if pid in old and old[pid] != UNKNOWN and c != UNKNOWN:
            overlap[(c, old[pid])] += 1
    mapping: dict[int, int] = {}
    taken: set[int] = set()
    for (c, o), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if c not in mapping and o not in taken:
            mapping[c] = o
            taken.add(o)
    free = [o for o in range(K) if o not in taken]
    for c in sorted({c for c in new.values() if c != UNKNOWN} - set(mapping)):
        mapping[c] = free.pop(0) if free else c
    return {pid: (mapping.get(c, UNKNOWN) if c != UNKNOWN else UNKNOWN)
            for pid, c in new.items()}


def assign_communities(vectors: np.ndarray, centres: np.ndarray | None = None, k: int = K,
                       seed: int = 0, iterations: int = 10) -> tuple[np.ndarray, np.ndarray | None]:
    """Communities from public taste vectors when there is no model to ask (the simulated
    site's experiments rank without one): k-means (`communities.kmeans`) the first time, then
    Lloyd steps from the previous `centres`, so a community keeps its number from day to day.
    Rows of zeros (no history yet) are UNKNOWN. Returns (labels, centres)."""
    from recommender.communities import kmeans

    x = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1)
    known = norms > 0
    labels = np.full(len(x), UNKNOWN, dtype=np.int64)
    if known.sum() < k:
        return labels, centres
    z = x[known] / norms[known, None]
    if centres is None:
        got, centres = kmeans(z, k, seed)
    else:
        for _ in range(iterations):
            got = np.argmin(((z[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
            centres = np.array([z[got == c].mean(axis=0) if (got == c).any() else centres[c]
                                for c in range(len(centres))])
        got = np.argmin(((z[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    labels[known] = got
    return labels, centres


# -- one entry point for every artwork policy --------------------------------------------------


@dataclass
class ArtworkContext:
    """Who the cards are for: the artwork policy, the profile's community, and what the
    bandit policy needs (its state, a random stream)."""

    policy: str = "default"
    community: int = UNKNOWN
    bandit: ArtworkBandit | None = None
    rng: np.random.Generator | None = None
    n_variants: Mapping[int, int] | None = None  # title id -> variants (else the bandit's)


def choose_artwork(context: ArtworkContext, title_ids: Sequence[int]) -> list[int]:
    """The artwork variant to show on each title's card under the context's policy:
    "default" variant 0, "random" a uniform variant, "bandit" Thompson sampling."""
    if context.policy not in POLICIES:
        raise ValueError(f"Unknown artwork policy {context.policy!r}; known: "
                         f"{', '.join(POLICIES)}.")
    if context.policy == "default" or not len(title_ids):
        return [0] * len(title_ids)
    counts = context.n_variants
    if counts is None:
        counts = context.bandit.n_variants if context.bandit is not None else {}
    if context.policy == "bandit" and context.bandit is None:
        return [0] * len(title_ids)  # nothing learnt yet: the default artwork
    rng = context.rng if context.rng is not None else np.random.default_rng()
    if context.policy == "random":
        return [int(rng.integers(max(1, int(counts.get(int(t), MIN_VARIANTS)))))
                for t in title_ids]
    return context.bandit.choose(context.community, title_ids, rng, counts).tolist()


# -- the site: the state beside the models, refreshed after each retrain -----------------------


def state_path(model_dir: Path) -> Path:
    return Path(model_dir) / FILE_NAME


def refresh(session: Session, model_dir: Path, now: datetime, model=None) -> int:
    """The site's batch update (after each retrain, and `streamsim artwork-update`): add
    the trials logged since the last update, under the communities the profiles had when they
    were shown the art; then take the serving model's communities (renumbered to match the
    old ones) for the next pages. Returns the trials added."""
    path = state_path(model_dir)
    bandit = ArtworkBandit.load(path) if path.exists() else ArtworkBandit()
    added = update_from_log(session, bandit, now, bandit.profiles)
    if model is not None and model.version != bandit.model_version:
        if model.has_factors and model.user_ids.size >= 2:
            from recommender.communities import for_model

            found = for_model(model)
            new = {int(p): int(c) for p, c in zip(model.user_ids.tolist(),
                                                   found.labels.tolist(), strict=True)}
            bandit.profiles = relabel(new, bandit.profiles)
        else:  # an item-item model has no user vectors to group: every profile pooled
            bandit.profiles = {}
        bandit.model_version = model.version
    bandit.save(path)
    return added


_loaded: dict[Path, tuple[float, ArtworkBandit]] = {}


def load_state(model_dir: Path) -> ArtworkBandit | None:
    """The site's bandit state, read again only when its file changed (None: no state yet)."""
    path = state_path(model_dir)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    kept = _loaded.get(path)
    if kept is None or kept[0] != mtime:
        kept = _loaded[path] = (mtime, ArtworkBandit.load(path))
    return kept[1]


def context_for(policy: str, model_dir: Path, profile_id: int,
                rng: np.random.Generator | None = None) -> ArtworkContext:
    """What `choose_artwork` needs for one profile on the site."""
    bandit = load_state(model_dir) if policy != "default" else None
    community = bandit.profiles.get(int(profile_id), UNKNOWN) if bandit else UNKNOWN
    return ArtworkContext(policy, community, bandit, rng)
