"""Classroom mode's domain: seed offsets, generated logins, and migration 0005 up and down."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from core import classroom
from core.db import Database
from core.migrate import alembic_config, upgrade
from core.settings import Settings


def test_seed_offset_is_stable_and_differs_per_student():
    offsets = {(c, s): classroom.seed_offset(c, s) for c in (1, 2, 3, 1999)
               for s in range(1, classroom.MAX_STUDENTS + 1)}
    assert len(set(offsets.values())) == len(offsets)  # every student a world of their own
    assert classroom.seed_offset(3, 7) == 3_007_000  # a function of class and seat only
    worlds = [set(classroom.student_seeds(list(range(1000)), v)) for v in offsets.values()]
    assert len(set().union(*worlds)) == 1000 * len(worlds)  # no seed below 1000 shared
    seeds = classroom.student_seeds([1, 2, 2**31 - 1], offsets[1, 1])
    assert seeds[:2] == [1 + 1_001_000, 2 + 1_001_000]
    assert all(0 <= s < 2**31 for s in seeds)


def test_logins_and_passwords():
    assert classroom.login_name(12, 3) == "c12-s003@classroom.streamsim.local"
    passwords = {classroom.new_password() for _ in range(50)}
    assert len(passwords) == 50 and all(len(p) == 12 and p.isalnum() for p in passwords)
    with pytest.raises(classroom.ClassroomError):
        classroom.check_request("A class", 0)
    with pytest.raises(classroom.ClassroomError):
        classroom.check_request(" ", 2)
    assert classroom.check_request("  Recsys   101 ", 200) == "Recsys 101"


def test_migration_0005_up_and_down(tmp_path):
    from alembic import command

    settings = Settings(env="testing", database_url=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(settings)
    db = Database(settings)
    with db.engine.connect() as conn:
        assert {"classrooms", "classroom_students"} <= set(inspect(conn).get_table_names())
    command.downgrade(alembic_config(settings), "0004")
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert not {"classrooms", "classroom_students"} & tables and "accounts" in tables
    upgrade(settings)
    with db.engine.connect() as conn:
        assert {"classrooms", "classroom_students"} <= set(inspect(conn).get_table_names())
    db.dispose()
