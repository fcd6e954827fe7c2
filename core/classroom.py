"""Classroom mode: an educator's class of student accounts, each with a world of its own.

A student is an account with a row in `classroom_students` (its class and seat). Its login
name is generated (`c<class>-s<seat>@classroom.streamsim.local`, shaped like an e-mail so the
site's one login form takes it) and its password is random, shown to the educator once and
stored only as the site's usual argon2id hash.

"A world of its own" (docs/simulation.md): every experiment run already builds its worlds in
databases of its own, one per seed; a student's runs add the student's seed offset to every
seed of the config, so two students running the same experiment get different catalogs and
viewers, and one student running it twice gets the same ones.
"""

from __future__ import annotations

import os
import secrets
import string
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import accounts
from core.models import Account, Classroom, ClassroomStudent

MIN_STUDENTS, MAX_STUDENTS = 1, 200
NAME_MAX = 80
LOGIN_DOMAIN = "classroom.streamsim.local"
SEED_LIMIT = 2**31  # experiment seeds are below this (simulator/studies/experiment.py)


class ClassroomError(ValueError):
    """A request refused, with a message fit to show the educator."""


def login_name(classroom_id: int, seat: int) -> str:
    return f"c{classroom_id}-s{seat:03d}@{LOGIN_DOMAIN}"


PASSWORD_ALPHABET = string.ascii_letters + string.digits
PASSWORD_LENGTH = 12


def new_password() -> str:
    """A one-time password: 12 letters and digits (about 71 bits), nothing a spreadsheet
    reads as a formula when the educator opens the CSV."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def seed_offset(classroom_id: int, seat: int) -> int:
    """The student's seed offset, read off the class and the seat: class 3's student 7 adds
    3,007,000. Stable (nothing random, nothing stored) and different for every student of
    the first 2,000 classes; a config's seeds below 1,000 never meet another student's."""
    return 1_000_000 * classroom_id + 1000 * seat


def student_seeds(seeds: list[int], offset: int) -> list[int]:
    """A config's seeds moved into the student's world."""
    return [(seed + offset) % SEED_LIMIT for seed in seeds]


def check_request(name: str, count: int) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise ClassroomError(f"Give the class a name of 1 to {NAME_MAX} characters.")
    if not MIN_STUDENTS <= count <= MAX_STUDENTS:
        raise ClassroomError(f"A class has {MIN_STUDENTS} to {MAX_STUDENTS} students.")
    return name


def hashed_passwords(count: int) -> list[tuple[str, str]]:
    """(password, hash) for `count` students. Each hash takes tens of milliseconds on purpose
    (argon2id, like every password of the site), so a class of 200 takes seconds: they are
    hashed on the machine's cores at once (argon2 releases the GIL), before the caller's write
    transaction."""
    passwords = [new_password() for _ in range(count)]
    workers = max(1, min(4, os.cpu_count() or 1, count))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(zip(passwords, pool.map(accounts.hash_secret, passwords), strict=True))


def create_classroom(session: Session, owner: Account, name: str,
                     passwords: list[tuple[str, str]], now: datetime
                     ) -> tuple[Classroom, list[tuple[str, str]]]:
    """A class owned by `owner` with a student per (password, hash): the class and its
    (login, password) pairs, the only time the passwords exist in clear."""
    if owner.role != "educator":
        raise ClassroomError("Only educators create classes.")
    name = check_request(name, len(passwords))
    classroom = Classroom(name=name, owner_id=owner.id, created_at=now)
    session.add(classroom)
    session.flush()
    logins = []
    for seat, (password, password_hash) in enumerate(passwords, start=1):
        login = login_name(classroom.id, seat)
        account = accounts.create_account(session, login, password, now,
                                          password_hash=password_hash)
        session.add(ClassroomStudent(account_id=account.id, classroom_id=classroom.id,
                                     seat=seat))
        logins.append((login, password))
    session.flush()
    return classroom, logins


def membership(session: Session, account_id: int) -> ClassroomStudent | None:
    """The account's seat in a class, if it is a student."""
    return session.get(ClassroomStudent, account_id)


def owned_classroom(session: Session, owner_id: int, classroom_id: int) -> Classroom | None:
    """The class, if `owner_id` owns it (scoped in the query)."""
    return session.scalar(select(Classroom).where(Classroom.id == classroom_id,
                                                  Classroom.owner_id == owner_id))


def classrooms_of(session: Session, owner_id: int) -> list[Classroom]:
    return list(session.scalars(select(Classroom).where(Classroom.owner_id == owner_id)
                                .order_by(Classroom.created_at.desc(), Classroom.id.desc())))
