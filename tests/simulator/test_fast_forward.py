"""`streamsim fast-forward`: more simulated days for the population already in the database:
viewings and events grow, no profile is added, the dates continue after the last simulated
day, and what the site remembers of each profile carries over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.models import PlaybackEvent, Profile, ProfileTruth, TasteDay, Viewing
from simulator.studies.seed import (
    NothingToContinue,
    fast_forward,
    restore_states,
    seed_history,
    simulated_days,
)
from simulator.viewers.population import load_population
from simulator.viewers.world import load_catalog
from tests.conftest import TEST_NOW
from webapp.cli import sim as cli_sim


def _counts(database) -> dict[str, int]:
    with database.read() as s:
        return {name: s.scalar(select(func.count()).select_from(table))
                for name, table in (("profiles", Profile), ("truth", ProfileTruth),
                                    ("viewings", Viewing), ("events", PlaybackEvent))}


def test_fast_forward_continues_the_same_population(database):
    seed_history(database, 30, 3, 5, TEST_NOW, n_titles=120)
    before = _counts(database)
    first, last = simulated_days(database)
    with database.read() as s:
        last_start = s.scalar(select(func.max(PlaybackEvent.client_time)))
        # What the site remembers is read back: every started title is known as watched.
        cat = load_catalog(s)
        ids = load_population(s).profile_ids.tolist()
        states = restore_states(s, cat, ids)
        started = {(p, t) for p, t in s.execute(select(Viewing.profile_id, Viewing.title_id))}
    assert {(ids[j], int(cat.title_ids[i])) for j, st in enumerate(states)
            for i in st.watched} == started
    assert any(st.finished for st in states)

    summary = fast_forward(database, 2, 5, retrain_days=1)
    after = _counts(database)
    assert summary.profiles == before["profiles"] == after["profiles"] == 30
    assert after["truth"] == before["truth"]  # no new simulated viewer
    assert after["viewings"] > before["viewings"] and after["events"] > before["events"]
    assert summary.plays > 0 and summary.events == after["events"] - before["events"]
    # The new days follow the last simulated day, with no gap and no overlap.
    new_first, new_last = simulated_days(database)
    assert new_first == first and new_last == last + timedelta(days=2)
    with database.read() as s:
        new_days = set(s.scalars(select(TasteDay.day).where(TasteDay.day > last)))
        assert new_days <= {last + timedelta(days=1), last + timedelta(days=2)} and new_days
        newest = s.scalar(select(func.min(PlaybackEvent.client_time))
                          .where(PlaybackEvent.client_time > last_start))
    assert newest.date() >= last + timedelta(days=1)


def test_nothing_to_continue_without_simulated_history(database):
    with pytest.raises(NothingToContinue):
        fast_forward(database, 1, 5)


def test_cli_fast_forward(app, database):
    runner = app.test_cli_runner()
    refused = runner.invoke(cli_sim.fast_forward, ["--days", "1"])
    assert refused.exit_code != 0 and "streamsim seed" in refused.output
    seeded = runner.invoke(cli_sim.seed, ["--profiles", "12", "--days", "2", "--seed", "4",
                                          "--titles", "80", "--no-model"])
    assert seeded.exit_code == 0, seeded.output
    before = _counts(database)
    result = runner.invoke(cli_sim.fast_forward, ["--days", "2", "--seed", "4", "--no-model"])
    assert result.exit_code == 0, result.output
    assert "Fast-forwarded: 12 profiles x 2 days" in result.output
    after = _counts(database)
    assert after["profiles"] == before["profiles"] and after["events"] > before["events"]
    assert runner.invoke(cli_sim.fast_forward, ["--days", "0"]).exit_code != 0
    from webapp.cli.main import cli

    assert "fast-forward" in cli.commands
