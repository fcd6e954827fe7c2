"""Classroom mode for educators: create a class of student accounts, see each student's runs.

A class's students sign in with generated login names and one-time passwords, shown once on
the page that answers the creation (and downloadable as CSV from it, by posting them back:
the site keeps only their hashes). Each student uses the experiment pages in a world of their
own and sees only their own runs (webapp/educator.py, core/classroom.py); the class's owner
sees every student's runs here. Everyone else gets 404, students included.
"""

from __future__ import annotations

import csv
import io
import re

from flask import Blueprint, Response, abort, current_app
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import FieldList, HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from core import classroom
from core.clock import system_clock
from core.models import Account, ClassroomStudent, ExperimentRun
from webapp.database import db_session, get_database, no_write_lock
from webapp.extensions import limiter
from webapp.htmx import render_page
from webapp.viewer import current_account, current_profile, educator_required

bp = Blueprint("classroom", __name__, url_prefix="/educator/classes")
PASSWORD_RE = re.compile(rf"^[A-Za-z0-9]{{{classroom.PASSWORD_LENGTH}}}$")


def _limit() -> str:
    return current_app.config["STREAMSIM"].rate_limit_login


class ClassroomForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(),
                                                 Length(max=classroom.NAME_MAX)])
    students = IntegerField("Students", default=20, validators=[
        InputRequired(), NumberRange(classroom.MIN_STUDENTS, classroom.MAX_STUDENTS,
                                     message=f"A class has {classroom.MIN_STUDENTS} to "
                                             f"{classroom.MAX_STUDENTS} students.")])


class LoginsForm(FlaskForm):
    """The logins and passwords just shown, posted back to download them as CSV."""
    login = FieldList(HiddenField(), max_entries=classroom.MAX_STUDENTS)
    password = FieldList(HiddenField(), max_entries=classroom.MAX_STUDENTS)


def _classroom(classroom_id: int):
    found = classroom.owned_classroom(db_session(), current_account().id, classroom_id)
    if found is None:
        abort(404)
    return found


def _index(form: ClassroomForm, status: int = 200):
    return render_page("classroom/index.html", None, form=form,
                       classes=classroom.classrooms_of(db_session(), current_account().id),
                       limits=(classroom.MIN_STUDENTS, classroom.MAX_STUDENTS),
                       profile=current_profile()), status


@bp.get("/")
@educator_required
def index():
    return _index(ClassroomForm())


@bp.post("/")
@no_write_lock  # the passwords are hashed first; the class itself is one short write below
@limiter.limit(_limit, methods=["POST"])
@educator_required
def create():
    """Create a class; the answer shows its logins and passwords, the only time they exist."""
    form = ClassroomForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    try:
        name = classroom.check_request(form.name.data, form.students.data)
    except classroom.ClassroomError as exc:
        form.name.errors = [*form.name.errors, str(exc)]
        return _index(form, 400)
    passwords = classroom.hashed_passwords(form.students.data)
    with get_database().write() as s:
        owner = s.get(Account, current_account().id)
        created, logins = classroom.create_classroom(s, owner, name, passwords,
                                                     system_clock.now())
        classroom_id, class_name = created.id, created.name
    return render_page("classroom/created.html", None, classroom_id=classroom_id,
                       name=class_name, logins=logins, form=LoginsForm(formdata=None),
                       profile=current_profile()), 201


@bp.get("/<int:classroom_id>")
@educator_required
def detail(classroom_id: int):
    """The class: each student, their world (seed offset) and their runs."""
    found = _classroom(classroom_id)
    s = db_session()
    seats = s.execute(select(ClassroomStudent.seat, Account.id, Account.email)
                      .join(Account, Account.id == ClassroomStudent.account_id)
                      .where(ClassroomStudent.classroom_id == found.id)
                      .order_by(ClassroomStudent.seat)).all()
    runs: dict[int, list[ExperimentRun]] = {account_id: [] for _, account_id, _ in seats}
    for run in s.scalars(select(ExperimentRun).where(ExperimentRun.created_by.in_(list(runs)))
                         .order_by(ExperimentRun.created_at.desc(), ExperimentRun.id.desc())):
        runs[run.created_by].append(run)
    students = [{"seat": seat, "login": login, "runs": runs[account_id],
                 "offset": classroom.seed_offset(found.id, seat)}
                for seat, account_id, login in seats]
    return render_page("classroom/detail.html", None, classroom=found, students=students,
                       total_runs=sum(len(st["runs"]) for st in students),
                       profile=current_profile())


@bp.post("/<int:classroom_id>/logins.csv")
@limiter.limit(_limit, methods=["POST"])
@educator_required
def logins_csv(classroom_id: int):
    """The logins and passwords the creation page showed, as CSV. The site does not keep the
    passwords: the page posts them back, and only this class's logins are accepted."""
    found = _classroom(classroom_id)
    form = LoginsForm()
    if not form.validate_on_submit():
        abort(400)
    logins, passwords = form.login.data, form.password.data
    known = set(db_session().scalars(
        select(Account.email).join(ClassroomStudent, ClassroomStudent.account_id == Account.id)
        .where(ClassroomStudent.classroom_id == found.id)))
    if (not logins or len(logins) != len(passwords) or not set(logins) <= known
            or not all(PASSWORD_RE.match(p or "") for p in passwords)):
        abort(400)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("class", "login", "password"))
    name = "'" + found.name if found.name[:1] in "=+-@\t\r" else found.name  # not a formula
    writer.writerows((name, login, password)
                     for login, password in zip(logins, passwords, strict=True))
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f"attachment; filename=class-{found.id}-logins.csv"
    return response
