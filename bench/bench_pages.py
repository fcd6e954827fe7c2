"""Home page and search response times (p50/p99) against the app served by gunicorn.

Two sizes: the demo catalog (1,200 titles, 300 profiles) and 10,000 titles / 10,000 profiles.
Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import gunicorn, logged_in, percentiles, timed_gets  # noqa: E402
from core import accounts, activity, catalog  # noqa: E402
from core.db import Database  # noqa: E402
from core.migrate import upgrade  # noqa: E402
from core.models import Account, Profile  # noqa: E402
from core.settings import Settings  # noqa: E402
from simulator.catalog import generate_catalog  # noqa: E402

NOW = datetime(2026, 11, 1, 12)
PASSWORD = "bench password 123"
QUERIES = ["the", "night", "love", "crime", "ma", "dark", "summer", "war"]


def build(folder: Path, n_titles: int, n_profiles: int) -> tuple[str, int]:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    settings = Settings(env="testing", database_url=url)
    upgrade(settings)
    db = Database(settings)
    with db.session() as s:
        generate_catalog(s, n_titles, seed=3, now=NOW)
        s.commit()
    with db.write() as s:
        account = accounts.create_account(s, "bench@example.com", PASSWORD, NOW)
        profile = accounts.create_profile(s, account, NOW, name="Bench")
        picks = [t.id for t in catalog.popular(s, 18, n=3)]
        activity.save_taste_picks(s, profile, picks, [], NOW)
        profile_id = profile.id
    # The other profiles: accounts in bulk (no passwords: they cannot log in).
    rows = [{"email": f"p{i}@example.com", "password_hash": None, "role": "viewer",
             "is_simulated": True, "session_epoch": 0, "created_at": NOW}
            for i in range(n_profiles - 1)]
    with db.write() as s:
        s.execute(Account.__table__.insert(), rows)
        ids = [a for (a,) in s.execute(Account.__table__.select().with_only_columns(
            Account.id).where(Account.is_simulated))]
        s.execute(Profile.__table__.insert(), [
            {"account_id": a, "name": f"P{a}", "avatar": "teal", "language": "en",
             "is_kids": False, "maturity_limit": 18, "autoplay": True, "created_at": NOW,
             "onboarded_at": NOW} for a in ids])
    db.dispose()
    return url, profile_id


def run(label: str, n_titles: int, n_profiles: int, rounds: int = 300) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        url, profile_id = build(Path(tmp), n_titles, n_profiles)
        print(f"[{label}] built {n_titles} titles / {n_profiles} profiles "
              f"in {time.perf_counter() - t:.1f} s")
        with gunicorn(url) as base:
            s = logged_in(base, "bench@example.com", PASSWORD, profile_id)
            timed_gets(s, [base + "/home"], 20)  # warm up both workers
            home = timed_gets(s, [base + "/home"], rounds)
            rows = timed_gets(s, [base + "/home/rows/genre-drama", base + "/home/rows/new"],
                              rounds)
            search = timed_gets(s, [f"{base}/search/?q={q}" for q in QUERIES], rounds)
        print(f"[{label}] home page        {percentiles(home)}")
        print(f"[{label}] lazy row         {percentiles(rows)}")
        print(f"[{label}] search           {percentiles(search)}")


if __name__ == "__main__":
    run("demo size", 1200, 300)
    run("10k titles / 10k profiles", 10_000, 10_000)
