"""The realism report: its JSON keys, every figure against a hand count on a crafted world and
a direct SQL count on a small seeded one, the CLI, the verdicts, and the MovieLens 100k
reference figures recomputed from the data set when `make real-data` has fetched it."""

from __future__ import annotations

import json
import math
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, text

from core import activity
from core.models import Account, Episode, PlaybackEvent, Profile, Title
from core.playback import PlaybackInput, record_playback
from simulator.studies import realism
from simulator.studies.references import ML100K, SOURCES, reference_figures
from tests.conftest import TEST_NOW

ML100K_DIR = Path(__file__).resolve().parents[2] / ".cache" / "data" / "ml-100k"
FIGURE_KEYS = ["plays_per_title_gini", "plays_per_title_top20_share", "catalogue_watched_share",
               "plays_per_profile_gini", "plays_per_profile_top20_share",
               "median_titles_per_profile", "thumbs_per_play", "completion_rate",
               "abandonment_rate", "session_minutes_p50", "session_minutes_p90",
               "sessions_per_active_day", "daily_active_share"]
FIGURE_FIELDS = {"label", "group", "unit", "definition", "world", "reference", "source",
                 "reference_how", "band", "status"}
D1 = datetime(2026, 10, 28)  # three days inside record_playback's 7-day window before TEST_NOW
D2, D3 = D1 + timedelta(days=1), D1 + timedelta(days=2)


def _event(kind: str, title, position: float, when: datetime, episode=None) -> PlaybackInput:
    return PlaybackInput(str(uuid.uuid4()), kind, title.id, float(position), when,
                         episode_id=episode.id if episode is not None else None)


def crafted_world(database) -> dict:
    """Profiles A, B, C (C never plays), three long films and one series episode, with the
    figures each of them should give worked out by hand."""
    with database.write() as s:
        f1, f2, f3 = s.scalars(select(Title).where(
            Title.kind == "film", Title.runtime_minutes >= 90).order_by(Title.id).limit(3))
        series = s.scalar(select(Title).where(Title.kind == "series").order_by(Title.id))
        ep = s.scalar(select(Episode).where(Episode.title_id == series.id)
                      .order_by(Episode.season, Episode.number))
        account = Account(email="crafted@example.test", password_hash=None, role="viewer",
                          is_simulated=True, session_epoch=0, created_at=D1 - timedelta(days=3))
        s.add(account)
        s.flush()
        a, b, c = (Profile(account_id=account.id, name=n, avatar="amber",
                           created_at=D1 - timedelta(days=3)) for n in "ABC")
        s.add_all([a, b, c])
        s.flush()
        r1, r2, e1 = f1.runtime_minutes * 60, f2.runtime_minutes * 60, ep.runtime_seconds
        t = D1 + timedelta(hours=20)
        end1 = math.ceil(0.95 * r1)
        # A, day 1: F1 to the end with a 20-minute pause in it (20 idle minutes: one session).
        s1 = [_event("start", f1, 0, t), _event("pause", f1, 1800, t + timedelta(seconds=1800)),
              _event("complete", f1, end1, t + timedelta(seconds=1800 + 1200 + end1 - 1800))]
        # A, day 2: 10% of F2 at 20:00, then at 23:00 (hours later: a new session) 20 minutes
        # of F3, stopped short of 30%: abandoned.
        t = D2 + timedelta(hours=20)
        tenth = int(0.1 * r2)
        s2 = [_event("start", f2, 0, t), _event("stop", f2, tenth, t + timedelta(seconds=tenth))]
        t = D2 + timedelta(hours=23)
        s3 = [_event("start", f3, 0, t), _event("stop", f3, 1200, t + timedelta(seconds=1200))]
        # A, day 3: F2 resumed and finished.
        t = D3 + timedelta(hours=20)
        end2 = math.ceil(0.95 * r2)
        s4 = [_event("start", f2, tenth, t),
              _event("complete", f2, end2, t + timedelta(seconds=end2 - tenth))]
        # B, day 2: 50 minutes of F1 with no event in between (credited watching, not idle),
        # then 5 minutes later 10% of the series' first episode: one session, abandoned.
        t = D2 + timedelta(hours=21)
        ep_tenth = int(0.1 * e1)
        s5 = [_event("start", f1, 0, t), _event("stop", f1, 3000, t + timedelta(seconds=3000)),
              _event("start", series, 0, t + timedelta(seconds=3300), ep),
              _event("stop", series, ep_tenth, t + timedelta(seconds=3300 + ep_tenth), ep)]
        record_playback(s, a.id, s1 + s2 + s3 + s4, TEST_NOW)
        record_playback(s, b.id, s5, TEST_NOW)
        activity.rate_title(s, a.id, f1.id, 2, D1 + timedelta(hours=23))
        activity.rate_title(s, b.id, f1.id, -1, D2 + timedelta(hours=23))
        n_titles = s.scalar(select(func.count()).select_from(Title))
    minutes = np.array([end1 + 1200, tenth, 1200, end2 - tenth, 3300 + ep_tenth]) / 60.0
    return {
        # plays per title [F1: 2, F2: 1, F3: 1, series: 1]; sorted x = [1, 1, 1, 2]:
        # Gini = 2 * (1 + 2 + 3 + 8) / (4 * 5) - 5 / 4 = 0.15; top 20%: at least 1 title.
        "plays_per_title_gini": 0.15, "plays_per_title_top20_share": 2 / 5,
        "catalogue_watched_share": 4 / n_titles,
        # plays per profile [A: 3, B: 2]: Gini = 2 * (2 + 6) / (2 * 5) - 3 / 2 = 0.1, top: A.
        "plays_per_profile_gini": 0.1, "plays_per_profile_top20_share": 3 / 5,
        "median_titles_per_profile": 2.5,
        "thumbs_per_play": 2 / 5,
        # viewings: A-F1 and A-F2 completed; A-F3 and B's episode stopped at 10-22%.
        "completion_rate": 2 / 5, "abandonment_rate": 2 / 5,
        "session_minutes_p50": float(np.percentile(minutes, 50)),
        "session_minutes_p90": float(np.percentile(minutes, 90)),
        # active (profile, day) pairs: A on days 1-3, B on day 2.
        "sessions_per_active_day": 5 / 4,
        # days 1 and 3 are the history's ends; on day 2, A and B of the 3 profiles.
        "daily_active_share": 2 / 3,
        "_counts": {"plays": 5, "titles": n_titles, "titles_watched": 4, "profiles": 3,
                    "profiles_with_plays": 2, "viewings": 5, "ratings": 2, "sessions": 5,
                    "days": 3},
        "_ids": {"a": a.id, "b": b.id, "c": c.id},
    }


def test_crafted_world_figures_by_hand(database):
    expected = crafted_world(database)
    with database.read() as s:
        report = realism.realism_report(s)
    assert report.counts == expected["_counts"]
    for key in FIGURE_KEYS:
        assert report.figure(key).world == pytest.approx(expected[key], abs=1e-4), key


def test_json_keys(database):
    crafted_world(database)
    with database.read() as s:
        data = json.loads(json.dumps(realism.realism_report(s).as_dict()))
    assert set(data) == {"counts", "definitions", "figures", "sources"}
    assert list(data["figures"]) == FIGURE_KEYS
    assert set(data["counts"]) == {"plays", "titles", "titles_watched", "profiles",
                                   "profiles_with_plays", "viewings", "ratings", "sessions",
                                   "days"}
    assert data["definitions"] == {"session_gap_minutes": 30, "top_share": 0.2,
                                   "abandon_below": 0.3}
    for key, figure in data["figures"].items():
        assert set(figure) == FIGURE_FIELDS, key
        assert figure["status"] in realism.STATUSES
        assert figure["source"] is None or figure["source"] in data["sources"]
        # Every reference names its source and how it was computed; no number without one.
        assert (figure["reference"] is None) == (figure["source"] is None)
        assert figure["reference_how"]
    assert data["figures"]["plays_per_title_gini"]["reference"] == 0.629
    assert data["figures"]["completion_rate"]["reference"] is None
    assert data["figures"]["completion_rate"]["status"] == "no public reference"
    assert data["sources"]["ml-100k"]["url"].startswith("https://grouplens.org/")


def _gini_by_pairs(x) -> float:
    """Gini as the mean absolute difference over twice the mean (another formula than
    simulator.studies.metrics.gini's)."""
    x = np.asarray(x, dtype=np.float64)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size ** 2 * x.mean()))


def _top_fifth(x) -> float:
    x = sorted(x, reverse=True)
    return sum(x[:max(1, len(x) // 5)]) / sum(x)


def test_figures_match_direct_sql_on_a_seeded_world(database):
    from simulator.studies.seed import seed_history

    seed_history(database, 30, 4, 2, TEST_NOW, model_from_day=None)
    with database.read() as s:
        report = realism.realism_report(s)
        pairs = s.execute(text("SELECT DISTINCT profile_id, title_id FROM viewings")).all()
        n_titles = s.scalar(text("SELECT COUNT(*) FROM titles"))
        n_ratings = s.scalar(text("SELECT COUNT(*) FROM ratings"))
        views = s.execute(text(
            "SELECT v.completed, v.furthest_s, t.runtime_minutes * 60, e.runtime_seconds "
            "FROM viewings v JOIN titles t ON t.id = v.title_id "
            "LEFT JOIN episodes e ON e.id = v.episode_id")).all()
        events = s.execute(select(PlaybackEvent.profile_id, PlaybackEvent.client_time,
                                  PlaybackEvent.credited_s, PlaybackEvent.speed)
                           .order_by(PlaybackEvent.profile_id, PlaybackEvent.client_time,
                                     PlaybackEvent.id)).all()
        created = s.execute(select(Profile.id, Profile.created_at)).all()
    per_title = list(Counter(t for _, t in pairs).values())
    per_profile = list(Counter(p for p, _ in pairs).values())
    assert report.counts["plays"] == len(pairs) > 30
    # Sessions: a new one when the time since the profile's previous event, less the
    # watching this event credits, exceeds 30 minutes.
    spans: list[list] = []
    last: dict[int, list] = {}
    for p, when, credited, speed in events:
        run = last.get(p)
        if run is None or (when - run[2]).total_seconds() - credited / speed > 30 * 60:
            run = last[p] = [p, when, when]
            spans.append(run)
        run[2] = when
    minutes = [(end - start).total_seconds() / 60 for _, start, end in spans]
    active = {(p, start.date()) for p, start, _ in spans}
    days = sorted({d for _, d in active})
    days = [days[0] + timedelta(days=i) for i in range(1, (days[-1] - days[0]).days)]
    share = np.mean([
        sum(1 for p, d in active if d == day) / sum(
            1 for _, c in created if c < datetime.combine(day + timedelta(days=1),
                                                          datetime.min.time()))
        for day in days])
    completed = [bool(c) for c, *_ in views]
    abandoned = [not bool(c) and far < 0.3 * (ep if ep is not None else film)
                 for c, far, film, ep in views]
    direct = {
        "plays_per_title_gini": _gini_by_pairs(per_title),
        "plays_per_title_top20_share": _top_fifth(per_title),
        "catalogue_watched_share": len(per_title) / n_titles,
        "plays_per_profile_gini": _gini_by_pairs(per_profile),
        "plays_per_profile_top20_share": _top_fifth(per_profile),
        "median_titles_per_profile": float(np.median(per_profile)),
        "thumbs_per_play": n_ratings / len(pairs),
        "completion_rate": sum(completed) / len(views),
        "abandonment_rate": sum(abandoned) / len(views),
        "session_minutes_p50": float(np.percentile(minutes, 50)),
        "session_minutes_p90": float(np.percentile(minutes, 90)),
        "sessions_per_active_day": len(spans) / len(active),
        "daily_active_share": float(share),
    }
    for key in FIGURE_KEYS:
        assert report.figure(key).world == pytest.approx(direct[key], abs=1e-3), key
    assert report.counts["sessions"] == len(spans)


def test_an_empty_world_has_no_figures_but_keeps_its_references(database):
    with database.read() as s:
        report = realism.realism_report(s)
    assert report.counts["plays"] == 0
    statuses = {f.spec.key: f.status for f in report.figures}
    assert statuses.pop("catalogue_watched_share") == "not comparable"  # 0 of the catalogue
    assert set(statuses.values()) == {"no data"}
    assert report.lines()[-1].startswith("Realism: ")


def test_verdicts():
    gini = realism.SPEC_BY_KEY["plays_per_title_gini"]  # reference 0.629, band +-0.10
    assert realism.Figure(gini, 0.70).status == "close"
    assert realism.Figure(gini, 0.75).status == "differs"
    assert realism.Figure(gini, None).status == "no data"
    median = realism.SPEC_BY_KEY["median_titles_per_profile"]  # 65, within 2x either way
    assert [realism.Figure(median, v).status for v in (33, 130, 32, 131)] == \
        ["close", "close", "differs", "differs"]
    assert realism.Figure(realism.SPEC_BY_KEY["catalogue_watched_share"], 1.0).status == \
        "not comparable"
    assert realism.Figure(realism.SPEC_BY_KEY["completion_rate"], 0.5).status == \
        "no public reference"
    assert realism.display(0.6471, "share") == "65%"
    assert realism.display(116.7, "minutes") == "117 min"


def test_realism_command_prints_the_report_and_its_json(app, database):
    from webapp.cli import sim as cli_sim

    crafted_world(database)
    runner = app.test_cli_runner()
    out = runner.invoke(cli_sim.realism, ["--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    with database.read() as s:
        assert data == json.loads(json.dumps(realism.realism_report(s).as_dict()))
    assert data["figures"]["thumbs_per_play"]["world"] == 0.4
    lines = runner.invoke(cli_sim.realism).output.strip().splitlines()
    assert lines[0].split() == ["figure", "world", "reference", "verdict"]
    assert any(line.startswith("Plays-per-title Gini") and "(ml-100k)" in line
               for line in lines)
    assert lines[-1].startswith("Realism: ") and "5 plays by 2 of 3 profiles" in lines[-1]


@pytest.mark.skipif(not (ML100K_DIR / "u.data").is_file(),
                    reason="MovieLens 100k is not in .cache/data/ml-100k: run `make real-data`")
def test_movielens_reference_figures_recomputed_from_the_data_set():
    from recommender.movielens import read_folder

    _, movies, ratings = read_folder(ML100K_DIR)
    figures = reference_figures(((user, item) for user, item, _, _ in ratings), len(movies))
    assert figures == {key: ref.value for key, ref in ML100K.items()}
    # The figures issue 11 quotes for ML-100k.
    assert (round(figures["plays_per_title_gini"], 2),
            round(figures["plays_per_title_top20_share"], 2)) == (0.63, 0.65)
    assert (round(figures["plays_per_profile_gini"], 2),
            round(figures["plays_per_profile_top20_share"], 2)) == (0.47, 0.51)
    assert all(ref.source in SOURCES for ref in ML100K.values())
