"""Synthetic viewers: accounts with 1-5 profiles, hidden tastes around a few communities, traits.

`generate_population(session, n_profiles, seed, now, catalog)` writes simulated accounts
(`is_simulated=True`, no password hash, so they cannot log in), their profiles, onboarding picks
(the rows `core.activity.save_taste_picks` writes, in bulk) and the hidden `truth_profiles` rows.
Everything is a function of the seed and the first new account id. `load_population` reads
the truth back into arrays for the behaviour model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from faker import Faker
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import activity
from core import catalog as core_catalog
from core.accounts import AVATARS, KIDS_LIMITS
from core.models import (
    Account,
    FavouriteGenre,
    Profile,
    ProfileTruth,
    Tag,
    TastePick,
)
from simulator.bulk import insert_rows, next_id, sync_sequences
from simulator.catalog.features import (
    FEATURE_INDEX,
    N_FEATURES,
    N_LATENT,
    decode_features,
    encode_features,
)
from simulator.rng import derive, derive_int
from simulator.viewers.world import Catalog, latest_tastes

N_COMMUNITIES = 6
# Taste length. With unit-length title features and quality ~ N(0, 0.25), the taste term makes
# up about three quarters of the variance of true utility across titles for a profile: people
# differ more than titles do, so there is something for a personal recommender to find.
# (At 2.2 with quality ~ N(0, 0.4), quality alone explained three quarters, and a list ordered
# by quality matched 44% of each profile's true top 10.)
TASTE_SCALE = 4.0
KIDS_GENRES = ("animation", "family", "kids", "adventure", "comedy")
ADULT_GENRES = ("action", "adventure", "comedy", "crime", "documentary", "drama", "fantasy",
                "history", "horror", "musical", "mystery", "romance", "sci-fi", "sport",
                "thriller", "war", "western")
MOODS = ("dark", "feel-good", "tense", "witty", "heartwarming", "emotional", "quirky", "gritty",
         "inspiring", "whimsical", "chilling", "cerebral")
THEMES = ("revenge", "friendship", "family-ties", "coming-of-age", "survival", "first-love",
          "betrayal", "redemption", "power", "identity", "justice", "grief", "ambition",
          "escape", "secrets", "rivalry")
PROFILE_LANGS = ("en", "en", "en", "es", "fr", "de", "ko", "ja")
COUNTRIES = ("US", "US", "GB", "CA", "ES", "MX", "FR", "DE", "KR", "JP", "IN", "BR")
ONBOARD_CHUNK = 500
TRAIT_DEFAULTS = {"session_min": 45.0}  # for profiles whose truth predates a trait
TRAIT_NAMES = ("activity", "binge", "patience_s", "rating", "list", "drift", "explore",
               "session_min")


@dataclass
class Population:
    profile_ids: np.ndarray
    community: np.ndarray
    taste: np.ndarray  # (P, F) float32, hidden; drifts during a run (copy per arm)
    traits: dict[str, np.ndarray]  # TRAIT_NAMES -> (P,)
    maturity_limit: np.ndarray
    is_kids: np.ndarray
    country: np.ndarray | None = None  # the account's country code (public holidays)

    def __len__(self) -> int:
        return len(self.profile_ids)


def community_centres(seed: int, n: int = N_COMMUNITIES) -> np.ndarray:
    """Taste centres: each likes two genres, two moods, a theme and a pace, dislikes a genre.
    The last centre is the kids' one."""
    rng = derive(seed, "population", "communities")
    centres = np.zeros((n, N_FEATURES), dtype=np.float64)
    for c in range(n):
        pool = KIDS_GENRES if c == n - 1 else ADULT_GENRES
        g = rng.choice(len(pool), size=2, replace=False)
        centres[c, FEATURE_INDEX[f"genre:{pool[g[0]]}"]] = 1.0
        centres[c, FEATURE_INDEX[f"genre:{pool[g[1]]}"]] = 0.7
        for slot, w in zip(rng.choice(len(MOODS), 2, replace=False), (0.6, 0.4), strict=True):
            centres[c, FEATURE_INDEX[f"mood:{MOODS[slot]}"]] = w
        centres[c, FEATURE_INDEX[f"theme:{THEMES[rng.integers(len(THEMES))]}"]] = 0.4
        centres[c, FEATURE_INDEX[f"pace:{('slow', 'medium', 'fast')[rng.integers(3)]}"]] = 0.3
        disliked = [x for x in ADULT_GENRES if f"genre:{x}" not in
                    {k for k, i in FEATURE_INDEX.items() if centres[c, i] > 0}]
        centres[c, FEATURE_INDEX[f"genre:{disliked[rng.integers(len(disliked))]}"]] = -0.8
        centres[c, -N_LATENT:] = rng.normal(0, 0.5, N_LATENT)
    return centres


def draw_tastes(rng: np.random.Generator, centres: np.ndarray, community: np.ndarray) -> np.ndarray:
    """Taste vectors around their community centre, scaled to TASTE_SCALE."""
    base = centres[community] + rng.normal(0.0, 0.22, (len(community), centres.shape[1]))
    norms = np.linalg.norm(base, axis=1, keepdims=True)
    return (TASTE_SCALE * base / np.maximum(norms, 1e-9)).astype(np.float32)


def draw_traits(rng: np.random.Generator, n: int,
                household: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Hidden traits. Appetite is heavy-tailed, as on real services (a few heavy viewers, many
    light ones): visit rate (visits a day) and typical session length are log-normal and share
    a household factor (`household`, per profile; 0 when unknown), so busy households watch
    more on every profile. Also binge propensity, patience (~90 s median), rating and My List
    propensities, drift rate and exploration appetite."""
    h = np.zeros(n) if household is None else np.asarray(household, dtype=np.float64)
    return {
        "activity": np.clip(rng.lognormal(np.log(0.25), 1.25, n) * np.exp(h), 0.01, 5.0),
        "binge": rng.beta(2.0, 3.0, n),
        "patience_s": np.clip(rng.lognormal(np.log(90.0), 0.4, n), 20.0, 400.0),
        "rating": rng.beta(1.5, 4.0, n),
        "list": rng.beta(1.2, 8.0, n),
        "drift": rng.uniform(0.0, 0.04, n),
        "explore": rng.beta(2.0, 4.0, n),
        "session_min": np.clip(rng.lognormal(np.log(45.0), 0.8, n) * np.exp(0.5 * h),
                               5.0, 400.0),
    }


def generate_population(session: Session, n_profiles: int, seed: int, now,
                        catalog: Catalog, *, progress=None) -> Population:
    """Create simulated accounts until `n_profiles` profiles exist; commits once at the end
    of each 500 accounts. Returns the new profiles' truth as arrays."""
    first_account = next_id(session, Account)
    first_profile = next_id(session, Profile)
    key = f"from-account-{first_account}"
    rng = derive(seed, "population", key)
    fake = Faker(["en_US", "en_GB", "es_ES", "fr_FR", "de_DE"])
    fake.seed_instance(derive_int(seed, "population", key, "faker"))
    centres = community_centres(seed)
    accounts, profiles, kids, household = [], [], [], []
    pid = first_profile
    aid = first_account
    while len(profiles) < n_profiles:
        size = int(min(rng.choice(5, p=[0.3, 0.3, 0.2, 0.12, 0.08]) + 1,
                       n_profiles - len(profiles)))
        country = COUNTRIES[rng.integers(len(COUNTRIES))]
        busy = float(derive(seed, "population", key, "household", str(aid)).normal(0.0, 0.7))
        accounts.append({"id": aid, "email": f"viewer{aid}@sim.streamsim.invalid",
                         "password_hash": None, "role": "viewer", "is_simulated": True,
                         "session_epoch": 0, "country": country, "created_at": now})
        for j in range(size):
            is_kid = size >= 3 and j == size - 1 and rng.random() < 0.6
            limit = int(KIDS_LIMITS[rng.integers(len(KIDS_LIMITS))]) if is_kid else 18
            profiles.append({"id": pid, "account_id": aid, "name": fake.first_name()[:40],
                             "avatar": AVATARS[rng.integers(len(AVATARS))],
                             "language": PROFILE_LANGS[rng.integers(len(PROFILE_LANGS))],
                             "is_kids": is_kid, "maturity_limit": limit, "pin_hash": None,
                             "autoplay": True, "onboarded_at": None, "created_at": now})
            kids.append(is_kid)
            household.append(busy)
            pid += 1
        aid += 1
    n = len(profiles)
    kids_arr = np.array(kids, dtype=bool)
    community = np.where(kids_arr, N_COMMUNITIES - 1,
                         rng.choice(N_COMMUNITIES - 1, size=n))
    taste = draw_tastes(rng, centres, community)
    traits = draw_traits(rng, n, np.array(household))
    truth = [{"profile_id": p["id"], "community": int(community[i]),
              "taste": encode_features(taste[i]),
              "traits": {k: round(float(v[i]), 5) for k, v in traits.items()}}
             for i, p in enumerate(profiles)]
    insert_rows(session, Account, accounts)
    insert_rows(session, Profile, profiles)
    insert_rows(session, ProfileTruth, truth)
    sync_sequences(session, (Account, Profile))
    session.commit()
    country_of = {a["id"]: a["country"] for a in accounts}
    pop = Population(np.array([p["id"] for p in profiles], dtype=np.int64), community, taste,
                     traits, np.array([p["maturity_limit"] for p in profiles]), kids_arr,
                     np.array([country_of[p["account_id"]] for p in profiles], dtype=object))
    onboard(session, pop, catalog, now, progress=progress)
    return pop


def picker_candidates(session: Session, catalog: Catalog, max_age: int) -> np.ndarray:
    """Catalog indexes of the titles the onboarding picker shows a profile with this maturity
    limit (`core.catalog.onboarding_candidates`: the best-known titles of each genre, round
    robin), in the order shown."""
    shown = [t.id for t in core_catalog.onboarding_candidates(session, max_age)]
    return np.array([catalog.index[t] for t in shown if t in catalog.index], dtype=np.int64)


def choose_picks(catalog: Catalog, taste: np.ndarray, shown: np.ndarray,
                 n: int = activity.MIN_PICKS) -> np.ndarray:
    """What a viewer picks in the onboarding picker: the `n` titles it expects to enjoy most
    (taste . features + quality) among those the picker shows (ties: the one shown first)."""
    expected = catalog.features[shown] @ taste + catalog.quality[shown]
    return shown[np.argsort(-expected, kind="stable")[:n]]


def onboard(session: Session, pop: Population, catalog: Catalog, now, *, progress=None) -> None:
    """Each profile picks the 3 titles it likes best among those the onboarding picker shows it
    (`choose_picks`), and its 2 favourite genres (the rows the onboarding page's service would
    write). The picker's titles depend only on the maturity limit, so they are read once per
    limit."""
    genre_tags = {slug: tid for tid, slug in session.execute(
        select(Tag.id, Tag.slug).where(Tag.kind == "genre").order_by(Tag.id))}
    genre_idx = {slug: FEATURE_INDEX[f"genre:{slug}"] for slug in genre_tags}
    shown_for: dict[int, np.ndarray] = {}
    picks_rows, genre_rows, done = [], [], []
    for i, profile_id in enumerate(pop.profile_ids.tolist()):
        limit = int(pop.maturity_limit[i])
        if limit not in shown_for:
            shown_for[limit] = picker_candidates(session, catalog, limit)
        shown = shown_for[limit]
        if len(shown) < activity.MIN_PICKS:
            continue
        picks = catalog.title_ids[choose_picks(catalog, pop.taste[i], shown)].tolist()
        fav = sorted(genre_tags, key=lambda s: -float(pop.taste[i, genre_idx[s]]))[:2]
        picks_rows += [{"profile_id": profile_id, "title_id": t, "created_at": now}
                       for t in sorted(picks)]
        genre_rows += [{"profile_id": profile_id, "tag_id": genre_tags[g]}
                       for g in sorted(fav, key=genre_tags.get)]
        done.append(profile_id)
    # What activity.save_taste_picks writes for a fresh profile (no earlier picks to replace),
    # in bulk: the service costs ~15 ms a profile, a minute for a large population.
    insert_rows(session, TastePick, picks_rows)
    insert_rows(session, FavouriteGenre, genre_rows)
    for lo in range(0, len(done), ONBOARD_CHUNK):
        session.execute(update(Profile).where(Profile.id.in_(done[lo:lo + ONBOARD_CHUNK]))
                        .values(onboarded_at=now))
    session.commit()
    if progress:
        progress(len(done))


def load_population(session: Session, profile_ids=None) -> Population:
    """The hidden truth of simulated profiles (all, or those in `profile_ids`), as arrays;
    each taste as it was at the end of its latest recorded day (tastes drift)."""
    q = (select(ProfileTruth.profile_id, ProfileTruth.community, ProfileTruth.taste,
                ProfileTruth.traits, Profile.maturity_limit, Profile.is_kids, Account.country)
         .join(Profile, Profile.id == ProfileTruth.profile_id)
         .join(Account, Account.id == Profile.account_id).order_by(ProfileTruth.profile_id))
    if profile_ids is not None:
        q = q.where(ProfileTruth.profile_id.in_(list(profile_ids)))
    rows = session.execute(q).all()
    traits_rows = [r[3] if isinstance(r[3], dict) else json.loads(r[3]) for r in rows]
    latest = latest_tastes(session, [r[0] for r in rows])
    rows = [(r[0], r[1], latest.get(r[0], r[2]), *r[3:]) for r in rows]
    return Population(
        profile_ids=np.array([r[0] for r in rows], dtype=np.int64),
        community=np.array([r[1] for r in rows], dtype=np.int64),
        taste=np.array([decode_features(r[2]) for r in rows], dtype=np.float32).reshape(
            len(rows), N_FEATURES),
        traits={k: np.array([t.get(k, TRAIT_DEFAULTS.get(k, 0.0)) for t in traits_rows],
                            dtype=np.float64) for k in TRAIT_NAMES},
        maturity_limit=np.array([r[4] for r in rows], dtype=np.int64),
        is_kids=np.array([r[5] for r in rows], dtype=bool),
        country=np.array([r[6] for r in rows], dtype=object),
    )
