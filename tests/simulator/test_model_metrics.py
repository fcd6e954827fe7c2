"""Model metrics of model-based arms: RMSE against ground truth, holdout RMSE, retrain log."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest
from bs4 import BeautifulSoup

from recommender.model import ServingModel
from simulator.studies.experiment import normalise, run_experiment
from simulator.studies.model_metrics import (
    holdout_rmse,
    no_preference,
    rmse_against_truth,
    truth_preference,
)
from tests.recommender import synth


def test_truth_preference_uses_the_thumbs_cuts_and_the_recommender_scale():
    assert truth_preference(np.array([-0.5, 0.2, 1.29, 1.3, 2.0])).tolist() == \
        [0.0, 0.85, 0.85, 1.0, 1.0]


def _model(bi: np.ndarray, neighbours: int = 0) -> ServingModel:
    n = bi.size
    return ServingModel(global_mean=0.0, user_ids=np.array([7]), item_ids=np.arange(1, n + 1),
                        bu=np.zeros(1), pu=np.zeros((1, 2)), bi=bi, qi=np.zeros((n, 2)),
                        prior=np.ones(n), prior_weight=2.0,
                        nbr_idx=np.zeros((n, neighbours), np.int32),
                        nbr_val=np.ones((n, neighbours), np.float32))


def test_rmse_against_truth_compares_watched_pairs_without_the_prior():
    utility = np.array([-1.0, 0.5, 2.0])  # truth: 0.0, 0.85, 1.0
    sim = SimpleNamespace(pop=SimpleNamespace(profile_ids=np.array([7])),
                          catalog=SimpleNamespace(title_ids=np.array([1, 2, 3])),
                          utility=lambda i: utility)
    exact = _model(np.array([0.0, 0.85, 1.0]))
    assert rmse_against_truth(exact, sim, [{0, 1, 2}]) == 0.0  # the prior is not added
    off = _model(np.array([0.5, 0.85, 1.0]))
    assert math.isclose(rmse_against_truth(off, sim, [{0, 1}]), math.sqrt(0.25 / 2))
    assert rmse_against_truth(off, sim, [set()]) is None


def test_models_without_a_fitted_preference_report_none_and_say_why():
    from recommender import models

    sim = SimpleNamespace(pop=SimpleNamespace(profile_ids=np.array([7])),
                          catalog=SimpleNamespace(title_ids=np.array([1, 2, 3])),
                          utility=lambda i: np.array([-1.0, 0.5, 2.0]))
    item_item = _model(np.array([0.0, 0.85, 1.0]), neighbours=1)  # e.g. a blend
    assert "item-item" in no_preference(item_item)
    assert rmse_against_truth(item_item, sim, [{0, 1, 2}]) is None
    inter, ids, _ = synth.world(seed=5, n_users=60, n_items=120)
    assert holdout_rmse(inter, lambda train: models.fit("ease", train, ids)) is None
    assert holdout_rmse(inter, lambda train: models.fit("popularity", train, ids)) is None
    als = holdout_rmse(inter, lambda train: models.fit("als", train, ids))
    assert als is not None and 0.0 <= als <= 1.0


def test_svd_arm_reports_model_metrics_and_others_none(tmp_path):
    cfg = normalise({"name": "m", "profiles": 30, "days": 3, "titles": 80, "seeds": [1],
                     "arms": [{"name": "svd", "policy": "svd", "model": "svd", "epochs": 10,
                               "factors": 6},
                              {"name": "random", "policy": "random"}]})
    summary = run_experiment(cfg, tmp_path)
    rows = json.loads((tmp_path / "metrics.json").read_text())
    svd = [r for r in rows if r["arm"] == "svd"]
    assert all(0.0 <= r["model_rmse_truth"] <= 1.0 for r in svd)
    holdout = [r["model_holdout_rmse"] for r in svd]
    assert holdout[-1] is not None  # early days may have no profile with 3 signals to split
    assert all(0.0 <= h <= 1.0 for h in holdout if h is not None)
    assert all(r["model_rmse_truth"] is None for r in rows if r["arm"] == "random")
    log = json.loads((tmp_path / "model_log.json").read_text())
    assert [e["day"] for e in log] == [0, 1, 2]  # daily retrains
    assert all(e["train_seconds"] > 0 and e["signals"] > 0 and e["model"] == "svd"
               for e in log)
    assert summary["arms"]["svd"]["model"]["model_rmse_truth"]["run_mean"]["n"] == 1
    assert summary["arms"]["random"]["model"]["model_holdout_rmse"]["run_mean"] is None
    header = (tmp_path / "metrics.csv").read_text().splitlines()[0].split(",")
    assert header[-2:] == ["model_rmse_truth", "model_holdout_rmse"]
    # the report plots the model metrics and tabulates them for the model arm only
    assert (tmp_path / "plots" / "model_rmse_truth.svg").exists()
    page = BeautifulSoup((tmp_path / "report.html").read_text(), "html.parser")
    model_h2 = next(h for h in page.find_all("h2") if h.get_text() == "Model")
    table = model_h2.find_next_sibling("table")
    assert [th.get_text() for th in table.thead.find_all("th")] == ["Metric", "svd"]
    first = table.tbody.find("tr")
    assert float(first.td.get_text().split(" ± ")[0]) == pytest.approx(
        summary["arms"]["svd"]["model"]["model_rmse_truth"]["run_mean"]["mean"], rel=1e-3)
