"""Cold-start study (docs/simulation.md, study 3): after 3 onboarding picks, the rows a new
profile gets (the retrain's model with its cold-start part, through the site's fold-in path)
beat the popularity prior and the popularity row on precision@10 against its true top 10;
and simulated viewers pick in the onboarding picker what a viewer would."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from core import catalog as core_catalog
from core.models import Base, TastePick
from simulator.studies.coldstart import ROWS, run_coldstart
from simulator.studies.experiment import _database
from simulator.viewers.population import choose_picks, generate_population
from tests.conftest import TEST_NOW
from webapp.cli import sim as cli_sim


@pytest.fixture(scope="module")
def study():
    return run_coldstart(profiles=30, seed=3, history_profiles=80, history_days=6, titles=200)


def test_onboarding_rows_beat_the_popularity_prior_and_row_on_true_tastes(study):
    assert study.profiles == 30
    assert study.sources == {"fold-in": 30}  # every newcomer is served by fold-in
    assert all(0.0 <= getattr(study, name) <= 1.0 for name in ROWS)
    assert study.onboarding > study.prior and study.onboarding > study.popular
    assert study.onboarding_wins > study.popular_wins
    assert study.training_signals > 0 and study.champion
    assert set(study.seconds) == {"choose_and_refit", "attach"}


def test_cli_prints_json_and_is_deterministic():
    args = ["--profiles", "4", "--seed", "5", "--history-profiles", "20", "--days", "2",
            "--titles", "60", "--json"]
    first = CliRunner().invoke(cli_sim.coldstart, args)
    assert first.exit_code == 0, first.output
    figures = json.loads(first.output)
    assert figures["profiles"] == 4 and figures["seed"] == 5
    assert set(figures) >= {"onboarding", "prior", "popular", "model_alone", "content_alone"}
    again = CliRunner().invoke(cli_sim.coldstart, args)
    assert again.output == first.output


def test_cli_text_output_is_registered_and_readable():
    from webapp.cli.main import cli

    assert "coldstart" in cli.commands
    out = CliRunner().invoke(cli_sim.coldstart, ["--profiles", "3", "--seed", "5",
                                                 "--history-profiles", "20", "--days", "2",
                                                 "--titles", "60"])
    assert out.exit_code == 0, out.output
    assert "precision@10" in out.output and "3 new profiles" in out.output


def test_simulated_viewers_pick_what_they_like_from_what_the_picker_shows(tmp_path):
    from simulator.catalog.generate import generate_catalog
    from simulator.viewers.world import load_catalog

    db = _database(tmp_path / "picks.sqlite3")
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        generate_catalog(s, 120, 4, TEST_NOW)
        cat = load_catalog(s)
        pop = generate_population(s, 30, 4, TEST_NOW, cat)
        picked = {}
        for pid, tid in s.execute(select(TastePick.profile_id, TastePick.title_id)):
            picked.setdefault(pid, set()).add(tid)
        # The picker shows the best-known titles of every genre, not the most popular overall.
        shown_ids = {limit: [t.id for t in core_catalog.onboarding_candidates(s, int(limit))]
                     for limit in set(pop.maturity_limit.tolist())}
    db.dispose()
    top40 = set(cat.title_ids[np.argsort(-cat.prior_popularity, kind="stable")[:40]].tolist())
    outside_top40 = 0
    for i, pid in enumerate(pop.profile_ids.tolist()):
        shown_list = shown_ids[int(pop.maturity_limit[i])]
        assert len(picked[pid]) == 3 and picked[pid] <= set(shown_list)
        shown = np.array([cat.index[t] for t in shown_list])
        expected = cat.features[shown] @ pop.taste[i] + cat.quality[shown]
        liked = set(cat.title_ids[shown[np.argsort(-expected, kind="stable")[:3]]].tolist())
        assert picked[pid] == liked  # the 3 it expects to enjoy most among those shown
        assert set(cat.title_ids[choose_picks(cat, pop.taste[i], shown)].tolist()) == liked
        outside_top40 += len(picked[pid] - top40)
    assert outside_top40 > 0  # picks reach titles the overall top 40 would never show
