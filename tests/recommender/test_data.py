"""Training data: the signal mapping, combining, hidden history, recency."""

from datetime import timedelta

import numpy as np
from sqlalchemy import select

from core import accounts, activity
from core.models import Profile, Title, Viewing
from recommender.data import SignalMapping, load_interactions
from tests.conftest import TEST_NOW


def _profile(database):
    with database.write() as s:
        account = accounts.create_account(s, "d@example.com", "correct horse battery", TEST_NOW)
        profile = accounts.create_profile(s, account, TEST_NOW, name="D")
        ids = list(s.scalars(select(Title.id).where(Title.kind == "film").order_by(Title.id)
                             .limit(6)))
        return profile.id, ids


def _view(s, pid, tid, frac, *, completed=False, hidden=False, plays=1, when=TEST_NOW):
    runtime = s.get(Title, tid).runtime_minutes * 60
    s.add(Viewing(profile_id=pid, title_id=tid, episode_key=0, watched_s=frac * runtime,
                  completed=completed, hidden=hidden, plays=plays, started_at=when,
                  last_watched_at=when, last_client_time=when))


def test_mapping_covers_every_signal_and_leaves_hidden_out(database):
    pid, ids = _profile(database)
    with database.write() as s:
        _view(s, pid, ids[0], 1.0, completed=True, plays=2)  # rewatch
        _view(s, pid, ids[1], 0.1)  # abandoned
        _view(s, pid, ids[2], 1.0, completed=True, hidden=True)  # hidden: forgotten
        activity.rate_title(s, pid, ids[1], 2, TEST_NOW)  # thumbs win over the abandonment
        activity.add_to_list(s, pid, ids[3], TEST_NOW)
        activity.rate_title(s, pid, ids[4], -1, TEST_NOW)
    with database.read() as s:
        inter = load_interactions(s, TEST_NOW)
    got = dict(zip(inter.items.tolist(), inter.pref.tolist(), strict=True))
    m = SignalMapping()
    assert got == {ids[0]: m.rewatched, ids[1]: 1.0, ids[3]: m.listed[0], ids[4]: 0.0}
    explicit = dict(zip(inter.items.tolist(), inter.explicit.tolist(), strict=True))
    assert explicit[ids[1]] and explicit[ids[4]] and not explicit[ids[0]]
    weights = dict(zip(inter.items.tolist(), inter.weight.tolist(), strict=True))
    assert weights[ids[1]] > weights[ids[3]]  # thumbs plus a viewing outweigh a list add


def test_recent_signals_weigh_more():
    m = SignalMapping(half_life_days=30)
    assert m.recency(0) == 1.0
    assert np.isclose(m.recency(30), 0.5)
    assert np.isclose(m.recency(60), 0.25)


def test_old_viewing_weighs_half_after_one_half_life(database):
    pid, ids = _profile(database)
    with database.write() as s:
        _view(s, pid, ids[0], 1.0, completed=True)
        _view(s, pid, ids[1], 1.0, completed=True, when=TEST_NOW - timedelta(days=90))
    with database.read() as s:
        inter = load_interactions(s, TEST_NOW, SignalMapping(half_life_days=90))
    w = dict(zip(inter.items.tolist(), inter.weight.tolist(), strict=True))
    assert np.isclose(w[ids[1]], w[ids[0]] / 2)


def test_viewing_preferences_are_ordered():
    m = SignalMapping()
    abandoned = m.viewing(0.1, False, 1)[0]
    half = m.viewing(0.5, False, 1)[0]
    done = m.viewing(1.0, True, 1)[0]
    again = m.viewing(1.0, True, 2)[0]
    assert abandoned < half < done < again


def test_recency_is_relative_to_the_newest_signal_not_the_wall_clock(database):
    """Data from another year (MovieLens is from 1998) keeps its weights: ages are measured
    back from the newest signal, so the newest weighs in full and one half-life older half."""
    pid, ids = _profile(database)
    long_ago = TEST_NOW - timedelta(days=365 * 28)
    with database.write() as s:
        _view(s, pid, ids[0], 1.0, completed=True, when=long_ago)
        _view(s, pid, ids[1], 1.0, completed=True, when=long_ago - timedelta(days=90))
    with database.read() as s:
        inter = load_interactions(s, TEST_NOW, SignalMapping(half_life_days=90))
    w = dict(zip(inter.items.tolist(), inter.weight.tolist(), strict=True))
    full = SignalMapping().viewing(1.0, True, 1)[1]
    assert np.isclose(w[ids[0]], full) and np.isclose(w[ids[1]], full / 2)


def test_rows_with_an_onboarding_pick_are_marked_picked(database):
    pid, ids = _profile(database)
    with database.write() as s:
        activity.save_taste_picks(s, s.get(Profile, pid), ids[:3], [], TEST_NOW)
        _view(s, pid, ids[0], 1.0, completed=True)  # picked, then watched: still a pick
        _view(s, pid, ids[4], 1.0, completed=True)
    with database.read() as s:
        every = load_interactions(s, TEST_NOW)
        one = load_interactions(s, TEST_NOW, profile_ids=[pid])  # the one-statement path
    for inter in (every, one):
        picked = dict(zip(inter.items.tolist(), inter.picked.tolist(), strict=True))
        assert picked == {ids[0]: True, ids[1]: True, ids[2]: True, ids[4]: False}


def test_signal_stamp_changes_with_every_write_that_changes_the_signals(database):
    """webapp/home.py reuses a profile's scoring state while its stamp is unchanged, so every
    service that writes a signal must change it, and reading must not."""
    from datetime import timedelta

    from core import history, playback
    from core.models import Tag
    from recommender.data import signal_stamp

    pid, ids = _profile(database)

    def stamp():
        with database.read() as s:
            return signal_stamp(s, pid)

    seen = [stamp()]
    assert stamp() == seen[0]  # nothing written: the same stamp
    later = TEST_NOW + timedelta(minutes=1)

    def changed(write):
        with database.write() as s:
            write(s)
        now = stamp()
        assert now != seen[-1], write  # (back to an earlier stamp only with the same signals)
        seen.append(now)

    changed(lambda s: activity.rate_title(s, pid, ids[0], 1, TEST_NOW))
    changed(lambda s: activity.rate_title(s, pid, ids[0], -1, TEST_NOW))  # same time, new value
    changed(lambda s: activity.rate_title(s, pid, ids[0], None, TEST_NOW))
    assert seen[-1] == seen[0]  # no thumbs left: the signals, and the stamp, are as before
    changed(lambda s: activity.add_to_list(s, pid, ids[1], TEST_NOW))
    changed(lambda s: activity.remove_from_list(s, pid, ids[1]))
    changed(lambda s: activity.toggle_taste_pick(s, pid, ids[2], TEST_NOW))
    changed(lambda s: activity.toggle_taste_pick(s, pid, ids[2], TEST_NOW))
    changed(lambda s: playback.record_playback(s, pid, [playback.PlaybackInput(
        "5d4c0f3e-0000-4000-8000-000000000001", "start", ids[3], 0.0, TEST_NOW)], TEST_NOW))
    changed(lambda s: playback.record_playback(s, pid, [playback.PlaybackInput(
        "5d4c0f3e-0000-4000-8000-000000000002", "heartbeat", ids[3], 60.0, later)], later))
    changed(lambda s: history.hide_title(s, pid, ids[3]))

    def genres(s):
        profile = s.get(Profile, pid)
        genre = s.scalar(select(Tag.id).where(Tag.kind == "genre").order_by(Tag.id))
        activity.save_taste_picks(s, profile, ids[:3], [genre], TEST_NOW)

    changed(genres)
    with database.read() as s:
        other = signal_stamp(s, pid + 1000)
    assert other != seen[-1] and all(row[1] == 0 for row in other)  # no signals at all
