"""Classroom mode: an educator's class of students, each in a world of their own, seeing only
their own runs (core/classroom.py, webapp/classroom.py, webapp/educator.py)."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from core import classroom
from core.models import Account, Classroom, ClassroomStudent, ExperimentRun
from tests.conftest import TEST_NOW, csrf_from, soup
from tests.webapp.conftest import login


def _create(client, name="Recsys 101", students="2"):
    token = csrf_from(client.get("/educator/classes/"))
    return client.post("/educator/classes/", data={"csrf_token": token, "name": name,
                                                   "students": students})


def _logins(response) -> list[tuple[str, str]]:
    rows = soup(response).select("table.classroom__logins tbody tr")
    return [(tr.select("code")[0].text, tr.select("code")[1].text) for tr in rows]


def _student(app, login_name: str, password: str):
    client = app.test_client()
    r = login(client, login_name, password)
    assert r.status_code == 302 and r.headers["Location"].endswith("/educator/")
    return client


def _finished_run(database, tmp_path, account_id: int, name: str) -> int:
    folder = tmp_path / name
    folder.mkdir()
    rows = [{"seed": 1, "arm": "random", "day": 0, "ctr": 0.5}]
    (folder / "metrics.json").write_text(json.dumps(rows))
    (folder / "report.html").write_text("<!doctype html><title>r</title>")
    with database.write() as s:
        run = ExperimentRun(name=name, status="done", progress=1.0,
                            config={"arms": [{"name": "random"}], "seeds": [1]},
                            results_dir=str(folder), created_by=account_id, created_at=TEST_NOW)
        s.add(run)
        s.flush()
        return run.id


def test_a_class_shows_its_passwords_once_and_keeps_only_hashes(make_viewer, database):
    teacher = make_viewer("teach@example.com", role="educator")
    r = _create(teacher.client, students="3")
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    logins = _logins(r)
    assert [name for name, _ in logins] == [classroom.login_name(_class_id(database), seat)
                                            for seat in (1, 2, 3)]
    assert len({password for _, password in logins}) == 3
    with database.read() as s:
        stored = dict(s.execute(select(Account.email, Account.password_hash)
                                .join(ClassroomStudent)).all())
        owner = s.scalar(select(Classroom.owner_id))
    assert owner == teacher.account_id
    for name, password in logins:  # argon2id hashes, never the password itself
        assert stored[name].startswith("$argon2id$") and password not in stored[name]
    # Shown once: the class page lists the logins, never a password.
    page = teacher.client.get(f"/educator/classes/{_class_id(database)}")
    assert page.status_code == 200
    assert all(name in page.text and password not in page.text for name, password in logins)
    # The CSV is the page's own logins posted back; the site has nothing else to give.
    form = soup(r).select_one("form.classroom__download")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    got = teacher.client.post(form["action"], data=data)
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(got.text)))[1:] == [["Recsys 101", n, p]
                                                          for n, p in logins]
    forged = {**data, "login-0": "teach@example.com"}  # not one of this class's students
    assert teacher.client.post(form["action"], data=forged).status_code == 400


def _class_id(database) -> int:
    with database.read() as s:
        return s.scalar(select(Classroom.id).order_by(Classroom.id.desc()))


def test_class_creation_refuses_bad_input_with_4xx(make_viewer, database):
    teacher = make_viewer("teach@example.com", role="educator")
    for name, students in (("", "3"), ("A class", "0"), ("A class", "201"),
                           ("A class", "many"), ("x" * 81, "3"), ("   ", "3"),
                           ("A class", "")):
        r = _create(teacher.client, name=name, students=students)
        assert r.status_code == 400, (name, students)
    r = teacher.client.post("/educator/classes/", data={"name": "No token", "students": "2"})
    assert r.status_code == 400  # CSRF
    with database.read() as s:
        assert s.scalar(select(Classroom.id)) is None


def test_students_see_only_their_own_runs_and_the_educator_sees_all(make_viewer, app,
                                                                     database, tmp_path):
    teacher = make_viewer("teach@example.com", role="educator")
    logins = _logins(_create(teacher.client))
    a, b = (_student(app, *pair) for pair in logins)
    with database.read() as s:
        ids = dict(s.execute(select(Account.email, Account.id)).all())
    run_a = _finished_run(database, tmp_path, ids[logins[0][0]], "Run of A")
    run_b = _finished_run(database, tmp_path, ids[logins[1][0]], "Run of B")
    for path in ("", "/report.html", "/metrics.csv", "/metrics-wide.csv", "/metrics.json",
                 "/events.csv?arm=random&seed=1"):
        assert a.get(f"/educator/runs/{run_b}{path}").status_code == 404, path
        assert b.get(f"/educator/runs/{run_a}{path}").status_code == 404, path
    assert a.get(f"/educator/runs/{run_a}").status_code == 200
    assert a.get(f"/educator/runs/{run_a}/metrics.csv").status_code == 200
    index = a.get("/educator/").text
    assert "Run of A" in index and "Run of B" not in index
    # Students cannot make classes, see the class, or use the educator-only pages.
    for path in ("/educator/classes/", f"/educator/classes/{_class_id(database)}",
                 "/educator/dropoff/", "/educator/realism/", "/educator/design/"):
        assert a.get(path).status_code == 404, path
    assert _create(a).status_code in (400, 404)  # no form page to take a token from: 400
    # The educator sees both, grouped by student, and each run's page.
    page = soup(teacher.client.get(f"/educator/classes/{_class_id(database)}"))
    groups = {li["data-login"]: [x.text for x in li.select("td a")]
              for li in page.select("li.classroom__student")}
    assert groups == {logins[0][0]: ["Run of A"], logins[1][0]: ["Run of B"]}
    for run_id in (run_a, run_b):
        assert teacher.client.get(f"/educator/runs/{run_id}").status_code == 200
    # Another educator does not get this class's page.
    other = make_viewer("other@example.com", role="educator")
    assert other.client.get(f"/educator/classes/{_class_id(database)}").status_code == 404


def test_a_student_run_is_in_the_student_world(make_viewer, app, database):
    launched = []
    app.extensions["streamsim.launch"] = launched.append
    try:
        teacher = make_viewer("teach@example.com", role="educator")
        logins = _logins(_create(teacher.client))
        runs = []
        for pair in logins:
            student = _student(app, *pair)
            page = soup(student.get("/educator/"))
            assert page.select_one(".educator__world")
            token = page.select_one("form.educator__start input[name=csrf_token]")["value"]
            r = student.post("/educator/runs", data={"csrf_token": token,
                                                     "config": "feedback_loop", "quick": "y"})
            assert r.status_code == 303
            runs.append((student, r.headers["Location"]))
    finally:
        del app.extensions["streamsim.launch"]
    class_id = _class_id(database)
    with database.read() as s:
        seeds = [run.config["seeds"] for run in s.scalars(select(ExperimentRun)
                                                          .order_by(ExperimentRun.id))]
    from simulator.studies import worker

    for seat, got in enumerate(seeds, start=1):
        assert got == classroom.student_seeds(list(worker.QUICK["seeds"]),
                                              classroom.seed_offset(class_id, seat))
    assert seeds[0] != seeds[1]
    student, location = runs[0]
    note = soup(student.get(location)).select_one(".educator__world")
    assert note["data-seed-offset"] == str(classroom.seed_offset(class_id, 1))
    assert "Your own world" in note.text


def test_educator_only_and_student_pages_404_for_plain_viewers(make_viewer):
    viewer = make_viewer("ada@example.com")
    for path in ("/educator/", "/educator/classes/", "/educator/runs/1"):
        assert viewer.client.get(path).status_code == 404, path


def test_class_creation_is_rate_limited_like_sign_in(settings, database):
    from tests.webapp.conftest import make_account
    from webapp import create_app

    app = create_app(settings.with_(rate_limit_login="3 per minute"), database)
    make_account(database, "rl-teach@example.com", role="educator")
    client = app.test_client()
    assert login(client, "rl-teach@example.com").status_code == 302
    codes = [_create(client, students="0").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    with database.read() as s:
        assert s.scalar(select(Classroom.id)) is None
