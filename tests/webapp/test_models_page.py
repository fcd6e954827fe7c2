"""The model page: each retrain's candidates, the serving model's family, pinning a version."""
# Fixtures imported from tests/recommender (named again as test arguments, as pytest wants):
# ruff: noqa: F811

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import ManualClock
from core.locks import exclusive
from core.models import JobRun
from recommender import artifacts
from recommender.lifecycle import retrain
from recommender.models import LABELS
from tests.conftest import TEST_NOW, csrf_from, soup

# The recommender's world and private model folder; `app` here serves that folder.
from tests.recommender.conftest import app, rec_settings, world_db  # noqa: F401


def _retrain(database, rec_settings, minutes=0, **kwargs):
    return retrain(database, rec_settings, clock=ManualClock(TEST_NOW + timedelta(minutes=minutes)),
                   **kwargs)


def _copy_version(model_dir, version, new) -> str:
    """Another stored version (a copy of one), so there is something else to pin."""
    shutil.copytree(model_dir / version, model_dir / new)
    card = json.loads((model_dir / new / "card.json").read_text())
    (model_dir / new / "card.json").write_text(json.dumps({**card, "version": new}))
    return new


@pytest.fixture
def trained(database, world_db, rec_settings):
    outcome = _retrain(database, rec_settings)
    assert outcome.status == "ok"
    return outcome.version


@pytest.fixture
def educator(make_viewer):
    return make_viewer("edu@example.com", role="educator")


def _page(client):
    response = client.get("/models/")
    assert response.status_code == 200
    return soup(response)


def _post_form(client, page, selector):
    """Submit a form found on the page, as a browser would (its hidden fields, its action)."""
    form = page.select_one(selector)
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data=data)


def _run_body(page, run_id):
    return page.select_one(f"tr[data-run='{run_id}']").find_parent("tbody")


def _run_ids(database):
    with database.read() as s:
        return list(s.scalars(select(JobRun.id).where(JobRun.job == "train")
                              .order_by(JobRun.id.desc())))


def test_each_retrain_lists_its_candidates_and_the_serving_family(
        educator, trained, database, rec_settings):
    model_dir = rec_settings.model_dir
    card = artifacts.card(model_dir, trained)
    # A second retrain is rejected (the serving card looks far better): it keeps its table
    # and says why; a third fails before training anything.
    doctored = {**card, "metrics": {**card["metrics"], "ndcg@10": 0.99}}
    (model_dir / trained / "card.json").write_text(json.dumps(doctored))
    assert _retrain(database, rec_settings, 60).status == "rejected"

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    assert _retrain(database, rec_settings, 120, select=broken).status == "failed"
    failed_id, rejected_id, ok_id = _run_ids(database)
    page = _page(educator.client)

    # Newest first, each run's outcome in words with its status class.
    heads = page.select("table.models-runs tr[data-run]")
    assert [int(tr["data-run"]) for tr in heads] == [failed_id, rejected_id, ok_id]
    ok = _run_body(page, ok_id)
    assert ok.select_one(".status-ok").get_text(strip=True) == "Published"
    assert ok.select_one("tr[data-run] code").get_text() == trained
    rows = ok.select("tr[data-candidate]")
    assert {r["data-candidate"] for r in rows} == set(card["candidates"])
    chosen = ok.select("tr[data-chosen]")
    assert [r["data-candidate"] for r in chosen] == [card["chosen"]]
    assert "Chosen" in chosen[0].get_text()
    figures = card["candidates"][card["chosen"]]
    cells = [td.get_text(strip=True) for td in chosen[0].select("td.num")]
    assert cells[0] == f"{figures['ndcg@10']:.4f}" and cells[1] == f"{figures['recall@20']:.4f}"
    assert cells[2].endswith("%") and cells[3].endswith(" s")
    ndcgs = [float(r.select_one("td.num").get_text()) for r in rows]
    assert ndcgs == sorted(ndcgs, reverse=True)  # best first

    rejected = _run_body(page, rejected_id)
    assert rejected.select_one(".status-rejected").get_text(strip=True) == "Rejected"
    reason = rejected.select_one("[data-detail]").get_text()
    assert reason.startswith("Reason: ") and "worse than the serving model" in reason
    with database.read() as s:
        report = json.loads(s.get(JobRun, rejected_id).report)
    assert {r["data-candidate"] for r in rejected.select("tr[data-candidate]")} \
        == set(report["candidates"])
    assert [r["data-candidate"] for r in rejected.select("tr[data-chosen]")] == [report["chosen"]]

    failed = _run_body(page, failed_id)
    assert failed.select_one(".status-failed").get_text(strip=True) == "Failed"
    assert "disk on fire" in failed.select_one("[data-detail]").get_text()
    assert not failed.select("tr[data-candidate]")

    # The serving model: family in plain words and by name, memory and training time.
    serving = page.select_one("dl.models-card")
    family = serving.select_one("dd[data-family]")
    assert family["data-family"] == card["family"]
    assert LABELS[card["family"]] in family.get_text() and card["family"] in family.get_text()
    memory = serving.select_one("dd[data-memory]").get_text()
    assert memory == f"{card['serving_memory_bytes'] / 1e6:.2f} MB"
    assert float(serving.select_one("[data-training-seconds]").get_text()) \
        == pytest.approx(card["training_seconds"], abs=0.05)
    assert serving.select_one("[data-pinned]")["data-pinned"] == ""
    # The versions table names each version's family; the existing parts still render.
    version_row = page.select_one(f"tr[data-version='{trained}']")
    assert version_row.select_one("[data-family]")["data-family"] == card["family"]
    assert page.select_one("svg.models-chart polyline.line-model")
    assert page.select_one("[data-scheduler]")["data-scheduler"] == "stopped"
    fragment = soup(educator.client.get("/models/", headers={"HX-Request": "true"}))
    assert fragment.find("html") is None and fragment.select("table.models-runs tr[data-chosen]")


def test_pin_skips_retrains_until_unpinned(educator, trained, database, rec_settings):
    model_dir = rec_settings.model_dir
    older = _copy_version(model_dir, trained, "20200101T000000")
    page = _page(educator.client)
    assert page.select_one(f"tr[data-version='{trained}'] form[action='/models/pin']")
    response = _post_form(educator.client, page,
                          f"tr[data-version='{older}'] form[action='/models/pin']")
    assert response.status_code == 303 and response.headers["Location"].endswith("/models/")
    assert artifacts.pinned_version(model_dir) == older
    assert artifacts.current_version(model_dir) == older
    page = soup(educator.client.get(response.headers["Location"]))
    assert older in page.select_one(".flashes").get_text()
    assert page.select_one("[data-current]")["data-current"] == older
    assert page.select_one("dd[data-pinned]")["data-pinned"] == older
    row = page.select_one(f"tr[data-version='{older}']")
    assert row.has_attr("data-pinned") and row.select_one("form[action='/models/unpin']")
    assert not page.select(f"tr[data-version='{trained}'][data-pinned]")

    outcome = _retrain(database, rec_settings, 60)
    assert outcome.status == "skipped" and artifacts.current_version(model_dir) == older
    assert artifacts.versions(model_dir) == [trained, older]  # nothing new was published
    skipped_id = _run_ids(database)[0]
    page = _page(educator.client)
    skipped = _run_body(page, skipped_id)
    assert skipped.select_one(".status-skipped").get_text(strip=True) == "Skipped (pinned)"
    assert older in skipped.select_one("[data-detail]").get_text()
    assert not skipped.select("tr[data-candidate]")
    assert skipped.select_one(".models-run__none")

    response = _post_form(educator.client, page, "dd[data-pinned] form[action='/models/unpin']")
    assert response.status_code == 303 and artifacts.pinned_version(model_dir) is None
    assert artifacts.current_version(model_dir) == older  # serves until a retrain publishes
    page = soup(educator.client.get("/models/"))
    assert "Unpinned" in page.select_one(".flashes").get_text()
    assert page.select_one("dd[data-pinned]")["data-pinned"] == ""
    assert not page.select("tr[data-pinned]")


def test_a_bad_or_unknown_version_is_refused_and_changes_nothing(
        educator, trained, rec_settings):
    model_dir = rec_settings.model_dir
    broken = _copy_version(model_dir, trained, "20200101T000000")
    (model_dir / broken / "factors.npz").write_bytes(b"not a zip")
    token = csrf_from(educator.client.get("/models/"))
    for version, status in (("nope", 404), ("../models", 404), ("", 400), (broken, 400),
                            ("x" * 200, 400)):
        response = educator.client.post("/models/pin", data={"csrf_token": token,
                                                              "version": version})
        assert response.status_code == status, version
        assert artifacts.pinned_version(model_dir) is None
        assert artifacts.current_version(model_dir) == trained
        assert soup(response).select_one("[data-problem]"), version  # the page says what happened
    # A retrain holding the lock: the pin waits for it rather than racing it.
    with exclusive(model_dir / ".train.lock"):
        response = educator.client.post("/models/pin", data={"csrf_token": token,
                                                              "version": trained})
    assert response.status_code == 409 and artifacts.pinned_version(model_dir) is None


def test_pin_needs_an_educator_and_a_csrf_token(make_viewer, educator, client, trained,
                                                rec_settings):
    model_dir = rec_settings.model_dir
    plain = make_viewer("plain@example.com")
    kid = make_viewer("kid@example.com", role="educator",
                      profiles=({"name": "Kiddo", "is_kids": True, "maturity_limit": 7},))
    for other in (plain.client, kid.client):
        token = csrf_from(other.get("/home"))
        for url in ("/models/pin", "/models/unpin"):
            response = other.post(url, data={"csrf_token": token, "version": trained})
            assert response.status_code == 404, url
    token = csrf_from(client.get("/login"))  # signed out
    assert client.post("/models/pin", data={"csrf_token": token,
                                            "version": trained}).status_code == 404
    assert artifacts.pinned_version(model_dir) is None
    # An educator without the token is refused too.
    assert educator.client.post("/models/pin", data={"version": trained}).status_code == 400
    assert artifacts.pinned_version(model_dir) is None
    artifacts.pin(model_dir, trained)
    assert educator.client.post("/models/unpin").status_code == 400
    assert artifacts.pinned_version(model_dir) == trained


def test_the_retrain_timeline_draws_numbers_with_readable_labels(educator, trained, rec_settings):
    page = _page(educator.client)
    lines = page.select("svg.models-chart polyline")
    assert {line["class"][0] for line in lines} == {"line-pop", "line-model"}
    for line in lines:
        points = line["points"].split()
        assert points, line
        for point in points:  # "x,y" pairs of numbers (chart.pop once printed a method)
            x, y = point.split(",")
            float(x), float(y)
    assert page.select_one("[data-ndcg-explained]").get_text().startswith(
        'What "NDCG@10 vs popularity" means')


def test_the_timeline_thins_its_labels_so_they_never_run_together():
    from webapp.models_page import CHART_W, MAX_LABELS, chart

    cards = [{"version": f"20260101T{h:02d}0000", "metrics": {"ndcg@10": 0.3,
                                                           "popularity_ndcg@10": 0.2}}
             for h in range(20)]
    drawn = chart(list(reversed(cards)))  # cards come newest first
    assert 2 <= len(drawn["labels"]) <= MAX_LABELS
    assert drawn["labels"][-1][1] == cards[-1]["version"]  # the newest is always labelled
    xs = [x for x, _ in drawn["labels"]]
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= CHART_W / (MAX_LABELS + 2)
    assert len(drawn["popularity"].split()) == len(drawn["model"].split()) == 20
