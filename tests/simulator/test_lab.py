"""The notebook API (simulator/studies/lab.py): configs, smaller runs, a run's folder as pandas
data frames that agree with summary.json and the run page."""

from __future__ import annotations

import json

import pytest

pd = pytest.importorskip("pandas", reason="the notebook extra (pandas) is not installed")

from simulator.studies import lab  # noqa: E402


@pytest.fixture
def run(lab_run):
    return lab_run  # conftest.py: lab.run of a tiny feedback_loop


def test_load_a_shipped_config_or_a_path(tmp_path):
    assert "feedback_loop" in lab.shipped()
    assert lab.load("feedback_loop")["explore_days"] == 5
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\n[[arms]]\npolicy = "random"\n')
    assert lab.load(path)["arms"][0]["name"] == "random"
    with pytest.raises(FileNotFoundError, match="feedback_loop"):
        lab.load("no_such_study")


def test_resize_keeps_the_named_arms_and_days_for_the_policies():
    cfg = lab.resize(lab.load("feedback_loop"), profiles=20, days=6, seeds=[3],
                     arms=["random", "svd-daily"])
    assert (cfg["profiles"], cfg["days"], cfg["seeds"]) == (20, 6, [3])
    assert [a["name"] for a in cfg["arms"]] == ["svd-daily", "random"]  # the config's order
    assert cfg["baseline"] == "svd-daily"  # popularity-daily is gone
    assert cfg["explore_days"] == 3 and cfg["warmup_days"] == 3  # at most half the days
    with pytest.raises(ValueError, match="No arm 'nope'"):
        lab.resize(lab.load("feedback_loop"), arms=["nope"])
    with pytest.raises(TypeError, match="colour"):
        lab.resize(lab.load("feedback_loop"), colour="red")


def test_metrics_tidy_and_daily(run):
    assert run.arms == ["popularity-daily", "popularity-explore", "random"]
    assert run.seeds == [1, 2] and run.days == 4 and run.launch_days == 2
    wide = run.metrics()
    assert len(wide) == 2 * 3 * 4 and list(wide.columns[:3]) == ["seed", "arm", "day"]
    assert wide["homogenization"].isna().all()  # no ideal arm: n/a, not 0
    tidy = run.tidy()
    assert list(tidy.columns) == ["run", "arm", "seed", "day", "metric", "value"]
    assert len(tidy) == len(wide) * len(run.metric_names)
    daily = run.daily("gini_plays")
    assert list(daily.columns) == run.arms and list(daily.index) == [0, 1, 2, 3]
    expected = wide[(wide.arm == "random") & (wide.day == 3)]["gini_plays"].mean()
    assert daily.loc[3, "random"] == pytest.approx(expected)
    # The launch phase is the same in every arm, exploration or not.
    assert daily.loc[0, "popularity-explore"] == daily.loc[0, "popularity-daily"]
    with pytest.raises(KeyError, match="No metric"):
        run.daily("happiness")


def test_summary_and_paired_tables_agree_with_summary_json(run):
    summary = json.loads((run.folder / "summary.json").read_text())
    table = run.summary_table().set_index(["arm", "metric"])
    block = summary["arms"]["random"]["run_mean"]["ctr"]
    assert table.loc[("random", "ctr"), "mean"] == pytest.approx(block["mean"])
    assert table.loc[("random", "ctr"), "ci95"] == pytest.approx(block["ci95"])
    paired = run.paired().set_index(["arm", "metric"])
    assert set(paired.index.get_level_values("arm")) == {"popularity-explore", "random"}
    vs = summary["arms"]["random"]["vs_baseline"]["ctr"]
    assert paired.loc[("random", "ctr"), "low"] == pytest.approx(vs["low"])
    # Another baseline is computed from the rows: the difference turns round.
    other = run.paired(baseline="random").set_index(["arm", "metric"])
    assert other.loc[("popularity-daily", "ctr"), "mean"] == pytest.approx(
        -paired.loc[("random", "ctr"), "mean"], abs=1e-6)
    late = run.paired("after_launch").set_index(["arm", "metric"])
    assert late.loc[("random", "plays"), "n"] == 2
    with pytest.raises(ValueError, match="window"):
        run.paired("yesterday")


def test_events_of_one_arm_and_seed_and_opening_a_folder(run, tmp_path):
    events = run.events("random", 2)
    assert {"start", "complete"} <= set(events["type"])
    assert str(events["client_time"].dtype).startswith("datetime64")
    with pytest.raises(ValueError, match="No arm"):
        run.events("nobody", 1)
    with pytest.raises(FileNotFoundError):
        run.events("random", 9)
    again = lab.open_run(run.folder)
    assert again.arms == run.arms and again.metrics().equals(run.metrics())
    with pytest.raises(FileNotFoundError, match="finished run"):
        lab.open_run(tmp_path)
