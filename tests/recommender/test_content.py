"""The content family (tag embeddings learned from the history) and the cold-start part it lends
any model: known answers on crafted data, fold-in, artifacts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recommender import artifacts, models
from recommender.data import Interactions, catalog_arrays
from recommender.foldin import cold_start_vector, fold_in
from recommender.models.content import (
    ColdStartParams,
    ContentParams,
    TitleTags,
    attach,
    fit_content,
    load_title_tags,
)
from recommender.state import user_state

N_TITLES = 40
SMALL = ContentParams(factors=4, iterations=6)


def crafted(seed: int = 0, n_users: int = 60):
    """Titles 1..40: title t's primary genre is "a" if t is odd, else "b"; its second genre
    and its mood are random. Half the profiles like "a" titles, half "b" ones; each watched 6
    of the first 30 titles (10 never-watched titles stay for cold start), by primary genre
    only. Returns (interactions, item ids, tags)."""
    rng = np.random.default_rng(seed)
    item_ids = np.arange(1, N_TITLES + 1, dtype=np.int64)
    rows = []
    for t in item_ids.tolist():
        first = "a" if t % 2 else "b"
        rows.append((t, "genre", first, 0))
        rows.append((t, "genre", str(rng.choice([g for g in "abc" if g != first])), 1))
        rows.append((t, "mood", str(rng.choice(["dark", "light"])), 2))
    users, items = [], []
    for u in range(1, n_users + 1):
        likes_a = u % 2 == 1
        pool = [t for t in range(1, 31) if (t % 2 == 1) == likes_a]
        users += [u] * 6
        items += rng.choice(pool, 6, replace=False).tolist()
    n = len(users)
    inter = Interactions(np.array(users, np.int64), np.array(items, np.int64), np.full(n, 0.9),
                         np.full(n, 2.0), np.zeros(n, bool))
    return inter, item_ids, TitleTags.from_rows(item_ids, rows)


def newcomer(profile_id: int, titles) -> Interactions:
    """A new profile's onboarding picks, as the site loads them (preference 0.85, weight 2)."""
    n = len(titles)
    return Interactions(np.full(n, profile_id, np.int64), np.array(sorted(titles), np.int64),
                        np.full(n, 0.85), np.full(n, 2.0), np.zeros(n, bool))


@pytest.fixture(scope="module")
def world():
    inter, item_ids, tags = crafted()
    return inter, item_ids, tags, fit_content(inter, item_ids, tags, SMALL)


def test_tags_fall_into_slots_by_their_position_within_each_kind():
    tags = TitleTags.from_rows([7, 8], [(7, "mood", "dark", 3), (7, "genre", "war", 1),
                                        (7, "genre", "drama", 0), (7, "theme", "grief", 2),
                                        (7, "mood", "tense", 4), (7, "pace", "slow", 0),
                                        (9, "genre", "ignored", 0)])
    got = {(tags.names[c], tags.slot_names[s]) for c, s in zip(tags.cols, tags.slots,
                                                               strict=True)}
    assert got == {("genre:drama", "genre#1"), ("genre:war", "genre#2"),
                   ("mood:dark", "mood#1"), ("mood:tense", "mood#2"),
                   ("theme:grief", "theme#1"), ("pace:slow", "pace#1")}
    assert tags.rows.tolist() == [0] * 6  # title 9 is not in the model


def test_the_catalogues_tags_are_read_with_their_positions_and_pace(session):
    from sqlalchemy import select

    from core.models import Tag, Title, TitleTag

    item_ids, _, _ = catalog_arrays(session)
    tags = load_title_tags(session, item_ids)
    assert {name.split("#")[0] for name in tags.slot_names} == {"genre", "mood", "theme",
                                                                   "pace"}
    first = int(item_ids[0])
    primary = session.scalar(select(Tag.kind + ":" + Tag.slug).join(
        TitleTag, TitleTag.tag_id == Tag.id).where(TitleTag.title_id == first,
                                                   TitleTag.position == 0))
    pace = session.scalar(select(Title.pace).where(Title.id == first))
    mine = {(tags.names[c], tags.slot_names[s]) for r, c, s in zip(
        tags.rows, tags.cols, tags.slots, strict=True) if r == 0}
    assert (primary, "genre#1") in mine and (f"pace:{pace}", "pace#1") in mine


def test_titles_sharing_the_picks_primary_genre_outrank_the_others(world):
    inter, item_ids, tags, model = world
    assert model.family == "content" and model.card["foldin"]["method"] == "als"
    # Picks among the watched "a" titles; the never-watched titles 31..40 are scored from
    # their tags alone, and the "a" ones among them must come first.
    state = fold_in(model, newcomer(999, [1, 3, 5]))
    scores = model.scores(state)
    unseen = np.arange(30, 40)
    order = unseen[np.argsort(-scores[unseen])]
    assert {int(item_ids[i]) % 2 for i in order[:5]} == {1}


def test_slot_weights_learn_that_the_first_genre_matters_more_than_the_second(world):
    weights = world[3].card["slot_weights"]
    assert max(weights.values()) == pytest.approx(1.0)
    assert min(weights.values()) >= 0.0
    assert weights["genre#1"] > weights["genre#2"]


def test_fold_in_reproduces_the_fitted_profile_and_a_refit_with_it(world):
    inter, item_ids, tags, model = world
    # A profile in the training data: the ALS user step against the fitted Q is what the last
    # step of the fit computed.
    row = model.user_index(7)
    state = fold_in(model, inter.for_user(7))
    assert np.allclose(state.pu, model.pu[row], atol=1e-6)
    # A profile left out of training: folding it in ranks like refitting with it.
    without = fit_content(inter.subset(inter.users != 8), item_ids, tags, SMALL)
    folded = without.scores(fold_in(without, inter.for_user(8)))
    refit = model.scores(model.state(0.0, model.pu[model.user_index(8)]))
    assert np.corrcoef(folded, refit)[0, 1] > 0.95


def test_attach_gives_new_profiles_content_rows_and_leaves_learned_profiles_alone(world):
    inter, item_ids, tags, _ = world
    plain = models.fit("ease", inter, item_ids)
    served = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL,
                    ColdStartParams(weights=(4.0,)))  # this part on, whatever evidence says
    assert served.has_content and served.card["coldstart"]["dims"] == served.cq.shape[1]
    # A profile in the training data: no content vector, the same scores as without the part
    # (an item-item model keeps no user vectors, so every profile is folded in).
    signals = inter.for_user(3)
    state, source = user_state(served, 3, signals)
    assert source == "fold-in" and state.cp is None
    assert np.allclose(served.scores(state), plain.scores(user_state(plain, 3, signals)[0]))
    als = models.fit("als", inter, item_ids)
    before = als.scores(user_state(als, 3, signals)[0])
    attach(als, inter, item_ids, tags, SMALL)
    state, source = user_state(als, 3, signals)
    assert source == "model" and state.cp is None
    assert np.allclose(als.scores(state), before)
    # A new profile: the never-watched "a" titles, which co-watching cannot reach, now rank
    # above the never-watched "b" ones.
    state, source = user_state(served, 999, newcomer(999, [1, 3, 5]))
    assert source == "fold-in" and state.cp is not None
    unseen = np.arange(30, 40)
    gap = served.content_scores(state)[unseen]
    assert gap[item_ids[unseen] % 2 == 1].min() > gap[item_ids[unseen] % 2 == 0].max()
    assert np.allclose(plain.scores(state._replace(cp=None)), served.scores(state) -
                       served.content_scores(state))


def test_the_cold_start_part_shrinks_as_history_grows(world):
    inter, item_ids, tags, _ = world
    served = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL,
                    ColdStartParams(half=4.0, weights=(4.0,)))
    one = cold_start_vector(served, newcomer(999, [1]))
    four = cold_start_vector(served, newcomer(999, [1, 1, 1, 1]))  # the same title 4 times
    assert np.allclose(four, one * 4 * (4 / 8) / (4 / 5))
    assert cold_start_vector(served, newcomer(999, [777])) is None  # unknown title
    assert cold_start_vector(models.fit("ease", inter, item_ids), newcomer(9, [1])) is None


def test_a_popularity_champion_or_an_untagged_catalogue_gets_no_cold_start_part(world):
    inter, item_ids, tags, _ = world
    model = attach(models.fit("popularity", inter, item_ids), inter, item_ids, tags, SMALL)
    assert not model.has_content and "skipped" in model.card["coldstart"]
    untagged = TitleTags.from_rows(item_ids, [])
    model = attach(models.fit("ease", inter, item_ids), inter, item_ids, untagged, SMALL)
    assert not model.has_content and "tags" in model.card["coldstart"]["skipped"]


def test_artifact_round_trip_keeps_the_cold_start_part(world, tmp_path):
    inter, item_ids, tags, _ = world
    model = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL,
                   ColdStartParams(weights=(4.0,)))
    model.version = "v1"
    artifacts.save(tmp_path, model, {})
    back = artifacts.load(tmp_path, "v1")
    assert back.has_content and back.content_scale == pytest.approx(model.content_scale)
    assert np.array_equal(back.cq, model.cq)
    signals = newcomer(999, [1, 3, 5])
    assert np.allclose(back.scores(user_state(back, 999, signals)[0]),
                       model.scores(user_state(model, 999, signals)[0]))


def test_an_artifact_written_before_the_cold_start_part_still_loads(world, tmp_path):
    inter, item_ids, _, _ = world
    model = models.fit("ease", inter, item_ids)
    model.version = "old"
    folder = artifacts.save(tmp_path, model, {})
    with np.load(folder / "factors.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "cq"}
    np.savez(folder / "factors.npz", **arrays)
    card = json.loads((folder / "card.json").read_text())
    for key in ("content_scale", "content_dims"):
        card.pop(key)
    (folder / "card.json").write_text(json.dumps(card))
    back = artifacts.load(tmp_path, "old")
    assert back.cq.shape == (item_ids.size, 0) and not back.has_content
    state, _ = user_state(back, 999, newcomer(999, [1, 3]))
    assert state.cp is None


def test_a_cold_start_part_of_the_wrong_shape_is_refused(world, tmp_path):
    inter, item_ids, tags, _ = world
    model = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL)
    model.version = "bad"
    model.cq = model.cq[:-1]
    artifacts.save(tmp_path, model, {})
    with pytest.raises(artifacts.ArtifactError):
        artifacts.load(tmp_path, "bad")


def test_the_simulated_sites_batch_path_folds_newcomers_in_with_their_content(world):
    from recommender.state import batch_scores

    inter, item_ids, tags, _ = world
    served = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL)
    new = newcomer(999, [1, 3, 5])
    both = Interactions(*(np.r_[getattr(inter, f), getattr(new, f)]
                          for f in ("users", "items", "pref", "weight", "explicit")))
    out = batch_scores(served, [3, 999], both)
    assert np.allclose(out[1], served.scores(user_state(served, 999, new)[0]))
    assert np.allclose(out[0], served.scores(user_state(served, 3, inter.for_user(3))[0]))


def test_the_content_weight_is_chosen_by_evidence(world):
    """Tags that say nothing about taste get weight 0; the chosen weight is the best tried."""
    inter, item_ids, tags, _ = world
    served = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL)
    found = served.card["coldstart"]
    hits = found["hits_by_weight"]
    assert set(hits) == {str(w) for w in ColdStartParams().weights}
    assert hits[str(found["chosen_weight"])] == max(hits.values())
    rng = np.random.default_rng(5)
    shuffled = inter.subset(np.ones(len(inter), bool))
    shuffled.items = rng.permutation(item_ids)[np.searchsorted(item_ids, inter.items)]
    noise = attach(models.fit("ease", shuffled, item_ids), shuffled, item_ids, tags, SMALL)
    assert noise.card["coldstart"]["chosen_weight"] <= found["chosen_weight"]


# -- the favourite genres a new profile states ------------------------------------------------


def stated(inter: Interactions) -> dict[int, tuple[str, ...]]:
    """What the crafted profiles told the onboarding page: odd ones like "a", even ones "b"."""
    return {int(u): ("a",) if u % 2 else ("b",) for u in np.unique(inter.users)}


def genre_model(world, weight: float = 2.0):
    inter, item_ids, tags, _ = world
    return attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL,
                  ColdStartParams(weights=(0.0,), genre_weights=(weight,)),
                  favourites=stated(inter))


def test_stated_genres_mark_their_columns_and_shrink_like_the_content_part(world):
    from recommender.foldin import stated_genres_vector

    model = genre_model(world)
    cols = model.genre_columns()
    assert set(cols) == {"a", "b", "c"} and model.has_stated_genres
    picks = newcomer(999, [1, 3, 5])
    cg = stated_genres_vector(model, picks, ("a", "no-such-genre"))
    expected = np.zeros(model.cq.shape[1])
    expected[cols["a"]] = ColdStartParams().half / (ColdStartParams().half + 3)
    assert np.allclose(cg, expected)
    assert stated_genres_vector(model, picks, ("no-such-genre",)) is None
    assert stated_genres_vector(model, picks, ()) is None
    trained = world[0].for_user(3)
    assert stated_genres_vector(model, trained, ("a",)) is None  # it has its own history


def test_a_stated_genre_lifts_that_genres_titles_for_a_new_profile(world):
    model = genre_model(world)
    item_ids = world[1]
    picks = newcomer(999, [1, 2])  # one "a" title, one "b" title: the picks alone are mixed
    plain, _ = user_state(model, 999, picks)
    told, source = user_state(model, 999, picks, genres=("b",))
    assert source == "fold-in" and plain.cg is None and told.cg is not None
    lift = model.scores(told) - model.scores(plain)
    unseen = np.arange(30, 40)
    # Every title whose first genre is "b" gains more than any whose first genre is "a".
    assert lift[unseen][item_ids[unseen] % 2 == 0].min() > \
        lift[unseen][item_ids[unseen] % 2 == 1].max()
    parts = model.parts(told, 31)
    assert parts["stated_genres"] == pytest.approx(lift[31])
    assert sum(parts.values()) == pytest.approx(model.scores(told)[31])


def test_the_genre_weight_is_chosen_by_evidence_and_recorded(world):
    inter, item_ids, tags, _ = world
    model = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL,
                   favourites=stated(inter))
    found = model.card["coldstart"]
    hits = found["genre_hits_by_weight"]
    assert set(hits) == {str(w) for w in ColdStartParams().genre_weights}
    assert hits[str(found["genre_weight"])] == max(hits.values())
    assert model.genre_scale == pytest.approx(found["genre_scale"])
    # No profile stated anything: nothing to measure, so the term stays off.
    silent = attach(models.fit("ease", inter, item_ids), inter, item_ids, tags, SMALL)
    assert silent.genre_scale == 0.0 and not silent.has_stated_genres
    assert silent.card["coldstart"]["genre_hits_by_weight"] == {}


def test_artifact_round_trip_keeps_the_stated_genres_term(world, tmp_path):
    model = genre_model(world)
    model.version = "g1"
    artifacts.save(tmp_path, model, {})
    back = artifacts.load(tmp_path, "g1")
    assert model.genre_scale > 0 and back.genre_scale == pytest.approx(model.genre_scale)
    assert back.genre_columns() == model.genre_columns()
    picks = newcomer(999, [1, 2])
    assert np.allclose(back.scores(user_state(back, 999, picks, genres=("a",))[0]),
                       model.scores(user_state(model, 999, picks, genres=("a",))[0]))
    card = json.loads((tmp_path / "g1" / "card.json").read_text())
    card["genre_scale"] = -1.0
    (tmp_path / "g1" / "card.json").write_text(json.dumps(card))
    with pytest.raises(artifacts.ArtifactError):
        artifacts.load(tmp_path, "g1")
